"""Per-ring features measured for all candidates at once equal the ring-by-ring measurement, to the bit."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from graphfraud.detect.organise import regulars
from graphfraud.pipeline import run
from graphfraud.score import features as F
from graphfraud.synth import SynthParams, make_world, toy


def _groups(seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random groups' (person, day) claims: empty groups, members under 4 days, repeated days, weekly courses."""
    rng = np.random.default_rng(seed)
    groups = []
    for _ in range(40):
        n = int(rng.choice([0, 3, 12, 60, 300]))
        person = rng.integers(0, int(rng.integers(1, 15)), n) + int(rng.integers(0, 1000))
        day = np.where(rng.random(n) < 0.5, rng.integers(0, 366, n), 7 * rng.integers(0, 50, n) + 2)
        groups.append((person, day))
    return groups


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_timetables_of_all_groups_are_each_groups_timetable(seed: int) -> None:
    groups = _groups(seed)
    ring = np.repeat(np.arange(len(groups)), [len(p) for p, _ in groups])
    batched = F._timetables(ring, np.concatenate([p for p, _ in groups]), np.concatenate([d for _, d in groups]),
                            len(groups))  # fmt: skip
    for i, (person, day) in enumerate(groups):
        one = F._timetable(person, day)
        got = {name: float(values[i]) for name, values in batched.items()}
        assert got == one, i  # == on floats: the same bits (no NaN here: a group without members gives 0.0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_parties_of_all_groups_are_each_groups_parties(seed: int) -> None:
    """Families arriving within minutes on a few days, strangers hours apart, unknown addresses, empty groups."""
    rng = np.random.default_rng(seed)
    address = np.where(rng.random(2000) < 0.2, -1, rng.integers(0, 300, 2000))
    groups = []
    for _ in range(40):
        n = int(rng.choice([0, 1, 5, 40, 200]))
        person = rng.integers(0, int(rng.integers(1, 30)), n) + int(rng.integers(0, 1900))
        minute = 1440 * rng.integers(0, 20, n) + 480 + rng.integers(0, int(rng.choice([20, 120, 600])), n)
        groups.append((person, minute))
    ring = np.repeat(np.arange(len(groups)), [len(p) for p, _ in groups])
    person, minute = np.concatenate([p for p, _ in groups]), np.concatenate([m for _, m in groups])
    batched = F._parties_all(ring, minute, person, address, len(groups))
    facts = SimpleNamespace(person_address=address)
    for i in range(len(groups)):
        rows = np.flatnonzero(ring == i)
        visits = SimpleNamespace(column=lambda name, rows=rows: {"person": person, "minute": minute}[name])
        assert repr(batched[i]) == repr(F._parties(visits, rows, facts)), i  # repr: the same bits, the same types


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_days_there_of_all_groups_are_each_groups(seed: int) -> None:
    """Weekly sessions with stragglers on other days, one-day groups, two-day groups, members at no session."""
    groups = _groups(seed)
    rng = np.random.default_rng(seed)
    groups += [(rng.integers(0, 9, 30), np.full(30, 40)), (np.arange(6), np.r_[[3] * 3, [10] * 3])]
    groups += [(np.r_[np.tile(np.arange(50), 8), [60, 61, 62]], np.r_[np.repeat(np.arange(8) * 7 + 2, 50), [5, 5, 6]])]
    ring = np.repeat(np.arange(len(groups)), [len(p) for p, _ in groups])
    batched = F._attendances(ring, np.concatenate([p for p, _ in groups]), np.concatenate([d for _, d in groups]),
                             len(groups))  # fmt: skip
    for i, (person, day) in enumerate(groups):
        if not len(person):
            continue  # features() measures a group's claims at its main venue: never none
        one = F._days_there(person, day)
        got = {name: type(one[name])(batched[name][i]) for name in one}
        assert repr(got) == repr(one), i


def test_group_regulars_are_regulars() -> None:
    rng = np.random.default_rng(8)
    group = np.sort(rng.integers(0, 25, 600))
    times = np.where(rng.random(600) < 0.3, rng.integers(1, 4, 600), rng.integers(20, 160, 600))
    got = F._group_regulars(group, times)
    for g in range(25):
        assert got[group == g].tolist() == regulars(times[group == g]).tolist()


def test_group_medians_are_medians() -> None:
    rng = np.random.default_rng(5)
    group = np.sort(rng.integers(0, 30, 400))
    values = rng.random(400).round(2)  # ties
    got = F._group_medians(group, values, 32, empty=-1.0)
    for g in range(32):
        mine = values[group == g]
        assert got[g] == (F.median(mine) if len(mine) else -1.0)


def test_a_world_scored_with_the_batched_features_is_scored_as_ring_by_ring(monkeypatch) -> None:
    """A small world's rings and explained groups get the same features whether or not the batch ran first."""
    one_by_one = F._timetable
    worlds = [toy.staged_clinic()[0], make_world(SynthParams(persons=3000, days=180, seed=11))[0]]
    worlds.append(make_world(SynthParams(persons=3000, days=180, seed=11, date_only=True))[0])  # no parties
    for data in worlds:
        calls: list[int] = []
        monkeypatch.setattr(F, "_timetable", lambda *a, **k: calls.append(1) or one_by_one(*a, **k))
        batched = run(data)
        from_batch = len(calls)  # only candidates made after the batch (joined, beside steering) one by one
        monkeypatch.setattr(F, "_index_timetables", lambda candidates, wanted, facts: None)
        monkeypatch.setattr(F, "_index_main_venue", lambda candidates, mains, facts: None)  # days there, parties
        monkeypatch.setattr(
            F, "_local_share_of", lambda c, main, facts: F.local_share(c.persons, c.claims, main, facts)
        )
        plain = run(data)
        assert len(calls) - from_batch > from_batch  # the batch answered most of them
        monkeypatch.undo()
        # repr: every float to the last bit, and NaN (unmeasured) equal to NaN
        assert [repr(r.features) for r in batched.rings] == [repr(r.features) for r in plain.rings]
        assert [repr(r.features) for r in batched.explained] == [repr(r.features) for r in plain.explained]
        assert len(batched.rings) + len(batched.explained) > 0


def test_each_candidates_batched_measures_are_its_own(monkeypatch) -> None:
    """On a small world, every candidate the batch measured: its timetable, parties and local share as measured
    for it alone (every candidate, not only those that became rings)."""
    import graphfraud.pipeline as P

    seen = {}
    scorer = P.score_candidates

    def keep(candidates, facts, params):  # type: ignore[no-untyped-def]
        seen["facts"] = facts
        return scorer(candidates, facts, params)

    monkeypatch.setattr(P, "score_candidates", keep)
    run(make_world(SynthParams(persons=3000, days=180, seed=11))[0])
    facts = seen["facts"]
    index = facts.visit_index
    venue = facts.graph.visits.column("venue")
    assert len(index["timetable"]) == len(index["local"]) == len(index["parties"]) >= 10
    for c, timetable in index["timetable"].values():
        main = int(np.bincount(venue[c.claims]).argmax())
        assert repr(timetable) == repr(F._timetable(*F.own_visits(c.persons, main, facts)))
        assert repr(index["local"][id(c)][1]) == repr(F.local_share(c.persons, c.claims, main, facts))
        timed = c.claims[(venue[c.claims] == main) & (facts.hour[c.claims] >= 0)]
        alone = F._parties(facts.graph.visits, F._party_rows(c.persons, timed, main, facts), facts)
        assert repr(index["parties"][id(c)][1]) == repr(alone)
        there = c.claims[venue[c.claims] == main]
        person, day = facts.graph.visits.column("person")[there], facts.graph.visits.column("day")[there]
        t = facts.graph.visits
        rows = c.claims
        met = F._met_elsewhere(np.zeros(len(rows), int), t.column("person")[rows], venue[rows], t.column("day")[rows],
                               np.array([main]), 1, home=F._homes(facts, t.column("person")[rows]))  # fmt: skip
        one = F._days_there(person, day) | {name: int(values[0]) for name, values in met.items()}
        assert repr(sorted(index["days_there"][id(c)][1].items())) == repr(sorted(one.items()))
    assert any(parties for _, parties in index["parties"].values())
    assert len({local for _, local in index["local"].values()}) > 1


def test_members_without_claims_in_the_group_are_batched_by_their_own_arrivals() -> None:
    """Step 54: a member none of the group's claims is of (their claims went to another group) is judged by their
    own timed arrivals at the main venue.  Groups made from a world's candidates with one, several or all members'
    claims taken out: the batch gives each group the parties measured for it alone, and the members taken out are
    still counted as party members."""
    from graphfraud.detect.candidate import Candidate

    import graphfraud.pipeline as P

    seen = {}

    class Stop(Exception):
        pass

    def keep(candidates, facts, params):  # type: ignore[no-untyped-def]
        seen["candidates"], seen["facts"] = candidates, facts
        raise Stop

    world = make_world(SynthParams(persons=3000, days=180, seed=11))[0]
    with pytest.MonkeyPatch.context() as mp, pytest.raises(Stop):
        mp.setattr(P, "score_candidates", keep)
        run(world)
    facts = seen["facts"]
    person = facts.graph.visits.column("person")
    rng = np.random.default_rng(3)
    groups = []
    for c in seen["candidates"]:
        if len(c.persons) < 2 or not len(c.claims):
            continue
        out = rng.choice(c.persons, size=int(rng.choice([1, 2, len(c.persons)])), replace=False)
        kept = c.claims[~np.isin(person[c.claims], out)]
        groups.append(Candidate(c.detector, c.persons, kept if len(kept) else c.claims[:1]))
    assert len(groups) >= 10
    facts.visit_index.clear()
    F.index_own_visits(groups, facts)
    venue = facts.graph.visits.column("venue")
    grown = 0
    for g in groups:
        main = int(np.bincount(venue[g.claims]).argmax())
        timed = g.claims[(venue[g.claims] == main) & (facts.hour[g.claims] >= 0)]
        rows = F._party_rows(g.persons, timed, main, facts)
        grown += len(rows) > len(timed)
        assert repr(facts.visit_index["parties"][id(g)][1]) == repr(F._parties(facts.graph.visits, rows, facts))
    assert grown >= 10  # the members' own arrivals were added for most groups


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_met_elsewhere_of_all_groups_is_each_groups_and_its_days_there_at_one_venue(seed: int) -> None:
    """Groups at one to four venues: measured at once or one by one, the same; at their main venue only, the
    regulars and event days of :func:`_days_there` (step 61 changes nothing for a group that met nowhere else)."""
    rng = np.random.default_rng(seed)
    groups = [(p, d, rng.integers(0, int(rng.integers(1, 5)), len(p)) + 7) for p, d in _groups(seed) if len(p)]
    main = np.array([int(np.bincount(v).argmax()) for _, _, v in groups])
    ring = np.repeat(np.arange(len(groups)), [len(p) for p, _, _ in groups])
    person, day, venue = (np.concatenate([g[k] for g in groups]) for k in range(3))
    batched = F._met_elsewhere(ring, person, venue, day, main, len(groups))
    alone = F._met_elsewhere(ring, person, np.full(len(ring), 7), day, np.full(len(groups), 7), len(groups))
    for i, (p, d, v) in enumerate(groups):
        one = F._met_elsewhere(np.zeros(len(p), int), p, v, d, main[i : i + 1], 1)
        assert {k: int(x[i]) for k, x in batched.items()} == {k: int(x[0]) for k, x in one.items()}, i
        there = F._days_there(p, d)
        assert (alone["group_regulars"][i], alone["group_days"][i]) == (there["regulars"], there["event_days"]), i
        at_main = F._days_there(p[v == main[i]], d[v == main[i]])
        assert batched["group_regulars"][i] >= at_main["regulars"], i


def test_a_pair_at_another_venue_is_no_meeting() -> None:
    """Five members meet at venue 0 on three days; on a fourth day two of them (a couple) are at venue 1 and on a
    fifth three of them are at venue 2: with ``met`` 3, only the three met there, so those three are regulars."""
    person = np.r_[np.tile(np.arange(5), 3), [0, 1], [2, 3, 4]]
    day = np.r_[np.repeat([1, 8, 15], 5), [22, 22], [29, 29, 29]]
    venue = np.r_[np.zeros(15, int), [1, 1], [2, 2, 2]]
    out = F._met_elsewhere(np.zeros(len(day), int), person, venue, day, np.array([0]), 1, met=3)
    assert (out["group_regulars"].tolist(), out["group_days"].tolist(), out["group_venues"].tolist()) == ([3], [4], [2])
    default = F._met_elsewhere(np.zeros(len(day), int), person, venue, day, np.array([0]), 1)
    assert F.MET_ELSEWHERE == 6 and default["group_regulars"].tolist() == [0]  # three homes are no session


def test_one_household_billed_together_elsewhere_is_no_meeting() -> None:
    """Step 61 counts a day at another venue when members of `met` homes were billed there: a family
    of three going to another doctor together (one address) adds no day (synth seed 5's family)."""
    day = np.r_[np.repeat([7, 28], 5), np.repeat([14, 35], 5)]
    venue = np.r_[np.zeros(10, int), np.ones(10, int)]
    person = np.tile(np.arange(5), 4)
    ring = np.zeros(len(day), int)
    apart = F._met_elsewhere(ring, person, venue, day, np.array([0]), 1, met=3, home=np.tile([1, 2, 3, 4, -1], 4))
    family = F._met_elsewhere(ring, person, venue, day, np.array([0]), 1, met=3, home=np.tile([1, 1, 1, 1, 1], 4))
    unknown = F._met_elsewhere(ring, person, venue, day, np.array([0]), 1, met=3, home=np.full(len(day), -1))
    assert (apart["group_regulars"][0], apart["group_days"][0], apart["group_venues"][0]) == (5, 4, 2)
    assert (family["group_regulars"][0], family["group_days"][0], family["group_venues"][0]) == (0, 2, 1)
    assert unknown["group_regulars"][0] == 5  # an unknown address is a home of its own
