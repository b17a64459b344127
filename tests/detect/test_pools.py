"""A broker's two pools at one clinic (issue 14): one organisation, every recruit in it, the clinic's regulars not.

The diagnosis of the staged clinics still found in part (thin pools, a session spread over days) is in
docs/detection.md, "Where it still fails"."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from graphfraud.io.read import read_claims_dir
from graphfraud.params import RunParams
from graphfraud.pipeline import run

from .worlds import ring_persons, write_town_clinics


def test_a_brokers_two_pools_on_their_own_cycles_at_one_clinic_are_one_ring(tmp_path: Path) -> None:
    # A broker brings pool A (20 villagers) to clinic C0 every 9 days, each session spread over 3 days, and pool B
    # (14 of another village) every 13 days over 2 days, each villager at 55-60% of the sessions, on one day of it;
    # recruit A00 comes to every second session only.  Ten regular patients of C0 come on 15 days each, their own
    # days; the recruits also see their own doctors at the town's other clinics.  Doctor D0 bills them all.
    rng = np.random.default_rng(0)
    pool_a, pool_b = [f"A{i:02d}" for i in range(20)], [f"B{i:02d}" for i in range(14)]
    regulars = [f"G{i:02d}" for i in range(10)]
    half = pool_a[0]
    rows = []
    for pool, cycle, window, share, first in ((pool_a, 9, 3, 0.55, 2), (pool_b, 13, 2, 0.6, 5)):
        for n, start in enumerate(range(first, 300, cycle)):
            for p in pool:
                if n % 2 == 1 if p == half else rng.random() < share:
                    rows.append((p, "C0", "D0", start + int(rng.integers(0, window)), 600, 90.0))
    for p in regulars:
        rows += [(p, "C0", "D0", int(d), 600, 60.0) for d in rng.choice(300, 15, replace=False)]
    for p in pool_a + pool_b:
        for _ in range(int(rng.integers(0, 8))):
            c = 1 + int(rng.integers(0, 19))
            rows.append((p, f"C{c}", f"D{c}", int(rng.integers(0, 300)), 600, 60.0))
    write_town_clinics(tmp_path, rows, pool_a + pool_b + regulars, rng)
    result = run(read_claims_dir(tmp_path), RunParams())
    ring = max(result.rings, key=lambda r: len(ring_persons(r) & set(pool_a + pool_b)))
    members = ring_persons(ring)
    assert set(pool_a + pool_b) <= members  # both pools, one organisation
    assert half in members  # at half of the sessions: he came for the broker's days
    assert not members & set(regulars)  # the clinic's own patients come on days of their own
    assert len(members - set(pool_a + pool_b)) <= 0.1 * len(members)
