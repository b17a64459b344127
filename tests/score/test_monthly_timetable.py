"""Step 109: a monthly clinic day kept for months is a timetable, though it has fewer than 12 sessions.

Sixthworld swh19 16: a mine hospital's 职业病 (尘肺) patients on its monthly clinic day, 8 sessions 28 days apart (a
28-week span), 88% of them per patient, every one on its weekday, 83% chronic visits, at 0.68x the peers' cost (no
ownership exported): `session_cohort` stopped at its 12-session floor and the group was in the top K (swh17 7, 9,
swh19 14 the same).  Planted groups on monthly batches are not: swh17 9's fake check-ups came to 43% of their 7
sessions (new faces each batch), a bus admission's batches cost 1.8-3.1x.
"""

from __future__ import annotations

import dataclasses

import pytest

from graphfraud.score import reasons
from graphfraud.score.features import Features
from graphfraud.score.reasons import benign_explanation, monthly_timetable, session_cohort

#: 72 persons at the mine hospital on 8 monthly clinic days (sixthworld swh19 16).
CLINIC_DAY = Features(
    persons=72, claims=521, fund=40_696.8, venue=0, venue_share=1.0, pharmacy_share=0.0, inpatient_share=0.0,
    chronic_share=0.83, top_diagnosis="J60", top_diagnosis_share=0.54, event_days=44, regulars=72, cycle_days=7.0,
    cycle_regularity=0.5, median_arrival_gap=5.0, off_hours_share=0.0, dominance=0.08, cost_ratio=0.68,
    venue_fund_per_claim=115.0, peer_venue_ratio=0.7, ring_fund_per_claim=78.1, out_of_region=0,
    catchment_outside=0.0, out_of_city=0, catchment_outside_city=0.0, attendance=0.88, weekday_share=1.0,
    public_venue=float("nan"), phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=2,
    addresses=70, median_age=58.0, dup_trace_claims=0, after_death_claims=0, split_admissions=0,
    high_value_share=0.0, private_venue=False, sessions=8, session_cycle=28.0, session_regularity=1.0,
)  # fmt: skip

#: 105 persons checked in batches 51 days apart at 1.0x, 43% of 7 sessions each (sixthworld swh17 9, planted).
CHECKUP_BATCHES = dataclasses.replace(CLINIC_DAY, persons=105, chronic_share=0.0, top_diagnosis="Z00",
                                      top_diagnosis_share=1.0, sessions=7, session_cycle=51.0, attendance=0.43,
                                      weekday_share=1.0, cost_ratio=1.0)  # fmt: skip


def test_a_monthly_clinic_day_kept_for_months_is_a_timetable() -> None:
    assert monthly_timetable(CLINIC_DAY) and session_cohort(CLINIC_DAY)
    reason = benign_explanation(CLINIC_DAY)
    assert reason is not None and reason.code == "benign_schedule"


def test_a_few_weeks_or_a_few_sessions_are_not() -> None:
    assert not session_cohort(dataclasses.replace(CLINIC_DAY, sessions=8, session_cycle=7.0))  # 7 weeks
    assert not session_cohort(dataclasses.replace(CLINIC_DAY, sessions=5, session_cycle=28.0))
    assert not session_cohort(dataclasses.replace(CLINIC_DAY, session_cycle=float("nan")))


def test_new_faces_each_batch_or_a_dear_day_are_not() -> None:
    assert not session_cohort(CHECKUP_BATCHES)  # members at under half the sessions
    assert not session_cohort(dataclasses.replace(CLINIC_DAY, cost_ratio=1.4))  # above the peers' cost
    assert not session_cohort(dataclasses.replace(CLINIC_DAY, public_venue=0.0))  # a private clinic


def test_off_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reasons, "TIMETABLE_COST", None)
    assert not session_cohort(CLINIC_DAY)


def test_a_handful_on_a_few_sessions_is_no_clinic_day() -> None:
    """Thirdworld 57: 5 of a village doctor's kept cards on 6 sessions at 1.23x: a piece of his pool, not a list."""
    piece = dataclasses.replace(CLINIC_DAY, persons=5, claims=24, sessions=6, attendance=0.67, cost_ratio=1.23)
    assert not reasons.monthly_timetable(piece)
    assert reasons.monthly_timetable(dataclasses.replace(piece, persons=reasons.TIMETABLE_PERSONS))
