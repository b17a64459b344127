"""A drug reseller's cards over his large hospitals (detect/cardsets.py, step 136), and their candidates (cardload)."""

import numpy as np
import pandas as pd
import pytest

from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, PERSONS, PHARMACIES, ClaimsData
from graphfraud.detect import cardload, cardsets
from graphfraud.errors import ParamError
from graphfraud.graph.build import build_graph
from graphfraud.params import CardLoadParams, RunParams
from graphfraud.pipeline import run
from graphfraud.synth.toy import _table

LARGE = ["A", "B", "C", "D"]  # 三级医院
SMALL = ["E", "F"]  # 二级医院
OFF = CardLoadParams(hospitals=0)
ON = CardLoadParams(hospitals=2)  # on by default since step 143 (docs/detection.md steps 136 and 143)


def _world(*, operators=((("A", "B", "C"), 12, 0),), levels: bool = True, referred: int = 0) -> ClaimsData:
    """Four large hospitals and two small ones, 150 ordinary patients each (a few cheap outpatient visits at their
    hospital and one elsewhere; 10 per hospital with a dear regimen of their own there).

    ``operators``: per reseller, his hospitals, his cards and his first session day: every 3 days he takes four of
    his cards (drawn) to one of his hospitals (a new one every other session), a dear prescription (20x a visit) on each; his cards' own care is
    cheap.  ``referred``: patients with one dear visit at each of two large hospitals (a referral), A and B.
    ``levels``: the facilities export ``level`` (else every hospital is judged).
    """
    persons, claims = [], []
    n = [0]
    rng = np.random.default_rng(7)

    def person(pid):
        persons.append((pid, "F", "1950-01-01", "350206", "resident", None, None, None))

    def claim(pid, venue, day, total):
        n[0] += 1
        when = pd.Timestamp("2024-01-01 09:00") + pd.Timedelta(days=int(day), minutes=int(n[0] % 400))
        claims.append((f"C{n[0]:06d}", pid, None, venue, None, f"D{venue}", "outpatient", when, None,
                       float(total), round(total * 0.7, 2), 0.0, "E11", None))  # fmt: skip

    for h in LARGE + SMALL:
        for k in range(150):
            pid = f"{h}-p{k}"
            person(pid)
            for _ in range(3):
                claim(pid, h, rng.integers(0, 300), rng.uniform(80, 120))
            claim(pid, (LARGE + SMALL)[((LARGE + SMALL).index(h) + 1) % 6], rng.integers(0, 300), rng.uniform(80, 120))
            if k < 10:  # his own dear regimen, at his one hospital
                for d in range(4):
                    claim(pid, h, 20 + 60 * d + k, 2000 * rng.uniform(0.9, 1.1))
    for k in range(referred):
        pid = f"ref{k}"
        person(pid)
        claim(pid, "A", 10 + k, 2000)
        claim(pid, "B", 40 + k, 2000)
    for o, (hospitals, held, first) in enumerate(operators):
        cards = [f"op{o}-card{k}" for k in range(held)]
        for pid in cards:
            person(pid)
            claim(pid, "F", 5, 90)
        for s in range(30):
            day = first + 3 * s
            for pid in (cards[i] for i in sorted(rng.choice(held, 4, replace=False))):
                claim(pid, hospitals[(s // 2) % len(hospitals)], day, 2000 * rng.uniform(0.9, 1.1))
    facilities = [(h, f"{h}医院", "hospital", 3 if h in LARGE else 2, "public", "350206", 500) for h in LARGE + SMALL]
    data = ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, facilities), _table(PHARMACIES, []),
        _table(DOCTORS, [(f"D{h}", h, "医生", "医师", "内分泌") for h in LARGE + SMALL]),
        _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip
    if not levels:
        data = ClaimsData(data.persons, data.facilities.drop(columns=["level"]), data.pharmacies, data.doctors,
                          data.claims, data.claim_items)  # fmt: skip
    return data


def _sets(data: ClaimsData, params: CardLoadParams = ON) -> list[tuple[list[str], dict]]:
    """The step-136 candidates of ``data``: (sorted card ids, evidence)."""
    g = build_graph(data)
    ids = g.visits.persons.ids
    return [
        (sorted(str(p) for p in ids[c.persons]), c.evidence)
        for c in cardload.detect(g, params)
        if "hospital_expected" in c.evidence
    ]


def test_a_resellers_cards_over_his_hospitals_are_one_candidate():
    found = _sets(_world())
    assert len(found) == 1
    members, e = found[0]
    assert members == sorted(f"op0-card{k}" for k in range(12))  # no patient of a dear regimen at one hospital
    assert (e["institutions"], e["typology"], e["hospitals_by"]) == (3, "card_collector", "level")
    assert e["hospital_expected"] < 0.1 and e["chance"] <= CardLoadParams().max_chance
    assert e["flagged"] >= CardLoadParams().min_cards and e["share"] > 0


def test_two_resellers_sharing_a_hospital_stay_two_on_their_own_days():
    # each card of an operator with three hospitals falls in one of several sets; the days join them, and the
    # other operator, who shares hospital C with him, comes on other days
    found = _sets(_world(operators=((("A", "B", "C"), 12, 0), (("C", "D"), 8, 1))))
    by_first = {members[0].split("-")[0]: members for members, _ in found}
    assert sorted(by_first) == ["op0", "op1"]
    assert by_first["op0"] == sorted(f"op0-card{k}" for k in range(12))
    assert by_first["op1"] == sorted(f"op1-card{k}" for k in range(8))


def test_only_large_hospitals_are_judged_where_the_export_has_levels():
    assert _sets(_world(operators=((("E", "F"), 12, 0),))) == []
    found = _sets(_world(operators=((("E", "F"), 12, 0),), levels=False))  # without level: every hospital
    assert len(found) == 1 and found[0][1]["hospitals_by"] == "kind"


def test_referred_patients_at_the_hospitals_rate_are_no_set():
    # three patients with one dear visit at each of two hospitals, at the rate their dear patients give: chance
    assert _sets(_world(operators=(), referred=3)) == []


def test_steered_patients_billed_once_at_each_hospital_are_no_set():
    # step 143 (the synth grid's seed 239, round 25): 40 patients each with one dear visit at each of A and B are
    # far beyond the hospitals' rate, but a reseller's cards are prescribed for again and again; theirs are not
    assert _sets(_world(operators=(), referred=40)) == []
    found = _sets(_world(operators=(), referred=40), CardLoadParams(hospital_repeat=1))  # without the bar: a set
    assert [members for members, _ in found] == [sorted(f"ref{k}" for k in range(40))]


def test_a_card_dear_once_a_hospital_joins_his_set_but_seeds_none():
    # 40 patients billed once at A and at B beside a reseller of A, B and C: their set lies within his, so they may
    # join his as members (as before the bar), but they seed no set of their own, and his cards are its seeds
    found = _sets(_world(referred=40))
    assert len(found) == 1
    members, e = found[0]
    assert set(f"op0-card{k}" for k in range(12)) <= set(members)
    assert e["flagged"] == 12  # his cards are the seeds, the referred patients at most members


def test_on_by_default_off_and_the_ratio():
    assert CardLoadParams().hospitals == 2 and CardLoadParams().hospital_repeat == 2
    assert len(_sets(_world(), CardLoadParams())) == 1
    assert _sets(_world(), OFF) == []
    assert _sets(_world(), CardLoadParams(hospital_repeat=40)) == []  # no card of his is dear 40 times a hospital
    assert _sets(_world(), CardLoadParams(hospitals=2, hospital_ratio=40.0)) == []  # his prescriptions are 20x a visit


@pytest.mark.parametrize(
    "field,value",
    [("hospital_ratio", 1.0), ("hospitals", 1), ("hospital_link", 0.0), ("hospital_link", 1.0), ("hospital_repeat", 0)],
)
def test_bad_params_are_refused(field, value):
    with pytest.raises(ParamError, match=f"'{field}' parameter of CardLoadParams"):
        CardLoadParams(**{field: value})


def test_the_ring_is_reported_whole_and_named_a_collector():
    result = run(_world(), RunParams(cardload=ON))
    top = result.rings[0]
    assert top.typology == "card_collector"
    assert sum(1 for m in top.members if m.entity_type == "person") == 12
    reason = next(r for r in top.reasons if r.code == "card_load")
    assert "large hospitals" in reason.text and reason.args["institutions"] == 3


def test_hospital_sets_are_deterministic_and_take_a_card_once():
    rng = np.random.default_rng(3)
    u = np.r_[np.tile([0, 1, 2], 30), rng.integers(0, 3, 3000)]
    c = np.r_[np.repeat(np.arange(10), 9), np.arange(10, 3010)]
    d = np.r_[np.repeat(np.arange(30) * 2, 3), rng.integers(0, 180, 3000)]
    x = np.r_[np.full(90, 9.0), rng.uniform(0.5, 2.0, 3000)]
    a = cardsets.hospital_sets(u, c, d, x)
    b = cardsets.hospital_sets(u, c, d, x)
    assert [(s.units, s.members.tolist()) for s in a] == [(s.units, s.members.tolist()) for s in b]
    assert [s.members.tolist() for s in a] == [list(range(10))]
    assert cardsets.hospital_sets(u, c, d, x, hospitals=0) == []


def test_a_card_dear_once_at_two_hospitals_joins_the_group_of_its_own_set():
    # step 143 (fifthworld vwh24 41): one reseller's group holds hospitals 0-3, another's 1 and 2 on days of his own;
    # a card dear once at 1 and once at 2 is no seed (no repeat), and joins the group of the fewest hospitals
    # holding its set (before: both held it, so it joined neither)
    x = [(c, h, d) for c in range(8) for h in (0, 1, 2, 3) for d in (3, 9)]  # cards 0-7, twice at each of 0-3
    y = [(c, h, d) for c in range(8, 16) for h in (1, 2) for d in (50, 60)]  # cards 8-15, twice at 1 and 2
    z = [(16, 1, 100), (16, 2, 101)]  # card 16, once at each
    c, u, d = (np.asarray(v) for v in zip(*(x + y + z)))
    u = np.r_[u, np.arange(3000) % 4]
    c = np.r_[c, np.arange(17, 3017)]  # 3,000 patients of one cheap visit
    d = np.r_[d, np.arange(3000) % 180]
    r = np.r_[np.full(len(x) + len(y) + len(z), 9.0), np.ones(3000)]
    found = {s.units: s for s in cardsets.hospital_sets(u, c, d, r)}
    assert sorted(found) == [(0, 1, 2, 3), (1, 2)]
    assert found[(1, 2)].members.tolist() == list(range(8, 17)) and 16 not in found[(1, 2)].seeds
    assert found[(0, 1, 2, 3)].members.tolist() == list(range(8))


def test_distinct_counts_the_values_as_unique_does():
    # issue 18 (speed round 27): the cards with a judged claim counted without a sort of every claim's card
    rng = np.random.default_rng(27)
    for values in (rng.integers(0, 50, 200), rng.integers(0, 5000, 20), rng.integers(-5, 5, 30),
                   np.array([2**40, 3, 2**40]), np.zeros(0, dtype=np.int64), np.array([0.5, 0.5, 1.0])):  # fmt: skip
        assert cardsets._distinct(values) == len(np.unique(values))
