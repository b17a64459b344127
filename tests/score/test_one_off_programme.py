"""Step 94: a hospital's "one-off" admission batches, again and again with the same staff, are one programme.

Sixthworld's cataract campaigns (a 民营医院 busses one village after another in for surgery): each village's batch,
admitted on two days, was explained as a one-off event (``benign_one_off``), the campaign never judged whole.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from graphfraud.score import rings
from graphfraud.score.reasons import Reason

KIND = "induced_admission"
CO = Reason("co_admission", {"persons": 9, "venue": "H1", "days": 2, "event_days_from": 1.0}, 2.0, 1.0, 10.0)
CO_ONE_DAY = Reason("co_admission", {"persons": 9, "venue": "H1", "days": 1, "event_days_from": 1.0}, 1.0, 1.0, 0.0)
ONE_OFF = Reason("benign_one_off", {"days": 2}, 2.0, 2.0, 0.0)
HOUSEHOLD = Reason("benign_household", {"persons": 8, "addresses": 0, "cost_ratio": 1.0}, 0.0, 2.0, 0.0)


def _ring(venue: int, benign: Reason | None, *marks: Reason, detector: str = "coadmit") -> SimpleNamespace:
    return SimpleNamespace(
        benign=benign, detector=detector, features=SimpleNamespace(venue=venue), reasons=(benign, *marks)
    )


def _read(scored: list[Any]) -> list[tuple[int, str]]:
    no_candidates: Any = [None] * len(scored)  # the typology is patched: the candidates are not read
    return rings._one_off_pieces(scored, no_candidates)


@pytest.fixture
def as_admissions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every piece's typology without its explanation: an induced admission (a co-admission piece)."""
    monkeypatch.setattr(rings, "typology", lambda c, f: KIND)


def test_only_marked_one_off_pieces_are_read(as_admissions: None) -> None:
    scored = [
        _ring(1, ONE_OFF, CO),  # two admission days: the mark a one-off event does not explain when repeated
        _ring(1, ONE_OFF, CO_ONE_DAY),  # one admission day: no mark, one event
        _ring(1, HOUSEHOLD, CO),  # a household: step 31's
        _ring(1, None, CO),  # a suspect ring: joined as before
        _ring(1, ONE_OFF, CO, detector="cards"),  # an institution's cards join nothing
    ]
    assert _read(scored) == [(0, KIND)]


def test_a_check_up_day_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-off piece whose typology's headline is not a co-admission (a staged clinic's lockstep) stays."""
    monkeypatch.setattr(rings, "typology", lambda c, f: "staged_clinic")
    lockstep = Reason(
        "lockstep", {"regulars": 9, "persons": 9, "venue": "C", "days": 2, "regular_share_from": 0.2}, 1.0, 0.2, 20.0
    )
    assert _read([_ring(1, ONE_OFF, lockstep)]) == []


def test_off_switch(as_admissions: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rings, "ONE_OFF_UNEXPLAINED", ())
    assert _read([_ring(1, ONE_OFF, CO)]) == []


def _scored(venues: list[int]) -> list[SimpleNamespace]:
    return [SimpleNamespace(features=SimpleNamespace(venue=v)) for v in venues]


def test_two_events_by_the_same_doctors_are_a_programme() -> None:
    staff = [frozenset({"D1"}), frozenset({"D1", "D2"})]
    got = rings._programmes([(0, KIND), (1, KIND)], [], _scored([4, 4]), staff)  # type: ignore[arg-type]
    assert got == [([0, 1], KIND)]


@pytest.mark.parametrize(
    ("venues", "staff", "why"),
    [
        ([4], [frozenset({"D1"})], "one event is once"),
        ([4, 5], [frozenset({"D1"})] * 2, "two hospitals' events are two"),
        ([4, 4], [frozenset({"D1"}), frozenset({"D2"})], "two wards' events (other doctors) are two"),
    ],
)
def test_what_is_no_programme(venues: list[int], staff: list[frozenset], why: str) -> None:
    offs = [(i, KIND) for i in range(len(venues))]
    assert rings._programmes(offs, [], _scored(venues), staff) == [], why  # type: ignore[arg-type]


def test_households_join_a_programme_but_make_none() -> None:
    """A batch read as one household (unknown addresses) joins the events of its staff; households alone make none."""
    staff = [frozenset({"D1"})] * 4
    scored = _scored([4, 4, 4, 4])
    got = rings._programmes([(0, KIND), (1, KIND)], [(2, KIND), (3, KIND)], scored, staff)  # type: ignore[arg-type]
    assert got == [([0, 1, 2, 3], KIND)]
    assert rings._programmes([(0, KIND)], [(2, KIND), (3, KIND)], scored, staff) == []  # type: ignore[arg-type]


def test_constants() -> None:
    assert rings.ONE_OFF_UNEXPLAINED == ("co_admission",) and rings.ONE_OFF_PROGRAMME == 2
    assert np.isclose(CO.points, 10.0)
