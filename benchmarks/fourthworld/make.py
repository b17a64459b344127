"""Make one prefecture-city world: `python -m benchmarks.fourthworld.make --seed 3 --persons 30000 --out DIR`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from .benign import plant_benign
from .city import Care, build_people, build_places, ordinary_care
from .export import write_world
from .knobs import draw_knobs
from .model import World
from .schemes import plant_rings


def build(seed: int, persons: int, *, override: dict | None = None) -> World:
    """The world in memory: places, people, ordinary care, planted rings, then benign groups.

    `override` replaces drawn knobs (tests plant every scheme this way); truth.json records the knobs used.
    """
    k = {**draw_knobs(seed, persons), **(override or {})}
    start = dt.date.fromisoformat(k["start"])
    y, m = divmod(start.month - 1 + k["months"], 12)
    end = dt.date(start.year + y, m + 1, 1)
    w = World(seed=seed, knobs=k, start=start, days=(end - start).days)
    build_places(w)
    build_people(w)
    care = Care(w)
    ordinary_care(w, care)
    plant_rings(w, care)
    plant_benign(w, care)
    return w


def make(seed: int, persons: int, out: Path, *, override: dict | None = None) -> dict:
    """Build and write one world; returns truth.json's content."""
    return write_world(build(seed, persons, override=override), out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--persons", type=int, default=30000)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    t = time.perf_counter()
    truth = make(a.seed, a.persons, a.out)
    s = truth["summary"]
    print(
        f"seed {a.seed}: {s['city']} {s['window'][0]}..{s['window'][1]}, {s['persons']} persons, {s['claims']} claims, "
        f"{len(truth['rings'])} rings, {len(truth['benign'])} benign groups -> {a.out} ({time.perf_counter() - t:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
