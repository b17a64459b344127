"""A batch of synthetic claims as parallel numpy arrays, before ids and items exist.

Every generator (ordinary care, each typology, each benign group) returns a
:class:`Batch`; the world concatenates them, sorts by time and only then turns
them into contract tables.  Times are whole minutes since the period start.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from graphfraud.contract import VISIT_TYPES

OUTPATIENT, INPATIENT, PHARMACY, CHRONIC = (
    VISIT_TYPES.index(v) for v in ("outpatient", "inpatient", "pharmacy", "chronic")
)
DAY = 1440  # minutes


@dataclass
class Batch:
    """Claims of one generator.  Venue indices are -1 where absent.

    ``profile`` selects the fee-line recipe (see :mod:`graphfraud.synth.items`),
    ``scale`` multiplies line quantities (padding), ``days`` is the length of
    stay for per-day lines, ``group`` the planted group (-1: ordinary care).
    """

    patient: np.ndarray
    holder: np.ndarray
    facility: np.ndarray
    pharmacy: np.ndarray
    doctor: np.ndarray
    visit_type: np.ndarray
    start: np.ndarray
    end: np.ndarray
    diagnosis: np.ndarray
    terminal: np.ndarray
    profile: np.ndarray
    scale: np.ndarray
    days: np.ndarray
    group: np.ndarray

    def __len__(self) -> int:
        return len(self.patient)

    def take(self, index: np.ndarray) -> Batch:
        return Batch(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


_DTYPES = {
    "patient": np.int32,
    "holder": np.int32,
    "facility": np.int32,
    "pharmacy": np.int32,
    "doctor": np.int32,
    "visit_type": np.int8,
    "start": np.int64,
    "end": np.int64,
    "diagnosis": np.int16,
    "terminal": np.int16,
    "profile": np.int8,
    "scale": np.float32,
    "days": np.int16,
    "group": np.int16,
}
_DEFAULTS = {
    "holder": -1,
    "facility": -1,
    "pharmacy": -1,
    "doctor": -1,
    "end": -1,
    "diagnosis": -1,
    "terminal": 0,
    "scale": 1.0,
    "days": 0,
    "group": -1,
}


def batch(**columns: object) -> Batch:
    """A :class:`Batch` from arrays or scalars; missing columns take their defaults.

    >>> b = batch(patient=[3, 4], visit_type=OUTPATIENT, start=[600, 605], profile=0, facility=1)
    >>> len(b), b.pharmacy.tolist(), b.facility.tolist()
    (2, [-1, -1], [1, 1])
    """
    n = len(np.atleast_1d(columns["patient"]))  # type: ignore[arg-type]
    out = {}
    for name, dtype in _DTYPES.items():
        value = columns.get(name, _DEFAULTS.get(name))
        if value is None:
            raise TypeError(f"batch() needs column {name!r}")
        arr = np.asarray(value)
        out[name] = np.full(n, arr, dtype=dtype) if arr.ndim == 0 else arr.astype(dtype, copy=False)
    return Batch(**out)


def concat(batches: list[Batch]) -> Batch:
    """One batch holding all of ``batches``, in order."""
    return Batch(**{f.name: np.concatenate([getattr(b, f.name) for b in batches]) for f in fields(Batch)})


def minute_sampler(profile: str) -> np.ndarray:
    """Cumulative distribution over the 1440 minutes of a day for arrivals at a venue.

    ``facility``: 08:00-17:30, morning peak, lunch dip; ``clinic``: 08:00-20:30;
    ``pharmacy``: 08:00-21:00 with an evening bump; ``admission``: mostly mornings.
    """
    m = np.arange(DAY) / 60.0
    if profile == "facility":
        w = np.where((m >= 8) & (m < 11.5), 3.0, 0.0) + np.where((m >= 11.5) & (m < 14), 0.4, 0.0)
        w += np.where((m >= 14) & (m < 17.5), 1.6, 0.0) + np.where((m >= 7.5) & (m < 8), 0.5, 0.0)
        w += np.where((m >= 17.5) & (m < 22), 0.05, 0.0)  # emergency evening
    elif profile == "clinic":
        w = np.where((m >= 8) & (m < 12), 2.0, 0.0) + np.where((m >= 12) & (m < 14), 0.6, 0.0)
        w += np.where((m >= 14) & (m < 18), 1.6, 0.0) + np.where((m >= 18) & (m < 20.5), 0.8, 0.0)
    elif profile == "pharmacy":
        w = np.where((m >= 8) & (m < 21), 1.0, 0.0) + np.where((m >= 9) & (m < 11), 0.5, 0.0)
        w += np.where((m >= 18) & (m < 20.5), 0.6, 0.0)
    elif profile == "admission":
        w = np.where((m >= 8) & (m < 12), 4.0, 0.0) + np.where((m >= 14) & (m < 17), 1.5, 0.0) + 0.1
    else:
        raise ValueError(profile)
    c = np.cumsum(w)
    return c / c[-1]


def sample_minutes(rng: np.random.Generator, n: int, profile: str) -> np.ndarray:
    """``n`` minutes of day drawn from :func:`minute_sampler`."""
    return np.searchsorted(minute_sampler(profile), rng.random(n), side="right").astype(np.int64)
