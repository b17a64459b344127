"""Step 39: a shop's loaded cards whose dear claims follow the holder's own visit are patients sent there
with prescriptions (a kickback), not cards swiped; a collector's cards follow no visit and stay a card ring.
The hospital's ordinary patients who fill prescriptions next door at ordinary prices are in neither."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, PERSONS, PHARMACIES, ClaimsData
from graphfraud.detect.candidate import Candidate
from graphfraud.pipeline import run
from graphfraud.score.wording import say
from graphfraud.synth.toy import _table

SHOPS = [f"P{i}" for i in range(6)]  # P0 and P1: one chain's shops; P2: the shop next to the hospital


def _county(*, sent: bool, patients: int = 12, doctor_ids: bool = False, once: int = 0) -> ClaimsData:
    """A county hospital H0 (150 ordinary outpatients, each filling a prescription the same day at an
    ordinary price, at P2 next door or, a fifth of them, at the chain's P0) and six pharmacies with 80 ordinary customers each (20-80 yuan).  ``patients`` more cards
    buy two dear drugs (700-900 yuan) at the chain (P0 or P1) four times each.  With ``sent`` each purchase
    follows the holder's own visit to H0 by 0-2 days (a doctor sends them; with ``doctor_ids`` the visits
    name doctor D1, else no claim names a doctor); without, the cards are swiped with no visit (a collector).
    ``once`` more patients buy as dear at P1 the day after their one visit to H0."""
    persons, claims = [], []
    n = [0]
    rng = np.random.default_rng(3)

    def person(pid: str) -> None:
        persons.append((pid, "F", "1955-01-01", "350206", "resident", None, None, None))

    def claim(pid: str, venue: str, day: int, total: float, doctor: str | None = None) -> None:
        n[0] += 1
        when = pd.Timestamp("2024-01-01 09:00") + pd.Timedelta(days=int(day), minutes=int(n[0] % 600))
        shop = venue.startswith("P")
        claims.append((f"C{n[0]:06d}", pid, None, None if shop else venue, venue if shop else None, doctor,
                       "pharmacy" if shop else "outpatient", when, None,
                       float(round(total, 2)), 0.0 if shop else round(total / 2, 2), 0.0, "I10", None))  # fmt: skip

    for s in SHOPS:
        for k in range(80):
            pid = f"{s}-c{k}"
            person(pid)
            for _ in range(int(rng.integers(1, 4))):
                claim(pid, s, int(rng.integers(0, 330)), rng.uniform(20, 80))
    for k in range(150):  # the hospital's ordinary patients: the prescription filled next door, at its price
        pid = f"h{k}"
        person(pid)
        for _ in range(3):
            day = int(rng.integers(0, 330))
            claim(pid, "H0", day, rng.uniform(20, 40), "D0" if doctor_ids else None)
            claim(pid, "P2" if k % 5 else "P0", day, rng.uniform(20, 80))  # a fifth at the chain's shop
    for k in range(patients):
        pid = f"sent{k}"
        person(pid)
        day = int(rng.integers(0, 30))
        for d in range(4):
            day += int(rng.integers(15, 100))  # when they fall ill, on no cycle
            if sent:
                claim(pid, "H0", day, 30.0, "D1" if doctor_ids else None)
            claim(pid, SHOPS[(k + d) % 2], day + (k + d) % 3, rng.uniform(700, 900))
        if not sent:
            claim(pid, "H0", 300 + k, 30.0)  # the holder's own care, nowhere near the swipes
    for k in range(once):  # sent once: not a loaded card, but sent the same way
        pid = f"once{k}"
        person(pid)
        claim(pid, "H0", 100 + k, 30.0)
        claim(pid, "P1", 101 + k, rng.uniform(700, 900))
    facilities = [("H0", "县医院", "hospital", 2, "public", "350206", 300)]
    pharmacies = [(s, f"药店{s}", "CHAIN" if s in ("P0", "P1") else None, "350206") for s in SHOPS]
    doctors = [("D0", "H0", "医生", "医师", "内科"), ("D1", "H0", "医生", "医师", "内科")] if doctor_ids else []
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, facilities), _table(PHARMACIES, pharmacies),
        _table(DOCTORS, doctors), _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


def _rings(data: ClaimsData) -> list[tuple[str, set[str], set[str]]]:
    """Each suspect ring: typology, member persons, member venues (facilities and pharmacies)."""
    out = []
    for r in run(data).rings:
        persons = {m.entity_id for m in r.members if m.entity_type == "person"}
        venues = {m.entity_id for m in r.members if m.entity_type in ("facility", "pharmacy")}
        out.append((r.typology, persons, venues))
    return out


def test_patients_sent_to_a_chain_with_no_doctor_named_are_a_kickback_of_the_site() -> None:
    # The 12 loaded cards whose purchases follow their visits to H0, and the 4 patients H0 sent there once for
    # as dear a purchase; not the hospital's ordinary patients filling ordinary prescriptions at the chain.
    rings = _rings(_county(sent=True, once=4))
    steered = {f"sent{k}" for k in range(12)} | {f"once{k}" for k in range(4)}
    kick = [r for r in rings if r[1] & steered]
    assert len(kick) == 1
    typology, persons, venues = kick[0]
    assert typology == "kickback" and persons == steered
    assert "H0" in venues and venues & {"P0", "P1"}  # the site that sent them and the chain's shop
    assert not any(p.startswith("h") for _, ps, _ in rings for p in ps)  # the ordinary fills next door


def test_cards_swiped_at_the_chain_with_no_visit_stay_a_card_collector() -> None:
    rings = _rings(_county(sent=False))
    cards = {f"sent{k}" for k in range(12)}
    held = [r for r in rings if r[1] & cards]
    assert [(t, ps) for t, ps, _ in held] == [("card_collector", cards)]


def test_the_kickback_says_the_cards_followed_the_holders_own_visits_in_both_languages() -> None:
    result = run(_county(sent=True))
    (ring,) = [r for r in result.rings if r.typology == "kickback"]
    (reason,) = [r for r in ring.reasons if r.code == "card_load"]
    assert reason.args["prescribed"] == 12 and reason.args["filled"] == 1.0 and reason.args["alike"] == 0
    assert "followed the holder's own visit" in reason.text and "not cards swiped" in reason.text
    assert "疑似处方引流" in say("card_load", reason.args, "zh")


def test_a_candidate_the_detector_names_a_typology_is_left_as_it_is() -> None:
    from graphfraud.score.rings import prescribed_apart

    c = Candidate("cardload", np.array([1]), np.array([0]), {"gains": np.array([1.0]), "typology": "kickback"}, {})
    assert prescribed_apart([c], facts=None) == [c]  # type: ignore[arg-type]


def test_with_the_doctor_named_on_the_visits_the_steering_ring_names_him_and_holds_the_cards() -> None:
    # The visits name the doctors (the pharmacy claims do not): steering measures D1's patients at each of the
    # chain's shops against D0's (at the purchases' price, step 38, since the shops' claims carry no insurance
    # money), and the prescribed cards are held by the steering ring, not a ring apart.
    result = run(_county(sent=True, doctor_ids=True, once=4))
    steered = {f"sent{k}" for k in range(12)}
    held = [r for r in result.rings if {m.entity_id for m in r.members} & steered]
    assert len(held) == 1 and held[0].typology == "kickback" and held[0].detector == "steering"
    members = {(m.entity_type, m.entity_id) for m in held[0].members}
    assert ("doctor", "D1") in members and ("doctor", "D0") not in members
    assert {e for t, e in members if t == "pharmacy"} <= {"P0", "P1"}  # the chain's shops, not the one next door
    assert {m.entity_id for m in held[0].members if m.entity_type == "person"} >= steered
