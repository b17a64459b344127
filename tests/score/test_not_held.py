"""Step 60: a piece that a better suspect ring of another typology holds joins no organisation."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from graphfraud.score.rings import _not_held


def _ring(persons: range | list[int], score: float, typology: str, detector: str = "covisit") -> SimpleNamespace:
    return SimpleNamespace(person_codes=np.asarray(list(persons)), score=score, typology=typology, detector=detector)


def test_a_bus_villagers_piece_held_by_the_bus_ring_joins_nothing() -> None:
    """Thirdworld 60: co-visit pieces of the free bus's villagers (typed staged clinic) sit inside the bus's
    co-admission ring; the broker's own pieces (no overlap) stay open to be joined."""
    bus = _ring(range(100, 194), 66.3, "induced_admission", "coadmit")
    villagers = _ring(range(100, 123), 18.3, "staged_clinic")
    broker = _ring(range(0, 23), 20.4, "staged_clinic")
    sibling = _ring(range(23, 53), 30.8, "staged_clinic")
    assert _not_held([bus, villagers, broker, sibling], [0, 1, 2, 3]) == [0, 2, 3]


def test_pieces_of_one_typology_a_worse_ring_a_card_ring_or_a_small_overlap_do_not_hold() -> None:
    big = _ring(range(0, 40), 50.0, "staged_clinic")
    piece = _ring(range(0, 10), 20.0, "staged_clinic")  # the same typology: a piece of one organisation
    assert _not_held([big, piece], [0, 1]) == [0, 1]
    worse = _ring(range(0, 40), 10.0, "induced_admission")  # holds it but scores lower: the piece leads, and the
    assert _not_held([worse, piece], [0, 1]) == [1]  # worse ring is the one select_rings would drop
    cards = _ring(range(0, 40), 90.0, "card_collector", "cards")  # a card ring gives way to group rings
    assert _not_held([cards, piece], [0, 1]) == [0, 1]
    touching = _ring(range(6, 46), 60.0, "induced_admission")  # 4 of the piece's 10: under half
    assert _not_held([touching, piece], [0, 1]) == [0, 1]
    half = _ring(range(5, 45), 60.0, "induced_admission")  # 5 of 10: half of the smaller, as select_rings drops
    assert _not_held([half, piece], [0, 1]) == [0]
