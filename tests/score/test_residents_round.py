"""A nursing home's residents buying at one pharmacy, seen by the doctor's round (no address, no phone exported).

Thirdworld seed 35 exports neither addresses nor phones: a township centre doctor's monthly round of a nursing home
(敬老院巡诊), whose carer fetches the residents' medicine at one pharmacy, was reported as a kickback and joined to a
planted kickback's organisation.  The residents were seen on round days only, every 30 days; a kickback doctor sees
the patients he sends to the shop as they come.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from graphfraud.score.features import Features
from graphfraud.score.reasons import residents_buying
from graphfraud.score.wording import say

NAN = math.nan

#: The doctor's 24 patients who bought at the pharmacy: seen on 13 days, every 30 days, on no other day.
ROUND = Features(
    persons=24, claims=120, fund=1_900.0, venue=0, venue_share=0.5, pharmacy_share=0.5, inpatient_share=0.0,
    chronic_share=0.0, top_diagnosis="I10", top_diagnosis_share=1.0, event_days=13, regulars=10, cycle_days=30.0,
    cycle_regularity=1.0, median_arrival_gap=15.0, off_hours_share=0.0, dominance=0.01, cost_ratio=0.26,
    venue_fund_per_claim=60.0, peer_venue_ratio=0.4, ring_fund_per_claim=16.0, out_of_region=0,
    catchment_outside=0.0, out_of_city=0, catchment_outside_city=0.0, attendance=0.08, weekday_share=0.46,
    public_venue=1.0, phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=0,
    addresses=0, median_age=78.5, dup_trace_claims=0, after_death_claims=0, split_admissions=0,
    high_value_share=0.0, private_venue=False, sessions=13, session_cycle=30.0, session_regularity=1.0,
)  # fmt: skip


def test_a_home_doctors_round_explains_the_residents_buying_at_one_pharmacy() -> None:
    reason = residents_buying(ROUND)
    assert reason is not None and reason.code == "benign_institution"
    assert "seen on the doctor's round: the 24 patients were seen on 13 days every 30 days" in reason.text
    assert "巡诊" in say(reason.code, reason.args, "zh")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        # a planted county-hospital kickback: patients seen as they come, on dozens of days, no cycle
        ({"event_days": 77, "sessions": 77, "session_cycle": 3.0, "session_regularity": 0.41}, "seen as they came"),
        # the false kickbacks measured on thirdworld 1-36: 10-17 days, a 14-29-day median gap, <= 22% on it
        ({"event_days": 14, "sessions": 14, "session_cycle": 21.0, "session_regularity": 0.08}, "no fixed cycle"),
        ({"session_cycle": 5.0, "event_days": 60, "sessions": 60}, "market days every five days are not a round"),
        ({"event_days": 40}, "seen on many other days too: not a round's patients"),
        ({"persons": 6}, "too few patients for an institution"),
        ({"after_death_claims": 5}, "claims after death void any explanation"),
    ],
)
def test_what_is_not_a_round(change: dict, why: str) -> None:
    assert residents_buying(dataclasses.replace(ROUND, **change)) is None, why
