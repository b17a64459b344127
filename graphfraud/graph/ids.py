"""Dense integer codes for external ids, always in both directions."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class IdMap:
    """External string ids <-> dense ints ``0..n-1``.

    ``ids[code]`` is the external id; :meth:`codes` maps ids to codes (``-1``
    for unknown or missing ids).  Codes follow the sorted order of the ids,
    so the same ids always get the same codes, whatever the row order.
    Lookups are hash joins in Arrow: no Python object per row.

    Examples
    --------
    >>> m = IdMap.from_values(pd.Series(["b", "a", "b"]))
    >>> m.ids.tolist(), m.codes(pd.Series(["a", "b", "z"])).tolist()
    (['a', 'b'], [0, 1, -1])
    """

    ids: np.ndarray
    arrow: pa.Array

    @classmethod
    def from_values(cls, *columns: pd.Series) -> IdMap:
        values = pa.concat_arrays([to_arrow(c) for c in columns]) if columns else pa.array([], pa.large_string())
        unique = pc.unique(values.drop_null())
        unique = pc.take(unique, pc.sort_indices(unique))
        return cls(np.asarray(unique.to_pylist(), dtype=object), unique)

    def __len__(self) -> int:
        return len(self.ids)

    def codes(self, values: pd.Series) -> np.ndarray:
        found = pc.index_in(to_arrow(values), value_set=self.arrow)
        return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)

    def lookup(self, codes: np.ndarray) -> np.ndarray:
        return self.ids[np.asarray(codes, dtype=np.int64)]


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

