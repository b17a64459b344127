"""Phantom stays with staggered dates (挂床, detect/beds.py): a township centre whose villagers are each admitted
again and again at dates of their own is found against its peers, with or without discharge times; a hospital's
ordinary split stays (分解住院 of one institution) and elderly patients readmitted once are not a ring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import beds
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import BedsParams, RunParams
from graphfraud.pipeline import run

from .worlds import CENTRES, beds_county


@pytest.mark.parametrize("discharge", [True, False])
def test_a_township_centres_staggered_repeat_stays_are_found_against_its_peers(tmp_path: Path, discharge: bool):
    directory, ring = beds_county(tmp_path, beds_ring=True, busy_hospital=False, discharge=discharge)
    data = read_claims_dir(directory)
    graph = build_graph(data)
    found = beds.detect(graph, BedsParams())
    # one candidate, at C0, holding every villager and C0's 4 elderly readmitted once, not its split stays
    assert [str(graph.visits.venues.ids[c.evidence["venue"]]) for c in found] == ["C0"]
    persons = set(graph.visits.persons.ids[found[0].persons].astype(str))
    assert persons >= ring and len(persons - ring) <= 4
    assert found[0].evidence["repeat_ratio"] >= 3 and found[0].evidence["peers"] == CENTRES - 1

    result = run(data, RunParams())
    best = max(result.rings, key=lambda r: len({m.entity_id for m in r.members} & ring))
    assert best.typology == "induced_admission" and best.detector == "beds"
    assert len({m.entity_id for m in best.members} & ring) == len(ring)
    reason = next(r for r in best.reasons if r.code == "repeat_stays")
    assert reason.points > 0 and "C0" in reason.text and "community level 1" in reason.text
    # never admitted together: no "admitted together on group admission days" reason
    assert not any(r.code == "co_admission" for r in best.reasons)


@pytest.mark.parametrize("discharge", [True, False])
def test_a_hospitals_split_stays_and_elderly_readmissions_are_no_ring(tmp_path: Path, discharge: bool):
    directory, _ = beds_county(tmp_path, beds_ring=False, busy_hospital=True, discharge=discharge)
    data = read_claims_dir(directory)
    graph = build_graph(data)
    assert beds.detect(graph, BedsParams()) == []
    if discharge:  # compared on patients admitted twice, H0 would stand out: the rule is "again and again"
        twice = beds.detect(graph, BedsParams(min_admissions=2))
        assert [str(graph.visits.venues.ids[c.evidence["venue"]]) for c in twice] == ["H0"]
    assert not any(r.detector == "beds" for r in run(data, RunParams()).rings)


def test_a_split_stay_is_one_admission():
    stays = pd.DataFrame({"person": [1, 1, 1, 1], "venue": [0, 0, 0, 0], "day": [0, 8, 60, 90],
                          "end_day": [7, 12, 70, 95]})  # fmt: skip
    assert beds.admissions(stays, split_days=3, open_days=30).tolist() == [True, False, True, True]
    assert beds.admissions(stays, split_days=0, open_days=30).tolist() == [True, True, True, True]
    # without discharge times, a stay within a month of the previous start is the same admission
    dateless = stays.assign(end_day=-1)
    assert beds.admissions(dateless, split_days=3, open_days=30).tolist() == [True, False, True, False]


def test_a_stay_settled_monthly_without_discharges_is_one_admission():
    """Step 89: a 家庭病床 elder's monthly parts (first on the 14th, then on the first of each month) in an export
    without end times: one admission, where counting from each start made it three (31-day months)."""
    start = np.datetime64("2024-06-14")
    firsts = [np.datetime64(m) for m in ("2024-07-01", "2024-08-01", "2024-09-01", "2024-10-01")]
    day = np.array([(d - np.datetime64("2000-01-01")).astype(int) for d in [start, *firsts]])
    stays = pd.DataFrame({"person": 1, "venue": 0, "day": day, "end_day": -1})
    assert beds.admissions(stays, split_days=3, open_days=30).sum() == 3  # without the minute: as before
    settled = stays.assign(minute=day * 1440)
    assert beds.admissions(settled, split_days=3, open_days=30).tolist() == [True, False, False, False, False]
    # step 93: the parts opened in the working day on the first of four months in a row are still a settlement
    # (the ward's billing runs at 08:00); one such cut alone, 31 days on, is an admission
    arrived = settled.assign(minute=settled["minute"] + np.array([600, 480, 480, 480, 480]))
    assert beds.admissions(arrived, split_days=3, open_days=30).tolist() == [True, False, False, False, False]
    once = arrived.iloc[[1, 2]]
    assert beds.admissions(once, split_days=3, open_days=30).tolist() == [True, True]
    # step 93 with mixed hours: the parts on the first at 00:00 and 09:00 between monthly parts are its settlement
    arrived2 = settled.assign(minute=settled["minute"] + np.array([600, 0, 540, 0, 0]))
    assert beds.admissions(arrived2, split_days=3, open_days=30).tolist() == [True, False, False, False, False]
    # one first in the working day after a stay opened the month before, no run of firsts: an admission
    june = (np.datetime64("2024-06-01") - np.datetime64("2000-01-01")).astype(int)
    july = (np.datetime64("2024-07-01") - np.datetime64("2000-01-01")).astype(int)
    once2 = pd.DataFrame({"person": 1, "venue": 0, "day": [june, july], "end_day": -1})
    once2 = once2.assign(minute=once2["day"] * 1440 + np.array([600, 540]))
    assert beds.admissions(once2, split_days=3, open_days=20).tolist() == [True, True]


def test_dialysis_sessions_coded_as_stays_are_one_admission():
    """Three sessions a week, each a one-day "stay" (some regions code dialysis as inpatient): one admission."""
    days = np.array([d for week in range(20) for d in (7 * week, 7 * week + 2, 7 * week + 4)])
    sessions = pd.DataFrame({"person": 1, "venue": 0, "day": days, "end_day": days})
    assert beds.admissions(sessions, split_days=3, open_days=30).sum() == 1
    assert beds.admissions(sessions.assign(end_day=-1), split_days=3, open_days=30).sum() == 1


def _centres(repeaters: list[int], inpatients: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rates = pd.DataFrame({"inpatients": inpatients, "repeaters": repeaters, "stays": inpatients})
    groups = pd.DataFrame({"exact": "community level 1", "kind": "community, any level"}, index=rates.index)
    return rates, groups


def test_small_peers_with_no_repeat_patient_are_a_low_rate_not_the_smoothing():
    """Thirdworld 20's 挂床 centre: 6 of its 42 inpatients admitted three times or more, nine peer centres of
    21-38 inpatients with none.  Each peer's own smoothed share is 2.5-4.3% (one in two more), so their median
    was 4.0% and the centre stood at 3.6x with a tail of 0.087 over the 10 tested; pooled, 254 inpatients with
    none are 0.4%, and the centre stands out."""
    peers = [38, 33, 26, 22, 23, 27, 23, 21, 21]
    rates, groups = _centres([6] + [0] * 9, [42] + peers)
    found = beds.standouts(rates, groups, BedsParams())
    assert found.index.tolist() == [0]
    assert found["peer_rate"].iat[0] == pytest.approx(1 / (sum(peers) + 2))


def test_one_other_centre_with_a_scheme_does_not_raise_the_peers_rate():
    """The peer with the highest share is left out of the pool: two 挂床 centres among ordinary ones both stand
    out, each against the ordinary peers alone."""
    rates, groups = _centres([12, 10, 1, 0, 1, 0, 0], [60, 50, 120, 90, 110, 80, 100])
    found = beds.standouts(rates, groups, BedsParams())
    assert found.index.tolist() == [0, 1]
    assert found["peer_rate"].tolist() == pytest.approx([3 / 502, 3 / 502])  # each without the other
    assert beds.peer_share(np.array([40, 38]), np.array([30, 0])) == pytest.approx(1 / 40)


def test_ordinary_readmissions_at_the_peers_rate_do_not_stand_out():
    """Elderly readmissions at a few percent everywhere: a centre at twice its pooled peers is no standout."""
    rates, groups = _centres([6, 3, 4, 2, 3, 5, 3], [100, 110, 120, 90, 100, 130, 95])
    assert beds.standouts(rates, groups, BedsParams()).empty


def test_a_patient_admitted_twice_is_a_member_when_his_stays_cost_as_the_schemes_do():
    """Thirdworld 12's ghost centre: its repeat patients' admissions cost 1,638 yuan (median); of its patients
    admitted twice, the scheme's cost 1,081-2,000 an admission, the centre's ordinary readmissions 420-921 (here
    420 and 700).  Only the former are members; ``member_cost`` 0 keeps every patient admitted twice (the rule before)."""
    rows = []
    for person, each in enumerate([1500.0, 1638.0, 1700.0]):  # repeat patients, three admissions each
        rows += [(person, day * 60, each) for day in range(3)]
    twice = {10: 1081.0, 11: 2000.0, 12: 420.0, 13: 700.0}
    rows += [(person, day * 90, each) for person, each in twice.items() for day in range(2)]
    rows += [(20, 5, 5000.0), (21, 9, 300.0)]  # admitted once: never members
    stays = pd.DataFrame(rows, columns=["person", "day", "cost"]).assign(venue=7, end_day=lambda s: s["day"] + 6)
    opens = beds.admissions(stays, split_days=3, open_days=30)
    per = stays.assign(opens=opens).groupby("person")["opens"].transform("sum").to_numpy()
    cost = stays["cost"].to_numpy()

    def held(params: BedsParams) -> list[int]:
        return sorted(set(stays["person"][beds.members(stays, per, cost, 7, params)]))

    assert held(BedsParams()) == [0, 1, 2, 10, 11]  # 700 < 0.5 x 1,638 <= 1,081
    assert held(BedsParams(member_cost=0)) == [0, 1, 2, 10, 11, 12, 13]
    assert held(BedsParams(member_cost=1)) == [0, 1, 2, 11]
    # a split stay (分解住院) is one admission: its halves' cost adds up (420 + 1,000 and 420: 920 an admission)
    split = pd.concat([stays, pd.DataFrame({"person": [12], "day": [98], "cost": [1000.0], "venue": 7,
                                            "end_day": [104]})], ignore_index=True)  # fmt: skip
    opens = beds.admissions(split, split_days=3, open_days=30)
    per = split.assign(opens=opens).groupby("person")["opens"].transform("sum").to_numpy()
    assert 12 in set(split["person"][beds.members(split, per, split["cost"].to_numpy(), 7, BedsParams())])


def test_a_busy_hospitals_few_repeat_patients_are_a_sliver_not_a_scheme():
    """Synth ``--vary`` 131: a level-3 hospital, 9 of its 599 inpatients admitted three times or more, against 2
    of its 5 peers' 1,748 (0.13% pooled): 11x, tail 1.7e-7.  Their stays cost 30,686 yuan of the 2.67 million it
    billed (1.15%), under ``min_share``; a 挂床 centre's are 5-99% of its billing and it stands out as before."""
    rates = pd.DataFrame({"inpatients": [599, 235, 248, 312, 425, 528], "repeaters": [9, 0, 1, 0, 1, 0],
                          "stays": [675, 242, 269, 333, 465, 570]})  # fmt: skip
    groups = pd.DataFrame({"exact": "? level 3", "kind": "?, any level"}, index=rates.index)
    assert beds.standouts(rates, groups, BedsParams()).index.tolist() == [0]  # without costs: the count alone
    costed = rates.assign(
        repeat_amount=[30_686.0, 0, 900, 0, 1_100, 0], billed=[2_668_246.0, 9e5, 1e6, 1.2e6, 1.8e6, 2.2e6]
    )
    assert beds.standouts(costed, groups, BedsParams()).empty
    found = beds.standouts(costed, groups, BedsParams(min_share=0.01))
    assert found.index.tolist() == [0] and found["share"].iat[0] == pytest.approx(0.0115, abs=1e-4)
    centre = costed.assign(repeat_amount=[0.055 * 2_668_246.0, 0, 900, 0, 1_100, 0])  # a free-bus hospital's 5.5%
    assert beds.standouts(centre, groups, BedsParams()).index.tolist() == [0]
