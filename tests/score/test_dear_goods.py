"""The claims' dear amounts are kept sparse: ``ClaimFacts.high_value`` (a :class:`ClaimAmounts`, only the focus
claims with a dear line) and ``ClaimFacts.high_goods`` (only the claims with a dear line of another category),
read back by indexing and ``features.dear_goods``: the same bits as a float per claim (the dense sums kept before,
0.08 GiB each at ten million claims), so ``high_value_share``, ``dear_goods_share`` and every ring are unchanged."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from graphfraud.score.claim_flags import high_value_lines
from graphfraud.score.features import GOODS_CATEGORIES, _high_goods, _high_value, dear_goods


def _lines(seed: int, claims: int, n: int, categories: list[Any]) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    mine = pd.DataFrame(
        {
            "unit_price": rng.choice([5.0, 150.0, 200.0, 980.5, np.nan], n),
            "amount": rng.random(n) * 10.0 ** rng.integers(-4, 8, n),  # many magnitudes: the order of adding shows
            "category": pd.array(rng.choice(np.array(categories, dtype=object), n), dtype="string"),
        }
    )
    return mine, rng.integers(0, claims, n).astype(np.int64)  # lines of a claim scattered, as an export may be


def _dense(mine: pd.DataFrame, rows: np.ndarray, claims: int, *, goods: bool = True) -> np.ndarray:
    """The per-claim dear (goods) amount as it was computed before (a bincount of the dear (goods) lines)."""
    hv = high_value_lines(mine["unit_price"].to_numpy(dtype=float, na_value=np.nan), price=200.0)
    if not goods:
        return np.bincount(rows[hv], weights=mine["amount"].to_numpy(dtype=float)[hv], minlength=claims)
    category = mine["category"].astype("string").str.strip().str.lower()
    hv &= (category.isin(GOODS_CATEGORIES) | category.isna()).to_numpy(dtype=bool)
    return np.bincount(rows[hv], weights=mine["amount"].to_numpy(dtype=float)[hv], minlength=claims)


@pytest.mark.parametrize(
    "categories",
    [
        ["drug", "exam", " Consumable ", "herbal", "bed", None],  # goods, services and unknown mixed
        [None],  # the category released or not exported: every dear line is goods
        ["exam", "lab"],  # services only
    ],
)
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("coded", [False, True])
def test_sparse_goods_equal_the_dense_sum_bit_for_bit(seed: int, categories: list[Any], coded: bool) -> None:
    # coded: the category as detect reads it (pipeline.CODED_COLUMNS, a categorical), judged per category once
    claims = 500
    lines = _lines(seed, claims, 4000, categories)
    if coded:
        lines = (lines[0].assign(category=lines[0]["category"].astype(object).astype("category")), lines[1])
    facts = SimpleNamespace(high_value=_high_value(pd.DataFrame(index=range(claims)), lines, 200.0),
                            high_goods=_high_goods(lines, 200.0))  # fmt: skip
    dense, dear = _dense(*lines, claims), _dense(*lines, claims, goods=False)
    assert np.asarray(facts.high_value).view(np.int64).tolist() == dear.view(np.int64).tolist()
    rng = np.random.default_rng(seed)
    for rows in (np.arange(claims), rng.permutation(claims)[:77], np.array([0, 0, claims - 1]), np.zeros(0, int)):
        got = dear_goods(facts, rows)  # type: ignore[arg-type]
        assert got.view(np.int64).tolist() == dense[rows].view(np.int64).tolist()
        assert got.sum().tobytes() == dense[rows].sum().tobytes()
        assert facts.high_value[rows].view(np.int64).tolist() == dear[rows].view(np.int64).tolist()
        assert facts.high_value[rows].sum().tobytes() == dear[rows].sum().tobytes()
    mask = rng.random(claims) < 0.3
    assert facts.high_value[mask].view(np.int64).tolist() == dear[mask].view(np.int64).tolist()
    apart, amounts = facts.high_goods
    assert np.all(np.diff(apart) > 0) and len(apart) == len(amounts)
    if categories == [None]:
        assert len(apart) == 0  # nothing held: the goods are the dear lines


def test_no_category_column_holds_nothing() -> None:
    mine, rows = _lines(4, 50, 300, ["drug"])
    apart, amounts = _high_goods((mine.drop(columns="category"), rows), 200.0)
    assert len(apart) == 0 and len(amounts) == 0
