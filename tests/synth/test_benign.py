"""Benign dense groups are present, dense and synchronous (so a naive detector would flag them)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _members(labels: pd.DataFrame, entity_type: str) -> set[str]:
    return set(labels[labels.entity_type == entity_type].entity_id)


def test_dialysis_three_times_a_week_on_a_fixed_shift(synth_world):
    data, labels = synth_world(plant=("dialysis",))
    assert labels.ring_id.unique().tolist() == ["benign:dialysis:01"]
    patients, unit = _members(labels, "person"), _members(labels, "facility").pop()
    assert 10 <= len(patients) <= 30
    assert data.facilities.set_index("facility_id").loc[unit, "level"] >= 2
    c = data.claims
    s = c[c.patient_id.isin(patients) & (c.facility_id == unit) & (c.diagnosis == "N18.5")]
    assert (s.visit_type == "chronic").all()
    weeks = 180 / 7
    per_patient = s.groupby("patient_id").size()
    assert (per_patient > 2.5 * weeks).all()  # three a week all period
    assert s.start_time.dt.day_of_week.nunique() == 3
    assert s.start_time.dt.hour.nunique() == 1  # one shift
    assert s.total_amount.nunique() <= 3  # consistent costs: session, dialyser, sometimes EPO
    assert s.total_amount.std() / s.total_amount.mean() < 0.15


def test_nursing_home_shared_address_one_doctor_one_morning(synth_world):
    data, labels = synth_world(plant=("nursing_home",))
    residents = _members(labels, "person")
    doctor = _members(labels, "doctor").pop()
    assert 30 <= len(residents) <= 80
    p = data.persons[data.persons.person_id.isin(residents)]
    assert p.address.nunique() == 1
    ages = (pd.Timestamp("2024-01-01") - p.birth_date).dt.days / 365.25
    assert (ages >= 74.9).all()
    c = data.claims
    seen = c[c.patient_id.isin(residents) & (c.doctor_id == doctor)]
    rounds = seen.groupby(seen.start_time.dt.date).filter(lambda g: len(g) >= 10)
    for _, g in rounds.groupby(rounds.start_time.dt.date):
        m = np.sort(g.start_time.to_numpy(dtype="datetime64[m]").astype(np.int64))
        assert 2 <= np.median(np.diff(m)) <= 5 and g.start_time.dt.hour.max() < 14
    assert rounds.start_time.dt.date.nunique() >= 180 // 28
    lines = data.claim_items[data.claim_items.claim_id.isin(rounds.claim_id)]
    assert rounds.total_amount.median() < 200 and set(lines.category) <= {"other", "drug", "lab"}


def test_family_visits_together(synth_world):
    data, labels = synth_world(plant=("family",))
    members = _members(labels, "person")
    assert len(members) >= 3
    c = data.claims
    f = c[c.patient_id.isin(members) & c.facility_id.isin(_members(labels, "facility"))]
    together = f.groupby([f.start_time.dt.date, f.facility_id]).filter(lambda g: len(g) >= 2)
    assert together.groupby([together.start_time.dt.date]).ngroups >= 4
    spans = together.groupby(together.start_time.dt.date).start_time.agg(lambda t: (t.max() - t.min()).seconds / 60)
    assert (spans <= 3 * len(members)).all()
    assert data.persons[data.persons.person_id.isin(members)].address.nunique() <= 2


def test_checkup_day(synth_world):
    data, labels = synth_world(plant=("checkup",))
    staff, hospital = _members(labels, "person"), _members(labels, "facility").pop()
    assert 50 <= len(staff) <= 200
    c = data.claims
    day = c[c.patient_id.isin(staff) & (c.facility_id == hospital) & (c.diagnosis == "Z00.0")]
    assert day.start_time.dt.date.nunique() == 1 and len(day) == len(staff)
    assert day.start_time.dt.day_of_week.iloc[0] < 5
    assert (data.persons[data.persons.person_id.isin(staff)].insured_type == "employee").all()
    lines = data.claim_items[data.claim_items.claim_id.isin(day.claim_id)]
    assert set(lines.category) <= {"exam", "lab"}
