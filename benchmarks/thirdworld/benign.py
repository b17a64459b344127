"""Legitimate dense care that must stay out of the ranked list (recorded as benign groups)."""

from __future__ import annotations

import datetime as dt
import random

from . import catalog as cat
from .care import Care, age
from .model import Group, World
from .schemes import alive, pool, reserve, villages_near


def _free(w: World, r: random.Random, test, n: int) -> list[int]:
    cand = [p.idx for p in w.persons if not p.reserved and p.death is None and not p.away and test(p)]
    r.shuffle(cand)
    return sorted(cand[:n])


def family_doctor(w: World, care: Care, r: random.Random, g: Group) -> None:
    """家庭医生签约随访: a village's signed elderly seen on the village day by the township team, every 1-3 months."""
    vil = villages_near(w, r, 1)[0]
    t = w.villages[vil][0]
    clinic = next(v for v in care.venues_by_role["village"] if v.village == vil)
    gp = care.venues_by_role["township"][t].doctors[0]
    members = pool(w, r, [vil], r.randint(30, 80), min_age=62)
    reserve(w, g, members)
    every = r.choice([30, 30, 60, 91])
    att = round(r.uniform(0.6, 0.9), 2)
    d = r.randrange(every)
    while d < w.days:
        m = r.randrange(470, 520)
        for i in r.sample(members, len(members)):
            if r.random() < att and alive(w, w.persons[i], d):
                m += r.randint(2, 7)
                lines = [
                    cat.line("XO002", 1, care.dec),
                    cat.line("XL004", 1, care.dec),
                    cat.line(r.choice(["XD001", "XD002"]), 2, care.dec),
                ]
                care.visit(
                    r,
                    w.persons[i],
                    clinic,
                    d,
                    m,
                    lines,
                    doctor=gp if r.random() < 0.6 else clinic.doctors[0],
                    vtype="chronic" if w.knobs["chronic_coded"] == "chronic" else "outpatient",
                    dx=r.choice(["I10", "E11.9"]),
                )
        d += every
    g.persons = g.core = members
    g.doctors, g.facilities = sorted({gp, clinic.doctors[0]}), [clinic.vid]
    g.params = {"village": w.villages[vil][1], "every_days": every, "attendance": att}


def child_health_day(w: World, care: Care, r: random.Random, g: Group) -> None:
    """儿童保健日: the township centre's monthly child-health day; infants monthly, toddlers quarterly."""
    t = r.randrange(1, len(w.townships))
    centre = care.venues_by_role["township"][t]
    kids = _free(w, r, lambda p: p.township == t and age(w, p) <= 6, r.randint(40, 120))
    reserve(w, g, kids)
    dom = r.choice([5, 10, 15, 20, 25])
    docs = centre.doctors[:2]
    for month in range(w.days // 30 + 1):
        d0 = (w.start.replace(day=1) + dt.timedelta(days=31 * month)).replace(day=dom)
        d = (d0 - w.start).days
        if not 0 <= d < w.days:
            continue
        m = r.randrange(470, 510)
        for i in kids:
            a = age(w, w.persons[i])
            if r.random() < (0.8 if a < 1 else 0.3 if a < 3 else 0.12):
                m += r.randint(1, 5)
                care.visit(
                    r,
                    w.persons[i],
                    centre,
                    d,
                    min(m, 700),
                    [cat.line(c, 1, care.dec) for c in ["XE006", "XL009", "XO002"]],
                    doctor=r.choice(docs),
                    dx="Z00.1",
                    mutual_aid=False,
                )
    g.persons = g.core = kids
    g.doctors, g.facilities = list(docs), [centre.vid]
    g.params = {"township": w.townships[t], "day_of_month": dom, "children": len(kids)}


def dialysis(w: World, care: Care, r: random.Random, g: Group) -> None:
    """Chronic haemodialysis at the county hospital: Mon/Wed/Fri or Tue/Thu/Sat shifts, all year."""
    county = care.venues_by_role["county"][0]
    nephro = [d for d in county.doctors if w.doctors[d].department == "肾内科"] or county.doctors[:2]
    pts = _free(w, r, lambda p: 35 <= age(w, p) <= 80, r.randint(15, 40))
    reserve(w, g, pts)
    coded = "chronic" if r.random() < 0.7 else "outpatient"
    for i in pts:
        days = r.choice([(0, 2, 4), (1, 3, 5)])
        shift = r.choice([450, 720, 1020])
        times = 3 if r.random() < 0.8 else 2
        a = 0 if r.random() < 0.8 else r.randrange(w.days // 2)
        b = w.days if r.random() < 0.9 else r.randrange(a + 30, w.days + 30)
        for d in range(a, min(b, w.days)):
            if w.day(d).weekday() in days[:times] and r.random() < 0.97:
                lines = [cat.line("XT006", 1, care.dec), cat.line("XC002", 1, care.dec), cat.line("XD016", 1, care.dec)]
                care.visit(
                    r,
                    w.persons[i],
                    county,
                    d,
                    shift + r.randint(-20, 20),
                    lines,
                    vtype=coded,
                    doctor=r.choice(nephro),
                    dx="N18.5",
                    mutual_aid=False,
                )
    g.persons = g.core = pts
    g.doctors, g.facilities = list(nephro), [county.vid]
    g.params = {"patients": len(pts), "coded": coded}


def families(w: World, care: Care, r: random.Random, g: Group) -> None:
    """Big households who go to the doctor together (a child's fever, the grandparents along)."""
    by_hh: dict[int, list[int]] = {}
    for p in w.persons:
        if not p.reserved and p.death is None and not p.away:
            by_hh.setdefault(p.household, []).append(p.idx)
    big = sorted(h for h, m in by_hh.items() if len(m) >= 4)
    chosen = r.sample(big, min(len(big), r.randint(6, 12)))
    members = sorted(i for h in chosen for i in by_hh[h])
    reserve(w, g, members)
    for h in chosen:
        p0 = w.persons[by_hh[h][0]]
        venue = care.own(p0, r.choice(["township", "mch", "county"]), r)
        for _ in range(r.randint(4, 10)):
            d = r.randrange(w.days)
            m = r.randrange(480, 1000)
            for i in by_hh[h]:
                if r.random() < 0.8:
                    care.visit(
                        r, w.persons[i], venue, d, m + r.randint(0, 6), cat.outpatient_lines(r, "county", care.dec)
                    )
    g.persons = g.core = members
    g.params = {"households": len(chosen), "outings_each": "4-10"}


def tcm_regulars(w: World, care: Care, r: random.Random, g: Group) -> None:
    """The county TCM hospital's loyal regulars: 针灸 and 推拿 on their own weekday for months, friends together."""
    tcm = care.venues_by_role["tcm"][0]
    docs = tcm.doctors[: r.randint(1, 3)]
    pts = _free(w, r, lambda p: age(w, p) >= 50 and p.township in (0, 1, 2), r.randint(20, 50))
    reserve(w, g, pts)
    pairs = [pts[j : j + 2] for j in range(0, len(pts), 2)]
    for pair in pairs:
        wd = r.sample(range(6), r.choice([1, 1, 2]))
        slot = r.randrange(480, 660)
        a = r.randrange(0, w.days // 2)
        b = min(w.days, a + r.randint(90, 365))
        together = r.random() < 0.6
        for d in range(a, b):
            if w.day(d).weekday() in wd:
                for i in pair if together else pair[:1]:
                    if r.random() < 0.85:
                        care.visit(
                            r,
                            w.persons[i],
                            tcm,
                            d,
                            slot + r.randint(-15, 15),
                            [
                                cat.line("XT001", 1, care.dec),
                                cat.line("XT002", 1, care.dec),
                                cat.line("XT005", 1, care.dec),
                            ],
                            doctor=docs[pts.index(i) % len(docs)],
                            dx=r.choice(["M54.5", "M47.8"]),
                        )
    g.persons = g.core = pts
    g.doctors, g.facilities = list(docs), [tcm.vid]
    g.params = {"patients": len(pts), "months": "3-12", "friends_together": "60% of pairs"}


def school_exam(w: World, care: Care, r: random.Random, g: Group) -> None:
    """学生体检: a school's pupils examined over 1-3 days, a few minutes apart."""
    venue = r.choice(care.venues_by_role["county"] + care.venues_by_role["township"][:3])
    pupils = _free(w, r, lambda p: 6 <= age(w, p) <= 17 and p.township in (0, 1, 2, 3), r.randint(100, 300))
    reserve(w, g, pupils)
    d0 = r.randrange(w.days - 3)
    days = r.randint(1, 3)
    for j, i in enumerate(pupils):
        d = d0 + j * days // len(pupils)
        care.visit(
            r,
            w.persons[i],
            venue,
            d,
            480 + (j % 120) * 2,
            [cat.line(c, 1, care.dec) for c in ["XE005", "XE006", "XL001"]],
            doctor=venue.doctors[j % 3],
            dx="Z00.1",
            mutual_aid=False,
        )
    g.persons = g.core = pupils
    g.facilities = [venue.vid]
    g.params = {"pupils": len(pupils), "days": days, "date": w.day(d0).isoformat()}


def employer_checkup(w: World, care: Care, r: random.Random, g: Group) -> None:
    """单位体检: a factory's or the county offices' employees on one or two mornings at the county hospital."""
    county = care.venues_by_role["county"][0]
    staff = _free(w, r, lambda p: p.insured == "employee", r.randint(50, 200))
    reserve(w, g, staff)
    d0 = r.randrange(w.days - 2)
    for j, i in enumerate(staff):
        care.visit(
            r,
            w.persons[i],
            county,
            d0 + (j % 2),
            460 + (j // 2) % 150,
            [cat.line(c, 1, care.dec) for c in ["XE005", "XE002", "XE003", "XL001", "XL002"]],
            doctor=county.doctors[j % 4],
            dx="Z00.0",
            mutual_aid=False,
        )
    g.persons = g.core = staff
    g.facilities = [county.vid]
    g.params = {"employees": len(staff), "date": w.day(d0).isoformat()}


def flu_outbreak(w: World, care: Care, r: random.Random, g: Group) -> None:
    """A winter influenza wave crowding the county's paediatric clinic for three weeks."""
    mch = care.venues_by_role["mch"][0]
    winter = [d for d in range(w.days - 21) if w.day(d).month in (12, 1, 2)] or list(range(w.days - 21))
    d0 = r.choice(winter)
    kids = _free(w, r, lambda p: age(w, p) <= 12, r.randint(150, 300))
    reserve(w, g, kids)
    docs = [d for d in mch.doctors if w.doctors[d].department == "儿科"] or mch.doctors
    for i in kids:
        d = d0 + int(r.triangular(0, 21, 8))
        for k in range(r.choice([1, 1, 2, 3])):
            care.visit(
                r,
                w.persons[i],
                mch,
                min(w.days - 1, d + 2 * k),
                int(r.triangular(450, 1260, 560)),
                [cat.line("XO001", 1, care.dec), cat.line("XL008", 1, care.dec), cat.line("XD008", 1, care.dec)],
                doctor=r.choice(docs),
                dx="J11.1",
            )
    g.persons = g.core = kids
    g.facilities = [mch.vid]
    g.params = {"children": len(kids), "start": w.day(d0).isoformat(), "weeks": 3}


def mass_casualty(w: World, care: Care, r: random.Random, g: Group) -> None:
    """A minibus accident: the riders admitted to the county hospital within two hours, then follow-ups."""
    county = care.venues_by_role["county"][0]
    vil = villages_near(w, r, 1)
    riders = pool(w, r, vil, r.randint(15, 30), min_age=16)
    reserve(w, g, riders)
    d = r.randrange(w.days - 40)
    m0 = r.randrange(420, 1200)
    surg = [x for x in county.doctors if w.doctors[x].department == "外科"] or county.doctors[:3]
    for i in riders:
        los = max(1, int(r.lognormvariate(2.0, 0.7)))
        c = care.stay(
            r, w.persons[i], county, d, min(los, 35), doctor=r.choice(surg), minute=m0 + r.randrange(0, 120), dx="S06.0"
        )
        c.lines.append(cat.line("XT007", 1, care.dec))
        for k in range(r.randint(0, 3)):
            care.visit(
                r,
                w.persons[i],
                county,
                min(w.days - 1, d + los + 7 * (k + 1)),
                time_of_day_r(r),
                cat.outpatient_lines(r, "county", care.dec),
                doctor=c.doctor,
                dx="S06.0",
            )
    g.persons = g.core = riders
    g.facilities = [county.vid]
    g.params = {"riders": len(riders), "date": w.day(d).isoformat(), "village": w.villages[vil[0]][1]}


def time_of_day_r(r: random.Random) -> int:
    return r.randrange(480, 690)


def nursing_home(w: World, care: Care, r: random.Random, g: Group) -> None:
    """敬老院: a township home for 五保 elders; monthly rounds by the centre's doctor, a carer fetching medicine."""
    t = r.randrange(1, len(w.townships))
    centre = care.venues_by_role["township"][t]
    shop = care.own(w.persons[0], "pharmacy", r)
    res = _free(w, r, lambda p: p.township == t and age(w, p) >= 65, r.randint(20, 50))
    reserve(w, g, res)
    addr = "A" + f"{r.getrandbits(48):012x}"
    home_phone = r.random() < 0.6
    for i in res:
        w.persons[i].address = addr if w.persons[i].address else ""
        if home_phone and w.persons[i].phone and r.random() < 0.8:
            w.persons[i].phone = "PH" + addr[1:] + "0000"
    for d in range(r.randrange(30), w.days, 30):
        m = 540
        for i in res:
            if r.random() < 0.85 and alive(w, w.persons[i], d):
                m += r.randint(2, 6)
                care.visit(
                    r,
                    w.persons[i],
                    centre,
                    d,
                    m,
                    [cat.line("XO002", 1, care.dec), cat.line("XD001", 1, care.dec)],
                    doctor=centre.doctors[0],
                    dx="I10",
                    mutual_aid=False,
                )
        m = r.randrange(600, 960)
        for i in res:
            if r.random() < 0.7 and alive(w, w.persons[i], d + 2):
                m += r.randint(1, 3)
                care.visit(
                    r, w.persons[i], shop, d + 2, m, cat.drugs(r, cat.COMMON_DRUGS, 2, care.dec), mutual_aid=False
                )
    g.persons = g.core = res
    g.doctors, g.facilities, g.pharmacies = [centre.doctors[0]], [centre.vid], [shop.vid]
    g.params = {"township": w.townships[t], "residents": len(res), "home_phone": home_phone}


GROUPS = {
    "family_doctor": family_doctor,
    "child_health_day": child_health_day,
    "dialysis": dialysis,
    "families": families,
    "tcm_regulars": tcm_regulars,
    "school_exam": school_exam,
    "employer_checkup": employer_checkup,
    "flu_outbreak": flu_outbreak,
    "mass_casualty": mass_casualty,
    "nursing_home": nursing_home,
}


def plant_benign(w: World, care: Care) -> None:
    r = random.Random(int(w.rng(5).integers(2**32)))
    for n, kind in enumerate(w.knobs["benign"]):
        g = Group(id=f"benign:{kind}-{n + 1}", kind=kind)
        w.benign.append(g)
        GROUPS[kind](w, care, r, g)
