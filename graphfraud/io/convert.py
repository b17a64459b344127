"""Vectorised conversion of text columns to contract kinds.

Every function takes a pyarrow array of strings (as read from a CSV file, or a
Parquet column already of the right type) and returns a pandas Series in the
contract dtype (:data:`graphfraud.contract.DTYPES`).  A value that cannot be
read becomes NA; the caller compares NA positions with the input to find and
report unreadable values (:func:`unreadable`).  Nothing here loops over rows in
Python: a fast whole-column cast is tried first and an element-wise fallback,
still in Arrow, runs only when the cast fails.

Accepted forms (explicit, nothing guessed):

``datetime``  ``2024-03-05 09:41:00``, ``2024-03-05T09:41:00``, the same
              without seconds, or a date alone (``2024-03-05``, midnight)
``date``      the same forms; the time of day is dropped
``money``     a decimal number with a dot (``1234.5``), rounded to 2 decimals
``price``     a decimal number with a dot (``0.445``), every decimal kept
``float``     a decimal number with a dot
``int``       a whole number (``3`` or ``3.0``)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphfraud.contract import DTYPES, ID_DTYPE, Column

#: Lengths of the accepted time forms: date, date + hh:mm, date + hh:mm:ss.
_TIME_LENGTHS = pa.array([10, 16, 19], pa.int32())
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d")
# ISO 8601 fractional seconds (2024-03-05 09:41:26.434): cut to the second (the contract's times are to the second)
_FRACTION = r"^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})[.,]\d{1,9}$"
_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"

Array = pa.Array | pa.ChunkedArray

#: Times and dates outside [1900-01-01, 2101-01-01) are unreadable (a typo such as 2999, or 1600, which
#: nanosecond timestamps cannot even hold); whole numbers beyond +-2**53 (no exact float) are unreadable.
TIME_BOUNDS = (pa.scalar(-2208988800, pa.timestamp("s")), pa.scalar(4133980800, pa.timestamp("s")))
INT_BOUNDS = (pa.scalar(-(2.0**53)), pa.scalar(2.0**53))


def _within(values: pa.ChunkedArray, bad: np.ndarray | None,
            bounds: tuple[pa.Scalar, pa.Scalar]) -> tuple[pa.ChunkedArray, np.ndarray | None]:  # fmt: skip
    """``values`` with those outside ``[low, high)`` made null, and ``bad`` with them marked unreadable.

    >>> times, bad = _within(*parse_times(pa.array(["2024-03-05", "2999-01-02", "1600-01-01"])), TIME_BOUNDS)
    >>> times.to_pylist()[1:], bad.tolist()
    ([None, None], [False, True, True])
    """
    outside = pc.fill_null(pc.or_(pc.less(values, bounds[0]), pc.greater_equal(values, bounds[1])), False)
    if not pc.any(outside).as_py():
        return values, bad
    extra = outside.to_numpy(zero_copy_only=False)
    return _chunked(pc.if_else(outside, pa.scalar(None, values.type), values)), extra if bad is None else bad | extra


def to_codes(values: Array) -> pd.Series:
    """Text as a pandas categorical: each distinct value cleaned once (as :func:`clean_text`), no string per row.

    For text a caller checks but does not keep (``read_claims_dir(skip=...)``):
    ``values`` may be Arrow dictionaries (a Parquet dictionary column, a CSV
    column read as dictionary) or plain strings (encoded here).  Values equal
    after trimming share one category; blank values are NA.

    >>> to_codes(pa.array([" drug", "lab", None, "drug ", "　"])).tolist()
    ['drug', 'lab', nan, 'drug', nan]
    """
    values = _chunked(values)
    if not pa.types.is_dictionary(values.type):
        values = _chunked(pc.dictionary_encode(_as_text(values)))
    values = values.unify_dictionaries()
    chunks = values.chunks or [pa.array([], pa.dictionary(pa.int32(), pa.string()))]
    dictionary = clean_text(chunks[0].dictionary)  # the same for every chunk now
    recoded = pc.dictionary_encode(dictionary).combine_chunks()  # cleaned values that became equal: one code
    new_code = recoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
    new_code = np.append(new_code, np.int32(-1))  # a null row (index -1 below) stays NA
    old = pa.chunked_array([c.indices for c in chunks]).cast(pa.int32())
    codes = new_code[pc.fill_null(old, -1).to_numpy()]
    categories = pd.Index(recoded.dictionary.to_pylist(), dtype=object)
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories))


def to_ids(values: Array) -> pd.Series:
    """Ids a caller checks but does not keep, as read (Arrow text or dictionaries): no copy to pandas text.

    For foreign keys that ``read_claims_dir(skip=...)`` checks and releases.
    Read as dictionaries, each chunk's distinct ids are held once and a row is
    a code into them, so the foreign-key check hashes the distinct ids only
    (:func:`graphfraud.io.arrow.positions`); read as text, the column is not
    copied into pandas' large strings (hundreds of megabytes for tens of
    millions of fee lines).  When some value may need trimming or is blank,
    the ids are cleaned text as :func:`to_series` makes them (the same values
    either way).

    >>> ids = to_ids(pa.chunked_array([pa.array(["H1", "H2", "H1", None]).dictionary_encode()]))
    >>> str(ids.dtype), ids.tolist()
    ('dictionary<values=string, indices=int32, ordered=0>[pyarrow]', ['H1', 'H2', 'H1', <NA>])
    >>> str(to_ids(pa.array(["C1", None])).dtype)
    'string[pyarrow]'
    >>> to_ids(pa.array([" H1", "H1"]).dictionary_encode()).tolist()  # trimmed: as text
    ['H1', 'H1']
    """
    values = _chunked(values)
    coded = pa.types.is_dictionary(values.type)
    text = values.type.value_type if coded else values.type
    if pa.types.is_string(text) or pa.types.is_large_string(text):
        edges = _edges(pa.chunked_array([c.dictionary for c in values.chunks], type=text) if coded else values)
        if edges is not None and not edges[0] and not edges[1]:
            return pd.Series(pd.arrays.ArrowExtensionArray(values))
    return _pandas(clean_text(values), ID_DTYPE)


def to_series(values: Array, column: Column) -> tuple[pd.Series, np.ndarray | None]:
    """Convert one column to its contract dtype, and find the values that cannot be read.

    Parameters
    ----------
    values : pyarrow Array or ChunkedArray
        Strings (nulls for empty cells), or values already of a fitting type
        (Parquet timestamps, numbers).
    column : Column
        The contract column, whose ``kind`` chooses the conversion.

    Returns
    -------
    series : Series
        In ``DTYPES[column.kind]``; unreadable values are NA.  Text is stripped
        of surrounding white space, and blank text is NA.
    unreadable : ndarray of bool or None
        True where a value was given but could not be read; None when every
        value was read.

    Examples
    --------
    >>> from graphfraud.contract import CLAIMS
    >>> series, bad = to_series(pa.array(["12.346", None, "x"]), CLAIMS.column("total_amount"))
    >>> series.tolist(), bad.tolist()
    ([12.35, nan, nan], [False, False, True])
    >>> to_series(pa.array(["2024-03-05", "2024-02-30"]), CLAIMS.column("start_time"))[0].tolist()
    [Timestamp('2024-03-05 00:00:00'), NaT]
    """
    kind = column.kind
    if kind in ("id", "str", "enum"):
        return _pandas(clean_text(values), ID_DTYPE), None
    if kind in ("date", "datetime"):
        times, bad = _within(*parse_times(values), TIME_BOUNDS)
        if kind == "date":
            times = pc.floor_temporal(times, unit="day")
        return _pandas(times.cast(pa.timestamp("ns")), DTYPES[kind]), bad
    numbers, bad = parse_numbers(values)
    if kind == "money":
        numbers = pc.round(numbers, 2)
    if kind == "int":
        numbers, bad = _within(numbers, bad, INT_BOUNDS)
        fraction = pc.fill_null(pc.not_equal(numbers, pc.floor(numbers)), False)
        if pc.any(fraction).as_py():
            numbers = pc.if_else(fraction, pa.scalar(None, pa.float64()), numbers)
            extra = fraction.to_numpy(zero_copy_only=False)
            bad = extra if bad is None else bad | extra
        return _pandas(pc.cast(numbers, pa.int64()), DTYPES[kind]), bad
    return _pandas(numbers, DTYPES[kind]), bad


def clean_text(values: Array) -> pa.ChunkedArray:
    """Strings without surrounding white space (also U+3000); blank becomes null.

    >>> clean_text(pa.array([" 007 ", "\u3000", None, "A"])).to_pylist()
    ['007', None, None, 'A']
    """
    text = _as_text(values, large=True)  # pandas keeps large_string: no copy on the way there
    edges = _edges(text)
    if edges is None or edges[0]:  # white space may be at an edge: trim every value (a copy)
        trimmed = pc.utf8_trim_whitespace(text)
        if pc.sum(pc.binary_length(trimmed)) == pc.sum(pc.binary_length(text)):
            trimmed = text  # nothing to trim: keep the original buffers (no copy)
        blank = pc.equal(pc.binary_length(trimmed), 0)
        any_blank = pc.any(blank).as_py()
    else:  # nothing to trim (the common case): keep the original buffers, no copy
        trimmed, any_blank = text, edges[1]
        if any_blank:
            blank = pc.equal(pc.binary_length(trimmed), 0)
    if any_blank:
        trimmed = pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed)
    return _chunked(trimmed)


def _edges(text: pa.ChunkedArray) -> tuple[bool, bool] | None:
    """Whether any value of ``string`` or ``large_string`` text may start or end with white space, and whether any
    is empty.

    Reads the first and last byte of every value straight from the Arrow
    buffers (two gathers, no string copied).  White space in UTF-8 starts with
    a byte <= 0x20 or >= 0x80 and ends with one <= 0x20 or >= 0x80, so an edge
    byte outside 0x21-0x7E means "may need trimming" (then the caller trims
    every value); nothing is missed.  None when the buffers cannot be read so.

    >>> _edges(pa.chunked_array([pa.array(["A1", None, "B"], pa.large_string())]))
    (False, False)
    >>> _edges(pa.chunked_array([pa.array(["A1 ", ""], pa.large_string())]))
    (True, True)
    >>> _edges(pa.chunked_array([pa.array(["\u5f20\u4e09"], pa.large_string())]))  # non-ASCII: may be U+3000
    (True, False)
    >>> _edges(pa.chunked_array([pa.array(["A1", " B"], pa.string())]))
    (True, False)
    """
    edge, empty = False, False
    for chunk in text.chunks:
        if len(chunk) == 0:
            continue
        if pa.types.is_large_string(chunk.type):
            width: type[np.integer] = np.int64
        elif pa.types.is_string(chunk.type):
            width = np.int32
        else:
            return None
        _, offsets_buffer, data_buffer = chunk.buffers()
        offsets = np.frombuffer(
            offsets_buffer, dtype=width, count=len(chunk) + 1, offset=chunk.offset * np.dtype(width).itemsize
        )
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        valid = pc.is_valid(chunk).to_numpy(zero_copy_only=False) if chunk.null_count else None
        if valid is not None:
            filled &= valid
        empty = empty or bool(((ends == starts) & valid).any() if valid is not None else (ends == starts).any())
        if data_buffer is None or not filled.any():
            continue
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        first, last = data[starts[filled]], data[ends[filled] - 1]
        if ((first - 0x21) > 0x5D).any() or ((last - 0x21) > 0x5D).any():  # uint8 wraps: outside 0x21-0x7E
            edge = True
    return edge, empty


def parse_times(values: Array) -> tuple[pa.ChunkedArray, np.ndarray | None]:
    """Parse local ISO 8601 times (explicit forms only) to ``timestamp[s]``.

    Returns the times (null where unreadable) and the unreadable mask (None if
    every value was read).  Fractions of a second (text, or Parquet timestamps in
    milli-, micro- or nanoseconds) are cut to the second.

    >>> times, bad = parse_times(pa.array(["2024-03-05T09:41:00", "2024-03-05 09:41", "05/03/2024"]))
    >>> times.to_pylist(), bad.tolist()
    ([datetime.datetime(2024, 3, 5, 9, 41), datetime.datetime(2024, 3, 5, 9, 41), None], [False, False, True])
    >>> parse_times(pa.array(["2024-03-05 09:41:26.434", "2024-03-05T09:41:26,5"]))[0].to_pylist()
    [datetime.datetime(2024, 3, 5, 9, 41, 26), datetime.datetime(2024, 3, 5, 9, 41, 26)]
    """
    values = _chunked(values)
    if pa.types.is_timestamp(values.type):
        if values.type.tz is not None:
            return _local(values), None
        return _chunked(pc.cast(pc.floor_temporal(values, unit="second"), pa.timestamp("s"))), None
    if pa.types.is_date(values.type):
        return values.cast(pa.timestamp("s")), None
    text = _as_text(values)
    lengths = pc.drop_null(pc.utf8_length(text))
    if pc.all(pc.is_in(lengths, value_set=_TIME_LENGTHS)).as_py():
        try:
            return _chunked(pc.cast(text, pa.timestamp("s"))), None
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    text = _as_text(clean_text(text))  # the slow path works on plain strings
    if len(lengths) and pc.max(lengths).as_py() > 19:
        text = _chunked(pc.replace_substring_regex(text, _FRACTION, r"\1"))
    times = _parse_times_slowly(text)
    return times, _unread(text, times)


def _parse_times_slowly(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Element-wise: try each format, then keep only values that print back unchanged.

    ``strptime`` rolls impossible dates over (``2024-02-30`` -> 1 March) and
    accepts unpadded fields; printing the result back and comparing with the
    input (padded to full length) rejects both.
    """
    parsed = pa.chunked_array([pa.nulls(len(text), pa.timestamp("s"))])
    for fmt in _TIME_FORMATS:
        parsed = pc.coalesce(parsed, pc.strptime(text, format=fmt, unit="s", error_is_null=True))
    length = pc.utf8_length(text)
    canonical = pc.replace_substring(text, "T", " ", max_replacements=1)
    canonical = pc.if_else(pc.equal(length, 10), pc.binary_join_element_wise(canonical, " 00:00:00", ""), canonical)
    canonical = pc.if_else(pc.equal(length, 16), pc.binary_join_element_wise(canonical, ":00", ""), canonical)
    printed = pc.strftime(parsed, format="%Y-%m-%d %H:%M:%S")
    same = pc.fill_null(pc.equal(printed, canonical), False)
    return _chunked(pc.if_else(same, parsed, pa.scalar(None, pa.timestamp("s"))))


def parse_numbers(values: Array) -> tuple[pa.ChunkedArray, np.ndarray | None]:
    """Parse decimal numbers with a dot to float64; anything else is null and unreadable.

    >>> numbers, bad = parse_numbers(pa.array(["1.5", " 2 ", "1,5", "nan", None]))
    >>> numbers.to_pylist(), bad.tolist()
    ([1.5, 2.0, None, None, None], [False, False, True, True, False])
    """
    values = _chunked(values)
    if pa.types.is_integer(values.type) or pa.types.is_floating(values.type) or pa.types.is_decimal(values.type):
        text, numbers = values, values.cast(pa.float64())
    else:
        text = _as_text(values)
        try:
            numbers = pc.cast(text, pa.float64())
        except pa.ArrowInvalid:
            text = _as_text(clean_text(text))  # the slow path works on plain strings
            ok = pc.match_substring_regex(text, _NUMBER)
            numbers = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())
    finite = pc.is_finite(numbers)
    if pc.all(pc.fill_null(finite, True)).as_py():
        return _chunked(numbers), _unread(text, numbers) if numbers.null_count != text.null_count else None
    numbers = _chunked(pc.if_else(finite, numbers, pa.scalar(None, pa.float64())))
    return numbers, _unread(text, numbers)


def _unread(given: pa.ChunkedArray, result: pa.ChunkedArray) -> np.ndarray | None:
    """True where ``given`` has a value and ``result`` has none; None if nowhere."""
    if result.null_count == given.null_count:
        return None
    mask = pc.and_(pc.is_valid(given), pc.is_null(result))
    return _chunked(mask).to_numpy()


def _as_text(values: Array, *, large: bool = False) -> pa.ChunkedArray:
    """Values as Arrow text: ``string``, or ``large_string`` (what pandas holds) with ``large``."""
    values = _chunked(values)
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    target = pa.large_string() if large else pa.string()
    return values if values.type == target else values.cast(target)


def _local(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Zone-aware Parquet timestamps become local (Asia/Shanghai) wall-clock time."""
    whole = pc.floor_temporal(values, unit="second")  # fractions of a second cut, as for local times
    return _chunked(
        pc.local_timestamp(
            pc.cast(whole, pa.timestamp("s", tz=values.type.tz)).cast(pa.timestamp("s", tz="Asia/Shanghai"))
        )
    )


def _chunked(values: Array) -> pa.ChunkedArray:
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])


def _pandas(values: Array, dtype: object) -> pd.Series:
    values = _chunked(values)
    if dtype is ID_DTYPE:
        return pd.Series(values.to_pandas(types_mapper={pa.string(): ID_DTYPE, pa.large_string(): ID_DTYPE}.get))
    if str(dtype) == "Int64":
        return pd.Series(values.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get))
    return pd.Series(values.to_pandas()).astype(dtype)  # type: ignore[call-overload]
