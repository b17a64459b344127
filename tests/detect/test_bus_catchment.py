"""Step 135: a tertiary hospital's 异地就医 patients come to its clinic to be admitted (an examination, a stay a day
later), so a morning when several of them arrive together is its catchment, not a bus; the same hospital's bus of
local villagers, admitted at the rate its 异地 patients are, is still one induced-admission ring."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.detect import coadmit
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import CoadmitParams


def _world(tmp_path: Path, *, bus: bool) -> tuple[Path, set[str], set[str]]:
    """A district of 3,000 townspeople (region 330110) and 600 patients insured in other provinces, 3 hospitals
    H0-H2 (doctor Dh at Hh), 200 days.

    Townspeople: 4,000 outpatient visits at random hours, 1 in 25 admitted the same day, and 300 stays of their own.
    异地 patients (H0 only, the tertiary hospital): each an outpatient visit on a morning of their own, 60% of them
    admitted there the next day; on 40 mornings 4-6 of them arrive within minutes (the department's clinic at 8:00).
    With ``bus``, H0 also brings a village of 20 local elders every 20 days (9 trips), 2-4 minutes apart, 60% of the
    riders admitted that day or the next.

    Returns the directory, the 异地 patients and the bus riders.
    """
    rng = np.random.default_rng(7)
    rows = []  # person, hospital, minute, visit type, end minute
    town = [f"T{i:04d}" for i in range(3000)]
    for _ in range(4000):
        who, h, day = town[int(rng.integers(0, 3000))], int(rng.integers(0, 3)), int(rng.integers(0, 200))
        minute = day * 1440 + int(rng.integers(8 * 60, 17 * 60))
        rows.append((who, h, minute, "outpatient", minute))
        if rng.random() < 1 / 25:
            rows.append((who, h, minute + 60, "inpatient", minute + 60 + 1440 * int(rng.integers(3, 10))))
    for _ in range(300):
        who, h, day = town[int(rng.integers(0, 3000))], int(rng.integers(0, 3)), int(rng.integers(0, 200))
        minute = day * 1440 + int(rng.integers(8 * 60, 17 * 60))
        rows.append((who, h, minute, "inpatient", minute + 1440 * int(rng.integers(2, 12))))
    remote = [f"R{i:04d}" for i in range(600)]
    queue = iter(remote)
    for day in sorted(rng.choice(np.arange(1, 198), 40, replace=False).tolist()):  # the clinic's crowded mornings
        minute = day * 1440 + 8 * 60
        for _ in range(int(rng.integers(4, 7))):
            person = next(queue)
            minute += int(rng.integers(1, 4))
            rows.append((person, 0, minute, "outpatient", minute))
            if rng.random() < 0.6:
                rows.append((person, 0, minute + 1440, "inpatient", minute + 1440 * int(rng.integers(5, 12))))
    for person in queue:  # the rest, each on a day of their own
        minute = int(rng.integers(1, 198)) * 1440 + int(rng.integers(8 * 60, 17 * 60))
        rows.append((person, 0, minute, "outpatient", minute))
        if rng.random() < 0.6:
            rows.append((person, 0, minute + 1440, "inpatient", minute + 1440 * int(rng.integers(5, 12))))
    villages = [[f"V{v}{i:02d}" for i in range(20)] for v in range(3)]
    riders: set[str] = set()
    for trip in range(9 if bus else 0):
        minute = (5 + 20 * trip) * 1440 + 13 * 60
        for person in villages[trip % 3]:
            if rng.random() >= 0.7:
                continue
            riders.add(person)
            minute += int(rng.integers(2, 5))
            rows.append((person, 0, minute, "outpatient", minute))
            if rng.random() < 0.6:
                admitted = minute + 90 + 1440 * int(rng.integers(0, 2))
                rows.append((person, 0, admitted, "inpatient", admitted + 1440 * int(rng.integers(5, 15))))
    t = pd.DataFrame(rows, columns=["patient_id", "hospital", "minute", "visit_type", "end"])
    epoch = pd.Timestamp("2024-03-01")
    stamp = lambda m: (epoch + pd.to_timedelta(m, unit="min")).dt.strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
    fund = np.where(t["visit_type"] == "inpatient", 3000.0, 40.0)
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"],
        "facility_id": "H" + t["hospital"].astype(str), "doctor_id": "D" + t["hospital"].astype(str),
        "visit_type": t["visit_type"], "start_time": stamp(t["minute"]), "end_time": stamp(t["end"]),
        "total_amount": fund * 1.25, "fund_amount": fund,
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = sorted(set(t["patient_id"]))
    region = ["530102" if p.startswith("R") else "330110" for p in persons]  # 异地: insured in another province
    pd.DataFrame({"person_id": persons, "region": region}).to_csv(tmp_path / "persons.csv", index=False)
    hospitals = [f"H{i}" for i in range(3)]
    pd.DataFrame({"facility_id": hospitals, "kind": "hospital", "region": "330110"}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"doctor_id": [f"D{i}" for i in range(3)], "facility_id": hospitals}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path, set(remote), riders


def _buses(directory: Path, params: CoadmitParams) -> list[set[str]]:
    graph = build_graph(read_claims_dir(directory))
    ids = np.asarray(graph.visits.persons.ids).astype(str)
    found = coadmit.detect(graph, params)
    return [set(ids[c.persons].tolist()) for c in found if "bus_days" in c.evidence]


def test_the_hospitals_remote_patients_arriving_together_are_its_catchment(tmp_path: Path) -> None:
    directory, remote, _ = _world(tmp_path, bus=False)
    # at the hospital's one rate (the town's outpatients, 1 in 25 admitted) the crowded mornings look like buses ...
    one_rate = _buses(directory, replace(CoadmitParams(), catchment_rate=False))
    assert any(len(b & remote) >= 10 for b in one_rate)
    # ... at the rate its 异地 patients are admitted, they are its catchment
    assert not [b for b in _buses(directory, CoadmitParams()) if b & remote]


def test_a_bus_of_local_villagers_is_still_found_beside_the_catchment(tmp_path: Path) -> None:
    directory, remote, riders = _world(tmp_path, bus=True)
    buses = _buses(directory, CoadmitParams())
    best = max(buses, key=lambda b: len(b & riders))
    assert len(best & riders) >= 0.5 * len(riders)
    # mostly the villagers: at one rate the crowded mornings' 异地 patients outnumbered them in it
    assert len(best & riders) >= 2 * len(best & remote)
    one_rate = max(_buses(directory, replace(CoadmitParams(), catchment_rate=False)), key=lambda b: len(b & riders))
    assert len(one_rate & remote) > len(one_rate & riders)
