"""Every assumption of a world, drawn from its seed (different worlds, different assumptions)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

OPTIONAL = {
    "persons": ["sex", "birth_date", "region", "insured_type", "phone", "address", "death_date"],
    "facilities": ["name", "kind", "level", "ownership", "region", "beds"],
    "pharmacies": ["name", "chain", "region"],
    "doctors": ["facility_id", "name", "title", "department"],
    "claims": ["holder_id", "doctor_id", "end_time", "account_amount", "diagnosis", "terminal_id"],
}
# how likely each optional column is to be missing from an export (the rest: 8%)
DROP_CHANCE = {
    "phone": 0.25,
    "address": 0.3,
    "holder_id": 0.3,
    "terminal_id": 0.35,
    "account_amount": 0.25,
    "diagnosis": 0.2,
    "end_time": 0.15,
    "doctor_id": 0.08,
    "death_date": 0.2,
    "facility_id": 0.1,
}

CITIES = {  # city prefix -> (name, district codes)
    "3502": ("厦门", ["350203", "350205", "350206", "350211", "350212", "350213"]),
    "4403": ("深圳", ["440303", "440304", "440305", "440306", "440307", "440308", "440309"]),
    "5101": ("成都", ["510104", "510105", "510106", "510107", "510108", "510112", "510113", "510114"]),
    "3701": ("济南", ["370102", "370103", "370104", "370105", "370112", "370113"]),
}
SPRING_FESTIVAL = {2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29"}


@dataclass(frozen=True)
class Knobs:
    """One world's assumptions; written to truth.json so every failure can be traced to them."""

    seed: int
    persons: int
    city: str
    year: int
    days: int  # length of the export window, days from 1 January
    time_resolution: str  # minute | second | date
    time_sep: str  # ' ' or 'T'
    bom: bool  # UTF-8 BOM on every CSV
    shuffle_columns: bool  # columns in a non-contract order
    dropped: dict = field(default_factory=dict)  # table -> [optional columns left out]
    claim_items: bool = True  # claim_items table written at all
    trace_share: float = 0.0  # share of drug lines at pharmacies carrying a trace code (0: column absent)
    price_decimals: int = 2
    birth_as_year: bool = False
    phone_format: str = "hash"  # hash | masked (138****1234: unrelated persons collide)
    elder_shares_phone: float = 0.5  # elderly using a child's phone number
    holder_always: bool = False  # holder_id filled even when it is the patient
    mutual_aid: float = 0.1  # share of eligible family pharmacy claims paid by another member (家庭共济)
    prescriber_on_pharmacy: bool = False  # pharmacy claims of prescription fills carry the prescribing doctor
    chronic_type: str = "chronic"  # visit_type of 慢病 follow-ups: chronic | outpatient
    visit_scale: float = 1.0  # ordinary visits per person x this
    tail_shape: float = 0.6  # gamma shape of personal visit propensity (small: heavy tail)
    pharmacy_pref: float = 0.35  # mean share of ordinary encounters at retail pharmacies
    movers: float = 0.06  # persons who move district mid-year
    away_share: float = 0.08  # visits outside the home district (besides the big hospitals)
    fill_prob: float = 0.3  # facility visit followed by a same-day pharmacy fill
    adjacent_pharmacy: float = 0.5  # fills at the pharmacy next to the facility (benign doctor->pharmacy link)
    insured_elsewhere: float = 0.05  # persons insured in another city (异地参保)
    rings: dict = field(default_factory=dict)  # typology -> count
    benign: dict = field(default_factory=dict)  # kind -> count

    def to_dict(self) -> dict:
        return asdict(self)


def draw_knobs(seed: int, persons: int) -> Knobs:
    """The world's assumptions, a pure function of ``seed`` (and the size)."""
    r = np.random.default_rng([seed, 7001])
    city = str(r.choice(sorted(CITIES)))
    year = int(r.choice([2023, 2024]))
    days = int(r.choice([365, 365, 273, 181]))
    res = str(r.choice(["minute", "second", "date"], p=[0.45, 0.25, 0.30]))
    dropped: dict[str, list[str]] = {}
    for table, cols in OPTIONAL.items():
        gone = [c for c in cols if r.random() < DROP_CHANCE.get(c, 0.08)]
        if gone:
            dropped[table] = gone
    claim_items = bool(r.random() < 0.65)
    trace_share = float(r.choice([0.0, 0.4, 0.9])) if claim_items else 0.0
    scale = persons / 30000
    rings = {
        "staged_clinic": int(r.integers(1, 4)),
        "card_collector": int(r.integers(1, 3)),
        "induced_admission": int(r.integers(0, 3)),
        "kickback": int(r.integers(1, 3)),
    }
    if scale < 0.2:  # tiny worlds (tests): one of each
        rings = {k: min(v, 1) for k, v in rings.items()}
    benign = {
        "dialysis": int(r.integers(1, 3)),
        "nursing_home": int(r.integers(1, 4)),
        "family": int(r.integers(2, 6)),
        "company_checkup": int(r.integers(1, 3)),
        "elderly_checkup": int(r.integers(0, 2)),
        "school_physical": int(r.integers(0, 2)),
        "rehab": int(r.integers(0, 2)),
        "oncology_day": int(r.integers(0, 2)),
        "chronic_pharmacy": int(r.integers(1, 3)),
    }
    if scale < 0.2:
        benign = {k: min(v, 1) for k, v in benign.items()}
    return Knobs(
        seed=seed,
        persons=persons,
        city=city,
        year=year,
        days=days,
        time_resolution=res,
        time_sep=str(r.choice([" ", "T"])),
        bom=bool(r.random() < 0.3),
        shuffle_columns=bool(r.random() < 0.5),
        dropped=dropped,
        claim_items=claim_items,
        trace_share=trace_share,
        price_decimals=int(r.choice([2, 4])),
        birth_as_year=bool(r.random() < 0.3),
        phone_format=str(r.choice(["hash", "masked"], p=[0.6, 0.4])),
        elder_shares_phone=float(r.uniform(0.2, 0.8)),
        holder_always=bool(r.random() < 0.4),
        mutual_aid=float(r.uniform(0.0, 0.3)),
        prescriber_on_pharmacy=bool(r.random() < 0.5),
        chronic_type=str(r.choice(["chronic", "outpatient"])),
        visit_scale=float(r.uniform(0.6, 1.5)),
        tail_shape=float(r.uniform(0.35, 1.2)),
        pharmacy_pref=float(r.uniform(0.2, 0.5)),
        movers=float(r.uniform(0.02, 0.12)),
        away_share=float(r.uniform(0.03, 0.2)),
        fill_prob=float(r.uniform(0.15, 0.5)),
        adjacent_pharmacy=float(r.uniform(0.3, 0.8)),
        insured_elsewhere=float(r.uniform(0.02, 0.1)),
        rings=rings,
        benign=benign,
    )
