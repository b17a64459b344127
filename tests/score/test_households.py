"""Households who each come to the doctor together (thirdworld seed 18: two families at one township centre,
joined into one "ring" by a day on which both came, hours apart) are explained as households, with or without
addresses; a broker's recruits who come one by one, or off one bus, are not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.score.features import Features, claim_facts, features
from graphfraud.score.reasons import benign_explanation, households

Measure = Callable[[Path], Callable[[str], Features]]


def _world(tmp_path: Path, *, addresses: bool, met: bool = False) -> Path:
    """A township centre C0 and its 600 townspeople (1,500 visits at random hours over 200 days).

    Family A (5 persons at one address) comes on days 10, 40, 70, 100, 130, 160, family B (4 persons) on days
    25, 55, 85, 115, 145 and 100: both on day 100, A at 9:00 and B at 14:00, each member 1-3 minutes after
    the one before.  Broker R's 9 recruits (9 addresses) come on days 12, 32, ..., 172, each at a random hour
    (one by one); broker S's 9 recruits arrive off one bus on days 15, 45, ..., 165, 2 minutes apart.  With
    ``met``, family B also came on day 70, walking in among family A's arrivals (one burst, once).
    """
    rng = np.random.default_rng(3)
    rows = []  # person, minute
    town = [f"T{i:03d}" for i in range(600)]
    for _ in range(1500):
        rows.append((town[int(rng.integers(0, 600))], int(rng.integers(0, 200)) * 1440 + int(rng.integers(480, 1020))))

    def party(people: list[str], day: int, start: int) -> None:
        minute = day * 1440 + start
        for p in people:
            minute += int(rng.integers(1, 4))
            rows.append((p, minute))

    fam_a, fam_b = [f"A{i}" for i in range(5)], [f"B{i}" for i in range(4)]
    for day in (10, 40, 70, 100, 130, 160):
        party(fam_a, day, 540)
    for day in (25, 55, 85, 115, 145, 100):
        party(fam_b, day, 840)
    spread, bus = [f"R{i}" for i in range(9)], [f"S{i}" for i in range(9)]
    for day in range(12, 180, 20):
        for p in spread:
            rows.append((p, day * 1440 + int(rng.integers(480, 1020))))
    for day in range(15, 180, 30):
        party(bus, day, 600)
    if met:
        party(fam_b, 70, 545)
    t = pd.DataFrame(rows, columns=["patient_id", "minute"])
    start = (pd.Timestamp("2024-03-01") + pd.to_timedelta(t["minute"], unit="min")).dt.strftime("%Y-%m-%d %H:%M:%S")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": "C0",
        "doctor_id": "D0", "visit_type": "outpatient", "start_time": start, "total_amount": 50.0, "fund_amount": 30.0,
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = sorted(set(t["patient_id"]))
    table = pd.DataFrame({"person_id": persons})
    if addresses:  # a family lives at one address, everyone else at their own
        table["address"] = [p[0] if p[0] in "AB" else p for p in persons]
    table.to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"facility_id": ["C0"], "kind": ["community"]}).to_csv(tmp_path / "facilities.csv", index=False)
    pd.DataFrame({"doctor_id": ["D0"], "facility_id": ["C0"]}).to_csv(tmp_path / "doctors.csv", index=False)
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def _measuring(tmp_path: Path, *, addresses: bool) -> tuple[np.ndarray, list[int], Callable[[list[int]], Features]]:
    """The world's person ids, its townspeople who came 2-4 times, and the features of a group of person codes."""
    graph = build_graph(read_claims_dir(_world(tmp_path, addresses=addresses)))
    facts = claim_facts(graph)
    ids = graph.visits.persons.ids
    person = graph.visits.column("person")
    visits = np.bincount(person, minlength=len(ids))
    town = [int(i) for i in np.flatnonzero(pd.Series(ids).str.startswith("T").to_numpy()) if 2 <= visits[i] <= 4]

    def measured(codes: list[int]) -> Features:
        rows = np.flatnonzero(np.isin(person, codes))
        return features(Candidate("covisit", np.asarray(sorted(codes)), rows), facts)

    return ids, town, measured


@pytest.mark.parametrize("addresses", [True, False])
def test_two_families_joined_by_one_day_are_households_and_brokers_are_not(
    tmp_path: Path, addresses: bool, measure_by_letter: Measure
) -> None:
    measured = measure_by_letter(_world(tmp_path, addresses=addresses))

    families = measured("AB")
    assert (families.parties, families.party_smallest, families.party_largest) == (2, 4, 5)
    assert families.party_together == 1.0 and families.party_addresses == (1 if addresses else 0)
    assert households(families)
    reason = benign_explanation(families)
    assert reason is not None and reason.code == "benign_household"
    # the recruits who come one by one are mostly alone; off the bus they are one party of nine
    spread, bus = measured("R"), measured("S")
    assert spread.party_together < 0.8 and not households(spread)
    assert bus.parties == 1 and bus.party_largest == 9 and not households(bus)
    # nor are a family and a broker's bus-load, which are two parties but one of them no household
    assert not households(measured("AS"))


def test_a_member_who_came_alone_leaves_households_households_but_not_a_bus_load(tmp_path: Path) -> None:
    """Thirdworld 38 and 39: two to four families at one township centre with a townsperson or two who were there
    on their days, hours apart (parties of one).  The families stay households; a bus-load of eight with two such
    townspeople is one party that is the bulk of the group, and is not."""
    ids, town, measured = _measuring(tmp_path, addresses=False)
    town = town[:2]  # two townspeople with a few visits each: never within minutes of a family's or the bus's arrivals
    families = [int(i) for i, p in enumerate(ids) if p[0] in "AB"]
    mixed = measured(families + town)
    assert mixed.parties == 4 and mixed.party_smallest == 1 and mixed.party_together >= 0.8
    assert households(mixed)
    reason = benign_explanation(mixed)
    assert reason is not None and reason.code == "benign_household"
    bus = [int(i) for i, p in enumerate(ids) if p[0] == "S"][:8]
    load = measured(bus + town)
    assert load.party_largest == 8 and load.party_smallest == 1 and 2 * load.party_largest > load.persons
    assert not households(load) and benign_explanation(load) is None


def test_two_families_who_once_walked_in_together_stay_two_parties(tmp_path: Path, measure_by_letter: Measure) -> None:
    """Thirdworld 38: two families who arrived in one burst on one day were one party of twelve, and the group no
    households.  A party is the persons who come together repeatedly: the families stay two parties and are
    explained; the bus-load, which comes in one burst every time, stays one party."""
    measured = measure_by_letter(_world(tmp_path, addresses=False, met=True))

    families = measured("AB")
    assert (families.parties, families.party_smallest, families.party_largest) == (2, 4, 5)
    assert households(families)
    bus = measured("S")
    assert bus.parties == 1 and bus.party_largest == 9 and not households(bus)


def test_a_member_whose_claims_went_to_another_group_is_judged_by_their_own_arrivals(tmp_path: Path) -> None:
    """Thirdworld 38: a family member was in the group but his claims at the centre went to another group
    (a person's claims go to one group), so the group's claims held 13 of its 14 members and the households
    test, which wants every member in a party, failed.  His own arrivals at the venue are with his family."""
    graph = build_graph(read_claims_dir(_world(tmp_path, addresses=False)))
    facts = claim_facts(graph)
    person_ids = pd.Series(graph.visits.persons.ids)
    person = graph.visits.column("person")
    codes = np.flatnonzero(person_ids.str[0].isin(["A", "B"]).to_numpy())
    a0 = int(np.flatnonzero((person_ids == "A0").to_numpy())[0])
    rows = np.flatnonzero(np.isin(person, codes) & (person != a0))  # none of A0's claims
    families = features(Candidate("covisit", codes, rows), facts)
    assert families.party_members == families.persons == 9 and families.party_largest == 5
    assert households(families)
    # a townsperson put in the group without claims in it, who never arrives with anyone, stays a party of one
    visits = np.bincount(person, minlength=len(person_ids))
    town = next(i for i in np.flatnonzero(person_ids.str.startswith("T").to_numpy()) if visits[i] >= 2)
    joined = features(Candidate("covisit", np.sort(np.r_[codes, town]), np.flatnonzero(np.isin(person, codes))), facts)
    assert joined.party_members == joined.persons and joined.party_smallest == 1


@pytest.mark.parametrize("addresses", [True, False])
def test_one_home_with_a_member_who_came_alone_is_a_household_and_a_bus_load_is_not(
    tmp_path: Path, addresses: bool
) -> None:
    """Thirdworld 46: a family of seven at one address, another family and a child who came alone at the county's
    maternal and child hospital; the family is 7 of 12, over ``HOUSEHOLDS_BULK``.  A party whose persons all live
    at one known address is a home, not a broker's bus-load (recruits from many homes): family A (5 at one
    address) with a townsperson who came alone is explained with addresses exported, not without; the bus-load
    of eight (eight addresses) with the same townsperson never is."""
    ids, town, measured = _measuring(tmp_path, addresses=addresses)
    town = town[:1]
    home = measured([int(i) for i, p in enumerate(ids) if p[0] == "A"] + town)
    assert (home.parties, home.party_largest, home.party_smallest, home.persons) == (2, 5, 1, 6)
    assert home.party_together >= 0.8 and 2 * home.party_largest > home.persons
    assert home.party_largest_home == (5 if addresses else 0)
    assert households(home) == addresses  # without addresses six persons may still be one household (step 17)
    if addresses:
        reason = benign_explanation(home)
        assert reason is not None and reason.code == "benign_household"
    load = measured([int(i) for i, p in enumerate(ids) if p[0] == "S"][:8] + town)
    assert load.party_largest == 8 and load.party_largest_home == (1 if addresses else 0)
    assert not households(load) and benign_explanation(load) is None


def test_busloads_of_persons_each_come_once_are_no_parties() -> None:
    # step 129: four busloads of five different elders, each admitted once, a minute apart: every arrival is in a
    # burst, but no one arrives with a party of their own (no two came together twice), so none is with its party
    from types import SimpleNamespace

    from graphfraud.score.features import _parties

    person = np.arange(20)
    minute = np.array([day * 1440 + 480 + i for day in (3, 10, 17, 24) for i in range(5)])
    v = SimpleNamespace(column=lambda name: {"person": person, "minute": minute}[name])
    facts = SimpleNamespace(person_address=np.arange(20))
    found = _parties(v, np.arange(20), facts)  # type: ignore[arg-type]
    assert found["parties"] == 20 and found["party_largest"] == 1
    assert found["party_together"] == 0.0
    # a family of two who came together twice, among them, arrive with their party
    person2 = np.r_[person, [0, 1]]
    minute2 = np.r_[minute, [40 * 1440 + 600, 40 * 1440 + 601]]
    v2 = SimpleNamespace(column=lambda name: {"person": person2, "minute": minute2}[name])
    found = _parties(v2, np.arange(22), facts)  # type: ignore[arg-type]
    assert found["party_largest"] == 2 and found["party_together"] == pytest.approx(4 / 22)
