"""A thin broker's pool at a date-only export's clinic (issue 14, step 45 of docs/detection.md): his sessions, cut
by the event graph into several groups of days, are one organisation's days; a recruit at half of the sessions
belongs, the clinic's regulars and its ordinary patients do not."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from graphfraud.detect.organise import organisations
from graphfraud.graph.events import venue_events


def _date_only_clinic(seed: int) -> tuple[pd.DataFrame, set[int], int, set[int]]:
    """Visits (dates only) of clinic 0: a broker's 17 recruits (0-16) in sessions every 9 days, each session
    spread over 3 days, each recruit at 45% of them on one of its days (recruit 0 at every second session);
    1,500 ordinary patients (1-2 visits) and 20 regulars (2000-2019, 15 visits each on their own days); the
    recruits' own care at clinics 1-5."""
    rng = np.random.default_rng(seed)
    pool = set(range(17))
    rows = []
    for n, first in enumerate(range(0, 300, 9)):
        for p in sorted(pool):
            if n % 2 == 1 if p == 0 else rng.random() < 0.45:
                rows.append((p, 0, first + int(rng.integers(0, 3))))
    for p in range(100, 1600):
        rows += [(p, 0, int(rng.integers(0, 300))) for _ in range(int(rng.integers(1, 3)))]
    regulars = set(range(2000, 2020))
    for p in sorted(regulars):
        rows += [(p, 0, int(d)) for d in rng.choice(300, 15, replace=False)]
    for p in sorted(pool):
        rows += [(p, 1 + int(rng.integers(0, 5)), int(rng.integers(0, 300))) for _ in range(int(rng.integers(0, 12)))]
    visits = pd.DataFrame(rows, columns=["person", "venue", "day"])
    visits["minute"] = visits["day"] * 1440  # a date-only export: no time of day
    visits["claim"] = np.arange(len(visits))
    return visits, pool, 0, regulars


def test_a_thin_brokers_sessions_at_a_date_only_clinic_are_one_organisations_days() -> None:
    visits, pool, half, regulars = _date_only_clinic(3)
    events = venue_events(visits, min_persons=3, day_resolution=True)
    # every event is a clinic's day (no pharmacy: covisit.detect leaves pharmacies' dates to their company test)
    events = dataclasses.replace(events, dated=np.zeros(events.n_events, dtype=bool))

    def best(**options: bool) -> set[int]:
        found = organisations(events, min_persons=5, **options)
        return max((set(o.persons.tolist()) for o in found), key=lambda m: len(m & pool), default=set())

    before, after = best(), best(venue_days=True)
    # judged against one group of days alone, a recruit whose sessions fell into several groups came "mostly on
    # other days" and was cut as a regular (5 of 17 held, the recruit at half of the sessions not among them)
    assert len(before & pool) < 0.5 * len(pool) and half not in before
    assert len(after & pool) >= 0.6 * len(pool)  # found whole
    assert half in after  # at every second session: he came for the broker's days
    assert not after & regulars  # the clinic's regulars come on days that are no group's
    assert after <= pool  # and so do its ordinary patients
