"""Make one tenthworld: a shrinking northeastern old-industrial 区 of 国企 retirees, its 家属楼 and 棚户区 lanes.

`python -m benchmarks.tenthworld.make --seed 3 --persons 30000 --out DIR` writes the contract's tables as CSV
(`persons`, `facilities`, `pharmacies`, `doctors`, `claims`, and `claim_items` in most worlds) and `truth.json`
(knobs, summary, planted rings, benign groups). Written from /work/shared/data-contract.md, design.md and the other
generators' READMEs only (to choose different assumptions). Every draw comes from a string-seeded `random.Random`
per part, so the same seed and size give byte-identical files in any process; the knobs do not depend on the size.
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import generator_main
from benchmarks._common import plant_all as common_plant_all

from .care import ordinary_care
from .city import PLACES, WINTER_PLACES, Doctor, Person, Venue, World, age, rng
from .export import write_world
from .groups import BENIGN_FN, KIND, RING_FN, SCHEMES

BENIGN = list(BENIGN_FN)
__all__ = ["BENIGN", "KIND", "SCHEMES", "build", "draw_knobs", "make", "write_world"]
OPTIONAL_DROP = {
    "persons.sex": 0.1, "persons.region": 0.2, "persons.insured_type": 0.25, "persons.death_date": 0.35,
    "facilities.name": 0.25, "facilities.kind": 0.25, "facilities.level": 0.3, "facilities.ownership": 0.35,
    "facilities.region": 0.5, "facilities.beds": 0.45, "pharmacies.name": 0.25, "pharmacies.chain": 0.35,
    "pharmacies.region": 0.5, "doctors.facility_id": 0.15, "doctors.name": 0.6, "doctors.title": 0.4,
    "doctors.department": 0.3, "claims.holder_id": 0.3, "claims.doctor_id": 0.06, "claims.end_time": 0.08,
    "claims.account_amount": 0.35, "claims.diagnosis": 0.15, "claims.terminal_id": 0.5,
}  # fmt: skip


def draw_knobs(seed: int, persons: int, override: dict | None = None) -> dict[str, Any]:
    """The world's assumptions, drawn from the seed alone (``persons`` is not used: knobs do not scale)."""
    r = rng(seed, "knobs")
    rings = {r.choice(["snowbird_cards", "account_cashout"]), r.choice(["home_visits", "chronic_quota"])}
    rings.add(r.choice(["winter_beds", "checkup_admission"]))
    if r.random() < 0.7:
        rings.add("herbal_steering")
    for s in SCHEMES:
        if s not in rings and r.random() < 0.35:
            rings.add(s)
    rest = [s for s in SCHEMES if s not in rings]
    r.shuffle(rest)
    while len(rings) < 5:
        rings.add(rest.pop())
    benign = [b for b in BENIGN if r.random() < 0.8]
    more = [b for b in BENIGN if b not in benign]
    r.shuffle(more)
    while len(benign) < 4:
        benign.append(more.pop())
    k: dict[str, Any] = {
        "rings": [s for s in SCHEMES if s in rings],
        "benign": [b for b in BENIGN if b in benign],
        "place": r.randrange(len(PLACES)),
        "start": r.choice(["2024-07-01", "2024-09-01", "2024-10-01", "2024-11-01", "2024-12-01", "2025-01-01"]),
        "months": r.choice([6, 8, 10, 12]),
        "streets": r.randint(4, 7),
        "lanes": r.randint(1, 3),  # 棚户区 lanes of 平房 heated by coal stoves
        "retiree_share": round(r.uniform(0.55, 0.8), 3),  # elders drawing a 国企 pension (职工医保)
        "elder_share": round(r.uniform(0.38, 0.55), 3),  # households of elders only (the young have gone south)
        "chronic": round(r.uniform(0.45, 0.65), 3),  # elders with a chronic disease
        "cert": round(r.uniform(0.35, 0.6), 3),  # of those, with a 门诊慢特病 certificate
        "snowbird": round(r.uniform(0.06, 0.2), 3),  # retirees wintering in the south (异地安置)
        "acct_day": r.randint(1, 15),  # the day retirees' personal accounts are credited
        "midway": r.choice(["monthly", "year_end"]),  # 中途结算 of long stays: each month, or only at the year's end
        "time_mode": r.choice(["second", "second", "minute", "venue", "date"]),
        "person_ids": r.choice(["legacy10", "code16", "hash"]),
        "doctor_ids": r.choice(["nat", "legacy7"]),
        "claim_ids": r.choice(["venue_day", "snowflake", "uuid"]),
        "item_codes": r.choice(["national", "local", "works_local"]),
        "items": r.random() < 0.7,
        "phones": r.choice(["hash", "hash", "none"]),
        "address": r.choice(["flat", "flat", "building"]),
        "icd": r.choice(["ext", "dotted", "works_short"]),
        "birth_year": r.random() < 0.25,
        "bom": r.random() < 0.5,
        "crlf": r.random() < 0.35,
        "row_order": r.choice(["claim_id", "venue", "time"]),
        "drop": sorted(c for c, p in OPTIONAL_DROP.items() if r.random() < p),
    }
    if override:
        k.update(override)
    return k


SURNAMES = "王李张刘赵孙杨于徐高马朱郭周吴"
GIVEN = "秀淑玉桂凤志国建永德春丽红军伟"


def _venue(
    w: World, r: random.Random, cls: str, street: int, name: str, depts: list[str], n_docs: int, **kw: Any
) -> int:
    kind = {"central": "hospital", "works": "hospital", "tcm": "hospital", "private": "hospital", "hospice": "specialty",
            "chc": "community", "pharmacy": "pharmacy", "herbshop": "pharmacy", "dtp": "pharmacy"}.get(cls, "clinic")  # fmt: skip
    old_his = w.knobs["time_mode"] == "venue" and cls in ("works", "chc")
    v = Venue(kind, cls, name, street, region=w.knobs["region"], dates_only=old_his, **kw)
    vi = len(w.venues)
    w.venues.append(v)
    for j in range(n_docs):
        title = r.choice(["主任医师", "副主任医师", "主治医师", "医师", "医师"]) if kind != "clinic" else "医师"
        nm = r.choice(SURNAMES) + r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.6 else "")
        w.doctors.append(Doctor(vi, depts[j % len(depts)], title, nm))
        v.docs.append(len(w.doctors) - 1)
    return vi


def build_place(w: World) -> None:
    r = rng(w.seed, "place")
    k = w.knobs
    dist, _, works = PLACES[k["place"]]
    _venue(w, r, "central", 0, f"{dist}人民医院", ["内科", "呼吸内科", "心内科", "神经内科", "外科", "骨科", "肿瘤科",
           "急诊科", "中医科"], r.randint(45, 70), level=2, own="public", beds=r.randint(350, 600))  # fmt: skip
    _venue(w, r, "works", 1, f"{works}总医院(原职工医院)", ["内科", "高压氧科", "外科", "骨科", "老年病科", "康复科"],
           r.randint(28, 48), level=2, own="public", beds=r.randint(250, 450))  # fmt: skip
    _venue(w, r, "tcm", 0, f"{dist}中医院", ["中医内科", "针灸科", "康复科", "肿瘤科"], r.randint(14, 24), level=2,
           own="public", beds=r.randint(120, 220))  # fmt: skip
    for j in range(r.randint(1, 3)):
        _venue(w, r, "private", r.randrange(k["streets"]), f"{dist}{r.choice('康泰仁安福')}{r.choice('宁和济民')}医院",
               ["内科", "中医科", "康复科", "外科"], r.randint(8, 18), level=r.choice([1, 0]), beds=r.randint(60, 160))  # fmt: skip
    _venue(w, r, "hospice", r.randrange(k["streets"]), f"{dist}{r.choice('夕阳颐康福寿')}医养结合护理院", ["安宁疗护科"],
           r.randint(3, 6), own=r.choice(["public", "private"]), beds=r.randint(30, 80))  # fmt: skip
    for s in range(k["streets"]):
        street = f"{dist}第{s + 1}街道"
        _venue(w, r, "chc", s, f"{street}社区卫生服务中心", ["全科", "中医科", "康复科"], r.randint(6, 12), level=1,
               own="public", beds=r.randint(0, 20))  # fmt: skip
        for j in range(r.randint(1, 3)):
            _venue(w, r, "clinic", s, f"{street}{r.choice(SURNAMES)}{r.choice(['氏', '家', ''])}诊所", ["全科"],
                   r.randint(1, 2))  # fmt: skip
    for j in range(r.randint(2, 4)):
        _venue(w, r, "mzb", r.randrange(k["streets"]), f"{dist}{r.choice('惠民益康仁和')}{r.choice('堂中心')}门诊部",
               ["内科", "中医科", "理疗科"], r.randint(2, 5))  # fmt: skip
    chains = r.sample(
        ["老百姓大药房", "成大方圆", "吉林大药房", "亚泰大药房", "北京同仁堂", "宝丰药房"], r.randint(2, 3)
    )
    for s in range(k["streets"]):
        for j in range(r.randint(3, 8)):
            ch = r.choice(chains) if r.random() < 0.5 else ""
            _venue(w, r, "pharmacy", s, f"{ch or r.choice('康福仁寿德')}{r.choice('民济心泰')}药店{s + 1}-{j + 1}", [], 0,
                   chain=ch)  # fmt: skip
    _venue(w, r, "dtp", 0, f"{chains[0]}双通道DTP药房", [], 0, chain=chains[0])
    for j in range(r.randint(2, 4)):
        _venue(w, r, "herbshop", r.randrange(k["streets"]), f"{r.choice('德仁回春济世')}{r.choice('堂号')}中药房{j + 1}",
               [], 0)  # fmt: skip


def _person(w: World, **kw: Any) -> int:
    w.persons.append(Person(**kw))
    return len(w.persons) - 1


def _birth(w: World, r: random.Random, lo: float, hi: float) -> date:
    return w.start - timedelta(days=int(r.uniform(lo, hi) * 365.25))


def _new(w: World, what: str) -> int:
    if what == "phone":
        w.n_phone += 1
        return w.n_phone - 1
    w.n_addr += 1
    return w.n_addr - 1


def _elder(w: World, r: random.Random, sex: str, street: int, home: int, b: int, phone: int) -> int:
    k = w.knobs
    ret = r.random() < k["retiree_share"]
    chronic = r.choice(["htn", "htn", "dm", "copd", "chd", "stroke"]) if r.random() < k["chronic"] else ""
    return _person(w, sex=sex, born=_birth(w, r, 60, 90), role="retiree" if ret else "elder",
                   itype="employee" if ret else "resident", region=k["region"], street=street, home=home, building=b,
                   phone=phone, chronic=chronic, cert=bool(chronic) and r.random() < k["cert"])  # fmt: skip


def build_people(w: World, n: int) -> None:
    r = rng(w.seed, "people")
    k = w.knobs
    lanes = set(r.sample(range(k["streets"]), min(k["lanes"], k["streets"])))
    fill: dict[int, list[int]] = {}  # street -> [open building, flats left]
    while len(w.persons) < n:
        s = r.randrange(k["streets"])
        lane = s in lanes and r.random() < 0.12
        key = -1 - s if lane else s
        cur = fill.get(key)
        if cur is None or cur[1] <= 0:
            cur = fill[key] = [len(w.buildings), r.randint(15, 40) if lane else r.randint(48, 96)]
            w.buildings.append([])
            if lane:
                w.lanes.append(cur[0])
        cur[1] -= 1
        b, home = cur[0], _new(w, "addr")
        x = r.random()
        fam: list[int] = []
        if x < k["elder_share"] or lane and x < k["elder_share"] + 0.15:
            shared = _new(w, "phone") if r.random() < 0.3 else -1  # a child's phone in the south for both
            for sex in ["M", "F"] if r.random() < 0.62 else [r.choice("MFF")]:
                own = _new(w, "phone") if r.random() < 0.55 else shared
                fam.append(_elder(w, r, sex, s, home, b, own))
            if len(fam) == 2:
                w.persons[fam[0]].spouse, w.persons[fam[1]].spouse = fam[1], fam[0]
        elif x < k["elder_share"] + 0.3:
            for sex in ["M", "F"] if r.random() < 0.7 else [r.choice("MF")]:
                fam.append(_person(w, sex=sex, born=_birth(w, r, 40, 60), role="adult",
                                   itype="employee" if r.random() < 0.6 else "resident", region=k["region"], street=s,
                                   home=home, building=b, phone=_new(w, "phone"),
                                   chronic="htn" if r.random() < 0.12 else ""))  # fmt: skip
            if r.random() < 0.4:
                fam.append(_person(w, sex=r.choice("MF"), born=_birth(w, r, 6, 18), role="child", itype="resident",
                                   region=k["region"], street=s, home=home, building=b, phone=-1, parent=fam[0]))  # fmt: skip
        else:
            for sex in ["M", "F"] if r.random() < 0.6 else [r.choice("MF")]:
                fam.append(_person(w, sex=sex, born=_birth(w, r, 22, 40), role="young",
                                   itype="employee" if r.random() < 0.65 else "resident", region=k["region"], street=s,
                                   home=home, building=b, phone=_new(w, "phone")))  # fmt: skip
            for _ in range(r.choice([0, 1, 1, 2])):
                fam.append(_person(w, sex=r.choice("MF"), born=_birth(w, r, 0.5, 12), role="child", itype="resident",
                                   region=k["region"], street=s, home=home, building=b, phone=-1, parent=fam[0]))  # fmt: skip
            if r.random() < 0.25:  # three generations under one roof
                fam.append(_elder(w, r, r.choice("MF"), s, home, b, _new(w, "phone") if r.random() < 0.5 else -1))
        w.buildings[b] += fam
    del w.persons[n:]
    w.buildings = [[i for i in b if i < n] for b in w.buildings]
    for p in w.persons:
        if p.spouse >= n:
            p.spouse = -1
        if p.parent >= n:
            p.parent = -1
    _presence(w, r)


def _winter(w: World) -> tuple[int, int]:
    """Day indices of the 候鸟's winter in the south that overlaps the window (departure, return)."""
    for y in (w.start.year - 1, w.start.year):
        go, back = (date(y, 11, 1) - w.start).days, (date(y + 1, 4, 1) - w.start).days
        if back > 0 and go < w.days:
            return go, back
    return w.days, w.days


def _presence(w: World, r: random.Random) -> None:
    """候鸟 winters (a couple goes together), and deaths (more in winter)."""
    k = w.knobs
    go, back = _winter(w)
    k["winter_place"] = WINTER_PLACES[r.randrange(len(WINTER_PLACES))]
    for i, p in enumerate(w.persons):
        if p.role == "retiree" and p.away is None and r.random() < k["snowbird"]:
            p.away = (go + r.randint(-10, 35), back + r.randint(-15, 30))
            if p.spouse >= 0:
                w.persons[p.spouse].away = p.away
    for p in w.persons:
        if p.role in ("retiree", "elder") and r.random() < (0.07 if age(w, p) >= 80 else 0.025) * w.days / 365:
            d = r.randrange(w.days)
            if not (p.away and p.away[0] <= d < p.away[1]):
                p.death = d


def plant_all(w: World) -> None:
    common_plant_all(w, rng, RING_FN, BENIGN_FN)


def build(seed: int, persons: int, override: dict | None = None) -> World:
    k = draw_knobs(seed, persons, override)
    k["region"] = PLACES[k["place"]][1]
    start = date.fromisoformat(k["start"])
    y, m = start.year, start.month + k["months"]
    end = date(y + (m - 1) // 12, (m - 1) % 12 + 1, 1)
    w = World(seed, k, start, (end - start).days)
    build_place(w)
    build_people(w, persons)
    plant_all(w)  # groups first: their members are taken before ordinary care is drawn (they keep it too)
    ordinary_care(w)
    return w


def make(seed: int, persons: int, out: Path, override: dict | None = None) -> dict[str, Any]:
    return write_world(build(seed, persons, override), out)


def main(argv: list[str] | None = None) -> int:
    return generator_main(make, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
