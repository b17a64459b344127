"""The sixthworld 县级市 generator on a small world: contract, determinism, truth, and its judge."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.sixthworld.judge import main as judge_main
from benchmarks.sixthworld.make import BENIGN, SCHEMES, World, build, draw_knobs, make, write_world
from benchmarks.sixthworld.plant import KIND
from benchmarks.thirdworld.judge import judge_dirs
from graphfraud.cli import main
from tests.generators import (
    judge_reads_a_detect_output,
    runner_judges_a_seed,
    same_seed_same_bytes,
    truth as _truth,
    rows as _rows,
)
from tests.test_thirdworld import _write_output as _output  # a hand-made detect output, contract columns

SEED, PERSONS = 5, 1200
EVERYTHING = {
    "rings": list(SCHEMES),
    "benign": list(BENIGN),
    "start": "2024-09-01",
    "months": 6,
    "time_mode": "second",
    "items": True,
    "trace_codes": True,
    "split_share": 0.5,
    "holder": "always",
    "drop": [],
}


@pytest.fixture(scope="module")
def built() -> World:
    return build(SEED, PERSONS, override=EVERYTHING)


@pytest.fixture(scope="module")
def world(built: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sw") / "w5"
    write_world(built, out)
    return out


def test_same_seed_gives_byte_identical_files(world: Path, tmp_path: Path) -> None:
    same_seed_same_bytes(lambda out: make(SEED, PERSONS, out, override=EVERYTHING), world, tmp_path)


def test_knobs_do_not_depend_on_size_and_plans_vary() -> None:
    assert draw_knobs(3, 500) == draw_knobs(3, 30000)
    plans = [draw_knobs(s, 30000)["rings"] for s in range(1, 7)]
    assert all(4 <= len(p) <= 8 for p in plans)
    assert len({tuple(p) for p in plans}) > 1


EXPORTS = [
    {
        "time_mode": "mixed_T",
        "code_noise": True,
        "price_decimals": 4,
        "phones": "masked",
        "addresses": "building",
        "birth_year": True,
        "bom": True,
        "crlf": True,
        "shuffle_columns": True,
        "person_ids": "nhsa20",
        "claim_ids": "hex",
        "venue_ids": "local",
        "doctor_ids": "name_code",
    },
    {
        "time_mode": "date",
        "person_ids": "card",
        "claim_ids": "venue_date",
        "row_order": "random",
        "holder": "mutual_only",
        "items": False,
        "drop": ["claims.end_time", "claims.doctor_id", "facilities.kind", "facilities.level", "doctors.facility_id"],
    },
    {
        "time_mode": "mixed",
        "person_ids": "num9",
        "doctor_ids": "local",
        "row_order": "venue",
        "holder": "none",
        "phones": "none",
        "addresses": "none",
        "drop": ["claims.diagnosis", "persons.region", "facilities.ownership", "claims.account_amount"],
    },
]


@pytest.mark.parametrize("override", EXPORTS)
def test_validate_accepts_the_world(override: dict, tmp_path: Path) -> None:
    out = tmp_path / "w"
    make(SEED + 1, 500, out, override={**EVERYTHING, "months": 3, **override})
    result = CliRunner().invoke(main, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{out}: valid" in result.stdout
    if override["time_mode"].startswith("mixed"):
        assert "mixed resolution" in result.stdout


def test_truth_is_consistent_with_the_world(built: World, world: Path) -> None:
    truth = _truth(world)
    pids = {p.pid for p in built.persons}
    assert len(pids) == PERSONS
    assert [g["params"]["scheme"] for g in truth["rings"]] == list(SCHEMES)
    assert [g["params"]["scheme"] for g in truth["benign"]] == list(BENIGN)
    seen: set[str] = set()
    for g in truth["rings"] + truth["benign"]:
        assert g["core"] and set(g["core"]) <= set(g["persons"]) <= pids, g["id"]
        assert not seen & set(g["persons"]), f"{g['id']} shares persons with another group"
        seen |= set(g["persons"])
        assert g["params"]["core_unused"] == len(g["persons"]) - len(g["core"])
    assert all(g["kind"] == KIND[g["params"]["scheme"]] for g in truth["rings"])
    assert {g["kind"] for g in truth["rings"]} == {"staged_clinic", "card_collector", "induced_admission", "kickback"}
    billed = {built.persons[c.patient].pid for c in built.claims}
    assert all(set(g["core"]) <= billed for g in truth["rings"] + truth["benign"])
    facs = {r["facility_id"] for r in _rows(world / "facilities.csv")}
    shops = {r["pharmacy_id"] for r in _rows(world / "pharmacies.csv")}
    docs = {r["doctor_id"] for r in _rows(world / "doctors.csv")}
    for g in truth["rings"] + truth["benign"]:
        assert set(g["facilities"]) <= facs and set(g["pharmacies"]) <= shops and set(g["doctors"]) <= docs


def test_claims_follow_the_contract(built: World, world: Path) -> None:
    w = built
    for c in w.claims:
        assert (w.venues[c.venue].kind == "pharmacy") == (c.vtype == "pharmacy")
        assert 0 <= c.start // 86400 < w.days
        assert (c.end is not None) == (c.vtype == "inpatient") and (c.end is None or c.end > c.start)
        assert c.end is None or c.end // 86400 < w.days  # every stay settled inside the window
        death = w.persons[c.patient].death
        assert death is None or c.start // 86400 <= death  # nobody is billed after death
    rows = _rows(world / "claims.csv")
    assert len({r["claim_id"] for r in rows}) == len(rows) == len(w.claims)
    for r in rows:
        assert bool(r["facility_id"]) != bool(r["pharmacy_id"])
        assert 0 <= float(r["fund_amount"]) <= float(r["total_amount"])  # the contract refuses negative rows
        datetime.fromisoformat(r["start_time"])
    sums: dict[str, float] = {}
    for it in _rows(world / "claim_items.csv"):
        assert abs(float(it["quantity"]) * float(it["unit_price"]) - float(it["amount"])) < 0.01
        sums[it["claim_id"]] = sums.get(it["claim_id"], 0.0) + float(it["amount"])
    assert all(abs(sums[r["claim_id"]] - float(r["total_amount"])) < 0.02 for r in rows)


def test_a_split_export_settles_one_visit_in_several_rows(built: World) -> None:
    per_visit: dict[tuple[int, int, int, int], int] = {}
    for c in built.claims:
        if c.vtype == "outpatient" and built.venues[c.venue].kind == "hospital":
            key = (c.patient, c.venue, c.doctor or -1, c.start // 86400)
            per_visit[key] = per_visit.get(key, 0) + 1
    assert any(n >= 2 for n in per_visit.values())


def test_long_stay_ward_settles_monthly(built: World) -> None:
    ward = next(p for p in built.plans if p["scheme"] == "long_stay_ward")
    starts = [c.start // 86400 for c in built.claims if c.patient in ward["members"] and c.vtype == "inpatient"]
    firsts = {d for d in range(built.days) if _day_of_month(built, d) == 1}
    assert sum(d in firsts for d in starts) >= len(ward["members"])  # mid-stay settlements open on the 1st


def _day_of_month(w: World, d: int) -> int:
    from datetime import date

    return date.fromordinal(w.start.toordinal() + d).day


def test_judge_scores_perfect_and_empty_outputs(world: Path, tmp_path: Path) -> None:
    truth = _truth(world)
    perfect = _output(tmp_path / "perfect", [(f"X{n}", g["kind"], g["persons"]) for n, g in enumerate(truth["rings"])])
    res = judge_dirs(world, perfect)
    assert res["found"] == len(truth["rings"]) == res["typology_right"]
    assert (res["precision"], res["recall"], res["f1"], res["benign_in_top_k"]) == (1.0, 1.0, 1.0, 0)
    res = judge_dirs(world, _output(tmp_path / "empty", []))
    assert res["missed"] == len(truth["rings"]) and res["f1"] == 0.0


def test_judge_runs_on_a_real_detect_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world = tmp_path / "w"
    make(SEED, 700, world, override={**EVERYTHING, "months": 4})
    out = tmp_path / "out"
    judge_reads_a_detect_output(world, out, judge_main, capsys)


def test_run_makes_detects_and_judges_a_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.sixthworld.run import main as run_main

    runner_judges_a_seed(run_main, tmp_path, capsys)
