"""Make, detect and judge eleventhworld seeds as a user would, with thirdworld's runner (reused, not copied).

`python -m benchmarks.eleventhworld.run --seeds 1-6 --work DIR --json R.jsonl [--persons 30000]`: per seed, make
`DIR/wSEED`, run `graphfraud detect` in a fresh process (PYTHONPATH = this checkout; a crash is recorded, not raised;
a refusal is retried once with `--lenient`), judge, and append one JSON line (knobs, summary, detect runs, judge).
Seeds 7 and up are the lead's held-out draw: run them only when the lead says so.
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.thirdworld import run as thirdworld_run

from .make import make


def _maker(seed: int, persons: int, out: Path) -> dict:
    return make(seed, persons, out)


def run_seed(seed: int, work: Path, persons: int) -> dict:
    return thirdworld_run.run_seed(seed, work, persons, maker=_maker)


def main(argv: list[str] | None = None) -> int:
    return thirdworld_run.main(argv, maker=_maker, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
