"""tenthworld's planted rings and benign dense groups.

Rings (after the 国家医保局 曝光台's northeastern cases): a neighbour who keeps the 候鸟's and the dead's cards
(``snowbird_cards``), a shop that turns retirees' personal accounts into cash (``account_cashout``), phantom
家庭病床 rounds (``home_visits``), 门诊慢特病 quotas keyed at a 门诊部 each month (``chronic_quota``), winters in a
private hospital (``winter_beds``, 住院过冬), free check-ups billed as stays (``checkup_admission``, 体检式住院) and
a 中医院 doctor's herbal prescriptions filled at one 中药房 (``herbal_steering``). Benign: a 棚户区 lane's
carbon-monoxide night and its 高压氧 course (``co_poisoning``), the 双通道 pharmacy's 国谈药 patients
(``dual_channel``), an 安宁疗护 ward (``hospice``), a 慢阻肺 呼吸康复 class (``copd_rehab``) and a 网格员 who
fetches her elders' refills on the family doctor's day, their e-vouchers bound to her phone (``grid_refills``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from benchmarks._common import plan, take

from .care import doctor, stay, venues, visit
from .city import CANCER_DIAG, CHRONIC_DIAG, DAY, World, age, item, present, weekday

KIND = {
    "snowbird_cards": "card_collector",
    "account_cashout": "card_collector",
    "home_visits": "staged_clinic",
    "chronic_quota": "staged_clinic",
    "winter_beds": "induced_admission",
    "checkup_admission": "induced_admission",
    "herbal_steering": "kickback",
}
SCHEMES = list(KIND)


def _streets_by_size(w: World) -> list[int]:
    n: dict[int, int] = {}
    for p in w.persons:
        n[p.street] = n.get(p.street, 0) + 1
    return sorted(n, key=lambda s: (-n[s], s))


def _month_starts(w: World) -> list[int]:
    return [d for d in range(w.days) if (w.start + timedelta(days=d)).day == 1] or [0]


def _heating_days(w: World, lo: tuple[int, int] = (11, 15), hi: tuple[int, int] = (3, 15)) -> list[int]:
    out = []
    for d in range(w.days):
        x = w.start + timedelta(days=d)
        if (x.month, x.day) >= lo or (x.month, x.day) < hi:
            out.append(d)
    return out


# --- rings -----------------------------------------------------------------------------------------------------


def snowbird_cards(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A neighbour (代办人) keeps the cards of 候鸟 retirees wintering in the south and of the recently dead, and
    swipes them at 1-3 shops of other streets on weekday mornings, 4-12 cards a session 2-6 minutes apart: 心脑血管
    drugs, 安宫牛黄丸, 阿胶, on a 门诊慢特病 prescription (the pool pays) in a drawn share."""
    s = r.choice(_streets_by_size(w)[:3])
    blds = sorted({p.building for p in w.persons if p.street == s and p.building >= 0})
    near = set(r.sample(blds, min(len(blds), r.randint(3, 8))))
    n = r.randint(20, 70)
    away = take(w, r, int(n * r.uniform(0.55, 0.8)), lambda p: p.away is not None and p.building in near, gid)
    if len(away) < n // 3:
        away += take(w, r, n // 2 - len(away), lambda p: p.away is not None and p.street == s, gid)
    dead = take(w, r, r.randint(3, 12), lambda p: p.death is not None and p.death < w.days - 40 and p.street == s
                and p.itype == "employee", gid)  # fmt: skip
    lent = take(w, r, max(0, n - len(away) - len(dead)), lambda p: p.building in near and age(w, p) >= 65, gid)
    members = sorted(away + dead + lent)
    other = [v for v in venues(w, "pharmacy") if w.venues[v].street != s and not w.venues[v].chain]
    shops = r.sample(other or venues(w, "pharmacy"), r.randint(1, 3))
    doc = doctor(w, r, r.choice(venues(w, "clinic"))) if r.random() < 0.5 else None
    g = plan(w, gid, "snowbird_cards", members, doctors=[doc] if doc is not None else [], venues=shops)
    rx_share = r.uniform(0.3, 0.8)

    def usable(i: int, d: int) -> bool:
        p = w.persons[i]
        if p.death is not None:
            return p.death + 3 < d <= p.death + 150  # before the death is registered with the bureau
        if p.away:
            return p.away[0] + 5 <= d < p.away[1] - 3
        return r.random() < 0.5

    last = {i: -99 for i in members}
    d = r.randint(0, 6)
    while d < w.days:
        if weekday(w, d) < 6:
            ready = [i for i in members if usable(i, d) and d - last[i] >= r.randint(12, 30)]
            r.shuffle(ready)
            shop = r.choice(shops)
            t = r.randint(8 * 3600 + 1800, 10 * 3600)
            for i in ready[: r.randint(4, 12)]:
                keys = r.sample(["angong", "ejiao", "suxiao", "danshen", "naoxin", "budes", "glarg"], r.randint(1, 3))
                items = [item(r, k, float(r.randint(2, 6)) if k in ("angong", "ejiao", "budes", "glarg") else 60.0)
                         for k in keys]  # fmt: skip
                rx = r.random() < rx_share
                diag = CHRONIC_DIAG.get(w.persons[i].chronic, "I25.100") if rx else ""
                visit(w, i, shop, doc if rx else None, d, t, "pharmacy", diag, items, rx=rx)
                last[i] = d
                t += r.randint(120, 360)
        d += r.randint(3, 8)
    g["params"] = {"street": s, "away": len(away), "dead": len(dead), "lent": len(lent), "rx_share": round(rx_share, 3)}
    return g


def account_cashout(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A shop near the 家属楼 lets retirees turn their monthly personal-account credit into cash (八折 套现), rung up
    as 保健品 and 阿胶; each comes on his own day within a week of the credit, some on a 诊所 doctor's prescription."""
    s = r.choice(_streets_by_size(w)[:4])
    shops = [v for v in venues(w, "pharmacy", s) if not w.venues[v].chain] or venues(w, "pharmacy", s)
    shop = r.choice(shops)
    members = take(w, r, r.randint(60, 200), lambda p: p.itype == "employee" and p.street == s and age(w, p) >= 55, gid)
    clinic = r.choice(venues(w, "clinic", s) or venues(w, "clinic"))
    doc = doctor(w, r, clinic)
    g = plan(w, gid, "account_cashout", members, doctors=[doc] if doc is not None else [], venues=[shop])
    freq, rx_share = r.uniform(0.5, 0.85), r.uniform(0.15, 0.4)
    credit = w.knobs["acct_day"]
    days = [d for d in range(w.days) if (w.start + timedelta(days=d)).day == credit]
    for i in members:
        for d0 in days:
            d = d0 + int(r.expovariate(1 / 2.0))
            if d >= w.days or r.random() > freq or not present(w.persons[i], d):
                continue
            keys = r.sample(["shenrong", "ejiao", "calcium"], r.randint(1, 2))
            items = [item(r, k, 1.0 if k != "calcium" else 60.0) for k in keys]
            rx = r.random() < rx_share
            visit(w, i, shop, doc if rx else None, d, r.randint(8 * 3600, 16 * 3600), "pharmacy",
                  "I10.x00" if rx else "", items, rx=rx)  # fmt: skip
    g["params"] = {"street": s, "freq": round(freq, 3), "rx_share": round(rx_share, 3), "credit_day": credit}
    return g


def home_visits(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """Phantom 家庭病床 rounds: a 社区卫生服务中心 (or a 门诊部) doctor bills 30-90 elders of a few 家属楼 each week
    on their round's weekday, in building order 12-25 minutes apart, with 上门服务费, drips or 换药 and 针刺 — and goes
    on billing while they winter in the south or after they died."""
    s = r.choice(_streets_by_size(w))
    vi = r.choice(venues(w, "chc", s)) if r.random() < 0.6 else r.choice(venues(w, "mzb"))
    blds = sorted({p.building for p in w.persons if p.street == s and p.building >= 0})
    near = set(r.sample(blds, min(len(blds), r.randint(2, 4))))
    members = take(w, r, r.randint(30, 90), lambda p: p.building in near and age(w, p) >= 68, gid)
    doc = doctor(w, r, vi)
    g = plan(w, gid, "home_visits", members, doctors=[doc] if doc is not None else [], venues=[vi])
    rounds = r.sample(range(5), r.randint(2, 3))
    slot = {i: rounds[n % len(rounds)] for n, i in enumerate(sorted(members, key=lambda i: (w.persons[i].building, i)))}
    attend, first = r.uniform(0.75, 0.95), r.randrange(0, 21)
    for d in range(first, w.days):
        wd = weekday(w, d)
        due = [i for i in members if slot[i] == wd and r.random() < attend]
        due = [i for i in due if w.persons[i].death is None or d <= w.persons[i].death + 60]
        t = r.randint(8 * 3600, 9 * 3600)
        for i in sorted(due, key=lambda i: (w.persons[i].building, w.persons[i].home, i)):
            kind = r.random()
            items = [item(r, "home_fee", 1.0)]
            items += [item(r, "drip", 1), item(r, "ns100", 2), item(r, "pip_inj", 1)] if kind < 0.5 else [
                item(r, "dressing", 1)]  # fmt: skip
            items += [item(r, "acup", 1), item(r, "tdp", 1)]
            diag = CHRONIC_DIAG.get(w.persons[i].chronic, "I69.300")
            visit(w, i, vi, doc, d, t, "outpatient", diag, items)
            t += r.randint(12 * 60, 25 * 60)
    g["params"] = {"street": s, "rounds": sorted(rounds), "attend": round(attend, 3)}
    return g


def chronic_quota(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A 门诊部's doctor gets 门诊慢特病 certificates for 40-120 people (many with no such disease) and, in the first
    days of each month, keys their month's quota in the evening after closing, 1-3 minutes apart, drawn to the
    monthly limit (限额) — whether or not they are in town."""
    vi = r.choice(venues(w, "mzb"))
    s = w.venues[vi].street
    members = take(w, r, r.randint(40, 120), lambda p: age(w, p) >= 45 and (p.street == s or r.random() < 0.3), gid)
    docs = [d for d in w.venues[vi].docs[: r.randint(1, 2)]]
    g = plan(w, gid, "chronic_quota", members, doctors=docs, venues=[vi])
    cap = r.choice([300.0, 400.0, 500.0, 600.0])
    for i in members:
        p = w.persons[i]
        if not p.chronic:
            p.chronic = r.choice(["htn", "dm", "chd"])
        p.cert = True
    for m0 in _month_starts(w):
        nights = sorted(r.sample(range(m0, min(m0 + 5, w.days)), min(2, max(1, min(5, w.days - m0)))))
        order = members[:]
        r.shuffle(order)
        for n, d in enumerate(nights):
            t = r.randint(19 * 3600, 20 * 3600)
            for i in order[n :: len(nights)]:
                p = w.persons[i]
                if p.death is not None and d > p.death + 90:
                    continue
                keys = {"htn": ["nifed", "naoxin"], "dm": ["acarb", "glarg"], "chd": ["clopi", "naoxin"],
                        "copd": ["budes", "tiotrop"], "stroke": ["naoxin", "clopi"]}[p.chronic]  # fmt: skip
                items = [item(r, "exam", 1)]
                for k in keys:
                    items.append(item(r, k, 60.0 if k in ("nifed", "naoxin", "acarb", "clopi", "tiotrop") else 2.0))
                tot = sum(q * pr for _, q, pr in items)
                scale = cap * r.uniform(0.93, 1.0) / tot
                items = [(k, q, round(pr * scale, 4)) for k, q, pr in items]
                visit(w, i, vi, docs[n % len(docs)] if docs else None, d, t, "chronic", CHRONIC_DIAG[p.chronic], items)
                t += r.randint(60, 180)
    g["params"] = {"cap": cap, "street": s}
    return g


def winter_beds(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """住院过冬: a private hospital takes 25-80 retirees of a street's 家属楼 into its beds for the coldest months, a
    building's neighbours admitted together 2-6 at a time, 14-15 nights a stay (the audit looks at 15), readmitted
    after 1-6 days, with daily 针刺, TDP and 推拿 and padded drips; they sleep at home."""
    vi = r.choice(venues(w, "private"))
    s = r.choice(_streets_by_size(w)[:3])
    members = take(w, r, r.randint(25, 80), lambda p: p.street == s and age(w, p) >= 68 and p.away is None
                   and p.death is None, gid)  # fmt: skip
    docs = r.sample(w.venues[vi].docs, min(2, len(w.venues[vi].docs)))
    g = plan(w, gid, "winter_beds", members, doctors=docs, venues=[vi])
    cold_days = _heating_days(w)
    if not cold_days:
        return g
    lo, hi = cold_days[0], cold_days[-1]
    by_b: dict[int, list[int]] = {}
    for i in members:
        by_b.setdefault(w.persons[i].building, []).append(i)
    pad = r.uniform(1.15, 1.4)
    for b, folk in sorted(by_b.items()):
        parties, k = [], 0
        while k < len(folk):
            n = r.randint(2, 6)
            parties.append(folk[k : k + n])
            k += n
        for party in parties:
            d = lo + r.randint(0, 20)
            while d < hi:
                while weekday(w, d) >= 5:
                    d += 1
                los = r.randint(14, 15)
                t = r.randint(9 * 3600, 10 * 3600)
                for i in party:
                    stay(w, r, i, vi, r.choice(docs), d, t, los, r.choice(["I69.300", "M47.800", "I25.100"]),
                         [item(r, "ct_head", 1)], pad=pad, daily=[("acup", 1), ("tdp", 1), ("massage", 0.6)])  # fmt: skip
                    t += r.randint(5 * 60, 20 * 60)
                d += los + r.randint(1, 6)
    g["params"] = {"street": s, "pad": round(pad, 3), "from_day": lo, "to_day": hi}
    return g


def checkup_admission(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """体检式住院: a hospital's 老年协会 outreach brings elders of 2-4 streets in by bus for a "free check-up" on a
    Tuesday or Wednesday morning, 8-20 a batch 2-5 minutes apart, admits them for 3-5 nights and bills CT, MRI,
    彩超, 动态心电图 and tumour markers; each comes once or twice."""
    vi = r.choice(venues(w, "private") + venues(w, "works"))
    streets = r.sample(range(w.knobs["streets"]), min(w.knobs["streets"], r.randint(2, 4)))
    members = take(w, r, r.randint(40, 150), lambda p: p.street in streets and age(w, p) >= 62 and p.death is None, gid)
    docs = r.sample(w.venues[vi].docs, min(3, len(w.venues[vi].docs)))
    g = plan(w, gid, "checkup_admission", members, doctors=docs, venues=[vi])
    queue = members[:]
    r.shuffle(queue)
    again = set(r.sample(members, len(members) // 3))
    day = r.choice([1, 2])
    d = r.randint(0, 14)
    pending: list[tuple[int, int]] = []  # (earliest day, person) for a second round
    while d < w.days - 6 and (queue or pending):
        while weekday(w, d) != day:
            d += 1
        batch, rest = queue[: r.randint(8, 20)], queue
        queue = rest[len(batch) :]
        due = [i for e, i in pending if e <= d][: 20 - len(batch)]
        pending = [(e, i) for e, i in pending if i not in due]
        t = r.randint(7 * 3600 + 1800, 8 * 3600 + 1800)
        los = r.randint(3, 5)
        for i in batch + due:
            if not present(w.persons[i], d):
                continue
            ex = [item(r, k, 1) for k in ["ct_chest", "ct_head", "us_abd", "echo", "carotid", "tumor", "holter", "bmd",
                                          "hba1c", "lipid", "ecg"]]  # fmt: skip
            if r.random() < 0.5:
                ex.append(item(r, "mri_head", 1))
            stay(w, r, i, vi, r.choice(docs), d, t, los, r.choice(["I10.x00", "I25.100", "E11.900", "I67.200"]), ex,
                 out_t=r.randint(8 * 3600, 9 * 3600))  # fmt: skip
            t += r.randint(120, 300)
            if i in again and i in batch:
                pending.append((d + r.randint(90, 180), i))
        d += r.randint(7, 14)
    g["params"] = {"weekday": day, "streets": sorted(streets)}
    return g


def herbal_steering(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A 中医院 doctor's patients fill his herbal prescriptions (外配处方) at one private 中药房, the same day 30
    minutes to 4 hours after the visit, 7-14 帖 at 1.7-3 times the price; the shop's claim names him in half the
    rings."""
    vi = r.choice(venues(w, "tcm"))
    docs = [d for d in w.venues[vi].docs if w.doctors[d].dept == "中医内科"] or w.venues[vi].docs
    doc = r.choice(docs)
    shop = r.choice(venues(w, "herbshop"))
    members = take(w, r, r.randint(40, 120), lambda p: 45 <= age(w, p) <= 88 and p.death is None, gid)
    g = plan(w, gid, "herbal_steering", members, doctors=[doc], venues=[vi, shop])
    named, mult = r.random() < 0.5, r.uniform(1.7, 3.0)
    for i in members:
        d = r.randrange(0, 30)
        while d < w.days:
            if present(w.persons[i], d) and weekday(w, d) < 6:
                t = r.randint(8 * 3600, 11 * 3600)
                visit(w, i, vi, doc, d, t, "outpatient", "K29.700", [item(r, "exam_hi", 1)])
                n = float(r.choice([7, 7, 10, 14]))
                dt = min(t + r.randint(1800, 4 * 3600), DAY - 3600)
                visit(w, i, shop, doc if named else None, d, dt, "pharmacy", "K29.700",
                      [item(r, "herbal", n, mult), item(r, "decoct", n)], rx=True)  # fmt: skip
            d += r.randint(14, 35)
    g["params"] = {"named": named, "mult": round(mult, 3)}
    return g


# --- benign ----------------------------------------------------------------------------------------------------


def co_poisoning(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A cold, windless night in a 棚户区 lane: 3-10 households poisoned by their coal stoves' carbon monoxide, brought
    in between 22:00 and 04:00, admitted 2-6 nights to the old 职工医院's 高压氧科, then back for the chamber on
    weekdays at its 09:00 or 14:00 session, 10-25 sessions each."""
    vi = r.choice(venues(w, "works"))
    hbo = [d for d in w.venues[vi].docs if w.doctors[d].dept == "高压氧科"] or w.venues[vi].docs
    nights = [d for d in _heating_days(w, (12, 1), (2, 20)) if d < w.days - 40] or [0]
    lane = r.choice(w.lanes) if w.lanes else r.randrange(len(w.buildings))
    homes = sorted({w.persons[i].home for i in w.buildings[lane] if not w.persons[i].group})
    hit = set(r.sample(homes, min(len(homes), r.randint(3, 10))))
    members = take(w, r, 10**6, lambda p: p.home in hit and p.building == lane and p.away is None, gid)
    g = plan(w, gid, "co_poisoning", members, doctors=hbo[:2], venues=[vi])
    night = r.choice(nights)
    for i in members:
        if not present(w.persons[i], night + 1):
            continue
        t = r.randint(22 * 3600, 28 * 3600)
        d, t = night + t // DAY, t % DAY
        doc = r.choice(hbo[:2])
        los = r.randint(2, 6)
        stay(w, r, i, vi, doc, d, t, los, "T58.x00", [item(r, "ct_head", 1)], daily=[("hbo", 1), ("o2", 6)])
        k, n, day = 0, r.randint(10, 25), d + los + 1
        session = r.choice([9, 14]) * 3600
        while k < n and day < w.days:
            if weekday(w, day) < 5:
                visit(w, i, vi, doc, day, session - r.randint(0, 1200), "outpatient", "T58.x00", [item(r, "hbo", 1)])
                k += 1
            day += 1
    g["params"] = {"night": night, "households": len(hit)}
    return g


def dual_channel(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """The 双通道 pharmacy's 国谈药 patients: 15-50 people with cancer or rheumatoid arthritis, each seen by one of 1-3
    oncologists of the central hospital every 28-31 days (门诊慢特病) and filling the month's box at the one DTP
    pharmacy the same day or within three days; thousands of yuan a month, most of it from the pool."""
    vi = r.choice(venues(w, "central"))
    onc = [d for d in w.venues[vi].docs if w.doctors[d].dept == "肿瘤科"][: r.randint(1, 3)] or w.venues[vi].docs[:1]
    shop = r.choice(venues(w, "dtp"))
    members = take(w, r, r.randint(15, 50), lambda p: age(w, p) >= 40, gid)
    g = plan(w, gid, "dual_channel", members, doctors=onc, venues=[vi, shop])
    for i in members:
        p = w.persons[i]
        drug = r.choice(["osimer", "lenva", "ibrut", "tofa"])
        diag = "M06.900" if drug == "tofa" else r.choice(CANCER_DIAG)
        doc = r.choice(onc)
        d = r.randrange(0, 28)
        while d < w.days:
            if present(p, d):
                t = r.randint(8 * 3600, 11 * 3600)
                visit(w, i, vi, doc, d, t, "chronic", diag, [item(r, "exam_hi", 1), item(r, "cbc", 1)])
                fill = d + (0 if r.random() < 0.6 else r.randint(1, 3))
                if fill < w.days and present(p, fill):
                    ft = t + r.randint(3600, 4 * 3600) if fill == d else r.randint(9 * 3600, 16 * 3600)
                    visit(w, i, shop, doc, fill, ft, "pharmacy", diag, [item(r, drug, 30.0)], rx=True)
            d += r.randint(28, 31)
    g["params"] = {"oncologists": len(onc)}
    return g


def hospice(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """An 安宁疗护 ward of a 医养结合 护理院: 10-30 dying patients admitted one by one, 7-75 days each until death,
    settled every month (中途结算) whatever the district's hospitals do; 一级护理, oxygen, pain relief."""
    vi = r.choice(venues(w, "hospice"))
    members = take(w, r, r.randint(10, 30), lambda p: age(w, p) >= 65 and p.away is None and p.death is None, gid)
    docs = w.venues[vi].docs
    g = plan(w, gid, "hospice", members, doctors=docs, venues=[vi])
    for i in members:
        p = w.persons[i]
        d = r.randrange(0, max(1, w.days - 10))
        los = min(r.randint(7, 75), w.days - 1 - d)
        if los < 2:
            continue
        out = stay(w, r, i, vi, r.choice(docs), d, r.randint(9 * 3600, 16 * 3600), los,
                   r.choice(CANCER_DIAG + ["I50.900", "N18.500"]), [item(r, "pain_patch", 4)], nurse="nurse1",
                   daily=[("care_hospice", 1), ("o2", 8), ("morph", 2)], bed="bed_hospice", monthly=True)  # fmt: skip
        if out and d + los < w.days - 1:
            p.death = d + los  # discharged on the day of death
    g["params"] = {"beds": w.venues[vi].beds}
    return g


def copd_rehab(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A 社区卫生服务中心's winter 呼吸康复 class: 15-40 慢阻肺 elders with certificates, Tuesday and Friday at 09:00
    for 8-12 weeks (arrivals 08:40-09:10), 70-90% attendance; 肺功能 at the first and last session."""
    s = r.choice(_streets_by_size(w))
    vi = r.choice(venues(w, "chc", s))
    members = take(w, r, r.randint(15, 40), lambda p: p.street == s and age(w, p) >= 58 and p.away is None
                   and (p.chronic in ("copd", "") ), gid)  # fmt: skip
    doc = doctor(w, r, vi, "康复科")
    g = plan(w, gid, "copd_rehab", members, doctors=[doc] if doc is not None else [], venues=[vi])
    for i in members:
        w.persons[i].chronic, w.persons[i].cert = "copd", True
    cold_days = _heating_days(w, (11, 1), (3, 1)) or [0]
    d0 = cold_days[0] + r.randint(0, 14)
    weeks = r.randint(8, 12)
    attend = r.uniform(0.7, 0.9)
    sessions = [d for d in range(d0, min(w.days, d0 + 7 * weeks)) if weekday(w, d) in (1, 4)]
    for n, d in enumerate(sessions):
        for i in members:
            p = w.persons[i]
            if not present(p, d) or (0 < n < len(sessions) - 1 and r.random() > attend):
                continue
            items = [item(r, "pulm_rehab", 1)] + (
                [item(r, "spiro", 1), item(r, "cap_ecog", 1)] if n in (0, len(sessions) - 1) else []
            )
            visit(w, i, vi, doc, d, 9 * 3600 + r.randint(-1200, 600), "chronic", CHRONIC_DIAG["copd"], items)
    g["params"] = {"street": s, "weeks": weeks, "attend": round(attend, 3)}
    return g


def grid_refills(w: World, r: random.Random, gid: str) -> dict[str, Any]:
    """A 社区网格员 helps 20-60 elders who live alone: their 电子凭证 are bound to her phone (or her colleague's), and
    on the family doctor's 签约 day each month she fetches their 门慢 refills at the 社区卫生服务中心, the claims keyed
    4-10 minutes apart through the morning (代取药)."""
    s = r.choice(_streets_by_size(w))
    vi = r.choice(venues(w, "chc", s))
    blds = sorted({p.building for p in w.persons if p.street == s and p.building >= 0})
    grid = set(r.sample(blds, min(len(blds), r.randint(2, 5))))
    members = take(w, r, r.randint(20, 60), lambda p: p.building in grid and age(w, p) >= 72 and p.spouse < 0, gid)
    doc = doctor(w, r, vi, "全科")
    g = plan(w, gid, "grid_refills", members, doctors=[doc] if doc is not None else [], venues=[vi])
    phones = [w.n_phone, w.n_phone + 1]
    w.n_phone += 2
    for i in members:
        p = w.persons[i]
        p.phone = phones[0] if r.random() < 0.75 else phones[1]
        p.chronic = p.chronic or r.choice(["htn", "dm", "chd"])
        p.own_refill = False
    day = r.randrange(5)
    for m0 in _month_starts(w):
        d = m0
        while d < w.days and weekday(w, d) != day:
            d += 1
        t = 9 * 3600 + r.randint(0, 1200)
        for i in members:
            p = w.persons[i]
            if d >= w.days or (p.death is not None and d > p.death) or (p.away and p.away[0] <= d < p.away[1]):
                continue
            meds = {"htn": ["amlo", "aspirin"], "dm": ["metf", "acarb"], "chd": ["atorva", "suxiao"],
                    "copd": ["tiotrop"], "stroke": ["clopi", "atorva"]}[p.chronic]  # fmt: skip
            visit(w, i, vi, doc, d, t, "chronic" if p.cert else "outpatient", CHRONIC_DIAG[p.chronic],
                  [item(r, "exam", 1)] + [item(r, m, 30.0) for m in meds])  # fmt: skip
            t += r.randint(240, 600)
    g["params"] = {"street": s, "weekday": day}
    return g


RING_FN: dict[str, Callable[[World, random.Random, str], dict[str, Any]]] = {
    "snowbird_cards": snowbird_cards,
    "account_cashout": account_cashout,
    "home_visits": home_visits,
    "chronic_quota": chronic_quota,
    "winter_beds": winter_beds,
    "checkup_admission": checkup_admission,
    "herbal_steering": herbal_steering,
}
BENIGN_FN: dict[str, Callable[[World, random.Random, str], dict[str, Any]]] = {
    "co_poisoning": co_poisoning,
    "dual_channel": dual_channel,
    "hospice": hospice,
    "copd_rehab": copd_rehab,
    "grid_refills": grid_refills,
}
