"""The ``detect`` output directory (``--out``): its files and their columns, the one writer and the one reader.

``detect`` and ``detect --by-region`` write it with :func:`write_output`;
``rings``, ``show``, ``export``, ``load --rings`` and ``evidence`` read its
files with :func:`read_table` (and ``run.json`` with :func:`read_record`),
each then typing or selecting what it needs.  The columns of every file are
the contract's (:data:`FILES`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from graphfraud.contract import OUTPUT_FILES, REASON_ARGS_COLUMN
from graphfraud.errors import ContractError
from graphfraud.io.write import atomic_dir, file_sha256, owned_by, read_text_csv, write_csv

#: The run record: parameters, versions, input and output hashes, timings.
RUN_RECORD = "run.json"

#: Every table file of the directory, in the order it is written, with its required columns (English, Chinese).
FILES = OUTPUT_FILES

#: Columns a reader accepts beyond the required ones, by file.
OPTIONAL: dict[str, tuple[tuple[str, str], ...]] = {
    "ring_reasons.csv": (REASON_ARGS_COLUMN,),
    "explained_reasons.csv": (REASON_ARGS_COLUMN,),
}


def columns(name: str) -> list[str]:
    """The English column names of output file ``name``, optional ones included, in file order.

    >>> columns("ring_claims.csv")
    ['ring_id', 'claim_id']
    >>> columns("ring_reasons.csv")[-2:]
    ['text', 'args']
    """
    return [en for en, _ in FILES[name] + OPTIONAL.get(name, ())]


def write_output(out_dir: str | Path, tables: Mapping[str, pd.DataFrame], record: dict[str, Any], *,
                 inputs: Iterable[str | Path] = (), force: bool = False,
                 files: Mapping[str, bytes] | None = None) -> dict[str, Any]:  # fmt: skip
    """Write a detect output directory atomically: the tables, then ``run.json`` with their SHA-256.

    Parameters
    ----------
    out_dir : str or Path
        Replaced only when empty or an earlier detect output (it holds our
        ``run.json``), never when it is one of ``inputs``
        (:func:`graphfraud.io.write.atomic_dir`).
    tables : mapping
        File name (a key of :data:`FILES`) -> its frame, columns in contract order.
    record : dict
        The run record; ``outputs`` (``{file: sha256}``) is added to it.
    force : bool
        Replace an ``out_dir`` holding files graphfraud did not write (never an input).
    files : mapping, optional
        Other files written as they are (``{"model.pkl": bytes}`` of a learned re-ranking).

    Returns
    -------
    dict
        ``record``.

    Raises
    ------
    ValueError
        A table is not an output file or lacks its columns (a programming error).
    """
    for name, frame in tables.items():
        if name not in FILES or list(frame.columns)[: len(FILES[name])] != [en for en, _ in FILES[name]]:
            raise ValueError(
                f"{name} is not a detect output file with columns {columns(name) if name in FILES else ''}"
            )
    with atomic_dir(
        out_dir, owned=owned_by(RUN_RECORD), inputs=inputs, what="detect output (--out)", force=force
    ) as tmp:
        tmp = Path(tmp)
        for name in FILES:
            if name in tables:
                write_csv(tables[name], tmp / name)
        for name, content in (files or {}).items():
            (tmp / name).write_bytes(content)
        record["outputs"] = {p.name: file_sha256(p) for p in sorted(tmp.glob("*.csv"))}
        (tmp / RUN_RECORD).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return record


def read_table(out_dir: str | Path, name: str, *, required: bool = True, hint: str = "") -> pd.DataFrame:
    """Output file ``name`` of ``out_dir`` as text ("" for empty), with English column names.

    Chinese headers are accepted.  A missing optional file (``required=False``)
    is an empty frame with the file's columns.

    Raises
    ------
    ContractError
        The file is missing (``hint`` says what to do) or lacks a required column.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "ring_members.csv").write_text("团伙编号,实体类型,实体编号,角色,分值\\nR1,person,P1,recruit,0.8\\n")
    >>> read_table(d, "ring_members.csv").loc[0, "entity_id"], len(read_table(d, "ring_claims.csv", required=False))
    ('P1', 0)
    """
    out = Path(out_dir)
    path = out / name
    if not path.is_file():
        if not required:
            return pd.DataFrame({en: pd.Series([], dtype=object) for en, _ in FILES[name]})
        raise ContractError(name, None, None, f"missing from {out}" + (f"{hint}" if hint else ""))
    frame = read_text_csv(path)
    frame = frame.rename(columns={zh: en for en, zh in FILES[name] + OPTIONAL.get(name, ())})
    missing = [en for en, _ in FILES[name] if en not in frame.columns]
    if missing:
        raise ContractError(name, 1, missing[0], f"required column missing from {out}")
    return frame


def read_record(out_dir: str | Path) -> dict[str, Any]:
    """``run.json`` of ``out_dir``; empty when absent."""
    path = Path(out_dir) / RUN_RECORD
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
