"""Write the world as a national-platform export would arrive (CSV and/or Parquet) plus truth.json."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from graphfraud.contract import CLAIMS

from .knobs import CITIES
from .model import CATALOG, Claim, Group, World, h

OUT_RATIO = {0: 0.5, 1: 0.65, 2: 0.55, 3: 0.45}
IN_DEDUCT = {0: 300, 1: 200, 2: 500, 3: 800}
IN_RATIO = {0: 0.7, 1: 0.85, 2: 0.8, 3: 0.7}

CLAIM_COLUMNS = [c.name for c in CLAIMS.columns]  # the contract's claims columns, in its order


def _money(x: float) -> str:
    return f"{x:.2f}"


def amounts(w: World, c: Claim) -> tuple[float, float, float, list[tuple[str, float, float, float]]]:
    """total, fund, account and the priced lines (code, quantity, unit price, amount)."""
    four = w.knobs["four_decimal_prices"]
    priced = []
    for code, q, p in c.items:
        p = round(p, 4) if four else round(p, 2)
        priced.append((code, q, p, round(q * p + 1e-9, 2)))
    total = round(sum(x[3] for x in priced), 2)
    v = w.venues[c.venue]
    payer = w.persons[c.holder if c.holder >= 0 else c.patient]
    emp = payer.insured == "employee"
    if c.vtype == "inpatient":
        fund = max(0.0, total - IN_DEDUCT[v.level]) * (IN_RATIO[v.level] + (0.05 if emp else 0.0))
    elif c.vtype == "pharmacy":
        fund = total * 0.5 if c.pooled and c.rx and c.holder < 0 else 0.0
    elif c.vtype == "chronic":
        fund = total * 0.7
    else:
        fund = 0.0 if total < 5 else total * min(0.9, OUT_RATIO[v.level] + (0.1 if emp else 0.0))
    fund = round(min(fund, total), 2)
    account = round((total - fund) * (0.85 if c.vtype != "inpatient" else 0.3), 2) if emp else 0.0
    return total, fund, min(account, round(total - fund, 2)), priced


def _fmt_time(w: World, c: Claim, t: dt.datetime | None) -> str:
    mode, sep = w.knobs["time_mode"], w.knobs["time_sep"]
    if t is None:
        return ""
    if mode == "date" or (mode == "stay_dates" and c.vtype == "inpatient"):
        return t.strftime("%Y-%m-%d")
    if mode == "minute":
        return t.strftime(f"%Y-%m-%d{sep}%H:%M:00")
    return t.strftime(f"%Y-%m-%d{sep}%H:%M:%S")


def _write(out: Path, name: str, header: list[str], rows: list[list], w: World, parquet: bool) -> None:
    keep = [j for j, c in enumerate(header) if f"{name}.{c}" not in w.knobs["drop"]]
    header = [header[j] for j in keep]
    rows = [[("" if row[j] is None else str(row[j])) for j in keep] for row in rows]
    if parquet:
        cols = {c: [r[j] for r in rows] for j, c in enumerate(header)}
        pq.write_table(pa.table({c: pa.array(v, pa.string()) for c, v in cols.items()}), out / f"{name}.parquet")
        return
    buf = io.StringIO()
    k = w.knobs
    wr = csv.writer(
        buf,
        quoting=csv.QUOTE_ALL if k["quote_all"] else csv.QUOTE_MINIMAL,
        lineterminator="\r\n" if k["crlf"] else "\n",
    )
    wr.writerow(header)
    wr.writerows(rows)
    (out / f"{name}.csv").write_bytes((("\ufeff" if k["bom"] else "") + buf.getvalue()).encode("utf-8"))


def _truth_group(w: World, g: Group) -> dict:
    pid = lambda i: w.persons[i].pid  # noqa: E731
    return {
        "id": g.id,
        "kind": g.kind,
        "persons": [pid(i) for i in g.persons],
        "core": [pid(i) for i in g.core],
        "doctors": g.doctors,
        "facilities": g.facilities,
        "pharmacies": g.pharmacies,
        "params": g.params,
    }


def write_world(w: World, out: Path) -> dict:
    """Write the tables and truth.json into `out`; returns truth.json's content."""
    out.mkdir(parents=True, exist_ok=True)
    for old in list(out.glob("*.csv")) + list(out.glob("*.parquet")):
        old.unlink()
    k = w.knobs
    r = random.Random(int(w.rng(9).integers(2**32)))
    fmt = k["file_format"]
    pq_for = lambda t: fmt == "parquet" or (fmt == "mixed" and t in ("claims", "claim_items"))  # noqa: E731
    ph = [
        "person_id",
        "sex",
        "birth_year" if k["birth_year"] else "birth_date",
        "region",
        "insured_type",
        "address",
        "death_date",
    ]
    if k["phones"] != "absent":
        ph.insert(5, "phone")
    prow = []
    for p in w.persons:
        row = [p.pid, p.sex, p.birth.year if k["birth_year"] else p.birth.isoformat(), p.region, p.insured]
        if k["phones"] != "absent":
            row.append(p.phone)
        prow.append(row + [p.address, p.death.isoformat() if p.death else ""])
    r.shuffle(prow)  # the platform's export order is not the household order
    _write(out, "persons", ph, prow, w, pq_for("persons"))
    fac = [v for v in w.venues.values() if v.kind != "pharmacy"]
    _write(
        out,
        "facilities",
        ["facility_id", "name", "kind", "level", "ownership", "region", "beds"],
        [[v.vid, v.name, v.kind, v.level, v.ownership, v.region, v.beds or ""] for v in fac],
        w,
        pq_for("facilities"),
    )
    ph_rows = [[v.vid, v.name, v.chain, v.region] for v in w.venues.values() if v.kind == "pharmacy"]
    _write(out, "pharmacies", ["pharmacy_id", "name", "chain", "region"], ph_rows, w, pq_for("pharmacies"))
    _write(
        out,
        "doctors",
        ["doctor_id", "facility_id", "name", "title", "department"],
        [[d.did, d.facility, d.name, d.title, d.department] for d in w.doctors.values()],
        w,
        pq_for("doctors"),
    )
    order = list(range(len(w.claims)))
    if k["claims_order"] == "time":
        order.sort(key=lambda j: (w.claims[j].start, j))
    elif k["claims_order"] == "venue":
        order.sort(key=lambda j: (w.claims[j].venue, w.claims[j].start, j))
    else:
        order.sort(key=lambda j: (w.claims[j].start.date(), w.claims[j].venue, j))
    prefix = CITIES[k["city"]][1]
    crow, irow = [], []
    holder_always = r.random() < 0.5
    fund_sum = total_sum = 0.0
    for n, j in enumerate(order, 1):
        c = w.claims[j]
        total, fund, account, priced = amounts(w, c)
        fund_sum += fund
        total_sum += total
        cid = f"{prefix}{c.start:%Y%m%d}{n:09d}" if k["claim_ids"] == "setl" else h(w.seed, "setl", j, n=32)
        pharm = w.venues[c.venue].kind == "pharmacy"
        holder = w.persons[c.holder].pid if c.holder >= 0 else (w.persons[c.patient].pid if holder_always else "")
        crow.append(
            [
                cid,
                w.persons[c.patient].pid,
                holder,
                "" if pharm else c.venue,
                c.venue if pharm else "",
                c.doctor,
                c.vtype,
                _fmt_time(w, c, c.start),
                _fmt_time(w, c, c.end),
                _money(total),
                _money(fund),
                _money(account),
                c.diagnosis,
                c.terminal,
            ]
        )
        if k["items"]:
            for line, (code, q, price, amt) in enumerate(priced):
                name, cat, _ = CATALOG[code]
                trace = c.trace[line] if line < len(c.trace) else ""
                irow.append(
                    [
                        cid,
                        code,
                        name,
                        cat,
                        f"{q:g}",
                        f"{price:.4f}" if k["four_decimal_prices"] else f"{price:.2f}",
                        _money(amt),
                        trace,
                    ]
                )
    _write(
        out,
        "claims",
        CLAIM_COLUMNS,
        crow,
        w,
        pq_for("claims"),
    )
    if k["items"]:
        ih = ["claim_id", "item_code", "item_name", "category", "quantity", "unit_price", "amount"] + (
            ["trace_code"] if k["trace_codes"] else []
        )
        _write(out, "claim_items", ih, [row[: len(ih)] for row in irow], w, pq_for("claim_items"))
    vt: dict[str, int] = {}
    for c in w.claims:
        vt[c.vtype] = vt.get(c.vtype, 0) + 1
    truth = {
        "generator": "benchmarks.fourthworld",
        "seed": w.seed,
        "knobs": k,
        "summary": {
            "city": CITIES[k["city"]][0],
            "persons": len(w.persons),
            "claims": len(w.claims),
            "facilities": len(fac),
            "pharmacies": len(ph_rows),
            "doctors": len(w.doctors),
            "visit_types": dict(sorted(vt.items())),
            "fund_share": round(fund_sum / total_sum, 3) if total_sum else 0.0,
            "window": [w.start.isoformat(), w.day(w.days - 1).isoformat()],
        },
        "rings": [_truth_group(w, g) for g in w.rings],
        "benign": [_truth_group(w, g) for g in w.benign],
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=False), encoding="utf-8")
    return truth
