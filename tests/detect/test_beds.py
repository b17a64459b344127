"""Phantom stays with staggered dates (挂床, detect/beds.py): a township centre whose villagers are each admitted
again and again at dates of their own is found against its peers, with or without discharge times; a hospital's
ordinary split stays (分解住院 of one institution) and elderly patients readmitted once are not a ring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import beds
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import BedsParams, RunParams
from graphfraud.pipeline import run

from .worlds import CENTRES, beds_county


@pytest.mark.parametrize("discharge", [True, False])
def test_a_township_centres_staggered_repeat_stays_are_found_against_its_peers(tmp_path: Path, discharge: bool):
    directory, ring = beds_county(tmp_path, beds_ring=True, busy_hospital=False, discharge=discharge)
    data = read_claims_dir(directory)
    graph = build_graph(data)
    found = beds.detect(graph, BedsParams())
    # one candidate, at C0, holding every villager and C0's 4 elderly readmitted once, not its split stays
    assert [str(graph.visits.venues.ids[c.evidence["venue"]]) for c in found] == ["C0"]
    persons = set(graph.visits.persons.ids[found[0].persons].astype(str))
    assert persons >= ring and len(persons - ring) <= 4
    assert found[0].evidence["repeat_ratio"] >= 3 and found[0].evidence["peers"] == CENTRES - 1

    result = run(data, RunParams())
    best = max(result.rings, key=lambda r: len({m.entity_id for m in r.members} & ring))
    assert best.typology == "induced_admission" and best.detector == "beds"
    assert len({m.entity_id for m in best.members} & ring) == len(ring)
    reason = next(r for r in best.reasons if r.code == "repeat_stays")
    assert reason.points > 0 and "C0" in reason.text and "community level 1" in reason.text
    # never admitted together: no "admitted together on group admission days" reason
    assert not any(r.code == "co_admission" for r in best.reasons)


@pytest.mark.parametrize("discharge", [True, False])
def test_a_hospitals_split_stays_and_elderly_readmissions_are_no_ring(tmp_path: Path, discharge: bool):
    directory, _ = beds_county(tmp_path, beds_ring=False, busy_hospital=True, discharge=discharge)
    data = read_claims_dir(directory)
    graph = build_graph(data)
    assert beds.detect(graph, BedsParams()) == []
    if discharge:  # compared on patients admitted twice, H0 would stand out: the rule is "again and again"
        twice = beds.detect(graph, BedsParams(min_admissions=2))
        assert [str(graph.visits.venues.ids[c.evidence["venue"]]) for c in twice] == ["H0"]
    assert not any(r.detector == "beds" for r in run(data, RunParams()).rings)


def test_a_split_stay_is_one_admission():
    stays = pd.DataFrame({"person": [1, 1, 1, 1], "venue": [0, 0, 0, 0], "day": [0, 8, 60, 90],
                          "end_day": [7, 12, 70, 95]})  # fmt: skip
    assert beds.admissions(stays, split_days=3, open_days=30).tolist() == [True, False, True, True]
    assert beds.admissions(stays, split_days=0, open_days=30).tolist() == [True, True, True, True]
    # without discharge times, a stay within a month of the previous start is the same admission
    dateless = stays.assign(end_day=-1)
    assert beds.admissions(dateless, split_days=3, open_days=30).tolist() == [True, False, True, False]


def test_dialysis_sessions_coded_as_stays_are_one_admission():
    """Three sessions a week, each a one-day "stay" (some regions code dialysis as inpatient): one admission."""
    days = np.array([d for week in range(20) for d in (7 * week, 7 * week + 2, 7 * week + 4)])
    sessions = pd.DataFrame({"person": 1, "venue": 0, "day": days, "end_day": days})
    assert beds.admissions(sessions, split_days=3, open_days=30).sum() == 1
    assert beds.admissions(sessions.assign(end_day=-1), split_days=3, open_days=30).sum() == 1
