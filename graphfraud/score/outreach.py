"""Admissions that a visiting team's clinic sorted out of its crowd: 对口支援 (an aid team's week), specialist outreach.

An induced admission (诱导住院: a broker's bus, a private hospital's van of
脱贫户, a free 白内障 screening's batches) is seen as persons admitted to one
venue together on a few days at a cost above the same diagnosis' other
stays.  A visiting team of specialists (对口支援: an eastern hospital's
surgeons at a county hospital for three to six days, once or twice a year)
shows that too: on its clinic days it sees a few hundred persons of the
county as outpatients, and operates on the few who need it (a hernia, a
gallbladder) the next day, so the co-admission detector sees groups admitted
on the team's days, each stay an operation's cost against the diagnosis'
ordinary stays, with most of the money on dear items.

What an induced admission does not show together (:func:`outreach_admissions`):

- **each stay is a referral**: :data:`REFERRED_SHARE` of the group's
  admissions or more came within :data:`REFERRAL_DAYS` days of an outpatient
  visit of the same person there **by the same doctor** (a surgeon admits
  the patient he examined).  A bus or a van brings its load straight to the
  ward; a free screening (义诊) that recruits for admission is not billed,
  so its consultations are not in the claims;
- **the admitted are a few of the crowd**: the persons admitted after such a
  visit are at most :data:`ADMITTED_SHARE` of the persons those doctors saw
  as outpatients there on those visits' days (triage: a clinic admits the
  few who need an operation; a scheme that bills a consultation for each
  recruit before admitting them admits most of its crowd);
- **each admitted once**: no member admitted to the venue twice (a scheme
  brings its recruits back; an operation is done once);
- at a venue **not recorded as private**, and with no sign of identity or
  goods fraud (:func:`graphfraud.score.reasons.hard_flags`).

The cost is not tested: an operation costs several times its diagnosis'
ordinary stays.  What it leaves open: a team of visiting "experts" whose
billed consultations are the bait for a few unneeded operations each; the
triage share reads an operation on one in ten as a clinic's, whoever billed
it (docs/detection.md, step 121).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from graphfraud.graph.events import distinct
from graphfraud.score.features import ClaimFacts, Features
from graphfraud.score.reasons import Reason, hard_flags

#: A stay is a referral when the same doctor saw the person there as an outpatient on the admission day or up to
#: this many days before (the team's clinic day, the operation the next morning or the day after).  None turns the
#: explanation off.
REFERRAL_DAYS: int | None = 2
#: ... and the group is a clinic's referrals when at least this share of its admissions at the venue are.
REFERRED_SHARE = 0.8
#: ... and the persons admitted so are at most this share of the persons those doctors saw there as outpatients on
#: any of those visits' days (eighthworld's aid teams: 4.8-9.6%; thirdworld's free buses, which bill a consultation
#: for some before admitting them: 26-44%, and neither of the other two tests).
ADMITTED_SHARE = 0.2
#: ... and the group has at least this many admissions there (fewer are no clinic to read).
MIN_STAYS = 5


@dataclass(frozen=True)
class Referrals:
    """A group's admissions at a venue and the outpatient clinic they came from (:func:`clinic_referrals`)."""

    stays: int  # the group's admissions there: distinct (person, admission day)
    referred: int  # of those, admitted within REFERRAL_DAYS days of an outpatient visit there by the same doctor
    admitted: int  # distinct persons of the group admitted so
    crowd: int  # distinct persons those doctors saw there as outpatients on any of those visits' days
    readmitted: int  # persons of the group admitted there on two days or more
    doctors: int  # doctors of the referred stays (0 where the export names no doctor: the venue's clinic is read)
    by_doctor: bool = True  # False: the export names no doctor, so a referral is a visit there by anyone (step 137)

    @property
    def referred_share(self) -> float:
        return self.referred / self.stays if self.stays else 0.0

    @property
    def admitted_share(self) -> float:
        return self.admitted / self.crowd if self.crowd else math.nan


def clinic_referrals(rows: np.ndarray, venue: int, facts: ClaimFacts, *, days: int | None = None) -> Referrals:
    """The admissions among the group's claims ``rows`` at ``venue`` and the outpatient clinic they came from.

    A stay whose doctor is unknown is no referral, unless the export names no doctor on any claim (step 137):
    then the venue's outpatient clinic is read as the team's, a stay a referral when its person was seen there as
    an outpatient by anyone, the crowd everyone seen there on those days (a larger crowd than the team's own, so
    the triage share is read more leniently; the referred share and the single admission are read as before).
    The venue's claims come from the run's index of the claims by venue
    (:meth:`graphfraud.graph.build.ClaimGraph.claim_rows`), asked only of a group :func:`outreach_admissions` would
    otherwise explain.
    """
    days = (REFERRAL_DAYS or 0) if days is None else days
    t = facts.graph.visits
    mine = rows[(t.column("venue")[rows] == venue) & t.column("inpatient")[rows].astype(bool)]
    person = t.column("person")[mine].astype(np.int64)
    day = t.column("day")[mine].astype(np.int64)
    doctor = t.column("doctor")[mine].astype(np.int64)
    there = facts.graph.claim_rows("venue", np.array([venue]))
    out = there[~t.column("inpatient")[there].astype(bool)]
    o_person = t.column("person")[out].astype(np.int64)
    o_day = t.column("day")[out].astype(np.int64)
    o_doctor = t.column("doctor")[out].astype(np.int64)
    by_doctor = facts.graph.shared("doctors_named", lambda: bool((t.column("doctor") >= 0).any()))
    if not by_doctor:  # step 137: no claim names its doctor: the venue's clinic is the team
        doctor, o_doctor = np.zeros_like(doctor), np.zeros_like(o_doctor)
    if not len(mine):
        return Referrals(stays=0, referred=0, admitted=0, crowd=0, readmitted=0, doctors=0, by_doctor=by_doctor)
    every_day = np.concatenate([day, o_day])
    low = int(every_day.min()) - days - 1  # keys: (doctor, person, day) packed in one int64
    span = int(every_day.max()) - low + 1
    people = int(max(person.max(), o_person.max(initial=0))) + 1

    def key(d: np.ndarray, p: np.ndarray, on: np.ndarray) -> np.ndarray:
        return ((d + 1) * people + p) * span + (on - low)

    seen = distinct(key(o_doctor, o_person, o_day)[(o_doctor >= 0) & (o_person >= 0)])
    stay_key = distinct(person * span + (day - low))  # an admission: a person's day (a 医疗救助 row is the same stay)
    referred = np.zeros(len(mine), dtype=bool)
    clinic_day = np.full(len(mine), -1, dtype=np.int64)
    for back in range(days, -1, -1):  # the latest visit before the admission is its clinic day
        hit = (doctor >= 0) & np.isin(key(doctor, person, day - back), seen)
        clinic_day[hit] = day[hit] - back
        referred |= hit
    ref_stays = distinct(person[referred] * span + (day[referred] - low))
    admitted = distinct(person[referred])
    # the clinic: those doctors' outpatients on those days (a team's days, whichever of its doctors referred)
    team, days_of = distinct(doctor[referred]), distinct(clinic_day[referred])
    crowd = distinct(o_person[np.isin(o_doctor, team) & np.isin(o_day, days_of) & (o_person >= 0)])
    _, per_person = np.unique(stay_key // span, return_counts=True)
    return Referrals(stays=len(stay_key), referred=len(ref_stays), admitted=len(admitted), crowd=len(crowd),
                     readmitted=int((per_person >= 2).sum()), doctors=len(team) if by_doctor else 0,
                     by_doctor=by_doctor)  # fmt: skip


def outreach_admissions(f: Features, referrals: Callable[[], Referrals]) -> Reason | None:
    """Why a group admitted together may be a visiting team's clinic's referrals for an operation, or None.

    ``referrals()`` (:func:`clinic_referrals` of the group; asked only when the rest holds) gives the admissions
    and the clinic.  See the module docstring; ``tests/score/test_outreach.py`` holds an aid team's week explained,
    and a billed free clinic that admits most of its crowd, a bus of recruits admitted straight to the ward, a
    private hospital's team and a team's patients brought back again that are not.
    """
    if REFERRAL_DAYS is None or f.inpatient_share <= 0.0 or f.public_venue == 0.0 or f.private_venue:
        return None
    if hard_flags(f):
        return None
    r = referrals()
    if r.stays < MIN_STAYS or r.readmitted or r.referred_share < REFERRED_SHARE:
        return None
    if not r.admitted_share <= ADMITTED_SHARE:  # (NaN: no crowd)
        return None
    args: dict[str, object] = {"stays": r.stays, "referred": r.referred_share, "days": REFERRAL_DAYS,
                               "doctors": r.doctors, "admitted": r.admitted, "crowd": r.crowd,
                               "share": r.admitted_share, "share_to": ADMITTED_SHARE,
                               "cost_ratio": f.cost_ratio}  # fmt: skip
    if not r.by_doctor:  # step 137: the venue's clinic, no doctor named (the second form of the sentence)
        del args["doctors"]
    return Reason("benign_referral", args, r.admitted_share, ADMITTED_SHARE, 0.0)
