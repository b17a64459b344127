"""Chronic-disease refills at a date-only pharmacy are explained; a card collector at one is not (benign_refill)."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from detect.worlds import ring_persons
from graphfraud.io.read import read_claims_dir
from graphfraud.pipeline import run
from graphfraud.score.features import REFILL_PURCHASES, Features, _cadence
from graphfraud.score.reasons import Reason, refill_cohort
from graphfraud.score.wording import say

NAN = math.nan

#: A group at a pharmacy whose members each refill one drug family every 30 days at the city's price.
REFILLS = Features(
    persons=12, claims=144, fund=5_000.0, venue=0, venue_share=1.0, pharmacy_share=1.0, inpatient_share=0.0,
    chronic_share=0.0, top_diagnosis="I10", top_diagnosis_share=1.0, event_days=12, regulars=12, cycle_days=30.0,
    cycle_regularity=1.0, median_arrival_gap=NAN, off_hours_share=NAN, dominance=0.05, cost_ratio=1.6,
    venue_fund_per_claim=35.0, peer_venue_ratio=NAN, ring_fund_per_claim=56.0, out_of_region=0,
    catchment_outside=NAN, out_of_city=0, catchment_outside_city=NAN, attendance=1.0, weekday_share=0.4,
    public_venue=0.0, phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=1,
    addresses=12, median_age=66.0, dup_trace_claims=0, after_death_claims=0, split_admissions=0,
    high_value_share=0.3, private_venue=True, sessions=12, member_period=30.0, member_steady=1.0,
    member_family=1.0, refill_cost=1.05,
)  # fmt: skip
NAMES = {"venue": "P01"}


def test_phase_mates_refilling_each_month_are_explained() -> None:
    # They share every date (attendance 1.0) and cost 1.6x peers' that mix refills with clinic visits: the
    # treatment-cycles explanation fails on both, the refill explanation compares purchases with purchases.
    reason = refill_cohort(REFILLS, NAMES)
    assert reason is not None and reason.code == "benign_refill"
    assert "every 30 days" in reason.text and "P01" in reason.text
    assert "每 30 天到 P01 购药一次" in say(reason.code, reason.args, lang="zh")
    assert f"{REFILL_PURCHASES} times or more" in reason.text  # the refill floor is said as the code has it
    assert f"购药 {REFILL_PURCHASES} 次及以上" in say(reason.code, reason.args, lang="zh")
    # without diagnoses the drug family is not checked, and the sentence says so
    bare = refill_cohort(dataclasses.replace(REFILLS, member_family=NAN), NAMES)
    assert bare is not None and "no diagnoses" in bare.text


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"member_steady": 0.3}, "a collected card's gaps follow the collector's sessions, not a supply"),
        ({"member_period": 5.0}, "a purchase every few days is no monthly refill"),
        ({"member_family": 0.4}, "each card buys whatever resells, not one patient's drug"),
        ({"refill_cost": 8.0}, "dearer than the city's other purchases for the same diagnoses"),
        ({"dup_trace_claims": 40}, "resold boxes void any explanation"),
        ({"pharmacy_share": 0.2}, "not a pharmacy's purchases"),
        ({"refill_cost": NAN}, "no purchases of the families elsewhere to compare"),
    ],
)
def test_what_is_not_a_refill(change: dict, why: str) -> None:
    assert refill_cohort(dataclasses.replace(REFILLS, **change), NAMES) is None, why


def test_a_few_dear_boxes_among_a_year_of_refills_are_chance() -> None:
    """Otherworld 59: five chronic patients' monthly refills at one pharmacy, 42 purchases, two of them one box
    of a dear drug each (579 and 1,028 yuan): 1.47x the city's other refills, 2.9 standard errors above the
    purchases of the same visit type.  A collector's cards, dear on every purchase, are dozens."""
    few = dataclasses.replace(REFILLS, refill_cost=1.47, cost_chance=2.86)
    reason = refill_cohort(few, NAMES)
    assert reason is not None and reason.code == "benign_refill"
    assert refill_cohort(dataclasses.replace(few, cost_chance=12.0), NAMES) is None
    assert refill_cohort(dataclasses.replace(few, cost_chance=NAN), NAMES) is None  # not measured: the cap alone


def test_cadence_is_each_members_own() -> None:
    person = np.r_[np.zeros(6, int), np.ones(6, int)]
    monthly = np.r_[np.arange(6) * 30, 3 + np.arange(6) * 29]  # two patients, each on their own month
    period, steady, family = _cadence(person, monthly, np.zeros(12, int))
    assert (period, steady, family) == (29.5, 1.0, 1.0)
    card = np.r_[[0, 3, 10, 12, 40, 44], [1, 2, 9, 30, 31, 60]]  # swiped when the collector came
    assert _cadence(person, card, np.r_[0, 1, 2, 0, 3, 1, 0, 1, 2, 3, 0, 1])[1] < 0.5


# End to end, dates only: a pharmacy whose 12 hypertensive patients started their monthly refills on the same day
# (and 24 others on their own days), a card collector swiping 8-12 of his 30 cards every 3-6 days at another
# pharmacy for dear drugs, and the city's ordinary purchases at four pharmacies.
START = date(2024, 1, 1)


def _world(directory: Path, *, walk_in: float = 55.0, collector: bool = True, month: float = 60.0) -> Path:
    rng = np.random.default_rng(7)
    directory.mkdir()
    (directory / "facilities.csv").write_text("facility_id,kind,level,ownership\nH01,hospital,2,public\n",
                                              encoding="utf-8")  # fmt: skip
    (directory / "doctors.csv").write_text("doctor_id,facility_id\nDH,H01\n", encoding="utf-8")
    pharmacies = ["P01", "P02", "P03", "P04"]
    (directory / "pharmacies.csv").write_text("pharmacy_id\n" + "".join(f"{p}\n" for p in pharmacies), encoding="utf-8")
    mates = [f"M{i:02d}" for i in range(12)]
    others = [f"O{i:02d}" for i in range(24)]
    cards = [f"K{i:02d}" for i in range(30)]
    town = [f"T{i:03d}" for i in range(400)]
    (directory / "persons.csv").write_text("person_id\n" + "".join(f"{p}\n" for p in mates + others + cards + town),
                                           encoding="utf-8")  # fmt: skip
    rows = []

    def claim(person: str, pharmacy: str, day: int, diagnosis: str, total: float) -> None:
        when = (START + timedelta(days=day)).isoformat()
        rows.append(f"C{len(rows):05d},{person},{pharmacy},pharmacy,{diagnosis},{when},{total:.2f},{0.6 * total:.2f}\n")

    for i, p in enumerate(mates + others):  # monthly refills, one drug each, 50-70 yuan
        first = 4 if i < 12 else int(rng.integers(0, 30))
        diagnosis = "I10" if i % 3 else "E11"
        for m in range(12):
            claim(p, "P01", first + 30 * m + (0 if i < 12 else int(rng.integers(-2, 3))), diagnosis,
                  month if i < 12 else 60.0)  # fmt: skip
    day = 2
    while collector and day < 360:  # the collector: a different handful each session, dear drugs for resale
        for p in rng.choice(cards, int(rng.integers(8, 13)), replace=False):
            claim(str(p), "P02", day, str(rng.choice(["I10", "E11", "I25"])), float(rng.uniform(450, 650)))
        day += int(rng.integers(3, 7))
    for p in town:  # the city's ordinary purchases at all four pharmacies
        for d in rng.choice(360, int(rng.integers(1, 8)), replace=False):
            claim(p, str(rng.choice(pharmacies)), int(d), str(rng.choice(["I10", "E11", "I25", "J06"])), walk_in)
    header = "claim_id,patient_id,pharmacy_id,visit_type,diagnosis,start_time,total_amount,fund_amount\n"
    (directory / "claims.csv").write_text(header + "".join(rows), encoding="utf-8")
    return directory


def test_a_refill_group_is_explained_and_a_collector_at_a_date_only_pharmacy_is_still_flagged(tmp_path: Path) -> None:
    result = run(read_claims_dir(_world(tmp_path / "city")))
    cards = {f"K{i:02d}" for i in range(30)}
    mates = {f"M{i:02d}" for i in range(12)}
    flagged = [r for r in result.rings if ring_persons(r) & cards]
    assert flagged and flagged[0].typology == "card_collector" and flagged[0].benign is None
    assert len(ring_persons(flagged[0]) & cards) >= 27
    assert not [r for r in result.rings if ring_persons(r) & mates]
    explained = [r for r in result.explained if ring_persons(r) & mates]
    assert explained and explained[0].benign is not None and explained[0].benign.code == "benign_refill"


def _cadence_member_by_member(person, day, family, *, min_days=4, steady=0.25):
    """The definition of _cadence: one member at a time."""
    from graphfraud.graph.events import distinct
    from graphfraud.score.features import median

    order = np.lexsort((day, person))
    person, day, family = person[order], day[order], family[order]
    starts = np.flatnonzero(np.concatenate([[True], person[1:] != person[:-1]]))
    periods, steadies, families = [], [], []
    for lo, hi in zip(starts.tolist(), starts[1:].tolist() + [len(person)]):
        days = distinct(day[lo:hi])
        if len(days) < min_days:
            continue
        gaps = np.diff(days)
        med = median(gaps)
        periods.append(med)
        steadies.append(float((np.abs(gaps - med) <= steady * med).mean()))
        known = family[lo:hi][family[lo:hi] >= 0]
        if len(known):
            families.append(float(np.bincount(known).max() / len(known)))
    if not periods:
        return math.nan, 0.0, math.nan
    return (
        median(np.asarray(periods)),
        median(np.asarray(steadies)),
        (median(np.asarray(families)) if families else math.nan),
    )


@pytest.mark.parametrize("seed", range(6))
def test_every_members_cadence_at_once_is_each_members_own(seed: int) -> None:
    # _cadence takes all members in one pass of grouped arrays; the numbers are those of one member at a time
    # (equal, not close), with repeated days, purchases naming no family, and members short of min_days.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    person = rng.integers(0, int(rng.integers(1, 40)), n)
    day = rng.integers(0, int(rng.integers(5, 200)), n)
    family = rng.integers(-1, int(rng.integers(1, 6)), n)
    if seed == 5:
        family[:] = -1
    got = _cadence(person, day, family)
    want = _cadence_member_by_member(person, day, family)
    assert [str(x) for x in got] == [str(x) for x in want]


@pytest.mark.parametrize(("month", "explained"), [(60.0, True), (180.0, False)])
def test_a_month_s_pack_is_compared_with_other_refills_not_walk_in_buys(
    tmp_path: Path, month: float, explained: bool
) -> None:
    """Otherworld 20: a month's pack costs more than the city's walk-in buys of a few days (there 2.3x the
    single purchases, 0.91x the city's other refills).  Here the walk-in buys are 15 yuan and the refills 60:
    the phase-mates are explained at the other refills' price, and not at three times it."""
    result = run(read_claims_dir(_world(tmp_path / "city", walk_in=15.0, collector=False, month=month)))
    mates = {f"M{i:02d}" for i in range(12)}
    refills = [r for r in result.explained if ring_persons(r) & mates and r.benign and r.benign.code == "benign_refill"]
    assert bool(refills) == explained
    if not explained:
        assert [r for r in result.rings if len(ring_persons(r) & mates) >= 6]


#: Step 105: the card load of sixthworld swh19 14's goods swap (串换): 31 of 1,508 cards billed at the shop 3 times
#: or more at >= 5x the usual cost of such claims and of the card's own claims elsewhere (typically 8 times at
#: 9.7x), none at its peers, every 22 days at 1.05x the city's other pharmacy refills.
LOADED = Reason(
    "card_load",
    {"flagged": 31, "cards": 1508, "venue": "P01", "min_claims": 3, "ratio": 5.0, "times": 8.0, "card_ratio": 9.7,
     "share": 0.484, "peer_rate": 0.0, "card_load_from": 3.0},
    31.0, 3.0, 25.0,
)  # fmt: skip


def test_loaded_cards_are_not_refills() -> None:
    """Step 105: a group whose cards the card load flags is not offered the refill reading, whatever its rhythm and
    its price against the city's refills; the card load's sentence not scored (no points) changes nothing, nor
    does another reason."""
    goods = dataclasses.replace(REFILLS, member_period=22.0, member_steady=0.83, member_family=NAN, refill_cost=1.05)
    assert refill_cohort(goods, NAMES) is not None  # the base: a steady month at the city's refill price
    assert refill_cohort(goods, NAMES, [LOADED]) is None
    assert refill_cohort(goods, NAMES, [dataclasses.replace(LOADED, points=0.0)]) is not None
    other = Reason("dominance", {"share": 0.33, "venue": "P01", "dominance_from": 0.03}, 0.33, 0.03, 10.0)
    assert refill_cohort(goods, NAMES, [other]) is not None
