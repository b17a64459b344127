"""Make one ninthworld: a coastal manufacturing 镇 of migrant workers, its factories, dorms and 股份社 villages.

`python -m benchmarks.ninthworld.make --seed 3 --persons 30000 --out DIR` writes the contract's tables as CSV
(`persons`, `facilities`, `pharmacies`, `doctors`, `claims`, and `claim_items` in most worlds) and `truth.json`
(knobs, summary, planted rings, benign groups). Written from /work/shared/data-contract.md, design.md and the other
generators' READMEs only (to choose different assumptions). Every draw comes from a string-seeded `random.Random`
per part, so the same seed and size give byte-identical files in any process; the knobs do not depend on the size.
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import generator_main
from benchmarks._common import plant_all as common_plant_all

from .care import ordinary_care
from .export import write_world
from .groups import BENIGN_FN, KIND, RING_FN, SCHEMES
from .town import HOMETOWNS, LUNAR_NEW_YEAR, PLACES, Doctor, Person, Venue, World, age, rng

BENIGN = list(BENIGN_FN)
__all__ = ["BENIGN", "KIND", "SCHEMES", "build", "draw_knobs", "make", "write_world"]
OPTIONAL_DROP = {
    "persons.sex": 0.15, "persons.region": 0.15, "persons.insured_type": 0.3, "persons.address": 0.25,
    "persons.death_date": 0.3, "facilities.name": 0.2, "facilities.kind": 0.3, "facilities.level": 0.35,
    "facilities.ownership": 0.4, "facilities.region": 0.4, "facilities.beds": 0.5, "pharmacies.name": 0.2,
    "pharmacies.chain": 0.4, "pharmacies.region": 0.4, "doctors.facility_id": 0.2, "doctors.name": 0.5,
    "doctors.title": 0.5, "doctors.department": 0.4, "claims.holder_id": 0.35, "claims.doctor_id": 0.08,
    "claims.end_time": 0.1, "claims.account_amount": 0.4, "claims.diagnosis": 0.2, "claims.terminal_id": 0.45,
}  # fmt: skip


def draw_knobs(seed: int, persons: int, override: dict | None = None) -> dict[str, Any]:
    """The world's assumptions, drawn from the seed alone (``persons`` is not used: knobs do not scale)."""
    r = rng(seed, "knobs")
    rings = {r.choice(["account_buyout", "payday_goods"]), r.choice(["agency_clinic", "dental_phantom"])}
    rings.add(r.choice(["weekend_beds", "remote_phantom", "elderly_retreat"]))
    if r.random() < 0.7:
        rings.add("gate_steering")
    for s in SCHEMES:
        if s not in rings and r.random() < 0.4:
            rings.add(s)
    rest = [s for s in SCHEMES if s not in rings]
    r.shuffle(rest)
    while len(rings) < 5:
        rings.add(rest.pop())
    benign = [b for b in BENIGN if r.random() < 0.7]
    more = [b for b in BENIGN if b not in benign]
    r.shuffle(more)
    while len(benign) < 4:
        benign.append(more.pop())
    k: dict[str, Any] = {
        "rings": [s for s in SCHEMES if s in rings],
        "benign": [b for b in BENIGN if b in benign],
        "place": r.randrange(len(PLACES)),
        "start": r.choice(["2024-09-01", "2024-10-01", "2024-11-01", "2024-12-01", "2025-03-01", "2025-07-01"]),
        "months": r.choice([6, 8, 10, 12]),
        "zones": r.randint(3, 6),
        "factories": r.randint(12, 36),
        "villages": r.randint(4, 9),
        "migrant_share": round(r.uniform(0.55, 0.78), 3),
        "dorm_share": round(r.uniform(0.35, 0.75), 3),
        "kin_remote": round(r.uniform(0.4, 0.85), 3),  # share of workers' kin insured at home (异地就医)
        "lny_leave": round(r.uniform(0.55, 0.85), 3),  # migrants home for 春节
        "no_return": round(r.uniform(0.08, 0.25), 3),  # of those, who never come back
        "turnover": round(r.uniform(0.15, 0.35), 3),
        "dual_ids": round(r.uniform(0.0, 0.05), 3),  # re-enrolled workers with a second card number
        "payday": r.randint(5, 15),  # the day the personal account is credited
        "payday_pull": round(r.uniform(0.15, 0.5), 3),  # workers' pharmacy sales pulled to the days after it
        "drip_share": round(r.uniform(0.15, 0.4), 3),  # clinic visits with a drip (输液)
        "remote_n": r.randint(60, 200),  # identities a hometown broker supplies (used by remote_phantom only)
        "time_mode": r.choice(["second", "second", "minute", "date"]),
        "time_T": r.random() < 0.3,
        "person_ids": r.choice(["nat20", "card", "hash"]),
        "doctor_ids": r.choice(["nat", "cert15", "hash8"]),
        "claim_ids": r.choice(["venue_year", "year_seq", "digits18"]),
        "item_codes": r.choice(["national", "local", "mixed"]),
        "items": r.random() < 0.65,
        "trace_codes": r.random() < 0.5,
        "phones": r.choice(["hash", "hash", "masked", "none"]),
        "dorm_address": r.choice(["building", "room"]),
        "icd": r.choice(["dotted", "nodot", "ext"]),
        "birth_year": r.random() < 0.2,
        "bom": r.random() < 0.4,
        "crlf": r.random() < 0.25,
        "row_order": r.choice(["time", "venue", "patient"]),
        "drop": sorted(c for c, p in OPTIONAL_DROP.items() if r.random() < p),
    }
    if override:
        k.update(override)
    return k


def _venue(w: World, r: random.Random, cls: str, zone: int, name: str, depts: list[str], n_docs: int, **kw: Any) -> int:
    kind = {"town_hosp": "hospital", "priv_hosp": "hospital", "occ": "specialty", "rehab": "specialty",
            "dental": "specialty", "chc": "community", "station": "community", "pharmacy": "pharmacy"}.get(cls, "clinic")  # fmt: skip
    v = Venue(kind, cls, name, zone, region=w.knobs["region"], **kw)
    vi = len(w.venues)
    w.venues.append(v)
    for j in range(n_docs):
        title = r.choice(["主任医师", "副主任医师", "主治医师", "医师", "医师"]) if kind != "clinic" else "医师"
        name_ = r.choice("陈李黄张林王刘吴周何梁罗郭曾") + r.choice("志伟建国海明春秀丽玉华俊杰宏文")
        w.doctors.append(Doctor(vi, depts[j % len(depts)], title, name_ + ("" if j < 15 else r.choice("一二三"))))
        v.docs.append(len(w.doctors) - 1)
    return vi


def build_place(w: World) -> None:
    r = rng(w.seed, "place")
    k = w.knobs
    town = PLACES[k["place"]][0]
    old = -1
    _venue(w, r, "town_hosp", old, f"{town}人民医院", ["内科", "外科", "儿科", "妇产科", "骨科", "急诊科", "康复科", "中医科",
           "口腔科"], r.randint(45, 75), level=2, own="public", beds=r.randint(300, 600))  # fmt: skip
    _venue(
        w,
        r,
        "occ",
        old,
        f"{town}职业病防治院",
        ["职业病科", "内科"],
        r.randint(8, 14),
        level=2,
        own="public",
        beds=r.randint(60, 150),
    )
    for j, nm in enumerate(["骨科医院", "妇产医院", "综合医院"][: r.randint(2, 3)]):
        _venue(w, r, "priv_hosp", old, f"{town}{r.choice('仁康华协爱')}{r.choice('和民安济')}{nm}",
               ["内科", "外科", "骨科", "妇产科", "中医科", "康复科"], r.randint(10, 24), level=r.choice([1, 0]),
               beds=r.randint(80, 220))  # fmt: skip
    _venue(w, r, "rehab", old, f"{town}康复医院", ["康复科"], r.randint(5, 10), level=1, beds=r.randint(40, 90))
    for j in range(r.randint(1, 2)):
        _venue(w, r, "chc", old, f"{town}社区卫生服务中心{'一二'[j]}", ["全科", "中医科", "儿科"], r.randint(8, 14), level=1,
               own="public", beds=r.randint(0, 30))  # fmt: skip
    for z in range(k["zones"]):
        area = f"{town}第{z + 1}工业区"
        for j in range(r.randint(1, 3)):
            _venue(w, r, "station", z, f"{area}社区卫生服务站{j + 1}", ["全科"], r.randint(1, 3), own="public")
        for j in range(r.randint(1, 2)):
            _venue(w, r, "mzb", z, f"{area}{r.choice('康民仁惠益')}{r.choice('安泰和心')}门诊部", ["内科", "外科", "中医科"],
                   r.randint(2, 5))  # fmt: skip
        for j in range(r.randint(2, 4)):
            _venue(
                w,
                r,
                "clinic",
                z,
                f"{area}{r.choice('张李陈刘王')}{r.choice('氏家')}诊所{j + 1}",
                ["全科"],
                r.randint(1, 2),
            )
    for j in range(r.randint(2, 3)):
        _venue(w, r, "dental", r.randrange(-1, k["zones"]), f"{town}{r.choice('美皓洁贝')}{r.choice('齿牙')}口腔门诊部",
               ["口腔科"], r.randint(2, 5))  # fmt: skip
    chains = r.sample(["大参林", "益丰大药房", "国大药房", "老百姓大药房", "海王星辰"], r.randint(2, 3))
    for z in [-1] + list(range(k["zones"])):
        for j in range(r.randint(6, 12) if z < 0 else r.randint(4, 9)):
            ch = r.choice(chains) if r.random() < 0.55 else ""
            nm = f"{ch or r.choice('百信惠仁康')}{r.choice('民济心')}药房{'老城' if z < 0 else f'{z + 1}区'}{j + 1}店"
            _venue(w, r, "pharmacy", z, nm, [], 0, chain=ch)
    # factories: a heavy-tailed size; the biggest keep an in-house 医务室 (designated clinic)
    for f in range(k["factories"]):
        z = r.randrange(k["zones"])
        w.factories.append({"zone": z, "weight": r.paretovariate(1.2), "clinic": -1})
    for f in sorted(range(len(w.factories)), key=lambda f: -w.factories[f]["weight"])[: r.randint(1, 3)]:
        w.factories[f]["clinic"] = _venue(w, r, "factory", w.factories[f]["zone"], f"第{f + 1}厂医务室", ["全科"], 1)


def _person(w: World, r: random.Random, **kw: Any) -> int:
    w.persons.append(Person(**kw))
    return len(w.persons) - 1


def _birth(w: World, r: random.Random, lo: int, hi: int) -> date:
    return w.start - timedelta(days=int(r.uniform(lo, hi) * 365.25))


def _phone(w: World) -> int:
    w.n_phone += 1
    return w.n_phone - 1


def _addr(w: World) -> int:
    w.n_addr += 1
    return w.n_addr - 1


def build_people(w: World, n: int) -> None:
    r = rng(w.seed, "people")
    k = w.knobs
    local = k["region"]
    fw = [f["weight"] for f in w.factories]
    dorm_keys: dict[int, list[int]] = {}  # factory -> its open dorm building's address key and fill
    w.villages = [[] for _ in range(k["villages"])]
    remote = k["remote_n"] if "remote_phantom" in k["rings"] else 0
    ht = r.randrange(len(HOMETOWNS))  # the broker's home county
    for _ in range(min(remote, n // 4)):
        _person(w, r, sex=r.choice("MF"), born=_birth(w, r, 50, 82), role="remote", itype="resident",
                region=HOMETOWNS[ht][0], zone=-2, home=_addr(w), phone=_phone(w) if r.random() < 0.7 else -1,
                hometown=ht)  # fmt: skip
    k["remote_hometown"] = HOMETOWNS[ht][0] if remote else ""
    while len(w.persons) < n:
        if r.random() < k["migrant_share"]:
            f = r.choices(range(len(fw)), weights=fw)[0]
            z, hti = w.factories[f]["zone"], r.randrange(len(HOMETOWNS))
            kind = r.random()
            if kind < 0.55 and r.random() < k["dorm_share"]:  # a single worker in the factory's dorm
                key = dorm_keys.get(f)
                if key is None or key[1] >= (300 if k["dorm_address"] == "building" else 10):
                    key = dorm_keys[f] = [_addr(w), 0, len(w.dorms)]
                    w.dorms.append([])
                key[1] += 1
                i = _person(w, r, sex=r.choice("MMF"), born=_birth(w, r, 18, 45), role="worker", itype="employee",
                            region=local, zone=z, home=key[0], phone=_phone(w), factory=f, hometown=hti, dorm=key[2])  # fmt: skip
                w.dorms[key[2]].append(i)
                if r.random() < k["dual_ids"]:  # re-enrolled later under a second card number
                    p = w.persons[i]
                    a = _person(w, r, sex=p.sex, born=p.born, role="worker", itype="employee", region=local, zone=z,
                                home=p.home if r.random() < 0.5 else _addr(w),
                                phone=p.phone if r.random() < 0.6 else _phone(w), factory=f, hometown=hti,
                                dorm=key[2], primary=i)  # fmt: skip
                    p.alias = a
                continue
            room = _addr(w)
            adults = [_person(w, r, sex=s, born=_birth(w, r, 20, 50), role="worker", itype="employee", region=local,
                              zone=z, home=room, phone=_phone(w), factory=f if s == "M" or r.random() < 0.6 else r.choices(range(len(fw)), weights=fw)[0],
                              hometown=hti) for s in (["M", "F"] if kind >= 0.55 or r.random() < 0.5 else [r.choice("MF")])]  # fmt: skip
            if kind > 0.72:
                for _ in range(r.choice([1, 1, 2])):
                    rem = r.random() < k["kin_remote"]
                    _person(w, r, sex=r.choice("MF"), born=_birth(w, r, 0.5, 14), role="kin" if rem else "child",
                            itype="resident", region=HOMETOWNS[hti][0] if rem else local, zone=z, home=room, phone=-1,
                            hometown=hti, parent=adults[0])  # fmt: skip
            if kind > 0.93:
                _person(w, r, sex=r.choice("MF"), born=_birth(w, r, 55, 78), role="kin", itype="resident",
                        region=HOMETOWNS[hti][0], zone=z, home=room, phone=_phone(w) if r.random() < 0.6 else -1,
                        hometown=hti, parent=adults[0], chronic=r.random() < 0.35)  # fmt: skip
        else:
            v = r.randrange(k["villages"])
            home = _addr(w)
            fam = [_person(w, r, sex=r.choice("MF"), born=_birth(w, r, 60, 90), role="elder",
                           itype="employee" if r.random() < 0.4 else "resident", region=local, zone=-1, home=home,
                           phone=_phone(w) if r.random() < 0.8 else -1, village=v, chronic=r.random() < 0.35)
                   for _ in range(r.choice([0, 1, 2, 2]))]  # fmt: skip
            fam += [_person(w, r, sex=r.choice("MF"), born=_birth(w, r, 28, 60), role="local",
                            itype="employee" if r.random() < 0.7 else "resident", region=local, zone=-1, home=home,
                            phone=_phone(w), village=v, chronic=r.random() < 0.08) for _ in range(r.choice([1, 2, 2]))]  # fmt: skip
            fam += [_person(w, r, sex=r.choice("MF"), born=_birth(w, r, 0.5, 17), role="child", itype="resident",
                            region=local, zone=-1, home=home, phone=-1, village=v, parent=len(w.persons) - 1)
                    for _ in range(r.choice([0, 1, 1, 2]))]  # fmt: skip
            w.villages[v] += fam
    del w.persons[n:]
    for vs in w.villages:
        vs[:] = [i for i in vs if i < n]
    w.dorms = [[i for i in d if i < n] for d in w.dorms]
    for p in w.persons:
        if p.alias >= n:
            p.alias = -1
    _presence(w, r)


def _presence(w: World, r: random.Random) -> None:
    """Spells of work (hires and quits), the 春节 trip home, deaths, and second card numbers."""
    k = w.knobs
    for p in w.persons:
        if p.primary >= 0 or (p.parent >= 0 and p.role in ("kin", "child") and w.persons[p.parent].role == "worker"):
            continue  # they follow their worker, below
        if p.role == "worker":
            if r.random() < k["turnover"] / 2:
                p.arrive = r.randrange(w.days)
            if r.random() < k["turnover"]:
                p.leave = r.randint(min(p.arrive + 30, w.days), w.days + 30)
            if 0 <= w.lny < w.days and r.random() < k["lny_leave"]:
                go = w.lny - r.randint(4, 18)
                if r.random() < k["no_return"]:
                    p.leave = min(p.leave, go)
                else:
                    p.away = (go, w.lny + r.randint(6, 25))
                if p.arrive >= go:  # hired after the holiday instead
                    p.arrive, p.away = w.lny + r.randint(8, 40), None
        if p.role == "elder" and r.random() < (0.05 if age(w, p) > 78 else 0.015):
            p.death = r.randrange(w.days)
    for p in w.persons:
        if p.parent >= 0 and p.role in ("kin", "child") and w.persons[p.parent].role == "worker":
            q = w.persons[p.parent]
            p.arrive, p.leave, p.away = q.arrive, q.leave, q.away
    for p in w.persons:
        if p.primary >= 0:  # the second card number takes over at a drawn day of the worker's spell
            q = w.persons[p.primary]
            p.arrive, p.leave, p.away = q.arrive, q.leave, q.away
            hi = min(q.leave, w.days)
            q.switch = r.randint(q.arrive + 20, hi - 20) if hi - q.arrive > 60 else 10**6
            if q.switch >= 10**6:
                q.alias = -1


def plant_all(w: World) -> None:
    common_plant_all(w, rng, RING_FN, BENIGN_FN)


def build(seed: int, persons: int, override: dict | None = None) -> World:
    k = draw_knobs(seed, persons, override)
    k["region"] = PLACES[k["place"]][1]
    start = date.fromisoformat(k["start"])
    y, m = start.year, start.month + k["months"]
    end = date(y + (m - 1) // 12, (m - 1) % 12 + 1, 1)
    w = World(seed, k, start, (end - start).days)
    lny = [d for d in LUNAR_NEW_YEAR if start <= d < end]
    w.lny = (lny[0] - start).days if lny else -(10**6)
    build_place(w)
    build_people(w, persons)
    plant_all(w)  # groups first: their members are taken before ordinary care is drawn (they keep it too)
    ordinary_care(w)
    return w


def make(seed: int, persons: int, out: Path, override: dict | None = None) -> dict[str, Any]:
    return write_world(build(seed, persons, override), out)


def main(argv: list[str] | None = None) -> int:
    return generator_main(make, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
