"""A family that takes its members to the county hospital together is a household even when its claims cost twice
the town's (thirdworld 29-43: five families' groups at 1.59-2.03x their peers were ranked as staged clinics); a
broker's pool that takes turns at the same cost, or one card keeper's cards swiped together at a private clinic, is
not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.score.features import Features
from graphfraud.score.reasons import HOUSEHOLD_COST, benign_explanation, family_outing, households

Measure = Callable[[Path], Callable[[str], Features]]


def _world(tmp_path: Path) -> Path:
    """600 townspeople (1,500 visits at the township centre C0, 30 yuan from the fund each) and three groups.

    Family F (6 persons, one address) goes to the county hospital H1 on 8 days, each member 1-3 minutes after
    the one before, a member staying home one time in ten; their claims are 60 yuan.  Broker R's pool of 8
    comes to the township centre C2 on 16 days, 2-3 of them each time, 1-3 minutes apart (60 yuan).  Card
    keeper K swipes the same 6 cards at the private clinic P3 on 8 days, 1-3 minutes apart (60 yuan).
    """
    rng = np.random.default_rng(5)
    rows = []  # person, venue, minute, fund
    town = [f"T{i:03d}" for i in range(600)]
    for _ in range(1500):
        rows.append(
            (
                town[int(rng.integers(0, 600))],
                "C0",
                int(rng.integers(0, 200)) * 1440 + int(rng.integers(480, 1020)),
                30.0,
            )
        )

    def party(people: list[str], venue: str, day: int) -> None:
        minute = day * 1440 + 540
        for p in people:
            minute += int(rng.integers(1, 4))
            rows.append((p, venue, minute, 60.0))

    family, pool, cards = [f"F{i}" for i in range(6)], [f"R{i}" for i in range(8)], [f"K{i}" for i in range(6)]
    for day in range(10, 170, 20):
        party([p for p in family if rng.random() < 0.9], "H1", day)
        party(cards, "P3", day + 3)
    for day in range(5, 165, 10):
        party(sorted(rng.choice(pool, size=int(rng.integers(2, 4)), replace=False)), "C2", day)
    t = pd.DataFrame(rows, columns=["patient_id", "facility_id", "minute", "fund_amount"])
    start = (pd.Timestamp("2024-03-01") + pd.to_timedelta(t["minute"], unit="min")).dt.strftime("%Y-%m-%d %H:%M:%S")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": t["facility_id"],
        "doctor_id": "D" + t["facility_id"], "visit_type": "outpatient", "start_time": start,
        "total_amount": t["fund_amount"] * 1.5, "fund_amount": t["fund_amount"],
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = sorted(set(t["patient_id"]))
    addresses = ["F" if p[0] == "F" else p for p in persons]  # the family at one address, everyone else at their own
    pd.DataFrame({"person_id": persons, "address": addresses}).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({
        "facility_id": ["C0", "H1", "C2", "P3"], "kind": ["community", "hospital", "community", "clinic"],
        "ownership": ["public", "public", "public", "private"],
    }).to_csv(tmp_path / "facilities.csv", index=False)  # fmt: skip
    venues = ["C0", "H1", "C2", "P3"]
    pd.DataFrame({"doctor_id": [f"D{v}" for v in venues], "facility_id": venues}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def test_a_family_at_the_county_hospital_is_a_household_at_twice_the_peers_cost(
    tmp_path: Path, measure_by_letter: Measure
) -> None:
    measured = measure_by_letter(_world(tmp_path))

    family = measured("F")
    assert family.cost_ratio > HOUSEHOLD_COST  # dearer than the town's claims: the old cost cap left it unexplained
    assert family.party_together >= 0.8 and family.attendance >= 0.5 and not family.private_venue
    assert family_outing(family)
    reason = benign_explanation(family)
    assert reason is not None and reason.code == "benign_household"
    # the broker's pool takes turns: each recruit at a share of the batches, so no family outing at that cost
    pool = measured("R")
    assert pool.cost_ratio > HOUSEHOLD_COST and pool.attendance < 0.5
    assert not family_outing(pool) and not households(pool) and benign_explanation(pool) is None
    # the keeper's cards come together every time, but at a private clinic
    cards = measured("K")
    assert cards.cost_ratio > HOUSEHOLD_COST and cards.party_together == 1.0 and cards.private_venue
    assert not family_outing(cards) and benign_explanation(cards) is None
