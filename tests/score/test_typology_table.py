"""The typology table is the one place a typology is defined (issue 19).

A toy typology added as one row, one detector and one planter is planted by
``synth``, found and named by scoring, given its person role, and said in
Chinese by the glossary, the workbook, the Neo4j rows and the terminal view.
"""

import dataclasses

import pytest

from graphfraud import contract
from graphfraud.contract import ROLE_TABLE, TYPOLOGY_TABLE, Typology
from graphfraud.detect import covisit
from graphfraud.analyses.evaluate import evaluate
from graphfraud.outputs.export import build_workbook
from graphfraud.neo4j.writeback import members_rows, rings_rows
from graphfraud.pipeline import run
from graphfraud.score.rings import members_table, reasons_table, rings_table
from graphfraud.score.wording import GLOSSARY, term
from graphfraud.synth import typologies
from graphfraud.synth.world import SynthParams, kinds, make_world

TOY = Typology("ghost_clinic", "幽灵诊所（测试）", "ghost clinic (test)", person_role="patient", headline="lockstep",
               planter="ghost_clinic", detector="ghost")  # fmt: skip


def _plant_ghost_clinic(ctx, gid, ring_id):
    """A staged clinic under another name: the toy typology's planter."""
    return dataclasses.replace(typologies.staged_clinic(ctx, gid, ring_id), typology="ghost_clinic")


class _GhostDetector:
    """The toy typology's detector: the co-visit groups, reported under its own name."""

    NAME = "ghost"

    @staticmethod
    def detect(graph, params, *, seed):
        return [dataclasses.replace(c, detector="ghost") for c in covisit.detect(graph, params, seed=seed)]


def _cells(workbook):
    return {str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row}


@pytest.fixture()
def ghost(monkeypatch):
    monkeypatch.setitem(TYPOLOGY_TABLE, TOY.name, TOY)
    monkeypatch.setattr(typologies, "ghost_clinic", _plant_ghost_clinic, raising=False)
    monkeypatch.setattr("graphfraud.pipeline.DETECTORS", {"ghost": (_GhostDetector, "covisit")})
    return TOY


def test_every_typology_row_is_complete():
    for t in TYPOLOGY_TABLE.values():
        assert t.zh and t.en, t
        assert t.person_role in ROLE_TABLE, t
        assert not t.mostly or t.mostly in contract.VISIT_TYPES, t
        if t.planter:
            assert t.name in typologies.FRAUD and callable(typologies.FRAUD[t.name]), t
    assert sum(t.otherwise for t in TYPOLOGY_TABLE.values()) == 1
    # The roles the code emits, ``patient`` included, are all in the contract.
    assert {"organizer", "doctor", "venue", "recruit", "card_holder", "patient"} == set(contract.ROLES)


def test_a_recruit_is_one_word_everywhere():
    assert term("role", "recruit", "zh") == ROLE_TABLE["recruit"].zh == "被招募人员"
    members = members_table([])
    members.loc[0] = ["R1", "person", "0012", "recruit", 0.5]
    assert "被招募人员" in _cells(build_workbook(rings_table([]), members, lang="zh"))
    assert members_rows(members)["person"][0]["role_zh"] == "被招募人员"


def test_a_toy_typology_flows_from_one_row(ghost):
    assert "ghost_clinic" in kinds() and "ghost_clinic" in typologies.FRAUD
    assert GLOSSARY["typology"]["zh"]["ghost_clinic"] == "幽灵诊所（测试）"
    data, labels = make_world(SynthParams(persons=3000, plant=("ghost_clinic",), seed=11))
    assert set(labels["typology"]) == {"ghost_clinic"}  # planted by its planter

    result = run(data)
    rings, members, reasons = (rings_table(result.rings), members_table(result.rings),
                               reasons_table(result.rings))  # fmt: skip
    top = rings.iloc[0]
    assert top["typology"] == "ghost_clinic"  # named by its detector rule
    e = evaluate(rings, members, labels.astype(str), top=1)
    assert e.found == e.planted == 1 and e.typology_right == 1
    persons = members[(members["ring_id"] == top["ring_id"]) & (members["entity_type"] == "person")]
    assert set(persons["role"]) <= {"patient", "organizer"} and (persons["role"] == "patient").any()
    assert ghost.headline in set(reasons.loc[reasons["ring_id"] == top["ring_id"], "code"])

    # Said in Chinese by the workbook and the Neo4j rows, from the row alone.
    cells = _cells(build_workbook(rings, members, reasons=reasons, lang="zh"))
    assert "幽灵诊所（测试）" in cells and "患者" in cells
    row = rings_rows(rings.astype(str), reasons=reasons)[0]
    assert row["props"]["typology_zh"] == "幽灵诊所（测试）"
