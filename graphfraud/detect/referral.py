"""Doctor -> facility steering: a doctor's patients are billed at one other facility right after his visits.

Targets **过度检查 with a referral fee** (检查引流, 回扣): a clinic's doctor sends his patients for an MRI or CT at an
independent imaging centre (or a lab) that pays him per patient.  It is the pharmacy steering
(:mod:`graphfraud.detect.steering`) with the pharmacy replaced by a facility: a claim at facility F *follows* a
doctor's visit when the same person is billed at F (outpatient) within ``referral_days`` after seeing him at his
own facility, F being another institution.  The share of the doctor's followed-up patients billed at F is
compared with F's share among the patients of the other doctors of his facility (shrunk towards F's share among
everyone followed up), by the same four tests as the pharmacy steering, and then:

* beyond chance among every pair tested: the exact binomial tail of the count at the peer share times the number
  of pairs with ``min_patients`` or more, at most :data:`graphfraud.detect.steering.MAX_CHANCE` (a Bonferroni
  bound, as for the pairs steered at the purchases' price);
* sent, not their own habit: the patients are billed at F :data:`graphfraud.detect.steering.VISIT_RATE` times as
  often per day in the days after his visits as on their other days (:func:`graphfraud.detect.steering.visit_rates`);
* not the referral system: F is not of a higher level than the doctor's facility (:data:`UPWARD`).  分级诊疗
  sends patients up, from a village or community centre to the township, district or city hospital (医联体,
  双向转诊), and a doctor without colleagues has no peers to cancel that out; a referral fee is paid by a private
  venue at the doctor's level or below (an imaging centre, a lab, a 门诊部);
* a real part of F's business: the excess patients are :data:`BUSINESS` or more of F's outpatients (the
  pharmacy steering's ``business``), so a big hospital's chance excess of a few patients is nothing.

Members: the doctor's patients billed at F after his visits.  The candidate is a steering candidate (typology
kickback) with ``evidence["referral"]`` set; its ``pharmacy`` is F (a venue code like the pharmacy's).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom

from graphfraud.detect import steering
from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import ClaimGraph
from graphfraud.params import SteeringParams

#: The excess patients (over the peer share) are at least this share of the facility's outpatients.
BUSINESS = 0.05
#: Passes back through a person's earlier visits to find one at another institution than the billing facility.
PASSES = 3


def home_facility(table: pd.DataFrame) -> pd.Series:
    """Per doctor, the venue of most of his outpatient visits (ties: the lowest code): where he practises."""
    visit = (table["kind"].to_numpy() == 0) & (table["doctor"].to_numpy() >= 0) & ~table["inpatient"].to_numpy()
    counts = table.loc[visit].groupby(["doctor", "venue"]).size().rename("n").reset_index()
    counts = counts.sort_values(["doctor", "n", "venue"], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("doctor").set_index("doctor")["venue"]


def referral_follow(table: pd.DataFrame, days: int) -> pd.DataFrame:
    """Outpatient claims at a facility that follow, within ``days``, a visit of the same person to a doctor at
    his own facility (:func:`home_facility`), another institution.

    Columns as :func:`graphfraud.detect.steering.followed_purchases`: ``claim`` (at the facility, named
    ``pharmacy``), ``visit_claim``, ``person``, ``pharmacy``, ``doctor``, ``facility`` (the doctor's).
    """
    kind, inpatient = table["kind"].to_numpy(), table["inpatient"].to_numpy()
    home = home_facility(table)
    doctor = table["doctor"].to_numpy()
    own = np.full(len(table), -1, dtype=np.int64)
    known = doctor >= 0
    own[known] = home.reindex(doctor[known]).fillna(-1).to_numpy(np.int64)
    source = (kind == 0) & ~inpatient & known & (table["venue"].to_numpy() == own)
    right = table.loc[source, ["claim", "person", "venue", "doctor", "minute"]].rename(
        columns={"claim": "visit_claim", "venue": "facility", "minute": "seen"}
    )
    right = right.sort_values("seen", kind="stable")
    left = table.loc[(kind == 0) & ~inpatient, ["claim", "person", "venue", "minute"]]
    left = left.assign(before=left["minute"].to_numpy(np.int64)).sort_values("before", kind="stable")
    found = []
    for _ in range(PASSES):
        if left.empty:
            break
        merged = pd.merge_asof(
            left, right, left_on="before", right_on="seen", by="person", direction="backward",
            tolerance=days * 1440 + 1439,
        )  # fmt: skip
        merged = merged.dropna(subset=["doctor"])
        merged = merged[merged["minute"].to_numpy() - merged["seen"].to_numpy() <= days * 1440 + 1439]
        other = merged["facility"].to_numpy() != merged["venue"].to_numpy()
        found.append(merged[other])
        # a visit at the billing facility itself: look further back
        again = merged[~other]
        left = again[["claim", "person", "venue", "minute"]].assign(before=again["seen"].to_numpy(np.int64) - 1)
        left = left.sort_values("before", kind="stable")
    m = (
        pd.concat(found)
        if found
        else pd.DataFrame(columns=["claim", "visit_claim", "person", "venue", "doctor", "facility"])
    )
    out = steering.follow_frame(m)
    return out.sort_values("claim", kind="stable").reset_index(drop=True)


def levels(graph: ClaimGraph) -> np.ndarray | None:
    """Per venue code: the facility's level (NaN where unknown); None without levels."""
    facilities = getattr(graph.data, "facilities", None)
    if facilities is None or "level" not in facilities or not facilities["level"].notna().any():
        return None
    out = np.full(len(graph.visits.venues.ids), np.nan)
    codes = graph.visits.venues.codes(pd.Series(facilities["facility_id"], dtype=object))
    level = pd.to_numeric(facilities["level"], errors="coerce").to_numpy(float)
    out[codes[codes >= 0]] = level[codes >= 0]
    return out


def detect(graph: ClaimGraph, params: SteeringParams) -> list[Candidate]:
    """Candidates: one per steered doctor-facility pair (``params.referral_days`` > 0), with its patients."""
    if params.referral_days <= 0:
        return []
    table = graph.visits.table
    follow = referral_follow(table, params.referral_days)
    if follow.empty:
        return []
    outpatient = (table["kind"].to_numpy() == 0) & ~table["inpatient"].to_numpy()
    patients = table.loc[outpatient].groupby("venue")["person"].nunique().rename("pharmacy_buyers")
    dp = steering.steering_table(follow, buyers=patients, team_overlap=params.team_overlap)
    hits = steering._passing(dp, params)  # noqa: SLF001  (the same four tests)
    if hits.empty:
        return []
    tested = int((dp["patients"] >= params.min_patients).sum())
    p0 = hits["peer_share"].clip(lower=1e-3, upper=1 - 1e-3).to_numpy()
    tail = binom.sf(hits["patients"].to_numpy() - 1, hits["doctor_patients"].to_numpy(), p0)
    hits = hits[(tail * tested <= steering.MAX_CHANCE) & (hits["business"].to_numpy() >= BUSINESS)]
    level = levels(graph)
    if level is not None and len(hits):
        up = level[hits["pharmacy"].to_numpy()] > level[hits["facility"].to_numpy()]
        hits = hits[~up]
    out = [
        steering._candidate(row, _mine(follow, int(row.doctor), int(row.pharmacy)), 0.0, params, self_paid=0)  # noqa: SLF001
        for row in hits.itertuples(index=False)
    ]
    for c in out:
        c.evidence["referral"] = True
        c.params["follow_days"] = params.referral_days  # the sentence's "within n days"
    rates = steering.visit_rates(out, follow, table, outpatient, params.referral_days, bought=0)
    return [c for c, rate in zip(out, rates, strict=True) if rate >= steering.VISIT_RATE]


def _mine(follow: pd.DataFrame, doctor: int, venue: int) -> pd.DataFrame:
    """The pair's rows of ``follow``."""
    return follow[(follow["doctor"].to_numpy() == doctor) & (follow["pharmacy"].to_numpy() == venue)]
