"""Planted fraud and benign dense care of a sixthworld (members chosen first, claims made before ordinary care).

Each scheme is a pair: `plan_X(w, r, gid)` picks venues, doctors and people (marking them taken, so a person is in at
most one group) and draws the scheme's parameters; `run_X(w, r, plan)` makes the claims and returns the people it
billed (the truth's `core`).
"""

from __future__ import annotations

import random
from typing import Any, Callable

from .make import (
    CAT,
    DAY,
    Person,
    Venue,
    World,
    age,
    alive,
    free_span,
    item,
    pick_day,
    purchase,
    stay,
    tod,
    visit,
)

# the typology each scheme is judged against (graphfraud's contract names)
KIND = {
    "bus_admission": "induced_admission",
    "cataract_campaign": "induced_admission",
    "phantom_rehab": "staged_clinic",
    "fake_checkup": "staged_clinic",
    "dialysis_padding": "staged_clinic",
    "goods_swap": "card_collector",
    "foreman_cards": "card_collector",
    "village_referral": "kickback",
}


def _free(w: World, pred: Callable[[Person], bool]) -> list[Person]:
    """People in no group yet, alive in the window's first third, for whom pred holds."""
    return [p for p in w.persons if not p.taken and alive(w, p, w.days // 3) and pred(p)]


def _take(ps: list[Person], gid: str) -> list[Person]:
    for p in ps:
        p.taken = gid
    return ps


def _venue(w: World, r: random.Random, cls: str, used: set[int]) -> Venue:
    vs = [v for v in w.by_cls(cls) if v.idx not in used] or w.by_cls(cls)
    v = r.choice(vs)
    used.add(v.idx)
    return v


def _villages(w: World, r: random.Random, n: int) -> list[int]:
    town = r.choice(sorted({p["town"] for p in w.places if p["kind"] == "village"}))
    near = [i for i, p in enumerate(w.places) if p["kind"] == "village" and p["town"] == town]
    far = [i for i, p in enumerate(w.places) if p["kind"] == "village" and p["town"] != town]
    r.shuffle(near)
    r.shuffle(far)
    return (near + far)[:n]


def _sample(r: random.Random, ps: list[Person], n: int) -> list[Person]:
    return r.sample(ps, min(n, len(ps)))


def plant_all(w: World) -> None:
    used: set[int] = set()
    w.knobs["_used"] = used  # venues already serving a group (removed before the truth is written)
    for n, s in enumerate(w.knobs["rings"]):
        gid = f"R{n + 1}-{s}"
        pl = PLANS[s](w, w.rng(f"plan-{gid}"), gid, used)
        pl.update(id=gid, scheme=s, kind=KIND[s])
        w.plans.append(pl)
    for n, b in enumerate(w.knobs["benign"]):
        gid = f"B{n + 1}-{b}"
        pl = PLANS[b](w, w.rng(f"plan-{gid}"), gid, used)
        pl.update(id=gid, scheme=b, kind=b)
        w.plans.append(pl)
    del w.knobs["_used"]


def run_all(w: World) -> None:
    for pl in w.plans:
        billed = RUNS[pl["scheme"]](w, w.rng(f"run-{pl['id']}"), pl)
        members = pl["members"]
        core = [i for i in members if i in billed]
        if not core:  # a tiny world left the scheme nobody to bill: no group, said in the summary
            w.knobs.setdefault("empty_groups", []).append(pl["id"])
            continue
        vs = [w.venues[v] for v in pl["venues"]]
        g = {
            "id": pl["id"],
            "kind": pl["kind"],
            "persons": [w.persons[i].pid for i in members],
            "core": [w.persons[i].pid for i in core],
            "doctors": [w.doctors[d].did for d in pl["doctors"]],
            "facilities": [v.vid for v in vs if v.kind != "pharmacy"],
            "pharmacies": [v.vid for v in vs if v.kind == "pharmacy"],
            "params": {"scheme": pl["scheme"], **pl["params"], "core_unused": len(members) - len(core)},
        }
        (w.rings if pl["id"].startswith("R") else w.benign).append(g)


def _plan(members: list[Person], venues: list[Venue], doctors: list[int], params: dict, **extra: object) -> dict:
    return {"members": [p.idx for p in members], "venues": [v.idx for v in venues], "doctors": doctors,
            "params": params, **extra}  # fmt: skip


# ---------------------------------------------------------------- 民营医院 bus admissions (诱导住院)


def plan_bus(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    h = _venue(w, r, "private", used)
    vil = _villages(w, r, r.randint(2, 6))
    pool = _free(w, lambda p: p.place in vil and age(w, p) >= 60 and p.death is None)
    n = r.randint(30, 150)
    ms = _take(_sample(r, pool, n), gid)
    docs = r.sample(h.doctors, min(len(h.doctors), r.randint(2, 4)))
    params = {
        "villages": len(vil),
        "pool": len(ms),
        "cycle_days": r.randint(10, 45),
        "mode": r.choice(["loyal", "fresh"]),
        "share": round(r.uniform(0.2, 0.7), 2),
        "wave_size": [8, r.randint(12, 30)],
        "los": r.randint(5, 14),
        "together": r.random() < 0.5,
        "pad": round(r.uniform(1.5, 2.5), 1),
        "gap_min": round(r.uniform(1, 6), 1),
        "bus_hour": round(r.uniform(8.5, 10.5), 1),
    }
    return _plan(ms, [h], docs, params)


def run_bus(w: World, r: random.Random, pl: dict) -> set[int]:
    pa, h = pl["params"], w.venues[pl["venues"][0]]
    billed: set[int] = set()
    d = r.randint(0, 30)
    while d < w.days - 3:
        if pa["mode"] == "loyal":
            wave = [i for i in pl["members"] if r.random() < pa["share"]]
        else:  # each bus fetches new faces first
            fresh = [i for i in pl["members"] if i not in billed]
            old = [i for i in pl["members"] if i in billed]
            k = r.randint(*pa["wave_size"])
            wave = r.sample(fresh, min(k, len(fresh)))
            wave += r.sample(old, min(len(old), max(0, k - len(wave))))
        t = int(pa["bus_hour"] * 3600)
        for i in sorted(wave, key=lambda _: r.random()):
            p = w.persons[i]
            los = pa["los"] if pa["together"] else max(3, pa["los"] + r.randint(-3, 3))
            los = min(los, w.days - d - 1)
            t += int(r.expovariate(1 / (pa["gap_min"] * 60)))
            if los < 2 or not free_span(p, d, los):
                continue
            extra = [item(r, "210300001"), item(r, "250401001"), item(r, "ZA12BAD0144020", qty=los),
                     item(r, "340200001"), item(r, "410000003", qty=los)]  # fmt: skip
            stay(w, r, p, h, r.choice(pl["doctors"]), d, los, r.choice(["I63.900", "I67.800", "M47.800", "I25.100"]),
                 extra, t0=t, pad=pa["pad"])  # fmt: skip
            billed.add(i)
        d += pa["cycle_days"] + r.randint(-2, 2)
    return billed


# ---------------------------------------------------------------- 白内障 campaigns


def plan_cataract(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    e = _venue(w, r, "eye", used)
    vil = _villages(w, r, r.randint(2, 5))
    pool = _free(w, lambda p: p.place in vil and age(w, p) >= 58 and p.death is None)
    ms = _take(_sample(r, pool, int(len(pool) * r.uniform(0.3, 0.8))), gid)
    docs = r.sample(e.doctors, min(len(e.doctors), r.randint(1, 3)))
    params = {
        "villages": len(vil),
        "screened": len(ms),
        "operated_share": round(r.uniform(0.3, 0.6), 2),
        "batch": [5, r.randint(8, 15)],
        "second_eye": round(r.uniform(0.5, 0.8), 2),
        "los": r.choice([1, 2, 3]),
    }
    return _plan(ms, [e], docs, params, vil=vil)


def run_cataract(w: World, r: random.Random, pl: dict) -> set[int]:
    pa, e = pl["params"], w.venues[pl["venues"][0]]
    billed: set[int] = set()
    for v in pl["vil"]:
        screen = pick_day(w, r, 0, max(1, w.days - 90))
        ops = [i for i in pl["members"] if w.persons[i].place == v and r.random() < pa["operated_share"]]
        r.shuffle(ops)
        while ops:
            batch, ops = ops[: r.randint(*pa["batch"])], ops[pa["batch"][1] :]
            d = screen + r.randint(3, 20)
            for eye in (0, 1):
                if eye and r.random() > pa["second_eye"]:
                    break
                t = int(r.uniform(8, 9.5) * 3600)
                for i in batch:
                    p = w.persons[i]
                    t += r.randint(60, 600)
                    if d + pa["los"] >= w.days or not free_span(p, d, pa["los"]):
                        continue
                    its = [item(r, "330100001"), item(r, "C0801IOL001"), item(r, "220302001"), item(r, "250101001")]
                    stay(w, r, p, e, r.choice(pl["doctors"]), d, pa["los"], "H25.900", its, t0=t)
                    billed.add(i)
                d += r.randint(14, 40)
    return billed


# ---------------------------------------------------------------- 康复理疗/中医馆 phantom sessions


def plan_rehab(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    c = _venue(w, r, "rehab", used)
    home = r.choice([i for i, p in enumerate(w.places) if p["kind"] != "village"])
    near = _free(w, lambda p: p.place == home and age(w, p) >= 50)
    far = _free(w, lambda p: p.place != home and age(w, p) >= 50)
    n = r.randint(20, 100)
    k = min(len(near), int(n * r.uniform(0.3, 0.8)))
    ms = _take(_sample(r, near, k) + _sample(r, far, n - k), gid)
    docs = r.sample(c.doctors, min(len(c.doctors), r.randint(1, 2)))
    params = {
        "pool": len(ms),
        "course": [5, r.randint(7, 12)],
        "course_gap": [20, r.randint(30, 60)],
        "keep_on": round(r.uniform(0.6, 0.9), 2),
        "keyed": r.random() < 0.4,  # sessions keyed in after closing, seconds apart
        "herbal": r.random() < 0.3,
    }
    return _plan(ms, [c], docs, params)


def run_rehab(w: World, r: random.Random, pl: dict) -> set[int]:
    pa, c = pl["params"], w.venues[pl["venues"][0]]
    billed: set[int] = set()
    by_day: dict[int, list[int]] = {}
    for i in pl["members"]:
        p = w.persons[i]
        d = pick_day(w, r, 0, w.days - 10)
        while d < w.days:
            n = r.randint(*pa["course"])
            s = 0
            while s < n and d < w.days:
                if (w.start.toordinal() + d - 1) % 7 != 6 and alive(w, p, d):  # no Sunday sessions
                    by_day.setdefault(d, []).append(i)
                    s += 1
                d += 1
            if r.random() > pa["keep_on"]:
                break
            d += r.randint(*pa["course_gap"])
    for d in sorted(by_day):
        t = int(r.uniform(17.5, 19.5) * 3600)
        for i in by_day[d]:
            t = t + r.randint(5, 90) if pa["keyed"] else tod(r, "pclinic")
            its = [
                item(r, code) for code in r.sample(["410000001", "410000002", "410000003", "410000004", "410000005"], 3)
            ]
            if pa["herbal"] and r.random() < 0.3:
                its.append(item(r, "T00000000000001"))
            visit(w, r, w.persons[i], c, r.choice(pl["doctors"]), d * DAY + t, "outpatient",
                  r.choice(["M54.500", "M17.900", "M47.800"]), its, split=False)  # fmt: skip
            billed.add(i)
    return billed


# ---------------------------------------------------------------- 体检中心 fake check-ups


def plan_checkup(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    c = _venue(w, r, "checkup", used)
    vil = _villages(w, r, r.randint(1, 3))
    pool = _free(w, lambda p: p.place in vil and age(w, p) >= 40)
    ms = _take(_sample(r, pool, r.randint(60, 300)), gid)
    docs = r.sample(c.doctors, min(len(c.doctors), r.randint(1, 3)))
    params = {
        "roster": len(ms),
        "days": r.randint(3, 10),
        "per_day": [10, r.randint(20, 60)],
        "gap_s": [30, r.randint(60, 300)],
        "fund_share": round(r.uniform(0.6, 0.8), 2),
    }
    return _plan(ms, [c], docs, params)


def run_checkup(w: World, r: random.Random, pl: dict) -> set[int]:
    pa, c = pl["params"], w.venues[pl["venues"][0]]
    billed: set[int] = set()
    for _ in range(pa["days"]):
        d = pick_day(w, r)
        t = int(r.uniform(9, 16) * 3600)
        for i in r.sample(pl["members"], min(len(pl["members"]), r.randint(*pa["per_day"]))):
            p = w.persons[i]
            if not alive(w, p, d):
                continue
            t += r.randint(*pa["gap_s"])
            its = [item(r, x) for x in ("340100001", "250101001", "250305001", "250310001", "220800001", "220600001")]
            visit(w, r, p, c, r.choice(pl["doctors"]), d * DAY + t, "outpatient", "Z00.000", its,
                  fund_share=pa["fund_share"], split=False)  # fmt: skip
            billed.add(i)
    return billed


# ---------------------------------------------------------------- 药店串换 (daily goods billed as drugs)


def plan_swap(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    shops = [v for v in w.by_cls("pharmacy") if v.idx not in used and w.places[v.place]["kind"] != "village"]
    s = r.choice(shops or w.by_cls("pharmacy"))
    used.add(s.idx)
    near = _free(w, lambda p: p.place == s.place and p.itype == "employee" and 25 <= age(w, p) <= 75)
    far = _free(w, lambda p: p.place != s.place and p.itype == "employee" and 25 <= age(w, p) <= 75)
    n = r.randint(20, 80)
    k = min(len(near), int(n * 0.7))
    ms = _take(_sample(r, near, k) + _sample(r, far, n - k), gid)
    params: dict[str, Any] = {
        "customers": len(ms),
        "every_days": [15, r.randint(25, 45)],
        "boss_cards": r.choice([0, r.randint(5, 15)]),
        "phones_to_boss": r.choice([0.0, 0.3]),
        "goods": r.choice(["device", "health_food", "mixed"]),
    }
    boss_phone = f"{r.getrandbits(40):010x}"
    for p in ms:
        if r.random() < params["phones_to_boss"]:
            p.phone = boss_phone
    return _plan(ms, [s], [], params)


def run_swap(w: World, r: random.Random, pl: dict) -> set[int]:
    pa, s = pl["params"], w.venues[pl["venues"][0]]
    billed: set[int] = set()
    boss = pl["members"][: pa["boss_cards"]]
    codes = {"device": ["XD00000000001"], "health_food": ["XD00000000002"], "mixed": ["XD00000000001", "XD00000000002"]}

    def sale(i: int, t: int) -> None:
        code = r.choice(codes[pa["goods"]])
        purchase(w, r, w.persons[i], s, t, [item(r, code), item(r, "ZA12HAX0123010", qty=r.choice([3, 6]))])
        billed.add(i)

    for i in pl["members"][pa["boss_cards"] :]:
        p = w.persons[i]
        d = r.randrange(0, 30)
        while d < w.days and alive(w, p, d):
            sale(i, d * DAY + tod(r, "pharmacy"))
            d += r.randint(*pa["every_days"])
    if boss:  # the boss's own drawer of cards, swiped after closing early each month (the accounts are credited)
        d = 0
        while d < w.days:
            day = w.start.toordinal() + d
            from datetime import date as _date

            if _date.fromordinal(day).day in (1, 2, 3) and r.random() < 0.6:
                t = d * DAY + int(r.uniform(20, 21.5) * 3600)
                for i in boss:
                    if alive(w, w.persons[i], d):
                        t += r.randint(40, 180)
                        sale(i, t)
            d += 1
    return billed


# ---------------------------------------------------------------- 血透 padding


def _dialysis(w: World, r: random.Random, pl: dict, v: Venue, sunday_pad: float) -> set[int]:
    pa = pl["params"]
    billed: set[int] = set()
    coding = w.knobs["chronic_coding"]
    vt = "outpatient" if coding == "outpatient" else "chronic"
    for n, i in enumerate(pl["members"]):
        p = w.persons[i]
        sched = (0, 2, 4) if n % 2 == 0 else (1, 3, 5)
        shift = pa["shifts"][n % len(pa["shifts"])]
        d0 = 0 if r.random() > 0.15 else r.randrange(w.days // 2)
        doc = pl["doctors"][n % len(pl["doctors"])]
        for d in range(d0, w.days):
            if not alive(w, p, d):
                break
            wd = (w.start.toordinal() + d - 1) % 7  # Monday 0
            t = d * DAY + int(shift * 3600) + r.randint(0, pa["spread_min"] * 60)
            if wd in sched and r.random() < 0.97:
                its = [item(r, "311000001"), item(r, "C0312HD0001"), item(r, "XB03XAA003B001", qty=1)]
                if sunday_pad and r.random() < 0.25:
                    its.append(item(r, "311000003"))
                visit(w, r, p, v, doc, t, vt, "N18.500", its, split=False)
                billed.add(i)
            elif wd == 6 and sunday_pad and r.random() < sunday_pad:  # a session nobody had, keyed on Sunday evening
                its = [item(r, "311000001"), item(r, "C0312HD0001")]
                visit(w, r, p, v, doc, d * DAY + int(20.5 * 3600) + n * r.randint(20, 60), vt, "N18.500", its,
                      split=False)  # fmt: skip
    return billed


def plan_dialysis_pad(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    v = _venue(w, r, "dialysis", used)
    ms = _take(_sample(r, _free(w, lambda p: 35 <= age(w, p) <= 82 and p.death is None), r.randint(20, 60)), gid)
    params = {
        "patients": len(ms),
        "shifts": [7.0, 12.0],
        "spread_min": 30,
        "sunday_share": round(r.uniform(0.3, 0.9), 2),
    }
    return _plan(ms, [v], list(v.doctors), params)


def run_dialysis_pad(w: World, r: random.Random, pl: dict) -> set[int]:
    return _dialysis(w, r, pl, w.venues[pl["venues"][0]], pl["params"]["sunday_share"])


# ---------------------------------------------------------------- 工头收卡 (a foreman's crew's cards)


def plan_foreman(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    mine = r.choice([i for i, p in enumerate(w.places) if p["kind"] == "mine"])
    pool = _free(w, lambda p: p.place == mine and p.group in ("migrant", "mine") and 20 <= age(w, p) <= 55)
    ms = _take(_sample(r, pool, r.randint(10, 40)), gid)
    near = [v for v in w.by_cls("pharmacy") if v.idx not in used]
    shops = r.sample(near, min(len(near), r.randint(1, 3)))
    used.update(v.idx for v in shops)
    params: dict[str, Any] = {
        "cards": len(ms),
        "trip_days": [5, r.randint(8, 20)],
        "per_trip": [3, r.randint(6, 15)],
        "reuse_days": [10, r.randint(20, 40)],
        "gap_min": round(r.uniform(1, 8), 1),
        "spread": r.random() < 0.3,  # over the day instead of minutes apart
        "dorm": r.random() < 0.5,
        "phones_to_foreman": r.choice([0.0, 0.5, 1.0]),
    }
    ph = f"{r.getrandbits(40):010x}"
    for n, p in enumerate(ms):
        if params["dorm"]:
            p.addr = f"dorm-{mine}-{gid}"
        if r.random() < params["phones_to_foreman"]:
            p.phone = ph
    return _plan(ms, shops, [], params)


def run_foreman(w: World, r: random.Random, pl: dict) -> set[int]:
    pa = pl["params"]
    billed: set[int] = set()
    due = {i: r.randrange(0, 20) for i in pl["members"]}
    d = r.randrange(0, 10)
    drugs = ["XA10AEA142B002", "ZA16AAL0056010", "XB01AFA043A001", "XL01XEA045A001"]
    while d < w.days:
        v = w.venues[r.choice(pl["venues"])]
        ready = [i for i in pl["members"] if due[i] <= d and alive(w, w.persons[i], d)]
        t = d * DAY + int(r.uniform(9, 17) * 3600)
        for i in ready[: r.randint(*pa["per_trip"])]:
            t = d * DAY + tod(r, "pharmacy") if pa["spread"] else t + int(r.expovariate(1 / (pa["gap_min"] * 60)))
            code = r.choice(drugs)
            purchase(w, r, w.persons[i], v, t, [item(r, code, mult=2)], fund_share=0.5 if v.chain else 0.0)
            billed.add(i)
            due[i] = d + r.randint(*pa["reuse_days"])
        d += r.randint(*pa["trip_days"])
    return billed


# ---------------------------------------------------------------- 村医 referrals to a 民营医院 (kickback)


def plan_referral(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    h = _venue(w, r, "private", used)
    town = r.choice(sorted({p["town"] for p in w.places if p["kind"] == "village"}))
    clinics = [v for v in w.by_cls("village") if w.places[v.place]["town"] == town]
    clinics = r.sample(clinics, min(len(clinics), r.randint(1, 3)))
    places = {v.place for v in clinics}
    pool = _free(w, lambda p: p.place in places and age(w, p) >= 55)
    ms = _take(_sample(r, pool, r.randint(20, 80)), gid)
    village_docs = [v.doctors[0] for v in clinics]
    hdocs = r.sample(h.doctors, min(len(h.doctors), r.randint(1, 2)))
    params = {"village_doctors": len(village_docs), "referred": len(ms), "times": [1, r.randint(2, 3)],
              "delay_days": [0, r.randint(2, 5)]}  # fmt: skip
    return _plan(ms, [h] + clinics, village_docs + hdocs, params, hdocs=hdocs, clinics=[v.idx for v in clinics])


def run_referral(w: World, r: random.Random, pl: dict) -> set[int]:
    pa, h = pl["params"], w.venues[pl["venues"][0]]
    billed: set[int] = set()
    clinic_of = {w.venues[c].place: w.venues[c] for c in pl["clinics"]}
    for i in pl["members"]:
        p = w.persons[i]
        vc = clinic_of[p.place]
        for _ in range(r.randint(*pa["times"])):
            d = pick_day(w, r, 0, w.days - 6)
            if not alive(w, p, d + 5):
                break
            visit(w, r, p, vc, vc.doctors[0], d * DAY + tod(r, "village"), "outpatient", "R51.x00",
                  [item(r, "110900001"), item(r, "XM01AEA033A001")])  # fmt: skip
            d2 = d + r.randint(*pa["delay_days"])
            its = [item(r, "110200002"), item(r, "210300001"), item(r, "220600001"), item(r, "250401001"),
                   item(r, "ZA12HAX0123010", mult=3)]  # fmt: skip
            visit(w, r, p, h, r.choice(pl["hdocs"]), d2 * DAY + tod(r, "private"), "outpatient", "R51.x00", its)
            billed.add(i)
    return billed


# ================================================================ benign dense care


def plan_pneumo(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    m = w.by_cls("mine")[0]
    pool = _free(w, lambda p: p.group == "mine" and p.sex == "M" and 50 <= age(w, p) <= 85)
    ms = _take(_sample(r, pool, r.randint(40, 150)), gid)
    docs = [d for d in m.doctors if w.doctors[d].dept == "职业病科"][:3] or m.doctors[:2]
    params = {"patients": len(ms), "clinic_week": r.randint(1, 3), "clinic_weekday": r.randint(0, 4),
              "attend": round(r.uniform(0.75, 0.95), 2), "ward_batches": r.randint(1, 3), "batch": [8, r.randint(12, 20)],
              "lavage_share": round(r.uniform(0.1, 0.4), 2)}  # fmt: skip
    return _plan(ms, [m], docs, params)


def run_pneumo(w: World, r: random.Random, pl: dict) -> set[int]:
    pa, m = pl["params"], w.venues[pl["venues"][0]]
    billed: set[int] = set()
    coding = w.knobs["chronic_coding"]
    vt = "outpatient" if coding == "outpatient" else "chronic"
    # the ward takes batches for treatment first (fixed admission days, discharged together)
    order = list(pl["members"])
    r.shuffle(order)
    for b in range(pa["ward_batches"]):
        d = r.randrange(5, max(6, w.days - 25))
        batch, order = order[: r.randint(*pa["batch"])], order[pa["batch"][1] :]
        los = r.randint(10, 18)
        t = int(8.5 * 3600)
        for i in batch:
            p = w.persons[i]
            t += r.randint(120, 1200)
            if not alive(w, p, d + los) or not free_span(p, d, los):
                continue
            extra = [item(r, "310603001"), item(r, "210102001")]
            if r.random() < pa["lavage_share"]:
                extra.append(item(r, "310605011"))
            stay(w, r, p, m, r.choice(pl["doctors"]), d, los, "J60.x00", extra, t0=t)
            billed.add(i)
    # the monthly 职业病 clinic day (the n-th weekday of each month)
    for d in range(w.days):
        day = w.start.toordinal() + d
        from datetime import date as _date

        dt = _date.fromordinal(day)
        if dt.weekday() != pa["clinic_weekday"] or (dt.day - 1) // 7 + 1 != pa["clinic_week"]:
            continue
        for i in pl["members"]:
            p = w.persons[i]
            if alive(w, p, d) and r.random() < pa["attend"] and all(not (a <= d < b) for a, b in p.busy):
                its = [item(r, "110200001"), item(r, "XR03AKA001A001")]
                if r.random() < 0.2:
                    its.append(item(r, "310603001"))
                visit(w, r, p, m, r.choice(pl["doctors"]), d * DAY + int(r.uniform(8, 11) * 3600), vt, "J60.x00", its)
                billed.add(i)
    return billed


def plan_longstay(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    v = w.by_cls("psych")[0]
    ms = _take(_sample(r, _free(w, lambda p: 18 <= age(w, p) <= 78 and p.death is None), r.randint(20, 60)), gid)
    ward = r.choice(["psychiatric", "tuberculosis"])
    params = {"patients": len(ms), "ward": ward, "settle": "monthly", "stay_months": [2, r.randint(6, 14)]}
    return _plan(ms, [v], v.doctors[: r.randint(2, 4)], params)


def run_longstay(w: World, r: random.Random, pl: dict) -> set[int]:
    from datetime import date as _date

    pa, v = pl["params"], w.venues[pl["venues"][0]]
    billed: set[int] = set()
    diag, drug = ("F20.900", "XN05AXA011A001") if pa["ward"] == "psychiatric" else ("A15.000", "XJ04AMA001A001")
    month_starts = [d for d in range(w.days) if _date.fromordinal(w.start.toordinal() + d).day == 1] + [w.days]
    for i in pl["members"]:
        p = w.persons[i]
        adm = 0 if r.random() < 0.6 else r.randrange(w.days // 2)  # already on the ward, or admitted in the window
        months = r.randint(*pa["stay_months"])
        dis = min(w.days - 1, adm + months * 30)
        doc = r.choice(pl["doctors"])
        d = adm
        first = True
        while d < dis:  # 中途结算: the ward settles every stay at each month's end, one settlement per month
            nxt = min([m for m in month_starts if m > d] + [dis])
            end = min(nxt - 1, dis) if nxt < dis else dis
            los = max(1, end - d)
            its = [item(r, "120100001", qty=los), item(r, "120300001", qty=los), item(r, drug, qty=los * 2)]
            t0 = int(r.uniform(9, 16) * 3600) if first else 8 * 3600
            stay(w, r, p, v, doc, d, los, diag, its, t0=t0)
            billed.add(i)
            first = False
            d = end + 1 if nxt < dis else dis
    return billed


def plan_school(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    town = w.places[_villages(w, r, 1)[0]]["town"]  # the town's central school: every village's children
    vil = [i for i, p in enumerate(w.places) if p["kind"] == "village" and p["town"] == town]
    v = next((x for x in w.by_cls("township") if x.name.startswith(f"{town + 1}镇")), w.by_cls("township")[0])
    ms = _take(_free(w, lambda p: p.place in vil and 6 <= age(w, p) <= 15)[: r.randint(150, 500)], gid)
    params = {"pupils": len(ms), "days": r.randint(2, 4), "gap_s": [40, r.randint(80, 150)],
              "fund_share": r.choice([0.0, 0.5])}  # fmt: skip
    return _plan(ms, [v], v.doctors[: r.randint(2, 3)], params)


def run_school(w: World, r: random.Random, pl: dict) -> set[int]:
    pa, v = pl["params"], w.venues[pl["venues"][0]]
    billed: set[int] = set()
    d = pick_day(w, r, 0, w.days - 10)
    while (w.start.toordinal() + d) % 7 in (0, 6):
        d += 1
    per = -(-len(pl["members"]) // pa["days"])
    for n, i in enumerate(pl["members"]):
        day = d + n // per
        if n % per == 0:
            t = int(8 * 3600)
        t += r.randint(*pa["gap_s"])
        its = [item(r, "340100001"), item(r, "250101001")]
        visit(w, r, w.persons[i], v, pl["doctors"][n % len(pl["doctors"])], day * DAY + t, "outpatient", "Z00.100",
              its, fund_share=pa["fund_share"], split=False)  # fmt: skip
        billed.add(i)
    return billed


def plan_family(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    vil = _villages(w, r, r.randint(1, 3))
    town = w.places[vil[0]]["town"]
    v = next((x for x in w.by_cls("township") if x.name.startswith(f"{town + 1}镇")), w.by_cls("township")[0])
    pool = _free(w, lambda p: p.place in vil and age(w, p) >= 60)
    ms = _take(_sample(r, pool, r.randint(30, 120)), gid)
    params = {"signed": len(ms), "day_of_month": r.randint(5, 25), "attend": round(r.uniform(0.7, 0.95), 2),
              "team": min(3, len(v.doctors))}  # fmt: skip
    return _plan(ms, [v], v.doctors[: min(3, len(v.doctors))], params, vil=vil)


def run_family(w: World, r: random.Random, pl: dict) -> set[int]:
    from datetime import date as _date

    pa, v = pl["params"], w.venues[pl["venues"][0]]
    billed: set[int] = set()
    coding = w.knobs["chronic_coding"]
    for d in range(w.days):
        if _date.fromordinal(w.start.toordinal() + d).day != pa["day_of_month"]:
            continue
        for vi, place in enumerate(pl["vil"]):  # the team visits one village a day, in turn
            dd = d + vi
            t = int(8.5 * 3600)
            for i in pl["members"]:
                p = w.persons[i]
                if p.place != place or dd >= w.days or not alive(w, p, dd) or r.random() > pa["attend"]:
                    continue
                t += r.randint(180, 900)
                diag, drug = ("E11.900", "XA10BAA045A001") if p.idx % 3 == 0 else ("I10.x00", "XC08CAA148A001")
                vt = "chronic" if coding == "chronic" or (coding == "mixed" and p.idx % 2) else "outpatient"
                its = [item(r, "110900001"), item(r, drug), item(r, "250302001")]
                visit(w, r, p, v, pl["doctors"][vi % len(pl["doctors"])], dd * DAY + t, vt, diag, its, split=False)
                billed.add(i)
    return billed


def plan_migrant(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    free = _free(w, lambda p: p.group == "migrant")
    mines = [i for i, p in enumerate(w.places) if p["kind"] == "mine"]
    mine = max(mines, key=lambda m: (sum(p.place == m for p in free), -m))  # the area with most workers left
    pool = [p for p in free if p.place == mine]
    ms = _take(_sample(r, pool, r.randint(60, 250)), gid)
    dorms = r.randint(2, 8)
    for n, p in enumerate(ms):
        p.addr = f"dorm-{mine}-{gid}-{n % dorms}"
    clinic = next(v for v in w.by_cls("factory") if v.place == mine)
    shop = next((v for v in w.by_cls("pharmacy") if v.place == mine), w.by_cls("pharmacy")[0])
    params = {"workers": len(ms), "dorms": dorms, "visits": [1, r.randint(3, 6)], "crew": [3, r.randint(5, 10)]}
    return _plan(ms, [clinic, shop], clinic.doctors[:2], params)


def run_migrant(w: World, r: random.Random, pl: dict) -> set[int]:
    pa = pl["params"]
    clinic, shop = (w.venues[x] for x in pl["venues"])
    billed: set[int] = set()
    crews = [pl["members"][i : i + 8] for i in range(0, len(pl["members"]), 8)]
    for crew in crews:  # a crew comes off the shift together now and then: colds, sprains, cuts
        for _ in range(r.randint(*pa["visits"])):
            d = pick_day(w, r)
            t = d * DAY + int(r.uniform(19, 20.5) * 3600)
            for i in r.sample(crew, min(len(crew), r.randint(*pa["crew"]))):
                p = w.persons[i]
                if not alive(w, p, d):
                    continue
                t += r.randint(60, 420)
                its = [item(r, "110900001"), item(r, r.choice(["XM01AEA033A001", "XJ01CAA040A001", "ZA06AAC0217010"]))]
                visit(w, r, p, clinic, r.choice(pl["doctors"]), t, "outpatient", r.choice(["S93.400", "J06.900", "S61.000"]),
                      its)  # fmt: skip
                billed.add(i)
                if r.random() < 0.3:
                    purchase(w, r, p, shop, t + r.randint(600, 3600), [item(r, "XM01AEA033A001")])
    return billed


def plan_dialysis_public(w: World, r: random.Random, gid: str, used: set[int]) -> dict:
    v = w.by_cls("city")[0]
    ms = _take(_sample(r, _free(w, lambda p: 30 <= age(w, p) <= 85 and p.death is None), r.randint(30, 80)), gid)
    docs = [d for d in v.doctors if w.doctors[d].dept == "肾内科"][:3] or v.doctors[:2]
    params = {"patients": len(ms), "shifts": [7.0, 12.0, 17.0], "spread_min": 20}
    return _plan(ms, [v], docs, params)


def run_dialysis_public(w: World, r: random.Random, pl: dict) -> set[int]:
    return _dialysis(w, r, pl, w.venues[pl["venues"][0]], 0.0)


PLANS: dict[str, Callable[..., dict]] = {
    "bus_admission": plan_bus,
    "cataract_campaign": plan_cataract,
    "phantom_rehab": plan_rehab,
    "fake_checkup": plan_checkup,
    "goods_swap": plan_swap,
    "dialysis_padding": plan_dialysis_pad,
    "foreman_cards": plan_foreman,
    "village_referral": plan_referral,
    "pneumoconiosis": plan_pneumo,
    "long_stay_ward": plan_longstay,
    "school_checkup": plan_school,
    "family_doctor": plan_family,
    "migrant_dorm": plan_migrant,
    "dialysis_public": plan_dialysis_public,
}
RUNS: dict[str, Callable[..., set[int]]] = {
    "bus_admission": run_bus,
    "cataract_campaign": run_cataract,
    "phantom_rehab": run_rehab,
    "fake_checkup": run_checkup,
    "goods_swap": run_swap,
    "dialysis_padding": run_dialysis_pad,
    "foreman_cards": run_foreman,
    "village_referral": run_referral,
    "pneumoconiosis": run_pneumo,
    "long_stay_ward": run_longstay,
    "school_checkup": run_school,
    "family_doctor": run_family,
    "migrant_dorm": run_migrant,
    "dialysis_public": run_dialysis_public,
}
_ = CAT  # the catalogue is make's; plant only names codes in it
