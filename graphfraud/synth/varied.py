"""Planted groups of a varied world (``--vary``): every ring draws the knobs real rings vary on.

The default planting functions (:mod:`graphfraud.synth.typologies`,
:mod:`graphfraud.synth.benign`) draw from ranges that one generator chose; a
varied world draws each group's knobs from the wide ranges of
:data:`RING_RANGES` and records them in :attr:`Planted.knobs` (written to
``world.json``), so a benchmark can say which kind of ring was missed.

Fraud rings:

- **staged_clinic**: a recruiter brings a different ``attendance`` share of a
  ``pool`` to a private clinic every ``cycle_days`` (+- a fifth), arrivals
  ``gap_minutes`` apart (a long batch starts earlier so that it ends by 20:00);
  recruits from the clinic's district or citywide.
- **card_collector**: a collector swipes a different subset (``attendance`` of
  the pool, at most 40 cards) of a card pool at 1-3 pharmacies every 1 to
  ``cycle_days`` days, mostly evenings, done by 22:30.
- **induced_admission**: an ``attendance`` share of the pool is admitted
  together, discharged after ``stay_days``, readmitted ``cycle_days`` later.
- **kickback**: a doctor steers ``pool`` patients, 1 to ``visits`` times each,
  to one pharmacy 0 to ``delay_days`` days after the visit.

Benign groups (``benign:<kind>:NN``):

- **dialysis**: a public hospital's unit with patients from every district, an
  ``out_of_region`` share insured elsewhere, fixed weekday slots (Mon/Wed/Fri,
  Tue/Thu/Sat or both) on 1-3 shifts; the visit type is chronic or outpatient.
- **nursing_home**: residents of one address seen every 7, 14 or 28 days.
- **family**: as in the default world.
- **checkup**: a company's staff, citywide and partly insured elsewhere, on 1-3
  weekday mornings a year.
"""

from __future__ import annotations

import sys
from collections import ChainMap
from collections.abc import Mapping

import numpy as np

from graphfraud.synth.benign import family
from graphfraud.synth.catalog import DIAGNOSES, PROFILE, diagnoses
from graphfraud.synth.claims import CHRONIC, DAY, INPATIENT, OUTPATIENT, PHARMACY, batch, concat, sample_minutes
from graphfraud.synth.context import Context, Planted, Planter, Planters
from graphfraud.synth.places import CLINIC, COMM, HOSP2, HOSP3, N_LOCAL, OUT_REGIONS, PRIV
from graphfraud.synth.population import EMPLOYEE, RESIDENT
from graphfraud.synth.typologies import steering_pair

_NONE = np.zeros(0, dtype=np.int64)

#: Inclusive ranges of every drawn knob, by kind (tests check that worlds honour them).
RING_RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "staged_clinic": {
        "pool": (15, 120),
        "attendance": (0.2, 0.95),
        "gap_minutes": (0.5, 5.0),
        "cycle_days": (3, 30),
        "elder_share": (0.4, 0.95),
        "phone_share": (0.0, 0.4),
        "padding": (0.8, 2.0),
        "doctors": (1, 4),
        "ordinary_rate": (0.2, 2.0),
    },
    "card_collector": {
        "pool": (15, 120),
        "attendance": (0.2, 0.95),
        "gap_minutes": (0.5, 5.0),
        "cycle_days": (1, 7),
        "outsider_share": (0.2, 0.9),
        "evening_share": (0.4, 0.95),
        "shops": (1, 3),
        "phone_share": (0.0, 0.8),
        "dead": (0, 3),
        "resale": (0.05, 0.25),
        "ordinary_rate": (0.2, 2.0),
    },
    "induced_admission": {
        "pool": (15, 120),
        "attendance": (0.2, 0.95),
        "cycle_days": (3, 30),
        "stay_days": (5, 14),
        "split_chance": (0.2, 0.6),
        "next_day_share": (0.0, 0.5),
        "padding": (1.0, 1.8),
        "doctors": (1, 3),
        "ordinary_rate": (0.2, 2.0),
    },
    "kickback": {
        "pool": (15, 120),
        "visits": (1, 6),
        "delay_days": (0, 3),
        "doctor_on_purchase": (0.0, 0.8),
        "ordinary_rate": (0.2, 2.0),
    },
    "dialysis": {
        "pool": (10, 60),
        "out_of_region": (0.0, 0.5),
        "home_weight": (1.0, 4.0),
        "shifts": (1, 3),
        "miss": (0.01, 0.08),
        "doctors": (1, 4),
    },
    "nursing_home": {
        "pool": (20, 100),
        "attendance": (0.5, 0.95),
        "gap_minutes": (1.0, 6.0),
        "out_of_region": (0.0, 0.3),
    },
    "checkup": {"pool": (30, 300), "out_of_region": (0.0, 0.3), "home_weight": (1.0, 3.0), "mornings": (1, 3)},
}
#: Most cards a collector swipes in one session.
MAX_CARDS = 40


def _uniform(ctx: Context, kind: str, name: str) -> float:
    lo, hi = RING_RANGES[kind][name]
    return round(float(ctx.rng.uniform(lo, hi)), 3)


def _integer(ctx: Context, kind: str, name: str) -> int:
    lo, hi = RING_RANGES[kind][name]
    return int(ctx.rng.integers(int(lo), int(hi) + 1))


def _pool_size(ctx: Context, kind: str, ring_id: str, available: int) -> int:
    lo, hi = RING_RANGES[kind]["pool"]
    return ctx.size(int(lo), int(hi), ring_id, available)


def _gaps(ctx: Context, kind: str) -> tuple[float, float]:
    """A ring's arrival-gap range, minutes: a lower and an upper bound inside the kind's range."""
    lo, hi = RING_RANGES[kind]["gap_minutes"]
    a = round(float(ctx.rng.uniform(lo, hi)), 3)
    b = round(float(ctx.rng.uniform(lo, hi)), 3)
    return min(a, b), max(a, b)


def _arrivals(rng: np.random.Generator, t0: int, n: int, gaps: tuple[float, float]) -> np.ndarray:
    """``n`` arrival minutes from ``t0``, consecutive gaps drawn from ``gaps`` (fractions kept until the floor)."""
    steps = np.r_[0.0, np.cumsum(rng.uniform(gaps[0], gaps[1], max(n - 1, 0)))]
    return (t0 + np.floor(steps)).astype(np.int64)[:n]


def _opening(rng: np.random.Generator, lo: int, hi: int, n: int, gaps: tuple[float, float], close: int) -> int:
    """A batch's first arrival, minute of day, drawn in ``lo..hi`` and moved earlier (not before 07:00)
    so that ``n`` arrivals at the mean gap end by ``close``."""
    span = int((n - 1) * (gaps[0] + gaps[1]) / 2) if n > 1 else 0
    return max(7 * 60, min(int(rng.integers(lo, hi)), close - span))


def _weight(ctx: Context, district: int, recruits: str) -> np.ndarray:
    return np.where(ctx.people.home == district, 6.0, 1.0) if recruits == "local" else np.ones(len(ctx.people))


def _members(ctx: Context, persons: np.ndarray, rate: float) -> None:
    ctx.members(persons)
    ctx.people.rate[persons] = ctx.member_rate * rate


def _out_of_region(ctx: Context, persons: np.ndarray, share: float) -> np.ndarray:
    """Insure a ``share`` of ``persons`` elsewhere (they still live and seek care here); return them."""
    moved = persons[ctx.rng.random(len(persons)) < share]
    ctx.people.region[moved] = N_LOCAL + ctx.rng.integers(0, len(OUT_REGIONS), len(moved))
    return moved


def _facility(ctx: Context, classes: list[int], min_doctors: int = 1) -> int:
    p = ctx.places
    ok = np.isin(p.fac_class, classes) & ~ctx.used_facility & (p.fac_doctors >= min_doctors)
    if not ok.any():
        ok = np.isin(p.fac_class, classes) & (p.fac_doctors >= min_doctors)
    return int(ctx.rng.choice(np.flatnonzero(ok)))


def _aged(ctx: Context, lo: float, hi: float) -> np.ndarray:
    pp = ctx.people
    return (pp.age >= lo) & (pp.age < hi) & pp.local


# ---------------------------------------------------------------- fraud
def staged_clinic(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people, kind = ctx.rng, ctx.places, ctx.people, "staged_clinic"
    f = _facility(ctx, [CLINIC], min_doctors=2)
    ctx.fraud_facility(f)
    d = int(places.fac_district[f])
    staff = places.doctors_of(f)
    docs = np.sort(rng.choice(staff, min(_integer(ctx, kind, "doctors"), len(staff)), replace=False))
    ctx.used_doctor[docs] = True
    broker = people.pick(rng, 1, (people.home == d) & _aged(ctx, 40, 65))
    recruits_from = "local" if rng.random() < 0.5 else "citywide"
    weight = _weight(ctx, d, recruits_from)
    elder_share = _uniform(ctx, kind, "elder_share")
    old = _aged(ctx, 60, 95)
    size = _pool_size(ctx, kind, ring_id, people.available(old))
    n_old = int(round(size * elder_share))
    recruits = np.sort(
        np.concatenate(
            [
                people.pick(rng, n_old, old, weight=weight),
                people.pick(rng, size - n_old, _aged(ctx, 25, 60), weight=weight),
            ]
        )
    )
    phone_share = _uniform(ctx, kind, "phone_share")
    people.phone[recruits[rng.random(len(recruits)) < phone_share]] = ctx.phone_of(int(broker[0]))
    rate = _uniform(ctx, kind, "ordinary_rate")
    _members(ctx, np.concatenate([broker, recruits]), rate)

    cycle, attend, scale = (
        _integer(ctx, kind, "cycle_days"),
        _uniform(ctx, kind, "attendance"),
        _uniform(ctx, kind, "padding"),
    )
    gaps = _gaps(ctx, kind)
    jitter = cycle // 5
    batches = []
    day = int(rng.integers(0, cycle))
    while day < ctx.days:
        who = recruits[rng.random(len(recruits)) < attend]
        if rng.random() < 0.3:
            who = np.concatenate([who, broker])
        who = rng.permutation(who)
        start = _arrivals(rng, day * DAY + _opening(rng, 8 * 60, 16 * 60, len(who), gaps, 20 * 60), len(who), gaps)
        batches.append(
            batch(
                patient=who,
                facility=f,
                doctor=docs[rng.integers(0, len(docs), len(who))],
                visit_type=OUTPATIENT,
                start=start,
                diagnosis=diagnoses(rng, "clinic", len(who)),
                profile=PROFILE["staged"],
                scale=scale,
                terminal=rng.integers(0, places.fac_terminals[f], len(who)),
                group=gid,
            )
        )
        day += max(1, cycle + int(rng.integers(-jitter, jitter + 1)))
    knobs = {
        "pool": len(recruits) + 1,
        "attendance": attend,
        "gap_minutes": list(gaps),
        "cycle_days": cycle,
        "recruits": recruits_from,
        "elder_share": elder_share,
        "phone_share": phone_share,
        "padding": scale,
        "doctors": len(docs),
        "ordinary_rate": rate,
    }
    return Planted(
        ring_id, kind, np.concatenate([broker, recruits]), docs, np.array([f]), _NONE, concat(batches), knobs=knobs
    )


def card_collector(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people, kind = ctx.rng, ctx.places, ctx.people, "card_collector"
    d = int(rng.integers(0, N_LOCAL))
    free = np.flatnonzero((places.ph_district == d) & ~ctx.used_pharmacy)
    if len(free) == 0:
        free = np.flatnonzero(places.ph_district == d)
    shops = np.sort(rng.choice(free, min(_integer(ctx, kind, "shops"), len(free)), replace=False))
    for p in shops:
        ctx.fraud_pharmacy(int(p))
    collector = people.pick(rng, 1, (people.home == d) & _aged(ctx, 28, 55))
    phone = ctx.phone_of(int(collector[0]))
    size = _pool_size(ctx, kind, ring_id, 10**9)
    outsider_share = _uniform(ctx, kind, "outsider_share")
    n_out = int(round(size * outsider_share))
    outsiders = people.add(
        age=rng.uniform(25, 85, n_out),
        female=rng.random(n_out) < 0.5,
        home=np.full(n_out, d),
        region=N_LOCAL + rng.integers(0, len(OUT_REGIONS), n_out),
        insured=np.where(rng.random(n_out) < 0.5, EMPLOYEE, RESIDENT),
        phone=people.new_phone(n_out),
        local=np.zeros(n_out, dtype=bool),
    )
    local = people.pick(rng, size - n_out, _aged(ctx, 20, 80), weight=np.where(people.home == d, 4.0, 1.0))
    holders = np.sort(np.concatenate([outsiders, local]))
    phone_share = _uniform(ctx, kind, "phone_share")
    people.phone[holders[rng.random(len(holders)) < phone_share]] = phone
    dead = rng.choice(holders, min(_integer(ctx, kind, "dead"), len(holders)), replace=False)
    people.death_day[dead] = rng.integers(int(ctx.days * 0.15), int(ctx.days * 0.5) + 1, len(dead))
    rate = _uniform(ctx, kind, "ordinary_rate")
    _members(ctx, np.concatenate([collector, holders]), rate)
    people.rate[outsiders] = 0.0

    attend, cycle, evening = (
        _uniform(ctx, kind, "attendance"),
        _integer(ctx, kind, "cycle_days"),
        _uniform(ctx, kind, "evening_share"),
    )
    gaps = _gaps(ctx, kind)
    terminal = rng.integers(0, places.ph_terminals[shops])
    batches = []
    day = int(rng.integers(0, cycle))
    while day < ctx.days:
        alive = holders[people.death_day[holders] > day]
        k = min(max(int(rng.binomial(len(holders), attend)), 3), MAX_CARDS, len(alive))
        cards = rng.choice(alive, k, replace=False)
        s = int(rng.integers(0, len(shops)))
        lo, hi = (18 * 60 + 30, 20 * 60 + 30) if rng.random() < evening else (9 * 60, 16 * 60)
        t0 = _opening(rng, lo, hi, k, gaps, 22 * 60 + 30)
        batches.append(
            batch(
                patient=cards,
                pharmacy=shops[s],
                visit_type=PHARMACY,
                start=_arrivals(rng, day * DAY + t0, k, gaps),
                diagnosis=np.where(rng.random(k) < 0.5, diagnoses(rng, "high_value", k), -1),
                terminal=terminal[s],
                profile=PROFILE["collector"],
                group=gid,
            )
        )
        day += int(rng.integers(1, cycle + 1))
    resale = _uniform(ctx, kind, "resale")
    knobs = {
        "pool": len(holders) + 1,
        "attendance": attend,
        "gap_minutes": list(gaps),
        "cycle_days": cycle,
        "recruits": "citywide" if n_out < size else "outsiders",
        "outsider_share": outsider_share,
        "evening_share": evening,
        "shops": len(shops),
        "phone_share": phone_share,
        "dead": len(dead),
        "resale": resale,
        "ordinary_rate": rate,
    }
    return Planted(
        ring_id,
        kind,
        np.concatenate([collector, holders]),
        _NONE,
        _NONE,
        shops,
        concat(batches),
        resale=resale,
        knobs=knobs,
    )


def induced_admission(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people, kind = ctx.rng, ctx.places, ctx.people, "induced_admission"
    f = _facility(ctx, [PRIV])
    ctx.fraud_facility(f)
    d = int(places.fac_district[f])
    staff = places.doctors_of(f)
    docs = np.sort(rng.choice(staff, min(_integer(ctx, kind, "doctors"), len(staff)), replace=False))
    ctx.used_doctor[docs] = True
    organizer = people.pick(rng, 1, (people.home == d) & _aged(ctx, 45, 65))
    recruits_from = "local" if rng.random() < 0.5 else "citywide"
    old = _aged(ctx, 62, 95)
    elderly = people.pick(
        rng, _pool_size(ctx, kind, ring_id, people.available(old)), old, weight=_weight(ctx, d, recruits_from)
    )
    rate = _uniform(ctx, kind, "ordinary_rate")
    _members(ctx, np.concatenate([organizer, elderly]), rate)

    cycle, attend, scale = (
        _integer(ctx, kind, "cycle_days"),
        _uniform(ctx, kind, "attendance"),
        _uniform(ctx, kind, "padding"),
    )
    split_chance, next_day = _uniform(ctx, kind, "split_chance"), _uniform(ctx, kind, "next_day_share")
    stay_lo, stay_hi = RING_RANGES[kind]["stay_days"]
    los_lo = int(rng.integers(int(stay_lo), int(stay_hi) + 1))
    los_hi = int(rng.integers(los_lo, int(stay_hi) + 1))
    batches = []
    day = int(rng.integers(0, min(30, ctx.days - 20)))
    first = True
    while True:
        los = int(rng.integers(los_lo, los_hi + 1))
        split = rng.random() < split_chance
        pause, los2 = int(rng.integers(1, 4)), int(rng.integers(3, 9))
        extra = pause + los2 if split else 0
        if day + 1 + los + extra >= ctx.days and not first:
            break
        first = False
        who = elderly[rng.random(len(elderly)) < attend]
        if len(who) < 3:
            who = rng.choice(elderly, min(3, len(elderly)), replace=False)
        if rng.random() < 0.5:
            who = np.concatenate([who, organizer])
        n = len(who)
        adm = day + (rng.random(n) < next_day)
        out = np.minimum(day + los, ctx.days - 1)
        stays = [(who, adm, np.full(n, out))]
        if split and out + pause + los2 < ctx.days:
            again = who[rng.random(n) < rng.uniform(0.3, 0.6)]
            back = out + pause
            stays.append((again, np.full(len(again), back), np.full(len(again), back + los2)))
        for pts, a_day, d_day in stays:
            m = len(pts)
            if m == 0:
                continue
            d_day = np.maximum(d_day, a_day + 1)
            batches.append(
                batch(
                    patient=pts,
                    facility=f,
                    doctor=docs[rng.integers(0, len(docs), m)],
                    visit_type=INPATIENT,
                    start=a_day * DAY + np.sort(rng.integers(8 * 60, 11 * 60, m)),
                    end=d_day * DAY + rng.integers(9 * 60, 10 * 60 + 30, m),
                    diagnosis=diagnoses(rng, "induced", m),
                    terminal=rng.integers(0, places.fac_terminals[f], m),
                    profile=PROFILE["induced"],
                    scale=scale,
                    days=d_day - a_day,
                    group=gid,
                )
            )
        day = out + extra + cycle + int(rng.integers(-(cycle // 5), cycle // 5 + 1))
    knobs = {
        "pool": len(elderly) + 1,
        "attendance": attend,
        "cycle_days": cycle,
        "recruits": recruits_from,
        "stay_days": [los_lo, los_hi],
        "split_chance": split_chance,
        "next_day_share": next_day,
        "padding": scale,
        "doctors": len(docs),
        "ordinary_rate": rate,
    }
    return Planted(
        ring_id, kind, np.concatenate([organizer, elderly]), docs, np.array([f]), _NONE, concat(batches), knobs=knobs
    )


def kickback(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people, kind = ctx.rng, ctx.places, ctx.people, "kickback"
    f = _facility(ctx, [HOSP3, HOSP2, CLINIC], min_doctors=3)
    d, doctor, shop = steering_pair(ctx, f)
    recruits_from = "local" if rng.random() < 0.5 else "citywide"
    same = _aged(ctx, 25, 85)
    patients = people.pick(
        rng, _pool_size(ctx, kind, ring_id, people.available(same)), same, weight=_weight(ctx, d, recruits_from)
    )
    rate = _uniform(ctx, kind, "ordinary_rate")
    _members(ctx, patients, rate)

    visits_max, delay = _integer(ctx, kind, "visits"), _integer(ctx, kind, "delay_days")
    on_purchase = _uniform(ctx, kind, "doctor_on_purchase")
    pat = np.repeat(patients, rng.integers(1, visits_max + 1, len(patients)))
    day = rng.integers(0, ctx.days - delay - 1, len(pat))
    visit_start = day * DAY + sample_minutes(rng, len(pat), "clinic" if places.fac_class[f] == CLINIC else "facility")
    dx = diagnoses(rng, "high_value", len(pat))
    visits = batch(
        patient=pat,
        facility=f,
        doctor=doctor,
        visit_type=OUTPATIENT,
        start=visit_start,
        diagnosis=dx,
        terminal=rng.integers(0, places.fac_terminals[f], len(pat)),
        profile=PROFILE["hospital"],
        group=gid,
    )
    buy_day = day + rng.integers(0, delay + 1, len(pat))
    buy_start = np.maximum(
        buy_day * DAY + sample_minutes(rng, len(pat), "pharmacy"), visit_start + rng.integers(20, 120, len(pat))
    )
    buys = batch(
        patient=pat,
        pharmacy=shop,
        doctor=np.where(rng.random(len(pat)) < on_purchase, doctor, -1),
        visit_type=PHARMACY,
        start=buy_start,
        diagnosis=dx,
        terminal=rng.integers(0, places.ph_terminals[shop], len(pat)),
        profile=PROFILE["steered"],
        group=gid,
    )
    knobs = {
        "pool": len(patients),
        "visits": visits_max,
        "delay_days": delay,
        "doctor_on_purchase": on_purchase,
        "recruits": recruits_from,
        "ordinary_rate": rate,
    }
    return Planted(
        ring_id, kind, patients, np.array([doctor]), _NONE, np.array([shop]), concat([visits, buys]), knobs=knobs
    )


# ---------------------------------------------------------------- benign
def dialysis(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people, kind = ctx.rng, ctx.places, ctx.people, "dialysis"
    f = _facility(ctx, [HOSP3, HOSP2], min_doctors=2)
    ctx.used_facility[f] = True  # one unit per hospital
    d = int(places.fac_district[f])
    docs = places.dept_doctors(f, "肾内科")
    if len(docs) == 0:
        docs = places.doctors_of(f)
    docs = np.sort(rng.choice(docs, min(_integer(ctx, kind, "doctors"), len(docs)), replace=False))
    home_weight = _uniform(ctx, kind, "home_weight")
    pool = _aged(ctx, 30, 88)
    patients = people.pick(
        rng,
        _pool_size(ctx, kind, ring_id, people.available(pool)),
        pool,
        weight=np.where(people.home == d, home_weight, 1.0),
    )
    people.chronic[patients] = True
    ctx.members(patients)
    share = _uniform(ctx, kind, "out_of_region")
    moved = _out_of_region(ctx, patients, share)
    schedules = ((0, 2, 4),) if rng.random() < 1 / 3 else ((1, 3, 5),) if rng.random() < 0.5 else ((0, 2, 4), (1, 3, 5))
    shifts = np.sort(
        rng.choice(
            [7 * 60, 7 * 60 + 30, 11 * 60 + 30, 12 * 60, 16 * 60, 16 * 60 + 30],
            _integer(ctx, kind, "shifts"),
            replace=False,
        )
    )
    slot_sched = rng.integers(0, len(schedules), len(patients))
    slot_shift = rng.integers(0, len(shifts), len(patients))
    miss = _uniform(ctx, kind, "miss")
    chronic = rng.random() < 0.7
    weekday = ctx.weekday(np.arange(ctx.days))
    batches = []
    for s, sched in enumerate(schedules):
        days = np.flatnonzero(np.isin(weekday, sched))
        for h, shift in enumerate(shifts):
            group = patients[(slot_sched == s) & (slot_shift == h)]
            if len(group) == 0:
                continue
            day = np.repeat(days, len(group))
            pat = np.tile(group, len(days))
            keep = rng.random(len(pat)) > miss
            day, pat = day[keep], pat[keep]
            offset = rng.integers(0, 25, len(group))[np.searchsorted(group, pat)]
            batches.append(
                batch(
                    patient=pat,
                    facility=f,
                    doctor=docs[day % len(docs)],
                    visit_type=CHRONIC if chronic else OUTPATIENT,
                    start=day * DAY + int(shift) + offset + rng.integers(0, 8, len(pat)),
                    diagnosis=DIAGNOSES.index("N18.5"),
                    terminal=rng.integers(0, places.fac_terminals[f], len(pat)),
                    profile=PROFILE["dialysis"],
                    group=gid,
                )
            )
    knobs = {
        "pool": len(patients),
        "out_of_region": share,
        "out_of_region_members": len(moved),
        "home_weight": home_weight,
        "schedules": ["MWF" if sch == (0, 2, 4) else "TTS" for sch in schedules],
        "shifts": len(shifts),
        "miss": miss,
        "visit_type": "chronic" if chronic else "outpatient",
        "doctors": len(docs),
    }
    return Planted(ring_id, kind, patients, docs, np.array([f]), _NONE, concat(batches), knobs=knobs)


def nursing_home(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people, kind = ctx.rng, ctx.places, ctx.people, "nursing_home"
    centres = np.flatnonzero(places.fac_class == COMM)
    f = int(rng.choice(centres))
    d = int(places.fac_district[f])
    staff = places.doctors_of(f)
    free = staff[~ctx.used_doctor[staff]]
    doctor = int(rng.choice(free if len(free) else staff))
    ctx.used_doctor[doctor] = True
    lo, hi = RING_RANGES[kind]["pool"]
    n = ctx.size(int(lo), int(hi), ring_id, 10**9)
    home_phone = people.new_phone()[0]
    residents = people.add(
        age=rng.uniform(72, 98, n),
        female=rng.random(n) < 0.6,
        home=np.full(n, d),
        region=np.full(n, d),
        insured=np.where(rng.random(n) < 0.45, EMPLOYEE, RESIDENT),
        address=np.full(n, people.new_address()[0]),
        phone=np.where(rng.random(n) < 0.3, home_phone, people.new_phone(n) + 1),
        chronic=np.ones(n, dtype=bool),
        frailty=rng.gamma(2.0, 0.5, n),
    )
    ctx.members(residents)
    share = _uniform(ctx, kind, "out_of_region")
    moved = _out_of_region(ctx, residents, share)
    period = int(rng.choice([7, 14, 28]))
    attend = _uniform(ctx, kind, "attendance")
    gaps = _gaps(ctx, kind)
    batches = []
    for day in range(int(rng.integers(0, period)), ctx.days, period):
        day = ctx.workday(day)
        who = rng.permutation(residents[rng.random(n) < attend])
        start = _arrivals(rng, day * DAY + int(rng.integers(8 * 60 + 30, 9 * 60 + 30)), len(who), gaps)
        batches.append(
            batch(
                patient=who,
                facility=f,
                doctor=doctor,
                visit_type=np.where(rng.random(len(who)) < 0.7, CHRONIC, OUTPATIENT),
                start=start,
                diagnosis=diagnoses(rng, "nursing", len(who)),
                profile=PROFILE["nursing_home"],
                terminal=rng.integers(0, places.fac_terminals[f], len(who)),
                group=gid,
            )
        )
    knobs = {
        "pool": n,
        "period_days": period,
        "attendance": attend,
        "gap_minutes": list(gaps),
        "out_of_region": share,
        "out_of_region_members": len(moved),
    }
    return Planted(ring_id, kind, residents, np.array([doctor]), np.array([f]), _NONE, concat(batches), knobs=knobs)


def checkup(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people, kind = ctx.rng, ctx.places, ctx.people, "checkup"
    f = int(rng.choice(np.flatnonzero(places.fac_class == HOSP3)))
    d = int(places.fac_district[f])
    docs = places.dept_doctors(f, "体检中心")
    if len(docs) == 0:
        docs = places.doctors_of(f)
    docs = np.sort(rng.choice(docs, min(int(rng.integers(1, 4)), len(docs)), replace=False))
    home_weight = _uniform(ctx, kind, "home_weight")
    pool = (people.insured == EMPLOYEE) & _aged(ctx, 22, 60)
    staff = people.pick(
        rng,
        _pool_size(ctx, kind, ring_id, people.available(pool)),
        pool,
        weight=np.where(people.home == d, home_weight, 1.0),
    )
    ctx.members(staff)
    share = _uniform(ctx, kind, "out_of_region")
    moved = _out_of_region(ctx, staff, share)
    mornings = _integer(ctx, kind, "mornings")
    day0 = int(rng.integers(0, max(1, min(ctx.days, 365) - 7)))
    batches = []
    for year in range(day0, ctx.days, 365):
        part = rng.integers(0, mornings, len(staff))
        for m in range(mornings):
            day = ctx.workday(min(year + m, ctx.days - 1))
            who = rng.permutation(staff[part == m])
            if len(who) == 0:
                continue
            start = _arrivals(rng, day * DAY + int(rng.integers(7 * 60 + 30, 8 * 60 + 15)), len(who), (0.0, 3.0))
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
    knobs = {
        "pool": len(staff),
        "out_of_region": share,
        "out_of_region_members": len(moved),
        "home_weight": home_weight,
        "mornings": mornings,
    }
    return Planted(ring_id, kind, staff, docs, np.array([f]), _NONE, concat(batches), knobs=knobs)


def varied_family(ctx: Context, gid: int, ring_id: str) -> Planted:
    """A family as in the default world; its knobs are its size."""
    planted = family(ctx, gid, ring_id)
    planted.knobs = {"pool": len(planted.persons)}
    return planted


#: kind -> its varied planter: the typologies' from the table (functions above with the planters' names),
#: then the benign kinds.
VARIED: Mapping[str, Planter] = ChainMap(
    Planters(sys.modules[__name__]),
    {  # type: ignore[arg-type]
        "dialysis": dialysis,
        "nursing_home": nursing_home,
        "family": varied_family,
        "checkup": checkup,
    },
)
