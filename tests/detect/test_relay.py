"""A staged clinic whose recruits turn over month by month (step 74): its monthly cohorts, each too weak to report,
relieve one another at one clinic with one doctor and are one ring; cohorts at ordinary fees or months apart are not."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.io.read import read_claims_dir
from graphfraud.params import RunParams
from graphfraud.pipeline import run
from graphfraud.score import rings as rings_module

from .worlds import ring_persons, write_town_clinics


def _world(tmp_path: Path, *, fee: float = 140.0, apart: int = 0, own: bool = False) -> set[str]:
    """A town of 2,000 persons at 20 clinics (fees 40-120), and a staged clinic at C0 (doctor D0) that brings five
    cohorts of 16 recruits (``Rki``, cohort ``k``) in turn: each cohort on one afternoon a week for four weeks, 60%
    of it each time, billed at ``fee``; the next cohort starts the week after (``apart`` days later still).
    With ``own`` the town never goes to C0: the cohorts are all its claims.  Returns the recruits."""
    rng = np.random.default_rng(11)
    rows, recruits = [], []
    for k in range(5):
        cohort = [f"R{k}{i:02d}" for i in range(16)]
        recruits += cohort
        first = 10 + k * (28 + apart)
        for day in range(first, first + 28, 7):
            came = [p for p in cohort if rng.random() < 0.6]
            start = 14 * 60 + np.sort(rng.integers(0, 150, len(came)))
            rows += [(p, "C0", "D0", day, int(m), fee) for p, m in zip(came, start)]
    write_town_clinics(tmp_path, rows, recruits, rng)
    if own:
        claims = pd.read_csv(tmp_path / "claims.csv")
        town_at_c0 = (claims["facility_id"] == "C0") & claims["patient_id"].str.startswith("T")
        claims[~town_at_c0].to_csv(tmp_path / "claims.csv", index=False)
    return set(recruits)


def _cohorts_held(tmp_path: Path, *, fee: float = 140.0, apart: int = 0, own: bool = False) -> list[Counter]:
    """For each reported ring holding recruits: how many of each cohort it holds."""
    recruits = _world(tmp_path, fee=fee, apart=apart, own=own)
    result = run(read_claims_dir(tmp_path), RunParams())
    return [Counter(p[:2] for p in ring_persons(r) & recruits) for r in result.rings if ring_persons(r) & recruits]


def test_monthly_cohorts_of_one_clinic_and_doctor_are_one_ring(tmp_path: Path) -> None:
    held = _cohorts_held(tmp_path)
    assert len(held) == 1
    assert set(held[0]) == {"R0", "R1", "R2", "R3", "R4"}  # every cohort
    assert sum(held[0].values()) >= 60  # of 80 recruits


def test_without_the_relay_no_cohort_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # each cohort alone scores under min_score: no money reason, no lockstep (a month of weekly sessions)
    monkeypatch.setattr(rings_module, "RELAY_GAP", None)
    assert _cohorts_held(tmp_path) == []


def test_cohorts_at_the_town_s_fees_stay_unreported(tmp_path: Path) -> None:
    # the relay adds no points: five cohorts at ordinary fees are a clinic's monthly patients, and their union,
    # scored as one candidate, stays under min_score
    assert _cohorts_held(tmp_path, fee=80.0) == []


def test_cohorts_months_apart_do_not_relieve_one_another(tmp_path: Path) -> None:
    # a month between one cohort's end and the next one's start: no relay, each cohort stays a weak piece
    assert _cohorts_held(tmp_path, apart=30) == []


def test_a_clinic_s_own_monthly_cohorts_at_ordinary_fees_are_not_a_ring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cohorts are all of C0's claims, at the town's fees: their union dominates the clinic and keeps a weekly
    # cycle (17.5 points, over min_score), but that they meet in turn is all it shows; nothing billed is out of
    # the ordinary, so it is no ring (a village's check-up or follow-up cohorts look the same).
    assert _cohorts_held(tmp_path, fee=80.0, own=True) == []
    # without the billed reason (RELAY_NOT_BILLED empty: any reason will do) the same union would be reported
    monkeypatch.setattr(rings_module, "RELAY_NOT_BILLED", frozenset())
    again = tmp_path / "again"
    again.mkdir()
    assert len(_cohorts_held(again, fee=80.0, own=True)) == 1
