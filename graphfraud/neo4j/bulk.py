"""CSV files for Neo4j's bulk importer (``neo4j-admin database import full``).

For a first load of a large export, writing the store offline is far faster
than transactional MERGE.  :func:`import_frames` builds the node and
relationship tables of the graph model (same labels, keys and properties as
:mod:`graphfraud.neo4j.load`) with importer headers such as
``person_id:ID(Person)`` and ``:START_ID(Person)``; :func:`write_import_csvs`
writes them.  :meth:`graphfraud.neo4j.server.BundledServer.import_full` runs the
importer with the server stopped; it replaces the whole database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from graphfraud.contract import ClaimsData

_KIND_TYPES = {"date": "date", "datetime": "localdatetime", "money": "double", "price": "double", "float": "double",
               "int": "long"}  # fmt: skip


@dataclass(frozen=True)
class ImportFile:
    """One CSV of the bulk import: a node label or a relationship type and its rows."""

    kind: str  # "nodes" or "relationships"
    name: str  # label or relationship type
    frame: pd.DataFrame  # columns already carry importer headers

    @property
    def rows(self) -> int:
        return len(self.frame)


def _nonempty(s: pd.Series) -> pd.Series:
    return s.notna() & (s.astype(str) != "")


def _node(frame: pd.DataFrame, key: str, space: str, props: dict[str, str]) -> pd.DataFrame:
    out = pd.DataFrame({f"{key}:ID({space})": frame[key].astype(str)})
    for col, kind in props.items():
        if col not in frame.columns:
            continue
        values = frame[col]
        if kind == "date":
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        elif kind == "datetime":
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%dT%H:%M:%S")
        suffix = f":{_KIND_TYPES[kind]}" if kind in _KIND_TYPES else ""
        if kind == "int":
            values = pd.to_numeric(values).astype("Int64")
        out[f"{col}{suffix}"] = values
    return out.drop_duplicates(subset=[out.columns[0]])


def _rel(start: pd.Series, s_space: str, end: pd.Series, e_space: str) -> pd.DataFrame:
    frame = pd.DataFrame({f":START_ID({s_space})": start.astype(str).to_numpy(),
                          f":END_ID({e_space})": end.astype(str).to_numpy()})  # fmt: skip
    return frame.drop_duplicates()


def import_frames(data: ClaimsData) -> list[ImportFile]:
    """Node and relationship tables of the graph model, with importer headers.

    Returns
    -------
    list of ImportFile
        Nodes first (Facility, Pharmacy, Doctor, Person, Phone, Address, Claim),
        then relationships (PRACTICES_AT, HAS_PHONE, LIVES_AT, RECEIVED,
        PAID_FOR, AT, BY).
    """
    p, c, d = data.persons, data.claims, data.doctors
    holder = c["holder_id"].where(_nonempty(c["holder_id"]), c["patient_id"])
    persons = _node(p, "person_id", "Person", {"sex": "str", "birth_date": "date",
                    "birth_year": "int", "region": "str", "insured_type": "str",
                    "death_date": "date"})  # fmt: skip
    ids = persons.iloc[:, 0]
    patient, card = ids.isin(c["patient_id"].astype(str)), ids.isin(holder.astype(str))
    persons[":LABEL"] = [";".join(x for x, on in (("Patient", a), ("CardHolder", b)) if on)
                         for a, b in zip(patient, card)]  # fmt: skip
    phones = p.loc[_nonempty(p["phone"]), ["person_id", "phone"]]
    addresses = p.loc[_nonempty(p["address"]), ["person_id", "address"]]
    at_f, at_p = c.loc[_nonempty(c["facility_id"])], c.loc[_nonempty(c["pharmacy_id"])]
    by, works = c.loc[_nonempty(c["doctor_id"])], d.loc[_nonempty(d["facility_id"])]
    claim_props = {"visit_type": "str", "start_time": "datetime", "end_time": "datetime",
                   "total_amount": "money", "fund_amount": "money", "account_amount": "money",
                   "diagnosis": "str", "terminal_id": "str", "visit_id": "str"}  # fmt: skip
    return [
        ImportFile("nodes", "Facility", _node(data.facilities, "facility_id", "Facility",
                   {"name": "str", "kind": "str", "level": "int", "ownership": "str",
                    "region": "str", "beds": "int"})),  # fmt: skip
        ImportFile("nodes", "Pharmacy", _node(data.pharmacies, "pharmacy_id", "Pharmacy",
                   {"name": "str", "chain": "str", "region": "str"})),  # fmt: skip
        ImportFile("nodes", "Doctor", _node(d, "doctor_id", "Doctor",
                   {"name": "str", "title": "str", "department": "str"})),  # fmt: skip
        ImportFile("nodes", "Person", persons),
        ImportFile("nodes", "Phone", _node(phones, "phone", "Phone", {})),
        ImportFile("nodes", "Address", _node(addresses, "address", "Address", {})),
        ImportFile("nodes", "Claim", _node(c, "claim_id", "Claim", claim_props)),
        ImportFile("relationships", "PRACTICES_AT",
                   _rel(works["doctor_id"], "Doctor", works["facility_id"], "Facility")),
        ImportFile("relationships", "HAS_PHONE",
                   _rel(phones["person_id"], "Person", phones["phone"], "Phone")),
        ImportFile("relationships", "LIVES_AT",
                   _rel(addresses["person_id"], "Person", addresses["address"], "Address")),
        ImportFile("relationships", "RECEIVED",
                   _rel(c["patient_id"], "Person", c["claim_id"], "Claim")),
        ImportFile("relationships", "PAID_FOR", _rel(holder, "Person", c["claim_id"], "Claim")),
        ImportFile("relationships", "AT",
                   _rel(at_f["claim_id"], "Claim", at_f["facility_id"], "Facility")),
        ImportFile("relationships", "AT",
                   _rel(at_p["claim_id"], "Claim", at_p["pharmacy_id"], "Pharmacy")),
        ImportFile("relationships", "BY", _rel(by["claim_id"], "Claim", by["doctor_id"], "Doctor")),
    ]  # fmt: skip


def write_import_csvs(files: list[ImportFile], out_dir: str | Path) -> list[tuple[str, str, Path]]:
    """Write each table as ``out_dir/NN_name.csv``; returns ``(kind, name, path)`` triples."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i, f in enumerate(files):
        path = out / f"{i:02d}_{f.kind}_{f.name}.csv"
        f.frame.to_csv(path, index=False, na_rep="", date_format="%Y-%m-%dT%H:%M:%S")
        written.append((f.kind, f.name, path))
    return written
