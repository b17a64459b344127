"""Days and minutes: weekdays, seasons, the Spring Festival dip, opening hours."""

from __future__ import annotations

import numpy as np

# venue classes with their own weekly and daily rhythm
HOSPITAL, COMMUNITY, CLINIC, PHARMACY = 0, 1, 2, 3


def day_weights(year: int, days: int, spring_festival: str, venue_class: int) -> np.ndarray:
    """Relative visit volume of each day of the window for one class of venue (sums to 1)."""
    start = np.datetime64(f"{year}-01-01")
    dates = start + np.arange(days)
    weekday = (dates.astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    week = {
        HOSPITAL: [1.35, 1.15, 1.1, 1.05, 1.0, 0.55, 0.4],
        COMMUNITY: [1.2, 1.1, 1.1, 1.1, 1.0, 0.6, 0.3],
        CLINIC: [1.0, 1.0, 1.0, 1.0, 1.0, 1.05, 0.9],
        PHARMACY: [0.95, 0.95, 0.95, 0.95, 1.0, 1.15, 1.1],
    }
    w = np.asarray(week[venue_class])[weekday]
    doy = np.arange(days)
    w = w * (1.0 + 0.25 * np.cos(2 * np.pi * (doy - 15) / 365.0))  # winter respiratory season
    sf = int((np.datetime64(spring_festival) - start).astype(int))
    rel = doy - sf
    dip = 0.5 if venue_class == PHARMACY else 0.2
    w = np.where((rel >= -1) & (rel <= 6), w * dip, w)
    w = np.where((rel >= -10) & (rel < -1), w * (1.25 if venue_class == PHARMACY else 0.8), w)
    w = np.where((rel > 6) & (rel <= 14), w * 1.2, w)
    national = int((np.datetime64(f"{year}-10-01") - start).astype(int))
    w = np.where((doy >= national) & (doy < national + 7), w * 0.5, w)
    return w / w.sum()


def closed_days(year: int, days: int, spring_festival: str) -> np.ndarray:
    """Boolean mask of days on which a small clinic or an organised scheme does not operate (festival week)."""
    start = np.datetime64(f"{year}-01-01")
    sf = int((np.datetime64(spring_festival) - start).astype(int))
    doy = np.arange(days)
    return (doy >= sf - 2) & (doy <= sf + 6)


def minutes_of_day(rng: np.random.Generator, n: int, venue_class: int) -> np.ndarray:
    """Minute after midnight of ``n`` arrivals at a venue class: morning peak, afternoon, a few at night."""
    if venue_class == PHARMACY:
        m = rng.normal([10 * 60, 19 * 60][0], 100, n)
        evening = rng.random(n) < 0.45
        m[evening] = rng.normal(19 * 60, 80, evening.sum())
        lo, hi = 8 * 60, 22 * 60
    else:
        m = rng.normal(9 * 60 + 30, 55, n)
        afternoon = rng.random(n) < (0.45 if venue_class == CLINIC else 0.3)
        m[afternoon] = rng.normal(15 * 60, 60, afternoon.sum())
        lo, hi = 7 * 60 + 30, 21 * 60 if venue_class == CLINIC else 17 * 60 + 30
    m = np.clip(m, lo, hi)
    if venue_class == HOSPITAL:  # emergency department
        night = rng.random(n) < 0.03
        m[night] = rng.integers(0, 24 * 60, night.sum())
    return m.astype(np.int64)
