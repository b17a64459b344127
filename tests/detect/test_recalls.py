"""Step 139: a venue whose campaign days' patients are each billed once more, alone, weeks later is a ring.

Ninthworld's 口腔门诊部 (a factory's free 洗牙 by 班组 on Sundays, each worker billed 牙周刮治 and then a phantom
evening visit a week or two later) had no candidate: no pair of co-workers met three times.  An outbreak's crowd
(a few back), a programme's repeated days (三伏贴 every ten days: each back twice) and a village's bus day every
four weeks are not candidates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import recalls
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import RunParams
from graphfraud.pipeline import run


def _world(tmp_path: Path) -> tuple[Path, set[str], set[str]]:
    """A date-only town of 1,500 people, a dental clinic D0 and three community clinics C1-C3, 200 days.

    Townspeople: 3,000 ordinary visits at C1-C3, 300 at D0 (one or two a day, each person there once).  D0's
    campaign: 4 teams of 15 factory workers on Sundays (days 20, 27, 34, 41), each worker billed again 7-14 days
    later, alone.  C1's 三伏贴: 40 persons on days 60, 70 and 80.  C2's outbreak: 40 dorm workers on day 100, one
    in eight back a week later.  C3's bus day: 30 villagers every 28 days.

    Returns the directory, the campaign's workers and the persons of the honest crowds.
    """
    rng = np.random.default_rng(11)
    rows: list[tuple[str, str, int]] = []
    town = [f"T{i:04d}" for i in range(1500)]
    for _ in range(3000):
        rows.append((town[int(rng.integers(0, 1500))], f"C{int(rng.integers(1, 4))}", int(rng.integers(0, 200))))
    for k in range(300):
        rows.append((f"O{k:03d}", "D0", int(rng.integers(0, 200))))
    workers = [f"W{i:03d}" for i in range(60)]
    for k, person in enumerate(workers):
        day = 20 + 7 * (k // 15)
        rows += [(person, "D0", day), (person, "D0", day + int(rng.integers(7, 15)))]
    sanfu = [f"S{i:02d}" for i in range(40)]
    rows += [(p, "C1", day) for p in sanfu for day in (60, 70, 80)]
    dorm = [f"M{i:02d}" for i in range(40)]
    rows += [(p, "C2", 100) for p in dorm] + [(p, "C2", 107) for p in dorm[::8]]
    village = [f"V{i:02d}" for i in range(30)]
    rows += [(p, "C3", day) for p in village for day in range(10, 200, 28)]
    t = pd.DataFrame(rows, columns=["patient_id", "venue", "day"])
    start = pd.Timestamp("2025-03-02") + pd.to_timedelta(t["day"], unit="D")
    dental = (t["venue"] == "D0").to_numpy()
    claims = pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"],
        "facility_id": t["venue"], "doctor_id": "D" + t["venue"], "visit_type": "outpatient",
        "start_time": start.dt.strftime("%Y-%m-%d"),
        "total_amount": np.where(dental, 420.0, 60.0), "fund_amount": np.where(dental, 168.0, 36.0),
        "diagnosis": np.where(dental, "K05.100", "J06.900"),
    })  # fmt: skip
    claims.to_csv(tmp_path / "claims.csv", index=False)
    people = sorted(set(t["patient_id"]))
    pd.DataFrame({"person_id": people, "address": ["dorm-3" if p[0] in "WM" else p for p in people]}).to_csv(
        tmp_path / "persons.csv", index=False
    )
    venues = ["D0", "C1", "C2", "C3"]
    pd.DataFrame({"facility_id": venues, "kind": ["specialty", "community", "community", "community"]}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"doctor_id": [f"D{v}" for v in venues], "facility_id": venues}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path, set(workers), set(sanfu + dorm + village)


def _persons(graph, candidate) -> set[str]:  # type: ignore[no-untyped-def]
    return {str(graph.visits.persons.ids[p]) for p in candidate.persons}


def test_the_campaigns_recalled_workers_are_one_candidate(tmp_path: Path) -> None:
    directory, workers, _ = _world(tmp_path)
    graph = build_graph(read_claims_dir(directory))
    (found,) = recalls.detect(graph)
    assert _persons(graph, found) == workers
    assert found.evidence["typology"] == "staged_clinic"
    got = found.evidence["recalls"]
    assert str(graph.visits.venues.ids[got["venue"]]) == "D0"
    assert (got["campaign_days"], got["recalled"]) == (4, 60)
    assert 60 < got["persons"] < 75 and got["share"] >= 0.8  # the Sundays' own walk-ins too, a few
    assert len(found.claims) == 120  # each worker's Sunday and recall


@pytest.mark.parametrize(
    ("changes", "found"),
    [
        ({}, 1),
        ({"batch": 20}, 0),
        ({"share": 0.99}, 0),
        ({"recall": 6}, 0),
        ({"min_persons": 61}, 0),
        ({"share": None}, 0),
    ],
)
def test_the_constants_and_the_off_switch(tmp_path: Path, changes: dict, found: int) -> None:
    directory, _, _ = _world(tmp_path)
    assert len(recalls.detect(build_graph(read_claims_dir(directory)), **changes)) == found


def test_a_programme_an_outbreak_and_a_bus_day_are_not_recalls(tmp_path: Path) -> None:
    directory, workers, honest = _world(tmp_path)
    graph = build_graph(read_claims_dir(directory))
    for candidate in recalls.detect(graph, min_persons=5, share=0.3):
        assert not _persons(graph, candidate) & honest


def test_the_ring_is_a_staged_clinic_with_its_reason(tmp_path: Path) -> None:
    directory, workers, _ = _world(tmp_path)
    result = run(read_claims_dir(directory), RunParams())
    ring = next(r for r in result.rings if any(x.code == "campaign_recalls" for x in r.reasons))
    people = {m.entity_id for m in ring.members if m.entity_type == "person"}
    assert len(people & workers) == 60 and ring.typology == "staged_clinic" and ring.benign is None
    (reason,) = [x for x in ring.reasons if x.code == "campaign_recalls"]
    assert reason.args["recalled"] == 60 and "exactly once more within 21 days" in reason.text


def test_facility_days_are_each_person_venue_day_once_at_its_first_row(tmp_path: Path) -> None:
    # issue 18: one packed key hashed, not pandas' three-column drop_duplicates; the same rows, order and dtypes.
    data, _, _ = _world(tmp_path)
    claims = pd.read_csv(data / "claims.csv", dtype=str)
    again = claims.sample(frac=0.3, random_state=1).assign(claim_id=lambda c: "Z" + c["claim_id"])
    pd.concat([claims, again]).sample(frac=1.0, random_state=2).to_csv(data / "claims.csv", index=False)
    graph = build_graph(read_claims_dir(data))
    v = graph.visits
    keep = (v.column("kind") == 0) & ~v.column("inpatient") & (v.column("person") >= 0) & (v.column("venue") >= 0)
    rows = np.flatnonzero(keep)
    frame = pd.DataFrame({c: v.column(c)[rows].astype(np.int64) for c in ("person", "venue", "day")} | {"row": rows})
    want = frame.drop_duplicates(["person", "venue", "day"], keep="first", ignore_index=True)
    got = recalls.facility_days(graph)
    assert len(got) < len(rows)  # the same days billed twice were there
    pd.testing.assert_frame_equal(got, want, check_exact=True)
