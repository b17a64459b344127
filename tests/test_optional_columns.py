"""Every optional column of the data contract may be absent (issue 14), and run.json says what that switched off (issue 17).

A small synth world is written once; each case drops one optional column (or
the claim_items table) and runs ``detect`` through the CLI, then ``export``
(xlsx), ``evidence`` (one pack) and the Neo4j parameter-row builders on the
result.  A live ``load`` of a couple of such worlds is in
tests/neo4j/test_optional_columns_live.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.contract import INPUT_TABLES
from graphfraud.io.read import read_claims_dir
from graphfraud.io.rings import read_rings
from graphfraud.neo4j.bulk import import_frames
from graphfraud.neo4j.load import load_rows
from graphfraud.neo4j.writeback import covisited_rows, members_rows, rings_rows, visited_rows
from graphfraud.signals import SIGNALS

#: "One of" columns: a claim has exactly one of them, so neither can be absent from a file with both kinds.
ONE_OF = {"claims.facility_id", "claims.pharmacy_id"}
#: Extra columns synth does not write (birth_year stands in for birth_date; visit_id is the nhsa mdtrt_id).
EXTRA = {"persons.birth_year", "claims.visit_id"}
OPTIONAL = [f"{t.name}.{c.name}" for t in INPUT_TABLES for c in t.columns if not c.required
            if f"{t.name}.{c.name}" not in ONE_OF]  # fmt: skip
CASES = OPTIONAL + ["claim_items"]


def drop(world: Path, dest: Path, what: str | list[str]) -> Path:
    """A copy of ``world`` without the optional columns (``table.column``) or tables (``table``) named."""
    shutil.copytree(world, dest)
    (dest / "labels.csv").unlink()
    for name in [what] if isinstance(what, str) else what:
        table, _, column = name.partition(".")
        file = dest / f"{table}.csv"
        if not column:
            file.unlink()
            continue
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        frame.drop(columns=[column]).to_csv(file, index=False)
    return dest


def needing(name: str) -> set[str]:
    """Signals whose needs (or reduced needs) name the column or table ``name``."""

    def names(need: str) -> set[str]:
        return {part.partition("=")[0] for part in need.split("|")}

    out = set()
    for s in SIGNALS.values():
        if s.used_by == ("peers",):
            continue  # detect reports the signals of detection, scoring and benign explanations
        for need in list(s.needs) + [n for n, _ in s.reduced]:
            # a need met by either of two columns ("A|B") is still met when one of them is dropped
            if name in names(need) and "|" not in need:
                out.add(s.name)
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("optional") / "world"
    result = CliRunner().invoke(main, ["synth", str(out), "--persons", "1500", "--days", "90", "--seed", "3", "-q"])
    assert result.exit_code == 0, result.output
    return out


def test_every_optional_column_is_dropped_by_some_case(world: Path) -> None:
    written = {f"{t.name}.{c}" for t in INPUT_TABLES for c in pd.read_csv(world / f"{t.name}.csv", nrows=0).columns}
    assert set(OPTIONAL) <= written  # synth writes every optional column, so each case really drops one
    assert {f"{t.name}.{c.name}" for t in INPUT_TABLES for c in t.columns + t.extra if not c.required} == set(
        OPTIONAL
    ) | ONE_OF | EXTRA


def detect(data_dir: Path, out: Path) -> tuple[dict, str]:
    result = CliRunner().invoke(main, ["detect", str(data_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads((out / "run.json").read_text(encoding="utf-8")), result.output


@pytest.mark.slow  # about 3 s per case: the evidence pack's PDF
@pytest.mark.parametrize("name", CASES)
def test_detect_export_evidence_and_rows_without(name: str, world: Path, tmp_path: Path) -> None:
    data_dir = drop(world, tmp_path / "data", name)
    out = tmp_path / "out"
    run, output = detect(data_dir, out)

    # run.json names every signal that needs the dropped column, off or reduced, with the column as the reason
    affected = needing(name)
    named = run["signals_off"] | run["signals_reduced"]
    assert affected <= set(named), name
    for signal in affected:
        assert name in named[signal]
    if run["signals_off"]:
        assert "signals off: " in output

    rings = pd.read_csv(out / "rings.csv", dtype={"ring_id": str})
    assert len(rings) >= 1  # every such world still has the planted rings the other signals find
    reasons = pd.read_csv(out / "ring_reasons.csv", dtype={"ring_id": str})
    scored = set(reasons.loc[reasons["points"] > 0, "code"])
    assert not scored & set(run["signals_off"])  # a signal switched off never adds points

    result = CliRunner().invoke(main, ["export", str(out), "-q"])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out / "rings.xlsx", read_only=True).worksheets[0]
    assert sheet.max_row == len(rings) + 1

    dest = tmp_path / "evidence"
    result = CliRunner().invoke(main, ["evidence", str(out), "--top", "1", "--dest", str(dest), "-q"])
    assert result.exit_code == 0, result.output
    ring = rings["ring_id"].iloc[0]
    result = CliRunner().invoke(main, ["verify", str(dest / f"{ring}.zip")])
    assert result.exit_code == 0, result.output

    data = read_claims_dir(data_dir)
    rows = load_rows(data)
    assert len(rows["claims"]) == len(data.claims) and len(rows["persons"]) == len(data.persons)
    if name == "persons.phone":
        assert rows["phones"] == []
    if name == "persons.address":
        assert rows["addresses"] == []
    assert sum(f.rows for f in import_frames(data)) > 0
    frame, members, run_id = read_rings(str(out))
    assert [r["ring_id"] for r in rings_rows(frame, run_id=run_id)] == rings["ring_id"].tolist()
    assert sum(len(v) for v in members_rows(members).values()) == len(members)
    assert visited_rows(data.claims, members) and isinstance(covisited_rows(data.claims, members), list)


def test_every_optional_column_absent_at_once_and_dates_only(world: Path, tmp_path: Path) -> None:
    """The barest export the contract allows: required columns only, no fee lines, no time of day."""
    data_dir = drop(world, tmp_path / "data", OPTIONAL + ["claim_items"])
    claims = pd.read_csv(data_dir / "claims.csv", dtype=str, keep_default_na=False)
    claims["start_time"] = claims["start_time"].str[:10]
    claims.to_csv(data_dir / "claims.csv", index=False)
    out = tmp_path / "out"
    run, output = detect(data_dir, out)
    assert run["time_resolution"] == "day"
    off = run["signals_off"]
    assert off["off_hours"] == off["arrival_gap"] == "dates only: claims.start_time has no time of day"
    assert off["shared_phone"] == "persons.phone absent or empty; persons.address absent or empty"
    assert off["out_of_region"] == (
        "persons.region absent or empty; facilities.region absent or empty and pharmacies.region absent or empty"
    )
    assert off["dup_trace"] == "claim_items.trace_code absent or empty"
    assert off["high_value"] == "no fee lines (claim_items absent or empty)"
    assert off["steering"].startswith("claims.doctor_id absent or empty: ")
    assert "kickback" in off["steering"]
    assert "covisit" in run["signals_reduced"] and "cost_ratio" in run["signals_reduced"]
    assert {"covisit", "coadmit", "lockstep", "money"} <= set(run["signals_on"])
    assert output.count("signals off: ") == 1
    reasons = pd.read_csv(out / "ring_reasons.csv", dtype={"ring_id": str})
    assert not set(reasons.loc[reasons["points"] > 0, "code"]) & set(off)  # a signal switched off never adds points
    person = pd.read_csv(data_dir / "persons.csv", dtype=str)["person_id"].iloc[0]
    seeds = tmp_path / "known.csv"
    seeds.write_text(f"entity_type,entity_id\nperson,{person}\n", encoding="utf-8")
    for args in (
        ["export", str(out), "-q"],
        ["rings", str(out)],
        ["peers", str(data_dir)],
        ["expand", str(data_dir), "--seeds", str(seeds), "-q"],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    rings = pd.read_csv(out / "rings.csv", dtype={"ring_id": str})
    assert len(rings) >= 1
    result = CliRunner().invoke(
        main, ["evidence", str(out), "--top", str(len(rings)), "--dest", str(tmp_path / "ev"), "-q"]
    )  # every pack of such a world can be made
    assert result.exit_code == 0, result.output
    report = (tmp_path / "ev" / rings["ring_id"].iloc[0] / "report.html").read_text(encoding="utf-8")
    assert (
        "本数据不支持、因而未启用的信号：" in report
        and "共用手机（shared_phone：persons.phone absent or empty; persons.address absent or empty）" in report
    )


def test_no_pharmacies_and_no_stays(world: Path, tmp_path: Path) -> None:
    """An export of hospitals and clinics only: pharmacies.csv has a header and no rows, and no inpatient stays."""
    data_dir = drop(world, tmp_path / "data", [])
    claims = pd.read_csv(data_dir / "claims.csv", dtype=str, keep_default_na=False)
    claims = claims[(claims["pharmacy_id"] == "") & (claims["visit_type"] != "inpatient")]
    claims.to_csv(data_dir / "claims.csv", index=False)
    items = pd.read_csv(data_dir / "claim_items.csv", dtype=str, keep_default_na=False)
    items[items["claim_id"].isin(claims["claim_id"])].to_csv(data_dir / "claim_items.csv", index=False)
    (data_dir / "pharmacies.csv").write_text("pharmacy_id,name,chain,region\n", encoding="utf-8")
    out = tmp_path / "out"
    run, output = detect(data_dir, out)
    off = run["signals_off"]
    assert off["covisit_pharmacy"] == off["steering"] == "no pharmacy claims"
    assert off["coadmit"] == off["co_admission"] == "no claims with visit_type inpatient"
    assert off["split_admission"].startswith("no claims with visit_type inpatient")
    assert "signals off: covisit_pharmacy (no pharmacy claims)" in output
    for args in (
        ["export", str(out), "-q"],
        ["evidence", str(out), "--top", "1", "--dest", str(tmp_path / "ev"), "-q"],
        ["peers", str(data_dir), "-q"],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output


def test_zero_rings_says_which_signals_the_data_supports(tmp_path: Path) -> None:
    d = tmp_path / "data"
    d.mkdir()
    (d / "persons.csv").write_text("person_id,region\n0001,350206\n0002,350206\n")
    (d / "facilities.csv").write_text("facility_id,region\nH1,350206\n")
    (d / "pharmacies.csv").write_text("pharmacy_id\n")
    (d / "doctors.csv").write_text("doctor_id,facility_id\nD1,H1\n")
    (d / "claims.csv").write_text(
        "claim_id,patient_id,facility_id,doctor_id,visit_type,start_time,total_amount,fund_amount\n"
        "C1,0001,H1,D1,outpatient,2024-03-05 09:00,120.5,80\nC2,0002,H1,D1,outpatient,2024-03-06 10:00,90,60\n"
    )
    run, output = detect(d, tmp_path / "out")
    assert run["rings"] == 0
    assert "0 rings written to" in output and "none of the signals this data supports found a group" in output
    assert "on: covisit, coadmit" not in output  # coadmit needs inpatient claims: there are none
    assert run["signals_off"]["coadmit"] == "no claims with visit_type inpatient"
    assert run["signals_off"]["covisit_pharmacy"] == "no pharmacy claims"
    assert "shared_phone" in run["signals_off"] and "off_hours" in run["signals_on"]


def test_detect_counts_amount_mismatches_in_run_json(world: Path, tmp_path: Path) -> None:
    # issue 14: a fee line whose amount is not quantity x unit_price is a data-quality warning, not a refusal
    data_dir = drop(world, tmp_path / "data", [])
    items = pd.read_csv(data_dir / "claim_items.csv", dtype=str, keep_default_na=False)
    items.loc[[4, 9], "amount"] = "99999.00"
    items.to_csv(data_dir / "claim_items.csv", index=False)
    run, _ = detect(data_dir, tmp_path / "out")
    [w] = run["data_quality"]
    assert (w["file"], w["check"], w["rows"]) == ("claim_items.csv", "amount != quantity x unit_price", 2)
    assert [e["row"] for e in w["examples"]] == [6, 11]
    assert w["examples"][0]["message"].startswith("amount 99999.00 is not quantity ")


def test_the_signal_table_is_documented() -> None:
    """docs/data-contract.md shows graphfraud.signals.SIGNALS row by row (needs and reduced forms)."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "data-contract.md").read_text(encoding="utf-8")
    rows = {line.split("`")[1]: line for line in doc.splitlines() if line.startswith("| `")}
    for s in SIGNALS.values():
        assert s.name in rows, s.name
        for need in s.needs:
            for part in need.split("|"):
                assert f"`{part}`" in rows[s.name], (s.name, part)
        for need, instead in s.reduced:
            assert f"without `{need}`: {instead}" in rows[s.name]
