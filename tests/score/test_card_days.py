"""Step 111: a collector's two card rings at one pharmacy, one of cards swiped together and one of loaded cards that
share no card, are one ring when the loaded cards were swiped on the other's days (seventhworld 3: 8 + 7 of 19 cards);
a ring whose cards were swiped on days of their own there stays apart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import ScoreParams
from graphfraud.score.features import claim_facts
from graphfraud.score.rings import _score, join_card_days

DAYS = 150


def _world(tmp_path: Path) -> Path:
    """One pharmacy P1: 400 townspeople T buying at 20 yuan on days of their own; a collector's 8 cards A swiped
    together at 500 yuan on his 10 days, 7 cards B swiped at 500 yuan on 5 of those days each, and 7 cards C of
    another shop's loaded cards swiped at 500 yuan on 5 days each of 10 other days."""
    rng = np.random.default_rng(3)
    rows = []  # person, day, minute, fund
    for _ in range(3000):
        rows.append(
            (f"T{int(rng.integers(0, 400)):03d}", int(rng.integers(0, DAYS)), int(rng.integers(540, 1200)), 20.0)
        )
    his = np.arange(5, DAYS, 15)  # the collector's 10 days
    other = his + 7  # 10 other days
    for d in his:
        for i in range(8):
            rows.append((f"A{i}", int(d), 600 + 3 * i, 500.0))
    for prefix, days in (("B", his), ("C", other)):
        for i in range(7):
            for d in rng.choice(days, size=5, replace=False):
                rows.append((f"{prefix}{i}", int(d), int(rng.integers(540, 1200)), 500.0))
    t = pd.DataFrame(rows, columns=["patient_id", "day", "minute", "fund_amount"])
    when = pd.Timestamp("2024-03-01") + pd.to_timedelta(t["day"], unit="D") + pd.to_timedelta(t["minute"], unit="min")
    pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"], "pharmacy_id": "P1",
        "visit_type": "pharmacy", "start_time": when.dt.strftime("%Y-%m-%d %H:%M:%S"),
        "total_amount": t["fund_amount"], "fund_amount": t["fund_amount"],
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    pd.DataFrame({"person_id": sorted(set(t["patient_id"]))}).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"pharmacy_id": ["P1"]}).to_csv(tmp_path / "pharmacies.csv", index=False)
    (tmp_path / "facilities.csv").write_text("facility_id\n", encoding="utf-8")
    (tmp_path / "doctors.csv").write_text("doctor_id\n", encoding="utf-8")
    return tmp_path


def test_a_collectors_loaded_cards_swiped_on_his_days_join_his_group_and_others_do_not(tmp_path: Path) -> None:
    graph = build_graph(read_claims_dir(_world(tmp_path)))
    facts = claim_facts(graph)
    ids = pd.Series(graph.visits.persons.ids)
    person = graph.visits.column("person")

    def candidate(letter: str, detector: str) -> Candidate:
        codes = np.flatnonzero(ids.str[0].eq(letter).to_numpy())
        return Candidate(detector, codes, np.flatnonzero(np.isin(person, codes)))

    candidates = [candidate("A", "covisit"), candidate("B", "cardload"), candidate("C", "cardload")]
    params = ScoreParams()
    scored = [_score(c, facts, params) for c in candidates]
    assert all(r.typology == "card_collector" and r.benign is None and r.score >= params.min_score for r in scored)
    rings, joined = join_card_days(scored, candidates, facts, params)
    assert len(rings) == len(joined) == 2
    people = sorted(sorted(str(ids[p])[0] for p in r.person_codes) for r in rings)
    assert people == [["A"] * 8 + ["B"] * 7, ["C"] * 7]  # A and B one ring; C, on its own days, apart
    assert rings[-1].typology == "card_collector" and len(rings[-1].person_codes) == 15
