"""Step 119: a one-off event's admissions at several times their peers' cost are no one-off care.

Ninthworld 3: one village's 疗养, 67 elders admitted minutes apart in two waves, fund per claim 3.1x the same visit
type and diagnosis' (3,932 vs 1,284 yuan), was explained as "a one-off event (e.g. a group check-up)".  A works
outing's poisoning, admitted together once, costs what the poisoning costs; a check-up day is no admission.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from graphfraud.score import reasons
from graphfraud.score.features import Features
from graphfraud.score.reasons import benign_explanation, dear_admissions

NAN = math.nan

#: A village's two waves of admissions to a 民营医院: 67 persons, 101 claims on 2 days, 2 minutes apart.
WAVES = Features(
    persons=67, claims=101, fund=397_128.6, venue=0, venue_share=1.0, pharmacy_share=0.0, inpatient_share=1.0,
    chronic_share=0.1, top_diagnosis="I63", top_diagnosis_share=0.4, event_days=2, regulars=0, cycle_days=NAN,
    cycle_regularity=NAN, median_arrival_gap=2.0, off_hours_share=0.0, dominance=0.02, cost_ratio=3.06,
    venue_fund_per_claim=3_900.0, peer_venue_ratio=1.0, ring_fund_per_claim=3_932.0, out_of_region=0,
    catchment_outside=0.0, out_of_city=0, catchment_outside_city=0.0, attendance=0.75, weekday_share=1.0,
    public_venue=NAN, phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=3,
    addresses=40, median_age=68.0, dup_trace_claims=0, after_death_claims=0, split_admissions=0,
    high_value_share=0.0, private_venue=False, sessions=2, cost_chance=25.0, member_weeks=1.0,
)  # fmt: skip


def test_dear_admissions_on_two_days_are_not_explained_as_one_off() -> None:
    assert dear_admissions(WAVES)
    assert benign_explanation(WAVES) is None


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"cost_ratio": 1.1, "cost_chance": 0.5}, "a works outing's poisoning, billed as poisonings are"),
        ({"cost_ratio": 1.9, "cost_chance": 6.0}, "dearer, but within the limit: a one-off's extras"),
        ({"cost_ratio": NAN, "cost_chance": NAN}, "no peers to compare with: not judged dear"),
        ({"inpatient_share": 0.0}, "a check-up day: outpatient claims, whatever they cost"),
    ],
)
def test_one_off_events_the_test_leaves_explained(change: dict[str, float], why: str) -> None:
    f = dataclasses.replace(WAVES, **change)
    assert not dear_admissions(f), why
    reason = benign_explanation(f)
    assert reason is not None and reason.code == "benign_one_off", why
    assert reason.args == {"days": 2}


def test_the_limit_off_restores_the_one_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reasons, "ONE_OFF_ADMISSION_COST", None)
    reason = benign_explanation(WAVES)
    assert reason is not None and reason.code == "benign_one_off"
    monkeypatch.setattr(reasons, "ONE_OFF_ADMISSION_COST", 4.5)  # the top of a 3x range: 3.06x is below it
    assert benign_explanation(WAVES) is not None
    monkeypatch.setattr(reasons, "ONE_OFF_ADMISSION_COST", 1.5)
    assert benign_explanation(WAVES) is None
