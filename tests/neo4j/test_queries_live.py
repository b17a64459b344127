"""Every investigator query in cypher/queries/ and every runnable block of the guide, on a loaded world."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graphfraud.io.read import read_claims_dir
from graphfraud.io.rings import read_rings
from graphfraud.neo4j.load import load_claims
from graphfraud.neo4j.queries import CYPHER_DIR, query_library, run_read
from graphfraud.neo4j.writeback import write_rings

pytestmark = pytest.mark.neo4j
DATA = Path(__file__).parent / "data"
LIBRARY = query_library()
PARAMS: dict[str, dict[str, Any]] = {
    "top_rings": {"limit": 10},
    "ring": {"ring_id": "R0001"},
    "person_claims": {"person_id": "MATCH (n) DETACH DELETE n"},
    "shared_contacts": {"person_id": "P005"},
    "doctor_ring_patients": {"doctor_id": "D001"},
    "terminal_bursts": {"terminal_id": "PH001-POS2", "gap_minutes": 10, "min_cards": 3},
    "ring_timeline": {"ring_id": "R0001"},
    "case_queue": {"statuses": ["open", "in_progress"]},
}


@pytest.fixture(scope="module")
def db(driver: neo4j.Driver, wipe_db: Any) -> neo4j.Driver:
    wipe_db(driver)
    data = read_claims_dir(str(DATA / "world"))
    rings, members, run_id = read_rings(str(DATA / "out"))
    load_claims(driver, data)
    write_rings(driver, rings, members, data.claims, run_id=run_id)
    return driver


def run(db: neo4j.Driver, name: str) -> list[dict[str, Any]]:
    query = LIBRARY[name]
    assert set(query.params) == set(PARAMS[name]), f"{name}: test parameters out of date"
    return run_read(db, query.text, PARAMS[name]).dicts()


def test_every_query_is_documented_and_tested() -> None:
    assert set(LIBRARY) == set(PARAMS)
    for q in LIBRARY.values():
        assert q.title and "Parameters:" in q.doc and "Returns" in q.doc, q.name
        for p in q.params:
            assert f"${p}" in q.doc, f"{q.name}: ${p} undocumented"


def test_top_rings_red_first(db: neo4j.Driver) -> None:
    rows = run(db, "top_rings")
    assert [r["alert"] for r in rows] == ["red", "orange", "yellow"]
    assert rows[0]["ring_id"] == "R0001" and rows[0]["status"] == "open"
    assert rows[0]["reasons"][0].startswith("4 patients")


def test_ring_graph_has_members_venues_and_covisits(db: neo4j.Driver) -> None:
    rows = run(db, "ring")
    members = {r["x"].get("person_id") or r["x"].get("doctor_id") or r["x"].get("facility_id") for r in rows}
    assert members == {"P001", "P002", "P003", "P004", "D001", "H001"}
    places = {r["place"].get("facility_id") or r["place"].get("doctor_id") for r in rows if r["place"]}
    assert {"H001", "H002", "D001", "D002"} <= places
    assert {r["cv"]["times"] for r in rows if r["cv"]} == {4}


def test_person_claims_as_patient_and_via_anothers_card(db: neo4j.Driver) -> None:
    rows = run(db, "person_claims")
    assert [(r["claim_id"], r["role"]) for r in rows] == [
        ("S0025", "RECEIVED"),  # paid with P010's card (family mutual aid)
        ("S0026", "PAID_FOR"), ("S0026", "RECEIVED"),
        ("S0027", "PAID_FOR"), ("S0027", "RECEIVED"),
    ]  # fmt: skip
    assert rows[0]["holder"] == "P010" and rows[0]["venue"] == "PH002"
    assert rows[1]["venue"] == "F'}) RETURN 1 //" and rows[1]["doctor"] == 'D"003'


def test_shared_contacts(db: neo4j.Driver) -> None:
    rows = run(db, "shared_contacts")
    assert [(r["person_id"], r["shared"], r["value"]) for r in rows] == [
        ("P'009\"", "phone", "T200"), ("P006", "phone", "T200")
    ]  # fmt: skip
    assert rows[1]["rings"] == ["R0002"]


def test_doctor_ring_patients(db: neo4j.Driver) -> None:
    rows = run(db, "doctor_ring_patients")
    assert [r["person_id"] for r in rows] == ["P001", "P002", "P003", "P004"]
    assert all(r["claims_with_doctor"] == 4 and r["fund_amount"] == 1632.0 for r in rows)
    assert rows[0]["role"] == "organizer"


def test_terminal_bursts(db: neo4j.Driver) -> None:
    rows = run(db, "terminal_bursts")
    assert [(r["claims"], r["cards"]) for r in rows] == [(3, 3), (3, 3)]
    assert rows[0]["burst_start"].day == 5 and rows[1]["burst_start"].day == 19
    assert sorted(rows[0]["card_holders"]) == ["P'009\"", "P005", "P006"]
    assert rows[0]["fund_amount"] == 3 * 1581.0


def test_ring_timeline_marks_ring_venue_claims(db: neo4j.Driver) -> None:
    rows = run(db, "ring_timeline")
    assert len(rows) == 19  # 16 staged visits + 3 hospital visits
    assert sum(r["in_ring"] for r in rows) == 16
    times = [r["time"] for r in rows]
    assert times == sorted(times)


def test_case_queue(db: neo4j.Driver) -> None:
    rows = run(db, "case_queue")
    assert [r["ring_id"] for r in rows] == ["R0001", "R0002", "R'0003\""]


def guide_blocks() -> list[str]:
    text = (CYPHER_DIR / "guide" / "index.html").read_text(encoding="utf-8")
    pres = re.findall(r'<pre mode="cypher" class="pre-scrollable code runnable">(.*?)</pre>', text, re.S)
    return [html.unescape(p) for p in pres]


def test_guide_blocks_run_in_order(db: neo4j.Driver) -> None:
    """Run the guide like Browser would: `:param x => expr` evaluates expr, then queries use $x."""
    blocks = guide_blocks()
    assert len(blocks) >= 8
    params: dict[str, Any] = {}
    for block in blocks:
        m = re.match(r":param (\w+) => (.*)", block, re.S)
        if m:
            params[m.group(1)] = run_read(db, f"RETURN {m.group(2)} AS v", params).rows[0][0]
            continue
        if block.lstrip().startswith(":"):  # Browser's own commands (:style, :config) are not Cypher
            continue
        result = run_read(db, block, params)
        assert result.rows, f"guide block returned nothing:\n{block}"
    assert params == {"ring_id": "R0001", "person_id": "P001", "venue_id": "H001", "day": "2024-03-01"}
