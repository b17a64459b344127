"""benchmarks.ablate: a copy of a world without one optional column group, every other byte kept."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.ablate import GROUPS, copy_without, has_group, summary


def _world(tmp: Path) -> Path:
    w = tmp / "w1"
    w.mkdir()
    (w / "persons.csv").write_text("\ufeffperson_id,sex,address,phone\n0012,F,a1,\n0013,M,a1,p9\n", encoding="utf-8")
    (w / "facilities.csv").write_text('facility_id,name,kind\nH1,"X, 互联网医院",hospital\n', encoding="utf-8")
    (w / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    (w / "doctors.csv").write_text("doctor_id,facility_id\nD1,H1\n", encoding="utf-8")
    pq.write_table(pa.table({"claim_id": ["c1"], "patient_id": ["0012"], "diagnosis": ["J06.9"]}), w / "claims.parquet")
    (w / "claim_items.csv").write_text("claim_id,item_code\nc1,X\n", encoding="utf-8")
    (w / "truth.json").write_text(json.dumps({"planted": []}), encoding="utf-8")
    return w


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_a_group_drops_its_columns_and_keeps_the_rest_as_text(tmp_path: Path) -> None:
    w = _world(tmp_path)
    dropped = copy_without(w, "address", tmp_path / "out")
    assert dropped == {"persons": ["address"]}
    assert _read(tmp_path / "out" / "persons.csv") == [
        ["person_id", "sex", "phone"],
        ["0012", "F", ""],
        ["0013", "M", "p9"],
    ]
    assert _read(tmp_path / "out" / "facilities.csv")[1] == ["H1", "X, 互联网医院", "hospital"]
    assert (tmp_path / "out" / "truth.json").exists()
    copy_without(w, "venue_names", tmp_path / "out")  # a second copy replaces the first
    assert _read(tmp_path / "out" / "facilities.csv") == [["facility_id", "kind"], ["H1", "hospital"]]
    assert _read(tmp_path / "out" / "persons.csv")[0] == ["person_id", "sex", "address", "phone"]


def test_parquet_columns_and_whole_tables(tmp_path: Path) -> None:
    w = _world(tmp_path)
    copy_without(w, "diagnosis", tmp_path / "d")
    assert pq.read_table(tmp_path / "d" / "claims.parquet").column_names == ["claim_id", "patient_id"]
    copy_without(w, "fee_lines", tmp_path / "f")
    assert not (tmp_path / "f" / "claim_items.csv").exists() and (tmp_path / "f" / "claims.parquet").exists()


def test_a_world_without_the_group_is_not_ablated(tmp_path: Path) -> None:
    w = _world(tmp_path)
    assert has_group(w, "phone") and has_group(w, "address") and not has_group(w, "holder")
    assert not has_group(w, "chain") and set(GROUPS) >= {"address", "phone", "venue_names", "fee_lines"}


def test_summary_counts_errors_and_the_worst_world() -> None:
    ok = {"found": 2, "planted": [{}, {}, {}], "typology_right": 2, "benign_in_top_k": 1, "f1": 0.5}
    s = summary([ok, {**ok, "f1": 0.9}, {"error": "boom"}])
    assert (s["found"], s["planted"], s["benign"], s["worst_f1"], s["errors"]) == (4, 6, 2, 0.5, 1)
