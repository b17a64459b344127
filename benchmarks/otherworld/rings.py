"""Planted fraud rings, each drawn with its own parameters (recorded in the truth file).

Staged clinics (虚构诊疗/假病人) recruit elderly through several brokers whose groups never meet;
card collectors (收卡/空刷) swipe cards gathered by intermediaries; induced admissions (诱导住院/挂床)
bring villages in by bus; kickbacks steer a doctor's genuine patients to one pharmacy.
"""

from __future__ import annotations

import numpy as np

from .calendar import closed_days
from .claims import INP, OUT, PHA, Claims, F
from .knobs import SPRING_FESTIVAL, Knobs
from .places import OTHER_CITIES, City, _phone
from .pools import active_window, arrivals, cycle_days, doctors_of, hoods_of, pick


def _entry(
    kind: str, n: int, persons, doctors=(), facilities=(), pharmacies=(), core=None, subgroups=(), **params
) -> dict:
    return {
        "id": f"{kind}:{n:02d}",
        "kind": kind,
        "persons": [int(x) for x in persons],
        "subgroups": [[int(x) for x in g] for g in subgroups],
        "core": [int(x) for x in (persons if core is None else core)],
        "doctors": [int(x) for x in doctors],
        "facilities": [int(x) for x in facilities],
        "pharmacies": [int(x) for x in pharmacies],
        "params": params,
    }


def _free(city: City, kind: str, idx: np.ndarray) -> np.ndarray:
    """``idx`` without venues or doctors another planted scheme already uses (falls back to all)."""
    free = np.array([i for i in idx if (kind, int(i)) not in city.taken], dtype=np.int64)
    return free if len(free) else np.asarray(idx, dtype=np.int64)


def _take(city: City, kind: str, idx) -> None:
    city.taken.update((kind, int(i)) for i in np.atleast_1d(idx))


def _scale(knobs: Knobs) -> float:
    return min(1.0, max(knobs.persons / 30000, 0.1))


def staged_clinic(rng, knobs: Knobs, city: City, claims: Claims, used: np.ndarray, n: int) -> dict:
    """Brokers bring their own groups on their own days to one or several private clinics."""
    fac = city.facilities
    role = fac["role"].to_numpy()
    cand = _free(city, "f", np.flatnonzero((role == "clinic") | ((role == "private_hospital") & (rng.random() < 0.3))))
    n_clin = 1 if rng.random() < 0.65 else int(rng.integers(2, 4))
    home = int(rng.choice(cand))
    d = int(fac["district"].iat[home])
    others = cand[(cand != home) & (rng.random(len(cand)) < 0.5)]
    clinics = np.concatenate([[home], rng.choice(others, size=min(n_clin - 1, len(others)), replace=False)]).astype(int)
    n_brokers = int(rng.integers(1, 5))
    hoods = hoods_of(rng, city, d if rng.random() < 0.7 else int(rng.integers(len(city.districts))), n_brokers)
    docs = np.concatenate([doctors_of(city, int(c), rng, int(rng.integers(1, 4))) for c in clinics])
    _take(city, "f", clinics)
    start, end = active_window(rng, knobs)
    night = rng.random() < 0.25
    members, groups = [], []
    for g, hood in enumerate(hoods):
        size = max(5, int(rng.integers(8, 45) * _scale(knobs)))
        who = pick(rng, city, used, size, min_age=55, hoods=hood, district=d)
        cycle = int(rng.choice([7, 10, 14, 21, 28, 30]))
        attend = float(rng.uniform(0.35, 0.95))
        gap = float(rng.uniform(0.5, 6))
        wd = int(rng.integers(0, 7)) if cycle % 7 == 0 else None
        days = cycle_days(rng, knobs, start, end, cycle, jitter=0 if wd is not None else 2, weekday=wd)
        clinic_of_group = clinics[g % len(clinics)]
        for day in days:
            came = who[rng.random(len(who)) < attend]
            if len(came) == 0:
                continue
            c = clinic_of_group if rng.random() < 0.8 else int(rng.choice(clinics))
            order = rng.permutation(came)
            if night:
                mins = arrivals(rng, len(order), int(rng.integers(20 * 60, 22 * 60)), 0.6)
            else:
                mins = arrivals(rng, len(order), int(rng.integers(8 * 60, 10 * 60 + 30)), gap)
            doc = rng.choice(
                docs[np.isin(city.doctors["fidx"].to_numpy()[docs], [c])]
                if np.isin(city.doctors["fidx"].to_numpy()[docs], [c]).any()
                else docs,
                len(order),
            )
            diag = rng.choice(["M54.5", "I10", "M17.9", "K29.7", "R51"], len(order))
            claims.add(
                order,
                fac=c,
                doc=doc,
                t=day * 1440 + mins,
                vtype=OUT,
                flavour=F["staged"],
                diag=diag,
                tag=f"staged_clinic:{n:02d}",
            )
        members.append(who)
        groups.append(
            {
                "size": int(len(who)),
                "cycle_days": cycle,
                "attendance": round(attend, 2),
                "mean_gap_min": round(gap, 1),
                "weekday": wd,
                "sessions": int(len(days)),
                "clinic": int(clinic_of_group),
            }
        )
    core = np.concatenate(members)
    # padding: extra claims on genuine local patients' cards, entered on days they did not come
    pad_share = float(rng.choice([0.0, 0.0, 0.1, 0.25]))
    padded = np.array([], dtype=np.int64)
    if pad_share:
        local = np.flatnonzero(
            (city.persons["district"].to_numpy() == d) & ~used & (city.persons["age"].to_numpy() > 30)
        )
        padded = rng.choice(local, size=min(len(local), max(3, int(len(core) * pad_share))), replace=False)
        used[padded] = True
        for p in padded:
            k = int(rng.integers(2, 7))
            days = rng.integers(start, end + 1, k)
            claims.add(
                np.full(k, p),
                fac=int(clinics[0]),
                doc=rng.choice(docs, k),
                t=days * 1440 + rng.integers(9 * 60, 18 * 60, k),
                vtype=OUT,
                flavour=F["staged"],
                diag="M54.5",
                tag=f"staged_clinic:{n:02d}",
            )
    return _entry(
        "staged_clinic",
        n,
        np.concatenate([core, padded]),
        docs,
        clinics,
        core=core,
        subgroups=members,
        active=[start, end],
        night_entry=night,
        brokers=groups,
        padded=int(len(padded)),
    )


def card_collector(rng, knobs: Knobs, city: City, claims: Claims, used: np.ndarray, n: int) -> dict:
    """An operator swipes cards bought through intermediaries at a few pharmacies (or one clinic)."""
    P = city.persons
    ph = city.pharmacies
    at_clinic = rng.random() < 0.2
    venue_d = int(rng.integers(len(city.districts)))
    n_venues = int(rng.integers(1, 4))
    if at_clinic:
        venues = rng.choice(
            _free(
                city,
                "f",
                np.flatnonzero(
                    (city.facilities["role"] == "clinic").to_numpy()
                    & (city.facilities["district"] == venue_d).to_numpy()
                ),
            ),
            1,
        )
        docs = doctors_of(city, int(venues[0]), rng, 1)
        _take(city, "f", venues)
    else:
        pool = _free(city, "p", np.flatnonzero(ph["district"].to_numpy() == venue_d))
        chain = ph["chain"].to_numpy()
        same_chain = pool[chain[pool] == chain[pool[0]]] if chain[pool[0]] else pool
        venues = rng.choice(
            same_chain if len(same_chain) >= n_venues else pool, size=min(n_venues, len(pool)), replace=False
        )
        docs = np.array([], dtype=np.int64)
        _take(city, "p", venues)
        city.pooled[venues] = rng.random() < 0.6  # some collectors cash out personal accounts only
    accounts_only = not at_clinic and not city.pooled[venues].all()
    operator = pick(rng, city, used, 1, min_age=30, max_age=60, district=venue_d)
    n_mid = int(rng.integers(1, 5))
    elsewhere = float(rng.uniform(0, 0.8))
    bind = float(rng.choice([0.0, 0.2, 0.6]))
    batches = []
    for _ in range(n_mid):
        size = max(5, int(rng.integers(10, 60) * _scale(knobs)))
        hood = hoods_of(rng, city, int(rng.integers(len(city.districts))), 1)[0] if rng.random() < 0.6 else None
        batches.append(pick(rng, city, used, size, min_age=18, max_age=85, hoods=hood, employee=accounts_only))
    cards = np.concatenate(batches)
    other = cards[rng.random(len(cards)) < elsewhere]
    P.loc[other, "region"] = rng.choice(OTHER_CITIES, len(other))
    bound = cards[rng.random(len(cards)) < bind]
    op_phone = _phone(rng, 1, knobs.phone_format)[0]
    P.loc[bound, "phone"] = op_phone
    P.loc[operator, "phone"] = op_phone
    n_dead = int(rng.integers(0, 4))
    dead = rng.choice(cards, size=min(n_dead, len(cards)), replace=False)
    start, end = active_window(rng, knobs, min_days=60)
    P.loc[dead, "death_day"] = rng.integers(start, max(start + 1, (start + end) // 2), len(dead))
    every = int(rng.integers(1, 8))
    per_session = int(rng.integers(5, 41))
    gap = float(rng.uniform(0.3, 3))
    days = np.arange(start + int(rng.integers(0, every)), end + 1, every)
    days = days + rng.integers(0, 2, len(days))
    days = np.unique(days[days < knobs.days])
    # a bought card is drained again and again: each used about 3+ times over the scheme
    per_session = int(min(60, max(per_session, np.ceil(3 * len(cards) / max(len(days), 1)))))
    term = int(rng.integers(1, 3))
    for day in days:
        b = batches[int(rng.integers(len(batches)))]
        mix = b if rng.random() < 0.7 else cards
        swiped = rng.choice(mix, size=min(per_session, len(mix)), replace=False)
        twice = swiped[rng.random(len(swiped)) < 0.2]
        swiped = rng.permutation(np.concatenate([swiped, twice]))
        mins = arrivals(rng, len(swiped), int(rng.integers(9 * 60, 20 * 60)), gap)
        v = int(rng.choice(venues))
        common = dict(
            t=day * 1440 + mins,
            flavour=F["collector"],
            diag=rng.choice(["E11.9", "I10", "I25.1"], len(swiped)),
            tag=f"card_collector:{n:02d}",
        )
        if at_clinic:
            claims.add(swiped, fac=v, doc=docs[0], vtype=OUT, **common)
        else:
            claims.add(swiped, pha=v, vtype=PHA, **common)
    kind_v = {"facilities": venues} if at_clinic else {"pharmacies": venues}
    pooled = bool(at_clinic or city.pooled[venues].all())
    return _entry(
        "card_collector",
        n,
        np.concatenate([operator, cards]),
        docs,
        **kind_v,
        subgroups=batches,
        active=[start, end],
        at_clinic=bool(at_clinic),
        intermediaries=[int(len(b)) for b in batches],
        insured_elsewhere=round(elsewhere, 2),
        phone_bound=int(len(bound)),
        dead_cards=int(len(dead)),
        every_days=every,
        cards_per_session=per_session,
        mean_gap_min=round(gap, 2),
        sessions=int(len(days)),
        terminal=term,
        fund_pays=pooled,
    )


def induced_admission(rng, knobs: Knobs, city: City, claims: Claims, used: np.ndarray, n: int) -> dict:
    """Villages bused to a small hospital, admitted together, discharged together, again and again."""
    fac = city.facilities
    role = fac["role"].to_numpy()
    cand = np.flatnonzero(role == "private_hospital") if rng.random() < 0.7 else np.flatnonzero(role == "community")
    if len(cand) == 0:
        cand = np.flatnonzero(role == "community")
    venue = int(rng.choice(_free(city, "f", cand)))
    _take(city, "f", venue)
    d = int(fac["district"].iat[venue])
    docs = doctors_of(city, venue, rng, int(rng.integers(1, 4)))
    villages = hoods_of(rng, city, d, int(rng.integers(2, 5)))
    groups = [
        pick(rng, city, used, max(5, int(rng.integers(10, 40) * _scale(knobs))), min_age=60, hoods=h, district=d)
        for h in villages
    ]
    start, end = active_window(rng, knobs)
    # every village comes back at least three times while the scheme runs
    interval = int(max(7, min(int(rng.integers(10, 40)), (end - start) // (3 * len(groups)))))
    stay = int(rng.integers(6, 15))
    wave_share = float(rng.uniform(0.5, 0.95))
    split = float(rng.uniform(0, 0.4))
    closed = closed_days(knobs.year, knobs.days, SPRING_FESTIVAL[knobs.year])
    day, waves = start + int(rng.integers(0, interval)), 0
    while day <= end:
        if not closed[day]:
            g = groups[waves % len(groups)]
            who = g[rng.random(len(g)) < wave_share]
            adm = day + rng.integers(0, 2, len(who))
            los = np.maximum(stay + rng.integers(-1, 2, len(who)), 2)
            cut = rng.random(len(who)) < split  # split admission: discharged and readmitted days later
            t = adm * 1440 + arrivals(rng, len(who), int(rng.integers(8 * 60, 10 * 60)), 3)
            first = np.where(cut, los // 2, los)
            claims.add(
                who,
                fac=venue,
                doc=rng.choice(docs, len(who)),
                t=t,
                vtype=INP,
                los=first,
                flavour=F["induced"],
                diag=rng.choice(["I63.9", "M54.5", "I25.1", "J44.9"], len(who)),
                tag=f"induced_admission:{n:02d}",
            )
            re = who[cut]
            if len(re):
                t2 = (adm[cut] + first[cut] + rng.integers(1, 4, len(re))) * 1440 + 9 * 60
                claims.add(
                    re,
                    fac=venue,
                    doc=rng.choice(docs, len(re)),
                    t=t2,
                    vtype=INP,
                    los=(los - first)[cut] + 2,
                    flavour=F["induced"],
                    diag="I63.9",
                    tag=f"induced_admission:{n:02d}",
                )
            waves += 1
        day += interval + int(rng.integers(-2, 3))
    members = np.concatenate(groups)
    return _entry(
        "induced_admission",
        n,
        members,
        docs,
        [venue],
        subgroups=groups,
        active=[start, end],
        interval_days=interval,
        stay_days=stay,
        wave_share=round(wave_share, 2),
        split_share=round(split, 2),
        waves=waves,
        villages=[int(len(g)) for g in groups],
    )


def kickback(rng, knobs: Knobs, city: City, claims: Claims, used: np.ndarray, n: int) -> dict:
    """A hospital doctor sends genuine patients to one pharmacy for expensive drugs."""
    fac = city.facilities
    role = fac["role"].to_numpy()
    hosp = int(rng.choice(np.flatnonzero(np.isin(role, ["big", "district", "tcm"]))))
    dept = str(rng.choice(["肿瘤科", "内分泌科", "心血管内科", "中医科"]))
    docs = doctors_of(city, hosp, rng, int(rng.choice([1, 1, 2])), dept=dept)
    _take(city, "d", docs)
    d = int(fac["district"].iat[hosp])
    ph_d = np.flatnonzero(city.pharmacies["district"].to_numpy() == d)
    pharmacy = int(rng.choice(_free(city, "p", ph_d)))
    _take(city, "p", pharmacy)
    city.pooled[pharmacy] = rng.random() < 0.85
    size = max(8, int(rng.integers(25, 160) * _scale(knobs)))
    patients = pick(rng, city, used, size, min_age=35)
    start, end = active_window(rng, knobs)
    follow = float(rng.uniform(0.55, 0.95))
    delay = int(rng.integers(0, 4))
    for p in patients:
        k = int(rng.integers(1, 8))
        days = rng.integers(start, end + 1, k)
        doc = rng.choice(docs, k)
        t = days * 1440 + rng.integers(8 * 60, 17 * 60, k)
        claims.add(
            np.full(k, p),
            fac=hosp,
            doc=doc,
            t=t,
            vtype=OUT,
            flavour=F["ord_out"],
            diag="E11.9",
            tag=f"kickback:{n:02d}",
        )
        go = rng.random(k) < follow
        lag = rng.integers(0, delay + 1, int(go.sum()))
        tp = (days[go] + lag) * 1440 + rng.integers(9 * 60, 21 * 60, int(go.sum()))
        ok = tp < knobs.days * 1440
        claims.add(
            np.full(int(ok.sum()), p),
            pha=pharmacy,
            doc=doc[go][ok] if knobs.prescriber_on_pharmacy else -1,
            t=tp[ok],
            vtype=PHA,
            flavour=F["steered"],
            diag="E11.9",
            tag=f"kickback:{n:02d}",
        )
    return _entry(
        "kickback",
        n,
        patients,
        docs,
        [hosp],
        [pharmacy],
        active=[start, end],
        department=dept,
        follow_share=round(follow, 2),
        max_delay_days=delay,
        patients=int(len(patients)),
        fund_pays=bool(city.pooled[pharmacy]),
    )


PLANTERS = {
    "staged_clinic": staged_clinic,
    "card_collector": card_collector,
    "induced_admission": induced_admission,
    "kickback": kickback,
}
