"""A weekly course at a venue whose ownership the export drops: care when it costs what the same care costs.

The regulars of a county TCM hospital's acupuncture room (each elder on their own weekday for months, friends in
pairs; thirdworld seeds 15 and 19, where the export dropped ``facilities.ownership``) were reported as staged
clinics, since :func:`weekly_course` asked for a public institution.  A course sold with gifts (理疗送礼品) bills
above the care it imitates, wherever it is given, and is not explained.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from graphfraud.score.features import Features
from graphfraud.score.reasons import benign_explanation, weekly_course

NAN = math.nan

#: 19 town elders at the county TCM hospital, each on their own weekday for 33 weeks, at 0.72x the peers' cost;
#: the hospital's ownership unknown.
TCM_REGULARS = Features(
    persons=19, claims=447, fund=15_826.0, venue=0, venue_share=1.0, pharmacy_share=0.0, inpatient_share=0.0,
    chronic_share=0.0, top_diagnosis="M54", top_diagnosis_share=0.51, event_days=99, regulars=18, cycle_days=3.0,
    cycle_regularity=0.57, median_arrival_gap=16.0, off_hours_share=0.0, dominance=0.06, cost_ratio=0.72,
    venue_fund_per_claim=49.0, peer_venue_ratio=1.12, ring_fund_per_claim=35.4, out_of_region=0,
    catchment_outside=0.0, out_of_city=0, catchment_outside_city=0.0, attendance=0.26, weekday_share=1.0,
    public_venue=NAN, phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=1,
    addresses=19, median_age=76.7, dup_trace_claims=0, after_death_claims=0, split_admissions=0,
    high_value_share=0.0, private_venue=False, sessions=99, member_weekly=0.85, member_timetable=1.0,
    member_weeks=33.0, member_course_weeks=34.0, member_regularity=0.81,
)  # fmt: skip


def test_tcm_regulars_at_a_hospital_of_unknown_ownership_are_a_weekly_course() -> None:
    assert weekly_course(TCM_REGULARS)
    reason = benign_explanation(TCM_REGULARS)
    assert reason is not None and reason.code == "benign_schedule"
    assert "100% of them on 3 fixed weekdays; cost 0.72x peers'" in reason.text


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"cost_ratio": 1.71}, "physiotherapy sold with gifts at a venue of unknown ownership (thirdworld seed 15)"),
        ({"cost_ratio": 1.05}, "the cheapest course sold with gifts measured (a private clinic, thirdworld seed 27)"),
        ({"public_venue": 0.0, "cost_ratio": 0.72}, "at a private clinic the cost does not vouch for the care"),
        ({"member_timetable": 0.4, "weekday_share": 0.5}, "members who come on any weekday: no timetable at all"),
        ({"after_death_claims": 2}, "claims after death void any explanation"),
    ],
)
def test_what_is_not_a_weekly_course(change: dict, why: str) -> None:
    assert benign_explanation(dataclasses.replace(TCM_REGULARS, **change)) is None, why


def test_friends_on_one_weekly_slot_at_a_hospital_of_unknown_ownership_are_a_session_cohort() -> None:
    # seed 15's pairs and triads of friends who keep one slot together: each at 63-78% of the group's 27-38 weeks
    friends = dataclasses.replace(TCM_REGULARS, persons=10, attendance=0.76, sessions=38, weekday_share=1.0,
                                  cost_ratio=0.77)  # fmt: skip
    reason = benign_explanation(friends)
    assert reason is not None and reason.code == "benign_schedule"
    assert benign_explanation(dataclasses.replace(friends, cost_ratio=1.71)) is None  # courses with gifts
    assert benign_explanation(dataclasses.replace(friends, public_venue=0.0)) is None  # a private clinic's batch
