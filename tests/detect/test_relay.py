"""A staged clinic whose recruits turn over month by month (step 74): its monthly cohorts, each too weak to report,
relieve one another at one clinic with one doctor and are one ring; cohorts at ordinary fees or months apart are not."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import dataclasses

import numpy as np
import pandas as pd
import pytest

from graphfraud.io.read import read_claims_dir
from graphfraud.params import SCORE_RULES, RunParams
from graphfraud.pipeline import run
from graphfraud.score import rings as rings_module

from .worlds import ring_persons, write_town_clinics


def _world(tmp_path: Path, *, fee: float = 140.0, apart: int = 0, own: bool = False, cohorts: int = 5) -> set[str]:
    """A town of 2,000 persons at 20 clinics (fees 40-120), and a staged clinic at C0 (doctor D0) that brings
    ``cohorts`` cohorts of 16 recruits (``Rki``, cohort ``k``) in turn: each cohort on one afternoon a week for four
    weeks, 60% of it each time, billed at ``fee``; the next cohort starts the week after (``apart`` days later
    still).  With ``own`` the town never goes to C0: the cohorts are all its claims.  Returns the recruits."""
    rng = np.random.default_rng(11)
    rows, recruits = [], []
    for k in range(cohorts):
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
    # the relay's own reason (step 131) is not what was billed: five cohorts at ordinary fees are a clinic's
    # monthly patients, and their union, scored as one candidate, is no ring
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


def _relay_rings(tmp_path: Path, *, keep: int, relay: bool = True) -> list[tuple[Counter, dict[str, float]]]:
    """For each reported ring holding recruits of a clinic billing four cohorts at 104 (1.3x the town's typical
    fee), the town keeping ``keep`` tenths of its visits to C0: how many of each cohort the ring holds and its
    reasons' points, with or without the ``relay`` rule."""
    recruits = _world(tmp_path, fee=104.0, cohorts=4)
    claims = pd.read_csv(tmp_path / "claims.csv")
    town_at_c0 = (claims["facility_id"] == "C0") & claims["patient_id"].str.startswith("T")
    claims[~(town_at_c0 & (np.arange(len(claims)) % 10 >= keep))].to_csv(tmp_path / "claims.csv", index=False)
    params = RunParams()
    if not relay:
        rules = tuple(r for r in SCORE_RULES if r.code != "relay")
        params = dataclasses.replace(params, score=dataclasses.replace(params.score, rules=rules))
    result = run(read_claims_dir(tmp_path), params)
    return [
        (Counter(p[:2] for p in ring_persons(r) & recruits), {x.code: x.points for x in r.reasons})
        for r in result.rings
        if ring_persons(r) & recruits
    ]


def test_four_cohorts_taking_turns_at_a_dear_clinic_are_reported_by_their_relay(tmp_path: Path) -> None:
    # step 131: four cohorts billed at 1.3x the town's fees, over RELAY_SHARE of the clinic's claims; their union scores
    # under min_score on its cost and share (as a turnover clinic's cohorts at 45% attendance in a short export);
    # that the clinic's patients were replaced cohort after cohort, with the same doctor, is the organisation's mark
    ((held, points),) = _relay_rings(tmp_path, keep=6)
    assert set(held) == {"R0", "R1", "R2", "R3"}
    assert sum(held.values()) >= 48  # of 64 recruits
    assert points["relay"] == pytest.approx(10.0 * (4 - 2) / (5 - 2), abs=0.01)  # 4 cohorts on the 2-5 ramp
    assert points.get("cost_ratio", 0.0) > 0  # and what was billed: the relay alone is no ring


def test_without_the_relay_reason_the_four_cohorts_stay_unreported(tmp_path: Path) -> None:
    assert _relay_rings(tmp_path, keep=6, relay=False) == []


def test_cohorts_that_are_a_slice_of_a_busy_clinic_score_no_relay(tmp_path: Path) -> None:
    # the same cohorts where the town keeps 8 tenths of its visits to C0: under RELAY_SHARE of the clinic's claims,
    # they are a busy venue's patients taking turns, no clinic replacing its patients, and stay unreported
    assert _relay_rings(tmp_path, keep=8) == []
