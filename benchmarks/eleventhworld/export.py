"""eleventhworld's export: the contract's tables as a megacity new district's bureau writes them, and truth.json.

Per world: person ids as the national 20-digit 人员编号 beginning with the insured area (a 随迁 parent's or an 异地
patient's with their home county's code), as 电子凭证 pseudonyms (`E` and 17 letters and digits), or mixed: the
city's 12-digit numbers with leading zeros for its own insured and 20-digit national numbers for everyone insured
elsewhere; doctor ids carrying their registration area (a 互联网医院 platform's doctors another province's), the
长护险 caregivers as `N…`, the 长护险 agencies as `C…`; a 互联网医院's visits under its own facility code but its
hospital's doctors; settlement ids as platform order numbers for online visits and delivery sales (`WZ…`) beside
the bureau's ids for the rest, a national 结算ID of area, day, venue and sequence, or 32-hex; times with a space or
the ISO `T`, to the second or the minute, or dates only; online visits after midnight dated the next day; a stay
one DRG settlement, its fee lines exported or not; phones hashed or absent; ICD with the national extension or
4-character.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import kept_columns, truth_doc, write_csv

from .care import fund_of
from .district import CAT, DAY, Claim, World, rng
from .groups import KIND

ONLINE = ("net", "platform", "o2o")
PSEUDO = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _h(*parts: Any) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()


def _unique(make: Any) -> Any:
    seen: set[str] = set()

    def draw(*a: Any) -> str:
        while True:
            x = make(*a)
            if x not in seen:
                seen.add(x)
                return x

    return draw


def _ids(w: World) -> None:
    r = rng(w.seed, "ids")
    k, region = w.knobs, w.knobs["region"]
    mode = k["person_ids"]

    def psn(reg: str) -> str:
        if mode == "ecard":
            return "E" + "".join(r.choice(PSEUDO) for _ in range(17))
        if mode == "mixed" and reg == region:
            return f"{r.randrange(10**9):012d}"
        return f"{reg}{r.randrange(10**14):014d}"

    person = _unique(psn)
    for p in w.persons:
        p.pid = person(p.region)
    nums = r.sample(range(10000, 99999), len(w.venues))
    for v, n in zip(w.venues, nums):
        v.vid = f"{'P' if v.kind == 'pharmacy' else 'C' if v.cls == 'ltc' else 'H'}{region}{n:05d}"
    doc = _unique(lambda pre, reg: f"{pre}{reg}{r.randrange(10**6):06d}")
    for d in w.doctors:
        d.did = doc("N" if w.venues[d.venue].cls == "ltc" else "D", d.region)
    for p in w.persons:
        p.phone_s = _h(w.seed, "tel", p.phone)[:16] if p.phone >= 0 else ""
        p.addr_s = _h(w.seed, "addr", p.home)[:12] if p.home >= 0 else ""


def _icd(w: World, code: str) -> str:
    if not code or w.knobs["icd"] == "ext":
        return code
    return code[:5].rstrip("x").rstrip(".")


def _item_code(key: str) -> str:
    cat = CAT[key][1]
    h = int(_h("item", key)[:12], 16)
    if cat in ("drug", "herbal"):
        return f"X{'ABCJNR'[h % 6]}{h % 100:02d}{'ABC'[h % 3]}A{h % 1000:03d}A{(h // 1000) % 10**12:012d}"
    if cat == "consumable":
        return f"C{h % 10**19:019d}"
    return f"00{h % 10**13:013d}"


def _fmt(w: World, s: int) -> str:
    d, rem = divmod(s, DAY)
    day = (w.start + timedelta(days=d)).isoformat()
    mode = w.knobs["time_mode"]
    if mode == "date":
        return day
    hh, rem = divmod(rem, 3600)
    mm, ss = divmod(rem, 60)
    sep = "T" if mode == "t_second" else " "
    return f"{day}{sep}{hh:02d}:{mm:02d}:{0 if mode == 'minute' else ss:02d}"


def _settled(c: Claim) -> int:
    return c.end if c.end is not None else c.start


def _claim_ids(w: World) -> dict[int, str]:
    """Settlement ids in settlement order: platform order numbers (`WZ` + time + sequence) for online visits and
    delivery sales beside the bureau's day-sequence ids, a national 结算ID (area, day, venue, sequence), or 32-hex."""
    r = rng(w.seed, "claim-ids")
    mode = w.knobs["claim_ids"]
    region = w.knobs["region"]
    ids: dict[int, str] = {}
    count: dict[Any, int] = {}
    hexes = _unique(lambda: f"{r.getrandbits(128):032x}")
    for ci in sorted(range(len(w.claims)), key=lambda i: (_settled(w.claims[i]), i)):
        c = w.claims[ci]
        s = _settled(c)
        v = w.venues[c.venue]
        day = (w.start + timedelta(days=s // DAY)).strftime("%Y%m%d")
        if mode == "hex":
            ids[ci] = hexes()
        elif mode == "platform" and v.cls in ONLINE:
            hms = f"{s % DAY // 3600:02d}{s % 3600 // 60:02d}{s % 60:02d}"
            key = ("wz", s)
            count[key] = count.get(key, 0) + 1
            ids[ci] = f"WZ{day}{hms}{count[key]:04d}"
        elif mode == "platform":
            count[day] = count.get(day, 0) + 1
            ids[ci] = f"{region}{day}{count[day]:07d}"
        else:
            key = (c.venue, day)
            count[key] = count.get(key, 0) + 1
            ids[ci] = f"{region}{day}{v.vid[-5:]}{count[key]:06d}"
    return ids


def _truth(w: World, n_claims: int, n_items: int, fund: float) -> dict[str, Any]:
    """The judges' truth.json; a group's core counts the members billed as patients or as the 共济 holders whose
    accounts paid (a drained account's owner is a ring member the claims name), unless the export drops holder_id
    (then nothing shows the owners: they are left out of the core)."""
    doc = truth_doc("eleventhworld", w, KIND, n_claims, n_items, fund)
    if "claims.holder_id" in w.knobs["drop"]:
        return doc
    by_id = {g["id"]: g for g in w.plans}
    for entry in doc["rings"] + doc["benign"]:
        g = by_id[entry["id"]]
        lo, hi = g["claims"]
        members = set(g["members"])
        paid = {w.claims[i].holder for i in range(lo, hi) if w.claims[i].holder in members}
        if paid:
            core = set(entry["core"]) | {w.persons[i].pid for i in paid if i is not None}
            entry["core"] = sorted(core)
            entry["params"]["core_unused"] = len(entry["persons"]) - len(core)
    return doc


def write_world(w: World, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    k = w.knobs
    drop = list(k["drop"]) + (["persons.phone"] if k["phones"] == "none" else [])
    _ids(w)

    def put(name: str, header: list[str], rows: list[list[Any]]) -> None:
        write_csv(out / f"{name}.csv", header, rows, columns=kept_columns(name, header, drop), bom=k["bom"],
                  crlf=k["crlf"])  # fmt: skip

    bcol = "birth_year" if k["birth_year"] else "birth_date"
    put("persons", ["person_id", "sex", bcol, "region", "insured_type", "phone", "address", "death_date"],
        [[p.pid, p.sex, str(p.born.year) if k["birth_year"] else p.born.isoformat(), p.region, p.itype, p.phone_s,
          p.addr_s, (w.start + timedelta(days=p.death)).isoformat() if p.death is not None else None]
         for p in w.persons])  # fmt: skip
    put("facilities", ["facility_id", "name", "kind", "level", "ownership", "region", "beds"],
        [[v.vid, v.name, v.kind, v.level, v.own, v.region, v.beds] for v in w.venues if v.kind != "pharmacy"])  # fmt: skip
    put("pharmacies", ["pharmacy_id", "name", "chain", "region"],
        [[v.vid, v.name, v.chain, v.region] for v in w.venues if v.kind == "pharmacy"])  # fmt: skip
    put("doctors", ["doctor_id", "facility_id", "name", "title", "department"],
        [[d.did, w.venues[d.venue].vid, d.name, d.title, d.dept] for d in w.doctors])  # fmt: skip
    ids = _claim_ids(w)
    order = list(range(len(w.claims)))
    if k["row_order"] == "claim_id":
        order.sort(key=lambda i: ids[i])
    elif k["row_order"] == "venue":
        order.sort(key=lambda i: (w.venues[w.claims[i].venue].vid, w.claims[i].start, i))
    elif k["row_order"] == "patient":
        order.sort(key=lambda i: (w.persons[w.claims[i].patient].pid, w.claims[i].start, i))
    else:
        order.sort(key=lambda i: (w.claims[i].start, i))
    crow, irow = [], []
    fund_total = 0.0
    for ci in order:
        c = w.claims[ci]
        v = w.venues[c.venue]
        total = round(sum(round(q * p, 2) for _, q, p in c.items), 2)
        fund, acct = fund_of(w, c, total)
        fund_total += fund
        fid, phid = (v.vid, "") if v.kind != "pharmacy" else ("", v.vid)
        if v.cls in ("net", "platform"):
            term = "ONLINE"
        elif v.cls == "o2o":
            term = f"{v.vid[-5:]}-APP"
        else:
            term = f"{v.vid[-5:]}-{(c.start // 3600 + c.patient) % (1 + len(v.docs) // 8):02d}"
        crow.append([ids[ci], w.persons[c.patient].pid, w.persons[c.holder].pid if c.holder is not None else "", fid,
                     phid, w.doctors[c.doctor].did if c.doctor is not None else "", c.vtype, _fmt(w, c.start),
                     _fmt(w, c.end) if c.end is not None else "", f"{total:.2f}", f"{fund:.2f}", f"{acct:.2f}",
                     _icd(w, c.diag), term])  # fmt: skip
        if k["items"] and (k["drg_items"] or c.vtype != "inpatient"):
            for key, q, price in c.items:
                irow.append([ids[ci], _item_code(key), CAT[key][0], CAT[key][1], f"{q:g}",
                             f"{price:.4f}".rstrip("0").rstrip(".") if price != int(price) else f"{price:.2f}",
                             f"{round(q * price, 2):.2f}"])  # fmt: skip
    put("claims", ["claim_id", "patient_id", "holder_id", "facility_id", "pharmacy_id", "doctor_id", "visit_type",
                   "start_time", "end_time", "total_amount", "fund_amount", "account_amount", "diagnosis",
                   "terminal_id"], crow)  # fmt: skip
    if k["items"]:
        put("claim_items", ["claim_id", "item_code", "item_name", "category", "quantity", "unit_price", "amount"], irow)
    truth = _truth(w, len(crow), len(irow), fund_total)
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return truth
