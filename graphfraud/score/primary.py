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

from graphfraud.graph.kinds import named
from graphfraud.score.features import Features
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


def village_day(f: Features) -> Reason | None:
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
    """
    if not f.primary_venue or f.pharmacy_share >= 0.5 or f.inpatient_share >= 0.5 or hard_flags(f):
        return None
    if math.isnan(f.local_share) or f.local_share < LOCAL_SHARE or math.isnan(f.session_cycle):
        return None
    # dearer than neither the venue's other claims nor the same care elsewhere (a staged clinic's own claims are
    # all staged: against them alone its recruits' claims cost what the venue's cost)
    cost = f.own_cost_ratio if not math.isnan(f.own_cost_ratio) else f.cost_ratio
    if not f.cost_ratio <= FOLLOW_UP_COST:
        return None
    daytime = math.isnan(f.off_hours_share) or f.off_hours_share <= FOLLOW_UP_OFF_HOURS
    timetable = (FOLLOW_UP_DAYS <= f.session_cycle <= FOLLOW_UP_MAX and f.session_regularity >= FOLLOW_UP_FIXED
                 and f.attendance >= FOLLOW_UP_ATTENDANCE)  # fmt: skip
    if not timetable or not daytime or math.isnan(cost) or cost > FOLLOW_UP_COST:
        return None
    return Reason(
        "benign_primary",
        {"local": f.local_share, "persons": f.persons, "sessions": f.sessions, "cycle": f.session_cycle,
         "fixed": f.session_regularity, "attendance": f.attendance, "own_cost_ratio": cost, **_inferred(f)},
        f.session_regularity, FOLLOW_UP_FIXED, 0.0,
    )  # fmt: skip
