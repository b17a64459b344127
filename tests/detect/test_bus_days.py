"""A hospital's free bus (免费体检+包车接送): villagers examined off the bus, minutes apart, many of them admitted that
day or the next, again and again with other villages, is one induced-admission ring even when most villagers are
admitted once; a minibus accident's riders admitted together once, and a company's check-up mornings where nobody
is admitted, are no ring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.io.read import read_claims_dir
from graphfraud.params import RunParams
from graphfraud.pipeline import run


def _world(tmp_path: Path) -> tuple[Path, set[str], set[str], set[str]]:
    """A county of 3,000 townspeople and 4 hospitals H0-H3 (doctor Dh at Hh), 200 days.

    Townspeople: 4,000 outpatient visits at random hours, 1 in 25 of them admitted the same day (an ordinary
    admission from the clinic), and 300 stays of their own.  H0 (a private hospital) runs a bus every 20 days to
    one of three villages of 20 elders in turn (9 trips, 3 a village): 70% of the village rides, each rider gets
    a check-up 2-4 minutes after the one before, and 45% of the riders are admitted that day or the next (most of
    them once).  H1 takes in a minibus accident once: 20 riders of another village, 15 admitted.  H2 examines 40
    employees on two mornings, 2 minutes apart; nobody is admitted.

    Returns the directory and the bus riders, the accident's riders and the employees.
    """
    rng = np.random.default_rng(5)
    rows = []  # person, hospital, minute, visit type, end minute
    town = [f"T{i:04d}" for i in range(3000)]
    for _ in range(4000):
        who, h, day = town[int(rng.integers(0, 3000))], int(rng.integers(0, 4)), int(rng.integers(0, 200))
        minute = day * 1440 + int(rng.integers(8 * 60, 17 * 60))
        rows.append((who, h, minute, "outpatient", minute))
        if rng.random() < 1 / 25:
            rows.append((who, h, minute + 60, "inpatient", minute + 60 + 1440 * int(rng.integers(3, 10))))
    for _ in range(300):
        who, h, day = town[int(rng.integers(0, 3000))], int(rng.integers(0, 4)), int(rng.integers(0, 200))
        minute = day * 1440 + int(rng.integers(8 * 60, 17 * 60))
        rows.append((who, h, minute, "inpatient", minute + 1440 * int(rng.integers(2, 12))))
    villages = [[f"V{v}{i:02d}" for i in range(20)] for v in range(3)]
    riders: set[str] = set()
    for trip in range(9):
        minute = (5 + 20 * trip) * 1440 + 9 * 60
        for person in villages[trip % 3]:
            if rng.random() >= 0.7:
                continue
            riders.add(person)
            minute += int(rng.integers(2, 5))
            rows.append((person, 0, minute, "outpatient", minute))
            if rng.random() < 0.45:
                admitted = minute + 90 + 1440 * int(rng.integers(0, 2))
                rows.append((person, 0, admitted, "inpatient", admitted + 1440 * int(rng.integers(5, 15))))
    crash = [f"C{i:02d}" for i in range(20)]
    minute = 77 * 1440 + 14 * 60
    for k, person in enumerate(crash):
        rows.append((person, 1, minute + 3 * k, "outpatient", minute + 3 * k))
        if k < 15:
            rows.append((person, 1, minute + 120 + k, "inpatient", minute + 1440 * int(rng.integers(4, 12))))
    staff = [f"E{i:02d}" for i in range(40)]
    for day in (30, 31):
        for k, person in enumerate(staff[(day - 30) * 20 : (day - 29) * 20]):
            rows.append((person, 2, day * 1440 + 8 * 60 + 2 * k, "outpatient", day * 1440 + 8 * 60 + 2 * k))
    t = pd.DataFrame(rows, columns=["patient_id", "hospital", "minute", "visit_type", "end"])
    epoch = pd.Timestamp("2024-03-01")
    stamp = lambda m: (epoch + pd.to_timedelta(m, unit="min")).dt.strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
    fund = np.where(t["visit_type"] == "inpatient", 3000.0, 40.0)
    claims = pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"],
        "facility_id": "H" + t["hospital"].astype(str), "doctor_id": "D" + t["hospital"].astype(str),
        "visit_type": t["visit_type"], "start_time": stamp(t["minute"]), "end_time": stamp(t["end"]),
        "total_amount": fund * 1.25, "fund_amount": fund,
    })  # fmt: skip
    claims.to_csv(tmp_path / "claims.csv", index=False)
    persons = sorted(set(t["patient_id"]))
    pd.DataFrame({"person_id": persons}).to_csv(tmp_path / "persons.csv", index=False)
    hospitals = [f"H{i}" for i in range(4)]
    pd.DataFrame({"facility_id": hospitals, "kind": "hospital"}).to_csv(tmp_path / "facilities.csv", index=False)
    pd.DataFrame({"doctor_id": [f"D{i}" for i in range(4)], "facility_id": hospitals}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path, riders, set(crash), set(staff)


def test_a_hospitals_bus_days_are_one_induced_admission_ring(tmp_path: Path) -> None:
    directory, riders, crash, staff = _world(tmp_path)
    result = run(read_claims_dir(directory), RunParams())

    def persons(ring) -> set[str]:  # type: ignore[no-untyped-def]
        return {m.entity_id for m in ring.members if m.entity_type == "person"}

    assert result.rings
    best = max(result.rings, key=lambda r: len(persons(r) & riders))
    assert best.typology == "induced_admission"
    assert len(persons(best) & riders) >= 0.5 * len(riders)  # found whole, most riders admitted once
    assert len(persons(best) - riders) <= 0.1 * len(persons(best))  # hardly a townsman in it
    # once is no scheme (the accident), and a check-up where nobody is admitted is no admission
    assert not [r for r in result.rings if persons(r) & (crash | staff)]
