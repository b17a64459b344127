"""One doctor's weekday slots as one organisation: the other course patients of a dear weekly course (step 59).

Physiotherapy sold with gifts (理疗送礼品) brings each elder on their own one to three weekdays for their own
months, all to one doctor who bills the same treatment lines on every visit, whatever the diagnosis, above what
the same care costs elsewhere (to pay for the gifts).  The event graph sees who comes on the same days, so it
groups the members by weekday slot: a slot of friends who keep the same day is a ring, and the elders of the
other slots, who never meet it, are in no candidate (thirdworld seeds 10, 43 and 45: the best slot held 8 of
17, 7 of 18 and 5 of 19).  What the slots share is the doctor and his course: a suspect ring whose members are
mostly one doctor's weekly-course patients there, billed above the peers' cost, takes in that doctor's other
weekly-course patients at the venue whose own course is billed above the peers' cost too.

Care has the same timetable but not the bill: a county TCM hospital's 针灸/推拿 regulars come on their own
weekday for months at the peers' cost, and dialysis shifts come two or three times a week at the cost of
dialysis elsewhere; neither is a suspect ring to start from, and their patients' own courses are not above
the peers' cost, so neither joins.
"""

from __future__ import annotations

import numpy as np

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.events import distinct
from graphfraud.score.features import ClaimFacts, cadence, cost_contrast, in_sorted
from graphfraud.score.reasons import COURSE_WEEKS, PEER_COST, SCHEDULE_WEEKDAYS

#: The typology whose rings may take in their doctor's other slots (a staged clinic: the venue bills the visits).
SLOT_TYPOLOGY = "staged_clinic"
#: A ring is one doctor's slot when a majority of its members' visits at its venue are with him and a majority
#: of its members are on a weekly course with him (a majority: not a tuned number).
SLOT_SHARE = 0.5


def on_course(person: np.ndarray, day: np.ndarray, *, min_days: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """The persons of visits (``person``, ``day``) and whether each is on a weekly course.

    A person who comes ``w`` times a week is on a course when at least ``SCHEDULE_WEEKDAYS`` of their days
    fall on their ``ceil(w)`` commonest weekdays, on ``min_days`` days or more, over ``COURSE_WEEKS``
    calendar weeks or more: a member's timetable (:func:`graphfraud.score.features.cadence`), person by person.

    >>> mondays = np.arange(2, 2 + 7 * 8, 7)  # days since 2000-01-01 (a Saturday): eight Mondays
    >>> every3 = np.arange(2, 2 + 3 * 8, 3)  # every third day: the weekdays in turn
    >>> who, course = on_course(np.r_[np.zeros(8, int), np.ones(8, int)], np.r_[mondays, every3])
    >>> who.tolist(), course.tolist()
    ([0, 1], [True, False])
    """
    persons = distinct(np.asarray(person, dtype=np.int64))
    c = cadence(person, day, min_days=min_days)
    if c is None:
        return persons, np.zeros(len(persons), dtype=bool)
    course = (c.on_timetable / c.n >= SCHEDULE_WEEKDAYS) & (c.course >= COURSE_WEEKS)
    return persons, in_sorted(persons, c.who[course])


def doctor_slots(candidate: Candidate, venue: int, facts: ClaimFacts) -> Candidate | None:
    """``candidate`` with its doctor's other dear weekly-course patients at ``venue``, or None.

    ``candidate`` is a suspect ring's (the caller checks its typology, benign reading and its cost above
    ``PEER_COST``).  Its doctor is the one who billed at least ``SLOT_SHARE`` of its claims at ``venue``; at
    least ``SLOT_SHARE`` of its members must be on a weekly course (:func:`on_course`) with him.  Each other
    patient on a weekly course with him there joins when that course (their claims with him there) costs at
    least ``PEER_COST`` times the same visit type and diagnosis elsewhere; their claims with him there join
    the ring's claims.  None when the ring is no such slot or no patient joins.
    """
    v = facts.graph.visits
    venue_col, doctor_col = v.column("venue"), v.column("doctor")
    rows = candidate.claims[(venue_col[candidate.claims] == venue) & (doctor_col[candidate.claims] >= 0)]
    if not len(rows):
        return None
    doctors, counts = np.unique(doctor_col[rows], return_counts=True)
    doctor = int(doctors[np.argmax(counts)])
    if counts.max() < SLOT_SHARE * np.sum(venue_col[candidate.claims] == venue):
        return None
    there = facts.graph.claim_rows("venue", np.array([venue]))  # the venue's claims (the run's index: no pass)
    his = there[(doctor_col[there] == doctor) & ~v.column("inpatient")[there]]
    person = v.column("person")[his]
    persons, course = on_course(person, v.column("day")[his])
    mine = np.isin(persons, candidate.persons)
    if course[mine].sum() < SLOT_SHARE * len(candidate.persons):
        return None
    others = persons[course & ~mine]
    order = np.argsort(person, kind="stable")
    lo = np.searchsorted(person[order], others, side="left")
    hi = np.searchsorted(person[order], others, side="right")
    joined = [(p, his[order[a:b]]) for p, a, b in zip(others.tolist(), lo, hi, strict=True)]
    joined = [(p, r) for p, r in joined if cost_contrast(r, facts)[0] >= PEER_COST]
    if not joined:
        return None
    return Candidate(
        detector=candidate.detector,
        persons=distinct(np.concatenate([candidate.persons, np.array([p for p, _ in joined], dtype=np.int64)])),
        claims=distinct(np.concatenate([candidate.claims, *(r for _, r in joined)])),
        evidence={
            **candidate.evidence,
            "slot_doctor": str(v.doctors.ids[doctor]),
            "slot_joined": len(joined),
            "slot_cost": PEER_COST,
        },
        params=candidate.params,
    )
