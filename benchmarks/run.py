"""Benchmark ``graphfraud detect`` against the obvious pipeline on synthetic worlds.

For each tier (a synth world of about 100k, 1M or 10M claims) this script
makes or reuses the world under ``benchmarks/.worlds/``, then runs, each in a
fresh interpreter so that peak memory is per job:

- graphfraud on CSV and on Parquet input: read+validate, graph, each
  detector, scoring, writing the outputs; total wall time; peak RSS;
- the baseline (``baseline.py``) on the CSV input when there is one, else
  Parquet: pandas read, self-merge of same-venue-same-day visits, networkx
  Louvain, rank by fund; it is skipped with a note when its own guard says
  the merge would not fit the memory budget;

and the quality of both with ``graphfraud.analyses.evaluate`` (top K = planted fraud
rings + 5).  The tables go to stdout and to ``benchmarks/results/``.

Examples::

    python benchmarks/run.py                      # tiers 100k and 1M, a few minutes
    python benchmarks/run.py --tiers 10M --formats parquet --world 10M=/tmp/w1m
    python benchmarks/run.py --tiers 3000 --out /tmp/tiny.md   # a custom tier of 3000 persons
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import HERE, header, machine, run_job, save, table  # noqa: E402
from baseline import BYTES_PER_MERGED_ROW  # noqa: E402

#: Tier name -> persons of the synth world (about 10 claims per person a year).
TIERS = {"100k": 10_000, "1M": 100_000, "10M": 1_000_000}
WORLDS = HERE / ".worlds"

STAGE_COLUMNS = ["read+validate", "graph", "detect:covisit", "detect:coadmit", "detect:steering", "score", "write"]
BASELINE_STAGES = ["read", "pairs", "louvain", "rank"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def persons_of(tier: str) -> int:
    if tier in TIERS:
        return TIERS[tier]
    if tier.isdigit() and int(tier) >= 200:
        return int(tier)
    raise SystemExit(f"--tiers: unknown tier {tier!r}; use {', '.join(TIERS)} or a number of persons >= 200")


def worlds(tier: str, formats: list[str], *, seed: int, given: dict[str, Path], cache: Path) -> dict[str, Path]:
    """The world directory of ``tier`` per format: given with --world, cached, or made now (one synth job)."""
    if tier in given:
        return {f: given[tier] for f in formats if (given[tier] / f"claims.{f}").exists()}
    base = cache / f"p{persons_of(tier)}-s{seed}"
    missing = [f for f in formats if not (base / f / ".complete").exists()]
    if missing:
        log(f"[{tier}] making a world of {persons_of(tier):,} persons (seed {seed}) as {', '.join(missing)} in {base}")
        r = run_job(
            [
                "synth",
                str(base),
                "--persons",
                str(persons_of(tier)),
                "--seed",
                str(seed),
                "--formats",
                ",".join(missing),
            ]
        )
        if "error" in r:
            raise SystemExit(f"synth failed for tier {tier}: {r['error']}")
    return {f: base / f for f in formats}


def row_of(tier: str, pipeline: str, fmt: str, r: dict) -> dict:
    q = r.get("quality", {})
    row = {
        "tier": tier,
        "claims": r.get("claims"),
        "pipeline": pipeline,
        "input": fmt,
        "total s": r.get("total_s"),
        "peak GB": r.get("peak_gb"),
        "top K": q.get("top"),
        "found": f"{q['found']}/{q['planted']}" if q else None,
        "recall": q.get("recall"),
        "typology right": q.get("typology_right"),
        "member F1": q.get("member_f1"),
        "benign in top K": f"{q['benign_in_top']}/{q['benign_groups']}" if q else None,
        "note": r.get("error") or r.get("skipped") or "",
    }
    row.update({k: v for k, v in r.get("stages", {}).items()})
    stats = r.get("stats", {})
    row.update(
        {
            "merge rows": stats.get("merge_rows"),
            "pairs >= 2 days": stats.get("pairs"),
            "communities": stats.get("communities"),
        }
    )
    return row


def bench_tier(
    tier: str, formats: list[str], *, seed: int, baseline: bool, budget_gb: float, given: dict[str, Path], cache: Path
) -> list[dict]:
    rows = []
    dirs = worlds(tier, formats, seed=seed, given=given, cache=cache)
    for fmt, d in dirs.items():
        with tempfile.TemporaryDirectory(prefix="gf-bench-") as out:
            log(f"[{tier}] graphfraud on {fmt}")
            r = run_job(["graphfraud", str(d), "--out", str(Path(out) / "run")])
        rows.append(row_of(tier, "graphfraud", fmt, r))
    if baseline and dirs:
        fmt = "csv" if "csv" in dirs else next(iter(dirs))
        log(f"[{tier}] baseline on {fmt} (budget {budget_gb:g} GB)")
        r = run_job(
            ["baseline", str(dirs[fmt]), "--budget-gb", str(budget_gb), "--limit-note", f"{budget_gb + 4:g} GB"],
            limit_gb=budget_gb + 4,
        )
        rows.append(row_of(tier, "baseline", fmt, r))
        gf = next((x for x in rows if x["pipeline"] == "graphfraud" and x["input"] == fmt), None)
        b = rows[-1]
        if gf and gf["total s"] and b["total s"]:
            b["time ratio"] = gf["time ratio"] = gf["total s"] / b["total s"]
            b["memory ratio"] = gf["memory ratio"] = gf["peak GB"] / b["peak GB"]
    return rows


def report(rows: list[dict], info: dict[str, str], *, budget_gb: float) -> str:
    gf = [r for r in rows if r["pipeline"] == "graphfraud"]
    bl = [r for r in rows if r["pipeline"] == "baseline"]
    text = header("graphfraud benchmark: stages, baseline, quality", info)
    text += (
        "\nEach job ran in a fresh interpreter; peak GB is that job's `ru_maxrss`. Ratios are "
        "graphfraud / baseline on the same input in the same run (below 1: graphfraud is faster or "
        "smaller). Quality: `graphfraud.analyses.evaluate` with top K = planted fraud rings + 5.\n"
    )
    text += "\n## graphfraud, seconds per stage\n\n"
    text += table(gf, ["tier", "claims", "input", *STAGE_COLUMNS, "total s", "peak GB", "note"])
    if bl:
        text += "\n## baseline (pandas self-merge + networkx Louvain), seconds per stage\n\n"
        text += table(
            bl,
            [
                "tier",
                "claims",
                "input",
                *BASELINE_STAGES,
                "total s",
                "peak GB",
                "merge rows",
                "pairs >= 2 days",
                "communities",
                "note",
            ],
        )
        text += (
            f"\nThe baseline refuses a tier when its self-merge (sum of n^2 rows over venue-days, "
            f"~{BYTES_PER_MERGED_ROW} bytes each, measured) would exceed {budget_gb:g} GB; a `ulimit -v` of {budget_gb + 4:g} GB backs that up.\n"
        )
    text += "\n## graphfraud vs baseline: time, memory, quality\n\n"
    both = sorted(gf + bl, key=lambda r: [x["tier"] for x in rows].index(r["tier"]))  # stable: by tier
    text += table(
        both,
        [
            "tier",
            "claims",
            "pipeline",
            "input",
            "total s",
            "peak GB",
            "time ratio",
            "memory ratio",
            "top K",
            "found",
            "recall",
            "typology right",
            "member F1",
            "benign in top K",
        ],
    )
    return text


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tiers", default="100k,1M", help="comma-separated: 100k, 1M, 10M or a number of persons")
    p.add_argument("--formats", default="csv,parquet", help="input formats for graphfraud (csv, parquet)")
    p.add_argument("--seed", type=int, default=1, help="seed of the synth worlds")
    p.add_argument("--no-baseline", action="store_true", help="run graphfraud only")
    p.add_argument("--budget-gb", type=float, default=8.0, help="memory budget of the baseline's self-merge")
    p.add_argument(
        "--world",
        action="append",
        default=[],
        metavar="TIER=DIR",
        help="use an existing claims directory for a tier (e.g. 10M=/tmp/w1m)",
    )
    p.add_argument("--worlds", type=Path, default=WORLDS, help="cache of synth worlds [benchmarks/.worlds]")
    p.add_argument("--out", help="Markdown file to write [benchmarks/results/tiers-TIERS.md]")
    p.add_argument("--clean", action="store_true", help="delete the cached worlds of these tiers afterwards")
    a = p.parse_args(argv)
    tiers = [t.strip() for t in a.tiers.split(",") if t.strip()]
    formats = [f.strip() for f in a.formats.split(",") if f.strip()]
    if bad := set(formats) - {"csv", "parquet"}:
        raise SystemExit(f"--formats: unknown {', '.join(sorted(bad))}; use csv, parquet")
    given = {}
    for spec in a.world:
        tier, _, d = spec.partition("=")
        given[tier] = Path(d)
    info = machine() | {"tiers": ", ".join(f"{t} ({persons_of(t):,} persons)" for t in tiers), "seed": str(a.seed)}
    rows: list[dict] = []
    for tier in tiers:
        rows += bench_tier(
            tier, formats, seed=a.seed, baseline=not a.no_baseline, budget_gb=a.budget_gb, given=given, cache=a.worlds
        )
        if a.clean and tier not in given:
            shutil.rmtree(a.worlds / f"p{persons_of(tier)}-s{a.seed}", ignore_errors=True)
    text = report(rows, info, budget_gb=a.budget_gb)
    print(text)
    if a.out:
        Path(a.out).write_text(text, encoding="utf-8")
    else:
        log(f"written to {save(text, 'tiers-' + '-'.join(tiers) + '.md')}")


if __name__ == "__main__":
    main()
