"""Step 151: a family-doctor day judged per visit where the export settles visits in parts (分解结算).

A township health centre's signed elders (家庭医生签约) are seen on its monthly day, each follow-up settled whole
(a consultation, a month's drug and a test), while the city's other visits of the same kind are settled in parts
(the consultation apart from the drugs).  Per settlement the follow-ups cost twice the same care; per visit they
cost what it costs, and :func:`graphfraud.score.primary.village_day` explains them.  A centre's day billing twice
a visit's cost stays a ring, and a village day is not asked for its visits when its cost per claim already holds.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from detect.worlds import ring_persons, write_clinic_world
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.pipeline import run
from graphfraud.score.features import claim_facts, cost_contrast
from graphfraud.score.primary import FOLLOW_UP_COST, settled_visits, village_day, visit_cost
from graphfraud.score.wording import say
from score.test_village_day import FOLLOW_UP

#: The same village day, but dear per settlement: 1.55x the same care elsewhere and 1.28x the venue's own claims.
SPLIT_CITY = dataclasses.replace(FOLLOW_UP, cost_ratio=1.55, own_cost_ratio=1.28, public_venue=1.0, private_venue=False)


def test_dear_per_settlement_and_no_visits_asked_is_not_a_village_day() -> None:
    assert village_day(SPLIT_CITY) is None  # as before step 151


def test_a_follow_up_at_the_visits_cost_is_a_village_day() -> None:
    reason = village_day(SPLIT_CITY, lambda: (1.11, 0.82))
    assert reason is not None and reason.code == "benign_primary"
    assert "per visit (a visit's split settlements counted as one) 0.82x the venue's other visits" in reason.text
    assert "1.11x the same visit type and diagnosis elsewhere (1.55x per settlement)" in reason.text
    zh = say(reason.code, reason.args, "zh")
    assert zh.startswith("疑为村级家庭医生签约随访日") and "分解结算合并为一次" in zh


@pytest.mark.parametrize(
    ("visits", "why"),
    [
        ((1.6, 0.9), "dear per visit against the same care elsewhere too"),
        ((1.1, 1.5), "dear per visit against the venue's other visits"),
        ((float("nan"), 0.9), "no baseline per visit"),
    ],
)
def test_dear_per_visit_is_not_a_village_day(visits: tuple[float, float], why: str) -> None:
    assert village_day(SPLIT_CITY, lambda: visits) is None, why


def test_the_visits_are_asked_only_when_a_cost_per_claim_fails() -> None:
    def never() -> tuple[float, float]:
        raise AssertionError("asked for visits though the cost per claim holds")

    assert village_day(FOLLOW_UP, never) is not None
    assert village_day(dataclasses.replace(SPLIT_CITY, session_cycle=14.0), never) is None  # no timetable first


# End to end: a township centre T01 (public) and a county hospital H01.  Everyone's ordinary visit there is a
# consultation (10 yuan) and the drugs (20 yuan) settled apart two minutes later: 30 yuan a visit, 15 a settlement.
# On the 5th of each month the centre's team sees its 20 signed elders, each visit settled whole at 33 yuan; at
# centre T02 another 20 villagers are billed the same way at 66 yuan (twice a visit's cost).  Both groups'
# members also come to their centre on their own.
MONTHS = 7


def _world(directory: Path) -> Path:
    elders = [f"E{i:02d}" for i in range(20)]
    dear = [f"K{i:02d}" for i in range(20)]
    locals_ = [f"L{i:02d}" for i in range(60)]
    rows: list[tuple] = []

    def split_visit(person: str, venue: str, doctor: str, day: str, hour: int, minute: int) -> None:
        rows.append((person, venue, doctor, f"{day} {hour:02d}:{minute:02d}:00", 10.0))
        rows.append((person, venue, doctor, f"{day} {hour:02d}:{minute + 2:02d}:00", 20.0))

    for m in range(MONTHS):
        day = f"2024-{m + 1:02d}-05"
        for i, elder in enumerate(elders):  # the family-doctor day: 3 minutes apart from 08:00, one settlement
            rows.append((elder, "T01", "D1", f"{day} 08:{3 * i:02d}:00", 33.0))
        for i, card in enumerate(dear):  # the dear day: the same timetable at twice a visit's cost
            rows.append((card, "T02", "D2", f"{day} 08:{3 * i:02d}:00", 66.0))
        for i, person in enumerate(elders[: 10 + m] + dear[: 10 + m]):  # each group's own care, split
            venue, doctor = ("T01", "D1") if person.startswith("E") else ("T02", "D2")
            split_visit(person, venue, doctor, f"2024-{m + 1:02d}-{12 + i % 14:02d}", 9 + i % 8, i % 50)
        for i, person in enumerate(locals_):  # the city's ordinary visits at the centres and the hospital, split
            venue, doctor = (("T01", "D1"), ("T02", "D2"), ("H01", "DH"))[i % 3]
            split_visit(person, venue, doctor, f"2024-{m + 1:02d}-{2 + i % 25:02d}", 8 + i % 9, i % 50)
    return write_clinic_world(
        directory,
        facilities="T01,community,1,public\nT02,community,1,public\nH01,hospital,2,public\n",
        doctors={"D1": "T01", "D2": "T02", "DH": "H01"},
        persons=elders + dear + locals_,
        claims=rows,
    )


def test_visits_settled_in_parts_are_counted_once(tmp_path: Path) -> None:
    facts = claim_facts(build_graph(read_claims_dir(_world(tmp_path / "town"))))
    visit, fund, per_cell, per_type, per_venue = settled_visits(facts)
    claims = len(visit)
    whole = 2 * 20 * MONTHS  # the two groups' days
    assert len(fund) == whole + (claims - whole) // 2  # every other visit is two settlements
    assert int(per_cell.sum()) == int(per_venue.sum()) == len(fund)
    assert float(fund.sum()) == pytest.approx(float(facts.graph.visits.column("fund").sum()))
    person = facts.graph.visits.column("person")
    ids = facts.graph.visits.persons.ids
    elders = np.flatnonzero(np.isin(np.asarray(ids)[person], [f"E{i:02d}" for i in range(20)]))
    day = elders[facts.graph.visits.column("fund")[elders] == 33.0]  # the elders' follow-ups
    venue = int(facts.graph.visits.column("venue")[day[0]])
    care, own = visit_cost(day, venue, facts)
    # the same care elsewhere holds the dear day's visits too (66 yuan): per settlement about twice as dear
    assert cost_contrast(day, facts)[0] > 1.5 > FOLLOW_UP_COST > care
    assert own == pytest.approx(33.0 / 30.0)  # the centre's other visits are 30 yuan each, in two settlements


def test_the_family_doctor_day_is_explained_and_the_dear_day_is_not(tmp_path: Path) -> None:
    result = run(read_claims_dir(_world(tmp_path / "town")))
    elders = {f"E{i:02d}" for i in range(20)}
    dear = {f"K{i:02d}" for i in range(20)}
    assert not [r for r in result.rings if len(ring_persons(r) & elders) >= 10]
    village = [r for r in result.explained if len(ring_persons(r) & elders) >= 15]
    assert village and village[0].benign is not None and "per visit" in village[0].benign.text
    ring = [r for r in result.rings if len(ring_persons(r) & dear) >= 15]
    assert ring and ring[0].benign is None
