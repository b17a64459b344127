"""Case history (案件记录) that survives a bulk import: read it before, put it back after.

``neo4j-admin database import full`` replaces the whole database, and with it
every ring's case status and the investigators' ``(:CaseNote)`` history
(:func:`graphfraud.neo4j.writeback.set_case_status`).  :func:`save_cases` reads
them (rings that are not plain ``open`` without notes), :func:`write_backup`
keeps them in a JSON file beside the import CSVs in case the import fails half
way, and :func:`restore_cases` MERGEs them back into the new database before
the rings of the new run are written (a ring's status is kept by
``rings/rings.cypher``, which sets ``open`` only on a new ring).  The verdicts on
persons, doctors, facilities and pharmacies (``verdict``, ``verdict_at`` on those
nodes; :func:`graphfraud.neo4j.writeback.write_verdicts`) are carried over the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd

from graphfraud.neo4j.queries import cypher_text, run_read, run_write
from graphfraud.neo4j.writeback import entity_verdicts, write_verdicts


@dataclass(frozen=True)
class Cases:
    """Case history read from a database: one row per ring with a status other than a bare ``open``.

    ``rows`` hold ``ring_id, status, status_at, notes, case_notes`` (times as ISO text;
    each case note ``note_id, at, status, previous, note, by``), the parameter rows
    of ``rings/cases_restore.cypher``; ``verdicts`` hold ``entity_type, entity_id,
    verdict, at`` of every person, doctor, facility and pharmacy with a verdict.
    """

    rows: tuple[dict[str, Any], ...]
    verdicts: tuple[dict[str, Any], ...] = ()

    @property
    def rings(self) -> int:
        return len(self.rows)

    @property
    def notes(self) -> int:
        return sum(len(r["case_notes"]) for r in self.rows)

    def summary(self) -> str:
        """``"3 rings with case history (5 notes)"``, and the verdicts on persons and institutions.

        >>> Cases(({"ring_id": "R1", "case_notes": [{}, {}]},)).summary()
        '1 ring with case history (2 notes)'
        >>> Cases((), ({"entity_type": "person"},)).summary()
        '0 rings with case history (0 notes), 1 verdict on persons and institutions'
        """
        text = f"{self.rings} ring{'s' * (self.rings != 1)} with case history ({self.notes} notes)"
        if self.verdicts:
            text += f", {len(self.verdicts)} verdict{'s' * (len(self.verdicts) != 1)} on persons and institutions"
        return text

    def __bool__(self) -> bool:
        return bool(self.rows or self.verdicts)


def save_cases(driver: neo4j.Driver, *, database: str | None = None) -> Cases:
    """Every ring's case status, note lines and CaseNote nodes (``rings/cases_save.cypher``), and the verdicts
    on persons and institutions (``rings/entity_verdicts.cypher``)."""
    result = run_read(driver, cypher_text("rings/cases_save.cypher"), database=database)
    return Cases(tuple(result.dicts()), tuple(entity_verdicts(driver, database=database)))


def write_backup(cases: Cases, path: str | Path) -> Path:
    """Keep ``cases`` as JSON at ``path`` (0600): what :func:`read_backup` reads back."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"rings": list(cases.rows), "verdicts": list(cases.verdicts)}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def read_backup(path: str | Path) -> Cases:
    """The cases kept by :func:`write_backup` (a plain list of ring rows: a backup of an earlier version)."""
    record = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(record, list):
        return Cases(tuple(record))
    return Cases(tuple(record["rings"]), tuple(record.get("verdicts", ())))


def restore_cases(driver: neo4j.Driver, cases: Cases, *, database: str | None = None) -> None:
    """MERGE ``cases`` back (``rings/cases_restore.cypher``, verdicts with their time); running it twice changes nothing."""
    if cases.rows:
        run_write(driver, cypher_text("rings/cases_restore.cypher"), {"rows": list(cases.rows)}, database=database)
    if cases.verdicts:
        write_verdicts(driver, pd.DataFrame(list(cases.verdicts)), database=database)
