"""Benign dense groups: legitimate care that is as dense and synchronous as fraud.

They are labelled ``benign:<kind>:NN`` so that evaluation can count false
alarms; a detector that flags density alone will flag every one of them.

- **dialysis** (血液透析): 10-30 patients of one public hospital's unit, N18.5,
  chronic visits three times a week (Mon/Wed/Fri or Tue/Thu/Sat) on a fixed
  shift (07:30, 12:00 or 16:30) all period, the same fee lines every session.
- **nursing_home** (养老院): 30-80 residents aged 75+ sharing one address (30%
  bound to the home's phone), seen by one community-centre doctor one morning
  a week or every four weeks, 2-5 minutes apart, low-cost chronic care.
- **family**: a household of 3-5, sometimes with a grandparents' household bound
  to the same phone, visiting one or two venues together 4-10 times, 0-3 minutes apart.
- **checkup** (单位体检): 50-200 employees of one company at one hospital's exam
  centre on one weekday morning a year, 0-2 minutes apart, exam and lab lines.
"""

from __future__ import annotations

import numpy as np

from graphfraud.synth.catalog import DIAGNOSES, PROFILE, diagnoses
from graphfraud.synth.claims import CHRONIC, DAY, OUTPATIENT, batch, concat, sample_minutes
from graphfraud.synth.context import Context, Planted
from graphfraud.synth.places import COMM, HOSP2, HOSP3
from graphfraud.synth.population import EMPLOYEE, NO_DEATH

_NONE = np.zeros(0, dtype=np.int64)
_SHIFTS = (7 * 60 + 30, 12 * 60, 16 * 60 + 30)


def _doctors(ctx: Context, f: int, dept: str, k: int) -> np.ndarray:
    docs = ctx.places.dept_doctors(f, dept)
    if len(docs) == 0:
        docs = ctx.places.doctors_of(f)
    return np.sort(ctx.rng.choice(docs, min(k, len(docs)), replace=False))


def dialysis(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people = ctx.rng, ctx.places, ctx.people
    units = np.flatnonzero(np.isin(places.fac_class, [HOSP3, HOSP2]))
    number = ring_id.rsplit(":", 1)[1].removeprefix(ctx.id_prefix)  # the group's number, without --id-prefix
    slot = int(number) - 1  # spreads units over hospitals, schedules and shifts
    f = int(units[slot % len(units)])
    schedule = (0, 2, 4) if (slot // len(units)) % 2 == 0 else (1, 3, 5)
    shift = _SHIFTS[(slot // (2 * len(units))) % 3]
    docs = _doctors(ctx, f, "肾内科", int(rng.integers(1, 3)))
    d = int(places.fac_district[f])
    pool = (people.home == d) & (people.age >= 40) & (people.age < 85) & people.local
    patients = people.pick(rng, ctx.size(10, 30, ring_id, people.available(pool)), pool)
    people.chronic[patients] = True
    ctx.members(patients)
    days = np.flatnonzero(np.isin(ctx.weekday(np.arange(ctx.days)), schedule))
    day = np.repeat(days, len(patients))
    pat = np.tile(patients, len(days))
    keep = rng.random(len(pat)) > 0.03
    day, pat = day[keep], pat[keep]
    offset = rng.integers(0, 20, len(patients))[np.searchsorted(patients, pat)]
    claims = batch(
        patient=pat,
        facility=f,
        doctor=docs[day % len(docs)],
        visit_type=CHRONIC,
        start=day * DAY + shift + offset + rng.integers(0, 6, len(pat)),
        diagnosis=DIAGNOSES.index("N18.5"),
        terminal=rng.integers(0, places.fac_terminals[f], len(pat)),
        profile=PROFILE["dialysis"],
        group=gid,
    )
    return Planted(ring_id, "dialysis", patients, docs, np.array([f]), _NONE, claims)


def nursing_home(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people = ctx.rng, ctx.places, ctx.people
    centres = np.flatnonzero(places.fac_class == COMM)
    f = int(centres[gid % len(centres)] if rng.random() < 0.5 else rng.choice(centres))
    d = int(places.fac_district[f])
    staff = places.doctors_of(f)
    free = staff[~ctx.used_doctor[staff]]
    doctor = int(rng.choice(free if len(free) else staff))
    ctx.used_doctor[doctor] = True
    n = ctx.size(30, 80, ring_id, 10**9)
    home_phone = people.new_phone()[0]
    residents = people.add(
        age=rng.uniform(75, 98, n),
        female=rng.random(n) < 0.6,
        home=np.full(n, d),
        region=np.full(n, d),
        insured=np.where(rng.random(n) < 0.45, EMPLOYEE, 1),
        address=np.full(n, people.new_address()[0]),
        phone=np.where(rng.random(n) < 0.3, home_phone, people.new_phone(n) + 1),
        chronic=np.ones(n, dtype=bool),
        frailty=rng.gamma(2.0, 0.5, n),
    )
    ctx.members(residents)
    period = 7 if rng.random() < 0.6 else 28
    attend = rng.uniform(0.7, 0.95)
    batches = []
    for day in range(int(rng.integers(0, period)), ctx.days, period):
        day = ctx.workday(day)
        who = rng.permutation(residents[rng.random(n) < attend])
        start = (
            day * DAY
            + int(rng.integers(8 * 60 + 30, 9 * 60 + 30))
            + np.cumsum(np.r_[0, rng.integers(2, 6, max(len(who) - 1, 0))])
        )
        batches.append(
            batch(
                patient=who,
                facility=f,
                doctor=doctor,
                visit_type=np.where(rng.random(len(who)) < 0.7, CHRONIC, OUTPATIENT),
                start=start[: len(who)],
                diagnosis=diagnoses(rng, "nursing", len(who)),
                profile=PROFILE["nursing_home"],
                group=gid,
            )
        )
    return Planted(ring_id, "nursing_home", residents, np.array([doctor]), np.array([f]), _NONE, concat(batches))


def family(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people = ctx.rng, ctx.places, ctx.people
    size = np.bincount(people.household)[people.household]
    first = np.r_[True, people.household[1:] != people.household[:-1]]
    ok = first & (size >= 3) & people.local & ~people.taken & (people.death_day == NO_DEATH)
    head = int(rng.choice(np.flatnonzero(ok)))
    members = np.flatnonzero(people.household == people.household[head])
    d = int(people.home[head])
    if rng.random() < 0.5:
        elders = np.flatnonzero(
            first
            & (size <= 2)
            & (people.home == d)
            & (people.age >= 62)
            & ~people.taken
            & (people.death_day == NO_DEATH)
            & people.local
        )
        if len(elders):
            extra = np.flatnonzero(people.household == people.household[rng.choice(elders)])
            if rng.random() < 0.5:
                people.phone[extra] = ctx.phone_of(int(members[0]))
            members = np.concatenate([members, extra])
    members = members[people.death_day[members] == NO_DEATH]
    ctx.members(members)
    venues = [int(rng.choice(places.facilities_of(COMM, d)))]
    if rng.random() < 0.5:
        venues.append(int(rng.choice(places.facilities_of(HOSP3, d))))
    docs = [int(rng.choice(places.doctors_of(v))) for v in venues]
    batches = []
    for day in np.sort(rng.choice(ctx.days, int(rng.integers(4, 11)), replace=False)):
        v = int(rng.integers(0, len(venues)))
        who = members[rng.random(len(members)) < 0.8]
        if len(who) < 2:
            who = members[:2]
        who = rng.permutation(who)
        a = people.age[who]
        start = (
            day * DAY + sample_minutes(rng, 1, "facility")[0] + np.cumsum(np.r_[0, rng.integers(0, 4, len(who) - 1)])
        )
        dx = np.where(a < 18, diagnoses(rng, "child", len(who)), diagnoses(rng, "adult", len(who)))
        batches.append(
            batch(
                patient=who,
                facility=venues[v],
                doctor=docs[v],
                visit_type=OUTPATIENT,
                start=start,
                diagnosis=dx,
                terminal=rng.integers(0, places.fac_terminals[venues[v]]),
                profile=PROFILE["community" if v == 0 else "hospital"],
                group=gid,
            )
        )
    return Planted(
        ring_id,
        "family",
        np.sort(members),
        np.array(sorted(set(docs))),
        np.array(sorted(set(venues))),
        _NONE,
        concat(batches),
    )


def checkup(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people = ctx.rng, ctx.places, ctx.people
    f = int(rng.choice(np.flatnonzero(places.fac_class == HOSP3)))
    d = int(places.fac_district[f])
    docs = _doctors(ctx, f, "体检中心", int(rng.integers(1, 4)))
    pool = (people.insured == EMPLOYEE) & (people.age >= 22) & (people.age < 60) & people.local
    weight = np.where(people.home == d, 3.0, 1.0)
    staff = people.pick(rng, ctx.size(50, 200, ring_id, people.available(pool)), pool, weight=weight)
    ctx.members(staff)
    day0 = int(rng.integers(0, min(ctx.days, 365)))
    batches = []
    for day in range(day0, ctx.days, 365):
        day = ctx.workday(day)
        who = rng.permutation(staff)
        start = (
            day * DAY
            + int(rng.integers(7 * 60 + 30, 8 * 60 + 15))
            + np.cumsum(np.r_[0, rng.integers(0, 3, len(who) - 1)])
        )
        batches.append(
            batch(
                patient=who,
                facility=f,
                doctor=docs[rng.integers(0, len(docs), len(who))],
                visit_type=OUTPATIENT,
                start=start,
                diagnosis=DIAGNOSES.index("Z00.0"),
                terminal=rng.integers(0, places.fac_terminals[f], len(who)),
                profile=PROFILE["checkup"],
                group=gid,
            )
        )
    return Planted(ring_id, "checkup", staff, docs, np.array([f]), _NONE, concat(batches))


BENIGN = {
    "dialysis": dialysis,
    "nursing_home": nursing_home,
    "family": family,
    "checkup": checkup,
}
