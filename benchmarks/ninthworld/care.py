"""ninthworld's ordinary care, the claim helpers every group uses, and the money rules (fund and personal account).

Workers are young and busy: they see a doctor after their shift (18:30-22:30) or on Sunday, mostly at the 工业区's
社区卫生服务站, 门诊部 and 诊所 (a drip at a drawn share of clinic visits), and spend their personal account at
pharmacies, part of it in the days after the account is credited; their kin follow them home for 春节.
"""

from __future__ import annotations

import random
from datetime import timedelta

from benchmarks._common import poisson

from .town import (
    CHILD_DIAG,
    DAY,
    IN_DIAG,
    OLD_DIAG,
    OUT_DIAG,
    Claim,
    World,
    add_claim,
    age,
    at,
    item,
    present,
    weekday,
)


def venues(w: World, cls: str, zone: int | None = None) -> list[int]:
    return [i for i, v in enumerate(w.venues) if v.cls == cls and (zone is None or v.zone == zone)]


def doctor(w: World, r: random.Random, vi: int, dept: str | None = None) -> int | None:
    docs = w.venues[vi].docs
    if not docs:
        return None
    own = [d for d in docs if w.doctors[d].dept == dept] if dept else []
    pool = own or docs
    return pool[min(int(r.expovariate(1.0) * len(pool) / 3), len(pool) - 1)]  # the first doctors are busier


def tod(r: random.Random, who: str, d_weekday: int, cls: str) -> int:
    """Seconds after midnight: workers after their shift or on Sunday, everyone else in office hours."""
    if who == "worker" and cls not in ("town_hosp", "occ", "rehab"):
        if d_weekday == 6:
            return r.randint(9 * 3600, 17 * 3600)
        if r.random() < 0.8:
            return r.randint(18 * 3600 + 1800, 22 * 3600 + 1800)
        return r.randint(8 * 3600, 11 * 3600)  # off a night shift
    if cls == "pharmacy":
        return r.randint(8 * 3600, 21 * 3600)
    return r.randint(8 * 3600, 11 * 3600 + 1800) if r.random() < 0.6 else r.randint(14 * 3600, 17 * 3600 + 1800)


def visit(w: World, r: random.Random, pi: int, vi: int, doc: int | None, d: int, t: int, vt: str, diag: str,
          items: list[tuple[str, float, float]], holder: int | None = None) -> Claim:  # fmt: skip
    c = Claim(at(w, pi, d), vi, doc, vt, d * DAY + t, None, items, diag, holder=holder)
    add_claim(w, c)
    return c


def stay(w: World, r: random.Random, pi: int, vi: int, doc: int | None, d: int, t: int, los: int, diag: str,
         extra: list[tuple[str, float, float]] | None = None, nurse: str = "nurse2", pad: float = 1.0) -> Claim | None:  # fmt: skip
    """An admission on day ``d`` at ``t`` for ``los`` nights (cut at the window's end); per-day bed, nursing, drips
    and drugs (×``pad``), plus ``extra`` lines."""
    los = min(los, w.days - 1 - d)
    if los < 1:
        return None
    items = [item(r, "bed_ward", los), item(r, nurse, los), item(r, "iv_day", los, pad),
             item(r, "ward_drugs", los, pad * r.uniform(0.7, 1.4)), item(r, "cbc", 2), item(r, "liver", 1)]  # fmt: skip
    items += extra or []
    end = (d + los) * DAY + r.randint(8 * 3600, 11 * 3600)
    c = Claim(at(w, pi, d), vi, doc, "inpatient", d * DAY + t, end, items, diag)
    add_claim(w, c)
    return c


def buy(w: World, r: random.Random, pi: int, vi: int, d: int, t: int, items: list[tuple[str, float, float]],
        rx: bool = False, doc: int | None = None, diag: str = "", holder: int | None = None) -> Claim:  # fmt: skip
    c = Claim(at(w, pi, d), vi, doc, "pharmacy", d * DAY + t, None, items, diag, holder=holder, rx=rx)
    add_claim(w, c)
    return c


def out_items(w: World, r: random.Random, cls: str, diag: str) -> list[tuple[str, float, float]]:
    its = [item(r, "exam_fee", 1)]
    its += [
        item(r, k) for k in r.sample(["amox", "cefu", "ibup", "lianhua", "omep", "loratad", "cough"], r.randint(1, 3))
    ]
    if cls in ("mzb", "clinic", "station", "factory") and r.random() < w.knobs["drip_share"]:
        its += [item(r, "drip", 1), item(r, "ns250", 2), item(r, "levo_inj", 1)]
    if r.random() < 0.3:
        its.append(item(r, "cbc", 1))
    if cls in ("town_hosp", "priv_hosp") and r.random() < 0.15:
        its.append(item(r, r.choice(["dr_chest", "bus", "ecg"]), 1))
    return its


def chronic_items(r: random.Random) -> list[tuple[str, float, float]]:
    keys = r.sample(["amlo", "metf", "atorva", "xinnao"], r.randint(1, 3))
    return [item(r, "exam_fee", 1)] + [item(r, k, 30.0 * r.choice([1, 2])) for k in keys]


def pharmacy_items(r: random.Random, old: bool) -> list[tuple[str, float, float]]:
    pool = (
        ["amlo", "metf", "atorva", "calcium", "xinnao"]
        if old
        else ["lianhua", "ibup", "loratad", "vitc", "banlan", "omep"]
    )
    return [item(r, k) for k in r.sample(pool, r.randint(1, 3))]


def pick_day(w: World, r: random.Random, pi: int, lo: int = 0, hi: int | None = None) -> int | None:
    p = w.persons[pi]
    hi = w.days if hi is None else min(hi, w.days)
    lo = max(lo, p.arrive, 0)
    if hi <= lo:
        return None
    for _ in range(12):
        d = r.randrange(lo, hi)
        if present(p, d):
            return d
    return None


def _payday(w: World, r: random.Random, d: int) -> int:
    """Move a day to 0-3 days after the month's account credit (the same month)."""
    day = w.start + timedelta(days=d)
    target = day.replace(day=min(28, w.knobs["payday"] + r.randint(0, 3)))
    return max(0, min(w.days - 1, d + (target - day).days))


def ordinary_care(w: World) -> None:
    """Every person's own care over the days they are in town (group members keep theirs too)."""
    r = random.Random(f"ninthworld:{w.seed}:care")
    k = w.knobs
    yr = w.days / 365.0
    fav: dict[int, list[int]] = {}
    for z in [-1] + list(range(k["zones"])):
        fav[z] = venues(w, "pharmacy", z)
    hosp, chc, priv = venues(w, "town_hosp")[0], venues(w, "chc"), venues(w, "priv_hosp")
    dental = venues(w, "dental")
    for pi, p in enumerate(w.persons):
        if p.role == "remote" or p.primary >= 0:
            continue
        a = age(w, p)
        who = "worker" if p.role == "worker" else "other"
        zone = p.zone if p.zone >= 0 else -1
        shops = r.sample(fav[zone], min(2, len(fav[zone])))
        holder = (
            p.parent
            if p.parent >= 0 and p.role == "child" and w.persons[p.parent].itype == "employee" and r.random() < 0.5
            else None
        )
        if p.role == "worker":
            rates = (2.0, 3.0, 0.03 + (0.05 if p.sex == "F" and a < 38 else 0.0))
            near = venues(w, "station", zone) + venues(w, "mzb", zone) + venues(w, "clinic", zone)
            fc = w.factories[p.factory]["clinic"] if p.factory >= 0 else -1
        elif p.role in ("child",) or (p.role == "kin" and a < 18):
            rates = (4.0, 1.0, 0.05)
            near = [hosp] * 3 + (venues(w, "station", zone) if zone >= 0 else chc)
            fc = -1
        elif a >= 60:
            rates = (5.0 if p.role != "kin" else 3.0, 4.0 if p.role != "kin" else 2.0, 0.18)
            near = chc * 2 + [hosp] * 2 + priv[:1]
            fc = -1
        else:
            rates = (2.5, 3.0, 0.05)
            near = chc + [hosp] + priv[:1]
            fc = -1
        for _ in range(poisson(r, rates[0] * yr)):
            d = pick_day(w, r, pi)
            if d is None:
                continue
            if fc >= 0 and r.random() < 0.2:
                vi = fc
            elif p.role == "worker" and r.random() < 0.15:
                vi = hosp
            elif p.role == "worker" and r.random() < 0.05:
                vi = r.choice(dental)
            else:
                vi = r.choice(near)
            cls = w.venues[vi].cls
            diag = r.choice(CHILD_DIAG if a < 15 else OLD_DIAG if a >= 60 and r.random() < 0.5 else OUT_DIAG)
            dept = "儿科" if a < 15 else "口腔科" if cls == "dental" else None
            its = (
                [item(r, "exam_fee"), item(r, "scale", 28), item(r, "pano", 1)]
                if cls == "dental"
                else out_items(w, r, cls, diag)
            )
            visit(
                w,
                r,
                pi,
                vi,
                doctor(w, r, vi, dept),
                d,
                tod(r, who, weekday(w, d), cls),
                "outpatient",
                diag,
                its,
                holder,
            )
        for _ in range(poisson(r, rates[1] * yr)):
            d = pick_day(w, r, pi)
            if d is None:
                continue
            if p.role == "worker" and r.random() < k["payday_pull"]:
                d = _payday(w, r, d)
                if not present(p, d):
                    continue
            vi = shops[0] if r.random() < 0.7 or len(shops) < 2 else shops[1]
            rx = r.random() < 0.25
            buy(w, r, pi, vi, d, tod(r, who, weekday(w, d), "pharmacy"), pharmacy_items(r, a >= 60), rx=rx,
                holder=holder)  # fmt: skip
        if p.chronic and p.role != "kin":
            vi = r.choice(chc + [hosp])
            doc = doctor(w, r, vi, "全科" if vi != hosp else "内科")
            d = r.randrange(0, 30)
            while d < w.days:  # back when the pills run out: a few days early or late each time, not on a timetable
                if present(p, d) and r.random() < 0.85:
                    visit(w, r, pi, vi, doc, d, tod(r, "other", weekday(w, d), w.venues[vi].cls), "chronic",
                          r.choice(["I10.x00", "E11.900"]), chronic_items(r))  # fmt: skip
                d += 28 + r.randint(-3, 6)
        for _ in range(poisson(r, rates[2] * yr)):
            d = pick_day(w, r, pi)
            if d is None:
                continue
            vi = hosp if r.random() < 0.65 else r.choice(priv)
            if p.role == "worker" and p.sex == "F" and a < 38 and r.random() < 0.6:
                diag, extra, los = "O80.000", [item(r, "delivery", 1)], r.randint(2, 4)
            else:
                diag, extra, los = (
                    r.choice(IN_DIAG),
                    [item(r, r.choice(["ct_head", "bus", "dr_chest"]), 1)],
                    r.randint(3, 12),
                )
            stay(w, r, pi, vi, doctor(w, r, vi), d, r.randint(8 * 3600, 20 * 3600), los, diag, extra)


def fund_of(w: World, c: Claim, total: float) -> tuple[float, float]:
    """(fund, personal account) of a claim of ``total`` yuan: pooled-fund rates by visit type, venue and scheme;
    异地 patients at their home scheme's lower rate; employees' personal account pays what the fund leaves."""
    p = w.persons[c.patient]
    payer = w.persons[c.holder] if c.holder is not None else p
    emp = p.itype == "employee"
    far = p.region != w.knobs["region"]
    v = w.venues[c.venue]
    if c.vtype == "pharmacy":
        rate = (0.5 if emp else 0.4) if c.rx else 0.0
    elif c.vtype == "chronic":
        rate = 0.75 if emp else 0.65
    elif c.vtype == "outpatient":
        base = {"station": (0.7, 0.6), "chc": (0.7, 0.6), "dental": (0.4, 0.2), "mzb": (0.5, 0.35),
                "clinic": (0.5, 0.35), "factory": (0.5, 0.35)}.get(v.cls, (0.55, 0.45))  # fmt: skip
        rate = 0.45 if far else base[0 if emp else 1]
    else:
        ded = (500.0 if v.level >= 2 else 300.0) * (1.5 if far else 1.0)
        rate = 0.6 if far else 0.85 if emp else 0.75 if v.level <= 1 else 0.7
        fund = round(max(0.0, total - ded) * rate, 2)
        return fund, round(total - fund, 2) if payer.itype == "employee" and c.holder is None and emp else 0.0
    fund = round(total * rate, 2)
    acct = round(total - fund, 2) if payer.itype == "employee" else 0.0
    return fund, acct
