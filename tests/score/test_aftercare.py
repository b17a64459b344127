"""Step 123: a venue's follow-ups of its own discharged patients (出院后复查) are care, a broker's villagers are not.

A works' solvent poisoning (ninthworld's ``solvent_poisoning``): the workers of one 车间 are admitted to a public
职业病防治院 over a few days, then seen there together for 复查 on one weekday every 28 days, with nerve-conduction
and toxicology tests dearer than an ordinary visit.  The same lockstep at the same venue by persons never admitted
there is a staged clinic's.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.score.features import Features, aftercare, claim_facts, features
from graphfraud.score.public import AFTERCARE_SHARE, discharged_follow_ups
from graphfraud.score.wording import say

ONSET = pd.Timestamp("2024-03-04")  # a Monday
WORKERS = 12


def _world(
    tmp_path: Path,
    *,
    admitted: int = WORKERS,
    stay_diagnosis: str = "T52.800",
    ownership: str = "public",
    discharge: bool = True,
    diagnosis: bool = True,
    admitted_on: int = 0,
) -> Path:
    """A 职业病防治院 H0: ``WORKERS`` workers (W…) followed up together every 28 days, the first ``admitted`` of them
    admitted there (``stay_diagnosis``) ``admitted_on`` days after the onset (0: discharged three weeks or more before
    the first follow-up); 40 ordinary outpatients (O…) of their own."""
    rows = []
    for i in range(WORKERS):
        admit = ONSET + pd.Timedelta(days=admitted_on + i % 4, hours=10)
        if i < admitted:
            end = admit + pd.Timedelta(days=14 + i)
            rows.append((f"W{i:02d}", "inpatient", admit, end, 6_000.0, stay_diagnosis))
        for k in range(4):  # 复查 on the Tuesday 6 weeks after onset, then every 28 days
            day = ONSET + pd.Timedelta(days=43 + 28 * k, minutes=540 + 2 * i)
            rows.append((f"W{i:02d}", "outpatient", day, pd.NaT, 180.0, "T52.800"))
    for i in range(40):
        day = ONSET + pd.Timedelta(days=3 * i, minutes=600)
        rows.append((f"O{i:02d}", "outpatient", day, pd.NaT, 60.0, "J20.900"))
    t = pd.DataFrame(rows, columns=["patient_id", "visit_type", "start", "end", "total", "diagnosis"])
    claims = pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": "H0",
        "doctor_id": "D0", "visit_type": t["visit_type"], "start_time": t["start"].dt.strftime("%Y-%m-%d %H:%M"),
        "end_time": t["end"].dt.strftime("%Y-%m-%d %H:%M").fillna(""), "total_amount": t["total"],
        "fund_amount": t["total"] * 0.6, "diagnosis": t["diagnosis"],
    })  # fmt: skip
    if not discharge:
        claims = claims.drop(columns="end_time")
    if not diagnosis:
        claims = claims.drop(columns="diagnosis")
    claims.to_csv(tmp_path / "claims.csv", index=False)
    pd.DataFrame({"person_id": sorted(set(t["patient_id"]))}).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"facility_id": ["H0"], "kind": ["specialty"], "ownership": [ownership]}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"doctor_id": ["D0"], "facility_id": ["H0"]}).to_csv(tmp_path / "doctors.csv", index=False)
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def _follow_up_group(folder: Path) -> Features:
    """Features of the co-visit group of the workers' outpatient follow-ups (their stays not among its claims)."""
    graph = build_graph(read_claims_dir(folder))
    facts = claim_facts(graph)
    ids = pd.Series(graph.visits.persons.ids)
    person = graph.visits.column("person")
    workers = np.flatnonzero(ids.str.startswith("W").to_numpy())
    rows = np.flatnonzero(np.isin(person, workers) & ~graph.visits.column("inpatient"))
    return features(Candidate("covisit", workers, rows), facts)


def test_poisoned_workers_followed_up_after_their_stays_are_explained(tmp_path: Path) -> None:
    f = _follow_up_group(_world(tmp_path))
    assert (f.aftercare_members, f.aftercare_discharged, f.aftercare_same_diagnosis) == (12, 12, 12)
    reason = discharged_follow_ups(f)
    assert reason is not None and reason.code == "benign_aftercare"
    assert "12 of the 12 members seen there as outpatients had been discharged from a stay" in reason.text
    assert "(12 of them with the same diagnosis family)" in reason.text
    zh = say(reason.code, reason.args, "zh")
    assert zh.startswith("疑为本院出院患者的复查") and "12 名成员中有 12 名在本组首次就诊前已从该机构出院" in zh


def test_a_brokers_villagers_never_admitted_there_are_not(tmp_path: Path) -> None:
    f = _follow_up_group(_world(tmp_path, admitted=0))
    assert (f.aftercare_members, f.aftercare_discharged) == (12, 0)
    assert discharged_follow_ups(f) is None


def test_the_share_of_members_discharged_before(tmp_path: Path) -> None:
    # 9 of 12 (75%) admitted there before is below AFTERCARE_SHARE (80%): a few recruits with a stay are no programme
    f = _follow_up_group(_world(tmp_path, admitted=9))
    assert f.aftercare_discharged == 9 and 9 < AFTERCARE_SHARE * 12
    assert discharged_follow_ups(f) is None
    assert discharged_follow_ups(_follow_up_group(_world(tmp_path, admitted=10))) is not None  # 10 of 12: 83%


def test_a_stay_for_another_diagnosis_is_no_follow_up_of_it(tmp_path: Path) -> None:
    f = _follow_up_group(_world(tmp_path, stay_diagnosis="J18.900"))
    assert f.aftercare_discharged == 0 and discharged_follow_ups(f) is None


def test_without_diagnoses_or_discharges_the_stay_before_counts(tmp_path: Path) -> None:
    f = _follow_up_group(_world(tmp_path, stay_diagnosis="J18.900", diagnosis=False, discharge=False))
    assert (f.aftercare_discharged, f.aftercare_same_diagnosis) == (12, 0)
    reason = discharged_follow_ups(f)
    assert reason is not None and "(0 of them with the same diagnosis family)" in reason.text


def test_a_private_hospitals_group_is_not_explained(tmp_path: Path) -> None:
    f = _follow_up_group(_world(tmp_path, ownership="private"))
    assert f.aftercare_discharged == 12 and discharged_follow_ups(f) is None


def test_a_stay_after_the_first_follow_up_does_not_count(tmp_path: Path) -> None:
    # admitted on day 30, discharged on day 44-59: after the first follow-up on day 43
    f = _follow_up_group(_world(tmp_path, admitted_on=30))
    assert f.aftercare_discharged == 0 and discharged_follow_ups(f) is None


def test_the_first_follow_up_is_measured_member_by_member(tmp_path: Path) -> None:
    graph = build_graph(read_claims_dir(_world(tmp_path)))
    facts = claim_facts(graph)
    person = graph.visits.column("person")
    inpatient = graph.visits.column("inpatient")
    venue = int(graph.visits.column("venue")[0])
    first = int(person[0])  # W00: admitted on the onset, discharged 14 days later, first follow-up on day 43
    mine = np.flatnonzero((person == first) & ~inpatient)
    assert aftercare(mine, venue, facts) == {"aftercare_members": 1, "aftercare_discharged": 1,
                                             "aftercare_same_diagnosis": 1}  # fmt: skip
    assert aftercare(np.flatnonzero((person == first) & inpatient), venue, facts) == {}  # no outpatient claim


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"inpatient_share": 0.8}, "the admissions themselves are the co-admission's to judge"),
        ({"pharmacy_share": 1.0}, "a pharmacy's buyers"),
        ({"off_hours_share": 0.5}, "keyed in an evening batch"),
        ({"phone_hub_persons": 6}, "cards bound to one phone: a collector's"),
        ({"split_admissions": 2}, "stays split to bill twice: the stays are the scheme"),
        ({"aftercare_members": 0, "aftercare_discharged": 0}, "not measured"),
    ],
)
def test_what_is_not_aftercare(tmp_path: Path, change: dict, why: str) -> None:
    f = _follow_up_group(_world(tmp_path))
    assert discharged_follow_ups(f) is not None
    assert discharged_follow_ups(dataclasses.replace(f, **change)) is None, why
