"""Reasons: the numbers behind a ring's score, in words an inspector can check.

Each :class:`Reason` carries a code, the values its sentence is made of
(``args``), the measured value, the threshold it was compared with and the
points it added to the score, so the score is the sum of its reasons (times a
benign discount, itself a reason).  Its English sentence (``text``) is
rendered from ``args`` by the one template of its code in :data:`TEMPLATES`,
so another language can say the same reason from the same values
(``evidence.wording``) without reading the English.  Every number in a
reason's text can be recomputed from the ring's claims.
"""

from __future__ import annotations

import json
import math
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from graphfraud.score.features import HOME_AGE, REFILL_PURCHASES, Features

if TYPE_CHECKING:
    from graphfraud.score.designated import Market, Regimen

#: The English sentence of each reason code, formatted from the reason's ``args`` by field name.
#: A code with two sentences (``co_admission``, with or without regular members) tells them
#: apart by their fields: a reason's ``args`` name exactly the fields of one of them.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "steering": (
        "{patients} of {doctor_patients} patients of {doctor} ({share:.0%}) bought at {pharmacy} within "
        "{follow_days} days of the visit, vs {peer_share:.0%} of peer doctors' patients (lift {lift:.1f}x, "
        "z = {z:.1f}), counting purchases of >= {min_fund:.2f} yuan of insurance money; the {excess:.1f} patients above the "
        "peer rate are {business:.0%} of the pharmacy's {pharmacy_buyers} high-value buyers (scored above lift "
        "{lift_from:g}x, z {steering_z_from:g} or {steering_business_from:.0%} of its buyers)",
        "{patients} of {doctor_patients} patients of {doctor} ({share:.0%}) bought at {pharmacy} within "
        "{follow_days} days of the visit, vs {peer_share:.0%} of peer doctors' patients (lift {lift:.1f}x, "
        "z = {z:.1f}), counting purchases of >= {min_fund:.2f} yuan of insurance money; the {excess:.1f} patients above the "
        "peer rate are {business:.0%} of the pharmacy's {pharmacy_buyers} high-value buyers (scored above lift "
        "{lift_from:g}x, z {steering_z_from:g} or {steering_business_from:.0%} of its buyers); {self_paid} more of the "
        "doctor's patients bought there as dear but the insurance paid less (cash or personal account, e.g. a "
        "pharmacy outside the outpatient pool): members too, their money not counted",
        "{patients} of {doctor_patients} patients of {doctor} ({share:.0%}) bought at {pharmacy} within "
        "{follow_days} days of the visit, vs {peer_share:.0%} of peer doctors' patients (lift {lift:.1f}x, "
        "z = {z:.1f}), counting purchases of >= {min_price:.2f} yuan at their price, whoever paid (cash too: the "
        "insurance paid little or nothing on them); the {excess:.1f} patients above the "
        "peer rate are {business:.0%} of the pharmacy's {pharmacy_buyers} high-value buyers (scored above lift "
        "{lift_from:g}x, z {steering_z_from:g} or {steering_business_from:.0%} of its buyers)",
        "{patients} of {doctor_patients} patients of {doctor} ({share:.0%}) were billed at {site}, another "
        "institution, within {follow_days} days of the visit, vs {peer_share:.0%} of peer doctors' patients (lift "
        "{lift:.1f}x, z = {z:.1f}); the {excess:.1f} patients above the peer rate are {business:.0%} of its "
        "{site_patients} outpatients (suspected referral for a fee, e.g. imaging or tests; scored above lift "
        "{lift_from:g}x, z {steering_z_from:g} or {steering_business_from:.0%} of its outpatients)",
    ),
    "indication": (
        "{patients} of {buyers} persons seen at {site} for {diagnosis} who bought at {pharmacy} within {follow_days} "
        "days of the visit ({share:.0%}) bought there for >= {ratio:g}x the median pharmacy purchase of their "
        "diagnosis, vs {peer_share:.0%} of such buyers at every facility and pharmacy for {diagnosis} (lift "
        "{lift:.1f}x, z = {z:.1f}; chance {chance:.1e} over the {tested} facility-diagnosis-pharmacy triples with "
        "such a buyer); no visit names its doctor, so the visit's diagnosis stands in for the prescriber (scored "
        "above lift {lift_from:g}x or z {steering_z_from:g})",
        "{patients} of {buyers} persons seen at {site} for {diagnosis} who bought at {pharmacy} within {follow_days} "
        "days of the visit ({share:.0%}) bought there for >= {ratio:g}x the median pharmacy purchase of their "
        "diagnosis, vs {peer_share:.0%} of such buyers at every facility and pharmacy for {diagnosis} (lift "
        "{lift:.1f}x, z = {z:.1f}; chance {chance:.1e} over the {tested} facility-diagnosis-pharmacy triples with "
        "such a buyer); no visit names its doctor, so the visit's diagnosis stands in for the prescriber (scored "
        "above lift {lift_from:g}x or z {steering_z_from:g}); {more} more triples of the same pharmacy or chain "
        "(other facilities, diagnoses or shops) are beyond chance too: {persons} such buyers in all",
    ),
    "two_homes": (  # step 134 (score.homecare.two_homes): the members kept, said, no points
        "{kept} of the {persons} clients at {venue} were billed for a caregiver in two homes at once ({once} of them: "
        "{at_once_from:.0%} or more of their visits at the same minute as another client's by the same caregiver) or "
        "keyed like them at one time of day ({keyed_from:.0%} of their visits or more); a home-care station's clients "
        "are together on its rota, not in one place, so the ring is these {kept} (no points)",
        # step 150 (score.homecare.billed_alike): dates only, the clients billed the same amount on every visit
        "{kept} of the {persons} clients at {venue} were billed the same amount on every visit ({alike_from:.0%} of "
        "their visits at one total, {visits_from} visits or more), a template keyed by the station, not the hours a "
        "caregiver stayed; a home-care station's clients are together on its rota, not in one place, so the ring "
        "is these {kept} (no points)",
    ),
    "batch_swipes": (  # step 108 (score.rings.swiped_in_batches): a name, no points
        "{batched} of the ring's {purchases} purchases ({share:.0%}) were swiped in batches, most at {pharmacy}: "
        "{cards} cards, {batch_cards} or more one after another, each within {batch_gap} min of the one before; "
        "patients sent with prescriptions come one by one, so the cards were there, not the patients (a card "
        "collector from {batch_share_from:.0%} of the purchases; no points)",
    ),
    "twice_swiped": (  # step 138 (score.rings.swiped_twice): a name, no points
        "{twice} of the ring's {claims} claims at {venue} ({share:.0%}) were on a card billed there again the same "
        "day, vs {usual:.0%} of the venue's other claims: a patient is seen once a day, a collector swipes a card "
        "he holds again (a card collector from {twice_excess_from:.0%} more than the venue's; no points)",
    ),
    "helper_phone": (  # step 125 (helper_phone): the phone set aside for an explanation, said, no points
        "{phone} of them on one phone, taken for a helper's (代办, e.g. a community grid worker fetching the refills "
        "of elders who live alone): each card seen there {monthly:.1f} days a month (a helper's from at most "
        "{monthly_from:.1f}), at a primary-care venue not recorded as private, no dear item, cost {cost_ratio:.2f}x "
        "peers'; no claim after death",
    ),
    "maintenance_cadence": (  # step 116 (maintenance_cadence): a name, no points
        "members each came {weekly:.1f} times a week on their own fixed weekdays ({timetable:.0%} of their visits) "
        "for {weeks:.0f} weeks: treatment kept for months is maintenance treatment, and maintenance haemodialysis "
        "is 3 sessions a week: the sessions beyond it may be billed without treatment (from {weekly_from:g} a "
        "week for {weeks_from:g} weeks; no points)",
    ),
    "holder_sessions": (  # step 140 (score.sessions): a proven card ring's holder's other dear swipes, said, no points
        "{joined} more cards swiped at {shop} among the ring's own in {sessions} of its sittings ({claims} purchases, "
        "each card after the one before within {gap} min, each at least {dear:,.2f} yuan, the shop's dearest "
        "{tail:.0%}): one buyer's cards, card after card (no points)",
    ),
    "campaign_recalls": (  # step 139 (detect.recalls): a venue's campaign patients each billed once more, alone
        "{recalled} of the {persons} persons seen at {venue} on its {campaign_days} campaign days over {months:.1f} "
        "months ({share:.0%}; a campaign day: {batch} persons or more and {fold:g}x the venue's median day of "
        "{median_day:g}) were each billed there exactly once more within {recall} days and then not for {quiet} days: "
        "a campaign's crowd goes back to its own care, and a second visit billed for nearly every one of them is "
        "billed, not given (scored from {share_from:.0%})",
    ),
    "fund_checkups": (
        "{claims} check-ups without complaint (Z00) of {persons} persons billed to the fund at {venue} in batches on "
        "{batch_days} days of {campaigns} campaigns over {months:.1f} months, {again} persons checked twice within half a year: "
        "the basic insurance does not pay health check-ups, and a group check-up is one campaign (scored from "
        "{campaigns_from} campaigns)",
        "{claims} check-ups without complaint (Z00, or without a diagnosis {packages} packages of tests: "
        "examination and laboratory fee lines only) of {persons} persons billed to the fund at {venue} in batches on "
        "{batch_days} days of {campaigns} campaigns over {months:.1f} months, {again} persons checked twice within half a year: "
        "the basic insurance does not pay health check-ups, and a group check-up is one campaign (scored from "
        "{campaigns_from} campaigns)",
        # step 115: screenings without complaint (Z10-Z13) counted with the check-ups
        "{claims} check-ups and screenings without complaint (Z00, Z10-Z13; {screenings} of them screenings) of "
        "{persons} persons billed to the fund at {venue} in batches on {batch_days} days of {campaigns} campaigns over "
        "{months:.1f} months, {again} persons checked twice within half a year: the basic insurance pays neither "
        "health check-ups nor public-health screening, and a group check-up or a screening round is one campaign "
        "(scored from {campaigns_from} campaigns)",
        "{claims} check-ups and screenings without complaint (Z00, Z10-Z13; {screenings} of them screenings; or "
        "without a diagnosis {packages} packages of tests: examination and laboratory fee lines only) of {persons} "
        "persons billed to the fund at {venue} in batches on {batch_days} days of {campaigns} campaigns over "
        "{months:.1f} months, {again} persons checked twice within half a year: the basic insurance pays neither "
        "health check-ups nor public-health screening, and a group check-up or a screening round is one campaign "
        "(scored from {campaigns_from} campaigns)",
    ),
    "co_admission": (
        "{regulars} of {persons} persons admitted to {venue} together on >= 4 of {days} group admission days "
        "(scored above {event_days_from:g})",
        "{persons} persons admitted to {venue} in groups on {days} days (scored above {event_days_from:g})",
    ),
    "repeat_stays": (
        "{repeaters} of {inpatients} inpatients of {venue} ({rate:.0%}) were admitted there {times} times or more, "
        "vs {peer_rate:.1%} at its {peers} peers ({peer_group}; {ratio:.1f}x); its {persons} patients "
        "admitted {member_times} times or more had {admissions} admissions (a stay within days of a discharge counted "
        "with it; scored above {repeat_ratio_from:g}x)",
        "{repeaters} of {inpatients} inpatients of {venue} ({rate:.0%}) were admitted there {times} times or more, "
        "vs {peer_rate:.1%} at its {peers} peers ({peer_group}; {ratio:.1f}x); its {persons} patients "
        "admitted {member_times} times or more had {admissions} admissions (a stay within days of a discharge counted "
        "with it; scored above {repeat_ratio_from:g}x), and {once} more admitted once so far by the same doctors, "
        "whose own patients come back beyond chance (a short export: the rota has come round once)",
        # step 130: with the identities of the members' other city admitted once (异地就医 phantom stays)
        "{repeaters} of {inpatients} inpatients of {venue} ({rate:.0%}) were admitted there {times} times or more, "
        "vs {peer_rate:.1%} at its {peers} peers ({peer_group}; {ratio:.1f}x); its {persons} patients "
        "admitted {member_times} times or more had {admissions} admissions (a stay within days of a discharge counted "
        "with it; scored above {repeat_ratio_from:g}x), and {outside} more admitted there once, insured in city "
        "{outside_city} as {outside_members} of those patients are, with no other claim in the export (identities "
        "of another city billed for stays alone: suspected 异地就医 phantom stays)",
        # step 102: split stays (分解住院), the facility compared on its patients readmitted within days again and again
        "{repeaters} of {inpatients} inpatients of {venue} ({rate:.0%}) were discharged and readmitted there within "
        "{split_days} days {times} times or more, vs {peer_rate:.1%} at its {peers} peers ({peer_group}; {ratio:.1f}x); "
        "its {persons} such patients had {splits} readmissions within days of a discharge (split stays; settlement "
        "cuts not counted; scored above {repeat_ratio_from:g}x)",
        # step 122: with the patients the split facility admitted in batches (its recruits)
        "{repeaters} of {inpatients} inpatients of {venue} ({rate:.0%}) were discharged and readmitted there within "
        "{split_days} days {times} times or more, vs {peer_rate:.1%} at its {peers} peers ({peer_group}; {ratio:.1f}x); "
        "its {persons} such patients had {splits} readmissions within days of a discharge (split stays; settlement "
        "cuts not counted; scored above {repeat_ratio_from:g}x), and {batched} more were admitted there in batches on "
        "{batch_days} days, each far beyond its daily admissions (members too: its recruits)",
        # step 114: inpatients fetched from home by the facility's ambulance (detect.transport)
        "{repeaters} of {inpatients} inpatients of {venue} ({rate:.0%}) had a stay there billed with a transport fee "
        "({item}) and no claim at another facility just before (not a transfer), vs {peer_rate:.1%} at its {peers} "
        "peers ({peer_group}; {ratio:.1f}x); its {persons} such patients had {fetched} stays fetched so (scored "
        "above {repeat_ratio_from:g}x)",
    ),
    "misused_cards": (
        "{flagged} cards billed at {venue} cannot have been used by their holders: {dead} claimed more than "
        "{grace_days} days after the holder's death, {phone} bound to a collector's phone with other households' "
        "cards; {joined} more of its cards were billed the same way, {persons} in all (scored above "
        "{misused_cards_from:g} such cards)",
        # proven by how its few flagged cards were billed (detect.cards._seeded)
        "{flagged} cards billed at {venue} cannot have been used by their holders: {dead} claimed more than "
        "{grace_days} days after the holder's death, {phone} bound to a collector's phone with other households' "
        "cards; too few to prove it alone, but {joined} more of its cards were billed the same way, beyond chance at "
        "the peers' rate even among the {tested} institutions with such a card, {persons} in all (scored above "
        "{misused_cards_from:g} such cards)",
        # with ghost stays (detect.cards.ghost_stays): proven by its flags
        "{flagged} cards billed at {venue} cannot have been used by their holders: {dead} claimed more than "
        "{grace_days} days after the holder's death, {phone} bound to a collector's phone with other households' "
        "cards; {ghost} more had stays there with no care of their own at >= {ghost_ratio:g}x the place's usual "
        "stay, by doctors who billed such stays beyond chance at the peers' rate; with its cards billed the same "
        "way, {joined} joined the flagged, {persons} in all (scored above {misused_cards_from:g} such cards)",
        # proven by its ghost stays
        "{ghost} cards had stays at {venue} with no care of their own at >= {ghost_ratio:g}x the place's usual stay, "
        "by doctors who billed such stays beyond chance at the peers' rate even among the {tested} doctors with "
        "such cards; with its cards billed the same way, {joined} cards besides the {flagged} that cannot have been "
        "used by their holders ({dead} claimed more than {grace_days} days after the holder's death, {phone} bound "
        "to a collector's phone with other households' cards), {persons} in all (scored above "
        "{misused_cards_from:g} such cards)",
    ),
    "card_load": (
        "{flagged} of {cards} cards billed at {venue} were billed there {min_claims} times or more at >= {ratio:g}x "
        "the usual cost of such claims and of the card's own claims elsewhere (typically {times:g} times at "
        "{card_ratio:.1f}x; their cost above the usual {share:.1%} of all it billed), vs {peer_rate:.2%} of the cards "
        "at its peers (scored above {card_load_from:g} such cards)",
        "{flagged} of {cards} cards billed at {venue} were billed there {min_claims} times or more at >= {ratio:g}x "
        "the usual cost of such claims and of the card's own claims elsewhere, {spread} of them counted with their "
        "purchases as dear at other pharmacies (a card spread over shops; typically {times:g} times here at "
        "{card_ratio:.1f}x; their cost above the usual {share:.1%} of all it billed), vs {peer_rate:.2%} of the cards "
        "at its peers (scored above {card_load_from:g} such cards)",
        "{flagged} of {cards} cards billed at {venue} were billed there {min_claims} times or more at >= {ratio:g}x "
        "the usual cost of such claims and of the card's own claims elsewhere (typically {times:g} times at "
        "{card_ratio:.1f}x; their cost above the usual {share:.1%} of all it billed), vs {peer_rate:.2%} of the cards "
        "at its peers (scored above {card_load_from:g} such cards); {joined} more of its cards were billed there the "
        "same way, fewer times (typically at >= {ratio:g}x), beyond chance at its peers' rate: {persons} in all",
        "{flagged} of {cards} cards billed at {venue} were billed there {min_claims} times or more at >= {ratio:g}x "
        "the usual cost of such claims and of the card's own claims elsewhere, {spread} of them counted with their "
        "purchases as dear at other pharmacies (a card spread over shops; typically {times:g} times here at "
        "{card_ratio:.1f}x; their cost above the usual {share:.1%} of all it billed), vs {peer_rate:.2%} of the cards "
        "at its peers (scored above {card_load_from:g} such cards); {joined} more of its cards were billed there the "
        "same way, fewer times (typically at >= {ratio:g}x), beyond chance at its peers' rate: {persons} in all",
        "{flagged} of {cards} cards billed at {venue} were billed there {min_claims} times or more at >= {ratio:g}x "
        "the usual cost of such claims and of the card's own claims elsewhere (typically {times:g} times at "
        "{card_ratio:.1f}x; their cost above the usual {share:.1%} of all it billed), vs {peer_rate:.2%} of the cards "
        "at its peers (scored above {card_load_from:g} such cards); {filled:.0%} of these {prescribed} cards' "
        "claims there followed the holder's own visit to a facility within {follow_days} days: patients sent "
        "there with prescriptions (a kickback), not cards swiped; {alike} more patients of the same facilities "
        "bought there for >= {min_price:.2f} yuan within {follow_days} days of their visit: members too",
    ),
    "batch_cards": (
        "{flagged} of {cards} cards at {venue} were swiped there in batches ({batch_cards} or more different cards, "
        "each within {gap_minutes} min of the one before; typically {gap:g} min apart) on most of their days there, "
        "one pool batched together on {sessions} days ({share:.0%} of its purchases there in batches), vs "
        "{peer_rate:.1%} of the shop's other customers' days ({expected:.2f} such cards expected at that rate; cards "
        "held by one person? scored above {batch_cards_from:g} such cards)",
    ),
    "kept_cards": (
        "{flagged} of {cards} cards billed at {venue} ({households} households) were billed there on {days} days or "
        "more, typically every {cycle:g} days or faster and never lapsing a month, a cycle no patient keeps (an "
        "illness comes and goes, a follow-up is monthly), vs {peer_rate:.2%} of the cards at its peer clinics "
        "(cards kept by the clinic? scored above {kept_cards_from:g} such cards)",
    ),
    "paid_for_others": (
        "{holders} holders' personal accounts paid at {venue} for {patients} persons of other households (家庭共济), "
        "{pairs} of the {venue_pairs} (holder, person) pairs paid for there billed {min_claims} times or more at "
        ">= {ratio:g}x the usual cost of such purchases (typically {times:g} times at {card_ratio:.1f}x), vs "
        "{peer_rate:.2%} of the pairs at the other pharmacies (a cash-out on strangers' accounts? scored above "
        "{paid_for_others_from:g} such pairs)",
        # the export names no payer (detect.mutual.residents_on_accounts, step 95): residents' purchases paid from
        # a personal account, which a resident does not have
        "{patients} residents' purchases at {venue} were paid from a personal account, which a resident (居民) does "
        "not have: another's, through family mutual aid (家庭共济); {pairs} of the {venue_pairs} residents so paid "
        "for there were billed {min_claims} times or more at >= {ratio:g}x the usual cost of such purchases "
        "(typically {times:g} times at {card_ratio:.1f}x), vs {peer_rate:.2%} of those at the other pharmacies (a "
        "cash-out on strangers' accounts? scored above {paid_for_others_from:g} such persons)",
        # the export names neither payer nor account (detect.mutual.split_purchases, step 150): the purchases of one
        # day settled in parts, as several accounts pay them
        "{patients} persons' purchases at {venue} were settled in two parts or more on one day on {split_days} of "
        "their {days} days there (each of them on {min_split_days} days or more), vs {peer_rate:.2%} of the days of "
        "the shop's other customers: one day's goods paid by several accounts (门诊共济), at least {pairs} (account, "
        "person) pairs counted by the most settlements of one day, whose holders the export does not name (a "
        "cash-out on strangers' accounts? scored above {paid_for_others_from:g} such pairs)",
    ),
    "lockstep": ("{regulars} of {persons} persons were at {venue} on >= 4 of the same {days} days "
                 "(scored above {regular_share_from:.0%} of persons)",
                 "{regulars} of {persons} persons were at {venue}, or together at another of the group's venues "
                 "({others} more), on >= 4 of the same {days} days (scored above {regular_share_from:.0%} of persons)",),
    "arrival_gap": ("median {minutes:.1f} min between consecutive member arrivals on ring days "
                    "(scored below {median_arrival_gap_from:g} min)",),
    "cycle": ("{days:.0f}-day cycle: {regularity:.0%} of gaps between ring days within 1 day of it "
              "(scored above {cycle_regularity_from:.0%})",),
    "relay": ("{persons} persons at {venue} came as {cohorts} cohorts that took turns from {first} to {last}, "
              "each cohort billed there in its own weeks, the next beginning within {gap} days of the last one's end "
              "(its patients replaced cohort by cohort: {share:.0%} of all its claims; scored above "
              "{relay_cohorts_from:g} cohorts)",),
    "cost_ratio": (
        "fund per claim {ratio:.1f}x that of other claims with the same visit type and diagnosis "
        "({ring:.2f} vs {peers:.2f} yuan, scored above {cost_ratio_from:g}x)",
        "fund per claim {ratio:.1f}x that of other claims with the same visit type and diagnosis "
        "({ring:.2f} vs {peers:.2f} yuan, scored above {cost_ratio_from:g}x); {slot_joined} of the persons are "
        "more patients of {slot_doctor} on a weekly course with him on their own weekdays, each course billed at "
        ">= {slot_cost:g}x the same care elsewhere, as the ring's: members too (one doctor's slots)",
        # step 120: claims without a diagnosis, against the facility's own other claims of the visit type
        "fund per claim {ratio:.1f}x that of the other claims of the same visit type at {venue} ({ring:.2f} vs "
        "{peers:.2f} yuan; no diagnosis exported, and {type_ratio:.1f}x against every claim of the visit type; "
        "scored above {cost_ratio_from:g}x)",
    ),
    "dominance": ("ring claims are {share:.0%} of all claims at {venue} (scored above {dominance_from:.0%})",),
    "shared_phone": ("{persons} persons at {addresses} addresses bound to one phone {phone} "
                     "(scored above {phone_hub_persons_from:g} persons)",),
    "out_of_region": ("{outside} of {persons} persons insured outside {venue}'s region {region} (scored when that "
                      "share exceeds the venue's other patients' by more than {outside_excess_from:.0%})",),
    "off_hours": ("{share:.0%} of ring claims before 07:00 or after 19:00 (scored above {off_hours_share_from:.0%})",),
    "high_value": ("{share:.0%} of the amount billed on items priced >= {price:g} yuan "
                   "(scored above {high_value_share_from:.0%})",),
    "dup_trace": ("{claims} claims sold a drug box whose traceability code was also sold elsewhere "
                  "(scored above {dup_trace_claims_from:g})",),
    "after_death": ("{claims} claims after the patient's or card holder's death (scored above {after_death_claims_from:g})",),
    "split_admission": ("{admissions} admissions within {split_days} days of a discharge from the same facility (split "
                        "stays, scored above {split_admissions_from:g})",),
    "money": (
        "{stake:,.2f} yuan of insurance money on {claims} ring claims, {fund:,.2f} of it from the fund (scored above "
        "{stake_from:,.0f} yuan)",
    ),
    "learned": (
        "learned from {verdicts} verdicts: P(confirmed) {probability:.0%} ({model}), rule score {rule:.1f}; "
        "moved most by {top}",
    ),
    "benign_chronic": (
        "looks like a chronic-care cohort at a public institution: {chronic_share:.0%} chronic-disease "
        "(门诊慢特病) claims, {diagnosis_share:.0%} with diagnosis {diagnosis}, on a {cycle_days:.0f}-day rhythm; "
        "cost {cost_ratio:.2f}x peers'",
        # step 100: ownership not exported: the venue is not recorded as private, which is not public
        "looks like a chronic-care cohort at an institution not recorded as private (ownership {ownership}): "
        "{chronic_share:.0%} chronic-disease (门诊慢特病) claims, {diagnosis_share:.0%} with diagnosis {diagnosis}, "
        "on a {cycle_days:.0f}-day rhythm; cost {cost_ratio:.2f}x peers'",
    ),
    "benign_schedule": (
        "looks like a scheduled treatment cohort (e.g. dialysis shifts, a nursing home's round): members each "
        "came to {attendance:.0%} of {days} sessions, {weekday_share:.0%} of them on 3 fixed weekdays; cost "
        "{cost_ratio:.2f}x peers'",
        "looks like a treatment regimen (e.g. dialysis, rehabilitation): members each came {weekly:.1f} times a "
        "week on their own fixed weekdays ({timetable:.0%} of their visits) for {weeks:.0f} weeks; cost "
        "{cost_ratio:.2f}x peers'",
        "looks like treatment cycles (e.g. chemotherapy): members each kept a {period:.0f}-day cycle of their own "
        "({regularity:.0%} of their gaps) for {weeks:.0f} weeks, each at {attendance:.0%} of the group's days; cost "
        "{cost_ratio:.2f}x peers'",
        "looks like a department's follow-up patients (e.g. monthly hypertension or diabetes visits), each on their "
        "own days: the {persons} members each came on {attendance:.0%} of the group's {days} days over {weeks:.0f} "
        "weeks, at a venue not recorded as private; cost {cost_ratio:.2f}x peers'",
        "looks like a department's follow-up patients (e.g. monthly hypertension or diabetes visits), each on their "
        "own days: the {persons} members each came on {attendance:.0%} of the group's {days} days over {weeks:.0f} "
        "weeks, at a venue not recorded as private; cost {cost_ratio:.2f}x peers', {chance:.1f} standard errors "
        "above them: within chance",
        # step 124: against the city's other follow-up visits of the same diagnoses (graphfraud.score.public)
        "looks like a department's follow-up patients (e.g. monthly hypertension or diabetes visits), each on their "
        "own days: the {persons} members each came on {attendance:.0%} of the group's {days} days over {weeks:.0f} "
        "weeks, at a venue not recorded as private; cost {cost_ratio:.2f}x peers', {follow_up_cost:.2f}x the city's "
        "other follow-up visits of the same diagnoses (a person's {follow_up_visits} or more at one venue)",
        # step 156: a long prescription (长处方) per day of its supply (graphfraud.score.public.supply_cost)
        "looks like a department's follow-up patients given long prescriptions (长处方), each on their own days: the "
        "{persons} members each came on {attendance:.0%} of the group's {days} days over {weeks:.0f} weeks, at a venue "
        "not recorded as private; cost {cost_ratio:.2f}x peers' a claim, but each visit a refill of a median "
        "{supply_days:.0f} days and {supply_cost:.2f}x the city's other follow-up visits of the same diagnoses per day "
        "of supply",
        # step 88 (graphfraud.score.public.walk_in_patients)
        "looks like a venue's walk-in patients, each on their own days: the {persons} members each came on "
        "{attendance:.0%} of the group's {days} days, arriving a median {gap:.0f} min after one another (no batch), "
        "at a venue recorded public; cost {cost_ratio:.2f}x peers'",
        "looks like a venue's walk-in patients, each on their own days: the {persons} members each came on "
        "{attendance:.0%} of the group's {days} days, arriving a median {gap:.0f} min after one another (no batch), "
        "at a venue recorded public; cost {cost_ratio:.2f}x peers', {chance:.1f} standard errors above "
        "them: within chance",
        # step 101: the venue's ownership not exported, the group a small share of its claims
        "looks like a venue's walk-in patients, each on their own days: the {persons} members each came on "
        "{attendance:.0%} of the group's {days} days, arriving a median {gap:.0f} min after one another (no batch), "
        "{share:.1%} of the claims of a venue whose ownership the export does not give; cost {cost_ratio:.2f}x "
        "peers'",
        "looks like a venue's walk-in patients, each on their own days: the {persons} members each came on "
        "{attendance:.0%} of the group's {days} days, arriving a median {gap:.0f} min after one another (no batch), "
        "{share:.1%} of the claims of a venue whose ownership the export does not give; cost {cost_ratio:.2f}x "
        "peers', {chance:.1f} standard errors above them: within chance",
        # step 118: a monthly clinic day kept on a date of the month, whatever its weekday
        "looks like a monthly clinic day (e.g. hypertension and diabetes patients' day): members each came to "
        "{attendance:.0%} of {days} sessions, {monthday_share:.0%} of them on one date of the month (within a day); "
        "cost {cost_ratio:.2f}x peers'",
    ),
    "benign_venue_care": (  # step 155: dear against the peers, ordinary at the venue, and nothing else
        "looks like the venue's own care: the {persons} persons' only sign is their cost, {cost_ratio:.2f}x the same "
        "visit type and diagnosis at the peers (with the arrivals, the venue's share and the money any crowd of its "
        "patients shows), but their claims cost {venue_cost:.2f}x the venue's other claims, which are its business "
        "(the group {share:.0%} of them): what is dear is the venue's care for everyone (e.g. a 民族医院's pills), not "
        "the group's; a venue dear for everyone is a matter for a price review of the venue, not a ring",
    ),
    "benign_institution": (
        "looks like residents of one institution (e.g. a nursing home): {residents} of {persons} share one "
        "address; cost {cost_ratio:.2f}x peers'",
        "looks like residents of one institution (e.g. a nursing home): {residents} of {persons} share one "
        "address; cost {cost_ratio:.2f}x peers', but {venue_cost:.2f}x the venue's other claims (its own patients' "
        "care costs as much; the group {share:.0%} of its claims)",
        "looks like residents of one institution (e.g. a nursing home): the cards of {on_phone} of {persons} are "
        "bound to one phone and no address is known; cost {cost_ratio:.2f}x peers'",
        "looks like residents of one institution (e.g. a nursing home) seen on the doctor's round: the {persons} "
        "patients were seen on {sessions} days every {cycle:.0f} days ({fixed:.0%} of the gaps within a day of it) "
        "and on {other} other days; cost {cost_ratio:.2f}x peers'",
        "looks like residents of one institution (e.g. a nursing home) seen on a round: {shared} of the {persons} "
        "patients are in a group explained at the doctor's facility as care on a timetable, seen there every "
        "{cycle:.0f} days; cost {cost_ratio:.2f}x peers'",
    ),
    # step 104 (home_round)
    "benign_home_round": (
        "looks like a nursing home's residents (养老院) on its doctor's monthly round: the {persons} members' median "
        "age is {age:.0f} (residents from {age_from:g}), seen in {rounds} rounds every {cycle:.0f} days ({monthly:.0%} "
        "of the gaps a month), each round seeing {coverage:.0%} of them (from {coverage_from:.0%}); cost "
        "{cost_ratio:.2f}x peers' (care at no more than {bound:g}x)",
        "looks like a nursing home's residents (养老院) on its doctor's monthly round: the {persons} members' median "
        "age is {age:.0f} (residents from {age_from:g}), seen in {rounds} rounds every {cycle:.0f} days ({monthly:.0%} "
        "of the gaps a month), each round seeing {coverage:.0%} of them (from {coverage_from:.0%}); cost "
        "{cost_ratio:.2f}x peers' (care at no more than {bound:g}x); {phone} of them on one phone, taken for the "
        "home's (a home binds its residents' e-vouchers, 代办)",
    ),
    # step 111 (home_visits)
    "benign_home_visits": (
        "looks like home care (居家护理) on a nurse's route: the {persons} members (median age {age:.0f}) were each "
        "visited on a weekday of their own ({timetable:.0%} of their days) for {weeks:.0f} weeks, {staff:.0%} of their "
        "visits by their own nurse, who saw {visits:g} of them in a day (a route: at most {visits_from:g}); at the venue "
        "a staff member sees {venue_visits:g} persons a day, {planned:.0%} of its claims are by patients on weekdays of "
        "their own and {weekday:.0%} of its claims are on its busiest weekday (a home-care station's routes, "
        "not a clinic's sessions); cost {cost_ratio:.2f}x other outpatient claims (a "
        "home visit's fee)",
    ),
    "benign_designated": (
        "looks like a designated pharmacy (双通道) for {diagnosis} drugs: {market:.0%} of the {buyers:.0f} other "
        "high-value buyers of them (not patients of {doctor}) bought at {pharmacy} too, against {share:.0%} of the "
        "doctor's patients (a kickback stands out by {lift_from:g}x)",
        "looks like a designated pharmacy's (双通道) patients: {shared} of the {persons} persons are patients whose "
        "doctors' sending them to {pharmacy} is explained as a designated pharmacy, so their dear claims are that "
        "drug's treatment (scored as such from {share_from:.0%})",
        "looks like 门特 (chronic special disease) patients collecting their regimen at its designated pharmacy "
        "(双通道): {chronic:.0%} of the {visits} visits to {doctor} before their purchases at {pharmacy} were 门诊慢特病 "
        "visits (explained from {chronic_from:.0%}), {monthly:.2f} purchases per patient a month (a regimen's: up to "
        "{monthly_from:g}); no other venue's fee lines of the same drugs to compare prices with",
        "looks like 门特 (chronic special disease) patients collecting their regimen at its designated pharmacy "
        "(双通道): {chronic:.0%} of the {visits} visits to {doctor} before their purchases at {pharmacy} were 门诊慢特病 "
        "visits (explained from {chronic_from:.0%}), {monthly:.2f} purchases per patient a month (a regimen's: up to "
        "{monthly_from:g}); the drugs at {price:.2f}x their unit price elsewhere (up to {price_from:g}x) and "
        "{quantity:.2f}x the quantity per line (up to {quantity_from:g}x), for {compared:.0%} of the amount",
    ),
    "benign_online": (
        "looks like an internet hospital's patients (互联网医院, online consultations and repeat prescriptions): "
        "{share:.0%} of the group's claims are there, and an online visit is no meeting, at any hour; "
        "cost {cost_ratio:.2f}x peers'",
        # step 104 (b): online_refills
        "looks like an internet hospital's repeat prescriptions (复诊续方) dispensed by one pharmacy (处方流转, "
        "delivery): {doctor} saw the patients online, and they refilled at {pharmacy} every {period:.0f} days "
        "({steady:.0%} of their gaps within a quarter of it, refills from {steady_from:.0%}); cost {cost_ratio:.2f}x "
        "peers'",
        "looks like an internet hospital's repeat prescriptions (复诊续方) dispensed by one pharmacy (处方流转, "
        "delivery): {doctor} saw the patients online, and they refilled at {pharmacy} every {period:.0f} days "
        "({steady:.0%} of their gaps within a quarter of it, refills from {steady_from:.0%}); cost {cost_ratio:.2f}x "
        "peers', {chance:.1f} standard errors above them: within chance",
    ),
    "benign_refill": (
        "looks like chronic-disease refills (e.g. hypertension or diabetes drugs each month): members each bought at "
        "{pharmacy} every {period:.0f} days ({steady:.0%} of their gaps within a quarter of it), {family:.0%} of each "
        "member's purchases for one diagnosis family, at {cost:.2f}x the city's other refills for those diagnoses "
        "(persons buying them at one pharmacy {refills} times or more)",
        "looks like chronic-disease refills (e.g. hypertension or diabetes drugs each month): members each bought at "
        "{pharmacy} every {period:.0f} days ({steady:.0%} of their gaps within a quarter of it), at {cost:.2f}x the "
        "city's other pharmacy refills (persons buying at one pharmacy {refills} times or more; no diagnoses to compare)",
    ),
    # step 141: own_purchases
    "benign_own_purchases": (
        "looks like customers' own everyday purchases paid from their own accounts (个人账户), no card ring: the "
        "fund paid {fund_share:.1%} of the {stake:,.2f} yuan the members spent at {pharmacy}, and each purchase cost "
        "{cost:.2f}x the city's other purchases of the same kind (a collector's cards buy dear: above {cost_from:.1f}x)",
    ),
    # step 96 (graphfraud.detect.cards.kin_finding)
    "benign_kin_account": (
        "relatives' own purchases on dead holders' accounts (家庭共济), no card ring: {purchases} purchases at "
        "{venues} pharmacies for {relatives} relatives living with the holder (where addresses are known), paid "
        "from {accounts} personal accounts more than {grace_days} days after the holder's death; the accounts "
        "were not settled (a matter for the account office)",
    ),
    "benign_household": (
        "looks like one household: {persons} persons at {addresses} address(es); cost {cost_ratio:.2f}x peers'",
        "looks like households who each came together: {persons} persons in {parties} parties that never arrived "
        "together, each of {smallest}-{largest} persons at no more than {party_addresses} address(es), {together:.0%} "
        "of the members' arrivals with their party; cost {cost_ratio:.2f}x peers'",
        "looks like one household: {persons} persons at {addresses} address(es); cost {cost_ratio:.2f}x peers', "
        "{chance:.1f} standard errors above them: within chance for so few claims",
        "looks like households who each came together: {persons} persons in {parties} parties that never arrived "
        "together, each of {smallest}-{largest} persons at no more than {party_addresses} address(es), {together:.0%} "
        "of the members' arrivals with their party; cost {cost_ratio:.2f}x peers', {chance:.1f} standard errors "
        "above them: within chance for so few claims",
    ),
    # step 121 (score.outreach)
    "benign_referral": (
        "looks like a visiting team's clinic (对口支援, specialist outreach) admitting the few it operates on: "
        "{referred:.0%} of the group's {stays} admissions came within {days} days of an outpatient visit there by "
        "the same doctor ({doctors} doctors), each person admitted once; the {admitted} persons admitted are {share:.0%} "
        "of the {crowd} those doctors saw there on those days (a clinic's triage: at most {share_to:.0%}); cost "
        "{cost_ratio:.2f}x the diagnosis' other stays (an operation's)",
        "looks like a visiting team's clinic (对口支援, specialist outreach) admitting the few it operates on: "
        "{referred:.0%} of the group's {stays} admissions came within {days} days of an outpatient visit there (the "
        "export names no doctor: the venue's clinic is read as the team's), each person admitted once; the "
        "{admitted} persons admitted are {share:.0%} of the {crowd} seen there as outpatients on those days (a "
        "clinic's triage: at most {share_to:.0%}); cost {cost_ratio:.2f}x the diagnosis' other stays (an operation's)",
    ),
    "benign_caseload": (
        "looks like a hospital's own caseload, not a recruited group: {persons} persons, "
        "with stays there as {share:.0%} of the persons it admitted, their stays admitted by as many doctors as {doctors:.1f} sharing "
        "them alike (a department's or several: from {doctors_from:g} doctors and {share_from:.0%} of its inpatients), "
        "none leading; a hospital's catchment, its 异地就医 patients too, is its patients, and a question about the "
        "hospital, not a ring",
    ),
    "benign_one_off": (
        "a one-off event: only {days} ring day(s) (e.g. a group check-up)",
        "looks like a public venue's seasonal mass event (e.g. 三伏贴 days, a vaccination season): {persons} persons, "
        "each at {attendance:.0%} of only {sessions} daytime sessions, at a venue not recorded as private; cost "
        "{cost_ratio:.2f}x peers'",
        "looks like a public venue's seasonal mass event (e.g. 三伏贴 days, a vaccination season): {persons} persons, "
        "each at {attendance:.0%} of only {sessions} daytime sessions, part of a crowd of {crowd} there on half "
        "those sessions or more (most of their days there), at a venue not recorded as private; cost "
        "{cost_ratio:.2f}x peers'",
    ),
    "benign_aftercare": (
        "looks like follow-up care after the members' own stays (出院后复查, e.g. a works' poisoning seen again every "
        "few weeks): {discharged} of the {members} members seen there as outpatients had been discharged from a stay "
        "of their own at the venue before their first visit of the group ({same} of them with the same diagnosis "
        "family), at a venue not recorded as private; cost {cost_ratio:.2f}x peers'",
    ),
    "benign_children": (
        "looks like young children's routine care (child-health check-ups, vaccinations): the {persons} members' "
        "median age is {age:.1f} years, at a public institution; cost {cost_ratio:.2f}x peers'",
        "looks like young children's routine care (child-health check-ups, vaccinations): the {persons} members' "
        "median age is {age:.1f} years, at an institution the export gives no ownership for (not recorded as "
        "private); cost {cost_ratio:.2f}x peers' (care at no more than {bound:.2f}x)",
    ),
    "benign_primary": (
        "looks like scheduled primary care at the members' own clinic (e.g. a village's family-doctor follow-up "
        "day, a child-health day, a nursing home's round): {local:.0%} of the {persons} members also come there on "
        "their own, and the group's claims cost {own_cost_ratio:.2f}x the venue's other claims",
        "looks like a village's family-doctor follow-up day (家庭医生签约随访): {sessions} sessions every "
        "{cycle:.0f} days ({fixed:.0%} of the gaps within a day of it), each member at {attendance:.0%} of them in "
        "the working day; {local:.0%} of the {persons} members also come there on their own, and the group's claims "
        "cost {own_cost_ratio:.2f}x the venue's other claims",
    ),
}  # fmt: skip

#: Step 151: a village day that costs more than the bound per settlement but not per visit (an export that settles
#: many visits in parts, 分解结算, the follow-up whole) says both.
SETTLED_WHOLE = (
    "; per visit (a visit's split settlements counted as one) {own_visit_cost:.2f}x the venue's other visits and "
    "{visit_cost:.2f}x the same visit type and diagnosis elsewhere ({cost_ratio:.2f}x per settlement)",
    "; per visit (a visit's split settlements counted as one) {visit_cost:.2f}x the same visit type and diagnosis "
    "elsewhere ({cost_ratio:.2f}x per settlement)",
)
TEMPLATES["benign_primary"] += tuple(TEMPLATES["benign_primary"][1] + t for t in SETTLED_WHOLE)

#: Step 100: a reason resting on a facility kind inferred from the venue's own claims (graphfraud.graph.kinds) says so.
INFERRED_KIND = " (the venue's kind, {inferred_kind}, is inferred from its own claims: the export has no kinds)"
for _code in ("benign_primary", "kept_cards"):
    TEMPLATES[_code] += tuple(t + INFERRED_KIND for t in TEMPLATES[_code])

#: A loaded-card ring joined over several institutions (score.rings.join_cards, step 91): each of the card_load
#: sentences without prescriptions, followed by the institutions and the cards their rings share.
CARD_JOIN = (
    "; the cards were billed so at {institutions} institutions in all, whose card rings share {shared} cards, far "
    "beyond chance (one operator's cards swiped at several venues)"
)
TEMPLATES["card_load"] += tuple(t + CARD_JOIN for t in TEMPLATES["card_load"] if "{prescribed}" not in t)
#: Step 127: a collector's cheap baskets spread over his shops (detect.cardload.spread_sets), judged by the spread
#: and chance, not by a load against the card's own claims elsewhere.
SPREAD = (
    "{flagged} cards were each billed {min_claims} times or more at each of {institutions} pharmacies, {venue} among "
    "them, typically at >= {ratio:g}x the usual cost of such purchases at each (typically {times:g} times a shop at "
    "{card_ratio:.1f}x; their cost above the usual {share:.1%} of all the shops billed), where each shop's own rate "
    "of such cards gives {spread_expected:.2g} by chance: one collector's cards spread over his shops; {persons} "
    "cards in all billed so at two or more of them (scored above {card_load_from:g} such cards)"
)
TEMPLATES["card_load"] += (SPREAD,)
#: Step 136: one operator's cards prescribed dear at his large hospitals (detect.cardsets.hospital_sets), judged by
#: the set of hospitals and chance, not by a load at any one of them.
HOSPITALS = (
    "{flagged} cards were each billed outside a stay at >= {ratio:g}x the hospital's median such claim at two or more "
    "of the same {institutions} large hospitals, {venue} among them (typically {times:g} times a hospital at "
    "{card_ratio:.1f}x; their cost above the median {share:.1%} of all the hospitals billed), where each hospital's own "
    "rate of such cards gives {hospital_expected:.2g} by chance, and on days that coincide: one holder's cards taken "
    "to his hospitals for prescriptions (代开药, drugs for resale); {persons} cards in all billed so (scored above "
    "{card_load_from:g} such cards)"
)
TEMPLATES["card_load"] += (HOSPITALS,)

#: A steered pair with the patients whose dear purchases at the pharmacy name its doctor as the prescriber
#: (detect.steering.with_prescribed, step 97): each pharmacy sentence of steering followed by them.
NAMED = (
    "; {named} more patients' dear purchases there name the doctor as their prescriber (the pharmacy's claims "
    "carry the prescribing doctor, e.g. a 处方流转 e-prescription platform's), though not counted above: members too"
)
TEMPLATES["steering"] += tuple(t + NAMED for t in TEMPLATES["steering"] if "{site}" not in t)

#: Step 147: a check-up venue's roster checked twice at any gap (detect.checkups.ONLY_CHECKUPS), at a venue whose
#: claims are nearly all its batches' check-ups: each fund_checkups sentence followed by them.
ONLY_CHECKUPS = (
    "; {again_any} persons checked twice at any gap in its campaigns, at a venue whose claims are {only:.0%} these "
    "check-ups: it bills the fund for nothing else, the same roster campaign after campaign"
)
TEMPLATES["fund_checkups"] += tuple(t + ONLY_CHECKUPS for t in TEMPLATES["fund_checkups"])
#: Step 155: a screening venue's names screened again within detect.checkups.SCREEN_AGAIN_DAYS, where fewer were back
#: within half a year: each screenings sentence followed by them.
RESCREENED = (
    "; {rescreened} persons screened twice within {screen_again_days} days: a screening programme screens each person "
    "once a year at most, and a second round of the same names within the year is billed, not screened"
)
TEMPLATES["fund_checkups"] += tuple(t + RESCREENED for t in TEMPLATES["fund_checkups"] if "{screenings}" in t)
#: Step 147: a venue whose claims are nearly all batches of outpatient claims that nothing names (no diagnosis, no
#: fee line), in campaigns of a week at most.
TEMPLATES["fund_checkups"] += (
    "{claims} outpatient claims of {persons} persons billed to the fund at {venue} in batches on {batch_days} days of "
    "{campaigns} campaigns over {months:.1f} months, each campaign a week at most, {bare} of them with neither a "
    "diagnosis nor a fee line (nothing says what care they were); {again} persons billed twice within half a year, "
    "{again_any} at any gap; the venue's claims are {only:.0%} these batches: it bills nothing else, the same roster "
    "campaign after campaign, as a group check-up billed to the fund again and again (the basic insurance does not "
    "pay health check-ups; scored from {campaigns_from} campaigns)",
)


def fields(template: str) -> tuple[str, ...]:
    """The field names of a template, in the order of the sentence.

    >>> fields("{persons} persons at {addresses} addresses bound to one phone {phone}")
    ('persons', 'addresses', 'phone')
    """
    return tuple(dict.fromkeys(name for _, name, _, _ in string.Formatter().parse(template) if name))


def variant(templates: Iterable[str], names: Iterable[str]) -> str | None:
    """The one of ``templates`` whose fields are exactly ``names`` (in any order), or None."""
    wanted = set(names)
    return next((t for t in templates if set(fields(t)) == wanted), None)


def template(code: str, args: Mapping[str, object]) -> str:
    """The English template of reason ``code`` with the fields ``args`` name.

    Raises
    ------
    ValueError
        ``code`` has no template, or none with exactly those fields.
    """
    found = variant(TEMPLATES.get(code, ()), args)
    if found is None:
        known = " | ".join(", ".join(fields(t)) for t in TEMPLATES.get(code, ())) or "none: unknown code"
        raise ValueError(f"reason {code!r} takes the values ({known}); got ({', '.join(args)})")
    return found


def printed(code: str, args: Mapping[str, object]) -> dict[str, str]:
    """Each value of ``args`` as the English sentence prints it (``0.594`` as ``59%``), in sentence order.

    Every language shows the numbers as printed here, so they agree digit for digit.

    >>> printed("money", {"stake": 797070.672, "claims": 559, "fund": 700000.0, "stake_from": 10_000.0})
    {'stake': '797,070.67', 'claims': '559', 'fund': '700,000.00', 'stake_from': '10,000'}
    """
    out: dict[str, str] = {}
    for _, name, spec, _ in string.Formatter().parse(template(code, args)):
        if name and name not in out:
            out[name] = format(args[name], spec or "")
    return out


def args_json(args: Mapping[str, object]) -> str:
    """``args`` as compact JSON, in sentence order (the ``args`` column of ``ring_reasons.csv``).

    >>> args_json({"persons": 18, "addresses": 18, "phone": "13800000000"})
    '{"persons":18,"addresses":18,"phone":"13800000000"}'
    """
    return json.dumps(dict(args), ensure_ascii=False, separators=(",", ":"))


def _plain(value: object) -> object:
    """A numpy scalar as the Python int, float or str it holds (the others as they are)."""
    return value.item() if isinstance(value, np.generic) else value


@dataclass(frozen=True)
class Reason:
    """One scored observation about a ring.

    >>> r = Reason("dominance", {"share": 0.6116, "venue": "P1", "dominance_from": 0.03}, 0.6116, 0.03, 10.0)
    >>> r.text
    'ring claims are 61% of all claims at P1 (scored above 3%)'
    """

    code: str  # stable machine name, e.g. "cost_ratio"
    args: dict[str, object] = field(hash=False)  # the values its sentence is made of, by field name, in sentence order
    value: float  # the measured number
    threshold: float  # where it starts to count
    points: float  # what it adds to the score (negative for benign explanations)

    def __post_init__(self) -> None:
        # Checked and put in sentence order once, so that every Reason renders and its args
        # are the same JSON whatever order they were given in.
        names = fields(template(self.code, self.args))
        object.__setattr__(self, "args", {name: _plain(self.args[name]) for name in names})

    @property
    def text(self) -> str:
        """The sentence shown to people, with its numbers (:data:`TEMPLATES` filled from ``args``)."""
        return template(self.code, self.args).format(**self.args)


def ramp(value: float, start: float, full: float) -> float:
    """0 below ``start``, 1 at and above ``full``, linear between (NaN -> 0).

    >>> ramp(2.0, 1.0, 3.0), ramp(0.5, 1.0, 3.0), ramp(float("nan"), 0, 1)
    (0.5, 0.0, 0.0)
    """
    if value is None or math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, (value - start) / (full - start)))


def hard_flags(f: Features, *, treatment: bool = False, home: bool = False) -> list[str]:
    """Signs no legitimate care group shows: identity or goods fraud.  They void a benign explanation.

    ``treatment``: the group looks like regular treatment (dialysis, chronic
    care) at a facility; its members being insured in another city is then
    no sign (patients travel for it, 异地就医), the identity and goods signs still are.

    ``home``: the group is a nursing home's residents on its doctor's monthly round (:func:`home_round`, step
    117); a home binds the e-vouchers of residents without a phone of their own to its own (代办), so persons of
    many registered households on one phone are no sign there; the other signs still are.

    Resold drug boxes (回流药) are the group's sign when they are a share of its
    pharmacy purchases (:data:`RESOLD_SHARE`): a card collector's cards buy the
    boxes that come back to the market, while a patient who bought a recycled
    box from a pharmacy is its victim, and a busy pharmacy's regulars hold a few.
    """
    flags = []
    if f.phone_hub_persons >= 4 and not home and not helper_phone(f):  # step 125: a 代办 helper's phone is no sign
        flags.append(f"{f.phone_hub_persons} persons of different households on one phone")
    if f.after_death_claims:
        flags.append(f"{f.after_death_claims} claims after death")
    if f.dup_trace_claims >= RESOLD_SHARE * max(f.pharmacy_share * f.claims, 1.0):
        flags.append(f"{f.dup_trace_claims} resold drug boxes")
    city_share = f.out_of_city / max(f.persons, 1)
    household = f.top_address_persons >= 0.5 * f.persons  # a family insured where it came from is no sign
    if city_share >= 0.5 and city_share - catchment(f, city=True) >= 0.3 and not household and not treatment:
        flags.append(
            f"{f.out_of_city} of {f.persons} persons insured in another city (the venue's other "
            f"patients: {catchment(f, city=True):.0%})"
        )
    return flags


#: Step 125 (:func:`helper_phone`): a phone that binds the cards of a group seen about one day a month each is a
#: helper's (代办) at a public primary-care venue; False makes the phone hub void every explanation as before.
HELPER_PHONE = True
#: ... each member seen at the venue at most this often (visits a week over their own span there, the median over
#: the members: a monthly refill is 0.23, the 网格员's groups of tenthworld 1-6 0.24-0.28; twice a month is 0.47) ...
HELPER_WEEKLY = 0.35
#: ... with less than this share of the group's amount on dear items (priced >= 200 yuan; the refill days' 0.00).
HELPER_DEAR = 0.2


def helper_phone(f: Features) -> bool:
    """Whether the group's phone hub is a helper's (代办), no collector's (step 125).

    A community's grid worker (网格员) or a family doctor's assistant binds the
    e-vouchers of elders who live alone to her own phone and fetches their
    monthly refills (门慢) on the family doctor's day; a collector binds cards to
    use them.  What the helper's cards are used for is what their holders would
    get themselves: the monthly refills at their own public primary-care venue
    (社区卫生服务中心), each card about one day a month
    (:data:`HELPER_WEEKLY`), no dear item (:data:`HELPER_DEAR`), at no more than
    the peers' cost (:data:`PEER_COST`), in no ward nor pharmacy.  A venue
    recorded private keeps the phone a sign (ownership unknown does not).
    Claims after death, resold boxes and cards of another city still void an
    explanation (:func:`hard_flags`).

    >>> from graphfraud.score.features import Features
    >>> grid = Features(
    ...     persons=30, claims=300, fund=15000.0, venue=0, venue_share=1.0, pharmacy_share=0.0,
    ...     inpatient_share=0.0, chronic_share=0.4, top_diagnosis="I10", top_diagnosis_share=0.6, event_days=10,
    ...     regulars=30, cycle_days=28.0, cycle_regularity=0.8, median_arrival_gap=7.0, off_hours_share=0.0,
    ...     dominance=0.05, cost_ratio=0.9, venue_fund_per_claim=50.0, peer_venue_ratio=1.0, ring_fund_per_claim=50.0,
    ...     out_of_region=0, catchment_outside=0.0, out_of_city=0, catchment_outside_city=0.0, sessions=10,
    ...     attendance=1.0, weekday_share=1.0, public_venue=1.0, phone_hub_persons=20, phone_hub=3,
    ...     phone_hub_addresses=20, top_address_persons=1, addresses=30, median_age=80.0, dup_trace_claims=0,
    ...     after_death_claims=0, split_admissions=0, high_value_share=0.0, private_venue=False,
    ...     member_weekly=0.25, primary_venue=True)
    >>> helper_phone(grid), hard_flags(grid)
    (True, [])
    >>> import dataclasses
    >>> helper_phone(dataclasses.replace(grid, member_weekly=1.0)), helper_phone(dataclasses.replace(grid, cost_ratio=2.0))
    (False, False)
    >>> hard_flags(dataclasses.replace(grid, public_venue=0.0, private_venue=True))
    ['20 persons of different households on one phone']
    """
    if not HELPER_PHONE or not f.primary_venue or f.private_venue or f.public_venue == 0.0:
        return False
    if f.pharmacy_share >= 0.5 or f.inpatient_share >= 0.5 or _helper_dear(f) >= HELPER_DEAR:
        return False
    if not 0.0 < f.member_weekly <= HELPER_WEEKLY:  # 0: not measured (no member on four days there)
        return False
    return f.cost_ratio <= PEER_COST and not f.money_cost > PEER_COST  # (a NaN money_cost: the fund's is the measure)


#: Step 132: :data:`HELPER_DEAR` is read on the claims of the cards bound to the phone (``phone_hub_dear``), not on the
#: whole group's: a grid worker's refill day shares its 社区 centre's days with other regulars who may buy dear
#: inhalers of their own (tenthworld 9: 0.24 of the group's amount, 0.00 of the phone's cards').  False: the group's.
HELPER_DEAR_OWN = True


def _helper_dear(f: Features) -> float:
    """The share of the amount on dear items that :func:`helper_phone` reads: the phone's cards' (step 132)."""
    own = getattr(f, "phone_hub_dear", math.nan)
    return own if HELPER_DEAR_OWN and not math.isnan(own) else f.high_value_share


def helper_said(f: Features) -> Reason | None:
    """The phone hub that :func:`helper_phone` set aside for an explanation, said so the inspector sees it (no points).

    >>> from types import SimpleNamespace
    >>> g = SimpleNamespace(phone_hub_persons=20, member_weekly=0.25, cost_ratio=0.9, primary_venue=True,
    ...                     private_venue=False, public_venue=1.0, pharmacy_share=0.0, inpatient_share=0.0,
    ...                     high_value_share=0.0, money_cost=float("nan"))
    >>> helper_said(g).text
    "20 of them on one phone, taken for a helper's (代办, e.g. a community grid worker fetching the refills of elders who live alone): each card seen there 1.1 days a month (a helper's from at most 1.5), at a primary-care venue not recorded as private, no dear item, cost 0.90x peers'; no claim after death"
    """
    if f.phone_hub_persons < 4 or not helper_phone(f):
        return None
    args: dict[str, object] = {"phone": f.phone_hub_persons, "monthly": f.member_weekly * MONTH_WEEKS,
            "monthly_from": HELPER_WEEKLY * MONTH_WEEKS, "cost_ratio": f.cost_ratio}  # fmt: skip
    return Reason("helper_phone", args, round(f.member_weekly, 4), HELPER_WEEKLY, 0.0)


#: Weeks in a month (365.25 / 12 / 7), to say a weekly rate a month.
MONTH_WEEKS = 4.348


def catchment(f: Features, *, city: bool = False) -> float:
    """The main venue's own share of claims by persons insured outside its region (or city); 0 when unknown."""
    share = f.catchment_outside_city if city else f.catchment_outside
    return 0.0 if math.isnan(share) else share


def outside_excess(f: Features) -> float:
    """How far the group's share of persons insured elsewhere exceeds its venue's catchment.

    A city hospital's dialysis unit draws from every district (its other
    patients too); a card collector's holders come from elsewhere while the
    pharmacy's other customers are local.
    """
    return f.out_of_region / max(f.persons, 1) - catchment(f)


#: Resold boxes void a benign explanation from this share of the group's pharmacy purchases (one in ten): a
#: card collector's resold sales are a steady part of his purchases (a fifth to a half measured on independently
#: generated worlds, 5-25% of drug lines planted by synth, each repeated sale counted twice), while the innocent
#: buyers of recycled boxes among a pharmacy's regulars hold a few in a hundred (0.4-4.5% measured).
RESOLD_SHARE = 0.1
#: A scheduled cohort's members each come to at least this share of its sessions.
SCHEDULE_ATTENDANCE = 0.5
#: ... and its sessions fall on fixed weekdays: at least this share on its 3 commonest weekdays.
SCHEDULE_WEEKDAYS = 0.8

#: Step 118 (:func:`dated`): a group whose sessions keep a date of the month (:data:`SCHEDULE_WEEKDAYS` of them within
#: a day of one date) is on a timetable as one on fixed weekdays is.  False turns it off.
DATED_SCHEDULE = True

#: Fund per claim against peers' where the cost_ratio reason starts scoring; care at or below it costs as care does.
PEER_COST = 1.3
#: Step 103: a session cohort (:func:`session_cohort`) is care up to this cost against its peers.  A timetable alone
#: does not vouch for the care: a doctor who bills his roster every rota day has a timetable by construction (a
#: 医共体 doctor's phantom village rota, 1.89-2.23x), where the dev worlds' explained scheduled cohorts (dialysis
#: shifts, 两病 clinics, village rotas, rehabilitation: 463 groups) cost at most 1.37x (measured over 1.0-3.0 in
#: docs/detection.md, step 103).  None turns the bound off.
SCHEDULE_COST: float | None = 1.5
#: Step 109: a timetable of fewer than 12 sessions is one when its sessions span at least this many weeks (a monthly
#: clinic day kept for a quarter or more: a mine hospital's 职业病/尘肺 follow-up day), ...
TIMETABLE_WEEKS = 12.0
#: ... and has at least this many sessions (fewer do not show a weekday kept) ...
TIMETABLE_SESSIONS = 6
#: ... at no more than the peers' cost (:data:`PEER_COST`): a few sessions vouch for less than a weekly timetable.
#: None turns step 109 off (a timetable is then 12 sessions or more).
TIMETABLE_COST: float | None = 1.3
#: ... of at least this many persons (a clinic day's list: the 尘肺 days explained are 21-86 persons; a handful on a
#: few sessions is as likely a piece of a pool: thirdworld 57's village doctor's kept cards, 5 persons on 6 sessions,
#: were explained without it; added by the lead at the merge).
TIMETABLE_PERSONS = 15
#: A weekly course of therapy on each member's own weekday lasts at least this many weeks (a month).
COURSE_WEEKS = 4.0
#: Ownership unknown: a weekly course is care when it costs no more than the same care elsewhere (the peers' cost).
UNKNOWN_OWNER_COST = 1.0
#: A course of chemotherapy is 4-8 cycles (then the patient is reassessed): patients whose cycles started together
#: have had at most this many cycles each (gaps between their visits); a broker's pool attends without end.
COURSE_CYCLES = 8.0
#: A day ward's stays end the day they begin (日间病房: chemotherapy, transfusion): at least this share of the group's
#: inpatient stays with a known discharge were discharged on their admission day.
DAY_STAYS = 0.8
#: Step 113: without a discharge exported, a chemotherapy course's inpatient cycles (:func:`chemotherapy_course`)
#: stand for the one-day stays (fifthworld 31's 日间化疗 ward: no ``end_time``, 93 patients on their own 14-28-day
#: cycles reported as an induced admission).  False: a day ward needs the discharge day.
DAY_WARD_UNTIMED = True
#: Step 128: where the group's claims carry no diagnosis, a day ward's patients who started their cycles together
#: are a course by what is left of :func:`chemotherapy_course` (a public hospital, at most ``COURSE_CYCLES`` cycles)
#: with the stays' own proof (every stay ended the day it began, ``DAY_STAYS``).  False: they need the C code.
DAY_WARD_UNDIAGNOSED = True
#: Step 113 (c): a day ward's cycles are each patient's timetable, bounded as step 103 bounds one (a regimen's drugs
#: set its cost: one ward's pieces cost 0.84-1.40x, fifthworld 8); PEER_COST: the bound of other treatment cycles.
DAY_WARD_COST = 1.5
#: A venue whose ownership the export does not give, as reasons name it (step 100: unknown is neither public nor private).
UNKNOWN_OWNER = "未导出/not exported"
#: Step 116: a chronic-disease programme is bounded by its treatment's cadence as a regimen is (step 90's
#: :func:`maintenance_overrun`): a programme cohort seen more often than maintenance dialysis, for months, is no
#: programme.  False: the programme explains its cohort whatever the cadence (the behaviour before step 116).
CHRONIC_CADENCE = True


def chronic_programme(f: Features) -> bool:
    """Chronic-disease programme visits (门诊慢特病), one diagnosis when diagnoses are known, not at a private venue.

    Step 116: not at more sessions a week, kept for months, than maintenance treatment has
    (:func:`maintenance_overrun`).  A programme's visits are its treatment's: the one kept for months at a
    cadence of several a week is haemodialysis (N18), three sessions a week.  Where the export gives no
    ownership, a padded unit's patients are programme visits like the hospital unit's (sixthworld 17, 21: 3.6 a
    week for 35 weeks, a Sunday session billed on top); the cadence tells them apart, not the venue.
    """
    return (f.chronic_share >= 0.7 and (f.top_diagnosis_share >= 0.7 or not f.top_diagnosis)
            and not f.private_venue and f.pharmacy_share < 0.5
            and not (CHRONIC_CADENCE and maintenance_overrun(f)))  # fmt: skip


def scheduled_cohort(f: Features) -> bool:
    """Regular treatment on a timetable: :func:`session_cohort` or a :func:`weekly_course`."""
    return session_cohort(f) or weekly_course(f)


def session_cohort(f: Features) -> bool:
    """Regular treatment on a timetable (dialysis shifts, rehabilitation or nursing-home rounds).

    Either each member keeps a treatment :func:`regimen` of their own (at any
    venue: independent dialysis centres are often private), or the group's
    members each come to at least half of its sessions (``attendance``;
    sessions are its best-attended days, not the days a few members came on
    their own) or the group costs no more than its peers (a nursing home's
    round sees the residents who need it, 40-90% of them; a staged clinic is
    staged to bill), the sessions fall on fixed weekdays for months (at least 12),
    at a facility that is not private, and the care looks like care: a public
    institution at no more than the peers' cost (:data:`PEER_COST`), mostly
    chronic-disease visits or one diagnosis for most claims.  A public venue
    alone does not vouch for a group that bills above the same care
    elsewhere: physiotherapy sold with gifts (理疗送礼品) at a township centre
    bills the same treatment lines on every visit, whatever the diagnosis,
    and its friends who keep one weekday slot together look like a session
    (its slots 1.56-2.00x the peers' cost measured on thirdworld 1-36, while the
    county TCM hospital's regulars on their own slots cost 0.73-1.24x).  Staged clinics rotate their pool over irregular batches at
    private clinics; card collectors work at pharmacies.  With the venue's
    ownership not exported, care is also a group at no more than the peers'
    cost (:data:`UNKNOWN_OWNER_COST`, as in :func:`weekly_course`: friends who
    keep one weekly slot together at a county TCM hospital).  Step 103: and not above :data:`SCHEDULE_COST` times
    the peers' cost, whatever vouches for the care: a township doctor who bills the elders of his village roster on
    every rota day, whether they came or not, keeps a timetable by construction.
    """
    return _session_cohort(f, on_date=False)


def _session_cohort(f: Features, *, on_date: bool) -> bool:
    """:func:`session_cohort`, its sessions on fixed weekdays or (``on_date``, step 118) on a date of the month."""
    if f.inpatient_share >= 0.5:
        return False
    if treatment_cycles(f):  # at a pharmacy too: chronic-disease refills, each member on their own month
        return True
    if f.pharmacy_share >= 0.5:
        return False
    if regimen(f):
        return not dear_course(f)  # step 151 (b)
    if (f.sessions < 12 and not monthly_timetable(f) and not rota_timetable(f)) or f.public_venue == 0.0:
        return False
    # A round need not see everyone each time (a nursing home's doctor sees the residents who need it,
    # often fewer than half): at no more than the peers' cost there is no billing to stage.
    present = f.attendance >= SCHEDULE_ATTENDANCE or f.cost_ratio <= PEER_COST
    on_timetable = present and (dated(f) if on_date else f.weekday_share >= SCHEDULE_WEEKDAYS)
    # A public institution vouches for the care at the care's cost (as in weekly_course): slots of a course sold
    # with gifts at a township centre bill the same treatment lines above the same care elsewhere.
    public = f.public_venue == 1.0 and f.cost_ratio <= PEER_COST
    care = public or f.chronic_share >= 0.5 or f.top_diagnosis_share >= 0.7
    # ownership not exported: care when it costs no more than the same care elsewhere (see weekly_course)
    care = care or (math.isnan(f.public_venue) and f.cost_ratio <= UNKNOWN_OWNER_COST)
    # step 103: and a timetable is care at a care's cost (a roster billed every rota day is a timetable too)
    dear = SCHEDULE_COST is not None and f.cost_ratio > SCHEDULE_COST
    return on_timetable and care and not dear


def dated(f: Features) -> bool:
    """Step 118: the group's sessions keep a date of the month (每月固定日), whatever its weekday.

    A 卫生院's or community centre's 两病 (hypertension and diabetes) patients come on its clinic day, the 7th of
    each month: their sessions fall on every weekday in turn, so the weekday test of :func:`session_cohort` does
    not see the timetable.  At least :data:`SCHEDULE_WEEKDAYS` of the sessions within a day of one date of the month
    (``monthday_share``) is a timetable kept by the calendar; the rest of :func:`session_cohort` (members at half
    the sessions, a venue not private, care at the care's cost, and :func:`monthly_timetable` with fewer than 12
    sessions) still applies.  :data:`DATED_SCHEDULE` False turns it off.
    """
    return DATED_SCHEDULE and f.monthday_share >= SCHEDULE_WEEKDAYS


def dated_cohort(f: Features) -> Reason | None:
    """Step 118: a group on a clinic day kept on a date of the month (:func:`dated`), or None.

    Tried after every other explanation of a group (a village's follow-up day, a home's monthly round, young
    children's care keep their own words); any of :func:`hard_flags` voids it, as it voids a timetable of care.
    """
    if not dated(f) or not _session_cohort(f, on_date=True) or hard_flags(f, treatment=True):
        return None
    return Reason(
        "benign_schedule",
        {"attendance": f.attendance, "days": f.sessions, "monthday_share": f.monthday_share, "cost_ratio": f.cost_ratio},
        f.monthday_share, SCHEDULE_WEEKDAYS, 0.0,
    )  # fmt: skip


def monthly_timetable(f: Features) -> bool:
    """Step 109: fewer than 12 sessions kept on a timetable for months, at the care's cost (a monthly clinic day).

    A mine hospital's occupational-disease (职业病, 尘肺) patients come back on its monthly clinic day: 6-11
    sessions a year on one weekday, most of the patients at each.  Twelve sessions are a weekly timetable's
    quarter; a monthly one shows the same in its span: at least :data:`TIMETABLE_SESSIONS` sessions whose median
    gap times their gaps spans :data:`TIMETABLE_WEEKS` weeks or more, each member at half of them or more
    (:data:`SCHEDULE_ATTENDANCE`: a clinic day's patients come back; a campaign's batches are new faces), of
    :data:`TIMETABLE_PERSONS` persons or more (a handful on a few sessions may be a piece of a pool), at no
    more than :data:`TIMETABLE_COST` times the peers' cost (a staged clinic's monthly batches bill above the care
    they imitate).  The rest of
    :func:`session_cohort` (attendance, weekdays, a venue not private, care) still applies.
    """
    if TIMETABLE_COST is None or f.sessions < TIMETABLE_SESSIONS or math.isnan(f.session_cycle):
        return False
    if f.persons < TIMETABLE_PERSONS:  # a clinic day's list, not a handful
        return False
    span_weeks = (f.sessions - 1) * f.session_cycle / 7.0
    # most of the patients at each session (a round's share seen is not enough with few sessions to show it)
    return span_weeks >= TIMETABLE_WEEKS and f.attendance >= SCHEDULE_ATTENDANCE and f.cost_ratio <= TIMETABLE_COST


#: Step 132 (b): a rota whose sessions come at most this many days apart (weekly or fortnightly: a 医共体 doctor's
#: village rota, each village on its weekday every one or two weeks) is judged as a timetable of 12 sessions when
#: it spans :data:`TIMETABLE_WEEKS` or more with :data:`TIMETABLE_SESSIONS` or more; None turns it off.
ROTA_CYCLE: float | None = 14.0


def rota_timetable(f: Features) -> bool:
    """Step 132 (b): fewer than 12 sessions that are a weekly or fortnightly rota kept for a quarter or more.

    Twelve sessions are a weekly timetable's quarter (:func:`session_cohort`); a fortnightly rota shows the same
    quarter in six, and an export of five months holds eleven of them (seventhworld's winter: a village rota
    every 14 days, 11 sessions over 20 weeks, its pieces of 9-16 elders at 1.19-1.32x the peers).  Step 109's
    bounds for a monthly clinic day (:data:`TIMETABLE_PERSONS`, :data:`TIMETABLE_COST`) are for a clinic seen a
    few times; a rota at most :data:`ROTA_CYCLE` days apart for :data:`TIMETABLE_WEEKS` or more is judged as the
    weekly timetable is: the rest of :func:`session_cohort` (members at half the sessions or the peers' cost,
    80% on 3 weekdays, a venue not private, care, step 103's :data:`SCHEDULE_COST`) still applies.

    >>> from types import SimpleNamespace
    >>> rota = SimpleNamespace(sessions=11, session_cycle=14.0)
    >>> rota_timetable(rota), rota_timetable(SimpleNamespace(sessions=11, session_cycle=28.0))
    (True, False)
    >>> rota_timetable(SimpleNamespace(sessions=6, session_cycle=14.0))  # 10 weeks: not a quarter
    False
    """
    if ROTA_CYCLE is None or f.sessions < TIMETABLE_SESSIONS or math.isnan(f.session_cycle):
        return False
    return f.session_cycle <= ROTA_CYCLE and (f.sessions - 1) * f.session_cycle / 7.0 >= TIMETABLE_WEEKS


def regimen(f: Features) -> bool:
    """A treatment regimen: each member twice a week or more, on their own fixed weekdays, for two weeks or more.

    This is how dialysis (three sessions a week, Mon/Wed/Fri or Tue/Thu/Sat)
    and rehabilitation courses are given, whatever the ownership of the
    venue, the visit type or the diagnosis recorded, and however the venue
    splits its patients into shifts (a rehabilitation course is commonly 10 to
    20 sessions over two to four weeks).  A broker's batches every few days
    rotate through the weekdays; a weekly batch is once a week (but see
    :func:`weekly_course`).
    """
    if maintenance_overrun(f):  # step 90: no maintenance treatment is given this often
        return treatment_cycles(f)
    weekly = f.member_weekly >= 2.0 and f.member_timetable >= SCHEDULE_WEEKDAYS and f.member_course_weeks >= 2.0
    # the same seen from the group: each member at nearly every one of >= 24 sessions, >= 2 a week on fixed weekdays
    group = (f.attendance >= 0.8 and f.weekday_share >= 0.9 and f.sessions >= 24
             and not math.isnan(f.cycle_days) and f.cycle_days <= 3.5)  # fmt: skip
    return weekly or group or treatment_cycles(f)


#: A course of treatment (rehabilitation, physiotherapy: daily sessions) ends within this many weeks; a regimen kept
#: longer is maintenance treatment (haemodialysis), given on a fixed number of sessions a week (step 90).
MAINTENANCE_WEEKS = 12.0
#: Maintenance haemodialysis is three sessions a week (Mon/Wed/Fri or Tue/Thu/Sat; twice a week with residual
#: function): a long regimen whose members each come more often than this is billed beyond its treatment (step 90).
MAINTENANCE_WEEKLY = 3.2


def maintenance_overrun(f: Features) -> bool:
    """A regimen kept for months at more sessions a week than maintenance treatment has (step 90).

    A course of rehabilitation or physiotherapy may be daily, but it ends
    within weeks (2-8 measured: 5.9-6.3 sessions a week); treatment kept for
    months on each patient's own weekdays is maintenance, haemodialysis
    first, and dialysis is three sessions a week (2.84-3.01 measured on every
    dialysis cohort explained on otherworld, thirdworld, fourthworld,
    fifthworld and sixthworld dev seeds).  A unit whose patients each come
    3.5 times a week for half a year bills a session no patient needs (the
    padded Sunday shift).  Its cost does not tell: a dialysis session costs
    5-14x the same diagnosis's ordinary visits, so :data:`PEER_COST` would
    void every dialysis cohort; the cadence does.  So: each member's median
    visits a week above ``MAINTENANCE_WEEKLY`` for at least
    ``MAINTENANCE_WEEKS``.
    """
    return f.member_weekly > MAINTENANCE_WEEKLY and f.member_course_weeks >= MAINTENANCE_WEEKS


#: Step 151 (b): a course of treatment (more sessions a week than maintenance treatment, for less than
#: MAINTENANCE_WEEKS) at a venue not recorded as public is a regimen of care at no more than this many times the same
#: care elsewhere; None (the default since round 27's merge) turns the bound off.  At ``PEER_COST`` (1.3) it found
#: sixthworld 6's phantom rehabilitation but put seven honest private rehabilitation day programmes of two other
#: generators (otherworld 128 and 133, ninthworld 3, 8, 9, 16 and 18) into the top K as staged clinics: their honest
#: courses cost more than the same visits elsewhere.
COURSE_COST: float | None = None


def dear_course(f: Features, bound: float | None = None) -> bool:
    """Step 151 (b): a course of near-daily sessions at a venue not recorded as public, billed above the same care.

    A rehabilitation or physiotherapy course (康复, 理疗) is given near daily for a few weeks, and a private clinic's
    honest course costs what the same visits cost elsewhere (0.88-1.17x measured, otherworld's rehabilitation
    clinics).  A clinic that bills courses no one took (虚构康复疗程) keys them on its cards in the same shape, and
    :func:`regimen` reads the shape at any cost; what it bills is dearer than the care (1.52-2.27x, sixthworld's
    phantom rehabilitation).  So a regimen whose members each come more than :data:`MAINTENANCE_WEEKLY` times a
    week for less than :data:`MAINTENANCE_WEEKS` (a course, not maintenance dialysis, which may cost many times a
    code's ordinary visits), at a venue not recorded as public, above :data:`COURSE_COST` times the peers' cost,
    is no regimen of care.  A public institution's courses are judged as before.

    ``bound`` is :data:`COURSE_COST` when not given, None (off) by default; with the bound set:

    >>> from types import SimpleNamespace
    >>> course = SimpleNamespace(member_weekly=5.6, member_course_weeks=3.0, public_venue=0.0, cost_ratio=2.27)
    >>> dear_course(course), dear_course(course, PEER_COST)
    (False, True)
    >>> dear_course(SimpleNamespace(**{**vars(course), "cost_ratio": 1.1}), PEER_COST)
    False
    >>> dialysis = SimpleNamespace(**{**vars(course), "member_weekly": 3.0, "member_course_weeks": 40.0})
    >>> dear_course(dialysis, PEER_COST)
    False
    """
    bound = COURSE_COST if bound is None else bound
    if bound is None:
        return False
    course = f.member_weekly > MAINTENANCE_WEEKLY and f.member_course_weeks < MAINTENANCE_WEEKS
    return course and f.public_venue != 1.0 and f.cost_ratio > bound


def maintenance_cadence(f: Features) -> Reason | None:
    """Step 116: the cadence that voids a regimen or a chronic-disease programme (:func:`maintenance_overrun`),
    said to the inspector with no points, or None.

    A group kept from its benign reading only by its cadence (a padded dialysis unit: its sessions, its patients
    and its cost are a dialysis unit's) shows nothing else that says what is wrong; this sentence does.  Said
    for a group on a timetable (each member on their own weekdays, :data:`SCHEDULE_WEEKDAYS`) at facilities.

    >>> from types import SimpleNamespace
    >>> padded = SimpleNamespace(member_weekly=3.6, member_timetable=1.0, member_course_weeks=35.0, pharmacy_share=0.0)
    >>> maintenance_cadence(padded).value  # a Sunday session billed on top of Mon/Wed/Fri, for 35 weeks
    3.6
    >>> maintenance_cadence(SimpleNamespace(**{**vars(padded), "member_weekly": 3.0})) is None  # dialysis
    True
    """
    if not maintenance_overrun(f) or f.member_timetable < SCHEDULE_WEEKDAYS or f.pharmacy_share >= 0.5:
        return None
    args: dict[str, object] = {"weekly": f.member_weekly, "timetable": f.member_timetable, "weeks": f.member_course_weeks,
            "weekly_from": MAINTENANCE_WEEKLY, "weeks_from": MAINTENANCE_WEEKS}  # fmt: skip
    return Reason("maintenance_cadence", args, round(f.member_weekly, 4), MAINTENANCE_WEEKLY, 0.0)


def _weekly_args(f: Features) -> dict[str, object]:
    """The sentence values of a timetable of weekly visits (a regimen or a weekly course)."""
    return {"weekly": f.member_weekly, "timetable": f.member_timetable, "weeks": f.member_course_weeks,
            "cost_ratio": f.cost_ratio}  # fmt: skip


def weekly_course(f: Features) -> bool:
    """A course of therapy (针灸, 推拿, physiotherapy), each member on their own weekday, at a public institution, as care.

    Therapy regulars come about once a week, each on their own fixed weekday
    (at least ``SCHEDULE_WEEKDAYS`` of their days) for ``COURSE_WEEKS`` or more,
    so each is at a fraction of the group's days (at most
    ``SCHEDULE_ATTENDANCE``), at no more than the peers' cost (``PEER_COST``).
    Physiotherapy sold with gifts bills above the care it imitates, a
    broker's weekly batch brings its members together, and at a private
    clinic neither the timetable nor the cost vouches for the care.

    When the export drops the venue's ownership (``public_venue`` NaN), the
    course is care if it costs no more than the same care elsewhere
    (``cost_ratio`` at most :data:`UNKNOWN_OWNER_COST`): the regulars of a
    county TCM hospital's acupuncture room pay what its other patients pay,
    while a course sold with gifts bills above the care it imitates to pay
    for the gifts, wherever it is given (1.05-2.2x measured on thirdworld
    1-36, private clinics included).
    """
    if f.inpatient_share >= 0.5 or f.pharmacy_share >= 0.5:
        return False
    public = f.public_venue == 1.0 and f.cost_ratio <= PEER_COST
    unknown = math.isnan(f.public_venue) and f.cost_ratio <= UNKNOWN_OWNER_COST
    return (f.member_timetable >= SCHEDULE_WEEKDAYS and f.member_course_weeks >= COURSE_WEEKS
            and f.attendance <= SCHEDULE_ATTENDANCE and (public or unknown))  # fmt: skip


def treatment_cycles(f: Features, *, cost: float = PEER_COST, together: bool = False) -> bool:
    """Each member on a cycle of their own (chemotherapy every 2-4 weeks, monthly refills), as care, at peer cost.

    It holds at pharmacies too: a chronic-disease pharmacy's regulars refill
    each on their own month.

    A cohort of cycles started on their own days: each member's gaps keep to
    their own period (``member_regularity``) for months, while members rarely
    share a day (``attendance`` at most half), at a venue whose care is care
    (a public institution, one diagnosis, chronic-disease visits, or a
    pharmacy, which dispenses refills whatever visit type the export gives
    them) and at no more than the peers' cost.  A broker brings his pool together on the
    same days, and a pool that skips batches has irregular gaps.  ``together``: the caller
    has shown that members sharing their days are one course (step 128, :func:`day_ward`).
    """
    # At a pharmacy every visit is a purchase: refills are what it dispenses, coded "pharmacy" or "chronic"
    # by the region and for more than one diagnosis (hypertension and diabetes refills at one counter).
    care = f.public_venue == 1.0 or f.top_diagnosis_share >= 0.7 or f.chronic_share >= 0.5 or f.pharmacy_share >= 0.5
    own_days = f.attendance <= 0.5 or chemotherapy_course(f) or together
    return (f.member_regularity >= SCHEDULE_WEEKDAYS and f.member_weeks >= 4.0 and own_days
            and care and f.cost_ratio <= cost)  # fmt: skip


def chemotherapy_course(f: Features) -> bool:
    """Patients whose chemotherapy cycles started on the same day: one course, for cancer, at a public hospital.

    A regimen repeats every 14, 21 or 28 days from each patient's first day,
    so patients who started together keep meeting on the same days (sharing
    more than half of the group's days, which :func:`treatment_cycles`
    otherwise takes for a broker's batch).  What tells them apart is what a
    course is: chemotherapy is given for a malignant neoplasm (ICD-10
    C00-C97) at a hospital's oncology day ward (a public institution), and
    for a course of 4-8 cycles (at most ``COURSE_CYCLES`` gaps between each
    member's visits), while a broker's batch comes to its clinic for as long
    as it pays, whatever the diagnosis written.
    """
    cycles = f.member_weeks * f.member_weekly  # weeks x visits a week: each member's gaps between visits
    return (f.public_venue == 1.0 and f.top_diagnosis.startswith("C") and f.top_diagnosis_share >= 0.7
            and cycles <= COURSE_CYCLES)  # fmt: skip


def day_ward(f: Features) -> bool:
    """Day-ward treatment (日间病房, 日间化疗): inpatient stays that end the day they begin, each member on a cycle.

    A hospital admits a day-ward patient for the day (chemotherapy, a
    transfusion) and discharges them that evening, every 14, 21 or 28 days
    from the patient's own first day; so its patients are an inpatient group
    that meets on the ward's weekdays.  An induced admission (挂床, 诱导住院)
    is billed for nights in a bed: a pool admitted together and kept for
    days, or readmitted soon after a discharge (split stays).  So: most of the
    group's claims are stays, at least ``DAY_STAYS`` of those with a known
    discharge end the day they begin, its split stays are no more than its
    stays of nights (step 117, :func:`_splits_of_nights`), and the members
    keep :func:`treatment_cycles` of their own (regular gaps for a month or
    more, at a venue whose care is care, at no more than the peers' cost).

    Step 113: where the export gives no discharge (``end_time`` absent: no
    stay's length is known, ``day_stays`` NaN), nor can a split stay be seen;
    the stays are then a day ward's when they are a :func:`chemotherapy_course`
    (a malignant neoplasm's cycles at a public hospital, a course of at most
    ``COURSE_CYCLES``), :data:`DAY_WARD_UNTIMED` on: a pool kept in bed is
    admitted for what fills a bed, together, not each patient on a cancer
    regimen of their own.
    """
    if f.inpatient_share < 0.5:
        return False
    if math.isnan(f.day_stays):
        return (not f.split_admissions and DAY_WARD_UNTIMED and chemotherapy_course(f)
                and treatment_cycles(f, cost=DAY_WARD_COST))  # fmt: skip
    return (f.day_stays >= DAY_STAYS and _splits_of_nights(f)
            and treatment_cycles(f, cost=DAY_WARD_COST, together=_undiagnosed_course(f)))  # fmt: skip


def _undiagnosed_course(f: Features) -> bool:
    """Step 128: day-ward patients who started their cycles together, in claims that carry no diagnosis.

    :func:`chemotherapy_course` reads the course by its malignant neoplasm; where none of the group's claims
    carries a diagnosis (fifthworld vwh23 38: ``claims.diagnosis`` not exported) the cohort that started on one day
    shares more than half of its days and nothing else lets it meet.  What is left of a course still holds: a
    public hospital and at most ``COURSE_CYCLES`` cycles each, and :func:`day_ward` has already asked the stays
    themselves (``DAY_STAYS`` of them ended the day they began, no more split stays than stays of nights): a pool
    kept in bed is billed for nights, a one-day stay is not one.

    >>> from types import SimpleNamespace as F
    >>> course = dict(top_diagnosis="", public_venue=1.0, member_weeks=10.5, member_weekly=1 / 3)
    >>> _undiagnosed_course(F(**course)), _undiagnosed_course(F(**{**course, "top_diagnosis": "I10"}))
    (True, False)
    >>> _undiagnosed_course(F(**{**course, "public_venue": 0.0})), _undiagnosed_course(F(**{**course, "member_weekly": 1.0}))
    (False, False)
    """
    cycles = f.member_weeks * f.member_weekly
    return DAY_WARD_UNDIAGNOSED and not f.top_diagnosis and f.public_venue == 1.0 and cycles <= COURSE_CYCLES


#: Step 117: a day ward's split stays may be as many as its stays of a night or more (:func:`_splits_of_nights`);
#: False restores step 85's "no split stay at all".
DAY_WARD_SPLITS = True


def _splits_of_nights(f: Features) -> bool:
    """Step 117: the group's split stays (分解住院: admitted within days of a discharge) are no more than its stays
    that did not end the day they began.

    A day ward's own stays are one day each, every 14-28 days: no split stay.  A group found by the repeat-stay
    or co-admission detectors at a 3A hospital also holds a few of its patients' ordinary stays of nights (a
    surgery, a complication), and one of those may be readmitted within days; step 85 asked for none, so one such
    readmission among a ward's 331 or 646 stays left the ward reported (fifthworld vwh21 32 and 33).  A split stay
    is a stay of nights; where there are no more of them than the group's stays of nights, they are those
    patients' own, while a 挂床 or split-admission ring's stays are nights in bed (same-day share 0.00, which
    ``DAY_STAYS`` refuses first).
    """
    if not DAY_WARD_SPLITS:
        return not f.split_admissions
    nights = (1.0 - f.day_stays) * f.claims * f.inpatient_share
    return f.split_admissions <= nights


#: An online group is one when most of its claims are at the internet hospital: at least this share.
ONLINE_SHARE = 0.5
#: Step 154.  An online group whose members were billed less than this many minutes apart (the median gap between
#: consecutive member arrivals on the group's days, ``Features.median_arrival_gap``; the ``arrival_gap`` rule's start)
#: is one operator's batch of accounts opened one after another (卖医保额度: bought e-vouchers opened on the platform
#: at night), not patients consulting on their own.  None: off.
ONLINE_BATCH_GAP: float | None = 10.0
#: Step 87.  At an unnamed venue open around the clock (``Features.clock_venue``), a group of its ordinary online
#: patients comes on days of its own: its claims a day there vary about as much as independent arrivals would
#: (variance over mean about 1; a staged session brings its recruits together, far above).  At most this.
CLOCK_DISPERSION = 10.0


def online_consultations(f: Features) -> Reason | None:
    """Why patients "together" at an internet hospital (互联网医院) may be its ordinary patients, or None.

    An online consultation is no meeting: a hospital's online clinic sees its
    follow-up patients (repeat prescriptions, 复诊续方) wherever they are, from
    early morning into the night, so many of them are billed on the same days
    and outside a clinic's hours without having met (the lockstep and
    off-hours reasons measure a place's co-presence).  The venue says what it
    is by its registered name (:data:`graphfraud.score.features.ONLINE_NAMES`).
    So: the group's main venue is an internet hospital, at least
    ``ONLINE_SHARE`` of its claims are there, it costs no more than the same
    care elsewhere (``PEER_COST``) and none of :func:`hard_flags` shows.  A
    ring billing fictitious online consultations must show itself by its cost,
    its cards or its identities; co-presence cannot show it.

    Step 154: nor does an online group come in batches.  Patients who consult on
    their own are billed at their own hours; a group whose members were billed
    minutes apart, one after another (median gap below :data:`ONLINE_BATCH_GAP`),
    on the group's days is one operator opening many accounts in a row, and is
    not explained (eleventhworld 13's bought e-vouchers opened at 22:30, 3 min
    apart; in eleventhworld 1-15 the other groups so explained below 10 min were
    planted online rings too, the unplanted at 10 min or more).

    Step 87 (``SignalParams.online_by_clock``, off by default): where the export
    names no facility, a venue open around the clock and admitting nobody
    (``clock_venue``) is one too when the group comes on days of its own
    (``day_dispersion`` <= :data:`CLOCK_DISPERSION`).
    """
    by_clock = f.clock_venue and f.day_dispersion <= CLOCK_DISPERSION  # step 87: no name, its claims say it
    if not (f.online_venue or by_clock) or f.venue_share < ONLINE_SHARE or hard_flags(f):
        return None
    if math.isnan(f.cost_ratio) or f.cost_ratio > PEER_COST:
        return None
    if ONLINE_BATCH_GAP is not None and f.median_arrival_gap < ONLINE_BATCH_GAP:  # NaN (day data): not batched
        return None
    return Reason("benign_online", {"share": f.venue_share, "cost_ratio": f.cost_ratio}, f.venue_share,
                  ONLINE_SHARE, 0.0)  # fmt: skip


def online_refills(f: Features, refills: Mapping[str, float] | None, names: Mapping[str, str]) -> Reason | None:
    """A steering pair whose doctor practises at an internet hospital, explained as its repeat prescriptions (step 104 (b)).

    An internet hospital may only see follow-up patients (互联网诊疗限于常见病、慢性病复诊) and its prescriptions
    go to a pharmacy for dispensing (处方流转), most often the delivery pharmacy of the platform (O2O送药), so
    nearly all of an online doctor's patients buy at one shop, the day of the consultation or the next: the
    routing is the platform's, not the doctor's steering.  What the repeat prescription is shows in the purchases:
    each patient refills on their own monthly period (``refills``: the steered patients' own purchases at the
    pharmacy, :func:`graphfraud.score.features.refills`; a period within :data:`REFILL_DAYS`, at least
    :data:`SCHEDULE_WEEKDAYS` of the gaps within a quarter of it, as :func:`refill_cohort`), and the pair's claims
    cost what the same care costs (at most :data:`PEER_COST`, or above within chance, :func:`chance_cost`).  A
    kickback sells what the patient did not need: dearer than the care (the fifth generator's planted online
    kickbacks 9.6-13.4x, 36-61 standard errors) on purchases that follow the doctor's batches, not a supply
    (0.5-0.71 of the gaps steady).  ``refills`` is None where the doctor is not an internet hospital's.
    """
    if refills is None or math.isnan(refills["member_period"]) or hard_flags(f, treatment=True):
        return None
    period, steady = refills["member_period"], refills["member_steady"]
    if not REFILL_DAYS[0] <= period <= REFILL_DAYS[1] or steady < SCHEDULE_WEEKDAYS:
        return None
    if f.cost_ratio > PEER_COST and not chance_cost(f):
        return None
    args: dict[str, object] = {"doctor": names["doctor"], "pharmacy": names["pharmacy"], "period": period,
                               "steady": steady, "steady_from": SCHEDULE_WEEKDAYS, "cost_ratio": f.cost_ratio}  # fmt: skip
    if f.cost_ratio > PEER_COST:
        args["chance"] = f.cost_chance
    return Reason("benign_online", args, steady, SCHEDULE_WEEKDAYS, 0.0)


def residents_buying(f: Features) -> Reason | None:
    """Why a doctor's patients all buying at one pharmacy may be legitimate: they live in one institution.

    A nursing home's doctor prescribes for its residents, and a carer fetches
    everyone's medicine at one pharmacy (代配药); a month's supply for a
    resident costs more than one walk-in purchase, so the cost test of
    :func:`benign_explanation` does not apply.  At least 8 patients, 60% or
    more of them at one address (or, with no address known, on one phone:
    :func:`_residents_on_phone`), or all seen on the doctor's round
    (:func:`_residents_on_round`), and none of :func:`hard_flags`.
    """
    if hard_flags(f):
        return None
    return _residents(f) or _residents_on_phone(f) or _residents_on_round(f)


#: A home's doctor comes on a round every two weeks or month (market days, which crowd a clinic every 3-10 days,
#: are not a round): the days a doctor saw the patients are at least this many days apart.
ROUND_DAYS = 14.0


def a_round(f: Features) -> bool:
    """A group seen on a round: sessions at least ``ROUND_DAYS`` apart, half the gaps within a day of their median."""
    return not math.isnan(f.session_cycle) and f.session_cycle >= ROUND_DAYS and f.session_regularity >= 0.5


def round_cohort(f: Features, shared: int, cohort: Features) -> Reason | None:
    """A doctor's patients buying at one pharmacy who are the cohort of a round explained at the doctor's facility.

    ``shared`` of the pair's ``f.persons`` patients are members of a group
    explained as care (``cohort``) at the doctor's facility, a group seen there
    on a round (:func:`a_round`): a home's residents seen on the centre's round
    every two weeks, whose carer fetches their medicine at one pharmacy.  At
    least 8 patients, 60% of them in the cohort (an institution's share, as
    :func:`_one_institution`), and none of :func:`hard_flags`.  A kickback
    doctor's patients come to him as they fall ill, one by one, not as a
    round's cohort (otherworld 1-48, thirdworld 1-36: no kickback pair had even
    30% of its patients in such a group; the three nursing homes' pairs 93-100%).
    A cohort on a course of treatment (chemotherapy cycles, a chronic-disease
    programme: :func:`treatment_cycles`, :func:`chronic_programme`) is no round.
    """
    if f.persons < 8 or shared < 0.6 * f.persons or not a_round(cohort) or hard_flags(f):
        return None
    if treatment_cycles(cohort) or chronic_programme(cohort):  # a course of treatment is not a round: an
        return None  # oncologist who sends his chemotherapy course's patients to one shop is the kickback
    evidence: dict[str, object] = {"shared": shared, "persons": f.persons, "cycle": cohort.session_cycle,
                                   "cost_ratio": f.cost_ratio}  # fmt: skip
    return Reason("benign_institution", evidence, shared / f.persons, 0.6, 0.0)


def _residents_on_round(f: Features) -> Reason | None:
    """A doctor's patients who live in one institution, seen by the doctor's round when neither address nor phone shows it.

    A nursing home's doctor (or the township centre's, 巡诊) sees its residents on a round, every two weeks or
    month (``ROUND_DAYS``), and a carer fetches their medicine at one pharmacy.  So the doctor saw these
    patients on round days only (at least 80% of the days the group was seen on), at least 4 of them, on a
    fixed cycle (half the gaps within a day of its median, ``session_regularity``).  A kickback doctor sees
    the patients he sends to the shop as they come, on dozens of days with no cycle (thirdworld seeds 1-36:
    at most 22% of the gaps on a cycle).  At least 8 patients.
    """
    if f.persons < 8 or f.sessions < 4 or math.isnan(f.session_cycle) or f.sessions < 0.8 * f.event_days:
        return None
    if f.session_cycle < ROUND_DAYS or f.session_regularity < 0.5:
        return None
    evidence: dict[str, object] = {"persons": f.persons, "sessions": f.sessions, "cycle": f.session_cycle,
                                   "fixed": f.session_regularity, "other": f.event_days - f.sessions,
                                   "cost_ratio": f.cost_ratio}  # fmt: skip
    return Reason("benign_institution", evidence, f.session_regularity, 0.5, 0.0)


def _residents_on_phone(f: Features) -> Reason | None:
    """A doctor's patients who live in one institution, seen by their cards' phone when no address is known.

    A nursing home keeps its residents' medical-insurance cards and binds their e-vouchers to the home's
    phone, and its carer fetches their medicine (代配药).  When the export gives no address, 60% or more of
    at least 8 patients on one phone is the same sign as one address.  Only for a doctor's patients buying at
    one pharmacy (:func:`residents_buying`): without addresses a collector's phone is not told from a home's,
    and a collector's own group is judged by the other detectors and explanations, not excused here.
    """
    return None if f.addresses else _one_institution(f, f.top_phone_persons, "on_phone")


def designated_pharmacy(
    f: Features,
    market: Market | None,
    names: Mapping[str, str],
    *,
    evidence: Mapping[str, object],
    steering: Mapping[str, object],
) -> Reason | None:
    """Why a doctor's patients all buying at one pharmacy may be legitimate: it is where that drug is sold.

    A designated pharmacy (双通道, DTP) is where the city's patients of a drug
    buy it, whoever prescribed it; a kickback pharmacy gets one or two
    doctors' patients while the other buyers of the same drugs go elsewhere.
    The doctor's share of patients buying there is compared with the
    pharmacy's share of the market (:mod:`graphfraud.score.designated`): the
    high-value purchases of the same diagnosis family by persons who are not
    the doctor's patients.  Explained when the doctor's share is less than
    the steering's own ``min_lift`` times the market share, measured on at
    least its ``min_patients`` other buyers, and none of :func:`hard_flags` shows.
    """
    if market is None or hard_flags(f):
        return None
    lift = float(steering.get("min_lift", 2.0))  # type: ignore[arg-type]
    enough = market.buyers >= float(steering.get("min_patients", 10))  # type: ignore[arg-type]
    share = float(evidence["share"])  # type: ignore[arg-type]
    if not enough or share >= lift * market.share:
        return None
    return Reason(
        "benign_designated",
        {"diagnosis": market.diagnosis, "market": market.share, "buyers": market.buyers, "doctor": names["doctor"],
         "pharmacy": names["pharmacy"], "share": share, "lift_from": lift},
        market.share, share / lift, 0.0,
    )  # fmt: skip


def designated_cards(f: Features, shared: int, pharmacy: str) -> Reason | None:
    """Why a ring at a designated pharmacy or its doctors' facility may be that pharmacy's patients.

    ``shared`` of the ring's ``f.persons`` persons are the steered patients of doctors whose pairs with the shop
    ``pharmacy`` are explained by :func:`designated_pharmacy`: a dear targeted drug sold under 双通道 makes its
    patients' cards loaded cards at the ward that gives it and at the shop, and its cycles a cohort at the ward;
    the pairs' market (the drug's other buyers going there too) is what tells them from a kickback's.  Explained when they are at least half of the cards (a majority: the
    cards are then the pairs' patients) and none of :func:`hard_flags` shows.
    """
    if hard_flags(f) or not f.persons or shared < DESIGNATED_SHARE * f.persons:
        return None
    return Reason(
        "benign_designated",
        {"shared": shared, "persons": f.persons, "pharmacy": pharmacy, "share_from": DESIGNATED_SHARE},
        shared / f.persons,
        DESIGNATED_SHARE,
        0.0,
    )


#: A steering pair is 门特 patients collecting their regimen (:func:`regimen_pharmacy`) when at least this share of
#: the steered patients' visits to the doctor are chronic-disease (门诊慢特病) visits: a majority, not a tuned number.
CHRONIC_VISITS = 0.5
#: ... buying at most this many times per patient a month they bought in (one regimen a month, and a second drug or
#: a split pack now and then) ...
REGIMEN_MONTHLY = 1.5
#: ... at no more than this times the drug's unit price at the city's other venues (the same price, within rounding
#: and a different pack's price) ...
REGIMEN_PRICE = 1.1
#: ... and no more than this times the quantity per fee line that the drug is dispensed in elsewhere.
REGIMEN_QUANTITY = 1.5


def regimen_pharmacy(f: Features, reg: Regimen | None, names: Mapping[str, str]) -> Reason | None:
    """Why a doctor's patients all buying at one pharmacy may be 门特 patients collecting their regimen there.

    门特 / 慢特病 (门诊慢特病, ``med_type`` 14) patients of a dear regimen (a targeted cancer drug, a biologic,
    dialysis drugs) are registered with their doctor and must buy the regimen's drug at the one pharmacy designated
    to dispense it (双通道), at the national negotiated price, a month's quantity at a time.  So a 门特 doctor's
    patients all buy at one shop because the policy sends them there.  A shop that pays the doctor gets patients who
    buy what they did not need: dearer than elsewhere, more than a regimen, on ordinary outpatient visits.  Explained
    when at least :data:`CHRONIC_VISITS` of the steered patients' visits to the doctor are chronic-disease visits,
    they bought at most :data:`REGIMEN_MONTHLY` times a month, and, where the export's fee lines show the same drug
    sold at other venues, at no more than :data:`REGIMEN_PRICE` times its unit price there and
    :data:`REGIMEN_QUANTITY` times its quantity per line; and none of :func:`hard_flags` shows (insured elsewhere
    is no sign: patients travel for a regimen, 异地就医).  Step 10's market cannot judge these pairs when the
    doctor's patients are the drug's only buyers in the export.
    """
    if reg is None or hard_flags(f, treatment=True):
        return None
    if reg.chronic < CHRONIC_VISITS or reg.monthly > REGIMEN_MONTHLY:
        return None
    args: dict[str, object] = {"chronic": reg.chronic, "visits": reg.visits, "doctor": names["doctor"],
                               "pharmacy": names["pharmacy"], "chronic_from": CHRONIC_VISITS, "monthly": reg.monthly,
                               "monthly_from": REGIMEN_MONTHLY}  # fmt: skip
    if not math.isnan(reg.price):
        if reg.price > REGIMEN_PRICE or reg.quantity > REGIMEN_QUANTITY:
            return None
        args.update(price=reg.price, price_from=REGIMEN_PRICE, quantity=reg.quantity, quantity_from=REGIMEN_QUANTITY,
                    compared=reg.compared)  # fmt: skip
    return Reason("benign_designated", args, reg.chronic, CHRONIC_VISITS, 0.0)


#: Prescribed loaded cards are a designated pharmacy's patients when at least this share of them are the patients
#: of its explained pairs: a majority, not a tuned number.
DESIGNATED_SHARE = 0.5


#: A refill's supply period: from three weeks (a month's pack bought a week early) to a 12-week long prescription
#: (长处方).  Batches every few days and weekly sessions are not refills.
REFILL_DAYS = (21.0, 91.0)


def refill_cohort(f: Features, names: Mapping[str, str], scored: Iterable[Reason] = ()) -> Reason | None:
    """Why a group at a pharmacy may be its chronic patients' refills, or None.

    A chronic patient (hypertension, diabetes) refills one prescription at
    their pharmacy on their own supply period, month after month, for as long
    as they are its customer; patients whose month started on the same day
    meet there every month, and at a date-only pharmacy that is a group.  A
    card collector's cards are swiped when he comes, a different handful each
    session, for what he can resell: their gaps follow his sessions, not a
    supply, their drugs are whatever resells, and they cost more than the
    same diagnoses' purchases elsewhere.  So: at a pharmacy, each member's
    purchases there come every 3 to 13 weeks (:data:`REFILL_DAYS`), steadily
    (>= 80% of their gaps within :data:`graphfraud.score.features.REFILL_STEADY`
    of their own period), mostly for one diagnosis family (>= 80%, when the
    export has diagnoses), at no more than :data:`PEER_COST` times the city's
    other refills of the same families (other persons' purchases of the
    family at their pharmacy, :data:`~graphfraud.score.features.REFILL_PURCHASES` or more each: a month's pack costs more than a
    walk-in buy of a few days) or above them within chance (:func:`chance_cost`: a
    member's one box of a dear drug among a year of refills), and none of
    :func:`hard_flags` shows.  Members may share every day: a collector who
    swipes the same cards once a month for ordinary drugs at ordinary cost is
    not told apart (its money is then that of ordinary refills).

    Step 105: nor are loaded cards refills.  When the group's ``scored`` reasons hold the card load (``card_load``:
    its cards billed there again and again at >= 5x the usual cost of such claims *and* of the card's own claims
    elsewhere, a rate of such cards the pharmacy's peers do not show), the refill reading is not offered: a
    chronic patient's monthly pack costs what his prescription costs, at this shop as at the next, and the
    pharmacies' other regulars refill too, so they would be loaded at the peers as well.  A rhythm that keeps
    the city's refill price (a goods swap, 串换: daily goods or health food billed as a drug every few weeks on
    the customers' cards) says when the card is swiped, not what for.
    """
    if any(r.code == "card_load" and r.points > 0 for r in scored):
        return None
    if f.pharmacy_share < 0.5 or math.isnan(f.member_period) or math.isnan(f.refill_cost):
        return None
    monthly = REFILL_DAYS[0] <= f.member_period <= REFILL_DAYS[1] and f.member_steady >= SCHEDULE_WEEKDAYS
    one_drug = math.isnan(f.member_family) or f.member_family >= SCHEDULE_WEEKDAYS
    dear = f.refill_cost > PEER_COST and not chance_cost(f)  # a few dear boxes among many refills are chance
    if not monthly or not one_drug or dear or hard_flags(f, treatment=True):
        return None
    args: dict[str, object] = {"pharmacy": names.get("venue", ""), "period": f.member_period, "steady": f.member_steady}
    if not math.isnan(f.member_family):
        args["family"] = f.member_family
    args["cost"], args["refills"] = f.refill_cost, REFILL_PURCHASES
    return Reason("benign_refill", args, f.member_steady, SCHEDULE_WEEKDAYS, 0.0)


#: Step 141 (:func:`own_purchases`): a pharmacy group that cost the fund nothing and bought at the city's ordinary
#: prices is explained as customers' own purchases; False turns the reading off.
OWN_PURCHASES = True
#: Step 141: the most of the group's insurance money the fund (统筹) may have paid for its purchases to be the
#: customers' own from their own accounts.  The late-night shop's groups: 0.0%; a payday goods swap whose pool paid
#: for half (ninthworld's payday_goods, 49.2-49.9%) is no customer's own spending; the merge's dev run put nothing
#: between 21.1% (small groups of a few hundred yuan) and 49.2%, so any bar from 0.22 to 0.49 reads the same.
OWN_FUND_SHARE = 0.25


def own_purchases(f: Features, names: Mapping[str, str], scored: Iterable[Reason] = ()) -> Reason | None:
    """Step 141: why a group at a pharmacy may be its customers' own purchases from their own accounts, or None.

    A pharmacy's regulars who come at the same hours (colleagues on their way home from overtime at the only
    shop open late, 24小时药店) meet there on many of the same days, minutes apart, as a card collector's cards
    do.  What a collector's cards are swiped for is money: the fund's share of dear drugs, or a personal account
    (个人账户) spent on goods that resell, at several times what such purchases cost (the collectors of every
    generator: 2.4-300x the city's per purchase).  So: at a pharmacy (half of the group's claims or more), the
    fund paid under :data:`graphfraud.score.features.ACCOUNT_PAID` of the insurance money (``money_cost``
    measured) and at most :data:`OWN_FUND_SHARE` of it (the accounts paid the rest), each purchase cost at most :data:`PEER_COST` times the city's other purchases of the same visit
    type and diagnosis (``money_cost``; its chance is not asked: a thousand ordinary purchases a few percent
    dearer are many standard errors away, and no dearer), no card load was scored and none of
    :func:`hard_flags` shows.  A collector who swipes cards for ordinary baskets at ordinary prices is not told
    apart (what his cards spend is then what their holders would).

    >>> from graphfraud.score.features import Features
    >>> f = Features(persons=80, claims=1200, fund=0.0, venue=0, venue_share=1.0, pharmacy_share=1.0,
    ...     inpatient_share=0.0, chronic_share=0.0, top_diagnosis="", top_diagnosis_share=0.0, event_days=120,
    ...     regulars=78, cycle_days=1.0, cycle_regularity=0.9, median_arrival_gap=3.0, off_hours_share=1.0,
    ...     dominance=0.15, cost_ratio=1.0, venue_fund_per_claim=0.0, peer_venue_ratio=float("nan"),
    ...     ring_fund_per_claim=0.0, out_of_region=0, catchment_outside=0.0, out_of_city=0,
    ...     catchment_outside_city=0.0, sessions=120, attendance=0.2, weekday_share=0.6, public_venue=0.0,
    ...     phone_hub_persons=0, phone_hub=-1, phone_hub_addresses=0, top_address_persons=1, addresses=80,
    ...     median_age=30.0, dup_trace_claims=0, after_death_claims=0, split_admissions=0, high_value_share=0.0,
    ...     private_venue=False, stake=42000.0, money_cost=1.1)
    >>> own_purchases(f, {"venue": "P1"}).code
    'benign_own_purchases'
    >>> from dataclasses import replace
    >>> own_purchases(replace(f, money_cost=4.4), {"venue": "P1"}) is None  # dear: a collector's
    True
    >>> own_purchases(replace(f, fund=20580.0), {"venue": "P1"}) is None  # the pool paid 49%: a goods swap's
    True
    """
    if not OWN_PURCHASES or any(r.code == "card_load" and r.points > 0 for r in scored):
        return None
    if f.pharmacy_share < 0.5 or math.isnan(f.money_cost) or f.money_cost > PEER_COST or hard_flags(f):
        return None
    if not f.stake > 0 or f.fund / f.stake > OWN_FUND_SHARE:
        return None  # the pool paid for much of it: not the customers' own accounts' spending
    args = {"fund_share": f.fund / f.stake, "stake": f.stake, "pharmacy": names.get("venue", ""),
            "cost": f.money_cost, "cost_from": PEER_COST}  # fmt: skip
    return Reason("benign_own_purchases", args, f.money_cost, PEER_COST, 0.0)


def kin_accounts(evidence: dict) -> Reason:
    """Step 96: the run's relatives' purchases paid from dead holders' personal accounts
    (:func:`graphfraud.detect.cards.kin_finding`) explained as the families' own care on accounts not settled
    after the deaths: a finding for the account office, not a card keeper's ring."""
    args = {k: evidence[k] for k in ("purchases", "venues", "relatives", "accounts", "grace_days")}
    return Reason("benign_kin_account", args, float(evidence["purchases"]), 1.0, 0.0)


#: A household is at most this many persons (the one-household explanation's cap), at this many addresses or fewer.
HOUSEHOLD_PERSONS = 8
HOUSEHOLD_ADDRESSES = 2
#: Households who each come together: at least this share of the members' arrivals is with their party.
PARTY_TOGETHER = 0.8
#: With members who never came with another (parties of one), several households: no party is more than this share
#: of the group (half: a bus-load with a few chance visitors is one party that is the bulk).
HOUSEHOLDS_BULK = 0.5
#: A household is held to an ordinary cost (fund per claim against peers') unless it is a :func:`family_outing`.
HOUSEHOLD_COST = 1.5
#: ... or its fund above its peers' is within chance: at most this many standard errors of as many claims drawn from
#: the same visit types and diagnoses (``cost_chance``).  A family's 18-24 claims of ordinary care measured 1.5-1.6x
#: their peers at 1.9-2.0 standard errors (otherworld 16, 75); rings' household-sized pieces above 1.5x at 6.4 or more.
HOUSEHOLD_CHANCE = 3.0
#: A family outing bills ordinary goods: less than this share of its amount on high-value drugs, herbs and consumables
#: (the ``high_value`` rule's own start, ``ScoreParams`` in ``graphfraud/params.py``); a card keeper swipes cards for
#: dear drugs to resell.  A dear examination (an MRI, a CT) is a service: it is not counted.
FAMILY_DEAR_SHARE = 0.4


def family_outing(f: Features) -> bool:
    """The same few persons coming together each time for ordinary outpatient care at a venue that is not private.

    A family goes to the doctor together: the same persons (each member at
    half or more of the group's days, :data:`SCHEDULE_ATTENDANCE`), arriving
    together (:data:`PARTY_TOGETHER` of the members' arrivals with their
    party), at the family's own township centre, the county hospital or the
    maternal and child hospital.  Such a visit can cost above the claims of
    the same visit type and diagnosis elsewhere, which are mostly village
    clinics and township centres: a family that takes its child to the
    county hospital pays the county hospital's price (families' groups
    measured at 0.84-2.16x their peers on thirdworld 29-43, staged clinics'
    batches 1.6-3.2x), so the cost does not tell them apart.  What a ring
    does and a family does not: a broker's pool takes turns (each recruit at
    a quarter of the batches) and arrives spread over the day; a card keeper
    swipes cards at a pharmacy or a private clinic for dear drugs to resell
    (:data:`FAMILY_DEAR_SHARE` of the amount on high-value goods:
    ``dear_goods_share``, or every high-value item when the export has no fee
    lines' categories); an induced admission admits.  A family's dear
    examinations (a back's MRI, a head CT at the county hospital) are care
    done to its members, nothing a keeper could sell, and do not count.
    """
    dear = f.high_value_share if math.isnan(f.dear_goods_share) else f.dear_goods_share
    return (f.party_together >= PARTY_TOGETHER and f.attendance >= SCHEDULE_ATTENDANCE
            and f.inpatient_share < 0.5 and f.pharmacy_share < 0.5 and not f.private_venue
            and dear < FAMILY_DEAR_SHARE)  # fmt: skip


def ordinary_cost(f: Features) -> bool:
    """A household's claims cost as care does: at most :data:`HOUSEHOLD_COST` times its peers, within chance of
    them (:func:`chance_cost`), or a family outing.  Where the fund paid under half of the group's insurance
    money (``money_cost`` measured: purchases paid from personal accounts), the ratio and the chance are the
    insurance money's (:func:`graphfraud.score.features.money_contrast`): the fund's 0.00x says nothing of them."""
    if not math.isnan(f.money_cost):  # the fund paid under half the money: the money's ratio and chance (step 82)
        return f.money_cost <= HOUSEHOLD_COST or f.money_chance <= HOUSEHOLD_CHANCE or family_outing(f)
    return f.cost_ratio <= HOUSEHOLD_COST or chance_cost(f) or family_outing(f)


def chance_cost(f: Features) -> bool:
    """A few claims that cost above their peers by no more than chance gives: :data:`HOUSEHOLD_CHANCE`.

    One outpatient claim is a consultation fee and a box of tablets, the next
    a blood test and a scan: claims of one visit type and diagnosis vary more
    than their mean (a household's outpatient cells on otherworld 16: mean 36,
    median 21 yuan).  A family's 18 claims in a year can come to 1.6x their
    peers' mean on one ultrasound and a few dear prescriptions, which 18 claims
    drawn from the same cells do about one year in thirty (1.9 standard
    errors); a card keeper's dear drugs and a staged clinic's batches are
    above their peers on every claim, so dozens of standard errors.
    ``cost_chance`` is the group's fund above the peers' mean over the
    standard error of that many claims of the same cells (their spread from
    the cells' other claims); NaN (not measured) is no chance.
    """
    return f.cost_chance <= HOUSEHOLD_CHANCE


def households(f: Features) -> bool:
    """Several households, each coming together, that never came together with one another.

    A family goes to the doctor together (a child and a parent, the
    grandparents with them), and two families of one village use the same
    township centre: on a day when both came, hours apart, the day pass of the
    co-visit detector (step 26 of ``docs/detection.md``) joins them into one
    group.  A broker's batch is the opposite: the village's recruits arrive in
    one burst, or one by one over the day, never as a few closed parties.  So a
    group at minute resolution is households when its members fall into two or
    more parties (:func:`graphfraud.score.features._parties`: persons who
    arrived in one burst, joined over all days; every member in one), each of household size
    (``2`` to :data:`HOUSEHOLD_PERSONS` persons at no more than
    :data:`HOUSEHOLD_ADDRESSES` known addresses, the one-household test's own
    numbers), nearly every member arrival with the member's party
    (:data:`PARTY_TOGETHER`), at an ordinary cost (:func:`ordinary_cost`, as the one-household test).

    A member who never arrived with another (a party of one: a townsperson
    who was at the venue on the families' days, hours apart, or a family
    member who came alone) does not make the group a ring: their arrivals
    count against :data:`PARTY_TOGETHER`, and no party may then hold more than
    :data:`HOUSEHOLDS_BULK` of the group (several households, not one party and a few others:
    a broker's bus-load with a chance visitor is one party of the bulk), unless
    that party is one home: every one of its persons at one known address.  A
    broker gathers his bus-load from many homes; a family of seven at the
    county's maternal and child hospital, with another family and a child who
    came alone, is households.
    """
    one_home = f.party_largest_home == f.party_largest
    several = 2 <= f.party_smallest or f.party_largest <= HOUSEHOLDS_BULK * f.persons or one_home
    return (f.parties >= 2 and f.party_members == f.persons and several
            and 2 <= f.party_largest <= HOUSEHOLD_PERSONS
            and f.party_addresses <= HOUSEHOLD_ADDRESSES and f.party_together >= PARTY_TOGETHER
            and ordinary_cost(f))  # fmt: skip


#: Children under this age are seen on the child-health schedule (国家基本公共卫生服务 0-6 岁儿童健康管理: check-ups
#: at 1, 3, 6, 8, 12, 18, 24, 30 and 36 months, then once a year) and for their vaccinations.
CHILD_AGE = 7.0


def child_care(f: Features) -> Reason | None:
    """Young children's routine care at an institution not recorded as private, or None.

    Children under :data:`CHILD_AGE` come to the township centre or the
    county's maternal and child health hospital (妇幼保健院) on the
    child-health schedule, for vaccinations and for the fevers and coughs of
    the very young (some seven visits a year), so the same children meet on
    the same days there; in a date-only export every day is one event and
    they form a dense group.  Care for them at no more than the peers' cost
    (:data:`PEER_COST`), not in a ward and not at a pharmacy, is that care.
    What the schemes do is different: a broker recruits elders for free
    check-ups and admissions, a card keeper buys elders' and migrants' cards
    and swipes them for dear drugs, a village doctor bills his villagers'
    cards (every planted ring of thirdworld 1-44 and otherworld 1-56 has a
    median member age of 18 or more).  A group of young children billed above
    the peers' cost, or with a sign of identity fraud (:func:`hard_flags`,
    checked by :func:`benign_explanation`), is not explained.

    When the export drops the venue's ownership (``public_venue`` NaN) the
    venue is not taken for private: the county's maternal and child health
    hospital of a date-only export without ownership (thirdworld 63: 56
    children, median age 3.7, at 1.00x) is the same care.  A private clinic
    stays unexplained only when the export says it is private.
    """
    if not f.median_age < CHILD_AGE or f.public_venue == 0.0 or f.cost_ratio > PEER_COST:
        return None
    if f.inpatient_share >= 0.5 or f.pharmacy_share >= 0.5:
        return None
    args: dict[str, object] = {"age": f.median_age, "persons": f.persons, "cost_ratio": f.cost_ratio}
    if math.isnan(f.public_venue):  # ownership not exported: not recorded as private, at the peers' cost
        args["bound"] = PEER_COST
    return Reason("benign_children", args, f.median_age, CHILD_AGE, 0.0)


#: Step 115: residents dear against the peers are still their institution's care when their claims cost no more than
#: the venue's other claims (``venue_cost_ratio``, the same bound as :data:`PEER_COST`) and those other claims are
#: the venue's business: the group at most this share of its claims.
VENUE_COST_SHARE = 0.5


def residents_at_venue_cost(f: Features) -> bool:
    """Residents of one institution whose care costs what the venue's own patients' care costs (step 115).

    A 寺院's monks come down to the county's 民族医院 (ethnic-medicine
    hospital) once a month, a dozen or more on one morning, for what it gives
    everyone: 藏药 or 蒙药 pills that cost ten to twenty times an ordinary
    outpatient prescription, so against the peers (the same visit type and
    diagnosis at every facility) their claims are dear, and the residents'
    cost test (:data:`PEER_COST`) leaves them as a staged clinic.  Against the
    venue's own other patients they cost what everyone there costs
    (``venue_cost_ratio``: 0.1-1.0 for the monks of eighthworld 4, 10 and 11),
    while a staged clinic's billed visits cost more than the venue's own
    care (the 民族医院's phantom dispensing 2.8-14x there).  So a group
    explained as one institution's residents (:func:`_residents`: 60% or
    more at one address) is explained too when:

    - its main venue is a facility not recorded private, and the group is
      outpatient care (a ward's stays cost what the ward's stays cost, real
      or not);
    - its fund per claim there is at most :data:`PEER_COST` times the
      venue's other claims, and those other claims are the venue's business
      (the group at most :data:`VENUE_COST_SHARE` of its claims: a broker's
      clinic whose claims are mostly his recruits' has no own patients to
      compare with);
    - the fund paid most of the money (``money_cost`` NaN): a foreman's
      dormitory cards paid from the holders' accounts stay with step 110's
      test.

    :func:`hard_flags` voids it as every explanation.
    """
    if f.pharmacy_share >= 0.5 or f.inpatient_share >= 0.5 or f.public_venue == 0.0:
        return False
    if not math.isnan(f.money_cost) or not f.dominance <= VENUE_COST_SHARE:
        return False
    return f.venue_cost_ratio <= PEER_COST  # (NaN: too few other claims there, not explained)


#: Step 155: the reasons any crowd of a dear venue's own patients shows: its cost against the peers, its members'
#: arrivals minutes apart at a busy venue, its share of the venue's claims and its money.  A group scored on these
#: alone carries no sign of its own (no repetition, cards, steering, admissions, check-ups, deaths).
VENUE_SIGNS = ("cost_ratio", "arrival_gap", "dominance", "money")


def venue_care(f: Features, reasons: Iterable[Reason]) -> Reason | None:
    """A group dear only against the peers, at a venue whose own care costs as much (step 155), or None.

    The monks of a 寺院 without addresses exported (eighthworld 2 and 23) and
    crowds of a 民族医院's ordinary patients (eighthworld 13, 15, 19, 23, 26
    and 27) were rings scored on their cost alone: 3.5-4.4x the same visit
    type and diagnosis at every facility, because the ethnic-medicine pills
    cost that for everyone there.  Step 115 explains the monks against their
    venue's own claims only where one address makes them residents; here the
    same measure explains a group whose scored reasons are nothing but
    :data:`VENUE_SIGNS` (the cost among them): against the venue's other
    claims these groups cost 0.27-1.22x, and every planted ring of every
    generator's dev worlds scored on the same reasons alone 2.47-5.83x
    (``docs/detection.md`` step 155).  The conditions are those of
    :func:`residents_at_venue_cost` (outpatient care at a facility not recorded
    private, the group at most :data:`VENUE_COST_SHARE` of its claims, the
    fund paying most of the money, at most :data:`PEER_COST` times the venue's
    other claims), and :func:`hard_flags` voids it.
    """
    scored = {r.code for r in reasons if r.points > 0}
    if "cost_ratio" not in scored or not scored <= set(VENUE_SIGNS) or hard_flags(f):
        return None
    if not residents_at_venue_cost(f):
        return None
    args: dict[str, object] = {
        "persons": f.persons,
        "cost_ratio": f.cost_ratio,
        "venue_cost": f.venue_cost_ratio,
        "share": f.dominance,
    }
    return Reason("benign_venue_care", args, f.venue_cost_ratio, PEER_COST, 0.0)


def _residents(f: Features) -> Reason | None:
    """The residents of one institution: at least 8 persons, 60% or more of them at one address."""
    return _one_institution(f, f.top_address_persons, "residents")


def _one_institution(f: Features, together: int, name: str) -> Reason | None:
    """``benign_institution`` when at least 8 persons, 60% or more of them ``together`` (one address or phone)."""
    if f.persons < 8 or together < 0.6 * f.persons:
        return None
    evidence: dict[str, object] = {name: together, "persons": f.persons, "cost_ratio": f.cost_ratio}
    return Reason("benign_institution", evidence, together / f.persons, 0.6, 0.0)


#: Step 104: a home's round sees most of its residents: at least this share of the members on a round (median over
#: the rounds; the homes of fifthworld dev 2-28 0.76-0.90, the monthly staged clinics of every generator's dev worlds
#: 0.37-0.60, otherworld 8's 0.85 at 2.6x the cost).
HOME_COVERAGE = 0.7
#: ... on a monthly round: at least this share of the gaps between rounds a month (features.MONTH_DAYS) ...
HOME_MONTHLY = 0.8
#: ... seen on at least this many rounds (three months of prescriptions renewed).
HOME_ROUNDS = 3


def home_round(f: Features) -> Reason | None:
    """A nursing home's residents (养老院) seen on its doctor's monthly round, at the care's cost (step 104), or None.

    A home's in-house clinic (or the community centre's visiting doctor,
    巡诊) sees its residents once a month, when their chronic prescriptions
    run out (an outpatient prescription is for up to a month), nearly all of
    them on each round, in a day or two.  The residents are the very old
    (median age :data:`graphfraud.score.features.HOME_AGE` or more: a home's
    residents are past eighty; a broker's recruits are mostly the active
    elderly who travel by bus, though some brokers recruit the very old too:
    otherworld 3, 34 and 52's staged clinics are 81-83 median), and the round
    bills the care it gives: at no more than the peers' cost
    (:data:`PEER_COST`).  Without addresses (where :func:`_residents` would
    see one address) that is what tells the home: a staged clinic bills
    above the care (the monthly ones 1.7-2.6x, otherworld's very old pools
    3.1-6.0x on 10- and 21-day cycles) and sees under two thirds of its pool
    on a monthly session.  No one guard holds them all; together they do.
    So: the members' median age, at
    least :data:`HOME_ROUNDS` rounds, :data:`HOME_MONTHLY` of the gaps a
    month, each round :data:`HOME_COVERAGE` of the members, at no more than
    the peers' cost (the insurance money's too, where the fund paid under
    half of it), in the daytime (no more than :data:`HOME_NIGHT` of the
    claims off hours), not in a ward nor at a pharmacy, and none of
    :func:`hard_flags`.
    """
    if f.rounds < HOME_ROUNDS or f.round_monthly < HOME_MONTHLY or f.round_coverage < HOME_COVERAGE:
        return None
    if not f.median_age >= HOME_AGE or f.cost_ratio > PEER_COST or f.money_cost > PEER_COST:
        return None  # (a NaN money_cost: the fund paid most of the money, cost_ratio is the measure)
    if f.inpatient_share >= 0.5 or f.pharmacy_share >= 0.5 or f.off_hours_share > HOME_NIGHT:
        return None
    if hard_flags(f, home=HOME_PHONE):  # step 117: the home's phone binding its residents' vouchers is no sign
        return None
    args: dict[str, object] = {"persons": f.persons, "age": f.median_age, "age_from": HOME_AGE, "rounds": f.rounds,
                               "cycle": f.round_cycle, "monthly": f.round_monthly, "coverage": f.round_coverage,
                               "coverage_from": HOME_COVERAGE, "cost_ratio": f.cost_ratio, "bound": PEER_COST}  # fmt: skip
    if f.phone_hub_persons >= 4:  # said, so the inspector sees the phone that was set aside
        args["phone"] = f.phone_hub_persons
    return Reason("benign_home_round", args, f.round_coverage, HOME_COVERAGE, 0.0)


#: Step 117: a home's monthly round (:func:`home_round`) keeps its explanation when many of its residents' cards are
#: bound to one phone, the home's (代办); False makes the phone hub void it as every other explanation.
HOME_PHONE = True


#: ... and a round is in the daytime: at most this share of the group's claims before 07:00 or after 19:00 (where the
#: ``off_hours`` reason starts scoring).
HOME_NIGHT = 0.1

#: Step 111 (:func:`home_visits`): a nurse's route of home visits (居家护理) sees at most this many of the group's members
#: in a day (``Features.route_visits``, and ``venue_route_visits`` over all the venue's claims: seventhworld's stations
#: 1-6 and 2-6; the 中医馆 egg schemes 11-29, the phantom village rotas 13-22; the same outcome over 6-24 in
#: docs/detection.md, step 111, while 4 loses some stations' pieces).  None turns step 111 off.
ROUTE_VISITS: float | None = 8.0
#: ... each member by their own nurse: at least this median share of their visits by one staff member (the stations'
#: 1.00; the egg schemes' 0.56-0.60) ...
ROUTE_STAFF = 0.8
#: ... at a venue whose patients are on care plans: at least this share of its claims by patients on weekdays of their
#: own (``Features.venue_planned``: the stations' 1.00, every other measured venue's at most 0.77; a clinic's walk-ins
#: are on no plan; the same outcome over 0.3-0.95) ...
ROUTE_PLANNED = 0.9
#: ... and the venue's routes spread over the week: at most this share of its claims on its commonest weekday (a
#: station's clients each have their own weekday: 0.22-0.34 measured on seventhworld's; a broker's weekly batch comes
#: on its day, synth's toy staged clinic 0.89; the same outcome over 0.4-0.9 on the dev worlds, 0.3 loses some
#: stations' pieces).
ROUTE_WEEKDAY = 0.4


def home_visits(f: Features, *, one_home: bool = False) -> Reason | None:
    """Step 111: old persons each visited at home weekly on their own weekday by their own nurse, or None.

    A home-care station (居家护理站, 长护险-like care) sends its nurses to the
    disabled old on a care plan: each client is visited on a weekday of their
    own (:data:`SCHEDULE_WEEKDAYS` of their days), weekly for a month or more
    (:data:`COURSE_WEEKS`), by the same nurse (:data:`ROUTE_STAFF`), and a
    nurse visits a handful of homes a day (at most :data:`ROUTE_VISITS` of
    the members); the nurses of one weekday visit theirs at the same hours,
    so the members of a weekday are "together" on the claims without meeting.
    That is the venue's role, read from all its claims where the export has
    no kind for it: every staff member's day there is a route
    (``venue_route_visits`` at most :data:`ROUTE_VISITS`), its claims are
    its care plans' (``venue_planned``: at least :data:`ROUTE_PLANNED` of
    them by patients on weekdays of their own), spread over the week (no more than
    :data:`ROUTE_WEEKDAY` of its claims on one weekday: a broker's weekly
    batch comes on its day): a clinic's doctor sees a session's crowd and
    its walk-in patients come when they fall ill, so a clinic's weekly
    regulars stay a weekly course (:func:`weekly_course`: care only at a
    public venue at the peers' cost).  A home visit's fee makes it dearer
    than a visit to a clinic, so the cost against other outpatient claims
    does not tell; what a station billing visits nobody received could not
    fake without showing is what voids it: members seen by whoever keys
    them, a nurse's day of more homes than a route holds, and any of
    :func:`hard_flags` (cards of other cities, claims after death, cards
    bound to one phone).  With ``one_home`` (step 134: the station's timed
    claims show no member's caregiver in two homes at once) the venue's other
    caregivers' day loads are not asked: its rota is read from the times.
    """
    if ROUTE_VISITS is None or math.isnan(f.route_visits) or f.route_visits > ROUTE_VISITS:
        return None
    if f.inpatient_share >= 0.5 or f.pharmacy_share >= 0.5:
        return None
    if not (one_home or f.venue_route_visits <= ROUTE_VISITS) or f.venue_planned < ROUTE_PLANNED:
        return None  # (a NaN venue load: no doctor on its claims)
    if not f.venue_weekday <= ROUTE_WEEKDAY:  # a weekly batch's day, not routes over the week
        return None
    own_day = f.member_timetable >= SCHEDULE_WEEKDAYS and f.member_course_weeks >= COURSE_WEEKS
    if not own_day or f.member_staff < ROUTE_STAFF or hard_flags(f):
        return None
    args: dict[str, object] = {"persons": f.persons, "age": f.median_age, "timetable": f.member_timetable,
                               "weeks": f.member_course_weeks, "staff": f.member_staff, "visits": f.route_visits,
                               "visits_from": ROUTE_VISITS, "venue_visits": f.venue_route_visits,
                               "planned": f.venue_planned, "weekday": f.venue_weekday, "cost_ratio": f.cost_ratio}  # fmt: skip
    return Reason("benign_home_visits", args, f.route_visits, ROUTE_VISITS, 0.0)


#: Step 119: a one-off event's admissions (inpatient claims: a co-admission on one or two days) cost no more than
#: this many times the same visit type and diagnosis' other claims.  A group check-up or a works outing's poisoning
#: is billed as what it is; a 疗养 or a "free" surgery campaign whose admissions bill several times their peers' is
#: the scheme, once or twice (ninthworld 3: a village's two waves at 3.1x; sixthworld 2 and 11: a cataract
#: campaign's bus batch at 5.5x and 10.1x).  The same limit as a seasonal mass event's (``public.MASS_COST``):
#: where the cost reason scores in full, the venue bills a scheme.  None turns the test off.
ONE_OFF_ADMISSION_COST: float | None = 2.0


def dear_admissions(f: Features) -> bool:
    """Step 119: a group of admissions (half its claims or more inpatient) whose fund per claim is above
    :data:`ONE_OFF_ADMISSION_COST` times its peers' (a NaN cost ratio, no peers: not dear)."""
    if ONE_OFF_ADMISSION_COST is None or f.inpatient_share < 0.5:
        return False
    return bool(f.cost_ratio > ONE_OFF_ADMISSION_COST)


#: Step 135: a group of inpatients is a hospital's own caseload (:func:`hospital_caseload`) when its stays were
#: admitted by at least this effective number of doctors (:attr:`Features.stay_doctors`) ...
CASELOAD_DOCTORS: float | None = 10.0
#: ... and its members with a stay there are at least this share of the hospital's inpatients (persons).
CASELOAD_SHARE = 0.1


def hospital_caseload(f: Features) -> Reason | None:
    """Step 135: a group of inpatients that is a hospital's own caseload (a department's or several), or None.

    A ring is persons someone recruited, and someone admits them: a 挂床 centre's two or three doctors, a broker's
    ward.  A tertiary hospital's patients admitted twice in a year, or its 异地就医 patients (who come from other
    provinces for it, each admitted by the department of their disease), are admitted by dozens of doctors, none
    leading, and are a department's share of the hospital's inpatients.  Compared with district peers who draw no
    such patients, the hospital stands out (its 异地 cancer patients' chemotherapy cycles repeat; its 异地 patients
    come twice), but the group is the hospital's catchment: a question for an audit of the hospital, not a ring of
    persons.  So: most of the group's claims are stays, the stays were admitted by :data:`CASELOAD_DOCTORS` doctors
    or more sharing them alike (the inverse of the sum of their squared shares), and its members with a stay there
    are :data:`CASELOAD_SHARE` or more of the hospital's inpatients.  Every planted inpatient scheme of the dev
    worlds was admitted by at most 7 such doctors, or (a county hospital's split stays, 10-14 doctors) held at most
    7% of its inpatients; the 医学中心's 异地 inpatients (eleventhworld) 19-29 doctors and 16-24%.  None
    (:data:`CASELOAD_DOCTORS`) turns it off.

    >>> from types import SimpleNamespace
    >>> campus = SimpleNamespace(inpatient_share=0.99, stay_doctors=21.6, venue_inpatient_share=0.2, persons=382)
    >>> hospital_caseload(campus).code
    'benign_caseload'
    >>> hospital_caseload(SimpleNamespace(**{**vars(campus), "stay_doctors": 5.9})) is None  # a ward's few doctors
    True
    >>> hospital_caseload(SimpleNamespace(**{**vars(campus), "venue_inpatient_share": 0.07})) is None  # a slice
    True
    """
    if CASELOAD_DOCTORS is None or f.inpatient_share < 0.5:
        return None
    doctors, share = f.stay_doctors, f.venue_inpatient_share
    if not (doctors >= CASELOAD_DOCTORS and share >= CASELOAD_SHARE):  # (NaN: not measured, no reading)
        return None
    args: dict[str, object] = {"persons": f.persons, "share": share, "doctors": doctors,
                               "doctors_from": CASELOAD_DOCTORS, "share_from": CASELOAD_SHARE}  # fmt: skip
    return Reason("benign_caseload", args, round(doctors, 4), CASELOAD_DOCTORS, 0.0)


def benign_explanation(f: Features) -> Reason | None:
    """Why a dense group may be legitimate care, or None.

    Dense care is legitimate when it is a chronic-disease programme cohort at
    a public institution (dialysis), the residents of one institution
    (nursing-home rounds), one household, or a one-off event (a company
    check-up).  Any of :func:`hard_flags` voids the explanation.
    """
    caseload = hospital_caseload(f)
    # a hospital's catchment: its patients insured in another city are no sign (异地就医), as for treatment
    treatment = chronic_programme(f) or scheduled_cohort(f) or day_ward(f) or caseload is not None
    if hard_flags(f, treatment=treatment):
        return None
    if caseload is not None:
        return caseload
    if chronic_programme(f):  # (not private: public, or the ownership unknown, said so, never as public)
        return Reason(
            "benign_chronic",
            {"chronic_share": f.chronic_share, "diagnosis_share": f.top_diagnosis_share, "diagnosis": f.top_diagnosis,
             "cycle_days": f.cycle_days, "cost_ratio": f.cost_ratio,
             **({"ownership": UNKNOWN_OWNER} if math.isnan(f.public_venue) else {})},
            f.chronic_share, 0.7, 0.0,
        )  # fmt: skip
    if (treatment_cycles(f) and scheduled_cohort(f)) or day_ward(f):
        return Reason(
            "benign_schedule",
            {"period": 7.0 / max(f.member_weekly, 1e-9), "regularity": f.member_regularity, "weeks": f.member_weeks,
             "attendance": f.attendance, "cost_ratio": f.cost_ratio},
            f.member_regularity, SCHEDULE_WEEKDAYS, 0.0,
        )  # fmt: skip
    if regimen(f) and scheduled_cohort(f):
        return Reason(
            "benign_schedule",
            _weekly_args(f),
            f.member_weekly, 2.0, 0.0,
        )  # fmt: skip
    if session_cohort(f):
        return Reason(
            "benign_schedule",
            {"attendance": f.attendance, "days": f.sessions, "weekday_share": f.weekday_share,
             "cost_ratio": f.cost_ratio},
            f.attendance, SCHEDULE_ATTENDANCE, 0.0,
        )  # fmt: skip
    if weekly_course(f):
        return Reason(
            "benign_schedule",
            _weekly_args(f),
            f.member_timetable, SCHEDULE_WEEKDAYS, 0.0,
        )  # fmt: skip
    residents = _residents(f)
    if residents is not None and f.cost_ratio <= PEER_COST and not f.money_cost > PEER_COST:
        return residents  # (a NaN money_cost: the fund paid most of the money, cost_ratio is the measure)
    if residents is not None and residents_at_venue_cost(f):
        return Reason("benign_institution", {**residents.args, "venue_cost": f.venue_cost_ratio, "share": f.dominance},
                      residents.value, residents.threshold, 0.0)  # fmt: skip
    one_home = f.addresses <= HOUSEHOLD_ADDRESSES or (f.addresses <= 3 and f.top_address_persons * 2 >= f.persons)
    # the chance is shown when it is what made the cost ordinary
    cost, chance = (f.cost_ratio, f.cost_chance) if math.isnan(f.money_cost) else (f.money_cost, f.money_chance)
    by_chance = {"chance": chance} if cost > HOUSEHOLD_COST and not family_outing(f) else {}
    if one_home and f.persons <= HOUSEHOLD_PERSONS and ordinary_cost(f):
        return Reason(
            "benign_household",
            {"persons": f.persons, "addresses": f.addresses, "cost_ratio": cost, **by_chance},
            f.addresses,
            2,
            0.0,
        )
    if households(f):
        return Reason(
            "benign_household",
            {"persons": f.persons, "parties": f.parties, "smallest": f.party_smallest, "largest": f.party_largest,
             "party_addresses": f.party_addresses, "together": f.party_together, "cost_ratio": cost,
             **by_chance},
            f.party_together, PARTY_TOGETHER, 0.0,
        )  # fmt: skip
    children = child_care(f)
    if children is not None:
        return children
    if f.event_days <= 2 and not dear_admissions(f):
        return Reason(
            "benign_one_off",
            {"days": f.event_days},
            f.event_days,
            2,
            0.0,
        )
    return None
