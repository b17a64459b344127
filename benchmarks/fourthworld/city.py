"""Places, people, the calendar and ordinary care of one prefecture city."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from typing import Any

from .knobs import CITIES
from .model import CATALOG, GROUPS, SPRING, Claim, Doctor, Person, Venue, World, h

DEPTS = [
    "内科",
    "外科",
    "儿科",
    "妇产科",
    "急诊科",
    "肿瘤科",
    "内分泌科",
    "风湿免疫科",
    "眼科",
    "心内科",
    "中医科",
    "康复科",
    "肾内科",
]
CHAINS = ["老百姓大药房", "益丰大药房", "国大药房", "漱玉平民", "本地连锁"]
TITLES = ["主任医师", "副主任医师", "主治医师", "医师"]
SURN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
DIAG = {
    "kid": ["J06.900", "J20.900", "A09.900", "J02.900", "L20.900"],
    "adult": ["J06.900", "K29.700", "M54.500", "N39.000", "J20.900", "R51.x00", "K30.x00"],
    "old": ["I10.x00", "E11.900", "I25.100", "J44.900", "M17.900", "I63.900", "K29.700"],
}


def _name(r: random.Random) -> str:
    return r.choice(SURN) + r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.6 else "")


def build_places(w: World) -> None:
    k = w.knobs
    _, _, urban, counties, _ = CITIES[k["city"]]
    w.districts = [(c, n, True) for c, n in urban[: k["urban_districts"]]] + [
        (c, n, False) for c, n in counties[: k["counties"]]
    ]
    r = random.Random(int(w.rng(1).integers(2**32)))
    seq = itertools.count(1)
    fmt = k["venue_ids"]

    def vid(region: str, pharmacy: bool, level: int) -> str:
        n = next(seq)
        national = fmt == "national" or (fmt == "mixed" and (pharmacy or level >= 2))
        if national:
            return f"{'P' if pharmacy else 'H'}{region}{n:05d}"
        return f"{(7 if pharmacy else 0)}{n:07d}"  # a legacy local code: 8 digits, leading zeros

    def venue(
        name: str,
        kind: str,
        level: int,
        own: str,
        d: int,
        beds: int,
        role: str,
        ndoc: int,
        depts: list[str] | None = None,
        weight: float = 1.0,
        chain: str = "",
        pooled: bool = False,
    ) -> Venue:
        region = w.districts[d][0]
        v = Venue(
            vid(region, kind == "pharmacy", level), name, kind, level, own, region, beds, role, d, chain, pooled, weight
        )
        v.terminals = [f"{v.vid}-{t:02d}" for t in range(1, (4 if level >= 2 else 2) + 1)]
        for j in range(ndoc):
            dept = depts[j % len(depts)] if depts else ("全科" if kind == "community" else "门诊")
            did = f"D{region}{len(w.doctors) + 1:06d}"
            w.doctors[did] = Doctor(did, v.vid, _name(r), r.choice(TITLES), dept)
            v.doctors.append(did)
            v.depts.setdefault(dept, []).append(did)
        w.venues[v.vid] = v
        return v

    cname = CITIES[k["city"]][0]
    venue(f"{cname}中心医院", "hospital", 3, "public", 0, r.randint(1500, 3000), "city3a", r.randint(90, 150), DEPTS)
    venue(
        f"{cname}中医医院",
        "hospital",
        3,
        "public",
        0,
        r.randint(600, 1200),
        "tcm",
        r.randint(40, 70),
        ["中医科", "针灸推拿科", "内科", "康复科"],
    )
    venue(
        f"{cname}妇幼保健院",
        "specialty",
        3,
        "public",
        0,
        r.randint(300, 700),
        "mch",
        r.randint(25, 45),
        ["儿科", "妇产科"],
    )
    venue(
        f"{cname}康复医院",
        "specialty",
        2,
        r.choice(["public", "private"]),
        min(1, len(w.districts) - 1),
        r.randint(150, 400),
        "rehab",
        r.randint(12, 25),
        ["康复科", "内科"],
    )
    for d, (code, dname, is_urban) in enumerate(w.districts):
        if is_urban:
            venue(
                f"{dname}人民医院",
                "hospital",
                2,
                "public",
                d,
                r.randint(300, 800),
                "district",
                r.randint(30, 55),
                DEPTS[:8] + ["中医科"],
            )
            for j in range(r.randint(3, 5)):
                venue(
                    f"{dname}第{j + 1}社区卫生服务中心",
                    "community",
                    1,
                    "public",
                    d,
                    r.randint(0, 30),
                    "community",
                    r.randint(3, 8),
                )
            for j in range(r.randint(6, 14)):
                venue(
                    f"{dname}{_name(r)}诊所",
                    "clinic",
                    0,
                    "private",
                    d,
                    0,
                    "clinic",
                    r.randint(1, 3),
                    weight=r.paretovariate(1.3),
                )
            if r.random() < 0.6:
                venue(
                    f"{dname}仁和医院",
                    "hospital",
                    1,
                    "private",
                    d,
                    r.randint(40, 120),
                    "private_hosp",
                    r.randint(6, 14),
                    ["内科", "外科", "康复科"],
                )
        else:
            venue(
                f"{dname}人民医院",
                "hospital",
                2,
                "public",
                d,
                r.randint(400, 900),
                "county",
                r.randint(30, 60),
                DEPTS[:8] + ["中医科", "肾内科"],
            )
            venue(
                f"{dname}中医院",
                "hospital",
                2,
                "public",
                d,
                r.randint(150, 400),
                "county_tcm",
                r.randint(15, 30),
                ["中医科", "针灸推拿科", "内科"],
            )
            for j in range(r.randint(3, 6)):
                venue(
                    f"{dname}第{j + 1}中心卫生院",
                    "community",
                    1,
                    "public",
                    d,
                    r.randint(20, 60),
                    "community",
                    r.randint(4, 9),
                )
            for j in range(r.randint(3, 8)):
                venue(
                    f"{dname}{_name(r)}诊所",
                    "clinic",
                    0,
                    "private",
                    d,
                    0,
                    "clinic",
                    r.randint(1, 2),
                    weight=r.paretovariate(1.3),
                )
            if r.random() < 0.5:
                venue(
                    f"{dname}博爱医院",
                    "hospital",
                    1,
                    "private",
                    d,
                    r.randint(30, 100),
                    "private_hosp",
                    r.randint(5, 10),
                    ["内科", "外科", "康复科"],
                )
        for j in range(r.randint(6, 14) if is_urban else r.randint(4, 8)):
            chain = r.choice(CHAINS[: r.randint(2, len(CHAINS))]) if r.random() < 0.6 else ""
            pooled = r.random() < k["pooled_pharmacies"] * (1.0 if chain else 0.6)
            venue(
                f"{chain or dname}{j + 1}店",
                "pharmacy",
                0,
                "private",
                d,
                0,
                "pharmacy",
                0,
                weight=r.paretovariate(1.6),
                chain=chain,
                pooled=pooled,
            )
    venue(f"{cname}中心医院双通道药房", "pharmacy", 0, "private", 0, 0, "dtp", 0, chain="国大药房", pooled=True)
    if "campus" in k["benign"]:
        venue("某学院校医院", "clinic", 1, "public", 0, 0, "campus", r.randint(4, 8))
    if "shift_clinic" in k["benign"]:
        venue("某工业园区企业医务室", "clinic", 0, "private", len(w.districts) - 1, 0, "factory", r.randint(2, 3))


def _age_birth(r: random.Random, start: dt.date, lo: int, hi: int) -> dt.date:
    return start - dt.timedelta(days=r.randint(lo * 365, hi * 365 + 364))


def build_people(w: World) -> None:
    k = w.knobs
    r = random.Random(int(w.rng(2).integers(2**32)))
    n = k["persons"]
    nd = len(w.districts)
    prov = CITIES[k["city"]][4]
    n_campus = min(n // 10, r.randint(300, 800)) if "campus" in k["benign"] else 0
    n_factory = min(n // 12, r.randint(150, 500)) if "shift_clinic" in k["benign"] else 0
    urban_idx = [d for d in range(nd) if w.districts[d][2]]
    rural_idx = [d for d in range(nd) if not w.districts[d][2]]

    def add(hh: int, lo: int, hi: int, d: int, insured: str | None, sex: str | None = None, group: str = "") -> int:
        i = len(w.persons)
        age_birth = _age_birth(r, w.start, lo, hi)
        age = (w.start - age_birth).days // 365
        if insured is None:
            base = k["employee_share"] * (1.3 if w.districts[d][2] else 0.6)
            insured = "employee" if 20 <= age and r.random() < (base if age < 60 else base * 0.8) else "resident"
        region = w.districts[d][0]
        if insured == "employee" and r.random() < k["provincial_share"]:
            region = prov
        p = Person(i, sex or r.choice("MF"), age_birth, region, insured, d, hh, "", "", group=group)
        w.persons.append(p)
        w.households[hh].append(i)
        return i

    def new_hh() -> int:
        w.households.append([])
        return len(w.households) - 1

    while len(w.persons) < n - n_campus - n_factory:
        d = r.choice(urban_idx) if r.random() < k["urban_share"] else r.choice(rural_idx)
        hh = new_hh()
        t = r.random()
        if t < 0.18:
            add(hh, 60, 88, d, None, "M"), add(hh, 58, 86, d, None, "F")
        elif t < 0.26:
            add(hh, 62, 95, d, None)
        elif t < 0.56:
            add(hh, 25, 45, d, None, "M"), add(hh, 24, 43, d, None, "F")
            for _ in range(r.randint(1, 2)):
                add(hh, 0, 17, d, "resident")
        elif t < 0.76:
            add(hh, 58, 85, d, None, "M"), add(hh, 56, 83, d, None, "F")
            add(hh, 28, 50, d, None, "M"), add(hh, 26, 48, d, None, "F")
            for _ in range(r.randint(1, 2)):
                add(hh, 0, 15, d, "resident")
        elif t < 0.9:
            add(hh, 20, 59, d, None)
        else:
            add(hh, 45, 65, d, None, "M"), add(hh, 44, 63, d, None, "F")
    while len(w.persons) > n - n_campus - n_factory:  # the last household is cut to the size asked for
        gone = w.persons.pop()
        w.households[gone.household].remove(gone.idx)
    # campus: dorm rooms of 4-6 students (the room is their registered 集体户 address)
    while n_campus > 0:
        hh = new_hh()
        sex = r.choice("MF")
        for _ in range(min(n_campus, r.randint(4, 6))):
            add(hh, 18, 22, 0, "resident", sex, "campus")
            n_campus -= 1
    # factory: workers, 40% in dorm buildings of 20-40 (one 集体户 address each), the rest in their own households
    dd = len(w.districts) - 1
    dorm = -1
    while n_factory > 0:
        if r.random() < 0.4:
            if dorm < 0 or len(w.households[dorm]) >= r.randint(20, 40):
                dorm = new_hh()
            add(dorm, 18, 45, dd, "employee", None, "factory")
        else:
            add(new_hh(), 22, 50, dd, "employee", None, "factory")
        n_factory -= 1
    # phones and addresses
    for hh, members in enumerate(w.households):
        addr = h(w.seed, "addr", hh)
        adults = [i for i in members if 18 <= w.age(i) < 60]
        for i in members:
            p = w.persons[i]
            p.address = addr
            age = w.age(i)
            own = h(w.seed, "phone", i)
            if age < 18:
                p.phone = h(w.seed, "phone", adults[0]) if adults else own
            elif age >= 60 and k["phones"] == "bound_hashed" and r.random() < 0.8:
                child = adults[0] if adults else r.randrange(len(w.persons))
                p.phone = h(w.seed, "phone", child)
            elif age >= 60 and r.random() < 0.4:
                child = adults[0] if adults else r.randrange(len(w.persons))
                p.phone = h(w.seed, "phone", child)
            else:
                p.phone = own
    # deaths, visit propensity, chronic disease
    end = w.day(w.days - 1)
    for p in w.persons:
        age = w.age(p.idx)
        q = 0.0 if age < 60 else 0.012 if age < 70 else 0.035 if age < 80 else 0.1
        if r.random() < 1 - (1 - q) ** (w.days / 365):
            p.death = w.day(r.randrange(w.days))
        base = 6 if age < 7 else 2 if age < 18 else 2.5 if age < 45 else 4 if age < 60 else 8 if age < 75 else 10
        p.rate = base * k["rate_scale"] * min(8.0, math.exp(r.gauss(0, k["rate_sigma"]) - k["rate_sigma"] ** 2 / 2))
        p.chronic = age >= 45 and r.random() < k["chronic_share"] * (0.5 if age < 60 else 1.3)
    assert all(p.death is None or p.death <= end for p in w.persons)
    ids = k["person_ids"]
    for p in w.persons:
        if ids == "hex32":
            p.pid = h(w.seed, "psn", p.idx, n=32)
        elif ids == "card9":
            p.pid = "ABCDEFGHJK"[p.idx % 10] + f"{(p.idx * 7919 + w.seed * 104729) % 10**8:08d}"
        else:
            p.pid = f"{p.region}{w.seed % 1000:03d}{p.idx:011d}"
    assert len({p.pid for p in w.persons}) == len(w.persons)


# ---------------------------------------------------------------------------------------------- calendar


class Calendar:
    """Cumulative day weights per venue class, and times of day."""

    WEEK = {
        "hosp": [1.3, 1.1, 1.05, 1.0, 1.0, 0.6, 0.45],
        "community": [1.2, 1.1, 1.1, 1.05, 1.0, 0.5, 0.3],
        "clinic": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9],
        "pharmacy": [0.95, 0.95, 0.95, 0.95, 1.0, 1.15, 1.1],
        "campus": [1.2, 1.2, 1.2, 1.1, 1.0, 0.3, 0.3],
        "factory": [1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.8],
    }

    def __init__(self, w: World) -> None:
        self.w = w
        self.cum: dict[str, list[float]] = {}
        for cls, week in self.WEEK.items():
            ws = []
            for i in range(w.days):
                d = w.day(i)
                x = week[d.weekday()]
                if d.month in (12, 1, 2):
                    x *= 1.25
                elif d.month in (7, 8):
                    x *= 0.9 if cls != "campus" else 0.05  # 暑假: the students are away
                sf = SPRING.get(d.year)
                if sf and -3 <= (d - sf).days <= 6:
                    x *= 0.6 if cls == "pharmacy" else 0.25
                if cls == "campus" and sf and -25 <= (d - sf).days <= 15:
                    x *= 0.05  # 寒假
                if d.month == 10 and d.day <= 7:
                    x *= 0.7 if cls == "pharmacy" else 0.4
                ws.append(x)
            self.cum[cls] = list(itertools.accumulate(ws))

    def day(self, r: random.Random, cls: str) -> int:
        c = self.cum[cls]
        return bisect.bisect_left(c, r.random() * c[-1])

    @staticmethod
    def seconds(r: random.Random, cls: str) -> int:
        u = r.random()
        if cls in ("hosp", "community"):
            if cls == "hosp" and u < 0.03:
                return r.randrange(86400)  # night emergency
            hr = r.gauss(9.3, 1.1) if u < 0.68 else r.gauss(15.0, 1.0)
            hr = min(max(hr, 7.5), 17.6)
        elif cls == "clinic":
            hr = r.uniform(8, 21) if u < 0.7 else r.gauss(19.0, 1.0)
            hr = min(max(hr, 7.8), 21.8)
        elif cls == "campus":
            hr = r.choice([10.0, 12.1, 17.2, 20.0]) + r.uniform(0, 1.2)
        elif cls == "factory":
            hr = (r.choice([7.6, 15.6, 23.6]) + r.uniform(0, 1.1)) % 24  # shift changes, one at midnight
        else:
            hr = r.gauss(10.5, 1.5) if u < 0.45 else r.gauss(19.0, 1.3) if u < 0.8 else r.uniform(8, 22)
            hr = min(max(hr, 8.0), 21.9)
        return int(hr * 3600) + r.randrange(60)

    def at(self, i: int, sec: int) -> dt.datetime:
        return dt.datetime.combine(self.w.day(i), dt.time()) + dt.timedelta(seconds=sec)


# ---------------------------------------------------------------------------------------------- fee lines


def lines(r: random.Random, group: str, n: int = 1, qty: tuple[int, int] = (1, 3)) -> list[tuple[str, float, float]]:
    codes = GROUPS[group]
    return [(c, float(r.randint(*qty)), CATALOG[c][2]) for c in r.sample(codes, min(n, len(codes)))]


def visit_items(r: random.Random, level: int, age: int) -> list[tuple[str, float, float]]:
    it = lines(r, "reg", 1, (1, 1))
    if level >= 1 and r.random() < 0.4:
        it += lines(r, "lab", r.randint(1, 2), (1, 1))
    if level >= 2 and r.random() < 0.2:
        it += lines(r, "exam", 1, (1, 1))
    it += lines(r, "chronic_drug" if age >= 55 and r.random() < 0.4 else "common_drug", r.randint(1, 2), (6, 36))
    if r.random() < 0.25:
        it += lines(r, "patent_drug", 1, (12, 48))
    if r.random() < 0.1:
        it += lines(r, "consumable", 1, (1, 4))
    return it


def diag(r: random.Random, age: int) -> str:
    return r.choice(DIAG["kid" if age < 18 else "adult" if age < 55 else "old"])


# ---------------------------------------------------------------------------------------------- ordinary care


class Care:
    """Each person's usual venues and helpers to add claims."""

    def __init__(self, w: World) -> None:
        self.w = w
        self.cal = Calendar(w)
        self.r = random.Random(int(w.rng(3).integers(2**32)))
        r = self.r
        by = lambda role, d=None: w.by_role(role, d)  # noqa: E731
        self.city3a = by("city3a")[0]
        self.tcm = by("tcm")[0]
        self.mch = by("mch")[0]
        self.rehab = by("rehab")[0]
        self.dtp = by("dtp")[0]
        self.hosp = {d: (by("district", d) or by("county", d))[0] for d in range(len(w.districts))}
        self.local_tcm = {d: (by("county_tcm", d) or [self.tcm])[0] for d in range(len(w.districts))}
        self.comm = {d: by("community", d) for d in range(len(w.districts))}
        self.clin = {d: by("clinic", d) for d in range(len(w.districts))}
        self.pharm = {d: by("pharmacy", d) for d in range(len(w.districts))}
        self.private = {d: by("private_hosp", d) for d in range(len(w.districts))}
        # 院边店: a hospital's two nearest shops take many of its fills
        self.adjacent = {
            v.vid: r.sample(self.pharm[v.district], min(2, len(self.pharm[v.district])))
            for v in w.venues.values()
            if v.kind != "pharmacy"
        }
        self.pop = {
            v.vid: {dep: [r.paretovariate(1.5) for _ in ds] for dep, ds in v.depts.items()} for v in w.venues.values()
        }
        self.usual: list[dict[str, Any]] = []
        for p in w.persons:
            d = p.district
            u: dict[str, Any] = {
                "comm": r.choice(self.comm[d]),
                "clinic": r.choices(self.clin[d], [v.weight for v in self.clin[d]])[0],
                "pharm": r.choices(self.pharm[d], [v.weight for v in self.pharm[d]], k=2),
            }
            u["comm_doc"] = r.choice(u["comm"].doctors)
            u["clinic_doc"] = r.choice(u["clinic"].doctors)
            self.usual.append(u)
        self.trace_seq = itertools.count(1)
        self.schemed: set[str] = set()  # venues a planted scheme already runs at

    def doctor(self, v: Venue, dept: str | None = None) -> str:
        if dept is None or dept not in v.depts:
            dept = self.r.choice(list(v.depts))
        return self.r.choices(v.depts[dept], self.pop[v.vid][dept])[0]

    def add(self, c: Claim, after_death: bool = False) -> Claim | None:
        """Keep a claim (none after its patient's death unless a scheme bills a dead person's card)."""
        if not after_death and not self.w.alive(c.patient, c.start.date()):
            return None
        if not 0 <= (c.start.date() - self.w.start).days < self.w.days:
            return None  # the export holds claims settled inside its window
        v = self.w.venues[c.venue]
        c.terminal = c.terminal or self.r.choice(v.terminals)
        if v.kind == "pharmacy":
            c.pooled = v.pooled
            if self.w.knobs["trace_codes"] and self.w.knobs["items"] and not c.trace:
                c.trace = [
                    f"8{next(self.trace_seq) + self.w.seed * 10**9:019d}" if CATALOG[i[0]][1] == "drug" else ""
                    for i in c.items
                ]
        self.w.claims.append(c)
        return c

    def fill(self, p: int, after: Claim, rx: str) -> None:
        """A prescription fill at a pharmacy the same day, an hour or so after the visit."""
        r, w = self.r, self.w
        v = w.venues[after.venue]
        shop = (
            r.choice(self.adjacent[v.vid])
            if r.random() < 0.5 and self.adjacent.get(v.vid)
            else r.choice(self.usual[p]["pharm"])
        )
        t = after.start + dt.timedelta(minutes=r.randint(10, 150))
        group = "chronic_drug" if w.age(p) >= 50 and r.random() < 0.5 else "common_drug"
        self.add(
            Claim(
                p,
                shop.vid,
                "pharmacy",
                t,
                lines(r, group, r.randint(1, 2), (14, 60)),
                rx=True,
                doctor=rx if w.knobs["fill_carries_doctor"] else "",
            )
        )


def ordinary_care(w: World, care: Care) -> None:
    r, cal, k = care.r, care.cal, w.knobs
    years = w.days / 365
    for p in w.persons:
        i, age, u = p.idx, w.age(p.idx), care.usual[p.idx]
        d = p.district
        urban = w.districts[d][2]
        wts = [
            3.0,
            2.5 if urban else 2.0,
            2.0 if urban else 3.0,
            1.5 if urban else 0.4,
            0.6,
            2.0 if age < 14 or (p.sex == "F" and 22 <= age <= 40) else 0.1,
            0.15 if age >= 50 else 0.05,
        ]
        wts = [r.gammavariate(x, 1.0) + 1e-9 for x in wts]
        if p.group == "campus":
            wts = [0.1, 0.1, 0.2, 0.5, 0.1, 0.01, 0.01, 8.0]
        elif p.group == "factory":
            wts = wts + [sum(wts) * 2.0]
        else:
            wts = wts + [0.0]
        p_pharm = min(0.9, max(0.02, r.betavariate(2, 2) * 2 * k["pharmacy_share"]))
        in_bed = stays(w, care, i, age)  # days in hospital: no outpatient visits then (the family still buys)
        n = _poisson(r, p.rate * years)
        for _ in range(n):
            if r.random() < p_pharm:
                day = cal.day(r, "pharmacy")
                shop = r.choice(u["pharm"]) if r.random() < 0.85 else r.choice(care.pharm[d])
                group = "chronic_drug" if p.chronic and r.random() < 0.6 else r.choice(["common_drug", "patent_drug"])
                items = lines(r, group, r.randint(1, 3), (6, 48))
                if r.random() < 0.04:
                    items += lines(r, "goods", 1, (1, 2))
                holder = -1
                if p.insured == "resident" and r.random() < k["mutual_aid"]:  # 家庭共济: a working relative's account
                    payers = [j for j in w.households[p.household] if w.persons[j].insured == "employee"]
                    holder = payers[0] if payers else -1
                care.add(Claim(i, shop.vid, "pharmacy", cal.at(day, cal.seconds(r, "pharmacy")), items, holder=holder))
                continue
            kind = r.choices(range(8), wts)[0]
            if kind == 0:
                v, doc, cls = (
                    u["comm"],
                    u["comm_doc"] if r.random() < 0.75 else r.choice(u["comm"].doctors),
                    "community",
                )
            elif kind == 1:
                v, doc, cls = u["clinic"], u["clinic_doc"], "clinic"
            elif kind == 2:
                v, cls = care.hosp[d], "hosp"
                doc = care.doctor(v, "儿科" if age < 14 else None)
            elif kind == 3:
                v, cls = care.city3a, "hosp"
                doc = care.doctor(v, "儿科" if age < 14 else None)
            elif kind == 4:
                v, cls = care.local_tcm[d], "hosp"
                doc = care.doctor(v)
            elif kind == 5:
                v, cls = care.mch, "hosp"
                doc = care.doctor(v, "儿科" if age < 14 else "妇产科")
            elif kind == 6:
                pv = care.private[d] or care.clin[d]
                v = r.choice(pv)
                doc, cls = care.doctor(v), "clinic"
            else:
                v = w.by_role("campus" if p.group == "campus" else "factory")[0]
                doc, cls = r.choice(v.doctors), p.group
            day = cal.day(r, cls)
            if day in in_bed:
                continue
            t = cal.at(day, cal.seconds(r, cls))
            c = care.add(
                Claim(i, v.vid, "outpatient", t, visit_items(r, v.level, age), doctor=doc, diagnosis=diag(r, age))
            )
            if c and age < 14 and r.random() < k["siblings_together"]:  # a brother or sister caught it too
                sib = [j for j in w.households[p.household] if j != i and w.age(j) < 14]
                if sib:
                    care.add(
                        Claim(
                            sib[0],
                            v.vid,
                            "outpatient",
                            t + dt.timedelta(seconds=r.randint(30, 400)),
                            visit_items(r, v.level, w.age(sib[0])),
                            doctor=doc,
                            diagnosis=c.diagnosis,
                        )
                    )
            if c and v.role not in ("clinic", "campus", "factory") and r.random() < k["rx_fill"]:
                care.fill(i, c, doc)
            if c and r.random() < 0.06:  # a separate lab settlement the same morning
                care.add(
                    Claim(
                        i,
                        v.vid,
                        "outpatient",
                        t + dt.timedelta(minutes=r.randint(20, 90)),
                        lines(r, "lab", 1, (1, 1)),
                        doctor=doc,
                        diagnosis=c.diagnosis,
                    )
                )
        if p.chronic:
            chronic_followups(w, care, i, in_bed)


def chronic_followups(w: World, care: Care, i: int, in_bed: set[int]) -> None:
    r, cal, k = care.r, care.cal, w.knobs
    u = care.usual[i]
    p = w.persons[i]
    at_hosp = r.random() < 0.35
    v = care.hosp[p.district] if at_hosp else u["comm"]
    doc = care.doctor(v, "内分泌科" if at_hosp else None) if at_hosp else u["comm_doc"]
    dom = r.randint(1, 26)
    vt = k["chronic_code"] if k["chronic_code"] != "mixed" else ("chronic" if at_hosp else "outpatient")
    # a person's own disease: hypertension, diabetes, or both (两病), not a coin per visit
    own = r.choice([("I10.x00",), ("I10.x00",), ("I10.x00",), ("E11.900",), ("E11.900",), ("I10.x00", "E11.900")])
    for m in range(0, w.days, 30):
        if r.random() > 0.8:
            continue
        day = m + dom + r.randint(-4, 4)
        if not 0 <= day < w.days or day in in_bed:  # a follow-up outside the window is not in the export
            continue
        t = cal.at(day, cal.seconds(r, "hosp"))
        items = lines(r, "reg", 1, (1, 1)) + lines(r, "chronic_drug", r.randint(1, 3), (28, 60))
        c = care.add(Claim(i, v.vid, vt, t, items, doctor=doc, diagnosis=r.choice(own)))
        if c and r.random() < 0.15:
            care.fill(i, c, doc)


def stays(w: World, care: Care, i: int, age: int) -> set[int]:
    """A person's ordinary admissions (never overlapping); returns the window days spent in hospital."""
    r, cal = care.r, care.cal
    p = w.persons[i]
    rate = 0.03 if age < 45 else 0.07 if age < 60 else 0.15 if age < 75 else 0.25
    in_bed: set[int] = set()
    for _ in range(_poisson(r, rate * w.days / 365)):
        u = r.random()
        v = (
            care.hosp[p.district]
            if u < 0.5
            else care.city3a
            if u < 0.85
            else care.usual[i]["comm"]
            if u < 0.95
            else r.choice(care.private[p.district] or [care.hosp[p.district]])
        )
        day = cal.day(r, "hosp")
        los = max(1, min(60, int(round(math.exp(r.gauss(math.log(7), 0.55))))))
        start = cal.at(day, cal.seconds(r, "hosp"))
        end = dt.datetime.combine(start.date() + dt.timedelta(days=los), dt.time(r.randint(8, 16), r.randrange(60)))
        days = set(range(day, day + los + 1))
        if days & in_bed:
            continue
        if care.add(inpatient(r, care, i, v, start, end, care.doctor(v))):
            in_bed |= days
    return in_bed


def inpatient(
    r: random.Random, care: Care, i: int, v: Venue, start: dt.datetime, end: dt.datetime, doc: str, padded: bool = False
) -> Claim:
    los = max(1, (end.date() - start.date()).days)
    it = [
        (GROUPS["bed"][0], float(los), CATALOG[GROUPS["bed"][0]][2]),
        (GROUPS["nursing"][1 if not padded else 0], float(los), CATALOG[GROUPS["nursing"][1 if not padded else 0]][2]),
    ]
    it += lines(r, "lab", 2, (1, 3)) + lines(r, "exam", 1, (1, 1)) + lines(r, "inpatient_misc", 1, (los, 2 * los))
    it += lines(r, "common_drug", 2, (10, 40)) + lines(r, "consumable", 1, (los, 3 * los))
    if padded:
        it += lines(r, "physio", 2, (los, 2 * los)) + lines(r, "tcm_injection", 1, (los, los))
    age = care.w.age(i)
    return Claim(i, v.vid, "inpatient", start, it, doctor=doc, end=end, diagnosis=diag(r, age))


def _poisson(r: random.Random, lam: float) -> int:
    if lam > 30:
        return max(0, int(round(r.gauss(lam, math.sqrt(lam)))))
    x, p, s = 0, math.exp(-lam), math.exp(-lam)
    u = r.random()
    while u > s:
        x += 1
        p *= lam / x
        s += p
    return x
