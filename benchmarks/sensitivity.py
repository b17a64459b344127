"""How much detection hinges on each organisation parameter (issue 14): one at a time, on the grid's TUNE worlds.

Each parameter of :class:`graphfraud.params.OrganiseParams` is set to about a
third of, and three times, its default (or the neighbouring integers), for
co-visits and co-admissions alike, with everything else at its default; each setting runs
the robustness grid's worlds (``benchmarks/grid.py``) and reports the WORST
world: rings found whole in the top K, member F1, benign groups in the top K.
A method whose worst case holds over a ninefold range of a parameter does not
hinge on that number.

    python benchmarks/sensitivity.py                       # TUNE seeds 1, 3, ..., 23 (30,000 persons)
    python benchmarks/sensitivity.py --seeds 1 3 --persons 5000
    python benchmarks/sensitivity.py --only max_chance     # one parameter
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.grid import WORLDS, evaluate_world  # noqa: E402
from graphfraud.params import CoadmitParams, CovisitParams, OrganiseParams, RunParams  # noqa: E402

SETTINGS: dict[str, tuple] = {
    "resolution": (0.1, 0.3, 1.0),
    "min_shared": (1, 2, 3),
    "min_share": (0.067, 0.2, 0.6),
    "min_devotion": (0.17, 0.5, 0.9),
    "min_density": (0.033, 0.1, 0.3),
    "max_chance": (0.033, 0.1, 0.3),
}


def params_with(name: str, value: object) -> RunParams:
    """Default parameters with ``name`` of both detectors' organisation parameters set to ``value``."""
    cv, ca = CovisitParams(), CoadmitParams()
    return RunParams(
        covisit=dataclasses.replace(cv, organise=dataclasses.replace(cv.organise, **{name: value})),
        coadmit=dataclasses.replace(ca, organise=dataclasses.replace(ca.organise, **{name: value})),
    )


def worst(rows: list[dict]) -> str:
    ran = [r for r in rows if "error" not in r]
    crashed = len(rows) - len(ran)
    if not ran:
        return f"all {crashed} crashed"
    lost = max(r["planted"] - r["found"] for r in ran)
    f1 = min(r["member_f1"] for r in ran)
    benign = max(r["benign_in_top"] for r in ran)
    ok = sum(r["planted"] == r["found"] and r["member_f1"] >= 0.9 and r["benign_in_top"] == 0
             and r["typology_accuracy"] >= 0.9 for r in ran)  # fmt: skip
    return f"| {lost} | {f1:.3f} | {benign} | {ok} of {len(rows)} |" + (f" {crashed} crashed" if crashed else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 24, 2)))
    ap.add_argument("--persons", type=int, default=30_000)
    ap.add_argument("--work", type=Path, default=WORLDS)
    ap.add_argument("--only", nargs="+", choices=sorted(SETTINGS), help="these parameters only")
    args = ap.parse_args(argv)
    print(f"seeds {args.seeds}, {args.persons} persons; worst world per setting\n")
    print(
        "| parameter | value | most rings missed in a world | lowest member F1 | most benign in top K | worlds meeting acceptance |"
    )
    print("|---|---|---|---|---|---|")
    for name, values in SETTINGS.items():
        if args.only and name not in args.only:
            continue
        for value in values:
            t = time.perf_counter()
            rows = [evaluate_world(s, persons=args.persons, params=params_with(name, value), work=args.work)
                    for s in args.seeds]  # fmt: skip
            default = " (default)" if value == getattr(OrganiseParams(), name) else ""
            print(f"| {name} | {value}{default} {worst(rows)} ({time.perf_counter() - t:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
