"""graphfraud.outputs.lineage (issue 17): rings linked across runs by shared persons."""

from __future__ import annotations

import pandas as pd

from graphfraud.outputs.lineage import COLUMNS, STATUSES, WORDS, label, link_rings


def _members(**rings: str) -> pd.DataFrame:
    rows = [(r, "person", p) for r, persons in rings.items() for p in persons.split()]
    return pd.DataFrame(rows, columns=["ring_id", "entity_type", "entity_id"])


def _link(cur: dict, prev: dict, **kw) -> pd.DataFrame:
    return link_rings(_members(**cur), _members(**prev), current_order=list(cur), previous_order=list(prev), **kw)


def test_every_status():
    prev = {
        "A": "a1 a2 a3 a4",
        "B": "b1 b2 b3",
        "S": "s1 s2 s3 s4 s5 s6",
        "M1": "m1 m2 m3",
        "M2": "n1 n2 n3",
        "E": "e1 e2 e3",
        "K": "k1 k2 k3 k4",
    }
    cur = {"A2": "a1 a2 a3 a4", "B2": "b1 b2 b3 b4 b5", "S1": "s1 s2 s3", "S2": "s4 s5 s6", "M": "m1 m2 m3 n1 n2 n3",
           "K2": "k1 k2 k3", "N": "x1 x2 x3"}  # fmt: skip
    t = _link(cur, prev).set_index("previous_ring_id", drop=False)
    assert list(t.columns) == COLUMNS
    by_ring = t[t.ring_id != ""].set_index("ring_id")
    assert by_ring.loc["A2", "status"] == "continuing" and by_ring.loc["A2", "previous_ring_id"] == "A"
    assert by_ring.loc["B2", ["status", "members_added", "members_removed"]].tolist() == ["grown", 2, 0]
    assert by_ring.loc["K2", ["status", "members_added", "members_removed"]].tolist() == ["shrunk", 0, 1]
    assert by_ring.loc["S1", "status"] == by_ring.loc["S2", "status"] == "split"
    assert by_ring.loc["M", "status"] == "merged" and by_ring.loc["M", "previous_ring_ids"] == "M1;M2"
    assert by_ring.loc["N", ["status", "previous_ring_id", "members_added"]].tolist() == ["new", "", 3]
    ended = t[t.status == "ended"]
    assert ended.previous_ring_id.tolist() == ["E"] and ended.members_removed.tolist() == [3]
    assert set(t.status) == set(STATUSES)
    assert t.ring_id.tolist()[: len(cur)] == list(cur)  # current rings in rank order, then the ended ones


def test_ties_go_to_the_better_ranked_predecessor_and_small_overlaps_do_not_link():
    prev = {"P1": "a b c d", "P2": "e f g h"}
    t = _link({"C": "a b c d e f g h"}, prev)
    assert t.loc[0, "previous_ring_id"] == "P1" and t.loc[0, "status"] == "merged"  # equal Jaccard: rank decides
    t = _link({"C": "a b c d e f g h"}, {"P2": "e f g h", "P1": "a b c d"})
    assert t.loc[0, "previous_ring_id"] == "P2"
    t = _link({"C": "a x1 x2 x3 x4"}, {"P": "a b c"})  # one shared person: no link
    assert t.status.tolist() == ["new", "ended"]


def test_case_status_and_fund_follow_the_ring():
    t = _link({"C": "a b c d e"}, {"P": "a b c"}, fund_since={"C": 1234.5}, previous_cases={"P": "in_progress"})
    row = t.iloc[0]
    assert (row.status, row.case_status, row.fund_since_previous) == ("grown", "in_progress", 1234.5)
    assert label(row.status, row.case_status) == "调查中 under investigation; 扩大 grown"
    assert label("new", "") == WORDS["new"] == "新发现 new since last run"
