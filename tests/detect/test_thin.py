"""Thin rings (issue 14, steps 31-32 of docs/detection.md): a broker's pool whose sessions the event graph cuts
into several groups is one organisation; an induced admission's small village explained as one household
joins the hospital's ring; a family at a broker's clinic, explained as one household, stays out of his ring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.detect.organise import organisations
from graphfraud.graph.events import venue_events
from graphfraud.io.read import read_claims_dir
from graphfraud.params import RunParams
from graphfraud.pipeline import run

from .worlds import ring_persons, write_stays, write_town_clinics


def test_a_thin_brokers_pool_cut_into_several_groups_of_days_is_one_organisation() -> None:
    # A broker's 17 recruits come to clinic 0 in sessions every 9 days, each session spread over 3 days, each
    # recruit at 45% of the sessions on one of its days: about 2.5 recruits a day, so two days share about one
    # recruit and the event graph cuts the sessions into several groups.  Each recruit's days then fall into
    # more than one group, and judged against one group alone he came mostly "on other days" (devotion).  The
    # clinic has 1,500 ordinary patients (1-2 visits) and 20 regulars (15 visits each on their own days).
    rng = np.random.default_rng(1)
    pool = set(range(17))
    rows = []
    for first in range(0, 300, 9):
        rows += [(p, 0, first + int(rng.integers(0, 3))) for p in sorted(pool) if rng.random() < 0.45]
    for p in range(100, 1600):
        rows += [(p, 0, int(rng.integers(0, 300))) for _ in range(int(rng.integers(1, 3)))]
    for p in range(2000, 2020):
        rows += [(p, 0, int(d)) for d in rng.choice(300, 15, replace=False)]
    for p in sorted(pool):  # the recruits' own care at their own clinics
        rows += [(p, 1 + int(rng.integers(0, 5)), int(rng.integers(0, 300))) for _ in range(int(rng.integers(0, 12)))]
    visits = pd.DataFrame(rows, columns=["person", "venue", "day"])
    visits["minute"] = visits["day"] * 1440 + 600
    visits["claim"] = np.arange(len(visits))
    found = organisations(venue_events(visits, min_persons=3, day_resolution=True), min_persons=5, whole_days=True)
    best = max(found, key=lambda o: len(pool & set(o.persons.tolist())))
    members = set(best.persons.tolist())
    assert len(members & pool) >= 0.5 * len(pool)  # found whole (8 of 17 before step 32)
    assert len(members - pool) <= 0.1 * len(members)  # the clinic's ordinary patients and regulars stay out


def test_an_induced_admissions_small_village_explained_as_one_household_joins_the_hospitals_ring(
    tmp_path: Path,
) -> None:
    # Hospital H0 admits two villages in turn, every 20 days, 60% of a village per wave: 18 villagers and 8.
    # The export has no addresses.  The small village's co-admission group is 5 persons, which one household
    # explains by its size; but a family is not admitted to hospital together wave after wave, and the group
    # is at the hospital of the big village's ring with its doctor: it is a piece of that organisation.
    rng = np.random.default_rng(11)
    pools = [[f"V0{i:02d}" for i in range(18)], [f"V1{i:02d}" for i in range(8)]]
    rows = []
    for wave in range(6):
        for person in pools[wave % 2]:
            if rng.random() < 0.6:
                day = 10 + 20 * wave + int(rng.integers(0, 2))
                rows.append((person, "H0", day, day + 7))
    town = [f"T{i:04d}" for i in range(3000)]
    for _ in range(600):
        day = int(rng.integers(0, 170))
        rows.append(
            (town[int(rng.integers(0, 3000))], f"H{int(rng.integers(0, 6))}", day, day + int(rng.integers(2, 10)))
        )
    stays = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "end"])
    hospitals = pd.DataFrame({"facility_id": [f"H{i}" for i in range(6)], "kind": "hospital"})
    write_stays(tmp_path, stays, hospitals, town=town, discharge=True, total=6000.0, fund=4800.0)
    persons = pd.read_csv(tmp_path / "persons.csv")
    persons[["person_id"]].to_csv(tmp_path / "persons.csv", index=False)  # no addresses
    result = run(read_claims_dir(tmp_path), RunParams())
    big, small = set(pools[0]), set(pools[1])
    ring = max(result.rings, key=lambda r: len(ring_persons(r) & big))
    assert ring.typology == "induced_admission"
    assert len(ring_persons(ring) & small) >= 4  # the small village is in the hospital's ring
    assert not [r for r in result.explained if ring_persons(r) & small]  # and not explained as a household


def test_a_family_at_the_brokers_clinic_explained_as_one_household_stays_out_of_his_ring(tmp_path: Path) -> None:
    # A broker brings 20 recruits to clinic C0 (doctor D0) every week.  A family of five sees the same doctor
    # together on six mornings, minutes apart (lockstep), at ordinary fees; the export has no addresses.  A
    # family going to the doctor together is what one household explains, so it is no piece of his ring.
    rng = np.random.default_rng(7)
    pool, family = [f"A{i:02d}" for i in range(20)], [f"F{i}" for i in range(5)]
    rows = []
    for day in range(3, 300, 7):
        came = [p for p in pool if rng.random() < 0.8]
        start = 20 * 60 + np.cumsum(rng.integers(1, 3, len(came)))
        rows += [(p, "C0", "D0", day, int(m), 260.0) for p, m in zip(came, start)]
    for day in (20, 61, 95, 140, 182, 230):
        rows += [(p, "C0", "D0", day, 10 * 60 + 2 * k, 70.0) for k, p in enumerate(family)]
    write_town_clinics(tmp_path, rows, pool + family, rng)
    result = run(read_claims_dir(tmp_path), RunParams())
    ring = max(result.rings, key=lambda r: len(ring_persons(r) & set(pool)))
    assert len(ring_persons(ring) & set(pool)) == len(pool)
    assert not ring_persons(ring) & set(family)
    assert [r.benign.code for r in result.explained if ring_persons(r) & set(family)] == ["benign_household"]
