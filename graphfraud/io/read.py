"""Read a claims directory into typed, validated tables (:class:`~graphfraud.contract.ClaimsData`).

The directory holds one file per table, ``NAME.csv`` or ``NAME.parquet``
(see the data contract).  Each table is read, renamed by the mapping (if any),
converted to contract dtypes and checked by :mod:`graphfraud.io.validate`, in
the order persons, facilities, pharmacies, doctors, claims, claim_items, so
that ids can be checked against the tables read before.  ``labels`` is never
read here.

Speed and memory: CSV files are parsed by ``pyarrow.csv`` (multi-threaded)
with every column as text, then converted column by column with Arrow
kernels; no Python object is made per row.  A table without a key (the fee
lines, the biggest file) is read, converted and checked a slice of lines at
a time (:func:`_read_sliced`), so its raw text exists one slice at a time.
"""

from __future__ import annotations

import codecs
import csv
import os
import warnings
import dataclasses
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from pandas.api.types import union_categoricals

from graphfraud.contract import ID_DTYPE, INPUT_TABLES, ClaimsData, Column, QualityWarning, Table, empty_frame
from graphfraud.errors import ContractError
from graphfraud.io.arrow import arrow_text, decoded, follow
from graphfraud.io.convert import to_codes, to_ids, to_series
from graphfraud.io.memory import give_back
from graphfraud.io.mapping import Mapping, TableMapping, apply_mapping, load_mapping
from graphfraud.io.validate import (
    FOREIGN_KEYS,
    THREADS,
    Finding,
    KnownKeys,
    SkippedRowsWarning,
    check_table,
    find,
    merge_findings,
    quality,
    quality_rows,
    rules,
    settle,
)
from graphfraud.io.write import file_sha256
from graphfraud.params import ReadParams

_BLOCK_SIZE = 16 << 20  # bytes per CSV parsing block


_FORMS = {
    "datetime": "a time between 1900 and 2100; write 2024-03-05 09:41:00, 2024-03-05T09:41:00 or a date alone "
    "(2024-03-05)",
    "date": "a date between 1900 and 2100; write 2024-03-05",
    "money": "an amount; write yuan with a dot for decimals, e.g. 1234.50",
    "price": "a unit price; write yuan with a dot for decimals, e.g. 0.445",
    "float": "a number; write it with a dot for decimals, e.g. 2.5",
    "int": "a whole number of at most 15 digits, e.g. 3",
}


def read_claims_dir(
    path: str | Path,
    params: ReadParams = ReadParams(),
    *,
    skip: tuple[str, ...] = (),
    codes: tuple[str, ...] = (),
    log: Callable[[str], None] = lambda message: None,
) -> ClaimsData:
    """Read and validate a claims directory.

    Parameters
    ----------
    path : str or Path
        Directory with ``persons``, ``facilities``, ``pharmacies``, ``doctors``,
        ``claims`` and optionally ``claim_items``, each as ``.csv`` or ``.parquet``.
    params : ReadParams, default ReadParams()
        ``mapping`` (``"nhsa"`` or a YAML file), ``lenient``, ``encoding``
        (of CSV files) and ``max_errors`` (problems listed per file).
    skip : tuple of str, default ()
        Text columns (``"table.column"``, not keys), or ``claim_items.quantity``, the caller
        will not use: a column no rule checks (free text such as
        ``claim_items.item_name``) is not read at all; a checked one
        (``claim_items.category``) is read and checked, then left NA.  Either
        way it is NA in the result and listed in ``ClaimsData.released``.
        ``detect`` saves a gigabyte at ten million claims this way.  An entry
        ``"table.column?other.column"`` skips the column only when the other
        column (of a table read before it) has a value: ``detect`` keeps the
        fee lines' item codes only for an export without diagnoses.
    codes : tuple of str, default ()
        Enum or text columns (``"table.column"``, not in ``skip``) kept as pandas
        categoricals: each distinct value cleaned once and a small code per row
        (int8 for fewer than 128 values), not a string per row.  ``detect``
        keeps ``claim_items.category`` and ``claim_items.item_name`` so
        (``pipeline.CODED_COLUMNS``).  A file
        read through a ``mapping`` that renames the table's columns keeps them
        as text.
    log : callable
        Receives one line per table read and checked (the CLI's progress bar).

    Returns
    -------
    ClaimsData
        Frames with exactly the contract columns in contract dtypes (``codes``
        as categoricals; plus
        ``visit_id`` / ``birth_year`` where the input has them); absent optional
        columns are NA.  ``source`` holds the SHA-256 of every file read,
        ``time_resolution`` is ``"day"`` when every claim starts at midnight,
        ``"mixed"`` when only some venues' claims do (``date_only_venues``),
        ``skipped`` counts the rows dropped under ``lenient``.

    Raises
    ------
    ContractError
        When a file is missing, duplicated (csv and parquet), not UTF-8, or
        breaks a rule of the contract; the message names file, row and column.

    Warns
    -----
    SkippedRowsWarning
        Under ``lenient``, once per file that lost rows.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "persons.csv").write_text("person_id,sex\\n0001,F\\n")
    >>> _ = (d / "facilities.csv").write_text("facility_id\\nH1\\n")
    >>> _ = (d / "pharmacies.csv").write_text("pharmacy_id\\n")
    >>> _ = (d / "doctors.csv").write_text("doctor_id,facility_id\\nD1,H1\\n")
    >>> _ = (d / "claims.csv").write_text(
    ...     "claim_id,patient_id,facility_id,doctor_id,visit_type,start_time,total_amount,fund_amount\\n"
    ...     "C1,0001,H1,D1,outpatient,2024-03-05,120.5,80\\n")
    >>> data = read_claims_dir(d)
    >>> data.claims[["claim_id", "patient_id", "start_time", "fund_amount"]].to_dict("records")
    [{'claim_id': 'C1', 'patient_id': '0001', 'start_time': Timestamp('2024-03-05 00:00:00'), 'fund_amount': 80.0}]
    >>> data.time_resolution, len(data.claim_items)
    ('day', 0)
    """
    _check_skip(skip)
    _check_codes(codes, skip)
    directory = Path(path)
    if not directory.is_dir():
        raise ContractError(
            str(directory), None, None, "is not a directory; pass the folder that holds claims.csv etc."
        )
    mapping = load_mapping(params.mapping)
    files = {table.name: locate(directory, table) for table in INPUT_TABLES}
    # Hash in a background thread (hashlib releases the GIL) while the tables are parsed.  Tables
    # are parsed one after the other: the claims' unused columns are freed before the fee lines
    # (the biggest file) arrive, which keeps the peak at ten million claims under 6 GB.
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        hashes = {f.name: pool.submit(file_sha256, f) for f in files.values() if f is not None}
        frames, skipped, keys = _read_tables(files, mapping, params, skip=skip, codes=codes, log=log)
        source = {name: future.result() for name, future in hashes.items()}
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    dated = date_only_venues(frames["claims"]["start_time"], _venue_of_claims(frames, keys.links))
    resolution = time_resolution(frames["claims"]["start_time"])
    resolution = "mixed" if dated and resolution == "minute" else resolution
    return ClaimsData(
        **frames,
        source=source,
        skipped=skipped,
        links=keys.links,
        released=_resolved(skip, frames),
        time_resolution=resolution,
        date_only_venues=dated,
        warnings=tuple(keys.warnings),
    )


def _read_tables(
    files: dict[str, Path | None],
    mapping: Mapping | None,
    params: ReadParams,
    *,
    skip: tuple[str, ...] = (),
    codes: tuple[str, ...] = (),
    log: Callable[[str], None] = lambda message: None,
) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, int]], KnownKeys]:
    """Read, map, type and check every table in contract order; also the keys (foreign-key links, warnings)."""
    keys = KnownKeys()
    frames: dict[str, pd.DataFrame] = {}
    skipped: dict[str, dict[str, int]] = {}
    for table in INPUT_TABLES:
        file = files[table.name]
        if file is None:
            frames[table.name] = empty_frame(table)
            continue
        skipping = _resolved(skip, frames)  # this table's (the conditions name tables read before it)
        coded = _coded(skipping + codes, table, mapping, kept=codes)  # kept ``codes`` are not released below
        sliced = (
            _read_sliced(file, table, params, skip=skipping, coded=coded, keys=keys)
            if _sliceable(file, table, mapping, params)
            else None
        )
        if sliced is not None:
            frame, counts, bad_lines = sliced
        else:
            frame, counts, bad_lines = _read_whole(file, table, params, mapping, skip=skipping, coded=coded, keys=keys)
        if bad_lines:
            counts = {"wrong number of fields": bad_lines, **counts}
            warnings.warn(
                f"skipped {bad_lines} rows of {file.name} with the wrong number of fields",
                SkippedRowsWarning,
                stacklevel=3,
            )
        if counts:
            skipped[file.name] = counts
        for column in table.columns:  # checked, and not needed by the caller: free the memory
            if f"{table.name}.{column.name}" in skipping and column.name in frame:
                frame[column.name] = _no_text(len(frame), number=column.kind == "float")
        frames[table.name] = frame
        # Arrow's allocator (mimalloc) and the C library keep freed pages for themselves; hand them back before
        # the next (bigger) table arrives: 5.3 -> 4.9 GB peak at ten million claims (measured; the C library's
        # heaps, 2.49 -> 2.40 GiB held after the read).
        give_back()
        log(f"{file.name}: {len(frame):,} rows read and checked")
    return frames, skipped, keys


def _read_whole(
    file: Path,
    table: Table,
    params: ReadParams,
    mapping: Mapping | None,
    *,
    skip: tuple[str, ...],
    coded: frozenset[str],
    keys: KnownKeys,
) -> tuple[pd.DataFrame, dict[str, int], int]:
    """Read, map, type and check one file at once: the frame, skipped rows by reason, lines of the wrong length."""
    raw, bad_lines = _read_file(
        file,
        table,
        params,
        _skipped(skip, table, mapping),
        numbers=_numbers(table, mapping),
        coded=_dictionaries(table, coded, keys),
    )
    raw, origin = apply_mapping(raw, mapping.table(table.name) if mapping else TableMapping())
    unread = _unread(skip, table)
    raw = raw.drop_columns([c for c in raw.column_names if c in unread])
    notes = _numeric_ids(raw, table, file.name, origin)
    held = [raw]  # _typed lets go of each column once converted (the table itself is released here)
    del raw
    frame, unreadable = _typed(held, table, file.name, origin, params, coded=coded)
    pa.default_memory_pool().release_unused()  # the raw numbers, converted: NumPy's malloc cannot reuse Arrow's pages
    frame, counts = check_table(
        table,
        frame,
        file=file.name,
        keys=keys,
        params=params,
        unreadable=unreadable,
        origin=origin,
        dropped_lines=bad_lines,
        notes=notes,
    )
    return frame, counts, bad_lines


#: Bytes of a CSV file of a table without a key (the fee lines) read, converted and checked at a time.
SLICE_BYTES = 128 << 20

#: Whether the next slice is parsed (in a thread of its own) while the main thread converts and checks the one
#: before (:func:`_read_sliced`).  The parse is Arrow's and half the read's CPU; the conversions and the
#: contract's rules after it run mostly on one core.  Reading ahead keeps both cores busy through the fee
#: lines, at the cost of one more parsed slice held.  The same slices are parsed by the same call either way,
#: so the frames, links, warnings and errors are the same (``tests/io/test_sliced.py``).
READ_AHEAD = True


def _sliceable(file: Path, table: Table, mapping: Mapping | None, params: ReadParams) -> bool:
    """Whether ``file`` is read in slices: a CSV file of a table without a key (no rule compares rows far
    apart but its foreign keys), under contract names, in an encoding where a newline byte ends a line."""
    if file.suffix != ".csv" or table.key is not None:
        return False
    if mapping is not None and mapping.table(table.name) != TableMapping():
        return False
    try:
        return "\n".encode(params.encoding) == b"\n" and codecs.lookup(params.encoding).name not in ("utf-16", "utf-32")
    except LookupError:
        return False


def _slice_bounds(path: Path, size: int) -> list[tuple[int, int]]:
    """Byte ranges of whole lines of ``path`` after its header line, about ``size`` bytes each.

    A range ends after a newline (or at the end of the file), so no line is cut
    in two: the CSV reader itself takes a newline for the end of a row (values
    with line breaks inside quotes are not read either way).
    """
    total = path.stat().st_size
    bounds = []
    with path.open("rb") as f:
        at = _line_end(f, 0, total)
        while at < total:
            end = _line_end(f, min(at + max(size, 1), total), total)
            bounds.append((at, end))
            at = end
    return bounds


def _line_end(f: BinaryIO, at: int, total: int) -> int:
    """The offset just after the first newline at or after ``at`` (``total`` when there is none)."""
    f.seek(at)
    while at < total:
        piece = f.read(1 << 16)
        if not piece:
            return total
        found = piece.find(b"\n")
        if found >= 0:
            return at + found + 1
        at += len(piece)
    return total


def _read_sliced(
    file: Path,
    table: Table,
    params: ReadParams,
    *,
    skip: tuple[str, ...],
    coded: frozenset[str],
    keys: KnownKeys,
) -> tuple[pd.DataFrame, dict[str, int], int] | None:
    """As :func:`_read_whole`, a slice of lines at a time (:data:`SLICE_BYTES`); None for a file without rows.

    Each slice is parsed, converted and checked against every rule but the
    foreign keys, and only the columns the caller keeps are kept (with the
    raw foreign keys); the raw text and the released columns of one slice
    at a time exist, not of the whole file (at ten million claims the fee
    lines' raw table and its converted copy were the read's peak: 2 GB).
    The foreign keys are then checked at once (one hash table of the keys),
    the findings of all slices merged (:func:`merge_findings`) and the file
    accepted, refused or, under ``lenient``, its bad rows dropped, as
    :func:`check_table` does for a whole file: nothing is returned or
    remembered before every slice is checked.
    """
    bounds = _slice_bounds(file, SLICE_BYTES)
    if not bounds:
        return None
    header = _csv_header(file, params.encoding)
    _check_header(file.name, header, table, limit=params.max_errors)
    limit = max(1, params.max_errors)
    unread, numbers, dictionaries = _unread(skip, table), _numbers(table, None), _dictionaries(table, coded, keys)
    released = {c.name for c in table.columns if f"{table.name}.{c.name}" in skip}
    foreign = [column for column, _ in FOREIGN_KEYS.get(table.name, ())]
    narrow = dataclasses.replace(table, columns=tuple(c for c in table.columns if c.name not in foreign))
    # Foreign keys the caller releases are followed slice by slice while they are the referenced keys in
    # order (fee lines in the claims' order: :func:`follow`, no hashing, no id kept); from the first slice
    # that is not, they are kept as read and looked up at the end (:func:`check_table`'s way).
    refs = dict(FOREIGN_KEYS.get(table.name, ()))
    known = {c: decoded(arrow_text(keys.kept[refs[c]])) for c in foreign if c in released and refs[c] in keys.kept}
    followed: dict[str, list[np.ndarray]] = {c: [] for c in known}
    cursor = dict.fromkeys(known, 0)
    hashed_from: dict[str, int] = {}
    raw_keys: dict[str, list[pa.ChunkedArray]] = {}
    kept: dict[str, list[pd.Series]] = {}
    flagged: list[pd.DataFrame] = []
    parts: list[tuple[int, list[Finding]]] = []
    notes: list[str] = []
    origin: dict[str, str] = {}
    rows = bad_lines = 0

    def parse(start: int, end: int) -> tuple[pa.Table, int]:
        with file.open("rb") as f:
            f.seek(start)
            part = f.read(end - start)
        return _read_csv(file, header, params, unread, numbers=numbers, coded=dictionaries, part=part)

    # the next slice is parsed ahead (READ_AHEAD) by one worker; an error of a slice is raised when its turn
    # comes, as when read one after the other (the worker's slice after it is waited for and dropped)
    with ThreadPoolExecutor(max_workers=1) as ahead:
        pending = ahead.submit(parse, *bounds[0]) if READ_AHEAD else None
        for at, (start, end) in enumerate(bounds):
            if pending is not None:
                raw, bad = pending.result()
                pending = ahead.submit(parse, *bounds[at + 1]) if at + 1 < len(bounds) else None
            else:
                raw, bad = parse(start, end)
            bad_lines += bad
            raw, origin = apply_mapping(raw, TableMapping())
            raw = raw.drop_columns([c for c in raw.column_names if c in unread])
            if not parts:
                _require_columns(raw, table, file.name)
                notes = _numeric_ids(raw, table, file.name, origin)
            present = [c for c in foreign if c in raw.column_names]
            for column in present:
                if column in cursor:
                    found = follow(raw.column(column), known[column], cursor[column])
                    if found is not None:
                        followed[column].append(found)
                        cursor[column] = int(found[-1]) + 1 if len(found) else cursor[column]
                        continue
                    del cursor[column]
                hashed_from.setdefault(column, rows)
                raw_keys.setdefault(column, []).append(raw.column(column))
            held = [raw.drop_columns(present)]
            del raw
            frame, unreadable = _typed(held, narrow, file.name, origin, params, coded=coded)
            findings = list(unreadable) + rules(narrow, frame, keys=keys, limit=limit, unreadable=unreadable)
            parts.append((rows, findings))
            flagged_rows = quality_rows(table, frame)
            if len(flagged_rows):
                flagged.append(frame.iloc[flagged_rows].set_axis(flagged_rows + rows))
            for name in frame.columns:
                if name not in released:
                    kept.setdefault(name, []).append(frame[name])
            rows += len(frame)
            del frame
            give_back()
    if not parts:
        return None
    columns: dict[str, pd.Series] = {}
    for column in table.columns + table.extra:
        name = column.name
        if name in foreign and (name in raw_keys or followed.get(name)):
            link = f"{table.name}.{name}"
            ids = _no_text(0)
            keys.links[link] = np.zeros(0, dtype=np.int32)
            if name in raw_keys:  # checked as check_table does, from the first slice not followed
                pieces = raw_keys.pop(name)
                values = pa.chunked_array([chunk for c in pieces for chunk in c.chunks], type=pieces[0].type)
                del pieces
                ids = to_ids(values) if name in coded else to_series(values, column)[0]
                del values
                keyed = dataclasses.replace(table, columns=(column,), extra=())
                parts.append((hashed_from[name], rules(keyed, pd.DataFrame({name: ids}), keys=keys, limit=limit)))
            keys.links[link] = np.concatenate([*followed.pop(name, []), keys.links[link]])
            columns[name] = ids if name not in released else _no_text(rows, number=column.kind == "float")
        elif name in kept:
            columns[name] = _joined(kept.pop(name))
        elif name in released:
            columns[name] = _no_text(rows, number=column.kind == "float")
        elif column in table.columns:
            columns[name] = (
                _no_text(rows)
                if column.kind in ("id", "str", "enum")
                else to_series(pa.nulls(rows, pa.string()), column)[0]
            )
    frame = pd.DataFrame(columns, copy=False)
    del columns
    pa.default_memory_pool().release_unused()
    flags = pd.concat(flagged) if flagged else frame.iloc[:0]

    def warn(_: pd.DataFrame, kept_rows: np.ndarray | None) -> list[QualityWarning]:
        at = flags.index.to_numpy()
        shown = flags if kept_rows is None else flags[np.isin(at, kept_rows)]
        where = shown.index.to_numpy()
        return quality(table, shown.reset_index(drop=True), file=file.name, origin=origin, rows=where)

    frame, counts = settle(
        table,
        frame,
        merge_findings(table, parts, limit=limit),
        file=file.name,
        keys=keys,
        params=params,
        origin=origin,
        dropped_lines=bad_lines,
        notes=notes,
        warn=warn,
    )
    return frame, counts, bad_lines


def locate(directory: Path, table: Table) -> Path | None:
    """The file holding ``table`` in ``directory``, or None for a missing optional table.

    Raises
    ------
    ContractError
        When both ``NAME.csv`` and ``NAME.parquet`` exist, a required table is
        missing, or the file is a symbolic link that leads out of ``directory``
        (its content is never read, so an error cannot quote another file).
    """
    found = [directory / f"{table.name}.{ext}" for ext in ("csv", "parquet")]
    found = [f for f in found if f.is_file()]
    for f in found:
        if f.is_symlink() and directory.resolve() not in f.resolve().parents:
            raise ContractError(f.name, None, None, f"is a symbolic link to {f.resolve()}, outside {directory}; "
                                "copy the file into the claims directory instead")  # fmt: skip
    if len(found) == 2:
        raise ContractError(
            found[0].name,
            None,
            None,
            f"both {found[0].name} and {found[1].name} are in {directory}; keep only one of them",
        )
    if not found and table.required:
        raise ContractError(
            f"{table.name}.csv",
            None,
            None,
            f"not found in {directory}; every claims directory needs {table.name}.csv "
            f"(or {table.name}.parquet), even if it has only a header row",
        )
    return found[0] if found else None


def time_resolution(start_times: pd.Series) -> str:
    """``"day"`` when every claim starts at midnight (a date-only export), else ``"minute"``.

    >>> time_resolution(pd.Series(pd.to_datetime(["2024-03-05", "2024-03-06"])))
    'day'
    >>> time_resolution(pd.Series(pd.to_datetime(["2024-03-05 00:00", "2024-03-06 09:41"])))
    'minute'
    """
    known = start_times.notna().to_numpy()
    if not known.any():
        return "minute"
    return "day" if bool(_at_midnight(start_times)[known].all()) else "minute"


def date_only_venues(start_times: pd.Series, venues: pd.Series) -> tuple[str, ...]:
    """The venues whose claims carry no time of arrival, in a table where other claims carry times (sorted ids).

    A village clinic may export dates only while the hospitals of the same
    settlement table export times: that clinic's claims are dates, not
    arrivals at 00:00 (minute-level signals must skip them).  A clinic that
    uploads its day's settlements in one batch (批量上传: every claim of a day
    at the upload's time, on every day with two or more claims, two such days
    at least, :func:`batch_uploaded`) has no arrival times either: its day is
    one time stamp, however its patients came.  Empty when the whole table is
    date-only (then the table is, see :func:`time_resolution`) or when every
    venue's claims carry times of arrival.

    >>> t = pd.Series(pd.to_datetime(["2024-03-05 00:00", "2024-03-06 00:00", "2024-03-05 09:41", "2024-03-05 00:00"]))
    >>> date_only_venues(t, pd.Series(["C1", "C1", "H1", "H1"]))
    ('C1',)
    >>> date_only_venues(t.iloc[[0, 1]], pd.Series(["C1", "C1"]))
    ()
    """
    midnight = _at_midnight(start_times)
    if midnight.all():
        return ()
    known = start_times.notna().to_numpy()
    at_midnight = set(venues[midnight & known].dropna().unique())
    candidates = venues.isin(at_midnight).to_numpy()
    timed = set(venues[candidates & ~midnight & known].unique())
    return tuple(sorted({str(v) for v in at_midnight - timed} | batch_uploaded(start_times, venues, midnight=midnight)))


def batch_uploaded(start_times: pd.Series, venues: pd.Series, *, midnight: np.ndarray | None = None) -> set[str]:
    """Venues whose claims of a day all carry one and the same time, on every day with two or more timed claims.

    Many village clinics settle offline and upload the day's claims in one batch in the evening; the
    time stamp is the upload's.  Two patients of a clinic that records arrivals share a time stamp on
    a day now and then, not on every day: at least two such days are asked for.

    >>> t = pd.Series(pd.to_datetime(["2024-03-05 18:03", "2024-03-05 18:03", "2024-03-06 17:40", "2024-03-06 17:40",
    ...                               "2024-03-07 09:00", "2024-03-05 09:41", "2024-03-05 09:52", "2024-03-06 10:00",
    ...                               "2024-03-06 10:00", "2024-03-07 11:00", "2024-03-07 11:00"]))
    >>> sorted(batch_uploaded(t, pd.Series(["V1"] * 5 + ["H1"] * 6)))
    ['V1']
    """
    if midnight is None:
        midnight = _at_midnight(start_times)
    timed = start_times.notna().to_numpy() & ~midnight & venues.notna().to_numpy()
    if not timed.any():
        return set()
    times = start_times[timed]
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    seconds = times.to_numpy().astype("datetime64[s]").astype(np.int64)
    day = seconds // 86_400
    code, ids = pd.factorize(venues[timed])
    span = int(day.max() - day.min()) + 1
    key = code.astype(np.int64) * span + (day - day.min())
    cells = len(ids) * span
    if cells <= len(key):  # a slot per venue and day, no bigger than the claims: counted in place, no hashing
        size = np.bincount(key, minlength=cells)
        first = np.full(cells, np.iinfo(np.int64).max)
        np.minimum.at(first, key, seconds)
        last = np.full(cells, np.iinfo(np.int64).min)
        np.maximum.at(last, key, seconds)
        many = np.flatnonzero(size >= 2)
        venue, same = many // span, first[many] == last[many]
    else:
        per_day = pd.DataFrame({"key": key, "t": seconds}).groupby("key", sort=False)["t"].agg(["size", "min", "max"])
        busy = per_day[per_day["size"] >= 2]
        venue, same = busy.index.to_numpy() // span, (busy["min"] == busy["max"]).to_numpy()
    days = np.bincount(venue, minlength=len(ids))
    one_time = np.bincount(venue, weights=same, minlength=len(ids))
    return {str(ids[v]) for v in np.flatnonzero((days >= 2) & (one_time == days))}


def _at_midnight(times: pd.Series) -> np.ndarray:
    """Per row: the time is a midnight (False where missing), by integer arithmetic on the time stamps
    (``times == times.dt.normalize()`` makes a normalised copy: half a second per ten million claims).

    >>> _at_midnight(pd.Series(pd.to_datetime(["1950-03-05 00:00", "2024-03-05 09:41", None]))).tolist()
    [True, False, False]
    """
    values = times.to_numpy()
    if not np.issubdtype(values.dtype, np.datetime64):  # time zones or objects: as pandas does it
        return (times == times.dt.normalize()).to_numpy(dtype=bool, na_value=False)
    unit, count = np.datetime_data(values.dtype)
    per_day = int(np.timedelta64(1, "D") // np.timedelta64(count, unit))  # type: ignore[call-overload]
    return ~np.isnat(values) & (np.remainder(values.view(np.int64), per_day) == 0)


def _venue_of_claims(frames: dict[str, pd.DataFrame], links: dict[str, np.ndarray]) -> pd.Series:
    """Each claim's venue id (facility or pharmacy), from the key links when the id columns were released."""
    claims = frames["claims"]
    fac, pha = links.get("claims.facility_id"), links.get("claims.pharmacy_id")
    if fac is None or pha is None or claims["facility_id"].notna().any() or claims["pharmacy_id"].notna().any():
        return claims["facility_id"].fillna(claims["pharmacy_id"])
    ids = pd.concat([frames["facilities"]["facility_id"], frames["pharmacies"]["pharmacy_id"]], ignore_index=True)
    code = np.where(fac >= 0, fac, np.where(pha >= 0, len(frames["facilities"]) + pha, -1))
    return pd.Series(pd.Categorical.from_codes(code, categories=pd.Index(ids).astype(object)), index=claims.index)


def _releasable(table: Table) -> dict[str, bool]:
    """``{column: unchecked}`` of the text columns a caller may skip (not keys), and of the fee lines' quantities.

    ``unchecked`` columns have no rule (optional, no allowed values, not a
    foreign key): they need not even be read.  A skipped foreign key is still
    checked, and its rows stay in ``ClaimsData.links``; so are the quantities
    (``amount`` against ``quantity x unit_price``).
    """
    foreign = {column for column, _ in FOREIGN_KEYS.get(table.name, ())}
    text = {
        c.name: not c.required and not c.values and c.name not in foreign
        for c in table.columns
        if c.kind in ("id", "str", "enum") and c.name != table.key
    }
    return text | ({"quantity": False} if table.name == "claim_items" else {})


def _resolved(skip: tuple[str, ...], frames: dict[str, pd.DataFrame]) -> tuple[str, ...]:
    """``skip`` with each conditional entry (``"column?condition"``) as its column when the condition column of
    ``frames`` has a value, left out otherwise (its table not read yet, absent or empty).

    >>> frames = {"claims": pd.DataFrame({"diagnosis": [None, "C50.9"]})}
    >>> _resolved(("claim_items.item_name", "claim_items.item_code?claims.diagnosis"), frames)
    ('claim_items.item_name', 'claim_items.item_code')
    >>> _resolved(("claim_items.item_code?claims.diagnosis",), {"claims": pd.DataFrame({"diagnosis": [None]})})
    ()
    """
    out = []
    for name in skip:
        column, _, condition = name.partition("?")
        if condition:
            table, _, field = condition.partition(".")
            frame = frames.get(table)
            if frame is None or field not in frame.columns or not frame[field].notna().any():
                continue
        out.append(column)
    return tuple(out)


def _check_skip(skip: tuple[str, ...]) -> None:
    allowed = {f"{t.name}.{name}" for t in INPUT_TABLES for name in _releasable(t)}
    columns = {f"{t.name}.{c.name}" for t in INPUT_TABLES for c in t.columns}
    for entry in skip:
        name, _, condition = entry.partition("?")
        if condition and condition not in columns:
            raise ValueError(f"The 'skip' parameter of read_claims_dir: {entry!r} is conditional on {condition!r}, "
                             "which is not a contract column.")  # fmt: skip
        if name not in allowed:
            raise ValueError(
                f"The 'skip' parameter of read_claims_dir must name text columns that are not "
                f"keys, or claim_items.quantity ({', '.join(sorted(allowed))}). Got {name!r} instead."
            )


def _check_codes(codes: tuple[str, ...], skip: tuple[str, ...]) -> None:
    enums = {f"{t.name}.{c.name}" for t in INPUT_TABLES for c in t.columns if c.kind in ("enum", "str")}
    skipped = {entry.partition("?")[0] for entry in skip}
    for name in codes:
        if name not in enums or name in skipped:
            raise ValueError(
                f"The 'codes' parameter of read_claims_dir must name enum or text columns that are not skipped "
                f"({', '.join(sorted(enums))}). Got {name!r} instead."
            )


def _joined(pieces: list[pd.Series]) -> pd.Series:
    """One column of the slices' pieces; categoricals (kept ``codes``) as one categorical of all their values, the
    categories in order of first appearance (``pd.concat`` would make text of categoricals that differ).

    >>> a, b = pd.Series(["drug", "exam"], dtype="category"), pd.Series(["lab", "drug"], dtype="category")
    >>> j = _joined([a, b])
    >>> j.tolist(), j.cat.categories.tolist(), str(j.cat.codes.dtype)
    (['drug', 'exam', 'lab', 'drug'], ['drug', 'exam', 'lab'], 'int8')
    """
    if all(isinstance(p.dtype, pd.CategoricalDtype) for p in pieces):
        joined = union_categoricals(pieces)  # categories as object text, as to_codes makes them
        return pd.Series(pd.Categorical.from_codes(joined.codes, pd.Index(joined.categories.tolist(), dtype=object)))
    return pd.concat(pieces, ignore_index=True)


def _skipped(skip: tuple[str, ...], table: Table, mapping: Mapping | None) -> frozenset[str]:
    """Columns of ``table``'s file that need not be read: skipped and unchecked, when the file uses contract names."""
    if mapping is not None and mapping.table(table.name) != TableMapping():
        return frozenset()  # mapped names: drop after mapping instead
    return _unread(skip, table)


def _coded(
    skip: tuple[str, ...], table: Table, mapping: Mapping | None, *, kept: tuple[str, ...] = ()
) -> frozenset[str]:
    """Skipped columns of ``table`` that are checked and then released: enum columns (checked value by
    distinct value, :func:`to_codes`) and foreign keys (kept as read, not copied to pandas text, :func:`to_ids`);
    and the free-text columns ``kept`` as categoricals (``claim_items.item_name``: a few thousand names over
    millions of fee lines, step 114).

    Only under contract names (a mapped file is read as text)."""
    if mapping is not None and mapping.table(table.name) != TableMapping():
        return frozenset()
    foreign = {column for column, _ in FOREIGN_KEYS.get(table.name, ())}
    checked = {c.name for c in table.columns if c.kind == "enum" or (c.kind == "id" and c.name in foreign)}
    texts = {c.name for c in table.columns if c.kind == "str"}
    return frozenset(
        c.name
        for c in table.columns
        if (c.name in checked and f"{table.name}.{c.name}" in skip)
        or (c.name in texts and f"{table.name}.{c.name}" in kept)
    )


#: A skipped foreign key is read as Arrow dictionaries when the table it points at has at most this many
#: rows (facilities, pharmacies, doctors): a 16 MB block then holds each distinct id once.  Ids of
#: persons or claims are nearly all distinct within a block; building dictionaries of them costs more
#: than it saves (measured at ten million claims: +2 CPU-s to parse claims.csv), so they are read as text.
DICTIONARY_KEYS = 1 << 17


def _dictionaries(table: Table, coded: frozenset[str], keys: KnownKeys) -> frozenset[str]:
    """The ``coded`` columns of ``table`` to read as Arrow dictionaries: enums, and foreign keys into small tables."""
    refs = dict(FOREIGN_KEYS.get(table.name, ()))
    return frozenset(
        name for name in coded if name not in refs or len(keys.kept.get(refs[name], ())) <= DICTIONARY_KEYS
    )


def _numbers(table: Table, mapping: Mapping | None) -> frozenset[str]:
    """Decimal columns of ``table`` (money, price, float) that a CSV file may hold under their contract names."""
    if mapping is not None and mapping.table(table.name) != TableMapping():
        return frozenset()  # mapped names: read as text, converted after mapping
    return frozenset(c.name for c in table.columns + table.extra if c.kind in ("money", "price", "float"))


def _unread(skip: tuple[str, ...], table: Table) -> frozenset[str]:
    """The skipped columns of ``table`` that no rule checks (contract names): never needed."""
    return frozenset(
        name for name, unchecked in _releasable(table).items() if unchecked and f"{table.name}.{name}" in skip
    )


def _no_text(n: int, *, number: bool = False) -> pd.Series:
    """An all-NA text column (``number``: float column) of ``n`` rows that costs one shared buffer of a
    million rows, not ``8 n`` bytes.

    >>> _no_text(3).isna().all(), _no_text(3, number=True).isna().all(), _no_text(3, number=True).dtype
    (np.True_, np.True_, double[pyarrow])
    """
    kind = pa.float64() if number else pa.large_string()
    chunk = pa.nulls(min(n, 1 << 20), kind)
    whole, rest = divmod(n, max(len(chunk), 1))
    chunks = [chunk] * whole + ([chunk.slice(0, rest)] if rest else [])
    array = pa.chunked_array(chunks, type=kind)
    if number:
        return pd.Series(pd.arrays.ArrowExtensionArray(array))
    return pd.Series(array.to_pandas(types_mapper={pa.large_string(): ID_DTYPE}.get))


# ----------------------------------------------------------------- files
def _read_file(path: Path, table: Table, params: ReadParams, skip: frozenset[str] = frozenset(), *,
               numbers: frozenset[str] = frozenset(), coded: frozenset[str] = frozenset()) -> tuple[pa.Table, int]:  # fmt: skip
    """The file as an Arrow table with its own column names, and the count of skipped bad lines.

    ``numbers`` are CSV columns parsed as float64 by the CSV reader itself (see :func:`_read_csv`);
    ``coded`` text columns are read as Arrow dictionaries (a code per row, each distinct value once).
    """
    if path.suffix == ".parquet":
        try:
            meta = pq.read_metadata(path)
            names = meta.schema.to_arrow_schema().names
            _check_parquet_size(path, meta.num_rows, len([n for n in names if n not in skip]))
            text = {
                f.name
                for f in meta.schema.to_arrow_schema()
                if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
            }
            data = pq.read_table(
                path,
                columns=[n for n in names if n not in skip] if skip else None,
                read_dictionary=[n for n in names if n in coded and n in text] or None,
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, MemoryError) as exc:
            raise ContractError(path.name, None, None, f"cannot be read as Parquet: {str(exc)[:300]}") from None
        _check_header(path.name, data.column_names, table, limit=params.max_errors)
        return data, 0
    try:
        header = _csv_header(path, params.encoding)
        _check_header(path.name, header, table, limit=params.max_errors)
        return _read_csv(path, header, params, skip, numbers=numbers, coded=coded)
    except OSError as exc:  # issue 8: permissions or I/O errors are the user's to fix, not a traceback
        raise ContractError(
            path.name, None, None, f"cannot be read: {exc.strerror or exc}; check the file's permissions"
        ) from None


_DICTIONARY = pa.dictionary(pa.int32(), pa.string())

#: Bytes a decoded cell takes at the least (an 8-byte value and its share of offsets and validity).
MIN_CELL_BYTES = 8


def _check_parquet_size(path: Path, rows: int, columns: int) -> None:
    """Refuse a Parquet file whose declared rows cannot fit in this machine's memory once decoded.

    A Parquet file of constant columns compresses 30 million rows into less
    than a megabyte; decoding it would exhaust memory before any row could be
    checked.  The estimate (``rows x columns x 8`` bytes) is a lower bound.
    """
    need = rows * max(columns, 1) * MIN_CELL_BYTES
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):  # not POSIX: no guard
        return
    if need > total:
        raise ContractError(path.name, None, None, f"declares {rows:,} rows of {columns} columns in "
                            f"{path.stat().st_size:,} bytes; decoded they need at least {need / 2**30:.1f} GB, more "
                            f"than this machine's {total / 2**30:.1f} GB; is the file genuine? split it, or use a "
                            "machine with more memory")  # fmt: skip


def _csv_header(path: Path, encoding: str) -> list[str]:
    python_encoding = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    try:
        with path.open(encoding=python_encoding, newline="") as f:
            header = next(csv.reader(f), None)
    except UnicodeDecodeError:
        raise _encoding_error(path, encoding) from None
    except csv.Error as exc:  # issue 8: e.g. a header field over the csv module's 128 KiB limit
        raise ContractError(
            path.name, 1, None, f"the header row cannot be read as CSV ({exc}); the first line must be the column names"
        ) from None
    if not header:
        raise ContractError(path.name, 1, None, "file is empty; it needs at least a header row with column names")
    return [name.strip() for name in header]


def _check_header(file: str, names: list[str], table: Table, *, limit: int = 20) -> None:
    seen: dict[str, int] = {}
    problems = []
    repeats = 0
    for i, name in enumerate(names, start=1):
        if name in seen:
            repeats += 1
            if repeats <= max(1, limit):  # issue 8: a hostile header must not make a megabyte message
                problems.append(
                    ContractError(
                        file, 1, name, f"column name appears twice (columns {seen[name]} and {i}); rename or remove one"
                    )
                )
        seen.setdefault(name, i)
    if repeats > len(problems):
        problems.append(ContractError(file, 1, None, f"... and {repeats - len(problems)} more repeated column names"))
    if problems:
        raise ContractError(problems[0].file, 1, problems[0].column, problems[0].message, problems[1:])


def _read_csv(path: Path, header: list[str], params: ReadParams, skip: frozenset[str] = frozenset(), *,
              numbers: frozenset[str] = frozenset(), coded: frozenset[str] = frozenset(),
              part: bytes | None = None) -> tuple[pa.Table, int]:  # fmt: skip
    """Every column as text, except ``numbers``: parsed to float64 while the file is parsed, and
    ``coded``: text as dictionaries.

    ``part``: read these whole lines of the file instead (no header; see
    :func:`_read_sliced`); lines with the wrong number of fields are then
    reported from the whole file, which knows their line numbers.

    Parsing decimals in the reader costs almost nothing more than splitting
    them into text, and spares a text copy of every number (tens of millions
    of fee-line amounts) and its conversion afterwards.  It is the parser
    that converting the text would use (Arrow's), so the values are the same;
    when any value of those columns is not a plain finite number (a blank with
    spaces, ``1,5``, ``nan``), the file is read again all as text and the
    contract's conversion reports each such value as today.
    """
    names = [f"c{i}" for i in range(len(header))]
    keep = [i for i, name in enumerate(header) if name not in skip]
    bad: list[pcsv.InvalidRow] = []
    typed = {names[i] for i in keep if header[i] in numbers and header.count(header[i]) == 1}
    dictionary = {names[i] for i in keep if header[i] in coded}

    def invalid(row: pcsv.InvalidRow) -> str:
        bad.append(row)
        return "skip"

    def read(threads: bool, typed: set[str] = set()) -> pa.Table:
        return pcsv.read_csv(
            path if part is None else pa.BufferReader(part),
            read_options=pcsv.ReadOptions(
                column_names=names,
                skip_rows=1 if part is None else 0,
                use_threads=threads,
                block_size=_BLOCK_SIZE,
                encoding=params.encoding,
            ),
            parse_options=pcsv.ParseOptions(invalid_row_handler=invalid),
            convert_options=pcsv.ConvertOptions(
                column_types={
                    n: pa.float64() if n in typed else _DICTIONARY if n in dictionary else pa.string() for n in names
                },
                include_columns=[names[i] for i in keep],
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )

    try:
        data = None
        if typed:
            try:
                data = read(True, typed)
            except pa.ArrowInvalid:  # a value the float parser refuses, or a damaged file: as text, below
                data = None
            if data is not None and not all(
                pc.all(pc.is_finite(data.column(n))).as_py() in (True, None) for n in typed
            ):
                data = None  # nan or inf: unreadable values, reported from their text
            if data is None:
                bad.clear()
        if data is None:
            data = read(True)
        if bad and not params.lenient:
            if part is not None:  # the whole file knows the line numbers (and refuses it)
                _read_csv(path, header, params, skip, numbers=numbers, coded=coded)
            bad.clear()
            read(False)  # again, single-threaded, to learn the line numbers
            raise _field_count_error(path.name, bad, len(header), params.max_errors)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "decode" in str(exc).lower():
            raise _encoding_error(path, params.encoding) from None
        if "straddling" in str(exc):
            raise _long_row_error(path, header) from None
        raise ContractError(path.name, None, None, f"cannot be parsed as CSV: {str(exc)[:300]}") from None
    except UnicodeDecodeError:
        raise _encoding_error(path, params.encoding) from None
    return data.rename_columns([header[i] for i in keep]), len(bad)


def _long_row_error(path: Path, header: list[str]) -> ContractError:
    """The first line longer than a CSV parsing block, with the column where it passes that length."""
    line, length, commas = 1, 0, 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            for part in _lines_of(chunk):
                if part is None:  # a newline
                    line, length, commas = line + 1, 0, 0
                    continue
                if length + len(part) > _BLOCK_SIZE:
                    commas += part[: _BLOCK_SIZE - length].count(b",")
                    column = header[commas] if commas < len(header) else None
                    return ContractError(path.name, line, column, f"a row longer than {_BLOCK_SIZE >> 20} MB (a "
                                         "value this long is not claims data: an unclosed quote, or a file "
                                         "damaged in export?)")  # fmt: skip
                length += len(part)
                commas += part.count(b",")
    return ContractError(path.name, None, None, f"has a row longer than {_BLOCK_SIZE >> 20} MB")


def _lines_of(chunk: bytes) -> Iterator[bytes | None]:
    """The pieces of ``chunk`` between newlines, with None for each newline."""
    pieces = chunk.split(b"\n")
    for i, piece in enumerate(pieces):
        if i:
            yield None
        if piece:
            yield piece


def _field_count_error(file: str, rows: list[pcsv.InvalidRow], expected: int, limit: int) -> ContractError:
    errors = [
        ContractError(
            file,
            r.number,
            None,
            f"has {r.actual_columns} fields where the header has {expected}; quote values that "
            f'contain commas ("a,b") or remove the extra commas: {r.text[:60]!r}',
        )
        for r in rows[:limit]
    ]
    if len(rows) > limit:
        errors.append(ContractError(file, None, None, f"... and {len(rows) - limit} more such rows"))
    return ContractError(file, errors[0].row, None, errors[0].message, errors[1:])


def _encoding_error(path: Path, encoding: str) -> ContractError:
    """Where the file stops being ``encoding``, and what it probably is instead."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, line = 0, 1
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk.count(b"\n", 0, exc.start)
                sample = chunk[max(0, exc.start - 200) : exc.start + 200]
                break
            offset += len(chunk)
            line += chunk.count(b"\n")
        else:
            sample = b""
    if codecs.lookup(encoding).name != "utf-8":
        return ContractError(path.name, line, None, f"cannot be decoded as {encoding}; check --encoding")
    hint = " (looks like GBK/GB18030?)" if _decodes(sample, "gb18030") else ""
    return ContractError(
        path.name,
        line,
        None,
        f"{path.name} is not UTF-8{hint}; convert it with `iconv -f GB18030 -t UTF-8` or pass --encoding gbk",
    )


def _decodes(sample: bytes, encoding: str) -> bool:
    for start in range(4):  # the sample may begin inside a multi-byte character
        try:
            sample[start:].decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


# ----------------------------------------------------------------- typing
def _numeric_ids(raw: pa.Table, table: Table, file: str, origin: dict[str, str]) -> list[str]:
    """A note for each id column the file stores as numbers (a Parquet int64): its leading zeros are gone."""
    notes = []
    for column in table.columns:
        if column.kind != "id" or column.name not in raw.column_names:
            continue
        kind = raw.schema.field(column.name).type
        if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
            name = f"{origin[column.name]} ({column.name})" if column.name in origin else column.name
            notes.append(
                f"column {name} is stored as {kind} in {file}, but ids are text: as numbers they lose "
                "their leading zeros (0001 becomes 1) and match no id written as text; export the "
                "column as a string"
            )
    return notes


def _require_columns(raw: pa.Table, table: Table, file: str) -> None:
    """Refuse a table without a required column, listing the columns it has."""
    missing = [c for c in table.required_columns if c not in raw.column_names]
    if missing:
        found = ", ".join(raw.column_names[:30]) or "none"
        if raw.num_columns > 30:  # issue 8: a hostile header must not make a megabyte message
            found += f", ... ({raw.num_columns} columns in all)"
        errors = [
            ContractError(
                file,
                1,
                c,
                f"required column is missing (columns found: {found}); add it, or map a column to it with --mapping",
            )
            for c in missing
        ]
        raise ContractError(file, 1, missing[0], errors[0].message, errors[1:])


def _typed(
    held: list[pa.Table],
    table: Table,
    file: str,
    origin: dict[str, str],
    params: ReadParams,
    *,
    coded: frozenset[str] = frozenset(),
) -> tuple[pd.DataFrame, list[Finding]]:
    """Contract columns in contract dtypes, and the values that could not be read.

    ``held`` holds the raw table, and is emptied: each raw column is let go as
    soon as it is converted, so that at most a few columns exist twice at a time
    (tens of millions of fee lines: a raw table and its converted copy side by
    side would be the read's peak).  ``coded`` columns (checked, then released
    by the caller, or kept as ``read_claims_dir(codes=...)``) are pandas
    categoricals instead (:func:`to_codes`), or, for ids, as read
    (:func:`to_ids`).
    """
    raw = held.pop()
    _require_columns(raw, table, file)
    limit = max(1, params.max_errors)
    columns: dict[str, pd.Series] = {}
    unreadable: list[Finding] = []
    present = [c for c in table.columns + table.extra if c.name in raw.column_names]
    rows = raw.num_rows
    pending = {c.name: raw.column(c.name) for c in present}
    del raw

    def convert(column: Column) -> tuple[pd.Series, np.ndarray | None, pa.ChunkedArray | None]:
        values = pending.pop(column.name)
        if column.name in coded:
            return (to_ids(values) if column.kind == "id" else to_codes(values)), None, None
        series, bad = to_series(values, column)
        return series, bad, (values if bad is not None else None)  # the raw values quote the unreadable ones

    # Columns convert independently and Arrow's kernels release the GIL: convert them side by side.
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        converted = dict(zip([c.name for c in present], pool.map(convert, present)))
    for column in table.columns + table.extra:
        if column.name not in converted:
            if column in table.columns:  # an optional column the file does not have: all NA
                columns[column.name] = (
                    _no_text(rows)
                    if column.kind in ("id", "str", "enum")
                    else to_series(pa.nulls(rows, pa.string()), column)[0]
                )
            continue
        columns[column.name], bad, values = converted.pop(column.name)
        if bad is not None:
            unreadable += find(
                bad,
                column=column.name,
                reason=f"unreadable {column.name}",
                limit=limit,
                message=lambda rows, v=values, k=column.kind: [
                    f"cannot read {v[int(r)].as_py()!r} as {_FORMS[k]}" for r in rows
                ],
            )
    return pd.DataFrame(columns, copy=False), unreadable


__all__ = ["read_claims_dir", "locate", "time_resolution", "date_only_venues", "SkippedRowsWarning"]
