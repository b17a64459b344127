"""Cards billed far above their own pattern (刷卡异常：卡均费用畸高): an institution's collected cards, without a hard flag.

Targets the card schemes whose cards carry no hard flag (:mod:`graphfraud.detect.cards`: no
death, no collector's phone): a clinic or pharmacy chain that swipes a few of a
collector's cards a session (收卡/空刷), a chain's shops selling daily goods billed
as tonics on employees' cards every few weeks (药店串换/套现), a village doctor
keying infusions on the cards he keeps (村医代保管医保卡).  The cards are real
people's, billed one at a time, so nobody meets; what the scheme cannot hide is
the **money on each card**: to be worth the trouble, each swipe bills far more
than the holder's own care costs, again and again.

Every claim's cost is taken relative to the usual cost of its kind: the median
``total_amount`` of the claims of the same visit type and diagnosis (without a
diagnosis: the same visit type) at institutions of the same peer group
(facility kind and level, the kind at any level where fewer than three share
the level; pharmacies one group).  A dialysis session, a chemotherapy day,
a month of clotting factor cost what such claims cost, so a chronic patient's
expensive regimen is ordinary here.  A card is **loaded** at an institution when

- it was billed there ``min_claims`` times or more at ``ratio`` times the usual
  cost of the claim's kind or more (a one-off expensive visit, or two with
  examinations, is ordinary), and
- its claims there cost, typically (median), at least ``ratio`` times
  the usual cost of their kind, **and** ``ratio`` times what the same card's
  claims elsewhere cost relative to theirs (the card's own pattern: a patient
  whose care is expensive everywhere is not loaded anywhere).

An institution (a facility, or a pharmacy chain: :func:`graphfraud.detect.cards.institutions`)
is a candidate when at least ``min_cards`` of its cards are loaded and that
many is unlikely (binomial tail <= ``max_chance``) under the rate of loaded
cards at the other institutions of its peer group: every clinic has a few
patients on an expensive regimen, a collector's clinic has dozens of cards
billed at ten times their worth.  And the loaded cards must be its business:
what their claims there cost above the usual cost of their kind is at least
``min_share`` of all the institution billed.  A collector's clinic or a
cash-out shop lives off the swiped cards; a large hospital's few dozen dear
patients pass the chance test among tens of thousands of cards at a rate a few
times its peers', and are a sliver of what it bills.  And (step 106, ``own_ratio``)
the loaded cards must be dear against the institution's own other cards too
(:func:`_own_lift`): a 民族药 shop whose every customer buys dear pills has regulars
loaded against drugstores without that trade, but they cost what its walk-ins
cost: its clientele.  And (step 144, ``clientele_ratio``) each loaded card, and each
card billed the same way, must be so too (:func:`_clientele_cards`): a 民族医院 proven
by a hundred phantom courses keeps its regulars out.  The clientele (step 157, ``session_minutes``)
leaves out the cards swiped in the kept cards' sessions (:func:`session_cards`): a collector's
cards billed too few times to be loaded are his, not his clinic's trade.  The candidate is the
institution's loaded cards and their claims there.

Benign look-alikes it leaves alone: expensive chronic care (the claim's cost
is judged against claims of its own diagnosis, and against the card's own
claims elsewhere), a large hospital's many expensive patients (its peers of the
same kind have them too: the chance test), a patient's single costly visit
(``min_claims``), a large hospital's handful of them (``min_share``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from graphfraud.stats import binom

from graphfraud.detect import cards, cardsets
from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import ClaimGraph, code_index, rows_of
from graphfraud.io.arrow import dense_codes, row_positions
from graphfraud.params import CardLoadParams

#: Its candidates are card-misuse rings of one institution, scored and merged as those of :mod:`cards`.
NAME = "cardload"

#: The name :func:`run_costs` keeps the run's claim costs under on the graph (``ClaimGraph.shared``).
COSTS = "relative_cost"

#: Claims looked at a slice at a time where a pass over every claim would make temporaries of every claim.
_ROWS_AT_ONCE = 1 << 20

#: Fewest institutions of one kind and level that are each other's peers; fewer: the kind at any level.
MIN_PEERS = 3

#: Claims the usual costs are taken from, at most about (every k-th claim of a larger table).
SAMPLE_CLAIMS = 1_000_000

#: Fewest claims of a kind (peer group, visit type, diagnosis) whose median is its usual cost; fewer: the
#: kind's visit type without the diagnosis.
MIN_KIND_CLAIMS = 20


#: Step 95: a collector's linked shops are one candidate (:func:`_collector_shops`; with ``CardLoadParams.spread``).
COLLECTOR_SHOPS = True

#: Fewest dear claims of a card billed the same way as the loaded cards (:func:`_joins`): billed dear again, not once.
REPEATED = 2

#: Step 157: least share of a clientele card's timed claims at the institution billed in the kept cards' sessions
#: (:func:`session_cards`) for it to be the ring's own: most of them.
SESSION_SHARE = 0.5


def detect(graph: ClaimGraph, params: CardLoadParams = CardLoadParams(), *, seed: int = 0) -> list[Candidate]:
    """Candidates: one per institution (facility, or pharmacy chain) with loaded cards beyond chance, (step 127)
    one per set of pharmacies a collector spreads cheap baskets over (:func:`spread_sets`), and (step 136) one per
    operator's set of large hospitals his cards are prescribed dear at (:func:`graphfraud.detect.cardsets.hospital_sets`)."""
    out = _loaded(graph, params)
    if not len(graph.visits.table):
        return out
    if params.spread_shops:
        # the cards and shops a collector's shops candidate (step 95) holds already are left to it
        held = [c for c in out if c.evidence.get("institutions")]
        taken = np.unique(np.concatenate([c.persons for c in held])) if held else np.zeros(0, dtype=np.int64)
        out = out + _spread_candidates(graph, params, taken)
    if params.hospitals:
        out = out + _hospital_candidates(graph, params)
    return out


def _loaded(graph: ClaimGraph, params: CardLoadParams) -> list[Candidate]:
    """The loaded cards' candidates (steps 27-125): one per institution, and one per collector's linked shops."""
    t = graph.visits.table
    if not len(t):
        return []
    unit, kind = cards.institutions(graph)
    group = peer_groups(graph, unit, kind)
    venue = t["venue"].to_numpy()
    # first, and the claims' peer groups as int32 (codes of venues): its temporaries are the stage's peak memory
    excess = run_costs(graph, group.astype(np.int32)[venue])
    person = t["person"].to_numpy().astype(np.int64)
    u = unit[venue]
    ok = (person >= 0) & np.isfinite(excess)
    if not ok.any():
        return []
    # a card is judged only if it has a dear claim (loaded: min_claims of them at one institution; billed the
    # same way: typically dear there): the rest are counted, not judged
    dear = np.bincount(person[ok & (excess >= np.log(params.ratio))], minlength=int(person.max()) + 1)
    some = dear >= 1  # (per card: a per-claim gather of bools, not of counts, 70 MB less)
    rows = np.flatnonzero(ok & some[np.maximum(person, 0)])
    shop = kind[u] == cards.PHARMACIES
    # the cards billed at any pharmacy: the chance two shops share a card typically dear at each (step 84)
    holders = int(np.count_nonzero(np.bincount(person[ok & shop], minlength=int(person.max()) + 1)))
    per = loaded_cards(u[rows], person[rows], excess[rows], params, pooled=shop[rows], holders=holders)
    del shop
    by_unit = pd.DataFrame({"cards": _cards_per_unit(cards.run_uses(graph, u), ok)})
    by_unit = by_unit[by_unit["cards"] > 0]
    by_unit["flagged"] = per.groupby("unit")["loaded"].sum().reindex(by_unit.index).fillna(0).astype(np.int64)
    by_unit["same"] = per.groupby("unit")["same"].sum().reindex(by_unit.index).fillna(0).astype(np.int64)
    by_unit["spread"] = per.groupby("unit")["spread"].sum().reindex(by_unit.index).fillna(0).astype(np.int64)
    by_unit["group"] = group[by_unit.index.to_numpy()]
    rate, tail, proven = _proven(by_unit, params)
    if proven.empty:
        return []
    share = _excess_share(u, person, excess, ok, rows, per, proven.index, graph)
    joins = _joins(by_unit, proven.index, params)
    counted = proven.index  # proven by their count: their loaded cards are judged against their clientele below
    proven = proven[share.reindex(proven.index).to_numpy() >= params.min_share]
    if params.own_ratio > 1 and not proven.empty:
        # step 106: the loaded cards must be dear against what the institution's other cards cost there too
        proven = proven[_own_lift(u, person, excess, ok, per, proven.index).to_numpy() >= np.log(params.own_ratio)]
    if params.clientele_ratio > 1:
        # step 144: and each loaded card, and each card billed the same way, dear against its clientele (also at a
        # shop step 106 or the share left out: its loaded cards are no collector's to a linked shops' set, step 95;
        # a large hospital the share left out is not read again)
        judged = proven.index.union(counted[kind[counted.to_numpy()] == cards.PHARMACIES])
        cheap = _clientele_cards(u, person, excess, ok, per, judged, params.clientele_ratio)
        if cheap.any() and params.session_minutes > 0:
            # step 157: the clientele without the cards swiped in the kept cards' sessions (the ring's own), again
            aside = session_cards(graph, u, person, ok, per, cheap, judged, params.session_minutes)
            if len(aside):
                cheap = _clientele_cards(u, person, excess, ok, per, judged, params.clientele_ratio, aside=aside)
        if cheap.any():
            per = per.assign(loaded=per["loaded"].to_numpy() & ~cheap, same=per["same"].to_numpy() & ~cheap)
            if not proven.empty:
                kept = per[per["loaded"]].groupby("unit").size().reindex(proven.index).fillna(0).to_numpy()
                share = _excess_share(u, person, excess, ok, rows, per, proven.index, graph)
                keep = (kept >= params.min_cards) & (share.reindex(proven.index).to_numpy() >= params.min_share)
                proven = proven[keep]
    if proven.empty:
        return []
    joined = per["same"] & per["unit"].isin(joins.index[joins["join"].to_numpy()])
    hit = per[(per["loaded"] | joined) & per["unit"].isin(proven.index)]
    # step 95: a collector's linked shops are one candidate, holding the cards he spreads over them; the shops'
    # own candidates keep their other cards (a chain's cash-out at one of them)
    shops = _collector_shops(per, holders, proven.index, params)
    taken = {code: np.unique(np.concatenate([m for q, m in shops if code in q])) for q, _ in shops for code in q}
    out = []
    at_unit = code_index(u[rows])  # the judged rows by institution, indexed once (not a pass over them per code)
    for code, mine in hit.groupby("unit"):
        if code in taken:
            mine = mine[~np.isin(mine["person"].to_numpy(dtype=np.int64), taken[code])]
            k = int(mine["loaded"].sum())
            if k < params.min_cards or binom.sf(k - 1, int(by_unit.at[code, "cards"]), rate[code]) > params.max_chance:
                continue  # what is left is no more than its peers' rate
        members = np.sort(mine["person"].to_numpy(dtype=np.int64))
        same = np.isin(members, mine.loc[mine["same"], "person"].to_numpy(dtype=np.int64))
        at = rows[rows_of(*at_unit, np.array([code]))]
        claims = np.sort(at[np.isin(person[at], members)])
        loaded = mine[mine["loaded"]]
        lift = float(np.exp(np.median(loaded["lift"].to_numpy())))
        gains = _gains(claims, person, excess, members, graph)
        out.append(
            Candidate(
                NAME,
                members,
                claims.astype(np.int64),
                {
                    "headline": "card_load",
                    "flagged": int(len(loaded)),
                    "cards": int(proven.at[code, "cards"]),
                    "peer_rate": float(rate[code]),
                    "chance": float(tail[code]),
                    "share": float(share[code]),
                    "card_ratio": lift,
                    "times": float(np.median(loaded["dear"].to_numpy())),
                    # per member: billed there the same way (typically dear), fewer than min_claims times; not loaded
                    "same": same,
                    "joined": int(same.sum()),
                    # per member: loaded on its dear purchases here and at other pharmacies together (a spread card)
                    "spread": np.isin(members, mine.loc[mine["spread"], "person"].to_numpy(dtype=np.int64)),
                    "joined_rate": float(joins.at[code, "rate"]) if code in joins.index else float("nan"),
                    "joined_chance": float(joins.at[code, "tail"]) if code in joins.index else float("nan"),
                    "min_claims": params.min_claims,
                    "ratio": params.ratio,
                    # per member: its claims' cost above the usual (the share's numerator, card by card), and all
                    # the institution billed: a part of the cards can be judged on its own (score.rings.beside_steering)
                    "gains": gains,
                    "billed": float(gains.sum() / share[code]) if share[code] > 0 else float("nan"),
                },
                params.__dict__.copy(),
            )
        )
    if shops:
        # the rows at any collector's shops, once: each candidate's are among them, in the same order
        at_shops = np.unique(np.concatenate([np.asarray(q, dtype=np.int64) for q, _ in shops]))
        near = rows[np.isin(u[rows], at_shops)]
        billable = np.flatnonzero(ok & np.isin(u, at_shops))
        total = pd.to_numeric(graph.data.claims["total_amount"], errors="coerce").to_numpy(dtype=float)
        # and each of them, and the judged pairs, by institution: a candidate takes its shops' (no pass per candidate)
        index = (code_index(per["unit"].to_numpy(dtype=np.int64)), code_index(u[near]), code_index(u[billable]))
    for units, members in shops:
        out.append(
            _collector_candidate(
                units, members, per, by_unit, rate, tail, near, u, person, excess, billable, total, graph, params,
                index=index,
            )
        )  # fmt: skip
    return out


def spread_sets(
    unit: np.ndarray, card: np.ndarray, excess: np.ndarray, params: CardLoadParams
) -> list[tuple[tuple[int, ...], np.ndarray, np.ndarray, float, float]]:
    """Step 127: sets of pharmacies one collector spreads cheap baskets over, from pharmacy claims (institution
    ``unit``, ``card``, log cost over the usual ``excess``, all finite): ``(units, seeds, members, expected, tail)``.

    A card is a **seed** when it was billed ``min_claims`` times or more at each of ``spread_shops`` institutions
    or more, typically (median) ``spread_ratio`` times the usual cost of such purchases at each: an ordinary buyer
    has one or two shops and buys what such purchases cost; a collector's card carries his basket at each of his
    shops.  A set (the institutions its seeds are so billed at, exactly) holds ``min_cards`` seeds or more, a number
    unlikely by chance (binomial tail <= ``max_chance``) if each card were billed so at each shop independently at
    that shop's own rate of such cards (``expected``: the count chance gives).  Its members are its seeds and the
    cards billed twice or more at two or more of its shops, typically ``spread_ratio`` times the usual at each.
    Sets are taken by the most seeds first, a card in one set only.

    >>> u = np.r_[np.repeat(np.tile([0, 1, 2], 6), 3), np.arange(600) % 3]  # six cards, three purchases at each
    >>> c = np.r_[np.repeat(np.arange(6), 9), np.arange(6, 606)]  # of three shops; 600 buyers of one purchase
    >>> x = np.r_[np.full(54, np.log(3.0)), np.zeros(600)]  # the six at 3x the usual cost
    >>> [(s, m.tolist()) for s, _, m, _, _ in spread_sets(u, c, x, CardLoadParams())]
    [((0, 1, 2), [0, 1, 2, 3, 4, 5])]
    >>> spread_sets(u, c, x, CardLoadParams(spread_ratio=4.0))  # their baskets under the ratio: no seed
    []
    """
    if not params.spread_shops or not len(unit):
        return []
    per = pair_medians(card, unit, excess)
    holders = int(per["p"].nunique())
    dear = per["median"].to_numpy() >= np.log(params.spread_ratio)
    such = per[dear & (per["size"].to_numpy() >= params.min_claims)]
    rate = such.groupby("u").size() / max(holders, 1)  # each shop's own rate of such cards (its collector's too)
    seeds = such[such.groupby("p")["u"].transform("size").to_numpy() >= params.spread_shops]
    if seeds.empty:
        return []
    sets = seeds.groupby("p")["u"].apply(lambda s: tuple(int(x) for x in s))
    twice = per[dear & (per["size"].to_numpy() >= 2)]
    found = []
    for shops, mine in sets.groupby(sets):
        k = len(mine)
        if k < params.min_cards:
            continue
        p = float(np.prod(rate.reindex(list(shops)).to_numpy()))
        tail = float(binom.sf(k - 1, holders, p))
        if tail > params.max_chance:
            continue
        at = twice[twice["u"].isin(shops)]
        n = at.groupby("p").size()
        members = np.union1d(n.index[n.to_numpy() >= 2].to_numpy(dtype=np.int64), mine.index.to_numpy(np.int64))
        found.append((shops, np.sort(mine.index.to_numpy(np.int64)), members, holders * p, tail))
    found.sort(key=lambda x: (-len(x[1]), x[0]))
    out = []
    seen = np.zeros(0, dtype=np.int64)
    for shops, seed, members, expected, tail in found:
        members, seed = np.setdiff1d(members, seen), np.setdiff1d(seed, seen)
        if len(seed) >= params.min_cards:
            out.append((shops, seed, members, expected, tail))
            seen = np.union1d(seen, members)
    return out


def pair_medians(p: np.ndarray, u: np.ndarray, x: np.ndarray) -> pd.DataFrame:
    """Per distinct pair ``(p, u)`` (int codes), sorted by ``p`` then ``u``: columns ``p``, ``u`` (int64),
    ``size`` (its rows, int64) and ``median`` (of ``x``, finite floats: the middle value, or the mean of the two
    middle ones), index ``0..k-1``: ``pd.DataFrame({"u": u, "p": p, "x": x}).groupby(["p", "u"])["x"]
    .agg(["size", "median"]).reset_index()``, the same values, from one sort.

    pandas' group-by on two keys makes a code array of the rows' length per key, their product, its sorted
    order and groups: at ten million claims the run's peak (step 127's spread sets, issue 18).  Here the pair is
    one int64 key, packed with each row's rank in ``x`` so that one plain sort orders the pairs and each pair's
    values, whose middle ones are read.

    >>> pair_medians(np.array([2, 1, 2, 2, 1]), np.array([0, 5, 0, 0, 5]), np.array([3.0, 1.0, 1.0, 2.0, 4.0]))
       p  u  size  median
    0  1  5     2     2.5
    1  2  0     3     2.0
    """
    p, u = np.asarray(p, dtype=np.int64), np.asarray(u, dtype=np.int64)
    x = np.asarray(x, dtype=np.float64)
    n = len(p)
    if not n:
        return pd.DataFrame({"p": p, "u": u, "size": np.zeros(0, dtype=np.int64), "median": x})
    low_p, low_u = int(p.min()), int(u.min())
    span = int(u.max()) - low_u + 1
    if (int(p.max()) - low_p + 1) * span * n >= np.iinfo(np.int64).max:  # pragma: no cover - too large to pack
        order = np.lexsort((x, u, p))
        ps, us = p[order], u[order]
        first = np.flatnonzero(np.r_[True, (ps[1:] != ps[:-1]) | (us[1:] != us[:-1])])
        del ps, us
        values = x[order]
        pair = order[first]
        p, u = p[pair], u[pair]
    else:  # the pair and the rank of x packed in one int64: one plain sort orders pairs, and x within each
        order = np.argsort(x)
        packed = np.empty(n, dtype=np.int64)
        packed[order] = np.arange(n, dtype=np.int64)  # each row's rank in x
        values = x[order]  # x sorted: rank r holds values[r]
        del order
        packed += ((p - low_p) * span + (u - low_u)) * n
        packed.sort()
        rank = packed % n
        packed //= n  # the pair's key, sorted
        first = np.flatnonzero(np.r_[True, packed[1:] != packed[:-1]])
        key = packed[first]
        del packed
        values = values[rank]
        del rank
        p, u = key // span + low_p, key % span + low_u
    size = np.diff(np.r_[first, n])
    median = (values[first + (size - 1) // 2] + values[first + size // 2]) / 2  # as pandas: (a + b) / 2 of the
    return pd.DataFrame({"p": p, "u": u, "size": size.astype(np.int64), "median": median})  # two middle values


def _spread_candidates(graph: ClaimGraph, params: CardLoadParams, taken: np.ndarray) -> list[Candidate]:
    """Step 127: one candidate per :func:`spread_sets` set, less the cards ``taken`` (a step 95 candidate's)."""
    t = graph.visits.table
    unit, kind = cards.institutions(graph)
    u = unit[t["venue"].to_numpy()]
    excess = run_costs(graph, peer_groups(graph, unit, kind).astype(np.int32)[t["venue"].to_numpy()])
    person = t["person"].to_numpy().astype(np.int64)
    ok = (person >= 0) & np.isfinite(excess)
    at = np.flatnonzero(ok & (kind[u] == cards.PHARMACIES))
    keep = ~np.isin(person[at], taken)
    at = at[keep]
    out = []
    total = pd.to_numeric(graph.data.claims["total_amount"], errors="coerce").to_numpy(dtype=float)
    for shops, seeds, members, expected, tail in spread_sets(u[at], person[at], excess[at], params):
        mine = at[np.isin(u[at], shops)]
        claims = np.sort(mine[np.isin(person[mine], members)])
        gains = _gains(claims, person, excess, members, graph)
        seeded = claims[np.isin(person[claims], seeds)]
        billed = float(np.nansum(total[np.flatnonzero(ok & np.isin(u, shops))]))
        times = pd.Series(seeded).groupby([person[seeded], u[seeded]]).size()
        out.append(
            Candidate(
                NAME,
                members,
                claims.astype(np.int64),
                {
                    "headline": "card_load",
                    "flagged": int(len(seeds)),
                    "cards": int(len(np.unique(person[ok & np.isin(u, shops)]))),
                    # a pharmacy card's chance of being billed so at each of the shops (their own rates' product)
                    "peer_rate": float(expected) / max(len(np.unique(person[at])), 1),
                    "chance": tail,
                    "share": float(gains.sum() / billed) if billed > 0 else 0.0,
                    "card_ratio": float(np.exp(np.median(excess[seeded]))),
                    **_set_cards(members, seeds, times),
                    "min_claims": params.min_claims,
                    "ratio": params.spread_ratio,
                    "gains": gains,
                    "billed": billed,
                    "institutions": len(shops),
                    "shared": int(len(members)),
                    # step 127: seeds by their spread at a cheap basket, not loaded; the count chance gives
                    "spread_expected": float(expected),
                },
                params.__dict__.copy(),
            )
        )
    return out


def large_hospitals(graph: ClaimGraph) -> tuple[np.ndarray, str]:
    """Per venue code: whether step 136 judges it (a large hospital), and how they were chosen: ``level`` (level
    3, where the export has ``facilities.level``), ``kind`` (every hospital, where it has ``kind`` but no level) or
    ``all`` (every facility)."""
    ids = pd.Series(graph.visits.venues.ids, dtype=object)
    fac = graph.data.facilities
    at = row_positions(ids, fac["facility_id"])
    known = at >= 0
    if "level" in fac and fac["level"].notna().any():
        level = pd.to_numeric(fac["level"], errors="coerce").to_numpy(dtype=float)
        how, pick = "level", level == 3
    elif "kind" in fac and fac["kind"].notna().any():
        how, pick = "kind", (fac["kind"].astype(object) == "hospital").to_numpy(dtype=bool)
    else:
        how, pick = "all", np.ones(len(fac), dtype=bool)
    out = np.zeros(len(ids), dtype=bool)
    out[known] = pick[at[known]]
    return out, how


def _hospital_candidates(graph: ClaimGraph, params: CardLoadParams) -> list[Candidate]:
    """Step 136: one candidate per :func:`graphfraud.detect.cardsets.hospital_sets` group: its cards and their dear
    claims (non-inpatient, ``hospital_ratio`` times the facility's median such claim or more) at its hospitals."""
    t = graph.visits.table
    judged, how = large_hospitals(graph)
    venue = t["venue"].to_numpy()
    person = t["person"].to_numpy().astype(np.int64)
    total = pd.to_numeric(graph.data.claims["total_amount"], errors="coerce").to_numpy(dtype=float)
    at = np.flatnonzero(judged[venue] & ~t["inpatient"].to_numpy(dtype=bool) & np.isfinite(total))
    if not len(at):
        return []
    cost = total[at]  # (the visits are the claims, in claims order)
    median = pd.Series(cost).groupby(venue[at]).median()
    median = median.where(median > 0)  # a facility whose typical claim costs nothing has no dear claim (NaN: none)
    ratio = cost / median.reindex(venue[at]).to_numpy(dtype=float)
    billed = at[person[at] >= 0]
    keep = (person[at] >= 0) & (ratio > 0)
    at, cost, ratio = at[keep], cost[keep], ratio[keep]
    groups = cardsets.hospital_sets(
        venue[at], person[at], t["day"].to_numpy()[at].astype(np.int64), ratio,
        hospital_ratio=params.hospital_ratio, hospitals=params.hospitals, min_cards=params.min_cards,
        max_chance=params.max_chance, hospital_link=params.hospital_link, hospital_repeat=params.hospital_repeat,
    )  # fmt: skip
    holders = int(np.count_nonzero(np.bincount(person[at])))  # (cards: codes from 0; no sort of the claims)
    out = []
    for s in groups:
        dear = (ratio >= params.hospital_ratio) & np.isin(venue[at], s.units)
        mine = dear & np.isin(person[at], s.members)
        claims = np.sort(at[mine]).astype(np.int64)
        above = pd.Series(cost[mine] * (1 - 1 / ratio[mine])).groupby(person[at[mine]]).sum()
        gains = above.reindex(s.members).fillna(0.0).to_numpy(dtype=float)
        there = billed[np.isin(venue[billed], s.units)]
        spent = float(np.nansum(total[there]))
        seeded = mine & np.isin(person[at], s.seeds)
        times = pd.Series(person[at[seeded]]).groupby([person[at[seeded]], venue[at[seeded]]]).size()
        out.append(
            Candidate(
                NAME,
                s.members,
                claims,
                {
                    "headline": "card_load",
                    "flagged": int(len(s.seeds)),
                    "cards": int(len(np.unique(person[there]))),
                    "peer_rate": float(s.expected) / max(holders, 1),
                    "chance": float(s.tail),
                    "share": float(gains.sum() / spent) if spent > 0 else 0.0,
                    "card_ratio": float(np.median(ratio[seeded])),
                    **_set_cards(s.members, s.seeds, times),
                    "min_claims": 1,
                    "ratio": params.hospital_ratio,
                    "gains": gains,
                    "billed": spent,
                    "institutions": len(s.units),
                    "shared": int(len(s.members)),
                    # step 136: seeds by their set of large hospitals, the count chance gives its largest set, the
                    # proven sets linked by their days, and how the large hospitals were chosen
                    "hospital_expected": float(s.expected),
                    "hospital_sets": int(s.sets),
                    "hospitals_by": how,
                    # cards carried to the hospitals for drugs to sell (代开药): a card collector's (score.typology)
                    "typology": "card_collector",
                },
                params.__dict__.copy(),
            )
        )
    return out


def _collector_shops(
    per: pd.DataFrame, holders: int, proven: pd.Index, params: CardLoadParams
) -> list[tuple[tuple[int, ...], np.ndarray]]:
    """Step 95: the sets of linked pharmacies (:func:`linked_pairs`) that are one collector's shops, each with the
    cards he spreads over them: ``(units, members)``, members sorted.

    A set is a maximal clique of links (every two of its shops share ``min_cards`` or more cards typically dear at
    each, beyond chance): a shop shared by two collectors is linked to each one's other shops, which are not linked
    to one another, so the two stay two sets.  Its members are the cards typically dear at two or more of its
    shops; the set is kept when at least ``min_cards`` of them are loaded at one of its shops (pooled over the
    links: :func:`loaded_cards`) and one of its shops is proven (``proven``: step 27's chance test and
    ``min_share``); the others are billed the same way (a card swiped once at each of two of his shops).
    Sets are taken by the most members first, a card in one set only (a later set is kept while ``min_cards`` of its
    loaded cards are left to it).
    """
    if not params.spread or not COLLECTOR_SHOPS or not per["shop_dear"].any():
        return []
    unit, card = per["unit"].to_numpy(dtype=np.int64), per["person"].to_numpy(dtype=np.int64)
    _, links = _links(unit, card, per["shop_dear"].to_numpy(dtype=bool), holders, params)
    if not len(links):
        return []
    near: dict[int, set[int]] = {}
    for a, b in zip(links.get_level_values(0).tolist(), links.get_level_values(1).tolist()):
        near.setdefault(int(a), set()).add(int(b))
    found: list[tuple[tuple[int, ...], np.ndarray, np.ndarray]] = []
    for clique in _cliques(near):
        at = np.isin(unit, clique)
        dear = pd.Series(per["shop_dear"].to_numpy()[at]).groupby(card[at]).sum()
        loaded = np.unique(card[at & per["loaded"].to_numpy(dtype=bool)])
        members = dear.index[dear.to_numpy() >= 2].to_numpy(dtype=np.int64)
        if len(np.intersect1d(loaded, members)) >= params.min_cards and any(c in proven for c in clique):
            found.append((tuple(clique), members, loaded))
    found.sort(key=lambda x: (-len(x[1]), x[0]))
    out: list[tuple[tuple[int, ...], np.ndarray]] = []
    seen = np.zeros(0, dtype=np.int64)
    for shops, members, loaded in found:
        members = np.setdiff1d(members, seen)
        if len(np.intersect1d(loaded, members)) >= params.min_cards:
            out.append((shops, members))
            seen = np.union1d(seen, members)
    return out


def _cliques(near: dict[int, set[int]]) -> list[list[int]]:
    """The maximal cliques of two or more nodes of the undirected graph ``near`` (node -> neighbours), each sorted,
    in sorted order (Bron-Kerbosch with a pivot: the branches that only repeat a clique through the pivot's
    neighbours are not grown, so a province's many linked pharmacies stay cheap; a world's links are a few dozen).

    >>> _cliques({0: {1, 2}, 1: {0, 2}, 2: {0, 1, 3}, 3: {2}})
    [[0, 1, 2], [2, 3]]
    >>> _cliques({v: set(range(6)) - {v} for v in range(6)})  # one clique of six, found once
    [[0, 1, 2, 3, 4, 5]]
    """
    out: list[list[int]] = []

    def grow(r: list[int], p: set[int], x: set[int]) -> None:
        if not p and not x:
            if len(r) >= 2:
                out.append(sorted(r))
            return
        pivot = max(sorted(p | x), key=lambda w: len(p & near.get(w, set())))  # the first of the most connected
        for v in sorted(p - near.get(pivot, set())):
            grow(r + [v], p & near.get(v, set()), x & near.get(v, set()))
            p = p - {v}
            x = x | {v}

    grow([], set(near), set())
    return sorted(out)


def _collector_candidate(
    units: tuple[int, ...],
    members: np.ndarray,
    per: pd.DataFrame,
    by_unit: pd.DataFrame,
    rate: pd.Series,
    tail: pd.Series,
    rows: np.ndarray,
    u: np.ndarray,
    person: np.ndarray,
    excess: np.ndarray,
    billable: np.ndarray,
    total: np.ndarray,
    graph: ClaimGraph,
    params: CardLoadParams,
    *,
    index: tuple[tuple[np.ndarray, np.ndarray, int], ...] | None = None,
) -> Candidate:
    """One candidate of a collector's shops (step 95, :func:`_collector_shops`): his cards and their claims at
    the shops, judged by the best proven of them (its peers' rate and tail), the share over what the shops billed,
    and the shops and the cards they share (``institutions``, ``shared``: the step 91 sentence).

    ``rows`` are the judged claims' rows and ``billable`` the rows of the claims with a card and an amount, each
    in row order and holding at least those at the shops ``units`` (:func:`detect` gives those at any collector's
    shops, found once for all candidates); ``total`` is each claim's ``total_amount``.  ``index``: ``per``'s rows,
    ``rows`` and ``billable`` by institution (:func:`graphfraud.graph.build.code_index` of their units), from which
    the shops' are taken instead of a pass over each; the same rows in the same order (the same sums to the bit)."""
    units_asked = np.asarray(units, dtype=np.int64)
    if index is None:
        pairs = per[per["unit"].isin(units) & per["person"].isin(members)]
        at = rows[np.isin(u[rows], units)]
        billed_rows = billable[np.isin(u[billable], units)]
    else:
        theirs = per.iloc[rows_of(*index[0], units_asked)]
        pairs = theirs[theirs["person"].isin(members)]
        at, billed_rows = rows[rows_of(*index[1], units_asked)], billable[rows_of(*index[2], units_asked)]
    loaded = pairs[pairs["loaded"]]
    same = ~np.isin(members, loaded["person"].to_numpy(dtype=np.int64))
    claims = np.sort(at[np.isin(person[at], members)])
    gains = _gains(claims, person, excess, members, graph)
    billed = float(total[billed_rows].sum())
    best = min(units, key=lambda c: (float(tail.get(c, 1.0)), c))
    return Candidate(
        NAME,
        members,
        claims.astype(np.int64),
        {
            "headline": "card_load",
            "flagged": int(len(members) - same.sum()),
            "cards": int(by_unit["cards"].reindex(list(units)).fillna(0).sum()),
            "peer_rate": float(rate[best]),
            "chance": float(tail[best]),
            "share": float(gains.sum() / billed) if billed > 0 else 0.0,
            "card_ratio": float(np.exp(np.median(loaded["lift"].to_numpy()))),
            "times": float(np.median(loaded["dear"].to_numpy())),
            "same": same,
            "joined": int(same.sum()),
            "spread": ~same,
            "joined_rate": float("nan"),
            "joined_chance": float("nan"),
            "min_claims": params.min_claims,
            "ratio": params.ratio,
            "gains": gains,
            "billed": billed,
            "institutions": len(units),
            "shared": int(len(members)),
        },
        params.__dict__.copy(),
    )


def peer_groups(graph: ClaimGraph, unit: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Per venue code: its peer group, the institutions of its kind (``kind``) and level.

    A 3A hospital's visits carry more examinations than a level-1 hospital's, and its patients more
    dear visits: the same kind at other levels is no baseline.  The institutions whose kind and level
    fewer than :data:`MIN_PEERS` hold are grouped by kind at any level (the county's one level-3
    hospital with the kind's other lone levels), and where even those are too few, all together:
    a group of one would have no peers, and any rate would be unlikely.  Pharmacies have no level.
    """
    v = graph.visits.venues
    fac = graph.data.facilities
    level = np.full(len(kind), -1, dtype=np.int64)
    if "level" in fac:
        at = row_positions(pd.Series(v.ids, dtype=object), fac["facility_id"])
        codes = dense_codes(fac["level"].astype("string"))
        level[at >= 0] = codes[at[at >= 0]]
    own = unit == np.arange(len(unit))  # one venue code per institution (a chain: its first shop)
    k = kind - kind.min(initial=0)
    group = _key(k, level + 1)
    for coarser in (k, np.zeros_like(k)):
        held = np.bincount(group[own], minlength=int(group.max(initial=-1)) + 1)
        few = held[group] < MIN_PEERS
        if not few.any():
            break
        group = np.where(few, int(group.max()) + 1 + coarser, group)
    return dense_codes(pd.Series(group))


def relative_cost(graph: ClaimGraph, peer_group: np.ndarray) -> np.ndarray:
    """Per claim: log of its ``total_amount`` over the usual (median) cost of its kind; NaN without an amount.

    The kind is the claim's peer group (``peer_group``, per claim: :func:`peer_groups`), visit type
    and diagnosis; a kind of fewer than :data:`MIN_KIND_CLAIMS` claims, or a
    claim without a diagnosis, is taken against its peer group and visit type.
    """
    claims = graph.data.claims
    total = pd.to_numeric(claims["total_amount"], errors="coerce").to_numpy(dtype=float)
    positive = np.isfinite(total) & (total > 0)
    logs = np.full(len(total), np.nan)
    logs[positive] = np.log(total[positive])
    n = len(total)
    del total  # (ten million claims: each per-claim array is 80 MB, and the run's peak memory is near)
    vtype = graph.claim_codes("visit_type")[0]
    diag = graph.claim_codes("diagnosis")[0] if "diagnosis" in claims else np.full(n, -1, dtype=np.int64)
    broad = _key(peer_group, vtype)
    narrow = _key(broad, diag)
    narrow[diag < 0] = -1
    # the usual cost is a median over many claims: above a million, every k-th claim's (the claims of a kind
    # are spread over the table) gives it as well, at a fraction of the cost
    step = max(1, n // SAMPLE_CLAIMS)
    sample = np.flatnonzero(positive)[::step]
    frame = pd.DataFrame({"broad": broad[sample], "narrow": narrow[sample], "log": logs[sample]})
    usual_broad = frame.groupby("broad")["log"].median()
    kinds = frame[frame["narrow"].to_numpy() >= 0].groupby("narrow")["log"].agg(["median", "size"])
    kinds = kinds[kinds["size"] >= MIN_KIND_CLAIMS]["median"]
    for at in range(0, n, _ROWS_AT_ONCE):  # a slice at a time: no lookups of every claim beside the keys
        part = slice(at, at + _ROWS_AT_ONCE)
        known = _lookup(kinds, narrow[part])
        missing = np.isnan(known)
        known[missing] = _lookup(usual_broad, broad[part][missing])  # else the peer group's and visit type's
        logs[part] -= known
    return logs


def run_costs(graph: ClaimGraph, peer_group: np.ndarray) -> np.ndarray:
    """The run's :func:`relative_cost` over :func:`peer_groups`, computed once and shared with
    :mod:`graphfraud.detect.cardmenu` (``peer_group``: each claim's, when the caller has it)."""
    costs: np.ndarray = graph.shared(COSTS, lambda: relative_cost(graph, peer_group))
    return costs


def _lookup(values: pd.Series, keys: np.ndarray) -> np.ndarray:
    """``values.reindex(keys)`` as floats (NaN: absent) for int keys (the index's): by position in a table
    over the keys' range when that is not much larger than the keys, else by binary search (no hashing).

    >>> _lookup(pd.Series([0.5, 2.0], index=[3, 7]), np.array([7, 3, 4, -1, 9])).tolist()
    [2.0, 0.5, nan, nan, nan]
    """
    index = values.index.to_numpy(dtype=np.int64)
    if not len(index):
        return np.full(len(keys), np.nan)
    low, high = int(index.min()), int(index.max())
    if high - low <= 4 * len(keys) + 1024:
        table = np.full(high - low + 2, np.nan)  # the last slot: keys out of range
        table[index - low] = values.to_numpy(dtype=float)
        at = np.subtract(keys, low, dtype=np.int64)  # (one array of the keys' length, not two)
        at[(at < 0) | (at > high - low)] = high - low + 1
        return table[at]
    out = np.full(len(keys), np.nan)
    order = np.argsort(index, kind="stable")
    index, sorted_values = index[order], values.to_numpy(dtype=float)[order]
    at = np.minimum(np.searchsorted(index, keys), len(index) - 1)
    hit = index[at] == keys
    out[hit] = sorted_values[at[hit]]
    return out


def loaded_cards(
    unit: np.ndarray,
    person: np.ndarray,
    excess: np.ndarray,
    params: CardLoadParams,
    *,
    pooled: np.ndarray | None = None,
    holders: int | None = None,
) -> pd.DataFrame:
    """Per (institution, card): ``n`` claims there, ``dear`` of them, ``lift`` (log) over the card's own pattern,
    ``loaded``.

    ``excess`` is each claim's log cost over its kind's usual cost; a claim is dear at ``ratio`` times
    that or more.  The lift is the median excess of the card's claims at the institution less the
    mean excess of its claims elsewhere (when above 0: a card cheaper than usual elsewhere is judged
    against the usual cost only).  Loaded: ``min_claims`` dear claims or more, and a lift of ``ratio``
    or more (two dear visits of an ordinary patient, with examinations, are not a pattern).

    ``pooled`` (per claim: its institution is a pharmacy), with ``params.spread``: a card typically dear
    (median) at several pooled institutions is one pattern there: its dear claims at all of them are counted
    together, and "elsewhere" is its claims outside them (a collector spreading his swipes over three shops of
    three chains; a card typically dear at one of them only is judged as before).  ``spread``: loaded so.
    Only *linked* pharmacies are pooled (:func:`linked_pairs`): two that share ``min_cards`` or more cards
    typically dear at each, beyond chance among the ``holders`` cards billed at any pharmacy (default: the
    cards of the pooled claims given); a collector's cards are bought citywide and swiped at his few shops, so
    his shops share them by the dozen, where an ordinary buyer's two dear shops are his own.

    >>> loaded_cards(np.array([0, 0, 0, 1, 2, 2, 2]), np.array([7, 7, 7, 7, 8, 8, 8]),
    ...              np.log([10.0, 10.0, 10.0, 1.0, 10.0, 10.0, 1.0]),
    ...              CardLoadParams(ratio=5.0, min_claims=3))[["unit", "n", "dear", "loaded"]].values.tolist()
    [[0, 3, 3, True], [1, 1, 0, False], [2, 3, 2, False]]
    """
    unit, person, excess = np.asarray(unit), np.asarray(person), np.asarray(excess, dtype=np.float64)
    if not len(unit):
        return pd.DataFrame({"unit": unit, "person": person, "n": np.zeros(0, dtype=np.int64),
                             "dear": np.zeros(0, dtype=np.int64), "lift": np.zeros(0), "loaded": np.zeros(0, bool),
                             "same": np.zeros(0, bool), "spread": np.zeros(0, bool),
                             "shop_dear": np.zeros(0, bool)})  # fmt: skip
    order = _stable_order(person - person.min())  # by card, each card's claims in their order
    card_first, card_n = _runs(person[order])
    card_person = person[order[card_first]]
    card_sum = _sums(excess[order], card_first, card_n)
    order = order[_stable_order(unit[order] - unit.min())]  # by (institution, card), each pair's claims in order
    first, n = _runs(unit[order], person[order])
    pair_unit, pair_person = unit[order[first]], person[order[first]]
    values = excess[order]
    dear = _counts(values >= np.log(params.ratio), first)
    sums = _sums(values, first, n)
    here = _medians(values, first, n)  # the holder's own purchases there now and then do not hide the swipes
    card = np.searchsorted(card_person, pair_person)  # each pair's card (cards ascending)
    own_n, own_sum, own_dear = n, sums, dear
    shop_dear = np.zeros(len(n), dtype=bool)
    if pooled is not None and params.spread:
        # a card typically dear at several pharmacies: its dear purchases there are one pattern, summed, and its
        # own pattern is its claims outside them (a collector spreads his swipes over three shops of three chains)
        spread = shop_dear = np.asarray(pooled)[order[first]] & (here >= np.log(params.ratio))
        if holders is None:
            holders = len(np.unique(person[np.asarray(pooled)]))
        mine, theirs = linked_pairs(pair_unit, card, spread, holders, params)
        own_n, own_sum, own_dear = (_pooled(x, mine, theirs) for x in (n, sums, dear))
    del values, order
    other_n = card_n[card] - own_n
    elsewhere = np.where(other_n > 0, (card_sum[card] - own_sum) / np.maximum(other_n, 1), 0.0)
    lift = np.minimum(here, here - np.maximum(elsewhere, 0.0))
    typical = lift >= np.log(params.ratio)
    loaded = (own_dear >= params.min_claims) & typical
    # billed the same way: typically dear there, and dear again (a one-off dear visit is every institution's)
    same = ~loaded & typical & (dear >= REPEATED)
    return pd.DataFrame({"unit": pair_unit, "person": pair_person, "n": n, "dear": dear, "lift": lift,
                         "loaded": loaded, "same": same, "spread": loaded & (own_n > n),
                         "shop_dear": shop_dear})  # fmt: skip


def linked_pairs(
    unit: np.ndarray, card: np.ndarray, spread: np.ndarray, holders: int, params: CardLoadParams
) -> tuple[np.ndarray, np.ndarray]:
    """Per (institution, card) pair (``unit``, ``card``): the pairs of the same card it is pooled with, as two
    arrays of pair positions (``mine``, ``theirs``: each pooled pair with each of its partners).

    Only pairs typically dear at a pharmacy (``spread``) are pooled, and only between *linked* institutions: two
    institutions that share ``params.min_cards`` or more such cards, a number unlikely by chance (binomial tail
    at most ``params.max_chance``: of the fewer dear cards of the two, each is one of the other's with the
    chance the other's dear cards are of the ``holders`` cards billed at any pharmacy).  A collector who buys
    cards citywide and swipes each at his three shops leaves the three sharing dozens of cards; an ordinary
    buyer dear at two shops is one of one or two cards those shops share (otherworld 2: at most 4, chance 7).

    >>> unit, card = np.array([0, 1, 0, 1, 0, 2, 3]), np.array([0, 0, 1, 1, 2, 2, 2])
    >>> mine, theirs = linked_pairs(unit, card, np.ones(7, bool), 1000, CardLoadParams(min_cards=2))
    >>> sorted(zip(mine.tolist(), theirs.tolist()))
    [(0, 1), (1, 0), (2, 3), (3, 2)]
    """
    both, links = _links(unit, card, spread, holders, params)
    if both.empty:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keep = pd.MultiIndex.from_frame(both[["unit", "unit_b"]]).isin(links)
    return both["pair"].to_numpy()[keep].astype(np.int64), both["pair_b"].to_numpy()[keep].astype(np.int64)


def _links(
    unit: np.ndarray, card: np.ndarray, spread: np.ndarray, holders: int, params: CardLoadParams
) -> tuple[pd.DataFrame, pd.MultiIndex]:
    """The pairs typically dear at a pharmacy (``spread``) joined by card (``pair``, ``unit``, ``card``,
    ``pair_b``, ``unit_b``: two institutions of one card), and the linked institutions, both ways
    (:func:`linked_pairs`)."""
    at = np.flatnonzero(spread)
    frame = pd.DataFrame({"pair": at, "unit": np.asarray(unit)[at], "card": np.asarray(card)[at]})
    both = frame.merge(frame, on="card", suffixes=("", "_b"), sort=True)
    both = both[both["unit"].to_numpy() != both["unit_b"].to_numpy()]
    if both.empty:
        return both, pd.MultiIndex.from_arrays([[], []], names=["unit", "unit_b"])
    degree = frame.groupby("unit").size()
    shared = both.groupby(["unit", "unit_b"]).size()
    a = degree.reindex(shared.index.get_level_values(0)).to_numpy()
    b = degree.reindex(shared.index.get_level_values(1)).to_numpy()
    chance = np.minimum(np.maximum(a, b) / max(holders, 1), 1.0)
    tail = binom.sf(shared.to_numpy() - 1, np.minimum(a, b), chance)
    return both, shared.index[(shared.to_numpy() >= params.min_cards) & (tail <= params.max_chance)]


def _pooled(values: np.ndarray, mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Per (institution, card) pair: its ``values`` plus those of the pairs it is pooled with (``mine[i]`` is
    pooled with ``theirs[i]``: :func:`linked_pairs`), in the values' dtype.

    >>> _pooled(np.array([2, 1, 3, 4]), np.array([0, 2]), np.array([2, 0])).tolist()
    [5, 1, 5, 4]
    """
    extra = np.bincount(mine, weights=values[theirs].astype(np.float64), minlength=len(values))
    return (values + extra).astype(values.dtype)


def _stable_order(codes: np.ndarray) -> np.ndarray:
    """Row positions ordered by the non-negative int ``codes``, each code's rows in their own order: a counting
    sort (scipy's COO-to-CSR conversion buckets the rows by code in one linear pass; numpy's stable sort of int64
    is a merge sort, several times slower).

    >>> _stable_order(np.array([2, 0, 2, 1, 0])).tolist()
    [1, 4, 3, 0, 2]
    """
    n, top = len(codes), int(codes.max(initial=0)) + 1
    small = np.int32 if max(n, top) < 2**31 else np.int64  # (scipy keeps 32-bit indices when they fit)
    rows = np.arange(n, dtype=small)
    bucketed = sparse.coo_matrix((np.ones(n, dtype=np.int8), (codes.astype(small), rows)), shape=(top, n)).tocsr()
    del rows
    return bucketed.indices  # each code's columns ascending: its rows in order


def _runs(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal ``keys`` (sorted rows) starts, and its length.

    >>> [x.tolist() for x in _runs(np.array([0, 0, 1, 1]), np.array([4, 5, 5, 5]))]
    [[0, 1, 2], [1, 1, 2]]
    """
    change = np.zeros(len(keys[0]), dtype=bool)
    change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    first = np.flatnonzero(change)
    return first, np.diff(np.append(first, len(change)))


def _counts(flags: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The true ``flags`` of each group (rows ``first[i]`` up to the next group's first row).

    >>> _counts(np.array([True, False, True, True]), np.array([0, 1])).tolist()
    [1, 2]
    """
    if not len(first):
        return np.zeros(0, dtype=np.int64)
    return np.add.reduceat(flags, first, dtype=np.int64)


def _sums(values: np.ndarray, first: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Each group's sum of ``values`` (the group's rows from ``first[i]``, ``n[i]`` of them, in order), added as
    a pandas group-by sum adds them (Kahan's compensated sum, row by row): the same bits.

    All the groups are added at once, their k-th rows in the k-th step (the largest group's size in steps, each
    over the groups that long).

    >>> _sums(np.array([1e16, 1.0, 1.0, -1e16, 0.5]), np.array([0, 4]), np.array([4, 1])).tolist()
    [2.0, 0.5]
    """
    out = np.zeros(len(n))
    if not len(n):
        return out
    longest = np.argsort(-n, kind="stable")
    start, size = first[longest], n[longest]
    total, compensation = np.zeros(len(n)), np.zeros(len(n))
    for k in range(int(size[0])):
        m = int(np.searchsorted(-size, -k, side="left"))  # the groups with more than k rows
        y = values[start[:m] + k] - compensation[:m]
        t = total[:m] + y
        c = (t - total[:m]) - y
        c[c != c] = 0.0  # an infinite value: no compensation (as pandas)
        compensation[:m], total[:m] = c, t
    out[longest] = total
    return out


def _medians(values: np.ndarray, first: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Each group's median of ``values`` (the group's rows from ``first[i]``, ``n[i]`` of them): the middle value,
    or the mean of the two middle ones.

    >>> _medians(np.array([3.0, 1.0, 2.0, 0.1, 0.2]), np.array([0, 3]), np.array([3, 2])).tolist()
    [2.0, 0.15000000000000002]
    """
    if not len(n):
        return np.zeros(0)
    second = np.minimum(first + 1, len(values) - 1)
    out = np.where(n == 1, values[first], (values[first] + values[second]) / 2.0)  # one or two: no sort
    more = np.flatnonzero(n >= 3)
    if not len(more):
        return out
    count = n[more]
    group = np.repeat(np.arange(len(more), dtype=np.int32 if len(more) < 2**31 else np.int64), count)
    rows = np.repeat(first[more] - (np.cumsum(count) - count), count) + np.arange(len(group))
    by_value = np.argsort(values[rows])
    ordered = values[rows[by_value[_stable_order(group[by_value])]]]  # by group, then value
    del group, rows
    mid = np.cumsum(count) - count + count // 2
    out[more] = np.where(count % 2 == 1, ordered[mid], (ordered[mid - 1] + ordered[mid]) / 2.0)
    return out


def _joins(by_unit: pd.DataFrame, proven: pd.Index, params: CardLoadParams) -> pd.DataFrame:
    """Per proven institution (``proven``, rows of ``by_unit``): whether its cards billed the same way join.

    A card is billed the same way (``same``) when its claims there are typically dear against their kind
    and its own pattern (:func:`loaded_cards`' lift) and dear again (:data:`REPEATED`, two: a one-off dear
    visit or purchase is what every institution sees), but fewer than ``min_claims`` of them are: a
    collector's card swiped twice in the span, a late recruit's.  ``min_claims`` keeps an ordinary patient's
    one or two dear visits from proving an institution; once proven by its loaded cards, the same test
    without the count is asked of the rest of its cards against the rate at its peers (the other
    institutions of its group, less those proven), as step 25 joins cards: they join when that many are
    unlikely (binomial tail at most ``max_chance``), all of them, else none.  Columns ``rate``, ``tail``,
    ``join``.
    """
    if proven.empty:
        return pd.DataFrame({"rate": [], "tail": [], "join": []})
    mask = by_unit.index.isin(proven)
    rest = (by_unit["cards"] - by_unit["flagged"]).clip(lower=0)
    same, n = by_unit["same"].where(~mask, 0), rest.where(~mask, 0)
    gk = same.groupby(by_unit["group"]).transform("sum")
    gn = n.groupby(by_unit["group"]).transform("sum")
    rate = (gk / gn.clip(lower=1)).clip(lower=1e-6, upper=1 - 1e-6)[mask]
    k, m = by_unit["same"][mask], rest[mask]
    tail = pd.Series(binom.sf(k.to_numpy() - 1, m.to_numpy(), rate.to_numpy()), index=k.index)
    return pd.DataFrame({"rate": rate, "tail": tail, "join": (k > 0) & (tail <= params.max_chance)})


def _excess_share(
    unit: np.ndarray,
    person: np.ndarray,
    excess: np.ndarray,
    ok: np.ndarray,
    rows: np.ndarray,
    per: pd.DataFrame,
    proven: pd.Index,
    graph: ClaimGraph,
) -> pd.Series:
    """Per proven institution (index: unit code): the loaded cards' excess, as a share of all it billed.

    The excess of a claim is what it cost above the usual cost of its kind (``total_amount`` times
    ``1 - exp(-excess)``; below the usual cost, negative); the share is the sum over the loaded cards'
    claims there over the ``total_amount`` of all the claims billed there (``ok``: with a card and an amount).
    """
    total = pd.to_numeric(graph.data.claims["total_amount"], errors="coerce").to_numpy(dtype=float)
    here = ok & np.isin(unit, proven.to_numpy())
    billed = pd.Series(total[here]).groupby(unit[here]).sum()
    loaded = per[per["loaded"] & per["unit"].isin(proven)]
    at = rows[np.isin(unit[rows], proven.to_numpy())]
    width = int(person.max(initial=0)) + 1
    mine = at[
        np.isin(
            unit[at].astype(np.int64) * width + person[at],
            loaded["unit"].to_numpy() * width + loaded["person"].to_numpy(),
        )
    ]
    gain = pd.Series(total[mine] * -np.expm1(-excess[mine])).groupby(unit[mine]).sum()
    return (gain.reindex(billed.index).fillna(0.0) / billed.clip(lower=1e-9)).reindex(proven).fillna(0.0)


def _own_lift(
    unit: np.ndarray, person: np.ndarray, excess: np.ndarray, ok: np.ndarray, per: pd.DataFrame, proven: pd.Index
) -> pd.Series:
    """Step 106, per proven institution (index: unit code): how much dearer (log) its loaded cards are there than
    its other cards, card by card.

    Each card's typical (median) claim cost there over its kind's usual cost (:func:`relative_cost`); the lift is
    the loaded cards' median of those less the other cards' median (the cards neither loaded nor billed the same
    way: the institution's own clientele), when above 0 (a clientele cheaper than usual: the usual cost only).  A
    collector's shop swipes his cards at many times what its walk-in customers buy; a 民族药 shop whose every
    customer buys dear 珍宝类 pills, or a 民族医院 whose visits carry them, has loaded cards that cost what its
    other customers' purchases cost: those are its clientele, dear only against peers without that trade.  An
    institution without other cards keeps the loaded cards' lift over the usual cost.

    >>> per = pd.DataFrame({"unit": [0, 0, 0, 0], "person": [1, 2, 3, 4], "loaded": [True, True, False, False],
    ...                     "same": [False, False, False, False]})
    >>> x = np.log([10.0, 10.0, 10.0, 1.0, 1.0, 1.0, 9.0])
    >>> u, p = np.array([0, 0, 0, 0, 0, 0, 1]), np.array([1, 1, 2, 3, 4, 4, 5])
    >>> np.exp(_own_lift(u, p, x, np.ones(7, bool), per, pd.Index([0]))).round(3).tolist()
    [10.0]
    """
    codes = proven.to_numpy()
    cards_there, own = _clientele(unit, person, excess, ok, per, proven)
    loaded = cards_there["loaded"].to_numpy()
    x, units = cards_there["x"].to_numpy(), cards_there["unit"].to_numpy()
    dear = pd.Series(x[loaded]).groupby(units[loaded]).median().reindex(codes)
    lift = dear - own.fillna(0.0).clip(lower=0.0)
    return pd.Series(lift.fillna(np.inf).to_numpy(), index=proven)


def _clientele(
    unit: np.ndarray,
    person: np.ndarray,
    excess: np.ndarray,
    ok: np.ndarray,
    per: pd.DataFrame,
    proven: pd.Index,
    *,
    aside: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """The cards of the proven institutions (``proven``: unit codes) and their clientele (:func:`_own_lift`).

    Returns each card's typical (median) log cost there over its kind's usual cost (columns ``unit``, ``person``,
    ``x``, ``flagged``: loaded or billed the same way, ``loaded``; by unit and card), and per proven institution the
    median of its other cards' (the clientele's; NaN: it has none), less the (``unit``, ``person``) pairs ``aside``
    (step 157: the cards swiped in the ring's sessions, :func:`session_cards`)."""
    codes = proven.to_numpy()
    at = np.flatnonzero(ok & np.isin(unit, codes))
    # (pandas' two-key group-by's codes, their product and order: :func:`pair_medians`, one sort, the same values)
    pairs = pair_medians(unit[at], person[at], excess[at])
    cards_there = pd.DataFrame({"unit": pairs["p"].to_numpy(), "person": pairs["u"].to_numpy(), "x": pairs["median"]})
    mine = per[(per["loaded"] | per["same"]) & per["unit"].isin(proven)]
    key = pd.MultiIndex.from_frame(cards_there[["unit", "person"]])
    flagged = key.isin(pd.MultiIndex.from_frame(mine[["unit", "person"]]))
    loaded = key.isin(pd.MultiIndex.from_frame(mine.loc[mine["loaded"], ["unit", "person"]]))
    x, units = cards_there["x"].to_numpy(), cards_there["unit"].to_numpy()
    other = ~flagged
    if aside is not None and len(aside):
        other &= ~key.isin(pd.MultiIndex.from_frame(aside[["unit", "person"]]))
    own = pd.Series(x[other]).groupby(units[other]).median().reindex(codes)
    return cards_there.assign(flagged=flagged, loaded=loaded), own


def _clientele_cards(
    unit: np.ndarray,
    person: np.ndarray,
    excess: np.ndarray,
    ok: np.ndarray,
    per: pd.DataFrame,
    proven: pd.Index,
    ratio: float,
    *,
    aside: pd.DataFrame | None = None,
) -> np.ndarray:
    """Step 144, per row of ``per``: a card loaded or billed the same way at a proven institution (``proven``) that
    costs there, typically, less than ``ratio`` times what the institution's other cards (its clientele, less the
    cards ``aside``: step 157) typically cost there (:func:`_clientele`; a clientele cheaper than usual, or none:
    the usual cost).

    Step 106 asks it of an institution's loaded cards together (their median); this asks it of each card.  A 民族医院
    where a few doctors key phantom courses of dear pills on a hundred cards is proven by them, but its ordinary
    patients, whose visits carry the same pills in the amounts they need, are dear against hospitals without that
    trade too, and a few hundred of its thousands of cards come there three times: loaded, or billed the same way.
    They cost what its clientele costs; the phantom courses cost many times that.  Elsewhere (a clientele at the
    usual cost) a loaded card is ``CardLoadParams.ratio`` times dearer than that already, and none is left out.

    >>> per = pd.DataFrame({"unit": [0, 0, 0, 0, 0], "person": [1, 2, 3, 4, 5],
    ...                     "loaded": [True, True, False, False, False], "same": [False, False, True, False, False]})
    >>> x = np.log([40.0, 8.0, 9.0, 7.0, 8.0])  # a card at 40x, two at 8-9x, the clientele at 7-8x the usual
    >>> _clientele_cards(np.zeros(5, int), np.arange(1, 6), x, np.ones(5, bool), per, pd.Index([0]), 2.0).tolist()
    [False, True, True, False, False]
    """
    cards_there, own = _clientele(unit, person, excess, ok, per, proven, aside=aside)
    floor = own.fillna(0.0).clip(lower=0.0) + np.log(ratio)
    cheap = cards_there["flagged"].to_numpy() & (
        cards_there["x"].to_numpy() < floor.reindex(cards_there["unit"].to_numpy()).to_numpy()
    )
    out = pd.MultiIndex.from_frame(per[["unit", "person"]]).isin(
        pd.MultiIndex.from_frame(cards_there.loc[cheap, ["unit", "person"]])
    )
    return np.asarray(out & (per["loaded"] | per["same"]).to_numpy(dtype=bool), dtype=bool)


def session_cards(
    graph: ClaimGraph,
    unit: np.ndarray,
    person: np.ndarray,
    ok: np.ndarray,
    per: pd.DataFrame,
    cheap: np.ndarray,
    proven: pd.Index,
    gap: int,
) -> pd.DataFrame:
    """Step 157: the cards of an institution's clientele swiped in its ring's sessions (``unit``, ``person`` pairs).

    At each proven institution (``proven``) where step 144 left a card out (``cheap``, per row of ``per``), the
    **kept** cards are those loaded or billed the same way and not left out.  A card of the clientele (neither
    loaded nor billed the same way there) at least :data:`SESSION_SHARE` of whose timed claims there (``ok``) were
    billed within ``gap`` minutes of a kept card's claim at the same venue is the ring's own: a collector swipes
    his cards a session at a time (收卡空刷: seven cards in fifteen minutes), his cards billed there too few times
    to be loaded among them, and counted as the clinic's clientele they made it as dear as his loaded cards
    (otherworld 54: 51 of the 80 cards of his clinic's "clientele" were his, at 4.4x the usual; its 29 others at
    0.56x).  A 民族医院's regulars come on their own, at its thousands of patients' hours.  Dates-only claims
    (``ClaimGraph.day_resolution``, or a mixed table's untimed claims) are not read: a day is no session.

    >>> from graphfraud.synth import toy
    >>> from graphfraud.graph.build import build_graph
    >>> g = build_graph(toy.staged_clinic()[0])
    >>> empty = pd.DataFrame({"unit": [], "person": [], "loaded": [], "same": []})
    >>> t = g.visits.table
    >>> len(session_cards(g, t["venue"].to_numpy(), t["person"].to_numpy(), np.ones(len(t), bool), empty,
    ...                   np.zeros(0, bool), pd.Index([]), 10))
    0
    """
    none = pd.DataFrame({"unit": np.zeros(0, dtype=np.int64), "person": np.zeros(0, dtype=np.int64)})
    if graph.day_resolution or not cheap.any():
        return none
    flagged = (per["loaded"] | per["same"]).to_numpy(dtype=bool)
    codes = np.intersect1d(per["unit"].to_numpy(dtype=np.int64)[cheap], proven.to_numpy(dtype=np.int64))
    at = np.flatnonzero(ok & np.isin(unit, codes))
    timed = graph.timed
    if timed is not None:
        at = at[timed[at]]
    here = flagged & per["unit"].isin(codes).to_numpy()
    pair = pd.MultiIndex.from_arrays([unit[at].astype(np.int64), person[at].astype(np.int64)])
    ring = pair.isin(pd.MultiIndex.from_frame(per.loc[here & ~cheap, ["unit", "person"]]))  # the kept cards' claims
    other = ~pair.isin(pd.MultiIndex.from_frame(per.loc[here, ["unit", "person"]]))  # the clientele's
    if not ring.any() or not other.any():
        return none
    minute = graph.visits.column("minute")[at].astype(np.int64)
    minute -= int(minute.min())
    key = graph.visits.column("venue")[at].astype(np.int64) * (int(minute.max()) + 2 * gap + 1) + minute
    sessions = np.sort(key[ring])
    i = np.searchsorted(sessions, key[other])
    after = sessions[np.minimum(i, len(sessions) - 1)] - key[other]
    before = key[other] - sessions[np.maximum(i - 1, 0)]
    near = ((i < len(sessions)) & (after <= gap)) | ((i > 0) & (before <= gap))
    frame = pd.DataFrame({"unit": unit[at][other], "person": person[at][other], "near": near})
    share = frame.groupby(["unit", "person"], sort=True)["near"].mean()
    return share[share.to_numpy() >= SESSION_SHARE].reset_index()[["unit", "person"]]


def _gains(
    claims: np.ndarray, person: np.ndarray, excess: np.ndarray, members: np.ndarray, graph: ClaimGraph
) -> np.ndarray:
    """Per member (``members``, sorted): what its ``claims`` cost above the usual cost of their kind, summed
    (``total_amount`` times ``1 - exp(-excess)``, as :func:`_excess_share`)."""
    total = pd.to_numeric(graph.data.claims["total_amount"].iloc[claims], errors="coerce").to_numpy(dtype=float)
    gain = pd.Series(total * -np.expm1(-excess[claims])).groupby(person[claims]).sum()
    return gain.reindex(members).fillna(0.0).to_numpy(dtype=float)


def _cards_per_unit(uses: cards.CardUses, ok: np.ndarray) -> np.ndarray:
    """Distinct persons billed at each unit code (index: the unit code) in the claims ``ok`` (a claim mask).

    ``uses`` are the run's (institution, card) pairs (:func:`graphfraud.detect.cards.run_uses`): a pair
    counts unless all its claims are outside ``ok`` (few are: those without an amount or a card).

    >>> uses = cards.CardUses(np.array([10, 16, 17, 18]), np.array([0, 2, 2, 2]), np.array([4, 5, 6, 7]),
    ...                       np.array([2, 1, 1, 1]), np.array([10, 10, 16, 17, 18]), 3, np.arange(8))
    >>> _cards_per_unit(uses, np.array([True, True, True, True, False])).tolist()
    [1, 0, 2]
    """
    outside = np.zeros(len(uses.keys), dtype=np.int64)
    for at in range(0, len(ok), _ROWS_AT_ONCE):  # a slice of claims at a time: no lookup of every claim at once
        off = uses.key[at : at + _ROWS_AT_ONCE][~ok[at : at + _ROWS_AT_ONCE]]
        outside += np.bincount(np.searchsorted(uses.keys, off), minlength=len(uses.keys))
    counted = (uses.person >= 0) & (outside < uses.claims)
    return np.bincount(uses.unit[counted], minlength=int(uses.unit.max(initial=-1)) + 1)


def _key(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One code per distinct pair ``(a, b)`` of codes (``b`` >= -1; different pairs, different codes).

    >>> _key(np.array([0, 0, 1, -1]), np.array([0, 1, 0, -1])).tolist()
    [1, 2, 4, -3]
    """
    key = a.astype(np.int64)  # one array of the claims' length, not four (ten million claims: 80 MB each)
    key *= int(b.max(initial=0)) + 2
    key += b
    key += 1
    return key


def _proven(by_unit: pd.DataFrame, params: CardLoadParams) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """The peer rate and binomial tail of each institution, and the institutions proven (rows of ``by_unit``).

    An institution's peers are the other institutions of its group, less those proven against all of them:
    two collectors' pharmacies in one county would each raise the other's baseline.  That is done once, not
    until nothing changes: each round lowers the rates, and repeated it would end by proving ordinary
    institutions against peers cleared of every one of their own kind.
    """
    k, n, group = by_unit["flagged"], by_unit["cards"], by_unit["group"]
    # the peers' rate leaves out their spread cards (loaded on their purchases at several pharmacies together): a
    # collector's cards spread over three shops are his, and counted at each would raise every shop's baseline
    alone = k - by_unit["spread"] if "spread" in by_unit else k
    proven = pd.Series(False, index=by_unit.index)
    for _ in range(2):
        kk, nn = alone.where(~proven, 0), n.where(~proven, 0)
        gk = kk.groupby(group).transform("sum") - kk
        gn = nn.groupby(group).transform("sum") - nn
        rate = (gk / gn.clip(lower=1)).clip(lower=1e-6, upper=1 - 1e-6)
        tail = pd.Series(binom.sf(k.to_numpy() - 1, n.to_numpy(), rate.to_numpy()), index=k.index)
        proven = (k >= params.min_cards) & (tail <= params.max_chance)
    return rate, tail, by_unit[proven]


def _set_cards(members: np.ndarray, seeds: np.ndarray, times: pd.Series) -> dict[str, object]:
    """The evidence a set candidate (step 127's shops, step 136's hospitals) gives of its cards: how many times a
    seed was billed so at an institution (median), and which members joined it billed the same way without being
    seeds (``same``; the rest are ``spread``); no joined rate is tested for a set."""
    same = ~np.isin(members, seeds)
    return {
        "times": float(np.median(times.to_numpy())),
        "same": same,
        "joined": int(same.sum()),
        "spread": ~same,
        "joined_rate": float("nan"),
        "joined_chance": float("nan"),
    }
