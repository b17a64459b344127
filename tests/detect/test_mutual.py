"""Purchases paid from strangers' accounts, billed dear again and again at one pharmacy (detect/mutual.py, 家庭共济套现)."""

import pytest

from graphfraud.detect import DETECTORS, cardload, mutual
from graphfraud.graph.build import build_graph
from graphfraud.params import MutualParams, RunParams
from graphfraud.pipeline import run
from .worlds import mutual_world as _world


def _found(data, params=MutualParams()):
    g = build_graph(data)
    out = []
    for c in mutual.detect(g, params):
        venues = set(g.visits.venues.ids[g.visits.column("venue")[c.claims]].astype(str))
        out.append((venues, sorted(g.visits.persons.ids[c.persons].astype(str)), c))
    return out


def test_mutual_is_a_detector_whose_rings_are_loaded_card_rings():
    assert DETECTORS["mutual"] == (mutual, "mutual")
    ((venues, persons, c),) = _found(_world())
    assert c.detector == cardload.NAME and c.evidence["headline"] == "paid_for_others"


def test_a_shops_holders_paying_dear_for_strangers_are_one_ring_of_holders_and_persons():
    ((venues, persons, c),) = _found(_world())
    assert venues == {"P0"}
    assert persons == sorted([f"holder{h}" for h in range(3)] + [f"elder{k}" for k in range(15)])
    e = c.evidence
    assert (e["pairs"], e["holders"], e["patients"], e["times"]) == (15, 3, 15, 6.0)
    assert e["chance"] <= MutualParams().max_chance and len(c.claims) == 15 * 6


def test_families_paying_for_their_own_are_no_ring():
    """The same dear purchases, holder and persons at one address (a household), or at the usual cost, or too
    few of them (fewer pairs than min_pairs, one holder, two purchases a pair) are no candidate."""
    assert _found(_world(household=True)) == []
    assert _found(_world(dear=(20.0, 80.0))) == []
    assert _found(_world(elders=4)) == []
    assert _found(_world(holders=1)) == []
    assert _found(_world(swipes=2)) == []


def test_without_holder_ids_residents_paid_from_an_account_are_the_persons_paid_for():
    """Step 95: an export without ``holder_id`` still shows who was paid for: a resident (居民) has no personal
    account, so a resident's purchase paid from one was paid by another's (家庭共济).  The elders are the pairs
    (their payers unknown); the families' parents buy at the usual cost, and without account payments (the
    fund pays, as for a resident's own purchase) nothing is paid for another."""
    ((venues, persons, c),) = _found(_world(holder_column=False))
    assert venues == {"P0"} and persons == sorted(f"elder{k}" for k in range(15))
    e = c.evidence
    assert (e["pairs"], e["holders"], e["patients"]) == (15, 0, 15) and not len(e["holder"])
    assert _found(_world(holder_column=False, account=False)) == []
    assert _found(_world(holder_column=False, dear=(20.0, 80.0))) == []
    assert _found(_world(holder_column=False, elders=4)) == []


def test_without_holder_ids_the_reason_says_residents_have_no_account():
    from graphfraud.evidence.wording import say

    result = run(_world(holder_column=False), RunParams())
    (ring,) = [r for r in result.rings if any(reason.code == "paid_for_others" for reason in r.reasons)]
    (reason,) = [r for r in ring.reasons if r.code == "paid_for_others"]
    assert "holders" not in reason.args and len(ring.person_codes) == 15
    assert "15 residents' purchases at P0 were paid from a personal account" in say(reason.code, reason.args, "en").text
    assert "15 名居民参保人在 P0 的购药由个人账户支付" in say(reason.code, reason.args, "zh").text


@pytest.mark.parametrize("min_pairs", [3, 15, 16])
def test_min_pairs_is_the_fewest_loaded_pairs(min_pairs):
    assert len(_found(_world(), MutualParams(min_pairs=min_pairs))) == (min_pairs <= 15)


def test_end_to_end_the_ring_is_a_card_collectors_with_its_reason():
    result = run(_world(), RunParams())
    assert result.candidates["mutual"] == 1
    (ring,) = [r for r in result.rings if any(reason.code == "paid_for_others" for reason in r.reasons)]
    assert ring.typology == "card_collector" and len(ring.person_codes) == 18


def test_the_persons_paid_for_are_the_rings_patients_and_the_holders_its_card_holders():
    result = run(_world(), RunParams())
    (ring,) = [r for r in result.rings if any(reason.code == "paid_for_others" for reason in r.reasons)]
    roles = {m.entity_id: m.role for m in ring.members if m.entity_type == "person"}
    assert {roles[f"holder{h}"] for h in range(3)} == {"card_holder"}
    assert {roles[f"elder{k}"] for k in range(15)} == {"patient"}
    assert all(m.score > 0 for m in ring.members)
