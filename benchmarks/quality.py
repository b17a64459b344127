"""Detection quality on synthetic worlds: the issue-3 acceptance table, and the issue-14 robustness grid.

Default mode: for each seed, ``graphfraud synth`` a world (default 30,000 persons),
``detect`` with default parameters, ``evaluate`` the top 10 against the planted
labels.  Worlds are cached under benchmarks/.worlds/.

Grid mode (``--grid N``): N randomized ``synth --vary`` worlds (seeds 1..N
unless ``--seeds``), each read, detected with default parameters and evaluated
in-process at K = planted + 5 (:func:`benchmarks.grid.evaluate_world`).  Odd
seeds are the TUNE half (choose parameters on them), even seeds the REPORT half
(judge on them); each half gets a table and its worst world.

    python benchmarks/quality.py                  # 5 seeds, 30,000 persons
    python benchmarks/quality.py --seeds 1 2 --persons 5000
    python benchmarks/quality.py --grid 24        # 24 varied worlds of 30,000 persons
    python benchmarks/quality.py --grid 24 --smoke --out quality-grid-smoke.md   # 5,000 persons
    python benchmarks/quality.py --grid 6 --seeds 2 4 6 8 10 12 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(HERE.parent))

from benchmarks._common import header, machine, save  # noqa: E402
from benchmarks.grid import evaluate_world, split, summary  # noqa: E402

COLUMNS = ("seed", "planted", "found in top K", "typology right", "member precision", "member recall",
           "member F1", "benign groups in top K")  # fmt: skip
SMOKE_PERSONS = 5_000

__all__ = ["evaluate_world", "grid", "main"]


def gf(*args: str) -> str:
    cmd = [sys.executable, "-m", "graphfraud.cli", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def evaluate_seed(seed: int, persons: int, top: int, work: Path) -> dict:
    world = work / f"quality-{persons}-{seed}"
    if not (world / "labels.csv").exists():
        gf("synth", str(world), "--persons", str(persons), "--seed", str(seed), "-q")
    out = work / f"quality-{persons}-{seed}-out"
    gf("detect", str(world), "--out", str(out), "-q")
    return json.loads(gf("evaluate", str(out), "--labels", str(world / "labels.csv"), "--top", str(top), "--json"))


def table(rows: list[tuple[int, dict]], top: int) -> str:
    head = [c.replace("K", str(top)) for c in COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for seed, e in rows:
        lines.append(
            f"| {seed} | {e['planted']} | {e['found']} | {e['typology_accuracy']:.0%} | {e['member_precision']:.3f} "
            f"| {e['member_recall']:.3f} | {e['member_f1']:.3f} | {e['benign_in_top']} of {e['benign_groups']} |"
        )
    return "\n".join(lines)


def _one(args: tuple[int, int, Path]) -> dict:
    seed, persons, work = args
    t0 = time.perf_counter()
    row = evaluate_world(seed, persons=persons, work=work)
    row["total_s"] = round(time.perf_counter() - t0, 1)
    print(
        f"seed {seed}: {row.get('found', 'crash')} of {row['planted']} in {row['total_s']} s",
        file=sys.stderr,
        flush=True,
    )
    return row


def grid(seeds: list[int], *, persons: int, work: Path, jobs: int = 1) -> str:
    """Run the grid and return its Markdown report (machine header, TUNE and REPORT halves, timings)."""
    info = machine()
    info["loadavg"] = Path("/proc/loadavg").read_text().strip() + " (at start)"
    info["worlds"] = f"{len(seeds)} x `synth --vary --persons {persons}` (365 days), default detect parameters"
    t0 = time.perf_counter()
    tasks = [(s, persons, work) for s in seeds]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            rows = list(pool.map(_one, tasks))
    else:
        rows = [_one(t) for t in tasks]
    wall = time.perf_counter() - t0
    info["loadavg at end"] = Path("/proc/loadavg").read_text().strip()
    by_seed = {r["seed"]: r for r in rows}
    tune, report = split(seeds)
    parts = [header(f"Robustness grid: {len(seeds)} varied worlds of {persons:,} persons", info)]
    parts.append(
        f"TUNE seeds (odd): {tune}; REPORT seeds (even): {report}. K = planted fraud rings + 5. "
        "A ring is found only when one top-K ring holds at least half of its persons (and is at least "
        "half its members). Missed rings list their drawn knobs and the best share of their persons in "
        "one top-K ring.\n"
    )
    for name, half in (("TUNE", tune), ("REPORT", report)):
        if half:
            parts.append(summary(name, [by_seed[s] for s in half]))
    times = [
        f"{r['seed']}: synth {r['synth_s']} / read {r.get('read_s', '-')} / detect {r.get('detect_s', '-')} / "
        f"all {r['total_s']}"
        for r in rows
    ]
    parts.append(
        f"## Timings\n\nWall {wall:.0f} s for {len(rows)} worlds with {jobs} job(s); per world, seconds "
        "(synth 0 = cached):\n\n" + "\n".join(f"- {t}" for t in times) + "\n"
    )
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=None, help="default: 1..5, or 1..N with --grid N")
    ap.add_argument("--persons", type=int, default=None, help="default 30,000 (5,000 with --smoke)")
    ap.add_argument("--top", type=int, default=10, help="top K of the default mode (the grid uses planted + 5)")
    ap.add_argument("--work", type=Path, default=HERE / ".worlds")
    ap.add_argument("--grid", type=int, default=None, metavar="N", help="randomized grid of N varied worlds")
    ap.add_argument("--smoke", action="store_true", help="grid of small worlds (5,000 persons) for quick iteration")
    ap.add_argument("--jobs", type=int, default=1, help="worlds evaluated at once (grid mode)")
    ap.add_argument("--out", default=None, help="also save the grid report as benchmarks/results/OUT")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.grid is None and not args.smoke:
        persons = args.persons or 30_000
        rows = [(s, evaluate_seed(s, persons, args.top, args.work)) for s in args.seeds or [1, 2, 3, 4, 5]]
        print(table(rows, args.top))
        return 0
    n = args.grid or 24
    seeds = args.seeds or list(range(1, n + 1))
    persons = args.persons or (SMOKE_PERSONS if args.smoke else 30_000)
    text = grid(seeds, persons=persons, work=args.work, jobs=args.jobs)
    print(text)
    if args.out:
        print(f"saved {save(text, args.out)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
