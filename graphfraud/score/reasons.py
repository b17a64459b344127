"""Reasons: the numbers behind a ring's score, in words an inspector can check.

Each :class:`Reason` carries a code, the measured value, the threshold it was
compared with and the points it added to the score, so the score is the sum
of its reasons (times a benign discount, itself a reason).  Every number in
a reason's text can be recomputed from the ring's claims.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from graphfraud.score.features import Features


@dataclass(frozen=True)
class Reason:
    """One scored observation about a ring."""

    code: str  # stable machine name, e.g. "cost_ratio"
    text: str  # the sentence shown to people, with its numbers
    value: float  # the measured number
    threshold: float  # where it starts to count
    points: float  # what it adds to the score (negative for benign explanations)


def ramp(value: float, start: float, full: float) -> float:
    """0 below ``start``, 1 at and above ``full``, linear between (NaN -> 0).

    >>> ramp(2.0, 1.0, 3.0), ramp(0.5, 1.0, 3.0), ramp(float("nan"), 0, 1)
    (0.5, 0.0, 0.0)
    """
    if value is None or math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, (value - start) / (full - start)))


def suspicion_reasons(f: Features, names: dict[str, str], *, typology: str, evidence: dict) -> list[Reason]:
    """The reasons that add points, for a candidate measured as ``f``.

    ``names`` maps ``venue``, ``phone``, ``region`` (and for kickbacks
    ``doctor``, ``pharmacy``) to display ids.
    """
    venue = names["venue"]
    out: list[Reason] = []

    def add(code: str, text: str, value: float, threshold: float, points: float) -> None:
        if points > 0.05:
            out.append(Reason(code, text, round(value, 4), threshold, round(points, 2)))

    if typology == "kickback":
        add(
            "steering",
            f"{evidence['patients']} of {evidence['doctor_patients']} patients of {names['doctor']} "
            f"({evidence['share']:.0%}) bought at {names['pharmacy']} within {evidence['follow_days']} days "
            f"of the visit, vs {evidence['peer_share']:.0%} of peer doctors' patients (lift {evidence['lift']:.1f}x, "
            f"z = {evidence['z']:.1f}), counting purchases with fund >= {evidence['min_fund']:.2f} yuan",
            evidence["lift"], 2.0,
            35 * max(ramp(math.log(max(evidence["lift"], 1e-9)), math.log(2), math.log(10)), ramp(evidence["z"], 4, 12)),
        )
    elif typology == "induced_admission":
        add(
            "co_admission",
            f"{f.regulars} of {f.persons} persons admitted to {venue} together on >= 4 of {f.event_days} group "
            f"admission days" if f.regulars else
            f"{f.persons} persons admitted to {venue} in groups on {f.event_days} days",
            f.event_days, 2, 30 * ramp(f.event_days, 1, 4),
        )
    else:
        add(
            "lockstep",
            f"{f.regulars} of {f.persons} persons were at {venue} on >= 4 of the same {f.event_days} days",
            f.regulars / max(f.persons, 1), 0.3, 20 * ramp(f.regulars / max(f.persons, 1), 0.2, 0.7),
        )
    add(
        "arrival_gap",
        f"median {f.median_arrival_gap:.1f} min between consecutive member arrivals on ring days",
        f.median_arrival_gap, 10.0, 10 * (1 - ramp(f.median_arrival_gap, 3.0, 10.0)) if not math.isnan(f.median_arrival_gap) else 0.0,
    )
    if not math.isnan(f.cycle_days) and f.cycle_days >= 5:
        add(
            "cycle",
            f"{f.cycle_days:.0f}-day cycle: {f.cycle_regularity:.0%} of gaps between ring days within 1 day of it",
            f.cycle_regularity, 0.5, 5 * ramp(f.cycle_regularity, 0.4, 0.8),
        )
    add(
        "cost_ratio",
        f"fund per claim {f.cost_ratio:.1f}x that of other claims with the same visit type and diagnosis "
        f"({f.ring_fund_per_claim:.2f} vs {f.venue_fund_per_claim:.2f} yuan)",
        f.cost_ratio, 1.5, 25 * ramp(f.cost_ratio, 1.3, 3.0),
    )
    add(
        "dominance",
        f"ring claims are {f.dominance:.0%} of all claims at {venue}",
        f.dominance, 0.05, 10 * ramp(f.dominance, 0.03, 0.25),
    )
    add(
        "shared_phone",
        f"{f.phone_hub_persons} persons at {f.phone_hub_addresses} addresses bound to one phone {names['phone']}",
        f.phone_hub_persons, 4, 15 * ramp(f.phone_hub_persons, 3, 8),
    )
    add(
        "out_of_region",
        f"{f.out_of_region} of {f.persons} persons insured outside {venue}'s region {names['region']}",
        f.out_of_region / max(f.persons, 1), 0.3, 10 * ramp(f.out_of_region / max(f.persons, 1), 0.2, 0.6),
    )
    add(
        "off_hours",
        f"{f.off_hours_share:.0%} of ring claims before 07:00 or after 19:00",
        f.off_hours_share, 0.2, 10 * ramp(f.off_hours_share, 0.1, 0.4),
    )
    add(
        "high_value",
        f"{f.high_value_share:.0%} of the amount billed on items priced >= 200 yuan",
        f.high_value_share, 0.5, 5 * ramp(f.high_value_share, 0.4, 0.8),
    )
    add(
        "dup_trace",
        f"{f.dup_trace_claims} claims sold a drug box whose traceability code was also sold elsewhere",
        f.dup_trace_claims, 1, 10 * ramp(f.dup_trace_claims, 0, 3),
    )
    add(
        "after_death",
        f"{f.after_death_claims} claims after the patient's or card holder's death",
        f.after_death_claims, 1, 10 * ramp(f.after_death_claims, 0, 2),
    )
    add(
        "split_admission",
        f"{f.split_admissions} admissions within 3 days of a discharge from the same facility (split stays)",
        f.split_admissions, 1, 8 * ramp(f.split_admissions, 0, 3),
    )
    add(
        "money",
        f"{f.fund:,.2f} yuan paid by the fund on {f.claims} ring claims",
        f.fund, 10_000, 10 * ramp(math.log10(max(f.fund, 1.0)), 4.0, 6.0),
    )
    return out


def hard_flags(f: Features) -> list[str]:
    """Signs no legitimate care group shows: identity or goods fraud.  They void a benign explanation."""
    flags = []
    if f.phone_hub_persons >= 4:
        flags.append(f"{f.phone_hub_persons} persons of different households on one phone")
    if f.after_death_claims:
        flags.append(f"{f.after_death_claims} claims after death")
    if f.dup_trace_claims:
        flags.append(f"{f.dup_trace_claims} resold drug boxes")
    if f.out_of_region >= 0.5 * f.persons:
        flags.append(f"{f.out_of_region} of {f.persons} persons insured elsewhere")
    return flags


def benign_explanation(f: Features) -> Reason | None:
    """Why a dense group may be legitimate care, or None.

    Dense care is legitimate when it is a chronic-disease programme cohort at
    a public institution (dialysis), the residents of one institution
    (nursing-home rounds), one household, or a one-off event (a company
    check-up).  Any of :func:`hard_flags` voids the explanation.
    """
    if hard_flags(f):
        return None
    cost = f"cost {f.cost_ratio:.2f}x peers'"
    if f.chronic_share >= 0.7 and f.top_diagnosis_share >= 0.7 and not f.private_venue:
        return Reason(
            "benign_chronic",
            f"looks like a chronic-care cohort at a public institution: {f.chronic_share:.0%} chronic-disease "
            f"(门诊慢特病) claims, {f.top_diagnosis_share:.0%} with diagnosis {f.top_diagnosis}, on a "
            f"{f.cycle_days:.0f}-day rhythm; {cost}",
            f.chronic_share, 0.7, 0.0,
        )
    if f.persons >= 8 and f.top_address_persons / f.persons >= 0.6 and f.cost_ratio <= 1.3:
        return Reason(
            "benign_institution",
            f"looks like residents of one institution (e.g. a nursing home): {f.top_address_persons} of "
            f"{f.persons} share one address; {cost}",
            f.top_address_persons / f.persons, 0.6, 0.0,
        )
    if f.addresses <= 2 and f.persons <= 8 and f.cost_ratio <= 1.5:
        return Reason(
            "benign_household",
            f"looks like one household: {f.persons} persons at {f.addresses} address(es); {cost}",
            f.addresses, 2, 0.0,
        )
    if f.event_days <= 2:
        return Reason(
            "benign_one_off",
            f"a one-off event: only {f.event_days} ring day(s) (e.g. a group check-up)",
            f.event_days, 2, 0.0,
        )
    return None
