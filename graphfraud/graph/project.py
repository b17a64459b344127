"""The co-visit projection: persons linked by repeatedly meeting at the same venue.

Two persons *co-visit* when they arrive at the same venue (facility or
pharmacy) within ``window_minutes`` of each other on the same day (for
day-resolution data: on the same day).  One meeting is chance; the staged
clinic's recruits (虚构诊疗) and the card collector's cards (职业收卡人) meet
on many days.  The projection keeps pairs that met on at least ``min_days``
distinct days.

Hubs are capped, not enumerated: each visit is paired with at most
``max_neighbours`` following arrivals at its venue, so a big hospital's busy
day costs ``O(visits x max_neighbours)``, not ``O(visits^2)``.  Each meeting is
weighed by ``1 / log(5 + visits at that venue that day)`` (busy venue-days
count less, as in FRAUDAR's column weighting) and by how close the arrivals
were (``exp(-gap / 10 min)``, minute data only).

References
----------
Hooi et al., "FRAUDAR: Bounding Graph Fraud in the Face of Camouflage", KDD 2016.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graphfraud.params import check


@dataclass(frozen=True)
class Projection:
    """Weighted person-person co-visit pairs.

    Attributes
    ----------
    pairs : DataFrame
        ``a``, ``b`` (person codes, a < b), ``days`` (distinct days met),
        ``weight`` (sum over days of the day's best meeting weight).
    params : dict
        The parameters it was built with.
    stats : dict
        ``visits``, ``meetings`` (pair-days before filtering), ``pairs`` (kept),
        ``capped_days`` (venue-days where the neighbour cap cut pairs off).
    """

    pairs: pd.DataFrame
    params: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)


def _check(window_minutes: int, max_neighbours: int, min_days: int) -> None:
    owner = "project_covisits"
    check(window_minutes >= 0, "window_minutes", owner, "an int >= 0", window_minutes)
    check(max_neighbours >= 1, "max_neighbours", owner, "an int >= 1", max_neighbours)
    check(min_days >= 1, "min_days", owner, "an int >= 1", min_days)


def meetings(
    visits: pd.DataFrame,
    *,
    window_minutes: int = 30,
    max_neighbours: int = 20,
    day_resolution: bool = False,
) -> pd.DataFrame:
    """All pair-day meetings: ``a``, ``b``, ``day``, ``weight`` (one row per pair and day).

    ``visits`` needs columns ``person``, ``venue``, ``minute``, ``day``.
    """
    v = visits[["person", "venue", "minute", "day"]]
    v = v[(v["person"] >= 0) & (v["venue"] >= 0)]
    order = np.lexsort((v["person"].to_numpy(), v["minute"].to_numpy(), v["venue"].to_numpy()))
    person = v["person"].to_numpy()[order]
    venue = v["venue"].to_numpy()[order]
    minute = v["minute"].to_numpy()[order]
    day = v["day"].to_numpy()[order]
    key = venue.astype(np.int64) * 1_000_000 + day
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    busy = 1.0 / np.log(5.0 + counts[inverse])
    chunks = []
    n = len(person)
    for j in range(1, max_neighbours + 1):
        if j >= n:
            break
        same = key[j:] == key[:-j]
        gap = minute[j:] - minute[:-j]
        if not day_resolution:
            same &= gap <= window_minutes
        if not same.any():
            break
        a, b = person[:-j][same], person[j:][same]
        w = busy[:-j][same]
        if not day_resolution:
            w = w * np.exp(-gap[same] / 10.0)
        keep = a != b
        chunks.append(
            pd.DataFrame(
                {
                    "a": np.minimum(a, b)[keep],
                    "b": np.maximum(a, b)[keep],
                    "day": day[:-j][same][keep],
                    "weight": w[keep],
                }
            )
        )
    if not chunks:
        return pd.DataFrame({"a": [], "b": [], "day": [], "weight": []}).astype(
            {"a": np.int64, "b": np.int64, "day": np.int64, "weight": np.float64}
        )
    m = pd.concat(chunks, ignore_index=True)
    return m.groupby(["a", "b", "day"], sort=True, as_index=False)["weight"].max()


def project_covisits(
    visits: pd.DataFrame,
    *,
    window_minutes: int = 30,
    max_neighbours: int = 20,
    min_days: int = 3,
    day_resolution: bool = False,
) -> Projection:
    """Build the co-visit projection of ``visits``.

    Parameters
    ----------
    visits : DataFrame
        Columns ``person``, ``venue``, ``minute`` (since an epoch), ``day``
        (as made by :func:`graphfraud.graph.build.build_visits`).
    window_minutes : int, default 30
        Largest gap between two arrivals that counts as a meeting, minutes.
        Ignored with ``day_resolution`` (then the whole day is the window).
    max_neighbours : int, default 20
        Hub cap: each visit is paired with at most this many later arrivals
        at the same venue on the same day.
    min_days : int, default 3
        Keep pairs that met on at least this many distinct days.
    day_resolution : bool, default False
        The data carry dates only (all times at midnight).

    Returns
    -------
    Projection

    Examples
    --------
    >>> v = pd.DataFrame({"person": [0, 1, 0, 1, 0, 1, 2], "venue": 0,
    ...                   "minute": [0, 2, 1440, 1443, 2880, 2881, 2990],
    ...                   "day": [0, 0, 1, 1, 2, 2, 2]})
    >>> p = project_covisits(v, min_days=3)
    >>> p.pairs[["a", "b", "days"]].values.tolist()
    [[0, 1, 3]]
    """
    _check(window_minutes, max_neighbours, min_days)
    m = meetings(
        visits,
        window_minutes=window_minutes,
        max_neighbours=max_neighbours,
        day_resolution=day_resolution,
    )
    pairs = m.groupby(["a", "b"], sort=True, as_index=False).agg(
        days=("day", "size"), weight=("weight", "sum")
    )
    pairs = pairs[pairs["days"] >= min_days].reset_index(drop=True)
    params = {
        "window_minutes": window_minutes,
        "max_neighbours": max_neighbours,
        "min_days": min_days,
        "day_resolution": day_resolution,
    }
    stats = {"visits": int(len(visits)), "meetings": int(len(m)), "pairs": int(len(pairs))}
    return Projection(pairs, params, stats)
