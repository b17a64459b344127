"""Scheduled primary care (graphfraud.score.primary): a village's family-doctor day is care, a staged clinic is not."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from detect.worlds import ring_persons, write_clinic_world
from graphfraud.io.read import read_claims_dir
from graphfraud.pipeline import run
from graphfraud.score.features import Features
from graphfraud.score.primary import primary_care_day
from graphfraud.score.wording import say

NAN = math.nan

#: A village's signed elders seen at their own clinic on one day a month, minutes apart.
VILLAGE_DAY = Features(
    persons=30, claims=180, fund=5_400.0, venue=0, venue_share=1.0, pharmacy_share=0.0, inpatient_share=0.0,
    chronic_share=0.0, top_diagnosis="I10", top_diagnosis_share=0.6, event_days=6, regulars=30, cycle_days=30.0,
    cycle_regularity=1.0, median_arrival_gap=3.0, off_hours_share=0.0, dominance=0.3, cost_ratio=0.9,
    venue_fund_per_claim=33.0, peer_venue_ratio=0.9, ring_fund_per_claim=30.0, out_of_region=0,
    catchment_outside=0.0, out_of_city=0, catchment_outside_city=0.0, attendance=0.8, weekday_share=0.6,
    public_venue=0.0, phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=2,
    addresses=20, median_age=74.0, dup_trace_claims=0, after_death_claims=0, split_admissions=0,
    high_value_share=0.0, private_venue=True, sessions=6, primary_venue=True, own_cost_ratio=0.92, local_share=0.55,
)  # fmt: skip


def test_a_village_follow_up_day_is_scheduled_primary_care() -> None:
    reason = primary_care_day(VILLAGE_DAY)
    assert reason is not None and reason.code == "benign_primary"
    assert "55% of the 30 members also come there on their own" in reason.text
    assert "0.92x the venue's other claims" in reason.text
    zh = say(reason.code, reason.args, "zh")
    assert zh.startswith("疑为成员本地基层医疗机构的定期服务") and "30 名成员中 55%" in zh


def test_a_day_of_care_without_times_of_day_is_not_judged_by_the_hour() -> None:
    reason = primary_care_day(dataclasses.replace(VILLAGE_DAY, off_hours_share=NAN))
    assert reason is not None and reason.code == "benign_primary"
    assert primary_care_day(dataclasses.replace(VILLAGE_DAY, off_hours_share=0.15)) is not None  # a few keyed late


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"own_cost_ratio": 2.4}, "billed above the venue's own ordinary claims"),
        ({"local_share": 0.03}, "recruits who never come to the clinic on their own"),
        ({"primary_venue": False}, "not a primary-care venue (a hospital)"),
        ({"after_death_claims": 4}, "claims after death void any explanation"),
        ({"own_cost_ratio": NAN}, "too few other claims at the venue to know its ordinary cost"),
        ({"pharmacy_share": 1.0}, "a pharmacy's sessions are card collection, not a clinic day"),
        ({"off_hours_share": 0.45}, "keyed in an evening batch: a village doctor's kept cards, not a day of care"),
    ],
)
def test_what_is_not_scheduled_primary_care(change: dict, why: str) -> None:
    assert primary_care_day(dataclasses.replace(VILLAGE_DAY, **change)) is None, why


# End to end: one village clinic (private, as many 村卫生室 are on paper) holding its family-doctor day, and a private
# clinic staging visits for recruits bused in from elsewhere, each clinic with its own ordinary patients.
DAYS = ("2024-01-05", "2024-02-05", "2024-03-05", "2024-04-05", "2024-05-05", "2024-06-05")


def _world(directory: Path) -> Path:
    elders = [f"E{i:02d}" for i in range(20)]
    recruits = [f"R{i:02d}" for i in range(20)]
    locals_ = [f"L{i:02d}" for i in range(30)]
    rows: list[tuple] = []

    def claim(person: str, venue: str, doctor: str, when: str, fund: float) -> None:
        rows.append((person, venue, doctor, when, fund))

    for m, day in enumerate(DAYS):
        for i, elder in enumerate(elders):  # the follow-up day: minutes apart from 08:00, a check-up costs 25 yuan
            claim(elder, "V01", "DV", f"{day} 08:{3 * i:02d}:00", 25.0)
        for i, recruit in enumerate(recruits):  # the staged batch: minutes apart from 14:00, padded to 120 yuan
            claim(recruit, "S01", "DS", f"{day} 14:{2 * i:02d}:00", 120.0)
        for i, elder in enumerate(elders[: 10 + m]):  # elders see their village doctor on their own too
            claim(elder, "V01", "DV", f"2024-{m + 1:02d}-{12 + i % 14:02d} {9 + i % 8:02d}:30:00", 28.0)
        for i, person in enumerate(locals_):  # both clinics' ordinary patients, one at a time
            venue, doctor = ("V01", "DV") if i % 2 else ("S01", "DS")
            claim(person, venue, doctor, f"2024-{m + 1:02d}-{2 + i % 25:02d} {8 + i % 9:02d}:{i:02d}:00", 31.0)
        for i, recruit in enumerate(recruits[:8]):  # recruits' own care is at the county hospital
            claim(recruit, "H01", "DH", f"2024-{m + 1:02d}-{10 + i:02d} 10:{5 * i:02d}:00", 60.0)
    return write_clinic_world(
        directory,
        facilities="V01,clinic,0,private\nS01,clinic,0,private\nH01,hospital,2,public\n",
        doctors={"DV": "V01", "DS": "S01", "DH": "H01"},
        persons=elders + recruits + locals_,
        claims=rows,
    )


def test_the_village_day_is_explained_and_the_staged_clinic_is_still_flagged(tmp_path: Path) -> None:
    result = run(read_claims_dir(_world(tmp_path / "county")))
    staged = [r for r in result.rings if ring_persons(r) & {f"R{i:02d}" for i in range(20)}]
    assert staged and staged[0].typology == "staged_clinic" and staged[0].benign is None
    assert not [r for r in result.rings if ring_persons(r) & {f"E{i:02d}" for i in range(20)}]
    village = [r for r in result.explained if ring_persons(r) & {f"E{i:02d}" for i in range(20)}]
    assert village and village[0].benign is not None and village[0].benign.code == "benign_primary"
