"""Dense integer codes for external ids, always in both directions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class IdMap:
    """External string ids <-> dense ints ``0..n-1``.

    ``ids[code]`` is the external id; :meth:`codes` maps ids to codes (``-1``
    for unknown ids).  Codes follow the sorted order of the ids, so the same
    ids always get the same codes (determinism does not depend on row order).

    Examples
    --------
    >>> m = IdMap.from_values(pd.Series(["b", "a", "b"]))
    >>> m.ids.tolist(), m.codes(pd.Series(["a", "b", "z"])).tolist()
    (['a', 'b'], [0, 1, -1])
    """

    ids: np.ndarray

    @classmethod
    def from_values(cls, *columns: pd.Series) -> IdMap:
        values = pd.concat([c.dropna().astype(str) for c in columns], ignore_index=True)
        return cls(np.sort(values.unique().astype(object)))

    def __len__(self) -> int:
        return len(self.ids)

    def codes(self, values: pd.Series) -> np.ndarray:
        idx = pd.Index(self.ids)
        return idx.get_indexer(values.astype(object).where(values.notna(), None)).astype(np.int64)

    def lookup(self, codes: np.ndarray) -> np.ndarray:
        return self.ids[np.asarray(codes, dtype=np.int64)]
