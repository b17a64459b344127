"""Choosing who takes part: recruits by neighbourhood and age, without reusing anyone already planted."""

from __future__ import annotations

import numpy as np

from .calendar import closed_days
from .knobs import SPRING_FESTIVAL, Knobs
from .places import City


def pick(
    rng: np.random.Generator,
    city: City,
    used: np.ndarray,
    n: int,
    *,
    min_age: float = 0,
    max_age: float = 200,
    hoods=None,
    district=None,
    alive: bool = True,
    employee: bool = False,
) -> np.ndarray:
    """Up to ``n`` unused persons matching the filters (widening to the district, then the city, if short)."""
    P = city.persons
    age = P["age"].to_numpy()
    base = ~used & (age >= min_age) & (age < max_age)
    if alive:
        base &= P["death_day"].to_numpy() < 0
    if employee:  # only employees have a personal account (个人账户) to drain
        base &= P["insured_type"].to_numpy() == "employee"
    tiers = []
    if hoods is not None:
        tiers.append(base & np.isin(P["hood"].to_numpy(), hoods))
    if district is not None:
        tiers.append(base & (P["district"].to_numpy() == district))
    tiers.append(base)
    chosen: list[int] = []
    for mask in tiers:
        cand = np.setdiff1d(np.flatnonzero(mask), chosen)
        take = min(n - len(chosen), len(cand))
        if take > 0:
            chosen.extend(rng.choice(cand, size=take, replace=False).tolist())
        if len(chosen) >= n:
            break
    out = np.asarray(chosen, dtype=np.int64)
    used[out] = True
    return out


def hoods_of(rng: np.random.Generator, city: City, district: int, k: int) -> list[np.ndarray]:
    """``k`` distinct neighbourhoods (社区/村) of a district, one per recruiter."""
    all_h = np.unique(city.persons["hood"].to_numpy()[city.persons["district"].to_numpy() == district])
    chosen = rng.choice(all_h, size=min(k, len(all_h)), replace=False)
    return [np.array([h]) for h in chosen]


def active_window(rng: np.random.Generator, knobs: Knobs, *, min_days: int = 90) -> tuple[int, int]:
    """First and last day a scheme operates: a few months, sometimes the whole export."""
    if rng.random() < 0.3:
        return 0, knobs.days - 1
    length = int(rng.integers(min(min_days, knobs.days - 1), knobs.days))
    start = int(rng.integers(0, knobs.days - length + 1))
    return start, start + length - 1


def cycle_days(
    rng: np.random.Generator,
    knobs: Knobs,
    start: int,
    end: int,
    cycle: int,
    *,
    jitter: int = 1,
    weekday: int | None = None,
    skip_festival: bool = True,
) -> np.ndarray:
    """Days of a recurring session between ``start`` and ``end`` (snapped to ``weekday`` when given)."""
    first = start + int(rng.integers(0, cycle))
    days = np.arange(first, end + 1, cycle)
    if jitter:
        days = days + rng.integers(-jitter, jitter + 1, len(days))
    if weekday is not None:
        wd = (days + weekday_of_jan1(knobs.year)) % 7
        days = days + (weekday - wd) % 7
    days = days[(days >= 0) & (days < knobs.days)]
    if skip_festival:
        days = days[~closed_days(knobs.year, knobs.days, SPRING_FESTIVAL[knobs.year])[days]]
    return np.unique(days)


def weekday_of_jan1(year: int) -> int:
    """0 = Monday."""
    return int((np.datetime64(f"{year}-01-01").astype("datetime64[D]").view("int64") - 4) % 7)


def arrivals(rng: np.random.Generator, n: int, start_minute: int, mean_gap: float) -> np.ndarray:
    """Minutes of ``n`` arrivals one after another with exponential gaps (a broker's bus unloading)."""
    gaps = rng.exponential(mean_gap, n)
    return (start_minute + np.cumsum(gaps) - gaps[0]).astype(np.int64)


def doctors_of(city: City, fac: int, rng: np.random.Generator, k: int, dept: str | None = None) -> np.ndarray:
    """``k`` doctors of facility ``fac`` (of one department when it has such doctors)."""
    d = city.doctors
    rows = np.flatnonzero(d["fidx"].to_numpy() == fac)
    if dept is not None:
        same = rows[d["department"].to_numpy()[rows] == dept]
        if len(same) >= 1:
            rows = same
    return rng.choice(rows, size=min(k, len(rows)), replace=False)
