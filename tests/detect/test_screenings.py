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

from graphfraud.detect import checkups
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import RunParams
from graphfraud.pipeline import run


def _township(tmp_path: Path) -> tuple[Path, set[str], set[str]]:
    """A date-only county of 1,500 townspeople, 3 township centres C0-C2, 240 days, 4,500 ordinary visits.

    C0 bills the fund for a screening (``z11.600``) of 90% of a roster of 60 villagers in each of 3 rounds 80 days
    apart, each round over 3 days.  C1 screens 150 villagers once over 4 days (Z11.600) and retests the 5 positives
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
    for start in (20, 100, 180):
        names = [p for p in roster if rng.random() < 0.9]
        for k, person in enumerate(names):
            billed.add(person)
            rows.append((person, "C0", start + 3 * k // len(names), "z11.600", 120.0))
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
