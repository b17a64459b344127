"""Read the rings of a ``detect`` output directory back, as text, for writing elsewhere (Neo4j).

``graphfraud load --rings OUT_DIR`` writes these frames back to the claims
graph.  The analyst's typed views of the same files are in
:mod:`graphfraud.outputs.views`; this reader keeps every value as the text ``detect``
wrote, with empty cells as ``None``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from graphfraud.errors import ContractError
from graphfraud.io.output import read_record, read_table


#: The ring id grammar: ``detect`` writes ``R`` and 10 upper-case hex digits; tests and hand-made files may use
#: other short ids of letters, digits, ``_`` and ``-``.  Nothing else (no ``/``, ``.``, quote or newline)
#: may reach a path or a Cypher text (evidence packs check it); Neo4j receives ring ids only as query
#: parameters, so ``read_rings`` keeps them as they are.
RING_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def check_ring_id(value: object, *, file: str = "rings.csv", row: int | None = None) -> str:
    """``value`` if it is a valid ring id, else a :class:`ContractError` naming the file, row and value.

    >>> check_ring_id("R41F29EB1F2")
    'R41F29EB1F2'
    >>> try:
    ...     check_ring_id("../../home/x", row=2)
    ... except ContractError as e:
    ...     print(e)
    rings.csv, row 2, column ring_id: '../../home/x' is not a ring id (letters, digits, _ and -, at most 64, e.g. R41F29EB1F2); was the file edited?
    """
    if not isinstance(value, str) or not RING_ID.fullmatch(value):
        raise ContractError(
            file,
            row,
            "ring_id",
            f"{str(value)[:80]!r} is not a ring id (letters, digits, _ and -, "
            "at most 64, e.g. R41F29EB1F2); was the file edited?",
        )
    return value


class RingTables(NamedTuple):
    """``rings.csv`` and ``ring_members.csv`` of one detect run, and its run id."""

    rings: pd.DataFrame
    members: pd.DataFrame
    run_id: str


def read_rings(out_dir: str | Path) -> RingTables:
    """Read ``rings.csv`` and ``ring_members.csv`` (as text) and a run id from ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        The ``--out`` directory of ``graphfraud detect``.

    Returns
    -------
    RingTables
        ``rings`` with the columns of ``contract.RINGS_COLUMNS`` (rank, ring_id,
        score, alert, typology, persons, doctors, facilities, pharmacies,
        claims, fund_amount, reasons), ``members`` with those of
        ``contract.MEMBERS_COLUMNS`` (ring_id, entity_type, entity_id, role,
        score), both as text with English names (Chinese headers are accepted)
        and ``None`` for empty cells; ``run_id``, the ``run_id`` of ``run.json``
        when it records one, else the first 12 hex digits of the SHA-256 of
        ``rings.csv``.

    Raises
    ------
    ContractError
        When either file is missing or lacks a required column.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "rings.csv").write_text("rank,ring_id,score,alert,typology,persons,doctors,facilities,"
    ...                                  "pharmacies,claims,fund_amount,reasons\\n1,R1,91.5,red,kickback,4,1,1,0,30,"
    ...                                  "1200.00,\\n")
    >>> _ = (d / "ring_members.csv").write_text("团伙编号,实体类型,实体编号,角色,分值\\nR1,person,P1,recruit,0.8\\n")
    >>> rings, members, run_id = read_rings(d)
    >>> rings.loc[0, "score"], rings.loc[0, "reasons"], members.loc[0, "entity_id"], len(run_id)
    ('91.5', None, 'P1', 12)
    """
    out = Path(out_dir)
    frames = [read_table(out, name).replace({"": None}) for name in ("rings.csv", "ring_members.csv")]
    run_id = hashlib.sha256((out / "rings.csv").read_bytes()).hexdigest()[:12]
    run_id = str(read_record(out).get("run_id") or run_id)
    return RingTables(frames[0], frames[1], run_id)


def read_lineage(out_dir: str | Path) -> pd.DataFrame | None:
    """``lineage.csv`` of a ``detect --previous`` run as text (empty cells ``""``), or None when the run wrote none."""
    path = Path(out_dir) / "lineage.csv"
    if not path.exists():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
