import pandas as pd
import pytest

from graphfraud.errors import ParamError
from graphfraud.graph.project import project_covisits


def _visits(rows):
    df = pd.DataFrame(rows, columns=["person", "venue", "minute"])
    df["day"] = df["minute"] // 1440
    return df


def test_repeated_close_arrivals_are_linked_and_one_off_meetings_are_not():
    rows = []
    for d in range(4):  # persons 0,1 arrive 2 minutes apart on 4 days
        rows += [(0, 0, d * 1440 + 600), (1, 0, d * 1440 + 602)]
    rows += [(2, 0, 600), (3, 0, 601)]  # persons 2,3 meet once
    p = project_covisits(_visits(rows), min_days=3)
    assert p.pairs[["a", "b", "days"]].values.tolist() == [[0, 1, 4]]


def test_arrivals_further_apart_than_the_window_do_not_meet():
    rows = []
    for d in range(5):
        rows += [(0, 0, d * 1440 + 600), (1, 0, d * 1440 + 700)]  # 100 minutes apart
    assert project_covisits(_visits(rows), window_minutes=30).pairs.empty
    assert project_covisits(_visits(rows), window_minutes=120).pairs["days"].tolist() == [5]


def test_day_resolution_links_the_whole_day():
    rows = []
    for d in range(3):
        rows += [(0, 0, d * 1440), (1, 0, d * 1440)]
    assert project_covisits(_visits(rows), day_resolution=True).pairs["days"].tolist() == [3]


def test_hub_cap_bounds_the_pairs_of_a_busy_day():
    rows = [(i, 0, d * 1440 + 600 + (i % 3)) for d in range(3) for i in range(200)]
    p = project_covisits(_visits(rows), max_neighbours=5, min_days=1)
    assert p.stats["meetings"] <= 200 * 5 * 3


def test_busy_days_weigh_less():
    quiet = [(0, 0, d * 1440 + 600) for d in range(3)] + [(1, 0, d * 1440 + 601) for d in range(3)]
    busy = quiet + [(10 + i, 0, d * 1440 + 900 + i) for d in range(3) for i in range(300)]
    w_quiet = project_covisits(_visits(quiet)).pairs.query("a == 0 and b == 1")["weight"].item()
    w_busy = project_covisits(_visits(busy)).pairs.query("a == 0 and b == 1")["weight"].item()
    assert w_busy < w_quiet


def test_bad_parameters_are_rejected_with_the_standard_message():
    with pytest.raises(
        ParamError, match="The 'min_days' parameter of project_covisits must be an int >= 1. Got 0 instead."
    ):
        project_covisits(_visits([(0, 0, 0)]), min_days=0)


def _brute_force(visits: pd.DataFrame, *, window: int, min_days: int) -> dict:
    """Every pair of persons at one venue on one day within ``window`` minutes: {(a, b): (days, weight)}."""
    import math

    per_day = visits.groupby(["venue", "day"]).size()
    best: dict = {}
    rows = visits.to_dict("records")
    for x in rows:
        for y in rows:
            gap = y["minute"] - x["minute"]
            if x["venue"] != y["venue"] or x["day"] != y["day"] or x["person"] == y["person"] or not 0 <= gap <= window:
                continue
            a, b = sorted((x["person"], y["person"]))
            w = math.exp(-gap / 10) / math.log(5 + per_day[(x["venue"], x["day"])])
            best[(a, b, x["day"])] = max(best.get((a, b, x["day"]), 0.0), w)
    pairs: dict = {}
    for (a, b, _), w in best.items():
        days, total = pairs.get((a, b), (0, 0.0))
        pairs[(a, b)] = (days + 1, total + w)
    return {k: v for k, v in pairs.items() if v[0] >= min_days}


@pytest.mark.parametrize("min_days", [1, 2, 3])
def test_the_projection_is_every_meeting_when_no_cap_applies_also_in_small_steps(monkeypatch, min_days):
    # Meetings are found a block of visits at a time and packed piece by piece; pairs that cannot reach
    # min_days are dropped before grouping.  Without caps the result is every meeting (a brute force),
    # and blocks of 7 visits (pairs cut across blocks, one pair meeting twice a day at two venues) change nothing.
    import numpy as np

    import graphfraud.graph.project as project

    rng = np.random.default_rng(3)
    n = 400
    visits = pd.DataFrame(
        {"person": rng.integers(0, 25, n), "venue": rng.integers(0, 3, n), "minute": rng.integers(0, 6 * 1440, n)}
    )
    visits["day"] = visits["minute"] // 1440
    expected = _brute_force(visits, window=30, min_days=min_days)
    options = dict(window_minutes=30, max_neighbours=n, busy_visits=n, busy_neighbours=n, min_days=min_days)
    whole = project_covisits(visits, **options).pairs
    monkeypatch.setattr(project, "_VISIT_STEP", 7)
    monkeypatch.setattr(project, "_STEP", 5)
    stepped = project_covisits(visits, **options).pairs
    pd.testing.assert_frame_equal(whole, stepped)
    found = {(a, b): (d, w) for a, b, d, w in whole.itertuples(index=False)}
    assert found.keys() == expected.keys() and len(found) >= 5
    for pair, (days, weight) in found.items():
        assert days == expected[pair][0]
        assert weight == pytest.approx(expected[pair][1], abs=days / project.WEIGHT_SCALE)


def test_no_visits_or_one_visit_make_no_pairs():
    assert project_covisits(_visits([])).pairs.empty
    assert project_covisits(_visits([(0, 0, 600)]), min_days=1).pairs.empty


@pytest.mark.parametrize("step", [1, 3, 64, 1 << 22])
def test_best_per_key_is_each_keys_largest_weight_also_compacted_in_slices(monkeypatch, step):
    # The sorted keys' last rows (each key's largest quantised weight) are moved to the front of the same
    # arrays a slice of `step` rows at a time: the values of the plain definition (sort by key and weight,
    # keep each key's last row), slice ends falling inside runs of one key included.
    import numpy as np

    import graphfraud.graph.project as project

    monkeypatch.setattr(project, "_STEP", step)
    rng = np.random.default_rng(5)
    keys = [rng.integers(0, 40, n).astype(np.int64) for n in (50, 1, 120)]
    weights = [rng.random(len(k)).astype(np.float32) for k in keys]
    key, weight = np.concatenate(keys), np.concatenate(weights)
    top = float(weight.max())
    q = np.rint(weight / np.float32(top) * project.WEIGHT_SCALE).astype(np.int64)
    order = np.lexsort((q, key))
    last = np.r_[key[order][1:] != key[order][:-1], True]
    want_key = key[order][last]
    want_best = q[order][last].astype(np.float64) / project.WEIGHT_SCALE * top
    got_key, got_best = project._best_per_key(keys, weights)
    assert got_key.tolist() == want_key.tolist() == sorted(set(key.tolist()))
    assert got_best.tolist() == want_best.tolist()
