"""The seventhworld 候鸟 地级市 generator on a small world: contract, determinism, truth, and its judge."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.seventhworld.judge import main as judge_main
from benchmarks.seventhworld.make import BENIGN, KIND, SCHEMES, World, build, draw_knobs, make, write_world
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

SEED, PERSONS = 5, 1500
EVERYTHING = {
    "rings": list(SCHEMES),
    "benign": list(BENIGN),
    "start": "2024-11-01",
    "months": 6,
    "time_mode": "second",
    "items": True,
    "trace_codes": True,
    "interim": "segment",
    "rx_split": True,
    "platform": True,
    "drop": [],
}


@pytest.fixture(scope="module")
def built() -> World:
    return build(SEED, PERSONS, override=EVERYTHING)


@pytest.fixture(scope="module")
def world(built: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vn") / "w5"
    write_world(built, out)
    return out


def test_same_seed_gives_byte_identical_files(world: Path, tmp_path: Path) -> None:
    same_seed_same_bytes(lambda out: make(SEED, PERSONS, out, override=EVERYTHING), world, tmp_path)


def test_knobs_do_not_depend_on_size_and_plans_vary() -> None:
    assert draw_knobs(3, 500) == draw_knobs(3, 30000)
    plans = [draw_knobs(s, 30000)["rings"] for s in range(1, 7)]
    assert all(4 <= len(p) <= 8 for p in plans)
    assert len({tuple(p) for p in plans}) > 1
    assert all(len(draw_knobs(s, 30000)["benign"]) >= 3 for s in range(1, 7))


EXPORTS = [
    {"time_mode": "offline", "time_T": True, "person_ids": "idmask", "venue_ids": "subsite", "doctor_ids": "venue_dot",
     "claim_ids": "ts_seq", "row_order": "venue", "icd": "ext"},
    {"time_mode": "date", "person_ids": "b32", "claim_ids": "js_hex", "row_order": "claim_id", "items": False,
     "drop": ["claims.end_time", "claims.doctor_id", "facilities.kind", "facilities.level", "doctors.facility_id"]},
    {"time_mode": "classes", "person_ids": "seq11", "doctor_ids": "gonghao", "claim_ids": "bigint", "interim": "admission",
     "drop": ["claims.diagnosis", "persons.region", "facilities.ownership", "claims.account_amount", "persons.phone",
              "claims.holder_id", "persons.address"]},
]  # fmt: skip


@pytest.mark.parametrize("override", EXPORTS)
def test_validate_accepts_the_world(override: dict, tmp_path: Path) -> None:
    out = tmp_path / "w"
    make(SEED + 1, 600, out, override={**EVERYTHING, "months": 5, **override})
    result = CliRunner().invoke(main, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{out}: valid" in result.stdout
    if override["time_mode"] == "classes":
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
    billed = {r["patient_id"] for r in _rows(world / "claims.csv")}
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
        assert c.start // 86400 < w.days and (c.start >= 0 or c.vtype == "inpatient")  # a stay may begin before
        assert (c.end is not None) == (c.vtype == "inpatient") and (c.end is None or c.end > c.start)
        assert c.end is None or 0 <= c.end // 86400 < w.days  # every settlement inside the window
        death = w.persons[c.patient].death
        assert death is None or c.start // 86400 <= death  # nobody is billed after death
    rows = _rows(world / "claims.csv")
    assert len({r["claim_id"] for r in rows}) == len(rows) >= len(w.claims)  # rx_split: one row per drug line
    for r in rows:
        assert bool(r["facility_id"]) != bool(r["pharmacy_id"])
        assert 0 <= float(r["fund_amount"]) <= float(r["total_amount"])  # the contract refuses negative rows
        datetime.fromisoformat(r["start_time"])
    sums: dict[str, float] = {}
    for it in _rows(world / "claim_items.csv"):
        assert abs(float(it["quantity"]) * float(it["unit_price"]) - float(it["amount"])) < 0.01
        sums[it["claim_id"]] = sums.get(it["claim_id"], 0.0) + float(it["amount"])
    assert all(abs(sums[r["claim_id"]] - float(r["total_amount"])) < 0.02 for r in rows)


def test_snowbirds_are_billed_only_while_present_except_the_rented_cards(built: World) -> None:
    w = built
    rented = {m for g in w.plans if g["scheme"] == "snowbird_cards" for m in g["members"]}
    assert rented
    for c in w.claims:
        p = w.persons[c.patient]
        if p.pop == "bird" and c.patient not in rented and c.vtype != "inpatient":  # a stay may outlast the winter
            assert p.arrive <= c.start // 86400 < p.leave
    away = [
        c
        for c in w.claims
        if c.patient in rented and not (w.persons[c.patient].arrive <= c.start // 86400 < w.persons[c.patient].leave)
    ]
    assert away and all(c.vtype == "pharmacy" for c in away)  # fmt: skip


def test_yigongti_doctors_bill_at_village_clinics(built: World, world: Path) -> None:
    rota = next(g for g in built.plans if g["scheme"] == "village_rota")
    doc = built.doctors[rota["doctors"][0]]
    assert built.venues[doc.venue].cls == "thc"  # registered at the 卫生院
    at = {built.venues[c.venue].cls for c in built.claims if c.doctor == rota["doctors"][0]}
    assert "village" in at


def test_interim_worlds_settle_long_stays_every_30_days(built: World) -> None:
    psych = next(g for g in built.plans if g["scheme"] == "public_psych")
    stays = [c for c in built.claims if c.patient in psych["members"] and c.vtype == "inpatient"]
    assert stays and max((c.end or 0) - c.start for c in stays) <= 31 * 86400


def test_offline_upload_stamps_village_visits_in_the_evening(tmp_path: Path) -> None:
    w = build(SEED, 600, override={**EVERYTHING, "months": 3, "time_mode": "offline"})
    write_world(w, tmp_path / "w")
    ups = [c for c in w.claims if c.upload]
    assert ups and all(17 * 3600 <= c.start % 86400 <= 22 * 3600 for c in ups)


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
    from benchmarks.seventhworld.run import main as run_main

    runner_judges_a_seed(run_main, tmp_path, capsys)
