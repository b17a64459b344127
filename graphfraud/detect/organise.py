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
from graphfraud.stats import binom

from graphfraud.detect.communities import leiden
from graphfraud.graph.events import Events, distinct, stable_order
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


def sorted_search(haystack: np.ndarray, needles: np.ndarray, side: str = "left") -> np.ndarray:
    """``np.searchsorted(haystack, needles, side)``, the needles looked up in ascending order.

    A binary search for a needle after a smaller one starts where that one ended, so sorted needles walk a
    large haystack (millions of visit days) once instead of jumping about it: several times faster for
    hundreds of thousands of needles in group order (each group's members ascending, the groups not).

    >>> sorted_search(np.array([1, 3, 3, 9]), np.array([9, 3, 0]), "right").tolist()
    [4, 3, 0]
    """
    if len(needles) < 4096:
        return np.searchsorted(haystack, needles, side=side)  # type: ignore[call-overload]
    order = np.argsort(needles, kind="stable")
    out = np.empty(len(needles), dtype=np.intp)
    for start in range(0, len(order), _SEARCH_SLICE):  # a slice at a time: one more array than the plain search
        part = order[start : start + _SEARCH_SLICE]
        out[part] = np.searchsorted(haystack, needles[part], side=side)  # type: ignore[call-overload]
    return out


#: Needles per slice of :func:`sorted_search` (8 MB of int64 at a time).
_SEARCH_SLICE = 1 << 20


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
    n = max(events.n_events, 1)
    if (int(person.max()) + 1) * n < np.iinfo(np.int64).max:
        packed = np.sort(person.astype(np.int64) * n + event)  # by person, then event: a lexsort, by one sort
        person, event = packed // n, packed % n
        del packed
    else:  # pragma: no cover - huge codes only
        order = np.lexsort((event, person))
        person, event = person[order], event[order]
    runs = np.flatnonzero(np.r_[True, person[1:] != person[:-1], True])
    count = np.repeat(np.diff(runs), np.diff(runs))
    # rows of the same person after each row (runs are persons): a row links j events ahead while j <= after
    after = np.repeat(runs[1:], np.diff(runs)) - np.arange(len(person)) - 1
    del runs, person
    repeat = count >= min_events
    del count
    event, after = event[repeat], after[repeat]
    del repeat
    alive = np.flatnonzero(after >= 1)  # rows that have a next event: each makes min(after, max_links) pairs
    if not len(alive):
        return empty
    key, shared = _link_counts(event, after, alive, n=n, max_links=max_links, min_shared=min_shared)
    return pd.DataFrame({"a": key // n, "b": key % n, "weight": shared.astype(float)})


def _link_counts(
    event: np.ndarray,
    after: np.ndarray,
    alive: np.ndarray,
    *,
    n: int,
    max_links: int,
    min_shared: int,
    step: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of :func:`event_links` as sorted keys ``a * n + b`` and their counts (``>= min_shared``).

    ``event`` holds persons' events (each person's ascending, persons one after another), ``after`` how many
    rows of the same person follow each row, ``alive`` the rows with ``after >= 1``.  The pairs are made
    and counted a range of first events ``a`` at a time (about ``step`` pairs each, a range never
    splitting one ``a``): a key's count is all in one range and the ranges ascend, so the pieces joined are
    the one-shot sort-and-count of every pair, with one range's pairs held at a time instead of all
    (twenty per person's event at most: at ten million claims, about ninety million pairs).

    >>> ev, after = np.array([0, 1, 2, 0, 1, 2]), np.array([2, 1, 0, 2, 1, 0])
    >>> key, shared = _link_counts(ev, after, np.flatnonzero(after >= 1), n=3, max_links=20, min_shared=2, step=1)
    >>> (key // 3).tolist(), (key % 3).tolist(), shared.tolist()
    ([0, 0, 1], [1, 2, 2], [2, 2, 2])
    """
    step = _LINK_STEP if step is None else step
    made = np.minimum(after[alive], max_links)  # pairs each alive row makes
    first_event = event[alive]
    per_event = np.bincount(first_event, weights=made, minlength=n)  # pairs by their first event (exact: < 2**53)
    cum = np.cumsum(per_event)
    total = int(cum[-1])
    del per_event, made
    edges = distinct(np.r_[0, np.searchsorted(cum, np.arange(step, total, step), side="right") + 1, n].clip(0, n))
    del cum
    keys_out: list[np.ndarray] = []
    counts_out: list[np.ndarray] = []
    for lo, hi in zip(edges[:-1].tolist(), edges[1:].tolist()):
        rows = alive if len(edges) == 2 else alive[(first_event >= lo) & (first_event < hi)]
        left = after[rows]
        keys = np.empty(int(np.minimum(left, max_links).sum()), dtype=np.int64)
        filled = 0
        for j in range(1, max_links + 1):
            if j > 1:
                more = left >= j
                rows, left = rows[more], left[more]
            if not len(rows):
                break
            keys[filled : filled + len(rows)] = event[rows] * n + event[rows + j]
            filled += len(rows)
        del rows, left
        if not len(keys):  # a range of events that begin no pair (they only end them)
            continue
        keys.sort()
        # as np.unique(keys, return_counts=True) and the counts >= min_shared kept, but only the kept keys'
        # positions are ever made (most pairs share one person): a run of equal keys counts min_shared or
        # more exactly when its first key recurs min_shared - 1 places on
        head = np.ones(len(keys), dtype=bool)
        np.not_equal(keys[1:], keys[:-1], out=head[1:])
        reach = min_shared - 1
        if reach:
            cut = max(len(keys) - reach, 0)
            head[cut:] = False
            head[:cut] &= keys[:cut] == keys[reach : reach + cut]
        first = np.flatnonzero(head)
        del head
        key = keys[first]
        keys_out.append(key)
        counts_out.append(np.searchsorted(keys, key, side="right") - first)
        del keys, first
    if not keys_out:  # pragma: no cover - alive rows always make pairs
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if len(keys_out) == 1:
        return keys_out[0], counts_out[0]
    return np.concatenate(keys_out), np.concatenate(counts_out)


#: Event pairs made and counted at a time by :func:`event_links` (32 MiB of int64 keys).
_LINK_STEP = 1 << 22


def _events_held(
    inc: pd.DataFrame,
    group: np.ndarray,
    chosen: list[tuple[int, np.ndarray, np.ndarray]],
    *,
    n_persons: int,
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
    visit_days: pd.DataFrame,
    groups: np.ndarray,
    persons: np.ndarray,
    group_of_event: np.ndarray,
    venue_of_event: np.ndarray,
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
    found = np.minimum(sorted_search(known, key), len(known) - 1)
    hit = known[found] == key
    np.add.at(total, row[hit], visit_days["days"].to_numpy(dtype=float)[found[hit]])
    return total


def _grouped_days(inc: pd.DataFrame, group: np.ndarray, events: Events) -> pd.DataFrame:
    """Per (person, venue): the distinct days on which the person attended an event of any group there.

    ``person``, ``venue``, ``days``, sorted by person then venue (the ``visit_days`` form :func:`_days_at` reads).
    The event graph can cut one organisation's days at a venue into several groups (a thin broker's batches
    share one or two recruits each): a recruit's days on any of them are days he came for the organisation.

    Person 7 at an event of each of two groups at venue 0 and at an event of no group:

    >>> inc = pd.DataFrame({"event": [0, 1, 2], "person": [7, 7, 7]})
    >>> ev = Events(inc, np.zeros(3, dtype=int), np.array([5, 9, 12]), {})
    >>> _grouped_days(inc, np.array([0, 1, -1]), ev).to_dict("records")
    [{'person': 7, 'venue': 0, 'days': 2}]
    """
    event = inc["event"].to_numpy()
    on = group[event] >= 0
    person = inc["person"].to_numpy()[on].astype(np.int64)
    if not len(person):
        return pd.DataFrame({"person": person, "venue": person, "days": person})
    venue = events.venue[event[on]].astype(np.int64)
    day = events.day[event[on]].astype(np.int64)
    n_venues, first = int(venue.max()) + 1, int(day.min())
    span = int(day.max()) - first + 1
    visit = distinct((person * n_venues + venue) * span + (day - first)) // span  # sorted runs of one (person, venue)
    starts = np.flatnonzero(np.r_[True, visit[1:] != visit[:-1]])
    pv = visit[starts]
    return pd.DataFrame({"person": pv // n_venues, "venue": pv % n_venues, "days": np.diff(np.r_[starts, len(visit)])})


def _devoted(
    inc: pd.DataFrame,
    group: np.ndarray,
    kg: np.ndarray,
    kp: np.ndarray,
    times: np.ndarray,
    days: np.ndarray,
    events: Events,
    *,
    min_devotion: float,
    side_share: float = _D.side_share,
) -> np.ndarray:
    """Which (group ``kg``, person ``kp``) rows, at ``times`` of the group's events and on ``days`` at all its
    venues (:func:`_days_at`), are devoted to it: the group's events are at least ``min_devotion`` of their
    days at its venues, leaving out the occasions at the person's own venues.

    An occasion at the person's own venue is a venue where the group met only
    once and the person is not devoted there (came on other days too).  A
    broker recruits from one neighbourhood, so three or four recruits also
    meet at their own community centre or pharmacy now and then, and such a
    chance meeting can join the ring's group as one stray event.  Counted as
    one of the group's venues, the centre's ordinary days of those recruits
    outweighed the clinic's batches, and the recruits looked like clinic
    regulars.  A broker who once takes his pool to the boss's other clinic
    also makes a venue where the group met once, but there the recruits came
    only that day: it still counts, as does every venue where the group met
    more than once.  A person whose events were all such occasions is judged
    on all the group's venues.  ``kg``, ``kp`` are sorted by group, then person
    (as ``organisations`` builds them).

    Step 145: a venue where the group met more than once but on at most ``side_share`` of the events it held at
    its main venue is such a venue too.  A broker who recruits a street finds its people at their community
    centre on a few of its busy days (fifthworld 46: 4 days there beside 12 batches at the clinic), and with
    those days counted the centre's ordinary visits of half the pool outweighed their batches.
    """
    grouped = np.flatnonzero(group >= 0)
    n_venues = int(events.venue.max(initial=0)) + 1
    gv, held = np.unique(group[grouped].astype(np.int64) * n_venues + events.venue[grouped], return_counts=True)
    minor = held == 1  # (group, venue) where the group met once
    if side_share > 0:  # step 145: ... or at a side venue, far less often than at the group's main one
        most = np.zeros(int(gv.max(initial=0) // n_venues) + 1, dtype=np.int64)
        np.maximum.at(most, gv // n_venues, held)
        main = most[gv // n_venues]
        minor |= (held < main) & (held <= side_share * main)
    once = gv[minor]
    if not len(once):
        return times >= min_devotion * days
    key = group.astype(np.int64) * n_venues + events.venue
    single = (group >= 0) & np.isin(key, once)
    # each row's days at each venue where its group met once
    row, venue, there = _days_each(events.visit_days, kg, kp, np.where(single, group, -1), events.venue)
    # ... and whether the person was at the group's event there
    event = inc["event"].to_numpy()
    at_single = single[event]
    n_persons = int(max(inc["person"].max() if len(inc) else 0, kp.max(initial=0))) + 1
    attended = np.unique(
        (key[event[at_single]] * n_persons + inc["person"].to_numpy()[at_single]).astype(np.int64)
    )  # (group, venue, person) keys
    mine = (kg[row].astype(np.int64) * n_venues + venue) * n_persons + kp[row]
    pos = np.minimum(np.searchsorted(attended, mine), max(len(attended) - 1, 0))
    went = (attended[pos] == mine).astype(float) if len(attended) else np.zeros(len(mine))
    occasion = went < min_devotion * there
    dropped_events = np.bincount(row[occasion], weights=went[occasion], minlength=len(kg))
    dropped_days = np.bincount(row[occasion], weights=there[occasion], minlength=len(kg))
    left = times - dropped_events
    return np.where(left > 0, left >= min_devotion * (days - dropped_days), times >= min_devotion * days)


def _days_each(
    visit_days: pd.DataFrame,
    groups: np.ndarray,
    persons: np.ndarray,
    group_of_event: np.ndarray,
    venue_of_event: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Like :func:`_days_at`, but per venue: ``(row, venue, days)`` for each asked row (``groups``,
    ``persons``) and each venue of its group's events at which the person came on some day."""
    none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    has = group_of_event >= 0
    if not len(groups) or not has.any() or visit_days.empty:
        return none
    vd_person, vd_venue = visit_days["person"].to_numpy(), visit_days["venue"].to_numpy()
    n_venues = max(int(venue_of_event.max()), int(vd_venue.max())) + 1
    gv = distinct(group_of_event[has].astype(np.int64) * n_venues + venue_of_event[has])  # (group, venue), sorted
    gv_group = gv // n_venues
    lo = np.searchsorted(gv_group, groups, side="left")
    n = np.searchsorted(gv_group, groups, side="right") - lo
    row = np.repeat(np.arange(len(groups)), n)
    at = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
    venue = gv[at] % n_venues
    key = persons[row].astype(np.int64) * n_venues + venue
    known = vd_person.astype(np.int64) * n_venues + vd_venue  # sorted
    if not len(known):
        return none
    found = np.minimum(sorted_search(known, key), len(known) - 1)
    hit = known[found] == key
    return row[hit], venue[hit], visit_days["days"].to_numpy(dtype=float)[found[hit]]


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


def beyond_chance(
    attended: np.ndarray,
    days: np.ndarray,
    rate: np.ndarray | float,
    population: np.ndarray,
    population_rate: np.ndarray | float,
    *,
    max_chance: float = _D.max_chance,
    population_count: np.ndarray | None = None,
) -> np.ndarray:
    """Which candidate members attended more of a group's events than chance explains.

    A person who came to the group's venues on ``n`` days lands on ``m`` or
    more of its events by chance with the binomial tail probability
    ``P(Bin(n, rate) >= m)``, where ``rate`` is the share of the venues'
    other traffic (person-days) that falls on the group's events (for a
    person at several of the venues, the mean of their rates over the
    person's days).  A busy community centre whose nursing-home round is one
    day a week has a rate near 0.2, and of its hundreds of townspeople who
    came five times, dozens came on two round days; at a back-street clinic
    whose batch days are a tenth of its few days, two batch days out of two
    visits is rare.  The members kept are those with the smallest tails, as
    many as keep the expected number of chance members among them at most
    ``max_chance`` of those kept (a false-discovery bound in the sense of
    Benjamini and Hochberg).  The expectation sums over every other person who
    came to the venues (``population``, ``population_rate``), each with the
    exact discrete tail of their own days and rate.  The statistic adapts to
    the venue's size and traffic; no count is fixed.

    Parameters
    ----------
    attended, days : ndarray
        Per candidate member: events of the group attended (``m``), days at
        its venues (``n``).
    rate : ndarray or float
        Per candidate member (or one for all): the chance that one of their
        days at the venues falls on the group's events.
    population, population_rate : ndarray (or float for the rate)
        Days at the group's venues, and rate, of every person who came there
        (members included: they leave the null population as they are kept).
    max_chance : float, default 0.1
        Largest expected share of chance members among those kept; 1 keeps all.
    population_count : ndarray, optional
        How many persons each ``population`` entry stands for (default one
        each): a venue's persons as a histogram of their days.

    Examples
    --------
    Five recruits at all of their 5 visits and twenty townspeople at 2 of 5,
    at a venue of 1,000 persons with 5 visit days each, a fifth of whose
    traffic falls on the group's days (1,000 x 0.2^5 = 0.3 expected by chance
    at 5 of 5, 260 at 2 of 5):

    >>> m = np.r_[np.full(5, 5), np.full(20, 2)]
    >>> keep = beyond_chance(m, np.full(25, 5), 0.2, np.full(1000, 5), 0.2)
    >>> int(keep[:5].sum()), int(keep[5:].sum())
    (5, 0)
    """
    attended = np.asarray(attended, dtype=np.int64)
    keep = np.ones(len(attended), dtype=bool)
    if not len(attended) or max_chance >= 1:
        return keep
    days = np.maximum(np.asarray(days, dtype=np.int64), attended)  # two bursts on one day: n := m
    rate_bin = _rate_bins(np.broadcast_to(np.asarray(rate, dtype=float), attended.shape))
    rate = _bin_rate(rate_bin)
    population = np.asarray(population, dtype=np.int64)
    population_bin = _rate_bins(np.broadcast_to(np.asarray(population_rate, dtype=float), population.shape))
    tail = binom.sf(attended - 1, days, rate)
    # Null cells: distinct (days, rate) of the population, as one int key (days, then rate, ascending).
    inside = (population >= 1) & (population_bin > _NO_RATE)
    if population_count is None:
        cell_key, counts = np.unique(population[inside] * _BINS + population_bin[inside], return_counts=True)
    else:
        cell_key, cell_of = np.unique(population[inside] * _BINS + population_bin[inside], return_inverse=True)
        counts = np.bincount(cell_of, weights=np.asarray(population_count)[inside], minlength=len(cell_key))
    if not len(cell_key):
        return keep
    size, q = cell_key // _BINS, _bin_rate(cell_key % _BINS)
    # Each cell's tails P(Bin(n, q) >= k): only those at or below the largest member tail can matter
    # (and one above it), so k runs from where the tail falls under it up to n.
    low = np.clip(np.nan_to_num(binom.isf(tail.max(), size, q), nan=0.0).astype(np.int64) - 1, 0, size)
    span = size - low + 1
    cell = np.repeat(np.arange(len(cell_key)), span)
    k = np.arange(len(cell)) - np.repeat(np.cumsum(span) - span, span) + low[cell]
    flat = binom.sf(k - 1, size[cell], q[cell])
    order = np.lexsort((flat, cell))
    flat, cell = flat[order], cell[order]
    # A chance person of a cell reaches a tail <= t with probability g(t): the largest of its tails <= t.
    thresholds = np.unique(tail)  # ascending: the candidate cut-offs
    key = cell + flat * 0.5  # cells apart, tails ascending inside each
    ids = np.arange(len(cell_key))
    at = np.searchsorted(key, (ids[None, :] + thresholds[:, None] * 0.5).ravel(), side="right") - 1
    hit = (at >= 0) & (cell[np.maximum(at, 0)] == np.tile(ids, len(thresholds)))
    reach = np.where(hit, flat[np.maximum(at, 0)], 0.0).reshape(len(thresholds), len(cell_key))
    # Members kept at a cut-off leave the null population of their cell.
    member_key = days * _BINS + rate_bin
    pos = np.minimum(np.searchsorted(cell_key, member_key), len(cell_key) - 1)
    known = cell_key[pos] == member_key
    level = np.searchsorted(thresholds, tail)
    taken = np.zeros((len(thresholds), len(cell_key)))
    np.add.at(taken, (level[known], pos[known]), 1.0)
    expected = (np.clip(counts[None, :] - np.cumsum(taken, axis=0), 0, None) * reach).sum(axis=1)
    ok = expected <= max_chance * np.cumsum(np.bincount(level, minlength=len(thresholds)))
    if not ok.any():
        return np.zeros(len(attended), dtype=bool)
    return tail <= thresholds[np.flatnonzero(ok)[-1]]


#: Rates are binned in steps of 2% of their value: bin b is the rate 1.02^(b - _BINS + 1), bin 0 none.
_STEP = float(np.log(1.02))
_BINS = 4096
_NO_RATE = 0


def _rate_bins(rate: np.ndarray) -> np.ndarray:
    """Rates as bins of 2% of their value (so that a population falls into few cells); 0 is bin 0.

    >>> b = _rate_bins(np.array([0.2, 0.2005, 0.0]))
    >>> b[0] == b[1], int(b[2]), np.round(_bin_rate(b), 3).tolist()
    (np.True_, 0, [0.201, 0.201, 0.0])
    """
    out = np.zeros(len(rate), dtype=np.int64)
    pos = rate > 0
    b = np.round(np.log(np.minimum(rate[pos], 1.0)) / _STEP).astype(np.int64) + _BINS - 1
    out[pos] = np.clip(b, 1, _BINS - 1)
    return out


def _bin_rate(bins: np.ndarray) -> np.ndarray:
    """The rate of each bin of :func:`_rate_bins` (bin 0: 0)."""
    bins = np.asarray(bins, dtype=np.int64)
    return np.where(bins > 0, np.round(np.exp((bins - _BINS + 1) * _STEP), 12), 0.0)


def _not_by_chance(
    chosen: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]],
    events: Events,
    group: np.ndarray,
    *,
    max_chance: float,
    min_persons: int,
) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Each chosen ``(group, members, attended, days)`` cut to its members :func:`beyond_chance`.

    A group's background is its venues' ordinary traffic.  At each venue, a
    visit lands on one of the group's events with the chance that the events
    would have taken in had they been ordinary: each event counted at the
    venue's median size of all its other events (a day's traffic in a
    date-only export; a burst of one or two in a quiet clinic, or a ward's
    ordinary admission day), against the venue's traffic off the group's
    events (in the events' own units: admission and discharge days count
    once each).  The median keeps another piece of the same ring (a few big
    events among the venue's hundreds) from setting the background.  No
    candidate's own attendance enters it, so a clinic whose traffic is mostly
    its ring (recruits who came to one batch only, padding) does not make its
    batches look crowded.  Each person who came to the venues gets the mean
    rate over their days there.  Groups left with fewer than ``min_persons``
    members are dropped.

    """
    vd = events.visit_days
    assert vd is not None, "the chance test needs each person's days at the venues"
    vd_person, vd_venue, vd_days = (vd["person"].to_numpy(), vd["venue"].to_numpy(),
                                    vd["days"].to_numpy(dtype=np.int64))  # fmt: skip
    by_venue = events.visit_days_by_venue()
    sorted_venue = vd_venue[by_venue]
    n_venues = max(int(vd_venue.max(initial=0)), int(events.venue.max(initial=0))) + 1
    venue_persons = np.bincount(vd_venue, minlength=n_venues)
    inc = events.incidence
    size = np.bincount(inc["event"].to_numpy(), minlength=events.n_events)  # persons at each listed event
    # Every event of each venue, by venue, with its visits (events left out of the incidence too: small
    # ones and hub days; without sizes, those count as one visit).
    every_size = events.size if events.size is not None else np.maximum(size, 1)
    venue_traffic = np.bincount(events.venue, weights=every_size, minlength=n_venues)  # in event units
    rates = _group_rates(chosen, events, group, every_size, venue_traffic)
    # every group's members' tails at once (elementwise: the same numbers as group by group)
    tails = np.split(
        binom.sf(
            np.concatenate([a for _, _, a, _ in chosen] + [np.zeros(0, dtype=np.int64)]) - 1,
            np.concatenate([np.maximum(d, a) for _, _, a, d in chosen] + [np.zeros(0, dtype=np.int64)]),
            _bin_rate(_rate_bins(np.concatenate([r for _, _, r in rates] + [np.zeros(0)]))),
        ),
        np.cumsum([len(m) for _, m, _, _ in chosen])[:-1],
    ) if chosen else []  # fmt: skip
    histogram: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # a venue's persons by their days there
    out = []
    for (g, members, attended, days), (venues, rate, member_rate), tail in zip(chosen, rates, tails):
        # Shortcut: when even every person of the venues at the largest member tail would give fewer
        # chance members than allowed, the discrete count below keeps them all too.
        if tail.max(initial=0.0) * venue_persons[venues].sum() <= max_chance * len(members):
            out.append((g, members, attended, days))
            continue
        count = None
        if len(venues) == 1:  # everyone there at the venue's one rate: its persons as a histogram of their days
            v = int(venues[0])
            if v not in histogram:
                part = by_venue[
                    np.searchsorted(sorted_venue, v, side="left") : np.searchsorted(sorted_venue, v, "right")
                ]
                histogram[v] = np.unique(vd_days[part], return_counts=True)
            n, count = histogram[v]
            mean = np.full(len(n), rate[0])
        else:  # each person's days at all the venues, and their mean rate
            lo, hi = np.searchsorted(sorted_venue, venues, side="left"), np.searchsorted(sorted_venue, venues, "right")
            vrows = by_venue[np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)])]
            row_rate = rate[np.searchsorted(venues, vd_venue[vrows])]
            _, inverse = np.unique(vd_person[vrows], return_inverse=True)
            n = np.bincount(inverse, weights=vd_days[vrows]).astype(np.int64)
            mean = np.bincount(inverse, weights=vd_days[vrows] * row_rate) / np.maximum(n, 1)
        keep = beyond_chance(attended, days.astype(np.int64), member_rate, n, mean, max_chance=max_chance,
                             population_count=count)  # fmt: skip
        if keep.sum() >= min_persons:
            out.append((g, members[keep], attended[keep], days[keep]))
    return out


#: Members per batch of :func:`_group_rates`: each batch's arrays (its members' visit days, tens of rows each)
#: stay a few tens of MB however many groups a run holds (at ten million claims, thousands of groups).
_RATE_BATCH = 20_000


def _group_rates(
    chosen: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]],
    events: Events,
    group: np.ndarray,
    every_size: np.ndarray,
    venue_traffic: np.ndarray,
    *,
    batch: int = _RATE_BATCH,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per chosen group of :func:`_not_by_chance`: its venues, each venue's rate, and each member's rate.

    The groups' events, venues and members' days are gathered in passes of grouped arrays (keys
    ``group x venue``), a batch of groups with about ``batch`` members at a time, not a dozen small NumPy
    calls per group; sums run in the same order as :func:`_group_rate` (the definition, one group at a
    time), so the numbers are the same.  Groups whose members are not sorted and distinct (never made
    here) take :func:`_group_rate`.
    """
    if not chosen or not all(len(m) < 2 or bool((np.diff(m) > 0).all()) for _, m, _, _ in chosen):
        return [_group_rate(g, m, events, group, every_size, venue_traffic) for g, m, _, _ in chosen]
    vd = events.visit_days
    assert vd is not None
    vd_person, vd_venue = vd["person"].to_numpy(), vd["venue"].to_numpy()
    vd_days = vd["days"].to_numpy(dtype=np.int64)
    n_venues = max(int(vd_venue.max(initial=0)), int(events.venue.max(initial=0))) + 1
    every = events.by_venue()
    every_venue = events.venue[every]
    by_group = stable_order(group)  # event codes group by group, ascending within each
    group_sorted = group[by_group]

    def rates_of(
        part: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]],
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        gs = np.array([g for g, _, _, _ in part], dtype=group_sorted.dtype)
        lo, hi = np.searchsorted(group_sorted, gs, side="left"), np.searchsorted(group_sorted, gs, side="right")
        n = hi - lo
        mine = by_group[np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))]  # each group's, in turn
        owner = np.repeat(np.arange(len(part), dtype=np.int64), n)
        # (group, venue) pairs, ascending: each group's venues as np.unique gives them
        gv, at = np.unique(owner * n_venues + events.venue[mine], return_inverse=True)
        gv_owner, gv_venue = gv // n_venues, gv % n_venues
        held = np.bincount(at, minlength=len(gv))
        on = np.bincount(at, weights=every_size[mine], minlength=len(gv))
        first = np.searchsorted(every_venue, gv_venue, side="left")
        after = np.searchsorted(every_venue, gv_venue, side="right")
        typical = np.zeros(len(gv))
        for i, (a, b, o) in enumerate(zip(first.tolist(), after.tolist(), gv_owner.tolist())):
            there = every[a:b]  # the venue's other events: their median size
            other = every_size[there[group[there] != part[o][0]]]
            typical[i] = float(np.median(other)) if len(other) else 0.0
        expected = held * typical
        off = np.maximum(venue_traffic[gv_venue] - on, 0.0)
        rate = np.where(off + expected > 0, expected / np.maximum(off + expected, 1e-12), 0.0).clip(0, 1)
        top = np.zeros(len(part))
        np.maximum.at(top, gv_owner, rate)  # each group's largest rate (rates are >= 0)
        # the members' own rates: the mean over their days at the group's venues (visit_days is sorted by person)
        members = np.concatenate([m for _, m, _, _ in part]).astype(np.int64)
        member_owner = np.repeat(np.arange(len(part), dtype=np.int64), [len(m) for _, m, _, _ in part])
        plo, phi = sorted_search(vd_person, members, "left"), sorted_search(vd_person, members, "right")
        k = phi - plo
        rows = np.repeat(plo - np.cumsum(k) + k, k) + np.arange(int(k.sum()))
        whose = np.repeat(np.arange(len(members)), k)
        key = member_owner[whose] * n_venues + vd_venue[rows]
        where = np.minimum(np.searchsorted(gv, key), max(len(gv) - 1, 0))
        there = gv[where] == key if len(gv) else np.zeros(len(key), dtype=bool)
        rows, where, whose = rows[there], where[there], whose[there]
        member_days = np.bincount(whose, weights=vd_days[rows], minlength=len(members))
        member_rate = np.bincount(whose, weights=vd_days[rows] * rate[where], minlength=len(members))
        member_rate = np.where(member_days > 0, member_rate / np.maximum(member_days, 1), top[member_owner])
        g_bounds = np.searchsorted(gv_owner, np.arange(len(part) + 1))
        m_bounds = np.r_[0, np.cumsum([len(m) for _, m, _, _ in part])]
        return [
            (gv_venue[g_bounds[i] : g_bounds[i + 1]], rate[g_bounds[i] : g_bounds[i + 1]],
             member_rate[m_bounds[i] : m_bounds[i + 1]])
            for i in range(len(part))
        ]  # fmt: skip

    out: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    start, size = 0, 0
    for i, (_, m, _, _) in enumerate(chosen):
        size += len(m)
        if size >= batch or i == len(chosen) - 1:
            out += rates_of(chosen[start : i + 1])
            start, size = i + 1, 0
    return out


def _group_rate(
    g: int, members: np.ndarray, events: Events, group: np.ndarray, every_size: np.ndarray, venue_traffic: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One group's venues, each venue's rate, and each member's rate (the definition of :func:`_group_rates`)."""
    vd = events.visit_days
    assert vd is not None
    vd_person, vd_venue = vd["person"].to_numpy(), vd["venue"].to_numpy()
    vd_days = vd["days"].to_numpy(dtype=np.int64)
    every = events.by_venue()
    every_venue = events.venue[every]
    mine = np.flatnonzero(group == g)
    venues, at_venue = np.unique(events.venue[mine], return_inverse=True)
    held = np.bincount(at_venue, minlength=len(venues))  # the group's events at each venue
    on = np.bincount(at_venue, weights=every_size[mine], minlength=len(venues))  # their visits
    typical = np.zeros(len(venues))
    first, after = (
        np.searchsorted(every_venue, venues, side="left"),
        np.searchsorted(every_venue, venues, side="right"),
    )
    for i in range(len(venues)):  # the venue's other events: their median size
        there = every[first[i] : after[i]]
        other = every_size[there[group[there] != g]]
        typical[i] = float(np.median(other)) if len(other) else 0.0
    expected = held * typical
    off = np.maximum(venue_traffic[venues] - on, 0.0)
    rate = np.where(off + expected > 0, expected / np.maximum(off + expected, 1e-12), 0.0).clip(0, 1)
    lo, hi = np.searchsorted(vd_person, members, side="left"), np.searchsorted(vd_person, members, side="right")
    rows = np.repeat(lo - np.cumsum(hi - lo) + (hi - lo), hi - lo) + np.arange(int((hi - lo).sum()))
    where = np.minimum(np.searchsorted(venues, vd_venue[rows]), len(venues) - 1)
    there = venues[where] == vd_venue[rows]
    rows, where = rows[there], where[there]
    whose = np.searchsorted(members, vd_person[rows])
    member_days = np.bincount(whose, weights=vd_days[rows], minlength=len(members))
    member_rate = np.bincount(whose, weights=vd_days[rows] * rate[where], minlength=len(members))
    member_rate = np.where(member_days > 0, member_rate / np.maximum(member_days, 1), rate.max(initial=0.0))
    return venues, rate, member_rate


def _day_company(
    chosen: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]],
    events: Events,
    group: np.ndarray,
    *,
    max_chance: float,
    min_persons: int,
) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Each chosen group of whole venue-days cut to its members who came *in company* beyond chance.

    The day pass (:func:`graphfraud.detect.covisit.over_the_day`) judges
    timed venues' whole days.  Its Leiden groups are days that the same persons
    share, so they are chosen from the members' own days, and a test on them
    alone cannot tell a broker's batch from a busy centre's regulars, each of
    whom shares some of their days with some of the others (a community
    centre's 38 hypertension patients, ten visits a year each, three or more of
    them there on 67 of its 365 days).  So a member's day at the group's venues
    is *in company* when at least ``_COMPANY`` other members came that day (a
    group's day holds three members, :func:`_events_held`), on **any** of the
    venue's days, not only the group's.  The chance of that for one visit is the
    share of the non-members' visits to the venue that fell on such days (for a
    member: days with that many members besides themselves, so their own days
    with one other member short are left out), and the members are kept by
    :func:`beyond_chance` against everyone who came to the venues.  A broker's
    batch makes its recruits' days in company nearly every time, on a small
    share of the venue's traffic; a market day's crowd (赶集) makes many
    persons' days in company, but on the days that hold most of the venue's
    traffic, which is what chance gives them.  A member on a weekly timetable
    of their own there keeps appointments and is not judged (as in
    :func:`_with_company`).  Groups left with fewer than ``min_persons`` members
    are dropped.

    All groups in one pass over the incidence: the rows of the members' days at
    their group's venues, then counts by (group, day).
    """
    if not chosen:
        return chosen
    vd = events.visit_days
    assert vd is not None and events.size is not None
    vd_person, vd_venue = vd["person"].to_numpy(), vd["venue"].to_numpy()
    vd_days = vd["days"].to_numpy(dtype=np.int64)
    n_venues = max(int(vd_venue.max(initial=0)), int(events.venue.max(initial=0))) + 1
    traffic = np.bincount(events.venue, weights=events.size, minlength=n_venues)
    # member rows: r -> (group, person), sorted by person for the look-up from the incidence
    sizes = np.array([len(m) for _, m, _, _ in chosen])
    row_group = np.repeat(np.array([g for g, _, _, _ in chosen], dtype=np.int64), sizes)
    row_person = np.concatenate([m for _, m, _, _ in chosen]).astype(np.int64)
    by_person = stable_order(row_person)
    sorted_person = row_person[by_person]
    grouped = np.flatnonzero(group >= 0)
    gv = distinct(group[grouped].astype(np.int64) * n_venues + events.venue[grouped])  # each group's venues
    # (member row, event) for every day a member came to one of their group's venues
    inc_event = events.incidence["event"].to_numpy()
    inc_person = events.incidence["person"].to_numpy().astype(np.int64)
    is_member = np.zeros(max(int(inc_person.max(initial=0)), int(row_person.max())) + 1, dtype=bool)
    is_member[row_person] = True
    some = is_member[inc_person]  # most rows are no member's: left out before the look-ups
    inc_event, inc_person = inc_event[some], inc_person[some]
    lo, hi = np.searchsorted(sorted_person, inc_person, "left"), np.searchsorted(sorted_person, inc_person, "right")
    n = hi - lo
    pair_event = np.repeat(inc_event, n)
    pair_row = by_person[np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))]
    key = row_group[pair_row] * n_venues + events.venue[pair_event]
    at = np.minimum(np.searchsorted(gv, key), max(len(gv) - 1, 0))
    ours = gv[at] == key if len(gv) else np.zeros(len(key), dtype=bool)
    pair_event, pair_row = pair_event[ours], pair_row[ours]
    # members of the group at each (group, day)
    n_events = max(events.n_events, 1)
    ge = row_group[pair_row] * n_events + pair_event
    ge_key, ge_of, present = np.unique(ge, return_inverse=True, return_counts=True)
    ge_group, ge_event = ge_key // n_events, ge_key % n_events
    background = np.maximum(events.size[ge_event] - present, 0).astype(float)  # non-members' visits that day
    p = present[ge_of]
    met = np.bincount(pair_row, weights=(p - 1 >= _COMPANY).astype(float), minlength=len(row_person))
    # per (group, venue): non-members' visits on days with >= _COMPANY + 1 members, and with exactly _COMPANY
    gvk = ge_group * n_venues + events.venue[ge_event]
    gv_at = np.searchsorted(gv, gvk)
    full = np.bincount(gv_at, weights=np.where(present > _COMPANY, background, 0.0), minlength=len(gv))
    short = np.bincount(gv_at, weights=np.where(present == _COMPANY, background, 0.0), minlength=len(gv))
    # each member's days at each venue of their group, and the venue's non-members' visits
    rv_lo = sorted_search(vd_person, row_person, "left")
    rv_n = sorted_search(vd_person, row_person, "right") - rv_lo
    vrow = np.repeat(np.arange(len(row_person)), rv_n)
    vpos = np.repeat(rv_lo - np.cumsum(rv_n) + rv_n, rv_n) + np.arange(int(rv_n.sum()))
    vkey = row_group[vrow] * n_venues + vd_venue[vpos]
    vat = np.minimum(np.searchsorted(gv, vkey), max(len(gv) - 1, 0))
    there = gv[vat] == vkey
    vrow, vpos, vat = vrow[there], vpos[there], vat[there]
    member_days_gv = np.bincount(vat, weights=vd_days[vpos], minlength=len(gv))
    others = np.maximum(traffic[gv % n_venues] - member_days_gv, full + short)  # non-members' visits there
    rate_gv = np.where(others > 0, (full + short) / np.maximum(others, 1e-12), 0.0)
    days = np.bincount(vrow, weights=vd_days[vpos], minlength=len(row_person))
    weight = np.bincount(vrow, weights=vd_days[vpos] * rate_gv[vat], minlength=len(row_person))
    # A member's own days with exactly _COMPANY members are one other short without them: not company for them,
    # so their share of the venue's visits comes off the member's rate at that venue.
    mine_short = p == _COMPANY
    o_row, o_ge = pair_row[mine_short], ge_of[mine_short]
    o_venue = events.venue[ge_event[o_ge]]
    vd_key = vd_person.astype(np.int64) * n_venues + vd_venue  # sorted (by person, then venue)
    o_key = row_person[o_row] * n_venues + o_venue
    o_days = vd_days[np.minimum(sorted_search(vd_key, o_key), len(vd_key) - 1)] if len(vd_key) else o_key * 0
    o_share = background[o_ge] / np.maximum(others[gv_at[o_ge]], 1e-12)
    weight -= np.bincount(o_row, weights=o_days * o_share, minlength=len(row_person))
    member_rate = np.where(days > 0, np.maximum(weight, 0.0) / np.maximum(days, 1), 0.0)
    timetable = _on_timetable(pair_row, events.day[pair_event], len(row_person))
    judged = (days > 0) & ~timetable
    # the population of each group's venues: everyone's days there, at the venue's rate
    by_venue = events.visit_days_by_venue()
    sorted_venue = vd_venue[by_venue]
    out = []
    start = np.r_[0, np.cumsum(sizes)]
    gv_group = gv // n_venues
    for i, (g, members, attended, member_days) in enumerate(chosen):
        r = slice(start[i], start[i + 1])
        keep = np.ones(len(members), dtype=bool)
        mine = judged[r]
        if mine.any():
            at_g = np.arange(np.searchsorted(gv_group, g, "left"), np.searchsorted(gv_group, g, "right"))
            venues = gv[at_g] % n_venues
            vlo, vhi = np.searchsorted(sorted_venue, venues, "left"), np.searchsorted(sorted_venue, venues, "right")
            vrows = by_venue[np.concatenate([np.arange(a, b) for a, b in zip(vlo, vhi)])]
            row_rate = rate_gv[at_g][np.searchsorted(venues, vd_venue[vrows])]
            if len(venues) == 1:
                pop, count = np.unique(vd_days[vrows], return_counts=True)
                pop_rate: np.ndarray | float = float(row_rate[0]) if len(row_rate) else 0.0
            else:
                _, inverse = np.unique(vd_person[vrows], return_inverse=True)
                pop = np.bincount(inverse, weights=vd_days[vrows]).astype(np.int64)
                pop_rate = np.bincount(inverse, weights=vd_days[vrows] * row_rate) / np.maximum(pop, 1)
                count = None
            keep[mine] = beyond_chance(
                met[r][mine].astype(np.int64), days[r][mine].astype(np.int64), member_rate[r][mine], pop,
                np.broadcast_to(pop_rate, pop.shape), max_chance=max_chance, population_count=count,
            )  # fmt: skip
        if keep.sum() >= min_persons:
            out.append((g, members[keep], attended[keep], member_days[keep]))
    return out


#: Other members a member's day needs to be *in company* in the day pass (:func:`_day_company`): a group's day
#: holds three members (:func:`_events_held`), so two besides oneself.
_COMPANY = 2


def _with_company(
    chosen: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]],
    events: Events,
    group: np.ndarray,
    *,
    company: int,
    max_chance: float,
    min_persons: int,
    min_share: float = _D.min_share,
) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Each chosen group cut to its members :func:`in_company` at its date-only venues.

    Groups left with fewer than ``min_persons`` members are dropped.
    """
    assert events.dated is not None
    company_of = _Company(events)
    out = []
    for g, members, attended, days in chosen:
        venues = _dated_venues(np.flatnonzero(group == g), events)
        for _ in range(ROUNDS):  # a chance member kept the others company too: judge again without them
            keep = company_of.keep(members, venues, company=company, max_chance=max_chance, min_share=min_share)
            members, attended, days = members[keep], attended[keep], days[keep]
            if keep.all() or len(members) < min_persons:
                break
        if len(members) >= min_persons:
            out.append((g, members, attended, days))
    return out


def _dated_venues(codes: np.ndarray, events: Events) -> np.ndarray:
    """The date-only venues of a group's events ``codes``, when its main venue (most events) is one; else none.

    A staged clinic's group may hold a few days at the pharmacy next door, where its recruits fill their
    prescriptions: the clinic's batches, not those days, are what the group is judged on.
    """
    if events.dated is None or not len(codes):
        return np.zeros(0, dtype=np.int64)
    venues, n = np.unique(events.venue[codes], return_counts=True)
    main = venues[np.argmax(n)]
    if not events.dated[codes][events.venue[codes] == main].any():
        return np.zeros(0, dtype=np.int64)
    return distinct(events.venue[codes[events.dated[codes]]])


def _on_timetable(member: np.ndarray, day: np.ndarray, n: int, *, share: float = 0.8, min_days: int = 4) -> np.ndarray:
    """Per member index ``0..n-1``: on ``min_days`` days or more, ``share`` of them on their own commonest weekdays.

    The weekdays counted are ``ceil(visits a week)`` (one for a weekly or rarer visitor), as for a treatment
    regimen (:func:`graphfraud.score.features._timetable`).  A member brought each week on their own
    weekdays (a physiotherapy scheme, dialysis) is on one; a customer's random days and a collector's cards,
    swiped whenever he comes, are not.

    >>> _on_timetable(np.zeros(6, int), np.array([2, 9, 16, 23, 30, 37]), 1).tolist()  # every Monday
    [True]
    >>> _on_timetable(np.zeros(6, int), np.array([2, 5, 13, 17, 26, 34]), 1).tolist()
    [False]
    """
    out = np.zeros(n, dtype=bool)
    if not len(member):
        return out
    first = int(day.min())
    span = int(day.max()) - first + 1
    packed = distinct(member.astype(np.int64) * span + (day - first))  # (member, day), sorted, as one int key
    pairs = np.stack([packed // span, packed % span + first], axis=1)
    starts = np.flatnonzero(np.r_[True, pairs[1:, 0] != pairs[:-1, 0]])
    for lo, hi in zip(starts, np.r_[starts[1:], len(pairs)]):
        days = pairs[lo:hi, 1]
        if len(days) < min_days:
            continue
        span = max(int(days[-1] - days[0]), 1)
        k = int(min(7, max(1, np.ceil(7.0 * (len(days) - 1) / span - 1e-9))))
        counts = np.sort(np.bincount((days + 5) % 7, minlength=7))[::-1]
        out[pairs[lo, 0]] = counts[:k].sum() >= share * len(days)
    return out


#: How many times :func:`_with_company` judges a group again without the members it dropped.
ROUNDS = 3


class _Company:
    """Look-ups of :func:`in_company` over one :class:`Events`, built once for all groups."""

    def __init__(self, events: Events) -> None:
        assert events.dated is not None and events.size is not None and events.visit_days is not None
        self.events = events
        vd = events.visit_days
        self.vd_person, self.vd_venue = vd["person"].to_numpy(), vd["venue"].to_numpy()
        self.vd_days = vd["days"].to_numpy(dtype=np.int64)
        self.inc_event = events.incidence["event"].to_numpy()
        self.inc_person = events.incidence["person"].to_numpy()
        self.every = events.by_venue()
        self.every_venue = events.venue[self.every]
        self.by_venue = events.visit_days_by_venue()
        self.sorted_venue = self.vd_venue[self.by_venue]

    def keep(self, members: np.ndarray, venues: np.ndarray, *, company: int, max_chance: float,
             min_share: float = _D.min_share) -> np.ndarray:  # fmt: skip
        """Which of ``members`` (sorted person codes) met the others at the date-only ``venues`` beyond chance.

        Members with no day at those venues are kept.
        """
        keep = np.ones(len(members), dtype=bool)
        if not len(venues) or not len(members):
            return keep
        ev = self.events
        assert ev.dated is not None and ev.size is not None
        met = np.zeros(len(members))  # the member's days in company at the venues
        own_days: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]  # (member, day) of the members' days there
        own_who: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
        weight = np.zeros(len(members))  # sum over the venues of the member's days x their chance of company
        rate_of = np.zeros(len(venues))
        for i, v in enumerate(venues):
            codes = self.every[
                np.searchsorted(self.every_venue, v) : np.searchsorted(self.every_venue, v, side="right")
            ]
            codes = np.sort(codes[ev.dated[codes]])
            lo, hi = np.searchsorted(self.inc_event, codes), np.searchsorted(self.inc_event, codes, side="right")
            n_rows = hi - lo
            rows = np.repeat(lo - np.cumsum(n_rows) + n_rows, n_rows) + np.arange(int(n_rows.sum()))
            who = self.inc_person[rows]
            at = np.minimum(np.searchsorted(members, who), len(members) - 1)
            mine = members[at] == who
            local = np.searchsorted(codes, self.inc_event[rows][mine])
            present = np.bincount(local, minlength=len(codes))  # members at each of the venue's days
            background = np.maximum(ev.size[codes] - present, 0).astype(float)
            total = background.sum()
            if total <= 0:
                continue
            # company: as many others as the group's smallest session brings besides oneself (sessions: its
            # best-attended days down to the first sharp drop, as for the block's regulars), and ``company`` or more
            busy = present[present > 0]
            sessions = busy[regulars(busy, min_share=min_share)]
            least = max(company, int(sessions.min()) - 1 if len(sessions) else company)
            rate_of[i] = float(background[present >= least].sum() / total)
            m = at[mine]
            own_who.append(m)
            own_days.append(ev.day[codes[local]])
            met += np.bincount(m, weights=(present[local] - 1 >= least).astype(float), minlength=len(members))
            # on the member's own days that hold exactly ``least`` members, the company is partly the member
            own = np.bincount(m, weights=np.where(present[local] == least, background[local], 0.0),
                              minlength=len(members))  # fmt: skip
            rows_v = self.by_venue[
                np.searchsorted(self.sorted_venue, v) : np.searchsorted(self.sorted_venue, v, side="right")
            ]
            pos = np.minimum(np.searchsorted(members, self.vd_person[rows_v]), len(members) - 1)
            hit = members[pos] == self.vd_person[rows_v]
            n_v = np.bincount(pos[hit], weights=self.vd_days[rows_v][hit], minlength=len(members))
            weight += n_v * np.maximum(rate_of[i] - own / total, 0.0)
        if rate_of.max(initial=0.0) <= 0:
            return keep
        lo = np.searchsorted(self.sorted_venue, venues)
        hi = np.searchsorted(self.sorted_venue, venues, side="right")
        vrows = self.by_venue[np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)])]
        row_rate = rate_of[np.searchsorted(venues, self.vd_venue[vrows])]
        persons, inverse = np.unique(self.vd_person[vrows], return_inverse=True)
        n = np.bincount(inverse, weights=self.vd_days[vrows]).astype(np.int64)
        mean = np.bincount(inverse, weights=self.vd_days[vrows] * row_rate) / np.maximum(n, 1)
        pos = np.minimum(np.searchsorted(persons, members), len(persons) - 1)
        days = np.where(persons[pos] == members, n[pos], 0)
        # a member on a weekly timetable of their own keeps appointments: their days are no draw from the trade
        judged = (days > 0) & ~_on_timetable(np.concatenate(own_who), np.concatenate(own_days), len(members))
        if judged.any():
            rate = weight[judged] / days[judged]
            keep[judged] = beyond_chance(
                met[judged].astype(np.int64), days[judged], rate, n, mean, max_chance=max_chance
            )
        return keep


def organisations(
    events: Events,
    *,
    resolution: float = _D.resolution,
    min_events: int = _D.min_events,
    min_persons: int = 5,
    min_share: float = _D.min_share,
    min_devotion: float = _D.min_devotion,
    side_share: float = _D.side_share,
    min_density: float = _D.min_density,
    min_shared: int = _D.min_shared,
    max_links: int = _D.max_links,
    max_chance: float = _D.max_chance,
    seed: int = 0,
    whole_days: bool = False,
    beyond_traffic: bool = False,
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
        venues to be the group's events (leaving out a chance meeting at their
        own venue, :func:`_devoted`): a recruit comes to the staged clinic for
        the batches, its ordinary patients come on other days too (this is
        what keeps a date-only export's clinic-day events apart from the
        clinic's regulars).  0 switches the test off.
    side_share : float, default 0.5
        Step 145: a venue where the group met on at most this share of the
        events it held at its main venue (the venue of most of its events) is a
        side venue, judged as a venue where it met once (:func:`_devoted`): a
        street's recruits also meet at their own community centre a few times
        a year.  0 leaves only the venues met at once.
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
    max_chance : float, default 0.1
        Members must have attended more of the group's events than the
        venues' traffic explains: persons are kept from the least likely by
        chance down, while the expected number of chance members among them
        is at most this share (:func:`beyond_chance`).  A townsman whose few
        visits to a busy community centre fell on its nursing-home round days
        is not a member; a recruit at two of a back-street clinic's rare batch
        days is.  1 switches the test off.
    seed : int, default 0
        Leiden seed.
    whole_days : bool, default False
        The events are whole venue-days of a timed export: members must also
        have come on the group's days more than the crowd that came on them
        explains (``crowd`` of :func:`_not_by_chance`); and devotion counts a
        person's days on the days of every group at a venue (:func:`_grouped_days`):
        a broker's sessions spread over days can fall into several groups.
    beyond_traffic : bool, default False
        Weigh the links of one venue's events by the persons they share beyond
        what the venue's traffic predicts (:func:`traffic_links`), down to one
        shared person, instead of counting ``min_shared`` or more (step 58 of
        ``docs/detection.md``: measured, not adopted).

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
    check(0 <= side_share <= 1, "side_share", owner, "a float in [0, 1]", side_share)
    check(0 <= min_density <= 1, "min_density", owner, "a float in [0, 1]", min_density)
    check(0 <= max_chance <= 1, "max_chance", owner, "a float in [0, 1]", max_chance)
    if beyond_traffic:
        links = traffic_links(event_links(events, min_events=min_events, max_links=max_links, min_shared=1), events,
                              min_shared=min_shared)  # fmt: skip
    else:
        links = event_links(events, min_events=min_events, max_links=max_links, min_shared=min_shared)
    if links.empty:
        return []
    partition = leiden(links, resolution=resolution, seed=seed)
    group = np.full(max(events.n_events, 1), -1, dtype=np.int64)
    group[partition.nodes] = partition.membership
    if whole_days:
        group = _repeated_venues(group, events.venue, min_events=min_events)
    inc = events.incidence
    g = group[inc["event"].to_numpy()]
    inside = g >= 0
    person = inc["person"].to_numpy()[inside]
    g = g[inside]
    n_persons = int(person.max()) + 1 if len(person) else 1
    key, times = np.unique(g * n_persons + person, return_counts=True)
    keep = times >= min_events
    key, times = key[keep], times[keep]
    if not len(key):  # nobody attends min_events of one group's events
        return []
    kg, kp = key // n_persons, key % n_persons
    bounds = np.flatnonzero(np.r_[True, kg[1:] != kg[:-1], True])
    big = np.diff(bounds) >= min_persons  # groups that can still make min_persons
    take = np.repeat(big, np.diff(bounds))
    kg, kp, times = kg[take], kp[take], times[take]
    bounds = np.flatnonzero(np.r_[True, kg[1:] != kg[:-1], True]) if len(kg) else np.array([0])
    known_days = events.visit_days is not None and len(kg) > 0
    days = _days_at(events.visit_days, kg, kp, group, events.venue) if known_days else np.zeros(len(kg))
    devoted = np.ones(len(kg), dtype=bool)
    if min_devotion > 0 and known_days:
        attended = times
        if whole_days:  # a recruit's days on any organisation's days at a venue are days he came for them (step 32)
            attended = np.maximum(times, _days_at(_grouped_days(inc, group, events), kg, kp, group, events.venue))
        devoted = _devoted(inc, group, kg, kp, attended, days, events, min_devotion=min_devotion, side_share=side_share)
    # (group, members, their attendance, their days at the group's venues) of the groups with enough regulars
    chosen: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        keep = regulars(times[lo:hi], min_share=min_share) & devoted[lo:hi]
        if keep.sum() >= min_persons:
            chosen.append((int(kg[lo]), kp[lo:hi][keep], times[lo:hi][keep], days[lo:hi][keep]))
    if known_days and max_chance < 1 and chosen:
        chosen = _not_by_chance(chosen, events, group, max_chance=max_chance, min_persons=min_persons)
        if whole_days:
            chosen = _day_company(chosen, events, group, max_chance=max_chance, min_persons=min_persons)
        if events.dated is not None and events.size is not None and events.dated.any():
            chosen = _with_company(chosen, events, group, company=min_shared, max_chance=max_chance, min_share=min_share,
                                   min_persons=min_persons)  # fmt: skip
    picked = [(g, members, attended) for g, members, attended, _ in chosen]
    held = _events_held(inc, group, picked, n_persons=n_persons, min_persons=3)
    out = []
    for (g, members, attended), mine in zip(picked, held):
        if len(mine) and typical_attendance(attended) >= min_density * len(mine):
            out.append(Organisation(members, mine))
    out.sort(key=lambda o: (-len(o.persons), int(o.persons[0])))
    return out


def traffic_links(links: pd.DataFrame, events: Events, *, min_shared: int) -> pd.DataFrame:
    """``links`` of one venue's events weighted by the persons they share beyond what its traffic predicts.

    Two events at a venue drawn at random from its attendance share, on average, ``s_a * s_b * c`` persons:
    ``s_a`` and ``s_b`` the persons at each, ``c`` the chance that two of the venue's visits are the same
    person's (the sum over its persons of their squared share of its person-days, from ``visit_days``).
    A link's weight is what the two events share less that expectation, and only links above it are kept: one
    recruit in common links two days of a back-street clinic whose trade is a few passers-by, while the
    regulars of a busy centre, who share its days anyway, link nothing more than they predict.  Links
    between venues (no common traffic to predict them from) keep the plain count of at least ``min_shared``.

    ``links`` is :func:`event_links` with ``min_shared`` 1 (every pair that shares a person).

    Two days of three persons at a clinic, person 0 at both; 20 others came once each.  Chance predicts
    ``3 * 3 * (2**2 + 20) / 22**2`` = 0.45 persons in common, so the one shared is worth 0.55:

    >>> from graphfraud.graph.events import Events
    >>> inc = pd.DataFrame({"event": [0, 0, 0, 1, 1, 1], "person": [0, 1, 2, 0, 3, 4]})
    >>> vd = pd.DataFrame({"person": np.arange(21), "venue": 0, "days": [2] + [1] * 20})
    >>> ev = Events(inc, np.zeros(2, dtype=int), np.arange(2), {}, visit_days=vd)
    >>> traffic_links(event_links(ev), ev, min_shared=2).round(2).to_dict("list")
    {'a': [0], 'b': [1], 'weight': [0.55]}

    At a venue of five persons who came twice each, the same two days share less than chance predicts
    (``9 * 20 / 10**2`` = 1.8) and are not linked:

    >>> vd = pd.DataFrame({"person": np.arange(5), "venue": 0, "days": [2] * 5})
    >>> ev = Events(inc, np.zeros(2, dtype=int), np.arange(2), {}, visit_days=vd)
    >>> len(traffic_links(event_links(ev), ev, min_shared=2))
    0
    """
    a, b, shared = links["a"].to_numpy(), links["b"].to_numpy(), links["weight"].to_numpy()
    if not len(a) or events.visit_days is None:
        strong = shared >= min_shared
        return pd.DataFrame({"a": a[strong], "b": b[strong], "weight": shared[strong]})
    size = np.bincount(events.incidence["event"].to_numpy(), minlength=events.n_events).astype(float)
    venue, days = events.visit_days["venue"].to_numpy(), events.visit_days["days"].to_numpy().astype(float)
    n_venues = max(int(events.venue.max(initial=0)), int(venue.max(initial=0))) + 1
    total = np.bincount(venue, weights=days, minlength=n_venues)
    same = np.divide(np.bincount(venue, weights=days * days, minlength=n_venues), total**2,
                     out=np.zeros(n_venues), where=total > 0)  # fmt: skip
    va = events.venue[a]
    one = va == events.venue[b]
    weight = np.where(one, shared - size[a] * size[b] * same[va], np.where(shared >= min_shared, shared, 0.0))
    keep = weight > 0
    return pd.DataFrame({"a": a[keep], "b": b[keep], "weight": weight[keep]})


def _repeated_venues(group: np.ndarray, venue: np.ndarray, *, min_events: int) -> np.ndarray:
    """``group`` of each event, with the events at venues where their group holds fewer than ``min_events`` set to -1.

    A broker brings his recruits to the same venue again and again; a town's
    people who met on one day at one clinic and on another day at another
    share days by chance (3,000 townspeople at twenty clinics meet in threes on
    thousands of days, and Leiden strings such days into groups).

    >>> _repeated_venues(np.array([0, 0, 0, 1, 1, -1]), np.array([5, 5, 6, 7, 8, 5]), min_events=2).tolist()
    [0, 0, -1, -1, -1, -1]
    """
    grouped = np.flatnonzero(group >= 0)
    if not len(grouped):
        return group
    n_venues = int(venue.max(initial=0)) + 1
    key = group[grouped].astype(np.int64) * n_venues + venue[grouped]
    _, inverse, held = np.unique(key, return_inverse=True, return_counts=True)
    out = group.copy()
    out[grouped[held[inverse] < min_events]] = -1
    return out


def present_at(orgs: list[Organisation], events: Events, *, min_events: int = _D.min_events) -> list[np.ndarray]:
    """Each organisation's persons who attended at least ``min_events`` of the events it holds.

    All organisations in one pass over the incidence (their events are disjoint: each is one Leiden group's).

    >>> from graphfraud.graph.events import Events
    >>> inc = pd.DataFrame({"event": [0, 0, 0, 1, 1, 1, 2], "person": [1, 2, 3, 1, 2, 4, 3]})
    >>> ev = Events(inc, np.zeros(3, dtype=int), np.arange(3), {})
    >>> [m.tolist() for m in present_at([Organisation(np.array([1, 2, 3, 4]), np.array([0, 1]))], ev)]
    [[1, 2]]
    """
    if not orgs:
        return []
    inc = events.incidence
    org_of = np.full(max(events.n_events, 1), -1, dtype=np.int64)
    for i, o in enumerate(orgs):
        org_of[o.events] = i
    event, person = inc["event"].to_numpy(), inc["person"].to_numpy().astype(np.int64)
    o = org_of[event]
    inside = o >= 0
    n = int(max(int(person.max(initial=0)), max(int(x.persons.max(initial=0)) for x in orgs))) + 1
    key, times = np.unique(o[inside] * n + person[inside], return_counts=True)
    members = np.sort(np.concatenate([i * n + x.persons.astype(np.int64) for i, x in enumerate(orgs)]))
    key = key[(times >= min_events) & np.isin(key, members)]
    of = key // n
    lo, hi = np.searchsorted(of, np.arange(len(orgs)), "left"), np.searchsorted(of, np.arange(len(orgs)), "right")
    return [key[a:b] % n for a, b in zip(lo, hi)]


def tighten(
    groups: list[np.ndarray],
    events: Events,
    *,
    min_share: float = _D.min_share,
    min_density: float = _D.min_density,
    min_persons: int = 5,
    company: int = _D.min_shared,
    max_chance: float = _D.max_chance,
) -> list[np.ndarray]:
    """Cut person groups found another way (pairwise co-visit cores) to their dense block of events.

    A group's events are those at which at least 3 of its persons were; its
    members are its :func:`regulars` over those events, and a group whose
    typical member was at fewer than ``min_density`` of them is dropped (a
    community centre's regulars who each met the others on a few of its
    hundreds of days).  A group with no such event (all at hub days) is kept
    as it is.  At date-only venues the members must also have met each other
    beyond chance (:func:`_with_company`, with ``company`` and ``max_chance``).

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
    judge = events.dated is not None and events.size is not None and events.visit_days is not None
    company_of = _Company(events) if judge and max_chance < 1 else None
    h_lo = np.searchsorted(held_of, ids, side="left")
    out = []
    for i, g in enumerate(groups):
        if not n_held[i]:
            out.append(g)
            continue
        t = times[p_lo[i] : p_hi[i]]
        keep = regulars(t, min_share=min_share)
        if keep.sum() < min_persons or typical_attendance(t[keep]) < min_density * n_held[i]:
            continue
        members = np.sort(pp[p_lo[i] : p_hi[i]][keep])
        if company_of is not None:
            mine = held[h_lo[i] : h_lo[i] + n_held[i]] % n_events
            venues = _dated_venues(mine, events)
            for _ in range(ROUNDS):
                kept = company_of.keep(members, venues, company=company, max_chance=max_chance, min_share=min_share)
                members = members[kept]
                if kept.all() or len(members) < min_persons:
                    break
        if len(members) >= min_persons:
            out.append(members)
    return out
