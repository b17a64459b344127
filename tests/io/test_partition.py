"""Splitting a claims directory by pooling region (issue 6: a province in bounded memory)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphfraud.errors import ContractError, ParamError
from graphfraud.io.partition import UNKNOWN, hash_strings, load_partition, partition_claims_dir
from graphfraud.io.read import read_claims_dir
from graphfraud.params import ReadParams
from graphfraud.synth import SynthParams, make_world, write_world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("province")
    data, labels = make_world(SynthParams(persons=1500, days=60, seed=4, plant=("staged_clinic", "kickback")))
    write_world(data, labels, root / "parquet", fmt="parquet")
    write_world(data, labels, root / "csv", fmt="csv")
    return root, data


@pytest.fixture(scope="module")
def split(world):
    root, _ = world
    # Small batches and several buckets, so that every path (many batches, many buckets) runs.
    return partition_claims_dir(root / "parquet", root / "parts", buckets=3, batch_rows=1000)


def _regions(part):
    return {name: read_claims_dir(part.path(name)) for name in part.regions}


def test_every_region_validates_and_every_claim_and_fee_line_lands_once(world, split):
    _, data = world
    regions = _regions(split)
    assert sorted(regions) == sorted(set(data.facilities.region) | set(data.pharmacies.region))
    claims = pd.concat([r.claims.claim_id for r in regions.values()])
    assert claims.is_unique and set(claims) == set(data.claims.claim_id)
    lines = pd.concat([r.claim_items[["claim_id", "item_code", "amount"]] for r in regions.values()])
    assert len(lines) == len(data.claim_items)
    key = ["claim_id", "item_code", "amount"]
    pd.testing.assert_frame_equal(
        lines.sort_values(key).reset_index(drop=True).astype(str),
        data.claim_items[key].sort_values(key).reset_index(drop=True).astype(str),
    )
    for name, r in regions.items():
        assert set(r.claim_items.claim_id) <= set(r.claims.claim_id)
        assert split.regions[name]["claims"] == len(r.claims)


def test_claims_go_to_their_venue_region_with_what_they_reference(split):
    for name, r in _regions(split).items():
        region = pd.concat([r.facilities.set_index("facility_id").region, r.pharmacies.set_index("pharmacy_id").region])
        venue = r.claims.facility_id.fillna(r.claims.pharmacy_id)
        assert (venue.map(region) == name).all()
        people = set(r.claims.patient_id) | set(r.claims.holder_id.dropna())
        assert people == set(r.persons.person_id)  # referenced persons, and only those
        assert set(r.claims.doctor_id.dropna()) == set(r.doctors.doctor_id)


def test_rows_keep_the_input_order(world, split):
    _, data = world
    for r in _regions(split).values():
        position = pd.Series(np.arange(len(data.claims)), index=data.claims.claim_id)
        assert position[r.claims.claim_id].is_monotonic_increasing


def test_deterministic_and_csv_input_gives_the_same_regions(world, split, tmp_path):
    root, _ = world
    again = partition_claims_dir(root / "parquet", tmp_path / "again", buckets=3, batch_rows=1000)
    for name in split.regions:
        for f in sorted(split.path(name).iterdir()):
            assert f.read_bytes() == (again.path(name) / f.name).read_bytes(), f
    from_csv = partition_claims_dir(root / "csv", tmp_path / "csv", buckets=2, batch_rows=700)
    assert from_csv.regions == split.regions
    assert load_partition(tmp_path / "csv").regions == from_csv.regions


def test_venue_without_region_goes_to_unknown(world, tmp_path):
    root, data = world
    src = tmp_path / "in"
    shutil.copytree(root / "parquet", src)
    facilities = pq.read_table(src / "facilities.parquet")
    first = facilities.column("facility_id")[0].as_py()
    region = pa.array([None] + facilities.column("region").to_pylist()[1:], pa.string())
    pq.write_table(
        facilities.set_column(facilities.schema.get_field_index("region"), "region", region), src / "facilities.parquet"
    )
    part = partition_claims_dir(src, tmp_path / "out")
    assert list(part.regions)[-1] == UNKNOWN
    unknown = read_claims_dir(part.path(UNKNOWN))
    assert set(unknown.claims.facility_id.dropna()) == {first}
    assert part.regions[UNKNOWN]["claims"] == int((data.claims.facility_id == first).sum())


def test_duplicate_claim_id_across_regions_is_named_with_both_rows(world, tmp_path):
    root, data = world
    src = tmp_path / "in"
    shutil.copytree(root / "parquet", src)
    claims = pq.read_table(src / "claims.parquet")
    ids = claims.column("claim_id").to_pylist()
    ids[10] = ids[2]
    pq.write_table(claims.set_column(0, "claim_id", pa.array(ids, pa.string())), src / "claims.parquet")
    with pytest.raises(
        ContractError,
        match=rf"claims.parquet, row 12, column claim_id: duplicate value {ids[2]} "
        r"\(first seen at row 4\)",
    ):
        partition_claims_dir(src, tmp_path / "out", buckets=4)
    assert not (tmp_path / "out").exists()


def test_hash_is_stable_and_params_are_checked(tmp_path):
    h = hash_strings(pa.chunked_array([["S0000000001", "0123456789"], ["S0000000001"]]))
    assert h[0] == h[2] and h[0] != h[1]
    assert int(h[0]) == 0xA280279C6472664A  # pinned: bucket files must not change between runs or machines
    with pytest.raises(ParamError, match="'buckets' parameter of partition_claims_dir must be an int >= 1. Got 0"):
        partition_claims_dir(tmp_path, tmp_path / "out", buckets=0)


def test_lenient_split_refuses_when_too_many_lines_have_the_wrong_number_of_fields(world, tmp_path):
    root, data = world
    src = tmp_path / "in"
    shutil.copytree(root / "csv", src)
    lines = (src / "claims.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    n = len(lines) - 1
    bad = n // 50 + 1  # just over 2% of the claims
    for i in range(1, bad + 1):
        lines[i] = lines[i].rstrip("\n") + ",extra\n"
    (src / "claims.csv").write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ContractError, match=rf"claims.csv: --lenient would skip {bad:,} of {n:,} rows"):
        partition_claims_dir(src, tmp_path / "out", params=ReadParams(lenient=True), buckets=2)
    assert not (tmp_path / "out").exists()
    part = partition_claims_dir(src, tmp_path / "out", params=ReadParams(lenient=True, max_skipped=0.05), buckets=2)
    assert sum(counts["claims"] for counts in part.regions.values()) == n - bad
