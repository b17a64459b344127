"""Make one seventhworld: a southern retirement and tourist 地级市 in winter, with 候鸟 seniors and a 医共体.

`python -m benchmarks.seventhworld.make --seed 3 --persons 30000 --out DIR` writes the contract's tables as CSV
(`persons`, `facilities`, `pharmacies`, `doctors`, `claims`, and `claim_items` in most worlds) and `truth.json`
(knobs, summary, planted rings, benign groups). Written from /work/shared/data-contract.md, design.md and the other
generators' READMEs only (to choose different assumptions). Every draw comes from a string-seeded `random.Random`
per part, so the same seed and size give byte-identical files in any process.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import generator_main, plan, poisson, take, truth_doc
from benchmarks._common import plant_all as common_plant_all

DAY = 86400

# southern 地级市 where northern seniors winter: (name, city code, urban districts, the 医共体 county)
CITIES = [
    ("三亚市", "460200", ["460202", "460203", "460204"], "460205"),
    ("北海市", "450500", ["450502", "450503"], "450521"),
    ("攀枝花市", "510400", ["510402", "510403", "510411"], "510421"),
    ("西双版纳州", "532800", ["532801"], "532822"),
]
# where the 候鸟 are insured (异地就医 备案 at home)
NORTH = ["230103", "230102", "220102", "210102", "210202", "150102", "220203", "230602", "110105", "120104",
         "130102", "620102", "640104", "370102", "610113", "140105"]  # fmt: skip
CHAINS = ["一心堂", "大参林", "海王星辰", "老百姓大药房"]

# catalogue: code -> (name, category, low price, high price, usual quantity)
CAT: dict[str, tuple[str, str, float, float, float]] = {
    "110200001": ("普通门诊诊查费", "treatment", 4, 12, 1),
    "110900001": ("一般诊疗费", "treatment", 8, 10, 1),
    "120100001": ("上门服务费", "nursing", 40, 80, 1),
    "XC08CAA148A001": ("苯磺酸氨氯地平片", "drug", 0.12, 0.9, 28),
    "XA10BAA045A001": ("盐酸二甲双胍片", "drug", 0.04, 0.5, 60),
    "XC10AAA068A001": ("阿托伐他汀钙片", "drug", 0.3, 2.8, 28),
    "XB01ACA043A001": ("硫酸氢氯吡格雷片", "drug", 1.2, 3.6, 28),
    "XJ01DDA163A001": ("头孢克肟胶囊", "drug", 0.8, 2.5, 12),
    "XJ05AHA002A001": ("奥司他韦胶囊", "drug", 3, 8, 10),
    "XA07BCA048A001": ("蒙脱石散", "drug", 0.8, 2.2, 9),
    "XM01AEA033A001": ("布洛芬缓释胶囊", "drug", 0.2, 1.2, 20),
    "XR05CBA067A001": ("氨溴索口服溶液", "drug", 8, 22, 1),
    "ZA06AAC0217010": ("连花清瘟胶囊", "drug", 0.5, 0.9, 24),
    "ZA12HAX0123010": ("复方丹参滴丸", "drug", 0.12, 0.3, 90),
    "ZA16AAL0056010": ("安宫牛黄丸", "drug", 380, 780, 2),
    "XB01AFA043A001": ("利伐沙班片", "drug", 3.2, 14, 28),
    "XA10AEA142B002": ("甘精胰岛素注射液", "drug", 72, 180, 3),
    "XN05AHA013A001": ("奥氮平片", "drug", 1.2, 6, 28),
    "XN06ABA071A001": ("盐酸舍曲林片", "drug", 1.5, 4.5, 28),
    "ZB01BAJ0567010": ("阿胶", "drug", 90, 300, 2),
    "ZA09BAB0144010": ("六味地黄丸", "drug", 0.1, 0.4, 200),
    "XB05BAA001B001": ("葡萄糖氯化钠注射液", "drug", 2.5, 6, 2),
    "ZA12BAD0144020": ("丹参多酚酸盐注射液", "drug", 60, 140, 2),
    "T00000000000001": ("中药饮片", "herbal", 0.05, 0.5, 120),
    "250101001": ("血常规", "lab", 15, 25, 1),
    "250305001": ("肝功能", "lab", 40, 90, 1),
    "250302001": ("血糖测定", "lab", 5, 12, 1),
    "250310001": ("肾功能", "lab", 20, 45, 1),
    "250403001": ("诺如病毒抗原检测", "lab", 60, 90, 1),
    "250404001": ("甲乙流抗原检测", "lab", 50, 80, 1),
    "210102001": ("胸部DR", "exam", 60, 110, 1),
    "210300001": ("头颅CT平扫", "exam", 150, 320, 1),
    "220600001": ("彩色多普勒超声", "exam", 80, 160, 1),
    "220800001": ("心电图", "exam", 10, 25, 1),
    "340200001": ("针刺", "treatment", 15, 30, 2),
    "340200002": ("推拿", "treatment", 30, 60, 1),
    "340200003": ("艾灸", "treatment", 15, 35, 1),
    "340200004": ("拔罐", "treatment", 10, 20, 1),
    "340100005": ("中频脉冲电治疗", "treatment", 15, 30, 1),
    "340100001": ("运动疗法", "treatment", 40, 90, 1),
    "340100002": ("作业疗法", "treatment", 30, 70, 1),
    "340100003": ("言语训练", "treatment", 30, 60, 1),
    "340100004": ("康复评定", "treatment", 40, 100, 1),
    "311100001": ("工娱治疗", "treatment", 12, 30, 1),
    "311100002": ("个别心理治疗", "treatment", 60, 150, 1),
    "120100003": ("一级护理", "nursing", 20, 45, 1),
    "120100004": ("二级护理", "nursing", 10, 25, 1),
    "120100005": ("精神科监护", "nursing", 15, 35, 1),
    "120400001": ("留置导尿护理", "nursing", 8, 20, 1),
    "120100010": ("压疮护理", "nursing", 15, 40, 1),
    "110100001": ("床位费", "bed", 25, 90, 1),
    "C0301CTH001": ("一次性导尿包", "consumable", 12, 30, 1),
}
HIGH_VALUE = ["ZA16AAL0056010", "XB01AFA043A001", "XA10AEA142B002", "ZB01BAJ0567010"]
OUT_DIAG = ["J06.900", "J20.900", "K29.700", "M54.500", "I10.x00", "R51.x00", "M17.900", "K30.x00", "L30.900"]
IN_DIAG = ["I63.900", "J18.900", "I25.100", "K80.200", "S72.000", "J44.100", "I50.900", "E11.900"]

SCHEMES = [
    "psych_recruit",
    "rehab_guabed",
    "split_admission",
    "tcm_eggs",
    "rota_phantom",
    "platform_rx",
    "goods_swap",
    "snowbird_cards",
]
KIND = {
    "psych_recruit": "induced_admission",
    "rehab_guabed": "induced_admission",
    "split_admission": "induced_admission",
    "tcm_eggs": "staged_clinic",
    "rota_phantom": "staged_clinic",
    "platform_rx": "kickback",
    "goods_swap": "card_collector",
    "snowbird_cards": "card_collector",
}
BENIGN = ["snowbird_centre", "village_rota", "outbreak", "stroke_rehab", "two_disease_day", "home_care", "public_psych"]
OPTIONAL = [
    "persons.sex", "persons.region", "persons.insured_type", "persons.phone", "persons.address", "persons.death_date",
    "facilities.name", "facilities.kind", "facilities.level", "facilities.ownership", "facilities.region",
    "facilities.beds", "pharmacies.name", "pharmacies.chain", "pharmacies.region", "doctors.facility_id",
    "doctors.name", "doctors.title", "doctors.department", "claims.doctor_id", "claims.end_time",
    "claims.account_amount", "claims.diagnosis", "claims.terminal_id", "claims.holder_id",
]  # fmt: skip
DROP_P = {
    "persons.sex": 0.1, "persons.region": 0.3, "persons.insured_type": 0.4, "persons.phone": 0.35,
    "persons.address": 0.3, "persons.death_date": 0.5, "facilities.name": 0.5, "facilities.kind": 0.3,
    "facilities.level": 0.3, "facilities.ownership": 0.35, "facilities.region": 0.4, "facilities.beds": 0.5,
    "pharmacies.name": 0.5, "pharmacies.chain": 0.3, "pharmacies.region": 0.4, "doctors.facility_id": 0.3,
    "doctors.name": 0.6, "doctors.title": 0.5, "doctors.department": 0.4, "claims.doctor_id": 0.08,
    "claims.end_time": 0.1, "claims.account_amount": 0.4, "claims.diagnosis": 0.25, "claims.terminal_id": 0.5,
    "claims.holder_id": 0.5,
}  # fmt: skip


@dataclass
class Person:
    pid: str
    sex: str
    birth: date
    region: str
    itype: str
    pop: str  # urban, rural, bird, poor
    home: int  # district index (urban, bird, poor) or township index (rural)
    village: int  # village index inside the township, -1 elsewhere
    hh: int  # household number
    phone: str
    addr: str
    arrive: int = 0  # first day present in the city
    leave: int = 0  # day after the last day present
    death: int | None = None
    chronic: bool = False
    group: str = ""


@dataclass
class Venue:
    vid: str
    name: str
    kind: str  # hospital, clinic, community, specialty, pharmacy
    cls: str
    level: int
    own: str
    region: str
    beds: int
    area: int  # district index or -1 - township index
    chain: str = ""
    parent: int = -1
    doctors: list[int] = field(default_factory=list)
    dateonly: bool = False


@dataclass
class Doctor:
    did: str
    venue: int
    name: str
    title: str
    dept: str


@dataclass
class Claim:
    patient: int
    venue: int
    doctor: int | None
    vtype: str
    start: int
    end: int | None
    items: list[tuple[str, float, float]]
    diag: str
    holder: int | None = None
    terminal: str = ""
    upload: bool = False  # stamped with the venue's upload time


@dataclass
class World:
    seed: int
    knobs: dict[str, Any]
    start: date
    days: int
    persons: list[Person] = field(default_factory=list)
    venues: list[Venue] = field(default_factory=list)
    doctors: list[Doctor] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    by_cls: dict[str, list[int]] = field(default_factory=dict)


def rng(seed: int, part: str) -> random.Random:
    return random.Random(f"seventhworld-{seed}-{part}")


def draw_knobs(seed: int, persons: int, override: dict | None = None) -> dict[str, Any]:
    """Every assumption of one world; independent of the size (``persons`` is not read)."""
    r = rng(seed, "knobs")
    city = r.choice(CITIES)
    k: dict[str, Any] = {
        "city": city[0],
        "start": r.choice(["2024-10-01", "2024-11-01", "2024-12-01", "2025-10-01", "2025-11-01"]),
        "months": r.choice([5, 6, 7, 9]),
        "bird_share": round(r.uniform(0.12, 0.3), 3),
        "rural_share": round(r.uniform(0.25, 0.45), 3),
        "time_mode": r.choice(["second", "minute", "date", "classes", "offline", "offline"]),
        "time_T": r.random() < 0.4,
        "person_ids": r.choice(["idmask", "b32", "seq11"]),
        "venue_ids": r.choice(["national", "subsite"]),
        "doctor_ids": r.choice(["national", "venue_dot", "gonghao"]),
        "claim_ids": r.choice(["ts_seq", "bigint", "js_hex"]),
        "items": r.random() < 0.65,
        "trace_codes": r.random() < 0.3,
        "interim": r.choice(["", "", "segment", "admission"]),
        "rx_split": r.random() < 0.4,
        "icd": r.choice(["plain", "ext"]),
        "platform": r.random() < 0.7,
        "phones_shared_by_couples": round(r.uniform(0.0, 0.35), 2),
        "addresses": r.choice(["household", "building"]),
        "row_order": r.choice(["time", "venue", "claim_id"]),
        "drop": sorted(c for c in OPTIONAL if r.random() < DROP_P[c]),
    }
    first = [
        r.choice(["psych_recruit", "rehab_guabed", "split_admission"]),
        r.choice(["tcm_eggs", "rota_phantom"]),
        r.choice(["goods_swap", "snowbird_cards"]),
    ]
    if r.random() < 0.6:
        first.append("platform_rx")
    n = r.randint(4, 8)
    rest = [s for s in SCHEMES if s not in first]
    r.shuffle(rest)
    chosen = set(first + rest[: max(0, n - len(first))])
    k["rings"] = [s for s in SCHEMES if s in chosen]
    ben = [b for b in BENIGN if r.random() < 0.7]
    while len(ben) < 3:
        b = r.choice(BENIGN)
        if b not in ben:
            ben.append(b)
    k["benign"] = [b for b in BENIGN if b in ben]
    if override:
        k.update(override)
    if "platform_rx" in k["rings"]:
        k["platform"] = True
    return k


# ----------------------------------------------------------------------------------------------- place and people


def _vid(w: World, r: random.Random, prefix: str, region: str, used: set[str]) -> str:
    while True:
        v = f"{prefix}{region}{r.randint(0, 99999):05d}"
        if v not in used:
            used.add(v)
            return v


def build_place(w: World) -> None:
    r = rng(w.seed, "place")
    k = w.knobs
    city = next(c for c in CITIES if c[0] == k["city"])
    dists, county = city[2], city[3]
    used: set[str] = set()

    def add(name: str, kind: str, cls: str, level: int, own: str, region: str, beds: int, area: int, **kw: Any) -> int:
        pref = "P" if kind == "pharmacy" else "H"
        v = Venue(_vid(w, r, pref, region, used), name, kind, cls, level, own, region, beds, area, **kw)
        w.venues.append(v)
        w.by_cls.setdefault(cls, []).append(len(w.venues) - 1)
        return len(w.venues) - 1

    d0 = dists[0]
    add(f"{k['city']}人民医院", "hospital", "h3", 3, "public", d0, 1200, 0)
    add(f"{k['city']}中医医院", "hospital", "tcm", 3, "public", dists[-1], 700, len(dists) - 1)
    for i in range(r.randint(1, 2)):
        add(f"{k['city']}第{i + 2}人民医院", "hospital", "h2", 2, "public", dists[i % len(dists)], 400, i % len(dists))
    add(f"{k['city']}妇幼保健院", "specialty", "mch", 2, "public", d0, 300, 0)
    add(f"{k['city']}精神卫生中心", "specialty", "psych_pub", 2, "public", dists[-1], 350, len(dists) - 1)
    for i in range(r.randint(1, 2)):
        add(
            f"康宁精神病医院{i + 1}", "specialty", "psych_pri", 0, "private", dists[i % len(dists)], 120, i % len(dists)
        )
    for i in range(r.randint(1, 2)):
        add(f"颐康康复医院{i + 1}", "specialty", "rehab_pri", 1, "private", dists[i % len(dists)], 150, i % len(dists))
    for i in range(len(dists) * r.randint(2, 3)):
        di = i % len(dists)
        add(f"社区卫生服务中心{i + 1}", "community", "community", 1, "public", dists[di], 20, di)
    brand = r.choice(["仁和堂", "杏林春", "百草园", "国医馆"])
    head = -1
    for i in range(r.randint(2, 4)):
        di = i % len(dists)
        shop = add(
            f"{brand}中医馆{i + 1}", "clinic", "tcm_chain", 0, "private", dists[di], 0, di, chain=brand, parent=head
        )
        head = shop if head < 0 else head
    for i in range(r.randint(6, 14)):
        di = r.randrange(len(dists))
        add(f"个体诊所{i + 1}", "clinic", "clinic", 0, "private", dists[di], 0, di)
    for i in range(r.randint(1, 2)):
        add(f"安康居家护理站{i + 1}", "specialty", "homecare", 0, "private", dists[i % len(dists)], 0, i % len(dists))
    # the 医共体: the county hospital heads it; township 卫生院; village clinics under each
    add("县人民医院(医共体总院)", "hospital", "county", 2, "public", county, 500, -1)
    k_towns = r.randint(4, 8)
    for t in range(k_towns):
        thc = add(f"第{t + 1}镇卫生院", "community", "thc", 1, "public", county, 30, -1 - t)
        for j in range(r.randint(3, 8)):
            add(f"第{t + 1}镇{j + 1}村卫生室", "clinic", "village", 0, "public", county, 0, -1 - t, parent=thc)
    w.knobs.setdefault("towns", k_towns)
    # pharmacies: 8-14 per 10,000 people (at 30,000 persons: drawn on the place, not the size)
    n_ph = r.randint(24, 42)
    for i in range(n_ph):
        if r.random() < 0.25:
            area, reg = -1 - r.randrange(k_towns), county
        else:
            di = r.randrange(len(dists))
            area, reg = di, dists[di]
        chain = r.choice(CHAINS) if r.random() < 0.5 else ""
        add(f"{chain or '个体'}药店{i + 1}", "pharmacy", "pharmacy", 0, "private", reg, 0, area, chain=chain)
    # doctors
    n_doc = {"h3": 40, "tcm": 25, "h2": 16, "mch": 8, "psych_pub": 7, "psych_pri": 4, "rehab_pri": 5,
             "community": 6, "tcm_chain": 2, "clinic": 1, "homecare": 4, "county": 16, "thc": 5, "village": 1}  # fmt: skip
    depts = {"h3": ["内科", "外科", "急诊科", "神经内科", "心内科", "康复医学科", "儿科"], "tcm": ["针灸科", "中医内科", "康复科"],
             "psych_pub": ["精神科"], "psych_pri": ["精神科"], "rehab_pri": ["康复医学科"], "homecare": ["护理部"]}  # fmt: skip
    for vi, v in enumerate(w.venues):
        if v.kind == "pharmacy":
            continue
        for _ in range(max(1, n_doc[v.cls] + r.randint(-1, 2) if n_doc[v.cls] > 2 else n_doc[v.cls])):
            title = (
                "乡村医生"
                if v.cls == "village"
                else ("护士" if v.cls == "homecare" else r.choice(["住院医师", "主治医师", "副主任医师"]))
            )
            dept = r.choice(depts.get(v.cls, ["全科"]))
            w.doctors.append(
                Doctor("", vi, r.choice("张王李陈刘黄吴林符") + r.choice("明华芳强军丽文海燕"), title, dept)
            )
            v.doctors.append(len(w.doctors) - 1)
    _doctor_ids(w, r)
    tm = k["time_mode"]
    for v in w.venues:
        v.dateonly = tm == "date" or (
            tm == "classes" and v.cls in ("thc", "village", "homecare", "community", "clinic")
        )
    if k["venue_ids"] == "subsite":  # village clinics and chain shops: the parent's code with a site suffix
        count: dict[int, int] = {}
        for v in w.venues:
            if v.parent >= 0:
                count[v.parent] = count.get(v.parent, 0) + 1
                v.vid = f"{w.venues[v.parent].vid}-{count[v.parent]:02d}"


def _doctor_ids(w: World, r: random.Random) -> None:
    mode, used = w.knobs["doctor_ids"], set()
    for i, d in enumerate(w.doctors):
        v = w.venues[d.venue]
        while True:
            if mode == "national":
                did = f"D{v.region}{r.randint(0, 999999):06d}"
            elif mode == "venue_dot":
                did = f"{v.vid}.{len([x for x in v.doctors if x < i]) + 1:02d}"
            else:
                did = f"gh{r.randint(0, 99999):05d}"
            if did not in used:
                break
        used.add(did)
        d.did = did


def _pid(r: random.Random, mode: str, region: str, birth: date, used: set[str]) -> str:
    while True:
        if mode == "idmask":  # a masked 身份证号-like key: area, birth year, stars, a 6-digit serial
            p = f"{region}{birth.year}****{r.randint(0, 999999):06d}"
        elif mode == "b32":
            p = "".join(r.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(13))
        else:
            p = f"{r.randint(0, 99999999999):011d}"
        if p not in used:
            used.add(p)
            return p


def build_people(w: World, n: int) -> None:
    r = rng(w.seed, "people")
    k = w.knobs
    city = next(c for c in CITIES if c[0] == k["city"])
    dists, county = city[2], city[3]
    n_bird = round(n * k["bird_share"])
    n_poor = max(3, round(n * 0.012))
    n_rural = round((n - n_bird - n_poor) * k["rural_share"])
    villages = [len([v for v in w.venues if v.cls == "village" and v.area == -1 - t]) for t in range(k["towns"])]
    used: set[str] = set()
    hh = 0
    ref = w.start

    def person(pop: str, home: int, village: int, age: int, sex: str, region: str, itype: str, house: int) -> Person:
        b = ref - timedelta(days=age * 365 + r.randrange(365))
        ph = hashlib.sha1(f"{w.seed}-ph-{len(w.persons)}".encode()).hexdigest()[:16]
        addr = hashlib.sha1(f"{w.seed}-ad-{house}".encode()).hexdigest()[:12]
        return Person("", sex, b, region, itype, pop, home, village, house, ph, addr)

    while len(w.persons) < n_bird:  # 候鸟: retired couples from the north, most employee-insured
        hh += 1
        region = r.choice(NORTH)
        base = r.randint(58, 82)
        itype = "employee" if r.random() < 0.85 else "resident"
        home = r.randrange(len(dists))
        arrive = max(0, r.randint(-20, 75) - _offset(k))  # counted from 1 October
        leave = min(w.days, max(arrive + 30, r.randint(140, 215) - _offset(k)))
        size = 2 if r.random() < 0.65 else 1
        for j in range(size):
            if len(w.persons) >= n_bird:
                break
            p = person("bird", home, -1, base + r.randint(-3, 3), "M" if j == 0 else "F", region, itype, hh)
            p.arrive, p.leave = arrive + r.randint(0, 2) * (j > 0), leave
            p.chronic = r.random() < 0.55
            w.persons.append(p)
            if j == 1 and r.random() < k["phones_shared_by_couples"]:
                p.phone = w.persons[-2].phone
    while len(w.persons) < n_bird + n_poor:  # the poor and homeless, alone
        hh += 1
        p = person("poor", r.randrange(len(dists)), -1, r.randint(32, 74), "M" if r.random() < 0.75 else "F",
                   r.choice(dists), "resident", hh)  # fmt: skip
        w.persons.append(p)
    while len(w.persons) < n_bird + n_poor + n_rural:
        hh += 1
        t = r.randrange(k["towns"])
        vil = r.randrange(villages[t])
        for yrs in _household(r):
            if len(w.persons) >= n_bird + n_poor + n_rural:
                break
            p = person("rural", t, vil, yrs, r.choice("MF"), county, "employee" if r.random() < 0.1 else "resident", hh)
            p.chronic = yrs >= 45 and r.random() < 0.15 + 0.006 * (yrs - 45)
            w.persons.append(p)
    while len(w.persons) < n:
        hh += 1
        di = r.randrange(len(dists))
        for yrs in _household(r):
            if len(w.persons) >= n:
                break
            p = person(
                "urban", di, -1, yrs, r.choice("MF"), dists[di], "employee" if r.random() < 0.55 else "resident", hh
            )
            p.chronic = yrs >= 45 and r.random() < 0.15 + 0.006 * (yrs - 45)
            w.persons.append(p)
    for p in w.persons:
        if p.pop != "bird":
            p.arrive, p.leave = 0, w.days
        a = age(w, p)
        yearly = 0.0004 * math.exp(0.085 * max(0, a - 30))
        if r.random() < min(0.5, yearly * w.days / 365):
            p.death = r.randrange(max(1, p.arrive + 1), max(p.arrive + 2, p.leave))
            p.leave = min(p.leave, p.death + 1)
        if k["addresses"] == "building":  # one key per 楼栋 of about 20 households
            p.addr = hashlib.sha1(f"{w.seed}-bld-{p.pop}-{p.home}-{p.hh // 20}".encode()).hexdigest()[:12]
    order = list(range(len(w.persons)))
    r.shuffle(order)
    for i in order:  # ids drawn in a shuffled order: no id reveals a population
        p = w.persons[i]
        p.pid = _pid(r, k["person_ids"], p.region, p.birth, used)


def _offset(k: dict) -> int:
    return {"10": 0, "11": 31, "12": 61}[k["start"][5:7]]


def _household(r: random.Random) -> list[int]:
    u = r.random()
    if u < 0.25:
        return [r.randint(55, 88)] * 1 + ([r.randint(55, 88)] if r.random() < 0.6 else [])
    a = r.randint(25, 50)
    kids = [r.randint(0, 17) for _ in range(r.choice([0, 1, 1, 2]))]
    grand = [r.randint(60, 85)] if r.random() < 0.3 else []
    return [a, a + r.randint(-3, 3), *kids, *grand]


def age(w: World, p: Person) -> int:
    return (w.start - p.birth).days // 365


# ----------------------------------------------------------------------------------------------- claims


def build_calendar(w: World) -> None:
    wk = [1.25, 1.1, 1.05, 1.0, 1.0, 0.75, 0.55]
    spring = {date(2025, 1, 29), date(2026, 2, 17)}
    for d in range(w.days):
        day = w.start + timedelta(days=d)
        f = wk[day.weekday()]
        if any(0 <= (day - s).days < 7 for s in spring):
            f *= 0.5
        w.weight.append(f)


def pick_day(w: World, r: random.Random, lo: int, hi: int) -> int:
    lo, hi = max(0, lo), min(w.days, hi)
    if hi <= lo:
        return -1
    for _ in range(20):
        d = r.randrange(lo, hi)
        if r.random() * 1.25 < w.weight[d]:
            return d
    return r.randrange(lo, hi)


def tod(r: random.Random, cls: str) -> int:
    if cls == "pharmacy":
        return r.randint(8 * 3600, 21 * 3600)
    if r.random() < 0.7:
        return r.randint(8 * 3600, 11 * 3600 + 1800)
    return r.randint(14 * 3600 + 1800, 17 * 3600 + 1800)


def item(r: random.Random, code: str, qty: float | None = None, mult: float = 1.0) -> tuple[str, float, float]:
    _, _, lo, hi, q = CAT[code]
    return code, float(qty if qty is not None else q), round(r.uniform(lo, hi) * mult, 2)


def add_claim(w: World, c: Claim) -> None:
    p = w.persons[c.patient]
    d = c.start // DAY
    if p.death is not None and d > p.death:
        return
    if c.end is not None:
        if p.death is not None and c.end // DAY > p.death:  # died in hospital: settled that day
            c.end = max(c.start + 3600, p.death * DAY + 10 * 3600)
        if c.end // DAY >= w.days:
            return
    w.claims.append(c)


def visit(w: World, r: random.Random, pi: int, vi: int, doc: int | None, d: int, vt: str, diag: str,
          items: list[tuple[str, float, float]], t: int | None = None) -> None:  # fmt: skip
    v = w.venues[vi]
    start = d * DAY + (t if t is not None else tod(r, v.cls))
    add_claim(w, Claim(pi, vi, doc, vt, start, None, items, diag, upload=v.cls in ("village", "homecare")))


def stay(w: World, r: random.Random, pi: int, vi: int, doc: int, d0: int, los: int, diag: str,
         daily: list[str], extra: list[tuple[str, float, float]], t: int | None = None, mult: float = 1.0) -> None:  # fmt: skip
    """One admission of ``los`` days from day ``d0`` (negative: before the window).

    Only settlements that end inside the window are exported (a stay still open at the export is not settled; one
    settled before the window is not in it). In interim worlds a stay longer than 30 days is settled every 30 days
    (中途结算): each settlement starts where the last ended (`segment`) or keeps the admission time (`admission`).
    """
    if d0 >= w.days:
        return
    los = max(1, los)
    mode = w.knobs["interim"]
    adm = d0 * DAY + (t if t is not None else r.randint(8 * 3600, 16 * 3600))
    segs = [(d0, los)]
    if mode and los > 30:
        segs = [(d0 + s, min(30, los - s)) for s in range(0, los, 30)]
    clerk = r.randint(9 * 3600, 16 * 3600)  # the ward's settlement time
    for n, (a, ln) in enumerate(segs):
        last = n == len(segs) - 1
        end = (a + ln) * DAY + (r.randint(9 * 3600, 11 * 3600) if last else clerk)
        if end < 0:
            continue
        if end // DAY >= w.days:
            break
        start = adm if (n == 0 or mode == "admission") else a * DAY + clerk + 60
        items = [item(r, "110100001", ln)] + [item(r, c, ln, mult) for c in daily]
        if n == 0:
            items += extra
        add_claim(w, Claim(pi, vi, doc, "inpatient", start, end, items, diag))


def buy(w: World, r: random.Random, pi: int, vi: int, d: int, items: list[tuple[str, float, float]],
        doc: int | None = None, t: int | None = None, holder: int | None = None) -> None:  # fmt: skip
    start = d * DAY + (t if t is not None else tod(r, "pharmacy"))
    add_claim(w, Claim(pi, vi, doc, "pharmacy", start, None, items, "", holder=holder))


def out_items(r: random.Random, cls: str) -> list[tuple[str, float, float]]:
    its = [item(r, "110900001" if cls in ("village", "thc", "community") else "110200001")]
    if cls in ("h3", "h2", "county", "tcm") and r.random() < 0.5:
        its.append(item(r, r.choice(["250101001", "250305001", "250302001", "220800001", "210102001", "220600001"])))
    if cls in ("tcm", "tcm_chain") and r.random() < 0.5:
        its.append(item(r, r.choice(["340200001", "340200002", "340200003", "340200004"])))
    if r.random() < 0.8:
        its.append(item(r, r.choice(["XJ01DDA163A001", "XM01AEA033A001", "XR05CBA067A001", "ZA06AAC0217010",
                                     "XA07BCA048A001", "T00000000000001", "ZA09BAB0144010"])))  # fmt: skip
    return its


def chronic_items(r: random.Random) -> list[tuple[str, float, float]]:
    its = [item(r, r.choice(["XC08CAA148A001", "XA10BAA045A001"]))]
    if r.random() < 0.4:
        its.append(item(r, r.choice(["XC10AAA068A001", "XB01ACA043A001", "ZA12HAX0123010"])))
    return its


def local_venues(w: World, p: Person) -> dict[str, list[int]]:
    if p.pop == "rural":
        thc = next(i for i in w.by_cls["thc"] if w.venues[i].area == -1 - p.home)
        vils = [i for i in w.by_cls["village"] if w.venues[i].parent == thc]
        return {
            "near": [vils[p.village % len(vils)]],
            "mid": [thc],
            "far": w.by_cls["county"],
            "pharmacy": [i for i in w.by_cls["pharmacy"] if w.venues[i].area == -1 - p.home] or w.by_cls["pharmacy"],
        }
    comm = [i for i in w.by_cls["community"] if w.venues[i].area == p.home]
    return {"near": [comm[p.hh % len(comm)]],
            "mid": [i for i in w.by_cls["clinic"] + w.by_cls["tcm_chain"] if w.venues[i].area == p.home] or w.by_cls["clinic"],
            "far": w.by_cls["h3"] + w.by_cls["tcm"] + w.by_cls["h2"],
            "pharmacy": [i for i in w.by_cls["pharmacy"] if w.venues[i].area == p.home] or w.by_cls["pharmacy"]}  # fmt: skip


def ordinary_care(w: World) -> None:
    r = rng(w.seed, "care")
    k = w.knobs
    shape = 0.6 + (w.seed % 5) * 0.2
    hosp = w.by_cls["h3"] + w.by_cls["tcm"] + w.by_cls["h2"] + w.by_cls["county"]
    rx_docs = [d for vi in w.by_cls["h3"] + w.by_cls["h2"] + w.by_cls["county"] for d in w.venues[vi].doctors]
    for pi, p in enumerate(w.persons):
        if p.pop == "poor" and r.random() < 0.6:
            continue  # many of the poor see no doctor at all
        a = age(w, p)
        lv = local_venues(w, p)
        span = p.leave - p.arrive
        if span <= 0:
            continue
        rate = (1.5 + 0.07 * a + (1.0 if p.pop == "bird" else 0.0)) * r.gammavariate(shape, 1 / shape)
        for _ in range(poisson(r, rate * span / 365)):
            d = pick_day(w, r, p.arrive, p.leave)
            u = r.random()
            vi = r.choice(lv["near"] if u < 0.4 else lv["mid"] if u < 0.62 else lv["far"])
            v = w.venues[vi]
            doc = v.doctors[(p.hh + pi * (r.random() < 0.3)) % len(v.doctors)]
            visit(w, r, pi, vi, doc, d, "outpatient", r.choice(OUT_DIAG), out_items(r, v.cls))
            if r.random() < 0.3 and d + 7 < p.leave:
                visit(w, r, pi, vi, doc, d + r.randint(2, 7), "outpatient", r.choice(OUT_DIAG), out_items(r, v.cls))
        for _ in range(poisson(r, (1 + 0.04 * a) * r.gammavariate(shape, 1 / shape) * span / 365)):
            d = pick_day(w, r, p.arrive, p.leave)
            vi = r.choice(lv["pharmacy"])
            its = [item(r, r.choice(["XM01AEA033A001", "ZA06AAC0217010", "XA07BCA048A001", "ZA09BAB0144010",
                                     "ZA12HAX0123010", "XR05CBA067A001"]))]  # fmt: skip
            holder = None
            if p.pop != "poor" and r.random() < 0.08:
                mates = [j for j in (pi - 1, pi + 1) if 0 <= j < len(w.persons) and w.persons[j].hh == p.hh]
                holder = mates[0] if mates and w.persons[mates[0]].itype == "employee" else None
            buy(w, r, pi, vi, d, its, holder=holder)
        if p.chronic:
            d = p.arrive + r.randint(0, 30)
            platform = k["platform"] and p.pop == "urban" and r.random() < 0.3
            doc_rx = r.choice(rx_docs)
            while d < p.leave:
                if platform:  # 门诊统筹 at a pharmacy on a prescription from the 处方流转平台
                    buy(w, r, pi, r.choice(lv["pharmacy"]), d, chronic_items(r), doc=doc_rx)
                else:
                    vi = lv["near"][0] if p.pop != "rural" or r.random() < 0.6 else lv["mid"][0]
                    v = w.venues[vi]
                    vt = "outpatient" if v.cls == "village" else "chronic"
                    visit(w, r, pi, vi, v.doctors[p.hh % len(v.doctors)], d, vt, "I10.x00", chronic_items(r))
                d += r.randint(26, 35)
        for _ in range(poisson(r, (0.04 + 0.004 * max(0, a - 30)) * span / 365)):  # about 0.2 a year at 70
            d = pick_day(w, r, p.arrive, p.leave)
            vi = r.choice(hosp) if p.pop != "rural" or r.random() < 0.3 else w.by_cls["county"][0]
            v = w.venues[vi]
            los = max(2, int(r.lognormvariate(2.0, 0.5)))
            stay(w, r, pi, vi, r.choice(v.doctors), d, los, r.choice(IN_DIAG), ["120100004"],
                 [item(r, "250101001"), item(r, "XB05BAA001B001", los * 2)])  # fmt: skip


# ----------------------------------------------------------------------------------------------- groups


def psych_recruit(w: World, r: random.Random, gid: str) -> dict:
    """免费住院: a private psychiatric hospital keeps recruited poor and homeless people for years, settled monthly."""
    vi = r.choice(w.by_cls["psych_pri"])
    v = w.venues[vi]
    n = r.randint(15, 60)
    mem = take(w, r, n, lambda p: p.pop in ("poor", "urban") and p.death is None and 30 <= age(w, p) <= 75
                and (p.pop == "poor" or p.itype == "resident"), gid)  # fmt: skip
    shelters = [hashlib.sha1(f"{w.seed}-shelter-{i}".encode()).hexdigest()[:12] for i in range(r.randint(1, 3))]
    cycle = r.randint(28, 31)
    gap = r.choice([0, 1, 2])
    waves = sorted(r.sample(range(5, max(6, w.days - 40)), k=r.randint(1, 3)))
    for j, pi in enumerate(mem):
        p = w.persons[pi]
        if r.random() < 0.5:
            p.addr = r.choice(shelters)
        doc = v.doctors[j % len(v.doctors)]
        if r.random() < 0.6:  # in the hospital for years: the current cycle began before the window
            d, t = -r.randint(0, cycle - 1), None
        else:
            d, t = waves[j % len(waves)], 9 * 3600 + 300 * (j % 20) + r.randint(0, 120)
        while d < w.days:  # discharged every ``cycle`` days and readmitted after ``gap`` days (resets the cap)
            stay(w, r, pi, vi, doc, d, cycle, "F20.900", ["120100005", "311100001", "XN05AHA013A001"],
                 [item(r, "250101001"), item(r, "311100002", 4)], t=t, mult=1.3)  # fmt: skip
            d, t = d + cycle + gap, None
    return plan(w, gid, "psych_recruit", mem, venues=[vi], doctors=list(v.doctors), params={"cycle": cycle, "gap": gap})


def rehab_guabed(w: World, r: random.Random, gid: str) -> dict:
    """挂床: a private rehab hospital fills its beds in batches with recruited elders who sleep at home."""
    vi = r.choice(w.by_cls["rehab_pri"])
    v = w.venues[vi]
    homes = r.sample(range(len(w.by_cls["community"])), k=min(len(w.by_cls["community"]), r.randint(1, 3)))
    comms = [w.by_cls["community"][h] for h in homes]
    areas = {w.venues[c].area for c in comms}
    mem = take(w, r, r.randint(30, 100), lambda p: p.pop in ("urban", "bird") and p.home in areas
                and age(w, p) >= 60 and p.death is None, gid)  # fmt: skip
    every = r.randint(20, 40)
    days = list(range(r.randint(3, 20), w.days - 12, every))
    keen = {pi: r.uniform(0.25, 0.7) for pi in mem}
    for d in days:
        batch = [pi for pi in mem if w.persons[pi].arrive <= d < w.persons[pi].leave - 14 and r.random() < keen[pi]]
        for j, pi in enumerate(batch):
            dd = d + (r.randint(0, 2) if r.random() < 0.3 else 0)
            stay(w, r, pi, vi, v.doctors[j % len(v.doctors)], dd, r.randint(10, 15), "I69.300",
                 ["340100001", "340100002", "340200001", "340100005", "120100004"],
                 [item(r, "340100004"), item(r, "210300001")], t=8 * 3600 + 240 * j + r.randint(0, 200), mult=1.6)  # fmt: skip
    return plan(w, gid, "rehab_guabed", mem, venues=[vi], doctors=list(v.doctors), params={"every": every})


def split_admission(w: World, r: random.Random, gid: str) -> dict:
    """分解住院: a rehab hospital splits its real patients' long stays into back-to-back admissions."""
    vi = r.choice(w.by_cls["rehab_pri"] + w.by_cls["county"])
    v = w.venues[vi]
    mem = take(w, r, r.randint(20, 60), lambda p: p.pop in ("urban", "rural", "bird") and age(w, p) >= 50
                and p.death is None, gid)  # fmt: skip
    for pi in mem:
        p = w.persons[pi]
        d = pick_day(w, r, p.arrive, p.leave - 40)
        if d < 0:
            continue
        total = r.randint(30, 90)
        piece = r.randint(10, 18)
        doc = r.choice(v.doctors)
        while total > 0 and d < w.days - 2:
            ln = min(piece, total)
            stay(w, r, pi, vi, doc, d, ln, r.choice(["I63.900", "S72.000", "I69.300"]),
                 ["340100001", "340100002", "120100003"], [item(r, "340100004")])  # fmt: skip
            d += ln + r.choice([0, 0, 1])
            total -= ln
    return plan(w, gid, "split_admission", mem, venues=[vi], doctors=list(v.doctors))


def tcm_eggs(w: World, r: random.Random, gid: str) -> dict:
    """A 中医馆 chain gives eggs to pensioners on a fixed weekday and bills 理疗 nobody received on their cards."""
    shops = w.by_cls["tcm_chain"][: r.randint(1, len(w.by_cls["tcm_chain"]))]
    areas = {w.venues[s].area for s in shops}
    mem = take(w, r, r.randint(40, 150), lambda p: p.pop in ("urban", "bird") and age(w, p) >= 60 and p.home in areas
                and p.death is None, gid)  # fmt: skip
    egg_day = {s: r.randrange(5) for s in shops}
    come = {pi: r.uniform(0.3, 0.8) for pi in mem}
    night = r.random() < 0.5
    extra = {pi: (r.random() < 0.4) for pi in mem}
    for pi in mem:
        p = w.persons[pi]
        shop = next((s for s in shops if w.venues[s].area == p.home), shops[0])
        v = w.venues[shop]
        for d in range(p.arrive, p.leave):
            if (w.start + timedelta(days=d)).weekday() == egg_day[shop] and r.random() < come[pi]:
                its = [
                    item(r, c) for c in r.sample(["340200001", "340200002", "340200003", "340200004", "340100005"], 3)
                ]
                visit(w, r, pi, shop, r.choice(v.doctors), d, "outpatient", "M54.500", its,
                      t=r.randint(8 * 3600, 10 * 3600 + 1800))  # fmt: skip
                if extra[pi] and d + 2 < p.leave:  # a second session keyed two days later, nobody came
                    t = (20 * 3600 + r.randint(0, 900)) if night else tod(r, "clinic")
                    its = [item(r, c) for c in r.sample(["340200001", "340200002", "340200003", "340100005"], 3)]
                    visit(w, r, pi, shop, r.choice(v.doctors), d + 2, "outpatient", "M54.500", its, t=t)
    docs = [d for s in shops for d in w.venues[s].doctors]
    return plan(w, gid, "tcm_eggs", mem, venues=shops, doctors=docs, params={"night_keying": night})


def rota_phantom(w: World, r: random.Random, gid: str) -> dict:
    """A 医共体 township doctor on his village rota bills visits for elders of his roster who did not come."""
    t = r.randrange(w.knobs["towns"])
    thc = next(i for i in w.by_cls["thc"] if w.venues[i].area == -1 - t)
    vils = [i for i in w.by_cls["village"] if w.venues[i].parent == thc]
    vils = r.sample(vils, k=min(len(vils), r.randint(2, 4)))
    doc = w.venues[thc].doctors[0]
    nums = {vi: vils.index(vi) for vi in vils}
    allv = [i for i in w.by_cls["village"] if w.venues[i].parent == thc]
    mem = take(w, r, r.randint(20, 80), lambda p: p.pop == "rural" and p.home == t and age(w, p) >= 55
                and allv[p.village % len(allv)] in nums and p.death is None, gid)  # fmt: skip
    share = r.uniform(0.4, 0.8)
    for vi in vils:
        wd = nums[vi] % 5
        roster = [pi for pi in mem if allv[w.persons[pi].village % len(allv)] == vi]
        for d in range(w.days):
            if (w.start + timedelta(days=d)).weekday() != wd:
                continue
            billed = [pi for pi in roster if r.random() < share]
            t0 = r.randint(15 * 3600, 16 * 3600)
            for j, pi in enumerate(billed):
                its = [
                    item(r, "110900001"),
                    item(r, "340200001"),
                    item(r, r.choice(["XC08CAA148A001", "ZA12HAX0123010"])),
                ]
                visit(w, r, pi, vi, doc, d, "outpatient", "I10.x00", its, t=t0 + j * r.randint(20, 200))
    return plan(w, gid, "rota_phantom", mem, venues=vils, doctors=[doc], params={"share": round(share, 2)})


def platform_rx(w: World, r: random.Random, gid: str) -> dict:
    """One doctor's 处方流转平台 prescriptions are settled as 门诊统筹 at one pharmacy, most with no visit behind."""
    clinic = r.choice(w.by_cls["clinic"])
    doc = w.venues[clinic].doctors[0]
    shop = r.choice(
        [i for i in w.by_cls["pharmacy"] if w.venues[i].area == w.venues[clinic].area] or w.by_cls["pharmacy"]
    )
    area = w.venues[shop].area
    mem = take(w, r, r.randint(30, 120), lambda p: p.pop in ("urban", "bird") and (p.home == area or r.random() < 0.2)
                and age(w, p) >= 45 and p.death is None, gid)  # fmt: skip
    for pi in mem:
        p = w.persons[pi]
        d = p.arrive + r.randint(0, 25)
        every = r.randint(15, 35)
        seen = r.random() < 0.3
        while d < p.leave:
            if seen:
                visit(w, r, pi, clinic, doc, d, "outpatient", "I10.x00", [item(r, "110200001")])
            its = [item(r, r.choice(HIGH_VALUE)), item(r, r.choice(["XC10AAA068A001", "XB01ACA043A001"]))]
            buy(w, r, pi, shop, d, its, doc=doc)
            d += every + r.randint(-3, 3)
    return plan(w, gid, "platform_rx", mem, venues=[clinic, shop], doctors=[doc])


def goods_swap(w: World, r: random.Random, gid: str) -> dict:
    """串换: a shop near the 候鸟 flats bills rice, oil and cosmetics as drugs on its customers' cards."""
    bird_areas = sorted({p.home for p in w.persons if p.pop == "bird"})
    area = r.choice(bird_areas)
    shop = r.choice([i for i in w.by_cls["pharmacy"] if w.venues[i].area == area] or w.by_cls["pharmacy"])
    mem = take(w, r, r.randint(20, 80), lambda p: p.home == area and p.pop in ("bird", "urban") and p.itype == "employee"
                and p.death is None and (p.pop == "bird" or r.random() < 0.4), gid)  # fmt: skip
    boss = hashlib.sha1(f"{w.seed}-boss".encode()).hexdigest()[:16]
    rebind = r.choice([0.0, 0.3])
    for pi in mem:
        p = w.persons[pi]
        if r.random() < rebind:
            p.phone = boss
        d = p.arrive + r.randint(0, 20)
        while d < p.leave:
            amount = r.choice([200, 300, 500])
            code = r.choice(["ZA09BAB0144010", "ZA12HAX0123010", "ZB01BAJ0567010"])
            buy(w, r, pi, shop, d, [(code, 1.0, float(amount))])
            d += r.randint(15, 45)
    return plan(w, gid, "goods_swap", mem, venues=[shop], params={"rebind": rebind})


def _death_or(p: Person, default: int) -> int:
    return p.death if p.death is not None else default


def snowbird_cards(w: World, r: random.Random, gid: str) -> dict:
    """A collector rents 候鸟 seniors' cards while they are away and swipes them at 1-3 shops for resold drugs."""
    mem = take(w, r, r.randint(10, 40), lambda p: p.pop == "bird" and p.itype == "employee" and p.death is None, gid)
    shops = r.sample(w.by_cls["pharmacy"], k=r.randint(1, 3))
    collector = hashlib.sha1(f"{w.seed}-collector".encode()).hexdigest()[:16]
    rebind = r.choice([0.0, 0.5, 1.0])
    stayhome = r.uniform(0.2, 0.6)
    for pi in mem:
        p = w.persons[pi]
        if r.random() < rebind:
            p.phone = collector
        if r.random() < stayhome:  # did not come south this winter: the card did
            p.arrive = p.leave = w.days
    d = r.randint(0, 10)
    nxt = {pi: 0 for pi in mem}
    while d < w.days:
        away = [pi for pi in mem if not (w.persons[pi].arrive <= d < w.persons[pi].leave) and nxt[pi] <= d]
        away = [pi for pi in away if d < _death_or(w.persons[pi], w.days)]
        batch = r.sample(away, k=min(len(away), r.randint(3, 12)))
        shop = r.choice(shops)
        t = r.randint(10 * 3600, 19 * 3600)
        spread = r.random() < 0.3
        for pi in batch:
            t += r.randint(600, 7200) if spread else r.randint(40, 400)
            its = [item(r, r.choice(HIGH_VALUE), None, 1.0)]
            its = [(c, q * 2, pr) for c, q, pr in its]
            buy(w, r, pi, shop, d, its, t=min(t, 22 * 3600))
            nxt[pi] = d + 20
        d += r.randint(5, 20)
    return plan(w, gid, "snowbird_cards", mem, venues=shops, params={"rebind": rebind, "stayhome": round(stayhome, 2)})


def snowbird_centre(w: World, r: random.Random, gid: str) -> dict:
    """候鸟 wintering near one community centre: its Tue/Thu 候鸟 clinic, monthly refills, one free check-up week."""
    area = r.choice(sorted({p.home for p in w.persons if p.pop == "bird"}))
    comm = [i for i in w.by_cls["community"] if w.venues[i].area == area]
    vi = comm[0]
    v = w.venues[vi]
    mem = take(w, r, r.randint(60, 250), lambda p: p.pop == "bird" and p.home == area, gid)
    shared = hashlib.sha1(f"{w.seed}-birdflats".encode()).hexdigest()[:12]
    check = r.randint(40, 70)
    for j, pi in enumerate(mem):
        p = w.persons[pi]
        if r.random() < 0.5:
            p.addr = f"{shared}{j % 6}"  # the flats: six buildings
        d = p.arrive + r.randint(3, 14)
        while d < p.leave:
            while (w.start + timedelta(days=d)).weekday() not in (1, 3):
                d += 1
            if d >= p.leave:
                break
            visit(w, r, pi, vi, v.doctors[p.hh % len(v.doctors)], d, "chronic", "I10.x00", chronic_items(r),
                  t=r.randint(8 * 3600, 11 * 3600))  # fmt: skip
            d += r.randint(27, 31)
        if p.arrive <= check < p.leave and r.random() < 0.8:
            dd = check + r.randint(0, 1)
            its = [item(r, "250101001"), item(r, "250305001"), item(r, "220800001"), item(r, "220600001")]
            visit(w, r, pi, vi, v.doctors[0], dd, "outpatient", "Z00.000", its, t=r.randint(7 * 3600, 10 * 3600))
    return plan(w, gid, "snowbird_centre", mem, venues=[vi], doctors=list(v.doctors))


def village_rota(w: World, r: random.Random, gid: str) -> dict:
    """A 医共体 doctor's fixed rota: each village on its weekday, its 两病 elders seen at the village clinic."""
    t = r.randrange(w.knobs["towns"])
    thc = next(i for i in w.by_cls["thc"] if w.venues[i].area == -1 - t)
    allv = [i for i in w.by_cls["village"] if w.venues[i].parent == thc]
    doc = w.venues[thc].doctors[-1]
    mem = take(w, r, r.randint(30, 150), lambda p: p.pop == "rural" and p.home == t and age(w, p) >= 50, gid)
    every = r.choice([7, 14])
    for pi in mem:
        p = w.persons[pi]
        vi = allv[p.village % len(allv)]
        wd = allv.index(vi) % 5
        att = r.uniform(0.4, 0.85)
        for d in range(w.days):
            day = w.start + timedelta(days=d)
            if day.weekday() == wd and (every == 7 or (d // 7) % 2 == 0) and r.random() < att:
                visit(w, r, pi, vi, doc, d, "outpatient", "I10.x00", [item(r, "110900001"), *chronic_items(r)],
                      t=r.randint(8 * 3600 + 1800, 11 * 3600 + 1800))  # fmt: skip
    return plan(w, gid, "village_rota", mem, venues=allv, doctors=[doc], params={"every": every})


def outbreak(w: World, r: random.Random, gid: str) -> dict:
    """诺如 at a school or flu in a care home: dozens at one hospital within days."""
    vi = r.choice(w.by_cls["h3"] + w.by_cls["h2"] + w.by_cls["mch"])
    v = w.venues[vi]
    d0 = r.randint(10, w.days - 10)
    school = r.random() < 0.6
    if school:
        area = r.randrange(len({v.area for v in w.venues if v.area >= 0}))
        mem = take(
            w, r, r.randint(30, 120), lambda p: p.pop == "urban" and 6 <= age(w, p) <= 14 and p.home == area, gid
        )
    else:
        mem = take(w, r, r.randint(20, 60), lambda p: p.pop == "urban" and age(w, p) >= 75 and p.death is None, gid)
        home = hashlib.sha1(f"{w.seed}-carehome".encode()).hexdigest()[:12]
        for pi in mem:
            w.persons[pi].addr = home
    for pi in mem:
        d = d0 + min(3, int(r.expovariate(0.8)))
        if school:
            its = [item(r, "110200001"), item(r, "250403001"), item(r, "XA07BCA048A001")]
            visit(w, r, pi, vi, r.choice(v.doctors[:4]), d, "outpatient", "A08.100", its)
        elif r.random() < 0.25:
            stay(w, r, pi, vi, v.doctors[0], d, r.randint(4, 9), "J11.100", ["120100003"], [item(r, "250404001")])
        else:
            its = [item(r, "110200001"), item(r, "250404001"), item(r, "XJ05AHA002A001")]
            visit(w, r, pi, vi, r.choice(v.doctors[:3]), d, "outpatient", "J11.100", its)
    return plan(w, gid, "outbreak", mem, venues=[vi], params={"school": school, "day": d0})


def stroke_rehab(w: World, r: random.Random, gid: str) -> dict:
    """A public hospital's rehab ward: stroke patients' long stays, a second stage after weeks at home."""
    vi = r.choice(w.by_cls["h3"] + w.by_cls["tcm"])
    v = w.venues[vi]
    mem = take(w, r, r.randint(15, 50), lambda p: p.pop in ("urban", "bird", "rural") and age(w, p) >= 50, gid)
    docs = v.doctors[-3:]
    for pi in mem:
        p = w.persons[pi]
        d = pick_day(w, r, p.arrive, p.leave - 25)
        if d < 0:
            d = pick_day(w, r, 0, w.days - 25)
        los = r.randint(18, 45)
        daily = ["340100001", "340100002", "340100003", "120100003"]
        stay(w, r, pi, vi, r.choice(docs), d, los, "I69.300", daily, [item(r, "340100004"), item(r, "210300001")])
        if r.random() < 0.2:
            stay(w, r, pi, vi, r.choice(docs), d + los + r.randint(14, 30), r.randint(14, 28), "I69.300", daily, [])
    return plan(w, gid, "stroke_rehab", mem, venues=[vi], doctors=docs)


def two_disease_day(w: World, r: random.Random, gid: str) -> dict:
    """两病 patients' fixed clinic day each month at a 卫生院 or a community centre."""
    vi = r.choice(w.by_cls["thc"] + w.by_cls["community"])
    v = w.venues[vi]
    ok = (
        (lambda p: p.pop == "rural" and -1 - p.home == v.area)
        if v.cls == "thc"
        else (lambda p: p.pop == "urban" and p.home == v.area)
    )
    mem = take(w, r, r.randint(50, 200), lambda p: ok(p) and age(w, p) >= 45, gid)
    dom = r.randint(5, 25)
    for pi in mem:
        att = r.uniform(0.7, 0.95)
        for d in range(w.days):
            if (w.start + timedelta(days=d)).day == dom and r.random() < att:
                visit(w, r, pi, vi, v.doctors[pi % len(v.doctors)], d, "chronic", r.choice(["I10.x00", "E11.900"]),
                      chronic_items(r), t=r.randint(8 * 3600, 11 * 3600 + 1800))  # fmt: skip
    return plan(w, gid, "two_disease_day", mem, venues=[vi], doctors=list(v.doctors), params={"day_of_month": dom})


def home_care(w: World, r: random.Random, gid: str) -> dict:
    """长护险-like home care: disabled elders visited weekly on a fixed weekday by the same nurse, on a route."""
    vi = r.choice(w.by_cls["homecare"])
    v = w.venues[vi]
    mem = take(w, r, r.randint(20, 80), lambda p: p.pop == "urban" and age(w, p) >= 70 and p.home == v.area, gid)
    slots: dict[tuple[int, int], int] = {}
    for j, pi in enumerate(mem):
        nurse = v.doctors[j % len(v.doctors)]
        wd = (j // len(v.doctors)) % 5
        slot = slots.get((nurse, wd), 0)
        slots[(nurse, wd)] = slot + 1
        t = 8 * 3600 + 1800 + slot * 5400 + (3600 if slot >= 3 else 0)
        for d in range(w.days):
            if (w.start + timedelta(days=d)).weekday() == wd and r.random() < 0.92:
                its = [item(r, "120100001"), item(r, r.choice(["120400001", "120100010", "120100003"]))]
                if r.random() < 0.3:
                    its.append(item(r, "C0301CTH001"))
                visit(w, r, pi, vi, nurse, d, "outpatient", "Z74.000", its, t=t + r.randint(-600, 900))
    return plan(w, gid, "home_care", mem, venues=[vi], doctors=list(v.doctors))


def public_psych(w: World, r: random.Random, gid: str) -> dict:
    """The public 精神卫生中心's long-stay patients, admitted over years from all over the city."""
    vi = w.by_cls["psych_pub"][0]
    v = w.venues[vi]
    mem = take(w, r, r.randint(20, 60), lambda p: p.pop in ("urban", "rural") and 18 <= age(w, p) <= 80, gid)
    for pi in mem:
        d = -r.randint(0, 400) if r.random() < 0.6 else r.randint(0, w.days - 20)
        los = r.randint(60, 700)
        stay(w, r, pi, vi, r.choice(v.doctors), d, max(10, los), "F20.900", ["120100005", "311100001", "XN05AHA013A001"],
             [item(r, "250101001")])  # fmt: skip
    return plan(w, gid, "public_psych", mem, venues=[vi], doctors=list(v.doctors))


RING_FN = {s: globals()[s] for s in SCHEMES}
BENIGN_FN = {b: globals()[b] for b in BENIGN}


def plant_all(w: World) -> None:
    """Plant the world's rings, then its benign groups (:func:`benchmarks._common.plant_all`)."""
    common_plant_all(w, rng, RING_FN, BENIGN_FN)


# ----------------------------------------------------------------------------------------------- money and export


def fund_of(w: World, c: Claim, total: float) -> tuple[float, float]:
    p = w.persons[c.holder if c.holder is not None else c.patient]
    v = w.venues[c.venue]
    emp = p.itype == "employee"
    if c.vtype == "inpatient":
        ded = {3: 800, 2: 500, 1: 300, 0: 400}[v.level]
        fund = max(0.0, total - ded) * (0.85 if emp else 0.75)
    elif c.vtype == "chronic":
        fund = total * 0.7
    elif c.vtype == "pharmacy":
        fund = total * 0.5 if (c.doctor is not None or (v.chain and total > 30)) else 0.0
    else:
        share = {"village": 0.7, "thc": 0.65, "community": 0.65, "homecare": 0.7}.get(v.cls, 0.5)
        fund = 0.0 if total < 10 else total * (share + (0.1 if emp else 0.0))
    fund = round(min(fund, total), 2)
    acct = round((total - fund) * 0.8, 2) if emp else 0.0
    return fund, acct


def _fmt_time(w: World, t: int, dateonly: bool, cache: dict[int, str]) -> str:
    d = t // DAY
    ds = cache.get(d)
    if ds is None:
        ds = cache[d] = (w.start + timedelta(days=d)).isoformat()
    if dateonly:
        return ds
    s = t % DAY
    sep = "T" if w.knobs["time_T"] else " "
    if w.knobs["time_mode"] in ("minute", "offline"):
        s -= s % 60
    return f"{ds}{sep}{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _upload_times(w: World) -> None:
    """Offline worlds: village clinics and the home-care agency settle a day's visits in one upload in the evening."""
    if w.knobs["time_mode"] != "offline":
        return
    r = rng(w.seed, "upload")
    batches: dict[tuple[int, int], list[Claim]] = {}
    for c in w.claims:
        if c.upload:
            batches.setdefault((c.venue, c.start // DAY), []).append(c)
    for (_, d), cs in sorted(batches.items()):
        t = d * DAY + r.randint(17 * 3600, 21 * 3600)
        for c in sorted(cs, key=lambda c: c.start):
            t += r.randint(2, 20)
            c.start = t


def _diag(w: World, code: str) -> str:
    if w.knobs["icd"] == "ext" and code:
        return code.replace(".x00", ".x00x002").replace(".900", ".900x001") if "." in code else code
    return code


def _write(out: Path, name: str, header: list[str], rows: list[list[Any]], drop: list[str]) -> None:
    keep = [i for i, h in enumerate(header) if f"{name}.{h}" not in drop]
    with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow([header[i] for i in keep])
        for row in rows:
            wr.writerow([row[i] for i in keep])


def _claim_ids(w: World, n: int, starts: list[str], venues: list[int]) -> list[str]:
    r = rng(w.seed, "claimids")
    mode = w.knobs["claim_ids"]
    if mode == "bigint":
        base = r.randint(10**11, 9 * 10**11)
        return [str(base + i * 3 + r.randint(0, 2)) for i in range(n)]
    if mode == "js_hex":
        seen: set[str] = set()
        ids = []
        for _ in range(n):
            while True:
                x = f"JS{r.getrandbits(56):014x}".upper()
                if x not in seen:
                    seen.add(x)
                    ids.append(x)
                    break
        return ids
    # ts_seq: settlement date and the venue's running number that day
    count: dict[tuple[str, int], int] = {}
    ids = []
    for s, v in zip(starts, venues):
        key = (s[:10], v)
        count[key] = count.get(key, 0) + 1
        ids.append(f"{s[:10].replace('-', '')}{v:04d}{count[key]:05d}")
    return ids


def write_world(w: World, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    k = w.knobs
    drop = list(k["drop"])
    if not k["trace_codes"]:
        drop.append("claim_items.trace_code")
    _upload_times(w)
    r = rng(w.seed, "export")
    rows = []
    for p in w.persons:
        rows.append([p.pid, p.sex, p.birth.isoformat(), p.region, p.itype, p.phone, p.addr,
                     (w.start + timedelta(days=p.death)).isoformat() if p.death is not None else ""])  # fmt: skip
    _write(out, "persons", ["person_id", "sex", "birth_date", "region", "insured_type", "phone", "address", "death_date"],
           rows, drop)  # fmt: skip
    fac = [v for v in w.venues if v.kind != "pharmacy"]
    _write(out, "facilities", ["facility_id", "name", "kind", "level", "ownership", "region", "beds"],
           [[v.vid, v.name, v.kind, v.level, v.own, v.region, v.beds] for v in fac], drop)  # fmt: skip
    _write(out, "pharmacies", ["pharmacy_id", "name", "chain", "region"],
           [[v.vid, v.name, v.chain, v.region] for v in w.venues if v.kind == "pharmacy"], drop)  # fmt: skip
    _write(out, "doctors", ["doctor_id", "facility_id", "name", "title", "department"],
           [[d.did, w.venues[d.venue].vid, d.name, d.title, d.dept] for d in w.doctors], drop)  # fmt: skip
    # one settlement per claim, or (rx_split) one per drug line at pharmacies, seconds apart
    flat: list[tuple[Claim, list[tuple[str, float, float]], int]] = []
    for c in w.claims:
        if k["rx_split"] and c.vtype == "pharmacy" and len(c.items) > 1:
            for j, it in enumerate(c.items):
                flat.append((c, [it], c.start + 7 * j))
        else:
            flat.append((c, c.items, c.start))
    if k["row_order"] == "time":
        flat.sort(key=lambda x: x[2])
    elif k["row_order"] == "venue":
        flat.sort(key=lambda x: (w.venues[x[0].venue].vid, x[2]))
    cache: dict[int, str] = {}
    starts = [_fmt_time(w, t, w.venues[c.venue].dateonly, cache) for c, _, t in flat]
    ids = _claim_ids(w, len(flat), starts, [c.venue for c, _, _ in flat])
    order = list(range(len(flat)))
    if k["row_order"] == "claim_id":
        order.sort(key=lambda i: ids[i])
    crow, irow = [], []
    terminals = {vi: [f"T{vi:04d}{j}" for j in range(1 + (v.cls in ("h3", "tcm", "h2", "county")) * 3)]
                 for vi, v in enumerate(w.venues)}  # fmt: skip
    fund_total = 0.0
    for i in order:
        c, its, t = flat[i]
        v = w.venues[c.venue]
        lines = []
        for code, q, price in its:
            amt = round(q * price, 2)
            lines.append((code, q, price, amt))
        total = round(sum(x[3] for x in lines), 2)
        fund, acct = fund_of(w, c, total)
        fund_total += fund
        pid = w.persons[c.patient].pid
        holder = w.persons[c.holder].pid if c.holder is not None else ""
        end = _fmt_time(w, c.end, v.dateonly, cache) if c.end is not None else ""
        doc = w.doctors[c.doctor].did if c.doctor is not None else ""
        fid, phid = (v.vid, "") if v.kind != "pharmacy" else ("", v.vid)
        term = terminals[c.venue][(c.patient + t // 3600) % len(terminals[c.venue])]
        crow.append([ids[i], pid, holder, fid, phid, doc, c.vtype, starts[i], end, f"{total:.2f}", f"{fund:.2f}",
                     f"{acct:.2f}", _diag(w, c.diag), term])  # fmt: skip
        if k["items"]:
            for code, q, price, amt in lines:
                trace = ""
                if k["trace_codes"] and CAT[code][1] == "drug" and v.kind == "pharmacy":
                    trace = f"8{r.getrandbits(64) % 10**19:019d}"
                qs = f"{q:g}"
                irow.append([ids[i], code, CAT[code][0], CAT[code][1], qs, f"{price:.2f}", f"{amt:.2f}", trace])
    _write(out, "claims", ["claim_id", "patient_id", "holder_id", "facility_id", "pharmacy_id", "doctor_id", "visit_type",
                           "start_time", "end_time", "total_amount", "fund_amount", "account_amount", "diagnosis",
                           "terminal_id"], crow, drop)  # fmt: skip
    if k["items"]:
        _write(out, "claim_items", ["claim_id", "item_code", "item_name", "category", "quantity", "unit_price", "amount",
                                    "trace_code"], irow, drop)  # fmt: skip
    truth = _truth(w, len(crow), len(irow), fund_total)
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return truth


def _truth(w: World, n_claims: int, n_items: int, fund: float) -> dict[str, Any]:
    return truth_doc("seventhworld", w, KIND, n_claims, n_items, fund)


def build(seed: int, persons: int, override: dict | None = None) -> World:
    k = draw_knobs(seed, persons, override)
    start = date.fromisoformat(k["start"])
    y, m = start.year, start.month + k["months"]
    end = date(y + (m - 1) // 12, (m - 1) % 12 + 1, 1)
    w = World(seed, k, start, (end - start).days)
    build_calendar(w)
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
