"""Make one fifthworld: a 直辖市 district (区) of 3A hospitals, 互联网医院 and many small 民营 venues.

`python -m benchmarks.fifthworld.make --seed 3 --persons 30000 --out DIR` writes the contract's tables as CSV
(`persons`, `facilities`, `pharmacies`, `doctors`, `claims`, and `claim_items` in most worlds) and `truth.json`
(knobs, summary, planted rings, benign groups). Written from /work/shared/data-contract.md, design.md and the other
generators' READMEs only (to choose different assumptions). Every draw comes from the seed: the same seed and size
give byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import kept_columns, write_csv

DAY = 86400

# 直辖市 and the district the world is cut from (home), with three neighbouring districts of the same city
CITIES = [
    ("上海", "310104", "徐汇区", ["310101", "310105", "310112"], "31"),
    ("北京", "110108", "海淀区", ["110102", "110105", "110106"], "11"),
    ("天津", "120104", "南开区", ["120101", "120103", "120111"], "12"),
    ("重庆", "500103", "渝中区", ["500105", "500106", "500108"], "50"),
]
# 异地就医: insured elsewhere, living here (region codes of other provinces' cities)
AWAY = ["320500", "330100", "340100", "370200", "410100", "420100", "430100", "510100", "610100", "230100"]
CHAINS = ["国大药房", "华氏大药房", "益丰大药房", "老百姓大药房", "海王星辰", "叮当快药"]
DEPTS = [
    "内科",
    "心内科",
    "内分泌科",
    "呼吸科",
    "消化科",
    "骨科",
    "外科",
    "妇科",
    "儿科",
    "眼科",
    "皮肤科",
    "肿瘤科",
    "中医科",
    "神经内科",
    "肾内科",
]
DEPT_W = [10, 8, 6, 7, 6, 6, 5, 5, 4, 4, 4, 3, 4, 4, 2]

# catalogue: code -> (name, category, low, high price, typical quantity); national-platform-like codes
CAT: dict[str, tuple[str, str, float, float, int]] = {
    "001101000010000": ("普通门诊诊查费", "other", 10, 25, 1),
    "001101000020000": ("专家门诊诊查费", "other", 30, 100, 1),
    "001102000010000": ("互联网复诊费", "other", 10, 30, 1),
    "XC08CAA148A001": ("苯磺酸氨氯地平片", "drug", 0.45, 1.8, 28),
    "XA10BAA045A001": ("二甲双胍缓释片", "drug", 0.2, 1.1, 60),
    "XC10AAA125A001": ("阿托伐他汀钙片", "drug", 0.35, 2.4, 28),
    "XB01ACA056A001": ("硫酸氢氯吡格雷片", "drug", 2.1, 7.5, 28),
    "XJ01DCA071A001": ("头孢克洛胶囊", "drug", 0.8, 3.2, 12),
    "XR05CBA067A001": ("氨溴索口服液", "drug", 12, 30, 1),
    "XM01AEA033A001": ("布洛芬缓释胶囊", "drug", 0.3, 1.5, 20),
    "XA02BCA042A001": ("奥美拉唑肠溶胶囊", "drug", 0.6, 2.5, 14),
    "ZA06AAC0217010": ("连花清瘟胶囊", "drug", 0.5, 0.9, 36),
    "ZA12HAX0123010": ("复方丹参滴丸", "drug", 0.12, 0.3, 90),
    "XA10AEA142B002": ("甘精胰岛素注射液", "drug", 78, 190, 3),
    "XL01XEA045A001": ("奥希替尼片", "drug", 170, 510, 30),
    "XL04ABA067B002": ("阿达木单抗注射液", "drug", 1150, 1300, 2),
    "XB01AFA043A001": ("利伐沙班片", "drug", 4.6, 17, 28),
    "XH02ABA124B002": ("重组人生长激素", "drug", 180, 420, 6),
    "ZA16AAL0056010": ("安宫牛黄丸", "drug", 380, 780, 3),
    "T00000000000001": ("中药饮片", "herbal", 0.08, 0.6, 180),
    "T00000000000002": ("膏方加工费", "herbal", 300, 900, 1),
    "250101001": ("血常规", "lab", 20, 30, 1),
    "250302001": ("生化全套", "lab", 120, 260, 1),
    "250403004": ("肿瘤标志物", "lab", 60, 140, 3),
    "250310003": ("糖化血红蛋白", "lab", 45, 70, 1),
    "210102015": ("CT平扫", "exam", 180, 320, 1),
    "210300001": ("磁共振平扫", "exam", 450, 800, 1),
    "220201001": ("彩超", "exam", 100, 220, 1),
    "310701001": ("心电图", "exam", 15, 30, 1),
    "430000001": ("针灸", "treatment", 30, 60, 1),
    "430000020": ("推拿", "treatment", 40, 90, 1),
    "340200011": ("中频脉冲电治疗", "treatment", 20, 45, 1),
    "311201001": ("血液透析", "treatment", 380, 480, 1),
    "311201007": ("血液透析滤过", "treatment", 550, 700, 1),
    "310000015": ("静脉输液", "treatment", 10, 25, 1),
    "120100001": ("床位费", "bed", 40, 120, 1),
    "110200001": ("一级护理", "nursing", 25, 60, 1),
    "110200002": ("二级护理", "nursing", 15, 35, 1),
    "C01010101001": ("一次性输液器", "consumable", 3, 8, 1),
    "C02030101001": ("化疗泵", "consumable", 150, 300, 1),
    "330100005": ("抗肿瘤化学药物配置", "treatment", 60, 120, 1),
    "XL01BCA019B002": ("吉西他滨注射液", "drug", 260, 800, 2),
    "D0000000000001": ("血压计(串换)", "drug", 150, 300, 1),
    "D0000000000002": ("保健品(串换)", "drug", 90, 260, 1),
    "110900001": ("健康体检套餐", "exam", 260, 680, 1),
}
CHRONIC_DRUGS = ["XC08CAA148A001", "XA10BAA045A001", "XC10AAA125A001", "XB01ACA056A001", "ZA12HAX0123010"]
ACUTE_DRUGS = ["XJ01DCA071A001", "XR05CBA067A001", "XM01AEA033A001", "XA02BCA042A001", "ZA06AAC0217010"]
DIAG_ACUTE = ["J06.900", "J20.900", "K29.700", "M54.500", "R51.x00", "H10.900", "L30.900", "N39.000", "M17.900"]
DIAG_CHRONIC = {"ht": "I10.x00", "dm": "E11.900", "chd": "I25.100"}


@dataclass(slots=True)
class Person:
    idx: int
    pid: str
    sex: str
    birth: date
    age: int
    region: str
    itype: str
    phone: str
    addr: str
    hh: int
    street: int
    xq: int  # 小区 (residential compound), global index
    prop: float = 1.0
    death: int | None = None  # day index in the window
    group: str | None = None
    stays: list[tuple[int, int]] = field(default_factory=list)

    def in_stay(self, d: int) -> bool:
        return any(a <= d <= b for a, b in self.stays)


@dataclass(slots=True)
class Venue:
    idx: int
    vid: str
    name: str
    kind: str  # hospital / clinic / community / specialty / pharmacy
    role: str
    level: int
    own: str
    region: str
    beds: int
    street: int
    chain: str = ""
    pooled: bool = False  # 门诊统筹 pharmacy
    doctors: list[int] = field(default_factory=list)
    terms: int = 1
    parent: int = -1  # an internet hospital's hospital


@dataclass(slots=True)
class Doctor:
    idx: int
    did: str
    venue: int
    dept: str
    title: str
    pop: float


class Claim:
    __slots__ = (
        "patient",
        "holder",
        "venue",
        "doctor",
        "vtype",
        "start",
        "end",
        "items",
        "diag",
        "term",
        "tag",
        "fund",
    )

    def __init__(
        self,
        patient: int,
        venue: int,
        doctor: int,
        vtype: str,
        start: int,
        items: list,
        diag: str,
        end: int | None = None,
        holder: int = -1,
        term: int = 0,
        tag: str = "",
        fund: float = -1.0,
    ) -> None:
        self.patient, self.venue, self.doctor, self.vtype, self.start = patient, venue, doctor, vtype, start
        self.items, self.diag, self.end, self.holder, self.term, self.tag, self.fund = (
            items,
            diag,
            end,
            holder,
            term,
            tag,
            fund,
        )


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
    rings: list[dict] = field(default_factory=list)
    benign: list[dict] = field(default_factory=list)
    streets: list[list[int]] = field(default_factory=list)  # street -> 小区 indices
    xq_members: list[list[int]] = field(default_factory=list)
    households: list[list[int]] = field(default_factory=list)
    by_role: dict[str, list[int]] = field(default_factory=dict)
    pharm_near: dict[int, list[int]] = field(default_factory=dict)  # hospital -> its 院边店
    dayw: list[float] = field(default_factory=list)  # calendar weight per day (weekday, holidays, season)
    wd: list[int] = field(default_factory=list)
    sf: tuple[int, int] = (-1, -1)  # Spring Festival week in day indices
    plans: list[dict] = field(default_factory=list)  # groups chosen before ordinary care, run after it

    def rng(self, *key: object) -> random.Random:
        return random.Random(f"fifthworld|{self.seed}|" + "|".join(map(str, key)))


def item(r: random.Random, code: str, qty: float | None = None, mult: float = 1.0) -> tuple[str, float, float]:
    _, _, lo, hi, q = CAT[code]
    price = lo + (hi - lo) * r.random()
    if qty is None:
        qty = max(1, round(q * mult * (0.6 + 0.8 * r.random())))
    return (code, qty, price)


# --------------------------------------------------------------------------------------------------- knobs


def draw_knobs(seed: int, persons: int, override: dict | None = None) -> dict[str, Any]:
    r = random.Random(f"fifthworld|{seed}|knobs")
    city = r.randrange(len(CITIES))
    k: dict[str, Any] = {
        "city": CITIES[city][0],
        "district": CITIES[city][1],
        "start": f"{r.choice([2024, 2025])}-{r.choice([1, 3, 4, 7, 10]):02d}-01",
        "months": r.choice([6, 9, 12, 12, 18]),
        "streets": r.randint(6, 11),
        "tertiary": r.randint(4, 7),
        "private_hospitals": r.randint(4, 9),
        "clinics_per_street": round(r.uniform(1.5, 4.0), 2),
        "pharmacies_per_street": round(r.uniform(3, 7), 2),
        "pooled_share": round(r.uniform(0.25, 0.75), 2),
        "elder_share": round(r.uniform(0.22, 0.34), 3),
        "employee_share": round(r.uniform(0.55, 0.8), 2),
        "other_district_share": round(r.uniform(0.1, 0.3), 2),
        "away_share": round(r.uniform(0.04, 0.14), 3),
        "lomax_alpha": round(r.uniform(2.2, 3.8), 2),
        "episode_mult": round(r.uniform(0.7, 1.3), 2),
        "revisit_p": round(r.uniform(0.25, 0.5), 2),
        "tertiary_pull": round(r.uniform(0.3, 0.55), 2),
        "internet_share": round(r.uniform(0.02, 0.1), 3),
        "chronic_share": round(r.uniform(0.18, 0.4), 2),
        "long_rx_days": r.choice([28, 56, 84]),
        "chronic_coding": r.choice(["chronic", "outpatient", "mixed"]),
        "lab_share": round(r.uniform(0.08, 0.22), 2),
        "fill_share": round(r.uniform(0.05, 0.25), 2),
        "mutual_aid": round(r.uniform(0.0, 0.3), 2),
        "admit_mult": round(r.uniform(0.6, 1.4), 2),
        "time_mode": r.choices(["second", "millis", "minute", "date"], [35, 20, 30, 15])[0],
        "sep": r.choice([" ", "T"]),
        "person_ids": r.choice(["b36", "num12"]),
        "venue_ids": r.choice(["national", "local"]),
        "doctor_ids": r.choice(["national", "composite"]),
        "claim_ids": r.choice(["uuid", "setl18", "js"]),
        "row_order": r.choice(["time", "time", "claim_id", "venue"]),
        "phones": r.choices(["hash", "last4", "none"], [55, 15, 30])[0],
        "addresses": r.choices(["household", "building", "none"], [40, 30, 30])[0],
        "holder": r.choices(["always", "mutual_only", "none"], [45, 35, 20])[0],
        "items": r.random() < 0.75,
        "trace_codes": r.random() < 0.5,
        "price_decimals": r.choice([2, 4]),
        "birth_year": r.random() < 0.2,
        "pharmacy_doctor": r.random() < 0.4,
        "extra_columns": r.random() < 0.6,
        "shuffle_columns": r.random() < 0.5,
        "bom": r.random() < 0.4,
        "crlf": r.random() < 0.3,
        "quote_all": r.random() < 0.2,
        "drop": sorted(
            c
            for c, p in [
                ("persons.sex", 0.05),
                ("persons.region", 0.1),
                ("persons.insured_type", 0.1),
                ("persons.death_date", 0.25),
                ("facilities.beds", 0.3),
                ("facilities.level", 0.1),
                ("facilities.ownership", 0.1),
                ("facilities.kind", 0.05),
                ("pharmacies.chain", 0.15),
                ("doctors.facility_id", 0.1),
                ("doctors.department", 0.2),
                ("claims.terminal_id", 0.5),
                ("claims.account_amount", 0.2),
                ("claims.diagnosis", 0.15),
                ("claims.end_time", 0.1),
            ]
            if r.random() < p
        ),
        "persons": persons,
    }
    k["rings"] = draw_ring_plan(r)
    k["benign"] = sorted(
        g
        for g in ["eldercare_clinic", "dialysis_chain", "checkup_days", "internet_refill", "day_ward"]
        if r.random() < 0.75
    )
    if len(k["benign"]) < 3:
        k["benign"] = ["checkup_days", "dialysis_chain", "eldercare_clinic", "internet_refill"]
    if override:
        k.update(override)
    return k


def draw_ring_plan(r: random.Random) -> list[str]:
    plan = ["staged_clinic"] * r.randint(1, 2) + ["drug_reseller"] * r.randint(1, 2)
    others = ["eldercare_admission", "split_admission", "imaging_kickback", "online_steering", "pharmacy_cashout"]
    plan += r.sample(others, r.randint(2, 4))
    return plan


# --------------------------------------------------------------------------------------------------- place


def _vid(w: World, r: random.Random, kind: str) -> str:
    d = w.knobs["district"]
    if w.knobs["venue_ids"] == "national":
        return f"{'P' if kind == 'pharmacy' else 'H'}{d}{r.randrange(100000):05d}"
    return f"{'YD' if kind == 'pharmacy' else 'YL'}{r.randrange(1000000):06d}"


def build_place(w: World) -> None:
    k, r = w.knobs, w.rng("place")
    home = k["district"]
    nbrs = next(c[3] for c in CITIES if c[1] == home)
    used: set[str] = set()

    def venue(
        kind: str, role: str, name: str, level: int, own: str, beds: int, street: int, region: str = home
    ) -> Venue:
        vid = _vid(w, r, kind)
        while vid in used:
            vid = _vid(w, r, kind)
        used.add(vid)
        v = Venue(len(w.venues), vid, name, kind, role, level, own, region, beds, street)
        w.venues.append(v)
        w.by_role.setdefault(role, []).append(v.idx)
        return v

    ns = k["streets"]
    for s in range(ns):
        w.streets.append(list(range(len(w.streets) * 0 + s * 100, s * 100 + r.randint(6, 14))))
    # compact the 小区 numbering
    nxq = 0
    for s in range(ns):
        cnt = len(w.streets[s])
        w.streets[s] = list(range(nxq, nxq + cnt))
        nxq += cnt
    w.xq_members = [[] for _ in range(nxq)]
    names3a = ["中山医院", "第六人民医院", "肿瘤医院", "龙华中医医院", "儿童医学中心", "第一人民医院", "胸科医院"]
    for i in range(k["tertiary"]):
        role = "tcm3a" if i == 3 else "child3a" if i == 4 else "3a"
        region = home if i < 3 or r.random() < 0.5 else r.choice(nbrs)  # 直辖市 people cross districts
        venue("hospital", role, names3a[i], 3, "public", r.randint(800, 2500), -1, region)
    for name in ["区中心医院", "区中医医院"][: r.randint(1, 2)]:
        venue("hospital", "district", name, 2, "public", r.randint(200, 600), r.randrange(ns))
    for s in range(ns):
        venue("community", "community", f"第{s + 1}街道社区卫生服务中心", 1, "public", r.choice([0, 0, 20, 40]), s)
    kinds = [
        "眼科医院",
        "口腔医院",
        "骨科医院",
        "康复医院",
        "妇产医院",
        "中西医结合医院",
        "老年病医院",
        "肛肠医院",
        "美华医院",
    ]
    for i in range(k["private_hospitals"]):
        venue(
            "hospital",
            "private_hosp",
            f"民营{kinds[i % len(kinds)]}",
            r.choice([0, 1, 1, 2]),
            "private",
            r.randint(20, 150),
            r.randrange(ns),
        )
    for s in range(ns):
        for j in range(max(1, round(k["clinics_per_street"] * (0.5 + r.random())))):
            venue("clinic", "clinic", f"{['中医', '综合', '康复', '口腔'][j % 4]}门诊部{s}-{j}", 0, "private", 0, s)
    venue("specialty", "imaging", "独立医学影像中心", 0, "private", 0, r.randrange(ns))
    venue("specialty", "dialysis", "连锁血液透析中心", 0, "private", 0, r.randrange(ns))
    venue("specialty", "checkup", "健康体检中心", 0, "private", 0, r.randrange(ns))
    for i in range(2):
        venue("clinic", "home_clinic", f"养老院内设医务室{i + 1}", 0, "private", 0, r.randrange(ns))
    # 互联网医院: two hospitals' own and one platform (its own code, kind hospital)
    for h in w.by_role["3a"][:2]:
        v = venue("hospital", "internet", f"{w.venues[h].name}互联网医院", 3, "public", 0, -1, w.venues[h].region)
        v.parent = h
    venue("hospital", "internet", "平台互联网医院", 0, "private", 0, -1)
    # doctors
    for v in w.venues:
        if v.kind == "pharmacy":
            continue
        n = {
            "3a": r.randint(70, 160),
            "tcm3a": r.randint(40, 80),
            "child3a": r.randint(30, 60),
            "district": r.randint(25, 60),
            "community": r.randint(4, 10),
            "private_hosp": r.randint(4, 15),
            "clinic": r.randint(1, 4),
            "imaging": 3,
            "dialysis": 3,
            "checkup": 4,
            "home_clinic": r.randint(1, 2),
            "internet": r.randint(8, 25),
        }[v.role]
        for j in range(n):
            dept = (
                r.choices(DEPTS, DEPT_W)[0]
                if v.role in ("3a", "district", "internet", "private_hosp")
                else "中医科"
                if v.role == "tcm3a"
                else "儿科"
                if v.role == "child3a"
                else {"imaging": "放射科", "dialysis": "肾内科", "checkup": "体检科"}.get(v.role, "全科")
            )
            add_doctor(w, r, v, dept)
        v.terms = max(1, len(v.doctors) // 15 + (1 if v.role != "clinic" else 0))
    # pharmacies
    for s in range(ns):
        for j in range(max(2, round(k["pharmacies_per_street"] * (0.6 + 0.8 * r.random())))):
            chain = r.choice(CHAINS) if r.random() < 0.65 else ""
            v = venue("pharmacy", "pharmacy", f"{chain or '个体'}药店{s}-{j}", 0, "private", 0, s)
            v.chain = chain
            v.pooled = r.random() < k["pooled_share"] * (1.0 if chain else 0.6)
            v.terms = r.randint(1, 2)
    hosps = w.by_role["3a"] + w.by_role.get("tcm3a", []) + w.by_role.get("child3a", []) + w.by_role["district"]
    shops = w.by_role["pharmacy"]
    for h in hosps:
        near = [
            venue(
                "pharmacy", "near_shop", f"{w.venues[h].name}院边店{j + 1}", 0, "private", 0, -1, w.venues[h].region
            ).idx
            for j in range(r.randint(1, 2))
        ]
        for p in near:
            w.venues[p].chain = r.choice(CHAINS)
            w.venues[p].pooled = r.random() < 0.7
        w.pharm_near[h] = near
    dtp = venue("pharmacy", "dtp", "双通道DTP药房", 0, "private", 0, -1)
    dtp.chain, dtp.pooled = "国大药房", True
    o2o = venue("pharmacy", "o2o", "O2O送药旗舰店", 0, "private", 0, -1)
    o2o.chain, o2o.pooled = "叮当快药", True
    assert shops


def add_doctor(w: World, r: random.Random, v: Venue, dept: str) -> Doctor:
    n = len(w.doctors)
    if w.knobs["doctor_ids"] == "national":
        did = f"D{w.knobs['district']}{n * 7 + 100003:06d}"
    else:
        did = f"{v.vid}-{len(v.doctors) + 1:03d}"
    d = Doctor(n, did, v.idx, dept, r.choice(["住院医师", "主治医师", "副主任医师", "主任医师"]), r.paretovariate(1.6))
    w.doctors.append(d)
    v.doctors.append(n)
    return d


# --------------------------------------------------------------------------------------------------- people


def _pid(w: World, r: random.Random, used: set[str]) -> str:
    while True:
        if w.knobs["person_ids"] == "b36":
            s = "".join(r.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(10))
        else:
            s = f"{r.randrange(10**9):012d}"
        if s not in used:
            used.add(s)
            return s


def build_people(w: World, n: int) -> None:
    k, r = w.knobs, w.rng("people")
    home = k["district"]
    nbrs = next(c[3] for c in CITIES if c[1] == home)
    used: set[str] = set()
    nxq = len(w.xq_members)
    ref = w.start
    xq_street = [s for s, xs in enumerate(w.streets) for _ in xs]
    el = k["elder_share"]
    types = [
        ("old_couple", 2.0 * el),
        ("old_alone", 1.6 * el),
        ("young_family", 0.3),
        ("three_gen", 0.12 + el / 2),
        ("single", 0.22),
        ("couple", 0.2),
    ]
    alpha = k["lomax_alpha"]

    def age_of(kind: str, role: int) -> int:
        if kind in ("old_couple", "old_alone"):
            return r.randint(60, 95) if r.random() < 0.8 else r.randint(55, 64)
        if kind == "single":
            return r.randint(19, 45)
        if kind == "couple":
            return r.randint(28, 64)
        if kind == "young_family":
            return r.randint(28, 45) if role < 2 else r.randint(0, 17)
        return (r.randint(62, 90), r.randint(32, 58), r.randint(0, 20))[min(role // 2, 2)]

    while len(w.persons) < n:
        kind = r.choices([t for t, _ in types], [x for _, x in types])[0]
        size = {
            "old_couple": 2,
            "old_alone": 1,
            "single": 1,
            "couple": 2,
            "young_family": r.choice([3, 3, 4]),
            "three_gen": r.choice([4, 5, 6]),
        }[kind]
        size = min(size, n - len(w.persons))
        xq = r.randrange(nxq)
        hh = len(w.households)
        w.households.append([])
        addr = hashlib.sha1(f"{w.seed}-addr-{hh}".encode()).hexdigest()[:16]
        house_phone_owner = -1
        for role in range(size):
            age = age_of(kind, role)
            sex = ("M", "F")[role % 2] if role < 2 and kind != "single" else r.choice("MF")
            birth = ref - timedelta(days=age * 365 + r.randrange(365))
            worker = 18 <= age < 60 and r.random() < k["employee_share"]
            retiree = age >= 60 and r.random() < k["employee_share"] * 0.85
            itype = "employee" if worker or retiree else "resident"
            u = r.random()
            region = (
                home
                if u > k["other_district_share"] + k["away_share"]
                else r.choice(nbrs)
                if u > k["away_share"]
                else r.choice(AWAY)
            )
            idx = len(w.persons)
            own_phone = 12 <= age < 80 or (age >= 80 and r.random() < 0.4)
            if own_phone or house_phone_owner < 0:
                phone = hashlib.sha1(f"{w.seed}-ph-{idx}".encode()).hexdigest()[:20]
                if own_phone and 18 <= age < 70 and house_phone_owner < 0:
                    house_phone_owner = idx
            else:
                phone = w.persons[house_phone_owner].phone
            p = Person(idx, _pid(w, r, used), sex, birth, age, region, itype, phone, addr, hh, xq_street[xq], xq)
            u = max(r.random(), 1e-9)
            p.prop = min(12.0, (u ** (-1.0 / alpha) - 1.0) * (alpha - 1.0))  # Lomax with mean 1 (heavy tail)
            w.persons.append(p)
            w.households[hh].append(idx)
            w.xq_members[xq].append(idx)
    # mortality inside the window
    for p in w.persons:
        q = 0.0005 if p.age < 50 else 0.004 if p.age < 65 else 0.015 if p.age < 75 else 0.045 if p.age < 85 else 0.11
        if r.random() < q * w.days / 365:
            p.death = r.randrange(w.days)


# --------------------------------------------------------------------------------------------------- calendar


def spring_festival(year: int) -> date:
    return {2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6)}[year]


def build_calendar(w: World) -> None:
    sfs = [spring_festival(y) for y in (w.start.year, w.start.year + 1, w.start.year + 2) if y <= 2027]
    sf = next(((d - w.start).days for d in sfs if 0 <= (d - w.start).days < w.days), -100)
    w.sf = (sf - 1, sf + 6)
    for i in range(w.days):
        d = w.start + timedelta(days=i)
        wd = d.weekday()
        f = [1.2, 1.05, 1.0, 1.0, 0.95, 0.55, 0.35][wd]
        if w.sf[0] <= i <= w.sf[1]:
            f *= 0.3
        elif (d.month, d.day) >= (10, 1) and (d.month, d.day) <= (10, 7):
            f *= 0.45
        if d.month in (12, 1, 2):
            f *= 1.2
        w.dayw.append(f)
        w.wd.append(wd)


def pick_day(w: World, r: random.Random, lo: int = 0, hi: int | None = None) -> int:
    hi = w.days if hi is None else hi
    while True:
        d = r.randrange(lo, hi)
        if r.random() * 1.45 < w.dayw[d]:
            return d


def tod(r: random.Random, role: str) -> int:
    """Second of day at which a visit of this kind of venue is settled."""
    if role in ("3a", "tcm3a", "child3a", "district"):
        if r.random() < 0.03:  # 急诊 at night
            return r.randrange(0, 7 * 3600) if r.random() < 0.5 else r.randrange(19 * 3600, DAY)
        slot = r.choice(
            [8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0, 13.5, 14.0, 14.5, 15.0, 15.5, 16.0]
        )  # 预约挂号 half-hour slots
        return int(slot * 3600 + r.uniform(-600, 2400))
    if role in ("community", "home_clinic"):
        return int(r.choice([8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 13.5, 14.5, 15.5]) * 3600 + r.uniform(0, 1800))
    if role == "internet":
        return int(r.choices([r.uniform(7, 12), r.uniform(12, 19), r.uniform(19, 23.5)], [3, 3, 4])[0] * 3600)
    if role in ("pharmacy", "near_shop", "dtp", "o2o"):
        return int(r.choices([r.uniform(8, 12), r.uniform(12, 17), r.uniform(17, 22)], [4, 3, 4])[0] * 3600)
    return int(r.uniform(8.5, 20.5) * 3600)


# --------------------------------------------------------------------------------------------------- ordinary care


def ordinary_care(w: World) -> None:
    k = w.knobs
    V, roles = w.venues, w.by_role
    big = roles["3a"] + roles["tcm3a"]
    clinics = roles["clinic"]
    cl_pop = [random.Random(f"{w.seed}-clpop-{c}").paretovariate(1.2) for c in clinics]
    privh = roles["private_hosp"]
    shops_by_street: dict[int, list[int]] = {}
    for sh in roles["pharmacy"]:
        shops_by_street.setdefault(V[sh].street, []).append(sh)
    community = roles["community"]
    internet = roles["internet"]
    doc_w = {v.idx: [w.doctors[d].pop for d in v.doctors] for v in V if v.doctors}
    rate_age = [(7, 5.0), (18, 2.0), (45, 2.2), (60, 3.2), (75, 5.0), (200, 6.5)]
    acute_adm = [(18, 0.02), (45, 0.03), (60, 0.06), (75, 0.14), (200, 0.28)]
    ndays = w.days
    for p in w.persons:
        r = w.rng("care", p.idx)
        last = ndays if p.death is None else p.death
        if last <= 0:
            continue
        # stays first: no outpatient visits while in hospital
        ar = next(x for a, x in acute_adm if p.age < a) * k["admit_mult"] * min(p.prop, 4.0)
        for _ in range(_poisson(r, ar * last / 365)):
            d0 = pick_day(w, r, 0, last)
            los = max(1, min(40, round(math.exp(r.gauss(math.log(6), 0.55)))))
            if p.death is not None:
                los = min(los, p.death - d0)  # died in hospital: discharged on the day of death
            if los < 1 or any(a - 2 <= d0 <= b + 2 for a, b in p.stays) or d0 + los >= ndays:
                continue
            h = r.choice(big + big + roles["district"] + privh)
            stay_claim(w, r, p.idx, h, d0, los, "")
        wts = {
            "community": (1.5 if p.age >= 55 else 0.7) * r.uniform(0.2, 1.8),
            "clinic": r.uniform(0.1, 1.2),
            "big": k["tertiary_pull"] * 3 * r.uniform(0.4, 1.6) + (1.0 if p.age < 14 else 0.0),
            "district": r.uniform(0.1, 0.8),
            "private": r.uniform(0.0, 0.35),
            "internet": k["internet_share"] * 8 * (0.3 if p.age > 75 else 1.0) * r.random(),
            "pharmacy": (1.6 if p.itype == "employee" else 0.6) * r.uniform(0.3, 1.7),
        }
        myclinic = r.choices(clinics, cl_pop)[0] if r.random() < 0.6 else r.choice(clinics)
        my3a = r.sample(big, 2)
        if p.age < 14:
            my3a = roles.get("child3a", []) + my3a[:1] if roles.get("child3a", []) else my3a
        myshops = r.sample(
            shops_by_street.get(p.street, roles["pharmacy"]),
            min(2, len(shops_by_street.get(p.street, roles["pharmacy"]))),
        )
        if r.random() < 0.3:
            myshops.append(r.choice(roles["pharmacy"]))
        mycomm = community[p.street]
        usual = {mycomm: r.choice(V[mycomm].doctors), myclinic: r.choice(V[myclinic].doctors)}
        mydist = r.choice(roles["district"])
        holders = [
            i for i in w.households[p.hh] if i != p.idx and w.persons[i].itype == "employee" and 18 <= w.persons[i].age
        ]
        helper = holders[0] if holders and p.itype == "resident" else -1
        base = next(x for a, x in rate_age if p.age < a) * k["episode_mult"] * p.prop
        for _ in range(_poisson(r, base * last / 365)):
            cls = r.choices(list(wts), list(wts.values()))[0]
            aid = (
                helper if helper >= 0 and r.random() < k["mutual_aid"] else -1
            )  # 家庭共济: a working relative's account pays
            if cls == "pharmacy":
                d = pick_day(w, r, 0, last)
                if p.in_stay(d):
                    continue
                shop = r.choice(myshops)
                pharmacy_claim(
                    w, r, p.idx, shop, d, r.sample(ACUTE_DRUGS + CHRONIC_DRUGS, r.randint(1, 3)), aid, rx=False
                )
                continue
            v = {
                "community": mycomm,
                "clinic": myclinic,
                "district": mydist,
                "private": r.choice(privh + clinics),
                "internet": r.choice(internet),
                "big": r.choice(my3a),
            }[cls]
            doc = usual.get(v)
            if doc is None:
                doc = r.choices(V[v].doctors, doc_w[v])[0]
            d = pick_day(w, r, 0, last)
            diag = r.choice(DIAG_ACUTE)
            n_visits = 1
            while r.random() < k["revisit_p"] and n_visits < 5:
                n_visits += 1
            for _j in range(n_visits):
                if d >= last or p.in_stay(d):
                    break
                visit(w, r, p.idx, v, doc, d, diag, aid, myshops)
                d += r.randint(2, 10)
        # chronic follow-ups (长处方 at the community centre, the 3A's specialist or the 互联网医院 renewal)
        if p.age >= 50 and r.random() < k["chronic_share"] * (0.6 if p.age < 60 else 1.2):
            cond = r.choice(["ht", "ht", "dm", "chd"])
            mode = r.choices(["community", "big", "internet"], [6, 3, 1.5])[0]
            v = {"community": mycomm, "big": my3a[0], "internet": r.choice(internet)}[mode]
            doc = usual.get(v) or r.choices(V[v].doctors, doc_w[v])[0]
            gap = k["long_rx_days"] if mode == "community" else 28 if mode == "big" else r.choice([28, 30])
            vt = (
                k["chronic_coding"]
                if k["chronic_coding"] != "mixed"
                else ("chronic" if r.random() < 0.5 else "outpatient")
            )
            d = r.randrange(gap)
            aid = helper if helper >= 0 and r.random() < k["mutual_aid"] else -1
            while d < last:
                if not p.in_stay(d) and w.dayw[d] > 0.3:
                    items = [item(r, "001101000010000")] + [
                        item(r, c, mult=gap / 28) for c in r.sample(CHRONIC_DRUGS, r.randint(1, 2))
                    ]
                    t = d * DAY + tod(r, V[v].role)
                    w.claims.append(Claim(p.idx, v, doc, vt, t, items, DIAG_CHRONIC[cond], holder=aid))
                    if V[v].role == "internet":
                        fill = t + r.randint(1800, 20 * 3600)
                        if fill // DAY < last:
                            shop = roles["o2o"][0] if r.random() < 0.5 else r.choice(myshops)  # the platform's dispatch
                            pharmacy_at(w, r, p.idx, shop, fill, list(items[1:]), aid, rx=True, doctor=doc)
                d += gap + r.randint(-3, 6)


def _poisson(r: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(r.gauss(lam, math.sqrt(lam))))
    n, p, L = 0, 1.0, math.exp(-lam)
    while True:
        p *= r.random()
        if p < L:
            return n
        n += 1


def visit(
    w: World,
    r: random.Random,
    pi: int,
    v: int,
    doc: int,
    d: int,
    diag: str,
    holder: int = -1,
    shops: list[int] | None = None,
) -> None:
    V, k = w.venues, w.knobs
    role = V[v].role
    t = d * DAY + tod(r, role)
    fee = (
        "001101000020000"
        if role in ("3a", "tcm3a") and r.random() < 0.4
        else "001102000010000"
        if role == "internet"
        else "001101000010000"
    )
    items = [item(r, fee)] + [item(r, c) for c in r.sample(ACUTE_DRUGS, r.randint(0 if role == "internet" else 1, 2))]
    if role == "tcm3a" or (role == "clinic" and "中医" in V[v].name and r.random() < 0.5):
        items.append(item(r, "T00000000000001"))
    if role in ("3a", "district", "child3a") and r.random() < 0.35:
        items.append(item(r, r.choice(["250101001", "250302001", "220201001", "310701001"])))
    w.claims.append(Claim(pi, v, doc, "outpatient", t, items, diag, holder=holder, term=r.randrange(V[v].terms)))
    if role in ("3a", "tcm3a", "child3a", "district"):
        if r.random() < k["lab_share"]:  # a separate lab / imaging settlement later that day
            t2 = t + r.randint(1200, 7200)
            if t2 // DAY == d:
                lab = r.choice(["250302001", "210102015", "220201001", "250310003"])
                w.claims.append(
                    Claim(
                        pi, v, doc, "outpatient", t2, [item(r, lab)], diag, holder=holder, term=r.randrange(V[v].terms)
                    )
                )
        if r.random() < k["fill_share"]:
            near = w.pharm_near.get(v, [])
            shop = r.choice(near) if near and r.random() < 0.6 else r.choice(w.by_role["pharmacy"])
            pharmacy_at(
                w,
                r,
                pi,
                shop,
                t + r.randint(600, 4 * 3600),
                [item(r, c) for c in r.sample(ACUTE_DRUGS, 1)],
                holder,
                rx=True,
                doctor=doc,
            )
    elif role == "internet" and r.random() < 0.8:  # delivered by the flagship or by a shop near home (dispatch)
        pharmacy_at(
            w,
            r,
            pi,
            w.by_role["o2o"][0] if r.random() < 0.5 or not shops else r.choice(shops),
            t + r.randint(1800, 8 * 3600),
            [item(r, c) for c in r.sample(ACUTE_DRUGS, 2)],
            holder,
            rx=True,
            doctor=doc,
        )


def pharmacy_claim(
    w: World, r: random.Random, pi: int, shop: int, d: int, codes: list[str], holder: int, rx: bool
) -> None:
    pharmacy_at(w, r, pi, shop, d * DAY + tod(r, "pharmacy"), [item(r, c) for c in codes], holder, rx)


def pharmacy_at(
    w: World,
    r: random.Random,
    pi: int,
    shop: int,
    t: int,
    items: list,
    holder: int,
    rx: bool,
    doctor: int = -1,
    tag: str = "",
    term: int = -1,
) -> Claim | None:
    if t // DAY >= w.days:
        return None
    v = w.venues[shop]
    c = Claim(
        pi,
        shop,
        doctor if w.knobs["pharmacy_doctor"] else -1,
        "pharmacy",
        t,
        items,
        "",
        holder=holder,
        term=r.randrange(v.terms) if term < 0 else term,
        tag=tag + ("rx" if rx else ""),
    )
    w.claims.append(c)
    return c


def stay_claim(
    w: World, r: random.Random, pi: int, h: int, d0: int, los: int, tag: str, pad: float = 1.0, doc: int = -1
) -> Claim:
    V = w.venues
    p = w.persons[pi]
    if doc < 0:
        doc = r.choice(V[h].doctors)
    t0 = d0 * DAY + int(r.uniform(8, 17) * 3600)
    t1 = (d0 + los) * DAY + int(r.uniform(9, 16) * 3600)
    items = [item(r, "120100001", los), item(r, "110200002" if pad < 1.5 else "110200001", los)]
    items += [item(r, c, mult=los / 7) for c in r.sample(ACUTE_DRUGS + CHRONIC_DRUGS, r.randint(2, 4))]
    items += [item(r, "250101001"), item(r, "250302001"), item(r, r.choice(["210102015", "220201001", "310701001"]))]
    items += [item(r, "310000015", los * r.randint(1, 2)), item(r, "C01010101001", los)]
    if pad > 1.0:
        items += [
            item(r, "340200011", round(los * pad)),
            item(r, "430000001", round(los * pad)),
            item(r, "ZA12HAX0123010", mult=pad),
        ]
    c = Claim(
        pi,
        h,
        doc,
        "inpatient",
        t0,
        items,
        r.choice(["J18.900", "I63.900", "I25.100", "K80.200", "M51.202", "S72.000"]),
        end=t1,
        tag=tag,
    )
    w.claims.append(c)
    p.stays.append((d0, d0 + los))
    return c


# --------------------------------------------------------------------------------------------------- money and export


def fund_of(w: World, c: Claim, total: float) -> tuple[float, float]:
    p = w.persons[c.holder if c.holder >= 0 else c.patient]
    v = w.venues[c.venue]
    emp = p.itype == "employee"
    if c.fund >= 0:
        f = round(min(total, total * c.fund), 2)
    elif c.vtype == "inpatient":
        ded = {3: 1200, 2: 800, 1: 400, 0: 700}[v.level]
        f = round(max(0.0, total - ded) * ((0.85 if emp else 0.7) if v.level >= 2 else (0.9 if emp else 0.8)), 2)
    elif c.vtype == "chronic":
        f = round(total * (0.75 if emp else 0.65), 2)
    elif c.vtype == "pharmacy":
        f = round(total * 0.5, 2) if v.pooled and "rx" in c.tag else 0.0
    else:
        ratio = {3: 0.55, 2: 0.62, 1: 0.7, 0: 0.5}[v.level] + (0.12 if emp else 0.0)
        f = round(total * ratio, 2) if total > 15 else 0.0
    acct = round((total - f) * (0.9 if c.vtype == "pharmacy" else 0.6), 2) if emp else 0.0
    return f, acct


def _fmt_time(w: World, t: int) -> str:
    d = datetime.combine(w.start, datetime.min.time()) + timedelta(seconds=t)
    m = w.knobs["time_mode"]
    if m == "date":
        return d.strftime("%Y-%m-%d")
    s = w.knobs["sep"]
    if m == "minute":
        return d.strftime(f"%Y-%m-%d{s}%H:%M")
    if m == "millis":
        return d.strftime(f"%Y-%m-%d{s}%H:%M:%S") + f".{(t * 7919) % 1000:03d}"
    return d.strftime(f"%Y-%m-%d{s}%H:%M:%S")


def _price(w: World, x: float) -> str:
    return f"{x:.4f}" if w.knobs["price_decimals"] == 4 else f"{x:.2f}"


def _write(w: World, out: Path, name: str, header: list[str], rows: list[list[Any]]) -> None:
    k = w.knobs
    keep = kept_columns(name, header, k["drop"])
    if k["shuffle_columns"]:
        rr = w.rng("cols", name)
        keep = keep[:1] + rr.sample(keep[1:], len(keep) - 1)
    write_csv(out / f"{name}.csv", header, rows, columns=keep, bom=k["bom"], crlf=k["crlf"], quote_all=k["quote_all"])


def write_world(w: World, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    k = w.knobs
    extra = k["extra_columns"]
    alive = [p for p in w.persons]
    # persons
    hdr = ["person_id", "sex", "birth_year" if k["birth_year"] else "birth_date", "region", "insured_type"]
    if k["phones"] != "none":
        hdr.append("phone")
    if k["addresses"] != "none":
        hdr.append("address")
    hdr.append("death_date")
    if extra:
        hdr += ["psn_cert_type", "insutype"]
    rows = []
    for p in alive:
        row: list[Any] = [p.pid, p.sex, p.birth.year if k["birth_year"] else p.birth.isoformat(), p.region, p.itype]
        if k["phones"] == "hash":
            row.append(p.phone)
        elif k["phones"] == "last4":
            row.append("*******" + f"{int(p.phone[:8], 16) % 10000:04d}")
        if k["addresses"] == "household":
            row.append(p.addr)
        elif k["addresses"] == "building":  # a 楼栋-level key: 20-80 households of a 小区 share it
            row.append(hashlib.sha1(f"{w.seed}-bld-{p.xq}-{p.hh % 3}".encode()).hexdigest()[:12])
        row.append((w.start + timedelta(days=p.death)).isoformat() if p.death is not None else "")
        if extra:
            row += ["01", "310" if p.itype == "employee" else "390"]
        rows.append(row)
    _write(w, out, "persons", hdr, rows)
    # venues
    fac = [v for v in w.venues if v.kind != "pharmacy"]
    hdr = ["facility_id", "name", "kind", "level", "ownership", "region", "beds"] + (["hosp_lv_name"] if extra else [])
    _write(
        w,
        out,
        "facilities",
        hdr,
        [[v.vid, v.name, v.kind, v.level, v.own, v.region, v.beds] + ([f"{v.level}级"] if extra else []) for v in fac],
    )
    ph = [v for v in w.venues if v.kind == "pharmacy"]
    hdr = ["pharmacy_id", "name", "chain", "region"] + (["opsp_flag"] if extra else [])
    _write(
        w,
        out,
        "pharmacies",
        hdr,
        [[v.vid, v.name, v.chain, v.region] + (["1" if v.pooled else "0"] if extra else []) for v in ph],
    )
    hdr = ["doctor_id", "facility_id", "name", "title", "department"]
    _write(w, out, "doctors", hdr, [[d.did, w.venues[d.venue].vid, f"医师{d.idx}", d.title, d.dept] for d in w.doctors])
    # claims: order, ids
    cl = sorted(w.claims, key=lambda c: (c.start, c.patient, c.venue, c.vtype, c.end or 0))
    rid = w.rng("claim_ids")
    ids: list[str] = []
    seen: set[str] = set()
    for n, c in enumerate(cl):
        d = w.start + timedelta(days=c.start // DAY)
        if k["claim_ids"] == "uuid":
            h = "%032x" % rid.getrandbits(128)
            cid = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"
        elif k["claim_ids"] == "setl18":
            cid = f"{d:%Y%m%d}{n:010d}"
        else:
            cid = f"JS{k['district'][:2]}{n * 37 + rid.randrange(37):012d}"
        assert cid not in seen
        seen.add(cid)
        ids.append(cid)
    order = list(range(len(cl)))
    if k["row_order"] == "claim_id":
        order.sort(key=lambda i: ids[i])
    elif k["row_order"] == "venue":
        order.sort(key=lambda i: (w.venues[cl[i].venue].vid, cl[i].start))
    hdr = [
        "claim_id",
        "patient_id",
        "holder_id",
        "facility_id",
        "pharmacy_id",
        "doctor_id",
        "visit_type",
        "start_time",
        "end_time",
        "total_amount",
        "fund_amount",
        "account_amount",
        "diagnosis",
        "terminal_id",
    ]
    if k["holder"] == "none":
        hdr.remove("holder_id")
    if extra:
        hdr += ["med_type", "setl_time"]
    rt = w.rng("trace")
    trace_pool: list[str] = []
    P, V, D = w.persons, w.venues, w.doctors
    mt = {"outpatient": "11", "chronic": "14", "inpatient": "21", "pharmacy": "41"}
    by_time: list[list[Any]] = []
    items_by_time: list[list[list[Any]]] = []
    for i, c in enumerate(cl):  # in time order, so that a resold box follows its first sale
        cid = ids[i]
        total = 0.0
        lines: list[list[Any]] = []
        for code, qty, price in c.items:
            pr = round(price, 4 if k["price_decimals"] == 4 else 2)
            amt = round(qty * pr, 2)
            total += amt
            if k["items"]:
                trace = ""
                if k["trace_codes"] and CAT[code][1] == "drug":
                    if "resold" in c.tag and trace_pool:
                        trace = trace_pool.pop(rt.randrange(len(trace_pool)))
                    else:
                        trace = f"8{rt.randrange(10**19):019d}"
                        if "reseller" in c.tag and CAT[code][3] > 50:
                            trace_pool.append(trace)
                lines.append([cid, code, CAT[code][0], CAT[code][1], qty, _price(w, pr), f"{amt:.2f}", trace])
        total = round(total, 2)
        f, acct = fund_of(w, c, total)
        v = V[c.venue]
        holder = "" if c.holder < 0 else P[c.holder].pid
        if k["holder"] == "always" and not holder:
            holder = P[c.patient].pid
        row = [cid, P[c.patient].pid]
        if k["holder"] != "none":
            row.append(holder)
        row += [
            "" if v.kind == "pharmacy" else v.vid,
            v.vid if v.kind == "pharmacy" else "",
            D[c.doctor].did if c.doctor >= 0 else "",
            c.vtype,
            _fmt_time(w, c.start),
            _fmt_time(w, c.end) if c.end is not None else "",
            f"{total:.2f}",
            f"{f:.2f}",
            f"{acct:.2f}",
            c.diag,
            f"{v.vid}-T{c.term + 1}",
        ]
        if extra:
            row += [mt[c.vtype], _fmt_time(w, c.end if c.end is not None else c.start)]
        by_time.append(row)
        items_by_time.append(lines)
    rows = [by_time[i] for i in order]
    irows = [line for i in order for line in items_by_time[i]]
    _write(w, out, "claims", hdr, rows)
    if k["items"]:
        ih = ["claim_id", "item_code", "item_name", "category", "quantity", "unit_price", "amount"] + (
            ["trace_code"] if k["trace_codes"] else []
        )
        if not k["trace_codes"]:
            irows = [r[:7] for r in irows]
        _write(w, out, "claim_items", ih, irows)
    truth = {
        "generator": "fifthworld",
        "seed": w.seed,
        "knobs": k,
        "summary": summary(w),
        "rings": w.rings,
        "benign": w.benign,
    }
    (out / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8"
    )


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
        "visit_types": dict(sorted(vt.items())),
        "window": [w.start.isoformat(), (w.start + timedelta(days=w.days - 1)).isoformat()],
    }


# --------------------------------------------------------------------------------------------------- entry points


def build(seed: int, persons: int, override: dict | None = None) -> World:
    from benchmarks.fifthworld import plant

    k = draw_knobs(seed, persons, override)
    y, m, _ = (int(x) for x in k["start"].split("-"))
    start = date(y, m, 1)
    em = m - 1 + k["months"]
    end = date(y + em // 12, em % 12 + 1, 1)
    w = World(seed, k, start, (end - start).days)
    build_calendar(w)
    build_place(w)
    build_people(w, persons)
    plant.plant_all(w)  # groups pick their people (and move elders into homes) before ordinary care is drawn
    ordinary_care(w)
    plant.run_all(w)
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
    t0 = time.perf_counter()
    w = make(a.seed, a.persons, a.out)
    print(
        f"{a.out}: {len(w.persons)} persons, {len(w.claims)} claims, {len(w.rings)} rings, {len(w.benign)} benign groups, "
        f"{time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
