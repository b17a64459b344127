"""A broker's pool whose sessions alternate between two venues is in lockstep all the same (step 61)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from graphfraud.io.read import read_claims_dir
from graphfraud.params import RunParams, ScoreParams
from graphfraud.pipeline import run

from .worlds import rings_holding, write_town_clinics


def _world(tmp_path: Path, *, alternate: bool) -> tuple[Path, set[str], set[str]]:
    """A town of 2,000 persons at 20 clinics; a broker brings his pool of 20 recruits to clinic C0 (doctor D0)
    every 7th evening, and a second broker brings his 10 recruits (60% of them each time) every 21st morning,
    seven sessions, at the town's fees.  With ``alternate`` every other session of the second pool is held at C1,
    by C0's doctor D0 (the organisation's second site)."""
    rng = np.random.default_rng(11)
    rows = []
    first = [f"A{i:02d}" for i in range(20)]
    pool = [f"B{i:02d}" for i in range(10)]
    for day in range(3, 300, 7):
        came = [p for p in first if rng.random() < 0.8]
        start = 20 * 60 + np.cumsum(rng.integers(1, 3, len(came)))
        rows += [(p, "C0", "D0", day, int(m), 260.0) for p, m in zip(came, start)]
    for k, day in enumerate(range(4, 150, 21)):
        clinic = "C1" if alternate and k % 2 else "C0"
        came = [p for p in pool if rng.random() < 0.6]
        start = 9 * 60 + np.cumsum(rng.integers(1, 3, len(came)))
        rows += [(p, clinic, "D0", day, int(m), 60.0) for p, m in zip(came, start)]
    write_town_clinics(tmp_path, rows, first + pool, rng)
    return tmp_path, set(first), set(pool)


def test_a_pool_alternating_two_venues_joins_its_organisation(tmp_path: Path) -> None:
    # Every other session of the second pool is at C1: at C0 it met on four days, where 60% attendance leaves
    # too few on all four for lockstep, so the piece was unmarked and stayed out (main at b5ffd63: pool B in no
    # ring).  Its days at C1, where six of its members met each time, are its days too: in lockstep, it joins
    # the organisation of C0's ring with its doctor, and the sentence names the other venue.
    directory, a, b = _world(tmp_path, alternate=True)
    result = run(read_claims_dir(directory), RunParams(score=ScoreParams(min_score=30.0)))
    holding_a, holding_b = rings_holding(result, a), rings_holding(result, b)
    assert holding_a and {r for r, _ in holding_a} == {r for r, _ in holding_b}
    assert holding_b[0][1] == len(b)
    ring = next(r for r in result.rings if r.ring_id == holding_a[0][0])
    lockstep = next(x for x in ring.reasons if x.code == "lockstep")
    assert lockstep.args["others"] == 1 and "another of the group's venues" in lockstep.text
