"""Loaded cards (detect/cardload.py): cards billed again and again far above their worth, per institution."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from graphfraud.errors import ParamError
from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, PERSONS, PHARMACIES, ClaimsData
from graphfraud.detect import DETECTORS, cardload, cards
from graphfraud.evidence.wording import say
from graphfraud.graph.build import build_graph
from graphfraud.params import CardLoadParams, RunParams
from graphfraud.pipeline import run
from graphfraud.score.rings import select_rings
from graphfraud.synth.toy import _table

from .worlds import candidates_by_venue

CLINICS = [f"H{i}" for i in range(6)]


def _world(
    *,
    collected: int = 8,
    times: int = 5,
    markup: float = 12.0,
    big: int = 0,
    few: int = 2,
    late: int = 0,
    late_times: int = 2,
    oneoff: int = 0,
    walkins: int = 0,
    regulars: int = 0,
    trade: float | None = None,
) -> ClaimsData:
    """Six clinics of one kind, 60 ordinary patients each, with their own care at the other clinics.

    - H0 bills ``collected`` cards of ordinary people ``times`` times each at ``markup`` times the usual
      cost of their diagnosis (a collector's cards, 收卡空刷);
    - H1 treats 12 patients on an expensive regimen (dialysis, N18: every claim of that diagnosis is dear);
    - H2 bills 6 patients whose care costs as much everywhere (their own pattern);
    - H3 bills ``few`` (2) cards of its patients at the collector's markup (too few to prove);
    - H0 treats ``big`` more ordinary patients (a large hospital: the collected cards a sliver of its business);
    - H0 bills ``late`` more collected cards only ``late_times`` (2) times each, at the same markup;
    - every clinic bills ``oneoff`` patients two dear visits each (their care elsewhere cheap): an ordinary rate;
    - H0 sells ``walkins`` more people one visit each at the collector's markup (their care elsewhere cheap): a
      clinic whose trade is dear (a 民族药 shop's 珍宝类 pills);
    - H0 sells ``regulars`` more people three visits each at that trade's price (their care elsewhere cheap);
    - ``trade``: the walk-ins' and regulars' markup (default: ``markup``).
    """
    persons, claims = [], []
    n = [0]
    rng = np.random.default_rng(5)

    def person(pid):
        persons.append((pid, "F", "1950-01-01", "350206", "resident", None, None, None))

    def claim(pid, venue, day, total, diagnosis="I10"):
        n[0] += 1
        when = pd.Timestamp("2024-01-01 09:00") + pd.Timedelta(days=int(day), minutes=int(n[0] % 600))
        claims.append((f"C{n[0]:06d}", pid, None, venue, None, f"D{venue}", "outpatient", when, None,
                       float(total), round(total * 0.6, 2), 0.0, diagnosis, None))  # fmt: skip

    for c in CLINICS:  # ordinary patients: a few cheap visits here and elsewhere
        for k in range(60 + (big if c == "H0" else 0)):
            pid = f"{c}-p{k}"
            person(pid)
            for _ in range(4):
                claim(pid, c, rng.integers(0, 330), rng.uniform(30, 60))
            claim(pid, CLINICS[(CLINICS.index(c) + 1) % 6], rng.integers(0, 330), rng.uniform(30, 60))
    for k in range(collected):  # collected cards: their own care cheap, swiped dear at H0
        pid = f"card{k}"
        person(pid)
        for d in range(3):
            claim(pid, "H4", 100 * d + k, rng.uniform(30, 60))
        for d in range(times):
            claim(pid, "H0", 30 * d + k, 45 * markup * rng.uniform(0.9, 1.1))
    for k in range(12):  # dialysis: dear, but as dear as every N18 claim
        pid = f"dial{k}"
        person(pid)
        for d in range(40):
            claim(pid, "H1", 3 * d + k % 3, rng.uniform(380, 420), diagnosis="N18")
        claim(pid, "H5", 200 + k, rng.uniform(30, 60))
    for k in range(6):  # dear everywhere: the card's own pattern
        pid = f"dear{k}"
        person(pid)
        for d in range(4):
            claim(pid, "H2", 40 * d + k, 45 * markup)
            claim(pid, "H5", 40 * d + k + 7, 45 * markup)
    for k in range(few):  # two dear cards at H3: too few for a ring
        person(f"few{k}")
        claim(f"few{k}", "H4", 10 + k, 45)
        for d in range(4):
            claim(f"few{k}", "H3", 50 * d + k, 45 * markup)
    for k in range(late):  # the collector's other cards, swiped twice in the span
        pid = f"late{k}"
        person(pid)
        for d in range(3):
            claim(pid, "H4", 100 * d + k + 1, rng.uniform(30, 60))
        for d in range(late_times):
            claim(pid, "H0", 150 + 30 * d + k, 45 * markup * rng.uniform(0.9, 1.1))
    for c in CLINICS:  # an illness with two dear visits, as every clinic has a few
        for k in range(oneoff):
            pid = f"{c}-once{k}"
            person(pid)
            for d in range(2):
                claim(pid, c, 20 + 7 * k + 30 * d, 45 * markup)
            for d in range(2):
                claim(pid, CLINICS[(CLINICS.index(c) + 2) % 6], 90 + 60 * d + k, rng.uniform(30, 60))
    price = markup if trade is None else trade
    for k in range(walkins):  # H0's trade: one dear visit, their own care elsewhere cheap
        pid = f"walkin{k}"
        person(pid)
        claim(pid, "H0", 5 + k % 300, 45 * price * rng.uniform(0.9, 1.1))
        for d in range(2):
            claim(pid, "H4", 60 + 90 * d + k % 50, rng.uniform(30, 60))
    for k in range(regulars):  # H0's trade, three times: loaded against the peers, as dear as a walk-in
        pid = f"regular{k}"
        person(pid)
        for d in range(3):
            claim(pid, "H0", 40 + 90 * d + k, 45 * price * rng.uniform(0.9, 1.1))
        for d in range(2):
            claim(pid, "H4", 70 + 90 * d + k, rng.uniform(30, 60))
    facilities = [(c, f"{c}诊所", "clinic", 0, "private", "350206", 0) for c in CLINICS]
    doctors = [(f"D{c}", c, "医生", "医师", "全科") for c in CLINICS]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, facilities), _table(PHARMACIES, []),
        _table(DOCTORS, doctors), _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


def _found(data, params=CardLoadParams()):
    return candidates_by_venue(cardload.detect, data, params)


def test_cardload_is_a_detector():
    assert DETECTORS["cardload"] == (cardload, "cardload")


def test_a_collectors_cards_billed_far_above_their_worth_are_one_ring():
    found = _found(_world())
    assert list(found) == ["H0"]
    persons, evidence = found["H0"]
    assert persons == [f"card{k}" for k in range(8)]
    assert evidence["headline"] == "card_load" and evidence["flagged"] == 8
    assert evidence["times"] == 5 and 9 < evidence["card_ratio"] < 15
    assert evidence["chance"] <= CardLoadParams().max_chance


def test_the_collectors_cards_swiped_fewer_times_join_the_proven_clinic():
    """Proven by its eight loaded cards, H0's twelve other cards billed the same way (dear, twice each) join."""
    persons, evidence = _found(_world(late=12))["H0"]
    assert persons == sorted([f"card{k}" for k in range(8)] + [f"late{k}" for k in range(12)])
    assert evidence["flagged"] == 8 and evidence["joined"] == 12
    assert evidence["same"].sum() == 12 and evidence["joined_chance"] <= CardLoadParams().max_chance
    assert evidence["times"] == 5  # said of the loaded cards


def test_cards_billed_the_same_way_join_only_beyond_the_peers_rate():
    """Every clinic has three patients with two dear visits: at H0 too, that is ordinary, and they do not join;
    nor does anything join at a clinic not proven by its loaded cards (H3's two, or the late cards alone);
    nor a card billed dear once (a one-off visit, whatever the rate)."""
    persons, evidence = _found(_world(oneoff=3))["H0"]
    assert persons == [f"card{k}" for k in range(8)] and evidence["joined"] == 0
    assert _found(_world(collected=0, late=12, few=0)) == {}
    persons, evidence = _found(_world(oneoff=3, late=12))["H0"]  # the late cards beyond the rate: all join
    assert evidence["joined"] == 15 and {f"late{k}" for k in range(12)} <= set(persons)
    persons, evidence = _found(_world(late=12, late_times=1))["H0"]  # swiped once: a one-off dear visit
    assert persons == [f"card{k}" for k in range(8)] and evidence["joined"] == 0


def test_the_joined_cards_are_said_in_the_reason():
    result = run(_world(late=12))
    (ring,) = [r for r in result.rings if r.detector == cardload.NAME]
    reason = next(r for r in ring.reasons if r.code == "card_load")
    assert reason.value == 8 and reason.args["joined"] == 12 and reason.args["persons"] == 20
    zh = say("card_load", reason.args, "zh").text
    assert "另有 12 张卡以同样方式结算" in zh and "共 20 张" in zh
    assert "12 more of its cards were billed there the same way" in say("card_load", reason.args, "en").text


def test_a_ring_claims_are_the_cards_claims_at_the_institution_only():
    data = _world()
    g = build_graph(data)
    (c,) = cardload.detect(g)
    venues = g.visits.venues.ids[g.visits.table["venue"].to_numpy()[c.claims]]
    assert set(venues.tolist()) == {"H0"} and len(c.claims) == 8 * 5


def test_an_expensive_regimen_and_a_card_dear_everywhere_are_ordinary():
    """Dialysis costs what N18 claims cost; a card as dear elsewhere is judged against its own pattern."""
    data = _world()
    g = build_graph(data)
    unit, group = cardload.cards.institutions(g)
    venue = g.visits.table["venue"].to_numpy()
    excess = cardload.relative_cost(g, group[venue])
    per = cardload.loaded_cards(unit[venue], g.visits.table["person"].to_numpy(), excess, CardLoadParams())
    names = g.visits.persons.ids[per["person"].to_numpy()].astype(str)
    loaded = set(names[per["loaded"].to_numpy()])
    assert not any(p.startswith(("dial", "dear")) for p in loaded)
    assert loaded == {f"card{k}" for k in range(8)} | {"few0", "few1"}


def test_too_few_or_too_cheap_is_no_ring():
    assert _found(_world(collected=4)) == {}  # fewer than min_cards
    assert _found(_world(markup=3.0)) == {}  # 3x: within what a clinic's dearer visits cost
    assert _found(_world(times=2)) == {}  # two swipes a card: a one-off dear visit and a follow-up


def test_a_large_hospitals_few_dear_cards_are_no_ring_a_small_collectors_are():
    """With thousands of cards, a few dozen billed dear pass the chance test against peers with almost none; but
    a collector lives off its cards, a hospital's dear patients are a sliver of what it bills (min_share)."""
    big = _world(big=3000, times=3, markup=7.0, few=0)
    assert list(_found(big, CardLoadParams(min_share=0.0))) == ["H0"]  # the chance test alone takes it
    assert _found(big) == {}
    persons, evidence = _found(_world(times=3, markup=7.0, few=0))["H0"]  # the same cards at a small clinic
    assert persons == [f"card{k}" for k in range(8)]
    assert evidence["share"] >= 10 * CardLoadParams().min_share


def test_loaded_cards_that_cost_what_the_institutions_other_cards_cost_are_its_clientele():
    """Step 106: a clinic whose every customer is billed dear (a 民族药 shop selling 珍宝类 pills) has regulars
    loaded against its peers, but they cost what its walk-ins cost there: its clientele, no ring; the same regulars
    at a clinic whose other customers buy cheap are a collector's cards (many times its other cards)."""
    dear_trade = _world(walkins=150, few=0)
    assert _found(dear_trade) == {}
    assert _found(dear_trade, CardLoadParams(own_ratio=1.0)) == {}  # step 144 asks it of each card too
    off = CardLoadParams(own_ratio=1.0, clientele_ratio=1.0)
    persons, _ = _found(dear_trade, off)["H0"]  # both off: the peers alone take it
    assert persons == [f"card{k}" for k in range(8)]
    assert list(_found(_world(walkins=20, few=0))) == ["H0"]  # fewer walk-ins: its typical customer is cheap
    g = build_graph(dear_trade)
    unit, group = cards.institutions(g)
    venue = g.visits.table["venue"].to_numpy()
    person = g.visits.table["person"].to_numpy().astype(np.int64)
    excess = cardload.relative_cost(g, group[venue])
    per = cardload.loaded_cards(unit[venue], person, excess, CardLoadParams())
    h0 = pd.Index([int(np.flatnonzero(g.visits.venues.ids == "H0")[0])])
    lift = cardload._own_lift(unit[venue], person, excess, np.isfinite(excess), per, h0)
    assert abs(float(lift.iloc[0])) < np.log(1.5)  # the regulars cost what a walk-in costs


def test_each_card_must_be_dear_against_the_institutions_clientele():
    """Step 144: a 民族医院 whose every visit carries dear pills (walk-ins at 12x the peers' usual cost), where
    phantom courses are keyed on twelve cards at 40x, is proven by them (step 106: they are three times its
    clientele); its six regulars, billed three times at the trade's own price, are loaded against the peers too,
    but they cost what its clientele costs: not members.  ``clientele_ratio`` 1 switches it off."""
    world = _world(collected=12, markup=40.0, walkins=150, regulars=6, trade=12.0, few=0)
    persons, evidence = _found(world)["H0"]
    assert persons == sorted(f"card{k}" for k in range(12))
    assert evidence["flagged"] == 12 and evidence["joined"] == 0
    persons, evidence = _found(world, CardLoadParams(clientele_ratio=1.0))["H0"]
    assert set(persons) == {f"card{k}" for k in range(12)} | {f"regular{k}" for k in range(6)}
    assert evidence["flagged"] == 18
    # at a clinic whose clientele costs the usual (no dear trade), nothing is left out: the same ring either way
    plain = _world(late=12, oneoff=3)
    (on, with_on), (off, with_off) = _found(plain)["H0"], _found(plain, CardLoadParams(clientele_ratio=1.0))["H0"]
    assert on == off and with_on["flagged"] == with_off["flagged"] == 8 and with_on["joined"] == 15


def test_a_proven_institution_left_with_too_few_cards_dear_against_its_clientele_is_no_ring():
    """Step 144: where fewer than ``min_cards`` of the loaded cards are dear against the clientele, no ring."""
    world = _world(collected=4, markup=40.0, walkins=150, regulars=3, trade=12.0, few=0)
    assert _found(world) == {}
    assert list(_found(world, CardLoadParams(clientele_ratio=1.0))) == ["H0"]


def _session_world(*, sleepers: int = 50, dates_only: bool = False) -> ClaimsData:
    """Six clinics, 20 ordinary patients each (cheap mornings; H5's come to H0 once too); at H0 a collector's
    afternoon sessions (收卡空刷).

    Every tenth day from day 10 to 200 he swipes cards two minutes apart: eight cards five times each at 20x the
    usual cost (``card*``), six three times each at 6.5x (``mild*``: loaded, but as dear as his other cards) and
    ``sleepers`` cards once each at 6.5x (``sleeper*``: too few times to be loaded, so the clinic's "clientele").
    Each of his cards has two cheap visits at H4.  ``dates_only`` writes every time at midnight.
    """
    persons, claims = [], []
    rng = np.random.default_rng(11)

    def claim(pid, venue, day, minute, total):
        when = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(day), minutes=0 if dates_only else int(minute))
        claims.append((f"C{len(claims):06d}", pid, None, venue, None, f"D{venue}", "outpatient", when, None,
                       float(total), round(total * 0.6, 2), 0.0, "I10", None))  # fmt: skip

    for c in CLINICS:
        for k in range(20):
            pid = f"{c}-p{k}"
            persons.append(pid)
            for _ in range(4):
                claim(pid, c, rng.integers(0, 330), 8 * 60 + rng.integers(0, 180), rng.uniform(30, 60))
            claim(pid, CLINICS[(CLINICS.index(c) + 1) % 6], rng.integers(0, 330), 9 * 60, rng.uniform(30, 60))
    cards = [(f"card{k}", 5, 20.0) for k in range(8)] + [(f"mild{k}", 3, 6.5) for k in range(6)]
    cards += [(f"sleeper{k}", 1, 6.5) for k in range(sleepers)]
    slot = 0
    for pid, times, markup in cards:
        persons.append(pid)
        for d in range(2):
            claim(pid, "H4", 40 + 150 * d + len(persons) % 50, 10 * 60, rng.uniform(30, 60))
        for _ in range(times):  # the next session's next place, two minutes after the one before
            day, place = 10 + 10 * (slot % 20), slot // 20
            claim(pid, "H0", day, 14 * 60 + 2 * place, 45 * markup * rng.uniform(0.97, 1.03))
            slot += 1
    facilities = [(c, f"{c}诊所", "clinic", 0, "private", "350206", 0) for c in CLINICS]
    doctors = [(f"D{c}", c, "医生", "医师", "全科") for c in CLINICS]
    return ClaimsData(
        _table(PERSONS, [(p, "F", "1950-01-01", "350206", "resident", None, None, None) for p in persons]),
        _table(FACILITIES, facilities), _table(PHARMACIES, []), _table(DOCTORS, doctors), _table(CLAIMS, claims),
        _table(CLAIM_ITEMS, []), time_resolution="day" if dates_only else "minute",
    )  # fmt: skip


def test_the_cards_swiped_in_the_rings_sessions_are_no_clientele():
    """Step 157: at a collector's clinic whose other customers are mostly his own cards swiped once (in his
    sessions, minutes from his loaded cards), those cards made the "clientele" as dear as his milder loaded cards,
    and step 144 left those out; set aside as the ring's, the clientele is the clinic's own cheap patients and every
    loaded card stays.  Off with ``session_minutes`` 0, and where the times are dates only (a day is no session)."""
    everyone = sorted([f"card{k}" for k in range(8)] + [f"mild{k}" for k in range(6)])
    persons, evidence = _found(_session_world())["H0"]
    assert persons == everyone and evidence["flagged"] == 14
    persons, evidence = _found(_session_world(), CardLoadParams(session_minutes=0))["H0"]
    assert persons == [f"card{k}" for k in range(8)] and evidence["flagged"] == 8  # step 144 alone
    persons, _ = _found(_session_world(dates_only=True))["H0"]
    assert persons == [f"card{k}" for k in range(8)]
    # without his once-swiped cards the clientele is the clinic's own patients, and nothing was left out to begin with
    persons, _ = _found(_session_world(sleepers=0), CardLoadParams(session_minutes=0))["H0"]
    assert persons == everyone


def test_session_cards_are_the_clienteles_cards_billed_in_the_kept_cards_sessions():
    """Step 157, directly: the 50 once-swiped cards are set aside (each one claim, two minutes from a kept card's);
    the clinic's morning patients are not; with a window of 0 minutes none is."""
    g = build_graph(_session_world())
    unit, group = cards.institutions(g)
    venue = g.visits.table["venue"].to_numpy()
    person = g.visits.table["person"].to_numpy().astype(np.int64)
    excess = cardload.relative_cost(g, group[venue])
    ok = np.isfinite(excess)
    per = cardload.loaded_cards(unit[venue], person, excess, CardLoadParams())
    h0 = pd.Index([int(np.flatnonzero(g.visits.venues.ids == "H0")[0])])
    cheap = cardload._clientele_cards(unit[venue], person, excess, ok, per, h0, 2.0)
    names = g.visits.persons.ids
    assert sorted(names[per.loc[cheap, "person"].to_numpy()]) == [f"mild{k}" for k in range(6)]
    aside = cardload.session_cards(g, unit[venue], person, ok, per, cheap, h0, 10)
    assert sorted(names[aside["person"].to_numpy()]) == sorted(f"sleeper{k}" for k in range(50))
    assert set(aside["unit"]) == set(h0)
    assert len(cardload.session_cards(g, unit[venue], person, ok, per, cheap, h0, 0)) == 0
    again = cardload._clientele_cards(unit[venue], person, excess, ok, per, h0, 2.0, aside=aside)
    assert not again.any()


def test_session_minutes_is_checked():
    with pytest.raises(ParamError, match="'session_minutes' parameter of CardLoadParams"):
        CardLoadParams(session_minutes=-1)


def test_clientele_ratio_is_checked():
    with pytest.raises(ParamError, match="'clientele_ratio' parameter of CardLoadParams"):
        CardLoadParams(clientele_ratio=0.5)


def test_without_diagnoses_the_usual_cost_is_the_visit_type_at_peers():
    data = _world()
    bare = dataclasses.replace(data, claims=data.claims.drop(columns=["diagnosis"]))
    found = _found(bare)
    assert found["H0"][0] == [f"card{k}" for k in range(8)]


def test_the_ring_is_reported_with_its_reason_in_chinese():
    result = run(_world())
    (ring,) = [r for r in result.rings if r.detector == cardload.NAME]
    reason = next(r for r in ring.reasons if r.code == "card_load")
    assert reason.value == 8 and reason.points > 0
    zh = say("card_load", reason.args, "zh")
    assert "H0" in zh.text and "8 张" in zh.text and "5 次" in zh.text
    assert "total_amount" in zh.check
    assert "8 of " in say("card_load", reason.args, "en").text


def test_peers_are_the_same_kind_and_level_unless_too_few_share_the_level():
    data = _world()
    levels = {"H0": 0, "H1": 0, "H2": 0, "H3": 1, "H4": 1, "H5": 2}
    facilities = data.facilities.assign(level=data.facilities["facility_id"].map(levels).astype("Int64"))
    g = build_graph(dataclasses.replace(data, facilities=facilities))
    unit, kind = cardload.cards.institutions(g)
    group = cardload.peer_groups(g, unit, kind)
    code = dict(zip(g.visits.venues.ids.astype(str), group.tolist()))
    assert code["H0"] == code["H1"] == code["H2"]  # three clinics of level 0: each other's peers
    assert code["H3"] == code["H4"] == code["H5"] != code["H0"]  # levels 1 and 2 too few: together, any level


def test_a_sparse_collectors_ring_stands_over_the_one_session_seen_but_gives_way_to_steering():
    """A co-visit group holding a sliver of the loaded cards does not take the ring's place; groups holding half
    of them do, and so does a steering ring (a doctor's steered patients are loaded cards, and it names him)."""
    (ring,) = [r for r in run(_world()).rings if r.detector == cardload.NAME]

    def group(name, persons, detector="covisit"):
        return dataclasses.replace(ring, ring_id=name, detector=detector, score=ring.score / 2, person_codes=persons)

    sliver = group("RSLIVER", ring.person_codes[:2])
    rings, _ = select_rings([ring, sliver])
    assert [r.ring_id for r in rings] == [ring.ring_id]
    halves = [group("RONE", ring.person_codes[:4]), group("RTWO", ring.person_codes[4:])]
    rings, _ = select_rings([ring, *halves])
    assert sorted(r.ring_id for r in rings) == ["RONE", "RTWO"]
    steered = group("RSTEER", ring.person_codes[:3], detector="steering")
    rings, _ = select_rings([ring, steered])
    assert [r.ring_id for r in rings] == ["RSTEER"]


def test_cards_per_unit_from_the_shared_pairs_counts_distinct_cards_with_an_amount():
    """The count per institution from cards' shared pairs equals a direct distinct count over the claims kept,
    also when some claims lack an amount (a pair whose claims all lack one is not counted)."""
    data = _world()
    claims = data.claims.copy()
    claims.loc[claims.index[::7], "total_amount"] = np.nan  # every seventh claim without an amount
    g = build_graph(dataclasses.replace(data, claims=claims))
    unit = cards.institutions(g)[0][g.visits.column("venue")]
    person = g.visits.column("person").astype(np.int64)
    ok = (person >= 0) & np.isfinite(claims["total_amount"].to_numpy(dtype=float))
    direct = pd.DataFrame({"unit": unit[ok], "person": person[ok]}).drop_duplicates().groupby("unit").size()
    counted = cardload._cards_per_unit(cards.run_uses(g, unit), ok)
    assert cards.run_uses(g) is cards.run_uses(g, unit)  # grouped once per run
    assert counted[direct.index.to_numpy()].tolist() == direct.tolist()
    assert counted.sum() == direct.sum() > 0
    every = cardload._cards_per_unit(cards.run_uses(g), person >= 0)  # with the claims lacking an amount
    assert (every >= counted).all() and every.sum() > counted.sum()


def _loaded_cards_by_pandas(unit, person, excess, params):  # type: ignore[no-untyped-def]
    """The pandas group-by loaded_cards was written with (round 11): the reference its grouped arrays equal."""
    frame = pd.DataFrame({"unit": unit, "person": person, "excess": excess})
    frame["dear"] = excess >= np.log(params.ratio)
    per = frame.groupby(["unit", "person"], sort=True).agg(
        n=("excess", "size"), sum=("excess", "sum"), median=("excess", "median"), dear=("dear", "sum")
    )
    per = per.reset_index()
    card = frame.groupby("person")["excess"].agg(["size", "sum"])
    all_n = card["size"].reindex(per["person"]).to_numpy()
    all_sum = card["sum"].reindex(per["person"]).to_numpy()
    other_n = all_n - per["n"].to_numpy()
    here = per["median"].to_numpy()
    elsewhere = np.where(other_n > 0, (all_sum - per["sum"].to_numpy()) / np.maximum(other_n, 1), 0.0)
    per["lift"] = np.minimum(here, here - np.maximum(elsewhere, 0.0))
    typical = per["lift"].to_numpy() >= np.log(params.ratio)
    per["loaded"] = (per["dear"].to_numpy() >= params.min_claims) & typical
    per["same"] = ~per["loaded"].to_numpy() & typical & (per["dear"].to_numpy() >= cardload.REPEATED)
    per["spread"] = False  # (no institution pooled)
    per["shop_dear"] = False
    return per[["unit", "person", "n", "dear", "lift", "loaded", "same", "spread", "shop_dear"]]


def test_loaded_cards_are_the_pandas_group_bys_to_the_bit():
    """Sums of values of very different size (where the order and the compensation of the adding show in the
    last bits), ties, pairs of one and two claims, a card at many institutions, institution -1, nothing at all."""
    rng = np.random.default_rng(7)
    params = CardLoadParams(ratio=3.0, min_claims=3)
    for n, units, persons in [(0, 1, 1), (50, 3, 5), (5_000, 40, 300), (60_000, 500, 4_000)]:
        person = rng.integers(0, persons, n) + 11
        unit = (person * 31 % units + rng.integers(-1, 2, n)).astype(np.int32)
        excess = rng.normal(0.5, 1.5, n) * 10.0 ** rng.integers(-4, 9, n)
        excess[rng.random(n) < 0.2] = 1.25  # ties
        got = cardload.loaded_cards(unit, person, excess, params)
        want = _loaded_cards_by_pandas(unit, person, excess, params)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got["lift"].to_numpy().tobytes() == want["lift"].to_numpy().tobytes()
        if n > 1000:
            assert got["loaded"].any() and got["same"].any() and (got["n"] > 2).any()


SHOPS = [f"P{i}" for i in range(8)]
SPREAD = CardLoadParams(spread=True)  # steps 78, 84 and 92 (on by default since step 95)
ON = RunParams(cardload=SPREAD)


def _shops_world(
    *,
    cards: int = 12,
    times: int = 2,
    markup: float = 8.0,
    chronic: int = 10,
    visit: bool = False,
    single: int = 0,
    scattered: int = 0,
) -> ClaimsData:
    """Eight independent pharmacies, 60 ordinary customers each (cheap I10 purchases here and at the next shop).

    - a collector swipes ``cards`` cards ``times`` times at each of P0, P1 and P2 at ``markup`` times the usual
      purchase (收卡, spread over three shops: fewer than ``min_claims`` swipes a card at any one);
    - ``chronic`` diabetics buy their monthly E11 drug (dear against an I10 purchase, ordinary for E11) at P3, P4
      and P5 in turn, near home and near work, as do the E11 customers of every shop;
    - every card's own care is a few cheap visits at a clinic (with ``visit``, one of them the day before the
      card's first swipe at P0: by chance, as 2-15% of a collector's swipes follow a visit of the holder's);
    - a second collector swipes ``single`` cards four times each at P6 alone;
    - ``scattered`` ordinary buyers each buy dear twice at two shops of their own (card k at the k-th of the 25
      pairs of the eight shops other than two of P0-P2, over the year): dear at two shops as a collector's cards are, but no two shops
      share more than two of them.
    """
    persons, claims = [], []
    n = [0]
    rng = np.random.default_rng(11)

    def person(pid):
        persons.append((pid, "F", "1950-01-01", "350206", "resident", None, None, None))

    def claim(pid, venue, day, total, diagnosis="I10"):
        n[0] += 1
        when = pd.Timestamp("2024-01-01 09:00") + pd.Timedelta(days=int(day), minutes=int(n[0] % 600))
        shop = venue.startswith("P")
        claims.append((f"C{n[0]:06d}", pid, None, None if shop else venue, venue if shop else None, None,
                       "pharmacy" if shop else "outpatient", when, None, float(total), round(total * 0.6, 2), 0.0,
                       diagnosis, None))  # fmt: skip

    for i, s in enumerate(SHOPS):
        for k in range(60):
            pid = f"{s}-p{k}"
            person(pid)
            for _ in range(3):
                claim(pid, s, rng.integers(0, 330), rng.uniform(30, 60))
            claim(pid, SHOPS[(i + 1) % len(SHOPS)], rng.integers(0, 330), rng.uniform(30, 60))
            if k < 5:  # a few diabetics at every shop: the E11 purchase's usual cost
                for m in range(4):
                    claim(pid, s, 30 * m + k, rng.uniform(380, 420), diagnosis="E11")
    for k in range(cards):
        pid = f"card{k}"
        person(pid)
        for d in range(3):  # (months after the swipes: no purchase follows a visit of the holder's)
            claim(pid, "H0", 200 + 40 * d + k, rng.uniform(30, 60))
        if visit:
            claim(pid, "H0", 4 + k, rng.uniform(30, 60))
        for j, s in enumerate(SHOPS[:3]):
            for d in range(times):
                claim(pid, s, 5 + 20 * (3 * d + j) + k, 45 * markup * rng.uniform(0.9, 1.1))
    for k in range(single):
        pid = f"single{k}"
        person(pid)
        claim(pid, "H0", 300 + k, rng.uniform(30, 60))
        for d in range(4):
            claim(pid, "P6", 10 + 60 * d + k, 45 * markup * rng.uniform(0.9, 1.1))
    pairs = [(a, b) for a in range(len(SHOPS)) for b in range(max(a + 1, 3), len(SHOPS))]  # not two of P0-P2
    for k in range(scattered):
        pid = f"scattered{k}"
        person(pid)
        for d in range(3):
            claim(pid, "H0", 100 * d + k, rng.uniform(30, 60))
        for j, s in enumerate(pairs[k % len(pairs)]):
            for m in range(2):
                claim(pid, SHOPS[s], 40 + 120 * m + 60 * j + k, 45 * markup * rng.uniform(0.9, 1.1))
    for k in range(chronic):
        pid = f"chronic{k}"
        person(pid)
        claim(pid, "H0", 5 + k, rng.uniform(30, 60))
        for m in range(12):
            claim(pid, SHOPS[3 + m % 3], 30 * m + k, rng.uniform(380, 420), diagnosis="E11")
    facilities = [("H0", "H0诊所", "clinic", 0, "private", "350206", 0)]
    shops = [(s, f"{s}大药房", None, "350206") for s in SHOPS]
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, facilities), _table(PHARMACIES, shops),
        _table(DOCTORS, []), _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


def test_a_collectors_cards_spread_over_three_shops_are_loaded_at_each(monkeypatch):
    """Two swipes a card at each of three shops: no shop sees ``min_claims``, and the card's dear purchases at the
    other two were its "own pattern"; taken together they are six dear purchases against cheap care elsewhere."""
    monkeypatch.setattr(cardload, "COLLECTOR_SHOPS", False)  # (step 95 off: one candidate a shop)
    found = _found(_shops_world(), SPREAD)
    assert sorted(found) == ["P0", "P1", "P2"]
    for persons, evidence in found.values():
        assert persons == sorted(f"card{k}" for k in range(12)) and evidence["flagged"] == 12
        assert evidence["spread"].all()  # every card loaded only with its purchases at the other two shops
    assert _found(_shops_world(), CardLoadParams(spread=False)) == {}  # each shop alone: two swipes, lift ~1


def test_a_collectors_linked_shops_are_one_candidate():
    """Step 95: the three shops that share the collector's twelve cards are one candidate holding his cards and
    their claims at all three (not three candidates of the same cards, each judged at one shop)."""
    g = build_graph(_shops_world())
    (cand,) = cardload.detect(g, SPREAD)
    venues = set(g.visits.venues.ids[g.visits.table["venue"].to_numpy()[cand.claims]].tolist())
    assert venues == {"P0", "P1", "P2"} and len(cand.claims) == 12 * 3 * 2
    assert sorted(str(p) for p in g.visits.persons.ids[cand.persons]) == sorted(f"card{k}" for k in range(12))
    e = cand.evidence
    assert (e["institutions"], e["shared"], e["flagged"], e["joined"]) == (3, 12, 12, 0) and e["spread"].all()
    assert 0 < e["share"] < 1 and e["chance"] <= SPREAD.max_chance


def test_two_collectors_sharing_a_shop_are_two_candidates():
    """Step 95: a shop used by two collectors is linked to each one's other shop, and those two are not linked to
    each other: two sets of shops (maximal cliques of links), each with its own collector's cards."""
    near = {0: {1, 2}, 1: {0}, 2: {0}}
    assert cardload._cliques(near) == [[0, 1], [0, 2]]
    unit = np.array([0, 1] * 6 + [0, 2] * 6)
    card = np.repeat(np.arange(12), 2)
    per = pd.DataFrame({"unit": unit, "person": card, "loaded": True, "shop_dear": True})
    shops = cardload._collector_shops(per, 30_000, pd.Index([0]), SPREAD)
    assert [(units, members.tolist()) for units, members in shops] == [
        ((0, 1), list(range(6))),
        ((0, 2), list(range(6, 12))),
    ]
    assert cardload._collector_shops(per, 30_000, pd.Index([]), SPREAD) == []  # no shop proven
    # a later set keeps min_cards loaded cards of its own: cards 0-3 are dear at shops 0, 1 and 2 (1 and 2 share
    # four: not linked), 4-9 at 0 and 1, 10-14 at 0 and 2 (10-12 dear but not loaded); (0, 1) takes 0-9 first,
    # and (0, 2) is left five cards, two of them loaded
    units = [[0, 1, 2]] * 4 + [[0, 1]] * 6 + [[0, 2]] * 5
    per = pd.DataFrame([(u, c) for c, us in enumerate(units) for u in us], columns=["unit", "person"])
    per["loaded"], per["shop_dear"] = ~per["person"].isin([10, 11, 12]), True
    shops = cardload._collector_shops(per, 30_000, pd.Index([0]), SPREAD)
    assert [(units, members.tolist()) for units, members in shops] == [((0, 1), list(range(10)))]
    assert cardload._collector_shops(per, 30_000, pd.Index([0]), CardLoadParams(spread=False)) == []


def test_spread_cards_need_the_dear_purchases_and_the_markup_of_a_loaded_card():
    assert sorted(_found(_shops_world(times=1), SPREAD)) == ["P0"]  # one a shop: min_claims (3) in all (one candidate)
    assert _found(_shops_world(markup=3.0), SPREAD) == {}  # 3x: no purchase dear
    assert _found(_shops_world(cards=4), SPREAD) == {}  # fewer than min_cards at each shop


def test_pooled_pharmacies_leave_a_card_dear_nowhere_else_or_everywhere_alone():
    """Per pair: a card typically dear at two pooled shops sums them; dear at one shop and a clinic it is not pooled
    (facilities are judged alone); a card cheap at one of its shops pools only the dear ones."""
    unit = np.array([0, 0, 1, 1, 9, 9, 9, 0, 0, 9, 9, 2, 2, 2, 0, 0, 1, 1, 2])
    person = np.array([1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3])
    excess = np.log([8, 8, 8, 8, 1, 1, 1, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 1])
    pooled = unit != 9
    two = CardLoadParams(spread=True, min_cards=2)  # shops 0 and 1 share cards 1 and 3: linked at two
    per = cardload.loaded_cards(unit, person, excess, two, pooled=pooled, holders=1000)
    got = {(int(u), int(p)): bool(x) for u, p, x in per[["unit", "person", "loaded"]].itertuples(index=False)}
    # card 1: 2 + 2 dear at shops 0 and 1, cheap at the clinic 9; card 2: dear at shops 0 and 2 and at the clinic
    # too (its own pattern); card 3: 2 + 2 dear at shops 0 and 1, one cheap purchase at shop 2 (its own pattern)
    assert got == {(0, 1): True, (1, 1): True, (9, 1): False, (0, 2): False, (2, 2): False, (9, 2): False,
                   (0, 3): True, (1, 3): True, (2, 3): False}  # fmt: skip
    plain = cardload.loaded_cards(unit, person, excess, CardLoadParams())
    assert not plain["loaded"].any()
    alone = cardload.loaded_cards(unit, person, excess, SPREAD, pooled=pooled, holders=1000)  # shared 2 < 5: alone
    pd.testing.assert_frame_equal(alone.drop(columns="shop_dear"), plain.drop(columns="shop_dear"))
    off = cardload.loaded_cards(unit, person, excess, CardLoadParams(spread=False), pooled=pooled)
    pd.testing.assert_frame_equal(off, plain)


def test_the_spread_cards_are_said_in_the_reason():
    rings = run(_shops_world(), ON).rings
    (ring,) = [r for r in rings if r.detector == cardload.NAME][:1]
    (reason,) = [r for r in ring.reasons if r.code == "card_load"]
    assert reason.args["spread"] == 12
    assert (
        "12 of them counted with their purchases as dear at other pharmacies"
        in say("card_load", reason.args, "en").text
    )
    assert "其中 12 张连同其在其他药店同样高额的购药合并计次" in say("card_load", reason.args, "zh").text


def test_a_spread_cards_one_swipe_after_a_visit_is_no_prescription():
    """Step 39 sets a shop's loaded cards apart as a kickback's patients when most of their claims there follow
    the holder's visit; a spread card has one or two swipes a shop, so one by chance is "most": it must be two."""
    rings = run(_shops_world(visit=True), ON).rings
    cards = {f"card{k}" for k in range(12)}
    held = [r for r in rings if cards & {m.entity_id for m in r.members if m.entity_type == "person"}]
    assert held and {r.typology for r in held} == {"card_collector"}


def test_a_shops_peers_do_not_count_another_collectors_spread_cards():
    """Twelve spread cards loaded at each of P0-P2 would be 36 loaded cards in P6's peers' rate (the same twelve
    counted three times, 7% of the peers' cards), and P6's own collector of six cards would not be beyond it."""
    found = _found(_shops_world(single=6), SPREAD)
    assert sorted(found) == ["P0", "P6"]  # (P0-P2: the collector's shops, one candidate: step 95)
    assert found["P6"][0] == [f"single{k}" for k in range(6)]


def test_ordinary_buyers_dear_at_two_shops_of_their_own_are_not_pooled():
    """Step 84: forty buyers each dear twice at two shops of their own (25 pairs of eight shops): pooled, each
    card would be loaded at both (four dear purchases against cheap care), ten loaded cards a shop; but no two
    shops share more than two of them, so no shop is linked to another and none is a candidate.  A collector's
    three shops share his twelve cards: still linked, still found, beside the buyers."""
    assert _found(_shops_world(cards=0, scattered=40), SPREAD) == {}
    found = _found(_shops_world(scattered=40), SPREAD)
    assert sorted(found) == ["P0"]  # (his three shops: one candidate, step 95)
    for persons, evidence in found.values():
        assert persons == sorted(f"card{k}" for k in range(12))


def test_linked_pairs_need_min_cards_shared_beyond_chance():
    unit = np.repeat([0, 1], 6)
    card = np.tile(np.arange(6), 2)  # six cards typically dear at both shops
    mine, _ = cardload.linked_pairs(unit, card, np.ones(12, bool), 30_000, SPREAD)
    assert len(mine) == 12  # every pair with its one partner
    assert not len(cardload.linked_pairs(unit, card, np.ones(12, bool), 30_000, CardLoadParams(min_cards=7))[0])
    # six shared where each shop's six dear cards are most of the holders: chance, not a link
    assert not len(cardload.linked_pairs(unit, card, np.ones(12, bool), 7, SPREAD)[0])


def test_the_collector_shop_cliques_are_every_maximal_clique() -> None:
    """Step 95's sets of linked shops (cardload._cliques, Bron-Kerbosch with a pivot) against every subset of
    small random graphs: each maximal clique of two or more shops once, none else."""
    import itertools
    import random

    from graphfraud.detect.cardload import _cliques

    rng = random.Random(7)
    for _ in range(60):
        n, density = rng.randint(2, 9), rng.random()
        near: dict[int, set[int]] = {}
        for a, b in itertools.combinations(range(n), 2):
            if rng.random() < density:
                near.setdefault(a, set()).add(b)
                near.setdefault(b, set()).add(a)

        def clique(s: tuple[int, ...]) -> bool:
            return all(b in near.get(a, set()) for a, b in itertools.combinations(s, 2))

        every = [set(s) for k in range(2, n + 1) for s in itertools.combinations(range(n), k) if clique(s)]
        maximal = sorted(sorted(c) for c in every if not any(c < d for d in every))
        assert _cliques(near) == maximal


def test_a_collectors_candidate_from_the_rows_at_the_collectors_shops_is_the_one_from_all_rows(monkeypatch):
    """Step 95's candidates are built from the rows at any collector's shops, found once (:func:`detect`): the
    same candidate as from all the judged rows and all the billable claims (the rows at other venues added)."""
    original = cardload._collector_candidate
    built = []

    def both(units, members, per, by_unit, rate, tail, rows, u, person, excess, billable, total, graph, params, index):
        got = original(
            units, members, per, by_unit, rate, tail, rows, u, person, excess, billable, total, graph, params,
            index=index,
        )  # fmt: skip
        assert index is not None  # (detect's way: the shops' rows from the index; round 20)
        passed = original(units, members, per, by_unit, rate, tail, rows, u, person, excess, billable, total, graph,
                          params)  # fmt: skip
        assert np.array_equal(got.claims, passed.claims) and np.array_equal(got.persons, passed.persons)
        for key, value in passed.evidence.items():
            assert np.array_equal(got.evidence[key], value, equal_nan=isinstance(value, float)), key
        ok = (person >= 0) & np.isfinite(excess)  # detect's judged rows and billable claims, all of them
        dear = np.bincount(person[ok & (excess >= np.log(params.ratio))], minlength=int(person.max()) + 1)
        every = np.flatnonzero(ok & (dear >= 1)[np.maximum(person, 0)])
        assert len(every) > len(rows) and np.flatnonzero(ok).size > len(billable)  # others were left out
        want = original(units, members, per, by_unit, rate, tail, every, u, person, excess, np.flatnonzero(ok), total,
                        graph, params)  # fmt: skip
        assert np.array_equal(got.claims, want.claims) and np.array_equal(got.persons, want.persons)
        for key, value in want.evidence.items():
            assert np.array_equal(got.evidence[key], value, equal_nan=isinstance(value, float)), key
        built.append(got)
        return got

    monkeypatch.setattr(cardload, "_collector_candidate", both)
    (cand,) = cardload.detect(build_graph(_shops_world()), SPREAD)
    assert built == [cand] and cand.evidence["billed"] > 0


def test_cards_per_unit_is_the_same_whatever_the_slice_of_claims(monkeypatch):
    """Speed round 23: the claims outside ``ok`` are looked up a slice at a time; the counts are those of one
    lookup of every claim (slices of 1, 5, 64 claims and all)."""
    g = build_graph(_world())
    unit = cards.institutions(g)[0][g.visits.column("venue")]
    uses = cards.run_uses(g, unit)
    rng = np.random.default_rng(23)
    for share in (0.0, 0.3, 0.9, 1.0):
        ok = rng.random(len(unit)) < share
        outside = np.bincount(np.searchsorted(uses.keys, uses.key[~ok]), minlength=len(uses.keys))
        counted = (uses.person >= 0) & (outside < uses.claims)
        want = np.bincount(uses.unit[counted], minlength=int(uses.unit.max(initial=-1)) + 1)
        for rows in (1, 5, 64, 1 << 20):
            monkeypatch.setattr(cardload, "_ROWS_AT_ONCE", rows)
            assert cardload._cards_per_unit(uses, ok).tolist() == want.tolist()


def test_relative_cost_is_the_same_whatever_the_slice_of_claims(monkeypatch):
    """Speed round 23: each claim's cost against the usual of its kind is looked up a slice of claims at a time
    (the detector's memory peak at ten million claims); every value is the whole table's, bit for bit, with
    claims of unusual kinds (the peer group's usual instead) and claims without an amount among them."""
    data = _world()
    claims = data.claims.copy()
    claims.loc[claims.index[::11], "total_amount"] = np.nan
    claims.loc[claims.index[::13], "diagnosis"] = None
    g = build_graph(dataclasses.replace(data, claims=claims))
    unit, kind = cards.institutions(g)
    group = cardload.peer_groups(g, unit, kind)[g.visits.column("venue")]
    monkeypatch.setattr(cardload, "_ROWS_AT_ONCE", 1 << 30)
    whole = cardload.relative_cost(g, group)
    assert np.isnan(whole).any() and np.isfinite(whole).sum() > len(whole) // 2
    for rows in (1, 7, 100):
        monkeypatch.setattr(cardload, "_ROWS_AT_ONCE", rows)
        assert cardload.relative_cost(g, group).tobytes() == whole.tobytes()


def test_a_collectors_cheap_baskets_spread_over_three_shops_are_one_candidate():
    """Step 127: three swipes a card at each of three shops at 3x the usual purchase: no card is loaded (under
    ``ratio``), but twelve cards each billed so at the same three shops is far beyond each shop's own rate of
    such cards: one candidate of the three shops, said as a spread in English and Chinese, typed card collector."""
    data = _shops_world(times=3, markup=3.0)
    g = build_graph(data)
    (cand,) = cardload.detect(g, SPREAD)
    venues = set(g.visits.venues.ids[g.visits.table["venue"].to_numpy()[cand.claims]].tolist())
    assert venues == {"P0", "P1", "P2"} and len(cand.claims) == 12 * 3 * 3
    assert sorted(str(p) for p in g.visits.persons.ids[cand.persons]) == sorted(f"card{k}" for k in range(12))
    e = cand.evidence
    assert (e["institutions"], e["flagged"], e["joined"]) == (3, 12, 0) and e["spread_expected"] < 0.01
    assert e["chance"] <= SPREAD.max_chance and 2.5 < e["card_ratio"] < 3.5 and e["times"] == 3
    assert cardload.detect(g, CardLoadParams(spread_shops=0)) == []  # off
    assert cardload.detect(g, CardLoadParams(spread_ratio=4.0)) == []  # the baskets under the ratio
    assert cardload.detect(build_graph(_shops_world(times=3, markup=1.5)), SPREAD) == []  # ordinary purchases
    assert cardload.detect(build_graph(_shops_world(times=3, markup=3.0, cards=4)), SPREAD) == []  # < min_cards
    rings = run(data, ON).rings
    (ring,) = [r for r in rings if r.detector == cardload.NAME]
    assert ring.typology == "card_collector"
    (reason,) = [r for r in ring.reasons if r.code == "card_load"]
    assert (
        "12 cards were each billed 3 times or more at each of 3 pharmacies" in say("card_load", reason.args, "en").text
    )
    assert "12 张医保卡分别在包括" in say("card_load", reason.args, "zh").text


def test_spread_seeds_of_two_shop_sets_are_two_sets_and_a_busy_shop_set_is_chance():
    """Seeds are grouped by their exact shop set; a set whose shops' every card is billed so is no evidence."""
    sets = [(0, 1, 2)] * 6 + [(3, 4, 5)] * 5 + [(0, 1, 2, 3)] * 2
    u = np.array([s for ss in sets for s in ss for _ in range(3)] + list(np.arange(900) % 6))
    c = np.array([k for k, ss in enumerate(sets) for s in ss for _ in range(3)] + list(range(100, 1000)))
    x = np.r_[np.full(len(u) - 900, np.log(2.5)), np.zeros(900)]
    got = [(s, seeds.tolist(), m.tolist()) for s, seeds, m, _, _ in cardload.spread_sets(u, c, x, SPREAD)]
    # (0, 1, 2) also grows the two cards billed so at four shops (3 of its own)
    assert got == [
        ((0, 1, 2), list(range(6)), list(range(6)) + [11, 12]),
        ((3, 4, 5), list(range(6, 11)), list(range(6, 11))),
    ]
    busy = cardload.spread_sets(u[: len(u) - 900], c[: len(u) - 900], x[: len(u) - 900], SPREAD)
    assert busy == []  # only these cards: each shop's rate is all of its cards


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pair_medians_are_pandas_group_by_size_and_median(seed):
    # issue 18: step 127's per (card, institution) counts and medians without pandas' two-key group-by (the run's
    # peak at ten million claims); the same pairs, order, counts and medians, bit for bit.
    from graphfraud.detect.cardload import pair_medians

    rng = np.random.default_rng(seed)
    n = 5000
    p = rng.integers(-3, 400, n)
    u = rng.integers(-2, 30, n).astype(np.int32)
    x = np.where(rng.random(n) < 0.5, np.round(rng.normal(size=n), 1), rng.normal(size=n))  # ties and odd/even sizes
    want = pd.DataFrame({"u": u.astype(np.int64), "p": p, "x": x}).groupby(["p", "u"], sort=True)["x"]
    want = want.agg(["size", "median"]).reset_index()
    pd.testing.assert_frame_equal(pair_medians(p, u, x), want, check_exact=True)


def test_pair_medians_of_one_row_and_of_none():
    from graphfraud.detect.cardload import pair_medians

    one = pair_medians(np.array([7]), np.array([2]), np.array([0.25]))
    assert one.to_dict("list") == {"p": [7], "u": [2], "size": [1], "median": [0.25]}
    none = pair_medians(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    assert list(none.columns) == ["p", "u", "size", "median"] and none.empty


@pytest.mark.parametrize("seed", [0, 1])
def test_clientele_is_pandas_group_by_median_of_each_card_there(seed):
    # issue 18 (speed round 27): step 106's and step 144's cards there, per (institution, card) their median excess,
    # from pair_medians instead of pandas' two-key group-by; the same frame, bit for bit, and the same clientele.
    rng = np.random.default_rng(seed)
    n = 4000
    unit, person = rng.integers(0, 12, n), rng.integers(0, 300, n)
    x = np.where(rng.random(n) < 0.5, np.round(rng.normal(size=n), 1), rng.normal(size=n))  # ties, odd/even sizes
    ok = rng.random(n) < 0.9
    pairs = pd.DataFrame({"unit": unit, "person": person}).drop_duplicates().sort_values(["unit", "person"])
    per = pairs.assign(loaded=rng.random(len(pairs)) < 0.1, same=rng.random(len(pairs)) < 0.1)
    proven = pd.Index([1, 4, 5, 9])
    cards_there, own = cardload._clientele(unit, person, x, ok, per, proven)
    at = ok & np.isin(unit, proven.to_numpy())
    frame = pd.DataFrame({"unit": unit[at], "person": person[at], "x": x[at]})
    want = frame.groupby(["unit", "person"], sort=True)["x"].median().reset_index()
    pd.testing.assert_frame_equal(cards_there[["unit", "person", "x"]], want, check_exact=True)
    flagged = cards_there["flagged"].to_numpy()
    assert flagged.any() and (~flagged).any()
    mine = want[~flagged]
    pd.testing.assert_series_equal(
        own, mine.groupby("unit")["x"].median().reindex(proven.to_numpy()), check_names=False
    )
