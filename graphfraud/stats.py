"""The binomial and Poisson tails the detectors test with, without importing ``scipy.stats``.

``scipy.stats`` takes about a second of CPU to import (its hundred distributions, ``scipy.optimize``,
``scipy.spatial``), and every detect imports it for four functions: ``binom.sf``, ``binom.logsf``, ``binom.isf``
and ``poisson.sf``.  Its discrete distributions compute those with ufuncs of ``scipy.special`` (Boost's
binomial tails, Cephes' ``pdtrc``), which import in under half of that time.  The wrappers below are
``scipy.stats.rv_discrete``'s ``sf``, ``logsf`` and ``isf`` for these two distributions, step by step (the
argument checks, the values outside the support, the clipping to [0, 1]), calling the same ufuncs on the same
values: the results are the same bits (``tests/test_stats.py`` compares them with ``scipy.stats`` on random and
edge arguments).  A SciPy without those private ufuncs (before 1.15) gets ``scipy.stats`` itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    from scipy.special import pdtrc as _pdtrc
    from scipy.special._ufuncs import _binom_isf, _binom_sf
except ImportError:  # pragma: no cover - an older SciPy: its own distributions
    from scipy.stats import binom, poisson
else:

    def _full(cond: np.ndarray, *args: np.ndarray) -> list[np.ndarray]:
        """``args`` where ``cond`` holds, flattened (``scipy.stats``' ``argsreduce``)."""
        wide = [np.atleast_1d(a) for a in args]
        if np.all(cond):
            *wide, cond = np.broadcast_arrays(*wide, cond)
            return [a.ravel() for a in wide]
        return [a if np.size(a) == 1 else np.extract(cond, np.broadcast_to(a, cond.shape)) for a in wide]

    def _done(output: np.ndarray) -> Any:
        return output[()] if output.ndim == 0 else output

    class _Binomial:
        """``scipy.stats.binom``'s ``sf``, ``logsf`` and ``isf`` (positional arguments, no ``loc``)."""

        @staticmethod
        def _valid(n: np.ndarray, p: np.ndarray) -> np.ndarray:
            return (n >= 0) & (n == np.round(n)) & (p >= 0) & (p <= 1)

        def sf(self, k: Any, n: Any, p: Any) -> Any:
            k, n, p = np.asarray(k), np.asarray(n), np.asarray(p)
            k = np.asarray(k - np.asarray(0))
            cond0 = self._valid(n, p)
            cond1 = (k >= 0) & (k < n)
            cond2 = ((k < 0) | np.isneginf(k)) & cond0
            cond = cond0 & cond1 & np.isfinite(k)
            output = np.zeros(np.shape(cond), "d")
            np.place(output, (1 - cond0) + np.isnan(k), np.nan)
            np.place(output, cond2, 1.0)
            if np.any(cond):
                gk, gn, gp = _full(cond, k, n, p)
                np.place(output, cond, np.clip(_binom_sf(np.floor(gk), gn, gp), 0, 1))
            return _done(output)

        def logsf(self, k: Any, n: Any, p: Any) -> Any:
            k, n, p = np.asarray(k), np.asarray(n), np.asarray(p)
            k = np.asarray(k - np.asarray(0))
            cond0 = self._valid(n, p)
            cond1 = (k >= 0) & (k < n)
            cond2 = (k < 0) & cond0
            cond = cond0 & cond1
            output = np.empty(np.shape(cond), "d")
            output.fill(-np.inf)
            np.place(output, (1 - cond0) + np.isnan(k), np.nan)
            np.place(output, cond2, 0.0)
            if np.any(cond):
                gk, gn, gp = _full(cond, k, n, p)
                with np.errstate(divide="ignore"):
                    np.place(output, cond, np.log(_binom_sf(np.floor(gk), gn, gp)))
            return _done(output)

        def isf(self, q: Any, n: Any, p: Any) -> Any:
            q, n, p = np.asarray(q), np.asarray(n), np.asarray(p)
            loc = np.asarray(0)
            cond0 = self._valid(n, p) & (loc == loc)
            cond1 = (q > 0) & (q < 1)
            cond2 = (q == 1) & cond0
            cond3 = (q == 0) & cond0
            cond = cond0 & cond1
            output = np.full(np.shape(cond), fill_value=np.nan, dtype="d")
            np.place(output, cond2, _full(cond2, 0 - 1 + loc)[0])
            np.place(output, cond3, _full(cond3, n + loc)[0])
            if np.any(cond):
                gq, gn, gp, gloc = _full(cond, q, n, p, loc)
                np.place(output, cond, _binom_isf(gq, gn, gp) + gloc)
            return _done(output)

    class _Poisson:
        """``scipy.stats.poisson.sf`` (positional arguments, no ``loc``)."""

        def sf(self, k: Any, mu: Any) -> Any:
            k, mu = np.asarray(k), np.asarray(mu)
            k = np.asarray(k - np.asarray(0))
            cond0 = mu >= 0
            cond1 = (k >= 0) & (k < np.inf)
            cond2 = ((k < 0) | np.isneginf(k)) & cond0
            cond = cond0 & cond1 & np.isfinite(k)
            output = np.zeros(np.shape(cond), "d")
            np.place(output, (1 - cond0) + np.isnan(k), np.nan)
            np.place(output, cond2, 1.0)
            if np.any(cond):
                gk, gmu = _full(cond, k, mu)
                np.place(output, cond, np.clip(_pdtrc(np.floor(gk), gmu), 0, 1))
            return _done(output)

    binom = _Binomial()
    poisson = _Poisson()

__all__ = ["binom", "poisson"]
