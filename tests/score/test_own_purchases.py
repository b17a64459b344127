"""Step 141: colleagues' own purchases at the late-night pharmacy are explained; a card collector paying from the
cards' accounts for dear goods is not (benign_own_purchases)."""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from detect.worlds import ring_persons
from graphfraud.io.read import read_claims_dir
from graphfraud.pipeline import run
from graphfraud.score.features import Features
from graphfraud.score.reasons import PEER_COST, Reason, own_purchases
from graphfraud.score.wording import say

NAN = math.nan

#: Colleagues of a park's firms at the only pharmacy open late: 80 persons on 120 of the same nights, minutes apart,
#: every purchase from their own accounts (the fund paid nothing) at the city's price for such purchases.
NIGHT = Features(
    persons=80, claims=1200, fund=0.0, venue=0, venue_share=1.0, pharmacy_share=1.0, inpatient_share=0.0,
    chronic_share=0.0, top_diagnosis="", top_diagnosis_share=0.0, event_days=120, regulars=78, cycle_days=1.0,
    cycle_regularity=0.9, median_arrival_gap=3.0, off_hours_share=1.0, dominance=0.15, cost_ratio=1.0,
    venue_fund_per_claim=0.0, peer_venue_ratio=NAN, ring_fund_per_claim=0.0, out_of_region=0,
    catchment_outside=0.0, out_of_city=0, catchment_outside_city=0.0, sessions=120, attendance=0.2,
    weekday_share=0.6, public_venue=0.0, phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0,
    top_address_persons=1, addresses=80, median_age=30.0, dup_trace_claims=0, after_death_claims=0,
    split_admissions=0, high_value_share=0.0, private_venue=False, stake=42_000.0, money_cost=1.1,
)  # fmt: skip
NAMES = {"venue": "P01"}


def test_colleagues_buying_at_ordinary_prices_from_their_own_accounts_are_explained() -> None:
    reason = own_purchases(NIGHT, NAMES)
    assert reason is not None and reason.code == "benign_own_purchases"
    assert "0.0% of the 42,000.00 yuan" in reason.text and "1.10x" in reason.text and "P01" in reason.text
    zh = say(reason.code, reason.args, lang="zh")
    assert zh.startswith("疑为顾客本人账户") and "P01" in zh and "1.10 倍" in zh


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"money_cost": 4.4}, "a collector's cards buy dear: several times the city's purchases of the kind"),
        ({"money_cost": PEER_COST + 0.01}, "just above the peers' cost is no longer ordinary"),
        ({"money_cost": NAN}, "the fund paid half or more (money_cost not measured): the fund's cost is the measure"),
        ({"pharmacy_share": 0.2}, "not a pharmacy's purchases"),
        ({"after_death_claims": 3}, "a dead holder's card is swiped by someone else"),
        ({"dup_trace_claims": 200}, "resold boxes are a collector's"),
        ({"phone_hub_persons": 12}, "cards of many households bound to one phone"),
    ],
)
def test_what_is_not_own_purchases(change: dict, why: str) -> None:
    assert own_purchases(dataclasses.replace(NIGHT, **change), NAMES) is None, why


def test_a_scored_card_load_is_never_own_purchases() -> None:
    args = {"flagged": 40, "cards": 900, "venue": "P01", "min_claims": 3, "ratio": 5.0, "times": 2.0,
            "card_ratio": 5.0, "share": 0.04, "peer_rate": 0.002, "card_load_from": 5.0}  # fmt: skip
    load = Reason("card_load", args, 40.0, 5.0, 20.0)
    assert own_purchases(NIGHT, NAMES, [load]) is None


# End to end, times to the minute: 40 colleagues of two firms who buy cheap eye drops and cold pills in twos to
# sixes minutes apart at P01 on their late nights, paying from their own accounts; a collector who swipes 8-12 of
# his 30 cards every 3-6 nights at P02 for dear goods, also from the cards' accounts; the city's ordinary daytime
# purchases at all four pharmacies.
START = datetime(2024, 3, 1)


def _world(directory: Path, *, night_total: float = 36.0) -> Path:
    rng = np.random.default_rng(11)
    directory.mkdir()
    (directory / "facilities.csv").write_text("facility_id,kind,level,ownership\nH01,hospital,2,public\n",
                                              encoding="utf-8")  # fmt: skip
    (directory / "doctors.csv").write_text("doctor_id,facility_id\nDH,H01\n", encoding="utf-8")
    pharmacies = ["P01", "P02", "P03", "P04"]
    (directory / "pharmacies.csv").write_text("pharmacy_id\n" + "".join(f"{p}\n" for p in pharmacies), encoding="utf-8")
    staff = [f"W{i:02d}" for i in range(40)]
    cards = [f"K{i:02d}" for i in range(30)]
    town = [f"T{i:03d}" for i in range(500)]
    (directory / "persons.csv").write_text("person_id\n" + "".join(f"{p}\n" for p in staff + cards + town),
                                           encoding="utf-8")  # fmt: skip
    rows = []

    def claim(person: str, pharmacy: str, when: datetime, total: float) -> None:
        rows.append(
            f"C{len(rows):05d},{person},{pharmacy},pharmacy,{when:%Y-%m-%d %H:%M},{total:.2f},0.00,{total:.2f}\n"
        )

    for day in range(0, 180):
        if day % 7 < 5 and rng.random() < 0.7:  # a late night at one of the firms: a few colleagues together
            firm = staff[:20] if rng.random() < 0.5 else staff[20:]
            for p in rng.choice(firm, int(rng.integers(2, 7)), replace=False):
                at = START + timedelta(days=day, hours=22, minutes=int(rng.integers(0, 8)))
                claim(str(p), "P01", at, float(rng.normal(night_total, 6.0)))
    day = 2
    while day < 180:  # the collector: a different handful each session, dear goods paid from the cards' accounts
        for n, p in enumerate(rng.choice(cards, int(rng.integers(8, 13)), replace=False)):
            claim(str(p), "P02", START + timedelta(days=day, hours=21, minutes=2 * n), float(rng.uniform(300, 500)))
        day += int(rng.integers(3, 7))
    for p in town:  # the city's ordinary purchases at the four pharmacies, in the day
        for d in rng.choice(180, int(rng.integers(1, 8)), replace=False):
            at = START + timedelta(days=int(d), hours=int(rng.integers(8, 19)), minutes=int(rng.integers(0, 60)))
            claim(p, str(rng.choice(pharmacies)), at, float(rng.normal(36.0, 6.0)))
    header = "claim_id,patient_id,pharmacy_id,visit_type,start_time,total_amount,fund_amount,account_amount\n"
    (directory / "claims.csv").write_text(header + "".join(rows), encoding="utf-8")
    return directory


def test_late_night_colleagues_are_explained_and_the_collector_is_still_flagged(tmp_path: Path) -> None:
    result = run(read_claims_dir(_world(tmp_path / "park")))
    cards = {f"K{i:02d}" for i in range(30)}
    staff = {f"W{i:02d}" for i in range(40)}
    flagged = [r for r in result.rings if ring_persons(r) & cards]
    assert flagged and flagged[0].typology == "card_collector" and flagged[0].benign is None
    assert not [r for r in result.rings if len(ring_persons(r) & staff) >= 3]
    explained = [r for r in result.explained if len(ring_persons(r) & staff) >= 3]
    assert explained and {r.benign.code for r in explained if r.benign} == {"benign_own_purchases"}


def test_the_same_colleagues_buying_dear_are_a_ring(tmp_path: Path) -> None:
    # the same nights, the same minutes, at four times the city's price: what sets them apart is the cost alone
    result = run(read_claims_dir(_world(tmp_path / "dear", night_total=150.0)))
    staff = {f"W{i:02d}" for i in range(40)}
    assert [r for r in result.rings if len(ring_persons(r) & staff) >= 3 and r.benign is None]
