"""Induced admission on a rota seen in a short export (step 81, detect/beds.py): in four months a recruit
admitted every two to four months is seen once or twice, so a private hospital's rota stands out on its
patients admitted twice, and its doctor's recruits admitted once so far join; a long export keeps "three
times or more", and the ward's other doctors' patients stay out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.detect import beds
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import BedsParams

from .worlds import write_stays

HOSPITALS = 6


def rota_city(folder: Path, *, days: int) -> tuple[Path, set[str], set[str]]:
    """Six private hospitals (hospital level 1) each admitting 60 townspeople once within ``days`` and
    readmitting 2; at H0 doctor DR also admits 30 recruits on a rota of their own (first stay in the first
    two months, then 45-90 days after each discharge, stays of 5-12 days), H0's ordinary patients are doctor DH0's.
    Returns the directory, the recruits and H0's ordinary patients."""
    rng = np.random.default_rng(11)
    rows: list = []
    town = [f"T{i:04d}" for i in range(3000)]
    ordinary: set[str] = set()
    for h in range(HOSPITALS):
        for j, i in enumerate(rng.choice(len(town), 60, replace=False)):
            for day in rng.choice(days - 12, 2 if j < 2 else 1, replace=False):
                rows.append((town[i], f"H{h}", int(day), int(day) + int(rng.integers(3, 10))))
                if h == 0:
                    ordinary.add(town[i])
    recruits = {f"R{i:02d}" for i in range(30)}
    for person in sorted(recruits):
        day = int(rng.integers(0, 60))
        while day < days - 12:
            los = int(rng.integers(5, 13))
            rows.append((person, "H0", day, day + los))
            day += los + int(rng.integers(45, 91))
    stays = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "end"])
    facilities = pd.DataFrame({"facility_id": [f"H{h}" for h in range(HOSPITALS)], "kind": "hospital", "level": 1})
    write_stays(folder, stays, facilities, town=town, discharge=True, total=2000.0, fund=1500.0)
    claims = pd.read_csv(folder / "claims.csv", dtype=str)
    claims.loc[claims["patient_id"].isin(recruits), "doctor_id"] = "DR"
    claims.to_csv(folder / "claims.csv", index=False)
    doctors = pd.read_csv(folder / "doctors.csv", dtype=str)
    pd.concat([doctors, pd.DataFrame({"doctor_id": ["DR"], "facility_id": ["H0"]})]).to_csv(
        folder / "doctors.csv", index=False
    )
    return folder, recruits, ordinary


def _found(graph, params: BedsParams) -> list:  # type: ignore[no-untyped-def]
    return [c for c in beds.detect(graph, params) if str(graph.visits.venues.ids[c.evidence["venue"]]) == "H0"]


def test_a_rota_in_four_months_stands_out_on_patients_admitted_twice_and_its_doctors_once_comers_join(
    tmp_path: Path,
) -> None:
    directory, recruits, ordinary = rota_city(tmp_path, days=120)
    graph = build_graph(read_claims_dir(directory))
    assert beds.thresholds(graph, BedsParams()) == [3, 2]
    found = _found(graph, BedsParams())
    assert len(found) == 1
    kick = found[0]
    persons = set(graph.visits.persons.ids[kick.persons].astype(str))
    twice = kick.evidence["repeaters"]
    assert kick.evidence["times"] == 2 and 5 <= twice < len(recruits)  # most recruits were seen once
    # every recruit: DR's once-comers joined; of DH0's 60 patients only the 2 readmitted (the facility's repeat
    # patients, members as before step 81), none admitted once
    assert persons >= recruits and len(persons - recruits) == 2 and persons - recruits <= ordinary
    assert kick.evidence["once"] == len(persons) - kick.evidence["members"] == len(recruits) - (twice - 2)
    # without the short-export threshold nobody was admitted three times: nothing stands out ...
    assert _found(graph, BedsParams(short_window=0, twice_share=0.0)) == []
    # ... but for step 115 the patients admitted twice (a fifth of H0's inpatients or more): without once-comers
    (long,) = _found(graph, BedsParams(short_window=0))
    assert long.evidence["times"] == 2 and "once" not in long.evidence and long.evidence["rate"] >= 0.2


def test_the_same_rota_in_a_long_export_is_judged_on_three_admissions_and_no_once_comer_joins(
    tmp_path: Path,
) -> None:
    directory, recruits, ordinary = rota_city(tmp_path, days=300)
    graph = build_graph(read_claims_dir(directory))
    assert beds.thresholds(graph, BedsParams()) == [3]
    found = _found(graph, BedsParams())
    assert len(found) == 1 and found[0].evidence["times"] == 3 and "once" not in found[0].evidence
    persons = set(graph.visits.persons.ids[found[0].persons].astype(str))
    # the patients admitted twice or more (the recruits and DH0's 2 readmitted), as before step 81
    assert persons >= recruits and len(persons - recruits) == 2 and persons - recruits <= ordinary
    # a short window of a year's length changes nothing
    assert beds.thresholds(graph, replace(BedsParams(), short_window=200)) == [3]
    assert beds.thresholds(graph, replace(BedsParams(), short_window=400)) == [3, 2]


def test_the_reason_names_the_once_comers_in_both_languages() -> None:
    from graphfraud.score.reasons import Reason
    from graphfraud.score.wording import say

    args = {"repeaters": 16, "inpatients": 50, "venue": "H0", "rate": 0.32, "times": 2, "peer_rate": 0.0087,
            "peers": 5, "peer_group": "hospital, any level", "ratio": 37.0, "persons": 16, "member_times": 2,
            "admissions": 32, "repeat_ratio_from": 3.0, "once": 23}  # fmt: skip
    reason = Reason("repeat_stays", args, 37.0, 3.0, 30.0)
    assert "were admitted there 2 times or more" in reason.text
    assert "and 23 more admitted once so far by the same doctors" in reason.text
    zh = say("repeat_stays", reason.args, "zh")
    assert "住院 2 次及以上" in zh and "迄今仅住院一次的 23 人" in zh
    # without once-comers the sentence is the one it always was
    plain = Reason("repeat_stays", {k: v for k, v in args.items() if k != "once"}, 37.0, 3.0, 30.0)
    assert "once so far" not in plain.text


def test_a_busy_doctor_with_a_few_readmissions_among_hundreds_is_no_rota() -> None:
    """Doctor 1: 10 patients admitted twice and 20 once (a rota cut by the window); doctor 2: 8 readmitted among
    200 (thirdworld 8's county hospital, were the rule applied to a six-month export): beyond chance at a peer
    rate of 0.4%, but his 192 once-admitted patients are an ordinary practice, not a rota."""
    rows = [(1, p) for p in range(10) for _ in range(2)] + [(1, p) for p in range(10, 30)]
    rows += [(2, p) for p in range(100, 108) for _ in range(2)] + [(2, p) for p in range(108, 300)]
    stays = pd.DataFrame(rows, columns=["doctor", "person"])
    per = stays.groupby("person")["person"].transform("size").to_numpy()
    row = pd.Series({"peer_rate": 0.004})
    assert beds.rota_doctors(stays, per, row, BedsParams()).tolist() == [1]
    assert beds.ONCE_PER_REPEATER == 2.0  # doctor 1 is at the bound: 20 once for 10 twice
