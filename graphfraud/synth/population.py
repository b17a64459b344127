"""Who is insured in a synthetic world: households, ages, phones, addresses, deaths.

Households of 1-5 share an address key; children and many elderly are bound to a
working-age relative's phone (电子凭证 bound to a child's phone), which is the
benign background against which a collector's shared phone must stand out.
About 1.5% of households are insured elsewhere (异地就医) but live and seek care
locally.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from graphfraud.synth.places import DISTRICTS, N_LOCAL

EMPLOYEE, RESIDENT = 0, 1
NO_DEATH = np.iinfo(np.int32).max


@dataclass
class People:
    """Insured persons as parallel arrays (index = row).

    ``phone`` and ``address`` are integer keys (-1: none) rendered as hashed
    strings at the end; ``home`` is the district where a person seeks care and
    ``region`` the index into :data:`~graphfraud.synth.places.REGIONS` of where
    they are insured.  ``local`` is false for persons who live elsewhere and
    have no ordinary claims here (collectors' out-of-area holders).
    """

    household: np.ndarray
    age: np.ndarray  # years at the period start (float)
    female: np.ndarray
    home: np.ndarray
    region: np.ndarray
    insured: np.ndarray
    phone: np.ndarray
    address: np.ndarray
    death_day: np.ndarray  # day index of death, NO_DEATH if alive all period
    chronic: np.ndarray
    frailty: np.ndarray
    payer: np.ndarray  # family member whose account pays (家庭共济), -1 none
    local: np.ndarray
    rate: np.ndarray  # multiplier on ordinary claims (member_ordinary_rate)
    taken: np.ndarray  # already a member of a planted group

    def __len__(self) -> int:
        return len(self.age)

    def add(self, **columns: np.ndarray) -> np.ndarray:
        """Append persons (given columns; the rest get neutral defaults); return their indices."""
        n = len(next(iter(columns.values())))
        start = len(self)
        defaults = {
            "household": np.arange(n) + (self.household.max() + 1 if len(self) else 0),
            "female": np.zeros(n, dtype=bool),
            "insured": np.full(n, RESIDENT, dtype=np.int8),
            "phone": np.full(n, -1, dtype=np.int64),
            "death_day": np.full(n, NO_DEATH, dtype=np.int32),
            "chronic": np.zeros(n, dtype=bool),
            "frailty": np.ones(n),
            "payer": np.full(n, -1, dtype=np.int64),
            "local": np.ones(n, dtype=bool),
            "rate": np.ones(n),
            "taken": np.ones(n, dtype=bool),
        }
        defaults["address"] = defaults["household"] + 0
        for f in fields(self):
            value = columns.get(f.name, defaults.get(f.name))
            if value is None:
                raise TypeError(f"People.add needs column {f.name!r}")
            old = getattr(self, f.name)
            setattr(self, f.name, np.concatenate([old, np.asarray(value).astype(old.dtype)]))
        return np.arange(start, start + n)

    def pick(
        self, rng: np.random.Generator, k: int, mask: np.ndarray, *, weight: np.ndarray | None = None
    ) -> np.ndarray:
        """Up to ``k`` untaken persons where ``mask``, marked taken; sorted indices."""
        pool = np.flatnonzero(mask & ~self.taken[: len(mask)] & (self.death_day[: len(mask)] == NO_DEATH))
        if len(pool) == 0:
            return pool
        p = None
        if weight is not None:
            w = weight[pool].astype(float)
            p = w / w.sum()
        chosen = np.sort(rng.choice(pool, min(k, len(pool)), replace=False, p=p))
        self.taken[chosen] = True
        return chosen

    def available(self, mask: np.ndarray) -> int:
        """How many persons :meth:`pick` could choose from ``mask``."""
        return int((mask & ~self.taken & (self.death_day == NO_DEATH)).sum())

    def new_phone(self, n: int = 1) -> np.ndarray:
        """Fresh phone keys not used by anyone yet."""
        top = max(int(self.phone.max()), -1) + 1
        return np.arange(top, top + n, dtype=np.int64)

    def new_address(self, n: int = 1) -> np.ndarray:
        top = max(int(self.address.max()), int(self.household.max())) + 1
        return np.arange(top, top + n, dtype=np.int64)


def build_people(rng: np.random.Generator, persons: int, days: int) -> People:
    """``persons`` insured persons in households, with deaths during ``days``."""
    sizes = rng.choice([1, 2, 3, 4, 5], size=persons // 2 + 10, p=[0.18, 0.30, 0.26, 0.16, 0.10])
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), persons)) + 1]
    sizes[-1] -= int(sizes.sum() - persons)
    sizes = sizes[sizes > 0]
    nh = len(sizes)
    hh = np.repeat(np.arange(nh), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pos = np.arange(persons) - starts[hh]

    head = np.clip(rng.choice(np.arange(22, 91), size=nh, p=_head_ages()), 20, 95).astype(float)
    head += rng.random(nh)
    h = head[hh]
    age = h.copy()
    spouse = pos == 1
    age[spouse] = np.clip(h[spouse] + rng.normal(-1.5, 3.0, spouse.sum()), 18, 99)
    extra = pos >= 2
    gap = rng.uniform(22, 38, persons)
    young, mid = h < 48, (h >= 48) & (h < 65)
    parent = mid & (rng.random(persons) < 0.5)
    child = np.where(h - gap < 0, rng.uniform(0, 17.9, persons), np.clip(h - gap, 0, 17.9))
    age = np.where(extra & young, child, age)
    age = np.where(extra & mid & parent, np.clip(h + rng.uniform(24, 32, persons), 60, 99), age)
    age = np.where(extra & mid & ~parent, np.clip(h - rng.uniform(24, 32, persons), 0, 99), age)
    age = np.where(extra & (h >= 65), np.clip(h - rng.uniform(25, 35, persons), 18, 99), age)

    female = np.where(spouse, rng.random(persons) < 0.9, rng.random(persons) < 0.5)
    home_h = rng.choice(N_LOCAL, size=nh, p=[d[2] for d in DISTRICTS])
    home = home_h[hh].astype(np.int32)
    migrant = (rng.random(nh) < 0.015)[hh]
    region = np.where(migrant, N_LOCAL + rng.integers(0, 3, nh)[hh], home).astype(np.int32)
    working = (age >= 18) & (age < 60)
    insured = np.where(working, rng.random(persons) < 0.62, (age >= 60) & (rng.random(persons) < 0.45))
    insured = np.where(insured, EMPLOYEE, RESIDENT).astype(np.int8)

    # The household's phone adult: first member aged 18-74.
    adult = (age >= 18) & (age < 75)
    first_adult = np.minimum.reduceat(np.where(adult, pos, 99), starts)
    has_adult = first_adult < 99
    phone_adult = np.where(has_adult, starts + np.minimum(first_adult, sizes - 1), -1)[hh]
    own = np.arange(persons, dtype=np.int64)
    bound_child = (age < 18) & (phone_adult >= 0)
    bound_elder = (age >= 70) & (phone_adult >= 0) & (rng.random(persons) < 0.6)
    phone = np.where(bound_child | bound_elder, phone_adult, own)
    phone = np.where((age < 18) & (phone_adult < 0), -1, phone)
    phone = np.where((age >= 80) & (phone == own) & (rng.random(persons) < 0.3), -1, phone)

    emp_adult = (insured == EMPLOYEE) & (age >= 18) & (age < 65)
    first_emp = np.minimum.reduceat(np.where(emp_adult, pos, 99), starts)
    payer = np.where(first_emp < 99, starts + np.minimum(first_emp, sizes - 1), -1)[hh]
    payer = np.where((payer == own) | ~((age < 18) | (age >= 60)), -1, payer)

    years = days / 365.0
    mort = np.select([age < 60, age < 75, age < 85], [0.001, 0.01, 0.04], 0.12)
    dies = rng.random(persons) < 1 - (1 - mort) ** years
    death_day = np.where(dies, rng.integers(0, days, persons), NO_DEATH).astype(np.int32)
    chronic = rng.random(persons) < np.select([age < 40, age < 60], [0.03, 0.2], 0.45)
    return People(
        household=hh.astype(np.int64),
        age=age,
        female=female.astype(bool),
        home=home,
        region=region,
        insured=insured,
        phone=phone.astype(np.int64),
        address=hh.astype(np.int64),
        death_day=death_day,
        chronic=chronic,
        frailty=rng.gamma(2.0, 0.5, persons),
        payer=payer.astype(np.int64),
        local=np.ones(persons, dtype=bool),
        rate=np.ones(persons),
        taken=np.zeros(persons, dtype=bool),
    )


def _head_ages() -> np.ndarray:
    ages = np.arange(22, 91)
    w = np.where(ages < 35, 1.0, np.where(ages < 60, 1.3, np.where(ages < 75, 1.0, 0.45)))
    return w / w.sum()
