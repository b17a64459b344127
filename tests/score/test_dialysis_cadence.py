"""Step 116: a chronic-disease programme is bounded by its treatment's cadence (sixthworld 17 and 21: a padded
血透 unit in a date-only export without ownership, its patients' sessions coded 门诊慢特病 N18, explained as a
chronic-care cohort; a Sunday session billed on top of three a week, 3.6 a week for 35 weeks)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud import pipeline
from graphfraud.io.read import read_claims_dir
from graphfraud.score.features import Features
from graphfraud.score.reasons import (
    MAINTENANCE_WEEKLY,
    MAINTENANCE_WEEKS,
    benign_explanation,
    chronic_programme,
    maintenance_cadence,
)
from graphfraud.score.wording import say

Measure = Callable[[Path], Callable[[str], Features]]


def _world(tmp_path: Path, *, weeks: int = 30) -> Path:
    """Two dialysis units of 24 patients each, every session a chronic-disease claim for N18, dates only, no
    ``ownership`` column; 400 townspeople's chronic visits at the county hospital C0 for the peers.

    Unit H1's patients (A) come on Mon/Wed/Fri or Tue/Thu/Sat, 97% of their sessions, for ``weeks`` weeks; unit
    H2's (B) the same, and H2 bills a Sunday session for 70% of them each week on top.
    """
    rng = np.random.default_rng(11)
    monday = pd.Timestamp("2024-03-04")
    rows = []  # person, venue, day, fund
    for _ in range(1200):
        rows.append((f"T{int(rng.integers(0, 400)):03d}", "C0", int(rng.integers(0, 7 * weeks)), 300.0))
    for prefix, venue, sunday in (("A", "H1", 0.0), ("B", "H2", 0.7)):
        for i in range(24):
            shift = (0, 2, 4) if i % 2 == 0 else (1, 3, 5)
            for day in range(7 * weeks):
                if day % 7 in shift and rng.random() < 0.97:
                    rows.append((f"{prefix}{i:02d}", venue, day, 300.0))
                elif day % 7 == 6 and rng.random() < sunday:
                    rows.append((f"{prefix}{i:02d}", venue, day, 300.0))
    t = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "fund_amount"])
    start = (monday + pd.to_timedelta(t["day"], unit="D")).dt.strftime("%Y-%m-%d")
    pd.DataFrame({
        "claim_id": [f"K{i:06d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": t["facility_id"],
        "doctor_id": "D" + t["facility_id"], "visit_type": "chronic", "start_time": start,
        "total_amount": t["fund_amount"] * 1.4, "fund_amount": t["fund_amount"], "diagnosis": "N18.500",
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = sorted(set(t["patient_id"]))
    pd.DataFrame({"person_id": persons}).to_csv(tmp_path / "persons.csv", index=False)
    venues = ["C0", "H1", "H2"]
    pd.DataFrame({"facility_id": venues, "kind": ["hospital", "specialty", "specialty"]}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"doctor_id": [f"D{v}" for v in venues], "facility_id": venues}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def test_a_dialysis_cohort_is_a_chronic_programme_and_a_padded_one_is_not(
    tmp_path: Path, measure_by_letter: Measure
) -> None:
    measured = measure_by_letter(_world(tmp_path))

    unit = measured("A")
    assert np.isnan(unit.public_venue) and unit.chronic_share == 1.0
    assert 2.8 <= unit.member_weekly <= MAINTENANCE_WEEKLY and unit.member_course_weeks >= MAINTENANCE_WEEKS
    reason = benign_explanation(unit)
    assert reason is not None and reason.code == "benign_chronic"
    assert maintenance_cadence(unit) is None

    padded = measured("B")
    assert padded.chronic_share == 1.0 and padded.member_weekly > MAINTENANCE_WEEKLY
    assert not chronic_programme(padded)
    assert benign_explanation(padded) is None
    said = maintenance_cadence(padded)
    assert said is not None and said.points == 0.0 and said.value == round(padded.member_weekly, 4)
    assert f"{padded.member_weekly:.1f} times a week" in said.text
    assert f"每周就诊 {padded.member_weekly:.1f} 次" in say(said.code, said.args, lang="zh")


def test_a_padded_unit_of_a_few_weeks_is_left_to_the_programme(tmp_path: Path, measure_by_letter: Measure) -> None:
    # a course of weeks at a daily cadence is a course (rehabilitation), not maintenance: only months count
    padded = measure_by_letter(_world(tmp_path, weeks=6))("B")
    assert padded.member_weekly > MAINTENANCE_WEEKLY and padded.member_course_weeks < MAINTENANCE_WEEKS
    assert chronic_programme(padded) and maintenance_cadence(padded) is None
    reason = benign_explanation(padded)
    assert reason is not None and reason.code == "benign_chronic"


def test_the_padded_unit_is_reported_with_its_cadence_and_the_dialysis_unit_explained(tmp_path: Path) -> None:
    result = pipeline.run(read_claims_dir(_world(tmp_path)))

    def persons(ring: object) -> set[str]:
        return {m.entity_id for m in ring.members if m.entity_type == "person"}  # type: ignore[attr-defined]

    (padded,) = [r for r in result.rings if persons(r) & {f"B{i:02d}" for i in range(24)}]
    assert persons(padded) == {f"B{i:02d}" for i in range(24)} and padded.benign is None
    (said,) = [r for r in padded.reasons if r.code == "maintenance_cadence"]
    assert said.points == 0.0 and said.value > MAINTENANCE_WEEKLY
    assert not any(persons(r) & {f"A{i:02d}" for i in range(24)} for r in result.rings)
    unit = [r for r in result.explained if persons(r) & {f"A{i:02d}" for i in range(24)}]
    assert unit and {r.benign.code for r in unit if r.benign is not None} == {"benign_chronic"}
