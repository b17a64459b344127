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

Step 117: once a pair of F passes every test, F is a site that pays for referrals, and its other referrers are
judged by every test but the share (:data:`SITE_REFERRERS`): a doctor with a busy practice of his own sends
only some of his followed-up patients for the scan (fifthworld vwh21 32 and 33: 18-25% of them, at lifts of
16-188 and chance below 1e-23 after the bound), and the share is what his practice makes it.

Members: the doctor's patients billed at F after his visits.  The candidate is a steering candidate (typology
kickback) with ``evidence["referral"]`` set; its ``pharmacy`` is F (a venue code like the pharmacy's).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from graphfraud.stats import binom

from graphfraud.detect import steering
from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import ClaimGraph
from graphfraud.graph.events import distinct, stable_sort
from graphfraud.params import SteeringParams

#: The excess patients (over the peer share) are at least this share of the facility's outpatients.
BUSINESS = 0.05
#: Passes back through a person's earlier visits to find one at another institution than the billing facility.
PASSES = 3
#: Step 117: once a site is shown to pay one doctor (a pair that passes every test), its other referrers are
#: judged by every test but the share (``SteeringParams.min_share``): a doctor with a busy practice of his own
#: sends only some of his patients for the scan, and the share is what his practice makes it, not his steering.
SITE_REFERRERS = True


def home_facility(table: pd.DataFrame) -> pd.Series:
    """Per doctor, the venue of most of his outpatient visits (ties: the lowest code): where he practises.

    Counted on the doctor and venue columns alone (a copy of the visit rows' every column was 0.3 GB at ten
    million claims)."""
    kind, inpatient = table["kind"].to_numpy(), table["inpatient"].to_numpy()
    doctor, venue = table["doctor"].to_numpy(), table["venue"].to_numpy()
    visit = (kind == 0) & (doctor >= 0) & ~inpatient
    d, v = doctor[visit], venue[visit]
    if not len(d):
        return pd.Series(venue[:0], index=pd.Index(doctor[:0], name="doctor"), name="venue")
    lo = int(v.min())
    width = int(v.max()) - lo + 1
    pairs, n = np.unique(d.astype(np.int64) * width + (v.astype(np.int64) - lo), return_counts=True)
    pd_, pv = pairs // width, pairs % width + lo
    order = np.lexsort((pv, -n, pd_))  # per doctor: most visits first, then the lowest code
    first = order[np.r_[True, pd_[order][1:] != pd_[order][:-1]]]
    return pd.Series(
        pv[first].astype(venue.dtype), index=pd.Index(pd_[first].astype(doctor.dtype), name="doctor"), name="venue"
    )


def referral_follow(table: pd.DataFrame, days: int) -> pd.DataFrame:
    """Outpatient claims at a facility that follow, within ``days``, a visit of the same person to a doctor at
    his own facility (:func:`home_facility`), another institution.

    Each outpatient claim takes the person's last such visit at or before it (of several at one minute, the
    last row); when that visit is at the claim's own facility, the one before it, up to :data:`PASSES` visits
    back.  The outpatient claims are sorted once by person and minute (one int key per row), and a running
    maximum over that order gives each claim its person's last visit up to its minute and each visit the one
    before its minute: no table of every claim's columns, no join, no search (step 86 at ten million claims:
    the same rows as the ``pandas.merge_asof`` it replaces, in less time and memory).

    Columns as :func:`graphfraud.detect.steering.followed_purchases`: ``claim`` (at the facility, named
    ``pharmacy``), ``visit_claim``, ``person``, ``pharmacy``, ``doctor``, ``facility`` (the doctor's).
    """
    kind, inpatient = table["kind"].to_numpy(), table["inpatient"].to_numpy()
    claim, person = table["claim"].to_numpy(), table["person"].to_numpy()
    venue, doctor, minute = table["venue"].to_numpy(), table["doctor"].to_numpy(), table["minute"].to_numpy()
    outpatient = (kind == 0) & ~inpatient
    home = home_facility(table)
    known = doctor >= 0
    doctors = max(int(doctor.max()) if len(doctor) else 0, 0) + 1
    own = np.full(doctors + 1, -1, dtype=np.int64)  # per doctor code, the last for none
    own[home.index.to_numpy()] = home.to_numpy()
    source = np.flatnonzero(outpatient & known & (venue == own[np.where(known, doctor, -1)]))
    del own, known
    rows = np.flatnonzero(outpatient)
    if not len(source) or not len(rows):
        return steering.follow_frame(
            pd.DataFrame(columns=["claim", "visit_claim", "person", "venue", "doctor", "facility"])
        )
    # the outpatient claims in order of person, minute and row; per position, the last visit at or before its
    # minute (of a minute's visits, the last row) and the last one before its minute
    lo = int(minute[rows].min())
    span = int(minute[rows].max()) - lo + 1
    key = person[rows].astype(np.int64) * span + (minute[rows] - lo)
    key, order = stable_sort(key)
    rows = rows[order]
    del order
    start = np.r_[True, key[1:] != key[:-1]]  # a new (person, minute)
    group = np.cumsum(start, dtype=np.int32) - 1
    starts = np.flatnonzero(start).astype(np.int32)
    del start
    is_visit = np.zeros(len(table), dtype=bool)
    is_visit[source] = True
    last = np.where(is_visit[rows], np.arange(len(rows), dtype=np.int32), np.int32(-1))
    del is_visit
    np.maximum.accumulate(last, out=last)
    at_minute = last[np.r_[starts[1:] - 1, len(rows) - 1]][group]  # the group's last position
    before_minute = np.where(starts > 0, last[np.maximum(starts - 1, 0)], np.int32(-1))[group]
    del last, group, starts
    tolerance = days * 1440 + 1439
    # Person, minute and venue are read by position in that order: the person and minute from the sorted keys
    # (key // span is the person; within a person, a difference of keys is one of minutes) and the venues
    # gathered once, so a pass reads nearby positions instead of gathering every claim's columns at random
    # (the first pass's four gathers of ten million claims were 8 of steering's 55 s of samples, round 20).
    sorted_venue = venue[rows]
    found_claims, found_visits = [], []
    at = np.arange(len(rows), dtype=np.int32)
    visit = at_minute
    for _ in range(PASSES):
        if not len(at):
            break
        hit = visit >= 0
        v = np.maximum(visit, 0)
        claim_key, visit_key = key[at], key[v]
        hit &= (visit_key // span == claim_key // span) & (claim_key - visit_key <= tolerance)
        del claim_key, visit_key
        other = hit & (sorted_venue[v] != sorted_venue[at])
        found_claims.append(rows[at[other]])
        found_visits.append(rows[v[other]])
        # a visit at the billing facility itself: the one before its minute
        again = hit & ~other
        at, visit = at[again], before_minute[v[again]]
    del key, sorted_venue
    at, visit = np.concatenate(found_claims), np.concatenate(found_visits)
    order = np.argsort(claim[at], kind="stable")
    at, visit = at[order], visit[order]
    return pd.DataFrame({
        "claim": claim[at].astype(np.int64), "visit_claim": claim[visit].astype(np.int64),
        "person": person[at].astype(np.int64), "pharmacy": venue[at].astype(np.int64),
        "doctor": doctor[visit].astype(np.int64), "facility": venue[visit].astype(np.int64),
    })  # fmt: skip


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


def owners(graph: ClaimGraph) -> np.ndarray | None:
    """Per venue code: 1.0 a public facility, 0.0 a private one, NaN unknown; None without ownership."""
    facilities = getattr(graph.data, "facilities", None)
    if facilities is None or "ownership" not in facilities or not facilities["ownership"].notna().any():
        return None
    out = np.full(len(graph.visits.venues.ids), np.nan)
    codes = graph.visits.venues.codes(pd.Series(facilities["facility_id"], dtype=object))
    owner = facilities["ownership"].astype(object)
    value = np.where(owner == "public", 1.0, np.where(owner == "private", 0.0, np.nan))
    out[codes[codes >= 0]] = value[codes >= 0]
    return out


def paid_for(graph: ClaimGraph, hits: pd.DataFrame) -> np.ndarray:
    """Step 105: per pair of ``hits``, whether a doctor of a public facility sends to a private one.

    The referral system (分级诊疗: 医共体, 医联体, 双向转诊) sends a village or community doctor's patients up to
    public institutions, his township centre and the county hospital, so the level rule leaves upward pairs
    out; a private hospital is no part of it.  A public doctor whose patients are billed at a private hospital
    right after his visits, far beyond his peers' share and beyond chance among every pair tested, and ten times
    as often as on the patients' other days, is sent there: that is what a referral fee (村医介绍费) buys.  Such
    a pair is kept whatever the two levels, and whatever part of the private venue's outpatients the doctor's
    patients are (:data:`BUSINESS` keeps a big hospital's chance excess out; the chance bound and the visit rate
    already do, and a private hospital may buy a few dozen patients from each of a few village doctors: 1-3% of
    its outpatients each).  Without ownership nothing is kept (a venue of unknown ownership is neither).
    """
    owner = owners(graph)
    if owner is None or not len(hits):
        return np.zeros(len(hits), dtype=bool)
    site, home = owner[hits["pharmacy"].to_numpy()], owner[hits["facility"].to_numpy()]
    return (site == 0.0) & (home == 1.0)


def detect(graph: ClaimGraph, params: SteeringParams) -> list[Candidate]:
    """Candidates: one per steered doctor-facility pair (``params.referral_days`` > 0), with its patients."""
    if params.referral_days <= 0:
        return []
    table = graph.visits.table
    follow = referral_follow(table, params.referral_days)
    if follow.empty:
        return []
    patients = outpatients(table, (table["kind"].to_numpy() == 0) & ~table["inpatient"].to_numpy())
    dp = steering.steering_table(follow, buyers=patients, team_overlap=params.team_overlap)
    tested = int((dp["patients"] >= params.min_patients).sum())
    found = _referred(graph, steering._passing(dp, params), follow, tested, params)  # noqa: SLF001  (the four tests)
    if not found or not SITE_REFERRERS:
        return found
    # step 117: the other referrers of a site that pays one, by every test but the share
    paying = {int(c.evidence["pharmacy"]) for c in found}
    pairs = {(int(c.evidence["doctor"]), int(c.evidence["pharmacy"])) for c in found}
    others = dp[
        dp["pharmacy"].isin(paying)
        & (dp["patients"] >= params.min_patients)
        & (dp["share"] < params.min_share)
        & (dp["lift"] >= params.min_lift)
        & (dp["z"] >= params.min_z)
    ].sort_values(["doctor", "pharmacy"])
    more = [c for c in _referred(graph, others, follow, tested, params)
            if (int(c.evidence["doctor"]), int(c.evidence["pharmacy"])) not in pairs]  # fmt: skip
    for c in more:
        c.evidence["site_referrer"] = True
    return sorted(found + more, key=lambda c: (int(c.evidence["doctor"]), int(c.evidence["pharmacy"])))


def _referred(graph: ClaimGraph, hits: pd.DataFrame, follow: pd.DataFrame, tested: int,
              params: SteeringParams) -> list[Candidate]:  # fmt: skip
    """The candidates of the pairs ``hits`` (rows of a steering table, in pair order) that pass the chance bound
    over ``tested`` pairs, the business and level rules (or step 105's paid site) and the visit rate."""
    if hits.empty:
        return []
    table = graph.visits.table
    outpatient = (table["kind"].to_numpy() == 0) & ~table["inpatient"].to_numpy()
    p0 = hits["peer_share"].clip(lower=1e-3, upper=1 - 1e-3).to_numpy()
    tail = binom.sf(hits["patients"].to_numpy() - 1, hits["doctor_patients"].to_numpy(), p0)
    bought = paid_for(graph, hits)  # step 105: a private venue's patients from a public doctor
    keep = (tail * tested <= steering.MAX_CHANCE) & ((hits["business"].to_numpy() >= BUSINESS) | bought)
    level = levels(graph)
    if level is not None and len(hits):
        up = level[hits["pharmacy"].to_numpy()] > level[hits["facility"].to_numpy()]
        keep &= ~up | bought
    hits, bought = hits[keep], bought[keep]
    out = [
        steering._candidate(row, _mine(follow, int(row.doctor), int(row.pharmacy)), 0.0, params, self_paid=0)  # noqa: SLF001
        for row in hits.itertuples(index=False)
    ]
    for c, paid in zip(out, bought, strict=True):
        c.evidence["referral"] = True
        if paid:  # step 105: the private site's pairs are one scheme (score.rings.join_kickbacks)
            c.evidence["paid_site"] = True
        c.params["follow_days"] = params.referral_days  # the sentence's "within n days"
    rates = steering.visit_rates(out, follow, table, outpatient, params.referral_days, bought=0)
    return [c for c, rate in zip(out, rates, strict=True) if rate >= steering.VISIT_RATE]


def outpatients(table: pd.DataFrame, outpatient: np.ndarray) -> pd.Series:
    """Distinct persons of the ``outpatient`` rows per venue (``pharmacy_buyers``: a facility's outpatients), from
    one int key per row (venue, person): no copy of the rows' every column.

    >>> t = pd.DataFrame({"venue": [3, 3, 3, 5, 5], "person": [1, 1, 2, 1, 4]})
    >>> outpatients(t, np.array([True, True, True, True, False])).to_dict()
    {3: 2, 5: 1}
    """
    venue, person = table["venue"].to_numpy()[outpatient], table["person"].to_numpy()[outpatient]
    if not len(venue):
        return pd.Series(np.zeros(0, dtype=np.int64), index=pd.Index(venue, name="venue"), name="pharmacy_buyers")
    width = int(person.max()) + 1
    pairs = distinct(venue.astype(np.int64) * width + person)
    venues, n = np.unique(pairs // width, return_counts=True)
    return pd.Series(
        n.astype(np.int64), index=pd.Index(venues.astype(venue.dtype), name="venue"), name="pharmacy_buyers"
    )


def _mine(follow: pd.DataFrame, doctor: int, venue: int) -> pd.DataFrame:
    """The pair's rows of ``follow``."""
    return follow[(follow["doctor"].to_numpy() == doctor) & (follow["pharmacy"].to_numpy() == venue)]
