"""A village's family-doctor day (graphfraud.score.primary.village_day): explained by its timetable, not its cost.

Signed elders' follow-ups cost a little more than the clinic's walk-in claims (tests and a month's prescription),
so the cost test of :func:`primary_care_day` leaves them out; a village doctor keying cards in an evening batch, a
broker's fortnightly pool and a staged day billed dear are not a village day.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from detect.worlds import ring_persons, write_clinic_world
from graphfraud.io.read import read_claims_dir
from graphfraud.pipeline import run
from graphfraud.score.features import Features
from graphfraud.score.primary import primary_care_day, village_day
from graphfraud.score.wording import say

NAN = math.nan

#: 45 signed elders at their own (private on paper) village clinic every 30 days, minutes apart in the morning,
#: at 1.09x the clinic's other claims (thirdworld seed 35's village day, in the top K before this explanation).
FOLLOW_UP = Features(
    persons=45, claims=500, fund=13_000.0, venue=0, venue_share=1.0, pharmacy_share=0.0, inpatient_share=0.0,
    chronic_share=0.85, top_diagnosis="I10", top_diagnosis_share=0.47, event_days=24, regulars=43, cycle_days=13.0,
    cycle_regularity=0.04, median_arrival_gap=5.0, off_hours_share=0.0, dominance=0.4, cost_ratio=1.16,
    venue_fund_per_claim=24.0, peer_venue_ratio=1.0, ring_fund_per_claim=26.0, out_of_region=0,
    catchment_outside=0.0, out_of_city=0, catchment_outside_city=0.0, attendance=0.75, weekday_share=0.5,
    public_venue=0.0, phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=0,
    addresses=0, median_age=79.0, dup_trace_claims=0, after_death_claims=0, split_admissions=0,
    high_value_share=0.0, private_venue=True, sessions=12, primary_venue=True, own_cost_ratio=1.09, local_share=0.82,
    session_cycle=30.0, session_regularity=1.0,
)  # fmt: skip


def test_a_follow_up_day_dearer_than_walk_ins_is_a_village_day() -> None:
    assert primary_care_day(FOLLOW_UP) is None  # 1.09x the venue's own claims: above the walk-in cost test
    reason = village_day(FOLLOW_UP)
    assert reason is not None and reason.code == "benign_primary"
    assert "12 sessions every 30 days (100% of the gaps within a day of it)" in reason.text
    assert "82% of the 45 members also come there on their own" in reason.text
    zh = say(reason.code, reason.args, "zh")
    assert zh.startswith("疑为村级家庭医生签约随访日") and "每 30 天一次" in zh


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"off_hours_share": 0.45}, "a village doctor keying kept cards in an evening batch"),
        ({"session_cycle": 14.0}, "a broker's pool every fortnight"),
        ({"session_regularity": 0.2}, "cards each billed on their own days: sessions on no fixed cycle"),
        ({"attendance": 0.3}, "a different handful of cards each session, not the signed elders called in"),
        ({"local_share": 0.1}, "recruits who never come to the clinic on their own"),
        ({"own_cost_ratio": 1.7}, "billed far above the clinic's ordinary claims"),
        (
            {"cost_ratio": 5.3, "own_cost_ratio": 1.28},
            "a staged clinic's piece: as dear as the venue's own staged claims",
        ),
        ({"after_death_claims": 3}, "claims on dead villagers' cards void any explanation"),
        ({"primary_venue": False}, "not a primary-care venue"),
        ({"session_cycle": NAN}, "fewer than three sessions: no timetable to see"),
    ],
)
def test_what_is_not_a_village_day(change: dict, why: str) -> None:
    assert village_day(dataclasses.replace(FOLLOW_UP, **change)) is None, why


# End to end: two village clinics of one township.  At V01 the village doctor calls in the 20 signed elders every
# 30 days, in the morning, a follow-up costing 1.1x a walk-in; at V02 another village doctor keys 20 of his
# villagers' cards every 30 days in an evening batch, a minute apart, at the same cost.  Both groups' members also
# see their doctor on their own.
DAYS = ("2024-01-05", "2024-02-04", "2024-03-05", "2024-04-04", "2024-05-04", "2024-06-03", "2024-07-03")


def _world(directory: Path) -> Path:
    elders = [f"E{i:02d}" for i in range(20)]
    cards = [f"K{i:02d}" for i in range(20)]
    locals_ = [f"L{i:02d}" for i in range(40)]
    rows: list[tuple] = []

    def claim(person: str, venue: str, doctor: str, when: str, fund: float) -> None:
        rows.append((person, venue, doctor, when, fund))

    for m, day in enumerate(DAYS):
        for i, elder in enumerate(elders):  # the follow-up day: 3 minutes apart from 08:00, 33 yuan
            claim(elder, "V01", "D1", f"{day} 08:{3 * i:02d}:00", 33.0)
        for i, card in enumerate(cards):  # the evening batch: a minute apart from 21:00, 33 yuan
            claim(card, "V02", "D2", f"{day} 21:{i:02d}:00", 33.0)
        for i, person in enumerate(elders[: 10 + m] + cards[: 10 + m]):  # each group's own walk-in care
            venue, doctor = ("V01", "D1") if person.startswith("E") else ("V02", "D2")
            claim(person, venue, doctor, f"2024-{m + 1:02d}-{12 + i % 14:02d} {9 + i % 8:02d}:{i:02d}:00", 30.0)
        for i, person in enumerate(locals_):  # both clinics' ordinary patients, one at a time
            venue, doctor = ("V01", "D1") if i % 2 else ("V02", "D2")
            claim(person, venue, doctor, f"2024-{m + 1:02d}-{2 + i % 25:02d} {8 + i % 9:02d}:{i:02d}:00", 30.0)
    return write_clinic_world(
        directory,
        facilities="V01,clinic,0,private\nV02,clinic,0,private\nH01,hospital,2,public\n",
        doctors={"D1": "V01", "D2": "V02", "DH": "H01"},
        persons=elders + cards + locals_,
        claims=rows,
    )


def test_the_village_day_is_explained_and_the_evening_batch_is_not(tmp_path: Path) -> None:
    result = run(read_claims_dir(_world(tmp_path / "township")))
    elders = {f"E{i:02d}" for i in range(20)}
    cards = {f"K{i:02d}" for i in range(20)}
    assert not [r for r in result.rings if ring_persons(r) & elders]
    village = [r for r in result.explained if len(ring_persons(r) & elders) >= 15]
    assert village and village[0].benign is not None and "sessions every 30 days" in village[0].benign.text
    batch = [r for r in result.rings if len(ring_persons(r) & cards) >= 15]
    assert batch and batch[0].benign is None and batch[0].typology == "staged_clinic"
