"""Step 128: where an internet hospital's doctor practises is read on the steering pair's facility claims, not on the
pharmacy's purchases that name him as the prescriber (处方流转), which a repeat prescription's patients make about
once a consultation and, with a few refills between, outnumber his consultations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.score.features import claim_facts
from graphfraud.score.rings import _online_refills


def _world(tmp_path: Path, *, hospital: str, prescriber_on_purchases: bool) -> Path:
    """20 chronic patients of doctor D1 at H1 (named ``hospital``), consulted every 30 days for 8 months, each
    consultation followed the same evening by a purchase at the shop Y1 and, for every second patient, a second
    purchase there an hour later (a second box); 200 townspeople at the clinic C1 and the shop Y2 besides."""
    rows = []  # claim: patient, facility, pharmacy, doctor, day, hour
    for p in range(20):
        for k in range(8):
            day = 3 + p % 5 + 30 * k
            rows.append((f"A{p:02d}", "H1", "", "D1", day, 10 + p % 8))
            rows.append((f"A{p:02d}", "", "Y1", "D1" if prescriber_on_purchases else "", day, 20))
            if p % 2:
                rows.append((f"A{p:02d}", "", "Y1", "D1" if prescriber_on_purchases else "", day, 21))
    rng = np.random.default_rng(5)
    for i in range(600):
        who, day = f"T{int(rng.integers(0, 200)):03d}", int(rng.integers(0, 240))
        rows.append((who, "C1", "", "D2", day, 9) if i % 2 else (who, "", "Y2", "", day, 15))
    t = pd.DataFrame(rows, columns=["patient_id", "facility_id", "pharmacy_id", "doctor_id", "day", "hour"])
    when = pd.Timestamp("2024-03-01") + pd.to_timedelta(t["day"], unit="D") + pd.to_timedelta(t["hour"], unit="h")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"],
        "facility_id": t["facility_id"], "pharmacy_id": t["pharmacy_id"], "doctor_id": t["doctor_id"],
        "visit_type": np.where(t["pharmacy_id"] != "", "pharmacy", "outpatient"),
        "start_time": when.dt.strftime("%Y-%m-%d %H:%M:%S"), "total_amount": 120.0, "fund_amount": 60.0,
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    pd.DataFrame({"person_id": sorted(set(t["patient_id"]))}).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"facility_id": ["H1", "C1"], "name": [hospital, "某门诊部"], "kind": ["hospital", "clinic"]}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"pharmacy_id": ["Y1", "Y2"], "name": ["送药旗舰店", "大药房"]}).to_csv(
        tmp_path / "pharmacies.csv", index=False
    )
    pd.DataFrame({"doctor_id": ["D1", "D2"], "facility_id": ["H1", "C1"]}).to_csv(tmp_path / "doctors.csv", index=False)
    return tmp_path


def _pair(folder: Path) -> dict[str, float] | None:
    """:func:`_online_refills` of the steering pair D1 -> Y1 holding all 20 patients and their claims at H1 and Y1."""
    graph = build_graph(read_claims_dir(folder))
    facts = claim_facts(graph)
    v = graph.visits
    venues, doctors = list(v.venues.ids), list(v.doctors.ids)
    persons = np.unique(v.column("person")[v.column("venue") == venues.index("Y1")])
    venue = v.column("venue")
    claims = np.flatnonzero(np.isin(venue, [venues.index("H1"), venues.index("Y1")]))
    pair = Candidate("steering", persons, claims, {"doctor": doctors.index("D1"), "pharmacy": venues.index("Y1")})
    return _online_refills(pair, facts)


@pytest.mark.parametrize("prescriber_on_purchases", [False, True])
def test_an_online_doctors_refills_are_read_whether_or_not_his_purchases_name_him(
    tmp_path: Path, prescriber_on_purchases: bool
) -> None:
    # with the prescriber on the purchases, 240 purchases name D1 against his 160 consultations
    refills = _pair(_world(tmp_path, hospital="某医院互联网医院", prescriber_on_purchases=prescriber_on_purchases))
    assert refills is not None
    assert 25 <= refills["member_period"] <= 35


def test_a_doctor_of_a_hospital_that_is_not_online_has_no_online_refills(tmp_path: Path) -> None:
    assert _pair(_world(tmp_path, hospital="某医院", prescriber_on_purchases=True)) is None
