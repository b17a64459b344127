"""Write a synthetic world as a claims directory (CSV or Parquet), deterministically.

synth may not import :mod:`graphfraud.io`, so it carries this small writer.
CSV text is fixed: money with two decimals, times ``YYYY-MM-DD HH:MM:SS`` (dates
alone for ``date`` columns and for day-resolution worlds), quantities in their
shortest form, quotes only where needed, ``\\n`` line ends.  Every file is
written to a temporary name and renamed, so nothing half-written is left.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from graphfraud.contract import INPUT_TABLES, LABELS, ClaimsData, Table
from graphfraud.errors import ParamError
from graphfraud.synth.strings import format_money, format_number, format_price, format_times

FORMATS = ("csv", "parquet")
_ROWS = 1_000_000  # rows formatted and written at a time


def write_world(
    data: ClaimsData,
    labels: pd.DataFrame | None,
    out_dir: str | os.PathLike[str],
    *,
    fmt: str = "csv",
    drop: tuple[str, ...] = (),
) -> list[Path]:
    """Write every table of ``data`` (and ``labels``) to ``out_dir`` as ``NAME.csv`` or ``NAME.parquet``.

    Parameters
    ----------
    data : ClaimsData
        Tables with contract columns and dtypes, e.g. from :func:`~graphfraud.synth.make_world`.
    labels : DataFrame or None
        Written as ``labels.<fmt>`` unless None.
    out_dir : path
        Created if missing; existing files of the same names are replaced.
    fmt : {"csv", "parquet"}, default "csv"
    drop : tuple of str, default ()
        Optional columns (``"table.column"``) left out of the files, as a real
        export without them (see :func:`graphfraud.synth.vary.draw_variation`).

    Returns
    -------
    list of Path
        The files written, in contract order.

    Raises
    ------
    ParamError
        If ``fmt`` is not one of :data:`FORMATS`, or ``drop`` names a column
        that is not an optional column of an input table.

    Examples
    --------
    >>> import tempfile
    >>> from graphfraud.synth.toy import tiny
    >>> data, labels = tiny()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in write_world(data, labels, d)][-2:]
    ['claim_items.csv', 'labels.csv']
    """
    if fmt not in FORMATS:
        raise ParamError(
            f"The 'fmt' parameter of write_world must be one of {', '.join(FORMATS)}. Got {fmt!r} instead."
        )
    optional = {f"{t.name}.{c.name}" for t in INPUT_TABLES for c in t.columns if not c.required}
    bad = sorted(set(drop) - optional)
    if bad:
        raise ParamError(
            f"The 'drop' parameter of write_world must name optional columns (table.column). "
            f"Got {', '.join(bad)} instead."
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = [(_without(t, drop), data.table(t.name)) for t in INPUT_TABLES]
    if labels is not None:
        tables.append((LABELS, labels))
    written = []
    for table, df in tables:
        path = out / f"{table.name}.{fmt}"
        tmp = out / f".{table.name}.{fmt}.tmp"
        try:
            if fmt == "csv":
                _write_csv(table, df, tmp, date_only=data.time_resolution == "day")
            else:
                _write_parquet(table, df, tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
            pa.default_memory_pool().release_unused()
        written.append(path)
    return written


def _without(table: Table, drop: tuple[str, ...]) -> Table:
    gone = {d.split(".", 1)[1] for d in drop if d.split(".", 1)[0] == table.name}
    if not gone:
        return table
    return dataclasses.replace(table, columns=tuple(c for c in table.columns if c.name not in gone))


def _text_columns(table: Table, df: pd.DataFrame, *, date_only: bool) -> pa.Table:
    cols = {}
    for col in table.columns:
        s = df[col.name]
        if col.kind in ("id", "str", "enum"):
            arr = pa.array(s.array, type=pa.large_string())
        elif col.kind in ("date", "datetime"):
            arr = format_times(s.to_numpy(dtype="datetime64[ns]"), date_only=date_only or col.kind == "date")
        elif col.name == "unit_price":
            arr = format_price(s.to_numpy(dtype=np.float64, na_value=np.nan))
        elif col.kind in ("money", "price"):
            arr = format_money(s.to_numpy(dtype=np.float64, na_value=np.nan))
        elif col.kind == "float":
            arr = format_number(s.to_numpy(dtype=np.float64, na_value=np.nan))
        else:  # int
            arr = pa.array(s.astype("Int64").array, type=pa.int64()).cast(pa.large_string())
        cols[col.name] = arr
    return pa.table(cols)


def _write_csv(table: Table, df: pd.DataFrame, path: Path, *, date_only: bool) -> None:
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    schema = pa.schema([(c.name, pa.large_string()) for c in table.columns])
    with open(path, "wb") as sink:
        sink.write((",".join(schema.names) + "\n").encode("utf-8"))
        with pacsv.CSVWriter(sink, schema, write_options=options) as writer:
            for lo in range(0, len(df), _ROWS):
                part = _text_columns(table, df.iloc[lo : lo + _ROWS], date_only=date_only)
                writer.write_table(part.cast(schema))


def _write_parquet(table: Table, df: pd.DataFrame, path: Path) -> None:
    arrow = pa.Table.from_pandas(df[list(table.column_names[: len(table.columns)])], preserve_index=False)
    pq.write_table(arrow, str(path), compression="zstd", row_group_size=_ROWS)
