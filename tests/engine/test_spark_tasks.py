"""Pooling regions as Spark tasks, and both Spark paths on a real standalone cluster (issue 6).

``detect --by-region --engine spark`` runs each region's whole pipeline as one
Spark task; its files must be those of ``detect --by-region`` byte for byte.
The cluster test starts a Spark master and a worker (separate JVMs, loopback
only) and runs the real command line against ``spark://127.0.0.1:PORT``, so the
executors are processes of their own, as on a cluster.
"""

from __future__ import annotations

import json
import operator
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.engine import tasks
from graphfraud.errors import GraphfraudError

from .conftest import LOOPBACK, listening_addresses, needs_pyspark

OUTPUTS = (
    "rings.csv",
    "ring_members.csv",
    "ring_reasons.csv",
    "ring_claims.csv",
    "explained.csv",
    "explained_reasons.csv",
)
LOCAL_SPARK = ["--spark-master", "local[2]", "--spark-conf", "spark.driver.memory=1g"]


def _detect(data_dir: Path, out: Path, *args: str) -> dict:
    ran = CliRunner().invoke(main, ["detect", str(data_dir), "--out", str(out), "-q", *args])
    assert ran.exit_code == 0, ran.output
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def _same_files(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture(scope="module")
def local_runs(worlds, local_outputs, tmp_path_factory) -> dict[str, Path]:
    """The local engine's outputs, plain (shared with tests/engine/test_spark.py) and by region, on the
    3000-person minute world."""
    _, data_dir = worlds["minute"]
    root = tmp_path_factory.mktemp("local")
    record = _detect(data_dir, root / "regional", "--by-region")
    assert len(record["by_region"]["regions"]) >= 3  # a real split, not one region
    return {"plain": local_outputs("minute"), "regional": root / "regional"}


@needs_pyspark
def test_map_tasks_gives_results_in_task_order_whatever_the_schedule(spark):
    # sizes put (3, 2) first on the executors; the results still follow the tasks
    assert tasks.map_tasks(pow, [(2, 3), (3, 2), (5, 1), (7, 0)], spark=spark, sizes=[1, 9, 5, 3]) == [8, 9, 5, 1]
    assert tasks.map_tasks(pow, [], spark=spark) == []
    with pytest.raises(ValueError, match="2 sizes for 1 tasks"):
        tasks.map_tasks(pow, [(2, 3)], spark=spark, sizes=[1, 2])


@needs_pyspark
def test_a_failed_task_is_one_line_naming_its_python_error(spark):
    with pytest.raises(GraphfraudError, match=r"^a Spark task failed: ZeroDivisionError: division by zero$"):
        tasks.map_tasks(operator.truediv, [(1, 2), (1, 0)], spark=spark)


@needs_pyspark
def test_an_executor_with_other_versions_than_the_driver_is_refused(spark, monkeypatch):
    # This process now believes it has another igraph than the executors' Python workers have.
    mine = tasks.package_versions() | {"igraph": "0.0.1"}
    monkeypatch.setattr(tasks, "package_versions", lambda names=tasks.PINNED: mine)
    with pytest.raises(GraphfraudError, match=r"executor has igraph \S+, this process 0\.0\.1"):
        tasks.map_tasks(pow, [(2, 3)], spark=spark)


@needs_pyspark
def test_regions_as_spark_tasks_write_the_files_of_the_local_run(worlds, spark, local_runs, tmp_path):
    _, data_dir = worlds["minute"]
    record = _detect(data_dir, tmp_path / "spark", "--by-region", "--engine", "spark", *LOCAL_SPARK)
    _same_files(local_runs["regional"], tmp_path / "spark")
    assert record["engine"]["name"] == "spark" and record["engine"]["runs"] == "regions"
    local = json.loads((local_runs["regional"] / "run.json").read_text(encoding="utf-8"))
    assert local["engine"] == {"name": "local"}
    assert [r["region"] for r in record["by_region"]["regions"]] == [r["region"] for r in local["by_region"]["regions"]]
    assert all(r["peak_memory_gb"] > 0 for r in record["by_region"]["regions"])


def _executor_pids() -> list[int]:
    """Spark executor JVMs running on this machine (a standalone worker starts one per application)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if b"CoarseGrainedExecutorBackend" in cmdline:
                pids.append(int(proc.name))
    return pids


def _cli_watching_executors(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess, dict[int, set[str]]]:
    """Run the command line; meanwhile note where every executor JVM listens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "graphfraud.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )
    seen: dict[int, set[str]] = {}
    deadline = time.monotonic() + 600
    while proc.poll() is None and time.monotonic() < deadline:
        for pid in _executor_pids():
            try:
                seen.setdefault(pid, set()).update(listening_addresses(pid))
            except OSError:  # ended meanwhile
                pass
        time.sleep(0.5)
    if proc.poll() is None:  # past the deadline: stopped, or it outlives the test (its driver JVM follows it)
        proc.kill()
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), seen


@needs_pyspark
@pytest.mark.slow
def test_both_spark_paths_on_a_standalone_cluster(spark_cluster, worlds, local_runs, tmp_path):
    _, data_dir = worlds["minute"]
    on_cluster = [
        "--engine",
        "spark",
        "--spark-master",
        spark_cluster.url,
        "-q",
        "--spark-conf",
        "spark.executor.memory=1g",
        "--spark-conf",
        f"spark.pyspark.python={sys.executable}",
    ]
    executors: dict[int, set[str]] = {}
    for name, extra in (("plain", []), ("regional", ["--by-region"])):
        done, seen = _cli_watching_executors(
            "detect", str(data_dir), "--out", str(tmp_path / name), *extra, *on_cluster, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr[-3000:]
        _same_files(local_runs[name], tmp_path / name)
        record = json.loads((tmp_path / name / "run.json").read_text(encoding="utf-8"))
        assert record["engine"]["master"] == spark_cluster.url
        executors |= seen
    # the applications ran on executors of the worker, separate JVMs, each listening on loopback only
    assert any(executors.values()) and list((spark_cluster.root / "work").glob("app-*/*/stderr"))
    for pid, listening in executors.items():
        assert set(listening) <= LOOPBACK, (pid, listening)
    for pid in spark_cluster.jvm_pids():  # the master and the worker
        listening = listening_addresses(pid)
        assert listening and set(listening) <= LOOPBACK, (pid, listening)
