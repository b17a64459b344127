"""Make one eleventhworld: a megacity's new district (新区) of young white-collar workers, 互联网医院 visits,
DRG-paid hospitals, 长护险 home care, 随迁老人 and 异地就医 patients.

`python -m benchmarks.eleventhworld.make --seed 3 --persons 30000 --out DIR` writes the contract's tables as CSV
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
from .district import (
    HOME_REGIONS,
    NATIONAL_DAY,
    PLACES,
    PLATFORM_REGIONS,
    SPRING,
    Doctor,
    Person,
    Venue,
    World,
    age,
    day_of,
    present,
    rng,
)
from .export import write_world
from .groups import BENIGN_FN, KIND, RING_FN, SCHEMES

BENIGN = list(BENIGN_FN)
__all__ = ["BENIGN", "KIND", "SCHEMES", "build", "draw_knobs", "make", "write_world"]
OPTIONAL_DROP = {
    "persons.sex": 0.1, "persons.region": 0.15, "persons.insured_type": 0.2, "persons.death_date": 0.4,
    "persons.address": 0.15, "facilities.name": 0.2, "facilities.kind": 0.2, "facilities.level": 0.25,
    "facilities.ownership": 0.3, "facilities.region": 0.45, "facilities.beds": 0.4, "pharmacies.name": 0.2,
    "pharmacies.chain": 0.25, "pharmacies.region": 0.45, "doctors.facility_id": 0.1, "doctors.name": 0.5,
    "doctors.title": 0.35, "doctors.department": 0.25, "claims.holder_id": 0.15, "claims.doctor_id": 0.05,
    "claims.end_time": 0.06, "claims.account_amount": 0.25, "claims.diagnosis": 0.12, "claims.terminal_id": 0.4,
}  # fmt: skip


def draw_knobs(seed: int, persons: int, override: dict | None = None) -> dict[str, Any]:
    """The world's assumptions, drawn from the seed alone (``persons`` is not used: knobs do not scale)."""
    r = rng(seed, "knobs")
    rings = {r.choice(["online_scripts", "account_pooling"]), r.choice(["ltc_phantom", "park_massage"])}
    rings.add(r.choice(["cataract_drive", "drg_split"]))
    if r.random() < 0.7:
        rings.add("followup_steering")
    for s in SCHEMES:
        if s not in rings and r.random() < 0.35:
            rings.add(s)
    rest = [s for s in SCHEMES if s not in rings]
    r.shuffle(rest)
    while len(rings) < 5:
        rings.add(rest.pop())
    benign = [b for b in BENIGN if r.random() < 0.8]
    more = [b for b in BENIGN if b not in benign]
    r.shuffle(more)
    while len(benign) < 4:
        benign.append(more.pop())
    k: dict[str, Any] = {
        "rings": [s for s in SCHEMES if s in rings],
        "benign": [b for b in BENIGN if b in benign],
        "place": r.randrange(len(PLACES)),
        "start": r.choice(["2024-06-01", "2024-08-01", "2024-09-01", "2024-11-01", "2025-01-01", "2025-03-01"]),
        "months": r.choice([6, 8, 10, 12]),
        "streets": r.randint(3, 5),
        "parks": r.randint(1, 3),  # 科技园 / 产业园 where the firms and their 门诊部 are
        "firms": r.randint(18, 40),
        "young_share": round(r.uniform(0.42, 0.6), 3),  # households of young workers (single or couple)
        "family_share": round(r.uniform(0.18, 0.3), 3),  # young families with children
        "grandparent": round(r.uniform(0.3, 0.6), 3),  # of those, a 随迁 grandparent insured at home
        "remote_share": round(r.uniform(0.04, 0.1), 3),  # persons who are 异地就医 patients (never live here)
        "talent_flats": round(r.uniform(0.2, 0.5), 3),  # young singles in 人才公寓 blocks
        "spring_home": round(r.uniform(0.4, 0.75), 3),  # 新市民 households home for 春节
        "online": round(r.uniform(0.2, 0.45), 3),  # young adults' outpatient visits on a 互联网医院
        "gongji": round(r.uniform(0.4, 0.8), 3),  # a child's or parent's claims paid from a worker's account (共济)
        "chronic": round(r.uniform(0.35, 0.55), 3),  # local elders with a chronic disease
        "cert": round(r.uniform(0.3, 0.55), 3),  # of those, with a 门诊慢特病 certificate
        "disabled": round(r.uniform(0.04, 0.09), 3),  # local elders 70+ assessed 失能 (长护险)
        "acct_day": r.randint(5, 20),  # the day workers' personal accounts are credited each month
        "time_mode": r.choice(["second", "t_second", "t_second", "minute", "date"]),
        "person_ids": r.choice(["psn20", "ecard", "mixed"]),
        "claim_ids": r.choice(["platform", "setl", "hex"]),
        "drg_items": r.random() < 0.6,  # fee lines of stays exported (else only the DRG settlement row)
        "items": r.random() < 0.75,
        "phones": r.choice(["hash", "hash", "hash", "none"]),
        "icd": r.choice(["ext", "dotted"]),
        "birth_year": r.random() < 0.2,
        "bom": r.random() < 0.45,
        "crlf": r.random() < 0.3,
        "row_order": r.choice(["claim_id", "venue", "time", "patient"]),
        "drop": sorted(c for c, p in OPTIONAL_DROP.items() if r.random() < p),
    }
    if override:
        k.update(override)
    return k


SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗"
GIVEN = "子梓浩宇欣怡思涵雨轩博文嘉佳琪晨昊然婷伟芳"


def _venue(w: World, r: random.Random, cls: str, street: int, name: str, depts: list[str], n_docs: int,
           region: str | None = None, **kw: Any) -> int:  # fmt: skip
    kind = {"tertiary": "hospital", "district": "hospital", "private": "hospital", "net": "hospital",
            "eye": "specialty", "ltc": "specialty", "chc": "community", "platform": "clinic"}.get(cls, "clinic")  # fmt: skip
    if cls in ("pharmacy", "o2o", "dtp", "night"):
        kind = "pharmacy"
    v = Venue(kind, cls, name, street, region=w.knobs["region"], **kw)
    vi = len(w.venues)
    w.venues.append(v)
    for j in range(n_docs):
        if cls == "ltc":
            title = "护理员" if r.random() < 0.8 else "护士"
        else:
            title = r.choice(["主任医师", "副主任医师", "主治医师", "住院医师"]) if kind == "hospital" else "医师"
        nm = r.choice(SURNAMES) + r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.7 else "")
        w.doctors.append(Doctor(vi, depts[j % len(depts)], title, nm, region or w.knobs["region"]))
        v.docs.append(len(w.doctors) - 1)
    return vi


def build_place(w: World) -> None:
    r = rng(w.seed, "place")
    k = w.knobs
    dist, _, city = PLACES[k["place"]]
    t = _venue(w, r, "tertiary", 0, f"{city}医科大学附属第一医院{dist}院区", ["内分泌科", "心内科", "肿瘤科", "眼科",
               "生殖医学中心", "神经内科", "骨科", "消化内科", "儿科", "急诊科", "呼吸内科", "普外科"],
               r.randint(70, 110), level=3, own="public", beds=r.randint(900, 1500))  # fmt: skip
    _venue(w, r, "net", 0, f"{city}医科大学附属第一医院互联网医院", [], 0, level=3, own="public", base=t)
    _venue(w, r, "district", 1 % k["streets"], f"{city}市{dist}人民医院", ["内科", "外科", "儿科", "妇产科",
           "骨科", "急诊科", "中医科"], r.randint(40, 60), level=2, own="public", beds=r.randint(400, 700))  # fmt: skip
    for j in range(r.randint(1, 2)):
        _venue(w, r, "private", r.randrange(k["streets"]), f"{dist}{r.choice('新安康博')}{r.choice('华瑞泰和')}医院",
               ["内科", "康复医学科", "骨科", "神经内科"], r.randint(10, 22), level=r.choice([2, 1]),
               beds=r.randint(100, 300))  # fmt: skip
    _venue(w, r, "eye", r.randrange(k["streets"]), f"{dist}{r.choice('明亮光华')}眼科医院", ["眼科"],
           r.randint(4, 8), level=0, beds=r.randint(30, 60))  # fmt: skip
    _venue(w, r, "platform", 0, f"{r.choice(['好医', '微问', '云诊', '安心'])}互联网医院", ["全科", "内分泌科", "皮肤科"],
           r.randint(6, 12), region=r.choice(PLATFORM_REGIONS))  # fmt: skip
    for s in range(k["streets"]):
        street = f"{dist}第{s + 1}街道"
        _venue(w, r, "chc", s, f"{street}社区卫生服务中心", ["全科", "中医科", "儿保科"], r.randint(8, 14), level=1,
               own="public", beds=r.randint(0, 20))  # fmt: skip
        for j in range(r.randint(1, 2)):
            _venue(
                w, r, "clinic", s, f"{street}{r.choice(SURNAMES)}{r.choice(['氏', ''])}诊所", ["全科"], r.randint(1, 2)
            )
    for p in range(k["parks"]):
        for j in range(r.randint(1, 2)):
            _venue(w, r, "mzb", p % k["streets"], f"{dist}{r.choice('云科智创')}{r.choice('谷园')}{p + 1}号"
                   f"{r.choice(['综合', '中医', '康复'])}门诊部{j + 1}", ["全科", "中医科", "理疗科"], r.randint(2, 5))  # fmt: skip
    for j in range(r.randint(2, 4)):
        _venue(w, r, "ltc", r.randrange(k["streets"]), f"{dist}{r.choice('乐康福颐')}{r.choice('护理站家')}"
               f"居家护理服务中心{j + 1}", ["居家护理"], r.randint(6, 14))  # fmt: skip
    chains = r.sample(["大参林", "一心堂", "老百姓大药房", "益丰大药房", "海王星辰", "国大药房"], r.randint(2, 3))
    chain_share = r.uniform(0.7, 0.9)
    for s in range(k["streets"]):
        for j in range(r.randint(4, 9)):
            ch = r.choice(chains) if r.random() < chain_share else ""
            _venue(w, r, "pharmacy", s, f"{ch or r.choice('仁心德济')}{r.choice('民康堂')}药房{s + 1}-{j + 1}", [], 0,
                   chain=ch)  # fmt: skip
    _venue(w, r, "o2o", 0, f"{chains[0]}网订店送药房", [], 0, chain=chains[0])
    _venue(w, r, "dtp", 0, f"{chains[-1]}DTP专业药房", [], 0, chain=chains[-1])
    _venue(w, r, "night", 0, f"{chains[0]}科技园24小时药房", [], 0, chain=chains[0])
    w.knobs["chain_share"] = round(chain_share, 3)


def _person(w: World, **kw: Any) -> int:
    w.persons.append(Person(**kw))
    return len(w.persons) - 1


def _birth(w: World, r: random.Random, lo: float, hi: float) -> date:
    return w.start - timedelta(days=int(r.uniform(lo, hi) * 365.25))


def _new(w: World, what: str) -> int:
    if what == "phone":
        w.n_phone += 1
        return w.n_phone - 1
    w.n_addr += 1
    return w.n_addr - 1


def _firm(w: World, r: random.Random) -> int:
    """A worker's employer: firms of heavy-tailed size (a few big tech firms, many start-ups)."""
    n = len(w.companies)
    return min(int(r.paretovariate(1.1)) - 1, n - 1) if r.random() < 0.7 else r.randrange(n)


def _young(w: World, r: random.Random, sex: str, s: int, home: int, b: int) -> int:
    emp = r.random() < 0.93
    i = _person(w, sex=sex, born=_birth(w, r, 23, 39), role="young", itype="employee" if emp else "resident",
                region=w.knobs["region"], street=s, home=home, building=b, phone=_new(w, "phone"), migrant=True)  # fmt: skip
    if emp:
        c = _firm(w, r)
        w.persons[i].company = c
        w.companies[c].append(i)
    return i


def _local(w: World, r: random.Random, sex: str, s: int, home: int, b: int, lo: float, hi: float, phone: int) -> int:
    k = w.knobs
    i = _person(w, sex=sex, born=_birth(w, r, lo, hi), role="local", itype="resident", region=k["region"], street=s,
                home=home, building=b, phone=phone)  # fmt: skip
    p = w.persons[i]
    if age(w, p) >= 55:
        p.itype = "employee" if r.random() < 0.4 else "resident"  # 被征地农民 enrolled as employees, or residents
        if r.random() < k["chronic"]:
            p.chronic = r.choice(["htn", "htn", "dm", "chd", "lipid", "hf"])
            p.cert = r.random() < k["cert"]
        p.disabled = age(w, p) >= 70 and r.random() < k["disabled"] * 2
    else:
        p.itype = "employee" if r.random() < 0.55 else "resident"
    return i


def _household(w: World, r: random.Random, s: int, key: tuple[str, int], fill: dict) -> None:
    k = w.knobs
    kind = key[0]
    cur = fill.get(key)
    if cur is None or cur[1] <= 0:
        size = {"talent": r.randint(150, 320), "tower": r.randint(60, 140), "huiqian": r.randint(40, 90)}[kind]
        cur = fill[key] = [len(w.buildings), size]
        w.buildings.append([])
    cur[1] -= 1
    b, home = cur[0], _new(w, "addr")
    fam: list[int] = []
    if kind == "talent":
        fam.append(_young(w, r, r.choice("MF"), s, home, b))
    elif kind == "tower" and r.random() < k["young_share"] / (k["young_share"] + k["family_share"]):
        for sex in ["M", "F"] if r.random() < 0.55 else [r.choice("MF")]:
            fam.append(_young(w, r, sex, s, home, b))
    elif kind == "tower":
        a, c = _young(w, r, "M", s, home, b), _young(w, r, "F", s, home, b)
        w.persons[a].spouse, w.persons[c].spouse = c, a
        fam += [a, c]
        for _ in range(r.choice([1, 1, 2])):
            fam.append(_person(w, sex=r.choice("MF"), born=_birth(w, r, 0.3, 10), role="child", itype="resident",
                               region=k["region"], street=s, home=home, building=b, phone=-1,
                               parent=r.choice([a, c]), migrant=True))  # fmt: skip
        if r.random() < k["grandparent"]:  # 随迁老人: insured at home, e-voucher on the child's phone
            g = _person(w, sex=r.choice("MFF"), born=_birth(w, r, 55, 74), role="parent", itype="resident",
                        region=r.choice(HOME_REGIONS), street=s, home=home, building=b,
                        phone=w.persons[a].phone, parent=a, migrant=True)  # fmt: skip
            if r.random() < 0.35:
                w.persons[g].chronic = r.choice(["htn", "dm", "lipid"])
            fam.append(g)
    else:  # 回迁 (拆迁安置) villagers: elders, their middle-aged children, grandchildren
        shared = _new(w, "phone")
        for sex in ["M", "F"] if r.random() < 0.65 else [r.choice("MF")]:
            fam.append(_local(w, r, sex, s, home, b, 58, 90, shared if r.random() < 0.4 else _new(w, "phone")))
        if len(fam) == 2:
            w.persons[fam[0]].spouse, w.persons[fam[1]].spouse = fam[1], fam[0]
        if r.random() < 0.55:
            adult = _local(w, r, r.choice("MF"), s, home, b, 30, 55, _new(w, "phone"))
            fam.append(adult)
            for q in fam[:-1]:
                w.persons[q].parent = adult if w.persons[adult].itype == "employee" else -1
            if r.random() < 0.5:
                fam.append(_person(w, sex=r.choice("MF"), born=_birth(w, r, 1, 15), role="child", itype="resident",
                                   region=k["region"], street=s, home=home, building=b, phone=-1, parent=adult))  # fmt: skip
    w.buildings[b] += fam


def build_people(w: World, n: int) -> None:
    r = rng(w.seed, "people")
    k = w.knobs
    w.companies = [[] for _ in range(k["firms"])]
    n_remote = int(n * k["remote_share"])
    fill: dict[tuple[str, int], list[int]] = {}
    local_share = max(0.1, 1.0 - k["young_share"] - k["family_share"])
    while len(w.persons) < n - n_remote:
        s = r.randrange(k["streets"])
        x = r.random()
        if x < local_share:
            kind = "huiqian"
        elif r.random() < k["talent_flats"] * k["young_share"] / (k["young_share"] + k["family_share"]):
            kind = "talent"
        else:
            kind = "tower"
        _household(w, r, s, (kind, s), fill)
    del w.persons[n - n_remote :]
    while len(w.persons) < n:  # 异地就医 patients: insured in another province, here only for the 医学中心
        _person(w, sex=r.choice("MF"), born=_birth(w, r, 35, 82), role="remote", itype=r.choice(["employee", "resident"]),
                region=r.choice(HOME_REGIONS), street=-1, home=-1, building=-1, phone=_new(w, "phone"))  # fmt: skip
    cut = n - n_remote
    w.buildings = [[i for i in b if i < cut] for b in w.buildings]
    w.companies = [[i for i in c if i < cut] for c in w.companies]
    for p in w.persons:
        if p.spouse >= cut:
            p.spouse = -1
        if p.parent >= cut:
            p.parent = -1
    _presence(w, r)


def _presence(w: World, r: random.Random) -> None:
    """春节 at home for a share of 新市民 households (together), 国庆 trips, and deaths (elders)."""
    k = w.knobs
    homes: dict[int, list[int]] = {}
    for i, p in enumerate(w.persons):
        if p.migrant:
            homes.setdefault(p.home, []).append(i)
    for h in sorted(homes):
        spells = []
        for sp in SPRING:
            d = day_of(w, sp)
            if -20 < d < w.days + 15 and r.random() < k["spring_home"]:
                spells.append((d - r.randint(2, 10), d + r.randint(6, 14)))
        for nd in NATIONAL_DAY:
            d = day_of(w, nd)
            if 0 <= d < w.days and r.random() < 0.3:
                spells.append((d, d + r.randint(4, 7)))
        for i in homes[h]:
            w.persons[i].away = list(spells)
    for p in w.persons:
        if p.role in ("local", "parent", "remote") and age(w, p) >= 60:
            rate = 0.06 if age(w, p) >= 80 else 0.015
            if r.random() < rate * w.days / 365:
                d = r.randrange(w.days)
                if present(p, d):
                    p.death = d


def plant_all(w: World) -> None:
    common_plant_all(w, rng, RING_FN, BENIGN_FN)


def build(seed: int, persons: int, override: dict | None = None) -> World:
    k = draw_knobs(seed, persons, override)
    k["region"] = PLACES[k["place"]][1]
    start = date.fromisoformat(k["start"])
    y, m = start.year, start.month + k["months"]
    end = date(y + (m - 1) // 12, (m - 1) % 12 + 1, 1)
    w = World(seed, k, start, (end - start).days)
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
