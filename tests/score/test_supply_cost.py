"""Step 156: a venue's patients on long prescriptions (长处方) cost what a month's tablets cost, a month.

A community centre that gives its hypertension patients twelve weeks of tablets at a time bills three times a
monthly refill on each visit (fifthworld held-out 49: 1.6-1.7x the same cells, 1.7-1.9x the city's other follow-up
visits), and as much as the monthly refills per day of supply.  A centre that bills above the care is dear per day
too; a monthly group and a private clinic's are not judged by it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.score.features import claim_facts, features
from graphfraud.score.public import (
    LONG_SUPPLY_DAYS,
    SUPPLY_CELLS,
    SUPPLY_DAYS,
    follow_up_cost,
    long_prescriptions,
    supply_cells,
    supply_cost,
)
from graphfraud.score.wording import say

from tests.score.test_follow_up_cost import write_city
from tests.score.test_public_care import FOLLOW_UPS

START = pd.Timestamp("2024-01-02")


def _world(tmp_path: Path, *, group_fund: float, group_gap: int = 84) -> Path:
    """Date-only claims.  H0, a community centre: 40 hypertension patients (G…) every ``group_gap`` days, 5 visits
    each at ``group_fund`` yuan.  H1: 30 patients (F…) monthly (30 days) for 8 months at 30 yuan.  H2, a city
    hospital: 300 persons (A…) once each for an acute visit at 40 yuan, and one patient (B000) back after a
    year's pause."""
    rows = []
    for i in range(40):
        rows += [(f"G{i:03d}", "H0", START + pd.Timedelta(days=group_gap * m + i % 25), group_fund) for m in range(5)]
    for i in range(30):
        rows += [(f"F{i:03d}", "H1", START + pd.Timedelta(days=30 * m + i % 25), 30.0) for m in range(8)]
    rows += [(f"A{i:03d}", "H2", START + pd.Timedelta(days=i % 240), 40.0) for i in range(300)]
    rows += [("B000", "H2", START + pd.Timedelta(days=d), 40.0) for d in (0, 30, 60, 400)]
    return write_city(tmp_path, rows, "I10.x00")


def _group(folder: Path) -> tuple[float, float, tuple[float, float]]:
    """(cost_ratio, follow_up_cost, supply_cost) of the H0 patients' group."""
    graph = build_graph(read_claims_dir(folder))
    facts = claim_facts(graph)
    ids = pd.Series(graph.visits.persons.ids)
    codes = np.flatnonzero(ids.str.startswith("G").to_numpy())
    c = Candidate("covisit", codes, np.flatnonzero(np.isin(graph.visits.column("person"), codes)))
    return features(c, facts).cost_ratio, follow_up_cost(c.claims, facts), supply_cost(c.claims, facts)


def test_twelve_weeks_of_tablets_cost_a_month_a_month(tmp_path: Path) -> None:
    cost, follow_ups, (per_day, days) = _group(_world(tmp_path, group_fund=84.0))
    # the other follow-up visits: F's 240 monthly at 30 yuan and B000's 4 at 40 (every 30 days, a pause capped)
    assert follow_ups == pytest.approx(84.0 / ((240 * 30.0 + 4 * 40.0) / 244), rel=1e-6)  # 2.8x a visit
    assert cost > 1.5
    assert days == 84.0
    assert per_day == pytest.approx(1.0 / ((240 * 1.0 + 4 * 40.0 / 30.0) / 244), rel=1e-6)  # a yuan a day, both


def test_a_centre_that_bills_above_the_care_is_dear_per_day_too(tmp_path: Path) -> None:
    _, _, (per_day, days) = _group(_world(tmp_path, group_fund=168.0))
    assert days == 84.0 and per_day == pytest.approx(2.0 / ((240 * 1.0 + 4 * 40.0 / 30.0) / 244), rel=1e-6)


def test_a_pause_is_no_longer_supply(tmp_path: Path) -> None:
    graph = build_graph(read_claims_dir(_world(tmp_path, group_fund=84.0, group_gap=120)))
    facts = claim_facts(graph)
    days, n, per_day = supply_cells(facts)
    supply_cost(np.arange(5), facts)  # the first group that asks makes the run's supplies
    ids = pd.Series(graph.visits.persons.ids)[graph.visits.column("person")].to_numpy()
    assert np.all(days[ids == "B000"] == 30.0)  # the median of 30, 30 and 340 days
    assert np.all(days[np.char.startswith(ids.astype(str), "G")] == SUPPLY_DAYS)  # 120 days capped at 12 weeks
    assert np.isnan(days[np.char.startswith(ids.astype(str), "A")]).all()  # one-off visits have no supply
    assert n.sum() == 40 * 5 + 30 * 8 + 4
    made = graph.shared(f"{SUPPLY_CELLS}:4", lambda: None)
    assert made is not None and np.array_equal(made[1], n)  # kept on the graph for the run


LONG = dataclasses.replace(FOLLOW_UPS, cost_ratio=1.74, cost_chance=6.3, member_weekly=0.083, attendance=0.043,
                           primary_venue=True, local_share=0.67)  # fmt: skip


def test_a_centres_long_prescriptions_are_explained() -> None:
    reason = long_prescriptions(LONG, lambda: (1.02, 84.0))
    assert reason is not None and reason.code == "benign_schedule"
    assert "long prescriptions" in reason.text and "a refill of a median 84 days" in reason.text
    assert "1.02x the city's other follow-up visits of the same diagnoses per day of supply" in reason.text
    zh = say(reason.code, reason.args, "zh")
    assert zh.startswith("疑为科室开具长处方的定期复诊患者") and "中位数 84 天的配药量" in zh
    piece = dataclasses.replace(LONG, persons=15, sessions=16, attendance=0.25)  # a piece of the centre's patients
    assert long_prescriptions(piece, lambda: (1.15, 84.0)) is not None


def test_what_long_prescriptions_leave() -> None:
    assert long_prescriptions(LONG, lambda: (1.9, 84.0)) is None  # dear per day of supply too
    assert long_prescriptions(LONG, lambda: (float("nan"), float("nan"))) is None  # no follow-up visits
    assert long_prescriptions(LONG, lambda: (1.0, 28.0)) is None  # monthly refills: step 124's to judge

    def never() -> tuple[float, float]:
        raise AssertionError("asked")

    for change in ({"attendance": 0.6}, {"member_weekly": 7.0 / 28}, {"public_venue": 0.0, "private_venue": True},
                   {"phone_hub_persons": 6}, {"local_share": 0.1}, {"member_weeks": 8.0}):  # fmt: skip
        assert long_prescriptions(dataclasses.replace(LONG, **change), never) is None
    assert 7.0 / 28 > 7.0 / LONG_SUPPLY_DAYS  # a monthly patient comes more often than the bound
