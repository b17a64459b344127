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

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
from graphfraud.stats import binom, poisson

from graphfraud.detect.candidate import Candidate, group_candidates, uncovered
from graphfraud.detect.communities import leiden
from graphfraud.detect.outreach import admission_runs, examination_stays, followed_stays, weekday_batches
from graphfraud.detect.organise import Organisation, beyond_chance, organisations, sorted_search, tighten
from graphfraud.graph.build import EPOCH, ClaimGraph
from graphfraud.graph.events import Events, combine, distinct, venue_events
from graphfraud.graph.project import meetings
from graphfraud.graph.regions import home_city, person_cities
from graphfraud.params import CoadmitParams, SignalParams, to_dict

NAME = "coadmit"

#: Default of ``detect``'s ``split_days``: the one value is :attr:`graphfraud.params.SignalParams.split_days`.
_SPLIT_DAYS = SignalParams().split_days
# step 93: a person's parts at a facility opened on the first of consecutive months, this many cuts in a row, are
# one stay settled month by month (中途结算), whatever the time of day of the cut
SETTLED_MONTHS = 2


def coadmission_pairs(stays: pd.DataFrame, params: CoadmitParams) -> pd.DataFrame:
    """Linked pairs: ``a``, ``b``, ``days`` (times co-admitted or co-discharged), ``weight``."""
    admitted = meetings(stays, max_neighbours=params.max_neighbours, day_resolution=True)
    ended = stays[stays["end_day"].to_numpy() >= 0].assign(day=lambda s: s["end_day"])
    discharged = meetings(ended, max_neighbours=params.max_neighbours, day_resolution=True)
    both = pd.concat([admitted.assign(adm=1, dis=0), discharged.assign(adm=0, dis=1)], ignore_index=True)
    if both.empty:
        agg = both.groupby(["a", "b"], sort=True, as_index=False).agg(
            admitted=("adm", "sum"), discharged=("dis", "sum"), weight=("weight", "sum")
        )
    else:
        # one int key per pair, in (a, b) order: pandas groups it by counting, not by two factorisations
        # (the same sums, in the same order within each pair)
        a, b = both["a"].to_numpy(), both["b"].to_numpy()
        low_a, low_b = int(a.min()), int(b.min())
        width = int(b.max()) - low_b + 1
        key = (a.astype(np.int64) - low_a) * width + (b.astype(np.int64) - low_b)
        sums = both[["adm", "dis", "weight"]].groupby(key, sort=True).sum()
        keys = sums.index.to_numpy(dtype=np.int64)
        agg = pd.DataFrame(
            {
                "a": (keys // width + low_a).astype(a.dtype),
                "b": (keys % width + low_b).astype(b.dtype),
                "admitted": sums["adm"].to_numpy(),
                "discharged": sums["dis"].to_numpy(),
                "weight": sums["weight"].to_numpy(),
            }
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
    grouped = distinct(np.concatenate([o.events for o in found]))
    a_keys = distinct(ev_key[grouped[is_adm[grouped]]])
    d_keys = distinct(ev_key[grouped[~is_adm[grouped]]])
    by_venue = np.argsort(venue, kind="stable")
    sorted_venue = venue[by_venue]
    # organisations at the same facilities are tested together: their members are one venue's candidates
    venue_sets: dict[tuple[int, ...], list[int]] = {}
    for i, o in enumerate(found):
        venue_sets.setdefault(tuple(distinct(days.venue[o.events]).tolist()), []).append(i)
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
            came[rows] = _member(adm_key[rows], admitted) | _member(dis_key[rows], discharged)  # both sorted
            p = np.maximum(prev[rows], 0)
            gap = start[rows] - end[p]
            split = (prev[rows] >= 0) & came[p] & (end[p] >= 0) & (gap >= 0) & (gap <= split_days)
            q_admit = _calendar_share(adm_key[rows], venue[rows], admitted, venues)
            q_discharge = _calendar_share(dis_key[rows], venue[rows], discharged, venues)
            rate = (1.0 - (1.0 - q_admit) * (1.0 - q_discharge))[at_venue]
            m = np.bincount(inverse, weights=came[rows] | split, minlength=len(who)).astype(np.int64)
            return m, np.bincount(inverse, weights=rate, minlength=len(who)) / np.maximum(n, 1)

        m, mean = came_with(a_keys, d_keys)
        candidates = distinct(np.concatenate([found[i].persons for i in which]))
        members = candidates[m[np.searchsorted(who, candidates)] >= min_stays]
        if len(members) and max_chance < 1:
            at = np.searchsorted(who, members)
            members = members[beyond_chance(m[at], n[at], mean[at], n, mean, max_chance=max_chance)]
        once = np.array([], dtype=np.int64)
        if len(members) >= min_persons:
            # The ring stands.  Its days are also those on which 3 persons of its organisations were admitted
            # (or discharged) together (a bus day no organisation holds), and a person of its organisations who
            # came with it fewer than min_stays times is a member too when that is beyond chance.
            ring = rows[_member(person[rows], candidates)]
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


def _member(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is in ``sorted_keys`` (sorted, distinct): ``np.isin`` by binary search.

    >>> _member(np.array([3, 4, 9]), np.array([1, 3, 9])).tolist()
    [True, False, True]
    """
    at = np.minimum(sorted_search(sorted_keys, values), max(len(sorted_keys) - 1, 0))
    return (sorted_keys[at] == values) if len(sorted_keys) else np.zeros(len(values), dtype=bool)


def _shared_days(keys: np.ndarray, *, min_persons: int = 2) -> np.ndarray:
    """The venue-day keys (not -1) that at least ``min_persons`` of ``keys`` hold.

    >>> _shared_days(np.array([5, 5, 5, 7, 7, 8, -1, -1])).tolist()
    [5, 7]
    """
    day, count = np.unique(keys[keys >= 0], return_counts=True)
    return day[count >= min_persons]


class _Arrivals(NamedTuple):
    """The arrivals :func:`bus_days` tests, one small table: per arrival its ``venue``, ``day``, persons ``n``,
    how many of them were ``admitted`` that day or the next, its own ``tail`` (an examination's chance of its
    persons that day; 0.0 for a burst), whether the ``whole`` arrival rides and its examination ``kind`` (-1:
    a burst); per (arrival, person) row: the ``arrival`` (its position), the ``person`` and whether the person
    ``came`` to be admitted from it."""

    venue: np.ndarray
    day: np.ndarray
    n: np.ndarray
    admitted: np.ndarray
    tail: np.ndarray
    whole: np.ndarray
    kind: np.ndarray
    arrival: np.ndarray
    person: np.ndarray
    came: np.ndarray

    @staticmethod
    def joined(parts: list[_Arrivals]) -> _Arrivals:
        """The ``parts`` one after the other (each part's rows pointing at its own arrivals).

        >>> one = _Arrivals(*[np.array([x]) for x in (3, 5, 2, 1, 0.0, False, -1)], np.array([0, 0]),
        ...                 np.array([7, 8]), np.array([True, False]))
        >>> both = _Arrivals.joined([one, one])
        >>> both.venue.tolist(), both.arrival.tolist(), len(_Arrivals.joined([]).person)
        ([3, 3], [0, 0, 1, 1], 0)
        """
        ints, floats, flags = np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=bool)
        empty = [ints, ints, ints, ints, floats, flags, ints, ints, ints, flags]
        offsets = np.cumsum([0] + [len(p.n) for p in parts])
        columns = [
            np.concatenate([e, *(getattr(p, f) for p in parts)]) for e, f in zip(empty, _Arrivals._fields, strict=True)
        ]
        columns[7] = np.concatenate([ints, *(p.arrival + o for p, o in zip(parts, offsets, strict=False))])
        columns[9] = columns[9].astype(bool)
        return _Arrivals(*columns)


def bus_days(visits: pd.DataFrame, stays: pd.DataFrame, *, day_resolution: bool, min_times: int,
             max_chance: float, kind: np.ndarray | None = None,
             away: np.ndarray | None = None) -> list[tuple[np.ndarray, np.ndarray, int]]:  # fmt: skip
    """Facilities that admit, again and again, a group out of the outpatients who arrived together.

    A hospital that sends a bus to a village (免费体检+包车接送) examines the
    villagers who get off it, minutes apart, and admits many of them that day
    or the next; next time another village, or the same one again.  Most
    villagers are admitted once, so :func:`repeat_stays` sees no repetition in
    the persons; the repetition is the hospital's.  An *arrival* is a burst of
    outpatient arrivals at a facility (:func:`graphfraud.graph.events.venue_events`,
    a whole day in a date-only export); it *ends in admissions* when its
    persons were admitted there that day or the next.  An ordinary outpatient
    is admitted with the facility's own rate (its outpatient person-days
    followed by an admission there, the arrival's own left out), so an arrival
    of ``n`` persons of whom ``a`` (at least 3, a group) were admitted has the
    binomial tail ``P(Bin(n, rate) >= a)``.  The arrivals kept are those whose
    tails pass the Benjamini-Hochberg bound at ``max_chance`` over every
    arrival tested (the share of them that chance could give), and a facility
    is a candidate with ``min_times`` such arrivals or more: a minibus
    accident's riders admitted together on one day are no scheme.

    Returns per facility: the riders (the persons of its kept arrivals who were
    admitted from one, or who came with ``min_times`` of them: examined again
    and again, they were billed too), the claims (their outpatient
    claims there on those days, their stays there begun that day or the next)
    and how many arrivals were kept.

    Step 135: ``away`` (per person code, True when insured in another city than the export's own) gives the
    facility's rate per catchment: a tertiary hospital's 异地就医 patients come to its clinic to be admitted (an
    examination, then a stay a day or a few later), while the district's own outpatients rarely are, so an
    arrival of several of them is its catchment, not a bus.  An arrival's rate is then its persons' mean of the
    facility's rate for their catchment (each the facility's other arrivals' share, the arrival's own left out), and
    never below the one rate of all its outpatients (a catchment admitted less often lowers no bar).

    Two bus-loads of eight, four of each admitted that day or the next; the first village examined again
    on day 20 (no one admitted), and the second village's persons each alone on a later day:

    >>> minute = [600 + 3 * i for i in range(8)]
    >>> v = pd.DataFrame({"claim": range(32), "person": list(range(8)) * 2 + list(range(8, 16)) * 2, "venue": 0,
    ...                   "minute": minute + [m + 20 * 1440 for m in minute] + [m + 40 * 1440 for m in minute]
    ...                   + [(m + 1440 * d) for d in range(41, 49) for m in [720]]})
    >>> v["day"] = v["minute"] // 1440
    >>> s = pd.DataFrame({"claim": range(100, 112), "person": [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15],
    ...                   "venue": 0, "day": [0, 0, 0, 1, 40, 40, 41, 41, 60, 70, 80, 90]})
    >>> found = bus_days(v, s, day_resolution=False, min_times=2, max_chance=0.1)
    >>> [(p.tolist(), n) for p, _, n in found]
    [([0, 1, 2, 3, 8, 9, 10, 11], 2)]
    """
    if stays.empty or visits.empty:
        return []
    s_person = stays["person"].to_numpy(np.int64)
    s_venue = stays["venue"].to_numpy(np.int64)
    s_day = stays["day"].to_numpy(np.int64)
    v_venue = visits["venue"].to_numpy(np.int64)
    n_venues = int(max(v_venue.max(), s_venue.max())) + 1
    with_stays = np.zeros(n_venues, dtype=bool)
    with_stays[s_venue] = True
    at = with_stays[np.maximum(v_venue, 0)] & (v_venue >= 0) & (visits["person"].to_numpy() >= 0)
    if not at.any():
        return []
    visits = visits[at]
    kind = None if kind is None else np.asarray(kind, dtype=np.int64)[at]
    person = visits["person"].to_numpy(np.int64)
    venue = visits["venue"].to_numpy(np.int64)
    day = visits["day"].to_numpy(np.int64)
    first = int(min(day.min(), s_day.min()))
    span = int(max(day.max(), s_day.max())) - first + 2
    n_persons = int(max(person.max(), s_person.max())) + 1

    def key(p: np.ndarray, v: np.ndarray, d: np.ndarray) -> np.ndarray:
        return (v * n_persons + p) * span + (d - first)

    admitted_keys = distinct(key(s_person, s_venue, s_day))

    def admitted(keys: np.ndarray) -> np.ndarray:  # admitted there that day or the next
        return _member(keys, admitted_keys) | _member(keys + 1, admitted_keys)

    # the facility's own rate: its outpatient person-days followed by an admission there that day or the next
    pvd = distinct(key(person, venue, day))
    pd_venue = pvd // span // n_persons
    days_at = np.bincount(pd_venue, minlength=n_venues)
    pd_admitted = admitted(pvd)
    admitted_at = np.bincount(pd_venue[pd_admitted], minlength=n_venues)
    far_at = None
    if away is not None and len(away):
        pd_far = _far(away, (pvd // span) % n_persons)
        far_at = (np.bincount(pd_venue[pd_far], minlength=n_venues),
                  np.bincount(pd_venue[pd_far & pd_admitted], minlength=n_venues))  # fmt: skip
    # only a venue-day where 3 outpatients were admitted that day or the next can hold a group's arrival
    vd = (pvd[pd_admitted] // span // n_persons) * span + pvd[pd_admitted] % span
    vd_days, vd_n = np.unique(vd, return_counts=True)
    group_days = vd_days[vd_n >= 3]
    if not len(group_days):
        return []
    here = _member(venue * span + (day - first), group_days)
    events = venue_events(visits[here], day_resolution=day_resolution)
    inc = events.incidence
    # the arrivals tested: bursts first and then (with ``kind``) examinations
    parts = []
    if not inc.empty:
        ev = inc["event"].to_numpy(np.int64)  # sorted by event
        who = inc["person"].to_numpy(np.int64)
        ev_venue, ev_day = events.venue[ev].astype(np.int64), events.day[ev].astype(np.int64)
        came = admitted(key(who, ev_venue, ev_day))
        new = np.r_[True, ev[1:] != ev[:-1]]
        codes, slot = ev[new], np.cumsum(new) - 1
        parts.append(_Arrivals(
            venue=events.venue[codes].astype(np.int64), day=events.day[codes].astype(np.int64), n=np.bincount(slot),
            admitted=np.bincount(slot, weights=came).astype(np.int64), tail=np.zeros(len(codes)),
            whole=np.zeros(len(codes), dtype=bool), kind=np.full(len(codes), -1, dtype=np.int64),
            arrival=slot, person=who, came=came,
        ))  # fmt: skip
    if kind is not None:
        parts.append(_examinations(person, venue, day, kind, here, key=key, admitted=admitted, first=first,
                                   max_chance=max_chance))  # fmt: skip
    arrivals = _Arrivals.joined(parts)
    a_venue, a_day, n, a = arrivals.venue, arrivals.day, arrivals.n, arrivals.admitted
    own_tail, is_whole, a_kind = arrivals.tail, arrivals.whole, arrivals.kind
    r_arrival, r_person, r_came = arrivals.arrival, arrivals.person, arrivals.came
    # an arrival with fewer than 3 admitted is no group admission: only the others are tested
    tested = np.flatnonzero(a >= 3)
    if not len(tested):
        return []
    v_of = a_venue[tested]
    rate = (admitted_at[v_of] - a[tested]) / np.maximum(days_at[v_of] - n[tested], 1)
    if far_at is not None and away is not None:  # step 135: each catchment at its own rate
        rate = _catchment_rate(rate, tested, v_of, days_at, admitted_at, far_at, n, a,
                               _far(away, r_person), r_arrival, r_came)  # fmt: skip
    tail = np.maximum(binom.sf(a[tested] - 1, n[tested], np.clip(rate, 1e-9, 1.0)), own_tail[tested])
    order = np.argsort(tail, kind="stable")
    passed = tail[order] <= max_chance * np.arange(1, len(tail) + 1) / len(tail)
    kept = np.zeros(len(n), dtype=bool)
    if passed.any():
        kept[tested[order[: int(np.flatnonzero(passed).max()) + 1]]] = True
    out = []
    for v in distinct(a_venue[kept]).tolist():
        mine = np.flatnonzero(kept & (a_venue == v))
        bus = distinct(a_day[mine])
        if len(bus) < min_times:
            continue
        # the riders: admitted from one of these arrivals, or at two of them (an outpatient of the day who
        # happened to come with one bus is not a rider: in a date-only export the arrival is the whole day),
        # or examined with a bus whose examination the hospital gives on no ordinary day
        on = np.isin(r_arrival, mine)
        # (a burst and an examination of one day are one time)
        riders, times_on = np.unique(distinct(r_person[on] * span + (a_day[r_arrival[on]] - first)) // span,
                                     return_counts=True)  # fmt: skip
        riders = riders[(times_on >= min_times) | np.isin(riders, r_person[on & (r_came | is_whole[r_arrival])])]
        there = np.flatnonzero(venue == v)
        if kind is not None and (is_whole[mine]).any():
            # the bus's examination on its other days: beyond its daily volume, a bus came though few were admitted
            kinds = distinct(a_kind[mine[is_whole[mine]]])
            more, days = _examination_days(person[there], day[there], kind[there], kinds, max_chance=max_chance)
            riders, bus = np.union1d(riders, more), np.union1d(bus, days)
        on_bus = there[np.isin(person[there], riders) & np.isin(day[there], bus)]
        board = (s_venue == v) & np.isin(s_person, riders) & (np.isin(s_day, bus) | np.isin(s_day - 1, bus))
        claims = np.union1d(visits["claim"].to_numpy(np.int64)[on_bus], stays["claim"].to_numpy(np.int64)[board])
        out.append((riders, claims, int(len(bus))))
    return out


def _far(away: np.ndarray, person: np.ndarray) -> np.ndarray:
    """Per ``person`` code: True when ``away`` marks it (insured in another city); codes beyond ``away`` are not."""
    out = np.zeros(len(person), dtype=bool)
    inside = person < len(away)
    out[inside] = away[person[inside]]
    return out


def _catchment_rate(rate: np.ndarray, tested: np.ndarray, v_of: np.ndarray, days_at: np.ndarray,
                    admitted_at: np.ndarray, far_at: tuple[np.ndarray, np.ndarray], n: np.ndarray, a: np.ndarray,
                    far: np.ndarray, arrival: np.ndarray, came: np.ndarray) -> np.ndarray:  # fmt: skip
    """Step 135 (:func:`bus_days`): the tested arrivals' rate as their persons' mean of the facility's rate for their
    catchment (``far``: per (arrival, person) row, insured in another city), the arrival's own left out of each; the
    one ``rate`` where it is higher, or where the arrival holds no such person.

    >>> rate = np.array([0.01])
    >>> out = _catchment_rate(rate, np.array([0]), np.array([0]), np.array([1000]), np.array([30]),
    ...                       (np.array([100]), np.array([25])), np.array([6]), np.array([4]),
    ...                       np.array([True] * 4 + [False] * 2), np.zeros(6, dtype=np.int64),
    ...                       np.array([True] * 3 + [False, True, False]))
    >>> round(float(out[0]), 4)  # 4 of 6 from afar at 22/96, 2 local at 4/898
    0.1543
    """
    days_far, admitted_far = far_at
    n_far = np.bincount(arrival, weights=far, minlength=len(n))[tested]
    a_far = np.bincount(arrival, weights=far & came, minlength=len(n))[tested]
    n_local, a_local = n[tested] - n_far, a[tested] - a_far
    local = (admitted_at[v_of] - admitted_far[v_of] - a_local) / np.maximum(days_at[v_of] - days_far[v_of] - n_local, 1)
    elsewhere = (admitted_far[v_of] - a_far) / np.maximum(days_far[v_of] - n_far, 1)
    mixed = (n_local * local + n_far * elsewhere) / np.maximum(n[tested], 1)
    return np.where((n_far > 0) & (mixed > rate), mixed, rate)


def _examination_days(person: np.ndarray, day: np.ndarray, kind: np.ndarray, kinds: np.ndarray, *,
                      max_chance: float) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The persons and days of a venue's examinations ``kinds`` (a bus's) on the days more persons had one than its
    daily volume makes likely (a Poisson tail at its mean over the venue's days, kept by the Benjamini-Hochberg
    bound at ``max_chance``), when chance gives at most ``max_chance`` of those persons (the venue's visits only).

    >>> day = np.r_[np.arange(100), [7] * 12, [50]]
    >>> person = np.arange(len(day))
    >>> kind = np.r_[[1] * 100, [2] * 13]
    >>> p, d = _examination_days(person, day, kind, np.array([2]), max_chance=0.1)
    >>> d.tolist(), len(p)
    ([7], 12)
    """
    open_days = len(distinct(day))
    at = np.flatnonzero(np.isin(kind, kinds))
    span = int(day.max()) + 1
    n_persons = int(person.max()) + 1
    key = distinct((kind[at] * span + day[at]) * n_persons + person[at])
    kd, count = np.unique(key // n_persons, return_counts=True)
    k_of = kd // span
    k_at = np.unique(k_of, return_inverse=True)[1]
    mean = np.bincount(k_at, weights=count) / max(open_days, 1)
    tail = poisson.sf(count - 1, mean[k_at])
    order = np.argsort(tail, kind="stable")
    passed = tail[order] <= max_chance * np.arange(1, len(tail) + 1) / len(tail)
    kept = np.zeros(len(kd), dtype=bool)
    if passed.any():
        kept[order[: int(np.flatnonzero(passed).max()) + 1]] = True
    kept &= mean[k_at] <= max_chance * count
    if not kept.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    riders = distinct(key[np.isin(key // n_persons, kd[kept])] % n_persons)
    return riders, distinct(kd[kept] % span)


def _dense(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` of an int array, by one plain sort and a binary search of each
    value (NumPy's inverse takes a stable argsort of every value: twice the time at millions of visits).

    >>> [a.tolist() for a in _dense(np.array([7, 3, 7, 5]))]
    [[3, 5, 7], [2, 0, 2, 1]]
    """
    keys = distinct(values)
    return keys, np.searchsorted(keys, values)


def _examinations(person: np.ndarray, venue: np.ndarray, day: np.ndarray, kind: np.ndarray, here: np.ndarray, *,
                  key: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
                  admitted: Callable[[np.ndarray], np.ndarray], first: int, max_chance: float) -> _Arrivals:  # fmt: skip
    """The examinations of a venue-day as arrivals (for :func:`bus_days`): its outpatients of one ``kind``
    (doctor and diagnosis), on the venue-days ``here`` only.

    A bus's villagers get one examination (a check-up by the doctor the hospital sets on it), at any hour of
    the day: keyed over hours, they are no burst.  An examination is tested as an arrival when more persons
    had it that day than its daily volume at the venue makes likely (a Poisson tail at its mean over the
    venue's days; its tail joins the admissions' as the larger of the two): a surgeon's daily patients,
    admitted as surgery patients are, are his every day, not a bus.  Its persons all ride when chance gives
    at most ``max_chance`` of them (its mean day against its persons that day).
    """
    known = kind >= 0
    if not known.any():
        return _Arrivals.joined([])
    # the examination's daily volume at its venue: its person-days over the venue's days with outpatients
    span = int(day.max()) - first + 2
    vk, vk_of = _dense(venue[known] * (int(kind.max()) + 1) + kind[known])
    # each (examination, day, person) once, counted per examination (its key's leading part)
    width = span * (int(person.max()) + 1)
    per_person_day = distinct(
        (vk_of.astype(np.int64) * span + (day[known] - first)) * (int(person.max()) + 1) + person[known]
    )
    per_kind = np.bincount(per_person_day // width, minlength=len(vk))
    vday = distinct(venue * span + (day - first))
    open_days = np.bincount(vday // span, minlength=int(venue.max()) + 1)
    n_kinds = int(kind.max()) + 1
    mean = per_kind / np.maximum(open_days[vk // n_kinds], 1)
    # the examinations of the venue-days that can hold a group's arrival
    sel = np.flatnonzero(here & known)
    if not len(sel):
        return _Arrivals.joined([])
    vk_sel = vk_of[np.flatnonzero(here[known])]
    akeys, a_of = _dense(vk_sel.astype(np.int64) * span + (day[sel] - first))
    pairs = distinct(a_of.astype(np.int64) * (int(person.max()) + 1) + person[sel])
    slot = pairs // (int(person.max()) + 1)
    who = pairs % (int(person.max()) + 1)
    a_vk, a_day = akeys // span, akeys % span + first
    a_venue = vk[a_vk] // n_kinds
    came = admitted(key(who, a_venue[slot], a_day[slot]))
    count = np.bincount(slot, minlength=len(akeys))
    return _Arrivals(
        venue=a_venue, day=a_day, n=count, admitted=np.bincount(slot, weights=came, minlength=len(akeys)).astype(np.int64),
        tail=poisson.sf(count - 1, mean[a_vk]), whole=mean[a_vk] <= max_chance * count, kind=vk[a_vk] % n_kinds,
        arrival=slot, person=who, came=came,
    )  # fmt: skip


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
    stays = settled_stays(stays, graph.data.claims["end_time"])
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
    out = group_candidates(NAME, stays, groups, pairs, min_event_persons=3, params=to_dict(params) | {"seed": seed})
    # a hospital's bus days: the outpatients who arrived together, many of them admitted that day or the next
    # only the outpatient claims at facilities with stays can end in admissions (bus_days takes no other):
    # picked before the frame is copied
    venue = graph.visits.column("venue")
    with_stays = np.zeros(len(graph.visits.venues) + 1, dtype=bool)
    with_stays[stays["venue"].to_numpy()] = True
    at = ~graph.visits.column("inpatient") & (graph.visits.column("kind") == 0) & with_stays[venue]
    outpatient = table[at]
    buses = bus_days(outpatient, stays, day_resolution=graph.day_resolution, min_times=params.min_times,
                     max_chance=org.max_chance, kind=_examination(graph, outpatient),
                     away=_away(graph) if params.catchment_rate else None)  # fmt: skip
    batches = []
    if params.batch_days:  # off by default (step 126): a surgery ward's weekly lists are taken too
        batches = weekday_batches(stays, min_batch=params.batch_admissions, min_days=params.batch_days,
                                  min_weekday=params.batch_weekday, min_once=params.batch_once,
                                  max_chance=org.max_chance)  # fmt: skip
    elif params.exam_days:  # step 129: the batches' stays are examinations, not a ward's operations
        examined = examination_stays(graph, stays, ratio=params.exam_ratio)
        if examined.any():
            batches = weekday_batches(stays, min_batch=params.batch_admissions, min_days=params.exam_days,
                                      min_weekday=params.batch_weekday, min_once=params.batch_once,
                                      max_chance=org.max_chance, examined=examined,
                                      min_examined=params.exam_share)  # fmt: skip
    runs = []
    if params.run_gap:  # step 149: admissions by the busload beyond the facility's rate at the hour (timed stays)
        followed = followed_stays(stays, outpatient)  # the facilities' outpatients (at facilities with stays)
        runs = admission_runs(stays, gap=params.run_gap, min_run=params.run_persons, min_runs=params.run_count,
                              max_times=params.run_times, max_chance=org.max_chance, followed=followed,
                              max_followed=params.run_followed, min_again=params.run_again,
                              min_rejoin=params.run_rejoin)  # fmt: skip
    for riders, claims, times in [*buses, *batches, *runs]:
        # induced admissions, though most of the claims are the check-ups of those examined
        evidence = {"pairs": 0, "mean_days": 0.0, "events": times, "bus_days": times, "typology": "induced_admission"}
        out.append(Candidate(NAME, riders, claims, evidence, to_dict(params) | {"seed": seed}))
    return out


def _away(graph: ClaimGraph) -> np.ndarray | None:
    """Step 135: per person code, True when insured in a city other than the export's own (None: no regions)."""
    cities = graph.shared("person_cities", lambda: person_cities(graph))
    if cities is None:
        return None
    home = graph.shared("home_city", lambda: home_city(cities))
    return (cities != "") & (cities != home)


def unended_parts(person: np.ndarray, venue: np.ndarray, minute: np.ndarray, end_day: np.ndarray) -> np.ndarray:
    """Step 89: which stays (sorted by person, venue and start ``minute``) continue the previous one as a monthly
    settlement's next part where the export gives no discharge (``end_day`` -1).

    A 家庭病床 programme settled month by month (中途结算) in an export without end times shows each elder
    "admitted" on the first of every month; with no discharge to tell a cut from a readmission, the calendar
    does: a claim opened on the first of a month with no time of day (or at 00:00) continues the same person's
    stay at the facility opened in the calendar month before, when that stay's end is not exported.  A
    readmission on any other day, in the working day, two months on, or at another facility stays one.

    >>> day = np.array([3, 31, 60, 3, 60])  # 2000-01-04, 02-01, 03-01; another person's 01-04 and 03-01
    >>> unended_parts(np.array([1, 1, 1, 2, 2]), np.zeros(5, dtype=int), day * 1440, np.full(5, -1)).tolist()
    [False, True, True, False, False]
    """
    out = np.zeros(len(person), dtype=bool)
    if len(person) < 2:
        return out
    _, first, next_month = _month_turns(person, venue, minute)
    out[1:] = next_month & (end_day[:-1] < 0) & (first & (np.remainder(minute, 1440) == 0))[1:]
    return out


def _month_turns(
    person: np.ndarray, venue: np.ndarray, minute: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of stays sorted by person, venue and start ``minute``: each one's day, whether it opened on the first of a
    month, and whether each (but the first) is the same person's at the same facility opened in the calendar
    month after the previous one's (:func:`unended_parts`, :func:`monthly_parts`)."""
    day = np.floor_divide(minute, 1440)
    date = EPOCH.astype("datetime64[D]") + day.astype("timedelta64[D]")
    month = date.astype("datetime64[M]")
    month_no = month.astype(np.int64)
    same = (person[1:] == person[:-1]) & (venue[1:] == venue[:-1])
    return day, date == month.astype("datetime64[D]"), same & (month_no[1:] - month_no[:-1] == 1)


def monthly_parts(
    person: np.ndarray, venue: np.ndarray, minute: np.ndarray, end_day: np.ndarray, *, months: int = SETTLED_MONTHS
) -> np.ndarray:
    """Step 93: which stays (sorted by person, venue and start ``minute``) continue the previous one as the next
    part of a stay settled at each month's end (中途结算), whatever the time of day of the cut.

    A long-stay ward (psychiatric, tuberculosis, long-term care) settles every patient's stay at the month's end:
    the part closes on the month's last day and the next opens on the first, at the hour the ward's billing runs,
    so the whole ward is "admitted" together on the first of every month.  A cut is at the month boundary when
    the part opens on the first of a month, the previous part at the facility opened in the calendar month before
    and closed on that month's last day or on the first itself (or its discharge is not exported); such cuts are a
    settlement when the person has ``months`` of them in a row (a month in hospital each, consecutive months): a
    discharge and readmission that happens to fall on a month's turn is one cut, and stays one.

    >>> day = np.array([10, 31, 60, 91, 10, 31])  # 2000-01-11, 02-01, 03-01, 04-01; another person's 01-11, 02-01
    >>> ends = np.array([30, 59, 90, 100, 30, 40])
    >>> monthly_parts(np.array([1, 1, 1, 1, 2, 2]), np.zeros(6, dtype=int), day * 1440 + 480, ends).tolist()
    [False, True, True, True, False, False]
    """
    out = np.zeros(len(person), dtype=bool)
    if len(person) < 2:
        return out
    day, first, next_month = _month_turns(person, venue, minute)
    after = day[1:] - end_day[:-1]  # 1: closed the month's last day; 0: closed on the first itself
    closed = (end_day[:-1] < 0) | (after == 0) | (after == 1)
    cut = np.r_[False, next_month & first[1:] & closed]
    run = np.cumsum(~cut)  # consecutive cuts share the id of the part they continue
    length = np.bincount(run, weights=cut)
    return cut & (length[run] >= months)


def settled_stays(stays: pd.DataFrame, end_time: pd.Series) -> pd.DataFrame:
    """The stays with each stay's settlements in parts (中途结算) as one: a claim that begins at 00:00 on the day
    the same person's claim at the same facility closed at 23:59, or the day after, continues that stay: it is no
    admission.

    A long stay (a 家庭病床 programme, a long ward stay) may be settled month by month: each month's claim closes
    at 23:59 on its last day and the next opens at 00:00 on the first, so every patient of the programme is
    "admitted" on the first of each month with the others, a minute apart, at midnight: a co-admission group,
    though nobody came in.  A real admission begins when the patient arrives; a readmission after a discharge the
    evening before begins in the working day.  Where the stays carry dates only (no time of day at either end)
    the cut is told by the calendar: a claim opened on the first of a month, on the day the previous one closed or
    the day after, continues it (a same-day readmission on any other day stays an admission: 分解住院 is judged as
    before).  Where a stay's discharge is not exported at all (no end time, step 89), a claim opened on the first
    of a month, with no time of day or at 00:00, continues the same person's stay at the facility opened in the
    calendar month before.  Whatever the hour of the cut, parts opened on the first of consecutive months, each
    after a part that closed on the month's last day, continue the stay (:func:`monthly_parts`, step 93: a ward
    whose billing run settles at 08:00).  Returns the rows of ``stays`` that open a stay, each with the
    ``end_day`` of the last claim of its stay; ``end_time`` is the claims' ``end_time`` (indexed by claim row).

    >>> v = pd.DataFrame({"claim": [0, 1, 2], "person": [1, 1, 1], "venue": [3, 3, 3],
    ...                   "minute": [600, 31 * 1440, 50 * 1440 + 600], "day": [0, 31, 50], "end_day": [30, 40, 52]})
    >>> ends = pd.Series(pd.to_datetime(["2000-01-31 23:59", "2000-02-10 10:00", "2000-02-22 10:00"]))
    >>> settled_stays(v, ends)[["claim", "day", "end_day"]].to_numpy().tolist()
    [[0, 0, 40], [2, 50, 52]]
    """
    if len(stays) < 2:
        return stays
    order = np.lexsort((stays["minute"].to_numpy(), stays["venue"].to_numpy(), stays["person"].to_numpy()))
    s = stays.iloc[order]
    person, venue = s["person"].to_numpy(), s["venue"].to_numpy()
    start = s["minute"].to_numpy(np.int64)
    day, end_day = s["day"].to_numpy(np.int64), s["end_day"].to_numpy(np.int64)
    ends = end_time.to_numpy()[s["claim"].to_numpy(np.int64)].astype("datetime64[m]")
    closed_late = np.zeros(len(s), dtype=bool)
    known = ~np.isnat(ends)
    closed_late[known] = (ends[known] - ends[known].astype("datetime64[D]")).astype(np.int64) >= 1439
    same = np.zeros(len(s), dtype=bool)
    same[1:] = (person[1:] == person[:-1]) & (venue[1:] == venue[:-1])
    continues = np.zeros(len(s), dtype=bool)
    after = day[1:] - end_day[:-1]  # 1: the next day; 0: the closing day itself (exports that date both the cut)
    at_cut = same[1:] & (start[1:] % 1440 == 0) & ((after == 0) | (after == 1))
    # stays exported with dates only (no time of day on either end): the cut is told by the calendar, a claim
    # opened on the first of a month the day the previous closed, or the day after (a monthly settlement)
    dated = np.zeros(len(s), dtype=bool)
    dated[known] = (ends[known] - ends[known].astype("datetime64[D]")).astype(np.int64) == 0
    date = EPOCH.astype("datetime64[D]") + day.astype("timedelta64[D]")
    first_of_month = date == date.astype("datetime64[M]").astype("datetime64[D]")
    continues[1:] = at_cut & (closed_late[:-1] | (dated[:-1] & first_of_month[1:]))
    continues |= unended_parts(person, venue, start, end_day)  # step 89: stays exported without a discharge
    continues |= monthly_parts(person, venue, start, end_day)  # step 93: a ward settled at each month's end
    if not continues.any():
        return stays
    stay = np.cumsum(~continues) - 1
    last_end = np.full(int(stay[-1]) + 1, -1, dtype=np.int64)
    np.maximum.at(last_end, stay, end_day)
    opens = s[~continues].copy()
    opens["end_day"] = last_end[stay[~continues]].astype(opens["end_day"].dtype)
    return opens.sort_values("claim", kind="stable")


def _examination(graph: ClaimGraph, visits: pd.DataFrame) -> np.ndarray:
    """Per visit, its examination: the doctor and the diagnosis (either may be missing; -1 when both are)."""
    doctor = visits["doctor"].to_numpy(np.int64)
    if "diagnosis" in graph.data.claims:
        dx = graph.claim_codes("diagnosis")[0][visits["claim"].to_numpy(np.int64)].astype(np.int64)
    else:
        dx = np.full(len(visits), -1, dtype=np.int64)
    n_dx = int(dx.max()) + 2 if len(dx) else 1
    return np.where((doctor < 0) & (dx < 0), -1, (doctor + 1) * n_dx + (dx + 1))
