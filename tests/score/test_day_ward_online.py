"""Fifthworld's benign groups: a day ward's one-day stays (日间化疗) and an internet hospital's patients (互联网医院)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest

from graphfraud.score import reasons
from graphfraud.score.features import (
    CLOCK_CLAIMS,
    NIGHT_HOURS,
    Features,
    _clock_of,
    _clock_online,
    _day_stays,
    clock_venues,
    online_venues,
)
from graphfraud.score.reasons import (
    CLOCK_DISPERSION,
    DAY_WARD_COST,
    benign_explanation,
    day_ward,
    online_consultations,
    treatment_cycles,
)
from graphfraud.score.wording import say

NAN = math.nan

#: An inpatient group at a public 3A hospital, no diagnosis exported, each member admitted every 21 days for
#: 12 weeks, at 0.38x the fund of other stays: fifthworld seed 1's day ward as the detector measured it.
DAY_WARD = Features(
    persons=57, claims=285, fund=82_000.0, venue=0, venue_share=1.0, pharmacy_share=0.0, inpatient_share=1.0,
    chronic_share=0.0, top_diagnosis="", top_diagnosis_share=0.0, event_days=85, regulars=48, cycle_days=1.0,
    cycle_regularity=0.5, median_arrival_gap=NAN, off_hours_share=NAN, dominance=0.03, cost_ratio=0.38,
    venue_fund_per_claim=760.0, peer_venue_ratio=NAN, ring_fund_per_claim=290.0, out_of_region=0,
    catchment_outside=NAN, out_of_city=0, catchment_outside_city=NAN, attendance=0.09, weekday_share=1.0,
    public_venue=1.0, phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=1,
    addresses=57, median_age=58.0, dup_trace_claims=0, after_death_claims=0, split_admissions=0,
    high_value_share=0.79, private_venue=False, sessions=85, member_regularity=1.0, member_weeks=12.0,
    member_weekly=1 / 3, day_stays=1.0,
)  # fmt: skip


def _f(**changes: Any) -> Features:
    return dataclasses.replace(DAY_WARD, **changes)


def test_a_day_ward_of_one_day_stays_on_each_patients_cycle_is_care() -> None:
    assert day_ward(DAY_WARD)
    reason = benign_explanation(DAY_WARD)
    assert reason is not None and reason.code == "benign_schedule"
    assert "21-day cycle" in reason.text
    assert "每 21 天一次的周期" in say(reason.code, reason.args, lang="zh")


def test_stays_of_nights_split_stays_or_a_dear_bill_are_not_a_day_ward() -> None:
    # a pool kept in bed for nights (挂床), readmitted soon after discharge, or billed above other stays:
    # the cycle alone does not make it a day ward
    changes: dict[str, Any]
    for changes in ({"day_stays": 0.3}, {"day_stays": NAN}, {"split_admissions": 4}, {"cost_ratio": 6.6}):
        f = _f(**changes)
        assert not day_ward(f), changes
        assert benign_explanation(f) is None, changes


def test_a_split_stay_among_the_ward_group_s_stays_of_nights_is_theirs(monkeypatch: pytest.MonkeyPatch) -> None:
    # step 117: fifthworld vwh21 32's ward as the repeat-stay detector took it: 331 stays, 91.5% of a day, and one
    # readmission within days of a discharge among the 28 stays of nights (a few members' ordinary stays)
    ward = _f(persons=64, claims=331, day_stays=0.915, split_admissions=1)
    assert day_ward(ward) and benign_explanation(ward) is not None
    assert day_ward(_f(claims=331, day_stays=0.915, split_admissions=28))
    # more split stays than stays of nights: readmissions of the ward's own stays, not its patients' other care
    assert not day_ward(_f(claims=331, day_stays=0.915, split_admissions=29))
    monkeypatch.setattr(reasons, "DAY_WARD_SPLITS", False)  # step 85: no split stay at all
    assert not day_ward(ward)


def test_a_day_wards_dearer_regimen_is_care_up_to_a_timetables_bound() -> None:
    # step 113 (c): fifthworld 8's ward piece at 1.40x (its other pieces 0.84-1.22x): a regimen's drugs set the
    # cost, bounded as step 103 bounds a timetable (DAY_WARD_COST); beyond it, or for other cycles, not care
    assert day_ward(_f(cost_ratio=1.4)) and benign_explanation(_f(cost_ratio=1.4)) is not None
    assert not day_ward(_f(cost_ratio=DAY_WARD_COST + 0.1))
    assert benign_explanation(_f(cost_ratio=DAY_WARD_COST + 0.1)) is None
    assert not treatment_cycles(_f(cost_ratio=1.4, inpatient_share=0.0, day_stays=NAN))


def test_without_a_discharge_a_cancer_course_on_own_cycles_is_a_day_ward() -> None:
    # step 113: no end_time exported (fifthworld 31): the stays' length is unknown, and a lung-cancer course at a
    # public hospital, each patient on a 21-day cycle of their own for 4 cycles, stands for the one-day stays
    untimed = _f(day_stays=NAN, top_diagnosis="C34", top_diagnosis_share=1.0)
    assert day_ward(untimed)
    reason = benign_explanation(untimed)
    assert reason is not None and reason.code == "benign_schedule"


def test_without_a_discharge_a_pool_not_on_a_cancer_course_is_no_day_ward() -> None:
    # no diagnosis, another diagnosis (an elder's stroke: a home's admissions), a private hospital, a course
    # longer than COURSE_CYCLES, a cancer diagnosis on few of the claims, or dearer than the peers: no day ward
    changes: dict[str, Any]
    for changes in (
        {"top_diagnosis": "", "top_diagnosis_share": 0.0},
        {"top_diagnosis": "I63"},
        {"public_venue": 0.0, "private_venue": True},
        {"member_weeks": 40.0},
        {"top_diagnosis_share": 0.4},
        {"cost_ratio": 2.0},
    ):
        base = {"day_stays": NAN, "top_diagnosis": "C34", "top_diagnosis_share": 1.0}
        f = _f(**{**base, **changes})
        assert not day_ward(f), changes
        assert benign_explanation(f) is None, changes


def test_a_private_hospitals_cycled_pool_without_diagnosis_is_not_a_day_ward() -> None:
    # the care test of treatment_cycles: a private venue, no diagnosis to vouch for the care
    f = _f(public_venue=0.0, private_venue=True)
    assert not day_ward(f) and benign_explanation(f) is None


def test_irregular_gaps_are_not_a_day_ward() -> None:
    f = _f(member_regularity=0.29, member_weeks=29.7, member_weekly=0.23)
    assert not day_ward(f) and benign_explanation(f) is None


def test_a_cohort_started_together_without_diagnosis_is_a_day_ward_by_its_one_day_stays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # step 128: fifthworld vwh23 38's ward piece as the co-admission detector took it: 8 patients of a 14-day
    # regimen started the same day, so they share 0.57 of the group's days; the export has no diagnosis, so no C
    # code makes them a course; every stay ended the day it began, at 0.52x the peers, 3.5 cycles each
    together = _f(persons=8, claims=30, attendance=0.57, member_weeks=10.5, cost_ratio=0.52)
    assert day_ward(together)
    reason = benign_explanation(together)
    assert reason is not None and reason.code == "benign_schedule"
    # what is left of a course still has to hold: stays of nights, a private hospital, a pool on without end
    # (more than COURSE_CYCLES cycles), a diagnosis that is not the course's, or a dear bill
    changes: dict[str, Any]
    for changes in (
        {"day_stays": 0.3},
        {"public_venue": 0.0, "private_venue": True},
        {"member_weeks": 40.0},
        {"top_diagnosis": "I63", "top_diagnosis_share": 1.0},
        {"cost_ratio": DAY_WARD_COST + 0.1},
    ):
        f = dataclasses.replace(together, **changes)
        assert not day_ward(f), changes
        assert benign_explanation(f) is None, changes
    # not in a ward: an outpatient group that shares its days is no course by this test
    assert not treatment_cycles(dataclasses.replace(together, inpatient_share=0.0, day_stays=NAN))
    monkeypatch.setattr(reasons, "DAY_WARD_UNDIAGNOSED", False)  # before step 128: the C code was needed
    assert not day_ward(together)


class _Visits:
    def __init__(self, day: list[int], end_day: list[int]) -> None:
        self._cols = {"day": np.array(day), "end_day": np.array(end_day)}

    def column(self, name: str) -> np.ndarray:
        return self._cols[name]


def test_day_stays_is_the_share_of_known_discharges_on_the_admission_day() -> None:
    t = cast(Any, _Visits(day=[10, 10, 20, 30, 40], end_day=[10, 13, 20, -1, 40]))
    rows = np.arange(5)
    inpatient = np.array([True, True, True, True, False])
    assert _day_stays(t, rows, inpatient) == 2 / 3  # row 3 has no discharge, row 4 is not a stay
    assert math.isnan(_day_stays(t, rows, np.zeros(5, dtype=bool)))


#: Patients "together" at an internet hospital: most of their claims there, at 0.8x peers' cost.
ONLINE = _f(inpatient_share=0.0, day_stays=NAN, venue_share=0.95, cost_ratio=0.8, attendance=0.6,
            member_regularity=0.5, off_hours_share=0.44, median_arrival_gap=12.0, online_venue=True)  # fmt: skip


def test_an_internet_hospitals_patients_are_explained() -> None:
    reason = online_consultations(ONLINE)
    assert reason is not None and reason.code == "benign_online"
    assert "95% of the group's claims" in reason.text
    assert "互联网医院" in say(reason.code, reason.args, lang="zh")


def test_not_online_dear_elsewhere_or_flagged_is_not_explained() -> None:
    for changes in ({"online_venue": False}, {"cost_ratio": 2.0}, {"venue_share": 0.3}, {"phone_hub_persons": 6},
                    {"after_death_claims": 3}):  # fmt: skip
        assert online_consultations(dataclasses.replace(ONLINE, **changes)) is None, changes


def test_an_online_group_billed_minutes_apart_is_one_operators_batch_not_explained(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Step 154 (eleventhworld 13's bought e-vouchers, opened on the platform at 22:30 three minutes apart)."""
    batch = dataclasses.replace(ONLINE, median_arrival_gap=3.0)
    assert online_consultations(batch) is None
    assert online_consultations(dataclasses.replace(ONLINE, median_arrival_gap=reasons.ONLINE_BATCH_GAP)) is not None
    assert online_consultations(dataclasses.replace(ONLINE, median_arrival_gap=NAN)) is not None  # dates only
    unnamed = dataclasses.replace(batch, online_venue=False, clock_venue=True, day_dispersion=1.2)
    assert online_consultations(unnamed) is None  # step 87's venue known by its clock, the same
    monkeypatch.setattr(reasons, "ONLINE_BATCH_GAP", None)  # off: as before step 154
    assert online_consultations(batch) is not None


def test_online_venues_by_registered_name() -> None:
    facilities = pd.DataFrame({"facility_id": ["H1", "H2", "H3"],
                               "name": ["第六人民医院互联网医院", "第六人民医院", None]})  # fmt: skip
    assert online_venues(facilities, ["H2", "P1", "H1", "H3"]).tolist() == [False, False, True, False]
    assert online_venues(facilities.drop(columns="name"), ["H1"]).tolist() == [False]


# Step 87: an internet hospital the export does not name, known by its own claims.


def test_an_unnamed_venue_open_around_the_clock_admitting_nobody() -> None:
    hours = np.array([*range(24)] * 20 + [10] * 40)  # every hour, busier in the morning
    venue = np.zeros(len(hours), dtype=np.int64)
    none = np.zeros(len(hours), dtype=bool)
    assert clock_venues(venue, hours, none, 1).tolist() == [True]
    admits = none.copy()
    admits[0] = True
    assert clock_venues(venue, hours, admits, 1).tolist() == [False]  # a hospital's emergency department
    shut = np.where(np.isin(hours, NIGHT_HOURS), 12, hours)
    assert clock_venues(venue, shut, none, 1).tolist() == [False]  # a long day, nobody at night
    evening = np.where(hours < 14, 20, hours)  # a session spilling into the night: 10 hours
    assert clock_venues(venue, evening, none, 1).tolist() == [False]
    assert clock_venues(venue[: CLOCK_CLAIMS - 1], hours[: CLOCK_CLAIMS - 1], none[: CLOCK_CLAIMS - 1], 1).tolist() == [
        False
    ]
    assert clock_venues(venue, np.full(len(hours), -1), none, 1).tolist() == [False]  # dates only: unknown


def test_a_named_facility_is_what_its_name_says() -> None:
    hours = np.array([*range(24)] * 20)
    t = pd.DataFrame({"venue": np.repeat([0, 1, 2], len(hours)), "inpatient": False})
    h = np.tile(hours, 3)
    facilities = pd.DataFrame({"facility_id": ["H1", "H2"], "name": ["第六人民医院", ""]})
    assert _clock_online(facilities, ["H1", "H2", "P1"], t, h).tolist() == [False, True, False]
    assert _clock_online(facilities.drop(columns="name"), ["H1", "H2", "P1"], t, h).tolist() == [True, True, False]


def test_an_unnamed_online_venues_patients_on_days_of_their_own_are_explained() -> None:
    f = dataclasses.replace(ONLINE, online_venue=False, clock_venue=True, day_dispersion=1.2)
    reason = online_consultations(f)
    assert reason is not None and reason.code == "benign_online"
    for changes in ({"day_dispersion": CLOCK_DISPERSION + 1}, {"day_dispersion": NAN}, {"clock_venue": False},
                    {"cost_ratio": 2.0}, {"phone_hub_persons": 6}):  # fmt: skip
        assert online_consultations(dataclasses.replace(f, **changes)) is None, changes
    assert (
        _clock_of(np.array([3, 4, 4, 6]))["day_dispersion"] < 1 < _clock_of(np.repeat([0, 4, 8], 10))["day_dispersion"]
    )


def test_the_switch_is_recorded_and_a_run_with_it_on_keeps_a_staged_clinic() -> None:
    from graphfraud.params import RunParams, SignalParams, from_json
    from graphfraud.pipeline import run
    from graphfraud.score.rings import rings_table
    from graphfraud.synth import toy

    assert from_json(RunParams, '{"signals": {"online_by_clock": true}}').signals.online_by_clock
    data, _ = toy.staged_clinic()
    off = rings_table(run(data).rings)
    on = rings_table(run(data, RunParams(signals=SignalParams(online_by_clock=True))).rings)
    assert len(off) and off[["ring_id", "typology", "persons"]].equals(on[["ring_id", "typology", "persons"]])
