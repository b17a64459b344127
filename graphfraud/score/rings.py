"""From candidates to ranked rings: score, typology, alert, reasons, member roles, stable ids."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from graphfraud.stats import binom

from graphfraud.contract import (
    TYPOLOGY_TABLE,
    MEMBERS_COLUMNS,
    REASON_ARGS_COLUMN,
    REASONS_COLUMNS,
    RING_CLAIMS_COLUMNS,
    RINGS_COLUMNS,
)
from graphfraud.detect import cardbatch, cardload, cardmenu, cards, checkups, indication, recalls, steering
from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import EPOCH
from graphfraud.graph.events import distinct
from graphfraud.io.arrow import take_text
from graphfraud.params import CardMenuParams, ScoreParams
from graphfraud.score.alerts import alert
from graphfraud.score.collector import collector_cards, twice_a_day
from graphfraud.score.designated import Market, high_value_purchases, markets, purchase_kinds, regimen
from graphfraud.score.sessions import holder_sessions, sessions_said
from graphfraud.score.features import (
    REGULAR_DAYS,
    ClaimFacts,
    Features,
    bound_to,
    features,
    index_own_visits,
    refills,
)
from graphfraud.score.primary import primary_care_day, village_day, visit_cost
from graphfraud.score.public import (
    discharged_follow_ups,
    follow_up_cost,
    follow_up_patients,
    long_prescriptions,
    mass_event,
    session_crowd,
    supply_cost,
    walk_in_patients,
)
from graphfraud.score.homecare import two_homes, two_homes_said
from graphfraud.score.rosters import two_rosters, unlike
from graphfraud.score.outreach import clinic_referrals, outreach_admissions
from graphfraud.score.reasons import (
    Reason,
    PEER_COST,
    a_round,
    catchment,
    args_json,
    benign_explanation,
    child_care,
    dated_cohort,
    designated_pharmacy,
    CHRONIC_VISITS,
    DESIGNATED_SHARE,
    designated_cards,
    kin_accounts,
    helper_said,
    maintenance_cadence,
    online_consultations,
    online_refills,
    own_purchases,
    refill_cohort,
    regimen_pharmacy,
    ramp,
    home_round,
    home_visits,
    residents_buying,
    round_cohort,
    venue_care,
)
from graphfraud.score.rules import check_rules, suspicion_reasons
from graphfraud.score.slots import SLOT_TYPOLOGY, doctor_slots
from graphfraud.score.typology import RESALE_COST, by_cards, person_role, typology

#: Detectors whose rings are an institution's cards (detect.cards: hard flags; detect.cardload: loaded cards).
CARD_DETECTORS = (cards.NAME, cardload.NAME, cardbatch.NAME)

#: A card ring gives way to the group rings that together hold at least this share of its persons (:func:`_gives_way`):
#: a majority, as the overlap rule of :func:`select_rings` (measured over 0.25-0.75 in docs/detection.md, step 68).
GIVE_WAY_SHARE = 0.5

#: Headline reasons that one household does not explain: a family goes to the doctor together (lockstep,
#: co-visits), it is not admitted to hospital together again and again (join_pieces, step 31).
HOUSEHOLD_UNEXPLAINED = ("co_admission",)

#: Headline reasons that a one-off event does not explain when its venue's staff repeat it (step 94,
#: :func:`_one_off_pieces`): a check-up day is once, a hospital's admission batches on two days each, again and
#: again, are a programme.  An empty tuple turns the join off.
ONE_OFF_UNEXPLAINED: tuple[str, ...] = ("co_admission",)

#: Step 94: so many one-off admission pieces at one venue with its staff, and no suspect ring there, are scored as
#: one candidate (:func:`_programmes`): two events of the same kind by the same doctors are no longer once.
ONE_OFF_PROGRAMME = 2

#: Relay cohorts (:func:`_relays`, step 74): a clinic's weak pieces, each its own month's cohort, follow one another
#: when the next begins within this many days of the last one's end (a weekly session missed, a holiday week).
#: None turns the join off.
RELAY_GAP: int | None = 14

#: Benign readings that a relay's piece may carry (:func:`_relays`): one household explains a few persons by their
#: size or their parties, which the relay's union, many cohorts of many homes, is judged on again.
RELAY_EXPLAINED = ("benign_household",)

#: Reasons that do not make a relay's union a ring (:func:`_relays`): that its cohorts meet (the relay is made of
#: meetings) and how much they cost in all (many ordinary cohorts add up).  It must also show what was billed: a
#: cost above the same care elsewhere, dear items, persons from outside the region, a shared phone, a flag.
RELAY_NOT_BILLED = frozenset({"lockstep", "cycle", "dominance", "arrival_gap", "money", "relay"})

#: Step 98 (:func:`join_pieces`): a weak piece without its typology's headline reason joins a suspect ring at its venue
#: with its staff when it scores one of these reasons of what was billed that the ring scores too (the same doctor
#: billing another cohort of the same clinic the same way: a turnover clinic's recruits seen at too few sessions to
#: be in lockstep, fourthworld 43).  An empty tuple turns it off.
BILLED_ALIKE: tuple[str, ...] = ("cost_ratio",)

#: Step 91 (:func:`join_cards`): two institutions' loaded-card rings are one operator's when they share at least this
#: share of the smaller ring's cards (measured over 0.15-0.45 in docs/detection.md, step 91); None turns the join off.
CARD_JOIN_SHARE: float | None = 0.15

#: Step 91: and at least this many shared cards (two or one are a chronic patient's own shops).
CARD_JOIN_MIN = 3

#: Step 91: and that many shared cards are unlikely by chance (binomial tail at most this): each of the smaller ring's
#: cards is one of the larger's with the chance the larger ring's cards are of all the cards of the data.
CARD_JOIN_CHANCE = 1e-6

#: Step 92 (:func:`join_cards`): the joined ring takes the pieces' cards billed at two or more of the joined
#: institutions (an operator carries his cards from one to the next), not every card of every piece: a chain's card
#: ring holds every collector who uses the chain's shops, and the cards billed at no other institution of the group
#: are another operator's, left in their piece (judged again on their own).  False: the union of the pieces (step 91).
CARD_JOIN_BOTH = True

#: Step 146 (:func:`join_cards`): loaded-card rings at shops of one chain are one pool of cards when each holds at
#: least this share of the smaller of itself and the best of them (a chain's cash-out swipes the same cards at its
#: shops; two collectors who share a shop or two cards do not).  None turns it off.
CHAIN_POOL_SHARE: float | None = 0.8

#: Step 103 (:func:`join_pieces`): suspect pieces of one typology at different venues are one organisation when one
#: doctor billed more than this share of each piece's claims (a 卫生院 doctor's phantom rota, one piece per village
#: clinic).  A doctor who sees some of two groups' patients is not their organiser; one who bills most of both is
#: (measured over 0.3-0.9 in docs/detection.md, step 103).  None turns the doctor join off.
LEAD_DOCTOR_SHARE: float | None = 0.5

#: Step 103: and when their venues are facilities, sites of one registered institution: the same code up to a final
#: separator and a site number (``H53282215522-01``, ``H53282215522-03``, ``H53282215522``), as an export shows a
#: 医共体's village clinics or a 中医馆 chain's clinics under their parent's code (pharmacies: a chain's shops are often
#: franchised, other operators; step 25 reads chains).  False turns the site join off.
JOIN_SITES = True

#: Step 111 (:func:`join_card_days`): two card-collector rings at one pharmacy are one collector's when at least this
#: share of the smaller ring's card-days there fall on the other ring's days there (and that is beyond chance:
#: :data:`CARD_JOIN_CHANCE`): a collector swipes his cards on his visits, a group of them co-visiting and the rest
#: loaded (seventhworld 3: 8 + 7 of 19 cards, 55% of the loaded ring's claims on the 8 days of the other's; measured
#: over 0.25-0.75 in docs/detection.md, step 111).  None turns the join off.
CARD_DAYS_SHARE: float | None = 0.5

#: Step 118 (:func:`_collectors`): the ring :func:`join_card_days` makes keeps the collector's cards: those both pieces
#: hold or billed mostly at the shop, and a card billed mostly elsewhere when most of its card-days were at his shops,
#: the institutions where at least this share of those cards were billed too (a spread collector swipes most of his
#: cards at each of his shops; a linked-shops piece's cards of other shops are where his cards are not: seventhworld
#: 5's 23 ordinary cards; measured over 0.25-0.75 in docs/detection.md, step 118).  None keeps every card (step 111):
#: the default since the round's dev set, where at 0.5 (and 0.25) it cut a drug reseller's joined ring at its
#: second hospital (fifthworld 25: 35 cards, all his, -> 24; the 8 cards billed only at a hospital where 5 or fewer
#: of his cards go) and the ring was no longer found whole; the setting when on is 0.5.
COLLECTOR_SHOPS: float | None = None

#: Score multiplier for a ring with a benign explanation.
BENIGN_DISCOUNT = 0.35
#: Share of a ring's claims a venue or doctor must hold to be a member.
MEMBER_SHARE = 0.1


@dataclass(frozen=True)
class Member:
    entity_type: str  # person, doctor, facility, pharmacy
    entity_id: str
    role: str  # organizer, doctor, recruit, card_holder, patient, venue
    score: float  # 0..1: the member's share of the ring's claims (organizers: share of members tied to them)


@dataclass(frozen=True)
class Ring:
    """A scored, explained suspect ring."""

    ring_id: str
    rank: int
    score: float
    alert: str
    typology: str
    members: tuple[Member, ...]
    person_codes: np.ndarray  # codes of the member persons (organizers included)
    claims: np.ndarray  # row positions in claims of the ring's suspect claims
    fund_amount: float
    reasons: tuple[Reason, ...]
    benign: Reason | None
    detector: str
    features: Features

    def count(self, entity_type: str) -> int:
        return sum(1 for m in self.members if m.entity_type == entity_type)


def score_candidates(
    candidates: list[Candidate], facts: ClaimFacts, params: ScoreParams = ScoreParams()
) -> tuple[list[Ring], list[Ring]]:
    """Score, deduplicate and rank candidates.

    Returns
    -------
    rings : list of Ring
        Suspect rings, best first, ranks from 1.
    explained : list of Ring
        Dense groups with a benign explanation (dialysis cohort, nursing-home
        rounds, household, one-off event), kept out of the ranked list and
        reported separately with their reasons, best-scoring first.
    """
    check_rules(params.rules)
    candidates = two_homes(prescribed_apart(candidates, facts), facts)  # step 134
    candidates = two_rosters(candidates, facts)  # step 152: two doctors' rosters at one clinic
    candidates = holder_sessions(candidates, facts)  # step 140: a proven card ring's holder's other dear swipes
    index_own_visits(candidates, facts)  # every candidate's members' own visits, in one pass
    shares = _markets(candidates, facts)
    scored = _round_cohorts([_score(c, facts, params, market=shares.get(i)) for i, c in enumerate(candidates)],
                            candidates, params)  # fmt: skip
    designated = _designated_sent(scored, candidates)  # steering rings: the next two steps do not change them
    scored = _designated_patients(scored, candidates, designated, facts, params)
    scored, candidates = _designated_apart(scored, candidates, designated, facts, params)
    scored, candidates = with_doctor_slots(scored, candidates, facts, params)
    scored += [_score(c, facts, params) for c in beside_steering(scored, candidates, facts, params)]
    scored, candidates = join_cards(scored, candidates, facts, params)
    scored, candidates = join_card_days(scored, candidates, facts, params)  # step 111
    organisations = join_kickbacks(scored, candidates, facts, params)
    gone = {scored[i].ring_id for pieces, _ in organisations for i in pieces}
    rings = [
        r for r in join_pieces(scored, candidates, facts, params) if r.typology != "kickback" or r.ring_id not in gone
    ]
    ranked, explained = select_rings(rings + [ring for _, ring in organisations], params)
    return [swiped_in_batches(swiped_twice(named_by_cards(r), facts), facts) for r in ranked], explained


def named_by_cards(ring: Ring) -> Ring:
    """``ring`` named by what its own reasons show of its cards (:func:`graphfraud.score.typology.by_cards`,
    step 63), its persons' role with it (recruits of a staged clinic are a collector's card holders).

    Only the name: the ring was scored, joined and ranked as it was found (at a clinic, with the clinic's
    other pieces), so a name changes no ring, score or rank.
    """
    kind = by_cards(ring.typology, ring.reasons, **_dear(ring))
    if kind == ring.typology:
        return ring
    was, role = person_role(ring.typology), person_role(kind)
    members = tuple(replace(m, role=role) if m.entity_type == "person" and m.role == was else m for m in ring.members)
    return replace(ring, typology=kind, members=members)


#: Step 108: a card is one of a batch when another card was swiped at the same pharmacy at most this many minutes
#: before or after it (the same card twice is no batch).  Measured 3, 10, 30 (see :func:`swiped_in_batches`).
BATCH_GAP = 10

#: Step 108: a batch is this many purchases or more, each of a card other than the one before, each within
#: :data:`BATCH_GAP` of the one before.  Measured 2, 3, 6.
BATCH_CARDS = 3

#: Step 108: a kickback ring is named a card collector's when at least this share of its pharmacy purchases were
#: swiped in batches.  Measured 0.25, 0.5, 0.75; step 133 raised it from 0.5: an online clinic's patients whose
#: e-prescriptions a shop fills in night batches reach 0.35 and 0.51 (fifthworld 35 and 38's online steering), a
#: 村医's held cards 0.92-1.00 (eighthworld's village cards, every dev world); 0.6, 0.75 and 0.9 name the same.
BATCH_SHARE = 0.75


def batch_swipes(venue: np.ndarray, person: np.ndarray, minute: np.ndarray) -> np.ndarray:
    """Per purchase, whether it was swiped in a batch: :data:`BATCH_CARDS` or more purchases at one venue, each of
    another card than the one before and at most :data:`BATCH_GAP` minutes after it.

    >>> batch_swipes(np.array([1, 1, 1, 1, 2]), np.array([5, 6, 7, 8, 9]), np.array([0, 4, 9, 100, 101]))
    array([ True,  True,  True, False, False])
    >>> batch_swipes(np.array([1, 1, 1]), np.array([5, 5, 5]), np.array([0, 1, 2]))  # one card, again and again
    array([False, False, False])
    """
    order = np.lexsort((person, minute, venue))
    v, p, m = venue[order], person[order], minute[order]
    link = (v[1:] == v[:-1]) & (p[1:] != p[:-1]) & (m[1:] - m[:-1] <= BATCH_GAP)
    run = np.concatenate([[0], np.cumsum(~link)])  # each purchase's run: a new one wherever the link breaks
    size = np.bincount(run)
    out = np.zeros(len(order), dtype=bool)
    out[order] = size[run] >= BATCH_CARDS
    return out


def swiped_in_batches(ring: Ring, facts: ClaimFacts) -> Ring:
    """``ring`` named ``card_collector`` (its persons card holders) when it is a kickback whose purchases were
    swiped at the pharmacy in batches of cards minutes apart (step 108).

    A doctor's patients sent to a shop with prescriptions arrive there one by one, each on his own way home: across
    the dev worlds' 150-odd kickback rings (otherworld 1-40, thirdworld 1-40, fourth to eighth worlds) no ring had
    even a tenth of its purchases in a run of :data:`BATCH_CARDS` different cards each within :data:`BATCH_GAP`
    minutes of the last.  A 村医 who holds his village's cards and swipes them at one shop in the county town
    (eighthworld ``village_cards``) does it card after card, 1-5 minutes apart: 96-100% of the ring's purchases.
    Where he also bills a visit at his clinic on each card that morning, every purchase follows a visit by hours,
    the steering reading, and the ring is found as a doctor's patients sent to the shop (a kickback): the batches
    say the cards were there, not the patients.  A shop filling an online clinic's e-prescriptions in night batches
    batches half of its patients' purchases at most (fifthworld's online steering, 0.01-0.51; step 133), so the
    name needs :data:`BATCH_SHARE` (three quarters).  Only the name and a reason of no points: the ring was scored,
    joined and ranked as it was found.  Off where the claims carry no time of day (``day_resolution``) and for the
    purchases of a date-only venue (``timed``).
    """
    if ring.typology != "kickback" or ring.benign is not None or facts.graph.day_resolution:
        return ring
    v = facts.graph.visits
    rows = ring.claims[v.column("kind")[ring.claims] == 1]
    timed = facts.graph.timed
    if timed is not None:
        rows = rows[timed[rows]]
    if len(rows) < BATCH_CARDS:
        return ring
    venue, person = v.column("venue")[rows], v.column("person")[rows]
    batched = batch_swipes(venue, person, v.column("minute")[rows].astype(np.int64))
    share = float(batched.mean())
    if share < BATCH_SHARE:
        return ring
    shops, n = np.unique(venue[batched], return_counts=True)
    args = {"batched": int(batched.sum()), "purchases": len(rows), "share": share, "cards": len(np.unique(person[batched])),
            "pharmacy": str(v.venues.ids[int(shops[np.argmax(n)])]), "batch_cards": BATCH_CARDS,
            "batch_gap": BATCH_GAP, "batch_share_from": BATCH_SHARE}  # fmt: skip
    reason = Reason("batch_swipes", args, share, BATCH_SHARE, 0.0)
    was, role = person_role(ring.typology), person_role("card_collector")
    members = tuple(replace(m, role=role) if m.entity_type == "person" and m.role == was else m for m in ring.members)
    return replace(ring, typology="card_collector", members=members, reasons=(*ring.reasons, reason))


#: Step 138: a dear ring of the ``otherwise`` row (a staged clinic) is named a card collector's when the share of its
#: claims at its venue whose card was billed there again the same day exceeds that share of the venue's other
#: claims by at least this much (:func:`swiped_twice`).  Measured over every top-K staged or collector ring of the
#: base's outputs of the dev worlds (``/work/scratch/ct25/dbg/twice.py``): planted staged schemes at most +0.074
#: (+0.043 where dear), otherworld's collectors +0.05 to +0.44 (127's clinic, typed staged before: +0.14);
#: 0.06, 0.08 and 0.135 name the same rings (127's alone; 0.05 sixthworld 17's kickback typed staged too, +0.059).
TWICE_EXCESS = 0.08


def swiped_twice(ring: Ring, facts: ClaimFacts) -> Ring:
    """``ring`` named ``card_collector`` (its persons card holders) when it is a dear staged clinic whose cards were
    billed twice in a day at its venue, beyond the venue's other claims (step 138).

    Whose cards: a broker's recruits come in person, each seen once on a session day (every planted staged scheme
    of the dev worlds, 324 rings: at most 8.9% of their claims on a card billed again that day, at most 4.3 points
    above their venue's other claims where dear); a collector who bought the cards drains them, swiping a card
    again in the same session (otherworld's collectors 27-48%, 5-44 points above the venue's).  It reads no
    address, phone, region or time of day, so it holds where a 候鸟 scheme's recruits are insured in other cities
    (seventhworld 23's 中医馆 egg scheme: under 2 points) and where claims carry dates only.  Dear as
    :func:`graphfraud.score.typology.by_cards` asks (``cost_ratio`` at least ``RESALE_COST``).  Only the name and
    a reason of no points: the ring was scored, joined and ranked as it was found.
    """
    row = TYPOLOGY_TABLE.get(ring.typology)
    if row is None or not row.otherwise or ring.benign is not None:
        return ring
    if not any(r.code == "cost_ratio" and r.points > 0 and r.value >= RESALE_COST for r in ring.reasons):
        return ring
    v = facts.graph.visits
    rows = ring.claims[v.column("kind")[ring.claims] == 0]
    if len(rows) == 0:
        return ring
    venues, n = np.unique(v.column("venue")[rows], return_counts=True)
    venue = int(venues[np.argmax(n)])
    rows = rows[v.column("venue")[rows] == venue]
    person, day = v.column("person"), v.column("day")
    at = np.flatnonzero(v.column("venue") == venue)
    again = twice_a_day(person[at], day[at])  # the venue's claims, each card-day counted over all of them
    others = again[~np.isin(at, rows)]
    twice = twice_a_day(person[rows], day[rows])  # the ring's claims, among themselves
    theirs, usual = float(twice.mean()), float(others.mean()) if len(others) else 0.0
    if theirs - usual < TWICE_EXCESS:
        return ring
    args = {"twice": int(twice.sum()), "claims": len(rows), "share": theirs,
            "venue": str(v.venues.ids[venue]), "usual": usual, "twice_excess_from": TWICE_EXCESS}  # fmt: skip
    reason = Reason("twice_swiped", args, theirs - usual, TWICE_EXCESS, 0.0)
    was, role = person_role(ring.typology), person_role("card_collector")
    members = tuple(replace(m, role=role) if m.entity_type == "person" and m.role == was else m for m in ring.members)
    return replace(ring, typology="card_collector", members=members, reasons=(*ring.reasons, reason))


def _dear(ring: Ring) -> dict[str, float]:
    """What :func:`by_cards` reads of a ring's high-value money: the shares on goods and on every item (step 94);
    and of its cards, how far its share of persons insured in another city exceeds its venue's (step 133)."""
    f = ring.features
    if f is None:
        return {}
    far = f.out_of_city / max(f.persons, 1) - catchment(f, city=True)
    return {"dear_goods": f.dear_goods_share, "dear_items": f.high_value_share, "far_cards": far}


def with_doctor_slots(
    scored: list[Ring], candidates: list[Candidate], facts: ClaimFacts, params: ScoreParams = ScoreParams()
) -> tuple[list[Ring], list[Candidate]]:
    """``scored`` and ``candidates`` with each suspect slot of a dear weekly course grown by its doctor's other slots.

    A suspect staged clinic (no benign reading, at least ``min_score``) that costs at least ``PEER_COST`` times
    the same care elsewhere and is one doctor's weekly-course patients takes in his other weekly-course patients
    at its venue whose own course is that dear (:func:`graphfraud.score.slots.doctor_slots`, step 59).  The
    grown candidate replaces the piece when it is still a suspect ring of the same typology.
    """
    out_s, out_c = list(scored), list(candidates)
    for i, r in enumerate(scored[: len(candidates)]):
        if (
            r.benign is not None
            or r.typology != SLOT_TYPOLOGY
            or r.score < params.min_score
            or r.detector in CARD_DETECTORS
            or not r.features.cost_ratio >= PEER_COST
        ):
            continue
        grown = doctor_slots(candidates[i], r.features.venue, facts)
        if grown is None:
            continue
        ring = _score(grown, facts, params)
        if ring.benign is None and ring.typology == r.typology and ring.score >= params.min_score:
            out_s[i], out_c[i] = ring, grown
    return out_s, out_c


def join_pieces(
    scored: list[Ring], candidates: list[Candidate], facts: ClaimFacts, params: ScoreParams = ScoreParams()
) -> list[Ring]:
    """Join the pieces of one organisation: suspect rings of one typology at one venue with its staff.

    A broker's recruits, a second broker's recruits and a third village bused in
    on other days never meet, so no co-visit or co-attendance links them; what
    they share is the venue and the doctors who bill them.  Suspect rings (no
    benign explanation, scoring at least ``min_score``) of the same typology
    whose main venue is the same and who share a member doctor (or have no
    doctor on record) are one organisation; so are two at different venues
    when each ring's persons were mostly billed at the other's venue too, or
    when half of one ring's persons were billed at the other's venue on one
    day (the organisation bused a broker's recruits to its other clinic).
    A piece that scores under ``min_score`` on its own joins the organisation of a suspect ring at its
    venue with its staff (never another weak piece) when it scores its typology's headline reason on its
    own (a broker's batches are in lockstep; a busy centre's ordinary patients are not), or scores a reason of what
    was billed (:data:`BILLED_ALIKE`) that the ring scores too (step 98: a relay's later recruits, seen at too few
    sessions for lockstep, billed as the ring's cohort is by the same doctor).  So does a piece explained
    as one household whose typology's mark is one a household does not explain (a family is not admitted to
    hospital together wave after wave: :func:`_one_household_pieces`).  They are scored again as one
    candidate, its persons and claims the union of theirs.  The joined ring
    replaces its pieces when it is still a suspect ring of that typology.  Weak pieces that joined nothing and
    take turns at one clinic with its staff, cohort after cohort, are scored as one too, and kept when that is a
    suspect ring at ``min_score`` with a reason of what was billed (:func:`_relays`, step 74).
    Kickback rings are joined by a shared doctor or pharmacy instead (:func:`join_kickbacks`); card rings
    (``CARD_DETECTORS``: misused cards, loaded cards) are whole institutions and join nothing, weak or not,
    but a hospital's ghost stays: a card ring of stays joins the group ring of its typology that the same
    doctors admitted with at least the card detector's ``min_cards`` of its cards (:func:`_ghost_stays`).

    Parameters
    ----------
    scored : list of Ring
        ``scored[i]`` is the scoring of ``candidates[i]``.
    candidates : list of Candidate
    facts : ClaimFacts
    params : ScoreParams

    Returns
    -------
    list of Ring
        ``scored`` with each joined organisation in place of its pieces.
    """
    staff = [frozenset(m.entity_id for m in r.members if m.entity_type == "doctor") for r in scored]
    # a card-misuse ring is a whole institution already (detect.cards): joined to a group's ring at its venue it
    # would carry the institution's look-alike cards into that ring, and other rings' patients with them
    open_ = [
        i
        for i, r in enumerate(scored)
        if r.benign is None
        and r.typology != "kickback"
        and r.score >= params.min_score
        and r.detector not in CARD_DETECTORS
    ]
    open_ = _not_held(scored, open_)
    by_kind: dict[str, list[int]] = {}
    for i in open_:
        by_kind.setdefault(scored[i].typology, []).append(i)
    seen = _venues_seen(scored, open_, facts)
    site = _institutions(scored, open_, facts)
    # a pharmacy's claims name the prescriber, who bills nothing there: only a facility's billing doctor leads a piece;
    # and a chain's shops are often others' (franchised): only a facility's sites are one institution
    lead = {i: frozenset() if site[i][1] else _lead_doctors(scored[i]) for i in open_}
    ghosts = _ghost_stays(scored, candidates, by_kind, staff, params)
    open_ = sorted(open_ + list({i for i, _ in ghosts}))  # the group ring first in each pair (its detector leads)

    def links() -> Iterator[tuple[int, int]]:
        yield from ((j, i) for i, j in ghosts)
        for group in by_kind.values():
            for a, i in enumerate(group):
                for j in group[a + 1 :]:
                    vi, vj = scored[i].features.venue, scored[j].features.venue
                    if vi == vj:
                        same = not staff[i] or not staff[j] or bool(staff[i] & staff[j])
                    else:  # one organisation working two venues: each ring's persons were billed at the other's,
                        # or half of one ring was brought to the other's venue on one day (a broker's bus-load)
                        ni, nj = 0.5 * len(scored[i].person_codes), 0.5 * len(scored[j].person_codes)
                        si, sj = seen[i].get(vj, (0, 0)), seen[j].get(vi, (0, 0))
                        same = (si[0] >= ni and sj[0] >= nj) or si[1] >= ni or sj[1] >= nj
                        # step 103: or one doctor billed most of both pieces, or their venues are one institution's
                        same = (
                            same
                            or bool(lead[i] & lead[j])
                            or (
                                site[i][0] == site[j][0]
                                and not site[i][1]
                                and not _two_doctors(scored[i], scored[j], lead, i, j, facts)
                            )
                        )
                    if same:
                        yield i, j

    components = _components(open_, links())
    # A piece that scores under min_score on its own (a broker's dozen recruits seen at few sessions) joins the
    # organisation of a suspect ring at the same venue with the same staff: the venue and its doctors are the
    # organisation's, and alone the piece is only weak.  Weak pieces never join one another.
    # It must show its typology's own mark of organisation (its headline reason: a staged clinic's lockstep, an
    # induced admission's co-admissions): a broker's recruits, brought in batches, are in lockstep on their own
    # and are weak only for want of money or share.  A busy centre's regulars or a flu outbreak's children, whom a
    # detector grouped by co-visits at chance level, carry no such mark, and the venue alone makes no organisation.
    # Step 98: or it is billed as the ring it joins is (BILLED_ALIKE: the same reason of what was billed, at the same
    # venue by the same staff): a turnover clinic's recruits, each seen at two or three sessions, are in lockstep with
    # no one, but the clinic bills them as it bills the cohort that is.
    weak, alike = [], {}
    for i, r in enumerate(scored):
        if (
            r.benign is None
            and r.typology in by_kind
            and r.score < params.min_score
            and r.detector not in CARD_DETECTORS  # an institution's cards, weak or not, join nothing (as above)
        ):
            if _marked(r.typology, r.reasons):
                if not _one_home_lockstep(candidates[i], r, facts):  # step 64: a family's own party is no batch
                    weak.append(i)
            elif marks := _billed(r, BILLED_ALIKE):
                weak.append(i)
                alike[i] = marks
    kind_of = {i: scored[i].typology for i in weak}
    for i, named in _one_household_pieces(scored, candidates, by_kind):  # step 31: explained by its size alone
        weak.append(i)
        kind_of[i] = named
    offs = _one_off_pieces(scored, candidates)  # step 94: a hospital's "one-off" admission days, one of many
    for i, named in offs:
        if named in by_kind:
            weak.append(i)
            kind_of[i] = named
    whole = {i: n for n, pieces in enumerate(components) for i in pieces}
    for i in weak:
        for j in by_kind[kind_of[i]]:
            if i in alike and not alike[i] & _billed(scored[j], BILLED_ALIKE):
                continue
            if scored[i].features.venue == scored[j].features.venue and _same_staff(staff[i], staff[j]):
                if j not in whole:  # a suspect ring on its own becomes an organisation of two
                    whole[j] = len(components)
                    components.append([j])
                components[whole[j]].append(i)
                break
    out = list(scored)
    # step 94: the one-off admission days left, at one hospital with its staff, with no suspect ring there (with
    # the batches explained as one household there: step 31's reading, a family is not admitted again and again)
    joined = {i for c in components for i in c}
    loose = [(i, k) for i, k in offs if i not in joined]
    homes = [(i, k) for i, k in _one_household_pieces(scored, candidates, {k for _, k in loose}) if i not in joined]
    for programme, named in _programmes(loose, homes, scored, staff):
        ring = _score(_union(candidates, programme), facts, params)
        if ring.benign is None and ring.typology == named and ring.score >= params.min_score:
            if _marked(named, ring.reasons):
                for i in programme:
                    out[i] = None  # type: ignore[call-overload]
                    joined.add(i)
                out.append(ring)
    # step 74: the weak pieces left, at one clinic with its staff, that relieve one another month by month
    for relay, named in _relays(scored, candidates, facts, params, staff, joined):
        ring = _score(_union(candidates, relay, **_relay_evidence(scored, candidates, relay, facts)), facts, params)
        billed = {r.code for r in ring.reasons if r.points > 0} - RELAY_NOT_BILLED
        if ring.benign is None and ring.typology == named and ring.score >= params.min_score and billed:
            for i in relay:
                out[i] = None  # type: ignore[call-overload]
            out.append(ring)
    for pieces in components:
        pieces.sort(key=lambda i: scored[i].detector in CARD_DETECTORS)  # a group ring's detector and evidence lead
        strong = [i for i in pieces if i not in kind_of]
        # with its weak pieces the organisation must still be a ring worth reporting; else it is joined without them
        weak_in = len(strong) < len(pieces)
        for part in (pieces, strong) if weak_in else (pieces,):
            if len(part) < 2:
                continue
            ring = _score(_union(candidates, part), facts, params)
            kind = ring.benign is None and ring.typology == kind_of.get(part[0], scored[part[0]].typology)
            if kind and (part is strong or not weak_in or ring.score >= params.min_score):
                for i in part:
                    out[i] = None  # type: ignore[call-overload]
                out.append(ring)
                break
    return [r for r in out if r is not None]


def join_cards(
    scored: list[Ring], candidates: list[Candidate], facts: ClaimFacts, params: ScoreParams = ScoreParams()
) -> tuple[list[Ring], list[Candidate]]:
    """Step 91: join the loaded-card rings of institutions that share a large part of their cards: one operator's
    bought cards swiped at several venues (a 药贩子 taking them to two to four 3A hospitals and a shop, a collector
    working two shops of two chains) are one ring, not one ring per institution.

    Loaded-card rings (detector ``cardload``, no benign explanation, scoring at least ``min_score``, of one
    typology, not a steering ring, not a 共济 ring of holders paying for others) at different main venues are linked when they share at least
    :data:`CARD_JOIN_SHARE` of the smaller ring's cards and that many shared cards are unlikely by chance
    (:data:`CARD_JOIN_CHANCE`: each of the smaller ring's cards is one of the larger's with the chance the
    larger's cards are of all the data's cards).  Each card of a loaded-card ring is billed there again and
    again far above its own pattern, so a chronic patient's two shops near home and work, or a family's, share
    one or two such cards, where an operator's venues share dozens.  Rings are joined only into groups linked
    pair by pair (taken best first): two collectors who share one shop each link that shop to their own other
    venue, not their venues to each other, and stay two rings.  A group's union is scored as one candidate, its
    loaded and spread cards those of any piece, and replaces its pieces when it is still a suspect ring of the
    typology and no other suspect ring scoring as high holds half of it (:func:`_held_by`).  Returns ``scored``
    and ``candidates`` with each joined group in place of its pieces, after the other candidates' rings and
    before the rings that have no candidate (``beside_steering``'s parts, which join nothing).

    Step 92: the joined ring is not the union of the pieces.  A chain's card ring holds every collector who uses
    the chain's shops, and the union made a card buyer and the chain's cash-out one ring (thirdworld 20, 62 and 95;
    docs/detection.md step 91).  The operator carries his cards from one of his institutions to the next, so the
    joined ring takes the pieces' cards billed (any claim) at two or more of the group's institutions
    (:func:`_billed_at_two`, :data:`CARD_JOIN_BOTH`); each piece's other cards, billed at its own institution
    only, are another operator's or none: they are judged again on their own, as a ring of their own when it
    still scores at least ``min_score`` (:func:`_card_part`).  ``ScoreParams.join_cards`` False turns the join off.
    """
    if CARD_JOIN_SHARE is None or not params.join_cards:  # off by default (ScoreParams.join_cards)
        return scored, candidates
    open_ = sorted(
        (
            i
            for i, r in enumerate(scored[: len(candidates)])  # (the rings after them are beside_steering's parts)
            if r.detector == cardload.NAME
            and r.benign is None
            and r.typology != "kickback"
            and r.score >= params.min_score
            and not candidates[i].evidence.get("prescribed")
            # a 共济 ring (detector ``mutual``, step 75) is holders paying for others, not one card loaded again
            # and again: it has no cards of its own to carry to another venue (and no ``cards`` count to re-judge)
            and candidates[i].evidence.get("headline") != "paid_for_others"
            # step 136: an operator's set of large hospitals holds his cards there already, each judged by its set
            and "hospital_expected" not in candidates[i].evidence
        ),
        key=lambda i: (-scored[i].score, scored[i].ring_id),
    )
    if len(open_) < 2:
        return scored, candidates
    people = {i: set(scored[i].person_codes.tolist()) for i in open_}
    named = {i: by_cards(scored[i].typology, scored[i].reasons, **_dear(scored[i])) for i in open_}
    holders = max(len(facts.person_address), 1)

    def linked(i: int, j: int) -> bool:
        if named[i] != named[j] or scored[i].features.venue == scored[j].features.venue:
            return False
        shared = len(people[i] & people[j])
        small, large = sorted((len(people[i]), len(people[j])))
        if shared < max(CARD_JOIN_MIN, CARD_JOIN_SHARE * small):
            return False
        return float(binom.sf(shared - 1, small, min(large / holders, 1.0))) <= CARD_JOIN_CHANCE

    groups: list[list[int]] = []
    for i in open_:
        home = next((g for g in groups if all(linked(i, j) for j in g)), None)
        if home is None:
            groups.append([i])
        else:
            home.append(i)
    rings: list[Ring] = []
    joined_candidates: list[Candidate] = []
    gone: set[int] = set()
    unit = cards.institutions(facts.graph)[0] if CARD_JOIN_BOTH else None
    at_open: np.ndarray | None = None  # the visits at the open rings' institutions (found at the first group)
    for group in groups:
        if len(group) < 2:
            continue
        if unit is not None and at_open is None:
            venue = facts.graph.visits.column("venue")
            at_open = np.flatnonzero(np.isin(unit[venue], [int(unit[scored[i].features.venue]) for i in open_]))
        # step 92: the cards billed at two or more of the group's institutions; the rest stay in their pieces
        both = _billed_at_two(group, scored, people, facts, unit, at_open) if unit is not None else None
        chain = both is not None and unit is not None and _one_chain(group, scored, people, unit)
        if chain:  # step 146: one chain's shops whose rings hold the same cards: the union, not the cards carried
            joined = _chain_union(candidates, group, people)
            both = None  # (every card of the pieces is in it: none is left to judge on its own)
        elif both is None:
            joined = _card_union(candidates, group, people)
        else:
            parts = [(i, part) for i in group if (part := _card_part(candidates[i], both, facts)) is not None]
            if len(parts) < 2:  # one institution's pieces (two shops of one chain): no card was carried
                continue
            joined = _card_union([part for _, part in parts], list(range(len(parts))),
                                 {k: people[i] & both for k, (i, _) in enumerate(parts)})  # fmt: skip
        ring = _score(joined, facts, params)
        if (
            ring.benign is None
            and by_cards(ring.typology, ring.reasons, **_dear(ring)) == named[group[0]]
            and ring.score >= params.min_score
            and not _held_by(ring, [r for k, r in enumerate(scored) if k not in group], params)
        ):
            gone.update(group)
            rings.append(ring)
            joined_candidates.append(joined)
            for i in group:  # step 92: each piece's other cards, judged again on their own
                rest = None if both is None else _card_part(candidates[i], both, facts, keep=False)
                if rest is None:
                    continue
                left = _score(rest, facts, params)
                # a ring of its own only while its cards are still loaded there: without the detector's reason
                # the rest is a few ordinary customers scored on their cost (otherworld 103 and 108: 10 and 11)
                loaded = any(r.code == "card_load" and r.points > 0 for r in left.reasons)
                if left.score >= params.min_score and left.benign is None and loaded:
                    rings.append(left)
                    joined_candidates.append(rest)
    if not gone:
        return scored, candidates
    # scored[i] is the scoring of candidates[i]; the rings after the candidates have none and stay last
    keep = [i for i in range(len(candidates)) if i not in gone]
    return (
        [scored[i] for i in keep] + rings + scored[len(candidates) :],
        [candidates[i] for i in keep] + joined_candidates,
    )


def join_card_days(
    scored: list[Ring], candidates: list[Candidate], facts: ClaimFacts, params: ScoreParams = ScoreParams()
) -> tuple[list[Ring], list[Candidate]]:
    """Step 111: two card-collector rings at one pharmacy whose cards were swiped on the same days are one collector's.

    A collector brings a batch of cards to the shop every few days; the cards
    swiped together often enough co-visit (a group ring), the rest show only
    as loaded cards (a card-load ring), and the two rings share no card.  What
    they share is the collector's days.  Suspect card-collector rings (no
    benign explanation, at least ``min_score``) whose main venue is the same
    pharmacy are linked when at least :data:`CARD_DAYS_SHARE` of the smaller
    ring's card-days there (distinct card and day: a sale split into one
    settlement per drug is one) fall on the larger ring's days there, and
    that many are unlikely by chance (binomial tail at most
    :data:`CARD_JOIN_CHANCE`, each card-day on one of the larger ring's days
    with the chance those are of the pharmacy's days): a busy shop's other
    rings (串换 customers at their own times) fill its days and link by
    chance only.  Linked pairs (best first) are joined; the union replaces
    both when it is still a suspect card-collector ring at ``min_score``
    that no other ring scoring as high holds half of (:func:`_held_by`).
    Returns ``scored`` and ``candidates`` with each joined pair in place of
    its pieces, after the other candidates' rings and before those that have
    no candidate.
    """
    if CARD_DAYS_SHARE is None:
        return scored, candidates
    n = len(candidates)
    open_ = sorted(
        (i for i, r in enumerate(scored[:n]) if r.benign is None and r.typology == "card_collector"
         and r.score >= params.min_score and facts.venue_is_pharmacy[r.features.venue]),
        key=lambda i: (-scored[i].score, scored[i].ring_id),
    )  # fmt: skip
    t = facts.graph.visits
    venue, day, person = t.column("venue"), t.column("day"), t.column("person")

    seen: dict[int, np.ndarray] = {}
    open_days: dict[int, int] = {}

    def card_days(i: int) -> np.ndarray:
        if i not in seen:
            rows = candidates[i].claims[venue[candidates[i].claims] == scored[i].features.venue]
            seen[i] = np.unique(np.stack([person[rows].astype(np.int64), day[rows].astype(np.int64)]), axis=1)
        return seen[i]

    def days_open(shop: int) -> int:  # the pharmacy's days, once per shop, from the run's index of the claims
        if shop not in open_days:
            open_days[shop] = len(distinct(day[facts.graph.claim_rows("venue", np.array([shop]))].astype(np.int64)))
        return open_days[shop]

    rings: list[Ring] = []
    joined: list[Candidate] = []
    gone: set[int] = set()
    for a, i in enumerate(open_):
        for j in open_[a + 1 :]:
            if i in gone or j in gone or scored[i].features.venue != scored[j].features.venue:
                continue
            mine, theirs = sorted((card_days(i), card_days(j)), key=lambda x: x.shape[1])
            their_days = np.unique(theirs[1])
            k = int(np.isin(mine[1], their_days).sum())
            if k < CARD_DAYS_SHARE * mine.shape[1]:
                continue
            shop_days = days_open(int(scored[i].features.venue))
            if float(binom.sf(k - 1, mine.shape[1], len(their_days) / max(shop_days, 1))) > CARD_JOIN_CHANCE:
                continue
            pair = (candidates[i], candidates[j])
            union = _collectors(_union(candidates, [i, j]), *pair, scored[i].features.venue, facts)  # step 118
            ring = _score(union, facts, params)
            others = [r for m, r in enumerate(scored) if m not in (i, j)]
            if (ring.benign is None and ring.typology == "card_collector" and ring.score >= params.min_score
                    and not _held_by(ring, others, params)):  # fmt: skip
                gone.update((i, j))
                rings.append(ring)
                joined.append(union)
    if not gone:
        return scored, candidates
    keep = [i for i in range(n) if i not in gone]
    return [scored[i] for i in keep] + rings + scored[n:], [candidates[i] for i in keep] + joined


def _collectors(union: Candidate, a: Candidate, b: Candidate, shop: int, facts: ClaimFacts) -> Candidate:
    """Step 118: ``union`` (of the pieces ``a`` and ``b`` joined at the pharmacy ``shop`` by :func:`join_card_days`)
    with only the collector's cards (:func:`graphfraud.score.collector.collector_cards`, at :data:`COLLECTOR_SHOPS`;
    the shop's institution, a chain's shops one, is "the shop") and their claims; ``union`` itself when every card
    is kept (or the step is off)."""
    if COLLECTOR_SHOPS is None:
        return union
    t = facts.graph.visits
    rows = union.claims
    person = t.column("person")[rows]
    unit = cards.institutions(facts.graph)[0]  # a chain's shops are one institution (step 25)
    kept = collector_cards(
        union.persons, person, unit[t.column("venue")[rows]], t.column("day")[rows],
        shared=np.intersect1d(a.persons, b.persons), shop=int(unit[shop]), share=COLLECTOR_SHOPS,
    )  # fmt: skip
    if len(kept) == len(union.persons):
        return union
    return replace(union, persons=kept, claims=rows[np.isin(person, kept)])


def _billed_at_two(
    group: list[int],
    scored: list[Ring],
    people: dict[int, set],
    facts: ClaimFacts,
    unit: np.ndarray,
    rows: np.ndarray | None = None,
) -> set[int]:
    """Step 92: the cards of the loaded-card rings ``group`` billed at two or more of their institutions (each
    ring's main venue's institution, a chain's shops one: :func:`graphfraud.detect.cards.institutions`).

    ``rows``: the visit rows to look at, holding at least those at the group's institutions (:func:`join_cards`
    gives those at any open ring's, found once for all groups); all of them when None."""
    mine = np.array(sorted(set().union(*(people[i] for i in group))), dtype=np.int64)
    at = np.array(sorted({int(unit[scored[i].features.venue]) for i in group}), dtype=np.int64)
    person = facts.graph.visits.column("person")
    venue = facts.graph.visits.column("venue")
    rows = np.arange(len(venue)) if rows is None else rows
    rows = rows[np.isin(unit[venue[rows]], at)]  # the group's institutions first: few of all the visits
    rows = rows[np.isin(person[rows], mine)]
    pairs = np.unique(np.stack([person[rows].astype(np.int64), unit[venue[rows]].astype(np.int64)]), axis=1)
    cards_, n = np.unique(pairs[0], return_counts=True)
    return set(cards_[n >= 2].tolist())


def _card_part(c: Candidate, both: set[int], facts: ClaimFacts, *, keep: bool = True) -> Candidate | None:
    """Step 92: the loaded-card candidate ``c`` restricted to its cards in ``both`` (``keep``) or to the others,
    its per-member evidence with them and the detector's tests (the loaded cards, their chance under the peers'
    rate, their share of what the institution billed) taken again on them, as :func:`beside_steering` does;
    None when no card is left."""
    inside = np.isin(c.persons, np.fromiter(both, dtype=np.int64, count=len(both)))
    mask = inside if keep else ~inside
    if not mask.any():
        return None
    if mask.all():
        return c
    e, p = c.evidence, c.params
    same = _same(c)
    k = int((mask & ~same).sum())
    tail = float(binom.sf(k - 1, int(e["cards"]), float(e["peer_rate"]))) if k else 1.0
    gains = e.get("gains")
    billed = e.get("billed", float("nan"))
    share = float(np.sum(gains[mask & ~same]) / billed) if gains is not None and billed > 0 else e.get("share", 0.0)
    rest = c.persons[mask]
    claims = c.claims[np.isin(facts.graph.visits.column("person")[c.claims], rest)]
    evidence = {
        **e,
        "flagged": k,
        "chance": tail,
        "share": share,
        "same": same[mask],
        "joined": int((mask & same).sum()),
        **({"gains": gains[mask]} if gains is not None else {}),
        **({"spread": np.asarray(e["spread"])[mask]} if "spread" in e else {}),
    }
    return Candidate(c.detector, rest, claims, evidence, p)


def _one_chain(group: list[int], scored: list[Ring], people: dict[int, set], unit: np.ndarray) -> bool:
    """Step 146: whether the loaded-card rings ``group`` are at shops of one chain (one institution,
    :func:`graphfraud.detect.cards.institutions`) and each holds at least :data:`CHAIN_POOL_SHARE` of its cards
    in the best ring of the group or the best holds that share of its own in it: one pool of cards worked at
    the chain's shops (a chain's cash-out, 药店串换), where step 92 finds no card carried between institutions.
    """
    if CHAIN_POOL_SHARE is None or len({int(unit[scored[i].features.venue]) for i in group}) != 1:
        return False
    best = people[group[0]]
    return all(len(people[i] & best) >= CHAIN_POOL_SHARE * min(len(people[i]), len(best)) for i in group[1:])


def _chain_union(candidates: list[Candidate], group: list[int], people: dict[int, set]) -> Candidate:
    """Step 146: the union of one chain's loaded-card rings (:func:`_one_chain`) as one candidate, as
    :func:`_card_union`, without the join's count of institutions: its shops are one."""
    joined = _card_union(candidates, group, people)
    evidence = {k: v for k, v in joined.evidence.items() if k not in ("institutions", "shared")}
    return replace(joined, evidence=evidence)


def _held_by(ring: Ring, others: list[Ring], params: ScoreParams) -> bool:
    """Whether a suspect ring of ``others`` that scores at least as high as ``ring`` holds half the persons of the
    smaller of the two (:func:`join_cards`): :func:`select_rings` would report that ring for the joined cards and
    drop the union, where the pieces, each holding less of it, stood beside it (fifthworld 3: a hospital's
    misused-cards ring of 323 at the same score of 100 held the union of two of its loaded-card rings)."""
    mine = set(ring.person_codes.tolist())
    for other in others:
        if other.benign is None and other.score >= max(ring.score, params.min_score):
            theirs = set(other.person_codes.tolist())
            if len(mine & theirs) >= 0.5 * min(len(mine), len(theirs)):
                return True
    return False


def _card_union(candidates: list[Candidate], group: list[int], people: dict[int, set]) -> Candidate:
    """One loaded-card candidate of the rings ``group`` (best first, :func:`join_cards`): their persons and
    claims, the best ring's evidence with its per-member flags (billed the same way, spread) taken over every
    piece, the loaded cards counted once, and the institutions joined and the cards two or more of them share."""
    c = _union(candidates, group)
    e = dict(c.evidence)
    index = {int(p): k for k, p in enumerate(c.persons)}
    loaded = np.zeros(len(c.persons), dtype=bool)
    flags = {key: np.zeros(len(c.persons), dtype=bool) for key in ("same", "spread")}
    for i in group:
        piece = candidates[i]
        at = np.array([index[int(p)] for p in piece.persons], dtype=np.int64)
        same = np.asarray(piece.evidence.get("same", np.zeros(len(piece.persons), bool)), dtype=bool)
        loaded[at] |= ~same
        for key, flag in flags.items():
            if key in piece.evidence:
                flag[at] |= np.asarray(piece.evidence[key], dtype=bool)
    same = flags["same"] & ~loaded
    seen = Counter(p for i in group for p in people[i])
    e.update(
        flagged=int(loaded.sum()),
        cards=int(sum(int(candidates[i].evidence.get("cards", 0)) for i in group)),
        same=same,
        joined=int(same.sum()),
        spread=flags["spread"] & loaded,
        institutions=len(group),
        shared=sum(1 for n in seen.values() if n >= 2),
    )
    for key in ("gains", "billed"):  # per member of the best piece: the pieces' own, not the union's
        e.pop(key, None)
    return Candidate(c.detector, c.persons, c.claims, e, c.params)


def _relays(
    scored: list[Ring],
    candidates: list[Candidate],
    facts: ClaimFacts,
    params: ScoreParams,
    staff: list[frozenset],
    joined: set[int],
) -> list[tuple[list[int], str]]:
    """Weak pieces of one venue and staff that relieve one another: each a cohort of its own weeks, the next
    beginning on or after the last one's last day and within :data:`RELAY_GAP` days of it (step 74).

    A staged clinic that replaces its recruits month by month is found as one co-visit piece per cohort: no
    recruit stays long enough for lockstep, and each cohort alone is too small for the money reason, so every
    piece scores under ``min_score`` and, with no suspect ring at the venue, joins nothing (step 30).  What
    ties the cohorts is that they take turns: the same doctor's sessions at the same clinic, one cohort's weeks
    ending where the next one's begin, no two cohorts at the clinic at once.  The chains returned (with the
    pieces' typology) are joined and scored as one candidate by :func:`join_pieces`, which keeps the union only
    when it is a suspect ring of that typology scoring at least ``min_score`` and scores a reason of what was
    billed, not only of meeting (:data:`RELAY_NOT_BILLED`): the relay itself adds no points, and a clinic's
    ordinary monthly patients (check-ups, follow-ups) cost what the same care costs elsewhere.
    Only pieces (indexes into ``scored``) under ``min_score`` that joined no organisation, of a group detector
    and a typology other than kickback (joined by :func:`join_kickbacks`), with no benign reading or one of
    :data:`RELAY_EXPLAINED` (then the typology the piece would have without it) take part.
    """
    if RELAY_GAP is None:
        return []
    day, venue = facts.graph.visits.column("day"), facts.graph.visits.column("venue")
    loose: dict[tuple[str, int], list[tuple[int, int, int]]] = {}
    for i, r in enumerate(scored[: len(candidates)]):
        if (
            i in joined
            or r.score >= params.min_score
            or r.detector in CARD_DETECTORS
            or (r.benign is not None and r.benign.code not in RELAY_EXPLAINED)
        ):
            continue
        kind = typology(candidates[i], r.features) if r.benign is not None else r.typology
        if kind == "kickback":
            continue
        claims = candidates[i].claims
        days = day[claims[venue[claims] == r.features.venue]]
        if len(days):
            loose.setdefault((kind, r.features.venue), []).append((int(days.min()), int(days.max()), i))
    out = []
    for (kind, _), pieces in loose.items():
        if len(pieces) < 2:
            continue
        pieces.sort()
        # a piece relieves the one before it at the same clinic with the same staff: it begins on or after the
        # day that one ended (a handover session may hold the last of one cohort and the first of the next),
        # within RELAY_GAP days of it
        links = [
            (i, j)
            for a, (_, end, i) in enumerate(pieces)
            for start, _, j in pieces[a + 1 :]
            if end <= start <= end + RELAY_GAP and _same_staff(staff[i], staff[j])
        ]
        out += [(chain, kind) for chain in _components([i for _, _, i in pieces], links)]
    return out


def _relay_evidence(
    scored: list[Ring], candidates: list[Candidate], relay: list[int], facts: ClaimFacts
) -> dict[str, object]:
    """What a relay's union says of its cohorts (step 131, the ``relay`` reason): how many took turns
    (``cohorts``), the first and last day the clinic billed them (``first_day``, ``last_day``, ISO dates) and the
    longest wait between one cohort's end and the next one's start (``relay_gap``, days; 0 when a handover
    session held both).

    A turnover clinic's recruits come for a few weeks each and are replaced: each cohort is a co-visit piece of its
    own weeks, too small and too short for lockstep, and what the clinic does is the taking of turns itself, cohort
    after cohort with the same staff (:func:`_relays` found the chain; the reason scores its length).
    """
    day, venue = facts.graph.visits.column("day"), facts.graph.visits.column("venue")
    spans = []
    for i in relay:
        rows = candidates[i].claims
        days = day[rows[venue[rows] == scored[i].features.venue]]
        spans.append((int(days.min()), int(days.max())))
    spans.sort()
    gap, end = 0, spans[0][1]
    for start, last in spans[1:]:
        gap, end = max(gap, start - end), max(end, last)
    first = EPOCH.astype("datetime64[D]") + np.timedelta64(spans[0][0], "D")
    last_day = EPOCH.astype("datetime64[D]") + np.timedelta64(end, "D")
    return {"cohorts": len(relay), "first_day": str(first), "last_day": str(last_day), "relay_gap": gap}


def _not_held(scored: list[Ring], open_: list[int]) -> list[int]:
    """The rings of ``open_`` that no better suspect ring of another typology holds.

    A ring that shares at least half of the smaller one's persons with a better ring is dropped from the
    ranked list (:func:`select_rings`), and where that ring is of another typology it has already named the
    scheme those persons belong to: a free bus's villagers, seen as co-visit pieces on their examination
    days, are the bus's co-admission ring.  Joined into another organisation's ring, such a piece would carry
    that scheme's persons in, and the union would be dropped as overlapping it, taking the organisation with
    it (thirdworld seed 60: a broker's 52 recruits joined through one session's day at the bus's hospital).
    So such a piece joins nothing.  Card rings (``CARD_DETECTORS``) give way to group rings (:func:`_merging`)
    and hold no piece here.

    >>> from types import SimpleNamespace as S
    >>> r = lambda codes, score, kind: S(person_codes=np.array(codes), score=score, typology=kind, detector="covisit")
    >>> bus, piece, other = r(range(10), 60.0, "induced_admission"), r([1, 2, 3], 20.0, "staged_clinic"), r([20, 21], 30.0, "staged_clinic")
    >>> _not_held([bus, piece, other], [0, 1, 2])
    [0, 2]
    """
    people = {i: set(scored[i].person_codes.tolist()) for i in open_}
    holding: dict[int, list[int]] = {}  # person -> the rings of open_ that hold them
    for i in open_:
        for person in people[i]:
            holding.setdefault(person, []).append(i)
    out = []
    for i in open_:
        shared = Counter(j for person in people[i] for j in holding[person] if j != i)
        held = any(
            scored[j].score > scored[i].score
            and scored[j].typology != scored[i].typology
            and scored[j].detector not in CARD_DETECTORS
            and k >= 0.5 * min(len(people[i]), len(people[j]))
            for j, k in shared.items()
        )
        if not held:
            out.append(i)
    return out


def beside_steering(
    scored: list[Ring], candidates: list[Candidate], facts: ClaimFacts, params: ScoreParams = ScoreParams()
) -> list[Candidate]:
    """The loaded cards (``cardload``) of an institution left outside the group rings that its ring gives way to.

    A loaded-card ring gives way to a steering ring it holds, and to the group rings (co-visits, co-admissions,
    any detector's but the card detectors') that hold half its cards (:func:`_merging`): a doctor's steered
    patients buy high-value drugs at the shops he sends them to, so they are loaded cards there, and a card
    buyer's or a collector's sessions are seen meeting; those rings name who sent or who met.  But one chain
    can host two schemes: its shops swipe employees' cards for daily goods billed as tonics (套现), and those
    cards follow no doctor and meet nobody.  Left inside the loaded-card ring, they were dropped with it
    (thirdworld seeds 24 and 28: a chain's 53 and 26 cash-out cards in one ring with 35 and 22 steered
    patients; seed 46: 22 cash-out cards in one ring with 35 of a card buyer's cards, his co-visit ring
    holding 61% of it).  So where the ring gives way, the loaded cards that are in no suspect group ring (of
    a detector other than the card detectors) are judged again on their own, by the detector's own tests: at
    least its ``min_cards``, unlikely (binomial tail at most its ``max_chance``) under the peers' rate of
    loaded cards, and their cost above the usual at least its ``min_share`` of all the institution billed.
    Those that pass are a candidate of their own (``evidence["steered"]``, ``evidence["grouped"]``: the cards
    left to steering rings and to other group rings).
    """
    groups = [
        (r.detector, set(r.person_codes.tolist()))
        for r in scored
        if r.detector not in CARD_DETECTORS and r.benign is None and r.score >= params.min_score
    ]
    if not groups:
        return []
    steered = set().union(*(g for d, g in groups if d == steering.NAME))
    every = np.array(sorted(set().union(*(g for _, g in groups))), dtype=np.int64)
    out = []
    for c in candidates:
        if c.detector != cardload.NAME or "gains" not in c.evidence:
            continue
        mine = set(c.persons.tolist())
        touching = [(d, g) for d, g in groups if not g.isdisjoint(mine)]
        if not touching:
            continue
        # as _gives_way, but on the pieces before join_pieces: groups that cover half of it count though none of
        # them holds it yet (joined, they do), and a steering ring that holds it
        held = any(d == steering.NAME and len(mine & g) >= 0.5 * min(len(mine), len(g)) for d, g in touching)
        covered = len(mine & set().union(*(g for _, g in touching))) >= GIVE_WAY_SHARE * len(mine)
        if not (held or covered):  # the ring stands whole: nothing is left outside it
            continue
        e, p = c.evidence, c.params
        keep = ~np.isin(c.persons, every)  # the cards of any suspect group ring, not only of those that hold it
        same = _same(c)
        k = int((keep & ~same).sum())  # loaded cards: those billed the same way joined on the proof, not part of it
        tail = float(binom.sf(k - 1, int(e["cards"]), float(e["peer_rate"]))) if k else 1.0
        share = float(np.sum(e["gains"][keep & ~same]) / e["billed"]) if e["billed"] > 0 else 0.0
        if k < p["min_cards"] or tail > p["max_chance"] or not share >= p["min_share"]:
            continue
        rest = c.persons[keep]
        claims = c.claims[np.isin(facts.graph.visits.column("person")[c.claims], rest)]
        n_steered = int(np.isin(c.persons, np.fromiter(steered, dtype=np.int64, count=len(steered))).sum())
        evidence = {
            **e,
            "flagged": k,
            "chance": tail,
            "share": share,
            "gains": e["gains"][keep],
            "steered": n_steered,
            "grouped": int((~keep).sum()) - n_steered,
            "same": same[keep],
            "joined": int((keep & same).sum()),
            **({"spread": e["spread"][keep]} if "spread" in e else {}),
        }
        out.append(Candidate(c.detector, rest, claims, evidence, c.params))
    return out


def _same(c: Candidate) -> np.ndarray:
    """Per member of a loaded-card candidate: joined as billed the same way, not loaded (``evidence["same"]``)."""
    same = c.evidence.get("same")
    return np.zeros(len(c.persons), dtype=bool) if same is None else np.asarray(same, dtype=bool)


#: A loaded card is a patient's when at least this share of its claims at the shop fill a prescription (follow the
#: holder's own visit): a majority, not a tuned number (cash-out cards 2-15%, steered patients' 96%, measured).
PRESCRIBED_SHARE = 0.5
#: Where the visits name their doctors, the patients sent alike are those of the doctors the cards' prescriptions
#: came from, not the whole facility's (step 82; ``False``: the facility's, as before).
SAME_DOCTORS = True


def prescribed_apart(
    candidates: list[Candidate], facts: ClaimFacts, *, days: int = CardMenuParams().follow_days
) -> list[Candidate]:
    """``candidates`` with each pharmacy's loaded cards (``cardload``) that were prescribed set apart as a kickback.

    A card collector or a cash-out shop swipes cards that are not being treated: its dear claims follow no
    visit of the holder (2-15% of them do, by chance, in the worlds measured).  A steered patient buys the
    dear drugs the doctor sent him for, within days of his visit; when the export names no doctor (no
    ``doctor_id``), or the shop's claims do not, no steering pair can be measured, and his card, billed
    three times or more far above its worth at the shop, is a loaded card (thirdworld seed 29: 36 of a
    70-patient kickback as one chain's loaded cards, 96% of their claims after the holder's own visit).  So
    the cards of a loaded-card candidate at a pharmacy are split: those whose claims there mostly (at least
    :data:`PRESCRIBED_SHARE`) fill a prescription (:func:`graphfraud.detect.cardmenu.prescribed`: the claim
    names a doctor, or the holder was at a facility that day or ``days`` days before) are a candidate of
    typology ``kickback`` (处方引流) when they are the detector's ``min_cards`` or more, with the visits
    they follow (so the facilities that sent them are members); the others stay a loaded-card candidate when
    they pass the detector's tests on their own (as :func:`beside_steering` judges them).  A candidate
    of neither kind of card as many as ``min_cards`` is left as it was.  Where the same payer (the shop or its
    chain) has a kickback by the visits' diagnoses (:mod:`graphfraud.detect.indication`, step 65), the two are
    one ring: the kickback's patients sent alike are those the diagnoses vouch for, and the triples' dear
    buyers join (:func:`_with_indication`).
    """
    judged = [c.detector == cardload.NAME and "gains" in c.evidence and not c.evidence.get("typology")
              for c in candidates]  # fmt: skip
    if not any(judged):
        return candidates
    v = facts.graph.visits
    kind, person = v.column("kind"), v.column("person")
    # whether each pharmacy claim of those candidates fills a prescription, measured once for all of them
    every = distinct(np.concatenate([c.claims for c, j in zip(candidates, judged, strict=True) if j]))
    every = every[kind[every] == 1].astype(np.int64)
    fills = cardmenu.prescribed(facts.graph, every, days, indexed=True) if len(every) else np.zeros(0, dtype=bool)
    out: list[Candidate] = []
    usual: float | None = None  # the usual price of a purchase, when first needed
    # the kickbacks found by the visits' diagnoses (detect.indication), by payer: a chain's shops are one
    found = [c for c in candidates if c.detector == steering.NAME and "site" in c.evidence]
    unit = cards.institutions(facts.graph)[0] if found else np.zeros(0, dtype=np.int64)
    indicated = {int(unit[int(c.evidence["shop"])]): c for c in found}
    measured: dict[tuple[float, int], tuple[pd.DataFrame, pd.DataFrame]] = {}  # the triples, once per run
    for c, j in zip(candidates, judged, strict=True):
        e = c.evidence
        rows = c.claims[kind[c.claims] == 1]
        if not j or not len(rows):
            out.append(c)
            continue
        filled = fills[np.searchsorted(every, rows)]
        by_card = (
            pd.DataFrame({"person": person[rows], "filled": filled}).groupby("person")["filled"].agg(["mean", "sum"])
        )
        sent = np.isin(c.persons, by_card.index[by_card["mean"].to_numpy() >= PRESCRIBED_SHARE].to_numpy())
        if "spread" in e:  # a spread card's one swipe here after a visit of its holder is chance: twice, a pattern
            twice = np.isin(c.persons, by_card.index[by_card["sum"].to_numpy() >= cardload.REPEATED].to_numpy())
            sent &= ~np.asarray(e["spread"], dtype=bool) | twice
        k, least, same = int(sent.sum()), int(c.params["min_cards"]), _same(c)
        if int((sent & ~same).sum()) < least:  # as many loaded cards: those joined the same way prove nothing
            out.append(c)
            continue
        patients = c.persons[sent]
        bought = rows[np.isin(person[rows], patients)]
        visits = _prescribing_visits(facts, bought, days)
        mine = c.claims[np.isin(person[c.claims], patients)]
        share = float(np.sum(e["gains"][sent]) / e["billed"]) if e["billed"] > 0 else 0.0
        shops, n = np.unique(v.column("venue")[bought], return_counts=True)
        # the sites that sent them: the facilities of a tenth or more of the visits their purchases followed
        sites, m = np.unique(v.column("venue")[visits], return_counts=True)
        sites = sites[m >= MEMBER_SHARE * max(len(visits), 1)]
        staff = _prescribers(facts, visits) if SAME_DOCTORS else None
        if usual is None:  # the usual purchase: the median price of all pharmacy purchases
            total = facts.graph.data.claims["total_amount"].to_numpy()
            priced = (kind == 1) & (total > 0)
            usual = float(np.median(total[priced], overwrite_input=True)) if priced.any() else 0.0  # a copy already
        dear = round(float(c.params["ratio"]) * usual, 2)  # as dear as a loaded card's claims: ratio x the usual
        more, more_claims = _sent_alike(facts, shops, sites, days, dear, patients, staff)
        diagnosed = indicated.get(int(unit[int(shops[np.argmax(n)])])) if indicated else None
        if diagnosed is not None:  # the same payer's kickback by the visits' diagnoses (step 65): one ring of both
            more, more_claims = _with_indication(facts, diagnosed, more, more_claims, patients, measured)
        evidence = {**e, "typology": "kickback", "shop": int(shops[np.argmax(n)]), "flagged": k, "share": share,
                    "prescribed": k, "follow_days": days, "filled": float(filled[np.isin(person[rows], patients)].mean()),
                    "alike": int(len(more)), "min_price": dear}  # fmt: skip
        evidence.pop("gains")  # judged as a kickback now, not again as loaded cards (beside_steering)
        evidence.pop("same", None)
        evidence.pop("spread", None)  # (the prescribed cards' reason is the kickback's)
        evidence.pop("institutions", None)  # (and so are a collector's linked shops', step 95: otherworld 39)
        evidence.pop("shared", None)
        evidence["joined"] = 0  # the prescribed cards are the kickback's patients, loaded or billed the same way
        claims = distinct(np.concatenate([mine, visits, more_claims]))
        out.append(Candidate(c.detector, distinct(np.concatenate([patients, more])), claims, evidence, c.params))
        rest = ~sent
        r = int((rest & ~same).sum())  # loaded cards (those billed the same way joined on the proof, not part of it)
        tail = float(binom.sf(r - 1, int(e["cards"]), float(e["peer_rate"]))) if r else 1.0
        share = float(np.sum(e["gains"][rest & ~same]) / e["billed"]) if e["billed"] > 0 else 0.0
        if r >= least and tail <= c.params["max_chance"] and share >= c.params["min_share"]:
            others = c.persons[rest]
            claims = c.claims[np.isin(person[c.claims], others)]
            evidence = {**e, "flagged": r, "chance": tail, "share": share, "gains": e["gains"][rest], "sent": k,
                        "same": same[rest], "joined": int((rest & same).sum())}  # fmt: skip
            if "spread" in e:
                evidence["spread"] = e["spread"][rest]
            out.append(Candidate(c.detector, others, claims, evidence, c.params))
    return _not_found_by_cards(out, facts)


def _with_indication(
    facts: ClaimFacts,
    diagnosed: Candidate,
    more: np.ndarray,
    more_claims: np.ndarray,
    patients: np.ndarray,
    measured: dict[tuple[float, int], tuple[pd.DataFrame, pd.DataFrame]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The patients sent alike (:func:`_sent_alike`) that the visits' diagnoses vouch for, with the dear buyers of
    the same payer's kickback by diagnosis (``diagnosed``, :mod:`graphfraud.detect.indication`), and their claims.

    Sent alike are the persons who bought at the shops ``dear`` yuan or more within days of a visit to the sites:
    where the sites treat a dear diagnosis, its patients buy so at the shop next door for their own care.  The
    triples (facility, diagnosis of the visit, pharmacy) tell them apart: a sent patient came through a triple
    of the scheme's, one with the detector's ``min_dear`` dear buyers or more at the payer's shops (its
    chance not asked: the payer is proven by its cards, and where the scheme is most of a diagnosis's dear
    buyers its share is the diagnosis's own); one whose triple has fewer bought dear for his diagnosis
    alone.  The triples' dear buyers join too (those sent once or twice are no loaded cards).  ``measured``
    keeps the triples (:func:`graphfraud.detect.indication.triples`) for the payer's next kickback.
    """
    p = diagnosed.params
    key = (float(p["ratio"]), int(p["follow_days"]))
    measured = {} if measured is None else measured
    if key not in measured:
        measured[key] = indication.triples(facts.graph, ratio=key[0], days=key[1])
    t, dear = measured[key]
    unit = cards.institutions(facts.graph)[0]
    shop = int(unit[int(diagnosed.evidence["shop"])])
    dear = dear[unit[dear["pharmacy"].to_numpy()] == shop]
    keys = ["facility", "diagnosis", "pharmacy"]
    big = t.loc[t["dear"] >= int(p["min_dear"]), keys]
    vouched = np.unique(dear.merge(big, on=keys)["person"].to_numpy())
    person = facts.graph.visits.column("person")
    kept = more[np.isin(more, vouched)]
    joined = np.setdiff1d(diagnosed.persons, patients)
    claims = np.concatenate([more_claims[np.isin(person[more_claims], kept)], diagnosed.claims])
    return distinct(np.concatenate([kept, joined])).astype(np.int64), distinct(claims).astype(np.int64)


def _not_found_by_cards(candidates: list[Candidate], facts: ClaimFacts) -> list[Candidate]:
    """``candidates`` without the kickbacks of a facility's diagnosis (:mod:`graphfraud.detect.indication`) whose
    pharmacy or chain (:func:`graphfraud.detect.cards.institutions`) has a kickback of prescribed loaded cards.

    Where the export names no doctor, a scheme whose patients are sent three times or more is found by its cards
    (step 39) with the same facilities' patients sent once or twice; the triples of one diagnosis see only the
    part of it that bought dear after a visit for that diagnosis (thirdworld seed 51's chain: 30 of the 61 patients
    of the scheme where the cards' ring held 59), and the two rings of one scheme would split it.  So the cards'
    ring has taken the triples' dear buyers in (:func:`prescribed_apart`, :func:`_with_indication`) and the
    triples' own ring is dropped here.  The triples alone are for the scheme the cards do not prove (otherworld
    seed 55's kickback:05, 2 loaded cards of 234).
    """
    found = [c for c in candidates if c.detector == cardload.NAME and c.evidence.get("prescribed")]
    if not found or not any(c.detector == steering.NAME and "site" in c.evidence for c in candidates):
        return candidates
    unit = cards.institutions(facts.graph)[0]
    paid = {int(unit[int(c.evidence["shop"])]) for c in found}
    return [c for c in candidates
            if not (c.detector == steering.NAME and "site" in c.evidence and int(unit[int(c.evidence["shop"])]) in paid)]  # fmt: skip


def _prescribers(facts: ClaimFacts, visits: np.ndarray) -> np.ndarray | None:
    """The doctors who wrote the prescriptions the cards filled: those of a tenth (:data:`MEMBER_SHARE`) or more of
    ``visits`` (the visits the prescribed cards' purchases followed); ``None`` when most of the visits name no
    doctor (the export has no ``doctor_id``, or these sites' claims carry none), so the sites stand in."""
    doctor = facts.graph.visits.column("doctor")[visits]
    named = doctor[doctor >= 0]
    if not len(visits) or len(named) < PRESCRIBED_SHARE * len(visits):
        return None
    staff, m = np.unique(named, return_counts=True)
    return staff[m >= MEMBER_SHARE * len(named)].astype(np.int64)


def _sent_alike(
    facts: ClaimFacts,
    shops: np.ndarray,
    sites: np.ndarray,
    days: int,
    dear: float,
    known: np.ndarray,
    staff: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The other patients sent the same way: persons not in ``known`` with a purchase at one of ``shops`` of
    ``dear`` yuan or more (at its price) within ``days`` days after their own outpatient visit to one of
    ``sites``; returns them and their claims (those purchases and the visits they followed).

    The prescribed loaded cards are the patients sent there three times or more; the scheme's patients sent
    once or twice are not loaded cards, but they are sent by the same sites to the same shops for the same
    dear drugs within days of the visit.  ``dear`` is what made the cards loaded: the detector's ``ratio``
    (5) times the usual (median) price of a purchase.  As for the cards, most of the person's purchases at
    the shops (:data:`PRESCRIBED_SHARE`) must fill a prescription: a regular who refills a dear drug there
    every month and sees a doctor now and then is the shop's own customer.  A site's patients filling an ordinary prescription
    at the same shops are not taken: their purchases are not dear.  Where the visits name their doctors,
    ``staff`` (:func:`_prescribers`) are the doctors the cards' prescriptions came from, and only a visit to one
    of them sends a patient: a kickback is a doctor's, and a large hospital's other departments' patients who
    buy one dear box at the shop across the street are its ordinary trade (otherworld seed 94: 137 of the 182
    patients a hospital's whole staff gave the cardiologists' ring were no scheme's, none of them seen by the
    two cardiologists; 87 of the ring's 98 planted patients were).
    """
    v = facts.graph.visits
    venue, kind, person, day = v.column("venue"), v.column("kind"), v.column("person"), v.column("day")
    total = facts.graph.data.claims["total_amount"].to_numpy()
    at_shops = facts.graph.claim_rows("venue", shops)  # (the run's index of the claims: no pass over them)
    buys = at_shops[(kind[at_shops] == 1) & (total[at_shops] >= dear) & (person[at_shops] >= 0)]
    buys = buys[~np.isin(person[buys], known)]
    if not len(buys) or not len(sites):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    seen = facts.graph.claim_rows("person", person[buys])
    seen = seen[(kind[seen] == 0) & ~v.column("inpatient")[seen]]
    seen = seen[np.isin(venue[seen], sites)]
    if staff is not None:  # the prescribing doctors' visits only
        seen = seen[np.isin(v.column("doctor")[seen], staff)]
    both = pd.DataFrame({"buy": buys, "person": person[buys], "day": day[buys]}).merge(
        pd.DataFrame({"visit": seen, "person": person[seen], "seen": day[seen]}), on="person"
    )
    gap = both["day"].to_numpy() - both["seen"].to_numpy()
    both = both[(gap >= 0) & (gap <= days)]
    # like the cards set apart, they buy at the shops mostly after a visit: a regular who refills a dear drug
    # there month after month and sees a doctor now and then buys on his own
    theirs = at_shops[(kind[at_shops] == 1) & np.isin(person[at_shops], both["person"].to_numpy())]
    filled = pd.Series(cardmenu.prescribed(facts.graph, theirs, days, indexed=True)).groupby(person[theirs]).mean()
    both = both[np.isin(both["person"].to_numpy(), filled.index[filled.to_numpy() >= PRESCRIBED_SHARE].to_numpy())]
    claims = np.concatenate([both["buy"].to_numpy(), both["visit"].to_numpy()]).astype(np.int64)
    return np.unique(both["person"].to_numpy()).astype(np.int64), np.unique(claims)


def _prescribing_visits(facts: ClaimFacts, rows: np.ndarray, days: int) -> np.ndarray:
    """The facility claims (outpatient, with a card) that the pharmacy claims ``rows`` follow: the same holder, the
    same day or up to ``days`` days before."""
    v = facts.graph.visits
    person, day, kind = v.column("person"), v.column("day"), v.column("kind")
    theirs = facts.graph.claim_rows("person", person[rows])  # (the run's index of the claims: no pass over them)
    theirs = theirs[(kind[theirs] == 0) & ~v.column("inpatient")[theirs]]
    seen = pd.DataFrame({"visit": theirs, "person": person[theirs], "seen": day[theirs]})
    bought = pd.DataFrame({"person": person[rows], "day": day[rows]}).drop_duplicates()
    both = bought.merge(seen, on="person")
    gap = both["day"].to_numpy() - both["seen"].to_numpy()
    return np.unique(both["visit"].to_numpy()[(gap >= 0) & (gap <= days)]).astype(np.int64)


def _ghost_stays(
    scored: list[Ring],
    candidates: list[Candidate],
    by_kind: dict[str, list[int]],
    staff: list[frozenset],
    params: ScoreParams,
) -> list[tuple[int, int]]:
    """``(card ring, group ring)`` pairs (indexes into ``scored``) that are one hospital's ghost stays.

    A hospital that bills stays for persons who are not there (挂床, phantom admissions) bills them on cards
    whose holders cannot have been there (step 25: dead, or a collector's) and admits the same ghosts again
    and again (step 20's repeat admissions); the two detectors each see a piece (thirdworld seed 48: the 9
    dead cards in a card ring, the 10 persons admitted twice or more in a beds ring, 4 in both).  A card ring
    (detector ``cards``) whose claims are mostly stays (its typology's ``mostly`` is inpatient) is joined to a
    suspect group ring of the same typology at the same hospital when both name doctors and share one, and
    the group ring holds at least the card detector's own ``min_cards`` of its cards: as many cards that
    cannot have been used as prove an institution, admitted by the same doctors with the group.  A card ring
    at a shop, or one that shares only its hospital with a group, joins nothing (:func:`join_pieces`).
    """
    out = []
    for i, r in enumerate(scored):
        kind = TYPOLOGY_TABLE.get(r.typology)
        if (
            r.detector != cards.NAME
            or r.benign is not None
            or r.score < params.min_score
            or kind is None
            or kind.mostly != "inpatient"
            or not staff[i]
        ):
            continue
        least = int(candidates[i].params.get("min_cards", 1))
        for j in by_kind.get(r.typology, []):
            g = scored[j]
            if g.features.venue != r.features.venue or not staff[i] & staff[j]:
                continue
            if np.intersect1d(r.person_codes, g.person_codes).size >= least:
                out.append((i, j))
    return out


def _lead_doctors(ring: Ring) -> frozenset[str]:
    """Step 103: the doctor who billed more than :data:`LEAD_DOCTOR_SHARE` of the ring's claims (of those that name
    one), as a set (empty when none did, or the join is off).

    >>> m = lambda d, share: Member("doctor", d, "doctor", share)
    >>> from types import SimpleNamespace as S
    >>> sorted(_lead_doctors(S(members=(m("D1", 0.79), m("D2", 0.18))))), sorted(_lead_doctors(S(members=(m("D1", 0.5),))))
    (['D1'], [])
    """
    if LEAD_DOCTOR_SHARE is None:
        return frozenset()
    return frozenset(m.entity_id for m in ring.members if m.entity_type == "doctor" and m.score > LEAD_DOCTOR_SHARE)


def _two_doctors(a: Ring, b: Ring, lead: dict[int, frozenset], i: int, j: int, facts: ClaimFacts) -> bool:
    """Step 152: two pieces at sites of one institution are two doctors' groups, not one organisation: each is led by
    its own doctor (:func:`_lead_doctors`, none shared) and they bill unlike per claim (:func:`rosters.unlike`)."""
    if not lead[i] or not lead[j] or lead[i] & lead[j] or not len(a.claims) or not len(b.claims):
        return False
    return unlike(float(np.mean(facts.total[a.claims])), float(np.mean(facts.total[b.claims])))


def _institutions(scored: list[Ring], rings: list[int], facts: ClaimFacts) -> dict[int, tuple[str, bool]]:
    """Step 103: for each of ``rings`` (indexes into ``scored``), the registered institution of its main venue
    (:func:`_institution`; the venue's own id when the site join is off) and whether the venue is a pharmacy."""
    ids = facts.graph.visits.venues.ids
    out = {}
    for i in rings:
        venue = scored[i].features.venue
        name = str(ids[venue])
        out[i] = (_institution(name) if JOIN_SITES else name, bool(facts.venue_is_pharmacy[venue]))
    return out


#: Step 103: a parent code holds at least this many digits (a 定点机构 code: ``H`` and 11 digits), so that ids
#: numbered under a short prefix (``H-001``, ``JG_12``) are not read as one institution's sites.
INSTITUTION_DIGITS = 6


def _institution(venue_id: str) -> str:
    """Step 103: the registered institution of a venue id: the id without a site suffix (a final ``-``, ``_``, ``.``,
    ``/`` or ``#`` and one to three digits), as an export shows a parent's sites under its code; only when what is
    left is an institution's code (:data:`INSTITUTION_DIGITS` digits or more), not a short prefix of a numbering.

    >>> _institution("H53282215522-03"), _institution("H53282215522"), _institution("P1234567_1"), _institution("A-B")
    ('H53282215522', 'H53282215522', 'P1234567', 'A-B')
    >>> _institution("H-001"), _institution("JG_12"), _institution("C123-4")
    ('H-001', 'JG_12', 'C123-4')
    """
    head, sep, tail = max((venue_id.rpartition(c) for c in "-_./#"), key=lambda t: len(t[0]))
    parent = sep and head and 1 <= len(tail) <= 3 and tail.isdigit()
    return head if parent and sum(ch.isdigit() for ch in head) >= INSTITUTION_DIGITS else venue_id


def _same_staff(a: frozenset, b: frozenset) -> bool:
    """Whether two rings share a member doctor, or one has none on record.

    >>> _same_staff(frozenset({"D1"}), frozenset({"D1", "D2"})), _same_staff(frozenset({"D1"}), frozenset({"D3"}))
    (True, False)
    """
    return not a or not b or bool(a & b)


def _one_household_pieces(
    scored: list[Ring], candidates: list[Candidate], kinds: Iterable[str]
) -> list[tuple[int, str]]:
    """The pieces explained as one household that carry the headline reason of a typology in ``kinds``.

    One household (``benign_household``) explains a group by its size: a few persons of one or two homes
    (or of unknown addresses) who came together.  A family goes to the doctor together, so it explains a
    group's lockstep; it is not admitted to hospital together again and again.  A piece whose typology's
    own mark is one a household does not explain (:data:`HOUSEHOLD_UNEXPLAINED`: an induced admission's
    co-admissions) and who carries it is judged with the organisation at its venue, where it is no longer a
    few persons (:func:`join_pieces`).  Returns ``(index, typology)`` pairs, the typology
    the piece would have without its explanation.
    """
    out = []
    for i, r in enumerate(scored):
        if r.benign is None or r.benign.code != "benign_household" or r.detector in CARD_DETECTORS:
            continue
        kind = typology(candidates[i], r.features)
        if kind in kinds and TYPOLOGY_TABLE[kind].headline in HOUSEHOLD_UNEXPLAINED and _marked(kind, r.reasons):
            out.append((i, kind))
    return out


def _one_off_pieces(scored: list[Ring], candidates: list[Candidate]) -> list[tuple[int, str]]:
    """The pieces explained as a one-off event that carry a headline reason a one-off event does not explain
    (:data:`ONE_OFF_UNEXPLAINED`, step 94).  Returns ``(index, typology)`` pairs, the typology the piece would
    have without its explanation.

    A one-off event (``benign_one_off``: two ring days or fewer) explains a crowd by its being once: a group
    check-up, a mass-casualty day.  A piece of persons admitted together on its two days is such an event where
    it stands alone; where the same hospital's staff admit batch after batch, each batch its own "event", the
    events are one programme (a 民营医院's cataract campaign busses one village after another in), judged with
    its other batches at the venue (:func:`join_pieces`).  An empty :data:`ONE_OFF_UNEXPLAINED` turns it off.
    """
    if not ONE_OFF_UNEXPLAINED:
        return []
    out = []
    for i, r in enumerate(scored[: len(candidates)]):
        if r.benign is None or r.benign.code != "benign_one_off" or r.detector in CARD_DETECTORS:
            continue
        kind = typology(candidates[i], r.features)
        if kind in TYPOLOGY_TABLE and TYPOLOGY_TABLE[kind].headline in ONE_OFF_UNEXPLAINED and _marked(kind, r.reasons):
            out.append((i, kind))
    return out


def _programmes(
    offs: list[tuple[int, str]], homes: list[tuple[int, str]], scored: list[Ring], staff: list[frozenset]
) -> list[tuple[list[int], str]]:
    """One-off pieces (:func:`_one_off_pieces`) of one typology at one venue that share staff, at least
    :data:`ONE_OFF_PROGRAMME` of them, with the marked household pieces (``homes``, step 31) of that typology
    there that share their staff: each group is scored as one candidate by :func:`join_pieces` (step 94).

    >>> from types import SimpleNamespace as S
    >>> ring = lambda v: S(features=S(venue=v))
    >>> scored = [ring(1), ring(1), ring(1), ring(2), ring(1), ring(2)]
    >>> staff = [frozenset({"D1"}), frozenset({"D1", "D2"}), frozenset({"D3"}), frozenset({"D1"})] * 2
    >>> kind = "induced_admission"
    >>> _programmes([(0, kind), (1, kind), (2, kind), (3, kind)], [(4, kind), (5, kind)], scored, staff)
    [([0, 1, 4], 'induced_admission')]
    """
    by: dict[tuple[str, int], list[int]] = {}
    for i, kind in offs + homes:
        by.setdefault((kind, scored[i].features.venue), []).append(i)
    one_off = {i for i, _ in offs}
    out = []
    for (kind, _), pieces in sorted(by.items()):
        links = [(i, j) for a, i in enumerate(pieces) for j in pieces[a + 1 :] if _same_staff(staff[i], staff[j])]
        groups = _components(pieces, links)
        out += [(g, kind) for g in groups if sum(i in one_off for i in g) >= ONE_OFF_PROGRAMME]
    return out


#: Step 117: the referral pairs (:mod:`graphfraud.detect.referral`) of one site are one ring whatever their
#: doctors' facilities, as step 105's paid sites' are.  A pharmacy's pairs join only when their doctors practise at
#: one facility (the shop next to a hospital and a clinic gets both doctors' patients on its own), but a referral
#: pair has passed the level rule, the site's business and the visit rate: the patients are sent there, and the
#: one who pays for them is the site.
SITE_REFERRALS = True


def join_kickbacks(
    scored: list[Ring], candidates: list[Candidate], facts: ClaimFacts, params: ScoreParams = ScoreParams()
) -> list[tuple[list[int], Ring]]:
    """Join the kickback rings of one organisation: suspect steering pairs that share a doctor or a pharmacy.

    Steering is found per (doctor, pharmacy) pair, but the one who pays is
    the pharmacy (or its chain) and the one paid is the doctor: a doctor
    steering to two shops of one chain, or two doctors of one clinic steering
    to one shop, is one scheme.  Suspect kickback rings (no benign
    explanation, scoring at least ``min_score``; a designated-pharmacy or
    residents explanation is decided per pair before) linked by a shared
    doctor, or by a shared pharmacy when their doctors practise at one
    facility (a shop's pairs of doctors of two unrelated facilities are two
    payees with no organisation in common: a hospital doctor's pair and the
    sole doctor of a clinic next door), are reported as one ring.  A pair
    scoring under ``min_score`` joins too when its own steering reason (the
    kickback's headline) scores: its patients are sent as surely, only the
    insurance money is small (a shop that takes cash); linked through one
    another, but weak pairs with no suspect pair among them join nothing
    (step 68).  Public doctors' pairs with one private site (step 105, ``evidence["paid_site"]``:
    :func:`graphfraud.detect.referral.paid_for`) are one ring whatever their facilities: the site pays each of
    them (a 民营医院 paying the village doctors of a township for their elders); so are every doctor's referral
    pairs with one site (step 117, :data:`SITE_REFERRALS`: an imaging centre paying the doctors of two
    clinics).  The ring's persons and claims the union of theirs, every doctor and pharmacy of its pairs a
    member, one steering reason per pair (strongest first), the other
    reasons measured on the union, and a score never below its strongest pair's.

    Parameters
    ----------
    scored : list of Ring
        ``scored[i]`` is the scoring of ``candidates[i]``.
    candidates : list of Candidate
    facts : ClaimFacts
    params : ScoreParams

    Returns
    -------
    list of (list of int, Ring)
        Each organisation of two or more pairs: the indexes of its pieces in
        ``scored`` (strongest first) and the joined ring that replaces them.
    """
    # a pair scoring under min_score joins too when it is a steering pair on its own (its headline reason): a
    # doctor's patients sent to a shop that takes cash are steered as surely, at little insurance money (step 68)
    open_ = [
        i
        for i, r in enumerate(scored)
        if r.benign is None
        and r.typology == "kickback"
        and (r.score >= params.min_score or _marked("kickback", r.reasons))
        and {"doctor", "pharmacy"} <= set(candidates[i].evidence)
    ]

    sites = _doctor_sites([int(candidates[i].evidence["doctor"]) for i in open_], facts)

    def links() -> Iterator[tuple[int, int]]:
        first_of: dict[tuple[int, ...], int] = {}
        for i in open_:
            ev = candidates[i].evidence
            doctor, pharmacy = int(ev["doctor"]), int(ev["pharmacy"])
            own = sites.get(doctor, set()) | ({int(ev["facility"])} if "facility" in ev else set())
            # a doctor's pair with a chain's shops (step 83) is a pair of each of them
            shops = [int(x) for x in ev["shops"]] if "shops" in ev else [pharmacy]
            # one doctor's pairs are one scheme; one shop's pairs only when their doctors practise at one facility
            keys = [(0, doctor)] + [(1, shop, site) for shop in shops for site in sorted(own)]
            # step 105: public doctors' patients sent to one private site are its scheme; step 117: so are any
            # doctors' patients sent to one site for a referral fee (the site pays each of them)
            if ev.get("paid_site") or (SITE_REFERRALS and ev.get("referral")):
                keys.append((2, pharmacy))
            for key in keys:
                if key in first_of:
                    yield first_of[key], i
                else:
                    first_of[key] = i

    out: list[tuple[list[int], Ring]] = []
    for pieces in _components(open_, links()):
        pieces = sorted(pieces, key=lambda i: (-scored[i].score, scored[i].ring_id))  # strongest first
        if scored[pieces[0]].score < params.min_score:  # weak pairs never join one another alone
            continue
        joined = _union(candidates, pieces, pairs=[candidates[i].evidence for i in pieces])
        ring = _score(joined, facts, params)
        strongest = scored[pieces[0]]
        if ring.score < strongest.score:
            ring = Ring(**{**ring.__dict__, "score": strongest.score, "alert": strongest.alert})
        out.append((pieces, ring))
    return out


def _doctor_sites(doctors: list[int], facts: ClaimFacts) -> dict[int, set[int]]:
    """The facilities (venue codes) at which each of ``doctors`` (doctor codes) is named on a claim: where he
    practises, his hospital and any clinic he also sits in (多点执业).  Pharmacy claims that name the
    prescriber are left out: a shop is not where a doctor practises."""
    if not doctors:
        return {}
    v = facts.graph.visits
    doctor, venue, kind = v.column("doctor"), v.column("venue"), v.column("kind")
    rows = np.flatnonzero(np.isin(doctor, np.unique(doctors)) & (kind == 0))
    out: dict[int, set[int]] = {}
    for d, f in np.unique(np.stack([doctor[rows], venue[rows]]).astype(np.int64), axis=1).T:
        out.setdefault(int(d), set()).add(int(f))
    return out


def _components(items: list[int], links: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components of two or more of ``items`` under ``links``, each in the order of ``items``.

    >>> _components([0, 1, 2, 3, 4], [(3, 1), (4, 3)])
    [[1, 3, 4]]
    """
    parent = {i: i for i in items}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in links:
        parent[root(j)] = root(i)
    parts: dict[int, list[int]] = {}
    for i in items:
        parts.setdefault(root(i), []).append(i)
    return [p for p in parts.values() if len(p) >= 2]


#: Step 114: the evidence of a facility's fetched patients (``beds.fetched_candidates``) that its ``repeat_stays``
#: reason reads, carried into an organisation led by another piece (the hospital's co-admission ring).
FETCHED_EVIDENCE = ("venue", "repeaters", "inpatients", "rate", "peer_rate", "peers", "peer_group", "repeat_ratio",
                    "repeat_share", "item", "fetched", "members")  # fmt: skip


#: Step 130: the evidence of a standing-out facility's candidate with its once-admitted identities of another city
#: (``beds.outside_persons``) that its ``repeat_stays`` reason reads, carried into an organisation led by another
#: piece of the same facility (the hospital's co-admission ring): the reason is what says why they are members.
OUTSIDE_EVIDENCE = ("venue", "repeaters", "inpatients", "rate", "peer_rate", "peers", "peer_group", "repeat_ratio",
                    "repeat_share", "times", "member_times", "admissions", "members", "outside", "outside_city",
                    "outside_members")  # fmt: skip


def _union(candidates: list[Candidate], pieces: list[int], **evidence: object) -> Candidate:
    """One candidate of ``pieces``: the union of their persons and claims, the first piece's detector,
    evidence (plus ``evidence`` and the number of pieces) and parameters.  A piece's check-up campaigns
    (step 99's ``checkups``) are the organisation's, whichever piece is first; so are a piece's fetched patients
    (step 114, :data:`FETCHED_EVIDENCE`) when the first piece has no ``repeat_stays`` evidence of its own, and
    a facility's once-admitted identities of its members' other city (step 130, :data:`OUTSIDE_EVIDENCE`) when
    the first piece has none either and is of the same facility or none."""
    first = candidates[pieces[0]]
    campaigns = [candidates[i].evidence["checkups"] for i in pieces if "checkups" in candidates[i].evidence]
    carried: dict[str, object] = {"checkups": campaigns[0]} if campaigns else {}
    recalled = [candidates[i].evidence["recalls"] for i in pieces if "recalls" in candidates[i].evidence]
    if recalled:  # step 139: a venue's recalled campaign patients are the organisation's, as its check-ups
        carried["recalls"] = recalled[0]
    fetched = [candidates[i].evidence for i in pieces if "fetched" in candidates[i].evidence]
    outside = [candidates[i].evidence for i in pieces if "outside" in candidates[i].evidence]
    if fetched and "repeat_ratio" not in first.evidence:
        carried |= {k: fetched[0][k] for k in FETCHED_EVIDENCE}
    elif (
        outside
        and "repeat_ratio" not in first.evidence
        and first.evidence.get("venue", outside[0]["venue"]) == outside[0]["venue"]
    ):
        carried |= {k: outside[0][k] for k in OUTSIDE_EVIDENCE}
    return Candidate(
        detector=first.detector,
        persons=distinct(np.concatenate([candidates[i].persons for i in pieces])),
        claims=distinct(np.concatenate([candidates[i].claims for i in pieces])),
        evidence={**first.evidence, **carried, **evidence, "pieces": len(pieces)},
        params=first.params,
    )


def _billed(ring: Ring, codes: Iterable[str]) -> frozenset[str]:
    """The reasons among ``codes`` that ``ring`` scores (step 98: what was billed, as its ring is billed).

    >>> from types import SimpleNamespace as S
    >>> sorted(_billed(S(reasons=[S(code="cost_ratio", points=13.0), S(code="cycle", points=1.0)]), ("cost_ratio",)))
    ['cost_ratio']
    >>> _billed(S(reasons=[S(code="cost_ratio", points=0.0)]), ("cost_ratio",))
    frozenset()
    """
    return frozenset(r.code for r in ring.reasons if r.points > 0 and r.code in codes)


def _marked(typology: str, reasons: Iterable[Reason]) -> bool:
    """Whether ``reasons`` score the headline reason of ``typology`` (``TYPOLOGY_TABLE``): the mark of the
    organisation its typology names, measured on the ring's own persons beyond the reason's own threshold.

    >>> args = {"regulars": 5, "persons": 11, "venue": "C0", "days": 9, "regular_share_from": 0.2}
    >>> _marked("staged_clinic", [Reason("lockstep", args, 0.45, 0.2, 10.0)])
    True
    >>> _marked("staged_clinic", [Reason("lockstep", args, 0.1, 0.2, 0.0)])
    False
    """
    headline = TYPOLOGY_TABLE[typology].headline if typology in TYPOLOGY_TABLE else ""
    return any(r.code == headline and r.points > 0 for r in reasons)


def _one_home_lockstep(c: Candidate, r: Ring, facts: ClaimFacts) -> bool:
    """Whether the lockstep of ``r`` (the scoring of ``c``) is one household's: its regulars (members on
    :data:`~graphfraud.score.features.REGULAR_DAYS` or more of its days at its main venue) all live at one known address.

    A broker brings recruits of many homes in batches, again and again; a family comes to the doctor together,
    again and again, and a co-visit piece that holds it and a few passers-by is "in lockstep" with the family's
    own visits (thirdworld seed 53: a piece of 8, its 4 regulars one household, joined into a physiotherapy ring
    at the same township centre).  Such a lockstep is the household's explanation, not an organisation's mark
    (step 64).  A regular of unknown address is a home of their own.

    >>> from types import SimpleNamespace as S
    >>> v = S(column=lambda k: {"venue": np.zeros(12, int), "day": np.r_[np.tile([1, 2, 3, 4], 2), [1, 5, 9, 9]],
    ...                          "person": np.r_[np.repeat([0, 1], 4), [2, 2, 2, 3]]}[k])
    >>> facts = S(graph=S(visits=v), person_address=np.array([7, 7, 8, -1]))
    >>> ring = S(features=S(venue=0))
    >>> _one_home_lockstep(S(claims=np.arange(12)), ring, facts)
    True
    >>> facts.person_address[1] = 9
    >>> _one_home_lockstep(S(claims=np.arange(12)), ring, facts)
    False
    """
    t = facts.graph.visits
    rows = c.claims[t.column("venue")[c.claims] == r.features.venue]
    day = t.column("day")[rows]
    width = int(day.max(initial=0)) + 1
    who, days = np.unique(np.unique(t.column("person")[rows] * width + day) // width, return_counts=True)
    regulars = who[days >= REGULAR_DAYS]
    if not len(regulars):
        return False
    homes = facts.person_address[regulars]
    return bool((homes >= 0).all() and len(np.unique(homes)) == 1)


def _venues_seen(scored: list[Ring], rings: list[int], facts: ClaimFacts) -> dict[int, dict[int, tuple[int, int]]]:
    """For each of ``rings`` (indexes into ``scored``): main venue of one of them -> how many of its persons
    were billed there, and the most of them billed there on one day.  One join of the rings' persons with
    their (person, venue, day) triples, so that a province's thousands of rings cost one pass over the
    claims, not one each."""
    v = facts.graph.visits
    if not rings:
        return {}
    codes = [scored[i].person_codes for i in rings]
    member = pd.DataFrame(
        {"ring": np.repeat(np.asarray(rings), [len(c) for c in codes]), "person": np.concatenate(codes)}
    )
    mains = np.unique([scored[i].features.venue for i in rings])
    person, venue, day = v.column("person"), v.column("venue"), v.column("day")
    # The members' visits to the main venues: two lookups in boolean tables per claim (-1 is the last slot).
    persons = member["person"].to_numpy()
    wanted = np.zeros(max(int(person.max(initial=-1)), int(persons.max(initial=-1))) + 2, dtype=bool)
    wanted[persons] = True
    at = np.zeros(max(int(venue.max(initial=-1)), int(mains.max())) + 2, dtype=bool)
    at[mains] = True
    rows = np.flatnonzero(wanted[person] & at[venue])
    visits = pd.DataFrame({"person": person[rows], "venue": venue[rows], "day": day[rows]}).drop_duplicates()
    joined = member.merge(visits, on="person")
    persons = joined.groupby(["ring", "venue"])["person"].nunique()
    together = joined.groupby(["ring", "venue", "day"]).size().groupby(level=[0, 1]).max()
    out: dict[int, dict[int, tuple[int, int]]] = {i: {} for i in rings}
    for (ring, v), n in persons.items():
        out[int(ring)][int(v)] = (int(n), int(together[(ring, v)]))
    return out


def select_rings(
    scored: list[Ring], params: ScoreParams = ScoreParams(), *, people: Callable[[Ring], set] | None = None
) -> tuple[list[Ring], list[Ring]]:
    """Rank scored rings best first, drop overlapping ones, set benign groups apart.

    A ring sharing at least half the persons of the smaller of itself and a
    better ring already taken is dropped; a card-misuse ring (detectors
    ``cards``, ``cardload``) that gives way to the suspect rings of other
    detectors (:func:`_gives_way`) is taken after every other ring, whatever
    its score (:func:`_merging`).  A ring scored only for
    meeting (:func:`meeting_only`) is not reported, but holds its persons as before.  :func:`score_candidates` uses it on
    one run's rings; ``detect --by-region`` on the rings of all regions.

    Parameters
    ----------
    scored : list of Ring
        Any order; ranks are set anew.
    params : ScoreParams
        ``min_score`` and ``max_rings`` of the ranked list.
    people : callable, optional
        The persons of a ring as a set; default its person codes (one run's
        codes).  Rings of several runs compare person ids instead.

    Returns
    -------
    rings, explained : list of Ring
        As :func:`score_candidates`.
    """
    people = people or (lambda ring: set(ring.person_codes.tolist()))
    kept: list[Ring] = []
    explained: list[Ring] = []
    sizes: list[int] = []  # persons of each ring taken
    taken_by: dict = {}  # person -> the taken rings that hold them (overlaps without comparing every pair)
    merging = _merging(scored, people, params.min_score)
    for ring in sorted(scored, key=lambda r: (id(r) in merging, -r.score, r.ring_id)):
        mine = people(ring)
        if _overlaps(mine, sizes, taken_by):
            continue
        for person in mine:
            taken_by.setdefault(person, []).append(len(sizes))
        sizes.append(len(mine))
        if ring.benign is not None:
            explained.append(ring)
        elif ring.score >= params.min_score and not meeting_only(ring):
            kept.append(ring)
    best = sorted(kept, key=lambda r: (-r.score, r.ring_id))[: params.max_rings]
    explained.sort(key=lambda r: (-r.score, r.ring_id))
    return [_with_rank(r, i + 1) for i, r in enumerate(best)], [_with_rank(r, i + 1) for i, r in enumerate(explained)]


#: Reasons that say only that members met: at one venue on the same days (``lockstep``), on a rhythm (``cycle``),
#: as a share of the venue's claims (``dominance``).
MEETING_REASONS = frozenset({"lockstep", "cycle", "dominance"})
#: Step 133 (d): with arrival times, reasons that say only that members came together: at one venue on the same
#: days, within minutes of each other, on a rhythm, out of hours, from another region.  No share of the venue's
#: claims (``dominance``): a venue a group fills is a question to ask (thirdworld 112's 理疗 gifts rest on it).
PRESENCE_REASONS = frozenset({"lockstep", "arrival_gap", "cycle", "off_hours", "out_of_region"})
#: Step 133 (d): where the members' home region is all a ring adds to meeting, it says who met, not what is at stake.
ELSEWHERE_REASONS = frozenset({"out_of_region"})


def meeting_only(ring: Ring) -> bool:
    """Whether a ring is scored only for meeting: nothing billed, flagged or at stake.

    With dates only every day at a venue is one event, so a venue's regulars
    (a township centre's elderly patients, a village clinic's chronic
    patients) are "together on the same days" and a share of its claims by
    what they are.  A ring whose points all come from that, with no cost
    above the same care elsewhere, no money worth a case (``money``), no
    flag (after-death claims, a shared phone, resold boxes) and no dear
    items, gives an investigator nothing to ask about; it is not reported
    (thirdworld 67: 14 chronic heavy users of a township centre at exactly
    ``min_score``; thirdworld 9, 15, 19: pieces of 16-38 regulars holding at
    most 4 planted persons).  With arrival times (``median_arrival_gap``
    measured) the ring is scored only for meeting when its points all come
    from coming together (:data:`PRESENCE_REASONS`, step 133 (d)): a family
    of seven on its outings to one clinic, minutes apart, with no address
    exported to explain it (otherworld 128), bills nothing dear, flags no
    card and holds no money worth a case either.  In both, persons insured in
    another region (``out_of_region``) say who met, not what is at stake (a
    southern centre's wintering visitors, seventhworld 12).
    """
    scored = {r.code for r in ring.reasons if r.points > 0}
    if not math.isnan(ring.features.median_arrival_gap):
        return bool(scored) and scored <= PRESENCE_REASONS
    return bool(scored) and scored <= MEETING_REASONS | ELSEWHERE_REASONS


def _merging(scored: list[Ring], people: Callable[[Ring], set], min_score: float) -> set[int]:
    """The card-misuse rings (detectors ``cards`` and ``cardload``, by ``id()``: a card ring of the very persons
    of another ring has its ring id) that give way to the suspect rings of other detectors (:func:`_gives_way`).

    A card ring is an institution's cards, gathered from their flags and from how they were billed.
    Where a group of them was seen meeting (a broker's recruits at his batches, each of two collectors'
    cards at their sessions), the group's ring says more (who met, when) and is reported; the card ring
    that gives way is taken after every other ring, so that it fills in only where no group was seen.
    So does a loaded-card ring that a paid-for-others ring at its venue holds (step 98, :func:`_paid_holds`).
    And (step 136) every ring of the same cards as an operator's set of large hospitals (:func:`hospital_set`,
    :func:`_same_cards`): a piece of his cards at one of his venues; the set names him at all of them.  A group ring
    that only holds half of the set's persons does not give way (step 143: the set's cards are then a part of it).
    """
    suspect = [(r.detector, people(r)) for r in scored if r.benign is None and r.score >= min_score]
    groups = [(d, g) for d, g in suspect if d not in CARD_DETECTORS]
    loaded = [g for d, g in suspect if d == cardload.NAME]  # the other card detector's rings, for cards' rings
    # step 98: the paid-for-others rings (家庭共济, detect.mutual), by their main venue
    paid: dict[int, list[set]] = {}
    for r in scored:
        if r.benign is None and r.score >= min_score and _paid_for_others(r):
            paid.setdefault(r.features.venue, []).append(people(r))
    gives_way = {
        id(ring)
        for ring in scored
        if ring.detector in CARD_DETECTORS
        and not hospital_set(ring)
        and (
            _gives_way(people(ring), groups, also=loaded if ring.detector == cards.NAME else [])
            or _paid_holds(ring, people(ring), paid)
        )
    }
    # step 136: a ring of the same cards as an operator's set of large hospitals gives way to the set, which names
    # him at all his venues: a card ring sharing half the persons of the smaller of itself and the set (his cards at
    # one hospital or shop, a venue's cards pooled with his), or any ring half of whose own persons the set holds (a
    # session's co-visits); step 143: not a group ring that merely holds half the set (a doctor's kickback ring some
    # of whose patients the set holds keeps its place, and the two are judged by score as any two rings)
    sets = [people(r) for r in scored if r.benign is None and r.score >= min_score and hospital_set(r)]
    if sets:
        gives_way |= {id(ring) for ring in scored if not hospital_set(ring) and _same_cards(ring, people(ring), sets)}
    return gives_way


#: Step 98 (:func:`_paid_holds`): a loaded-card ring gives way to a paid-for-others ring at its venue holding at least
#: this share of its persons (measured over 0.3-0.9 in docs/detection.md, step 98); None turns it off.
PAID_HOLDS: float | None = 0.5


def _same_cards(ring: Ring, mine: set, sets: list[set]) -> bool:
    """Step 136 (step 143's form): whether ``ring`` (persons ``mine``) is of the same cards as one of the operators'
    sets of large hospitals ``sets``: a card ring (``CARD_DETECTORS``) sharing half the persons of the smaller of
    itself and a set, or any ring half of whose own persons a set holds."""
    card = ring.detector in CARD_DETECTORS
    return any(len(mine & s) >= 0.5 * (min(len(mine), len(s)) if card else len(mine)) for s in sets)


def hospital_set(ring: Ring) -> bool:
    """Step 136: whether ``ring`` is one operator's cards over his set of large hospitals
    (:func:`graphfraud.detect.cardsets.hospital_sets`): the one ring that names him at all of them, where a
    group ring (a session's co-visits at one hospital) names a piece; it gives way to none (:func:`_merging`)."""
    return any(r.code == "card_load" and "hospital_expected" in r.args for r in ring.reasons)


def _paid_for_others(ring: Ring) -> bool:
    """Whether ``ring`` scores the headline of :mod:`graphfraud.detect.mutual` (purchases paid for others)."""
    return any(r.code == "paid_for_others" and r.points > 0 for r in ring.reasons)


def _paid_holds(ring: Ring, mine: set, paid: dict[int, list[set]]) -> bool:
    """Step 98: whether the loaded-card ring ``ring`` (persons ``mine``) gives way to a paid-for-others ring
    ``paid`` (main venue -> persons of each) at its own venue that holds :data:`PAID_HOLDS` of its persons.

    A shop that cashes out through 家庭共济 bills the persons it pays for dear again and again, so the same
    shop's loaded cards are those persons (or their payers) read card by card; the paid-for-others ring names
    who paid for whom and holds the persons the card reading misses (fourthworld 37: 23 of a cash-out's 26 against
    12 of 13 in the loaded-card ring, which scored higher and dropped it).  It is one scheme read two ways:
    the ring that names the payments is reported, and the card ring fills in only where it holds others.

    >>> from types import SimpleNamespace as S
    >>> shop = S(detector="cardload", features=S(venue=3), reasons=[S(code="card_load", points=40.0)])
    >>> _paid_holds(shop, set(range(13)), {3: [set(range(1, 24))]}), _paid_holds(shop, set(range(13)), {4: [set(range(1, 24))]})
    (True, False)
    >>> _paid_holds(shop, set(range(60)), {3: [set(range(1, 24))]})  # a chain's cards, most of them others'
    False
    """
    if PAID_HOLDS is None or ring.detector != cardload.NAME or _paid_for_others(ring):
        return False
    return any(len(mine & g) >= PAID_HOLDS * len(mine) for g in paid.get(ring.features.venue, ()))


def _gives_way(mine: set, groups: list[tuple[str, set]], *, also: list[set] | None = None) -> bool:
    """Whether a card ring of the persons ``mine`` gives way to the suspect group rings ``groups`` (detector,
    persons) of other detectors: one of them holds it (shares half the persons of the smaller of the two), and
    either those touching it together, with the rings ``also`` (a misused-cards ring's: the loaded-card rings),
    hold at least :data:`GIVE_WAY_SHARE` of its cards, or a steering ring holds it (step 68).

    Where groups were seen holding half an institution's cards, they name who met or who sent; a doctor's
    steered patients buy the dear drugs he sends them for at the shops he sends them to, so they are loaded
    cards there, and the steering ring names who sent them.  Every group that holds some of its cards counts: a
    chain's loaded cards pooled from several collectors, each seen at its own sessions, are those collectors'
    rings (10M synth: 76 of 89 cards).  But a group that holds a sliver of a card ring names only that
    sliver: a village doctor's 37 kept cards, proved by three claimed after death and joined as billed "as
    often and for as much" (a ring of 39), were dropped for a co-visit piece of 10 of them (thirdworld seed
    61), as a sparse collector's one session seen is a sliver of his cards.  There the card ring stands.

    >>> _gives_way(set(range(39)), [("covisit", set(range(10)))])
    False
    >>> _gives_way(set(range(39)), [("covisit", set(range(10))), ("coadmit", set(range(10, 20)))])
    True
    >>> _gives_way(set(range(48)), [("steering", set(range(16)))])
    True
    >>> _gives_way(set(range(48)), [("covisit", set(range(40, 60)))])
    False
    >>> _gives_way(set(range(98)), [("covisit", set(range(41)))], also=[set(range(44, 190))])
    True

    A chain's misused cards can hold two schemes: a collector's cards (seen meeting: his co-visit ring holds
    them) and, joined as billed the same way, another scheme's loaded cards at the chain's other shop, which the
    loaded-card detector names on their own (otherworld 47: a ring of 98 = 41 of the collector's + 54 of a
    kickback's patients, whose loaded-card ring of 143 it would have dropped).  Those count as covered too.
    """
    touching = [(d, g) for d, g in groups if not g.isdisjoint(mine)]
    held = [d for d, g in touching if len(mine & g) >= 0.5 * min(len(mine), len(g))]
    if not held:
        return False
    covered = len(mine & set().union(*(g for _, g in touching), *(also or []))) >= GIVE_WAY_SHARE * len(mine)
    return covered or steering.NAME in held


def _overlaps(mine: set, sizes: list[int], taken_by: dict) -> bool:
    """Whether ``mine`` shares at least half the persons of the smaller of itself and a ring taken.

    ``sizes`` are the sizes of the rings taken, ``taken_by`` maps a person to the taken rings that hold them.
    """
    if not mine or 0 in sizes:  # an empty set shares "half" (none) of itself with anything
        return bool(sizes)
    shared: dict[int, int] = {}
    for person in mine:
        for t in taken_by.get(person, ()):
            shared[t] = shared.get(t, 0) + 1
    return any(n >= 0.5 * min(len(mine), sizes[t]) for t, n in shared.items())


def money_factor(fund: float) -> float:
    """Weight of the money at stake: 0.4 at 1,000 yuan or less, 1 from about 30,000 yuan.

    >>> money_factor(500.0), money_factor(10**4.5)
    (0.4, 1.0)
    """
    return 0.4 + 0.6 * ramp(math.log10(max(fund, 1.0)), 3.0, 4.5)


def _with_rank(ring: Ring, rank: int) -> Ring:
    return Ring(**{**ring.__dict__, "rank": rank})


def _markets(candidates: list[Candidate], facts: ClaimFacts) -> dict[int, Market | None]:
    """Steering candidates (by index) -> their pharmacy's share of the market of what they bought
    (:mod:`graphfraud.score.designated`); the candidates of one threshold are measured together."""
    by_threshold: dict[float, list[int]] = {}
    for i, c in enumerate(candidates):
        if {"doctor", "pharmacy", "min_fund"} <= set(c.evidence):
            by_threshold.setdefault(float(c.evidence["min_fund"]), []).append(i)
    out: dict[int, Market | None] = {}
    kinds = purchase_kinds(facts) if by_threshold else None
    for threshold, group in by_threshold.items():
        purchases = high_value_purchases(facts, threshold, kinds)
        found = markets([candidates[i] for i in group], facts, purchases, kinds)
        out.update(zip(group, found))
    return out


def _designated_patients(
    scored: list[Ring],
    candidates: list[Candidate],
    designated: tuple[dict[int, int], set[int]],
    facts: ClaimFacts,
    params: ScoreParams,
) -> list[Ring]:
    """``scored`` with each ring explained whose persons are mostly patients whom their doctors sent to a
    designated pharmacy (双通道), at that pharmacy or at those doctors' facility.

    A targeted drug sold under 双通道 is bought at the designated shop after the visit that prescribed it, and
    given or followed up at the hospital's day ward on the regimen's cycle.  The steering pairs of the doctors and
    the shop are explained by the drug's market (:func:`~graphfraud.score.reasons.designated_pharmacy`: the drug's
    other buyers in the city go there too).  The same patients are seen again by other detectors: as loaded cards
    at the shop (sent with prescriptions, :func:`prescribed_apart`) and at the ward (the drug costs many times an
    ordinary claim), and as the ward's cohort on its cycle days (costing many times the visit type's other claims
    when the export gives no diagnosis to compare with).  They cannot be judged by the market themselves (when one
    hospital's patients are the city's only buyers of the drug, they are the whole market), so they are judged as
    those pairs' patients (:func:`~graphfraud.score.reasons.designated_cards`): explained when at least half of
    the ring's persons are steered patients of pairs explained as a designated pharmacy, and the ring's venue is
    that pharmacy or the facility of one of those doctors.  ``designated`` is :func:`_designated_sent`'s.
    """
    sent, venues = designated
    if not sent:
        return scored
    out = list(scored)
    for i, (r, c) in enumerate(zip(scored, candidates, strict=True)):
        if r.benign is not None or c.detector == steering.NAME:
            continue
        where = int(c.evidence["shop"]) if "shop" in c.evidence else r.features.venue
        if where not in venues:
            continue
        shops = [sent[p] for p in r.person_codes.tolist() if p in sent]
        if not shops:
            continue
        shop = max(set(shops), key=shops.count)
        benign = designated_cards(r.features, len(shops), str(facts.graph.visits.venues.ids[shop]))
        if benign is not None:
            score = round(r.score * BENIGN_DISCOUNT, 2)
            out[i] = replace(r, score=score, alert=alert(score, params, benign=True), typology="other",
                             reasons=(benign, *r.reasons), benign=benign)  # fmt: skip
    return out


def _designated_sent(scored: list[Ring], candidates: list[Candidate]) -> tuple[dict[int, int], set[int]]:
    """The steered patients of pairs explained as a designated pharmacy (person code -> the pharmacy's venue code),
    and the venues of those pairs (the pharmacies and the doctors' facilities)."""
    sent: dict[int, int] = {}
    venues: set[int] = set()
    for r, c in zip(scored, candidates, strict=True):
        e = c.evidence
        if c.detector == steering.NAME and r.benign is not None and r.benign.code == "benign_designated":
            sent.update(dict.fromkeys(r.person_codes.tolist(), int(e["pharmacy"])))
            venues.update(int(e[k]) for k in ("pharmacy", "facility") if k in e)
    return sent, venues


def _designated_apart(
    scored: list[Ring],
    candidates: list[Candidate],
    designated: tuple[dict[int, int], set[int]],
    facts: ClaimFacts,
    params: ScoreParams,
) -> tuple[list[Ring], list[Candidate]]:
    """``scored`` and ``candidates`` with a suspect ring of misused cards at a designated pharmacy or its doctors'
    facility scored without the pharmacy's explained patients, when they are at least half of it.

    Such a ring (:mod:`graphfraud.detect.cards`) is an institution's cards: a few flagged cards (a dead holder's, a
    collector's phone) and the cards billed there the same way.  At a 双通道 pharmacy the cards billed the same way
    (dear, often) are its 门特 / targeted-drug patients, whom :func:`_designated_patients` would explain as the
    pharmacy's patients, but the flagged cards' hard flag voids that explanation for the ring as a whole.  Each card
    is in the ring for its own billing, so the explained patients leave it and the rest is scored as it stands
    (the flagged cards stay).  Other rings are as they were.  ``designated`` is :func:`_designated_sent`'s.
    """
    sent, venues = designated
    if not sent:
        return scored, candidates
    out_s, out_c = list(scored), list(candidates)
    person = facts.graph.visits.column("person")
    for i, (r, c) in enumerate(zip(scored, candidates, strict=True)):
        if r.benign is not None or c.detector != cards.NAME or r.features.venue not in venues:
            continue
        theirs = np.fromiter((p for p in c.persons.tolist() if p in sent), dtype=np.int64)
        if len(theirs) < DESIGNATED_SHARE * len(c.persons):
            continue
        persons = np.setdiff1d(c.persons, theirs)
        if len(persons) <= int(c.evidence.get("flagged", 0)):  # nothing but the flagged cards would be left
            continue
        claims = c.claims[~np.isin(person[c.claims], theirs)]
        kept = Candidate(c.detector, persons, claims, dict(c.evidence), dict(c.params))
        out_s[i], out_c[i] = _score(kept, facts, params), kept
    return out_s, out_c


def _round_cohorts(scored: list[Ring], candidates: list[Candidate], params: ScoreParams) -> list[Ring]:
    """``scored`` with each kickback pair whose patients are a round's cohort at the doctor's facility explained.

    A nursing home's residents are seen on the centre's round and their carer fetches their medicine at one
    pharmacy; when the export gives neither the home's address nor its phone, the round itself is seen as a
    group explained at the facility (``scored[i]`` is the scoring of ``candidates[i]``).  See
    :func:`graphfraud.score.reasons.round_cohort`.
    """
    rounds = [r for r in scored if r.benign is not None and a_round(r.features)]
    if not rounds:
        return scored
    out = list(scored)
    for i, r in enumerate(scored):
        e = candidates[i].evidence
        if r.typology != "kickback" or r.benign is not None or "pairs" in e or "facility" not in e:
            continue  # a joined organisation (its pairs judged one by one) or prescribed loaded cards (no one doctor)
        facility = int(candidates[i].evidence["facility"])
        for cohort in (x for x in rounds if x.features.venue == facility):
            shared = int(np.intersect1d(r.person_codes, cohort.person_codes).size)
            benign = round_cohort(r.features, shared, cohort.features)
            if benign is not None:
                score = round(r.score * BENIGN_DISCOUNT, 2)
                out[i] = replace(r, score=score, alert=alert(score, params, benign=True), typology="other",
                                 reasons=(benign, *r.reasons), benign=benign)  # fmt: skip
                break
    return out


def _score(c: Candidate, facts: ClaimFacts, params: ScoreParams, *, market: Market | None = None) -> Ring:
    f = features(c, facts)
    kind = typology(c, f)
    v = facts.graph.visits
    names = {
        "venue": str(v.venues.ids[f.venue]),
        "phone": str(facts.phones[f.phone_hub]) if f.phone_hub >= 0 else "",
        "region": str(facts.venue_region[f.venue]),
    }
    evidence = dict(c.evidence)
    if "shop" in evidence:  # prescribed loaded cards (prescribed_apart): the sentence names the shop, not the site
        names["venue"] = str(v.venues.ids[int(evidence["shop"])])
    if "site" in evidence:  # a facility's diagnosis steered to the shop (detect.indication)
        names["site"] = str(v.venues.ids[int(evidence["site"])])
        names["pharmacy"] = names["venue"]
    if kind == "kickback" and "doctor" in evidence:
        names["doctor"] = str(v.doctors.ids[evidence["doctor"]])
        names["pharmacy"] = str(v.venues.ids[evidence["pharmacy"]])
        evidence["follow_days"] = c.params.get("follow_days", 2)
    reasons = suspicion_reasons(f, names, typology=kind, evidence=evidence, rules=params.rules, signals=facts.signals)
    if evidence.get("headline") == cards.KIN_ACCOUNTS:  # step 96: relatives' purchases on dead holders' accounts
        benign = kin_accounts(evidence)
    elif kind == "kickback" and "pairs" in evidence:
        # a joined organisation: its pairs' benign explanations were decided one by one before joining
        benign = None
        reasons = [r for r in reasons if r.code != "steering"] + _pair_steering(f, names, c, facts, params)
    elif kind == "kickback" and "doctor" not in evidence:
        # prescribed loaded cards (prescribed_apart): a home's residents, a group's or refills explain them as
        # they explain the loaded-card ring they were part of
        benign = residents_buying(f) or benign_explanation(f) or refill_cohort(f, names, reasons)
    elif kind == "kickback":
        benign = (
            residents_buying(f)
            or designated_pharmacy(f, market, names, evidence=evidence, steering=c.params)
            or regimen_pharmacy(f, regimen(c, facts, priced_from=CHRONIC_VISITS), names)
            or online_refills(f, _online_refills(c, facts), names)  # step 104 (b)
        )
    else:
        benign = (benign_explanation(f) or primary_care_day(f)
                  or village_day(f, lambda: visit_cost(c.claims, f.venue, facts))  # step 151: split settlements
                  or home_round(f)  # step 104
                  # step 111 (134: one home at a time; 143: never the clients a caregiver was billed with in two
                  # homes at once, which no route explains)
                  or (home_visits(f, one_home=bool(evidence.get("one_home"))) if "two_homes" not in evidence else None)
                  or mass_event(f, lambda: session_crowd(c.claims, f.venue, facts))
                  or follow_up_patients(f, lambda: follow_up_cost(c.claims, facts))  # step 124
                  or long_prescriptions(f, lambda: supply_cost(c.claims, facts))  # step 156
                  or discharged_follow_ups(f)  # step 123
                  or refill_cohort(f, names, reasons)
                  or own_purchases(f, names, reasons)  # step 141
                  or (online_consultations(f) if kind == "staged_clinic" else None)
                  or (walk_in_patients(f) if kind == "staged_clinic" else None)  # step 88
                  or dated_cohort(f)  # step 118
                  or outreach_admissions(f, lambda: clinic_referrals(c.claims, f.venue, facts))  # step 121
                  or venue_care(f, reasons))  # step 155  # fmt: skip
    if "two_homes" in evidence:  # step 134: the members a caregiver was billed with in two homes at once, said
        reasons = [*reasons, two_homes_said(evidence["two_homes"], str(v.venues.ids[evidence["two_homes"]["venue"]]))]
    cadence = maintenance_cadence(f) if benign is None else None  # step 116: say what voided the regimen
    if cadence is not None:
        reasons = [*reasons, cadence]
    helper = helper_said(f) if benign is not None and benign.code != "benign_home_round" else None
    if helper is not None:  # step 125: the phone hub set aside as a helper's (代办), said
        reasons = [*reasons, helper]
    if "checkups" in evidence:  # step 99: the fund billed for check-ups, campaign after campaign
        reasons = [*reasons, fund_checkups(evidence["checkups"], names["venue"])]
        # no reading of the crowd (once, public, a village's day) makes the fund's payment right; young children's
        # routine care does (儿童保健 on its schedule, should an export code it as an adult's check-up)
        benign = child_care(f)
    if "holder_sessions" in evidence:  # step 140: the cards a proven ring's holder swiped dear among its own, said
        shop = str(v.venues.ids[int(evidence["holder_sessions"]["shop"])])
        reasons = [*reasons, sessions_said(evidence["holder_sessions"], shop)]
    if "recalls" in evidence:  # step 139: nearly every patient of a venue's campaign days billed once more, alone
        reasons = [*reasons, campaign_recalls(evidence["recalls"], names["venue"])]
        # no crowd reading (one household, one institution's address, a one-off event) bills each of them again
        benign = None
    raw = min(100.0, sum(r.points for r in reasons))
    score = round(raw * money_factor(f.stake) * (BENIGN_DISCOUNT if benign else 1.0), 2)
    members, person_codes = _members(c, f, kind, facts)
    ring_id = _ring_id(members)
    return Ring(
        ring_id=ring_id,
        rank=0,
        score=score,
        alert=alert(score, params, benign=benign is not None),
        typology="other" if benign else kind,
        members=members,
        person_codes=person_codes,
        claims=c.claims,
        fund_amount=f.fund,
        reasons=tuple(([benign] if benign else []) + sorted(reasons, key=lambda r: -r.points)),
        benign=benign,
        detector=c.detector,
        features=f,
    )


def _online_refills(c: Candidate, facts: ClaimFacts) -> dict[str, float] | None:
    """Step 104 (b): the refills (:func:`graphfraud.score.features.refills`) of a steering pair's patients at its
    pharmacy when the doctor saw them at an internet hospital (:data:`ClaimFacts.venue_online`), else None.

    Where the doctor saw them is read on the pair's facility claims only (step 128): an export whose pharmacy
    claims carry the prescriber (处方流转) names him on every purchase too, and a repeat prescription's patients
    buy about once a consultation, so over all the pair's claims the pharmacy could outnumber his practice.
    """
    if facts.venue_online is None or "doctor" not in c.evidence or "pharmacy" not in c.evidence:
        return None
    v = facts.graph.visits
    venue = v.column("venue")[c.claims]
    seen = venue[(v.column("doctor")[c.claims] == int(c.evidence["doctor"])) & (v.column("kind")[c.claims] != 1)]
    if not len(seen) or not facts.venue_online[int(np.bincount(seen).argmax())]:
        return None
    shop = int(c.evidence["pharmacy"])
    return refills(c.persons, c.claims[venue == shop], shop, facts)


#: Step 99: what a venue's fund-paid check-up campaigns (:mod:`graphfraud.detect.checkups`) add to its ring's
#: score: a co-visit lockstep's full points (the campaigns are the organisation's mark, as lockstep is a broker's).
CHECKUP_POINTS = 30.0


def fund_checkups(batches: dict, venue: str) -> Reason:
    """The reason of a venue's fund-paid check-up campaigns (step 99, :func:`graphfraud.detect.checkups.detect`).

    >>> r = fund_checkups({"claims": 54, "persons": 50, "batch_days": 3, "campaigns": 3, "months": 3.9,
    ...                    "again": 3}, "H1")
    >>> r.code, r.value, r.threshold, r.points
    ('fund_checkups', 3.0, 2.0, 30.0)
    """
    told: tuple[str, ...] = ("screenings",) if batches.get("screenings") else ()  # step 115: Z10-Z13 screenings
    told += ("packages",) if batches.get("packages") else ()  # step 110: without a diagnosis, by the fee lines
    told += ("again_any", "only") if "only" in batches else ()  # step 147: a venue of check-ups alone
    told += ("rescreened",) if "rescreened" in batches else ()  # step 155: screened again within the year
    if "bare" in batches:  # step 147: a venue of batches nothing names (its sentence says no Z00 nor packages)
        told = ("again_any", "only", "bare")
    args = {k: batches[k] for k in ("claims", "persons", "batch_days", "campaigns", "months", "again", *told)}
    start = float(checkups.CAMPAIGNS or 0)
    if "rescreened" in batches:
        args["screen_again_days"] = checkups.SCREEN_AGAIN_DAYS
    return Reason("fund_checkups", {**args, "venue": venue, "campaigns_from": start}, float(batches["campaigns"]),
                  start, CHECKUP_POINTS)  # fmt: skip


#: Step 139: what a venue's campaign patients recalled once (:mod:`graphfraud.detect.recalls`) add to its ring's
#: score: as step 99's campaigns, a co-visit lockstep's full points (the recall is the organisation's mark).
RECALL_POINTS = 30.0


def campaign_recalls(found: dict, venue: str) -> Reason:
    """The reason of a venue's campaign patients each billed once more (step 139, :func:`graphfraud.detect.recalls.detect`).

    >>> r = campaign_recalls({"campaign_days": 4, "persons": 57, "recalled": 54, "share": 0.947, "median_day": 2.0,
    ...                       "months": 0.7}, "H1")
    >>> r.code, r.value, r.threshold, r.points
    ('campaign_recalls', 0.947, 0.6, 30.0)
    """
    start = float(recalls.SHARE or 0)
    args = {k: found[k] for k in ("recalled", "persons", "share", "campaign_days", "months", "median_day")}
    args |= {"venue": venue, "batch": recalls.BATCH, "fold": recalls.FOLD, "recall": recalls.RECALL_DAYS,
             "quiet": recalls.QUIET_DAYS, "share_from": start}  # fmt: skip
    return Reason("campaign_recalls", args, float(found["share"]), start, RECALL_POINTS)


def _pair_steering(
    f: Features, names: dict[str, str], c: Candidate, facts: ClaimFacts, params: ScoreParams
) -> list[Reason]:
    """The steering reason of each pair of a joined kickback ring (``c.evidence["pairs"]``, strongest first).

    The strongest pair's reason keeps its points; the others are said with
    0 points, so that one organisation's steering counts once in its score
    however many of its pairs were found.
    """
    v = facts.graph.visits
    out: list[Reason] = []
    for k, pair in enumerate(c.evidence["pairs"]):
        mine = {**names, "doctor": str(v.doctors.ids[pair["doctor"]]), "pharmacy": str(v.venues.ids[pair["pharmacy"]])}
        e = {**pair, "follow_days": c.params.get("follow_days", 2)}
        said = suspicion_reasons(f, mine, typology="kickback", evidence=e, rules=params.rules, signals=facts.signals)
        for r in said:
            if r.code == "steering":
                out.append(r if k == 0 else Reason(r.code, r.args, r.value, r.threshold, 0.0))
    return out


def _pairs(c: Candidate) -> list[dict]:
    """The (doctor, pharmacy) evidence of a kickback candidate: its pairs when joined, else itself."""
    return list(c.evidence.get("pairs", [c.evidence]))


def _ring_id(members: tuple[Member, ...]) -> str:
    """Stable id from the ring's members: same data and parameters, same id."""
    key = "|".join(sorted(f"{m.entity_type}:{m.entity_id}" for m in members))
    return "R" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10].upper()


def _members(c: Candidate, f: Features, kind: str, facts: ClaimFacts) -> tuple[tuple[Member, ...], np.ndarray]:
    v = facts.graph.visits
    rows = c.claims
    out: list[Member] = []
    venue_codes, venue_n = np.unique(v.column("venue")[rows], return_counts=True)
    keep = venue_n >= MEMBER_SHARE * len(rows)
    venues = list(zip(venue_codes[keep].tolist(), venue_n[keep].tolist()))  # sorted by code
    if kind == "kickback" and "pharmacy" in c.evidence:
        # The pharmacy is a party to the steering; the doctor's hospital is not (only its doctor).
        venues = [(p, 1) for p in dict.fromkeys(int(e["pharmacy"]) for e in _pairs(c))]
    for code, n in venues:
        vid = str(v.venues.ids[int(code)])
        etype = "pharmacy" if facts.venue_is_pharmacy[int(code)] else "facility"
        out.append(Member(etype, vid, "venue", round(float(n) / len(rows), 3) if kind != "kickback" else 1.0))
    doctor = v.column("doctor")[rows]
    doctor = doctor[doctor >= 0]
    doc_codes, doc_n = np.unique(doctor, return_counts=True)
    keep = (doc_n >= MEMBER_SHARE * max(len(doctor), 1)) & (doc_n >= 3)
    docs = list(zip(doc_codes[keep].tolist(), doc_n[keep].tolist()))
    if kind == "kickback" and "doctor" in c.evidence:
        mine = list(dict.fromkeys(int(e["doctor"]) for e in _pairs(c)))
        docs = [(d, len(doctor) if len(mine) == 1 else int(np.count_nonzero(doctor == d))) for d in mine]
    for code, n in docs:
        out.append(Member("doctor", str(v.doctors.ids[int(code)]), "doctor", round(float(n) / max(len(doctor), 1), 3)))
    person_codes, person_n = np.unique(v.column("person")[rows], return_counts=True)
    top = float(person_n.max()) if len(person_n) else 1.0
    claims_of = dict(zip(person_codes.tolist(), person_n.tolist()))
    role = person_role(kind)
    organizers = _organizers(c, f, facts)
    paid_for = c.evidence.get("paid_for", {})  # persons whose purchases others' accounts paid (detect.mutual)
    for code in c.persons.tolist():
        if code in organizers:
            continue
        if code in paid_for and code not in claims_of:
            share = min(1.0, float(paid_for[code]) / top)
            out.append(Member("person", str(v.persons.ids[code]), "patient", round(share, 3)))
            continue
        out.append(Member("person", str(v.persons.ids[code]), role, round(float(claims_of.get(code, 0)) / top, 3)))
    for code, share in sorted(organizers.items()):
        out.append(Member("person", str(v.persons.ids[code]), "organizer", round(share, 3)))
    codes = np.union1d(c.persons, np.fromiter(organizers, dtype=np.int64, count=len(organizers)))
    return tuple(out), codes


def _organizers(c: Candidate, f: Features, facts: ClaimFacts) -> dict[int, float]:
    """Persons bound to the ring's hub phone who are not themselves frequent ring members.

    The broker or collector binds recruits' cards to their own phone; the
    phone's other persons outside the co-visit group, or the member with the
    fewest ring claims when all are inside, are reported as organizers.
    """
    if f.phone_hub < 0 or f.phone_hub_persons < 3:
        return {}
    bound = bound_to(f.phone_hub, facts)
    share = f.phone_hub_persons / max(f.persons, 1)
    outside = np.setdiff1d(bound, c.persons)
    if len(outside):
        return {int(p): share for p in outside[:3]}
    return {}


def rings_table(rings: list[Ring]) -> pd.DataFrame:
    """``rings.csv`` as a DataFrame with the contract's columns, best first."""
    rows = [
        {
            "rank": r.rank,
            "ring_id": r.ring_id,
            "score": r.score,
            "alert": r.alert,
            "typology": r.typology,
            "persons": r.count("person"),
            "doctors": r.count("doctor"),
            "facilities": r.count("facility"),
            "pharmacies": r.count("pharmacy"),
            "claims": int(len(r.claims)),
            "fund_amount": round(r.fund_amount, 2),
            "reasons": "; ".join(x.text for x in r.reasons),
        }
        for r in rings
    ]
    return pd.DataFrame(rows, columns=[e for e, _ in RINGS_COLUMNS])


def members_table(rings: list[Ring]) -> pd.DataFrame:
    """``ring_members.csv``: ``ring_id, entity_type, entity_id, role, score`` for every member."""
    order = {"venue": 0, "doctor": 1, "organizer": 2}
    rows = [
        {"ring_id": r.ring_id, "entity_type": m.entity_type, "entity_id": m.entity_id, "role": m.role, "score": m.score}
        for r in rings
        for m in sorted(r.members, key=lambda m: (order.get(m.role, 3), m.entity_type, m.entity_id))
    ]
    return pd.DataFrame(rows, columns=[e for e, _ in MEMBERS_COLUMNS])


def reasons_table(rings: list[Ring]) -> pd.DataFrame:
    """``ring_reasons.csv``: one row per reason: ``ring_id, code, value, threshold, points, text, args``.

    ``args`` holds the values of the text as compact JSON (:data:`~graphfraud.contract.REASON_ARGS_COLUMN`).
    """
    rows = [
        {"ring_id": r.ring_id, "code": x.code, "value": x.value, "threshold": x.threshold, "points": x.points,
         "text": x.text, "args": args_json(x.args)}
        for r in rings
        for x in r.reasons
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=[e for e, _ in REASONS_COLUMNS] + [REASON_ARGS_COLUMN[0]])


def claims_table(rings: list[Ring], claim_ids: pd.Series) -> pd.DataFrame:
    """``ring_claims.csv``: ``ring_id, claim_id`` for every suspect claim behind every ring.

    ``claim_ids`` is the ``claim_id`` column the rings' ``claims`` (row positions) index into.
    """
    ring_column, claim_column = (e for e, _ in RING_CLAIMS_COLUMNS)
    if not rings:
        return pd.DataFrame({ring_column: [], claim_column: []})
    rows = np.concatenate([r.claims for r in rings])
    ids = take_text(claim_ids, rows)  # only the rings' claims become Python strings
    ring_ids = np.repeat(np.array([r.ring_id for r in rings], dtype=object), [len(r.claims) for r in rings])
    return pd.DataFrame({ring_column: ring_ids, claim_column: ids})
