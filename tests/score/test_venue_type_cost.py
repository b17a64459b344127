"""Step 120: without a diagnosis, a group's claims are also judged against its own facility's claims of the visit type.

The usual cost of a claim is that of its visit type and diagnosis (``cost_ratio``).  An export without diagnoses
(fifthworld 36) leaves the visit type alone, and a city's outpatient visits pool a clinic's 30-yuan visits with a
3A hospital's 200-yuan ones: a staged clinic (虚构诊疗) that bills its recruits' visits at three times the clinic's
own care is then "1.3x" the city's visits, and its ring of a sparse pool (each recruit at one or two of its monthly
sessions: no lockstep) scored below the report line.  Against the clinic's own other outpatient visits it is 3x.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.params import SCORE_RULES
from graphfraud.score.features import Features, venue_cell_cost
from graphfraud.score.rules import suspicion_reasons
from graphfraud.score.wording import say
from tests.score.measure import by_letter


def _city(tmp_path: Path, *, diagnosis: bool) -> Callable[[str], Features]:
    """A city of 2,000 persons over 240 days: 3,000 visits (150-250 yuan) at the hospital H, 4,000 (20-40 yuan) at
    the clinics C0-C3.  Two groups of 40 persons at C0, each person at 2 of 6 afternoons a month apart, 12-14 at a
    time: S (a staged clinic) billed 80-120 yuan a visit, R (the clinic's regulars' health days) at its own cost."""
    rng = np.random.default_rng(7)
    rows = []  # person, venue, minute, fund
    town = [f"T{i:04d}" for i in range(2000)]
    for venue, n, low, high in (("H", 3000, 150.0, 250.0), ("C", 4000, 20.0, 40.0)):
        for _ in range(n):
            site = venue if venue == "H" else f"C{int(rng.integers(0, 4))}"
            minute = int(rng.integers(0, 240)) * 1440 + int(rng.integers(480, 1080))
            rows.append((town[int(rng.integers(0, 2000))], site, minute, float(rng.uniform(low, high))))
    for letter, low, high, day in (("S", 80.0, 120.0, 20), ("R", 20.0, 40.0, 25)):
        members = [f"{letter}{i:02d}" for i in range(40)]
        for month in range(6):
            minute = (day + 30 * month) * 1440 + 780
            for person in rng.choice(members, 13, replace=False):
                minute += int(rng.integers(10, 25))
                rows.append((str(person), "C0", minute, float(rng.uniform(low, high))))
    t = pd.DataFrame(rows, columns=["patient_id", "venue", "minute", "fund"])
    start = pd.Timestamp("2024-03-01") + pd.to_timedelta(t["minute"], unit="min")
    claims = pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": t["venue"],
        "doctor_id": "D" + t["venue"], "visit_type": "outpatient", "start_time": start.dt.strftime("%Y-%m-%d %H:%M:%S"),
        "total_amount": (t["fund"] * 1.25).round(2), "fund_amount": t["fund"].round(2),
    })  # fmt: skip
    if diagnosis:
        claims["diagnosis"] = "J06.900"
    claims.to_csv(tmp_path / "claims.csv", index=False)
    pd.DataFrame({"person_id": sorted(set(t["patient_id"]))}).to_csv(tmp_path / "persons.csv", index=False)
    venues = ["H", "C0", "C1", "C2", "C3"]
    pd.DataFrame({"facility_id": venues, "kind": ["hospital"] + ["clinic"] * 4}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"doctor_id": [f"D{v}" for v in venues], "facility_id": venues}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return by_letter(tmp_path)


def _cost(f: Features) -> list:
    reasons = suspicion_reasons(f, {"venue": "C0"}, typology="staged_clinic", evidence={}, rules=SCORE_RULES)
    return [r for r in reasons if r.code == "cost_ratio"]


def test_a_staged_clinic_without_diagnoses_is_dear_against_its_clinic(tmp_path: Path) -> None:
    staged = _city(tmp_path, diagnosis=False)("S")
    assert staged.cost_ratio < 1.3  # against every outpatient visit of the city: no reason
    assert 2.5 < staged.venue_type_cost < 5  # against the clinic's own visits (20-40 yuan): 80-120 yuan
    assert staged.venue_type_peers == pytest.approx(30.0, rel=0.1)
    (reason,) = _cost(staged)
    assert reason.value == pytest.approx(staged.venue_type_cost, rel=1e-3) and reason.points == 25.0
    assert reason.args["venue"] == "C0" and reason.args["type_ratio"] == staged.cost_ratio
    assert "other claims of the same visit type at C0" in reason.text and "no diagnosis exported" in reason.text
    assert "C0 本机构同一就诊类型其他结算" in say(reason.code, reason.args, "zh")


def test_the_clinics_regulars_at_its_own_cost_gain_nothing(tmp_path: Path) -> None:
    regulars = _city(tmp_path, diagnosis=False)("R")
    assert 0.7 < regulars.venue_type_cost < 1.3
    assert _cost(regulars) == []  # neither the city's cells nor the clinic's own find them dear


def test_with_diagnoses_the_peers_are_the_citys_as_before(tmp_path: Path) -> None:
    staged = _city(tmp_path, diagnosis=True)("S")
    assert np.isnan(staged.venue_type_cost)  # not measured: the diagnosis's cell is the peer
    assert _cost(staged) == []  # (one diagnosis for all here: the city-wide cell, 1.3x or less)


def test_cells_with_too_few_other_claims_at_the_venue_are_left_out() -> None:
    # cell 1 has 5 claims at the venue, the group's 2 of them: too few to say what the venue bills for it
    ratio, ring, peers = venue_cell_cost(np.array([0, 1, 1]), np.array([100.0, 500.0, 500.0]),
                                         np.array([41, 5]), np.array([1_100.0, 1_100.0]))  # fmt: skip
    assert (ratio, ring, peers) == (4.0, 100.0, 25.0)
    assert np.isnan(venue_cell_cost(np.array([1]), np.array([50.0]), np.array([41, 5]), np.array([1_300.0, 60.0]))[0])
