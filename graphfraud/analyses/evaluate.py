"""Compare reported rings with ground-truth labels (synthetic worlds, confirmed cases).

A planted ring counts as **found** when one reported ring in the top K holds
at least half of its persons and at least half of that reported ring's
persons are its members.  A benign group (``benign:*``) **reaches** the top K
under the same two-sided rule.  A ring reported in pieces is therefore not
found however many pieces reach the top K: per planted ring, ``matches`` also
gives ``best_share`` (the largest share of its persons in one top-K reported
ring) and ``fragments`` (how many top-K reported rings hold any of its persons).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Evaluation:
    """Ring- and member-level quality of one run against labels."""

    top: int
    planted: int
    found: int
    recall: float
    typology_right: int
    typology_accuracy: float
    member_precision: float
    member_recall: float
    member_f1: float
    benign_groups: int
    benign_in_top: int
    matches: pd.DataFrame = field(
        repr=False
    )  # per planted ring: rank, reported typology, persons, best_share, fragments

    def summary(self) -> str:
        lines = [
            f"planted fraud rings      {self.planted}",
            f"found in top {self.top:<11d} {self.found} (recall {self.recall:.2f})",
            f"typology right           {self.typology_right} of {self.found} ({self.typology_accuracy:.2f})",
            f"member precision         {self.member_precision:.3f}",
            f"member recall            {self.member_recall:.3f}",
            f"member F1                {self.member_f1:.3f}",
            f"benign groups in top {self.top:<3d} {self.benign_in_top} of {self.benign_groups}",
        ]
        return "\n".join(lines)


def _match(truth: set[str], reported: set[str]) -> bool:
    common = len(truth & reported)
    return bool(truth) and bool(reported) and common >= 0.5 * len(truth) and common >= 0.5 * len(reported)


def evaluate(rings: pd.DataFrame, members: pd.DataFrame, labels: pd.DataFrame, *, top: int = 10) -> Evaluation:
    """Evaluate ``rings.csv``/``ring_members.csv`` frames against a ``labels.csv`` frame.

    Parameters
    ----------
    rings, members : DataFrame
        As written by ``detect`` (contract columns).
    labels : DataFrame
        ``ring_id, typology, entity_type, entity_id``; ``benign:*`` ring ids are benign groups.
    top : int, default 10
        Only the ``top`` best-ranked reported rings count.

    Examples
    --------
    >>> rings = pd.DataFrame({"rank": [1], "ring_id": ["R1"], "typology": ["staged_clinic"]})
    >>> members = pd.DataFrame({"ring_id": "R1", "entity_type": "person", "entity_id": ["1", "2", "3"]})
    >>> labels = pd.DataFrame({"ring_id": "s:1", "typology": "staged_clinic",
    ...                        "entity_type": "person", "entity_id": ["1", "2", "4"]})
    >>> e = evaluate(rings, members, labels)
    >>> e.found, e.typology_right, round(e.member_f1, 3)
    (1, 1, 0.667)
    >>> e.matches[["persons", "best_share", "fragments"]].to_dict("records")
    [{'persons': 3, 'best_share': 0.667, 'fragments': 1}]
    """
    best = rings.sort_values("rank").head(top)
    kept = members[members["ring_id"].isin(best["ring_id"])]
    labels = labels.astype({"entity_id": str, "ring_id": str})
    kept = kept.astype({"entity_id": str})
    benign = labels["ring_id"].str.startswith("benign:")
    fraud = labels[~benign]
    reported = {rid: set(g.loc[g["entity_type"] == "person", "entity_id"]) for rid, g in kept.groupby("ring_id")}
    typ = dict(zip(best["ring_id"], best["typology"], strict=True))
    rank = dict(zip(best["ring_id"], best["rank"], strict=True))
    rows = []
    for rid, g in fraud.groupby("ring_id", sort=True):
        persons = set(g.loc[g["entity_type"] == "person", "entity_id"])
        hit = sorted((rank[r], r) for r, p in reported.items() if _match(persons, p))
        r = hit[0][1] if hit else None
        shares = [len(persons & p) for p in reported.values()]
        rows.append(
            {
                "ring_id": rid,
                "typology": g["typology"].iloc[0],
                "rank": rank[r] if r else None,
                "reported_typology": typ[r] if r else None,
                "persons": len(persons),
                "best_share": round(max(shares, default=0) / len(persons), 3) if persons else 0.0,
                "fragments": sum(n > 0 for n in shares),
            }
        )
    matches = pd.DataFrame(
        rows, columns=["ring_id", "typology", "rank", "reported_typology", "persons", "best_share", "fragments"]
    )
    found = int(matches["rank"].notna().sum())
    right = int((matches["typology"] == matches["reported_typology"]).sum())
    truth = set(zip(fraud["entity_type"], fraud["entity_id"], strict=True))
    pred = set(zip(kept["entity_type"], kept["entity_id"], strict=True))
    tp = len(truth & pred)
    precision = tp / len(pred) if pred else 0.0
    recall_m = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall_m / (precision + recall_m) if precision + recall_m else 0.0
    benign_hits = 0
    groups = labels[benign].groupby("ring_id")
    for _, g in groups:
        persons = set(g.loc[g["entity_type"] == "person", "entity_id"])
        benign_hits += any(_match(persons, p) for p in reported.values())
    planted = len(matches)
    return Evaluation(
        top=top,
        planted=planted,
        found=found,
        recall=found / planted if planted else 1.0,
        typology_right=right,
        typology_accuracy=right / found if found else 0.0,
        member_precision=precision,
        member_recall=recall_m,
        member_f1=f1,
        benign_groups=groups.ngroups,
        benign_in_top=benign_hits,
        matches=matches,
    )
