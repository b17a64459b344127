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
    days = swipes.groupby(["venue", "person", "day"], sort=True).agg(batched=("batched", "any"), hour=("hour", "first"))
    days = days.reset_index()
    cards = days.groupby(["venue", "person"], sort=True).agg(days=("day", "size"), batched=("batched", "sum"))
    cards = cards.reset_index()
    cards["flag"] = (cards["batched"] >= params.min_days) & (cards["batched"] >= params.min_share * cards["days"])
    out = []
    proven = cards[cards.groupby("venue")["flag"].transform("sum") >= params.min_cards]
    day_venue, swipe_venue = days["venue"].to_numpy(), swipes["venue"].to_numpy()  # both sorted by venue
    for venue, mine in proven.groupby("venue", sort=True):
        at = days.iloc[np.searchsorted(day_venue, venue) : np.searchsorted(day_venue, venue, side="right")]
        bought = swipes.iloc[np.searchsorted(swipe_venue, venue) : np.searchsorted(swipe_venue, venue, side="right")]
        out.extend(_venue(int(venue), mine, at, bought, params))  # (a slice per venue, not a pass over all)
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
    frame = pd.DataFrame(
        {
            "row": rows.astype(np.int64),
            "venue": v.column("venue")[rows].astype(np.int64),
            "person": v.column("person")[rows].astype(np.int64),
            "minute": v.column("minute")[rows].astype(np.int64),
            "day": v.column("day")[rows].astype(np.int64),
        }
    )
    return frame.sort_values(["venue", "minute", "person"], kind="stable", ignore_index=True)


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
    distinct = pd.DataFrame({"run": run, "person": person}).drop_duplicates()
    size = np.bincount(distinct["run"].to_numpy(), minlength=int(run[-1]) + 1)
    return size[run] >= cards


def _venue(venue: int, cards: pd.DataFrame, days: pd.DataFrame, at: pd.DataFrame,
           params: CardBatchParams) -> list[Candidate]:  # fmt: skip
    """The candidates of one venue: its cards (``cards``: card, days, batched, flag), their days there (``days``:
    card, day, batched, hour) and its purchases (``at``)."""
    flagged = cards.loc[cards["flag"], "person"].to_numpy(dtype=np.int64)
    rate = hourly_rates(days, np.isin(days["person"].to_numpy(), flagged))
    days = days.assign(p=rate[days["hour"].to_numpy()])
    p = days.groupby("person", sort=True)["p"].mean().reindex(cards["person"]).to_numpy()
    n = cards["days"].to_numpy(dtype=np.int64)
    need = np.maximum(params.min_days, np.ceil(params.min_share * n)).astype(np.int64)
    expected = float(binom.sf(need - 1, n, p).sum())
    chance = float(poisson.sf(len(flagged) - 1, expected))
    # beyond chance, and a majority beyond what the venue's rate gives (a rush hour's many regulars are not)
    if chance > params.max_chance or expected > cards_module.SEED_CHANCE_SHARE * len(flagged):
        return []
    found = []
    for pool in _pools(at, flagged, params):
        members = pool[0]
        peer = float(days.loc[np.isin(days["person"].to_numpy(), members), "p"].mean())
        found.append(_candidate(venue, pool, at, len(cards), peer, expected, chance, params))
    return found


def hourly_rates(days: pd.DataFrame, flagged: np.ndarray) -> np.ndarray:
    """Per hour of the day (24 values), the share of one venue's other customers' days there (``days`` not
    ``flagged``) that were batched in that hour (a rush hour batches many, a quiet hour few); an hour without
    such days takes the venue's share over the day.  Never zero: half a day of those counted.

    >>> d = pd.DataFrame({"hour": [8, 8, 8, 8, 15, 15, 15, 15], "batched": [1, 1, 1, 0, 0, 0, 0, 1]})
    >>> r = hourly_rates(d, np.array([False] * 7 + [True]))
    >>> float(r[8]), float(r[15]), float(r[3])
    (0.75, 0.16666666666666666, 0.42857142857142855)
    """
    other = days[~flagged]
    hour = other["hour"].to_numpy(dtype=np.int64)
    batched = other["batched"].to_numpy(dtype=np.float64)
    total = max(len(other), 1)
    overall = max(float(batched.sum()) / total, 0.5 / total)
    size = np.bincount(hour, minlength=24).astype(np.float64)
    hits = np.bincount(hour, weights=batched, minlength=24)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(size > 0, np.maximum(hits, 0.5) / size, overall)
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
