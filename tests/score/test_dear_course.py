"""Step 151 (b): a course of near-daily sessions at a clinic not recorded as public, billed above the same care, is
no treatment regimen (graphfraud.score.reasons.dear_course).

A private clinic that keys rehabilitation courses no one took (虚构康复疗程) on its cards keeps the shape of a
course, each card near daily on its own weekdays for two or three weeks, and bills it above the same visits
elsewhere; an honest private rehabilitation course costs what the care costs, and maintenance dialysis (three
sessions a week for months) may cost many times a code's ordinary visits and stays a regimen.
"""

from __future__ import annotations

import dataclasses

import pytest

from graphfraud.score import reasons
from graphfraud.score.reasons import benign_explanation, dear_course, session_cohort
from score.test_village_day import FOLLOW_UP

#: Sixthworld 6's phantom rehabilitation clinic, as its kept-cards candidate's features: 46 cards, each 5.6 times a
#: week on its own weekdays for three calendar weeks, 97% of the private clinic's claims, 2.27x the same care.
PHANTOM_COURSES = dataclasses.replace(
    FOLLOW_UP, persons=46, claims=643, chronic_share=0.0, top_diagnosis="M17", top_diagnosis_share=0.4,
    cost_ratio=2.27, own_cost_ratio=1.10, dominance=0.97, attendance=0.06, sessions=154, weekday_share=0.51,
    cycle_days=1.0, public_venue=0.0, private_venue=True, member_weekly=5.6, member_timetable=1.0,
    member_weeks=1.5, member_course_weeks=3.0, member_regularity=1.0, local_share=0.1, median_age=60.0,
)  # fmt: skip


@pytest.fixture
def bound_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bound as its step measured it (off by default since round 27's merge: honest rehabilitation day
    programmes of two other generators cost more than the same visits elsewhere)."""
    monkeypatch.setattr(reasons, "COURSE_COST", reasons.PEER_COST)


def test_a_dear_course_at_a_private_clinic_is_not_a_regimen(bound_on: None) -> None:
    assert dear_course(PHANTOM_COURSES)
    assert not session_cohort(PHANTOM_COURSES)
    reason = benign_explanation(PHANTOM_COURSES)
    assert reason is None or "treatment regimen" not in reason.text


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"cost_ratio": 1.05}, "an honest private rehabilitation course at the care's cost"),
        ({"public_venue": 1.0, "private_venue": False}, "a public institution's course, judged as before"),
        (
            {"member_weekly": 3.0, "member_course_weeks": 40.0, "cost_ratio": 5.0, "top_diagnosis": "N18"},
            "maintenance dialysis three times a week for months, dear against a code's ordinary visits",
        ),
    ],
)
def test_what_stays_a_regimen(change: dict, why: str, bound_on: None) -> None:
    f = dataclasses.replace(PHANTOM_COURSES, **change)
    assert not dear_course(f), why
    reason = benign_explanation(f)
    assert reason is not None and reason.code == "benign_schedule", why


def test_the_bound_is_off_by_default() -> None:
    assert reasons.COURSE_COST is None
    assert not dear_course(PHANTOM_COURSES)
    reason = benign_explanation(PHANTOM_COURSES)
    assert reason is not None and "treatment regimen" in reason.text  # as before step 151
