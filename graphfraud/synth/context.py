"""What a planting function works with (:class:`Context`) and what it returns (:class:`Planted`)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from graphfraud import contract
from graphfraud.synth.claims import Batch
from graphfraud.synth.places import Places
from graphfraud.synth.population import People


@dataclass
class Context:
    """The world under construction, shared by the planting functions in a fixed order."""

    rng: np.random.Generator
    places: Places
    people: People
    days: int
    weekday0: int  # weekday of day 0, Monday = 0
    size_scale: float  # ring_size_scale
    member_rate: float  # member_ordinary_rate
    venue_rate: float  # venue_ordinary_rate
    id_prefix: str = ""  # heads the number of every ring id (``benign:dialysis:<id_prefix>01``)
    used_facility: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    used_pharmacy: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    used_doctor: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def __post_init__(self) -> None:
        self.used_facility = np.zeros(len(self.places.fac_class), dtype=bool)
        self.used_pharmacy = np.zeros(len(self.places.ph_district), dtype=bool)
        self.used_doctor = np.zeros(len(self.places.doc_facility), dtype=bool)

    def size(self, lo: int, hi: int, ring_id: str, available: int) -> int:
        """A ring size drawn from ``lo..hi``, scaled, capped (with a warning) by ``available``."""
        want = max(3, int(round(self.rng.integers(lo, hi + 1) * self.size_scale)))
        if want > available:
            warnings.warn(f"{ring_id}: only {available} eligible persons, planted {available} of {want}", stacklevel=3)
        return min(want, available)

    def fraud_facility(self, f: int) -> None:
        self.used_facility[f] = True
        self.places.fac_weight[f] *= self.venue_rate

    def fraud_pharmacy(self, p: int) -> None:
        self.used_pharmacy[p] = True
        self.places.ph_weight[p] *= self.venue_rate

    def members(self, persons: np.ndarray) -> None:
        """Mark planted persons: their ordinary claims follow member_ordinary_rate."""
        self.people.rate[persons] = self.member_rate
        self.people.taken[persons] = True

    def phone_of(self, person: int) -> int:
        """``person``'s phone key, giving them a fresh one if they have none."""
        if self.people.phone[person] < 0:
            self.people.phone[person] = self.people.new_phone()[0]
        return int(self.people.phone[person])

    def weekday(self, day: np.ndarray | int) -> np.ndarray:
        return (self.weekday0 + np.asarray(day)) % 7

    def workday(self, day: int) -> int:
        """``day`` moved back to Friday (or, near the start, on to Monday) if it is a weekend day."""
        wd = int(self.weekday(day))
        if wd < 5:
            return day
        back = day - (wd - 4)
        return back if back >= 0 else min(day + 7 - wd, self.days - 1)


@dataclass
class Planted:
    """One planted group: a fraud ring or a benign dense group, with its claims.

    ``resale`` is the share of the group's drug lines that repeat an earlier
    sale's traceability code (card collectors only); ``knobs`` are the
    group's drawn parameters in a varied world (``--vary``), empty otherwise.
    """

    ring_id: str
    typology: str
    persons: np.ndarray
    doctors: np.ndarray
    facilities: np.ndarray
    pharmacies: np.ndarray
    claims: Batch
    resale: float = 0.0
    knobs: dict[str, object] = field(default_factory=dict)


#: A function planting one group: ``(ctx, gid, ring_id) -> Planted``.
Planter = Callable[["Context", int, str], "Planted"]


class Planters(Mapping[str, Planter]):
    """typology -> the function of ``module`` that plants one ring of it, from the typology table, read live.

    Each row of :data:`graphfraud.contract.TYPOLOGY_TABLE` with a ``planter``
    names a function of ``graphfraud.synth.typologies`` (and of
    ``graphfraud.synth.varied`` for ``--vary`` worlds), in the table's order.
    """

    def __init__(self, module: object) -> None:
        self._module = module

    def _names(self) -> dict[str, str]:
        return {t.name: t.planter for t in contract.TYPOLOGY_TABLE.values() if t.planter}

    def __getitem__(self, kind: str) -> Planter:
        planter = self._names()[kind]
        return getattr(self._module, planter)  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())
