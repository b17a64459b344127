"""Kickbacks where no visit names its doctor: the visit's diagnosis stands in for the prescriber.

Used by the steering detector (:func:`graphfraud.detect.steering.detect`) only when the export names no doctor
(``claims.doctor_id`` absent or empty: no doctor's patients to compare, docs/detection.md step 17) and gives
diagnoses.  A kickback pays for a drug, and a drug is prescribed for an indication: the patients a doctor sends carry the
diagnosis the drug treats, and each buys dear for it within days of the visit, while the shop next to the
hospital fills every diagnosis of the hospital at ordinary prices.  So per (facility, diagnosis of the outpatient
visit, pharmacy) -- a *triple* -- the persons with such a visit who bought at the pharmacy within ``days`` days
after it are its buyers, and those of them with a purchase there of at least :data:`RATIO` times the median
pharmacy purchase of the purchase's diagnosis are its dear buyers.  The share of dear buyers over all triples of
the diagnosis is the chance; a triple is a candidate (typology ``kickback``, 处方引流) when it has at least
:data:`MIN_DEAR` dear buyers and that many is unlikely: the binomial tail at the diagnosis's share, times the
number of triples with a dear buyer (a Bonferroni bound), at most :data:`MAX_CHANCE`.  The triples of one
payer -- a pharmacy, or a chain's shops (:func:`graphfraud.detect.cards.institutions`) -- are one candidate, as
a chain that pays the doctors of two sites is one scheme (thirdworld ``multisite_steering``).  Its members are
the dear buyers; its claims their dear purchases there after such a visit and the visits they followed (so the
facilities and the pharmacies are members).  ``benchmarks/kickback_triples.py`` measures the same numbers on a world.

Benign look-alikes it leaves alone: the shop next door (many of the facility's patients, at ordinary prices);
a dear diagnosis (the median is the diagnosis's own); a patient whose drug is dear wherever he buys it (every
triple of his diagnosis has such buyers, so the share is high).  Not left alone: a designated (双通道) pharmacy
whose drug is the only dear one of its diagnosis, seen here without a doctor to judge its market by (step 65).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from graphfraud.stats import binom

from graphfraud.detect.candidate import Candidate
from graphfraud.detect.cards import institutions
from graphfraud.graph.build import ClaimGraph

#: A purchase is dear at this many times the median pharmacy purchase of its diagnosis.
RATIO = 4.0

#: A triple needs this many dear buyers (the card detectors' ``min_cards``): a handful is no scheme to report.
MIN_DEAR = 5

#: The most chance allowed (binomial tail x the triples with a dear buyer): the card detectors' ``max_chance``.
MAX_CHANCE = 0.001

#: A purchase within this many days after the visit follows it (the card detectors' ``follow_days``).
DAYS = 3


def named_no_doctor(graph: ClaimGraph) -> bool:
    """Whether the export names no doctor at any visit (steering cannot be measured) but gives diagnoses."""
    claims = graph.data.claims
    if "diagnosis" not in claims or not claims["diagnosis"].notna().any():
        return False
    return not bool((graph.visits.column("doctor") >= 0).any())


def diagnoses(graph: ClaimGraph) -> tuple[np.ndarray, np.ndarray]:
    """Each claim's diagnosis code (sorted order; a missing diagnosis is the empty text) and the codes' texts."""
    codes, names = pd.factorize(graph.data.claims["diagnosis"].fillna("").astype(str), sort=True)
    return codes, np.asarray(names)


def usual_price(price: np.ndarray, diagnosis: np.ndarray, shop: np.ndarray, *, least: int = MIN_DEAR) -> np.ndarray:
    """Each purchase's usual price: the median purchase of its diagnosis at the *other* pharmacies.

    A shop that sells ``least`` purchases of a diagnosis or more is judged by what the diagnosis costs
    elsewhere: where a kickback's shop sells most of a diagnosis (a 中医院 doctor's 中药饮片 for 胃炎 filled at one
    中药房), the diagnosis's median is that shop's own price and no purchase of it is dear against it (docs/detection.md
    step 154).  A shop with fewer, or a diagnosis no other shop sells, keeps the diagnosis's median over all shops.

    Examples
    --------
    >>> price = np.array([10.0, 10.0, 12.0, 50.0, 50.0, 50.0])
    >>> usual_price(price, np.zeros(6, dtype=int), np.array([0, 1, 2, 3, 3, 3]), least=3).tolist()
    [31.0, 31.0, 31.0, 10.0, 10.0, 10.0]
    """
    usual = pd.Series(price).groupby(diagnosis).transform("median").to_numpy(dtype=float, copy=True)
    order = np.lexsort((shop, diagnosis))
    bounds = np.flatnonzero(np.diff(diagnosis[order])) + 1
    for rows in np.split(order, bounds):
        shops, counts = np.unique(shop[rows], return_counts=True)
        for s in shops[counts >= least]:
            mine = shop[rows] == s
            if mine.all():  # the diagnosis is billed at this shop alone: the other shops' purchases of any diagnosis
                others = price[shop != s]
                usual[rows] = float(np.median(others)) if len(others) else usual[rows]
            else:
                usual[rows[mine]] = float(np.median(price[rows[~mine]]))
    return usual


def triples(graph: ClaimGraph, *, ratio: float = RATIO, days: int = DAYS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per (facility, diagnosis, pharmacy): ``buyers``, ``dear`` buyers, the diagnosis's ``base`` share, ``chance``.

    Returns the triples (sorted by ``chance``, then the codes) and the matched (purchase, visit) rows of the
    dear purchases (columns ``facility``, ``diagnosis``, ``pharmacy``, ``person``, ``buy``, ``visit``).
    """
    claims = graph.data.claims
    v = graph.visits
    venue, kind, person, day = v.column("venue"), v.column("kind"), v.column("person"), v.column("day")
    total = claims["total_amount"].to_numpy(dtype=float)
    diagnosis = diagnoses(graph)[0]
    buys = np.flatnonzero((kind == 1) & (person >= 0))
    usual = usual_price(total[buys], diagnosis[buys], venue[buys], least=MIN_DEAR)
    dear = total[buys] >= ratio * np.maximum(usual, 0.01)
    outpatient = (claims["visit_type"] == "outpatient").to_numpy(dtype=bool, na_value=False)
    seen = np.flatnonzero((kind == 0) & outpatient & (person >= 0))
    bought = pd.DataFrame({"buy": buys, "person": person[buys], "day": day[buys].astype(np.int64), "dear": dear})
    visits = pd.DataFrame({"visit": seen, "person": person[seen], "seen": day[seen].astype(np.int64)})
    # each purchase with the visits of the same person on its day and the ``days`` before, one day at a time: a
    # merge on the person alone would pair every purchase with every visit of a chronic patient's year
    both = pd.concat(
        [bought.assign(seen=bought["day"] - k).merge(visits, on=["person", "seen"]) for k in range(days + 1)],
        ignore_index=True,
    )
    both = both.assign(
        facility=venue[both["visit"].to_numpy()],
        diagnosis=diagnosis[both["visit"].to_numpy()],
        pharmacy=venue[both["buy"].to_numpy()],
    )
    keys = ["facility", "diagnosis", "pharmacy"]
    per = both.groupby([*keys, "person"], sort=True)["dear"].any().reset_index()
    base = per.groupby("diagnosis")["dear"].mean().clip(1e-4, 1 - 1e-4)
    out = per.groupby(keys, sort=True)["dear"].agg(buyers="size", dear="sum").reset_index()
    out["base"] = out["diagnosis"].map(base).to_numpy()
    tested = int((out["dear"] >= 1).sum())
    out["chance"] = binom.sf(out["dear"] - 1, out["buyers"], out["base"]) * max(tested, 1)
    out.attrs["tested"] = tested
    return out.sort_values(["chance", *keys], kind="stable").reset_index(drop=True), both[both["dear"]]


def detect(
    graph: ClaimGraph, name: str, *, ratio: float = RATIO, days: int = DAYS, min_dear: int = MIN_DEAR,
    max_chance: float = MAX_CHANCE,
) -> list[Candidate]:  # fmt: skip
    """One kickback candidate (detector ``name``) per payer (a pharmacy or a chain) of the triples with ``min_dear``
    dear buyers or more, at most ``max_chance`` likely; nothing when the export names a doctor or gives no
    diagnosis.  The candidate's sentence is its strongest triple's, with how many more passed (``more``)."""
    if not named_no_doctor(graph):
        return []
    t, dear = triples(graph, ratio=ratio, days=days)
    hits = t[(t["dear"] >= min_dear) & (t["chance"] <= max_chance)]
    if hits.empty:
        return []
    names = diagnoses(graph)[1]
    params = {"ratio": ratio, "follow_days": days, "min_dear": min_dear, "max_chance": max_chance}
    unit = institutions(graph)[0]  # a chain's shops are one payer: its triples are one organisation
    hits = hits.assign(payer=unit[hits["pharmacy"].to_numpy()])
    out = []
    for _, group in hits.groupby("payer", sort=True):
        row = group.sort_values(["chance", "facility", "diagnosis", "pharmacy"], kind="stable").iloc[0]
        f, d, p = int(row["facility"]), int(row["diagnosis"]), int(row["pharmacy"])
        n, k, base = int(row["buyers"]), int(row["dear"]), float(row["base"])
        mine = dear.merge(group[["facility", "diagnosis", "pharmacy"]], on=["facility", "diagnosis", "pharmacy"])
        share = k / n
        evidence: dict[str, object] = {
            "typology": "kickback",
            "headline": "indication",
            "shop": p,
            "site": f,
            "diagnosis": str(names[d]),
            "buyers": n,
            "patients": k,
            "share": share,
            "peer_share": base,
            "lift": share / base,
            "z": (k - n * base) / float(np.sqrt(n * base * (1 - base))),
            "chance": float(row["chance"]),
            "tested": int(t.attrs["tested"]),
            "ratio": ratio,
            "follow_days": days,
        }
        claims = np.unique(np.concatenate([mine["buy"].to_numpy(), mine["visit"].to_numpy()])).astype(np.int64)
        persons = np.unique(mine["person"].to_numpy()).astype(np.int64)
        if len(group) > 1:  # the chain's other triples: other facilities, diagnoses or shops of the same payer
            evidence |= {"more": len(group) - 1, "persons": len(persons)}
        out.append(Candidate(name, persons, claims, evidence, params))
    return out
