"""Planted fraud: five schemes that camouflage (spread over venues, months and members) rather than gather."""

from __future__ import annotations

import datetime as dt
import random

from .city import Care, inpatient, lines
from .model import CATALOG, DRUG_CLASSES, GROUPS, Claim, Group, Venue, World, h

KIND = {
    "turnover_clinic": "staged_clinic",
    "spread_collector": "card_collector",
    "class_kickback": "kickback",
    "rolling_admission": "induced_admission",
    "mutual_aid_cashout": "card_collector",
}


def _take(w: World, pool: list[int], n: int, gid: str, r: random.Random) -> list[int]:
    free = w.free(pool)
    got = r.sample(free, min(n, len(free)))
    for i in got:
        w.persons[i].taken = gid
    return sorted(got)


def _older(w: World, lo: int, districts: set[int] | None = None, hi: int = 200) -> list[int]:
    return [
        p.idx
        for p in w.persons
        if lo <= w.age(p.idx) <= hi
        and not p.group
        and (districts is None or p.district in districts)
        and p.death is None
    ]


def _weekday_days(w: World, first: int, last: int) -> list[int]:
    return [i for i in range(max(0, first), min(w.days, last)) if w.day(i).weekday() < 6]


def turnover_clinic(w: World, care: Care, r: random.Random, gid: str) -> Group:
    """虚构诊疗 with pool turnover: a clinic's recruits are replaced month by month, so no one attends for long."""
    d = r.randrange(len(w.districts))
    venues = [v for v in care.clin[d] + care.private[d] if v.vid not in care.schemed]
    v: Venue = r.choice(venues)
    care.schemed.add(v.vid)
    docs = r.sample(v.doctors, min(len(v.doctors), r.randint(1, 2)))
    pool = _take(w, _older(w, 50, {d}), r.randint(40, 120), gid, r)
    r.shuffle(pool)
    active_n = min(len(pool), r.randint(12, 30))
    tenure = (1, r.randint(1, 3))
    span = r.randint(min(120, w.days), w.days)
    first = r.randint(0, w.days - span)
    per_week = r.choice([1, 2])
    attend = r.uniform(0.4, 0.8)
    window_h = r.uniform(1.5, 4.0)
    queue = list(pool)
    active: dict[int, int] = {}  # person -> last day of their tenure
    used: set[int] = set()
    for wk in range(first, first + span, 7):
        for p, until in list(active.items()):
            if wk > until:
                del active[p]
        while len(active) < active_n and queue:
            p = queue.pop()
            active[p] = wk + 30 * r.randint(*tenure)
        days = sorted(r.sample(_weekday_days(w, wk, wk + 7), min(per_week, len(_weekday_days(w, wk, wk + 7)))))
        for day in days:
            start_h = r.uniform(8.0, 17.0 - window_h)
            for p in sorted(active):
                if r.random() > attend:
                    continue
                t = care.cal.at(day, int((start_h + r.uniform(0, window_h)) * 3600) + r.randrange(60))
                items = lines(r, "reg", 1, (1, 1)) + lines(r, "physio", r.randint(2, 3), (1, 2))
                if r.random() < 0.4:
                    items += lines(r, "herbal", 3, (60, 150))
                if care.add(
                    Claim(
                        p,
                        v.vid,
                        "outpatient",
                        t,
                        items,
                        doctor=r.choice(docs),
                        diagnosis=r.choice(["M54.500", "M47.800", "M17.900"]),
                    )
                ):
                    used.add(p)
    core = sorted(used)
    return Group(
        gid,
        KIND["turnover_clinic"],
        pool,
        core,
        docs,
        [v.vid],
        [],
        {
            "scheme": "turnover_clinic",
            "venue": v.vid,
            "district": w.districts[d][1],
            "pool": len(pool),
            "active_at_once": active_n,
            "tenure_months": list(tenure),
            "first_day": first,
            "span_days": span,
            "sessions_per_week": per_week,
            "attendance": round(attend, 2),
            "arrival_window_hours": round(window_h, 2),
            "core_unused": len(pool) - len(core),
        },
    )


def spread_collector(w: World, care: Care, r: random.Random, gid: str) -> Group:
    """收卡: cards bought citywide, swiped one or two a day at three unrelated shops over months."""
    pooled = r.random() < 0.7  # else the shops are outside 门诊统筹 and only personal accounts pay: employees' cards
    pharms = [v for v in w.venues.values() if v.role == "pharmacy" and v.pooled == pooled]
    chains: dict[str, Venue] = {}
    for v in r.sample(pharms, len(pharms)):
        chains.setdefault(v.chain or v.vid, v)
    shops = list(chains.values())[:3]
    elders = _older(w, 60)
    workers = [i for i in _older(w, 30, hi=59) if w.persons[i].insured == "employee"]
    n = r.randint(15, 50)
    n_old = int(n * 0.6) if pooled else 0
    cards = _take(w, elders, n_old, gid, r) + _take(w, workers, n - n_old, gid, r)
    operator_phone = h(w.seed, "operator", gid)
    rebound = r.choice([0.0, 0.2, 0.4])
    for i in cards:
        if r.random() < rebound:
            w.persons[i].phone = operator_phone
    dead = r.sample(cards, min(len(cards), r.choice([0, 1, 2])))
    gone = {i: w.day(r.randint(w.days // 4, w.days // 2)) for i in dead}
    for i, death in gone.items():
        w.persons[i].death = death
    if gone:  # their own ordinary care stops at death; the operator's swipes do not
        w.claims = [c for c in w.claims if c.patient not in gone or c.start.date() <= gone[c.patient]]
    basket = r.sample(GROUPS["chronic_drug"], 2) + r.sample(GROUPS["patent_drug"] + GROUPS["insulin_analog"], 2)
    first = r.randint(0, w.days // 4)
    made: list[Claim] = []
    for i in cards:
        cycle = r.randint(15, 45)
        day = first + r.randrange(cycle)
        while day < w.days:
            shop = r.choice(shops)
            t = care.cal.at(day, r.randint(9 * 3600, 21 * 3600))
            items = [
                (c, float(r.randint(3, 10) if CATALOG[c][2] > 20 else r.randint(60, 200)), CATALOG[c][2])
                for c in r.sample(basket, r.randint(2, 4))
            ]
            c = care.add(Claim(i, shop.vid, "pharmacy", t, items, rx=True), after_death=True)  # 互联网处方
            if c:
                made.append(c)
            day += cycle + r.randint(-3, 3)
    # 回流: a share of the boxes come back in later ordinary sales at other shops (same trace code)
    resold = 0
    if w.knobs["trace_codes"] and w.knobs["items"]:
        later = [c for c in w.claims if c.trace and w.persons[c.patient].taken == "" and any(c.trace)]
        for c in made:
            for j, code in enumerate(c.trace):
                if code and r.random() < 0.4 and later:
                    o = r.choice(later)
                    if o.start > c.start:
                        k = next(x for x, t in enumerate(o.trace) if t)
                        o.trace[k] = code
                        resold += 1
    core = sorted({c.patient for c in made})
    return Group(
        gid,
        KIND["spread_collector"],
        cards,
        core,
        [],
        [],
        [s.vid for s in shops],
        {
            "scheme": "spread_collector",
            "cards": len(cards),
            "shops": [s.vid for s in shops],
            "chains": [s.chain or "independent" for s in shops],
            "pooled_shops": pooled,
            "rebound_share": rebound,
            "dead_cards": len(dead),
            "first_day": first,
            "swipes": len(made),
            "resold_boxes": resold,
            "core_unused": len(cards) - len(core),
        },
    )


CLASS_DEPT = {
    "tumor_targeted": "肿瘤科",
    "biologic": "风湿免疫科",
    "insulin_analog": "内分泌科",
    "eye_antivegf": "眼科",
    "tcm_injection": "中医科",
}


def class_kickback(w: World, care: Care, r: random.Random, gid: str) -> Group:
    """A doctor steers only one drug class to one shop; the rest of his practice is ordinary."""
    cls = r.choice(sorted(DRUG_CLASSES))
    dept = CLASS_DEPT[cls]
    hosps = [
        v
        for v in w.venues.values()
        if v.role in ("city3a", "district", "county", "tcm", "county_tcm") and dept in v.depts
    ]
    v = r.choice(hosps)
    doc = r.choice(v.depts[dept])
    away = [s for s in care.pharm[v.district] if s not in care.adjacent.get(v.vid, [])] or care.pharm[v.district]
    want_pooled = r.random() < 0.85  # mostly a 门诊统筹 shop, where the fund pays for the steered drugs
    shop = r.choice([s for s in away if s.pooled == want_pooled] or away)
    patients = _take(w, _older(w, 35, {v.district} if r.random() < 0.6 else None), r.randint(30, 90), gid, r)
    follow = r.uniform(0.6, 0.9)
    bought: set[int] = set()
    for i in patients:
        n = r.randint(2, 8)
        day = r.randrange(max(1, w.days // 3))
        for _ in range(n):
            if day >= w.days:
                break
            t = care.cal.at(day, care.cal.seconds(r, "hosp"))
            c = care.add(
                Claim(
                    i,
                    v.vid,
                    "outpatient",
                    t,
                    lines(r, "reg", 1, (1, 1)) + lines(r, "lab", 1, (1, 1)),
                    doctor=doc,
                    diagnosis=r.choice(["C34.900", "M06.900", "E11.900", "H35.300", "I63.900"]),
                )
            )
            bday = day + r.randint(0, 5)
            if c and r.random() < follow and bday < w.days:  # a purchase after the window is not in the export
                bt = care.cal.at(bday, care.cal.seconds(r, "pharmacy"))
                items = [
                    (code, float(r.randint(1, 3)), CATALOG[code][2]) for code in r.sample(GROUPS[cls], r.randint(1, 2))
                ]
                if care.add(
                    Claim(
                        i,
                        shop.vid,
                        "pharmacy",
                        bt,
                        items,
                        rx=True,
                        doctor=doc if w.knobs["fill_carries_doctor"] else "",
                    )
                ):
                    bought.add(i)
            day += r.randint(20, 60)
    core = sorted(bought)
    return Group(
        gid,
        KIND["class_kickback"],
        patients,
        core,
        [doc],
        [v.vid],
        [shop.vid],
        {
            "scheme": "class_kickback",
            "drug_class": cls,
            "department": dept,
            "hospital": v.vid,
            "shop": shop.vid,
            "shop_pooled": shop.pooled,
            "follow_share": round(follow, 2),
            "core_unused": len(patients) - len(core),
        },
    )


def rolling_admission(w: World, care: Care, r: random.Random, gid: str) -> Group:
    """诱导住院 recruited at a 老年活动中心: each member admitted on their own rota, never in waves."""
    cands = [
        v for v in w.venues.values() if v.role == "private_hosp" or (v.role == "rehab" and v.ownership == "private")
    ]
    if not cands or r.random() < 0.25:
        cands = [v for d in care.comm for v in care.comm[d]]
    v = r.choice(cands)
    members = _take(w, _older(w, 60, {v.district}), r.randint(20, 50), gid, r)
    docs = r.sample(v.doctors, min(len(v.doctors), r.randint(1, 3)))
    pairs = r.uniform(0.2, 0.5)
    buddy = {}
    for a, b in zip(members[::2], members[1::2]):
        if r.random() < pairs:
            buddy[a] = b
    admitted = set()
    stays = 0
    for i in members:
        if i in buddy.values():
            continue
        day = r.randrange(max(1, min(90, w.days // 2)))
        gap = r.randint(45, 120)
        while day < w.days - 3:
            los = r.randint(5, 12)
            for p in [i] + ([buddy[i]] if i in buddy else []):
                start = care.cal.at(day, r.randint(8 * 3600, 16 * 3600))
                end = dt.datetime.combine(
                    w.day(day) + dt.timedelta(days=los + (p != i) * r.randint(0, 1)),
                    dt.time(r.randint(8, 11), r.randrange(60)),
                )
                if care.add(inpatient(r, care, p, v, start, end, r.choice(docs), padded=True)):
                    admitted.add(p)
                    stays += 1
            day += los + gap + r.randint(-10, 10)
    core = sorted(admitted)
    return Group(
        gid,
        KIND["rolling_admission"],
        members,
        core,
        docs,
        [v.vid],
        [],
        {
            "scheme": "rolling_admission",
            "venue": v.vid,
            "role": v.role,
            "members": len(members),
            "pairs": len(buddy),
            "stays": stays,
            "core_unused": len(members) - len(core),
        },
    )


def mutual_aid_cashout(w: World, care: Care, r: random.Random, gid: str) -> Group:
    """家庭共济套现: a shop bills daily goods to unrelated elders, paid from a few employees' personal accounts."""
    d = r.randrange(len(w.districts))
    shop = r.choice(care.pharm[d])
    holders = _take(
        w, [i for i in _older(w, 30, {d}, 59) if w.persons[i].insured == "employee"], r.randint(2, 4), gid, r
    )
    patients = _take(w, _older(w, 60, {d}), r.randint(10, 30), gid, r)
    used = set()
    for i in patients:
        holder = r.choice(holders)
        day = r.randrange(30)
        while day < w.days:
            t = care.cal.at(day, r.randint(9 * 3600, 20 * 3600))
            items = lines(r, "goods", r.randint(1, 2), (1, 3)) + lines(r, "patent_drug", 1, (24, 72))
            if care.add(Claim(i, shop.vid, "pharmacy", t, items, holder=holder)):
                used.add(i)
            day += r.randint(14, 40)
    core = sorted(used)
    return Group(
        gid,
        KIND["mutual_aid_cashout"],
        holders + patients,
        core,
        [],
        [],
        [shop.vid],
        {
            "scheme": "mutual_aid_cashout",
            "shop": shop.vid,
            "holders": len(holders),
            "patients": len(patients),
            "core_unused": len(patients) - len(core),
        },
    )


SCHEMES = {
    "turnover_clinic": turnover_clinic,
    "spread_collector": spread_collector,
    "class_kickback": class_kickback,
    "rolling_admission": rolling_admission,
    "mutual_aid_cashout": mutual_aid_cashout,
}


def plant_rings(w: World, care: Care) -> None:
    r = random.Random(int(w.rng(5).integers(2**32)))
    for n, scheme in enumerate(w.knobs["rings"], 1):
        g = SCHEMES[scheme](w, care, r, f"R{n}-{scheme}")
        if g.core:  # a tiny world may leave a scheme no one to bill
            w.rings.append(g)
