"""The independent otherworld generator and its judge (issue 14) on a tiny world (~15 s)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from benchmarks.otherworld.judge import judge
from benchmarks.otherworld.make import make_world
from graphfraud.cli import main


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ow") / "w5"
    make_world(5, 2000, out)
    return out


def _cli(*args: str) -> Result:
    """``graphfraud ARGS`` in-process (no interpreter start per call; the suite's private audit log)."""
    return CliRunner().invoke(main, list(args))


def test_world_is_contract_valid_and_deterministic(world: Path, tmp_path: Path) -> None:
    p = _cli("validate", str(world))
    assert p.exit_code == 0, p.output
    assert "valid" in p.stdout
    make_world(5, 2000, tmp_path / "again")
    assert (tmp_path / "again" / "claims.csv").read_bytes() == (world / "claims.csv").read_bytes()
    truth = json.loads((world / "truth.json").read_text())
    assert {r["kind"] for r in truth["rings"]} >= {"staged_clinic", "card_collector", "kickback"}
    people = set(pd.read_csv(world / "persons.csv", dtype=str, encoding="utf-8-sig")["person_id"])
    assert all(set(r["persons"]) <= people for r in truth["rings"] + truth["benign"])


def _fake_output(out: Path, truth: dict, *, split: str | None = None) -> None:
    """rings.csv / ring_members.csv that report each planted ring whole (or ``split`` in two halves)."""
    rings, members = [], []
    for r in truth["rings"]:
        parts = [r["persons"]]
        if r["id"] == split:
            half = len(r["core"]) // 2
            parts = [r["core"][: half - 1], r["core"][half - 1 : 2 * half - 2]]
        for j, ps in enumerate(parts):
            rid = f"X{r['id']}{j}"
            rings.append(
                {
                    "rank": len(rings) + 1,
                    "ring_id": rid,
                    "score": 50 - len(rings),
                    "alert": "red",
                    "typology": r["kind"],
                    "persons": len(ps),
                    "doctors": 0,
                    "facilities": 0,
                    "pharmacies": 0,
                    "claims": 1,
                    "fund_amount": "1.00",
                    "reasons": "test",
                }
            )
            members += [
                {"ring_id": rid, "entity_type": "person", "entity_id": p, "role": "recruit", "score": 1} for p in ps
            ]
    out.mkdir()
    pd.DataFrame(rings).to_csv(out / "rings.csv", index=False)
    pd.DataFrame(members).to_csv(out / "ring_members.csv", index=False)


def test_judge_scores_a_perfect_and_a_fragmented_report(world: Path, tmp_path: Path) -> None:
    truth = json.loads((world / "truth.json").read_text())
    _fake_output(tmp_path / "perfect", truth)
    res = judge(world, tmp_path / "perfect")
    assert res["found"] == res["typology_right"] == len(truth["rings"])
    assert res["precision"] == res["recall"] == 1.0 and res["benign_in_top_k"] == 0
    target = max(truth["rings"], key=lambda r: len(r["core"]))["id"]
    _fake_output(tmp_path / "split", truth, split=target)
    res = judge(world, tmp_path / "split", k=len(truth["rings"]) + 1)
    status = {p["id"]: p["status"] for p in res["planted"]}
    assert status[target] == "fragmented"
    assert sum(s == "found" for s in status.values()) == len(truth["rings"]) - 1


def test_judge_runs_on_graphfraud_detect(world: Path, tmp_path: Path) -> None:
    p = _cli("detect", str(world), "--out", str(tmp_path / "out"), "-q")
    assert p.exit_code == 0, p.output
    res = judge(world, tmp_path / "out")
    assert res["k"] == len(json.loads((world / "truth.json").read_text())["rings"]) + 5
    assert all(p["status"].split()[0] in {"found", "fragmented", "missed"} for p in res["planted"])
    assert 0.0 <= res["f1"] <= 1.0
