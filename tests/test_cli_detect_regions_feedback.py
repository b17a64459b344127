"""`detect --by-region`: the rows its split skips (a small world)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphfraud.cli import main

pytestmark = pytest.mark.slow  # by-region runs of a small world (~1 min on 2 idle cores)


def _detect(data, out, *extra):
    result = CliRunner().invoke(main, ["detect", str(data), "--out", str(out), "--by-region", *extra])
    assert result.exit_code == 0, result.output
    return result


def test_rows_the_split_skips_are_counted_and_told(tmp_path):
    data = tmp_path / "in"
    result = CliRunner().invoke(main, ["synth", str(data), "--persons", "600", "--days", "40", "--seed", "2",
                                       "--plant", "staged_clinic", "-q"])
    assert result.exit_code == 0, result.output
    lines = (data / "claims.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10:10] = ["S-BROKEN-1,only,three\n", "S-BROKEN-2,x\n"]  # wrong number of fields: dropped by the split
    (data / "claims.csv").write_text("".join(lines), encoding="utf-8")
    refused = CliRunner().invoke(main, ["detect", str(data), "--out", str(tmp_path / "o"), "--by-region", "-q"])
    assert refused.exit_code == 1 and "claims.csv" in refused.output  # without --lenient nothing is skipped

    work = tmp_path / "work"
    for attempt in ("split", "reused"):  # a reused split still knows what it dropped
        out = tmp_path / attempt
        result = _detect(data, out, "--lenient", "--work", str(work))
        assert "warning: skipped 2 rows of claims.csv: wrong number of fields" in result.stderr
        run = json.loads((out / "run.json").read_text(encoding="utf-8"))
        assert run["skipped"]["claims.csv"] == {"wrong number of fields": 2}
    assert "reusing the regions" in result.stderr
    plain = CliRunner().invoke(main, ["detect", str(data), "--out", str(tmp_path / "plain"), "--lenient", "-q"])
    assert plain.exit_code == 0, plain.output
    assert json.loads((tmp_path / "plain" / "run.json").read_text())["skipped"]["claims.csv"] == run["skipped"]["claims.csv"]
