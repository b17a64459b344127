"""benchmarks.thinpools: a broker's thin pool is one home's repeat patients together; the venue's others are not."""

from __future__ import annotations

import random

import pandas as pd

from benchmarks.thinpools import MAX_CHANCE, pools


def _clinic(seed: int = 3) -> pd.DataFrame:
    """A private clinic "C" over a year: a broker's 10 villagers of home "A" every 14 days in 3-day windows at
    60% each (2-4 a day, as thirdworld's pools), and 60 ordinary repeat patients, 6 of home "A" and 54 of "B", on
    days of their own; everyone also goes to their home venue."""
    r = random.Random(seed)
    rows = []
    for p in range(10):
        rows.append((f"v{p}", "A", 0))
        for start in range(5, 360, 14):
            if r.random() < 0.6:
                rows.append((f"v{p}", "C", start + r.randrange(3)))
    for p in range(60):
        rows.append((f"o{p}", "A" if p % 10 == 0 else "B", 0))
        for _ in range(r.randint(3, 6)):
            rows.append((f"o{p}", "C", r.randrange(365)))
    for d in range(365):  # passers-by: the clinic is open every day
        rows.append((f"x{d}", "C", d))
    return pd.DataFrame(rows, columns=["person", "venue", "day"])


def test_the_pool_stands_out_and_the_homes_ordinary_patients_do_not():
    found = {(p.venue, p.home): p for p in pools(_clinic())}
    bound = len(found)
    pool = found[("C", "A")]
    # home A's repeat patients: the 10 villagers and A's 6 ordinary patients in one group, which still stands out
    assert {f"v{p}" for p in range(10)} <= set(pool.persons) and pool.tail * bound < MAX_CHANCE
    assert found[("C", "B")].tail * bound > MAX_CHANCE  # B's 54 ordinary patients: days of their own
    only = pools(_clinic().query("not person.str.startswith('o')"))
    assert [(p.venue, p.home, len(p.persons)) for p in only] == [("C", "A", 10)]
    assert only[0].together == only[0].days and only[0].tail < MAX_CHANCE / 1000


def test_a_pool_among_three_times_as_many_of_its_homes_ordinary_patients_is_lost():
    """The limit measured in step 72: the home mixes the pool with its village's other patients of the venue."""
    visits = _clinic()
    many = visits.person.isin([f"o{p}" for p in range(30)]) & (visits.venue != "C")
    visits.loc[many, "venue"] = "A"  # o0-o29 now of home A too: 33 ordinary patients, 3x the pool
    pool = next(p for p in pools(visits) if p.home == "A")
    assert len(pool.persons) == 10 + 33 and pool.tail > MAX_CHANCE and pool.tail_both_sides < MAX_CHANCE


def test_a_home_is_never_the_venue_and_small_groups_are_not_tested():
    visits = _clinic().query("person.str.startswith('v')")
    # C is each villager's most-used venue: his home for C is A, the next, and nobody is tested at A (one day each)
    assert [(p.venue, p.home) for p in pools(visits)] == [("C", "A")]
    assert pools(visits.query("venue == 'C'")) == []  # seen nowhere else: no home
    assert pools(visits, min_persons=11) == []
