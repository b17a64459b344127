"""ninthworld's model: a coastal manufacturing 镇 of migrant workers, its venues, people, calendar and catalogue.

Every draw comes from a string-seeded ``random.Random`` per part (``rng(seed, part)``); nothing here depends on the
world's size except how many households are made.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

DAY = 86400

# (town, city's 6-digit area code): coastal manufacturing towns whose workers come from inland provinces
PLACES = [
    ("长安镇", "441900"),
    ("小榄镇", "442000"),
    ("陈埭镇", "350582"),
    ("周市镇", "320583"),
    ("周巷镇", "330282"),
    ("容桂街道", "440606"),
]
# home counties of migrant workers (异地参保 kin and the workers' hukou): 贵州, 四川, 湖南, 河南, 江西, 广西, 重庆
HOMETOWNS = [
    ("520422", "普定县"), ("522426", "纳雍县"), ("511623", "邻水县"), ("513722", "南江县"), ("431126", "宁远县"),
    ("430524", "隆回县"), ("411628", "鹿邑县"), ("411525", "固始县"), ("360731", "于都县"), ("452625", "德保县"),
    ("500236", "奉节县"), ("510524", "叙永县"),
]  # fmt: skip
LUNAR_NEW_YEAR = [date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17)]

# the fee catalogue: key -> (name, category, unit price); prices keep 4 decimals where a tablet costs fractions
CAT: dict[str, tuple[str, str, float]] = {
    "exam_fee": ("普通门诊诊查费", "treatment", 12.0),
    "exam_fee_hi": ("副主任医师诊查费", "treatment", 25.0),
    "amox": ("阿莫西林胶囊", "drug", 0.4450),
    "cefu": ("头孢呋辛酯片", "drug", 2.3120),
    "ibup": ("布洛芬缓释胶囊", "drug", 0.8600),
    "lianhua": ("连花清瘟胶囊", "drug", 0.5833),
    "omep": ("奥美拉唑肠溶胶囊", "drug", 0.6250),
    "loratad": ("氯雷他定片", "drug", 1.1500),
    "cough": ("复方甘草口服溶液", "drug", 6.80),
    "ns250": ("0.9%氯化钠注射液250ml", "drug", 3.50),
    "levo_inj": ("左氧氟沙星注射液", "drug", 18.60),
    "drip": ("静脉输液(第一组)", "treatment", 15.0),
    "cbc": ("血常规(五分类)", "lab", 20.0),
    "crp": ("C反应蛋白测定", "lab", 30.0),
    "liver": ("肝功能八项", "lab", 62.0),
    "dr_chest": ("胸部DR摄片", "exam", 85.0),
    "bus": ("腹部彩超", "exam", 140.0),
    "ct_head": ("头颅CT平扫", "exam", 260.0),
    "mri_spine": ("腰椎MRI平扫", "exam", 680.0),
    "amlo": ("苯磺酸氨氯地平片", "drug", 0.2867),
    "metf": ("盐酸二甲双胍片", "drug", 0.0710),
    "atorva": ("阿托伐他汀钙片", "drug", 0.7140),
    "insulin": ("门冬胰岛素注射液(笔芯)", "drug", 48.60),
    "entec": ("恩替卡韦分散片", "drug", 0.5400),
    "angong": ("安宫牛黄丸", "drug", 468.0),
    "ejiao": ("阿胶(盒)", "drug", 398.0),
    "calcium": ("碳酸钙D3片", "drug", 0.9500),
    "vitc": ("维生素C咀嚼片", "drug", 0.3100),
    "banlan": ("板蓝根颗粒", "drug", 1.2000),
    "pianzai": ("片仔癀", "drug", 590.0),
    "moxi": ("莫西沙星片(进口)", "drug", 36.80),
    "xinnao": ("血塞通软胶囊", "drug", 1.6800),
    "herbal": ("中药饮片(剂)", "herbal", 28.0),
    "bed_ward": ("普通病房床位费", "bed", 45.0),
    "nurse2": ("二级护理", "nursing", 26.0),
    "nurse1": ("一级护理", "nursing", 42.0),
    "iv_day": ("静脉输液(住院日)", "treatment", 38.0),
    "ward_drugs": ("住院西药(日)", "drug", 120.0),
    "zp": ("中频脉冲电治疗", "treatment", 30.0),
    "acup": ("普通针刺", "treatment", 35.0),
    "moxa": ("艾灸", "treatment", 28.0),
    "cupping": ("拔罐", "treatment", 18.0),
    "ot": ("作业疗法", "treatment", 55.0),
    "pt": ("运动疗法", "treatment", 65.0),
    "wax": ("蜡疗", "treatment", 25.0),
    "scale": ("龈上洁治术(每牙)", "treatment", 8.0),
    "root_plane": ("龈下刮治术(每牙)", "treatment", 22.0),
    "pano": ("口腔全景体层摄影", "exam", 110.0),
    "perio_drug": ("盐酸米诺环素软膏", "drug", 96.0),
    "delivery": ("单胎顺产接生", "treatment", 1200.0),
    "suture": ("清创缝合术", "treatment", 180.0),
    "ecg": ("常规心电图", "exam", 25.0),
    "nerve": ("神经传导速度测定", "exam", 180.0),
    "hexane": ("尿2,5-己二酮测定", "lab", 90.0),
    "rice": ("调理脾胃颗粒(大包装)", "drug", 12.5000),
    "oil": ("维生素E软胶囊(礼盒)", "drug", 168.0),
    "ambulance": ("院前急救车费", "other", 150.0),
}

OUT_DIAG = ["J06.900", "J02.900", "J20.900", "K29.700", "K52.900", "M54.500", "L30.900", "H10.900", "S61.000",
            "R51.x00", "J03.900", "T14.000"]  # fmt: skip
CHILD_DIAG = ["J06.900", "J20.900", "A09.900", "J18.900", "B08.400", "L20.900"]
OLD_DIAG = ["I10.x00", "E11.900", "J44.100", "M17.900", "I63.900", "K29.700", "I25.100"]
IN_DIAG = ["J18.900", "K35.800", "S82.200", "S62.600", "I63.900", "J44.100", "K80.200", "O80.000", "I10.x00"]


@dataclass
class Person:
    sex: str
    born: date
    role: str  # worker, local, child, elder, kin (异地 insured kin of a worker), remote (insured elsewhere, absent)
    itype: str  # employee or resident
    region: str
    zone: int  # industrial zone (0..) or -1 for the old town's 股份社 villages
    home: int  # address key (a dorm building or room, a rented room, a village household)
    phone: int  # phone key, -1 when none bound
    factory: int = -1
    hometown: int = -1
    village: int = -1
    dorm: int = -1
    arrive: int = 0  # first day present in town (day index)
    leave: int = 10**6  # day after the last present
    away: tuple[int, int] | None = None  # 春节 home trip
    death: int | None = None
    chronic: bool = False
    parent: int = -1  # a child's or kin's worker (their 共济 card holder)
    alias: int = -1  # a second card number from day ``switch`` on (re-enrolled after a change of employer)
    switch: int = 0
    primary: int = -1  # set on the alias person
    group: str = ""
    pid: str = ""
    phone_s: str = ""
    addr_s: str = ""


@dataclass
class Venue:
    kind: str  # contract kind or "pharmacy"
    cls: str  # town_hosp, priv_hosp, occ, rehab, dental, chc, station, mzb, clinic, factory, pharmacy
    name: str
    zone: int
    level: int = 0
    own: str = "private"
    beds: int = 0
    chain: str = ""
    region: str = ""
    docs: list[int] = field(default_factory=list)
    vid: str = ""


@dataclass
class Doctor:
    venue: int
    dept: str
    title: str
    name: str
    did: str = ""


@dataclass
class Claim:
    patient: int
    venue: int
    doctor: int | None
    vtype: str
    start: int  # seconds from the window's first midnight
    end: int | None
    items: list[tuple[str, float, float]]
    diag: str
    holder: int | None = None
    rx: bool = False  # a pharmacy sale on a prescription (外配处方): the pool pays part
    trace_dup: bool = False  # a resold box: its traceability code was sold before


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
    factories: list[dict[str, Any]] = field(default_factory=list)
    dorms: list[list[int]] = field(default_factory=list)  # persons of each dorm building
    villages: list[list[int]] = field(default_factory=list)  # persons of each 股份社 village
    lny: int = -(10**6)  # 春节 as a day index (may be outside the window)
    n_addr: int = 0
    n_phone: int = 0


def rng(seed: int, part: str) -> random.Random:
    return random.Random(f"ninthworld:{seed}:{part}")


def age(w: World, p: Person, d: int = 0) -> int:
    return (w.start + timedelta(days=d)).year - p.born.year


def weekday(w: World, d: int) -> int:
    return (w.start.weekday() + d) % 7


def present(p: Person, d: int) -> bool:
    """In town and alive on day ``d`` (a remote identity is never in town)."""
    if p.role == "remote" or d < p.arrive or d >= p.leave or (p.death is not None and d > p.death):
        return False
    return not (p.away and p.away[0] <= d < p.away[1])


def at(w: World, i: int, d: int) -> int:
    """The person index that holds ``i``'s card on day ``d`` (the alias after a re-enrolment)."""
    p = w.persons[i]
    return p.alias if p.alias >= 0 and d >= p.switch else i


def item(r: random.Random, key: str, qty: float | None = None, mult: float = 1.0) -> tuple[str, float, float]:
    name, cat, price = CAT[key]
    if qty is None:
        qty = float(r.choice([12, 14, 20, 24, 28, 30])) if price < 3 else float(r.randint(1, 2))
    return key, qty, round(price * mult, 4)


def add_claim(w: World, c: Claim) -> None:
    w.claims.append(c)
