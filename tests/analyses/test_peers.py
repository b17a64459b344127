"""graphfraud peers and graphfraud.analyses.peers (issue 7): institution signals against peers of the same kind and level."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.errors import ParamError
from graphfraud.analyses.peers import COLUMNS, peer_signals


@pytest.fixture(scope="module")
def table(sample_data):
    return peer_signals(sample_data)


@pytest.fixture(scope="module")
def venues(sample_dir):
    labels = pd.read_csv(sample_dir / "labels.csv", dtype=str)
    inst = labels[labels.entity_type.isin(["facility", "pharmacy"])]
    return dict(zip(inst.ring_id, inst.entity_id))


def _row(table, entity_id):
    rows = table[table.entity_id == entity_id]
    assert len(rows) == 1, f"{entity_id} not flagged"
    return rows.iloc[0]


def test_table_shape_and_ranking(table):
    assert list(table.columns) == COLUMNS
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    assert table["score"].is_monotonic_decreasing and (table["score"] > 0).all()
    assert table["reasons"].str.len().gt(10).all()


def test_planted_venues_are_flagged_with_the_right_signal(table, venues):
    split = _row(table, venues["induced_admission:01"])
    assert "split_admission" in split.signals and split.split_admissions >= 3
    assert "admissions within 3 days" in split.reasons
    dead = _row(table, venues["card_collector:01"])
    assert "after_death" in dead.signals and f"{dead.claims_after_death} claims after" in dead.reasons
    clinic = _row(table, venues["staged_clinic:01"])
    assert clinic.signals.startswith("category_share") and clinic.peer_group == "clinic level 0"


def test_claims_after_death_counts_a_new_death(sample_data):
    claims = sample_data.claims
    pid = claims.loc[claims["facility_id"].notna(), "patient_id"].value_counts().index[0]
    persons = sample_data.persons.copy()
    persons.loc[persons.person_id == pid, "death_date"] = pd.Timestamp("2024-01-01")
    mine = claims[claims.patient_id == pid]
    venue = mine["facility_id"].fillna(mine["pharmacy_id"]).value_counts().index[0]
    expected = int(
        (
            (mine["facility_id"].fillna(mine["pharmacy_id"]) == venue)
            & (mine["start_time"].dt.normalize() > pd.Timestamp("2024-01-01"))
        ).sum()
    )
    before = peer_signals(sample_data)
    base = int(before.loc[before.entity_id == venue, "claims_after_death"].sum())
    after = peer_signals(dataclasses.replace(sample_data, persons=persons))
    assert _row(after, venue).claims_after_death == base + expected


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"min_claims": 0}, "'min_claims' parameter of peer_signals must be an int >= 1. Got 0 instead."),
        ({"split_days": -1}, "'split_days'"),
        ({"share_ratio": 1.0}, "'share_ratio'"),
        ({"dominant_share": 1.5}, "'dominant_share'"),
    ],
)
def test_bad_params(sample_data, kwargs, match):
    with pytest.raises(ParamError, match=match):
        peer_signals(sample_data, **kwargs)


def test_cli_peers(sample_dir, tmp_path, table):
    runner = CliRunner()
    res = runner.invoke(main, ["peers", str(sample_dir), "--top", "3", "-q"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].split()[:2] == ["rank", "institution"] and len(lines) == 4
    out = tmp_path / "peers.csv"
    res = runner.invoke(main, ["peers", str(sample_dir), "--out", str(out), "-q"])
    assert res.exit_code == 0
    written = pd.read_csv(out, dtype={"entity_id": str}, keep_default_na=False)
    # --out ranks every institution with a claim; the flagged ones keep their signals
    assert set(table["entity_id"]) <= set(written["entity_id"]) and len(written) > len(table)
    flagged = written.set_index("entity_id").loc[table["entity_id"], "peer_signals"]
    assert flagged.tolist() == table["signals"].tolist()
    assert "Example:" in runner.invoke(main, ["peers", "--help"]).output
