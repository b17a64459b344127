"""Young children seen at the county's maternal and child health hospital on the same days (a date-only export:
thirdworld seed 13, 53 children with median age 3.4 ranked as a staged clinic) are their routine care; the same
days kept by elders' cards, or children's care billed above the peers' cost or at a private clinic, are not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.score.features import Features
from graphfraud.score.reasons import CHILD_AGE, PEER_COST, benign_explanation, child_care

Measure = Callable[[Path], Callable[[str], Features]]


def _world(tmp_path: Path, *, ownership: bool = True) -> Path:
    """600 townspeople at the township centre C0 (30 yuan each), then four groups of 20 on the same 12 days.

    Children A (born 2021-2023) at the public MCH H1 at 30 yuan; children B likewise but at 60 yuan; children C
    at the private clinic P2 at 30 yuan; elders E (born 1940-1955) at the public MCH H1 at 30 yuan.  Dates only.
    Without ``ownership`` the facilities table has no ownership column.
    """
    rng = np.random.default_rng(7)
    rows = []  # person, venue, day, fund
    town = [f"T{i:03d}" for i in range(600)]
    for _ in range(1500):
        rows.append((town[int(rng.integers(0, 600))], "C0", int(rng.integers(0, 200)), 30.0))
    groups = {"A": ("H1", 30.0), "B": ("H1", 60.0), "C": ("P2", 30.0), "E": ("H1", 30.0)}
    for prefix, (venue, fund) in groups.items():
        for day in range(5, 185, 15):
            for i in range(20):
                if rng.random() < 0.6:
                    rows.append((f"{prefix}{i:02d}", venue, day, fund))
    t = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "fund_amount"])
    start = (pd.Timestamp("2024-03-01") + pd.to_timedelta(t["day"], unit="D")).dt.strftime("%Y-%m-%d")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": t["facility_id"],
        "doctor_id": "D" + t["facility_id"], "visit_type": "outpatient", "start_time": start,
        "total_amount": t["fund_amount"] * 1.5, "fund_amount": t["fund_amount"],
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = sorted(set(t["patient_id"]))
    born = [f"{2021 + int(p[1:]) % 3}-05-01" if p[0] in "ABC" else f"{1940 + int(p[1:]) % 16}-05-01" for p in persons]
    pd.DataFrame({"person_id": persons, "birth_date": born}).to_csv(tmp_path / "persons.csv", index=False)
    facilities = pd.DataFrame({
        "facility_id": ["C0", "H1", "P2"], "kind": ["community", "specialty", "clinic"],
        "ownership": ["public", "public", "private"],
    })  # fmt: skip
    if not ownership:
        facilities = facilities.drop(columns="ownership")
    facilities.to_csv(tmp_path / "facilities.csv", index=False)
    venues = ["C0", "H1", "P2"]
    pd.DataFrame({"doctor_id": [f"D{v}" for v in venues], "facility_id": venues}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def test_young_childrens_care_at_a_public_hospital_is_explained_and_elders_or_dear_care_are_not(
    tmp_path: Path, measure_by_letter: Measure
) -> None:
    measured = measure_by_letter(_world(tmp_path))

    children = measured("A")
    assert children.median_age < CHILD_AGE and children.public_venue == 1.0 and children.cost_ratio <= PEER_COST
    reason = benign_explanation(children)
    assert reason is not None and reason.code == "benign_children"
    assert "median age" in reason.text
    dear, private, elders = measured("B"), measured("C"), measured("E")
    assert dear.cost_ratio > PEER_COST and child_care(dear) is None
    assert private.public_venue == 0.0 and child_care(private) is None
    assert elders.median_age > 60 and child_care(elders) is None
    assert benign_explanation(elders) is None


def test_young_childrens_care_where_the_export_drops_ownership_is_explained_at_the_peers_cost(
    tmp_path: Path, measure_by_letter: Measure
) -> None:
    """Thirdworld 63: the county MCH's children in a date-only export without ``facilities.ownership``."""
    measured = measure_by_letter(_world(tmp_path, ownership=False))

    children = measured("A")
    assert np.isnan(children.public_venue) and children.cost_ratio <= PEER_COST
    reason = benign_explanation(children)
    assert reason is not None and reason.code == "benign_children"
    assert "no ownership" in reason.text and reason.args["bound"] == PEER_COST
    dear, elders = measured("B"), measured("E")
    assert dear.cost_ratio > PEER_COST and child_care(dear) is None
    assert child_care(elders) is None
    # a clinic the export does not call private is not taken for one: its children at the peers' cost are care
    unknown_clinic = measured("C")
    assert np.isnan(unknown_clinic.public_venue) and child_care(unknown_clinic) is not None
