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

CENTRES = 10  # township health centres C0..C9 (community, level 1); hospitals H0..H2 (hospital, level 2)


def _stay(rows: list, person: str, venue: str, day: int, length: int, rng: np.random.Generator, split: float) -> None:
    """One admission of ``length`` days, split with chance ``split`` into two stays 0-2 days apart."""
    if length >= 6 and rng.random() < split:
        cut = int(rng.integers(2, length - 2))
        rows.append((person, venue, day, day + cut))
        again = day + cut + int(rng.integers(0, 3))
        rows.append((person, venue, again, again + length - cut))
    else:
        rows.append((person, venue, day, day + length))


def _world(tmp_path: Path, *, beds_ring: bool, busy_hospital: bool, discharge: bool) -> tuple[Path, set[str]]:
    """A county of 4,000 townspeople: each centre admits 60 of them once in 300 days (stays of 3-12 days, 10%
    split) and readmits 4 elderly a second time (chronic readmissions); each hospital admits 150 and
    readmits 8.

    With ``beds_ring``, centre C0 also keeps 20 villagers "in hospital" 2-6 times each at random dates (stays
    of 7-15 days, 40% split).  With ``busy_hospital``, hospital H0 splits half of its long stays and readmits
    30 elderly once (three times its peers' rate of patients admitted twice)."""
    rng = np.random.default_rng(5)
    rows: list = []
    town = [f"T{i:04d}" for i in range(4000)]
    venues = [(f"C{c}", 60, 4) for c in range(CENTRES)] + [(f"H{h}", 150, 8) for h in range(3)]
    for venue, patients, again in venues:
        busy = busy_hospital and venue == "H0"
        chosen = rng.choice(len(town), patients, replace=False)
        for j, i in enumerate(chosen):
            admissions = 2 if j < (30 if busy else again) else 1
            for day in rng.choice(300, admissions, replace=False):
                _stay(rows, town[i], venue, int(day), int(rng.integers(3, 13)), rng, 0.5 if busy else 0.1)
    ring = {f"V{i:02d}" for i in range(20)}
    if beds_ring:
        for person in sorted(ring):
            for day in rng.choice(280, int(rng.integers(2, 7)), replace=False):
                _stay(rows, person, "C0", int(day), int(rng.integers(7, 16)), rng, 0.4)
    stays = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "end"])
    epoch = pd.Timestamp("2024-01-01 09:00")
    claims = pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(stays))], "patient_id": stays["patient_id"],
        "facility_id": stays["facility_id"], "doctor_id": "D" + stays["facility_id"], "visit_type": "inpatient",
        "start_time": (epoch + pd.to_timedelta(stays["day"], unit="D")).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "total_amount": 3000.0, "fund_amount": 2400.0,
    })  # fmt: skip
    if discharge:
        claims["end_time"] = (epoch + pd.to_timedelta(stays["end"], unit="D")).dt.strftime("%Y-%m-%d %H:%M:%S")
    claims.to_csv(tmp_path / "claims.csv", index=False)
    persons = sorted(set(stays["patient_id"]) | set(town))
    pd.DataFrame({"person_id": persons, "address": [f"A{p}" for p in persons]}).to_csv(
        tmp_path / "persons.csv", index=False
    )
    ids = [v for v, _, _ in venues]
    pd.DataFrame({"facility_id": ids, "kind": ["community"] * CENTRES + ["hospital"] * 3,
                  "level": [1] * CENTRES + [2] * 3}).to_csv(tmp_path / "facilities.csv", index=False)  # fmt: skip
    pd.DataFrame({"doctor_id": [f"D{v}" for v in ids], "facility_id": ids}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path, ring


@pytest.mark.parametrize("discharge", [True, False])
def test_a_township_centres_staggered_repeat_stays_are_found_against_its_peers(tmp_path: Path, discharge: bool):
    directory, ring = _world(tmp_path, beds_ring=True, busy_hospital=False, discharge=discharge)
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
    directory, _ = _world(tmp_path, beds_ring=False, busy_hospital=True, discharge=discharge)
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
