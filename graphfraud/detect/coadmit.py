"""Groups admitted together and discharged together, again and again.

Targets **induced or phantom hospitalisation** (诱导住院, 挂床): groups of
elderly admitted on the same day to the same hospital, discharged together,
repeatedly.  Two inpatient stays *meet* when they start, or end, on the same
day at the same facility; pairs that met at least ``min_times`` times are
linked and seeded Leiden splits them into groups.

Benign pattern it must leave to scoring: a ward's ordinary admissions put
random pairs together once; only repetition links them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.detect.candidate import Candidate, group_candidates, uncovered
from graphfraud.detect.communities import leiden
from graphfraud.detect.organise import organisations, tighten
from graphfraud.graph.build import ClaimGraph
from graphfraud.graph.events import Events, combine, venue_events
from graphfraud.graph.project import meetings
from graphfraud.params import CoadmitParams, to_dict

NAME = "coadmit"


def coadmission_pairs(stays: pd.DataFrame, params: CoadmitParams) -> pd.DataFrame:
    """Linked pairs: ``a``, ``b``, ``days`` (times co-admitted or co-discharged), ``weight``."""
    admitted = meetings(stays, max_neighbours=params.max_neighbours, day_resolution=True)
    ended = stays[stays["end_day"].to_numpy() >= 0].assign(day=lambda s: s["end_day"])
    discharged = meetings(ended, max_neighbours=params.max_neighbours, day_resolution=True)
    both = pd.concat([admitted.assign(adm=1, dis=0), discharged.assign(adm=0, dis=1)], ignore_index=True)
    agg = both.groupby(["a", "b"], sort=True, as_index=False).agg(
        admitted=("adm", "sum"),
        discharged=("dis", "sum"),
        weight=("weight", "sum"),
    )
    agg["days"] = np.maximum(agg["admitted"], agg["discharged"])
    return agg[agg["days"] >= params.min_times].reset_index(drop=True)


def group_days(stays: pd.DataFrame, params: CoadmitParams) -> Events:
    """Admission days and discharge days of each facility as events (the persons admitted, or discharged, that day).

    A ward's ordinary day admits strangers; a group admitted together keeps
    turning up on the same admission and discharge days.  Facility-days with
    more than ``busy_admissions`` admissions (a big hospital) hold no events.
    """
    parts = []
    for column in ("day", "end_day"):
        s = stays[stays[column].to_numpy() >= 0]
        days = pd.DataFrame({"person": s["person"].to_numpy(), "venue": s["venue"].to_numpy(),
                             "minute": s[column].to_numpy() * 1440})  # fmt: skip
        parts.append(venue_events(days, busy_visits=params.busy_admissions, min_persons=3, day_resolution=True))
    return combine(*parts)


def detect(graph: ClaimGraph, params: CoadmitParams = CoadmitParams(), *, seed: int = 0) -> list[Candidate]:
    """Candidates from repeated co-admissions (inpatient claims only)."""
    table = graph.visits.table
    stays = table[table["inpatient"].to_numpy()]
    if stays.empty:
        return []
    pairs = coadmission_pairs(stays, params)
    days = group_days(stays, params)
    org = params.organise
    orgs = [o.persons for o in organisations(days, **to_dict(org), min_persons=params.min_persons, seed=seed)]
    partition = leiden(pairs, resolution=params.resolution, seed=seed)
    cores = uncovered(partition.groups(min_size=params.min_persons), orgs)
    groups = orgs + tighten(
        cores, days, min_share=org.min_share, min_density=org.min_density, min_persons=params.min_persons
    )
    return group_candidates(NAME, stays, groups, pairs, min_event_persons=3, params=to_dict(params) | {"seed": seed})
