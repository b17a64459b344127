"""Cards proven by the way their few flagged cards were billed (detect.cards._seeded)."""

from graphfraud.detect import cards
from graphfraud.graph.build import build_graph
from graphfraud.params import CardParams

from .worlds import candidates_by_venue, village_world


def _found(data, params=CardParams()):
    """The candidates of the flagged cards (the kept-card candidates, by cycle alone, are test_kept_cards.py's)."""
    found = candidates_by_venue(cards.detect, data, params)
    return {v: c for v, c in found.items() if c[1]["headline"] != "kept_cards"}


def test_one_dead_card_billed_like_a_village_doctors_kept_cards_proves_his_clinic():
    """One card of a villager who died, keyed every few weeks after death as the doctor's fifteen kept cards are:
    too few flags to prove the clinic (min_cards 3), but its way of being billed is his, beyond the peers' rate."""
    found = _found(village_world(dead=1))
    assert list(found) == ["V0"]
    persons, evidence = found["V0"]
    assert {f"kept{k}" for k in range(15)} | {"dead0"} <= set(persons)
    assert len(persons) <= 15 + 1 + 3  # a villager or two billed as often, no more
    assert evidence["seeded"] is True and evidence["flagged"] == 1 and evidence["dead"] == 1
    assert evidence["tests"]["alike"]["chance"] <= CardParams().max_chance


def test_without_a_flag_nothing_is_seen_and_flags_within_the_peers_rate_are_a_seed_too():
    """Kept cards at ordinary cost with nothing that cannot be are not seen as misused (they are as kept cards,
    billed every 12-20 days: detect.cards.kept_cards).  Three dead cards are min_cards,
    but V1's stray flag makes three among V0's cards no more than the peers' rate allows (tail above
    max_chance): not proven by the flags, the clinic is proven by the way they were billed."""
    assert _found(village_world(dead=0)) == {}
    kept = candidates_by_venue(cards.detect, village_world(dead=0), CardParams())  # seen by their cycle instead
    assert list(kept) == ["V0"] and kept["V0"][1]["headline"] == "kept_cards"
    persons, evidence = _found(village_world(dead=3))["V0"]
    assert evidence["flagged"] == 3 and evidence["chance"] > CardParams().max_chance and evidence["seeded"] is True
    assert {f"kept{k}" for k in range(15)} <= set(persons)


def test_a_recorded_death_a_month_early_among_monthly_regulars_proves_nothing():
    """V1's stray card was billed as its ordinary villagers and chronic regulars are, which the peers' patients
    are too: most of the cards it would join are what the peers' rate gives (SEED_CHANCE_SHARE)."""
    assert "V1" not in _found(village_world(dead=1))
    assert "V1" not in _found(village_world(dead=0), CardParams(max_chance=0.01))


def test_the_bound_is_shared_by_every_institution_with_a_stray_flag():
    """A Bonferroni bound: with two institutions flagged but not proven (V0 and V1), each is tested at
    max_chance / 2, so V0 is proven exactly when its tail is at most half of max_chance."""
    chance = _found(village_world(dead=1))["V0"][1]["tests"]["alike"]["chance"]
    assert chance <= CardParams().max_chance / 2
    assert list(_found(village_world(dead=1), CardParams(max_chance=2.02 * chance))) == ["V0"]
    assert _found(village_world(dead=1), CardParams(max_chance=1.98 * chance)) == {}


def test_an_institution_proven_by_its_flags_joins_only_cards_beyond_what_the_peers_rate_gives(monkeypatch):
    """SEED_CHANCE_SHARE holds on both routes: five dead cards prove V0 by themselves, and its fifteen kept cards
    join (15 of 75 "alike" where the peers' rate gives 3.3, a share of 0.22); were that share above the bound, the
    join would be the peers' pattern and only the flagged cards would stay (otherworld seed 39: a chain's 815
    look-alikes at lift 1.1)."""

    def flagged_candidate():  # type: ignore[no-untyped-def]
        g = build_graph(village_world(dead=5))
        (c,) = [c for c in cards.detect(g) if c.evidence["headline"] == "misused_cards"]
        return sorted(str(p) for p in g.visits.persons.ids[c.persons]), c.evidence

    persons, evidence = flagged_candidate()
    assert evidence["seeded"] is False and evidence["alike"] == 15 and len(persons) == 20
    monkeypatch.setattr(cards, "SEED_CHANCE_SHARE", 0.2)
    persons, evidence = flagged_candidate()
    assert evidence["seeded"] is False and evidence["alike"] == 0 and evidence["tests"] == {}
    assert persons == [f"dead{k}" for k in range(5)]
