"""The audit log (issue 8): one JSON line per command that reads claims data.

Failed commands are logged too, with ``"ok": false`` and the error's class
name: an attempt to read personal data is an access even when it fails.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphfraud.audit import append, audit_entry, clean_params
from graphfraud.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def detected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    """One detect run on data/sample, audited to a fresh log."""
    tmp = tmp_path_factory.mktemp("audit")
    log, out = tmp / "state" / "audit.jsonl", tmp / "out"
    result = CliRunner().invoke(main, ["--audit-log", str(log), "detect", str(SAMPLE), "--out", str(out), "-q"])
    return log, out, result


def test_detect_writes_one_line_with_the_right_fields(detected):
    log, out, result = detected
    assert result.exit_code == 0, result.output
    (entry,) = lines(log)
    assert entry["command"] == "main detect" or entry["command"].endswith(" detect")
    assert entry["ok"] is True
    assert entry["user"] == getpass.getuser()
    when = dt.datetime.fromisoformat(entry["time"])
    assert when.tzinfo is not None
    assert abs((dt.datetime.now(dt.timezone.utc) - when).total_seconds()) < 600
    assert entry["params"]["data_dir"] == str(SAMPLE)
    assert entry["params"]["out_dir"] == str(out)
    assert entry["input_dir"] == str(SAMPLE)
    assert entry["inputs"]["claims.csv"] == sha256(SAMPLE / "claims.csv")
    assert set(entry["inputs"]) >= {"persons.csv", "facilities.csv", "pharmacies.csv", "doctors.csv"}


def test_output_hashes_match_the_files(detected):
    log, out, _ = detected
    (entry,) = lines(log)
    files = sorted(p for p in out.iterdir() if p.is_file())
    assert {Path(p).name for p in entry["outputs"]} >= {"rings.csv", "ring_members.csv", "run.json"}
    assert entry["outputs"] == {str(p): sha256(p) for p in files}


def test_log_file_is_private(detected):
    log, _, _ = detected
    assert log.stat().st_mode & 0o777 == 0o600
    assert log.parent.stat().st_mode & 0o077 == 0


def test_failing_command_logs_ok_false_without_the_message(tmp_path):
    log = tmp_path / "audit.jsonl"
    result = CliRunner().invoke(main, ["--audit-log", str(log), "detect", str(tmp_path / "nope"),
                                       "--out", str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 1
    (entry,) = lines(log)
    assert entry["ok"] is False
    assert entry["error"] == "ClickException"
    assert entry["outputs"] == {} and entry["inputs"] == {}
    assert not (tmp_path / "out").exists()


def test_env_variable_sets_the_path_and_validate_is_logged(tmp_path):
    log = tmp_path / "env" / "audit.jsonl"
    result = CliRunner().invoke(main, ["validate", str(SAMPLE), "-q"], env={"GRAPHFRAUD_AUDIT_LOG": str(log)})
    assert result.exit_code == 0, result.output
    (entry,) = lines(log)
    assert entry["command"].endswith("validate") and entry["outputs"] == {}


def test_lines_are_appended(tmp_path):
    log = tmp_path / "audit.jsonl"
    for _ in range(2):
        assert CliRunner().invoke(main, ["--audit-log", str(log), "validate", str(SAMPLE), "-q"]).exit_code == 0
    assert len(lines(log)) == 2


def test_commands_that_read_no_claims_are_not_logged(tmp_path, detected):
    _, out, _ = detected
    log = tmp_path / "audit.jsonl"
    assert CliRunner().invoke(main, ["--audit-log", str(log), "rings", str(out)]).exit_code == 0
    assert not log.exists()


def test_show_is_logged_only_when_it_reads_claims(tmp_path, detected):
    _, out, _ = detected
    ring_id = (out / "rings.csv").read_text().splitlines()[1].split(",")
    header = (out / "rings.csv").read_text().splitlines()[0].split(",")
    ring_id = ring_id[header.index("ring_id")]
    log = tmp_path / "audit.jsonl"
    moved = tmp_path / "moved"
    shutil.copytree(out, moved)
    result = CliRunner().invoke(main, ["--audit-log", str(log), "show", str(moved), ring_id, "--data", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    (entry,) = lines(log)
    assert entry["input_dir"] == str(SAMPLE) and entry["inputs"]["claims.csv"] == sha256(SAMPLE / "claims.csv")


def test_no_password_is_written(tmp_path):
    log = tmp_path / "audit.jsonl"
    # the server is down: load fails, and the password must not reach the log
    result = CliRunner().invoke(main, ["--audit-log", str(log), "load", str(SAMPLE), "--uri", "bolt://127.0.0.1:9",
                                       "--password", "S3cret-pw-42", "-q"])  # fmt: skip
    assert result.exit_code != 0
    text = log.read_text(encoding="utf-8")
    assert "S3cret-pw-42" not in text
    (entry,) = lines(log)
    assert "password" not in entry["params"] and entry["ok"] is False


def test_clean_params_drops_every_secret_name():
    params = {"password": 1, "neo4j_password": 2, "SECRET": 3, "api_token": 4, "top": 5}
    assert clean_params(params) == {"top": 5}


def test_an_existing_loose_log_is_tightened(tmp_path):
    log = tmp_path / "audit.jsonl"
    log.write_text("")
    log.chmod(0o644)
    append(log, audit_entry("x", params={}, ok=True))
    assert log.stat().st_mode & 0o777 == 0o600


def test_unwritable_log_fails_the_command(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = CliRunner().invoke(main, ["--audit-log", str(blocker / "audit.jsonl"), "validate", str(SAMPLE), "-q"])
    assert result.exit_code == 1
    assert "audit log" in result.output and "Traceback" not in result.output


def test_fallback_input_hashes_cover_only_claim_tables(tmp_path):
    from graphfraud.audit import input_hashes

    (tmp_path / "claims.csv").write_text("a\n")
    (tmp_path / "labels.csv").write_text("b\n")
    (tmp_path / "notes.txt").write_text("c\n")
    assert set(input_hashes(tmp_path, tables=["claims", "persons"])) == {"claims.csv"}
    assert set(input_hashes(tmp_path)) == {"claims.csv", "labels.csv"}
    assert input_hashes(tmp_path / "absent") == {}


def test_evidence_without_data_logs_the_directory_recorded_in_run_json(tmp_path, detected):
    _, out, _ = detected
    log, dest = tmp_path / "audit.jsonl", tmp_path / "packs"
    result = CliRunner().invoke(main, ["--audit-log", str(log), "evidence", str(out), "--top", "1",
                                       "--dest", str(dest), "--lang", "en", "-q"])  # fmt: skip
    assert result.exit_code == 0, result.output
    (entry,) = lines(log)
    assert entry["ok"] is True and entry["input_dir"] == str(SAMPLE)
    assert entry["inputs"]["claims.csv"] == sha256(SAMPLE / "claims.csv")
    written = sorted(p for p in dest.rglob("*") if p.is_file())
    assert written and entry["outputs"] == {str(p): sha256(p) for p in written}
