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


def _town(*, steered: int = 20, levels: bool = True, owners: list[str | None] | None = None,
          walk_ins: int = 0, busy: int = 0) -> SimpleNamespace:  # fmt: skip
    """Clinic doctor 0 sends ``steered`` of his 30 patients to the imaging centre a day after the visit; community
    doctors 1-4 (30 patients each) send 12 each to the district hospital and 2 each to the imaging centre; the one
    doctor 5 of a village clinic sends 20 of his 25 to the township hospital; 300 others are seen at the hospital
    and 40 at the imaging centre on their own (and ``walk_ins`` at the township hospital).  ``owners``: the six
    venues' ownership (none exported by default).  ``busy``: a second doctor 6 of the village clinic, with a busy
    practice of 80 patients, sends that many of them to the imaging centre and the others to the hospital (and
    four hospital doctors send 50 patients each to the township hospital, all alike)."""
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
    for i in range(80 if busy else 0):
        seen(VILLAGE, 6, i * 2 + 1, IMAGING if i < busy else HOSPITAL)
    for doctor in range(7, 11 if busy else 7):  # the hospital's doctors, each sending 50 alike to the township
        for i in range(50):
            seen(HOSPITAL, doctor, i * 3 + doctor, TOWNSHIP)
    for i in range(300):
        seen(HOSPITAL, 90 + HOSPITAL, i % 200, None)
    for i in range(40):
        seen(IMAGING, 90 + IMAGING, i * 4, None)
    for i in range(walk_ins):
        seen(TOWNSHIP, 90 + TOWNSHIP, i % 200, None)
    table = pd.DataFrame(rows, columns=["claim", "person", "venue", "doctor", "kind", "minute"])
    table["inpatient"] = False
    table["day"] = table["minute"] // 1440
    table["fund"] = 100.0
    facilities = pd.DataFrame({"facility_id": _Venues.ids, "level": LEVELS if levels else [None] * 6})
    if owners is not None:
        facilities["ownership"] = owners
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


PUBLIC: list[str | None] = ["private", "public", "private", "public", "public", "public"]


def test_a_public_doctor_sending_up_to_a_private_hospital_is_paid_for() -> None:
    """Step 105: the village doctor's 20 patients billed at a private hospital (a 民营医院 paying 村医介绍费) right
    after his visits are found though it is of a higher level and they are 3% of its 600-odd outpatients; to a
    public township hospital (分级诊疗) or one of unknown ownership they are not."""
    private = [*PUBLIC[:TOWNSHIP], "private"]
    pairs = _pairs(_town(owners=private, walk_ins=600))
    assert (5, TOWNSHIP) in pairs and pairs[5, TOWNSHIP].evidence["business"] < referral.BUSINESS  # type: ignore[attr-defined]
    assert (0, IMAGING) in pairs  # the imaging centre's kickback as before
    assert set(_pairs(_town(owners=PUBLIC, walk_ins=600))) == {(0, IMAGING)}
    assert set(_pairs(_town(owners=[*PUBLIC[:TOWNSHIP], None], walk_ins=600))) == {(0, IMAGING)}
    # a private doctor's patients at a private hospital: not the public referral chain's, and no exemption either
    assert set(_pairs(_town(owners=[*PUBLIC[:VILLAGE], "private", "private"], walk_ins=600))) == {(0, IMAGING)}
    np.testing.assert_array_equal(referral.owners(_town(owners=private))[[VILLAGE, TOWNSHIP]], [1.0, 0.0])  # type: ignore[arg-type, index]
    assert referral.owners(_town()) is None  # type: ignore[arg-type]


def test_few_steered_patients_and_the_switch() -> None:
    assert (0, IMAGING) not in _pairs(_town(steered=5))
    assert not _pairs(_town(), SteeringParams(referral_days=0))


def test_a_paying_site_s_other_referrer_is_judged_without_the_share() -> None:
    """Step 117: the village doctor 6 sends 20 of his 80 followed-up patients (25%, under ``min_share``) to the
    imaging centre, far beyond his peers and chance.  Found once the centre is shown to pay clinic doctor 0, with
    his own numbers; not where no pair of the centre passes every test (doctor 0 sending too few), nor with
    ``SITE_REFERRERS`` off."""
    pairs = _pairs(_town(busy=20))
    assert set(pairs) == {(0, IMAGING), (6, IMAGING)}
    other = pairs[6, IMAGING].evidence  # type: ignore[attr-defined]
    assert other["site_referrer"] and other["patients"] == 20 and other["share"] < SteeringParams().min_share
    assert "site_referrer" not in pairs[0, IMAGING].evidence  # type: ignore[attr-defined]
    assert not _pairs(_town(busy=20, steered=5))
    old, referral.SITE_REFERRERS = referral.SITE_REFERRERS, False
    try:
        assert set(_pairs(_town(busy=20))) == {(0, IMAGING)}
    finally:
        referral.SITE_REFERRERS = old


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


def _follow_by_merge_asof(table: pd.DataFrame, days: int) -> pd.DataFrame:
    """Step 86's follow table as round 16 built it (``pandas.merge_asof``, one pass per visit back): the reference
    :func:`referral.referral_follow` must equal row for row."""
    kind, inpatient = table["kind"].to_numpy(), table["inpatient"].to_numpy()
    home = referral.home_facility(table)
    doctor = table["doctor"].to_numpy()
    own = np.full(len(table), -1, dtype=np.int64)
    known = doctor >= 0
    own[known] = home.reindex(doctor[known]).fillna(-1).to_numpy(np.int64)
    source = (kind == 0) & ~inpatient & known & (table["venue"].to_numpy() == own)
    right = table.loc[source, ["claim", "person", "venue", "doctor", "minute"]].rename(
        columns={"claim": "visit_claim", "venue": "facility", "minute": "seen"}
    )
    right = right.sort_values("seen", kind="stable")
    left = table.loc[(kind == 0) & ~inpatient, ["claim", "person", "venue", "minute"]]
    left = left.assign(before=left["minute"].to_numpy(np.int64)).sort_values("before", kind="stable")
    found = []
    for _ in range(referral.PASSES):
        if left.empty:
            break
        merged = pd.merge_asof(
            left, right, left_on="before", right_on="seen", by="person", direction="backward",
            tolerance=days * 1440 + 1439,
        )  # fmt: skip
        merged = merged.dropna(subset=["doctor"])
        merged = merged[merged["minute"].to_numpy() - merged["seen"].to_numpy() <= days * 1440 + 1439]
        other = merged["facility"].to_numpy() != merged["venue"].to_numpy()
        found.append(merged[other])
        again = merged[~other]
        left = again[["claim", "person", "venue", "minute"]].assign(before=again["seen"].to_numpy(np.int64) - 1)
        left = left.sort_values("before", kind="stable")
    m = (
        pd.concat(found)
        if found
        else pd.DataFrame(columns=["claim", "visit_claim", "person", "venue", "doctor", "facility"])
    )
    return steering.follow_frame(m).sort_values("claim", kind="stable").reset_index(drop=True)


def _random_claims(seed: int, n: int = 4000) -> pd.DataFrame:
    """Outpatient claims of 60 persons at 8 venues by 12 doctors over 40 days, many at one minute (ties), some
    inpatient, some purchases, some without a doctor; rows in no order of time."""
    rng = np.random.default_rng(seed)
    minute = rng.integers(0, 40, n) * 1440 + rng.choice([540, 541, 600, 900], n)
    doctor = rng.integers(-1, 12, n)
    home = doctor % 8
    venue = np.where(rng.random(n) < 0.6, home, rng.integers(0, 8, n))
    return pd.DataFrame({
        "claim": np.arange(n), "person": rng.integers(0, 60, n).astype(np.int32), "venue": venue.astype(np.int32),
        "doctor": doctor.astype(np.int32), "kind": (rng.random(n) < 0.15).astype(np.int8),
        "inpatient": rng.random(n) < 0.05, "minute": minute.astype(np.int64),
    })  # fmt: skip


def test_the_follow_table_is_the_merge_asof_one_row_for_row() -> None:
    # the binary search on (person, minute) keys takes the same visit as merge_asof did: the last of a minute's
    # ties, up to PASSES visits back past the billing facility's own, within the days
    for seed in range(6):
        table = _random_claims(seed)
        for days in (0, 1, 3):
            new, old = referral.referral_follow(table, days), _follow_by_merge_asof(table, days)
            assert len(new) > 0
            pd.testing.assert_frame_equal(new, old)
    assert referral.referral_follow(_random_claims(0).iloc[:0], 3).empty
    # cards unknown (person -1) and minutes far from 0: read from the sorted keys as from the columns (round 20)
    odd = _random_claims(7).assign(minute=lambda t: t["minute"] + 12_000_000)
    odd.loc[odd.index % 9 == 0, "person"] = -1
    for days in (0, 2):
        pd.testing.assert_frame_equal(referral.referral_follow(odd, days), _follow_by_merge_asof(odd, days))
    both = _town().visits.table
    pd.testing.assert_frame_equal(referral.referral_follow(both, 3), _follow_by_merge_asof(both, 3))


def test_outpatients_per_venue_are_the_groupby_ones() -> None:
    table = _random_claims(1)
    outpatient = (table["kind"].to_numpy() == 0) & ~table["inpatient"].to_numpy()
    old = table.loc[outpatient].groupby("venue")["person"].nunique().rename("pharmacy_buyers")
    pd.testing.assert_series_equal(referral.outpatients(table, outpatient), old, check_index_type=False)
    home = table.loc[(table["kind"] == 0) & (table["doctor"] >= 0) & ~table["inpatient"]]
    counts = home.groupby(["doctor", "venue"]).size().rename("n").reset_index()
    counts = counts.sort_values(["doctor", "n", "venue"], ascending=[True, False, True], kind="stable")
    pd.testing.assert_series_equal(
        referral.home_facility(table),
        counts.drop_duplicates("doctor").set_index("doctor")["venue"],
        check_index_type=False,
    )
