"""Interrupted runs (issue 8): a detect killed at any moment leaves the previous complete output or none.

``graphfraud detect data/sample --out OUT`` runs in a subprocess and is
killed with SIGKILL (no clean-up code runs) after seeded random delays
between 0 and the measured duration of a full run, some of them late in the
run where the files are written.  After each kill OUT must be absent or a
complete output whose run.json hashes match its files, and the temporary
directories a killed run leaves behind must not break the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
REQUIRED = ("rings.csv", "ring_members.csv", "run.json")

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")


def detect(out: Path, seed: int, audit: Path) -> subprocess.Popen:
    code = "import sys; from graphfraud.cli import main; sys.exit(main())"
    args = [sys.executable, "-c", code, "--audit-log", str(audit), "detect", str(SAMPLE), "--out", str(out),
            "--seed", str(seed), "-q"]  # fmt: skip
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def check_complete(out: Path) -> dict:
    """OUT holds a complete detect output: the files exist, parse, and match run.json's hashes."""
    for name in REQUIRED:
        assert (out / name).is_file(), f"{out} lacks {name}: {sorted(p.name for p in out.iterdir())}"
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    rings = pd.read_csv(out / "rings.csv", dtype=str)
    members = pd.read_csv(out / "ring_members.csv", dtype=str)
    assert len(rings) == record["rings"]
    assert set(members["ring_id"]) <= set(rings["ring_id"])
    assert {"rings.csv", "ring_members.csv"} <= set(record["outputs"])
    for name, digest in record["outputs"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, f"{name} does not match run.json"
    return record


def test_killed_runs_leave_the_previous_output_or_none(tmp_path: Path) -> None:
    out, audit = tmp_path / "out", tmp_path / "audit.jsonl"
    start = time.monotonic()
    first = detect(out, 0, audit)
    assert first.wait(timeout=120) == 0, first.stderr.read().decode()
    duration = time.monotonic() - start
    check_complete(out)

    rng = random.Random(8)  # issue 8
    delays = [rng.uniform(0, duration) for _ in range(6)] + [rng.uniform(0.7 * duration, duration) for _ in range(4)]
    outcomes = {"absent": 0, "complete": 0, "finished": 0}
    for i, delay in enumerate(delays):
        proc = detect(out, i % 3, audit)
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stderr.close()
        if finished:
            outcomes["finished"] += 1
        if out.exists():
            check_complete(out)
            outcomes["complete"] += 1
        else:  # killed between moving the old output aside and moving the new one in
            outcomes["absent"] += 1

    last = detect(out, 0, audit)
    assert last.wait(timeout=120) == 0, last.stderr.read().decode()
    last.stderr.close()
    record = check_complete(out)
    assert record["seed"] == 0
    assert sum(outcomes.values()) >= len(delays)


def test_leftovers_of_a_killed_run_do_not_break_the_next(tmp_path: Path) -> None:
    out, audit = tmp_path / "out", tmp_path / "audit.jsonl"
    # What a run killed while writing leaves: a half-filled temp dir and an old output moved aside.
    half = tmp_path / ".out.tmp-dead1"
    half.mkdir()
    (half / "rings.csv").write_text("rank,ring_id\n1,R", encoding="utf-8")
    (half / ".rings.csv.x.tmp").write_text("partial", encoding="utf-8")
    aside = tmp_path / ".out.old-dead2"
    aside.mkdir()
    (aside / "run.json").write_text("{", encoding="utf-8")
    proc = detect(out, 0, audit)
    assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()
    proc.stderr.close()
    check_complete(out)
    assert (half / "rings.csv").exists() and (aside / "run.json").exists()  # another run's files are not touched
