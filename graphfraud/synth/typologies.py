"""Fraud rings planted into a synthetic world, each with camouflage.

Members keep their ordinary claims (``member_ordinary_rate``) and fraud venues
keep serving ordinary patients (``venue_ordinary_rate``); every ring draws its
own parameters.  One function per typology, each ``(ctx, gid, ring_id) ->
Planted``, where ``gid`` tags the ring's claims:

- **staged_clinic** (虚构诊疗): a private clinic, 2-4 of its doctors, a broker and
  20-60 recruits (75% aged 60+, mostly from the clinic's district, 20-40% bound
  to the broker's phone) arriving in
  batches every 7-14 days (+-1 day), 1-4 minutes apart, padded treatment, lab
  and herbal lines worth 2-4x the clinic's ordinary visit.
- **card_collector** (职业收卡人): a collector and 15-50 card holders (65-90% insured
  elsewhere, 50-80% bound to the collector's phone, 1-3 dead during the period)
  whose cards are swiped 5-15 at a time within 10-30 minutes on one terminal of
  one of 1-2 pharmacies, mostly in the evening, for high-value drugs; 10-20%
  of drug lines repeat an earlier sale's traceability code (回流药).
- **induced_admission** (诱导住院/挂床): a private hospital, 1-3 doctors, an
  organizer and 15-40 elderly (65+, mostly from its district) admitted together
  (same or next day) every 30-90 days, 60-90% of them each time, discharged
  together after 7-12 days, with per-day padding; one of the first two episodes
  and 40% of the others split the stay (分解住院): 30-60% of the cohort is
  discharged, then readmitted 1-3 days later for 5-10 more days.
- **kickback** (医药回扣): a doctor whose 20-60 steered patients buy high-value
  drugs at one pharmacy near the doctor's facility 0-2 days after 1-4 visits.
"""

from __future__ import annotations

import sys

import numpy as np

from graphfraud.synth.catalog import PROFILE, diagnoses
from graphfraud.synth.claims import DAY, INPATIENT, OUTPATIENT, PHARMACY, batch, concat, sample_minutes
from graphfraud.synth.context import Context, Planted, Planters
from graphfraud.synth.places import CLINIC, HOSP2, HOSP3, N_LOCAL, PRIV
from graphfraud.synth.population import EMPLOYEE, RESIDENT

_NONE = np.zeros(0, dtype=np.int64)


def _pick_facility(ctx: Context, classes: list[int], min_doctors: int = 1) -> int:
    p = ctx.places
    ok = np.isin(p.fac_class, classes) & ~ctx.used_facility & (p.fac_doctors >= min_doctors)
    if not ok.any():
        ok = np.isin(p.fac_class, classes) & (p.fac_doctors >= min_doctors)
    return int(ctx.rng.choice(np.flatnonzero(ok)))


def _local(ctx: Context, district: int, lo: float, hi: float) -> np.ndarray:
    pp = ctx.people
    return (pp.home == district) & (pp.age >= lo) & (pp.age < hi) & pp.local


def _aged(ctx: Context, lo: float, hi: float) -> np.ndarray:
    pp = ctx.people
    return (pp.age >= lo) & (pp.age < hi) & pp.local


def staged_clinic(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people = ctx.rng, ctx.places, ctx.people
    f = _pick_facility(ctx, [CLINIC], min_doctors=2)
    ctx.fraud_facility(f)
    d = int(places.fac_district[f])
    staff = places.doctors_of(f)
    docs = np.sort(rng.choice(staff, min(int(rng.integers(2, 5)), len(staff)), replace=False))
    ctx.used_doctor[docs] = True
    broker = people.pick(rng, 1, _local(ctx, d, 40, 65))
    # Recruits come mostly from the clinic's district; brokers also bus them in from elsewhere.
    near = np.where(people.home == d, 6.0, 1.0)
    old = _aged(ctx, 60, 95)
    size = ctx.size(20, 60, ring_id, people.available(old))
    recruits = np.sort(
        np.concatenate(
            [
                people.pick(rng, size - size // 4, old, weight=near),
                people.pick(rng, size // 4, _aged(ctx, 30, 60), weight=near),
            ]
        )
    )
    phone = ctx.phone_of(int(broker[0]))
    people.phone[recruits[rng.random(len(recruits)) < rng.uniform(0.2, 0.4)]] = phone
    ctx.members(np.concatenate([broker, recruits]))

    cycle, attend, scale = int(rng.integers(7, 15)), rng.uniform(0.7, 0.95), rng.uniform(0.85, 1.25)
    batches = []
    day = int(rng.integers(0, cycle))
    while day < ctx.days:
        who = recruits[rng.random(len(recruits)) < attend]
        if rng.random() < 0.3:
            who = np.concatenate([who, broker])
        who = rng.permutation(who)
        t0 = day * DAY + int(rng.integers(8 * 60 + 30, 15 * 60))
        start = t0 + np.cumsum(np.r_[0, rng.integers(1, 5, len(who) - 1)]) if len(who) else _NONE
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
                group=gid,
            )
        )
        day += cycle + int(rng.integers(-1, 2))
    return Planted(
        ring_id, "staged_clinic", np.concatenate([broker, recruits]), docs, np.array([f]), _NONE, concat(batches)
    )


def card_collector(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people = ctx.rng, ctx.places, ctx.people
    d = int(rng.integers(0, N_LOCAL))
    free = np.flatnonzero((places.ph_district == d) & ~ctx.used_pharmacy)
    shops = np.sort(rng.choice(free, min(int(rng.integers(1, 3)), len(free)), replace=False))
    for p in shops:
        ctx.fraud_pharmacy(int(p))
    collector = people.pick(rng, 1, _local(ctx, d, 28, 55))
    phone = ctx.phone_of(int(collector[0]))
    size = ctx.size(15, 50, ring_id, 10**9)
    n_out = int(round(size * rng.uniform(0.65, 0.9)))
    outsiders = people.add(
        age=rng.uniform(25, 85, n_out),
        female=rng.random(n_out) < 0.5,
        home=np.full(n_out, d),
        region=N_LOCAL + rng.integers(0, 3, n_out),
        insured=np.where(rng.random(n_out) < 0.5, EMPLOYEE, RESIDENT),
        phone=people.new_phone(n_out),
        local=np.zeros(n_out, dtype=bool),
    )
    holders = np.sort(np.concatenate([outsiders, people.pick(rng, size - n_out, _local(ctx, d, 20, 80))]))
    people.phone[holders[rng.random(len(holders)) < rng.uniform(0.5, 0.8)]] = phone
    dead = rng.choice(holders, min(int(rng.integers(1, 4)), len(holders)), replace=False)
    people.death_day[dead] = rng.integers(int(ctx.days * 0.15), int(ctx.days * 0.5) + 1, len(dead))
    ctx.members(np.concatenate([collector, holders]))
    people.rate[outsiders] = 0.0

    evening = rng.uniform(0.5, 0.8)
    terminal = rng.integers(0, places.ph_terminals[shops])
    batches = []
    day = int(rng.integers(0, 7))
    while day < ctx.days:
        k = min(int(rng.integers(5, 16)), len(holders))
        cards = rng.choice(holders, k, replace=False)
        s = int(rng.integers(0, len(shops)))
        t0 = (
            int(rng.integers(19 * 60 + 10, 20 * 60 + 20))
            if rng.random() < evening
            else int(rng.integers(9 * 60, 17 * 60))
        )
        span = max(int(rng.integers(10, 31)), k)
        offsets = np.sort(rng.choice(span + 1, k, replace=False))
        batches.append(
            batch(
                patient=cards,
                pharmacy=shops[s],
                visit_type=PHARMACY,
                start=day * DAY + t0 + offsets - offsets[0],
                diagnosis=np.where(rng.random(k) < 0.5, diagnoses(rng, "high_value", k), -1),
                terminal=terminal[s],
                profile=PROFILE["collector"],
                group=gid,
            )
        )
        day += int(rng.integers(3, 11))
    return Planted(
        ring_id,
        "card_collector",
        np.concatenate([collector, holders]),
        _NONE,
        _NONE,
        shops,
        concat(batches),
        resale=float(rng.uniform(0.1, 0.2)),
    )


def induced_admission(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people = ctx.rng, ctx.places, ctx.people
    f = _pick_facility(ctx, [PRIV])
    ctx.fraud_facility(f)
    d = int(places.fac_district[f])
    staff = places.doctors_of(f)
    docs = np.sort(rng.choice(staff, min(int(rng.integers(1, 4)), len(staff)), replace=False))
    ctx.used_doctor[docs] = True
    organizer = people.pick(rng, 1, _local(ctx, d, 45, 65))
    old = _aged(ctx, 65, 95)
    near = np.where(people.home == d, 6.0, 1.0)
    elderly = people.pick(rng, ctx.size(15, 40, ring_id, people.available(old)), old, weight=near)
    ctx.members(np.concatenate([organizer, elderly]))

    gap, attend, scale = int(rng.integers(30, 91)), rng.uniform(0.6, 0.9), rng.uniform(1.0, 1.5)
    batches = []
    day = int(rng.integers(0, min(30, ctx.days - 26)))  # the first episode always fits (days >= 30)
    must_split = int(rng.integers(0, 2))  # the first or second episode splits for sure
    episode = 0
    while True:
        los = int(rng.integers(7, 13))
        split = episode == must_split or rng.random() < 0.4
        pause, los2 = int(rng.integers(1, 4)), int(rng.integers(5, 11))
        extra = pause + los2 if split else 0
        if day + 1 + los + extra >= ctx.days:
            break
        who = elderly[rng.random(len(elderly)) < attend]
        if rng.random() < 0.5:
            who = np.concatenate([who, organizer])
        n = len(who)
        adm = day + (rng.random(n) < 0.3)
        out = day + los
        stays = [(who, adm, np.full(n, out))]
        if split:
            again = who[rng.random(n) < rng.uniform(0.3, 0.6)]
            back = out + pause
            stays.append((again, np.full(len(again), back), np.full(len(again), back + los2)))
        for pts, a_day, d_day in stays:
            m = len(pts)
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
        day = out + extra + gap + int(rng.integers(-7, 8))
        episode += 1
    return Planted(
        ring_id, "induced_admission", np.concatenate([organizer, elderly]), docs, np.array([f]), _NONE, concat(batches)
    )


def steering_pair(ctx: Context, f: int) -> tuple[int, int, int]:
    """A kickback's doctor at facility ``f`` and the pharmacy near it they steer to: (district, doctor, pharmacy)."""
    rng, places = ctx.rng, ctx.places
    d = int(places.fac_district[f])
    staff = places.doctors_of(f)
    free_docs = staff[~ctx.used_doctor[staff]]
    doctor = int(rng.choice(free_docs if len(free_docs) else staff))
    ctx.used_doctor[doctor] = True
    near = [int(p) for p in places.fac_near_pharmacies[f] if not ctx.used_pharmacy[p]]
    pool = near or np.flatnonzero((places.ph_district == d) & ~ctx.used_pharmacy).tolist()
    shop = int(rng.choice(pool))
    ctx.fraud_pharmacy(shop)
    return d, doctor, shop


def kickback(ctx: Context, gid: int, ring_id: str) -> Planted:
    rng, places, people = ctx.rng, ctx.places, ctx.people
    f = _pick_facility(ctx, [HOSP3, HOSP2, CLINIC], min_doctors=3)
    d, doctor, shop = steering_pair(ctx, f)
    same = people.local & (people.age >= 30) & (people.age < 80)
    size = ctx.size(20, 60, ring_id, people.available(same))
    near_home = (people.home == d).mean()
    weight = np.where(people.home == d, 0.45 / near_home, 0.55 / max(1.0 - near_home, 1e-9))
    patients = people.pick(rng, size, same, weight=weight)
    ctx.members(patients)

    nvis = rng.integers(1, 5, len(patients))
    pat = np.repeat(patients, nvis)
    alive_days = ctx.days - 3
    day = rng.integers(0, alive_days, len(pat))
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
    buy_day = day + rng.integers(0, 3, len(pat))
    buy_start = np.maximum(
        buy_day * DAY + sample_minutes(rng, len(pat), "pharmacy"), visit_start + rng.integers(20, 120, len(pat))
    )
    buys = batch(
        patient=pat,
        pharmacy=shop,
        doctor=np.where(rng.random(len(pat)) < 0.4, doctor, -1),
        visit_type=PHARMACY,
        start=buy_start,
        diagnosis=dx,
        terminal=rng.integers(0, places.ph_terminals[shop], len(pat)),
        profile=PROFILE["steered"],
        group=gid,
    )
    return Planted(ring_id, "kickback", patients, np.array([doctor]), _NONE, np.array([shop]), concat([visits, buys]))


#: typology -> its planter above (the ``planter`` column of :data:`graphfraud.contract.TYPOLOGY_TABLE`).
FRAUD = Planters(sys.modules[__name__])
