"""Recruits who come on the same days at any hour (detect.covisit.over_the_day), and crowds that do not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.detect.covisit import over_the_day
from graphfraud.detect.organise import organisations
from graphfraud.graph.events import venue_events


def _visits(rows: list[tuple[int, int, int, int]]) -> pd.DataFrame:
    """``(person, venue, day, minute of day)`` rows as the visits frame detectors read."""
    v = pd.DataFrame(rows, columns=["person", "venue", "day", "mod"])
    return pd.DataFrame({
        "claim": np.arange(len(v)), "person": v["person"], "venue": v["venue"],
        "minute": v["day"] * 1440 + v["mod"], "day": v["day"],
    })  # fmt: skip


def _town(rng: np.random.Generator, *, persons: int, venues: int, visits: int, first: int) -> list[tuple]:
    """Ordinary care: ``visits`` visits of ``persons`` townspeople (codes from ``first``) at ``venues``
    clinics (codes 1..venues), on any of 300 days at any hour of the working day."""
    return [(first + int(rng.integers(persons)), 1 + int(rng.integers(venues)), int(rng.integers(300)),
             int(rng.integers(8 * 60, 17 * 60))) for _ in range(visits)]  # fmt: skip


def test_recruits_spread_over_the_day_at_a_small_clinic_are_one_group() -> None:
    """A broker brings 20 villagers to back-street clinic 0 every 10th day; each comes on one of the
    session's two days, at any hour (no burst of arrivals), 80% of the sessions.  The clinic sees about
    five townspeople a day besides.  The minute events hold no group of them; the venue-days do."""
    rng = np.random.default_rng(3)
    pool = list(range(20))
    rows = []
    for session in range(5, 290, 10):
        for p in pool:
            if rng.random() < 0.8:
                rows.append((p, 0, session + int(rng.integers(2)), int(rng.integers(8 * 60, 17 * 60))))
    rows += [(1000 + int(rng.integers(300)), 0, int(rng.integers(300)), int(rng.integers(8 * 60, 17 * 60)))
             for _ in range(1500)]  # fmt: skip
    rows += _town(rng, persons=3000, venues=20, visits=30_000, first=2000)
    visits = _visits(rows)
    minute = venue_events(visits)
    assert not any(len(set(o.persons) & set(pool)) >= 5 for o in organisations(minute))
    groups = over_the_day(visits)
    best = max(groups, key=lambda g: len(set(g.tolist()) & set(pool)))
    assert len(set(best.tolist()) & set(pool)) >= 18  # the pool, whole
    assert len(set(best.tolist()) - set(pool)) <= 2  # and hardly anyone else of the clinic's patients


def test_a_market_days_crowd_at_a_busy_township_centre_is_no_group() -> None:
    """赶集: every 5th day is market day, and the township centre (venue 0) sees its 3,000 townspeople
    mostly then (60% of their visits on the market days, a fifth of the days): about 70 visits on a
    market day, 12 on another day.  Many townspeople share several market days, but no more than the
    market's share of the centre's traffic gives them by chance: no group.  Each of the day pass's own
    guards keeps it so alone (measured): the company test (``organise._day_company``: a townsman's days
    in company are the crowded market days, which hold most of the centre's traffic) and the rule that
    a group's days count only at venues where it met twice (without both, two strings of single days
    at five or six clinics, 10 and 5 townspeople, were groups)."""
    rng = np.random.default_rng(5)
    market = np.arange(0, 300, 5)
    rows = []
    for _ in range(18_000):
        day = int(rng.choice(market)) if rng.random() < 0.6 else int(rng.integers(300))
        rows.append((int(rng.integers(3000)), 0, day, int(rng.integers(7 * 60, 17 * 60))))
    rows += _town(rng, persons=3000, venues=20, visits=30_000, first=0)
    groups = over_the_day(_visits(rows))
    assert not groups, [len(g) for g in groups]


def _centre(rng: np.random.Generator, *, with_batches: bool) -> tuple[pd.DataFrame, list[int]]:
    """A community centre (venue 0) open on weekdays: 1,500 townspeople make 5,000 visits a year, and 100
    hypertension and diabetes patients (codes 0-99) come back 10-19 times each, on weekdays of their own;
    the town's 20 other clinics besides.  ``with_batches``: a broker also brings 60% of a 20-person pool
    (codes 500-519) every 10th day, each recruit on one of the session's two days at any hour.
    Returns the visits and the pool."""
    weekday = np.array([d for d in range(365) if (d + 5) % 7 < 5])
    rows = [(1000 + int(rng.integers(1500)), 0, int(rng.choice(weekday)), int(rng.integers(8 * 60, 17 * 60)))
            for _ in range(5000)]  # fmt: skip
    for p in range(100):
        for d in rng.choice(weekday, size=int(rng.integers(10, 20)), replace=False):
            rows.append((p, 0, int(d), int(rng.integers(8 * 60, 17 * 60))))
    pool = list(range(500, 520))
    if with_batches:
        for session in range(5, 360, 10):
            for p in pool:
                if rng.random() < 0.6:
                    rows.append((p, 0, session + int(rng.integers(2)), int(rng.integers(8 * 60, 17 * 60))))
    rows += _town(rng, persons=3000, venues=20, visits=20_000, first=100_000)
    return _visits(rows), pool


def test_a_busy_centres_regulars_who_share_days_by_chance_are_no_group_but_a_batch_there_is() -> None:
    """Regulars of a busy centre share some of their days with some of the others, and Leiden strings
    such days into a group: judged on the group's own days only, five of them and two townspeople were
    a "ring" (the day pass without its company test, measured).  Judged on every day of the
    centre where two other members came, they are in company no more often than the day's crowd gives
    anyone.  A broker's recruits, brought on the same days, are in company nearly every visit on a small
    share of the centre's traffic: found whole, with no regular."""
    visits, _ = _centre(np.random.default_rng(8), with_batches=False)
    assert not over_the_day(visits)
    visits, pool = _centre(np.random.default_rng(7), with_batches=True)
    groups = over_the_day(visits)
    assert len(groups) == 1, [len(g) for g in groups]
    assert set(groups[0].tolist()) == set(pool)


def test_the_day_pass_from_the_minute_pass_sorted_visits_is_the_day_pass_of_the_facilities_alone() -> None:
    """``detect`` sorts all visits once (``arrivals``) and gives the day pass the facilities to keep and the
    minute pass's days per person and venue: the day events and the groups are those of the facilities'
    visits alone (pharmacies 21-25 and unknown persons dropped)."""
    from graphfraud.graph.events import arrivals

    rng = np.random.default_rng(5)
    rows = [(p, 0, s + int(rng.integers(2)), int(rng.integers(480, 1020))) for s in range(5, 290, 10)
            for p in range(12) if rng.random() < 0.8]  # fmt: skip
    rows += _town(rng, persons=800, venues=25, visits=8000, first=1000)
    visits = _visits(rows)
    visits.loc[visits.index % 97 == 0, "person"] = -1  # stays: persons unknown
    facility = np.zeros(26, dtype=bool)
    facility[:21] = True
    alone = visits[facility[visits["venue"].to_numpy()]]
    arrived = arrivals(visits)
    shared = venue_events(arrived, day_resolution=True, only_venues=facility,
                          visit_days=venue_events(arrived).visit_days)  # fmt: skip
    own = venue_events(alone, day_resolution=True)
    assert own.incidence.equals(shared.incidence)
    assert own.visit_days is not None and own.visit_days.equals(shared.visit_days)
    for field in ("venue", "day", "size", "dated"):
        assert np.array_equal(getattr(own, field), getattr(shared, field))
    a = over_the_day(alone)
    b = over_the_day(arrived, only_venues=facility, visit_days=venue_events(arrived).visit_days)
    assert [g.tolist() for g in a] == [g.tolist() for g in b] and any(set(range(12)) <= set(g.tolist()) for g in a)
