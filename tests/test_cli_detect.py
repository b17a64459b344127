"""`graphfraud detect` and `graphfraud evaluate` through the CLI (issue 3)."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.contract import MEMBERS_COLUMNS, REASON_ARGS_COLUMN, REASONS_COLUMNS, RINGS_COLUMNS
from graphfraud.score.reasons import template

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out"
    result = CliRunner().invoke(main, ["detect", str(SAMPLE), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out, result


def test_detect_writes_the_contract_outputs(sample_run):
    out, result = sample_run
    assert "rings (" in result.output
    rings = pd.read_csv(out / "rings.csv", dtype={"ring_id": str})
    members = pd.read_csv(out / "ring_members.csv", dtype=str)
    assert list(rings.columns) == [c for c, _ in RINGS_COLUMNS]
    assert list(members.columns) == [c for c, _ in MEMBERS_COLUMNS]
    assert rings["rank"].tolist() == list(range(1, len(rings) + 1))
    assert rings["score"].is_monotonic_decreasing
    assert set(rings["alert"]) <= {"red", "orange", "yellow"}
    assert set(members["ring_id"]) == set(rings["ring_id"])
    assert (rings["reasons"].str.len() > 0).all()
    reasons = pd.read_csv(out / "ring_reasons.csv", dtype=str, keep_default_na=False)
    assert list(reasons.columns) == [c for c, _ in REASONS_COLUMNS] + [REASON_ARGS_COLUMN[0]]
    # rings.csv's reasons are ring_reasons.csv's texts; each text is its code's template filled from its args
    assert "; ".join(reasons.loc[reasons["ring_id"] == rings["ring_id"].iloc[0], "text"]) == rings["reasons"].iloc[0]
    for code, args, text in zip(reasons["code"], reasons["args"], reasons["text"]):
        values = json.loads(args)
        assert template(code, values).format(**values) == text
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["version"] and run["parameters"]["seed"] == 0
    assert set(run["inputs"]) >= {"claims.csv", "persons.csv"}
    assert all(len(h) == 64 for h in run["inputs"].values())
    assert {"graph", "score"} <= set(run["timings_s"])
    assert run["time_resolution"] == "minute"


def test_every_planted_ring_of_the_sample_is_found_and_no_benign_group(sample_run):
    out, _ = sample_run
    result = CliRunner().invoke(main, ["evaluate", str(out), "--labels", str(SAMPLE / "labels.csv"), "--json"])
    assert result.exit_code == 0, result.output
    e = json.loads(result.output)
    assert e["found"] == e["planted"] >= 4
    assert e["typology_accuracy"] == 1.0
    assert e["benign_in_top"] == 0
    assert e["member_f1"] >= 0.9


def test_detect_is_byte_identical_on_a_rerun(sample_run, tmp_path):
    out, _ = sample_run
    again = tmp_path / "again"
    assert CliRunner().invoke(main, ["detect", str(SAMPLE), "--out", str(again), "-q"]).exit_code == 0
    for name in ("rings.csv", "ring_members.csv", "ring_reasons.csv", "ring_claims.csv", "explained.csv"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_detectors_side_by_side_give_the_serial_outputs_byte_for_byte(sample_run, tmp_path):
    # --jobs 2: co-visits in a second thread beside the other detectors; the same candidates, hence rings
    out, _ = sample_run
    runs = [tmp_path / "jobs2-a", tmp_path / "jobs2-b"]
    for side in runs:
        result = CliRunner().invoke(main, ["detect", str(SAMPLE), "--out", str(side), "--jobs", "2", "-q"])
        assert result.exit_code == 0, result.output
    serial = json.loads((out / "run.json").read_text(encoding="utf-8"))
    parallel = json.loads((runs[0] / "run.json").read_text(encoding="utf-8"))
    assert parallel["candidates"] == serial["candidates"]
    assert sum(n > 0 for n in serial["candidates"].values()) >= 2  # more than co-visits found something
    assert "detect (wall)" in parallel["timings_s"] and "detect (wall)" not in serial["timings_s"]
    for name in ("rings.csv", "ring_members.csv", "ring_reasons.csv", "ring_claims.csv", "explained.csv"):
        assert (out / name).read_bytes() == (runs[0] / name).read_bytes() == (runs[1] / name).read_bytes(), name


def test_jobs_is_one_or_two_and_not_with_by_region(tmp_path):
    from graphfraud.errors import ParamError
    from graphfraud.io.read import read_claims_dir
    from graphfraud.pipeline import run

    result = CliRunner().invoke(main, ["detect", str(SAMPLE), "--out", str(tmp_path / "o"), "--jobs", "3"])
    assert result.exit_code == 2 and "--jobs" in result.output and "3" in result.output
    result = CliRunner().invoke(
        main, ["detect", str(SAMPLE), "--out", str(tmp_path / "o"), "--jobs", "2", "--by-region"]
    )
    assert result.exit_code == 2 and "--jobs is not used with --by-region" in result.output
    with pytest.raises(ParamError, match="jobs must be 1 .* got 0"):
        run(read_claims_dir(SAMPLE), jobs=0)


def test_bad_input_exits_1_with_file_row_column_and_leaves_no_output(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    claims = (data / "claims.csv").read_text(encoding="utf-8").splitlines()
    header = claims[0].split(",")
    row = claims[3].split(",")
    row[header.index("fund_amount")] = "-5.00"
    claims[3] = ",".join(row)
    (data / "claims.csv").write_text("\n".join(claims) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["detect", str(data), "--out", str(out)])
    assert result.exit_code == 1
    assert "claims.csv" in result.output and "row 4" in result.output and "fund_amount" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_params_file_with_an_unknown_key_is_a_usage_error(tmp_path):
    bad = tmp_path / "params.json"
    bad.write_text('{"covisit": {"min_dayz": 3}}', encoding="utf-8")
    result = CliRunner().invoke(main, ["detect", str(SAMPLE), "--out", str(tmp_path / "o"), "--params", str(bad)])
    assert result.exit_code == 2
    assert "min_dayz" in result.output


def test_params_file_round_trips_from_run_json(sample_run, tmp_path):
    out, _ = sample_run
    params = tmp_path / "params.json"
    params.write_text(json.dumps(json.loads((out / "run.json").read_text())["parameters"]), encoding="utf-8")
    again = tmp_path / "again"
    result = CliRunner().invoke(main, ["detect", str(SAMPLE), "--out", str(again), "--params", str(params), "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "rings.csv").read_bytes() == (again / "rings.csv").read_bytes()


def test_evaluate_on_a_directory_without_outputs_exits_1(tmp_path):
    result = CliRunner().invoke(main, ["evaluate", str(tmp_path), "--labels", str(SAMPLE / "labels.csv")])
    assert result.exit_code == 1
    assert "rings.csv" in result.output


def test_evaluate_reads_parquet_labels_and_refuses_unreadable_ones(sample_run, tmp_path):
    import pandas as pd

    out, _ = sample_run
    labels = tmp_path / "labels.parquet"
    pd.read_csv(SAMPLE / "labels.csv", dtype=str).to_parquet(labels)
    by_csv = CliRunner().invoke(main, ["evaluate", str(out), "--labels", str(SAMPLE / "labels.csv"), "--json"])
    by_parquet = CliRunner().invoke(main, ["evaluate", str(out), "--labels", str(labels), "--json"])
    assert by_parquet.exit_code == 0, by_parquet.output
    assert json.loads(by_parquet.output) == json.loads(by_csv.output)
    gbk = tmp_path / "labels.csv"
    gbk.write_bytes("ring_id,typology,entity_type,entity_id\nR1,诊所,person,P1\n".encode("gbk"))
    result = CliRunner().invoke(main, ["evaluate", str(out), "--labels", str(gbk)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "labels.csv" in result.output and "not UTF-8" in result.output
