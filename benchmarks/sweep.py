"""Camouflage sweep: where does detection break as rings hide better?

Worlds of about 20k persons (``SynthParams``) vary one knob at a time from
the default world (every knob at 1):

- ``member_ordinary_rate`` (0, 1, 3, 6): ring members' own ordinary claims;
- ``venue_ordinary_rate`` (0, 1, 3, 6): fraud venues' ordinary patients;
- ``ring_size_scale`` (0.3, 0.5, 1, 1.5): members per ring.

Each point runs ``graphfraud.pipeline.run`` on the world in memory over
several seeds and is scored with ``graphfraud.analyses.evaluate`` (top K = planted
fraud rings + 5).  A point **breaks** when recall falls below
``--break-recall`` or a benign group reaches the top K.  The table goes to
stdout and to ``benchmarks/results/sweep.md``.

Examples::

    python benchmarks/sweep.py                         # ~3 minutes on 2 cores
    python benchmarks/sweep.py --persons 3000 --seeds 1 --out /tmp/sweep.md
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import header, machine, save, table  # noqa: E402

GRID: dict[str, tuple[float, ...]] = {
    "member_ordinary_rate": (0, 1, 3, 6),
    "venue_ordinary_rate": (0, 1, 3, 6),
    "ring_size_scale": (0.3, 0.5, 1, 1.5),
}
#: Harder points, added with ``--extend`` to find where detection breaks.
EXTEND: dict[str, tuple[float, ...]] = {
    "member_ordinary_rate": (12, 25, 50),
    "venue_ordinary_rate": (12, 25, 50),
    "ring_size_scale": (0.1, 0.2),
}
COLUMNS = [
    "knob",
    "value",
    "claims",
    "planted",
    "top K",
    "found",
    "recall",
    "typology right",
    "member P",
    "member R",
    "member F1",
    "benign in top K",
    "missed",
    "rings",
    "s per world",
    "breaks",
]


def point(knob: str, value: float, *, persons: int, seeds: list[int], rings: int | None) -> dict:
    """Run and evaluate the worlds of one sweep point; sums over seeds, member metrics averaged."""
    from graphfraud.analyses.evaluate import evaluate
    from graphfraud.params import RunParams
    from graphfraud.pipeline import run
    from graphfraud.score.rings import members_table, rings_table
    from graphfraud.synth import SynthParams, make_world

    agg = {
        "claims": 0,
        "planted": 0,
        "found": 0,
        "typology right": 0,
        "benign": 0,
        "benign groups": 0,
        "rings": 0,
        "p": 0.0,
        "r": 0.0,
        "f1": 0.0,
        "s": 0.0,
        "top": 0,
    }
    missed: Counter[str] = Counter()
    for seed in seeds:
        start = time.perf_counter()
        data, labels = make_world(SynthParams(persons=persons, seed=seed, rings_per_typology=rings, **{knob: value}))
        result = run(data, RunParams(seed=0))
        labels = labels.astype(str)
        k = int((~labels["ring_id"].drop_duplicates().str.startswith("benign:")).sum()) + 5
        e = evaluate(rings_table(result.rings), members_table(result.rings), labels, top=k)
        agg["s"] += time.perf_counter() - start
        missed.update(e.matches.loc[e.matches["rank"].isna(), "typology"])
        for key, v in (
            ("claims", len(data.claims)),
            ("planted", e.planted),
            ("found", e.found),
            ("typology right", e.typology_right),
            ("benign", e.benign_in_top),
            ("benign groups", e.benign_groups),
            ("rings", len(result.rings)),
            ("top", k),
            ("p", e.member_precision),
            ("r", e.member_recall),
            ("f1", e.member_f1),
        ):
            agg[key] += v
    n = len(seeds)
    return {
        "knob": knob,
        "value": value,
        "claims": agg["claims"] // n,
        "planted": agg["planted"],
        "top K": agg["top"] // n,
        "found": agg["found"],
        "recall": agg["found"] / agg["planted"] if agg["planted"] else 1.0,
        "typology right": agg["typology right"],
        "member P": agg["p"] / n,
        "member R": agg["r"] / n,
        "member F1": agg["f1"] / n,
        "benign in top K": f"{agg['benign']}/{agg['benign groups']}",
        "missed": ", ".join(f"{t} {n}" for t, n in sorted(missed.items())),
        "benign_hits": agg["benign"],
        "rings": agg["rings"] // n,
        "s per world": agg["s"] / n,
    }


def summary(rows: list[dict], break_recall: float) -> str:
    lines = []
    for knob in GRID:
        pts = [r for r in rows if r["knob"] == knob]
        if not pts:
            continue
        bad = [r for r in pts if r.get("breaks")]
        if not bad:
            values = ", ".join(r["value"] for r in pts)
            lines.append(f"- `{knob}`: holds over {values} (recall >= {break_recall:g}, no benign group in the top K).")
        else:
            where = ", ".join(f"{r['value']} ({r['breaks']})" for r in bad)
            lines.append(f"- `{knob}`: breaks at {where}.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--persons", type=int, default=20_000, help="persons per world")
    p.add_argument("--seeds", default="1,2,3", help="comma-separated world seeds per point")
    p.add_argument("--rings", type=int, default=3, help="rings planted per kind (4 fraud kinds, 4 benign kinds)")
    p.add_argument("--break-recall", type=float, default=0.75, help="recall below this counts as broken")
    p.add_argument("--knobs", default=",".join(GRID), help="comma-separated subset of the knobs to sweep")
    p.add_argument("--extend", action="store_true", help="add harder points beyond the grid (EXTEND)")
    p.add_argument("--out", help="Markdown file to write [benchmarks/results/sweep.md]")
    a = p.parse_args(argv)
    seeds = [int(s) for s in a.seeds.split(",") if s.strip()]
    knobs = [k.strip() for k in a.knobs.split(",") if k.strip()]
    if bad := set(knobs) - set(GRID):
        raise SystemExit(f"--knobs: unknown {', '.join(sorted(bad))}; use {', '.join(GRID)}")
    info = machine() | {
        "worlds": f"{a.persons:,} persons, 365 days, {a.rings} rings per kind, seeds {a.seeds}",
        "detect": "graphfraud.pipeline.run with RunParams(seed=0)",
        "grid": "brief's grid" + (" plus harder points (--extend)" if a.extend else ""),
    }
    rows, cache = [], {}
    for knob in knobs:
        values = sorted(GRID[knob] + (EXTEND[knob] if a.extend else ()))
        for value in values:
            key = "default" if value == 1 else (knob, value)  # value 1 of every knob is the same world
            if key not in cache:
                print(f"{knob}={value:g} ...", file=sys.stderr, flush=True)
                cache[key] = point(knob, value, persons=a.persons, seeds=seeds, rings=a.rings)
            r = dict(cache[key], knob=knob, value=f"{value:g}")
            why = []
            if r["recall"] < a.break_recall:
                why.append(f"recall {r['recall']:.2f}")
            if r["benign_hits"]:
                why.append(f"benign {r['benign in top K']}")
            r["breaks"] = ", ".join(why)
            rows.append(r)
    text = header("graphfraud camouflage sweep", info)
    text += (
        "\nOne knob at a time from the default world (all knobs 1). Counts are summed over the seeds; "
        "member precision/recall/F1 are averaged. Top K = planted fraud rings + 5 per world. "
        f"A point breaks when recall < {a.break_recall:g} or a benign group reaches the top K.\n\n"
    )
    text += table(rows, COLUMNS) + "\n## Where detection breaks\n\n" + summary(rows, a.break_recall)
    print(text)
    if a.out:
        Path(a.out).write_text(text, encoding="utf-8")
    else:
        print(f"written to {save(text, 'sweep.md')}", file=sys.stderr)


if __name__ == "__main__":
    main()
