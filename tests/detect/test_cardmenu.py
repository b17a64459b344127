"""Menu-loaded cards (detect/cardmenu.py) and loaded cards beside a kickback or a group (score.rings.beside_steering)."""

import dataclasses
import types

import numpy as np

from graphfraud.detect import DETECTORS, cardload, cardmenu
from graphfraud.graph.build import build_graph
from graphfraud.params import CardMenuParams
from graphfraud.pipeline import run
from graphfraud.score.rings import beside_steering
from .worlds import menu_world as _world


def _found(data, params=CardMenuParams()):
    g = build_graph(data)
    out = {}
    for c in cardmenu.detect(g, params):
        venues = g.visits.venues.ids[g.visits.table["venue"].to_numpy()[c.claims]]
        out[tuple(sorted(set(venues.astype(str))))] = (sorted(g.visits.persons.ids[c.persons].astype(str)), c.evidence)
    return out


def test_cardmenu_is_a_detector_whose_rings_are_loaded_card_rings():
    assert DETECTORS["cardmenu"] == (cardmenu, "cardmenu")
    ((persons, evidence),) = _found(_world()).values()
    assert evidence["headline"] == "card_load" and evidence["menu"] is True


def test_a_chains_menu_of_dear_baskets_on_many_cards_is_one_ring_of_the_chain():
    found = _found(_world())
    assert list(found) == [("P0", "P1")]  # both shops, one institution
    persons, evidence = found[("P0", "P1")]
    assert persons == [f"card{k}" for k in range(10)]
    assert evidence["flagged"] == 10 and evidence["times"] == 6
    assert evidence["chance"] <= CardMenuParams().max_chance and evidence["share"] >= CardMenuParams().min_share


def test_a_cash_out_at_two_shops_of_no_chain_a_few_swipes_at_each_is_one_ring_of_both(monkeypatch):
    """Step 113 (fifthworld 7 and 31): the cards swiped twice at each of two independent shops are under
    min_claims at either, and at each the other's swipes are their own pattern; the shops share all ten cards
    billed their baskets, far beyond chance among ~500 cards, so they are judged as one institution."""
    found = _found(_world(chain=False, swipes=4))
    assert list(found) == [("P0", "P1")]
    persons, evidence = found[("P0", "P1")]
    assert set(persons) <= {f"card{k}" for k in range(10)} and len(persons) >= 8  # (two whose baskets are alike)
    assert evidence["institutions"] == 2 and evidence["shared"] == len(persons)
    monkeypatch.setattr(cardmenu, "LINKED_SHOPS", False)
    assert _found(_world(chain=False, swipes=4)) == {}  # each shop alone: no card loaded


def test_linked_shops_need_min_cards_shared_and_leave_a_chains_ring_as_it_was():
    # four cards at both shops are fewer than min_cards: no link, no ring; a chain's shops are one institution
    # already (its candidate's evidence as before step 113: no institutions counted)
    assert _found(_world(chain=False, swipes=4, cards=4)) == {}
    ((_, evidence),) = _found(_world()).values()
    assert "institutions" not in evidence and "shared" not in evidence


def test_the_same_baskets_at_the_usual_cost_are_no_menu_and_a_handful_of_cards_is_no_ring():
    """Refills repeat one total on many cards at the usual cost (P2 is never a candidate); a cash-out near the
    usual purchase is not dear; fewer cards than min_cards, or two swipes a card, are no ring."""
    assert _found(_world(menu=(52.0, 61.0))) == {}
    assert _found(_world(cards=4)) == {}
    assert _found(_world(swipes=2)) == {}


def test_dear_baskets_each_a_customers_own_are_no_menu():
    """P3's customers pay 120-180 yuan three times each, as dear as the chain's baskets, but no two baskets alike:
    with the chain's baskets drawn the same way (no menu), the chain is no candidate either."""
    assert ("P3",) not in _found(_world())
    rng = np.random.default_rng(2)
    assert _found(_world(menu=tuple(rng.uniform(120, 180, 60).round(2)))) == {}


def test_dear_baskets_that_fill_the_cards_own_prescriptions_are_no_menu():
    """The same dear baskets, each bought the day after the holder's own visit to a clinic, are what the doctor
    prescribed (a DTP pharmacy's cancer drugs, a kickback's purchases: steering's business), not a cash-out."""
    assert _found(_world(prescribed=True)) == {}
    # a window of the same day only does not reach the visit the day before: the baskets are a menu again
    assert list(_found(_world(prescribed=True), CardMenuParams(follow_days=0))) == [("P0", "P1")]


def test_menu_baskets_that_cost_what_the_chains_other_customers_pay_are_its_clientele():
    """Step 106: a chain whose every customer pays three times the usual purchase (a 民族药 chain) bills its
    regulars' baskets at what its walk-ins pay: its trade, no menu ring (it is one with the step off)."""
    assert _found(_world(trade=3.0)) == {}
    assert list(_found(_world(trade=3.0), CardMenuParams(own_ratio=1.0))) == [("P0", "P1")]
    assert list(_found(_world(trade=1.5))) == [("P0", "P1")]  # its customers a little dearer: the menu stands


def test_a_menu_claim_is_a_dear_total_billed_on_several_cards_of_one_institution():
    unit = np.array([0, 0, 0, 0, 1, 1])
    person = np.array([1, 2, 3, 3, 4, 5])
    total = np.array([98.0, 98.0, 98.0, 98.0, 98.0, 98.0])
    dear = np.array([True, True, True, True, True, False])
    assert cardmenu.menu_claims(unit, person, total, dear, 3).tolist() == [0, 1, 2, 3]  # unit 1: one dear card
    assert cardmenu.menu_claims(unit, person, total, dear, 4).tolist() == []


def test_the_ring_is_reported_through_the_pipeline_as_a_card_collector_with_its_reason():
    result = run(_world())
    (ring,) = [r for r in result.rings if r.detector == cardload.NAME]
    assert ring.typology == "card_collector"
    assert {m.entity_id for m in ring.members if m.entity_type == "person"} == {f"card{k}" for k in range(10)}
    assert any(r.code == "card_load" and r.value == 10 for r in ring.reasons)
    assert result.candidates["cardmenu"] == 1


def _chain_ring():  # type: ignore[no-untyped-def]
    """The chain world's reported loaded-card ring, its cardmenu candidate, the graph and the facts it needs."""
    data = _world()
    (ring,) = [r for r in run(data).rings if r.detector == cardload.NAME]
    g = build_graph(data)
    (c,) = cardmenu.detect(g)
    return ring, c, g, types.SimpleNamespace(graph=g)


def test_loaded_cards_beside_a_kickback_are_judged_on_their_own():
    """One chain hosts a kickback and a cash-out: the loaded-card ring gives way to the steering ring it holds,
    and the cards no doctor sent there are a candidate of their own when they pass the detector's tests."""
    ring, c, g, facts = _chain_ring()
    steered = dataclasses.replace(ring, ring_id="RSTEER", detector="steering", person_codes=c.persons[:4])
    (rest,) = beside_steering([ring, steered], [c], facts)  # type: ignore[arg-type]
    assert rest.persons.tolist() == c.persons[4:].tolist() and rest.evidence["steered"] == 4
    assert set(g.visits.column("person")[rest.claims].tolist()) == set(c.persons[4:].tolist())
    assert rest.evidence["flagged"] == 6 and 0 < rest.evidence["share"] < c.evidence["share"]
    most = dataclasses.replace(steered, person_codes=c.persons[:7])  # three cards left: fewer than min_cards
    assert beside_steering([ring, most], [c], facts) == []  # type: ignore[arg-type]
    assert beside_steering([ring], [c], facts) == []  # type: ignore[arg-type]  # no steering ring: nothing to do


def test_a_purchase_fills_a_prescription_after_the_cards_own_visit_whatever_the_slice_of_claims(monkeypatch):
    """cardmenu.prescribed looks for the cards' facility visits a slice of claims at a time (ROWS_AT_ONCE): the
    chain's baskets, each the day after the holder's visit to H0, fill a prescription; the other shops'
    customers, never at a facility, do not; the same with slices of 7 claims as with the whole table at once."""
    g = build_graph(_world(prescribed=True))
    v = g.visits
    pharmacy = np.flatnonzero(v.column("kind") == 1)
    holder = v.persons.ids[v.column("person")[pharmacy]].astype(str)
    shop = v.venues.ids[v.column("venue")[pharmacy]].astype(str)
    whole = cardmenu.prescribed(g, pharmacy, 1)
    chain = np.char.startswith(holder, "card") & np.isin(shop, ["P0", "P1"])
    assert chain.sum() == 60 and whole[chain].all() and not whole[~np.char.startswith(holder, "card")].any()
    monkeypatch.setattr(cardmenu, "ROWS_AT_ONCE", 7)
    assert cardmenu.prescribed(g, pharmacy, 1).tolist() == whole.tolist()
    assert cardmenu.prescribed(g, pharmacy, 0)[chain].sum() == 0  # the visit was the day before
    # scoring's way: the cards' visits from the run's index of the claims by person, the same answers
    for days in (0, 1, 3):
        assert (
            cardmenu.prescribed(g, pharmacy, days, indexed=True).tolist()
            == cardmenu.prescribed(g, pharmacy, days).tolist()
        )
    some = pharmacy[::3]
    assert cardmenu.prescribed(g, some, 1, indexed=True).tolist() == whole[::3].tolist()


def test_loaded_cards_beside_a_group_ring_that_covers_half_of_them_are_judged_on_their_own():
    """One chain hosts a card buyer and a cash-out: the buyer's cards were seen meeting (a co-visit ring holding
    half the chain's loaded cards), so the loaded-card ring gives way to it; the cash-out's cards, which met
    nobody, are the rest of a proven scheme and a candidate of their own when they pass the detector's tests.
    Where the group holds less than half of the ring, the ring stands whole and nothing is judged apart."""
    ring, c, g, facts = _chain_ring()
    met = dataclasses.replace(ring, ring_id="RMET", detector="covisit", person_codes=c.persons[:5])
    (rest,) = beside_steering([ring, met], [c], facts)  # type: ignore[arg-type]
    assert rest.persons.tolist() == c.persons[5:].tolist()
    assert rest.evidence["grouped"] == 5 and rest.evidence["steered"] == 0 and rest.evidence["flagged"] == 5
    assert set(g.visits.column("person")[rest.claims].tolist()) == set(c.persons[5:].tolist())
    few = dataclasses.replace(met, person_codes=c.persons[:4])  # 4 of 10: the ring stands whole (_merging)
    assert beside_steering([ring, few], [c], facts) == []  # type: ignore[arg-type]
    weak = dataclasses.replace(met, score=0.0)  # a group under min_score is no ring to give way to
    assert beside_steering([ring, weak], [c], facts) == []  # type: ignore[arg-type]
    explained = dataclasses.replace(met, benign=ring.reasons[0])  # nor is a group with a benign explanation
    assert beside_steering([ring, explained], [c], facts) == []  # type: ignore[arg-type]


def test_distinct_count_is_numpys_unique() -> None:
    """Speed round 22: step 113's count of the pharmacies' cards without a sort of every purchase."""
    rng = np.random.default_rng(22)
    for _ in range(50):
        codes = rng.integers(0, int(rng.integers(1, 500)), int(rng.integers(0, 300)))
        assert cardmenu.distinct_count(codes) == len(np.unique(codes))


def test_the_claims_of_the_repeated_cards_are_the_same_whatever_the_slice_of_claims(monkeypatch) -> None:
    """Speed round 23: the claims of the cards with repeated menu claims, found a slice of claims at a time, are
    the rows the whole-table masks gave (random cards, unknown cards, infinite costs; slices of 1, 7, 50 and all)."""
    rng = np.random.default_rng(23)
    for _ in range(30):
        n = int(rng.integers(0, 400))
        person = rng.integers(-1, 40, n)
        excess = np.where(rng.random(n) < 0.2, np.inf, rng.normal(size=n))
        asked = rng.choice(np.arange(40), int(rng.integers(0, 10)), replace=False)
        want = np.flatnonzero((person >= 0) & np.isfinite(excess) & np.isin(person, asked))
        for rows in (1, 7, 50, 1 << 20):
            monkeypatch.setattr(cardmenu, "ROWS_AT_ONCE", rows)
            got = cardmenu._claims_of(person, excess, asked)
            assert got.dtype == np.int64 and got.tolist() == want.tolist()


def test_the_linked_shops_pass_frees_the_runs_card_pairs_and_finds_the_same_ring() -> None:
    """Speed round 23: cardmenu is the last detector to read the run's (institution, card) pairs; it frees them
    before its linked shops' pairs are made (the run's memory peak at ten million claims), and finds the same
    ring as on a graph whose pairs another detector made first; a later reader makes them again, the same."""
    from graphfraud.detect import cards

    data = _world(chain=False, swipes=4)
    fresh = build_graph(data)
    first = [(c.persons.tolist(), c.claims.tolist()) for c in cardmenu.detect(fresh)]
    assert first and cards.USES not in fresh._shared  # the linked shops' pass ran and let the pairs go
    g = build_graph(data)
    before = cards.run_uses(g)
    again = [(c.persons.tolist(), c.claims.tolist()) for c in cardmenu.detect(g)]
    assert again == first
    after = cards.run_uses(g)
    assert after is not before
    assert all(
        np.array_equal(getattr(after, f), getattr(before, f)) for f in ("keys", "unit", "person", "claims", "key")
    )
