"""Step 134: at a home-care station (居家护理站: its clients on care plans, its routes spread over the week) a ring is
the clients billed for a caregiver in two homes at once, not the station's whole client list; a station whose
timed claims show every caregiver in one home at a time keeps step 111's explanation whatever its caregivers' day
loads; where the claims carry no time of day nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.score.features import Features, claim_facts
from graphfraud.score import homecare
from graphfraud.score.homecare import AT_ONCE_SHARE, KEYED_SHARE, at_once, staff_gap, two_homes, two_homes_said
from graphfraud.score.reasons import ROUTE_VISITS, home_visits
from graphfraud.score.wording import say

Measure = Callable[[Path], Callable[[str], Features]]

WEEKS = 20


def _world(tmp_path: Path, *, timed: bool = True, varied: bool = False) -> Path:
    """A town's clinic C (600 townspeople T) and two home-care stations, born 1940-1949, 60 yuan a visit.

    S: 3 caregivers; 30 honest clients H, client j by caregiver j % 3 on weekday (j // 3) % 5, a caregiver's day one
    home after another (from 09:00, then 70 minutes on, checked in 0-24 minutes after); 15 phantom clients F, client
    j by caregiver j % 3 on Monday to Friday, keyed at 08:00 (four homes at once), the last three at 14:00 (each
    alone in that hour, keyed alike).  R: caregiver NR0 with 50 clients E, ten a day one after
    another (40 minutes apart), and NR1 with 20 clients G, four a day (90 minutes apart), each on a weekday of
    their own.  U: a dialysis unit (血透), caregivers NU0 and NU1 each connecting six of its 24 patients P a day, three
    times a week (P by parity on Monday, Wednesday, Friday or Tuesday, Thursday, Saturday): the first four of a
    caregiver's six in pairs at 07:00 and 07:02 (billed at once), the last two 07:04-07:13 and 07:14-07:23.
    ``timed``: times to the minute, or dates only.  ``varied``: every visit but F's (keyed from one template, 90
    yuan) bills the hours a caregiver stayed, 60, 90 or 120 yuan.
    """
    rng = np.random.default_rng(7)
    rows: list = []  # person, venue, doctor, day, minute of the day
    for _ in range(3000):
        rows.append((f"T{int(rng.integers(0, 600)):03d}", "C", "NC0", int(rng.integers(0, 7 * WEEKS)),
                     int(rng.integers(8 * 60, 17 * 60))))  # fmt: skip
    for week in range(WEEKS):
        for j in range(30):
            arrive = 9 * 60 + 70 * (j // 15) + int(rng.integers(0, 25))  # checked in when the caregiver got there
            rows.append((f"H{j:02d}", "S", f"NS{j % 3}", 7 * week + (j // 3) % 5, arrive))
        for j in range(15):
            for weekday in range(5):
                rows.append((f"F{j:02d}", "S", f"NS{j % 3}", 7 * week + weekday, (8 if j < 12 else 14) * 60))
        for j in range(50):
            rows.append((f"E{j:02d}", "R", "NR0", 7 * week + (j // 10) % 5, 9 * 60 + 40 * (j % 10)))
        for j in range(20):
            rows.append((f"G{j:02d}", "R", "NR1", 7 * week + (j // 4) % 5, 9 * 60 + 90 * (j % 4)))
        for j in range(24):
            k = j // 4  # the caregiver's k-th patient of the day
            chair = [0, 0, 2, 2, 4 + int(rng.integers(0, 10)), 14 + int(rng.integers(0, 10))][k]
            for weekday in (0, 2, 4) if j % 2 == 0 else (1, 3, 5):
                rows.append((f"P{j:02d}", "U", f"NU{(j // 2) % 2}", 7 * week + weekday, 7 * 60 + chair))
    t = pd.DataFrame(rows, columns=["patient_id", "facility_id", "doctor_id", "day", "minute"])
    when = pd.Timestamp("2024-03-04") + pd.to_timedelta(t["day"], unit="D") + pd.to_timedelta(t["minute"], unit="min")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": t["facility_id"],
        "doctor_id": t["doctor_id"], "visit_type": "outpatient",
        "start_time": when.dt.strftime("%Y-%m-%d %H:%M" if timed else "%Y-%m-%d"),
        "total_amount": _bills(t["patient_id"], varied), "fund_amount": 60.0,
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = sorted(set(t["patient_id"]))
    born = [f"{1975 + int(p[1:]) % 10}-05-01" if p[0] == "T" else f"{1940 + int(p[1:]) % 10}-05-01" for p in persons]
    pd.DataFrame({"person_id": persons, "birth_date": born}).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"facility_id": ["C", "S", "R", "U"], "kind": ["clinic", "specialty", "specialty", "specialty"],
                  "ownership": "private"}).to_csv(tmp_path / "facilities.csv", index=False)  # fmt: skip
    doctors = sorted(set(t["doctor_id"]))
    pd.DataFrame({"doctor_id": doctors, "facility_id": [d[1:-1] for d in doctors]}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def _bills(person: pd.Series, varied: bool) -> np.ndarray:
    """90 yuan a visit, or (``varied``) 60, 90 or 120 for everyone but the phantom clients F."""
    if not varied:
        return np.full(len(person), 90.0)
    hours = np.random.default_rng(11).choice([60.0, 90.0, 120.0], size=len(person))
    return np.where(person.str[0].to_numpy() == "F", 90.0, hours)


def _candidates(folder: Path, *groups: str) -> tuple[list[Candidate], list[Candidate], pd.Series]:
    """One co-visit candidate per string of id letters, before and after :func:`two_homes`, and the person ids."""
    graph = build_graph(read_claims_dir(folder))
    ids = pd.Series(graph.visits.persons.ids)
    person = graph.visits.column("person")
    made = []
    for letters in groups:
        codes = np.flatnonzero(ids.str[0].isin(list(letters)).to_numpy())
        made.append(Candidate("covisit", codes, np.flatnonzero(np.isin(person, codes))))
    return made, two_homes(made, claim_facts(graph)), ids


def test_a_stations_ring_is_its_clients_billed_in_two_homes_at_once(tmp_path: Path) -> None:
    (whole, honest), (kept, same), ids = _candidates(_world(tmp_path), "HF", "H")
    assert sorted(ids[kept.persons].str[0].unique()) == ["F"] and len(kept.persons) == 15
    assert len(kept.claims) == 15 * 5 * WEEKS  # the phantom clients' claims only
    seen = kept.evidence["two_homes"]
    assert (seen["kept"], seen["persons"], seen["once"]) == (15, 45, 12)  # 12 at once, 3 keyed alike
    assert "one_home" not in kept.evidence
    # the honest clients alone: none billed at once, but their station's caregivers were: left as they are
    assert same is honest


def test_the_clinics_crowd_and_a_date_only_export_are_left_as_they_are(tmp_path: Path) -> None:
    (clinic,), (after,), _ = _candidates(_world(tmp_path), "T")
    assert after is clinic  # a clinic's walk-ins: no station, nothing asked
    dated = tmp_path / "dated"
    dated.mkdir()
    (whole,), (same,), _ = _candidates(_world(dated, timed=False), "HF")
    assert same is whole  # no time of day: two homes at once cannot be told


def test_one_home_at_a_time_reads_the_rota_whatever_the_other_caregivers_day_loads(
    tmp_path: Path, measure_by_letter: Measure
) -> None:
    folder = _world(tmp_path)
    (light, heavy), (rota, _), _ = _candidates(folder, "G", "E")
    assert rota.evidence.get("one_home") is True and rota.persons.tolist() == light.persons.tolist()
    route = measure_by_letter(folder)("G")  # four homes a day, beside a colleague's ten
    assert route.route_visits <= ROUTE_VISITS < route.venue_route_visits
    assert home_visits(route) is None  # step 111 alone: the station's day loads are too long for routes
    reason = home_visits(route, one_home=True)
    assert reason is not None and reason.code == "benign_home_visits"
    busy = measure_by_letter(folder)("E")  # ten homes a caregiver's day: the members' own route too long
    assert busy.route_visits > ROUTE_VISITS and home_visits(busy, one_home=True) is None


def test_a_dialysis_unit_whose_staff_connect_chairs_minutes_apart_is_no_station(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # regression: step 134 read sixthworld 20's and 21's 血透中心 as a station and cut its padded ring to the patients
    # a caregiver was billed for at the same minute (step 142)
    folder = _world(tmp_path)
    (unit,), (same,), ids = _candidates(folder, "P")
    assert same is unit  # its patients are together in its chairs: left whole, no evidence added
    monkeypatch.setattr(homecare, "HOME_GAP", None)  # step 111's venue tests alone: the unit reads as a station
    (_,), (cut,), _ = _candidates(folder, "P")
    assert len(cut.persons) == 16 and cut.evidence["two_homes"]["once"] == 16  # the pairs at 07:00 and 07:02


def test_staff_gap_is_the_median_of_a_staff_members_consecutive_minutes_of_a_day() -> None:
    doctor = np.array([1, 1, 1, 1, 2, 2])
    minute = np.array([540, 540, 610, 700, 545, 548])  # 1's day: 09:00 twice, 10:10, 11:40; 2's: 3 minutes apart
    assert staff_gap(doctor, minute) == 70.0  # (70, 90, 3): visits at one minute count once
    assert staff_gap(doctor, minute + np.array([0, 0, 0, 1440, 0, 0])) == 36.5  # (70, 3): a day apart is no gap
    assert np.isnan(staff_gap(np.full(3, -1), np.array([1, 2, 3])))  # no staff member known


def test_at_once_asks_one_staff_member_one_minute_two_persons() -> None:
    person, doctor = np.array([1, 2, 3, 4]), np.array([5, 5, 5, -1])
    assert at_once(person, doctor, np.array([0, 0, 30, 0])).tolist() == [True, True, False, False]
    assert not at_once(person, np.full(4, -1), np.zeros(4, dtype=np.int64)).any()  # no staff known
    assert not at_once(np.array([1, 1]), np.array([5, 5]), np.array([0, 0])).any()  # one person keyed twice


def test_the_two_homes_reason_is_said_in_both_languages() -> None:
    seen = {"kept": 15, "persons": 45, "once": 12, "venue": 1, "at_once_from": AT_ONCE_SHARE, "keyed_from": KEYED_SHARE}
    reason = two_homes_said(seen, "S")
    assert reason.points == 0.0 and reason.code == "two_homes"
    assert reason.text.startswith("15 of the 45 clients at S were billed for a caregiver in two homes at once")
    assert "同一时刻身在两户" in say("two_homes", reason.args, "zh")


def test_clients_billed_in_two_homes_at_once_are_never_explained_as_a_route(tmp_path: Path) -> None:
    """Step 150 (eleventhworld 8 and 10 at round 26's start): once step 134 has kept a station's clients billed for
    a caregiver in two homes at once, step 111 must not explain them as home care on a nurse's route (S's
    caregivers see seven clients a day, within a route's load): the two readings contradict each other."""
    from graphfraud.params import RunParams
    from graphfraud.pipeline import run

    folder = _world(tmp_path)
    result = run(read_claims_dir(folder), RunParams())
    (phantom,) = [r for r in result.rings if any(q.code == "two_homes" for q in r.reasons)]
    persons = [m.entity_id for m in phantom.members if m.entity_type == "person"]
    assert len(persons) == 15 and {p[0] for p in persons} == {"F"}
    assert not any(q.code == "benign_home_visits" for q in phantom.reasons)
    assert not any(any(q.code == "two_homes" for q in r.reasons) for r in result.explained)


def test_dates_only_a_stations_ring_is_its_clients_billed_alike_on_every_visit(tmp_path: Path) -> None:
    """Step 150: no minute puts a caregiver in two homes at once; the phantom clients' visits are keyed from one
    template (the same amount every visit) where the honest clients' bills follow the hours given."""
    (whole, honest), (kept, same), ids = _candidates(_world(tmp_path, timed=False, varied=True), "HF", "H")
    assert sorted(ids[kept.persons].str[0].unique()) == ["F"] and len(kept.persons) == 15
    assert len(kept.claims) == 15 * 5 * WEEKS
    seen = kept.evidence["two_homes"]
    assert (seen["kept"], seen["persons"], seen["alike_from"], seen["visits_from"]) == (15, 45, 1.0, 8)
    assert same is honest  # none of them billed alike
    fixed = tmp_path / "fixed"
    fixed.mkdir()
    (whole,), (after,), _ = _candidates(_world(fixed, timed=False), "HF")
    assert after is whole  # a fixed fee a visit for everyone: a template says nothing of who was there


def test_dates_only_the_clients_billed_alike_are_a_ring_said_in_both_languages(tmp_path: Path) -> None:
    from graphfraud.params import RunParams
    from graphfraud.pipeline import run

    result = run(read_claims_dir(_world(tmp_path, timed=False, varied=True)), RunParams())
    (phantom,) = [r for r in result.rings if any(q.code == "two_homes" for q in r.reasons)]
    persons = [m.entity_id for m in phantom.members if m.entity_type == "person"]
    assert len(persons) == 15 and {p[0] for p in persons} == {"F"}
    (reason,) = [q for q in phantom.reasons if q.code == "two_homes"]
    assert "15 of the 45 clients at S were billed the same amount on every visit" in say(reason.code, reason.args, "en")
    assert "S 的 45 名服务对象中有 15 人每次上门服务的结算金额都相同" in say(reason.code, reason.args, "zh")
