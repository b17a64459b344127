"""Step 118: a monthly clinic day kept on a date of the month is a timetable, whatever weekday the date falls on.

Seventhworld (round 21's held-out 15, dev 12): a 卫生院's or community centre's 两病 (hypertension and diabetes)
patients on its clinic day, the 7th (or the 17th) of each month, chronic visits at the care's cost, 70-95% of them
at each day.  `session_cohort` asked 80% of the sessions on 3 weekdays; the 7th of six months falls on five
weekdays, so the group was reported as a staged clinic (rank 6, 82 of its 101 patients).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from graphfraud.score import reasons
from graphfraud.score.features import Features, _attendances, _monthday_share
from graphfraud.score.reasons import benign_explanation, dated, dated_cohort, session_cohort

#: 84 persons on 6 clinic days, the 7th of each month, 1-2 min apart, chronic visits (seventhworld held-out 15).
DATE_DAY = Features(
    persons=84, claims=419, fund=9_436.5, venue=0, venue_share=0.07, pharmacy_share=0.0, inpatient_share=0.0,
    chronic_share=1.0, top_diagnosis="I10", top_diagnosis_share=0.5, event_days=6, regulars=78, cycle_days=31.0,
    cycle_regularity=0.8, median_arrival_gap=2.0, off_hours_share=0.0, dominance=0.07, cost_ratio=1.0,
    venue_fund_per_claim=25.0, peer_venue_ratio=1.0, ring_fund_per_claim=22.5, out_of_region=0,
    catchment_outside=0.0, out_of_city=0, catchment_outside_city=0.0, attendance=0.83, weekday_share=0.67,
    public_venue=float("nan"), phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=2,
    addresses=80, median_age=63.0, dup_trace_claims=0, after_death_claims=0, split_admissions=0,
    high_value_share=0.0, private_venue=False, sessions=6, session_cycle=31.0, session_regularity=0.8,
    monthday_share=1.0,
)  # fmt: skip


def test_a_clinic_day_on_a_date_of_the_month_is_a_timetable() -> None:
    assert benign_explanation(DATE_DAY) is None and not session_cohort(DATE_DAY)  # its weekdays: 67% on 3
    assert dated_cohort(dataclasses.replace(DATE_DAY, monthday_share=0.5)) is None
    assert dated(DATE_DAY)
    reason = dated_cohort(DATE_DAY)
    assert reason is not None and reason.code == "benign_schedule"
    assert reason.args["monthday_share"] == 1.0 and "date of the month" in reason.text


def test_the_rest_of_the_timetable_still_applies() -> None:
    assert dated_cohort(dataclasses.replace(DATE_DAY, attendance=0.3)) is None  # new faces each day
    assert dated_cohort(dataclasses.replace(DATE_DAY, public_venue=0.0)) is None  # a private clinic's batches
    assert dated_cohort(dataclasses.replace(DATE_DAY, cost_ratio=1.6)) is None  # billed above the care
    assert dated_cohort(dataclasses.replace(DATE_DAY, sessions=4)) is None  # too few months
    assert dated_cohort(dataclasses.replace(DATE_DAY, after_death_claims=3)) is None  # a hard flag voids it


def test_off_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reasons, "DATED_SCHEDULE", False)
    assert dated_cohort(DATE_DAY) is None


def test_the_date_share_is_the_same_group_by_group_and_at_once() -> None:
    seventh = np.array([6, 37, 66, 97, 127, 158])  # the 7th of January to June 2000: five weekdays
    mondays = np.arange(2, 2 + 7 * 12, 7)  # twelve Mondays
    day = np.r_[np.repeat(seventh, 20), np.repeat(mondays, 20)]
    person = np.r_[np.tile(np.arange(20), 6), np.tile(np.arange(20), 12)]
    ring = np.r_[np.zeros(120, dtype=np.int64), np.ones(240, dtype=np.int64)]
    out = _attendances(ring, person, day, 2)
    assert out["monthday_share"].tolist() == [_monthday_share(seventh), _monthday_share(mondays)]
    assert out["monthday_share"][0] == 1.0 and out["monthday_share"][1] < 0.5
