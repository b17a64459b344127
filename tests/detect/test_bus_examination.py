"""A free bus whose villagers are keyed over the hours (免费体检+包车接送, no burst of arrivals): the villagers examined
the same way as those admitted, on days the hospital gives that examination to no one else, are the bus's riders,
admitted or not; the hospital's other outpatients of those days are not, and a surgeon's daily patients, admitted
as surgery patients are, are no bus."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.detect import coadmit
from graphfraud.detect.coadmit import bus_days


def _world(*, surgeon_daily: int = 6) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, set[int], set[int]]:
    """Two hospitals over 200 days, an examination (doctor and diagnosis) per visit.

    H0 (a private hospital): townspeople 0-1999 come one at a time at random hours (5 a day, one of 8 ordinary
    examinations, 1 in 25 admitted that day).  Every 25 days its bus brings one of four villages of 25 elders in
    turn (persons 5000+): 70% ride, each gets the check-up (examination 99) at a random minute of five hours, and
    30% of the riders are admitted that day or the next, most of them once.  H1: a surgeon sees ``surgeon_daily``
    patients a day with one diagnosis (examination 50), half of them admitted the same day, each patient once.

    Returns visits, stays, the examination of each visit, the bus riders and the surgeon's patients.
    """
    rng = np.random.default_rng(11)
    visits, stays, kind = [], [], []
    riders: set[int] = set()
    surgical: set[int] = set()
    nxt = 10_000
    for day in range(200):
        for _ in range(5):
            who = int(rng.integers(0, 2000))
            visits.append((who, 0, day * 1440 + int(rng.integers(480, 1020))))
            kind.append(int(rng.integers(0, 8)))
            if rng.random() < 1 / 25:
                stays.append((who, 0, day))
        for _ in range(surgeon_daily):
            who, nxt = nxt, nxt + 1
            surgical.add(who)
            visits.append((who, 1, day * 1440 + int(rng.integers(480, 1020))))
            kind.append(50)
            if rng.random() < 0.5:
                stays.append((who, 1, day))
    for trip in range(8):
        day = 10 + 25 * trip
        for k in range(25):
            who = 5000 + 25 * (trip % 4) + k
            if rng.random() >= 0.7:
                continue
            riders.add(who)
            visits.append((who, 0, day * 1440 + 540 + int(rng.integers(0, 300))))
            kind.append(99)
            if rng.random() < 0.3:
                stays.append((who, 0, day + int(rng.integers(0, 2))))
    v = pd.DataFrame(visits, columns=["person", "venue", "minute"])
    v["day"] = v["minute"] // 1440
    v["claim"] = np.arange(len(v))
    s = pd.DataFrame(stays, columns=["person", "venue", "day"])
    s["claim"] = np.arange(len(s)) + len(v)
    return v, s, np.array(kind), riders, surgical


def test_riders_examined_with_the_bus_are_in_the_ring_admitted_or_not() -> None:
    v, s, kind, riders, surgical = _world()
    admitted = set(s["person"]) & riders
    assert len(admitted) < 0.5 * len(riders)  # most of the bus's villagers were only examined
    # without the examination, the bus is seen only in the bursts of arrivals that keyed entry breaks up
    before = bus_days(v, s, day_resolution=False, min_times=2, max_chance=0.1)
    assert sum(len(set(p.tolist()) & riders) for p, _, _ in before) < 0.5 * len(riders)
    found = bus_days(v, s, day_resolution=False, min_times=2, max_chance=0.1, kind=kind)
    assert len(found) == 1
    persons = set(found[0][0].tolist())
    assert persons == riders  # every villager examined off the bus, and only they
    assert not persons & surgical


def test_a_surgeons_daily_patients_are_no_bus() -> None:
    # a busier surgeon, admitting as many a day as a bus does: his examination is every day's, not a bus's
    v, s, kind, riders, surgical = _world(surgeon_daily=20)
    found = bus_days(v, s, day_resolution=False, min_times=2, max_chance=0.1, kind=kind)
    assert all(not set(p.tolist()) & surgical for p, _, _ in found)
    assert len(found) == 1
    persons = set(found[0][0].tolist())
    assert len(persons & riders) >= 0.9 * len(riders) and len(persons - riders) <= 0.05 * len(persons)


def test_dense_codes_are_numpys_unique_inverse() -> None:
    """Speed round 22: the examinations' codes by one sort and a binary search, as ``np.unique``'s inverse."""
    rng = np.random.default_rng(22)
    for _ in range(100):
        values = rng.integers(-3, int(rng.integers(1, 10**6)), int(rng.integers(0, 400)))
        keys, inverse = coadmit._dense(values)
        want_keys, want_inverse = np.unique(values, return_inverse=True)
        assert keys.tolist() == want_keys.tolist() and inverse.tolist() == want_inverse.tolist()
