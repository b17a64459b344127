"""Step 64: a piece joins an organisation only on evidence that is not its own benign explanation.

A co-visit piece whose lockstep is one household's own visits joins no organisation (thirdworld seed 53).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from graphfraud.score.rings import _one_home_lockstep


def _visits(person: list[int], day: list[int], venue: list[int] | None = None) -> SimpleNamespace:
    cols = {"person": np.asarray(person), "day": np.asarray(day), "venue": np.asarray(venue or [0] * len(person))}
    return SimpleNamespace(column=lambda k: cols[k])


def _piece(visits: SimpleNamespace, addresses: list[int]) -> tuple[SimpleNamespace, SimpleNamespace, SimpleNamespace]:
    n = len(visits.column("person"))
    facts = SimpleNamespace(graph=SimpleNamespace(visits=visits), person_address=np.asarray(addresses))
    return SimpleNamespace(claims=np.arange(n)), SimpleNamespace(features=SimpleNamespace(venue=0)), facts


# Thirdworld 53's piece: a family of four at one address on 5-7 days each, and four passers-by on 0-3 days.
FAMILY_DAYS = {4: [1, 2, 5, 8, 9], 5: [1, 2, 3, 4, 8, 9, 10], 6: [1, 4, 8, 9, 10, 11], 7: [1, 2, 3, 4, 5, 9, 10]}
PASSERS_DAYS = {0: [2, 3, 8], 1: [3], 2: [1, 2, 8]}


def _claims(days: dict[int, list[int]]) -> tuple[list[int], list[int]]:
    person = [p for p, ds in days.items() for _ in ds]
    return person, [d for ds in days.values() for d in ds]


def test_a_lockstep_of_one_household_is_the_household_s() -> None:
    person, day = _claims(FAMILY_DAYS | PASSERS_DAYS)
    addresses = [35, 2845, 4868, 1885, 7366, 7366, 7366, 7366]
    assert _one_home_lockstep(*_piece(_visits(person, day), addresses))


@pytest.mark.parametrize(
    ("address", "why"),
    [
        (9000, "a regular of another home: recruits of two homes in lockstep are a batch"),
        (-1, "a regular of unknown address is a home of their own"),
    ],
)
def test_regulars_of_two_homes_are_a_mark(address: int, why: str) -> None:
    person, day = _claims(FAMILY_DAYS | PASSERS_DAYS | {3: [1, 2, 8, 9]})
    addresses = [35, 2845, 4868, address, 7366, 7366, 7366, 7366]
    assert not _one_home_lockstep(*_piece(_visits(person, day), addresses)), why


def test_no_regulars_no_household_lockstep() -> None:
    person, day = _claims(PASSERS_DAYS)
    assert not _one_home_lockstep(*_piece(_visits(person, day), [1, 1, 1]))


def test_claims_elsewhere_do_not_make_a_regular() -> None:
    """Only the days at the piece's main venue count, as the lockstep reason's."""
    person, day = _claims({0: [1, 2, 3, 4], 1: [1, 2, 3, 4]})
    venue = [0, 0, 0, 1] + [0, 0, 0, 0]  # the first person's fourth day is at another venue
    visits = _visits(person, day, venue)
    assert _one_home_lockstep(*_piece(visits, [5, 6]))  # one regular, at one home: that household's
    assert not _one_home_lockstep(*_piece(_visits(person, day), [5, 6]))  # two regulars of two homes
