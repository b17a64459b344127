"""Planted fraud rings: nine schemes over the four typologies, each with camouflage.

Every scheme reserves its persons (a person is in at most one planted ring or benign group), writes its
claims through `Care`, gives its members extra ordinary care elsewhere, and returns a `Group` for truth.json.
"""

from __future__ import annotations

import datetime as dt
import random

from . import catalog as cat
from .care import Care, _encounter, age, day_weights, pick_day, spring_festival, time_of_day
from .model import Group, Person, Venue, World

KIND = {
    "broker_clinic": "staged_clinic",
    "physio_gifts": "staged_clinic",
    "village_cards": "staged_clinic",
    "chain_cashout": "card_collector",
    "card_buyer": "card_collector",
    "free_bus": "induced_admission",
    "township_beds": "induced_admission",
    "ghost_patients": "induced_admission",
    "multisite_steering": "kickback",
}


def alive(w: World, p: Person, day: int) -> bool:
    return p.death is None or (p.death - w.start).days > day


def pool(
    w: World, r: random.Random, villages: list[int], n: int, *, min_age: int = 55, away: bool = False
) -> list[int]:
    """Up to n free persons of these villages, alive through the window (migrants only when `away`)."""
    cand = [
        p.idx
        for p in w.persons
        if p.village in villages and not p.reserved and p.death is None and age(w, p) >= min_age and p.away == away
    ]
    r.shuffle(cand)
    return sorted(cand[:n])


def reserve(w: World, g: Group, persons: list[int]) -> None:
    for i in persons:
        w.persons[i].reserved = g.id


def camouflage(w: World, care: Care, r: random.Random, persons: list[int], extra: float) -> None:
    """Fraudsters also keep (and often add) ordinary care at their usual venues (called last by a scheme)."""
    w.cache["camouflage_start"] = len(w.claims)
    for i in persons:
        p = w.persons[i]
        last = (p.death - w.start).days if p.death else w.days
        for _ in range(int(r.expovariate(1 / extra)) if extra > 0 else 0):
            if last > 0 and not p.away:
                _encounter(w, care, r, p, age(w, p), last, [])


def villages_near(w: World, r: random.Random, n: int, township: int | None = None) -> list[int]:
    vs = [i for i, (t, _) in enumerate(w.villages) if township is None or t == township]
    r.shuffle(vs)
    return sorted(vs[:n])


def active_span(w: World, r: random.Random, lo_months: int, hi_months: int) -> tuple[int, int]:
    length = min(w.days - 7, int(r.uniform(lo_months, hi_months) * 30.4))
    a = r.randrange(0, max(1, w.days - length))
    return a, a + length


def closed(w: World, day: int) -> bool:
    """Rings pause over the Spring Festival like everyone else."""
    return any(-3 <= day - s <= 6 for s in spring_festival(w))


def broker_clinic(w: World, care: Care, r: random.Random, g: Group) -> None:
    """虚构诊疗: brokers bring villagers to a private clinic; sessions spread over days and hours."""
    clinics = [v for v in care.venues_by_role["private_clinic"] if v.vid not in _used(w)]
    hosp = care.venues_by_role["private_hosp"]
    venue = clinics[r.randrange(len(clinics))] if clinics and r.random() < 0.75 else hosp[r.randrange(len(hosp))]
    second = [v for v in clinics + hosp if v is not venue]
    venues = [venue] + ([r.choice(second)] if second and r.random() < 0.4 else [])
    doctors = list(venue.doctors[: r.randint(1, 3)])
    if r.random() < 0.5:  # a county-hospital doctor with 多点执业 bills the sessions too
        d = r.choice(care.venues_by_role["county"][0].doctors)
        w.doctors[d].also_at = sorted(set(w.doctors[d].also_at) | {v.vid for v in venues})
        w.cache.clear()
        doctors.append(d)
    brokers = []
    for b in range(r.randint(1, 3)):
        vil = villages_near(w, r, 1)
        members = pool(w, r, vil, r.randint(8, 30))
        prm = {
            "village": w.villages[vil[0]][1],
            "persons": len(members),
            "cycle_days": r.randint(7, 21),
            "window_days": r.randint(1, 3),
            "attendance": round(r.uniform(0.5, 0.9), 2),
            "arrival": r.choice(["bus_hours", "spread_day"]),
            "jitter_hours": round(r.uniform(0.5, 3.0), 1),
        }
        reserve(w, g, members)
        a, b_end = active_span(w, r, 3, 10)
        prm["active"] = [w.day(a).isoformat(), w.day(b_end).isoformat()]
        _broker_sessions(w, care, r, members, venues, doctors, a, b_end, prm)
        g.core += members
        brokers.append(prm)
    padded = _pad_genuine(w, care, r, venue, doctors, r.choice([0.0, 0.0, 0.1, 0.2]))
    reserve(w, g, padded)
    g.persons = sorted(set(g.core) | set(padded))
    g.core.sort()
    g.doctors, g.facilities = sorted(doctors), sorted(v.vid for v in venues)
    g.params = {"brokers": brokers, "padded_genuine_patients": len(padded), "venue_role": venue.role}
    camouflage(w, care, r, g.core, 3.0)


def _broker_sessions(w, care, r, members, venues, doctors, a, b, prm) -> None:
    day = a + r.randrange(prm["cycle_days"])
    bus = r.randrange(480, 600)
    while day < b:
        if not closed(w, day):
            v = venues[1] if len(venues) > 1 and r.random() < 0.2 else venues[0]
            for i in members:
                d = day + r.randrange(prm["window_days"])
                if r.random() > prm["attendance"] or d >= w.days or not alive(w, w.persons[i], d):
                    continue
                if prm["arrival"] == "bus_hours":
                    m = int(min(1020, max(450, r.gauss(bus, prm["jitter_hours"] * 60))))
                else:
                    m = time_of_day(r, "county")
                lines = [
                    cat.line("XO001", 1, care.dec),
                    cat.line(r.choice(["XT001", "XT002", "XT003"]), r.randint(1, 3), care.dec),
                ]
                lines += cat.drugs(r, cat.COMMON_DRUGS + ["XD015", "XD006"], r.randint(2, 3), care.dec)
                care.visit(
                    r, w.persons[i], v, d, m, lines, doctor=r.choice(doctors), dx=r.choice(["M54.5", "M17.9", "I10"])
                )
        day += prm["cycle_days"]


def _used(w: World) -> set[str]:
    return {v for g in w.rings for v in g.facilities + g.pharmacies}


def _pad_genuine(w, care, r, venue: Venue, doctors, share: float) -> list[int]:
    """Extra claims keyed on the cards of some genuine patients of the venue (padding)."""
    if share <= 0:
        return []
    seen = sorted({c.patient for c in w.claims if c.venue == venue.vid and not w.persons[c.patient].reserved})
    chosen = r.sample(seen, int(len(seen) * share)) if seen else []
    for i in chosen:
        for _ in range(r.randint(2, 5)):
            d = r.randrange(w.days)
            if alive(w, w.persons[i], d):
                care.visit(
                    r,
                    w.persons[i],
                    venue,
                    d,
                    time_of_day(r, "county"),
                    cat.drugs(r, cat.COMMON_DRUGS, 3, care.dec),
                    doctor=r.choice(doctors),
                    mutual_aid=False,
                )
    return sorted(chosen)


def physio_gifts(w: World, care: Care, r: random.Random, g: Group) -> None:
    """理疗送礼品: elderly lured by eggs and rice to swipe for physiotherapy, each on their own weekdays."""
    opts = [v for v in care.venues_by_role["private_clinic"] + care.venues_by_role["township"] if v.vid not in _used(w)]
    venue = r.choice(opts)
    t = venue.township if venue.township > 0 else r.randrange(1, len(w.townships))
    vils = villages_near(w, r, r.randint(2, 3), t) or villages_near(w, r, 2)
    members = pool(w, r, vils, r.randint(15, 50), min_age=60)
    reserve(w, g, members)
    doctors = list(venue.doctors[: r.randint(1, 2)])
    per = {}
    for i in members:
        a, b = active_span(w, r, 2, 8)
        days = sorted(r.sample(range(6), r.choice([1, 1, 2, 3])))
        att = r.uniform(0.6, 0.9)
        per[i] = (a, b)
        for d in range(a, b):
            if w.day(d).weekday() in days and r.random() < att and not closed(w, d) and alive(w, w.persons[i], d):
                lines = [cat.line(c, 1, care.dec) for c in r.sample(["XT001", "XT002", "XT003", "XT004", "XT005"], 3)]
                if r.random() < 0.3:
                    lines.append(cat.line("XH001", 7, care.dec))
                care.visit(
                    r,
                    w.persons[i],
                    venue,
                    d,
                    time_of_day(r, "village"),
                    lines,
                    doctor=r.choice(doctors),
                    dx=r.choice(["M54.5", "M17.9", "M47.8"]),
                )
    g.persons = g.core = members
    g.doctors, g.facilities = sorted(doctors), [venue.vid]
    g.params = {
        "venue_role": venue.role,
        "villages": [w.villages[v][1] for v in vils],
        "persons": len(members),
        "weekdays_per_member": "1-3 of Mon-Sat",
        "attendance": "0.6-0.9",
        "months_per_member": "2-8",
    }
    camouflage(w, care, r, members, 2.0)


def village_cards(w: World, care: Care, r: random.Random, g: Group) -> None:
    """村医代保管医保卡: a village doctor bills visits that never happened on cards he keeps."""
    vil = villages_near(w, r, 1)[0]
    clinic = next(v for v in care.venues_by_role["village"] if v.village == vil)
    members = pool(w, r, [vil], r.randint(10, 35), min_age=50)
    migrants = pool(w, r, [vil], r.randint(3, 12), min_age=18, away=True)
    dead = [p.idx for p in w.persons if p.village == vil and p.death and not p.reserved][:3]
    cards = sorted(members + migrants + dead)
    reserve(w, g, cards)
    entry = r.choice(["evening_batch", "spread"])
    night = r.randrange(1140, 1290)
    for i in cards:
        p = w.persons[i]
        d = r.randrange(0, 20)
        while d < w.days:
            if not closed(w, d):
                m = night + r.randrange(0, 40) if entry == "evening_batch" else time_of_day(r, "village")
                lines = [cat.line("XO002", 1, care.dec), cat.line("XT008", 1, care.dec), cat.line("XD013", 2, care.dec)]
                lines += cat.drugs(r, cat.COMMON_DRUGS, r.randint(1, 2), care.dec)
                care.visit(
                    r,
                    p,
                    clinic,
                    d,
                    m,
                    lines,
                    doctor=clinic.doctors[0],
                    dx=r.choice(["J06.9", "I10", "K29.7"]),
                    mutual_aid=False,
                )
            d += r.randrange(8, 30)
    g.persons = g.core = cards
    g.doctors, g.facilities = [clinic.doctors[0]], [clinic.vid]
    g.params = {
        "village": w.villages[vil][1],
        "resident_cards": len(members),
        "migrant_cards": len(migrants),
        "deceased_cards": len(dead),
        "entry": entry,
        "visits_every_days": "8-29",
    }


def chain_cashout(w: World, care: Care, r: random.Random, g: Group) -> None:
    """药店串换/套现: shops of one chain sell daily goods billed as drugs on collected cards."""
    chains: dict[str, list[Venue]] = {}
    for v in care.venues_by_role["pharmacy"]:
        if v.chain and v.vid not in _used(w):
            chains.setdefault(v.chain, []).append(v)
    shops_all = max(chains.values(), key=len)
    shops = r.sample(shops_all, min(len(shops_all), r.randint(2, 4)))
    towns = sorted({s.township for s in shops})
    emp = [
        p.idx
        for p in w.persons
        if p.township in towns and p.insured == "employee" and not p.reserved and p.death is None and not p.away
    ]
    r.shuffle(emp)
    residents = r.randint(5, 25) if r.random() < 0.6 else 0
    for s in shops if residents else []:
        s.pooled = True  # resident cards pay nothing at a shop outside 门诊统筹
    cards = emp[: r.randint(10, 40)] + pool(w, r, villages_near(w, r, 2, towns[0]) or [0], residents, min_age=45)
    cards = sorted(set(cards))
    reserve(w, g, cards)
    rebind = r.choice([0.0, 0.2, 0.5])
    boss_phone = "PH" + f"{r.getrandbits(64):016x}"
    for i in cards:
        if r.random() < rebind and w.persons[i].phone:
            w.persons[i].phone = boss_phone
    target = r.choice([100, 200, 300, 500])
    for i in cards:
        d = r.randrange(0, 30)
        while d < w.days:
            shop = r.choice(shops)
            lines = _cashout_lines(r, target, care.dec)
            care.visit(r, w.persons[i], shop, d, time_of_day(r, "pharmacy"), lines, mutual_aid=False)
            d += r.randrange(15, 46)
    g.persons = g.core = cards
    g.pharmacies = sorted(s.vid for s in shops)
    g.params = {
        "chain": shops[0].chain,
        "shops": len(shops),
        "cards": len(cards),
        "round_target_yuan": target,
        "cards_rebound_to_one_phone": rebind,
        "swipe_every_days": "15-45",
        "pooled_shops": sum(s.pooled for s in shops),
    }
    camouflage(w, care, r, cards, 1.0)


def _cashout_lines(r, target: int, dec: int) -> list[tuple]:
    out, total = [], 0.0
    while total < target * 0.85:
        code = r.choice(["XD014", "XD015", "XD006", "XC003", "XD011"])
        out.append(cat.line(code, 1, dec))
        total += cat.CATALOG[code][2]
    return out


def card_buyer(w: World, care: Care, r: random.Random, g: Group) -> None:
    """收卡人: cards bought from 留守 elderly and migrants' families, swiped for drugs that are resold (回流)."""
    phs = [v for v in care.venues_by_role["pharmacy"] if v.vid not in _used(w)]
    shops = r.sample(phs, r.randint(1, 2))
    for s in shops:
        s.pooled = True  # the operator picks shops in 门诊统筹, where the fund pays
    vils = villages_near(w, r, r.randint(2, 4))
    cards = pool(w, r, vils, r.randint(15, 45), min_age=55) + pool(w, r, vils, r.randint(4, 15), min_age=18, away=True)
    cards = sorted(cards)
    reserve(w, g, cards)
    rebind = r.choice([0.0, 0.3, 0.6])
    op_phone = "PH" + f"{r.getrandbits(64):016x}"
    for i in cards:
        if r.random() < rebind and w.persons[i].phone:
            w.persons[i].phone = op_phone
    every = r.randint(3, 10)
    span_h = r.uniform(1, 4)
    d = r.randrange(every)
    sessions = 0
    while d < w.days:
        if not closed(w, d):
            shop = r.choice(shops)
            m0 = r.randrange(540, 1140)
            for i in r.sample(cards, min(len(cards), r.randint(5, 25))):
                lines = [cat.line(c, r.randint(1, 3), care.dec) for c in r.sample(cat.HIGH_VALUE, 2)]
                m = min(1300, m0 + int(r.uniform(0, span_h * 60)))
                c = care.visit(r, w.persons[i], shop, d, m, lines, mutual_aid=False)
                c.lines = [ln + (("RESALE",) if ln[0] in ("XD009", "XD010", "XD011") else ()) for ln in c.lines]
            sessions += 1
        d += every
    g.persons = g.core = cards
    g.pharmacies = sorted(s.vid for s in shops)
    g.params = {
        "villages": [w.villages[v][1] for v in vils],
        "cards": len(cards),
        "session_every_days": every,
        "session_span_hours": round(span_h, 1),
        "cards_rebound_to_operator_phone": rebind,
        "sessions": sessions,
    }


def free_bus(w: World, care: Care, r: random.Random, g: Group) -> None:
    """免费体检+包车接送: a private hospital busses villagers in for a check-up and admits many of them."""
    hosp = r.choice(
        [v for v in care.venues_by_role["private_hosp"] if v.vid not in _used(w)] or care.venues_by_role["private_hosp"]
    )
    vils = villages_near(w, r, r.randint(2, 4))
    pools = {v: pool(w, r, [v], r.randint(15, 40), min_age=60) for v in vils}
    members = sorted(i for m in pools.values() for i in m)
    reserve(w, g, members)
    doctors = list(hosp.doctors[: r.randint(2, 4)])
    every = r.randint(7, 28)
    entry = r.choice(["bus_minutes", "keyed_over_hours"])
    trips, d, k = 0, r.randrange(every), 0
    admitted = set()
    while d < w.days - 14:
        if not closed(w, d):
            pv = pools[vils[k % len(vils)]]
            k += 1
            riders = [i for i in pv if r.random() < r.uniform(0.5, 0.9) and alive(w, w.persons[i], d + 14)]
            t0 = r.randrange(510, 600)
            for n, i in enumerate(riders):
                m = t0 + n * r.randint(1, 4) if entry == "bus_minutes" else int(r.uniform(t0, t0 + 300))
                care.visit(
                    r,
                    w.persons[i],
                    hosp,
                    d,
                    m,
                    [cat.line(c, 1, care.dec) for c in ["XE005", "XL001", "XL002", "XE001", "XE003"]],
                    doctor=doctors[0],
                    dx="Z00.0",
                    mutual_aid=False,
                )
                if r.random() < g.params.setdefault("admit_share", round(r.uniform(0.4, 0.8), 2)):
                    los = r.randint(5, 12) + r.randint(0, 3)
                    care.stay(
                        r,
                        w.persons[i],
                        hosp,
                        d + r.choice([0, 0, 1]),
                        los,
                        padded=r.uniform(1.5, 3),
                        doctor=r.choice(doctors),
                        minute=m + r.randrange(30, 120),
                        dx=r.choice(["I63.9", "J44.9", "M47.8"]),
                    )
                    admitted.add(i)
            trips += 1
        d += every
    g.persons = g.core = members
    g.doctors, g.facilities = sorted(doctors), [hosp.vid]
    g.params.update(
        {
            "villages": [w.villages[v][1] for v in vils],
            "trip_every_days": every,
            "trips": trips,
            "entry": entry,
            "persons_admitted": len(admitted),
        }
    )
    camouflage(w, care, r, members, 1.5)


def township_beds(w: World, care: Care, r: random.Random, g: Group) -> None:
    """挂床: a township centre keeps elderly on its books as inpatients while they live at home; staggered."""
    t = r.randrange(1, len(w.townships))
    centre = care.venues_by_role["township"][t]
    members = pool(w, r, villages_near(w, r, 9, t), r.randint(10, 35), min_age=60)
    reserve(w, g, members)
    doctors = list(centre.doctors[: r.randint(1, 2)])
    split = round(r.uniform(0.3, 0.6), 2)
    stays = 0
    for i in members:
        for _ in range(r.randint(2, 6)):
            los = r.randint(7, 15)
            d = r.randrange(0, max(1, w.days - los - 5))
            if not alive(w, w.persons[i], d + los + 5):
                continue
            if r.random() < split:
                a = r.randint(3, los - 3)
                care.stay(r, w.persons[i], centre, d, a, padded=2.0, doctor=r.choice(doctors))
                care.stay(
                    r, w.persons[i], centre, d + a + r.randint(0, 2), los - a, padded=2.0, doctor=r.choice(doctors)
                )
            else:
                care.stay(r, w.persons[i], centre, d, los, padded=2.0, doctor=r.choice(doctors))
            stays += 1
    g.persons = g.core = members
    g.doctors, g.facilities = sorted(doctors), [centre.vid]
    g.params = {
        "township": w.townships[t],
        "persons": len(members),
        "stays": stays,
        "split_share": split,
        "stay_days": "7-15",
        "stays_per_person": "2-6, at random dates",
    }
    camouflage(w, care, r, members, 2.0)


def ghost_patients(w: World, care: Care, r: random.Random, g: Group) -> None:
    """冒名住院: stays billed on the identities of the dead and of migrants working far away."""
    venue = r.choice(care.venues_by_role["township"][1:] + care.venues_by_role["private_hosp"])
    t = venue.township if venue.township > 0 else r.randrange(1, len(w.townships))
    vils = villages_near(w, r, 9, t)
    dead = _dead_persons(w, r, vils, r.randint(3, 10))
    migrants = pool(w, r, vils, r.randint(4, 15), min_age=18, away=True)
    ghosts = sorted(dead + migrants)
    reserve(w, g, ghosts)
    doctors = list(venue.doctors[:2])
    for i in ghosts:
        for _ in range(r.randint(1, 3)):
            los = r.randint(5, 12)
            d = r.randrange(0, w.days - los - 1)
            care.stay(
                r, w.persons[i], venue, d, los, padded=1.5, doctor=r.choice(doctors), minute=r.randrange(420, 1320)
            )
    g.persons = g.core = ghosts
    g.doctors, g.facilities = sorted(doctors), [venue.vid]
    g.params = {"venue_role": venue.role, "deceased": len(dead), "migrants": len(migrants), "stays_each": "1-3"}


def _dead_persons(w: World, r: random.Random, vils: list[int], n: int) -> list[int]:
    """Insured persons who died 1-24 months before the window (still in the export) or early in it."""
    out = []
    for _ in range(n):
        host = r.choice([p for p in w.persons if p.village in vils] or w.persons)
        i = len(w.persons)
        from .county import person_id  # local import: county imports nothing from here

        before = r.random() < 0.7
        death = w.start - dt.timedelta(days=r.randint(30, 730)) if before else w.day(r.randrange(0, w.days // 3))
        birth = w.start - dt.timedelta(days=int(r.uniform(70, 92) * 365.25))
        w.persons.append(
            Person(
                i,
                person_id(w.knobs["id_style"], w.region, i + 1),
                r.choice("MF"),
                birth,
                w.region,
                "resident",
                host.township,
                host.village,
                host.household,
                host.phone,
                host.address,
                death=death,
            )
        )
        out.append(i)
    return out


def multisite_steering(w: World, care: Care, r: random.Random, g: Group) -> None:
    """Kickback: county doctors who also work at a private hospital steer patients to one chain's shops."""
    county = care.venues_by_role["county"][0]
    depts = [
        d for d in county.doctors if w.doctors[d].department in ("内分泌科", "心内科", "肿瘤科", "中医科", "肾内科")
    ]
    doctors = sorted(r.sample(depts or county.doctors, r.randint(1, 2)))
    priv = r.choice(care.venues_by_role["private_hosp"])
    for d in doctors:
        w.doctors[d].also_at = sorted(set(w.doctors[d].also_at) | {priv.vid})
    w.cache.clear()
    chains: dict[str, list[Venue]] = {}
    for v in care.venues_by_role["pharmacy"]:
        if v.chain and v.vid not in _used(w):
            chains.setdefault(v.chain, []).append(v)
    shops = sorted(r.choice(list(chains.values())), key=lambda v: v.vid)[: r.randint(1, 3)]
    cand = [p.idx for p in w.persons if not p.reserved and p.death is None and not p.away and age(w, p) >= 40]
    patients = sorted(r.sample(cand, r.randint(30, 120)))
    reserve(w, g, patients)
    follow = round(r.uniform(0.5, 0.9), 2)
    for i in patients:
        p = w.persons[i]
        for _ in range(r.randint(1, 6)):
            site = priv if r.random() < 0.3 else county
            d = pick_day(r, day_weights(w, "county"), 0, w.days - 4)
            m = time_of_day(r, "county")
            doc = r.choice(doctors)
            care.visit(
                r,
                p,
                site,
                d,
                m,
                cat.outpatient_lines(r, "county", care.dec),
                doctor=doc,
                dx=r.choice(["E11.9", "I25.1", "C34.9", "I10"]),
            )
            if r.random() < follow:
                fill = care.visit(
                    r,
                    p,
                    r.choice(shops),
                    d + r.choice([0, 0, 1, 2, 3]),
                    min(1280, m + r.randrange(40, 400)),
                    [cat.line(c, r.randint(1, 3), care.dec) for c in r.sample(cat.HIGH_VALUE, 2)],
                )
                if w.knobs["pharmacy_doctor_id"]:
                    fill.doctor = doc
    g.persons = g.core = patients
    g.doctors, g.facilities, g.pharmacies = doctors, [county.vid, priv.vid], [s.vid for s in shops]
    g.params = {
        "patients": len(patients),
        "follow_share": follow,
        "shops": len(shops),
        "private_site": priv.vid,
        "departments": sorted({w.doctors[d].department for d in doctors}),
        "pharmacy_claims_carry_doctor": w.knobs["pharmacy_doctor_id"],
    }


SCHEMES = {
    "broker_clinic": broker_clinic,
    "physio_gifts": physio_gifts,
    "village_cards": village_cards,
    "chain_cashout": chain_cashout,
    "card_buyer": card_buyer,
    "free_bus": free_bus,
    "township_beds": township_beds,
    "ghost_patients": ghost_patients,
    "multisite_steering": multisite_steering,
}


def plant_rings(w: World, care: Care) -> None:
    r = random.Random(int(w.rng(4).integers(2**32)))
    for n, scheme in enumerate(w.knobs["rings"]):
        g = Group(id=f"R{n + 1:02d}-{scheme}", kind=KIND[scheme])
        w.rings.append(g)
        first = len(w.claims)
        SCHEMES[scheme](w, care, r, g)
        g.params = {"scheme": scheme, **g.params}
        _keep_used_core(w, g, first)


def _keep_used_core(w: World, g: Group, first: int) -> None:
    """Core persons are those the scheme actually billed at its venues (a kickback: bought at its shops).

    A recruit who never rode the bus, or a steered patient who never bought at the shop, stays a member
    (`persons`) but is not counted as core: nothing in the data ties them to the scheme.
    """
    venues = set(g.pharmacies) if g.kind == "kickback" else set(g.facilities) | set(g.pharmacies)
    last = w.cache.pop("camouflage_start", len(w.claims))  # ordinary care added as camouflage does not count
    billed = {c.patient for c in w.claims[first:last] if c.venue in venues}
    used = [i for i in g.core if i in billed]
    g.params["core_unused"] = len(g.core) - len(used)
    g.core = used
    g.persons = sorted(set(g.persons) | set(used))
