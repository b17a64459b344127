"""Purchases paid from strangers' accounts, billed dear again and again at one pharmacy (detect/mutual.py, 家庭共济套现)."""

import pytest

from graphfraud.detect import DETECTORS, cardload, mutual
from graphfraud.errors import ParamError
from graphfraud.graph.build import build_graph
from graphfraud.params import MutualParams, RunParams
from graphfraud.pipeline import run
from .worlds import mutual_world as _world
from .worlds import split_world


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


# step 150: no holder_id and no account_amount; the purchases of a day settled in parts, day after day


def test_elders_whose_purchases_are_settled_in_parts_day_after_day_are_one_ring():
    ((venues, persons, c),) = _found(split_world())
    assert c.detector == cardload.NAME and c.evidence["headline"] == "paid_for_others"
    assert venues == {"P0"} and persons == [f"elder{k}" for k in range(4)]
    e = c.evidence
    # 20 days each, every one split; the accounts counted by the most settlements of a day: 3 per elder
    assert (e["patients"], e["split_days"], e["days"], e["pairs"]) == (4, 80, 80, 12)
    assert e["peer_rate"] < 0.05 and e["chance"] <= MutualParams().split_chance and len(c.claims) == 4 * 20 * 3


def test_a_shop_that_settles_every_visit_in_parts_is_judged_at_its_own_rate():
    """P1 settles everyone's visits in two or three parts (中途结算): its regulars' 20 split days each are the
    shop's habit, not strangers' accounts; P0's elders are still found against P0's own customers."""
    found = _found(split_world(parts_shop=True))
    assert [v for v, _, _ in found] == [{"P0"}]


def test_one_elder_or_few_split_days_or_named_holders_are_no_split_ring():
    assert _found(split_world(elders=1)) == []  # one person settling twice a day is a habit, not a ring
    assert _found(split_world(), MutualParams(split_days=21)) == []  # 20 split days each, fewer than asked
    assert _found(split_world(days=3)) == []
    # the holders exported: each settlement names its account, and the (holder, patient) pairs are judged instead
    assert all("split_days" not in c.evidence for _, _, c in _found(split_world(holder_column=True)))


@pytest.mark.parametrize("split_days", [2, 4, 12, 20])
def test_split_days_is_the_fewest_split_days_of_a_person(split_days):
    assert len(_found(split_world(), MutualParams(split_days=split_days))) == 1


@pytest.mark.parametrize("bad", [{"split_days": 1}, {"split_chance": 0.0}, {"split_chance": 1.5}])
def test_bad_split_params_are_refused(bad):
    with pytest.raises(ParamError, match="MutualParams"):
        MutualParams(**bad)


def test_end_to_end_the_split_ring_is_a_card_collectors_with_its_reason():
    from graphfraud.evidence.wording import say

    result = run(split_world(), RunParams())
    (ring,) = [r for r in result.rings if any(reason.code == "paid_for_others" for reason in r.reasons)]
    assert ring.typology == "card_collector" and len(ring.person_codes) == 4
    (reason,) = [r for r in ring.reasons if r.code == "paid_for_others"]
    assert reason.points > 0
    assert "4 persons' purchases at P0 were settled in two parts or more on one day on 80 of their 80 days" in (
        say(reason.code, reason.args, "en").text
    )
    assert "4 人在 P0 的购药在其 80 个购药日中有 80 天同日分两笔及以上结算" in say(reason.code, reason.args, "zh").text
