"""Venue events: the bursts of arrivals that rings are made of, and who attended them.

An *event* is a venue's burst of arrivals on one day: arrivals at the same venue
on the same day with no gap longer than ``gap_minutes`` between consecutive ones
(for day-resolution exports, the whole venue-day).  A staged clinic's batch of
recruits (虚构诊疗), a card collector's evening of swipes (职业收卡人) and a
group admission (诱导住院) are each one event; a ring is a set of persons who
keep turning up in the same events, each of them at only some of them.

The person x event incidence is the bipartite graph on which
:mod:`graphfraud.detect.organise` finds rings.  Busy venue-days (more than
``busy_visits`` visits: a big hospital's day) are hubs: their arrivals run
together into one burst that says nothing about who came with whom, so they
hold no events (the capped pairwise projection of :mod:`graphfraud.graph.project`
still covers them).

References
----------
Beutel et al., "CopyCatch: Stopping Group Attacks by Spotting Lockstep Behavior
in Social Networks", WWW 2013 (users x (page, time window) blocks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from graphfraud.params import check


@dataclass(frozen=True)
class Events:
    """Who attended which venue event.

    Attributes
    ----------
    incidence : DataFrame
        One row per (event, person): ``event`` (code, numbered by venue, then
        time), ``person``.  Only events with at least ``min_persons`` distinct
        persons, sorted by event then person.
    venue, day : ndarray
        Venue code and day of each event code (also of events left out).
    params : dict
        The parameters it was built with.
    visit_days : DataFrame or None
        ``person``, ``venue``, ``days``: on how many distinct days each person
        came to each venue at all (events or not), sorted by person then venue.
    size : ndarray or None
        Visits of each event code (also of events left out: small ones and
        hub days), the venue's traffic in event units.
    dated : ndarray or None
        Per event code: a whole venue-day of a date-only export or venue (every
        arrival at 00:00), where persons pair over the day, not minutes apart.
    """

    incidence: pd.DataFrame
    venue: np.ndarray
    day: np.ndarray
    params: dict
    visit_days: pd.DataFrame | None = None
    size: np.ndarray | None = None
    dated: np.ndarray | None = None
    _orders: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def n_events(self) -> int:
        return len(self.venue)

    def by_venue(self) -> np.ndarray:
        """The event codes venue by venue (``stable_order(venue)``), sorted once per instance.

        The chance and company tests of :mod:`graphfraud.detect.organise` each look events up by venue
        (a sort of millions of codes at ten million claims).

        >>> Events(pd.DataFrame({"event": [], "person": []}), np.array([2, 0, 2, 1]), np.zeros(4), {}).by_venue().tolist()
        [1, 3, 0, 2]
        """
        if "venue" not in self._orders:
            self._orders["venue"] = stable_order(self.venue)
        return self._orders["venue"]

    def visit_days_by_venue(self) -> np.ndarray:
        """The rows of ``visit_days`` venue by venue (``stable_order`` of its ``venue``), sorted once per instance."""
        assert self.visit_days is not None, "no visit_days to order"
        if "visit_days" not in self._orders:
            self._orders["visit_days"] = stable_order(self.visit_days["venue"].to_numpy())
        return self._orders["visit_days"]


def venue_events(
    visits: pd.DataFrame | Arrivals,
    *,
    gap_minutes: int = 15,
    busy_visits: int = 200,
    min_persons: int = 3,
    day_resolution: bool = False,
    only_venues: np.ndarray | None = None,
    visit_days: pd.DataFrame | None = None,
) -> Events:
    """Split each venue-day's arrivals into events and list who attended each.

    Parameters
    ----------
    visits : DataFrame or Arrivals
        Columns ``person``, ``venue``, ``minute`` (as in
        :class:`graphfraud.graph.build.Visits`; the day is ``minute // 1440``),
        or the same already sorted by :func:`arrivals` (the co-visit detector's
        minute and day passes sort the visits once).
    gap_minutes : int, default 15
        A longer gap between consecutive arrivals at a venue starts a new event.
    busy_visits : int, default 200
        Venue-days with more visits than this hold no events (hubs), unless
        the day is more than three times the venue's usual day (then the
        crowd is the event: a small hospital's group admission).
    min_persons : int, default 3
        Events with fewer distinct persons are left out of the incidence.
    day_resolution : bool, default False
        Date-only times: an event is a whole venue-day.
    only_venues : ndarray of bool, optional
        Per venue code: keep only the visits to these venues, as if ``visits``
        held only them (codes past its end are not kept).
    visit_days : DataFrame, optional
        The ``visit_days`` of these visits when known (at least for the venues
        kept; rows of other venues are dropped), so they are not counted again.

    Returns
    -------
    Events

    Examples
    --------
    Three persons arrive 2 minutes apart twice; a fourth comes alone in the evening:

    >>> v = pd.DataFrame({"person": [0, 1, 2, 0, 1, 2, 3], "venue": 0,
    ...                   "minute": [540, 542, 544, 1980, 1982, 1984, 2500]})
    >>> e = venue_events(v)
    >>> e.incidence.groupby("event")["person"].apply(list).tolist()
    [[0, 1, 2], [0, 1, 2]]
    >>> e.n_events, e.day.tolist()
    (3, [0, 1, 1])
    """
    owner = "venue_events"
    check(gap_minutes >= 0, "gap_minutes", owner, "an int >= 0", gap_minutes)
    check(busy_visits >= 1, "busy_visits", owner, "an int >= 1", busy_visits)
    check(min_persons >= 2, "min_persons", owner, "an int >= 2", min_persons)
    params = {"gap_minutes": gap_minutes, "busy_visits": busy_visits, "min_persons": min_persons,
              "day_resolution": day_resolution}  # fmt: skip
    person, venue, minute = visits if isinstance(visits, Arrivals) else arrivals(visits)
    if only_venues is not None:
        kept = np.zeros(len(venue), dtype=bool)
        inside = venue < len(only_venues)
        kept[inside] = only_venues[venue[inside]]
        person, venue, minute = person[kept], venue[kept], minute[kept]  # still sorted
    empty = np.array([], dtype=np.int64)
    if not len(person):
        return Events(pd.DataFrame({"event": empty, "person": empty}), empty, empty, params)
    # Memory: at ten million claims every per-visit array is 80 MB, so each is made once, changed in place
    # and let go as soon as it has served (the stage's peak is here).
    day = minute // 1440
    new_day = np.empty(len(person), dtype=bool)
    new_day[0] = True
    np.not_equal(venue[1:], venue[:-1], out=new_day[1:])
    new_day[1:] |= day[1:] != day[:-1]
    day_starts = np.flatnonzero(new_day)
    per_day = np.diff(np.r_[day_starts, len(person)])  # visits of each venue-day
    new = new_day
    del new_day
    if not day_resolution:
        new[1:] |= (minute[1:] - minute[:-1]) > gap_minutes
    starts = np.flatnonzero(new)
    ev_venue, ev_day = venue[starts], day[starts]
    visits_of = np.diff(np.r_[starts, len(person)])  # visits of each event (its arrivals are one run)
    calm = ~np.repeat(_hub_days(per_day, venue[day_starts], busy_visits), per_day)
    del day_starts, per_day
    event = np.cumsum(new)
    event -= 1
    n_persons = int(person.max()) + 1
    if calm.all():
        inc = event
        inc *= n_persons
        inc += person
    else:
        inc = event[calm]
        inc *= n_persons
        inc += person[calm]
    del event, calm
    inc.sort()  # (event, person), distinct below
    if len(inc) > 1:
        inc = inc[np.r_[True, inc[1:] != inc[:-1]]]
    ev = inc // n_persons
    keep = (np.bincount(ev, minlength=len(starts)) >= min_persons)[ev]
    if not keep.all():  # the kept rows' events, then their persons: two per-row arrays at a time, not four
        ev = ev[keep]
        inc = inc[keep]
    del keep
    who = np.remainder(inc, n_persons, out=inc)
    incidence = pd.DataFrame({"event": ev, "person": who}, copy=False)  # no 2-D block copy
    del inc, ev, who
    if day_resolution:
        dated = np.full(len(starts), True)
    else:  # events without an arrival after 00:00
        dated = ~np.logical_or.reduceat(np.remainder(minute, 1440) != 0, starts)
    if visit_days is None:
        visit_days = _visit_days(person, venue, day)
    elif only_venues is not None:
        vd_venue = visit_days["venue"].to_numpy()
        kept = np.zeros(len(vd_venue), dtype=bool)
        inside = vd_venue < len(only_venues)
        kept[inside] = only_venues[vd_venue[inside]]
        if not kept.all():  # still sorted by person, then venue
            visit_days = pd.DataFrame({c: visit_days[c].to_numpy()[kept] for c in visit_days.columns}, copy=False)
    return Events(incidence, ev_venue, ev_day, params, visit_days, visits_of, dated)


class Arrivals(NamedTuple):
    """Known visits (person and venue codes >= 0) sorted by venue, then minute, then person (int64 arrays)."""

    person: np.ndarray
    venue: np.ndarray
    minute: np.ndarray


def arrivals(visits: pd.DataFrame) -> Arrivals:
    """The visits' ``person``, ``venue``, ``minute`` with unknown persons or venues left out, in arrival order.

    >>> a = arrivals(pd.DataFrame({"person": [2, -1, 1, 0], "venue": [1, 0, 0, 0], "minute": [5, 3, 9, 9]}))
    >>> a.person.tolist(), a.venue.tolist(), a.minute.tolist()
    ([0, 1, 2], [0, 0, 1], [9, 9, 5])
    """
    # the known visits in their own dtypes (the graph's int32 codes): no int64 copy of every column first
    person, venue, minute = (visits[c].to_numpy() for c in ("person", "venue", "minute"))
    known = (person >= 0) & (venue >= 0)
    if not known.all():
        person, venue, minute = person[known], venue[known], minute[known]
    del known
    if not len(person):
        return Arrivals(*(a.astype(np.int64, copy=False) for a in (person, venue, minute)))
    return Arrivals(*_by_venue_time(person, venue, minute))


def starts_of(new: np.ndarray) -> np.ndarray:
    """Positions where runs start, given the boolean run-start marks."""
    return np.flatnonzero(new)


def _hub_days(per_day: np.ndarray, day_venue: np.ndarray, busy_visits: int) -> np.ndarray:
    """Which venue-days are hubs: more than ``busy_visits`` visits, and not far above the venue's own usual day.

    A big hospital's ordinary busy day is a hub; a small private hospital that
    admits ninety persons on one day, thirty times its usual, is the event
    itself.

    >>> _hub_days(np.array([250, 260, 300, 2, 2, 90]), np.array([0, 0, 0, 1, 1, 1]), 40).tolist()
    [True, True, True, False, False, False]
    """
    busy = per_day > busy_visits
    if not busy.any():
        return busy
    order = np.argsort(day_venue, kind="stable")
    venues, first = np.unique(day_venue[order], return_index=True)
    usual = np.array([np.median(part) for part in np.split(per_day[order], first[1:])])
    return busy & (per_day <= 3 * usual[np.searchsorted(venues, day_venue)])


def _visit_days(person: np.ndarray, venue: np.ndarray, day: np.ndarray) -> pd.DataFrame:
    """Distinct days per (person, venue): ``person``, ``venue``, ``days``."""
    n_venues = int(venue.max()) + 1
    first = int(day.min())
    span = int(day.max()) - first + 1
    key = person * n_venues  # (person, venue, day) as one int, built in place: one per-visit array
    key += venue
    key *= span
    key += day
    key -= first
    key.sort()
    if len(key) > 1:
        key = key[np.r_[True, key[1:] != key[:-1]]]
    visit = np.floor_divide(key, span, out=key)  # sorted: runs of one (person, venue)
    starts = np.flatnonzero(np.r_[True, visit[1:] != visit[:-1]])
    days = np.diff(np.r_[starts, len(visit)])
    pv = visit[starts]
    return pd.DataFrame({"person": pv // n_venues, "venue": pv % n_venues, "days": days}, copy=False)


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an int array: ``np.unique(values)``, by sorting.

    NumPy 2.4's ``np.unique`` without counts hashes, which at ten million
    distinct int64 keys is about 50 times slower than one ``np.sort``
    (measured: 14 s against 0.2 s).

    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    out = np.sort(values)
    if len(out) > 1:
        out = out[np.r_[True, out[1:] != out[:-1]]]
    return out


#: Int keys spanning fewer values than this (venue or institution codes) are ordered by NumPy's stable argsort
#: of 16-bit keys, a radix sort: at ten million rows 0.26 s of CPU against 0.75 s for a plain sort of the
#: keys packed with their positions (speed round 23).
SMALL_RANGE = 1 << 16


def stable_order(values: np.ndarray) -> np.ndarray:
    """``np.argsort(values, kind="stable")`` of an int array, by one plain ``np.sort`` of packed keys.

    Each value is packed with its position into one int64 (value, then
    position), so a plain sort gives the stable order: several times faster
    than NumPy's stable argsort (timsort for int64) at millions of rows
    (measured at ten million claims: 0.5 s against 3 s).  Values that span
    fewer than :data:`SMALL_RANGE` codes are ordered as 16-bit keys by
    NumPy's radix sort instead.  Falls back to the argsort when the packed
    keys would not fit.

    >>> stable_order(np.array([3, -1, 3, 0, -1])).tolist()
    [1, 4, 3, 0, 2]
    """
    n = len(values)
    if not n:
        return np.zeros(0, dtype=np.intp)
    low = int(values.min())
    high = int(values.max())
    if high - low < SMALL_RANGE:  # venues, institutions: NumPy's radix sort of 16-bit keys (a third of the time)
        return np.argsort((values.astype(np.int64) - low).astype(np.uint16), kind="stable")
    if (high - low + 1) * n >= np.iinfo(np.int64).max:  # pragma: no cover - huge codes only
        return np.argsort(values, kind="stable")
    packed = (values.astype(np.int64) - low) * n
    packed += np.arange(n)
    packed.sort()
    return packed % n


def stable_sort(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(values[order], order)`` with ``order = stable_order(values)``, the sorted values as int64.

    Where :func:`stable_order` sorts packed keys, the sorted values are read back from them (a division by a
    constant) instead of gathered by ``order`` (a random read of every value: at ten million rows a tenth of a
    second or more); the same values in the same order.

    >>> [x.tolist() for x in stable_sort(np.array([3, -1, 3, 0, -1]))]
    [[-1, -1, 0, 3, 3], [1, 4, 3, 0, 2]]
    """
    n = len(values)
    if n:
        low = int(values.min())
        high = int(values.max())
        if high - low >= SMALL_RANGE and (high - low + 1) * n < np.iinfo(np.int64).max:
            packed = (values.astype(np.int64) - low) * n
            packed += np.arange(n)
            packed.sort()
            order = packed % n
            packed //= n
            packed += low
            return packed, order
    order = stable_order(values)
    return values[order].astype(np.int64, copy=False), order


def _by_venue_time(
    person: np.ndarray, venue: np.ndarray, minute: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Visits sorted by venue, then minute, then person (int64 arrays).

    One ``np.sort`` of the three packed into an int64 when they fit (several
    times faster than ``np.lexsort`` at millions of rows), else ``lexsort``.
    """
    first = int(minute.min())
    minutes = int(minute.max()) - first + 1
    n_persons = int(person.max()) + 1
    if (int(venue.max()) + 1) * minutes * n_persons < np.iinfo(np.int64).max:
        # (venue * minutes + minute - first) * n_persons + person, built, sorted and taken apart in one
        # int64 array (two more for the person and venue taken out): at ten million claims each is 70 MB
        packed = venue.astype(np.int64)
        packed *= minutes
        packed += minute
        packed -= first
        packed *= n_persons
        packed += person
        packed.sort()
        who = packed % n_persons
        rest = np.floor_divide(packed, n_persons, out=packed)
        where = rest // minutes
        at = np.remainder(rest, minutes, out=rest)
        at += first
        return who, where, at
    order = np.lexsort((person, minute, venue))  # pragma: no cover - only for enormous id or time ranges
    return tuple(a[order].astype(np.int64, copy=False) for a in (person, venue, minute))  # type: ignore[return-value]


def combine(*parts: Events) -> Events:
    """Several event sets as one (codes of later parts shifted past earlier ones).

    Co-admissions use it for admission days and discharge days together.

    >>> a = Events(pd.DataFrame({"event": [0, 0, 0], "person": [1, 2, 3]}), np.array([7]), np.array([4]), {})
    >>> combine(a, a).incidence["event"].tolist(), combine(a, a).n_events
    ([0, 0, 0, 1, 1, 1], 2)
    """
    frames, venues, days, sizes, shift = [], [], [], [], 0
    for part in parts:
        frames.append(part.incidence.assign(event=part.incidence["event"].to_numpy() + shift))
        venues.append(part.venue)
        days.append(part.day)
        sizes.append(part.size)
        shift += part.n_events
    params = parts[0].params if parts else {}
    known = [p.visit_days for p in parts if p.visit_days is not None]
    visit_days = None
    if known:  # a person's days at a venue in any part (admission days, discharge days): the most of them
        both = pd.concat(known, ignore_index=True)
        visit_days = both.groupby(["person", "venue"], as_index=False, sort=True)["days"].max()
    size: np.ndarray | None = None
    if sizes and all(x is not None for x in sizes):
        size = np.concatenate([x for x in sizes if x is not None])
    return Events(
        pd.concat(frames, ignore_index=True), np.concatenate(venues), np.concatenate(days), params, visit_days, size
    )
