"""One organisation in pieces (issue 14): brokers whose recruits never meet, at one clinic with its doctor, are one ring."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from graphfraud.io.read import read_claims_dir
from graphfraud.params import RunParams, ScoreParams
from graphfraud.pipeline import run

from .worlds import rings_holding, write_town_clinics


def _world(
    tmp_path: Path, *, second_clinic: bool, bused: bool = False, thin: int = 0, outbreak: int = 0
) -> tuple[Path, set[str], set[str]]:
    """A town of 2,000 persons at 20 clinics, and two brokers who each bring their own pool of 20 recruits
    to clinic C0 (doctor D0), every 7th day in the evening and every 14th day in the morning, never on
    the same day; with ``second_clinic`` the second broker works at C1 with its doctor D1 instead, and
    with ``bused`` too he brings his pool to C0 once (day 150), at C0's evening hour.  With ``thin`` the
    second broker's pool is ``thin`` recruits brought every 28th day and billed at the town's fees.  With
    ``outbreak`` that many children of one school class (persons ``Kxx``) see C0's doctor on three mornings
    in a row (days 100-102), a couple of minutes apart, at ordinary fees."""
    rng = np.random.default_rng(7)
    rows = []
    pools = [[f"A{i:02d}" for i in range(20)], [f"B{i:02d}" for i in range(thin or 20)]]
    cycles, fees = (7, 28 if thin else 14), (260.0, 60.0 if thin else 260.0)
    for b, (pool, first, cycle, hour, fee) in enumerate(zip(pools, (3, 4), cycles, (20, 9), fees)):
        clinic = 1 if (second_clinic and b == 1) else 0
        for day in range(first, 300, cycle):
            came = [p for p in pool if rng.random() < 0.8]
            start = hour * 60 + np.cumsum(rng.integers(1, 3, len(came)))
            rows += [(p, f"C{clinic}", f"D{clinic}", day, int(m), fee) for p, m in zip(came, start)]
    if bused:
        came = [p for p in pools[1] if rng.random() < 0.8]
        start = 20 * 60 + np.cumsum(rng.integers(1, 3, len(came)))
        rows += [(p, "C0", "D0", 150, int(m), 260.0) for p, m in zip(came, start)]
    kids = [f"K{i:02d}" for i in range(outbreak)]
    for day in (100, 101, 102):
        rows += [(kid, "C0", "D0", day, 9 * 60 + 2 * k + int(rng.integers(0, 2)), 80.0) for k, kid in enumerate(kids)]
    write_town_clinics(tmp_path, rows, pools[0] + pools[1] + kids, rng)
    return tmp_path, set(pools[0]), set(pools[1])


def test_two_brokers_at_one_clinic_with_its_doctor_are_one_ring(tmp_path: Path) -> None:
    directory, a, b = _world(tmp_path, second_clinic=False)
    result = run(read_claims_dir(directory), RunParams())
    holding_a, holding_b = rings_holding(result, a), rings_holding(result, b)
    assert holding_a and holding_b
    assert {r for r, _ in holding_a} == {r for r, _ in holding_b}  # one ring holds both pools
    ring = next(r for r in result.rings if r.ring_id == holding_a[0][0])
    assert ring.typology == "staged_clinic"
    assert {m.entity_id for m in ring.members if m.entity_type == "doctor"} == {"D0"}


def test_brokers_at_two_clinics_with_their_own_doctors_stay_two_rings(tmp_path: Path) -> None:
    directory, a, b = _world(tmp_path, second_clinic=True)
    result = run(read_claims_dir(directory), RunParams())
    holding_a, holding_b = rings_holding(result, a), rings_holding(result, b)
    assert holding_a and holding_b
    assert not {r for r, _ in holding_a} & {r for r, _ in holding_b}


def test_a_broker_who_brings_his_pool_to_the_other_clinic_once_joins_its_ring(tmp_path: Path) -> None:
    # The second broker works at C1 with its doctor, but once takes his whole pool to C0 on one evening:
    # the organisation moves its recruits between its clinics.  Half a ring at the other ring's clinic
    # on one day is a bus-load, not chance; the two rings are one organisation.
    directory, a, b = _world(tmp_path, second_clinic=True, bused=True)
    result = run(read_claims_dir(directory), RunParams())
    holding_a, holding_b = rings_holding(result, a), rings_holding(result, b)
    assert holding_a and holding_b
    assert {r for r, _ in holding_a} == {r for r, _ in holding_b}
    ring = next(r for r in result.rings if r.ring_id == holding_a[0][0])
    assert ring.typology == "staged_clinic"
    assert {m.entity_id for m in ring.members if m.entity_type == "facility"} == {"C0", "C1"}


def test_a_weak_piece_joins_the_organisation_at_its_venue_with_its_staff(tmp_path: Path) -> None:
    # The second broker's ten recruits, a session a month at ordinary fees, score 24.5 on their own: under a
    # min_score of 30 they are too weak to report alone, but they are the clinic's and its doctor's, where the
    # first broker's ring stands, so they join it.  At another clinic with its own doctor they do not.
    strict = RunParams(score=ScoreParams(min_score=30.0))
    directory, a, b = _world(tmp_path, second_clinic=False, thin=10)
    result = run(read_claims_dir(directory), strict)
    holding_a, holding_b = rings_holding(result, a), rings_holding(result, b)
    assert holding_a and {r for r, _ in holding_a} == {r for r, _ in holding_b}
    assert holding_b[0][1] == len(b)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    directory, a, b = _world(elsewhere, second_clinic=True, thin=10)
    result = run(read_claims_dir(directory), strict)
    assert rings_holding(result, a) and not rings_holding(result, b)


def test_a_weak_piece_without_lockstep_stays_out_of_the_ring_at_its_venue(tmp_path: Path) -> None:
    # Twelve children of a school class see C0's doctor on three mornings of a flu week, minutes apart: a
    # co-visit group at the broker's clinic with his doctor, scoring under min_score.  They never meet on four
    # days (no lockstep, the mark of a broker's batches), so they are not the broker's organisation and stay
    # out of his ring; his second, thin pool of recruits, in lockstep on its own days, still joins it.
    directory, a, b = _world(tmp_path, second_clinic=False, thin=10, outbreak=12)
    result = run(read_claims_dir(directory), RunParams(score=ScoreParams(min_score=30.0)))
    holding_a, holding_b = rings_holding(result, a), rings_holding(result, b)
    assert holding_a and {r for r, _ in holding_a} == {r for r, _ in holding_b}
    kids = {f"K{i:02d}" for i in range(12)}
    for ring in result.rings:
        assert not kids & {m.entity_id for m in ring.members if m.entity_type == "person"}, ring.ring_id


def _scored_with(directory: Path, params: RunParams, relabel: set[str], detector: str):
    """Detect as ``run`` does, relabel the candidates made mostly of ``relabel``'s persons as ``detector``'s,
    and score them: the rings of the run as if that detector had found the piece."""
    from dataclasses import replace

    from graphfraud.detect import DETECTORS, coadmit
    from graphfraud.graph.build import build_graph
    from graphfraud.graph.events import distinct
    from graphfraud.score.features import claim_facts
    from graphfraud.score.rings import score_candidates

    graph = build_graph(read_claims_dir(directory))
    candidates = []
    for module, field_name in DETECTORS.values():
        engine = {"split_days": params.signals.split_days} if module is coadmit else {}
        candidates += module.detect(graph, getattr(params, field_name), seed=params.seed, **engine)
    ids = graph.visits.persons.ids
    relabelled = []
    for c in candidates:
        persons = {str(p) for p in ids[c.persons]}
        relabelled.append(replace(c, detector=detector) if len(persons & relabel) > 0.5 * len(persons) else c)
    assert any(c.detector == detector for c in relabelled)
    focus = distinct(np.concatenate([c.claims for c in relabelled]))
    rings, _ = score_candidates(relabelled, claim_facts(graph, focus, signals=params.signals), params.score)
    return rings


def test_a_weak_piece_of_an_institution_s_cards_joins_no_ring(tmp_path: Path) -> None:
    # The thin pool of the test above, had it been found as an institution's cards (loaded cards, detector
    # cardload) rather than as a co-visit group: a card ring is a whole institution's cards, gathered by how
    # they were billed, and joins no ring, weak or strong (a suspect card ring never did); joined to the
    # broker's ring at its venue it would carry the institution's look-alike cards into it.  The broker's own
    # ring is still reported whole.
    from graphfraud.detect import cardload

    strict = RunParams(score=ScoreParams(min_score=30.0))
    directory, a, b = _world(tmp_path, second_clinic=False, thin=10)
    rings = _scored_with(directory, strict, b, cardload.NAME)
    holding_a = [r for r in rings if len({m.entity_id for m in r.members if m.entity_type == "person"} & a) >= 10]
    assert holding_a, "the broker's ring is still reported"
    for ring in holding_a:
        assert not b & {m.entity_id for m in ring.members if m.entity_type == "person"}, ring.ring_id
