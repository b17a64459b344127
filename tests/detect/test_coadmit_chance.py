"""The co-admission chance test: a busy ward's readmitted patients who happen to share admission days are no
ring; a village bused in wave after wave is one, at a small hospital and at a city hospital."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.detect import coadmit
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir


def _write(tmp_path: Path, stays: list[tuple[str, int, int, int]]) -> Path:
    """Claims directory of inpatient stays ``(patient, hospital, admitted day, discharged day)``."""
    frame = pd.DataFrame(stays, columns=["patient_id", "hospital", "day", "end"])
    epoch = pd.Timestamp("2024-01-01 09:00")
    pd.DataFrame({
        "claim_id": [f"K{i:06d}" for i in range(len(frame))], "patient_id": frame["patient_id"],
        "facility_id": "H" + frame["hospital"].astype(str), "doctor_id": "D" + frame["hospital"].astype(str),
        "visit_type": "inpatient",
        "start_time": (epoch + pd.to_timedelta(frame["day"], unit="D")).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "end_time": (epoch + pd.to_timedelta(frame["end"], unit="D")).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "total_amount": 6000.0, "fund_amount": 4800.0,
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = sorted(set(frame["patient_id"]))
    pd.DataFrame({"person_id": persons}).to_csv(tmp_path / "persons.csv", index=False)
    hospitals = [f"H{i}" for i in sorted(set(frame["hospital"]))]
    pd.DataFrame({"facility_id": hospitals, "kind": "hospital"}).to_csv(tmp_path / "facilities.csv", index=False)
    pd.DataFrame({"doctor_id": [f"D{h[1:]}" for h in hospitals], "facility_id": hospitals}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def _ward(rng: np.random.Generator, hospital: int, per_day: float, days: int, patients: int) -> list:
    """A ward's ordinary year: about ``per_day`` admissions a day, stays of 3-12 days, drawn from ``patients``
    people of whom a third are chronic (admitted again and again: 2-5 stays), the rest once."""
    rows = []
    chronic = patients // 3
    for day in range(days):
        for _ in range(rng.poisson(per_day)):
            who = int(rng.integers(0, chronic)) if rng.random() < 0.4 else int(rng.integers(chronic, patients))
            rows.append((f"W{hospital}-{who:05d}", hospital, day, day + int(rng.integers(3, 13))))
    return rows


def _village(rng: np.random.Generator, hospital: int, name: str, size: int, first: int, every: int) -> list:
    """A village bused to ``hospital`` 4 times: 70% of it admitted each time, all on the bus day, kept 10 days."""
    rows = []
    for wave in range(4):
        day = first + every * wave
        rows += [(f"{name}{i:02d}", hospital, day, day + 10) for i in range(size) if rng.random() < 0.7]
    return rows


def _groups(directory: Path) -> list[set[str]]:
    graph = build_graph(read_claims_dir(directory))
    ids = graph.visits.persons.ids
    return [set(ids[c.persons].tolist()) for c in coadmit.detect(graph)]


def test_a_busy_wards_readmitted_patients_are_no_ring(tmp_path: Path) -> None:
    # 25 admissions a day for a year from 9,000 patients: hundreds of chronic patients are admitted 2-5 times,
    # and some of them share two admission or discharge days by chance.  Before the chance test, groups of
    # them were organisations of "persons admitted in groups".
    rng = np.random.default_rng(3)
    directory = _write(tmp_path, _ward(rng, 0, 25.0, 365, 9000))
    assert _groups(directory) == []


def test_a_village_bused_in_waves_is_kept_at_a_small_and_at_a_busy_hospital(tmp_path: Path) -> None:
    # The same kind of village bused to a back-street hospital (two admissions a day) and to the busy ward.
    rng = np.random.default_rng(5)
    rows = _ward(rng, 0, 25.0, 365, 9000) + _ward(rng, 1, 2.0, 365, 600)
    rows += _village(rng, 1, "A", 30, 20, 40) + _village(rng, 0, "B", 30, 30, 45)
    groups = _groups(_write(tmp_path, rows))
    for name in ("A", "B"):
        village = {f"{name}{i:02d}" for i in range(30)}
        best = max(groups, key=lambda g: len(g & village))
        assert len(best & village) >= 0.8 * 30  # nearly the whole village, in one group
        assert len(best - village) <= 0.1 * len(best)  # and hardly anyone else


def test_coadmission_pairs_equal_a_two_column_group_by():
    """The pairs summed by one packed key are the two-column group-by's, row for row and bit for bit."""
    from graphfraud.detect.coadmit import coadmission_pairs
    from graphfraud.graph.project import meetings
    from graphfraud.params import CoadmitParams

    rng = np.random.default_rng(3)
    n = 400
    day = rng.integers(0, 30, n)
    stays = pd.DataFrame({"claim": np.arange(n), "person": rng.integers(0, 60, n), "venue": rng.integers(0, 3, n),
                          "day": day, "minute": day * 1440, "end_day": np.where(rng.random(n) < 0.8, day + 3, -1)})  # fmt: skip
    params = CoadmitParams(min_times=1)
    got = coadmission_pairs(stays, params)
    admitted = meetings(stays, max_neighbours=params.max_neighbours, day_resolution=True)
    ended = stays[stays["end_day"] >= 0].assign(day=lambda s: s["end_day"])
    discharged = meetings(ended, max_neighbours=params.max_neighbours, day_resolution=True)
    both = pd.concat([admitted.assign(adm=1, dis=0), discharged.assign(adm=0, dis=1)], ignore_index=True)
    want = both.groupby(["a", "b"], sort=True, as_index=False).agg(
        admitted=("adm", "sum"), discharged=("dis", "sum"), weight=("weight", "sum")
    )
    want["days"] = np.maximum(want["admitted"], want["discharged"])
    want = want[want["days"] >= 1].reset_index(drop=True)
    assert len(got) > 50
    pd.testing.assert_frame_equal(got, want, check_exact=True)
