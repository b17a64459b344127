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
from graphfraud.detect.organise import Organisation, organisations, tighten
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


def repeat_stays(
    found: list[Organisation], days: Events, stays: pd.DataFrame, *, min_stays: int, min_persons: int
) -> list[np.ndarray]:
    """The members of each organisation with at least ``min_stays`` stays at its facilities.

    Induced admission is repeated hospitalisation: a villager bused in once and
    discharged with the others is not yet a pattern (nor is an elective-surgery
    batch admitted on a Monday and sent home on a Friday), the same villager
    back with the next wave, or discharged and readmitted a few days later
    (分解住院), is.  Counting stays rather than admission and discharge days
    makes the rule the same whether or not the export has discharge times.
    Organisations left with fewer than ``min_persons`` are dropped.
    """
    if not found:
        return []
    person, venue = stays["person"].to_numpy(np.int64), stays["venue"].to_numpy(np.int64)
    n_venues = int(max(venue.max(initial=0), days.venue.max(initial=0))) + 1
    key, count = np.unique(person * n_venues + venue, return_counts=True)
    out = []
    for o in found:
        venues = np.unique(days.venue[o.events])
        asked = o.persons.astype(np.int64)[:, None] * n_venues + venues[None, :]
        at = np.minimum(np.searchsorted(key, asked), len(key) - 1)
        n = np.where(key[at] == asked, count[at], 0).sum(axis=1)
        members = o.persons[n >= min_stays]
        if len(members) >= min_persons:
            out.append(members)
    return out


def detect(graph: ClaimGraph, params: CoadmitParams = CoadmitParams(), *, seed: int = 0) -> list[Candidate]:
    """Candidates from repeated co-admissions (inpatient claims only)."""
    table = graph.visits.table
    stays = table[table["inpatient"].to_numpy()]
    if stays.empty:
        return []
    pairs = coadmission_pairs(stays, params)
    days = group_days(stays, params)
    org = params.organise
    found = organisations(days, **to_dict(org), min_persons=params.min_persons, seed=seed)
    orgs = repeat_stays(found, days, stays, min_stays=params.min_stays, min_persons=params.min_persons)
    partition = leiden(pairs, resolution=params.resolution, seed=seed)
    cores = uncovered(partition.groups(min_size=params.min_persons), orgs)
    groups = orgs + tighten(
        cores, days, min_share=org.min_share, min_density=org.min_density, min_persons=params.min_persons
    )
    return group_candidates(NAME, stays, groups, pairs, min_event_persons=3, params=to_dict(params) | {"seed": seed})
