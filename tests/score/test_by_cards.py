"""Step 63: a ring at a clinic whose cards were swiped without their holders, for goods, is a card collector's."""

import dataclasses

import pandas as pd

from graphfraud.pipeline import run
from graphfraud.score.reasons import Reason
from graphfraud.score.rings import named_by_cards
from graphfraud.score.typology import by_cards
from graphfraud.score import typology as typology_module
from tests.detect.worlds import CARD_CENTRES, card_world


def _reason(code: str, value: float) -> Reason:
    args = {
        "after_death": {"claims": int(value), "after_death_claims_from": 0.0},
        "cost_ratio": {"ratio": value, "ring": 30.0 * value, "peers": 30.0, "cost_ratio_from": 1.3},
        "high_value": {"share": value, "price": 200.0, "high_value_share_from": 0.4},
    }[code]
    return Reason(code, args, value, 0.0, 10.0)


def test_a_collector_swiping_at_a_clinic_is_named_a_collector_and_his_cards_holders():
    rings = run(card_world(clinic=CARD_CENTRES[3])).rings
    ring = next(r for r in rings if "H3" in {m.entity_id for m in r.members})
    assert ring.typology == "card_collector"  # the otherwise row (outpatient at a facility) was staged_clinic
    assert {m.role for m in ring.members if m.entity_type == "person"} == {"card_holder"}
    assert {"shared_phone", "cost_ratio"} <= {r.code for r in ring.reasons}


def test_only_the_name_changes():
    ring = next(r for r in run(card_world(clinic=CARD_CENTRES[3])).rings if r.typology == "card_collector")
    staged = dataclasses.replace(
        ring,
        typology="staged_clinic",
        members=tuple(dataclasses.replace(m, role="recruit") if m.role == "card_holder" else m for m in ring.members),
    )
    named = named_by_cards(staged)
    assert named.typology == "card_collector"
    assert [m.role for m in named.members] == [m.role for m in ring.members]
    assert (named.ring_id, named.score, named.rank, named.reasons) == (
        ring.ring_id,
        ring.score,
        ring.rank,
        ring.reasons,
    )


def test_kept_cards_billed_at_their_worth_keep_the_clinics_name():
    """A village doctor keying visits on the cards he keeps, dead villagers' among them, bills what they cost."""
    dead = _reason("after_death", 7)
    assert by_cards("staged_clinic", [dead]) == "staged_clinic"
    assert by_cards("staged_clinic", [dead, _reason("cost_ratio", 1.9)]) == "staged_clinic"
    assert by_cards("staged_clinic", [dead, _reason("cost_ratio", 2.0)]) == "card_collector"
    # a broker's recruits bound to his phone, billed dear: they come themselves (synth's staged clinics)
    args = {"persons": 13, "addresses": 13, "phone": "138****0001", "phone_hub_persons_from": 3.0}
    phone = Reason("shared_phone", args, 13.0, 3.0, 15.0)
    assert by_cards("staged_clinic", [phone, _reason("cost_ratio", 2.33)]) == "staged_clinic"
    # dear claims of people who come themselves: no card was shown swiped without its holder, nor goods to resell
    assert by_cards("staged_clinic", [_reason("cost_ratio", 12.0)]) == "staged_clinic"
    # dear claims that are mostly high-value items: goods to resell, whoever held the cards
    assert by_cards("staged_clinic", [_reason("high_value", 0.6), _reason("cost_ratio", 6.9)]) == "card_collector"
    assert by_cards("staged_clinic", [_reason("high_value", 0.6), _reason("cost_ratio", 1.5)]) == "staged_clinic"
    # a reason that did not score is no evidence
    assert (
        by_cards("staged_clinic", [dataclasses.replace(dead, points=0.0), _reason("cost_ratio", 12.0)])
        == "staged_clinic"
    )
    # rings of other rows keep theirs: an induced admission on dead villagers' cards is still a hospital's
    assert by_cards("induced_admission", [dead, _reason("cost_ratio", 12.0)]) == "induced_admission"


def test_dear_care_is_not_goods_to_resell():
    """Step 94 (c): a padded 血透 unit (sixthworld 2: 17.5x its peers, 79% of its money on high-value items, none of
    them goods) bills dear sessions, care no keeper sells; where the fee lines tell, it keeps its staged name."""
    reasons = [_reason("cost_ratio", 17.5), _reason("high_value", 0.79)]
    assert by_cards("staged_clinic", reasons) == "card_collector"  # no fee-line categories: as before
    assert by_cards("staged_clinic", reasons, dear_goods=0.0, dear_items=0.79) == "staged_clinic"
    assert by_cards("staged_clinic", reasons, dear_goods=0.54, dear_items=0.54) == "card_collector"  # 药店串换
    # a card used after its holder's death names a collector where goods were bought (step 125: not for dear care)
    dead = [*reasons, _reason("after_death", 3)]
    assert by_cards("staged_clinic", dead, dear_goods=0.0, dear_items=0.79) == "staged_clinic"
    assert by_cards("staged_clinic", dead, dear_goods=0.54, dear_items=0.54) == "card_collector"


def test_the_absent_and_the_dead_billed_for_care_not_goods_keep_the_clinics_name():
    """Step 125 (tenthworld 1, 3, 6): a 社区 centre keying 家庭病床 rounds and 门慢 quotas on the cards of people in
    三亚 for the winter or dead bills care at 2-6x its cost, no goods; a collector's dead cards buy goods."""
    dead, dear = _reason("after_death", 11), _reason("cost_ratio", 4.5)
    assert by_cards("staged_clinic", [dead, dear], dear_goods=0.0, dear_items=0.0) == "staged_clinic"
    assert by_cards("staged_clinic", [dead, dear], dear_goods=0.003, dear_items=0.003) == "staged_clinic"
    assert by_cards("staged_clinic", [dead, dear], dear_goods=0.27, dear_items=0.27) == "card_collector"
    assert by_cards("staged_clinic", [dead, dear]) == "card_collector"  # no fee lines: as before
    # dear items that are goods name a collector whoever held the cards, dead or not
    hv = _reason("high_value", 0.8)
    assert by_cards("staged_clinic", [hv, dear], dear_goods=0.8, dear_items=0.8) == "card_collector"
    # cards on a collector's phone with other households' name him, whatever was billed
    args = {"flagged": 12, "venue": "H1", "dead": 0, "grace_days": 3, "phone": 12, "joined": 0, "persons": 12,
            "misused_cards_from": 2.0}  # fmt: skip
    misused = Reason("misused_cards", args, 12.0, 2.0, 20.0)
    assert by_cards("staged_clinic", [misused, dear], dear_goods=0.0, dear_items=0.0) == "card_collector"


def _cards_from(region: str, *, dead: int = 0):  # type: ignore[no-untyped-def]
    """card_world's collector at the clinic H3 without his phone: his 8 cards insured in ``region`` (the venue's
    is 350206), the first ``dead`` of them held by people who died before the cards were billed."""
    world = card_world(clinic=CARD_CENTRES[3], collector_phone="")
    persons = world.persons.copy()
    cards = persons.person_id.str.startswith("card")
    persons.loc[cards, "region"] = region
    persons.loc[persons.person_id.isin([f"card{k}" for k in range(dead)]), "death_date"] = pd.Timestamp("2023-06-01")
    ring = next(
        r for r in run(dataclasses.replace(world, persons=persons)).rings if "H3" in {m.entity_id for m in r.members}
    )
    return ring.typology, {r.code for r in ring.reasons if r.points > 0}


def test_dear_cards_carried_in_from_another_city_are_a_collectors(monkeypatch):  # type: ignore[no-untyped-def]
    """Step 133 (b), off by default (FAR_CARDS None) and measured at 0.2: without a phone or a death, whose cards
    they are names the scheme: insured in another city than the clinic's (and its other patients'), they were
    carried in; a neighbouring district's come in person."""
    monkeypatch.setattr(typology_module, "FAR_CARDS", 0.2)
    assert _cards_from("440306") == (
        "card_collector",
        {"cost_ratio", "card_load", "dominance", "out_of_region", "money"},
    )
    assert _cards_from("350203")[0] == "staged_clinic"  # the same city's other district: recruits who come
    assert _cards_from("350206")[0] == "staged_clinic"  # the clinic's own region


def test_the_deads_cards_from_outside_the_venues_region_are_a_collectors():
    """Step 133: claims after death name a collector where the cards come from outside the venue's catchment
    (``out_of_region``), goods or none; the venue's own dead patients' cards keep the staged clinic's name."""
    kind, codes = _cards_from("350203", dead=3)
    assert kind == "card_collector" and {"after_death", "out_of_region"} <= codes
    kind, codes = _cards_from("350206", dead=3)
    assert kind == "staged_clinic" and "after_death" in codes and "out_of_region" not in codes


def test_far_cards_are_off_by_default():
    """Step 133 (b) is off: a 中医馆's 候鸟 recruits (insured in their home cities) are no cards carried in."""
    far = Reason("out_of_region", {"outside": 8, "persons": 8, "venue": "H3", "region": "350206",
                                   "outside_excess_from": 0.2}, 1.0, 0.2, 10.0)  # fmt: skip
    assert typology_module.FAR_CARDS is None
    assert by_cards("staged_clinic", [far, _reason("cost_ratio", 10.0)], far_cards=0.9) == "staged_clinic"
    assert _cards_from("440306")[0] == "staged_clinic"


def test_far_cards_name_a_collector_only_where_the_claims_are_dear(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(typology_module, "FAR_CARDS", 0.2)
    far = Reason("out_of_region", {"outside": 8, "persons": 8, "venue": "H3", "region": "350206",
                                   "outside_excess_from": 0.2}, 1.0, 0.2, 10.0)  # fmt: skip
    assert by_cards("staged_clinic", [far, _reason("cost_ratio", 10.0)], far_cards=0.2) == "card_collector"
    assert by_cards("staged_clinic", [far, _reason("cost_ratio", 10.0)], far_cards=0.19) == "staged_clinic"
    assert by_cards("staged_clinic", [far, _reason("cost_ratio", 1.9)], far_cards=0.9) == "staged_clinic"
    assert by_cards("staged_clinic", [_reason("cost_ratio", 10.0)]) == "staged_clinic"  # NaN: not measured
    assert by_cards("induced_admission", [_reason("cost_ratio", 10.0)], far_cards=0.9) == "induced_admission"
    dead = _reason("after_death", 4)
    assert by_cards("staged_clinic", [dead, far, _reason("cost_ratio", 2.0)], dear_goods=0.0) == "card_collector"
    assert by_cards("staged_clinic", [dead, _reason("cost_ratio", 2.0)], dear_goods=0.0) == "staged_clinic"
