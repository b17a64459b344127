"""Synthetic worlds conform to the data contract exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.contract import (
    DTYPES,
    FACILITY_KINDS,
    INPUT_TABLES,
    ITEM_CATEGORIES,
    LABELS,
    VISIT_TYPES,
)
from graphfraud.synth.places import REGIONS


def _cents(s: pd.Series) -> np.ndarray:
    return np.rint(s.to_numpy(dtype=float) * 100).astype(np.int64)


def test_columns_and_dtypes(full):
    data, labels = full
    for table in INPUT_TABLES:
        df = data.table(table.name)
        assert list(df.columns) == [c.name for c in table.columns], table.name
        for c in table.columns:
            assert df[c.name].dtype == DTYPES[c.kind], (table.name, c.name, df[c.name].dtype)
        for name in table.required_columns:
            assert df[name].notna().all(), (table.name, name)
    assert list(labels.columns) == [c.name for c in LABELS.columns]
    assert all(labels[c.name].dtype == DTYPES[c.kind] for c in LABELS.columns)
    assert data.time_resolution == "minute"


def test_enums_and_regions(full):
    data, _ = full
    assert set(data.claims.visit_type.unique()) == set(VISIT_TYPES)
    assert set(data.claim_items.category.unique()) <= set(ITEM_CATEGORIES)
    assert set(data.facilities.kind.unique()) == set(FACILITY_KINDS)
    assert set(data.facilities.ownership.unique()) == {"public", "private"}
    assert set(data.persons.sex.unique()) == {"M", "F"}
    assert set(data.persons.insured_type.unique()) == {"employee", "resident"}
    assert set(data.persons.region.unique()) <= set(REGIONS)
    assert set(data.facilities.level.unique().tolist()) <= {0, 1, 2, 3}


def test_id_formats(full):
    data, _ = full
    assert data.persons.person_id.str.fullmatch(r"0\d{9}").all()  # leading zeros
    assert data.facilities.facility_id.str.fullmatch(r"H35\d{9}").all()
    assert data.pharmacies.pharmacy_id.str.fullmatch(r"P35\d{9}").all()
    assert data.doctors.doctor_id.str.fullmatch(r"D35\d{10}").all()
    assert data.claims.claim_id.str.fullmatch(r"S\d{10}").all()
    assert data.claims.claim_id.is_unique
    for table, key in (
        ("persons", "person_id"),
        ("facilities", "facility_id"),
        ("pharmacies", "pharmacy_id"),
        ("doctors", "doctor_id"),
    ):
        assert data.table(table)[key].is_unique
    trace = data.claim_items.trace_code.dropna()
    assert trace.str.fullmatch(r"8\d{19}").all()


def test_references_exist(full):
    data, _ = full
    c = data.claims
    persons = set(data.persons.person_id)
    assert set(c.patient_id) <= persons
    assert set(c.holder_id.dropna()) <= persons
    assert set(c.facility_id.dropna()) <= set(data.facilities.facility_id)
    assert set(c.pharmacy_id.dropna()) <= set(data.pharmacies.pharmacy_id)
    assert set(c.doctor_id.dropna()) <= set(data.doctors.doctor_id)
    assert set(data.doctors.facility_id) <= set(data.facilities.facility_id)
    assert set(data.claim_items.claim_id) == set(c.claim_id)
    assert (c.holder_id.dropna() != c.patient_id[c.holder_id.notna()]).all()
    assert 0.005 < c.holder_id.notna().mean() < 0.1  # family mutual aid (家庭共济)


def test_exactly_one_venue_and_visit_shape(full):
    data, _ = full
    c = data.claims
    assert (c.facility_id.notna() ^ c.pharmacy_id.notna()).all()
    assert ((c.visit_type == "pharmacy") == c.pharmacy_id.notna()).all()
    assert c.doctor_id[c.facility_id.notna()].notna().all()
    inpatient = c.visit_type == "inpatient"
    assert c.end_time[inpatient].notna().all() and c.end_time[~inpatient].isna().all()
    stay = (c.end_time[inpatient].dt.normalize() - c.start_time[inpatient].dt.normalize()).dt.days
    assert stay.between(1, 15).all()
    venue = c.facility_id.fillna(c.pharmacy_id)
    assert (c.terminal_id.str.slice(0, 12) == venue).all()


def test_money(full):
    data, _ = full
    c, it = data.claims, data.claim_items
    total, fund, account = _cents(c.total_amount), _cents(c.fund_amount), _cents(c.account_amount)
    assert (fund <= total).all() and (fund + account <= total).all() and (account >= 0).all()
    assert np.allclose(c.total_amount * 100, total)  # two decimals
    assert (_cents(it.amount) == np.rint(it.quantity * _cents(it.unit_price))).all()
    sums = pd.Series(_cents(it.amount)).groupby(it.claim_id.to_numpy()).sum()
    assert (sums.reindex(c.claim_id.to_numpy()).to_numpy() == total).all()
    lines = it.groupby("claim_id").size()
    ordinary = c[c.visit_type.isin(["outpatient", "pharmacy"])].claim_id
    assert lines.reindex(ordinary).between(1, 5).all()
    drug = it.category == "drug"
    assert it.trace_code[drug].notna().all() and it.trace_code[~drug].isna().all()
    share = c.fund_amount.sum() / c.total_amount.sum()
    assert 0.5 < share < 0.9


def test_times_and_deaths(full):
    data, labels = full
    c = data.claims
    assert c.start_time.min() >= pd.Timestamp("2024-01-01") and c.start_time.max() < pd.Timestamp("2024-06-29")
    assert c.start_time.is_monotonic_increasing  # claim ids are numbered in time order
    facility = c[c.facility_id.notna() & (c.visit_type != "inpatient")]
    hours = facility.start_time.dt.hour
    assert ((hours >= 7) & (hours < 21)).mean() > 0.97
    assert ((hours >= 8) & (hours < 18)).mean() > 0.75
    dead = data.persons.dropna(subset=["death_date"])
    assert len(dead) > 0
    after = c.merge(dead, left_on="patient_id", right_on="person_id")
    after = after[after.start_time.dt.normalize() > after.death_date]
    collector_persons = set(labels[labels.typology == "card_collector"].entity_id)
    assert set(after.patient_id) <= collector_persons  # only planted claims after death
    per_person_year = len(c) / len(data.persons) * 365 / 180
    assert 7 < per_person_year < 15
