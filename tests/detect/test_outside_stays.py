"""异地就医 phantom stays (step 130, detect/beds.py :func:`outside_persons`): a home county's identities admitted at a
town's private hospital, some of them twice in the export, the rest once. The facility stands out on the repeat
patients; the identities of the members' other city whose only claims in the export are stays there join, while
the town's own once-admitted patients, 异地 kin who also see a clinic in town, and identities of a city too few
members hold stay out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.detect import beds
from graphfraud.graph.build import build_graph
from graphfraud.graph.regions import home_city, person_cities
from graphfraud.io.read import read_claims_dir
from graphfraud.params import BedsParams

from .worlds import write_stays

HOSPITALS = 6
HOME, FAR, STRAY = "320583", "430524", "510524"


def remote_town(folder: Path) -> tuple[Path, set[str], set[str], set[str]]:
    """Six private hospitals over 300 days, each admitting 60 townspeople once and readmitting 2; at H0 also 24
    identities of county 430524 admitted three times (the repeat patients the facility stands out on) and 30 of
    them admitted once, nothing else billed on them; 10 kin of 430524 living in town admitted once at H0 who also
    see the town's clinic K0; 3 identities of 510524 admitted once at H0 (their city is no member's).
    Returns the directory, the identities admitted once, the kin and the townspeople admitted at H0."""
    rng = np.random.default_rng(7)
    rows: list = []
    town = [f"T{i:04d}" for i in range(3000)]
    at_h0: set[str] = set()
    for h in range(HOSPITALS):
        for j, i in enumerate(rng.choice(len(town), 60, replace=False)):
            for day in rng.choice(288, 2 if j < 2 else 1, replace=False):
                rows.append((town[i], f"H{h}", int(day), int(day) + int(rng.integers(3, 10))))
                if h == 0:
                    at_h0.add(town[i])
    repeat = [f"R{i:02d}" for i in range(24)]
    once = [f"O{i:02d}" for i in range(30)]
    kin = [f"K{i:02d}" for i in range(10)]
    stray = [f"S{i:02d}" for i in range(3)]
    for person in repeat:
        for day in (int(rng.integers(0, 40)), int(rng.integers(100, 140)), int(rng.integers(200, 240))):
            rows.append((person, "H0", day, day + int(rng.integers(7, 13))))
    for person in once + kin + stray:
        day = int(rng.integers(0, 280))
        rows.append((person, "H0", day, day + int(rng.integers(7, 13))))
    stays = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "end"])
    facilities = pd.DataFrame({"facility_id": [f"H{h}" for h in range(HOSPITALS)] + ["K0"],
                               "kind": ["hospital"] * HOSPITALS + ["clinic"], "level": [1] * HOSPITALS + [0]})  # fmt: skip
    write_stays(folder, stays, facilities, town=town, discharge=True, total=4000.0, fund=2400.0)
    claims = pd.read_csv(folder / "claims.csv", dtype=str)
    visits = pd.DataFrame({"claim_id": [f"V{i:03d}" for i in range(len(kin))], "patient_id": kin, "facility_id": "K0",
                           "doctor_id": "DK0", "visit_type": "outpatient", "start_time": "2024-03-01 19:00:00",
                           "end_time": "2024-03-01 19:10:00", "total_amount": "80.0", "fund_amount": "40.0"})  # fmt: skip
    pd.concat([claims, visits]).to_csv(folder / "claims.csv", index=False)
    persons = pd.read_csv(folder / "persons.csv", dtype=str)
    first = persons["person_id"].str[0]
    persons["region"] = np.select([first.isin(["R", "O", "K"]), first.eq("S")], [FAR, STRAY], HOME)
    persons.to_csv(folder / "persons.csv", index=False)
    return folder, set(once), set(kin), at_h0


def _h0(graph, params: BedsParams) -> list:  # type: ignore[no-untyped-def]
    return [c for c in beds.detect(graph, params) if str(graph.visits.venues.ids[c.evidence["venue"]]) == "H0"]


def test_identities_of_the_members_other_city_admitted_once_join_and_the_towns_people_stay_out(
    tmp_path: Path,
) -> None:
    directory, once, kin, at_h0 = remote_town(tmp_path)
    graph = build_graph(read_claims_dir(directory))
    (found,) = _h0(graph, BedsParams())
    persons = set(graph.visits.persons.ids[found.persons].astype(str))
    assert found.evidence["times"] == 3 and found.evidence["members"] >= 24
    assert persons >= once and found.evidence["outside"] == len(once)
    assert found.evidence["outside_city"] == "4305" and found.evidence["outside_members"] == 24
    # kin of the same county who see a clinic in town, another city's three, the town's once-comers: out
    assert not persons & kin and not any(p.startswith("S") for p in persons) and len(persons & at_h0) <= 2
    # the members' stays and the once-comers' stays are the candidate's claims
    assert len(found.claims) == 24 * 3 + len(once) + (len(persons & at_h0) * 2)


def test_the_join_is_off_at_zero_and_needs_enough_members_of_the_city(tmp_path: Path) -> None:
    directory, once, _, _ = remote_town(tmp_path)
    graph = build_graph(read_claims_dir(directory))
    (off,) = _h0(graph, replace(BedsParams(), outside_members=0))
    assert "outside" not in off.evidence and not set(graph.visits.persons.ids[off.persons].astype(str)) & once
    (few,) = _h0(graph, replace(BedsParams(), outside_members=25))  # 24 members of 4305: too few
    assert "outside" not in few.evidence
    (enough,) = _h0(graph, replace(BedsParams(), outside_members=15))
    assert enough.evidence["outside"] == len(once)


def test_the_home_city_is_where_most_persons_are_insured(tmp_path: Path) -> None:
    directory, *_ = remote_town(tmp_path)
    graph = build_graph(read_claims_dir(directory))
    cities = person_cities(graph)
    assert cities is not None and home_city(cities) == "3205"
    assert set(cities.tolist()) == {"3205", "4305", "5105"}


def test_without_regions_nothing_joins(tmp_path: Path) -> None:
    directory, once, _, _ = remote_town(tmp_path)
    persons = pd.read_csv(directory / "persons.csv", dtype=str).drop(columns="region")
    persons.to_csv(directory / "persons.csv", index=False)
    graph = build_graph(read_claims_dir(directory))
    assert person_cities(graph) is None
    (found,) = _h0(graph, BedsParams())
    assert "outside" not in found.evidence and not set(graph.visits.persons.ids[found.persons].astype(str)) & once


def test_the_reason_names_the_outside_identities_in_both_languages() -> None:
    from graphfraud.score.reasons import Reason
    from graphfraud.score.wording import say

    args = {"repeaters": 24, "inpatients": 120, "venue": "H0", "rate": 0.2, "times": 3, "peer_rate": 0.0087,
            "peers": 5, "peer_group": "hospital, level 1", "ratio": 23.0, "persons": 26, "member_times": 2,
            "admissions": 74, "repeat_ratio_from": 3.0, "outside": 30, "outside_city": "4305",
            "outside_members": 24}  # fmt: skip
    reason = Reason("repeat_stays", args, 23.0, 3.0, 30.0)
    assert "and 30 more admitted there once, insured in city 4305 as 24 of those patients are" in reason.text
    zh = say("repeat_stays", reason.args, "zh")
    assert "另有 30 人在该机构仅住院一次" in zh and "4305 参保" in zh and "疑似异地就医虚假住院" in zh


def test_the_outside_piece_keeps_its_reason_in_an_organisation_led_by_co_admissions_of_its_facility() -> None:
    """Joined with the same hospital's co-admission ring (score.rings.join_pieces), the organisation carries the
    beds piece's peer comparison and its outside identities, never its "together": False; a leading piece of
    another facility keeps its own evidence."""
    from graphfraud.detect.candidate import Candidate
    from graphfraud.score.rings import OUTSIDE_EVIDENCE, _union

    group = Candidate("coadmit", np.array([1, 2]), np.array([10, 11]), {"pairs": 1, "mean_days": 4.0, "events": 4})
    outside = {k: 1 for k in OUTSIDE_EVIDENCE} | {"together": False, "stays": 3, "chance": 0.0}
    piece = Candidate("beds", np.array([3, 4]), np.array([12, 13]), outside)
    joined = _union([group, piece], [0, 1])
    assert joined.detector == "coadmit" and joined.persons.tolist() == [1, 2, 3, 4]
    assert {k: joined.evidence[k] for k in OUTSIDE_EVIDENCE} == {k: 1 for k in OUTSIDE_EVIDENCE}
    assert "together" not in joined.evidence and joined.evidence["events"] == 4
    elsewhere = Candidate("covisit", np.array([1, 2]), np.array([10, 11]), {"venue": 7, "pairs": 1})
    assert "outside" not in _union([elsewhere, piece], [0, 1]).evidence
    without = Candidate(
        "beds", np.array([3, 4]), np.array([12, 13]), {k: 1 for k in OUTSIDE_EVIDENCE if k != "outside"}
    )
    assert "repeat_ratio" not in _union([group, without], [0, 1]).evidence


def test_the_join_reads_the_claims_of_persons_insured_elsewhere_not_an_index_of_every_claim(tmp_path: Path) -> None:
    """The claims read are those of the persons of another known city (kin's clinic visit too), the same as the
    run's index of claims by person gives for them; detect leaves no index of every claim held for later stages."""
    directory, once, kin, _ = remote_town(tmp_path)
    graph = build_graph(read_claims_dir(directory))
    (found,) = _h0(graph, BedsParams())
    assert found.evidence["outside"] == len(once)
    assert graph.shared("rows:person", lambda: None) is None  # not built by beds
    graph.forget("rows:person")
    cities = person_cities(graph)
    assert cities is not None
    away = beds._rows_away(graph.visits.column("person"), cities, home_city(cities))
    elsewhere = np.flatnonzero(np.isin(cities, ["4305", "5105"]))
    assert away.tolist() == graph.claim_rows("person", elsewhere).tolist()
    ids = graph.visits.persons.ids[graph.visits.column("person")[away]].astype(str)
    assert set(ids) >= once | kin and not any(i.startswith("T") for i in ids)
