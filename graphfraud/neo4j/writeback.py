"""Write detected rings (团伙) back to Neo4j, and keep each ring's case status.

From ``rings.csv`` and ``ring_members.csv`` (columns fixed by the data contract)
and the claims, pure functions make the parameter rows of

* ``(:Ring {rank, score, alert, typology, counts, fund_amount, reasons, reason_zh, reason_en,
  typology_zh, alert_zh, run_id, status})``
  with an alert label ``RedAlert``/``OrangeAlert``/``YellowAlert``;
* ``(x)-[:MEMBER_OF {role, score}]->(:Ring)`` for persons, doctors, facilities, pharmacies;
* aggregated ``(:Person)-[:VISITED {claims, fund, first, last}]->(:Facility|:Pharmacy|:Doctor)``
  for every person member of a ring (all of their claims);
* in-ring ``(:Person)-[:CO_VISITED {ring_id, times, weight, venues}]->(:Person)``: two members
  of one ring at the same venue on the same day;

so that one Cypher query shows a ring in Browser.  :func:`write_rings` sends them
in ``UNWIND $rows AS row MERGE`` batches (``cypher/rings/``); re-running changes
no counts and keeps case status and notes.

Case status (``open``, ``in_progress``, ``confirmed``, ``dismissed``) mirrors the
bureaus' review steps (初审 → 复审 → 调查核实 → 违规处理); :func:`set_case_status`
records each change as a timestamped ``(:CaseNote)``.  Verdicts on persons, doctors,
facilities and pharmacies (``cases.csv``) are kept on those nodes as ``verdict`` and
``verdict_at`` (:func:`write_verdicts`); :func:`case_verdicts` exports both kinds.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import neo4j
import pandas as pd

from graphfraud.errors import Neo4jError, ParamError
from graphfraud.neo4j.load import records
from graphfraud.neo4j.queries import (
    BatchStats,
    Result,
    apply_schema,
    cypher_text,
    run_read,
    run_write,
    write_batches,
)
from graphfraud.neo4j.retry import RetryPolicy
from graphfraud.score.wording import LANGS, reasons_by_ring, term

CASE_STATUSES = ("open", "in_progress", "confirmed", "dismissed")
ENTITY_KEYS = {
    "person": "person_id",
    "doctor": "doctor_id",
    "facility": "facility_id",
    "pharmacy": "pharmacy_id",
}
_INT = ("rank", "persons", "doctors", "facilities", "pharmacies", "claims")
_FLOAT = ("score", "fund_amount")


def rings_rows(rings: pd.DataFrame, *, run_id: str | None = None,
               reasons: pd.DataFrame | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """``{ring_id, alert, props}`` rows from a ``rings.csv`` frame (read as text).

    ``reasons`` (``;``-separated) becomes a list.  Each ring also gets its reasons
    in both languages, ``reason_zh`` and ``reason_en`` (said from the code and args
    of ``ring_reasons.csv`` when ``reasons`` is given, else ``reason_en`` is the
    rings.csv text and ``reason_zh`` empty), and ``typology_zh`` and ``alert_zh``
    from the one glossary (:mod:`graphfraud.score.wording`), for the Chinese guide.

    >>> df = pd.DataFrame({"rank": ["1"], "ring_id": ["R1"], "score": ["0.9"], "alert": ["red"],
    ...                    "typology": ["staged_clinic"], "reasons": ["41 patients; 12-day cycle"]})
    >>> row = rings_rows(df, run_id="run7")[0]
    >>> row["ring_id"], row["alert"], row["props"]["rank"], row["props"]["reasons"]
    ('R1', 'red', 1, ['41 patients', '12-day cycle'])
    >>> row["props"]["typology_zh"], row["props"]["reason_zh"]
    ('虚构诊疗（诊所团伙）', [])
    """
    said = {lang: reasons_by_ring(reasons, lang) if reasons is not None else {} for lang in LANGS}
    frame = rings.copy()
    for c in _INT:
        if c in frame.columns:
            frame[c] = pd.to_numeric(frame[c], errors="raise").astype("Int64")
    for c in _FLOAT:
        if c in frame.columns:
            frame[c] = pd.to_numeric(frame[c], errors="raise").astype(float)
    props = [c for c in ("rank", "score", "alert", "typology", *_INT[1:], "fund_amount") if c in frame]
    out = []
    for key, p, texts in zip(
        records(frame, ["ring_id", "alert"]),
        records(frame, props),
        frame["reasons"] if "reasons" in frame else [None] * len(frame),
    ):
        p["reasons"] = _split_reasons(texts)
        p["reason_en"] = said["en"].get(key["ring_id"], p["reasons"])
        p["reason_zh"] = said["zh"].get(key["ring_id"], [])
        p["typology_zh"] = term("typology", p.get("typology", ""), "zh")
        p["alert_zh"] = term("alert_level", key["alert"], "zh")
        p["run_id"] = run_id
        out.append({"ring_id": key["ring_id"], "alert": key["alert"], "props": p})
    return out


def _split_reasons(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


def members_rows(members: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """``{ring_id, entity_id, role, role_zh, score}`` rows of ``ring_members.csv``, by entity type.

    ``role_zh`` is the role's word in the one glossary (Browser captions ``MEMBER_OF`` with it).

    Raises
    ------
    ParamError
        An entity type outside the contract's (person, doctor, facility, pharmacy).
    """
    frame = members.copy()
    unknown = sorted(set(frame["entity_type"].dropna()) - set(ENTITY_KEYS))
    if unknown:
        raise ParamError(
            f"ring_members.csv: entity_type must be one of {', '.join(ENTITY_KEYS)}. "
            f"Got {', '.join(map(repr, unknown))} instead."
        )
    frame["score"] = pd.to_numeric(frame.get("score"), errors="coerce")
    frame["role_zh"] = [term("role", r, "zh") for r in frame["role"]]
    return {
        kind: records(frame[frame["entity_type"] == kind], ["ring_id", "entity_id", "role", "role_zh", "score"])
        for kind in ENTITY_KEYS
    }


def _ring_persons(members: pd.DataFrame) -> pd.DataFrame:
    persons = members.loc[members["entity_type"] == "person", ["ring_id", "entity_id"]]
    return persons.drop_duplicates().rename(columns={"entity_id": "person_id"})


def visited_rows(claims: pd.DataFrame, members: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Aggregated VISITED rows ``{person_id, target_id, claims, fund, first, last}`` by target kind.

    Covers every person who is a member of some ring, over all of their claims as patient.
    Keys of the result: ``facility``, ``pharmacy``, ``doctor``.
    """
    persons = _ring_persons(members)["person_id"].unique()
    mine = claims[claims["patient_id"].isin(persons)]
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in ("facility", "pharmacy", "doctor"):
        col = f"{kind}_id"
        sub = mine[mine[col].notna()] if col in mine else mine.iloc[0:0]
        agg = (
            sub.groupby(["patient_id", col], observed=True)
            .agg(
                claims=("claim_id", "size"),
                fund=("fund_amount", "sum"),
                first=("start_time", "min"),
                last=("start_time", "max"),
            )
            .reset_index()
            .rename(columns={"patient_id": "person_id", col: "target_id"})
        )
        agg["fund"] = agg["fund"].astype(float).round(2)
        out[kind] = records(agg, ["person_id", "target_id", "claims", "fund", "first", "last"])
    return out


def covisited_rows(claims: pd.DataFrame, members: pd.DataFrame) -> list[dict[str, Any]]:
    """In-ring CO_VISITED rows ``{ring_id, a, b, times, weight, venues}`` (``a < b``).

    ``times`` counts the (venue, day) pairs at which both persons of a ring had a
    claim; ``weight`` is ``times`` divided by the number of visit-days of the
    person with fewer; ``venues`` counts distinct venues among them.

    >>> claims = pd.DataFrame({
    ...     "claim_id": ["c1", "c2", "c3", "c4"], "patient_id": ["A", "B", "A", "B"],
    ...     "facility_id": ["F", "F", "F", "G"], "pharmacy_id": [None] * 4,
    ...     "start_time": pd.to_datetime(["2024-01-02 09:00", "2024-01-02 15:00",
    ...                                   "2024-01-09 09:00", "2024-01-09 09:00"])})
    >>> members = pd.DataFrame({"ring_id": ["R", "R"], "entity_type": ["person"] * 2,
    ...                         "entity_id": ["A", "B"]})
    >>> covisited_rows(claims, members)
    [{'ring_id': 'R', 'a': 'A', 'b': 'B', 'times': 1, 'weight': 0.5, 'venues': 1}]
    """
    persons = _ring_persons(members)
    venue = claims["facility_id"].astype(object).where(claims["facility_id"].notna(), None)
    if "pharmacy_id" in claims:
        venue = venue.fillna(claims["pharmacy_id"].astype(object))
    visits = pd.DataFrame(
        {
            "person_id": claims["patient_id"].astype(object),
            "venue": venue,
            "day": pd.to_datetime(claims["start_time"]).dt.normalize(),
        }
    ).dropna()
    visits = visits.merge(persons.astype(object), on="person_id").drop_duplicates()
    days = visits.groupby(["ring_id", "person_id"]).size().rename("n").reset_index()
    pairs = visits.merge(visits, on=["ring_id", "venue", "day"], suffixes=("_a", "_b"))
    pairs = pairs[pairs["person_id_a"] < pairs["person_id_b"]]
    if pairs.empty:
        return []
    agg = (
        pairs.groupby(["ring_id", "person_id_a", "person_id_b"])
        .agg(times=("day", "size"), venues=("venue", "nunique"))
        .reset_index()
        .rename(columns={"person_id_a": "a", "person_id_b": "b"})
    )
    for side in ("a", "b"):
        agg = agg.merge(days.rename(columns={"person_id": side, "n": f"n_{side}"}), on=["ring_id", side])
    agg["weight"] = (agg["times"] / agg[["n_a", "n_b"]].min(axis=1)).round(4)
    agg = agg.sort_values(["ring_id", "a", "b"])
    return records(agg, ["ring_id", "a", "b", "times", "weight", "venues"])


def missing_members(members: pd.DataFrame, known: dict[str, set[str]]) -> dict[str, int]:
    """How many members of each entity type are not among ``known`` ids (they are not written)."""
    out = {}
    for kind, ids in known.items():
        sub = members.loc[members["entity_type"] == kind, "entity_id"]
        n = int((~sub.isin(ids)).sum())
        if n:
            out[kind] = n
    return out


def lineage_rows(lineage: pd.DataFrame) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Parameter rows of ``rings/lineage.cypher`` (one per link) and ``rings/lineage_mark.cypher`` (new, ended rings).

    ``lineage`` is ``lineage.csv`` of ``detect --previous`` (text or typed).  A
    merged ring links to each of its predecessors; only the closest one
    (``previous_ring_id``, ``primary``) hands over its case status.

    >>> lin = pd.DataFrame({"ring_id": ["R2", "R3", ""], "previous_ring_id": ["R1", "", "R0"],
    ...                     "status": ["grown", "new", "ended"], "members_added": ["2", "5", "0"],
    ...                     "members_removed": ["0", "0", "4"], "previous_ring_ids": ["R1", "", ""]})
    >>> links, marks = lineage_rows(lin)
    >>> links
    [{'ring_id': 'R2', 'previous_ring_id': 'R1', 'status': 'grown', 'members_added': 2, 'members_removed': 0, 'primary': True}]
    >>> marks
    [{'ring_id': 'R3', 'lineage': 'new'}, {'ring_id': 'R0', 'lineage': 'ended'}]
    """
    links, marks = [], []
    for row in lineage.astype(object).where(lineage.notna(), "").astype(str).to_dict("records"):
        if row["status"] == "new":
            marks.append({"ring_id": row["ring_id"], "lineage": "new"})
        elif row["status"] == "ended":
            marks.append({"ring_id": row["previous_ring_id"], "lineage": "ended"})
        else:
            for previous in (row["previous_ring_ids"] or row["previous_ring_id"]).split(";"):
                links.append({"ring_id": row["ring_id"], "previous_ring_id": previous, "status": row["status"],
                              "members_added": int(row["members_added"]), "members_removed": int(row["members_removed"]),
                              "primary": previous == row["previous_ring_id"]})  # fmt: skip
    return links, marks


def write_rings(
    driver: neo4j.Driver,
    rings: pd.DataFrame,
    members: pd.DataFrame,
    claims: pd.DataFrame,
    *,
    run_id: str | None = None,
    reasons: pd.DataFrame | None = None,
    lineage: pd.DataFrame | None = None,
    batch_size: int = 5000,
    database: str | None = None,
    retry_policy: RetryPolicy = RetryPolicy(),
    log: Callable[[str], None] | None = None,
) -> list[BatchStats]:
    """Write rings, memberships, VISITED and CO_VISITED (idempotent; case status kept), and the lineage.

    Parameters
    ----------
    rings, members : DataFrame
        ``rings.csv`` and ``ring_members.csv`` as read (text columns).
    claims : DataFrame
        The claims table (contract columns) the rings were detected on.
    run_id : str or None
        Identifies the detection run (stored on each ring).
    reasons : DataFrame, optional
        ``ring_reasons.csv`` (with its args): each ring's reasons are stored in
        Chinese and English (``reason_zh``, ``reason_en``).
    lineage : DataFrame, optional
        ``lineage.csv`` of ``detect --previous``: ``(:Ring)-[:CONTINUES]->(:Ring)`` to the previous
        run's rings (loaded earlier), whose case status and notes carry over (:func:`lineage_rows`).
    retry_policy : RetryPolicy, default RetryPolicy()
        Retries of a batch after a transient error (see :mod:`graphfraud.neo4j.retry`).

    Returns
    -------
    list of BatchStats
        One per written step.

    Raises
    ------
    Neo4jError
        The server refuses a statement, or stays unreachable longer than
        ``retry_policy`` allows.  Every statement MERGEs, so running the
        write-back again after an interruption gives the same graph as one
        uninterrupted run.
    """
    apply_schema(driver, database=database, retry_policy=retry_policy, log=log)
    steps: list[tuple[str, str, list[dict[str, Any]]]] = [
        ("rings", "rings/rings.cypher", rings_rows(rings, run_id=run_id, reasons=reasons))
    ]
    for kind, rows in members_rows(members).items():
        steps.append((f"members:{kind}", f"rings/members_{kind}.cypher", rows))
    for kind, rows in visited_rows(claims, members).items():
        steps.append((f"visited:{kind}", f"rings/visited_{kind}.cypher", rows))
    steps.append(("co_visited", "rings/covisited.cypher", covisited_rows(claims, members)))
    if lineage is not None:
        links, marks = lineage_rows(lineage)
        steps += [("lineage", "rings/lineage.cypher", links), ("lineage:marks", "rings/lineage_mark.cypher", marks)]
    return [
        write_batches(
            driver,
            cypher_text(path),
            rows,
            step=step,
            batch_size=batch_size,
            database=database,
            retry_policy=retry_policy,
            log=log,
        )  # fmt: skip
        for step, path, rows in steps
    ]


@dataclass(frozen=True)
class CaseChange:
    """The outcome of :func:`set_case_status`."""

    ring_id: str
    previous: str | None
    status: str
    notes: int
    at: datetime


def case_note(ring_id: str, status: str, note: str, *, at: datetime, by: str = "") -> dict[str, Any]:
    """Parameters of ``rings/case.cypher`` (pure; validates ``status``).

    >>> p = case_note("R1", "confirmed", "site visit", at=datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc))
    >>> p["entry"]
    '2026-01-02 03:04 UTC [confirmed] site visit'
    >>> case_note("R1", "closed", "", at=datetime.now(timezone.utc))
    Traceback (most recent call last):
    ...
    graphfraud.errors.ParamError: The 'status' parameter of case must be one of open, in_progress, confirmed, dismissed. Got 'closed' instead.
    """
    if status not in CASE_STATUSES:
        raise ParamError(
            f"The 'status' parameter of case must be one of {', '.join(CASE_STATUSES)}. Got {status!r} instead."
        )
    at_utc = at.astimezone(timezone.utc)
    entry = f"{at_utc:%Y-%m-%d %H:%M} UTC [{status}] {note}".rstrip()
    return {
        "ring_id": ring_id,
        "status": status,
        "note": note,
        "by": by,
        "at": at_utc.isoformat(),
        "entry": entry,
        "note_id": str(uuid.uuid4()),
    }


def set_case_status(
    driver: neo4j.Driver,
    ring_id: str,
    status: str,
    note: str = "",
    *,
    by: str = "",
    at: datetime | None = None,
    database: str | None = None,
) -> CaseChange:
    """Set a ring's case status and append a timestamped note.

    Raises
    ------
    ParamError
        ``status`` is not one of :data:`CASE_STATUSES`.
    Neo4jError
        No ring with that id in the database.
    """
    when = at or datetime.now(timezone.utc)
    params = case_note(ring_id, status, note, at=when, by=by)
    result = run_write(driver, cypher_text("rings/case.cypher"), params, database=database)
    if not result.rows:
        raise Neo4jError(
            f"No ring {ring_id!r} in Neo4j; load rings first with `graphfraud load DATA_DIR --rings OUT_DIR`."
        )
    row = result.dicts()[0]
    return CaseChange(row["ring_id"], row["previous"], row["status"], row["notes"], when)


def case_history(driver: neo4j.Driver, ring_id: str, *, database: str | None = None) -> Result:
    """A ring's status and note history (oldest first); no rows if the ring is unknown."""
    text = cypher_text("rings/case_history.cypher")
    return run_read(driver, text, {"ring_id": ring_id}, database=database)


def case_verdicts(driver: neo4j.Driver, *, database: str | None = None) -> pd.DataFrame:
    """Every verdict in the graph as a ``cases.csv`` frame (``entity_type,entity_id,verdict``).

    First the rings whose case is ``confirmed`` or ``dismissed``, then the
    persons, doctors, facilities and pharmacies with a ``verdict``
    (:func:`write_verdicts`), each by id.
    """
    rings = run_read(driver, cypher_text("rings/verdicts.cypher"), {}, database=database).dicts()
    columns = ["entity_type", "entity_id", "verdict"]
    entities = sorted(entity_verdicts(driver, database=database), key=lambda r: (list(ENTITY_KEYS).index(r["entity_type"]),
                                                                                  r["entity_id"]))  # fmt: skip
    return pd.DataFrame([[r[c] for c in columns] for r in [*rings, *entities]], columns=columns)


def entity_verdicts(driver: neo4j.Driver, *, database: str | None = None) -> list[dict[str, Any]]:
    """``{entity_type, entity_id, verdict, at}`` of every person, doctor, facility and pharmacy with a verdict."""
    return run_read(driver, cypher_text("rings/entity_verdicts.cypher"), {}, database=database).dicts()


def verdict_rows(cases: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Parameter rows of ``rings/verdicts_<kind>.cypher``: the verdicts on persons and institutions, by kind.

    ``cases`` is a checked ``cases.csv`` frame (:func:`graphfraud.io.cases.check_cases`),
    optionally with ``at`` (ISO time, kept from an earlier database); ring
    verdicts are not among them (a ring's verdict is its case status).

    >>> cases = pd.DataFrame({"entity_type": ["person", "ring", "facility"], "entity_id": ["P1", "R1", "H1"],
    ...                       "verdict": ["confirmed", "dismissed", "dismissed"]})
    >>> verdict_rows(cases)["person"], verdict_rows(cases)["facility"], verdict_rows(cases)["doctor"]
    ([{'entity_id': 'P1', 'verdict': 'confirmed', 'at': None}], [{'entity_id': 'H1', 'verdict': 'dismissed', 'at': None}], [])
    """
    frame = cases.assign(at=cases["at"] if "at" in cases else None)
    frame = frame.astype(object).where(frame.notna(), None)
    return {kind: [{"entity_id": str(r["entity_id"]), "verdict": r["verdict"], "at": r["at"]}
                   for r in frame[frame["entity_type"] == kind].to_dict("records")]
            for kind in ENTITY_KEYS}  # fmt: skip


@dataclass(frozen=True)
class VerdictsWritten:
    """What :func:`write_verdicts` did: verdicts written per kind, and those naming no node of the graph."""

    written: dict[str, int]
    not_in_graph: dict[str, int]

    def summary(self) -> str:
        """``"verdicts: 2 persons, 1 facility written; 1 person not in the graph"``.

        >>> VerdictsWritten({"person": 2, "doctor": 0, "facility": 1, "pharmacy": 0}, {"person": 1}).summary()
        'verdicts: 2 persons, 1 facility written; 1 person not in the graph (load its claims first)'
        """

        def said(counts: dict[str, int]) -> str:
            plural = {"person": "persons", "doctor": "doctors", "facility": "facilities", "pharmacy": "pharmacies"}
            return ", ".join(f"{n} {kind if n == 1 else plural[kind]}" for kind, n in counts.items() if n)

        text = f"verdicts: {said(self.written) or 'none'} written"
        if any(self.not_in_graph.values()):
            text += f"; {said(self.not_in_graph)} not in the graph (load {'its' if sum(self.not_in_graph.values()) == 1 else 'their'} claims first)"
        return text


def write_verdicts(
    driver: neo4j.Driver,
    cases: pd.DataFrame,
    *,
    at: datetime | None = None,
    database: str | None = None,
) -> VerdictsWritten:
    """Keep the verdicts on persons, doctors, facilities and pharmacies on their nodes (``verdict``, ``verdict_at``).

    Parameterised statements ``rings/verdicts_<kind>.cypher``; a node's
    ``verdict_at`` changes only when its verdict does, so writing the same
    verdicts again changes nothing.  Verdicts on entities not in the graph are
    counted, not created.  Ring verdicts are left alone: a ring's verdict is
    its case status (:func:`set_case_status`).
    """
    when = (at or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat()
    written, missing = {}, {}
    for kind, rows in verdict_rows(cases).items():
        n = 0
        if rows:
            result = run_write(driver, cypher_text(f"rings/verdicts_{kind}.cypher"), {"rows": rows, "at": when},
                               database=database)  # fmt: skip
            n = int(result.dicts()[0]["written"])
        written[kind] = n
        if len(rows) > n:
            missing[kind] = len(rows) - n
    return VerdictsWritten(written, missing)
