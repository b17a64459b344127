"""Ordinary care of every person: calendars, times of day, venues, doctors, stays and refills."""

from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache

import numpy as np

from . import catalog as cat
from .knobs import SPRING_FESTIVAL
from .model import Claim, Person, Venue, World

HOSPITAL_ROLES = ("county", "tcm", "mch", "city", "private_hosp")
DX_ADULT = ["I10", "E11.9", "J06.9", "K29.7", "M54.5", "J44.9", "I63.9", "M17.9", "J18.9"]
DX_CHILD = ["J06.9", "J20.9", "A09.9", "K59.0"]


def age(w: World, p: Person) -> int:
    return (w.start - p.birth).days // 365


def spring_festival(w: World) -> list[int]:
    """Day indices of the Spring Festivals inside (or just around) the window."""
    out = []
    for d in SPRING_FESTIVAL.values():
        i = (d - w.start).days
        if -20 < i < w.days + 20:
            out.append(i)
    return out


def day_weights(w: World, role: str, township: int = -1) -> np.ndarray:
    """Relative daily traffic of one kind of venue: weekdays, 赶集 market days, seasons, the Spring Festival."""
    return _day_weights(
        w.start,
        w.days,
        role,
        township,
        w.knobs["market_cycle"],
        w.knobs["market_boost"],
        w.knobs["busy_farming_dip"],
        tuple(spring_festival(w)),
    )


@lru_cache(maxsize=512)
def _day_weights(start, days, role, township, cycle, boost, dip, sf) -> np.ndarray:
    wd = {
        "village": [1, 1, 1, 1, 1, 0.95, 0.85],
        "township": [1.1, 1, 1, 1, 1, 0.7, 0.6],
        "pharmacy": [1, 1, 1, 1, 1, 1.15, 1.1],
    }.get(role, [1.25, 1.05, 1, 1, 0.95, 0.7, 0.55])
    out = np.empty(days)
    for i in range(days):
        d = start + dt.timedelta(days=i)
        x = wd[d.weekday()]
        if role in ("village", "township", "pharmacy") and township > 0 and d.day % cycle == township % cycle:
            x *= boost  # 赶集: villagers come to the township on market days
        x *= {12: 1.25, 1: 1.3, 2: 1.2, 3: 1.1, 7: 0.9, 8: 0.9}.get(d.month, 1.0)
        if role in ("village", "township") and (
            (d.month == 5 and d.day > 24)
            or (d.month == 6 and d.day < 21)
            or (d.month == 9 and d.day > 14)
            or (d.month == 10 and d.day < 16)
        ):
            x *= dip  # 农忙: planting and harvest
        for s in sf:
            if -3 <= i - s <= 6:
                x *= {"village": 0.7, "township": 0.5, "pharmacy": 0.8}.get(role, 0.35)
            elif -20 <= i - s < -3 and role == "pharmacy":
                x *= 1.3
            elif 6 < i - s <= 20:
                x *= 1.2
        out[i] = x
    return np.cumsum(out) / out.sum()


def pick_day(r: random.Random, cum: np.ndarray, lo: int = 0, hi: int | None = None) -> int:
    hi = len(cum) if hi is None else hi
    a = cum[lo - 1] if lo > 0 else 0.0
    b = cum[hi - 1]
    return min(hi - 1, max(lo, int(np.searchsorted(cum, a + r.random() * (b - a), side="right"))))


def time_of_day(r: random.Random, role: str) -> int:
    """Minutes after midnight of an arrival at this kind of venue."""
    if role == "pharmacy":
        return int(r.triangular(450, 1290, 600))
    if role == "village":
        return int(r.triangular(420, 1080, 540))
    if role in HOSPITAL_ROLES and r.random() < 0.03:
        return int(r.uniform(0, 1440))  # night emergency
    if r.random() < 0.62:
        return int(min(710, max(450, r.gauss(570, 55))))
    return int(min(1050, max(840, r.gauss(905, 50))))


def at(w: World, day: int, minute: int, r: random.Random) -> dt.datetime:
    minute = min(1439, max(0, minute))  # never roll over into the next day
    return dt.datetime.combine(w.day(day), dt.time()) + dt.timedelta(minutes=minute, seconds=r.randrange(60))


def doctor_for(w: World, r: random.Random, p: Person, v: Venue) -> str:
    """Small venues: the person's own doctor; hospitals: a doctor of the department, popular ones more often."""
    visiting = _visiting(w, v.vid)
    ds = v.doctors or visiting
    if not ds:
        return ""
    if v.role in ("village", "township", "private_clinic") and r.random() < 0.8:
        return ds[(p.idx * 7919) % len(ds)]
    if visiting and v.role.startswith("private") and r.random() < 0.35:
        return visiting[int(r.paretovariate(1.5) - 1) % len(visiting)]  # 多点执业 doctors see patients here
    return ds[int(r.paretovariate(1.2) - 1) % len(ds)]


def _visiting(w: World, vid: str) -> list[str]:
    """Doctors registered elsewhere who also bill at this venue (cached on the world; cleared when changed)."""
    key = ("visiting", vid)
    if key not in w.cache:
        w.cache[key] = [d.did for d in w.doctors.values() if vid in d.also_at]
    return w.cache[key]


class Care:
    """Builds claims into the world; shared by ordinary care, planted rings and benign groups."""

    def __init__(self, w: World):
        self.w = w
        self.dec = w.knobs["price_decimals"]
        self.venues_by_role: dict[str, list[Venue]] = {}
        for v in w.venues.values():
            self.venues_by_role.setdefault(v.role, []).append(v)
        self.payer: dict[int, int] = {}  # 家庭共济: an elder's employee child in the household
        emp: dict[int, int] = {}
        for p in w.persons:
            if p.insured == "employee" and not p.away:
                emp.setdefault(p.household, p.idx)
        for p in w.persons:
            if p.household in emp and p.insured == "resident" and age(w, p) >= 55:
                self.payer[p.idx] = emp[p.household]

    def own(self, p: Person, role: str, r: random.Random) -> Venue:
        vs = self.venues_by_role[role]
        if role == "village":
            vs = [v for v in vs if v.village == p.village] or vs
        elif role in ("township", "pharmacy", "private_clinic"):
            near = [v for v in vs if v.township == p.township]
            vs = near if near and (role == "township" or r.random() < 0.85) else vs
        return vs[(p.idx * 31 + p.household) % len(vs)] if r.random() < 0.85 else vs[r.randrange(len(vs))]

    def visit(
        self,
        r,
        p: Person,
        v: Venue,
        day: int,
        minute: int,
        lines,
        *,
        vtype="outpatient",
        doctor=None,
        dx="",
        end=None,
        mutual_aid=True,
    ) -> Claim:
        pharmacy = v.role == "pharmacy"
        if pharmacy:
            vtype = "pharmacy"  # a purchase at a retail pharmacy, whatever the caller passed
        if doctor is None:
            doctor = "" if pharmacy else doctor_for(self.w, r, p, v)
        holder = -1
        if (
            mutual_aid
            and p.idx in self.payer
            and vtype != "inpatient"
            and r.random() < self.w.knobs["mutual_aid_share"]
        ):
            holder = self.payer[p.idx]
        c = Claim(
            p.idx,
            v.vid,
            pharmacy,
            doctor,
            vtype,
            at(self.w, day, minute, r),
            end,
            lines,
            holder,
            dx,
            v.terminals[r.randrange(len(v.terminals))] if v.terminals else "",
        )
        self.w.claims.append(c)
        return c

    def stay(
        self, r, p: Person, v: Venue, day: int, los: int, *, padded: float = 1.0, doctor=None, minute=None, dx: str = ""
    ) -> Claim:
        setting = "township" if v.role == "township" else "county"
        minute = time_of_day(r, v.role) if minute is None else minute
        end = dt.datetime.combine(self.w.day(day + los), dt.time(int(r.uniform(8, 11)), r.randrange(60)))
        return self.visit(
            r,
            p,
            v,
            day,
            minute,
            cat.inpatient_lines(r, los, setting, self.dec, padded),
            vtype="inpatient",
            doctor=doctor,
            dx=dx or r.choice(DX_ADULT),
            end=end,
            mutual_aid=False,
        )


def ordinary_care(w: World, care: Care) -> None:
    """Everyone's own care: visits by age and propensity, chronic follow-ups, stays, pharmacy purchases."""
    k = w.knobs
    rng = w.rng(3)
    r = random.Random(int(rng.integers(2**32)))
    shape = k["care_shape"]
    propensity = rng.gamma(shape, 1 / shape, size=len(w.persons))
    sfs = [s for s in spring_festival(w) if 0 <= s < w.days]
    for p in w.persons:
        a = age(w, p)
        last = (p.death - w.start).days if p.death and p.death >= w.start else w.days
        if last <= 0:
            continue
        base = 7 if a < 7 else 2.5 if a < 18 else 3 if a < 60 else 9 if a < 75 else 11
        lam = base * propensity[p.idx] * k["care_scale"] * p.rate * last / 365
        if p.away:  # home for the Spring Festival only
            lam = (1.2 if sfs else 0.2) * propensity[p.idx]
        n = int(rng.poisson(lam))
        for _ in range(n):
            _encounter(w, care, r, p, a, last, sfs)
        if p.chronic and not p.away:
            _chronic(w, care, r, p, last)
        adm = k["inpatient_rate_60"] if a >= 60 else 0.03
        for _ in range(int(rng.poisson(adm * last / 365 * min(2.0, propensity[p.idx] ** 0.5)))):
            _admission(w, care, r, p, last)


def _classes(w: World, p: Person, a: int) -> tuple[list[str], list[float]]:
    k = w.knobs
    village = k["village_care_share"] if p.village >= 0 else 0.0
    if a < 14:
        return ["village", "township", "mch", "county", "pharmacy"], [
            village * 0.6,
            0.25,
            0.35,
            0.1,
            k["pharmacy_share"] * 0.5,
        ]
    return (
        ["village", "township", "county", "tcm", "private_hosp", "private_clinic", "city", "pharmacy"],
        [village, 0.25, 0.2, 0.06, 0.05, 0.06, 0.03, k["pharmacy_share"]],
    )


def _encounter(w: World, care: Care, r: random.Random, p: Person, a: int, last: int, sfs: list[int]) -> None:
    roles, weights = _classes(w, p, a)
    role = r.choices(roles, weights)[0]
    v = care.own(p, role, r)
    lo, hi = 0, last
    if p.away and sfs:
        s = sfs[0]
        lo, hi = max(0, s - 18), min(last, s + 12)
        if lo >= hi:
            return
    day = pick_day(r, day_weights(w, role, v.township), lo, hi)
    minute = time_of_day(r, role)
    dec = care.dec
    if role == "pharmacy":
        lines = cat.drugs(r, cat.COMMON_DRUGS + (cat.HIGH_VALUE if r.random() < 0.1 else []), r.choice([1, 2, 3]), dec)
        care.visit(r, p, v, day, minute, lines)
        return
    setting = "private" if role.startswith("private") else role
    dx = r.choice(DX_CHILD if a < 14 else DX_ADULT)
    c = care.visit(r, p, v, day, minute, cat.outpatient_lines(r, setting, dec, child=a < 14), dx=dx)
    if role in ("county", "city", "mch") and r.random() < 0.08:  # lab settled separately the same day
        care.visit(
            r,
            p,
            v,
            day,
            minute + r.randrange(20, 90),
            [cat.line("XL001", 1, dec), cat.line("XL007", 1, dec)],
            doctor=c.doctor,
            dx=dx,
        )
    if role in ("county", "tcm", "city") and r.random() < 0.2 and day + 1 < last:  # fill at a pharmacy
        ph = care.own(p, "pharmacy", r)
        fill = care.visit(
            r,
            p,
            ph,
            min(last - 1, day + r.choice([0, 0, 1])),
            min(1300, minute + r.randrange(30, 200)),
            cat.drugs(r, cat.COMMON_DRUGS, 2, dec),
        )
        if w.knobs["pharmacy_doctor_id"]:
            fill.doctor = c.doctor


def _chronic(w: World, care: Care, r: random.Random, p: Person, last: int) -> None:
    """Monthly 两病/慢特病 follow-up and refill at the village clinic or the township centre."""
    coded = w.knobs["chronic_coded"]
    role = "village" if p.village >= 0 and r.random() < 0.6 else "township"
    v = care.own(p, role, r)
    day = r.randrange(0, 30)
    dx = r.choice(["I10", "E11.9"])
    drug = "XD001" if dx == "I10" else "XD002"
    while day < last:
        vt = "chronic" if coded == "chronic" or (coded == "mixed" and role == "township") else "outpatient"
        if r.random() < 0.85:
            care.visit(
                r,
                p,
                v,
                day,
                time_of_day(r, role),
                [cat.line("XO002", 1, care.dec), cat.line(drug, 2, care.dec)],
                vtype=vt,
                dx=dx,
            )
        day += r.randrange(25, 36)


def _admission(w: World, care: Care, r: random.Random, p: Person, last: int) -> None:
    role = r.choices(["township", "county", "private_hosp", "city"], [0.45, 0.35, 0.1, 0.1])[0]
    v = care.own(p, role, r)
    los = max(2, min(40, int(r.lognormvariate(1.85 if role == "township" else 2.0, 0.5))))
    day = pick_day(r, day_weights(w, role, v.township), 0, max(1, last - los))
    if day + los >= w.days:
        los = max(1, w.days - day - 1)
    doctor = doctor_for(w, r, p, v)
    if role != "city" and los >= 8 and r.random() < w.knobs["split_admission_rate"]:
        first = r.randrange(3, los - 3)  # 分解住院: one stay billed as two, readmitted 0-3 days later
        care.stay(r, p, v, day, first, doctor=doctor)
        gap = r.randrange(0, 4)
        if day + first + gap + (los - first) < w.days:
            care.stay(r, p, v, day + first + gap, los - first, doctor=doctor)
        return
    care.stay(r, p, v, day, los, doctor=doctor)
