"""Benign dense care unlike the other worlds: 三伏贴 days, 家庭病床, a factory's shift-change clinic, a campus, 门特 windows."""

from __future__ import annotations

import datetime as dt
import random

from .city import Care, lines
from .model import CATALOG, CHUFU, DONGZHI, GROUPS, Claim, Group, World

SAFE_DIAG = {"sanfu": "J45.900", "homebed": "I69.300", "mente": "N18.500"}


def _free_older(w: World, lo: int, hi: int, districts: set[int] | None = None) -> list[int]:
    return [
        p.idx
        for p in w.persons
        if not p.taken
        and not p.group
        and lo <= w.age(p.idx) <= hi
        and (districts is None or p.district in districts)
        and p.death is None
    ]


def _mark(w: World, people: list[int], gid: str) -> list[int]:
    for i in people:
        w.persons[i].taken = gid
    return sorted(people)


def sanfu_days(w: World, care: Care, r: random.Random, gid: str) -> Group | None:
    """三伏贴 / 三九贴: hundreds queue at a TCM hospital on three fixed days ten (or nine) days apart."""
    dates: list[dt.date] = []
    for y in range(w.start.year - 1, w.start.year + 3):
        if y in CHUFU:
            dates += [CHUFU[y] + dt.timedelta(days=o) for o in (0, 10, 20)]
        if y in DONGZHI:
            dates += [DONGZHI[y] + dt.timedelta(days=o) for o in (0, 9, 18)]
    days = [(x - w.start).days for x in dates if 0 <= (x - w.start).days < w.days]
    if len(days) < 2:
        return None
    v = r.choice([care.tcm] + [x for x in w.venues.values() if x.role == "county_tcm"])
    docs = r.sample(v.doctors, min(len(v.doctors), r.randint(3, 6)))
    n = r.randint(150, 400)
    kids = [
        i
        for i in range(len(w.persons))
        if 3 <= w.age(i) <= 12
        and not w.persons[i].taken
        and not w.persons[i].group
        and w.persons[i].district == v.district
    ]
    people: list[int] = []
    pairs: dict[int, int] = {}
    for kid in r.sample(kids, min(len(kids), int(n * 0.3))):
        hh = w.households[w.persons[kid].household]
        parent = next((i for i in hh if 25 <= w.age(i) < 50 and not w.persons[i].taken and i not in people), None)
        people.append(kid)
        if parent is not None:
            people.append(parent)
            pairs[kid] = parent
    adults = [i for i in _free_older(w, 40, 80, {v.district}) if i not in set(people)]
    people += r.sample(adults, min(len(adults), max(0, n - len(people))))
    people = _mark(w, people, gid)
    code = GROUPS["sanfu"][0]
    made = 0
    for day in days:
        for i in people:
            if i in pairs.values() or r.random() > 0.85:
                continue
            t = care.cal.at(day, r.randint(int(7.5 * 3600), int(11.5 * 3600)))
            for p in [i] + ([pairs[i]] if i in pairs else []):
                made += bool(
                    care.add(
                        Claim(
                            p,
                            v.vid,
                            "outpatient",
                            t + dt.timedelta(seconds=r.randint(0, 90) * (p != i)),
                            lines(r, "reg", 1, (1, 1)) + [(code, float(r.randint(4, 8)), CATALOG[code][2])],
                            doctor=r.choice(docs),
                            diagnosis=SAFE_DIAG["sanfu"],
                        )
                    )
                )
    return Group(
        gid,
        "sanfu_days",
        people,
        people,
        docs,
        [v.vid],
        [],
        {"venue": v.vid, "days": days, "pairs": len(pairs), "claims": made},
    )


def home_beds(w: World, care: Care, r: random.Random, gid: str) -> Group | None:
    """家庭病床: a community centre keeps bedridden elders as inpatients at home for months (settled monthly or at the end)."""
    d = r.randrange(len(w.districts))
    v = r.choice(care.comm[d])
    docs = r.sample(v.doctors, min(len(v.doctors), r.randint(1, 2)))
    people = _mark(w, r.sample(pool := _free_older(w, 75, 100, {d}), min(len(pool), r.randint(15, 40))), gid)
    monthly = r.random() < 0.5
    for i in people:
        a = r.randrange(max(1, int(w.days * 0.6)))
        b = min(w.days - 1, a + r.randint(30, 90) * r.choice([1, 2]))
        cuts = [a] + ([x for x in range(a + 1, b) if w.day(x).day == 1] if monthly else []) + [b]
        for s, e in zip(cuts, cuts[1:]):
            start = (
                care.cal.at(s, r.randint(9 * 3600, 16 * 3600))
                if s == a
                else dt.datetime.combine(w.day(s), dt.time(0, 0))
            )
            end = dt.datetime.combine(
                w.day(e), dt.time(r.randint(9, 16), r.randrange(60)) if e == b else dt.time(23, 59)
            )
            weeks = max(1, (e - s) // 7)
            items = (
                lines(r, "homebed", 2, (weeks, weeks))
                + lines(r, "chronic_drug", 2, (weeks * 7, weeks * 7))
                + lines(r, "consumable", 1, (weeks, 3 * weeks))
            )
            care.add(
                Claim(
                    i, v.vid, "inpatient", start, items, doctor=r.choice(docs), end=end, diagnosis=SAFE_DIAG["homebed"]
                )
            )
    return Group(gid, "home_beds", people, people, docs, [v.vid], [], {"venue": v.vid, "monthly_settlement": monthly})


def shift_clinic(w: World, care: Care, r: random.Random, gid: str) -> Group | None:
    """A factory's on-site clinic (its workers' ordinary care, at shift changes day and night) and its 职业健康体检."""
    v = w.by_role("factory")[0]
    people = _mark(w, [p.idx for p in w.persons if p.group == "factory"], gid)
    start = r.randrange(max(1, w.days - 3))
    for n, i in enumerate(people):
        day = start + (n * 2) // len(people)  # two mornings, in payroll order
        t = care.cal.at(day, int(8 * 3600 + (n % (len(people) // 2 + 1)) * r.uniform(40, 150)))
        care.add(
            Claim(
                i,
                v.vid,
                "outpatient",
                t,
                lines(r, "checkup", 1, (1, 1)) + lines(r, "lab", 2, (1, 1)),
                doctor=r.choice(v.doctors),
                diagnosis="Z10.000",
            )
        )
    return Group(
        gid,
        "shift_clinic",
        people,
        people,
        list(v.doctors),
        [v.vid],
        [],
        {"venue": v.vid, "workers": len(people), "checkup_day": start},
    )


def campus(w: World, care: Care, r: random.Random, gid: str) -> Group | None:
    """A college: dorm rooms share an address, the 校医院 takes their care, freshmen's physicals in September, a flu wave."""
    v = w.by_role("campus")[0]
    people = _mark(w, [p.idx for p in w.persons if p.group == "campus"], gid)
    fresh = [i for i in people if w.age(i) <= 18]
    sept = [i for i in range(w.days) if w.day(i).month == 9 and 3 <= w.day(i).day <= 12 and w.day(i).weekday() < 5]
    for n, i in enumerate(fresh):
        if not sept:
            break
        day = sept[min(len(sept) - 1, n * 3 // max(1, len(fresh)))]
        t = care.cal.at(day, int(8 * 3600 + (n % max(1, len(fresh) // 3)) * r.uniform(30, 90)))
        care.add(
            Claim(
                i,
                v.vid,
                "outpatient",
                t,
                lines(r, "checkup", 1, (1, 1)) + lines(r, "lab", 1, (1, 1)) + lines(r, "exam", 1, (1, 1)),
                doctor=r.choice(v.doctors),
                diagnosis="Z02.000",
            )
        )
    winter = [i for i in range(w.days) if w.day(i).month in (11, 12)]
    if winter:
        w0 = r.choice(winter)
        for i in r.sample(people, len(people) // 6):
            day = w0 + r.randint(0, 20)
            if day >= w.days:  # after the window: not in the export (not piled on its last day)
                continue
            t = care.cal.at(day, care.cal.seconds(r, "campus"))
            care.add(
                Claim(
                    i,
                    v.vid,
                    "outpatient",
                    t,
                    lines(r, "reg", 1, (1, 1)) + lines(r, "common_drug", 2, (6, 24)),
                    doctor=r.choice(v.doctors),
                    diagnosis="J11.100",
                )
            )
    return Group(
        gid,
        "campus",
        people,
        people,
        list(v.doctors),
        [v.vid],
        [],
        {"venue": v.vid, "students": len(people), "freshmen": len(fresh)},
    )


def mente_window(w: World, care: Care, r: random.Random, gid: str) -> Group | None:
    """门特: patients see their 门特 doctor in the first working days of each month, then collect at the 双通道 pharmacy."""
    v = care.city3a
    dept = r.choice(["肿瘤科", "肾内科", "风湿免疫科"])
    docs = r.sample(v.depts[dept], min(2, len(v.depts[dept])))
    people = _mark(w, r.sample(pool := _free_older(w, 35, 85), min(len(pool), r.randint(40, 120))), gid)
    drugs = GROUPS["tumor_targeted" if dept == "肿瘤科" else "biologic"]
    months = sorted({(w.day(i).year, w.day(i).month) for i in range(w.days)})
    for y, m in months:
        work = [i for i in range(w.days) if (w.day(i).year, w.day(i).month) == (y, m) and w.day(i).weekday() < 5][:5]
        if not work:
            continue
        for i in people:
            if r.random() > 0.9:
                continue
            day = r.choice(work)
            t = care.cal.at(day, care.cal.seconds(r, "hosp"))
            doc = docs[i % len(docs)]
            c = care.add(
                Claim(
                    i,
                    v.vid,
                    "chronic",
                    t,
                    lines(r, "reg", 1, (1, 1)) + lines(r, "lab", 1, (1, 1)),
                    doctor=doc,
                    diagnosis=SAFE_DIAG["mente"] if dept == "肾内科" else "C50.900",
                )
            )
            if c:
                bt = t + dt.timedelta(minutes=r.randint(20, 240))
                drug = r.choice(drugs)
                care.add(
                    Claim(
                        i,
                        care.dtp.vid,
                        "pharmacy",
                        bt,
                        [(drug, 1.0, CATALOG[drug][2])],
                        rx=True,
                        doctor=doc if w.knobs["fill_carries_doctor"] else "",
                    )
                )
    return Group(
        gid,
        "mente_window",
        people,
        people,
        docs,
        [v.vid],
        [care.dtp.vid],
        {"department": dept, "patients": len(people)},
    )


GROUPS_FN = {
    "sanfu_days": sanfu_days,
    "home_beds": home_beds,
    "shift_clinic": shift_clinic,
    "campus": campus,
    "mente_window": mente_window,
}


def plant_benign(w: World, care: Care) -> None:
    r = random.Random(int(w.rng(6).integers(2**32)))
    for n, kind in enumerate(w.knobs["benign"], 1):
        g = GROUPS_FN[kind](w, care, r, f"benign:{kind}-{n}")
        if g is not None and g.persons:
            w.benign.append(g)
