"""Step 121: a visiting team's clinic (对口支援) that operates on a few of the crowd it saw is explained, whatever an
operation costs against the diagnosis' ordinary stays; a free clinic that bills a consultation for each recruit and
admits most of them, a bus admitted straight to the ward, a private hospital's team and patients brought back to
the ward again are not (eighthworld's aid teams; thirdworld's free buses)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.score import outreach
from graphfraud.score.features import ClaimFacts, Features, claim_facts, features
from graphfraud.score.outreach import ADMITTED_SHARE, REFERRED_SHARE, Referrals, clinic_referrals, outreach_admissions
from graphfraud.score.reasons import PEER_COST

START = pd.Timestamp("2025-03-03")


def _team(rows: list, admitted: str, seen: str, venue: str, *, crowd: int, operated: int, day: int,
          again: bool = False, consult: bool = True) -> None:  # fmt: skip
    """4 doctors of ``venue`` see ``crowd`` persons as outpatients over 4 days from ``day`` (``consult``) and admit
    ``operated`` of them the next day for a hernia repair (2,400 yuan; ``again``: each admitted again 40 days on)."""
    for j in range(crowd):
        doctor, on = f"D{venue}{j % 4}", day + j % 4
        who = f"{admitted}{j:03d}" if j < operated else f"{seen}{j:03d}"
        if consult:
            rows.append((who, venue, doctor, on, "outpatient", 0, "K40", 30.0))
        if j < operated:
            rows.append((who, venue, doctor, on + 1, "inpatient", 5, "K40", 2400.0))
            if again:
                rows.append((who, venue, doctor, on + 41, "inpatient", 5, "K40", 2400.0))


def _world(tmp_path: Path, *, doctors: bool = True) -> tuple[ClaimFacts, dict[str, Candidate]]:
    """A county's public hospital H and others, with ordinary hernia stays at 600 yuan (persons S).

    A: an aid team at H sees 200 (C) and operates on 12 (A) the next day.  F: a free clinic at public H2 bills a
    consultation for 30 recruits and admits 24 (F; G the rest).  B: 15 recruits bussed to H3 and admitted with no
    consultation.  P: a team like A at the private hospital P1.  R: a team like A at H4 whose 12 are admitted again.
    ``doctors`` False: the export names no doctor (its ``doctor_id`` column empty, eighthworld 20).
    """
    rng = np.random.default_rng(3)
    rows: list = []  # person, venue, doctor, day, visit type, length of stay, diagnosis, fund
    for venue in ("H", "H2", "H3", "H4", "P1"):
        for _ in range(600):
            day = int(rng.integers(0, 120))
            rows.append((f"O{int(rng.integers(0, 900)):03d}", venue, f"N{venue}", day, "outpatient", 0, "J06", 25.0))
        for _ in range(40):
            rows.append((f"S{int(rng.integers(0, 900)):03d}", venue, f"N{venue}", int(rng.integers(0, 120)),
                         "inpatient", 6, "K40", 600.0))  # fmt: skip
    _team(rows, "A", "C", "H", crowd=200, operated=12, day=20)
    _team(rows, "F", "G", "H2", crowd=30, operated=24, day=30)
    _team(rows, "B", "X", "H3", crowd=15, operated=15, day=40, consult=False)
    _team(rows, "P", "Q", "P1", crowd=200, operated=12, day=50)
    _team(rows, "R", "Y", "H4", crowd=200, operated=12, day=20, again=True)
    t = pd.DataFrame(rows, columns=["patient_id", "facility_id", "doctor_id", "day", "visit_type", "los", "diagnosis",
                                    "fund_amount"])  # fmt: skip
    start = START + pd.to_timedelta(t["day"], unit="D")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"],
        "facility_id": t["facility_id"], "doctor_id": t["doctor_id"] if doctors else "",
        "visit_type": t["visit_type"],
        "start_time": start.dt.strftime("%Y-%m-%d"),
        "end_time": (start + pd.to_timedelta(t["los"], unit="D")).dt.strftime("%Y-%m-%d").where(t["los"] > 0, ""),
        "total_amount": t["fund_amount"] * 1.4, "fund_amount": t["fund_amount"], "diagnosis": t["diagnosis"],
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = sorted(set(t["patient_id"]))
    pd.DataFrame({"person_id": persons, "birth_date": "1960-05-01"}).to_csv(tmp_path / "persons.csv", index=False)
    venues = ["H", "H2", "H3", "H4", "P1"]
    pd.DataFrame({"facility_id": venues, "kind": "hospital",
                  "ownership": ["public"] * 4 + ["private"]}).to_csv(tmp_path / "facilities.csv", index=False)  # fmt: skip
    doctors = sorted(set(t["doctor_id"]))
    pd.DataFrame({"doctor_id": doctors}).to_csv(tmp_path / "doctors.csv", index=False)
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    graph = build_graph(read_claims_dir(tmp_path))
    facts = claim_facts(graph)
    ids = pd.Series(graph.visits.persons.ids)
    person = graph.visits.column("person")
    groups = {}
    for letter in "AFBPR":
        codes = np.flatnonzero(ids.str[0].eq(letter).to_numpy())
        groups[letter] = Candidate("coadmit", codes, np.flatnonzero(np.isin(person, codes)))
    return facts, groups


@pytest.fixture
def measured(tmp_path: Path) -> dict[str, tuple[Features, Referrals]]:
    facts, groups = _world(tmp_path)
    out = {}
    for letter, c in groups.items():
        f = features(c, facts)
        out[letter] = (f, clinic_referrals(c.claims, f.venue, facts))
    return out


def test_an_aid_teams_operations_are_explained_as_its_clinics_triage(measured: dict) -> None:
    f, r = measured["A"]
    assert f.cost_ratio > PEER_COST  # an operation against the diagnosis' ordinary stays
    assert (r.stays, r.referred, r.admitted, r.readmitted, r.doctors) == (12, 12, 12, 0, 4)
    assert r.crowd == 200 and r.admitted_share == pytest.approx(0.06)
    reason = outreach_admissions(f, lambda: r)
    assert reason is not None and reason.code == "benign_referral"
    assert reason.args["crowd"] == 200 and reason.args["share_to"] == ADMITTED_SHARE
    assert "对口支援" in reason.text


def test_a_free_clinic_that_admits_most_of_its_crowd_is_not(measured: dict) -> None:
    f, r = measured["F"]
    assert r.referred_share >= REFERRED_SHARE and r.crowd == 30 and r.admitted == 24
    assert r.admitted_share > ADMITTED_SHARE
    assert outreach_admissions(f, lambda: r) is None


def test_a_bus_admitted_straight_to_the_ward_is_not(measured: dict) -> None:
    f, r = measured["B"]
    assert r.stays == 15 and r.referred == 0 and r.crowd == 0
    assert outreach_admissions(f, lambda: r) is None


def test_a_private_hospitals_team_is_not_and_its_clinic_is_not_read(measured: dict) -> None:
    f, r = measured["P"]
    assert f.private_venue and r.admitted_share == pytest.approx(0.06)

    def never() -> Referrals:
        raise AssertionError("the clinic is read only for a venue not recorded as private")

    assert outreach_admissions(f, never) is None


def test_patients_brought_back_to_the_ward_are_not(measured: dict) -> None:
    f, r = measured["R"]
    assert r.readmitted == 12 and r.stays == 24
    assert outreach_admissions(f, lambda: r) is None


def test_the_explanation_turns_off(measured: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outreach, "REFERRAL_DAYS", None)
    f, r = measured["A"]
    assert outreach_admissions(f, lambda: r) is None


@pytest.fixture
def unnamed(tmp_path: Path) -> dict[str, tuple[Features, Referrals]]:
    """:func:`measured` of the world whose export names no doctor."""
    facts, groups = _world(tmp_path, doctors=False)
    out = {}
    for letter, c in groups.items():
        f = features(c, facts)
        out[letter] = (f, clinic_referrals(c.claims, f.venue, facts))
    return out


def test_without_doctor_ids_the_venues_clinic_is_read_as_the_teams(unnamed: dict) -> None:
    """Step 137: no claim names its doctor, so a stay is a referral after a visit at the venue by anyone, and the
    crowd is everyone seen there on the clinic days (the team's 200 and the hospital's own outpatients)."""
    f, r = unnamed["A"]
    assert not r.by_doctor and r.doctors == 0
    assert (r.stays, r.referred, r.admitted, r.readmitted) == (12, 12, 12, 0)
    assert 200 < r.crowd < 240 and r.admitted_share < 0.06
    reason = outreach_admissions(f, lambda: r)
    assert reason is not None and reason.code == "benign_referral" and "doctors" not in reason.args
    assert "names no doctor" in reason.text and f"{r.crowd} seen there" in reason.text


def test_without_doctor_ids_the_look_alikes_are_still_not(unnamed: dict) -> None:
    """The free clinic admits most of its crowd even with the hospital's own outpatients counted; the bus had no
    visit before; the team's patients brought back are readmitted; the private hospital is private."""
    f, r = unnamed["F"]
    assert r.referred_share >= REFERRED_SHARE and r.admitted == 24 and r.admitted_share > ADMITTED_SHARE
    assert outreach_admissions(f, lambda: r) is None
    for letter in "BRP":
        f, r = unnamed[letter]
        assert outreach_admissions(f, lambda: r) is None, letter
    assert unnamed["B"][1].referred == 0 and unnamed["R"][1].readmitted == 12
