"""Step 118: the ring step 111 joins at a pharmacy keeps the collector's cards only: a piece's cards billed at a
shop where his cards are not (seventhworld 5: a linked-shops piece's ordinary cards of other shops) leave it; cards
billed at a shop where most of his cards go too (his second shop) and every card billed mostly at the shop stay."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import ScoreParams
from graphfraud.score import rings as score_rings
from graphfraud.score.collector import collector_cards
from graphfraud.score.features import claim_facts
from graphfraud.score.rings import _score, join_card_days

DAYS = 150


def _world(tmp_path: Path) -> Path:
    """Pharmacies P1-P3, each with 400 townspeople buying at 20 yuan on days of their own.  A collector's 8 cards A
    swiped together at P1 at 500 yuan on his 10 days and at P2 on 3 more days; his 7 cards B at P1 on 5 of his
    days each; 3 cards E at P2 at 500 yuan on 3 days each; 5 cards D at P3 at 500 yuan on 3 days each."""
    rng = np.random.default_rng(5)
    rows = []  # person, shop, day, minute, fund
    for shop in ("P1", "P2", "P3"):
        for _ in range(3000):
            who = f"T{shop}{int(rng.integers(0, 400)):03d}"
            rows.append((who, shop, int(rng.integers(0, DAYS)), int(rng.integers(540, 1200)), 20.0))
    his = np.arange(5, DAYS, 15)  # the collector's 10 days at P1
    there = np.array([9, 52, 101])  # his 3 days at P2
    for shop, days in (("P1", his), ("P2", there)):
        for d in days:
            for i in range(8):
                rows.append((f"A{i}", shop, int(d), 600 + 3 * i, 500.0))
    for i in range(7):
        for d in rng.choice(his, size=5, replace=False):
            rows.append((f"B{i}", "P1", int(d), int(rng.integers(540, 1200)), 500.0))
    own = np.array([20, 33, 47, 66, 78, 90, 115, 128, 140])
    for letter, shop, n in (("E", "P2", 3), ("D", "P3", 5)):
        for i in range(n):
            for d in rng.choice(own, size=3, replace=False):
                rows.append((f"{letter}{i}", shop, int(d), int(rng.integers(540, 1200)), 500.0))
    t = pd.DataFrame(rows, columns=["patient_id", "shop", "day", "minute", "fund_amount"])
    when = pd.Timestamp("2024-03-01") + pd.to_timedelta(t["day"], unit="D") + pd.to_timedelta(t["minute"], unit="min")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "pharmacy_id": t["shop"],
        "visit_type": "pharmacy", "start_time": when.dt.strftime("%Y-%m-%d %H:%M:%S"),
        "total_amount": t["fund_amount"], "fund_amount": t["fund_amount"],
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    pd.DataFrame({"person_id": sorted(set(t["patient_id"]))}).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"pharmacy_id": ["P1", "P2", "P3"]}).to_csv(tmp_path / "pharmacies.csv", index=False)
    (tmp_path / "facilities.csv").write_text("facility_id\n", encoding="utf-8")
    (tmp_path / "doctors.csv").write_text("doctor_id\n", encoding="utf-8")
    return tmp_path


def _joined(tmp_path: Path) -> list[str]:
    """The persons (first letters) of the ring joined from the pieces A (co-visits) and B + D + E (loaded cards)."""
    graph = build_graph(read_claims_dir(_world(tmp_path)))
    facts = claim_facts(graph)
    ids = pd.Series(graph.visits.persons.ids)
    person = graph.visits.column("person")

    def candidate(letters: str, detector: str) -> Candidate:
        codes = np.flatnonzero(ids.str[0].isin(list(letters)).to_numpy())
        return Candidate(detector, codes, np.flatnonzero(np.isin(person, codes)))

    candidates = [candidate("A", "covisit"), candidate("BDE", "cardload")]
    params = ScoreParams()
    scored = [_score(c, facts, params) for c in candidates]
    assert all(r.typology == "card_collector" and r.benign is None and r.score >= params.min_score for r in scored)
    assert {r.features.venue for r in scored} == {int(np.flatnonzero(graph.visits.venues.ids == "P1")[0])}
    rings, _ = join_card_days(scored, candidates, facts, params)
    assert len(rings) == 1
    return sorted(str(ids[p])[0] for p in rings[0].person_codes)


def test_the_joined_ring_keeps_the_collectors_cards_and_drops_another_shops_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(score_rings, "COLLECTOR_SHOPS", 0.5)  # the step on (off by default: docs, step 118)
    assert _joined(tmp_path) == ["A"] * 8 + ["B"] * 7 + ["E"] * 3  # D, at P3 where his cards never go, left out


def test_without_the_step_the_union_keeps_every_card_of_both_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(score_rings, "COLLECTOR_SHOPS", None)
    assert _joined(tmp_path) == ["A"] * 8 + ["B"] * 7 + ["D"] * 5 + ["E"] * 3


def test_a_card_mostly_elsewhere_stays_at_a_shop_where_enough_of_his_cards_were_billed() -> None:
    # his cards 1-4 at shop 0; 1 and 2 also at shop 4 (half of his cards); card 9 at shop 4 only
    person = np.array([1, 2, 3, 4, 1, 2, 9, 9])
    venue = np.array([0, 0, 0, 0, 4, 4, 4, 4])
    day = np.array([1, 1, 1, 1, 2, 2, 3, 4])
    persons = np.array([1, 2, 3, 4, 9])
    shared = np.array([1, 2, 3, 4])
    assert collector_cards(persons, person, venue, day, shared=shared, shop=0, share=0.5).tolist() == [1, 2, 3, 4, 9]
    assert collector_cards(persons, person, venue, day, shared=shared, shop=0, share=0.75).tolist() == [1, 2, 3, 4]
