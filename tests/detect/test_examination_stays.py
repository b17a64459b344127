"""Step 129: a hospital's busloads admitted on one weekday, each elder once, for stays of scans and laboratory tests
(体检式住院 by bus) are a candidate by default; the same weekly batches for operations (a surgery ward's list), or
without fee lines to tell, are not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import coadmit
from graphfraud.detect.coadmit import settled_stays
from graphfraud.detect.outreach import EXAM_MOST, examination_shares, examination_stays
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.errors import ParamError
from graphfraud.params import CoadmitParams

from .worlds import write_stays

WEDNESDAY = 2  # day 2 after 2024-01-01 (a Monday), as write_stays counts
BILLS = {  # share of a stay's 3,000 yuan per fee-line category
    "ordinary": {"drug": 0.55, "treatment": 0.2, "bed": 0.1, "exam": 0.1, "lab": 0.05},
    "checkup": {"exam": 0.6, "lab": 0.2, "drug": 0.1, "bed": 0.1},
    "operation": {"treatment": 0.6, "drug": 0.2, "bed": 0.1, "exam": 0.05, "lab": 0.05},
}


def _world(folder: Path, *, batches: str, items: bool = True) -> tuple[Path, set[str]]:
    """A town of 3,000 and six hospitals H0-H5 with 600 ordinary stays (I10 or E11, mostly drugs and treatment);
    H0 admits 10 different elders on Wednesdays, in 7 of 12 weeks, each once, their stays billed as ``batches``
    ("checkup": scans and tests; "operation": a ward's operating list).  ``items`` writes the fee lines."""
    rng = np.random.default_rng(7)
    rows, kinds, bus = [], [], set()
    for k, week in enumerate([0, 2, 3, 5, 7, 9, 11]):
        for i in range(10):
            who = f"B{k}{i}"
            bus.add(who)
            rows.append((who, "H0", WEDNESDAY + 7 * week, WEDNESDAY + 7 * week + 4))
            kinds.append(batches)
    town = [f"T{i:04d}" for i in range(3000)]
    for _ in range(600):
        day = int(rng.integers(0, 90))
        rows.append((town[int(rng.integers(0, 3000))], f"H{rng.integers(0, 6)}", day, day + int(rng.integers(3, 10))))
        kinds.append("ordinary")
    stays = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "end"])
    hospitals = pd.DataFrame({"facility_id": [f"H{i}" for i in range(6)], "kind": "hospital"})
    write_stays(folder, stays, hospitals, town=town, discharge=True, total=3000.0, fund=2400.0)
    claims = pd.read_csv(folder / "claims.csv", dtype=str)
    claims["diagnosis"] = np.where(rng.random(len(claims)) < 0.5, "I10", "E11.9")
    claims.to_csv(folder / "claims.csv", index=False)
    if items:
        lines = [
            (claim, f"{category}-1", category, category, 1, 3000.0 * share, 3000.0 * share)
            for claim, kind in zip(claims["claim_id"], kinds, strict=True)
            for category, share in BILLS[kind].items()
        ]
        columns = ["claim_id", "item_code", "item_name", "category", "quantity", "unit_price", "amount"]
        pd.DataFrame(lines, columns=columns).to_csv(folder / "claim_items.csv", index=False)
    return folder, bus


def _bus_candidates(folder: Path, bus: set[str], params: CoadmitParams = CoadmitParams()) -> list[set[str]]:
    graph = build_graph(read_claims_dir(folder))
    ids = np.asarray(graph.visits.persons.ids)
    found = [{str(ids[p]) for p in c.persons} for c in coadmit.detect(graph, params)]
    return [p for p in found if p & bus]


def test_a_checkup_bus_on_one_weekday_is_found_by_default(tmp_path: Path) -> None:
    folder, bus = _world(tmp_path, batches="checkup")
    found = _bus_candidates(folder, bus)
    assert len(found) == 1
    assert found[0] == bus  # every elder of the busloads, and none of the ward's patients beside them


def test_a_surgery_wards_weekly_list_is_no_candidate(tmp_path: Path) -> None:
    folder, bus = _world(tmp_path, batches="operation")
    assert _bus_candidates(folder, bus) == []
    # the admissions alone are step 126's bus: what the stays were for is what sets the list apart
    assert _bus_candidates(folder, bus, CoadmitParams(batch_days=5)) != []


def test_without_fee_lines_nothing_tells_so_no_candidate(tmp_path: Path) -> None:
    folder, bus = _world(tmp_path, batches="checkup", items=False)
    assert _bus_candidates(folder, bus) == []


def test_switched_off(tmp_path: Path) -> None:
    folder, bus = _world(tmp_path, batches="checkup")
    assert _bus_candidates(folder, bus, CoadmitParams(exam_days=0)) == []


def test_examination_stays_against_the_same_diagnosis_elsewhere(tmp_path: Path) -> None:
    folder, bus = _world(tmp_path, batches="checkup")
    graph = build_graph(read_claims_dir(folder))
    table = graph.visits.table
    stays = settled_stays(table[table["inpatient"].to_numpy()], graph.data.claims["end_time"])
    ids = np.asarray(graph.visits.persons.ids)
    on_bus = np.isin(ids[stays["person"].to_numpy()], sorted(bus))
    shares = examination_shares(graph, stays["claim"].to_numpy(np.int64))
    assert shares[on_bus] == pytest.approx(0.8) and shares[~on_bus] == pytest.approx(0.15)
    examined = examination_stays(graph, stays, ratio=3.0)
    assert examined[on_bus].all() and not examined[~on_bus].any()
    # a ratio above the check-ups' 0.8 / 0.15 judges none, and most of the bill is needed whatever the ratio
    assert not examination_stays(graph, stays, ratio=6.0).any()
    assert EXAM_MOST > 0.15
    assert not examination_stays(graph, stays, ratio=0.1)[~on_bus].any()


def test_parameters_are_checked() -> None:
    with pytest.raises(ParamError, match="exam_days"):
        CoadmitParams(exam_days=1)
    with pytest.raises(ParamError, match="exam_share"):
        CoadmitParams(exam_share=0.0)
    with pytest.raises(ParamError, match="exam_ratio"):
        CoadmitParams(exam_ratio=0.0)


def test_shares_read_coded_or_as_text_are_the_sums_over_every_line(tmp_path: Path) -> None:
    """The detect command's coded category (``pipeline.CODED_COLUMNS``) and text give the same shares, each
    claim's sums over its own lines alone, for some of the claims asked in any order (one twice)."""
    folder, _ = _world(tmp_path, batches="checkup")
    items = pd.read_csv(folder / "claim_items.csv", dtype={"claim_id": str})
    coded = build_graph(read_claims_dir(folder, codes=("claim_items.category",)))
    text = build_graph(read_claims_dir(folder))
    assert isinstance(coded.data.claim_items["category"].dtype, pd.CategoricalDtype)
    assert not isinstance(text.data.claim_items["category"].dtype, pd.CategoricalDtype)
    claims = np.array([40, 3, 0, 0, 1, 2, 600, 5], dtype=np.int64)
    by_claim = items.assign(exam_paid=items["amount"] * items["category"].isin(["exam", "lab"])).groupby("claim_id")
    ids = text.data.claims["claim_id"].to_numpy()[claims]
    expected = (by_claim["exam_paid"].sum() / by_claim["amount"].sum()).reindex(ids).to_numpy()
    for graph in (coded, text):
        assert examination_shares(graph, claims) == pytest.approx(expected, nan_ok=True)
    assert np.array_equal(examination_shares(coded, claims), examination_shares(text, claims), equal_nan=True)
