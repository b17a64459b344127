"""Step 115: residents of one institution dear against the peers but not against the venue's own patients.

A 寺院's monks (one address) come down to the county's 民族医院 once a month, a dozen or more on one morning, for
the ethnic-medicine pills it gives everyone: against the peers (every facility's claims of the same visit type and
diagnosis) their claims cost several times more, so the residents' cost test left them as a staged clinic
(eighthworld 4, 10 and 11).  Against the venue's other patients they cost what everyone there costs.  A staged
clinic billed on one home's cards at five times the venue's own care, the same residents at a private clinic, and
a ward's stays stay unexplained; so does a group that is most of its venue's claims (no own patients to compare).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.score.features import Features
from graphfraud.score.reasons import VENUE_COST_SHARE, benign_explanation, residents_at_venue_cost
from graphfraud.score.wording import say
from tests.score.measure import by_letter


def _county(tmp_path: Path, *, own: str = "public", inpatient: bool = False) -> Callable[[str], Features]:
    """A county of 1,500 townspeople over 240 days: 4,000 ordinary visits (20-40 yuan) at clinics C0-C3, and 600
    visits of 300 townspeople at the 民族医院 E (ownership ``own``) for pills of 350-450 yuan.

    Groups, each of 30 persons at one address of their own, seen 15 at a time a few minutes apart on 8 mornings a
    month apart at E: M (monks) at E's cost (350-450 yuan), S (a staged clinic) at 1,800-2,200 yuan.  With
    ``inpatient`` the monks' claims are stays.
    """
    rng = np.random.default_rng(11)
    rows = []  # person, venue, minute, fund, visit type
    town = [f"T{i:04d}" for i in range(1500)]
    for _ in range(4000):
        minute = int(rng.integers(0, 240)) * 1440 + int(rng.integers(480, 1080))
        rows.append((town[int(rng.integers(0, 1500))], f"C{int(rng.integers(0, 4))}", minute,
                     float(rng.uniform(20, 40)), "outpatient"))  # fmt: skip
    for _ in range(600):
        minute = int(rng.integers(0, 240)) * 1440 + int(rng.integers(480, 1080))
        rows.append((town[int(rng.integers(0, 300))], "E", minute, float(rng.uniform(350, 450)), "outpatient"))

    def group(letter: str, low: float, high: float, start: int, visit: str = "outpatient") -> None:
        members = [f"{letter}{i:02d}" for i in range(30)]
        for month in range(8):
            minute = (10 + 30 * month) * 1440 + start
            for person in rng.choice(members, 15, replace=False):
                minute += int(rng.integers(2, 6))
                rows.append((str(person), "E", minute, float(rng.uniform(low, high)), visit))

    group("M", 350, 450, 600, "inpatient" if inpatient else "outpatient")
    group("S", 1800, 2200, 840)
    t = pd.DataFrame(rows, columns=["patient_id", "venue", "minute", "fund", "visit_type"])
    start = pd.Timestamp("2024-03-01") + pd.to_timedelta(t["minute"], unit="min")
    stay = (t["visit_type"] == "inpatient").to_numpy()
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": t["venue"],
        "doctor_id": "D" + t["venue"], "visit_type": t["visit_type"], "start_time": start.dt.strftime("%Y-%m-%d %H:%M:%S"),
        "end_time": np.where(stay, (start + pd.Timedelta(days=6)).dt.strftime("%Y-%m-%d %H:%M:%S"), ""),
        "total_amount": (t["fund"] * 1.25).round(2), "fund_amount": t["fund"].round(2), "diagnosis": "M13.900",
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    persons = pd.DataFrame({"person_id": sorted(set(t["patient_id"]))})
    first = persons["person_id"].str[0]
    persons["address"] = np.where(first.isin(["M", "S"]), "ADDR-" + first, "ADDR-" + persons["person_id"])
    persons["birth_date"] = "1970-01-01"
    persons.to_csv(tmp_path / "persons.csv", index=False)
    venues = ["C0", "C1", "C2", "C3", "E"]
    pd.DataFrame({"facility_id": venues, "kind": ["clinic"] * 4 + ["hospital"], "ownership": "public"}).assign(
        ownership=lambda f: np.where(f["facility_id"] == "E", own, "public")
    ).to_csv(tmp_path / "facilities.csv", index=False)
    pd.DataFrame({"doctor_id": [f"D{v}" for v in venues], "facility_id": venues}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return by_letter(tmp_path)


def test_the_monks_cost_what_the_ethnic_hospital_costs_everyone(tmp_path: Path) -> None:
    monks = _county(tmp_path)("M")
    assert monks.top_address_persons == 30 and monks.cost_ratio > 2  # one address, dear against the peers
    # no dearer than E's other claims (its townspeople's and the staged clinic's)
    assert monks.venue_cost_ratio < 1.0 and monks.dominance < VENUE_COST_SHARE
    reason = benign_explanation(monks)
    assert reason is not None and reason.code == "benign_institution"
    assert reason.args["residents"] == 30 and reason.args["venue_cost"] == monks.venue_cost_ratio
    assert "the venue's other claims" in reason.text
    assert "该机构其他结算" in say(reason.code, reason.args, "zh")


def test_a_staged_clinic_on_one_homes_cards_costs_more_than_the_venue(tmp_path: Path) -> None:
    staged = _county(tmp_path)("S")
    assert staged.top_address_persons == 30 and staged.venue_cost_ratio > 4
    assert not residents_at_venue_cost(staged)
    reason = benign_explanation(staged)
    assert reason is None or reason.code != "benign_institution"


@pytest.mark.parametrize(("own", "inpatient"), [("private", False), ("public", True)])
def test_a_private_clinic_or_a_ward_is_not_judged_on_its_own_cost(tmp_path: Path, own: str, inpatient: bool) -> None:
    monks = _county(tmp_path, own=own, inpatient=inpatient)("M")
    assert monks.venue_cost_ratio < 1.3  # as cheap as the venue, but that is no evidence there
    assert not residents_at_venue_cost(monks)
    reason = benign_explanation(monks)  # (the ward's stays have no peers but their own: 1.00x, explained as before)
    assert reason is None or "venue_cost" not in reason.args


def test_a_group_that_is_most_of_its_venue_has_no_own_patients_to_compare(tmp_path: Path) -> None:
    monks = _county(tmp_path)("M")
    assert residents_at_venue_cost(monks)
    busy = Features(**{**monks.__dict__, "dominance": 0.6})
    assert not residents_at_venue_cost(busy)
    paid_by_accounts = Features(**{**monks.__dict__, "money_cost": 2.0})  # step 110's test stands
    assert not residents_at_venue_cost(paid_by_accounts)
