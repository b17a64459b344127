"""Step 82: a household's cost is judged on the insurance money it spent where the fund paid under half of it.

A collector's sessions at a pharmacy (a few cards swiped a minute apart, paid from the holders' personal
accounts) cost the fund nothing, so the fund's ratio to the peers was 0.00x and the households' cost test passed
(otherworld seed 87: two shops' 74 and 71 loaded cards explained as households).  On the insurance money they
are many times their peers; families buying ordinary boxes from their accounts are households as before."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.score.features import Features
from graphfraud.score.reasons import benign_explanation, households, ordinary_cost
from tests.score.measure import by_letter


def _shop(tmp_path: Path) -> Callable[[str], Features]:
    """A pharmacy P0 and its 400 customers (1-3 purchases each, 20-80 yuan; half of them, F, paid 80% by the
    fund, the other half, T, from the account).  Families A (5) and B (4) and a collector's two sessions C (5 cards) and E (4 cards) each arrive
    together, a minute or two apart, on six days each (on no cycle); the families buy ordinary boxes (20-80 yuan), the
    collector dear ones (600-800 yuan); all four paid from the personal accounts, the fund nothing."""
    rng = np.random.default_rng(5)
    rows = []  # person, minute, total, fund

    for k in range(400):
        for _ in range(int(rng.integers(1, 4))):
            total = float(rng.uniform(20, 80))
            minute = int(rng.integers(0, 200)) * 1440 + int(rng.integers(480, 1200))
            rows.append((f"F{k:03d}", minute, total, 0.8 * total) if k % 2 else (f"T{k:03d}", minute, total, 0.0))

    def party(letter: str, size: int, low: float, high: float, start: int) -> None:
        for day in sorted(rng.choice(190, size=6, replace=False)):  # on no cycle
            minute = day * 1440 + start
            for i in range(size):
                minute += int(rng.integers(1, 3))
                rows.append((f"{letter}{i}", minute, float(rng.uniform(low, high)), 0.0))

    party("A", 5, 20, 80, 540)
    party("B", 4, 20, 80, 840)
    party("C", 5, 600, 800, 600)
    party("E", 4, 600, 800, 900)
    t = pd.DataFrame(rows, columns=["patient_id", "minute", "total_amount", "fund_amount"])
    start = (pd.Timestamp("2024-03-01") + pd.to_timedelta(t["minute"], unit="min")).dt.strftime("%Y-%m-%d %H:%M:%S")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "pharmacy_id": "P0",
        "visit_type": "pharmacy", "start_time": start, "total_amount": t["total_amount"].round(2),
        "fund_amount": t["fund_amount"].round(2), "account_amount": (t["total_amount"] - t["fund_amount"]).round(2),
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    pd.DataFrame({"person_id": sorted(set(t["patient_id"]))}).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"pharmacy_id": ["P0"]}).to_csv(tmp_path / "pharmacies.csv", index=False)
    (tmp_path / "facilities.csv").write_text("facility_id\n", encoding="utf-8")
    (tmp_path / "doctors.csv").write_text("doctor_id,facility_id\n", encoding="utf-8")
    return by_letter(tmp_path)


def test_a_collectors_sessions_paid_from_the_accounts_are_no_households(tmp_path: Path) -> None:
    measured = _shop(tmp_path)
    cards = measured("CE")
    assert cards.parties == 2 and cards.party_together == 1.0  # two parties, each always together
    assert cards.fund == 0.0 and cards.cost_ratio < 0.1  # the fund's ratio: 0.00x, however dear
    assert cards.money_cost > 10  # the money: 600-800 yuan against the customers' 20-80
    assert not ordinary_cost(cards) and not households(cards) and benign_explanation(cards) is None


def test_families_buying_ordinary_boxes_from_their_accounts_are_still_households(tmp_path: Path) -> None:
    families = _shop(tmp_path)("AB")
    assert families.fund == 0.0 and not math.isnan(families.money_cost)
    assert families.money_cost < 1.5 and households(families)
    reason = benign_explanation(families)
    assert reason is not None and reason.code == "benign_household"
    assert reason.args["cost_ratio"] == families.money_cost  # the money's ratio is the one shown


def test_where_the_fund_paid_the_fund_is_the_measure(tmp_path: Path) -> None:
    customers = _shop(tmp_path)("F")  # the fund paid 80% of their money
    assert math.isnan(customers.money_cost) and math.isnan(customers.money_chance)
