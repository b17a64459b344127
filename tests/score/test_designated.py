"""Designated pharmacies (双通道): an oncologist's patients all buying cancer drugs at the pharmacy where the
whole city buys them is explained; two colluding doctors of one department steering diabetics to a pharmacy
while the city's other diabetics buy elsewhere are not, and neither hides the other."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from graphfraud.detect import steering
from graphfraud.params import SteeringParams
from graphfraud.score.designated import high_value_purchases, market
from graphfraud.score.reasons import designated_pharmacy
from graphfraud.score.wording import say
from tests.score.stubs import StubVisits, nothing

HOSPITAL, OTHER_HOSPITAL, DTP, STEERED = 0, 1, 2, 3  # venue codes
ELSEWHERE = (4, 5, 6, 7)  # the city's other pharmacies
CANCER, DIABETES, COLD = 0, 1, 2  # diagnosis families (codes into NAMES)
NAMES = np.array(["C50", "E11", "J06", ""], dtype=object)


def _city(*, diabetics_elsewhere: int = 60) -> tuple[SimpleNamespace, SimpleNamespace]:
    """A hospital with oncologists 0 and 1 (20 and 15 patients, all buying their cancer drug at the
    designated pharmacy ``DTP``, as do 6 patients of an oncologist at another hospital), doctors 2 and 3 of one
    department who each steer 15 of 18 diabetics to ``STEERED``, four ordinary doctors whose 20 patients each
    buy cold medicine (and a few diabetes drugs) elsewhere, and ``diabetics_elsewhere`` diabetics of other
    doctors buying the same diabetes drugs at the city's other pharmacies."""
    rows = []  # claim, person, venue, doctor, kind, fund, minute, diagnosis
    person = 0

    def visit_and_buy(doctor: int, facility: int, pharmacy: int, diagnosis: int, day: int) -> None:
        nonlocal person
        rows.append((len(rows), person, facility, doctor, 0, 80.0, day * 1440 + 600, diagnosis))
        rows.append((len(rows), person, pharmacy, -1, 1, 900.0, day * 1440 + 700, diagnosis))
        person += 1

    for doctor, n in ((0, 20), (1, 15)):
        for i in range(n):
            visit_and_buy(doctor, HOSPITAL, DTP, CANCER, day=doctor * 40 + i)
    for i in range(6):
        visit_and_buy(9, OTHER_HOSPITAL, DTP, CANCER, day=100 + i)
    for doctor in (2, 3):
        for i in range(18):
            visit_and_buy(doctor, HOSPITAL, STEERED if i < 15 else ELSEWHERE[i % 4], DIABETES, day=doctor * 40 + i)
    for doctor in (4, 5, 6, 7):
        for i in range(20):
            sick = DIABETES if i < 3 else COLD
            visit_and_buy(doctor, HOSPITAL, ELSEWHERE[(doctor + i) % 4], sick, day=doctor * 30 + i)
    for i in range(diabetics_elsewhere):
        visit_and_buy(10 + i % 5, OTHER_HOSPITAL, ELSEWHERE[i % 4], DIABETES, day=200 + i % 60)
    for i in range(400):  # everyday low-value purchases, so that 900 yuan is a high value
        rows.append((len(rows), person, ELSEWHERE[i % 4], -1, 1, 20.0, (i % 300) * 1440 + 800, COLD))
        person += 1
    columns = ["claim", "person", "venue", "doctor", "kind", "fund", "minute", "diagnosis"]
    table = pd.DataFrame(rows, columns=columns)
    table["inpatient"] = False
    table["day"] = table["minute"] // 1440
    visits = StubVisits(table)
    claims = pd.DataFrame({"total_amount": table["fund"], "fund_amount": table["fund"]})
    graph = SimpleNamespace(visits=visits, data=SimpleNamespace(claims=claims))
    facts = SimpleNamespace(graph=graph, diagnosis=table["diagnosis"].to_numpy(), diagnosis_names=NAMES, stake=None)
    return graph, facts


def _explained(graph: SimpleNamespace, facts: SimpleNamespace) -> dict[tuple[int, int], object]:
    """(doctor, pharmacy) of each steering candidate -> its designated-pharmacy explanation (or None)."""
    found = steering.detect(graph, SteeringParams())  # type: ignore[arg-type]
    purchases = high_value_purchases(facts, float(found[0].evidence["min_fund"]))  # type: ignore[arg-type]
    out = {}
    for c in found:
        names = {"doctor": f"D{c.evidence['doctor']}", "pharmacy": f"P{c.evidence['pharmacy']}"}
        m = market(c, facts, purchases)  # type: ignore[arg-type]
        out[c.evidence["doctor"], c.evidence["pharmacy"]] = designated_pharmacy(
            nothing(private_venue=True), m, names, evidence=c.evidence, steering=c.params
        )
    return out


def test_oncologists_at_the_designated_pharmacy_are_explained_and_both_colluders_are_not() -> None:
    graph, facts = _city()
    explained = _explained(graph, facts)
    # Steering sees all four: against the hospital's other doctors each sends far more patients there.
    assert set(explained) == {(0, DTP), (1, DTP), (2, STEERED), (3, STEERED)}
    # The oncologists' pharmacy is where every cancer-drug buyer of the city goes, whoever prescribed.
    for doctor in (0, 1):
        reason = explained[doctor, DTP]
        assert reason is not None and reason.code == "benign_designated"
        assert reason.args["market"] == 1.0 and reason.args["diagnosis"] == "C50"
    assert explained[0, DTP].args["buyers"] == 15 + 6  # doctor 1's patients and the other hospital's: not his own
    # The colluders each count the other's patients in the market, but the city's other diabetics buy the same
    # drugs elsewhere: the pharmacy's market share (15 of 15 + 3 + 60) is far below their 83%.
    assert explained[2, STEERED] is None and explained[3, STEERED] is None


def test_the_explanation_reads_in_chinese_first() -> None:
    graph, facts = _city()
    reason = _explained(graph, facts)[0, DTP]
    assert reason is not None
    zh = say(reason.code, reason.args, "zh")
    assert "定点药店" in zh and "C50" in zh and "100%" in zh
    assert "designated pharmacy" in reason.text and "21 other" in reason.text


def test_a_market_the_colluders_make_up_alone_explains_nothing_they_did_not_show() -> None:
    # What it costs: when no one else in the city buys the drugs they steer to, the other colluder is the
    # whole market, and the pharmacy is where that drug is bought: no sign in the data that it was chosen.
    graph, facts = _city(diabetics_elsewhere=0)
    explained = _explained(graph, facts)
    m = market(
        next(c for c in steering.detect(graph, SteeringParams()) if c.evidence["doctor"] == 2),  # type: ignore[arg-type]
        facts,  # type: ignore[arg-type]
        high_value_purchases(facts, 900.0),  # type: ignore[arg-type]
    )
    assert m is not None and m.buyers == 18 + 12  # doctor 3's and the ordinary doctors' diabetics
    assert explained[2, STEERED] is not None
