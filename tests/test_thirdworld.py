"""The independent thirdworld county generator, its judge and its report on a small world (~20 s)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from benchmarks.thirdworld.judge import judge, judge_dirs
from benchmarks.thirdworld.export import write_world
from benchmarks.thirdworld.make import build, make
from benchmarks.thirdworld.model import World
from benchmarks.thirdworld.report import report
from graphfraud.cli import main

REPO = Path(__file__).resolve().parent.parent
SEED, PERSONS = 1, 2000
KINDS = {"staged_clinic", "card_collector", "induced_admission", "kickback"}


@pytest.fixture(scope="module")
def built() -> World:
    return build(SEED, PERSONS)


@pytest.fixture(scope="module")
def world(built: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tw") / "w1"
    write_world(built, out)
    return out


def _truth(world: Path) -> dict:
    return json.loads((world / "truth.json").read_text(encoding="utf-8"))


def _write_output(out: Path, rings: list[tuple[str, str, list[str]]]) -> Path:
    """A detect output by hand: (ring_id, typology, person ids) best first, contract columns only."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "rings.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "rank",
                "ring_id",
                "score",
                "alert",
                "typology",
                "persons",
                "doctors",
                "facilities",
                "pharmacies",
                "claims",
                "fund_amount",
                "reasons",
            ]
        )
        for n, (rid, typ, ps) in enumerate(rings, 1):
            w.writerow([n, rid, 100 - n, "red", typ, len(ps), 0, 0, 0, 0, "0.00", "hand-made"])
    with (out / "ring_members.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["ring_id", "entity_type", "entity_id", "role", "score"])
        for rid, _, ps in rings:
            for p in ps:
                w.writerow([rid, "person", p, "recruit", "1.0"])
    return out


def test_same_seed_gives_byte_identical_files(world: Path, tmp_path: Path) -> None:
    make(SEED, PERSONS, tmp_path / "again")
    names = sorted(p.name for p in world.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "again").iterdir())
    assert {"persons.csv", "facilities.csv", "pharmacies.csv", "doctors.csv", "claims.csv", "truth.json"} <= set(names)
    for name in names:
        assert (tmp_path / "again" / name).read_bytes() == (world / name).read_bytes(), name


def test_validate_accepts_the_world(world: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(world)])  # in-process: no interpreter start per test
    assert result.exit_code == 0, result.output
    assert f"{world}: valid" in result.stdout


def test_truth_is_consistent_with_the_tables(world: Path) -> None:
    truth = _truth(world)
    with (world / "persons.csv").open(encoding="utf-8-sig", newline="") as f:
        pids = {r["person_id"] for r in csv.DictReader(f)}
    seen: set[str] = set()
    assert 5 <= len(truth["rings"]) <= 9
    for g in truth["rings"] + truth["benign"]:
        assert set(g["core"]) <= set(g["persons"]) <= pids, g["id"]
        assert not seen & set(g["persons"]), f"{g['id']} shares persons with another group"
        seen |= set(g["persons"])
    assert {g["kind"] for g in truth["rings"]} <= KINDS
    assert all(g["core"] and g["params"]["scheme"] for g in truth["rings"])


def test_claims_follow_the_contract_meaning(world: Path) -> None:
    with (world / "claims.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    kinds = {r["visit_type"] for r in rows}
    assert {"outpatient", "inpatient", "pharmacy"} <= kinds <= {"outpatient", "inpatient", "pharmacy", "chronic"}
    for r in rows:
        assert bool(r["pharmacy_id"]) == (r["visit_type"] == "pharmacy"), r["claim_id"]
        assert bool(r["facility_id"]) != bool(r["pharmacy_id"]), r["claim_id"]
        assert 0 <= float(r["fund_amount"]) <= float(r["total_amount"]), r["claim_id"]
        if r["visit_type"] == "inpatient" and r.get("end_time"):
            assert r["end_time"][:10] > r["start_time"][:10], r["claim_id"]


def test_only_planted_persons_have_claims_after_death(built: World) -> None:
    w = built
    planted = {i for g in w.rings for i in g.core}
    after = {c.patient for c in w.claims if (d := w.persons[c.patient].death) is not None and c.start.date() > d}
    assert after <= planted
    schemes = {g.params["scheme"] for g in w.rings}
    if schemes & {"ghost_patients", "village_cards"}:
        assert after, "ghost identities and dead villagers' cards are billed after death"


def test_judge_scores_a_perfect_output_as_all_found(world: Path, tmp_path: Path) -> None:
    truth = _truth(world)
    out = _write_output(
        tmp_path / "perfect", [(f"X{n}", g["kind"], g["persons"]) for n, g in enumerate(truth["rings"])]
    )
    res = judge_dirs(world, out)
    assert res["found"] == len(truth["rings"]) and res["missed"] == res["fragmented"] == 0
    assert res["typology_right"] == len(truth["rings"])
    assert (res["precision"], res["recall"], res["f1"]) == (1.0, 1.0, 1.0)
    assert res["benign_in_top_k"] == 0 and res["noise"] == []


def test_judge_scores_an_empty_output_as_all_missed(world: Path, tmp_path: Path) -> None:
    res = judge_dirs(world, _write_output(tmp_path / "empty", []))
    assert res["missed"] == len(_truth(world)["rings"]) and res["found"] == res["fragmented"] == 0
    assert res["f1"] == 0.0 and res["benign_in_top_k"] == 0


def test_judge_fragmented_wrong_typology_and_benign() -> None:
    core = [f"{i:010d}" for i in range(1, 11)]  # zero-padded ids stay strings
    truth = {
        "rings": [
            {"id": "R1", "kind": "staged_clinic", "persons": core, "core": core, "params": {"scheme": "x"}},
            {"id": "R2", "kind": "kickback", "persons": ["k1", "k2"], "core": ["k1", "k2"], "params": {}},
        ],
        "benign": [
            {
                "id": "benign:dialysis-1",
                "kind": "dialysis",
                "persons": ["d1", "d2", "d3", "d4", "d5", "d6", "d7"],
                "params": {},
            }
        ],
    }
    rings = [
        {"rank": str(n), "ring_id": f"X{n}", "typology": t}
        for n, t in enumerate(["staged_clinic", "card_collector", "other"], 1)
    ]
    members = {"X1": set(core[:4]), "X2": set(core[4:8]) | {"k1", "k2"}, "X3": {"d1", "d2", "d3", "n1"}}
    res = judge(truth, rings, members)
    r1, r2 = res["planted"]
    assert r1["status"] == "fragmented" and r1["top_k_hold"] == 8
    assert r2["status"] == "found" and not r2["typology_right"]
    assert res["benign_in_top_k"] == 1 and res["benign"][0]["rings"][0]["rank"] == 3
    assert res["recall"] == round(10 / 12, 3) and res["precision"] == round(10 / 14, 3)
    assert res["noise"][0]["rank"] == 3 and res["noise"][0]["benign_groups"] == {"benign:dialysis-1": 3}


def test_report_lists_failures_and_crashes(world: Path, tmp_path: Path) -> None:
    truth = _truth(world)
    res = judge_dirs(world, _write_output(tmp_path / "empty", []))
    crash = {
        "cmd": "graphfraud.cli detect W --out O",
        "rc": 1,
        "seconds": 1.0,
        "outcome": "crash",
        "lenient": False,
        "stderr_tail": "Traceback (most recent call last):\nValueError: boom",
    }
    ok = {**crash, "rc": 0, "outcome": "ok", "stderr_tail": ""}
    recs = [
        {"seed": 1, "knobs": truth["knobs"], "summary": truth["summary"], "detect": [ok], "judge": res},
        {"seed": 2, "knobs": truth["knobs"], "summary": truth["summary"], "detect": [crash], "judge": None},
    ]
    text = report(recs)
    assert f"0 of {len(truth['rings'])} rings found" in text
    assert all(f"seed 1 {g['id']}" in text for g in truth["rings"])
    assert "ValueError: boom" in text and "detect crash" in text


# Finding of the thirdworld runs (seed 2, time mode `village_dates`): a county export where village clinics record
# dates only while hospitals record times. The claims table is then "minute resolution" (not all at midnight), and
# detect scores the village clinic's date-only claims as arrivals at 00:00: "median 0.0 min between consecutive
# member arrivals" and "100% of ring claims before 07:00 or after 19:00" on a monthly family-doctor day. The
# contract says minute signals are never computed as if everyone arrived at 00:00. Ten persons, one village clinic
# (dates only, the 5th of six months), forty hospital patients with times.
MIXED = REPO / "tests" / "data" / "thirdworld_mixed_resolution"


@pytest.fixture(scope="module")
def mixed_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    out = tmp_path_factory.mktemp("mixed") / "out"
    return CliRunner().invoke(main, ["detect", str(MIXED), "--out", str(out)]), out


def test_detect_accepts_mixed_resolution_claims(mixed_out: tuple[Result, Path]) -> None:
    result, out = mixed_out
    assert result.exit_code == 0, result.output
    assert (out / "rings.csv").exists()


def test_date_only_claims_get_no_minute_signals(mixed_out: tuple[Result, Path]) -> None:
    _, out = mixed_out
    with (out / "rings.csv").open(encoding="utf-8-sig", newline="") as f:
        reasons = [r["reasons"] for r in csv.DictReader(f)]
    assert not [x for x in reasons if "before 07:00" in x or "median 0.0 min between" in x], reasons


def test_run_json_records_the_date_only_venues(mixed_out: tuple[Result, Path]) -> None:
    _, out = mixed_out
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["time_resolution"] == "mixed"
    assert run["date_only"] == {"venues": 1, "claims": 60}  # the village clinic H01, ten persons on six days


def test_every_scheme_and_benign_kind_can_be_planted() -> None:
    from benchmarks.thirdworld.benign import GROUPS
    from benchmarks.thirdworld.schemes import KIND, SCHEMES

    w = build(SEED, PERSONS, override={"rings": list(SCHEMES), "benign": list(GROUPS)})
    assert [g.params["scheme"] for g in w.rings] == list(SCHEMES)
    for g in w.rings:
        assert g.kind == KIND[g.params["scheme"]] and len(g.core) >= 3, (g.id, len(g.core))
        assert any(c.patient in set(g.core) for c in w.claims), g.id
    assert [g.kind for g in w.benign] == list(GROUPS) and all(len(g.persons) >= 3 for g in w.benign)
    ghosts = next(g for g in w.rings if g.params["scheme"] == "ghost_patients")
    assert all(w.persons[i].death or w.persons[i].away for i in ghosts.core)
