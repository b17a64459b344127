"""Doctor -> pharmacy steering (kickbacks): a small kickback at a popular pharmacy is found and scored;
the hospital's own pharmacy next door, which gets as many of every doctor's patients, is not."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from .worlds import steering_reasons
from graphfraud.detect import steering
from graphfraud.params import ScoreParams, SteeringParams

HOSPITAL, OWN, STEERED = 0, 1, 2  # venue codes: the hospital, its own pharmacy next door, the steered one
OTHERS = range(3, 9)  # six other pharmacies


def _hospital(*, steered: int = 15, walk_ins: int = 10, account: bool = False) -> SimpleNamespace:
    """Eight doctors with 20 high-value followed-up patients each (doctor 0: 23); each peer sends 8 to
    the hospital's own pharmacy, 5 to the popular ``STEERED`` one and the rest elsewhere; doctor 0 sends
    ``steered`` of his 23 there.  Plus ``walk_ins`` other high-value buyers at ``STEERED`` and 400
    low-value purchases (so that 500 yuan is a high value).  With ``account`` the pharmacy purchases are
    paid from the patients' personal accounts (个人账户): the fund pays nothing on them."""
    rows = []  # claim, person, venue, doctor, kind, fund, minute
    person = 0

    def visit_and_buy(doctor: int, pharmacy: int, day: int) -> None:
        nonlocal person
        rows.append((len(rows), person, HOSPITAL, doctor, 0, 80.0, day * 1440 + 600))
        rows.append((len(rows), person, pharmacy, -1, 1, 500.0, day * 1440 + 700))
        person += 1

    for doctor in range(8):
        n = 23 if doctor == 0 else 20
        to_steered = steered if doctor == 0 else 5
        to_own = 5 if doctor == 0 else 8
        where = [STEERED] * to_steered + [OWN] * to_own
        where += [OTHERS[i % len(OTHERS)] for i in range(n - len(where))]
        for i, pharmacy in enumerate(where):
            visit_and_buy(doctor, pharmacy, day=doctor * 30 + i)
    for i in range(walk_ins):
        rows.append((len(rows), person, STEERED, -1, 1, 500.0, (200 + i) * 1440 + 900))
        person += 1
    for i in range(400):
        rows.append((len(rows), person, OTHERS[i % len(OTHERS)], -1, 1, 20.0, (i % 300) * 1440 + 800))
        person += 1
    table = pd.DataFrame(rows, columns=["claim", "person", "venue", "doctor", "kind", "fund", "minute"])
    table["inpatient"] = False
    table["day"] = table["minute"] // 1440
    claims = pd.DataFrame({"total_amount": table["fund"], "fund_amount": table["fund"]})
    if account:
        bought = table["kind"] == 1
        claims["account_amount"] = table["fund"].where(bought, 0.0)
        claims.loc[bought, "fund_amount"] = 0.0
        table.loc[bought, "fund"] = 0.0
    return SimpleNamespace(visits=SimpleNamespace(table=table), data=SimpleNamespace(claims=claims))


def _steering_points(candidate) -> float:  # type: ignore[no-untyped-def]
    """The points of the steering reason (the other reasons measured as nothing)."""
    reasons = steering_reasons(candidate.evidence | {"follow_days": 2}, venue="P")
    return sum(r.points for r in reasons if r.code == "steering")


def test_a_small_kickback_at_a_popular_pharmacy_is_found_and_scored() -> None:
    found = steering.detect(_hospital(), SteeringParams())
    pairs = {(c.evidence["doctor"], c.evidence["pharmacy"]): c for c in found}
    assert set(pairs) == {(0, STEERED)}  # never the hospital's own pharmacy: every doctor's patients go there
    kick = pairs[0, STEERED]
    assert kick.evidence["patients"] == 15 and len(kick.persons) == 15
    # A quarter of the peers' patients buy there too, so the lift is small (about 2.7) and 23 patients
    # cannot push z far (about 4.5): on lift and z alone the pair would score about 6 points, below
    # the reporting threshold.  Its 9 patients above the peer rate are a sixth of the pharmacy's 60
    # high-value buyers: that is what carries it.
    e = kick.evidence
    assert e["lift"] < 3 and e["z"] < 5
    assert e["pharmacy_buyers"] == 15 + 7 * 5 + 10
    assert abs(e["business"] - e["excess"] / e["pharmacy_buyers"]) < 1e-12 and e["business"] > 0.15
    assert _steering_points(kick) >= ScoreParams().min_score


def test_the_same_excess_at_a_big_pharmacy_brings_it_little_business() -> None:
    # The same doctor and patients, but the pharmacy also sells to 400 other high-value buyers: the
    # excess is then a few hundredths of its business and adds nothing over lift and z.
    big = steering.detect(_hospital(walk_ins=400), SteeringParams())
    kick = next(c for c in big if c.evidence["pharmacy"] == STEERED)
    assert kick.evidence["business"] < 0.03
    assert _steering_points(kick) < ScoreParams().min_score


def test_a_kickback_paid_from_personal_accounts_is_found_as_one_the_fund_pays() -> None:
    # Outside 门诊统筹 a pharmacy purchase is paid from the patient's personal account: the fund pays
    # nothing, yet the steering is the same (and the insurance money the same).
    found = steering.detect(_hospital(account=True), SteeringParams())
    pairs = {(c.evidence["doctor"], c.evidence["pharmacy"]): c for c in found}
    assert set(pairs) == {(0, STEERED)}
    assert pairs[0, STEERED].evidence["patients"] == 15 and pairs[0, STEERED].evidence["min_fund"] == 500.0


def test_two_doctors_of_one_department_steering_to_one_pharmacy_are_both_found() -> None:
    # Doctors 0 and 1 (one department) each send 15 of their 20 patients to STEERED, where the six
    # other doctors' patients rarely go.  Compared with their department alone each would hide the
    # other; compared with the facility's doctors both stand out (the peers are the facility's).
    rows = []  # claim, person, venue, doctor, kind, fund, minute
    for doctor in range(8):
        for i in range(20):
            person, day = doctor * 100 + i, doctor * 30 + i
            pharmacy = STEERED if doctor < 2 and i < 15 else OTHERS[(doctor + i) % len(OTHERS)]
            rows.append((len(rows), person, HOSPITAL, doctor, 0, 80.0, day * 1440 + 600))
            rows.append((len(rows), person, pharmacy, -1, 1, 500.0, day * 1440 + 700))
    table = pd.DataFrame(rows, columns=["claim", "person", "venue", "doctor", "kind", "fund", "minute"])
    table["inpatient"] = False
    table["day"] = table["minute"] // 1440
    claims = pd.DataFrame({"total_amount": table["fund"], "fund_amount": table["fund"]})
    graph = SimpleNamespace(visits=SimpleNamespace(table=table), data=SimpleNamespace(claims=claims))
    found = {
        c.evidence["doctor"] for c in steering.detect(graph, SteeringParams()) if c.evidence["pharmacy"] == STEERED
    }
    assert found == {0, 1}


def _outside_the_pool(*, steered: int, residents: bool = True, every: int = 2) -> tuple[SimpleNamespace, list[int]]:
    """Eight doctors with 20 patients each, each patient buying once at a pharmacy outside 门诊统筹 after
    the visit: employees (even persons) pay from their personal accounts, residents (odd persons, no
    account) pay cash, so the insurance money of a resident's purchase is 0 whatever its price.  Doctor 0
    sends ``steered`` of his patients to ``STEERED`` (without ``residents`` only the employees among
    them; then a fifth of every doctor's residents, his too, buy at ``STEERED`` and the rest spread
    over the six others).  With ``every`` only one in ``every`` of doctor 0's patients is an employee (the
    rest residents).  Returns the graph and doctor 0's steered patients."""
    rows = []  # claim, person, venue, doctor, kind, fund, minute, total, account
    for doctor in range(8):
        for i in range(20):
            person, day = doctor * 100 + i, doctor * 30 + i
            employee = i % (every if doctor == 0 else 2) == 0
            sent = doctor == 0 and i < steered and (residents or employee)
            by_chance = not residents and not employee and i % 5 == 1  # a fifth of everyone's residents
            pharmacy = STEERED if sent or by_chance else OTHERS[(doctor + i) % len(OTHERS)]
            rows.append((len(rows), person, HOSPITAL, doctor, 0, 80.0, day * 1440 + 600, 100.0, 20.0))
            rows.append((len(rows), person, pharmacy, -1, 1, 0.0, day * 1440 + 700, 500.0, 500.0 * employee))
    for i in range(400):  # low-value purchases, so that 500 yuan is a high value
        rows.append((len(rows), 10_000 + i, OTHERS[i % len(OTHERS)], -1, 1, 0.0, (i % 300) * 1440 + 800, 20.0, 20.0))
    columns = ["claim", "person", "venue", "doctor", "kind", "fund", "minute", "total", "account"]
    table = pd.DataFrame(rows, columns=columns)
    table["inpatient"] = False
    table["day"] = table["minute"] // 1440
    claims = pd.DataFrame(
        {"total_amount": table["total"], "fund_amount": table["fund"], "account_amount": table["account"]}
    )
    graph = SimpleNamespace(visits=SimpleNamespace(table=table), data=SimpleNamespace(claims=claims))
    return graph, [p for p in range(steered) if residents or p % every == 0]


def test_steered_patients_who_paid_cash_are_members_of_the_kickback() -> None:
    # Doctor 0 sends 16 of his 20 patients to STEERED; 8 of them are residents and pay cash.  The
    # steering is measured on the insurance money (the 8 employees' account purchases: the same 50%
    # share as any pair of purchases), but the ring holds all 16 steered patients: a purchase the
    # doctor sent there is evidence whoever paid, while the money counted stays the insurance money.
    graph, steered_patients = _outside_the_pool(steered=16)
    found = steering.detect(graph, SteeringParams(min_patients=5))
    assert {(c.evidence["doctor"], c.evidence["pharmacy"]) for c in found} == {(0, STEERED)}
    kick = found[0]
    assert kick.evidence["patients"] == 8 and kick.evidence["doctor_patients"] == 10  # employees only
    assert sorted(kick.persons.tolist()) == steered_patients  # the members: every steered patient
    assert kick.evidence["self_paid"] == 8
    table = graph.visits.table
    bought = table.loc[table["claim"].isin(kick.claims) & (table["kind"] == 1)]
    assert set(bought["venue"]) == {STEERED} and sorted(set(bought["person"])) == steered_patients


def test_cash_buyers_three_times_the_paid_patients_do_not_join(monkeypatch: pytest.MonkeyPatch) -> None:
    # Doctor 0's patients all buy at STEERED, but only 5 of his 20 pay with insurance money (employees);
    # his 15 cash buyers there are steered by the same lift test (none of the peers' go there), yet they
    # are three times the paid patients the pair is proven on: a shop whose trade is mostly cash, where a
    # clinic's patients buy next door.  The pair is reported on its 5 paid patients; no cash buyer joins.
    graph, steered_patients = _outside_the_pool(steered=20, every=4)
    found = steering.detect(graph, SteeringParams(min_patients=5))
    assert {(c.evidence["doctor"], c.evidence["pharmacy"]) for c in found} == {(0, STEERED)}
    kick = found[0]
    assert kick.evidence["patients"] == 5 and kick.evidence["self_paid"] == 0
    assert sorted(kick.persons.tolist()) == [0, 4, 8, 12, 16]  # the employees, not the 20 steered
    # the bound is inclusive: at three times the paid patients allowed, all 15 join
    monkeypatch.setattr(steering, "MAX_SELF_PAID", 3.0)
    wide = steering.detect(graph, SteeringParams(min_patients=5))[0]
    assert wide.evidence["self_paid"] == 15 and sorted(wide.persons.tolist()) == steered_patients


def _with_panel(graph: SimpleNamespace, employee: Callable[[int], bool]) -> SimpleNamespace:
    """``graph`` with a persons table whose ``insured_type`` says ``employee(person)`` (person codes 0..10399)."""
    import numpy as np

    codes = np.arange(10_400)
    kinds = ["employee" if employee(int(p)) else "resident" for p in codes]
    graph.data.persons = pd.DataFrame({"person_id": codes.astype(str), "insured_type": kinds})
    graph.person_rows = lambda: codes
    return graph


def test_cash_buyers_as_many_times_the_paid_as_the_doctors_residents_per_employee_join() -> None:
    # Step 81: doctor 0's panel is 15 residents to 5 employees (insured_type), all 20 sent to STEERED, a shop
    # outside the pool: the 15 residents pay cash, 3 times the 5 paid patients, as his mix says.  The bound is
    # MAX_SELF_PAID times his 3 residents per employee: all 20 are the kickback's.
    graph, steered_patients = _outside_the_pool(steered=20, every=4)
    graph = _with_panel(graph, lambda p: (p % 4 == 0) if p < 100 else (p % 2 == 0))
    kick = steering.detect(graph, SteeringParams(min_patients=5))[0]
    assert kick.evidence["self_paid"] == 15 and sorted(kick.persons.tolist()) == steered_patients
    # A panel of as many employees as residents (the employees' cash purchases are then the shop's trade, not
    # his residents'): the bound stays MAX_SELF_PAID and the pair is its 5 paid patients, as before.
    graph = _with_panel(graph, lambda p: p % 2 == 0)
    kick = steering.detect(graph, SteeringParams(min_patients=5))[0]
    assert kick.evidence["self_paid"] == 0 and sorted(kick.persons.tolist()) == [0, 4, 8, 12, 16]
    # no insured_type in the export: as before step 81
    graph.data.persons = graph.data.persons.drop(columns="insured_type")
    assert steering.detect(graph, SteeringParams(min_patients=5))[0].evidence["self_paid"] == 0


def test_cash_buyers_at_a_pharmacy_nobody_is_steered_to_make_no_ring() -> None:
    # The benign look-alike: the same hospital, residents paying cash everywhere, but doctor 0 sends
    # nobody anywhere in particular (his patients spread like his peers'): no pair is reported, since
    # the steering itself is measured on insurance money and the cash buyers only join a steered pair.
    graph, _ = _outside_the_pool(steered=0)
    assert steering.detect(graph, SteeringParams(min_patients=5)) == []


def test_the_steering_reason_says_how_many_members_paid_cash_in_both_languages() -> None:
    from graphfraud.score.wording import say

    graph, _ = _outside_the_pool(steered=16)
    kick = steering.detect(graph, SteeringParams(min_patients=5))[0]
    reasons = steering_reasons(kick.evidence | {"follow_days": 2})
    reason = next(r for r in reasons if r.code == "steering")
    assert reason.args["self_paid"] == 8
    assert "8 of 10 patients of D0" in reason.text and "; 8 more of the doctor's patients" in reason.text
    assert "另有该医师的 8 名患者" in say("steering", reason.args, "zh")
    # without cash buyers the sentence is the one it always was
    plain = steering_reasons(kick.evidence | {"follow_days": 2, "self_paid": 0})
    assert "self_paid" not in next(r for r in plain if r.code == "steering").args


def test_cash_buyers_who_were_not_steered_do_not_join_a_steered_pair() -> None:
    # Doctor 0 steers his paying patients (8 employees) to STEERED, but his residents, who pay cash,
    # buy where the peers' residents buy: a fifth of everyone's at STEERED, his 2 among them.  The
    # cash buyers show no steering of their own, so neither of his 2 joins the ring.
    graph, steered_patients = _outside_the_pool(steered=16, residents=False)
    table = graph.visits.table
    cash_at_steered = set(table.loc[(table["venue"] == STEERED) & (table["person"] % 2 == 1), "person"])
    assert {p for p in cash_at_steered if p < 100} == {1, 11}  # doctor 0's residents there by chance
    found = steering.detect(graph, SteeringParams(min_patients=5))
    assert {(c.evidence["doctor"], c.evidence["pharmacy"]) for c in found} == {(0, STEERED)}
    assert sorted(found[0].persons.tolist()) == steered_patients and found[0].evidence["self_paid"] == 0


def _graph(rows: list[tuple]) -> SimpleNamespace:
    table = pd.DataFrame(rows, columns=["claim", "person", "venue", "doctor", "kind", "fund", "minute"])
    table["inpatient"] = False
    table["day"] = table["minute"] // 1440
    claims = pd.DataFrame({"total_amount": table["fund"], "fund_amount": table["fund"]})
    return SimpleNamespace(visits=SimpleNamespace(table=table), data=SimpleNamespace(claims=claims))


def _visit_and_buy(rows: list[tuple], person: int, venue: int, doctor: int, pharmacy: int, day: int) -> None:
    rows.append((len(rows), person, venue, doctor, 0, 80.0, day * 1440 + 600))
    rows.append((len(rows), person, pharmacy, -1, 1, 500.0, day * 1440 + 700))


TEAM_HOSPITAL = 9  # a small hospital whose only followed-up patients are two cardiologists'


def _two_cardiologists() -> SimpleNamespace:
    """The city's hospital (eight doctors, 20 patients each, buying at the six other pharmacies), and a
    small hospital whose two cardiologists (doctors 10 and 11) treat 55 patients in turn: doctor 10 sees
    patients 0-39, doctor 11 patients 15-54, and every one of them buys at ``STEERED`` after each visit."""
    rows: list[tuple] = []
    for doctor in range(8):
        for i in range(20):
            _visit_and_buy(rows, 1000 + doctor * 100 + i, HOSPITAL, doctor, OTHERS[(doctor + i) % 6], doctor * 30 + i)
    for person in range(55):
        if person < 40:
            _visit_and_buy(rows, person, TEAM_HOSPITAL, 10, STEERED, 300 + person)
        if person >= 15:
            _visit_and_buy(rows, person, TEAM_HOSPITAL, 11, STEERED, 310 + person)
    return _graph(rows)


def test_two_doctors_who_treat_the_same_patients_are_not_each_others_baseline() -> None:
    # The cardiologists share 25 of doctor 10's 40 patients: team-mates.  Each one's patients who are not
    # the other's all bought at STEERED too, so as each other's peers they look like the hospital's
    # habit (lift under 2).  Left out of each other's peers, nobody else at their hospital is a
    # baseline, and the city's patients (the prior) rarely go there.
    found = {c.evidence["doctor"]: c for c in steering.detect(_two_cardiologists(), SteeringParams())}
    assert set(found) == {10, 11}
    assert all(c.evidence["pharmacy"] == STEERED and c.evidence["lift"] >= 2 for c in found.values())
    assert len(found[10].persons) == 40 and len(found[11].persons) == 40
    # nobody is a team-mate (team_overlap above 1): the old baseline
    assert steering.detect(_two_cardiologists(), SteeringParams(team_overlap=1.01)) == []


def test_team_mates_at_a_hospital_whose_every_doctor_uses_the_pharmacy_next_door_stay_unflagged() -> None:
    # Eight doctors each send 8 of 20 patients to the hospital's own pharmacy next door; doctors 1 and 2
    # see the same 20 patients.  Leaving each one's team-mate out of the peers still leaves six doctors
    # who go next door as often: no pair stands out.
    rows: list[tuple] = []
    for doctor in range(8):
        for i in range(20):
            person = (1 if doctor == 2 else doctor) * 100 + i
            _visit_and_buy(rows, person, HOSPITAL, doctor, OWN if i < 8 else OTHERS[i % 6], doctor * 30 + i)
    graph = _graph(rows)
    mates = steering.team_mates(steering.high_value_follow(graph.visits.table, SteeringParams())[0], overlap=0.5)
    assert sorted(map(tuple, mates.to_numpy().tolist())) == [(1, 2), (2, 1)]
    assert steering.detect(graph, SteeringParams()) == []


VILLAGE, SHOP, VILLAGE_DOCTOR = 20, 21, 30  # a village clinic, the township's one shop, the clinic's only doctor


def _village(*, own_shop: bool) -> SimpleNamespace:
    """The city's hospital (eight doctors, 20 patients each, buying at the six other pharmacies), and a village
    clinic whose only doctor sees 20 villagers three times each (days 110, 190 and 270, one villager a day),
    every visit followed by a dear purchase at ``SHOP`` the same day.  With ``own_shop`` ``SHOP`` is the
    villagers' own shop: each also buys there every 20 days of the year, visit or not; else each buys
    there once more on a day of his own."""
    rows: list[tuple] = []
    for doctor in range(8):
        for i in range(20):
            _visit_and_buy(rows, 1000 + doctor * 100 + i, HOSPITAL, doctor, OTHERS[(doctor + i) % 6], doctor * 30 + i)
    for person in range(20):
        for start in (110, 190, 270):
            _visit_and_buy(rows, person, VILLAGE, VILLAGE_DOCTOR, SHOP, start + person)
        for day in range(5 + person, 365, 20) if own_shop else (330 + person,):
            rows.append((len(rows), person, SHOP, -1, 1, 500.0, day * 1440 + 900))
    return _graph(rows)


def test_villagers_who_buy_at_their_own_shop_on_any_day_are_no_kickback() -> None:
    # Against the city the village doctor's patients all go to SHOP (lift far above 2): his clinic has no
    # other prescriber.  But they buy there on any day, about as often after his visits as on other days:
    # it is their shop, and no pair is steered.
    assert steering.detect(_village(own_shop=True), SteeringParams()) == []


def test_patients_who_buy_at_the_shop_only_after_the_doctors_visits_are_a_kickback() -> None:
    # The same clinic, its patients sent to SHOP: they buy there after his visits and hardly ever otherwise.
    (found,) = steering.detect(_village(own_shop=False), SteeringParams())
    assert (found.evidence["doctor"], found.evidence["pharmacy"]) == (VILLAGE_DOCTOR, SHOP)
    assert len(found.persons) == 20


def test_the_visit_rate_compares_the_days_after_the_doctors_visits_with_the_others() -> None:
    # 60 purchases on the 20 x 3 x 3 days of the visits (the visit's day and two more), about 360 more on
    # the villagers' other days: about 7 times as often per day after a visit (a sick villager buys on the
    # day he sees the doctor), under VISIT_RATE (10), over 5 (the low end of its 3x range measured).
    graph = _village(own_shop=True)
    table = graph.visits.table
    follow = steering.followed_purchases(table, 2, min_fund=500.0)
    candidate = SimpleNamespace(evidence={"doctor": VILLAGE_DOCTOR, "pharmacy": SHOP})
    dear = table["fund"].to_numpy() >= 500.0
    assert steering.with_visits([candidate], follow, table, dear, 2) == []  # type: ignore[list-item]
    kept = steering.VISIT_RATE
    try:
        steering.VISIT_RATE = 5.0
        assert steering.with_visits([candidate], follow, table, dear, 2) == [candidate]  # type: ignore[list-item]
    finally:
        steering.VISIT_RATE = kept


CLINICS = range(40, 47)  # seven one-doctor clinics (doctor = venue code), each with its shop next door (+ 10)


def _clinics(*, kinds: bool) -> SimpleNamespace:
    """The city's hospital (eight doctors, 20 patients each, buying at the six other pharmacies), and seven clinics
    of one doctor each, 25 patients each: the first six doctors' patients buy 10 of 25 at the clinic's shop next
    door and the rest at the six others, as a neighbourhood does; the seventh (clinic 46) sends all 25 to his.
    With ``kinds`` the facilities table says which venues are clinics (``facilities.kind``)."""
    from graphfraud.graph.ids import IdMap

    rows: list[tuple] = []
    for doctor in range(8):
        for i in range(20):
            _visit_and_buy(rows, 1000 + doctor * 100 + i, HOSPITAL, doctor, OTHERS[(doctor + i) % 6], doctor * 30 + i)
    for clinic in CLINICS:
        for i in range(25):
            shop = clinic + 10 if clinic == CLINICS[-1] or i < 10 else OTHERS[i % 6]
            _visit_and_buy(rows, clinic * 100 + i, clinic, clinic, shop, (clinic - 40) * 30 + i)
    graph = _graph(rows)
    venues = [f"{v:02d}" for v in range(70)]  # codes in the ids' sorted order: code v is id f"{v:02d}"
    graph.visits.venues = IdMap.from_values(pd.Series(venues))
    if kinds:
        ids = [venues[HOSPITAL], *(venues[c] for c in CLINICS)]
        graph.data.facilities = pd.DataFrame({"facility_id": ids, "kind": ["hospital"] + ["clinic"] * len(CLINICS)})
    return graph


def test_a_clinic_doctor_is_compared_with_the_neighbourhood_of_clinics() -> None:
    # A one-doctor clinic's doctor has no peers at his facility, so the city's share of each shop is his baseline,
    # and the shop next door, where his neighbourhood fills his prescriptions, is many times the city's: against
    # the city all seven clinics' shops are "steered".  Compared with what the clinics' doctors' most-used shops
    # take (median 0.4 of their patients), the six neighbourhoods are ordinary; the doctor who sends all his
    # patients to his (lift 2.5) is still steering.
    def pairs(graph: SimpleNamespace) -> set[tuple[int, int]]:
        return {
            (int(c.evidence["doctor"]), int(c.evidence["pharmacy"])) for c in steering.detect(graph, SteeringParams())
        }

    assert pairs(_clinics(kinds=False)) == {(c, c + 10) for c in CLINICS}
    found = steering.detect(_clinics(kinds=True), SteeringParams())
    assert [(int(c.evidence["doctor"]), int(c.evidence["pharmacy"])) for c in found] == [(46, 56)]
    assert found[0].evidence["peer_share"] == pytest.approx(0.4) and found[0].evidence["lift"] == pytest.approx(2.5)
    assert len(found[0].persons) == 25


def test_the_neighbourhood_share_needs_five_clinic_doctors(monkeypatch: pytest.MonkeyPatch) -> None:
    # With more clinic doctors required than there are, the city stays every clinic's baseline, as before.
    monkeypatch.setattr(steering, "NEIGHBOURHOOD_DOCTORS", len(CLINICS) + 1)
    found = steering.detect(_clinics(kinds=True), SteeringParams())
    assert len(found) == len(CLINICS)


CHAIN = (20, 21, 22)  # three shops of one chain


def _chain_world() -> SimpleNamespace:
    """The city's hospital: doctors 1-7 with 20 patients each buying at the six other pharmacies, and doctor 0
    whose 24 patients buy at the three shops of one chain, 8 at each (each shop's pair under ``min_patients``)."""
    from graphfraud.graph.ids import IdMap

    rows: list[tuple] = []
    for doctor in range(1, 8):
        for i in range(20):
            _visit_and_buy(rows, 1000 + doctor * 100 + i, HOSPITAL, doctor, OTHERS[(doctor + i) % 6], doctor * 30 + i)
    for i in range(24):
        _visit_and_buy(rows, i, HOSPITAL, 0, CHAIN[i % 3], 300 + i)
    graph = _graph(rows)
    venues = [f"{v:02d}" for v in range(30)]  # code v is id f"{v:02d}"
    graph.visits.venues = IdMap.from_values(pd.Series(venues))
    graph.data.facilities = pd.DataFrame({"facility_id": [venues[HOSPITAL]], "kind": ["hospital"]})
    shops = [venues[v] for v in (OWN, *OTHERS, *CHAIN)]
    chains = [None] * (1 + len(OTHERS)) + ["C1"] * len(CHAIN)
    graph.data.pharmacies = pd.DataFrame({"pharmacy_id": shops, "chain": pd.Series(chains, dtype=object)})
    return graph


def test_a_doctor_who_sends_his_patients_to_a_chains_shops_is_found_with_the_chain() -> None:
    graph = _chain_world()
    assert steering.detect(graph, SteeringParams(by_chain=False)) == []  # 8 patients at each shop: under min_patients
    found = steering.detect(graph, SteeringParams(by_chain=True))
    assert len(found) == 1
    e = found[0].evidence
    assert e["doctor"] == 0 and e["pharmacy"] in CHAIN and e["chain_shops"] == 3
    assert len(found[0].persons) == 24 and e["patients"] == 24
    # the reason names the shop and the chain's other shops
    text = " ".join(r.text for r in steering_reasons(e | {"follow_days": 2}, venue="P"))
    assert "2 more shops of its chain" in text


def test_shops_of_no_chain_are_no_chain_pair() -> None:
    graph = _chain_world()
    graph.data.pharmacies["chain"] = None  # the names say nothing either: no name column
    assert steering.detect(graph, SteeringParams(by_chain=True)) == []


def test_a_chains_shop_every_doctors_patients_use_is_left_out_of_the_chain_pair() -> None:
    """Shop 20 of the chain is the one the hospital's patients use: 6 of each peer's 20 buy there, and 6 of
    doctor 0's 30.  His other 16 steered patients buy at the chain's shops 21 and 22, where no peer's do.
    The chain's shops taken together pass, the steered ones are 21 and 22 only, and they pass again alone."""
    from graphfraud.graph.ids import IdMap

    rows: list[tuple] = []
    for doctor in range(1, 8):
        for i in range(20):
            shop = CHAIN[0] if i < 6 else OTHERS[(doctor + i) % 6]
            _visit_and_buy(rows, 1000 + doctor * 100 + i, HOSPITAL, doctor, shop, doctor * 30 + i)
    for i in range(30):
        shop = CHAIN[0] if i < 6 else CHAIN[1 + i % 2] if i < 22 else OTHERS[i % 6]
        _visit_and_buy(rows, i, HOSPITAL, 0, shop, 300 + i)
    graph = _graph(rows)
    venues = [f"{v:02d}" for v in range(30)]
    graph.visits.venues = IdMap.from_values(pd.Series(venues))
    graph.data.facilities = pd.DataFrame({"facility_id": [venues[HOSPITAL]], "kind": ["hospital"]})
    chains = [None] * (1 + len(OTHERS)) + ["C1"] * len(CHAIN)
    graph.data.pharmacies = pd.DataFrame(
        {"pharmacy_id": [venues[v] for v in (OWN, *OTHERS, *CHAIN)], "chain": pd.Series(chains, dtype=object)}
    )
    assert steering.detect(graph, SteeringParams(by_chain=False)) == []  # 6 patients at each shop
    found = steering.detect(graph, SteeringParams(by_chain=True))
    assert len(found) == 1
    e = found[0].evidence
    assert e["shops"] == [CHAIN[1], CHAIN[2]] and e["chain_shops"] == 2
    assert sorted(found[0].persons.tolist()) == list(range(6, 22))


def test_one_patient_at_a_second_shop_makes_no_chain_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Doctor 0's patients: 9 at the chain's shop 20 (under ``min_patients``), 1 at its shop 21, the rest
    elsewhere; one patient's purchase is no share, so shop 21 is not steered and there is no chain pair."""
    graph = _chain_world()
    table = graph.visits.table
    bought = (table["kind"] == 1) & (table["person"] < 24)
    shops = [CHAIN[0]] * 9 + [CHAIN[1]] + [OTHERS[i % 6] for i in range(14)]
    table.loc[bought, "venue"] = [shops[int(p)] for p in table.loc[bought, "person"]]
    assert steering.detect(graph, SteeringParams(by_chain=True)) == []
    monkeypatch.setattr(steering, "SHOP_PATIENTS", 1)
    found = steering.detect(graph, SteeringParams(by_chain=True))
    assert [c.evidence["shops"] for c in found] == [[CHAIN[0], CHAIN[1]]]  # one patient counted: a pair of 10


def _named(table: pd.DataFrame, pharmacy: int, n: int, *, fund: float = 500.0, doctor: int = 0) -> pd.DataFrame:
    """``table`` with ``n`` more persons, each buying once at ``pharmacy`` on a claim that names ``doctor`` as the
    prescriber, with no visit to him (a 处方流转 platform's prescription filled at the shop)."""
    person, claim = int(table["person"].max()) + 1, len(table)
    rows = pd.DataFrame({
        "claim": range(claim, claim + n), "person": range(person, person + n), "venue": pharmacy, "doctor": doctor,
        "kind": 1, "fund": fund, "minute": [(250 + i) * 1440 + 900 for i in range(n)],
    })  # fmt: skip
    rows["inpatient"] = False
    rows["day"] = rows["minute"] // 1440
    return pd.concat([table, rows], ignore_index=True)


def _with_named(*parts: tuple[int, int, float]) -> SimpleNamespace:
    """:func:`_hospital` with named-prescriber purchases: ``(pharmacy, persons, fund)`` each."""
    world = _hospital()
    table = world.visits.table
    for pharmacy, n, fund in parts:
        table = _named(table, pharmacy, n, fund=fund)
    claims = pd.DataFrame({"total_amount": table["fund"], "fund_amount": table["fund"]})
    return SimpleNamespace(visits=SimpleNamespace(table=table), data=SimpleNamespace(claims=claims))


def test_purchases_naming_the_steering_doctor_as_prescriber_are_members_of_his_pair() -> None:
    """Step 97: a pharmacy claim's doctor is the prescriber; his dear prescriptions filled at the steered shop
    without a visit before them join the pair, counted apart (``named``), and make no pair of their own."""
    found = steering.detect(_with_named((STEERED, 12, 500.0)), SteeringParams())
    assert [(c.evidence["doctor"], c.evidence["pharmacy"]) for c in found] == [(0, STEERED)]
    kick = found[0]
    assert kick.evidence["patients"] == 15 and kick.evidence["named"] == 12 and len(kick.persons) == 27
    # off, the pair is its visited patients alone
    off = steering.detect(_with_named((STEERED, 12, 500.0)), SteeringParams(prescribed=False))[0]
    assert len(off.persons) == 15 and "named" not in off.evidence


def test_named_prescriptions_elsewhere_or_cheap_bring_no_one() -> None:
    """His prescriptions filled at another shop, or cheap ones at the steered shop, are no part of the pair."""
    found = steering.detect(_with_named((OTHERS[0], 12, 500.0), (STEERED, 12, 20.0)), SteeringParams())
    kick = next(c for c in found if c.evidence["pharmacy"] == STEERED)
    assert len(kick.persons) == 15 and "named" not in kick.evidence


def test_a_named_purchase_that_followed_his_visit_brings_no_one() -> None:
    """Step 107: the name speaks for the prescriptions filled without his visit. A named purchase the pair's
    tests already weighed (one of the doctor's followed purchases that did not make its patient a member, e.g. a
    purchase under the pair's bar of insurance money of a doctor whose cash buyers are not steered) brings no one;
    one that followed another doctor's visit, or none, does. When ``least`` patients or more fill his named
    prescriptions there without his visit, the followed ones join too."""
    import numpy as np

    from graphfraud.detect.candidate import Candidate

    # persons 10-13 each buy once at shop 7 on a claim naming doctor 0; the pair holds persons 0-2
    table = pd.DataFrame({
        "claim": [100, 101, 102, 103], "person": [10, 11, 12, 13], "venue": 7, "doctor": 0, "kind": 1,
        "fund": 500.0, "minute": [1440 * d for d in (5, 6, 7, 8)],
    })  # fmt: skip
    pair = Candidate("steering", np.array([0, 1, 2]), np.array([1, 2, 3]), {"doctor": 0, "pharmacy": 7})
    dear = np.ones(len(table), dtype=bool)
    # 100 followed doctor 0's visit, 101 followed doctor 5's, 102 and 103 none
    followed = pd.DataFrame({"claim": [100, 101], "doctor": [0, 5]})
    kept = steering.with_prescribed([pair], table, dear, followed=followed, least=10)[0]
    assert kept.persons.tolist() == [0, 1, 2, 11, 12, 13] and kept.evidence["named"] == 3
    assert 100 not in kept.claims.tolist() and {101, 102, 103} <= set(kept.claims.tolist())
    # three unvisited patients are enough at least 3: the name is evidence of its own and all four join
    assert steering.with_prescribed([pair], table, dear, followed=followed, least=3)[0].evidence["named"] == 4
    # without the followed purchases (as in step 97), all four join
    assert steering.with_prescribed([pair], table, dear)[0].evidence["named"] == 4


def test_the_steering_reason_says_how_many_members_only_the_prescribers_name_brings() -> None:
    from graphfraud.score.wording import say

    kick = steering.detect(_with_named((STEERED, 12, 500.0)), SteeringParams())[0]
    reasons = steering_reasons(kick.evidence | {"follow_days": 2})
    reason = next(r for r in reasons if r.code == "steering")
    assert reason.args["named"] == 12
    assert "; 12 more patients' dear purchases there name the doctor as their prescriber" in reason.text
    assert "另有 12 名患者在该药店的高值购药记录中开方医师为该医师" in say("steering", reason.args, "zh")
    both = steering_reasons(kick.evidence | {"follow_days": 2, "self_paid": 3})
    args = next(r for r in both if r.code == "steering").args
    assert args["self_paid"] == 3 and args["named"] == 12


def _random_chain_world(seed: int) -> SimpleNamespace:
    """A random city for the chain pairs' passes: two hospitals and a clinic, 24 doctors, 30 shops of which
    10-19 are one chain's and 20-29 another's; each doctor's patients buy at shops the doctor favours (some
    doctors at three or four shops of a chain), at their price or paid in cash (no insurance money), dear or
    cheap, some of them twice."""
    import numpy as np

    from graphfraud.graph.ids import IdMap

    rng = np.random.default_rng(seed)
    rows: list[tuple] = []  # claim, person, venue, doctor, kind, fund, minute, total
    person = 0
    for doctor in range(24):
        facility = (40, 41, 42)[doctor % 3]
        favoured = rng.choice(np.arange(10, 30), size=int(rng.integers(1, 5)), replace=False)
        for _ in range(int(rng.integers(15, 45))):
            day = int(rng.integers(0, 300))
            for _visit in range(int(rng.integers(1, 3))):
                shop = int(rng.choice(favoured)) if rng.random() < 0.6 else int(rng.integers(0, 30))
                price = float(rng.choice([30.0, 200.0, 600.0, 900.0]))
                fund = 0.0 if rng.random() < (0.9 if doctor >= 18 else 0.2) else price * 0.7
                rows.append((len(rows), person, facility, doctor, 0, 80.0, day * 1440 + 600, 100.0))
                rows.append(
                    (len(rows), person, shop, -1, 1, fund, day * 1440 + 700 + int(rng.integers(0, 2000)), price)
                )
                day += int(rng.integers(3, 40))
            person += 1
    table = pd.DataFrame(rows, columns=["claim", "person", "venue", "doctor", "kind", "fund", "minute", "total"])
    table["inpatient"] = False
    table["day"] = table["minute"] // 1440
    claims = pd.DataFrame(
        {"total_amount": table.pop("total"), "fund_amount": table["fund"], "account_amount": 0.0 * table["fund"]}
    )
    venues = [f"{v:02d}" for v in range(43)]
    graph = SimpleNamespace(
        visits=SimpleNamespace(table=table, venues=IdMap.from_values(pd.Series(venues))),
        data=SimpleNamespace(claims=claims),
    )
    graph.data.facilities = pd.DataFrame({"facility_id": venues[40:43], "kind": ["hospital", "hospital", "clinic"]})
    chains = [None] * 10 + ["C1"] * 10 + ["C2"] * 10
    graph.data.pharmacies = pd.DataFrame({"pharmacy_id": venues[:30], "chain": pd.Series(chains, dtype=object)})
    return graph


@pytest.mark.parametrize("seed", [1, 2])
def test_a_chain_pairs_pass_for_one_pair_is_the_whole_passs_candidate_of_it(seed: int) -> None:
    """The chain pairs' second pass (:func:`steering._passes` with ``only``, and what no merge changes computed
    once, :class:`steering._Fixed`) gives a pair the same candidate as the whole pass, with the fixed parts
    computed in it, does; and the fixed pharmacy buyers are those of the merged table."""
    import numpy as np

    graph = _random_chain_world(seed)
    params = SteeringParams(min_patients=4, min_z=1.0, min_lift=1.5, min_share=0.1)
    table = graph.visits.table
    money = steering.insurance_money(graph.data.claims)
    total = graph.data.claims["total_amount"].to_numpy()
    threshold = steering.high_value(table, params, money=money)
    dear = steering.high_value(table, params, money=total)
    assert threshold is not None and dear is not None
    frames = tuple(
        steering.followed_purchases_of(
            table, params.follow_days, [(threshold, money), (threshold, total), (dear, total)]
        )
    )
    clinic = steering.clinics(graph)
    fixed = steering._Fixed(graph, frames, threshold, dear, params.team_overlap)
    rng = np.random.default_rng(seed)
    compared = at_price = 0
    for _ in range(3):
        merge = np.arange(43)
        shops = np.sort(rng.choice(np.arange(10, 30), size=int(rng.integers(2, 5)), replace=False))
        merge[shops] = shops[0]
        merged = table.assign(venue=merge[table["venue"].to_numpy()])
        for key, (at, by) in {"money": (threshold, money), "total": (dear, total)}.items():
            pd.testing.assert_series_equal(
                fixed.pharmacy_buyers(merge, key), steering.pharmacy_buyers(merged, at, money=by)
            )
        whole = steering._passes(graph, params, frames, merge, threshold, dear, clinic)
        # every pair of the pass's candidates, and two doctors with the merged shop, both ways of deciding
        asked = {
            (int(c.evidence["doctor"]), int(c.evidence["pharmacy"]), bool(c.evidence.get("at_price"))) for c in whole
        }
        asked |= {(d, int(shops[0]), a) for d in (0, 1) for a in (False, True)}
        for only in sorted(asked):
            want = [
                c
                for c in whole
                if (c.evidence["doctor"], c.evidence["pharmacy"], bool(c.evidence.get("at_price"))) == only
            ]
            got = steering._passes(graph, params, frames, merge, threshold, dear, clinic, fixed=fixed, only=only)
            got = [c for c in got if bool(c.evidence.get("at_price")) == only[2]]
            assert len(got) == len(want)
            for a, b in zip(got, want, strict=True):
                assert a.evidence == b.evidence
                assert np.array_equal(a.persons, b.persons) and np.array_equal(a.claims, b.claims)
            compared += len(want)
            at_price += len(want) if only[2] else 0
    assert compared >= 10 and at_price >= 1  # pairs of both ways were found to compare


def _followed_by_merge_asof(table: pd.DataFrame, follow_days: int, wanted: list) -> list[pd.DataFrame]:  # type: ignore[type-arg]
    """:func:`steering.followed_purchases_of` as round 19 built it (``pandas.merge_asof``, backward, by person): the
    reference the sorted match must equal row for row."""
    kind = table["kind"].to_numpy()
    visit = (kind == 0) & (table["doctor"].to_numpy() >= 0) & ~table["inpatient"].to_numpy()
    money = [table["fund"].to_numpy() if m is None else m for _, m in wanted]
    takes = [(kind == 1) & (m >= f) for (f, _), m in zip(wanted, money, strict=True)]
    purchase = np.logical_or.reduce(takes)
    left = table.loc[purchase, ["claim", "person", "venue", "minute"]].assign(row=np.flatnonzero(purchase))
    left = left.sort_values("minute", kind="stable")
    right = table.loc[visit, ["claim", "person", "venue", "doctor", "minute"]].sort_values("minute", kind="stable")
    merged = pd.merge_asof(
        left,
        right.rename(columns={"claim": "visit_claim", "venue": "facility", "minute": "seen"}),
        left_on="minute",
        right_on="seen",
        by="person",
        direction="backward",
        tolerance=follow_days * 1440 + 1439,
    )
    merged = merged.dropna(subset=["doctor"])
    row = merged["row"].to_numpy()
    found = steering.follow_frame(merged)
    return [found if len(wanted) == 1 else found[take[row]].reset_index(drop=True) for take in takes]


def test_the_followed_purchases_are_the_merge_asof_ones_row_for_row() -> None:
    # the sorted match (round 20) takes the same visit as merge_asof did: the person's last at or before the
    # purchase's minute (the last row of a minute's ties, a visit at the purchase's own minute included), within
    # the days; rows in order of the purchases' minute, then row; cards unknown (-1) and minutes far from 0 alike
    for seed in range(6):
        rng = np.random.default_rng(seed)
        n = 3000
        minute = rng.integers(0, 30, n) * 1440 + rng.choice([540, 541, 600, 900], n) + (10_000_000 if seed % 2 else 0)
        table = pd.DataFrame({
            "claim": np.arange(n) + 7, "person": rng.integers(-1, 50, n).astype(np.int32),
            "venue": rng.integers(0, 9, n).astype(np.int32), "doctor": rng.integers(-1, 12, n).astype(np.int32),
            "kind": (rng.random(n) < 0.5).astype(np.int8), "inpatient": rng.random(n) < 0.05,
            "minute": minute.astype(np.int64), "fund": rng.choice([10.0, 300.0, 800.0], n),
        })  # fmt: skip
        money = table["fund"].to_numpy() * rng.random(n)
        for days in (0, 1, 2):
            for wanted in ([(0.0, None)], [(500.0, None), (100.0, money)], [(900.0, None)]):
                new, old = (
                    steering.followed_purchases_of(table, days, wanted),
                    _followed_by_merge_asof(table, days, wanted),
                )
                assert len(new) == len(old)
                for a, b in zip(new, old, strict=True):
                    pd.testing.assert_frame_equal(a, b)
                assert wanted[0][0] == 900.0 or len(new[0]) > 0
