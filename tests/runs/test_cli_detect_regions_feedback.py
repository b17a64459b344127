"""`detect --by-region` with `--previous` and `--cases`, and the rows its split skips (a small world, 6 regions)."""

from __future__ import annotations

import hashlib
import json
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.analyses.evaluate import evaluate

pytestmark = pytest.mark.slow  # six by-region runs of small worlds (~1 min on 2 idle cores)


def _detect(data, out, *extra):
    result = CliRunner().invoke(main, ["detect", str(data), "--out", str(out), "--by-region", *extra])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """About 30,000 claims over 150 days in six regions, 2 groups of every kind (8 fraud rings, 8 benign)."""
    root = tmp_path_factory.mktemp("regions-feedback")
    result = CliRunner().invoke(
        main, ["synth", str(root / "in"), "--persons", "6000", "--days", "150", "--rings", "2", "-q"]
    )
    assert result.exit_code == 0, result.output
    _detect(root / "in", root / "first", "-q")
    return root


def _cases(root, first):
    """Verdicts on the first run's rings: planted fraud confirmed, but the kickback ring dismissed (as if the
    investigators had found the referrals legitimate); the groups set apart as legitimate care dismissed."""
    labels = pd.read_csv(root / "in" / "labels.csv", dtype=str)
    rings = pd.read_csv(first / "rings.csv", dtype={"ring_id": str})
    members = pd.read_csv(first / "ring_members.csv", dtype=str)
    matches = evaluate(rings, members, labels, top=len(rings)).matches.dropna(subset=["rank"])
    planted = dict(zip(rings.set_index("rank").loc[matches["rank"].astype(int), "ring_id"], matches.typology))
    verdicts = [(r, "confirmed" if planted.get(r, "kickback") != "kickback" else "dismissed") for r in rings.ring_id]
    verdicts += [(r, "dismissed") for r in pd.read_csv(first / "explained.csv", dtype={"ring_id": str}).ring_id]
    return pd.DataFrame([("ring", r, v) for r, v in verdicts], columns=["entity_type", "entity_id", "verdict"])


def test_previous_and_cases_work_on_the_merged_rings(world, tmp_path):
    first = world / "first"
    previous = tmp_path / "previous"
    shutil.copytree(first, previous)
    members = pd.read_csv(previous / "ring_members.csv", dtype=str, keep_default_na=False)
    top = pd.read_csv(previous / "rings.csv", dtype=str).ring_id.iloc[0]
    persons = members[(members.ring_id == top) & (members.entity_type == "person")].entity_id
    recruits = sorted(persons)[:2]  # the previous run had not seen these two recruits
    members[~((members.ring_id == top) & members.entity_id.isin(recruits))].to_csv(
        previous / "ring_members.csv", index=False
    )
    run = json.loads((previous / "run.json").read_text(encoding="utf-8"))
    assert run["claims_period"] == {"from": "2024-01-01", "to": "2024-05-29"}  # by-region records it for --previous
    run["claims_period"]["to"] = "2024-03-31"  # as if the previous export had ended in March
    (previous / "run.json").write_text(json.dumps(run), encoding="utf-8")
    cases = _cases(world, first)
    assert (cases.verdict == "confirmed").sum() >= 3 and (cases.verdict == "dismissed").sum() >= 3
    cases.to_csv(tmp_path / "cases.csv", index=False)

    out = tmp_path / "out"
    result = _detect(world / "in", out, "--previous", str(previous), "--cases", str(tmp_path / "cases.csv"))
    n_rings = len(pd.read_csv(first / "rings.csv", dtype=str))
    assert f"lineage: {n_rings - 1} continuing, 1 grown" in result.stderr and "learned from" in result.stderr

    # lineage: the merged rings linked to the previous run's, by shared persons
    lineage = pd.read_csv(out / "lineage.csv", dtype=str, keep_default_na=False).set_index("ring_id")
    row = lineage.loc[top]
    assert (row.previous_ring_id, row.status, row.members_added, row.case_status) == (top, "grown", "2", "confirmed")
    assert set(lineage.drop(index=top).status) == {"continuing"}
    claims = pd.read_csv(world / "in" / "claims.csv", dtype={"claim_id": str}, parse_dates=["start_time"])
    ring_claims = pd.read_csv(out / "ring_claims.csv", dtype=str).merge(claims, on="claim_id")
    after = ring_claims[ring_claims.start_time >= "2024-04-01"].groupby("ring_id")["fund_amount"].sum()
    since = lineage["fund_since_previous"].astype(float)
    assert since.round(2).to_dict() == after.reindex(since.index, fill_value=0.0).round(2).to_dict()
    fund = pd.read_csv(out / "rings.csv", dtype={"ring_id": str}).set_index("ring_id").fund_amount
    assert since.gt(0).sum() >= 5 and (since < fund.reindex(since.index)).all()  # only April and May count

    # one model learned from the verdicts of all regions re-ranks the merged list
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    learned = run["learned"]
    assert learned["model_sha256"] == hashlib.sha256((out / "model.pkl").read_bytes()).hexdigest()
    judged = set(cases.entity_id)
    assert learned["rings_with_verdict"] == len(judged) and learned["confirmed"] + learned["dismissed"] == len(judged)
    assert "--previous and --cases apply to that merged list" in run["by_region"]["note"]
    rings = pd.read_csv(out / "rings.csv", dtype={"ring_id": str})
    before = pd.read_csv(first / "rings.csv", dtype={"ring_id": str})
    assert set(rings.ring_id) == set(before.ring_id)  # the same merged rings, re-scored
    assert rings.reasons.str.startswith("learned from").all()
    assert rings["rank"].tolist() == list(range(1, len(rings) + 1)) and rings.score.is_monotonic_decreasing
    ranks = rings.merge(before, on="ring_id", suffixes=("", "_rule")).set_index("ring_id")
    dismissed = ranks.index[ranks.index.isin(cases.entity_id[cases.verdict == "dismissed"])]
    assert len(dismissed) >= 1 and (ranks.loc[dismissed, "rank"] > ranks.loc[dismissed, "rank_rule"]).all()
    passed = ranks[
        (ranks.rank_rule > ranks.loc[dismissed[0], "rank_rule"]) & (ranks["rank"] < ranks.loc[dismissed[0], "rank"])
    ]
    assert len(passed) >= 1  # a confirmed ring the rule ranked below the dismissed one now ranks above it


def test_a_previous_folder_without_rings_fails_before_the_regions_run(world, tmp_path):
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(
        main,
        [
            "detect",
            str(world / "in"),
            "--out",
            str(tmp_path / "out"),
            "--by-region",
            "--previous",
            str(tmp_path / "empty"),
        ],
    )
    assert result.exit_code == 1 and "rings.csv: missing from" in result.output
    assert "splitting" not in result.output and not (tmp_path / "out").exists()


def test_rows_the_split_skips_are_counted_and_told(tmp_path):
    data = tmp_path / "in"
    result = CliRunner().invoke(
        main, ["synth", str(data), "--persons", "600", "--days", "40", "--seed", "2", "--plant", "staged_clinic", "-q"]
    )
    assert result.exit_code == 0, result.output
    lines = (data / "claims.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10:10] = ["S-BROKEN-1,only,three\n", "S-BROKEN-2,x\n"]  # wrong number of fields: dropped by the split
    (data / "claims.csv").write_text("".join(lines), encoding="utf-8")
    refused = CliRunner().invoke(main, ["detect", str(data), "--out", str(tmp_path / "o"), "--by-region", "-q"])
    assert refused.exit_code == 1 and "claims.csv" in refused.output  # without --lenient nothing is skipped

    work = tmp_path / "work"
    for attempt in ("split", "reused"):  # a reused split still knows what it dropped
        out = tmp_path / attempt
        result = _detect(data, out, "--lenient", "--work", str(work))
        assert "warning: skipped 2 rows of claims.csv: wrong number of fields" in result.stderr
        run = json.loads((out / "run.json").read_text(encoding="utf-8"))
        assert run["skipped"]["claims.csv"] == {"wrong number of fields": 2}
    assert "reusing the regions" in result.stderr
    plain = CliRunner().invoke(main, ["detect", str(data), "--out", str(tmp_path / "plain"), "--lenient", "-q"])
    assert plain.exit_code == 0, plain.output
    assert (
        json.loads((tmp_path / "plain" / "run.json").read_text())["skipped"]["claims.csv"]
        == run["skipped"]["claims.csv"]
    )
