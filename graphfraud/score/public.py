"""Dense care at a public venue that is no staged clinic: a seasonal mass event, a department's follow-up patients.

A staged clinic (虚构诊疗, a broker's bus-loads) is seen as the same persons
at one venue on the same days; two kinds of ordinary care at public
hospitals and community centres show that too, and the explanations of
:mod:`graphfraud.score.reasons` and :mod:`graphfraud.score.primary` leave
both out.

- **A seasonal mass event** (:func:`mass_event`).  A public hospital's
  seasonal campaign treats hundreds of persons on a few announced days:
  三伏贴 on the first days of the three 伏 periods, 三九贴 in winter (a TCM
  hospital's queue of children with their parents and of elders, ten days
  apart), a season's vaccination or screening days.  The same persons come
  back for the course's next day, so the group is hundreds of persons, each
  at most of a few daytime sessions, a minute apart, at one venue: a
  staged clinic's lockstep, arrival gap and dominance, and more than two
  days (the one-off event of ``benign_one_off``), but far fewer sessions
  than a timetable of care (``session_cohort`` wants 12, or 6 over 12 weeks).  What a staged
  clinic cannot show together: hundreds of persons (:data:`MASS_PERSONS`;
  a broker's pool is a bus-load or a few, fed over months of sessions), on
  a handful of days (:data:`MASS_SESSIONS`; a scheme that pays bills for as
  long as it runs), at a venue not recorded as private, in the working day
  (:data:`MASS_OFF_HOURS`), at the cost of the treatment it is
  (:data:`MASS_COST`: a course of patches or a vaccination is an item on top
  of the consultation, so it costs somewhat more than the diagnosis'
  ordinary outpatient claims, not what a staged clinic bills), and with no
  sign of identity or goods fraud (:func:`graphfraud.score.reasons.hard_flags`).
  The hundreds are counted at the venue, not in the group (step 89): the
  co-visit detector may hold a piece of a season (91 of a 218-person
  三伏贴 queue), and the piece is the season's when the venue's crowd on
  the group's sessions is (:func:`session_crowd`: every person there on
  :data:`CROWD_ATTENDANCE` of those sessions or more, for whom they are
  :data:`CROWD_OWN` of their days there or more, so a dialysis or
  follow-up regular who happens to be in on those days is not counted).
  A staged clinic's crowd is its recruits: a piece of a broker's pool of
  60 is no more a season than the whole pool is.
- **A department's follow-up patients** (:func:`follow_up_patients`).  A
  district hospital's endocrinology clinic or a community centre sees its
  hypertension and diabetes patients every month, each on their own day;
  among a few hundred of them, dozens share four or more days by chance
  (a monthly patient is at the clinic on some 10 of its 250 working days),
  and the co-visit detector joins them into one group of its regulars.
  What a staged clinic cannot show together: the members were hardly ever
  there together (each at :data:`OWN_DAYS_ATTENDANCE` of the group's days or
  fewer: no batch), each coming for a month's prescription (their visits
  :data:`FOLLOW_UP_PERIOD` days apart or more), for months
  (:data:`FOLLOW_UP_WEEKS`), at a venue not recorded as private and, at a
  primary-care venue, their own (a third of them or more also come there on
  their own: ``primary.LOCAL_SHARE``), in the working day, at the cost of
  the same care elsewhere (``PEER_COST``, or above it within chance:
  :func:`graphfraud.score.reasons.chance_cost`; step 124: or of the city's
  other follow-up visits of the same diagnoses, :func:`follow_up_cost`, for a
  COPD patient's monthly inhaler costs more than the acute visits most J44
  claims are), and with no hard flag.  A
  turnover clinic also rotates its pool (each recruit at a tenth to a third
  of its sessions) but bills above the care it imitates, at a private clinic.
  A village doctor who keeps his villagers' cards (代保管医保卡) bills each card
  on its own days at the clinic's ordinary price, but every two weeks or so
  (13-19 days measured on thirdworld 1-10), on cards whose holders do not
  otherwise come there (10-20% of them), and on the dead's cards.
- **A venue's patients on long prescriptions** (:func:`long_prescriptions`, step 156).  A community centre that
  gives its hypertension and diabetes patients eight or twelve weeks of tablets at a time (长处方) sees each of
  them four to six times a year, and each visit bills those weeks of tablets: two or three times a monthly
  refill, so the group of its regulars the co-visit detector makes (or a piece of a few dozen of them who shared
  four of their five refill days) is dear per claim against the same cells and against the city's monthly
  follow-up visits (fifthworld held-out 49: 1.6-1.7x and 1.7-1.9x) and fails :func:`follow_up_patients`.  What a
  staged clinic cannot show together: each member back no sooner than a long refill runs out
  (:data:`LONG_SUPPLY_DAYS` on average, from ``member_weekly``: a broker calls his pool to every session), at
  no more than :data:`LONG_ATTENDANCE` of the group's days, for months (``FOLLOW_UP_WEEKS``), at the city's cost
  per day of supply (:func:`supply_cost`: each follow-up visit's fund over the median days between its series'
  visits, against the other follow-up visits of its cell, at most ``PEER_COST``), as public care that is the
  members' own (:func:`_own_public_care`), with no hard flag.  A clinic that bills above the care is dear per
  day of supply too.
- **A venue's walk-in patients** (:func:`walk_in_patients`, step 88).  A
  district hospital's outpatients come for an illness over a few weeks: a
  first visit, a test, a review, each on their own days, at any hour of the
  working day.  Among the thousands a year, hundreds share four or more
  days with one another by chance, and the co-visit detector joins them
  into a group of "regulars" seen on most of the calendar (fifthworld held
  out 11: 314 persons at a 区中心医院 on 156 days, 7 of them a day).  They
  are no department's monthly patients (each comes weekly for a month, so
  :func:`follow_up_patients` leaves them), and nothing in their claims is a
  staged clinic's.  What a staged clinic cannot show together: each member
  at few of the group's many days (:data:`WALK_IN_ATTENDANCE`, on
  :data:`WALK_IN_SESSIONS` days or more: a broker's pool, even rotated, is
  called in to the sessions), arriving one by one: members reached the
  venue a median :data:`WALK_IN_GAP` minutes or more after the previous
  member on those days (a bus-load arrives minutes apart; a broker who
  sends his villagers "some time that day" has them back on the same days,
  high attendance), at a venue not recorded as private, in the working day,
  at about the cost of the same care elsewhere (:data:`WALK_IN_COST`, or
  above it within chance), with no hard flag, at a venue recorded public
  (``public_venue``; unknown ownership is not enough: thirdworld 1's broker
  clinics, each broker's villagers told to come over a day or two, are at
  4.7% and 19% attendance, a median 25-27 min apart, at a private hospital)
  and, at a primary-care venue,
  their own (``primary.LOCAL_SHARE``: a village doctor's kept cards are
  keyed one by one too, on holders who do not otherwise come), and with no
  timetable of their own (:data:`WALK_IN_TIMETABLE`: physiotherapy sold
  with gifts, thirdworld's ``physio_gifts``, is as spread over the day and
  the calendar, at a public 卫生院 too, but each member comes weekly on
  their own weekday; only its cost, 1.7-2.0x, told it apart otherwise).  Timed
  claims only: a date-only export shows no arrivals.
- **Follow-ups after the members' own stays** (:func:`discharged_follow_ups`, step 123).  A works' poisoning
  (正己烷, 三氯乙烯 in one 车间) is admitted to the 职业病防治院 over a few days, and its workers are then seen
  there together for 复查 on one weekday every four weeks: a lockstep, a fixed cycle, a large share of a small
  specialty hospital's claims, and nerve-conduction and toxicology tests dearer than an ordinary outpatient
  visit: every sign of a staged clinic but the one a hospital clerk reads first, that each of them was this
  hospital's inpatient before.  What a staged clinic's recruits do not show: nearly every member
  (:data:`AFTERCARE_SHARE`) was discharged from a stay of their own at the venue, of the same diagnosis family
  where the export gives both, before their first visit of the group (a broker brings villagers who were never
  admitted there); the group is outpatient care at a venue not recorded as private, in the working day, with
  no hard flag and no split admission (:func:`_public_care`).  The cost is not tested: a follow-up is priced as
  the poisoning's tests, not as the diagnosis' ordinary visits (2.6-2.9x them in ninthworld).  An admission
  scheme's stays are not excused by it: they are the co-admission's rings, scored on their own.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from graphfraud.graph.events import distinct
from graphfraud.score.features import ClaimFacts, Features, _attendance, _contrast, in_sorted
from graphfraud.score.primary import LOCAL_SHARE
from graphfraud.score.reasons import PEER_COST, SCHEDULE_ATTENDANCE, Reason, chance_cost, hard_flags

#: A mass event treats at least this many persons (a bus-load or a few is a broker's; a season's queue is hundreds).
MASS_PERSONS = 100
#: ... on at most this many sessions (三伏贴: three a season, up to three seasons in a window; two days or fewer
#: are the one-off event of ``benign_one_off``).
MASS_SESSIONS = 9
#: ... at no more than this many times the diagnosis' ordinary outpatient claims (the treatment is an item on top
#: of the consultation; where the cost reason scores in full, a staged clinic bills).
MASS_COST = 2.0
#: ... at most this share of the group's claims before 07:00 or from 19:00 (a queue seen in the working day).
MASS_OFF_HOURS = 0.1
#: Step 89, a season's crowd at the venue (:func:`session_crowd`): a person there on at least this share of the
#: group's sessions (the same persons back for the course) ...
CROWD_ATTENDANCE = 0.5
#: ... for whom those sessions are at least this share of their days at the venue (came for the season).
CROWD_OWN = 0.5

#: A department's follow-up patients: each member at no more than this share of the group's days (no batch).
OWN_DAYS_ATTENDANCE = 0.15
#: ... each member's visits at least this many days apart (their median gap: a month's prescription, three to four
#: weeks of tablets, or a longer one; a card keeper bills his cards every two weeks or so).
FOLLOW_UP_PERIOD = 21.0
#: ... for at least this many weeks (the median member's first to last day: a follow-up programme, not a season).
FOLLOW_UP_WEEKS = 12.0
#: Step 124: a person's claims of one visit type and diagnosis family at one venue are follow-up visits when there
#: are at least this many (the co-visit regulars' floor, and ``features.REFILL_PURCHASES`` for a pharmacy's
#: refills); a group of follow-up patients costs what the city's other follow-up visits of its diagnoses cost.
#: Measured 2, 4, 8 (docs/detection.md, step 124).
FOLLOW_UP_VISITS = 4


#: Step 156: a follow-up visit's supply is the median days between its series' visits (a person's claims of one
#: cell at one venue), at most this many: 长处方 covers up to 12 weeks, so a longer gap is a pause, not a refill.
SUPPLY_DAYS = 84.0
#: Step 156, a venue's patients on long prescriptions: each member back no sooner than this many days on average
#: (``member_weekly``; six weeks: a monthly refill is back in four, a staged clinic calls its recruits to every
#: session), and the group's median supply at least this long.
LONG_SUPPLY_DAYS = 42.0
#: ... each member at no more than this share of the group's days (a piece of a centre's long-prescription
#: patients is a few dozen who happened to share four of their five refill days; a broker's pool is called in).
LONG_ATTENDANCE = 0.4


#: Step 123, follow-ups after the members' own stays: at least this share of the members seen as outpatients at the
#: venue were discharged from a stay of their own there before their first visit of the group (ninthworld's
#: poisoned workers, the pieces scored: 88-100%; every other ring in the top 20 of the dev worlds of the other
#: generators: 7% at most, a steering doctor's patients admitted there earlier).
AFTERCARE_SHARE = 0.8

#: Step 88, a venue's walk-in patients: each member at no more than this share of the group's sessions (its days).
WALK_IN_ATTENDANCE = 0.2
#: ... on at least this many sessions (a rota of weeks, not a few days: a few are a season's or a broker's).
WALK_IN_SESSIONS = 12
#: ... arriving this many minutes or more after the previous member on those days (median; a batch: minutes).
WALK_IN_GAP = 30.0
#: ... at no more than this many times the same care elsewhere (or above it within chance, ``chance_cost``).
WALK_IN_COST = 1.5
#: ... with no timetable of their own: at most this share of a member's days on their commonest weekdays
#: (``member_timetable``; a course of physiotherapy is given weekly on each member's own weekday: 0.73-1.0).
WALK_IN_TIMETABLE = 0.6
#: Step 101: at a venue whose ownership the export does not give, the group is at most this share of the venue's
#: claims (``dominance``; a broker's clinic lives on his villagers: thirdworld's at 21%; a hospital's walk-ins
#: are a sample of its thousands).  The score's own dominance reason starts here too.
WALK_IN_UNKNOWN_SHARE = 0.03


def _public_care(f: Features) -> bool:
    """Outpatient care at a venue not recorded as private, in the working day, with no hard flag."""
    if f.inpatient_share >= 0.5 or f.pharmacy_share >= 0.5 or f.public_venue == 0.0 or f.private_venue:
        return False
    if f.off_hours_share > MASS_OFF_HOURS:  # NaN (day data) compares False: not judged
        return False
    return not hard_flags(f)


def mass_event(f: Features, crowd: Callable[[], int] | None = None) -> Reason | None:
    """Why a dense group may be a public venue's seasonal mass event (三伏贴, a vaccination season), or None.

    A group of fewer than :data:`MASS_PERSONS` is one when ``crowd()`` (the venue's crowd on its sessions,
    :func:`session_crowd`; asked only when all else holds) is that many (step 89).  See the module docstring;
    ``tests/score/test_public_care.py`` holds a 三伏贴 season explained, a piece of one, and a broker's bus-loads, a
    private clinic's and a dear one that are not.
    """
    if not 3 <= f.sessions <= MASS_SESSIONS or f.attendance < SCHEDULE_ATTENDANCE:
        return None
    if math.isnan(f.cost_ratio) or f.cost_ratio > MASS_COST or not _public_care(f):
        return None
    args: dict[str, object] = {"persons": f.persons, "sessions": f.sessions, "attendance": f.attendance,
                               "cost_ratio": f.cost_ratio}  # fmt: skip
    if f.persons >= MASS_PERSONS:
        return Reason("benign_one_off", args, float(f.persons), float(MASS_PERSONS), 0.0)
    n = crowd() if crowd is not None else 0
    if n < MASS_PERSONS:
        return None
    return Reason("benign_one_off", {**args, "crowd": n}, float(n), float(MASS_PERSONS), 0.0)


def session_crowd(rows: np.ndarray, venue: int, facts: ClaimFacts, *, attendance: float = CROWD_ATTENDANCE,
                  own: float = CROWD_OWN) -> int:  # fmt: skip
    """Step 89: the crowd at ``venue`` on the sessions of the group whose claims are ``rows``.

    The sessions are the group's own (its claims at the venue, as ``Features.sessions`` counts them); the crowd is
    every person billed at the venue on ``attendance`` of them or more, those days being ``own`` of the person's
    days there or more.  The venue's claims come from the run's index of the claims by venue
    (:meth:`graphfraud.graph.build.ClaimGraph.claim_rows`), not a pass over every claim (asked only of a group
    :func:`mass_event` would otherwise explain).
    """
    t = facts.graph.visits
    mine = rows[t.column("venue")[rows] == venue]
    _, _, sessions, _ = _attendance(t.column("person")[mine], t.column("day")[mine])
    if not len(sessions):
        return 0
    there = facts.graph.claim_rows("venue", np.array([venue]))  # the venue's claims, from the index (no pass)
    person = t.column("person")[there].astype(np.int64)
    day = t.column("day")[there].astype(np.int64)
    known = person >= 0
    person, day = person[known], day[known]
    if not len(person):
        return 0
    low = int(day.min())
    span = int(day.max()) - low + 1
    pairs = distinct(person * span + (day - low))  # each person's distinct days there
    who = pairs // span
    on = in_sorted(pairs % span + low, np.sort(sessions))
    persons, days = np.unique(who, return_counts=True)
    hits = np.bincount(np.searchsorted(persons, who[on]), minlength=len(persons))
    return int(((hits >= attendance * len(sessions)) & (hits >= own * days)).sum())


def _own_public_care(f: Features) -> bool:
    """At a primary venue the members are its own patients, and the care is public (:func:`_public_care`)."""
    if f.primary_venue and not f.local_share >= LOCAL_SHARE:  # NaN: not measured, not the members' own
        return False
    return not math.isnan(f.cost_ratio) and _public_care(f)


def _own_care_at_its_cost(f: Features, bound: float) -> dict[str, float] | None:
    """The tests :func:`follow_up_patients` and :func:`walk_in_patients` share: at a primary venue the members are
    its own patients, and the group costs at most ``bound`` times its peers (or above it by chance) for public
    care.  Returns the reason's extra value (the cost's chance when above ``bound``), or None when not."""
    if not _own_public_care(f) or not (f.cost_ratio <= bound or chance_cost(f)):
        return None
    return {"chance": f.cost_chance} if f.cost_ratio > bound else {}


#: The name :func:`follow_up_cost` keeps the run's follow-up visits per cell under on the graph (``ClaimGraph.shared``).
FOLLOW_UP_CELLS = "follow_up_cells"


def follow_up_cells(facts: ClaimFacts, visits: int = FOLLOW_UP_VISITS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 124: which claims are follow-up visits (a person's claims of one cell at one venue, ``visits`` or more
    of them), and per cell (visit type and diagnosis family) their count and fund.  One hash pass over the claims.

    >>> from graphfraud.graph.build import build_graph
    >>> from graphfraud.score.features import claim_facts
    >>> from graphfraud.synth import toy
    >>> facts = claim_facts(build_graph(toy.staged_clinic()[0]))
    >>> flag, n, fund = follow_up_cells(facts)
    >>> int(flag.sum()) == int(n.sum()), len(n) == len(facts.cell_claims)
    (True, True)
    """
    t = facts.graph.visits
    n_cells = len(facts.cell_claims)
    venue = t.column("venue")
    key = t.column("person").astype(np.int64)  # the key built in place: one int64 array beside the hash table
    key *= int(venue.max(initial=0)) + 1
    key += venue
    key *= n_cells
    key += facts.cell
    group = pd.factorize(key)[0]  # (person, venue, cell) by one hash pass, no sort
    del key
    flag = (np.bincount(group)[group] >= visits) & (t.column("person") >= 0)
    return (flag, np.bincount(facts.cell[flag], minlength=n_cells).astype(np.int64),
            np.bincount(facts.cell[flag], weights=t.column("fund")[flag], minlength=n_cells))  # fmt: skip


def follow_up_cost(rows: np.ndarray, facts: ClaimFacts, *, visits: int = FOLLOW_UP_VISITS) -> float:
    """Step 124: fund per claim of the group whose claims are ``rows`` against the city's other follow-up visits.

    A follow-up visit is one of a person's claims of one cell (visit type and diagnosis family) at one venue, of
    which there are ``visits`` or more: a chronic patient's month's prescription, where the cell's other claims
    are mostly one-off visits for the same code (an acute bronchitis coded J44 is a consultation and a few days'
    tablets; a COPD patient's monthly visit is the maintenance inhaler).  Each claim is compared with the mean
    fund of the other persons' follow-up visits of its cell, outside the group; a cell with fewer than
    ``MIN_PEERS`` of them falls back to the cell's claims, then the visit type, as
    :func:`graphfraud.score.features.cost_contrast`.  The follow-up visits of every cell are counted once per run
    (:func:`follow_up_cells`, kept as :data:`FOLLOW_UP_CELLS`), when a group first needs them: only a group
    :func:`follow_up_patients` would otherwise explain but for its cost.

    >>> from graphfraud.graph.build import build_graph
    >>> from graphfraud.score.features import claim_facts
    >>> from graphfraud.synth import toy
    >>> graph = build_graph(toy.staged_clinic()[0])
    >>> facts = claim_facts(graph, np.arange(graph.visits.table.shape[0]))
    >>> round(follow_up_cost(np.arange(5), facts), 3) > 0
    True
    """
    n_cells = len(facts.cell_claims)
    cell, fund = facts.cell, facts.graph.visits.column("fund")
    flag, follow_n, follow_f = facts.graph.shared(f"{FOLLOW_UP_CELLS}:{visits}", lambda: follow_up_cells(facts, visits))
    mine = flag[rows]  # the group's own follow-up visits are out of the peers; _contrast takes all its claims off
    own_n = np.bincount(cell[rows], minlength=n_cells) - np.bincount(cell[rows][mine], minlength=n_cells)
    own_f = np.bincount(cell[rows], weights=fund[rows], minlength=n_cells) - np.bincount(
        cell[rows][mine], weights=fund[rows][mine], minlength=n_cells
    )
    follow_n, follow_f = follow_n + own_n, follow_f + own_f
    ratio, _, _, _ = _contrast(
        rows,
        fund[rows],
        (
            (cell, follow_n, follow_f, None),
            (cell, facts.cell_claims, facts.cell_fund, None),
            (facts.vtype, facts.vtype_claims, facts.vtype_fund, None),
        ),
        squares=False,
    )
    return ratio


#: The name :func:`supply_cost` keeps the run's follow-up supplies under on the graph (``ClaimGraph.shared``).
SUPPLY_CELLS = "supply_cells"


def supply_cells(facts: ClaimFacts, visits: int = FOLLOW_UP_VISITS, *, longest: float = SUPPLY_DAYS
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Step 156: each follow-up visit's supply in days, and per cell the count and sum of fund per day of supply.

    A follow-up visit (:func:`follow_up_cells`) belongs to its series, a person's claims of one cell at one venue;
    its supply is the median gap between the series' distinct days, from 1 to ``longest`` days (NaN for the claims
    of no series, and of a series seen on one day only).  One sort of the follow-up visits by series and day.

    >>> from graphfraud.graph.build import build_graph
    >>> from graphfraud.score.features import claim_facts
    >>> from graphfraud.synth import toy
    >>> facts = claim_facts(build_graph(toy.staged_clinic()[0]))
    >>> days, n, per_day = supply_cells(facts)
    >>> int(n.sum()) == int((days > 0).sum()), bool(np.nanmax(days, initial=1.0) <= SUPPLY_DAYS)
    (True, True)
    """
    t = facts.graph.visits
    flag, _, _ = facts.graph.shared(f"{FOLLOW_UP_CELLS}:{visits}", lambda: follow_up_cells(facts, visits))
    rows = np.flatnonzero(flag)
    person = t.column("person")[rows].astype(np.int64)
    venue = t.column("venue")[rows].astype(np.int64)
    series = pd.factorize((person * (int(venue.max(initial=0)) + 1) + venue) * len(facts.cell_claims)
                          + facts.cell[rows])[0]  # fmt: skip
    day = t.column("day")[rows].astype(np.int64)
    order = np.lexsort((day, series))
    s, d = series[order], day[order]
    step = (s[1:] == s[:-1]) & (d[1:] > d[:-1])  # the gaps between a series' distinct days
    gaps = pd.Series(np.diff(d)[step].astype(float)).groupby(s[1:][step]).median()
    median = np.full(int(series.max(initial=-1)) + 1, np.nan)
    median[gaps.index.to_numpy()] = np.clip(gaps.to_numpy(), 1.0, longest)
    days = np.full(len(flag), np.nan)
    days[rows] = median[series]
    known = rows[~np.isnan(days[rows])]
    per_day = t.column("fund")[known] / days[known]
    n_cells = len(facts.cell_claims)
    return (days, np.bincount(facts.cell[known], minlength=n_cells).astype(np.int64),
            np.bincount(facts.cell[known], weights=per_day, minlength=n_cells))  # fmt: skip


def supply_cost(rows: np.ndarray, facts: ClaimFacts, *, visits: int = FOLLOW_UP_VISITS) -> tuple[float, float]:
    """Step 156: the group's fund per day of supply against the city's other follow-up visits of the same cells.

    A 长处方 refill covers 4, 8 or 12 weeks of tablets, so a community centre whose chronic patients are given
    twelve weeks at a time bills three times a monthly refill on each claim, and as much a month.  Each of the
    group's follow-up visits (:func:`supply_cells`) is taken at its fund over its supply, against the mean of the
    other persons' follow-up visits of its cell (``MIN_PEERS`` of them or more).  Returns (the ratio, the median
    supply of the group's visits in days); NaN for both when under half of the group's claims are follow-up visits
    of a known supply or no cell has enough peers.  The supplies of the run are made once
    (:data:`SUPPLY_CELLS`), when a group first needs them: only a group :func:`follow_up_patients` would otherwise
    explain but for its cost.

    >>> from graphfraud.graph.build import build_graph
    >>> from graphfraud.score.features import claim_facts
    >>> from graphfraud.synth import toy
    >>> graph = build_graph(toy.staged_clinic()[0])
    >>> facts = claim_facts(graph, np.arange(graph.visits.table.shape[0]))
    >>> ratio, days = supply_cost(np.arange(5), facts)
    >>> bool(np.isnan(ratio) or ratio > 0)
    True
    """
    days, cell_n, cell_per_day = facts.graph.shared(f"{SUPPLY_CELLS}:{visits}", lambda: supply_cells(facts, visits))
    mine = rows[~np.isnan(days[rows])]
    if not len(mine) or len(mine) < 0.5 * len(rows):
        return math.nan, math.nan
    per_day = facts.graph.visits.column("fund")[mine] / days[mine]
    ratio, base, _, _ = _contrast(mine, per_day, ((facts.cell, cell_n, cell_per_day, None),), squares=False)
    if math.isnan(base):
        return math.nan, math.nan
    return ratio, float(np.median(days[mine]))


def follow_up_patients(f: Features, follow_ups: Callable[[], float] | None = None) -> Reason | None:
    """Why a dense group may be a department's follow-up patients, each on their own days, or None.

    ``follow_ups()`` (:func:`follow_up_cost`: the group's fund per claim against the city's other follow-up
    visits of the same cells; asked only when all else holds but the cost against every claim of those cells)
    lets a group of chronic patients' monthly visits cost what such visits cost (step 124).  See the module
    docstring; ``tests/score/test_public_care.py`` holds an endocrinology clinic's monthly patients explained, and
    a turnover clinic's rotating pool, a dear one and a private clinic's that are not;
    ``tests/score/test_follow_up_cost.py`` a township centre's COPD patients, dearer than the code's one-off visits,
    explained by ``follow_ups``.
    """
    if f.attendance > OWN_DAYS_ATTENDANCE or f.member_weeks < FOLLOW_UP_WEEKS:
        return None
    if not 0.0 < f.member_weekly <= 7.0 / FOLLOW_UP_PERIOD:  # 0: no member on 4 days or more, no timetable
        return None
    args: dict[str, object] = {"persons": f.persons, "attendance": f.attendance, "days": f.sessions,
                               "weeks": f.member_weeks, "cost_ratio": f.cost_ratio}  # fmt: skip
    by_chance = _own_care_at_its_cost(f, PEER_COST)
    if by_chance is not None:
        return Reason("benign_schedule", {**args, **by_chance}, f.attendance, OWN_DAYS_ATTENDANCE, 0.0)
    if follow_ups is None or not _own_public_care(f):
        return None
    cost = follow_ups()  # step 124: what the city's other follow-up visits of the same diagnoses cost
    if math.isnan(cost) or cost > PEER_COST:
        return None
    return Reason("benign_schedule", {**args, "follow_up_cost": cost, "follow_up_visits": FOLLOW_UP_VISITS},
                  f.attendance, OWN_DAYS_ATTENDANCE, 0.0)  # fmt: skip


def long_prescriptions(f: Features, supply: Callable[[], tuple[float, float]]) -> Reason | None:
    """Why a dense group may be a venue's patients on long prescriptions (长处方), each on their own days, or None.

    Step 156.  ``supply()`` (:func:`supply_cost`: the group's fund per day of supply against the city's other
    follow-up visits of its cells, and the median supply in days; asked only when all else holds).  See the module
    docstring; ``tests/score/test_supply_cost.py`` holds a community centre's twelve-week refills explained, and a
    centre that bills above the care per day too, a monthly group's and a private clinic's that are not.
    """
    if f.attendance > LONG_ATTENDANCE or f.member_weeks < FOLLOW_UP_WEEKS:
        return None
    if not 0.0 < f.member_weekly <= 7.0 / LONG_SUPPLY_DAYS:  # each member back no sooner than a long refill runs out
        return None
    if not _own_public_care(f):
        return None
    per_day, days = supply()
    if math.isnan(per_day) or per_day > PEER_COST or days < LONG_SUPPLY_DAYS:
        return None
    return Reason(
        "benign_schedule",
        {"persons": f.persons, "attendance": f.attendance, "days": f.sessions, "weeks": f.member_weeks,
         "cost_ratio": f.cost_ratio, "supply_days": days, "supply_cost": per_day},
        f.attendance, LONG_ATTENDANCE, 0.0,
    )  # fmt: skip


def walk_in_patients(f: Features) -> Reason | None:
    """Why a dense group may be a public venue's walk-in patients, each on their own days, or None (step 88).

    See the module docstring; ``tests/score/test_public_care.py`` holds a district hospital's outpatients
    explained, and a turnover clinic's batches, a dear group, a private clinic's, a village doctor's kept cards and
    a date-only export's that are not.
    """
    if f.attendance > WALK_IN_ATTENDANCE or f.sessions < WALK_IN_SESSIONS:
        return None
    if math.isnan(f.median_arrival_gap) or f.median_arrival_gap < WALK_IN_GAP:  # NaN: day data, no arrivals
        return None
    if not 0.0 < f.member_weekly or f.member_timetable > WALK_IN_TIMETABLE:  # 0: no member on 4 days, not judged
        return None
    unknown = math.isnan(f.public_venue)  # step 101: ownership not exported: a small share of a big venue's
    if not (f.public_venue == 1.0 or (unknown and f.dominance <= WALK_IN_UNKNOWN_SHARE)):
        return None  # a broker's clinic is private, and lives on his villagers
    by_chance = _own_care_at_its_cost(f, WALK_IN_COST)
    if by_chance is None:
        return None
    return Reason(
        "benign_schedule",
        {"persons": f.persons, "attendance": f.attendance, "days": f.sessions, "gap": f.median_arrival_gap,
         "cost_ratio": f.cost_ratio, **({"share": f.dominance} if unknown else {}), **by_chance},
        f.attendance, WALK_IN_ATTENDANCE, 0.0,
    )  # fmt: skip


def discharged_follow_ups(f: Features) -> Reason | None:
    """Why a dense group may be a venue's follow-ups of its own discharged patients (出院后复查), or None (step 123).

    See the module docstring; ``tests/score/test_public_care.py`` holds a 职业病防治院's poisoned workers explained,
    and a broker's villagers never admitted there, a private hospital's, a night clinic's and a split admission's
    group that are not.
    """
    if f.aftercare_members == 0 or f.aftercare_discharged < AFTERCARE_SHARE * f.aftercare_members:
        return None
    if f.split_admissions or not _public_care(f):
        return None
    return Reason(
        "benign_aftercare",
        {"discharged": f.aftercare_discharged, "members": f.aftercare_members, "same": f.aftercare_same_diagnosis,
         "cost_ratio": f.cost_ratio},
        f.aftercare_discharged / f.aftercare_members, AFTERCARE_SHARE, 0.0,
    )  # fmt: skip
