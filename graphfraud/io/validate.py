"""The "Bad input" rules of the data contract, checked on whole columns at once.

Each rule turns a table into boolean masks (never a loop over rows) and gives
a :class:`Finding`: the rows that break it and, for the first few, a message
with the offending value.  :func:`check_table` runs every rule on one table
and then either raises one :class:`~graphfraud.errors.ContractError` listing
the problems of the file (at most ``ReadParams.max_errors``, then "... and N
more"), or, with ``lenient=True``, drops the bad rows, counts them per reason
and warns with :class:`SkippedRowsWarning`.

Rows are numbered as a spreadsheet user counts them: the header is row 1, the
first data row is row 2 (Parquet files are numbered the same way).

Rules, in the order they are reported:

- a required value is empty;
- a value cannot be read as a time, date or number (found by the reader);
- a value is not one of the allowed values (``visit_type``, ``category``, ``sex``, ...);
- an amount or count is negative;
- a key (``claim_id``, ``person_id``, ``facility_id``, ``pharmacy_id``, ``doctor_id``) repeats;
- an id points at nothing (a claim's ``patient_id`` not in persons, ...); under
  ``lenient`` an id that points at a skipped row is skipped too (cascade);
- a claim has both or neither of ``facility_id`` and ``pharmacy_id``;
- ``fund_amount`` exceeds ``total_amount`` by more than 0.01;
- ``end_time`` is before ``start_time``.

Data-quality checks, counted as warnings (:class:`~graphfraud.contract.QualityWarning`,
collected in ``KnownKeys.warnings`` and kept in ``ClaimsData.warnings``), never refusals
and never skipped rows: no detection signal needs them, and the finding is itself an
audit lead:

- a fee line's ``amount`` differs from ``quantity x unit_price`` by more than
  0.005 + quantity x 0.00005 yuan (the amount's rounding to cents plus the unit
  price's rounding to 4 decimals).

Whole-file problems (missing or repeated columns) are raised by the reader.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphfraud.contract import INPUT_TABLES, TABLES, ClaimsData, QualityWarning, Table
from graphfraud.errors import ContractError
from graphfraud.io.arrow import arrow_text, decoded, increasing, isin, positions
from graphfraud.params import ReadParams

#: ``{table: ((column, referenced table), ...)}``: every id that must exist elsewhere.
FOREIGN_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "doctors": (("facility_id", "facilities"),),
    "claims": (
        ("patient_id", "persons"),
        ("holder_id", "persons"),
        ("facility_id", "facilities"),
        ("pharmacy_id", "pharmacies"),
        ("doctor_id", "doctors"),
    ),
    "claim_items": (("claim_id", "claims"),),
}

#: Integer columns whose values are an enumeration.
INT_VALUES: dict[tuple[str, str], tuple[int, ...]] = {("facilities", "level"): (0, 1, 2, 3)}

#: Threads for the hash joins of one table (Arrow releases the GIL).
THREADS = max(2, min(4, os.cpu_count() or 2))

#: Tolerances: fund vs total (yuan); fee line amount vs quantity x unit_price: the amount's rounding
#: to cents plus, per unit, the unit price's rounding to 4 decimals (the national platform's ``pric``).
FUND_TOLERANCE = 0.01
AMOUNT_TOLERANCE = 0.005
PRICE_ROUNDING = 0.00005
#: Fee lines of a data-quality warning shown as examples (in ``validate`` and run.json).
EXAMPLES = 5
#: Rows per step of the whole-column arithmetic of a rule (bounds its temporary arrays).
_CHUNK = 1 << 22


class SkippedRowsWarning(UserWarning):
    """Rows of an input file were skipped under ``lenient=True``."""


@dataclass(frozen=True)
class Finding:
    """Rows of one table that break one rule.

    Attributes
    ----------
    column : str or None
        Contract column name.
    reason : str
        Short reason, the key of ``ClaimsData.skipped`` counts.
    rows : ndarray of int
        0-based positions of the offending rows, ascending.
    messages : tuple of str
        Messages for the first ``len(messages)`` rows.
    """

    column: str | None
    reason: str
    rows: np.ndarray
    messages: tuple[str, ...]


def find(
    mask: np.ndarray | pd.Series,
    *,
    column: str | None,
    reason: str,
    message: Callable[[np.ndarray], Iterable[str]],
    limit: int,
) -> list[Finding]:
    """A :class:`Finding` for the true rows of ``mask`` (an empty list if none).

    ``message`` receives the positions of the first ``limit`` rows and returns
    one message per row; only those few messages are ever built.
    """
    if isinstance(mask, pd.Series):
        mask = mask.to_numpy(dtype=bool, na_value=False)
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return []
    return [Finding(column, reason, rows, tuple(_clip(m) for m in message(rows[:limit])))]


def _clip(text: str, *, size: int = 600) -> str:
    """``text`` with its middle cut when longer than ``size`` characters.

    Issue 8: a 1 MB value in a file must not make a 1 MB error message.

    >>> _clip("cannot read '" + "9" * 5000 + "' as an amount", size=60)
    "cannot read '999999999999999999999999999 ... (5,027 characters) ... 999999' as an amount"
    """
    if len(text) <= size:
        return text
    head, tail = size * 2 // 3, size // 3
    return f"{text[:head]} ... ({len(text):,} characters) ... {text[-tail:]}"


@dataclass
class KnownKeys:
    """Keys of the tables validated so far, for foreign-key checks."""

    kept: dict[str, pd.Series] = field(default_factory=dict)
    skipped: dict[str, pd.Index] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    #: ``{"table.column": row in the referenced table}`` of every foreign key checked (ClaimsData.links).
    links: dict[str, np.ndarray] = field(default_factory=dict)
    #: Data-quality warnings of the tables checked so far (ClaimsData.warnings).
    warnings: list[QualityWarning] = field(default_factory=list)


def check_table(
    table: Table,
    frame: pd.DataFrame,
    *,
    file: str,
    keys: KnownKeys,
    params: ReadParams = ReadParams(),
    unreadable: Sequence[Finding] = (),
    origin: dict[str, str] | None = None,
    dropped_lines: int = 0,
    notes: Sequence[str] = (),
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Check one table against every row rule; raise, or drop bad rows if lenient.

    Parameters
    ----------
    table : Table
        Its contract definition (``graphfraud.contract.CLAIMS``, ...).
    frame : DataFrame
        Typed, with contract columns (as the reader makes it).
    file : str
        File name for messages (``claims.csv``).
    keys : KnownKeys
        Keys of the tables checked before; this table's keys are added to it.
    params : ReadParams, default ReadParams()
        ``lenient`` and ``max_errors`` are used.
    unreadable : sequence of Finding, default ()
        Values the reader could not parse, reported with the other problems.
    origin : dict, optional
        ``{contract column: column in the file}`` for mapped columns, so
        messages name both (``setl_id (claim_id)``).
    dropped_lines : int, default 0
        Lines the reader already skipped (wrong number of fields): they count
        towards ``params.max_skipped``.
    notes : sequence of str, default ()
        Facts about the file that explain its problems (an id column stored as
        numbers), added to a refusal.

    Returns
    -------
    frame : DataFrame
        ``frame`` without the skipped rows (the same object when none were).
    skipped : dict
        ``{reason: rows skipped}``; empty unless lenient.

    Raises
    ------
    ContractError
        Listing the problems of the file, unless ``params.lenient``; under
        ``lenient``, when more than ``params.max_skipped`` of its rows would
        be skipped (naming the share and the first reasons).

    Examples
    --------
    >>> from graphfraud.contract import PERSONS
    >>> persons = pd.DataFrame({"person_id": ["A", "B", "A"], "sex": ["M", "X", None]})
    >>> check_table(PERSONS, persons, file="persons.csv", keys=KnownKeys())
    Traceback (most recent call last):
    ...
    graphfraud.errors.ContractError: persons.csv, row 3, column sex: value 'X' is not allowed; use one of M, F
    persons.csv, row 4, column person_id: duplicate value A (first seen at row 2)
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     kept, skipped = check_table(PERSONS, persons, file="persons.csv", keys=KnownKeys(),
    ...                                 params=ReadParams(lenient=True, max_skipped=1))
    >>> kept.person_id.tolist(), skipped
    (['A'], {'sex not allowed': 1, 'duplicate person_id': 1})
    >>> check_table(PERSONS, persons, file="persons.csv", keys=KnownKeys(), params=ReadParams(lenient=True))
    Traceback (most recent call last):
    ...
    graphfraud.errors.ContractError: persons.csv: --lenient would skip 2 of 3 rows (66.7%), more than --max-skipped 1.0%; fix the file, or raise --max-skipped if losing them is acceptable; the first reasons:
    persons.csv, row 3, column sex: value 'X' is not allowed; use one of M, F
    persons.csv, row 4, column person_id: duplicate value A (first seen at row 2)
    """
    limit = max(1, params.max_errors)
    findings = list(unreadable) + rules(table, frame, keys=keys, limit=limit, unreadable=unreadable)
    return settle(
        table,
        frame,
        findings,
        file=file,
        keys=keys,
        params=params,
        origin=origin,
        dropped_lines=dropped_lines,
        notes=notes,
    )


def settle(
    table: Table,
    frame: pd.DataFrame,
    findings: Sequence[Finding],
    *,
    file: str,
    keys: KnownKeys,
    params: ReadParams = ReadParams(),
    origin: dict[str, str] | None = None,
    dropped_lines: int = 0,
    notes: Sequence[str] = (),
    warn: Callable[[pd.DataFrame, np.ndarray | None], list[QualityWarning]] | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """What :func:`check_table` does once the rules have run: accept, refuse or (lenient) drop the bad rows.

    ``findings`` are every rule's findings on ``frame`` (the reader's unreadable values first);
    ``warn(kept, rows)`` makes the table's data-quality warnings from the kept frame and the kept
    rows' positions in the file (None: every row), by default :func:`quality` of ``kept``.
    """
    if warn is None:
        warn = lambda kept, rows: quality(table, kept, file=file, origin=origin, rows=rows)  # noqa: E731
    limit = max(1, params.max_errors)
    key = table.key
    if not findings:
        if dropped_lines:
            refuse_skipping(
                file,
                skipped=dropped_lines,
                rows=len(frame) + dropped_lines,
                findings=(),
                params=params,
                notes=notes,
                dropped_lines=dropped_lines,
            )
        if key:
            _remember(keys, table.name, file, frame[key], pd.Index([]))
        keys.warnings += warn(frame, None)
        return frame, {}
    if not params.lenient:
        error = report(file, findings, limit=limit, origin=origin or {})
        error.problems += [ContractError(file, None, None, note) for note in notes]
        raise ContractError(error.file, error.row, error.column, error.message, error.problems)
    bad, counts = _attribute(findings, len(frame))
    refuse_skipping(
        file,
        skipped=int(bad.sum()) + dropped_lines,
        rows=len(frame) + dropped_lines,
        findings=findings,
        params=params,
        notes=notes,
        origin=origin,
        dropped_lines=dropped_lines,
    )
    dropped_keys = pd.Index(frame[key][bad].dropna().unique()) if key else pd.Index([])
    frame = frame[~bad].reset_index(drop=True)
    for name in [n for n in keys.links if n.startswith(f"{table.name}.")]:
        keys.links[name] = keys.links[name][~bad]
    if key:
        _remember(keys, table.name, file, frame[key], dropped_keys)
    keys.warnings += warn(frame, np.flatnonzero(~bad))
    what = ", ".join(f"{n} {reason}" for reason, n in counts.items())
    warnings.warn(f"skipped {int(bad.sum())} of {len(bad)} rows of {file}: {what}", SkippedRowsWarning, stacklevel=2)
    return frame, counts


def refuse_skipping(
    file: str,
    *,
    skipped: int,
    rows: int,
    findings: Sequence[Finding],
    params: ReadParams,
    notes: Sequence[str] = (),
    origin: dict[str, str] | None = None,
    dropped_lines: int = 0,
) -> None:
    """Refuse to skip more than ``params.max_skipped`` of a file's ``rows`` under ``--lenient``.

    The error names the file, how many rows (and what share) would be
    skipped, the first reasons by row, and ``notes`` (e.g. an id column that
    the file stores as numbers).

    Examples
    --------
    >>> refuse_skipping("claims.csv", skipped=1, rows=100, findings=(), params=ReadParams(lenient=True))
    >>> refuse_skipping("claims.csv", skipped=2, rows=100, findings=(), params=ReadParams(lenient=True))
    Traceback (most recent call last):
    ...
    graphfraud.errors.ContractError: claims.csv: --lenient would skip 2 of 100 rows (2.0%), more than --max-skipped 1.0%; fix the file, or raise --max-skipped if losing them is acceptable
    """
    if rows <= 0 or skipped <= params.max_skipped * rows:
        return
    limit = max(1, min(params.max_errors, 5))
    first = report(file, findings, limit=limit, origin=origin or {}) if findings else None
    reasons = (
        [ContractError(first.file, first.row, first.column, first.message), *first.problems]
        if first is not None
        else []
    )
    reasons = [r for r in reasons if r.row is not None]
    if dropped_lines:
        reasons.append(ContractError(file, None, None, f"{dropped_lines:,} rows have the wrong number of fields"))
    reasons += [ContractError(file, None, None, note) for note in notes]
    raise ContractError(
        file,
        None,
        None,
        f"--lenient would skip {skipped:,} of {rows:,} rows ({skipped / rows:.1%}), more than --max-skipped "
        f"{params.max_skipped:.1%}; fix the file, or raise --max-skipped if losing them is acceptable"
        + ("; the first reasons:" if reasons else ""),
        reasons,
    )


def validate(data: ClaimsData, params: ReadParams = ReadParams()) -> ClaimsData:
    """Check typed in-memory tables (e.g. a synthetic world) against the contract.

    Parameters
    ----------
    data : ClaimsData
    params : ReadParams, default ReadParams()

    Returns
    -------
    ClaimsData
        ``data`` itself when nothing is wrong and it has its foreign-key
        ``links`` already (else a copy with them); with bad rows dropped and
        counted in ``skipped`` when ``params.lenient``.

    Raises
    ------
    ContractError
        Naming the table (as ``persons``, ...), row and column.
    """
    keys = KnownKeys()
    frames: dict[str, pd.DataFrame] = {}
    skipped = dict(data.skipped)
    for table in INPUT_TABLES:
        frame, counts = check_table(table, data.table(table.name), file=table.name, keys=keys, params=params)
        frames[table.name] = frame
        if counts:
            skipped[table.name] = counts
    found = tuple(keys.warnings)
    if skipped == data.skipped:
        if data.links.keys() >= keys.links.keys() and found == data.warnings:
            return data
        return dataclasses.replace(data, links=keys.links, warnings=found)
    return dataclasses.replace(data, skipped=skipped, links=keys.links, warnings=found, **frames)


def rules(
    table: Table, frame: pd.DataFrame, *, keys: KnownKeys, limit: int, unreadable: Sequence[Finding] = ()
) -> list[Finding]:
    """Every row rule on one table, in reporting order (see the module docstring).

    ``unreadable`` are the reader's findings, whose NA values are not empty ones.
    """
    out: list[Finding] = []
    foreign = [(column, ref) for column, ref in FOREIGN_KEYS.get(table.name, ()) if column in frame]
    # The hash joins (keys, foreign keys) are the costly rules; Arrow runs them without the GIL,
    # so they run side by side while the cheap rules are checked.
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        duplicates = (
            pool.submit(_duplicates, frame[table.key], table.key, limit) if table.key and table.key in frame else None
        )
        rows = [pool.submit(positions, frame[column], keys.kept.get(ref)) for column, ref in foreign]
        out += _empty_required(table, frame, limit, unreadable)
        out += _not_allowed(table, frame, limit)
        out += _negative(table, frame, limit)
        if duplicates is not None:
            out += duplicates.result()
        for (column, ref), found in zip(foreign, rows):
            out += _unknown(frame[column], column, ref, keys, limit, link=f"{table.name}.{column}", rows=found.result())
    if table.name == "claims":
        out += _one_place(frame, limit) + _fund_over_total(frame, limit) + _end_before_start(frame, limit)
    return out


def quality(
    table: Table,
    frame: pd.DataFrame,
    *,
    file: str,
    origin: dict[str, str] | None = None,
    rows: np.ndarray | None = None,
) -> list[QualityWarning]:
    """The data-quality warnings of one (checked) table: counted, never refused, no row dropped.

    ``rows`` are the frame's row positions in the file when rows were skipped
    before (``None``: the same), so the examples name the file's rows.

    Examples
    --------
    >>> from graphfraud.contract import CLAIM_ITEMS
    >>> items = pd.DataFrame({"quantity": [2.0, 3.0, 1.0], "unit_price": [0.445, 0.445, 10.0],
    ...                       "amount": [0.89, 1.34, 12.0]})
    >>> [w.record() for w in quality(CLAIM_ITEMS, items, file="claim_items.csv")]  # doctest: +NORMALIZE_WHITESPACE
    [{'file': 'claim_items.csv', 'column': 'amount', 'check': 'amount != quantity x unit_price', 'rows': 1,
      'examples': [{'row': 4, 'message': 'amount 12.00 is not quantity 1 x unit_price 10.0000 = 10.00'}]}]
    """
    findings = _amount_mismatch(frame, EXAMPLES) if table.name == "claim_items" else []
    at = (lambda r: int(r)) if rows is None else (lambda r: int(rows[r]))
    return [
        QualityWarning(
            file,
            _label(f.column, origin or {}) or "",
            f.reason,
            len(f.rows),
            tuple((at(r) + 2, m) for r, m in zip(f.rows, f.messages)),
        )
        for f in findings
    ]


def quality_rows(table: Table, frame: pd.DataFrame) -> np.ndarray:
    """Rows of ``frame`` that some data-quality check of :func:`quality` flags (ascending).

    :func:`quality` of these rows alone, given their positions, makes the same
    warnings as of the whole frame: a reader that checks a file slice by slice
    keeps only them.

    >>> from graphfraud.contract import CLAIM_ITEMS
    >>> items = pd.DataFrame({"quantity": [2.0, 1.0], "unit_price": [0.445, 10.0], "amount": [0.89, 12.0]})
    >>> quality_rows(CLAIM_ITEMS, items).tolist()
    [1]
    """
    if table.name != "claim_items":
        return np.zeros(0, dtype=np.int64)
    found = _amount_mismatch(frame, 1)
    return found[0].rows if found else np.zeros(0, dtype=np.int64)


def merge_findings(table: Table, parts: Sequence[tuple[int, Sequence[Finding]]], *, limit: int) -> list[Finding]:
    """The findings of consecutive slices of one table as those of the whole table.

    ``parts`` holds, per slice, its first row in the table and its findings
    (rows counted from the slice's start).  Findings of one rule and column
    become one, with every row and the first ``limit`` messages, in the order
    :func:`check_table` lists them (unreadable values, empty required values,
    values not allowed, negative numbers, duplicates, unknown keys; columns in
    contract order), which decides a row's first reason under ``lenient``.

    >>> from graphfraud.contract import CLAIM_ITEMS
    >>> one = Finding("amount", "negative amount", np.array([1]), ("negative amount -1.00",))
    >>> two = Finding("claim_id", "empty claim_id", np.array([0]), ("required value is empty",))
    >>> [(f.reason, f.rows.tolist()) for f in merge_findings(CLAIM_ITEMS, [(0, [one]), (5, [one, two])], limit=20)]
    [('empty claim_id', [5]), ('negative amount', [1, 6])]
    """
    names = [c.name for c in table.columns + table.extra]
    foreign = [column for column, _ in FOREIGN_KEYS.get(table.name, ())]
    merged: dict[tuple[str | None, str], list[tuple[np.ndarray, tuple[str, ...]]]] = {}
    for start, findings in parts:
        for f in findings:
            merged.setdefault((f.column, f.reason), []).append((f.rows + start, f.messages))

    def rank(column: str | None, reason: str) -> tuple[int, int]:
        at = names.index(column) if column in names else len(names)
        for group, form in enumerate(("unreadable {}", "empty {}", "{} not allowed", "negative {}", "duplicate {}")):
            if reason == form.format(column):
                return group, at
        if column in foreign:
            return 5, 2 * foreign.index(column) + (reason != f"unknown {column}")
        return 6, at

    out = []
    for (column, reason), pieces in sorted(merged.items(), key=lambda item: rank(*item[0])):
        rows = np.concatenate([rows for rows, _ in pieces])
        messages = tuple(m for _, ms in pieces for m in ms)[:limit]
        out.append(Finding(column, reason, rows, messages))
    return out


def report(file: str, findings: Sequence[Finding], *, limit: int, origin: dict[str, str]) -> ContractError:
    """One error listing the first ``limit`` problems of a file, by row, then "... and N more"."""
    shown = sorted(
        (int(row) + 2, order, f.column, msg) for order, f in enumerate(findings) for row, msg in zip(f.rows, f.messages)
    )[:limit]
    total = sum(len(f.rows) for f in findings)
    errors = [ContractError(file, row, _label(column, origin), msg) for row, _, column, msg in shown]
    if total > len(shown):
        errors.append(
            ContractError(
                file,
                None,
                None,
                f"... and {total - len(shown)} more problems; fix them, or pass --lenient to skip the bad rows",
            )
        )
    head = errors[0]
    return ContractError(head.file, head.row, head.column, head.message, problems=errors[1:])


# ----------------------------------------------------------------- the rules
def _empty_required(table: Table, frame: pd.DataFrame, limit: int, unreadable: Sequence[Finding]) -> list[Finding]:
    out: list[Finding] = []
    for name in table.required_columns:
        if name in frame:
            mask = frame[name].isna().to_numpy().copy()
            for f in unreadable:  # unreadable values are NA too, but reported as such
                if f.column == name:
                    mask[f.rows] = False
            out += find(
                mask,
                column=name,
                reason=f"empty {name}",
                limit=limit,
                message=lambda rows: ["required value is empty; fill it in"] * len(rows),
            )
    return out


def _not_allowed(table: Table, frame: pd.DataFrame, limit: int) -> list[Finding]:
    out: list[Finding] = []
    for col in table.columns + table.extra:
        allowed: tuple[object, ...] = col.values or INT_VALUES.get((table.name, col.name), ())
        if not allowed or col.name not in frame:
            continue
        values = frame[col.name]
        if isinstance(values.dtype, pd.CategoricalDtype):  # read as codes: each distinct value checked once
            wrong = np.append(~values.cat.categories.isin(list(allowed)), False)  # code -1 (NA) is never wrong
            mask = wrong[values.cat.codes.to_numpy()]
        elif col.values:  # text: hashed in Arrow (pandas' isin makes a Python object per row)
            mask = values.notna().to_numpy() & ~isin(values, pd.Series(allowed, dtype=object))
        else:
            mask = values.notna() & ~values.isin(list(allowed))
        listing = ", ".join(str(v) for v in allowed)
        out += find(
            mask,
            column=col.name,
            reason=f"{col.name} not allowed",
            limit=limit,
            message=lambda rows, v=values, a=listing: [
                f"value '{v.iat[r]}' is not allowed; use one of {a}" for r in rows
            ],
        )
    return out


def _negative(table: Table, frame: pd.DataFrame, limit: int) -> list[Finding]:
    out: list[Finding] = []
    for col in table.columns + table.extra:
        if col.kind not in ("money", "price", "float", "int") or col.name not in frame:
            continue
        values = frame[col.name]
        what = {"money": "amount", "price": "price"}.get(col.kind, "value")
        out += find(
            values < 0,
            column=col.name,
            reason=f"negative {col.name}",
            limit=limit,
            message=lambda rows, v=values, w=what: [
                f"negative {w} {_show(v.iat[r])}; it can never be negative" for r in rows
            ],
        )
    return out


def _duplicates(ids: pd.Series, column: str, limit: int) -> list[Finding]:
    # dictionary_encode numbers values in order of first appearance, so the
    # k-th first occurrence is the first row of code k.
    text = decoded(arrow_text(ids))
    # The common case (no repeat): ids in increasing order (an export sorted by its key) need no hashing;
    # else count distinct values: half the work of numbering them.
    if increasing(text):
        return []
    if len(pc.unique(text)) - (text.null_count > 0) == len(ids) - text.null_count:
        return []
    if isinstance(text, pa.ChunkedArray):  # one dictionary for all rows (per-chunk ones grow cumulatively)
        text = text.combine_chunks()
    encoded = pc.dictionary_encode(text)
    codes = pc.fill_null(encoded.indices.cast(pa.int64()), -1).to_numpy(zero_copy_only=False)
    present = codes >= 0
    repeat = pd.Series(codes).duplicated().to_numpy() & present
    first = np.flatnonzero(~repeat & present)
    return find(
        repeat,
        column=column,
        reason=f"duplicate {column}",
        limit=limit,
        message=lambda rows: [f"duplicate value {ids.iat[r]} (first seen at row {first[codes[r]] + 2})" for r in rows],
    )


def _unknown(
    ids: pd.Series, column: str, ref: str, keys: KnownKeys, limit: int, *, link: str, rows: np.ndarray
) -> list[Finding]:
    """Ids that point at nothing; ``rows`` are their :func:`positions` in the referenced table."""
    ref_key = TABLES[ref].key or column
    ref_file = keys.files.get(ref, f"{ref}.csv")
    present = ids.notna().to_numpy()
    keys.links[link] = rows
    missing = present & (rows < 0)
    skipped = keys.skipped.get(ref)
    cascade = missing & isin(ids, skipped) if skipped is not None and len(skipped) else np.zeros_like(missing)
    unknown = missing & ~cascade
    out = find(
        unknown,
        column=column,
        reason=f"unknown {column}",
        limit=limit,
        message=lambda rows: [
            f"unknown value {ids.iat[r]}: no {ref_key} {ids.iat[r]} in {ref_file}; add it there or correct the id"
            for r in rows
        ],
    )
    out += find(
        cascade,
        column=column,
        reason=f"{column} of a skipped {ref} row",
        limit=limit,
        message=lambda rows: [f"{ids.iat[r]} is a skipped row of {ref_file}" for r in rows],
    )
    return out


def _one_place(claims: pd.DataFrame, limit: int) -> list[Finding]:
    facility, pharmacy = claims["facility_id"].notna(), claims["pharmacy_id"].notna()
    both = find(
        facility & pharmacy,
        column="facility_id",
        reason="both facility_id and pharmacy_id",
        limit=limit,
        message=lambda rows: [
            f"both facility_id {claims['facility_id'].iat[r]} and pharmacy_id "
            f"{claims['pharmacy_id'].iat[r]} are set; a claim takes place at exactly one of them"
            for r in rows
        ],
    )
    neither = find(
        ~facility & ~pharmacy,
        column="facility_id",
        reason="neither facility_id nor pharmacy_id",
        limit=limit,
        message=lambda rows: (
            ["neither facility_id nor pharmacy_id is set; fill in where the claim took place"] * len(rows)
        ),
    )
    return both + neither


def _fund_over_total(claims: pd.DataFrame, limit: int) -> list[Finding]:
    fund, total = claims["fund_amount"], claims["total_amount"]
    return find(
        fund > total + FUND_TOLERANCE,
        column="fund_amount",
        reason="fund_amount > total_amount",
        limit=limit,
        message=lambda rows: [
            f"fund_amount {_show(fund.iat[r])} is more than total_amount {_show(total.iat[r])}; "
            f"the fund cannot pay more than the total fee"
            for r in rows
        ],
    )


def _end_before_start(claims: pd.DataFrame, limit: int) -> list[Finding]:
    start, end = claims["start_time"], claims["end_time"]
    return find(
        end < start,
        column="end_time",
        reason="end_time before start_time",
        limit=limit,
        message=lambda rows: [f"end_time {_show(end.iat[r])} is before start_time {_show(start.iat[r])}" for r in rows],
    )


def _amount_mismatch(items: pd.DataFrame, limit: int) -> list[Finding]:
    amount, quantity, price = items["amount"], items["quantity"], items["unit_price"]
    units_all = quantity.to_numpy(dtype=np.float64, na_value=np.nan)
    price_all = price.to_numpy(dtype=np.float64, na_value=np.nan)
    amount_all = amount.to_numpy(dtype=np.float64, na_value=np.nan)
    mask = np.zeros(len(items), dtype=bool)
    # In place, a few million lines at a time: tens of millions of fee lines must not make two
    # temporary columns of their size (360 MB at 22 million lines) while the read is at its peak.
    for start in range(0, len(items), _CHUNK):
        part = slice(start, start + _CHUNK)
        units = units_all[part]
        gap = np.multiply(units, price_all[part])
        np.subtract(amount_all[part], gap, out=gap)
        np.abs(gap, out=gap)
        allowed = np.abs(units) * PRICE_ROUNDING
        allowed += AMOUNT_TOLERANCE + 1e-9  # 1e-9: a half cent off in decimal may be a hair more in binary
        np.greater(gap, allowed, out=mask[part])
    return find(
        mask,
        column="amount",
        reason="amount != quantity x unit_price",
        limit=limit,
        message=lambda rows: [
            f"amount {_show(amount.iat[r])} is not quantity {quantity.iat[r]:g} x unit_price "
            f"{price.iat[r]:.4f} = {_show(quantity.iat[r] * price.iat[r])}"
            for r in rows
        ],
    )


# ----------------------------------------------------------------- helpers
def _attribute(findings: Sequence[Finding], n: int) -> tuple[np.ndarray, dict[str, int]]:
    """Rows to drop, each counted once under the first reason that hit it."""
    bad = np.zeros(n, dtype=bool)
    counts: dict[str, int] = {}
    for f in findings:
        new = f.rows[~bad[f.rows]]
        if new.size:
            counts[f.reason] = counts.get(f.reason, 0) + int(new.size)
            bad[new] = True
    return bad, counts


def _remember(keys: KnownKeys, name: str, file: str, kept: pd.Series, dropped: pd.Index) -> None:
    keys.kept[name] = kept
    keys.files[name] = file
    keys.skipped[name] = dropped[~isin(dropped, kept)] if len(dropped) else dropped


def _label(column: str | None, origin: dict[str, str]) -> str | None:
    if column is None or column not in origin:
        return column
    return f"{origin[column]} ({column})"


def _show(value: object) -> str:
    if isinstance(value, float | np.floating):
        return f"{value:.2f}"
    if isinstance(value, pd.Timestamp):
        return str(value)
    return str(value)
