"""`graphfraud detect --by-region`: a province one pooling region at a time (issue 6)."""

from __future__ import annotations

import copy
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.contract import RINGS_COLUMNS
from graphfraud.analyses.evaluate import evaluate
from graphfraud.params import RunParams
from graphfraud.runs.regions import detect_by_region
from graphfraud.synth import SynthParams, make_world, write_world

# a 196,000-claim world detected three times: plain, by region in child processes (the CLI), by region in-process
pytestmark = pytest.mark.slow

OUTPUTS = [
    "explained.csv",
    "explained_reasons.csv",
    "ring_claims.csv",
    "ring_members.csv",
    "ring_reasons.csv",
    "rings.csv",
    "run.json",
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Every planted ring lives in one district (its venues are local), so splitting must not lose any.

    About 196,000 claims: regions must be big enough for their own peer baselines.
    """
    root = tmp_path_factory.mktemp("regions")
    params = SynthParams(persons=20_000, days=365, seed=5)
    data, labels = make_world(params)
    write_world(data, labels, root / "in", fmt="parquet")
    labels.to_csv(root / "labels.csv", index=False)
    return root, labels


@pytest.fixture(scope="module")
def runs(world):
    root, _ = world
    runner = CliRunner()
    plain = runner.invoke(main, ["detect", str(root / "in"), "--out", str(root / "plain"), "-q"])
    assert plain.exit_code == 0, plain.output
    regional = runner.invoke(
        main, ["detect", str(root / "in"), "--out", str(root / "regional"), "--by-region", "--work", str(root / "work")]
    )
    assert regional.exit_code == 0, regional.output
    return root, plain, regional


_REGION_RUNS: dict[tuple, object] = {}


@pytest.fixture
def run_each_region_once(monkeypatch):
    """In-process by-region runs (``isolate=False``) detect each region of this module's world once.

    ``run_region`` is deterministic: the first call on a region keeps its outcome, later calls get a deep copy.
    The tests that use this check the merge, the reuse of the work dir and the clean-up after an interrupt, not
    the detection itself (``runs`` checks that, in child processes as the CLI runs it, which this does not reach).
    """
    import graphfraud.runs.regions as regions

    real = regions.run_region

    def once(path, name, params, read_params, skip=(), codes=()):
        key = (name, repr(params), repr(read_params), tuple(skip), tuple(codes))
        if key not in _REGION_RUNS:
            _REGION_RUNS[key] = real(path, name, params, read_params, skip, codes)
        return copy.deepcopy(_REGION_RUNS[key])

    monkeypatch.setattr(regions, "run_region", once)
    return _REGION_RUNS


def _found(out, labels):
    rings = pd.read_csv(out / "rings.csv", dtype={"ring_id": str})
    members = pd.read_csv(out / "ring_members.csv", dtype=str)
    e = evaluate(rings, members, labels, top=len(rings))
    return set(e.matches.loc[e.matches["rank"].notna(), "ring_id"]), e


def test_by_region_finds_the_planted_rings_plain_detect_finds(world, runs):
    root, plain, regional = runs
    _, labels = world
    found_plain, _ = _found(root / "plain", labels)
    found_regional, e = _found(root / "regional", labels)
    planted = {r for r in labels.ring_id if not r.startswith("benign:")}
    assert found_regional == found_plain == planted
    assert e.benign_in_top == 0
    assert "rings (" in regional.output and "region 350" in regional.output


def test_by_region_writes_the_files_of_detect(runs):
    root, _, _ = runs
    out = root / "regional"
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS
    rings = pd.read_csv(out / "rings.csv", dtype={"ring_id": str})
    assert list(rings.columns) == [c for c, _ in RINGS_COLUMNS]
    assert rings["rank"].tolist() == list(range(1, len(rings) + 1))
    ordered = rings.sort_values(["score", "ring_id"], ascending=[False, True])
    assert ordered["ring_id"].tolist() == rings["ring_id"].tolist()
    claims = pd.read_csv(out / "ring_claims.csv", dtype=str)
    assert claims.groupby("ring_id").size().reindex(rings.ring_id).tolist() == rings["claims"].tolist()
    assert set(claims.claim_id) <= set(
        pq.read_table(root / "in" / "claims.parquet", columns=["claim_id"]).column("claim_id").to_pylist()
    )
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    regions = run["by_region"]["regions"]
    assert [r["region"] for r in regions] == sorted(r["region"] for r in regions) and len(regions) == 6
    assert all(r["seconds"] > 0 and r["peak_memory_gb"] > 0 for r in regions)
    assert "own peers" in run["by_region"]["note"]
    assert run["rings"] == len(rings) and {"split", "regions (wall)", "merge", "score"} <= set(run["timings_s"])
    assert set(run["inputs"]) >= {"claims.parquet", "persons.parquet"}


def test_merge_dedupes_overlapping_rings_and_keeps_the_better(world, tmp_path, run_each_region_once):
    # The same region twice: every ring appears twice; the merge keeps one of each, ranks renumbered.
    root, _ = world
    import graphfraud.runs.regions as regions

    once, _ = detect_by_region(root / "in", tmp_path / "once", work=root / "work", isolate=False)
    outcomes = [
        regions.run_region(str(root / "work" / "regions" / "350203"), "350203", RunParams(), *args)
        for args in [(regions.ReadParams(),)] * 2
    ]
    merged, _ = regions.merge_regions(outcomes)
    assert [r.ring_id for r in merged.rings] == [r.ring_id for r in outcomes[0].rings]
    assert [r.rank for r in merged.rings] == list(range(1, len(merged.rings) + 1))
    assert len(once.rings) == len({r.ring_id for r in once.rings})


def test_work_dir_is_reused_and_an_interrupted_run_leaves_no_output(
    world, runs, tmp_path, monkeypatch, run_each_region_once
):
    root, _, _ = runs
    import graphfraud.runs.regions as regions

    messages: list[str] = []
    out = tmp_path / "out"
    out.mkdir()
    (out / "rings.csv").write_text("previous\n")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(regions, "merge_regions", interrupted)
    with pytest.raises(KeyboardInterrupt):
        detect_by_region(root / "in", out, work=root / "work", isolate=False, log=messages.append)
    assert any("reusing the regions" in m for m in messages)
    assert (out / "rings.csv").read_text() == "previous\n"
    with pytest.raises(KeyboardInterrupt):
        detect_by_region(root / "in", tmp_path / "fresh", isolate=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no OUT, no temporary directory left


def test_a_region_that_breaks_the_contract_fails_cleanly(world, tmp_path):
    root, _ = world
    src = tmp_path / "in"
    write_world(*make_world(SynthParams(persons=600, days=40, seed=2, plant=("staged_clinic",))), src, fmt="parquet")
    claims = pq.read_table(src / "claims.parquet")
    patients = claims.column("patient_id").to_pylist()
    patients[5] = "NOBODY"
    pq.write_table(
        claims.set_column(claims.schema.get_field_index("patient_id"), "patient_id", pa.array(patients, pa.string())),
        src / "claims.parquet",
    )
    result = CliRunner().invoke(main, ["detect", str(src), "--out", str(tmp_path / "out"), "--by-region", "-q"])
    assert result.exit_code == 1
    assert "regions/35020" in result.output and "claims.parquet" in result.output and "NOBODY" in result.output
    assert not (tmp_path / "out").exists()


def test_work_without_by_region_is_a_usage_error(world, tmp_path):
    root, _ = world
    result = CliRunner().invoke(main, ["detect", str(root / "in"), "--out", str(tmp_path / "o"), "--work", "w"])
    assert result.exit_code == 2 and "--work is only used with --by-region" in result.output
    result = CliRunner().invoke(
        main, ["detect", str(root / "in"), "--out", str(tmp_path / "o"), "--by-region", "--spark-master", "local[2]"]
    )
    assert result.exit_code == 2 and "need --engine spark" in result.output and not (tmp_path / "o").exists()
    help_text = CliRunner().invoke(main, ["detect", "--help"]).output
    assert "--by-region" in help_text and "graphfraud detect exports/fujian-2024" in help_text
