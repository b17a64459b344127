"""The county: townships and villages, their institutions, doctors, pharmacies and households."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np

from .model import Doctor, Person, Venue, World

TOWN_NAMES = "城关 白兔潭 王仙 泗汾 船湾 孙家湾 沩山 石亭 枫林 黄獭嘴 东富 官庄 明月 嘉树 浦口 均楚 茶山".split()
VILLAGE_NAMES = "桃源 新塘 杨柳 清水 石桥 龙潭 松树 高坪 长冲 大屋 荷花 金盆 凤形 枫树 柏树 黄泥 团山 双井".split()
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林"
DEPARTMENTS = ["内科", "外科", "儿科", "妇产科", "中医科", "康复科", "肾内科", "内分泌科", "心内科", "肿瘤科", "全科"]


def _h(*parts: object, n: int = 12) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:n]


def build_places(w: World) -> None:
    """Townships, villages, facilities, doctors and pharmacies of the county."""
    rng = w.rng(1)
    k = w.knobs
    c, city = w.region, k["city"]
    w.townships = [TOWN_NAMES[i] + ("镇" if i else "街道") for i in range(k["townships"])]
    serial = iter(range(100, 100000))

    def fid(prefix: str = "H", region: str = c) -> str:
        return f"{prefix}{region}{next(serial):05d}"

    def add(v: Venue, doctors: int, dept: str | list[str], title: str = "主治医师") -> Venue:
        w.venues[v.vid] = v
        for j in range(doctors):
            d = dept if isinstance(dept, str) else dept[j % len(dept)]
            did = f"D{v.region}{len(w.doctors) + 1:06d}"
            name = SURNAMES[int(rng.integers(len(SURNAMES)))] + "医生"
            w.doctors[did] = Doctor(did, v.vid, name, title if j else "副主任医师", d)
            v.doctors.append(did)
        v.terminals = [f"T{v.vid[1:]}{t:02d}" for t in range(1, 2 + min(6, doctors // 6))]
        return v

    lo, hi = k["villages_per_township"]
    for t, town in enumerate(w.townships):
        beds = int(rng.integers(20, 90))
        add(
            Venue(fid(), f"{k['county_name']}{town}卫生院", "community", 1, "public", c, beds, "township", t),
            int(rng.integers(5, 14)),
            ["全科", "内科", "中医科", "儿科", "康复科"],
        )
        if t == 0:
            continue  # the county town (城关) has no villages: its people use the county institutions
        for vi in range(int(rng.integers(lo, hi + 1))):
            name = town + VILLAGE_NAMES[(t * 7 + vi) % len(VILLAGE_NAMES)] + "村"
            w.villages.append((t, name))
            add(
                Venue(
                    fid(),
                    f"{name}卫生室",
                    "clinic",
                    0,
                    k["village_clinic_ownership"],
                    c,
                    0,
                    "village",
                    t,
                    len(w.villages) - 1,
                ),
                int(rng.integers(1, 3)),
                "全科",
                "乡村医生",
            )
    level = int(rng.choice([2, 3], p=[0.7, 0.3]))
    add(
        Venue(
            fid(),
            f"{k['county_name']}人民医院",
            "hospital",
            level,
            "public",
            c,
            int(rng.integers(400, 900)),
            "county",
            0,
        ),
        int(rng.integers(50, 90)),
        DEPARTMENTS,
    )
    add(
        Venue(fid(), f"{k['county_name']}中医医院", "hospital", 2, "public", c, int(rng.integers(150, 400)), "tcm", 0),
        int(rng.integers(20, 40)),
        ["中医科", "康复科", "针灸科", "内科"],
    )
    add(
        Venue(
            fid(), f"{k['county_name']}妇幼保健院", "specialty", 2, "public", c, int(rng.integers(60, 200)), "mch", 0
        ),
        int(rng.integers(12, 25)),
        ["儿科", "妇产科", "儿童保健科"],
    )
    for j in range(int(rng.integers(2, 4))):
        name = ["仁爱医院", "康复医院", "协和医院", "博爱医院"][j]
        add(
            Venue(
                fid(),
                f"{k['county_name']}{name}",
                "hospital",
                int(rng.choice([0, 1])),
                "private",
                c,
                int(rng.integers(60, 220)),
                "private_hosp",
                0,
            ),
            int(rng.integers(8, 20)),
            ["内科", "康复科", "外科", "中医科"],
        )
    for j in range(int(rng.integers(4, 9))):
        t = int(rng.integers(0, len(w.townships)))
        kind_name = ["中医诊所", "门诊部", "诊所", "理疗馆"][j % 4]
        add(
            Venue(
                fid(), f"{w.townships[t]}{SURNAMES[j]}氏{kind_name}", "clinic", 0, "private", c, 0, "private_clinic", t
            ),
            int(rng.integers(1, 4)),
            ["中医科", "全科"],
        )
    add(Venue(fid(region=city), f"{city}市中心医院", "hospital", 3, "public", city, 2000, "city"), 40, DEPARTMENTS)
    _multisite(w, rng)
    _pharmacies(w, rng)


def _multisite(w: World, rng: np.random.Generator) -> None:
    """多点执业: a share of the county hospitals' doctors also bill at private hospitals and clinics."""
    privates = w.by_role("private_hosp") + w.by_role("private_clinic")
    for v in w.by_role("county") + w.by_role("tcm"):
        for did in v.doctors:
            if rng.random() < w.knobs["multisite_share"]:
                sites = rng.choice(len(privates), size=int(rng.integers(1, 3)), replace=False)
                w.doctors[did].also_at = [privates[int(s)].vid for s in sorted(sites)]


def _pharmacies(w: World, rng: np.random.Generator) -> None:
    """Two or three local chains with shops in several townships, and single shops."""
    c = w.region
    serial = 200
    chains = [("C01", "康民大药房连锁"), ("C02", "百姓仁和药房连锁"), ("C03", "益寿堂医药连锁")][
        : int(rng.integers(2, 4))
    ]
    for cid, cname in chains:
        towns = rng.choice(len(w.townships), size=int(rng.integers(3, min(8, len(w.townships)) + 1)), replace=False)
        for t in sorted(int(x) for x in towns):
            serial += 1
            vid = f"P{c}{serial:05d}"
            w.venues[vid] = Venue(
                vid,
                f"{cname}{w.townships[t]}店",
                "pharmacy",
                0,
                "private",
                c,
                0,
                "pharmacy",
                t,
                chain=f"{cid}{c}",
                pooled=bool(rng.random() < w.knobs["pooled_pharmacy_share"]),
            )
    for t in range(len(w.townships)):
        for _ in range(int(rng.integers(1, 3))):
            serial += 1
            vid = f"P{c}{serial:05d}"
            w.venues[vid] = Venue(
                vid,
                f"{w.townships[t]}{SURNAMES[serial % 20]}记药店",
                "pharmacy",
                0,
                "private",
                c,
                0,
                "pharmacy",
                t,
                pooled=bool(rng.random() < w.knobs["pooled_pharmacy_share"] / 2),
            )
    for v in w.venues.values():
        if v.role == "pharmacy":
            v.terminals = [f"T{v.vid[1:]}{t:02d}" for t in range(1, int(rng.integers(2, 4)))]


def person_id(style: str, region: str, n: int) -> str:
    if style == "nhsa20":
        return f"{region[:2]}{'0' * 10}{n:08d}"
    if style == "padded10":
        return f"{n:010d}"
    return f"R{n:07d}"


def _phone(style: str, key: int) -> str:
    if style == "masked":
        h = int(_h("phone", key, n=8), 16)
        return f"1{3 + h % 7}{h // 7 % 10}****{h // 70 % 10000:04d}"
    return "PH" + _h("phone", key, n=16)


def build_people(w: World) -> None:
    """Households of the villages and the county town: 留守 elderly, migrants, families."""
    rng = w.rng(2)
    k = w.knobs
    n_target = k["persons"]
    start = w.start
    places = [(0, -1)] * 3 + [(t, v) for v, (t, _) in enumerate(w.villages)]  # the town weighs as three villages
    hh = 0
    while len(w.persons) < n_target:
        t, v = places[int(rng.integers(len(places)))]
        kind = rng.choice(["three_gen", "elderly", "young_family", "single"], p=[0.38, 0.27, 0.22, 0.13])
        ages: list[int] = []
        if kind in ("three_gen", "elderly"):
            ages += [int(rng.integers(58, 88)) for _ in range(int(rng.choice([1, 2], p=[0.3, 0.7])))]
        if kind in ("three_gen", "young_family"):
            ages += [int(rng.integers(24, 48)) for _ in range(int(rng.choice([1, 2], p=[0.25, 0.75])))]
            ages += [int(rng.integers(0, 17)) for _ in range(int(rng.choice([1, 2, 3], p=[0.4, 0.45, 0.15])))]
        if kind == "single":
            ages.append(int(rng.integers(18, 66)))
        address = "A" + _h("addr", t, v, hh)
        adults: list[int] = []
        for age in ages:
            i = len(w.persons)
            birth = start - dt.timedelta(days=int(age * 365.25 + rng.integers(0, 365)))
            away = 18 <= age <= 55 and rng.random() < k["migrant_share"]
            emp_share = k["employee_share_town"] if v < 0 else k["employee_share_village"]
            insured = "employee" if 22 <= age <= 62 and not away and rng.random() < emp_share else "resident"
            region = w.region
            if away and rng.random() < k["migrant_insured_at_work"]:
                region, insured = str(rng.choice(["440306", "441900", "320500", "330100"])), "employee"
            p = Person(
                i,
                person_id(k["id_style"], w.region, i + 1),
                str(rng.choice(["M", "F"])),
                birth,
                region,
                insured,
                t,
                v,
                hh,
                _phone(k["phone_style"], i),
                address,
                away=away,
            )
            if age >= 60 and rng.random() < k["chronic_share_60"]:
                p.chronic = True
            if 18 <= age <= 60:
                adults.append(i)
            w.persons.append(p)
        _bind_phones(w, rng, hh, adults)
        hh += 1
    del w.persons[n_target:]
    _deaths(w, rng)


def _bind_phones(w: World, rng: np.random.Generator, hh: int, adults: list[int]) -> None:
    """Children's and most elders' e-vouchers are bound to an adult child's phone (often a migrant's)."""
    members = [p for p in w.persons[-8:] if p.household == hh]
    for p in members:
        age = (w.start - p.birth).days // 365
        if age < 18 and adults:
            p.phone = w.persons[adults[0]].phone
        elif age >= 58 and rng.random() < w.knobs["elderly_phone_of_child"]:
            if adults:
                p.phone = w.persons[adults[int(rng.integers(len(adults)))]].phone
            elif len(w.persons) > 40:  # a child living in another household of the county
                p.phone = w.persons[int(rng.integers(len(w.persons) - 40))].phone


def _deaths(w: World, rng: np.random.Generator) -> None:
    for p in w.persons:
        age = (w.start - p.birth).days / 365.25
        q = 0.004 if age < 60 else 0.012 if age < 70 else 0.035 if age < 80 else 0.1
        if rng.random() < q * w.days / 365:
            p.death = w.day(int(rng.integers(0, w.days)))
