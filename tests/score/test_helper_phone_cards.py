"""Step 132: step 125's helper (代办) test reads what the phone's own cards are used for.  A grid worker's refill day
shares its community centre's days with other regulars who buy a dear inhaler each month on their own cards: the
group's dear share is theirs, not the phone's (tenthworld 9: 0.24 of the group's amount, 0.00 of the phone's cards'),
so the phone stays a helper's.  A phone whose own cards buy the dear items stays a collector's sign."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.score import reasons
from graphfraud.score.features import Features
from graphfraud.score.reasons import HELPER_DEAR, benign_explanation, hard_flags, helper_phone

Measure = Callable[[Path], Callable[[str], Features]]

#: Each group: (diagnosis, fund per claim, a dear inhaler on each claim, phone, weekday offset); 20 persons each,
#: one claim a month for 8 months at C1 (a public community centre).
GROUPS = {
    "G": ("I10", 30.0, False, "grid", 0),  # the grid worker's elders' refills, on her phone
    "O": ("J44", 200.0, True, "", 0),  # other regulars on the same days, their own phones, a dear inhaler each
    "X": ("J44", 200.0, True, "buyer", 2),  # a phone whose own cards buy the inhaler
    "Y": ("I10", 30.0, False, "", 2),  # cheap regulars on the same days as X's, their own phones
}


def _world(tmp_path: Path) -> Path:
    """800 townspeople at C1 over 240 days (I10 at 30 yuan, J44 with a 300-yuan inhaler at 200 yuan of the fund),
    each on their own days and phone; then the groups of :data:`GROUPS`.  Dates only."""
    rng = np.random.default_rng(11)
    rows = []  # person, day, diagnosis, fund, dear
    for _ in range(4000):
        dear = bool(rng.integers(0, 4) == 0)
        rows.append((f"T{int(rng.integers(0, 800)):03d}", int(rng.integers(0, 240)), "J44" if dear else "I10",
                     200.0 if dear else 30.0, dear))  # fmt: skip
    for prefix, (diagnosis, fund, dear, _phone, offset) in GROUPS.items():
        for month in range(8):
            for i in range(20):
                rows.append((f"{prefix}{i:02d}", month * 28 + offset, diagnosis, fund, dear))
    t = pd.DataFrame(rows, columns=["patient_id", "day", "diagnosis", "fund_amount", "dear"])
    ids = [f"K{i:05d}" for i in range(len(t))]
    total = np.where(t["dear"], 330.0, 36.0)
    start_time = (pd.Timestamp("2024-01-01") + pd.to_timedelta(t["day"], unit="D")).dt.strftime("%Y-%m-%d")
    pd.DataFrame({
        "claim_id": ids, "patient_id": t["patient_id"], "facility_id": "C1", "doctor_id": "DC1",
        "visit_type": "outpatient", "start_time": start_time, "total_amount": total, "fund_amount": t["fund_amount"],
        "diagnosis": t["diagnosis"],
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    dear_ids = [c for c, d in zip(ids, t["dear"], strict=True) if d]
    lines = [(c, "X05", "布地奈德福莫特罗吸入剂", "drug", 1, 300.0, 300.0) for c in dear_ids]
    lines += [(c, "T01", "普通门诊诊查费", "treatment", 1, 30.0, 30.0) for c in dear_ids]
    pd.DataFrame(
        lines, columns=["claim_id", "item_code", "item_name", "category", "quantity", "unit_price", "amount"]
    ).to_csv(tmp_path / "claim_items.csv", index=False)
    persons = sorted(set(t["patient_id"]))
    phones = [GROUPS[p[0]][3] or f"ph{p}" if p[0] in GROUPS else f"ph{p}" for p in persons]
    pd.DataFrame(
        {"person_id": persons, "birth_date": "1944-05-01", "phone": phones, "address": [f"A{p}" for p in persons]}
    ).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"facility_id": ["C1"], "kind": ["community"], "ownership": ["public"]}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"doctor_id": ["DC1"], "facility_id": ["C1"]}).to_csv(tmp_path / "doctors.csv", index=False)
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def test_the_grid_phones_cards_are_read_apart_from_the_dear_regulars_beside_them(
    tmp_path: Path, measure_by_letter: Measure, monkeypatch: pytest.MonkeyPatch
) -> None:
    measured = measure_by_letter(_world(tmp_path))
    day = measured("GO")  # the refill day and the inhaler regulars, one group
    assert day.phone_hub_persons == 20
    assert day.high_value_share >= HELPER_DEAR  # the regulars' inhalers
    assert day.phone_hub_dear == 0.0  # the phone's cards: refills only
    assert helper_phone(day) and hard_flags(day) == []
    assert benign_explanation(day) is not None
    monkeypatch.setattr(reasons, "HELPER_DEAR_OWN", False)  # read on the group, as step 125 did
    assert not helper_phone(day)
    assert hard_flags(day) == ["20 persons of different households on one phone"]


def test_a_phone_whose_own_cards_buy_the_dear_items_stays_a_sign(tmp_path: Path, measure_by_letter: Measure) -> None:
    measured = measure_by_letter(_world(tmp_path))
    shop = measured("XY")
    assert shop.phone_hub_persons == 20 and shop.phone_hub_dear >= HELPER_DEAR
    assert not helper_phone(shop)
    assert hard_flags(shop) == ["20 persons of different households on one phone"]
    assert benign_explanation(shop) is None
    assert np.isnan(measured("O").phone_hub_dear)  # no phone hub: not measured
