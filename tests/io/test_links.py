"""Foreign-key links: the validator's key checks give every id's row in its table, once.

Later stages (graph building, claim facts) use these rows instead of hashing
ten million ids again; they must give exactly what hashing gives, also after
``--lenient`` dropped rows.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.graph.build import build_visits
from graphfraud.io.read import read_claims_dir
from graphfraud.io.validate import validate
from graphfraud.params import ReadParams

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _ref_rows(values: pd.Series, keys: pd.Series) -> np.ndarray:
    where = {k: i for i, k in enumerate(keys)}
    return np.array([where.get(v, -1) if pd.notna(v) else -1 for v in values])


def _assert_links_true(data) -> None:
    for name, ref, key in [
        ("patient_id", "persons", "person_id"),
        ("holder_id", "persons", "person_id"),
        ("facility_id", "facilities", "facility_id"),
        ("pharmacy_id", "pharmacies", "pharmacy_id"),
        ("doctor_id", "doctors", "doctor_id"),
    ]:
        rows = data.link("claims", name)
        assert rows is not None and rows.dtype == np.int32
        np.testing.assert_array_equal(rows, _ref_rows(data.claims[name], data.table(ref)[key]), err_msg=name)
    items = data.link("claim_items", "claim_id")
    np.testing.assert_array_equal(items, _ref_rows(data.claim_items["claim_id"], data.claims["claim_id"]))


def test_links_point_at_the_referenced_rows(world):
    _assert_links_true(read_claims_dir(world()))


def test_links_follow_rows_dropped_under_lenient(world):
    persons = world.edit("persons", 3, "sex", "X")  # person 0002 skipped, and claim C0002 with it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = read_claims_dir(world(persons=persons), ReadParams(lenient=True, max_skipped=1))
    assert "C0002" not in set(data.claims["claim_id"])
    _assert_links_true(data)


def test_replaced_table_drops_its_links(world):
    data = read_claims_dir(world())
    shorter = dataclasses.replace(data, claims=data.claims.iloc[:2])
    assert shorter.link("claims", "patient_id") is None
    assert data.link("claims", "patient_id") is not None


@pytest.mark.parametrize("source", ["read", "validate"])
def test_visits_from_links_equal_visits_from_hashing(source):
    data = read_claims_dir(SAMPLE)
    unlinked = dataclasses.replace(data, links={})
    linked = data if source == "read" else validate(unlinked)
    assert linked.links
    a, b = build_visits(linked), build_visits(unlinked)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.persons.ids.tolist() == b.persons.ids.tolist()


def test_claim_facts_from_links_equal_facts_from_hashing():
    from graphfraud.graph.build import build_graph
    from graphfraud.score.features import claim_facts

    data = read_claims_dir(SAMPLE)
    unlinked = dataclasses.replace(data, links={})
    focus = np.arange(0, len(data.claims), 3)
    a, b = claim_facts(build_graph(data), focus), claim_facts(build_graph(unlinked), focus)
    for name in ("dup_trace", "high_value", "after_death", "split"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.dup_trace.any() and a.high_value.any()


def test_run_on_released_columns_equals_run_on_full_tables():
    """detect reads with UNUSED_COLUMNS skipped: ids are followed through the links, results are the same."""
    from graphfraud.pipeline import UNUSED_COLUMNS, run
    from graphfraud.score.rings import members_table, rings_table

    lean = read_claims_dir(SAMPLE, skip=UNUSED_COLUMNS)
    full = read_claims_dir(SAMPLE)
    assert lean.claims["patient_id"].isna().all() and lean.claim_items["claim_id"].isna().all()
    a, b = run(lean), run(full)
    pd.testing.assert_frame_equal(rings_table(a.rings), rings_table(b.rings))
    pd.testing.assert_frame_equal(members_table(a.rings), members_table(b.rings))
    with pytest.raises(ValueError, match="released by the reader without links"):
        build_visits(dataclasses.replace(lean, links={}))
