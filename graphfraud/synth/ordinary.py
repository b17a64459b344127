"""Ordinary care: the claims of every insured person, vectorised with numpy.

About ten claims per person per year (children and the elderly more), visit
types by age, mostly in the home district, at the person's usual community
centre, clinic and pharmacies or at hospitals weighted by size; working-hours
arrival minutes, weekday-heavy facility visits, inpatient stays of 3-15 days,
family mutual-aid payments (家庭共济) and a share of purchases at a pharmacy near
the hospital just visited.  No Python loop runs per claim.
"""

from __future__ import annotations

import numpy as np

from graphfraud.synth.catalog import PROFILE, diagnoses
from graphfraud.synth.claims import CHRONIC, DAY, INPATIENT, OUTPATIENT, PHARMACY, Batch, batch, concat, sample_minutes
from graphfraud.synth.places import CLINIC, COMM, DISTRICTS, HOSP2, HOSP3, N_CLASSES, N_LOCAL, PRIV, SPEC, Places
from graphfraud.synth.population import People

# Facility class probabilities (HOSP3, HOSP2, PRIV, COMM, CLINIC, SPEC) per case.
_CLASS_P = {
    "child": (0.35, 0.15, 0.02, 0.33, 0.10, 0.05),
    "adult": (0.30, 0.12, 0.05, 0.25, 0.20, 0.08),
    "elder": (0.30, 0.12, 0.06, 0.38, 0.10, 0.04),
    "chronic": (0.35, 0.15, 0.00, 0.50, 0.00, 0.00),
    "inpatient": (0.62, 0.26, 0.12, 0.00, 0.00, 0.00),
}


def grouped_sampler(group: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Prepare weighted draws of an item within its group (see :func:`draw`)."""
    order = np.lexsort((np.arange(len(group)), group))
    g = group[order].astype(np.float64)
    w = weight[order].astype(np.float64)
    cw = np.cumsum(w)
    starts = np.searchsorted(g, g, side="left")
    ends = np.searchsorted(g, g, side="right") - 1
    before = np.where(starts > 0, cw[starts - 1], 0.0)
    total = cw[ends] - before
    key = g + (cw - before) / total
    key[ends == np.arange(len(g))] = g[ends == np.arange(len(g))] + 1.0
    return order, key


def draw(rng: np.random.Generator, sampler: tuple[np.ndarray, np.ndarray], group: np.ndarray) -> np.ndarray:
    """One item per entry of ``group``, weighted within the group; groups must be non-empty."""
    order, key = sampler
    return order[np.searchsorted(key, group + rng.random(len(group)), side="right")]


def usual_venues(rng: np.random.Generator, places: Places, people: People) -> tuple[np.ndarray, ...]:
    """Per person: usual community centre, usual clinic, and two usual pharmacies."""
    home = people.home
    fac = grouped_sampler(places.fac_district * N_CLASSES + places.fac_class, places.fac_weight)
    comm = draw(rng, fac, home * N_CLASSES + COMM)
    clinic = draw(rng, fac, home * N_CLASSES + CLINIC)
    ph = grouped_sampler(places.ph_district, places.ph_weight * np.where(places.ph_chain >= 0, 1.5, 1.0))
    return comm, clinic, draw(rng, ph, home), draw(rng, ph, home)


def ordinary_claims(
    rng: np.random.Generator,
    places: Places,
    people: People,
    *,
    days: int,
    weekday0: int,
    pharmacy_share: float = 0.36,
    away_share: float = 0.08,
) -> Batch:
    """The ordinary claims of everyone in ``people`` over ``days`` days.

    ``weekday0`` is the weekday of day 0 (Monday = 0).  Persons with ``local``
    false have none; ``rate`` multiplies a person's claim rate.
    ``pharmacy_share`` of the claims that are neither stays nor chronic care are
    pharmacy purchases; ``away_share`` of facility visits are outside the home district.
    """
    age = people.age
    per_year = np.select([age < 7, age < 18, age < 40, age < 60, age < 70], [13.0, 6.0, 5.0, 8.0, 13.0], 18.0)
    alive = np.minimum(people.death_day, days).astype(np.int64)
    lam = per_year * people.frailty * people.rate * people.local * alive / 365.0
    pat = np.repeat(np.arange(len(people), dtype=np.int32), rng.poisson(lam))
    n = len(pat)
    a = age[pat]
    day = (rng.random(n) * alive[pat]).astype(np.int64)

    u = rng.random(n)
    p_in = np.select([a < 7, a < 18, a < 60, a < 75], [0.004, 0.006, 0.014, 0.018], 0.022)
    p_ch = np.where(people.chronic[pat], 0.25, 0.0)
    vt = np.select(
        [u < p_in, u < p_in + p_ch, u < p_in + p_ch + pharmacy_share], [INPATIENT, CHRONIC, PHARMACY], OUTPATIENT
    )
    del u, p_in, p_ch
    wd = (weekday0 + day) % 7
    move = (vt != PHARMACY) & (wd >= 5) & (rng.random(n) < 0.55)
    day = np.where(move & (day - (wd - 4) >= 0), day - (wd - 4), day)
    del wd, move

    comm, clinic, ph1, ph2 = usual_venues(rng, places, people)
    facility, cls = _facilities(rng, places, people, pat, a, vt, comm, clinic, away_share)
    pharmacy = _pharmacies(rng, places, people, pat, vt, ph1, ph2)
    del comm, clinic, ph1, ph2
    doctor = _doctors(rng, places, pat, facility)

    minute = np.zeros(n, dtype=np.int64)
    for prof, mask in (
        ("facility", (vt != PHARMACY) & (vt != INPATIENT) & (cls != CLINIC)),
        ("clinic", (vt != PHARMACY) & (cls == CLINIC)),
        ("pharmacy", vt == PHARMACY),
        ("admission", vt == INPATIENT),
    ):
        minute[mask] = sample_minutes(rng, int(mask.sum()), prof)
    start = day * DAY + minute
    stay = np.zeros(n, dtype=np.int64)
    inp = np.flatnonzero(vt == INPATIENT)
    los = np.clip(np.rint(rng.lognormal(np.log(5.0 + a[inp] / 20.0), 0.45)), 3, 15).astype(np.int64)
    los = np.maximum(np.minimum(los, alive[pat[inp]] - day[inp]), 1)
    stay[inp] = los
    end = np.full(n, -1, dtype=np.int64)
    end[inp] = (day[inp] + los) * DAY + rng.integers(540, 690, len(inp))

    holder = _holders(rng, people, pat, day)
    profile = np.select(
        [vt == INPATIENT, vt == CHRONIC, vt == PHARMACY, cls == COMM, cls == CLINIC],
        [PROFILE["inpatient"], PROFILE["chronic"], PROFILE["pharmacy"], PROFILE["community"], PROFILE["clinic"]],
        PROFILE["hospital"],
    )
    dx = _diagnoses(rng, a, vt, cls)
    nterm = np.where(
        facility >= 0, places.fac_terminals[np.maximum(facility, 0)], places.ph_terminals[np.maximum(pharmacy, 0)]
    )
    visits = batch(
        patient=pat,
        holder=holder,
        facility=facility,
        pharmacy=pharmacy,
        doctor=doctor,
        visit_type=vt,
        start=start,
        end=end,
        diagnosis=dx,
        terminal=(rng.random(n) * nterm),
        profile=profile,
        days=stay,
    )
    return _after_visit(rng, places, visits, cls, alive)


def _facilities(rng, places, people, pat, a, vt, comm, clinic, away_share):  # type: ignore[no-untyped-def]
    n = len(pat)
    case = np.select([vt == INPATIENT, vt == CHRONIC, a < 18, a < 60], [4, 3, 0, 1], 2)
    cls = np.full(n, -1, dtype=np.int64)
    for c, name in enumerate(("child", "adult", "elder", "chronic", "inpatient")):
        rows = np.flatnonzero((case == c) & (vt != PHARMACY))
        cum = np.cumsum(_CLASS_P[name])
        cls[rows] = np.minimum(np.searchsorted(cum / cum[-1], rng.random(len(rows)), side="right"), N_CLASSES - 1)
    home = people.home[pat]
    shares = np.array([d[2] for d in DISTRICTS])
    away = rng.random(n) < away_share
    district = np.where(away, rng.choice(N_LOCAL, size=n, p=shares / shares.sum()), home)
    size = np.where(np.isin(places.fac_class, [HOSP3, HOSP2, PRIV, SPEC]), places.fac_beds + 10, 1.0)
    sampler = grouped_sampler(places.fac_district * N_CLASSES + places.fac_class, size * places.fac_weight)
    facility = np.full(n, -1, dtype=np.int64)
    rows = np.flatnonzero(cls >= 0)
    facility[rows] = draw(rng, sampler, district[rows] * N_CLASSES + cls[rows])
    usual_comm = (cls == COMM) & ~away
    facility[usual_comm] = comm[pat[usual_comm]]
    usual_clinic = (cls == CLINIC) & ~away & (rng.random(n) < 0.7)
    facility[usual_clinic] = clinic[pat[usual_clinic]]
    return facility, cls


def _pharmacies(rng, places, people, pat, vt, ph1, ph2):  # type: ignore[no-untyped-def]
    n = len(pat)
    u = rng.random(n)
    pharmacy = np.where(u < 0.7, ph1[pat], ph2[pat])
    other = u > 0.95
    sampler = grouped_sampler(places.ph_district, places.ph_weight)
    pharmacy[other] = draw(rng, sampler, people.home[pat[other]])
    return np.where(vt == PHARMACY, pharmacy, -1)


def _doctors(rng, places, pat, facility):  # type: ignore[no-untyped-def]
    f = np.maximum(facility, 0)
    ndoc = places.fac_doctors[f]
    busy = np.floor(ndoc * rng.random(len(pat)) ** 1.4).astype(np.int64)
    own = (pat.astype(np.int64) * 2_654_435_761 >> 7) % ndoc
    pick = np.where((places.fac_class[f] == COMM) & (rng.random(len(pat)) < 0.6), own, busy)
    return np.where(facility >= 0, places.fac_first_doctor[f] + pick, -1)


def _holders(rng, people, pat, day):  # type: ignore[no-untyped-def]
    payer = people.payer[pat]
    ok = (payer >= 0) & (rng.random(len(pat)) < 0.2)
    ok &= people.death_day[np.maximum(payer, 0)] > day
    return np.where(ok, payer, -1)


def _diagnoses(rng, a, vt, cls):  # type: ignore[no-untyped-def]
    n = len(a)
    dx = np.full(n, -1, dtype=np.int16)
    out = vt == OUTPATIENT
    groups = (
        ("inpatient", vt == INPATIENT),
        ("chronic", vt == CHRONIC),
        ("pharmacy", (vt == PHARMACY) & (rng.random(n) < 0.3)),
        ("specialty", out & (cls == SPEC)),
        ("clinic", out & (cls == CLINIC)),
        ("child", out & (cls != SPEC) & (cls != CLINIC) & (a < 18)),
        ("adult", out & (cls != SPEC) & (cls != CLINIC) & (a >= 18) & (a < 60)),
        ("elder", out & (cls != SPEC) & (cls != CLINIC) & (a >= 60)),
    )
    for name, mask in groups:
        dx[mask] = diagnoses(rng, name, int(mask.sum()))
    return dx


def _after_visit(rng: np.random.Generator, places: Places, visits: Batch, cls: np.ndarray, alive: np.ndarray) -> Batch:
    """Add purchases at a pharmacy near the hospital 0-2 days after 6% of hospital visits."""
    rows = np.flatnonzero(
        (visits.visit_type == OUTPATIENT) & np.isin(cls, [HOSP3, HOSP2, SPEC]) & (rng.random(len(visits)) < 0.06)
    )
    near3 = places.fac_near_pharmacies[visits.facility[rows]]
    cw = np.cumsum(places.ph_weight[near3], axis=1)
    rows, near3, cw = rows[cw[:, -1] > 0], near3[cw[:, -1] > 0], cw[cw[:, -1] > 0]
    pick = (cw < (rng.random(len(rows)) * cw[:, -1])[:, None]).sum(axis=1)
    near = near3[np.arange(len(rows)), pick]
    v = visits.take(rows)
    day = v.start // DAY + rng.integers(0, 3, len(v))
    day = np.minimum(day, alive[v.patient] - 1)
    start = np.maximum(day * DAY + sample_minutes(rng, len(v), "pharmacy"), v.start + rng.integers(15, 90, len(v)))
    buys = batch(
        patient=v.patient,
        holder=v.holder,
        pharmacy=near,
        doctor=np.where(rng.random(len(v)) < 0.4, v.doctor, -1),
        visit_type=PHARMACY,
        start=start,
        diagnosis=v.diagnosis,
        terminal=rng.random(len(v)) * places.ph_terminals[near],
        profile=PROFILE["after_visit"],
    )
    return concat([visits, buys])
