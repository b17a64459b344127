"""Lockstep co-visit communities at outpatient venues and pharmacies.

Targets the **staged clinic** (虚构诊疗: recruits arriving in batches minutes
apart, on a cycle) and the **card collector** (职业收卡人: many cards swiped
at one pharmacy within minutes, again and again).  Persons who met at the
same venue on several distinct days are linked (:mod:`graphfraud.graph.project`),
seeded Leiden (CPM) splits the links into communities, and each community's
*ring events* (venue-days where at least ``min_event_persons`` members were
there) give the suspect claims.

Benign dense care it must leave to scoring: dialysis cohorts, nursing-home
rounds and families also co-visit repeatedly; this detector reports them as
candidates and :mod:`graphfraud.score` explains them away (chronic-programme
care at peer cost, one shared household or institution address).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from graphfraud.detect.candidate import Candidate
from graphfraud.detect.communities import leiden
from graphfraud.graph.build import ClaimGraph
from graphfraud.graph.project import Projection, project_covisits
from graphfraud.params import CovisitParams

NAME = "covisit"


def detect(
    graph: ClaimGraph,
    params: CovisitParams = CovisitParams(),
    *,
    seed: int = 0,
    project: Callable[..., Projection] = project_covisits,
) -> list[Candidate]:
    """Candidates from lockstep co-visits (non-inpatient claims).

    ``project`` builds the co-visit projection: the local engine by default, or
    one with the same signature and result, e.g. :func:`graphfraud.engine.spark.project_covisits`
    with its ``spark`` session bound.

    Returns
    -------
    list of Candidate
        ``evidence`` holds ``pairs`` (linked member pairs), ``mean_days``
        (mean distinct days a linked pair met), ``events`` (ring venue-days).
    """
    table = graph.visits.table
    visits = table.loc[~table["inpatient"].to_numpy(), ["claim", "person", "venue", "minute", "day"]]
    projection = project(
        visits,
        window_minutes=params.window_minutes,
        max_neighbours=params.max_neighbours,
        busy_visits=params.busy_visits,
        busy_neighbours=params.busy_neighbours,
        min_days=params.min_days,
        day_resolution=graph.day_resolution,
    )
    partition = leiden(projection.pairs, resolution=params.resolution, seed=seed)
    groups = partition.groups(min_size=params.min_persons)
    return group_candidates(
        NAME, visits, groups, projection.pairs, min_event_persons=params.min_event_persons,
        params=params.__dict__ | {"seed": seed},
    )


def group_candidates(
    name: str,
    visits: pd.DataFrame,
    groups: list[np.ndarray],
    pairs: pd.DataFrame,
    *,
    min_event_persons: int,
    params: dict,
    day_column: str = "day",
) -> list[Candidate]:
    """Turn person groups into candidates with the claims of their ring events."""
    if not groups:
        return []
    n = int(max(g.max() for g in groups)) + 1
    group_of = np.full(max(n, int(visits["person"].max()) + 1), -1, dtype=np.int64)
    for i, g in enumerate(groups):
        group_of[g] = i
    gp = group_of[visits["person"].to_numpy()]
    inside = gp >= 0
    mine = visits[inside].assign(group=gp[inside])
    size = mine.groupby(["group", "venue", day_column])["person"].transform("nunique")
    events = mine[size.to_numpy() >= min_event_persons]
    pg_a = group_of[pairs["a"].to_numpy()]
    pg_b = group_of[pairs["b"].to_numpy()]
    inner = pairs[(pg_a == pg_b) & (pg_a >= 0)].assign(group=pg_a[(pg_a == pg_b) & (pg_a >= 0)])
    out = []
    for i, g in enumerate(groups):
        ev = events[events["group"].to_numpy() == i]
        if ev.empty:
            continue
        links = inner[inner["group"].to_numpy() == i]
        evidence = {
            "pairs": int(len(links)),
            "mean_days": float(links["days"].mean()) if len(links) else 0.0,
            "events": int(ev[["venue", day_column]].drop_duplicates().shape[0]),
        }
        out.append(
            Candidate(name, np.sort(g), np.sort(ev["claim"].to_numpy()), evidence, dict(params))
        )
    return out
