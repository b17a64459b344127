"""graphfraud.analyses.evaluate: a planted ring is found only whole (half of its persons in one top-K ring)."""

from __future__ import annotations

import pandas as pd

from graphfraud.analyses.evaluate import evaluate


def _labels(ring: str, typology: str, persons: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"ring_id": ring, "typology": typology, "entity_type": "person", "entity_id": persons})


def _reported(groups: dict[str, list[str]], typology: str = "staged_clinic") -> tuple[pd.DataFrame, pd.DataFrame]:
    rings = pd.DataFrame({"rank": range(1, len(groups) + 1), "ring_id": list(groups), "typology": typology})
    members = pd.concat(
        [pd.DataFrame({"ring_id": rid, "entity_type": "person", "entity_id": ids}) for rid, ids in groups.items()]
    )
    return rings, members


def test_a_ring_reported_in_pieces_is_not_found_even_when_every_piece_is_in_the_top_k():
    pool = [f"p{i:02d}" for i in range(20)]
    labels = _labels("staged_clinic:01", "staged_clinic", pool)
    rings, members = _reported({f"R{k}": pool[5 * k : 5 * k + 5] for k in range(4)})  # four quarters
    e = evaluate(rings, members, labels, top=10)
    assert e.found == 0 and e.recall == 0.0
    row = e.matches.iloc[0]
    assert row["best_share"] == 0.25 and row["fragments"] == 4 and row["persons"] == 20
    assert e.member_recall == 1.0  # every member was reported, yet the ring was not found whole


def test_half_of_the_ring_in_one_reported_ring_is_found_and_outside_the_top_k_is_not():
    pool = [f"p{i:02d}" for i in range(20)]
    labels = _labels("card_collector:01", "card_collector", pool)
    rings, members = _reported({"R0": ["x1", "x2"], "R1": pool[:10], "R2": pool[10:]}, typology="card_collector")
    e = evaluate(rings, members, labels, top=3)
    assert e.found == 1 and e.typology_right == 1
    assert e.matches.iloc[0]["rank"] == 2 and e.matches.iloc[0]["best_share"] == 0.5
    late = evaluate(rings, members, labels, top=1)  # the half-ring ranks 2nd: outside a top 1
    assert late.found == 0 and late.matches.iloc[0]["fragments"] == 0


def test_a_benign_group_split_into_fragments_does_not_reach_the_top_k_but_a_whole_one_does():
    cohort = [f"d{i:02d}" for i in range(16)]
    labels = pd.concat(
        [_labels("benign:dialysis:01", "dialysis", cohort), _labels("kickback:01", "kickback", ["k1", "k2"])]
    )
    split, members = _reported({"R1": cohort[:7], "R2": cohort[7:14]})
    assert evaluate(split, members, labels).benign_in_top == 0
    whole, members = _reported({"R1": cohort[:12]})
    assert evaluate(whole, members, labels).benign_in_top == 1
