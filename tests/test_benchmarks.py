"""The benchmark scripts' smallest paths on tiny worlds (no timing assertions)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # ~20 s: a 3000-person tier (3 jobs) and a small sweep

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
SAMPLE_DIR = BENCH.parent / "data" / "sample"


def table_rows(text: str, heading: str) -> tuple[list[str], list[list[str]]]:
    """Columns and rows of the first Markdown table at or after the line that starts with ``heading``."""
    lines = text.splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith(heading))
    while not lines[i].startswith("|"):
        i += 1
    block = []
    while i < len(lines) and lines[i].startswith("|"):
        block.append([c.strip() for c in lines[i].strip("|").split("|")])
        i += 1
    return block[0], block[2:]


def number(cell: str) -> float:
    return float(cell.replace(",", ""))


@pytest.fixture(scope="module")
def tier_report(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("bench") / "tiers.md"
    worlds = tmp_path_factory.mktemp("worlds")
    p = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--tiers",
            "3000",
            "--seed",
            "2",
            "--worlds",
            str(worlds),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    return out.read_text()


def test_tier_report_has_machine_header(tier_report: str) -> None:
    for key in ("- nproc:", "- ram:", "- cpu:", "- date:"):
        assert key in tier_report


def test_graphfraud_stages_are_positive(tier_report: str) -> None:
    columns, rows = table_rows(tier_report, "## graphfraud, seconds per stage")
    assert columns[:4] == ["tier", "claims", "input", "read+validate"]
    assert {"graph", "score", "write", "total s", "peak GB"} <= set(columns)
    assert [r[columns.index("input")] for r in rows] == ["csv", "parquet"]
    for row in rows:
        cell = dict(zip(columns, row, strict=True))
        assert cell["note"] == ""
        for name in ("claims", "read+validate", "write", "total s", "peak GB"):
            assert number(cell[name]) > 0, name


def test_baseline_and_ratio(tier_report: str) -> None:
    columns, rows = table_rows(tier_report, "## graphfraud vs baseline")
    expected = [
        "pipeline",
        "total s",
        "peak GB",
        "time ratio",
        "memory ratio",
        "top K",
        "found",
        "recall",
        "member F1",
        "benign in top K",
    ]
    assert set(expected) <= set(columns)
    cells = [dict(zip(columns, r, strict=True)) for r in rows]
    assert [(c["pipeline"], c["input"]) for c in cells] == [
        ("graphfraud", "csv"),
        ("graphfraud", "parquet"),
        ("baseline", "csv"),
    ]
    for cell in (cells[0], cells[2]):  # the ratio compares runs on the same input
        assert number(cell["total s"]) > 0 and number(cell["peak GB"]) > 0
        assert number(cell["time ratio"]) > 0 and number(cell["memory ratio"]) > 0
        assert number(cell["top K"]) >= 6  # planted fraud rings (>= 1) + 5
        assert 0 <= number(cell["recall"]) <= 1


def test_sweep_smallest(tmp_path: Path) -> None:
    out = tmp_path / "sweep.md"
    p = subprocess.run(
        [
            sys.executable,
            str(BENCH / "sweep.py"),
            "--persons",
            "1500",
            "--seeds",
            "1",
            "--rings",
            "1",
            "--knobs",
            "ring_size_scale",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    columns, rows = table_rows(out.read_text(), "| knob")
    assert columns[:3] == ["knob", "value", "claims"]
    assert {"recall", "member F1", "benign in top K", "breaks"} <= set(columns)
    assert [r[1] for r in rows] == ["0.3", "0.5", "1", "1.5"]
    for r in rows:
        assert number(r[columns.index("claims")]) > 0
    assert "## Where detection breaks" in out.read_text()


def test_province_script_on_two_tiny_cities(tmp_path):
    # issue 6: the province benchmark's whole path (cities, streaming concatenation, detect --by-region).
    out = tmp_path / "province.md"
    spark = ["--spark-master", "local[2]"] if importlib.util.find_spec("pyspark") else []  # CI installs it
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "province.py"),
            "--cities",
            "2",
            "--persons",
            "1500",
            "--days",
            "60",
            "--jobs",
            "2",
            *spark,
            "--root",
            str(tmp_path / "p"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    columns, rows = table_rows(text, "## Input")
    claims = dict((r[0], number(r[1])) for r in rows)["claims"]
    columns, rows = table_rows(text, "## detect --by-region")
    assert number(rows[0][columns.index("claims")]) == claims and number(rows[0][columns.index("regions")]) == 12
    assert "Extrapolation (not measured)" in text
    if spark:  # the regions again as Spark tasks, on the same split: the same files
        assert "Regions as Spark tasks" in text and "byte-identical" in text and "**not** identical" not in text


def test_quality_grid_on_two_tiny_varied_worlds(tmp_path):
    p = subprocess.run(
        [sys.executable, str(BENCH / "quality.py"), "--grid", "2", "--persons", "1500", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=BENCH.parent,
    )
    assert p.returncode == 0, p.stderr
    assert "TUNE seeds (odd): [1]; REPORT seeds (even): [2]" in p.stdout
    for half in ("TUNE", "REPORT"):
        columns, rows = table_rows(p.stdout, f"## {half}")
        assert columns[:6] == ["seed", "world", "claims", "planted", "K", "found"] and len(rows) == 1
        assert int(rows[0][4]) == int(rows[0][3]) + 5  # K = planted + 5
        assert f"**Worst world ({half})**: seed {rows[0][0]}" in p.stdout  # a crash or the world's numbers
    assert len(list(tmp_path.glob("grid-1500-1-*/world.json"))) == 1


def test_grid_worst_world_is_a_crash_before_any_miss_then_the_fewest_found():
    sys.path.insert(0, str(BENCH.parent))
    from benchmarks.grid import split, worst

    ok = {"seed": 1, "found": 8, "planted": 8, "member_f1": 0.95, "benign_in_top": 0}
    miss = {"seed": 3, "found": 5, "planted": 8, "member_f1": 0.99, "benign_in_top": 0}
    low_f1 = {"seed": 5, "found": 5, "planted": 8, "member_f1": 0.7, "benign_in_top": 0}
    crash = {"seed": 7, "planted": 8, "error": "IndexError"}
    assert worst([ok, miss])["seed"] == 3 and worst([ok, miss, low_f1])["seed"] == 5
    assert worst([ok, low_f1, crash])["seed"] == 7 and worst([]) is None
    assert split([1, 2, 3, 4, 7]) == ([1, 3, 7], [2, 4])


@pytest.mark.parametrize("script", ["stagerss.py", "stagehwm.py"])
def test_stage_scripts_mark_every_stage_in_run_order_and_read_as_the_command(script, sample_out):
    # issue 18: both scripts wrap the stages through one helper (_stages.wrap_stages) and read as detect does.
    import os

    from graphfraud.pipeline import DETECTORS

    env = {**os.environ, "PYTHONPATH": str(BENCH.parent)}
    p = subprocess.run(
        [sys.executable, str(BENCH / script), str(SAMPLE_DIR)], capture_output=True, text=True, env=env, cwd=BENCH
    )
    assert p.returncode == 0, p.stderr
    names = [
        line.split("  ")[0].strip()
        for line in p.stdout.splitlines()
        if " GiB" in line and not line.startswith(("run max", "--"))
    ]
    stages = [n for n in names if n not in ("read", "pipeline", "before claim facts")]
    assert stages == ["graph", *DETECTORS, "claim facts", "scoring"]
    rings = (sample_out / "rings.csv").read_text(encoding="utf-8-sig").count("\n") - 1
    assert re.search(rf"\brings {rings}\b", p.stdout)  # the same rings as a detect run on the same data


def test_stage_scripts_read_with_the_command_allocators():
    # issue 18: until round 26 the scripts read without io.memory.small_pages and ran 0.2-0.45 GiB above the command.
    import os

    import pyarrow as pa

    if "jemalloc" not in pa.supported_memory_backends():
        pytest.skip("pyarrow built without jemalloc: small_pages keeps the default pool")
    code = "import _stages, pyarrow as pa; _stages.read_as_detect(%r); print(pa.default_memory_pool().backend_name)"
    env = {**os.environ, "PYTHONPATH": str(BENCH.parent)}
    env.pop("ARROW_DEFAULT_MEMORY_POOL", None)
    p = subprocess.run(
        [sys.executable, "-c", code % str(SAMPLE_DIR)], capture_output=True, text=True, env=env, cwd=BENCH
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.split()[-1] == "jemalloc"
