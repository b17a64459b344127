"""The diagnostic of docs/detection.md's kickback without doctor ids (benchmarks/kickback_triples.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.kickback_triples import triples


def _world(*, sent: int) -> pd.DataFrame:
    """A city without doctor ids: 3 hospitals, each with its shop next door filling every diagnosis at ordinary
    prices (a tenth of the purchases dear, as a sick person's now and then); at hospital H1 ``sent`` diabetics are
    sent to shop K once or twice each, buying a drug 10x the usual right after the visit."""
    rng = np.random.default_rng(7)
    rows: list[tuple[str, str | None, str | None, str, str, float, str]] = []
    dx = ["E11.9", "J06.9", "I10", "K29.7"]
    for h in range(3):
        for i in range(150):
            p, d = f"p{h}-{i}", dx[i % 4]
            day = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 300)))
            rows.append((p, f"H{h}", None, "outpatient", str(day.date()), 80.0, d))
            price = 30.0 * (10 if rng.random() < 0.1 else 1)
            rows.append((p, None, f"N{h}", "pharmacy", str((day + pd.Timedelta(days=1)).date()), price, d))
    for i in range(sent):
        p = f"k{i}"
        for t in range(1 + i % 2):
            day = pd.Timestamp("2023-02-01") + pd.Timedelta(days=40 * t + i)
            rows.append((p, "H1", None, "outpatient", str(day.date()), 80.0, "E11.9"))
            rows.append((p, None, "K", "pharmacy", str((day + pd.Timedelta(days=1)).date()), 300.0, "E11.9"))
    return pd.DataFrame(
        rows,
        columns=[
            "patient_id",
            "facility_id",
            "pharmacy_id",
            "visit_type",
            "start_time",
            "total_amount",
            "diagnosis",
        ],  # fmt: skip
    )


def _bound(t: pd.DataFrame, facility: str, diagnosis: str, pharmacy: str) -> float:
    row = t[(t["facility_id"] == facility) & (t["diagnosis"] == diagnosis) & (t["pharmacy_id"] == pharmacy)]
    return float(row["bound"].iloc[0])


def test_one_diagnosis_sent_to_a_shop_to_buy_dear_is_beyond_chance_the_shops_next_door_are_not() -> None:
    t = triples(_world(sent=20), ratio=5)
    assert _bound(t, "H1", "E11.9", "K") <= 1e-3  # 20 of 20 dear, where a tenth of the diagnosis's buyers are
    kick = t[t["pharmacy_id"] == "K"]
    assert kick["buyers"].sum() == 20 and kick["dear"].sum() == 20
    # every hospital's shop next door fills all its diagnoses, a tenth of them dear: nothing beyond chance
    assert t[t["pharmacy_id"].str.startswith("N")]["bound"].min() > 1e-3


def test_without_such_patients_no_triple_is_beyond_chance() -> None:
    t = triples(_world(sent=0), ratio=5)
    assert t["bound"].min() > 1e-3
    # a purchase at the usual price is no dear purchase: at a ratio above the drug's 10x the sent are ordinary
    assert _bound(triples(_world(sent=20), ratio=12), "H1", "E11.9", "K") > 1e-3
