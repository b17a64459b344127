"""From the world's numpy arrays to contract tables (ids, codes, times and money as text or typed columns).

Persons get ten-digit pseudonymised numbers below 10**9, so every id has a
leading zero; phones and addresses are 16-hex-digit hashed keys; claims are
``S`` + ten digits, numbered in time order.  An ``id_prefix`` (one per city of a
province) heads person ids, phone and address keys and traceability codes, and
follows the ``S`` of claim ids, so the worlds of several cities can be
concatenated without clashes.  Entity tables are sorted by id so
that row order tells nothing about how the world was built.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, LABELS, PERSONS, PHARMACIES, VISIT_TYPES
from graphfraud.synth.catalog import CATEGORY, CODES, DIAGNOSES, NAMES
from graphfraud.synth.claims import Batch
from graphfraud.synth.context import Planted
from graphfraud.synth.items import Lines
from graphfraud.synth.places import (
    CHAINS,
    CLASS_KIND,
    CLASS_OWNER,
    DEPARTMENTS,
    TITLES,
    Places,
    district_codes,
    region_codes,
)
from graphfraud.synth.population import NO_DEATH, People
from graphfraud.synth.strings import fixed_digits, frame, join, mix64, scramble, take

_NS_PER_MIN = 60 * 10**9


def _text(values: tuple[str, ...] | list[str]) -> pa.Array:
    return pa.array(list(values), pa.large_string())


def _days(origin: np.datetime64, day: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    out = (origin + day.astype("timedelta64[D]")).astype("datetime64[ns]")
    if missing is not None:
        out[missing] = np.datetime64("NaT")
    return out


def _sorted(df: pd.DataFrame, key: str) -> pd.DataFrame:
    return df.iloc[np.argsort(df[key].to_numpy(dtype=object), kind="stable")].reset_index(drop=True)


def person_table(
    people: People, origin: np.datetime64, *, city: str = "3502", id_prefix: str = ""
) -> tuple[pd.DataFrame, pa.Array]:
    """The persons table and the person id of every person index."""
    n = len(people)
    ids = fixed_digits(scramble(np.arange(n), 10**9, 7_7777_777), 10, id_prefix)
    phone = mix64(np.maximum(people.phone, 0), 0x5EED_0F_9A)
    address = mix64(people.address, 0xADD2_E55)
    birth = -np.rint(people.age * 365.25).astype(np.int64)
    df = frame(
        PERSONS,
        {
            "person_id": ids,
            "sex": take(_text(["M", "F"]), people.female.astype(np.int64)),
            "birth_date": _days(origin, birth),
            "region": take(_text(region_codes(city)), people.region),
            "insured_type": take(_text(["employee", "resident"]), people.insured),
            "phone": take(fixed_digits(phone, 16, id_prefix, base=16), np.where(people.phone >= 0, np.arange(n), -1)),
            "address": fixed_digits(address, 16, id_prefix, base=16),
            "death_date": _days(
                origin, np.where(people.death_day == NO_DEATH, 0, people.death_day), people.death_day == NO_DEATH
            ),
        },
        n,
    )
    return _sorted(df, "person_id"), ids


def place_tables(places: Places) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """facilities, pharmacies and doctors tables."""
    nf, nph, nd = len(places.fac_class), len(places.ph_district), len(places.doc_facility)
    districts = _text(district_codes(places.city))
    facilities = frame(
        FACILITIES,
        {
            "facility_id": places.fac_ids,
            "name": places.fac_names,
            "kind": take(_text(CLASS_KIND), places.fac_class),
            "level": places.fac_level,
            "ownership": take(_text(CLASS_OWNER), places.fac_class),
            "region": take(districts, places.fac_district),
            "beds": places.fac_beds,
        },
        nf,
    )
    pharmacies = frame(
        PHARMACIES,
        {
            "pharmacy_id": places.ph_ids,
            "name": places.ph_names,
            "chain": take(_text([f"LS{c + 1:03d}" for c in range(len(CHAINS))]), places.ph_chain),
            "region": take(districts, places.ph_district),
        },
        nph,
    )
    flat = [d for depts in DEPARTMENTS for d in depts]
    first = np.cumsum([0] + [len(d) for d in DEPARTMENTS])[:-1]
    cls = places.fac_class[places.doc_facility]
    doctors = frame(
        DOCTORS,
        {
            "doctor_id": places.doc_ids,
            "facility_id": take(places.fac_ids, places.doc_facility),
            "name": places.doc_names,
            "title": take(_text(TITLES), places.doc_title),
            "department": take(_text(flat), first[cls] + places.doc_dept),
        },
        nd,
    )
    return _sorted(facilities, "facility_id"), _sorted(pharmacies, "pharmacy_id"), _sorted(doctors, "doctor_id")


def _pop(obj: object, name: str) -> np.ndarray:
    """Take an array out of ``obj``, so it is freed as soon as it has been used."""
    value = getattr(obj, name)
    setattr(obj, name, None)
    return value  # type: ignore[no-any-return]


def claim_tables(
    claims: Batch,
    lines: Lines,
    amounts: tuple[np.ndarray, ...],
    person_ids: pa.Array,
    places: Places,
    origin: np.datetime64,
    *,
    date_only: bool,
    id_prefix: str = "",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """claims and claim_items tables; ``amounts`` are (total, fund, account) in cents per claim.

    Consumes ``claims`` and ``lines``: their arrays are released column by
    column to keep peak memory near the size of the tables themselves.
    """
    n = len(claims)
    claim_ids = fixed_digits(np.arange(1, n + 1), 10, "S" + id_prefix)
    items_df = _items_table(lines, claim_ids, id_prefix)
    total, fund, account = amounts
    columns: dict[str, object] = {"claim_id": claim_ids}
    columns["patient_id"] = take(person_ids, _pop(claims, "patient"))
    columns["holder_id"] = take(person_ids, _pop(claims, "holder"))
    facility, pharmacy = _pop(claims, "facility"), _pop(claims, "pharmacy")
    columns["facility_id"] = take(places.fac_ids, facility)
    columns["pharmacy_id"] = take(places.ph_ids, pharmacy)
    columns["doctor_id"] = take(places.doc_ids, _pop(claims, "doctor"))
    columns["visit_type"] = take(_text(VISIT_TYPES), _pop(claims, "visit_type"))
    origin_ns = origin.astype("datetime64[ns]")
    unit = "datetime64[D]" if date_only else "datetime64[m]"
    start = _pop(claims, "start")
    columns["start_time"] = (
        (origin_ns + (start * _NS_PER_MIN).astype("timedelta64[ns]")).astype(unit).astype("datetime64[ns]")
    )
    del start
    end = _pop(claims, "end")
    end_time = (
        (origin_ns + (np.maximum(end, 0) * _NS_PER_MIN).astype("timedelta64[ns]")).astype(unit).astype("datetime64[ns]")
    )
    end_time[end < 0] = np.datetime64("NaT")
    columns["end_time"] = end_time
    columns["total_amount"], columns["fund_amount"], columns["account_amount"] = (
        total / 100.0,
        fund / 100.0,
        account / 100.0,
    )
    columns["diagnosis"] = take(_text(DIAGNOSES), _pop(claims, "diagnosis"))
    venue = pc.coalesce(columns["facility_id"], columns["pharmacy_id"])
    columns["terminal_id"] = join(venue, "-", fixed_digits(_pop(claims, "terminal").astype(np.int64) + 1, 2))
    del venue, facility, pharmacy
    claims_df = frame(CLAIMS, columns, n)
    pa.default_memory_pool().release_unused()
    return claims_df, items_df


def _items_table(lines: Lines, claim_ids: pa.Array, id_prefix: str = "") -> pd.DataFrame:
    n = len(lines.claim)
    box = _pop(lines, "box")
    item = lines.item.astype(np.int64)
    drug = box >= 0
    product = _text([f"8{(37 * i + 1013) % 10000:04d}" for i in range(len(CODES))])
    codes = join(take(product, item[drug]), fixed_digits(scramble(box[drug], 10**15, 271_828_182_845), 15, id_prefix))
    trace = take(codes, np.where(drug, np.cumsum(drug) - 1, -1))
    del codes, box, drug
    unit_price, amount = lines.unit_price(), lines.amount_cents() / 100.0
    quantity = _pop(lines, "quantity")
    columns = {
        "claim_id": take(claim_ids, _pop(lines, "claim")),
        "item_code": take(_text(CODES), item),
        "item_name": take(_text(NAMES), item),
        "category": take(_text(CATEGORY), item),
        "quantity": quantity.astype(np.float64),
        "unit_price": unit_price,
        "amount": amount,
        "trace_code": trace,
    }
    del quantity, item
    return frame(CLAIM_ITEMS, columns, n)


def label_table(planted: list[Planted], person_ids: pa.Array, places: Places) -> pd.DataFrame:
    """labels: one row per entity of every planted group, in group order then entity type."""
    ring, typology, etype, eid = [], [], [], []
    for p in planted:
        for kind, idx, ids in (
            ("person", p.persons, person_ids),
            ("doctor", p.doctors, places.doc_ids),
            ("facility", p.facilities, places.fac_ids),
            ("pharmacy", p.pharmacies, places.ph_ids),
        ):
            values = sorted(take(ids, np.asarray(idx, dtype=np.int64)).to_pylist())
            ring += [p.ring_id] * len(values)
            typology += [p.typology] * len(values)
            etype += [kind] * len(values)
            eid += values
    cols = {"ring_id": ring, "typology": typology, "entity_type": etype, "entity_id": eid}
    return frame(LABELS, {k: _text(v) for k, v in cols.items()}, len(ring))
