"""eleventhworld's claim helpers, money rules and ordinary care.

Young workers are seen online in the evening (a 互联网医院's 复诊, the e-prescription filled at a delivery pharmacy
or picked up the next day), at their park's 门诊部 at lunch or after work, at the hospitals on weekends; their
children in the evening, paid from a parent's personal account (门诊共济, holder_id); 随迁 grandparents, insured in
their home province, at the 社区 centre (异地直接结算); the 回迁 villagers as elders everywhere are; 异地就医
patients come only for the 医学中心's stays and follow-ups. Stays are paid by DRG group (one settlement a stay).
"""

from __future__ import annotations

import random

from benchmarks._common import poisson

from .district import (
    CANCER_DIAG,
    CAT,
    CHILD_DIAG,
    CHRONIC_DIAG,
    CHRONIC_MEDS,
    DAY,
    FLU_DIAG,
    IN_DIAG,
    OUT_DIAG,
    Claim,
    World,
    age,
    flu,
    item,
    present,
    rng,
    weekday,
)


def venues(w: World, cls: str, street: int | None = None) -> list[int]:
    return [i for i, v in enumerate(w.venues) if v.cls == cls and (street is None or v.street == street)]


def doctor(w: World, r: random.Random, vi: int, dept: str | None = None) -> int | None:
    v = w.venues[vi]
    docs = w.venues[v.base].docs if v.base >= 0 else v.docs  # a 互联网医院's doctors are its hospital's
    if not docs:
        return None
    own = [d for d in docs if w.doctors[d].dept == dept] if dept else []
    pool = own or docs
    return pool[min(int(r.expovariate(1.0) * len(pool) / 3), len(pool) - 1)]  # the first doctors are busier


def tod(r: random.Random, who: str, cls: str, d: int, w: World) -> int:
    """Seconds after midnight (beyond 24 h for an online visit after midnight): elders in the morning queue, workers
    at lunch, after work or online late, children in the evening clinic or at the weekend."""
    if cls in ("net", "platform"):
        return r.randint(19 * 3600, 24 * 3600 + 1800) if r.random() < 0.8 else r.randint(12 * 3600, 14 * 3600)
    if cls in ("pharmacy", "o2o", "dtp", "night"):
        return r.randint(18 * 3600, 22 * 3600) if who == "young" else r.randint(8 * 3600, 20 * 3600)
    weekend = weekday(w, d) >= 5
    if who in ("local", "parent", "remote"):
        return r.randint(7 * 3600 + 1800, 11 * 3600) if r.random() < 0.8 else r.randint(13 * 3600 + 1800, 16 * 3600)
    if who == "child" and not weekend:
        return r.randint(18 * 3600, 21 * 3600 + 1800)
    if who == "young" and not weekend:
        return r.randint(12 * 3600, 13 * 3600 + 1800) if r.random() < 0.4 else r.randint(18 * 3600, 21 * 3600)
    return r.randint(8 * 3600 + 1800, 16 * 3600)


def visit(w: World, pi: int, vi: int, doc: int | None, d: int, t: int, vt: str, diag: str,
          items: list[tuple[str, float, float]], holder: int | None = None, rx: bool = False) -> Claim:  # fmt: skip
    c = Claim(pi, vi, doc, vt, d * DAY + t, None, items, diag, holder=holder, rx=rx)
    w.claims.append(c)
    return c


def stay(w: World, r: random.Random, pi: int, vi: int, doc: int | None, d: int, t: int, los: int, diag: str,
         extra: list[tuple[str, float, float]] | None = None, nurse: str = "nurse2", pad: float = 1.0,
         daily: list[tuple[str, float]] | None = None, bed: str = "bed", out_t: int | None = None) -> Claim | None:  # fmt: skip
    """An admission on day ``d`` at ``t`` for ``los`` nights (cut at the window's end), settled once at discharge
    (a DRG-paid stay): per-day bed, nursing, drips and drugs (×``pad``), ``daily`` (key, per-day quantity) lines and
    ``extra`` lines."""
    los = min(los, w.days - 1 - d)
    if los < 1:
        return None
    items = [item(r, bed, los), item(r, nurse, los), item(r, "iv_day", los, pad),
             item(r, "ward_drugs", los, pad * r.uniform(0.7, 1.4)), item(r, "cbc", 2), item(r, "liver", 1)]  # fmt: skip
    items += [item(r, k, round(q * los)) for k, q in (daily or []) if round(q * los) > 0]
    items += extra or []
    e = (d + los) * DAY + (out_t if out_t is not None else r.randint(9 * 3600, 11 * 3600 + 1800))
    c = Claim(pi, vi, doc, "inpatient", d * DAY + t, e, items, diag)
    w.claims.append(c)
    return c


def fund_of(w: World, c: Claim, total: float) -> tuple[float, float]:
    """(fund, personal account) of a claim of ``total`` yuan. 异地 patients (another province's insurance) are paid
    at their home rates, without an account here; 长护险 home care 75% from its own fund; stays after a deductible by
    hospital level, employees 85-88%, residents 60-75%; outpatient under 门诊共济 by venue; a pharmacy sale costs the
    pool only on a prescription; an employee's (or the 共济 holder's) account pays what the fund leaves."""
    p = w.persons[c.patient]
    payer = w.persons[c.holder] if c.holder is not None else p
    emp = p.itype == "employee"
    v = w.venues[c.venue]
    level = w.venues[v.base].level if v.base >= 0 else v.level
    remote = p.region != w.knobs["region"]
    if v.cls == "ltc":
        return round(total * 0.75, 2), 0.0
    if c.vtype == "inpatient":
        ded = {3: 1000.0, 2: 700.0}.get(level, 400.0) * (1.5 if remote else 1.0)
        if remote:
            rate = 0.7 if emp else 0.6
        else:
            rate = (0.88 if age(w, p) >= 60 else 0.85) if emp else {3: 0.6, 2: 0.7}.get(level, 0.75)
        return round(max(0.0, total - ded) * rate, 2), 0.0
    if c.vtype == "pharmacy":
        rate = ((0.7 if emp else 0.6) if v.cls == "dtp" else (0.5 if emp else 0.4)) if c.rx else 0.0
    elif c.vtype == "chronic":
        rate = 0.8 if emp else 0.6
    elif remote:
        rate = 0.5 if emp else 0.4
    else:
        base = {"chc": (0.7, 0.6), "clinic": (0.5, 0.4), "mzb": (0.5, 0.4), "platform": (0.5, 0.4)}
        rate = base.get(v.cls, (0.55, 0.45) if level >= 3 else (0.6, 0.5))[0 if emp else 1]
    fund = round(total * rate, 2)
    acct = round(total - fund, 2) if payer.itype == "employee" and payer.region == w.knobs["region"] else 0.0
    return fund, acct


def _near(w: World, r: random.Random, street: int, cls: str) -> int:
    own = venues(w, cls, street)
    return r.choice(own) if own and r.random() < 0.75 else r.choice(venues(w, cls))


def _park_clinic(w: World, r: random.Random, company: int) -> int:
    mzb = venues(w, "mzb")
    parks = w.knobs["parks"]
    mine = [v for v in mzb if w.venues[v].street == (company % parks) % w.knobs["streets"]] or mzb
    return r.choice(mine)


def _erx(w: World, r: random.Random, pi: int, doc: int | None, d: int, t: int, diag: str, meds: list[str],
         holder: int | None) -> None:  # fmt: skip
    """An online visit's e-prescription: delivered by the 网订店送 pharmacy within hours, or picked up at a street
    pharmacy the next day."""
    p = w.persons[pi]
    items = [item(r, m) for m in meds]
    if r.random() < 0.6:
        vi, dt = r.choice(venues(w, "o2o")), t + r.randint(1800, 3 * 3600)
        dd = d + dt // DAY
        dt %= DAY
    else:
        street = p.street if p.street >= 0 else 0
        vi, dd, dt = _near(w, r, street, "pharmacy"), d + 1, r.randint(8 * 3600, 21 * 3600)
    if dd < w.days and present(p, dd):
        visit(w, pi, vi, doc, dd, dt, "pharmacy", diag, items, holder, rx=True)


def _holder(w: World, r: random.Random, pi: int) -> int | None:
    p = w.persons[pi]
    if p.parent >= 0 and w.persons[p.parent].itype == "employee" and r.random() < w.knobs["gongji"]:
        return p.parent
    return None


def _acute(w: World, r: random.Random, pi: int, d: int) -> None:
    p = w.persons[pi]
    who = p.role if p.role != "local" or age(w, p, d) >= 55 else "young"
    seasonal = r.random() < (flu(w, d) - 1.0) / flu(w, d)
    diag = r.choice(CHILD_DIAG if p.role == "child" else FLU_DIAG if seasonal else OUT_DIAG)
    meds = r.sample(["amox", "cefu", "lianhua", "ibup", "loratad", "omep", "mosap"], r.randint(1, 2))
    holder = _holder(w, r, pi)
    online = (p.role == "young" and r.random() < w.knobs["online"]) or (p.role == "child" and r.random() < 0.1)
    if online:
        vi = r.choice(venues(w, "net") + venues(w, "platform"))
        doc = doctor(w, r, vi)
        t = tod(r, who, "net", d, w)
        if d + t // DAY >= w.days:
            return
        visit(w, pi, vi, doc, d, t, "outpatient", diag, [item(r, "exam_net", 1)], holder)
        _erx(w, r, pi, doc, d, t, diag, meds, holder)
        return
    x = r.random()
    if p.role == "young" and p.company >= 0 and x < 0.35 and weekday(w, d) < 5:
        vi = _park_clinic(w, r, p.company)
    elif p.role == "child":
        vi = r.choice(venues(w, "tertiary")) if x < 0.4 else r.choice(venues(w, "district")) if x < 0.7 else _near(
            w, r, p.street, "chc")  # fmt: skip
    elif x < 0.3:
        vi = _near(w, r, p.street, "chc")
    elif x < 0.6:
        vi = r.choice(venues(w, "tertiary"))
    elif x < 0.85:
        vi = r.choice(venues(w, "district"))
    else:
        vi = _near(w, r, p.street, "clinic")
    items = [item(r, "exam")] + [item(r, m) for m in meds]
    if r.random() < 0.3:
        items.append(item(r, "cbc", 1))
    if diag in ("J11.100",) and r.random() < 0.5:
        items.append(item(r, "flu_ag", 1))
    if diag[0] in "JA" and p.role != "young" and r.random() < 0.2:
        items += [item(r, "drip", 1), item(r, "ns100", 2)]
    dept = "儿科" if p.role == "child" else None
    visit(w, pi, vi, doctor(w, r, vi, dept), d, tod(r, who, w.venues[vi].cls, d, w), "outpatient", diag, items, holder)


def _refill(w: World, r: random.Random, pi: int, d: int, vi: int) -> None:
    p = w.persons[pi]
    meds = CHRONIC_MEDS[p.chronic]
    items = [item(r, "exam"), *(item(r, m, 30.0 if CAT[m][2] < 5 else 1.0) for m in meds[: r.randint(1, 3)])]
    if r.random() < 0.12:
        items.append(item(r, "hba1c" if p.chronic == "dm" else "lipid", 1))
    vt = "chronic" if p.cert else "outpatient"
    holder = _holder(w, r, pi) if vt == "outpatient" else None
    visit(w, pi, vi, doctor(w, r, vi), d, tod(r, "local", w.venues[vi].cls, d, w), vt, CHRONIC_DIAG[p.chronic], items,
          holder)  # fmt: skip


def _pharmacy(w: World, r: random.Random, pi: int, d: int) -> None:
    p = w.persons[pi]
    holder = None
    if p.itype != "employee" or p.region != w.knobs["region"]:
        holder = _holder(w, r, pi)
        if holder is None and r.random() > 0.3:
            return  # paid in cash: not a 医保 settlement
    street = p.street if p.street >= 0 else 0
    night = p.role == "young" and r.random() < 0.08
    vi = r.choice(venues(w, "night")) if night else _near(w, r, street, "pharmacy")
    keys = ["calcium", "lianhua", "ibup", "loratad", "omep", "eyedrop", "amlo", "atorva", "aspirin"]
    items = [item(r, k) for k in r.sample(keys, r.randint(1, 3))]
    t = r.randint(21 * 3600, 24 * 3600 - 60) if night else tod(r, p.role, "pharmacy", d, w)
    visit(w, pi, vi, None, d, t, "pharmacy", "", items, holder)


def _admission(w: World, r: random.Random, pi: int, d: int) -> None:
    p = w.persons[pi]
    old = age(w, p, d) >= 55
    x = r.random()
    cls = "tertiary" if x < 0.4 else "district" if x < 0.82 else "private"
    vi = r.choice(venues(w, cls))
    if p.role == "young" and p.sex == "F" and r.random() < 0.5:
        diag, los = "O80.000", r.randint(2, 4)
        vi = r.choice(venues(w, "district") + venues(w, "tertiary"))
    else:
        diag = r.choice(IN_DIAG if old else ["K35.800", "N20.000", "S82.200", "J18.900", "K80.200"])
        los = r.randint(4, 11) if old else r.randint(2, 6)  # DRG: short stays
    if p.death is not None and d + los > p.death:
        los = max(1, p.death - d)
    extra = [item(r, r.choice(["ct_chest", "ct_head", "us_abd", "mri_head", "mri_spine"]), 1)]
    stay(w, r, pi, vi, doctor(w, r, vi), d, r.randint(8 * 3600, 17 * 3600), los, diag, extra,
         nurse="nurse1" if old and r.random() < 0.4 else "nurse2")  # fmt: skip


def _remote(w: World, r: random.Random, pi: int) -> None:
    """An 异地就医 patient: an outpatient visit at the 医学中心, a stay a few days later, a follow-up after two to
    four weeks, online 复诊 each month for some (the e-prescription delivered home); a third come twice."""
    p = w.persons[pi]
    ti = r.choice(venues(w, "tertiary"))
    net = venues(w, "net")
    for _ in range(1 if r.random() < 0.7 else 2):
        d = r.randrange(0, max(1, w.days - 20))
        if not present(p, d):
            continue
        cancer = r.random() < 0.3
        diag = r.choice(CANCER_DIAG) if cancer else r.choice(IN_DIAG)
        dept = "肿瘤科" if cancer else r.choice(["心内科", "神经内科", "骨科", "消化内科", "普外科"])
        doc = doctor(w, r, ti, dept)
        visit(w, pi, ti, doc, d, tod(r, "remote", "tertiary", d, w), "outpatient", diag,
              [item(r, "exam_hi", 1), item(r, "ct_chest", 1), item(r, "cbc", 1)])  # fmt: skip
        a = d + r.randint(1, 5)
        if a < w.days - 3:
            stay(w, r, pi, ti, doc, a, r.randint(9 * 3600, 15 * 3600), r.randint(4, 12), diag,
                 [item(r, r.choice(["mri_head", "ct_head", "us_abd"]), 1)], nurse="nurse1")  # fmt: skip
        f = a + r.randint(20, 35)
        while f < w.days - 1 and r.random() < 0.6 and present(p, f):
            t = tod(r, "young", "net", f, w)
            if f + t // DAY >= w.days:
                break
            visit(w, pi, net[0], doc, f, t, "outpatient", diag, [item(r, "exam_net", 1)])
            _erx(w, r, pi, doc, f, t, diag, ["rosuva", "clopi"] if not cancer else ["omep"], None)
            f += r.randint(25, 40)


def _ltc(w: World, r: random.Random, pi: int) -> None:
    """A 失能 elder's ordinary 长护险 home care: 1-3 visits a week by one agency's caregiver, in daytime, stopped
    during stays and at death."""
    vi = r.choice(venues(w, "ltc"))
    cg = r.choice(w.venues[vi].docs)
    days = sorted(r.sample(range(6), r.randint(1, 3)))
    p = w.persons[pi]
    for d in range(r.randrange(30), w.days):
        if weekday(w, d) in days and present(p, d) and r.random() < 0.9:
            visit(w, pi, vi, cg, d, r.randint(8 * 3600, 16 * 3600), "outpatient", "R26.800",
                  [item(r, "ltc_hour", float(r.choice([1, 1, 2]))), item(r, "ltc_basic", 1)])  # fmt: skip


def ordinary_care(w: World) -> None:
    """Everyone's own care over the window, month by month: acute visits (flu-raised), 门慢 refills, pharmacy
    sales, stays, 长护险 home care. Planted members keep theirs (a ring's members are real patients too)."""
    r = rng(w.seed, "care")
    months = [(d, min(d + 30, w.days)) for d in range(0, w.days, 30)]
    for pi, p in enumerate(w.persons):
        if p.role == "remote":
            _remote(w, r, pi)
            continue
        a0 = age(w, p)
        old = a0 >= 55
        acute = 2.5 if old else 3.0 if p.role == "child" else 1.4
        admit = 0.16 if old else 0.02 if p.role == "child" else 0.035
        buys = 0.5 if old else 0.55 if p.role == "young" else 0.15
        for lo, hi in months:
            span = hi - lo
            f = flu(w, lo)
            for _ in range(poisson(r, acute * f * span / 365)):
                d = r.randrange(lo, hi)
                if present(p, d):
                    _acute(w, r, pi, d)
            for _ in range(poisson(r, buys * span / 30)):
                d = r.randrange(lo, hi)
                if present(p, d):
                    _pharmacy(w, r, pi, d)
            for _ in range(poisson(r, admit * span / 365)):
                d = r.randrange(lo, hi)
                if present(p, d) and d < w.days - 2 and not p.group.endswith(("drg_split", "cancer_lodging")):
                    _admission(w, r, pi, d)
        if p.chronic and p.own_refill:
            vi = _near(w, r, p.street, "chc") if r.random() < 0.65 else r.choice(
                venues(w, "tertiary") + venues(w, "district"))  # fmt: skip
            d = r.randrange(30)
            while d < w.days:
                if present(p, d) and weekday(w, d) < 6:
                    _refill(w, r, pi, d, vi)
                d += r.randint(25, 38)
        if p.disabled and not p.group:
            _ltc(w, r, pi)
