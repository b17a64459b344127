"""Per-claim signals defined once, for scoring (:mod:`graphfraud.score.features`) and ``peers``.

Each is a plain rule an inspector can recompute from the claims:

- :func:`split_admissions`: an inpatient stay that starts within ``days`` days
  of the same person's discharge from the same facility (分解住院);
- :func:`died_before`: a claim whose day is later than a death date of its
  patient or card holder (死亡后结算; a claim on the day itself may be genuine);
- :func:`high_value_lines`: claim lines priced at or above a unit price (高值项目).

The callers choose the population (scoring: a ring's claims; peers: an
institution's); the rule is here, and its parameters are
:class:`graphfraud.params.SignalParams` (``high_value_price``,
``split_days``), one value for both.
"""

from __future__ import annotations

import numpy as np

from graphfraud.params import SignalParams

_DEFAULT = SignalParams()


def split_admissions(person: np.ndarray, venue: np.ndarray, day: np.ndarray, end_day: np.ndarray, *,
                     stay: np.ndarray, days: int = _DEFAULT.split_days) -> np.ndarray:  # fmt: skip
    """Which rows are split admissions: a stay starting 0..``days`` days after the discharge of the
    same person's previous stay at the same venue.

    Parameters
    ----------
    person, venue : ndarray of int
        Codes per row (any dense or sparse integers; equal means the same).
    day, end_day : ndarray of int
        Admission and discharge day numbers per row; ``end_day < 0`` for an unknown discharge.
    stay : ndarray of bool
        Rows that are inpatient stays.  Stays without a known discharge are left
        out: neither flagged nor anyone's previous stay.
    days : int, default ``SignalParams().split_days``

    Returns
    -------
    ndarray of bool, one per row.

    Examples
    --------
    >>> split_admissions(np.array([1, 1, 1, 2]), np.array([5, 5, 5, 5]), np.array([0, 12, 40, 13]),
    ...                  np.array([10, 20, 45, 20]), stay=np.array([True, True, True, True])).tolist()
    [False, True, False, False]
    """
    flag = np.zeros(len(person), dtype=bool)
    rows = np.flatnonzero(stay & (end_day >= 0))
    if len(rows) < 2:
        return flag
    rows = rows[np.lexsort((day[rows], venue[rows], person[rows]))]  # stable: ties keep row order
    p, v = person[rows], venue[rows]
    same = (p[1:] == p[:-1]) & (v[1:] == v[:-1])
    gap = day[rows][1:] - end_day[rows][:-1]
    flag[rows[1:][same & (gap >= 0) & (gap <= days)]] = True
    return flag


def died_before(day: np.ndarray, *deaths: np.ndarray) -> np.ndarray:
    """Which claims fall on a day later than any of the given death dates (``NaT``: none).

    >>> d = np.array(["2024-03-02", "2024-03-01"], dtype="datetime64[D]")
    >>> died_before(d, np.array(["2024-03-01", "NaT"], dtype="datetime64[D]")).tolist()
    [True, False]
    """
    out = np.zeros(len(day), dtype=bool)
    for death in deaths:
        out |= death < day  # NaT compares False
    return out


def high_value_lines(unit_price: np.ndarray, *, price: float = _DEFAULT.high_value_price,
                     category: np.ndarray | None = None, categories: tuple[str, ...] = ()) -> np.ndarray:  # fmt: skip
    """Which claim lines are high-value: unit price >= ``price`` yuan (NaN: no), of ``categories`` when given.

    >>> high_value_lines(np.array([250.0, 80.0, np.nan])).tolist()
    [True, False, False]
    >>> high_value_lines(np.array([250.0, 250.0]), price=100, category=np.array(["drug", "consumable"]),
    ...                  categories=("consumable",)).tolist()
    [False, True]
    """
    hit = np.nan_to_num(np.asarray(unit_price, dtype=float), nan=-np.inf) >= price
    if categories:
        hit &= np.isin(np.asarray(category, dtype=object), list(categories))
    return hit
