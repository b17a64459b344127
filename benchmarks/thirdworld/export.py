"""Money (fund, personal account) and the claims directory: the contract's tables as CSV, plus truth.json."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import random
from pathlib import Path

from graphfraud.contract import CLAIMS

from .catalog import CATALOG
from .model import Claim, World

DEDUCTIBLE = {
    "township": 150,
    "county": 500,
    "tcm": 500,
    "mch": 500,
    "private_hosp": 400,
    "private_clinic": 400,
    "city": 1000,
}
INPATIENT_RATIO = {
    "township": 0.88,
    "county": 0.75,
    "tcm": 0.78,
    "mch": 0.75,
    "private_hosp": 0.65,
    "private_clinic": 0.6,
    "city": 0.6,
}

CLAIM_COLUMNS = [c.name for c in CLAIMS.columns]  # the contract's claims columns, in its order


def _amount(q: float, p: float) -> float:
    return round(q * p + 1e-9, 2)


def settle(w: World, claims: list[Claim]) -> list[tuple[float, float, float]]:
    """(total, fund, account) of each claim, in time order, personal accounts drawn down and reset each January."""
    k = w.knobs
    balance: dict[tuple[int, int], float] = {}
    out = []
    for c in claims:
        v = w.venues[c.venue]
        p = w.persons[c.patient]
        payer = w.persons[c.holder] if c.holder >= 0 else p
        total = round(sum(_amount(q, pr) for _, q, pr, *_ in c.lines), 2)
        emp = p.insured == "employee"
        if c.vtype == "inpatient":
            ratio = min(0.95, INPATIENT_RATIO[v.role] + (0.07 if emp else 0))
            ded = DEDUCTIBLE[v.role] + (300 if v.role == "county" and v.level == 3 else 0)
            fund = max(0.0, total - ded) * ratio
        elif c.pharmacy:
            fund = total * 0.5 if v.pooled and total >= 5 else 0.0
        else:
            base = k["outpatient_fund_ratio"] + (0.1 if emp else 0)
            ratio = {
                "village": base,
                "township": base,
                "city": 0.3,
                "private_hosp": base - 0.2,
                "private_clinic": base - 0.2,
            }.get(v.role, base - 0.1)
            fund = total * (0.65 if c.vtype == "chronic" else ratio) if total >= 5 else 0.0
        fund = round(min(fund, total), 2)
        account = 0.0
        if payer.insured == "employee" and c.vtype != "inpatient":
            key = (payer.idx, c.start.year)
            if key not in balance:
                balance[key] = float(600 + int(hashlib.sha1(str(payer.idx).encode()).hexdigest()[:4], 16) % 2400)
            account = round(min(total - fund, balance[key]), 2)
            balance[key] = round(balance[key] - account, 2)
        out.append((total, fund, account))
    return out


def _fmt_time(w: World, t: dt.datetime | None, vid: str, role: str, upload: dict) -> str:
    if t is None:
        return ""
    mode = w.knobs["time_mode"]
    if mode == "dates" or (mode == "village_dates" and role == "village"):
        return t.date().isoformat()
    if mode == "batch_upload" and role == "village":
        key = (vid, t.date())
        if key not in upload:
            h = int(hashlib.sha1(f"{vid}{t.date()}".encode()).hexdigest()[:6], 16)
            upload[key] = dt.time(16 + h % 5, h // 5 % 60, h // 300 % 60)
        t = dt.datetime.combine(t.date(), upload[key])
    sep = w.knobs["time_sep"]
    if sep == "per_vendor":
        sep = "T" if int(hashlib.sha1(vid.encode()).hexdigest()[:2], 16) % 2 else " "
    if mode == "minutes":
        t = t.replace(second=0)
    return t.strftime(f"%Y-%m-%d{sep}%H:%M:%S")


def _write(path: Path, header: list[str], rows: list[list], w: World, rng: random.Random) -> None:
    """One table: optional columns dropped, columns shuffled, BOM and line endings as the world says."""
    table = path.stem
    keep = [j for j, h in enumerate(header) if f"{table}.{h}" not in w.knobs["dropped"]]
    if w.knobs["shuffle_columns"]:
        first, rest = keep[:1], keep[1:]
        rng.shuffle(rest)
        keep = first + rest
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\r\n" if w.knobs["crlf"] else "\n")
    wr.writerow([header[j] for j in keep])
    for row in rows:
        wr.writerow([row[j] for j in keep])
    path.write_bytes(buf.getvalue().encode("utf-8-sig" if w.knobs["bom"] else "utf-8"))


def write_world(w: World, out: Path) -> dict:
    """Write persons, facilities, pharmacies, doctors, claims (and claim_items) and truth.json into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(int(w.rng(9).integers(2**32)))
    k = w.knobs
    _write(
        out / "persons.csv",
        [
            "person_id",
            "sex",
            "birth_year" if k["birth_year"] else "birth_date",
            "region",
            "insured_type",
            "phone",
            "address",
            "death_date",
        ],
        [
            [
                p.pid,
                p.sex if rng.random() > 0.02 else "",
                p.birth.year if k["birth_year"] else p.birth.isoformat(),
                p.region,
                p.insured,
                p.phone,
                p.address,
                p.death.isoformat() if p.death else "",
            ]
            for p in w.persons
        ],
        w,
        rng,
    )
    fac = [v for v in w.venues.values() if v.role != "pharmacy"]
    _write(
        out / "facilities.csv",
        ["facility_id", "name", "kind", "level", "ownership", "region", "beds"],
        [[v.vid, v.name, v.kind, v.level, v.ownership, v.region, v.beds if v.beds else ""] for v in fac],
        w,
        rng,
    )
    ph = [v for v in w.venues.values() if v.role == "pharmacy"]
    _write(
        out / "pharmacies.csv",
        ["pharmacy_id", "name", "chain", "region"],
        [[v.vid, v.name, v.chain, v.region] for v in ph],
        w,
        rng,
    )
    _write(
        out / "doctors.csv",
        ["doctor_id", "facility_id", "name", "title", "department"],
        [[d.did, d.facility, d.name, d.title, d.department] for d in w.doctors.values()],
        w,
        rng,
    )
    claims = sorted(w.claims, key=lambda c: (c.start, c.venue, c.patient))
    money = settle(w, claims)
    ids = [f"{n + 1:012d}" if k["id_style"] != "prefixed" else f"S{n + 1:09d}" for n in range(len(claims))]
    rows, items, upload = [], [], {}
    trace = _Trace(rng, k["trace_codes"])
    for cid, c, (total, fund, account) in zip(ids, claims, money):
        v = w.venues[c.venue]
        holder = (
            w.persons[c.holder].pid
            if c.holder >= 0
            else (w.persons[c.patient].pid if k["holder_mode"] == "always" else "")
        )
        end = c.end if c.end is not None else (c.start if k["outpatient_end_time"] and not c.pharmacy else None)
        rows.append(
            [
                cid,
                w.persons[c.patient].pid,
                holder,
                "" if c.pharmacy else c.venue,
                c.venue if c.pharmacy else "",
                c.doctor,
                c.vtype,
                _fmt_time(w, c.start, c.venue, v.role, upload),
                _fmt_time(w, end, c.venue, v.role, upload) if end else "",
                f"{total:.2f}",
                f"{fund:.2f}",
                f"{account:.2f}",
                c.diagnosis,
                c.terminal,
            ]
        )
        for code, q, p, *mark in c.lines:
            name, category = CATALOG[code][0], CATALOG[code][1]
            tc = trace.code(code, bool(mark)) if c.pharmacy and category == "drug" else ""
            items.append(
                [cid, code, name, category, _num(q), f"{p:.{k['price_decimals']}f}", f"{_amount(q, p):.2f}", tc]
            )
    _write(
        out / "claims.csv",
        CLAIM_COLUMNS,
        rows,
        w,
        rng,
    )
    if k["claim_items"]:
        _write(
            out / "claim_items.csv",
            ["claim_id", "item_code", "item_name", "category", "quantity", "unit_price", "amount", "trace_code"]
            if k["trace_codes"]
            else ["claim_id", "item_code", "item_name", "category", "quantity", "unit_price", "amount"],
            [row if k["trace_codes"] else row[:7] for row in items],
            w,
            rng,
        )
    truth = _truth(w, len(claims), sum(m[1] for m in money))
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth


def _num(q: float) -> str:
    return str(int(q)) if float(q).is_integer() else f"{q:.2f}"


class _Trace:
    """药品追溯码: a new code per box sold; a resold box (回流) comes back in a later ordinary sale."""

    def __init__(self, rng: random.Random, on: bool):
        self.rng, self.on, self.n, self.resold = rng, on, 0, {}

    def code(self, item: str, resale: bool) -> str:
        if not self.on:
            return ""
        back = self.resold.get(item)
        if not resale and back and self.rng.random() < 0.4:
            return back.pop(0)
        self.n += 1
        c = f"8{hashlib.sha1(f'box{self.n}'.encode()).hexdigest()[:6].upper()}{self.n:012d}"
        if resale and self.rng.random() < 0.5:
            self.resold.setdefault(item, []).append(c)
        return c


def _truth(w: World, n_claims: int, fund: float) -> dict:
    def entry(g):
        return {
            "id": g.id,
            "kind": g.kind,
            "persons": [w.persons[i].pid for i in sorted(g.persons)],
            "core": [w.persons[i].pid for i in sorted(g.core)],
            "doctors": g.doctors,
            "facilities": g.facilities,
            "pharmacies": g.pharmacies,
            "params": g.params,
        }

    return {
        "generator": "benchmarks.thirdworld",
        "seed": w.seed,
        "knobs": w.knobs,
        "summary": {
            "persons": len(w.persons),
            "claims": n_claims,
            "fund_amount": round(fund, 2),
            "facilities": sum(v.role != "pharmacy" for v in w.venues.values()),
            "pharmacies": sum(v.role == "pharmacy" for v in w.venues.values()),
            "doctors": len(w.doctors),
        },
        "rings": [entry(g) for g in w.rings],
        "benign": [entry(g) for g in w.benign],
    }
