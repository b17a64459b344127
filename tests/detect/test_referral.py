"""Doctor -> facility steering (detect/referral.py, docs/detection.md step 86): a clinic doctor whose patients are
billed at an independent imaging centre right after his visits is found; a one-doctor clinic that refers its
patients up to the district hospital (分级诊疗), and community doctors who all refer there, are not."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from graphfraud.detect import referral, steering
from graphfraud.params import SteeringParams

CLINIC, CENTRE, IMAGING, HOSPITAL, VILLAGE, TOWNSHIP = range(6)  # venue codes
LEVELS = [0, 1, 0, 2, 0, 2]


class _Venues:
    ids = np.array([f"F{i}" for i in range(6)], dtype=object)

    def codes(self, ids: pd.Series) -> np.ndarray:
        return np.array([int(str(x)[1:]) for x in ids])


def _town(*, steered: int = 20, levels: bool = True) -> SimpleNamespace:
    """Clinic doctor 0 sends ``steered`` of his 30 patients to the imaging centre a day after the visit; community
    doctors 1-4 (30 patients each) send 12 each to the district hospital and 2 each to the imaging centre; the one
    doctor 5 of a village clinic sends 20 of his 25 to the township hospital; 300 others are seen at the hospital
    and 40 at the imaging centre on their own."""
    rows = []  # claim, person, venue, doctor, kind, minute
    person = 0

    def seen(venue: int, doctor: int, day: int, then: int | None) -> None:
        nonlocal person
        rows.append((len(rows), person, venue, doctor, 0, day * 1440 + 540))
        if then is not None:
            rows.append((len(rows), person, then, 90 + then, 0, (day + 1) * 1440 + 600))
        person += 1

    for i in range(30):
        seen(CLINIC, 0, i * 3, IMAGING if i < steered else None)
    for doctor in range(1, 5):
        for i in range(30):
            seen(CENTRE, doctor, i * 3 + doctor, HOSPITAL if i < 12 else IMAGING if i < 14 else None)
    for i in range(25):
        seen(VILLAGE, 5, i * 3, TOWNSHIP if i < 20 else None)
    for i in range(300):
        seen(HOSPITAL, 90 + HOSPITAL, i % 200, None)
    for i in range(40):
        seen(IMAGING, 90 + IMAGING, i * 4, None)
    table = pd.DataFrame(rows, columns=["claim", "person", "venue", "doctor", "kind", "minute"])
    table["inpatient"] = False
    table["day"] = table["minute"] // 1440
    table["fund"] = 100.0
    facilities = pd.DataFrame({"facility_id": _Venues.ids, "level": LEVELS if levels else [None] * 6})
    return SimpleNamespace(visits=SimpleNamespace(table=table, venues=_Venues()),
                           data=SimpleNamespace(facilities=facilities))  # fmt: skip


def _pairs(graph: SimpleNamespace, params: SteeringParams = SteeringParams()) -> dict[tuple[int, int], object]:
    return {(c.evidence["doctor"], c.evidence["pharmacy"]): c for c in referral.detect(graph, params)}  # type: ignore[arg-type]


def test_a_clinic_doctor_steering_to_the_imaging_centre_is_found() -> None:
    pairs = _pairs(_town())
    assert set(pairs) == {(0, IMAGING)}
    kick = pairs[0, IMAGING]
    assert kick.evidence["referral"] and kick.evidence["patients"] == 20 and len(kick.persons) == 20  # type: ignore[attr-defined]
    assert kick.params["follow_days"] == SteeringParams().referral_days  # type: ignore[attr-defined]


def test_referral_up_to_a_higher_level_is_the_referral_system() -> None:
    # without levels the village doctor's referrals to the township hospital pass as steering: only the
    # level rule tells them apart (community doctors all refer there: their peers cancel it out)
    assert (5, TOWNSHIP) in _pairs(_town(levels=False))
    assert (5, TOWNSHIP) not in _pairs(_town())
    assert not any(f == HOSPITAL and d in (1, 2, 3, 4) for d, f in _pairs(_town(levels=False)))


def test_few_steered_patients_and_the_switch() -> None:
    assert (0, IMAGING) not in _pairs(_town(steered=5))
    assert not _pairs(_town(), SteeringParams(referral_days=0))


def test_the_imaging_claim_billed_under_the_referrer_is_no_visit_of_his_own() -> None:
    # the referrer on the imaging claim (half the planted rings): his home is still the clinic
    graph = _town()
    t = graph.visits.table
    t.loc[(t["venue"] == IMAGING) & (t["doctor"] == 90 + IMAGING) & (t["person"] < 20), "doctor"] = 0
    assert referral.home_facility(t)[0] == CLINIC
    assert set(_pairs(graph)) == {(0, IMAGING)}


def test_steering_detect_carries_the_referral_pairs() -> None:
    graph = _town()
    graph.data.claims = pd.DataFrame(
        {"total_amount": graph.visits.table["fund"], "fund_amount": graph.visits.table["fund"]}
    )
    graph.data.doctors = None
    found = [c for c in steering.detect(graph) if c.evidence.get("referral")]  # type: ignore[arg-type]
    assert [(c.evidence["doctor"], c.evidence["pharmacy"]) for c in found] == [(0, IMAGING)]


def test_the_reason_names_the_facility_in_both_languages() -> None:
    from graphfraud.score.wording import say

    from .worlds import steering_reasons

    kick = _pairs(_town())[0, IMAGING]
    reasons = steering_reasons(kick.evidence | {"follow_days": 3}, venue="F2")  # type: ignore[attr-defined]
    (steer,) = [r for r in reasons if r.code == "steering"]
    assert "site" in steer.args and "pharmacy" not in steer.args and "min_fund" not in steer.args
    assert "another institution" in say("steering", steer.args, "en")
    assert "另一机构" in say("steering", steer.args, "zh") and "药店" not in say("steering", steer.args, "zh")
