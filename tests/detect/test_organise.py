"""Rings as organisations (issue 14): a pool whose members each come to a minority of the batches is one ring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect.organise import beyond_chance, organisations, regulars, tighten
from graphfraud.errors import ParamError
from graphfraud.graph.events import venue_events


def _world(*, attend: float, pool: int = 40, batches: int = 20, seed: int = 1, day_resolution: bool = False):
    """A clinic (venue 0) whose broker brings a different ``attend`` share of a pool on each batch day,
    amid a town of 3,000 persons visiting 30 venues (venue 0 too) at random."""
    rng = np.random.default_rng(seed)
    rows = []
    members = np.arange(pool)
    for b in range(batches):
        day = 3 + b * 9
        who = rng.permutation(members[rng.random(pool) < attend])
        start = day * 1440 + 9 * 60 + np.cumsum(rng.integers(1, 5, len(who)))
        rows += [(int(p), 0, int(m)) for p, m in zip(who, start)]
    n = 3000
    person = rng.integers(pool, pool + n, 40_000)
    venue = rng.integers(0, 30, len(person))
    minute = rng.integers(0, 200, len(person)) * 1440 + rng.integers(8 * 60, 18 * 60, len(person))
    rows += list(zip(person.tolist(), venue.tolist(), minute.tolist()))
    visits = pd.DataFrame(rows, columns=["person", "venue", "minute"])
    if day_resolution:
        visits["minute"] = visits["minute"] // 1440 * 1440
    return visits, set(members.tolist())


@pytest.mark.parametrize("attend", [0.25, 0.5, 0.9])
@pytest.mark.parametrize("day_resolution", [False, True])
def test_a_rotating_pool_is_one_organisation(attend: float, day_resolution: bool) -> None:
    visits, pool = _world(attend=attend, day_resolution=day_resolution)
    events = venue_events(visits, day_resolution=day_resolution)
    found = organisations(events, seed=0)
    best = max(found, key=lambda o: len(pool & set(o.persons.tolist())))
    got = set(best.persons.tolist())
    assert len(pool & got) >= 0.9 * len(pool), (attend, len(pool & got))  # whole, not in pieces
    # and not padded with the town; with dates only, a townsman whose two visits to the clinic fell on
    # batch days is indistinguishable from a recruit (about 2% of them here)
    assert len(got - pool) <= (0.15 if day_resolution else 0.05) * len(got)


def test_same_input_same_organisations() -> None:
    visits, _ = _world(attend=0.3)
    events = venue_events(visits)
    a = [o.persons.tolist() for o in organisations(events, seed=3)]
    b = [o.persons.tolist() for o in organisations(venue_events(visits.sample(frac=1, random_state=2)), seed=3)]
    assert a == b


def test_a_crowd_of_passers_by_is_not_a_member() -> None:
    # A dialysis shift: 20 patients at 150 sessions each; 400 others each at two of them.
    times = np.r_[np.full(20, 150), np.full(400, 2)]
    keep = regulars(times)
    assert keep[:20].all() and not keep[20:].any()


def test_tighten_drops_a_sparse_group() -> None:
    # 60 persons who each met two others on 2 of the group's 40 crowded days: no dense block.
    from graphfraud.graph.events import Events

    rows = [(e, p) for p in range(60) for e in (p // 3, 20 + p % 20)] + [(e, 100 + e) for e in range(40)]
    ev = Events(pd.DataFrame(rows, columns=["event", "person"]), np.zeros(40, dtype=int), np.arange(40), {})
    assert tighten([np.arange(60)], ev) == []
    # The same 60 at all 40 days are one.
    dense = [(e, p) for p in range(60) for e in range(40)]
    ev = Events(pd.DataFrame(dense, columns=["event", "person"]), np.zeros(40, dtype=int), np.arange(40), {})
    assert [g.tolist() for g in tighten([np.arange(60)], ev)] == [list(range(60))]


@pytest.mark.parametrize("bad", [{"resolution": 0}, {"min_events": 0}, {"min_persons": 1}, {"min_share": 2.0}])
def test_bad_parameters_are_refused(bad: dict) -> None:
    visits, _ = _world(attend=0.5)
    with pytest.raises(ParamError, match="parameter of organisations must be"):
        organisations(venue_events(visits), **bad)


def _round_at_a_busy_centre(*, seed: int = 4):
    """Dates only: a community centre (venue 0) that 1,500 townspeople visit on 1 + Poisson(3) random
    days each (~24 a day), and a nursing home's round there every 28th day (40 residents, each at 80%
    of the 9 rounds, who also come on 4 days of their own).  Returns visits, residents, townspeople."""
    rng = np.random.default_rng(seed)
    residents, town = np.arange(40), np.arange(40, 1540)
    rows = []
    for day in range(3, 250, 28):
        rows += [(int(p), 0, day) for p in residents[rng.random(40) < 0.8]]
    for p in residents:
        rows += [(int(p), 0, int(d)) for d in rng.integers(0, 250, 4)]
    for p in town:
        rows += [(int(p), 0, int(d)) for d in rng.integers(0, 250, 1 + rng.poisson(3.0))]
    visits = pd.DataFrame(rows, columns=["person", "venue", "day"]).drop_duplicates()
    visits["minute"] = visits.pop("day") * 1440
    return visits, set(residents.tolist()), set(town.tolist())


def test_a_busy_centres_townsfolk_are_not_members_of_its_round() -> None:
    visits, residents, town = _round_at_a_busy_centre()
    events = venue_events(visits, day_resolution=True)

    def best(found):
        return set(max(found, key=lambda o: len(residents & set(o.persons.tolist()))).persons.tolist())

    # A resident is at ~7 of the 9 rounds, so a townsman at 2 of them passes the block's regulars test,
    # and with 2 to 4 visits he passes devotion too: over a hundred of them do, by chance.
    loose = best(organisations(events, seed=0, max_chance=1.0))
    assert len(loose & town) > 100
    # Against the centre's traffic, 2 round days out of 3 visits is what chance gives; the round is
    # its residents.
    got = best(organisations(events, seed=0))
    assert len(got & residents) == len(residents)
    assert len(got & town) <= 0.15 * len(got), len(got & town)


def test_two_of_two_rare_batch_days_at_a_quiet_clinic_are_beyond_chance() -> None:
    # A back-street clinic of 300 patients, 5% of whose traffic falls on the batch days: 12 recruits
    # who came exactly twice, both times on batch days, are members; at a busy centre where 30% of the
    # traffic falls on the group's days, 2 of 2 is what chance gives dozens of its 3,000 patients.
    m, n = np.full(12, 2), np.full(12, 2)
    assert beyond_chance(m, n, 0.05, np.r_[n, np.full(300, 2)], 0.05).all()
    assert not beyond_chance(m, n, 0.3, np.r_[n, np.full(3000, 2)], 0.3).any()
    # switched off, everyone stays
    assert beyond_chance(m, n, 0.3, np.full(3000, 2), 0.3, max_chance=1.0).all()


def _pharmacy_year(*, collector: bool, seed: int = 1) -> tuple[pd.DataFrame, set[int], set[int]]:
    """A date-only pharmacy (venue 0) over a year: 80 regular customers each on 20-45 days of their own, 4,000
    one-off purchases, and (``collector``) a card collector swiping 8-15 of his 40 cards every 3-7 days."""
    rng = np.random.default_rng(seed)
    rows = []
    regular = np.arange(1000, 1080)
    for p in regular:
        rows += [(int(p), 0, int(d) * 1440) for d in rng.choice(365, int(rng.integers(20, 45)), replace=False)]
    rows += [(int(p), 0, int(d) * 1440) for p, d in zip(rng.integers(2000, 4000, 4000), rng.integers(0, 365, 4000))]
    cards = np.arange(40)
    day = 2
    while collector and day < 365:
        rows += [(int(p), 0, day * 1440) for p in rng.choice(cards, int(rng.integers(8, 16)), replace=False)]
        day += int(rng.integers(3, 8))
    return pd.DataFrame(rows, columns=["person", "venue", "minute"]), set(cards.tolist()), set(regular.tolist())


def test_a_date_only_pharmacys_regulars_are_no_ring_but_a_collectors_cards_are() -> None:
    # With dates only, two customers pair over a whole day: a regular on 30 days of the year shares most of them
    # with some other regulars, and the days a group of regulars came are, by construction, its events.  Members
    # must meet the others beyond what the pharmacy's daily trade explains (before: a group of 25 regulars, and the
    # collector's ring took in 34 of them).
    visits, _, regular = _pharmacy_year(collector=False)
    assert organisations(venue_events(visits, day_resolution=True), seed=0) == []
    visits, cards, regular = _pharmacy_year(collector=True)
    found = organisations(venue_events(visits, day_resolution=True), seed=0)
    assert len(found) == 1
    got = set(found[0].persons.tolist())
    assert got >= cards  # every card: each was swiped with others on most of its days
    assert len(got & regular) <= 0.2 * len(got)  # chance members within max_chance's reach, not the trade


def _clinic_and_centre(*, recruits_at_centre: int) -> tuple:
    """Six recruits at six batches of a clinic (venue 0), a clinic regular (person 7, ten days at the clinic)
    at two of them, and ``recruits_at_centre`` of the recruits meeting once at their own community centre
    (venue 1), where each of them came on twelve days."""
    from graphfraud.graph.events import Events

    rows = [(b, p) for b in range(6) for p in range(6)] + [(0, 7), (1, 7)]
    rows += [(6, p) for p in range(recruits_at_centre)]
    inc = pd.DataFrame(sorted(rows), columns=["event", "person"])
    days = [(p, 0, 6) for p in range(6)] + [(7, 0, 10)] + [(p, 1, 12) for p in range(recruits_at_centre)]
    visit_days = pd.DataFrame(sorted(days), columns=["person", "venue", "days"])
    venue = np.r_[np.zeros(6, dtype=int), 1]
    size = np.bincount(inc["event"].to_numpy())
    return Events(inc, venue, np.arange(7), {}, visit_days, size)


def test_a_recruits_own_community_centre_does_not_outweigh_the_clinics_batches() -> None:
    # The three recruits who met at their community centre were at 7 of the group's events, on 18 days at its
    # venues: with the centre as one of the group's venues they would look like regulars (7 < 0.5 x 18).  The
    # group met at the centre once (an occasion, not its venue); at the clinic the batches were all their days.
    events = _clinic_and_centre(recruits_at_centre=3)
    found = organisations(events, min_persons=3, max_chance=1.0, seed=0)
    assert len(found) == 1
    assert 6 in found[0].events.tolist()  # the centre's meeting joined the group as a stray event
    assert found[0].persons.tolist() == [0, 1, 2, 3, 4, 5]  # every recruit; not the clinic's regular


def test_the_clinics_regular_stays_out_venue_by_venue() -> None:
    # Person 7 came to the clinic on ten days, two of them batch days: at the group's venue the batches are
    # a minority of their days.
    events = _clinic_and_centre(recruits_at_centre=0)
    found = organisations(events, min_persons=3, max_chance=1.0, seed=0)
    assert [o.persons.tolist() for o in found] == [[0, 1, 2, 3, 4, 5]]


def test_a_bus_load_at_the_bosss_other_clinic_still_counts() -> None:
    # Six recruits at six batches of a clinic (venue 0); recruits 3-5 also came to the clinic on seven
    # ordinary days (6 of 13 days there are batches: short of half), and the broker once took them to the
    # boss's other clinic (venue 2), where they came only that day.  The group met there once, but it is
    # no occasion at their own venue: counted, 7 of their 14 days at the group's venues are its events.
    from graphfraud.graph.events import Events

    rows = sorted([(b, p) for b in range(6) for p in range(6)] + [(6, p) for p in (3, 4, 5)])
    inc = pd.DataFrame(rows, columns=["event", "person"])
    days = [(p, 0, 13 if p >= 3 else 6) for p in range(6)] + [(p, 2, 1) for p in (3, 4, 5)]
    visit_days = pd.DataFrame(sorted(days), columns=["person", "venue", "days"])
    venue = np.r_[np.zeros(6, dtype=int), 2]
    events = Events(inc, venue, np.arange(7), {}, visit_days, np.bincount(inc["event"].to_numpy()))
    found = organisations(events, min_persons=3, max_chance=1.0, seed=0)
    assert [o.persons.tolist() for o in found] == [[0, 1, 2, 3, 4, 5]]


def _clinic_and_centre_meetings(*, meetings: int, batches: int = 8) -> tuple:
    """Six recruits at ``batches`` batches of a clinic (venue 0); recruits 0-2 also met at their own community
    centre (venue 1) on ``meetings`` days (every one of the three there), coming there on twenty days each."""
    from graphfraud.graph.events import Events

    rows = [(b, p) for b in range(batches) for p in range(6)]
    rows += [(batches + m, p) for m in range(meetings) for p in range(3)]
    inc = pd.DataFrame(sorted(rows), columns=["event", "person"])
    days = [(p, 0, batches) for p in range(6)] + [(p, 1, 20) for p in range(3)]
    visit_days = pd.DataFrame(sorted(days), columns=["person", "venue", "days"])
    venue = np.r_[np.zeros(batches, dtype=int), np.ones(meetings, dtype=int)]
    return Events(inc, venue, np.arange(batches + meetings), {}, visit_days, np.bincount(inc["event"].to_numpy()))


@pytest.mark.parametrize("meetings", [1, 2, 4])
def test_a_recruits_community_centre_met_at_a_few_times_is_a_side_venue(meetings: int) -> None:
    # Step 145 (fifthworld 46's street recruits): recruits 0-2 met at their community centre on 2 or 4 days,
    # far fewer than the clinic's 8 batches.  Counted as one of the group's venues, the centre's 20 ordinary
    # days of each outweighed the batches (8 + 4 < 0.5 x (8 + 20)); a side venue, it is their own.
    events = _clinic_and_centre_meetings(meetings=meetings)
    found = organisations(events, min_persons=3, max_chance=1.0, seed=0)
    assert [o.persons.tolist() for o in found] == [[0, 1, 2, 3, 4, 5]]
    assert set(range(8, 8 + meetings)) <= set(found[0].events.tolist())  # the centre's meetings joined the group
    if meetings > 1:  # before step 145 only a venue met at once was the recruits' own: the three were cut
        cut = organisations(events, min_persons=3, max_chance=1.0, seed=0, side_share=0.0)
        assert [o.persons.tolist() for o in cut] == [[3, 4, 5]]


def test_a_second_venue_met_at_as_often_as_the_first_is_the_groups_own() -> None:
    # A broker's two clinics, four batches at each: neither is a side venue, so a regular of the second
    # clinic (recruits 0-2, fourteen days there, at its four batches) is judged on both, and stays out.
    from graphfraud.graph.events import Events

    rows = [(b, p) for b in range(4) for p in range(6)] + [(4 + b, p) for b in range(4) for p in range(6)]
    inc = pd.DataFrame(sorted(rows), columns=["event", "person"])
    days = [(p, 0, 4) for p in range(6)] + [(p, 1, 14 if p < 3 else 4) for p in range(6)]
    visit_days = pd.DataFrame(sorted(days), columns=["person", "venue", "days"])
    venue = np.r_[np.zeros(4, dtype=int), np.ones(4, dtype=int)]
    events = Events(inc, venue, np.arange(8), {}, visit_days, np.bincount(inc["event"].to_numpy()))
    found = organisations(events, min_persons=3, max_chance=1.0, seed=0)
    assert [o.persons.tolist() for o in found] == [[3, 4, 5]]
    # whatever the share: a venue met at as often as the main one is never a side venue
    wide = organisations(events, min_persons=3, max_chance=1.0, seed=0, side_share=1.0)
    assert [o.persons.tolist() for o in wide] == [[3, 4, 5]]


def test_a_pairwise_core_stays_when_the_organisation_holding_half_of_it_is_smaller() -> None:
    from graphfraud.detect.candidate import uncovered

    core = np.arange(14)  # a broker's 14 recruits, found pairwise
    piece = np.r_[np.arange(9), 99]  # the organisation kept 9 of them (its devotion and chance tests cut 5)
    whole = np.arange(16)  # an organisation that holds the whole core and more
    assert [g.tolist() for g in uncovered([core], [piece])] == [core.tolist()]  # not a better view: both stay
    assert uncovered([core], [whole]) == []  # the organisation is the ring: the core adds nothing


@pytest.mark.parametrize("day_resolution", [False, True])
def test_every_groups_rates_at_once_are_each_groups_own(day_resolution: bool) -> None:
    # The chance test's rates are gathered for all groups in one pass of grouped arrays; they must be the
    # numbers of its definition, one group at a time (venues, venue rates, member rates: equal, not close).
    from graphfraud.detect.organise import _group_rate, _group_rates

    visits, _ = _world(attend=0.5, day_resolution=day_resolution)
    events = venue_events(visits, day_resolution=day_resolution)
    rng = np.random.default_rng(3)
    group = rng.integers(-1, 12, events.n_events)
    group[events.venue == 0] = 0  # the batches: one group, with the clinic's other events at other codes
    persons = np.unique(events.incidence["person"].to_numpy())
    chosen = []
    for g in (0, 3, 7, 11, 5):
        members = np.sort(rng.choice(persons, int(rng.integers(1, 60)), replace=False))
        chosen.append((g, members, np.ones(len(members), dtype=np.int64), np.ones(len(members), dtype=np.int64)))
    size = events.size if events.size is not None else np.ones(events.n_events)
    traffic = np.bincount(events.venue, weights=size)
    batched = _group_rates(chosen, events, group, size, traffic)
    # in batches of a few members too: every batch boundary falls between two groups
    assert [[a.tolist() for a in x] for x in _group_rates(chosen, events, group, size, traffic, batch=7)] == [
        [a.tolist() for a in x] for x in batched
    ]
    for (g, members, _, _), got in zip(chosen, batched):
        want = _group_rate(g, members, events, group, size, traffic)
        assert len(got) == len(want) == 3
        for a, b in zip(got, want):
            assert a.tolist() == b.tolist()
    assert any(len(v) > 1 for v, _, _ in batched)  # groups at several venues were compared


@pytest.mark.parametrize("max_links", [1, 3, 20])
def test_event_links_are_each_persons_next_events_counted(max_links: int) -> None:
    # event_links writes every lag's pairs into one array and counts them by one sort: the pairs and weights of
    # the definition (each person's events, each paired with their next max_links ones, counted per pair).
    from collections import Counter

    from graphfraud.detect.organise import event_links

    visits, _ = _world(attend=0.5)
    events = venue_events(visits)
    inc = events.incidence
    want: Counter = Counter()
    for _, evs in inc.groupby("person")["event"]:
        evs = sorted(evs.tolist())
        if len(evs) < 2:
            continue
        for i, a in enumerate(evs):
            for b in evs[i + 1 : i + 1 + max_links]:
                want[(a, b)] += 1
    got = event_links(events, max_links=max_links)
    assert len(got) == len(want) > 0
    assert dict(zip(zip(got["a"].tolist(), got["b"].tolist()), got["weight"].tolist())) == want
    assert got["weight"].dtype == float


@pytest.mark.parametrize("side", ["left", "right"])
def test_sorted_search_is_searchsorted(side: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Needles in group order (ascending runs), looked up sorted and a slice at a time: np.searchsorted's positions.
    from graphfraud.detect import organise

    monkeypatch.setattr(organise, "_SEARCH_SLICE", 1000)
    rng = np.random.default_rng(0)
    haystack = np.sort(rng.integers(0, 5000, 20_000))
    needles = np.concatenate([np.sort(rng.integers(-3, 5003, 50)) for _ in range(200)])
    assert organise.sorted_search(haystack, needles, side).tolist() == np.searchsorted(haystack, needles, side).tolist()


@pytest.mark.parametrize("step", [1, 7, 500, 1 << 22])
@pytest.mark.parametrize("min_shared", [1, 2, 3, 40])
def test_event_links_by_ranges_of_first_events_are_the_one_shot_links(
    step: int, min_shared: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pairs are made and counted a range of first events at a time (ranges of about `step` pairs, one
    # event's pairs never split, step 1 makes a range per event): the same table, row for row, as all pairs
    # sorted and counted at once (a step beyond the world's pairs: one range).
    from graphfraud.detect import organise

    visits, _ = _world(attend=0.5)
    events = venue_events(visits)
    monkeypatch.setattr(organise, "_LINK_STEP", 1 << 40)
    whole = organise.event_links(events, max_links=5, min_shared=min_shared)
    monkeypatch.setattr(organise, "_LINK_STEP", step)
    got = organise.event_links(events, max_links=5, min_shared=min_shared)
    assert (len(whole) > 100) == (min_shared < 40)  # 40 persons in common: no pair of this world
    pd.testing.assert_frame_equal(got, whole)
    # the one-shot table itself: every pair sorted and counted by np.unique
    inc = events.incidence.sort_values(["person", "event"])
    keys = []
    for _, evs in inc.groupby("person")["event"]:
        evs = evs.to_numpy()
        for j in range(1, 6):
            keys.append(evs[:-j] * events.n_events + evs[j:])
    key, count = np.unique(np.concatenate(keys), return_counts=True)
    strong = count >= min_shared
    assert got["a"].tolist() == (key[strong] // events.n_events).tolist()
    assert got["b"].tolist() == (key[strong] % events.n_events).tolist()
    assert got["weight"].tolist() == count[strong].astype(float).tolist()
