"""Step 149: a hospital's admission runs (busloads, an ambulance fleet's evenings) beyond its own rate at the hour,
each patient admitted once or twice, are a candidate; a ward's ordinary mornings, its regulars, its own followed-up
patients' treatment batch, one night's casualties, a busy hospital's surge mornings whose readmissions come alone
(step 153) and a date-only export are not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import coadmit
from graphfraud.detect.outreach import admission_runs, followed_stays
from graphfraud.errors import ParamError
from graphfraud.params import CoadmitParams

DAY = 1440


def _stays(rows: list[tuple[int, int, int]]) -> pd.DataFrame:
    """Rows of (person, venue, minute) as admissions, one claim each."""
    frame = pd.DataFrame(rows, columns=["person", "venue", "minute"])
    frame["day"] = frame["minute"] // DAY
    frame["claim"] = np.arange(len(frame))
    return frame


def _ward(rng: np.random.Generator, venue: int, per_day: float, days: int, first: int) -> list:
    """A ward's ordinary admissions, about ``per_day`` a day, at any working hour, each patient once."""
    rows, who = [], first
    for day in range(days):
        for _ in range(rng.poisson(per_day)):
            rows.append((who, venue, day * DAY + int(rng.integers(8 * 60, 17 * 60))))
            who += 1
    return rows


def _runs(venue: int, first: int, days: list[int], size: int, at: int, gap: int = 5) -> list:
    """A run of ``size`` new persons on each of ``days`` from minute ``at`` of the day, ``gap`` minutes apart."""
    rows, who = [], first
    for d in days:
        rows += [(who + i, venue, d * DAY + at + gap * i) for i in range(size)]
        who += size
    return rows


def _found(rows: list, followed: np.ndarray | None = None, **kw: float) -> list[tuple[set[int], int]]:
    args = {"gap": 20, "min_run": 3, "min_runs": 3, "max_times": 2, "max_chance": 0.1} | kw
    found = admission_runs(_stays(rows), followed=followed, **args)  # type: ignore[arg-type]
    return [(set(p.tolist()), n) for p, _, n in found]


def test_a_fleets_evenings_are_found_and_the_ward_beside_them_is_not() -> None:
    rng = np.random.default_rng(1)
    ward = _ward(rng, 0, 1.0, 200, 10_000)
    fleet = _runs(0, 0, [3, 12, 20, 31, 40, 52], 4, at=19 * 60, gap=8)  # 4 herders every week or two at 19:00
    found = _found(ward + fleet)
    assert len(found) == 1
    riders, runs = found[0]
    assert 6 <= runs <= 7
    assert set(range(24)) <= riders  # the fleet's ...
    assert len(riders - set(range(24))) <= 4  # ... and at most one chance run of the ward's (day 89: 4 in 32 min)


def test_ordinary_mornings_are_within_the_hospitals_rate() -> None:
    rng = np.random.default_rng(2)
    # a big hospital admitting 12 a day, its mornings crowded: arrivals minutes apart at its own rate
    assert _found(_ward(rng, 0, 12.0, 120, 0)) == []


def test_a_surge_on_one_day_is_no_scheme() -> None:
    rng = np.random.default_rng(4)
    # one night's gas-poisoning casualties: three runs, all on one night
    night = [(50_000 + i, 0, 40 * DAY + 60 + 90 * (i // 5) + 3 * (i % 5)) for i in range(15)]
    assert _found(_ward(rng, 0, 1.0, 100, 0) + night) == []


def test_the_regulars_of_a_ward_are_no_bus() -> None:
    # the same 8 patients admitted together again and again (co-admission's to judge, not a bus's passengers)
    rows = [(p, 0, d * DAY + 9 * 60 + 4 * p) for d in range(0, 120, 15) for p in range(8)]
    assert _found(rows) == []
    assert _found(rows, max_times=10) != []  # the once-or-twice test is what sets them apart


def test_a_wards_batch_of_its_own_followed_up_patients_is_no_bus() -> None:
    rng = np.random.default_rng(6)
    ward = _ward(rng, 0, 1.0, 200, 10_000)
    batches = _runs(0, 0, [20, 80, 150], 12, at=9 * 60)
    rows = ward + batches
    stays = _stays(rows)
    # the batch's patients come to the hospital's monthly clinic: outpatient days well before their admission
    clinic = pd.DataFrame({"person": np.repeat(np.arange(36), 3), "venue": 0, "day": np.tile([1, 33, 65], 36)})
    followed = followed_stays(stays, clinic)
    assert followed[stays["person"].to_numpy() < 36].all()
    assert not followed[stays["person"].to_numpy() >= 36].any()
    assert _found(rows, followed=followed) == []
    assert len(_found(rows)) == 1  # strangers on the same mornings would be a bus
    assert len(_found(rows, followed=followed, max_followed=1.0)) == 1


def test_villages_that_come_once_each_bring_nobody_back() -> None:
    rng = np.random.default_rng(10)
    ward = _ward(rng, 0, 1.0, 200, 10_000)
    # a season's 藏医药浴: one village's car a day, each villager admitted once
    season = _runs(0, 0, [30, 33, 37, 41, 44, 150, 155], 6, at=11 * 60)
    assert len(_found(ward + season)) == 1
    assert _found(ward + season, min_again=0.1) == []
    # a campaign's second eye: a fifth of its patients admitted again in a later run
    second = [(p, 0, (60 + p) * DAY + 9 * 60) for p in range(0, 42, 5)]
    found = _found(ward + season + second, min_again=0.1)
    assert len(found) == 1 and set(range(42)) <= found[0][0]


def test_a_busy_hospitals_surge_mornings_are_no_runs_for_their_readmissions_come_alone() -> None:
    # step 153 (the 10M-claim world's false rings of step 149): a hospital of 12 admissions a day whose six busiest
    # days bring 45 more from 08:00, minutes apart: runs beyond its yearly rate at the hour; a fifth of them
    # readmitted weeks later, each alone at any hour
    rng = np.random.default_rng(3)
    ward = _ward(rng, 0, 12.0, 250, 100_000)
    surge, who = [], 200_000
    for day in [10, 55, 100, 145, 190, 235]:
        for _ in range(45):
            surge.append((who, 0, day * DAY + 8 * 60 + int(rng.integers(0, 180))))
            who += 1
    back = [(p, 0, (m // DAY + int(rng.integers(30, 90))) * DAY + int(rng.integers(8 * 60, 17 * 60)))
            for p, _, m in surge[::5]]  # fmt: skip
    rows = ward + surge + back
    assert [n for _, n in _found(rows, min_again=0.1)] == [6]  # without the test: six runs, ~290 persons
    assert _found(rows, min_again=0.1, min_rejoin=0.03) == []


def test_a_campaign_brings_its_riders_back_together() -> None:
    rng = np.random.default_rng(3)
    ward = _ward(rng, 0, 1.0, 250, 100_000)
    campaign = _runs(0, 0, [30, 60, 90, 120, 160], 8, at=9 * 60 + 30, gap=3)
    # a third of them back two weeks on for the second eye, three at a time in the afternoon ...
    together = [(p, 0, (m // DAY + 14) * DAY + 14 * 60 + 4 * (i % 3)) for i, (p, _, m) in enumerate(campaign)
                if i % 3 == 0]  # fmt: skip
    # ... or each alone on a day of his own
    alone = [(p, 0, (m // DAY + 14 + i % 5) * DAY + 14 * 60) for i, (p, _, m) in enumerate(campaign) if i % 3 == 0]
    found = _found(ward + campaign + together, min_again=0.1, min_rejoin=0.03)
    assert len(found) == 1 and set(range(40)) <= found[0][0]
    assert len(_found(ward + campaign + alone, min_again=0.1)) == 1
    assert _found(ward + campaign + alone, min_again=0.1, min_rejoin=0.03) == []


def test_a_date_only_export_has_no_runs() -> None:
    rows = [(p, v, d // DAY * DAY) for p, v, d in _runs(0, 0, [3, 12, 20, 31], 10, at=9 * 60)]
    assert _found(rows) == []


def test_times_stamped_at_one_clock_time_are_no_arrivals() -> None:
    # every admission of the facility stamped 09:00 (a default hour): a busy day is no run of arrivals
    rng = np.random.default_rng(12)
    ward = [(p, 0, m // DAY * DAY + 9 * 60) for p, _, m in _ward(rng, 0, 1.0, 150, 10_000)]
    bus = [(p, 0, d // DAY * DAY + 9 * 60) for p, _, d in _runs(0, 0, [5, 25, 45, 65], 8, at=9 * 60)]
    assert _found(ward + bus) == []


def test_fewer_runs_than_asked_are_no_scheme() -> None:
    rng = np.random.default_rng(7)
    rows = _ward(rng, 0, 1.0, 100, 10_000) + _runs(0, 0, [10, 40], 8, at=19 * 60)
    assert _found(rows) == []
    assert [n for _, n in _found(rows, min_runs=2)] == [2]


def test_deterministic_and_sorted() -> None:
    rng = np.random.default_rng(8)
    rows = _ward(rng, 0, 1.0, 150, 10_000) + _runs(0, 0, [5, 25, 45, 65], 6, at=8 * 60 + 30)
    rows = [rows[i] for i in np.random.default_rng(9).permutation(len(rows))]
    a = admission_runs(_stays(rows), gap=20, min_run=3, min_runs=3, max_times=2, max_chance=0.1)
    b = admission_runs(_stays(rows), gap=20, min_run=3, min_runs=3, max_times=2, max_chance=0.1)
    assert len(a) == 1
    assert all((x == y).all() for (pa, ca, _), (pb, cb, _) in zip(a, b) for x, y in ((pa, pb), (ca, cb)))
    assert (np.diff(a[0][0]) > 0).all() and (np.diff(a[0][1]) > 0).all()


@pytest.mark.parametrize(
    "field, value",
    [
        ("run_gap", -1),
        ("run_persons", 1),
        ("run_count", 1),
        ("run_times", 0),
        ("run_followed", 1.5),
        ("run_again", -0.1),
        ("run_rejoin", 1.5),
    ],
)
def test_bad_params_are_refused(field: str, value: float) -> None:
    with pytest.raises(ParamError, match=field):
        CoadmitParams(**{field: value})


def test_the_detector_reports_the_runs_as_induced_admissions() -> None:
    from graphfraud.graph.build import build_graph
    from graphfraud.io.read import ClaimsData  # noqa: F401 (the toy world's type)
    from graphfraud.synth import toy

    tables = toy.staged_clinic()[0]
    assert coadmit.NAME == "coadmit"
    graph = build_graph(tables)
    # no timed stays in the staged clinic's toy world: the runs add nothing to what co-admission finds
    base = coadmit.detect(graph, CoadmitParams(run_gap=0))
    runs = coadmit.detect(graph, CoadmitParams())  # on by default since step 153
    assert CoadmitParams().run_gap == 20 and CoadmitParams().run_rejoin == 0.03
    assert [c.persons.tolist() for c in base] == [c.persons.tolist() for c in runs]
