"""Records of one world, its calendar and the fee catalogue; ids are strings, indices are list positions."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np

SPRING = {2024: dt.date(2024, 2, 10), 2025: dt.date(2025, 1, 29), 2026: dt.date(2026, 2, 17), 2027: dt.date(2027, 2, 6)}
# 初伏 (first of the three 伏 periods) by year; 三伏贴 is applied on the first day of 初伏, 中伏, 末伏
CHUFU = {2024: dt.date(2024, 7, 15), 2025: dt.date(2025, 7, 20), 2026: dt.date(2026, 7, 15)}
# 冬至 (the first day of 一九); 三九贴 on the first days of 一九, 二九, 三九
DONGZHI = {
    2024: dt.date(2024, 12, 21),
    2025: dt.date(2025, 12, 21),
    2026: dt.date(2026, 12, 22),
    2023: dt.date(2023, 12, 22),
}


def h(*parts: object, n: int = 12) -> str:
    """A stable hex digest (hashed phones, addresses and ids)."""
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:n]


@dataclass(slots=True)
class Person:
    idx: int
    sex: str
    birth: dt.date
    region: str
    insured: str  # employee | resident
    district: int
    household: int
    phone: str
    address: str
    death: dt.date | None = None
    rate: float = 1.0
    chronic: bool = False
    group: str = ""  # campus | factory | "" (who this person is, not a truth label)
    taken: str = ""  # id of the ring or benign group holding this person
    pid: str = ""


@dataclass
class Venue:
    vid: str
    name: str
    kind: str  # hospital | clinic | community | specialty | pharmacy
    level: int
    ownership: str
    region: str
    beds: int
    role: str  # city3a | tcm | mch | rehab | district | county | community | clinic | private_hosp | campus | factory | pharmacy | dtp
    district: int
    chain: str = ""
    pooled: bool = False
    weight: float = 1.0
    doctors: list[str] = field(default_factory=list)
    depts: dict[str, list[str]] = field(default_factory=dict)
    terminals: list[str] = field(default_factory=list)


@dataclass
class Doctor:
    did: str
    facility: str
    name: str
    title: str
    department: str


@dataclass(slots=True)
class Claim:
    patient: int
    venue: str
    vtype: str  # outpatient | inpatient | pharmacy | chronic
    start: dt.datetime
    items: list[tuple[str, float, float]]  # (item code, quantity, unit price)
    doctor: str = ""
    end: dt.datetime | None = None
    holder: int = -1
    diagnosis: str = ""
    terminal: str = ""
    pooled: bool = True  # the fund may pay (False: a pharmacy outside 门诊统筹)
    rx: bool = False  # a pharmacy purchase on a prescription (外配处方), whether or not the export names its doctor
    trace: list[str] = field(default_factory=list)  # trace code per item line ("" none)


@dataclass
class Group:
    id: str
    kind: str
    persons: list[int]
    core: list[int]
    doctors: list[str] = field(default_factory=list)
    facilities: list[str] = field(default_factory=list)
    pharmacies: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)


# The fee catalogue: code -> (name, category, unit price). Codes in the national platform's shapes:
# western drugs X + ATC + ..., patent drugs Z..., herbal T..., services 15 digits, consumables C + 19 digits.
CATALOG: dict[str, tuple[str, str, float]] = {}
GROUPS: dict[str, list[str]] = {}


def _add(group: str, code: str, name: str, cat: str, price: float) -> None:
    CATALOG[code] = (name, cat, price)
    GROUPS.setdefault(group, []).append(code)


for _i, (_n, _atc, _p) in enumerate(
    [
        ("阿莫西林胶囊", "J01CA", 0.4450),
        ("头孢克肟片", "J01DD", 2.3167),
        ("布洛芬缓释胶囊", "M01AE", 0.5120),
        ("氨溴索口服液", "R05CB", 1.8800),
        ("奥美拉唑肠溶胶囊", "A02BC", 0.3875),
        ("氯雷他定片", "R06AX", 0.9033),
        ("蒙脱石散", "A07BC", 1.2400),
        ("复方甘草片", "R05DA", 0.0920),
    ]
):
    _add("common_drug", f"X{_atc}{_i:03d}A001010100{_i:03d}", _n, "drug", _p)
for _i, (_n, _atc, _p) in enumerate(
    [
        ("苯磺酸氨氯地平片", "C08CA", 0.5133),
        ("二甲双胍缓释片", "A10BA", 0.3467),
        ("阿托伐他汀钙片", "C10AA", 0.7420),
        ("缬沙坦胶囊", "C09CA", 1.1250),
        ("阿司匹林肠溶片", "B01AC", 0.1567),
        ("格列美脲片", "A10BB", 0.8800),
    ]
):
    _add("chronic_drug", f"X{_atc}{_i:03d}A001020200{_i:03d}", _n, "drug", _p)
for _i, (_n, _p) in enumerate(
    [("连花清瘟胶囊", 0.5950), ("复方丹参滴丸", 0.1080), ("六味地黄丸", 0.2750), ("脑心通胶囊", 1.2367)]
):
    _add("patent_drug", f"ZA{_i:02d}BAA{_i:04d}010300{_i:03d}", _n, "drug", _p)
# high-value drug classes a kickback doctor may steer, one class per doctor
DRUG_CLASSES = {
    "tumor_targeted": [("甲磺酸奥希替尼片", "L01EB", 510.0000), ("吉非替尼片", "L01EB", 54.7500)],
    "biologic": [("阿达木单抗注射液", "L04AB", 1150.0000), ("司库奇尤单抗注射液", "L04AC", 1188.0000)],
    "insulin_analog": [("门冬胰岛素注射液", "A10AB", 48.5000), ("德谷胰岛素注射液", "A10AE", 152.3000)],
    "eye_antivegf": [("雷珠单抗注射液", "S01LA", 1650.0000), ("康柏西普眼用注射液", "S01LA", 1980.0000)],
    "tcm_injection": [("丹红注射液", "C05X", 36.4200), ("血栓通注射液", "C05X", 28.1600)],
}
for _cls, _drugs in DRUG_CLASSES.items():
    for _i, (_n, _atc, _p) in enumerate(_drugs):
        _add(_cls, f"X{_atc}{_i:03d}B002030300{len(GROUPS):03d}", _n, "drug", _p)
for _i, (_n, _p) in enumerate(
    [("黄芪", 0.0820), ("党参", 0.1450), ("当归", 0.1180), ("白术", 0.0630), ("甘草", 0.0410)]
):
    _add("herbal", f"T{_i:03d}0100{_i:05d}", _n, "herbal", _p)
_SERVICES = [
    ("reg", "001101000010000", "普通门诊诊查费", "other", 10.0),
    ("reg", "001101000020000", "副主任医师诊查费", "other", 25.0),
    ("lab", "250101001000000", "血常规", "lab", 20.0),
    ("lab", "250305001000000", "肝功能", "lab", 45.0),
    ("lab", "250307002000000", "血糖测定", "lab", 8.5),
    ("exam", "210103001000000", "胸部DR", "exam", 90.0),
    ("exam", "220201001000000", "腹部彩超", "exam", 120.0),
    ("exam", "310701001000000", "心电图", "exam", 22.0),
    ("physio", "340100008000000", "针刺", "treatment", 28.0),
    ("physio", "340200021000000", "中频脉冲电治疗", "treatment", 22.0),
    ("physio", "450000007000000", "推拿治疗", "treatment", 38.0),
    ("sanfu", "330100009000000", "穴位贴敷治疗", "treatment", 15.0),
    ("physio", "340200004000000", "偏瘫肢体综合训练", "treatment", 60.0),
    ("nursing", "120100002000000", "Ⅰ级护理", "nursing", 32.0),
    ("nursing", "120100003000000", "Ⅱ级护理", "nursing", 18.0),
    ("bed", "110900001000000", "普通病房床位费", "bed", 40.0),
    ("inpatient_misc", "120400001000000", "静脉输液", "treatment", 12.0),
    ("homebed", "111000002000000", "家庭病床建床费", "other", 20.0),
    ("homebed", "120100010000000", "家庭病床巡诊费", "nursing", 25.0),
    ("checkup", "110200001000000", "健康体检", "exam", 60.0),
]
for _g, _c, _n, _cat, _p in _SERVICES:
    _add(_g, _c, _n, _cat, _p)
for _i, (_n, _p) in enumerate([("一次性输液器", 2.3500), ("医用棉签", 0.0500), ("一次性注射器", 0.4200)]):
    _add("consumable", f"C{_i:02d}0105010000{_i:07d}", _n, "consumable", _p)
for _i, (_n, _p) in enumerate([("电子血压计", 268.0000), ("维生素C咀嚼片", 0.8800), ("护手霜", 35.0000)]):
    _add("goods", f"ZZ{_i:02d}GOODS{_i:06d}", _n, "other", _p)


@dataclass
class World:
    seed: int
    knobs: dict
    start: dt.date
    days: int
    districts: list[tuple[str, str, bool]] = field(default_factory=list)  # (code, name, urban)
    persons: list[Person] = field(default_factory=list)
    households: list[list[int]] = field(default_factory=list)
    venues: dict[str, Venue] = field(default_factory=dict)
    doctors: dict[str, Doctor] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    rings: list[Group] = field(default_factory=list)
    benign: list[Group] = field(default_factory=list)

    def rng(self, *stage: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, 4, *stage])

    def day(self, i: int) -> dt.date:
        return self.start + dt.timedelta(days=int(i))

    def alive(self, p: int, d: dt.date) -> bool:
        death = self.persons[p].death
        return death is None or d <= death

    def by_role(self, role: str, district: int | None = None) -> list[Venue]:
        return [v for v in self.venues.values() if v.role == role and (district is None or v.district == district)]

    def free(self, pool: list[int]) -> list[int]:
        return [p for p in pool if not self.persons[p].taken]

    def age(self, p: int) -> int:
        return (self.start - self.persons[p].birth).days // 365
