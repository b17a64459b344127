"""tenthworld's claim helpers, money rules and ordinary care.

Retirees of the old 国企 are most of the district's patients: early risers at the hospital (07:30-10:30), a monthly
门诊慢特病 refill for those with a certificate, winter's respiratory illness and falls on ice (up to 2.2 times the
summer rate), admissions at the 国企's old 职工医院 as much as at the district's central hospital. 候鸟 retirees
spend the winter in the south (nothing billed here meanwhile). A stay is settled in pieces (中途结算): always at the
year's end, and each month in worlds whose hospitals settle long stays monthly.
"""

from __future__ import annotations

import random
from datetime import timedelta

from benchmarks._common import poisson

from .city import (
    CAT,
    CHILD_DIAG,
    CHRONIC_DIAG,
    DAY,
    IN_DIAG,
    OUT_DIAG,
    WINTER_DIAG,
    Claim,
    World,
    age,
    cold,
    item,
    present,
    rng,
    weekday,
)


def venues(w: World, cls: str, street: int | None = None) -> list[int]:
    return [i for i, v in enumerate(w.venues) if v.cls == cls and (street is None or v.street == street)]


def doctor(w: World, r: random.Random, vi: int, dept: str | None = None) -> int | None:
    docs = w.venues[vi].docs
    if not docs:
        return None
    own = [d for d in docs if w.doctors[d].dept == dept] if dept else []
    pool = own or docs
    return pool[min(int(r.expovariate(1.0) * len(pool) / 3), len(pool) - 1)]  # the first doctors are busier


def tod(r: random.Random, old: bool, cls: str) -> int:
    """Seconds after midnight: elders early (the queue at 07:30), others in office hours or after work."""
    if cls in ("pharmacy", "herbshop", "dtp"):
        return r.randint(8 * 3600, 18 * 3600 + 1800)
    if old:
        return r.randint(7 * 3600 + 1800, 10 * 3600 + 1800) if r.random() < 0.75 else r.randint(13 * 3600, 15 * 3600)
    if cls in ("clinic", "mzb") and r.random() < 0.4:
        return r.randint(17 * 3600, 19 * 3600 + 1800)
    return r.randint(8 * 3600, 11 * 3600) if r.random() < 0.6 else r.randint(13 * 3600, 16 * 3600 + 1800)


def visit(w: World, pi: int, vi: int, doc: int | None, d: int, t: int, vt: str, diag: str,
          items: list[tuple[str, float, float]], holder: int | None = None, rx: bool = False) -> Claim:  # fmt: skip
    c = Claim(pi, vi, doc, vt, d * DAY + t, None, items, diag, holder=holder, rx=rx)
    w.claims.append(c)
    return c


def _cuts(w: World, d0: int, d1: int, monthly: bool | None = None) -> list[int]:
    """The days a stay from day ``d0`` to ``d1`` is settled on before its discharge: 31 December always (跨年度
    中途结算), and each month's last day for a stay longer than 30 days where the hospitals settle monthly."""
    cuts = []
    if monthly is None:
        monthly = w.knobs["midway"] == "monthly" and d1 - d0 > 30
    for d in range(d0 + 1, d1):
        x = w.start + timedelta(days=d)
        nxt = x + timedelta(days=1)
        if (x.month == 12 and x.day == 31) or (monthly and nxt.day == 1):
            cuts.append(d)
    return cuts


def stay(w: World, r: random.Random, pi: int, vi: int, doc: int | None, d: int, t: int, los: int, diag: str,
         extra: list[tuple[str, float, float]] | None = None, nurse: str = "nurse2", pad: float = 1.0,
         daily: list[tuple[str, float]] | None = None, bed: str = "bed", out_t: int | None = None,
         monthly: bool | None = None) -> list[Claim]:  # fmt: skip
    """An admission on day ``d`` at ``t`` for ``los`` nights (cut at the window's end), settled in pieces at the
    year's end (and monthly where the knob says so): per-day bed, nursing, drips and drugs (×``pad``), ``daily``
    (key, per-day quantity) lines, and ``extra`` lines on the first piece."""
    los = min(los, w.days - 1 - d)
    if los < 1:
        return []
    end_day = d + los
    cuts = _cuts(w, d, end_day, monthly)
    starts, ends = [d] + [c + 1 for c in cuts], cuts + [end_day]
    out = []
    for n, (a, b) in enumerate(zip(starts, ends)):
        last = n == len(cuts)
        nights = max(1, b - a + (0 if last else 1))
        items = [item(r, bed, nights), item(r, nurse, nights), item(r, "iv_day", nights, pad),
                 item(r, "ward_drugs", nights, pad * r.uniform(0.7, 1.4))]  # fmt: skip
        items += [item(r, k, round(q * nights)) for k, q in (daily or []) if round(q * nights) > 0]
        if n == 0:
            items += [item(r, "cbc", 2), item(r, "liver", 1)] + (extra or [])
        s = d * DAY + t if n == 0 else a * DAY  # the next piece opens at the stroke of the new day
        if last:
            e = b * DAY + (out_t if out_t is not None else r.randint(8 * 3600, 11 * 3600))
        else:
            e = b * DAY + DAY - 1  # settled at 23:59:59 on the cut day
        c = Claim(pi, vi, doc, "inpatient", s, e, items, diag, piece=n)
        w.claims.append(c)
        out.append(c)
    return out


def fund_of(w: World, c: Claim, total: float) -> tuple[float, float]:
    """(fund, personal account) of a claim of ``total`` yuan. Retirees are reimbursed more than workers, residents
    less; a stay's deductible is paid once (not again on its later 中途结算 pieces); a pharmacy sale costs the pool
    only on a prescription (外配处方; 双通道 at the 门诊慢特病 rate); an employee's account pays what the fund leaves
    outside stays (a spouse's or child's purchase from the holder's account, 家庭共济)."""
    p = w.persons[c.patient]
    payer = w.persons[c.holder] if c.holder is not None else p
    emp, ret = p.itype == "employee", p.role == "retiree"
    v = w.venues[c.venue]
    if c.vtype == "inpatient":
        ded = 0.0 if c.piece else {2: 700.0, 1: 400.0}.get(v.level, 200.0)
        rate = (0.9 if ret else 0.85) if emp else (0.7 if v.level >= 2 else 0.75)
        return round(max(0.0, total - ded) * rate, 2), 0.0
    if c.vtype == "pharmacy":
        rate = ((0.75 if emp else 0.65) if v.cls == "dtp" else (0.6 if emp else 0.5)) if c.rx else 0.0
    elif c.vtype == "chronic":
        rate = (0.85 if ret else 0.8) if emp else 0.65
    else:
        base = {"chc": (0.75, 0.6), "clinic": (0.5, 0.4), "mzb": (0.5, 0.4)}.get(v.cls, (0.6, 0.5))
        rate = base[0] + (0.05 if ret else 0.0) if emp else base[1]
    fund = round(total * rate, 2)
    acct = round(total - fund, 2) if payer.itype == "employee" else 0.0
    return fund, acct


def _near(w: World, r: random.Random, street: int, cls: str) -> int:
    own = venues(w, cls, street)
    return r.choice(own) if own and r.random() < 0.75 else r.choice(venues(w, cls))


def _outpatient_venue(w: World, r: random.Random, street: int, old: bool) -> int:
    x = r.random()
    if x < (0.38 if old else 0.3):
        return _near(w, r, street, "chc")
    if x < 0.62:
        return r.choice(venues(w, "central"))
    if x < (0.8 if old else 0.74):
        return r.choice(venues(w, "works"))
    if x < 0.86:
        return r.choice(venues(w, "tcm"))
    return _near(w, r, street, "clinic" if r.random() < 0.7 else "mzb")


def _acute(w: World, r: random.Random, pi: int, d: int) -> None:
    p = w.persons[pi]
    old = age(w, p, d) >= 60
    vi = _outpatient_venue(w, r, p.street, old)
    winter = r.random() < (cold(w, d) - 1.0) / cold(w, d)
    diag = r.choice(CHILD_DIAG if age(w, p, d) < 14 else WINTER_DIAG if winter else OUT_DIAG)
    items = [item(r, "exam"), item(r, r.choice(["amox", "cefu", "azith", "cough", "lianhua", "omep"]))]
    if r.random() < 0.35:
        items.append(item(r, "cbc", 1))
    if diag[0] == "J" and r.random() < (0.45 if w.venues[vi].cls in ("clinic", "mzb", "chc") else 0.15):
        items += [item(r, "drip", 1), item(r, "ns100", 2), item(r, "pip_inj", 1)]
    elif diag[0] == "J" and r.random() < 0.3:
        items.append(item(r, "neb", 1))
    if diag[0] == "S":
        items.append(item(r, "dr_chest", 1))
    holder = p.parent if p.parent >= 0 and w.persons[p.parent].itype == "employee" and r.random() < 0.5 else None
    visit(w, pi, vi, doctor(w, r, vi), d, tod(r, old, w.venues[vi].cls), "outpatient", diag, items, holder)


def _refill(w: World, r: random.Random, pi: int, d: int, home_vi: int) -> None:
    p = w.persons[pi]
    meds = {"htn": ["amlo", "nifed", "aspirin"], "dm": ["metf", "acarb", "glarg"], "copd": ["tiotrop", "budes"],
            "chd": ["atorva", "clopi", "suxiao"], "stroke": ["clopi", "atorva", "naoxin"]}[p.chronic]  # fmt: skip
    items = [item(r, "exam"), *(item(r, m, 30.0 if CAT[m][2] < 5 else 1.0) for m in meds[: r.randint(1, 3)])]
    if r.random() < 0.12:
        items.append(item(r, "hba1c" if p.chronic == "dm" else "lipid", 1))
    vt = "chronic" if p.cert else "outpatient"
    visit(
        w,
        pi,
        home_vi,
        doctor(w, r, home_vi),
        d,
        tod(r, True, w.venues[home_vi].cls),
        vt,
        CHRONIC_DIAG[p.chronic],
        items,
    )


def _pharmacy(w: World, r: random.Random, pi: int, d: int, shops: list[int]) -> None:
    p = w.persons[pi]
    holder = None
    if p.itype != "employee":
        sp = p.spouse
        if sp >= 0 and w.persons[sp].itype == "employee" and r.random() < 0.6:
            holder = sp  # the retiree's account pays for the spouse (家庭共济)
        elif r.random() > 0.25:
            return  # a resident pays cash: not a 医保 settlement
    rx = r.random() < (0.25 if p.chronic else 0.08)
    keys = ["calcium", "amox", "lianhua", "cough", "omep", "danshen", "suxiao", "aspirin", "atorva", "amlo"]
    items = [item(r, k) for k in r.sample(keys, r.randint(1, 3))]
    vi = r.choice(shops)
    visit(w, pi, vi, None, d, tod(r, True, "pharmacy"), "pharmacy", CHRONIC_DIAG.get(p.chronic, "") if rx else "",
          items, holder, rx=rx)  # fmt: skip


def _admission(w: World, r: random.Random, pi: int, d: int) -> None:
    p = w.persons[pi]
    old = age(w, p, d) >= 60
    x = r.random()
    cls = "central" if x < 0.5 else "works" if x < 0.82 else "tcm" if x < 0.9 else "private"
    vi = r.choice(venues(w, cls))
    diag = r.choice(IN_DIAG if old else IN_DIAG[:2] + ["K35.800", "S82.200", "K80.200"])
    los = r.randint(7, 18) if old else r.randint(3, 9)
    if p.death is not None and d + los > p.death:
        los = max(1, p.death - d)
    extra = [item(r, r.choice(["ct_chest", "ct_head", "us_abd", "echo", "mri_head"]), 1)]
    stay(w, r, pi, vi, doctor(w, r, vi), d, r.randint(8 * 3600, 16 * 3600), los, diag, extra,
         nurse="nurse1" if old and r.random() < 0.5 else "nurse2")  # fmt: skip


def ordinary_care(w: World) -> None:
    """Everyone's own care over the window, month by month: acute visits (winter-raised), 门慢 refills, pharmacy
    sales, admissions. Planted members keep theirs (a ring's elders are real patients too)."""
    r = rng(w.seed, "care")
    shops_all = [i for i, v in enumerate(w.venues) if v.cls == "pharmacy"]
    by_street: dict[int, list[int]] = {}
    for i, v in enumerate(w.venues):
        if v.cls == "pharmacy":
            by_street.setdefault(v.street, []).append(i)
    months = [(d, min(d + 30, w.days)) for d in range(0, w.days, 30)]
    for pi, p in enumerate(w.persons):
        a0 = age(w, p)
        acute = 3.0 if a0 >= 60 else 2.5 if a0 < 14 else 1.2
        admit = 0.22 if a0 >= 75 else 0.13 if a0 >= 60 else 0.05 if a0 < 14 else 0.035
        buys = 0.55 if a0 >= 60 else 0.25
        shops = by_street.get(p.street, shops_all)
        refill_vi = (
            _near(w, r, p.street, "chc") if r.random() < 0.6 else r.choice(venues(w, "central") + venues(w, "works"))
        )
        cycle = r.randint(27, 33)
        nxt = r.randrange(cycle)
        for lo, hi in months:
            span = hi - lo
            f = cold(w, lo)
            for _ in range(poisson(r, acute * f * span / 365)):
                d = r.randrange(lo, hi)
                if present(p, d):
                    _acute(w, r, pi, d)
            for _ in range(poisson(r, buys * span / 30)):
                d = r.randrange(lo, hi)
                if present(p, d):
                    _pharmacy(w, r, pi, d, shops if r.random() < 0.8 else shops_all)
            for _ in range(poisson(r, admit * (0.6 + 0.4 * f) * span / 365)):
                d = r.randrange(lo, hi)
                if present(p, d) and d < w.days - 2 and not p.group.endswith(("winter_beds", "hospice")):
                    _admission(w, r, pi, d)
        if p.chronic and p.own_refill:
            d = nxt
            while d < w.days:
                if present(p, d) and weekday(w, d) < 6:
                    _refill(w, r, pi, d, refill_vi)
                d += cycle + r.randint(-3, 3)
