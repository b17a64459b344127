"""A long stay settled in monthly parts (中途结算, as 家庭病床 programmes are) is one stay, not an admission on the
first of each month (``coadmit.settled_stays``); a readmission is still an admission."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import coadmit
from graphfraud.graph.build import EPOCH

DAY0 = EPOCH.astype("datetime64[D]")


def _stays(rows: list[tuple[int, int, str, str]]) -> tuple[pd.DataFrame, pd.Series]:
    """Stays of (person, venue, start, end) and the claims' end times, in claims order."""
    start = pd.to_datetime([r[2] for r in rows], format="ISO8601")
    end = pd.Series(pd.to_datetime([r[3] for r in rows], format="ISO8601"))
    minute = ((start.to_numpy().astype("datetime64[m]") - EPOCH).astype(np.int64)).astype(np.int64)
    end_day = (end.to_numpy().astype("datetime64[D]") - DAY0).astype(np.int64)
    stays = pd.DataFrame({"claim": np.arange(len(rows)), "person": [r[0] for r in rows], "venue": [r[1] for r in rows],
                          "minute": minute, "day": minute // 1440, "end_day": end_day})  # fmt: skip
    return stays, end


def _programme(dates_only: bool, persons: int = 12) -> tuple[pd.DataFrame, pd.Series]:
    """A community centre's home-bed programme: each elder admitted on a day of their own, settled monthly."""
    rows = []
    for p in range(persons):
        first = f"2024-01-{3 + p:02d} 10:{p:02d}"
        cuts = ["2024-02-01", "2024-03-01", "2024-04-01"]
        ends = [c if dates_only else f"{pd.Timestamp(c) - pd.Timedelta(days=1):%Y-%m-%d} 23:59" for c in cuts]
        starts = [first[:10]] + cuts if dates_only else [first] + [f"{c} 00:00" for c in cuts]
        last = f"2024-04-{10 + p:02d}" + ("" if dates_only else " 11:00")
        for s, e in zip(starts, ends + [last], strict=True):
            rows.append((p, 7, s, e))
    return _stays(rows)


def test_monthly_settlements_with_times_are_one_stay_each() -> None:
    stays, ends = _programme(dates_only=False)
    settled = coadmit.settled_stays(stays, ends)
    assert len(stays) == 48 and len(settled) == 12  # one stay per elder
    assert settled["end_day"].tolist() == stays.groupby("person")["end_day"].max().tolist()
    # nobody is "admitted" on the first of a month any more: no day with more than one admission
    assert settled.groupby("day").size().max() == 1


def test_monthly_settlements_with_dates_only_are_one_stay_each() -> None:
    stays, ends = _programme(dates_only=True)
    assert len(coadmit.settled_stays(stays, ends)) == 12


def test_a_programme_settled_monthly_forms_no_coadmission_group() -> None:
    stays, ends = _programme(dates_only=False, persons=20)
    params = coadmit.CoadmitParams()
    assert len(coadmit.coadmission_pairs(stays, params)) > 0  # as exported: the same firsts of the month
    assert coadmit.coadmission_pairs(coadmit.settled_stays(stays, ends), params).empty


def test_readmissions_stay_admissions() -> None:
    stays, ends = _stays([
        (1, 7, "2024-01-03 10:00", "2024-01-10 23:59"), (1, 7, "2024-01-11 09:30", "2024-01-20 10:00"),  # next morning
        (2, 7, "2024-01-03", "2024-01-15"), (2, 7, "2024-01-15", "2024-01-25"),  # same day, mid-month, dates only
        (3, 7, "2024-01-03 10:00", "2024-01-31 23:59"), (3, 8, "2024-02-01 00:00", "2024-02-09 10:00"),  # elsewhere
        (4, 7, "2024-01-03 10:00", "2024-01-20 09:00"), (4, 7, "2024-02-01 00:00", "2024-02-09 10:00"),  # a gap
    ])  # fmt: skip
    assert len(coadmit.settled_stays(stays, ends)) == len(stays)


def _unended(rows: list[tuple[int, int, str]]) -> tuple[pd.DataFrame, pd.Series]:
    """Stays of (person, venue, start) exported without any end time (step 89: no ``end_time`` column)."""
    stays, _ = _stays([(p, v, s, s) for p, v, s in rows])
    stays["end_day"] = -1
    return stays, pd.Series(pd.NaT, index=range(len(rows)), dtype="datetime64[ns]")


def test_monthly_settlements_without_end_times_are_one_stay_each() -> None:
    # a 家庭病床 programme in an export with neither discharge dates nor times: each elder "admitted" on the first
    # of every month after their own first day (fourthworld 33's programme)
    rows = [(p, 7, s) for p in range(12) for s in [f"2024-01-{3 + p:02d}", "2024-02-01", "2024-03-01", "2024-04-01"]]
    stays, ends = _unended(rows)
    settled = coadmit.settled_stays(stays, ends)
    assert len(settled) == 12 and settled.groupby("day").size().max() == 1
    params = coadmit.CoadmitParams()
    assert len(coadmit.coadmission_pairs(stays, params)) > 0
    assert coadmit.coadmission_pairs(settled, params).empty


def test_without_end_times_other_admissions_stay_admissions() -> None:
    stays, ends = _unended([
        (1, 7, "2024-01-03"), (1, 7, "2024-01-20"),  # mid-month: a readmission
        (2, 7, "2024-01-03"), (2, 7, "2024-03-01"),  # the first of a month, but two months on: a readmission
        (3, 7, "2024-01-03"), (3, 8, "2024-02-01"),  # the first of the next month, at another facility
        (4, 7, "2024-01-03 10:00"), (4, 7, "2024-02-01 09:30"),  # the first, in the working day: an arrival
    ])  # fmt: skip
    assert len(coadmit.settled_stays(stays, ends)) == len(stays)


def test_a_known_discharge_is_judged_as_before() -> None:
    # the end is known (discharged on the 20th at 09:00): the first of the next month is a readmission (step 79)
    stays, ends = _stays([(4, 7, "2024-01-03 10:00", "2024-01-20 09:00"), (4, 7, "2024-02-01", "2024-02-09")])
    assert len(coadmit.settled_stays(stays, ends)) == 2


def _ward(persons: int = 20, *, ended: bool = True) -> tuple[pd.DataFrame, pd.Series]:
    """Step 93: a psychiatric ward settled at each month's end by its billing run: each part closes in the morning
    of the month's last day and the next opens at 08:00 on the first (sixthworld's long-stay wards)."""
    rows = []
    for p in range(persons):
        rows.append((p, 7, f"2024-01-{3 + p:02d} 10:{p:02d}", "2024-01-31 09:40"))
        for month, last in (("02", "29"), ("03", "31"), ("04", "30")):
            rows.append((p, 7, f"2024-{month}-01 08:00", f"2024-{month}-{last} 10:{p:02d}"))
    stays, ends = _stays(rows)
    if not ended:
        stays["end_day"] = -1
        ends = pd.Series(pd.NaT, index=range(len(rows)), dtype="datetime64[ns]")
    return stays, ends


def test_a_ward_settled_by_its_billing_run_is_one_stay_each() -> None:
    for ended in (True, False):
        stays, ends = _ward(ended=ended)
        settled = coadmit.settled_stays(stays, ends)
        assert len(stays) == 80 and len(settled) == 20  # one stay per patient
        params = coadmit.CoadmitParams()
        assert len(coadmit.coadmission_pairs(stays, params)) > 0  # as exported: the whole ward on each first
        assert coadmit.coadmission_pairs(settled, params).empty


def test_one_cut_at_a_months_turn_stays_an_admission() -> None:
    # discharged on the 31st, readmitted in the working day of the 1st, once: a readmission (split stays are
    # judged as before); twice in a row, the second readmission after a month in hospital: a settlement
    stays, ends = _stays([
        (1, 7, "2024-01-10 10:00", "2024-01-31 09:00"), (1, 7, "2024-02-01 09:30", "2024-02-12 10:00"),
        (2, 7, "2024-01-10 10:00", "2024-01-31 09:00"), (2, 7, "2024-02-01 09:30", "2024-02-29 10:00"),
        (2, 7, "2024-03-01 09:30", "2024-03-12 10:00"),
    ])  # fmt: skip
    settled = coadmit.settled_stays(stays, ends)
    assert settled["claim"].tolist() == [0, 1, 2]
    assert coadmit.monthly_parts(np.array([1, 1]), np.array([7, 7]), stays["minute"].to_numpy()[:2],
                                 stays["end_day"].to_numpy()[:2], months=1).tolist() == [False, True]  # fmt: skip


# step 93 (as sixthworld's wards do it): a ward that settles at its morning round (sixthworld's long-stay wards): one month's part closes on the
# month's last day in the working day, the next opens on the first at 08:00


def _ward_at_hours(persons: int = 10) -> tuple[pd.DataFrame, pd.Series]:
    rows = []
    for p in range(persons):
        cuts = [("2024-01-03 10:00", "2024-01-31 09:40"), ("2024-02-01 08:00", "2024-02-29 10:15"),
                ("2024-03-01 08:00", "2024-03-31 08:50"), ("2024-04-01 08:00", "2024-04-12 10:00")]  # fmt: skip
        rows += [(p, 3, s, e) for s, e in cuts]
    return _stays(rows)


def test_a_ward_settled_at_working_hours_is_one_stay_each() -> None:
    stays, ends = _ward_at_hours()
    settled = coadmit.settled_stays(stays, ends)
    assert len(settled) == 10 and settled.groupby("day").size().max() == 10  # each admitted once, on 01-03
    assert coadmit.coadmission_pairs(settled, coadmit.CoadmitParams()).empty


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        ([(1, 3, "2024-01-10 09:00", "2024-01-30 10:00"), (1, 3, "2024-02-01 09:00", "2024-02-10 10:00")],
         "a day between them: a readmission"),
        ([(1, 3, "2024-01-10 09:00", "2024-01-20 10:00"), (1, 3, "2024-01-21 09:00", "2024-02-10 10:00")],
         "the day after, inside a month: 分解住院 is judged as before"),
        ([(1, 3, "2024-01-10 09:00", "2024-01-31 10:00"), (1, 4, "2024-02-01 09:00", "2024-02-10 10:00")],
         "another facility: a transfer is an admission"),
        ([(1, 3, "2024-01-10 09:00", "2024-01-31 10:00"), (2, 3, "2024-02-01 09:00", "2024-02-10 10:00")],
         "another person"),
    ],
)  # fmt: skip
def test_what_stays_an_admission(rows: list[tuple[int, int, str, str]], why: str) -> None:
    stays, ends = _stays(rows)
    assert len(coadmit.settled_stays(stays, ends)) == 2, why
