"""Induced admissions in waves (issue 14): one hospital busing in one village per wave, each villager at a
few of the waves, is one ring, with or without discharge times; a surgery ward's weekly batches of
different patients, each admitted once, are not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.io.read import read_claims_dir
from graphfraud.params import RunParams
from graphfraud.pipeline import run

from .worlds import write_stays


def _world(tmp_path: Path, *, villages: bool, discharge: bool) -> tuple[Path, list[set[str]]]:
    """A county of 3,000 persons and 6 hospitals (doctor DHh at hospital Hh) with 600 ordinary stays.

    With ``villages``, hospital H0 takes in one of two villages of 18 elderly per wave, every 20 days,
    6 waves in turn (3 per village): a villager comes with 60% of the village's waves, admitted over the
    wave's first two days and kept 7 days; a third of the stays are split (discharged and readmitted 2
    days later, 分解住院).  Without it, H0's surgery ward admits a batch of 8 different patients every
    Monday for 30 weeks and sends them home on the Friday: each patient once.  ``discharge`` writes
    ``end_time``."""
    rng = np.random.default_rng(11)
    rows = []  # patient, hospital, admitted day, discharged day
    groups: list[set[str]] = []
    if villages:
        pools = [[f"V{v}{i:02d}" for i in range(18)] for v in range(2)]
        groups = [set(p) for p in pools]
        for wave in range(6):
            first = 10 + 20 * wave
            for person in pools[wave % 2]:
                if rng.random() >= 0.6:
                    continue
                day = first + int(rng.integers(0, 2))
                if rng.random() < 1 / 3:
                    rows += [(person, 0, day, day + 3), (person, 0, day + 5, day + 9)]
                else:
                    rows.append((person, 0, day, day + 7))
    else:
        for week in range(30):
            rows += [(f"S{week:02d}{i}", 0, 3 + 7 * week, 7 + 7 * week) for i in range(8)]
    town = [f"T{i:04d}" for i in range(3000)]
    for _ in range(600):
        day = int(rng.integers(0, 170))
        rows.append((town[int(rng.integers(0, 3000))], int(rng.integers(0, 6)), day, day + int(rng.integers(2, 10))))
    stays = pd.DataFrame(rows, columns=["patient_id", "hospital", "day", "end"])
    stays["facility_id"] = "H" + stays.pop("hospital").astype(str)
    hospitals = pd.DataFrame({"facility_id": [f"H{i}" for i in range(6)], "kind": "hospital"})
    write_stays(tmp_path, stays, hospitals, town=town, discharge=discharge, total=6000.0, fund=4800.0)
    return tmp_path, groups


@pytest.mark.parametrize("discharge", [True, False])
def test_one_hospitals_villages_in_waves_are_one_ring(tmp_path: Path, discharge: bool) -> None:
    directory, villages = _world(tmp_path, villages=True, discharge=discharge)
    result = run(read_claims_dir(directory), RunParams())
    core = set().union(*villages)
    best = max(result.rings, key=lambda r: len({m.entity_id for m in r.members} & core))
    persons = {m.entity_id for m in best.members if m.entity_type == "person"}
    assert best.typology == "induced_admission"
    assert len(persons & core) >= 0.5 * len(core)  # found whole: one ring holds over half the villagers
    assert all(persons & v for v in villages)  # both villages in it
    assert len(persons - core) <= 0.1 * len(persons)  # and hardly anyone else


def test_a_surgery_wards_weekly_batches_of_different_patients_are_no_ring(tmp_path: Path) -> None:
    # Each batch is admitted together and discharged together, but every patient comes once: no one
    # has two stays, so no organisation has members (the benign look-alike of a wave).
    directory, _ = _world(tmp_path, villages=False, discharge=True)
    result = run(read_claims_dir(directory), RunParams())
    assert not [r for r in result.rings if any(m.entity_id.startswith("S") for m in r.members)]
