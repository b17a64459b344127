"""Step 103: pieces of one organisation at several venues are joined when one doctor billed most of each piece, or
when their venues are sites of one registered institution.

Seventhworld seed 1: a 卫生院 doctor's phantom rota is one suspect piece per village clinic (21 + 20 + 14 of 55),
each billed 73-96% by him; held-out seed 9 the same (three clinics, 94-96% each).  Seeds 3 and 5: a 中医馆
chain's shops (own doctors each) carry their parent's code with a site suffix (``H51040211844``, ``-01``, ``-02``).
Otherworld seeds 19 and 23 and owh17 107: two staged clinics' pieces at two venues share a doctor who billed
31-64% of one and 17-56% of the other: not their organiser, not joined.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from graphfraud.params import ScoreParams
from graphfraud.score import rings

KIND = "staged_clinic"


def _piece(name: str, persons: range, venue: int, *doctors: tuple[str, float]) -> SimpleNamespace:
    return SimpleNamespace(
        ring_id=name,
        benign=None,
        typology=KIND,
        score=60.0,
        detector="covisit",
        features=SimpleNamespace(venue=venue),
        members=tuple(SimpleNamespace(entity_type="doctor", entity_id=d, score=s) for d, s in doctors),
        reasons=(SimpleNamespace(code="lockstep", points=9.5),),
        person_codes=np.asarray(list(persons)),
    )


VENUES = {1: "H53282215522-01", 3: "H53282215522-03", 5: "H53282215522", 8: "H53282290001", 9: "H5328229000"}
VENUES |= {10: "P36073200210", 11: "P36073200211", 12: "P36073200210-01"}
SHOPS = (10, 11, 12)  # pharmacies


def stub_other_joins(monkeypatch: pytest.MonkeyPatch) -> None:
    """``join_pieces``' joins other than step 103's site join stubbed: no ghost stays, households, one-off pieces or
    relays, no venues seen in common, and a union is the pieces as they are."""
    for name in ("_ghost_stays", "_one_household_pieces", "_one_off_pieces", "_relays"):
        monkeypatch.setattr(rings, name, lambda *a, **k: [])
    monkeypatch.setattr(rings, "_venues_seen", lambda scored, open_, facts: {i: {} for i in open_})
    monkeypatch.setattr(rings, "_union", lambda candidates, pieces, **e: pieces)


@pytest.fixture
def joined(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``join_pieces`` with its other joins stubbed: a union is scored as a suspect ring of the pieces' persons."""
    stub_other_joins(monkeypatch)
    monkeypatch.setattr(
        rings,
        "_institutions",
        lambda scored, open_, facts: {
            i: (
                rings._institution(VENUES[scored[i].features.venue]) if rings.JOIN_SITES else str(i),
                scored[i].features.venue in SHOPS,
            )
            for i in open_
        },
    )
    monkeypatch.setattr(rings, "_score", lambda pieces, facts, params, **k: _piece("U", range(0, 99), 0))

    def run(pieces: list[SimpleNamespace]) -> list[str]:
        no_candidates: Any = [None] * len(pieces)  # the unions are stubbed: the candidates are not read
        out = rings.join_pieces(pieces, no_candidates, None, ScoreParams())  # type: ignore[arg-type]
        return sorted(r.ring_id for r in out)

    return run


def test_a_doctors_rota_at_three_clinics_is_one_ring(joined: Any) -> None:
    a = _piece("A", range(0, 21), 8, ("D1", 0.73), ("D2", 0.25))
    b = _piece("B", range(21, 41), 9, ("D1", 0.96))
    assert joined([a, b]) == ["U"]


def test_a_doctor_billing_part_of_a_piece_does_not_join_it(joined: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    a = _piece("A", range(0, 61), 8, ("D1", 0.64), ("D2", 0.21), ("D3", 0.15))
    b = _piece("B", range(61, 71), 9, ("D1", 0.33), ("D2", 0.31), ("D3", 0.36))  # otherworld 19
    assert joined([a, b]) == ["A", "B"]
    monkeypatch.setattr(rings, "LEAD_DOCTOR_SHARE", None)
    assert joined([a, _piece("B", range(61, 71), 9, ("D1", 0.96))]) == ["A", "B"]


def test_a_prescriber_does_not_join_two_pharmacies_pieces(joined: Any) -> None:
    a = _piece("A", range(0, 45), 10, ("D1", 0.75))  # thirdworld 41: a card buyer and a chain's cash-out, one
    b = _piece("B", range(45, 92), 11, ("D1", 0.6))  # prescriber on half or more of each one's purchases
    assert joined([a, b]) == ["A", "B"]
    # nor are a chain's shops under one code one operator (often franchised)
    assert joined([a, _piece("B", range(45, 92), 12, ("D2", 0.6))]) == ["A", "B"]


def test_the_sites_of_one_institution_are_one_organisation(joined: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    shops = [_piece("A", range(0, 45), 5, ("D1", 0.5)), _piece("B", range(45, 87), 1, ("D2", 0.5))]
    shops.append(_piece("C", range(87, 125), 3, ("D3", 0.5)))
    assert joined(shops) == ["U"]
    assert joined([shops[0], _piece("B", range(45, 87), 9, ("D2", 0.5))]) == ["A", "B"]  # another institution
    monkeypatch.setattr(rings, "JOIN_SITES", False)
    assert joined(shops) == ["A", "B", "C"]
