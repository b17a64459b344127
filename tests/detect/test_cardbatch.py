"""Cards swiped in batches at one pharmacy (detect.cardbatch, step 112): a holder's pool of cards, a handful at a
time minutes apart, again and again; not a family buying together, a shop's rush hour or a carer's monthly round."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import cardbatch
from graphfraud.errors import ParamError
from graphfraud.graph.build import build_graph
from graphfraud.params import CardBatchParams
from graphfraud.pipeline import run
from graphfraud.score.features import claim_facts
from graphfraud.score.rings import score_candidates
from graphfraud.score.wording import say
from graphfraud.stats import binom, poisson

from .worlds import FAMILIES, POOL, RESIDENTS, batch_world, candidates_by_venue


def test_a_holders_pool_swiped_in_handfuls_is_found_and_nothing_else() -> None:
    found = candidates_by_venue(cardbatch.detect, batch_world(), CardBatchParams())
    assert list(found) == ["P0"], "families (P1), the rush hour (P2) and the carer's round (P3) are no pool"
    persons, evidence = found["P0"]
    assert set(persons) <= set(POOL) and len(persons) >= 15
    assert evidence["headline"] == "batch_cards" and evidence["typology"] == "card_collector"
    assert evidence["sessions"] >= CardBatchParams().min_sessions
    assert evidence["chance"] <= CardBatchParams().max_chance
    assert evidence["round_share"] <= CardBatchParams().max_round  # handfuls of the pool, not the roster


def test_without_the_holder_no_candidate() -> None:
    assert candidates_by_venue(cardbatch.detect, batch_world(holder=False), CardBatchParams()) == {}


def test_the_carers_round_is_a_pool_only_when_rounds_are_allowed() -> None:
    """The round test is what keeps the home out: with ``max_round`` 1 its roster is a pool of its own."""
    found = candidates_by_venue(cardbatch.detect, batch_world(holder=False), CardBatchParams(max_round=1.0))
    assert list(found) == ["P3"]
    assert set(found["P3"][0]) <= set(RESIDENTS) and found["P3"][1]["round_share"] >= 0.5


def test_families_are_too_small_for_a_pool_and_come_whole() -> None:
    """Each family is batched every month, but a household is three cards, and all three come each time (a
    round): only with ``min_cards`` 3 and ``max_round`` 1 are they pools, each its own."""
    assert "P1" not in candidates_by_venue(cardbatch.detect, batch_world(holder=False), CardBatchParams(min_cards=3))
    found = candidates_by_venue(
        cardbatch.detect, batch_world(holder=False), CardBatchParams(min_cards=3, max_round=1.0)
    )
    assert "P1" in found and set(found["P1"][0]) in [set(f) for f in FAMILIES]


def test_dates_only_switch_it_off() -> None:
    data = batch_world(dates_only=True)
    assert candidates_by_venue(cardbatch.detect, data, CardBatchParams()) == {}
    result = run(data)
    assert "no time of day" in result.signals.off["cardbatch"]  # named in run.json


def test_the_pool_scored_alone_is_a_card_collector_ring_with_its_reason() -> None:
    graph = build_graph(batch_world())
    (candidate,) = cardbatch.detect(graph)
    (ring,), _ = score_candidates([candidate], claim_facts(graph))
    assert ring.typology == "card_collector" and ring.benign is None and ring.detector == cardbatch.NAME
    assert {m.role for m in ring.members if m.entity_type == "person"} == {"card_holder"}
    (reason,) = [r for r in ring.reasons if r.code == "batch_cards"]
    assert reason.points > 0 and reason.args["flagged"] == len(candidate.persons)
    assert "成批刷卡" in say("batch_cards", reason.args, "zh")


def test_end_to_end_the_pool_is_one_card_collector_ring() -> None:
    """Whichever detector's ring reports it (a group seen meeting leads, step 68's giving way), the pool is one
    card collector's ring."""
    result = run(batch_world())
    assert result.candidates["cardbatch"] == 1
    held = [r for r in result.rings if len({m.entity_id for m in r.members} & set(POOL)) >= 15]
    assert held and held[0].typology == "card_collector"


def test_deterministic() -> None:
    data = batch_world()
    a, b = (
        candidates_by_venue(cardbatch.detect, data, CardBatchParams()),
        candidates_by_venue(cardbatch.detect, replace(data), CardBatchParams()),
    )
    assert a.keys() == b.keys() and all(a[k][0] == b[k][0] for k in a)


@pytest.mark.parametrize(
    "field, value",
    [("gap_minutes", 0), ("batch_cards", 1), ("min_days", 1), ("min_share", 0.0), ("min_cards", 1),
     ("min_sessions", 0), ("max_chance", 1.0), ("max_round", 0.0)],
)  # fmt: skip
def test_bad_params_are_refused(field: str, value: float) -> None:
    with pytest.raises(ParamError, match=f"'{field}' parameter of CardBatchParams"):
        CardBatchParams(**{field: value})


def _random_swipes(rng: np.random.Generator, n: int, *, span: int = 4000) -> pd.DataFrame:
    """Purchases at a few venues with ties everywhere (one card twice at one minute, two cards at one minute)."""
    swipes = pd.DataFrame(
        {
            "venue": rng.integers(0, 4, n),
            "person": rng.integers(3, 3 + rng.integers(1, 12), n),
            "minute": rng.integers(10_000, 10_000 + rng.integers(1, span), n),
        }
    )
    swipes["day"] = swipes["minute"] // 1440
    swipes["row"] = np.arange(n)
    return swipes.sort_values(["venue", "minute", "person"], kind="stable", ignore_index=True)


@pytest.mark.parametrize("seed", range(40))
def test_the_sorts_and_group_bys_are_pandas_own(seed: int) -> None:
    """Speed round 22: the purchases' order, the batches, the cards' days and the venues' cards from packed keys
    equal the pandas sort, ``drop_duplicates`` and group-bys they replace, row for row and dtype for dtype."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    raw = _random_swipes(rng, n).sample(frac=1.0, random_state=seed)
    columns = [raw[c].to_numpy() for c in ("venue", "minute", "person")]
    expected = raw.sort_values(["venue", "minute", "person"], kind="stable").index.to_numpy()
    assert raw.index.to_numpy()[cardbatch.stable_order(*columns)].tolist() == expected.tolist()

    swipes = _random_swipes(rng, n)
    gap, size = int(rng.integers(0, 30)), int(rng.integers(2, 5))
    venue, person, minute = (swipes[c].to_numpy() for c in ("venue", "person", "minute"))
    link = (venue[1:] == venue[:-1]) & (minute[1:] - minute[:-1] <= gap)
    run = np.concatenate([[0], np.cumsum(~link)])
    distinct = pd.DataFrame({"run": run, "person": person}).drop_duplicates()
    reference = np.bincount(distinct["run"].to_numpy(), minlength=int(run[-1]) + 1)[run] >= size
    swipes["batched"] = cardbatch.batches(swipes, gap=gap, cards=size)
    assert swipes["batched"].tolist() == reference.tolist()

    swipes["hour"] = swipes["minute"] % 1440 // 60
    days = swipes.groupby(["venue", "person", "day"], sort=True).agg(batched=("batched", "any"), hour=("hour", "first"))
    days = days.reset_index()
    pd.testing.assert_frame_equal(cardbatch.card_days(swipes), days)
    cards = days.groupby(["venue", "person"], sort=True).agg(days=("day", "size"), batched=("batched", "sum"))
    pd.testing.assert_frame_equal(cardbatch.venue_cards(days), cards.reset_index())


def _old_hourly_rates(days: pd.DataFrame, flagged: np.ndarray) -> np.ndarray:
    """Round 21's rates of one venue (the reference)."""
    other = days[~flagged]
    hour = other["hour"].to_numpy(dtype=np.int64)
    batched = other["batched"].to_numpy(dtype=np.float64)
    total = max(len(other), 1)
    overall = max(float(batched.sum()) / total, 0.5 / total)
    size = np.bincount(hour, minlength=24).astype(np.float64)
    hits = np.bincount(hour, weights=batched, minlength=24)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(size > 0, np.maximum(hits, 0.5) / size, overall)


@pytest.mark.parametrize("seed", range(30))
def test_the_venues_tested_at_once_give_each_venues_own_numbers(seed: int) -> None:
    """Speed round 22: every venue's rates, expected cards and chance from one pass over all venues equal, bit for
    bit, round 21's venue-by-venue computation (pandas' group mean of each card's days, each venue's own sum)."""
    rng = np.random.default_rng(100 + seed)
    want: dict[int, tuple[float, float, np.ndarray]] = {}
    while not want:  # a draw with a venue of min_cards flagged cards (most are)
        swipes = _random_swipes(rng, int(rng.integers(50, 900)), span=20 * 1440)
        params = CardBatchParams(min_days=2, min_share=0.3, min_cards=int(rng.integers(2, 4)))
        swipes["batched"] = cardbatch.batches(swipes, gap=int(rng.integers(60, 600)), cards=2)
        swipes["hour"] = swipes["minute"] % 1440 // 60
        days = cardbatch.card_days(swipes)
        cards = cardbatch.venue_cards(days)
        cards["flag"] = (cards["batched"] >= params.min_days) & (cards["batched"] >= params.min_share * cards["days"])
        want = _venue_by_venue(days, cards, params)
    venue = cards["venue"].to_numpy()
    start = np.flatnonzero(np.r_[True, venue[1:] != venue[:-1]])
    for block in (1, 7, 50, cardbatch.BLOCK_DAYS):  # venues in blocks of about this many days: one or all at a time
        tested = cardbatch.venue_tests(days, cards, start, params, block=block)
        got = {int(venue[start[i]]): rest for i, *rest in tested}
        assert got.keys() == want.keys()
        for code, (expected, chance, p) in want.items():
            assert got[code][0] == expected and got[code][1] == chance
            assert got[code][2].tolist() == p.tolist()


def _venue_by_venue(
    days: pd.DataFrame, cards: pd.DataFrame, params: CardBatchParams
) -> dict[int, tuple[float, float, np.ndarray]]:
    """Round 21's test of each venue on its own (the reference): expected, chance and its days' rates."""
    want = {}
    for code, mine in cards.groupby("venue", sort=True):
        flagged = mine.loc[mine["flag"], "person"].to_numpy()
        if len(flagged) < params.min_cards:
            continue
        at = days[days["venue"] == code]
        at = at.assign(p=_old_hourly_rates(at, np.isin(at["person"].to_numpy(), flagged))[at["hour"].to_numpy()])
        p = at.groupby("person", sort=True)["p"].mean().reindex(mine["person"]).to_numpy()
        n = mine["days"].to_numpy(dtype=np.int64)
        need = np.maximum(params.min_days, np.ceil(params.min_share * n)).astype(np.int64)
        expected = float(binom.sf(need - 1, n, p).sum())
        want[int(code)] = (expected, float(poisson.sf(len(flagged) - 1, expected)), at["p"].to_numpy())
    return want
