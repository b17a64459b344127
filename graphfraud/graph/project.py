"""The co-visit projection: persons linked by repeatedly meeting at the same venue.

Two persons *co-visit* when they arrive at the same venue (facility or
pharmacy) within ``window_minutes`` of each other on the same day (for
day-resolution data: on the same day).  One meeting is chance; the staged
clinic's recruits (虚构诊疗) and the card collector's cards (职业收卡人) meet
on many days.  The projection keeps pairs that met on at least ``min_days``
distinct days.

Hubs are capped, not enumerated: each visit is paired with at most
``max_neighbours`` following arrivals at its venue, and at a busy venue-day
(more than ``busy_visits`` visits, a big hospital) with at most
``busy_neighbours``, so a busy day costs ``O(visits x busy_neighbours)``, not
``O(visits^2)``; a group that keeps arriving together still meets there.  Each meeting is
weighed by ``1 / log(5 + visits at that venue that day)`` (busy venue-days
count less, as in FRAUDAR's column weighting) and by how close the arrivals
were (``exp(-gap / 10 min)``, minute data only).

References
----------
Hooi et al., "FRAUDAR: Bounding Graph Fraud in the Face of Camouflage", KDD 2016.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graphfraud.params import check


@dataclass(frozen=True)
class Projection:
    """Weighted person-person co-visit pairs.

    Attributes
    ----------
    pairs : DataFrame
        ``a``, ``b`` (person codes, a < b), ``days`` (distinct days met),
        ``weight`` (sum over days of the day's best meeting weight).
    params : dict
        The parameters it was built with.
    stats : dict
        ``visits``, ``meetings`` (pair-days before filtering), ``pairs`` (kept),
        ``capped_days`` (venue-days where the neighbour cap cut pairs off).
    """

    pairs: pd.DataFrame
    params: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)


def check_params(window_minutes: int, max_neighbours: int, min_days: int) -> None:
    """Raise ParamError for a projection parameter out of range (every engine checks the same way)."""
    owner = "project_covisits"
    check(window_minutes >= 0, "window_minutes", owner, "an int >= 0", window_minutes)
    check(max_neighbours >= 1, "max_neighbours", owner, "an int >= 1", max_neighbours)
    check(min_days >= 1, "min_days", owner, "an int >= 1", min_days)


def meetings(
    visits: pd.DataFrame,
    *,
    window_minutes: int = 30,
    max_neighbours: int = 20,
    day_resolution: bool = False,
    busy_visits: int = 200,
    busy_neighbours: int = 4,
) -> pd.DataFrame:
    """All pair-day meetings: ``a``, ``b``, ``day``, ``weight`` (one row per pair and day, best weight).

    ``visits`` needs columns ``person``, ``venue``, ``minute``, ``day``.
    Rows are sorted by ``a``, ``b``, ``day``.
    """
    met = _pair_days(
        visits,
        window_minutes=window_minutes,
        max_neighbours=max_neighbours,
        day_resolution=day_resolution,
        busy_visits=busy_visits,
        busy_neighbours=busy_neighbours,
    )
    pair = met.keys // met.span
    return pd.DataFrame(
        {
            "a": pair // met.n_persons,
            "b": pair % met.n_persons,
            "day": met.keys % met.span + met.first_day,
            "weight": met.best,
        },
        copy=False,
    )


@dataclass(frozen=True)
class _PairDays:
    """Meetings packed as sorted ``keys = (a * n_persons + b) * span + day - first_day`` and each one's best weight."""

    keys: np.ndarray
    best: np.ndarray
    n_persons: int
    span: int
    first_day: int


def _pair_days(
    visits: pd.DataFrame,
    *,
    window_minutes: int,
    max_neighbours: int,
    day_resolution: bool,
    busy_visits: int,
    busy_neighbours: int,
) -> _PairDays:
    """The meetings of :func:`meetings`, still packed (no column per field)."""
    person = visits["person"].to_numpy()
    venue = visits["venue"].to_numpy()
    minute = visits["minute"].to_numpy()
    day = visits["day"].to_numpy()
    known = (person >= 0) & (venue >= 0)
    if not known.all():
        person, venue, minute, day = person[known], venue[known], minute[known], day[known]
    del known
    first_day = int(day.min()) if len(day) else 0
    span = int(day.max()) - first_day + 1 if len(day) else 1
    n_persons = int(person.max()) + 1 if len(person) else 1
    key = venue.astype(np.int64)  # the venue-day of each visit, made in place (a copy: venue is the graph's)
    del venue
    key *= span
    key += day if day.dtype.kind in "iu" else day.astype(np.int64)  # (an empty table's column is object)
    key -= first_day
    del day
    person, minute, key = _arrival_order(person, key, minute % 1440, n_persons)
    if n_persons <= np.iinfo(np.int32).max:  # half the bytes for the loop's gathers (pairs are made in int64)
        person = person.astype(np.int32)
    bounds = np.flatnonzero(np.r_[True, key[1:] != key[:-1], True])  # key is sorted: runs are venue-days
    counts = np.diff(bounds)
    per_visit = np.repeat(counts, counts)
    busy = (1.0 / np.log(5.0 + per_visit)).astype(np.float32)
    hub = per_visit > busy_visits
    del bounds, counts, per_visit
    keys: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    # a meeting's weight falls with the minutes between the arrivals (0 .. window_minutes, arrivals are sorted)
    decay = np.exp(-np.arange(max(window_minutes, 0) + 1) / 10.0).astype(np.float32)
    # Visits still in the running: the j-th next arrival is at the same venue-day within the
    # window.  Arrivals are sorted, so once one is out, every later one is out too: each pass
    # only looks at the survivors and the loop costs about one step per meeting.  A million
    # visits at a time, so that the passes' temporary arrays stay small beside the meetings.
    # One stamp per visit says both at once: its venue-day and minute, 2 days' minutes apart from one
    # venue-day to the next, so that two visits of different venue-days are always more than a day
    # (and so more than the window) apart; past the last visit, stamps no visit reaches.
    if day_resolution:
        reach, stamp = 0, key
    elif window_minutes < 1440:
        reach, stamp = window_minutes, key * 2880 + minute
    else:  # a window of a day or more: the venue-days apart by their own test, then the minutes of the day
        reach, stamp = None, key
    far = np.iinfo(np.int64).max
    stamp = np.r_[stamp, np.full(max_neighbours, far)]
    day_of = (key % span).astype(np.int32)  # the day, from first_day
    del key
    if reach is not None:
        minute = minute[:0]  # not needed any more
    for first in range(0, len(person) - 1, _VISIT_STEP):
        alive = np.arange(first, min(first + _VISIT_STEP, len(person) - 1))
        at = stamp[alive]
        for j in range(1, max_neighbours + 1):
            if j == busy_neighbours + 1:
                calm = ~hub[alive]
                alive, at = alive[calm], at[calm]
            nxt = alive + j
            there = stamp[nxt]
            if reach is None:
                ok = there == at
                gap = minute[np.minimum(nxt, len(person) - 1)] - minute[alive]
                ok &= gap <= window_minutes
            else:
                gap = there - at  # the minutes between them, when at the same venue-day
                ok = gap <= reach
            if not ok.all():
                alive, nxt, at, gap = alive[ok], nxt[ok], at[ok], gap[ok]
            if not len(alive):
                break
            a, b = person[alive], person[nxt]
            met = a != b
            if met.all():
                i = alive
            else:
                i, a, b, gap = alive[met], a[met], b[met], gap[met]
            if not len(i):  # only a person's own repeat visits
                continue
            w = busy[i]
            if not day_resolution:
                w = w * decay[gap]
            pair = np.minimum(a, b).astype(np.int64)
            pair *= n_persons
            pair += np.maximum(a, b)
            pair *= span
            pair += day_of[i]
            keys.append(pair)
            weights.append(w)
    del stamp, day_of, minute, busy, hub, person
    if not keys:
        return _PairDays(np.array([], dtype=np.int64), np.array([], dtype=np.float64), n_persons, span, first_day)
    pair_day, best = _best_per_key(keys, weights)
    return _PairDays(pair_day, best, n_persons, span, first_day)


def _arrival_order(
    person: np.ndarray, key: np.ndarray, minute_of_day: np.ndarray, n_persons: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Visits sorted by venue-day ``key``, then minute of day, then person.

    One ``np.sort`` of the three packed into an int64 (much faster than
    ``lexsort`` at millions of rows); falls back to ``lexsort`` when they do not fit.
    Returns (person, minute of day, key), sorted, as int64.  ``key`` (int64) is consumed: the packed
    values are built in it, in place.
    """
    if len(key) and int(key.max() + 1) * 1440 * n_persons < np.iinfo(np.int64).max:
        packed = key
        del key
        packed *= 1440
        packed += minute_of_day
        del minute_of_day
        packed *= n_persons
        packed += person
        packed.sort()
        person = packed % n_persons
        rest = np.floor_divide(packed, n_persons, out=packed)
        minute = rest % 1440
        return person, minute, np.floor_divide(rest, 1440, out=rest)
    order = np.lexsort((person, minute_of_day, key))  # pragma: no cover - huge worlds only
    return person[order], minute_of_day[order], key[order]


#: Weights are packed into the sort key with this many bits (resolution 1/4096 of the largest weight);
#: other engines quantise with the same WEIGHT_SCALE to give the same pairs.
_WEIGHT_BITS = 12
WEIGHT_SCALE = (1 << _WEIGHT_BITS) - 1


def _best_per_key(keys: list[np.ndarray], weights: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique keys and the largest weight of each, from pieces of keys (int64) and weights (float32).

    Packs a quantised weight into the low bits of each key so that one plain
    ``np.sort`` (vectorised, several times faster than ``argsort`` or hashing
    at tens of millions of rows) orders keys and puts each key's best weight
    last.  Keys too large to pack fall back to ``np.lexsort``.  The pieces are
    consumed (the lists are emptied, each piece packed in place and freed as it
    is copied): tens of millions of meetings are held once, at 8 bytes each,
    not as keys and weights and their concatenation beside them.
    """
    top = max(float(w.max()) for w in weights) or 1.0
    if max(int(k.max()) for k in keys) >= (np.iinfo(np.int64).max >> _WEIGHT_BITS):  # pragma: no cover - huge
        key, weight = np.concatenate(keys), np.concatenate(weights)  # only for tens of millions of persons
        keys.clear()
        weights.clear()
        q = np.rint(np.divide(weight, weight.dtype.type(top)) * WEIGHT_SCALE)
        order = np.lexsort((q, key))
        key, quantised = key[order], q[order].astype(np.int64)
        last = np.ones(len(key), dtype=bool)
        last[:-1] = key[1:] != key[:-1]
        return key[last], quantised[last].astype(np.float64) / WEIGHT_SCALE * top
    packed = np.empty(sum(len(k) for k in keys), dtype=np.int64)
    at = 0
    while keys:  # piece by piece, freeing each: at most one piece is held twice
        key, weight = keys.pop(0), weights.pop(0)
        q = np.divide(weight, weight.dtype.type(top), out=weight)  # as weight / top * scale, in place
        q *= WEIGHT_SCALE
        np.rint(q, out=q)
        np.left_shift(key, _WEIGHT_BITS, out=key)
        key |= q.astype(np.int32)  # exact: integer or, never through float64
        packed[at : at + len(key)] = key
        at += len(key)
        del key, weight, q
    packed.sort()  # in place: one array of the meetings' size
    quantised = np.empty(len(packed), dtype=np.uint16)  # WEIGHT_SCALE fits: 2 bytes a meeting, not 8
    for start in range(0, len(packed), _STEP):
        np.bitwise_and(packed[start : start + _STEP], WEIGHT_SCALE, out=quantised[start : start + _STEP],
                       casting="unsafe")  # fmt: skip
    key = np.right_shift(packed, _WEIGHT_BITS, out=packed)
    last = np.ones(len(key), dtype=bool)
    np.not_equal(key[1:], key[:-1], out=last[:-1])
    if not last.all():  # each key's last row, moved to the front of the same arrays: no second copy of them
        key, quantised = _compact(key, last), _compact(quantised, last)
    del last
    best = quantised.astype(np.float64)
    del quantised
    best /= WEIGHT_SCALE  # as quantised / WEIGHT_SCALE * top, in place: the same float64 operations
    best *= top
    return key, best


def _compact(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``values[keep]``, written over the front of ``values`` a slice at a time (a view of it is returned).

    The kept values of a slice never land past the slice's end (fewer are written than read), so each
    slice is read before it is written over.  ``values`` is changed.

    >>> v = np.arange(10)
    >>> _compact(v, v % 3 == 0).tolist()
    [0, 3, 6, 9]
    """
    filled = 0
    for start in range(0, len(values), _STEP):
        kept = values[start : start + _STEP][keep[start : start + _STEP]]
        values[filled : filled + len(kept)] = kept
        filled += len(kept)
    return values[:filled]


#: Visits paired per step of the projection's passes.
_VISIT_STEP = 1 << 20
#: Meetings per step of an elementwise pass that would otherwise make a temporary of their size.
_STEP = 1 << 22


def empty_pairs() -> pd.DataFrame:
    """The pairs table of a projection without pairs: ``a, b, days`` (int64), ``weight`` (float64)."""
    empty = np.array([], dtype=np.int64)
    return pd.DataFrame({"a": empty, "b": empty, "days": empty, "weight": np.array([], dtype=np.float64)})


def _aggregate_packed(met: _PairDays, *, min_days: int) -> pd.DataFrame:
    """Per pair of packed meetings: ``a, b, days`` (distinct days met), ``weight`` (sum); ``days >= min_days``.

    Works on the packed keys: no column per meeting is ever made.  ``met.keys``
    is consumed (overwritten by the pair of each meeting).  Most pairs meet on
    one day only: the meetings of pairs that cannot reach ``min_days`` are
    dropped first (keys are sorted, so a pair meets on ``min_days`` days or more
    exactly when some meeting's pair recurs ``min_days - 1`` rows later), and
    only the rest is grouped.
    """
    pair = np.floor_divide(met.keys, met.span, out=met.keys)
    if not len(pair):
        return empty_pairs()
    best = met.best
    reach = max(min_days, 1) - 1
    if reach and len(pair) > reach:
        starts = pair[:-reach] == pair[reach:]  # the meeting and the (min_days - 1)-th after it: one pair
        kept = np.zeros(len(pair), dtype=bool)
        for shift in range(reach + 1):  # every meeting of such a run
            kept[shift : shift + len(starts)] |= starts
        del starts
        rows = np.flatnonzero(kept)
        del kept
        pair, best = pair[rows], best[rows]
    elif reach:
        return empty_pairs()
    if not len(pair):
        return empty_pairs()
    start = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    days = np.diff(np.r_[start, len(pair)])
    weight = np.add.reduceat(best, start)
    keep = days >= min_days
    kept_pairs = pair[start][keep]
    return pd.DataFrame(
        {"a": kept_pairs // met.n_persons, "b": kept_pairs % met.n_persons, "days": days[keep], "weight": weight[keep]},
        copy=False,
    )


def project_covisits(
    visits: pd.DataFrame,
    *,
    window_minutes: int = 30,
    max_neighbours: int = 20,
    min_days: int = 3,
    day_resolution: bool = False,
    busy_visits: int = 200,
    busy_neighbours: int = 4,
) -> Projection:
    """Build the co-visit projection of ``visits``.

    Parameters
    ----------
    visits : DataFrame
        Columns ``person``, ``venue``, ``minute`` (since an epoch), ``day``
        (as made by :func:`graphfraud.graph.build.build_visits`).
    window_minutes : int, default 30
        Largest gap between two arrivals that counts as a meeting, minutes.
        Ignored with ``day_resolution`` (then the whole day is the window).
    max_neighbours : int, default 20
        Hub cap: each visit is paired with at most this many later arrivals
        at the same venue on the same day.
    min_days : int, default 3
        Keep pairs that met on at least this many distinct days.
    day_resolution : bool, default False
        The data carry dates only (all times at midnight).
    busy_visits : int, default 200
        A venue-day with more visits than this is a hub (a big hospital's day).
    busy_neighbours : int, default 4
        Hub cap at such venue-days: later arrivals each visit is paired with.

    Returns
    -------
    Projection

    Examples
    --------
    >>> v = pd.DataFrame({"person": [0, 1, 0, 1, 0, 1, 2], "venue": 0,
    ...                   "minute": [0, 2, 1440, 1443, 2880, 2881, 2990],
    ...                   "day": [0, 0, 1, 1, 2, 2, 2]})
    >>> p = project_covisits(v, min_days=3)
    >>> p.pairs[["a", "b", "days"]].values.tolist()
    [[0, 1, 3]]
    """
    check_params(window_minutes, max_neighbours, min_days)
    met = _pair_days(
        visits,
        window_minutes=window_minutes,
        max_neighbours=max_neighbours,
        day_resolution=day_resolution,
        busy_visits=busy_visits,
        busy_neighbours=busy_neighbours,
    )
    pairs = _aggregate_packed(met, min_days=min_days)
    params = {
        "window_minutes": window_minutes,
        "max_neighbours": max_neighbours,
        "min_days": min_days,
        "day_resolution": day_resolution,
        "busy_visits": busy_visits,
        "busy_neighbours": busy_neighbours,
    }
    stats = {"visits": int(len(visits)), "meetings": int(len(met.keys)), "pairs": int(len(pairs))}
    return Projection(pairs, params, stats)
