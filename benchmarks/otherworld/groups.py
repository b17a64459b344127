"""Legitimate dense care that a detector must leave alone, each group with its own drawn parameters.

Dialysis units (透析, 3x a week on fixed shifts, through the Spring Festival), nursing homes (养老院: a
doctor's weekly round, staff picking up everyone's medicine with their cards), families (several
generations sharing a phone), company and school physicals (集体体检), community check-ups of the
elderly, rehabilitation courses, oncology day treatment with its 双通道 (DTP) pharmacy, chronic-disease
pharmacies (慢病药房).
"""

from __future__ import annotations

import numpy as np

from .claims import CHR, OUT, PHA, Claims, F
from .places import City, _phone
from .pools import cycle_days, doctors_of, hoods_of, pick, weekday_of_jan1
from .rings import _entry, _scale


def _weekdays(knobs, days: np.ndarray) -> np.ndarray:
    return (days + weekday_of_jan1(knobs.year)) % 7


def dialysis(rng, knobs, city: City, claims: Claims, used, busy, n: int) -> dict:
    fac = city.facilities
    role = fac["role"].to_numpy()
    venue = int(rng.choice(np.flatnonzero(np.isin(role, ["big", "dialysis_center"]))))
    docs = doctors_of(city, venue, rng, int(rng.integers(1, 4)), dept="肾内科")
    size = max(6, int(rng.integers(20, 80) * _scale(knobs)))
    pts = pick(rng, city, used, size, min_age=35, max_age=88)
    busy[pts] = True
    shifts = int(rng.integers(1, 4))
    slot = rng.integers(0, shifts, len(pts))
    pattern = rng.random(len(pts)) < 0.5  # Mon/Wed/Fri or Tue/Thu/Sat
    twice = rng.random(len(pts)) < 0.1
    begin = np.where(rng.random(len(pts)) < 0.15, rng.integers(0, knobs.days, len(pts)), 0)
    stop = np.where(rng.random(len(pts)) < 0.1, rng.integers(0, knobs.days, len(pts)), knobs.days)
    stop = np.maximum(stop, begin + 14)
    all_days = np.arange(knobs.days)
    wd = _weekdays(knobs, all_days)
    vt = CHR if rng.random() < 0.7 else OUT
    for i, p in enumerate(pts):
        mine = all_days[np.isin(wd, [0, 2, 4] if pattern[i] else [1, 3, 5])]
        if twice[i]:
            mine = mine[np.isin(_weekdays(knobs, mine), [0, 3, 1, 4])]
        mine = mine[(mine >= begin[i]) & (mine < stop[i])]
        shift_start = [7 * 60, 12 * 60, 17 * 60][slot[i]]
        t = mine * 1440 + shift_start + np.clip(rng.normal(0, 12, len(mine)), -30, 40).astype(int)
        claims.add(
            np.full(len(mine), p),
            fac=venue,
            doc=docs[(mine // 7) % len(docs)],
            t=t,
            vtype=vt,
            flavour=F["dialysis"],
            diag="N18.5",
            tag=f"benign:dialysis:{n:02d}",
        )
    return _entry("dialysis", n, pts, docs, [venue], shifts=shifts, visit_type=["outpatient", "", "", "chronic"][vt])


def nursing_home(rng, knobs, city: City, claims: Claims, used, busy, n: int) -> dict:
    P = city.persons
    d = int(rng.integers(len(city.districts)))
    size = max(8, int(rng.integers(30, 150) * _scale(knobs)))
    res = pick(rng, city, used, size, min_age=70)
    busy[res] = True
    P.loc[res, "address"] = f"{rng.integers(0, 2**62):016x}"
    phone_share = float(rng.choice([0.0, 0.3, 0.8]))
    shared = res[rng.random(len(res)) < phone_share]
    P.loc[shared, "phone"] = _phone(rng, 1, knobs.phone_format)[0]
    comm = np.flatnonzero(
        (city.facilities["role"] == "community").to_numpy() & (city.facilities["district"] == d).to_numpy()
    )
    venue = int(rng.choice(comm))
    doc = doctors_of(city, venue, rng, 1)
    every = int(rng.choice([7, 7, 14]))
    wd = int(rng.integers(0, 5))
    seen = float(rng.uniform(0.4, 0.9))
    same_minute = rng.random() < 0.2
    days = cycle_days(rng, knobs, 0, knobs.days - 1, every, jitter=0, weekday=wd, skip_festival=False)
    for day in days:
        who = rng.permutation(res[rng.random(len(res)) < seen])
        start = int(rng.integers(8 * 60 + 30, 10 * 60))
        mins = np.full(len(who), start) if same_minute else start + np.cumsum(rng.integers(2, 9, len(who)))
        claims.add(
            who,
            fac=venue,
            doc=doc[0],
            t=day * 1440 + mins,
            vtype=CHR if rng.random() < 0.5 else OUT,
            flavour=F["chronic"],
            diag=rng.choice(["I10", "E11.9", "I25.1", "F03"], len(who)),
            tag=f"benign:nursing_home:{n:02d}",
        )
    staff_pickup = rng.random() < 0.6
    pharmacy = []
    if staff_pickup:  # a carer takes everyone's card to the pharmacy once a month (代配药)
        ph = int(rng.choice(np.flatnonzero(city.pharmacies["district"].to_numpy() == d)))
        pharmacy = [ph]
        for day in cycle_days(rng, knobs, 0, knobs.days - 1, 30, jitter=2):
            who = rng.permutation(res[rng.random(len(res)) < 0.8])
            mins = int(rng.integers(9 * 60, 16 * 60)) + np.cumsum(rng.uniform(0.5, 2.5, len(who))).astype(int)
            claims.add(
                who,
                pha=ph,
                t=day * 1440 + mins,
                vtype=PHA,
                flavour=F["ord_pharm"],
                diag="I10",
                doc=doc[0] if knobs.prescriber_on_pharmacy else -1,
                tag=f"benign:nursing_home:{n:02d}",
            )
    return _entry(
        "nursing_home",
        n,
        res,
        doc,
        [venue],
        pharmacy,
        round_every_days=every,
        seen_share=round(seen, 2),
        same_minute=bool(same_minute),
        shared_phone=int(len(shared)),
        staff_pickup=bool(staff_pickup),
    )


def family(rng, knobs, city: City, claims: Claims, used, busy, n: int) -> dict:
    P = city.persons
    hh = P["household"].to_numpy()
    sizes = np.bincount(hh)
    big = np.flatnonzero(sizes >= 5)
    free = [h for h in rng.permutation(big) if not used[hh == h].any()]
    h = free[0]
    mem = np.flatnonzero(hh == h)
    used[mem] = True
    d = int(P["district"].iat[mem[0]])
    clinic = int(
        rng.choice(
            np.flatnonzero(
                (city.facilities["role"].isin(["clinic", "community"])).to_numpy()
                & (city.facilities["district"] == d).to_numpy()
            )
        )
    )
    doc = doctors_of(city, clinic, rng, 1)
    k = int(rng.integers(4, 13))
    for day in np.sort(rng.integers(0, knobs.days, k)):
        who = mem[rng.random(len(mem)) < 0.7]
        if len(who) < 2:
            who = mem[:2]
        mins = int(rng.integers(8 * 60, 19 * 60)) + np.cumsum(rng.integers(1, 6, len(who)))
        claims.add(
            who,
            fac=clinic,
            doc=doc[0],
            t=day * 1440 + mins,
            vtype=OUT,
            flavour=F["ord_out"],
            diag=rng.choice(["J06.9", "A09.9", "I10"], len(who)),
            tag=f"benign:family:{n:02d}",
        )
    return _entry("family", n, mem, doc, [clinic], outings=k)


def company_checkup(rng, knobs, city: City, claims: Claims, used, busy, n: int) -> dict:
    venue = int(rng.choice(np.flatnonzero((city.facilities["role"] == "big").to_numpy())))
    docs = doctors_of(city, venue, rng, int(rng.integers(2, 6)), dept="体检中心")
    size = max(20, int(rng.integers(80, 400) * _scale(knobs)))
    staff = pick(rng, city, used, size, min_age=22, max_age=60)
    n_days = int(rng.integers(1, 3))
    day0 = int(rng.integers(0, knobs.days - 3))
    day = day0 + rng.integers(0, n_days, len(staff))
    mins = rng.integers(7 * 60 + 30, 10 * 60 + 30, len(staff))
    claims.add(
        staff,
        fac=venue,
        doc=rng.choice(docs, len(staff)),
        t=day * 1440 + mins,
        vtype=OUT,
        flavour=F["checkup"],
        diag="Z00.0",
        tag=f"benign:company_checkup:{n:02d}",
    )
    return _entry("company_checkup", n, staff, docs, [venue], days=n_days, first_day=day0)


def elderly_checkup(rng, knobs, city: City, claims: Claims, used, busy, n: int) -> dict:
    d = int(rng.integers(len(city.districts)))
    comm = np.flatnonzero(
        (city.facilities["role"] == "community").to_numpy() & (city.facilities["district"] == d).to_numpy()
    )
    venue = int(rng.choice(comm))
    docs = doctors_of(city, venue, rng, int(rng.integers(2, 5)))
    hoods = np.concatenate(hoods_of(rng, city, d, 2))
    size = max(20, int(rng.integers(100, 300) * _scale(knobs)))
    old = pick(rng, city, used, size, min_age=62, hoods=hoods, district=d)
    spring = int(rng.integers(59, 120))
    weekdays = np.array(
        [x for x in range(spring, min(spring + 42, knobs.days)) if _weekdays(knobs, np.array([x]))[0] < 5]
    )
    day = rng.choice(weekdays, len(old))
    mins = rng.integers(8 * 60, 10 * 60 + 30, len(old))
    claims.add(
        old,
        fac=venue,
        doc=rng.choice(docs, len(old)),
        t=day * 1440 + mins,
        vtype=OUT,
        flavour=F["checkup"],
        diag="Z00.0",
        tag=f"benign:elderly_checkup:{n:02d}",
    )
    return _entry("elderly_checkup", n, old, docs, [venue], first_day=spring)


def school_physical(rng, knobs, city: City, claims: Claims, used, busy, n: int) -> dict:
    d = int(rng.integers(len(city.districts)))
    comm = np.flatnonzero(
        (city.facilities["role"] == "community").to_numpy() & (city.facilities["district"] == d).to_numpy()
    )
    venue = int(rng.choice(comm))
    docs = doctors_of(city, venue, rng, int(rng.integers(2, 4)))
    size = max(20, int(rng.integers(100, 400) * _scale(knobs)))
    kids = pick(rng, city, used, size, min_age=6, max_age=15, district=d)
    day0 = int(rng.integers(0, knobs.days - 2))
    day = day0 + rng.integers(0, 2, len(kids))
    mins = rng.integers(8 * 60, 11 * 60 + 30, len(kids))
    claims.add(
        kids,
        fac=venue,
        doc=rng.choice(docs, len(kids)),
        t=day * 1440 + mins,
        vtype=OUT,
        flavour=F["vaccine"],
        diag=str(rng.choice(["Z00.1", "Z23"])),
        tag=f"benign:school_physical:{n:02d}",
    )
    return _entry("school_physical", n, kids, docs, [venue], first_day=day0)


def rehab(rng, knobs, city: City, claims: Claims, used, busy, n: int) -> dict:
    venue = int(np.flatnonzero((city.facilities["role"] == "rehab_center").to_numpy())[0])
    docs = doctors_of(city, venue, rng, 2)
    size = max(8, int(rng.integers(20, 60) * _scale(knobs)))
    pts = pick(rng, city, used, size, min_age=40)
    all_days = np.arange(knobs.days)
    wd = _weekdays(knobs, all_days)
    for p in pts:
        b = int(rng.integers(0, knobs.days - 14))
        weeks = int(rng.integers(2, 9))
        mine = all_days[(all_days >= b) & (all_days < b + 7 * weeks) & (wd < 6)]
        slot = 8 * 60 + 30 * int(rng.integers(0, 6))
        claims.add(
            np.full(len(mine), p),
            fac=venue,
            doc=docs[0],
            t=mine * 1440 + slot + rng.integers(-5, 10, len(mine)),
            vtype=OUT,
            flavour=F["rehab"],
            diag="I69.3",
            tag=f"benign:rehab:{n:02d}",
        )
    return _entry("rehab", n, pts, docs, [venue])


def oncology_day(rng, knobs, city: City, claims: Claims, used, busy, n: int) -> dict:
    fac = city.facilities
    venue = int(rng.choice(np.flatnonzero((fac["role"] == "big").to_numpy())))
    docs = doctors_of(city, venue, rng, int(rng.integers(2, 5)), dept="肿瘤科")
    d = int(fac["district"].iat[venue])
    dtp = int(rng.choice(np.flatnonzero(city.pharmacies["district"].to_numpy() == d)))
    size = max(8, int(rng.integers(30, 100) * _scale(knobs)))
    pts = pick(rng, city, used, size, min_age=30)
    cycle = int(rng.choice([14, 21, 21, 28]))
    for p in pts:
        b = int(rng.integers(0, knobs.days - 30))
        k = int(rng.integers(4, 9))
        days = b + cycle * np.arange(k) + rng.integers(0, 2, k)
        days = days[days < knobs.days]
        doc = docs[int(rng.integers(len(docs)))]
        claims.add(
            np.full(len(days), p),
            fac=venue,
            doc=doc,
            t=days * 1440 + rng.integers(8 * 60, 11 * 60, len(days)),
            vtype=OUT,
            flavour=F["chemo"],
            diag="C50.9",
            tag=f"benign:oncology_day:{n:02d}",
        )
        pd_ = days + rng.integers(0, 3, len(days))
        pd_ = pd_[pd_ < knobs.days]
        claims.add(
            np.full(len(pd_), p),
            pha=dtp,
            doc=doc,
            t=pd_ * 1440 + rng.integers(9 * 60, 18 * 60, len(pd_)),
            vtype=PHA,
            flavour=F["dtp"],
            diag="C50.9",
            tag=f"benign:oncology_day:{n:02d}",
        )
    return _entry("oncology_day", n, pts, docs, [venue], [dtp], cycle_days=cycle)


def chronic_pharmacy(rng, knobs, city: City, claims: Claims, used, busy, n: int) -> dict:
    d = int(rng.integers(len(city.districts)))
    ph = int(rng.choice(np.flatnonzero(city.pharmacies["district"].to_numpy() == d)))
    comm = np.flatnonzero(
        (city.facilities["role"] == "community").to_numpy() & (city.facilities["district"] == d).to_numpy()
    )
    docs = np.concatenate([doctors_of(city, int(c), rng, 3) for c in comm])
    size = max(15, int(rng.integers(60, 200) * _scale(knobs)))
    pts = pick(rng, city, used, size, min_age=45, district=d)
    vt = CHR if rng.random() < 0.5 else PHA
    for p in pts:
        period = int(rng.integers(28, 32))
        days = np.arange(int(rng.integers(0, period)), knobs.days, period) + rng.integers(-2, 3)
        days = days[(days >= 0) & (days < knobs.days)]
        claims.add(
            np.full(len(days), p),
            pha=ph,
            doc=rng.choice(docs) if knobs.prescriber_on_pharmacy else -1,
            t=days * 1440 + rng.integers(8 * 60, 21 * 60, len(days)),
            vtype=vt,
            flavour=F["ord_pharm"],
            diag=str(rng.choice(["I10", "E11.9"])),
            tag=f"benign:chronic_pharmacy:{n:02d}",
        )
    return _entry("chronic_pharmacy", n, pts, docs, [], [ph], visit_type="chronic" if vt == CHR else "pharmacy")


PLANTERS = {
    "dialysis": dialysis,
    "nursing_home": nursing_home,
    "family": family,
    "company_checkup": company_checkup,
    "elderly_checkup": elderly_checkup,
    "school_physical": school_physical,
    "rehab": rehab,
    "oncology_day": oncology_day,
    "chronic_pharmacy": chronic_pharmacy,
}
