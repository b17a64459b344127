"""Each planted typology carries the signal it is named for, with camouflage around it.

Each test plants only its own typology (plus nothing else) in a small world.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graphfraud.synth.places import OUT_REGIONS


def _members(labels: pd.DataFrame, entity_type: str) -> set[str]:
    return set(labels[labels.entity_type == entity_type].entity_id)


def _minutes(times: pd.Series) -> np.ndarray:
    return times.to_numpy(dtype="datetime64[m]").astype(np.int64)


def test_staged_clinic_batches_on_a_cycle(synth_world):
    data, labels = synth_world(plant=("staged_clinic",))
    assert labels.ring_id.unique().tolist() == ["staged_clinic:01"]
    clinic = _members(labels, "facility").pop()
    persons, doctors = _members(labels, "person"), _members(labels, "doctor")
    assert 2 <= len(doctors) <= 4 and 21 <= len(persons) <= 61
    facilities = data.facilities.set_index("facility_id")
    assert facilities.loc[clinic, "kind"] == "clinic" and facilities.loc[clinic, "ownership"] == "private"
    c = data.claims[data.claims.facility_id == clinic]
    ring = c[c.patient_id.isin(persons) & c.doctor_id.isin(doctors)]
    per_day = ring.groupby(ring.start_time.dt.date)
    batches = per_day.filter(lambda g: len(g) >= 10)
    days = sorted(batches.start_time.dt.normalize().unique())
    assert len(days) >= 180 // 15
    gaps = np.diff(days).astype("timedelta64[D]").astype(int)
    assert 6 <= np.median(gaps) <= 15  # a fixed cycle, with jitter
    for _, g in batches.groupby(batches.start_time.dt.date):
        m = np.sort(_minutes(g.start_time))
        gap = np.diff(m)
        alone = np.r_[gap[0] > 30, (gap[:-1] > 30) & (gap[1:] > 30), gap[-1] > 30]
        m = m[~alone]  # a member's ordinary visit to the same doctor that day
        assert m[-1] - m[0] <= 4 * len(m) <= 250  # within an hour or two
        assert 1 <= np.median(np.diff(m)) <= 4  # minutes apart
    # camouflage: ordinary patients at the clinic, ordinary claims of the recruits elsewhere
    assert (~c.patient_id.isin(persons)).sum() > 0
    assert (data.claims.patient_id.isin(persons) & (data.claims.facility_id != clinic)).sum() > 0
    ordinary = c[~c.patient_id.isin(persons)].fund_amount.median()
    assert 2.0 <= ring.fund_amount.median() / ordinary <= 4.5
    padded = data.claim_items[data.claim_items.claim_id.isin(ring.claim_id)].category.value_counts(normalize=True)
    assert padded[["treatment", "lab", "herbal"]].sum() > 0.6
    # some recruits share the broker's phone
    phones = data.persons[data.persons.person_id.isin(persons)].phone.value_counts()
    assert phones.iloc[0] >= 4


def test_card_collector_bursts_at_one_terminal(synth_world):
    data, labels = synth_world(plant=("card_collector",))
    persons, shops = _members(labels, "person"), _members(labels, "pharmacy")
    assert 1 <= len(shops) <= 2 and 16 <= len(persons) <= 51
    c = data.claims[data.claims.pharmacy_id.isin(shops) & data.claims.patient_id.isin(persons)]
    bursts = []
    for (_, _), g in c.groupby([c.start_time.dt.date, c.terminal_id]):
        m = np.sort(_minutes(g.start_time))
        if len(g) >= 5 and m[-1] - m[0] <= 30:
            bursts.append(g)
    assert len(bursts) >= 10
    c = pd.concat(bursts)
    assert (c.start_time.dt.hour >= 19).mean() > 0.3  # often off hours
    hv = data.claim_items[data.claim_items.claim_id.isin(c.claim_id)]
    assert (hv.unit_price >= 300).all() and hv.category.eq("drug").all()
    holders = data.persons[data.persons.person_id.isin(persons)]
    assert holders.region.isin(OUT_REGIONS).mean() > 0.5  # mostly from elsewhere
    assert holders.phone.value_counts().iloc[0] >= 0.4 * len(holders)  # bound to one phone
    dead = holders.dropna(subset=["death_date"]).set_index("person_id").death_date
    assert 1 <= len(dead) <= 3
    after = c[c.patient_id.isin(dead.index)]
    after = after[after.start_time.dt.normalize() > dead.reindex(after.patient_id).to_numpy()]
    assert len(after) >= 1  # claims after death
    resold = hv.trace_code.value_counts()
    assert (resold >= 2).sum() >= 1  # a box sold twice (回流药)
    twice = hv[hv.trace_code.isin(resold[resold >= 2].index)]
    assert twice.groupby("trace_code").claim_id.nunique().min() >= 2
    # out-of-area holders have no ordinary claims; the shops have ordinary customers
    out = holders[holders.region.isin(OUT_REGIONS)].person_id
    assert data.claims[data.claims.patient_id.isin(out)].pharmacy_id.isin(shops).all()
    shop_claims = data.claims[data.claims.pharmacy_id.isin(shops)]
    assert (~shop_claims.patient_id.isin(persons)).sum() > 20


def test_induced_admissions_together_and_split(synth_world):
    data, labels = synth_world(plant=("induced_admission",), days=240)
    persons, doctors = _members(labels, "person"), _members(labels, "doctor")
    hospital = _members(labels, "facility").pop()
    assert 1 <= len(doctors) <= 3
    c = data.claims
    stays = c[(c.facility_id == hospital) & c.patient_id.isin(persons) & (c.visit_type == "inpatient")]
    out_day = stays.end_time.dt.normalize()
    together = stays.groupby(out_day).filter(lambda g: len(g) >= 8)
    assert together.end_time.dt.normalize().nunique() >= 2  # repeated episodes
    for _, g in together.groupby(together.end_time.dt.normalize()):
        spread = (g.start_time.dt.normalize().max() - g.start_time.dt.normalize().min()).days
        los = (g.end_time - g.start_time).dt.days
        assert spread <= 1 and los.between(4, 13).all()
    # split admissions: discharged, then readmitted 1-3 days later to the same facility
    s = stays.sort_values(["patient_id", "start_time"])
    prev_end = s.groupby("patient_id").end_time.shift()
    gap = (s.start_time.dt.normalize() - prev_end.dt.normalize()).dt.days
    assert gap.between(1, 3).sum() >= 3
    items = data.claim_items[data.claim_items.claim_id.isin(stays.claim_id)]
    assert {"nursing", "bed", "treatment"} <= set(items.category)
    assert (c.facility_id == hospital).sum() > len(stays)  # ordinary patients too


def test_kickback_steering_concentration(synth_world):
    data, labels = synth_world(plant=("kickback",))
    patients = _members(labels, "person")
    doctor, shop = _members(labels, "doctor").pop(), _members(labels, "pharmacy").pop()
    c = data.claims
    facility = data.doctors.set_index("doctor_id").facility_id[doctor]
    visits = c[(c.facility_id == facility)][["patient_id", "doctor_id", "start_time"]]
    buys = c[c.pharmacy_id == shop][["patient_id", "start_time"]]
    pairs = visits.merge(buys, on="patient_id", suffixes=("", "_buy"))
    lag = (pairs.start_time_buy.dt.normalize() - pairs.start_time.dt.normalize()).dt.days
    steered = pairs[lag.between(0, 2)].drop_duplicates(["patient_id", "doctor_id", "start_time"])
    rate = steered.groupby("doctor_id").size() / visits.groupby("doctor_id").size()
    rate = rate.fillna(0.0)
    assert rate[doctor] > 0.5
    peers = rate.drop(doctor)
    assert peers.max() < 0.2  # far more concentrated than the doctor's peers
    mine = pairs[lag.between(0, 2) & (pairs.doctor_id == doctor)]
    bought = c[(c.pharmacy_id == shop) & c.start_time.isin(mine.start_time_buy) & c.patient_id.isin(patients)]
    top = data.claim_items[data.claim_items.claim_id.isin(bought.claim_id)].groupby("claim_id").unit_price.max()
    assert (top >= 300).mean() > 0.9  # high-value drugs
    homes = data.persons[data.persons.person_id.isin(patients)].region
    shop_region = data.pharmacies.set_index("pharmacy_id").region[shop]
    assert (homes != shop_region).mean() > 0.3  # not near many patients' homes


@pytest.mark.parametrize("kind", ["staged_clinic", "card_collector", "induced_admission", "kickback"])
def test_member_and_venue_rates(synth_world, kind):
    data, labels = synth_world(plant=(kind,), member_ordinary_rate=0.0, venue_ordinary_rate=0.0)
    persons = _members(labels, "person")
    venues = _members(labels, "facility") | _members(labels, "pharmacy")
    c = data.claims
    mine = c.patient_id.isin(persons)
    venue = c.facility_id.isin(venues) | c.pharmacy_id.isin(venues)
    if kind != "kickback":
        assert (mine == venue).all()  # no camouflage left: members only at ring venues, venues only with members
    else:
        assert venue[mine].mean() > 0.4
