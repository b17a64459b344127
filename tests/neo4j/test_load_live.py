"""Loading into a real Neo4j: schema, idempotency, resume, odd ids, rings, case status, bulk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.errors import Neo4jError, ParamError
from graphfraud.io.read import read_claims_dir
from graphfraud.io.rings import read_rings
from graphfraud.neo4j.load import load_claims
from graphfraud.neo4j.queries import write_batches
from graphfraud.neo4j.writeback import case_history, set_case_status, write_rings

pytestmark = pytest.mark.neo4j
DATA = Path(__file__).parent / "data"
WORLD, OUT = str(DATA / "world"), str(DATA / "out")
Q = "P'009\""
K = "MATCH (n) DETACH DELETE n"


def counts(driver: neo4j.Driver) -> dict[str, int]:
    """Nodes per label set and relationships per type (GraphfraudLoad checkpoints excluded)."""
    out: dict[str, int] = {}
    for rec in driver.execute_query(
        "MATCH (n) WHERE NOT n:GraphfraudLoad "
        "WITH apoc.text.join(apoc.coll.sort(labels(n)), ':') AS l RETURN l, count(*) AS c"
    ).records:
        out[rec["l"]] = rec["c"]
    for rec in driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c").records:
        out[rec["t"]] = rec["c"]
    return out


def one(driver: neo4j.Driver, text: str, **params: Any) -> Any:
    return driver.execute_query(text, params).records[0][0]


@pytest.fixture(scope="module")
def loaded(driver: neo4j.Driver, wipe_db: Any) -> neo4j.Driver:
    wipe_db(driver)
    data = read_claims_dir(WORLD)
    rings, members, run_id = read_rings(OUT)
    load_claims(driver, data, batch_size=4)
    write_rings(driver, rings, members, data.claims, run_id=run_id, batch_size=4)
    return driver


def test_schema_constraints_exist(loaded: neo4j.Driver) -> None:
    names = {r["name"] for r in loaded.execute_query("SHOW CONSTRAINTS YIELD name").records}
    assert {"person_id", "claim_id", "ring_id", "phone", "address"} <= names


def test_graph_model_counts(loaded: neo4j.Driver) -> None:
    c = counts(loaded)
    assert c["Claim"] == 28 and c["RECEIVED"] == 28 and c["PAID_FOR"] == 28 and c["AT"] == 28
    assert c["Facility"] == 3 and c["Pharmacy"] == 2 and c["Doctor"] == 3
    assert c["CardHolder:Patient:Person"] == 8 and c["CardHolder:Person"] == 1  # P010 pays only
    assert c["Phone"] == 4 and c["HAS_PHONE"] == 7 and c["PRACTICES_AT"] == 3
    assert c["RedAlert:Ring"] == 1 and c["OrangeAlert:Ring"] == 1 and c["Ring:YellowAlert"] == 1
    assert c["MEMBER_OF"] == 13 and c["CO_VISITED"] == 9


def test_odd_ids_load_verbatim(loaded: neo4j.Driver) -> None:
    assert one(loaded, "MATCH (p:Person {person_id: $id}) RETURN count(p)", id=Q) == 1
    assert one(loaded, "MATCH (p:Person {person_id: $id})-[:RECEIVED]->(c) RETURN count(c)", id=K) == 3
    assert one(loaded, "MATCH (:Doctor {doctor_id: $d})-[:PRACTICES_AT]->(f) RETURN f.facility_id",
               d='D"003') == "F'}) RETURN 1 //"  # fmt: skip
    assert one(loaded, "MATCH (r:Ring {ring_id: $r})<-[:MEMBER_OF]-(x) RETURN count(x)", r="R'0003\"") == 3
    assert one(loaded, "MATCH (a:Address {address: $a}) RETURN count(a)", a='A7"}') == 1


def test_properties_are_typed(loaded: neo4j.Driver) -> None:
    rec = loaded.execute_query(
        "MATCH (c:Claim {claim_id: 'S0028'}) RETURN c.start_time AS s, c.end_time AS e, c.fund_amount AS f"
    ).records[0]
    assert isinstance(rec["s"], neo4j.time.DateTime) and rec["s"].hour == 8
    assert rec["e"].day == 17 and rec["f"] == 7350.0
    assert one(loaded, "MATCH (p:Person {person_id: 'P001'}) RETURN p.birth_date.year") == 1948


def test_ring_properties_and_visited(loaded: neo4j.Driver) -> None:
    rec = loaded.execute_query(
        "MATCH (r:Ring {ring_id: 'R0001'}) RETURN r.rank AS rank, r.alert AS alert, "
        "r.reasons AS reasons, r.status AS status, r.fund_amount AS fund"
    ).records[0]
    assert (rec["rank"], rec["alert"], rec["status"], rec["fund"]) == (1, "red", "open", 6528.0)
    assert len(rec["reasons"]) == 3
    v = loaded.execute_query(
        "MATCH (:Person {person_id: 'P001'})-[v:VISITED]->(:Facility {facility_id: 'H001'}) "
        "RETURN v.claims AS n, v.fund AS fund"
    ).records[0]
    assert (v["n"], v["fund"]) == (4, 1632.0)


def test_reload_changes_no_counts(loaded: neo4j.Driver) -> None:
    before = counts(loaded)
    data = read_claims_dir(WORLD)
    rings, members, run_id = read_rings(OUT)
    stats = load_claims(loaded, data, batch_size=4, resume=False)  # MERGE everything again
    stats += write_rings(loaded, rings, members, data.claims, run_id=run_id, batch_size=4)
    assert sum(s.nodes + s.relationships for s in stats) == 0
    assert counts(loaded) == before
    resumed = load_claims(loaded, data, batch_size=4)  # checkpoints: nothing left to send
    assert sum(s.rows for s in resumed) == 0
    assert counts(loaded) == before


def test_cli_reload_is_idempotent(loaded: neo4j.Driver, neo4j_conn: Any) -> None:
    before = counts(loaded)
    result = CliRunner().invoke(main, ["load", WORLD, "--rings", OUT, "--restart", "-q"], env=neo4j_conn.env)
    assert result.exit_code == 0, result.output
    assert "claims graph: +0 nodes, +0 relationships" in result.output
    assert counts(loaded) == before


def test_interrupted_load_resumes_after_last_committed_batch(driver: neo4j.Driver) -> None:
    driver.execute_query("MATCH (t:ResumeTest) DETACH DELETE t")
    driver.execute_query("MATCH (s:GraphfraudLoad {fingerprint: 'resume-test'}) DELETE s")
    text = "UNWIND $rows AS row MERGE (t:ResumeTest {i: row.i}) SET t.x = 10 / row.d"
    rows = [{"i": i, "d": 1} for i in range(10)]
    broken = [dict(r, d=0) if r["i"] == 7 else r for r in rows]  # batch 3 fails
    with pytest.raises(Neo4jError, match="/ by zero|Division by zero|ArithmeticError"):
        write_batches(driver, text, broken, step="t", batch_size=3, checkpoint="resume-test")
    assert one(driver, "MATCH (t:ResumeTest) RETURN count(t)") == 6
    stats = write_batches(driver, text, rows, step="t", batch_size=3, checkpoint="resume-test")
    assert (stats.skipped_rows, stats.rows, stats.nodes) == (6, 4, 4)
    assert one(driver, "MATCH (t:ResumeTest) RETURN count(t)") == 10
    driver.execute_query("MATCH (t:ResumeTest) DETACH DELETE t")


def test_case_status_and_history(loaded: neo4j.Driver) -> None:
    ring = "R'0003\""
    first = set_case_status(loaded, ring, "in_progress", "call the clinic; it's \"F'}\"", by="insp-7")
    second = set_case_status(loaded, ring, "dismissed", "legitimate chronic care")
    assert (first.previous, first.status) == ("open", "in_progress")
    assert (second.previous, second.status, second.notes) == ("in_progress", "dismissed", 2)
    history = case_history(loaded, ring).dicts()
    assert [h["changed_to"] for h in history] == ["in_progress", "dismissed"]
    assert history[0]["note"] == "call the clinic; it's \"F'}\"" and history[0]["by"] == "insp-7"
    notes = one(loaded, "MATCH (r:Ring {ring_id: $r}) RETURN r.notes", r=ring)
    assert notes[1].endswith("[dismissed] legitimate chronic care") and " UTC " in notes[1]
    # re-loading rings keeps the case status
    data = read_claims_dir(WORLD)
    rings, members, run_id = read_rings(OUT)
    write_rings(loaded, rings, members, data.claims, run_id=run_id)
    assert one(loaded, "MATCH (r:Ring {ring_id: $r}) RETURN r.status", r=ring) == "dismissed"
    with pytest.raises(ParamError, match="'status' parameter"):
        set_case_status(loaded, ring, "closed")
    with pytest.raises(Neo4jError, match="No ring 'nope'"):
        set_case_status(loaded, "nope", "open")


def test_case_cli(loaded: neo4j.Driver, neo4j_conn: Any) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["case", "R0002", "--status", "confirmed", "--note", "POS video"], env=neo4j_conn.env)
    assert result.exit_code == 0, result.output
    assert "-> confirmed" in result.output
    result = runner.invoke(main, ["case", "R0002"], env=neo4j_conn.env)
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1].split("|")[-1].strip() == "POS video"
    result = runner.invoke(main, ["case", "R0002", "--status", "closed"], env=neo4j_conn.env)
    assert result.exit_code == 2


@pytest.mark.slow
def test_bulk_import_gives_the_same_graph_and_keeps_case_history(loaded: neo4j.Driver, neo4j_conn: Any) -> None:
    # issue 16: a bulk reload used to erase the investigators' CaseNote nodes and ring statuses
    if neo4j_conn.server is None:
        pytest.skip("--bulk needs the bundled server's files (NEO4J_URI points elsewhere)")
    set_case_status(loaded, "R0001", "in_progress", "on-site check booked", by="insp-3")
    set_case_status(loaded, "R0001", "confirmed", "POS video 3 May")
    before = counts(loaded)
    history = case_history(loaded, "R0001").dicts()
    assert before["CaseNote"] >= 2
    env = dict(neo4j_conn.env, NEO4J_URI=None, GRAPHFRAUD_NEO4J_HOME=str(neo4j_conn.server.home))
    result = CliRunner().invoke(main, ["load", WORLD, "--rings", OUT, "--bulk", "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert "bulk import: 56 nodes, 123 relationships" in result.output
    assert "case history carried over:" in result.output
    # the store was replaced: a new driver (the old one's bookmarks point past its history)
    with neo4j.GraphDatabase.driver(neo4j_conn.uri, auth=(neo4j_conn.user, neo4j_conn.password)) as fresh:
        assert counts(fresh) == before
        assert case_history(fresh, "R0001").dicts() == history
        assert one(fresh, "MATCH (r:Ring {ring_id: 'R0001'}) RETURN r.status") == "confirmed"
    # --replace-cases drops it on purpose
    result = CliRunner().invoke(main, ["load", WORLD, "--rings", OUT, "--bulk", "--replace-cases", "-q"], env=env)
    assert result.exit_code == 0, result.output
    with neo4j.GraphDatabase.driver(neo4j_conn.uri, auth=(neo4j_conn.user, neo4j_conn.password)) as fresh:
        after = counts(fresh)
        assert "CaseNote" not in after and "HAS_NOTE" not in after
        assert one(fresh, "MATCH (r:Ring) RETURN collect(DISTINCT r.status)") == ["open"]


def test_replace_cases_needs_bulk() -> None:
    result = CliRunner().invoke(main, ["load", WORLD, "--replace-cases"], env={"NEO4J_PASSWORD": "x"})
    assert result.exit_code == 2 and "--replace-cases goes with --bulk" in result.output
