"""Ring lineage in a real Neo4j (issue 17): CONTINUES links, case status and notes carried to the successor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from graphfraud.io.read import read_claims_dir
from graphfraud.io.rings import read_rings
from graphfraud.outputs.lineage import link_rings
from graphfraud.neo4j.writeback import case_history, case_verdicts, set_case_status, write_rings

pytestmark = pytest.mark.neo4j
DATA = Path(__file__).parent / "data"


def test_case_status_and_notes_follow_a_grown_ring(driver: neo4j.Driver, wipe_db: Any) -> None:
    wipe_db(driver)
    data = read_claims_dir(DATA / "world")
    rings, members, run_id = read_rings(DATA / "out")
    write_rings(driver, rings, members, data.claims, run_id=run_id)
    set_case_status(driver, "R0001", "in_progress", "on-site check booked", by="insp-7")
    # the next run: R0001 gained a recruit and got a new id; R0002 ended
    old = members[members.ring_id == "R0001"]
    grown = pd.concat([old, old.head(1).assign(entity_id="P005")]).assign(ring_id="R0001B")
    new_rings = rings[rings.ring_id == "R0001"].assign(ring_id="R0001B", persons="5")
    lineage = link_rings(grown, members, current_order=["R0001B"], previous_order=rings.ring_id.tolist())
    assert lineage.loc[0, "status"] == "grown"
    write_rings(driver, new_rings, grown, data.claims, run_id="run2", lineage=lineage)
    write_rings(driver, new_rings, grown, data.claims, run_id="run2", lineage=lineage)  # idempotent
    row = driver.execute_query(
        "MATCH (r:Ring {ring_id: 'R0001B'})-[c:CONTINUES]->(p:Ring) "
        "RETURN p.ring_id AS p, c.status AS s, c.members_added AS a, r.status AS status, r.lineage AS lineage, "
        "r.carried_from AS carried, size(r.notes) AS notes, count(*) AS links"
    ).records[0]
    assert (row["p"], row["s"], row["a"], row["links"]) == ("R0001", "grown", 1, 1)
    assert (row["status"], row["lineage"], row["carried"], row["notes"]) == ("in_progress", "grown", "R0001", 1)
    assert [h["note"] for h in case_history(driver, "R0001B").dicts()] == ["on-site check booked"]
    ended = driver.execute_query("MATCH (r:Ring {ring_id: 'R0002'}) RETURN r.lineage AS l").records[0]["l"]
    assert ended == "ended"
    set_case_status(driver, "R0001B", "confirmed", "kickbacks proven")
    set_case_status(driver, "R0002", "dismissed", "legitimate")
    verdicts = case_verdicts(driver)
    assert verdicts.values.tolist() == [["ring", "R0001B", "confirmed"], ["ring", "R0002", "dismissed"]]
