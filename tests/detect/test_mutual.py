"""Purchases paid from strangers' accounts, billed dear again and again at one pharmacy (detect/mutual.py, 家庭共济套现)."""

import numpy as np
import pandas as pd
import pytest

from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, PERSONS, PHARMACIES, ClaimsData
from graphfraud.detect import DETECTORS, cardload, mutual
from graphfraud.graph.build import build_graph
from graphfraud.params import MutualParams, RunParams
from graphfraud.pipeline import run
from graphfraud.synth.toy import _table

SHOPS = [f"P{i}" for i in range(6)]


def _world(*, holders=3, elders=15, dear=(150.0, 250.0), swipes=6, household=False, holder_column=True):
    """Six pharmacies, 80 ordinary customers each (20-80 yuan, their own accounts), 60 families whose employee
    pays a resident relative's purchases now and then (家庭共济, one address), and at P0 ``holders`` employees'
    accounts paying for ``elders`` elders of other addresses (``household``: the same address), ``swipes``
    purchases each at ``dear`` yuan."""
    persons, claims = [], []
    n = [0]
    rng = np.random.default_rng(5)

    def person(pid, insured="resident", address=None):
        persons.append((pid, "F", "1950-01-01", "350206", insured, None, address or f"ad-{pid}", None))

    def claim(pid, shop, day, total, holder=None):
        n[0] += 1
        when = pd.Timestamp("2024-01-01 09:00") + pd.Timedelta(days=int(day), minutes=int(n[0] % 600))
        claims.append((f"C{n[0]:06d}", pid, holder if holder_column else None, None, shop, None, "pharmacy", when,
                       None, float(round(total, 2)), 0.0, float(round(total, 2)), None, None))  # fmt: skip

    for s in SHOPS:
        for k in range(80):
            pid = f"{s}-c{k}"
            person(pid)
            for _ in range(int(rng.integers(1, 4))):
                claim(pid, s, rng.integers(0, 330), rng.uniform(20, 80))
    for k in range(60):  # a family: the employee pays for a parent's refills, at what refills cost
        payer, parent = f"f{k}-payer", f"f{k}-parent"
        person(payer, "employee", f"home{k}")
        person(parent, "resident", f"home{k}")
        shop = SHOPS[k % len(SHOPS)]
        for d in range(int(rng.integers(1, 6))):
            claim(parent, shop, 40 * d + k, rng.uniform(20, 80), holder=payer)
    for h in range(holders):
        person(f"holder{h}", "employee", "shop-street" if household else None)
    for k in range(elders):
        elder = f"elder{k}"
        person(elder, "resident", "shop-street" if household else None)
        for d in range(swipes):
            claim(elder, "P0", rng.integers(0, 330), rng.uniform(*dear), holder=f"holder{k % max(holders, 1)}")
    pharmacies = [(s, f"药店{s}", None, "350206") for s in SHOPS]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, []), _table(PHARMACIES, pharmacies), _table(DOCTORS, []),
        _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


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


def test_without_holder_ids_the_signal_is_off():
    assert _found(_world(holder_column=False)) == []


@pytest.mark.parametrize("min_pairs", [3, 15, 16])
def test_min_pairs_is_the_fewest_loaded_pairs(min_pairs):
    assert len(_found(_world(), MutualParams(min_pairs=min_pairs))) == (min_pairs <= 15)


def test_end_to_end_the_ring_is_a_card_collectors_with_its_reason():
    result = run(_world(), RunParams())
    assert result.candidates["mutual"] == 1
    (ring,) = [r for r in result.rings if any(reason.code == "paid_for_others" for reason in r.reasons)]
    assert ring.typology == "card_collector" and len(ring.person_codes) == 18
