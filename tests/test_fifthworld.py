"""The fifthworld 直辖市-district generator on a small world: contract, determinism, truth, and its judge."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.fifthworld.judge import main as judge_main
from benchmarks.fifthworld.make import build, make, write_world, World
from benchmarks.fifthworld.plant import KIND, PLANS, SCHEMES
from benchmarks.thirdworld.judge import judge_dirs
from graphfraud.cli import main
from tests.generators import judge_reads_a_detect_output, runner_judges_a_seed, same_seed_same_bytes, truth as _truth
from tests.test_thirdworld import _write_output as _output  # a hand-made detect output, contract columns

SEED, PERSONS = 5, 1500
KINDS = {"staged_clinic", "card_collector", "induced_admission", "kickback"}
BENIGN = [k for k in PLANS if k not in KIND]
EVERYTHING = {
    "rings": list(SCHEMES),
    "benign": BENIGN,
    "start": "2024-09-01",
    "months": 9,
    "time_mode": "second",
    "items": True,
}


@pytest.fixture(scope="module")
def built() -> World:
    return build(SEED, PERSONS, override=EVERYTHING)


@pytest.fixture(scope="module")
def world(built: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vw") / "w5"
    write_world(built, out)
    return out


def test_same_seed_gives_byte_identical_files(world: Path, tmp_path: Path) -> None:
    same_seed_same_bytes(lambda out: make(SEED, PERSONS, out, override=EVERYTHING), world, tmp_path)


EXPORTS = [
    {},
    {
        "time_mode": "date",
        "person_ids": "num12",
        "venue_ids": "national",
        "doctor_ids": "national",
        "claim_ids": "uuid",
        "row_order": "claim_id",
    },
    {
        "time_mode": "minute",
        "sep": "T",
        "quote_all": True,
        "bom": True,
        "crlf": True,
        "shuffle_columns": True,
        "extra_columns": True,
    },
    {
        "holder": "mutual_only",
        "phones": "last4",
        "addresses": "building",
        "trace_codes": True,
        "price_decimals": 4,
        "birth_year": True,
    },
    {
        "holder": "none",
        "phones": "none",
        "addresses": "none",
        "items": False,
        "drop": ["claims.end_time", "claims.terminal_id", "persons.region"],
    },
]


@pytest.mark.parametrize("override", EXPORTS)
def test_validate_accepts_the_world(override: dict, tmp_path: Path) -> None:
    out = tmp_path / "w"
    make(SEED + 1, 700, out, override={**EVERYTHING, **override})
    result = CliRunner().invoke(main, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{out}: valid" in result.stdout


def test_validate_accepts_fractional_seconds(tmp_path: Path) -> None:
    out = tmp_path / "w"
    make(SEED + 1, 500, out, override={**EVERYTHING, "time_mode": "millis"})
    assert CliRunner().invoke(main, ["validate", str(out)]).exit_code == 0


def test_truth_is_consistent_with_the_world(built: World, world: Path) -> None:
    truth = _truth(world)
    pids = {p.pid for p in built.persons}
    assert len(pids) == PERSONS
    assert [g["params"]["scheme"] for g in truth["rings"]] == list(SCHEMES)
    assert [g["kind"] for g in truth["benign"]] == BENIGN
    seen: set[str] = set()
    for g in truth["rings"] + truth["benign"]:
        assert g["core"] and set(g["core"]) <= set(g["persons"]) <= pids, g["id"]
        assert not seen & set(g["persons"]), f"{g['id']} shares persons with another group"
        seen |= set(g["persons"])
        assert g["params"]["core_unused"] == len(g["persons"]) - len(g["core"])
    assert all(g["kind"] == KIND[g["params"]["scheme"]] for g in truth["rings"])
    assert {g["kind"] for g in truth["rings"]} == KINDS
    billed = {built.persons[c.patient].pid for c in built.claims}
    assert all(set(g["core"]) <= billed for g in truth["rings"])
    facs = {r["facility_id"] for r in csv.DictReader((world / "facilities.csv").open(encoding="utf-8-sig"))}
    shops = {r["pharmacy_id"] for r in csv.DictReader((world / "pharmacies.csv").open(encoding="utf-8-sig"))}
    for g in truth["rings"]:
        assert set(g["facilities"]) <= facs and set(g["pharmacies"]) <= shops


def test_claims_follow_the_contract_meaning(built: World, world: Path) -> None:
    w = built
    reseller_cards = {i for p in w.plans if p["scheme"] == "drug_reseller" for i in p["cards"]}
    for c in w.claims:
        assert (w.venues[c.venue].kind == "pharmacy") == (c.vtype == "pharmacy")
        assert 0 <= c.start // 86400 < w.days
        assert (c.end is not None) == (c.vtype == "inpatient") and (c.end is None or c.end > c.start)
        death = w.persons[c.patient].death
        if death is not None and c.start // 86400 > death:
            assert c.patient in reseller_cards  # only a 药贩子's dead cards are used after death
    rows = list(csv.DictReader((world / "claims.csv").open(encoding="utf-8-sig")))
    assert len({r["claim_id"] for r in rows}) == len(rows) == len(w.claims)
    for r in rows:
        assert bool(r["facility_id"]) != bool(r["pharmacy_id"])
        assert 0 <= float(r["fund_amount"]) <= float(r["total_amount"])
        datetime.fromisoformat(r["start_time"])
    items = list(csv.DictReader((world / "claim_items.csv").open(encoding="utf-8-sig")))
    sums: dict[str, float] = {}
    for it in items:
        assert abs(float(it["quantity"]) * float(it["unit_price"]) - float(it["amount"])) < 0.01
        sums[it["claim_id"]] = sums.get(it["claim_id"], 0.0) + float(it["amount"])
    assert all(abs(sums[r["claim_id"]] - float(r["total_amount"])) < 0.02 for r in rows)
    assert date.fromisoformat(_truth(world)["summary"]["window"][0]) == w.start


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
    from benchmarks.fifthworld.run import main as run_main

    runner_judges_a_seed(run_main, tmp_path, capsys)
