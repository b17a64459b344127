"""Detection end to end on small synthetic worlds: one typology or benign kind planted at a time (issue 3)."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import DETECTORS, coadmit
from graphfraud.detect.candidate import Candidate
from graphfraud.errors import ParamError
from graphfraud.analyses.evaluate import evaluate
from graphfraud.graph.build import build_graph
from graphfraud.params import RunParams, SignalParams, from_json, to_dict
from graphfraud.pipeline import run
from graphfraud.score.rings import members_table, money_factor, rings_table
from graphfraud.synth.world import BENIGN_KINDS, FRAUD_KINDS, SynthParams, make_world

from .worlds import batch_world, menu_world, mutual_world

_WORLDS: dict = {}


def world(*plant, date_only=False, seed=11, persons=3000):
    key = (plant, date_only, seed, persons)
    if key not in _WORLDS:
        data, labels = make_world(SynthParams(persons=persons, plant=plant, seed=seed, date_only=date_only))
        if date_only:
            data = dataclasses.replace(data, time_resolution="day")
        _WORLDS[key] = (data, labels.astype(str))
    return _WORLDS[key]


def _eval(rings, labels, top=3):
    return evaluate(rings_table(rings), members_table(rings), labels, top=top)


@pytest.mark.parametrize("kind", FRAUD_KINDS)
def test_each_planted_typology_is_the_top_ring_with_the_right_typology(kind):
    data, labels = world(kind)
    result = run(data)
    e = _eval(result.rings, labels, top=1)
    assert e.found == e.planted == 1, e.matches
    assert e.typology_right == 1
    assert result.rings[0].alert in ("red", "orange")
    assert e.member_f1 >= 0.9


@pytest.mark.parametrize("kind", BENIGN_KINDS)
def test_benign_dense_groups_are_not_reported_as_rings(kind):
    data, labels = world(kind)
    result = run(data)
    assert _eval(result.rings, labels, top=len(result.rings) or 1).benign_in_top == 0
    # Groups that did get a benign explanation say why, in explained.csv.
    for r in result.explained:
        assert r.benign is not None and r.reasons[0].code.startswith("benign_")
        assert r.alert == "yellow"


def test_dialysis_cohort_is_explained_as_chronic_care():
    data, labels = world("dialysis")
    explained = run(data).explained
    e = _eval(explained, labels, top=10)
    assert e.benign_in_top == 1
    assert any(r.benign.code == "benign_chronic" for r in explained)


def test_reasons_carry_checkable_numbers():
    data, _ = world("staged_clinic")
    ring = run(data).rings[0]
    codes = {r.code for r in ring.reasons}
    assert {"lockstep", "cost_ratio", "arrival_gap"} <= codes
    lockstep = next(r for r in ring.reasons if r.code == "lockstep")
    assert f"{ring.features.regulars} of {ring.features.persons} persons" in lockstep.text
    # The score is the sum of the reasons' points (capped at 100), weighted by the money at stake.
    expected = min(100.0, sum(r.points for r in ring.reasons)) * money_factor(ring.fund_amount)
    assert ring.score == pytest.approx(expected, abs=0.01)


def test_day_resolution_switches_minute_signals_off_and_still_finds_rings():
    data, labels = world(*FRAUD_KINDS, date_only=True)
    result = run(data)
    assert result.time_resolution == "day"
    e = _eval(result.rings, labels, top=10)
    assert e.found == e.planted == len(FRAUD_KINDS)
    codes = {r.code for ring in result.rings for r in ring.reasons}
    assert "arrival_gap" not in codes and "off_hours" not in codes


def test_same_input_and_parameters_give_identical_rings():
    data, _ = world(*FRAUD_KINDS, *BENIGN_KINDS)
    a, b = run(data), run(data)
    pd.testing.assert_frame_equal(rings_table(a.rings), rings_table(b.rings))
    pd.testing.assert_frame_equal(members_table(a.rings), members_table(b.rings))


def test_ring_ids_do_not_depend_on_row_order():
    data, _ = world("staged_clinic", "card_collector")
    shuffled = dataclasses.replace(data, claims=data.claims.sample(frac=1.0, random_state=1).reset_index(drop=True))
    a, b = run(data), run(shuffled)
    assert [r.ring_id for r in a.rings] == [r.ring_id for r in b.rings]


def _sparse_collector(data, labels):
    """``data`` with the card collector's swipes billed at ten times their amount: synth's collector
    bills ordinary sums, and detect.cardload looks for the collector who bills each card for far more."""
    cards = labels.loc[labels["typology"].eq("card_collector") & labels["entity_type"].eq("person"), "entity_id"]
    claims = data.claims.copy()
    mine = claims["patient_id"].isin(set(cards)) & claims["pharmacy_id"].notna()
    claims.loc[mine, "total_amount"] = claims.loc[mine, "total_amount"] * 10
    return dataclasses.replace(data, claims=claims)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_detector_contract(name):
    """Every detector returns Candidates, is deterministic, and leaves the benign world alone."""
    module, field = DETECTORS[name]
    params = getattr(RunParams(), field)
    fraud = build_graph(_sparse_collector(*world(*FRAUD_KINDS)) if name == "cardload" else world(*FRAUD_KINDS)[0])
    if name == "cardmenu":  # synth's collectors bill the catalogue's boxes, no basket of their own: a toy chain's menu
        fraud = build_graph(menu_world())
    if name == "mutual":  # no generator of synth's pays for strangers: a toy shop's holders (家庭共济套现)
        fraud = build_graph(mutual_world())
    if name == "cardbatch":  # synth's collectors are seen meeting; a toy holder's pool swiped in handfuls (成批刷卡)
        fraud = build_graph(batch_world())
    first = module.detect(fraud, params, seed=3)
    second = module.detect(fraud, params, seed=3)
    assert first and all(isinstance(c, Candidate) for c in first)
    assert [c.persons.tolist() for c in first] == [c.persons.tolist() for c in second]
    assert all(np.all(np.diff(c.claims) > 0) for c in first)
    benign_data, _ = world(*BENIGN_KINDS)
    benign_rings = run(benign_data).rings
    assert all(r.detector != name or r.alert == "yellow" for r in benign_rings)


@pytest.mark.parametrize(
    "field,bad",
    [
        ("covisit", {"min_days": 0}),
        ("coadmit", {"resolution": 0}),
        ("steering", {"min_share": 1.5}),
        ("steering", {"team_overlap": 0.0}),
        ("score", {"red": 10.0}),
    ],
)
def test_bad_detector_parameters_are_param_errors(field, bad):
    cls = type(getattr(RunParams(), field))
    with pytest.raises(ParamError, match=f"The '{next(iter(bad))}' parameter of {cls.__name__} must be"):
        cls(**bad)


def test_split_days_is_one_parameter_recorded_once_and_an_old_coadmit_one_says_where_it_went():
    # split stays (分解住院) are one concept: SignalParams.split_days, read by the split_admission signal and by
    # the co-admission detector; run.json's parameters hold it once
    recorded = to_dict(RunParams())
    assert recorded["signals"]["split_days"] == 3 and "split_days" not in recorded["coadmit"]
    assert recorded["steering"]["team_overlap"] == 0.5  # a detection parameter, recorded with the others
    assert from_json(RunParams, '{"signals": {"split_days": 5}}').signals.split_days == 5
    with pytest.raises(ParamError, match=r"'split_days' parameter of CoadmitParams is now 'signals.split_days'"):
        from_json(RunParams, '{"coadmit": {"split_days": 5}}')


def test_the_pipeline_gives_coadmit_the_signals_split_days(monkeypatch):
    seen = []
    real = coadmit.repeat_stays
    monkeypatch.setattr(coadmit, "repeat_stays", lambda *a, **k: seen.append(k["split_days"]) or real(*a, **k))
    data, _ = world("induced_admission")
    run(data, RunParams(signals=SignalParams(split_days=6)))
    assert seen == [6]


_STAYS = """claim_id,patient_id,facility_id,doctor_id,visit_type,start_time,end_time,total_amount,fund_amount
c1,p1,H1,D1,inpatient,2024-05-01 15:17:00,2024-05-13 10:02:00,2606.28,1814.54
c2,p2,H1,D1,inpatient,2024-05-07 16:51:00,2024-05-13 10:00:00,1805.62,1290.85
c3,p3,H1,D1,inpatient,2024-05-09 16:54:00,2024-05-13 09:40:00,1433.40,1052.62
c4,p4,H1,D1,inpatient,2024-07-26 11:05:00,2024-08-01 11:49:00,1763.04,1387.08
c5,p5,H1,D1,inpatient,2024-07-26 13:50:00,2024-07-30 11:01:00,562.72,389.72
c6,p6,H1,D1,inpatient,2024-07-26 15:39:00,2024-08-06 09:53:00,2260.47,1894.20
c7,p1,H1,D1,inpatient,2024-11-28 09:51:00,2024-12-03 10:37:00,573.14,475.31
c8,p7,H1,D1,inpatient,2024-11-28 10:21:00,2024-12-03 10:30:00,1511.05,1350.74
c9,p4,H1,D1,inpatient,2024-11-28 12:53:00,2024-12-03 09:52:00,594.18,495.58
"""


def test_admission_days_whose_groups_hold_no_regular_give_no_ring(tmp_path):
    # Nine genuine stays cut down from an independently generated world (benchmarks/otherworld): the
    # admission and discharge days are linked, but nobody is at min_events of one group's days. This
    # crashed coadmit with an IndexError; it must simply find nothing.
    from graphfraud.io.read import read_claims_dir

    (tmp_path / "claims.csv").write_text(_STAYS, encoding="utf-8")
    persons = "person_id\n" + "".join(f"p{i}\n" for i in range(1, 8))
    (tmp_path / "persons.csv").write_text(persons, encoding="utf-8")
    (tmp_path / "facilities.csv").write_text("facility_id,kind\nH1,hospital\n", encoding="utf-8")
    (tmp_path / "doctors.csv").write_text("doctor_id,facility_id\nD1,H1\n", encoding="utf-8")
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    result = run(read_claims_dir(tmp_path), RunParams())
    assert result.rings == []
