"""graphfraud.score.rerank and .ringrank (issue 17): the verdict learner and the ring re-ranking."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from graphfraud.errors import ParamError
from graphfraud.score.rerank import VerdictModel, blend, model_sha256, top_contributions
from graphfraud.score.ringrank import rerank_rings, ring_matrix, ring_verdicts


@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"fund": rng.normal(size=80), "noise": rng.normal(size=80), "gap": np.nan})
    y = (X["fund"] + 0.3 * rng.normal(size=80) > 0).astype(int).to_numpy()
    return X, y


def test_verdict_model_follows_scikit_learn(toy):
    X, y = toy
    m = VerdictModel(folds=4, seed=3)
    assert m.get_params() == {"folds": 4, "models": ("logistic", "boosting"), "seed": 3}
    assert not [k for k in vars(m) if k.endswith("_")]  # nothing learned before fit
    assert m.fit(X, y) is m
    learned = sorted(k for k in vars(m) if k.endswith("_"))
    assert learned == [
        "cv_auc_",
        "estimator_",
        "feature_names_",
        "medians_",
        "model_name_",
        "n_confirmed_",
        "n_dismissed_",
        "unmeasured_",
    ]
    assert m.cv_auc_[m.model_name_] == max(m.cv_auc_.values()) > 0.85
    p = m.predict_proba(X)[:, 1]
    assert ((p > 0) & (p < 1)).all() and np.corrcoef(p, X["fund"])[0, 1] > 0.8
    c = m.contributions(X)
    assert list(c.columns) == ["fund", "noise", "gap"] and (c["gap"] == 0).all()  # an all-missing feature moves nothing
    assert c["fund"].abs().mean() > c["noise"].abs().mean()
    assert top_contributions(c.head(1))[0][0][0] == "fund"
    again = clone(m).fit(X, y)
    assert model_sha256(again) == model_sha256(m)  # same data and seed, same model file


@pytest.mark.parametrize("kwargs, y, match", [
    ({"models": ("forest",)}, None, "'models' parameter"),
    ({"folds": 1}, None, "'folds' parameter"),
    ({}, np.r_[np.ones(2), np.zeros(78)].astype(int), "at least 3 confirmed and 3 dismissed"),
])  # fmt: skip
def test_verdict_model_errors(toy, kwargs, y, match):
    X, y0 = toy
    with pytest.raises(ParamError, match=match):
        VerdictModel(**kwargs).fit(X, y0 if y is None else y)


def test_blend_weight_is_checked():
    assert blend(np.array([50.0]), np.array([1.0]), weight=0.0).tolist() == [50.0]
    with pytest.raises(ParamError, match="'weight' parameter of blend"):
        blend(np.array([1.0]), np.array([1.0]), weight=2)


@pytest.fixture(scope="module")
def sample_rings():
    from pathlib import Path

    from graphfraud.io.read import read_claims_dir
    from graphfraud.pipeline import run

    result = run(read_claims_dir(Path(__file__).resolve().parents[2] / "data" / "sample"))
    return result.rings, result.explained


def _copy(ring, i, **changes):
    f = dataclasses.replace(ring.features, **changes.pop("features", {}))
    return dataclasses.replace(ring, ring_id=f"{ring.ring_id}-{i}", features=f, **changes)


def test_verdicts_reach_rings_by_id_lineage_and_members(sample_rings):
    rings, explained = sample_rings
    a, b, c = rings[0], rings[1], explained[0]
    persons = [m.entity_id for m in c.members if m.entity_type == "person"]
    cases = pd.DataFrame(
        [("ring", a.ring_id, "confirmed"), ("ring", "OLD", "dismissed")]
        + [("person", p, "dismissed") for p in persons],
        columns=["entity_type", "entity_id", "verdict"],
    )
    y = ring_verdicts([a, b, c], cases, previous={b.ring_id: ["OLD"]})
    assert y.to_dict() == {a.ring_id: 1, b.ring_id: 0, c.ring_id: 0}
    X = ring_matrix([a, b])
    assert "rule_score" in X and X.loc[a.ring_id, "rule_score"] == a.score and "venue" not in X


def test_a_typology_without_verdicts_is_never_buried(sample_rings):
    rings, explained = sample_rings
    base = rings[0]
    judged = base.typology
    confirmed = [_copy(base, i, score=80.0 + i, features={"fund": 1e5 + i}) for i in range(4)]
    dismissed = [_copy(base, 10 + i, score=70.0 + i, features={"fund": 10.0 + i}) for i in range(4)]
    kind = next(r for r in rings if r.typology != judged)
    fresh = _copy(kind, 99, score=75.0, features={"fund": 10.0})  # looks like the dismissed ones
    cases = pd.DataFrame([("ring", r.ring_id, "confirmed") for r in confirmed] + [("ring", r.ring_id, "dismissed") for r in dismissed],
                         columns=["entity_type", "entity_id", "verdict"])  # fmt: skip
    out = rerank_rings(confirmed + dismissed + [fresh], [], cases)
    by_id = {r.ring_id: r for r in out.rings}
    assert by_id[fresh.ring_id].score >= 75.0 and "no verdict on" in by_id[fresh.ring_id].reasons[0].text
    assert max(by_id[r.ring_id].score for r in dismissed) < min(by_id[r.ring_id].score for r in confirmed)
    assert [r.rank for r in out.rings] == list(range(1, len(out.rings) + 1))
    assert all(r.reasons[0].code == "learned" for r in out.rings)
