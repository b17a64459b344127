"""A household's few claims above their peers by chance (otherworld 16 and 75: a family of five at a one-doctor
private clinic, 18 claims at 1.59x the same diagnoses elsewhere, 1.9 standard errors) are one household; a card
keeper's household, dear on every claim, is not."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graphfraud.score.features import Features
from graphfraud.score.reasons import HOUSEHOLD_CHANCE, HOUSEHOLD_COST, benign_explanation, chance_cost, ordinary_cost
from graphfraud.score.wording import say

Measure = Callable[[Path], Callable[[str], Features]]


def _world(tmp_path: Path) -> Path:
    """A private clinic C0 and its 400 townspeople (1,200 outpatient visits, fund 0-120 yuan: mean 36, wide).

    Family F (5 persons at one address) comes on 6 days, 3 of them each time, within minutes: its 18 claims are
    drawn from the same spread but two of them are 130 and 150 yuan (a scan, a dear prescription): 1.53x the
    others, 2.5 standard errors.  Keeper K's household (5 persons at one address) comes on 6 days too, each claim
    110-130 yuan (dear drugs on every card): 3.56x, 12.5 standard errors.
    """
    rng = np.random.default_rng(11)
    rows = []  # person, minute, fund
    for _ in range(1200):
        fund = float(
            rng.choice([0.0, 10.0, 20.0, 30.0, 40.0, 60.0, 80.0, 120.0], p=[0.1, 0.2, 0.2, 0.15, 0.1, 0.1, 0.1, 0.05])
        )
        rows.append(
            (f"T{int(rng.integers(0, 400)):03d}", int(rng.integers(0, 300)) * 1440 + int(rng.integers(480, 1020)), fund)
        )
    family = [
        30.0,
        40.0,
        20.0,
        60.0,
        130.0,
        50.0,
        40.0,
        80.0,
        30.0,
        150.0,
        20.0,
        40.0,
        60.0,
        30.0,
        80.0,
        40.0,
        20.0,
        60.0,
    ]
    keeper = [float(v) for v in rng.integers(110, 131, 18)]
    for letter, funds in (("F", family), ("K", keeper)):
        for n, day in enumerate(range(20, 300, 50)):
            minute = day * 1440 + 600
            for i in range(3):
                minute += int(rng.integers(1, 4))
                rows.append((f"{letter}{(n + i) % 5}", minute, funds[3 * n + i]))
    t = pd.DataFrame(rows, columns=["patient_id", "minute", "fund"])
    start = (pd.Timestamp("2024-01-01") + pd.to_timedelta(t["minute"], unit="min")).dt.strftime("%Y-%m-%d %H:%M:%S")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": "C0",
        "doctor_id": "D0", "visit_type": "outpatient", "diagnosis": "J06.9", "start_time": start,
        "total_amount": t["fund"] * 1.2, "fund_amount": t["fund"],
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = sorted(set(t["patient_id"]))
    pd.DataFrame({"person_id": persons, "address": [p[0] if p[0] in "FK" else p for p in persons]}).to_csv(
        tmp_path / "persons.csv", index=False
    )
    pd.DataFrame({"facility_id": ["C0"], "kind": ["clinic"], "ownership": ["private"]}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"doctor_id": ["D0"], "facility_id": ["C0"]}).to_csv(tmp_path / "doctors.csv", index=False)
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def test_a_family_above_its_peers_by_chance_is_a_household_and_a_keeper_is_not(
    tmp_path: Path, measure_by_letter: Measure
) -> None:
    measured = measure_by_letter(_world(tmp_path))
    family, keeper = measured("F"), measured("K")
    assert family.private_venue and family.persons == 5 and family.claims == 18

    # the family's cost by hand: its fund against the townspeople's mean, in standard errors of 18 of their claims
    town = pd.read_csv(tmp_path / "claims.csv")
    others = town.loc[~town["patient_id"].str[0].isin(["F", "K"]), "fund_amount"]
    mine = town.loc[town["patient_id"].str[0] == "F", "fund_amount"]
    peers = pd.concat([others, town.loc[town["patient_id"].str[0] == "K", "fund_amount"]])
    assert math.isclose(family.cost_ratio, mine.mean() / peers.mean(), rel_tol=1e-9)
    sd = math.sqrt(18 * peers.var(ddof=0))
    assert math.isclose(family.cost_chance, (mine.sum() - 18 * peers.mean()) / sd, rel_tol=1e-9)
    assert family.cost_ratio > HOUSEHOLD_COST and family.cost_chance <= HOUSEHOLD_CHANCE
    assert chance_cost(family) and ordinary_cost(family)

    reason = benign_explanation(family)
    assert reason is not None and reason.code == "benign_household" and "chance" in reason.args
    assert "standard errors above them: within chance" in reason.text
    assert say(reason.code, reason.args, "zh").startswith("疑为同一家庭")

    assert keeper.cost_ratio > 2.5 and keeper.cost_chance > 3 * HOUSEHOLD_CHANCE
    assert not chance_cost(keeper) and not ordinary_cost(keeper)
    assert benign_explanation(keeper) is None


def test_no_squares_is_no_chance() -> None:
    """Features made by hand (no ``cost_chance``) keep the cost cap alone."""
    required = [x.name for x in dataclasses.fields(Features) if x.default is dataclasses.MISSING]
    values: dict[str, Any] = {n: 0 for n in required}
    f = Features(**{**values, "private_venue": True, "top_diagnosis": "", "cost_ratio": 1.6})
    assert math.isnan(f.cost_chance) and not chance_cost(f) and not ordinary_cost(f)
