"""A claims table where some venues export dates only and the others times (time resolution per venue)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graphfraud.io.read import read_claims_dir
from graphfraud.pipeline import UNUSED_COLUMNS, run
from graphfraud.score.rings import Ring

REPO = Path(__file__).resolve().parents[2]
MIXED = REPO / "tests" / "data" / "thirdworld_mixed_resolution"
DAYS = ("2024-01-09", "2024-01-23", "2024-02-06", "2024-02-20", "2024-03-05", "2024-03-19")


@pytest.fixture
def mixed_with_timed_ring(tmp_path: Path) -> Path:
    """The thirdworld reproducer (village clinic H01 dates only, hospital H02 timed) plus a timed staged clinic.

    Eight recruits at private clinic H03, two minutes apart from 20:00, on six evenings.
    """
    d = tmp_path / "mixed"
    shutil.copytree(MIXED, d)
    with (d / "facilities.csv").open("a", encoding="utf-8") as f:
        f.write("H03,clinic,0,private\n")
    with (d / "doctors.csv").open("a", encoding="utf-8") as f:
        f.write("D03,H03\n")
    with (d / "persons.csv").open("a", encoding="utf-8") as f:
        f.writelines(f"R{i:02d}\n" for i in range(8))
    with (d / "claims.csv").open("a", encoding="utf-8") as f:
        for n, day in enumerate(DAYS):
            for i in range(8):
                f.write(f"X{n}{i},R{i:02d},H03,D03,outpatient,{day} 20:{2 * i:02d}:00,300.00,240.00\n")
    return d


def test_the_date_only_venue_is_found_per_venue(mixed_with_timed_ring: Path) -> None:
    data = read_claims_dir(mixed_with_timed_ring, skip=UNUSED_COLUMNS)
    assert data.time_resolution == "mixed"
    assert data.date_only_venues == ("H01",)  # H02 and H03 carry times


def test_a_timed_venue_keeps_its_minute_signals(mixed_with_timed_ring: Path) -> None:
    result = run(read_claims_dir(mixed_with_timed_ring, skip=UNUSED_COLUMNS))
    assert result.time_resolution == "mixed" and result.date_only == {"venues": 1, "claims": 60}

    def persons(ring: Ring) -> set[str]:
        return {m.entity_id for m in ring.members if m.entity_type == "person"}

    def text(ring: Ring) -> str:
        return "; ".join(r.text for r in ring.reasons)

    recruits = {f"R{i:02d}" for i in range(8)}
    ring = next((r for r in result.rings if persons(r) == recruits), None)
    assert ring is not None, [sorted(persons(r)) for r in result.rings]
    assert "median 2.0 min between consecutive member arrivals" in text(ring)
    assert "100% of ring claims before 07:00 or after 19:00" in text(ring)
    for other in result.rings:  # nobody of the date-only clinic is scored as arriving at 00:00
        if any(p.startswith("P") for p in persons(other)):
            assert "median 0.0 min" not in text(other) and "before 07:00" not in text(other), text(other)


def test_validate_says_which_claims_are_dates_only(mixed_with_timed_ring: Path) -> None:
    p = subprocess.run(
        [sys.executable, "-m", "graphfraud.cli", "validate", str(mixed_with_timed_ring)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": ""},
        cwd=REPO,
    )
    assert p.returncode == 0, p.stderr
    assert "mixed resolution" in p.stdout
    assert "1 venues export dates only (60 claims)" in p.stdout


def test_a_run_by_region_adds_up_the_date_only_venues(tmp_path: Path) -> None:
    out = tmp_path / "out"
    p = subprocess.run(
        [sys.executable, "-m", "graphfraud.cli", "detect", str(MIXED), "--by-region", "--out", str(out), "-q"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": ""},
        cwd=REPO,
    )
    assert p.returncode == 0, p.stderr
    run_json = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run_json["time_resolution"] == "mixed" and run_json["date_only"] == {"venues": 1, "claims": 60}


def test_a_batch_uploaded_clinic_is_a_date_only_venue(mixed_with_timed_ring: Path) -> None:
    # The village clinic H01 settles offline and uploads each day's claims in one batch at 19:42: every claim of
    # a day carries the upload's time, not anyone's arrival.  Its day is read as a date (no arrival gap of 0
    # minutes, no evening visits), while the staged clinic H03, whose recruits arrive two minutes apart in the
    # evening, keeps its minute signals.
    claims = mixed_with_timed_ring / "claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines()
    rows = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[2] == "H01":
            cells[5] = f"{cells[5]} 19:42:10"
        rows.append(",".join(cells))
    claims.write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = read_claims_dir(mixed_with_timed_ring, skip=UNUSED_COLUMNS)
    assert data.time_resolution == "mixed" and data.date_only_venues == ("H01",)
    test_a_timed_venue_keeps_its_minute_signals(mixed_with_timed_ring)


def test_batch_uploads_are_found_alike_however_far_apart_the_claims_days() -> None:
    # batch_uploaded counts each venue's days in place when venues x days is no bigger than the claims, else
    # by hashing: a lone claim decades later (the days' span then dwarfs the claims) changes neither the
    # venues found nor the way they are found.
    import numpy as np
    import pandas as pd

    from graphfraud.io.read import batch_uploaded

    rng = np.random.default_rng(5)
    venues = [f"V{k}" for k in range(6)]
    times, where = [], []
    for k, venue in enumerate(venues):
        for day in range(20):
            stamp = pd.Timestamp("2024-01-01 18:00") + pd.Timedelta(days=day)
            for _ in range(int(rng.integers(1, 4))):  # V0-V2 upload the day at once; V3-V5 record arrivals
                times.append(stamp if k < 3 else stamp + pd.Timedelta(minutes=int(rng.integers(0, 600))))
                where.append(venue)
    times[-1] = times[-2]  # V5 shares a time stamp once: no batch
    found = batch_uploaded(pd.Series(times), pd.Series(where))
    assert found == {"V0", "V1", "V2"}
    far = batch_uploaded(pd.Series([*times, pd.Timestamp("2090-06-01 09:00")]), pd.Series([*where, "W"]))
    assert far == found
