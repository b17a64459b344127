"""Every assumption of one world, drawn from its seed and recorded in truth.json["knobs"]."""

from __future__ import annotations

import numpy as np

# Prefecture cities: (name, code, urban districts, counties, 省本级 code). Real codes.
CITIES = [
    (
        "岳阳市",
        "430600",
        [("430602", "岳阳楼区"), ("430603", "云溪区"), ("430611", "君山区")],
        [("430621", "岳阳县"), ("430623", "华容县"), ("430626", "平江县"), ("430681", "汨罗市")],
        "439900",
    ),
    (
        "绵阳市",
        "510700",
        [("510703", "涪城区"), ("510704", "游仙区"), ("510705", "安州区")],
        [("510722", "三台县"), ("510723", "盐亭县"), ("510725", "梓潼县"), ("510781", "江油市")],
        "519900",
    ),
    (
        "潍坊市",
        "370700",
        [("370702", "潍城区"), ("370703", "寒亭区"), ("370705", "奎文区")],
        [("370781", "青州市"), ("370782", "诸城市"), ("370783", "寿光市"), ("370785", "高密市")],
        "379900",
    ),
    (
        "南阳市",
        "411300",
        [("411302", "宛城区"), ("411303", "卧龙区")],
        [("411321", "南召县"), ("411322", "方城县"), ("411324", "镇平县"), ("411381", "邓州市")],
        "419900",
    ),
]

RING_SCHEMES = ["turnover_clinic", "spread_collector", "class_kickback", "rolling_admission", "mutual_aid_cashout"]
BENIGN_KINDS = ["sanfu_days", "home_beds", "shift_clinic", "campus", "mente_window"]


def draw_knobs(seed: int, persons: int) -> dict:
    """The drawn assumptions (plain JSON values)."""
    r = np.random.default_rng([seed, 4, 0])
    ci = int(r.integers(len(CITIES)))
    _, _, urban, counties, _ = CITIES[ci]
    n_urban = int(r.integers(2, len(urban) + 1))
    n_county = int(r.integers(2, 4))
    start_year = int(r.choice([2024, 2025]))
    start_month = int(r.choice([1, 3, 5, 6, 9, 11]))
    months = int(r.choice([4, 8, 12, 15], p=[0.15, 0.3, 0.35, 0.2]))
    rings = (
        ["turnover_clinic"] * int(r.integers(1, 3))
        + ["spread_collector"] * int(r.integers(1, 3))
        + ["class_kickback"] * int(r.integers(1, 3))
        + ["rolling_admission"] * int(r.integers(0, 3))
        + ["mutual_aid_cashout"] * int(r.integers(0, 2))
    )
    benign = [b for b in BENIGN_KINDS if r.random() < 0.75] or ["home_beds"]
    return {
        "city": ci,
        "urban_districts": n_urban,
        "counties": n_county,
        "urban_share": round(float(r.uniform(0.5, 0.75)), 3),
        "start": f"{start_year}-{start_month:02d}-01",
        "months": months,
        "employee_share": round(float(r.uniform(0.3, 0.55)), 3),
        "provincial_share": round(float(r.uniform(0.02, 0.08)), 3),  # 省本级 employees (region code xx9900)
        "rate_scale": round(float(r.uniform(0.7, 1.3)), 3),
        "rate_sigma": round(float(r.uniform(0.8, 1.3)), 3),  # log-normal spread of visit propensity
        "pharmacy_share": round(float(r.uniform(0.2, 0.45)), 3),
        "pooled_pharmacies": round(float(r.uniform(0.3, 0.8)), 3),  # share of pharmacies in 门诊统筹
        "rx_fill": round(float(r.uniform(0.15, 0.4)), 3),  # hospital visits followed by a pharmacy fill
        "fill_carries_doctor": bool(r.random() < 0.5),  # 处方流转: the fill names the prescriber
        "chronic_share": round(float(r.uniform(0.1, 0.3)), 3),
        "chronic_code": str(r.choice(["chronic", "outpatient", "mixed"])),
        "mutual_aid": round(float(r.uniform(0.0, 0.2)), 3),  # residents' pharmacy claims paid by a family employee
        "siblings_together": round(float(r.uniform(0.05, 0.25)), 3),  # a child's visit brings a sibling along
        "phones": str(r.choice(["hashed", "absent", "bound_hashed"], p=[0.45, 0.2, 0.35])),
        "person_ids": str(r.choice(["hex32", "card9", "psn"], p=[0.4, 0.3, 0.3])),
        "venue_ids": str(r.choice(["national", "legacy", "mixed"], p=[0.5, 0.25, 0.25])),
        "claim_ids": str(r.choice(["setl", "uuid"])),
        "time_mode": str(r.choice(["second", "minute", "date", "stay_dates"], p=[0.35, 0.2, 0.25, 0.2])),
        "time_sep": str(r.choice([" ", "T"])),
        "file_format": str(r.choice(["csv", "parquet", "mixed"], p=[0.5, 0.25, 0.25])),
        "quote_all": bool(r.random() < 0.3),
        "bom": bool(r.random() < 0.3),
        "crlf": bool(r.random() < 0.3),
        "claims_order": str(r.choice(["time", "venue", "upload"])),
        "items": bool(r.random() < 0.5),
        "trace_codes": bool(r.random() < 0.5),
        "four_decimal_prices": bool(r.random() < 0.6),
        "birth_year": bool(r.random() < 0.3),
        "drop": sorted(
            c
            for c, pr in [
                ("persons.sex", 0.1),
                ("persons.region", 0.15),
                ("persons.insured_type", 0.1),
                ("persons.address", 0.3),
                ("persons.death_date", 0.3),
                ("facilities.level", 0.15),
                ("facilities.ownership", 0.15),
                ("facilities.beds", 0.4),
                ("facilities.region", 0.15),
                ("facilities.name", 0.2),
                ("pharmacies.chain", 0.3),
                ("pharmacies.region", 0.3),
                ("pharmacies.name", 0.3),
                ("doctors.facility_id", 0.15),
                ("doctors.department", 0.3),
                ("doctors.title", 0.4),
                ("doctors.name", 0.5),
                ("claims.holder_id", 0.3),
                ("claims.terminal_id", 0.4),
                ("claims.account_amount", 0.3),
                ("claims.diagnosis", 0.2),
                ("claims.end_time", 0.1),
            ]
            if r.random() < pr
        ),
        "rings": rings,
        "benign": benign,
        "persons": persons,
    }
