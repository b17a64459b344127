"""Load a claims directory into Neo4j: the graph model of design.md, idempotent and resumable.

Pure functions turn the contract tables into parameter rows (``persons_rows``,
``claims_rows``, ...); :func:`load_claims` writes them through ``UNWIND $rows AS row
MERGE`` statements kept in ``cypher/load/``, one transaction per batch, after the
constraints and indexes of ``cypher/schema.cypher``.

Graph model::

    (:Person[:Patient][:CardHolder])-[:RECEIVED]->(:Claim)    patient (就诊人)
    (:Person)-[:PAID_FOR]->(:Claim)                           card holder (参保人, 家庭共济)
    (:Claim)-[:AT]->(:Facility|:Pharmacy)   (:Claim)-[:BY]->(:Doctor)
    (:Doctor)-[:PRACTICES_AT]->(:Facility)
    (:Person)-[:HAS_PHONE]->(:Phone)   (:Person)-[:LIVES_AT]->(:Address)

Re-running a load MERGEs the same nodes and relationships again, so counts do
not change.  With a checkpoint (the default) every batch also records its
progress in a ``GraphfraudLoad`` node in the same transaction, and a re-run
after an interruption skips the batches already committed.

Notes
-----
``claim_items`` are not loaded: the graph model has no item nodes; item-level
evidence lives in the evidence packs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

import neo4j
import numpy as np
import pandas as pd

from graphfraud.contract import ClaimsData
from graphfraud.neo4j.queries import BatchStats, apply_schema, cypher_text, write_batches
from graphfraud.neo4j.retry import RetryPolicy

#: Load steps in order: (step name, statement file, row function).
STEPS: tuple[tuple[str, str], ...] = (
    ("facilities", "load/facilities.cypher"),
    ("pharmacies", "load/pharmacies.cypher"),
    ("doctors", "load/doctors.cypher"),
    ("persons", "load/persons.cypher"),
    ("phones", "load/phones.cypher"),
    ("addresses", "load/addresses.cypher"),
    ("claims", "load/claims.cypher"),
)


def records(frame: pd.DataFrame, columns: Iterable[str]) -> list[dict[str, Any]]:
    """Rows of ``frame[columns]`` as dicts of plain Python values, missing values as ``None``.

    Timestamps become ``datetime`` (a Neo4j ``LocalDateTime``), ``Int64`` becomes
    ``int`` and ``NaN``/``NA`` become ``None`` (so ``SET n += row.props`` leaves
    the property unset).

    >>> df = pd.DataFrame({"a": ["x", None], "t": pd.to_datetime(["2024-03-05 09:41", None])})
    >>> records(df, ["a", "t"])
    [{'a': 'x', 't': datetime.datetime(2024, 3, 5, 9, 41)}, {'a': None, 't': None}]
    """
    columns = [c for c in columns if c in frame.columns]
    values = {c: _plain(frame[c]) for c in columns}
    return [dict(zip(columns, row)) for row in zip(*(values[c] for c in columns))]


def _plain(series: pd.Series) -> list[Any]:
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if pd.isna(v) else v.to_pydatetime() for v in series]
    out = series.astype(object).where(series.notna(), None).tolist()
    if pd.api.types.is_integer_dtype(series):
        return [None if v is None else int(v) for v in out]
    if pd.api.types.is_float_dtype(series):
        return [None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v) for v in out]
    return out


def _dates(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Date-only columns as ``datetime.date`` objects (Neo4j ``Date``)."""
    frame = frame.copy()
    for c in columns:
        if c in frame.columns and pd.api.types.is_datetime64_any_dtype(frame[c]):
            frame[c] = [None if pd.isna(v) else v.date() for v in frame[c]]
    return frame


def _keyed(frame: pd.DataFrame, key: str, props: Iterable[str]) -> list[dict[str, Any]]:
    props = [c for c in props if c in frame.columns]
    keys = records(frame, [key])
    values = records(frame, props)
    return [{key: k[key], "props": v} for k, v in zip(keys, values)]


def persons_rows(persons: pd.DataFrame) -> list[dict[str, Any]]:
    """``{person_id, props}`` rows; phone and address become their own nodes.

    >>> rows = persons_rows(pd.DataFrame({"person_id": ["P1"], "sex": ["F"], "phone": ["t1"]}))
    >>> rows
    [{'person_id': 'P1', 'props': {'sex': 'F'}}]
    """
    props = ["sex", "birth_date", "birth_year", "region", "insured_type", "death_date"]
    return _keyed(_dates(persons, ["birth_date", "death_date"]), "person_id", props)


def _shared(persons: pd.DataFrame, column: str) -> list[dict[str, Any]]:
    if column not in persons.columns:
        return []
    frame = persons.loc[persons[column].notna() & (persons[column].astype(str) != ""), ["person_id", column]]
    return records(frame, ["person_id", column])


def phones_rows(persons: pd.DataFrame) -> list[dict[str, Any]]:
    """``{person_id, phone}`` rows for persons with a phone."""
    return _shared(persons, "phone")


def addresses_rows(persons: pd.DataFrame) -> list[dict[str, Any]]:
    """``{person_id, address}`` rows for persons with an address."""
    return _shared(persons, "address")


def facilities_rows(facilities: pd.DataFrame) -> list[dict[str, Any]]:
    """``{facility_id, props}`` rows."""
    return _keyed(facilities, "facility_id", ["name", "kind", "level", "ownership", "region", "beds"])


def pharmacies_rows(pharmacies: pd.DataFrame) -> list[dict[str, Any]]:
    """``{pharmacy_id, props}`` rows."""
    return _keyed(pharmacies, "pharmacy_id", ["name", "chain", "region"])


def doctors_rows(doctors: pd.DataFrame) -> list[dict[str, Any]]:
    """``{doctor_id, facility_id, props}`` rows."""
    rows = _keyed(doctors, "doctor_id", ["name", "title", "department"])
    sites = records(doctors, ["facility_id"]) if "facility_id" in doctors else [{}] * len(rows)
    return [dict(r, facility_id=s.get("facility_id")) for r, s in zip(rows, sites)]


CLAIM_PROPS = (
    "visit_type", "start_time", "end_time", "total_amount", "fund_amount",
    "account_amount", "diagnosis", "terminal_id", "visit_id",
)  # fmt: skip


def claims_rows(claims: pd.DataFrame) -> list[dict[str, Any]]:
    """``{claim_id, patient_id, holder_id, facility_id, pharmacy_id, doctor_id, props}`` rows.

    An empty ``holder_id`` means the patient paid with their own card.

    >>> df = pd.DataFrame({"claim_id": ["C1"], "patient_id": ["P1"], "holder_id": [None],
    ...                    "pharmacy_id": ["PH1"], "fund_amount": [12.5]})
    >>> row = claims_rows(df)[0]
    >>> row["holder_id"], row["pharmacy_id"], row["facility_id"], row["props"]
    ('P1', 'PH1', None, {'fund_amount': 12.5})
    """
    ends = ["claim_id", "patient_id", "holder_id", "facility_id", "pharmacy_id", "doctor_id"]
    frame = claims.copy()
    for c in ends:
        if c not in frame.columns:
            frame[c] = None
    frame["holder_id"] = frame["holder_id"].where(
        frame["holder_id"].notna() & (frame["holder_id"].astype(str) != ""), frame["patient_id"]
    )
    keys = records(frame, ends)
    props = records(frame, CLAIM_PROPS)
    return [dict(k, props=p) for k, p in zip(keys, props)]


def load_rows(data: ClaimsData) -> dict[str, list[dict[str, Any]]]:
    """Parameter rows of every load step, by step name (see :data:`STEPS`)."""
    return {
        "facilities": facilities_rows(data.facilities),
        "pharmacies": pharmacies_rows(data.pharmacies),
        "doctors": doctors_rows(data.doctors),
        "persons": persons_rows(data.persons),
        "phones": phones_rows(data.persons),
        "addresses": addresses_rows(data.persons),
        "claims": claims_rows(data.claims),
    }


def fingerprint(data: ClaimsData) -> str:
    """A short hash of the tables' contents, used as the resume checkpoint key."""
    h = hashlib.sha256()
    for name in ("persons", "facilities", "pharmacies", "doctors", "claims"):
        frame = data.table(name)
        h.update(f"{name}:{len(frame)}:{','.join(frame.columns)};".encode())
        try:
            hashed = pd.util.hash_pandas_object(frame, index=False)
        except TypeError:
            hashed = pd.util.hash_pandas_object(frame.astype(str), index=False)
        h.update(hashed.to_numpy().tobytes())
    return h.hexdigest()[:16]


def load_claims(
    driver: neo4j.Driver,
    data: ClaimsData,
    *,
    batch_size: int = 5000,
    resume: bool = True,
    database: str | None = None,
    retry_policy: RetryPolicy = RetryPolicy(),
    log: Callable[[str], None] | None = None,
) -> list[BatchStats]:
    """Write ``data`` to Neo4j as the graphfraud graph model (schema first, then batches).

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver; this function never creates or closes one.
    data : ClaimsData
        Validated claims tables.
    batch_size : int, default 5000
        Rows per transaction.
    resume : bool, default True
        Record progress in ``GraphfraudLoad`` nodes and skip batches a previous
        run of the same input committed.  ``False`` MERGEs everything again.
    database : str or None
        Target database (``None``: the server's default).
    retry_policy : RetryPolicy, default RetryPolicy()
        Retries of a batch after a transient error (server restarting,
        connection lost): by default up to 16 tries, none later than 120 s
        after the first failure.
    log : callable or None
        Receives progress lines and one line per retry.

    Returns
    -------
    list of BatchStats
        One per step, in :data:`STEPS` order.

    Raises
    ------
    Neo4jError
        The server refuses the credentials or a statement, or stays
        unreachable longer than ``retry_policy`` allows.  What was committed
        stays; running the load again (with ``resume``) skips it.
    """
    apply_schema(driver, database=database, retry_policy=retry_policy, log=log)
    rows = load_rows(data)
    key = fingerprint(data) if resume else None
    return [
        write_batches(
            driver,
            cypher_text(path),
            rows[step],
            step=step,
            batch_size=batch_size,
            database=database,
            checkpoint=key,
            retry_policy=retry_policy,
            log=log,
        )  # fmt: skip
        for step, path in STEPS
    ]
