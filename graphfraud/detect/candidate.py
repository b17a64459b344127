"""What every detector returns: a candidate group, before scoring."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Candidate:
    """A group of entities one detector found together, with the claims behind it.

    Attributes
    ----------
    detector : str
        ``NAME`` of the detector that produced it.
    persons : ndarray of int
        Person codes (``ClaimGraph.visits.persons``), sorted.
    claims : ndarray of int
        Row positions in ``claims`` of the suspect claims, sorted.
    evidence : dict
        Detector-specific numbers (e.g. ``{"doctor": 12, "pharmacy": 40,
        "share": 0.71, "lift": 9.3}``); scoring reads them.
    params : dict
        The detector's parameters, for provenance.
    """

    detector: str
    persons: np.ndarray
    claims: np.ndarray
    evidence: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)


def uncovered(groups: list[np.ndarray], covers: list[np.ndarray]) -> list[np.ndarray]:
    """The ``groups`` that share less than half of their persons with every one of ``covers`` at least as big.

    A cover smaller than the group is a piece of the same ring that other
    tests cut (an organisation's devotion or chance test), not a better view
    of it: dropping the group for it lost the rest of the ring.  Both stay, and
    scoring keeps the better of two overlapping rings.

    >>> [g.tolist() for g in uncovered([np.array([1, 2, 3]), np.array([7, 8])], [np.array([1, 2, 5])])]
    [[7, 8]]
    >>> [g.tolist() for g in uncovered([np.array([1, 2, 3, 4, 6])], [np.array([1, 2, 5])])]
    [[1, 2, 3, 4, 6]]
    """
    holders: dict[int, list[int]] = {}  # person -> the covers that hold them (no pairwise intersections)
    for j, c in enumerate(covers):
        for person in np.unique(c).tolist():
            holders.setdefault(person, []).append(j)
    sizes = np.array([len(np.unique(c)) for c in covers], dtype=np.int64)
    out = []
    for g in groups:
        shared = np.zeros(len(covers), dtype=np.int64)
        for person in np.unique(g).tolist():
            for j in holders.get(person, ()):
                shared[j] += 1
        if not len(covers) or not ((shared * 2 >= len(g)) & (sizes >= len(g))).any():
            out.append(g)
    return out


def group_candidates(
    name: str,
    visits: pd.DataFrame,
    groups: list[np.ndarray],
    pairs: pd.DataFrame,
    *,
    min_event_persons: int,
    params: dict,
    day_column: str = "day",
) -> list[Candidate]:
    """Turn person groups into candidates with the claims of their ring events."""
    if not groups:
        return []
    n = int(max(g.max() for g in groups)) + 1
    group_of = np.full(max(n, int(visits["person"].max()) + 1), -1, dtype=np.int64)
    for i, g in enumerate(groups):
        group_of[g] = i
    person = visits["person"].to_numpy()
    gp = group_of[person]
    inside = (gp >= 0) & (person >= 0)  # a visit of an unknown person (-1) is in no group
    mine = visits[inside].assign(group=gp[inside])
    size = mine.groupby(["group", "venue", day_column])["person"].transform("nunique")
    events = mine[size.to_numpy() >= min_event_persons]
    pg_a = group_of[pairs["a"].to_numpy()]
    pg_b = group_of[pairs["b"].to_numpy()]
    inner = pairs[(pg_a == pg_b) & (pg_a >= 0)].assign(group=pg_a[(pg_a == pg_b) & (pg_a >= 0)])
    # Each group's rows as one slice (stable sorts keep the row order within a group).
    order = np.argsort(events["group"].to_numpy(), kind="stable")
    ev_group = events["group"].to_numpy()[order]
    claim = events["claim"].to_numpy()[order]
    venue = events["venue"].to_numpy()[order].astype(np.int64)
    day = events[day_column].to_numpy()[order].astype(np.int64)
    place = (venue - venue.min()) * (int(day.max() - day.min()) + 1) + (day - day.min()) if len(venue) else venue
    inner = inner.iloc[np.argsort(inner["group"].to_numpy(), kind="stable")]
    link_days = inner["days"]
    ids = np.arange(len(groups))
    ev_lo, ev_hi = np.searchsorted(ev_group, ids, side="left"), np.searchsorted(ev_group, ids, side="right")
    pair_group = inner["group"].to_numpy()
    ln_lo, ln_hi = np.searchsorted(pair_group, ids, side="left"), np.searchsorted(pair_group, ids, side="right")
    out = []
    for i, g in enumerate(groups):
        lo, hi = ev_lo[i], ev_hi[i]
        if lo == hi:
            continue
        n_links = int(ln_hi[i] - ln_lo[i])
        evidence = {
            "pairs": n_links,
            "mean_days": float(link_days.iloc[ln_lo[i] : ln_hi[i]].mean()) if n_links else 0.0,
            "events": int(len(np.unique(place[lo:hi]))),
        }
        out.append(Candidate(name, np.sort(g), np.sort(claim[lo:hi]), evidence, dict(params)))
    return out
