"""Read investigators' verdicts: ``cases.csv`` with ``entity_type,entity_id,verdict``.

``verdict`` is ``confirmed`` or ``dismissed``; ``entity_type`` is ``ring``,
``person``, ``doctor``, ``facility`` or ``pharmacy``.  A ring verdict names a
``ring_id`` of any earlier run; the learners follow it through the members.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graphfraud.errors import ContractError

CASE_ENTITY_TYPES = ("ring", "person", "doctor", "facility", "pharmacy")
VERDICTS = ("confirmed", "dismissed")
CASE_COLUMNS = ("entity_type", "entity_id", "verdict")


def check_cases(frame: pd.DataFrame, *, file: str = "cases.csv") -> pd.DataFrame:
    """Check a verdict frame; returns it with exactly :data:`CASE_COLUMNS`, one row per entity (last verdict wins).

    >>> check_cases(pd.DataFrame({"entity_type": ["facility", "facility"], "entity_id": ["F1", "F1"],
    ...                           "verdict": ["dismissed", "confirmed"]})).to_dict("records")
    [{'entity_type': 'facility', 'entity_id': 'F1', 'verdict': 'confirmed'}]
    """
    for column in CASE_COLUMNS:
        if column not in frame.columns:
            raise ContractError(file, 1, column, "required column missing (entity_type,entity_id,verdict)")
    out = frame[list(CASE_COLUMNS)].astype(object)
    for column, allowed in (("entity_type", CASE_ENTITY_TYPES), ("verdict", VERDICTS)):
        bad = ~out[column].isin(allowed)
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise ContractError(file, row + 2, column, f"{out[column].iloc[row]!r} is not one of {', '.join(allowed)}")
    empty = out["entity_id"].isna() | (out["entity_id"].astype(str).str.strip() == "")
    if empty.any():
        raise ContractError(file, int(empty.to_numpy().argmax()) + 2, "entity_id", "empty")
    out["entity_id"] = out["entity_id"].astype(str).str.strip()
    return out.drop_duplicates(["entity_type", "entity_id"], keep="last").reset_index(drop=True)


def read_cases(path: str | Path) -> pd.DataFrame:
    """Read and check ``cases.csv`` (UTF-8); see :func:`check_cases`."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ContractError(
            path.name, None, None, f"cannot be read as cases (entity_type,entity_id,verdict): {exc}"
        ) from None
    return check_cases(frame, file=path.name)
