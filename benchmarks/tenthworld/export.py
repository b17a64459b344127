"""tenthworld's export: the contract's tables as an old-industrial district's bureau writes them, and truth.json.

Per world: person ids as the old city system's 10-digit 个人编号 with leading zeros (`0003175402`), 16-digit codes
beginning with the area, or 32-hex hashes; doctor ids national (`D230206…`) or a 7-digit legacy code with leading
zeros; settlement ids of the venue, the settlement day and a sequence restarting each day, time-ordered 19-digit
(snowflake) numbers, or 32-hex; a stay settled in pieces (中途结算) as consecutive inpatient claims; times to the
second, the minute, dates only, or dates only at the venues whose old HIS keeps no time (the 国企's old hospital and
the 社区 centres) and seconds elsewhere; addresses per flat or only per 家属楼 (every household of a building shares
one key); phones hashed or absent; fee-item codes national, a provincial 8-digit code, or provincial at the old
职工医院 only; ICD with the national extension, 4-character, or 4-character at the old 职工医院 only.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import kept_columns, truth_doc, write_csv

from .care import fund_of
from .city import CAT, DAY, Claim, World, rng
from .groups import KIND


def _h(*parts: Any) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()


def _unique(make: Any) -> Any:
    seen: set[str] = set()

    def draw() -> str:
        while True:
            x = make()
            if x not in seen:
                seen.add(x)
                return x

    return draw


def _ids(w: World) -> None:
    r = rng(w.seed, "ids")
    k, region = w.knobs, w.knobs["region"]
    person = _unique({"legacy10": lambda: f"{r.randrange(10**7, 10**9):010d}",
                      "code16": lambda: f"{region[:4]}{r.randrange(10**12):012d}",
                      "hash": lambda: _h(w.seed, "psn", r.random())[:32]}[k["person_ids"]])  # fmt: skip
    for p in w.persons:
        p.pid = person()
    nums = r.sample(range(10000, 99999), len(w.venues))
    for v, n in zip(w.venues, nums):
        v.vid = f"{'P' if v.kind == 'pharmacy' else 'H'}{region}{n:05d}"
    doc = _unique(
        (lambda: f"D{region}{r.randrange(10**6):06d}")
        if k["doctor_ids"] == "nat"
        else (lambda: f"{r.randrange(10**6):07d}")
    )
    for d in w.doctors:
        d.did = doc()
    for p in w.persons:
        p.phone_s = _h(w.seed, "tel", p.phone)[:16] if p.phone >= 0 else ""
        p.addr_s = _h(w.seed, "addr", p.building if k["address"] == "building" and p.building >= 0 else ("f", p.home))[
            :12
        ]


def _icd(w: World, code: str, vi: int) -> str:
    mode = w.knobs["icd"]
    if not code or mode == "ext" or (mode == "works_short" and w.venues[vi].cls != "works"):
        return code
    return code[:5].rstrip("x").rstrip(".")


def _item_code(w: World, key: str, vi: int) -> str:
    mode = w.knobs["item_codes"]
    cat = CAT[key][1]
    h = int(_h("item", key)[:12], 16)
    if mode == "local" or (mode == "works_local" and w.venues[vi].cls == "works"):
        return f"{'2' if cat in ('drug', 'herbal') else '4'}{h % 10**7:07d}"
    if cat in ("drug", "herbal"):
        return f"X{'ABCJNR'[h % 6]}{h % 100:02d}{'ABC'[h % 3]}{'A'}{h % 1000:03d}A{(h // 1000) % 10**12:012d}"
    return f"00{h % 10**13:013d}"


def _fmt(w: World, s: int, vi: int) -> str:
    d, rem = divmod(s, DAY)
    day = (w.start + timedelta(days=d)).isoformat()
    mode = w.knobs["time_mode"]
    if mode == "date" or (mode == "venue" and w.venues[vi].dates_only):
        return day
    hh, rem = divmod(rem, 3600)
    mm, ss = divmod(rem, 60)
    return f"{day} {hh:02d}:{mm:02d}:{0 if mode == 'minute' else ss:02d}"


def _settled(c: Claim) -> int:
    return c.end if c.end is not None else c.start


def _claim_ids(w: World) -> dict[int, str]:
    """Settlement ids in settlement order: venue + day + a sequence restarting daily, snowflake numbers (41 bits of
    milliseconds, then a worker and a sequence), or 32-hex."""
    r = rng(w.seed, "claim-ids")
    mode = w.knobs["claim_ids"]
    ids: dict[int, str] = {}
    count: dict[Any, int] = {}
    hexes = _unique(lambda: f"{r.getrandbits(128):032x}")
    epoch = (w.start - w.start.replace(year=2020, month=1, day=1)).days * DAY * 1000
    for ci in sorted(range(len(w.claims)), key=lambda i: (_settled(w.claims[i]), i)):
        c = w.claims[ci]
        s = _settled(c)
        if mode == "venue_day":
            key = (c.venue, s // DAY)
            count[key] = count.get(key, 0) + 1
            day = (w.start + timedelta(days=s // DAY)).strftime("%Y%m%d")
            ids[ci] = f"{w.venues[c.venue].vid}{day}{count[key]:04d}"
        elif mode == "snowflake":
            ms = epoch + s * 1000 + r.randrange(1000)
            count[ms] = count.get(ms, 0) + 1
            ids[ci] = str((ms << 22) | (c.venue % 1024) << 12 | count[ms])
        else:
            ids[ci] = hexes()
    return ids


def write_world(w: World, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    k = w.knobs
    drop = list(k["drop"]) + (["persons.phone"] if k["phones"] == "none" else [])
    _ids(w)
    r = rng(w.seed, "export")

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
        term = f"{v.vid[-5:]}-{(c.start // 3600 + c.patient) % (1 + len(v.docs) // 8):02d}"
        crow.append([ids[ci], w.persons[c.patient].pid, w.persons[c.holder].pid if c.holder is not None else "", fid,
                     phid, w.doctors[c.doctor].did if c.doctor is not None else "", c.vtype, _fmt(w, c.start, c.venue),
                     _fmt(w, c.end, c.venue) if c.end is not None else "", f"{total:.2f}", f"{fund:.2f}", f"{acct:.2f}",
                     _icd(w, c.diag, c.venue), term])  # fmt: skip
        if k["items"]:
            for key, q, price in c.items:
                irow.append([ids[ci], _item_code(w, key, c.venue), CAT[key][0], CAT[key][1], f"{q:g}",
                             f"{price:.4f}".rstrip("0").rstrip(".") if price != int(price) else f"{price:.2f}",
                             f"{round(q * price, 2):.2f}"])  # fmt: skip
    put("claims", ["claim_id", "patient_id", "holder_id", "facility_id", "pharmacy_id", "doctor_id", "visit_type",
                   "start_time", "end_time", "total_amount", "fund_amount", "account_amount", "diagnosis",
                   "terminal_id"], crow)  # fmt: skip
    if k["items"]:
        put("claim_items", ["claim_id", "item_code", "item_name", "category", "quantity", "unit_price", "amount"], irow)
    del r
    truth = truth_doc("tenthworld", w, KIND, len(crow), len(irow), fund_total)
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return truth
