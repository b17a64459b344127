"""Step 108: a kickback ring whose purchases were swiped at the pharmacy in batches of cards minutes apart is a
card collector's (a 村医 holding his village's cards), not a doctor's patients sent one by one: the name changes,
with a reason of no points; the score, members and rank do not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from graphfraud import pipeline
from graphfraud.contract import ClaimsData
from graphfraud.graph.build import build_graph
from graphfraud.params import RunParams
from graphfraud.score import rings
from graphfraud.score.features import ClaimFacts, claim_facts
from graphfraud.score.rings import batch_swipes, swiped_in_batches
from graphfraud.score.wording import say
from graphfraud.synth import toy


def _as_kickback(data: ClaimsData) -> tuple[rings.Ring, ClaimFacts]:
    """The toy card burst's ring (6 holders swiped 5 at a time, 3 minutes apart), renamed a kickback, and the facts
    of ``data`` (the same claims at other times)."""
    (ring,) = pipeline.run(toy.card_burst()[0], RunParams()).rings
    graph = build_graph(data)
    return replace(ring, typology="kickback"), claim_facts(graph)


def _timed(shift: Callable[[pd.Series, np.ndarray], pd.Series]) -> ClaimsData:
    data, _ = toy.card_burst()
    claims = data.claims.copy()
    claims["start_time"] = shift(pd.to_datetime(claims["start_time"]), np.arange(len(claims)))
    return replace(data, claims=claims)


def test_a_kickback_swiped_in_batches_is_named_a_card_collector() -> None:
    ring, facts = _as_kickback(toy.card_burst()[0])
    named = swiped_in_batches(ring, facts)
    assert named.typology == "card_collector"
    assert (named.score, named.rank, named.claims.tolist()) == (ring.score, ring.rank, ring.claims.tolist())
    assert {m.role for m in named.members if m.entity_type == "person"} <= {"card_holder", "organizer"}
    (reason,) = [r for r in named.reasons if r.code == "batch_swipes"]
    assert reason.points == 0.0 and reason.value == 1.0  # every purchase in a run of 4-5
    assert reason.args["batched"] == reason.args["purchases"] == len(ring.claims)
    assert reason.args["cards"] == 5  # the 5 holders the ring holds (of 6)
    assert "成批刷卡" in say("batch_swipes", reason.args, "zh")


def test_purchases_one_by_one_stay_a_kickback() -> None:
    # the same purchases an hour apart: patients coming one by one
    data = _timed(lambda t, i: t.dt.normalize() + pd.to_timedelta(8 * 60 + 60 * (i % 10), unit="min"))
    ring, facts = _as_kickback(data)
    assert swiped_in_batches(ring, facts) is ring


def test_the_gap_and_the_run_length(monkeypatch: pytest.MonkeyPatch) -> None:
    venue, person = np.array([1, 1, 1, 1]), np.array([1, 2, 3, 4])
    assert batch_swipes(venue, person, np.array([0, 20, 40, 60])).sum() == 0  # 20 min apart: no batch
    monkeypatch.setattr(rings, "BATCH_GAP", 30)
    assert batch_swipes(venue, person, np.array([0, 20, 40, 60])).all()
    monkeypatch.setattr(rings, "BATCH_CARDS", 6)
    assert batch_swipes(venue, person, np.array([0, 20, 40, 60])).sum() == 0  # 4 in a row, 6 asked for


def test_no_time_of_day_no_batches() -> None:
    data = _timed(lambda t, i: t.dt.normalize())  # every claim at midnight: dates only (as the reader marks them)
    ring, facts = _as_kickback(replace(data, time_resolution="day"))
    assert facts.graph.day_resolution
    assert swiped_in_batches(ring, facts) is ring


def test_only_kickbacks_are_renamed() -> None:
    ring, facts = _as_kickback(toy.card_burst()[0])
    other = replace(ring, typology="staged_clinic")
    assert swiped_in_batches(other, facts) is other
