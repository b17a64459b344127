"""Step 115: a township centre's 挂床 seen twice in an eight-month export stands out on its patients admitted twice.

Each of its villagers is admitted every 45-90 days, so in 240 days most are seen twice and few three times: short of
``min_persons`` on three admissions (eighthworld 7 and 8; 11, six months).  A longer export than ``short_window``
keeps three admissions for every facility, and adds two only for a facility that did not stand out on three and
whose patients admitted twice are at least ``twice_share`` of its inpatients: a county hospital's elderly
readmitted twice among hundreds (a few per cent) stay out.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import beds
from graphfraud.errors import ParamError
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import BedsParams

from .worlds import write_stays

CENTRES = 6


def township_county(folder: Path, *, days: int = 240) -> tuple[Path, set[str]]:
    """Six township centres C0-C5 (community level 1), each admitting 40 townspeople once and 1 twice within
    ``days``; C0 also admits 20 villagers every 100-130 days from day 10-50, stays of 5-10 days (挂床).  Four county
    hospitals H0-H3 (hospital level 2), each admitting 400 townspeople once; H1-H3 4 more twice (1%), H0 50 (11%:
    its elderly, beyond chance against the others' 1%).
    Returns the directory and the villagers."""
    rng = np.random.default_rng(3)
    town = [f"T{i:04d}" for i in range(4000)]
    rows: list = []
    pool = iter(rng.permutation(len(town)))

    def ordinary(venue: str, once: int, twice: int) -> None:
        for j in range(once + twice):
            person = town[next(pool)]
            for day in rng.choice(days - 12, 2 if j < twice else 1, replace=False):
                rows.append((person, venue, int(day), int(day) + int(rng.integers(3, 10))))

    for c in range(CENTRES):
        ordinary(f"C{c}", 40, 1)
    for h in range(4):
        ordinary(f"H{h}", 400, 50 if h == 0 else 4)
    villagers = {f"V{i:02d}" for i in range(20)}
    for person in sorted(villagers):
        day = int(rng.integers(10, 51))
        while day < days - 12:
            los = int(rng.integers(5, 11))
            rows.append((person, "C0", day, day + los))
            day += int(rng.integers(100, 131))
    stays = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "end"])
    facilities = pd.DataFrame({
        "facility_id": [f"C{c}" for c in range(CENTRES)] + ["H0", "H1", "H2", "H3"],
        "kind": ["community"] * CENTRES + ["hospital"] * 4, "level": [1] * CENTRES + [2] * 4,
    })  # fmt: skip
    write_stays(folder, stays, facilities, town=town, discharge=True, total=2000.0, fund=1500.0)
    return folder, villagers


def _venues(graph, found: list) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(graph.visits.venues.ids[c.evidence["venue"]]) for c in found]


def test_the_centres_villagers_admitted_twice_stand_out_and_the_hospitals_elderly_do_not(tmp_path: Path) -> None:
    directory, villagers = township_county(tmp_path)
    graph = build_graph(read_claims_dir(directory))
    assert beds.thresholds(graph, BedsParams()) == [3]  # a long export: three admissions
    assert _venues(graph, beds.detect(graph, replace(BedsParams(), twice_share=0.0))) == []  # few seen three times
    found = beds.detect(graph, BedsParams())
    assert _venues(graph, found) == ["C0"]
    (ring,) = found
    assert ring.evidence["times"] == 2 and "once" not in ring.evidence  # no rota doctors' once-comers here
    persons = set(graph.visits.persons.ids[ring.persons].astype(str))
    assert persons >= {v for v in villagers if v in persons} and len(persons & villagers) >= 15
    assert len(persons - villagers) <= 1  # C0's one ordinary readmitted patient at most
    assert ring.evidence["repeaters"] >= 15 and ring.evidence["inpatients"] == 61


@pytest.mark.parametrize(("share", "found"), [(0.1, ["C0", "H0"]), (0.2, ["C0"]), (0.3, ["C0"]), (0.6, [])])
def test_the_share_of_the_inpatients_admitted_twice(tmp_path: Path, share: float, found: list[str]) -> None:
    graph = build_graph(read_claims_dir(township_county(tmp_path)[0]))
    assert _venues(graph, beds.detect(graph, replace(BedsParams(), twice_share=share))) == found


def test_the_hospitals_elderly_are_beyond_chance_but_below_the_share(tmp_path: Path) -> None:
    graph = build_graph(read_claims_dir(township_county(tmp_path)[0]))
    rates = beds.facility_rates(*_stays(graph), min_admissions=2)
    row = beds.standouts(rates, beds.peer_groups(graph), BedsParams(), tests=2)
    rate = dict(zip(graph.visits.venues.ids[row.index.to_numpy()].astype(str), row["rate"], strict=True))
    assert set(rate) == {"C0", "H0"}  # both stand out on two admissions, beyond chance against their peers
    assert rate["H0"] < BedsParams().twice_share <= rate["C0"]  # 11% of a hospital's inpatients, a third of C0's


def _stays(graph) -> tuple[pd.DataFrame, np.ndarray]:  # type: ignore[no-untyped-def]
    t = graph.visits.table
    stays = t[t["inpatient"].to_numpy() & (t["kind"].to_numpy() == 0)]
    return stays, beds.admissions(stays, split_days=3, open_days=30)


def test_twice_share_is_checked() -> None:
    with pytest.raises(ParamError, match="twice_share"):
        BedsParams(twice_share=1.5)
