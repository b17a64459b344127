"""Card misuse without a group event (detect/cards.py): flags gathered into a ring per institution."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import DETECTORS, cards
from graphfraud.graph.build import build_graph
from graphfraud.errors import ParamError
from graphfraud.params import CardParams
from graphfraud.pipeline import run
from graphfraud.score.rings import select_rings
from graphfraud.score.wording import say

from .worlds import SHOPS, broker_phone_world, candidates_by_venue, card_world, helper_phone_world, hospital_phone_world


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
    found = _found(card_world())
    persons, evidence = found["H0"]
    assert {f"dead{k}" for k in range(5)} <= set(persons)  # every flagged card
    assert {f"away{k}" for k in range(6)} <= set(persons)  # and the cards billed the same way
    assert not any(p.startswith("H0-") for p in persons)  # not the centre's ordinary patients
    assert evidence["dead"] == 5 and evidence["flagged"] == 5 and evidence["chance"] <= CardParams().max_chance


def test_a_final_stay_settled_after_death_in_hospital_is_no_sign():
    assert "H1" not in _found(card_world())
    # without the grace days the same settlements are flagged
    g = build_graph(card_world())
    ward = np.isin(
        g.visits.table["person"].to_numpy(), g.visits.persons.codes(pd.Series([f"ward{k}" for k in range(4)]))
    )
    assert not cards.posthumous(g, 3)[ward].any() and cards.posthumous(g, 0)[ward].all()


def test_a_family_on_one_phone_is_not_a_collector_but_a_phone_of_eight_households_is():
    found = _found(card_world())
    assert "H2" not in found
    persons, evidence = found["P0"]  # the chain is one institution
    assert persons == sorted(f"card{k}" for k in range(8)) and evidence["phone"] == 8


def test_a_phone_is_judged_by_its_households_not_its_cards():
    """A family's cards go to the county hospital together: one draw, not five (thirdworld seed 42)."""
    params = CardParams()

    def hub_holders(data):  # type: ignore[no-untyped-def]
        g = build_graph(data)
        u = cards.institutions(g)[0][g.visits.column("venue")]
        return set(g.visits.persons.ids[g.visits.column("person")[cards.phone_hubs(g, u, params)]].tolist())

    # a family of five and four strangers on one phone, all seen at a hospital that sees 45% of the cards: in cards
    # 0.45^9 = 0.0008 would be beyond chance, in households (one draw each, a card's chance) 0.45^5 = 0.018 is not
    assert hub_holders(hospital_phone_world()) == set()
    # the same phone's cards swiped at a shop that sees 5% of the county: a collector
    assert hub_holders(hospital_phone_world(at="P0")) == {f"fam{k}" for k in range(5)} | {f"other{k}" for k in range(4)}
    # nine households on one phone at the hospital are beyond chance there too (0.45^9)
    assert len(hub_holders(hospital_phone_world(family=1, strangers=8))) == 9
    assert "H0" not in _found(hospital_phone_world())


def test_a_phone_goes_to_the_institution_its_cards_gather_at_most_beyond_chance():
    """A broker's recruits are seen at their own hospital more often than at his clinic (synth --vary seed 138)."""
    params = CardParams()

    def hub_venues(data):  # type: ignore[no-untyped-def]
        g = build_graph(data)
        u = cards.institutions(g)[0][g.visits.column("venue")]
        hub = cards.phone_hubs(g, u, params)
        return set(g.visits.venues.ids[g.visits.column("venue")[hub]].tolist()), int(hub.sum())

    # ten households' cards: 40 claims at the hospital (70 of the 210 card holders: tail 1.7e-5, a hub before), 20
    # at the clinic (20 of 210: tail 6e-11): the clinic, where they gather most beyond chance
    assert hub_venues(broker_phone_world()) == ({"K0"}, 20)
    assert "H0" not in _found(broker_phone_world())
    # a collector's cards at the hospital, five of them also once at their village clinic: the clinic holds a larger
    # share of its cards (5 of 15 against 10 of 70) but the hospital more beyond chance (tail 1.7e-5 against 3e-4)
    assert hub_venues(broker_phone_world(hub="H0")) == ({"H0"}, 40)
    # a phone is judged where it is billed most, as before: at a hospital of 160 of the 210 card holders the ten
    # are within chance (tail 0.07), so the phone is no collector's, though the clinic would pass on its own (one
    # test a phone, not the best of every institution's: thirdworld 18, 22)
    assert hub_venues(broker_phone_world(hospital=150)) == (set(), 0)


def test_a_phone_goes_to_the_institution_its_cards_are_billed_together_at():
    """Step 148: a community helper's (代办) phone (tenthworld 10's and 15's 网格员): her elders' monthly refills are
    fetched together at their centre, and each elder buys at the street's shop on a day of their own."""

    def hub_venues(data, **kw):  # type: ignore[no-untyped-def]
        g = build_graph(data)
        u = cards.institutions(g)[0][g.visits.column("venue")]
        hub = cards.phone_hubs(g, u, CardParams(**kw))
        return set(g.visits.venues.ids[g.visits.column("venue")[hub]].tolist()), int(hub.sum())

    # the shop holds the phone's four buildings further beyond chance than the centre, but its cards came apart
    # there; at the centre twelve came together on six days: the centre is the hub (and the helper's explanation
    # is judged there, on what the cards were used for)
    assert hub_venues(helper_phone_world()) == ({"C0"}, 72)
    # off (hub_days 0), or the centre's refills each on a day of their own too: where they gather most beyond chance
    assert hub_venues(helper_phone_world(), hub_days=0) == ({"P0"}, 12)
    assert hub_venues(helper_phone_world(apart=True)) == ({"P0"}, 12)
    # a hub_days the centre's six days do not reach: as before
    assert hub_venues(helper_phone_world(), hub_days=7) == ({"P0"}, 12)


def test_hub_days_is_checked():
    with pytest.raises(ParamError, match="hub_days"):
        CardParams(hub_days=-1)


def test_a_masked_phone_identifies_no_one():
    assert "P0" not in _found(card_world(collector_phone="138****1234"))


def test_the_rings_are_scored_with_their_typology_and_the_misused_cards_reason():
    rings = {r.typology: r for r in run(card_world()).rings}
    ghost, chain = rings["induced_admission"], rings["card_collector"]
    assert ghost.reasons[0].code == chain.reasons[0].code == "misused_cards"
    assert "5 claimed more than 3 days after the holder's death" in ghost.reasons[0].text
    assert "co_admission" not in {r.code for r in ghost.reasons}  # no group admission was seen


def test_a_group_seen_meeting_keeps_its_own_ring_over_its_institutions_cards():
    """Two collectors at one chain are two rings; a broker's recruits keep the ring of their batches."""
    chain = next(r for r in run(card_world()).rings if r.typology == "card_collector")

    def group(name, persons):
        return dataclasses.replace(chain, ring_id=name, detector="covisit", score=chain.score / 2, person_codes=persons)

    one, two = group("RONE", chain.person_codes[:4]), group("RTWO", chain.person_codes[4:])
    rings, _ = select_rings([chain, one, two])
    assert sorted(r.ring_id for r in rings) == ["RONE", "RTWO"]
    rings, _ = select_rings([chain, one])
    assert [r.ring_id for r in rings] == ["RONE"]
    rings, _ = select_rings([chain])  # where no group was seen, the card ring stands
    assert [r.ring_id for r in rings] == [chain.ring_id]


def test_a_card_ring_stands_over_a_group_that_holds_a_sliver_of_it():
    """Step 68: a village doctor's kept cards, proved and joined by how they were billed, are not dropped for a
    co-visit piece of a few of them: the card ring gives way only where groups hold half its cards (as a loaded-card
    ring does), and the piece, held by it, is dropped instead."""
    chain = next(r for r in run(card_world()).rings if r.typology == "card_collector")
    n = len(chain.person_codes)
    sliver = dataclasses.replace(
        chain,
        ring_id="RSLIVER",
        detector="covisit",
        score=chain.score / 2,
        person_codes=chain.person_codes[: (n - 1) // 2],
    )
    rings, _ = select_rings([chain, sliver])
    assert [r.ring_id for r in rings] == [chain.ring_id]
    rest = dataclasses.replace(sliver, ring_id="RREST", person_codes=chain.person_codes[(n - 1) // 2 :])
    rings, _ = select_rings([chain, sliver, rest])  # together they hold it: the groups say who met
    assert sorted(r.ring_id for r in rings) == ["RREST", "RSLIVER"]


def test_the_card_uses_are_one_group_by_of_the_claims_shared_by_the_flags():
    # issue 18: the claims grouped per (institution, card) once per run; the flags computed from them are those
    # computed without them, and a pharmacy chain's shops are one institution
    g = build_graph(card_world())
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


def test_the_collectors_claims_found_a_slice_at_a_time_are_those_of_one_pass(monkeypatch):
    # issue 18: phone_hubs maps the claims to their phones' hubs a slice of claims at a time (no whole-table
    # int64 copies at ten million claims); slices of 7 claims flag the same claims as one slice of all
    g = build_graph(card_world())
    unit, _ = cards.institutions(g)
    u = unit[g.visits.column("venue")]
    whole = cards.phone_hubs(g, u, CardParams())
    monkeypatch.setattr(cards, "ROWS_AT_ONCE", 7)
    sliced = cards.phone_hubs(g, u, CardParams())
    assert whole.sum() > 0 and sliced.tolist() == whole.tolist()


@pytest.mark.parametrize("seed", range(5))
def test_small_pair_stats_by_one_sort_are_pandas_group_by(seed: int) -> None:
    # An institution's own (card, amount) rows are grouped by one lexsort below _SMALL_PAIRS rows: the keys, counts
    # and medians must be pandas' group-by's (equal, NaN amounts skipped, a key of NaN amounts only NaN).
    from graphfraud.detect.cards import _sorted_pair_stats

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    pair = rng.integers(0, int(rng.integers(1, 400)), n) * 7 + 3
    values = np.round(rng.gamma(2.0, 50.0, n), 2)
    values[rng.random(n) < (0.3 if seed == 4 else 0.02)] = np.nan
    g = pd.Series(values).groupby(pair).agg(["size", "median"])
    got = _sorted_pair_stats(pair, values)
    assert got[0].tolist() == g.index.to_numpy(dtype=np.int64).tolist()
    assert got[1].tolist() == g["size"].to_numpy(dtype=np.int64).tolist()
    assert np.array_equal(got[2], g["median"].to_numpy(), equal_nan=True)


def test_without_a_chain_column_the_shops_of_one_brand_are_one_chain():
    """An export without pharmacies.chain: P0 and P1 named for one brand are one institution, and the collector's
    eight cards swiped at either are found together; two independent shops of one town are their own."""
    data = card_world()
    names = {
        "P0": "康民大药房连锁王仙镇店",
        "P1": "康民大药房连锁船湾镇店",
        "P2": "王仙镇杨记药店",
        "P3": "王仙镇黄记药店",
    }
    shops = data.pharmacies.drop(columns=["chain"]).assign(name=lambda p: p["pharmacy_id"].map(names))
    data = dataclasses.replace(data, pharmacies=shops)
    g = build_graph(data)
    unit, _ = cards.institutions(g)
    code = dict(zip(SHOPS, g.visits.venues.codes(pd.Series(SHOPS)).tolist()))
    assert unit[code["P0"]] == unit[code["P1"]] and len({unit[code["P2"]], unit[code["P3"]], unit[code["P0"]]}) == 3
    persons, evidence = candidates_by_venue(cards.detect, data, CardParams())["P0"]
    assert persons == sorted(f"card{k}" for k in range(8)) and evidence["phone"] == 8


def _no_death_dates():  # type: ignore[no-untyped-def]
    """:func:`card_world` from an export that drops ``persons.death_date`` (thirdworld 66): no card has a flag."""
    data = card_world()
    death = data.persons["death_date"]
    return dataclasses.replace(data, persons=data.persons.assign(death_date=death.where(death.isna())))


def test_ghost_stays_without_death_dates_are_found_by_their_stays():
    """A doctor's dear stays on cards with no care of their own: the 5 dead and 6 away, with no flag at all."""
    found = _found(_no_death_dates())
    persons, evidence = found["H0"]
    assert set(persons) == {f"dead{k}" for k in range(5)} | {f"away{k}" for k in range(6)}
    assert evidence["flagged"] == evidence["dead"] == 0 and evidence["ghost"] == 11
    # proven by the ghost stays' own test, at max_chance over the doctors tested (DH0a and H1's DH1a)
    assert evidence["seeded"] and evidence["tested"] == 2
    test = evidence["tests"]["ghost"]
    assert (test["cards"], test["hits"]) == (51, 11) and test["chance"] <= CardParams().max_chance / 2
    # the peers' counts carry one hit and one miss more than the other centres' stays (H1's 4 final stays)
    assert (test["peer_cards"], test["peer_hits"]) == (4 * 40 + 4 + 2, 4 + 1)


def test_the_final_stays_of_the_dying_are_no_ghost_stays():
    """H1's 4 patients who died in hospital: dear stays, no other care, but 4 of the doctor's 44 cards are
    the peers' rate; the stays of cards with care of their own are no sign at any cost."""
    g = build_graph(_no_death_dates())
    unit, group = cards.institutions(g)
    uses = cards.run_uses(g, unit[g.visits.table["venue"].to_numpy()])
    out = cards.ghost_stays(g, unit, group, uses, CardParams(), {})
    assert [str(g.visits.venues.ids[c]) for c in out] == ["H0"]


def test_ghost_stays_need_stays_dear_for_the_place_and_can_be_switched_off():
    """H0's ghost stays cost about 2.6x its usual stay: at ghost_ratio 3 they are the place's usual, and 0 is off."""
    g = build_graph(_no_death_dates())
    for ratio in (0.0, 3.0):
        assert "H0" not in {
            str(g.visits.venues.ids[g.visits.table["venue"].to_numpy()[c.claims[0]]])
            for c in cards.detect(g, CardParams(ghost_ratio=ratio))
        }


def _lodged(*, sex: str = "F"):  # type: ignore[no-untyped-def]
    """:func:`_no_death_dates` with 3 of the 6 away cards' stays at H0 coded as awaiting delivery (O80, 待产之家),
    their holders of ``sex``."""
    data = _no_death_dates()
    lodgers = [f"away{k}" for k in range(3)]
    away = data.claims["patient_id"].isin(lodgers)
    persons = data.persons.assign(sex=data.persons["sex"].where(~data.persons["person_id"].isin(lodgers), sex))
    return dataclasses.replace(data, persons=persons, claims=data.claims.assign(
        diagnosis=data.claims["diagnosis"].where(~away, "O80.000")))  # fmt: skip


def _ghosts(data, params: CardParams = CardParams()) -> set[str]:  # type: ignore[no-untyped-def]
    g = build_graph(data)
    unit, group = cards.institutions(g)
    uses = cards.run_uses(g, unit[g.visits.table["venue"].to_numpy()])
    ids = g.visits.persons.ids
    return {str(ids[p]) for out in cards.ghost_stays(g, unit, group, uses, params, {}).values() for p in out["persons"]}


def test_a_womans_stays_awaiting_delivery_are_no_ghost_stays():
    """Step 121: 3 away cards' dear stays with no care of their own, coded O80 on women's cards, are a 待产之家's
    lodgers (eighthworld 11), not ghosts; the other 8 cards' stays (I10) at H0 still are."""
    assert _ghosts(_lodged()) == {f"dead{k}" for k in range(5)} | {f"away{k}" for k in range(3, 6)}
    assert _ghosts(_no_death_dates()) == {f"dead{k}" for k in range(5)} | {f"away{k}" for k in range(6)}


def test_pregnancy_stays_on_mens_cards_or_with_the_exception_off_are_ghost_stays():
    everyone = {f"dead{k}" for k in range(5)} | {f"away{k}" for k in range(6)}
    assert _ghosts(_lodged(sex="M")) == everyone  # a man's card awaiting delivery is no lodger
    assert _ghosts(_lodged(), CardParams(ghost_pregnancy=False)) == everyone


def test_a_ghost_stays_ring_is_scored_and_said_as_such():
    ring = next(r for r in run(_no_death_dates()).rings if r.typology == "induced_admission")
    reason = ring.reasons[0]
    assert reason.code == "misused_cards" and reason.args["ghost"] == 11 and reason.args["tested"] == 2
    assert reason.text.startswith("11 cards had stays at H0 with no care of their own at >= 2x the place's usual stay")
    assert "0 that cannot have been used by their holders" in reason.text
    assert say("misused_cards", reason.args, "zh").startswith("11 张卡在 H0 住院而本人别无就医记录")
    # proven by its dead cards, the ghost stays' reason starts from the flags (the 6 away cards joined otherwise)
    flagged = next(r for r in run(card_world()).rings if r.typology == "induced_admission").reasons[0]
    assert "ghost" not in flagged.args and flagged.text.startswith("5 cards billed at H0 cannot have been used")


def test_flagged_cards_are_left_out_of_the_ghost_stays_join():
    """With death dates the dead are the flags; the ghost stays' join counts the other cards only (6 away of 46),
    which at the peers' rate is no longer beyond max_chance: the away cards join by the same way as the dead."""
    g = build_graph(card_world())
    unit, group = cards.institutions(g)
    uses = cards.run_uses(g, unit[g.visits.table["venue"].to_numpy()])
    (ghost,) = cards.ghost_stays(g, unit, group, uses, CardParams(), {}).values()
    dead = g.visits.persons.codes(pd.Series([f"dead{k}" for k in range(5)]))
    joined = cards._ghost_join(ghost, dead, 0.01, 3)
    assert joined is not None and (joined["cards"], joined["hits"]) == (46, 6)
    assert sorted(str(p) for p in g.visits.persons.ids[joined["persons"]]) == [f"away{k}" for k in range(6)]
    assert cards._ghost_join(ghost, dead, CardParams().max_chance, 3) is None  # above max_chance
    persons, evidence = _found(card_world())["H0"]
    assert evidence["flagged"] == 5 and evidence["ghost"] == 0 and {f"away{k}" for k in range(6)} <= set(persons)


def test_a_flagged_centres_ghost_stays_are_said_in_both_languages():
    """Proven by its dead cards, with ghost stays joined (thirdworld 61): one sentence per language names both."""
    args = {"flagged": 6, "venue": "H0", "dead": 6, "grace_days": 3, "phone": 0, "ghost": 3, "ghost_ratio": 2.0,
            "joined": 3, "persons": 9, "misused_cards_from": 2.0}  # fmt: skip
    en, zh = say("misused_cards", args, "en"), say("misused_cards", args, "zh")
    assert "3 more had stays there with no care of their own at >= 2x" in en and "9 in all" in en
    assert "另有 3 张卡在该机构住院而本人别无就医记录" in zh and "共 9 张" in zh


def test_the_usual_stay_is_the_ordinary_patients_not_one_the_ghost_stays_raise():
    """Thirdworld 75: half a township centre's stays are ghost stays.  Over all its stays the median is set by
    them (there 1,026 yuan), so a ghost stay at twice the ordinary cost was not dear; the stays of its patients
    with care of their own are the usual one (there 586 yuan), and the ghosts' are twice it or more."""
    ordinary = np.linspace(400.0, 900.0, 30)
    ghosts = np.linspace(1400.0, 2200.0, 31)
    stays = pd.DataFrame({"u": 0, "p": np.arange(61), "amount": np.r_[ordinary, ghosts]})
    real = pd.DataFrame({"u": 0, "p": np.arange(30)})  # the cards with care of their own
    assert stays["amount"].median() == 1400.0  # over all stays: no ghost stay is twice it
    usual = cards.usual_stay(stays, real)
    assert usual[0] == pytest.approx(650.0) and ghosts.min() >= 2 * usual[0]
    # a facility none of whose stays are on such cards keeps the median of all of them
    assert cards.usual_stay(stays, real.iloc[:0])[0] == 1400.0


def test_merged_uses_are_card_uses_of_the_merged_institutions() -> None:
    """Speed round 22: step 113's linked shops' (institution, card) groups re-made from the run's groups (the
    moved pairs put in place, equal keys joined) equal a fresh group-by of every claim, field for field."""
    from .worlds import menu_world

    graph = build_graph(menu_world())
    u = cards.institutions(graph)[0][graph.visits.column("venue")]
    uses = cards.card_uses(graph, u)
    rng = np.random.default_rng(22)
    for _ in range(30):
        merged = np.arange(int(u.max()) + 1)
        for a in rng.integers(0, len(merged), int(rng.integers(0, 6))):  # some merged into a smaller code
            merged[a] = merged[int(rng.integers(0, a + 1))]
        fresh, derived = cards.card_uses(graph, merged[u]), cards.merged_uses(graph, merged[u], uses, merged)
        for field in ("keys", "unit", "person", "claims", "key", "person_row"):
            assert np.array_equal(getattr(derived, field), getattr(fresh, field)), field
            assert getattr(derived, field).dtype == getattr(fresh, field).dtype, field


def _inserted(uses, merged):  # type: ignore[no-untyped-def]
    """:func:`cards.merged_pairs` as speed round 22 wrote it (``np.insert`` into a copy of the staying keys)."""
    moved = np.flatnonzero(merged[uses.unit] != uses.unit)
    moving = merged[uses.unit[moved]] * uses.width + uses.person[moved] + 1
    order = np.argsort(moving, kind="stable")
    moving, moving_claims = moving[order], uses.claims[moved][order]
    stay = np.ones(len(uses.keys), dtype=bool)
    stay[moved] = False
    at = np.searchsorted(uses.keys[stay], moving)
    keys, claims = np.insert(uses.keys[stay], at, moving), np.insert(uses.claims[stay], at, moving_claims)
    first = np.flatnonzero(np.r_[len(keys) > 0, keys[1:] != keys[:-1]])
    return keys[first], np.add.reduceat(claims, first) if len(first) else claims


def test_merged_pairs_in_place_are_the_inserted_pairs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Speed round 27 (issue 18): step 113's merged pairs written into one array each, a slice at a time, equal the
    staying pairs copied and the moving ones inserted, at any slice size (pairs met by a moved pair joined)."""
    rng = np.random.default_rng(27)
    for trial in range(400):
        units, persons = int(rng.integers(1, 8)), int(rng.integers(1, 10))
        width = persons + 1
        n = int(rng.integers(0, 40))
        keys = np.unique(rng.integers(0, units, n) * width + rng.integers(-1, persons, n) + 1)
        uses = cards.CardUses(keys, keys // width, keys % width - 1, rng.integers(1, 5, len(keys)), keys, width,
                              np.arange(width))  # fmt: skip
        merged = np.arange(units)
        for a in rng.integers(0, units, int(rng.integers(0, 4))):
            merged[a] = merged[int(rng.integers(0, a + 1))]
        monkeypatch.setattr(cards, "ROWS_AT_ONCE", int(rng.integers(1, 6)))
        got, want = cards.merged_pairs(uses, merged), _inserted(uses, merged)
        for g, w in zip(got, want):
            assert np.array_equal(g, w) and g.dtype == w.dtype, trial


def _consulted(days: int = 1, facility: str = "H0"):  # type: ignore[no-untyped-def]
    """:func:`_no_death_dates` with an outpatient visit of away0-away2 at ``facility`` ``days`` days before each
    one's stay at H0, by another doctor (an aid team's clinic the day before its operations, eighthworld 20)."""
    data = _no_death_dates()
    claims = data.claims
    stays = claims[claims["patient_id"].isin([f"away{k}" for k in range(3)]) & claims["facility_id"].eq("H0")]
    visits = stays.assign(
        claim_id=stays["claim_id"] + "v", facility_id=facility, doctor_id="DX", visit_type="outpatient",
        start_time=stays["start_time"] - pd.Timedelta(days=days) + pd.Timedelta(hours=1),
        total_amount=60.0, fund_amount=30.0,
    )  # fmt: skip
    return dataclasses.replace(data, claims=pd.concat([claims, visits], ignore_index=True))


def test_a_stay_after_a_visit_to_the_same_facility_is_no_ghost_stay():
    """Step 137: 3 away cards seen at H0's clinic the day before their one dear stay there (one claim of their own:
    still hollow) were there; the 8 others are still ghosts.  Seen at another facility, or 3 days before (past
    ``ghost_seen_days`` 2), or with the rule off (-1), they are ghosts as before."""
    ghosts = {f"dead{k}" for k in range(5)} | {f"away{k}" for k in range(6)}
    seen = {f"away{k}" for k in range(3)}
    assert _ghosts(_consulted()) == ghosts - seen
    assert _ghosts(_consulted(days=0)) == ghosts - seen  # the same day
    assert _ghosts(_consulted(facility="H1")) == ghosts
    assert _ghosts(_consulted(days=3)) == ghosts
    assert _ghosts(_consulted(), CardParams(ghost_seen_days=-1)) == ghosts
    assert _ghosts(_consulted(days=3), CardParams(ghost_seen_days=3)) == ghosts - seen


def test_ghost_seen_days_is_checked():
    with pytest.raises(ParamError, match="'ghost_seen_days' parameter of CardParams"):
        CardParams(ghost_seen_days=-2)


def test_a_bilingual_shop_name_is_read_from_its_chinese_for_its_chain():
    """Eighthworld 23 (round 26): every shop of a 自治州 is named in Tibetan first, the same word for pharmacy
    (སྨན་ཚོང་ཁང་), then in Chinese; read from the name's start, that word tied every shop into one chain, and a 民族药
    shop's customers were judged against the drugstores' as one institution's.  The chain is read from the Chinese."""
    names = ["སྨན་ཚོང་ཁང་ 民族药店6", "སྨན་ཚོང་ཁང་ 个体药店5", "སྨན་ཚོང་ཁང་ 老百姓大药房药店3",
             "སྨན་ཚོང་ཁང་ 老百姓大药房药店8", "ᠡᠮ ᠦᠨ ᠰᠠᠩ 一心堂药店2", "一心堂药店7"]  # fmt: skip
    chains = cards.name_chains(pd.DataFrame({"name": names}))
    assert chains.isna().tolist() == [True, True, False, False, False, False]
    assert chains.iloc[2] == chains.iloc[3] == "老百姓大" and chains.iloc[4] == chains.iloc[5] == "一心堂药"
    # a name in Chinese alone, or in Latin letters first (a brand), is read as it is
    assert cards.chinese_name("O2O送药旗舰店") == "O2O送药旗舰店" and cards.chinese_name("康民大药房") == "康民大药房"
    assert cards.chinese_name("སྨན་ཚོང་ཁང་") == "སྨན་ཚོང་ཁང་"  # nothing after the other script: kept
