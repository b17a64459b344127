"""Step 125: a community grid worker (网格员) who binds the e-vouchers of elders living alone to her phone and fetches
their monthly refills at their public community centre is a helper (代办), not a collector: the phone hub voids no
explanation there (tenthworld 1-6: the refill day in the top K of every world at the start).  The same phone's cards
at a private clinic, swiped every week, or billed at three times the care's cost keep the phone a collector's sign."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.score.features import Features
from graphfraud.score.reasons import HELPER_WEEKLY, benign_explanation, hard_flags, helper_phone, helper_said

Measure = Callable[[Path], Callable[[str], Features]]

#: Each group: (venue, fund per claim, claims a month each, on a phone); 24 persons at 24 addresses, 8 months.
GROUPS = {
    "G": ("C1", 30.0, 1, "grid"),  # the grid worker's elders: one refill day a month at the public centre
    "K": ("P1", 30.0, 1, "keeper"),  # the same at a private clinic: a collector's cards
    "W": ("C1", 30.0, 4, "weekly"),  # the cards swiped every week at the centre
    "D": ("C1", 90.0, 1, "dear"),  # once a month at three times the care's cost
}


def _world(tmp_path: Path) -> Path:
    """800 townspeople at C1 (a public community centre) and P1 (a private clinic), 30 yuan a visit over 240 days,
    each on their own days and phone; then the four groups of :data:`GROUPS`, each on its own fixed weekday.
    Dates only."""
    rng = np.random.default_rng(7)
    rows = []  # person, venue, day, fund
    for _ in range(4000):
        rows.append(
            (
                f"T{int(rng.integers(0, 800)):03d}",
                ["C1", "P1"][int(rng.integers(0, 2))],
                int(rng.integers(0, 240)),
                30.0,
            )
        )
    for g, (prefix, (venue, fund, per_month, _phone)) in enumerate(GROUPS.items()):
        for month in range(8):
            for k in range(per_month):
                day = month * 28 + 7 * k + g  # a fixed weekday of its own (2024-01-01 is a Monday)
                for i in range(24):
                    rows.append((f"{prefix}{i:02d}", venue, day, fund))
    t = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "fund_amount"])
    start_time = (pd.Timestamp("2024-01-01") + pd.to_timedelta(t["day"], unit="D")).dt.strftime("%Y-%m-%d")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": t["facility_id"],
        "doctor_id": "D" + t["facility_id"], "visit_type": "outpatient", "start_time": start_time,
        "total_amount": t["fund_amount"] * 1.2, "fund_amount": t["fund_amount"], "diagnosis": "I10",
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = sorted(set(t["patient_id"]))
    phones = [GROUPS[p[0]][3] if p[0] in GROUPS and int(p[1:]) < 20 else f"ph{p}" for p in persons]
    pd.DataFrame(
        {"person_id": persons, "birth_date": "1944-05-01", "phone": phones, "address": [f"A{p}" for p in persons]}
    ).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame(
        {"facility_id": ["C1", "P1"], "kind": ["community", "clinic"], "ownership": ["public", "private"]}
    ).to_csv(tmp_path / "facilities.csv", index=False)
    pd.DataFrame({"doctor_id": ["DC1", "DP1"], "facility_id": ["C1", "P1"]}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def test_a_grid_workers_monthly_refills_at_the_public_centre_keep_their_explanation(
    tmp_path: Path, measure_by_letter: Measure
) -> None:
    measured = measure_by_letter(_world(tmp_path))
    grid = measured("G")
    assert grid.phone_hub_persons == 20 and grid.primary_venue and grid.public_venue == 1.0
    assert 0 < grid.member_weekly <= HELPER_WEEKLY
    assert helper_phone(grid) and hard_flags(grid) == []
    reason = benign_explanation(grid)
    assert reason is not None and reason.code == "benign_schedule"  # the refill day on the family doctor's weekday
    said = helper_said(grid)
    assert said is not None and said.points == 0.0 and "20 of them on one phone" in said.text and "代办" in said.text


def test_the_same_phone_at_a_private_clinic_weekly_or_dear_is_still_a_collectors_sign(
    tmp_path: Path, measure_by_letter: Measure
) -> None:
    measured = measure_by_letter(_world(tmp_path))
    for letter in "KWD":
        group = measured(letter)
        assert group.phone_hub_persons == 20
        assert not helper_phone(group), letter
        assert hard_flags(group) == ["20 persons of different households on one phone"], letter
        assert benign_explanation(group) is None, letter
        assert helper_said(group) is None, letter
