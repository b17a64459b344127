"""eleventhworld's model: a megacity's new district (新区) of young white-collar workers — venues, people, calendar
and fee catalogue.

Every draw comes from a string-seeded ``random.Random`` per part (``rng(seed, part)``); nothing here depends on the
world's size except how many households are made.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

DAY = 86400

# (new district, its 6-digit area code, the megacity whose university hospital opened a campus there)
PLACES = [
    ("未来科技城", "330110", "杭州"),
    ("光明科学城", "440311", "深圳"),
    ("天府新区", "510116", "成都"),
    ("光谷东", "420115", "武汉"),
    ("临港新片区", "310115", "上海"),
    ("西部科学城", "500106", "重庆"),
]
# home counties of 新市民 parents (随迁老人) and of 异地就医 patients: other provinces' area codes
HOME_REGIONS = ["341221", "411723", "430524", "522422", "360726", "421221", "371482", "130925", "622424", "451025"]
# 互联网医院 platform doctors registered in other provinces (多点执业: their codes carry their home area)
PLATFORM_REGIONS = ["110105", "310104", "440106", "420106"]
SPRING = [date(2025, 1, 29), date(2026, 2, 17)]  # 春节
NATIONAL_DAY = [date(2024, 10, 1), date(2025, 10, 1)]

# the fee catalogue: key -> (name, category, unit price); tablets keep 4 decimals
CAT: dict[str, tuple[str, str, float]] = {
    "exam": ("普通门诊诊查费", "treatment", 12.0),
    "exam_hi": ("副主任医师诊查费", "treatment", 35.0),
    "exam_net": ("互联网复诊费", "treatment", 15.0),
    "amox": ("阿莫西林胶囊", "drug", 0.3850),
    "cefu": ("头孢克洛缓释片", "drug", 2.6400),
    "lianhua": ("连花清瘟胶囊", "drug", 0.5833),
    "ibup": ("布洛芬缓释胶囊", "drug", 0.7260),
    "loratad": ("氯雷他定片", "drug", 1.2100),
    "omep": ("奥美拉唑肠溶胶囊", "drug", 0.6250),
    "eyedrop": ("玻璃酸钠滴眼液", "drug", 32.80),
    "mosap": ("枸橼酸莫沙必利片", "drug", 1.4600),
    "cbc": ("血常规(五分类)", "lab", 18.0),
    "crp": ("C反应蛋白测定", "lab", 25.0),
    "flu_ag": ("甲乙型流感病毒抗原检测", "lab", 60.0),
    "liver": ("肝功能十项", "lab", 66.0),
    "hba1c": ("糖化血红蛋白测定", "lab", 65.0),
    "lipid": ("血脂四项", "lab", 40.0),
    "hormone": ("性激素六项", "lab", 180.0),
    "semen": ("精液常规分析", "lab", 90.0),
    "drip": ("静脉输液(第一组)", "treatment", 12.0),
    "ns100": ("0.9%氯化钠注射液100ml", "drug", 2.90),
    "dr_chest": ("胸部DR摄片", "exam", 75.0),
    "us_abd": ("腹部彩超", "exam", 130.0),
    "us_follicle": ("经阴道超声卵泡监测", "exam", 110.0),
    "ct_chest": ("胸部CT平扫", "exam", 240.0),
    "ct_head": ("头颅CT平扫", "exam", 240.0),
    "mri_spine": ("腰椎MRI平扫", "exam", 620.0),
    "mri_head": ("头颅MRI平扫", "exam", 620.0),
    "ecg": ("常规心电图", "exam", 22.0),
    "amlo": ("苯磺酸氨氯地平片", "drug", 0.1867),
    "valsar": ("缬沙坦胶囊", "drug", 0.9800),
    "metf": ("盐酸二甲双胍片", "drug", 0.0650),
    "acarb": ("阿卡波糖片", "drug", 0.6140),
    "glarg": ("甘精胰岛素注射液", "drug", 78.50),
    "atorva": ("阿托伐他汀钙片", "drug", 0.5270),
    "rosuva": ("瑞舒伐他汀钙片(原研)", "drug", 4.6300),
    "aspirin": ("阿司匹林肠溶片", "drug", 0.1390),
    "clopi": ("硫酸氢氯吡格雷片", "drug", 0.9910),
    "sacub": ("沙库巴曲缬沙坦钠片(原研)", "drug", 9.6800),
    "empag": ("恩格列净片(原研)", "drug", 5.2000),
    "dapag": ("达格列净片(原研)", "drug", 4.8700),
    "sema": ("司美格鲁肽注射液", "drug", 439.0),
    "lira": ("利拉鲁肽注射液", "drug", 368.0),
    "fsh": ("重组人促卵泡激素注射液", "drug", 312.0),
    "ivf_op": ("经阴道取卵术", "treatment", 1800.0),
    "ivf_et": ("胚胎移植术", "treatment", 1200.0),
    "ejiao": ("阿胶(盒)", "drug", 358.0),
    "xiyang": ("西洋参片(盒)", "drug", 226.0),
    "calcium": ("碳酸钙D3片", "drug", 0.8500),
    "fishoil": ("鱼油软胶囊(盒)", "drug", 168.0),
    "bed": ("普通病房床位费", "bed", 60.0),
    "bed_day": ("日间病房床位费", "bed", 80.0),
    "nurse2": ("二级护理", "nursing", 28.0),
    "nurse1": ("一级护理", "nursing", 45.0),
    "iv_day": ("静脉输液(住院日)", "treatment", 38.0),
    "ward_drugs": ("住院西药(日)", "drug", 130.0),
    "chemo": ("化疗药物(周期)", "drug", 3600.0),
    "chemo_fee": ("静脉化疗", "treatment", 180.0),
    "acup": ("普通针刺", "treatment", 32.0),
    "tdp": ("特定电磁波治疗(TDP)", "treatment", 12.0),
    "zp": ("中频脉冲电治疗", "treatment", 26.0),
    "massage": ("颈椎推拿治疗", "treatment", 68.0),
    "cupping": ("拔罐(火罐)", "treatment", 20.0),
    "fumig": ("中药熏蒸治疗", "treatment", 85.0),
    "plaster": ("活血止痛膏(贴)", "drug", 1.3500),
    "phaco": ("白内障超声乳化摘除术", "treatment", 2300.0),
    "iol": ("人工晶体(非球面)", "consumable", 3800.0),
    "iol_premium": ("人工晶体(多焦点)", "consumable", 9800.0),
    "oct": ("光学相干断层扫描(OCT)", "exam", 180.0),
    "ascan": ("眼部A超", "exam", 60.0),
    "endoth": ("角膜内皮细胞计数", "exam", 50.0),
    "ltc_hour": ("居家上门护理(小时)", "nursing", 65.0),
    "ltc_basic": ("长护险基础护理包", "nursing", 40.0),
    "rehab_eval": ("康复评定", "exam", 60.0),
}

OUT_DIAG = ["J06.900", "J02.900", "K29.700", "M54.500", "R51.x00", "L30.900", "H10.900", "K30.x00", "J30.400",
            "M54.200"]  # fmt: skip
FLU_DIAG = ["J11.100", "J06.900", "J20.900", "J18.900"]
CHILD_DIAG = ["J06.900", "J20.900", "J11.100", "A09.900", "J18.900", "B08.400"]
CHRONIC_DIAG = {"htn": "I10.x00", "dm": "E11.900", "chd": "I25.100", "lipid": "E78.500", "hf": "I50.900"}
CHRONIC_MEDS = {"htn": ["amlo", "valsar", "aspirin"], "dm": ["metf", "acarb", "glarg"], "chd": ["atorva", "clopi"],
                "lipid": ["atorva", "rosuva"], "hf": ["sacub", "aspirin"]}  # fmt: skip
IN_DIAG = ["J18.900", "I63.900", "I50.900", "I25.100", "S72.000", "K80.200", "E11.900", "K35.800", "N20.000",
           "I21.900"]  # fmt: skip
CANCER_DIAG = ["C34.900", "C16.900", "C18.900", "C50.900", "C22.000", "C15.900"]


@dataclass
class Person:
    sex: str
    born: date
    role: str  # young (白领), child, parent (随迁老人), local (回迁 villager, adult or elder), remote (异地就医)
    itype: str  # employee or resident
    region: str  # insured area: the district's, or a home county's (随迁老人, 异地就医 patients)
    street: int  # 街道 (0..): each has a 社区卫生服务中心
    home: int  # address key of a flat (-1 for none exported)
    building: int  # a 小区 tower, a 人才公寓 block or a 回迁 block (-1 for none)
    phone: int  # phone key (-1 none): a 随迁 parent's e-voucher is bound to a child's phone
    company: int = -1  # employer of a young worker (tech firms of the parks)
    chronic: str = ""
    cert: bool = False  # 门诊慢特病 certificate (local insured only)
    disabled: bool = False  # 失能: eligible for 长护险 home care
    spouse: int = -1
    parent: int = -1  # the employed parent or child whose personal account pays (门诊共济)
    migrant: bool = False  # a 新市民 household that may go home for 春节
    away: list[tuple[int, int]] = field(default_factory=list)  # spells away (春节, 国庆)
    death: int | None = None
    own_refill: bool = True
    group: str = ""
    pid: str = ""
    phone_s: str = ""
    addr_s: str = ""


@dataclass
class Venue:
    kind: str  # contract kind or "pharmacy"
    cls: str  # tertiary, district, private, eye, chc, net (a 互联网医院), platform, mzb, clinic, ltc,
    # pharmacy, o2o (网订店送), dtp, night (24-hour)
    name: str
    street: int
    level: int = 0
    own: str = "private"
    beds: int = 0
    chain: str = ""
    region: str = ""
    docs: list[int] = field(default_factory=list)
    base: int = -1  # a 互联网医院's entity hospital (its doctors are registered there)
    vid: str = ""


@dataclass
class Doctor:
    venue: int  # the registered practice site (执业机构)
    dept: str
    title: str
    name: str
    region: str = ""
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
    rx: bool = False  # a pharmacy sale on a prescription (an e-prescription, 外配): the pool pays part


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
    buildings: list[list[int]] = field(default_factory=list)
    companies: list[list[int]] = field(default_factory=list)  # employees of each firm
    n_addr: int = 0
    n_phone: int = 0


def rng(seed: int, part: str) -> random.Random:
    return random.Random(f"eleventhworld:{seed}:{part}")


def age(w: World, p: Person, d: int = 0) -> int:
    return (w.start + timedelta(days=d)).year - p.born.year


def weekday(w: World, d: int) -> int:
    return (w.start.weekday() + d) % 7


def flu(w: World, d: int) -> float:
    """How much the flu season raises acute illness on day ``d``: up to 1.8 in January."""
    m = (w.start + timedelta(days=d)).month
    return {12: 1.5, 1: 1.8, 2: 1.4, 11: 1.2, 3: 1.15}.get(m, 1.0)


def day_of(w: World, x: date) -> int:
    return (x - w.start).days


def present(p: Person, d: int) -> bool:
    """In the district and alive on day ``d`` (a household home for 春节 is not)."""
    if p.death is not None and d > p.death:
        return False
    return not any(a <= d < b for a, b in p.away)


def item(r: random.Random, key: str, qty: float | None = None, mult: float = 1.0) -> tuple[str, float, float]:
    name, cat, price = CAT[key]
    if qty is None:
        qty = float(r.choice([12, 14, 21, 24, 28, 30])) if price < 3 else float(r.randint(1, 2))
    return key, qty, round(price * mult, 4)
