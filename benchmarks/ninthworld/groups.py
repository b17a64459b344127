"""ninthworld's planted rings (from 国家医保局 曝光台 cases in manufacturing towns) and benign dense groups.

Each function takes the world, its own random stream and the group's id, bills the group's claims and returns its
plan (``benchmarks._common.plan``); a person is in at most one group. A member with a second card number is billed
under the number he holds that day, and both numbers are the group's persons.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from benchmarks._common import plan, take

from .care import buy, chronic_items, doctor, out_items, pick_day, stay, venues, visit
from .town import DAY, HOMETOWNS, Person, World, age, item, present, weekday

SCHEMES = ["account_buyout", "payday_goods", "agency_clinic", "dental_phantom", "weekend_beds", "remote_phantom",
           "elderly_retreat", "gate_steering"]  # fmt: skip
KIND = {
    "account_buyout": "card_collector",
    "payday_goods": "card_collector",
    "agency_clinic": "staged_clinic",
    "dental_phantom": "staged_clinic",
    "weekend_beds": "induced_admission",
    "remote_phantom": "induced_admission",
    "elderly_retreat": "induced_admission",
    "gate_steering": "kickback",
}


def grab(w: World, r: random.Random, n: int, ok: Callable[[Person], bool], gid: str) -> list[int]:
    """``n`` persons in no group for whom ``ok`` holds (never a second card number: it comes with its holder)."""
    got = take(w, r, n, lambda p: p.primary < 0 and ok(p), gid)
    for i in got:
        if w.persons[i].alias >= 0:
            w.persons[w.persons[i].alias].group = gid
    return got


def everyone(w: World, members: list[int]) -> list[int]:
    """The members and their second card numbers."""
    return sorted(set(members) | {w.persons[i].alias for i in members if w.persons[i].alias >= 0})


def _spell(p: Person, w: World) -> int:
    return max(0, min(p.leave, w.days) - max(p.arrive, 0))


def _busiest_zone(w: World, ok: Callable[[Person], bool]) -> int:
    count = [0] * w.knobs["zones"]
    for p in w.persons:
        if p.zone >= 0 and not p.group and ok(p):
            count[p.zone] += 1
    return max(range(len(count)), key=lambda z: count[z])


def _evening(r: random.Random) -> int:
    return r.randint(18 * 3600 + 1800, 21 * 3600 + 1800)


def _dear(r: random.Random) -> list[tuple[str, float, float]]:
    pool = [("insulin", float(r.randint(3, 5))), ("entec", float(r.choice([90, 120, 180]))),
            ("angong", float(r.randint(1, 2))), ("pianzai", float(r.randint(1, 2))), ("atorva", 90.0)]  # fmt: skip
    return [item(r, k, q) for k, q in r.sample(pool, r.randint(1, 2))]


# ---------------------------------------------------------------- planted rings


def account_buyout(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """回收医保卡: a collector buys the cards of workers leaving town and swipes them for dear drugs in evening
    sessions at one or two shops, up to six weeks after their holders have gone."""
    leaving = lambda p: p.role == "worker" and 20 <= min(p.leave, p.away[0] if p.away else 10**6) < w.days  # noqa: E731
    z = _busiest_zone(w, leaving)
    n = r.randint(30, 120)
    m = grab(w, r, n, lambda p: leaving(p) and (p.zone == z or r.random() < 0.3), gid)
    shops = r.sample(venues(w, "pharmacy", z), r.randint(1, 2))
    clinic = r.choice(venues(w, "clinic", z)) if r.random() < 0.4 else -1
    doc = w.venues[clinic].docs[0] if clinic >= 0 else None
    step = r.randint(2, 6)
    sessions: dict[int, list[int]] = {}
    for i in m:
        p = w.persons[i]
        gone = min(p.leave, p.away[0] if p.away else 10**6)
        days = [d for d in range(max(0, gone - 10), min(w.days, gone + 45)) if d % step == 0]
        for d in r.sample(days, min(len(days), r.randint(1, 3))):
            sessions.setdefault(d, []).append(i)
    share = r.choice([0.0, r.uniform(0.3, 0.6)]) if w.knobs["phones"] != "none" else 0.0
    phones = [w.n_phone + j for j in range(2)]
    w.n_phone += 2
    for i in m:
        if r.random() < share:
            w.persons[i].phone = r.choice(phones)
    for d in sorted(sessions):
        t = r.randint(20 * 3600, 21 * 3600 + 1800)
        shop = r.choice(shops)
        for i in sorted(sessions[d], key=lambda _: r.random()):
            c = buy(w, r, i, shop, d, t, _dear(r), rx=True, doc=doc, diag=r.choice(["E11.900", "B18.100", "I10.x00"]))
            c.trace_dup = r.random() < 0.3
            t += r.randint(60, 240)
    return plan(w, gid, "account_buyout", everyone(w, m), doctors=[doc] if doc is not None else [],
                venues=shops + ([clinic] if clinic >= 0 else []),
                params={"cards": len(m), "sessions": len(sessions), "every_days": step, "phone_share": round(share, 2)})  # fmt: skip


def payday_goods(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """刷医保卡买米油: a dorm-side shop sells rice, oil and gift boxes as drugs on fabricated prescriptions to its
    regular customers in the evenings after the monthly account credit."""
    z = _busiest_zone(w, lambda p: p.role == "worker" and p.dorm >= 0)
    n = r.randint(80, 250)
    m = grab(w, r, n, lambda p: p.role == "worker" and p.zone == z and _spell(p, w) > 120, gid)
    shop = r.choice([v for v in venues(w, "pharmacy", z) if not w.venues[v].chain] or venues(w, "pharmacy", z))
    part = r.uniform(0.4, 0.8)
    paydays = []
    d0 = w.start
    while d0 < w.start + timedelta(days=w.days):
        pd = date(d0.year, d0.month, w.knobs["payday"])
        paydays.append((pd - w.start).days)
        d0 = date(d0.year + d0.month // 12, d0.month % 12 + 1, 1)
    for pd in paydays:
        for i in m:
            d = pd + r.randint(0, 3)
            if 0 <= d < w.days and present(w.persons[i], d) and r.random() < part:
                its = [
                    item(r, "rice", float(r.randint(10, 20))),
                    item(r, "oil", 1.0),
                    item(r, "vitc", float(r.choice([60, 120]))),
                ]
                buy(w, r, i, shop, d, _evening(r) if weekday(w, d) != 6 else r.randint(10 * 3600, 20 * 3600), its,
                    rx=True, diag="K30.x00")  # fmt: skip
    return plan(w, gid, "payday_goods", everyone(w, m), venues=[shop],
                params={"customers": len(m), "share_a_month": round(part, 2), "payday": w.knobs["payday"]})  # fmt: skip


def agency_clinic(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """劳务派遣 + 门诊部: an agency's dispatched workers, their e-vouchers bound to the agency's phones, billed
    理疗 and tests keyed in late-evening batches, even while they are home for 春节."""
    z = r.randrange(w.knobs["zones"])
    vi = r.choice(venues(w, "mzb", z))
    facs = r.sample(range(len(w.factories)), min(len(w.factories), r.randint(2, 4)))
    n = r.randint(40, 160)
    m = grab(w, r, n, lambda p: p.role == "worker" and p.factory in facs and _spell(p, w) > 60, gid)
    docs = w.venues[vi].docs[: r.randint(2, 3)]
    share = r.uniform(0.5, 1.0) if w.knobs["phones"] != "none" else 0.0
    phones = [w.n_phone + j for j in range(r.randint(2, 5))]
    w.n_phone += len(phones)
    for i in m:
        if r.random() < share:
            w.persons[i].phone = r.choice(phones)
    nights = sorted(r.sample(range(7), r.randint(1, 2)))
    due = {i: max(0, w.persons[i].arrive) + r.randint(0, 30) for i in m}
    for d in range(w.days):
        if weekday(w, d) not in nights:
            continue
        batch = [i for i in m if due[i] <= d < w.persons[i].leave][: r.randint(15, 40)]
        t = r.randint(21 * 3600, 22 * 3600)
        for i in batch:
            its = [
                item(r, "exam_fee", 1),
                item(r, "zp", float(r.randint(2, 4))),
                item(r, "acup", 2.0),
                item(r, "cbc", 1),
            ]
            if r.random() < 0.3:
                its.append(item(r, "liver", 1))
            visit(w, r, i, vi, r.choice(docs), d, t, "outpatient", r.choice(["M54.500", "M62.600", "G44.200"]), its)
            t += r.randint(30, 180)
            due[i] = d + r.randint(14, 35)
    return plan(w, gid, "agency_clinic", everyone(w, m), doctors=docs, venues=[vi],
                params={"workers": len(m), "phone_share": round(share, 2), "agency_phones": len(phones),
                        "nights": nights})  # fmt: skip


def dental_phantom(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A 口腔门诊部's "免费洗牙" for one factory by 班组 on Sundays, billed as 牙周刮治 with a 全景片, and a
    phantom second visit keyed a week or two later."""
    vi = r.choice(venues(w, "dental"))
    sizes: dict[int, int] = {}
    for p in w.persons:
        if p.role == "worker" and not p.group and p.factory >= 0:
            sizes[p.factory] = sizes.get(p.factory, 0) + 1
    f = max(sizes, key=lambda x: (sizes[x], -x))
    n = r.randint(60, 250)
    m = grab(w, r, n, lambda p: p.role == "worker" and p.factory == f, gid)
    docs = w.venues[vi].docs
    rounds = r.randint(1, 2)
    for k in range(rounds):
        d = r.randrange(k * w.days // rounds, (k + 1) * w.days // rounds - 30)
        d += (6 - weekday(w, d)) % 7
        left = [i for i in m if r.random() < 0.9]
        while left and d < w.days:
            size = r.randint(8, 25)  # one 班组 a Sunday morning
            team, left = left[:size], left[size:]
            t = 8 * 3600 + 1800
            for j, i in enumerate(team):
                if not present(w.persons[i], d):
                    continue
                its = [item(r, "exam_fee", 1), item(r, "scale", 28.0), item(r, "root_plane", float(r.randint(8, 28))),
                       item(r, "pano", 1), item(r, "perio_drug", 1)]  # fmt: skip
                visit(
                    w,
                    r,
                    i,
                    vi,
                    docs[j % len(docs)],
                    d,
                    t + (j // 4) * 1200 + r.randint(0, 300),
                    "outpatient",
                    "K05.100",
                    its,
                )
                d2 = d + r.randint(7, 14)
                if d2 < w.days:
                    visit(w, r, i, vi, docs[j % len(docs)], d2, 21 * 3600 + j * r.randint(60, 200), "outpatient", "K05.100",
                          [item(r, "exam_fee", 1), item(r, "root_plane", float(r.randint(8, 28))), item(r, "perio_drug", 1)])  # fmt: skip
            d += 7 if r.random() < 0.7 else 14
    return plan(w, gid, "dental_phantom", everyone(w, m), doctors=list(docs), venues=[vi],
                params={"workers": len(m), "rounds": rounds})  # fmt: skip


def weekend_beds(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """工头 + 民营医院: young dorm workers paid to be admitted on Friday night and discharged on Monday at dawn,
    in carloads, every two to four weeks, with an MRI or CT and 理疗 padded on."""
    vi = r.choice(venues(w, "priv_hosp"))
    facs = r.sample(range(len(w.factories)), min(len(w.factories), r.randint(1, 2)))
    n = r.randint(15, 60)
    m = grab(w, r, n, lambda p: p.role == "worker" and p.dorm >= 0 and (p.factory in facs or r.random() < 0.1)
             and _spell(p, w) > 90, gid)  # fmt: skip
    docs = w.venues[vi].docs[: r.randint(1, 2)]
    part = r.uniform(0.35, 0.7)
    d = r.randint(0, 20)
    waves = 0
    while d < w.days - 4:
        d += (4 - weekday(w, d)) % 7  # a Friday
        wave = [i for i in m if present(w.persons[i], d) and r.random() < part]
        t = r.randint(19 * 3600, 21 * 3600)
        for j, i in enumerate(wave):
            if j % r.randint(3, 5) == 0:
                t += r.randint(600, 2400)  # the next car
            c = stay(w, r, i, vi, r.choice(docs), d, t + r.randint(60, 240), 3, r.choice(["M54.500", "M51.202", "G44.200"]),
                     [item(r, r.choice(["mri_spine", "ct_head"]), 1), item(r, "zp", 3.0), item(r, "acup", 3.0)], pad=1.3)  # fmt: skip
            if c is not None:
                c.end = (d + 3) * DAY + r.randint(6 * 3600 + 1800, 8 * 3600)
        waves += bool(wave)
        d += r.randint(14, 28)
    return plan(w, gid, "weekend_beds", everyone(w, m), doctors=docs, venues=[vi],
                params={"workers": len(m), "waves": waves, "share_a_wave": round(part, 2)})  # fmt: skip


def remote_phantom(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """异地就医 phantom stays: a broker in one home county supplies villagers' identities (insured there, never
    here); a 民营医院 bills 7-12-day stays for them by 异地直接结算, a few on each admission day."""
    m = grab(w, r, 10**6, lambda p: p.role == "remote", gid)
    vi = r.choice(venues(w, "priv_hosp"))
    docs = w.venues[vi].docs[: r.randint(1, 3)]
    nxt = {i: r.randrange(0, max(1, w.days - 30)) for i in m}
    d = 0
    while d < w.days - 8:
        due = [i for i in m if nxt[i] <= d][: r.randint(3, 10)]
        for i in due:
            its = [item(r, "ct_head", 1), item(r, "acup", 8.0), item(r, "ecg", 1)]
            if r.random() < 0.5:
                its.append(item(r, "mri_spine", 1))
            stay(w, r, i, vi, r.choice(docs), d, r.randint(9 * 3600, 16 * 3600), r.randint(7, 12),
                 r.choice(["M51.202", "I67.800", "J44.100"]), its, nurse="nurse1", pad=1.4)  # fmt: skip
            nxt[i] = d + r.randint(60, 120)
        d += r.randint(5, 12)
    return plan(w, gid, "remote_phantom", everyone(w, m), doctors=docs, venues=[vi],
                params={"identities": len(m), "home": w.knobs["remote_hometown"]})  # fmt: skip


def elderly_retreat(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """免费疗养: a 民营医院 buses 股份社 elders in by village over a few mornings, keeps them 10-15 days of 艾灸,
    针灸 and drips, and discharges the wave together; two or three waves a window."""
    vs = r.sample(range(len(w.villages)), min(len(w.villages), r.randint(1, 3)))
    n = r.randint(30, 100)
    m = grab(w, r, n, lambda p: p.role == "elder" and p.village in vs and age(w, p) < 86, gid)
    vi = r.choice(venues(w, "priv_hosp"))
    docs = w.venues[vi].docs[: r.randint(1, 3)]
    part = r.uniform(0.6, 0.9)
    waves = r.randint(2, 3)
    for k in range(waves):
        d0 = r.randrange(k * w.days // waves, max(k * w.days // waves + 1, (k + 1) * w.days // waves - 20))
        out = d0 + r.randint(12, 17)
        for vday, v in enumerate(vs):
            d = d0 + vday
            t = r.randint(8 * 3600 + 1800, 9 * 3600 + 1800)
            for i in m:
                if w.persons[i].village == v and present(w.persons[i], d) and r.random() < part:
                    per = out + r.randint(0, 1) - d
                    its = [
                        item(r, "moxa", per),
                        item(r, "acup", per),
                        item(r, "cupping", per),
                        item(r, "bus", 1),
                        item(r, "ecg", 1),
                    ]
                    stay(
                        w,
                        r,
                        i,
                        vi,
                        r.choice(docs),
                        d,
                        t,
                        per,
                        r.choice(["I10.x00", "M17.900", "I63.900"]),
                        its,
                        pad=1.3,
                    )
                    t += r.randint(60, 180)
    return plan(w, gid, "elderly_retreat", everyone(w, m), doctors=docs, venues=[vi],
                params={"elders": len(m), "villages": len(vs), "waves": waves, "share_a_wave": round(part, 2)})  # fmt: skip


def gate_steering(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A factory-gate 诊所 doctor sends his patients to one pharmacy across town the same evening for imported
    antibiotics and dear 中成药 (a cut of each sale); the shop names him on the sale in half the rings."""
    z = r.randrange(w.knobs["zones"])
    vi = r.choice(venues(w, "clinic", z) + venues(w, "mzb", z))
    doc = w.venues[vi].docs[0]
    far = [v for v in venues(w, "pharmacy") if w.venues[v].zone != z]
    shop = r.choice(far)
    named = r.random() < 0.5
    n = r.randint(40, 120)
    m = grab(w, r, n, lambda p: p.role == "worker" and p.zone == z and _spell(p, w) > 60, gid)
    for i in m:
        d = pick_day(w, r, i, 0, 30)
        while d is not None and d < w.days:
            if present(w.persons[i], d):
                t = _evening(r)
                diag = r.choice(["J20.900", "J02.900", "K29.700"])
                visit(w, r, i, vi, doc, d, t, "outpatient", diag, out_items(w, r, "clinic", diag))
                its = [item(r, "moxi", float(r.randint(6, 12))), item(r, r.choice(["pianzai", "angong"]), 1.0)]
                buy(w, r, i, shop, d, min(t + r.randint(1200, 5400), 23 * 3600 + 3000), its, rx=True,
                    doc=doc if named else None, diag=diag)  # fmt: skip
            d += r.randint(20, 60)
    return plan(w, gid, "gate_steering", everyone(w, m), doctors=[doc], venues=[vi, shop],
                params={"patients": len(m), "doctor_named": named})  # fmt: skip


# ---------------------------------------------------------------- benign groups


def dorm_outbreak(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """流感 or 诺如 in one factory's dorms: most residents seen within a week, in the evening, at the dorm-side
    station, the factory's 医务室 or the town hospital's 急诊, many with a drip; some come back."""
    size: dict[int, int] = {}
    for p in w.persons:
        if p.dorm >= 0 and not p.group and p.primary < 0:
            size[p.factory] = size.get(p.factory, 0) + 1
    f = max(size, key=lambda x: (size[x], -x))
    cap = r.randint(60, 250)
    d0 = r.randrange(10, w.days - 15)
    attack = r.uniform(0.5, 0.85)
    m = grab(w, r, cap, lambda p: p.factory == f and p.dorm >= 0 and present(p, d0) and r.random() < attack, gid)
    z = w.factories[f]["zone"]
    near = venues(w, "station", z) + ([w.factories[f]["clinic"]] if w.factories[f]["clinic"] >= 0 else [])
    hosp = venues(w, "town_hosp")[0]
    diag = r.choice(["J11.100", "A08.100"])
    for i in m:
        d = d0 + min(6, int(r.expovariate(0.5)))
        if d >= w.days:
            continue
        vi = r.choice(near) if r.random() < 0.7 else hosp
        its = out_items(w, r, "station", diag)
        if r.random() < 0.6:
            its += [item(r, "drip", 1), item(r, "ns250", 2)]
        visit(w, r, i, vi, doctor(w, r, vi, "急诊科"), d, _evening(r) if r.random() < 0.75 else r.randint(8 * 3600, 11 * 3600),
              "outpatient", diag, its)  # fmt: skip
        if r.random() < 0.15 and d + 3 < w.days:
            visit(
                w,
                r,
                i,
                vi,
                doctor(w, r, vi),
                d + r.randint(2, 3),
                _evening(r),
                "outpatient",
                diag,
                out_items(w, r, "station", diag),
            )
    return plan(
        w,
        gid,
        "dorm_outbreak",
        everyone(w, m),
        venues=near + [hosp],
        params={"sick": len(m), "onset": d0, "diag": diag},
    )


def kinder_outbreak(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """手足口 or 水痘 at a 民办幼儿园 of migrant children: seen over two to four weeks at the town hospital's
    儿科 or the zone's station, in office hours, a parent's account paying (共济) for many."""
    z = _busiest_zone(w, lambda p: p.role in ("child", "kin") and age(w, p) <= 6)
    d0 = r.randrange(0, w.days - 30)
    n = r.randint(20, 70)
    m = grab(
        w, r, n, lambda p: p.role in ("child", "kin") and 2 <= age(w, p) <= 6 and p.zone == z and present(p, d0), gid
    )
    hosp = venues(w, "town_hosp")[0]
    st = venues(w, "station", z)
    diag = r.choice(["B08.400", "B01.900"])
    docs: set[int] = set()
    for i in m:
        p = w.persons[i]
        d = d0 + r.randint(0, r.randint(10, 25))
        vi = hosp if r.random() < 0.6 else r.choice(st)
        doc = doctor(w, r, vi, "儿科")
        holder = p.parent if p.parent >= 0 and w.persons[p.parent].itype == "employee" and r.random() < 0.6 else None
        for k in range(1 + (r.random() < 0.3)):
            dd = d + 3 * k
            if dd < w.days:
                visit(
                    w,
                    r,
                    i,
                    vi,
                    doc,
                    dd,
                    r.randint(8 * 3600, 17 * 3600),
                    "outpatient",
                    diag,
                    out_items(w, r, "station", diag),
                    holder,
                )
        if doc is not None:
            docs.add(doc)
    return plan(w, gid, "kinder_outbreak", everyone(w, m), doctors=sorted(docs), venues=[hosp] + st,
                params={"children": len(m), "diag": diag})  # fmt: skip


def solvent_poisoning(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """正己烷 / 三氯乙烯 poisoning in one 车间: admitted to the 职业病防治院 over a few days for weeks, then
    seen together for 复查 on one weekday every four weeks."""
    occ = venues(w, "occ")[0]
    d0 = r.randrange(0, max(1, w.days - 90))
    size: dict[int, int] = {}
    for p in w.persons:
        if p.role == "worker" and not p.group and present(p, d0):
            size[p.factory] = size.get(p.factory, 0) + 1
    f = r.choice(sorted(size, key=lambda x: (-size[x], x))[:5])
    n = r.randint(15, 50)
    m = grab(w, r, n, lambda p: p.role == "worker" and p.factory == f and present(p, d0), gid)
    docs = w.venues[occ].docs[: r.randint(1, 2)]
    diag = r.choice(["T52.800", "G62.200"])
    clinic_day = r.randrange(5)
    for i in m:
        d = d0 + r.randint(0, 4)
        los = r.randint(10, 40)
        stay(w, r, i, occ, docs[0], d, r.randint(9 * 3600, 17 * 3600), los, diag,
             [item(r, "nerve", 1), item(r, "hexane", 2), item(r, "ecg", 1)])  # fmt: skip
        e = d + los + 21
        e += (clinic_day - weekday(w, e)) % 7
        for k in range(r.randint(3, 6)):
            dd = e + 28 * k
            if dd < w.days and present(w.persons[i], dd):
                visit(w, r, i, occ, r.choice(docs), dd, r.randint(8 * 3600, 11 * 3600), "outpatient", diag,
                      [item(r, "exam_fee", 1), item(r, "hexane", 1)] + ([item(r, "nerve", 1)] if r.random() < 0.5 else []))  # fmt: skip
    return plan(w, gid, "solvent_poisoning", everyone(w, m), doctors=docs, venues=[occ],
                params={"workers": len(m), "onset": d0, "diag": diag})  # fmt: skip


def rehab_day(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """康复 day sessions after hand and limb injuries: each patient starts on his own day and comes every weekday
    for three to eight weeks, in a morning or an afternoon slot."""
    vi = r.choice(venues(w, "rehab") + venues(w, "town_hosp"))
    n = r.randint(20, 60)
    m = grab(w, r, n, lambda p: p.role in ("worker", "local") and 18 <= age(w, p) < 60 and _spell(p, w) > 60, gid)
    docs = [d for d in w.venues[vi].docs if w.doctors[d].dept == "康复科"][:3] or w.venues[vi].docs[:3]
    for i in m:
        d = pick_day(w, r, i, 0, w.days - 20)
        if d is None:
            continue
        slot = r.choice([8 * 3600 + 1800, 14 * 3600])
        diag = r.choice(["S62.600", "S68.100", "T92.600"])
        doc = r.choice(docs)
        for dd in range(d, min(w.days, d + 7 * r.randint(3, 8))):
            if weekday(w, dd) < 5 and present(w.persons[i], dd) and r.random() < 0.8:
                visit(w, r, i, vi, doc, dd, slot + r.randint(0, 9000), "outpatient", diag,
                      [item(r, "exam_fee", 1), item(r, "ot", 1), item(r, "pt", 1), item(r, "wax", 1)])  # fmt: skip
    return plan(w, gid, "rehab_day", everyone(w, m), doctors=docs, venues=[vi], params={"patients": len(m)})


def hometown_clinic(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A 老乡诊所: a doctor from one home county whom his 老乡 (workers and their kin, many insured at home) see
    in the evenings and on Sundays, again and again, in their own dialect."""
    z = r.randrange(w.knobs["zones"])
    ht = r.randrange(len(HOMETOWNS))
    vi = r.choice(venues(w, "clinic", z))
    doc = w.venues[vi].docs[0]
    n = r.randint(60, 200)
    m = grab(
        w, r, n, lambda p: p.hometown == ht and p.role in ("worker", "kin") and p.zone >= 0 and _spell(p, w) > 60, gid
    )
    for i in m:
        for _ in range(r.randint(2, 8)):
            d = pick_day(w, r, i)
            if d is None:
                continue
            diag = r.choice(["J06.900", "K29.700", "M54.500", "I10.x00"])
            t = _evening(r) if weekday(w, d) != 6 else r.randint(9 * 3600, 17 * 3600)
            visit(w, r, i, vi, doc, d, t, "outpatient", diag, out_items(w, r, "clinic", diag))
    return plan(w, gid, "hometown_clinic", everyone(w, m), doctors=[doc], venues=[vi],
                params={"patients": len(m), "home": HOMETOWNS[ht][0]})  # fmt: skip


def village_chronic(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """门诊慢特病 certificate holders of one or two 股份社 villages, brought by the 股份社's bus to the 社区卫生服务中心
    on their village's fixed day every four weeks for their refills (`chronic`)."""
    vs = r.sample(range(len(w.villages)), min(len(w.villages), r.randint(1, 2)))
    n = r.randint(40, 150)
    m = grab(w, r, n, lambda p: p.role == "elder" and p.village in vs, gid)
    chc = r.choice(venues(w, "chc"))
    docs = [d for d in w.venues[chc].docs if w.doctors[d].dept == "全科"][:2] or w.venues[chc].docs[:2]
    for vday, v in enumerate(vs):
        d = r.randrange(0, 28)
        while d < w.days:
            t = 8 * 3600 + r.randint(0, 1200)
            for i in m:
                if w.persons[i].village == v and present(w.persons[i], d) and r.random() < 0.9:
                    visit(
                        w,
                        r,
                        i,
                        chc,
                        r.choice(docs),
                        d,
                        t,
                        "chronic",
                        r.choice(["I10.x00", "E11.900"]),
                        chronic_items(r),
                    )
                    t += r.randint(60, 300)
            d += 28
    for i in m:
        w.persons[i].chronic = False  # their refills are these days, not the ordinary ones
    return plan(w, gid, "village_chronic", everyone(w, m), doctors=docs, venues=[chc],
                params={"patients": len(m), "villages": len(vs)})  # fmt: skip


RING_FN: dict[str, Callable[[World, random.Random, str], dict[str, Any]]] = {s: globals()[s] for s in SCHEMES}
BENIGN_FN: dict[str, Callable[[World, random.Random, str], dict[str, Any]]] = {
    "dorm_outbreak": dorm_outbreak,
    "kinder_outbreak": kinder_outbreak,
    "solvent_poisoning": solvent_poisoning,
    "rehab_day": rehab_day,
    "hometown_clinic": hometown_clinic,
    "village_chronic": village_chronic,
}
