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


def test_detect_writes_a_publish_line_then_a_final_line_with_the_right_fields(detected):
    log, out, result = detected
    assert result.exit_code == 0, result.output
    publish, entry = lines(log)
    assert publish["stage"] == "publish" and "stage" not in entry
    assert publish["outputs"] == entry["outputs"] and publish["inputs"] == entry["inputs"]
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
    _, entry = lines(log)
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
    publish, entry = lines(log)
    assert publish["stage"] == "publish" and all(k.startswith(str(dest)) for k in publish["outputs"])
    assert entry["ok"] is True and entry["input_dir"] == str(SAMPLE)
    assert entry["inputs"]["claims.csv"] == sha256(SAMPLE / "claims.csv")
    written = sorted(p for p in dest.rglob("*") if p.is_file())
    assert written and entry["outputs"] == {str(p): sha256(p) for p in written}


# ---------------------------------------------------------------- issue 15: a log that cannot be silenced or leak


def test_an_unwritable_log_stops_detect_before_anything_is_published(tmp_path):
    (tmp_path / "not-a-folder").write_text("x")
    log = tmp_path / "not-a-folder" / "audit.jsonl"  # unwritable, even for root
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--audit-log", str(log), "detect", str(SAMPLE), "--out", str(out), "-q"])
    assert result.exit_code == 1 and "cannot write the audit log" in result.output
    assert "nothing was published" in result.output and "Traceback" not in result.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_a_full_disk_leaves_no_partial_line(tmp_path, monkeypatch):
    import os

    from graphfraud import audit

    log = tmp_path / "audit.jsonl"
    append(log, audit_entry("detect", params={}, ok=True))
    before = log.read_bytes()
    real_write = os.write
    monkeypatch.setattr(audit.os, "write", lambda fd, data: real_write(fd, data[: len(data) // 2]))
    with pytest.raises(OSError, match="bytes of the audit line were written"):
        append(log, audit_entry("evidence", params={}, ok=True))
    monkeypatch.undo()
    assert log.read_bytes() == before
    append(log, audit_entry("export", params={}, ok=True))
    assert audit.verify_log(log).ok and [e["command"] for e in lines(log)] == ["detect", "export"]


def test_a_log_path_that_is_not_a_regular_file_is_refused_and_not_chmodded(tmp_path):
    import os
    import stat

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo, 0o644)
    with pytest.raises(OSError, match="not a regular file"):
        append(fifo, audit_entry("detect", params={}, ok=True))
    assert stat.S_IMODE(fifo.stat().st_mode) == 0o644


def test_secrets_in_spark_conf_and_uris_are_redacted():
    params = {"spark_conf": {"spark.hadoop.fs.s3a.secret.key": "S3CRET", "spark.hadoop.fs.s3a.access.key": "AKIA1",
                             "spark.executor.memory": "4g"},
              "spark_conf_typed": ("spark.ssl.keyPassword=pw1", "spark.executor.cores=2"),
              "uri": "neo4j://neo4j:hunter2@db.example:7687", "spark_master": "spark://u:tok@m:7077"}  # fmt: skip
    text = json.dumps(clean_params(params))
    for secret in ("S3CRET", "AKIA1", "pw1", "hunter2", "tok@"):
        assert secret not in text
    assert "4g" in text and "spark.executor.cores=2" in text and "db.example:7687" in text


def test_neo4j_query_case_and_export_unmask_are_logged(tmp_path, detected):
    _, out, _ = detected
    log = tmp_path / "audit.jsonl"
    down = "bolt://127.0.0.1:1"
    CliRunner().invoke(main, ["--audit-log", str(log), "neo4j", "query", "RETURN 1", "--uri", down],
                       env={"NEO4J_PASSWORD": "pw"})  # fmt: skip
    CliRunner().invoke(main, ["--audit-log", str(log), "case", "R1", "--status", "open", "--uri", down],
                       env={"NEO4J_PASSWORD": "pw"})  # fmt: skip
    dest = tmp_path / "plain.xlsx"
    result = CliRunner().invoke(main, ["--audit-log", str(log), "export", str(out), "--unmask", "--dest", str(dest)])
    assert result.exit_code == 0, result.output
    entries = lines(log)
    assert [e["command"].split()[-1] for e in entries] == ["query", "case", "export", "export"]
    assert entries[0]["params"]["cypher"] == "RETURN 1" and entries[1]["params"]["status"] == "open"
    publish, final = entries[2:]
    assert publish["stage"] == "publish" and publish["params"]["unmask"] is True
    assert final["outputs"] == {str(dest): sha256(dest)} == publish["outputs"]


def test_the_chain_detects_edited_and_deleted_lines(tmp_path):
    log = tmp_path / "audit.jsonl"
    for _ in range(3):
        assert CliRunner().invoke(main, ["--audit-log", str(log), "validate", str(SAMPLE), "-q"]).exit_code == 0
    result = CliRunner().invoke(main, ["--audit-log", str(log), "audit", "verify"])
    assert result.exit_code == 0 and "OK, 3 lines, chain intact" in result.output
    original = log.read_bytes()
    rows = original.splitlines(keepends=True)
    log.write_bytes(rows[0] + rows[1].replace(b'"ok": true', b'"ok": false') + rows[2])
    result = CliRunner().invoke(main, ["--audit-log", str(log), "audit", "verify"])
    assert result.exit_code == 1 and "line 3: its prev does not match line 2" in result.output
    log.write_bytes(rows[0] + rows[2])
    result = CliRunner().invoke(main, ["--audit-log", str(log), "audit", "verify"])
    assert result.exit_code == 1 and "line 2: its prev does not match line 1" in result.output
    log.write_bytes(original + b'{"time": "cut')
    result = CliRunner().invoke(main, ["--audit-log", str(log), "audit", "verify"])
    assert result.exit_code == 1 and "line 4: not a complete JSON object" in result.output
