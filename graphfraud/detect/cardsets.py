"""Cards prescribed dear at several large hospitals (倒卖医保药品：持他人医保卡在多家三甲医院代开药): one operator's sets.

Targets the drug reseller (药贩子) who holds dozens of bought or borrowed cards and takes a few of them at a time to
one of his two to four large hospitals (三级医院), where a doctor prescribes dear drugs on each (insulin, clopidogrel,
安宫牛黄丸, double quantities) that he then sells on.  Each hospital sees a card twice or so in half a year, at a cost
its other outpatients rarely reach, among tens of thousands of cards: no hospital's own test (:mod:`cardload`'s
loaded cards, :mod:`covisit`'s batches) holds more than a piece of his cards, and the pieces at his hospitals share
few cards.  What he cannot hide is the **set**: his cards are billed dear at the same few hospitals, while an
ordinary patient with a dear prescription has it at one hospital (his own specialist's).

A card's claim is **dear** at a facility when it is not an inpatient stay and costs ``hospital_ratio`` times the
facility's median such claim or more.  The facilities judged are the large hospitals (``level`` 3); an export
without ``level`` judges every hospital (``kind``), or, without ``kind`` either, every facility, and leaves the
separation to the chance test.  A card is a **seed** of the exact set of judged facilities where it has a dear
claim, when that set holds ``hospitals`` of them or more.  A set is **proven** when it holds ``min_cards`` seeds or
more, a number unlikely (binomial tail <= ``max_chance``) if each card had a dear claim at each of its hospitals
independently, at that hospital's own rate of such cards.  A seed needs **repeated** dear claims, ``hospital_repeat``
(2) or more at one hospital of its set: a reseller's card is prescribed for again and again (代开药, fifthworld's 1.5-7
a hospital), while a patient a doctor steers to dear care at two large hospitals is billed once at each (the synth
grid's kickback patients); a card whose dear claims do not repeat may still join a proven group as a member.

A reseller with four hospitals takes each card to a different few of them, so his cards fall into several sets;
two proven sets that share a hospital are **one operator's** when the days their seeds were billed dear there
coincide beyond chance (Poisson tail <= ``hospital_link`` over the shared hospitals: a session brings several of
his cards at once, whatever set each falls in), and two resellers sharing a hospital come on their own days.
Each group of linked sets is one result, with the cards left in no proven set whose own set lies within its hospitals
(within those of the group of the fewest hospitals, where several groups' hold it: its own set's group).

Benign look-alikes it leaves alone: a chronic patient's dear regimen at his one hospital (one hospital, not a set),
a patient referred between two specialists (a few such cards, at the rate the hospitals' own dear cards give),
day-ward chemotherapy (inpatient stays).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from graphfraud.stats import binom, poisson


@dataclass(frozen=True)
class HospitalSet:
    """One operator's cards spread over a set of large hospitals (:func:`hospital_sets`).

    Attributes
    ----------
    units : tuple of int
        The hospitals (facility codes) of the group's proven sets, sorted.
    seeds : ndarray
        The cards of its proven sets, sorted.
    members : ndarray
        The seeds and the cards joined on their own set within ``units``, sorted.
    sets : int
        Proven sets linked into the group.
    expected : float
        Seeds chance gives its largest set (its cards times the product of the hospitals' rates).
    tail : float
        The largest set's binomial tail.
    """

    units: tuple[int, ...]
    seeds: np.ndarray
    members: np.ndarray
    sets: int
    expected: float
    tail: float


def hospital_sets(
    unit: np.ndarray,
    card: np.ndarray,
    day: np.ndarray,
    ratio: np.ndarray,
    *,
    hospital_ratio: float = 5.0,
    hospitals: int = 2,
    min_cards: int = 5,
    max_chance: float = 0.001,
    hospital_link: float = 0.001,
    hospital_repeat: int = 2,
) -> list[HospitalSet]:
    """Groups of cards billed dear at the same large hospitals, from the judged facilities' non-inpatient claims:
    facility code ``unit``, ``card``, ``day`` (int) and cost over the facility's median such claim (``ratio``).

    Parameters
    ----------
    unit, card, day : ndarray of int
        Per claim.
    ratio : ndarray of float
        Per claim, its cost over the median of its facility's non-inpatient claims.
    hospital_ratio : float, default 5.0
        A claim at this many times its facility's median or more is dear.
    hospitals : int, default 2
        Fewest hospitals with a dear claim of a seed card.
    min_cards : int, default 5
        Fewest seeds of a proven set.
    max_chance : float, default 0.001
        Largest binomial tail of a proven set's seeds.
    hospital_link : float, default 0.001
        Largest Poisson tail of the days two proven sets' seeds share at their common hospitals.
    hospital_repeat : int, default 2
        Fewest dear claims of a seed card at one hospital of its set (1: any card with its set): a reseller's card
        is prescribed for again and again (代开药), a patient steered to two large hospitals is billed once at each.

    Returns
    -------
    list of HospitalSet
        Most seeds first; a card in one group only.

    Examples
    --------
    >>> u = np.r_[np.tile([0, 1], 12), np.arange(2000) % 2]  # six cards dear twice at each of two hospitals,
    >>> c = np.r_[np.repeat(np.arange(6), 4), np.arange(6, 2006)]  # on the same days; 2,000 patients of one visit
    >>> d = np.r_[np.tile([3, 3, 9, 9], 6), np.arange(2000) % 180]
    >>> x = np.r_[np.full(24, 8.0), np.ones(2000)]
    >>> [(s.units, s.members.tolist()) for s in hospital_sets(u, c, d, x)]
    [((0, 1), [0, 1, 2, 3, 4, 5])]
    >>> hospital_sets(u, c, d, x, hospital_ratio=10.0)  # under the ratio: no seed
    []
    >>> hospital_sets(u, c, d, x, hospital_repeat=3)  # each card dear twice a hospital: none a seed at 3
    []
    """
    if hospitals < 2 or not len(unit):
        return []
    holders = _distinct(card)
    dear = ratio >= hospital_ratio
    f = pd.DataFrame({"u": unit[dear].astype(np.int64), "p": card[dear].astype(np.int64), "d": day[dear]})
    pairs = f.groupby(["p", "u"]).size().rename("n").reset_index().sort_values(["p", "u"])
    rate = pairs.groupby("u").size() / max(holders, 1)  # each hospital's own rate of cards with a dear claim
    pairs = pairs[pairs.groupby("p")["u"].transform("size").to_numpy() >= hospitals]  # (before a tuple per card)
    if pairs.empty:
        return []
    of_card = pairs.groupby("p")["u"].apply(lambda s: tuple(int(x) for x in s))
    repeated = pairs.groupby("p")["n"].max().reindex(of_card.index).to_numpy() >= hospital_repeat
    proven = []
    for units, mine in of_card[repeated].groupby(of_card[repeated], sort=True):
        p = float(np.prod(rate.reindex(list(units)).to_numpy()))
        tail = float(binom.sf(len(mine) - 1, holders, p))
        if len(mine) >= min_cards and tail <= max_chance:
            proven.append((units, np.sort(mine.index.to_numpy(np.int64)), holders * p, tail))
    if not proven:
        return []
    open_days = pd.DataFrame({"u": unit, "d": day}).drop_duplicates().groupby("u").size()
    groups = _link([(s, seeds) for s, seeds, _, _ in proven], f, open_days, hospital_link)
    return _grouped(proven, groups, of_card)


def _link(
    proven: list[tuple[tuple[int, ...], np.ndarray]], dear: pd.DataFrame, open_days: pd.Series, chance: float
) -> list[int]:
    """Per proven set: its group (the smallest index of the sets it is linked to, directly or not).  Two sets
    sharing a hospital are linked when their seeds' dear days there coincide beyond chance: observed shared
    (hospital, day) pairs against the sum over the shared hospitals of ``days_a * days_b / open_days``."""
    events = [set(zip(*dear.loc[dear["p"].isin(seeds), ["u", "d"]].to_numpy().T.tolist())) for _, seeds in proven]
    group = list(range(len(proven)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i, (a, _) in enumerate(proven):
        for j in range(i + 1, len(proven)):
            common = set(a) & set(proven[j][0])
            if not common:
                continue
            mine = [{e for e in events[i] if e[0] == h} for h in common]
            theirs = [{e for e in events[j] if e[0] == h} for h in common]
            both = sum(len(x & y) for x, y in zip(mine, theirs))
            mu = sum(len(x) * len(y) / max(int(open_days.get(h, 1)), 1) for h, x, y in zip(common, mine, theirs))
            if both >= 2 and float(poisson.sf(both - 1, mu)) <= chance:
                ri, rj = root(i), root(j)
                group[max(ri, rj)] = min(ri, rj)
    return [root(i) for i in range(len(proven))]


def _grouped(
    proven: list[tuple[tuple[int, ...], np.ndarray, float, float]], groups: list[int], of_card: pd.Series
) -> list[HospitalSet]:
    """The linked sets as :class:`HospitalSet`, each with the unproven cards whose set lies within its hospitals
    (where several groups' hold it, the group of the fewest hospitals, if one: step 143); most seeds first."""
    found = []
    for g in sorted(set(groups)):
        mine = [proven[i] for i in range(len(proven)) if groups[i] == g]
        units = tuple(sorted({u for s, _, _, _ in mine for u in s}))
        seeds = np.unique(np.concatenate([s for _, s, _, _ in mine]))
        best = max(mine, key=lambda x: (len(x[1]), x[0]))
        found.append((units, seeds, len(mine), best[2], best[3]))
    held = np.unique(np.concatenate([x[1] for x in found]))
    left = of_card[~of_card.index.isin(held)]
    joined: dict[int, list[int]] = {}
    for card, units in left.items():
        within = [k for k, x in enumerate(found) if set(units) <= set(x[0])]
        fewest = [k for k in within if len(found[k][0]) == min(len(found[j][0]) for j in within)]
        if len(fewest) == 1:  # the group of the fewest hospitals holding its set (its own, where two hold it)
            joined.setdefault(fewest[0], []).append(int(card))
    out = [
        HospitalSet(units, seeds, np.union1d(seeds, np.asarray(joined.get(k, []), dtype=np.int64)), n, e, t)
        for k, (units, seeds, n, e, t) in enumerate(found)
    ]
    return sorted(out, key=lambda s: (-len(s.seeds), s.units))


def _distinct(values: np.ndarray) -> int:
    """How many distinct int ``values``: ``len(np.unique(values))``, by a count per value where they are codes
    from 0 over a range not much larger than their number (cards: no sort of every judged claim's card).

    >>> _distinct(np.array([3, 1, 3, 0])), _distinct(np.array([-2, 10**12, -2]))
    (3, 2)
    """
    values = np.asarray(values)
    if len(values) and values.dtype.kind in "iu" and values.min() >= 0 and values.max() <= 4 * len(values) + 1024:
        return int(np.count_nonzero(np.bincount(values)))
    return len(np.unique(values))
