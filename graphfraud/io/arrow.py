"""Arrow lookups on pandas columns: the one module of hash joins, membership and codes in Arrow.

pandas loops over a value set in Python and makes a Python object per row;
these helpers hash in Arrow instead.  Used by reading and validation (``io``),
the graph's id maps (:mod:`graphfraud.graph.ids`) and scoring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def to_arrow(values: pd.Series) -> pa.Array:
    """A pandas column as an Arrow string array (zero-copy for Arrow-backed strings)."""
    arr = pa.array(values.array) if isinstance(values, pd.Series) else pa.array(values)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string()) if not pa.types.is_large_string(arr.type) else arr


def arrow_text(values: pd.Series | pd.Index) -> pa.Array | pa.ChunkedArray:
    """A pandas column as an Arrow string array, as it is (not combined), cast to large strings unless text
    or dictionary-encoded text (kept as it is)."""
    array = pa.array(values, from_pandas=True)
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array
    if pa.types.is_dictionary(array.type) and pa.types.is_string(array.type.value_type):
        return array
    return array.cast(pa.large_string())


def row_positions(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """Position in ``keys`` (unique) of each value, ``-1`` where absent: an Arrow hash join.

    >>> row_positions(pd.Series(["c", "a", "x"]), pd.Series(["a", "b", "c"])).tolist()
    [2, 0, -1]
    """
    found = pc.index_in(to_arrow(values), value_set=to_arrow(keys))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def dense_codes(values: pd.Series) -> np.ndarray:
    """Codes ``0..k-1`` of the distinct values (first-seen order), ``-1`` for missing: Arrow hashing.

    >>> dense_codes(pd.Series(["b", None, "a", "b"])).tolist()
    [0, -1, 1, 0]
    """
    encoded = pc.dictionary_encode(to_arrow(values))
    return encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def text_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (``0..k-1`` in first-seen order, ``-1`` missing; int32) of a text column and the value of each code.

    As :func:`dense_codes`, chunk by chunk: the column is not joined into one array or cast to large
    strings first (a copy of every string: at ten million claims, twice the time).

    >>> [x.tolist() for x in text_codes(pd.Series(["b", None, "a", "b"], dtype="string[pyarrow]"))]
    [[0, -1, 1, 0], ['b', 'a']]
    """
    text = arrow_text(values)
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):  # e.g. dictionaries: decoded
        text = to_arrow(values)
    encoded = pc.dictionary_encode(text)
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    if not chunks:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=object)
    dictionary = one_dictionary(chunks)
    if dictionary is None:  # chunks with dictionaries of their own: one numbering for all
        chunks = encoded.unify_dictionaries().chunks
        dictionary = chunks[0].dictionary
    codes = [c.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False) for c in chunks]
    return np.concatenate(codes), np.asarray(dictionary.to_pylist(), dtype=object)


def one_dictionary(chunks: list[pa.DictionaryArray]) -> pa.Array | None:
    """The dictionary all ``chunks``' codes index, when each chunk's dictionary is the start of the longest one;
    else None (the chunks then need ``unify_dictionaries``).

    Arrow encodes a chunked column with one hash table: each chunk holds the whole dictionary (or the values seen
    so far), in first-seen order, and its codes are the column's already.  ``unify_dictionaries`` would then
    only compare the copies, value by value: seconds for the tens of chunks of a million persons' addresses
    (speed round 24).

    >>> column = pa.chunked_array([["b", "a"], ["a", "c"]])
    >>> one_dictionary(pc.dictionary_encode(column).chunks).to_pylist()
    ['b', 'a', 'c']
    >>> one_dictionary([pa.array(["b"]).dictionary_encode(), pa.array(["a"]).dictionary_encode()]) is None
    True
    """
    longest = max((c.dictionary for c in chunks), key=len)
    if all(c.dictionary.equals(longest.slice(0, len(c.dictionary))) for c in chunks):
        return longest
    return None


def take_text(values: pd.Series, rows: np.ndarray) -> np.ndarray:
    """``values.iloc[rows]`` as Python strings (object array), chunk by chunk.

    Taking from a many-chunk Arrow column at once first joins the chunks (a
    copy of the whole column, hundreds of MB at ten million rows); taking
    from each chunk the rows that fall in it does not.

    >>> take_text(pd.Series(["a", "b", "c"], dtype="string[pyarrow]"), np.array([2, 0])).tolist()
    ['c', 'a']
    """
    column = pa.array(values.array) if isinstance(values.array, pd.arrays.ArrowStringArray) else pa.array(values)
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    out = np.empty(len(rows), dtype=object)
    start = 0
    for chunk in chunks:
        inside = (rows >= start) & (rows < start + len(chunk))
        if inside.any():
            out[inside] = np.asarray(chunk.take(pa.array(rows[inside] - start)).to_pylist(), dtype=object)
        start += len(chunk)
    return out


def isin_values(values: pd.Series, known: pd.Series) -> np.ndarray:
    """``values.isin(known)`` as a bool array (missing values are never in), hashed in Arrow."""
    found = pc.is_in(to_arrow(values), value_set=to_arrow(known).drop_null())
    return found.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)


def isin(values: pd.Series | pd.Index, known: pd.Series | pd.Index | None) -> np.ndarray:
    """``values.isin(known)`` as a bool array, hashed in Arrow (pandas loops over ``known`` in Python)."""
    if known is None or len(known) == 0:
        return np.zeros(len(values), dtype=bool)
    left, value_set = decoded(arrow_text(values)), decoded(arrow_text(known))
    if isinstance(value_set, pa.ChunkedArray):
        value_set = value_set.combine_chunks()
    found = pc.is_in(left, value_set=value_set.cast(left.type))
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


def decoded(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Dictionary-encoded text as plain text (other text as it is)."""
    return text.cast(text.type.value_type) if pa.types.is_dictionary(text.type) else text


def positions(values: pd.Series | pd.Index, known: pd.Series | pd.Index | None) -> np.ndarray:
    """Position of each value in ``known`` (int32, ``-1`` where missing or absent), hashed in Arrow.

    ``known`` is a key (no value repeats).  Values held as Arrow dictionaries
    (:func:`graphfraud.io.convert.to_ids`) are looked up by their distinct
    values, one hash table for all chunks, and each row takes its value's
    position (a gather, no string per row).  Values in runs of one value (fee
    lines grouped by claim) are looked up a run at a time, and not at all when
    the runs are ``known`` itself, in order.

    >>> positions(pd.Series(["b", None, "z"]), pd.Series(["a", "b"])).tolist()
    [1, -1, -1]
    >>> coded = pa.chunked_array([pa.array(["b", None, "z", "b"]).dictionary_encode(), pa.array(["a"]).dictionary_encode()])
    >>> positions(pd.Series(pd.arrays.ArrowExtensionArray(coded)), pd.Series(["a", "b"])).tolist()
    [1, -1, -1, 1, 0]
    """
    if known is None or len(known) == 0:
        return np.full(len(values), -1, dtype=np.int32)
    left, value_set = arrow_text(values), decoded(arrow_text(known))
    if isinstance(value_set, pa.ChunkedArray):
        value_set = value_set.combine_chunks()
    if pa.types.is_dictionary(left.type):
        return _dictionary_positions(left, value_set)
    chunks = [c for c in (left.chunks if isinstance(left, pa.ChunkedArray) else [left]) if len(c)]
    starts = [_run_starts(c) for c in chunks]
    if sum(len(s) for s in starts) > len(values) * _MOSTLY_RUNS:  # few repeats in a row: look every row up
        found = pc.index_in(left, value_set=value_set.cast(left.type))
        return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int32)
    # Rows in runs of one value (fee lines grouped by claim): each run looked up once, its rows take its position.
    for i in range(1, len(chunks)):  # a run that goes on into the next chunk is one run
        before, after = chunks[i - 1][len(chunks[i - 1]) - 1], chunks[i][0]
        if len(starts[i]) and before.is_valid and after.is_valid and before == after:
            starts[i] = starts[i][1:]
    runs = pa.chunked_array([c.take(pa.array(s)) for c, s in zip(chunks, starts)], type=left.type)
    ends = np.concatenate(
        [s + offset for s, offset in zip(starts, np.cumsum([0] + [len(c) for c in chunks]))] + [[len(values)]]
    )
    lengths = np.diff(ends)
    del starts, ends
    if _same(runs, value_set):  # fee lines in the claims' order, every claim with some: no hashing at all
        return np.repeat(np.arange(len(value_set), dtype=np.int32), lengths)
    found = pc.fill_null(pc.index_in(runs, value_set=value_set.cast(left.type)), -1).to_numpy(zero_copy_only=False)
    return np.repeat(np.asarray(found, dtype=np.int32), lengths)


def follow(values: pa.Array | pa.ChunkedArray, keys: pa.Array | pa.ChunkedArray, start: int) -> np.ndarray | None:
    """:func:`positions` of ``values`` that are ``keys`` in order from ``start``, each repeated (fee lines in
    the claims' order), without hashing: int32, or None when they are not so.

    The first run may still be ``keys[start - 1]`` (a claim whose fee lines began in the slice before).
    A slice of fee lines is checked so against the claims, with no hash table of the claims' ids.

    >>> keys = pa.chunked_array([["C1", "C2"], ["C3", "C4"]])
    >>> follow(pa.chunked_array([["C2", "C3", "C3"], ["C4"]]), keys, 2).tolist()
    [1, 2, 2, 3]
    >>> follow(pa.array(["C2", "C4"]), keys, 1) is None  # C3 has no fee line: hashed instead
    True
    """
    values = decoded(values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values]))
    chunks = [c for c in values.chunks if len(c)]
    if not chunks:
        return np.zeros(0, dtype=np.int32)
    if values.null_count:
        return None
    starts = [_run_starts(c) for c in chunks]
    for i in range(1, len(chunks)):  # a run that goes on into the next chunk is one run
        if chunks[i - 1][len(chunks[i - 1]) - 1] == chunks[i][0]:
            starts[i] = starts[i][1:]
    runs = pa.chunked_array([c.take(pa.array(s)) for c, s in zip(chunks, starts)], type=values.type)
    ends = np.concatenate([s + at for s, at in zip(starts, np.cumsum([0] + [len(c) for c in chunks]))])
    lengths = np.diff(np.append(ends, len(values)))
    del starts, ends
    begin = start - 1 if start > 0 and runs[0].as_py() == keys[start - 1].as_py() else start
    if begin + len(runs) > len(keys):
        return None
    part = keys.slice(begin, len(runs))
    if not pc.all(pc.fill_null(pc.equal(runs.cast(part.type), part), False)).as_py():
        return None
    return np.repeat(np.arange(begin, begin + len(runs), dtype=np.int32), lengths)


def _same(runs: pa.ChunkedArray, keys: pa.Array) -> bool:
    """Whether ``runs`` are exactly ``keys``, in order (compared a chunk at a time, no null equal to anything)."""
    if len(runs) != len(keys):
        return False
    at = 0
    for chunk in runs.chunks:
        part = keys.slice(at, len(chunk))
        if not pc.all(pc.fill_null(pc.equal(chunk.cast(part.type), part), False)).as_py():
            return False
        at += len(chunk)
    return True


#: :func:`positions` looks up runs of equal values once when they are at most this share of the rows.
_MOSTLY_RUNS = 0.75


def _run_starts(chunk: pa.Array) -> np.ndarray:
    """Rows of ``chunk`` where a run of equal values begins (a null is a run of its own)."""
    if len(chunk) < 2:
        return np.zeros(len(chunk), dtype=np.int64)
    changed = pc.fill_null(pc.not_equal(chunk.slice(1), chunk.slice(0, len(chunk) - 1)), True)
    return np.flatnonzero(np.r_[True, changed.to_numpy(zero_copy_only=False)])


def increasing(text: pa.Array | pa.ChunkedArray) -> bool:
    """Whether text has no null and every value is greater (in byte order) than the one before: no value repeats.

    >>> increasing(pa.chunked_array([["A1", "A2"], ["A3"]])), increasing(pa.chunked_array([["A1", "A3"], ["A3"]]))
    (True, False)
    """
    if text.null_count:
        return False
    last = None
    for chunk in text.chunks if isinstance(text, pa.ChunkedArray) else [text]:
        if not len(chunk):
            continue
        if last is not None and not pc.less(last, chunk[0]).as_py():
            return False
        if len(chunk) > 1 and not pc.all(pc.less(chunk.slice(0, len(chunk) - 1), chunk.slice(1))).as_py():
            return False
        last = chunk[len(chunk) - 1]
    return True


def _dictionary_positions(values: pa.Array | pa.ChunkedArray, value_set: pa.Array) -> np.ndarray:
    """:func:`positions` of dictionary-encoded ``values``: the chunks' dictionaries looked up in one call."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    dictionaries = pa.chunked_array([c.dictionary for c in chunks], type=values.type.value_type)
    found = pc.fill_null(pc.index_in(dictionaries, value_set=value_set.cast(dictionaries.type)), -1)
    found = np.append(np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int32), np.int32(-1))
    out = np.empty(len(values), dtype=np.int32)
    row = first = 0
    for chunk in chunks:
        codes = pc.fill_null(chunk.indices.cast(pa.int64()), -1).to_numpy(zero_copy_only=False)
        codes = np.where(codes >= 0, codes + first, len(found) - 1)  # -1 (a null row) takes the appended -1
        out[row : row + len(chunk)] = found[codes]
        row, first = row + len(chunk), first + len(chunk.dictionary)
    return out


def lookup(ids: pa.ChunkedArray | pa.Array, value_set: pa.Array, values: np.ndarray, missing: int) -> np.ndarray:
    """``values`` at the position of each id in ``value_set``; ``missing`` where absent or null."""
    pos = pc.index_in(ids.cast(pa.string()), value_set=value_set)
    pos = pc.fill_null(pos, -1).to_numpy(zero_copy_only=False)
    out = np.full(len(pos), missing, dtype=np.int32)
    found = pos >= 0
    out[found] = values[pos[found]]
    return out
