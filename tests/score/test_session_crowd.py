"""Step 89: a piece of a seasonal mass event is judged by the venue's crowd on its sessions, not by its own size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.score.features import claim_facts, features
from graphfraud.score.public import MASS_PERSONS, session_crowd

#: Five 三伏贴 days ten days apart (2024-07-15 ...), in the working day.
SESSIONS = pd.to_datetime(["2024-07-15", "2024-07-25", "2024-08-04", "2024-12-21", "2024-12-30"])


def _world(tmp_path: Path, *, season: int, regulars: int) -> Path:
    """A public TCM hospital: ``season`` persons (ids S…) each at 4 of the 5 sessions, ``regulars`` (R…) who come
    three times a week all year (a dialysis patient's rhythm: on 4 of the 5 session days too), and a few others
    (O…) once."""
    rows = []
    for i in range(season):
        days = [d for k, d in enumerate(SESSIONS) if k != i % 5]
        rows += [(f"S{i:03d}", d + pd.Timedelta(minutes=480 + i)) for d in days]
    for i in range(regulars):  # Sundays, Mondays and Thursdays for 45 weeks: 4 of the 5 session days
        sunday = pd.Timestamp("2024-03-03")
        rows += [(f"R{i:03d}", sunday + pd.Timedelta(days=7 * w + k, minutes=600 + i)) for w in range(45)
                 for k in (0, 1, 4)]  # fmt: skip
    rows += [(f"O{i:03d}", pd.Timestamp("2024-05-01") + pd.Timedelta(days=i, minutes=540)) for i in range(30)]
    t = pd.DataFrame(rows, columns=["patient_id", "start"])
    pd.DataFrame({
        "claim_id": [f"K{i:06d}" for i in range(len(t))], "patient_id": t["patient_id"], "facility_id": "H0",
        "doctor_id": "D0", "visit_type": "outpatient", "start_time": t["start"].dt.strftime("%Y-%m-%d %H:%M"),
        "total_amount": 60.0, "fund_amount": 40.0, "diagnosis": "J45.900",
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    pd.DataFrame({"person_id": sorted(set(t["patient_id"]))}).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"facility_id": ["H0"], "kind": ["hospital"], "ownership": ["public"]}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"doctor_id": ["D0"], "facility_id": ["H0"]}).to_csv(tmp_path / "doctors.csv", index=False)
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def _crowd_of_piece(folder: Path, piece: int, **kw: float) -> tuple[int, int]:
    """(session_crowd, persons) of a co-visit piece holding the first ``piece`` season persons."""
    graph = build_graph(read_claims_dir(folder))
    facts = claim_facts(graph)
    ids = pd.Series(graph.visits.persons.ids)
    person = graph.visits.column("person")
    codes = np.flatnonzero(ids.str.startswith("S").to_numpy() & (ids.str[1:].str.isdigit()).to_numpy())[:piece]
    c = Candidate("covisit", codes, np.flatnonzero(np.isin(person, codes)))
    f = features(c, facts)
    return session_crowd(c.claims, f.venue, facts, **kw), f.persons


def test_a_piece_of_a_season_counts_the_whole_crowd_not_the_weekly_regulars(tmp_path: Path) -> None:
    crowd, persons = _crowd_of_piece(_world(tmp_path, season=218, regulars=60), 91)
    assert persons == 91 < MASS_PERSONS
    assert crowd == 218  # every season person (4 of 5 sessions); no regular (4 session days of their 135)


def test_a_brokers_pool_is_its_own_crowd(tmp_path: Path) -> None:
    crowd, _ = _crowd_of_piece(_world(tmp_path, season=60, regulars=60), 40)
    assert crowd == 60 < MASS_PERSONS  # the pool of 60, a piece of it or whole: no season's queue


@pytest.mark.parametrize(("attendance", "own", "crowd"), [(0.3, 0.5, 218), (0.9, 0.5, 0), (0.5, 0.0, 278)])
def test_the_crowds_bounds(tmp_path: Path, attendance: float, own: float, crowd: int) -> None:
    # 0.9 of 5 sessions is all 5 (each season person missed one); without the own share the regulars count
    got, _ = _crowd_of_piece(_world(tmp_path, season=218, regulars=60), 91, attendance=attendance, own=own)
    assert got == crowd
