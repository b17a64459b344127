"""Step 59: one doctor's weekday slots of a dear course are one organisation; his care on a timetable is not.

Physiotherapy sold with gifts (理疗送礼品) brings each elder on their own weekday for months, all to one doctor who
bills the same dear treatment lines every visit; the event graph sees each weekday slot apart (thirdworld seeds 10,
43 and 45: the best slot held 8 of 17, 7 of 18 and 5 of 19).  A suspect slot takes in the doctor's other
weekly-course patients whose own course is as dear, and nobody else: not his TCM regulars who keep their weekday at
what the care costs elsewhere, not his ordinary patients, not another doctor's course.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, PERSONS, PHARMACIES, ClaimsData
from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.pipeline import run
from graphfraud.score.features import ClaimFacts, claim_facts
from graphfraud.score.slots import doctor_slots, on_course
from graphfraud.score.wording import say
from graphfraud.synth.toy import _table

MONDAY = pd.Timestamp("2024-01-01")  # a Monday


def _township(*, gift_cost: float = 75.0) -> ClaimsData:
    """A public township centre H0 with doctors D0 and D1, and two peer centres H1, H2.

    D0's gift course: a slot of five friends on Monday (``m*``) for 12 weeks and ten elders who come alone
    (``s*``), each on their own weekday (Tuesday to Saturday, two a day) for their own 8 weeks, all at
    ``gift_cost`` yuan a visit (back pain, knees); D0's TCM regulars
    (``t*``) keep Tuesday for 12 weeks at 35 yuan, what the same visit costs at the peers; D0's ordinary patients
    (``o*``) come three times on any day at 35 yuan, and two of them (``x*``) three times at 75 on any day; D1's
    own course (``d*``, Thursday, 75 yuan) is another doctor's.  The peers' patients (``p*``) come three times with
    the same diagnoses at 30-40 yuan.
    """
    rng = np.random.default_rng(7)
    persons, claims = [], []
    n = [0]

    def person(pid: str) -> None:
        persons.append((pid, "F", "1950-01-01", "520000", "resident", None, f"村{pid}号", None))

    def claim(pid: str, venue: str, doctor: str, day: int, total: float, diagnosis: str) -> None:
        n[0] += 1
        when = MONDAY + pd.Timedelta(days=int(day), hours=9, minutes=int(n[0] % 300))
        claims.append((f"C{n[0]:06d}", pid, None, venue, None, doctor, "outpatient", when, None,
                       float(total), round(total * 0.6, 2), 0.0, diagnosis, None))  # fmt: skip

    def course(prefix: str, k: int, weekday: int, doctor: str, cost: float, *, alone: bool = False) -> None:
        for i in range(k):
            pid = f"{prefix}{i}"
            person(pid)
            day, start = (1 + i % 5, i % 4) if alone else (weekday, 0)  # alone: his own weekday, his own weeks
            for week in range(start, start + (8 if alone else 12)):
                if rng.random() < 0.85:  # most weeks
                    claim(pid, "H0", doctor, 7 * week + day, cost, ("M54.5", "M17.9")[i % 2])

    for i in range(60):
        pid = f"p{i}"
        person(pid)
        for _ in range(3):
            claim(pid, f"H{1 + i % 2}", f"D{2 + i % 2}", int(rng.integers(0, 84)), rng.uniform(30, 40),
                  ("M54.5", "M17.9", "I10")[i % 3])  # fmt: skip
    course("m", 5, 0, "D0", gift_cost)
    course("s", 10, 0, "D0", gift_cost, alone=True)
    course("t", 5, 1, "D0", 35.0)
    course("d", 5, 3, "D1", 75.0)
    for prefix, k, cost in (("o", 30, 35.0), ("x", 2, 75.0)):
        for i in range(k):
            pid = f"{prefix}{i}"
            person(pid)
            for _ in range(3):
                claim(pid, "H0", "D0", int(rng.integers(0, 84)), cost, ("M54.5", "I10", "J06.9")[i % 3])
    facilities = [(f"H{i}", f"镇卫生院{i}", "community", 1, "public", "520000", 20) for i in range(3)]
    doctors = [(f"D{i}", f"H{max(0, i - 1)}", "医生", "医师", "全科") for i in range(4)]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, facilities), _table(PHARMACIES, []),
        _table(DOCTORS, doctors), _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


def _slot(facts: ClaimFacts, prefix: str) -> Candidate:
    """The persons whose ids start with ``prefix`` as a co-visit candidate with their claims at H0."""
    v = facts.graph.visits
    ids = pd.Series(v.persons.ids)
    codes = np.flatnonzero(ids.str.startswith(prefix).to_numpy())
    rows = np.flatnonzero(np.isin(v.column("person"), codes) & (v.column("venue") == _venue(facts, "H0")))
    return Candidate("covisit", codes, rows, {}, {})


def _venue(facts: ClaimFacts, venue: str) -> int:
    return int(np.flatnonzero(facts.graph.visits.venues.ids == venue)[0])


def _ids(facts: ClaimFacts, codes: np.ndarray) -> set[str]:
    return {str(facts.graph.visits.persons.ids[c]) for c in codes}


def test_a_dear_slot_takes_in_the_doctors_other_dear_slots_and_nobody_else() -> None:
    facts = claim_facts(build_graph(_township()))
    grown = doctor_slots(_slot(facts, "m"), _venue(facts, "H0"), facts)
    assert grown is not None
    # the elders who come alone join; the TCM regulars (peer cost), the ordinary and occasional dear patients
    # (no course) and D1's course (another doctor) do not
    assert _ids(facts, grown.persons) == {f"m{i}" for i in range(5)} | {f"s{i}" for i in range(10)}
    assert grown.evidence["slot_doctor"] == "D0" and grown.evidence["slot_joined"] == 10
    # the joined patients' claims with D0 at H0 join the ring's claims
    person = facts.graph.visits.column("person")
    assert set(np.unique(person[grown.claims]).tolist()) == set(grown.persons.tolist())


def test_a_course_at_the_care_cost_joins_nothing() -> None:
    # the same timetable at what the care costs elsewhere: the TCM regulars' Tuesday is not a dear course, and
    # a gift course billed at the peers' cost has no dear course to join
    facts = claim_facts(build_graph(_township(gift_cost=35.0)))
    assert doctor_slots(_slot(facts, "m"), _venue(facts, "H0"), facts) is None


def test_a_group_not_on_one_doctors_course_joins_nothing() -> None:
    # D0's ordinary patients come on any day: no weekly course, so they are no slot of his
    facts = claim_facts(build_graph(_township()))
    assert doctor_slots(_slot(facts, "o"), _venue(facts, "H0"), facts) is None


def test_on_course_asks_for_the_own_weekday_for_four_weeks() -> None:
    day = np.array([2, 9, 16, 23, 30, 2, 9, 16, 4, 9, 13, 20, 29])  # days since 2000-01-01: Mondays, ...
    person = np.array([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2])
    who, course = on_course(person, day)
    # five Mondays over five weeks; three Mondays (too few days); five days on the weekdays in turn
    assert who.tolist() == [0, 1, 2] and course.tolist() == [True, False, False]


def test_the_cost_sentence_names_the_doctors_other_slots_in_both_languages() -> None:
    args = {"ratio": 2.1, "ring": 45.0, "peers": 21.0, "cost_ratio_from": 1.3, "slot_joined": 10,
            "slot_doctor": "D0", "slot_cost": 1.3}  # fmt: skip
    assert "10 of the persons are more patients of D0 on a weekly course" in say("cost_ratio", args, "en")
    assert "其中 10 人是 D0 的另外的疗程病人" in say("cost_ratio", args, "zh")


def test_the_pipeline_reports_the_slot_with_the_elders_who_came_alone() -> None:
    # Without step 59 the Monday slot is the ring and the elders who came alone are in no candidate.
    rings = [r for r in run(_township()).rings if r.typology == "staged_clinic"]
    members = [{m.entity_id for m in r.members if m.entity_type == "person"} for r in rings]
    gift = {f"m{i}" for i in range(5)} | {f"s{i}" for i in range(10)}
    (ring,) = [m for m in members if m & gift]
    assert ring >= gift and not ring & {f"t{i}" for i in range(5)}  # the TCM regulars stay out
    assert not any(m & {f"x{i}" for i in range(2)} for m in members)  # dear but on no course
