"""The ninthworld manufacturing-town generator on a small world: contract, determinism, truth, export choices, the
town's own mechanics (春节, second card numbers, 异地 identities), and its judge and runner."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.ninthworld.care import fund_of
from benchmarks.ninthworld.judge import main as judge_main
from benchmarks.ninthworld.make import BENIGN, KIND, SCHEMES, build, draw_knobs, make
from benchmarks.ninthworld.export import write_world
from benchmarks.ninthworld.town import DAY, World, present
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

SEED, PERSONS = 4, 2400
EVERYTHING = {
    "rings": list(SCHEMES),
    "benign": list(BENIGN),
    "start": "2024-11-01",
    "months": 8,
    "time_mode": "second",
    "items": True,
    "trace_codes": True,
    "phones": "hash",
    "dual_ids": 0.05,
    "lny_leave": 0.8,
    "drop": [],
}


@pytest.fixture(scope="module")
def built() -> World:
    return build(SEED, PERSONS, override=EVERYTHING)


@pytest.fixture(scope="module")
def world(built: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nw") / "w4"
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
    assert all(4 <= len(draw_knobs(s, 30000)["benign"]) <= 6 for s in range(1, 7))


EXPORTS = [
    {"time_mode": "minute", "time_T": True, "person_ids": "card", "doctor_ids": "cert15", "claim_ids": "venue_year",
     "row_order": "venue", "icd": "nodot", "item_codes": "mixed", "bom": True, "crlf": True, "phones": "masked"},
    {"time_mode": "date", "person_ids": "hash", "claim_ids": "digits18", "row_order": "patient", "items": False,
     "birth_year": True, "dorm_address": "building",
     "drop": ["claims.end_time", "claims.doctor_id", "facilities.kind", "facilities.level", "doctors.facility_id"]},
    {"person_ids": "nat20", "doctor_ids": "hash8", "claim_ids": "year_seq", "icd": "dotted", "item_codes": "local",
     "phones": "none", "drop": ["claims.diagnosis", "persons.region", "facilities.ownership", "claims.account_amount",
                                "claims.holder_id", "persons.address", "claims.terminal_id"]},
]  # fmt: skip


@pytest.mark.parametrize("override", EXPORTS)
def test_validate_accepts_the_world(override: dict, tmp_path: Path) -> None:
    out = tmp_path / "w"
    make(SEED + 1, 900, out, override={**EVERYTHING, "months": 6, **override})
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
    for c in w.claims:
        assert (w.venues[c.venue].kind == "pharmacy") == (c.vtype == "pharmacy")
        assert 0 <= c.start // DAY < w.days
        assert (c.end is not None) == (c.vtype == "inpatient") and (c.end is None or c.end > c.start)
        assert c.end is None or c.end // DAY < w.days
        death = w.persons[c.patient].death
        assert death is None or c.start // DAY <= death  # nobody is billed after death
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


def test_workers_go_home_for_the_new_year_and_the_agency_bills_them_anyway(built: World) -> None:
    w = built
    assert 0 <= w.lny < w.days  # a November-June window holds 春节
    away = [i for i, p in enumerate(w.persons) if p.away]
    assert len(away) > 100
    agency = next(g for g in w.plans if g["scheme"] == "agency_clinic")
    lo, hi = agency["claims"]
    first = max(g["claims"][1] for g in w.plans)  # ordinary care comes after every group's claims
    own = [c for c in w.claims[first:] if w.persons[c.patient].primary < 0 and c.patient in set(away)]
    assert own and all(present(w.persons[c.patient], c.start // DAY) for c in own)  # nobody is seen while home
    home = [c for c in w.claims[lo:hi] if (a := w.persons[c.patient].away) and a[0] <= c.start // DAY < a[1]]
    assert home  # phantom 理疗 keyed while the worker was a thousand kilometres away


def test_a_reenrolled_worker_is_billed_under_his_second_number_from_the_switch(built: World, world: Path) -> None:
    w = built
    twins = [(i, p) for i, p in enumerate(w.persons) if p.alias >= 0]
    assert twins
    for i, p in twins:
        a = w.persons[p.alias]
        assert (a.sex, a.born, a.primary) == (p.sex, p.born, i)
        for c in w.claims:
            if c.patient == i:
                assert c.start // DAY < p.switch
            elif c.patient == p.alias:
                assert c.start // DAY >= p.switch
    both = [(p.pid, w.persons[p.alias].pid) for _, p in twins]
    billed = Counter(r["patient_id"] for r in _rows(world / "claims.csv"))
    assert any(billed[a] and billed[b] for a, b in both)


def test_remote_identities_are_billed_only_the_brokers_stays(built: World, world: Path) -> None:
    w = built
    ring = next(g for g in w.plans if g["scheme"] == "remote_phantom")
    remote = {i for i, p in enumerate(w.persons) if p.role == "remote"}
    assert remote and remote == set(ring["members"])
    lo, hi = ring["claims"]
    assert all(w.claims[n].vtype == "inpatient" for n in range(lo, hi))
    assert all(lo <= n < hi for n, c in enumerate(w.claims) if c.patient in remote)
    regions = {w.persons[i].region for i in remote}
    assert regions == {w.knobs["remote_hometown"]} and w.knobs["region"] not in regions


def test_claim_ids_restart_each_year_per_venue(tmp_path: Path) -> None:
    out = tmp_path / "w"
    make(SEED, 700, out, override={**EVERYTHING, "months": 6, "claim_ids": "venue_year"})
    ids = [r["claim_id"] for r in _rows(out / "claims.csv")]
    assert len(set(ids)) == len(ids)
    assert {i[-8:-6] for i in ids} == {"24", "25"}  # the year after the venue code, then a sequence from 1
    assert sum(i.endswith("000001") for i in ids) > 10


def test_masked_phones_keep_three_and_four_digits(tmp_path: Path) -> None:
    make(
        SEED, 1500, tmp_path / "m", override={**EVERYTHING, "months": 6, "rings": ["payday_goods"], "phones": "masked"}
    )
    phones = [r["phone"] for r in _rows(tmp_path / "m" / "persons.csv") if r["phone"]]
    assert all(len(p) == 11 and p[3:7] == "****" for p in phones)


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
    make(SEED, 900, world, override={**EVERYTHING, "months": 6})
    judge_reads_a_detect_output(world, tmp_path / "out", judge_main, capsys)


def test_run_makes_detects_and_judges_a_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.ninthworld.run import main as run_main

    runner_judges_a_seed(run_main, tmp_path, capsys)


def test_a_resold_box_is_sold_twice(world: Path) -> None:
    codes = Counter(it["trace_code"] for it in _rows(world / "claim_items.csv") if it["trace_code"])
    assert codes and any(n > 1 for n in codes.values())  # the collector's boxes come back to the shelf
