"""graphfraud.stats: the same bits as scipy.stats' binomial and Poisson tails, on the arguments detectors pass."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

from graphfraud import stats


def _same(ours: object, theirs: object) -> None:
    assert type(ours) is type(theirs)
    a, b = np.asarray(ours), np.asarray(theirs)
    assert a.shape == b.shape and a.dtype == b.dtype
    assert a.tobytes() == b.tobytes() or np.array_equal(a, b, equal_nan=True) and np.isnan(a).sum() == np.isnan(b).sum()


def _arguments(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    size = 5_000
    n = rng.integers(0, 400, size)
    k = rng.integers(-3, 420, size)
    p = rng.random(size) ** rng.integers(1, 8, size)
    p[:40] = [0.0, 1.0, -0.1, 1.2, np.nan, 1e-9, 1e-300, 0.5] * 5
    n = n.astype(np.float64) if seed % 2 else n
    if seed % 2:
        n[40:50] = [2.5, -1, np.nan, np.inf, 0, 1, 3.0, 1e6, 7, 8]
        k = k.astype(np.float64)
        k[50:60] = [np.nan, np.inf, -np.inf, -0.5, 0.5, 2.7, 1e9, -1e9, 0, 1]
    return k, n, p


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_binomial_tails_are_scipys(seed: int) -> None:
    k, n, p = _arguments(seed)
    with np.errstate(all="ignore"):
        _same(stats.binom.sf(k, n, p), scipy.stats.binom.sf(k, n, p))
        _same(stats.binom.logsf(k, n, p), scipy.stats.binom.logsf(k, n, p))
        _same(stats.binom.sf(k - 1, n, 0.3), scipy.stats.binom.sf(k - 1, n, 0.3))  # a scalar rate (broadcast)
        q = np.abs(p)
        q[:6] = [0.0, 1.0, 0.5, 1e-12, 2.0, np.nan]
        _same(stats.binom.isf(q, n, 0.2), scipy.stats.binom.isf(q, n, 0.2))
        _same(stats.binom.isf(1e-6, n, np.clip(p, 0, 1)), scipy.stats.binom.isf(1e-6, n, np.clip(p, 0, 1)))


def test_scalars_and_empty_arrays_are_scipys() -> None:
    for args in [
        (3, 10, 0.2),
        (0, 0, 0.5),
        (-1, 5, 0.5),
        (9, 5, 0.5),
        (4.0, 10, 1.0),
        (2, 10, 0.0),
        (np.int64(7), 40, 0.1),
    ]:
        _same(stats.binom.sf(*args), scipy.stats.binom.sf(*args))
        _same(stats.binom.logsf(*args), scipy.stats.binom.logsf(*args))
        _same(stats.poisson.sf(args[0], args[1] * args[2]), scipy.stats.poisson.sf(args[0], args[1] * args[2]))
    _same(stats.binom.isf(0.01, 30, 0.1), scipy.stats.binom.isf(0.01, 30, 0.1))
    empty = np.zeros(0, dtype=np.int64)
    _same(stats.binom.sf(empty, empty, np.zeros(0)), scipy.stats.binom.sf(empty, empty, np.zeros(0)))
    _same(stats.poisson.sf(empty, np.zeros(0)), scipy.stats.poisson.sf(empty, np.zeros(0)))


@pytest.mark.parametrize("seed", [0, 1])
def test_poisson_tail_is_scipys(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = rng.integers(-2, 60, 5_000)
    mu = rng.random(5_000) * rng.integers(0, 50, 5_000)
    mu[:6] = [0.0, -1.0, np.nan, np.inf, 1e-300, 1e6]
    if seed:
        k = k.astype(np.float64)
        k[6:12] = [np.nan, np.inf, -np.inf, 0.5, -0.5, 1e12]
    with np.errstate(all="ignore"):
        _same(stats.poisson.sf(k, mu), scipy.stats.poisson.sf(k, mu))
        _same(stats.poisson.sf(k - 1, 3.5), scipy.stats.poisson.sf(k - 1, 3.5))


def test_no_scipy_stats_on_import() -> None:
    """The point of the module: a fresh interpreter imports it without scipy.stats."""
    import subprocess
    import sys

    code = "import sys, graphfraud.stats; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
