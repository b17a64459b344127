"""门特 patients collecting their regimen at the designated (双通道) pharmacy are not a kickback's.

Fourthworld's 门特 window: a department's 门特 patients see their doctor early each month on a chronic-disease visit
(门诊慢特病) and buy the month's pack at the hospital's 双通道 pharmacy, which no one else in the export buys that drug
at, so the drug's market (step 10) cannot explain the pair.  A kickback doctor's patients buy what he sends them for
on ordinary outpatient visits; a paying shop may also charge more than the city, or sell more than a regimen.
"""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd

from graphfraud.detect import steering
from graphfraud.detect.candidate import Candidate
from graphfraud.params import ScoreParams, SteeringParams
from graphfraud.score.designated import Regimen, regimen
from graphfraud.score.reasons import REGIMEN_MONTHLY, regimen_pharmacy
import graphfraud.score.rings as rings_module
from graphfraud.score.rings import Ring, _designated_apart, _designated_sent
from graphfraud.score.wording import say
from tests.score.stubs import StubVisits, nothing

HOSPITAL, DTP, STEERED, DEAR, WEEKLY = 0, 1, 2, 3, 4  # venue codes
ELSEWHERE = (5, 6, 7, 8)  # the city's other pharmacies
BIOLOGIC, COLD = "XL04AB001", "XJ01CA001"
PRICE = 1150.0


def _city(*, fee_lines: bool = True) -> tuple[SimpleNamespace, SimpleNamespace]:
    """Doctor 0's 20 门特 patients each month: a chronic visit, then one pack of the biologic at ``DTP``.  Doctor 1's
    20 patients: outpatient visits, the same pack at ``STEERED``.  Doctor 2's 门特 patients buy at ``DEAR``, which
    charges 1.3x the city's price; doctor 3's see him weekly and buy a pack each time at ``WEEKLY``.  Doctors 4-7
    are their peers, 30 other patients of the city buy the biologic elsewhere, and everyday purchases make the pack
    a high value."""
    rows: list[tuple] = []  # claim, person, venue, doctor, kind, fund, minute, chronic
    lines: list[tuple] = []  # claim, item_code, quantity, unit_price
    person = 0

    def visit_and_buy(doctor: int, pharmacy: int, day: int, *, chronic: bool, price: float = PRICE) -> None:
        rows.append((len(rows), person, HOSPITAL, doctor, 0, 30.0, day * 1440 + 600, chronic))
        lines.append((len(rows) - 1, "110200001", 1.0, 30.0))
        rows.append((len(rows), person, pharmacy, -1, 1, price, day * 1440 + 700, False))
        lines.append((len(rows) - 1, BIOLOGIC, 1.0, price))

    for doctor, shop in ((0, DTP), (1, STEERED), (2, DEAR)):
        for _ in range(20):
            for month in range(4):
                visit_and_buy(doctor, shop, day=month * 30 + 2 + person % 5, chronic=doctor != 1,
                              price=1.3 * PRICE if shop == DEAR else PRICE)  # fmt: skip
            person += 1
    for _ in range(20):
        for week in range(16):
            visit_and_buy(3, WEEKLY, day=week * 7 + person % 3, chronic=True)
        person += 1
    for doctor in (4, 5, 6, 7):
        for i in range(20):
            rows.append((len(rows), person, HOSPITAL, doctor, 0, 30.0, (doctor * 10 + i) * 1440 + 600, False))
            lines.append((len(rows) - 1, "110200001", 1.0, 30.0))
            rows.append((len(rows), person, ELSEWHERE[i % 4], -1, 1, 20.0, (doctor * 10 + i) * 1440 + 700, False))
            lines.append((len(rows) - 1, COLD, 1.0, 20.0))
            person += 1
    for i in range(30):  # the biologic's other buyers, at the city's price
        rows.append((len(rows), person, ELSEWHERE[i % 4], -1, 1, PRICE, (i % 100) * 1440 + 800, False))
        lines.append((len(rows) - 1, BIOLOGIC, 1.0, PRICE))
        person += 1
    for i in range(400):
        rows.append((len(rows), person, ELSEWHERE[i % 4], -1, 1, 20.0, (i % 120) * 1440 + 800, False))
        lines.append((len(rows) - 1, COLD, 1.0, 20.0))
        person += 1
    table = pd.DataFrame(rows, columns=["claim", "person", "venue", "doctor", "kind", "fund", "minute", "chronic"])
    table["inpatient"] = False
    table["day"] = table["minute"] // 1440
    claims = pd.DataFrame({"claim_id": [f"C{i}" for i in table["claim"]], "total_amount": table["fund"],
                           "fund_amount": table["fund"]})  # fmt: skip
    items = pd.DataFrame(lines, columns=["claim", "item_code", "quantity", "unit_price"])
    items["amount"] = items["quantity"] * items["unit_price"]
    items["claim_id"] = "C" + items["claim"].astype(str)
    if not fee_lines:
        items = items.iloc[:0]
    data = SimpleNamespace(claims=claims, claim_items=items.drop(columns="claim"), link=lambda table, column: None)
    graph = SimpleNamespace(visits=StubVisits(table, 9), data=data)
    facts = SimpleNamespace(graph=graph, chronic=table["chronic"].to_numpy(), stake=None)
    return graph, facts


def _judged(fee_lines: bool = True) -> dict[int, tuple[Regimen | None, object]]:
    """Doctor of each steering candidate -> (its regimen, its explanation)."""
    graph, facts = _city(fee_lines=fee_lines)
    out = {}
    for c in steering.detect(graph, SteeringParams()):  # type: ignore[arg-type]
        names = {"doctor": f"D{c.evidence['doctor']}", "pharmacy": f"P{c.evidence['pharmacy']}"}
        reg = regimen(c, facts)  # type: ignore[arg-type]
        out[int(c.evidence["doctor"])] = (reg, regimen_pharmacy(nothing(), reg, names))
    return out


def test_mente_patients_at_the_designated_pharmacy_are_explained_and_a_kickback_is_not() -> None:
    judged = _judged()
    assert set(judged) == {0, 1, 2, 3}
    reg, reason = judged[0]
    assert reg is not None and reg.chronic == 1.0 and reg.monthly == 1.0
    assert reg.price == 1.0 and reg.quantity == 1.0 and reg.compared > 0.99  # the city's price, one pack
    assert reason is not None and reason.code == "benign_designated"  # type: ignore[attr-defined]
    zh = say(reason.code, reason.args, "zh")  # type: ignore[attr-defined]
    assert "门特" in zh and "双通道" in zh and "P1" in zh and "D0" in zh
    # The same drug at the same price on ordinary outpatient visits: a kickback's patients, not 门特 ones.
    reg, reason = judged[1]
    assert reg is not None and reg.chronic == 0.0 and reason is None
    # 门特 visits, but the shop charges 1.3x what the city's other venues charge for the drug.
    reg, reason = judged[2]
    assert reg is not None and reg.chronic == 1.0 and abs(reg.price - 1.3) < 1e-9 and reason is None
    # 门特 visits, at the city's price, but a pack every week: four times a regimen.
    reg, reason = judged[3]
    assert reg is not None and reg.monthly > REGIMEN_MONTHLY and reason is None


def test_without_fee_lines_the_visits_and_the_cadence_decide() -> None:
    judged = _judged(fee_lines=False)
    reg, reason = judged[0]
    assert reg is not None and math.isnan(reg.price) and reason is not None
    assert "无其他机构同一药品的费用明细可比价格" in say(reason.code, reason.args, "zh")  # type: ignore[attr-defined]
    assert judged[1][1] is None and judged[3][1] is None
    assert judged[2][1] is not None  # no fee lines: the dearer price cannot be seen, and is not assumed


def test_a_hard_flag_voids_it() -> None:
    reg = Regimen(chronic=1.0, visits=80, monthly=1.0, price=1.0, quantity=1.0, compared=1.0)
    names = {"doctor": "D0", "pharmacy": "P1"}
    assert regimen_pharmacy(nothing(), reg, names) is not None
    assert regimen_pharmacy(dataclasses.replace(nothing(), after_death_claims=2), reg, names) is None
    assert regimen_pharmacy(nothing(), dataclasses.replace(reg, chronic=0.4), names) is None
    assert regimen_pharmacy(nothing(), dataclasses.replace(reg, quantity=2.0), names) is None


def test_misused_cards_at_the_designated_pharmacy_leave_its_explained_patients_out(monkeypatch) -> None:
    # An institution's cards at the DTP: 2 flagged cards (a dead holder's), a third card billed the same way, and the
    # 20 门特 patients billed the same way too.  The patients' pair is explained, so they leave the ring; the flagged cards stay, scored as they stand.
    graph, facts = _city()
    pair_c = next(c for c in steering.detect(graph, SteeringParams()) if c.evidence["doctor"] == 0)  # type: ignore[arg-type]
    explained = Ring("P", 0, 20.0, "green", "other", (), pair_c.persons, pair_c.claims, 0.0, (),
                     regimen_pharmacy(nothing(), regimen(pair_c, facts), {"doctor": "D0", "pharmacy": "P1"}),  # type: ignore[arg-type]
                     "steering", nothing())  # fmt: skip
    cards_persons = np.union1d(pair_c.persons, [900, 901, 902])
    f = dataclasses.replace(nothing(), persons=len(cards_persons), venue=DTP)
    ring = Ring("C", 0, 60.0, "red", "card_collector", (), cards_persons, np.zeros(0, dtype=np.int64), 0.0, (),
                None, "cards", f)  # fmt: skip
    cards_c = Candidate("cards", cards_persons, np.zeros(0, dtype=np.int64), {"flagged": 2})
    # the ring's scoring is not what is tested here: a rescored candidate is the ring with its persons
    monkeypatch.setattr(
        rings_module, "_score", lambda c, facts, params: dataclasses.replace(ring, person_codes=c.persons)
    )
    out_s, out_c = _designated_apart(
        [explained, ring],
        [pair_c, cards_c],
        _designated_sent([explained, ring], [pair_c, cards_c]),
        facts,  # type: ignore[arg-type]
        ScoreParams(),
    )
    assert (
        out_c[0] is pair_c
        and list(out_c[1].persons) == [900, 901, 902]
        and list(out_s[1].person_codes) == [900, 901, 902]
    )
    # Only the flagged cards at the pharmacy and no one else's: nothing to leave out, the ring is as it was.
    only = Candidate("cards", pair_c.persons, np.zeros(0, dtype=np.int64), {"flagged": 20})
    designated = _designated_sent([explained, ring], [pair_c, only])
    same_s, same_c = _designated_apart([explained, ring], [pair_c, only], designated, facts, ScoreParams())  # type: ignore[arg-type]
    assert same_s[1] is ring and same_c[1] is only
