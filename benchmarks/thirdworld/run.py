"""Make, detect and judge each seed: `python -m benchmarks.thirdworld.run --seeds 1-4 --work DIR --json RECORDS`.

detect runs as a user runs it: a fresh `python -m graphfraud.cli detect W --out O` with PYTHONPATH set to this
checkout. A crash (a traceback) is recorded, not raised; a refusal (an error message, no traceback) is retried
once with --lenient.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .judge import judge_dirs
from .make import make

ROOT = Path(__file__).resolve().parents[2]


def seeds_arg(text: str) -> list[int]:
    """'1-4' or '1,3,7' -> seeds.

    >>> seeds_arg("1-3,7")
    [1, 2, 3, 7]
    """
    out: list[int] = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b or a) + 1))
    return out


def detect(data: Path, out: Path, *, lenient: bool = False, timeout: int = 1800) -> dict:
    """One detect run in a fresh process; returns rc, seconds, outcome and the tail of stderr."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "graphfraud.cli", "detect", str(data), "--out", str(out)] + (
        ["--lenient"] if lenient else []
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
        rc, err = p.returncode, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, err = -1, f"timeout after {timeout} s\n{e.stderr or ''}"
    outcome = "ok" if rc == 0 else "crash" if "Traceback (most recent call last)" in err or rc < 0 else "refused"
    return {
        "cmd": " ".join(cmd[1:]),
        "rc": rc,
        "seconds": round(time.perf_counter() - t, 1),
        "outcome": outcome,
        "lenient": lenient,
        "stderr_tail": err[-4000:] if rc else "",
    }


def run_seed(seed: int, work: Path, persons: int, maker: Callable[[int, int, Path], dict] = make) -> dict:
    """Make world `work/wSEED` with ``maker`` (this generator's, or fourthworld's), detect into `work/wSEED-out`,
    judge; the record (judge None when detect failed)."""
    data, out = work / f"w{seed}", work / f"w{seed}-out"
    t = time.perf_counter()
    if data.exists():
        shutil.rmtree(data)
    truth = maker(seed, persons, data)
    rec = {
        "seed": seed,
        "persons": persons,
        "make_seconds": round(time.perf_counter() - t, 1),
        "summary": truth["summary"],
        "knobs": truth["knobs"],
        "data": str(data),
        "out": str(out),
    }
    runs = [detect(data, out)]
    if runs[0]["outcome"] == "refused":
        runs.append(detect(data, out, lenient=True))
    rec["detect"] = runs
    rec["judge"] = judge_dirs(data, out) if runs[-1]["outcome"] == "ok" else None
    return rec


def main(
    argv: list[str] | None = None,
    *,
    maker: Callable[[int, int, Path], dict] = make,
    description: str | None = __doc__,
) -> int:
    """The runner's command; fifthworld's and sixthworld's call it with their own ``maker`` and docstring."""
    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=seeds_arg, required=True)
    ap.add_argument("--persons", type=int, default=30000)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--json", type=Path, required=True, help="JSON-lines records, one per seed (appended)")
    a = ap.parse_args(argv)
    a.work.mkdir(parents=True, exist_ok=True)
    tot = {"found": 0, "planted": 0, "benign": 0}
    for seed in a.seeds:
        rec = run_seed(seed, a.work, a.persons, maker=maker)
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
    raise SystemExit(main())
