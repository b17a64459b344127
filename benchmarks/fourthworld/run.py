"""Make, detect and judge each seed: `python -m benchmarks.fourthworld.run --seeds 10-17 --work DIR --json RECORDS`.

detect runs as a user runs it, through thirdworld's runner (a fresh `python -m graphfraud.cli detect W --out O`
with PYTHONPATH set to this checkout; a crash is recorded, a refusal retried once with --lenient). One JSON line per
seed is appended to RECORDS; a line per seed and the totals go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.thirdworld import run as thirdworld_run
from benchmarks.thirdworld.run import seeds_arg

from .make import make


def run_seed(seed: int, work: Path, persons: int) -> dict:
    """Make world `work/wSEED`, detect into `work/wSEED-out`, judge: thirdworld's runner with this generator."""
    return thirdworld_run.run_seed(seed, work, persons, maker=make)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=seeds_arg, required=True, help="e.g. 10-17 or 10,12")
    ap.add_argument("--persons", type=int, default=30000)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--json", type=Path, required=True, help="JSON-lines records, one per seed (appended)")
    a = ap.parse_args(argv)
    a.work.mkdir(parents=True, exist_ok=True)
    tot = {"found": 0, "fragmented": 0, "planted": 0, "typology_right": 0, "benign_in_top_k": 0, "failed": 0}
    worst: tuple[float, int] | None = None
    for seed in a.seeds:
        rec = run_seed(seed, a.work, a.persons)
        with a.json.open("a", encoding="utf-8") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        j, d = rec["judge"], rec["detect"][-1]
        if j:
            for key in ("found", "fragmented", "typology_right", "benign_in_top_k"):
                tot[key] += j[key]
            tot["planted"] += len(j["planted"])
            worst = min(worst or (j["f1"], seed), (j["f1"], seed))
            msg = f"found {j['found']}/{len(j['planted'])} frag {j['fragmented']} F1 {j['f1']} benign {j['benign_in_top_k']}"
        else:
            tot["failed"] += 1
            msg = f"detect {d['outcome']} rc {d['rc']}"
        print(f"seed {seed}: make {rec['make_seconds']} s, detect {d['seconds']} s: {msg}", file=sys.stderr, flush=True)
    print(
        f"TOTAL found {tot['found']}/{tot['planted']} frag {tot['fragmented']} typology {tot['typology_right']} "
        f"benign {tot['benign_in_top_k']} detect failures {tot['failed']}"
        + (f" worst F1 {worst[0]} (seed {worst[1]})" if worst else ""),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
