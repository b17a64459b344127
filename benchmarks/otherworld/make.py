"""Build one independent world and write the contract's tables plus truth.json.

Example::

    python -m benchmarks.otherworld.make --seed 3 --persons 30000 --out /tmp/ow3
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from . import groups, rings
from .care import ordinary_care
from .claims import VISIT_TYPES, Claims
from .knobs import Knobs, draw_knobs
from .money import fee_lines, settle, trace_codes
from .places import City, build_city


def plant(rng, knobs: Knobs, city: City, claims: Claims) -> tuple[list[dict], list[dict], np.ndarray]:
    """Fraud rings and benign groups first (they choose their people), then everyone's ordinary care."""
    used = np.zeros(len(city.persons), dtype=bool)
    busy = np.zeros(len(city.persons), dtype=bool)
    planted, benign = [], []
    for kind, count in knobs.rings.items():
        for i in range(count):
            planted.append(rings.PLANTERS[kind](rng, knobs, city, claims, used, len(planted) + 1))
    for kind, count in knobs.benign.items():
        for i in range(count):
            benign.append(groups.PLANTERS[kind](rng, knobs, city, claims, used, busy, len(benign) + 1))
    ordinary_care(rng, knobs, city, claims, busy)
    return planted, benign, used


def _times(knobs: Knobs, minutes: np.ndarray, rng) -> np.ndarray:
    base = np.datetime64(f"{knobs.year}-01-01T00:00", "s")
    if knobs.time_resolution == "date":
        return (base + (minutes // 1440 * 86400).astype("timedelta64[s]")).astype("datetime64[D]").astype(str)
    secs = minutes * 60 + (rng.integers(0, 60, len(minutes)) if knobs.time_resolution == "second" else 0)
    s = (base + secs.astype("timedelta64[s]")).astype(str)
    return np.char.replace(s, "T", knobs.time_sep) if knobs.time_sep != "T" else s


def claim_table(rng, knobs: Knobs, city: City, c: dict) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    P, fac, ph, docs = city.persons, city.facilities, city.pharmacies, city.doctors
    order = np.lexsort((c["pid"], c["t"]))
    c = {k: v[order] for k, v in c.items()}
    n = len(c["pid"])
    lines = fee_lines(rng, c, decimals=knobs.price_decimals)
    total = np.round(np.bincount(lines["claim"], weights=lines["amount"], minlength=n), 2)
    employee = (P["insured_type"].to_numpy() == "employee")[c["pid"]]
    fund, account = settle(rng, c, total, employee, city.pooled)
    # family mutual aid (家庭共济): a resident's pharmacy purchase paid by an employee of the household
    hh = P["household"].to_numpy()
    emp_of = (
        pd.Series(np.arange(len(P)))[P["insured_type"].to_numpy() == "employee"]
        .groupby(hh[P["insured_type"].to_numpy() == "employee"])
        .first()
    )
    payer = pd.Series(hh[c["pid"]]).map(emp_of).fillna(-1).to_numpy().astype(np.int64)
    aid = (c["vtype"] == 2) & ~employee & (payer >= 0) & (rng.random(n) < knobs.mutual_aid) & (c["tag"] == "ordinary")
    holder = np.where(aid, payer, c["pid"])
    pid_s = P["person_id"].to_numpy()
    is_f = c["fac"] >= 0
    n_term = np.where(
        is_f,
        np.select([fac["role"].to_numpy()[np.maximum(c["fac"], 0)] == r for r in ("big", "district")], [20, 8], 2),
        2,
    )
    term_no = np.where(
        np.char.startswith(c["tag"].astype(str), "card_collector"), 1, rng.integers(1, 100, n) % n_term + 1
    )
    venue_id = np.where(
        is_f,
        fac["facility_id"].to_numpy()[np.maximum(c["fac"], 0)],
        ph["pharmacy_id"].to_numpy()[np.maximum(c["pha"], 0)],
    )
    start = _times(knobs, c["t"], rng)
    inp = c["vtype"] == 1
    end_min = (c["t"] // 1440 + c["los"]) * 1440 + 9 * 60 + rng.integers(0, 180, n)
    end = np.where(inp, _times(knobs, end_min, rng), "")
    ids = rng.choice(9 * 10**17, size=n, replace=False) + 10**17
    claims = pd.DataFrame(
        {
            "claim_id": ids.astype(str),
            "patient_id": pid_s[c["pid"]],
            "holder_id": np.where(knobs.holder_always | (holder != c["pid"]), pid_s[holder], ""),
            "facility_id": np.where(is_f, venue_id, ""),
            "pharmacy_id": np.where(is_f, "", venue_id),
            "doctor_id": np.where(c["doc"] >= 0, docs["doctor_id"].to_numpy()[np.maximum(c["doc"], 0)], ""),
            "visit_type": np.asarray(VISIT_TYPES)[c["vtype"]],
            "start_time": start,
            "end_time": end,
            "total_amount": np.char.mod("%.2f", total),
            "fund_amount": np.char.mod("%.2f", fund),
            "account_amount": np.char.mod("%.2f", account),
            "diagnosis": c["diag"].astype(str),
            "terminal_id": [f"{v}-{k:02d}" for v, k in zip(venue_id, term_no)],
        }
    )
    items = None
    if knobs.claim_items:
        fmt = f"%.{knobs.price_decimals}f"
        items = pd.DataFrame(
            {
                "claim_id": claims["claim_id"].to_numpy()[lines["claim"].to_numpy()],
                "item_code": lines["item_code"],
                "item_name": lines["item_name"],
                "category": lines["category"],
                "quantity": lines["quantity"].map(lambda q: f"{q:g}"),
                "unit_price": np.char.mod(fmt, lines["unit_price"].to_numpy()),
                "amount": np.char.mod("%.2f", lines["amount"].to_numpy()),
            }
        )
        if knobs.trace_share > 0:
            items["trace_code"] = trace_codes(rng, lines, c, share=knobs.trace_share)
    return claims, items


def person_table(knobs: Knobs, city: City) -> pd.DataFrame:
    P = city.persons
    out = P[["person_id", "sex", "birth_date", "region", "insured_type", "phone", "address"]].copy()
    if knobs.birth_as_year:
        out = out.rename(columns={"birth_date": "birth_year"})
        out["birth_year"] = out["birth_year"].str[:4].astype(int)
    dd = P["death_day"].to_numpy()
    dates = (np.datetime64(f"{knobs.year}-01-01") + np.maximum(dd, 0)).astype(str)
    out["death_date"] = np.where(dd >= 0, dates, "")
    return out


def write_world(rng, knobs: Knobs, tables: dict[str, pd.DataFrame], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        if df is None:
            continue
        drop = [c for c in knobs.dropped.get(name, []) if c in df.columns]
        if name == "persons" and "birth_date" in drop and knobs.birth_as_year:
            drop.append("birth_year")
        df = df.drop(columns=[c for c in drop if c in df.columns])
        if knobs.shuffle_columns:
            df = df[list(rng.permutation(df.columns))]
        df.to_csv(out / f"{name}.csv", index=False, encoding="utf-8-sig" if knobs.bom else "utf-8")


def _ids(entry: dict, city: City) -> dict:
    P, D, Fc, Ph = city.persons, city.doctors, city.facilities, city.pharmacies
    return {
        **{k: entry[k] for k in ("id", "kind", "params")},
        "persons": P["person_id"].to_numpy()[entry["persons"]].tolist(),
        "core": P["person_id"].to_numpy()[entry["core"]].tolist(),
        "subgroups": [P["person_id"].to_numpy()[g].tolist() for g in entry["subgroups"]],
        "doctors": D["doctor_id"].to_numpy()[entry["doctors"]].tolist(),
        "facilities": Fc["facility_id"].to_numpy()[entry["facilities"]].tolist(),
        "pharmacies": Ph["pharmacy_id"].to_numpy()[entry["pharmacies"]].tolist(),
    }


def make_world(seed: int, persons: int, out: Path) -> dict:
    """Generate world ``seed`` into ``out``; return the truth written to ``out/truth.json``."""
    knobs = draw_knobs(seed, persons)
    rng = np.random.default_rng([seed, 42])
    city = build_city(rng, knobs)
    claims = Claims()
    planted, benign, _ = plant(rng, knobs, city, claims)
    c = claims.frame()
    dead = city.persons["death_day"].to_numpy()
    tag = c["tag"].astype(str)
    after = (dead[c["pid"]] >= 0) & (c["t"] // 1440 > dead[c["pid"]]) & ~np.char.startswith(tag, "card_collector")
    c = {k: v[~after] for k, v in c.items()}
    claims_df, items = claim_table(rng, knobs, city, c)
    fac = city.facilities[["facility_id", "name", "kind", "level", "ownership", "region", "beds"]]
    ph = city.pharmacies[["pharmacy_id", "name", "chain", "region"]]
    docs = city.doctors[["doctor_id", "facility_id", "name", "title", "department"]]
    tables = {
        "persons": person_table(knobs, city),
        "facilities": fac,
        "pharmacies": ph,
        "doctors": docs,
        "claims": claims_df,
        "claim_items": items,
    }
    write_world(rng, knobs, tables, out)
    truth = {
        "generator": "benchmarks.otherworld",
        "knobs": knobs.to_dict(),
        "rings": [_ids(e, city) for e in planted],
        "benign": [_ids(e, city) for e in benign],
        "claims": int(len(claims_df)),
        "claims_by_tag": pd.Series(tag[~after]).value_counts().to_dict(),
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, default=int))
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--persons", type=int, default=30000)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    if a.persons < 1000:
        ap.error(f"--persons must be >= 1000 (a world needs households to recruit from). Got {a.persons}.")
    t0 = time.perf_counter()
    truth = make_world(a.seed, a.persons, a.out)
    print(
        f"world {a.seed}: {a.persons} persons, {truth['claims']} claims, {len(truth['rings'])} rings, "
        f"{len(truth['benign'])} benign groups -> {a.out} ({time.perf_counter() - t0:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
