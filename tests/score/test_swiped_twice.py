"""Step 138: a dear staged clinic whose cards were billed twice in a day at its venue, beyond the venue's other
claims, is a card collector's (a card drained again in the session), not a broker's recruits who came once: the
name changes, with a reason of no points; the score, members and rank do not."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from graphfraud import pipeline
from graphfraud.contract import ClaimsData
from graphfraud.graph.build import build_graph
from graphfraud.params import RunParams
from graphfraud.score import rings
from graphfraud.score.features import claim_facts
from graphfraud.score.reasons import Reason
from graphfraud.score.rings import swiped_twice
from graphfraud.score.wording import say
from graphfraud.synth import toy

_DEAR = Reason("cost_ratio", {"ratio": 3.0, "ring": 90.0, "peers": 30.0, "cost_ratio_from": 1.3}, 3.0, 1.3, 25.0)


def _again(data: ClaimsData, rows: list[int], minutes: int = 20) -> ClaimsData:
    """``data`` with the claims at ``rows`` billed again ``minutes`` later the same day (new claim ids)."""
    claims = data.claims
    more = claims.iloc[rows].copy()
    more["claim_id"] = [f"T{i:010d}" for i in range(len(more))]
    more["start_time"] = pd.to_datetime(more["start_time"]) + pd.Timedelta(minutes=minutes)
    return replace(data, claims=pd.concat([claims, more], ignore_index=True))


def _staged(data: ClaimsData, *, dear: bool = True) -> tuple[rings.Ring, object]:
    (ring,) = [r for r in pipeline.run(data, RunParams()).rings if r.typology == "staged_clinic"]
    if dear:
        ring = replace(ring, reasons=(*ring.reasons, _DEAR))
    return ring, claim_facts(build_graph(data))


def _recruits(data: ClaimsData) -> list[int]:
    return [i for i, p in enumerate(data.claims["patient_id"]) if p.startswith("00000001")]


def test_a_dear_ring_whose_cards_are_billed_twice_a_day_is_named_a_card_collector() -> None:
    data, _ = toy.staged_clinic()
    data = _again(data, _recruits(data)[::3])  # 8 of the 24 recruit claims billed again that afternoon
    ring, facts = _staged(data)
    named = swiped_twice(ring, facts)
    assert named.typology == "card_collector"
    assert (named.score, named.rank, named.claims.tolist()) == (ring.score, ring.rank, ring.claims.tolist())
    assert {m.role for m in named.members if m.entity_type == "person"} <= {"card_holder", "organizer"}
    (reason,) = [r for r in named.reasons if r.code == "twice_swiped"]
    assert reason.points == 0.0
    assert reason.args["twice"] == 16 and reason.args["claims"] == len(ring.claims) == 32
    assert reason.args["usual"] == 0.0  # the 3 ordinary visits, each once
    assert "再次结算" in say("twice_swiped", reason.args, "zh")


def test_recruits_seen_once_a_day_stay_a_staged_clinic() -> None:
    ring, facts = _staged(toy.staged_clinic()[0])
    assert swiped_twice(ring, facts) is ring


def test_a_cheap_ring_keeps_its_name() -> None:
    data, _ = toy.staged_clinic()
    ring, facts = _staged(_again(data, _recruits(data)[::3]), dear=False)
    assert swiped_twice(ring, facts) is ring


def test_a_venue_that_bills_everyone_twice_a_day_tells_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # the venue's other patients billed twice a day as often: a registration and a treatment, say
    data, _ = toy.staged_clinic()
    ordinary = [i for i in range(len(data.claims)) if i not in _recruits(data)]
    data = _again(data, _recruits(data)[::3] + ordinary)
    ring, facts = _staged(data)
    assert swiped_twice(ring, facts) is ring
    monkeypatch.setattr(rings, "TWICE_EXCESS", 0.9)
    data, _ = toy.staged_clinic()
    ring, facts = _staged(_again(data, _recruits(data)[::3]))
    assert swiped_twice(ring, facts) is ring  # 0.5 above the venue's: under a bar of 0.9
