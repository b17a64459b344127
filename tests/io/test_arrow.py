"""graphfraud.io.arrow.text_codes: codes of a many-chunk text column in first-seen order, as Arrow's
``unify_dictionaries`` numbers them (speed round 24: the chunks' dictionaries are joined and encoded once instead)."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphfraud.io.arrow import text_codes


def _unified(column: pa.ChunkedArray) -> tuple[list[int], list[str]]:
    """The codes and values of the column by Arrow's own dictionary unification (the code before round 24)."""
    chunks = pc.dictionary_encode(column).unify_dictionaries().chunks
    codes = np.concatenate([c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in chunks])
    return codes.tolist(), chunks[0].dictionary.to_pylist()


def _first_seen(values: list[str | None]) -> tuple[list[int], list[str]]:
    """Codes in order of first appearance, by hand."""
    seen: dict[str, int] = {}
    codes = [-1 if v is None else seen.setdefault(v, len(seen)) for v in values]
    return codes, list(seen)


def test_codes_of_many_chunks_are_the_first_seen_order_and_arrows_unified_dictionary():
    rng = np.random.default_rng(24)
    for distinct in (1, 3, 40, 5000):  # a few visit types .. nearly every row its own address
        for sizes in ([7], [0, 5, 0], [1] * 9, [300, 1, 0, 700, 2000], [50] * 40):
            pieces = []
            for size in sizes:
                drawn = rng.integers(0, distinct, size=size)
                nulls = rng.random(size) < 0.1
                pieces.append(pa.array([None if n else f"addr{d:05d}" for d, n in zip(drawn, nulls)], pa.string()))
            for column in (pa.chunked_array(pieces, pa.string()),
                           pa.chunked_array([p.cast(pa.large_string()) for p in pieces], pa.large_string())):  # fmt: skip
                codes, values = text_codes(pd.Series(pd.arrays.ArrowStringArray(column.cast(pa.large_string()))))
                want = _first_seen(column.to_pylist())
                assert codes.dtype == np.int32 and values.dtype == object
                assert (codes.tolist(), values.tolist()) == want
                if sum(sizes):
                    assert (codes.tolist(), values.tolist()) == _unified(column)


def test_a_column_of_nulls_only_and_an_empty_column():
    codes, values = text_codes(pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([pa.nulls(3, pa.large_string()),
                                                                                     pa.nulls(2, pa.large_string())]))))  # fmt: skip
    assert codes.tolist() == [-1] * 5 and values.tolist() == []
    codes, values = text_codes(pd.Series([], dtype="string[pyarrow]"))
    assert codes.tolist() == [] and values.tolist() == []


def test_one_dictionary_takes_shared_and_growing_dictionaries_and_refuses_chunks_of_their_own():
    from graphfraud.io.arrow import one_dictionary

    def chunk(codes: list[int], values: list[str]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(values))

    shared = [chunk([0, 1], ["x", "y", "z"]), chunk([2, 2], ["x", "y", "z"])]
    growing = [chunk([0], ["x"]), chunk([1, 0], ["x", "y"]), chunk([], ["x", "y"]), chunk([2], ["x", "y", "z"])]
    assert one_dictionary(shared).to_pylist() == ["x", "y", "z"]
    assert one_dictionary(growing).to_pylist() == ["x", "y", "z"]
    assert one_dictionary([chunk([0], ["x"]), chunk([0], ["y"])]) is None  # the same code, other values
    assert one_dictionary([chunk([0], ["x", "y"]), chunk([0], ["y", "x"])]) is None
    assert one_dictionary([chunk([0], ["x", "y"]), chunk([0], ["x", "q"])]) is None  # not the longest's start
