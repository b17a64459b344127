"""Make, detect and judge sixthworld seeds as a user would, with thirdworld's runner (reused, not copied).

`python -m benchmarks.sixthworld.run --seeds 1-6 --work DIR --json R.jsonl [--persons 30000]`: per seed, make
`DIR/wSEED`, run `graphfraud detect` in a fresh process (PYTHONPATH = this checkout; a crash is recorded, not raised;
a refusal is retried once with `--lenient`), judge, and append one JSON line (knobs, summary, detect runs, judge).
Seeds 7 and up are the lead's held-out draw: run them only when the lead says so.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.thirdworld import run as thirdworld_run
from benchmarks.thirdworld.run import seeds_arg

from .make import make


def _maker(seed: int, persons: int, out: Path) -> dict:
    make(seed, persons, out)
    return json.loads((out / "truth.json").read_text(encoding="utf-8"))


def run_seed(seed: int, work: Path, persons: int) -> dict:
    return thirdworld_run.run_seed(seed, work, persons, maker=_maker)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=seeds_arg, required=True)
    ap.add_argument("--persons", type=int, default=30000)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--json", type=Path, required=True, help="JSON-lines records, one per seed (appended)")
    a = ap.parse_args(argv)
    a.work.mkdir(parents=True, exist_ok=True)
    tot = {"found": 0, "planted": 0, "benign": 0}
    for seed in a.seeds:
        rec = run_seed(seed, a.work, a.persons)
        with a.json.open("a", encoding="utf-8") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        j, d = rec["judge"], rec["detect"][-1]
        if j:
            tot["found"] += j["found"]
            tot["planted"] += len(j["planted"])
            tot["benign"] += j["benign_in_top_k"]
        msg = (
            f"found {j['found']}/{len(j['planted'])} F1 {j['f1']} benign {j['benign_in_top_k']}"
            if j
            else f"detect {d['outcome']} rc {d['rc']}"
        )
        print(f"seed {seed}: make {rec['make_seconds']} s, detect {d['seconds']} s: {msg}", file=sys.stderr, flush=True)
    print(f"TOTAL found {tot['found']}/{tot['planted']}, benign in top K {tot['benign']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
