"""A columnar accumulator of claims before money, ids and text are attached."""

from __future__ import annotations

import numpy as np

VISIT_TYPES = ["outpatient", "inpatient", "pharmacy", "chronic"]
OUT, INP, PHA, CHR = range(4)
FLAVOURS = [
    "ord_out",
    "ord_pharm",
    "inpatient",
    "chronic",
    "lab",
    "staged",
    "collector",
    "induced",
    "dialysis",
    "checkup",
    "rehab",
    "chemo",
    "dtp",
    "steered",
    "vaccine",
]
F = {name: i for i, name in enumerate(FLAVOURS)}
COLUMNS = ("pid", "fac", "pha", "doc", "vtype", "t", "los", "flavour", "diag", "holder", "tag")


class Claims:
    """Append batches of claims as arrays; ``frame`` concatenates them once at the end."""

    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, pid, *, t, vtype, flavour, diag, fac=-1, pha=-1, doc=-1, los=0, holder=-1, tag="") -> None:
        pid = np.asarray(pid, dtype=np.int64).ravel()
        n = len(pid)
        if n == 0:
            return

        def col(v, dtype):
            a = np.asarray(v, dtype=dtype)
            return np.broadcast_to(a, (n,)).copy() if a.ndim == 0 else a.ravel()

        self.parts.append(
            {
                "pid": pid,
                "fac": col(fac, np.int64),
                "pha": col(pha, np.int64),
                "doc": col(doc, np.int64),
                "vtype": col(vtype, np.int8),
                "t": col(t, np.int64),
                "los": col(los, np.int64),
                "flavour": col(flavour, np.int8),
                "diag": col(diag, object),
                "holder": col(holder, np.int64),
                "tag": col(tag, object),
            }
        )

    def frame(self) -> dict[str, np.ndarray]:
        return {c: np.concatenate([p[c] for p in self.parts]) for c in COLUMNS}
