"""Step 104: a nursing home's residents (养老院) seen on its clinic's monthly round at the care's cost are explained
(fifthworld's in-house clinics without addresses: residents of median age 83-86, rounds a month apart seeing
0.76-0.90 of them); a broker's recruits of the active elderly on the same round, the residents billed above the
care, or a round that sees half of them, are not."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.score.features import HOME_AGE, MONTH_DAYS, _rounds
from graphfraud.score.features import Features
from graphfraud.score.reasons import HOME_COVERAGE, PEER_COST, benign_explanation, home_round, online_refills
from tests.score.stubs import nothing

Measure = Callable[[Path], Callable[[str], Features]]


def _world(tmp_path: Path) -> Path:
    """600 townspeople at the private clinics P1 and P2 (30 yuan each, over 200 days), then four groups of 30 on a
    round of two days every 30 days (6 rounds) at P1, and one at P2.

    H: residents born 1938-1943 (median age past 80), 85% of them on each round, at 30 yuan.  S: recruits born
    1950-1955 (about 70) on the same round.  D: residents at 60 yuan.  L: residents, half of them on each round.
    A: residents at P2 whose rounds are 12 days apart (no month).  Dates only.
    """
    rng = np.random.default_rng(11)
    rows = []  # person, venue, day, fund
    town = [f"T{i:03d}" for i in range(600)]
    for _ in range(2000):
        rows.append(
            (town[int(rng.integers(0, 600))], ["P1", "P2"][int(rng.integers(0, 2))], int(rng.integers(0, 200)), 30.0)
        )
    groups = {"H": ("P1", 30.0, 0.85, 30), "S": ("P1", 30.0, 0.85, 30), "D": ("P1", 60.0, 0.85, 30),
              "L": ("P1", 30.0, 0.5, 30), "A": ("P2", 30.0, 0.85, 12)}  # fmt: skip
    for prefix, (venue, fund, share, every) in groups.items():
        for start in range(5, 5 + 6 * every, every):
            for i in range(30):
                if rng.random() < share:
                    rows.append((f"{prefix}{i:02d}", venue, start + i % 2, fund))  # a round of two days
    t = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "fund_amount"])
    start_time = (pd.Timestamp("2024-03-01") + pd.to_timedelta(t["day"], unit="D")).dt.strftime("%Y-%m-%d")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": t["facility_id"],
        "doctor_id": "D" + t["facility_id"], "visit_type": "outpatient", "start_time": start_time,
        "total_amount": t["fund_amount"] * 1.5, "fund_amount": t["fund_amount"],
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = sorted(set(t["patient_id"]))
    born = [f"{1950 + int(p[1:]) % 6}-05-01" if p[0] in "ST" else f"{1938 + int(p[1:]) % 6}-05-01" for p in persons]
    pd.DataFrame({"person_id": persons, "birth_date": born}).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame(
        {"facility_id": ["P1", "P2"], "kind": ["clinic", "clinic"], "ownership": ["private", "private"]}
    ).to_csv(tmp_path / "facilities.csv", index=False)
    pd.DataFrame({"doctor_id": ["DP1", "DP2"], "facility_id": ["P1", "P2"]}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def test_a_homes_monthly_round_at_the_cares_cost_is_explained_and_recruits_dear_care_or_a_thin_round_are_not(
    tmp_path: Path, measure_by_letter: Measure
) -> None:
    measured = measure_by_letter(_world(tmp_path))

    home = measured("H")
    assert home.median_age >= HOME_AGE and home.cost_ratio <= PEER_COST
    assert home.rounds == 6 and home.round_cycle == MONTH_DAYS and home.round_monthly == 1.0
    assert home.round_coverage >= HOME_COVERAGE
    assert benign_explanation(home) is None  # no address, no phone, a private clinic: no other explanation
    reason = home_round(home)
    assert reason is not None and reason.code == "benign_home_round"
    assert "monthly round" in reason.text and "养老院" in reason.text

    recruits, dear, thin, fortnightly = measured("S"), measured("D"), measured("L"), measured("A")
    assert recruits.median_age < HOME_AGE and recruits.rounds == 0 and home_round(recruits) is None  # not measured
    assert dear.cost_ratio > PEER_COST and home_round(dear) is None
    assert thin.round_coverage < HOME_COVERAGE and home_round(thin) is None
    assert fortnightly.round_monthly == 0.0 and home_round(fortnightly) is None


def test_a_homes_residents_on_its_phone_keep_the_round_and_a_dead_patients_claim_voids_it(
    tmp_path: Path, measure_by_letter: Measure, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step 117: fifthworld 29 and 34 export a 楼栋 key as the address, so a home's residents are at the dozens of
    buildings they were registered at, and the home binds many of their e-vouchers to its own phone (63 and 25
    persons).  The phone hub is no sign for a home's round; a claim after death still is, and every other
    explanation still takes the phone for one."""
    from graphfraud.score import reasons

    home = dataclasses.replace(measure_by_letter(_world(tmp_path))("H"), phone_hub_persons=25, phone_hub_addresses=24)
    assert reasons.hard_flags(home) and not reasons.hard_flags(home, home=True)
    reason = home_round(home)
    assert reason is not None and reason.args["phone"] == 25
    assert "25 of them on one phone" in reason.text and "代办" in reason.text
    assert home_round(dataclasses.replace(home, after_death_claims=2)) is None
    monkeypatch.setattr(reasons, "HOME_PHONE", False)
    assert home_round(home) is None


def test_rounds_of_a_few_days_are_one_round_and_days_of_a_few_residents_are_none() -> None:
    day = np.r_[np.repeat([0, 3, 30, 60], [6, 6, 12, 12]), [15, 45]]
    person = np.r_[np.arange(6), np.arange(6, 12), np.arange(12), np.arange(12), [1, 2]]
    out = _rounds(person, day)
    assert out["rounds"] == 3 and out["round_cycle"] == 30.0 and out["round_coverage"] == 1.0
    assert _rounds(np.array([], dtype=np.int64), np.array([], dtype=np.int64)) == {}


def _pair(cost_ratio: float, cost_chance: float) -> Features:
    return dataclasses.replace(nothing(), persons=160, cost_ratio=cost_ratio, cost_chance=cost_chance)


def test_an_internet_hospitals_repeat_prescriptions_at_one_pharmacy_are_explained_and_a_kickbacks_are_not() -> None:
    """Step 104 (b), on the numbers of fifthworld 5: the internet hospital's doctor whose 160 patients refill at
    the O2O flagship every 30 days (all gaps steady) at 1.05x, and the planted online kickback's doctor whose 97
    patients buy every 33 days (half the gaps steady) at 9.7x (36 standard errors)."""
    names = {"doctor": "YL299127-008", "pharmacy": "YD351308"}
    refills = {"member_period": 30.0, "member_steady": 1.0, "member_family": math.nan, "refill_cost": 1.38}
    reason = online_refills(_pair(1.05, 0.25), refills, names)
    assert reason is not None and reason.code == "benign_online" and "复诊续方" in reason.text
    within = online_refills(_pair(1.304, 0.97), refills, names)  # fifthworld 26: above 1.3x within chance
    assert within is not None and "within chance" in within.text
    assert online_refills(_pair(1.05, 0.25), None, names) is None  # not an internet hospital's doctor
    kickback = {"member_period": 33.0, "member_steady": 0.5, "member_family": math.nan, "refill_cost": 14.6}
    assert online_refills(_pair(9.69, 36.3), kickback, names) is None
    assert online_refills(_pair(9.69, 36.3), refills, names) is None  # steady, but dear
    assert online_refills(_pair(1.05, 0.25), kickback, names) is None  # cheap, but no supply's cadence
    assert online_refills(_pair(1.05, 0.25), {**refills, "member_period": 7.0}, names) is None  # weekly: no refill
