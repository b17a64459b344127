"""Designated pharmacies (双通道, DTP): where a drug's buyers go whoever prescribes it.

A doctor whose patients nearly all buy at one pharmacy looks like a kickback
(:mod:`graphfraud.detect.steering`).  It is not one when the pharmacy is where
*everybody* buys that kind of drug: a cancer drug dispensed under 双通道 is
sold at the few pharmacies designated for it, so an oncologist's patients go
there because the whole city's patients of that drug go there, whichever
doctor wrote the prescription.  A kickback pharmacy gets one or two doctors'
patients, while the city's other patients of the same drugs buy them
elsewhere.

So the doctor's share is compared with the pharmacy's **share of the market**
of what the steered patients bought: among the high-value pharmacy purchases
(at or above the steering threshold) of the same diagnosis family, by persons
who are *not* this doctor's patients, the share made at this pharmacy.  The
diagnosis family of a pharmacy claim names what the drug is for (处方诊断); the
fee lines' item codes would be finer, but a ten-million-claim run does not
keep them (``graphfraud.pipeline.UNUSED_COLUMNS``).

The other colluder of a two-doctor kickback counts in the market too: what
hides him is only a market that he and the doctor make up alone (no one else
in the city buys those drugs); then the data hold no sign that the pharmacy
was chosen (``tests/score/test_designated.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import Visits
from graphfraud.graph.events import distinct
from graphfraud.score.features import ClaimFacts, in_sorted


@dataclass(frozen=True)
class Market:
    """The pharmacy's share of the market of a steering candidate's purchases.

    ``share``: of the market's buyers who are not the doctor's patients, the
    share who bought at the pharmacy (weighted by the candidate's purchases of
    each diagnosis family); ``buyers``: how many such buyers (same weights);
    ``diagnosis``: the candidate's commonest purchase diagnosis family.
    """

    share: float
    buyers: float
    diagnosis: str


def high_value_purchases(facts: ClaimFacts, min_fund: float) -> pd.DataFrame:
    """Distinct (diagnosis family, pharmacy, person) of pharmacy purchases of insurance money >= ``min_fund``.

    Purchases without a diagnosis are left out (they name no market).
    """
    v = facts.graph.visits
    money = facts.stake if facts.stake is not None else v.column("fund")
    rows = np.flatnonzero((v.column("kind") == 1) & (money >= min_fund) & (facts.diagnosis >= 0))
    frame = pd.DataFrame(
        {"diagnosis": facts.diagnosis[rows], "pharmacy": v.column("venue")[rows], "person": v.column("person")[rows]}
    )
    return frame.drop_duplicates(ignore_index=True)


def market(c: Candidate, facts: ClaimFacts, purchases: pd.DataFrame) -> Market | None:
    """The market share of a steering candidate's pharmacy (:class:`Market`), or None without diagnoses.

    ``purchases`` is :func:`high_value_purchases` at the candidate's threshold
    (``evidence["min_fund"]``).  The doctor's patients are everyone the doctor
    saw (any visit), so that neither the steered patients nor the doctor's
    patients who bought elsewhere count in the market.  :func:`markets` measures
    many candidates at once.
    """
    return markets([c], facts, purchases)[0]


def markets(candidates: list[Candidate], facts: ClaimFacts, purchases: pd.DataFrame) -> list[Market | None]:
    """:func:`market` of each of ``candidates`` (steering candidates of one threshold), measured together.

    The doctors' patients are found in one pass over the claims for all
    candidates, and the purchases are counted once: per diagnosis family the
    buyers, per (family, pharmacy) the buyers there.  A candidate's market is
    those counts less the doctor's own patients among them (binary searches
    of the patients in the sorted purchases), which is the count of the other
    buyers that the definition asks for.
    """
    if not candidates:
        return []
    v = facts.graph.visits
    venue, kind, person = v.column("venue"), v.column("kind"), v.column("person")
    patients = _patients(v, [int(c.evidence["doctor"]) for c in candidates])
    diagnosis = purchases["diagnosis"].to_numpy().astype(np.int64)
    buyer = purchases["person"].to_numpy().astype(np.int64) + 1  # + 1: a person -1 (unknown) is 0
    width = max(int(buyer.max(initial=0)), int(person.max(initial=-1)) + 1) + 1  # more than any buyer
    stride = max(int(purchases["pharmacy"].max()) if len(purchases) else 0, int(venue.max(initial=0))) + 1
    # Purchases are distinct (family, pharmacy, person): keyed by (family, pharmacy) they are distinct
    # buyers already; keyed by family, a buyer of two pharmacies is one.
    shops, shop = np.unique(diagnosis * stride + purchases["pharmacy"].to_numpy().astype(np.int64), return_inverse=True)
    shop_buyer = np.sort(shop.astype(np.int64) * width + buyer)
    family_buyer = distinct(diagnosis * width + buyer)
    out: list[Market | None] = []
    for c in candidates:
        pharmacy, doctor = int(c.evidence["pharmacy"]), int(c.evidence["doctor"])
        rows = c.claims[(venue[c.claims] == pharmacy) & (kind[c.claims] == 1)]
        families = facts.diagnosis[rows]
        families = families[families >= 0]
        if not len(families):
            out.append(None)
            continue
        codes, weight = np.unique(families, return_counts=True)
        codes = codes.astype(np.int64)
        mine = patients[doctor] + 1
        everyone = _others(family_buyer, codes, width, mine)
        at = np.searchsorted(shops, codes * stride + pharmacy)
        sold = in_sorted(codes * stride + pharmacy, shops)  # families bought at the pharmacy
        there = np.zeros(len(codes), dtype=np.int64)
        there[sold] = _others(shop_buyer, at[sold], width, mine)
        w = pd.Series(weight / weight.sum(), index=codes)
        buyers = float((w * pd.Series(everyone, index=codes)).sum())
        bought = float((w * pd.Series(there, index=codes)).sum())
        top = int(codes[np.argmax(weight)])
        out.append(Market(bought / buyers if buyers else 0.0, buyers, str(facts.diagnosis_names[top])))
    return out


def _others(keys: np.ndarray, groups: np.ndarray, width: int, mine: np.ndarray) -> np.ndarray:
    """Per group of ``groups``: its buyers in the sorted distinct ``keys`` (``group * width + buyer``) that are
    not among the buyers ``mine``.

    >>> _others(np.array([10 * 3 + 1, 10 * 3 + 4, 10 * 3 + 5, 10 * 7 + 4]), np.array([3, 7, 8]), 10, np.array([4]))
    array([2, 0, 0])
    """
    lo, hi = np.searchsorted(keys, groups * width), np.searchsorted(keys, (groups + 1) * width)
    theirs = in_sorted((groups[:, None] * width + mine[None, :]).ravel(), keys).reshape(len(groups), len(mine))
    return (hi - lo - theirs.sum(axis=1)).astype(np.int64)


def _patients(v: Visits, doctors: list[int]) -> dict[int, np.ndarray]:
    """The sorted distinct persons each of ``doctors`` saw (any visit), from one pass over the claims."""
    doctor, person = v.column("doctor"), v.column("person")
    wanted = np.zeros(int(doctor.max(initial=-1)) + 2, dtype=bool)  # doctor -1 lands on the last slot
    wanted[doctors] = True
    rows = np.flatnonzero(wanted[doctor])
    width = int(person.max(initial=-1)) + 2
    pairs = distinct(doctor[rows].astype(np.int64) * width + person[rows] + 1)
    first = np.searchsorted(pairs, np.asarray(doctors, dtype=np.int64) * width)
    last = np.searchsorted(pairs, (np.asarray(doctors, dtype=np.int64) + 1) * width)
    return {d: pairs[lo:hi] % width - 1 for d, lo, hi in zip(doctors, first, last)}
