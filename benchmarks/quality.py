"""Detection quality on synthetic worlds: the issue-3 acceptance table.

For each seed: ``graphfraud synth`` a world (default 30,000 persons), ``detect``
with default parameters, ``evaluate`` the top 10 against the planted labels.
Worlds are cached under benchmarks/.worlds/.

    python benchmarks/quality.py                  # 5 seeds, 30,000 persons
    python benchmarks/quality.py --seeds 1 2 --persons 5000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ("seed", "planted", "found in top K", "typology right", "member precision", "member recall",
           "member F1", "benign groups in top K")  # fmt: skip


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--persons", type=int, default=30_000)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--work", type=Path, default=HERE / ".worlds")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    rows = [(s, evaluate_seed(s, args.persons, args.top, args.work)) for s in args.seeds]
    print(table(rows, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
