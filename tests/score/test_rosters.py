"""Step 152: two doctors' rosters met at one village clinic are two groups, not one ring.

Seventhworld 1 and 4: a 卫生院 doctor's phantom rota (55-56 elders billed every rota day at about 2.2x the clinics'
other claims) and an honest rota of another doctor of the same centre at the same village clinics on the same
weekdays (15-16 of its elders at 1.3-1.4x).  Co-visits put some honest elders in the phantom's pieces, and step 103's
site join put the honest rota's unexplained pieces in the phantom's ring.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from graphfraud.detect.candidate import Candidate
from graphfraud.params import ScoreParams
from graphfraud.score import rings, rosters
from graphfraud.score.rosters import two_rosters
from tests.score.test_join_sites import stub_other_joins


def _world(members: list[tuple[int, list[int], float]]) -> tuple[Candidate, Any]:
    """A co-visit candidate whose member ``p`` has one claim per doctor in his list, each costing ``cost``."""
    person, doctor, total = [], [], []
    for p, doctors, cost in members:
        for d in doctors:
            person.append(p)
            doctor.append(d)
            total.append(cost)
    columns = {"person": np.array(person), "doctor": np.array(doctor)}
    visits = SimpleNamespace(column=lambda name: columns[name])
    facts = SimpleNamespace(graph=SimpleNamespace(visits=visits), total=np.array(total))
    persons = np.unique(np.array(person))
    return Candidate("covisit", persons, np.arange(len(person)), {"pairs": 99}, {}), facts


#: The phantom's roster: 12 elders, all their claims with doctor 7 at 65 yuan; the honest rota's 8 elders mostly
#: with doctor 8 (one also seen once by the clinic's own doctor 9) at 37 yuan.
PHANTOM = [(p, [7] * 6, 65.0) for p in range(12)]
HONEST = [(p, [8] * 5, 37.0) for p in range(12, 19)] + [(19, [8, 8, 8, 9], 37.0)]


def test_the_other_doctors_cheaper_roster_is_split_off() -> None:
    c, facts = _world(PHANTOM + HONEST)
    pieces = two_rosters([c], facts)
    assert [p.persons.tolist() for p in pieces] == [list(range(12)), list(range(12, 20))]
    lead, honest = pieces
    assert lead.evidence["rosters"] == {"doctor": 7, "kept": 12, "persons": 20, "ratio": 1.76}
    assert lead.evidence["pairs"] == 99  # the candidate's own evidence is kept
    assert honest.evidence["rosters"]["doctor"] == 8
    assert set(facts.graph.visits.column("person")[honest.claims].tolist()) == set(range(12, 20))


def test_a_few_patients_of_another_doctor_are_no_roster() -> None:
    # vn 14 and 24 (round 27): four of a 挂床 ring's recruits billed by a second doctor of the hospital, cheaper
    c, facts = _world(PHANTOM + HONEST[:4])
    assert two_rosters([c], facts) == [c]


def test_rosters_billed_alike_stay_one_ring() -> None:
    c, facts = _world(PHANTOM + [(p, [8] * 5, 60.0) for p in range(12, 20)])
    assert two_rosters([c], facts) == [c]


def test_a_ring_whose_recruits_see_its_doctors_in_turn_stays_whole() -> None:
    c, facts = _world([(p, [7, 8, 9], 65.0 if p < 10 else 30.0) for p in range(20)])
    assert two_rosters([c], facts) == [c]


def test_a_dear_minority_in_a_cheap_roster_stays() -> None:
    c, facts = _world([(p, [8] * 5, 37.0) for p in range(12)] + [(p, [7] * 5, 65.0) for p in range(12, 18)])
    assert two_rosters([c], facts) == [c]


def test_other_detectors_and_the_off_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    c, facts = _world(PHANTOM + HONEST)
    cards = Candidate("cards", c.persons, c.claims, {}, {})
    assert two_rosters([cards], facts) == [cards]
    monkeypatch.setattr(rosters, "ROSTER_COST", None)
    assert two_rosters([c], facts) == [c]


def _piece(name: str, persons: range, venue: int, doctor: str, claims: range) -> SimpleNamespace:
    return SimpleNamespace(
        ring_id=name, benign=None, typology="staged_clinic", score=60.0, detector="covisit",
        features=SimpleNamespace(venue=venue), members=(SimpleNamespace(entity_type="doctor", entity_id=doctor, score=0.9),),
        reasons=(SimpleNamespace(code="lockstep", points=9.5),), person_codes=np.asarray(list(persons)),
        claims=np.asarray(list(claims)),
    )  # fmt: skip


@pytest.fixture
def joined(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``join_pieces`` with its other joins stubbed (as in ``test_join_sites``), claims costing 65 or 37 yuan."""
    stub_other_joins(monkeypatch)
    sites = {1: "H53282215522-01", 2: "H53282215522-02"}
    monkeypatch.setattr(
        rings, "_institutions",
        lambda scored, open_, facts: {i: (rings._institution(sites[scored[i].features.venue]), False) for i in open_},
    )  # fmt: skip
    monkeypatch.setattr(rings, "_score", lambda pieces, facts, params, **k: _piece("U", range(99), 1, "D1", range(1)))
    facts = SimpleNamespace(total=np.array([65.0] * 100 + [37.0] * 100))

    def run(pieces: list[SimpleNamespace]) -> list[str]:
        out = rings.join_pieces(pieces, [None] * len(pieces), facts, ScoreParams())  # type: ignore[arg-type]
        return sorted(r.ring_id for r in out)

    return run


def test_two_doctors_billing_unlike_at_one_institutions_sites_are_not_joined(joined: Any) -> None:
    phantom = _piece("A", range(0, 30), 1, "D1", range(0, 100))
    honest = _piece("B", range(30, 43), 2, "D2", range(100, 200))
    assert joined([phantom, honest]) == ["A", "B"]
    # billed alike, the institution's sites stay one organisation (a 中医馆 chain's shops, each its own doctor)
    assert joined([phantom, _piece("B", range(30, 43), 2, "D2", range(50, 100))]) == ["U"]
    # one doctor leading both is one organisation whatever each piece costs (his rota at two clinics)
    assert joined([phantom, _piece("B", range(30, 43), 2, "D1", range(100, 200))]) == ["U"]
