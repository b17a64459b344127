"""eleventhworld's planted rings and benign dense groups.

Rings (after the 国家医保局 曝光台's cases of internet hospitals, DRG hospitals and 长护险 agencies): e-vouchers
bought from young workers and used for night-time 互联网医院 prescriptions of 司美格鲁肽 delivered by one pharmacy
(``online_scripts``), young workers' personal accounts drained through 门诊共济 for a broker's few "relatives"
(``account_pooling``), a 长护险 agency billing phantom home-care hours (``ltc_phantom``), a park 门诊部 billing
lunch-hour 推拿 to firms' staff whose cards it keeps (``park_massage``), free cataract screening turned into two
admissions a patient (``cataract_drive``), stays split under DRG (``drg_split``, 分解住院) and a 医学中心 doctor's
online follow-ups steered to one pharmacy (``followup_steering``). Benign: an IVF centre's cycles (``ivf_cycle``), an
honest 长护险 agency (``ltc_genuine``), 异地 cancer patients lodging together between chemotherapy cycles
(``cancer_lodging``), a tech park's 24-hour pharmacy after overtime (``night_pharmacy``) and the 社区's monthly day
for 随迁老人 (``migrant_grandparents``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from benchmarks._common import plan, take

from .care import doctor, stay, venues, visit
from .district import CANCER_DIAG, CHRONIC_DIAG, CHRONIC_MEDS, DAY, World, age, item, present, weekday

KIND = {
    "online_scripts": "card_collector",
    "account_pooling": "card_collector",
    "ltc_phantom": "staged_clinic",
    "park_massage": "staged_clinic",
    "cataract_drive": "induced_admission",
    "drg_split": "induced_admission",
    "followup_steering": "kickback",
}
SCHEMES = list(KIND)


def _streets_by_size(w: World) -> list[int]:
    n: dict[int, int] = {}
    for p in w.persons:
        if p.street >= 0:
            n[p.street] = n.get(p.street, 0) + 1
    return sorted(n, key=lambda s: (-n[s], s))


def _month_day(w: World, day: int) -> list[int]:
    return [d for d in range(w.days) if (w.start + timedelta(days=d)).day == day]


def _next_weekday(w: World, d: int, days: tuple[int, ...]) -> int:
    while weekday(w, d) not in days:
        d += 1
    return d


def _big_firms(w: World, r: random.Random, n: int) -> list[int]:
    order = sorted(range(len(w.companies)), key=lambda c: (-len(w.companies[c]), c))
    top = order[: max(n, 6)]
    return sorted(r.sample(top, min(n, len(top))))


# --- rings -----------------------------------------------------------------------------------------------------


def online_scripts(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """An organiser buys 25-80 e-vouchers (卖医保额度) from young workers and 回迁 adults, rebinds a share to his 2-4
    phones, and every 2-6 nights from 22:30 opens 6-20 of them on a 互联网医院 platform, 1-4 minutes apart, with 1-2
    platform doctors who prescribe 司美格鲁肽, 利拉鲁肽 or SGLT2 pills for a made-up diabetes; one pharmacy (the
    chain's delivery shop or an independent one) fills each order 5-40 minutes later; the boxes are resold."""
    plat = r.choice(venues(w, "platform"))
    pdocs = [d for d in w.venues[plat].docs if w.doctors[d].dept == "内分泌科"] or w.venues[plat].docs
    docs = r.sample(pdocs, min(len(pdocs), r.randint(1, 2)))
    indep = [v for v in venues(w, "pharmacy") if not w.venues[v].chain]
    shop = r.choice(venues(w, "o2o")) if r.random() < 0.6 or not indep else r.choice(indep)
    n = r.randint(25, 80)
    members = take(w, r, n, lambda p: p.role == "young" and p.itype == "employee" or p.role == "local" and
                   30 <= age(w, p) < 55, gid)  # fmt: skip
    g = plan(w, gid, "online_scripts", members, doctors=docs, venues=[plat, shop])
    rebound = r.uniform(0.3, 0.8)
    phones = [w.n_phone + j for j in range(r.randint(2, 4))]
    w.n_phone += len(phones)
    for i in members:
        if r.random() < rebound:
            w.persons[i].phone = r.choice(phones)
    named = r.uniform(0.5, 1.0)
    last = {i: -99 for i in members}
    d = r.randint(0, 6)
    while d < w.days - 1:
        ready = [i for i in members if d - last[i] >= r.randint(14, 30) and w.persons[i].death is None]
        r.shuffle(ready)
        t = r.randint(22 * 3600 + 1800, 24 * 3600 + 1800)
        for i in ready[: r.randint(6, 20)]:
            doc = r.choice(docs)
            diag = r.choice(["E11.900", "E66.900"])
            visit(w, i, plat, doc, d, t, "outpatient", diag, [item(r, "exam_net", 1)])
            keys = r.choice([["sema"], ["sema", "dapag"], ["lira"], ["empag", "dapag"], ["sema"]])
            items = [item(r, k, float(r.randint(1, 3)) if k in ("sema", "lira") else 28.0) for k in keys]
            ft = t + r.randint(300, 2400)
            visit(w, i, shop, doc if r.random() < named else None, d + ft // DAY, ft % DAY, "pharmacy", diag, items,
                  rx=True)  # fmt: skip
            last[i] = d
            t += r.randint(60, 240)
        d += r.randint(2, 6)
    g["params"] = {"rebound": round(rebound, 3), "phones": len(phones), "named": round(named, 3),
                   "shop": w.venues[shop].cls}  # fmt: skip
    return g


def account_pooling(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """门诊共济 drained: a pharmacy clerk (the broker) pays 40-120 young workers a cut to bind 3-8 elders of one 回迁
    block (his "relatives") as their 共济 family; each month, in the days after the account credit, each worker's
    account pays for one of those elders' 阿胶, 西洋参 or fish oil at 1-2 chain shops of the street — the holders
    never come, the elders are the patients on every claim."""
    s = r.choice(_streets_by_size(w)[:3])
    blds = sorted({p.building for p in w.persons if p.street == s and p.role == "local"})
    b = r.choice(blds) if blds else -1
    patients = take(w, r, r.randint(3, 8), lambda p: p.building == b and age(w, p) >= 60 and p.death is None, gid)
    if not patients:
        patients = take(w, r, r.randint(3, 8), lambda p: p.role == "local" and age(w, p) >= 60 and p.death is None,
                        gid)  # fmt: skip
    holders = take(w, r, r.randint(40, 120), lambda p: p.role == "young" and p.itype == "employee", gid)
    shops = r.sample(venues(w, "pharmacy", s) or venues(w, "pharmacy"), r.randint(1, 2))
    g = plan(w, gid, "account_pooling", sorted(patients + holders), venues=shops)
    freq = r.uniform(0.5, 0.85)
    bound = {h: r.sample(patients, min(len(patients), r.randint(1, 2))) for h in holders}
    credits = _month_day(w, w.knobs["acct_day"])
    for d0 in credits:
        for h in holders:
            d = d0 + int(r.expovariate(1 / 3.0))
            if d >= w.days or r.random() > freq:
                continue
            pi = r.choice(bound[h])
            if not present(w.persons[pi], d):
                continue
            keys = r.sample(["ejiao", "xiyang", "fishoil", "calcium"], r.randint(1, 2))
            items = [item(r, k, float(r.randint(1, 2)) if k != "calcium" else 60.0) for k in keys]
            visit(w, pi, r.choice(shops), None, d, r.randint(9 * 3600, 21 * 3600), "pharmacy", "", items, holder=h)
    g["params"] = {"street": s, "patients": len(patients), "holders": len(holders), "freq": round(freq, 3)}
    return g


def ltc_phantom(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A 长护险 home-care agency bills 30-90 elders (a share of them never assessed 失能, 挂名) 4-6 days a week, two
    hours a visit, keyed on the hour by the agency (08:00, 10:00, 14:00, 16:00) for caregivers who would have to be
    in two homes at once; it goes on billing while they are in hospital and up to 45 days after death."""
    vi = r.choice(venues(w, "ltc"))
    cgs = w.venues[vi].docs
    s = w.venues[vi].street
    members = take(w, r, r.randint(30, 90), lambda p: p.role == "local" and age(w, p) >= 68 and (p.street == s or
                   r.random() < 0.3), gid)  # fmt: skip
    g = plan(w, gid, "ltc_phantom", members, doctors=list(cgs), venues=[vi])
    named = r.uniform(0.3, 0.6)
    for i in members:
        if r.random() > named:
            w.persons[i].disabled = True
    slots = [8, 10, 14, 16]
    who = {i: (cgs[n % len(cgs)], r.choice(slots)) for n, i in enumerate(members)}
    week = {i: sorted(r.sample(range(6), r.randint(4, 6))) for i in members}
    billed = r.uniform(0.9, 1.0)
    first = r.randrange(14)
    for d in range(first, w.days):
        for i in members:
            p = w.persons[i]
            if weekday(w, d) not in week[i] or r.random() > billed:
                continue
            if p.death is not None and d > p.death + 45:
                continue
            cg, h = who[i]
            visit(
                w, i, vi, cg, d, h * 3600, "outpatient", "R26.800", [item(r, "ltc_hour", 2.0), item(r, "ltc_basic", 1)]
            )
    g["params"] = {"caregivers": len(cgs), "billed": round(billed, 3), "named_only": round(named, 3)}
    return g


def park_massage(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A park 门诊部 signs a "福利" deal with 1-3 firms' HR: 40-150 employees leave their cards at the front desk
    (留卡), and on each firm's weekday the desk keys lunch-hour 推拿, 针刺, 拔罐 and 熏蒸 for a rotating share of them
    3-8 minutes apart — also in the weeks they are home for 春节 or on a 国庆 trip."""
    firms = _big_firms(w, r, r.randint(1, 3))
    mzb = venues(w, "mzb")
    vi = r.choice(mzb)
    staff = {i for c in firms for i in w.companies[c]}
    pool = sorted(i for i in staff if not w.persons[i].group)
    r.shuffle(pool)
    members = sorted(pool[: r.randint(40, 150)])
    for i in members:
        w.persons[i].group = gid
    docs = w.venues[vi].docs[: r.randint(1, 3)]
    g = plan(w, gid, "park_massage", members, doctors=list(docs), venues=[vi])
    day = {c: r.randrange(5) for c in firms}
    cycle = {i: r.choice([1, 2, 2, 3]) for i in members}
    for wk, d0 in enumerate(range(r.randrange(7), w.days, 7)):
        for c in firms:
            d = d0 + (day[c] - weekday(w, d0)) % 7
            if d >= w.days:
                continue
            due = [i for i in members if w.persons[i].company == c and (wk + i) % cycle[i] == 0]
            due = [i for i in due if w.persons[i].death is None]
            r.shuffle(due)
            t = 12 * 3600 + r.randint(0, 900)
            for i in due:
                items = [item(r, "massage", 1), item(r, r.choice(["acup", "zp"]), 1), item(r, "cupping", 1),
                         item(r, "fumig", 1), item(r, "plaster", float(r.randint(10, 20)))]  # fmt: skip
                visit(w, i, vi, r.choice(docs) if docs else None, d, t, "outpatient", r.choice(["M47.800", "M54.200"]),
                      items)  # fmt: skip
                t += r.randint(180, 480)
    g["params"] = {"firms": len(firms), "weekdays": sorted(day.values())}
    return g


def cataract_drive(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A private 眼科医院's free screening van visits 回迁 blocks and the 社区's 随迁老人: 30-120 elders screened in
    batches, then admitted on Tuesdays and Thursdays, 6-15 a morning 3-8 minutes apart, 1-2 nights (a day case made a
    stay), premium lenses; the second eye 14-35 days later as a second stay (two DRG payments)."""
    vi = r.choice(venues(w, "eye"))
    docs = w.venues[vi].docs[: r.randint(2, 3)]
    streets = r.sample(range(w.knobs["streets"]), min(w.knobs["streets"], r.randint(2, 3)))
    members = take(w, r, r.randint(30, 120), lambda p: p.role in ("local", "parent") and p.street in streets and
                   age(w, p) >= 58 and p.death is None, gid)  # fmt: skip
    g = plan(w, gid, "cataract_drive", members, doctors=list(docs), venues=[vi])
    premium = r.uniform(0.2, 0.6)
    queue = members[:]
    r.shuffle(queue)
    pending: list[tuple[int, int]] = []
    d = r.randint(0, 20)
    screened = 0
    while queue and d < w.days - 40:  # screening days: the van's batch comes to the hospital for 检查
        batch = queue[: r.randint(10, 30)]
        queue = queue[len(batch) :]
        t = 8 * 3600 + r.randint(0, 1800)
        for i in batch:
            if present(w.persons[i], d):
                visit(w, i, vi, r.choice(docs), d, t, "outpatient", "H25.900", [item(r, "oct", 1), item(r, "ascan", 1)])
                pending.append((d + r.randint(3, 14), i))
                t += r.randint(120, 420)
                screened += 1
        d += r.randint(10, 25)
    d = _next_weekday(w, r.randint(5, 25), (1, 3))
    while d < w.days - 3 and pending:
        due = sorted([x for x in pending if x[0] <= d])[: r.randint(6, 15)]
        pending = [x for x in pending if x not in due]
        t = 7 * 3600 + 1800 + r.randint(0, 1800)
        for _, i in due:
            eye, n = (i, 1) if i >= 0 else (-i - 1, 2)
            if not present(w.persons[eye], d):
                continue
            lens = "iol_premium" if r.random() < premium else "iol"
            stay(w, r, eye, vi, r.choice(docs), d, t, r.randint(1, 2), "H25.900" if n == 1 else "H25.901",
                 [item(r, "phaco", 1), item(r, lens, 1), item(r, "endoth", 1)], out_t=r.randint(9 * 3600, 11 * 3600))  # fmt: skip
            if n == 1:
                pending.append((d + r.randint(14, 35), -eye - 1))
            t += r.randint(180, 480)
        d = _next_weekday(w, d + 1, (1, 3))
    g["params"] = {"screened": screened, "premium": round(premium, 3)}
    return g


def drg_split(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """分解住院 under DRG: a private hospital's broker brings 30-90 elders of 回迁 blocks in parties of 3-6 on Monday
    or Tuesday mornings; each stay is cut into 2-3 admissions (discharged after 6-9 days, the party readmitted 1-3
    days later under the next diagnosis: 脑梗死, 后遗症, 颈椎病), padded 康复 every day; again after 45-100 days."""
    vi = r.choice(venues(w, "private"))
    docs = w.venues[vi].docs[: r.randint(2, 4)]
    s = r.choice(_streets_by_size(w)[:3])
    members = take(w, r, r.randint(30, 90), lambda p: p.role == "local" and age(w, p) >= 62 and p.death is None and
                   (p.street == s or r.random() < 0.2), gid)  # fmt: skip
    g = plan(w, gid, "drg_split", members, doctors=list(docs), venues=[vi])
    pad = r.uniform(1.2, 1.4)
    folk = members[:]
    r.shuffle(folk)
    parties, k = [], 0
    while k < len(folk):
        n = r.randint(3, 6)
        parties.append(folk[k : k + n])
        k += n
    for party in parties:
        d = _next_weekday(w, r.randint(0, 40), (0, 1))
        while d < w.days - 8:
            diags = ["I63.900", "I69.300", "M47.800"][: r.randint(2, 3)]
            for diag in diags:
                los = r.randint(6, 9)
                t = 8 * 3600 + 1800 + r.randint(0, 1800)
                for i in party:
                    if present(w.persons[i], d) and d + los < w.days:
                        stay(w, r, i, vi, r.choice(docs), d, t, los, diag, [item(r, "rehab_eval", 1)] + (
                             [item(r, "mri_head", 1)] if diag == diags[0] else []), nurse="nurse1", pad=pad,
                             daily=[("acup", 1), ("tdp", 1), ("zp", 1)])  # fmt: skip
                    t += r.randint(300, 900)
                d += los + r.randint(1, 3)
            d = _next_weekday(w, d + r.randint(45, 100), (0, 1))
    g["params"] = {"street": s, "pad": round(pad, 3), "parties": len(parties)}
    return g


def followup_steering(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A 医学中心 doctor's 40-120 chronic patients (回迁 elders, 随迁老人, 异地 patients) see him online every
    25-35 days in the evening, and every e-prescription goes to one independent pharmacy (the doctor's cut), which
    delivers the original brands at 1.3-1.8 times the chain's price 1-6 hours later; its claims name him in a share."""
    ti = r.choice(venues(w, "tertiary"))
    net = r.choice(venues(w, "net"))
    docs = [d for d in w.venues[ti].docs if w.doctors[d].dept in ("内分泌科", "心内科")] or w.venues[ti].docs
    doc = r.choice(docs)
    indep = [v for v in venues(w, "pharmacy") if not w.venues[v].chain] or venues(w, "pharmacy")
    shop = r.choice(indep)
    members = take(w, r, r.randint(40, 120), lambda p: (p.role in ("local", "parent") and age(w, p) >= 50 or
                   p.role == "remote") and p.death is None, gid)  # fmt: skip
    g = plan(w, gid, "followup_steering", members, doctors=[doc], venues=[net, shop])
    named, mult = r.uniform(0.4, 1.0), r.uniform(1.3, 1.8)
    for i in members:
        p = w.persons[i]
        p.chronic = p.chronic or r.choice(["dm", "htn", "chd", "hf", "lipid"])
        p.own_refill = False
        brands = {"dm": ["empag", "dapag"], "htn": ["valsar", "sacub"], "chd": ["rosuva", "clopi"],
                  "hf": ["sacub"], "lipid": ["rosuva"]}[p.chronic]  # fmt: skip
        d = r.randrange(0, 30)
        while d < w.days - 1:
            t = r.randint(19 * 3600, 23 * 3600)
            if present(p, d):
                diag = CHRONIC_DIAG[p.chronic]
                visit(w, i, net, doc, d, t, "outpatient", diag, [item(r, "exam_net", 1)])
                ft = t + r.randint(3600, 6 * 3600)
                items = [item(r, k, 28.0, mult) for k in brands]
                if d + ft // DAY < w.days:
                    visit(w, i, shop, doc if r.random() < named else None, d + ft // DAY, ft % DAY, "pharmacy", diag,
                          items, rx=True)  # fmt: skip
            d += r.randint(25, 35)
    g["params"] = {"named": round(named, 3), "mult": round(mult, 3)}
    return g


# --- benign ----------------------------------------------------------------------------------------------------


def ivf_cycle(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """The 医学中心's 生殖医学中心 (辅助生殖 covered by the pool): 20-60 women of 27-40, each 1-2 cycles: follicle
    scans on cycle days 2, 6, 8, 10 and 11 in the 07:00 queue, egg retrieval on day 13 (the partner's semen test that
    morning), transfer on day 16-18; the same 2-4 doctors, the same mornings for women whose cycles line up."""
    ti = r.choice(venues(w, "tertiary"))
    docs = [d for d in w.venues[ti].docs if w.doctors[d].dept == "生殖医学中心"] or w.venues[ti].docs[:3]
    women = take(w, r, r.randint(20, 60), lambda p: p.role == "young" and p.sex == "F" and 27 <= age(w, p) <= 40, gid)
    partners = []
    for i in women:
        sp = w.persons[i].spouse
        if sp >= 0 and not w.persons[sp].group:
            w.persons[sp].group = gid
            partners.append(sp)
    g = plan(w, gid, "ivf_cycle", sorted(women + partners), doctors=list(docs), venues=[ti])
    for i in women:
        p = w.persons[i]
        doc = r.choice(docs)
        c0 = r.randrange(0, max(1, w.days - 20))
        for _ in range(1 if r.random() < 0.6 else 2):
            for cd in [2, 6, 8, 10, 11]:
                d = c0 + cd
                if d < w.days and present(p, d):
                    its = [item(r, "us_follicle", 1), item(r, "hormone", 1)]
                    if cd in (2, 6):
                        its.append(item(r, "fsh", float(r.randint(3, 6))))
                    visit(w, i, ti, doc, d, 7 * 3600 + r.randint(0, 5400), "outpatient", "N97.900", its)
            d = c0 + 13
            if d < w.days and present(p, d):
                visit(w, i, ti, doc, d, 8 * 3600 + r.randint(0, 5400), "outpatient", "N97.900", [item(r, "ivf_op", 1)])
                if p.spouse in partners:
                    visit(w, p.spouse, ti, doc, d, 8 * 3600 + r.randint(0, 3600), "outpatient", "N46.x00",
                          [item(r, "semen", 1)])  # fmt: skip
            d = c0 + r.randint(16, 18)
            if d < w.days and present(p, d):
                visit(w, i, ti, doc, d, 9 * 3600 + r.randint(0, 7200), "outpatient", "N97.900", [item(r, "ivf_et", 1)])
            c0 += r.randint(60, 120)
    g["params"] = {"women": len(women), "partners": len(partners)}
    return g


def ltc_genuine(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """An honest 长护险 agency: 20-60 assessed 失能 elders, each on 2-3 fixed weekdays, 4-8 clients a caregiver visited
    one after another (1-2 hours each, 20-50 minutes between homes), nothing billed after a death."""
    taken = {v for g in w.plans if g.get("ring") for v in g["venues"]}  # not the phantom agency's books
    vi = r.choice([v for v in venues(w, "ltc") if v not in taken] or venues(w, "ltc"))
    cgs = w.venues[vi].docs
    members = take(w, r, r.randint(20, 60), lambda p: p.role == "local" and age(w, p) >= 70, gid)
    g = plan(w, gid, "ltc_genuine", members, doctors=list(cgs), venues=[vi])
    for i in members:
        w.persons[i].disabled = True
    clients: dict[int, list[int]] = {}
    for n, i in enumerate(members):
        clients.setdefault(cgs[(n // r.randint(4, 8)) % len(cgs)], []).append(i)
    week = {i: sorted(r.sample(range(6), r.randint(2, 3))) for i in members}
    for d in range(r.randrange(10), w.days):
        for cg in sorted(clients):
            t = 8 * 3600 + r.randint(0, 1800)
            for i in clients[cg]:
                if weekday(w, d) not in week[i] or not present(w.persons[i], d) or r.random() < 0.07:
                    continue
                hours = float(r.choice([1, 1, 2]))
                visit(
                    w, i, vi, cg, d, t, "outpatient", "R26.800", [item(r, "ltc_hour", hours), item(r, "ltc_basic", 1)]
                )
                t += int(hours * 3600) + r.randint(1200, 3000)
    g["params"] = {"caregivers": len(clients)}
    return g


def cancer_lodging(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """异地 cancer patients between chemotherapy cycles lodge in 2-5 rented flats near the 医学中心 (抗癌公寓: one
    address for 4-9 strangers): a blood test 1-2 days before each cycle, then a 1-2 night day-ward stay every 21 days,
    4-8 cycles, with the same oncologists."""
    ti = r.choice(venues(w, "tertiary"))
    onc = [d for d in w.venues[ti].docs if w.doctors[d].dept == "肿瘤科"] or w.venues[ti].docs[:2]
    members = take(w, r, r.randint(15, 45), lambda p: p.role == "remote" and p.death is None and age(w, p) < 78, gid)
    g = plan(w, gid, "cancer_lodging", members, doctors=list(onc), venues=[ti])
    flats = []
    for _ in range(r.randint(2, 5)):
        w.n_addr += 1
        flats.append(w.n_addr - 1)
    w.buildings.append([])
    for i in members:
        p = w.persons[i]
        p.home, p.building, p.street = r.choice(flats), len(w.buildings) - 1, 0
        w.buildings[-1].append(i)
        diag = r.choice(CANCER_DIAG)
        doc = r.choice(onc)
        d = r.randrange(0, max(1, w.days - 30))
        for _ in range(r.randint(4, 8)):
            if d >= w.days - 3:
                break
            pre = d - r.randint(1, 2)
            if pre >= 0:
                visit(w, i, ti, doc, pre, r.randint(7 * 3600, 10 * 3600), "outpatient", diag,
                      [item(r, "cbc", 1), item(r, "liver", 1)])  # fmt: skip
            stay(w, r, i, ti, doc, d, r.randint(8 * 3600, 11 * 3600), r.randint(1, 2), diag,
                 [item(r, "chemo", 1), item(r, "chemo_fee", 1)], bed="bed_day")  # fmt: skip
            d += r.randint(20, 23)
    g["params"] = {"flats": len(flats)}
    return g


def night_pharmacy(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """The tech park's 24-hour pharmacy after overtime: 60-200 employees of 2-4 firms leave together on their
    firms' late nights (2-4 a week, 21:30-00:30) and buy eye drops, cold and stomach pills in twos to sixes within
    minutes, each from his own account, one to three times a month."""
    shop = r.choice(venues(w, "night"))
    firms = _big_firms(w, r, r.randint(2, 4))
    pool = sorted(i for c in firms for i in w.companies[c] if not w.persons[i].group)
    r.shuffle(pool)
    members = sorted(pool[: r.randint(60, 200)])
    for i in members:
        w.persons[i].group = gid
    g = plan(w, gid, "night_pharmacy", members, venues=[shop])
    late = {c: r.sample(range(5), r.randint(2, 4)) for c in firms}
    rate = {i: r.uniform(1, 3) / 30 for i in members}
    staff = {c: [i for i in members if w.persons[i].company == c] for c in firms}
    for d in range(w.days):
        for c in firms:
            if weekday(w, d) not in late[c]:
                continue
            buyers = [i for i in staff[c] if present(w.persons[i], d) and r.random() < rate[i] * 7 / len(late[c])]
            r.shuffle(buyers)
            k = 0
            while k < len(buyers):
                n = r.randint(2, 6)
                t = r.randint(21 * 3600 + 1800, 24 * 3600 + 1800)
                for i in buyers[k : k + n]:
                    if d + t // DAY >= w.days:
                        break
                    keys = r.sample(["eyedrop", "ibup", "loratad", "lianhua", "omep", "mosap"], r.randint(1, 2))
                    visit(w, i, shop, None, d + t // DAY, t % DAY, "pharmacy", "", [item(r, x) for x in keys])
                    t += r.randint(20, 300)
                k += n
    g["params"] = {"firms": len(firms)}
    return g


def migrant_grandparents(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """The 社区 centre's monthly day for 随迁老人 with 异地备案: 20-60 grandparents insured in their home provinces
    see the family doctor on one morning a month, 3-10 minutes apart, for their blood-pressure and sugar pills
    (their e-vouchers on their children's phones; a child's account may pay the rest)."""
    s = r.choice(_streets_by_size(w))
    vi = r.choice(venues(w, "chc", s))
    members = take(w, r, r.randint(20, 60), lambda p: p.role == "parent" and (p.street == s or r.random() < 0.25), gid)
    doc = doctor(w, r, vi, "全科")
    g = plan(w, gid, "migrant_grandparents", members, doctors=[doc] if doc is not None else [], venues=[vi])
    for i in members:
        p = w.persons[i]
        p.chronic = p.chronic or r.choice(["htn", "dm", "lipid"])
        p.own_refill = False
    nth = r.randrange(1, 4)
    wd = r.randrange(5)
    for m0 in [d for d in range(w.days) if (w.start + timedelta(days=d)).day == 1]:
        d = _next_weekday(w, m0, (wd,)) + 7 * (nth - 1)
        if d >= w.days:
            continue
        t = 8 * 3600 + 1800 + r.randint(0, 900)
        order = members[:]
        r.shuffle(order)
        for i in order:
            p = w.persons[i]
            if not present(p, d) or r.random() < 0.1:
                continue
            meds = CHRONIC_MEDS[p.chronic][:2]
            holder = p.parent if p.parent >= 0 and r.random() < w.knobs["gongji"] else None
            visit(w, i, vi, doc, d, t, "outpatient", CHRONIC_DIAG[p.chronic],
                  [item(r, "exam", 1)] + [item(r, m, 30.0) for m in meds], holder)  # fmt: skip
            t += r.randint(180, 600)
    g["params"] = {"street": s, "week": nth, "weekday": wd}
    return g


RING_FN: dict[str, Callable[[World, random.Random, str], dict[str, Any]]] = {
    "online_scripts": online_scripts,
    "account_pooling": account_pooling,
    "ltc_phantom": ltc_phantom,
    "park_massage": park_massage,
    "cataract_drive": cataract_drive,
    "drg_split": drg_split,
    "followup_steering": followup_steering,
}
BENIGN_FN: dict[str, Callable[[World, random.Random, str], dict[str, Any]]] = {
    "ivf_cycle": ivf_cycle,
    "ltc_genuine": ltc_genuine,
    "cancer_lodging": cancer_lodging,
    "night_pharmacy": night_pharmacy,
    "migrant_grandparents": migrant_grandparents,
}
