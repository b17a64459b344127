"""Split a claims directory by pooling region (统筹区), in bounded memory.

A province's settlements (hundreds of millions of claims) do not fit in memory
at once; its pooling regions do, one at a time.  :func:`partition_claims_dir`
streams a claims directory (CSV or Parquet) in record batches and writes one
complete claims directory per region under ``DEST/regions/<region>/``:

- a claim goes to the region of its venue (``facilities.region`` or
  ``pharmacies.region``); a venue without region, and a claim whose venue is in
  neither table, go to the partition ``unknown`` (whose validation then names
  the problem);
- a fee line (费用明细) follows its claim;
- persons, doctors, facilities and pharmacies: each region gets the rows its
  claims reference (patient and holder, doctor and the doctor's facility,
  venue), so each region directory passes :func:`~graphfraud.io.read.read_claims_dir`
  on its own.  A person treated in two regions is in both.

Memory stays bounded by the batch size and the bucket size, never by the
whole claims or claim_items table:

1. claims are streamed once: each batch is written to its regions' files, and
   ``(claim_id, region)`` and ``(person_id, region)`` keys go to ``B`` bucket
   files chosen by a hash of the id (a grace hash join);
2. the fee lines' ``claim_id`` column is streamed into ``B`` bucket files with
   the line's row number;
3. bucket by bucket, fee lines are joined with their claims' regions, and the
   region of every fee line is written into an on-disk array (one byte per
   line; ``numpy.memmap``); persons likewise get a bit per region;
4. fee lines and persons are streamed again and routed by those arrays, so
   every region file keeps the input's row order.

The output is deterministic: the same input and parameters give the same
files, byte for byte.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import re
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, PERSONS, PHARMACIES, Table
from graphfraud.errors import ContractError, ParamError
from graphfraud.io.arrow import lookup
from graphfraud.io.memory import peak_memory_gb
from graphfraud.io.mapping import Mapping, TableMapping, apply_mapping, load_mapping
from graphfraud.io.read import locate
from graphfraud.io.validate import refuse_skipping
from graphfraud.io.write import atomic_dir, file_sha256, owned_by
from graphfraud.params import ReadParams

#: The partition of claims whose venue has no region (or is unknown).
UNKNOWN = "unknown"
#: Rows per record batch read from an input file.
BATCH_ROWS = 1 << 20
#: Claims per bucket of the grace hash join (the bucket count follows from it).
BUCKET_CLAIMS = 2_000_000
#: Compression of the region files: they are written once and read once, so speed beats size
#: (lz4 writes and reads these tables 1.7x and 3x faster than zstd, in files 1.7x larger).
REGION_COMPRESSION = "lz4"
#: Region-file writes that may wait for the writer thread (each holds a slice of one batch).
_PENDING = 4
_TABLES = (PERSONS, FACILITIES, PHARMACIES, DOCTORS, CLAIMS, CLAIM_ITEMS)


@dataclass(frozen=True)
class Partition:
    """The result of :func:`partition_claims_dir`, also stored as ``DEST/partition.json``.

    Attributes
    ----------
    root : Path
        ``DEST``; region directories are ``root / "regions" / name``.
    regions : dict
        ``{region: {table: rows}}`` in region order (``unknown`` last).
    source : dict
        ``{file name: sha256}`` of every input file.
    buckets : int
        Buckets of the grace hash join.
    seconds : float
        Wall time of the split.
    params : dict
        ``batch_rows``, ``mapping`` and ``encoding`` of the split.
    skipped : dict
        ``{input file name: {reason: rows}}``: CSV lines with the wrong number of
        fields that the split dropped under ``--lenient`` (within ``--max-skipped``).
    """

    root: Path
    regions: dict[str, dict[str, int]]
    source: dict[str, str]
    buckets: int
    seconds: float
    params: dict[str, object] = field(default_factory=dict)
    skipped: dict[str, dict[str, int]] = field(default_factory=dict)

    def path(self, region: str) -> Path:
        """The claims directory of ``region``."""
        return self.root / "regions" / region


def partition_claims_dir(
    source: str | Path,
    dest: str | Path,
    *,
    params: ReadParams = ReadParams(),
    buckets: int | None = None,
    batch_rows: int = BATCH_ROWS,
    log: Callable[[str], None] = lambda message: None,
) -> Partition:
    """Write one claims directory per pooling region of ``source``, streaming.

    Parameters
    ----------
    source : str or Path
        A claims directory (CSV or Parquet, optionally with a ``--mapping``).
    dest : str or Path
        Written atomically: ``regions/<region>/{persons,...,claim_items}.parquet``
        and ``partition.json``.  Replaced if it exists.
    params : ReadParams, default ReadParams()
        ``mapping`` and ``encoding`` are applied while splitting; the region
        directories carry contract column names.
    buckets : int, optional
        Buckets of the grace hash join; default one per 2,000,000 claims.
    batch_rows : int, default 1,048,576
        Rows read at a time.
    log : callable
        Receives one progress line per step.

    Returns
    -------
    Partition

    Raises
    ------
    ContractError
        When a required file or column is missing, or a claim_id or person_id
        is not unique (with both row numbers).  Other rules are checked when
        each region is read.
    ParamError
        When ``buckets`` or ``batch_rows`` is not a positive int.

    Examples
    --------
    >>> import tempfile
    >>> from graphfraud.synth.toy import tiny
    >>> from graphfraud.synth import write_world
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = write_world(*tiny(), d / "in")
    >>> part = partition_claims_dir(d / "in", d / "parts")
    >>> sorted(part.regions), part.regions["350206"]["claims"] == len(tiny()[0].claims)
    (['350206'], True)
    """
    for name, value in (("buckets", buckets), ("batch_rows", batch_rows)):
        if value is not None and not (isinstance(value, int) and value >= 1):
            raise ParamError(
                f"The '{name}' parameter of partition_claims_dir must be an int >= 1. Got {value!r} instead."
            )
    start = time.perf_counter()
    reader = _Reader(Path(source), params, batch_rows)
    with atomic_dir(dest, owned=owned_by("partition.json"), inputs=[source], what="region split (--work)") as tmp:
        result = _split(reader, Path(tmp), buckets, log)
        seconds = round(time.perf_counter() - start, 3)
        part = Partition(
            Path(dest),
            result.rows,
            reader.hashes(),
            result.buckets,
            seconds,
            {"batch_rows": batch_rows, "mapping": params.mapping, "encoding": params.encoding},
            {name: {"wrong number of fields": n} for name, n in sorted(reader.dropped.items())},
        )
        _write_manifest(part, Path(tmp) / "partition.json")
    return part


def load_partition(dest: str | Path) -> Partition | None:
    """The partition stored in ``dest`` (``partition.json``), or None if there is none."""
    path = Path(dest) / "partition.json"
    if not path.is_file():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    return Partition(
        Path(dest),
        record["regions"],
        record["source"],
        record["buckets"],
        record["seconds"],
        record.get("params", {}),
        record.get("skipped", {}),
    )


def region_name(value: str | None) -> str:
    """A region code as a directory name: ``unknown`` when empty, unsafe characters as ``_``.

    >>> region_name("350206"), region_name(None), region_name(" "), region_name("../x")
    ('350206', 'unknown', 'unknown', '.._x')
    """
    text = (value or "").strip()
    if not text:
        return UNKNOWN
    return re.sub(r"[^\w.-]", "_", text)[:64]


# ------------------------------------------------------------------ reading
class _Reader:
    """Record batches of the input tables, with contract column names."""

    def __init__(self, directory: Path, params: ReadParams, batch_rows: int) -> None:
        if not directory.is_dir():
            raise ContractError(
                str(directory), None, None, "is not a directory; pass the folder that holds claims.csv etc."
            )
        self.directory, self.params, self.batch_rows = directory, params, batch_rows
        self.mapping: Mapping | None = load_mapping(params.mapping)
        self.files = {t.name: locate(directory, t) for t in _TABLES}
        self.dropped: dict[str, int] = {}  # CSV lines with the wrong number of fields (lenient), per file

    def hashes(self) -> dict[str, str]:
        return {f.name: file_sha256(f) for f in self.files.values() if f is not None}

    def rows_hint(self, table: Table) -> int:
        """Rows of a Parquet file (exact) or a CSV file (from its size)."""
        file = self.files[table.name]
        if file is None:
            return 0
        if file.suffix == ".parquet":
            return pq.ParquetFile(file).metadata.num_rows
        return file.stat().st_size // 100

    def batches(self, table: Table, columns: tuple[str, ...] | None = None) -> Iterator[pa.Table]:
        """Batches of ``table`` (contract names; only ``columns`` when given), the next one read ahead in a thread."""
        return read_ahead(self._batches(table, columns))

    def _batches(self, table: Table, columns: tuple[str, ...] | None) -> Iterator[pa.Table]:
        file = self.files[table.name]
        if file is None:
            return
        mapping = self.mapping.table(table.name) if self.mapping else TableMapping()
        mapped = mapping != TableMapping()
        wanted = None if mapped or columns is None else list(columns)
        schema: pa.Schema | None = None
        for raw in self._raw(file, wanted):
            batch = apply_mapping(raw, mapping)[0] if mapped else raw
            missing = [c for c in (columns or table.required_columns) if c not in batch.column_names]
            if missing:
                raise ContractError(
                    file.name,
                    1,
                    missing[0],
                    f"required column {missing[0]} is missing; add it, or map a column to it with --mapping",
                )
            if columns is not None:
                batch = batch.select(list(columns))
            schema = schema or batch.schema
            yield batch if batch.schema == schema else batch.cast(schema)

    def schema(self, table: Table) -> pa.Schema:
        """The schema of the batches of ``table`` (contract names), from its first batch (not read ahead)."""
        for batch in self._batches(table, None):
            return batch.schema
        return pa.schema([(name, pa.string()) for name in table.required_columns])

    def _raw(self, file: Path, columns: list[str] | None) -> Iterator[pa.Table]:
        if file.suffix == ".parquet":
            try:
                handle = pq.ParquetFile(file)
                present = [c for c in columns if c in handle.schema_arrow.names] if columns else None
                # One reader per row group: a single iter_batches over a whole file keeps allocations
                # (pyarrow 26: 2.4 GB and growing over 100M claims, against 0.7 GB flat this way).
                for group in range(handle.metadata.num_row_groups):
                    for batch in handle.iter_batches(batch_size=self.batch_rows, row_groups=[group], columns=present):
                        yield pa.Table.from_batches([batch])
            except (pa.ArrowInvalid, OSError) as exc:
                raise ContractError(file.name, None, None, f"cannot be read as Parquet: {exc}") from None
            return
        yield from self._csv(file, columns)

    def _csv(self, file: Path, columns: list[str] | None) -> Iterator[pa.Table]:
        encoding = self.params.encoding
        python_encoding = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
        with file.open(encoding=python_encoding, newline="") as f:
            header = [name.strip() for name in next(csv.reader(f), [])]
        if not header:
            raise ContractError(file.name, 1, None, "file is empty; it needs at least a header row with column names")
        include = [c for c in columns if c in header] if columns else header
        dropped = rows = 0

        def skip(row: pcsv.InvalidRow) -> str:  # a line with the wrong number of fields, under lenient
            nonlocal dropped
            dropped += 1
            return "skip"

        options = dict(
            read_options=pcsv.ReadOptions(
                column_names=header,
                skip_rows=1,
                encoding=encoding,
                block_size=min(64 << 20, max(1 << 20, self.batch_rows * 64)),
            ),
            parse_options=pcsv.ParseOptions(invalid_row_handler=skip if self.params.lenient else None),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in header},
                include_columns=include,
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
        try:
            with pcsv.open_csv(file, **options) as stream:
                for batch in stream:
                    rows += batch.num_rows
                    yield pa.Table.from_batches([batch])
        except pa.ArrowInvalid as exc:
            raise ContractError(
                file.name,
                None,
                None,
                f"cannot be parsed as CSV: {exc}; run `graphfraud validate` on it for rows and columns",
            ) from None
        refuse_skipping(
            file.name, skipped=dropped, rows=rows + dropped, findings=(), params=self.params, dropped_lines=dropped
        )
        if dropped:  # the same count on every full pass over the file
            self.dropped[file.name] = dropped


_END = object()


def read_ahead(items: Iterator[pa.Table]) -> Iterator[pa.Table]:
    """The items of ``items``, the next one fetched in a thread while the caller works on this one.

    Arrow decodes Parquet and CSV without the GIL, so reading overlaps the
    caller's work; at most two items are held at a time.  An exception of
    ``items`` is raised here, at the item where it happened.

    >>> list(read_ahead(iter([1, 2, 3])))
    [1, 2, 3]
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphfraud-read") as pool:
        pending = pool.submit(next, items, _END)
        while (item := pending.result()) is not _END:
            pending = pool.submit(next, items, _END)
            yield item


# ------------------------------------------------------------------ hashing
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def hash_strings(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A deterministic 64-bit hash of every string (null as empty), without a Python object per row.

    A polynomial hash of the bytes, finished with splitmix64; the same string
    always gives the same number, on every machine.

    >>> h = hash_strings(pa.array(["S01", "S02", "S01", None, ""]))
    >>> bool(h[0] == h[2]), bool(h[0] != h[1]), bool(h[3] == h[4])
    (True, True, True)
    """
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    arr = pc.fill_null(arr.cast(pa.large_string()), "")
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    data = arr.buffers()[2]
    lengths = np.diff(offsets)
    h = np.zeros(n, dtype=np.uint64)
    if n and offsets[-1] > offsets[0]:
        raw = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]].astype(np.uint64)
        owner_end = np.repeat(offsets[1:] - offsets[0], lengths)
        from_end = owner_end - 1 - np.arange(len(raw), dtype=np.int64)
        powers = np.cumprod(np.full(int(lengths.max()), 0x100000001B3, dtype=np.uint64))
        powers = np.concatenate([np.ones(1, dtype=np.uint64), powers[:-1]])
        with np.errstate(over="ignore"):
            terms = raw * powers[from_end]
            full = lengths > 0
            h[full] = np.add.reduceat(terms, (offsets[:-1] - offsets[0])[full])
    with np.errstate(over="ignore"):
        h ^= lengths.astype(np.uint64)
        h = (h ^ (h >> np.uint64(30))) * _MIX[0]
        h = (h ^ (h >> np.uint64(27))) * _MIX[1]
        return h ^ (h >> np.uint64(31))


class _Buckets:
    """``count`` Arrow IPC files that rows are appended to by a hash of one id column."""

    def __init__(self, folder: Path, count: int, schema: pa.Schema) -> None:
        folder.mkdir(parents=True)
        self.folder, self.count, self.schema = folder, count, schema
        self._sinks = [pa.OSFile(str(folder / f"{b:04d}.arrow"), "wb") for b in range(count)]
        self._writers = [pa.ipc.new_stream(s, schema) for s in self._sinks]

    def add(self, table: pa.Table, key: str) -> None:
        bucket = (hash_strings(table.column(key)) % np.uint64(self.count)).astype(np.int32)
        order = np.argsort(bucket, kind="stable")
        bounds = np.searchsorted(bucket[order], np.arange(self.count + 1))
        ordered = table.take(pa.array(order))
        for b in range(self.count):
            if bounds[b + 1] > bounds[b]:
                self._writers[b].write_table(ordered.slice(bounds[b], bounds[b + 1] - bounds[b]))

    def close(self) -> None:
        for w, s in zip(self._writers, self._sinks, strict=True):
            w.close()
            s.close()

    def read(self, b: int) -> pa.Table:
        with pa.OSFile(str(self.folder / f"{b:04d}.arrow"), "rb") as f:
            return pa.ipc.open_stream(f).read_all()


# ------------------------------------------------------------------ writing
class _RegionFiles:
    """One Parquet writer per (region, table), opened on first use; rows are written in a thread.

    Arrow encodes and compresses without the GIL, so writing overlaps the
    reading and routing of the next batch.  One writer thread keeps every
    file's rows in the order they were given; at most ``_PENDING`` writes wait.
    """

    def __init__(self, root: Path, names: list[str]) -> None:
        self.root, self.names = root, names
        self._writers: dict[tuple[int, str], pq.ParquetWriter] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphfraud-write")
        self._pending: deque[Future] = deque()
        self.rows: dict[str, dict[str, int]] = {}

    def write(self, region: int, table: Table, rows: pa.Table) -> None:
        key = (region, table.name)
        if key not in self._writers:
            folder = self.root / self.names[region]
            folder.mkdir(parents=True, exist_ok=True)
            self._writers[key] = pq.ParquetWriter(
                str(folder / f"{table.name}.parquet"), rows.schema, compression=REGION_COMPRESSION
            )
        self._pending.append(self._pool.submit(self._writers[key].write_table, rows))
        while len(self._pending) > _PENDING or (self._pending and self._pending[0].done()):
            self._pending.popleft().result()  # a failed write raises here
        counts = self.rows.setdefault(self.names[region], {})
        counts[table.name] = counts.get(table.name, 0) + rows.num_rows

    def split(self, table: Table, batch: pa.Table, region: np.ndarray, regions: np.ndarray | None = None) -> None:
        """Write each row of ``batch`` to the file of its ``region`` (an index per row), in row order."""
        order = np.argsort(region, kind="stable")
        sorted_region = region[order]
        present = np.unique(sorted_region) if regions is None else regions
        ordered = batch.take(pa.array(order))
        for r in present.tolist():
            lo, hi = np.searchsorted(sorted_region, [r, r + 1])
            if hi > lo:
                self.write(int(r), table, ordered.slice(lo, hi - lo))

    def close(self, schemas: dict[str, pa.Schema]) -> None:
        """Close every writer; regions with claims get an empty file for every table they lack."""
        self.drain()
        for w in self._writers.values():
            w.close()
        for name in sorted(self.rows):
            for t in _TABLES:
                path = self.root / name / f"{t.name}.parquet"
                if not path.exists():
                    pq.write_table(schemas[t.name].empty_table(), str(path), compression=REGION_COMPRESSION)
                    self.rows[name].setdefault(t.name, 0)

    def drain(self, *, raise_failure: bool = True) -> None:
        """Wait for the pending writes and stop the writer thread; a failed write raises unless told not to."""
        try:
            while self._pending:
                done = self._pending.popleft()
                if raise_failure:
                    done.result()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


# ------------------------------------------------------------------ the split
@dataclass
class _Result:
    rows: dict[str, dict[str, int]]
    buckets: int


@contextlib.contextmanager
def _step(log: Callable[[str], None], done: Callable[[], str]) -> Iterator[None]:
    """Log ``done()`` with the step's seconds and the process's peak memory so far when the step ends."""
    clock = time.perf_counter()
    yield
    log(f"{done()} in {time.perf_counter() - clock:.1f} s, peak {peak_memory_gb():.2f} GB")


def _split(reader: _Reader, tmp: Path, buckets: int | None, log: Callable[[str], None]) -> _Result:
    scratch = tmp / ".scratch"
    places = _places(reader)
    names = places.names
    n_buckets = buckets or max(1, math.ceil(reader.rows_hint(CLAIMS) / BUCKET_CLAIMS))
    files = _RegionFiles(tmp / "regions", names)
    try:
        with _step(log, lambda: f"split claims into {len(files.rows)} regions ({n_buckets} buckets)"):
            refs = _claims_pass(reader, places, files, scratch, n_buckets)
        with _step(log, lambda: "fee lines routed"):
            _items(reader, files, refs, scratch, n_buckets, len(names))
        with _step(log, lambda: "persons, doctors and venues routed"):
            _persons(reader, files, refs, scratch, n_buckets, len(names))
            _small_tables(reader, files, refs, places)
    except BaseException:
        files.drain(raise_failure=False)  # the writer thread stops; atomic_dir removes what was written
        raise
    files.close({t.name: reader.schema(t) for t in _TABLES})
    shutil.rmtree(scratch, ignore_errors=True)
    order = sorted(files.rows, key=lambda name: (name == UNKNOWN, name))
    return _Result({name: {t.name: files.rows[name].get(t.name, 0) for t in _TABLES} for name in order}, n_buckets)


@dataclass
class _Places:
    names: list[str]  # region names by index; UNKNOWN is always the last
    facility_ids: pa.Array
    facility_region: np.ndarray
    pharmacy_ids: pa.Array
    pharmacy_region: np.ndarray
    doctors: pa.Table  # the whole doctors table (small)


def _places(reader: _Reader) -> _Places:
    tables = {}
    for t, key in ((FACILITIES, "facility_id"), (PHARMACIES, "pharmacy_id")):
        parts = list(reader.batches(t))
        tables[t.name] = pa.concat_tables(parts) if parts else pa.table({key: pa.array([], pa.string())})
    regions: dict[str, list[str]] = {}
    for name, table in tables.items():
        column = table.column("region").cast(pa.string()).to_pylist() if "region" in table.column_names else []
        regions[name] = [region_name(v) for v in column] or [UNKNOWN] * table.num_rows
    names = sorted(set(regions["facilities"] + regions["pharmacies"]) - {UNKNOWN}) + [UNKNOWN]
    index = {name: i for i, name in enumerate(names)}
    doctors = list(reader.batches(DOCTORS))
    return _Places(
        names,
        tables["facilities"].column("facility_id").combine_chunks().cast(pa.string()),
        np.array([index[r] for r in regions["facilities"]], dtype=np.int32),
        tables["pharmacies"].column("pharmacy_id").combine_chunks().cast(pa.string()),
        np.array([index[r] for r in regions["pharmacies"]], dtype=np.int32),
        pa.concat_tables(doctors) if doctors else reader.schema(DOCTORS).empty_table(),
    )


@dataclass
class _Refs:
    """What the claims of each region reference, collected while streaming claims."""

    persons: _Buckets  # (person_id, region)
    claims: _Buckets  # (claim_id, region, row)
    pairs: dict[str, pa.Table] = field(default_factory=dict)  # doctor/facility/pharmacy: (id, region), distinct


def _claims_pass(reader: _Reader, places: _Places, files: _RegionFiles, scratch: Path, n_buckets: int) -> _Refs:
    unknown = len(places.names) - 1
    refs = _Refs(
        persons=_Buckets(
            scratch / "persons", n_buckets, pa.schema([("person_id", pa.string()), ("region", pa.int32())])
        ),
        claims=_Buckets(
            scratch / "claims",
            n_buckets,
            pa.schema([("claim_id", pa.string()), ("region", pa.int32()), ("row", pa.int64())]),
        ),
    )
    row = 0
    for batch in reader.batches(CLAIMS):
        region = _claim_regions(batch, places, unknown)
        files.split(CLAIMS, batch, region)
        r = pa.array(region, pa.int32())
        refs.claims.add(
            pa.table(
                {
                    "claim_id": batch.column("claim_id").cast(pa.string()),
                    "region": r,
                    "row": pa.array(np.arange(row, row + batch.num_rows)),
                }
            ),
            "claim_id",
        )
        row += batch.num_rows
        people = [batch.column("patient_id")] + (
            [batch.column("holder_id")] if "holder_id" in batch.column_names else []
        )
        # Chunks, not ChunkedArrays: pa.chunked_array would iterate those value by value.
        keys = pa.table(
            {
                "person_id": pa.chunked_array([k for c in people for k in c.cast(pa.string()).chunks]),
                "region": pa.concat_arrays([r] * len(people)),
            }
        )
        refs.persons.add(_distinct(keys.filter(pc.is_valid(keys.column("person_id")))), "person_id")
        for column in ("doctor_id", "facility_id", "pharmacy_id"):
            if column in batch.column_names:
                pairs = pa.table({"id": batch.column(column).cast(pa.string()), "region": r})
                pairs = _distinct(pairs.filter(pc.is_valid(pairs.column("id"))))
                refs.pairs[column] = (
                    _distinct(pa.concat_tables([refs.pairs[column], pairs])) if column in refs.pairs else pairs
                )
    refs.claims.close()
    refs.persons.close()
    return refs


def _claim_regions(batch: pa.Table, places: _Places, unknown: int) -> np.ndarray:
    """The region index of every claim: its facility's, else its pharmacy's, else ``unknown``."""
    region = np.full(batch.num_rows, unknown, dtype=np.int32)
    for column, ids, values in (
        ("pharmacy_id", places.pharmacy_ids, places.pharmacy_region),
        ("facility_id", places.facility_ids, places.facility_region),
    ):
        if column in batch.column_names:
            found = lookup(batch.column(column), ids, values, -1)
            region = np.where(found >= 0, found, region)
    return region


def _distinct(table: pa.Table) -> pa.Table:
    """Distinct (id, region) rows of a two-column table, in order of first appearance of the id.

    Dictionary encoding (one hash pass in Arrow) turns ids into integers, so
    that the pairs are made distinct by sorting integers, not strings.
    """
    if table.num_rows == 0:
        return table
    name, region_name_ = table.column_names
    encoded = pc.dictionary_encode(table.column(name).combine_chunks())
    regions = table.column(region_name_).to_numpy().astype(np.int64)
    width = np.int64(max(int(regions.max()) + 1, 1))
    pairs = np.unique(encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64) * width + regions)
    return pa.table(
        {
            name: encoded.dictionary.take(pa.array(pairs // width)),
            region_name_: pa.array((pairs % width).astype(np.int32)),
        }
    )


def _duplicate(file: str, column: str, ids: pa.Array, rows: np.ndarray) -> ContractError:
    """The first repeated id of a bucket as a ContractError with both row numbers (header = row 1)."""
    import pandas as pd

    order = np.argsort(rows, kind="stable")
    values = pd.Series(ids.to_pylist())[order].reset_index(drop=True)
    dup = int(np.flatnonzero(values.duplicated().to_numpy())[0])
    first = int(np.flatnonzero((values == values[dup]).to_numpy())[0])
    return ContractError(
        file,
        int(rows[order][dup]) + 2,
        column,
        f"duplicate value {values[dup]} (first seen at row {int(rows[order][first]) + 2})",
    )


def _bucket_rows(reader: _Reader, table: Table, column: str, path: Path, n_buckets: int) -> tuple[_Buckets, int]:
    """Every row's ``column`` value and row number, bucketed by the value's hash; and the row count."""
    keys = _Buckets(path, n_buckets, pa.schema([(column, pa.string()), ("row", pa.int64())]))
    n = 0
    for batch in reader.batches(table, (column,)):
        keys.add(
            pa.table(
                {column: batch.column(column).cast(pa.string()), "row": pa.array(np.arange(n, n + batch.num_rows))}
            ),
            column,
        )
        n += batch.num_rows
    keys.close()
    return keys, n


def _items(reader: _Reader, files: _RegionFiles, refs: _Refs, scratch: Path, n_buckets: int, n_regions: int) -> None:
    """Route fee lines to their claims' regions: bucket the keys, join per bucket, stream again."""
    keys, n = _bucket_rows(reader, CLAIM_ITEMS, "claim_id", scratch / "items", n_buckets)
    dtype = np.uint8 if n_regions < 255 else np.uint16
    unknown = n_regions - 1
    region_of = np.memmap(scratch / "items.region", dtype=dtype, mode="w+", shape=(max(n, 1),))
    file = reader.files["claims"].name if reader.files["claims"] else "claims"
    for b in range(n_buckets):
        claims = refs.claims.read(b)
        ids = claims.column("claim_id").combine_chunks()
        if pc.count_distinct(ids).as_py() != len(ids):
            raise _duplicate(file, "claim_id", ids, claims.column("row").to_numpy())
        lines = keys.read(b)
        region = lookup(lines.column("claim_id"), ids, claims.column("region").to_numpy(), unknown)
        region_of[lines.column("row").to_numpy()] = region.astype(dtype)  # unmatched lines: unknown
    region_of.flush()
    row = 0
    for batch in reader.batches(CLAIM_ITEMS):
        files.split(CLAIM_ITEMS, batch, np.asarray(region_of[row : row + batch.num_rows], dtype=np.int32))
        row += batch.num_rows
    del region_of


def _persons(reader: _Reader, files: _RegionFiles, refs: _Refs, scratch: Path, n_buckets: int, n_regions: int) -> None:
    """Give each region the persons its claims name (patient or holder): a bit per (person, region)."""
    keys, n = _bucket_rows(reader, PERSONS, "person_id", scratch / "person_rows", n_buckets)
    words = -(-n_regions // 64)
    bits = np.memmap(scratch / "persons.bits", dtype=np.uint64, mode="w+", shape=(max(n, 1), words))
    file = reader.files["persons"].name if reader.files["persons"] else "persons"
    for b in range(n_buckets):
        people = keys.read(b)
        ids = people.column("person_id").combine_chunks()
        if pc.count_distinct(ids).as_py() != len(ids):
            raise _duplicate(file, "person_id", ids, people.column("row").to_numpy())
        wanted = _distinct(refs.persons.read(b))
        rows = lookup(wanted.column("person_id"), ids, people.column("row").to_numpy(), -1).astype(np.int64)
        region = wanted.column("region").to_numpy()
        found = rows >= 0  # persons not in the table: the region's validation reports them
        _set_bits(bits, rows[found], region[found])
    bits.flush()
    row = 0
    for batch in reader.batches(PERSONS):
        block = np.asarray(bits[row : row + batch.num_rows])
        for r in range(n_regions):
            mask = (block[:, r >> 6] >> np.uint64(r & 63)) & np.uint64(1)
            if mask.any():
                files.write(r, PERSONS, batch.filter(pa.array(mask.astype(bool))))
        row += batch.num_rows
    del bits


def _set_bits(bits: np.ndarray, rows: np.ndarray, region: np.ndarray) -> None:
    for word in np.unique(region >> 6).tolist():
        pick = (region >> 6) == word
        r, v = rows[pick], np.left_shift(np.uint64(1), (region[pick] & 63).astype(np.uint64))
        order = np.argsort(r, kind="stable")
        r, v = r[order], v[order]
        starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
        bits[r[starts], word] |= np.bitwise_or.reduceat(v, starts)


def _small_tables(reader: _Reader, files: _RegionFiles, refs: _Refs, places: _Places) -> None:
    """Doctors, facilities and pharmacies each region's claims name (and its doctors' facilities)."""
    regions = [i for i, name in enumerate(places.names) if name in files.rows]
    pairs = {k: v for k, v in refs.pairs.items()}
    doctors = places.doctors
    doctor_ids = doctors.column("doctor_id").combine_chunks().cast(pa.string())
    for r in regions:

        def ids_of(column: str, region: int = r) -> pa.Array:
            table = pairs.get(column)
            if table is None:
                return pa.array([], pa.string())
            return table.filter(pc.equal(table.column("region"), region)).column("id").combine_chunks()

        mine = doctors.filter(pc.is_in(doctor_ids, value_set=ids_of("doctor_id")))
        files.write(r, DOCTORS, mine)
        venues = ids_of("facility_id")
        if "facility_id" in mine.column_names:
            own = mine.column("facility_id").cast(pa.string()).drop_null().combine_chunks()
            venues = pa.concat_arrays([venues, own])
        for table, column, value_set in (
            (FACILITIES, "facility_id", venues),
            (PHARMACIES, "pharmacy_id", ids_of("pharmacy_id")),
        ):
            for batch in reader.batches(table):
                files.write(
                    r, table, batch.filter(pc.is_in(batch.column(column).cast(pa.string()), value_set=value_set))
                )


def _write_manifest(part: Partition, path: Path) -> None:
    record = asdict(part)
    record["root"] = str(part.root)
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


__all__ = [
    "Partition",
    "partition_claims_dir",
    "load_partition",
    "region_name",
    "hash_strings",
    "UNKNOWN",
    "peak_memory_gb",
]
