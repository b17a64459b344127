"""Rings as organisations: persons who keep turning up in the same venue events.

A staged clinic's broker brings a different quarter of a fifty-person pool on
each batch day; a card collector swipes a different handful of seventy cards
each evening.  Two recruits then rarely meet more than once or twice, so a
person-person projection cuts the pool into pieces (or misses it), yet every
batch shares several persons with the other batches.  This module clusters the
*events* (:mod:`graphfraud.graph.events`) instead of the persons: two events are
linked by the number of persons who attended both, seeded Leiden (CPM) groups
events whose pairs share more than ``resolution`` persons on average, and the
ring is every person who attended at least ``min_events`` of a group's events.

The resolution has a plain meaning -- persons shared per pair of the ring's
events -- and does not depend on how often each member attends: a pool of
``n`` persons each at a share ``a`` of the batches shares ``a^2 n`` persons per
pair of batches (0.6 at ``a = 0.2, n = 15``; 27 at ``a = 0.95, n = 30``), while
unrelated events at one venue share about none.

Benign dense care forms organisations too (a dialysis shift, a nursing home's
round); scoring explains them (:mod:`graphfraud.score.reasons`).

References
----------
Beutel et al., "CopyCatch: Stopping Group Attacks by Spotting Lockstep Behavior
in Social Networks", WWW 2013.
Traag, Van Dooren, Nesterov, "Narrow scope for resolution-limit-free community
detection", Phys. Rev. E 84, 016114 (2011) (CPM).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphfraud.detect.communities import leiden
from graphfraud.graph.events import Events, distinct
from graphfraud.params import OrganiseParams, check

#: Defaults of every option: the one place they are set is :class:`graphfraud.params.OrganiseParams`.
_D = OrganiseParams()


@dataclass(frozen=True)
class Organisation:
    """One group of events and the persons who keep attending them.

    Attributes
    ----------
    persons : ndarray
        Person codes, sorted: everyone at ``min_events`` or more of the events.
    events : ndarray
        Event codes of the group, sorted.
    """

    persons: np.ndarray
    events: np.ndarray


def event_links(events: Events, *, min_events: int = 2, max_links: int = 20, min_shared: int = 1) -> pd.DataFrame:
    """Event pairs and the number of persons who attended both: ``a``, ``b``, ``weight``.

    Each person's events are paired with that person's next ``max_links``
    events (in event order), so a person at hundreds of events costs linear
    time; only persons at ``min_events`` or more events link anything.
    """
    inc = events.incidence
    empty = pd.DataFrame({"a": np.array([], dtype=np.int64), "b": np.array([], dtype=np.int64),
                          "weight": np.array([], dtype=float)})  # fmt: skip
    if inc.empty:
        return empty
    person = inc["person"].to_numpy()
    event = inc["event"].to_numpy()
    order = np.lexsort((event, person))
    person, event = person[order], event[order]
    runs = np.flatnonzero(np.r_[True, person[1:] != person[:-1], True])
    count = np.repeat(np.diff(runs), np.diff(runs))
    repeat = count >= min_events
    person, event = person[repeat], event[repeat]
    n = max(events.n_events, 1)
    keys = []
    for j in range(1, max_links + 1):
        same = np.flatnonzero(person[j:] == person[:-j])
        if not len(same):
            break
        keys.append(event[same] * n + event[same + j])
    if not keys:
        return empty
    key, shared = np.unique(np.concatenate(keys), return_counts=True)
    strong = shared >= min_shared
    key, shared = key[strong], shared[strong]
    return pd.DataFrame({"a": key // n, "b": key % n, "weight": shared.astype(float)})


def _events_held(
    inc: pd.DataFrame, group: np.ndarray, chosen: list[tuple[int, np.ndarray, np.ndarray]], *, n_persons: int,
    min_persons: int,
) -> list[np.ndarray]:
    """For each ``(group, members, _)`` of ``chosen``: the group's events at which at least
    ``min_persons`` of its members were present, sorted.

    All groups at once: one pass over the incidence, not one per group (at ten million claims
    there are two thousand groups and three million incidence rows).  ``group`` is the group of
    each event code (-1: none); ``n_persons`` exceeds every person code of a grouped event.
    """
    if not chosen:
        return []
    member_keys = np.sort(np.concatenate([g * n_persons + m for g, m, _ in chosen]))
    event = inc["event"].to_numpy()
    g = group[event]
    inside = g >= 0
    event = event[inside]
    key = g[inside] * n_persons + inc["person"].to_numpy()[inside]
    at = np.minimum(np.searchsorted(member_keys, key), len(member_keys) - 1)
    ev, n = np.unique(event[member_keys[at] == key], return_counts=True)
    ev = ev[n >= min_persons]
    order = np.argsort(group[ev], kind="stable")  # by group, each group's events still ascending
    ev, of = ev[order], group[ev][order]
    wanted = np.array([c[0] for c in chosen])
    lo, hi = np.searchsorted(of, wanted, side="left"), np.searchsorted(of, wanted, side="right")
    return [ev[a:b] for a, b in zip(lo, hi)]


def _days_at(
    visit_days: pd.DataFrame, groups: np.ndarray, persons: np.ndarray, group_of_event: np.ndarray, venue_of_event: np.ndarray
) -> np.ndarray:
    """Each (group, person)'s distinct visit days at the venues of the group's events, summed over those venues.

    Packed int64 keys and sorted look-ups (``visit_days`` is sorted by person, then venue), no joins.
    """
    total = np.zeros(len(groups))
    has = group_of_event >= 0
    if not len(groups) or not has.any() or visit_days.empty:
        return total
    vd_person, vd_venue = visit_days["person"].to_numpy(), visit_days["venue"].to_numpy()
    n_venues = max(int(venue_of_event.max()), int(vd_venue.max())) + 1
    gv = distinct(group_of_event[has].astype(np.int64) * n_venues + venue_of_event[has])  # (group, venue), sorted
    gv_group = gv // n_venues
    lo = np.searchsorted(gv_group, groups, side="left")
    n = np.searchsorted(gv_group, groups, side="right") - lo  # venues of each asked row's group
    row = np.repeat(np.arange(len(groups)), n)
    at = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))  # positions in gv, group by group
    key = persons[row].astype(np.int64) * n_venues + gv[at] % n_venues
    known = vd_person.astype(np.int64) * n_venues + vd_venue  # sorted
    if not len(known):
        return total
    found = np.minimum(np.searchsorted(known, key), len(known) - 1)
    hit = known[found] == key
    np.add.at(total, row[hit], visit_days["days"].to_numpy(dtype=float)[found[hit]])
    return total


def regulars(times: np.ndarray, *, min_share: float = _D.min_share) -> np.ndarray:
    """Which attendees belong to the block: the most frequent ones, down to the first sharp drop.

    Attendees are taken from the most frequent down; the first one whose count
    is below ``min_share`` of the :func:`typical_attendance` of those taken
    with it ends the block.  A ring whose members each come to a few batches
    keeps them all; a dialysis shift (patients at ~150 sessions) does not take
    in the crowd who came to the hospital on two of its days, however large
    that crowd is.

    >>> regulars(np.array([150, 2, 140, 3, 2, 148])).tolist()
    [True, False, True, False, False, True]
    >>> regulars(np.array([6, 2, 3, 1, 4, 2])).tolist()
    [True, True, True, True, True, True]
    """
    if not len(times):
        return np.zeros(0, dtype=bool)
    order = np.argsort(-times, kind="stable")
    desc = times[order].astype(float)
    cum = np.cumsum(desc)
    # typical of each prefix 0..k: the value where its attendance-weighted cumulative sum reaches half
    at = np.searchsorted(cum, cum / 2.0)
    ok = desc >= min_share * desc[at]
    cut = int(np.argmin(ok)) if not ok.all() else len(desc)
    keep = np.zeros(len(times), dtype=bool)
    keep[order[:cut]] = True
    return keep


def typical_attendance(times: np.ndarray) -> float:
    """How many of a group's events its typical attendee was at: the median over attendances.

    Each attendance counts once (a person at 150 events weighs 150 times), so a
    crowd of passers-by at two events each does not pull it down.

    >>> typical_attendance(np.array([150, 140, 2, 2, 2, 2, 2, 3]))
    140.0
    """
    if not len(times):
        return 0.0
    order = np.sort(times)
    cum = np.cumsum(order)
    return float(order[np.searchsorted(cum, cum[-1] / 2.0)])


def organisations(
    events: Events,
    *,
    resolution: float = _D.resolution,
    min_events: int = _D.min_events,
    min_persons: int = 5,
    min_share: float = _D.min_share,
    min_devotion: float = _D.min_devotion,
    min_density: float = _D.min_density,
    min_shared: int = _D.min_shared,
    max_links: int = _D.max_links,
    seed: int = 0,
) -> list[Organisation]:
    """Groups of events that share persons, and the persons who keep attending them.

    Parameters
    ----------
    events : Events
        From :func:`graphfraud.graph.events.venue_events`.
    resolution : float, default 0.3
        CPM resolution on the event graph: persons a pair of a group's events
        must share on average.
    min_events : int, default 2
        A person belongs to a group when at this many of its events or more.
    min_persons : int, default 5
        Smallest organisation reported.
    min_share : float, default 0.2
        Attendees are kept from the most frequent down to the first whose count
        is below this share of the typical count of those kept (:func:`regulars`).
    min_devotion : float, default 0.5
        A person also needs at least this share of their days at the group's
        venues to be the group's events: a recruit comes to the staged clinic
        for the batches, its ordinary patients come on other days too (this is
        what keeps a date-only export's clinic-day events apart from the
        clinic's regulars).  0 switches the test off.
    min_shared : int, default 2
        Events are linked when at least this many persons attended both (one
        person at two events is a coincidence; two are a pattern).
    min_density : float, default 0.1
        The group's typical member must have been at this share of its events
        (those with 3 members or more) at least: a ring is a dense block of
        persons x events, however its members take turns; a crowd of a
        hospital's regulars, each seen at two of its three hundred busy days,
        is not.
    max_links : int, default 20
        Each person's event is linked to that person's next ``max_links`` events.
    seed : int, default 0
        Leiden seed.

    Returns
    -------
    list of Organisation
        Largest first, ties by smallest person code (deterministic).

    Examples
    --------
    A pool of six persons, a different half of it at each of six batches, and a
    stranger at two of them:

    >>> from graphfraud.graph.events import Events, distinct
    >>> batches = [[0, 1, 2], [3, 4, 5], [0, 3, 4], [1, 2, 5, 9], [0, 2, 4], [1, 3, 5, 9]]
    >>> inc = pd.DataFrame([(e, p) for e, b in enumerate(batches) for p in b], columns=["event", "person"])
    >>> ev = Events(inc, np.zeros(6, dtype=int), np.arange(6), {})
    >>> [o.persons.tolist() for o in organisations(ev, min_persons=3)]
    [[0, 1, 2, 3, 4, 5, 9]]
    """
    owner = "organisations"
    check(resolution > 0, "resolution", owner, "a float > 0", resolution)
    check(min_events >= 1, "min_events", owner, "an int >= 1", min_events)
    check(min_persons >= 2, "min_persons", owner, "an int >= 2", min_persons)
    check(max_links >= 1, "max_links", owner, "an int >= 1", max_links)
    check(0 <= min_share <= 1, "min_share", owner, "a float in [0, 1]", min_share)
    check(0 <= min_devotion <= 1, "min_devotion", owner, "a float in [0, 1]", min_devotion)
    check(0 <= min_density <= 1, "min_density", owner, "a float in [0, 1]", min_density)
    links = event_links(events, min_events=min_events, max_links=max_links, min_shared=min_shared)
    if links.empty:
        return []
    partition = leiden(links, resolution=resolution, seed=seed)
    group = np.full(max(events.n_events, 1), -1, dtype=np.int64)
    group[partition.nodes] = partition.membership
    inc = events.incidence
    g = group[inc["event"].to_numpy()]
    inside = g >= 0
    person = inc["person"].to_numpy()[inside]
    g = g[inside]
    n_persons = int(person.max()) + 1 if len(person) else 1
    key, times = np.unique(g * n_persons + person, return_counts=True)
    keep = times >= min_events
    key, times = key[keep], times[keep]
    kg, kp = key // n_persons, key % n_persons
    bounds = np.flatnonzero(np.r_[True, kg[1:] != kg[:-1], True])
    big = np.diff(bounds) >= min_persons  # groups that can still make min_persons
    take = np.repeat(big, np.diff(bounds))
    kg, kp, times = kg[take], kp[take], times[take]
    bounds = np.flatnonzero(np.r_[True, kg[1:] != kg[:-1], True]) if len(kg) else np.array([0])
    devoted = np.ones(len(kg), dtype=bool)
    if min_devotion > 0 and events.visit_days is not None and len(kg):
        devoted = times >= min_devotion * _days_at(events.visit_days, kg, kp, group, events.venue)
    chosen = []  # (group, members, their attendance) of the groups with enough regulars
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        keep = regulars(times[lo:hi], min_share=min_share) & devoted[lo:hi]
        if keep.sum() >= min_persons:
            chosen.append((int(kg[lo]), kp[lo:hi][keep], times[lo:hi][keep]))
    held = _events_held(inc, group, chosen, n_persons=n_persons, min_persons=3)
    out = []
    for (g, members, attended), mine in zip(chosen, held):
        if len(mine) and typical_attendance(attended) >= min_density * len(mine):
            out.append(Organisation(members, mine))
    out.sort(key=lambda o: (-len(o.persons), int(o.persons[0])))
    return out


def tighten(
    groups: list[np.ndarray],
    events: Events,
    *,
    min_share: float = _D.min_share,
    min_density: float = _D.min_density,
    min_persons: int = 5,
) -> list[np.ndarray]:
    """Cut person groups found another way (pairwise co-visit cores) to their dense block of events.

    A group's events are those at which at least 3 of its persons were; its
    members are its :func:`regulars` over those events, and a group whose
    typical member was at fewer than ``min_density`` of them is dropped (a
    community centre's regulars who each met the others on a few of its
    hundreds of days).  A group with no such event (all at hub days) is kept
    as it is.

    Persons 1-3 were at all six events, 8 and 9 each at one of them:

    >>> from graphfraud.graph.events import Events, distinct
    >>> rows = [(e, p) for e in range(6) for p in (1, 2, 3)] + [(0, 9), (4, 8)]
    >>> ev = Events(pd.DataFrame(rows, columns=["event", "person"]), np.zeros(6, dtype=int), np.arange(6), {})
    >>> [g.tolist() for g in tighten([np.array([1, 2, 3, 8, 9])], ev, min_persons=3)]
    [[1, 2, 3]]
    """
    if not groups:
        return []
    inc = events.incidence
    n = max(int(max(g.max() for g in groups)), int(inc["person"].max()) if len(inc) else 0) + 1
    group_of = np.full(n, -1, dtype=np.int64)
    for i, g in enumerate(groups):
        group_of[g] = i
    gi = group_of[inc["person"].to_numpy()]
    inside = gi >= 0
    gi, event, person = gi[inside], inc["event"].to_numpy()[inside], inc["person"].to_numpy()[inside]
    n_events = max(events.n_events, 1)
    key, size = np.unique(gi * n_events + event, return_counts=True)
    held = key[size >= 3]
    attended = np.isin(gi * n_events + event, held)
    pkey, times = np.unique(gi[attended] * n + person[attended], return_counts=True)
    pg, pp = pkey // n, pkey % n
    # pkey and held are sorted, so each group's rows are one slice of them
    ids = np.arange(len(groups))
    p_lo, p_hi = np.searchsorted(pg, ids, side="left"), np.searchsorted(pg, ids, side="right")
    held_of = held // n_events
    n_held = np.searchsorted(held_of, ids, side="right") - np.searchsorted(held_of, ids, side="left")
    out = []
    for i, g in enumerate(groups):
        if not n_held[i]:
            out.append(g)
            continue
        t = times[p_lo[i]:p_hi[i]]
        keep = regulars(t, min_share=min_share)
        if keep.sum() >= min_persons and typical_attendance(t[keep]) >= min_density * n_held[i]:
            out.append(np.sort(pp[p_lo[i]:p_hi[i]][keep]))
    return out
