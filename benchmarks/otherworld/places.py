"""The city: districts and neighbourhoods, institutions of very different sizes, doctors, pharmacies, households."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .knobs import CITIES, Knobs

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏宇浩凯")
DEPARTMENTS = [
    "内科",
    "外科",
    "儿科",
    "妇产科",
    "眼科",
    "耳鼻喉科",
    "皮肤科",
    "中医科",
    "康复科",
    "肿瘤科",
    "心血管内科",
    "内分泌科",
    "肾内科",
    "体检中心",
    "急诊科",
    "全科",
]
CHAINS = [("LBX", "老百姓大药房"), ("DSL", "大参林"), ("YF", "益丰大药房"), ("YXT", "一心堂")]
OTHER_CITIES = ["350500", "350600", "360100", "430100", "450100", "510100", "520100"]


@dataclass
class City:
    """Everything fixed before the first claim: tables plus the lookup arrays the care models use."""

    districts: list[str]
    facilities: pd.DataFrame  # + internal: district (int), cls (calendar class), role
    doctors: pd.DataFrame  # + internal: fidx, dept
    pharmacies: pd.DataFrame  # + internal: district (int)
    persons: pd.DataFrame  # + internal: age, district, hood, household, death_day (-1 none)
    doc_start: np.ndarray  # first doctor row of each facility
    doc_count: np.ndarray
    adjacent_pharmacy: np.ndarray  # facility x 3 -> pharmacies next door (院边店; a small venue has one)
    pooled: np.ndarray  # pharmacy in 门诊统筹 (the fund pays there; elsewhere only the personal account)
    taken: set = field(default_factory=set)  # ("f"|"p"|"d", index) venues and doctors already running a scheme


def _name(rng: np.random.Generator) -> str:
    return str(rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN, size=int(rng.integers(1, 3))))


def _facilities(rng: np.random.Generator, knobs: Knobs, districts: list[str]) -> pd.DataFrame:
    cname = CITIES[knobs.city][0]
    scale = max(knobs.persons / 30000, 0.07)
    rows = []

    def add(d: int, role: str, kind: str, level: int, owner: str, beds: int, name: str) -> None:
        rows.append(
            {"district": d, "role": role, "kind": kind, "level": level, "ownership": owner, "beds": beds, "name": name}
        )

    bigs = rng.choice(len(districts), size=3 if scale >= 0.5 else 2, replace=False)
    for i, d in enumerate(bigs):
        add(int(d), "big", "hospital", 3, "public", int(rng.integers(1500, 3500)), f"{cname}市第{'一二三'[i]}医院")
    for d in range(len(districts)):
        add(d, "district", "hospital", 2, "public", int(rng.integers(200, 600)), f"{cname}市{districts[d]}区医院")
        for j in range(int(rng.integers(1, 3))):
            add(
                d,
                "community",
                "community",
                1,
                "public",
                int(rng.integers(0, 40)),
                f"{districts[d]}街道社区卫生服务中心{j + 1}",
            )
        if rng.random() < 0.7:
            add(
                d,
                "private_hospital",
                "hospital",
                1,
                "private",
                int(rng.integers(30, 120)),
                f"{cname}{_name(rng)[0]}康医院",
            )
        for j in range(max(2, int(rng.integers(8, 20) * scale**0.5))):
            add(d, "clinic", "clinic", 0, "private", 0, f"{_name(rng)}诊所")
    for role, kind, level, owner in [
        ("dialysis_center", "specialty", 0, "private"),
        ("rehab_center", "specialty", 1, "private"),
        ("tcm", "hospital", 2, "public"),
    ]:
        add(
            int(rng.integers(len(districts))),
            role,
            kind,
            level,
            owner,
            int(rng.integers(20, 300)),
            f"{cname}{ {'dialysis_center': '肾病透析中心', 'rehab_center': '康复医院', 'tcm': '中医院'}[role] }",
        )
    f = pd.DataFrame(rows)
    f["region"] = [districts[d] for d in f["district"]]
    nums = rng.choice(100000, size=len(f), replace=False)
    f["facility_id"] = [f"H{reg}{n:05d}" for reg, n in zip(f["region"], nums)]
    return f


def _doctors(rng: np.random.Generator, fac: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    sizes = {
        "big": (120, 260),
        "district": (30, 80),
        "community": (6, 16),
        "private_hospital": (5, 12),
        "clinic": (1, 4),
        "dialysis_center": (3, 6),
        "rehab_center": (5, 12),
        "tcm": (20, 40),
    }
    counts = np.array([int(rng.integers(*sizes[r])) for r in fac["role"]])
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    fidx = np.repeat(np.arange(len(fac)), counts)
    n = len(fidx)
    dept = rng.integers(0, len(DEPARTMENTS), n)
    roles = fac["role"].to_numpy()[fidx]
    dept[np.isin(roles, ["community", "clinic"])] = DEPARTMENTS.index("全科")
    dept[roles == "dialysis_center"] = DEPARTMENTS.index("肾内科")
    dept[roles == "rehab_center"] = DEPARTMENTS.index("康复科")
    dept[roles == "tcm"] = DEPARTMENTS.index("中医科")
    regions = fac["region"].to_numpy()[fidx]
    nums = rng.choice(1_000_000, size=n, replace=False)
    d = pd.DataFrame(
        {
            "doctor_id": [f"D{reg}{k:06d}" for reg, k in zip(regions, nums)],
            "facility_id": fac["facility_id"].to_numpy()[fidx],
            "name": [_name(rng) for _ in range(n)],
            "title": rng.choice(["医师", "主治医师", "副主任医师", "主任医师"], size=n, p=[0.35, 0.35, 0.2, 0.1]),
            "department": np.asarray(DEPARTMENTS)[dept],
            "fidx": fidx,
            "dept": dept,
        }
    )
    return d, start, counts


def _pharmacies(rng: np.random.Generator, knobs: Knobs, districts: list[str]) -> pd.DataFrame:
    scale = max(knobs.persons / 30000, 0.07)
    rows = []
    for d, reg in enumerate(districts):
        for j in range(max(3, int(rng.integers(6, 15) * scale**0.5))):
            if rng.random() < 0.55:
                code, brand = CHAINS[int(rng.integers(len(CHAINS)))]
                rows.append({"district": d, "chain": code, "name": f"{brand}({reg}{j + 1}店)", "region": reg})
            else:
                rows.append({"district": d, "chain": "", "name": f"{_name(rng)}大药房", "region": reg})
    p = pd.DataFrame(rows)
    nums = rng.choice(100000, size=len(p), replace=False)
    p["pharmacy_id"] = [f"P{reg}{n:05d}" for reg, n in zip(p["region"], nums)]
    return p


def _phone(rng: np.random.Generator, n: int, fmt: str) -> np.ndarray:
    if fmt == "masked":  # 3 + 4 digits kept: unrelated people share a value now and then
        pre = rng.choice(["138", "139", "135", "186", "159", "152", "188", "177"], size=n)
        return np.array([f"{a}****{b:04d}" for a, b in zip(pre, rng.integers(0, 10000, n))])
    return np.array([f"{v:016x}" for v in rng.integers(0, 2**62, n)])


def _persons(rng: np.random.Generator, knobs: Knobs, districts: list[str], year: int) -> pd.DataFrame:
    n_target = knobs.persons
    sizes = rng.choice([1, 2, 3, 4, 5, 6, 7], size=n_target, p=[0.14, 0.27, 0.25, 0.15, 0.11, 0.06, 0.02])
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n_target)) + 1]
    hh = np.repeat(np.arange(len(sizes)), sizes)[:n_target]
    pos = np.arange(n_target) - np.searchsorted(hh, hh)  # rank inside the household
    hsize = sizes[hh]
    n = n_target
    age = np.empty(n)
    elderly_couple = (rng.random(len(sizes)) < 0.5)[hh] & (hsize <= 2)
    young = (hsize <= 2) & ~elderly_couple
    age[elderly_couple] = rng.uniform(58, 92, elderly_couple.sum())
    age[young] = rng.uniform(20, 45, young.sum())
    fam = hsize >= 3
    adult = fam & (pos < 2)
    age[adult] = rng.uniform(28, 56, adult.sum())
    grand = fam & (pos >= 2) & (hsize >= 5) & (pos >= hsize - 2)
    age[grand] = rng.uniform(58, 90, grand.sum())
    child = fam & ~adult & ~grand
    age[child] = rng.uniform(0, 20, child.sum())
    hdistrict = rng.integers(0, len(districts), len(sizes))
    hhood = rng.integers(0, 12, len(sizes))
    district = hdistrict[hh]
    hood = district * 100 + hhood[hh]
    # phones: each adult has one; children and many elderly use an adult's
    own = _phone(rng, n, knobs.phone_format)
    head = np.searchsorted(hh, hh)  # first member of the household
    uses_other = child | (grand & (rng.random(n) < knobs.elder_shares_phone))
    phone = np.where(uses_other, own[head], own)
    phone = np.where((age > 75) & (rng.random(n) < 0.3) & ~uses_other, "", phone)
    addr = np.array([f"{v:016x}" for v in rng.integers(0, 2**62, len(sizes))])[hh]
    region = np.asarray(districts)[district]
    elsewhere = rng.random(n) < knobs.insured_elsewhere
    region = np.where(elsewhere, rng.choice(OTHER_CITIES, n), region)
    working = (age >= 20) & (age < 60)
    employee = np.where(working, rng.random(n) < 0.62, (age >= 60) & (rng.random(n) < 0.45))
    born = (np.datetime64(f"{year}-01-01") - (age * 365.25).astype("timedelta64[D]")).astype("datetime64[D]")
    ids = rng.choice(10**12, size=n, replace=False)
    prefix = knobs.city
    return pd.DataFrame(
        {
            "person_id": [f"{prefix}{v:012d}" for v in ids],
            "sex": rng.choice(["M", "F"], size=n),
            "birth_date": born.astype(str),
            "region": region,
            "insured_type": np.where(employee, "employee", "resident"),
            "phone": phone,
            "address": addr,
            "age": age,
            "district": district,
            "hood": hood,
            "household": hh,
        }
    )


def build_city(rng: np.random.Generator, knobs: Knobs) -> City:
    """Institutions, doctors, pharmacies and households of one world."""
    districts = CITIES[knobs.city][1]
    fac = _facilities(rng, knobs, districts)
    docs, start, count = _doctors(rng, fac)
    ph = _pharmacies(rng, knobs, districts)
    persons = _persons(rng, knobs, districts, knobs.year)
    # mortality over the window, steeply by age
    p_die = np.clip(0.0008 * np.exp((persons["age"].to_numpy() - 40) / 11), 0, 0.25) * knobs.days / 365
    dies = rng.random(len(persons)) < p_die
    persons["death_day"] = np.where(dies, rng.integers(0, knobs.days, len(persons)), -1)
    adj = np.empty((len(fac), 3), dtype=np.int64)
    for i, (d, r) in enumerate(zip(fac["district"], fac["role"])):
        near = rng.choice(np.flatnonzero(ph["district"].to_numpy() == d), 3)
        adj[i] = near if r in ("big", "district", "tcm") else near[0]
    pooled = rng.random(len(ph)) < rng.uniform(0.3, 0.7)
    return City(list(districts), fac, docs, ph, persons, start, count, adj, pooled)
