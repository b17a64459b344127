"""Convert the public Kaggle provider-fraud claims into a contract claims directory.

The Kaggle "Healthcare Provider Fraud Detection Analysis" set (US Medicare-style
claims; ``../shared/data/kaggle-provider-fraud/SOURCES.md``) is not shaped like
the data contract: one wide claim file whose providers, physicians and
beneficiaries have no tables of their own.  :func:`convert_provider_fraud`
writes the contract tables from it through the column mapping below
(:data:`CLAIM_COLUMNS`, :data:`PERSON_COLUMNS`), so that ``detect``, ``peers``
and ``validate`` read it like any export.  Nothing is guessed per row; the
derived tables follow fixed rules:

=====================  ===========================================================
contract               from the Kaggle files
=====================  ===========================================================
persons                Train_Beneficiarydata: BeneID, DOB, DOD, Gender 1/2 -> M/F,
                       region ``S<State>-C<County>``
facilities             every ``Provider`` of the claims; kind ``hospital`` (every
                       claim is an inpatient stay); region: the commonest region
                       of its patients; name, level, ownership, beds unknown
doctors                every ``AttendingPhysician``; facility: the provider with
                       most of their claims (ties: the smallest id)
claims                 Train_Inpatientdata: ClaimID, BeneID, Provider,
                       AttendingPhysician, AdmissionDt -> start_time, DischargeDt
                       -> end_time, fund_amount = InscClaimAmtReimbursed,
                       total_amount = fund + DeductibleAmtPaid, diagnosis =
                       ClmDiagnosisCode_1, visit_type ``inpatient``
pharmacies             none (header only)
cases.csv              provider-labels-half: PotentialFraud Yes -> confirmed,
                       No -> dismissed (``entity_type`` facility)
=====================  ===========================================================

Dates carry no time of day, so the data is day-resolution and the minute
signals (co-visits minutes apart) cannot run.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graphfraud.errors import ContractError
from graphfraud.io.write import atomic_dir, write_csv

#: Source files, by role.
FILES = {
    "claims": "Train_Inpatientdata.cleaned.csv.gz",
    "persons": "Train_Beneficiarydata.cleaned.csv.gz",
    "labels": "provider-labels-half.csv.gz",
}
#: Kaggle claim column -> contract claims column (derived columns are listed in the module docstring).
CLAIM_COLUMNS = {
    "ClaimID": "claim_id",
    "BeneID": "patient_id",
    "Provider": "facility_id",
    "AttendingPhysician": "doctor_id",
    "AdmissionDt": "start_time",
    "DischargeDt": "end_time",
    "InscClaimAmtReimbursed": "fund_amount",
    "ClmDiagnosisCode_1": "diagnosis",
}
#: Kaggle beneficiary column -> contract persons column.
PERSON_COLUMNS = {"BeneID": "person_id", "DOB": "birth_date", "DOD": "death_date", "Gender": "sex"}


def _read(source: Path, role: str, needed: list[str]) -> pd.DataFrame:
    path = source / FILES[role]
    if not path.is_file():
        raise ContractError(FILES[role], None, None, f"not found in {source} (the Kaggle provider-fraud files)")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ContractError(FILES[role], 1, missing[0], "required column missing")
    return frame.replace({"": None})


def kaggle_tables(source: str | Path) -> dict[str, pd.DataFrame]:
    """The contract tables (and ``cases``) of the Kaggle files in ``source``, as text frames.

    Raises
    ------
    ContractError
        When a file or a mapped column is missing.
    """
    source = Path(source)
    raw = _read(source, "claims", [*CLAIM_COLUMNS, "DeductibleAmtPaid"])
    bene = _read(source, "persons", [*PERSON_COLUMNS, "State", "County"])
    claims = raw[list(CLAIM_COLUMNS)].rename(columns=CLAIM_COLUMNS)
    fund = pd.to_numeric(claims["fund_amount"])
    deductible = pd.to_numeric(raw["DeductibleAmtPaid"]).fillna(0.0)
    claims = claims.assign(visit_type="inpatient", total_amount=(fund + deductible).round(2))
    claims["start_time"] = claims["start_time"].fillna(raw["ClaimStartDt"])
    persons = bene[list(PERSON_COLUMNS)].rename(columns=PERSON_COLUMNS)
    persons["sex"] = persons["sex"].map({"1": "M", "2": "F"})
    persons["region"] = "S" + bene["State"].astype(str) + "-C" + bene["County"].astype(str)
    region = claims["patient_id"].map(persons.set_index("person_id")["region"])
    facilities = (
        pd.DataFrame({"facility_id": claims["facility_id"], "region": region})
        .groupby(["facility_id", "region"]).size().rename("n").reset_index()
        .sort_values(["facility_id", "n", "region"], ascending=[True, False, True])
        .drop_duplicates("facility_id")[["facility_id", "region"]]
    )  # fmt: skip
    everyone = pd.DataFrame({"facility_id": sorted(claims["facility_id"].dropna().unique())})
    facilities = everyone.merge(facilities, how="left").assign(kind="hospital")
    doctors = (
        claims.dropna(subset=["doctor_id"]).groupby(["doctor_id", "facility_id"]).size().rename("n").reset_index()
        .sort_values(["doctor_id", "n", "facility_id"], ascending=[True, False, True])
        .drop_duplicates("doctor_id")[["doctor_id", "facility_id"]]
    )  # fmt: skip
    labels = _read(source, "labels", ["Provider", "PotentialFraud"])
    verdict = labels["PotentialFraud"].map({"Yes": "confirmed", "No": "dismissed"})
    bad = verdict.isna()
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise ContractError(
            FILES["labels"], row + 2, "PotentialFraud", f"{labels['PotentialFraud'].iloc[row]!r} is not Yes or No"
        )
    cases = pd.DataFrame({"entity_type": "facility", "entity_id": labels["Provider"], "verdict": verdict})
    return {
        "persons": persons,
        "facilities": facilities,
        "pharmacies": pd.DataFrame(columns=["pharmacy_id"]),
        "doctors": doctors,
        "claims": claims,
        "cases": cases,
    }


def convert_provider_fraud(source: str | Path, dest: str | Path) -> dict[str, int]:
    """Write a contract claims directory (and ``cases.csv``) from the Kaggle files in ``source``.

    ``dest`` is replaced atomically.  Returns the rows written per file.
    """
    tables = kaggle_tables(source)
    with atomic_dir(dest) as tmp:
        for name, frame in tables.items():
            write_csv(frame, Path(tmp) / f"{name}.csv")
    return {f"{name}.csv": len(frame) for name, frame in tables.items()}
