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
from graphfraud.score.features import ClaimFacts


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
    patients who bought elsewhere count in the market.
    """
    v = facts.graph.visits
    pharmacy, doctor = int(c.evidence["pharmacy"]), int(c.evidence["doctor"])
    rows = c.claims[(v.column("venue")[c.claims] == pharmacy) & (v.column("kind")[c.claims] == 1)]
    families = facts.diagnosis[rows]
    families = families[families >= 0]
    if not len(families):
        return None
    codes, weight = np.unique(families, return_counts=True)
    patients = np.unique(v.column("person")[v.column("doctor") == doctor])
    mine = purchases[np.isin(purchases["diagnosis"].to_numpy(), codes)]
    others = mine[~np.isin(mine["person"].to_numpy(), patients)]
    everyone = others.groupby("diagnosis")["person"].nunique()
    there = others[others["pharmacy"].to_numpy() == pharmacy].groupby("diagnosis")["person"].nunique()
    w = pd.Series(weight / weight.sum(), index=codes)
    buyers = float((w * everyone.reindex(codes, fill_value=0)).sum())
    bought = float((w * there.reindex(codes, fill_value=0)).sum())
    top = int(codes[np.argmax(weight)])
    return Market(bought / buyers if buyers else 0.0, buyers, str(facts.diagnosis_names[top]))
