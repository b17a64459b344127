"""Card misuse without a group event (detect/cards.py): flags gathered into a ring per institution."""

import dataclasses

import numpy as np
import pandas as pd

from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, PERSONS, PHARMACIES, ClaimsData
from graphfraud.detect import DETECTORS, cards
from graphfraud.graph.build import build_graph
from graphfraud.params import CardParams
from graphfraud.pipeline import run
from graphfraud.score.rings import select_rings
from graphfraud.synth.toy import _table

CENTRES = [f"H{i}" for i in range(5)]
SHOPS = ["P0", "P1", "P2", "P3"]


def _world(*, family_phone: str = "F1", collector_phone: str = "COLLECTOR"):
    """Five township centres, four pharmacies (P0 and P1 one chain), ordinary patients at each.

    - H0 bills stays on 5 villagers who died a year before (冒名住院) and on 6 living cards with no care of
      their own, billed the same way;
    - H1 bills the final stays of 4 patients who died in hospital, settled 1-2 days after death;
    - H2 sees a family of 6 bound to one phone at two addresses;
    - the chain P0/P1 swipes 8 cards of 8 households bound to one collector's phone, every 20 days.
    """
    persons, claims = [], []
    n = [0]

    def person(pid, *, death=None, phone=None, address=None):
        persons.append(
            (pid, "F", "1950-01-01", "350206", "resident", phone or f"ph{pid}", address or f"ad{pid}", death)
        )

    def claim(pid, venue, day, total, *, visit_type="outpatient", doctor=None):
        n[0] += 1
        pharmacy = venue.startswith("P")
        when = pd.Timestamp("2024-01-01 09:00") + pd.Timedelta(days=int(day))
        claims.append((f"C{n[0]:06d}", pid, None, None if pharmacy else venue, venue if pharmacy else None,
                       doctor, visit_type, when, None, float(total), round(total * 0.6), 0.0, "I10", None))  # fmt: skip

    rng = np.random.default_rng(3)
    for c in CENTRES:  # ordinary patients: a stay and their own care around it
        for k in range(40):
            pid = f"{c}-p{k}"
            person(pid)
            claim(pid, c, rng.integers(0, 300), rng.uniform(500, 900), visit_type="inpatient", doctor=f"D{c}a")
            for _ in range(3):
                claim(pid, c, rng.integers(0, 330), 30, doctor=f"D{c}b")
            claim(pid, SHOPS[rng.choice(4, p=[0.1, 0.1, 0.4, 0.4])], rng.integers(0, 330), rng.uniform(20, 90))
    for k in range(5):  # the dead, billed for stays a year after death
        person(f"dead{k}", death="2023-01-10")
        claim(f"dead{k}", "H0", 40 + 30 * k, 1800 + 10 * k, visit_type="inpatient", doctor="DH0a")
    for k in range(6):  # living cards billed the same way, with no care of their own
        person(f"away{k}")
        claim(f"away{k}", "H0", 50 + 30 * k, 1850 + 10 * k, visit_type="inpatient", doctor="DH0a")
    for k in range(4):  # died in hospital: the final stay settled one or two days after death
        death = pd.Timestamp(f"2024-0{k + 3}-10")
        person(f"ward{k}", death=str(death.date()))
        after = (death - pd.Timestamp("2024-01-01")).days + 1 + k % 2
        claim(f"ward{k}", "H1", after, 2500, visit_type="inpatient", doctor="DH1a")
    for k in range(6):  # one family, two homes, one phone (家庭共济)
        person(f"fam{k}", phone=family_phone, address=f"home{k % 2}")
        for d in range(4):
            claim(f"fam{k}", "H2", 60 * d + k, 40, doctor="DH2b")
    for k in range(8):  # a collector's cards, swiped at the chain's shops every 20 days
        person(f"card{k}", phone=collector_phone, address=f"house{k}")
        for d in range(8):
            claim(f"card{k}", SHOPS[d % 2], 20 * d + k, 300 + k)
    facilities = [(c, f"{c}乡镇卫生院", "community", 1, "public", "350206", 30) for c in CENTRES]
    doctors = [(f"D{c}{x}", c, "医生", "医师", "全科") for c in CENTRES for x in "ab"]
    pharmacies = [(s, f"药店{s}", "CHAIN" if s in ("P0", "P1") else None, "350206") for s in SHOPS]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, facilities), _table(PHARMACIES, pharmacies),
        _table(DOCTORS, doctors), _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


def _found(data):
    g = build_graph(data)
    out = {}
    for c in cards.detect(g):
        venue = str(g.visits.venues.ids[g.visits.table["venue"].to_numpy()[c.claims[0]]])
        out[venue] = (sorted(str(p) for p in g.visits.persons.ids[c.persons]), c.evidence)
    return out


def test_cards_is_a_detector():
    assert DETECTORS["cards"] == (cards, "cards")


def test_claims_after_death_gather_the_institutions_cards_into_one_ring():
    found = _found(_world())
    persons, evidence = found["H0"]
    assert {f"dead{k}" for k in range(5)} <= set(persons)  # every flagged card
    assert {f"away{k}" for k in range(6)} <= set(persons)  # and the cards billed the same way
    assert not any(p.startswith("H0-") for p in persons)  # not the centre's ordinary patients
    assert evidence["dead"] == 5 and evidence["flagged"] == 5 and evidence["chance"] <= CardParams().max_chance


def test_a_final_stay_settled_after_death_in_hospital_is_no_sign():
    assert "H1" not in _found(_world())
    # without the grace days the same settlements are flagged
    g = build_graph(_world())
    ward = np.isin(
        g.visits.table["person"].to_numpy(), g.visits.persons.codes(pd.Series([f"ward{k}" for k in range(4)]))
    )
    assert not cards.posthumous(g, 3)[ward].any() and cards.posthumous(g, 0)[ward].all()


def test_a_family_on_one_phone_is_not_a_collector_but_a_phone_of_eight_households_is():
    found = _found(_world())
    assert "H2" not in found
    persons, evidence = found["P0"]  # the chain is one institution
    assert persons == sorted(f"card{k}" for k in range(8)) and evidence["phone"] == 8


def test_a_masked_phone_identifies_no_one():
    assert "P0" not in _found(_world(collector_phone="138****1234"))


def test_the_rings_are_scored_with_their_typology_and_the_misused_cards_reason():
    rings = {r.typology: r for r in run(_world()).rings}
    ghost, chain = rings["induced_admission"], rings["card_collector"]
    assert ghost.reasons[0].code == chain.reasons[0].code == "misused_cards"
    assert "5 claimed more than 3 days after the holder's death" in ghost.reasons[0].text
    assert "co_admission" not in {r.code for r in ghost.reasons}  # no group admission was seen


def test_a_group_seen_meeting_keeps_its_own_ring_over_its_institutions_cards():
    """Two collectors at one chain are two rings; a broker's recruits keep the ring of their batches."""
    chain = next(r for r in run(_world()).rings if r.typology == "card_collector")

    def group(name, persons):
        return dataclasses.replace(chain, ring_id=name, detector="covisit", score=chain.score / 2, person_codes=persons)

    one, two = group("RONE", chain.person_codes[:4]), group("RTWO", chain.person_codes[4:])
    rings, _ = select_rings([chain, one, two])
    assert sorted(r.ring_id for r in rings) == ["RONE", "RTWO"]
    rings, _ = select_rings([chain, one])
    assert [r.ring_id for r in rings] == ["RONE"]
    rings, _ = select_rings([chain])  # where no group was seen, the card ring stands
    assert [r.ring_id for r in rings] == [chain.ring_id]


def test_the_card_uses_are_one_group_by_of_the_claims_shared_by_the_flags():
    # issue 18: the claims grouped per (institution, card) once per run; the flags computed from them are those
    # computed without them, and a pharmacy chain's shops are one institution
    g = build_graph(_world())
    unit, _ = cards.institutions(g)
    u = unit[g.visits.column("venue")]
    uses = cards.card_uses(g, u)
    expected = pd.DataFrame({"unit": u, "person": g.visits.column("person")}).value_counts().sort_index()
    assert list(zip(uses.unit.tolist(), uses.person.tolist())) == expected.index.tolist()
    assert uses.claims.tolist() == expected.tolist()
    chain = g.visits.venues.codes(pd.Series(["P0", "P1"]))
    assert len(set(unit[chain].tolist())) == 1
    params = CardParams()
    assert (cards.phone_hubs(g, u, params, uses=uses) == cards.phone_hubs(g, u, params)).all()
    assert (cards.posthumous(g, 3, uses=uses) == cards.posthumous(g, 3)).all()
    hub = cards.phone_hubs(g, u, params)
    holders = set(g.visits.persons.ids[g.visits.column("person")[hub]].tolist())
    assert holders == {f"card{k}" for k in range(8)}
    assert uses.any_of(hub).sum() == 8  # one pair per collected card: the chain's
