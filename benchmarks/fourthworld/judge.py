"""Score one detect output against a fourthworld's truth.json, with thirdworld's judge (reused, not copied).

`python -m benchmarks.fourthworld.judge --data W --detect-out O [--json]`. truth.json has the shape both older
judges read (rings and benign groups with id, kind, persons, core, doctors, facilities, pharmacies, params), so the
rules are thirdworld's: K = planted rings + 5; found when one top-K ring holds half of a ring's core persons,
fragmented when the top K together do, else missed; member P/R/F1; a benign group is in the top K when one top-K
ring holds min(3, half) of its persons. Only the contract columns of rings.csv and ring_members.csv are read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.thirdworld.judge import judge_dirs


def text(res: dict) -> str:
    """One summary line, one line per planted ring, every benign group in the top K, and the top-K rings of others."""
    out = [
        f"K={res['k']}: found {res['found']}, fragmented {res['fragmented']}, missed {res['missed']} of "
        f"{len(res['planted'])}; typology right {res['typology_right']}; P {res['precision']} R {res['recall']} "
        f"F1 {res['f1']}; benign in top K {res['benign_in_top_k']} of {len(res['benign'])}"
    ]
    for p in res["planted"]:
        b = p["best"]
        where = f"rank {b['rank']} {b['typology']} holds {b['held']}" if b else "no top-K ring"
        out.append(f"  {p['id']:28s} {p['status']:10s} core {p['core']:3d}  {where}")
        if p["status"] != "found":
            out.append(f"      params {json.dumps(p['params'], ensure_ascii=False)}")
    for g in res["benign"]:
        if g["in_top_k"]:
            rings = ", ".join(f"rank {x['rank']} {x['typology']} holds {x['held']}" for x in g["rings"])
            out.append(f"  {g['id']:28s} IN TOP K   {g['persons']:3d} persons  {rings}")
    for n in res["noise"]:  # top-K rings made mostly of people in no planted ring
        groups = ", ".join(f"{v} of {k}" for k, v in n["benign_groups"].items()) or "none"
        out.append(
            f"  top-K rank {n['rank']:<3d} {n['typology']:18s} {n['members']:3d} persons, {n['held']} planted; "
            f"in benign groups: {groups}"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None, *, description: str | None = None) -> int:
    """The judge's command line (``description``: its help text; the fifth generator's judge is this one too)."""
    ap = argparse.ArgumentParser(
        description=description or __doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
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
