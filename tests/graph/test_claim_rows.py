"""ClaimGraph.claim_rows: the claims of some persons or venues from the run's index, as a pass over every claim finds
them (scoring asks it per candidate instead of ``np.flatnonzero(np.isin(column, codes))``)."""

import numpy as np

from graphfraud.graph.build import build_graph, code_index, rows_of
from graphfraud.synth import toy


def test_rows_of_the_index_are_the_rows_a_pass_over_the_values_finds():
    rng = np.random.default_rng(7)
    for n, codes in ((0, 3), (1, 1), (50, 4), (2000, 300), (5000, 7)):
        values = rng.integers(-1, codes, size=n).astype(np.int32)  # -1: no person (a missing card)
        index = code_index(values)
        assert index[0].dtype == np.int32 and len(index[1]) == (int(values.max()) - int(values.min()) + 2 if n else 1)
        for asked in (np.array([], dtype=np.int64), np.array([-1]), np.array([codes + 5, -9]),
                      rng.integers(-2, codes + 2, size=5), rng.integers(0, codes, size=40), np.arange(-1, codes)):  # fmt: skip
            want = np.flatnonzero(np.isin(values, asked))
            got = rows_of(*index, asked)
            assert got.dtype == np.int64 and got.tolist() == want.tolist()


def test_a_graphs_claim_rows_by_person_and_venue_are_made_once_and_match_the_columns():
    g = build_graph(toy.staged_clinic()[0])
    for column in ("person", "venue"):
        values = g.visits.column(column)
        for asked in (values[:1], values[::5], np.unique(values), np.array([values.max() + 1])):
            assert g.claim_rows(column, asked).tolist() == np.flatnonzero(np.isin(values, asked)).tolist()
        assert g.shared(f"rows:{column}", lambda: None) is not None  # kept for the run


def test_the_index_and_stable_order_are_numpys_stable_argsort_on_either_side_of_the_small_range():
    """Speed round 23: codes spanning fewer than SMALL_RANGE values (venues, institutions) are ordered by a radix
    sort of 16-bit keys, the others by a sort of packed keys: both give NumPy's stable argsort, for every int
    type, negative codes and ranges just under, at and over the bound."""
    from graphfraud.graph.events import SMALL_RANGE, stable_order

    rng = np.random.default_rng(23)
    for dtype in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32):
        info = np.iinfo(dtype)
        for span in (1, 3, 200, SMALL_RANGE - 1, SMALL_RANGE, SMALL_RANGE + 7, 1 << 40):
            low = max(int(info.min), -(span // 2))
            high = min(int(info.max), low + span - 1)
            for n in (0, 1, 6, 3000):
                values = rng.integers(low, high + 1, size=n, dtype=np.int64).astype(dtype)
                if n > 1:  # both ends of the range present
                    values[:2] = np.array([low, high]).astype(dtype)
                want = np.argsort(values, kind="stable")
                got = stable_order(values)
                assert got.dtype == np.intp and got.tolist() == want.tolist()
                if span < 1 << 20:
                    order, starts, _ = code_index(values)
                    assert order.dtype == np.int32 and order.tolist() == want.tolist()
                    assert starts[-1] == n


def test_stable_sort_is_the_values_taken_in_stable_order_as_int64():
    """Speed round 24: ``stable_sort`` reads the sorted values back from its packed keys instead of gathering them
    by the order; the same values (as int64) and the same order as ``values[np.argsort(values, kind="stable")]``,
    on either side of the small range, with negative codes and keys too large to pack (the argsort fallback)."""
    from graphfraud.graph.events import SMALL_RANGE, stable_sort

    rng = np.random.default_rng(24)
    for dtype in (np.int16, np.int32, np.int64, np.uint32):
        info = np.iinfo(dtype)
        for span in (1, 5, SMALL_RANGE - 1, SMALL_RANGE, SMALL_RANGE + 3, 1 << 30, 1 << 61):
            low = max(int(info.min), -(span // 2))
            high = min(int(info.max), low + span - 1)
            for n in (0, 1, 7, 4000):
                values = rng.integers(low, high + 1, size=n, dtype=np.int64).astype(dtype)
                if n > 1:
                    values[:2] = np.array([low, high]).astype(dtype)
                want = np.argsort(values, kind="stable")
                got, order = stable_sort(values)
                assert got.dtype == np.int64 and order.tolist() == want.tolist()
                assert got.tolist() == values[want].astype(np.int64).tolist()
