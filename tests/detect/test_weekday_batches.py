"""Step 126: a hospital's outreach day (体检式住院 by bus): busloads of elders admitted on one weekday, each once,
are a candidate; a ward's busy days on any weekday, and a ward's regulars admitted on one weekday, are not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.detect.outreach import weekday_batches
from graphfraud.params import CoadmitParams

MONDAY = 2  # day 2 counted from graphfraud's epoch (2000-01-01) was a Monday


def _stays(rows: list[tuple[int, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["person", "venue", "day"])
    frame["claim"] = np.arange(len(frame))
    return frame


def _ward(rng: np.random.Generator, venue: int, per_day: float, days: int, first_person: int) -> list:
    """A ward's ordinary admissions, about ``per_day`` a day on every day, each patient once."""
    rows, who = [], first_person
    for day in range(days):
        for _ in range(rng.poisson(per_day)):
            rows.append((who, venue, day))
            who += 1
    return rows


def _buses(venue: int, first_person: int, weeks: list[int], size: int, weekday: int = 0) -> list:
    rows, who = [], first_person
    for w in weeks:
        rows += [(who + i, venue, MONDAY + weekday + 7 * w) for i in range(size)]
        who += size
    return rows


def _found(rows: list, **kw: float) -> list[tuple[set[int], int]]:
    args = {"min_batch": 8, "min_days": 5, "min_weekday": 0.75, "min_once": 0.6, "max_chance": 0.05} | kw
    return [(set(p.tolist()), n) for p, _, n in weekday_batches(_stays(rows), **args)]  # type: ignore[arg-type]


def test_the_outreach_days_are_found_and_the_ward_beside_them_is_not() -> None:
    rng = np.random.default_rng(3)
    ward = _ward(rng, 0, 1.5, 200, 10_000)
    bus = _buses(0, 0, [0, 2, 3, 5, 7, 9, 11], 10, weekday=2)  # Wednesdays every one or two weeks
    found = _found(ward + bus)
    assert len(found) == 1
    riders, days = found[0]
    assert days == 7
    assert set(range(70)) <= riders
    assert len(riders - set(range(70))) <= 7 * 5  # at most a few of the ward's Wednesday patients


def test_a_busy_ward_on_every_weekday_is_no_bus() -> None:
    rng = np.random.default_rng(5)
    # a large ward: many days of 8 or more, but on any weekday and at its own rate
    assert _found(_ward(rng, 0, 6.0, 300, 0)) == []
    # a small ward's surges (9-12 admitted at once) on random days of the week
    rows = _ward(rng, 1, 1.0, 300, 50_000)
    for k, day in enumerate(rng.choice(300, 12, replace=False).tolist()):
        rows += [(60_000 + 20 * k + i, 1, int(day)) for i in range(10)]
    assert _found(rows) == []


def test_regulars_admitted_on_one_weekday_are_no_bus() -> None:
    # a ward's regulars: the same 20 patients on Mondays, over and over (their scheme is repeat_stays' to judge)
    rows = [(p, 0, MONDAY + 7 * w) for w in range(10) for p in range(20) if (p + w) % 2 == 0]
    assert _found(rows) == []
    assert _found(rows, min_once=0.0) != []  # the once-admitted test is what sets them apart


def test_fewer_batch_days_than_asked_are_no_bus() -> None:
    bus = _buses(0, 0, [0, 1, 2, 3], 10)
    assert _found(bus) == []
    assert [n for _, n in _found(bus, min_days=4)] == [4]


def test_the_result_is_deterministic_and_in_order() -> None:
    rows = _buses(3, 0, [0, 1, 2, 3, 4], 9) + _buses(1, 100, [1, 3, 5, 7, 9], 8, weekday=4)
    first, second = weekday_batches(_stays(rows), min_batch=8, min_days=5, min_weekday=0.75, min_once=0.6,
                                    max_chance=0.05), weekday_batches(_stays(rows[::-1]), min_batch=8, min_days=5,
                                    min_weekday=0.75, min_once=0.6, max_chance=0.05)  # fmt: skip
    assert [sorted(p.tolist()) for p, _, _ in first] == [list(range(100, 140)), list(range(45))]
    assert [p.tolist() for p, _, _ in first] == [p.tolist() for p, _, _ in second]


def test_a_surgery_wards_weekly_list_is_taken_too_so_the_candidate_is_off_by_default() -> None:
    # the known limit (docs/detection.md step 126): 8 different patients every Monday, each once, look like a bus
    rows = [(100 * week + i, 0, MONDAY + 7 * week) for week in range(30) for i in range(8)]
    assert [n for _, n in _found(rows)] == [30]
    assert CoadmitParams().batch_days == 0
    assert CoadmitParams(batch_days=5).batch_days == 5
