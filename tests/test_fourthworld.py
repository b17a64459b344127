"""The fourthworld prefecture-city generator on a small world: contract, determinism, truth, and its judge."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.fourthworld.benign import GROUPS_FN
from benchmarks.fourthworld.export import write_world
from benchmarks.fourthworld.judge import main as judge_main
from benchmarks.fourthworld.make import build, make
from benchmarks.fourthworld.model import World
from benchmarks.fourthworld.schemes import KIND, SCHEMES
from benchmarks.thirdworld.judge import judge_dirs
from graphfraud.cli import main
from tests.generators import judge_reads_a_detect_output, runner_judges_a_seed, same_seed_same_bytes, truth as _truth
from tests.test_thirdworld import _write_output as _output  # a hand-made detect output, contract columns

SEED, PERSONS = 6, 1500
KINDS = {"staged_clinic", "card_collector", "induced_admission", "kickback"}
EVERYTHING = {"rings": list(SCHEMES), "benign": list(GROUPS_FN), "start": "2024-06-01", "months": 8}


@pytest.fixture(scope="module")
def built() -> World:
    return build(SEED, PERSONS, override=EVERYTHING)


@pytest.fixture(scope="module")
def world(built: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fw") / "w6"
    write_world(built, out)
    return out


def test_same_seed_gives_byte_identical_files(world: Path, tmp_path: Path) -> None:
    same_seed_same_bytes(lambda out: make(SEED, PERSONS, out, override=EVERYTHING), world, tmp_path)


@pytest.mark.parametrize(
    "override",
    [
        {},
        {"file_format": "parquet", "time_mode": "date", "person_ids": "card9", "venue_ids": "legacy", "items": True},
        {
            "file_format": "mixed",
            "time_mode": "stay_dates",
            "quote_all": True,
            "bom": True,
            "crlf": True,
            "items": True,
        },
    ],
)
def test_validate_accepts_the_world(override: dict, tmp_path: Path) -> None:
    out = tmp_path / "w"
    make(SEED + 1, 800, out, override={**EVERYTHING, **override})
    result = CliRunner().invoke(main, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{out}: valid" in result.stdout


def test_truth_is_consistent_with_the_world(built: World, world: Path) -> None:
    truth = _truth(world)
    pids = {p.pid for p in built.persons}
    assert len(pids) == PERSONS
    seen: set[str] = set()
    assert [g["params"]["scheme"] for g in truth["rings"]] == list(SCHEMES)
    assert [g["kind"] for g in truth["benign"]] == [k for k in GROUPS_FN if k != "sanfu_days"] or len(
        truth["benign"]
    ) == 5
    for g in truth["rings"] + truth["benign"]:
        assert g["core"] and set(g["core"]) <= set(g["persons"]) <= pids, g["id"]
        assert not seen & set(g["persons"]), f"{g['id']} shares persons with another group"
        seen |= set(g["persons"])
    assert {g["kind"] for g in truth["rings"]} <= KINDS
    assert all(g["kind"] == KIND[g["params"]["scheme"]] for g in truth["rings"])
    billed = {built.persons[c.patient].pid for c in built.claims}
    assert all(set(g["core"]) <= billed for g in truth["rings"])


def test_claims_follow_the_contract_meaning(built: World) -> None:
    w = built
    planted = {i for g in w.rings for i in g.core}
    for c in w.claims:
        assert (w.venues[c.venue].kind == "pharmacy") == (c.vtype == "pharmacy")
        assert 0 <= (c.start.date() - w.start).days < w.days
        if c.end is not None:
            assert c.end > c.start
        death = w.persons[c.patient].death
        if death is not None and c.start.date() > death:
            assert c.patient in planted  # only a collector's dead cards are swiped after death


def test_judge_scores_perfect_and_empty_outputs(world: Path, tmp_path: Path) -> None:
    truth = _truth(world)
    perfect = _output(tmp_path / "perfect", [(f"X{n}", g["kind"], g["persons"]) for n, g in enumerate(truth["rings"])])
    res = judge_dirs(world, perfect)
    assert res["found"] == len(truth["rings"]) == res["typology_right"]
    assert (res["precision"], res["recall"], res["f1"], res["benign_in_top_k"]) == (1.0, 1.0, 1.0, 0)
    res = judge_dirs(world, _output(tmp_path / "empty", []))
    assert res["missed"] == len(truth["rings"]) and res["f1"] == 0.0


def test_judge_runs_on_a_real_detect_output(world: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    judge_reads_a_detect_output(world, out, judge_main, capsys)


def test_run_makes_detects_and_judges_a_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.fourthworld.run import main as run_main

    runner_judges_a_seed(run_main, tmp_path, capsys)
