"""Step 155: a group dear only against the peers, at a venue whose own care costs as much, is the venue's care.

A 寺院's monks come down to the county's 民族医院 once a month, a dozen or more on one morning, for the pills it gives
everyone; where the export has no addresses nothing makes them one institution (step 115's test), and the crowds of
the hospital's ordinary patients are the same: rings scored on their cost against the peers alone, with their
arrivals, their share of the venue and their money (eighthworld 2 and 23's monks, 13, 15, 19, 23, 26 and 27's
crowds).  Against the venue's other claims they cost what everyone there costs.  A staged clinic at five times the
venue's own care, or one whose members come together again and again, stays a ring.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.io.read import read_claims_dir
from graphfraud.params import RunParams
from graphfraud.pipeline import RunResult, run
from graphfraud.score.features import Features
from graphfraud.score.reasons import VENUE_SIGNS, Reason, venue_care
from graphfraud.score.wording import say


def _county(tmp_path: Path, *, own: str = "public") -> Path:
    """A county of 1,500 townspeople over 240 days: 4,000 ordinary visits (20-40 yuan) at clinics C0-C3, and 900
    visits of 300 townspeople at the 民族医院 E (ownership ``own``) for pills of 350-450 yuan.  No addresses.

    Groups of 60 persons, 12 of them seen a few minutes apart on one morning a month (any day of it) for 8 months
    at E, each once or twice: M (monks) at E's cost (350-450 yuan), S (a staged clinic) at 1,800-2,200 yuan.
    """
    rng = np.random.default_rng(11)
    rows = []  # person, venue, minute, fund
    town = [f"T{i:04d}" for i in range(1500)]
    for _ in range(4000):
        minute = int(rng.integers(0, 240)) * 1440 + int(rng.integers(480, 1080))
        rows.append(
            (town[int(rng.integers(0, 1500))], f"C{int(rng.integers(0, 4))}", minute, float(rng.uniform(20, 40)))
        )
    for _ in range(900):
        minute = int(rng.integers(0, 240)) * 1440 + int(rng.integers(480, 1080))
        rows.append((town[int(rng.integers(0, 300))], "E", minute, float(rng.uniform(350, 450))))

    def group(letter: str, low: float, high: float, start: int) -> None:
        members = [f"{letter}{i:02d}" for i in range(60)]
        for month in range(8):
            minute = (30 * month + int(rng.integers(0, 28))) * 1440 + start
            for person in rng.choice(members, 12, replace=False):
                minute += int(rng.integers(2, 6))
                rows.append((str(person), "E", minute, float(rng.uniform(low, high))))

    group("M", 350, 450, 600)
    group("S", 1800, 2200, 840)
    t = pd.DataFrame(rows, columns=["patient_id", "venue", "minute", "fund"])
    start = pd.Timestamp("2024-03-01") + pd.to_timedelta(t["minute"], unit="min")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": t["venue"],
        "doctor_id": "D" + t["venue"], "visit_type": "outpatient", "start_time": start.dt.strftime("%Y-%m-%d %H:%M:%S"),
        "total_amount": (t["fund"] * 1.25).round(2), "fund_amount": t["fund"].round(2), "diagnosis": "M13.900",
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    pd.DataFrame({"person_id": sorted(set(t["patient_id"])), "birth_date": "1970-01-01"}).to_csv(
        tmp_path / "persons.csv", index=False
    )
    venues = ["C0", "C1", "C2", "C3", "E"]
    pd.DataFrame(
        {"facility_id": venues, "kind": ["clinic"] * 4 + ["hospital"], "ownership": ["public"] * 4 + [own]}
    ).to_csv(tmp_path / "facilities.csv", index=False)
    pd.DataFrame({"doctor_id": [f"D{v}" for v in venues], "facility_id": venues}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def _group(result: RunResult, letter: str) -> tuple[str, object]:
    """Where the group of ``letter`` ended: ("ring", ring) or ("explained", ring), by most of its persons."""
    for where, rings in (("ring", result.rings), ("explained", result.explained)):
        for ring in rings:
            ids = [m.entity_id for m in ring.members if m.entity_type == "person"]
            if sum(i.startswith(letter) for i in ids) >= 25:
                return where, ring
    return "none", None


def test_the_monks_without_addresses_are_the_venue_s_care(tmp_path: Path) -> None:
    result = run(read_claims_dir(_county(tmp_path)), RunParams())
    where, ring = _group(result, "M")
    assert where == "explained", where
    benign = ring.benign  # type: ignore[attr-defined]
    assert benign.code == "benign_venue_care"
    assert benign.args["cost_ratio"] > 2 and benign.args["venue_cost"] <= 1.3  # dear against the peers only
    assert "the venue's own care" in benign.text
    assert "该机构对所有患者的常规诊疗" in say(benign.code, benign.args, "zh")


def test_the_staged_clinic_dearer_than_the_venue_stays_a_ring(tmp_path: Path) -> None:
    result = run(read_claims_dir(_county(tmp_path)), RunParams())
    where, ring = _group(result, "S")
    assert where == "ring"
    assert ring.features.venue_cost_ratio > 3  # type: ignore[attr-defined]
    assert ring.benign is None  # type: ignore[attr-defined]


def test_at_a_private_venue_the_monks_stay_a_ring(tmp_path: Path) -> None:
    result = run(read_claims_dir(_county(tmp_path, own="private")), RunParams())
    where, ring = _group(result, "M")
    assert where == "ring" or (ring is not None and ring.benign.code != "benign_venue_care")  # type: ignore[attr-defined]


def _monks(tmp_path: Path) -> tuple[Features, list[Reason]]:
    result = run(read_claims_dir(_county(tmp_path)), RunParams())
    _, ring = _group(result, "M")
    return ring.features, [r for r in ring.reasons if r.points > 0]  # type: ignore[attr-defined]


def test_any_sign_of_the_group_s_own_voids_it(tmp_path: Path) -> None:
    f, scored = _monks(tmp_path)
    assert {r.code for r in scored} <= set(VENUE_SIGNS) and venue_care(f, scored) is not None
    lockstep = Reason("lockstep", {"regulars": 30, "persons": 60, "venue": "E", "days": 8, "regular_share_from": 0.2},
                      0.75, 0.2, 25.0)  # fmt: skip
    assert venue_care(f, [*scored, lockstep]) is None  # they come together again and again: a sign of their own
    assert venue_care(f, [r for r in scored if r.code != "cost_ratio"]) is None  # nothing dear to explain


@pytest.mark.parametrize(
    "change", [{"venue_cost_ratio": 1.5}, {"dominance": 0.6}, {"inpatient_share": 0.8}, {"public_venue": 0.0}]
)
def test_the_venue_s_own_cost_and_business_are_needed(tmp_path: Path, change: dict[str, float]) -> None:
    f, scored = _monks(tmp_path)
    assert venue_care(Features(**{**f.__dict__, **change}), scored) is None
