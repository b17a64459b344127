"""Issue 4, done when: the sample world and its detected rings in a real Neo4j; every investigator
query answers on it with the ring detection found; a second load changes no counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import html
import re

import neo4j
import pandas as pd
import pytest

from graphfraud.io.read import read_claims_dir
from graphfraud.io.rings import read_rings
from graphfraud.neo4j.load import load_claims
from graphfraud.neo4j.queries import query_library, run_read
from graphfraud.neo4j.writeback import write_rings
from graphfraud.outputs.views import read_output

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
GUIDE = Path(__file__).resolve().parents[2] / "cypher" / "guide"


def guide_steps(path: Path) -> list[str]:
    """The click-to-run blocks of a Browser guide page, in order."""
    blocks = re.findall(r'<pre mode="cypher" class="[^"]*runnable">(.*?)</pre>', path.read_text(encoding="utf-8"), re.S)
    return [html.unescape(b).strip() for b in blocks]


def _walk(values: Any) -> Any:
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _walk(v)
        else:
            yield v


def _relationships(values: Any) -> list[Any]:
    return [v for v in _walk(values) if isinstance(v, neo4j.graph.Relationship)]


def _nodes(values: Any) -> list[Any]:
    return [v for v in _walk(values) if isinstance(v, neo4j.graph.Node)]


def counts(driver: neo4j.Driver) -> dict[str, int]:
    out = {}
    for rec in driver.execute_query(
        "MATCH (n) WHERE NOT n:GraphfraudLoad RETURN labels(n) AS l, count(*) AS c"
    ).records:
        out[":".join(sorted(rec["l"]))] = rec["c"]
    for rec in driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c").records:
        out[rec["t"]] = rec["c"]
    return out


@pytest.fixture(scope="module")
def sample(driver: neo4j.Driver, sample_graph: Any) -> dict[str, Any]:
    loaded = sample_graph.ensure(driver)  # loaded once for this module and test_browser.py (tests/neo4j/conftest.py)
    out = sample_graph.out
    return {
        "data": sample_graph.data,
        "out": out,
        "rings": pd.read_csv(out / "rings.csv", dtype=str),
        "members": pd.read_csv(out / "ring_members.csv", dtype=str),
        "counts": loaded,
    }


def test_the_graph_holds_the_sample_world_and_its_rings(driver: neo4j.Driver, sample: dict[str, Any]) -> None:
    data, c = sample["data"], sample["counts"]
    assert driver.execute_query("MATCH (c:Claim) RETURN count(c) AS n").records[0]["n"] == len(data.claims)
    assert driver.execute_query("MATCH (p:Person) RETURN count(p) AS n").records[0]["n"] == len(data.persons)
    assert driver.execute_query("MATCH (r:Ring) RETURN count(r) AS n").records[0]["n"] == len(sample["rings"])
    assert c["MEMBER_OF"] == len(sample["members"])
    assert c.get("CO_VISITED", 0) > 0 and c.get("VISITED", 0) > 0


def test_every_query_answers_on_the_sample_world(driver: neo4j.Driver, sample: dict[str, Any]) -> None:
    rings, members, claims = sample["rings"], sample["members"], sample["data"].claims
    top = rings.iloc[0]["ring_id"]
    person = members[(members.ring_id == top) & (members.entity_type == "person")]["entity_id"].iloc[0]
    doctor = members[members.entity_type == "doctor"]["entity_id"].iloc[0]
    busiest = claims[claims["pharmacy_id"].notna()]["terminal_id"].value_counts().index[0]
    params = {
        "top_rings": {"limit": 10},
        "ring": {"ring_id": top},
        "person_claims": {"person_id": person},
        "shared_contacts": {"person_id": person},
        "doctor_ring_patients": {"doctor_id": doctor},
        "terminal_bursts": {"terminal_id": busiest, "gap_minutes": 30, "min_cards": 2},
        "ring_timeline": {"ring_id": top},
        "case_queue": {"statuses": ["open", "in_progress"]},
    }
    library = query_library()
    assert set(library) == set(params)
    answers = {name: run_read(driver, library[name].text, params[name]).dicts() for name in library}
    assert [r["ring_id"] for r in answers["top_rings"]][: len(rings)] == rings["ring_id"].tolist()[:10]
    for name in ("ring", "person_claims", "ring_timeline", "doctor_ring_patients"):
        assert answers[name], f"{name} returned nothing for the top ring"
    assert len(answers["case_queue"]) == len(rings)  # every new ring starts open


def test_reloading_the_sample_world_changes_no_counts(driver: neo4j.Driver, sample: dict[str, Any]) -> None:
    data = read_claims_dir(str(SAMPLE))
    rings, members, run_id = read_rings(str(sample["out"]))
    load_claims(driver, data, batch_size=20_000, resume=False)  # MERGE everything again
    write_rings(driver, rings, members, data.claims, run_id=run_id, reasons=read_output(sample["out"]).reasons)
    assert counts(driver) == sample["counts"]


def test_every_guide_step_runs_on_the_top_ring_and_each_graph_is_readable(
        driver: neo4j.Driver, sample: dict[str, Any]) -> None:  # fmt: skip
    # issue 16: the guide's ring query drew every co-visit edge of a ring (2,665 relationships on
    # a 20,000-person world); each graph step now draws at most 60, and every table step answers
    top = sample["rings"].iloc[0]["ring_id"]
    for page in ("index.html", "en.html"):
        params: dict[str, Any] = {}
        graphs = 0
        for text in guide_steps(GUIDE / page):
            if text.startswith((":style", ":config")):
                continue
            if text.startswith(":param"):
                name, expr = text.removeprefix(":param").split("=>", 1)
                params[name.strip()] = driver.execute_query(f"RETURN {expr} AS v", params).records[0]["v"]
                continue
            records = driver.execute_query(text, params).records
            assert records, (page, text[:80])
            rels = {r.element_id for rec in records for r in _relationships(rec.values())}
            nodes = {n.element_id for rec in records for n in _nodes(rec.values())}
            if nodes:
                graphs += 1
                assert 0 < len(rels) <= 60, (page, text[:80], len(rels))
        assert params["ring_id"] == top and graphs == 2
    reasons = driver.execute_query("MATCH (r:Ring {ring_id: $r}) RETURN r.reason_zh AS zh, r.reason_en AS en",
                                   r=top).records[0]  # fmt: skip
    assert len(reasons["zh"]) == len(reasons["en"]) > 0 and "人" in reasons["zh"][1]
