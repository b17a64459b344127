"""Friends' weekday slot of a course sold with gifts at a township centre is not a scheduled cohort.

Physiotherapy sold with gifts (理疗送礼品) at a township health centre: elders of two villages of the township,
each on their own weekdays for months, the same treatment lines billed on every visit.  Friends who keep one slot
together form a dense group that comes to most of its weekly sessions on fixed weekdays at a public institution:
:func:`session_cohort` took that for a scheduled cohort (thirdworld seed 30, issue 14: 20 of a ring's 36 members
set aside in three such slots and the ring missed).  What the timetable and the public venue cannot vouch for is the
bill: the slots cost 1.56-2.00x the same visit type and diagnosis elsewhere, while the county TCM hospital's regulars
on their own weekday slots cost 0.73-1.24x (thirdworld seeds 1-36).
"""

from __future__ import annotations

import dataclasses
import math

from graphfraud.score.features import Features
from graphfraud.score.primary import primary_care_day, village_day
from graphfraud.score.reasons import benign_explanation, session_cohort, weekly_course

#: 7 elders of a township's villages at its health centre on one weekly slot for 33 weeks, each at 70% of the slot's
#: 23 sessions, three treatment lines a visit: 1.84x the peers' cost (thirdworld seed 30).
GIFT_SLOT = Features(
    persons=7, claims=102, fund=6_571.0, venue=0, venue_share=1.0, pharmacy_share=0.0, inpatient_share=0.0,
    chronic_share=0.0, top_diagnosis="M54", top_diagnosis_share=0.4, event_days=23, regulars=6, cycle_days=7.0,
    cycle_regularity=1.0, median_arrival_gap=12.0, off_hours_share=0.0, dominance=0.02, cost_ratio=1.84,
    venue_fund_per_claim=35.0, peer_venue_ratio=2.28, ring_fund_per_claim=64.4, out_of_region=0,
    catchment_outside=0.0, out_of_city=0, catchment_outside_city=0.0, attendance=0.7, weekday_share=1.0,
    public_venue=1.0, phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=1,
    addresses=7, median_age=73.4, dup_trace_claims=0, after_death_claims=0, split_admissions=0,
    high_value_share=0.0, private_venue=False, sessions=23, member_weekly=0.68, member_timetable=0.86,
    member_weeks=33.1, member_course_weeks=34.0, member_regularity=0.58, primary_venue=True, own_cost_ratio=1.8, local_share=1.0,
    session_cycle=7.0, session_regularity=1.0,
)  # fmt: skip

#: 8 town elders at the county TCM hospital who keep one weekly slot together (friends), each at 60% of its 31
#: sessions, at 0.78x the peers' cost (thirdworld seed 26).
TCM_FRIENDS = dataclasses.replace(
    GIFT_SLOT, persons=8, claims=150, top_diagnosis="M47", top_diagnosis_share=0.5, event_days=31, sessions=31,
    attendance=0.6, cost_ratio=0.78, peer_venue_ratio=0.5, median_age=75.5, addresses=8, member_weekly=0.89,
    member_timetable=1.0, member_weeks=27.3, member_course_weeks=28.0, member_regularity=0.84, primary_venue=False, own_cost_ratio=math.nan,
    local_share=math.nan, session_regularity=0.9,
)  # fmt: skip


def test_tcm_regulars_slot_is_a_scheduled_cohort() -> None:
    assert session_cohort(TCM_FRIENDS)
    reason = benign_explanation(TCM_FRIENDS)
    assert reason is not None and reason.code == "benign_schedule"
    assert "cost 0.78x peers'" in reason.text


def test_gift_physio_slot_at_a_township_centre_is_not_explained() -> None:
    assert not session_cohort(GIFT_SLOT) and not weekly_course(GIFT_SLOT)
    assert benign_explanation(GIFT_SLOT) is None
    # nor is it the township's primary care: it costs above the centre's own claims, weekly, not a village day
    assert primary_care_day(GIFT_SLOT) is None and village_day(GIFT_SLOT) is None


def test_the_bill_not_the_timetable_tells_them_apart() -> None:
    # the same slot billed at what the same care costs elsewhere is care; the cheapest gift slot measured is not
    assert benign_explanation(dataclasses.replace(GIFT_SLOT, cost_ratio=0.9)) is not None
    assert benign_explanation(dataclasses.replace(GIFT_SLOT, cost_ratio=1.56)) is None
    # care by its content still holds above the peers' cost: one diagnosis for most claims (a rehabilitation course),
    # up to SCHEDULE_COST (step 103: a roster billed every rota day has one diagnosis and a timetable too)
    one_diagnosis = dataclasses.replace(GIFT_SLOT, top_diagnosis="I63", top_diagnosis_share=0.8, cost_ratio=1.45)
    assert session_cohort(one_diagnosis)
    assert not session_cohort(dataclasses.replace(one_diagnosis, cost_ratio=1.84))
