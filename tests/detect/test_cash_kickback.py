"""Kickbacks the patients paid in cash (step 38): a doctor who sends his patients to one shop for dear
drugs is found when every purchase is 0 yuan of insurance money, whether the pharmacy claims name the
doctor or not; a hospital whose every doctor's patients fill prescriptions at the shop next door, in
cash, at ordinary rates, is not."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from .worlds import steering_reasons
from graphfraud.detect import steering
from graphfraud.params import SteeringParams
from graphfraud.score.wording import say

HOSPITAL, NEXT_DOOR, CHAIN_SHOP = 0, 1, 2  # the county hospital, the shop next door, a chain's shop
OTHERS = range(3, 9)  # six other pharmacies of the county


def _county(
    *, steered: int, doctor_on_purchase: bool = False, home: bool = False, insured: int = 0
) -> tuple[SimpleNamespace, list[int]]:
    """Eight doctors with 20 patients each; after each visit the patient buys a drug at a pharmacy outside
    门诊统筹 and pays cash (fund and account 0).  Every doctor's patients fill a quarter of their
    prescriptions at the shop next door (40 yuan, ordinary) and buy dear (600 yuan) elsewhere; doctor 0
    sends ``steered`` of his patients to ``CHAIN_SHOP`` for the dear drugs within two days.  400 cheap
    purchases by others, which the fund pays, make 600 yuan a high price and 20 yuan of insurance money a
    high value.  With ``doctor_on_purchase`` the pharmacy claims
    name the prescribing doctor.  With ``home`` doctor 1 is a nursing home's: he sees his 20 residents on
    four monthly rounds, and two days after each the home's carer buys their dear medicine at one shop (7),
    in cash, in one errand.  The fund pays the dear purchases of the first ``insured`` steered patients.
    Returns the graph and doctor 0's steered patients."""
    rows = []  # claim, person, venue, doctor, kind, fund, minute, total
    for doctor in range(8):
        for i in range(20):
            person, day = doctor * 100 + i, doctor * 30 + i
            rows.append((len(rows), person, HOSPITAL, doctor, 0, 30.0, day * 1440 + 600, 60.0))
            named = doctor if doctor_on_purchase else -1
            if i % 4 == 0:  # a quarter fill the prescription next door, the same day, at an ordinary price
                rows.append((len(rows), person, NEXT_DOOR, named, 1, 0.0, day * 1440 + 660, 40.0))
            sent = doctor == 0 and i < steered
            shop = CHAIN_SHOP if sent else OTHERS[(doctor + i) % len(OTHERS)]
            when = (day + i % 3) * 1440 + 700
            if home and doctor == 1:  # the home's round: its carer fetches everyone's medicine two days later
                visit = rows[-1 - (i % 4 == 0)]
                rows[-1 - (i % 4 == 0)] = visit[:6] + ((30 + 30 * (i % 4)) * 1440 + 600,) + visit[7:]
                shop, when = NEXT_DOOR + 6, (32 + 30 * (i % 4)) * 1440 + 700 + i
            fund = 600.0 if sent and i < insured else 0.0  # the first ``insured`` steered are paid by the fund
            rows.append((len(rows), person, shop, named, 1, fund, when, 600.0))
    for i in range(400):
        rows.append((len(rows), 10_000 + i, OTHERS[i % len(OTHERS)], -1, 1, 20.0, (i % 300) * 1440 + 800, 20.0))
    table = pd.DataFrame(rows, columns=["claim", "person", "venue", "doctor", "kind", "fund", "minute", "total"])
    table["inpatient"] = False
    table["day"] = table["minute"] // 1440
    claims = pd.DataFrame({"total_amount": table["total"], "fund_amount": table["fund"], "account_amount": 0.0})
    graph = SimpleNamespace(
        visits=SimpleNamespace(table=table.drop(columns="total")), data=SimpleNamespace(claims=claims)
    )
    return graph, list(range(steered))


@pytest.mark.parametrize("doctor_on_purchase", [False, True])
def test_a_kickback_paid_in_cash_is_found_with_every_steered_patient(doctor_on_purchase: bool) -> None:
    # No purchase carries insurance money, so on insurance money nothing is dear and nothing is steered;
    # at the purchases' price doctor 0's 15 patients at CHAIN_SHOP are 75% of his, against none of the
    # peers': one candidate, marked at_price, its members the 15 and their claims the visits and purchases.
    graph, steered_patients = _county(steered=15, doctor_on_purchase=doctor_on_purchase)
    found = steering.detect(graph, SteeringParams())
    assert [(c.evidence["doctor"], c.evidence["pharmacy"]) for c in found] == [(0, CHAIN_SHOP)]
    kick = found[0]
    assert kick.evidence["at_price"] is True and kick.evidence["patients"] == 15
    assert sorted(kick.persons.tolist()) == steered_patients
    table = graph.visits.table
    bought = table.loc[table["claim"].isin(kick.claims) & (table["kind"] == 1)]
    assert set(bought["venue"]) == {CHAIN_SHOP}  # not the ordinary fills next door
    assert set(table.loc[table["claim"].isin(kick.claims) & (table["kind"] == 0), "doctor"]) == {0}


def test_the_shop_next_door_that_fills_every_doctors_prescriptions_in_cash_is_no_kickback() -> None:
    # The benign control: the same county, nobody steered.  Every doctor's patients go next door at the
    # same rate (and those purchases are ordinary, not dear), and the dear purchases spread over the
    # six other shops alike for every doctor: no pair at any price.
    graph, _ = _county(steered=0)
    assert steering.detect(graph, SteeringParams()) == []


def test_a_cash_kickback_says_its_purchases_were_counted_at_their_price() -> None:
    graph, _ = _county(steered=15)
    kick = steering.detect(graph, SteeringParams())[0]
    reasons = steering_reasons(kick.evidence | {"follow_days": 2})
    reason = next(r for r in reasons if r.code == "steering")
    assert reason.points > 0 and "min_fund" not in reason.args
    assert "15 of 20 patients of D0" in reason.text and "yuan at their price, whoever paid" in reason.text
    assert "按药品价格计，不论由谁支付" in say("steering", reason.args, "zh")


def test_a_carers_errand_for_a_homes_residents_paid_in_cash_is_no_kickback() -> None:
    # Doctor 1's residents all buy at one shop after his rounds, as steered patients would (20 of 20, none of
    # the peers'), but on four days, everyone's at once: one errand, not patients sent one by one.
    graph, _ = _county(steered=15, home=True)
    found = steering.detect(graph, SteeringParams())
    assert [(c.evidence["doctor"], c.evidence["pharmacy"]) for c in found] == [(0, CHAIN_SHOP)]


def test_a_pair_seen_only_at_price_must_be_steering_in_its_cash_purchases_alone() -> None:
    # 8 of the 15 steered purchases are insured: on insurance money 8 patients are too few for a pair
    # (min_patients 10), at price 15 are one; the 7 cash buyers alone are too few too, so the pair is no
    # cash kickback (what it costs: a kickback half insured, half cash, each half under 10, is not found).
    # With 3 insured, the 12 cash buyers are a pair on their own and the kickback is found at price.
    graph, _ = _county(steered=15, insured=8)
    assert steering.detect(graph, SteeringParams()) == []
    graph, steered_patients = _county(steered=15, insured=3)
    (kick,) = steering.detect(graph, SteeringParams())
    assert kick.evidence["at_price"] is True and sorted(kick.persons.tolist()) == steered_patients
