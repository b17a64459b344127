"""Cards swiped in batches at one pharmacy (成批刷卡: 村医/收卡人持多张医保卡在同一药店连续刷卡), with nothing else to tie them.

Targets a holder of other people's cards who swipes them at one shop, card after card: a 村医 who keeps his
牧业村's cards while the herders are on the summer pastures and turns them into dear pills at a 门诊统筹 shop in
the county town, a collector with a bag of cards.  Nobody meets, no doctor sends anyone, the cards' costs may be
the shop's ordinary trade, and where the export has no phone or address there is nothing to tie the cards but
how they reach the terminal: a customer comes on his own errand, at his own hour; a holder comes with his pool of
cards and swipes a handful of them minutes apart, again every week or two, a different handful of the same pool.

- A **run** is a venue's timed purchases each at most ``gap_minutes`` after the one before; a run of
  ``batch_cards`` or more different cards is a **batch** (a card's several settlements in one visit are one
  card).  A card's **day** at the venue is **batched** when a purchase of it that day was in a batch.
- A card is **swiped in batches** when it was batched on ``min_days`` days or more at the venue and on at least
  ``min_share`` of its days there: its owner rarely came alone.
- The venue's own rate (:func:`hourly_rates`): per hour of the day, the share of its **other customers'** days
  (cards not swiped in batches) batched in that hour: a rush hour batches many, a quiet hour few.  The venue is
  tested when its cards swiped in batches are unlikely under that rate, each card at the hours of its days there
  (Poisson tail <= ``max_chance``), and the rate gives at most :data:`graphfraud.detect.cards.SEED_CHANCE_SHARE`
  of them (a majority is its own pattern: a busy shop's regulars batched at its rush are not).
- A **roster** is no holder's handful (:func:`rosters`): a card whose companions in its batches overlap more
  than ``max_round`` from one batch to the next is fetched with the same cards each time (a carer buying a home's
  refills with every resident's card, 代配药; a household's cards), and is left out.
- The **pool**: the venue's other cards swiped in batches, linked when they were in one batch; a pool of
  ``min_cards`` cards or more, batched together on ``min_sessions`` days or more, is a candidate: its cards and
  their purchases at the venue.

Benign look-alikes it leaves alone: a family buying together (the same two to five cards each time: a roster,
and no pool of ``min_cards``), a pharmacy's rush hour (its customers batched at the venue's own rate in that
hour), a nursing home's refills bought with its residents' cards (a roster), a walk-in caught between a
holder's swipes (one day), a group check-up (at a facility: only pharmacy purchases are read), purchases of a
date-only export or venue (no time of day: switched off, never read as arrivals at midnight; ``run.json``
names the signal ``cardbatch`` off).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from graphfraud.detect import cards as cards_module
from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import ClaimGraph
from graphfraud.graph.events import distinct
from graphfraud.params import CardBatchParams
from graphfraud.stats import binom, poisson

NAME = "cardbatch"

#: What a candidate is typed: cards swiped without their holders (职业收卡人), whatever its claims' visit types.
TYPOLOGY = "card_collector"


def detect(graph: ClaimGraph, params: CardBatchParams = CardBatchParams(), *, seed: int = 0) -> list[Candidate]:
    """Candidates: one per pool of cards swiped in batches at one pharmacy beyond its own rate (see the module).

    Parameters
    ----------
    graph : ClaimGraph
    params : CardBatchParams, default CardBatchParams()
        ``gap_minutes`` (minutes), ``batch_cards``, ``min_days``, ``min_share``, ``max_chance``, ``max_round``,
        ``min_cards``, ``min_sessions``.
    seed : int, default 0
        Unused (no randomness); every detector takes it.

    Returns
    -------
    list of Candidate
        Detector :data:`NAME`, typed :data:`TYPOLOGY`; evidence ``flagged`` (the pool's cards), ``cards`` (the
        venue's), ``sessions`` (days the pool was batched together), ``runs``, ``batch_share`` (of the pool's
        purchases there), ``gap`` (their median minutes apart in a batch), ``round_share`` (the cards' median
        companion overlap), ``peer_rate`` (the other customers' batched share of days at the pool's hours),
        ``expected`` (cards swiped in batches the venue's rate gives) and ``chance``.

    Notes
    -----
    Off (no candidate) for a date-only export; the purchases of date-only venues of a mixed export are left out.

    Examples
    --------
    >>> from graphfraud.graph.build import build_graph
    >>> from graphfraud.synth import toy
    >>> detect(build_graph(toy.staged_clinic()[0]))  # a clinic's recruits: no pharmacy, no batch
    []
    """
    swipes = timed_purchases(graph)
    if swipes is None or not len(swipes):
        return []
    swipes["batched"] = batches(swipes, gap=params.gap_minutes, cards=params.batch_cards)
    swipes["hour"] = swipes["minute"] % (24 * 60) // 60
    days = card_days(swipes)
    cards = venue_cards(days)
    cards["flag"] = (cards["batched"] >= params.min_days) & (cards["batched"] >= params.min_share * cards["days"])
    out = []
    venue = cards["venue"].to_numpy()
    start = np.flatnonzero(np.r_[True, venue[1:] != venue[:-1]])  # cards are sorted by venue
    end = np.r_[start[1:], len(cards)]
    person, flag = cards["person"].to_numpy(dtype=np.int64), cards["flag"].to_numpy(dtype=bool)
    day_venue, swipe_venue = days["venue"].to_numpy(), swipes["venue"].to_numpy()  # both sorted by venue
    for i, expected, chance, p in venue_tests(days, cards, start, params):  # venues of min_cards flagged cards
        code = int(venue[start[i]])
        flagged = person[start[i] : end[i]][flag[start[i] : end[i]]]
        # beyond chance, and a majority beyond what the venue's rate gives (a rush hour's many regulars are not)
        if chance > params.max_chance or expected > cards_module.SEED_CHANCE_SHARE * len(flagged):
            continue
        at = days.iloc[np.searchsorted(day_venue, code) : np.searchsorted(day_venue, code, side="right")]
        bought = swipes.iloc[np.searchsorted(swipe_venue, code) : np.searchsorted(swipe_venue, code, side="right")]
        for pool in _pools(bought, flagged, params):  # (a slice per venue, not a pass over all)
            peer = float(pd.Series(p[np.isin(at["person"].to_numpy(), pool[0])]).mean())
            out.append(_candidate(code, pool, bought, int(end[i] - start[i]), peer, expected, chance, params))
    return out


def timed_purchases(graph: ClaimGraph) -> pd.DataFrame | None:
    """The timed pharmacy purchases: ``row`` (claim row), ``venue``, ``person`` (the card), ``minute``, ``day``,
    sorted by venue, minute and card; None for a date-only export."""
    if graph.day_resolution:
        return None
    v = graph.visits
    rows = np.flatnonzero((v.column("kind") == 1) & (v.column("person") >= 0))
    timed = graph.timed
    if timed is not None:
        rows = rows[timed[rows]]
    order = stable_order(*(v.column(c)[rows] for c in ("venue", "minute", "person")))
    rows = rows[order].astype(np.int64)
    del order
    columns = {c: v.column(c)[rows].astype(np.int64, copy=False) for c in ("venue", "person", "minute", "day")}
    return pd.DataFrame({"row": rows} | columns, copy=False)  # (the arrays as they are: no second copy)


def stable_order(*columns: np.ndarray) -> np.ndarray:
    """The order of a stable sort by ``columns`` (int arrays of one length, the first the most significant):
    ``DataFrame.sort_values(..., kind="stable")``'s, by one stable argsort of the columns packed into an int64
    (each from its minimum) and its position when they fit, else by ``np.lexsort``.

    >>> stable_order(np.array([2, 1, 2, 1]), np.array([0, 5, 0, 4])).tolist()
    [3, 1, 0, 2]
    """
    key = _packed(columns)
    if key is None:  # pragma: no cover - ranges past 2**63 together (not at a billion purchases)
        return np.lexsort(columns[::-1])
    n = len(key)
    if not n or (int(key.max()) + 1) * n >= 2**63:  # key and position do not fit together (or nothing to sort)
        return np.argsort(key, kind="stable")
    key *= n  # key and position packed in place: a plain sort gives the stable order
    key += np.arange(n)
    key.sort()
    return np.remainder(key, n, out=key)


def _packed(columns: tuple[np.ndarray, ...]) -> np.ndarray | None:
    """``columns`` (int arrays, the first the most significant) packed into one int64 key that sorts as they do,
    each taken from its minimum; None when their ranges together do not fit."""
    n = len(columns[0])
    key = np.zeros(n, dtype=np.int64)
    if not n:
        return key
    total = 1
    for column in columns:
        low, width = int(column.min()), int(column.max()) - int(column.min()) + 1
        total *= width
        if total >= 2**63:
            return None
        key *= width
        key += column
        key -= low
    return key


def card_days(swipes: pd.DataFrame) -> pd.DataFrame:
    """Per card's day at a venue of ``swipes`` (``venue``, ``person``, ``day``, ``batched``, ``hour``, sorted by
    venue and minute): ``venue, person, day``, ``batched`` (any of its purchases that day) and ``hour`` (of its
    first that day), sorted by venue, card and day; a ``groupby(["venue", "person", "day"]).agg(batched=any,
    hour=first)`` by one stable sort of packed keys.

    >>> s = pd.DataFrame({"venue": [1, 1, 1, 2], "person": [7, 5, 7, 5], "day": [0, 0, 0, 0],
    ...                   "batched": [False, False, True, True], "hour": [8, 9, 10, 8]})
    >>> card_days(s).values.tolist()
    [[1, 5, 0, False, 9], [1, 7, 0, True, 8], [2, 5, 0, True, 8]]
    """
    columns = tuple(swipes[c].to_numpy(dtype=np.int64) for c in ("venue", "person", "day"))
    order = stable_order(*columns)
    keys = [c[order] for c in columns]
    change = np.zeros(len(order), dtype=bool)
    change[:1] = True
    for k in keys:
        change[1:] |= k[1:] != k[:-1]
    start = np.flatnonzero(change)
    batched = swipes["batched"].to_numpy(dtype=bool)[order]
    first = order[start]
    del order
    return pd.DataFrame(
        {
            "venue": keys[0][start],
            "person": keys[1][start],
            "day": keys[2][start],
            "batched": np.logical_or.reduceat(batched, start) if len(start) else batched,
            "hour": swipes["hour"].to_numpy(dtype=np.int64)[first],
        },
        copy=False,
    )


def venue_cards(days: pd.DataFrame) -> pd.DataFrame:
    """Per card at a venue of ``days`` (:func:`card_days`, sorted by venue and card): ``venue, person``,
    ``days`` (its days there) and ``batched`` (of them batched), sorted by venue and card.

    >>> d = pd.DataFrame({"venue": [1, 1, 1], "person": [5, 5, 7], "batched": [True, False, True]})
    >>> venue_cards(d).values.tolist()
    [[1, 5, 2, 1], [1, 7, 1, 1]]
    """
    venue, person = days["venue"].to_numpy(dtype=np.int64), days["person"].to_numpy(dtype=np.int64)
    start = np.flatnonzero(np.r_[True, (venue[1:] != venue[:-1]) | (person[1:] != person[:-1])])
    start = start[start < len(venue)]
    batched = days["batched"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "venue": venue[start],
            "person": person[start],
            "days": np.diff(np.r_[start, len(venue)]),
            "batched": np.add.reduceat(batched, start) if len(start) else batched,
        }
    )


def batches(swipes: pd.DataFrame, *, gap: int, cards: int) -> np.ndarray:
    """Per purchase of ``swipes`` (sorted by venue and minute), whether it was in a run of ``cards`` or more
    different cards at its venue, each purchase at most ``gap`` minutes after the one before.

    >>> s = pd.DataFrame({"venue": [1, 1, 1, 1, 2], "person": [5, 6, 7, 8, 9], "minute": [0, 4, 9, 100, 101]})
    >>> batches(s, gap=10, cards=3).tolist()
    [True, True, True, False, False]
    >>> s = pd.DataFrame({"venue": [1, 1, 1, 1], "person": [5, 5, 6, 5], "minute": [0, 1, 2, 3]})
    >>> batches(s, gap=10, cards=3).tolist()  # one card's settlements and one other card: two cards
    [False, False, False, False]
    """
    if not len(swipes):
        return np.zeros(0, dtype=bool)
    venue, person, minute = (swipes[c].to_numpy(dtype=np.int64) for c in ("venue", "person", "minute"))
    link = (venue[1:] == venue[:-1]) & (minute[1:] - minute[:-1] <= gap)
    run = np.concatenate([[0], np.cumsum(~link)])
    long = np.bincount(run)[run] >= cards  # a run of fewer purchases holds fewer cards: most runs are one
    run, person = run[long], person[long]
    out = np.zeros(len(long), dtype=bool)
    if not len(run):
        return out
    low, width = int(person.min()), int(person.max()) - int(person.min()) + 1
    if (int(run[-1]) + 1) * width < 2**63:  # each (run, card) once, by one sort of packed keys
        size = np.bincount(distinct(run * width + (person - low)) // width)
    else:  # pragma: no cover - ranges past 2**63 together
        size = np.bincount(pd.DataFrame({"run": run, "person": person}).drop_duplicates()["run"].to_numpy())
    out[long] = size[run] >= cards
    return out


#: Days of cards (rows of :func:`card_days`) :func:`venue_tests` tests at a time, whole venues each (its arrays of
#: one such block, not of every day at once: a few megabytes at ten million claims).
BLOCK_DAYS = 1 << 18


def venue_tests(
    days: pd.DataFrame, cards: pd.DataFrame, start: np.ndarray, params: CardBatchParams, *, block: int = BLOCK_DAYS
) -> list[tuple[int, float, float, np.ndarray]]:
    """The chance test of each venue with ``min_cards`` flagged cards or more, many venues at once: per such venue,
    its index in ``start`` (the venues' first rows in ``cards``), the flagged cards its other customers'
    :func:`hourly_rates` give (``expected``), the chance of its flagged cards under them, and the rate of each of
    its days (``p``, in the order of its rows of ``days``).

    ``days`` (:func:`card_days`) and ``cards`` (:func:`venue_cards`, with ``flag``) are sorted by venue and card.
    The venues are taken in blocks of about ``block`` days.  A card's rate is the mean of its days' (pandas' group
    mean, in the days' order), and ``expected`` the sum of the venue's own cards' binomial tails: the same
    numbers, bit for bit, as computed venue by venue.
    """
    flag = cards["flag"].to_numpy(dtype=bool)
    n = cards["days"].to_numpy(dtype=np.int64)
    stop = np.r_[start[1:], len(cards)]
    proven = np.add.reduceat(flag.astype(np.int64), start) >= params.min_cards
    if not proven.any():
        return []
    first_day = np.r_[0, np.cumsum(n)]  # per card, its first row in days (and the end)
    part = first_day[start] // max(block, 1)  # the block of each venue: whole venues, ascending
    out = []
    for lo, hi in zip(*_runs(part)):
        if proven[lo:hi].any():
            out.extend(_block_tests(days, flag, n, start[lo:hi], stop[lo:hi], proven[lo:hi], first_day, lo, params))
    return out


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first and end positions of the runs of equal values."""
    first = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    return first, np.r_[first[1:], len(values)]


def _block_tests(days: pd.DataFrame, flag: np.ndarray, n: np.ndarray, start: np.ndarray, stop: np.ndarray,
                 proven: np.ndarray, first_day: np.ndarray, offset: int, params: CardBatchParams
                 ) -> list[tuple[int, float, float, np.ndarray]]:  # fmt: skip
    """:func:`venue_tests` of the consecutive venues of ``start`` / ``stop`` (their cards' rows), the first of
    them venue ``offset``."""
    c0, c1 = int(start[0]), int(stop[-1])
    d0, d1 = int(first_day[c0]), int(first_day[c1])
    flag, n = flag[c0:c1], n[c0:c1]
    start, stop = start - c0, stop - c0
    venue_of_card = np.repeat(np.arange(len(start)), stop - start)
    card = np.repeat(np.arange(c1 - c0), n)
    kept = proven[venue_of_card][card]  # the days of the proven venues' cards
    card = card[kept]
    vi, hour = venue_of_card[card], days["hour"].to_numpy(dtype=np.int64)[d0:d1][kept]
    batched = days["batched"].to_numpy(dtype=np.float64)[d0:d1][kept]
    p = hourly_rates(vi, hour, batched, ~flag[card], len(start))[vi, hour]
    del vi, hour, batched
    mean = pd.Series(p).groupby(card, sort=True).mean().to_numpy()  # per kept card, in the cards' order
    mine = np.flatnonzero(proven[venue_of_card])
    need = np.maximum(params.min_days, np.ceil(params.min_share * n[mine])).astype(np.int64)
    tail = binom.sf(need - 1, n[mine], mean)
    first_card, first_kept = np.searchsorted(mine, start), np.searchsorted(card, start)
    out = []
    for i in np.flatnonzero(proven).tolist():
        k, held = int(stop[i] - start[i]), int(n[start[i] : stop[i]].sum())
        expected = float(np.array(tail[first_card[i] : first_card[i] + k]).sum())  # (its own array, as alone)
        chance = float(poisson.sf(int(flag[start[i] : stop[i]].sum()) - 1, expected))
        out.append((offset + i, expected, chance, p[first_kept[i] : first_kept[i] + held].copy()))
    return out


def hourly_rates(
    venue: np.ndarray, hour: np.ndarray, batched: np.ndarray, other: np.ndarray, venues: int
) -> np.ndarray:
    """Per venue and hour of the day (``venues`` x 24), the share of each venue's other customers' days there
    (``other``: of cards not flagged) that were batched in that hour (a rush hour batches many, a quiet hour
    few); an hour without such days takes the venue's share over the day.  Never zero: half a day of those
    counted.  ``venue`` (0 .. ``venues`` - 1), ``hour`` and ``batched`` (0 or 1) are per day of a card at a venue.

    >>> hour, batched = np.array([8, 8, 8, 8, 15, 15, 15, 15]), np.array([1, 1, 1, 0, 0, 0, 0, 1.0])
    >>> r = hourly_rates(np.zeros(8, dtype=int), hour, batched, np.array([True] * 7 + [False]), 1)
    >>> float(r[0, 8]), float(r[0, 15]), float(r[0, 3])
    (0.75, 0.16666666666666666, 0.42857142857142855)
    """
    venue, hour, batched = venue[other], hour[other], batched[other]
    cell = venue * 24 + hour
    size = np.bincount(cell, minlength=venues * 24).astype(np.float64).reshape(venues, 24)
    hits = np.bincount(cell, weights=batched, minlength=venues * 24).reshape(venues, 24)
    total = np.maximum(size.sum(axis=1), 1)  # (counts: whole numbers, exact in floats)
    overall = np.maximum(hits.sum(axis=1) / total, 0.5 / total)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate: np.ndarray = np.where(size > 0, np.maximum(hits, 0.5) / size, overall[:, None])
    return rate


def _candidate(venue: int, pool: tuple[np.ndarray, int, int, float], at: pd.DataFrame, cards: int, peer: float,
               expected: float, chance: float, params: CardBatchParams) -> Candidate:  # fmt: skip
    """The candidate of one pool of a venue's cards: its cards and their purchases there (``at``)."""
    members, sessions, runs, rounds = pool
    mine = at[at["person"].isin(members).to_numpy()]
    batched = mine[mine["batched"].to_numpy()]
    gaps = batched.groupby("day")["minute"].diff().dropna()
    evidence = {
        "headline": "batch_cards",
        "typology": TYPOLOGY,
        "venue": venue,
        "flagged": int(len(members)),
        "cards": cards,
        "sessions": sessions,
        "runs": runs,
        "round_share": rounds,
        "batch_share": float(len(batched)) / max(len(mine), 1),
        "gap": float(gaps[gaps <= params.gap_minutes].median()) if len(gaps) else float("nan"),
        "peer_rate": peer,
        "expected": expected,
        "chance": chance,
        "batch_cards": params.batch_cards,
        "gap_minutes": params.gap_minutes,
    }
    claims = np.sort(mine["row"].to_numpy(dtype=np.int64))
    return Candidate(NAME, np.sort(members), claims, evidence, params.__dict__.copy())


def _pools(at: pd.DataFrame, flagged: np.ndarray, params: CardBatchParams) -> list[tuple[np.ndarray, int, int, float]]:
    """The pools of one venue's purchases ``at``: its ``flagged`` cards but a roster's (:func:`rosters`), linked
    by the batches they shared, each with the days and batches it was batched together on and its cards' median
    companion overlap; those of ``min_cards`` cards and ``min_sessions`` days or more."""
    person, minute = at["person"].to_numpy(dtype=np.int64), at["minute"].to_numpy(dtype=np.int64)
    run = np.concatenate([[0], np.cumsum(minute[1:] - minute[:-1] > params.gap_minutes)])
    inside = at["batched"].to_numpy() & np.isin(person, flagged)
    held = pd.DataFrame({"run": run[inside], "person": person[inside], "day": at["day"].to_numpy()[inside]})
    held = held.drop_duplicates(["run", "person"])
    overlap = rosters(held)
    held = held[(overlap.reindex(held["person"]).to_numpy() <= params.max_round)]
    held = held[held.groupby("run")["person"].transform("size").to_numpy() >= 2]  # batched with another card
    if not len(held):
        return []
    cards, node = np.unique(held["person"].to_numpy(), return_inverse=True)
    first = held.groupby("run")["person"].transform("first").to_numpy()
    links = coo_matrix((np.ones(len(node)), (node, np.searchsorted(cards, first))), shape=(len(cards), len(cards)))
    _, label = connected_components(links, directed=False)
    out = []
    for pool in range(int(label.max()) + 1):
        members = cards[label == pool]
        mine = held[np.isin(held["person"].to_numpy(), members)]
        sessions, runs = int(mine["day"].nunique()), int(mine["run"].nunique())
        if len(members) >= params.min_cards and sessions >= params.min_sessions:
            out.append((members.astype(np.int64), sessions, runs, float(overlap.reindex(members).median())))
    return out


def rosters(held: pd.DataFrame) -> pd.Series:
    """Per card of ``held`` (``run``, ``person``: the batches each card was in), how much its companions repeat:
    the median, over its consecutive batches, of the overlap (Jaccard) of the other cards batched with it.

    A round fetches one roster each time (a carer with a home's cards, a household's cards together): a card's
    companions are mostly the same from one batch to the next.  A holder draws a handful of his pool each time:
    a card meets others.  A card in one batch has nothing to compare: 0.

    >>> held = pd.DataFrame({"run": [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4],
    ...                      "person": [1, 2, 3, 1, 2, 3, 7, 8, 9, 7, 10, 11]})
    >>> rosters(held).to_dict()
    {1: 1.0, 2: 1.0, 3: 1.0, 7: 0.0, 8: 0.0, 9: 0.0, 10: 0.0, 11: 0.0}
    """
    held = held[["run", "person"]].sort_values(["person", "run"], kind="stable")
    held = held.assign(k=held.groupby("person").cumcount())
    mates = held.merge(held[["run", "person"]].rename(columns={"person": "mate"}), on="run")
    mates = mates[mates["person"] != mates["mate"]]
    size = mates.groupby(["person", "k"]).size()
    ahead = mates.assign(k=mates["k"] - 1)  # each batch's companions, set beside those of the card's batch before
    both = mates.merge(ahead, on=["person", "k", "mate"]).groupby(["person", "k"]).size()
    pairs = size.to_frame("a").join(size.rename("b").rename(lambda k: k - 1, level="k"), how="inner")
    pairs["both"] = both.reindex(pairs.index).fillna(0).to_numpy()
    pairs["overlap"] = pairs["both"] / (pairs["a"] + pairs["b"] - pairs["both"])
    out = pairs.groupby(level="person")["overlap"].median()
    return out.reindex(np.unique(held["person"].to_numpy()), fill_value=0.0).rename("overlap")
