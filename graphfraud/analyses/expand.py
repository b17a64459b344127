"""Seed expansion: from confirmed fraudsters to the entities most tied to them.

An investigator who has confirmed a few members of a case (persons, doctors,
facilities or pharmacies) wants to know who else belongs to it.  We walk the
claim graph from those seeds with personalised PageRank (个性化PageRank): the
graph links every person to the venues and doctors of their claims and every
doctor to the venues they bill at, weighted by claim counts; a popular hub (a
big hospital on a busy day links everyone) is down-weighted by dividing each
edge's weight by the log of its endpoints' degrees.  Every ranked entity comes
with the strongest path that ties it to a seed.

Layer: beside ``evaluate``/``evidence``/``neo4j``; imports graph and the foundation.

References
----------
Haveliwala, T. H. (2002). Topic-sensitive PageRank. WWW '02.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import igraph
import numpy as np
import pandas as pd

from graphfraud.contract import ENTITY_TYPES, ClaimsData
from graphfraud.errors import ContractError, ParamError
from graphfraud.graph.build import build_visits

SEED_COLUMNS = ("entity_type", "entity_id")
_TABLE = {"person": "persons", "doctor": "doctors", "facility": "facilities", "pharmacy": "pharmacies"}
RESULT_COLUMNS = ["rank", "entity_type", "entity_id", "score", "relative", "claims", "seed", "hops", "path"]


@dataclass(frozen=True)
class EntityGraph:
    """The undirected person–venue–doctor graph of a claims table.

    Attributes
    ----------
    graph : igraph.Graph
        Vertex attributes ``entity_type``, ``entity_id``, ``claims``; edge
        attributes ``claims`` (claim count), ``weight`` (hub-down-weighted) and
        ``length`` (``1 / weight``, for shortest paths).
    index : dict
        ``{(entity_type, entity_id): vertex}``.
    """

    graph: igraph.Graph
    index: dict[tuple[str, str], int]


def entity_graph(data: ClaimsData) -> EntityGraph:
    """Build :class:`EntityGraph` from validated tables.

    Examples
    --------
    >>> from graphfraud.synth import toy
    >>> data, labels = toy.staged_clinic()
    >>> g = entity_graph(data)
    >>> sorted(set(g.graph.vs["entity_type"]))
    ['doctor', 'facility', 'person', 'pharmacy']
    >>> seeds = [g.index[("person", p)] for p in labels[labels.entity_type == "person"].entity_id[:2]]
    >>> expand(g, seeds, top=1).entity_type.tolist()
    ['facility']
    """
    v = build_visits(data)
    t = v.table
    n_p, n_v, n_d = len(v.persons), len(v.venues), len(v.doctors)
    pharmacy_ids = set(data.pharmacies["pharmacy_id"].astype(str))
    types = (["person"] * n_p + ["pharmacy" if i in pharmacy_ids else "facility" for i in v.venues.ids]
             + ["doctor"] * n_d)  # fmt: skip
    ids = [str(i) for i in v.persons.ids] + [str(i) for i in v.venues.ids] + [str(i) for i in v.doctors.ids]
    person, venue, doctor = t["person"].to_numpy(), t["venue"].to_numpy(), t["doctor"].to_numpy()
    ok = (person >= 0) & (venue >= 0)
    has_doc = ok & (doctor >= 0)
    pairs = np.concatenate([
        np.stack([person[ok], n_p + venue[ok]], axis=1),
        np.stack([person[has_doc], n_p + n_v + doctor[has_doc]], axis=1),
        np.stack([n_p + n_v + doctor[has_doc], n_p + venue[has_doc]], axis=1),
    ])  # fmt: skip
    edges, counts = np.unique(pairs, axis=0, return_counts=True)
    n = n_p + n_v + n_d
    degree = np.bincount(edges.ravel(), minlength=n)
    weight = counts / np.sqrt(np.log(np.e + degree[edges[:, 0]]) * np.log(np.e + degree[edges[:, 1]]))
    g = igraph.Graph(n=n, edges=edges.tolist(), directed=False)
    g.vs["entity_type"], g.vs["entity_id"] = types, ids
    claims_of = (
        np.bincount(person[ok], minlength=n_p).tolist()
        + np.bincount(venue[ok], minlength=n_v).tolist()
        + np.bincount(doctor[has_doc], minlength=n_d).tolist()
    )
    g.vs["claims"] = claims_of
    g.es["claims"], g.es["weight"], g.es["length"] = counts.tolist(), weight.tolist(), (1.0 / weight).tolist()
    return EntityGraph(g, {(ty, i): k for k, (ty, i) in enumerate(zip(types, ids))})


def read_seeds(path: str | Path, graph: EntityGraph) -> list[int]:
    """Read a seeds CSV (``entity_type, entity_id``) and return the seeds' vertices.

    Raises
    ------
    ContractError
        Naming the file, row (header = row 1) and column: a missing column, an
        entity_type that is not person/doctor/facility/pharmacy, an id that is not
        in the claims directory, or a file with no seed at all.
    """
    path = Path(path)
    name = path.name
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip() for c in frame.columns]
    for col in SEED_COLUMNS:
        if col not in frame.columns:
            raise ContractError(
                name, 1, col, f"required column missing; a seeds file has columns {', '.join(SEED_COLUMNS)}"
            )
    if frame.empty:
        raise ContractError(name, None, None, "no seeds: add at least one row entity_type,entity_id")
    seeds: list[int] = []
    for i, (etype, eid) in enumerate(zip(frame["entity_type"].str.strip(), frame["entity_id"].str.strip()), start=2):
        if etype not in ENTITY_TYPES:
            raise ContractError(name, i, "entity_type", f"{etype!r} is not one of {', '.join(ENTITY_TYPES)}")
        vertex = graph.index.get((etype, eid))
        if vertex is None:
            raise ContractError(name, i, "entity_id", f"unknown {etype} id {eid!r}: not in {_TABLE[etype]}"
                                "; check the id and the data directory")  # fmt: skip
        if vertex not in seeds:
            seeds.append(vertex)
    return seeds


def expand(graph: EntityGraph, seeds: list[int], *, top: int = 50, damping: float = 0.85,
           entity_types: tuple[str, ...] = ENTITY_TYPES) -> pd.DataFrame:  # fmt: skip
    """Rank non-seed entities by personalised PageRank from ``seeds``, each with its tie.

    Parameters
    ----------
    graph : EntityGraph
    seeds : list of int
        Seed vertices (see :func:`read_seeds`).
    top : int, default 50
    damping : float, default 0.85
        Probability that the walk goes on rather than jumping back to a seed.
    entity_types : tuple of str
        Kinds of entity ranked (all by default).

    Returns
    -------
    DataFrame
        ``rank, entity_type, entity_id, score`` (PageRank, sums to 1 over the graph),
        ``relative`` (the score over the best score of the same entity type among those
        ranked; the ranking is by ``relative``, then ``score``, so with several types the
        persons of a ring rank beside its venues and doctors instead of after every venue),
        ``claims`` (the entity's claims), ``seed`` (the seed at the end of its path),
        ``hops`` and ``path`` (ids from the seed to the entity joined by `` -> ``;
        empty when no path exists).

    Raises
    ------
    ParamError
        For ``top`` < 1, ``damping`` outside (0, 1), or no seed.
    """
    if not isinstance(top, int) or top < 1:
        raise ParamError(f"The 'top' parameter of expand must be an int >= 1. Got {top!r} instead.")
    if not 0 < damping < 1:
        raise ParamError(f"The 'damping' parameter of expand must be a float in (0, 1). Got {damping!r} instead.")
    if not seeds:
        raise ParamError("The 'seeds' parameter of expand must hold at least one vertex. Got [] instead.")
    g = graph.graph
    score = np.asarray(g.personalized_pagerank(reset_vertices=seeds, damping=damping, weights="weight"))
    candidates = np.flatnonzero(np.isin(np.asarray(g.vs["entity_type"]), entity_types))
    candidates = candidates[~np.isin(candidates, seeds) & (score[candidates] > 0)]
    relative = _relative(score, np.asarray(g.vs["entity_type"], dtype=object), candidates)
    order = candidates[np.lexsort((np.asarray(g.vs["entity_id"], dtype=object)[candidates].astype(str),
                                   -score[candidates], -relative[candidates]))][:top]  # fmt: skip
    ties = _ties(g, seeds, order.tolist())
    rows = []
    for rank, v in enumerate(order.tolist(), start=1):
        path = ties.get(v, [])
        rows.append({
            "rank": rank, "entity_type": g.vs[v]["entity_type"], "entity_id": g.vs[v]["entity_id"],
            "score": round(float(score[v]), 8), "relative": round(float(relative[v]), 4),
            "claims": int(g.vs[v]["claims"]),
            "seed": g.vs[path[0]]["entity_id"] if path else "", "hops": max(len(path) - 1, 0),
            "path": " -> ".join(g.vs[p]["entity_id"] for p in path),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def _relative(score: np.ndarray, types: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Each candidate's score over the best candidate score of its entity type (1.0 for the best of each kind).

    PageRank mass gathers on the few venues and doctors every member visits, so
    raw scores rank all venues above all persons; relative to the best of its kind,
    a ring member scores near a venue of the ring.

    >>> _relative(np.array([0.4, 0.2, 0.02, 0.01]), np.array(["facility", "facility", "person", "person"]),
    ...           np.array([0, 1, 2, 3])).tolist()
    [1.0, 0.5, 1.0, 0.5]
    """
    out = np.zeros_like(score)
    for kind in np.unique(types[candidates]):
        mine = candidates[types[candidates] == kind]
        out[mine] = score[mine] / score[mine].max()
    return out


def _ties(g: igraph.Graph, seeds: list[int], targets: list[int]) -> dict[int, list[int]]:
    """Shortest path by ``length`` (1 / weight) from the nearest seed to every target."""
    if not targets:
        return {}
    dist = np.asarray(g.distances(source=seeds, target=targets, weights="length"))
    best: dict[int, list[int]] = {}
    nearest = np.argmin(dist, axis=0)
    for s_idx, seed in enumerate(seeds):
        mine = [t for j, t in enumerate(targets) if nearest[j] == s_idx and np.isfinite(dist[s_idx, j])]
        if mine:
            for t, path in zip(mine, g.get_shortest_paths(seed, to=mine, weights="length", output="vpath")):
                best[t] = path
    return best


def format_expansion(ranking: pd.DataFrame, *, width: int = 120) -> list[str]:
    """Lines of a text table of :func:`expand`: rank, entity, score, claims and the tying path.

    The path column is left-aligned and cut to ``width`` with ``…``.
    """
    lines = [f"{'rank':>4}  {'entity_type':<11}  {'entity_id':<16}  {'score':>8}  {'claims':>6}  path"]
    for r in ranking.itertuples(index=False):
        line = f"{r.rank:>4}  {r.entity_type:<11}  {r.entity_id:<16}  {r.score:>8.5f}  {r.claims:>6}  {r.path}"
        lines.append(line if len(line) <= width else line[: max(width - 1, 0)] + "…")
    return lines
