"""Ring lineage: which ring of this run continues which ring of the previous run.

Ring ids are hashes of the members, so a ring that gains two recruits gets a
new id.  :func:`link_rings` links the rings of two runs by the persons they
share and says what became of each:

``new``         no ring of the previous run shares enough persons
``continuing``  one predecessor, as many persons added as removed (none, usually)
``grown``       one predecessor, more persons added than removed
``shrunk``      one predecessor, more persons removed than added
``split``       the predecessor has two or more successors in this run
``merged``      two or more predecessors (``previous_ring_id`` is the closest one)
``ended``       a previous ring with no successor (``ring_id`` empty)

Two rings are linked when they share at least :data:`MIN_SHARED` persons and
the shared persons are at least :data:`MIN_CONTAINMENT` of the smaller ring
(containment); among several predecessors the closest is the one with the
highest Jaccard similarity, ties broken by the previous run's rank, then the
ring id.  Everything is deterministic.

A ring's case status follows it: ``case_status`` is the predecessor's verdict
(``--cases``) or the predecessor's own carried ``case_status``.  What people
read about it comes from one small table, :data:`WORDS` (Chinese first).
"""

from __future__ import annotations

from graphfraud.contract import LINEAGE_COLUMNS

import numpy as np
import pandas as pd

#: Fewest shared persons for a link.
MIN_SHARED = 2
#: Shared persons as a share of the smaller ring for a link.
MIN_CONTAINMENT = 0.5
STATUSES = ("new", "continuing", "grown", "shrunk", "split", "merged", "ended")
COLUMNS = [en for en, _ in LINEAGE_COLUMNS]
#: What ``rings``, ``show`` and the Browser guide say (Chinese first).  Keys: lineage statuses, and
#: ``under_investigation`` for a ring whose predecessor has an open case (in progress or confirmed).
WORDS = {
    "new": "新发现 new since last run",
    "continuing": "延续 continuing",
    "grown": "扩大 grown",
    "shrunk": "缩小 shrunk",
    "split": "拆分 split",
    "merged": "合并 merged",
    "ended": "结束 ended",
    "under_investigation": "调查中 under investigation",
    "dismissed": "已排除 dismissed before",
}
#: Case statuses that mean a case is running on the ring's predecessor.
INVESTIGATED = ("open", "in_progress", "confirmed")


def _persons(members: pd.DataFrame) -> dict[str, frozenset[str]]:
    p = members[members["entity_type"] == "person"]
    return {str(k): frozenset(v.astype(str)) for k, v in p.groupby("ring_id")["entity_id"]}


def link_rings(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    current_order: list[str],
    previous_order: list[str],
    fund_since: dict[str, float] | None = None,
    previous_cases: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The lineage table: one row per current ring (in ``current_order``), then one per ended previous ring.

    Parameters
    ----------
    current, previous : DataFrame
        ``ring_members.csv`` of this run and of the previous one (``ring_id, entity_type, entity_id``).
    current_order, previous_order : list of str
        Ring ids by rank (``rings.csv``).
    fund_since : dict, optional
        Fund paid on each current ring's claims after the previous run's last claim day.
    previous_cases : dict, optional
        Case status of previous rings (verdicts, or their carried ``case_status``).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`.

    Examples
    --------
    >>> m = lambda ring, ids: pd.DataFrame({"ring_id": ring, "entity_type": "person", "entity_id": ids})
    >>> prev = pd.concat([m("A", ["p1", "p2", "p3"]), m("B", ["q1", "q2"])])
    >>> cur = pd.concat([m("A2", ["p1", "p2", "p3", "p4", "p5"]), m("C", ["z1", "z2"])])
    >>> t = link_rings(cur, prev, current_order=["A2", "C"], previous_order=["A", "B"], previous_cases={"A": "confirmed"})
    >>> t[["ring_id", "previous_ring_id", "status", "members_added", "case_status"]].values.tolist()
    [['A2', 'A', 'grown', 2, 'confirmed'], ['C', '', 'new', 2, ''], ['', 'B', 'ended', 0, '']]
    """
    cur, prev = _persons(current), _persons(previous)
    prev_rank = {r: i for i, r in enumerate(previous_order)}
    links: dict[str, list[tuple[float, int, str]]] = {}
    successors: dict[str, set[str]] = {}
    for c in current_order:
        mine = cur.get(c, frozenset())
        for p in previous_order:
            theirs = prev.get(p, frozenset())
            shared = len(mine & theirs)
            if shared >= MIN_SHARED and shared >= MIN_CONTAINMENT * min(len(mine), len(theirs)):
                links.setdefault(c, []).append((shared / len(mine | theirs), prev_rank[p], p))
                successors.setdefault(p, set()).add(c)
    cases = previous_cases or {}
    rows = []
    for c in current_order:
        mine = cur.get(c, frozenset())
        found = sorted(links.get(c, []), key=lambda t: (-t[0], t[1], t[2]))
        fund = (fund_since or {}).get(c, np.nan)
        if not found:
            rows.append([c, "", "new", len(mine), 0, fund, 0.0, "", ""])
            continue
        jaccard, _, best = found[0]
        before = frozenset().union(*(prev[p] for _, _, p in found))
        added, removed = len(mine - before), len(before - mine)
        if len(found) > 1:
            status = "merged"
        elif len(successors[best]) > 1:
            status = "split"
        else:
            status = "grown" if added > removed else "shrunk" if removed > added else "continuing"
        rows.append([c, best, status, added, removed, fund, round(jaccard, 4),
                     ";".join(sorted(p for _, _, p in found)), cases.get(best, "")])  # fmt: skip
    for p in previous_order:
        if p not in successors:
            rows.append(["", p, "ended", 0, len(prev.get(p, ())), np.nan, 0.0, "", cases.get(p, "")])
    return pd.DataFrame(rows, columns=COLUMNS)


def fund_since_previous(rings: list, claims: pd.DataFrame, after: pd.Timestamp | None) -> dict[str, float]:
    """Fund paid on each ring's claims that start after ``after`` (a day; all claims when None).

    ``rings`` are :class:`graphfraud.score.rings.Ring` (``ring_id``, ``claims`` row positions).
    """
    start = claims["start_time"].to_numpy()
    fund = claims["fund_amount"].to_numpy(dtype=float)
    cut = None if after is None else np.datetime64(pd.Timestamp(after).normalize() + pd.Timedelta(days=1), "ns")
    out = {}
    for r in rings:
        rows = np.asarray(r.claims)
        keep = rows if cut is None else rows[start[rows] >= cut]
        out[r.ring_id] = round(float(fund[keep].sum()), 2)
    return out


def label(status: str, case_status: str) -> str:
    """The words shown for a ring's lineage and carried case status (:data:`WORDS`).

    >>> label("new", ""), label("grown", "in_progress"), label("continuing", "dismissed")
    ('新发现 new since last run', '调查中 under investigation; 扩大 grown', '已排除 dismissed before; 延续 continuing')
    """
    words = WORDS.get(status, status)
    if case_status in INVESTIGATED:
        return f"{WORDS['under_investigation']}; {words}"
    if case_status == "dismissed":
        return f"{WORDS['dismissed']}; {words}"
    return words
