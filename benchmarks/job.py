"""One measured benchmark job, run in a fresh interpreter by ``run.py`` and ``sweep.py``.

Usage (prints one JSON line on stdout; progress on stderr)::

    python benchmarks/job.py synth OUT_DIR --persons N --seed S --formats csv,parquet
    python benchmarks/job.py graphfraud DATA_DIR --out OUT_DIR [--seed 0]
    python benchmarks/job.py baseline DATA_DIR [--seed 0] [--budget-gb 8]

Peak memory is this process's ``ru_maxrss``, so each job's figure is its own.
Quality (``evaluate``, top K = planted fraud rings + 5) is computed after the
clock and the memory figure are taken, against ``labels.*`` in the data dir.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import peak_gb  # noqa: E402


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def read_labels(data_dir: Path):  # type: ignore[no-untyped-def]
    import pandas as pd

    if (data_dir / "labels.parquet").exists():
        labels = pd.read_parquet(data_dir / "labels.parquet")
    else:
        labels = pd.read_csv(data_dir / "labels.csv", dtype=str)
    return labels.astype(str)


def top_k(labels) -> int:  # type: ignore[no-untyped-def]
    """Planted fraud rings + 5."""
    return int((~labels["ring_id"].drop_duplicates().str.startswith("benign:")).sum()) + 5


def quality(rings, members, labels) -> dict:  # type: ignore[no-untyped-def]
    from graphfraud.analyses.evaluate import evaluate

    k = top_k(labels)
    e = evaluate(rings, members, labels, top=k)
    return {
        "top": k,
        "planted": e.planted,
        "found": e.found,
        "recall": e.recall,
        "typology_right": e.typology_right,
        "member_precision": e.member_precision,
        "member_recall": e.member_recall,
        "member_f1": e.member_f1,
        "benign_groups": e.benign_groups,
        "benign_in_top": e.benign_in_top,
    }


def job_synth(a: argparse.Namespace) -> dict:
    from graphfraud.synth import SynthParams, make_world, write_world

    start = time.perf_counter()
    data, labels = make_world(SynthParams(persons=a.persons, days=a.days, seed=a.seed))
    for fmt in a.formats.split(","):
        out = Path(a.data) / fmt
        write_world(data, labels, out, fmt=fmt)
        (out / ".complete").write_text(f"{len(data.claims)}\n")
    return {"claims": len(data.claims), "persons": len(data.persons), "seconds": time.perf_counter() - start}


def job_graphfraud(a: argparse.Namespace) -> dict:
    from graphfraud.io.memory import small_pages
    from graphfraud.io.read import read_claims_dir
    from graphfraud.params import ReadParams, RunParams
    from graphfraud.pipeline import UNUSED_COLUMNS, run, write_outputs
    from graphfraud.score.rings import members_table, rings_table

    small_pages()  # as the CLI's detect (graphfraud.cli.common.read_logged)
    start = time.perf_counter()
    data = read_claims_dir(a.data, ReadParams(), skip=UNUSED_COLUMNS)
    read_s = time.perf_counter() - start
    log(f"read+validate: {read_s:.1f} s (peak {peak_gb():.2f} GB)")
    result = run(data, RunParams(seed=a.seed), log=log)
    clock = time.perf_counter()
    write_outputs(result, data, a.out)
    write_s = time.perf_counter() - clock
    total = time.perf_counter() - start
    stages = {"read+validate": read_s, **result.timings, "write": write_s}
    out = {
        "claims": len(data.claims),
        "stages": stages,
        "total_s": total,
        "peak_gb": peak_gb(),
        "rings": len(result.rings),
    }
    out["quality"] = quality(rings_table(result.rings), members_table(result.rings), read_labels(Path(a.data)))
    return out


def job_baseline(a: argparse.Namespace) -> dict:
    from baseline import OverBudget, run_baseline

    start = time.perf_counter()
    try:
        r = run_baseline(a.data, seed=a.seed, budget_gb=a.budget_gb, log=log)
    except OverBudget as exc:
        return {
            "skipped": f"out of memory budget: {exc}",
            "peak_gb": peak_gb(),
            "claims": exc.stats["claims"],
            "stats": exc.stats,
            "seconds_before_skip": time.perf_counter() - start,
        }
    except MemoryError:
        return {
            "skipped": f"out of memory budget: MemoryError under the {a.limit_note} address-space cap",
            "peak_gb": peak_gb(),
        }
    total = time.perf_counter() - start
    out = {
        "claims": r.stats["claims"],
        "stages": r.timings,
        "total_s": total,
        "peak_gb": peak_gb(),
        "rings": len(r.rings),
        "stats": r.stats,
    }
    out["quality"] = quality(r.rings, r.members, read_labels(Path(a.data)))
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["synth", "graphfraud", "baseline"])
    p.add_argument("data", help="claims directory (synth: the world directory to create)")
    p.add_argument("--out", help="graphfraud: output directory")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--persons", type=int, default=10_000)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--formats", default="csv,parquet")
    p.add_argument("--budget-gb", type=float, default=8.0)
    p.add_argument("--limit-note", default="ulimit -v")
    a = p.parse_args(argv)
    result = {"synth": job_synth, "graphfraud": job_graphfraud, "baseline": job_baseline}[a.kind](a)
    print(json.dumps(result, default=float))


if __name__ == "__main__":
    main()
