"""A card holder's sessions at his shop: the other cards he swiped there, dear, among his own (step 140).

A card ring proven at a pharmacy (cards billed after their holders' death or bound to a collector's phone,
:mod:`graphfraud.detect.cards`; a pool swiped in batches, :mod:`graphfraud.detect.cardbatch`) holds the cards the
proof reached: those seen on the phone, those swiped in batches on most of their days.  The holder swipes more
cards than that in the same sittings (回收医保卡: a collector's bag of cards of workers gone home, each swiped once
to three times, each card a dear box): one buyer's spending on many accounts, card after card, minutes apart.
His **session** is a run of the shop's timed purchases, each within ``GAP_MINUTES`` of the one before, that
holds ``SESSION_CARDS`` or more of the ring's cards; a purchase in it on another card that is **dear** for the
shop (at least its ``DEAR_QUANTILE`` quantile of the total amount of a purchase) was his too, and its card joins
the ring with its purchases in his sessions.

Benign look-alikes it leaves alone: a walk-in caught between his swipes buys what the shop's customers buy (below
the quantile: 6-85 yuan in ninthworld 1, 3, 14, 15, against the holder's 49-2,116); a shop's rush hour without a
proven ring (nothing is read).  Off where the shop's purchases carry no time of day (a date-only export or venue:
a run needs minutes).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from graphfraud.detect import cardbatch, cards
from graphfraud.detect.candidate import Candidate
from graphfraud.graph.events import distinct
from graphfraud.score.features import ClaimFacts
from graphfraud.score.reasons import Reason

#: A session's purchases each follow the one before within so many minutes (the batch gap of step 108).
GAP_MINUTES = 10
#: A run holding so many of the ring's cards or more is the holder's session (a walk-in is one card).
SESSION_CARDS = 2
#: A purchase in a session joins when its total amount is at least this quantile of the shop's purchases (None: off).
DEAR_QUANTILE: float | None = 0.9

#: The detectors whose card rings prove that the cards were not used by their holders.
PROVEN = (cards.NAME, cardbatch.NAME)


def holder_sessions(
    candidates: list[Candidate],
    facts: ClaimFacts,
    *,
    gap: int = GAP_MINUTES,
    session_cards: int = SESSION_CARDS,
    dear: float | None = DEAR_QUANTILE,
) -> list[Candidate]:
    """``candidates`` with each proven card ring (:data:`PROVEN`) grown by the cards swiped dear in its holder's
    sessions at its main pharmacy (``evidence["holder_sessions"]``: the shop, sessions, cards joined, the dear amount);
    the others as they are."""
    if dear is None or facts.graph.day_resolution:
        return candidates
    return [_grown(c, facts, gap, session_cards, dear) if c.detector in PROVEN else c for c in candidates]


def _grown(c: Candidate, facts: ClaimFacts, gap: int, session_cards: int, dear: float) -> Candidate:
    v = facts.graph.visits
    sold = c.claims[v.column("kind")[c.claims] == 1]
    if not len(sold):
        return c
    shop = int(np.bincount(v.column("venue")[sold]).argmax())
    rows = facts.graph.claim_rows("venue", np.array([shop]))  # the shop's claims (the run's index: no pass over all)
    rows = rows[(v.column("kind")[rows] == 1) & (v.column("person")[rows] >= 0)]
    timed = facts.graph.timed
    if timed is not None:
        rows = rows[timed[rows]]
    if len(rows) < 2:
        return c
    amount = facts.graph.data.claims["total_amount"].to_numpy(dtype=float)[v.column("claim")[rows]]
    minute = v.column("minute")[rows].astype(np.int64)
    order = np.argsort(minute, kind="stable")
    rows, amount, minute = rows[order], amount[order], minute[order]
    person = v.column("person")[rows].astype(np.int64)
    run = np.cumsum(np.r_[True, np.diff(minute) > gap])
    ours = np.isin(person, c.persons)
    held = pd.DataFrame({"run": run[ours], "person": person[ours]}).drop_duplicates()
    counts = held.groupby("run").size()
    sessions = counts.index.to_numpy()[counts.to_numpy() >= session_cards]
    level = float(np.quantile(amount, dear))
    join = np.isin(run, sessions) & ~ours & (amount >= level)
    if not join.any():
        return c
    found = {"shop": shop, "sessions": len(sessions), "joined": len(np.unique(person[join])),
             "dear": round(level, 2), "claims": int(join.sum())}  # fmt: skip
    return dataclasses.replace(
        c,
        persons=distinct(np.concatenate([c.persons, person[join]])),
        claims=distinct(np.concatenate([c.claims, v.column("claim")[rows[join]].astype(c.claims.dtype)])),
        evidence={**c.evidence, "holder_sessions": found},
    )


def sessions_said(found: dict, shop: str) -> Reason:
    """The reason, no points, that says which cards joined a proven card ring from its holder's sessions.

    >>> r = sessions_said({"shop": 3, "sessions": 12, "joined": 36, "dear": 300.0, "claims": 36}, "P0")
    >>> r.code, r.value, r.points, r.args["tail"]
    ('holder_sessions', 36.0, 0.0, 0.1)
    """
    tail = round(1.0 - float(DEAR_QUANTILE or 0.0), 4)
    args = {"joined": found["joined"], "shop": shop, "sessions": found["sessions"], "claims": found["claims"],
            "gap": GAP_MINUTES, "dear": found["dear"], "tail": tail}  # fmt: skip
    return Reason("holder_sessions", args, float(found["joined"]), 0.0, 0.0)
