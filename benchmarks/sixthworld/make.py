"""Make one sixthworld: an industrial and mining 县级市 with a 民营医院 group, village clinics and a mining hospital.

`python -m benchmarks.sixthworld.make --seed 3 --persons 30000 --out DIR` writes the contract's tables as CSV
(`persons`, `facilities`, `pharmacies`, `doctors`, `claims`, and `claim_items` in most worlds) and `truth.json`
(knobs, summary, planted rings, benign groups). Written from /work/shared/data-contract.md, design.md and the other
generators' READMEs only (to choose different assumptions). Every draw comes from the seed (string seeds: the same in
any process): the same seed and size give byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import kept_columns, write_csv

DAY = 86400

# 县级市 with mines or heavy industry: (province, city code, name, the prefecture's other county codes)
CITIES = [
    ("山西", "141181", "孝义市", ["141102", "141121", "141182"]),
    ("河北", "130283", "迁安市", ["130202", "130281", "130284"]),
    ("内蒙古", "150581", "霍林郭勒市", ["150502", "150521", "150525"]),
    ("湖南", "431381", "冷水江市", ["431302", "431321", "431382"]),
    ("云南", "532501", "个旧市", ["532502", "532503", "532523"]),
]
# where migrant workers are insured (异地): other provinces' cities
AWAY = ["410100", "411300", "412700", "340100", "341200", "510100", "511300", "500101", "620100", "360100", "430100"]
CHAINS = ["一心堂", "老百姓大药房", "益丰大药房", "大参林", "漱玉平民"]

# catalogue: code -> (name, category, low, high price, typical quantity)
CAT: dict[str, tuple[str, str, float, float, float]] = {
    "110200001": ("门诊诊查费", "treatment", 3, 12, 1),
    "110200002": ("副主任医师诊查费", "treatment", 15, 30, 1),
    "110900001": ("一般诊疗费", "treatment", 8, 10, 1),
    "XC08CAA148A001": ("苯磺酸氨氯地平片", "drug", 0.12, 0.9, 28),
    "XA10BAA045A001": ("盐酸二甲双胍片", "drug", 0.04, 0.5, 60),
    "XC09CAA101A001": ("缬沙坦胶囊", "drug", 0.6, 1.9, 28),
    "XJ01CAA040A001": ("阿莫西林胶囊", "drug", 0.1, 0.4, 24),
    "XR05CBA067A001": ("氨溴索口服溶液", "drug", 8, 22, 1),
    "XM01AEA033A001": ("布洛芬缓释胶囊", "drug", 0.2, 1.2, 20),
    "XA02BCA042A001": ("奥美拉唑肠溶胶囊", "drug", 0.3, 1.6, 14),
    "XR03AKA001A001": ("沙美特罗替卡松粉吸入剂", "drug", 90, 180, 1),
    "ZA12HAX0123010": ("复方丹参滴丸", "drug", 0.12, 0.3, 90),
    "ZA06AAC0217010": ("连花清瘟胶囊", "drug", 0.5, 0.9, 24),
    "XB05BAA001B001": ("葡萄糖氯化钠注射液", "drug", 2.5, 6, 2),
    "ZA12FAS0345020": ("舒血宁注射液", "drug", 18, 46, 4),
    "ZA12BAD0144020": ("丹参多酚酸盐注射液", "drug", 60, 140, 2),
    "XA10AEA142B002": ("甘精胰岛素注射液", "drug", 72, 180, 3),
    "XL01XEA045A001": ("奥希替尼片", "drug", 170, 510, 30),
    "ZA16AAL0056010": ("安宫牛黄丸", "drug", 380, 780, 2),
    "XB01AFA043A001": ("利伐沙班片", "drug", 3.2, 14, 28),
    "XN05AXA011A001": ("利培酮片", "drug", 0.5, 2.2, 60),
    "XJ04AMA001A001": ("异烟肼利福平片", "drug", 0.6, 1.5, 60),
    "XB03XAA003B001": ("促红素注射液", "drug", 30, 90, 3),
    "T00000000000001": ("中药饮片", "herbal", 0.05, 0.5, 150),
    "250101001": ("血常规", "lab", 15, 25, 1),
    "250305001": ("肝功能", "lab", 40, 90, 1),
    "250302001": ("血糖测定", "lab", 5, 12, 1),
    "250401001": ("肿瘤标志物", "lab", 60, 150, 2),
    "250310001": ("肾功能", "lab", 20, 45, 1),
    "210102001": ("胸部DR", "exam", 60, 110, 1),
    "210300001": ("CT平扫", "exam", 150, 320, 1),
    "220600001": ("彩色多普勒超声", "exam", 80, 160, 1),
    "220800001": ("心电图", "exam", 10, 25, 1),
    "220302001": ("眼科A超", "exam", 30, 60, 1),
    "340100001": ("体检套餐", "exam", 180, 420, 1),
    "310603001": ("肺功能检查", "exam", 40, 90, 1),
    "330100001": ("超声乳化白内障摘除术", "treatment", 1200, 2600, 1),
    "C0801IOL001": ("人工晶体", "consumable", 1800, 6800, 1),
    "311000001": ("血液透析", "treatment", 380, 480, 1),
    "311000003": ("血液灌流", "treatment", 900, 1500, 1),
    "C0312HD0001": ("透析器", "consumable", 90, 180, 1),
    "310605011": ("大容量全肺灌洗术", "treatment", 6000, 9000, 1),
    "410000001": ("针刺", "treatment", 20, 45, 1),
    "410000002": ("推拿", "treatment", 30, 60, 1),
    "410000003": ("中频脉冲电治疗", "treatment", 15, 30, 1),
    "410000004": ("拔罐", "treatment", 10, 25, 1),
    "410000005": ("艾灸", "treatment", 20, 40, 1),
    "340200001": ("康复评定", "treatment", 40, 90, 1),
    "120100001": ("床位费", "bed", 18, 40, 1),
    "120200001": ("一级护理", "nursing", 20, 45, 1),
    "120200002": ("二级护理", "nursing", 10, 25, 1),
    "120300001": ("精神科监护", "nursing", 30, 60, 1),
    "C0101SYR001": ("一次性输液器", "consumable", 2, 6, 2),
    "XD00000000001": ("血压计", "drug", 130, 260, 1),  # 串换: a device billed under a drug-like code
    "XD00000000002": ("保健食品", "drug", 60, 150, 2),
}
COMMON_OUT = [
    "XC08CAA148A001",
    "XJ01CAA040A001",
    "XR05CBA067A001",
    "XM01AEA033A001",
    "XA02BCA042A001",
    "ZA06AAC0217010",
    "ZA12HAX0123010",
]
DIAG_OUT = ["J06.900", "J20.900", "K29.700", "M54.500", "I10.x00", "R51.x00", "M17.900", "J44.900", "K30.x00"]
CHRONIC = {"hypertension": ("I10.x00", "XC08CAA148A001"), "diabetes": ("E11.900", "XA10BAA045A001"),
           "copd": ("J44.900", "XR03AKA001A001")}  # fmt: skip
DIAG_IN = ["I63.900", "J18.900", "I25.100", "K80.200", "S72.000", "J44.100", "I50.900", "N18.500"]


@dataclass
class Person:
    idx: int
    pid: str
    sex: str
    birth: date
    region: str
    itype: str  # employee | resident
    place: int  # index of a village, street or 矿区
    hh: int
    addr: str
    phone: str
    group: str  # rural | urban | mine | migrant
    death: int | None = None  # day of death inside the window
    chronic: str = ""
    taken: str = ""  # the planted ring or benign group the person belongs to
    busy: list[tuple[int, int]] = field(default_factory=list)  # inpatient days [d0, d1)


@dataclass
class Venue:
    idx: int
    vid: str
    cls: str  # city | tcm | mine | psych | maternity | township | street | village | private | eye | rehab | checkup | dialysis | pclinic | factory | pharmacy
    kind: str  # contract kind, or pharmacy
    level: int
    own: str
    name: str
    region: str
    beds: int
    place: int = -1
    chain: str = ""
    dateonly: bool = False
    doctors: list[int] = field(default_factory=list)


@dataclass
class Doctor:
    idx: int
    did: str
    venue: int
    dept: str
    title: str


@dataclass
class Claim:
    patient: int
    venue: int
    doctor: int | None
    vtype: str
    start: int  # seconds from the window's first midnight
    end: int | None
    diag: str
    items: list[tuple[str, float, float]]  # code, quantity, unit price
    holder: int | None = None
    fund_share: float | None = None  # a fixed share paid by the fund (None: the policy's)
    terminal: str = ""


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
    places: list[dict] = field(default_factory=list)  # kind (village/street/mine), town, name
    rings: list[dict] = field(default_factory=list)
    benign: list[dict] = field(default_factory=list)
    plans: list[dict] = field(default_factory=list)
    weekday_w: list[float] = field(default_factory=list)

    def rng(self, name: str) -> random.Random:
        return random.Random(f"sixthworld-{self.seed}-{name}")

    def by_cls(self, cls: str) -> list[Venue]:
        return [v for v in self.venues if v.cls == cls]


def item(r: random.Random, code: str, qty: float | None = None, mult: float = 1.0) -> tuple[str, float, float]:
    name, cat, lo, hi, q = CAT[code]
    price = round(r.uniform(lo, hi), 2)
    if qty is None:
        qty = q if cat != "herbal" else round(q * r.uniform(0.6, 1.6))
    return code, round(qty * mult, 1 if cat == "herbal" else 0), price


# ---------------------------------------------------------------- knobs


def draw_knobs(seed: int, persons: int, override: dict | None = None) -> dict[str, Any]:
    r = random.Random(f"sixthworld-{seed}-knobs")
    ci = r.randrange(len(CITIES))
    k: dict[str, Any] = {
        "city": CITIES[ci][2],
        "city_code": CITIES[ci][1],
        "start": r.choice(["2024-01-01", "2024-05-01", "2024-09-01", "2025-01-01", "2025-04-01"]),
        "months": r.choice([6, 8, 12, 12]),
        "towns": r.randint(5, 11),
        "villages_per_town": r.randint(4, 10),
        "streets": r.randint(3, 6),
        "mine_areas": r.randint(1, 3),
        "rural_share": round(r.uniform(0.35, 0.6), 2),
        "mine_share": round(r.uniform(0.1, 0.25), 2),
        "migrant_share": round(r.uniform(0.03, 0.1), 2),
        "private_hospitals": r.randint(2, 4),
        "private_clinics": r.randint(3, 9),
        "pharmacies_per_10k": round(r.uniform(5, 12), 1),
        "gamma_shape": round(r.uniform(0.6, 1.6), 2),
        "episode_mult": round(r.uniform(0.7, 1.3), 2),
        "revisit_p": round(r.uniform(0.1, 0.35), 2),
        "admit_mult": round(r.uniform(0.6, 1.5), 2),
        "chronic_share": round(r.uniform(0.15, 0.35), 2),
        "chronic_coding": r.choice(["chronic", "outpatient", "mixed"]),
        "mutual_aid": round(r.uniform(0.0, 0.3), 2),
        # the export
        "time_mode": r.choice(["minute", "second", "date", "mixed", "mixed", "mixed_T"]),
        "split_share": r.choice([0.0, 0.0, round(r.uniform(0.2, 0.7), 2)]),
        "items": r.random() < 0.7,
        "trace_codes": r.random() < 0.4,
        "price_decimals": r.choice([2, 4]),
        "person_ids": r.choice(["nhsa20", "hex16", "card", "num9"]),
        "venue_ids": r.choice(["national", "local"]),
        "doctor_ids": r.choice(["national", "local", "name_code"]),
        "claim_ids": r.choice(["seq", "venue_date", "hex"]),
        "row_order": r.choice(["time", "venue", "random"]),
        "code_noise": r.random() < 0.5,  # diagnosis and item codes in mixed case with stray spaces
        "holder": r.choice(["always", "mutual_only", "none"]),
        "phones": r.choice(["hashed", "masked", "none"]),
        "addresses": r.choice(["household", "building", "none"]),
        "birth_year": r.random() < 0.25,
        "bom": r.random() < 0.3,
        "crlf": r.random() < 0.2,
        "shuffle_columns": r.random() < 0.4,
        "drop": sorted(
            c
            for c, p in [
                ("persons.death_date", 0.35),
                ("persons.region", 0.15),
                ("persons.sex", 0.1),
                ("claims.terminal_id", 0.6),
                ("claims.account_amount", 0.3),
                ("claims.diagnosis", 0.2),
                ("claims.end_time", 0.15),
                ("claims.doctor_id", 0.1),
                ("facilities.kind", 0.2),
                ("facilities.level", 0.15),
                ("facilities.ownership", 0.3),
                ("facilities.beds", 0.4),
                ("facilities.name", 0.15),
                ("pharmacies.chain", 0.4),
                ("doctors.facility_id", 0.15),
                ("doctors.department", 0.3),
            ]
            if r.random() < p
        ),
    }
    k["rings"] = draw_ring_plan(r)
    k["benign"] = draw_benign_plan(r)
    if override:
        k.update(override)
    return k


SCHEMES = [
    "bus_admission",
    "phantom_rehab",
    "cataract_campaign",
    "fake_checkup",
    "goods_swap",
    "dialysis_padding",
    "foreman_cards",
    "village_referral",
]
BENIGN = ["pneumoconiosis", "long_stay_ward", "school_checkup", "family_doctor", "migrant_dorm", "dialysis_public"]


def draw_ring_plan(r: random.Random) -> list[str]:
    n = r.randint(4, 8)
    first = [r.choice(["bus_admission", "cataract_campaign"]), r.choice(["phantom_rehab", "fake_checkup"])]
    first.append(r.choice(["goods_swap", "foreman_cards"]))
    rest = [s for s in SCHEMES if s not in first]
    r.shuffle(rest)
    out = first + rest[: n - 3]
    if n == 8:  # a second 民营医院 bus ring or rehab clinic in the biggest draws
        out[-1] = r.choice(["bus_admission", "phantom_rehab"])
    return out


def draw_benign_plan(r: random.Random) -> list[str]:
    out = [b for b in BENIGN if r.random() < 0.7]
    while len(out) < 3:
        b = r.choice(BENIGN)
        if b not in out:
            out.append(b)
    return sorted(out, key=BENIGN.index)


# ---------------------------------------------------------------- place


def _code(w: World, r: random.Random, prefix: str, used: set[str]) -> str:
    while True:
        if w.knobs["venue_ids"] == "national":
            s = f"{prefix}{w.knobs['city_code']}{r.randrange(100000):05d}"
        else:  # the city's legacy codes: digits with leading zeros, pharmacies and institutions alike
            s = f"{r.randrange(10**6):06d}"
        if s not in used:
            used.add(s)
            return s


def build_place(w: World) -> None:
    r, k = w.rng("place"), w.knobs
    code = k["city_code"]
    for t in range(k["towns"]):
        for v in range(max(2, k["villages_per_town"] + r.randint(-2, 2))):
            w.places.append({"kind": "village", "town": t, "name": f"{t + 1}镇{v + 1}村"})
    for s in range(k["streets"]):
        w.places.append({"kind": "street", "town": -1 - s, "name": f"{s + 1}街道"})
    for m in range(k["mine_areas"]):
        w.places.append({"kind": "mine", "town": -10 - m, "name": f"{m + 1}矿区"})
    used: set[str] = set()

    def add(cls: str, kind: str, level: int, own: str, name: str, beds: int, place: int = -1, nd: int = 0) -> Venue:
        v = Venue(len(w.venues), _code(w, r, "P" if kind == "pharmacy" else "H", used), cls, kind, level, own, name,
                  code, beds, place)  # fmt: skip
        w.venues.append(v)
        for _ in range(nd):
            add_doctor(w, r, v)
        return v

    add("city", "hospital", 2, "public", f"{k['city']}人民医院", r.randint(400, 800), nd=r.randint(60, 120))
    add("tcm", "hospital", 2, "public", f"{k['city']}中医医院", r.randint(200, 400), nd=r.randint(25, 50))
    add("mine", "hospital", 2, "public", "矿业集团总医院", r.randint(300, 600), nd=r.randint(40, 80))
    add("psych", "specialty", 2, "public", f"{k['city']}第三人民医院（精神卫生中心）", r.randint(150, 300),
        nd=r.randint(10, 20))  # fmt: skip
    add("maternity", "specialty", 2, "public", f"{k['city']}妇幼保健院", r.randint(80, 200), nd=r.randint(15, 30))
    towns = sorted({p["town"] for p in w.places if p["kind"] == "village"})
    for t in towns:
        add("township", "community", 1, "public", f"{t + 1}镇卫生院", r.randint(20, 60), nd=r.randint(3, 9))
    for i, p in enumerate(w.places):
        if p["kind"] == "village":
            add("village", "clinic", 0, "public", f"{p['name']}卫生室", 0, place=i, nd=r.choice([1, 1, 2]))
        elif p["kind"] == "street":
            add("street", "community", 1, "public", f"{p['name']}社区卫生服务中心", 0, place=i, nd=r.randint(4, 10))
        else:
            add("factory", "clinic", 0, "public", f"{p['name']}职工医务室", 0, place=i, nd=r.randint(2, 4))
    group = r.choice(["康泰", "仁和", "博爱", "华康", "济民"])
    for n in range(k["private_hospitals"]):
        add("private", "hospital", r.choice([0, 1, 1, 2]), "private", f"{group}医院{'一二三四'[n]}院",
            r.randint(60, 200), nd=r.randint(6, 18))  # fmt: skip
    add("eye", "specialty", 1, "private", f"{group}眼科医院", r.randint(30, 80), nd=r.randint(3, 7))
    for n in range(r.randint(2, 4)):
        add("rehab", "clinic", 0, "private", f"{'百草堂国医堂康复堂颐养堂'[n * 3:n * 3 + 3]}中医康复理疗馆", 0,
            nd=r.randint(1, 3))  # fmt: skip
    add("checkup", "clinic", 0, "private", "健康体检中心", 0, nd=r.randint(3, 6))
    add("dialysis", "specialty", 0, "private", "血液透析中心", 0, nd=r.randint(2, 4))
    urban = [i for i, p in enumerate(w.places) if p["kind"] != "village"]
    for n in range(k["private_clinics"]):
        add("pclinic", "clinic", 0, "private", f"个体诊所{n + 1}", 0, place=r.choice(urban), nd=r.randint(1, 3))
    n_shops = max(6, round(k["persons"] / 10000 * k["pharmacies_per_10k"]))
    places = list(range(len(w.places)))
    for n in range(n_shops):
        pl = r.choice(urban) if r.random() < 0.6 else r.choice(places)
        chain = r.choice(CHAINS) if r.random() < 0.55 else ""
        shop = add("pharmacy", "pharmacy", 0, "private", f"{chain or '个体'}药店{n + 1}", 0, place=pl)
        shop.chain = chain
    # date-only venues: in mixed worlds the village clinics, township centres, clinics and pharmacies
    if k["time_mode"] == "date":
        for venue in w.venues:
            venue.dateonly = True
    elif k["time_mode"].startswith("mixed"):
        dated = {"village", "township", "pclinic", "factory", "rehab"} | ({"pharmacy"} if r.random() < 0.5 else set())
        for venue in w.venues:
            venue.dateonly = venue.cls in dated


TITLES = ["住院医师", "主治医师", "副主任医师", "主任医师", "乡村医生"]
DEPTS = {
    "city": ["内科", "外科", "骨科", "心内科", "呼吸科", "神经内科", "肾内科", "眼科", "儿科", "妇科", "急诊科"],
    "mine": ["职业病科", "内科", "外科", "骨科", "呼吸科", "康复科"],
    "tcm": ["中医内科", "针灸科", "康复科", "骨伤科"],
    "psych": ["精神科", "结核科"],
}


def add_doctor(w: World, r: random.Random, v: Venue) -> Doctor:
    depts = DEPTS.get(v.cls, ["全科"] if v.cls not in ("eye", "dialysis", "checkup", "rehab") else [v.cls])
    d = Doctor(len(w.doctors), "", v.idx, r.choice(depts), r.choice(TITLES[:4] if v.cls != "village" else TITLES[4:]))
    mode = w.knobs["doctor_ids"]
    if mode == "national":
        d.did = f"D{w.knobs['city_code']}{len(w.doctors) * 7919 % 1000003:07d}"
    elif mode == "local":
        d.did = f"{len(w.doctors) + 1:05d}"
    else:  # 工号-like: a letter block per venue and a number, mixed case
        d.did = f"Ys{v.idx:03d}-{len(v.doctors) + 1:02d}"
    w.doctors.append(d)
    v.doctors.append(d.idx)
    return d


# ---------------------------------------------------------------- people


def _pid(w: World, r: random.Random, used: set[str], region: str) -> str:
    mode = w.knobs["person_ids"]
    while True:
        if mode == "nhsa20":  # 人员编号: the insured area, 2 zeros and 12 digits
            s = f"{region}00{r.randrange(10**12):012d}"
        elif mode == "hex16":
            s = f"{r.getrandbits(64):016x}"
        elif mode == "card":  # 社保卡号-like, a letter and 8 digits
            s = f"{r.choice('ABCDEFGHJK')}{r.randrange(10**8):08d}"
        else:
            s = f"{r.randrange(10**9):09d}"
        if s not in used:
            used.add(s)
            return s


def build_people(w: World, n: int) -> None:
    r, k = w.rng("people"), w.knobs
    code = k["city_code"]
    others = CITIES[[c[1] for c in CITIES].index(code)][3]
    villages = [i for i, p in enumerate(w.places) if p["kind"] == "village"]
    streets = [i for i, p in enumerate(w.places) if p["kind"] == "street"]
    mines = [i for i, p in enumerate(w.places) if p["kind"] == "mine"]
    used: set[str] = set()
    y0 = w.start.year
    hh = 0
    phones: dict[int, str] = {}

    def person(age: int, sex: str, group: str, place: int, itype: str, region: str, share_phone: int | None) -> None:
        birth = date(y0 - age, 1, 1) + timedelta(days=r.randrange(365))
        idx = len(w.persons)
        ph = phones[share_phone] if share_phone is not None else f"{r.getrandbits(40):010x}"
        addr = f"{place}-{hh}"
        p = Person(idx, _pid(w, r, used, region), sex, birth, region, itype, place, hh, addr, ph, group)
        w.persons.append(p)
        phones[idx] = ph

    while len(w.persons) < n:
        u = r.random()
        if u < k["migrant_share"]:  # a migrant worker, insured at home, in a dormitory of a mine or a factory
            place = r.choice(mines)
            region = r.choice(AWAY)
            person(r.randint(19, 52), "M" if r.random() < 0.85 else "F", "migrant", place, r.choice(["employee", "resident"]),
                   region, None)  # fmt: skip
            hh += 1
            continue
        if u < k["migrant_share"] + k["rural_share"]:
            group, place = "rural", r.choice(villages)
        elif u < k["migrant_share"] + k["rural_share"] + k["mine_share"]:
            group, place = "mine", r.choice(mines)
        else:
            group, place = "urban", r.choice(streets)
        region = code if r.random() < 0.93 else r.choice(others)
        shape = r.random()
        emp = {"rural": 0.08, "mine": 0.9, "urban": 0.5}[group]
        if shape < 0.3:  # elderly couple (left-behind in the villages)
            a = r.randint(58, 88)
            itype = "employee" if r.random() < emp * 0.8 else "resident"
            person(a, "M", group, place, itype, region, None)
            first = len(w.persons) - 1
            person(a - r.randint(-2, 5), "F", group, place, itype, region, first if r.random() < 0.5 else None)
        elif shape < 0.45:  # alone
            person(r.randint(60, 92), r.choice("MF"), group, place, "resident" if r.random() > emp * 0.6 else "employee",
                   region, None)  # fmt: skip
        elif shape < 0.8:  # family with children, sometimes a grandparent
            a = r.randint(26, 50)
            itype = "employee" if r.random() < emp else "resident"
            person(a, "M", group, place, itype, region, None)
            first = len(w.persons) - 1
            person(a - r.randint(-2, 4), "F", group, place, "employee" if r.random() < emp * 0.6 else "resident",
                   region, None)  # fmt: skip
            for _ in range(r.choice([1, 1, 2])):
                person(max(0, a - r.randint(22, 34)), r.choice("MF"), group, place, "resident", region, first)
            if r.random() < 0.35:
                person(a + r.randint(24, 32), r.choice("MF"), group, place, "resident", region, first)
        else:  # single adult
            person(r.randint(18, 60), r.choice("MF"), group, place, "employee" if r.random() < emp else "resident",
                   region, None)  # fmt: skip
        hh += 1
    del w.persons[n:]
    # mortality inside the window
    for p in w.persons:
        age = w.start.year - p.birth.year
        q = 0.002 if age < 60 else 0.012 if age < 70 else 0.035 if age < 80 else 0.11
        if r.random() < q * w.days / 365:
            p.death = r.randrange(w.days)
    # chronic conditions of the over-50s
    for p in w.persons:
        age = w.start.year - p.birth.year
        if age >= 50 and r.random() < k["chronic_share"] * (0.6 if age < 60 else 1.2):
            p.chronic = r.choice(["hypertension", "hypertension", "diabetes", "copd"])


def age(w: World, p: Person) -> int:
    return w.start.year - p.birth.year


# ---------------------------------------------------------------- calendar and time of day


def build_calendar(w: World) -> None:
    w.weekday_w = []
    for d in range(w.days):
        day = w.start + timedelta(days=d)
        f = [1.25, 1.1, 1.05, 1.05, 1.0, 0.7, 0.55][day.weekday()]
        if day.month in (1, 2, 12):
            f *= 1.15
        if (day.month, day.day) >= (10, 1) and (day.month, day.day) <= (10, 7):
            f *= 0.5
        w.weekday_w.append(f)


def pick_day(w: World, r: random.Random, lo: int = 0, hi: int | None = None) -> int:
    hi = w.days if hi is None else hi
    while True:
        d = r.randrange(lo, hi)
        if r.random() * 1.45 < w.weekday_w[d]:
            return d


def tod(r: random.Random, cls: str) -> int:
    """Seconds after midnight of an ordinary arrival at a venue of class cls."""
    if cls == "pharmacy":
        h = r.choice([r.uniform(8, 12), r.uniform(15, 21), r.uniform(8, 21)])
    elif cls in ("village", "pclinic"):
        h = r.uniform(7, 19.5)
    elif cls == "factory":
        h = r.choice([r.uniform(7.5, 11), r.uniform(15, 17.5), r.uniform(19, 21)])
    else:  # hospitals: a morning peak and an afternoon session
        h = r.uniform(7.5, 11.8) if r.random() < 0.68 else r.uniform(14.0, 17.3)
    return int(h * 3600) + r.randrange(60)


def alive(w: World, p: Person, d: int) -> bool:
    return p.death is None or d <= p.death


def free_day(p: Person, d: int) -> bool:
    return all(not (a <= d < b) for a, b in p.busy)


# ---------------------------------------------------------------- ordinary care


def choose_venue(w: World, r: random.Random, p: Person, pref: dict[str, list[Venue]]) -> Venue:
    g = p.group
    u = r.random()
    table = {
        "rural": [("village", 0.42), ("township", 0.22), ("city", 0.12), ("tcm", 0.04), ("private", 0.06),
                  ("pharmacy", 0.12), ("pclinic", 0.02)],
        "urban": [("street", 0.2), ("city", 0.24), ("tcm", 0.08), ("pclinic", 0.12), ("private", 0.04),
                  ("pharmacy", 0.3), ("maternity", 0.02)],
        "mine": [("mine", 0.34), ("factory", 0.14), ("city", 0.12), ("street", 0.06), ("pharmacy", 0.26),
                 ("private", 0.04), ("pclinic", 0.04)],
        "migrant": [("factory", 0.3), ("pclinic", 0.25), ("pharmacy", 0.4), ("mine", 0.05)],
    }[g]  # fmt: skip
    acc = 0.0
    for cls, pr in table:
        acc += pr
        if u < acc:
            break
    return r.choice(pref[cls])


def home_venues(w: World, r: random.Random, p: Person) -> dict[str, list[Venue]]:
    town = w.places[p.place]["town"]
    pref: dict[str, list[Venue]] = {}
    own = [v for v in w.venues if v.place == p.place]
    for cls in ("city", "tcm", "mine", "maternity", "private"):
        vs = w.by_cls(cls)
        pref[cls] = [r.choice(vs)] if cls == "private" else vs
    pref["village"] = [v for v in own if v.cls == "village"] or w.by_cls("village")[:1]
    pref["township"] = [v for v in w.by_cls("township") if v.name.startswith(f"{town + 1}镇")] or w.by_cls("township")
    pref["street"] = [v for v in own if v.cls == "street"] or [r.choice(w.by_cls("street"))]
    pref["factory"] = [v for v in own if v.cls == "factory"] or [r.choice(w.by_cls("factory"))]
    near = [v for v in w.by_cls("pharmacy") if v.place == p.place]
    shops = w.by_cls("pharmacy")
    pref["pharmacy"] = (near[:2] if near else []) + [r.choice(shops)]
    pcl = [v for v in w.by_cls("pclinic") if v.place == p.place] or w.by_cls("pclinic")
    pref["pclinic"] = [r.choice(pcl)]
    return pref


def usual_doctor(w: World, r: random.Random, v: Venue, memo: dict[int, int]) -> int | None:
    if v.kind == "pharmacy":
        return None
    if v.idx not in memo:
        n = len(v.doctors)
        memo[v.idx] = v.doctors[min(n - 1, int(r.paretovariate(1.3)) - 1)]
    return memo[v.idx]


def visit_items(
    r: random.Random, v: Venue, diag: str, drugs: list[str] | None = None
) -> list[tuple[str, float, float]]:
    its = [item(r, "110900001" if v.cls in ("village", "township", "street") else "110200001")]
    for code in drugs or r.sample(COMMON_OUT, r.choice([1, 1, 2, 3])):
        its.append(item(r, code))
    if v.kind in ("hospital", "specialty") and r.random() < 0.3:
        its.append(item(r, r.choice(["250101001", "250305001", "220800001", "210102001", "220600001"])))
    if v.cls in ("tcm", "village") and r.random() < 0.25:
        its.append(item(r, "T00000000000001"))
    return its


def ordinary_care(w: World) -> None:
    r, k = w.rng("care"), w.knobs
    base = {0: 4.0, 7: 1.8, 18: 2.0, 45: 3.0, 60: 4.5, 75: 6.0}
    for p in w.persons:
        a = age(w, p)
        rate = [v for lo, v in base.items() if a >= lo][-1]
        prop = r.gammavariate(k["gamma_shape"], 1 / k["gamma_shape"]) * k["episode_mult"]
        pref = home_venues(w, r, p)
        memo: dict[int, int] = {}
        last = w.days if p.death is None else p.death + 1
        # stays first, so that visits avoid them
        stay_rate = (0.03 if a < 45 else 0.07 if a < 60 else 0.14 if a < 75 else 0.25) * k["admit_mult"]
        for _ in range(_poisson(r, stay_rate * w.days / 365 * min(prop, 3))):
            d0 = pick_day(w, r, 0, last)
            los = max(1, min(40, int(math.exp(r.gauss(math.log(7), 0.55)))))
            if p.death is not None and d0 + los > p.death:
                los = max(1, p.death - d0)
            if not free_span(p, d0, los):
                continue
            cls = r.choices(["city", "tcm", "mine", "township", "private"],
                            [5, 1.2, 3 if p.group in ("mine", "migrant") else 0.3, 2 if p.group == "rural" else 0.2, 1.2])[0]  # fmt: skip
            v = r.choice(pref.get(cls) or w.by_cls(cls))
            stay(w, r, p, v, r.choice(v.doctors), d0, los, r.choice(DIAG_IN))
        n = _poisson(r, rate * prop * w.days / 365)
        for _ in range(n):
            d = pick_day(w, r, 0, last)
            if not free_day(p, d):
                continue
            v = choose_venue(w, r, p, pref)
            diag = r.choice(DIAG_OUT)
            if v.kind == "pharmacy":
                purchase(
                    w,
                    r,
                    p,
                    v,
                    d * DAY + tod(r, "pharmacy"),
                    [item(r, c) for c in r.sample(COMMON_OUT, r.choice([1, 2]))],
                )
                continue
            doc = usual_doctor(w, r, v, memo)
            t = d * DAY + tod(r, v.cls)
            visit(w, r, p, v, doc, t, "outpatient", diag, visit_items(r, v, diag))
            if r.random() < k["revisit_p"]:
                d2 = d + r.randint(2, 7)
                if d2 < last and free_day(p, d2):
                    visit(w, r, p, v, doc, d2 * DAY + tod(r, v.cls), "outpatient", diag, visit_items(r, v, diag))
        if p.chronic and not p.taken:
            chronic_refills(w, r, p, pref, memo, last)


def chronic_refills(w: World, r: random.Random, p: Person, pref: dict, memo: dict, last: int) -> None:
    diag, drug = CHRONIC[p.chronic]
    cls = {"rural": "village", "urban": "street", "mine": "mine", "migrant": "factory"}[p.group]
    if r.random() < 0.3:
        cls = r.choice(["city", "township" if p.group == "rural" else "street"])
    v = r.choice(pref[cls])
    doc = usual_doctor(w, r, v, memo)
    coding = w.knobs["chronic_coding"]
    vt = "chronic" if coding == "chronic" or (coding == "mixed" and r.random() < 0.5) else "outpatient"
    d = r.randrange(0, 30)
    while d < last:
        if free_day(p, d):
            visit(w, r, p, v, doc, d * DAY + tod(r, v.cls), vt, diag, [item(r, "110900001"), item(r, drug, mult=r.choice([1, 1, 2]))])  # fmt: skip
        d += r.randint(26, 35)


def free_span(p: Person, d0: int, los: int) -> bool:
    return all(b <= d0 - 1 or a >= d0 + los + 1 for a, b in p.busy)


def _poisson(r: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(r.gauss(lam, math.sqrt(lam)))))
    k, t, L = 0, r.random(), math.exp(-lam)
    while t > L:
        k += 1
        t *= r.random()
    return k


def holder_of(w: World, r: random.Random, p: Person) -> int | None:
    """家庭共济: a resident's claim paid by a working household member's account."""
    if p.itype != "resident" or r.random() >= w.knobs["mutual_aid"]:
        return None
    for q in w.persons[max(0, p.idx - 4) : p.idx + 5]:
        if q.hh == p.hh and q.itype == "employee" and q.idx != p.idx and q.death is None:
            return q.idx
    return None


def visit(w: World, r: random.Random, p: Person, v: Venue, doc: int | None, t: int, vt: str, diag: str,
          items: list[tuple[str, float, float]], fund_share: float | None = None, split: bool = True) -> list[Claim]:  # fmt: skip
    """One visit: one settlement, or (a split export) two or three settlements of the same visit."""
    holder = holder_of(w, r, p)
    parts = [items]
    if (split and w.knobs["split_share"] and v.kind in ("hospital", "specialty", "community") and len(items) >= 2
            and r.random() < w.knobs["split_share"]):  # fmt: skip
        a = [it for it in items if CAT[it[0]][1] in ("treatment", "exam", "lab", "other", "nursing")]
        b = [it for it in items if it not in a]
        parts = [x for x in (a, b) if x]
        if len(parts) == 2 and len(parts[1]) >= 2 and r.random() < 0.4:
            parts = [parts[0], parts[1][:1], parts[1][1:]]
    out = []
    for n, its in enumerate(parts):
        tt = t + (0 if n == 0 or v.dateonly else r.randint(60, 1500) * n)
        c = Claim(p.idx, v.idx, doc, vt, tt, None, diag, its, holder, fund_share)
        w.claims.append(c)
        out.append(c)
    return out


def purchase(w: World, r: random.Random, p: Person, v: Venue, t: int, items: list[tuple[str, float, float]],
             fund_share: float | None = None) -> Claim:  # fmt: skip
    c = Claim(p.idx, v.idx, None, "pharmacy", t, None, "", items, holder_of(w, r, p), fund_share)
    w.claims.append(c)
    return c


def stay(w: World, r: random.Random, p: Person, v: Venue, doc: int, d0: int, los: int, diag: str,
         extra: list[tuple[str, float, float]] | None = None, t0: int | None = None, pad: float = 1.0) -> Claim:  # fmt: skip
    los = max(1, min(los, w.days - 1 - d0))  # settled inside the window
    its = [item(r, "120100001", qty=los), item(r, "120200002", qty=round(los * pad)), item(r, "250101001"),
           item(r, r.choice(["XB05BAA001B001", "ZA12FAS0345020"]), qty=los * 2)]  # fmt: skip
    if r.random() < 0.5:
        its.append(item(r, r.choice(["210300001", "220600001", "210102001"])))
    its += extra or []
    start = d0 * DAY + (t0 if t0 is not None else tod(r, v.cls))
    end = (d0 + los) * DAY + int(r.uniform(8.5, 11.5) * 3600)
    if d0 + los >= w.days:  # admitted on the window's last day: a day case
        end = start + 4 * 3600
    c = Claim(p.idx, v.idx, doc, "inpatient", start, end, diag, its, holder_of(w, r, p))
    w.claims.append(c)
    p.busy.append((d0, d0 + los + 1))
    return c


# ---------------------------------------------------------------- money and export


def fund_of(w: World, c: Claim, total: float) -> tuple[float, float]:
    """(fund, personal account) by visit type, level and insurance type."""
    p, v = w.persons[c.patient], w.venues[c.venue]
    payer = w.persons[c.holder] if c.holder is not None else p
    if c.fund_share is not None:
        fund = round(total * c.fund_share, 2)
    elif c.vtype == "inpatient":
        ded = {0: 300, 1: 300, 2: 600, 3: 900}[v.level]
        fund = round(max(0.0, total - ded) * (0.85 if v.level <= 1 else 0.75), 2)
    elif c.vtype == "chronic":
        fund = round(total * 0.65, 2)
    elif c.vtype == "pharmacy":
        fund = 0.0 if v.chain == "" or total < 30 else round(total * 0.5, 2)
    else:
        share = {0: 0.6, 1: 0.6, 2: 0.5, 3: 0.5}[v.level] + (0.1 if p.itype == "employee" else 0.0)
        fund = 0.0 if total < 10 else round(total * share, 2)
    fund = min(fund, total)
    acct = round((total - fund) * 0.8, 2) if payer.itype == "employee" else 0.0
    return fund, acct


def _fmt_time(w: World, t: int, dateonly: bool) -> str:
    dt = datetime(w.start.year, w.start.month, w.start.day) + timedelta(seconds=t)
    mode = w.knobs["time_mode"]
    if dateonly or mode == "date":
        return dt.strftime("%Y-%m-%d")
    sep = "T" if mode == "mixed_T" else " "
    if mode == "minute":
        return dt.strftime(f"%Y-%m-%d{sep}%H:%M:00")
    return dt.strftime(f"%Y-%m-%d{sep}%H:%M:%S")


def _noisy(w: World, r: random.Random, s: str) -> str:
    """Codes keyed by hand in some venues' systems: lower case, stray spaces."""
    if not s or not w.knobs["code_noise"]:
        return s
    u = r.random()
    return s.lower() if u < 0.15 else f" {s}" if u < 0.22 else f"{s} " if u < 0.3 else s


def _write(w: World, out: Path, name: str, header: list[str], rows: list[list[Any]]) -> None:
    k = w.knobs
    order = kept_columns(name, header, k["drop"])
    if k["shuffle_columns"]:
        rest = order[1:]
        w.rng(f"cols-{name}").shuffle(rest)
        order = order[:1] + rest
    write_csv(out / f"{name}.csv", header, rows, columns=order, bom=k["bom"], crlf=k["crlf"])


def _price(w: World, x: float) -> str:
    return f"{x:.{w.knobs['price_decimals']}f}"


def write_world(w: World, out: Path) -> None:
    k = w.knobs
    out.mkdir(parents=True, exist_ok=True)
    r = w.rng("export")
    # persons
    rows = []
    for p in w.persons:
        digits = f"{int(p.phone, 16) % 10**10:010d}"
        phone = {"hashed": hashlib.sha1(p.phone.encode()).hexdigest()[:16], "masked": f"1{digits[:2]}****{digits[-4:]}",
                 "none": ""}[k["phones"]]  # fmt: skip
        building = p.addr.startswith("dorm") or k["addresses"] == "household"
        hhkey = p.addr if building else f"{p.place}-b{p.hh // 25}"  # a 楼栋 key shared by about 25 households
        addr = "" if k["addresses"] == "none" else hashlib.md5(hhkey.encode()).hexdigest()[:12]
        death = (w.start + timedelta(days=p.death)).isoformat() if p.death is not None else ""
        rows.append([p.pid, p.sex, p.birth.year if k["birth_year"] else p.birth.isoformat(), p.region,
                     p.itype, phone, addr, death])  # fmt: skip
    _write(w, out, "persons", ["person_id", "sex", "birth_year" if k["birth_year"] else "birth_date", "region",
                               "insured_type", "phone", "address", "death_date"], rows)  # fmt: skip
    fac = [v for v in w.venues if v.kind != "pharmacy"]
    _write(w, out, "facilities", ["facility_id", "name", "kind", "level", "ownership", "region", "beds"],
           [[v.vid, v.name, v.kind, v.level, v.own, v.region, v.beds] for v in fac])  # fmt: skip
    shops = [v for v in w.venues if v.kind == "pharmacy"]
    _write(w, out, "pharmacies", ["pharmacy_id", "name", "chain", "region"],
           [[v.vid, v.name, v.chain, v.region] for v in shops])  # fmt: skip
    _write(w, out, "doctors", ["doctor_id", "facility_id", "name", "title", "department"],
           [[d.did, w.venues[d.venue].vid, f"医师{d.idx}", d.title, d.dept] for d in w.doctors])  # fmt: skip
    # claims
    claims = list(enumerate(w.claims))
    if k["row_order"] == "time":
        claims.sort(key=lambda x: (x[1].start, x[0]))
    elif k["row_order"] == "venue":
        claims.sort(key=lambda x: (x[1].venue, x[1].start, x[0]))
    else:
        r.shuffle(claims)
    ids: list[str] = []
    seqs: dict[tuple[int, int], int] = {}
    crow, irow = [], []
    trace_n = 0
    for n, (i, c) in enumerate(claims):
        v = w.venues[c.venue]
        if k["claim_ids"] == "seq":
            cid = f"{i + 1:010d}"
        elif k["claim_ids"] == "hex":
            cid = hashlib.sha1(f"{w.seed}-{i}".encode()).hexdigest()[:20]
        else:
            day = c.start // DAY
            s = seqs[(c.venue, day)] = seqs.get((c.venue, day), 0) + 1
            cid = f"{v.vid}{(w.start + timedelta(days=day)).strftime('%Y%m%d')}{s:05d}"
        ids.append(cid)
        total = 0.0
        for code, q, price in c.items:
            amt = round(q * price, 2)
            total += amt
            tc = ""
            if k["trace_codes"] and CAT[code][1] == "drug":
                trace_n += 1
                tc = f"8{hashlib.sha1(f'{w.seed}-{trace_n}'.encode()).hexdigest()[:19]}"
            irow.append([cid, _noisy(w, r, code), CAT[code][0], CAT[code][1], q, _price(w, price), f"{amt:.2f}", tc])
        total = round(total, 2)
        fund, acct = fund_of(w, c, total)
        p = w.persons[c.patient]
        hold = c.holder if c.holder is not None else c.patient
        holder = {"always": w.persons[hold].pid, "mutual_only": w.persons[c.holder].pid if c.holder is not None else "",
                  "none": ""}[k["holder"]]  # fmt: skip
        crow.append([
            cid, p.pid, holder, "" if v.kind == "pharmacy" else v.vid, v.vid if v.kind == "pharmacy" else "",
            w.doctors[c.doctor].did if c.doctor is not None else "", c.vtype, _fmt_time(w, c.start, v.dateonly),
            _fmt_time(w, c.end, v.dateonly) if c.end is not None else "", f"{total:.2f}", f"{fund:.2f}",
            f"{acct:.2f}", _noisy(w, r, c.diag), c.terminal or f"T{v.idx:04d}{(c.start // 3600) % 2}",
        ])  # fmt: skip
    _write(w, out, "claims", ["claim_id", "patient_id", "holder_id", "facility_id", "pharmacy_id", "doctor_id",
                              "visit_type", "start_time", "end_time", "total_amount", "fund_amount", "account_amount",
                              "diagnosis", "terminal_id"], crow)  # fmt: skip
    if k["items"]:
        hdr = ["claim_id", "item_code", "item_name", "category", "quantity", "unit_price", "amount", "trace_code"]
        if not k["trace_codes"]:
            irow = [x[:-1] for x in irow]
            hdr = hdr[:-1]
        _write(w, out, "claim_items", hdr, irow)
    truth = {
        "generator": "sixthworld",
        "seed": w.seed,
        "knobs": k,
        "summary": summary(w),
        "rings": w.rings,
        "benign": w.benign,
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def summary(w: World) -> dict[str, Any]:
    vt: dict[str, int] = {}
    for c in w.claims:
        vt[c.vtype] = vt.get(c.vtype, 0) + 1
    return {
        "persons": len(w.persons),
        "claims": len(w.claims),
        "facilities": sum(v.kind != "pharmacy" for v in w.venues),
        "pharmacies": sum(v.kind == "pharmacy" for v in w.venues),
        "doctors": len(w.doctors),
        "date_only_venues": sum(v.dateonly for v in w.venues),
        "visit_types": dict(sorted(vt.items())),
        "window": [w.start.isoformat(), (w.start + timedelta(days=w.days - 1)).isoformat()],
    }


def build(seed: int, persons: int, override: dict | None = None) -> World:
    from .plant import plant_all, run_all

    k = draw_knobs(seed, persons, override)
    k["persons"] = persons
    start = date.fromisoformat(k["start"])
    y, m = start.year + (start.month - 1 + k["months"]) // 12, (start.month - 1 + k["months"]) % 12 + 1
    w = World(seed, k, start, (date(y, m, 1) - start).days)
    build_calendar(w)
    build_place(w)
    build_people(w, persons)
    plant_all(w)  # choose members first, so that ordinary care knows who is taken
    run_all(w)  # planted and benign claims (stays block ordinary visits)
    ordinary_care(w)
    return w


def make(seed: int, persons: int, out: Path, override: dict | None = None) -> World:
    w = build(seed, persons, override)
    write_world(w, out)
    return w


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--persons", type=int, default=30000)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    w = make(a.seed, a.persons, a.out)
    s = summary(w)
    print(f"{a.out}: {s['persons']} persons, {s['claims']} claims, {len(w.rings)} rings, {len(w.benign)} benign",
          file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
