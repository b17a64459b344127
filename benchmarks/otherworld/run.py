"""Make otherworld seeds, run ``graphfraud detect`` on each in a fresh process, judge, write results Markdown.

Example::

    python -m benchmarks.otherworld.run --seeds 1-6 --persons 30000 --work /tmp/ow --out benchmarks/results/otherworld.md
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .judge import failures, judge, markdown

REPO = Path(__file__).resolve().parents[2]


def _seeds(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b or a) + 1))
    return out


def detect(data: Path, out: Path, *, lenient: bool = False) -> dict:
    """Run the CLI like a user would; return exit code, seconds and the last lines of stderr."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "graphfraud.cli", "detect", str(data), "--out", str(out), "--force", "-q"]
    if lenient:
        cmd.append("--lenient")
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO)
    return {
        "rc": p.returncode,
        "seconds": round(time.perf_counter() - t0, 1),
        "stderr": p.stderr[-4000:],
        "cmd": " ".join(cmd[1:]),
    }


def run_world(seed: int, persons: int, work: Path) -> dict:
    data, out = work / f"w{seed}", work / f"w{seed}-out"
    t0 = time.perf_counter()
    if not (data / "truth.json").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.otherworld.make",
                "--seed",
                str(seed),
                "--persons",
                str(persons),
                "--out",
                str(data),
            ],
            check=True,
            cwd=REPO,
        )
    gen = round(time.perf_counter() - t0, 1)
    d = detect(data, out)
    truth = json.loads((data / "truth.json").read_text())
    rec = {
        "seed": seed,
        "data": str(data),
        "generate_s": gen,
        "detect": d,
        "lenient": False,
        "truth_knobs": truth["knobs"],
        "claims": truth["claims"],
    }
    if d["rc"] != 0:
        rec["refusal"] = d["stderr"]
        d2 = detect(data, out, lenient=True)
        rec["detect_lenient"] = d2
        rec["lenient"] = True
        if d2["rc"] != 0:
            return rec
    rec["score"] = judge(data, out)
    return rec


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="1-6")
    ap.add_argument("--persons", type=int, default=30000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/otherworld"))
    ap.add_argument("--json", type=Path, help="append each world's record to this JSON-lines file")
    a = ap.parse_args(argv)
    a.work.mkdir(parents=True, exist_ok=True)
    for seed in _seeds(a.seeds):
        rec = run_world(seed, a.persons, a.work)
        if a.json:
            with a.json.open("a") as f:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        if "score" in rec:
            print(markdown(f"world {seed}", rec["score"]))
            print("\n".join(failures(f"w{seed}", rec["score"])) + "\n", flush=True)
        else:
            print(f"### world {seed}: detect failed\n\n```\n{rec['detect']['stderr']}\n```\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
