"""Step 134: at a home-care station, a caregiver billed in two homes at once, and only that, makes a ring.

A 长护险 home-care agency's (居家护理站) visits are in its clients' homes on a rota: every client is at its code
one to three days a week for months, so "persons at the venue on the same days" holds for its whole client list
(eleventhworld: honest agencies as rings of 121-240, a phantom agency's ring carrying its 85-204 honest clients).
Being "together" there is the rota, not a meeting.  What a station billing visits nobody received cannot hide
where the claims carry times is the caregiver: it keys its phantom hours on the hour, so one caregiver is billed in
two or more homes at the same minute, day after day.  A candidate whose main venue is a station (step 111's
reading of the venue from all its claims: its clients on care plans, its routes spread over the week; step 142:
and its staff going from one home to the next, not a unit's chairs side by side nor a clerk's batch keyed minutes
apart, :data:`HOME_GAP`) is therefore restricted to its members billed that way (:func:`two_homes`); when none is,
the rota stands and step 111's explanation does not ask the venue's other caregivers' day loads (``one_home`` in
the evidence).  Where the claims carry no time of day (step 150, :func:`billed_alike`) what the station cannot hide
is its template: its phantom visits billed the same amount every time, beside clients billed the hours they had;
a candidate there is restricted to its members billed alike.  A candidate so restricted is never explained as
home care on a route (:mod:`graphfraud.score.rings`): a caregiver in two homes at once, or a template, is no route.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.events import distinct
from graphfraud.score.features import ClaimFacts, venue_plan
from graphfraud.score.reasons import ROUTE_PLANNED, ROUTE_WEEKDAY, Reason

#: A client is billed in two homes at once when at least this share of their timed visits at the station are at
#: the same minute as another client's visit by the same caregiver (eleventhworld's phantom agencies: 20-47 of
#: their 42-59 phantom clients; the agencies' other clients at most 0.25, 0.06-0.07 at the 99th percentile; the
#: same rings over 0.5-0.6, at 0.2 one honest client joins seed 1's).  None turns step 134 off.
AT_ONCE_SHARE: float | None = 0.5
#: ... and a station is one billing caregivers in two homes at once, and a ring is restricted, only with at least
#: this many such clients (fewer: a chance coincidence of visits at one minute, the rota stands).
AT_ONCE_MEMBERS = 3
#: At such a station a client whose visits were keyed at one clock minute (this share of them or more at their
#: commonest time of day; eleventhworld's phantom clients 1.00 every one, the other clients of the agencies at most
#: 0.33, 0.10-0.11 at the 99th percentile; the same outcome over 0.35-1.0) was keyed as the clients billed at once
#: were: a phantom client whose caregiver has no other client in that hour is not at once, but keyed alike.
KEYED_SHARE = 0.6
#: ... over at least this many visits there.
KEYED_VISITS = 4
#: A station's staff member goes from one home to the next: the median minutes between her consecutive visits of a
#: day there (distinct minutes, :func:`staff_gap`) are at least this.  A treatment unit (a 血透中心's shifts) runs
#: its chairs side by side, one patient connected after another minutes apart, and is no station (sixthworld's
#: dialysis units 1-4 minutes; eleventhworld's agencies, honest and phantom, 50-91; seventhworld's stations 89-90
#: where the times are the visits', 1 where a clerk keys the day's visits in an evening batch, whose minutes then say
#: nothing of two homes; the same outcome over 5-45).  None: not asked (step 134 as it was).
HOME_GAP: float | None = 15.0
#: Step 150, where the claims carry dates only (no minute to put a caregiver in two homes at once): a station's
#: client is billed alike when every one of their visits there (at least :data:`ALIKE_VISITS`) bills the same total
#: amount, a template keyed by the agency; the caregivers of a home visit bill the hours they stayed.
#: Eleventhworld's phantom agencies: every phantom client of 8 visits or more (86 of 86, 85 of 85, 74 of 74, 33
#: of 33, 35 of 35), no other client of the phantom or honest agencies (commonest amount at most 0.81-0.88 of their
#: visits).  None turns it off.
ALIKE_SHARE: float | None = 1.0
#: ... over at least this many visits there (a client of a few visits is billed alike by chance).
ALIKE_VISITS = 8


def at_once(person: np.ndarray, doctor: np.ndarray, minute: np.ndarray) -> np.ndarray:
    """Per visit, whether the same staff member (``doctor``, -1 unknown) has another person's visit at the same
    ``minute``.

    >>> at_once(np.array([1, 2, 3, 1, 2]), np.array([7, 7, 8, 7, 7]), np.array([60, 60, 60, 120, 150]))
    array([ True,  True, False, False, False])
    >>> at_once(np.array([1, 1]), np.array([7, 7]), np.array([60, 60]))  # one person twice: not two homes
    array([False, False])
    """
    out = np.zeros(len(person), dtype=bool)
    known = np.flatnonzero(doctor >= 0)
    if not len(known):
        return out
    m = minute[known].astype(np.int64)
    key = doctor[known].astype(np.int64) * (int(m.max()) + 1) + m
    slot = np.unique(key, return_inverse=True)[1].ravel().astype(np.int64)  # (staff member, minute)
    people = int(person.max()) + 1
    pairs = distinct(slot * people + person[known].astype(np.int64))  # (slot, person) once
    crowded = np.bincount(pairs // people, minlength=int(slot.max()) + 1) >= 2
    out[known] = crowded[slot]
    return out


def staff_gap(doctor: np.ndarray, minute: np.ndarray) -> float:
    """The median minutes between a staff member's consecutive visits of a day (``doctor``, -1 unknown; ``minute``
    since the epoch; visits at one minute count once), NaN when no staff member has two minutes in a day.

    A caregiver's visits come one home after another; a dialysis unit's staff connect one chair after another.

    >>> staff_gap(np.array([7, 7, 7, 8, 8]), np.array([540, 600, 660, 541, 543]))  # gaps 60, 60 and 2
    60.0
    >>> staff_gap(np.array([7, 7, -1]), np.array([540, 540 + 1440, 545]))  # one visit a day each: not measured
    nan
    """
    known = doctor >= 0
    key = distinct(doctor[known].astype(np.int64) * (int(minute.max(initial=0)) + 1) + minute[known].astype(np.int64))
    by, at = np.divmod(key, int(minute.max(initial=0)) + 1)
    same = (by[1:] == by[:-1]) & (at[1:] // 1440 == at[:-1] // 1440)
    gaps = (at[1:] - at[:-1])[same]
    return float(np.median(gaps)) if len(gaps) else math.nan


def _station(venue: int, facts: ClaimFacts) -> bool:
    """Whether ``venue`` reads as a home-care station from all its claims: step 111's venue tests (its clients on
    care plans, its days spread over the week) and, where the claims carry times, its staff going from home to home
    (:func:`staff_gap` at least :data:`HOME_GAP`, or not measured)."""
    role = venue_plan(venue, facts)  # (not the staff-day routes: every candidate's main venue is asked)
    if not (role["venue_planned"] >= ROUTE_PLANNED and role["venue_weekday"] <= ROUTE_WEEKDAY):
        return False
    return HOME_GAP is None or not _staff_gap(venue, facts) < HOME_GAP  # (NaN: not measured, a station)


def _timed_rows(venue: int, facts: ClaimFacts) -> np.ndarray:
    """The venue's claim rows that carry a time of day (all of them where the export says nothing of it)."""
    rows = facts.graph.claim_rows("venue", np.array([venue]))
    timed = facts.graph.timed
    return rows if timed is None else rows[timed[rows]]


def _staff_gap(venue: int, facts: ClaimFacts) -> float:
    """:func:`staff_gap` over the venue's timed claims with a known staff member, measured once per venue (kept in
    ``facts.visit_index``); NaN where the export has dates only."""
    kept = facts.visit_index.setdefault("staff_gap", {})
    if venue not in kept:
        v = facts.graph.visits
        rows = _timed_rows(venue, facts)
        kept[venue] = (
            math.nan
            if facts.graph.day_resolution or not len(rows)
            else staff_gap(v.column("doctor")[rows].astype(np.int64), v.column("minute")[rows].astype(np.int64))
        )
    return kept[venue]


def _station_clients(venue: int, facts: ClaimFacts) -> dict[str, np.ndarray] | None:
    """Per client of the station (``who``, sorted) with timed visits by a known staff member there: the share of
    them at once (``once``, :func:`at_once`), the share at their commonest clock minute (``keyed``) and how many
    (``visits``); None when there are none.  Measured once per venue (kept in ``facts.visit_index``)."""
    kept = facts.visit_index.setdefault("two_homes", {})
    if venue not in kept:
        v = facts.graph.visits
        rows = _timed_rows(venue, facts)
        rows = rows[v.column("doctor")[rows] >= 0]
        if not len(rows):
            kept[venue] = None
        else:
            person = v.column("person")[rows].astype(np.int64)
            minute = v.column("minute")[rows].astype(np.int64)
            once = at_once(person, v.column("doctor")[rows].astype(np.int64), minute)
            who, at, n = np.unique(person, return_inverse=True, return_counts=True)
            at = at.ravel()
            clock = minute % 1440
            _, per = np.unique(at * 1440 + clock, return_counts=True)  # visits per (client, clock minute)
            top = np.zeros(len(who))
            np.maximum.at(top, np.unique(at * 1440 + clock) // 1440, per)
            kept[venue] = {"who": who, "once": np.bincount(at, weights=once, minlength=len(who)) / n,
                           "keyed": top / n, "visits": n}  # fmt: skip
    return kept[venue]


def two_homes(candidates: list[Candidate], facts: ClaimFacts) -> list[Candidate]:
    """Step 134: each candidate at a home-care station restricted to its members billed in two homes at once.

    A station's client is billed in two homes at once with at least :data:`AT_ONCE_SHARE` of their timed visits
    there at once (:func:`at_once`).  A candidate whose main venue (most of its claims) is a station with
    :data:`AT_ONCE_MEMBERS` or more such clients keeps its members who are such clients or whose visits were keyed
    as theirs, at one clock minute (:data:`KEYED_SHARE` of :data:`KEYED_VISITS` or more), when there are
    :data:`AT_ONCE_MEMBERS` or more of them (``two_homes`` in its evidence: how many, of how many, how many at
    once); at a station with fewer such clients it is kept whole with ``one_home`` in its evidence: its rota is
    read from the times.  Other candidates are returned as they are.
    """
    if facts.graph.day_resolution:
        return billed_alike(candidates, facts)
    if AT_ONCE_SHARE is None:
        return candidates
    venue_of = facts.graph.visits.column("venue")
    out = []
    for c in candidates:
        at = _at_station(c, venue_of, facts, _station_clients)
        if at is None:
            out.append(c)
            continue
        main, seen = at
        at_once_clients = seen["once"] >= AT_ONCE_SHARE
        if at_once_clients.sum() < AT_ONCE_MEMBERS:  # its caregivers in one home at a time: the rota stands
            out.append(Candidate(c.detector, c.persons, c.claims, {**c.evidence, "one_home": True}, c.params))
            continue
        keyed = (seen["keyed"] >= KEYED_SHARE) & (seen["visits"] >= KEYED_VISITS)
        mine = np.isin(seen["who"], c.persons)
        keep = seen["who"][mine & (at_once_clients | keyed)]
        if len(keep) < AT_ONCE_MEMBERS:  # the station's caregivers in two homes at once are not this group's
            out.append(c)
            continue
        if len(keep) == len(c.persons):
            claims = c.claims
        else:
            claims = c.claims[np.isin(facts.graph.visits.column("person")[c.claims], keep)]
        args = {"kept": len(keep), "persons": len(c.persons), "once": int((mine & at_once_clients).sum()),
                "venue": main, "at_once_from": AT_ONCE_SHARE, "keyed_from": KEYED_SHARE}  # fmt: skip
        out.append(Candidate(c.detector, np.sort(keep), claims, {**c.evidence, "two_homes": args}, c.params))
    return out


def two_homes_said(seen: dict, venue: str) -> Reason:
    """The ``two_homes`` reason (no points) of a candidate :func:`two_homes` restricted, its station named ``venue``.

    >>> r = two_homes_said({"kept": 40, "persons": 120, "once": 25, "venue": 3, "at_once_from": 0.5,
    ...                     "keyed_from": 0.6}, "C1")
    >>> r.text.split(" (")[0]
    '40 of the 120 clients at C1 were billed for a caregiver in two homes at once'
    """
    args = {**seen, "venue": venue}
    return Reason("two_homes", args, float(seen["kept"]), float(AT_ONCE_MEMBERS), 0.0)


def _alike_clients(venue: int, facts: ClaimFacts) -> dict[str, np.ndarray] | None:
    """Per client of the venue (``who``, sorted): their visits there (``visits``) and the share of them at their
    commonest total amount (``alike``); None without claims.  Measured once per venue (kept in
    ``facts.visit_index``)."""
    kept = facts.visit_index.setdefault("billed_alike", {})
    if venue not in kept:
        rows = facts.graph.claim_rows("venue", np.array([venue]))
        person = facts.graph.visits.column("person")[rows].astype(np.int64)
        rows, person = rows[person >= 0], person[person >= 0]
        if not len(rows):
            kept[venue] = None
        else:
            cents = np.round(np.nan_to_num(facts.total[rows], nan=-1.0) * 100).astype(np.int64)
            who, at, n = np.unique(person, return_inverse=True, return_counts=True)
            at = at.ravel()
            pair, per = np.unique(np.stack([at, cents]), axis=1, return_counts=True)
            top = np.zeros(len(who))
            np.maximum.at(top, pair[0], per)
            kept[venue] = {"who": who, "alike": top / n, "visits": n}
    return kept[venue]


def _at_station(c: Candidate, venue_of: np.ndarray, facts: ClaimFacts, clients: Callable) -> tuple[int, dict] | None:
    """Candidate ``c``'s main venue (most of its claims) and its clients' table (``clients(main, facts)``) when the
    venue is a home-care station (:func:`_station`) and the table is not None; else None."""
    if not len(c.claims):
        return None
    main = int(np.bincount(venue_of[c.claims]).argmax())
    seen = clients(main, facts) if _station(main, facts) else None
    return None if seen is None else (main, seen)


def billed_alike(candidates: list[Candidate], facts: ClaimFacts) -> list[Candidate]:
    """Step 150: where the claims carry dates only, each candidate at a home-care station restricted to its members
    billed alike on every visit.

    A candidate whose main venue is a station (:func:`_station`) with :data:`AT_ONCE_MEMBERS` or more clients billed
    alike (:data:`ALIKE_SHARE` of their visits at one total amount, :data:`ALIKE_VISITS` visits or more), and as
    many whose bills vary (a station billing everyone alike, a fixed fee a visit, is left as it is), keeps its
    members who are such clients, when there are :data:`AT_ONCE_MEMBERS` or more of them and they are not all its
    members (``two_homes`` in its evidence, with ``alike``: how many, of how many).  Other candidates are returned as
    they are.
    """
    if ALIKE_SHARE is None:
        return candidates
    venue_of = facts.graph.visits.column("venue")
    out = []
    for c in candidates:
        at = _at_station(c, venue_of, facts, _alike_clients)
        if at is None:
            out.append(c)
            continue
        main, seen = at
        alike = (seen["alike"] >= ALIKE_SHARE) & (seen["visits"] >= ALIKE_VISITS)
        varied = (seen["alike"] < ALIKE_SHARE) & (seen["visits"] >= ALIKE_VISITS)
        # a template stands out only beside care billed as it was given: a station that bills every client alike
        # (a fixed fee a visit) says nothing of who was there
        if alike.sum() < AT_ONCE_MEMBERS or varied.sum() < AT_ONCE_MEMBERS:
            out.append(c)
            continue
        keep = seen["who"][np.isin(seen["who"], c.persons) & alike]
        if len(keep) < AT_ONCE_MEMBERS or len(keep) == len(c.persons):
            out.append(c)
            continue
        claims = c.claims[np.isin(facts.graph.visits.column("person")[c.claims], keep)]
        args = {"kept": len(keep), "persons": len(c.persons), "venue": main, "alike_from": ALIKE_SHARE,
                "visits_from": ALIKE_VISITS}  # fmt: skip
        out.append(Candidate(c.detector, np.sort(keep), claims, {**c.evidence, "two_homes": args}, c.params))
    return out
