"""The eighthworld 自治州 generator on a small world: contract, determinism, truth, export choices, and its judge."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.eighthworld.judge import main as judge_main
from benchmarks.eighthworld.make import BENIGN, DAY, KIND, SCHEMES, World, build, draw_knobs, make, write_world
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

SEED, PERSONS = 5, 2000
EVERYTHING = {
    "rings": list(SCHEMES),
    "benign": list(BENIGN),
    "start": "2024-10-01",
    "months": 8,
    "time_mode": "second",
    "items": True,
    "trace_codes": True,
    "aid_rows": True,
    "village_merge": False,
    "addresses": "household",
    "drop": [],
}


@pytest.fixture(scope="module")
def built() -> World:
    return build(SEED, PERSONS, override=EVERYTHING)


@pytest.fixture(scope="module")
def world(built: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ew") / "w5"
    write_world(built, out)
    return out


def test_same_seed_gives_byte_identical_files(world: Path, tmp_path: Path) -> None:
    same_seed_same_bytes(lambda out: make(SEED, PERSONS, out, override=EVERYTHING), world, tmp_path)


def test_knobs_do_not_depend_on_size_and_plans_vary() -> None:
    assert draw_knobs(3, 500) == draw_knobs(3, 30000)
    plans = [draw_knobs(s, 30000)["rings"] for s in range(1, 7)]
    assert all(4 <= len(p) <= 7 for p in plans)
    assert len({tuple(p) for p in plans}) > 1
    assert all(len(draw_knobs(s, 30000)["benign"]) >= 3 for s in range(1, 7))


EXPORTS = [
    {"time_mode": "return", "time_T": True, "person_ids": "hukou", "village_merge": True, "doctor_ids": "cert15",
     "claim_ids": "fac_ts", "row_order": "venue", "icd": "short", "names": "bilingual", "bom": True, "crlf": True},
    {"time_mode": "date", "person_ids": "b36", "claim_ids": "oid", "row_order": "patient", "items": False,
     "birth_year": True, "addresses": "village",
     "drop": ["claims.end_time", "claims.doctor_id", "facilities.kind", "facilities.level", "doctors.facility_id"]},
    {"time_mode": "hour", "person_ids": "psn19", "doctor_ids": "lower", "claim_ids": "seq16", "script": "mn",
     "names": "bilingual", "drop": ["claims.diagnosis", "persons.region", "facilities.ownership",
                                    "claims.account_amount", "persons.phone", "claims.holder_id", "persons.address"]},
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
    truth = truth_matches_world(world, pids, SCHEMES, BENIGN, KIND)
    assert {g["kind"] for g in truth["rings"]} == {"staged_clinic", "card_collector", "induced_admission", "kickback"}


def test_every_scheme_costs_the_fund(built: World) -> None:
    from benchmarks.eighthworld.make import fund_of

    for g in built.plans:
        if g["ring"]:
            lo, hi = g["claims"]
            paid = [fund_of(built, c, sum(q * p for _, q, p in c.items))[0] for c in built.claims[lo:hi]]
            assert sum(paid) > 10 * len(paid), g["id"]  # a card swiped for nothing from the pool is no fraud on it


def test_claims_follow_the_contract(built: World, world: Path) -> None:
    w = built
    for c in w.claims:
        assert (w.venues[c.venue].kind == "pharmacy") == (c.vtype == "pharmacy")
        assert 0 <= c.start // DAY < w.days
        assert (c.end is not None) == (c.vtype == "inpatient") and (c.end is None or c.end > c.start)
        assert c.end is None or c.end // DAY < w.days
        death = w.persons[c.patient].death
        assert death is None or c.start // DAY <= death  # nobody is billed after death
    rows = _rows(world / "claims.csv")
    assert len({r["claim_id"] for r in rows}) == len(rows) > len(w.claims)  # aid rows: a second row for some stays
    for r in rows:
        assert bool(r["facility_id"]) != bool(r["pharmacy_id"])
        assert 0 <= float(r["fund_amount"]) <= float(r["total_amount"])  # the contract refuses negative rows
        datetime.fromisoformat(r["start_time"])
    sums: dict[str, float] = {}
    for it in _rows(world / "claim_items.csv"):
        assert abs(float(it["quantity"]) * float(it["unit_price"]) - float(it["amount"])) < 0.01
        sums[it["claim_id"]] = sums.get(it["claim_id"], 0.0) + float(it["amount"])
    assert len(sums) == len(w.claims)  # fee lines on the basic settlement only, never on the 医疗救助 row
    assert all(abs(sums[r["claim_id"]] - float(r["total_amount"])) < 0.02 for r in rows if r["claim_id"] in sums)


def test_aid_rows_follow_a_poor_patients_stay(built: World, world: Path) -> None:
    rows = _rows(world / "claims.csv")
    items = {it["claim_id"] for it in _rows(world / "claim_items.csv")}
    aid = [r for r in rows if r["claim_id"] not in items]
    assert aid and all(r["visit_type"] == "inpatient" for r in aid)
    poor = {p.pid for p in built.persons if p.poor}
    assert all(r["patient_id"] in poor for r in aid)
    basic = {(r["patient_id"], r["facility_id"], r["start_time"][:10]) for r in rows if r["claim_id"] in items}
    assert all((r["patient_id"], r["facility_id"], r["start_time"][:10]) in basic for r in aid)


def test_village_clinics_settle_under_their_township_hospital(tmp_path: Path) -> None:
    w = build(SEED, 700, override={**EVERYTHING, "months": 4, "village_merge": True})
    write_world(w, tmp_path / "w")
    facs = {r["facility_id"] for r in _rows(tmp_path / "w" / "facilities.csv")}
    thc = {v.vid for v in w.venues if v.cls == "thc"}
    assert all(v.vid in thc for v in w.venues if v.cls == "village")
    assert len(facs) == len([v for v in w.venues if v.kind != "pharmacy" and v.cls != "village"])
    used = {r["facility_id"] for r in _rows(tmp_path / "w" / "claims.csv")}
    assert used <= facs | {""}


def test_return_keying_stamps_village_visits_days_later_in_office_hours(tmp_path: Path) -> None:
    w = build(SEED, 700, override={**EVERYTHING, "months": 4, "time_mode": "return"})
    before = {id(c): c.start for c in w.claims if c.keyed}
    write_world(w, tmp_path / "w")
    keyed = [c for c in w.claims if c.keyed]
    assert keyed and all(c.start >= before[id(c)] for c in keyed)
    assert sum(c.start // DAY > before[id(c)] // DAY for c in keyed) > len(keyed) / 2
    assert all(9 * 3600 <= c.start % DAY < 20 * 3600 for c in keyed if c.start // DAY > before[id(c)] // DAY)


def test_pastoral_townships_are_snowed_in_and_the_mobile_clinic_waits(built: World) -> None:
    assert any(built.closed.values())  # an October-May window has winter closures
    mob = next(g for g in built.plans if g["scheme"] == "mobile_clinic")
    lo, hi = mob["claims"]
    for c in built.claims[lo:hi]:
        p = built.persons[c.patient]
        assert c.start // DAY not in built.closed.get((p.county, p.township), set())


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
    make(SEED, 800, world, override={**EVERYTHING, "months": 4})
    out = tmp_path / "out"
    judge_reads_a_detect_output(world, out, judge_main, capsys)


def test_run_makes_detects_and_judges_a_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.eighthworld.run import main as run_main

    runner_judges_a_seed(run_main, tmp_path, capsys)
