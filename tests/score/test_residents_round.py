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
from graphfraud.score.reasons import residents_buying, round_cohort
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


#: Otherworld seed 7: a nursing home's residents seen on the community centre's round every 14 days (explained as a
#: scheduled cohort, 147 persons), 72 of whose cards a carer used at one pharmacy after the round; no address, no
#: phone exported.  The doctor-pharmacy pair itself was seen on only 8 days, no cycle to see in it.
HOME_PAIR = dataclasses.replace(
    ROUND, persons=72, event_days=8, sessions=4, session_cycle=56.0, session_regularity=0.33
)
HOME_ROUND = dataclasses.replace(ROUND, persons=147, event_days=26, sessions=26, session_cycle=14.0,
                                 session_regularity=1.0, attendance=0.5)  # fmt: skip


def test_a_pair_whose_patients_are_a_round_explained_at_the_facility_is_its_residents() -> None:
    assert residents_buying(HOME_PAIR) is None  # the pair alone shows no round
    reason = round_cohort(HOME_PAIR, 68, HOME_ROUND)
    assert reason is not None and reason.code == "benign_institution"
    assert "68 of the 72 patients are in a group explained at the doctor's facility" in reason.text
    assert "每 14 天一次巡诊" in say(reason.code, reason.args, "zh")


@pytest.mark.parametrize(
    ("shared", "cohort", "why"),
    [
        (20, HOME_ROUND, "a kickback doctor's patients: a few of them also in the centre's round"),
        (68, dataclasses.replace(HOME_ROUND, session_cycle=2.0), "a dialysis unit's shifts are treatment, not a round"),
        (68, dataclasses.replace(HOME_ROUND, session_regularity=0.2), "a group on no fixed cycle is no round"),
        (
            68,
            dataclasses.replace(
                HOME_ROUND, member_regularity=0.9, member_weeks=20.0, member_course_weeks=21.0, attendance=0.4
            ),
            "a chemotherapy course's patients sent to one shop: a course of treatment, not a round",
        ),
    ],
)
def test_what_is_not_a_rounds_cohort(shared: int, cohort: Features, why: str) -> None:
    assert round_cohort(HOME_PAIR, shared, cohort) is None, why


def test_a_prescribed_kickback_beside_an_explained_round_is_left_as_it_is() -> None:
    # Loaded cards set apart as a kickback (score.rings.prescribed_apart) name shops and sites, not one doctor's
    # facility: a round explained at some facility cannot be their cohort, and the pass must not need a facility.
    import numpy as np

    from graphfraud.detect.candidate import Candidate
    from graphfraud.params import ScoreParams
    from graphfraud.score.rings import Ring, _round_cohorts

    def ring(features: Features, typology: str, benign: object) -> Ring:
        persons = np.arange(features.persons, dtype=np.int64)
        return Ring("R", 0, 50.0, "red", typology, (), persons, persons, 0.0, (), benign, "x", features)  # type: ignore[arg-type]

    rounds = ring(HOME_ROUND, "other", residents_buying(ROUND))
    pair = ring(HOME_PAIR, "kickback", None)
    empty = np.zeros(0, dtype=np.int64)
    prescribed = Candidate("cardload", empty, empty, {"typology": "kickback", "shop": 3, "prescribed": 20})
    steered = Candidate("steering", empty, empty, {"doctor": 0, "pharmacy": 3, "facility": HOME_ROUND.venue})
    rounds_candidate = Candidate("covisit", empty, empty, {})
    kept = _round_cohorts([rounds, pair], [rounds_candidate, prescribed], ScoreParams())
    assert kept[1] is pair  # no facility: not judged, and no KeyError
    judged = _round_cohorts([rounds, pair], [rounds_candidate, steered], ScoreParams())
    assert judged[1].benign is not None and judged[1].typology == "other"  # the same pair with its facility is


def test_a_chains_loaded_cards_pooled_from_collectors_seen_at_their_sessions_give_way_to_them() -> None:
    # A chain's loaded-card ring pooled from four collectors' cards (29 of collector A's 38, 10 of each of B, C
    # and D's 40), every collector seen meeting at its own sessions: only A's ring holds half of the smaller of
    # the two, yet all of them hold every card (10M synth: 76 of 89); the collectors' rings are reported and the
    # card ring, which fills in no one, gives way.  A sparse collector's 30 loaded cards, of which one session
    # of 8 was seen, stay the card ring.
    import numpy as np

    from graphfraud.params import ScoreParams
    from graphfraud.score.rings import Ring, select_rings

    def ring(rid: str, persons: list[int], detector: str) -> Ring:
        codes = np.array(persons, dtype=np.int64)
        return Ring(rid, 0, 100.0, "red", "card_collector", (), codes, codes, 0.0, (), None, detector, ROUND)  # type: ignore[arg-type]

    a = ring("R1", list(range(38)), "covisit")
    others = [ring(f"R{k}", list(range(100 * k, 100 * k + 40)), "covisit") for k in (2, 3, 4)]
    pooled = ring("R0", list(range(29)) + [p for k in (2, 3, 4) for p in range(100 * k, 100 * k + 10)], "cardload")
    kept, _ = select_rings([pooled, a, *others], ScoreParams())
    assert sorted(r.ring_id for r in kept) == ["R1", "R2", "R3", "R4"]
    sparse = ring("R0", list(range(30)), "cardload")
    session = ring("R9", list(range(22, 30)) + [100, 101], "covisit")
    kept, _ = select_rings([sparse, session], ScoreParams())
    assert [r.ring_id for r in kept] == ["R0"]
