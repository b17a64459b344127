"""Step 82: a prescribed-card kickback's patients sent alike are its prescribing doctors' patients where the visits
name their doctors, not the whole facility's.

Otherworld seed 94: two cardiologists' 60 loaded cards at the shop across the street proved the kickback; the
"same sites' patients" who bought one dear box there after a visit were taken from the whole hospital, 182 of them,
137 of no scheme and none seen by the two cardiologists.  A kickback is a doctor's: the hospital's other
departments' patients buying at the shop next door are its ordinary trade."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, PERSONS, PHARMACIES, ClaimsData
from graphfraud.graph.build import build_graph
from graphfraud.score.features import claim_facts
from graphfraud.score.rings import _prescribers, _prescribing_visits, _sent_alike
from graphfraud.synth.toy import _table


def _hospital(*, doctor_ids: bool) -> ClaimsData:
    """Hospital H0 with doctors D1 (the prescriber) and D0 (another department), shop P1 across the street.
    12 of D1's patients buy dear (700-900 yuan) at P1 four times each, each the day after a visit to D1 (the loaded
    cards); 4 more of D1's patients once, the day after their visit; 6 of D0's patients buy one dear box there the
    day after a visit to D0; 100 customers of P1 buy ordinary boxes.  Without ``doctor_ids`` no claim names one."""
    persons, claims = [], []
    n = [0]
    rng = np.random.default_rng(7)

    def claim(pid: str, venue: str, day: int, total: float, doctor: str | None = None) -> None:
        n[0] += 1
        when = pd.Timestamp("2024-01-01 09:00") + pd.Timedelta(days=int(day), minutes=int(n[0] % 600))
        shop = venue.startswith("P")
        claims.append((f"C{n[0]:06d}", pid, None, None if shop else venue, venue if shop else None,
                       doctor if doctor_ids else None, "pharmacy" if shop else "outpatient", when, None,
                       float(round(total, 2)), 0.0 if shop else round(total / 2, 2), 0.0, "I10", None))  # fmt: skip

    def person(pid: str) -> None:
        persons.append((pid, "F", "1955-01-01", "350206", "resident", None, None, None))

    for k in range(100):
        person(f"c{k}")
        for _ in range(2):
            claim(f"c{k}", "P1", int(rng.integers(0, 330)), rng.uniform(20, 80))
    for k in range(12):
        person(f"sent{k}")
        for d in range(4):
            day = 20 + 70 * d + k
            claim(f"sent{k}", "H0", day, 30.0, "D1")
            claim(f"sent{k}", "P1", day + 1, rng.uniform(700, 900))
    for prefix, doctor, count in (("once", "D1", 4), ("other", "D0", 6)):
        for k in range(count):
            person(f"{prefix}{k}")
            claim(f"{prefix}{k}", "H0", 100 + k, 30.0, doctor)
            claim(f"{prefix}{k}", "P1", 101 + k, rng.uniform(700, 900))
    facilities = [("H0", "市医院", "hospital", 3, "public", "350206", 800)]
    pharmacies = [("P1", "药店", None, "350206")]
    doctors = [("D0", "H0", "医生", "医师", "内科"), ("D1", "H0", "医生", "医师", "心血管内科")] if doctor_ids else []
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, facilities), _table(PHARMACIES, pharmacies),
        _table(DOCTORS, doctors), _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


def _alike(*, doctor_ids: bool, same_doctors: bool = True) -> tuple[set[str], np.ndarray | None]:
    """The patients sent alike beside the 12 loaded cards, and the prescribers found."""
    graph = build_graph(_hospital(doctor_ids=doctor_ids))
    facts = claim_facts(graph)
    v = graph.visits
    ids = pd.Series(v.persons.ids)
    person, venue, kind = v.column("person"), v.column("venue"), v.column("kind")
    known = np.flatnonzero(ids.str.startswith("sent").to_numpy())
    shop = int(v.venues.codes(pd.Series(["P1"]))[0])
    site = int(v.venues.codes(pd.Series(["H0"]))[0])
    bought = np.flatnonzero(np.isin(person, known) & (kind == 1) & (venue == shop))
    visits = _prescribing_visits(facts, bought, 3)
    staff = _prescribers(facts, visits) if same_doctors else None
    more, _ = _sent_alike(facts, np.array([shop]), np.array([site]), 3, 500.0, known, staff)
    return set(ids.iloc[more]), staff


def test_with_doctors_named_only_the_prescribers_patients_are_sent_alike() -> None:
    more, staff = _alike(doctor_ids=True)
    assert staff is not None and len(staff) == 1  # D1, whose visits the 12 cards' purchases followed
    assert more == {f"once{k}" for k in range(4)}  # not D0's patients who bought one dear box next door


def test_the_facility_stands_in_where_no_visit_names_a_doctor() -> None:
    more, staff = _alike(doctor_ids=False)
    assert staff is None
    assert more == {f"once{k}" for k in range(4)} | {f"other{k}" for k in range(6)}  # as before step 82


def test_the_switch_off_takes_the_facilitys_patients_as_before() -> None:
    more, _ = _alike(doctor_ids=True, same_doctors=False)
    assert more == {f"once{k}" for k in range(4)} | {f"other{k}" for k in range(6)}
