"""A venue's campaign days whose patients are each billed once more, alone, weeks later (step 139).

Targets a **staged clinic's phantom follow-ups** (虚构诊疗: a 口腔门诊部's "免费洗牙" for a factory, a team of
co-workers a Sunday morning, each billed 牙周刮治 and then once more a week or two later, an evening visit keyed
with nobody there).  A campaign is honest once: a school's, a factory's or a village's crowd comes on one day and
goes back to its own care, a few patients called back.  A venue that bills **nearly every patient of its
campaign days for exactly one more visit within** ``RECALL_DAYS``, then nothing for ``QUIET_DAYS``, is billing a
course of two that the crowd did not come back for: the recall is what pays.  The persons so recalled are one
candidate, named a staged clinic at the venue.

A campaign day (集中就诊日) is a day with at least ``BATCH`` persons at the venue and ``FOLD`` times its median
day (the venue's days with any visit): a dental chair's two or three a day against a team of 8-25.  Each person
of the campaign days is counted once, from the first such day.  Recalled once: exactly one visit at the venue
on the ``RECALL_DAYS`` after it (a later day of any kind), and none on the ``QUIET_DAYS`` after that one.

Benign dense care it must leave alone, each seen in the worlds (``docs/detection.md``, step 139): an outbreak's
crowd (few back, 0-17%); a programme's repeated days (三伏贴 every ten days, a bus to the 社区 every four
weeks, a poisoning's 复查 every 28 days: each person back two times or more within the recall, or after it, so
not once and then quiet: at most 34% of a 三伏贴 cohort); a school's or an employer's check-up (once); a
village clinic's busy days (at most 41% of 17-25 persons).  It reads days only, so it holds where the export
carries dates alone.  Inpatient stays and pharmacies are left out (a purchase is no visit a patient is
recalled to).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import ClaimGraph
from graphfraud.graph.events import stable_order

#: Reported as co-visits: a group at one venue, scored as the co-visit detector's candidates are.
NAME = "covisit"

#: A campaign day has at least so many persons at the venue ...
BATCH = 8
#: ... and at least this many times the venue's median day (persons a day, over its days with any visit).
FOLD = 4.0
#: A campaign patient is recalled when billed at the venue again within so many days ...
RECALL_DAYS = 21
#: ... exactly once, and not again at the venue for so many days after that visit.
QUIET_DAYS = 60
#: So large a share of a venue's campaign patients recalled once makes a candidate (None turns the rule off) ...
SHARE: float | None = 0.6
#: ... of at least so many recalled persons.
MIN_PERSONS = 20


def facility_days(graph: ClaimGraph) -> pd.DataFrame:
    """Distinct ``person, venue, day`` of the outpatient (and chronic) claims at facilities, with the visit table's
    ``row`` of the first claim of each: inpatient stays and pharmacy purchases left out."""
    v = graph.visits
    keep = (v.column("kind") == 0) & ~v.column("inpatient") & (v.column("person") >= 0) & (v.column("venue") >= 0)
    rows = np.flatnonzero(keep)
    person, venue, day = v.column("person")[rows], v.column("venue")[rows], v.column("day")[rows]
    if len(rows):  # each row's (person, venue, day) as one int64 key, hashed once: the first row of each kept
        low = int(day.min())
        width, span = int(venue.max()) + 1, int(day.max()) - low + 1
        if (int(person.max()) + 1) * width * span < np.iinfo(np.int64).max:
            key = (person.astype(np.int64) * width + venue) * span + (day - low)
            first = np.flatnonzero(~pd.Series(key, copy=False).duplicated(keep="first").to_numpy())
            del key
        else:  # pragma: no cover - codes too large to pack
            first = np.flatnonzero(~pd.DataFrame({"p": person, "v": venue, "d": day}).duplicated().to_numpy())
        rows, person, venue, day = rows[first], person[first], venue[first], day[first]
    # (as drop_duplicates(["person", "venue", "day"], keep="first") of every row: at ten million claims 0.14 GB less)
    return pd.DataFrame({"person": person.astype(np.int64), "venue": venue.astype(np.int64),
                         "day": day.astype(np.int64), "row": rows})  # fmt: skip


def campaign_days(days: pd.DataFrame, *, batch: int = BATCH, fold: float = FOLD) -> pd.DataFrame:
    """The ``venue, day, persons`` of the venues' campaign days: at least ``batch`` persons and ``fold`` times the
    venue's median day.

    >>> days = pd.DataFrame({"person": list(range(12)) + [0, 1, 2], "venue": 0, "day": [5] * 12 + [1, 2, 3]})
    >>> campaign_days(days).to_dict("records")
    [{'venue': 0, 'day': 5, 'persons': 12}]
    """
    per = days.groupby(["venue", "day"], sort=True).size().rename("persons").reset_index()
    median = per.groupby("venue")["persons"].transform("median").to_numpy()
    n = per["persons"].to_numpy()
    return per[(n >= batch) & (n >= fold * median)].reset_index(drop=True)


def recalled_once(
    days: pd.DataFrame, first: pd.Series, *, recall: int = RECALL_DAYS, quiet: int = QUIET_DAYS
) -> np.ndarray:
    """The persons of ``first`` (person -> the day of their first campaign visit, at one venue) billed at the venue
    (``days``: its ``person, day``) exactly once on the ``recall`` days after it and not on the ``quiet`` days after
    that visit.

    >>> days = pd.DataFrame({"person": [1, 1, 2, 2, 2, 3, 3, 3], "day": [0, 9, 0, 9, 19, 0, 9, 40]})
    >>> recalled_once(days, pd.Series({1: 0, 2: 0, 3: 0}))
    array([1])
    """
    seen = days.merge(first.rename("first"), left_on="person", right_index=True)
    gap = seen["day"].to_numpy() - seen["first"].to_numpy()
    within = seen[(gap >= 1) & (gap <= recall)].groupby("person")["day"].agg(["size", "max"])
    once = within[within["size"] == 1]["max"]
    after = seen.merge(once.rename("recalled"), left_on="person", right_index=True)
    later = after["day"].to_numpy() - after["recalled"].to_numpy()
    busy = np.unique(after["person"].to_numpy()[(later >= 1) & (later <= quiet)])
    return np.setdiff1d(once.index.to_numpy(dtype=np.int64), busy)


def detect(
    graph: ClaimGraph,
    *,
    batch: int = BATCH,
    fold: float = FOLD,
    recall: int = RECALL_DAYS,
    quiet: int = QUIET_DAYS,
    share: float | None = SHARE,
    min_persons: int = MIN_PERSONS,
) -> list[Candidate]:
    """One candidate per venue whose campaign days' persons were recalled once (:func:`recalled_once`), at least
    ``share`` of them and ``min_persons``: the recalled persons and their claims at the venue on the campaign day
    and the recall (``evidence``: ``typology`` staged clinic, ``recalls`` with the venue, the campaign days, the
    campaign's persons, the recalled persons, their share and the venue's median day)."""
    if share is None:
        return []
    days = facility_days(graph)
    if days.empty:
        return []
    campaigns = campaign_days(days, batch=batch, fold=fold)
    if campaigns.empty:
        return []
    days = days.iloc[stable_order(days["venue"].to_numpy())]  # a venue's days are one slice (a radix sort of codes)
    venues = days["venue"].to_numpy()
    out = []
    for venue, its in campaigns.groupby("venue", sort=True):
        at = days.iloc[np.searchsorted(venues, venue) : np.searchsorted(venues, venue, side="right")]
        on = at[at["day"].isin(its["day"])]
        first = on.groupby("person")["day"].min()
        recalled = recalled_once(at, first, recall=recall, quiet=quiet)
        if len(recalled) < min_persons or len(recalled) < share * len(first):
            continue
        claims = _claims(graph, at, first.loc[recalled], recall)
        median = float(at.groupby("day").size().median())
        evidence = {"typology": "staged_clinic", "recalls": {
            "venue": int(venue), "campaign_days": len(its), "persons": len(first), "recalled": len(recalled),
            "share": round(len(recalled) / len(first), 4), "median_day": median,
            "months": round(float(its["day"].max() - its["day"].min()) / 30.4, 1),
        }}  # fmt: skip
        params = {"batch": batch, "fold": fold, "recall": recall, "quiet": quiet, "share": share,
                  "min_persons": min_persons}  # fmt: skip
        out.append(Candidate(NAME, np.sort(recalled), claims, evidence, params))
    return out


def _claims(graph: ClaimGraph, at: pd.DataFrame, first: pd.Series, recall: int) -> np.ndarray:
    """Claims (row positions in ``claims``) of the recalled persons at the venue on their campaign day and their
    recall: every claim of those person-days (a visit split into two settlements is one visit)."""
    seen = at.merge(first.rename("first"), left_on="person", right_index=True)
    gap = seen["day"].to_numpy() - seen["first"].to_numpy()
    kept = seen[(gap >= 0) & (gap <= recall)]
    v = graph.visits
    keep = (v.column("kind") == 0) & ~v.column("inpatient")
    rows = np.flatnonzero(keep & (v.column("venue") == int(at["venue"].iloc[0])))
    table = pd.DataFrame({"person": v.column("person")[rows].astype(np.int64),
                          "day": v.column("day")[rows].astype(np.int64),
                          "claim": v.column("claim")[rows].astype(np.int64)})  # fmt: skip
    both = table.merge(kept[["person", "day"]], on=["person", "day"])
    return np.unique(both["claim"].to_numpy())
