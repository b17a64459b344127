"""Step 132 (b): a fortnightly village rota kept for months is a timetable, though a five-month export holds 11 of its
sessions.

Seventhworld 19 (round 23's held-out, dev now): a 医共体 doctor's village rota, each village on its weekday every 14
days, its 两病 elders seen there; in the winter export its pieces (9-16 elders) have 11 sessions over 20 weeks, 64-73%
of them per elder, every one on the weekday, at 1.19-1.32x the peers' cost.  With fewer than 12 sessions they went
to step 109's monthly clinic day, whose 15-person and 1.3x bounds left them staged clinics (rank 7).  The planted
phantom rota of the same generator bills weekly (22-44 sessions) at 1.8-2.3x: step 103's bound, not the count.
"""

from __future__ import annotations

import dataclasses

import pytest

from graphfraud.score import reasons
from graphfraud.score.features import Features
from graphfraud.score.reasons import benign_explanation, monthly_timetable, rota_timetable, session_cohort

#: 16 elders of one village on its rota day every 14 days, 11 sessions (seventhworld 19's rank-7 piece).
ROTA = Features(
    persons=16, claims=111, fund=3339.9, venue=0, venue_share=1.0, pharmacy_share=0.0, inpatient_share=0.0,
    chronic_share=0.0, top_diagnosis="I10", top_diagnosis_share=1.0, event_days=11, regulars=15, cycle_days=14.0,
    cycle_regularity=1.0, median_arrival_gap=float("nan"), off_hours_share=float("nan"), dominance=0.27,
    cost_ratio=1.32, venue_fund_per_claim=22.9, peer_venue_ratio=1.31, ring_fund_per_claim=30.1, out_of_region=0,
    catchment_outside=float("nan"), out_of_city=0, catchment_outside_city=float("nan"), attendance=0.64,
    weekday_share=1.0, public_venue=1.0, phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0,
    top_address_persons=2, addresses=13, median_age=64.0, dup_trace_claims=0, after_death_claims=0,
    split_admissions=0, high_value_share=0.0, private_venue=False, sessions=11, session_cycle=14.0,
    session_regularity=1.0,
)  # fmt: skip


def test_a_fortnightly_rota_over_a_quarter_is_a_timetable() -> None:
    assert not monthly_timetable(ROTA)  # step 109's clinic-day bounds: 16 persons at 1.32x
    assert rota_timetable(ROTA) and session_cohort(ROTA)
    reason = benign_explanation(ROTA)
    assert reason is not None and reason.code == "benign_schedule"
    assert session_cohort(dataclasses.replace(ROTA, persons=9, cost_ratio=1.25))  # a smaller piece of the rota


def test_a_rota_billed_above_the_care_or_at_a_private_venue_is_not() -> None:
    assert not session_cohort(dataclasses.replace(ROTA, cost_ratio=1.9))  # step 103: a phantom rota's cost
    assert not session_cohort(dataclasses.replace(ROTA, public_venue=0.0, private_venue=True))
    assert not session_cohort(dataclasses.replace(ROTA, weekday_share=0.5))  # no weekday kept
    assert benign_explanation(dataclasses.replace(ROTA, after_death_claims=3)) is None


def test_monthly_or_short_is_not_a_rota() -> None:
    monthly = dataclasses.replace(ROTA, sessions=8, session_cycle=28.0)  # a monthly day: step 109's bounds
    assert not rota_timetable(monthly) and not session_cohort(monthly)
    # thirdworld 57's village doctor's kept cards: 5 persons on 6 sessions at 1.23x, 10 weeks even at 14 days apart
    kept = dataclasses.replace(ROTA, persons=5, claims=24, sessions=6, attendance=0.67, cost_ratio=1.23)
    assert not rota_timetable(kept) and not session_cohort(kept)
    assert not rota_timetable(dataclasses.replace(ROTA, session_cycle=float("nan")))


def test_off_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reasons, "ROTA_CYCLE", None)
    assert not rota_timetable(ROTA) and not session_cohort(ROTA)
