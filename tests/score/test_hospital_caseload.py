"""Step 135: a tertiary hospital's patients admitted twice, its 异地就医 patients among them, are its caseload (a
department's or several: dozens of doctors, none leading, a share of all it admits), not a ring; a 挂床 centre's
few doctors, or a county hospital's split stays held by a slice of its inpatients, are still rings."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

from graphfraud.score import reasons
from graphfraud.score.features import Features, _venue_inpatients
from graphfraud.score.reasons import benign_explanation, hospital_caseload
from graphfraud.score.wording import say

NAN = math.nan

#: The 医学中心's patients admitted twice as the detector measured them (eleventhworld 1): 382 persons, 377 of them
#: insured in other provinces, their 955 stays admitted by 49 doctors (21.6 sharing them alike), 20% of the 1,933
#: persons it admitted.
CAMPUS = Features(
    persons=382, claims=955, fund=1_004_507.0, venue=15, venue_share=1.0, pharmacy_share=0.0, inpatient_share=1.0,
    chronic_share=0.0, top_diagnosis="I63", top_diagnosis_share=0.15, event_days=250, regulars=60, cycle_days=1.0,
    cycle_regularity=0.9, median_arrival_gap=NAN, off_hours_share=0.05, dominance=0.04, cost_ratio=1.33,
    venue_fund_per_claim=790.0, peer_venue_ratio=NAN, ring_fund_per_claim=1052.0, out_of_region=377,
    catchment_outside=0.2, out_of_city=377, catchment_outside_city=0.2, attendance=0.01, weekday_share=0.5,
    public_venue=1.0, phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=1, addresses=5,
    median_age=60.0, dup_trace_claims=0, after_death_claims=0, split_admissions=10, high_value_share=0.3,
    private_venue=False, sessions=0, stay_doctors=21.6, venue_inpatient_share=0.198,
)  # fmt: skip


def _f(**changes: Any) -> Features:
    return dataclasses.replace(CAMPUS, **changes)


def test_a_hospitals_caseload_from_other_provinces_is_explained() -> None:
    reason = benign_explanation(CAMPUS)
    assert reason is not None and reason.code == "benign_caseload"
    assert reason.points == 0.0
    assert "382 persons" in reason.text and "21.6" in reason.text and "20%" in reason.text
    assert "医院自身的收治病人" in say(reason.code, reason.args, lang="zh")


def test_a_wards_few_doctors_or_a_slice_of_the_inpatients_is_no_caseload() -> None:
    # a 挂床 centre's or a rehabilitation hospital's planted stays: at most 7 doctors sharing them (dev worlds)
    assert hospital_caseload(_f(stay_doctors=6.7, venue_inpatient_share=0.86)) is None
    # a county hospital's split stays by all its 13-18 doctors, 3-7% of its inpatients
    assert hospital_caseload(_f(stay_doctors=14.4, venue_inpatient_share=0.07)) is None
    # outpatients, or nothing measured (no stay at the venue, no doctor on the claims)
    assert hospital_caseload(_f(inpatient_share=0.3)) is None
    assert hospital_caseload(_f(stay_doctors=NAN)) is None


def test_signs_no_care_shows_void_the_caseload() -> None:
    assert benign_explanation(_f(after_death_claims=3)) is None
    # its members insured in other cities are the hospital's catchment (异地就医), not a sign
    assert benign_explanation(_f(out_of_city=380, catchment_outside_city=0.1)) is not None


def test_it_can_be_turned_off(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(reasons, "CASELOAD_DOCTORS", None)
    found = benign_explanation(CAMPUS)
    assert found is None or found.code != "benign_caseload"


def test_venue_inpatients_count_persons_with_a_stay() -> None:
    t = pd.DataFrame({
        "person": [0, 0, 1, 2, 3, 3, 4], "venue": [0, 0, 0, 0, 1, 1, -1],
        "inpatient": [True, True, True, False, True, False, True],
    })  # fmt: skip
    assert _venue_inpatients(t, 3).tolist() == [2, 1, 0]
    assert np.issubdtype(_venue_inpatients(t, 3).dtype, np.integer)
