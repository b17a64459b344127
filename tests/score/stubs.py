"""Stand-ins the designated-pharmacy tests share: the slice of ``graph.build.Visits`` that steering and the drug
market read, and a group's features with no sign of identity or goods fraud."""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd

from graphfraud.score.features import Features


class StubVisits:
    """The slice of ``graph.build.Visits`` that steering and the market read: a table and, when ``venues`` is
    given, that many venue ids ``V0``, ``V1``, ..."""

    def __init__(self, table: pd.DataFrame, venues: int = 0) -> None:
        self.table = table
        if venues:
            self.venues = SimpleNamespace(ids=np.array([f"V{i}" for i in range(venues)], dtype=object))

    def column(self, name: str) -> np.ndarray:
        return self.table[name].to_numpy()


def nothing(*, private_venue: bool = False) -> Features:
    """Features with no sign of identity or goods fraud (the hard flags are measured as nothing)."""
    return Features(**{f.name: (0.0 if f.type in ("float", float) else 0) for f in dataclasses.fields(Features)}
                    | {"top_diagnosis": "", "private_venue": private_venue, "median_arrival_gap": math.nan,
                       "cycle_days": math.nan, "catchment_outside": math.nan,
                       "catchment_outside_city": math.nan})  # fmt: skip
