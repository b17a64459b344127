"""Every assumption of a world, drawn from its seed and recorded in truth.json["knobs"]."""

from __future__ import annotations

import datetime as dt

import numpy as np

# (county code, name, prefecture-city code for referrals, Spring Festival dates by year)
COUNTIES = [
    ("430281", "醴陵市", "430200"),
    ("511623", "邻水县", "511600"),
    ("341623", "利辛县", "341600"),
    ("360732", "兴国县", "360700"),
    ("411625", "郸城县", "411600"),
    ("522422", "大方县", "520500"),
]
SPRING_FESTIVAL = {
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
}
# where the county's migrant workers are insured when they are insured at work (深圳, 东莞, 苏州, 杭州)
WORK_CITIES = ["440306", "441900", "320500", "330100"]


def _pick(rng: np.random.Generator, options: list, p: list[float] | None = None):
    return options[int(rng.choice(len(options), p=p))]


def draw_knobs(seed: int, persons: int) -> dict:
    """Draw the world's assumptions from its seed.

    >>> draw_knobs(3, 1000) == draw_knobs(3, 1000)
    True
    """
    rng = np.random.default_rng([seed, 0])
    county = COUNTIES[int(rng.integers(len(COUNTIES)))]
    year = int(rng.choice([2023, 2024, 2025]))
    months = int(rng.choice([6, 9, 12]))
    start_month = int(rng.choice([1, 3, 7, 10])) if months < 12 else int(rng.choice([1, 4, 7]))
    k = {
        "persons": persons,
        "county": county[0],
        "county_name": county[1],
        "city": county[2],
        "start": dt.date(year, start_month, 1).isoformat(),
        "months": months,
        "townships": int(rng.integers(8, 15)),
        "villages_per_township": [4, int(rng.integers(6, 10))],
        "migrant_share": round(float(rng.uniform(0.2, 0.5)), 2),  # of adults 18-55 away working
        "migrant_insured_at_work": round(float(rng.uniform(0.0, 0.3)), 2),
        "employee_share_town": round(float(rng.uniform(0.2, 0.45)), 2),
        "employee_share_village": round(float(rng.uniform(0.02, 0.08)), 2),
        "elderly_phone_of_child": round(float(rng.uniform(0.5, 0.9)), 2),
        "care_shape": round(float(rng.uniform(0.35, 1.0)), 2),  # gamma shape of visit propensity
        "care_scale": round(float(rng.uniform(0.8, 1.3)), 2),
        "chronic_share_60": round(float(rng.uniform(0.15, 0.4)), 2),
        "chronic_coded": _pick(rng, ["chronic", "outpatient", "mixed"], [0.4, 0.3, 0.3]),
        "market_cycle": _pick(rng, [3, 5], [0.6, 0.4]),  # 赶集 every 3 or 5 days at township venues
        "market_boost": round(float(rng.uniform(1.3, 2.2)), 2),
        "busy_farming_dip": round(float(rng.uniform(0.55, 0.9)), 2),
        "village_care_share": round(float(rng.uniform(0.3, 0.55)), 2),
        "pharmacy_share": round(float(rng.uniform(0.15, 0.35)), 2),
        "inpatient_rate_60": round(float(rng.uniform(0.12, 0.3)), 2),  # admissions a year per person 60+
        "split_admission_rate": round(float(rng.uniform(0.02, 0.12)), 2),  # ordinary 分解住院 at hospitals
        "multisite_share": round(float(rng.uniform(0.1, 0.35)), 2),  # county doctors with 多点执业
        "village_clinic_ownership": _pick(rng, ["public", "private"], [0.6, 0.4]),
        "pooled_pharmacy_share": round(float(rng.uniform(0.2, 0.7)), 2),
        "outpatient_fund_ratio": round(float(rng.uniform(0.45, 0.65)), 2),
        "time_mode": _pick(
            rng, ["seconds", "minutes", "dates", "village_dates", "batch_upload"], [0.2, 0.25, 0.2, 0.2, 0.15]
        ),
        "time_sep": _pick(rng, [" ", "T", "per_vendor"], [0.45, 0.25, 0.3]),
        "price_decimals": _pick(rng, [2, 4], [0.5, 0.5]),
        "id_style": _pick(rng, ["nhsa20", "padded10", "prefixed"], [0.4, 0.35, 0.25]),
        "phone_style": _pick(rng, ["hash", "masked", "none"], [0.6, 0.25, 0.15]),
        "bom": bool(rng.random() < 0.35),
        "crlf": bool(rng.random() < 0.4),
        "shuffle_columns": bool(rng.random() < 0.5),
        "birth_year": bool(rng.random() < 0.3),
        "claim_items": bool(rng.random() < 0.65),
        "trace_codes": bool(rng.random() < 0.5),
        "holder_mode": _pick(rng, ["always", "only_mutual_aid", "absent"], [0.3, 0.45, 0.25]),
        "mutual_aid_share": round(float(rng.uniform(0.05, 0.3)), 2),  # 家庭共济: elders' claims paid by a child
        "pharmacy_doctor_id": bool(rng.random() < 0.5),  # pharmacy claims carry the prescriber's id
        "outpatient_end_time": bool(rng.random() < 0.3),  # outpatient end_time = start_time
    }
    drop = {
        "persons.phone": 0.0 if k["phone_style"] != "none" else 1.0,
        "persons.address": 0.25,
        "persons.death_date": 0.2,
        "persons.sex": 0.1,
        "persons.region": 0.1,
        "persons.insured_type": 0.1,
        "facilities.beds": 0.3,
        "facilities.level": 0.1,
        "facilities.ownership": 0.1,
        "pharmacies.chain": 0.2,
        "doctors.facility_id": 0.1,
        "doctors.department": 0.2,
        "claims.doctor_id": 0.06,
        "claims.end_time": 0.1,
        "claims.account_amount": 0.3,
        "claims.diagnosis": 0.2,
        "claims.terminal_id": 0.35,
    }
    k["dropped"] = sorted(c for c, p in drop.items() if p >= 1.0 or rng.random() < p)
    if k["holder_mode"] == "absent":
        k["dropped"].append("claims.holder_id")
    k["rings"] = _draw_ring_mix(rng)
    k["benign"] = _draw_benign_mix(rng)
    return k


def _draw_ring_mix(rng: np.random.Generator) -> list[str]:
    """Which schemes are planted: 6-9 rings over the four typologies."""
    staged = list(
        rng.choice(["broker_clinic", "physio_gifts", "village_cards"], size=int(rng.integers(2, 4)), replace=True)
    )
    collect = list(rng.choice(["chain_cashout", "card_buyer"], size=int(rng.integers(1, 3)), replace=False))
    induced = list(
        rng.choice(["free_bus", "township_beds", "ghost_patients"], size=int(rng.integers(1, 3)), replace=False)
    )
    kick = ["multisite_steering"] * int(rng.integers(1, 3))
    return [str(s) for s in staged + collect + induced + kick]


def _draw_benign_mix(rng: np.random.Generator) -> list[str]:
    always = ["family_doctor", "child_health_day", "dialysis", "families", "tcm_regulars"]
    sometimes = ["school_exam", "employer_checkup", "flu_outbreak", "mass_casualty", "nursing_home"]
    chosen = [s for s in sometimes if rng.random() < 0.7]
    extra = ["family_doctor"] if rng.random() < 0.5 else []
    return always + chosen + extra
