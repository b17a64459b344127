"""Fund per claim at a ring's venue against the same cell elsewhere (features._peer_venue_ratio)."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np

from graphfraud.graph.build import build_graph
from graphfraud.score import features as F
from graphfraud.synth.world import SynthParams, make_world


def test_a_cell_the_fund_never_paid_gives_no_ratio_and_no_warning() -> None:
    data, _ = make_world(SynthParams(persons=3000, days=180, seed=11))
    paid = build_graph(data)
    unpaid = build_graph(dataclasses.replace(data, claims=data.claims.assign(fund_amount=0.0)))
    venue = paid.visits.column("venue")
    main = int(np.bincount(venue[venue >= 0]).argmax())
    rows = np.flatnonzero(venue == main)[:30]
    assert F._peer_venue_ratio(rows, main, F.claim_facts(paid)) > 0  # the busiest venue's cell has peers
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # was 0/0: invalid value encountered in scalar divide
        assert math.isnan(F._peer_venue_ratio(rows, main, F.claim_facts(unpaid)))
