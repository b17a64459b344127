"""Checks every independent world generator's tests share (fourthworld to ninthworld): the same seed gives the
same bytes, its judge on a real ``graphfraud detect`` output, its runner making, detecting and judging one seed; and
the readers of a written world's truth and tables."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphfraud.cli import main


def judge_reads_a_detect_output(
    world: Path, out: Path, judge_main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    """``graphfraud detect`` on ``world`` into ``out``, then the judge: its markdown names every planted ring of
    truth.json and its JSON carries the summary fields."""
    result = CliRunner().invoke(main, ["detect", str(world), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert judge_main(["--data", str(world), "--detect-out", str(out)]) == 0
    text = capsys.readouterr().out
    rings = json.loads((world / "truth.json").read_text(encoding="utf-8"))["rings"]
    assert text.startswith("K=") and all(g["id"] in text for g in rings)
    assert judge_main(["--data", str(world), "--detect-out", str(out), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert {"found", "fragmented", "typology_right", "f1", "benign_in_top_k", "planted"} <= set(res)


def runner_judges_a_seed(
    run_main: Callable[[list[str]], int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The generator's ``run`` makes seed 3 of 400 persons, detects it in a fresh process and judges it."""
    records = tmp_path / "r.jsonl"
    assert run_main(["--seeds", "3", "--persons", "400", "--work", str(tmp_path), "--json", str(records)]) == 0
    rec = json.loads(records.read_text(encoding="utf-8"))
    assert rec["seed"] == 3 and rec["detect"][-1]["outcome"] == "ok", rec["detect"]
    assert rec["judge"]["k"] == len(rec["judge"]["planted"]) + 5
    assert "TOTAL found" in capsys.readouterr().err


def truth(world: Path) -> dict:
    """A written world's truth.json."""
    return json.loads((world / "truth.json").read_text(encoding="utf-8"))


def rows(path: Path) -> list[dict]:
    """A written table's rows (a BOM, if the export wrote one, read away)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def same_seed_same_bytes(make_again: Callable[[Path], object], world: Path, tmp_path: Path) -> None:
    """``make_again(out)`` writes the files of ``world`` again, byte for byte."""
    again = tmp_path / "again"
    make_again(again)
    names = sorted(p.name for p in world.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (again / name).read_bytes() == (world / name).read_bytes(), name


def truth_matches_world(world: Path, pids: set[str], schemes: list[str], benign: list[str], kind: dict) -> dict:
    """The written truth of ``world`` against its tables: every scheme and benign kind planted in order, groups
    disjoint with their core inside their persons, every core person billed, every named institution and doctor
    exported, each ring of its scheme's kind (``kind``). Returns the truth for further checks."""
    doc = truth(world)
    assert [g["params"]["scheme"] for g in doc["rings"]] == list(schemes)
    assert [g["params"]["scheme"] for g in doc["benign"]] == list(benign)
    seen: set[str] = set()
    for g in doc["rings"] + doc["benign"]:
        assert g["core"] and set(g["core"]) <= set(g["persons"]) <= pids, g["id"]
        assert not seen & set(g["persons"]), f"{g['id']} shares persons with another group"
        seen |= set(g["persons"])
        assert g["params"]["core_unused"] == len(g["persons"]) - len(g["core"])
    assert all(g["kind"] == kind[g["params"]["scheme"]] for g in doc["rings"])
    billed = {r["patient_id"] for r in rows(world / "claims.csv")}
    assert all(set(g["core"]) <= billed for g in doc["rings"] + doc["benign"])
    facs = {r["facility_id"] for r in rows(world / "facilities.csv")}
    shops = {r["pharmacy_id"] for r in rows(world / "pharmacies.csv")}
    docs = {r["doctor_id"] for r in rows(world / "doctors.csv")}
    for g in doc["rings"] + doc["benign"]:
        assert set(g["facilities"]) <= facs and set(g["pharmacies"]) <= shops and set(g["doctors"]) <= docs
    return doc
