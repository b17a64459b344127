"""A hospital's ghost stays seen by two detectors are one ring (score.rings._ghost_stays, step 55): the cards that
cannot have been used (step 25) and the persons admitted again and again (step 20), with the same doctors."""

from __future__ import annotations

import types

import numpy as np

from graphfraud.params import CardParams, ScoreParams, SignalParams
from graphfraud.score.rings import _ghost_stays
from graphfraud.score.rules import _args


def _ring(detector: str, typology: str, venue: int, persons: range | list[int], score: float = 60.0):
    return types.SimpleNamespace(
        detector=detector,
        typology=typology,
        benign=None,
        score=score,
        features=types.SimpleNamespace(venue=venue),
        person_codes=np.asarray(list(persons), dtype=np.int64),
    )


def _pairs(card, group, staff=(frozenset({"D1"}), frozenset({"D1", "D2"})), min_cards=CardParams().min_cards):
    candidates = [types.SimpleNamespace(params={"min_cards": min_cards}), types.SimpleNamespace(params={})]
    return _ghost_stays([card, group], candidates, {group.typology: [1]}, list(staff), ScoreParams())  # type: ignore[arg-type]


def test_dead_cards_admitted_again_by_the_same_doctors_join_the_hospitals_repeat_stays():
    """Nine dead cards billed for stays at hospital 7, and ten persons admitted there twice or more, four of them
    among the dead cards, by the same doctor D1: one scheme of ghost stays."""
    dead = _ring("cards", "induced_admission", 7, range(0, 9))
    beds = _ring("beds", "induced_admission", 7, range(5, 15))
    assert _pairs(dead, beds) == [(0, 1)]


def test_a_card_ring_that_shares_only_its_hospital_or_a_few_persons_with_a_group_joins_nothing():
    dead = _ring("cards", "induced_admission", 7, range(0, 9))
    beds = _ring("beds", "induced_admission", 7, range(5, 15))
    assert _pairs(dead, _ring("beds", "induced_admission", 7, range(7, 17))) == []  # two cards in both: chance
    assert _pairs(dead, beds, staff=(frozenset({"D1"}), frozenset({"D3"}))) == []  # other doctors' admissions
    assert _pairs(dead, beds, staff=(frozenset({"D1"}), frozenset())) == []  # no doctor on record to share
    assert _pairs(dead, _ring("beds", "induced_admission", 8, range(5, 15))) == []  # another hospital
    assert _pairs(dead, beds, min_cards=5) == []  # fewer cards in both than prove an institution


def test_a_collectors_cards_at_a_shop_and_weak_or_explained_rings_join_nothing():
    """A card ring at a pharmacy (a collector's cards, typology card_collector) would carry the shop's look-alike
    cards into the co-visit ring of its sessions; loaded cards (cardload) are not a hard flag; a card ring under
    min_score or explained is no suspect piece."""
    group = _ring("covisit", "card_collector", 7, range(5, 15))
    assert _pairs(_ring("cards", "card_collector", 7, range(0, 9)), group) == []
    beds = _ring("beds", "induced_admission", 7, range(5, 15))
    assert _pairs(_ring("cardload", "induced_admission", 7, range(0, 9)), beds) == []
    assert _pairs(_ring("cards", "induced_admission", 7, range(0, 9), score=1.0), beds) == []
    explained = _ring("cards", "induced_admission", 7, range(0, 9))
    explained.benign = object()
    assert _pairs(explained, beds) == []


def test_a_joined_rings_repeat_stays_reason_counts_the_persons_admitted_again_not_the_whole_ring():
    """The joined ring of thirdworld 48 holds 16 persons, of whom the beds piece's 11 were admitted twice or more
    and had the 30 admissions its reason counts: the reason says 11, not 16.  A beds ring alone says its own."""
    e = {"repeaters": 8, "inpatients": 90, "rate": 0.09, "times": 3, "peer_rate": 0.016, "peers": 2,
         "peer_group": "hospital level 1", "repeat_ratio": 5.6, "member_times": 2, "admissions": 30}  # fmt: skip
    f = types.SimpleNamespace(persons=16)
    joined = _args("repeat_stays", f, {"venue": "H1"}, e | {"members": 11}, SignalParams())  # type: ignore[arg-type]
    assert joined["persons"] == 11 and joined["admissions"] == 30
    assert _args("repeat_stays", f, {"venue": "H1"}, e, SignalParams())["persons"] == 16  # type: ignore[arg-type]
