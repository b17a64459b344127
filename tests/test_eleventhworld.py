"""The eleventhworld new-district generator on a small world: contract, determinism, truth, export choices, the
district's own mechanics (online visits past midnight, a 互联网医院's doctors registered at its hospital, 门诊共济
holders, 长护险 billed after death, DRG stays without fee lines, ids of two formats), and its judge and runner."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.eleventhworld.care import fund_of
from benchmarks.eleventhworld.district import DAY, World
from benchmarks.eleventhworld.export import write_world
from benchmarks.eleventhworld.judge import main as judge_main
from benchmarks.eleventhworld.make import BENIGN, KIND, SCHEMES, build, draw_knobs, make
from benchmarks.thirdworld.judge import judge_dirs
from graphfraud.cli import main
from tests.generators import (
    judge_reads_a_detect_output,
    runner_judges_a_seed,
    same_seed_same_bytes,
    truth_matches_world,
)
from tests.generators import rows as _rows
from tests.generators import truth as _truth
from tests.test_thirdworld import _write_output as _output  # a hand-made detect output, contract columns

SEED, PERSONS = 4, 2000
EVERYTHING = {
    "rings": list(SCHEMES),
    "benign": list(BENIGN),
    "start": "2024-11-01",
    "months": 8,
    "time_mode": "second",
    "items": True,
    "drg_items": True,
    "phones": "hash",
    "person_ids": "psn20",
    "claim_ids": "platform",
    "drop": [],
}


@pytest.fixture(scope="module")
def built() -> World:
    return build(SEED, PERSONS, override=EVERYTHING)


@pytest.fixture(scope="module")
def world(built: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("el") / "w4"
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
    {"time_mode": "t_second", "person_ids": "mixed", "claim_ids": "setl", "row_order": "venue", "icd": "dotted",
     "bom": True, "crlf": True, "drg_items": False},
    {"time_mode": "date", "person_ids": "ecard", "claim_ids": "hex", "row_order": "claim_id", "items": False,
     "birth_year": True, "drop": ["claims.end_time", "claims.doctor_id", "facilities.kind", "doctors.facility_id"]},
    {"time_mode": "minute", "person_ids": "psn20", "claim_ids": "platform", "row_order": "patient", "phones": "none",
     "drop": ["claims.diagnosis", "persons.region", "claims.account_amount", "claims.holder_id", "persons.address",
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


def test_every_scheme_costs_the_insurance(built: World) -> None:
    for g in built.plans:
        if g["ring"]:
            lo, hi = g["claims"]
            paid = [sum(fund_of(built, c, sum(q * p for _, q, p in c.items))) for c in built.claims[lo:hi]]
            assert paid and sum(paid) > 10 * len(paid), g["id"]


def test_claims_follow_the_contract(built: World, world: Path) -> None:
    w = built
    for c in w.claims:
        assert (w.venues[c.venue].kind == "pharmacy") == (c.vtype == "pharmacy")
        assert 0 <= c.start // DAY < w.days
        assert (c.end is not None) == (c.vtype == "inpatient") and (c.end is None or c.end > c.start)
        assert c.end is None or c.end // DAY < w.days
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


def test_only_rings_bill_the_dead(built: World) -> None:
    w = built
    phantom = next(g for g in w.plans if g["scheme"] == "ltc_phantom")
    lo, hi = phantom["claims"]
    after = [c for c in w.claims[lo:hi] if (d := w.persons[c.patient].death) is not None and c.start // DAY > d]
    dead = [i for i in phantom["members"] if w.persons[i].death is not None and w.persons[i].death < w.days - 10]
    assert after or not dead  # the agency bills home care after the elder died
    first = max(g["claims"][1] for g in w.plans)  # ordinary care comes after every group's claims
    for c in w.claims[first:]:
        d = w.persons[c.patient].death
        assert d is None or c.start // DAY <= d


def test_online_visits_are_dated_after_midnight_and_keep_their_hospital_doctors(built: World, world: Path) -> None:
    w = built
    net = [i for i, v in enumerate(w.venues) if v.cls == "net"]
    online = [c for c in w.claims if c.venue in net]
    assert online and any(c.start % DAY < 2 * 3600 for c in online)  # after midnight: the next day's date
    base = w.venues[net[0]].base
    assert all(c.doctor is None or w.doctors[c.doctor].venue == base for c in online)
    facs = {r["facility_id"] for r in _rows(world / "claims.csv") if r["terminal_id"] == "ONLINE"}
    docs = {r["doctor_id"]: r["facility_id"] for r in _rows(world / "doctors.csv")}
    online_docs = {r["doctor_id"] for r in _rows(world / "claims.csv") if r["facility_id"] == w.venues[net[0]].vid}
    assert w.venues[net[0]].vid in facs and online_docs
    assert all(docs[d] == w.venues[base].vid for d in online_docs if d)  # registered at the entity hospital


def test_account_pooling_holders_are_ring_members_in_the_truth(built: World, world: Path) -> None:
    ring = next(g for g in _truth(world)["rings"] if g["params"]["scheme"] == "account_pooling")
    members = set(ring["persons"])
    rows = [r for r in _rows(world / "claims.csv") if r["holder_id"] in members and r["patient_id"] in members]
    assert rows and {r["holder_id"] for r in rows} <= set(ring["core"])
    assert all(float(r["fund_amount"]) == 0 and float(r["account_amount"]) > 0 for r in rows)
    assert len({r["patient_id"] for r in rows}) <= 8 < len({r["holder_id"] for r in rows})


def test_holders_leave_the_core_when_the_export_drops_holder_id(tmp_path: Path) -> None:
    out = tmp_path / "w"
    make(SEED, 700, out, override={**EVERYTHING, "months": 6, "drop": ["claims.holder_id"]})
    ring = next(g for g in _truth(out)["rings"] if g["params"]["scheme"] == "account_pooling")
    patients = {r["patient_id"] for r in _rows(out / "claims.csv")}
    assert set(ring["core"]) <= patients and len(ring["core"]) <= 8 < len(ring["persons"])


def test_drg_stays_without_fee_lines_and_two_id_formats(tmp_path: Path) -> None:
    out = tmp_path / "w"
    make(SEED, 700, out, override={**EVERYTHING, "months": 6, "drg_items": False, "person_ids": "mixed",
                                   "time_mode": "t_second"})  # fmt: skip
    claims = _rows(out / "claims.csv")
    lined = {r["claim_id"] for r in _rows(out / "claim_items.csv")}
    stays = [r for r in claims if r["visit_type"] == "inpatient"]
    assert stays and not any(r["claim_id"] in lined for r in stays)
    assert all(r["claim_id"] in lined for r in claims if r["visit_type"] != "inpatient")
    assert all("T" in r["start_time"] for r in claims)
    ids = {r["person_id"]: r["region"] for r in _rows(out / "persons.csv")}
    local = [i for i, reg in ids.items() if reg == "330110" or len(i) == 12]
    assert {len(i) for i in ids} == {12, 20} and all(len(i) == 12 for i in local)


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
    from benchmarks.eleventhworld.run import main as run_main

    runner_judges_a_seed(run_main, tmp_path, capsys)
