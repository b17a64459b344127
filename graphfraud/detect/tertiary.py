"""Cards billed dear at several tertiary hospitals (倒卖医保药品: a 药贩子 takes other people's cards round the 3A hospitals).

Targets a drug reseller who holds dozens of cards (employees of the city, elders of a few 小区, people insured
elsewhere) and takes a handful of them every few days to one of the city's tertiary hospitals, where a doctor of
内分泌, 心内 or 肿瘤 prescribes insulin, clopidogrel, rivaroxaban or 安宫牛黄丸 on each, in double quantities, for
resale.  Each card is billed only once or twice at each hospital, so no institution sees a loaded card
(:mod:`graphfraud.detect.cardload` wants ``min_claims`` at one), and his cards never meet a patient.  What a card
cannot hide is where it is dear: an ordinary patient's dear outpatient visit is at the one hospital that treats
him; the reseller's cards are each dear at two hospitals or more (fifthworld: 31-69 cards a reseller, no ordinary
card at 5x in the eleven worlds measured, ``docs/detection.md`` step 135).

- A claim is **dear** at a tertiary facility (``level`` 3; every facility where the export carries no level) when
  it is not an inpatient stay and costs ``hospital_ratio`` times the facility's median non-inpatient claim or more.
- A card is a **seed** when it has dear claims at ``hospital_spread`` tertiary institutions or more.
- The seeds are tested against chance: were each card dear at each hospital independently, at that hospital's own
  rate of such cards (the seeds' own counted in it), the share of cards dear at ``hospital_spread`` of them is the
  elementary symmetric sum of the rates; ``min_cards`` seeds or more, with a binomial tail at most ``max_chance``
  among the cards billed outpatient care at facilities, make candidates: one per connected part of the seeds, two
  seeds linked when they are dear at :data:`SHARED_HOSPITALS` of the same hospitals, each with its dear claims there.

Benign look-alikes it leaves alone: a patient of two specialists at two hospitals (a few such cards, within the
hospitals' rates), a cancer patient's dear visits at the one hospital that treats him (one hospital), a dialysis
chain (its sessions are its centres' median claim), an export without times or levels (every facility counts, and
the chance test at every facility's rate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.detect import cards
from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import ClaimGraph
from graphfraud.params import CardLoadParams
from graphfraud.stats import binom

NAME = "cardload"
#: Two seeds are one reseller's when the hospitals they are dear at share this many or more (:func:`_parts`).
SHARED_HOSPITALS = 2


def dear_claims(graph: ClaimGraph, ratio: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The claims dear at tertiary facilities: ``(rows, unit, ratio_to_median, holders)``.

    ``rows`` are claim rows, ``unit`` their institution, ``ratio_to_median`` their cost over the facility's median
    non-inpatient claim; ``holders`` are the person codes with a non-inpatient facility claim (the population the
    chance test draws from).
    """
    t = graph.visits.table
    venue = t["venue"].to_numpy()
    person = t["person"].to_numpy().astype(np.int64)
    unit, kind = cards.institutions(graph)
    at = venue >= 0
    facility = np.zeros(len(t), dtype=bool)
    facility[at] = kind[unit[venue[at]]] != cards.PHARMACIES
    rows = np.flatnonzero(facility & (person >= 0) & ~t["inpatient"].to_numpy().astype(bool))
    none = np.zeros(0, dtype=np.int64)
    if not len(rows):
        return none, none, np.zeros(0), none
    holders = np.unique(person[rows])
    tertiary = _tertiary(graph, len(graph.visits.venues))
    total = pd.to_numeric(graph.data.claims["total_amount"], errors="coerce").to_numpy(dtype=float)
    amount = total[t["claim"].to_numpy()[rows]]
    median = pd.Series(amount).groupby(venue[rows]).median()
    over = amount / median.reindex(venue[rows]).to_numpy()
    keep = tertiary[venue[rows]] & np.isfinite(over) & (over >= ratio)
    return rows[keep], unit[venue[rows[keep]]], over[keep], holders


def _tertiary(graph: ClaimGraph, venues: int) -> np.ndarray:
    """Per venue code: a facility of level 3, or any facility where the export carries no level."""
    fac = graph.data.facilities
    ids = pd.Series(graph.visits.venues.ids, dtype=object)
    if "level" not in fac or not fac["level"].notna().any():
        return np.ones(venues, dtype=bool)
    level = pd.to_numeric(fac.set_index("facility_id")["level"], errors="coerce")  # (3, "3" or 3.0 alike)
    return ids.map(level).eq(3).fillna(False).to_numpy(dtype=bool)


def symmetric_share(rates: np.ndarray, k: int) -> float:
    """The elementary symmetric sum of order ``k`` of ``rates``: the share of cards dear at ``k`` of the hospitals
    were each card dear at each independently at its rate (to first order, for small rates).

    >>> round(symmetric_share(np.array([0.1, 0.2, 0.3]), 2), 4)  # 0.02 + 0.03 + 0.06
    0.11
    """
    e = np.zeros(k + 1)
    e[0] = 1.0
    for r in rates:
        e[1:] = e[1:] + r * e[:-1]
    return float(e[k])


def tertiary_candidates(graph: ClaimGraph, params: CardLoadParams) -> list[Candidate]:
    """Candidates of cards dear at several tertiary hospitals beyond chance (see the module).

    Parameters
    ----------
    graph : ClaimGraph
    params : CardLoadParams
        ``hospital_ratio`` (0: off), ``hospital_spread``, ``min_cards``, ``max_chance``.

    Returns
    -------
    list of Candidate
        Detector ``cardload``, headline ``card_load``; evidence as step 127's spread sets (``flagged`` the seeds,
        ``institutions`` the hospitals they are dear at, ``spread_expected`` the count chance gives, ``chance``)
        with ``hospitals`` (how many they are dear at), ``hospital_spread``, ``typology`` ``card_collector`` and
        ``ratio`` the ``hospital_ratio``.

    Examples
    --------
    >>> from graphfraud.graph.build import build_graph
    >>> from graphfraud.synth import toy
    >>> tertiary_candidates(build_graph(toy.staged_clinic()[0]), CardLoadParams())  # one clinic: no spread
    []
    """
    if not params.hospital_ratio:
        return []
    rows, unit, over, holders = dear_claims(graph, params.hospital_ratio)
    if not len(rows) or not len(holders):
        return []
    person = graph.visits.table["person"].to_numpy().astype(np.int64)
    pairs = pd.DataFrame({"p": person[rows], "u": unit}).drop_duplicates()
    rates = pairs.groupby("u").size().to_numpy() / len(holders)
    share = symmetric_share(rates, params.hospital_spread)
    spread = pairs.groupby("p")["u"].transform("size").to_numpy() >= params.hospital_spread
    seeds = np.unique(pairs["p"].to_numpy()[spread])
    if len(seeds) < params.min_cards:
        return []
    chance = float(binom.sf(len(seeds) - 1, len(holders), share))
    if chance > params.max_chance:
        return []
    out = []
    for part in _parts(pairs[spread]):
        if len(part) < params.min_cards:
            continue
        mine = np.isin(person[rows], part)
        found = _candidate(graph, part, rows[mine], unit[mine], over[mine], len(holders) * share, share, chance, params)
        out.append(found)
    return out


def _parts(pairs: pd.DataFrame, shared: int = SHARED_HOSPITALS) -> list[np.ndarray]:
    """The seeds (``p``) in parts: two seeds are linked when the hospitals (``u``) they are dear at share ``shared``
    or more (one reseller's cards go round his hospitals; two resellers sharing one hospital stay apart, fifthworld
    3); connected parts, each sorted, largest first (ties by their first card).

    >>> pairs = pd.DataFrame({"p": [1, 1, 2, 2, 3, 3, 3, 4, 4], "u": [0, 1, 0, 1, 0, 1, 2, 2, 3]})
    >>> [s.tolist() for s in _parts(pairs, 2)]  # 4 shares only hospital 2 with 3
    [[1, 2, 3], [4]]
    """
    sets = pairs.groupby("p")["u"].apply(lambda u: frozenset(int(x) for x in u))
    distinct = sorted(set(sets), key=sorted)
    parent = list(range(len(distinct)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(distinct)):  # (distinct sets of hospitals: few, however many the seeds)
        for j in range(i + 1, len(distinct)):
            if len(distinct[i] & distinct[j]) >= shared:
                parent[root(i)] = root(j)
    at = {h: k for k, h in enumerate(distinct)}
    label = pd.Series([root(at[h]) for h in sets], index=sets.index)
    parts = [np.sort(m.index.to_numpy(dtype=np.int64)) for _, m in label.groupby(label)]
    return sorted(parts, key=lambda s: (-len(s), int(s[0])))


def _candidate(graph: ClaimGraph, seeds: np.ndarray, rows: np.ndarray, unit: np.ndarray, over: np.ndarray,
               expected: float, share: float, chance: float, params: CardLoadParams) -> Candidate:  # fmt: skip
    """One part's candidate: its seeds with their dear claims at the hospitals, evidence as step 127's."""
    t = graph.visits.table
    person = t["person"].to_numpy().astype(np.int64)[rows]
    total = pd.to_numeric(graph.data.claims["total_amount"], errors="coerce").to_numpy(dtype=float)
    amount = total[t["claim"].to_numpy()[rows]]
    gains = pd.Series(amount * (1.0 - 1.0 / over)).groupby(person).sum().reindex(seeds).fillna(0.0).to_numpy()
    hospitals = np.unique(unit)
    venue = t["venue"].to_numpy()
    billed = float(np.nansum(total[t["claim"].to_numpy()[np.isin(venue, hospitals) & (venue >= 0)]]))
    times = pd.Series(rows).groupby([person, unit]).size()
    return Candidate(
        NAME,
        seeds,
        np.sort(rows).astype(np.int64),
        {
            "headline": "card_load",
            "typology": "card_collector",  # cards taken round without their holders (outpatient claims though)
            "flagged": int(len(seeds)),
            "cards": int(len(np.unique(t["person"].to_numpy()[np.isin(venue, hospitals)]))),
            "peer_rate": share,  # a card's chance of being dear at hospital_spread of the hospitals
            "chance": chance,
            "share": float(gains.sum() / billed) if billed > 0 else 0.0,
            "card_ratio": float(np.median(over)),
            "times": float(np.median(times.to_numpy())),
            "same": np.zeros(len(seeds), dtype=bool),
            "joined": 0,
            "spread": np.ones(len(seeds), dtype=bool),
            "joined_rate": float("nan"),
            "joined_chance": float("nan"),
            "min_claims": 1,
            "ratio": params.hospital_ratio,
            "gains": gains,
            "billed": billed,
            "institutions": int(len(hospitals)),
            "shared": int(len(seeds)),
            "spread_expected": float(expected),
            # step 135: dear at several tertiary hospitals (detect.tertiary), not a shop set's baskets
            "hospitals": int(len(hospitals)),  # (``institutions`` is recounted when step 91 joins rings)
            "hospital_spread": params.hospital_spread,
        },
        params.__dict__.copy(),
    )
