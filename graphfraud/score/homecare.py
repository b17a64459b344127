"""Step 128: at a home-care station, a caregiver billed in two homes at once, and only that, makes a ring.

A 长护险 home-care agency's (居家护理站) visits are in its clients' homes on a rota: every client is at its code
one to three days a week for months, so "persons at the venue on the same days" holds for its whole client list
(eleventhworld: honest agencies as rings of 121-240, a phantom agency's ring carrying its 85-204 honest clients).
Being "together" there is the rota, not a meeting.  What a station billing visits nobody received cannot hide
where the claims carry times is the caregiver: it keys its phantom hours on the hour, so one caregiver is billed in
two or more homes at the same minute, day after day.  A candidate whose main venue is a station (step 111's
reading of the venue from all its claims: its clients on care plans, its routes spread over the week) is
therefore restricted to its members billed that way (:func:`two_homes`); when none is, the rota stands and step
111's explanation does not ask the venue's other caregivers' day loads (``one_home`` in the evidence).  Off where
the claims carry no time of day.
"""

from __future__ import annotations

import numpy as np

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.events import distinct
from graphfraud.score.features import ClaimFacts, _venue_route
from graphfraud.score.reasons import ROUTE_PLANNED, ROUTE_WEEKDAY, Reason

#: A member is billed in two homes at once when at least this share of their timed visits at the station are at
#: the same minute as another client's visit by the same caregiver (eleventhworld's phantom members 0.93-1.00,
#: the honest clients of the same agencies 0.00-0.03; the same outcome over 0.2-0.6).  None turns step 128 off.
AT_ONCE_SHARE: float | None = 0.5
#: ... and a ring is restricted to such members only when at least this many are (fewer: a chance coincidence of
#: two visits keyed at one minute, the rota stands).
AT_ONCE_MEMBERS = 3


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


def _station(venue: int, facts: ClaimFacts) -> bool:
    """Whether ``venue`` reads as a home-care station from all its claims (step 111's venue tests)."""
    role = _venue_route(venue, facts)
    return role["venue_planned"] >= ROUTE_PLANNED and bool(role["venue_weekday"] <= ROUTE_WEEKDAY)


def _station_at_once(venue: int, facts: ClaimFacts) -> tuple[np.ndarray, np.ndarray] | None:
    """The station's timed visits with a known staff member: their persons and whether each was at once; None when
    it has none.  Measured once per venue (kept in ``facts.visit_index``)."""
    kept = facts.visit_index.setdefault("two_homes", {})
    if venue not in kept:
        v = facts.graph.visits
        rows = facts.graph.claim_rows("venue", np.array([venue]))
        timed = facts.graph.timed
        if timed is not None:
            rows = rows[timed[rows]]
        doctor = v.column("doctor")[rows].astype(np.int64)
        rows = rows[doctor >= 0]
        if not len(rows):
            kept[venue] = None
        else:
            person = v.column("person")[rows].astype(np.int64)
            kept[venue] = (person, at_once(person, doctor[doctor >= 0], v.column("minute")[rows].astype(np.int64)))
    return kept[venue]


def two_homes(candidates: list[Candidate], facts: ClaimFacts) -> list[Candidate]:
    """Step 128: each candidate at a home-care station restricted to its members billed in two homes at once.

    A candidate whose main venue (most of its claims) is a station and whose claims there carry times keeps the
    members with at least :data:`AT_ONCE_SHARE` of their timed visits there at once (``two_homes`` in its
    evidence: how many, of how many, their median share) when there are :data:`AT_ONCE_MEMBERS` or more of them;
    where fewer than :data:`AT_ONCE_MEMBERS` of the station's clients were ever billed at once, it is kept whole
    with ``one_home`` in its evidence.  Other candidates are returned as they are.
    """
    if AT_ONCE_SHARE is None or facts.graph.day_resolution:
        return candidates
    venue_of = facts.graph.visits.column("venue")
    out = []
    for c in candidates:
        if not len(c.claims):
            out.append(c)
            continue
        main = int(np.bincount(venue_of[c.claims]).argmax())
        seen = _station_at_once(main, facts) if _station(main, facts) else None
        if seen is None:
            out.append(c)
            continue
        person, once = seen
        if len(distinct(person[once])) < AT_ONCE_MEMBERS:  # every caregiver of the station in one home at a time
            out.append(Candidate(c.detector, c.persons, c.claims, {**c.evidence, "one_home": True}, c.params))
            continue
        mine = np.isin(person, c.persons)
        who, n = np.unique(person[mine], return_counts=True)
        hits = np.bincount(np.searchsorted(who, person[mine & once]), minlength=len(who))
        share = hits / np.maximum(n, 1)
        keep = who[share >= AT_ONCE_SHARE]
        if len(keep) < AT_ONCE_MEMBERS:  # the station's caregivers in two homes at once are not this group's
            out.append(c)
            continue
        if len(keep) == len(c.persons):
            claims = c.claims
        else:
            claims = c.claims[np.isin(facts.graph.visits.column("person")[c.claims], keep)]
        seen_share = float(np.median(share[share >= AT_ONCE_SHARE]))
        evidence = {**c.evidence, "two_homes": {"kept": len(keep), "persons": len(c.persons), "share": seen_share,
                                                  "venue": main, "at_once_from": AT_ONCE_SHARE}}  # fmt: skip
        out.append(Candidate(c.detector, np.sort(keep), claims, evidence, c.params))
    return out


def two_homes_said(seen: dict, venue: str) -> Reason:
    """The ``two_homes`` reason (no points) of a candidate :func:`two_homes` restricted, its station named ``venue``.

    >>> r = two_homes_said({"kept": 40, "persons": 120, "share": 1.0, "venue": 3, "at_once_from": 0.5}, "C1")
    >>> r.text.split(" (")[0]
    '40 of the 120 clients at C1 were billed for a caregiver in two homes at once'
    """
    args = {**seen, "venue": venue}
    return Reason("two_homes", args, float(seen["share"]), float(seen["at_once_from"]), 0.0)
