"""Scheduled primary care: a village's family-doctor day, a child-health day, a nursing home's round.

Primary care (基层医疗) is given on a timetable.  A village doctor sees the
village's signed elders (家庭医生签约服务: hypertension and diabetes follow-ups)
on one day every month or two, one after the other; a township health centre
(乡镇卫生院, 社区卫生服务中心) holds its monthly child-health day (儿童保健:
check-ups and vaccinations by age); a nursing home's residents are seen on the
centre's round.  The same persons, minutes apart, on a regular cycle, at one
venue: the shape of a staged clinic (虚构诊疗).

Two things that a staged clinic cannot show follow from how this care works:

- **The venue is the members' own.** People get their ordinary care (a cold, a
  repeat prescription) at their own village clinic or township centre, so many
  of the group also come to the venue on their own, outside the group's claims
  (``local_share``).  Recruits are bused to a clinic that is not theirs: their
  ordinary care is elsewhere, and they come only when brought.
- **It costs what the venue's ordinary care costs.**  A follow-up, a child's
  check-up or a round costs no more per claim than the venue's other claims
  (``own_cost_ratio`` at most 1); the point of staging visits is to bill more
  than care costs.
- **It happens while the venue is open.**  A follow-up day, a child-health day
  or a round is a queue of people seen in the daytime; the claims are keyed as
  they are seen.  A village doctor who keeps his villagers' cards (代保管医保卡)
  keys the visits that never happened in an evening batch, when nobody comes:
  a group whose claims are keyed before 07:00 or after 19:00 (the scoring's
  off hours) for more than ``OFF_HOURS_SHARE`` of them is not a day of care
  (``off_hours_share``; without times of day it is not judged).

The venue must also be primary care (``Features.primary_venue``: a facility of
kind ``clinic`` or ``community``, or, kind unknown, of level 0 or 1; measured by
:func:`graphfraud.detect.cards.primary_venues`, ``own_cost_ratio`` and ``local_share``).  Any of
:func:`graphfraud.score.reasons.hard_flags` (claims after death, resold drug
boxes, a phone hub, persons insured in another city) voids the explanation.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from graphfraud.graph.kinds import named
from graphfraud.score.features import MIN_OWN_CLAIMS, ClaimFacts, Features, _contrast
from graphfraud.score.reasons import Reason, hard_flags

#: A third of the members or more also come to the venue on their own.
LOCAL_SHARE = 1 / 3
#: The group's claims cost at most the venue's other claims, per claim.
OWN_COST = 1.0
#: At most this share of the group's claims keyed off hours (before 07:00 or after 19:00): a few claims of a
#: daytime queue settled late are ordinary, an evening batch is not a day of care.
OFF_HOURS_SHARE = 0.2


def _inferred(f: Features) -> dict[str, object]:
    """The venue's kind when step 100 inferred it from its claims (the reason then says so), else nothing."""
    return {"inferred_kind": named(f.inferred_kind)} if f.inferred_kind else {}


def primary_care_day(f: Features) -> Reason | None:
    """Why a dense group at a primary-care venue may be its scheduled care, or None (see the module docstring).

    ``tests/score/test_primary_care.py`` holds a village follow-up day explained, a staged clinic at a
    private clinic and a village doctor's evening batch that are not.
    """
    if not f.primary_venue or f.pharmacy_share >= 0.5 or f.inpatient_share >= 0.5:
        return None
    if math.isnan(f.local_share) or math.isnan(f.own_cost_ratio):
        return None
    if f.local_share < LOCAL_SHARE or f.own_cost_ratio > OWN_COST or hard_flags(f):
        return None
    if f.off_hours_share > OFF_HOURS_SHARE:  # NaN (day data) compares False: not judged
        return None
    return Reason(
        "benign_primary",
        {"local": f.local_share, "persons": f.persons, "own_cost_ratio": f.own_cost_ratio, **_inferred(f)},
        f.local_share,
        LOCAL_SHARE,
        0.0,
    )


#: Signed elders' follow-ups (家庭医生签约随访) are held every month to every quarter: the village day's sessions are
#: at least this many days apart (a month's shortest), and at most a quarter's longest apart (:data:`FOLLOW_UP_MAX`).
FOLLOW_UP_DAYS = 28.0
FOLLOW_UP_MAX = 92.0
#: ... on a fixed day: at least this share of the gaps between sessions within a day of their median.
FOLLOW_UP_FIXED = 0.5
#: ... where each signed elder is seen on at least this share of the sessions (they are called in, not walk-ins).
FOLLOW_UP_ATTENDANCE = 0.5
#: ... in the doctor's working day: at most this share of the group's claims before 07:00 or from 19:00.
FOLLOW_UP_OFF_HOURS = 0.1
#: ... at an ordinary cost: a follow-up's tests and a month's prescription may cost somewhat more than the venue's
#: walk-in claims, not more than the peers' cost where the cost reason starts scoring.
FOLLOW_UP_COST = 1.3


def village_day(f: Features, visits: Callable[[], tuple[float, float]] | None = None) -> Reason | None:
    """Why a dense group at a primary-care venue may be its village's family-doctor day, or None.

    A village's signed elders (家庭医生签约服务: hypertension and diabetes) are
    called in on the village day, every month, two months or quarter (the
    national service norm asks for four follow-ups a year), by the township
    GP or the village doctor, one after the other in the working day.  A
    follow-up adds tests and a month's prescription, so it costs somewhat
    more than the clinic's walk-in claims (up to ``FOLLOW_UP_COST``, against
    both the venue's other claims and the same care elsewhere), which
    :func:`primary_care_day` (at most the venue's own cost) leaves out.  What a
    staged clinic cannot show is the timetable together with the members' own
    care there: the same persons (each at ``FOLLOW_UP_ATTENDANCE`` of the
    sessions or more) on sessions a month to a quarter apart on a fixed
    cycle (``FOLLOW_UP_DAYS``, ``FOLLOW_UP_MAX``, ``FOLLOW_UP_FIXED``), in
    the working day (``FOLLOW_UP_OFF_HOURS``), at the members' own clinic
    (``LOCAL_SHARE``).  A broker's pool comes every one to three weeks to a
    clinic that is not theirs; a village doctor who keeps cards bills each
    card on its own days, or all of them in an evening batch; physiotherapy
    sold with gifts is given weekly, on each member's own weekday.

    ``visits()`` (step 151, :func:`visit_cost`: both costs counted per visit, a visit's split settlements
    (分解结算) summed, as (against the same care elsewhere, against the venue's other visits)) is asked only when
    all else holds but a cost per claim: where the export settles many visits in parts (the drugs apart from the
    consultation), a follow-up settled whole is compared with halves.  The bound is the same.
    """
    if not f.primary_venue or f.pharmacy_share >= 0.5 or f.inpatient_share >= 0.5 or hard_flags(f):
        return None
    if math.isnan(f.local_share) or f.local_share < LOCAL_SHARE or math.isnan(f.session_cycle):
        return None
    # dearer than neither the venue's other claims nor the same care elsewhere (a staged clinic's own claims are
    # all staged: against them alone its recruits' claims cost what the venue's cost)
    own = not math.isnan(f.own_cost_ratio)
    cost = f.own_cost_ratio if own else f.cost_ratio
    daytime = math.isnan(f.off_hours_share) or f.off_hours_share <= FOLLOW_UP_OFF_HOURS
    timetable = (FOLLOW_UP_DAYS <= f.session_cycle <= FOLLOW_UP_MAX and f.session_regularity >= FOLLOW_UP_FIXED
                 and f.attendance >= FOLLOW_UP_ATTENDANCE)  # fmt: skip
    if not timetable or not daytime or math.isnan(cost) or math.isnan(f.cost_ratio):
        return None
    per_visit: dict[str, object] = {}
    if cost > FOLLOW_UP_COST or f.cost_ratio > FOLLOW_UP_COST:
        if visits is None:
            return None
        care, venue = visits()  # step 151: a visit's split settlements as one visit
        whole = venue if own else care
        if not (care <= FOLLOW_UP_COST and whole <= FOLLOW_UP_COST):  # NaN compares False: not explained
            return None
        per_visit = {"cost_ratio": f.cost_ratio, "visit_cost": care, **({"own_visit_cost": venue} if own else {})}
    return Reason(
        "benign_primary",
        {"local": f.local_share, "persons": f.persons, "sessions": f.sessions, "cycle": f.session_cycle,
         "fixed": f.session_regularity, "attendance": f.attendance, "own_cost_ratio": cost, **per_visit,
         **_inferred(f)},
        f.session_regularity, FOLLOW_UP_FIXED, 0.0,
    )  # fmt: skip


#: Step 151: what :func:`settled_visits` is kept under for the run (:meth:`graphfraud.graph.build.ClaimGraph.shared`).
SETTLED_VISITS = "primary.settled_visits"


def settled_visits(facts: ClaimFacts) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Step 151: the claims as visits: a person's settlements of one cost cell at one venue on one day are one.

    An export may settle one visit in parts (分解结算: the consultation and the drugs apart, a second batch of
    drugs a third time, minutes apart).  Returns the visit of each claim (dense ints), the fund of each visit,
    and the visits per cost cell (visit type and diagnosis family, :attr:`ClaimFacts.cell`), per visit type and
    per venue.  One hash pass over the claims.

    >>> from graphfraud.graph.build import build_graph
    >>> from graphfraud.score.features import claim_facts
    >>> from graphfraud.synth import toy
    >>> facts = claim_facts(build_graph(toy.staged_clinic()[0]))
    >>> visit, fund, per_cell, per_type, per_venue = settled_visits(facts)
    >>> int(per_cell.sum()) == int(per_type.sum()) == int(per_venue.sum()) == len(fund) <= len(visit)
    True
    """
    t = facts.graph.visits
    person = t.column("person").astype(np.int64)
    venue = t.column("venue").astype(np.int64)
    day = t.column("day").astype(np.int64)
    day = day - int(day.min(initial=0))
    where = pd.factorize(person * (int(venue.max(initial=0)) + 1) + venue)[0].astype(np.int64)
    key = (where * (int(day.max(initial=0)) + 1) + day) * len(facts.cell_claims) + facts.cell
    visit = pd.factorize(key)[0]
    n = int(visit.max(initial=-1)) + 1
    first = np.full(n, len(visit), dtype=np.int64)
    np.minimum.at(first, visit, np.arange(len(visit)))
    fund = np.bincount(visit, weights=t.column("fund"), minlength=n)
    per_cell = np.bincount(facts.cell[first], minlength=len(facts.cell_claims)).astype(np.int64)
    per_type = np.bincount(facts.vtype[first], minlength=len(facts.vtype_claims)).astype(np.int64)
    per_venue = np.bincount(venue[first], minlength=facts.cell_venue_claims.shape[1] - 1).astype(np.int64)
    return visit, fund, per_cell, per_type, per_venue


def visit_cost(rows: np.ndarray, venue: int, facts: ClaimFacts) -> tuple[float, float]:
    """Step 151: fund per visit of the group whose claims are ``rows`` against the same care elsewhere and against
    the other visits at ``venue``, per visit.

    The first is :func:`graphfraud.score.features.cost_contrast` per visit (:func:`settled_visits`) instead of
    per settlement: each of the group's visits (all its settlements) against the mean fund of the other visits of
    its cell (visit type and diagnosis family), a cell of fewer than ``MIN_PEERS`` other visits falling back to
    its visit type.  The second is :func:`graphfraud.score.features.own_cost_ratio` per visit: the group's visits
    at ``venue`` against the venue's other visits (NaN under ``MIN_OWN_CLAIMS`` of them).  Where no visit is
    settled in parts both are the per-claim ratios.  The visits are counted once per run, when a group first
    needs them (:data:`SETTLED_VISITS`).

    >>> from graphfraud.graph.build import build_graph
    >>> from graphfraud.score.features import claim_facts, cost_contrast
    >>> from graphfraud.synth import toy
    >>> facts = claim_facts(build_graph(toy.staged_clinic()[0]))
    >>> rows = np.arange(5)
    >>> care, _ = visit_cost(rows, 0, facts)
    >>> round(care, 6) == round(cost_contrast(rows, facts)[0], 6)  # no split settlement in the toy world
    True
    """
    visit, fund, per_cell, per_type, per_venue = facts.graph.shared(SETTLED_VISITS, lambda: settled_visits(facts))
    mine, at = np.unique(visit[rows], return_index=True)
    first = rows[at]
    care, _, _, _ = _contrast(
        np.arange(len(mine)),
        fund[mine],
        ((facts.cell[first], per_cell, facts.cell_fund, None), (facts.vtype[first], per_type, facts.vtype_fund, None)),
        squares=False,
    )
    here = facts.graph.visits.column("venue")[first] == venue
    others = int(per_venue[venue]) - int(here.sum())
    ring = float(fund[mine[here]].sum())
    base = (float(facts.cell_venue_fund[:, venue + 1].sum()) - ring) / others if others >= MIN_OWN_CLAIMS else 0.0
    return care, (ring / int(here.sum()) / base if base > 0 and here.any() else math.nan)
