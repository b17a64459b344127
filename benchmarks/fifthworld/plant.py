"""Planted rings and benign dense groups of a fifthworld; every parameter drawn per ring (recorded in truth.json).

Two phases: `plant_all` picks each group's people before ordinary care is drawn (elders moved into a home share its
address and, for some, its phone; their ordinary care thins), `run_all` bills the schemes after it (so a fake stay can
be checked against the person's real ones). A person is in at most one ring or group.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable

from benchmarks.fifthworld.make import (
    ACUTE_DRUGS,
    CHRONIC_DRUGS,
    DAY,
    Claim,
    Person,
    World,
    add_doctor,
    item,
    pharmacy_at,
    stay_claim,
    tod,
)

KIND = {
    "staged_clinic": "staged_clinic",
    "eldercare_admission": "induced_admission",
    "split_admission": "induced_admission",
    "drug_reseller": "card_collector",
    "pharmacy_cashout": "card_collector",
    "imaging_kickback": "kickback",
    "online_steering": "kickback",
}
EXPENSIVE = ["XA10AEA142B002", "XB01ACA056A001", "XB01AFA043A001", "ZA16AAL0056010", "XH02ABA124B002", "XL01XEA045A001"]


def _free(w: World, pred: Callable[[Person], bool], alive_from: int = 0) -> list[Person]:
    return [p for p in w.persons if p.group is None and pred(p) and (p.death is None or p.death > alive_from)]


def _take(ps: list[Person], gid: str) -> list[Person]:
    for p in ps:
        p.group = gid
    return ps


def _recruits(
    w: World, r: random.Random, gid: str, n: int, min_age: int, how: str, street: int, max_age: int = 95
) -> list[Person]:
    """n people of an age band: from the venue's street, from 1-3 小区, or citywide (a WeChat group)."""
    if how == "street":
        pool = _free(w, lambda p: p.street == street and min_age <= p.age <= max_age)
    elif how == "xiaoqu":
        xqs = r.sample(w.streets[street] if street >= 0 else range(len(w.xq_members)), min(3, r.randint(1, 3)))
        pool = _free(w, lambda p: p.xq in xqs and min_age <= p.age <= max_age)
        if len(pool) < n:
            pool += _free(w, lambda p: p.street == street and p.xq not in xqs and min_age <= p.age <= max_age)[
                : n - len(pool)
            ]
    else:
        pool = _free(w, lambda p: min_age <= p.age <= max_age)
    r.shuffle(pool)
    return _take(pool[:n], gid)


def _move_home(w: World, r: random.Random, ps: list[Person], key: str, phone_share: float, street: int) -> None:
    addr = hashlib.sha1(f"{w.seed}-home-{key}".encode()).hexdigest()[:16]
    phone = hashlib.sha1(f"{w.seed}-homephone-{key}".encode()).hexdigest()[:20]
    for p in ps:
        p.addr, p.street = addr, street
        if r.random() < phone_share:
            p.phone = phone


def _venue_choice(w: World, r: random.Random, roles: list[str], taken: set[int]) -> int:
    cands = [v for role in roles for v in w.by_role.get(role, []) if v not in taken]
    v = r.choice(cands)
    taken.add(v)
    return v


def _doctors(w: World, r: random.Random, v: int, n: int) -> list[int]:
    ven = w.venues[v]
    while len(ven.doctors) < n:
        add_doctor(w, r, ven, "全科")
    return r.sample(ven.doctors, n)


def _window(w: World, r: random.Random, min_days: int = 90) -> tuple[int, int]:
    length = r.randint(min(min_days, w.days), w.days)
    a = r.randint(0, w.days - length)
    return a, a + length


def plant_all(w: World) -> None:
    taken: set[int] = set()
    for n, scheme in enumerate(w.knobs["rings"]):
        r = w.rng("ring", n, scheme)
        gid = f"R{n + 1}-{scheme}"
        plan = PLANS[scheme](w, r, gid, taken)
        plan.update(id=gid, scheme=scheme, ring=True, n=n)
        w.plans.append(plan)
    for n, kind in enumerate(w.knobs["benign"]):
        r = w.rng("benign", n, kind)
        gid = f"B{n + 1}-{kind}"
        plan = PLANS[kind](w, r, gid, taken)
        plan.update(id=gid, scheme=kind, ring=False, n=n)
        w.plans.append(plan)


def run_all(w: World) -> None:
    for plan in w.plans:
        r = w.rng("run", plan["id"])
        core = RUNS[plan["scheme"]](w, r, plan)
        P = w.persons
        entry = {
            "id": plan["id"],
            "kind": KIND[plan["scheme"]] if plan["ring"] else plan["scheme"],
            "persons": sorted(P[i].pid for i in plan["members"]),
            "core": sorted(P[i].pid for i in set(core)),
            "doctors": sorted({w.doctors[d].did for d in plan.get("doctors", [])}),
            "facilities": sorted({w.venues[v].vid for v in plan.get("venues", []) if w.venues[v].kind != "pharmacy"}),
            "pharmacies": sorted({w.venues[v].vid for v in plan.get("venues", []) if w.venues[v].kind == "pharmacy"}),
            "params": {
                "scheme": plan["scheme"],
                **plan["params"],
                "core_unused": len(set(plan["members"]) - set(core)),
            },
        }
        (w.rings if plan["ring"] else w.benign).append(entry)


# --------------------------------------------------------------------------------------------------- rings


def plan_staged(w: World, r: random.Random, gid: str, taken: set[int]) -> dict:
    v = _venue_choice(w, r, ["clinic"] if r.random() < 0.7 else ["private_hosp"], taken)
    how = r.choice(["street", "xiaoqu", "citywide"])
    pool = _recruits(w, r, gid, r.randint(15, 120), 55, how, w.venues[v].street)
    a, b = _window(w, r, 90)
    cyc = r.randint(3, 30)
    params = {
        "recruit": how,
        "pool": len(pool),
        "cycle_days": cyc,
        "weekday_fixed": cyc % 7 == 0,
        "share": round(r.uniform(0.2, 0.95), 2),
        "gap_min": round(r.uniform(0.5, 20), 1),
        "mode": "keyed" if r.random() < 0.25 else "live",
        "start_hour": round(r.uniform(8, 15), 1),
        "herbal": r.random() < 0.5,
        "active_days": [a, b],
        "spring_pause": r.random() < 0.5,
    }
    return {
        "members": [p.idx for p in pool],
        "venues": [v],
        "doctors": _doctors(w, r, v, r.randint(1, 3)),
        "params": params,
    }


def run_staged(w: World, r: random.Random, pl: dict) -> list[int]:
    pr, v, docs, core = pl["params"], pl["venues"][0], pl["doctors"], []
    d = pr["active_days"][0] + r.randrange(pr["cycle_days"])
    while d < pr["active_days"][1]:
        if not (pr["spring_pause"] and w.sf[0] - 3 <= d <= w.sf[1] + 3):
            t = (
                d * DAY + int(pr["start_hour"] * 3600)
                if pr["mode"] == "live"
                else d * DAY + int(r.uniform(19.5, 21.5) * 3600)
            )
            who = [
                i for i in pl["members"] if r.random() < pr["share"] and not w.persons[i].in_stay(d) and _alive(w, i, d)
            ]
            r.shuffle(who)
            for i in who:
                items = [item(r, "001101000010000")] + [
                    item(r, c) for c in r.sample(["430000001", "430000020", "340200011"], r.randint(2, 3))
                ]
                if pr["herbal"]:
                    items.append(item(r, "T00000000000001", mult=1.5))
                items.append(item(r, r.choice(CHRONIC_DRUGS)))
                w.claims.append(
                    Claim(
                        i,
                        v,
                        r.choice(docs),
                        "outpatient",
                        t,
                        items,
                        r.choice(["M54.500", "M17.900", "I10.x00"]),
                        term=0,
                    )
                )
                core.append(i)
                gap = r.expovariate(1 / pr["gap_min"]) * 60 if pr["mode"] == "live" else r.uniform(5, 60)
                t += int(gap) + 1
        d += pr["cycle_days"] if pr["weekday_fixed"] else max(2, pr["cycle_days"] + r.randint(-2, 2))
    return core


def _alive(w: World, i: int, d: int) -> bool:
    death = w.persons[i].death
    return death is None or d < death


def plan_eldercare(w: World, r: random.Random, gid: str, taken: set[int]) -> dict:
    h = _venue_choice(w, r, ["private_hosp"], taken)
    street = r.randrange(len(w.streets))
    ps = _free(w, lambda p: p.age >= 70 and p.itype == "resident")
    r.shuffle(ps)
    ps = _take(ps[: r.randint(20, 60)], gid)
    _move_home(w, r, ps, gid, r.choice([0.0, 0.3, 0.7, 1.0]), street)
    for p in ps:
        p.prop *= 0.5
    lo = r.randint(5, 10)
    params = {
        "home_street": street,
        "pool": len(ps),
        "wave_days": r.randint(14, 60),
        "share": round(r.uniform(0.3, 0.9), 2),
        "admit_spread_days": r.randint(1, 3),
        "stay": [lo, lo + r.randint(3, 12)],
        "discharge_together": r.random() < 0.5,
        "split_share": round(r.uniform(0.0, 0.4), 2),
        "pad": round(r.uniform(1.5, 3.0), 2),
        "active_days": list(_window(w, r, 120)),
    }
    return {
        "members": [p.idx for p in ps],
        "venues": [h],
        "doctors": _doctors(w, r, h, r.randint(1, 3)),
        "params": params,
    }


def run_eldercare(w: World, r: random.Random, pl: dict) -> list[int]:
    pr, h, core = pl["params"], pl["venues"][0], []
    d = pr["active_days"][0] + r.randrange(pr["wave_days"])
    while d < pr["active_days"][1] - 5:
        los_common = r.randint(*pr["stay"])
        for i in pl["members"]:
            if r.random() >= pr["share"]:
                continue
            d0 = d + r.randrange(pr["admit_spread_days"])
            los = los_common - (d0 - d) if pr["discharge_together"] else r.randint(*pr["stay"])
            if _free_stay(w, i, d0, los):
                stay_claim(w, r, i, h, d0, max(3, los), "ring", pr["pad"], r.choice(pl["doctors"]))
                core.append(i)
                if r.random() < pr["split_share"]:
                    d1 = d0 + max(3, los) + r.randint(1, 3)
                    if _free_stay(w, i, d1, r.randint(5, 9)):
                        stay_claim(w, r, i, h, d1, r.randint(5, 9), "ring", pr["pad"], r.choice(pl["doctors"]))
        d += pr["wave_days"] + r.randint(-3, 3)
    return core


def _free_stay(w: World, i: int, d0: int, los: int) -> bool:
    p = w.persons[i]
    if d0 < 0 or d0 + los >= w.days or not _alive(w, i, d0 + los):
        return False
    return not any(a - 1 <= d0 + los and d0 <= b + 1 for a, b in p.stays)


def plan_split(w: World, r: random.Random, gid: str, taken: set[int]) -> dict:
    h = _venue_choice(w, r, ["private_hosp"], taken)
    how = r.choice(["street", "citywide"])
    ps = _recruits(w, r, gid, r.randint(15, 50), 50, how, w.venues[h].street)
    params = {
        "recruit": how,
        "pool": len(ps),
        "stay": [r.randint(5, 8), r.randint(10, 15)],
        "readmit_gap": [0, r.randint(1, 3)],
        "chain": [2, r.randint(2, 4)],
        "chain_every": [r.randint(30, 60), r.randint(70, 120)],
        "pair_share": round(r.uniform(0, 0.5), 2),
        "pad": round(r.uniform(1.2, 2.5), 2),
    }
    return {
        "members": [p.idx for p in ps],
        "venues": [h],
        "doctors": _doctors(w, r, h, r.randint(1, 2)),
        "params": params,
    }


def run_split(w: World, r: random.Random, pl: dict) -> list[int]:
    pr, h, core = pl["params"], pl["venues"][0], []
    mem = list(pl["members"])
    partner: dict[int, int] = {}
    r.shuffle(mem)
    for a, b in zip(mem[::2], mem[1::2]):
        if r.random() < pr["pair_share"]:
            partner[a] = b
    starts: dict[int, list[int]] = {}
    for i in pl["members"]:
        if i in partner.values():
            continue
        d, ds = r.randrange(60), []
        while d < w.days - 20:
            ds.append(d)
            d += r.randint(*pr["chain_every"])
        starts[i] = ds
        if i in partner:
            starts[partner[i]] = [x + r.randint(0, 1) for x in ds]
    for i in pl["members"]:
        for d in starts.get(i, []):
            for _ in range(r.randint(*pr["chain"])):
                los = r.randint(*pr["stay"])
                if not _free_stay(w, i, d, los):
                    break
                stay_claim(w, r, i, h, d, los, "ring", pr["pad"], r.choice(pl["doctors"]))
                core.append(i)
                d += los + r.randint(*pr["readmit_gap"])
    return core


def plan_reseller(w: World, r: random.Random, gid: str, taken: set[int]) -> dict:
    src = r.choice(["xiaoqu", "citywide", "away"])
    n = r.randint(10, 60)
    if src == "xiaoqu":
        cards = _recruits(w, r, gid, n, 60, "xiaoqu", r.randrange(len(w.streets)))
    elif src == "citywide":
        pool = _free(w, lambda p: p.itype == "employee" and p.age >= 40)
        cards = _take(r.sample(pool, min(n, len(pool))), gid)
    else:
        pool = _free(w, lambda p: p.age >= 45 and p.region != w.knobs["district"])
        cards = _take(r.sample(pool, min(n, len(pool))), gid)
    operator = _take(r.sample(_free(w, lambda p: 35 <= p.age <= 60), 1), gid)[0]
    hosps = r.sample(w.by_role["3a"] + w.by_role["tcm3a"], r.randint(2, 4))
    docs = [
        d
        for h in hosps
        for d in r.sample(
            [
                x
                for x in w.venues[h].doctors
                if w.doctors[x].dept in ("内分泌科", "心内科", "内科", "肿瘤科", "神经内科")
            ]
            or w.venues[h].doctors,
            r.randint(1, 3),
        )
    ]
    shops = r.sample(w.by_role["pharmacy"] + w.by_role["dtp"], r.randint(0, 2))
    resale = r.choice([s for s in w.by_role["pharmacy"] if s not in shops and s not in taken])
    taken.add(resale)
    rebound = r.choice([0.0, 0.3, 0.7])
    for p in cards:
        if r.random() < rebound:
            p.phone = operator.phone
    dead = 0
    for p in r.sample(cards, r.randint(0, min(3, len(cards)))):
        if p.death is None:
            p.death = r.randint(w.days // 4, w.days * 3 // 4)
            dead += 1
    params = {
        "source": src,
        "cards": len(cards),
        "card_cycle": [r.randint(7, 20), r.randint(21, 40)],
        "session_every": [1, r.randint(2, 7)],
        "per_session": r.randint(3, 20),
        "gap_min": round(r.uniform(1, 30), 1),
        "spread": r.random() < 0.4,
        "hospitals": len(hosps),
        "shops": len(shops),
        "rebound": rebound,
        "dead_cards": dead,
        "resold_share": round(r.uniform(0.3, 0.6), 2),
        "active_days": list(_window(w, r, 120)),
    }
    return {
        "members": [p.idx for p in cards] + [operator.idx],
        "cards": [p.idx for p in cards],
        "venues": hosps + shops,
        "hospitals": hosps,
        "shops": shops,
        "resale": resale,
        "doctors": docs,
        "params": params,
    }


def run_reseller(w: World, r: random.Random, pl: dict) -> list[int]:
    pr, core = pl["params"], []
    due = {i: pr["active_days"][0] + r.randrange(pr["card_cycle"][1]) for i in pl["cards"]}
    d = pr["active_days"][0]
    sold: list[tuple[int, str]] = []
    while d < pr["active_days"][1]:
        ready = [i for i in pl["cards"] if due[i] <= d and not w.persons[i].in_stay(d)]
        r.shuffle(ready)
        ready = ready[: pr["per_session"]]
        if ready:
            v = r.choice(pl["hospitals"] + pl["shops"])
            ven = w.venues[v]
            t = d * DAY + int(r.uniform(8, 10.5) * 3600)
            docs = [x for x in pl["doctors"] if w.doctors[x].venue == v]
            for i in ready:
                codes = r.sample(EXPENSIVE[:4] if r.random() < 0.8 else EXPENSIVE, r.randint(1, 2))
                items = [item(r, c, mult=2.0) for c in codes]
                if ven.kind == "pharmacy":
                    pharmacy_at(w, r, i, v, t, items, -1, rx=True, tag="reseller", term=0)
                else:
                    w.claims.append(
                        Claim(
                            i,
                            v,
                            r.choice(docs),
                            "outpatient",
                            t,
                            [item(r, "001101000020000")] + items,
                            r.choice(["E11.900", "I25.100", "I63.900"]),
                            tag="reseller",
                            term=0,
                        )
                    )
                core.append(i)
                sold.append((d, codes[0]))
                due[i] = d + r.randint(*pl["params"]["card_cycle"])
                t += int(r.uniform(1800, 5 * 3600)) if pr["spread"] else int(r.expovariate(1 / pr["gap_min"]) * 60) + 30
        d += r.randint(*pr["session_every"])
    # 回流: a share of the boxes is sold again to ordinary customers of one shop (same trace code where exported)
    buyers = _free(w, lambda p: p.age >= 40) or [p for p in w.persons if p.group != pl["id"]]
    for d, code in sold:
        if r.random() < pr["resold_share"] and d + 3 < w.days:
            b = r.choice(buyers)
            dd = d + r.randint(2, 20)
            if dd < w.days and _alive(w, b.idx, dd):
                pharmacy_at(
                    w,
                    r,
                    b.idx,
                    pl["resale"],
                    dd * DAY + tod(r, "pharmacy"),
                    [item(r, code, qty=1)],
                    -1,
                    rx=True,
                    tag="resold",
                )
    return core


def plan_imaging(w: World, r: random.Random, gid: str, taken: set[int]) -> dict:
    img = w.by_role["imaging"][0]
    refs = [_venue_choice(w, r, ["clinic", "community"], taken) for _ in range(r.randint(1, 3))]
    docs = [r.choice(w.venues[v].doctors) for v in refs]
    n = r.randint(40, 150)
    ps: list[Person] = []
    for v in refs:
        ps += _recruits(w, r, gid, n // len(refs), 30, "street", w.venues[v].street)
    params = {
        "referrers": len(docs),
        "patients": len(ps),
        "referrals": [1, r.randint(1, 4)],
        "delay_days": [0, r.randint(0, 3)],
        "referrer_on_claim": r.random() < 0.5,
        "mri_share": round(r.uniform(0.3, 0.9), 2),
    }
    return {
        "members": [p.idx for p in ps],
        "venues": refs + [img],
        "refs": refs,
        "doctors": docs,
        "img": img,
        "params": params,
    }


def run_imaging(w: World, r: random.Random, pl: dict) -> list[int]:
    pr, core = pl["params"], []
    img = pl["img"]
    rad = w.venues[img].doctors
    per = max(1, len(pl["members"]) // len(pl["refs"]))
    for k, i in enumerate(pl["members"]):
        j = min(k // per, len(pl["refs"]) - 1)
        v, doc = pl["refs"][j], pl["doctors"][j]
        for _ in range(r.randint(*pr["referrals"])):
            d = r.randrange(w.days - 4)
            if w.persons[i].in_stay(d) or not _alive(w, i, d + 3):
                continue
            t = d * DAY + tod(r, w.venues[v].role)
            w.claims.append(
                Claim(
                    i,
                    v,
                    doc,
                    "outpatient",
                    t,
                    [item(r, "001101000010000"), item(r, r.choice(ACUTE_DRUGS))],
                    r.choice(["M54.500", "R51.x00", "M17.900"]),
                )
            )
            d2 = d + r.randint(*pr["delay_days"])
            t2 = d2 * DAY + int(r.uniform(8, 20) * 3600)
            if t2 <= t:
                t2 = t + r.randint(1800, 7200)
            exams = [item(r, "210300001" if r.random() < pr["mri_share"] else "210102015")]
            if r.random() < 0.5:
                exams.append(item(r, "220201001"))
            w.claims.append(
                Claim(i, img, doc if pr["referrer_on_claim"] else r.choice(rad), "outpatient", t2, exams, "Z01.600")
            )
            core.append(i)
    return core


def plan_online(w: World, r: random.Random, gid: str, taken: set[int]) -> dict:
    v = r.choice(w.by_role["internet"])
    shop = r.choice(
        [s for s in w.by_role["pharmacy"] if not w.venues[s].chain and s not in taken] or w.by_role["pharmacy"]
    )
    taken.add(shop)
    w.venues[shop].pooled = True
    ps = _recruits(w, r, gid, r.randint(30, 150), 50, "citywide", -1)
    params = {
        "patients": len(ps),
        "consults": [2, r.randint(3, 8)],
        "gap_days": [14, r.randint(20, 45)],
        "buy_delay_days": [0, r.randint(0, 2)],
        "night_batches": r.random() < 0.4,
        "buy_share": round(r.uniform(0.6, 0.95), 2),
    }
    return {
        "members": [p.idx for p in ps],
        "venues": [v, shop],
        "shop": shop,
        "inet": v,
        "doctors": _doctors(w, r, v, r.randint(1, 2)),
        "params": params,
    }


def run_online(w: World, r: random.Random, pl: dict) -> list[int]:
    pr, core = pl["params"], []
    nights = sorted(r.sample(range(w.days), min(w.days, 40))) if pr["night_batches"] else []
    for i in pl["members"]:
        d = r.randrange(60)
        for _ in range(r.randint(*pr["consults"])):
            if nights:
                d = min((x for x in nights if x >= d), default=d)
            if d >= w.days - 3 or not _alive(w, i, d + 2):
                break
            t = d * DAY + (int(r.uniform(21, 23.5) * 3600) if nights else tod(r, "internet"))
            doc = r.choice(pl["doctors"])
            w.claims.append(
                Claim(
                    i,
                    pl["inet"],
                    doc,
                    "outpatient",
                    t,
                    [item(r, "001102000010000")],
                    r.choice(["I10.x00", "I25.100", "E11.900"]),
                )
            )
            if r.random() < pr["buy_share"]:
                d2 = d + r.randint(*pr["buy_delay_days"])
                t2 = max(t + 1800, d2 * DAY + tod(r, "pharmacy"))
                codes = r.sample(["ZA16AAL0056010", "ZA12HAX0123010", "XB01AFA043A001", "D0000000000002"], 2)
                if pharmacy_at(w, r, i, pl["shop"], t2, [item(r, c, mult=2) for c in codes], -1, rx=True, doctor=doc):
                    core.append(i)
            d += r.randint(*pr["gap_days"])
    return core


def plan_cashout(w: World, r: random.Random, gid: str, taken: set[int]) -> dict:
    street = r.randrange(len(w.streets))
    local = [s for s in w.by_role["pharmacy"] if w.venues[s].street == street and s not in taken] or [
        s for s in w.by_role["pharmacy"] if s not in taken
    ]
    shops = r.sample(local, min(len(local), r.randint(1, 2)))
    taken.update(shops)
    how = r.choice(["xiaoqu", "citywide"])
    pool = _free(w, lambda p: p.itype == "employee" and 25 <= p.age <= 70 and (how == "citywide" or p.street == street))
    r.shuffle(pool)
    ps = _take(pool[: r.randint(15, 70)], gid)
    bosses = _free(w, lambda p: 30 <= p.age <= 60) or w.persons
    boss = bosses[r.randrange(min(100, len(bosses)))]
    rebound = r.choice([0.0, 0.2, 0.5])
    for p in ps:
        if r.random() < rebound:
            p.phone = boss.phone
    params = {
        "recruit": how,
        "cards": len(ps),
        "shops": len(shops),
        "card_cycle": [r.randint(10, 20), r.randint(21, 40)],
        "mode": r.choice(["walkin", "monthend"]),
        "fake_rx": r.random() < 0.4,
        "rebound": rebound,
        "active_days": list(_window(w, r, 90)),
    }
    return {"members": [p.idx for p in ps], "venues": shops, "doctors": [], "params": params}


def run_cashout(w: World, r: random.Random, pl: dict) -> list[int]:
    pr, core = pl["params"], []
    a, b = pr["active_days"]
    if pr["mode"] == "walkin":
        for i in pl["members"]:
            d = a + r.randrange(pr["card_cycle"][1])
            while d < b and _alive(w, i, d):
                _cash(w, r, pl, i, d * DAY + tod(r, "pharmacy"))
                core.append(i)
                d += r.randint(*pr["card_cycle"])
    else:
        from datetime import timedelta

        for d in range(a, b):
            day = w.start + timedelta(days=d)
            if (day + timedelta(days=3)).month == day.month:
                continue  # only the last three days of a month (before the account's monthly top-up is counted)
            t = d * DAY + int(r.uniform(18, 20) * 3600)
            for i in pl["members"]:
                if r.random() < 0.3 and _alive(w, i, d):
                    _cash(w, r, pl, i, t)
                    core.append(i)
                    t += r.randint(60, 400)
    return core


def _cash(w: World, r: random.Random, pl: dict, i: int, t: int) -> None:
    target = r.choice([100, 200, 300, 500])
    code = r.choice(["D0000000000001", "D0000000000002"])
    lo, hi = 90, 300
    price = round(target / max(1, round(target / ((lo + hi) / 2))), 2)
    qty = round(target / price)
    rx = pl["params"]["fake_rx"] and w.venues[pl["venues"][0]].pooled
    c = pharmacy_at(
        w, r, i, r.choice(pl["venues"]), t, [(code, qty, price - r.choice([0, 0.01, 0.5]))], -1, rx=rx, term=0
    )
    if c is not None and not rx:
        c.fund = 0.0


# --------------------------------------------------------------------------------------------------- benign


def plan_eldercare_clinic(w: World, r: random.Random, gid: str, taken: set[int]) -> dict:
    v = w.by_role["home_clinic"][0]
    ps = _free(w, lambda p: p.age >= 75)
    r.shuffle(ps)
    ps = _take(ps[: r.randint(40, 150)], gid)
    street = w.venues[v].street
    _move_home(w, r, ps, gid, r.choice([0.0, 0.4, 0.8]), street)
    for p in ps:
        p.prop *= 0.4
    params = {
        "residents": len(ps),
        "round_days": r.choice([1, 2]),
        "seen_share": round(r.uniform(0.8, 0.95), 2),
        "gap_min": [2, r.randint(3, 6)],
        "coding": r.choice(["chronic", "outpatient"]),
    }
    return {
        "members": [p.idx for p in ps],
        "venues": [v],
        "doctors": _doctors(w, r, v, len(w.venues[v].doctors)),
        "params": params,
    }


def run_eldercare_clinic(w: World, r: random.Random, pl: dict) -> list[int]:
    pr, v, core = pl["params"], pl["venues"][0], []
    month_day = r.randint(3, 12)
    for m in range(w.days // 28 + 1):
        d0 = m * 30 + month_day
        days = [d for d in range(d0, d0 + 7) if d < w.days and w.wd[d] < 5][: pr["round_days"]]
        if not days:
            continue
        who = [i for i in pl["members"] if r.random() < pr["seen_share"]]
        per = (len(who) + len(days) - 1) // len(days)
        for k, d in enumerate(days):
            t = d * DAY + int(r.uniform(8.5, 9.2) * 3600)
            for i in who[k * per : (k + 1) * per]:
                if not _alive(w, i, d) or w.persons[i].in_stay(d):
                    continue
                items = [item(r, "001101000010000")] + [
                    item(r, c, mult=1.0) for c in r.sample(CHRONIC_DRUGS, r.randint(1, 3))
                ]
                w.claims.append(
                    Claim(
                        i,
                        v,
                        r.choice(pl["doctors"]),
                        pr["coding"],
                        t,
                        items,
                        r.choice(["I10.x00", "E11.900", "I25.100", "F03.x00"]),
                    )
                )
                core.append(i)
                t += r.randint(pr["gap_min"][0] * 60, pr["gap_min"][1] * 60)
    return core


def plan_dialysis(w: World, r: random.Random, gid: str, taken: set[int]) -> dict:
    v = w.by_role["dialysis"][0]
    ps = _free(w, lambda p: 35 <= p.age <= 85)
    r.shuffle(ps)
    ps = _take(ps[: r.randint(30, 100)], gid)
    shifts = [7.0, 12.0, 17.0] + ([22.0] if r.random() < 0.3 else [])
    params = {
        "patients": len(ps),
        "shifts": shifts,
        "twice_weekly": 0.2,
        "late_start": 0.15,
        "coding": r.choice(["chronic", "chronic", "outpatient"]),
    }
    return {"members": [p.idx for p in ps], "venues": [v], "doctors": list(w.venues[v].doctors), "params": params}


def run_dialysis(w: World, r: random.Random, pl: dict) -> list[int]:
    pr, v, core = pl["params"], pl["venues"][0], []
    for i in pl["members"]:
        days: tuple[int, ...] = r.choice([(0, 2, 4), (1, 3, 5)])
        if r.random() < pr["twice_weekly"]:
            days = days[:2]
        shift = r.choice(pr["shifts"])
        start = r.randrange(w.days // 2) if r.random() < pr["late_start"] else 0
        doc = r.choice(pl["doctors"])
        for d in range(start, w.days):
            if w.wd[d] not in days or not _alive(w, i, d) or w.persons[i].in_stay(d):
                continue
            t = d * DAY + int(shift * 3600) + r.randint(0, 900)  # the centre's shuttle: arrivals within 15 minutes
            items = [
                item(r, "311201007" if w.wd[d] == days[0] and r.random() < 0.3 else "311201001"),
                item(r, "C01010101001", 2),
            ]
            w.claims.append(Claim(i, v, doc, pr["coding"], t, items, "N18.500"))
            core.append(i)
    return core


def plan_checkup(w: World, r: random.Random, gid: str, taken: set[int]) -> dict:
    v = w.by_role["checkup"][0]
    companies = []
    members: list[int] = []
    for _ in range(r.randint(2, 6)):
        pool = _free(w, lambda p: p.itype == "employee" and 22 <= p.age <= 60)
        ps = _take(r.sample(pool, min(len(pool), r.randint(30, 300))), gid)
        companies.append([p.idx for p in ps])
        members += [p.idx for p in ps]
    params = {"companies": [len(c) for c in companies], "days_each": [1, 3], "gap_min": [1, 3]}
    return {
        "members": members,
        "companies": companies,
        "venues": [v],
        "doctors": list(w.venues[v].doctors),
        "params": params,
    }


def run_checkup(w: World, r: random.Random, pl: dict) -> list[int]:
    v, core = pl["venues"][0], []
    for comp in pl["companies"]:
        d = r.randrange(max(1, w.days - 10))
        while w.wd[d] >= 5:
            d += 1
        ndays = r.randint(1, 3)
        days = [x for x in range(d, d + 7) if x < w.days and w.wd[x] < 5][:ndays]
        per = (len(comp) + len(days) - 1) // len(days)
        for k, dd in enumerate(days):
            t = dd * DAY + int(7.5 * 3600) + r.randint(0, 600)
            for i in comp[k * per : (k + 1) * per]:
                if not _alive(w, i, dd) or w.persons[i].in_stay(dd):
                    continue
                items = [item(r, "110900001"), item(r, "250101001"), item(r, "250302001"), item(r, "310701001")]
                w.claims.append(Claim(i, v, r.choice(pl["doctors"]), "outpatient", t, items, "Z00.000", fund=0.0))
                core.append(i)
                t += r.randint(40, 200)
    return core


def plan_internet_refill(w: World, r: random.Random, gid: str, taken: set[int]) -> dict:
    v = r.choice([x for x in w.by_role["internet"] if w.venues[x].parent >= 0])
    ps = _free(w, lambda p: p.age >= 45)
    r.shuffle(ps)
    ps = _take(ps[: r.randint(80, 300)], gid)
    ndoc = r.randint(1, 3)
    params = {"patients": len(ps), "doctors": ndoc, "delivery_hours": [1, 24]}
    return {
        "members": [p.idx for p in ps],
        "venues": [v, w.by_role["o2o"][0]],
        "doctors": _doctors(w, r, v, ndoc),
        "params": params,
    }


def run_internet_refill(w: World, r: random.Random, pl: dict) -> list[int]:
    v, shop, core = pl["venues"][0], pl["venues"][1], []
    for i in pl["members"]:
        d = r.randrange(30)
        doc = r.choice(pl["doctors"])
        cond = r.choice(["I10.x00", "E11.900", "I25.100"])
        while d < w.days:
            if _alive(w, i, d) and not w.persons[i].in_stay(d):
                t = d * DAY + tod(r, "internet")
                w.claims.append(Claim(i, v, doc, "outpatient", t, [item(r, "001102000010000")], cond))
                pharmacy_at(
                    w,
                    r,
                    i,
                    shop,
                    t + r.randint(3600, 24 * 3600),
                    [item(r, c) for c in r.sample(CHRONIC_DRUGS, 2)],
                    -1,
                    rx=True,
                    doctor=doc,
                )
                core.append(i)
            d += r.randint(26, 34)
    return core


def plan_day_ward(w: World, r: random.Random, gid: str, taken: set[int]) -> dict:
    v = w.by_role["3a"][min(2, len(w.by_role["3a"]) - 1)]
    ps = _free(w, lambda p: 35 <= p.age <= 80)
    r.shuffle(ps)
    ps = _take(ps[: r.randint(30, 120)], gid)
    onc = [d for d in w.venues[v].doctors if w.doctors[d].dept == "肿瘤科"] or w.venues[v].doctors[:3]
    params = {
        "patients": len(ps),
        "cycle_days": [14, 21, 28],
        "cycles": [4, 8],
        "weekdays": sorted(r.sample(range(5), r.randint(2, 3))),
    }
    return {"members": [p.idx for p in ps], "venues": [v], "doctors": onc[:3], "params": params}


def run_day_ward(w: World, r: random.Random, pl: dict) -> list[int]:
    pr, v, core = pl["params"], pl["venues"][0], []
    for i in pl["members"]:
        cyc = r.choice(pr["cycle_days"])
        d = r.randrange(max(1, w.days - 60))
        while w.wd[d] not in pr["weekdays"]:
            d = (d + 1) % w.days
        doc = r.choice(pl["doctors"])
        for _ in range(r.randint(*pr["cycles"])):
            if d >= w.days or not _alive(w, i, d) or w.persons[i].in_stay(d):
                break
            t = d * DAY + int(r.uniform(7.5, 9.5) * 3600)
            items = [
                item(r, "120100001", 1),
                item(r, "XL01BCA019B002"),
                item(r, "330100005"),
                item(r, "250101001"),
                item(r, "C02030101001"),
            ]
            w.claims.append(Claim(i, v, doc, "inpatient", t, items, "C34.900", end=t + int(r.uniform(5, 9) * 3600)))
            w.persons[i].stays.append((d, d))
            core.append(i)
            d += cyc
    return core


PLANS: dict[str, Callable[[World, random.Random, str, set[int]], dict]] = {
    "staged_clinic": plan_staged,
    "eldercare_admission": plan_eldercare,
    "split_admission": plan_split,
    "drug_reseller": plan_reseller,
    "imaging_kickback": plan_imaging,
    "online_steering": plan_online,
    "pharmacy_cashout": plan_cashout,
    "eldercare_clinic": plan_eldercare_clinic,
    "dialysis_chain": plan_dialysis,
    "checkup_days": plan_checkup,
    "internet_refill": plan_internet_refill,
    "day_ward": plan_day_ward,
}
RUNS: dict[str, Callable[[World, random.Random, dict], list[int]]] = {
    "staged_clinic": run_staged,
    "eldercare_admission": run_eldercare,
    "split_admission": run_split,
    "drug_reseller": run_reseller,
    "imaging_kickback": run_imaging,
    "online_steering": run_online,
    "pharmacy_cashout": run_cashout,
    "eldercare_clinic": run_eldercare_clinic,
    "dialysis_chain": run_dialysis,
    "checkup_days": run_checkup,
    "internet_refill": run_internet_refill,
    "day_ward": run_day_ward,
}
SCHEMES = [s for s in KIND]
