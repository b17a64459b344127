"""Kept cards (detect.cards.kept_cards): a village doctor keying visits on the cards he keeps, not a family-doctor day."""

import pytest

from graphfraud.detect import cards
from graphfraud.errors import ParamError
from graphfraud.params import CardParams
from graphfraud.pipeline import run

from .worlds import DEAD, HOMETOWN, KEPT, MIGRANTS, SIGNED, candidates_by_venue, kept_world


@pytest.mark.parametrize("evening", [True, False], ids=["evening_batch", "spread"])
def test_a_village_doctors_kept_cards_are_found_without_any_hard_flag(evening: bool) -> None:
    """No death recorded, no phone shared: the cards are seen by their cycle alone, the migrants' with them
    (their own care is at the city hospital, their card is billed at the village clinic all year)."""
    found = candidates_by_venue(cards.detect, kept_world(evening=evening, deaths=False), CardParams())
    assert list(found) == ["V0"], "the family-doctor day at V2 and the monthly chronic patients are not kept cards"
    persons, evidence = found["V0"]
    assert evidence["headline"] == "kept_cards"
    assert set(KEPT + MIGRANTS + DEAD) <= set(persons)
    assert len(persons) <= len(KEPT + MIGRANTS + DEAD) + 2  # a villager or two as steady by chance, no more
    assert evidence["chance"] <= CardParams().max_chance / evidence["tested"]


def test_with_death_dates_the_clinic_is_still_one_ring_of_its_kept_cards() -> None:
    """The dead cards flag V0 (too few to prove it alone); however it is proven, its kept cards are one ring."""
    found = candidates_by_venue(cards.detect, kept_world(deaths=True), CardParams())
    assert list(found) == ["V0"]
    assert set(KEPT + MIGRANTS + DEAD) <= set(found["V0"][0])


def test_the_cycle_must_be_faster_than_a_monthly_follow_up() -> None:
    """The cycle is what the test asks: at kept_cycle 7 (weekly or faster) V0's cards, keyed every 10-25 days, are
    not steady, and V0 is no candidate."""
    found = candidates_by_venue(cards.detect, kept_world(deaths=False), CardParams(kept_cycle=7.0))
    assert "V0" not in found


def test_end_to_end_the_kept_cards_are_a_ring_and_the_family_doctor_day_is_not() -> None:
    """The evening batch is reported (its off-hours keying is no day of care); the family-doctor day, a daytime
    queue of elders who also come on their own, is explained as scheduled primary care."""
    result = run(kept_world(evening=True, deaths=False))

    def persons(ring):  # type: ignore[no-untyped-def]
        return {m.entity_id for m in ring.members if m.entity_type == "person"}

    kept = [r for r in result.rings if len(persons(r) & set(KEPT + MIGRANTS)) >= 10]
    assert kept and kept[0].benign is None and kept[0].typology == "staged_clinic"
    assert any(reason.code == "kept_cards" for reason in kept[0].reasons)
    assert not [r for r in result.rings if len(persons(r) & set(SIGNED)) >= 5], "the family-doctor day is care"
    day = [r for r in result.explained if len(persons(r) & set(SIGNED)) >= len(SIGNED) / 2]
    assert day and day[0].benign is not None and day[0].benign.code == "benign_primary"  # a daytime queue, present


def test_a_clinics_frequent_patients_tail_is_no_kept_cards() -> None:
    """Step 152 (ninthworld 13, 15, 17's 老乡诊所): the hometown patients billed steadily are the tail of the many on
    the same cycle just under the bar; a keeper's cards are a mode of their own, billed far past it."""
    world = kept_world(deaths=False, hometown=True)
    off = candidates_by_venue(cards.detect, world, CardParams(kept_tail=0.0))
    assert "V5" in off and set(off["V5"][0]) <= set(HOMETOWN), "without the tail test the 老乡诊所 is a candidate"
    found = candidates_by_venue(cards.detect, world, CardParams())
    assert "V5" not in found
    assert "V0" in found and set(KEPT + MIGRANTS + DEAD) <= set(found["V0"][0])


def test_kept_tail_must_not_be_negative() -> None:
    with pytest.raises(ParamError, match="'kept_tail' parameter of CardParams must be a float >= 0"):
        CardParams(kept_tail=-0.1)
