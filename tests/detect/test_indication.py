"""A kickback where no visit names its doctor, found by the visit's diagnosis (detect.indication, step 65)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.detect import indication, steering
from graphfraud.graph.build import build_graph
from graphfraud.pipeline import run
from graphfraud.score.wording import say
from detect.worlds import indication_city


def test_one_diagnosis_sent_to_a_shop_to_buy_dear_is_a_kickback_of_the_facility() -> None:
    found = steering.detect(build_graph(indication_city(sent=20)))
    assert len(found) == 1
    c = found[0]
    e = c.evidence
    v = build_graph(indication_city(sent=20)).visits
    assert e["typology"] == "kickback" and e["diagnosis"] == "E11.9"
    assert str(v.venues.ids[e["site"]]) == "H1" and str(v.venues.ids[e["shop"]]) == "K"
    assert e["patients"] == e["buyers"] == 20 and e["chance"] <= indication.MAX_CHANCE
    assert sorted(str(x) for x in v.persons.ids[c.persons]) == sorted(f"k{i}" for i in range(20))


def test_the_shops_next_door_and_too_few_sent_are_no_kickback() -> None:
    assert steering.detect(build_graph(indication_city(sent=0))) == []  # every hospital's shop fills all its diagnoses
    assert steering.detect(build_graph(indication_city(sent=indication.MIN_DEAR - 1))) == []  # a handful: nothing


def test_where_visits_name_their_doctor_it_is_not_used() -> None:
    assert not indication.named_no_doctor(build_graph(indication_city(sent=20, doctors=True)))
    assert indication.detect(build_graph(indication_city(sent=20, doctors=True)), steering.NAME) == []


def test_the_ring_names_the_facility_the_diagnosis_and_the_shop_in_chinese_first() -> None:
    rings = [r for r in run(indication_city(sent=20)).rings if r.typology == "kickback"]
    assert len(rings) == 1
    reason = next(r for r in rings[0].reasons if r.code == "indication")
    assert {m.entity_id for m in rings[0].members if m.entity_type != "person"} == {"H1", "K"}
    zh = say(reason.code, reason.args, "zh")
    assert zh.startswith("因诊断 E11.9 在 H1 门诊就诊") and "药店 K" in zh and "20 人" in zh
    assert "20 of 20 persons seen at H1 for E11.9 who bought at K" in reason.text


def test_its_own_ring_is_dropped_where_the_shop_has_a_kickback_of_prescribed_loaded_cards() -> None:
    from types import SimpleNamespace

    from graphfraud.detect import cardload
    from graphfraud.detect.candidate import Candidate
    from graphfraud.score.rings import _not_found_by_cards

    graph = build_graph(indication_city(sent=20))
    found = steering.detect(graph)
    facts = SimpleNamespace(graph=graph)
    v = graph.visits

    def cards_at(shop: str) -> Candidate:
        code = int(v.venues.codes(pd.Series([shop]))[0])
        return Candidate(cardload.NAME, found[0].persons[:5], found[0].claims[:5], {"prescribed": 5, "shop": code})

    at_k, at_n = cards_at("K"), cards_at("N0")
    assert _not_found_by_cards([at_k, *found], facts) == [at_k]  # type: ignore[arg-type]
    assert _not_found_by_cards([at_n, *found], facts) == [at_n, *found]  # type: ignore[arg-type]


def test_one_payer_one_ring_the_sent_alike_kept_where_the_diagnosis_vouches_for_them() -> None:
    """Step 66: where the shop's prescribed loaded cards are a kickback, the triples' dear buyers join it, and of
    the patients sent alike only those who came through a triple of ``MIN_DEAR`` dear buyers or more stay."""
    from types import SimpleNamespace

    from graphfraud.score.rings import _with_indication

    graph = build_graph(indication_city(sent=20, strays=3))
    (found,) = steering.detect(graph)
    v = graph.visits
    code = {str(x): i for i, x in enumerate(v.persons.ids)}
    person = v.column("person")
    k = [code[f"k{i}"] for i in range(20)]
    strays = [code[f"s{i}"] for i in range(3)]
    assert not np.isin(strays, found.persons).any()  # 3 dear buyers of I10 at K: no kickback on their own
    patients = np.array(sorted(k[5:10]), dtype=np.int64)  # the loaded cards that prove the shop
    more = np.array(sorted(k[:5] + strays), dtype=np.int64)  # sent alike: five of the scheme's and the strays
    more_claims = np.flatnonzero(np.isin(person, more)).astype(np.int64)
    facts = SimpleNamespace(graph=graph)
    persons, claims = _with_indication(facts, found, more, more_claims, patients)  # type: ignore[arg-type]
    assert sorted(persons.tolist()) == sorted(k[:5] + k[10:])  # the strays left, the triple's others joined
    assert not np.isin(person[claims], strays).any() and np.isin(found.claims, claims).all()


def test_a_diagnosis_only_the_kickbacks_shop_bills_is_judged_by_the_other_shops_prices() -> None:
    """Step 154 (tenthworld 17's 中药房): the shops next door write no diagnosis on their purchases, so K alone
    bills E11.9 and the diagnosis's median is K's own price; against the other shops' purchases the sent are dear."""
    data = indication_city(sent=20, coded_alone=True)
    buys = data.claims[data.claims["pharmacy_id"].notna()]
    assert buys.loc[buys["diagnosis"].eq("E11.9"), "pharmacy_id"].eq("K").all()  # K alone bills the diagnosis
    assert buys.loc[buys["diagnosis"].eq("E11.9"), "total_amount"].median() == 300.0  # its median is K's price
    graph = build_graph(data)
    found = steering.detect(graph)
    assert len(found) == 1
    e = found[0].evidence
    v = graph.visits
    assert str(v.venues.ids[e["shop"]]) == "K" and e["diagnosis"] == "E11.9" and e["patients"] == 20
    assert sorted(str(x) for x in v.persons.ids[found[0].persons]) == sorted(f"k{i}" for i in range(20))


def test_the_one_shop_that_stocks_a_dear_drug_for_every_hospital_is_no_kickback() -> None:
    """Step 154 leaves a 双通道 pharmacy alone: every diabetic of the three hospitals buys dear at K, so the
    diagnosis's buyers are dear at every facility alike (its base share near 1), though K alone bills it."""
    assert steering.detect(build_graph(indication_city(sent=0, designated=True, coded_alone=True))) == []
    assert steering.detect(build_graph(indication_city(sent=0, designated=True))) == []


def test_a_shops_usual_price_leaves_its_own_purchases_out() -> None:
    price = np.array([30.0, 30.0, 40.0, 300.0, 300.0, 300.0, 300.0, 300.0, 20.0])
    diagnosis = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1])
    shop = np.array([0, 1, 2, 3, 3, 3, 3, 3, 0])
    usual = indication.usual_price(price, diagnosis, shop, least=5)
    assert usual[3:8].tolist() == [30.0] * 5  # shop 3 against shops 0-2's purchases of the diagnosis
    assert usual[:3].tolist() == [300.0] * 3  # the small shops keep the diagnosis's median
    lone = indication.usual_price(price[3:], np.zeros(6, dtype=int), shop[3:], least=5)
    assert lone[:5].tolist() == [20.0] * 5  # the diagnosis billed at shop 3 alone: the other shops' purchases
