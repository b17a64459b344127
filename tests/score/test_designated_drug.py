"""Designated pharmacies (双通道) in an export without diagnoses: the drug names the market, and the same
patients seen as loaded cards or as the ward's cohort are the pharmacy's patients.

Otherworld seeds 30 and 56 export no ``claims.diagnosis``: an oncology day ward's patients buying their targeted
drug at the hospital's 双通道 pharmacy were a red kickback (30 and 81 persons), and once that pair was explained, the
same patients' cards as loaded cards at the shop and at the ward, and the ward's cohort, took its place.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd

from graphfraud.detect import steering
from graphfraud.detect.candidate import Candidate
from graphfraud.params import ScoreParams, SteeringParams
from graphfraud.score.designated import high_value_purchases, market, purchase_kinds
from graphfraud.score.reasons import designated_pharmacy
from graphfraud.score.rings import Ring, _designated_patients, _designated_sent
from graphfraud.score.wording import say
from tests.score.stubs import StubVisits, nothing

HOSPITAL, OTHER_HOSPITAL, DTP, STEERED = 0, 1, 2, 3  # venue codes
ELSEWHERE = (4, 5, 6, 7)  # the city's other pharmacies
TARGETED, INSULIN, COLD = "XL01EB02A001", "XA10AE04A001", "XJ01CA04A001"  # what each purchase's dearest line is


def _city(*, side_purchases: int = 0) -> tuple[SimpleNamespace, SimpleNamespace]:
    """Oncologists 0 and 1 (20 and 15 patients) whose patients buy a targeted drug at ``DTP``, as do 6 patients
    of an oncologist at another hospital; doctors 2 and 3 of one department who each steer 15 of 18 patients to
    ``STEERED`` for insulin, which 60 other patients of the city buy at the other pharmacies; everyday purchases.
    No claim has a diagnosis: each purchase's fee lines say what it bought.  ``side_purchases`` of doctor 0's
    patients also buy insulin at ``DTP``."""
    rows: list[tuple] = []  # claim, person, venue, doctor, kind, fund, minute
    lines: list[tuple] = []  # claim, item_code, amount
    person = 0

    def visit_and_buy(doctor: int, facility: int, pharmacy: int, drug: str, day: int) -> None:
        nonlocal person
        rows.append((len(rows), person, facility, doctor, 0, 80.0, day * 1440 + 600))
        lines.append((len(rows) - 1, "110200001", 80.0))
        rows.append((len(rows), person, pharmacy, -1, 1, 900.0, day * 1440 + 700))
        lines.extend([(len(rows) - 1, drug, 880.0), (len(rows) - 1, COLD, 20.0)])  # the dear line names it
        person += 1

    for doctor, n in ((0, 20), (1, 15)):
        for i in range(n):
            visit_and_buy(doctor, HOSPITAL, DTP, TARGETED, day=doctor * 40 + i)
    for i in range(side_purchases):  # the same patients' insulin, bought at the DTP too
        rows.append((len(rows), i, DTP, -1, 1, 900.0, (i + 1) * 1440 + 800))
        lines.append((len(rows) - 1, INSULIN, 900.0))
    for i in range(6):
        visit_and_buy(9, OTHER_HOSPITAL, DTP, TARGETED, day=100 + i)
    for doctor in (2, 3):
        for i in range(18):
            visit_and_buy(doctor, HOSPITAL, STEERED if i < 15 else ELSEWHERE[i % 4], INSULIN, day=doctor * 40 + i)
    for doctor in (4, 5, 6, 7):
        for i in range(20):
            visit_and_buy(doctor, HOSPITAL, ELSEWHERE[(doctor + i) % 4], INSULIN if i < 3 else COLD, doctor * 30 + i)
    for i in range(60):
        visit_and_buy(10 + i % 5, OTHER_HOSPITAL, ELSEWHERE[i % 4], INSULIN, day=200 + i % 60)
    for i in range(400):  # everyday low-value purchases, so that 900 yuan is a high value
        rows.append((len(rows), person, ELSEWHERE[i % 4], -1, 1, 20.0, (i % 300) * 1440 + 800))
        lines.append((len(rows) - 1, COLD, 20.0))
        person += 1
    table = pd.DataFrame(rows, columns=["claim", "person", "venue", "doctor", "kind", "fund", "minute"])
    table["inpatient"] = False
    table["day"] = table["minute"] // 1440
    claims = pd.DataFrame({"claim_id": [f"C{i}" for i in table["claim"]], "total_amount": table["fund"],
                           "fund_amount": table["fund"]})  # fmt: skip
    items = pd.DataFrame(lines, columns=["claim", "item_code", "amount"])
    items["claim_id"] = "C" + items["claim"].astype(str)
    data = SimpleNamespace(claims=claims, claim_items=items.drop(columns="claim"), link=lambda table, column: None)
    graph = SimpleNamespace(visits=StubVisits(table, 8), data=data)
    facts = SimpleNamespace(graph=graph, diagnosis=np.full(len(table), -1), diagnosis_names=np.array([""]), stake=None)
    return graph, facts


def _judged(graph: SimpleNamespace, facts: SimpleNamespace) -> dict[tuple[int, int], tuple[object, object]]:
    """(doctor, pharmacy) of each steering candidate -> (its market, its designated-pharmacy explanation)."""
    found = steering.detect(graph, SteeringParams())  # type: ignore[arg-type]
    purchases = high_value_purchases(facts, float(found[0].evidence["min_fund"]))  # type: ignore[arg-type]
    out = {}
    for c in found:
        names = {"doctor": f"D{c.evidence['doctor']}", "pharmacy": f"P{c.evidence['pharmacy']}"}
        m = market(c, facts, purchases)  # type: ignore[arg-type]
        reason = designated_pharmacy(nothing(), m, names, evidence=c.evidence, steering=c.params)
        out[c.evidence["doctor"], c.evidence["pharmacy"]] = (m, reason)
    return out


def test_without_diagnoses_the_drug_names_the_market() -> None:
    graph, facts = _city()
    kinds, names = purchase_kinds(facts)  # type: ignore[arg-type]
    bought = {str(names[k]) for k in kinds[graph.visits.column("kind") == 1]}
    assert bought == {TARGETED, INSULIN, COLD}  # each purchase is its dearest line's drug, not the cheap one beside it
    judged = _judged(graph, facts)
    assert set(judged) == {(0, DTP), (1, DTP), (2, STEERED), (3, STEERED)}
    for doctor in (0, 1):  # every other buyer of the targeted drug in the city buys it there
        m, reason = judged[doctor, DTP]
        assert reason is not None and reason.code == "benign_designated"  # type: ignore[attr-defined]
        assert m.share == 1.0 and m.diagnosis == TARGETED  # type: ignore[attr-defined]
        assert TARGETED in say(reason.code, reason.args, "zh") and "定点药店" in say(reason.code, reason.args, "zh")  # type: ignore[attr-defined]
    # Insulin is bought all over the city: the colluders' shop holds 15 of the other 15 + 3 + 60 buyers.
    assert judged[2, STEERED][1] is None and judged[3, STEERED][1] is None


def test_a_few_ordinary_purchases_on_the_side_weigh_by_how_often_they_were_bought() -> None:
    # Six of the 20 patients also buy insulin at the DTP: a sixth of the pair's purchases.  The pharmacy's share
    # of the insulin market is small, but it is the targeted drug's whole market: the share is each drug's share
    # weighed by the pair's purchases of it (about 0.8), not the buyers of both drugs pooled (insulin's 80 other
    # buyers would outweigh the targeted drug's 21 and hide the designated pharmacy).
    graph, facts = _city(side_purchases=6)
    m, reason = _judged(graph, facts)[0, DTP]
    assert reason is not None and 0.75 < m.share < 0.9  # type: ignore[attr-defined]
    assert _judged(graph, facts)[2, STEERED][1] is None


def _ring(codes: range, venue: int, detector: str, benign: object = None, typology: str = "staged_clinic") -> Ring:
    persons = np.array(list(codes), dtype=np.int64)
    f = dataclasses.replace(nothing(), persons=len(persons), venue=venue)
    return Ring("R", 0, 60.0, "red", typology, (), persons, persons, 0.0, (), benign, detector, f)  # type: ignore[arg-type]


def test_the_same_patients_at_the_ward_and_the_shop_are_the_designated_pharmacys() -> None:
    graph, facts = _city()
    _, reason = _judged(graph, facts)[0, DTP]
    empty = np.zeros(0, dtype=np.int64)
    pair = _ring(range(20), DTP, "steering", reason, "other")
    pair_candidate = Candidate("steering", empty, empty, {"doctor": 0, "pharmacy": DTP, "facility": HOSPITAL})
    ward_cards = _ring(range(14), HOSPITAL, "cardload")  # their cards at the ward: the targeted drug is dear
    cohort = _ring(range(6, 30), HOSPITAL, "covisit")  # the ward's cycle days: 14 of 24 are the pair's patients
    shop_cards = _ring(range(5, 25), STEERED, "cardload", typology="kickback")  # prescribed cards, at the DTP
    shop_candidate = Candidate("cardload", empty, empty, {"typology": "kickback", "shop": DTP})
    elsewhere = _ring(range(14), ELSEWHERE[0], "cardload")  # the same cards at a shop that is neither
    few = _ring(range(10, 40), HOSPITAL, "covisit")  # a third of them the pair's patients
    plain = Candidate("covisit", empty, empty, {})
    scored = [pair, ward_cards, cohort, shop_cards, elsewhere, few]
    candidates = [pair_candidate, plain, plain, shop_candidate, plain, plain]
    out = _designated_patients(scored, candidates, _designated_sent(scored, candidates), facts, ScoreParams())  # type: ignore[arg-type]
    assert out[0] is pair
    for explained in out[1:4]:
        assert explained.benign is not None and explained.typology == "other"
        assert explained.benign.code == "benign_designated" and explained.score < 60.0
    zh = say(out[1].benign.code, out[1].benign.args, "zh")  # type: ignore[union-attr]
    assert "定点药店" in zh and "V2" in zh and "14 人中 14 人" in zh
    assert out[4] is elsewhere and out[5] is few
    # A suspect pair (a kickback, not explained) vouches for no one.
    suspect = _ring(range(20), DTP, "steering", None, "kickback")
    same = _designated_patients(
        [suspect, ward_cards],
        [pair_candidate, plain],
        _designated_sent([suspect, ward_cards], [pair_candidate, plain]),
        facts,  # type: ignore[arg-type]
        ScoreParams(),
    )
    assert same[1] is ward_cards
