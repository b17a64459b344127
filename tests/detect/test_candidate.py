"""Candidates from person groups: which visits are the group's (graphfraud.detect.candidate)."""

import dataclasses

import numpy as np
import pandas as pd

from graphfraud.detect.candidate import group_candidates
from graphfraud.detect.covisit import outpatient_visits
from graphfraud.graph.build import build_graph
from graphfraud.synth import toy


def test_a_visit_of_an_unknown_person_is_in_no_group():
    # Persons 0, 1, 2 meet at venue 0 on day 0; a fourth visit there has no known person (-1, as co-visits
    # mark an inpatient stay).  Person 2 is the highest code, so a lookup at -1 would land on its group.
    visits = pd.DataFrame({"claim": [0, 1, 2, 3], "person": [0, 1, 2, -1], "venue": 0, "day": 0})
    pairs = pd.DataFrame({"a": [0, 0, 1], "b": [1, 2, 2], "days": [3, 3, 3], "weight": [1.0, 1.0, 1.0]})
    found = group_candidates("covisit", visits, [np.array([0, 1, 2])], pairs, min_event_persons=3, params={})
    assert len(found) == 1 and found[0].claims.tolist() == [0, 1, 2]


def test_co_visits_read_every_claim_but_the_inpatient_stays_as_unknown_persons():
    data = toy.staged_clinic()[0]
    stays = data.claims["visit_type"].copy()
    stays.iloc[[0, 5, 9]] = "inpatient"
    graph = build_graph(dataclasses.replace(data, claims=data.claims.assign(visit_type=stays), links={}))
    table = graph.visits.table
    visits = outpatient_visits(graph)
    inpatient = table["inpatient"].to_numpy()
    assert inpatient.sum() == 3
    assert visits["claim"].tolist() == table["claim"].tolist()
    assert (visits["person"].to_numpy()[~inpatient] == table["person"].to_numpy()[~inpatient]).all()
    assert (visits["person"].to_numpy()[inpatient] == -1).all()
    assert np.shares_memory(visits["venue"].to_numpy(), table["venue"].to_numpy())  # read, not copied
