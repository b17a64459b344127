import numpy as np
import pandas as pd
import pytest

from graphfraud.detect.communities import leiden
from graphfraud.errors import ParamError


def _two_cliques_and_a_bridge():
    a, b = [], []
    for base in (0, 10):
        for i in range(6):
            for j in range(i + 1, 6):
                a.append(base + i)
                b.append(base + j)
    a.append(5)
    b.append(10)
    return pd.DataFrame({"a": a, "b": b, "weight": 1.0})


def test_cpm_separates_two_dense_groups_joined_by_one_edge():
    groups = leiden(_two_cliques_and_a_bridge(), resolution=0.5).groups()
    assert sorted(g.tolist() for g in groups) == [[0, 1, 2, 3, 4, 5], [10, 11, 12, 13, 14, 15]]


def test_same_seed_gives_the_same_partition_and_does_not_touch_global_random():
    import random

    random.seed(123)
    before = random.random()
    random.seed(123)
    p1 = leiden(_two_cliques_and_a_bridge(), resolution=0.2, seed=7)
    after = random.random()
    p2 = leiden(_two_cliques_and_a_bridge(), resolution=0.2, seed=7)
    assert before == after
    assert np.array_equal(p1.membership, p2.membership)
    assert p1.seed == 7 and p1.objective == "CPM" and p1.library.startswith("igraph")


def test_empty_graph_gives_empty_partition():
    p = leiden(pd.DataFrame({"a": [], "b": [], "weight": []}))
    assert p.groups() == []


def test_bad_objective_is_a_param_error():
    with pytest.raises(ParamError, match="'objective' parameter of leiden"):
        leiden(_two_cliques_and_a_bridge(), objective="louvain")
