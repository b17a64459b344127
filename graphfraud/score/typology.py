"""Which fraud pattern a candidate matches best: the rules of :data:`graphfraud.contract.TYPOLOGY_TABLE`."""

from __future__ import annotations

import math
from collections.abc import Iterable

from graphfraud import contract
from graphfraud.detect.candidate import Candidate
from graphfraud.score.features import Features
from graphfraud.score.reasons import Reason

#: The reasons that show a card was swiped without its holder (step 63): billed after the holder's death, or an
#: institution's cards flagged so (``misused_cards``: dead, or held with strangers' on a collector's phone).  Cards
#: bound to one phone alone (``shared_phone``) are not enough: a broker binds his recruits' e-vouchers to his own
#: phone too, and they come in person (synth's staged clinics, 20-40% of recruits; a lead's check after the merge).
HOLDER_ABSENT = ("after_death", "misused_cards")
#: A collector swipes cards for money: the ring's fund per claim is at least this many times that of the same
#: visit type and diagnosis elsewhere (its ``cost_ratio`` reason's value; step 63).
RESALE_COST = 2.0
#: The typology of cards swiped without their holders for goods (职业收卡人).
COLLECTOR = "card_collector"

#: Step 94 (c) (:func:`by_cards`): the share of a ring's high-value money that must be goods (drugs, devices, health
#: food: what a keeper resells) for its ``high_value`` reason to show cards swiped for resale, where fee lines tell.
RESOLD_GOODS = 0.5


#: Step 125 (:func:`by_cards`): claims after the holder's death name a collector (without his phone's cards,
#: ``misused_cards``) only where the ring's money holds high-value goods, at least this share of its amount, where
#: fee lines tell (a collector turns cards into goods: fifthworld 1, 3 and 7's rings billing the dead 0.27-0.82;
#: tenthworld's 家庭病床 rounds and 门慢 quotas keyed for the absent and the dead 0.000-0.003, care billed at 2.2-6.4x
#: its cost).  NaN (no fee lines): as before.
HOLDER_GOODS = 0.05
#: Step 133 (:func:`by_cards`): the reason that shows a ring's cards are collected from outside the venue's
#: catchment (more of its persons insured in another region than of the venue's other patients, by the reason's own
#: margin): the dead's cards among them were a collector's, not the venue's own absent patients'.
HOLDER_ELSEWHERE = "out_of_region"
#: Step 133 (:func:`by_cards`): dear claims name a collector where at least this share more of the ring's persons
#: are insured in another city than of its venue's other patients (``far_cards``): cards carried in from other
#: cities, where a staged clinic's recruits come from its own city (otherworld: collectors' rings up to +0.56,
#: staged clinics' at most +0.10 over every dev world of every generator with regions).  **None: off by default**
#: (the lead, at the merge): it was not flat over a 3x range (0.11-0.23 renames the one dev ring it was made for,
#: otherworld 127's; 0.36 renames nothing), and held out it named seventhworld 23's 中医馆 egg scheme, whose
#: recruits are 候鸟 insured in their home cities (38 of 44, 2.4x), a collector.  0.2 is what was measured.  Step 138
#: names 127's ring by its cards billed twice a day instead (:func:`graphfraud.score.rings.swiped_twice`).
FAR_CARDS: float | None = None


def typology(c: Candidate, f: Features) -> str:
    """Best-matching typology of a candidate, by the rules of the typology table.

    - the typology the candidate's detector names (``evidence["typology"]``: a hospital's bus days,
      :func:`graphfraud.detect.coadmit.bus_days`, are induced admissions although most of their claims
      are the check-ups of the villagers it examined);
    - the row whose ``detector`` found the candidate (``steering`` -> ``kickback``, 处方引流);
    - else the row whose ``mostly`` visit type has the largest share of the
      candidate's claims, if at least half (``inpatient`` -> ``induced_admission``,
      诱导住院; ``pharmacy`` -> ``card_collector``, 职业收卡人; ties: the earlier row);
    - else the ``otherwise`` row (outpatient lockstep -> ``staged_clinic``, 虚构诊疗).
    """
    named = c.evidence.get("typology")
    if named in contract.TYPOLOGY_TABLE:
        return str(named)
    rows = contract.TYPOLOGY_TABLE.values()
    for row in rows:
        if row.detector and row.detector == c.detector:
            return row.name
    shares = [(share(f, row.mostly), row.name) for row in rows if row.mostly]
    best = max(shares, key=lambda s: s[0], default=(0.0, ""))  # max keeps the first of equal shares
    if best[0] >= 0.5:
        return best[1]
    return next(row.name for row in rows if row.otherwise)


def by_cards(
    kind: str,
    reasons: Iterable[Reason],
    *,
    resale_cost: float = RESALE_COST,
    dear_goods: float = math.nan,
    dear_items: float = math.nan,
    far_cards: float = math.nan,
) -> str:
    """The typology of a suspect ring of the ``otherwise`` row (outpatient claims at a facility) whose reasons
    show cards swiped for money: ``card_collector`` (step 63); else ``kind``.

    A staged clinic brings people who come; a collector brings their cards, to turn them into goods.  The ring
    is a collector's when its claims cost far more than the same care (``cost_ratio`` at least ``resale_cost``)
    **and** either a reason shows a card used without its holder (:data:`HOLDER_ABSENT`) or most of the money
    is on high-value items (``high_value``: drugs to resell).  A village doctor who keys visits on the cards he
    keeps, dead villagers' among them, bills them at what such visits cost: his fabricated care keeps its name.
    Where the fee lines name their categories, the high-value money must be goods (``dear_goods``, the share of
    the amount on high-value goods, at least :data:`RESOLD_GOODS` of ``dear_items``, the share on every
    high-value item; step 94 (c)): a padded 血透 unit's dear items are its sessions, care billed, nothing a keeper
    could sell (sixthworld 2: 79% of its money on high-value items, none of it goods).  NaN: not measured, as before.
    So too claims after the holder's death (step 125): they show a card used without its holder, not who used it;
    they name a collector where a collector's phone holds the cards (``misused_cards``) or at least
    :data:`HOLDER_GOODS` of the amount is on high-value goods, or (step 133) the cards are collected from outside the
    venue's catchment (:data:`HOLDER_ELSEWHERE`: its persons insured in other regions, beyond the venue's other
    patients).  A 社区 centre keying phantom home-bed rounds or 门慢 quotas on its own patients' cards, the absent's
    and the dead's among them, bills care, dear as it is, and keeps the staged clinic's name; a clinic billing the
    dead's cards brought in from other districts is a collector's, whatever it bills.  Dear claims on cards carried in
    from other cities name a collector too (step 133): ``far_cards``, the share of the ring's persons insured in
    another city than its venue's, less that share of the venue's other patients, at least :data:`FAR_CARDS`
    (NaN: not measured; off by default: a staged clinic's recruits can be migrants or 候鸟 of other cities).

    >>> dead = Reason("after_death", {"claims": 6, "after_death_claims_from": 0.0}, 6.0, 0.0, 10.0)
    >>> dear = Reason("cost_ratio", {"ratio": 11.9, "ring": 502.7, "peers": 42.4, "cost_ratio_from": 1.3}, 11.9, 1.3, 25.0)
    >>> by_cards("staged_clinic", [dead, dear]), by_cards("staged_clinic", [dead]), by_cards("staged_clinic", [dear])
    ('card_collector', 'staged_clinic', 'staged_clinic')
    >>> by_cards("induced_admission", [dead, dear])
    'induced_admission'
    >>> hv = Reason("high_value", {"share": 0.79, "price": 200.0, "high_value_share_from": 0.3}, 0.79, 0.3, 10.0)
    >>> by_cards("staged_clinic", [hv, dear]), by_cards("staged_clinic", [hv, dear], dear_goods=0.0, dear_items=0.79)
    ('card_collector', 'staged_clinic')
    >>> by_cards("staged_clinic", [dead, dear], dear_goods=0.003, dear_items=0.003)  # phantom care for the dead
    'staged_clinic'
    >>> by_cards("staged_clinic", [dead, dear], dear_goods=0.27, dear_items=0.27)
    'card_collector'
    >>> args = {"outside": 36, "persons": 36, "venue": "H1", "region": "370102", "outside_excess_from": 0.2}
    >>> far = Reason("out_of_region", args, 0.9, 0.2, 10.0)
    >>> by_cards("staged_clinic", [dead, dear, far], dear_goods=0.0, dear_items=0.0)  # the dead's cards from elsewhere
    'card_collector'
    >>> by_cards("staged_clinic", [dear, far], dear_goods=0.0, dear_items=0.0)  # recruits from elsewhere come in person
    'staged_clinic'
    >>> by_cards("staged_clinic", [dear, far], far_cards=0.23)  # FAR_CARDS None: off by default
    'staged_clinic'
    """
    row = contract.TYPOLOGY_TABLE.get(kind)
    if row is None or not row.otherwise:
        return kind
    scored = {r.code: r.value for r in reasons if r.points > 0}
    dear = scored.get("cost_ratio", 0.0) >= resale_cost
    resold = "high_value" in scored and not dear_goods < RESOLD_GOODS * dear_items  # NaN: not measured
    goods = not dear_goods < HOLDER_GOODS  # step 125: the dead's cards billed for care are the venue's (NaN: as before)
    collected = goods or HOLDER_ELSEWHERE in scored  # step 133: unless they were brought from outside its catchment
    carried = FAR_CARDS is not None and far_cards >= FAR_CARDS  # step 133 (off): cards of other cities (NaN: no)
    cards = "misused_cards" in scored or ("after_death" in scored and collected) or resold or carried
    return COLLECTOR if dear and cards else kind


def share(f: Features, visit_type: str) -> float:
    """Share of the candidate's claims of ``visit_type`` (a ``Features`` field ``<visit_type>_share``)."""
    return float(getattr(f, f"{visit_type}_share"))


def person_role(kind: str) -> str:
    """The role of a ring's member persons (organizers apart) for typology ``kind``.

    >>> person_role("card_collector"), person_role("kickback"), person_role("other")
    ('card_holder', 'patient', 'recruit')
    """
    return contract.TYPOLOGY_TABLE[kind].person_role
