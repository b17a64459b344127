"""ninthworld's export: the contract's tables as one town's bureau writes them, and truth.json.

Per world: person ids as 20-character 人员编号 beginning with the insured area (异地 kin carry their home county's),
9-character 社保卡号 or 32-hex hashes; a worker re-enrolled under a second number; settlement ids whose sequence
restarts each year (per venue or town-wide); times to the second, the minute or the date; phones hashed or masked
(`138****5678`, so unrelated people share a value); one address key per dorm building or per room; fee-item codes of
the national catalogue, a provincial 8-digit one, or both (public venues national, private local); ICD codes with
the national extension, 4-character or without the dot.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import kept_columns, truth_doc, write_csv

from .care import fund_of
from .groups import KIND
from .town import CAT, DAY, Claim, World, rng


def _h(*parts: Any) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()


def _person_ids(w: World) -> None:
    r = rng(w.seed, "person-ids")
    mode = w.knobs["person_ids"]
    seen: set[str] = set()
    for i, p in enumerate(w.persons):
        while True:
            if mode == "nat20":
                x = f"{p.region}{r.randrange(10**14):014d}"
            elif mode == "card":
                x = r.choice("ABCDEFGHJKLMN") + "".join(r.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXY") for _ in range(8))
            else:
                x = _h(w.seed, "psn", i, r.random())[:32]
            if x not in seen:
                seen.add(x)
                p.pid = x
                break


def _venue_ids(w: World) -> None:
    r = rng(w.seed, "venue-ids")
    region = w.knobs["region"]
    nums = r.sample(range(10000, 99999), len(w.venues))
    for v, n in zip(w.venues, nums):
        v.vid = f"{'P' if v.kind == 'pharmacy' else 'H'}{region}{n:05d}"
    mode = w.knobs["doctor_ids"]
    seen: set[str] = set()
    for d in w.doctors:
        while True:
            if mode == "nat":
                x = f"D{region}{r.randrange(10**6):06d}"
            elif mode == "cert15":
                x = f"{r.choice(['110', '210', '310'])}{region[:2]}{r.randrange(10**10):010d}"
            else:
                x = f"{r.getrandbits(32):08x}"
            if x not in seen:
                seen.add(x)
                d.did = x
                break


def _contacts(w: World) -> None:
    k = w.knobs
    r = rng(w.seed, "contacts")
    numbers: dict[int, str] = {}
    for p in w.persons:
        if p.phone >= 0 and p.phone not in numbers:
            numbers[p.phone] = f"1{r.choice('3578')}{r.randrange(10)}{r.randrange(10**8):08d}"
    for p in w.persons:
        num = numbers.get(p.phone, "")
        if not num:
            p.phone_s = ""
        elif k["phones"] == "masked":
            p.phone_s = f"{num[:3]}****{num[-4:]}"
        else:
            p.phone_s = _h(w.seed, "tel", num)[:16]
        p.addr_s = _h(w.seed, "addr", p.home)[:12]


def _icd(w: World, code: str) -> str:
    mode = w.knobs["icd"]
    if mode == "ext" or not code:
        return code
    short = code[:5].rstrip("x").rstrip(".")
    return short if mode == "dotted" else short.replace(".", "")


def _item_code(w: World, key: str, public: bool) -> str:
    mode = w.knobs["item_codes"]
    cat = CAT[key][1]
    h = int(_h("item", key)[:12], 16)
    if mode == "local" or (mode == "mixed" and not public):
        return f"{'1' if cat in ('drug', 'herbal') else '3'}{h % 10**7:07d}"
    if cat in ("drug", "herbal"):
        atc = "JNCARM"[h % 6] + f"{h % 97:02d}" + "ABC"[h % 3] + "A"
        return f"X{atc}{h % 1000:03d}A{(h // 1000) % 10**12:012d}"
    if cat == "consumable":
        return f"C{h % 10**19:019d}"
    return f"00{(h % 10**13):013d}"


def _fmt(w: World, s: int) -> str:
    d, rem = divmod(s, DAY)
    day = (w.start + timedelta(days=d)).isoformat()
    mode = w.knobs["time_mode"]
    if mode == "date":
        return day
    hh, rem = divmod(rem, 3600)
    mm, ss = divmod(rem, 60)
    if mode == "minute":
        ss = 0
    return f"{day}{'T' if w.knobs['time_T'] else ' '}{hh:02d}:{mm:02d}:{ss:02d}"


def _settled(c: Claim) -> int:
    return c.end if c.end is not None else c.start


def _claim_ids(w: World, order: list[int]) -> dict[int, str]:
    """Settlement ids in settlement order: per venue and year, town-wide per year, or 18 random digits."""
    r = rng(w.seed, "claim-ids")
    mode = w.knobs["claim_ids"]
    ids: dict[int, str] = {}
    count: dict[Any, int] = {}
    seen: set[str] = set()
    for ci in sorted(order, key=lambda i: (_settled(w.claims[i]), i)):
        c = w.claims[ci]
        year = (w.start + timedelta(days=_settled(c) // DAY)).year
        if mode == "venue_year":
            key: Any = (c.venue, year)
            count[key] = count.get(key, 0) + 1
            ids[ci] = f"{w.venues[c.venue].vid}{year % 100:02d}{count[key]:06d}"
        elif mode == "year_seq":
            count[year] = count.get(year, 0) + 1
            ids[ci] = f"{year}{count[year]:010d}"
        else:
            while True:
                x = f"{r.randrange(10**17, 10**18)}"
                if x not in seen:
                    seen.add(x)
                    ids[ci] = x
                    break
    return ids


def _write(w: World, out: Path, name: str, header: list[str], rows: list[list[Any]], drop: list[str]) -> None:
    cols = kept_columns(name, header, drop)
    write_csv(out / f"{name}.csv", header, rows, columns=cols, bom=w.knobs["bom"], crlf=w.knobs["crlf"])


def write_world(w: World, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    k = w.knobs
    drop = list(k["drop"]) + (["persons.phone"] if k["phones"] == "none" else [])
    if not k["trace_codes"]:
        drop.append("claim_items.trace_code")
    _person_ids(w)
    _venue_ids(w)
    _contacts(w)
    r = rng(w.seed, "export")
    bcol = "birth_year" if k["birth_year"] else "birth_date"
    rows = [[p.pid, p.sex, str(p.born.year) if k["birth_year"] else p.born.isoformat(), p.region, p.itype, p.phone_s,
             p.addr_s, (w.start + timedelta(days=p.death)).isoformat() if p.death is not None else ""]
            for p in w.persons]  # fmt: skip
    _write(w, out, "persons", ["person_id", "sex", bcol, "region", "insured_type", "phone", "address", "death_date"],
           rows, drop)  # fmt: skip
    fac = [v for v in w.venues if v.kind != "pharmacy"]
    _write(w, out, "facilities", ["facility_id", "name", "kind", "level", "ownership", "region", "beds"],
           [[v.vid, v.name, v.kind, v.level, v.own, v.region, v.beds] for v in fac], drop)  # fmt: skip
    _write(w, out, "pharmacies", ["pharmacy_id", "name", "chain", "region"],
           [[v.vid, v.name, v.chain, v.region] for v in w.venues if v.kind == "pharmacy"], drop)  # fmt: skip
    _write(w, out, "doctors", ["doctor_id", "facility_id", "name", "title", "department"],
           [[d.did, w.venues[d.venue].vid, d.name, d.title, d.dept] for d in w.doctors], drop)  # fmt: skip
    order = list(range(len(w.claims)))
    if k["row_order"] == "time":
        order.sort(key=lambda i: (w.claims[i].start, i))
    elif k["row_order"] == "venue":
        order.sort(key=lambda i: (w.venues[w.claims[i].venue].vid, w.claims[i].start, i))
    else:
        order.sort(key=lambda i: (w.persons[w.claims[i].patient].pid, w.claims[i].start, i))
    ids = _claim_ids(w, order)
    terms = {vi: max(1, len(v.docs) // 6) + (v.kind == "pharmacy") for vi, v in enumerate(w.venues)}
    crow, irow = [], []
    fund_total = 0.0
    boxes: dict[tuple[int, str], list[str]] = {}
    for ci in order:
        c = w.claims[ci]
        v = w.venues[c.venue]
        total = round(sum(round(q * p, 2) for _, q, p in c.items), 2)
        fund, acct = fund_of(w, c, total)
        fund_total += fund
        holder = w.persons[c.holder].pid if c.holder is not None else ""
        fid, phid = (v.vid, "") if v.kind != "pharmacy" else ("", v.vid)
        term = f"{v.vid[-5:]}T{(c.start // 3600 + c.patient) % terms[c.venue]:02d}"
        crow.append([ids[ci], w.persons[c.patient].pid, holder, fid, phid,
                     w.doctors[c.doctor].did if c.doctor is not None else "", c.vtype, _fmt(w, c.start),
                     _fmt(w, c.end) if c.end is not None else "", f"{total:.2f}", f"{fund:.2f}", f"{acct:.2f}",
                     _icd(w, c.diag), term])  # fmt: skip
        if not k["items"]:
            continue
        for key, q, price in c.items:
            trace = ""
            if k["trace_codes"] and v.kind == "pharmacy" and CAT[key][1] == "drug":
                sold = boxes.setdefault((c.venue, key), [])
                if c.trace_dup and sold:
                    trace = r.choice(sold)  # a box bought on a collected card, sold back and sold again
                else:
                    trace = f"8{r.randrange(10**19):019d}"
                    sold.append(trace)
            irow.append([ids[ci], _item_code(w, key, v.own == "public" or v.kind == "pharmacy"), CAT[key][0], CAT[key][1],
                         f"{q:g}", f"{price:.4f}".rstrip("0").rstrip(".") if price != int(price) else f"{price:.2f}",
                         f"{round(q * price, 2):.2f}", trace])  # fmt: skip
    _write(w, out, "claims", ["claim_id", "patient_id", "holder_id", "facility_id", "pharmacy_id", "doctor_id",
                              "visit_type", "start_time", "end_time", "total_amount", "fund_amount", "account_amount",
                              "diagnosis", "terminal_id"], crow, drop)  # fmt: skip
    if k["items"]:
        _write(w, out, "claim_items", ["claim_id", "item_code", "item_name", "category", "quantity", "unit_price",
                                       "amount", "trace_code"], irow, drop)  # fmt: skip
    truth = truth_doc("ninthworld", w, KIND, len(crow), len(irow), fund_total)
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return truth
