"""Step 140: a proven card ring grows by the cards its holder swiped dear in his sessions at the shop.

Ninthworld's 回收医保卡 rings held the cards a collector's phone or his batches proved (22-52 of 53-98): the cards
he swiped once or twice, between those, in the same sittings, were left out.  A walk-in caught between his swipes,
buying what the shop's customers buy, stays out; a ring of another detector is not touched; nor a date-only export.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.score.features import claim_facts
from graphfraud.score.sessions import holder_sessions


def _world(tmp_path: Path, *, dates_only: bool = False) -> Path:
    """A shop P0 over 60 days: 200 townspeople's 600 purchases (10-60 yuan, 08:00-22:00); a collector's 12
    evening sessions (day 5k, from 20:00, 3 minutes apart), each of 2 proven cards A00-A23 and 3 more cards
    B00-B35, each bought once (300-900 yuan); a walk-in T-card (15 yuan) inside each session."""
    rng = np.random.default_rng(5)
    rows = []  # person, day, minute of the day, amount
    for _ in range(600):
        rows.append((f"T{int(rng.integers(0, 200)):03d}", int(rng.integers(0, 60)), int(rng.integers(480, 1320)),
                     float(rng.integers(10, 60))))  # fmt: skip
    for k in range(12):
        day, at = 5 * k, 20 * 60
        cards = [f"A{2 * k:02d}", f"B{3 * k:02d}", f"A{2 * k + 1:02d}", f"B{3 * k + 1:02d}", f"B{3 * k + 2:02d}"]
        for j, card in enumerate(cards):
            rows.append((card, day, at + 3 * j, float(rng.integers(300, 900))))
        rows.append((f"T{k:03d}", day, at + 7, 15.0))  # a walk-in between his swipes
    t = pd.DataFrame(rows, columns=["person", "day", "minute", "amount"])
    start = pd.Timestamp("2025-03-01") + pd.to_timedelta(t["day"], unit="D") + pd.to_timedelta(t["minute"], unit="m")
    claims = pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["person"], "pharmacy_id": "P0",
        "visit_type": "pharmacy",
        "start_time": start.dt.strftime("%Y-%m-%d" if dates_only else "%Y-%m-%d %H:%M:%S"),
        "total_amount": t["amount"], "fund_amount": (t["amount"] * 0.5).round(2),
    })  # fmt: skip
    claims.to_csv(tmp_path / "claims.csv", index=False)
    pd.DataFrame({"person_id": sorted(set(t["person"]))}).to_csv(tmp_path / "persons.csv", index=False)
    (tmp_path / "facilities.csv").write_text("facility_id\n", encoding="utf-8")
    (tmp_path / "doctors.csv").write_text("doctor_id\n", encoding="utf-8")
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\nP0\n", encoding="utf-8")
    return tmp_path


def _proven(graph, detector: str = "cards") -> Candidate:  # type: ignore[no-untyped-def]
    """The ring a proof reached: the 24 A-cards and their purchases."""
    ids = graph.visits.persons.ids
    persons = np.array([i for i in range(len(ids)) if str(ids[i]).startswith("A")], dtype=np.int64)
    claims = np.flatnonzero(np.isin(graph.visits.column("person"), persons)).astype(np.int64)
    return Candidate(detector, persons, claims, {"typology": "card_collector"}, {})


def _names(graph, persons: np.ndarray) -> set[str]:  # type: ignore[no-untyped-def]
    return {str(graph.visits.persons.ids[p]) for p in persons}


def test_the_holders_other_dear_cards_join_and_the_walk_in_does_not(tmp_path: Path) -> None:
    graph = build_graph(read_claims_dir(_world(tmp_path)))
    (grown,) = holder_sessions([_proven(graph)], claim_facts(graph))
    names = _names(graph, grown.persons)
    assert {n for n in names if n.startswith("B")} == {f"B{i:02d}" for i in range(36)}
    assert not {n for n in names if n.startswith("T")}  # the walk-ins (15 yuan) and the shop's customers
    found = grown.evidence["holder_sessions"]
    assert (found["sessions"], found["joined"], found["claims"]) == (12, 36, 36)
    assert len(grown.claims) == 24 + 36


def test_other_rings_and_the_off_switch_are_left_alone(tmp_path: Path) -> None:
    graph = build_graph(read_claims_dir(_world(tmp_path)))
    facts = claim_facts(graph)
    other = _proven(graph, detector="covisit")
    assert holder_sessions([other], facts) == [other]
    ring = _proven(graph)
    assert holder_sessions([ring], facts, dear=None) == [ring]
    assert holder_sessions([ring], facts, session_cards=3) == [ring]  # two proven cards a sitting


def test_a_date_only_export_has_no_sessions(tmp_path: Path) -> None:
    graph = build_graph(read_claims_dir(_world(tmp_path, dates_only=True)))
    ring = _proven(graph)
    assert holder_sessions([ring], claim_facts(graph)) == [ring]


def test_a_batch_pools_own_sessions_count_is_kept(tmp_path: Path) -> None:
    # step 108's pools carry evidence["sessions"] (days batched together): the holder's sittings are said beside it
    graph = build_graph(read_claims_dir(_world(tmp_path)))
    pool = _proven(graph, detector="cardbatch")
    pool = Candidate(pool.detector, pool.persons, pool.claims, {**pool.evidence, "sessions": 12}, {})
    (grown,) = holder_sessions([pool], claim_facts(graph))
    assert grown.evidence["sessions"] == 12 and grown.evidence["holder_sessions"]["joined"] == 36


def test_only_the_main_shops_purchases_are_read_in_any_row_order(tmp_path: Path) -> None:
    # issue 18: the shop's purchases come from the run's index of the claims by venue (no pass over every claim);
    # a second shop's dear purchases in the same minutes, rows shuffled among the first shop's, never join.
    data = _world(tmp_path)
    claims = pd.read_csv(data / "claims.csv", dtype=str)
    other = claims[claims["patient_id"].str.startswith("B")].assign(pharmacy_id="P1")
    other = other.assign(claim_id="L" + other["claim_id"], patient_id="C" + other["patient_id"].str[1:])
    mixed = pd.concat([claims, other]).sample(frac=1.0, random_state=3)
    mixed.to_csv(data / "claims.csv", index=False)
    persons = sorted(set(mixed["patient_id"]))
    pd.DataFrame({"person_id": persons}).to_csv(data / "persons.csv", index=False)
    (data / "pharmacies.csv").write_text("pharmacy_id\nP0\nP1\n", encoding="utf-8")
    graph = build_graph(read_claims_dir(data))
    (grown,) = holder_sessions([_proven(graph)], claim_facts(graph))
    names = _names(graph, grown.persons)
    assert {n for n in names if n.startswith("B")} == {f"B{i:02d}" for i in range(36)}
    assert not {n for n in names if n[0] in "CT"}  # the other shop's cards, the walk-ins
    venue = graph.visits.column("venue")[grown.claims]
    assert len(set(venue.tolist())) == 1 and grown.evidence["holder_sessions"]["claims"] == 36
