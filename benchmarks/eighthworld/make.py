"""Make one eighthworld: a western 自治州 of pastoral and farming counties, with 民族医院 and a 县域医共体.

`python -m benchmarks.eighthworld.make --seed 3 --persons 30000 --out DIR` writes the contract's tables as CSV
(`persons`, `facilities`, `pharmacies`, `doctors`, `claims`, and `claim_items` in most worlds) and `truth.json`
(knobs, summary, planted rings, benign groups). Written from /work/shared/data-contract.md, design.md and the other
generators' READMEs only (to choose different assumptions). Every draw comes from a string-seeded `random.Random`
per part, so the same seed and size give byte-identical files in any process.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import generator_main, kept_columns, plan, poisson, take, truth_doc, write_csv
from benchmarks._common import plant_all as common_plant_all

DAY = 86400

# (name, prefecture code, script of the names, the seat (a 县级市), the counties)
PREFS = [
    ("甘孜藏族自治州", "513300", "bo", "513301", ["513322", "513323", "513324", "513327", "513329", "513331"]),
    ("果洛藏族自治州", "632600", "bo", "632621", ["632622", "632623", "632624", "632625", "632626"]),
    ("阿坝藏族羌族自治州", "513200", "bo", "513201", ["513221", "513224", "513231", "513232", "513233"]),
    ("海西蒙古族藏族自治州", "632800", "mn", "632801", ["632802", "632821", "632822", "632823"]),
    ("巴音郭楞蒙古自治州", "652800", "mn", "652801", ["652822", "652823", "652827", "652828"]),
]
# the ethnic-language name printed before the Chinese one on bilingual signs (Tibetan or traditional Mongolian)
SCRIPT = {
    "bo": {"hosp": "སྨན་ཁང་", "eth": "བོད་ལུགས་སྨན་ཁང་", "thc": "ཤང་འཕྲོད་བསྟེན་ཁང་", "vil": "གྲོང་ཚོའི་སྨན་ཁང་",
           "shop": "སྨན་ཚོང་ཁང་", "doc": ["བཀྲ་ཤིས་", "ཚེ་རིང་", "སྒྲོལ་མ་", "རྡོ་རྗེ་", "བསོད་ནམས་", "ལྷ་མོ་"]},
    "mn": {"hosp": "ᠡᠮᠨᠡᠯᠭᠡ", "eth": "ᠮᠣᠩᠭᠣᠯ ᠡᠮᠨᠡᠯᠭᠡ", "thc": "ᠰᠤᠮᠤᠨ ᠡᠮᠨᠡᠯᠭᠡ", "vil": "ᠭᠠᠴᠠᠭ᠎ᠠ ᠡᠮᠨᠡᠯᠭᠡ",
           "shop": "ᠡᠮ ᠤᠨ ᠳᠡᠯᠭᠡᠭᠦᠷ", "doc": ["ᠪᠠᠲᠤ", "ᠰᠠᠷᠠᠨ", "ᠲᠡᠮᠦᠷ", "ᠴᠢᠮᠡᠳ", "ᠣᠶᠤᠨ", "ᠪᠣᠯᠣᠷ"]},
}  # fmt: skip
CHAINS = ["一心堂", "老百姓大药房", "国大药房"]

# catalogue: code -> (name, category, low price, high price, usual quantity)
CAT: dict[str, tuple[str, str, float, float, float]] = {
    "110200001": ("普通门诊诊查费", "treatment", 4, 12, 1),
    "110900001": ("一般诊疗费", "treatment", 8, 10, 1),
    "111000001": ("巡回医疗出诊费", "treatment", 10, 20, 1),
    "480000001": ("救护车出车费", "other", 200, 800, 1),
    "XC08CAA148A001": ("苯磺酸氨氯地平片", "drug", 0.12, 0.9, 28),
    "XC09AAA152A001": ("卡托普利片", "drug", 0.05, 0.3, 60),
    "XA10BAA045A001": ("盐酸二甲双胍片", "drug", 0.04, 0.5, 60),
    "XJ01CAA040A001": ("阿莫西林胶囊", "drug", 0.1, 0.6, 24),
    "XJ01DDA163A001": ("头孢克肟胶囊", "drug", 0.8, 2.5, 12),
    "XM01AEA033A001": ("布洛芬缓释胶囊", "drug", 0.2, 1.2, 20),
    "XR03DAA016A001": ("氨茶碱片", "drug", 0.05, 0.2, 30),
    "XA02BCA123A001": ("奥美拉唑肠溶胶囊", "drug", 0.2, 1.5, 14),
    "XJ04AMA009A001": ("异福酰胺片", "drug", 1.0, 2.5, 84),
    "XP02CAA011A001": ("阿苯达唑片", "drug", 0.8, 3.0, 30),
    "XB05BAA001B001": ("葡萄糖氯化钠注射液", "drug", 2.5, 6, 2),
    "ZA12HAX0123010": ("复方丹参滴丸", "drug", 0.12, 0.3, 90),
    "ZB01BAJ0567010": ("阿胶", "drug", 90, 300, 2),
    "XA10AEA142B002": ("甘精胰岛素注射液", "drug", 72, 180, 3),
    "ZE01AAA0001010": ("七十味珍珠丸", "drug", 28, 60, 10),
    "ZE01AAA0002010": ("仁青常觉", "drug", 35, 80, 10),
    "ZE01AAA0003010": ("二十五味珊瑚丸", "drug", 6, 15, 30),
    "ZE01AAA0004010": ("如意珍宝丸", "drug", 2, 6, 60),
    "ZE02AAA0001010": ("扎冲十三味丸", "drug", 1, 4, 60),
    "ZE02AAA0002010": ("珍宝丸", "drug", 1, 3, 60),
    "ZE01AAA0005010": ("十五味沉香丸", "drug", 1, 3, 60),
    "YN0000000000001": ("院内制剂(民族药)", "drug", 0.5, 3, 60),
    "250101001": ("血常规", "lab", 15, 25, 1),
    "250305001": ("肝功能", "lab", 40, 90, 1),
    "250302001": ("血糖测定", "lab", 5, 12, 1),
    "250402001": ("结核菌涂片检查", "lab", 15, 30, 1),
    "250405001": ("包虫病抗体检测", "lab", 60, 120, 1),
    "210102001": ("胸部DR", "exam", 60, 110, 1),
    "210300001": ("头颅CT平扫", "exam", 150, 320, 1),
    "220301001": ("腹部B超", "exam", 30, 60, 1),
    "220600001": ("彩色多普勒超声", "exam", 80, 160, 1),
    "220800001": ("心电图", "exam", 10, 25, 1),
    "340200001": ("针刺", "treatment", 15, 30, 2),
    "340200003": ("艾灸", "treatment", 15, 35, 1),
    "341000001": ("民族医药浴", "treatment", 60, 150, 1),
    "341000002": ("民族医放血疗法", "treatment", 30, 60, 1),
    "341000003": ("民族医外治(涂擦)", "treatment", 20, 50, 1),
    "331000001": ("腹腔镜胆囊切除术", "treatment", 1800, 3200, 1),
    "331000002": ("腹股沟疝修补术", "treatment", 1200, 2400, 1),
    "120100003": ("一级护理", "nursing", 20, 45, 1),
    "120100004": ("二级护理", "nursing", 10, 25, 1),
    "120200001": ("静脉输液", "treatment", 8, 18, 1),
    "110100001": ("床位费", "bed", 15, 60, 1),
    "C0301CTH001": ("一次性输液器", "consumable", 2, 6, 1),
}
ETHNIC_DEAR = ["ZE01AAA0001010", "ZE01AAA0002010", "ZE01AAA0003010"]
ETHNIC = {
    "bo": ["ZE01AAA0003010", "ZE01AAA0004010", "ZE01AAA0005010", "YN0000000000001"],
    "mn": ["ZE02AAA0001010", "ZE02AAA0002010", "YN0000000000001"],
}
OUT_DIAG = ["J06.900", "J20.900", "K29.700", "M54.500", "I10.x00", "M13.900", "K30.x00", "T70.201", "H10.900"]
IN_DIAG = ["J18.900", "J44.100", "I10.x00", "K29.700", "K80.200", "T70.201", "I50.900", "B67.900"]

SCHEMES = [
    "poor_induced",
    "township_guabed",
    "fleet_admit",
    "ethnic_phantom",
    "screening_phantom",
    "village_cards",
    "ethnic_steering",
]
KIND = {
    "poor_induced": "induced_admission",
    "township_guabed": "induced_admission",
    "fleet_admit": "induced_admission",
    "ethnic_phantom": "staged_clinic",
    "screening_phantom": "staged_clinic",
    "village_cards": "card_collector",
    "ethnic_steering": "kickback",
}
BENIGN = ["mobile_clinic", "aid_team", "screening", "medicinal_bath", "maternity_wait", "tb_dots", "monastery"]
OPTIONAL = [
    "persons.sex", "persons.region", "persons.insured_type", "persons.phone", "persons.address", "persons.death_date",
    "facilities.name", "facilities.kind", "facilities.level", "facilities.ownership", "facilities.region",
    "facilities.beds", "pharmacies.name", "pharmacies.chain", "pharmacies.region", "doctors.facility_id",
    "doctors.name", "doctors.title", "doctors.department", "claims.doctor_id", "claims.end_time",
    "claims.account_amount", "claims.diagnosis", "claims.terminal_id", "claims.holder_id",
]  # fmt: skip
DROP_P = {
    "persons.sex": 0.05, "persons.region": 0.15, "persons.insured_type": 0.25, "persons.phone": 0.55,
    "persons.address": 0.35, "persons.death_date": 0.3, "facilities.name": 0.2, "facilities.kind": 0.4,
    "facilities.level": 0.45, "facilities.ownership": 0.5, "facilities.region": 0.2, "facilities.beds": 0.6,
    "pharmacies.name": 0.2, "pharmacies.chain": 0.5, "pharmacies.region": 0.2, "doctors.facility_id": 0.15,
    "doctors.name": 0.3, "doctors.title": 0.6, "doctors.department": 0.6, "claims.doctor_id": 0.12,
    "claims.end_time": 0.05, "claims.account_amount": 0.6, "claims.diagnosis": 0.15, "claims.terminal_id": 0.65,
    "claims.holder_id": 0.7,
}  # fmt: skip


@dataclass
class Person:
    pid: str
    sex: str
    birth: date
    region: str
    itype: str
    pop: str  # town, farm, herd
    county: int  # 0 the seat, 1.. the counties
    township: int  # index inside the county (-1 in the seat)
    village: int  # index inside the township (-1 in the seat)
    hh: int
    member: int  # place in the household (1 = head)
    phone: str
    addr: str
    poor: bool = False  # 脱贫人口 (monitored): 一站式结算 with a higher fund share
    death: int | None = None
    chronic: bool = False
    group: str = ""


@dataclass
class Venue:
    vid: str
    name: str
    kind: str  # hospital, clinic, community, specialty, pharmacy
    cls: str  # h3, eth, mch, pri, community, clinic, county, eth_county, thc, village, pharmacy, eth_shop
    level: int
    own: str
    region: str
    beds: int
    county: int
    township: int = -1
    parent: int = -1
    chain: str = ""
    doctors: list[int] = field(default_factory=list)
    pool: bool = False  # a 门诊统筹 designated pharmacy: the pool pays half of a purchase of 30 yuan or more


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
    keyed: bool = False  # a village or mobile-clinic visit, keyed later in `return` worlds


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
    closed: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    herding: list[bool] = field(default_factory=list)  # 虫草 season: herders on the mountains
    by_cls: dict[str, list[int]] = field(default_factory=dict)
    pastoral: list[bool] = field(default_factory=list)  # per county


def rng(seed: int, part: str) -> random.Random:
    return random.Random(f"eighthworld-{seed}-{part}")


def draw_knobs(seed: int, persons: int, override: dict | None = None) -> dict[str, Any]:
    """Every assumption of one world; independent of the size (``persons`` is not read)."""
    r = rng(seed, "knobs")
    pref = r.choice(PREFS)
    n_c = r.randint(2, 4)
    k: dict[str, Any] = {
        "prefecture": pref[0],
        "counties": sorted(r.sample(pref[4], n_c)),
        "pastoral": [True, False] + [r.random() < 0.6 for _ in range(n_c - 2)],
        "start": r.choice(["2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01", "2025-01-01", "2025-04-01"]),
        "months": r.choice([6, 8, 12]),
        "seat_share": round(r.uniform(0.22, 0.4), 3),
        "poor_share": round(r.uniform(0.18, 0.4), 3),
        "time_mode": r.choice(["second", "minute", "date", "hour", "return", "return"]),
        "time_T": r.random() < 0.3,
        "person_ids": r.choice(["hukou", "b36", "psn19"]),
        "village_merge": r.random() < 0.5,
        "doctor_ids": r.choice(["national", "cert15", "lower"]),
        "claim_ids": r.choice(["oid", "fac_ts", "seq16"]),
        "items": r.random() < 0.7,
        "trace_codes": r.random() < 0.25,
        "aid_rows": r.random() < 0.5,
        "names": r.choice(["zh", "bilingual"]),
        "icd": r.choice(["plain", "short"]),
        "addresses": r.choice(["household", "village", "village"]),
        "phones": r.choice(["person", "household"]),
        "birth_year": r.random() < 0.25,
        "bom": r.random() < 0.4,
        "crlf": r.random() < 0.3,
        "row_order": r.choice(["time", "venue", "patient"]),
        "drop": sorted(c for c in OPTIONAL if r.random() < DROP_P[c]),
    }
    first = [
        r.choice(["poor_induced", "township_guabed", "fleet_admit"]),
        r.choice(["ethnic_phantom", "screening_phantom"]),
    ]
    if r.random() < 0.75:
        first.append("village_cards")
    if r.random() < 0.6:
        first.append("ethnic_steering")
    n = r.randint(4, 7)
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
    k["ethnic_supply"] = round(r.uniform(0.25, 1.0), 2)  # an ordinary ethnic-medicine sale: this share of a course
    k["script"] = pref[2]
    k["codes"] = {"prefecture": pref[1], "seat": pref[3]}
    if override:
        k.update(override)
    return k


# ----------------------------------------------------------------------------------------------- place and people


def _name(w: World, zh: str, key: str) -> str:
    if w.knobs["names"] == "bilingual":
        return f"{SCRIPT[w.knobs['script']][key]} {zh}"
    return zh


def build_place(w: World) -> None:
    r = rng(w.seed, "place")
    k = w.knobs
    seat = k["codes"]["seat"]
    regions = [seat, *k["counties"]]
    w.pastoral = [False, *k["pastoral"]]
    used: set[str] = set()
    eth = "藏医院" if k["script"] == "bo" else "蒙医医院"

    def add(name: str, key: str, kind: str, cls: str, level: int, own: str, county: int, beds: int, **kw: Any) -> int:
        reg = regions[county]
        pref = "P" if kind == "pharmacy" else "H"
        while True:
            vid = f"{pref}{reg}{r.randint(0, 99999):05d}"
            if vid not in used:
                used.add(vid)
                break
        w.venues.append(Venue(vid, _name(w, name, key), kind, cls, level, own, reg, beds, county, **kw))
        w.by_cls.setdefault(cls, []).append(len(w.venues) - 1)
        return len(w.venues) - 1

    pn = k["prefecture"]
    add(f"{pn}人民医院", "hosp", "hospital", "h3", 3, "public", 0, 800)
    add(f"{pn}{eth}", "eth", "hospital", "eth", 3, "public", 0, 300)
    add(f"{pn}妇幼保健院", "hosp", "specialty", "mch", 2, "public", 0, 150)
    for i in range(r.randint(1, 2)):
        add(f"{['康源', '仁济', '雪域', '安泰'][i + r.randrange(2)]}医院", "hosp", "hospital", "pri", 1, "private", 0,
            r.randint(80, 200))  # fmt: skip
    for i in range(r.randint(2, 4)):
        add(f"城区社区卫生服务中心{i + 1}", "hosp", "community", "community", 1, "public", 0, 10)
    for i in range(r.randint(3, 8)):
        add(f"个体诊所{i + 1}", "hosp", "clinic", "clinic", 0, "private", 0, 0)
    towns: list[int] = [0]
    for c in range(1, len(regions)):
        add(f"第{c}县人民医院", "hosp", "hospital", "county", 2, "public", c, r.randint(120, 260))
        add(f"第{c}县{eth}", "eth", "hospital", "eth_county", r.choice([1, 2]), "public", c, r.randint(40, 100))
        n_t = r.randint(3, 7)
        towns.append(n_t)
        for t in range(n_t):
            thc = add(
                f"第{c}县第{t + 1}乡卫生院", "thc", "community", "thc", 1, "public", c, r.randint(8, 25), township=t
            )
            for j in range(r.randint(2, 6)):
                add(f"第{c}县第{t + 1}乡{j + 1}村卫生室", "vil", "clinic", "village", 0, "public", c, 0, township=t,
                    parent=thc)  # fmt: skip
    k.setdefault("townships", towns)
    for i in range(r.randint(12, 24)):  # few pharmacies: most in the seat, the rest in county towns
        c = 0 if r.random() < 0.55 else r.randrange(1, len(regions))
        ethnic = r.random() < 0.25
        chain = "" if ethnic or r.random() < 0.65 else r.choice(CHAINS)
        name = f"{'民族药' if ethnic else (chain or '个体')}药店{i + 1}"
        add(name, "shop", "pharmacy", "eth_shop" if ethnic else "pharmacy", 0, "private", c, 0, chain=chain)
    n_doc = {"h3": 30, "eth": 14, "mch": 6, "pri": 5, "community": 4, "clinic": 1, "county": 12, "eth_county": 5,
             "thc": 3, "village": 1}  # fmt: skip
    depts = {"h3": ["内科", "外科", "急诊科", "妇产科", "儿科", "感染科"], "eth": ["民族医内科", "外治科", "药浴科"],
             "county": ["内科", "外科", "妇产科", "结核门诊"], "eth_county": ["民族医科"], "pri": ["内科", "外科"]}  # fmt: skip
    names = SCRIPT[k["script"]]["doc"]
    for vi, v in enumerate(w.venues):
        if v.kind == "pharmacy":
            continue
        base = n_doc[v.cls]
        for _ in range(base + (r.randint(-1, 2) if base > 2 else 0)):
            title = "乡村医生" if v.cls == "village" else r.choice(["医师", "主治医师", "副主任医师", "民族医师"])
            nm = (
                r.choice(names) + r.choice(names)
                if k["names"] == "bilingual"
                else r.choice("扎尼洛才卓多") + r.choice("西玛布让嘎杰")
            )
            w.doctors.append(Doctor("", vi, nm, title, r.choice(depts.get(v.cls, ["全科"]))))
            v.doctors.append(len(w.doctors) - 1)
    _doctor_ids(w, r)
    _closures(w, r)
    rp = rng(w.seed, "pool")
    for v in w.venues:
        v.pool = v.kind == "pharmacy" and rp.random() < 0.6


def _doctor_ids(w: World, r: random.Random, which: list[int] | None = None) -> None:
    mode = w.knobs["doctor_ids"]
    used = {d.did for d in w.doctors if d.did}
    for i in range(len(w.doctors)) if which is None else which:
        d = w.doctors[i]
        v = w.venues[d.venue]
        while True:
            if mode == "national":
                did = f"D{v.region}{r.randint(0, 999999):06d}"
            elif mode == "cert15":  # 医师执业证书编码: 15 digits
                did = f"1{r.randint(10, 54)}{v.region}{r.randint(0, 999999):06d}"
            else:
                did = f"d{v.region}_{r.randint(0, 9999):04d}"
            if did not in used:
                break
        used.add(did)
        d.did = did


def _closures(w: World, r: random.Random) -> None:
    """Snow closures: each pastoral township cut off 0-2 times in winter for 4-12 days; 虫草 season in May-June."""
    for c, past in enumerate(w.pastoral):
        if not past:
            continue
        for t in range(w.knobs["townships"][c]):
            shut: set[int] = set()
            winter = [d for d in range(w.days) if (w.start + timedelta(days=d)).month in (12, 1, 2, 3)]
            for _ in range(r.choice([0, 1, 1, 2]) if winter else 0):
                d0 = r.choice(winter)
                shut |= set(range(d0, min(w.days, d0 + r.randint(4, 12))))
            w.closed[(c, t)] = shut
    for d in range(w.days):
        day = w.start + timedelta(days=d)
        w.herding.append((day.month, day.day) >= (5, 10) and (day.month, day.day) <= (6, 20))


def _pid(w: World, r: random.Random, p: Person, used: set[str]) -> str:
    mode = w.knobs["person_ids"]
    while True:
        if mode == "hukou":  # 合作医疗证号 + 成员序号: the household is in the id
            pid = f"{p.region}{p.hh:07d}{p.member:02d}"
        elif mode == "b36":
            pid = "".join(r.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(16))
        else:
            pid = f"{r.randint(0, 10**19 - 1):019d}"
        if pid not in used:
            used.add(pid)
            return pid
        if mode == "hukou":
            p.member += 50


def build_people(w: World, n: int) -> None:
    r = rng(w.seed, "people")
    k = w.knobs
    regions = [k["codes"]["seat"], *k["counties"]]
    n_seat = round(n * k["seat_share"])
    villages = {
        (v.county, v.township): len([x for x in w.by_cls["village"] if w.venues[x].parent == w.venues.index(v)])
        for v in (w.venues[i] for i in w.by_cls["thc"])
    }
    ref = w.start
    hh = 0

    def person(pop: str, c: int, t: int, vil: int, yrs: int, sex: str, itype: str, member: int, phone: str) -> Person:
        b = ref - timedelta(days=yrs * 365 + r.randrange(365))
        addr = hashlib.sha1(f"{w.seed}-ad-{hh}".encode()).hexdigest()[:14]
        return Person("", sex, b, regions[c], itype, pop, c, t, vil, hh, member, phone, addr)

    while len(w.persons) < n:
        hh += 1
        seat = len(w.persons) < n_seat
        if seat:
            c, t, vil, pop = 0, -1, -1, "town"
            sizes = _household(r, big=False)
        else:
            c = r.randrange(1, len(regions))
            t = r.randrange(k["townships"][c])
            vil = r.randrange(villages[(c, t)])
            pop = "herd" if w.pastoral[c] and r.random() < 0.85 else "farm"
            sizes = _household(r, big=True)
        poor = not seat and r.random() < k["poor_share"]
        home_phone = hashlib.sha1(f"{w.seed}-hph-{hh}".encode()).hexdigest()[:16]
        for m, yrs in enumerate(sizes, 1):
            if len(w.persons) >= n:
                break
            itype = "employee" if seat and 22 <= yrs <= 60 and r.random() < 0.5 else "resident"
            if seat and yrs > 60 and r.random() < 0.35:
                itype = "employee"  # retired civil servants and teachers
            own = hashlib.sha1(f"{w.seed}-ph-{len(w.persons)}".encode()).hexdigest()[:16]
            phone = home_phone if k["phones"] == "household" and not seat else own
            if yrs < 16:
                phone = ""
            sex = "M" if (m == 1) == (r.random() < 0.8) else "F"
            p = person(pop, c, t, vil, yrs, sex, itype, m, phone)
            p.poor = poor
            p.chronic = yrs >= 40 and r.random() < 0.12 + 0.008 * (yrs - 40)  # 高原性高血压 and the like
            w.persons.append(p)
    for p in w.persons:
        a = age(w, p)
        yearly = 0.0006 * math.exp(0.085 * max(0, a - 30))
        if r.random() < min(0.5, yearly * w.days / 365):
            p.death = r.randrange(1, w.days)
        if k["addresses"] == "village" and p.pop != "town":  # a 牧业村 has no street: one key per 村 (社)
            p.addr = hashlib.sha1(f"{w.seed}-vil-{p.county}-{p.township}-{p.village}".encode()).hexdigest()[:14]
    order = list(range(len(w.persons)))
    r.shuffle(order)
    used: set[str] = set()
    for i in order:
        w.persons[i].pid = _pid(w, r, w.persons[i], used)


def _household(r: random.Random, big: bool) -> list[int]:
    if r.random() < 0.15:
        return [r.randint(55, 85)] + ([r.randint(55, 85)] if r.random() < 0.6 else [])
    a = r.randint(22, 50)
    kids = [r.randint(0, 17) for _ in range(r.choice([1, 2, 3, 4] if big else [0, 1, 1, 2]))]
    grand = [r.randint(58, 86) for _ in range(r.choice([0, 1, 2] if big else [0, 0, 1]))]
    return [a, a + r.randint(-4, 4), *kids, *grand]


def age(w: World, p: Person) -> int:
    return (w.start - p.birth).days // 365


# ----------------------------------------------------------------------------------------------- claims


def build_calendar(w: World) -> None:
    wk = [1.2, 1.1, 1.05, 1.0, 1.0, 0.8, 0.6]
    new_year = {date(2024, 2, 10), date(2025, 1, 29), date(2025, 2, 28), date(2026, 2, 17)}  # 春节, 藏历新年 2025
    for d in range(w.days):
        day = w.start + timedelta(days=d)
        f = wk[day.weekday()]
        if any(0 <= (day - s).days < 10 for s in new_year):
            f *= 0.4
        w.weight.append(f)


def reachable(w: World, p: Person, d: int) -> bool:
    return d not in w.closed.get((p.county, p.township), ())


def pick_day(w: World, r: random.Random, p: Person, lo: int = 0, hi: int | None = None) -> int:
    """A day a person seeks care: weekday weights, herders rarely down in the 虫草 season, a snowed-in township's
    visits come when the road reopens."""
    hi = w.days if hi is None else min(w.days, hi)
    lo = max(0, lo)
    if hi <= lo:
        return -1
    d = r.randrange(lo, hi)
    for _ in range(20):
        d = r.randrange(lo, hi)
        if p.pop == "herd" and w.herding[d] and r.random() < 0.6:
            continue
        if r.random() * 1.2 < w.weight[d]:
            break
    while d < hi and not reachable(w, p, d):
        d += 1
    return d if d < hi else -1


def tod(r: random.Random, cls: str) -> int:
    if cls in ("pharmacy", "eth_shop"):
        return r.randint(9 * 3600, 21 * 3600)
    if r.random() < 0.65:
        return r.randint(9 * 3600, 12 * 3600 + 1800)  # Beijing time: the working day starts at 9 in the west
    return r.randint(15 * 3600, 18 * 3600 + 1800)


def item(r: random.Random, code: str, qty: float | None = None, mult: float = 1.0) -> tuple[str, float, float]:
    _, _, lo, hi, q = CAT[code]
    return code, float(qty if qty is not None else q), round(r.uniform(lo, hi) * mult, 2)


def add_claim(w: World, c: Claim) -> None:
    p = w.persons[c.patient]
    d = c.start // DAY
    if d >= w.days or d < 0 and c.vtype != "inpatient":
        return
    if p.death is not None and d > p.death:
        return
    if c.end is not None:
        if p.death is not None and c.end // DAY > p.death:
            c.end = max(c.start + 3600, p.death * DAY + 11 * 3600)
        if c.end // DAY >= w.days or c.end < 0:
            return
    w.claims.append(c)


def visit(w: World, r: random.Random, pi: int, vi: int, doc: int | None, d: int, vt: str, diag: str,
          items: list[tuple[str, float, float]], t: int | None = None, keyed: bool = False) -> None:  # fmt: skip
    if d < 0:
        return
    v = w.venues[vi]
    start = d * DAY + (t if t is not None else tod(r, v.cls))
    add_claim(w, Claim(pi, vi, doc, vt, start, None, items, diag, keyed=keyed or v.cls == "village"))


def stay(w: World, r: random.Random, pi: int, vi: int, doc: int, d0: int, los: int, diag: str,
         daily: list[str], extra: list[tuple[str, float, float]], t: int | None = None, mult: float = 1.0) -> None:  # fmt: skip
    """One admission settled at discharge (a stay still open at the export is not in it)."""
    if d0 < 0 or d0 >= w.days:
        return
    los = max(1, los)
    adm = d0 * DAY + (t if t is not None else r.randint(10 * 3600, 19 * 3600))
    end = (d0 + los) * DAY + r.randint(10 * 3600, 12 * 3600)
    its = [item(r, "110100001", los)] + [item(r, c, los, mult) for c in daily] + extra
    add_claim(w, Claim(pi, vi, doc, "inpatient", adm, end, its, diag))


def buy(w: World, r: random.Random, pi: int, vi: int, d: int, items: list[tuple[str, float, float]],
        doc: int | None = None, t: int | None = None, holder: int | None = None) -> None:  # fmt: skip
    if d < 0:
        return
    start = d * DAY + (t if t is not None else tod(r, "pharmacy"))
    add_claim(w, Claim(pi, vi, doc, "pharmacy", start, None, items, "", holder=holder))


def out_items(w: World, r: random.Random, cls: str) -> list[tuple[str, float, float]]:
    its = [item(r, "110900001" if cls in ("village", "thc", "community") else "110200001")]
    if cls in ("h3", "county", "pri") and r.random() < 0.5:
        its.append(item(r, r.choice(["250101001", "250305001", "250302001", "220800001", "210102001", "220301001"])))
    if cls in ("eth", "eth_county"):
        its.append(ethnic_item(w, r, r.choice(ETHNIC[w.knobs["script"]])))
        if r.random() < 0.3:
            its.append(item(r, r.choice(["341000002", "341000003", "340200003"])))
    elif r.random() < 0.8:
        its.append(item(r, r.choice(["XJ01CAA040A001", "XJ01DDA163A001", "XM01AEA033A001", "XA02BCA123A001",
                                     "XR03DAA016A001", "ZA12HAX0123010"])))  # fmt: skip
    return its


def ethnic_item(w: World, r: random.Random, code: str) -> tuple[str, float, float]:
    """An ordinary patient's ethnic medicine: ``ethnic_supply`` of the usual course (10-60 pills), at least 6."""
    return item(r, code, max(6, round(CAT[code][4] * w.knobs["ethnic_supply"])))


def chronic_items(r: random.Random, months: int = 1) -> list[tuple[str, float, float]]:
    its = [item(r, "XC08CAA148A001", 28 * months) if r.random() < 0.6 else item(r, "XC09AAA152A001", 60 * months)]
    if r.random() < 0.3:
        its.append(item(r, r.choice(["ZA12HAX0123010", "XA10BAA045A001"]), 60 * months))
    return its


def thc_of(w: World, p: Person) -> int:
    return next(i for i in w.by_cls["thc"] if w.venues[i].county == p.county and w.venues[i].township == p.township)


def village_of(w: World, p: Person) -> int:
    thc = thc_of(w, p)
    vils = [i for i in w.by_cls["village"] if w.venues[i].parent == thc]
    return vils[p.village % len(vils)]


def county_venues(w: World, c: int, cls: str) -> list[int]:
    return [i for i in w.by_cls.get(cls, []) if w.venues[i].county == c]


def shops_near(w: World, c: int) -> list[int]:
    return [i for i in w.by_cls["pharmacy"] + w.by_cls["eth_shop"] if w.venues[i].county == c] or w.by_cls["pharmacy"]


def ordinary_care(w: World) -> None:
    r = rng(w.seed, "care")
    shape = 0.5 + (w.seed % 4) * 0.25
    seat_h = w.by_cls["h3"] + w.by_cls["eth"] + w.by_cls["mch"]
    for pi, p in enumerate(w.persons):
        a = age(w, p)
        base = {"town": 3.2 + 0.05 * a, "farm": 2.2 + 0.04 * a, "herd": 1.1 + 0.03 * a}[p.pop]
        g = r.gammavariate(shape, 1 / shape)
        if p.pop == "town":
            near = [w.by_cls["community"][p.hh % len(w.by_cls["community"])]]
            mid, far = w.by_cls["clinic"] + w.by_cls["pri"], seat_h
            cut = (0.4, 0.6)
        else:
            near, mid = [village_of(w, p)], [thc_of(w, p)]
            far = county_venues(w, p.county, "county") * 3 + county_venues(w, p.county, "eth_county") + seat_h
            cut = (0.45, 0.7) if p.pop == "herd" else (0.4, 0.65)
        for _ in range(poisson(r, base * g * w.days / 365)):
            d = pick_day(w, r, p)
            u = r.random()
            vi = r.choice(near if u < cut[0] else mid if u < cut[1] else far)
            v = w.venues[vi]
            doc = v.doctors[(p.hh + pi * (r.random() < 0.3)) % len(v.doctors)]
            visit(w, r, pi, vi, doc, d, "outpatient", r.choice(OUT_DIAG), out_items(w, r, v.cls))
            if r.random() < 0.2 and d >= 0 and p.pop == "town":
                visit(w, r, pi, vi, doc, d + r.randint(2, 7), "outpatient", r.choice(OUT_DIAG), out_items(w, r, v.cls))
        shop_rate = {"town": 2.0, "farm": 0.7, "herd": 0.25}[p.pop]
        shops = shops_near(w, p.county)
        for _ in range(poisson(r, shop_rate * g * w.days / 365)):
            d = pick_day(w, r, p)
            vi = r.choice(shops)
            code = (
                r.choice(ETHNIC[w.knobs["script"]][:2])
                if w.venues[vi].cls == "eth_shop"
                else r.choice(["XM01AEA033A001", "XJ01CAA040A001", "ZA12HAX0123010", "XA02BCA123A001"])
            )
            holder = None
            if p.pop == "town" and p.itype != "employee" and r.random() < 0.15:
                mates = [j for j in (pi - 1, pi + 1, pi - 2) if 0 <= j < len(w.persons) and w.persons[j].hh == p.hh]
                emp = [j for j in mates if w.persons[j].itype == "employee"]
                holder = emp[0] if emp else None  # 家庭共济: a working parent's account pays
            its = [ethnic_item(w, r, code) if code.startswith(("ZE", "YN")) else item(r, code)]
            buy(w, r, pi, vi, d, its, holder=holder)
        if p.chronic:
            months = 1 if p.pop == "town" else (2 if p.pop == "farm" else 3)  # herders take months of pills home
            d = pick_day(w, r, p, 0, 30 * months)
            while 0 <= d < w.days:
                if p.pop == "town":
                    vi, vt = near[0], "chronic"
                else:
                    vi = near[0] if r.random() < 0.5 else mid[0]
                    vt = "outpatient" if w.venues[vi].cls == "village" else "chronic"
                v = w.venues[vi]
                visit(w, r, pi, vi, v.doctors[p.hh % len(v.doctors)], d, vt, "I10.x00", chronic_items(r, months))
                d += 30 * months + r.randint(-5, 12)
                while d < w.days and not reachable(w, p, d):
                    d += 1
        adm = (0.04 + 0.004 * max(0, a - 30)) * {"town": 1.0, "farm": 1.5, "herd": 2.2}[p.pop]  # long roads
        for _ in range(poisson(r, adm * w.days / 365)):
            d = pick_day(w, r, p)
            if d < 0:
                continue
            if p.pop == "town":
                vi = r.choice(seat_h + w.by_cls["pri"])
            else:
                vi = r.choice(county_venues(w, p.county, "county") * 4 + [thc_of(w, p)] * 2 + seat_h)
            v = w.venues[vi]
            los = max(2, int(r.lognormvariate(1.9 if p.pop == "town" else 2.1, 0.45)))
            daily = ["120100004", "120200001"] if v.cls != "eth" else ["120100004", "341000003"]
            stay(w, r, pi, vi, r.choice(v.doctors), d, los, r.choice(IN_DIAG), daily,
                 [item(r, "250101001"), item(r, "XB05BAA001B001", los * 2)])  # fmt: skip


# ----------------------------------------------------------------------------------------------- groups


def _alive(p: Person) -> bool:
    return p.death is None


def _rural_county(w: World, r: random.Random, pastoral: bool | None = None) -> int:
    cs = [c for c in range(1, len(w.pastoral)) if pastoral is None or w.pastoral[c] == pastoral]
    return r.choice(cs or list(range(1, len(w.pastoral))))


def poor_induced(w: World, r: random.Random, gid: str) -> dict:
    """诱导住院 of 脱贫户: a private hospital's van fetches a village's poor elders (free transport and meals), who are
    admitted together for a week or two of 小病大养, village by village, again every 1-3 months."""
    vi = r.choice(w.by_cls["pri"])
    v = w.venues[vi]
    c = _rural_county(w, r)
    thcs = county_venues(w, c, "thc")
    targets = {(c, w.venues[t].township, j) for t in r.sample(thcs, k=min(len(thcs), r.randint(1, 3)))
               for j in range(6) if r.random() < 0.6}  # fmt: skip
    mem = take(w, r, r.randint(25, 90), lambda p: p.poor and age(w, p) >= 45 and _alive(p)
                and (p.county, p.township, p.village) in targets, gid)  # fmt: skip
    by_vil: dict[tuple, list[int]] = {}
    for pi in mem:
        p = w.persons[pi]
        by_vil.setdefault((p.township, p.village), []).append(pi)
    every = r.randint(30, 90)
    keen = {pi: r.uniform(0.4, 0.9) for pi in mem}
    for key in sorted(by_vil):
        d = r.randint(0, every)
        while d < w.days - 14:
            batch = [pi for pi in by_vil[key] if r.random() < keen[pi] and reachable(w, w.persons[pi], d)]
            t0 = r.randint(14 * 3600, 18 * 3600)  # the van arrives after hours on the road
            for j, pi in enumerate(batch):
                stay(w, r, pi, vi, v.doctors[j % len(v.doctors)], d, r.randint(7, 14),
                     r.choice(["J44.100", "I10.x00", "K29.700", "M54.500", "M13.900"]),
                     ["120100003", "120200001", "340200003"], [item(r, "210300001"), item(r, "250305001"),
                     item(r, "250101001")], t=t0 + j * r.randint(60, 300), mult=1.5)  # fmt: skip
            d += every + r.randint(-5, 5)
    return plan(w, gid, "poor_induced", mem, venues=[vi], doctors=list(v.doctors), params={"every": every})


def township_guabed(w: World, r: random.Random, gid: str) -> dict:
    """挂床 at a 乡镇卫生院: its own villagers admitted on paper in the last days of each month (the 医共体's targets),
    a week of beds, drips and nursing each, nobody in bed."""
    c = _rural_county(w, r)
    vi = r.choice(county_venues(w, c, "thc"))
    v = w.venues[vi]
    mem = take(w, r, r.randint(15, 50), lambda p: p.county == c and p.township == v.township and age(w, p) >= 35
                and _alive(p), gid)  # fmt: skip
    nxt = {pi: 0 for pi in mem}
    for d in range(w.days):
        day = w.start + timedelta(days=d)
        if (day + timedelta(days=6)).month == day.month:  # the month's last six days
            continue
        pool = [pi for pi in mem if nxt[pi] <= d]
        for pi in r.sample(pool, k=min(len(pool), r.randint(0, 4))):
            stay(w, r, pi, vi, v.doctors[0] if r.random() < 0.7 else r.choice(v.doctors), d, r.randint(5, 10),
                 r.choice(["J20.900", "K29.700", "I10.x00"]), ["120100004", "120200001", "C0301CTH001"],
                 [item(r, "XB05BAA001B001", 10)])  # fmt: skip
            nxt[pi] = d + r.randint(45, 90)
    return plan(w, gid, "township_guabed", mem, venues=[vi], doctors=list(v.doctors))


def fleet_admit(w: World, r: random.Random, gid: str) -> dict:
    """A private hospital's ambulances fetch herders from a far pastoral county every week or two: 2-6 from scattered
    camps a run, all admitted the same evening, each billed the ambulance and a padded week."""
    vi = r.choice(w.by_cls["pri"])
    v = w.venues[vi]
    c = _rural_county(w, r, pastoral=True)
    mem = take(w, r, r.randint(25, 80), lambda p: p.county == c and p.pop == "herd" and age(w, p) >= 40
                and _alive(p), gid)  # fmt: skip
    every = r.randint(6, 15)
    left = list(mem)
    r.shuffle(left)
    again = r.uniform(0.1, 0.4)
    d = r.randint(0, every)
    while d < w.days - 8 and left:
        run = [left.pop() for _ in range(min(len(left), r.randint(2, 6)))]
        t = r.randint(17 * 3600, 21 * 3600)
        for pi in run:
            if not reachable(w, w.persons[pi], d):
                continue
            t += r.randint(60, 900)
            stay(w, r, pi, vi, r.choice(v.doctors), d, r.randint(6, 12), r.choice(IN_DIAG),
                 ["120100003", "120200001"], [item(r, "480000001"), item(r, "210300001"), item(r, "220600001")],
                 t=t, mult=1.4)  # fmt: skip
            if r.random() < again:
                left.insert(0, pi)
        d += every + r.randint(-2, 2)
    return plan(w, gid, "fleet_admit", mem, venues=[vi], doctors=list(v.doctors), params={"every": every})


def ethnic_phantom(w: World, r: random.Random, gid: str) -> dict:
    """虚构 dispensing at a 民族医院's outpatient pharmacy: dear ethnic pills keyed on the cards of villagers who never
    came, in batches on one or two weekdays, every 3-6 weeks per name."""
    vi = r.choice(w.by_cls["eth_county"] + w.by_cls["eth"])
    v = w.venues[vi]
    c = v.county if v.county else _rural_county(w, r)
    mem = take(w, r, r.randint(40, 150), lambda p: p.county == c and age(w, p) >= 25 and _alive(p), gid)
    docs = r.sample(v.doctors, k=min(len(v.doctors), r.randint(1, 3)))
    days = r.sample(range(5), k=r.randint(1, 2))
    evening = r.random() < 0.5
    nxt = {pi: r.randint(0, 40) for pi in mem}
    for d in range(w.days):
        if (w.start + timedelta(days=d)).weekday() not in days:
            continue
        due = [pi for pi in mem if nxt[pi] <= d]
        batch = r.sample(due, k=min(len(due), r.randint(15, 50)))
        t = r.randint(19 * 3600, 21 * 3600) if evening else r.randint(14 * 3600, 16 * 3600)
        for pi in sorted(batch):
            t += r.randint(40, 240)
            its = [item(r, "110200001")] + [item(r, x) for x in r.sample(ETHNIC_DEAR, 2)]
            visit(w, r, pi, vi, r.choice(docs), d, "outpatient", r.choice(["M13.900", "K29.700", "I10.x00"]), its, t=t)
            nxt[pi] = d + r.randint(21, 45)
    return plan(w, gid, "ethnic_phantom", mem, venues=[vi], doctors=docs, params={"evening": evening})


def screening_phantom(w: World, r: random.Random, gid: str) -> dict:
    """A 卫生院 bills a 包虫病 screening round nobody attended: 彩超 and an antibody test on its villagers' cards, in
    bursts over a few days, then a 'follow-up' round for the same names."""
    c = _rural_county(w, r, pastoral=True)
    vi = r.choice(county_venues(w, c, "thc"))
    v = w.venues[vi]
    mem = take(w, r, r.randint(60, 250), lambda p: p.county == c and p.township == v.township and age(w, p) >= 6
                and _alive(p), gid)  # fmt: skip
    rounds = r.randint(2, 4)
    docs = v.doctors[:2]
    for k in range(rounds):
        d0 = r.randint(k * w.days // rounds, max(k * w.days // rounds, (k + 1) * w.days // rounds - 8))
        names = [pi for pi in mem if r.random() < 0.85]
        span = r.randint(2, 5)
        for j, pi in enumerate(names):
            d = d0 + j * span // max(1, len(names))
            t = 9 * 3600 + (j % 80) * r.randint(60, 180)
            its = [item(r, "110900001"), item(r, "220600001"), item(r, "250405001")]
            visit(w, r, pi, vi, docs[j % len(docs)], d, "outpatient", "Z11.600", its, t=t)
    return plan(w, gid, "screening_phantom", mem, venues=[vi], doctors=docs, params={"rounds": rounds})


def village_cards(w: World, r: random.Random, gid: str) -> dict:
    """A 村医 keeps his pastoral village's cards while the herders are on the summer pastures and swipes them in
    batches at one shop in the county town (dear ethnic pills and 阿胶, resold); in half the rings he also bills a
    visit at his clinic on each card that day."""
    c = _rural_county(w, r, pastoral=True)
    thc = r.choice(county_venues(w, c, "thc"))
    vil_vi = r.choice([i for i in w.by_cls["village"] if w.venues[i].parent == thc])
    t_ = w.venues[thc].township
    vils = [i for i in w.by_cls["village"] if w.venues[i].parent == thc]
    vil_no = vils.index(vil_vi)
    mem = take(w, r, r.randint(15, 60), lambda p: p.county == c and p.township == t_ and p.village % len(vils) == vil_no
                and age(w, p) >= 18 and _alive(p), gid)  # fmt: skip
    shop = r.choice([i for i in shops_near(w, c) if w.venues[i].pool] or shops_near(w, c))  # the pool must pay
    doc = w.venues[vil_vi].doctors[0]
    also_visit = r.random() < 0.5
    collector = hashlib.sha1(f"{w.seed}-cundoc".encode()).hexdigest()[:16]
    rebind = r.choice([0.0, 0.5])
    for pi in mem:
        if r.random() < rebind:
            w.persons[pi].phone = collector
    nxt = {pi: 0 for pi in mem}
    d = r.randint(0, 10)
    while d < w.days:
        pool = [pi for pi in mem if nxt[pi] <= d]
        batch = r.sample(pool, k=min(len(pool), r.randint(3, 10)))
        t = r.randint(10 * 3600, 17 * 3600)
        for pi in batch:
            t += r.randint(60, 300)
            code = r.choice(ETHNIC_DEAR + ["ZB01BAJ0567010"])
            buy(w, r, pi, shop, d, [item(r, code, CAT[code][4] * 2)], t=t)
            if also_visit:
                visit(w, r, pi, vil_vi, doc, d, "outpatient", "I10.x00", [item(r, "110900001"), *chronic_items(r)],
                      t=t - 3 * 3600)  # fmt: skip
            nxt[pi] = d + r.randint(20, 40)
        d += r.randint(7, 21)
    return plan(w, gid, "village_cards", mem, venues=[shop] + ([vil_vi] if also_visit else []),
                 doctors=[doc] if also_visit else [], params={"rebind": rebind, "also_visit": also_visit})  # fmt: skip


def ethnic_steering(w: World, r: random.Random, gid: str) -> dict:
    """A county doctor sends his patients to a private ethnic-medicine shop for dear pills (a kickback): every visit
    is followed the same or next day by a purchase there, then refills every 1-2 months."""
    c = _rural_county(w, r)
    vi = r.choice(county_venues(w, c, "eth_county") + county_venues(w, c, "county"))
    v = w.venues[vi]
    doc = r.choice(v.doctors)
    shops = [i for i in w.by_cls["eth_shop"] if w.venues[i].county in (c, 0)] or shops_near(w, c)
    shop = r.choice([i for i in shops if w.venues[i].pool] or shops)
    named = r.random() < 0.5  # the shop's claims carry the prescriber
    mem = take(w, r, r.randint(30, 100), lambda p: p.county in (c, 0) and age(w, p) >= 35 and _alive(p), gid)
    for pi in mem:
        p = w.persons[pi]
        d = pick_day(w, r, p)
        n_vis = r.randint(1, 4)
        while 0 <= d < w.days:
            if n_vis > 0:
                visit(w, r, pi, vi, doc, d, "outpatient", r.choice(["M13.900", "K29.700", "I10.x00"]),
                      [item(r, "110200001"), item(r, r.choice(ETHNIC[w.knobs["script"]]))])  # fmt: skip
                n_vis -= 1
                d += r.choice([0, 0, 1])
            its = [item(r, x) for x in r.sample(ETHNIC_DEAR, r.randint(1, 2))]
            buy(w, r, pi, shop, d, its, doc=doc if named else None)
            d = pick_day(w, r, p, d + 30, d + 60)
    return plan(w, gid, "ethnic_steering", mem, venues=[vi, shop], doctors=[doc], params={"named": named})


def mobile_clinic(w: World, r: random.Random, gid: str) -> dict:
    """巡回医疗: a 卫生院 team holds a clinic day at a 牧场 every month or two; the camp's herders are all seen in a few
    hours, settled under the 卫生院."""
    c = _rural_county(w, r, pastoral=True)
    vi = r.choice(county_venues(w, c, "thc"))
    v = w.venues[vi]
    n_v = len([i for i in w.by_cls["village"] if w.venues[i].parent == vi])
    vils = set(r.sample(range(n_v), k=min(n_v, r.randint(1, 2))))
    mem = take(w, r, r.randint(40, 200), lambda p: p.county == c and p.township == v.township and p.village in vils
                and p.pop == "herd", gid)  # fmt: skip
    every = r.choice([30, 45, 60])
    docs = v.doctors[:3]
    att = {pi: r.uniform(0.5, 0.9) for pi in mem}
    d = r.randint(3, every)
    while d < w.days:
        if w.closed.get((c, v.township)) and d in w.closed[(c, v.township)]:
            d += 3
            continue
        came = [pi for pi in mem if r.random() < att[pi]]
        for j, pi in enumerate(came):
            t = 10 * 3600 + j * r.randint(60, 240) // max(1, len(docs))
            its = [item(r, "111000001"), *chronic_items(r)] if r.random() < 0.4 else out_items(w, r, "thc")
            visit(w, r, pi, vi, docs[j % len(docs)], d, "outpatient", r.choice(OUT_DIAG), its, t=t, keyed=True)
        d += every + r.randint(-4, 4)
    return plan(w, gid, "mobile_clinic", mem, venues=[vi], doctors=docs, params={"every": every})


def aid_team(w: World, r: random.Random, gid: str) -> dict:
    """对口支援: an expert team from an eastern hospital works 3-6 days at a county hospital once or twice in the
    window, seeing hundreds (exams and drugs) and operating on some."""
    c = _rural_county(w, r)
    vi = county_venues(w, c, "county")[0]
    v = w.venues[vi]
    r2 = rng(w.seed, "aid-doctors")
    team = []
    for _ in range(r.randint(4, 8)):
        w.doctors.append(
            Doctor("", vi, "援" + r.choice("张王李陈刘赵") + r.choice("明华强军伟"), "主任医师", "对口支援")
        )
        team.append(len(w.doctors) - 1)
        v.doctors.append(team[-1])
    _doctor_ids(w, r2, team)
    mem = take(w, r, r.randint(150, 500), lambda p: p.county == c and age(w, p) >= 16, gid)
    visits = r.randint(1, 2)
    for k in range(visits):
        d0 = r.randint(k * w.days // visits, (k + 1) * w.days // visits - 7)
        span = r.randint(3, 6)
        seen = [pi for pi in mem if r.random() < (0.8 if visits == 1 else 0.5)]
        for j, pi in enumerate(seen):
            d = d0 + r.randrange(span)
            doc = team[j % len(team)]
            its = [item(r, "110200001"), item(r, r.choice(["220301001", "220800001", "250101001", "210102001"]))]
            visit(w, r, pi, vi, doc, d, "outpatient", r.choice(OUT_DIAG + ["K80.200", "K40.900"]), its)
            if r.random() < 0.08:
                op = r.choice(["331000001", "331000002"])
                stay(w, r, pi, vi, doc, d + 1, r.randint(4, 8), "K80.200" if op == "331000001" else "K40.900",
                     ["120100003"], [item(r, op), item(r, "250101001")])  # fmt: skip
    return plan(w, gid, "aid_team", mem, venues=[vi], doctors=team, params={"visits": visits})


def screening(w: World, r: random.Random, gid: str) -> dict:
    """包虫病 or 结核 screening: a 卫生院 or the county hospital screens whole villages in a few days (one cheap exam
    each); the few positives come back for a second test."""
    c = _rural_county(w, r)
    vi = r.choice(county_venues(w, c, "thc") + county_venues(w, c, "county"))
    v = w.venues[vi]
    tb = r.random() < 0.4
    t_ = v.township
    mem = take(w, r, r.randint(100, 400), lambda p: p.county == c and (t_ < 0 or p.township == t_)
                and age(w, p) >= (15 if tb else 3), gid)  # fmt: skip
    d0 = r.randint(5, w.days - 10)
    span = r.randint(2, 6)
    docs = v.doctors[:2]
    for j, pi in enumerate(mem):
        d = d0 + j * span // len(mem)
        t = 9 * 3600 + 1800 + (j % 120) * r.randint(40, 120)
        exam = "210102001" if tb else "220301001"
        visit(w, r, pi, vi, docs[j % len(docs)], d, "outpatient", "Z11.100" if tb else "Z11.600",
              [item(r, exam)], t=t)  # fmt: skip
        if r.random() < 0.03:
            visit(w, r, pi, vi, docs[0], d + r.randint(7, 20), "outpatient", "B67.900" if not tb else "A15.000",
                  [item(r, "250405001" if not tb else "250402001"), item(r, "110900001")])  # fmt: skip
    return plan(w, gid, "screening", mem, venues=[vi], doctors=docs, params={"tb": tb})


def medicinal_bath(w: World, r: random.Random, gid: str) -> dict:
    """藏医药浴 (or 蒙医 沙疗): in the bath seasons villagers come down together by car and are admitted the same day for
    7-21 days at a 民族医院."""
    vi = r.choice(w.by_cls["eth_county"] + w.by_cls["eth"])
    v = w.venues[vi]
    c = v.county if v.county else _rural_county(w, r)
    mem = take(w, r, r.randint(40, 150), lambda p: p.county == c and age(w, p) >= 40, gid)
    seasons = [d for d in range(w.days) if (w.start + timedelta(days=d)).month in (4, 5, 9, 10)]
    by_vil: dict[tuple[int, int], list[int]] = {}
    for pi in mem:
        p = w.persons[pi]
        by_vil.setdefault((p.township, p.village), []).append(pi)
    docs = v.doctors[-3:]
    for key in sorted(by_vil):
        if not seasons:
            d = r.randint(0, w.days - 25)
        else:
            d = r.choice(seasons)
        t0 = r.randint(10 * 3600, 15 * 3600)
        for j, pi in enumerate(by_vil[key]):
            if r.random() < 0.25:
                dd, t = pick_day(w, r, w.persons[pi], d, d + 20), None
            else:
                dd, t = d, t0 + j * r.randint(120, 600)
            stay(w, r, pi, vi, r.choice(docs), dd, r.randint(7, 21), "M13.900", ["341000001", "120100004"],
                 [item(r, r.choice(ETHNIC[w.knobs["script"]]), 60)], t=t)  # fmt: skip
    return plan(w, gid, "medicinal_bath", mem, venues=[vi], doctors=docs)


def maternity_wait(w: World, r: random.Random, gid: str) -> dict:
    """待产之家: pregnant herders from far townships are admitted to the county hospital 1-3 weeks before delivery and
    lodge in its waiting home (one address)."""
    c = _rural_county(w, r, pastoral=True)
    vi = county_venues(w, c, "county")[0]
    v = w.venues[vi]
    mem = take(w, r, r.randint(15, 60), lambda p: p.county == c and p.sex == "F" and 18 <= age(w, p) <= 40, gid)
    home = hashlib.sha1(f"{w.seed}-daichan".encode()).hexdigest()[:14]
    docs = [d for d in v.doctors if w.doctors[d].dept == "妇产科"] or v.doctors[:2]
    for pi in mem:
        if r.random() < 0.6:
            w.persons[pi].addr = home
        d = pick_day(w, r, w.persons[pi], 0, w.days - 25)
        stay(w, r, pi, vi, r.choice(docs), d, r.randint(10, 28), "O80.000", ["120100004"],
             [item(r, "220301001"), item(r, "250101001")])  # fmt: skip
    return plan(w, gid, "maternity_wait", mem, venues=[vi], doctors=docs)


def tb_dots(w: World, r: random.Random, gid: str) -> dict:
    """结核 DOTS: a county's TB patients at the county hospital's 结核门诊 each month on its clinic day (Wednesday)."""
    c = _rural_county(w, r)
    vi = county_venues(w, c, "county")[0]
    v = w.venues[vi]
    mem = take(w, r, r.randint(30, 80), lambda p: p.county == c and age(w, p) >= 15, gid)
    docs = [d for d in v.doctors if w.doctors[d].dept == "结核门诊"] or v.doctors[:1]
    for pi in mem:
        p = w.persons[pi]
        d = r.randint(-120, w.days - 30)
        end = d + r.choice([180, 240, 270])
        while d < min(end, w.days):
            while (w.start + timedelta(days=d)).weekday() != 2:
                d += 1
            if 0 <= d < w.days and reachable(w, p, d):
                its = [item(r, "XJ04AMA009A001"), item(r, "250305001")]
                if r.random() < 0.3:
                    its.append(item(r, "250402001"))
                visit(w, r, pi, vi, r.choice(docs), d, "chronic", "A15.000", its, t=r.randint(10 * 3600, 13 * 3600))
            d += 28
    return plan(w, gid, "tb_dots", mem, venues=[vi], doctors=docs)


def monastery(w: World, r: random.Random, gid: str) -> dict:
    """A 寺院's monks (one address, men of every age) come down by the monastery's truck once a month to a 民族医院
    or the county hospital: a dozen or more seen the same morning."""
    c = _rural_county(w, r)
    vi = r.choice(county_venues(w, c, "eth_county") + county_venues(w, c, "county"))
    v = w.venues[vi]
    mem = take(w, r, r.randint(40, 200), lambda p: p.county == c and p.sex == "M" and 10 <= age(w, p) <= 85, gid)
    addr = hashlib.sha1(f"{w.seed}-monastery".encode()).hexdigest()[:14]
    for pi in mem:
        w.persons[pi].addr = addr
        w.persons[pi].phone = "" if r.random() < 0.5 else w.persons[pi].phone
    d = r.randint(0, 20)
    while d < w.days:
        came = r.sample(mem, k=min(len(mem), r.randint(10, 30)))
        t = r.randint(10 * 3600, 11 * 3600)
        for pi in sorted(came):
            t += r.randint(60, 400)
            visit(w, r, pi, vi, r.choice(v.doctors), d, "outpatient", r.choice(OUT_DIAG), out_items(w, r, v.cls), t=t)
        d += r.randint(24, 36)
    return plan(w, gid, "monastery", mem, venues=[vi], doctors=list(v.doctors))


RING_FN = {s: globals()[s] for s in SCHEMES}
BENIGN_FN = {b: globals()[b] for b in BENIGN}


def plant_all(w: World) -> None:
    """Plant the world's rings, then its benign groups (:func:`benchmarks._common.plant_all`)."""
    common_plant_all(w, rng, RING_FN, BENIGN_FN)


# ----------------------------------------------------------------------------------------------- money and export


def fund_of(w: World, c: Claim, total: float) -> tuple[float, float, float]:
    """(fund, account, aid): 脱贫人口 get a small deductible and a higher share (一站式结算: 基本医保 + 大病 + 医疗救助);
    ``aid`` is the 医疗救助 part, exported as its own row in `aid_rows` worlds."""
    p = w.persons[c.holder if c.holder is not None else c.patient]
    v = w.venues[c.venue]
    emp = p.itype == "employee"
    aid = 0.0
    if c.vtype == "inpatient":
        ded = {3: 600, 2: 400, 1: 200, 0: 300}[v.level] * (0.5 if p.poor else 1.0)
        fund = max(0.0, total - ded) * (0.85 if emp else 0.75 if v.level < 3 else 0.65)
        if p.poor:
            aid = round((total - fund) * 0.7, 2)
    elif c.vtype == "chronic":
        fund = total * 0.75
    elif c.vtype == "pharmacy":
        fund = total * 0.5 if (c.doctor is not None or emp or (v.pool and total >= 30)) else 0.0
    else:
        share = {"village": 0.8, "thc": 0.7, "community": 0.6}.get(v.cls, 0.5)
        fund = total * (share + (0.1 if p.poor else 0.0))
    fund = round(min(fund, total), 2)
    acct = round((total - fund - aid) * 0.8, 2) if emp else 0.0
    return fund, acct, aid


def _keyed_times(w: World) -> None:
    """`return` worlds: village and mobile-clinic visits are keyed on the team's return to the 卫生院 1-4 days later,
    one after another in office hours; `hour` worlds keep only the hour at 卫生院 and village clinics."""
    if w.knobs["time_mode"] != "return":
        return
    r = rng(w.seed, "keying")
    batches: dict[tuple[int, int], list[Claim]] = {}
    for c in w.claims:
        if c.keyed:
            batches.setdefault((c.venue, c.start // DAY), []).append(c)
    for (_, d), cs in sorted(batches.items()):
        back = min(w.days - 1, d + r.randint(1, 4))
        t = back * DAY + r.randint(9 * 3600, 15 * 3600)
        for c in sorted(cs, key=lambda c: c.start):
            t += r.randint(30, 180)
            death = w.persons[c.patient].death
            c.start = min(t, (death if death is not None else w.days - 1) * DAY + 23 * 3600)
            c.start = max(c.start, d * DAY)


def _fmt_time(w: World, t: int, v: Venue, cache: dict[int, str]) -> str:
    d = t // DAY
    ds = cache.get(d)
    if ds is None:
        ds = cache[d] = (w.start + timedelta(days=d)).isoformat()
    mode = w.knobs["time_mode"]
    if mode == "date":
        return ds
    s = t % DAY
    if mode == "minute":
        s -= s % 60
    elif mode == "hour" and v.cls in ("thc", "village"):
        s -= s % 3600
    sep = "T" if w.knobs["time_T"] else " "
    return f"{ds}{sep}{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _diag(w: World, code: str) -> str:
    if w.knobs["icd"] == "short" and code:
        return code.split(".")[0]
    return code


def _write(w: World, out: Path, name: str, header: list[str], rows: list[list[Any]], drop: list[str]) -> None:
    cols = kept_columns(name, header, drop)
    write_csv(out / f"{name}.csv", header, rows, columns=cols, bom=w.knobs["bom"], crlf=w.knobs["crlf"])


def _claim_ids(w: World, n: int, starts: list[str], vids: list[str]) -> list[str]:
    r = rng(w.seed, "claimids")
    mode = w.knobs["claim_ids"]
    if mode == "seq16":
        base = r.randint(10**9, 9 * 10**9)
        return [f"{base + i * 2 + r.randint(0, 1):016d}" for i in range(n)]
    if mode == "oid":  # a document store's 24-hex object id
        seen: set[str] = set()
        ids = []
        for _ in range(n):
            while True:
                x = f"{r.getrandbits(96):024x}"
                if x not in seen:
                    seen.add(x)
                    ids.append(x)
                    break
        return ids
    count: dict[str, int] = {}
    ids = []
    for s, v in zip(starts, vids):  # fac_ts: venue, settlement time to the second, a two-digit counter
        key = v + "".join(ch for ch in s if ch.isdigit())[:14].ljust(14, "0")
        count[key] = count.get(key, 0) + 1
        ids.append(f"{key}{count[key]:02d}")
    return ids


def write_world(w: World, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    k = w.knobs
    drop = list(k["drop"])
    if not k["trace_codes"]:
        drop.append("claim_items.trace_code")
    _keyed_times(w)
    if k["village_merge"]:  # 乡村一体化: village clinics settle under their 卫生院's code and have no row of their own
        for v in w.venues:
            if v.cls == "village":
                v.vid = w.venues[v.parent].vid
    r = rng(w.seed, "export")
    rows = []
    for p in w.persons:
        birth = str(p.birth.year) if k["birth_year"] else p.birth.isoformat()
        rows.append([p.pid, p.sex, birth, p.region, p.itype, p.phone, p.addr,
                     (w.start + timedelta(days=p.death)).isoformat() if p.death is not None else ""])  # fmt: skip
    bcol = "birth_year" if k["birth_year"] else "birth_date"
    _write(w, out, "persons", ["person_id", "sex", bcol, "region", "insured_type", "phone", "address", "death_date"],
           rows, drop)  # fmt: skip
    fac = [v for v in w.venues if v.kind != "pharmacy" and not (k["village_merge"] and v.cls == "village")]
    _write(w, out, "facilities", ["facility_id", "name", "kind", "level", "ownership", "region", "beds"],
           [[v.vid, v.name, v.kind, v.level, v.own, v.region, v.beds] for v in fac], drop)  # fmt: skip
    _write(w, out, "pharmacies", ["pharmacy_id", "name", "chain", "region"],
           [[v.vid, v.name, v.chain, v.region] for v in w.venues if v.kind == "pharmacy"], drop)  # fmt: skip
    _write(w, out, "doctors", ["doctor_id", "facility_id", "name", "title", "department"],
           [[d.did, w.venues[d.venue].vid, d.name, d.title, d.dept] for d in w.doctors], drop)  # fmt: skip
    # a 脱贫 patient's stay in `aid_rows` worlds: the 基本医保 settlement, then a 医疗救助 row on what was left
    flat: list[tuple[Claim, bool]] = []
    for c in w.claims:
        flat.append((c, False))
    cache: dict[int, str] = {}
    money = []
    for c, _ in flat:
        total = round(sum(round(q * pr, 2) for _, q, pr in c.items), 2)
        money.append((total, *fund_of(w, c, total)))
    extra = []
    if k["aid_rows"]:
        for i, (c, _) in enumerate(flat):
            if money[i][3] > 0:
                extra.append(i)
    rows_idx: list[tuple[int, bool]] = [(i, False) for i in range(len(flat))] + [(i, True) for i in extra]
    if k["row_order"] == "time":
        rows_idx.sort(key=lambda x: (flat[x[0]][0].start, x[1]))
    elif k["row_order"] == "venue":
        rows_idx.sort(key=lambda x: (w.venues[flat[x[0]][0].venue].vid, flat[x[0]][0].start, x[1]))
    else:
        rows_idx.sort(key=lambda x: (w.persons[flat[x[0]][0].patient].pid, flat[x[0]][0].start, x[1]))
    starts = [
        _fmt_time(w, flat[i][0].start + (5 if aid else 0), w.venues[flat[i][0].venue], cache) for i, aid in rows_idx
    ]
    ids = _claim_ids(w, len(rows_idx), starts, [w.venues[flat[i][0].venue].vid for i, _ in rows_idx])
    crow, irow = [], []
    terminals = {vi: [f"POS{v.region}{vi:03d}{j}" for j in range(1 + (v.cls in ("h3", "county", "eth")) * 2)]
                 for vi, v in enumerate(w.venues)}  # fmt: skip
    fund_total = 0.0
    for n, (i, aid) in enumerate(rows_idx):
        c = flat[i][0]
        v = w.venues[c.venue]
        total, fund, acct, aidamt = money[i]
        if aid:  # the 医疗救助 row: what the basic fund left, and what aid paid of it
            total, fund, acct = round(total - money[i][1], 2), aidamt, 0.0
        fund_total += fund
        pid = w.persons[c.patient].pid
        holder = w.persons[c.holder].pid if c.holder is not None else ""
        end = _fmt_time(w, c.end + (5 if aid else 0), v, cache) if c.end is not None else ""
        doc = w.doctors[c.doctor].did if c.doctor is not None else ""
        fid, phid = (v.vid, "") if v.kind != "pharmacy" else ("", v.vid)
        term = terminals[c.venue][(c.patient + c.start // 3600) % len(terminals[c.venue])]
        crow.append([ids[n], pid, holder, fid, phid, doc, c.vtype, starts[n], end, f"{total:.2f}", f"{fund:.2f}",
                     f"{acct:.2f}", _diag(w, c.diag), term])  # fmt: skip
        if k["items"] and not aid:
            for code, q, price in c.items:
                trace = ""
                if k["trace_codes"] and CAT[code][1] == "drug" and v.kind == "pharmacy":
                    trace = f"8{r.getrandbits(64) % 10**19:019d}"
                irow.append([ids[n], code, CAT[code][0], CAT[code][1], f"{q:g}", f"{price:.2f}",
                             f"{round(q * price, 2):.2f}", trace])  # fmt: skip
    _write(w, out, "claims", ["claim_id", "patient_id", "holder_id", "facility_id", "pharmacy_id", "doctor_id",
                              "visit_type", "start_time", "end_time", "total_amount", "fund_amount", "account_amount",
                              "diagnosis", "terminal_id"], crow, drop)  # fmt: skip
    if k["items"]:
        _write(w, out, "claim_items", ["claim_id", "item_code", "item_name", "category", "quantity", "unit_price",
                                       "amount", "trace_code"], irow, drop)  # fmt: skip
    truth = _truth(w, len(crow), len(irow), fund_total)
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return truth


def _truth(w: World, n_claims: int, n_items: int, fund: float) -> dict[str, Any]:
    return truth_doc("eighthworld", w, KIND, n_claims, n_items, fund)


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
