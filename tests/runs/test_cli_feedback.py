"""`detect --previous` and `detect --cases` (issue 17): lineage across runs, verdicts that re-rank."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.analyses.evaluate import _match

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _detect(out: Path, *extra: str, data: Path = SAMPLE) -> tuple[Path, object]:
    result = CliRunner().invoke(main, ["detect", str(data), "--out", str(out), "--quiet", *extra])
    assert result.exit_code == 0, result.output
    return out, result


def _csvs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))}


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    return _detect(tmp_path_factory.mktemp("first") / "out")[0]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A synth world with 2 groups of every kind (8 fraud rings, 8 benign groups): enough verdicts to learn from."""
    world = tmp_path_factory.mktemp("world") / "data"
    result = CliRunner().invoke(main, ["synth", str(world), "--persons", "6000", "--days", "150", "--rings", "2", "-q"])
    assert result.exit_code == 0, result.output
    labels = pd.read_csv(world / "labels.csv", dtype=str)
    persons = labels[labels.entity_type == "person"]
    return (
        world,
        {g: set(p) for g, p in persons.groupby("ring_id")["entity_id"]},
        dict(zip(labels.ring_id, labels.typology)),
    )


def test_no_verdicts_changes_nothing(first, tmp_path):
    empty = tmp_path / "cases.csv"
    empty.write_text("entity_type,entity_id,verdict\n")
    out, _ = _detect(tmp_path / "out", "--cases", str(empty))
    assert _csvs(out) == _csvs(first)  # byte for byte
    assert not (out / "model.pkl").exists() and "learned" not in json.loads((out / "run.json").read_text())
    assert (
        json.loads((out / "run.json").read_text())["outputs"] == json.loads((first / "run.json").read_text())["outputs"]
    )


def test_a_grown_ring_keeps_its_lineage_and_case_status(first, tmp_path):
    previous = tmp_path / "previous"
    shutil.copytree(first, previous)
    members = pd.read_csv(previous / "ring_members.csv", dtype=str, keep_default_na=False)
    top = pd.read_csv(previous / "rings.csv", dtype=str).ring_id.iloc[0]
    persons = members[(members.ring_id == top) & (members.entity_type == "person")].entity_id
    recruits = sorted(persons)[:2]  # the previous run had not seen these two recruits yet
    members[~((members.ring_id == top) & members.entity_id.isin(recruits))].to_csv(
        previous / "ring_members.csv", index=False
    )
    cases = tmp_path / "cases.csv"
    pd.DataFrame({"entity_type": ["ring"], "entity_id": [top], "verdict": ["confirmed"]}).to_csv(cases, index=False)
    out, result = _detect(tmp_path / "out", "--previous", str(previous), "--cases", str(cases))
    lineage = pd.read_csv(out / "lineage.csv", dtype=str, keep_default_na=False).set_index("ring_id")
    row = lineage.loc[top]
    assert (row.previous_ring_id, row.status, row.members_added, row.members_removed) == (top, "grown", "2", "0")
    assert row.case_status == "confirmed"
    others = lineage.drop(index=[top, ""], errors="ignore")
    assert set(others.status) == {"continuing"} and (others.case_status == "").all()
    # one ring verdict is too few to learn from: a warning, and the ranking is the rule ranking
    assert "warning: the verdicts reach 1 confirmed" in result.stderr
    assert {k: v for k, v in _csvs(out).items() if k != "lineage.csv"} == _csvs(first)
    rings = CliRunner().invoke(main, ["rings", str(out), "--json"])
    view = pd.DataFrame(json.loads(rings.output)).set_index("ring_id")
    assert view.loc[top, "since_last_run"] == "调查中 under investigation; 扩大 grown"
    shown = CliRunner().invoke(main, ["show", str(out), top, "-q"])
    assert "自上次运行以来：调查中 under investigation; 扩大 grown" in shown.output  # Chinese by default


def test_verdicts_rerank_and_are_recorded(tmp_path, world):
    data, groups, kinds = world
    first, _ = _detect(tmp_path / "first", data=data)
    rings = pd.read_csv(first / "rings.csv", dtype=str)
    members = pd.read_csv(first / "ring_members.csv", dtype=str)
    persons = {r: set(g.entity_id) for r, g in members[members.entity_type == "person"].groupby("ring_id")}
    rows = []
    for r in rings.ring_id:
        group = next((g for g, p in groups.items() if _match(p, persons[r])), "")
        if group and not group.startswith("benign:"):
            rows.append(("ring", r, "confirmed"))
    for g, p in groups.items():  # inspectors cleared the legitimate groups, person by person
        if g.startswith("benign:"):
            rows += [("person", x, "dismissed") for x in sorted(p)]
    cases = tmp_path / "cases.csv"
    pd.DataFrame(rows, columns=["entity_type", "entity_id", "verdict"]).to_csv(cases, index=False)
    out, _ = _detect(tmp_path / "out", "--cases", str(cases), data=data)
    record = json.loads((out / "run.json").read_text())["learned"]
    assert record["model"] in ("logistic", "boosting") and set(record["cv_roc_auc"]) == {"logistic", "boosting"}
    assert record["model_sha256"] == hashlib.sha256((out / "model.pkl").read_bytes()).hexdigest()
    assert record["confirmed"] >= 3 and record["dismissed"] >= 3
    after = pd.read_csv(out / "rings.csv", dtype=str)
    assert after.reasons.str.startswith("learned from").all()
    assert sorted(after.ring_id) == sorted(rings.ring_id)  # the same rings, re-ranked
    top = len(rings)
    found = {
        kinds[g]
        for r in after.ring_id.head(top)
        for g, p in groups.items()
        if not g.startswith("benign:") and _match(p, persons[r])
    }
    before = {
        kinds[g]
        for r in rings.ring_id.head(top)
        for g, p in groups.items()
        if not g.startswith("benign:") and _match(p, persons[r])
    }
    assert found == before  # no planted typology falls out
    again, _ = _detect(tmp_path / "again", "--cases", str(cases), data=data)
    assert _csvs(again) == _csvs(out) and (again / "model.pkl").read_bytes() == (out / "model.pkl").read_bytes()
