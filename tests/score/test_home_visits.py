"""Step 111: home care on a nurse's route (居家护理站: each old client visited weekly on a weekday of their own by their
own nurse, a handful of homes a nurse's day) is explained, whatever a home visit's fee costs against clinic visits;
a station's nurse who bills a weekday's twenty homes, visits keyed by whoever, visits after the client's death, a
clinic's weekly regulars among its walk-ins, and the young are not (seventhworld's private home-care routes)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.score.features import Features, _route
from graphfraud.score.reasons import (
    PEER_COST,
    ROUTE_PLANNED,
    ROUTE_STAFF,
    ROUTE_VISITS,
    ROUTE_WEEKDAY,
    SCHEDULE_WEEKDAYS,
    benign_explanation,
    home_visits,
)

Measure = Callable[[Path], Callable[[str], Features]]

WEEKS = 20


def _station(rows: list, prefix: str, venue: str, *, nurses: int, spread: bool, by_whoever: bool = False,
             rng: np.random.Generator) -> None:  # fmt: skip
    """30 clients of ``venue`` visited weekly at 90 yuan: client j by nurse j % nurses on weekday (j // nurses) % 5
    (``spread``) or all on Monday; ``by_whoever``: each visit by any of the nurses."""
    for j in range(30):
        weekday = (j // nurses) % 5 if spread else 0
        for week in range(WEEKS):
            nurse = int(rng.integers(0, nurses)) if by_whoever else j % nurses
            rows.append((f"{prefix}{j:02d}", venue, f"N{venue}{nurse}", 7 * week + weekday, 90.0))


def _world(tmp_path: Path) -> Path:
    """A town's clinic C (600 townspeople T on days of their own, 30 yuan) and five private stations.

    H: 30 clients born 1940-1949 at S (3 nurses, weekdays spread).  P: the same at Q, where one nurse bills all 30
    on Mondays.  K: at K1, each visit keyed to any of 3 nurses.  D: at S2 like H, but half of them died in week 5.
    W: 30 old regulars of the clinic C, each on their own weekday with its doctor, among its walk-ins.
    B: 30 old recruits at B1 on Mondays, 5 to each of its 6 doctors (a broker's weekly batch).
    Y: 30 clients born 1975-1984 at S3 like H.  Dates only.
    """
    rng = np.random.default_rng(5)
    rows: list = []  # person, venue, doctor, day, fund
    for _ in range(3000):
        rows.append((f"T{int(rng.integers(0, 600)):03d}", "C", "NC0", int(rng.integers(0, 7 * WEEKS)), 30.0))
    _station(rows, "H", "S", nurses=3, spread=True, rng=rng)
    _station(rows, "P", "Q", nurses=1, spread=False, rng=rng)
    _station(rows, "K", "K1", nurses=3, spread=True, by_whoever=True, rng=rng)
    _station(rows, "D", "S2", nurses=3, spread=True, rng=rng)
    _station(rows, "W", "C", nurses=1, spread=True, rng=rng)
    _station(rows, "B", "B1", nurses=6, spread=False, rng=rng)
    _station(rows, "Y", "S3", nurses=3, spread=True, rng=rng)
    t = pd.DataFrame(rows, columns=["patient_id", "facility_id", "doctor_id", "day", "fund_amount"])
    start = pd.Timestamp("2024-03-04")  # a Monday
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": t["facility_id"],
        "doctor_id": t["doctor_id"], "visit_type": "outpatient",
        "start_time": (start + pd.to_timedelta(t["day"], unit="D")).dt.strftime("%Y-%m-%d"),
        "total_amount": t["fund_amount"] * 1.5, "fund_amount": t["fund_amount"],
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = sorted(set(t["patient_id"]))
    born = [f"{1975 + int(p[1:]) % 10}-05-01" if p[0] in "TY" else f"{1940 + int(p[1:]) % 10}-05-01" for p in persons]
    died = [(start + pd.Timedelta(days=35)).strftime("%Y-%m-%d") if p[0] == "D" and int(p[1:]) % 2 else ""
            for p in persons]  # fmt: skip
    pd.DataFrame({"person_id": persons, "birth_date": born, "death_date": died}).to_csv(
        tmp_path / "persons.csv", index=False
    )
    venues = ["C", "S", "Q", "K1", "S2", "S3", "B1"]
    pd.DataFrame({"facility_id": venues, "kind": ["clinic"] + ["specialty"] * 6, "ownership": "private"}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    doctors = sorted(set(t["doctor_id"]))
    pd.DataFrame({"doctor_id": doctors, "facility_id": [d[1:-1] for d in doctors]}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def test_a_nurses_route_of_home_visits_is_explained_at_a_home_visits_cost(
    tmp_path: Path, measure_by_letter: Measure
) -> None:
    measured = measure_by_letter(_world(tmp_path))
    home = measured("H")
    assert home.cost_ratio > PEER_COST  # a home visit's fee: dearer than the clinic's visits, and no test of it
    assert home.member_timetable >= SCHEDULE_WEEKDAYS and home.member_staff == 1.0
    assert home.route_visits <= ROUTE_VISITS and home.venue_route_visits <= ROUTE_VISITS
    assert home.venue_planned >= ROUTE_PLANNED and home.venue_weekday <= ROUTE_WEEKDAY
    assert benign_explanation(home) is None  # private, dear, weekly: no other explanation
    reason = home_visits(home)
    assert reason is not None and reason.code == "benign_home_visits"
    assert "nurse's route" in reason.text and "居家护理" in reason.text


def test_a_station_billing_more_homes_than_a_route_by_whoever_or_after_death_is_not_explained(
    tmp_path: Path, measure_by_letter: Measure
) -> None:
    measured = measure_by_letter(_world(tmp_path))
    one_nurse = measured("P")  # one nurse, thirty homes every Monday
    assert one_nurse.route_visits == 30 and home_visits(one_nurse) is None
    whoever = measured("K")  # each visit keyed to any nurse
    assert whoever.member_staff < ROUTE_STAFF and home_visits(whoever) is None
    dead = measured("D")  # visits billed after half of the clients died
    assert dead.after_death_claims > 0 and dead.route_visits <= ROUTE_VISITS and home_visits(dead) is None


def test_a_clinics_weekly_regulars_a_weekly_batch_and_the_young_are_no_route(
    tmp_path: Path, measure_by_letter: Measure
) -> None:
    measured = measure_by_letter(_world(tmp_path))
    regulars = measured("W")  # their own weekdays with the clinic's doctor, among its walk-in patients
    assert regulars.member_timetable >= SCHEDULE_WEEKDAYS and regulars.route_visits <= ROUTE_VISITS
    assert regulars.venue_route_visits > ROUTE_VISITS and home_visits(regulars) is None
    batch = measured("B")  # a weekly batch shared among its doctors: a handful each, all on the batch's day
    assert batch.route_visits <= ROUTE_VISITS and batch.member_staff == 1.0
    assert batch.venue_weekday > ROUTE_WEEKDAY and home_visits(batch) is None
    young = measured("Y")  # not measured under ROUTE_AGE
    assert math.isnan(young.route_visits) and home_visits(young) is None


def test_the_route_counts_each_members_own_staff_and_a_staff_members_homes_a_day() -> None:
    person = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    day = np.array([0, 7, 14, 21, 0, 7, 14, 21])
    same = _route(person, day, np.array([3, 3, 3, 3, 3, 3, 3, 3]))
    assert same == {"member_staff": 1.0, "route_visits": 2.0}
    unknown = _route(person, day, np.full(8, -1))
    assert unknown["member_staff"] == 0.0 and math.isnan(unknown["route_visits"])
