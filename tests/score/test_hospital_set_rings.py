"""Step 136: the pieces of an operator's cards give way to his set of large hospitals (score.rings._merging)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from graphfraud.score.rings import _merging, hospital_set

# the reasons' code, args and points, as _merging reads them
SET = SimpleNamespace(code="card_load", args={"flagged": 40, "hospital_expected": 0.3}, points=40.0)
LOAD = SimpleNamespace(code="card_load", args={"flagged": 9, "cards": 3000}, points=30.0)


def _ring(persons: range, score: float, detector: str, reasons: list) -> SimpleNamespace:
    return SimpleNamespace(person_codes=np.asarray(list(persons)), score=score, detector=detector, reasons=reasons,
                           benign=None, ring_id=f"R{score}", features=SimpleNamespace(venue=0))  # fmt: skip


def _people(ring: SimpleNamespace) -> set:
    return set(ring.person_codes.tolist())


def test_the_pieces_of_his_cards_give_way_to_his_set_whatever_they_score() -> None:
    """Fifthworld 20 and 3: a hospital's loaded-card piece (all of it his cards) scores 100 as his set does, and
    a misused-cards ring of 323 holds 51 of his 55; fifthworld 1: a session's co-visit ring holds 22 of 24."""
    operator = _ring(range(0, 55), 100.0, "cardload", [SET])
    piece = _ring(range(0, 32), 100.0, "cardload", [LOAD])
    pooled = _ring(list(range(4, 55)) + list(range(1000, 1272)), 100.0, "cards", [])
    session = _ring(list(range(30, 52)) + [2000, 2001], 52.5, "covisit", [])
    other = _ring(range(3000, 3080), 60.0, "covisit", [])  # a staged clinic of none of his cards
    touching = _ring(list(range(0, 10)) + list(range(4000, 4150)), 70.0, "coadmit", [])  # 10 of 160: his cards' own
    rings = [operator, piece, pooled, session, other, touching]
    assert hospital_set(operator) and not hospital_set(piece)
    gone = _merging(rings, _people, 10.0)  # type: ignore[arg-type]
    assert gone == {id(piece), id(pooled), id(session)}


def test_a_group_ring_that_holds_part_of_a_set_keeps_its_place() -> None:
    """Step 143 (the synth grid's seed 239, round 25): a set of 13 cards, 7 of them patients a doctor steered to
    dear care, made his kickback ring of 60 give way; only a ring of the same cards gives way now."""
    small = _ring(range(0, 13), 70.0, "cardload", [SET])
    kickback = _ring(list(range(0, 7)) + list(range(5000, 5053)), 55.0, "steering", [])
    mostly = _ring(list(range(0, 10)) + [6000, 6001], 40.0, "covisit", [])  # 10 of its 12 are the set's cards
    piece = _ring(range(3, 10), 30.0, "cards", [])  # a card ring of 7 of them
    gone = _merging([small, kickback, mostly, piece], _people, 10.0)  # type: ignore[arg-type]
    assert gone == {id(mostly), id(piece)}


def test_without_a_set_nothing_changes() -> None:
    piece = _ring(range(0, 32), 100.0, "cardload", [LOAD])
    session = _ring(range(0, 24), 52.5, "covisit", [])
    assert _merging([piece, session], _people, 10.0) == {id(piece)}  # type: ignore[arg-type]
