"""Step 115: screenings without complaint (Z10-Z13) billed to the fund round after round are check-ups too.

Eighthworld's 卫生院 bills a 包虫病 screening (Z11.6: an ultrasound and an antibody test) of its villagers in 2-4
rounds months apart, the same names each round; a genuine screening is one round, each person once, the few
positives retested under their disease's code.  The phantom rounds had no candidate, or pieces of one (eighthworld
7, 8, 10 and 11).  A child's developmental screening (Z13.4) is child health care, repeated on its schedule.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import checkups
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import RunParams
from graphfraud.pipeline import run
from graphfraud.score.wording import say


def _township(
    tmp_path: Path, *, rounds: tuple[int, ...] = (20, 100, 180), code: str = "z11.600"
) -> tuple[Path, set[str], set[str]]:
    """A date-only county of 1,500 townspeople, 3 township centres C0-C2, 240 days, 4,500 ordinary visits.

    C0 bills the fund for a screening (``z11.600``, or ``code``) of 90% of a roster of 60 villagers in each of 3
    rounds 80 days apart (or on the days ``rounds``), each round over 3 days.  C1 screens 150 villagers once over 4 days (Z11.600) and retests the 5 positives
    20 days later (B67.900).  C2 screens 25 infants' development (Z13.400) on 6 monthly days.

    Returns the directory, the persons C0 billed and the others screened.
    """
    rng = np.random.default_rng(5)
    rows = []  # person, venue, day, diagnosis, fund
    town = [f"T{i:04d}" for i in range(1500)]
    for _ in range(4500):
        rows.append((town[int(rng.integers(0, 1500))], f"C{int(rng.integers(0, 3))}", int(rng.integers(0, 240)),
                     str(rng.choice(["J06.900", "I10.x00", "K29.700"])), 30.0))  # fmt: skip
    roster = [f"V{i:02d}" for i in range(60)]
    billed: set[str] = set()
    for start in rounds:
        names = [p for p in roster if rng.random() < 0.9]
        for k, person in enumerate(names):
            billed.add(person)
            rows.append((person, "C0", start + 3 * k // len(names), code, 120.0))
    once = [f"S{i:03d}" for i in range(150)]
    for k, person in enumerate(once):
        rows.append((person, "C1", 60 + 4 * k // 150, "Z11.600", 25.0))
        if k % 30 == 0:
            rows.append((person, "C1", 80, "B67.900", 60.0))
    infants = [f"B{i:02d}" for i in range(25)]
    for month in range(6):
        rows += [(p, "C2", 15 + 30 * month, "Z13.400", 15.0) for p in infants]
    t = pd.DataFrame(rows, columns=["patient_id", "venue", "day", "diagnosis", "fund"])
    start_time = (pd.Timestamp("2024-03-01") + pd.to_timedelta(t["day"], unit="D")).dt.strftime("%Y-%m-%d")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": t["venue"],
        "doctor_id": "D" + t["venue"], "visit_type": "outpatient", "start_time": start_time,
        "total_amount": t["fund"] + 10.0, "fund_amount": t["fund"], "diagnosis": t["diagnosis"],
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    people = sorted(set(t["patient_id"]))
    born = ["2023-09-01" if p.startswith("B") else "1975-01-01" for p in people]
    pd.DataFrame({"person_id": people, "birth_date": born}).to_csv(tmp_path / "persons.csv", index=False)
    venues = ["C0", "C1", "C2"]
    pd.DataFrame({"facility_id": venues, "kind": "community", "ownership": "public"}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"doctor_id": [f"D{v}" for v in venues], "facility_id": venues}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path, billed, set(once + infants)


def test_a_screening_billed_round_after_round_is_one_candidate(tmp_path: Path) -> None:
    directory, billed, others = _township(tmp_path)
    graph = build_graph(read_claims_dir(directory))
    (found,) = checkups.detect(graph)
    persons = {str(graph.visits.persons.ids[p]) for p in found.persons}
    assert persons == billed and not persons & others
    got = found.evidence["checkups"]
    assert got["campaigns"] == 3 and got["screenings"] == got["claims"] and "packages" not in got
    assert got["again"] > len(billed) // 2  # the same names each round


def test_the_ring_says_the_fund_paid_for_screenings(tmp_path: Path) -> None:
    directory, billed, _ = _township(tmp_path)
    result = run(read_claims_dir(directory), RunParams())
    ring = next(r for r in result.rings if any(x.code == "fund_checkups" for x in r.reasons))
    reason = next(x for x in ring.reasons if x.code == "fund_checkups")
    assert reason.args["screenings"] == reason.args["claims"]
    assert "Z10-Z13" in reason.text and "public-health screening" in reason.text
    assert ring.typology == "staged_clinic" and len(ring.person_codes) == len(billed)


# Step 155: eighthworld 26 (round 26's held out, F1 0.650): the 卫生院's two 包虫病 rounds 206 days apart, 136 of
# its 185 names in both; no one back within half a year, so no candidate, though a screening is yearly at most.
def test_a_second_round_within_the_year_is_a_candidate(tmp_path: Path) -> None:
    directory, billed, others = _township(tmp_path, rounds=(15, 220))
    graph = build_graph(read_claims_dir(directory))
    (found,) = checkups.detect(graph)
    persons = {str(graph.visits.persons.ids[p]) for p in found.persons}
    assert persons == billed and not persons & others
    got = found.evidence["checkups"]
    assert got["campaigns"] == 2 and got["again"] == 0
    assert got["rescreened"] > len(billed) // 2 and "again_any" not in got
    assert found.params["screen_again_days"] == checkups.SCREEN_AGAIN_DAYS == 270


def test_a_second_round_needs_the_rule_and_a_gap_under_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    directory, _, _ = _township(tmp_path / "a", rounds=(15, 220))
    far, _, _ = _township(tmp_path / "b", rounds=(15, 330))  # a yearly round a month early: not within 270 days
    assert checkups.detect(build_graph(read_claims_dir(far))) == []
    monkeypatch.setattr(checkups, "SCREEN_AGAIN_DAYS", None)
    assert checkups.detect(build_graph(read_claims_dir(directory))) == []


def test_check_ups_keep_the_half_year(tmp_path: Path) -> None:
    """The longer window is the screenings': an employer's check-ups (Z00) in two campaigns 205 days apart stay
    a check-up moved by a few months."""
    directory, _, _ = _township(tmp_path, rounds=(15, 220), code="Z00.000")
    assert checkups.detect(build_graph(read_claims_dir(directory))) == []


def test_the_ring_says_the_second_round_in_both_languages(tmp_path: Path) -> None:
    directory, billed, _ = _township(tmp_path, rounds=(15, 220))
    result = run(read_claims_dir(directory), RunParams())
    ring = next(r for r in result.rings if any(x.code == "fund_checkups" for x in r.reasons))
    reason = next(x for x in ring.reasons if x.code == "fund_checkups")
    assert reason.args["rescreened"] > len(billed) // 2 and reason.args["screen_again_days"] == 270
    assert f"{reason.args['rescreened']} persons screened twice within 270 days" in reason.text
    zh = say(reason.code, reason.args, "zh")
    assert f"{reason.args['rescreened']} 人在 270 天内被筛查两次" in zh
    assert ring.typology == "staged_clinic" and len(ring.person_codes) == len(billed)
