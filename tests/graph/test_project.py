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
