"""Step 105 (b): village doctors of public clinics whose elders are billed at a private hospital right after their
visits are a referral kickback, and the hospital's pairs are one ring, though the hospital is of a higher level
and the elders are a few percent of its outpatients (a 民营医院 paying 村医介绍费).  With the hospital public (the
referral system, 分级诊疗) nothing is reported."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from graphfraud.cli import main

VILLAGES = [f"V{i:02d}" for i in range(12)]  # twelve village clinics, one doctor each; V00 and V01 are paid


def _world(root: Path, owner: str) -> Path:
    """Each village doctor sees 60 elders once; 30 go on to the township centre T the next day (分级诊疗), 24 of
    V00's and of V01's others are billed at the hospital H (the other villages' elders: 1 each); H also sees 1,200
    patients of its own, so the 48 sent are 4% of its outpatients, and it is of level 1 above the clinics' 0."""
    claims = []
    person = 0

    def claim(patient: int, venue: str, doctor: str, day: int, minute: int, amount: float) -> None:
        claims.append({"claim_id": f"C{len(claims):06d}", "patient_id": f"U{patient:05d}", "facility_id": venue,
                       "pharmacy_id": "", "doctor_id": doctor, "visit_type": "outpatient",
                       "start_time": (pd.Timestamp("2024-03-01") + pd.Timedelta(days=day, minutes=minute)).isoformat(),
                       "total_amount": amount, "fund_amount": round(amount * 0.6, 2)})  # fmt: skip

    for v, village in enumerate(VILLAGES):
        for i in range(60):
            day = (v * 60 + i) % 170
            claim(person, village, f"D{village}", day, 9 * 60 + i, 20.0)
            if i < 30:
                claim(person, "T", "DT", day + 1, 10 * 60 + i, 50.0)
            elif i < 30 + (24 if v < 2 else 1):
                claim(person, "H", f"DH{i % 2}", day + 1, 10 * 60 + i, 1500.0)
            person += 1
    for i in range(1200):
        claim(person, "H", f"DH{i % 2}", i % 170, 14 * 60 + i % 120, 200.0)
        person += 1
    root.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(claims).to_csv(root / "claims.csv", index=False)
    pd.DataFrame({"person_id": [f"U{p:05d}" for p in range(person)], "region": "110101",
                  "insured_type": "resident"}).to_csv(root / "persons.csv", index=False)  # fmt: skip
    pd.DataFrame({"facility_id": [*VILLAGES, "T", "H"], "kind": ["clinic"] * 12 + ["community", "hospital"],
                  "level": [0] * 12 + [1, 1], "ownership": ["public"] * 13 + [owner],
                  "region": "110101"}).to_csv(root / "facilities.csv", index=False)  # fmt: skip
    (root / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    doctors = [f"D{v}" for v in VILLAGES] + ["DT", "DH0", "DH1"]
    pd.DataFrame({"doctor_id": doctors, "facility_id": [*VILLAGES, "T", "H", "H"]}).to_csv(
        root / "doctors.csv", index=False
    )
    return root


def _kickbacks(tmp_path: Path, owner: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["detect", str(_world(tmp_path / "data", owner)), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    rings = pd.read_csv(out / "rings.csv", dtype={"ring_id": str})
    return rings[rings["typology"] == "kickback"], pd.read_csv(out / "ring_members.csv", dtype=str)


def test_a_private_hospital_s_paid_village_doctors_are_one_kickback_ring(tmp_path: Path) -> None:
    rings, members = _kickbacks(tmp_path, "private")
    assert len(rings) == 1
    mine = members[members["ring_id"] == rings.iloc[0]["ring_id"]]
    assert set(mine.loc[mine["entity_type"] == "doctor", "entity_id"]) == {"DV00", "DV01"}
    assert len(mine[mine["entity_type"] == "person"]) == 48


def test_a_public_hospital_is_the_referral_system(tmp_path: Path) -> None:
    rings, _ = _kickbacks(tmp_path, "public")
    assert rings.empty
