"""Cards swiped in batches at one pharmacy (detect.cardbatch, step 110): a holder's pool of cards, a handful at a
time minutes apart, again and again; not a family buying together, a shop's rush hour or a carer's monthly round."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, PERSONS, PHARMACIES, ClaimsData
from graphfraud.detect import cardbatch
from graphfraud.errors import ParamError
from graphfraud.graph.build import build_graph
from graphfraud.params import CardBatchParams
from graphfraud.pipeline import run
from graphfraud.score.features import claim_facts
from graphfraud.score.rings import score_candidates
from graphfraud.score.wording import say
from graphfraud.synth.toy import _table

from .worlds import candidates_by_venue

POOL = [f"pool{i}" for i in range(20)]  # the holder's cards (a 村医's villagers), swiped at P0
FAMILIES = [[f"fam{f}-{k}" for k in range(3)] for f in range(6)]  # households buying together at P1
RESIDENTS = [f"home{i}" for i in range(25)]  # a home's residents, whose refills a carer buys at P3 every month
REGULARS = [f"rush{i}" for i in range(120)]  # P2's morning regulars, each about monthly in its rush hour


def batch_world(*, holder: bool = True, dates_only: bool = False) -> ClaimsData:
    """Five pharmacies P0..P4 of a county town over a year, 600 townspeople buying at them 1-4 times each at an hour
    of the day (08:00-20:00), and:

    - P0: when ``holder``, one person holds :data:`POOL`'s cards and swipes 3-8 of them every 7-14 days, 1-4
      minutes apart at an hour of the day, each card again after 20-40 days (the cards' owners buy now and then
      elsewhere on their own);
    - P1: :data:`FAMILIES`, each household's three cards swiped together 1-2 minutes apart every month;
    - P2: a rush hour: :data:`REGULARS` each about monthly between 08:00 and 09:00, with the walk-ins of the day;
    - P3: a carer buys the refills of :data:`RESIDENTS` (85% each time) with their cards once a month, 1-3 minutes
      apart (代配药).

    ``dates_only`` writes every time at midnight (a date-only export).
    """
    rng = np.random.default_rng(7)
    persons, claims = [], []

    def person(pid: str, address: str | None = None) -> None:
        persons.append((pid, "F", "1955-01-01", "350206", "resident", f"ph{pid}", address or f"ad{pid}", None))

    def buy(pid: str, shop: str, day: int, minute: int, total: float) -> None:
        when = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(day), minutes=0 if dates_only else int(minute))
        claims.append((f"C{len(claims):06d}", pid, None, None, shop, None, "pharmacy", when, None,
                       float(round(total, 2)), round(total * 0.5, 2), 0.0, None, None))  # fmt: skip

    shops = [f"P{i}" for i in range(5)]
    for k in range(600):
        person(f"town{k}")
        for _ in range(int(rng.integers(1, 5))):
            buy(f"town{k}", str(rng.choice(shops)), int(rng.integers(0, 360)), int(rng.integers(480, 1200)), 40.0)
    for pid in POOL:
        person(pid)
        buy(pid, str(rng.choice(shops[1:])), int(rng.integers(0, 360)), int(rng.integers(480, 1200)), 30.0)
    if holder:
        due = {pid: 0 for pid in POOL}
        day = int(rng.integers(0, 7))
        while day < 360:
            ready = [p for p in POOL if due[p] <= day]
            minute = int(rng.integers(600, 960))
            for pid in rng.permutation(ready)[: int(rng.integers(3, 9))]:
                minute += int(rng.integers(1, 5))
                buy(str(pid), "P0", day, minute, 300.0)
                due[str(pid)] = day + int(rng.integers(20, 41))
            day += int(rng.integers(7, 15))
    for f, household in enumerate(FAMILIES):
        for pid in household:
            person(pid, address=f"family{f}")
        for month in range(12):
            minute = int(rng.integers(540, 1140))
            for i, pid in enumerate(household):
                buy(pid, "P1", 30 * month + f, minute + i * int(rng.integers(1, 3)), 60.0)
    for pid in REGULARS:
        person(pid)
        for month in range(12):
            if rng.random() < 0.8:
                buy(pid, "P2", 30 * month + int(rng.integers(0, 30)), int(rng.integers(480, 540)), 45.0)
    for pid in RESIDENTS:
        person(pid, address="home")
    for month in range(12):
        minute = 540
        for pid in rng.permutation(RESIDENTS):
            if rng.random() < 0.85:
                minute += int(rng.integers(1, 4))
                buy(str(pid), "P3", 30 * month + 10, minute, 120.0)
    pharmacies = [(s, f"{s}大药房", None, "350206") for s in shops]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, []), _table(PHARMACIES, pharmacies), _table(DOCTORS, []),
        _table(CLAIMS, claims), _table(CLAIM_ITEMS, []), time_resolution="day" if dates_only else "minute",
    )  # fmt: skip


def test_a_holders_pool_swiped_in_handfuls_is_found_and_nothing_else() -> None:
    found = candidates_by_venue(cardbatch.detect, batch_world(), CardBatchParams())
    assert list(found) == ["P0"], "families (P1), the rush hour (P2) and the carer's round (P3) are no pool"
    persons, evidence = found["P0"]
    assert set(persons) <= set(POOL) and len(persons) >= 15
    assert evidence["headline"] == "batch_cards" and evidence["typology"] == "card_collector"
    assert evidence["sessions"] >= CardBatchParams().min_sessions
    assert evidence["chance"] <= CardBatchParams().max_chance
    assert evidence["round_share"] <= CardBatchParams().max_round  # handfuls of the pool, not the roster


def test_without_the_holder_no_candidate() -> None:
    assert candidates_by_venue(cardbatch.detect, batch_world(holder=False), CardBatchParams()) == {}


def test_the_carers_round_is_a_pool_only_when_rounds_are_allowed() -> None:
    """The round test is what keeps the home out: with ``max_round`` 1 its roster is a pool of its own."""
    found = candidates_by_venue(cardbatch.detect, batch_world(holder=False), CardBatchParams(max_round=1.0))
    assert list(found) == ["P3"]
    assert set(found["P3"][0]) <= set(RESIDENTS) and found["P3"][1]["round_share"] >= 0.5


def test_families_are_too_small_for_a_pool_and_come_whole() -> None:
    """Each family is batched every month, but a household is three cards, and all three come each time (a
    round): only with ``min_cards`` 3 and ``max_round`` 1 are they pools, each its own."""
    assert "P1" not in candidates_by_venue(cardbatch.detect, batch_world(holder=False), CardBatchParams(min_cards=3))
    found = candidates_by_venue(
        cardbatch.detect, batch_world(holder=False), CardBatchParams(min_cards=3, max_round=1.0)
    )
    assert "P1" in found and set(found["P1"][0]) in [set(f) for f in FAMILIES]


def test_dates_only_switch_it_off() -> None:
    data = batch_world(dates_only=True)
    assert candidates_by_venue(cardbatch.detect, data, CardBatchParams()) == {}
    result = run(data)
    assert "no time of day" in result.signals.off["cardbatch"]  # named in run.json


def test_the_pool_scored_alone_is_a_card_collector_ring_with_its_reason() -> None:
    graph = build_graph(batch_world())
    (candidate,) = cardbatch.detect(graph)
    (ring,), _ = score_candidates([candidate], claim_facts(graph))
    assert ring.typology == "card_collector" and ring.benign is None and ring.detector == cardbatch.NAME
    assert {m.role for m in ring.members if m.entity_type == "person"} == {"card_holder"}
    (reason,) = [r for r in ring.reasons if r.code == "batch_cards"]
    assert reason.points > 0 and reason.args["flagged"] == len(candidate.persons)
    assert "成批刷卡" in say("batch_cards", reason.args, "zh")


def test_end_to_end_the_pool_is_one_card_collector_ring() -> None:
    """Whichever detector's ring reports it (a group seen meeting leads, step 68's giving way), the pool is one
    card collector's ring."""
    result = run(batch_world())
    assert result.candidates["cardbatch"] == 1
    held = [r for r in result.rings if len({m.entity_id for m in r.members} & set(POOL)) >= 15]
    assert held and held[0].typology == "card_collector"


def test_deterministic() -> None:
    data = batch_world()
    a, b = (
        candidates_by_venue(cardbatch.detect, data, CardBatchParams()),
        candidates_by_venue(cardbatch.detect, replace(data), CardBatchParams()),
    )
    assert a.keys() == b.keys() and all(a[k][0] == b[k][0] for k in a)


@pytest.mark.parametrize(
    "field, value",
    [("gap_minutes", 0), ("batch_cards", 1), ("min_days", 1), ("min_share", 0.0), ("min_cards", 1),
     ("min_sessions", 0), ("max_chance", 1.0), ("max_round", 0.0)],
)  # fmt: skip
def test_bad_params_are_refused(field: str, value: float) -> None:
    with pytest.raises(ParamError, match=f"'{field}' parameter of CardBatchParams"):
        CardBatchParams(**{field: value})
