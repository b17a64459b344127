"""The Spark engine gives the local engine's co-visit pairs and the same detect outputs (issue 6).

One local Spark session (2 threads, 1 GB) serves the whole module; ``detect
--engine spark`` joins it instead of starting its own.  Skipped only where
PySpark is not installed; CI installs it (``.ci/run``: the ``spark`` extra and Java 17).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.graph.build import build_graph
from graphfraud.graph.project import project_covisits

from .conftest import LOOPBACK, RESOLUTIONS, listening_addresses, needs_pyspark

SPARK = ["--spark-master", "local[2]", "--spark-conf", "spark.driver.memory=1g",
         "--spark-conf", "spark.sql.shuffle.partitions=4"]  # fmt: skip
SAMPLE = str(Path(__file__).resolve().parents[2] / "data" / "sample")
OUTPUTS = (
    "rings.csv",
    "ring_members.csv",
    "ring_reasons.csv",
    "ring_claims.csv",
    "explained.csv",
    "explained_reasons.csv",
)


@needs_pyspark
@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_detect_with_spark_writes_byte_identical_files(resolution, worlds, spark, local_outputs, tmp_path):
    _, data_dir = worlds[resolution]
    local, remote = local_outputs(resolution), tmp_path / "spark"
    ran = CliRunner().invoke(main, ["detect", str(data_dir), "--out", str(remote), "-q", "--engine", "spark", *SPARK])
    assert ran.exit_code == 0, ran.output
    assert len(pd.read_csv(local / "rings.csv")) >= 3  # the comparison is about real rings
    for name in OUTPUTS:
        assert (local / name).read_bytes() == (remote / name).read_bytes(), name
    record = json.loads((remote / "run.json").read_text(encoding="utf-8"))
    assert record["time_resolution"] == resolution
    assert record["engine"]["name"] == "spark" and record["engine"]["master"] == "local[2]"
    assert record["engine"]["conf"]["spark.ui.enabled"] == "false"
    assert record["engine"]["conf"]["spark.driver.bindAddress"] == "127.0.0.1"
    assert json.loads((local / "run.json").read_text(encoding="utf-8"))["engine"] == {"name": "local"}


@needs_pyspark
@pytest.mark.parametrize(
    ("resolution", "params"),
    [
        ("minute", {}),
        ("day", {}),
        # hub caps and a short window that cut pairs off: the cap and window logic must match too
        ("minute", {"busy_visits": 20, "busy_neighbours": 2, "max_neighbours": 5, "window_minutes": 10, "min_days": 2}),
    ],
    ids=["minute", "day", "minute-capped"],
)
def test_spark_pairs_equal_the_local_pairs(resolution, params, worlds, spark):
    from graphfraud.engine.spark import project_covisits as project_on_spark

    graph = build_graph(worlds[resolution][0])
    visits = graph.visits.table[~graph.visits.table["inpatient"].to_numpy()]
    kwargs = {"day_resolution": graph.day_resolution, **params}
    local = project_covisits(visits, **kwargs)
    remote = project_on_spark(visits, spark=spark, **kwargs)
    assert len(local.pairs) > 1000
    # a, b, days exactly; weights bit for bit (the detect outputs depend on them through Leiden)
    pd.testing.assert_frame_equal(remote.pairs, local.pairs, check_exact=True)
    assert remote.stats == local.stats and remote.params == local.params


@needs_pyspark
def test_no_meetings_give_the_same_empty_pairs(spark):
    from graphfraud.engine.spark import project_covisits as project_on_spark

    lonely = pd.DataFrame({"person": [0, 1, -1], "venue": [0, 1, 0], "minute": [600, 600, 601], "day": [0, 0, 0]})
    for visits in (lonely, lonely.iloc[:0]):
        local, remote = project_covisits(visits), project_on_spark(visits, spark=spark)
        pd.testing.assert_frame_equal(remote.pairs, local.pairs, check_exact=True)
        assert remote.stats == local.stats


@needs_pyspark
def test_spark_listens_on_loopback_only(spark):
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc to list listening sockets")
    jvm = spark.sparkContext._gateway.proc.pid  # the driver JVM that PySpark launched
    listening = listening_addresses(jvm)
    assert listening, "the driver JVM should listen (RPC, block manager) on loopback"
    assert set(listening) <= LOOPBACK, listening


def test_without_pyspark_the_engine_says_which_extra_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now raises ImportError
    ran = CliRunner().invoke(main, ["detect", SAMPLE, "--out", str(tmp_path / "out"), "--engine", "spark"])
    assert ran.exit_code == 1
    assert "pip install graphfraud[spark]" in ran.output
    assert "Traceback" not in ran.output and len(ran.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_graphfraud_imports_without_pyspark():
    code = ("import sys; sys.modules['pyspark'] = None; "
            "import graphfraud.cli, graphfraud.pipeline, graphfraud.engine.spark; print('ok')")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_spark_options_need_the_spark_engine(tmp_path):
    ran = CliRunner().invoke(main, ["detect", SAMPLE, "--out", str(tmp_path / "o"), "--spark-master", "local[2]"])
    assert ran.exit_code == 2 and "--spark-master and --spark-conf need --engine spark" in ran.output
    ran = CliRunner().invoke(main, ["detect", SAMPLE, "--out", str(tmp_path / "o"), "--engine", "spark",
                                    "--spark-conf", "spark.driver.memory"])  # fmt: skip
    assert ran.exit_code == 2 and "KEY=VALUE" in ran.output
