"""Dense integer codes for external ids, always in both directions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphfraud.io.arrow import to_arrow


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
