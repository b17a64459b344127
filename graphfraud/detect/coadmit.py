"""Groups admitted together and discharged together, again and again.

Targets **induced or phantom hospitalisation** (诱导住院, 挂床): groups of
elderly admitted on the same day to the same hospital, discharged together,
repeatedly.  Two inpatient stays *meet* when they start, or end, on the same
day at the same facility; pairs that met at least ``min_times`` times are
linked and seeded Leiden splits them into groups.

Benign pattern it must leave to scoring: a ward's ordinary admissions put
random pairs together once; only repetition links them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.detect.candidate import Candidate, group_candidates, uncovered
from graphfraud.detect.communities import leiden
from graphfraud.detect.organise import Organisation, beyond_chance, organisations, tighten
from graphfraud.graph.build import ClaimGraph
from graphfraud.graph.events import Events, combine, venue_events
from graphfraud.graph.project import meetings
from graphfraud.params import CoadmitParams, SignalParams, to_dict

NAME = "coadmit"

#: Default of ``detect``'s ``split_days``: the one value is :attr:`graphfraud.params.SignalParams.split_days`.
_SPLIT_DAYS = SignalParams().split_days


def coadmission_pairs(stays: pd.DataFrame, params: CoadmitParams) -> pd.DataFrame:
    """Linked pairs: ``a``, ``b``, ``days`` (times co-admitted or co-discharged), ``weight``."""
    admitted = meetings(stays, max_neighbours=params.max_neighbours, day_resolution=True)
    ended = stays[stays["end_day"].to_numpy() >= 0].assign(day=lambda s: s["end_day"])
    discharged = meetings(ended, max_neighbours=params.max_neighbours, day_resolution=True)
    both = pd.concat([admitted.assign(adm=1, dis=0), discharged.assign(adm=0, dis=1)], ignore_index=True)
    agg = both.groupby(["a", "b"], sort=True, as_index=False).agg(
        admitted=("adm", "sum"),
        discharged=("dis", "sum"),
        weight=("weight", "sum"),
    )
    agg["days"] = np.maximum(agg["admitted"], agg["discharged"])
    return agg[agg["days"] >= params.min_times].reset_index(drop=True)


def group_days(stays: pd.DataFrame, params: CoadmitParams) -> tuple[Events, int]:
    """Admission days and discharge days of each facility as events (the persons admitted, or discharged, that day).

    A ward's ordinary day admits strangers; a group admitted together keeps
    turning up on the same admission and discharge days.  Facility-days with
    more than ``busy_admissions`` admissions (a big hospital) hold no events.
    Returns the events and how many of them (the first codes) are admission days.
    """
    parts = []
    for column in ("day", "end_day"):
        s = stays[stays[column].to_numpy() >= 0]
        days = pd.DataFrame({"person": s["person"].to_numpy(), "venue": s["venue"].to_numpy(),
                             "minute": s[column].to_numpy() * 1440})  # fmt: skip
        parts.append(venue_events(days, busy_visits=params.busy_admissions, min_persons=3, day_resolution=True))
    return combine(*parts), parts[0].n_events


def _calendar_share(
    key: np.ndarray, venue_of_key: np.ndarray, group_keys: np.ndarray, venues: np.ndarray
) -> np.ndarray:
    """Per venue: the chance that an ordinary stay's day (admission or discharge) is one of the group's days.

    ``key`` holds one venue-day key per stay (admission or discharge day; -1
    for none), ``venue_of_key`` its venue; ``group_keys`` the group's days as
    keys.  Ordinary stays spread over the venue's calendar (from its first to
    its last such day), so the chance is the share of those calendar days that
    are the group's: at a back-street hospital that admits someone on one day
    in eight, a villager admitted with a bus-load is not there by chance, at a
    city hospital every day is a busy day and two of its days are two of many.
    The group's own stays do not enter it.
    """
    out = np.zeros(len(venues))
    for i, v in enumerate(venues):
        mine = key[(venue_of_key == v) & (key >= 0)]
        if not len(mine):
            continue
        first, last = int(mine.min()), int(mine.max())
        held = np.count_nonzero((group_keys >= first) & (group_keys <= last))
        out[i] = held / (last - first + 1)
    return out


def repeat_stays(
    found: list[Organisation],
    days: Events,
    stays: pd.DataFrame,
    *,
    n_admission: int,
    min_stays: int,
    min_persons: int,
    max_chance: float,
    split_days: int,
) -> list[np.ndarray]:
    """The members of each organisation whose stays came with the group again and again, beyond chance.

    Induced admission is repeated hospitalisation: a villager bused in once and
    discharged with the others is not yet a pattern (nor is an elective-surgery
    batch admitted on a Monday and sent home on a Friday), the same villager
    back with the next wave, or discharged and readmitted a few days later
    (分解住院), is.  A member's stay *came with the group* when it was admitted
    on one of the group's admission days or discharged on one of its discharge
    days at that facility; a stay begun within ``split_days`` of such a stay's
    discharge (a split stay) came with it too.  A member needs ``min_stays``
    such stays.  Counting stays rather than admission and discharge days makes
    the rule the same whether or not the export has discharge times, and one
    stay's admission and discharge count once.

    A busy ward's repeat patients land on two of its days by chance: the
    members are then cut by :func:`graphfraud.detect.organise.beyond_chance`
    in stays.  The group's days are those of every organisation at the
    facility (tested together: a village's waves may fall into several).  An
    ordinary stay's admission (or discharge) day is one of them with the share
    of the facility's calendar they cover (:func:`_calendar_share`), and a
    person with ``n`` stays there lands ``m`` or more of them on the group's
    days with the binomial tail.  Members are kept while the expected number of
    the facility's other patients who would do as well by chance is at most
    ``max_chance`` of those kept.  At a back-street hospital that admits
    someone on one day in eight, two bus days out of two stays are far beyond
    that; at a city hospital whose chance groups cover most of its calendar,
    two stays of a chronic patient on two of them are not.

    Once a ring stands (``min_persons`` members kept), its days also include
    those on which two persons of its organisations were admitted (or
    discharged) together, and a person of its organisations who came with it
    fewer than ``min_stays`` times joins when the same test, over the members
    and them together, keeps them: half of a village may be admitted once.
    Organisations left with fewer than ``min_persons`` are dropped.
    """
    if not found:
        return []
    person = stays["person"].to_numpy(np.int64)
    venue = stays["venue"].to_numpy(np.int64)
    start = stays["day"].to_numpy(np.int64)
    end = stays["end_day"].to_numpy(np.int64)
    first = int(min(start.min(initial=0), days.day.min(initial=0)))
    span = int(max(start.max(initial=0), end.max(initial=0), days.day.max(initial=0))) - first + 1
    adm_key = venue * span + (start - first)
    dis_key = np.where(end >= 0, venue * span + (end - first), -1)
    ev_key = days.venue.astype(np.int64) * span + (days.day.astype(np.int64) - first)
    is_adm = np.arange(days.n_events) < n_admission
    # each stay and the stay before it of the same person at the same facility (split stays)
    order = np.lexsort((start, venue, person))
    prev = np.full(len(stays), -1, dtype=np.int64)
    same = (person[order][1:] == person[order][:-1]) & (venue[order][1:] == venue[order][:-1])
    prev[order[1:][same]] = order[:-1][same]
    # the group days of every organisation: a village's waves may fall into several (joined by scoring)
    grouped = np.unique(np.concatenate([o.events for o in found]))
    a_keys = np.unique(ev_key[grouped[is_adm[grouped]]])
    d_keys = np.unique(ev_key[grouped[~is_adm[grouped]]])
    by_venue = np.argsort(venue, kind="stable")
    sorted_venue = venue[by_venue]
    # organisations at the same facilities are tested together: their members are one venue's candidates
    venue_sets: dict[tuple[int, ...], list[int]] = {}
    for i, o in enumerate(found):
        venue_sets.setdefault(tuple(np.unique(days.venue[o.events]).tolist()), []).append(i)
    kept: list[np.ndarray] = [np.array([], dtype=np.int64)] * len(found)
    for key, which in venue_sets.items():
        venues = np.array(key, dtype=np.int64)
        lo = np.searchsorted(sorted_venue, venues, side="left")
        hi = np.searchsorted(sorted_venue, venues, side="right")
        rows = by_venue[np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)])]
        at_venue = np.searchsorted(venues, venue[rows])
        who, inverse = np.unique(person[rows], return_inverse=True)
        n = np.bincount(inverse, minlength=len(who))

        def came_with(admitted: np.ndarray, discharged: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """Per person of ``who``: stays that came with these days (``m``), and each one's chance rate."""
            came = np.zeros(len(stays), dtype=bool)
            came[rows] = np.isin(adm_key[rows], admitted) | np.isin(dis_key[rows], discharged)
            p = np.maximum(prev[rows], 0)
            gap = start[rows] - end[p]
            split = (prev[rows] >= 0) & came[p] & (end[p] >= 0) & (gap >= 0) & (gap <= split_days)
            q_admit = _calendar_share(adm_key[rows], venue[rows], admitted, venues)
            q_discharge = _calendar_share(dis_key[rows], venue[rows], discharged, venues)
            rate = (1.0 - (1.0 - q_admit) * (1.0 - q_discharge))[at_venue]
            m = np.bincount(inverse, weights=came[rows] | split, minlength=len(who)).astype(np.int64)
            return m, np.bincount(inverse, weights=rate, minlength=len(who)) / np.maximum(n, 1)

        m, mean = came_with(a_keys, d_keys)
        candidates = np.unique(np.concatenate([found[i].persons for i in which]))
        members = candidates[m[np.searchsorted(who, candidates)] >= min_stays]
        if len(members) and max_chance < 1:
            at = np.searchsorted(who, members)
            members = members[beyond_chance(m[at], n[at], mean[at], n, mean, max_chance=max_chance)]
        once = np.array([], dtype=np.int64)
        if len(members) >= min_persons:
            # The ring stands.  Its days are also those on which 3 persons of its organisations were admitted
            # (or discharged) together (a bus day no organisation holds), and a person of its organisations who
            # came with it fewer than min_stays times is a member too when that is beyond chance.
            ring = rows[np.isin(person[rows], candidates)]
            m, mean = came_with(
                np.union1d(a_keys, _shared_days(adm_key[ring])), np.union1d(d_keys, _shared_days(dis_key[ring]))
            )
            once = np.setdiff1d(candidates[m[np.searchsorted(who, candidates)] >= 1], members)
            if len(once) and max_chance < 1:
                both = np.concatenate([members, once])
                at = np.searchsorted(who, both)
                keep = beyond_chance(m[at], n[at], mean[at], n, mean, max_chance=max_chance)
                once = both[len(members) :][keep[len(members) :]]
        for i in which:
            mine = found[i].persons[np.isin(found[i].persons, members)]
            if len(once):  # the once-comers whose stay came with this organisation's own days
                own = found[i].events
                landed = np.isin(adm_key[rows], ev_key[own[is_adm[own]]])
                landed |= np.isin(dis_key[rows], ev_key[own[~is_adm[own]]])
                mine = np.union1d(mine, np.intersect1d(once, person[rows][landed]))
            kept[i] = mine
    return [members for members in kept if len(members) >= min_persons]


def _shared_days(keys: np.ndarray, *, min_persons: int = 2) -> np.ndarray:
    """The venue-day keys (not -1) that at least ``min_persons`` of ``keys`` hold.

    >>> _shared_days(np.array([5, 5, 5, 7, 7, 8, -1, -1])).tolist()
    [5, 7]
    """
    day, count = np.unique(keys[keys >= 0], return_counts=True)
    return day[count >= min_persons]


def detect(
    graph: ClaimGraph, params: CoadmitParams = CoadmitParams(), *, seed: int = 0, split_days: int = _SPLIT_DAYS
) -> list[Candidate]:
    """Candidates from repeated co-admissions (inpatient claims only).

    ``split_days`` is the run's :attr:`graphfraud.params.SignalParams.split_days` (the pipeline passes it):
    a stay begun that soon after a group stay's discharge came with the group (:func:`repeat_stays`).
    """
    table = graph.visits.table
    stays = table[table["inpatient"].to_numpy()]
    if stays.empty:
        return []
    pairs = coadmission_pairs(stays, params)
    days, n_admission = group_days(stays, params)
    org = params.organise
    found = organisations(days, **to_dict(org), min_persons=params.min_persons, seed=seed)
    orgs = repeat_stays(found, days, stays, n_admission=n_admission, min_stays=params.min_stays,
                        min_persons=params.min_persons, max_chance=org.max_chance, split_days=split_days)  # fmt: skip
    partition = leiden(pairs, resolution=params.resolution, seed=seed)
    cores = uncovered(partition.groups(min_size=params.min_persons), orgs)
    groups = orgs + tighten(
        cores, days, min_share=org.min_share, min_density=org.min_density, min_persons=params.min_persons
    )
    return group_candidates(NAME, stays, groups, pairs, min_event_persons=3, params=to_dict(params) | {"seed": seed})
