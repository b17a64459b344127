"""Relatives' purchases paid from a dead holder's account (家庭共济 on an account not settled): no keeper's flag,
one explained finding (detect.cards.kin_on_dead_accounts and kin_finding, step 96)."""

import dataclasses

import numpy as np

from graphfraud.detect import cards
from graphfraud.graph.build import build_graph
from graphfraud.pipeline import run

from .worlds import mutual_world

DEAD = 10  # families whose payer died on 2024-03-01 (day 60); their parents buy on days k, 40 + k, ... 160 + k


def _kin(data):  # type: ignore[no-untyped-def]
    g = build_graph(data)
    kin = cards.kin_on_dead_accounts(g, 3)
    patients = set(data.claims["patient_id"].to_numpy()[kin])
    return g, kin, patients


def _parents_after_death() -> set:
    return {f"f{k}-parent" for k in range(DEAD) if any(40 * d + k > 63 for d in range(1, 5))}


def test_a_relatives_purchases_on_a_dead_payers_account_are_kin_and_no_card_is_flagged():
    data = mutual_world(dead_payers=DEAD)
    g, kin, patients = _kin(data)
    assert kin.any() and not (kin & ~cards.posthumous(g, 3)).any()  # every one after the holder's death
    assert patients and patients <= _parents_after_death()
    assert set(data.claims["holder_id"].to_numpy()[kin]) <= {f"f{k}-payer" for k in range(DEAD)}
    found = cards.detect(g)
    assert not [c for c in found if c.evidence["headline"] == "misused_cards"]
    (finding,) = [c for c in found if c.evidence["headline"] == cards.KIN_ACCOUNTS]
    assert np.array_equal(finding.claims, np.flatnonzero(kin))
    members = set(g.visits.persons.ids[finding.persons].astype(str))
    assert members == patients | set(data.claims["holder_id"].to_numpy()[kin])
    assert finding.evidence["purchases"] == int(kin.sum()) and finding.evidence["relatives"] == len(patients)


def test_a_dead_holders_card_billed_for_himself_or_for_a_stranger_is_not_kin():
    """A keeper bills the dead holder's card for the holder (the patient is the holder), and a stranger of another
    address is no relative where the export has addresses: both stay flags; without addresses a living other
    patient is a relative (家庭共济 pays for close relatives only)."""
    data = mutual_world(dead_payers=DEAD)
    _, kin, _ = _kin(data)
    claims = data.claims.copy()
    claims.loc[kin, "patient_id"] = claims.loc[kin, "holder_id"]
    g, himself, _ = _kin(dataclasses.replace(data, claims=claims))
    assert not himself.any() and cards.posthumous(g, 3)[kin].all()
    persons = data.persons.copy()
    persons.loc[persons["person_id"].str.endswith("-parent"), "address"] = "elsewhere"
    _, apart, _ = _kin(dataclasses.replace(data, persons=persons))
    assert not apart.any()
    persons["address"] = None
    _, unknown, _ = _kin(dataclasses.replace(data, persons=persons))
    assert np.array_equal(unknown, kin)


def test_without_a_death_or_a_payer_there_is_no_kin():
    assert not _kin(mutual_world())[1].any()
    assert not _kin(mutual_world(dead_payers=DEAD, holder_column=False))[1].any()


def test_the_finding_is_explained_never_a_ring():
    result = run(mutual_world(dead_payers=DEAD))
    payers = {f"f{k}-payer" for k in range(DEAD)}
    assert not [r for r in result.rings if {m.entity_id for m in r.members} & payers]
    (found,) = [r for r in result.explained if r.benign is not None and r.benign.code == "benign_kin_account"]
    assert {m.entity_id for m in found.members if m.entity_type == "person"} & payers
