"""Make, detect and judge fifthworld seeds as a user would, with thirdworld's runner (reused, not copied).

`python -m benchmarks.fifthworld.run --seeds 7-14 --work DIR --json R.jsonl [--persons 30000]`: per seed, make
`DIR/wSEED`, run `graphfraud detect` in a fresh process (PYTHONPATH = this checkout; a crash is recorded, not raised;
a refusal is retried once with `--lenient`), judge, and append one JSON line (knobs, summary, detect runs, judge).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.thirdworld import run as thirdworld_run

from .make import make


def _maker(seed: int, persons: int, out: Path) -> dict:
    make(seed, persons, out)
    return json.loads((out / "truth.json").read_text(encoding="utf-8"))


def run_seed(seed: int, work: Path, persons: int) -> dict:
    return thirdworld_run.run_seed(seed, work, persons, maker=_maker)


def main(argv: list[str] | None = None) -> int:
    return thirdworld_run.main(argv, maker=_maker, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
