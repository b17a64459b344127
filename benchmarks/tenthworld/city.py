"""tenthworld's model: a shrinking northeastern (东北) old-industrial 区 — its venues, people, calendar and catalogue.

Every draw comes from a string-seeded ``random.Random`` per part (``rng(seed, part)``); nothing here depends on the
world's size except how many households are made.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

DAY = 86400

# (district, its 6-digit area code, the old 国企 whose 职工医院 became the district's second hospital)
PLACES = [
    ("富拉尔基区", "230206", "一重"),
    ("铁西区", "210303", "鞍钢"),
    ("溪湖区", "210503", "本钢"),
    ("龙潭区", "220203", "吉化"),
    ("平房区", "230108", "哈飞"),
    ("伊美区", "230717", "林业局"),
]
# where 候鸟 retirees winter under 异地安置 (their claims there are settled by that province: not in this export)
WINTER_PLACES = ["三亚", "海口", "琼海", "北海", "威海"]
HEAT_START, HEAT_END = (10, 20), (4, 20)  # the heating season (采暖期): 20 October to 20 April

# the fee catalogue: key -> (name, category, unit price); prices keep 4 decimals where a tablet costs fractions
CAT: dict[str, tuple[str, str, float]] = {
    "exam": ("普通门诊诊查费", "treatment", 10.0),
    "exam_hi": ("主任医师诊查费", "treatment", 30.0),
    "home_fee": ("上门服务费(家庭病床)", "treatment", 60.0),
    "dressing": ("换药(中)", "treatment", 28.0),
    "amox": ("阿莫西林胶囊", "drug", 0.3850),
    "cefu": ("头孢克洛缓释片", "drug", 2.6400),
    "azith": ("阿奇霉素片", "drug", 1.9250),
    "cough": ("复方甲氧那明胶囊", "drug", 0.8330),
    "lianhua": ("连花清瘟胶囊", "drug", 0.5833),
    "omep": ("奥美拉唑肠溶胶囊", "drug", 0.6250),
    "ns100": ("0.9%氯化钠注射液100ml", "drug", 2.90),
    "pip_inj": ("哌拉西林他唑巴坦注射剂", "drug", 31.20),
    "drip": ("静脉输液(第一组)", "treatment", 12.0),
    "neb": ("雾化吸入", "treatment", 16.0),
    "cbc": ("血常规(五分类)", "lab", 18.0),
    "crp": ("C反应蛋白测定", "lab", 25.0),
    "liver": ("肝功能十项", "lab", 66.0),
    "glu": ("血糖测定", "lab", 6.0),
    "hba1c": ("糖化血红蛋白测定", "lab", 65.0),
    "lipid": ("血脂四项", "lab", 40.0),
    "tumor": ("肿瘤标志物(12项)", "lab", 420.0),
    "dr_chest": ("胸部DR摄片", "exam", 75.0),
    "us_abd": ("腹部彩超", "exam", 130.0),
    "echo": ("心脏彩超", "exam", 220.0),
    "carotid": ("颈部血管彩超", "exam", 160.0),
    "ct_chest": ("胸部CT平扫", "exam", 240.0),
    "ct_head": ("头颅CT平扫", "exam", 240.0),
    "mri_head": ("头颅MRI平扫", "exam", 620.0),
    "ecg": ("常规心电图", "exam", 22.0),
    "holter": ("动态心电图", "exam", 180.0),
    "bmd": ("骨密度测定", "exam", 120.0),
    "amlo": ("苯磺酸氨氯地平片", "drug", 0.1867),
    "nifed": ("硝苯地平控释片", "drug", 1.1290),
    "metf": ("盐酸二甲双胍片", "drug", 0.0650),
    "acarb": ("阿卡波糖片", "drug", 0.6140),
    "glarg": ("甘精胰岛素注射液", "drug", 78.50),
    "atorva": ("阿托伐他汀钙片", "drug", 0.5270),
    "aspirin": ("阿司匹林肠溶片", "drug", 0.1390),
    "clopi": ("硫酸氢氯吡格雷片", "drug", 0.9910),
    "tiotrop": ("噻托溴铵粉吸入剂", "drug", 6.8210),
    "budes": ("布地奈德福莫特罗吸入剂", "drug", 228.0),
    "suxiao": ("速效救心丸", "drug", 0.9420),
    "danshen": ("复方丹参滴丸", "drug", 0.2950),
    "naoxin": ("脑心通胶囊", "drug", 0.8800),
    "angong": ("安宫牛黄丸", "drug", 398.0),
    "calcium": ("碳酸钙D3片", "drug", 0.8500),
    "ejiao": ("阿胶(盒)", "drug", 358.0),
    "shenrong": ("参茸保健丸(盒)", "drug", 268.0),
    "herbal": ("中药饮片(剂)", "herbal", 26.0),
    "decoct": ("中药代煎费", "other", 3.0),
    "bed": ("普通病房床位费", "bed", 38.0),
    "bed_hospice": ("安宁疗护病房床位费", "bed", 90.0),
    "nurse2": ("二级护理", "nursing", 24.0),
    "nurse1": ("一级护理", "nursing", 38.0),
    "care_hospice": ("安宁疗护(日)", "nursing", 120.0),
    "iv_day": ("静脉输液(住院日)", "treatment", 36.0),
    "ward_drugs": ("住院西药(日)", "drug", 110.0),
    "hbo": ("高压氧舱治疗", "treatment", 120.0),
    "o2": ("吸氧(小时)", "treatment", 3.5),
    "acup": ("普通针刺", "treatment", 32.0),
    "tdp": ("特定电磁波治疗(TDP)", "treatment", 12.0),
    "zp": ("中频脉冲电治疗", "treatment", 26.0),
    "massage": ("推拿治疗", "treatment", 45.0),
    "pulm_rehab": ("呼吸功能训练", "treatment", 40.0),
    "spiro": ("肺功能检查", "exam", 90.0),
    "cap_ecog": ("呼吸康复评定", "exam", 60.0),
    "morph": ("吗啡缓释片", "drug", 6.3200),
    "pain_patch": ("芬太尼透皮贴剂", "drug", 86.40),
    "osimer": ("甲磺酸奥希替尼片", "drug", 183.7000),
    "lenva": ("甲磺酸仑伐替尼胶囊", "drug", 97.5000),
    "ibrut": ("伊布替尼胶囊", "drug", 66.6700),
    "tofa": ("枸橼酸托法替布片", "drug", 21.3400),
}

OUT_DIAG = ["J06.900", "J20.900", "J44.100", "K29.700", "M54.500", "M17.900", "R51.x00", "J02.900", "L30.900",
            "H10.900", "I10.x00", "S93.400"]  # fmt: skip
WINTER_DIAG = ["J11.100", "J18.900", "J44.100", "J20.900", "S52.500", "S72.000"]  # flu, pneumonia, COPD, falls on ice
CHILD_DIAG = ["J06.900", "J20.900", "J11.100", "A09.900", "J18.900"]
CHRONIC_DIAG = {"htn": "I10.x00", "dm": "E11.900", "copd": "J44.900", "chd": "I25.100", "stroke": "I69.300"}
IN_DIAG = ["J18.900", "J44.100", "I63.900", "I50.900", "I25.100", "S72.000", "K80.200", "E11.900", "N18.500",
           "I61.900"]  # fmt: skip
CANCER_DIAG = ["C34.900", "C22.000", "C16.900", "C18.900", "C50.900", "C61.x00"]


@dataclass
class Person:
    sex: str
    born: date
    role: str  # retiree (国企 退休), elder (resident-insured), adult (下岗/灵活就业/在职), young, child
    itype: str  # employee or resident
    region: str
    street: int  # 街道 (0..): each has a 社区卫生服务中心
    home: int  # address key: a flat of a 家属楼, a 棚改小区 flat or a 平房 of the 棚户区
    building: int  # a 家属楼 or lane (-1 for none)
    phone: int  # phone key, -1 when none bound (an elder's e-voucher is often on a child's phone elsewhere)
    chronic: str = ""  # htn, dm, copd, chd, stroke or "" (门诊慢特病 certificate when ``cert``)
    cert: bool = False
    spouse: int = -1
    parent: int = -1  # a child's working parent (共济 holder)
    away: tuple[int, int] | None = None  # 候鸟: wintering in the south under 异地安置
    death: int | None = None
    own_refill: bool = True  # False when a group's claims carry the person's 门慢 refills
    group: str = ""
    pid: str = ""
    phone_s: str = ""
    addr_s: str = ""


@dataclass
class Venue:
    kind: str  # contract kind or "pharmacy"
    cls: str  # central, works (the old 国企职工医院), tcm, private, hospice, chc, mzb, clinic, pharmacy, herbshop, dtp
    name: str
    street: int
    level: int = 0
    own: str = "private"
    beds: int = 0
    chain: str = ""
    region: str = ""
    docs: list[int] = field(default_factory=list)
    dates_only: bool = False  # an old HIS that exports dates without a time of day
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
    rx: bool = False  # a pharmacy sale on a prescription (外配处方 or 双通道): the pool pays part
    piece: int = 0  # 中途结算: the n-th settlement of one stay (0 = first or only)


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
    buildings: list[list[int]] = field(default_factory=list)  # persons of each 家属楼 or 平房 lane
    lanes: list[int] = field(default_factory=list)  # building indices that are 棚户区 lanes (coal stoves)
    n_addr: int = 0
    n_phone: int = 0


def rng(seed: int, part: str) -> random.Random:
    return random.Random(f"tenthworld:{seed}:{part}")


def age(w: World, p: Person, d: int = 0) -> int:
    return (w.start + timedelta(days=d)).year - p.born.year


def weekday(w: World, d: int) -> int:
    return (w.start.weekday() + d) % 7


def heating(w: World, d: int) -> bool:
    """Day ``d`` lies in the heating season (采暖期, 20 Oct - 20 Apr)."""
    x = w.start + timedelta(days=d)
    return (x.month, x.day) >= HEAT_START or (x.month, x.day) < HEAT_END


def cold(w: World, d: int) -> float:
    """How much winter raises respiratory illness and falls on day ``d``: 1 in summer, up to 2.2 in January."""
    m = (w.start + timedelta(days=d)).month
    return {12: 1.9, 1: 2.2, 2: 1.9, 11: 1.5, 3: 1.4, 10: 1.15, 4: 1.1}.get(m, 1.0)


def present(p: Person, d: int) -> bool:
    """In the district and alive on day ``d`` (a 候鸟 in the south is not)."""
    if p.death is not None and d > p.death:
        return False
    return not (p.away and p.away[0] <= d < p.away[1])


def item(r: random.Random, key: str, qty: float | None = None, mult: float = 1.0) -> tuple[str, float, float]:
    name, cat, price = CAT[key]
    if qty is None:
        qty = float(r.choice([14, 21, 28, 30, 42])) if price < 3 else float(r.randint(1, 2))
    return key, qty, round(price * mult, 4)
