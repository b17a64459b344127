"""Score one detect output against an eleventhworld's truth.json, with thirdworld's judge (reused, not copied).

`python -m benchmarks.eleventhworld.judge --data W --detect-out O [--json]`. truth.json has the shape the older judges
read (rings and benign groups with id, kind, persons, core, doctors, facilities, pharmacies, params), so the rules are
thirdworld's: K = planted rings + 5; found when one top-K ring holds half of a ring's core persons, fragmented when
the top K together do, else missed; member P/R/F1; a benign group is in the top K when one top-K ring holds
min(3, half) of its persons. Only the contract columns of rings.csv and ring_members.csv are read.
"""

from __future__ import annotations

import sys

from benchmarks.fourthworld.judge import main as fourthworld_main  # the same command, summary and rules


def main(argv: list[str] | None = None) -> int:
    return fourthworld_main(argv, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
