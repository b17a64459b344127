"""Pure parameter-row builders of the Neo4j layer (no server needed)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from graphfraud.errors import ParamError
from graphfraud.io.read import read_claims_dir
from graphfraud.io.rings import read_rings
from graphfraud.neo4j.bulk import import_frames, write_import_csvs
from graphfraud.neo4j.load import claims_rows, doctors_rows, fingerprint, load_rows, persons_rows
from graphfraud.neo4j.writeback import covisited_rows, members_rows, rings_rows, visited_rows

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    return read_claims_dir(str(DATA / "world"))


@pytest.fixture(scope="module")
def rings():  # type: ignore[no-untyped-def]
    return read_rings(str(DATA / "out"))


def test_rows_keep_ids_as_text_and_times_as_datetimes(world) -> None:  # type: ignore[no-untyped-def]
    rows = claims_rows(world.claims)
    first = rows[0]
    assert first["claim_id"] == "S0001" and first["holder_id"] == "P001"
    assert first["props"]["start_time"] == datetime(2024, 3, 1, 9, 10)
    assert first["props"]["end_time"] is None
    mutual_aid = [r for r in rows if r["holder_id"] == "P010"]
    assert [r["patient_id"] for r in mutual_aid] == ["MATCH (n) DETACH DELETE n"]


def test_persons_rows_dates_and_no_phone(world) -> None:  # type: ignore[no-untyped-def]
    row = persons_rows(world.persons)[0]
    assert row["person_id"] == "P001"
    assert str(row["props"]["birth_date"]) == "1948-02-01"
    assert "phone" not in row["props"]


def test_doctors_rows_carry_practice_site(world) -> None:  # type: ignore[no-untyped-def]
    rows = {r["doctor_id"]: r for r in doctors_rows(world.doctors)}
    assert rows['D"003']["facility_id"] == "F'}) RETURN 1 //"


def test_every_step_has_rows(world) -> None:  # type: ignore[no-untyped-def]
    rows = load_rows(world)
    assert {k: len(v) for k, v in rows.items()} == {
        "facilities": 3, "pharmacies": 2, "doctors": 3, "persons": 9,
        "phones": 7, "addresses": 8, "claims": 28,
    }  # fmt: skip


def test_fingerprint_is_stable_and_data_sensitive(world) -> None:  # type: ignore[no-untyped-def]
    assert fingerprint(world) == fingerprint(world)
    changed = world.claims.copy()
    changed.loc[0, "fund_amount"] = 1.0
    from dataclasses import replace

    assert fingerprint(replace(world, claims=changed)) != fingerprint(world)


def test_rings_rows_types_and_reasons(rings) -> None:  # type: ignore[no-untyped-def]
    rows = rings_rows(rings[0], run_id="r1")
    assert [r["ring_id"] for r in rows] == ["R0001", "R0002", "R'0003\""]
    top = rows[0]["props"]
    assert (top["rank"], top["score"], top["alert"], top["run_id"]) == (1, 0.93, "red", "r1")
    assert top["reasons"][1] == "12-day cycle"


def test_members_rows_by_type_and_unknown_type(rings) -> None:  # type: ignore[no-untyped-def]
    rows = members_rows(rings[1])
    assert len(rows["person"]) == 8 and rows["pharmacy"][0]["entity_id"] == "PH001"
    bad = rings[1].copy()
    bad.loc[0, "entity_type"] = "terminal"
    with pytest.raises(ParamError, match="'terminal'"):
        members_rows(bad)


def test_visited_aggregates_all_claims_of_ring_persons(world, rings) -> None:  # type: ignore[no-untyped-def]
    rows = visited_rows(world.claims, rings[1])
    fac = {(r["person_id"], r["target_id"]): r for r in rows["facility"]}
    p1 = fac[("P001", "H001")]
    assert (p1["claims"], p1["fund"]) == (4, 1632.0)
    assert p1["first"] == datetime(2024, 3, 1, 9, 10) and p1["last"] == datetime(2024, 4, 6, 9, 10)
    assert ("P001", "H002") in fac  # camouflage visit kept
    assert all(r["person_id"] != "P010" for r in rows["pharmacy"])  # not a ring member


def test_covisited_pairs_within_rings(world, rings) -> None:  # type: ignore[no-untyped-def]
    rows = covisited_rows(world.claims, rings[1])
    r1 = [r for r in rows if r["ring_id"] == "R0001"]
    assert len(r1) == 6  # 4 persons -> 6 pairs, all on the same 4 days
    assert {r["times"] for r in r1} == {4}
    weight = {(r["a"], r["b"]): r["weight"] for r in r1}
    assert weight[("P001", "P002")] == 1.0  # P002's 4 visit-days were all with P001
    assert weight[("P001", "P003")] == pytest.approx(4 / 5)  # both have a 5th day at H002
    r2 = [r for r in rows if r["ring_id"] == "R0002"]
    assert len(r2) == 3 and all(r["a"] < r["b"] for r in r2)


def test_bulk_frames_have_importer_headers(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = import_frames(world)
    persons = next(f for f in files if f.name == "Person").frame
    assert persons.columns[0] == "person_id:ID(Person)"
    assert "birth_date:date" in persons.columns
    labels = dict(zip(persons["person_id:ID(Person)"], persons[":LABEL"]))
    assert labels["P010"] == "CardHolder" and labels["P001"] == "Patient;CardHolder"
    claims = next(f for f in files if f.name == "Claim").frame
    assert "start_time:localdatetime" in claims.columns
    assert sum(f.rows for f in files if f.name == "AT") == 28
    written = write_import_csvs(files, tmp_path)
    assert len(written) == len(files) and all(p.exists() for _, _, p in written)
    text = pd.read_csv(written[0][2], dtype=str)
    assert "facility_id:ID(Facility)" in text.columns


def test_rings_rows_store_reasons_in_chinese_and_english() -> None:
    # issue 16: the ring properties in Neo4j were English only
    rings = pd.DataFrame(
        {
            "rank": ["1"],
            "ring_id": ["R1"],
            "score": ["90"],
            "alert": ["red"],
            "typology": ["card_collector"],
            "reasons": ["ring claims are 61% of all claims at P1"],
        }
    )
    reasons = pd.DataFrame({"ring_id": ["R1", "R1"], "code": ["dominance", "off_hours"],
                            "text": ["ring claims are 61% of all claims at P1 (scored above 3%)",
                                     "59% of ring claims before 07:00 or after 19:00 (scored above 10%)"],
                            "args": ['{"share":0.6116,"venue":"P1","dominance_from":0.03}',
                                     '{"share":0.5939,"off_hours_share_from":0.1}']})  # fmt: skip
    props = rings_rows(rings, reasons=reasons)[0]["props"]
    assert props["reason_zh"] == [
        "团伙结算占 P1 全部结算的 61%（超过 3% 起计分）",
        "59% 的团伙结算发生在 07:00 之前或 19:00 之后（超过 10% 起计分）",
    ]
    assert props["reason_en"] == list(reasons["text"])
    assert (props["typology_zh"], props["alert_zh"]) == ("职业收卡人（药店刷卡）", "红色")


def test_member_rows_carry_the_chinese_role() -> None:
    members = pd.DataFrame(
        {
            "ring_id": ["R1", "R1"],
            "entity_type": ["person", "pharmacy"],
            "entity_id": ["0001", "P1"],
            "role": ["organizer", "venue"],
            "score": ["0.9", "1.0"],
        }
    )
    rows = members_rows(members)
    assert rows["person"][0]["role_zh"] == "组织者" and rows["pharmacy"][0]["role_zh"] == "机构/药店"
