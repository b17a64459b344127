"""The single seeded Leiden wrapper used by every detector.

Leiden is randomised; graphfraud gives igraph a local ``random.Random(seed)``
for the call and restores the previous generator afterwards, so the same
graph and seed always give the same partition.

References
----------
Traag, Waltman, van Eck, "From Louvain to Leiden: guaranteeing well-connected
communities", Scientific Reports 9, 5233 (2019).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

import igraph as ig
import numpy as np
import pandas as pd

from graphfraud.graph.events import distinct
from graphfraud.params import check

#: Guards igraph's process-wide random number generator.
_RNG_LOCK = threading.Lock()


@dataclass(frozen=True)
class Partition:
    """Community of each node, with the provenance of the run.

    Attributes
    ----------
    nodes : ndarray
        Node codes (as given in the pairs), sorted.
    membership : ndarray
        Community index of ``nodes[i]``; communities are numbered by
        decreasing size, ties by smallest node code (deterministic).
    objective, resolution, seed, quality, library
        How it was made and its quality score.
    """

    nodes: np.ndarray
    membership: np.ndarray
    objective: str
    resolution: float
    seed: int
    quality: float
    library: str

    def groups(self, min_size: int = 1) -> list[np.ndarray]:
        """Node codes of each community with at least ``min_size`` nodes."""
        order = np.argsort(self.membership, kind="stable")
        bounds = np.flatnonzero(np.diff(self.membership[order])) + 1
        parts = np.split(self.nodes[order], bounds)
        return [p for p in parts if len(p) >= min_size]


def leiden(
    pairs: pd.DataFrame,
    *,
    weight: str = "weight",
    objective: str = "CPM",
    resolution: float = 0.05,
    seed: int = 0,
    iterations: int = -1,
) -> Partition:
    """Seeded Leiden communities of the graph given as an edge list.

    Parameters
    ----------
    pairs : DataFrame
        Columns ``a``, ``b`` (node codes) and ``weight``.
    objective : {"CPM", "modularity"}, default "CPM"
        Quality function.  CPM with co-visit weights keeps small dense rings
        apart from their background; modularity merges them (resolution limit).
    resolution : float, default 0.05
        CPM: the edge density (in weight units) a community must exceed.
    seed : int, default 0
    iterations : int, default -1
        Leiden iterations; negative runs until stable.

    Examples
    --------
    >>> pairs = pd.DataFrame({"a": [0, 0, 1, 5, 5, 6], "b": [1, 2, 2, 6, 7, 7], "weight": 1.0})
    >>> [g.tolist() for g in leiden(pairs, resolution=0.5).groups()]
    [[0, 1, 2], [5, 6, 7]]
    """
    owner = "leiden"
    check(objective in ("CPM", "modularity"), "objective", owner, "'CPM' or 'modularity'", objective)
    check(resolution > 0, "resolution", owner, "a float > 0", resolution)
    nodes = distinct(np.concatenate([pairs["a"].to_numpy(), pairs["b"].to_numpy()]))
    library = f"igraph {ig.__version__}"
    if len(nodes) == 0:
        return Partition(nodes, np.array([], dtype=np.int64), objective, resolution, seed, 0.0, library)
    a = np.searchsorted(nodes, pairs["a"].to_numpy())
    b = np.searchsorted(nodes, pairs["b"].to_numpy())
    g = ig.Graph(n=len(nodes), directed=False)
    # edges as an iterator of (a, b) tuples: half the time of a list of lists from a 2-D array (igraph 1.0 reads
    # a NumPy edge array no faster), and the same edges in the same order
    g.add_edges(zip(a.tolist(), b.tolist()))
    w = pairs[weight].to_numpy(dtype=float)
    with (
        _RNG_LOCK
    ):  # igraph's generator is process-wide: one seeded run at a time (a caller may run leiden from several threads)
        previous = random.getstate()
        ig.set_random_number_generator(random.Random(seed))
        try:
            clustering = g.community_leiden(
                objective_function=objective,
                weights=w,
                resolution=resolution,
                n_iterations=iterations,
            )
        finally:
            ig.set_random_number_generator(random)
            random.setstate(previous)
    membership = _renumber(np.asarray(clustering.membership, dtype=np.int64))
    quality = float(g.modularity(membership, weights=w)) if objective == "modularity" else float(clustering.quality)
    return Partition(nodes, membership, objective, resolution, seed, quality, library)


def _renumber(membership: np.ndarray) -> np.ndarray:
    """Number communities by decreasing size, ties by first node: independent of igraph's labels."""
    labels, first, sizes = np.unique(membership, return_index=True, return_counts=True)
    rank = np.lexsort((first, -sizes))
    new = np.empty_like(labels)
    new[rank] = np.arange(len(labels))
    return new[np.searchsorted(labels, membership)]
