"""Step 98: a weak piece billed as the suspect ring at its venue with its staff is joins it; a loaded-card ring gives
way to a paid-for-others ring at its venue that holds half of it.

Fourthworld 43's turnover clinic (recruits replaced month by month, two or three sessions each): the clinic's
doctor bills two co-visit pieces at 2.2x the same care elsewhere; one is in lockstep (a suspect ring, 16
persons), the other (21) is in lockstep with no one and, without its typology's mark, joined nothing.
Fourthworld 37's 家庭共济 cash-out: the shop's loaded-card ring (12 of the cash-out's persons and one other)
scored above the paid-for-others ring (23 of 26) and dropped it.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from graphfraud.params import ScoreParams
from graphfraud.score import rings

KIND = "staged_clinic"


def _reason(code: str, points: float) -> SimpleNamespace:
    return SimpleNamespace(code=code, points=points, args={})  # (a Reason's values: none here)


def _ring(name: str, score: float, persons: range, *reasons: SimpleNamespace, doctor: str = "D1") -> SimpleNamespace:
    return SimpleNamespace(
        ring_id=name,
        benign=None,
        typology=KIND,
        score=score,
        detector="covisit",
        features=SimpleNamespace(venue=7),
        members=(SimpleNamespace(entity_type="doctor", entity_id=doctor, score=0.5),),
        reasons=tuple(reasons),
        person_codes=np.asarray(list(persons)),
    )


@pytest.fixture
def joined(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``join_pieces`` with its other joins stubbed: a union is scored as a suspect ring of the pieces' persons."""
    for name in ("_ghost_stays", "_one_household_pieces", "_one_off_pieces", "_relays"):
        monkeypatch.setattr(rings, name, lambda *a, **k: [])
    monkeypatch.setattr(rings, "_venues_seen", lambda scored, open_, facts: {i: {} for i in open_})
    monkeypatch.setattr(
        rings, "_institutions", lambda scored, open_, facts: {i: (str(i), False) for i in open_}
    )  # step 103
    monkeypatch.setattr(rings, "_one_home_lockstep", lambda c, r, f: False)
    monkeypatch.setattr(rings, "_union", lambda candidates, pieces, **e: pieces)

    def union(pieces: list[int], facts: object, params: object, **k: object) -> SimpleNamespace:
        persons = range(0, sum(len(scored[i].person_codes) for i in pieces))
        return _ring("U", 17.4, persons, _reason("cost_ratio", 13.4), _reason("lockstep", 3.9))

    monkeypatch.setattr(rings, "_score", union)
    scored: list[Any] = []

    def run(pieces: list[SimpleNamespace]) -> list[str]:
        scored[:] = pieces
        no_candidates: Any = [None] * len(pieces)  # the unions are stubbed: the candidates are not read
        out = rings.join_pieces(pieces, no_candidates, None, ScoreParams())  # type: ignore[arg-type]
        return sorted(r.ring_id for r in out)

    return run


COST = _reason("cost_ratio", 13.2)
LOCKSTEP = _reason("lockstep", 9.5)


def test_a_cohort_billed_as_the_ring_joins_it(joined: Any) -> None:
    ring = _ring("A", 16.1, range(0, 16), COST, LOCKSTEP)
    cohort = _ring("B", 11.5, range(16, 37), _reason("cost_ratio", 13.6), _reason("cycle", 1.2))
    assert joined([ring, cohort]) == ["U"]


def test_a_piece_billed_otherwise_or_by_another_doctor_stays(joined: Any) -> None:
    ring = _ring("A", 16.1, range(0, 16), COST, LOCKSTEP)
    regulars = _ring("B", 11.5, range(16, 37), _reason("dominance", 1.5), _reason("cycle", 1.2))  # nothing billed
    assert joined([ring, regulars]) == ["A", "B"]
    elsewhere = _ring("B", 11.5, range(16, 37), _reason("cost_ratio", 13.6), doctor="D2")
    assert joined([ring, elsewhere]) == ["A", "B"]
    phone = _ring("B", 11.5, range(16, 37), _reason("shared_phone", 10.0))  # billed, but not as the ring is
    assert joined([ring, phone]) == ["A", "B"]


def test_off_switch(joined: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rings, "BILLED_ALIKE", ())
    ring = _ring("A", 16.1, range(0, 16), COST, LOCKSTEP)
    cohort = _ring("B", 11.5, range(16, 37), _reason("cost_ratio", 13.6))
    assert joined([ring, cohort]) == ["A", "B"]


def _card(name: str, score: float, persons: range, headline: str, venue: int = 3) -> SimpleNamespace:
    return SimpleNamespace(
        ring_id=name,
        benign=None,
        score=score,
        detector="cardload",
        features=SimpleNamespace(venue=venue, median_arrival_gap=0.0),
        reasons=(_reason(headline, 40.0),),
        person_codes=np.asarray(list(persons)),
    )


def _kept(scored: list[SimpleNamespace]) -> list[str]:
    ranked, _ = rings.select_rings(scored, ScoreParams())  # type: ignore[arg-type]
    return [r.ring_id for r in ranked]


@pytest.fixture
def ranked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rings, "_with_rank", lambda ring, rank: ring)


def test_the_cash_out_read_as_payments_is_reported(ranked: None) -> None:
    loaded = _card("L", 57.5, range(0, 13), "card_load")  # 12 of the cash-out's persons and one other card
    paid = _card("P", 55.3, range(1, 24), "paid_for_others")
    assert _kept([loaded, paid]) == ["P"]


def test_a_card_ring_of_others_or_at_another_shop_stands(ranked: None, monkeypatch: pytest.MonkeyPatch) -> None:
    chain = _card("L", 57.5, range(0, 60), "card_load")  # a chain's cards, 23 of 60 the cash-out's
    paid = _card("P", 55.3, range(1, 24), "paid_for_others")
    assert _kept([chain, paid]) == ["L"]
    other_shop = _card("L", 57.5, range(0, 13), "card_load", venue=4)
    assert _kept([other_shop, paid]) == ["L"]
    monkeypatch.setattr(rings, "PAID_HOLDS", None)
    assert _kept([_card("L", 57.5, range(0, 13), "card_load"), paid]) == ["L"]
