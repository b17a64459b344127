"""A kickback organisation is one ring: one doctor steering to two shops of a chain, or two doctors of one
clinic steering to one shop, are reported as one kickback ring; two unrelated pairs stay two rings, and so do
two doctors of different facilities whose patients happen to buy at one shop."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.score.wording import say

OTHERS = [f"P{i}" for i in range(3, 9)]  # six other pharmacies


def _world(root: Path, steering: dict[str, list[str]], sites: dict[str, list[str]] | None = None) -> Path:
    """A hospital H with eight doctors D0..D7 of 24 patients each; every patient is seen once and buys a
    3,000-yuan medicine at a pharmacy the next hour.  ``steering`` maps a doctor to the pharmacies his
    patients are sent to (12 patients to each); everyone else's patients spread over six other shops,
    with one patient of each peer buying at P1 and one at P2.  400 everyday 30-yuan purchases make
    3,000 yuan a high value.  ``sites`` maps a doctor to the facilities he sees his patients at (in turn;
    default the hospital H)."""
    sites = sites or {}
    claims = []
    person = 0

    def claim(patient: int, venue: str, doctor: str, day: int, minute: int, amount: float) -> None:
        kind = "pharmacy" if venue.startswith("P") else "outpatient"
        claims.append({"claim_id": f"C{len(claims):06d}", "patient_id": f"U{patient:05d}",
                       "facility_id": "" if kind == "pharmacy" else venue, "pharmacy_id": venue if kind == "pharmacy" else "",
                       "doctor_id": doctor, "visit_type": kind,
                       "start_time": (pd.Timestamp("2024-03-01") + pd.Timedelta(days=day, minutes=minute)).isoformat(),
                       "total_amount": amount, "fund_amount": round(amount * 0.6, 2)})  # fmt: skip

    for d in range(8):
        doctor = f"D{d}"
        sent = [p for p in steering.get(doctor, []) for _ in range(12)]
        where = sent + ([] if sent else ["P1", "P2"])
        where += [OTHERS[(d + i) % len(OTHERS)] for i in range(24 - len(where))]
        for i, pharmacy in enumerate(where):
            day = (d * 24 + i) % 150
            at = sites.get(doctor, ["H"])
            claim(person, at[i % len(at)], doctor, day, 9 * 60 + i, 80.0)
            claim(person, pharmacy, "", day, 10 * 60 + i, 3000.0)
            person += 1
    for i in range(400):
        claim(person, OTHERS[i % len(OTHERS)], "", i % 150, 15 * 60, 30.0)
        person += 1
    root.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(claims).to_csv(root / "claims.csv", index=False)
    pd.DataFrame({"person_id": [f"U{p:05d}" for p in range(person)], "region": "110101",
                  "insured_type": "employee"}).to_csv(root / "persons.csv", index=False)  # fmt: skip
    facilities = sorted({"H", *(f for at in sites.values() for f in at)})
    pd.DataFrame({"facility_id": facilities, "kind": "hospital", "ownership": "private", "region": "110101"}).to_csv(
        root / "facilities.csv", index=False
    )
    shops = ["P1", "P2", *OTHERS]
    pd.DataFrame({"pharmacy_id": shops, "chain": ["C1", "C1"] + [f"C{i}" for i in range(2, 8)],
                  "region": "110101"}).to_csv(root / "pharmacies.csv", index=False)  # fmt: skip
    doctors = [f"D{d}" for d in range(8)]
    pd.DataFrame({"doctor_id": doctors, "facility_id": [sites.get(d, ["H"])[0] for d in doctors]}).to_csv(
        root / "doctors.csv", index=False
    )
    return root


def _detect(
    tmp_path: Path, steering: dict[str, list[str]], sites: dict[str, list[str]] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, Path]:
    data = _world(tmp_path / "data", steering, sites)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["detect", str(data), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    rings = pd.read_csv(out / "rings.csv", dtype={"ring_id": str})
    rings = rings[rings["typology"] == "kickback"]
    members = pd.read_csv(out / "ring_members.csv", dtype=str)
    reasons = pd.read_csv(out / "ring_reasons.csv", dtype=str)
    return rings, members, reasons, out


def _of(frame: pd.DataFrame, ring: str, entity_type: str) -> set[str]:
    mine = frame[(frame["ring_id"] == ring) & (frame["entity_type"] == entity_type)]
    return set(mine["entity_id"])


def test_one_doctor_steering_to_two_shops_of_a_chain_is_one_ring(tmp_path: Path) -> None:
    rings, members, reasons, _ = _detect(tmp_path, {"D0": ["P1", "P2"]})
    assert len(rings) == 1
    ring = rings.iloc[0]["ring_id"]
    assert _of(members, ring, "pharmacy") == {"P1", "P2"} and _of(members, ring, "doctor") == {"D0"}
    assert len(_of(members, ring, "person")) == 24  # every steered patient, at either shop
    steering = reasons[(reasons["ring_id"] == ring) & (reasons["code"] == "steering")]
    assert len(steering) == 2  # one sentence per pair, strongest first
    # the steering counts once: the strongest pair's sentence carries the points, the other is said with none
    assert float(steering.iloc[0]["points"]) > 0 and float(steering.iloc[1]["points"]) == 0
    text = " ".join(steering["text"])
    assert "P1" in text and "P2" in text
    args = [json.loads(a) for a in steering["args"]]
    assert {a["pharmacy"] for a in args} == {"P1", "P2"}
    for a in args:  # each pair's sentence, in Chinese and in English, names its doctor and pharmacy
        zh, en = say("steering", a, "zh"), say("steering", a, "en")
        assert "D0" in zh and a["pharmacy"] in zh and "药店" in zh
        assert "D0" in en and a["pharmacy"] in en and "bought at" in en


def test_two_doctors_steering_to_one_shop_are_one_ring(tmp_path: Path) -> None:
    rings, members, reasons, _ = _detect(tmp_path, {"D0": ["P1"], "D1": ["P1"]})
    assert len(rings) == 1
    ring = rings.iloc[0]["ring_id"]
    assert _of(members, ring, "doctor") == {"D0", "D1"} and _of(members, ring, "pharmacy") == {"P1"}
    assert len(_of(members, ring, "person")) == 24
    assert len(reasons[(reasons["ring_id"] == ring) & (reasons["code"] == "steering")]) == 2


def test_two_unrelated_pairs_stay_two_rings(tmp_path: Path) -> None:
    rings, members, _, _ = _detect(tmp_path, {"D0": ["P1"], "D1": ["P3"]})
    assert len(rings) == 2
    pairs = {(frozenset(_of(members, r, "doctor")), frozenset(_of(members, r, "pharmacy"))) for r in rings["ring_id"]}
    assert pairs == {(frozenset({"D0"}), frozenset({"P1"})), (frozenset({"D1"}), frozenset({"P3"}))}


def test_two_doctors_of_different_facilities_at_one_shop_stay_two_rings(tmp_path: Path) -> None:
    # D1 practises alone at his clinic K; the shop P1 is where his patients fill prescriptions and where a
    # hospital doctor D0 sends his: two pairs at one shop, but no facility in common, so no organisation
    rings, members, reasons, _ = _detect(tmp_path, {"D0": ["P1"], "D1": ["P1"]}, sites={"D1": ["K"]})
    assert len(rings) == 2
    pairs = {(frozenset(_of(members, r, "doctor")), frozenset(_of(members, r, "pharmacy"))) for r in rings["ring_id"]}
    assert pairs == {(frozenset({"D0"}), frozenset({"P1"})), (frozenset({"D1"}), frozenset({"P1"}))}
    for ring in rings["ring_id"]:  # each stands on its own steering sentence, with its own points
        steering = reasons[(reasons["ring_id"] == ring) & (reasons["code"] == "steering")]
        assert len(steering) == 1 and float(steering.iloc[0]["points"]) > 0


def test_a_doctor_who_also_sits_at_the_other_s_facility_joins_its_ring(tmp_path: Path) -> None:
    # D1 sees patients at the hospital H as well as at his clinic K (多点执业): D0 and D1 practise at one
    # facility, and their pairs at one shop are one organisation, as for two doctors of one clinic
    rings, members, _, _ = _detect(tmp_path, {"D0": ["P1"], "D1": ["P1"]}, sites={"D1": ["K", "H"]})
    assert len(rings) == 1
    ring = rings.iloc[0]["ring_id"]
    assert _of(members, ring, "doctor") == {"D0", "D1"} and _of(members, ring, "pharmacy") == {"P1"}


def test_the_evidence_pack_of_a_joined_ring_has_each_pair_s_steering_numbers(tmp_path: Path) -> None:
    rings, _, _, out = _detect(tmp_path, {"D0": ["P1", "P2"]})
    ring = rings.iloc[0]["ring_id"]
    result = CliRunner().invoke(
        main, ["evidence", str(out), ring, "--data", str(tmp_path / "data"), "--dest", str(tmp_path / "ev")]
    )
    assert result.exit_code == 0, result.output
    steering = pd.read_csv(next((tmp_path / "ev").rglob("steering.csv")), dtype=str)
    assert set(zip(steering["doctor_id"], steering["pharmacy_id"])) == {("D0", "P1"), ("D0", "P2")}
    assert (steering["patients"].astype(int) == 12).all()  # each pair's own numbers
    verified = CliRunner().invoke(main, ["verify", str(tmp_path / "ev" / f"{ring}.zip")])
    assert verified.exit_code == 0, verified.output


def test_a_steering_pair_under_min_score_joins_its_organisation_but_never_on_its_own(monkeypatch) -> None:
    """Step 68: two doctors of one clinic send their patients to two shops that mostly take cash; each pair is
    steering (its headline reason scores), but its insurance money is tiny, so three of the four score under
    ``min_score``.  They are one organisation with the pair above it (shared doctor, shared shop), joined through
    one another; weak pairs with no suspect pair among them, or that are no steering pair on their own (the
    headline scores nothing), join nothing."""
    from types import SimpleNamespace as S

    import numpy as np

    from graphfraud.detect.candidate import Candidate
    from graphfraud.score import rings

    def pair(doctor: int, pharmacy: int, score: float, points: float = 10.0):
        persons = np.arange(doctor * 100 + pharmacy * 10, doctor * 100 + pharmacy * 10 + 5)
        c = Candidate("steering", persons, persons, {"doctor": doctor, "pharmacy": pharmacy, "facility": 0}, {})
        headline = S(code="steering", points=points)  # the headline reason (rings._marked reads these two)
        r = S(benign=None, typology="kickback", score=score, reasons=(headline,), ring_id=f"R{doctor}{pharmacy}")
        return r, c

    monkeypatch.setattr(rings, "_doctor_sites", lambda doctors, facts: {})
    monkeypatch.setattr(rings, "_score", lambda c, facts, params: S(score=100.0, pieces=c.evidence["pieces"]))
    made = [
        pair(1, 1, 23.1),  # the one pair above min_score
        pair(1, 2, 14.5),  # the same doctor at the other shop
        pair(2, 1, 14.1),  # the other doctor of the clinic at the first shop
        pair(2, 2, 14.0),  # linked only through the weak pairs
        pair(3, 5, 14.0),  # two weak pairs of another doctor: no suspect pair among them
        pair(3, 6, 12.0),
        pair(4, 2, 14.0, points=0.0),  # no steering pair on its own: joins nothing
    ]
    scored, candidates = [r for r, _ in made], [c for _, c in made]
    ((pieces, ring),) = rings.join_kickbacks(scored, candidates, None)  # type: ignore[arg-type]
    assert pieces == [0, 1, 2, 3] and ring.pieces == 4


def test_one_site_s_referral_pairs_are_one_ring_whatever_the_doctors_facilities(monkeypatch) -> None:
    """Step 117: an imaging centre (venue 9) paid for the patients of a doctor of clinic 1 and of a doctor of
    clinic 2 is one scheme: the two referral pairs are one ring, though the doctors share no facility.  Two
    pharmacy pairs of doctors of two facilities at one shop (venue 8) stay apart (a shop gets both facilities'
    patients on its own); with ``SITE_REFERRALS`` off the referral pairs stay apart too."""
    from types import SimpleNamespace as S

    import numpy as np

    from graphfraud.detect.candidate import Candidate
    from graphfraud.score import rings

    def pair(doctor: int, venue: int, facility: int, **evidence: object):
        persons = np.arange(doctor * 100, doctor * 100 + 12)
        ev = {"doctor": doctor, "pharmacy": venue, "facility": facility, **evidence}
        headline = S(code="steering", points=10.0)
        return (S(benign=None, typology="kickback", score=30.0 + doctor, reasons=(headline,), ring_id=f"R{doctor}"),
                Candidate("steering", persons, persons, ev, {}))  # fmt: skip

    monkeypatch.setattr(rings, "_doctor_sites", lambda doctors, facts: {})
    monkeypatch.setattr(rings, "_score", lambda c, facts, params: S(score=100.0, pieces=c.evidence["pieces"]))
    made = [pair(1, 9, 1, referral=True), pair(2, 9, 2, referral=True), pair(3, 8, 3), pair(4, 8, 4)]
    scored, candidates = [r for r, _ in made], [c for _, c in made]
    ((pieces, ring),) = rings.join_kickbacks(scored, candidates, None)  # type: ignore[arg-type]
    assert sorted(pieces) == [0, 1] and ring.pieces == 2
    monkeypatch.setattr(rings, "SITE_REFERRALS", False)
    assert rings.join_kickbacks(scored, candidates, None) == []  # type: ignore[arg-type]
