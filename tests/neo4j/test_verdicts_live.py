"""Verdicts on persons and institutions in a real Neo4j: kept on the nodes, exported, carried over a bulk reload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.io.cases import read_cases
from graphfraud.io.read import read_claims_dir
from graphfraud.io.rings import read_rings
from graphfraud.neo4j.cases import read_backup, restore_cases, save_cases, write_backup
from graphfraud.neo4j.load import load_claims
from graphfraud.neo4j.writeback import set_case_status, write_rings, write_verdicts

pytestmark = pytest.mark.neo4j
DATA = Path(__file__).parent / "data"
WORLD, OUT = str(DATA / "world"), str(DATA / "out")
VERDICT = (
    "MATCH (n) WHERE n[$key] = $id AND $label IN labels(n) RETURN n.verdict AS verdict, toString(n.verdict_at) AS at"
)


def _verdict(driver: neo4j.Driver, label: str, key: str, entity_id: str) -> tuple[str | None, str | None]:
    records = driver.execute_query(VERDICT, {"key": key, "id": entity_id, "label": label}).records
    return (records[0]["verdict"], records[0]["at"]) if records else (None, None)


@pytest.fixture(scope="module")
def graph(driver: neo4j.Driver, wipe_db: Any) -> neo4j.Driver:
    wipe_db(driver)
    data = read_claims_dir(WORLD)
    rings, members, run_id = read_rings(OUT)
    load_claims(driver, data)
    write_rings(driver, rings, members, data.claims, run_id=run_id)
    return driver


def test_load_cases_keeps_verdicts_on_persons_and_institutions(
    graph: neo4j.Driver, neo4j_conn: Any, tmp_path: Path
) -> None:
    cases = tmp_path / "cases.csv"
    pd.DataFrame(
        [
            ("person", "P001", "confirmed"),
            ("person", "P002", "dismissed"),
            ("doctor", "D001", "confirmed"),
            ("facility", "H002", "dismissed"),
            ("pharmacy", "PH001", "confirmed"),
            ("person", "NOBODY", "confirmed"),  # not in the graph: counted, not created
            ("ring", "R0001", "confirmed"),  # a ring's verdict is its case status: left alone
        ],
        columns=["entity_type", "entity_id", "verdict"],
    ).to_csv(cases, index=False)
    runner = CliRunner()
    result = runner.invoke(main, ["load", WORLD, "--cases", str(cases), "-q"], env=neo4j_conn.env)
    assert result.exit_code == 0, result.output
    assert "verdicts: 2 persons, 1 doctor, 1 facility, 1 pharmacy written; 1 person not in the graph" in result.output
    assert _verdict(graph, "Person", "person_id", "P001")[0] == "confirmed"
    assert _verdict(graph, "Person", "person_id", "P002")[0] == "dismissed"
    assert _verdict(graph, "Doctor", "doctor_id", "D001")[0] == "confirmed"
    assert _verdict(graph, "Facility", "facility_id", "H002")[0] == "dismissed"
    assert _verdict(graph, "Pharmacy", "pharmacy_id", "PH001")[0] == "confirmed"
    assert _verdict(graph, "Facility", "facility_id", "H001") == (None, None)
    assert graph.execute_query("MATCH (p:Person {person_id: 'NOBODY'}) RETURN count(p) AS n").records[0]["n"] == 0
    assert graph.execute_query("MATCH (r:Ring {ring_id: 'R0001'}) RETURN r.status AS s").records[0]["s"] == "open"

    # again: nothing changes, not even the time of a verdict; a changed verdict gets a new time
    first_at = _verdict(graph, "Person", "person_id", "P001")[1]
    assert first_at
    result = runner.invoke(main, ["load", WORLD, "--cases", str(cases), "-q"], env=neo4j_conn.env)
    assert result.exit_code == 0, result.output
    assert _verdict(graph, "Person", "person_id", "P001") == ("confirmed", first_at)
    pd.DataFrame([("person", "P001", "dismissed")], columns=["entity_type", "entity_id", "verdict"]).to_csv(
        tmp_path / "changed.csv", index=False
    )
    result = runner.invoke(main, ["load", WORLD, "--cases", str(tmp_path / "changed.csv"), "-q"], env=neo4j_conn.env)
    assert result.exit_code == 0 and "verdicts: 1 person written" in result.output
    verdict, at = _verdict(graph, "Person", "person_id", "P001")
    assert verdict == "dismissed" and pd.Timestamp(at) > pd.Timestamp(first_at)

    # exported with the ring verdicts, in the cases.csv format detect --cases and peers --cases read
    set_case_status(graph, "R0002", "dismissed", "legitimate")
    result = runner.invoke(main, ["cases", "--out", str(tmp_path / "out.csv")], env=neo4j_conn.env)
    assert result.exit_code == 0, result.output
    assert "0 confirmed, 1 dismissed rings; 2 confirmed, 3 dismissed persons and institutions" in result.output
    exported = read_cases(tmp_path / "out.csv")
    assert exported.values.tolist() == [
        ["ring", "R0002", "dismissed"],
        ["person", "P001", "dismissed"],
        ["person", "P002", "dismissed"],
        ["doctor", "D001", "confirmed"],
        ["facility", "H002", "dismissed"],
        ["pharmacy", "PH001", "confirmed"],
    ]


def test_verdicts_survive_what_a_bulk_reload_does(graph: neo4j.Driver, tmp_path: Path) -> None:
    # --bulk saves the cases, replaces the database, restores them: the same steps, the replacement simulated
    # by removing the verdicts (tests/neo4j/test_load_live.py runs the real --bulk for the ring history).
    write_verdicts(
        graph,
        pd.DataFrame(
            [("person", "P002", "dismissed"), ("pharmacy", "PH001", "confirmed")],
            columns=["entity_type", "entity_id", "verdict"],
        ),
    )
    saved = save_cases(graph)
    assert {(v["entity_type"], v["entity_id"]) for v in saved.verdicts} >= {("person", "P002"), ("pharmacy", "PH001")}
    backup = read_backup(write_backup(saved, tmp_path / "graphfraud-cases.json"))
    assert backup == saved and "verdicts on persons and institutions" in saved.summary()
    before = {v["entity_id"]: (v["verdict"], v["at"]) for v in saved.verdicts}
    graph.execute_query("MATCH (n) WHERE n.verdict IS NOT NULL REMOVE n.verdict, n.verdict_at")
    assert not save_cases(graph).verdicts
    restore_cases(graph, backup)
    restore_cases(graph, backup)  # idempotent
    assert {v["entity_id"]: (v["verdict"], v["at"]) for v in save_cases(graph).verdicts} == before
