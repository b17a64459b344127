"""Step 71: a ring of a date-only export scored only for meeting (same days, a rhythm, a share of the venue) is
not reported: thirdworld 67's 14 chronic heavy users of a township centre at exactly ``min_score``."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from graphfraud.score.reasons import Reason
from graphfraud.score.rings import meeting_only, select_rings


def _reason(code: str, points: float) -> Reason:
    return SimpleNamespace(code=code, points=points)  # type: ignore[return-value]


def _ring(rid: str, persons: range, score: float, codes: dict[str, float], gap: float = math.nan) -> SimpleNamespace:
    return SimpleNamespace(
        ring_id=rid, rank=0, score=score, alert="yellow", typology="staged_clinic", members=(),
        person_codes=np.asarray(list(persons)), claims=np.array([], dtype=np.int64), fund_amount=0.0,
        reasons=tuple(_reason(c, p) for c, p in codes.items()), benign=None, detector="covisit",
        features=SimpleNamespace(median_arrival_gap=gap),
    )  # fmt: skip


def test_regulars_on_the_same_dates_with_nothing_billed_flagged_or_at_stake_are_not_reported() -> None:
    regulars = _ring("RREG", range(0, 14), 15.0, {"lockstep": 15.4, "dominance": 7.4})
    assert meeting_only(regulars)  # type: ignore[arg-type]
    dear = _ring("RDEAR", range(20, 40), 18.0, {"lockstep": 15.0, "dominance": 5.0, "cost_ratio": 4.0})
    money = _ring("RMONEY", range(40, 60), 20.0, {"lockstep": 15.0, "money": 3.0, "cycle": 2.0})
    flagged = _ring("RDEAD", range(60, 80), 25.0, {"dominance": 15.0, "after_death": 10.0})
    zero = _ring("RZERO", range(80, 90), 16.0, {"lockstep": 16.0, "cost_ratio": 0.0})  # a reason said at 0 points
    assert not any(meeting_only(r) for r in (dear, money, flagged))  # type: ignore[arg-type]
    assert meeting_only(zero)  # type: ignore[arg-type]
    timed = _ring("RTIMED", range(90, 104), 15.0, {"lockstep": 15.4, "dominance": 7.4}, gap=3.0)
    assert not meeting_only(timed)  # type: ignore[arg-type]  # arrivals within minutes are evidence
    rings, explained = select_rings([regulars, dear, money, flagged, zero, timed])  # type: ignore[list-item]
    assert [r.ring_id for r in rings] == ["RDEAD", "RMONEY", "RDEAR", "RTIMED"] and explained == []


def test_a_meeting_only_ring_still_holds_its_persons_against_a_worse_overlapping_ring() -> None:
    """Not reporting it changes nothing else: a worse ring sharing half its persons is dropped as before."""
    regulars = _ring("RREG", range(0, 14), 18.0, {"lockstep": 18.0})
    inside = _ring("RIN", range(0, 10), 16.0, {"lockstep": 10.0, "cost_ratio": 6.0})
    rings, _ = select_rings([regulars, inside])  # type: ignore[list-item]
    assert rings == []


def test_with_arrival_times_a_ring_that_only_came_together_is_not_reported() -> None:
    """Step 133 (d): a family on its outings to one clinic, minutes apart (otherworld 128: no address exported),
    scored only for coming together, is not reported; a share of the venue or anything at stake keeps a ring."""
    family = _ring("RFAM", range(0, 9), 15.1, {"lockstep": 10.0, "arrival_gap": 5.1}, gap=4.0)
    visitors = _ring("RVIS", range(10, 17), 15.2, {"lockstep": 10.0, "out_of_region": 5.2}, gap=6.0)
    assert meeting_only(family) and meeting_only(visitors)  # type: ignore[arg-type]
    venue = _ring("RVEN", range(20, 43), 19.3, {"lockstep": 12.0, "dominance": 7.3}, gap=2.0)  # 理疗 gifts
    dear = _ring("RDEAR", range(50, 60), 30.0, {"lockstep": 10.0, "arrival_gap": 5.0, "cost_ratio": 15.0}, gap=1.0)
    assert not meeting_only(venue) and not meeting_only(dear)  # type: ignore[arg-type]
    rings, explained = select_rings([family, visitors, venue, dear])  # type: ignore[list-item]
    assert [r.ring_id for r in rings] == ["RDEAR", "RVEN"] and explained == []
    # dates only: wintering visitors on the same days, insured elsewhere, are who met, not what is at stake
    winter = _ring("RWIN", range(70, 77), 15.2, {"lockstep": 10.0, "out_of_region": 5.2})
    assert meeting_only(winter)  # type: ignore[arg-type]
    assert not meeting_only(_ring("RCYC", range(80, 90), 15.2, {"lockstep": 10.0, "off_hours": 5.2}))  # type: ignore[arg-type]
