"""Benign dense care without the columns that usually explain it (issue 14): residents of a nursing
home with no addresses, a private dialysis centre with no diagnosis and outpatient coding."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from graphfraud.analyses.evaluate import evaluate
from graphfraud.pipeline import run
from graphfraud.score.rings import members_table, rings_table
from graphfraud.synth.world import SynthParams, make_world


def _benign_in_top(result, labels: pd.DataFrame) -> int:
    rings = result.rings
    return evaluate(rings_table(rings), members_table(rings), labels, top=max(len(rings), 1)).benign_in_top


def _residents_also_come_alone(data, labels: pd.DataFrame, *, visits: int, seed: int = 0):
    """Each resident of the nursing home also comes to the round's centre on ``visits`` days of their
    own (a copy of one of their round claims moved to a random day), as old people near a community
    centre do: on many days three or more residents are there, each on their own."""
    rng = np.random.default_rng(seed)
    residents = labels.loc[
        (labels["entity_type"] == "person") & labels["ring_id"].str.startswith("benign:"), "entity_id"
    ]
    mine = data.claims[data.claims["patient_id"].isin(set(residents)) & data.claims["facility_id"].notna()]
    centre = mine["facility_id"].mode()[0]
    rounds = mine[mine["facility_id"] == centre]
    rows = np.concatenate(
        [
            rng.choice(np.flatnonzero(rounds["patient_id"].to_numpy() == p), visits)
            for p in sorted(set(rounds["patient_id"]))
        ]
    )
    picked = rounds.iloc[rows]
    shift = pd.to_timedelta(rng.integers(1, 300, len(picked)), unit="D")
    first, last = data.claims["start_time"].min(), data.claims["start_time"].max()
    start = picked["start_time"] + shift
    start = start.where(start <= last, start - pd.Timedelta(days=300)).clip(lower=first)
    extra = picked.assign(
        claim_id=[f"X{i:06d}" for i in range(len(picked))],
        start_time=start,
        end_time=start + (picked["end_time"] - picked["start_time"]),
    )
    items = data.claim_items.merge(picked[["claim_id"]].assign(new=extra["claim_id"].to_numpy()), on="claim_id")
    items = items.assign(claim_id=items.pop("new"), trace_code=None)  # a drug box is sold once
    return dataclasses.replace(
        data,
        claims=pd.concat([data.claims, extra], ignore_index=True),
        claim_items=pd.concat([data.claim_items, items], ignore_index=True),
        links={},
    )


@pytest.mark.parametrize(("seed", "visits"), [(11, 10), (11, 25)])
def test_a_nursing_home_round_without_addresses_is_explained(seed: int, visits: int) -> None:
    data, labels = make_world(SynthParams(persons=3000, plant=("nursing_home",), seed=seed))
    labels = labels.astype(str)
    data = _residents_also_come_alone(data, labels, visits=visits)
    data = dataclasses.replace(data, persons=data.persons.assign(address=None), links={})
    result = run(data)
    # No shared address says "one institution"; its timetable does: the round's sessions are its
    # best-attended days, not every day on which three residents came on their own.
    assert _benign_in_top(result, labels) == 0
    explained = [r for r in result.explained if r.benign.code == "benign_schedule"]
    assert explained
    f = explained[0].features
    assert f.sessions < f.event_days / 2 and f.attendance >= 0.5  # most ring days are not sessions


def test_a_private_dialysis_centre_is_explained_by_its_regimen() -> None:
    data, labels = make_world(SynthParams(persons=3000, plant=("dialysis",), seed=11))
    labels = labels.astype(str)
    claims = data.claims.assign(diagnosis=None)
    claims.loc[claims["visit_type"] == "chronic", "visit_type"] = "outpatient"
    data = dataclasses.replace(
        data,
        claims=claims,
        facilities=data.facilities.assign(ownership="private"),
        persons=data.persons.assign(address=None),
        links={},
    )
    result = run(data)
    # Neither ownership, diagnosis nor visit type says "dialysis"; each patient at nearly every one of
    # three sessions a week on fixed weekdays for a year does.
    assert _benign_in_top(result, labels) == 0
    assert any(r.benign.code == "benign_schedule" for r in result.explained)
