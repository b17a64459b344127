"""A family's dear examinations are care, a card keeper's dear drugs are goods to resell (synth --vary seed 112: a
family's lumbar MRIs and head CTs at a public hospital were 55% of its amount, over ``FAMILY_DEAR_SHARE``, and the
family stayed in the top K).  The family outing's dear share counts goods only (drugs, herbal pieces,
consumables), by the fee line's category, not its price or name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.score.features import Features
from graphfraud.score.reasons import FAMILY_DEAR_SHARE, HOUSEHOLD_COST, benign_explanation, family_outing

Measure = Callable[[Path], Callable[[str], Features]]


def _world(tmp_path: Path, *, scan: str = "exam") -> Path:
    """600 townspeople (1,500 visits at the county hospital H1, a 20-yuan consultation and a 30-yuan drug each).

    Family F (5 persons, one address) comes to H1 together on 8 days, each member 1-3 minutes after the one
    before: a consultation and a 30-yuan drug, and on one visit in three an MRI (exam, 600 yuan).  Card keeper K
    swipes 5 cards together at the same public hospital on 8 days: a consultation and a 600-yuan drug (category
    ``drug``) on one visit in three.  Both cost far more than the town's visits; only the keeper's dear lines are
    goods.  ``scan`` is the category the family's 600-yuan lines are billed under.
    """
    rng = np.random.default_rng(7)
    rows = []  # person, minute, dear item kind or ""
    town = [f"T{i:03d}" for i in range(600)]
    for _ in range(1500):
        rows.append(
            (town[int(rng.integers(0, 600))], int(rng.integers(0, 200)) * 1440 + int(rng.integers(480, 1020)), "")
        )

    def party(people: list[str], day: int, dear: str) -> None:
        minute = day * 1440 + 540
        for p in people:
            minute += int(rng.integers(1, 4))
            rows.append((p, minute, dear if rng.random() < 1 / 3 else ""))

    family, cards = [f"F{i}" for i in range(5)], [f"K{i}" for i in range(5)]
    for day in range(10, 170, 20):
        party(family, day, scan)
        party(cards, day + 3, "drug")
    t = pd.DataFrame(rows, columns=["patient_id", "minute", "dear"])
    claim = [f"K{i:05d}" for i in range(len(t))]
    items = []
    for c, dear in zip(claim, t["dear"], strict=True):
        items.append((c, "CONSULT", "other", 20.0))
        items.append((c, "DRUG1", "drug", 30.0))
        if dear:
            items.append((c, "DRUG2" if dear == "drug" else "MRI", dear, 600.0))
    lines = pd.DataFrame(items, columns=["claim_id", "item_code", "category", "unit_price"])
    lines["quantity"], lines["amount"] = 1, lines["unit_price"]
    total = lines.groupby("claim_id", sort=False)["amount"].sum().reindex(claim).to_numpy()
    start = (pd.Timestamp("2024-03-01") + pd.to_timedelta(t["minute"], unit="min")).dt.strftime("%Y-%m-%d %H:%M:%S")
    pd.DataFrame({
        "claim_id": claim, "patient_id": t["patient_id"], "facility_id": "H1", "doctor_id": "D1",
        "visit_type": "outpatient", "start_time": start, "total_amount": total, "fund_amount": total * 0.7,
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    lines.to_csv(tmp_path / "claim_items.csv", index=False)
    persons = sorted(set(t["patient_id"]))
    addresses = ["F" if p[0] == "F" else p for p in persons]
    pd.DataFrame({"person_id": persons, "address": addresses}).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"facility_id": ["H1"], "kind": ["hospital"], "ownership": ["public"]}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"doctor_id": ["D1"], "facility_id": ["H1"]}).to_csv(tmp_path / "doctors.csv", index=False)
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def test_a_familys_mris_are_care_and_a_keepers_dear_drugs_are_not(tmp_path: Path, measure_by_letter: Measure) -> None:
    measured = measure_by_letter(_world(tmp_path))

    family = measured("F")
    assert family.cost_ratio > HOUSEHOLD_COST and family.high_value_share >= FAMILY_DEAR_SHARE
    assert family.dear_goods_share == 0.0  # the MRIs are examinations: nothing to resell
    assert family.party_together >= 0.8 and family.attendance >= 0.5 and not family.private_venue
    assert family_outing(family)
    reason = benign_explanation(family)
    assert reason is not None and reason.code == "benign_household"
    # the keeper's five cards come together to the same public hospital, but for dear drugs
    cards = measured("K")
    assert cards.cost_ratio > HOUSEHOLD_COST and cards.party_together >= 0.8 and not cards.private_venue
    assert cards.dear_goods_share >= FAMILY_DEAR_SHARE
    assert not family_outing(cards) and benign_explanation(cards) is None


def test_the_same_lines_billed_as_consumables_count(tmp_path: Path, measure_by_letter: Measure) -> None:
    """The category decides, not the price: the family's 600-yuan lines billed as consumables (goods a keeper can
    sell) leave it no family outing."""
    family = measure_by_letter(_world(tmp_path, scan="consumable"))("F")
    assert (
        family.dear_goods_share == pytest.approx(family.high_value_share)
        and family.dear_goods_share >= FAMILY_DEAR_SHARE
    )
    assert not family_outing(family) and benign_explanation(family) is None


def test_detect_reads_the_category_and_explains_the_family(tmp_path: Path) -> None:
    """End to end through ``graphfraud detect`` (which reads with ``pipeline.UNUSED_COLUMNS`` skipped and
    ``CODED_COLUMNS`` as codes): the family's MRIs are examinations, so the family is explained as a household
    and the ring is the keeper's five cards alone.  Before round 13 detect released the category (every dear line
    then counted as goods): the family and the keeper were one ring of ten."""
    from click.testing import CliRunner

    from graphfraud.cli import main

    out, data = tmp_path / "out", tmp_path / "data"
    data.mkdir()
    result = CliRunner().invoke(main, ["detect", str(_world(data)), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    members = pd.read_csv(out / "ring_members.csv", dtype=str)
    rings, explained = pd.read_csv(out / "rings.csv"), pd.read_csv(out / "explained.csv")
    persons = members.loc[members["entity_type"] == "person", "entity_id"]
    assert len(rings) == 1 and sorted(persons) == [f"K{i}" for i in range(5)]
    assert len(explained) == 1 and explained.loc[0, "persons"] == 5
    codes = pd.read_csv(out / "explained_reasons.csv")["code"]
    assert codes.iloc[0] == "benign_household"
