"""graphfraud expand and graphfraud.analyses.expand (issue 7): seed expansion by personalised PageRank."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.errors import ContractError, ParamError
from graphfraud.analyses.expand import entity_graph, expand, read_seeds


@pytest.fixture(scope="module")
def graph(sample_data):
    return entity_graph(sample_data)


@pytest.fixture(scope="module")
def labels(sample_dir):
    return pd.read_csv(sample_dir / "labels.csv", dtype=str)


def _ring_persons(labels, ring_id):
    return labels[(labels.ring_id == ring_id) & (labels.entity_type == "person")].entity_id.tolist()


def test_two_seeds_of_a_staged_clinic_rank_the_rest_of_the_ring_first(graph, labels):
    ring = _ring_persons(labels, "staged_clinic:01")
    seeds, others = ring[:2], set(ring[2:])
    ranking = expand(graph, [graph.index[("person", p)] for p in seeds], top=len(others) + 20, entity_types=("person",))
    assert not set(ranking.entity_id) & set(seeds)
    labelled = set(labels.entity_id)
    ordinary = ranking[~ranking.entity_id.isin(labelled)]
    members = ranking[ranking.entity_id.isin(others)]
    # nearly every other member is found, and all of them rank above the first ordinary person
    assert len(members) >= 0.9 * len(others)
    top = ranking.head(len(others))
    assert top.entity_id.isin(others).mean() >= 0.9
    assert members["rank"].median() < ordinary["rank"].min()
    # every ranked member is tied to a seed by a path of ids that starts at a seed and ends at it
    row = members.iloc[0]
    hops = row.path.split(" -> ")
    assert hops[0] in seeds and hops[-1] == row.entity_id and row.hops == len(hops) - 1


def test_ring_venue_and_doctors_rank_first_overall(graph, labels):
    ring = _ring_persons(labels, "staged_clinic:01")
    ranking = expand(graph, [graph.index[("person", p)] for p in ring[:2]], top=4)
    venue = labels[(labels.ring_id == "staged_clinic:01") & (labels.entity_type == "facility")].entity_id.iloc[0]
    assert ranking.iloc[0].entity_id == venue


def test_without_type_persons_rank_beside_venues(graph, labels):
    # issue 16: from 2 person seeds without --type the top 50 held only venues and doctors; scores
    # relative to the best of each entity type put the ring's persons in as well
    ring = _ring_persons(labels, "staged_clinic:01")
    ranking = expand(graph, [graph.index[("person", p)] for p in ring[:2]], top=50)
    kinds = ranking.entity_type.value_counts()
    assert kinds["person"] >= 30 and {"doctor", "facility"} <= set(kinds.index)
    assert ranking.entity_id.isin(ring[2:]).sum() >= 0.9 * len(ring[2:])
    # its venue and doctors are still in the top, each type's best at relative 1.0
    ring_staff = labels[(labels.ring_id == "staged_clinic:01") & (labels.entity_type != "person")].entity_id
    assert set(ring_staff) <= set(ranking.head(20).entity_id)
    assert (ranking.groupby("entity_type").relative.max() == 1.0).all()
    # one type asked for: the same order as by raw score
    persons = expand(graph, [graph.index[("person", p)] for p in ring[:2]], top=50, entity_types=("person",))
    assert persons.score.is_monotonic_decreasing


def test_deterministic(graph, labels):
    seeds = [graph.index[("person", p)] for p in _ring_persons(labels, "kickback:01")[:2]]
    assert expand(graph, seeds, top=30).equals(expand(graph, seeds, top=30))


def test_bad_params(graph):
    with pytest.raises(ParamError, match="'top' parameter of expand"):
        expand(graph, [0], top=0)
    with pytest.raises(ParamError, match="'damping'"):
        expand(graph, [0], damping=1.5)
    with pytest.raises(ParamError, match="'seeds'"):
        expand(graph, [])


@pytest.mark.parametrize(
    "text, match",
    [
        (
            "entity_type,entity_id\nperson,0013088156\ndoctor,D000000000\n",
            r"seeds.csv, row 3, column entity_id: unknown doctor id 'D000000000'",
        ),
        ("entity_type,entity_id\nnurse,N1\n", r"seeds.csv, row 2, column entity_type: 'nurse' is not one of"),
        ("type,entity_id\nperson,0013088156\n", r"seeds.csv, row 1, column entity_type: required column missing"),
        ("entity_type,entity_id\n", r"seeds.csv: no seeds"),
    ],
)
def test_read_seeds_errors_name_file_row_column(graph, tmp_path, text, match):
    path = tmp_path / "seeds.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContractError, match=match):
        read_seeds(path, graph)


def test_read_seeds_accepts_bom_and_spaces(graph, tmp_path, labels):
    person = _ring_persons(labels, "staged_clinic:01")[0]
    path = tmp_path / "seeds.csv"
    path.write_text(f"\ufeffentity_type, entity_id\nperson, {person}\nperson,{person}\n", encoding="utf-8")
    assert read_seeds(path, graph) == [graph.index[("person", person)]]


def test_cli_expand(sample_dir, tmp_path, labels):
    seeds = tmp_path / "known.csv"
    ring = _ring_persons(labels, "staged_clinic:01")
    seeds.write_text("entity_type,entity_id\n" + "".join(f"person,{p}\n" for p in ring[:2]), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(
        main, ["expand", str(sample_dir), "--seeds", str(seeds), "--top", "5", "--type", "person", "-q"]
    )
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].split()[:3] == ["rank", "entity_type", "entity_id"] and len(lines) == 6
    out = tmp_path / "ranked" / "expand.csv"
    res = runner.invoke(main, ["expand", str(sample_dir), "--seeds", str(seeds), "--out", str(out), "-q"])
    assert res.exit_code == 0 and len(pd.read_csv(out)) == 50
    seeds.write_text("entity_type,entity_id\nperson,NOBODY\n", encoding="utf-8")
    res = runner.invoke(main, ["expand", str(sample_dir), "--seeds", str(seeds), "-q"])
    assert res.exit_code == 1 and "known.csv, row 2, column entity_id" in res.output
    assert "Example:" in runner.invoke(main, ["expand", "--help"]).output
