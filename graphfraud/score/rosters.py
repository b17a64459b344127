"""Step 152: two doctors' rosters met at one village clinic are two groups, not one ring.

A 医共体 township doctor holds his village sessions at the village clinics on fixed weekdays (村医轮值); a second
doctor of the same centre may keep his own rota at the same clinics on the same weekdays.  Co-visits cannot tell
their patients apart: they are at the same venues on the same days, so a co-visit group (:mod:`graphfraud.detect.covisit`)
can hold both doctors' elders in one candidate (seventhworld 1 and 4: a phantom roster billed by one doctor, 55-56
persons at about 2.2x the clinics' other claims, and 15-16 elders of the honest rota of another, seen by him alone
at 1.3-1.4x).  Scored whole, the honest elders ride in the phantom's ring (member precision) and count as a benign
group in the top K; and the honest rota alone is what step 132's timetable explains.

What the co-visits cannot tell, the claims' doctors and money can.  A member is a doctor's when most of his
candidate claims (:data:`ROSTER_SHARE`) are that doctor's; a doctor with :data:`ROSTER_MEMBERS` such members or more
has a roster, its cost the median of its members' own cost per claim.  When the lead roster (the most members) costs
:data:`ROSTER_COST` times or more what another roster of the candidate costs, that cheaper roster leaves the
candidate and is a candidate of its own (:func:`two_rosters`).  A ring whose doctors bill alike stays whole, as
does one whose recruits see its doctors in turn (no member is one doctor's), and a few patients of a second doctor
(fewer than a roster: a recruit seen by the scheme's other doctor) stay with it.  :func:`unlike` is also what keeps
step 103's site join from joining two doctors' pieces (:func:`graphfraud.score.rings.join_pieces`).
"""

from __future__ import annotations

import numpy as np

from graphfraud.detect.candidate import Candidate
from graphfraud.score.features import ClaimFacts

#: Share of a member's candidate claims with one doctor that makes him that doctor's (a rota's elders also see
#: their village doctor: 5-8 of 7-10 claims the rota doctor's, seventhworld 1).
ROSTER_SHARE = 0.6
#: Members a roster needs to count (a co-visit group's own minimum).
ROSTER_MEMBERS = 5
#: The dearest roster's cost per claim over the cheapest's that splits the candidate (``None``: off).
ROSTER_COST: float | None = 1.3

COVISIT = "covisit"


def rosters(
    person: np.ndarray, doctor: np.ndarray, cost: np.ndarray, *, min_members: int = 1
) -> dict[int, tuple[np.ndarray, float]]:
    """A group's doctors' rosters: ``{doctor: (members, cost per claim)}`` for each doctor with whom
    ``min_members`` members or more had :data:`ROSTER_SHARE` of their claims (one per claim in ``person``,
    ``doctor``: -1 unknown, ``cost``: total amount).  A roster's cost is the median of its members' mean cost per
    claim.

    >>> person = np.repeat(np.arange(10), 2)
    >>> doctor = np.repeat([7] * 6 + [8] * 4, 2)
    >>> cost = np.repeat([60.0] * 6 + [30.0] * 4, 2)
    >>> {d: (m.tolist(), c) for d, (m, c) in rosters(person, doctor, cost, min_members=4).items()}
    {7: ([0, 1, 2, 3, 4, 5], 60.0), 8: ([6, 7, 8, 9], 30.0)}
    """
    known = doctor >= 0
    person, doctor, cost = person[known], doctor[known], cost[known]
    if not len(person):
        return {}
    who, at = np.unique(person, return_inverse=True)
    at = at.ravel()
    n = np.bincount(at, minlength=len(who))
    pair, per = np.unique(np.stack([at, doctor]), axis=1, return_counts=True)
    order = np.lexsort((-per, pair[0]))  # each member's commonest doctor first
    first = order[np.r_[True, pair[0][order][1:] != pair[0][order][:-1]]]
    top = np.zeros(len(who), dtype=np.int64)
    main = np.full(len(who), -1, dtype=np.int64)
    top[pair[0][first]] = per[first]
    main[pair[0][first]] = pair[1][first]
    own = top >= ROSTER_SHARE * n
    mean_cost = np.bincount(at, weights=np.nan_to_num(cost), minlength=len(who)) / np.maximum(n, 1)
    out: dict[int, tuple[np.ndarray, float]] = {}
    for d in np.unique(main[own]).tolist():
        mine = own & (main == d)
        if mine.sum() >= min_members:
            out[int(d)] = (who[mine], float(np.median(mean_cost[mine])))
    return out


def unlike(cost_a: float, cost_b: float) -> bool:
    """Two rosters' costs per claim differ by :data:`ROSTER_COST` or more (never when it is off or a cost is 0).

    >>> unlike(65.0, 37.0), unlike(65.0, 55.0)
    (True, False)
    """
    if ROSTER_COST is None or min(cost_a, cost_b) <= 0:
        return False
    return max(cost_a, cost_b) >= ROSTER_COST * min(cost_a, cost_b)


def two_rosters(candidates: list[Candidate], facts: ClaimFacts) -> list[Candidate]:
    """Step 152: each co-visit candidate led by one doctor's roster, without the other doctors' cheaper patients.

    A co-visit candidate whose lead roster (the doctor with the most members wholly his, :func:`rosters`, at least
    :data:`ROSTER_MEMBERS` of them) bills :data:`ROSTER_COST` times or more per claim what another doctor's roster
    in it, of :data:`ROSTER_MEMBERS` members or more (a co-visit group of its own), loses that roster: the lead's
    piece keeps the rest (``rosters`` in its evidence: the lead doctor, members kept, members before, the smallest
    cost ratio), and each roster taken out is a candidate of its own (the same evidence, its own doctor).  A few of
    another doctor's patients stay (a recruit seen by a second doctor of the scheme is no roster).  Other
    candidates are returned as they are.
    """
    if ROSTER_COST is None:
        return candidates
    v = facts.graph.visits
    person_of, doctor_of = v.column("person"), v.column("doctor")
    out: list[Candidate] = []
    for c in candidates:
        pieces = _pieces(c, person_of, doctor_of, facts.total) if c.detector == COVISIT else None
        out.extend(pieces if pieces else [c])
    return out


def _pieces(c: Candidate, person_of: np.ndarray, doctor_of: np.ndarray, total: np.ndarray) -> list[Candidate] | None:
    """Candidate ``c`` without its other doctors' cheaper rosters, and those of them big enough, or None."""
    if len(c.persons) < ROSTER_MEMBERS + 1 or not len(c.claims):
        return None
    person = person_of[c.claims].astype(np.int64)
    found = rosters(person, doctor_of[c.claims].astype(np.int64), total[c.claims])
    if len(found) < 2:
        return None
    lead = max(found, key=lambda d: (len(found[d][0]), -d))
    members, cost = found[lead]
    if len(members) < ROSTER_MEMBERS:
        return None
    cheap = {
        d: m
        for d, (m, other) in found.items()
        if d != lead and len(m) >= ROSTER_MEMBERS and other < cost and unlike(cost, other)
    }
    if not cheap:
        return None
    gone = np.concatenate(list(cheap.values()))
    ratio = round(min(cost / found[d][1] for d in cheap), 2)
    kept = np.setdiff1d(c.persons, gone)
    args = {"doctor": lead, "kept": len(kept), "persons": len(c.persons), "ratio": ratio}
    pieces = [Candidate(c.detector, kept, c.claims[~np.isin(person, gone)], {**c.evidence, "rosters": args}, c.params)]
    for d, m in sorted(cheap.items()):
        own = {**args, "doctor": d, "kept": len(m)}
        pieces.append(
            Candidate(c.detector, np.sort(m), c.claims[np.isin(person, m)], {**c.evidence, "rosters": own}, c.params)
        )
    return pieces
