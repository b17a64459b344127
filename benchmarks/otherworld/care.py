"""Ordinary care: heavy-tailed visit counts, habitual venues, movers, fills, chronic follow-ups, admissions, deaths."""

from __future__ import annotations

import numpy as np

from .calendar import CLINIC, COMMUNITY, HOSPITAL, PHARMACY, day_weights, minutes_of_day
from .claims import CHR, INP, OUT, PHA, Claims, F
from .knobs import SPRING_FESTIVAL, Knobs
from .places import City

DIAG_YOUNG = ["J06.9", "J02.9", "A09.9", "J20.9", "L30.9", "H10.9", "K29.7", "R50.9", "S61.0", "N39.0"]
DIAG_OLD = ["I10", "E11.9", "I25.1", "M54.5", "K29.7", "J44.9", "I63.9", "M17.9", "J06.9", "N40"]
CATEGORIES = ["community", "clinic", "district", "big", "pharmacy", "away"]


def _habits(rng: np.random.Generator, city: City, district: np.ndarray) -> np.ndarray:
    """persons x 5 venue indices: community centre, clinic, district hospital, big hospital, pharmacy."""
    fac, ph = city.facilities, city.pharmacies
    n = len(district)
    out = np.empty((n, 5), dtype=np.int64)
    fd, role = fac["district"].to_numpy(), fac["role"].to_numpy()
    bigs = np.flatnonzero(role == "big")
    big_w = fac["beds"].to_numpy()[bigs].astype(float)
    for d in np.unique(district):
        m = district == d
        k = int(m.sum())
        for col, r in ((0, "community"), (1, "clinic"), (2, "district")):
            cand = np.flatnonzero((fd == d) & (role == r))
            w = rng.lognormal(0, 1.0, len(cand))  # some clinics are busy, most are small
            out[m, col] = rng.choice(cand, size=k, p=w / w.sum())
        near = bigs[fd[bigs] == d]
        pick = rng.choice(bigs, size=k, p=big_w / big_w.sum())
        if len(near):
            pick = np.where(rng.random(k) < 0.5, near[0], pick)
        out[m, 3] = pick
        cand = np.flatnonzero(ph["district"].to_numpy() == d)
        w = rng.lognormal(0, 0.7, len(cand))  # no shop takes most of a district
        out[m, 4] = rng.choice(cand, size=k, p=w / w.sum())
    return out


def _doctor_at(rng: np.random.Generator, city: City, fac: np.ndarray, sticky: np.ndarray) -> np.ndarray:
    """A doctor of each visit's facility; popular doctors see more patients (u**2 favours low ranks)."""
    u = np.where(sticky >= 0, sticky, rng.random(len(fac)))
    return city.doc_start[fac] + np.minimum((u**2 * city.doc_count[fac]).astype(np.int64), city.doc_count[fac] - 1)


def ordinary_care(rng: np.random.Generator, knobs: Knobs, city: City, claims: Claims, busy: np.ndarray) -> None:
    """Everyone's everyday claims (busy persons, e.g. dialysis patients, get fewer ordinary visits)."""
    P = city.persons
    n = len(P)
    age = P["age"].to_numpy()
    base = np.interp(age, [0, 6, 18, 40, 60, 75, 95], [9, 6, 3, 3.5, 6, 9, 11]) * knobs.days / 365
    lam = base * knobs.visit_scale * rng.gamma(knobs.tail_shape, 1 / knobs.tail_shape, n) * np.where(busy, 0.3, 1)
    count = rng.poisson(lam)
    pid = np.repeat(np.arange(n), count)
    v = len(pid)
    # each person's habitual mix of venues
    alpha = np.array([2.0, 1.5, 1.2, 1.0, 10 * knobs.pharmacy_pref / (1 - knobs.pharmacy_pref), 0.0])
    alpha[5] = alpha[:5].sum() * knobs.away_share / (1 - knobs.away_share)
    mix = rng.dirichlet(alpha, n)
    cat = (rng.random(v)[:, None] > np.cumsum(mix[pid], axis=1)).sum(axis=1).clip(0, 5)
    home = P["district"].to_numpy()
    movers = rng.random(n) < knobs.movers
    new_home = np.where(movers, (home + rng.integers(1, len(city.districts), n)) % len(city.districts), home)
    move_day = np.where(movers, rng.integers(30, max(knobs.days - 30, 31), n), knobs.days + 1)
    hab_a, hab_b = _habits(rng, city, home), _habits(rng, city, new_home)
    away = _habits(rng, city, rng.integers(0, len(city.districts), n))
    sf = SPRING_FESTIVAL[knobs.year]
    cls_of = np.array([COMMUNITY, CLINIC, HOSPITAL, HOSPITAL, PHARMACY, CLINIC])
    day = np.empty(v, dtype=np.int64)
    minute = np.empty(v, dtype=np.int64)
    for c in (HOSPITAL, COMMUNITY, CLINIC, PHARMACY):
        m = cls_of[cat] == c
        day[m] = rng.choice(knobs.days, size=int(m.sum()), p=day_weights(knobs.year, knobs.days, sf, c))
        minute[m] = minutes_of_day(rng, int(m.sum()), c)
    moved = day >= move_day[pid]
    away_col = rng.integers(0, 5, v)
    col = np.where(cat == 5, away_col, cat)
    venue = np.where(cat == 5, away[pid, col], np.where(moved, hab_b[pid, col], hab_a[pid, col]))
    alive = (P["death_day"].to_numpy()[pid] < 0) | (day < P["death_day"].to_numpy()[pid])
    is_ph = col == 4
    diag = np.where(age[pid] >= 50, rng.choice(DIAG_OLD, v), rng.choice(DIAG_YOUNG, v))
    t = day * 1440 + minute
    # retail purchases
    m = is_ph & alive
    claims.add(pid[m], pha=venue[m], t=t[m], vtype=PHA, flavour=F["ord_pharm"], diag=diag[m], tag="ordinary")
    # facility visits
    m = ~is_ph & alive
    fv, fp, ft, fd = venue[m], pid[m], t[m], diag[m]
    sticky_u = rng.random(n)
    sticky = np.where(np.isin(col[m], [0, 1]) & (rng.random(len(fv)) < 0.75), sticky_u[fp], -1.0)
    doc = _doctor_at(rng, city, fv, sticky)
    claims.add(fp, fac=fv, doc=doc, t=ft, vtype=OUT, flavour=F["ord_out"], diag=fd, tag="ordinary")
    # same-day prescription fills and second claims
    # clinics and community centres dispense in-house; hospital prescriptions go out to 院边店 more often
    in_house = np.isin(city.facilities["role"].to_numpy()[fv], ["clinic", "community"])
    fill = rng.random(len(fv)) < knobs.fill_prob * np.where(in_house, 0.25, 1.0)
    adj = rng.random(len(fv)) < knobs.adjacent_pharmacy
    own_ph = np.where(moved[m], hab_b[fp, 4], hab_a[fp, 4])
    pha = np.where(adj, city.adjacent_pharmacy[fv, rng.integers(0, 3, len(fv))], own_ph)
    fill_t = ft + rng.integers(10, 120, len(fv))
    pdoc = doc if knobs.prescriber_on_pharmacy else -1
    claims.add(
        fp[fill],
        pha=pha[fill],
        doc=np.broadcast_to(pdoc, len(fv))[fill],
        t=fill_t[fill],
        vtype=PHA,
        flavour=F["ord_pharm"],
        diag=fd[fill],
        tag="ordinary",
    )
    lab = rng.random(len(fv)) < 0.08
    claims.add(
        fp[lab],
        fac=fv[lab],
        doc=doc[lab],
        t=ft[lab] + rng.integers(5, 90, int(lab.sum())),
        vtype=OUT,
        flavour=F["lab"],
        diag=fd[lab],
        tag="ordinary",
    )
    _chronic(rng, knobs, city, claims, hab_a, busy)
    _admissions(rng, knobs, city, claims, hab_a)


def _chronic(rng, knobs: Knobs, city: City, claims: Claims, hab: np.ndarray, busy: np.ndarray) -> None:
    """Monthly 慢病 follow-ups at the community centre (own doctor) and refills at the usual pharmacy."""
    P = city.persons
    age = P["age"].to_numpy()
    chronic = (age >= 45) & (rng.random(len(P)) < np.interp(age, [45, 65, 85], [0.08, 0.25, 0.35])) & ~busy
    who = np.flatnonzero(chronic)
    period = rng.integers(26, 35, len(who))
    phase = rng.integers(0, 30, len(who))
    k = (knobs.days - phase) // period + 1
    pid = np.repeat(who, k)
    rep = np.arange(len(pid)) - np.repeat(np.cumsum(k) - k, k)
    day = np.repeat(phase, k) + rep * np.repeat(period, k) + rng.integers(-3, 4, len(pid))
    dd = P["death_day"].to_numpy()[pid]
    ok = (day >= 0) & (day < knobs.days) & ((dd < 0) | (day < dd))
    pid, day = pid[ok], day[ok]
    diag = rng.choice(["I10", "E11.9", "I25.1", "J44.9"], len(pid), p=[0.5, 0.3, 0.1, 0.1])
    at_pharmacy = rng.random(len(pid)) < 0.35
    minute = minutes_of_day(rng, len(pid), COMMUNITY)
    fac = hab[pid, 0]
    sticky = rng.random(len(P))[pid]
    doc = _doctor_at(rng, city, fac, sticky)
    vt = CHR if knobs.chronic_type == "chronic" else OUT
    m = ~at_pharmacy
    claims.add(
        pid[m],
        fac=fac[m],
        doc=doc[m],
        t=day[m] * 1440 + minute[m],
        vtype=vt,
        flavour=F["chronic"],
        diag=diag[m],
        tag="ordinary",
    )
    m = at_pharmacy
    claims.add(
        pid[m],
        pha=hab[pid[m], 4],
        t=day[m] * 1440 + minutes_of_day(rng, int(m.sum()), PHARMACY),
        vtype=PHA,
        flavour=F["ord_pharm"],
        diag=diag[m],
        tag="ordinary",
    )


def _admissions(rng, knobs: Knobs, city: City, claims: Claims, hab: np.ndarray) -> None:
    """Genuine inpatient stays: more with age, at the district or a big hospital, log-normal length."""
    P = city.persons
    age = P["age"].to_numpy()
    rate = np.interp(age, [0, 5, 20, 50, 70, 90], [0.08, 0.04, 0.03, 0.06, 0.15, 0.3]) * knobs.days / 365
    k = rng.poisson(rate)
    pid = np.repeat(np.arange(len(P)), k)
    day = rng.integers(0, knobs.days, len(pid))
    dd = P["death_day"].to_numpy()[pid]
    ok = (dd < 0) | (day < dd)
    pid, day = pid[ok], day[ok]
    los = np.clip(np.round(rng.lognormal(np.log(6), 0.6, len(pid))), 1, 60).astype(np.int64)
    fac = np.where(rng.random(len(pid)) < 0.5, hab[pid, 2], hab[pid, 3])
    doc = _doctor_at(rng, city, fac, np.full(len(pid), -1.0))
    t = day * 1440 + rng.integers(8 * 60, 17 * 60, len(pid))
    diag = np.where(
        age[pid] >= 50,
        rng.choice(["I63.9", "J18.9", "I50.9", "S72.0", "K80.2", "C34.9"], len(pid)),
        rng.choice(["J18.9", "K35.8", "O80", "S82.2", "A09.9"], len(pid)),
    )
    claims.add(pid, fac=fac, doc=doc, t=t, vtype=INP, los=los, flavour=F["inpatient"], diag=diag, tag="ordinary")
