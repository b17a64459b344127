"""Score one detect output against a fifthworld's truth.json, with thirdworld's judge (reused, not copied).

`python -m benchmarks.fifthworld.judge --data W --detect-out O [--json]`. truth.json has the shape the older judges
read (rings and benign groups with id, kind, persons, core, doctors, facilities, pharmacies, params), so the rules are
thirdworld's: K = planted rings + 5; found when one top-K ring holds half of a ring's core persons, fragmented when
the top K together do, else missed; member P/R/F1; a benign group is in the top K when one top-K ring holds
min(3, half) of its persons. Only the contract columns of rings.csv and ring_members.csv are read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.fourthworld.judge import text  # the same one-line-per-ring summary
from benchmarks.thirdworld.judge import judge_dirs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="world directory with truth.json")
    ap.add_argument("--detect-out", type=Path, required=True, help="graphfraud detect --out directory")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    a = ap.parse_args(argv)
    for p in (a.data / "truth.json", a.detect_out / "rings.csv", a.detect_out / "ring_members.csv"):
        if not p.exists():
            ap.error(f"{p} does not exist")
    res = judge_dirs(a.data, a.detect_out)
    print(json.dumps(res, ensure_ascii=False, indent=1) if a.json else text(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
