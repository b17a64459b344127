"""The cards of two joined card rings that are the collector's (step 118).

Step 111 (:func:`graphfraud.score.rings.join_card_days`) joins two card-collector rings (收卡人) at one pharmacy
when their cards were swiped on the same days there.  A piece can hold cards that are not his: a linked-shops
candidate (step 113) holds the cards of every shop its links reached, most of them billed at shops the collector's
cards never see.  :func:`collector_cards` keeps the cards the join is evidence for: those both pieces hold, those
billed mostly at the shop, and a card billed mostly elsewhere when most of its card-days were at his shops, the
institutions where half or more of those cards were billed too (a collector who spreads his cards over three shops,
fourthworld's spread collectors, swipes most of them at each).
"""

from __future__ import annotations

import numpy as np

from graphfraud.graph.events import distinct


def collector_cards(
    persons: np.ndarray,
    person: np.ndarray,
    venue: np.ndarray,
    day: np.ndarray,
    *,
    shared: np.ndarray,
    shop: int,
    share: float,
) -> np.ndarray:
    """The persons of a joined card ring that are the collector's cards.

    Parameters
    ----------
    persons : ndarray of int
        The union's persons (card holders, 持卡人), codes.
    person, venue, day : ndarray of int
        The person, institution (a chain's shops one code) and day of each of the union's claims.
    shared : ndarray of int
        The cards both pieces hold: his.
    shop : int
        The institution the pieces were joined at.
    share : float
        An institution is one of his shops when at least this share of his cards (``shared`` and those with more
        than half of their card-days at ``shop``) were billed there.

    Returns
    -------
    ndarray of int
        The kept persons, sorted: his cards, the cards with more than half of their card-days (distinct
        institution and day) at his shops, and any person with no claim among them (not measured, kept).

    Examples
    --------
    Cards 1-3 at shop 0, cards 1 and 2 also at shop 4; card 9 at shop 4 and card 8 at shop 7 on days of their own:

    >>> person = np.array([1, 1, 2, 2, 3, 9, 9, 8, 8])
    >>> venue = np.array([0, 4, 0, 4, 0, 4, 4, 7, 7])
    >>> day = np.array([5, 6, 5, 6, 5, 1, 2, 1, 2])
    >>> collector_cards(np.array([1, 2, 3, 8, 9]), person, venue, day, shared=np.array([1]), shop=0, share=0.5)
    array([1, 2, 3, 9])
    """
    trip = np.unique(np.stack([person, venue, day]).astype(np.int64), axis=1)  # card-days at each institution
    p, v, _ = trip
    cards, of = np.unique(p, return_inverse=True)
    total = np.bincount(of)
    his = np.isin(cards, shared) | (2 * np.bincount(of, weights=v == shop) > total)
    seen = distinct((v[his[of]] << 32) | p[his[of]]) >> 32  # each of his cards once per institution it was billed at
    where, n = np.unique(seen, return_counts=True)
    shops = np.union1d(where[n >= share * his.sum()], [shop])
    keep = his | (2 * np.bincount(of, weights=np.isin(v, shops)) > total)
    unmeasured = persons[~np.isin(persons, cards)]
    return np.union1d(cards[keep], unmeasured).astype(persons.dtype)


def twice_a_day(person: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Per claim of one venue, whether its card was billed there again that day (step 138).

    A patient is seen once a day; a collector who drains a card swipes it again within the same session.

    >>> twice_a_day(np.array([1, 1, 2, 1]), np.array([0, 0, 0, 5]))
    array([ True,  True, False, False])
    """
    if len(person) == 0:
        return np.zeros(0, dtype=bool)
    key = person.astype(np.int64) * (int(day.max()) - int(day.min()) + 1) + (day.astype(np.int64) - int(day.min()))
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return np.asarray(counts[inverse] >= 2)
