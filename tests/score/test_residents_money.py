"""Step 110: the residents of one institution are judged on the insurance money where the fund paid under half of it.

A foreman (工头) keeps his crew's cards, half of them moved to one dormitory, and swipes them at pharmacies for
dear drugs paid from the holders' personal accounts: the fund pays nothing, so the fund's ratio to the peers was
0.00x and "residents of one institution (e.g. a nursing home): 15 of 16 share one address" passed its cost test
(sixthworld 11 and 19: the crews' 23 and 16 loaded cards, explained).  On the insurance money they are many times
their peers; a home's residents buying ordinary boxes from their accounts are residents as before (step 82 did the
same for households)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.score.features import Features
from graphfraud.score.reasons import benign_explanation
from tests.score.measure import by_letter


def _shop(tmp_path: Path) -> Callable[[str], Features]:
    """A pharmacy P0 and its 400 customers of 400 addresses (1-3 purchases each, 20-80 yuan; half of them, F, paid
    80% by the fund, the other half, T, from the account).  A home's 10 residents H (one address) buy ordinary boxes
    (20-80 yuan) on 8 days each; a foreman's 10 cards W (one dormitory) are swiped for dear boxes (600-900 yuan) on 8
    days each, a minute or two apart; both paid from the personal accounts, the fund nothing."""
    rng = np.random.default_rng(7)
    rows = []  # person, minute, total, fund
    for k in range(400):
        for _ in range(int(rng.integers(1, 4))):
            total = float(rng.uniform(20, 80))
            minute = int(rng.integers(0, 200)) * 1440 + int(rng.integers(480, 1200))
            rows.append((f"F{k:03d}", minute, total, 0.8 * total) if k % 2 else (f"T{k:03d}", minute, total, 0.0))

    def group(letter: str, low: float, high: float, start: int) -> None:
        for day in sorted(rng.choice(190, size=8, replace=False)):
            minute = day * 1440 + start
            for i in range(10):
                minute += int(rng.integers(1, 3))
                rows.append((f"{letter}{i}", minute, float(rng.uniform(low, high)), 0.0))

    group("H", 20, 80, 540)
    group("W", 600, 900, 900)
    t = pd.DataFrame(rows, columns=["patient_id", "minute", "total_amount", "fund_amount"])
    start = (pd.Timestamp("2024-03-01") + pd.to_timedelta(t["minute"], unit="min")).dt.strftime("%Y-%m-%d %H:%M:%S")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "pharmacy_id": "P0",
        "visit_type": "pharmacy", "start_time": start, "total_amount": t["total_amount"].round(2),
        "fund_amount": t["fund_amount"].round(2), "account_amount": (t["total_amount"] - t["fund_amount"]).round(2),
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = pd.DataFrame({"person_id": sorted(set(t["patient_id"]))})
    first = persons["person_id"].str[0]
    persons["address"] = np.where(first.isin(["H", "W"]), "ADDR-" + first, "ADDR-" + persons["person_id"])
    persons.to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"pharmacy_id": ["P0"]}).to_csv(tmp_path / "pharmacies.csv", index=False)
    (tmp_path / "facilities.csv").write_text("facility_id\n", encoding="utf-8")
    (tmp_path / "doctors.csv").write_text("doctor_id,facility_id\n", encoding="utf-8")
    return by_letter(tmp_path)


def test_a_foremans_dormitory_cards_paid_from_the_accounts_are_no_residents(tmp_path: Path) -> None:
    crew = _shop(tmp_path)("W")
    assert crew.persons == 10 and crew.top_address_persons == 10  # one dormitory
    assert crew.fund == 0.0 and crew.cost_ratio < 0.1  # the fund's ratio: 0.00x, however dear
    assert crew.money_cost > 5  # the money: 600-900 yuan against the customers' 20-80
    reason = benign_explanation(crew)
    assert reason is None or reason.code != "benign_institution"


def test_a_homes_residents_buying_ordinary_boxes_from_their_accounts_are_still_residents(tmp_path: Path) -> None:
    home = _shop(tmp_path)("H")
    assert home.fund == 0.0 and not math.isnan(home.money_cost) and home.money_cost <= 1.3
    reason = benign_explanation(home)
    assert reason is not None and reason.code == "benign_institution"
    assert reason.args["residents"] == 10


def test_where_the_fund_paid_the_fund_is_the_measure(tmp_path: Path) -> None:
    customers = _shop(tmp_path)("F")  # the fund paid 80% of their money: the residents' test reads cost_ratio
    assert math.isnan(customers.money_cost)
