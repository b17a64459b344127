"""Re-rank one run's rings with what investigators ruled on earlier rings.

Verdicts (``cases.csv``: ``entity_type,entity_id,verdict``) reach this run's
rings in three ways, first match wins:

1. a ring verdict on the ring's own id;
2. a ring verdict on a ring of the previous run this ring continues
   (``previous``: current ring id -> previous ring ids, from the lineage);
3. verdicts on its members: a confirmed member makes the ring confirmed;
   dismissed persons covering at least half of its persons make it dismissed.

The rings and the dense groups set apart as legitimate care (``explained``)
with a verdict train a :class:`graphfraud.score.rerank.VerdictModel` on
:func:`ring_matrix` (every numeric :class:`~graphfraud.score.features.Features`
field and the rule score); each ranked ring's score becomes
:func:`~graphfraud.score.rerank.blend` of its rule score and the calibrated
probability, with a ``learned`` reason naming the features that moved it.
A ring of a typology no verdict has reached keeps at least its rule score:
the model has not seen its kind, so it may raise it but never bury it
(measured: without this, a held-out typology fell out of the top 12 on one
of three benchmark worlds, benchmarks/results/feedback.md).
"""

from __future__ import annotations

import dataclasses


import numpy as np
import pandas as pd

from graphfraud.params import ScoreParams
from graphfraud.score.alerts import alert
from graphfraud.score.features import Features
from graphfraud.score.reasons import Reason
from graphfraud.score.rerank import VerdictModel, blend, top_contributions
from graphfraud.score.rings import Ring

#: Features fields that are codes or text, not measurements (a text field is never one, listed or not).
NOT_MEASURED = ("venue", "phone_hub", "top_diagnosis", "inferred_kind")
#: Counts and money, given to the model as log(1 + x).
_LOG = ("persons", "claims", "fund", "event_days", "sessions", "regulars", "venue_fund_per_claim", "ring_fund_per_claim",
        "out_of_region", "phone_hub_persons", "phone_hub_addresses", "top_address_persons", "addresses", "top_phone_persons",
        "dup_trace_claims", "after_death_claims", "split_admissions")  # fmt: skip


def ring_matrix(rings: list[Ring]) -> pd.DataFrame:
    """One row per ring (index ring_id): numeric Features fields (counts and money as log1p) and ``rule_score``."""
    names = [f.name for f in dataclasses.fields(Features) if f.name not in NOT_MEASURED and f.type not in (str, "str")]
    rows = [[float(getattr(r.features, n)) for n in names] + [float(r.score)] for r in rings]
    X = pd.DataFrame(rows, columns=names + ["rule_score"], index=[r.ring_id for r in rings], dtype=float)
    for column in _LOG:
        X[column] = np.log1p(X[column].clip(lower=0))
    return X


def ring_verdicts(rings: list[Ring], cases: pd.DataFrame, *, previous: dict[str, list[str]] | None = None) -> pd.Series:
    """1 (confirmed) / 0 (dismissed) for the rings a verdict reaches; index ring_id."""
    ring_cases = cases[cases["entity_type"] == "ring"].set_index("entity_id")["verdict"]
    entity = {(t, i): v for t, i, v in cases[cases["entity_type"] != "ring"].itertuples(index=False)}
    out = {}
    for r in rings:
        verdict = ring_cases.get(r.ring_id)
        for p in (previous or {}).get(r.ring_id, []):
            verdict = verdict or ring_cases.get(p)
        if verdict is None:
            said = [entity.get((m.entity_type, m.entity_id)) for m in r.members]
            persons = [entity.get((m.entity_type, m.entity_id)) for m in r.members if m.entity_type == "person"]
            if "confirmed" in said:
                verdict = "confirmed"
            elif persons and sum(v == "dismissed" for v in persons) >= 0.5 * len(persons):
                verdict = "dismissed"
        if verdict is not None:
            out[r.ring_id] = int(verdict == "confirmed")
    return pd.Series(out, dtype=int)


@dataclasses.dataclass(frozen=True)
class Reranked:
    """Re-ranked rings, the fitted model and its record for ``run.json``."""

    rings: list[Ring]
    model: VerdictModel
    verdicts: pd.Series


def rerank_rings(
    rings: list[Ring],
    explained: list[Ring],
    cases: pd.DataFrame,
    *,
    previous: dict[str, list[str]] | None = None,
    params: ScoreParams = ScoreParams(),
    weight: float = 0.5,
    seed: int = 0,
) -> Reranked:
    """Learn from the verdicts that reach ``rings`` and ``explained``, and re-rank ``rings``.

    Raises ParamError (from :class:`VerdictModel`) when fewer than three
    confirmed or dismissed rings carry a verdict.
    """
    pool = rings + [r for r in explained if r.ring_id not in {x.ring_id for x in rings}]
    y = ring_verdicts(pool, cases, previous=previous)
    X = ring_matrix(pool)
    model = VerdictModel(seed=seed).fit(X.loc[y.index], y.to_numpy())
    X = X.iloc[: len(rings)]
    probability = model.predict_proba(X)[:, 1] if len(rings) else np.zeros(0)
    scores = blend(X["rule_score"].to_numpy(), probability, weight=weight)
    # A typology nobody has ruled on is outside what the model learned: it may raise such a ring, never lower it.
    judged = {r.typology for r in pool if r.ring_id in y.index}
    unjudged = np.array([r.typology not in judged for r in rings], dtype=bool)
    scores = np.where(unjudged, np.maximum(scores, X["rule_score"].to_numpy()), scores)
    tops = top_contributions(model.contributions(X)) if len(rings) else []
    out = []
    for r, p, s, top, new in zip(rings, probability, scores, tops, unjudged):
        moved = ", ".join(f"{name} {value:+.2f}" for name, value in top) or "no single feature"
        if new:
            moved += f"; no verdict on {r.typology} yet, so never below its rule score"
        reason = Reason("learned", {"verdicts": int(len(y)), "probability": float(p), "model": model.model_name_,
                                    "rule": float(r.score), "top": moved}, float(p), 0.5, 0.0)  # fmt: skip
        out.append(dataclasses.replace(r, score=float(s), alert=alert(float(s), params), reasons=(reason, *r.reasons)))
    out.sort(key=lambda r: (-r.score, r.ring_id))
    return Reranked([dataclasses.replace(r, rank=i + 1) for i, r in enumerate(out)], model, y)
