"""Step 100 (graphfraud.graph.kinds): a facility's kind read from its own claims when the export has no kinds."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd

from detect.worlds import KEPT, MIGRANTS, SIGNED, kept_world
from graphfraud.contract import ClaimsData
from graphfraud.graph.build import build_graph
from graphfraud.graph.kinds import MIN_CLAIMS, infer_kinds, inferred_kinds, kinds_of
from graphfraud.pipeline import run, run_record
from graphfraud.score.wording import say


def _without_kinds(data: ClaimsData) -> ClaimsData:
    """The export without the facilities' kind, level and ownership (as round 18's ablation drops them)."""
    f = data.facilities.assign(kind=pd.NA, level=pd.NA, ownership=pd.NA).astype(data.facilities.dtypes.to_dict())
    return dataclasses.replace(data, facilities=f, links={})


def _stats(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"claims": [1000] * n, "stays": [0] * n, "beds": [0] * n, "chronic": [0] * n, "doctors": [2] * n,
            "price": [1.0] * n, "clock": [False] * n}  # fmt: skip
    return pd.DataFrame(base | columns)


def test_the_kinds_a_venues_claims_show() -> None:
    s = _stats(
        stays=[0, 0, 30, 600, 0, 0, 0, 0, 0],
        beds=[0, 0, 4, 40, 0, 0, 0, 0, 0],
        chronic=[0, 0, 900, 0, 0, 0, 0, 0, 0],
        doctors=[1, 3, 8, 60, 40, 2, 6, 0, 10],
        price=[1.0, 1.1, 1.0, 1.8, 1.1, 9.0, 1.0, 1.0, 1.0],
        clock=[False] * 8 + [True],
        claims=[1000] * 8 + [MIN_CLAIMS],
    )
    assert kinds_of(s).tolist() == [
        "clinic",  # a village clinic: outpatients only, one doctor
        "clinic",
        "community",  # a township centre: a few stays, chronic visits
        "hospital",  # beds
        "hospital",  # forty doctors, no stays (a TCM or children's hospital's outpatients)
        "specialty",  # an imaging centre: nine times the typical claim
        "community",  # six doctors, no stays: primary care, not tested as a clinic
        "",  # no doctor named: a hospital or specialty by its stays, hours and prices, or unknown
        "hospital",  # open around the clock, admitting nobody: an internet hospital
    ]
    assert kinds_of(_stats(claims=[MIN_CLAIMS - 1])).tolist() == [""]  # too few claims: unknown


def test_a_stays_share_makes_a_hospital_of_a_small_private_one() -> None:
    s = _stats(claims=[400, 4000], stays=[80, 60], beds=[6, 5], doctors=[6, 8], chronic=[0, 900])
    assert kinds_of(s).tolist() == ["hospital", "community"]


def test_nothing_is_inferred_when_the_export_has_kinds() -> None:
    graph = build_graph(kept_world(evening=True, deaths=False))
    same, record = infer_kinds(graph)
    assert same is graph and record == {} and inferred_kinds(same) is None


def test_the_kept_world_without_kinds_reads_its_village_clinics() -> None:
    """Its eight village clinics are clinics by their claims; its centre (one doctor, no stays in this small
    world) reads as one too, and its city hospital, with a handful of claims here, stays unknown."""
    data = kept_world(evening=True, deaths=False)
    graph, record = infer_kinds(build_graph(_without_kinds(data)))
    got = graph.data.facilities.set_index("facility_id")["kind"].astype(object)
    assert (got[[f"V{i}" for i in range(8)]] == "clinic").all() and pd.isna(got["X0"]), got
    assert graph.data.facilities["ownership"].isna().all(), "ownership is never inferred"
    assert graph.data.facilities["level"].isna().all(), "nor is the level"
    kinds = record["facilities.kind"]
    assert isinstance(kinds, dict) and sum(kinds["facilities"].values()) + kinds["unknown"] == len(got)
    assert "推断" in kinds["how"]
    per_code = inferred_kinds(graph)
    assert per_code is not None and set(np.unique(per_code)) <= {"", "clinic", "community", "hospital"}


def test_end_to_end_without_kinds_the_reasons_say_the_kind_is_inferred() -> None:
    """The kept cards are still a ring and the family-doctor day still care, each saying the kind was read from
    the venue's claims (Chinese first: explained_reasons.csv and the reports speak Chinese); run.json says so."""
    full = run(kept_world(evening=True, deaths=False))
    result = run(_without_kinds(kept_world(evening=True, deaths=False)))

    def persons(ring):  # type: ignore[no-untyped-def]
        return {m.entity_id for m in ring.members if m.entity_type == "person"}

    kept = [r for r in result.rings if len(persons(r) & set(KEPT + MIGRANTS)) >= 10]
    assert kept and kept[0].typology == "staged_clinic"
    reason = next(x for x in kept[0].reasons if x.code == "kept_cards")
    assert "is inferred from its own claims" in reason.text and "诊所/卫生室 (clinic)" in reason.text
    assert "按其自身结算推断为 诊所/卫生室 (clinic)" in say(reason.code, reason.args, "zh")
    day = [r for r in result.explained if len(persons(r) & set(SIGNED)) >= len(SIGNED) / 2]
    assert day and day[0].benign is not None and day[0].benign.code == "benign_primary"
    assert "inferred from its own claims" in day[0].benign.text
    assert [len(persons(r)) for r in full.rings] == [len(persons(r)) for r in result.rings]
    record = json.loads(json.dumps(run_record(result, inputs={})))
    assert record["inferred"]["facilities.kind"]["facilities"]["clinic"] >= 3
    assert "step 100" in record["signals_reduced"]["benign_primary"]
    assert "inferred" not in run_record(full, inputs={})
    assert "benign_primary" not in run_record(full, inputs={})["signals_reduced"]


def test_a_clinic_test_reads_unknown_kinds_as_not_clinics() -> None:
    """Kinds inferred for some facilities only (too few claims for the others): the unknown ones are no clinics."""
    from graphfraud.detect.steering import clinics

    graph, _ = infer_kinds(build_graph(_without_kinds(kept_world(evening=True, deaths=False))))
    assert graph.data.facilities["kind"].isna().any()
    found = clinics(graph)
    assert found is not None
    ids = graph.visits.venues.ids
    assert {str(ids[i]) for i in np.flatnonzero(found)} >= {f"V{i}" for i in range(8)}
    assert not found[list(ids).index("X0")]


def test_a_chronic_cohort_at_a_venue_of_unknown_ownership_is_not_said_to_be_at_a_public_one() -> None:
    """Unknown ownership is neither public nor private: the cohort is explained as before (not recorded as
    private), and its reason says the ownership was not exported instead of calling the venue public."""
    from score.test_primary_care import VILLAGE_DAY

    from graphfraud.score.reasons import benign_explanation

    cohort = dataclasses.replace(
        VILLAGE_DAY, chronic_share=0.95, top_diagnosis="N18", top_diagnosis_share=0.95, private_venue=False,
        primary_venue=False, cost_ratio=1.0,
    )  # fmt: skip
    public = benign_explanation(dataclasses.replace(cohort, public_venue=1.0))
    unknown = benign_explanation(dataclasses.replace(cohort, public_venue=float("nan")))
    assert public is not None and unknown is not None and public.code == unknown.code == "benign_chronic"
    assert "at a public institution" in public.text and "public institution" not in unknown.text
    assert "not recorded as private (ownership 未导出/not exported)" in unknown.text
    zh = say(unknown.code, unknown.args, "zh")
    assert zh.startswith("疑为慢性病治疗队列（机构未登记为民营，所有制未导出/not exported）") and "公立" not in zh


def test_without_doctors_a_venue_is_a_hospital_a_specialty_or_unknown() -> None:
    """A county hospital with a few stays a night and no doctor named is not read as a township centre."""
    s = _stats(doctors=[0, 0, 0, 0], stays=[30, 0, 0, 90], beds=[12, 0, 0, 30], price=[1.0, 1.0, 8.0, 1.0])
    assert kinds_of(s).tolist() == ["", "", "specialty", "hospital"]
