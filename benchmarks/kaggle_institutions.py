"""Institution ranking on the public Kaggle provider-fraud claims: ROC AUC with and without verdicts.

Converts ``../shared/data/kaggle-provider-fraud/`` (graphfraud.io.kaggle), ranks every
provider with :func:`graphfraud.analyses.institutions.rank_institutions` and measures, on the
labelled half of the providers (the other half's labels are kept elsewhere):

* without cases: ROC AUC of the rule score on the labelled half;
* with cases: stratified K-fold cross-validation within the labelled half, each fold
  calling ``rank_institutions`` with the other folds' verdicts only (ties to confirmed
  cases included) and scoring the held-out providers;
* for comparison, fund paid alone.

    python benchmarks/kaggle_institutions.py                 # 5 folds x 2 repeats
    python benchmarks/kaggle_institutions.py --folds 5 --repeats 1
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from benchmarks._common import header, machine, save, table  # noqa: E402
from graphfraud.analyses.institutions import rank_institutions  # noqa: E402
from graphfraud.io.cases import read_cases  # noqa: E402
from graphfraud.io.kaggle import convert_provider_fraud  # noqa: E402
from graphfraud.io.read import read_claims_dir  # noqa: E402

#: ``shared/`` sits beside the repository (CI); a worktree's may be further up.
SOURCE = next(
    (
        p / "shared" / "data" / "kaggle-provider-fraud"
        for p in HERE.parents
        if (p / "shared" / "data" / "kaggle-provider-fraud").is_dir()
    ),
    Path("../shared/data/kaggle-provider-fraud"),
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, default=SOURCE)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        convert_provider_fraud(args.source, Path(tmp) / "kaggle")
        data = read_claims_dir(Path(tmp) / "kaggle")
        cases = read_cases(Path(tmp) / "kaggle" / "cases.csv")
    y = cases.set_index("entity_id")["verdict"].eq("confirmed").astype(int)
    plain = rank_institutions(data).table.set_index("entity_id")
    rows = [
        {"ranking": "fund paid alone", "ROC AUC": roc_auc_score(y, plain["fund_amount"].reindex(y.index))},
        {"ranking": "rule score, no cases", "ROC AUC": roc_auc_score(y, plain["score"].reindex(y.index))},
    ]
    pooled, per_fold, chosen, inner = [], [], [], []
    for repeat in range(args.repeats):
        predicted = np.zeros(len(y))
        folds = StratifiedKFold(args.folds, shuffle=True, random_state=repeat)
        for train, test in folds.split(np.zeros(len(y)), y.to_numpy()):
            r = rank_institutions(data, cases=cases.iloc[train].reset_index(drop=True), seed=repeat)
            score = r.table.set_index("entity_id")["score"].reindex(y.index[test])
            predicted[test] = score.to_numpy()
            per_fold.append(roc_auc_score(y.iloc[test], score))
            chosen.append(r.model.model_name_)
            inner.append(r.model.cv_auc_)
        pooled.append(roc_auc_score(y, predicted))
    rows.append(
        {
            "ranking": f"learned from cases, {args.folds}-fold CV x {args.repeats} (pooled per repeat)",
            "ROC AUC": float(np.mean(pooled)),
        }
    )
    rows.append(
        {
            "ranking": "  mean of folds (min .. max)",
            "ROC AUC": f"{np.mean(per_fold):.3f} ({min(per_fold):.3f} .. {max(per_fold):.3f})",
        }
    )
    for row in rows:
        if isinstance(row["ROC AUC"], float):
            row["ROC AUC"] = f"{row['ROC AUC']:.3f}"
    info = machine() | {
        "providers labelled": f"{len(y)} ({int(y.sum())} confirmed)",
        "seconds": f"{time.perf_counter() - start:.0f}",
    }
    text = header("Institution ranking on the Kaggle provider-fraud claims (inpatient, labelled half)", info)
    spans = {m: f"{min(a[m] for a in inner):.3f}..{max(a[m] for a in inner):.3f}" for m in inner[0]}
    text += table(rows, ["ranking", "ROC AUC"])
    text += (
        f"\nModel chosen per fold: {', '.join(f'{m} in {chosen.count(m)}' for m in sorted(set(chosen)))} of "
        f"{len(chosen)} folds; inner cross-validated ROC AUC: "
        + ", ".join(f"{m} {span}" for m, span in spans.items())
        + "\n"
    )
    print(text)
    save(text, "kaggle-institutions.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
