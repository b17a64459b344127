"""Dense care at a public venue (graphfraud.score.public): a 三伏贴 season and a clinic's follow-up patients are care."""

from __future__ import annotations

import dataclasses
import math

import pytest

from graphfraud.score.features import Features
from graphfraud.score.public import follow_up_patients, mass_event, walk_in_patients
from graphfraud.score.wording import say

NAN = math.nan

#: A TCM hospital's 三伏贴 season: 230 persons (children with a parent, elders), each at 5 of the 6 days, a minute
#: apart in the morning, a patch course billed on top of the registration (1.46x the asthma visits elsewhere).
SANFU = Features(
    persons=230, claims=1_150, fund=67_800.0, venue=0, venue_share=1.0, pharmacy_share=0.0, inpatient_share=0.0,
    chronic_share=0.0, top_diagnosis="J45", top_diagnosis_share=0.94, event_days=6, regulars=217, cycle_days=10.0,
    cycle_regularity=0.8, median_arrival_gap=1.0, off_hours_share=0.005, dominance=0.59, cost_ratio=1.46,
    venue_fund_per_claim=40.4, peer_venue_ratio=1.0, ring_fund_per_claim=59.0, out_of_region=0,
    catchment_outside=0.0, out_of_city=0, catchment_outside_city=0.0, attendance=0.83, weekday_share=0.67,
    public_venue=1.0, phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=2,
    addresses=180, median_age=41.0, dup_trace_claims=0, after_death_claims=0, split_admissions=0,
    high_value_share=0.0, private_venue=False, sessions=6, cost_chance=20.2, member_weeks=24.6,
)  # fmt: skip

#: A district hospital's endocrinology clinic: 96 hypertension and diabetes patients, each every ~30 days on their
#: own day, so each is at 4.5% of the 134 days the group was seen on; at the peers' cost.
FOLLOW_UPS = dataclasses.replace(
    SANFU, persons=96, claims=575, fund=28_576.0, chronic_share=0.96, top_diagnosis="I10", top_diagnosis_share=0.54,
    event_days=134, regulars=90, cycle_days=2.0, median_arrival_gap=60.0, off_hours_share=0.012, dominance=0.07,
    cost_ratio=0.99, cost_chance=-0.75, attendance=0.045, sessions=134, median_age=67.0, member_weeks=47.0,
    member_weekly=0.21,
)  # fmt: skip


def test_a_sanfu_season_is_a_mass_event() -> None:
    reason = mass_event(SANFU)
    assert reason is not None and reason.code == "benign_one_off"
    assert "seasonal mass event" in reason.text and "230 persons, each at 83% of only 6 daytime sessions" in reason.text
    zh = say(reason.code, reason.args, "zh")
    assert zh.startswith("疑为公立机构的季节性集中诊疗（如三伏贴") and "230 人各自参加了仅 6 个日间诊疗日中的 83%" in zh


def test_a_mass_event_where_ownership_or_times_are_not_exported() -> None:
    assert mass_event(dataclasses.replace(SANFU, public_venue=NAN)) is not None  # not recorded as private
    assert mass_event(dataclasses.replace(SANFU, off_hours_share=NAN)) is not None  # day data: not judged


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"persons": 60}, "a bus-load or a few: a broker's pool, not a season's queue"),
        ({"sessions": 20, "event_days": 20}, "twenty sessions: a scheme that runs, not a season's few days"),
        ({"sessions": 2, "event_days": 2}, "two days are the one-off event's, not this"),
        ({"attendance": 0.3}, "a rotating pool, not the same persons back for the course"),
        ({"public_venue": 0.0, "private_venue": True}, "at a private clinic"),
        ({"cost_ratio": 2.6}, "billed as a staged clinic bills"),
        ({"cost_ratio": NAN}, "no cost to compare"),
        ({"off_hours_share": 0.4}, "keyed in an evening batch"),
        ({"after_death_claims": 3}, "claims after death void any explanation"),
        ({"inpatient_share": 1.0}, "a free bus to admissions is not a day of outpatient care"),
    ],
)
def test_what_is_not_a_mass_event(change: dict, why: str) -> None:
    assert mass_event(dataclasses.replace(SANFU, **change)) is None, why


def test_a_clinics_monthly_patients_are_follow_ups() -> None:
    reason = follow_up_patients(FOLLOW_UPS)
    assert reason is not None and reason.code == "benign_schedule"
    assert "follow-up patients" in reason.text
    assert "each came on 4% of the group's 134 days over 47 weeks" in reason.text
    assert "standard errors" not in reason.text
    zh = say(reason.code, reason.args, "zh")
    assert zh.startswith("疑为科室的定期复诊患者") and "96 名成员在 47 周内各自只在团伙 134 个就诊日中的 4% 出现" in zh


def test_a_community_centres_monthly_patients_are_its_own() -> None:
    centre = dataclasses.replace(FOLLOW_UPS, primary_venue=True, local_share=0.97, own_cost_ratio=1.05)
    assert follow_up_patients(centre) is not None


def test_follow_ups_a_little_dearer_than_their_peers_by_chance() -> None:
    # a community centre's patients at 1.35x the same visits elsewhere, 2.1 standard errors above them
    reason = follow_up_patients(dataclasses.replace(FOLLOW_UPS, cost_ratio=1.35, cost_chance=2.1))
    assert reason is not None and "2.1 standard errors above them: within chance" in reason.text
    assert "高出 2.1 个标准误" in say(reason.code, reason.args, "zh")
    assert follow_up_patients(dataclasses.replace(FOLLOW_UPS, cost_ratio=1.35, cost_chance=9.0)) is None


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"attendance": 0.25}, "a turnover clinic's recruits come in batches (a tenth to a third of the sessions)"),
        ({"cost_ratio": 1.6, "cost_chance": 20.0}, "billed above the care it imitates"),
        ({"public_venue": 0.0, "private_venue": True}, "at a private clinic"),
        ({"member_weeks": 6.0}, "six weeks are no follow-up programme"),
        ({"member_weekly": 0.45}, "each card billed every two weeks or so: a village doctor's kept cards"),
        ({"member_weekly": 0.0}, "no member on four days or more: no timetable to judge"),
        ({"primary_venue": True, "local_share": 0.12}, "a village clinic's cards whose holders do not come there"),
        ({"primary_venue": True, "local_share": NAN}, "at a primary venue, not known to be the members' own"),
        ({"phone_hub_persons": 6}, "cards bound to one phone: a collector's"),
        ({"pharmacy_share": 1.0}, "a pharmacy's buyers are judged by the refill explanation"),
        ({"off_hours_share": 0.3}, "keyed off hours"),
    ],
)
def test_what_is_not_follow_ups(change: dict, why: str) -> None:
    assert follow_up_patients(dataclasses.replace(FOLLOW_UPS, **change)) is None, why


#: Step 88: a 区中心医院's outpatients (fifthworld held out 11): 314 persons, each on 2% of the group's 156 days
#: (a first visit, a test, a review within a month: weekly, so no department's monthly patients), a median 39 min
#: after one another, at 1.32x the same visits elsewhere.
WALK_INS = dataclasses.replace(
    FOLLOW_UPS, persons=314, claims=1_346, fund=91_345.0, chronic_share=0.0, top_diagnosis="K29",
    top_diagnosis_share=0.14, event_days=156, regulars=147, cycle_days=1.0, median_arrival_gap=39.0,
    off_hours_share=0.024, dominance=0.24, cost_ratio=1.32, cost_chance=8.0, attendance=0.019, sessions=156,
    median_age=58.0, member_weeks=4.0, member_weekly=1.05, member_timetable=0.5,
)  # fmt: skip


def test_a_hospitals_walk_in_patients_are_care() -> None:
    assert follow_up_patients(WALK_INS) is None  # weekly for a month: no follow-up programme
    reason = walk_in_patients(WALK_INS)
    assert reason is not None and reason.code == "benign_schedule"
    assert "walk-in patients" in reason.text
    assert "each came on 2% of the group's 156 days, arriving a median 39 min after one another" in reason.text
    assert "at a venue recorded public" in reason.text
    zh = say(reason.code, reason.args, "zh")
    assert (
        zh.startswith("疑为机构的日常门诊患者") and "成员到达间隔中位数 39 分钟（并非成批到达），机构登记为公立" in zh
    )


def test_walk_ins_a_little_dearer_by_chance() -> None:
    reason = walk_in_patients(dataclasses.replace(WALK_INS, cost_ratio=1.7, cost_chance=2.0))
    assert reason is not None and "2.0 standard errors above them: within chance" in reason.text


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"median_arrival_gap": 5.0}, "a bus-load arrives minutes apart: a turnover clinic's rotated pool"),
        ({"median_arrival_gap": NAN}, "a date-only export shows no arrivals"),
        ({"attendance": 0.45}, "a broker's villagers sent 'some time that day' are back on the same days"),
        ({"sessions": 8, "event_days": 8}, "a few days: a season's or a broker's"),
        ({"cost_ratio": 2.2, "cost_chance": 30.0}, "billed above the care it imitates"),
        ({"public_venue": 0.0, "private_venue": True}, "at a private clinic"),
        ({"public_venue": NAN}, "ownership unknown and 24% of the venue's claims: a broker's clinic may be private"),
        ({"public_venue": NAN, "dominance": 0.21}, "thirdworld's broker clinics live on their villagers (21%)"),
        ({"primary_venue": True, "local_share": 0.12}, "a village doctor's kept cards, keyed one by one"),
        ({"after_death_claims": 2}, "claims after death void any explanation"),
        ({"dup_trace_claims": 3}, "resold drug boxes void any explanation"),
        ({"off_hours_share": 0.5}, "keyed off hours"),
        ({"member_timetable": 0.93}, "physiotherapy sold with gifts: weekly, each on their own weekday"),
        ({"member_weekly": 0.0}, "no member on four days or more: no timetable to judge"),
    ],
)
def test_what_is_not_walk_ins(change: dict, why: str) -> None:
    assert walk_in_patients(dataclasses.replace(WALK_INS, **change)) is None, why


def test_walk_ins_at_a_venue_of_unknown_ownership_are_a_small_share_of_it() -> None:
    """Step 101: the export gives no ownership; 29 persons 1.2% of a hospital's claims, arriving an hour apart."""
    small = dataclasses.replace(WALK_INS, public_venue=NAN, dominance=0.012, persons=29, cost_ratio=1.07)
    reason = walk_in_patients(small)
    assert reason is not None and reason.code == "benign_schedule"
    assert "1.2% of the claims of a venue whose ownership the export does not give; cost 1.07x peers'" in reason.text
    zh = say(reason.code, reason.args, "zh")
    assert "仅占该机构结算的 1.2%（数据未提供机构所有制）" in zh
    assert walk_in_patients(dataclasses.replace(small, dominance=0.031)) is None  # above WALK_IN_UNKNOWN_SHARE
    assert walk_in_patients(dataclasses.replace(small, public_venue=0.0, private_venue=True)) is None


def test_a_piece_is_a_mass_event_when_the_crowd_is() -> None:
    piece = dataclasses.replace(SANFU, persons=91, claims=404, regulars=79)
    assert mass_event(piece) is None  # the piece alone is under MASS_PERSONS
    assert mass_event(piece, lambda: 60) is None  # nor is a broker's pool of 60
    reason = mass_event(piece, lambda: 218)
    assert reason is not None and reason.code == "benign_one_off"
    assert "91 persons" in reason.text and "part of a crowd of 218" in reason.text
    zh = say(reason.code, reason.args, "zh")
    assert "属于这些诊疗日中半数以上在场" in zh and "218 人之列" in zh


def test_the_crowd_is_asked_only_of_a_group_that_is_otherwise_a_mass_event() -> None:
    def never() -> int:
        raise AssertionError("asked")

    assert mass_event(dataclasses.replace(SANFU, persons=91, cost_ratio=2.6), never) is None
    assert mass_event(dataclasses.replace(SANFU, persons=91, public_venue=0.0, private_venue=True), never) is None
    assert mass_event(SANFU, never) is not None  # hundreds in the group itself: the crowd is not needed
