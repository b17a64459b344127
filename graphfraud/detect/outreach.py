"""A hospital's outreach day: busloads admitted on one weekday, each patient once (体检式住院 by bus).

Steps 126 and 129.  A bus brings 8-20 elders to a hospital on the same weekday every week or two for a few nights,
each elder once, so no two of them are admitted together twice and the co-admission pairs see nothing.  What repeats
is the hospital's weekday (:func:`weekday_batches`).  A surgery ward's weekly operating list repeats the same way (8
different patients every Monday, each once), so the weekday alone is no evidence (step 126, off by default).  What
sets a check-up campaign apart is what its stays are for: scans and laboratory tests, most of each stay's fee lines,
where the same diagnoses' stays at the other hospitals are mostly treatment (:func:`examination_stays`, step 129, on
by default); a ward's list is operations.

The detector that reports the groups is :mod:`graphfraud.detect.coadmit`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from graphfraud.stats import poisson

from graphfraud.graph.build import EPOCH, ClaimGraph
from graphfraud.graph.events import distinct
from graphfraud.io.arrow import isin, row_positions

#: Fee-line categories of an examination (检查, 化验).
EXAMINATION = ("exam", "lab")
#: A stay is one of examinations when at least this share of its fee lines' amount is on them (most of the bill) ...
EXAM_MOST = 0.5
#: ... judged against the same diagnosis's stays at the other hospitals when they number this many or more (else
#: against all the other hospitals' stays).
MIN_REFERENCE = 10


def examination_shares(graph: ClaimGraph, claims: np.ndarray) -> np.ndarray:
    """The share of each claim's fee-line amount on :data:`EXAMINATION` categories (NaN: no fee lines).

    >>> from graphfraud.graph.build import build_graph
    >>> from graphfraud.synth import toy
    >>> g = build_graph(toy.staged_clinic()[0])
    >>> shares = examination_shares(g, np.arange(3))
    >>> len(shares), bool(((shares >= 0) & (shares <= 1) | np.isnan(shares)).all())
    (3, True)
    """
    items = graph.data.claim_items
    n = len(graph.data.claims)
    if not len(items) or "category" not in items or "amount" not in items:
        return np.full(len(claims), np.nan)
    line_claim = graph.data.link("claim_items", "claim_id")
    if line_claim is None:
        line_claim = row_positions(items["claim_id"], graph.data.claims["claim_id"])
    wanted = np.zeros(n + 1, dtype=bool)  # (the appended False: lines of no claim, -1)
    wanted[claims] = True
    # the lines of ``claims`` alone (a stay's few of the export's tens of millions): the same sums, in line order
    lines = np.flatnonzero(wanted[line_claim])
    line_claim = np.asarray(line_claim)[lines].astype(np.int64)
    amount = pd.to_numeric(items["amount"].iloc[lines], errors="coerce").fillna(0.0).to_numpy(np.float64)
    tested = _one_of(items["category"], lines, EXAMINATION)
    known = amount > 0
    total = np.bincount(line_claim[known], weights=amount[known], minlength=n)
    exam = np.bincount(line_claim[known], weights=(amount * tested)[known], minlength=n)
    total, exam = total[claims], exam[claims]
    return np.where(total > 0, exam / np.where(total > 0, total, 1.0), np.nan)


def _one_of(column: pd.Series, rows: np.ndarray, values: tuple[str, ...]) -> np.ndarray:
    """Whether each of ``column``'s ``rows`` is one of ``values`` (exactly; missing: False).

    The detect command reads the fee lines' category coded (:data:`graphfraud.pipeline.CODED_COLUMNS`): each
    category is then tested once and the rows read by code, with no Python object per fee line (22M lines, a
    transient of half a gigabyte at ten million claims); text is hashed in Arrow, chunk by chunk.

    >>> coded = pd.Series(["exam", None, "drug", "lab"], dtype="category")
    >>> _one_of(coded, np.array([3, 1, 0, 2]), EXAMINATION).tolist()
    [True, False, True, False]
    >>> _one_of(coded.astype("string[pyarrow]"), np.array([3, 1, 0, 2]), EXAMINATION).tolist()
    [True, False, True, False]
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        named = np.append(np.isin(np.asarray(column.cat.categories, dtype=object), values), False)  # (-1: missing)
        return named[column.cat.codes.to_numpy()[rows]]
    return isin(column, pd.Index(values))[rows]


def examination_stays(graph: ClaimGraph, stays: pd.DataFrame, *, ratio: float) -> np.ndarray:
    """Whether each of ``stays`` (rows of the visit table: ``claim``, ``venue``) is a stay of examinations: at
    least :data:`EXAM_MOST` of its fee lines' amount on scans and laboratory tests, and ``ratio`` times or more the
    mean share of the same diagnosis's stays at the other hospitals (of all their stays where the diagnosis has
    fewer than :data:`MIN_REFERENCE` there, or none is exported).  All False without fee lines.

    A check-up admission (体检式住院) is CT, MRI, ultrasound and tumour markers; a hypertensive's or a diabetic's
    stay elsewhere is mostly drugs, nursing and treatment, and a surgery ward's is the operation.
    """
    claim = stays["claim"].to_numpy(np.int64)
    share = examination_shares(graph, claim)
    known = ~np.isnan(share)
    out = np.zeros(len(stays), dtype=bool)
    if not known.any():
        return out
    venue = stays["venue"].to_numpy(np.int64)
    if "diagnosis" in graph.data.claims:
        code = graph.claim_codes("diagnosis")[0][claim].astype(np.int64)
    else:
        code = np.full(len(stays), -1, dtype=np.int64)
    s = np.where(known, share, 0.0)
    k = known.astype(np.float64)
    # sums over every hospital, then the stay's own hospital's taken away: the mean share at the other hospitals
    n_venues = int(venue.max()) + 1
    all_sum, all_n = (
        np.bincount(venue, weights=s, minlength=n_venues),
        np.bincount(venue, weights=k, minlength=n_venues),
    )
    other_all = (all_sum.sum() - all_sum[venue]) / np.maximum(all_n.sum() - all_n[venue], 1)
    coded = code >= 0
    cv, cv_of = np.unique(code * n_venues + venue, return_inverse=True)
    cv_sum, cv_n = np.bincount(cv_of, weights=s), np.bincount(cv_of, weights=k)
    c_of = np.unique(cv // n_venues, return_inverse=True)[1]
    code_sum, code_n = np.bincount(c_of, weights=cv_sum)[c_of], np.bincount(c_of, weights=cv_n)[c_of]
    other_n = (code_n - cv_n)[cv_of]
    other_code = (code_sum - cv_sum)[cv_of] / np.maximum(other_n, 1)
    reference = np.where(coded & (other_n >= MIN_REFERENCE), other_code, other_all)
    out[known] = (share[known] >= EXAM_MOST) & (share[known] >= ratio * reference[known])
    return out


def weekday_batches(stays: pd.DataFrame, *, min_batch: int, min_days: int, min_weekday: float, min_once: float,
                    max_chance: float, examined: np.ndarray | None = None,
                    min_examined: float = 0.5) -> list[tuple[np.ndarray, np.ndarray, int]]:  # fmt: skip
    """Hospitals that admit a busload on one weekday, again and again, each patient once (体检式住院 by bus).

    A *batch day* is a day the facility admits ``min_batch`` or more, beyond its own rate (the Poisson tail of the
    day's admissions, at its mean admissions per day over its span, at most ``max_chance`` / its days).  A facility
    is a candidate when ``min_days`` of its batch days or more fall on one weekday, that weekday holds
    ``min_weekday`` of them or more (a ward's busy days fall on any day), and ``min_once`` or more of the patients
    admitted on them were admitted there once (a ward's regulars come back).  ``stays`` are the admissions
    (:func:`graphfraud.detect.coadmit.settled_stays`).  Returns per facility: the patients admitted on its weekday's
    batch days, their stays begun then, and how many such days.

    With ``examined`` (per stay, :func:`examination_stays`), only the batch days on which ``min_examined`` or more
    of the stays begun are stays of examinations count (a check-up campaign's, not a ward's operating list or its
    winter surge), and the group is the facility's stays of examinations begun on that weekday (the busloads and the
    bus's smaller loads on other days; not the ward's patients admitted beside them).

    Five Mondays of eight admissions each (40 persons, each once), and a ward's ordinary admissions on other days:

    >>> mondays = [7 * w + 2 for w in range(5)]  # 2000-01-03 was a Monday
    >>> bus = pd.DataFrame({"person": range(40), "venue": 0, "day": [d for d in mondays for _ in range(8)]})
    >>> ward = pd.DataFrame({"person": range(100, 160), "venue": 0, "day": [d for d in range(1, 61)]})
    >>> s = pd.concat([bus, ward], ignore_index=True)
    >>> s["claim"] = range(len(s))
    >>> found = weekday_batches(s, min_batch=8, min_days=5, min_weekday=0.75, min_once=0.6, max_chance=0.05)
    >>> [(len(p), n) for p, _, n in found]  # the busloads and the ward's five Monday patients
    [(45, 5)]
    >>> weekday_batches(s, min_batch=8, min_days=5, min_weekday=0.75, min_once=0.6, max_chance=0.05,
    ...                 examined=np.zeros(len(s), dtype=bool))  # no stay of examinations: an operating list
    []
    """
    if stays.empty:
        return []
    person = stays["person"].to_numpy(np.int64)
    venue = stays["venue"].to_numpy(np.int64)
    day = stays["day"].to_numpy(np.int64)
    claim = stays["claim"].to_numpy(np.int64)
    weekday = _weekday(day)
    venues = distinct(venue)
    if examined is not None:  # only where enough stays of examinations for min_days batch days of them
        enough = np.bincount(venue[examined], minlength=int(venue.max()) + 1) >= min_days * min_examined * min_batch
        venues = venues[enough[venues]]
    out = []
    for v in venues.tolist():
        here = venue == v
        days, count = np.unique(day[here], return_counts=True)
        busy = count >= min_batch
        if busy.sum() < min_days:
            continue
        span = int(days[-1] - days[0]) + 1
        rate = (here.sum() - count) / max(span - 1, 1)  # its mean admissions a day, the day's own left out
        tail = poisson.sf(count - 1, np.maximum(rate, 1e-9))
        batch = days[busy & (tail <= max_chance / span)]
        if examined is not None and len(batch):  # the batch days of examinations alone (not the ward's lists)
            at = here & np.isin(day, batch)
            share = np.bincount(np.searchsorted(batch, day[at]), weights=examined[at], minlength=len(batch))
            batch = batch[share >= min_examined * np.bincount(np.searchsorted(batch, day[at]), minlength=len(batch))]
        if len(batch) < min_days:
            continue
        wd = _weekday(batch)
        top = np.bincount(wd, minlength=7)
        w = int(np.argmax(top))
        if top[w] < min_days or top[w] < min_weekday * len(batch):
            continue
        if examined is None:
            on = here & np.isin(day, batch[wd == w])
        else:  # its stays of examinations on the weekday: the busloads and the bus's smaller loads
            on = here & examined & (weekday == w)
        riders = distinct(person[on])
        times = np.bincount(person[here], minlength=int(person.max()) + 1)[riders]
        if (times == 1).mean() < min_once:
            continue
        out.append((riders, np.sort(claim[on]), int(top[w])))
    return out


def _weekday(day: np.ndarray) -> np.ndarray:
    """The weekday (0 Monday) of days counted from :data:`EPOCH`."""
    # 1970-01-01, day 0 of numpy's calendar, was a Thursday
    return ((EPOCH.astype("datetime64[D]") + day.astype("timedelta64[D]")).astype(np.int64) + 3) % 7


def admission_runs(stays: pd.DataFrame, *, gap: int, min_run: int, min_runs: int, max_times: int,
                   max_chance: float, followed: np.ndarray | None = None, max_followed: float = 0.5,
                   min_again: float = 0.0, min_rejoin: float = 0.0) -> list[tuple[np.ndarray, np.ndarray, int]]:  # fmt: skip
    """Hospitals whose admissions come by the busload, again and again, beyond their own rate at the hour (step 149).

    A *run* is a facility's timed admissions of ``min_run`` or more distinct persons, each admitted within ``gap``
    minutes of the one before (a bus, a van, an ambulance fleet's evening: 白内障 campaigns, 体检式住院 by bus,
    herders fetched by ambulance).  A run is *beyond the rate* when, at the facility's own rate at that hour of the
    day (its admissions in the run's clock hour over its span, the run's own left out), the chance that an arrival is
    followed by as many more, each within ``gap`` minutes, times its timed admissions, is at most ``max_chance``; a
    ward's morning admissions at a hospital that admits every morning are within its rate.  A run keeps to one scheme when
    at least half of its persons were admitted at the facility ``max_times`` times or fewer (a bus's passengers come
    once, or twice for the second eye; a winter ward's or a padded ward's regulars again and again, and they are
    found as co-admission groups).  With ``followed`` (per stay, :func:`followed_stays`: its person a followed-up
    outpatient of the facility), a run of which more than ``max_followed`` are followed-up patients is the
    hospital's own ward batch (a 职业病 ward admitting its clinic's pneumoconiosis patients for treatment), not
    strangers fetched.  A facility is a candidate with ``min_runs`` or more such runs on as many days
    (one night's poisoning cases, one screening day, are one day) and at least ``min_again`` of its runs' persons
    admitted there on two days (the scheme brings some back: a second eye, a herder fetched again, an elder
    checked again; villages that come down once each for a season's 藏医药浴 bring nobody back), and at least
    ``min_rejoin`` of them *brought back together* (step 153): admitted there on two days, each time within ``gap``
    minutes of another of them (the second eye's bus, a herder fetched with another again).  A busy hospital's
    ordinary mornings on its busiest days pass as runs at its yearly rate at the hour (a province's tertiary
    hospital, 40 admissions minutes apart from 08:00 on its winter peaks), and some of their patients are
    readmitted; but a readmission comes alone, not with another of the mornings' patients.  ``stays`` are the timed admissions
    (:func:`graphfraud.detect.coadmit.settled_stays`; midnight starts, a date-only export's, are left out: no runs
    there; so too a facility whose admissions are mostly stamped at one clock time, a default hour that says
    nothing of arrivals).  Returns per facility: the persons of its runs admitted there ``max_times`` times or fewer, their
    stays begun in the runs, and how many runs.

    Four Tuesdays of ten patients from 08:30, two minutes apart, at a hospital of one admission a day (09:00-16:00):

    >>> bus = pd.DataFrame({"person": range(40), "venue": 0,
    ...                     "minute": [(7 * w + 4) * 1440 + 510 + 2 * i for w in range(4) for i in range(10)]})
    >>> ward = pd.DataFrame({"person": range(100, 160), "venue": 0, "minute": [d * 1440 + 540 + d * 37 % 420
    ...                                                                          for d in range(60)]})
    >>> s = pd.concat([bus, ward], ignore_index=True).assign(claim=lambda f: range(len(f)))
    >>> [(len(p), len(c), n) for p, c, n in admission_runs(s, gap=20, min_run=3, min_runs=3, max_times=2,
    ...                                                     max_chance=0.1)]
    [(40, 40, 4)]
    >>> admission_runs(s[s["person"] >= 100], gap=20, min_run=3, min_runs=3, max_times=2, max_chance=0.1)
    []
    """
    minute = stays["minute"].to_numpy(np.int64)
    timed = minute % 1440 != 0
    if not timed.any():
        return []
    s = stays[timed]
    person, venue = s["person"].to_numpy(np.int64), s["venue"].to_numpy(np.int64)
    minute, claim = minute[timed], s["claim"].to_numpy(np.int64)
    known = np.zeros(len(s), dtype=bool) if followed is None else np.asarray(followed, dtype=bool)[timed]
    order = np.lexsort((person, minute, venue))
    person, venue, minute, claim, known = person[order], venue[order], minute[order], claim[order], known[order]
    # a new run where the venue changes or the arrival is more than ``gap`` minutes after the one before
    cut = np.ones(len(minute), dtype=bool)
    cut[1:] = (venue[1:] != venue[:-1]) | (minute[1:] - minute[:-1] > gap)
    # admission days of each person at the facility (a stay settled in two claims at one start is one admission)
    admitted = pd.DataFrame({"v": venue, "p": person, "d": minute // 1440})
    times = admitted.groupby(["v", "p"])["d"].transform("nunique").to_numpy()
    first = np.flatnonzero(cut)  # the runs as slices of the sorted rows
    last = np.append(first[1:], len(minute))
    long = first[last - first >= min_run]  # (rows; their distinct persons are counted below)
    hour = (minute % 1440) // 60
    venues, v_lo = np.unique(venue, return_index=True)
    v_hi = np.append(v_lo[1:], len(venue))
    out = []
    for v in distinct(venue[long]).tolist():  # only the facilities with a run long enough
        k = int(np.searchsorted(venues, v))
        lo, hi = int(v_lo[k]), int(v_hi[k])
        if hi - lo < min_run * min_runs:
            continue
        m = minute[lo:hi]
        if np.bincount(m % 1440).max() * 2 > hi - lo:  # most stamped at one clock time: a default, no arrivals
            continue
        span = max((m[-1] - m[0]) / 1440, 1.0)
        per_hour = np.bincount(hour[lo:hi], minlength=24)
        kept, days = [], set()
        for a in long[(long >= lo) & (long < hi)].tolist():
            i = np.arange(a, int(last[np.searchsorted(first, a)]))
            riders = distinct(person[i])
            if len(riders) < min_run:
                continue
            h = int(np.median(hour[i]))
            others = max(per_hour[h] - np.count_nonzero(hour[i] == h), 0.5)  # (none: half an admission)
            # the chance that an arrival at the facility's own rate at that hour is followed by as many more, each
            # within ``gap`` minutes: (1 - exp(-gap x rate)) ^ (persons - 1), for each of its timed admissions
            near = -np.expm1(-gap * others / span / 60)
            if near ** (len(riders) - 1) * (hi - lo) > max_chance:
                continue
            if np.count_nonzero(times[i] <= max_times) * 2 < len(i):  # the run is a ward's regulars
                continue
            if known[i].mean() > max_followed:  # the ward's own followed-up patients: its treatment batch
                continue
            kept.append(i)
            days.add(int(minute[a] // 1440))
        if len(kept) < min_runs or len(days) < min_runs:
            continue
        rows = np.concatenate(kept)
        rows = rows[times[rows] <= max_times]
        riders = distinct(person[rows])
        if (times[rows][np.unique(person[rows], return_index=True)[1]] >= 2).mean() < min_again:
            continue  # nobody brought back: one trip of each party (a season's treatment)
        if min_rejoin and _rejoined(person[lo:hi], minute[lo:hi], cut[lo:hi], riders) < min_rejoin * len(riders):
            continue  # readmitted alone: a busy hospital's surge mornings, not a load that comes back
        out.append((riders, np.sort(claim[rows]), len(kept)))
    return out


def _rejoined(person: np.ndarray, minute: np.ndarray, cut: np.ndarray, riders: np.ndarray) -> int:
    """How many of ``riders`` (sorted) are admitted on two days or more each with another rider in one run.

    ``person`` and ``minute`` are one facility's admissions in arrival order, ``cut`` where a new run begins (the
    arrival more than the gap after the one before).  A rider counts on a day when the run he arrives in holds
    another rider: so a run of two, a pair brought back together, counts for both.

    >>> p, m = np.array([1, 2, 9, 1, 2, 3, 3]), np.array([0, 5, 9000, 3000, 3004, 3100, 6000])
    >>> _rejoined(p, m, np.array([1, 0, 1, 1, 0, 1, 1], dtype=bool), np.array([1, 2, 3]))
    2
    """
    rider = np.isin(person, riders)
    run = np.cumsum(cut)
    held = pd.DataFrame({"run": run[rider], "p": person[rider], "d": minute[rider] // 1440})
    together = held.groupby("run")["p"].transform("nunique").to_numpy() >= 2
    days = held[together].drop_duplicates(["p", "d"]).groupby("p").size()
    return int(np.count_nonzero(days.to_numpy() >= 2))


def followed_stays(stays: pd.DataFrame, visits: pd.DataFrame, *, min_days: int = 2) -> np.ndarray:
    """Per stay, whether its person is a followed-up outpatient of the facility: seen there as an outpatient
    (``visits``: ``person``, ``venue``, ``day``) on ``min_days`` days or more other than the stay's day and the
    day before or after (a pre-admission consultation is not a follow-up).

    >>> s = pd.DataFrame({"person": [1, 2], "venue": [0, 0], "day": [30, 30]})
    >>> v = pd.DataFrame({"person": [1, 1, 1, 2, 2], "venue": 0, "day": [1, 8, 29, 29, 30]})
    >>> followed_stays(s, v).tolist()
    [True, False]
    """
    if stays.empty or visits.empty:
        return np.zeros(len(stays), dtype=bool)
    seen = visits[["person", "venue", "day"]].drop_duplicates()
    days = seen.groupby(["person", "venue"]).size()
    key = pd.MultiIndex.from_arrays([stays["person"].to_numpy(), stays["venue"].to_numpy()])
    total = days.reindex(key).fillna(0).to_numpy()
    near = np.zeros(len(stays))
    known = pd.MultiIndex.from_frame(seen)
    for shift in (-1, 0, 1):
        at = pd.MultiIndex.from_arrays(
            [stays["person"].to_numpy(), stays["venue"].to_numpy(), stays["day"].to_numpy() + shift]
        )
        near += at.isin(known)
    return np.asarray(total - near >= min_days)
