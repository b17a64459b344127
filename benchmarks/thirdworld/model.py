"""The world's entities as small records; ids are strings, indices are positions in World lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Person:
    idx: int
    pid: str
    sex: str
    birth: dt.date
    region: str
    insured: str  # employee | resident
    township: int
    village: int  # index into World.villages, -1 for county-town households
    household: int
    phone: str
    address: str
    death: dt.date | None = None
    away: bool = False  # migrant worker (外出务工), home only around the Spring Festival
    rate: float = 1.0  # ordinary-care multiplier
    chronic: bool = False
    reserved: str = ""  # id of the ring or benign group that holds this person


@dataclass
class Venue:
    vid: str
    name: str
    kind: str  # hospital | clinic | community | specialty | pharmacy
    level: int
    ownership: str
    region: str
    beds: int
    role: str  # village | township | county | tcm | mch | private_hosp | private_clinic | city | pharmacy
    township: int = -1
    village: int = -1
    chain: str = ""
    pooled: bool = False  # pharmacy in 门诊统筹 (the fund pays there)
    doctors: list[str] = field(default_factory=list)
    terminals: list[str] = field(default_factory=list)


@dataclass
class Doctor:
    did: str
    facility: str
    name: str
    title: str
    department: str
    also_at: list[str] = field(default_factory=list)  # 多点执业: other sites where this doctor bills


@dataclass
class Claim:
    patient: int
    venue: str
    pharmacy: bool
    doctor: str
    vtype: str
    start: dt.datetime
    end: dt.datetime | None
    lines: list[tuple[str, float, float]]  # (item code, quantity, unit price)
    holder: int = -1
    diagnosis: str = ""
    terminal: str = ""


@dataclass
class Group:
    """One planted ring or benign group, as written to truth.json."""

    id: str
    kind: str
    persons: list[int] = field(default_factory=list)
    core: list[int] = field(default_factory=list)
    doctors: list[str] = field(default_factory=list)
    facilities: list[str] = field(default_factory=list)
    pharmacies: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)


@dataclass
class World:
    seed: int
    knobs: dict
    start: dt.date
    days: int
    region: str
    townships: list[str] = field(default_factory=list)
    villages: list[tuple[int, str]] = field(default_factory=list)  # (township, name)
    persons: list[Person] = field(default_factory=list)
    venues: dict[str, Venue] = field(default_factory=dict)
    doctors: dict[str, Doctor] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    rings: list[Group] = field(default_factory=list)
    benign: list[Group] = field(default_factory=list)
    cache: dict = field(default_factory=dict)

    def rng(self, *path: int) -> np.random.Generator:
        """A generator of its own for one part of the world, so parts do not shift each other."""
        return np.random.default_rng([self.seed, *path])

    def day(self, i: int) -> dt.date:
        return self.start + dt.timedelta(days=int(i))

    def by_role(self, role: str, township: int | None = None) -> list[Venue]:
        return [v for v in self.venues.values() if v.role == role and (township is None or v.township == township)]

    def free(self, persons: list[int]) -> list[int]:
        return [i for i in persons if not self.persons[i].reserved]
