"""The tenthworld old-industrial-district generator on a small world: contract, determinism, truth, export choices,
the district's own mechanics (候鸟 winters, 中途结算 pieces, dates-only venues, building-level addresses), and its
judge and runner."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.tenthworld.care import fund_of
from benchmarks.tenthworld.city import DAY, World, present
from benchmarks.tenthworld.judge import main as judge_main
from benchmarks.tenthworld.make import BENIGN, KIND, SCHEMES, build, draw_knobs, make
from benchmarks.tenthworld.export import write_world
from benchmarks.thirdworld.judge import judge_dirs
from graphfraud.cli import main
from tests.generators import (
    truth_matches_world,
    judge_reads_a_detect_output,
    runner_judges_a_seed,
    same_seed_same_bytes,
    truth as _truth,
    rows as _rows,
)
from tests.test_thirdworld import _write_output as _output  # a hand-made detect output, contract columns

SEED, PERSONS = 4, 2000
EVERYTHING = {
    "rings": list(SCHEMES),
    "benign": list(BENIGN),
    "start": "2024-10-01",
    "months": 8,
    "time_mode": "second",
    "items": True,
    "phones": "hash",
    "snowbird": 0.2,
    "midway": "monthly",
    "drop": [],
}


@pytest.fixture(scope="module")
def built() -> World:
    return build(SEED, PERSONS, override=EVERYTHING)


@pytest.fixture(scope="module")
def world(built: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tn") / "w4"
    write_world(built, out)
    return out


def test_same_seed_gives_byte_identical_files(world: Path, tmp_path: Path) -> None:
    same_seed_same_bytes(lambda out: make(SEED, PERSONS, out, override=EVERYTHING), world, tmp_path)


def test_knobs_do_not_depend_on_size_and_plans_vary() -> None:
    assert draw_knobs(3, 500) == draw_knobs(3, 30000)
    plans = [draw_knobs(s, 30000)["rings"] for s in range(1, 7)]
    assert all(5 <= len(p) <= 8 for p in plans)
    assert all({"card_collector", "staged_clinic", "induced_admission"} <= {KIND[s] for s in p} for p in plans)
    assert len({tuple(p) for p in plans}) > 1
    assert all(4 <= len(draw_knobs(s, 30000)["benign"]) <= 7 for s in range(1, 7))


EXPORTS = [
    {"time_mode": "venue", "person_ids": "legacy10", "doctor_ids": "legacy7", "claim_ids": "venue_day",
     "row_order": "venue", "icd": "works_short", "item_codes": "works_local", "bom": True, "crlf": True,
     "address": "building"},
    {"time_mode": "date", "person_ids": "hash", "claim_ids": "snowflake", "row_order": "claim_id", "items": False,
     "birth_year": True, "midway": "year_end",
     "drop": ["claims.end_time", "claims.doctor_id", "facilities.kind", "facilities.level", "doctors.facility_id"]},
    {"time_mode": "minute", "person_ids": "code16", "doctor_ids": "nat", "claim_ids": "uuid", "icd": "dotted",
     "item_codes": "local", "phones": "none", "drop": ["claims.diagnosis", "persons.region", "facilities.ownership",
                                                       "claims.account_amount", "claims.holder_id",
                                                       "persons.death_date", "claims.terminal_id"]},
]  # fmt: skip


@pytest.mark.parametrize("override", EXPORTS)
def test_validate_accepts_the_world(override: dict, tmp_path: Path) -> None:
    out = tmp_path / "w"
    make(SEED + 1, 700, out, override={**EVERYTHING, "months": 6, **override})
    result = CliRunner().invoke(main, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{out}: valid" in result.stdout


def test_truth_is_consistent_with_the_world(built: World, world: Path) -> None:
    pids = {p.pid for p in built.persons}
    assert len(pids) == PERSONS
    truth_matches_world(world, pids, SCHEMES, BENIGN, KIND)


def test_every_scheme_costs_the_fund(built: World) -> None:
    for g in built.plans:
        if g["ring"]:
            lo, hi = g["claims"]
            paid = [fund_of(built, c, sum(q * p for _, q, p in c.items))[0] for c in built.claims[lo:hi]]
            assert paid and sum(paid) > 10 * len(paid), g["id"]


def test_claims_follow_the_contract(built: World, world: Path) -> None:
    w = built
    rings = {
        i for g in w.plans if g["scheme"] in ("snowbird_cards", "home_visits", "chronic_quota") for i in g["members"]
    }
    for c in w.claims:
        assert (w.venues[c.venue].kind == "pharmacy") == (c.vtype == "pharmacy")
        assert 0 <= c.start // DAY < w.days
        assert (c.end is not None) == (c.vtype == "inpatient") and (c.end is None or c.end > c.start)
        assert c.end is None or c.end // DAY < w.days
        death = w.persons[c.patient].death
        if c.patient not in rings:  # only a ring bills the dead (the bureau learns of a death late)
            assert death is None or c.start // DAY <= death
    rows = _rows(world / "claims.csv")
    assert len({r["claim_id"] for r in rows}) == len(rows) == len(w.claims)
    for r in rows:
        assert bool(r["facility_id"]) != bool(r["pharmacy_id"])
        assert 0 <= float(r["fund_amount"]) <= float(r["total_amount"])
        assert float(r["account_amount"]) <= float(r["total_amount"]) - float(r["fund_amount"]) + 0.01
        datetime.fromisoformat(r["start_time"])
    sums: dict[str, float] = {}
    for it in _rows(world / "claim_items.csv"):
        assert abs(float(it["quantity"]) * float(it["unit_price"]) - float(it["amount"])) < 0.01
        sums[it["claim_id"]] = sums.get(it["claim_id"], 0.0) + float(it["amount"])
    assert all(abs(sums[r["claim_id"]] - float(r["total_amount"])) < 0.02 for r in rows)


def test_snowbirds_are_billed_only_by_the_cards_keeper_while_away(built: World) -> None:
    w = built
    ring = next(g for g in w.plans if g["scheme"] == "snowbird_cards")
    lo, hi = ring["claims"]
    gone = [c for c in w.claims[lo:hi] if not present(w.persons[c.patient], c.start // DAY)]
    assert len(gone) > 0.5 * (hi - lo)  # the card is swiped while its holder is in 三亚 or dead
    assert any(w.persons[c.patient].death is not None for c in gone)
    first = max(g["claims"][1] for g in w.plans)  # ordinary care comes after every group's claims
    assert all(present(w.persons[c.patient], c.start // DAY) for c in w.claims[first:])


def test_long_stays_are_settled_in_pieces_at_month_and_year_end(built: World, world: Path) -> None:
    w = built
    pieces = [c for c in w.claims if c.vtype == "inpatient" and c.piece > 0]
    assert pieces
    for c in pieces:
        assert c.start % DAY == 0  # the next piece opens at midnight, the day after the last was settled
        prev = [p for p in w.claims if p.patient == c.patient and p.end == c.start - 1 and p.venue == c.venue]
        assert len(prev) == 1
    jan1 = [c for c in pieces if (w.start + timedelta(days=c.start // DAY)).strftime("%m-%d") == "01-01"]
    assert jan1  # 跨年度中途结算: every stay over New Year's Eve is cut there


def test_dates_only_venues_and_building_addresses(tmp_path: Path) -> None:
    out = tmp_path / "w"
    make(SEED, 700, out, override={**EVERYTHING, "months": 6, "time_mode": "venue", "address": "building"})
    kinds = {r["facility_id"]: r["name"] for r in _rows(out / "facilities.csv")}
    rows = _rows(out / "claims.csv")
    old = [
        r
        for r in rows
        if r["facility_id"] and ("社区" in kinds[r["facility_id"]] or "职工医院" in kinds[r["facility_id"]])
    ]
    new = [r for r in rows if r not in old]
    assert old and all(len(r["start_time"]) == 10 for r in old)
    assert new and all(len(r["start_time"]) == 19 for r in new)
    per_addr = Counter(r["address"] for r in _rows(out / "persons.csv"))
    assert max(per_addr.values()) > 40  # a whole 家属楼 under one key


def test_person_ids_keep_leading_zeros(tmp_path: Path) -> None:
    out = tmp_path / "w"
    make(SEED, 700, out, override={**EVERYTHING, "months": 6, "person_ids": "legacy10"})
    ids = [r["person_id"] for r in _rows(out / "persons.csv")]
    assert all(len(i) == 10 and i.isdigit() for i in ids) and sum(i.startswith("0") for i in ids) > 0.5 * len(ids)


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
    make(SEED, 700, world, override={**EVERYTHING, "months": 6})
    judge_reads_a_detect_output(world, tmp_path / "out", judge_main, capsys)


def test_run_makes_detects_and_judges_a_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.tenthworld.run import main as run_main

    runner_judges_a_seed(run_main, tmp_path, capsys)
