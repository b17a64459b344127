"""Step 124: a group of follow-up patients costs what the city's other follow-up visits of its diagnoses cost.

A COPD patient's monthly visit is the maintenance inhaler; an acute bronchitis coded J44 is a consultation and a few
days' tablets.  Against every J44 claim a 卫生院's COPD patients are dear (sixthworld held-out 24: 1.31-1.45x); against
the other COPD patients' monthly visits they are not (1.04-1.16x).  A staged clinic that bills above the care is dear
against both.
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
    FOLLOW_UP_CELLS,
    FOLLOW_UP_VISITS,
    follow_up_cells,
    follow_up_cost,
    follow_up_patients,
)
from graphfraud.score.wording import say

from tests.score.test_public_care import FOLLOW_UPS

START = pd.Timestamp("2024-01-02")


def _world(tmp_path: Path, *, group_fund: float) -> Path:
    """Date-only claims.  H0, a township centre: 40 COPD patients (G…) each monthly for 8 months at
    ``group_fund`` yuan.  H1: 30 COPD patients (F…) monthly at 95 yuan.  H2, a city hospital: 300 persons (A…) once
    each for an acute J44 at 40 yuan."""
    rows = []
    for i in range(40):
        rows += [(f"G{i:03d}", "H0", START + pd.Timedelta(days=30 * m + i % 25), group_fund) for m in range(8)]
    for i in range(30):
        rows += [(f"F{i:03d}", "H1", START + pd.Timedelta(days=30 * m + i % 25), 95.0) for m in range(8)]
    rows += [(f"A{i:03d}", "H2", START + pd.Timedelta(days=i % 240), 40.0) for i in range(300)]
    return write_city(tmp_path, rows, "J44.900")


def write_city(tmp_path: Path, rows: list, diagnosis: str) -> Path:
    """Claims ``rows`` (patient, facility H0/H1/H2, start, fund) as a claims directory: every claim an outpatient
    visit of ``diagnosis`` by the facility's one doctor, dates only; H0 and H1 community centres, H2 a hospital."""
    t = pd.DataFrame(rows, columns=["patient_id", "facility_id", "start", "fund"])
    pd.DataFrame({
        "claim_id": [f"K{i:06d}" for i in range(len(t))], "patient_id": t["patient_id"],
        "facility_id": t["facility_id"], "doctor_id": "D" + t["facility_id"], "visit_type": "outpatient",
        "start_time": t["start"].dt.strftime("%Y-%m-%d"), "total_amount": t["fund"] * 1.5,
        "fund_amount": t["fund"], "diagnosis": diagnosis,
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    pd.DataFrame({"person_id": sorted(set(t["patient_id"]))}).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"facility_id": ["H0", "H1", "H2"], "kind": ["community", "community", "hospital"]}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"doctor_id": ["DH0", "DH1", "DH2"], "facility_id": ["H0", "H1", "H2"]}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def _group(folder: Path, **kw: int) -> tuple[float, float]:
    """(cost_ratio, follow_up_cost) of the H0 patients' group."""
    graph = build_graph(read_claims_dir(folder))
    facts = claim_facts(graph)
    ids = pd.Series(graph.visits.persons.ids)
    codes = np.flatnonzero(ids.str.startswith("G").to_numpy())
    c = Candidate("covisit", codes, np.flatnonzero(np.isin(graph.visits.column("person"), codes)))
    return features(c, facts).cost_ratio, follow_up_cost(c.claims, facts, **kw)


def test_follow_up_patients_cost_what_other_follow_ups_cost(tmp_path: Path) -> None:
    cost, follow_ups = _group(_world(tmp_path, group_fund=100.0))
    # every J44 claim elsewhere: (240 x 95 + 300 x 40) / 540 = 66.3 yuan, so 1.51x; the F patients' visits: 95
    assert cost == pytest.approx(100.0 / ((240 * 95 + 300 * 40) / 540), rel=1e-6)
    assert follow_ups == pytest.approx(100.0 / 95.0, rel=1e-6)


def test_a_clinic_that_bills_above_the_care_is_dear_against_follow_ups_too(tmp_path: Path) -> None:
    _, follow_ups = _group(_world(tmp_path, group_fund=200.0))
    assert follow_ups == pytest.approx(200.0 / 95.0, rel=1e-6)


def test_one_off_visits_are_no_follow_ups(tmp_path: Path) -> None:
    # with more than 8 visits needed nobody is a follow-up patient: the cell's claims are the peers (as cost_ratio)
    cost, follow_ups = _group(_world(tmp_path, group_fund=100.0), visits=9)
    assert follow_ups == pytest.approx(cost, rel=1e-6)
    assert FOLLOW_UP_VISITS <= 8


def test_follow_up_visits_are_counted_once_per_run(tmp_path: Path) -> None:
    graph = build_graph(read_claims_dir(_world(tmp_path, group_fund=100.0)))
    facts = claim_facts(graph)
    flag, n, fund = follow_up_cells(facts)
    ids = pd.Series(graph.visits.persons.ids)[graph.visits.column("person")]
    assert flag.sum() == 8 * (40 + 30) and not flag[ids.str.startswith("A").to_numpy()].any()  # one-offs are not
    assert n.sum() == flag.sum() and fund.sum() == pytest.approx(8 * (40 * 100.0 + 30 * 95.0))
    rows = np.flatnonzero(ids.str.startswith("G").to_numpy())
    first = follow_up_cost(rows, facts)
    made = graph.shared(f"{FOLLOW_UP_CELLS}:{FOLLOW_UP_VISITS}", lambda: None)
    assert made is not None and np.array_equal(made[0], flag)  # kept on the graph by the first call
    assert follow_up_cost(rows, facts) == first


def test_a_group_dear_against_the_code_but_not_its_follow_ups_is_explained() -> None:
    dear = dataclasses.replace(FOLLOW_UPS, cost_ratio=1.43, cost_chance=14.2)
    assert follow_up_patients(dear) is None  # as before step 124
    reason = follow_up_patients(dear, lambda: 1.16)
    assert reason is not None and reason.code == "benign_schedule"
    assert "cost 1.43x peers', 1.16x the city's other follow-up visits of the same diagnoses" in reason.text
    zh = say(reason.code, reason.args, "zh")
    assert "费用为同类的 1.43 倍，为全市同类诊断其他复诊（同一人在同一机构 4 次及以上）的 1.16 倍" in zh


def test_a_group_dear_against_follow_ups_too_is_not() -> None:
    assert follow_up_patients(dataclasses.replace(FOLLOW_UPS, cost_ratio=1.65, cost_chance=20.0), lambda: 1.61) is None
    dear = dataclasses.replace(FOLLOW_UPS, cost_ratio=1.65, cost_chance=20.0)
    assert follow_up_patients(dear, lambda: float("nan")) is None  # no follow-up visits to compare


def test_follow_ups_are_asked_only_when_all_else_holds_but_the_cost() -> None:
    def never() -> float:
        raise AssertionError("asked")

    assert follow_up_patients(FOLLOW_UPS, never) is not None  # at the peers' cost: not needed
    for change in ({"attendance": 0.25}, {"public_venue": 0.0, "private_venue": True}, {"phone_hub_persons": 6},
                   {"primary_venue": True, "local_share": 0.12}, {"member_weekly": 0.45}):  # fmt: skip
        assert follow_up_patients(dataclasses.replace(FOLLOW_UPS, cost_ratio=1.5, cost_chance=12.0, **change),
                                  never) is None  # fmt: skip
