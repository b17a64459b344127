"""Learn from investigators' verdicts: a calibrated classifier that re-ranks.

Verdicts (``confirmed`` / ``dismissed``) on rings or institutions teach a
scikit-learn model which of the measurements scoring already makes
(:class:`graphfraud.score.features.Features`, the rule score among them) go
with confirmed fraud.  :class:`VerdictModel` compares a logistic regression
with gradient boosting by stratified cross-validation (ROC AUC), keeps the
better one and calibrates its probabilities (Platt scaling on
cross-validated predictions).  :meth:`VerdictModel.contributions` says, per
row, how much each feature moved the probability: the probability minus
the probability with that feature set to its training median.

The rule score stays a feature and, in :func:`blend`, half of the final
score, so that a typology nobody has ruled on yet is still ranked by the
rules.  Without verdicts nothing here runs.
"""

from __future__ import annotations

import hashlib
import io
import pickle

import numpy as np
import pandas as pd

from sklearn.base import BaseEstimator

from graphfraud.errors import ParamError

#: The candidate models, compared by cross-validation, in order of preference on a tie.
MODELS = ("logistic", "boosting")
#: Fewest verdicts of each kind (confirmed, dismissed) to learn from.
MIN_PER_CLASS = 3


def _estimator(name: str, seed: int):  # type: ignore[no-untyped-def]
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if name == "logistic":
        return make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler(),
                             LogisticRegression(max_iter=5000))  # fmt: skip
    # gradient boosting reads a missing value as such, but fails on a column missing in every row it is fitted on
    # (a feature measured in few rings, all of them in the other folds): such a column is a constant 0 to it
    return make_pipeline(_EmptyAsZero(), HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_depth=3,
                                                                        min_samples_leaf=5, random_state=seed))  # fmt: skip


class _EmptyAsZero(BaseEstimator):
    """Columns without any value in the rows fitted on become 0; every other column passes as it is."""

    def fit(self, X: np.ndarray, y: np.ndarray | None = None) -> _EmptyAsZero:
        self.empty_ = np.isnan(np.asarray(X, dtype=float)).all(axis=0)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.array(X, dtype=float)
        X[:, self.empty_] = 0.0
        return X

    def fit_transform(self, X: np.ndarray, y: np.ndarray | None = None) -> np.ndarray:
        return self.fit(X, y).transform(X)


def _one_thread():  # type: ignore[no-untyped-def]
    """One OpenMP/BLAS thread: verdict sets are small, and on a busy machine the threads of
    gradient boosting fought each other (a 40-row fit took 24 s instead of 0.8 s, measured)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


class VerdictModel(BaseEstimator):
    """A classifier of confirmed vs dismissed, chosen by cross-validation and calibrated.

    Parameters
    ----------
    models : tuple of str, default ("logistic", "boosting")
        Candidates (:data:`MODELS`); the one with the best cross-validated ROC AUC is kept.
    folds : int, default 5
        Cross-validation folds (fewer when a class has fewer verdicts).
    seed : int, default 0

    Attributes
    ----------
    model_name_ : str
    cv_auc_ : dict
        Cross-validated ROC AUC of every candidate, rounded to 4 decimals.
    estimator_ : CalibratedClassifierCV
    feature_names_ : list of str
    medians_ : ndarray
        Training median of each feature (the reference of :meth:`contributions`).
    n_confirmed_, n_dismissed_ : int
    unmeasured_ : list of str
        Features missing in every training row (given to the model as 0).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"fund": rng.normal(size=60), "noise": rng.normal(size=60)})
    >>> y = (X["fund"] > 0).astype(int).to_numpy()
    >>> m = VerdictModel(folds=3).fit(X, y)
    >>> m.cv_auc_[m.model_name_] > 0.9, m.predict_proba(X).shape
    (True, (60, 2))
    """

    def __init__(self, *, models: tuple[str, ...] = MODELS, folds: int = 5, seed: int = 0) -> None:
        self.models = models
        self.folds = folds
        self.seed = seed

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> VerdictModel:
        """Compare the candidates by cross-validation, then fit the best one calibrated on all rows.

        ``y`` is 1 for confirmed, 0 for dismissed.  Raises ParamError for an
        unknown model, or fewer than :data:`MIN_PER_CLASS` verdicts of a kind.
        """
        with _one_thread():
            return self._fit(X, y)

    def _fit(self, X: pd.DataFrame, y: np.ndarray) -> VerdictModel:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        unknown = [m for m in self.models if m not in MODELS]
        if unknown or not self.models:
            raise ParamError(
                f"The 'models' parameter of VerdictModel must be some of {MODELS}. Got {self.models!r} instead."
            )
        if not isinstance(self.folds, int) or self.folds < 2:
            raise ParamError(f"The 'folds' parameter of VerdictModel must be an int >= 2. Got {self.folds!r} instead.")
        y = np.asarray(y, dtype=int)
        n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
        if min(n_pos, n_neg) < MIN_PER_CLASS:
            raise ParamError(
                f"learning from verdicts needs at least {MIN_PER_CLASS} confirmed and {MIN_PER_CLASS} "
                f"dismissed cases that match this data; got {n_pos} confirmed and {n_neg} dismissed"
            )
        X = X.astype(float)
        # A feature never measured (off-hours share on day-resolution data) is constant 0 to the model.
        self.unmeasured_ = [c for c in X.columns if X[c].isna().all()]
        X = X.fillna({c: 0.0 for c in self.unmeasured_})
        k = min(self.folds, n_pos, n_neg)
        cv = StratifiedKFold(k, shuffle=True, random_state=self.seed)
        self.cv_auc_ = {}
        for name in self.models:
            p = cross_val_predict(_estimator(name, self.seed), X, y, cv=cv, method="predict_proba")[:, 1]
            self.cv_auc_[name] = round(float(roc_auc_score(y, p)), 4)
        self.model_name_ = max(self.models, key=lambda m: (self.cv_auc_[m], -self.models.index(m)))
        self.estimator_ = CalibratedClassifierCV(_estimator(self.model_name_, self.seed), method="sigmoid", cv=cv)
        self.estimator_.fit(X, y)
        self.feature_names_ = list(X.columns)
        med = X.median().to_numpy(dtype=float)
        self.medians_ = np.where(np.isnan(med), 0.0, med)
        self.n_confirmed_, self.n_dismissed_ = n_pos, n_neg
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probabilities, columns (dismissed, confirmed)."""
        X = X[self.feature_names_].astype(float).fillna({c: 0.0 for c in self.unmeasured_})
        with _one_thread():
            return self.estimator_.predict_proba(X)

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per row and feature: P(confirmed) minus P(confirmed) with the feature at its training median."""
        X = X[self.feature_names_].astype(float)
        base = self.predict_proba(X)[:, 1]
        out = {}
        for j, name in enumerate(self.feature_names_):
            moved = X.copy()
            moved[name] = self.medians_[j]
            out[name] = base - self.predict_proba(moved)[:, 1]
        return pd.DataFrame(out, index=X.index)

    def record(self) -> dict:
        """What ``run.json`` records of the model (the file's hash is added by :func:`save`)."""
        return {
            "model": self.model_name_,
            "cv_roc_auc": self.cv_auc_,
            "calibration": "sigmoid",
            "confirmed": self.n_confirmed_,
            "dismissed": self.n_dismissed_,
            "features": self.feature_names_,
        }


def model_bytes(model: VerdictModel) -> bytes:
    """The pickled model (what :func:`save` writes)."""
    buffer = io.BytesIO()
    pickle.dump(model, buffer, protocol=5)
    return buffer.getvalue()


def model_sha256(model: VerdictModel) -> str:
    return hashlib.sha256(model_bytes(model)).hexdigest()


def blend(rule_score: np.ndarray, probability: np.ndarray, *, weight: float = 0.5) -> np.ndarray:
    """The re-ranked score, 0..100: ``weight`` x learned probability + the rest x rule score.

    >>> blend(np.array([80.0, 20.0]), np.array([0.1, 0.9])).tolist()
    [45.0, 55.0]
    """
    if not 0 <= weight <= 1:
        raise ParamError(f"The 'weight' parameter of blend must be a float in [0, 1]. Got {weight!r} instead.")
    return np.round(weight * 100 * np.asarray(probability) + (1 - weight) * np.asarray(rule_score, dtype=float), 2)


def top_contributions(contributions: pd.DataFrame, *, n: int = 3) -> list[list[tuple[str, float]]]:
    """Per row, the ``n`` features that moved the probability most (largest absolute change first)."""
    names = np.asarray(contributions.columns)
    values = contributions.to_numpy()
    out = []
    for row in values:
        order = np.lexsort((names, -np.abs(row)))[:n]
        out.append([(str(names[i]), float(row[i])) for i in order if abs(row[i]) >= 0.005])
    return out
