"""Scoring rules as data: the rows of ``ScoreParams.rules`` turned into points and reasons.

A rule (:class:`graphfraud.params.ScoreRule`) reads one measured feature of a
candidate (:data:`MEASURES`), gives 0 points up to its ``start`` and its
``points`` from its ``full`` on, on a straight line between.  The rules are
parameters, so ``run.json`` records them and ``--params`` changes them; the
reason's sentence says where its points start (the field ``<feature>_from``
of its template, rendered from the rule), and that is the threshold
``ring_reasons.csv`` reports.  ``docs/scoring.md`` is generated from the
default rules::

    python -m graphfraud.score.rules --markdown > docs/scoring.md
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence

from graphfraud.contract import TYPOLOGY_TABLE
from graphfraud.params import SCORE_RULES, ScoreRule, SignalParams, check
from graphfraud.score.features import MET_ELSEWHERE, Features
from graphfraud.score.reasons import TEMPLATES, Reason, fields, outside_excess, ramp

#: Smallest rule cycle (days) that counts as a rhythm: a shorter one is the venue's opening days.
MIN_CYCLE_DAYS = 5.0

#: Step 131: a relay of cohorts (score.rings._relays) is a clinic replacing its patients only when the cohorts are
#: the clinic's business, at least this share of all its claims; below it they are a slice of a busy venue's
#: one-off patients, or a factory's shifts at a hospital, who also take turns (measured over 0.1-0.3, step 131).
RELAY_SHARE = 0.15

NAN = float("nan")

#: feature name -> how to measure it on a candidate (its Features, and the detector's evidence of kickbacks).
MEASURES: dict[str, Callable[[Features, Mapping[str, object]], float]] = {
    "lift": lambda f, e: float(e.get("lift", NAN)),  # type: ignore[arg-type]
    "steering_z": lambda f, e: float(e.get("z", NAN)),  # type: ignore[arg-type]
    "steering_business": lambda f, e: float(e.get("business", NAN)),  # type: ignore[arg-type]
    # a candidate whose members were never admitted together (beds: staggered stays) has no group days
    "event_days": lambda f, e: float(f.event_days) if e.get("together", True) else NAN,
    # the flagged cards and the ghost stays' cards (detect.cards.ghost_stays), each a card its holder did not use
    "misused_cards": lambda f, e: float(e.get("flagged", NAN)) + float(e.get("ghost", 0)),  # type: ignore[arg-type]
    "card_load": lambda f, e: float(e.get("flagged", NAN)),  # type: ignore[arg-type]
    "kept_cards": lambda f, e: float(e.get("flagged", NAN)),  # type: ignore[arg-type]
    "batch_cards": lambda f, e: float(e.get("flagged", NAN)),  # type: ignore[arg-type]
    "paid_for_others": lambda f, e: float(e.get("pairs", NAN)),  # type: ignore[arg-type]
    "regular_share": lambda f, e: max(f.regulars, f.group_regulars) / max(f.persons, 1),
    "median_arrival_gap": lambda f, e: f.median_arrival_gap,
    "cycle_regularity": lambda f, e: (f.cycle_regularity if not math.isnan(f.cycle_days)
                                      and f.cycle_days >= MIN_CYCLE_DAYS else NAN),
    "cost_ratio": lambda f, e: f.cost_ratio if not _at_venue(f, e) else f.venue_type_cost,
    "relay_cohorts": lambda f, e: float(e.get("cohorts", NAN)) if f.dominance >= RELAY_SHARE else NAN,  # type: ignore[arg-type]
    "dominance": lambda f, e: f.dominance,
    "phone_hub_persons": lambda f, e: float(f.phone_hub_persons),
    "outside_excess": lambda f, e: outside_excess(f),
    "off_hours_share": lambda f, e: f.off_hours_share,
    "high_value_share": lambda f, e: f.high_value_share,
    "dup_trace_claims": lambda f, e: float(f.dup_trace_claims),
    "after_death_claims": lambda f, e: float(f.after_death_claims),
    "split_admissions": lambda f, e: float(f.split_admissions),
    "repeat_ratio": lambda f, e: float(e.get("repeat_ratio", NAN)),  # type: ignore[arg-type]
    "stake": lambda f, e: f.stake,
}  # fmt: skip

#: What each feature means, for docs/scoring.md.
MEANINGS: dict[str, str] = {
    "lift": "the doctor's patients' share buying at the pharmacy over peer doctors' patients' share (x); without "
    "doctor ids (indication), the facility's patients of one diagnosis buying dear there over that diagnosis's share",
    "steering_z": "binomial z-score of that count against the peer share (indication: the diagnosis's share)",
    "steering_business": "the patients above the peer share as a share of the pharmacy's own high-value buyers",
    "event_days": "group admission days of the ring",
    "misused_cards": "cards billed at the institution after the holder's death or bound to a collector's phone, and "
    "cards of stays with no care of their own, dear for the place, by doctors who bill such stays beyond chance "
    "(detector cards)",
    "card_load": "cards billed at the institution again and again at many times the usual cost of such claims and "
    "of the card's own claims elsewhere (detector cardload)",
    "kept_cards": "cards billed at a primary-care clinic on a steady cycle faster than monthly follow-ups, never lapsing "
    "a month, at many times the peer clinics' rate (detector cards)",
    "batch_cards": "cards swiped at one pharmacy in batches of different cards minutes apart, on most of their days "
    "there, one pool of cards batched together again and again, beyond the shop's other customers' rate (detector "
    "cardbatch)",
    "paid_for_others": "(holder, patient) pairs of persons of different households whose purchases at the pharmacy, "
    "paid from the holder's personal account (家庭共济), were billed again and again at many times the usual cost of "
    "such purchases (detector mutual)",
    "regular_share": "share of members at >= 4 of the ring's days (regulars; its days at the main venue and where "
    f"{MET_ELSEWHERE} or more members met at another venue)",
    "median_arrival_gap": "median minutes between consecutive member arrivals on ring days",
    "cycle_regularity": f"share of gaps between ring days within 1 day of the ring's cycle (cycles of >= {MIN_CYCLE_DAYS:g} days)",
    "cost_ratio": "fund per claim over that of other claims with the same visit type and diagnosis (x)",
    "relay_cohorts": "cohorts of one clinic and staff that took turns, each billed there in its own weeks, the next "
    "beginning within RELAY_GAP days of the last one's end (score.rings._relays; relay candidates only), when "
    "their claims are at least RELAY_SHARE of all the clinic's claims",
    "dominance": "ring claims' share of all claims at the main venue",
    "phone_hub_persons": "persons of different addresses bound to one phone",
    "outside_excess": "share of members insured outside the venue's region minus that share among its other patients",
    "off_hours_share": "share of ring claims before 07:00 or after 19:00",
    "high_value_share": "share of the amount billed on items priced >= SignalParams.high_value_price",
    "dup_trace_claims": "claims selling a drug box whose traceability code was also sold elsewhere",
    "after_death_claims": "claims after the patient's or card holder's death",
    "split_admissions": "admissions within SignalParams.split_days of a discharge from the same facility",
    "repeat_ratio": "the main facility's share of inpatients admitted >= BedsParams.min_admissions times over the "
    "median share at its peers of the same kind and level (x; candidates of the beds detector)",
    "stake": "yuan of insurance money (the fund's and the personal accounts') on the ring's claims",
}  # fmt: skip


def _at_venue(f: Features, e: Mapping[str, object]) -> bool:
    """Step 120: whether the cost reason compares the group's claims with its facility's own other claims of the
    same visit type (``venue_type_cost``, measured only where the claims carry no diagnosis) rather than with every
    claim of the visit type (``cost_ratio``): when that is the dearer contrast.  A ring joined with one doctor's
    slots says its slots' cost against the city-wide cells, as before.

    >>> from types import SimpleNamespace as F  # the two measures it reads
    >>> _at_venue(F(cost_ratio=1.6, venue_type_cost=3.2), {}), _at_venue(F(cost_ratio=1.6, venue_type_cost=1.5), {})
    (True, False)
    >>> _at_venue(F(cost_ratio=1.6, venue_type_cost=NAN), {}), _at_venue(F(cost_ratio=1.6, venue_type_cost=3.2), {"slot_joined": 3})
    (False, False)
    """
    return not e.get("slot_joined") and f.venue_type_cost > f.cost_ratio  # NaN: not measured, False


def _spread(e: Mapping[str, object]) -> int:
    """The loaded cards of a loaded-card candidate counted with their purchases at other pharmacies (per member:
    ``e["spread"]``, :func:`graphfraud.detect.cardload.loaded_cards`), 0 without them."""
    spread = e.get("spread")
    return int(sum(bool(x) for x in spread)) if isinstance(spread, Iterable) else 0


def _args(code: str, f: Features, names: Mapping[str, str], e: Mapping[str, object],
          signals: SignalParams) -> dict[str, object]:  # fmt: skip
    """The values of reason ``code``'s sentence, but the thresholds (``<feature>_from``) its rules add."""
    venue = names.get("venue", "")
    if code == "steering":
        steering = {"patients": e["patients"], "doctor_patients": e["doctor_patients"], "doctor": names["doctor"],
                    "share": e["share"], "pharmacy": names["pharmacy"], "follow_days": e["follow_days"],
                    "peer_share": e["peer_share"], "lift": e["lift"], "z": e["z"], "min_fund": e["min_fund"],
                    "excess": e["excess"], "business": e["business"], "pharmacy_buyers": e["pharmacy_buyers"]}  # fmt: skip
        if e.get("chain_shops"):  # a doctor and a chain's shops taken together (step 83)
            steering["pharmacy"] = f"{names['pharmacy']} and {int(e['chain_shops']) - 1} more shops of its chain"  # type: ignore[call-overload]
        if e.get("referral"):  # doctor -> facility steering (detect.referral): the venue is a facility, no threshold
            steering.pop("min_fund")
            steering["site"] = steering.pop("pharmacy")
            steering["site_patients"] = steering.pop("pharmacy_buyers")
            return steering
        if e.get("at_price"):  # steered at the purchases' price (cash kickbacks): the threshold is a price
            steering["min_price"] = steering.pop("min_fund")
        # the members whose purchases the insurance paid less on (cash), when there are any
        if e.get("self_paid"):
            steering["self_paid"] = e["self_paid"]
        if e.get("named"):  # the patients only the prescriber's name on the pharmacy's claims brings (step 97)
            steering["named"] = e["named"]
        return steering
    if code == "indication":  # a facility's diagnosis in place of a doctor (detect.indication)
        return {k: e[k] for k in ("patients", "buyers", "share", "diagnosis", "follow_days", "ratio", "peer_share",
                                  "lift", "z", "chance", "tested")} | {"site": names["site"], "pharmacy": names["pharmacy"]} | (
            {"more": e["more"], "persons": e["persons"]} if e.get("more") else {})  # fmt: skip
    if code == "repeat_stays" and e.get("splits") is not None:  # step 102: split stays (分解住院), not admissions
        return {"repeaters": e["repeaters"], "inpatients": e["inpatients"], "venue": venue, "rate": e["rate"],
                "split_days": e["split_days"], "times": e["times"], "peer_rate": e["peer_rate"], "peers": e["peers"],
                "peer_group": e["peer_group"], "ratio": e["repeat_ratio"],
                "persons": int(e.get("split_persons", e.get("members", f.persons))),  # type: ignore[call-overload]
                "splits": e["splits"]} | (
            {"batched": e["batched"], "batch_days": e["batch_days"]} if e.get("batched") else {})  # fmt: skip
    if code == "repeat_stays" and e.get("fetched") is not None:  # step 114: fetched by ambulance (detect.transport)
        return {"repeaters": e["repeaters"], "inpatients": e["inpatients"], "venue": venue, "rate": e["rate"],
                "item": e["item"], "peer_rate": e["peer_rate"], "peers": e["peers"], "peer_group": e["peer_group"],
                "ratio": e["repeat_ratio"], "persons": int(e.get("members", f.persons)),  # type: ignore[call-overload]
                "fetched": e["fetched"]}  # fmt: skip
    if code == "repeat_stays":
        return {"repeaters": e["repeaters"], "inpatients": e["inpatients"], "venue": venue, "rate": e["rate"],
                "times": e["times"], "peer_rate": e["peer_rate"], "peers": e["peers"], "peer_group": e["peer_group"], "ratio": e["repeat_ratio"],
                "persons": int(e.get("members", f.persons)),  # type: ignore[call-overload]  # the piece's, as its admissions
                "member_times": e["member_times"], "admissions": e["admissions"]} | (
                    {"once": e["once"]} if e.get("once") else {}) | (
                    {"outside": e["outside"], "outside_city": e["outside_city"],
                     "outside_members": e["outside_members"]} if e.get("outside") and not e.get("once") else {})  # fmt: skip
    if code == "misused_cards":
        out = {"flagged": e["flagged"], "venue": venue, "dead": e["dead"], "grace_days": e["grace_days"],
               "phone": e["phone"], "joined": f.persons - int(e["flagged"]), "persons": f.persons}  # type: ignore[call-overload]  # fmt: skip
        if e.get("ghost"):  # stays on cards with no care of their own, dear for the place (detect.cards.ghost_stays)
            out = out | {"ghost": e["ghost"], "ghost_ratio": e["ghost_ratio"]}
        # proven by how its few flags were billed (detect.cards._seeded), or by its ghost stays: verify needs the
        # route and its bound
        return out | {"tested": e["tested"]} if e.get("seeded") else out
    if code == "card_load" and "hospital_expected" in e:
        # step 136: one operator's cards prescribed dear at his large hospitals (detect.cardsets.hospital_sets)
        return {"flagged": e["flagged"], "institutions": e["institutions"], "venue": venue, "ratio": e["ratio"],
                "times": e["times"], "card_ratio": e["card_ratio"], "share": e.get("share", NAN),
                "hospital_expected": e["hospital_expected"], "persons": f.persons}  # fmt: skip
    if code == "card_load" and "spread_expected" in e:
        # step 127: a collector's cheap baskets spread over his shops (detect.cardload.spread_sets)
        return {"flagged": e["flagged"], "institutions": e["institutions"], "venue": venue, "min_claims": e["min_claims"],
                "ratio": e["ratio"], "times": e["times"], "card_ratio": e["card_ratio"], "share": e.get("share", NAN),
                "spread_expected": e["spread_expected"], "persons": f.persons}  # fmt: skip
    if code == "card_load":
        return {"flagged": e["flagged"], "cards": e["cards"], "venue": venue, "min_claims": e["min_claims"],
                "ratio": e["ratio"], "times": e["times"], "card_ratio": e["card_ratio"], "peer_rate": e["peer_rate"],
                "share": e.get("share", NAN)} | (  # fmt: skip
            # patients' cards: their claims there follow the holder's own visit (score.rings.prescribed_apart)
            {"prescribed": e["prescribed"], "filled": e["filled"], "follow_days": e["follow_days"],
             "alike": e["alike"], "min_price": e["min_price"]}
            if e.get("prescribed")
            # cards billed there the same way, fewer times, joined on the proof (detect.cardload._joins)
            else {"joined": e["joined"], "persons": f.persons} if e.get("joined") else {}
        ) | (
            # loaded on their dear purchases here and at other pharmacies together (detect.cardload.loaded_cards)
            {"spread": _spread(e)} if _spread(e) and not e.get("prescribed") else {}
        ) | (
            # one operator's cards at several institutions, their rings joined (score.rings.join_cards, step 91)
            {"institutions": e["institutions"], "shared": e["shared"]}
            if e.get("institutions") and not e.get("prescribed")
            else {}
        )  # fmt: skip
    if code == "kept_cards":
        return {"flagged": e["flagged"], "households": e["households"], "cards": e["cards"], "venue": venue,
                "days": e["kept_days"], "cycle": e["kept_cycle"], "peer_rate": e["peer_rate"],
                **({"inferred_kind": e["inferred_kind"]} if e.get("inferred_kind") else {})}  # fmt: skip
    if code == "batch_cards":
        return {"flagged": e["flagged"], "cards": e["cards"], "venue": venue, "sessions": e["sessions"],
                "batch_cards": e["batch_cards"], "gap": e["gap"], "gap_minutes": e["gap_minutes"],
                "share": e["batch_share"], "peer_rate": e["peer_rate"], "expected": e["expected"]}  # fmt: skip
    if code == "paid_for_others" and "split_days" in e:  # step 150: no payer, purchases settled in parts a day
        return {"patients": e["patients"], "venue": venue, "split_days": e["split_days"], "days": e["days"],
                "min_split_days": e["min_split_days"], "peer_rate": e["peer_rate"], "pairs": e["pairs"]}  # fmt: skip
    if code == "paid_for_others":
        # (no holder: the export names no payer, residents' purchases on a personal account; step 95)
        return {"pairs": e["pairs"]} | ({"holders": e["holders"]} if e["holders"] else {}) | {
                "patients": e["patients"], "venue": venue,
                "venue_pairs": e["venue_pairs"], "min_claims": e["min_claims"], "ratio": e["ratio"],
                "times": e["times"], "card_ratio": e["card_ratio"], "peer_rate": e["peer_rate"]}  # fmt: skip
    if code == "co_admission":
        group = {"persons": f.persons, "venue": venue, "days": f.event_days}
        return {"regulars": f.regulars, **group} if f.regulars else group
    simple: dict[str, Callable[[], dict[str, object]]] = {
        "lockstep": lambda: _lockstep(f, venue),
        "arrival_gap": lambda: {"minutes": f.median_arrival_gap},
        "cycle": lambda: {"days": f.cycle_days, "regularity": f.cycle_regularity},
        "relay": lambda: {"cohorts": e["cohorts"], "persons": f.persons, "venue": venue, "first": e["first_day"],
                          "last": e["last_day"], "gap": e["relay_gap"], "share": f.dominance},
        "cost_ratio": lambda: (
            {"ratio": f.venue_type_cost, "ring": f.venue_type_ring, "peers": f.venue_type_peers, "venue": venue,
             "type_ratio": f.cost_ratio}
            if _at_venue(f, e)
            else {"ratio": f.cost_ratio, "ring": f.ring_fund_per_claim, "peers": f.venue_fund_per_claim}
            | ({k: e[k] for k in ("slot_joined", "slot_doctor", "slot_cost")} if e.get("slot_joined") else {})
        ),
        "dominance": lambda: {"share": f.dominance, "venue": venue},
        "shared_phone": lambda: {"persons": f.phone_hub_persons, "addresses": f.phone_hub_addresses,
                                 "phone": names.get("phone", "")},
        "out_of_region": lambda: {"outside": f.out_of_region, "persons": f.persons, "venue": venue,
                                  "region": names.get("region", "")},
        "off_hours": lambda: {"share": f.off_hours_share},
        "high_value": lambda: {"share": f.high_value_share, "price": signals.high_value_price},
        "dup_trace": lambda: {"claims": f.dup_trace_claims},
        "after_death": lambda: {"claims": f.after_death_claims},
        "split_admission": lambda: {"admissions": f.split_admissions, "split_days": signals.split_days},
        "money": lambda: {"stake": f.stake, "claims": f.claims, "fund": f.fund},
    }  # fmt: skip
    return simple[code]()


def _lockstep(f: Features, venue: str) -> dict[str, object]:
    """The lockstep sentence's values: the group's regulars over its days at ``venue``, or, when its days where it
    met at other venues too (:func:`graphfraud.score.features._met_elsewhere`) make more regulars, over those, with
    how many other venues."""
    if f.group_venues > 1 and f.group_regulars > f.regulars:
        return {"regulars": f.group_regulars, "persons": f.persons, "venue": venue, "others": f.group_venues - 1,
                "days": f.group_days}  # fmt: skip
    return {"regulars": f.regulars, "persons": f.persons, "venue": venue, "days": f.event_days}


#: The reason codes a rule can have: those :func:`_args` knows the sentence values of.
CODES = ("steering", "indication", "co_admission", "misused_cards", "card_load", "kept_cards", "batch_cards", "paid_for_others", "repeat_stays", "lockstep", "arrival_gap", "cycle", "relay", "cost_ratio", "dominance", "shared_phone",
         "out_of_region", "off_hours", "high_value", "dup_trace", "after_death", "split_admission", "money")  # fmt: skip


def rule_points(rule: ScoreRule, value: float) -> float:
    """The points ``rule`` gives a measured ``value`` (NaN: none).

    >>> from graphfraud.params import ScoreRule
    >>> r = ScoreRule("cost_ratio", "cost_ratio", 1.0, 3.0, 25.0)
    >>> rule_points(r, 1.0), rule_points(r, 2.0), rule_points(r, 9.0)
    (0.0, 12.5, 25.0)
    >>> gap = ScoreRule("arrival_gap", "median_arrival_gap", 10.0, 3.0, 10.0)  # falling: short gaps score
    >>> rule_points(gap, 6.5), rule_points(gap, 12.0)
    (5.0, 0.0)
    >>> rule_points(ScoreRule("money", "fund", 1e4, 1e6, 10.0, "log"), 1e5)
    5.0
    """
    if value is None or math.isnan(value):
        return 0.0
    if rule.scale == "log":
        return rule.points * ramp(math.log(max(value, 1e-300)), math.log(rule.start), math.log(rule.full))
    return rule.points * ramp(value, rule.start, rule.full)


def check_rules(rules: Sequence[ScoreRule]) -> None:
    """Refuse rules that no sentence can say: an unknown code or feature, or a code whose rules read
    other features than its sentence names thresholds for (``<feature>_from``).

    Raises
    ------
    ParamError
        Naming the rule and what it must be.

    Examples
    --------
    >>> from graphfraud.params import SCORE_RULES, ScoreRule
    >>> check_rules(SCORE_RULES)
    >>> check_rules([ScoreRule("cost_ratio", "stake", 1.0, 2.0, 5.0)])
    Traceback (most recent call last):
    ...
    graphfraud.errors.ParamError: The 'feature' parameter of ScoreRule 'cost_ratio' must be one of cost_ratio (its sentence says cost_ratio_from). Got 'stake' instead.
    """
    for rule in rules:
        o = f"ScoreRule {rule.code!r}"
        check(rule.code in CODES, "code", o, f"one of {', '.join(CODES)}", rule.code)
        check(rule.feature in MEASURES, "feature", o, f"one of {', '.join(MEASURES)}", rule.feature)
        wanted = sorted(n[: -len("_from")] for n in _threshold_fields(rule.code))
        said = ", ".join(f"{w}_from" for w in wanted)
        check(
            rule.feature in wanted, "feature", o, f"one of {', '.join(wanted)} (its sentence says {said})", rule.feature
        )
    for code in dict.fromkeys(r.code for r in rules):
        have = {r.feature for r in rules if r.code == code}
        said_for = {n[: -len("_from")] for n in _threshold_fields(code)}
        check(have == said_for, "feature", f"ScoreRule {code!r}",
              f"given for each of {', '.join(sorted(said_for))} (its sentence says each threshold)", sorted(have))  # fmt: skip


def _threshold_fields(code: str) -> list[str]:
    """The ``<feature>_from`` fields of the sentences of ``code``."""
    return sorted({n for t in TEMPLATES.get(code, ()) for n in fields(t) if n.endswith("_from")})


def suspicion_reasons(
    f: Features, names: Mapping[str, str], *, typology: str, evidence: Mapping[str, object],
    rules: Sequence[ScoreRule] = SCORE_RULES, signals: SignalParams = SignalParams(),
) -> list[Reason]:  # fmt: skip
    """The reasons that add points, for a candidate of ``typology`` measured as ``f``: one per code of ``rules``
    that applies and gives more than 0.05 points, in the order of the rules.

    ``names`` maps ``venue``, ``phone``, ``region`` (and for kickbacks
    ``doctor``, ``pharmacy``) to display ids; ``evidence`` is the detector's
    (kickbacks: ``lift``, ``z`` and the values of the steering sentence).
    A headline rule counts only for a typology whose headline reason
    (:data:`graphfraud.contract.TYPOLOGY_TABLE`) is its code, or for a
    candidate whose detector names it (``evidence["headline"]``, in place of the typology's).
    A code's points are the most any of its rules gives; its reported value
    and threshold are that rule's feature and ``start``.
    """
    out: list[Reason] = []
    # a detector may name its own headline (detect.cards: the misused cards, not a group's meetings)
    headline = str(evidence.get("headline", "")) or (
        TYPOLOGY_TABLE[typology].headline if typology in TYPOLOGY_TABLE else ""
    )
    for code in dict.fromkeys(r.code for r in rules):
        mine = [r for r in rules if r.code == code and (not r.headline or headline == code)]
        if not mine:
            continue
        scored = [(rule_points(r, MEASURES[r.feature](f, evidence)), r) for r in mine]
        points, best = max(scored, key=lambda s: s[0])  # max keeps the first of equal points
        if points <= 0.05:
            continue
        args = _args(code, f, names, evidence, signals) | {f"{r.feature}_from": r.start for r in mine}
        value = MEASURES[best.feature](f, evidence)
        out.append(Reason(code, args, round(value, 4), best.start, round(points, 2)))
    return out


def markdown(rules: Sequence[ScoreRule] = SCORE_RULES, signals: SignalParams = SignalParams()) -> str:
    """``docs/scoring.md``: the rules as a table, with what each feature means and how points are counted."""
    rows = []
    for r in rules:
        only = ", ".join(t.name for t in TYPOLOGY_TABLE.values() if t.headline == r.code) if r.headline else "all"
        only = only or (
            "candidates whose detector names it (cards, cardload; indication: steering without doctor ids)"
            if r.headline
            else "all"
        )
        rows.append(
            f"| `{r.code}` | `{r.feature}` | {_num(r.start)} | {_num(r.full)} | {_num(r.points)} | {r.scale} | {only} |"
        )
    meanings = [f"- `{name}`: {text}" for name, text in MEANINGS.items() if any(r.feature == name for r in rules)]
    lines = [
        "# Scoring rules / 评分规则",
        "",
        "<!-- generated by `python -m graphfraud.score.rules --markdown > docs/scoring.md`; do not edit -->",
        "",
        "A ring's score is the sum of the points of its reasons (at most 100), times a money factor and,",
        "for a group with a benign explanation, a discount (`graphfraud/score/rings.py`). Each reason",
        "comes from the rules below (`ScoreParams.rules` in `graphfraud/params.py`): a rule reads one",
        "measured feature of the candidate and gives **0 points up to `start`**, its **`points` from `full`",
        "on** (its cap), and a straight line between, on the logarithm of the value when the scale is",
        "`log`. A rule whose `full` is below its `start` scores low values. Several rules of one reason",
        "count as one reason worth the most any of them gives. A headline rule scores only candidates whose",
        "typology names it as its headline reason (`graphfraud.contract.TYPOLOGY_TABLE`), the others every",
        "candidate. A reason is reported when it adds more than 0.05 points; `ring_reasons.csv` gives its",
        "`value` (the feature), `threshold` (`start`) and `points`, and its sentence says the threshold",
        "(每条理由的文字都写明其起计分阈值).",
        "",
        "The rules are parameters: `run.json` records them under `score.rules`, and a `--params` file",
        "whose `score` object gives `rules` replaces them all (copy the list from `run.json`). A rule can",
        "change its numbers or be dropped; each feature of a reason needs its rule, as its sentence",
        "names every threshold.",
        "",
        "| reason | feature | start | full | points | scale | scores (headline rules: the typologies it heads) |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "Features:",
        "",
        *meanings,
        "",
        f"Per-claim signals (`SignalParams`, shared with `graphfraud institutions`): a claim line is high-value "
        f"from {signals.high_value_price:g} yuan unit price; a split admission starts within "
        f"{signals.split_days} days of a discharge from the same facility.",
        "",
    ]
    return "\n".join(lines)


def _num(value: float) -> str:
    """A rule's number as the docs print it.

    >>> _num(1_000_000.0), _num(0.25), _num(35.0)
    ('1,000,000', '0.25', '35')
    """
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m graphfraud.score.rules --markdown``: print docs/scoring.md."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args != ["--markdown"]:
        print("usage: python -m graphfraud.score.rules --markdown", file=sys.stderr)
        return 2
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
