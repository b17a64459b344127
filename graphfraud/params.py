"""Parameters of every stage, as frozen dataclasses: the only configuration.

Each field has a default and a one-line comment giving its meaning and unit.
CLI flags and ``--params file.json`` fill them; ``run.json`` is written from
them.  No library code reads the environment.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graphfraud.errors import ParamError

P = TypeVar("P")


def check(cond: bool, name: str, owner: str, must: str, got: object) -> None:
    """Raise the one form of parameter error when ``cond`` is false.

    >>> check(True, "hub_cap", "ProjectParams", "an int >= 2", 5)
    >>> check(False, "hub_cap", "ProjectParams", "an int >= 2", 1)
    Traceback (most recent call last):
    ...
    graphfraud.errors.ParamError: The 'hub_cap' parameter of ProjectParams must be an int >= 2. Got 1 instead.
    """
    if not cond:
        raise ParamError(f"The '{name}' parameter of {owner} must be {must}. Got {got!r} instead.")


def _compiles(pattern: str) -> bool:
    """True when ``pattern`` is a valid regular expression.

    >>> _compiles("救护车|急救车"), _compiles("(")
    (True, False)
    """
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def to_dict(params: Any) -> dict[str, Any]:
    """Plain JSON-ready dict of a (nested) params dataclass."""
    return dataclasses.asdict(params)


def from_dict(cls: type[P], data: dict[str, Any]) -> P:
    """Build ``cls`` from a (possibly partial, possibly nested) dict; unknown keys are errors."""
    names = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            moved = MOVED.get((cls.__name__, key))
            if moved is not None:
                raise ParamError(f"The '{key}' parameter of {cls.__name__} is now '{moved}' (one value for every "
                                 f"use); give it there instead.")  # fmt: skip
            raise ParamError(f"Unknown parameter '{key}' for {cls.__name__}; known: {', '.join(sorted(names))}.")
        ftype = names[key].type
        sub = _DATACLASSES.get(ftype if isinstance(ftype, str) else getattr(ftype, "__name__", ""))
        kwargs[key] = from_dict(sub, value) if sub and isinstance(value, dict) else value
    return cls(**kwargs)


#: Parameters that moved: (class, old name) -> where it is now, for a ``--params`` file of an older run.
MOVED = {("CoadmitParams", "split_days"): "signals.split_days"}


def to_json(params: Any) -> str:
    return json.dumps(to_dict(params), indent=2, sort_keys=True, ensure_ascii=False)


def from_json(cls: type[P], text: str) -> P:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParamError(f"The parameters file is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ParamError("The parameters file must hold a JSON object.")
    return from_dict(cls, data)


# Stage parameter classes are registered here so nested dicts can be rebuilt.
_DATACLASSES: dict[str, type] = {}


def _register(cls: type[P]) -> type[P]:
    _DATACLASSES[cls.__name__] = cls
    return cls


@_register
@dataclass(frozen=True)
class ReadParams:
    """How a claims directory is read."""

    mapping: str | None = None  # "nhsa", a path to a YAML mapping file, or None
    lenient: bool = False  # skip bad rows (and count them) instead of failing
    encoding: str = "utf-8"  # text encoding of CSV files ("utf-8" accepts a BOM)
    max_errors: int = 20  # problems reported per file before stopping
    max_skipped: float = 0.01  # under lenient, refuse when more than this share of a table's rows would be skipped

    def __post_init__(self) -> None:
        check(0 <= self.max_skipped <= 1, "max_skipped", "ReadParams", "a share in [0, 1]", self.max_skipped)


__all__ = [
    "BedsParams",
    "CoadmitParams",
    "CovisitParams",
    "OrganiseParams",
    "ReadParams",
    "RunParams",
    "SCORE_RULES",
    "ScoreParams",
    "ScoreRule",
    "SignalParams",
    "SteeringParams",
    "check",
    "from_dict",
    "from_json",
    "to_dict",
    "to_json",
    "field",
]


@_register
@dataclass(frozen=True)
class OrganiseParams:
    """Rings as organisations: venue events clustered by the persons they share (detect/organise.py)."""

    resolution: float = (
        0.3  # Leiden CPM resolution on the event graph: persons a pair of a ring's events share on average
    )
    min_shared: int = 2  # events are linked when at least this many persons attended both
    min_events: int = 2  # a person belongs to a ring when at this many of its events or more
    min_share: float = 0.2  # attendees kept down to the first below this share of the typical attendance above them
    min_devotion: float = 0.5  # a member's days at the ring's venues must be at least this share its events
    # step 145: a venue where the group met at most this share of its main venue's events is a side venue, where a
    # member's ordinary days are his own (a recruit's community centre), like a venue where it met once (0: off)
    side_share: float = 0.5
    min_density: float = 0.1  # the typical member was at least at this share of the ring's events
    max_links: int = 20  # each person's event is linked to that person's next max_links events
    max_chance: float = 0.1  # expected share of a ring's members who met its events by chance (venue traffic), at most
    beyond_traffic: bool = False  # link a venue's events by persons shared beyond its traffic (step 58, off)

    def __post_init__(self) -> None:
        o = "OrganiseParams"
        check(self.resolution > 0, "resolution", o, "a float > 0", self.resolution)
        check(self.min_shared >= 1, "min_shared", o, "an int >= 1", self.min_shared)
        check(self.min_events >= 1, "min_events", o, "an int >= 1", self.min_events)
        for name in ("min_share", "min_devotion", "min_density", "max_chance", "side_share"):
            check(0 <= getattr(self, name) <= 1, name, o, "a float in [0, 1]", getattr(self, name))
        check(self.max_links >= 1, "max_links", o, "an int >= 1", self.max_links)


@_register
@dataclass(frozen=True)
class CovisitParams:
    """Lockstep co-visits at outpatient venues and pharmacies (staged clinics, card collectors)."""

    window_minutes: int = 30  # largest gap between two arrivals that counts as a meeting, minutes
    max_neighbours: int = 20  # hub cap: later arrivals each visit is paired with, per venue-day
    busy_visits: int = 200  # a venue-day with more visits than this is a hub (a big hospital's day)
    busy_neighbours: int = 4  # hub cap at such venue-days
    min_days: int = 3  # a pair must meet on at least this many distinct days
    resolution: float = 0.3  # Leiden CPM resolution, in co-visit weight units
    min_persons: int = 5  # smallest community reported as a candidate, persons
    min_event_persons: int = 3  # members present at one venue-day for it to be a ring event
    event_gap_minutes: int = 15  # a longer gap between arrivals at a venue starts a new event (burst)
    organise: OrganiseParams = field(default_factory=lambda: OrganiseParams())  # rings from venue events
    day_events: bool = True  # also organise whole venue-days at timed venues (recruits spread over the day)

    def __post_init__(self) -> None:
        o = "CovisitParams"
        check(self.event_gap_minutes >= 0, "event_gap_minutes", o, "an int >= 0", self.event_gap_minutes)
        check(self.window_minutes >= 0, "window_minutes", o, "an int >= 0", self.window_minutes)
        check(self.max_neighbours >= 1, "max_neighbours", o, "an int >= 1", self.max_neighbours)
        check(self.busy_visits >= 1, "busy_visits", o, "an int >= 1", self.busy_visits)
        check(self.busy_neighbours >= 1, "busy_neighbours", o, "an int >= 1", self.busy_neighbours)
        check(self.min_days >= 1, "min_days", o, "an int >= 1", self.min_days)
        check(self.resolution > 0, "resolution", o, "a float > 0", self.resolution)
        check(self.min_persons >= 2, "min_persons", o, "an int >= 2", self.min_persons)
        check(self.min_event_persons >= 2, "min_event_persons", o, "an int >= 2", self.min_event_persons)


@_register
@dataclass(frozen=True)
class CoadmitParams:
    """Groups admitted and discharged together, repeatedly (induced admissions, 诱导住院)."""

    min_times: int = 2  # a pair must be co-admitted at least this many times
    max_neighbours: int = 40  # hub cap: admissions each admission is paired with, per facility-day
    resolution: float = 0.3  # Leiden CPM resolution
    min_persons: int = 5  # smallest group reported, persons
    busy_admissions: int = 40  # a facility-day with more admissions than this is a hub: no group event
    min_stays: int = 2  # an organisation's member came with its group (admitted or discharged on its days) this often
    # (a stay begun within SignalParams.split_days of a group stay's discharge came with the group too)
    # groups from admission and discharge days (one stay is one or two such events): a member is at 2 of a
    # group's days, and has min_stays stays at its facilities
    organise: OrganiseParams = field(default_factory=lambda: OrganiseParams(min_events=2))
    # step 126: a hospital's outreach day (体检式住院 by bus): days it admits this many or more, far beyond its rate,
    batch_admissions: int = 8
    # ... at least this many of them on one weekday (0: off, the default: it takes a surgery ward's weekly lists
    # too, see docs/detection.md step 126; 5 was measured),
    batch_days: int = 0
    batch_weekday: float = 0.75  # ... that weekday this share of its batch days or more,
    batch_once: float = 0.6  # ... and this share of their patients admitted there once or more
    # step 129: the same, on by default, when the batches' stays are examinations (a check-up campaign, not a ward's
    # operating list): at least this many batch days on the weekday (0: off),
    exam_days: int = 3
    exam_share: float = 0.5  # ... this share of those days' stays or more stays of examinations, each one
    exam_ratio: float = 3.0  # ... this many times the exam share of its diagnosis's stays at the other hospitals
    # step 135: a bus day's chance is taken at the facility's rate for each of its persons' catchment (insured in the
    # export's city or in another: a tertiary hospital's 异地就医 outpatients come to be admitted); False: one rate
    catchment_rate: bool = True
    # step 149: a hospital's admission runs (busloads, vanloads, an ambulance fleet's evening): admissions each
    # within this many minutes of the one before (0: off),
    run_gap: int = 20
    run_persons: int = 3  # ... of this many distinct persons or more, beyond the facility's rate at that hour,
    run_count: int = 3  # ... this many runs or more, on as many days, at one facility,
    run_times: int = 2  # ... most of each run's persons admitted there this many times or fewer (once, or twice)
    run_followed: float = 0.5  # ... at most this share of them its followed-up outpatients (a ward's own batch),
    run_again: float = 0.1  # ... and this share of a facility's runs' persons or more admitted there on two days,
    # step 153: ... and this share of them or more admitted there on two days each time within run_gap minutes of
    # another of them (brought back together; a busy hospital's surge mornings' readmissions come alone; 0: no test)
    run_rejoin: float = 0.03

    def __post_init__(self) -> None:
        o = "CoadmitParams"
        check(self.run_gap >= 0, "run_gap", o, "an int >= 0", self.run_gap)
        check(self.run_persons >= 2, "run_persons", o, "an int >= 2", self.run_persons)
        check(self.run_count >= 2, "run_count", o, "an int >= 2", self.run_count)
        check(self.run_times >= 1, "run_times", o, "an int >= 1", self.run_times)
        check(0 <= self.run_followed <= 1, "run_followed", o, "a float in [0, 1]", self.run_followed)
        check(0 <= self.run_again <= 1, "run_again", o, "a float in [0, 1]", self.run_again)
        check(0 <= self.run_rejoin <= 1, "run_rejoin", o, "a float in [0, 1]", self.run_rejoin)
        check(self.batch_admissions >= 2, "batch_admissions", o, "an int >= 2", self.batch_admissions)
        check(self.batch_days == 0 or self.batch_days >= 2, "batch_days", o, "0 or an int >= 2", self.batch_days)
        check(0 < self.batch_weekday <= 1, "batch_weekday", o, "a float in (0, 1]", self.batch_weekday)
        check(0 <= self.batch_once <= 1, "batch_once", o, "a float in [0, 1]", self.batch_once)
        check(self.exam_days == 0 or self.exam_days >= 2, "exam_days", o, "0 or an int >= 2", self.exam_days)
        check(0 < self.exam_share <= 1, "exam_share", o, "a float in (0, 1]", self.exam_share)
        check(self.exam_ratio > 0, "exam_ratio", o, "a float > 0", self.exam_ratio)
        check(self.busy_admissions >= 1, "busy_admissions", o, "an int >= 1", self.busy_admissions)
        check(self.min_times >= 1, "min_times", o, "an int >= 1", self.min_times)
        check(self.max_neighbours >= 1, "max_neighbours", o, "an int >= 1", self.max_neighbours)
        check(self.resolution > 0, "resolution", o, "a float > 0", self.resolution)
        check(self.min_persons >= 2, "min_persons", o, "an int >= 2", self.min_persons)
        check(self.min_stays >= 1, "min_stays", o, "an int >= 1", self.min_stays)


@_register
@dataclass(frozen=True)
class BedsParams:
    """Phantom stays (挂床): a facility's patients admitted again and again, far above its peers' rate."""

    split_days: int = 3  # a stay within this many days of the same patient's discharge there is the same admission
    open_days: int = 30  # without a discharge time, a stay within this many days of the previous start is the same
    min_admissions: int = 3  # facilities are compared on their patients admitted this many times or more
    member_admissions: int = 2  # a standing-out facility's patients admitted this many times or more are members
    member_cost: float = 0.5  # of those admitted fewer than min_admissions times, members cost per admission at
    #   least this share of the repeat patients' median cost per admission there (0: all of them)
    short_window: int = 150  # an export spanning fewer days compares facilities on patients admitted twice too
    # step 115: in a longer export a facility that does not stand out on min_admissions is compared on its patients
    # admitted twice, and stands out on them only when they are at least this share of its inpatients; 0: off
    twice_share: float = 0.2
    min_inpatients: int = 20  # facilities with fewer inpatients (persons) are neither tested nor peers
    min_peers: int = 2  # fewest peers (same kind and level, else the kind, else all) whose rates make the baseline
    min_persons: int = 5  # fewest repeat patients of a facility that stands out
    min_ratio: float = 3.0  # its repeat rate at least this multiple of the peers' median rate
    max_chance: float = 0.01  # binomial tail of its repeat patients at the peers' rate, times facilities tested
    min_share: float = 0.02  # fewest of all the facility billed that its repeat patients' stays cost
    # step 130: a standing-out facility's repeat members insured in one city other than the export's own, at least
    # this many, bring in its inpatients of that city whose only claims in the export are its stays; 0: off
    outside_members: int = 5
    # step 102: facilities are also compared on their patients discharged and readmitted there within split_days
    # this many times or more (分解住院; settlement cuts left out); 0: off
    split_times: int = 2
    split_inpatients: int = 10  # fewest inpatients (persons) of a facility tested on its split stays
    split_stay_days: int = 3  # a split readmission follows a stay of this many days or more (not a day ward's)
    # step 114: facilities are also compared on their inpatients with a stay that carries a transport fee line,
    # a fee line whose item_name matches this regular expression (救护车接送入院; not a bare 转运, which also
    # names a specimen's 标本转运 billed on every stay); "": off
    transport_names: str = "救护车|急救车|急救转运|病人转运"
    # a stay opened this many days or fewer after the same person's claim at another facility is a transfer
    # (转院), not a patient fetched from home; -1: every transport fee counts
    transfer_days: int = 1

    def __post_init__(self) -> None:
        o = "BedsParams"
        check(self.split_days >= 0, "split_days", o, "an int >= 0", self.split_days)
        check(self.open_days >= 0, "open_days", o, "an int >= 0", self.open_days)
        check(self.min_admissions >= 2, "min_admissions", o, "an int >= 2", self.min_admissions)
        check(self.member_admissions >= 2, "member_admissions", o, "an int >= 2", self.member_admissions)
        check(0 <= self.member_cost <= 1, "member_cost", o, "a float in [0, 1]", self.member_cost)
        check(self.short_window >= 0, "short_window", o, "an int >= 0", self.short_window)
        check(0 <= self.twice_share <= 1, "twice_share", o, "a float in [0, 1] (0: off)", self.twice_share)
        check(self.min_inpatients >= 1, "min_inpatients", o, "an int >= 1", self.min_inpatients)
        check(self.min_peers >= 1, "min_peers", o, "an int >= 1", self.min_peers)
        check(self.min_persons >= 2, "min_persons", o, "an int >= 2", self.min_persons)
        check(self.min_ratio >= 1, "min_ratio", o, "a float >= 1", self.min_ratio)
        check(0 < self.max_chance <= 1, "max_chance", o, "a float in (0, 1]", self.max_chance)
        check(0 <= self.min_share < 1, "min_share", o, "a float in [0, 1)", self.min_share)
        check(self.outside_members >= 0, "outside_members", o, "an int >= 0 (0: off)", self.outside_members)
        check(self.split_times >= 0, "split_times", o, "an int >= 0 (0: off)", self.split_times)
        check(self.split_inpatients >= 1, "split_inpatients", o, "an int >= 1", self.split_inpatients)
        check(self.split_stay_days >= 0, "split_stay_days", o, "an int >= 0", self.split_stay_days)
        check(isinstance(self.transport_names, str) and _compiles(self.transport_names), "transport_names", o,
              "a regular expression (a str; \"\": off)", self.transport_names)  # fmt: skip
        check(self.transfer_days >= -1, "transfer_days", o, "an int >= -1 (-1: no transfers)", self.transfer_days)


@_register
@dataclass(frozen=True)
class SteeringParams:
    """Doctor -> pharmacy steering (kickbacks, 回扣): purchases that follow a doctor's visits."""

    follow_days: int = 2  # a purchase within this many days after a visit follows it
    min_patients: int = 10  # distinct patients of the doctor who bought at the pharmacy
    # (also: this many unvisited patients on his named fills there let his followed named fills join, step 107)
    min_share: float = 0.3  # share of the doctor's followed-up patients who bought there
    min_lift: float = 2.0  # that share over the same pharmacy's share among peer doctors' patients
    min_z: float = 4.0  # binomial z-score of the doctor's count against the peer share
    value_quantile: float = 0.8  # only purchases whose fund is at or above this quantile of all purchases
    team_overlap: float = 0.5  # two doctors sharing this share of the smaller one's patients are team-mates
    by_chain: bool = True  # also test each doctor against each chain's shops taken together (step 83)
    # a steered pair takes in every patient whose dear purchase there names its doctor as prescriber (step 97)
    prescribed: bool = True
    # doctor -> facility steering (detect.referral): a facility's outpatient claim within this many days after a
    # visit to a doctor of another institution follows it (0: off)
    referral_days: int = 3

    def __post_init__(self) -> None:
        o = "SteeringParams"
        check(self.follow_days >= 0, "follow_days", o, "an int >= 0", self.follow_days)
        check(self.referral_days >= 0, "referral_days", o, "an int >= 0 (0: off)", self.referral_days)
        check(self.min_patients >= 2, "min_patients", o, "an int >= 2", self.min_patients)
        check(0 < self.min_share <= 1, "min_share", o, "a float in (0, 1]", self.min_share)
        check(self.min_lift >= 1, "min_lift", o, "a float >= 1", self.min_lift)
        check(0 <= self.value_quantile < 1, "value_quantile", o, "a float in [0, 1)", self.value_quantile)
        check(
            self.team_overlap > 0, "team_overlap", o, "a float > 0 (above 1: nobody is a team-mate)", self.team_overlap
        )


@_register
@dataclass(frozen=True)
class CardParams:
    """Card misuse without a group event (冒用医保卡, 套现): per institution, cards that cannot have been there."""

    grace_days: int = 3  # a claim up to this many days after the holder's death may settle a final stay: no sign
    min_cards: int = 3  # fewest cards with a hard flag (after death, a collector's phone) at one institution
    phone_cards: int = 5  # a phone bound to this many of an institution's cards at >= 3 addresses is a collector's
    # step 148: ... and its hub is an institution where two or more of its cards were billed on one day on at least
    # hub_days days (a collector's sittings; a helper's (代办) elders buy each on a day of their own); 0: off
    hub_days: int = 3
    max_chance: float = 0.001  # binomial tail, under the peer institutions' rate, at most (flags and joined cards)
    max_own: int = 1  # a card with at most this many claims anywhere else has no care of its own
    # ghost stays without a flag (冒名住院, detect.cards.ghost_stays): a doctor's stays at a facility on cards with no
    # care of their own whose stays there cost ghost_ratio times the facility's usual stay or more (the median of its
    # stays on cards with care of their own), beyond chance at the rate of the facilities of its kind (0: off)
    ghost_ratio: float = 2.0
    # step 121: a card whose every stay at the facility has a diagnosis of the pregnancy chapter (ICD-10 O00-O99,
    # 妊娠、分娩和产褥期) and whose holder is not recorded male is no ghost: a pregnant woman lodged before delivery
    # (待产之家) has no care of her own and a long stay; False counts her as any other card
    ghost_pregnancy: bool = True
    # step 137: a card whose every stay at the facility opened on the day of, or at most this many days after, an
    # outpatient visit of its holder there is no ghost: the holder was seen there before being admitted (a visiting
    # team's clinic, 对口支援, admits the few it operates on the next day); -1 counts such a card as any other
    ghost_seen_days: int = 2
    # kept cards (村医代保管医保卡, detect.cards.kept_cards): a card billed at a primary-care clinic on at least
    # kept_days days, typically (median gap) every kept_cycle days or faster and never lapsing a month, at kept_excess
    # times the peer clinics' rate or more
    kept_days: int = 6
    kept_cycle: float = 25.0
    kept_excess: float = 3.0
    # step 152: a clinic's steady cards are its frequent patients' tail, not kept cards, when the cards on the same
    # cycle on kept_days-2 or kept_days-1 days (just under the bar) are kept_tail times as many or more (0: off)
    kept_tail: float = 0.25

    def __post_init__(self) -> None:
        o = "CardParams"
        check(self.kept_days >= 3, "kept_days", o, "an int >= 3", self.kept_days)
        check(self.kept_cycle > 0, "kept_cycle", o, "a float > 0", self.kept_cycle)
        check(self.kept_excess >= 1, "kept_excess", o, "a float >= 1", self.kept_excess)
        check(self.kept_tail >= 0, "kept_tail", o, "a float >= 0 (0: off)", self.kept_tail)
        check(self.grace_days >= 0, "grace_days", o, "an int >= 0", self.grace_days)
        check(self.min_cards >= 1, "min_cards", o, "an int >= 1", self.min_cards)
        check(self.phone_cards >= 2, "phone_cards", o, "an int >= 2", self.phone_cards)
        check(self.hub_days >= 0, "hub_days", o, "an int >= 0 (0: off)", self.hub_days)
        check(0 < self.max_chance < 1, "max_chance", o, "a float in (0, 1)", self.max_chance)
        check(self.max_own >= 0, "max_own", o, "an int >= 0", self.max_own)
        check(self.ghost_seen_days >= -1, "ghost_seen_days", o, "-1 (off) or an int >= 0", self.ghost_seen_days)
        check(
            self.ghost_ratio == 0 or self.ghost_ratio >= 1,
            "ghost_ratio",
            o,
            "0 (off) or a float >= 1",
            self.ghost_ratio,
        )


@_register
@dataclass(frozen=True)
class CardLoadParams:
    """Cards billed far above their own pattern at one institution (收卡/套现 without a hard flag, detect/cardload.py)."""

    ratio: float = 5.0  # a card's claims there cost this many times their kind's usual cost and the card's own
    min_claims: int = 3  # fewest claims of a card at the institution (a one-off costly visit is ordinary)
    min_cards: int = 5  # fewest loaded cards at one institution
    max_chance: float = 0.001  # binomial tail of that many, under the peer institutions' rate of loaded cards
    # fewest of the institution's billing that is the loaded cards' excess (what they cost above their kind's usual
    # cost): a collector's clinic or cash-out shop lives off the swiped cards, a hospital's few dear patients are not
    # its business
    min_share: float = 0.02
    # a card typically dear at several pharmacies is judged on its dear purchases there together, against its claims
    # outside them (a collector spreading his cards over three shops of three chains: step 78), pooled only over
    # pharmacies linked by min_cards such cards shared beyond chance (step 84: an ordinary buyer's own two shops
    # share one or two), and a collector's linked shops made one candidate holding his cards (step 95: on since,
    # otherworld 62's collector whole again; docs/detection.md steps 84 and 95)
    spread: bool = True
    # step 106: an institution's loaded cards are typically (median, card by card) this many times dearer there than
    # its other cards (its clientele): a 民族药 shop whose every customer buys dear pills is not loaded by them; 1: off
    own_ratio: float = 2.0
    # step 144: and each of them, and each card billed the same way, this many times dearer there (typically) than
    # the institution's other cards: a 民族医院's phantom courses are, its patients' own dear pills are not; 1: off
    clientele_ratio: float = 2.0
    # step 157: a card of the institution's clientele at least half of whose timed claims there were billed within this
    # many minutes of a claim of a loaded card kept by step 144 (at the same venue) is the ring's own, swiped in its
    # sessions (a collector's cards billed there too few times to be loaded), not the clientele step 144 measures;
    # minutes only (dates-only claims: off); 0: off
    session_minutes: int = 10
    # step 127: a collector's cheap basket spread over pharmacies: a card billed min_claims times or more at each of
    # spread_shops pharmacy institutions or more, typically (median) spread_ratio times the usual cost of such
    # purchases at each, is a seed; a shop set's seeds, min_cards or more beyond chance, are one candidate with the
    # cards billed so twice or more at two of its shops (docs/detection.md step 127); spread_shops 0: off
    spread_ratio: float = 2.0
    spread_shops: int = 3
    # step 136: a drug reseller's cards (代开药 at large hospitals): a card with a non-inpatient claim of hospital_ratio
    # times its facility's median such claim or more at each of `hospitals` large hospitals (level 3; without
    # `level`, every hospital) or more seeds the exact set of them; a set of min_cards seeds beyond chance (max_chance,
    # each hospital's own rate of such cards) is proven, and proven sets whose seeds' dear days at their common
    # hospitals coincide (Poisson tail <= hospital_link) are one candidate (docs/detection.md step 136); hospitals 0: off.
    # A seed needs hospital_repeat dear claims or more at one hospital of its set (step 143: 代开药 is repeated; a
    # patient steered to dear care at two large hospitals, the synth grid's kickback patients, is billed once at each)
    hospital_ratio: float = 5.0
    hospitals: int = 2
    hospital_link: float = 0.001
    hospital_repeat: int = 2

    def __post_init__(self) -> None:
        o = "CardLoadParams"
        check(self.ratio > 1, "ratio", o, "a float > 1", self.ratio)
        check(self.min_claims >= 2, "min_claims", o, "an int >= 2", self.min_claims)
        check(self.min_cards >= 1, "min_cards", o, "an int >= 1", self.min_cards)
        check(0 < self.max_chance < 1, "max_chance", o, "a float in (0, 1)", self.max_chance)
        check(0 <= self.min_share < 1, "min_share", o, "a float in [0, 1)", self.min_share)
        check(self.own_ratio >= 1, "own_ratio", o, "a float >= 1 (1: off)", self.own_ratio)
        check(self.clientele_ratio >= 1, "clientele_ratio", o, "a float >= 1 (1: off)", self.clientele_ratio)
        check(self.session_minutes >= 0, "session_minutes", o, "an int >= 0 (0: off)", self.session_minutes)
        check(self.spread_ratio > 1, "spread_ratio", o, "a float > 1", self.spread_ratio)
        check(
            self.spread_shops == 0 or self.spread_shops >= 2,
            "spread_shops",
            o,
            "0 (off) or an int >= 2",
            self.spread_shops,
        )
        check(self.hospital_ratio > 1, "hospital_ratio", o, "a float > 1", self.hospital_ratio)
        check(self.hospitals == 0 or self.hospitals >= 2, "hospitals", o, "0 (off) or an int >= 2", self.hospitals)
        check(0 < self.hospital_link < 1, "hospital_link", o, "a float in (0, 1)", self.hospital_link)
        check(self.hospital_repeat >= 1, "hospital_repeat", o, "an int >= 1", self.hospital_repeat)


@_register
@dataclass(frozen=True)
class SignalParams:
    """Per-claim signals shared by scoring and the peer comparison (graphfraud/score/claim_flags.py)."""

    high_value_price: float = 200.0  # unit price (yuan) from which a claim line is high-value (高值项目)
    # a stay starting within this many days of a discharge from the same facility is split (分解住院): the
    # split_admission signal, and a stay of an induced admission's group (detect/coadmit.py)
    split_days: int = 3
    # step 87: a facility without a registered name is an internet hospital when its own claims show one: open
    # around the clock and admitting nobody (graph.kinds.clock_venues); off by default (round 17: measured on
    # the ablated fifthworld worlds only, docs/detection.md step 87)
    online_by_clock: bool = False

    def __post_init__(self) -> None:
        o = "SignalParams"
        check(self.high_value_price > 0, "high_value_price", o, "a float > 0 (yuan)", self.high_value_price)
        check(self.split_days >= 0, "split_days", o, "an int >= 0", self.split_days)


#: How a rule turns its feature into points: on the value itself, or on its logarithm (fund, lift).
SCALES = ("linear", "log")


@dataclass(frozen=True)
class ScoreRule:
    """One scoring rule: the points a reason adds, from one measured feature of a candidate.

    The rule gives 0 points at ``start`` and beyond it on the side away from
    ``full``, ``points`` at ``full`` and beyond, and a straight line between
    (on the logarithm of the value when ``scale`` is ``log``).  ``start`` is
    the threshold the reason reports and its sentence says.  A rule whose
    ``full`` is below its ``start`` scores low values (a short gap between
    arrivals).  Several rules of one code count as one reason worth the most
    any of them gives.  A ``headline`` rule scores only candidates whose
    typology names its code as the headline reason
    (``graphfraud.contract.TYPOLOGY_TABLE``: ``lockstep`` for staged clinics
    and card collectors, ``co_admission``, ``steering``); the others score
    every candidate.
    """

    code: str  # reason code (graphfraud.score.reasons.TEMPLATES), e.g. "cost_ratio"
    feature: str  # the measured value it reads (graphfraud.score.rules.MEASURES), e.g. "cost_ratio"
    start: float  # points start beyond this value: the threshold the reason reports
    full: float  # value at which the rule gives all its points
    points: float  # points at full and beyond: the rule's cap
    scale: str = "linear"  # "linear" or "log" (the ramp runs on log(value): fund, lift)
    headline: bool = False  # only candidates whose typology's headline reason is this code

    def __post_init__(self) -> None:
        o = f"ScoreRule {self.code!r}"
        check(self.start != self.full, "full", o, f"a float other than start ({self.start})", self.full)
        check(self.points >= 0, "points", o, "a float >= 0", self.points)
        check(self.scale in SCALES, "scale", o, f"one of {', '.join(SCALES)}", self.scale)
        if self.scale == "log":
            check(min(self.start, self.full) > 0, "start", o, "a float > 0 with scale 'log'", self.start)


#: The default scoring rules, one row each (docs/scoring.md is generated from them:
#: ``python -m graphfraud.score.rules --markdown``).
SCORE_RULES: tuple[ScoreRule, ...] = (
    ScoreRule("steering", "lift", 2.0, 10.0, 35.0, "log", headline=True),
    ScoreRule("steering", "steering_z", 4.0, 12.0, 35.0, headline=True),
    ScoreRule("steering", "steering_business", 0.03, 0.25, 35.0, headline=True),
    # a facility's diagnosis steered where no visit names its doctor (detect.indication): the same two measures
    ScoreRule("indication", "lift", 2.0, 10.0, 35.0, "log", headline=True),
    ScoreRule("indication", "steering_z", 4.0, 12.0, 35.0, headline=True),
    ScoreRule("co_admission", "event_days", 1.0, 4.0, 30.0, headline=True),
    ScoreRule("repeat_stays", "repeat_ratio", 3.0, 10.0, 30.0, "log"),
    ScoreRule("misused_cards", "misused_cards", 2.0, 8.0, 40.0, headline=True),
    ScoreRule("card_load", "card_load", 3.0, 12.0, 40.0, headline=True),
    ScoreRule("kept_cards", "kept_cards", 3.0, 12.0, 40.0, headline=True),
    ScoreRule("batch_cards", "batch_cards", 3.0, 12.0, 40.0, headline=True),
    ScoreRule("paid_for_others", "paid_for_others", 3.0, 12.0, 40.0, headline=True),
    ScoreRule("lockstep", "regular_share", 0.2, 0.7, 20.0, headline=True),
    ScoreRule("arrival_gap", "median_arrival_gap", 10.0, 3.0, 10.0),
    ScoreRule("cycle", "cycle_regularity", 0.4, 0.8, 5.0),
    # step 131: a clinic's cohorts that took turns (score.rings._relays), its patients replaced cohort by cohort
    ScoreRule("relay", "relay_cohorts", 2.0, 5.0, 10.0),
    ScoreRule("cost_ratio", "cost_ratio", 1.3, 3.0, 25.0),
    ScoreRule("dominance", "dominance", 0.03, 0.25, 10.0),
    ScoreRule("shared_phone", "phone_hub_persons", 3.0, 8.0, 15.0),
    ScoreRule("out_of_region", "outside_excess", 0.2, 0.5, 10.0),
    ScoreRule("off_hours", "off_hours_share", 0.1, 0.4, 10.0),
    ScoreRule("high_value", "high_value_share", 0.4, 0.8, 5.0),
    ScoreRule("dup_trace", "dup_trace_claims", 0.0, 3.0, 10.0),
    ScoreRule("after_death", "after_death_claims", 0.0, 2.0, 10.0),
    ScoreRule("split_admission", "split_admissions", 0.0, 3.0, 8.0),
    ScoreRule("money", "stake", 10_000.0, 1_000_000.0, 10.0, "log"),
)  # fmt: skip


@_register
@dataclass(frozen=True)
class ScoreParams:
    """How candidates become ranked rings with alert levels."""

    red: float = 60.0  # score at or above which a ring is a red alert (立案)
    orange: float = 40.0  # score at or above which a ring is orange (现场核查)
    min_score: float = 15.0  # rings scoring below this are not reported
    max_rings: int = 500  # report at most this many rings
    # step 91: join the loaded-card rings of institutions that share a large part of their cards (one operator's
    # cards at several venues); step 92: the joined ring takes the cards billed at two or more of them, not the
    # union (a chain's card ring held a card buyer and the chain's cash-out: thirdworld 20, 62, 95)
    join_cards: bool = True
    # the scoring rules, one row each (code, feature, start, full, points, scale, headline); a --params
    # file that gives "rules" gives them all (start from the list in run.json)
    rules: tuple[ScoreRule, ...] = SCORE_RULES

    def __post_init__(self) -> None:
        o = "ScoreParams"
        check(self.red > self.orange, "red", o, f"a float > orange ({self.orange})", self.red)
        check(self.orange >= self.min_score, "orange", o, "a float >= min_score", self.orange)
        check(self.max_rings >= 1, "max_rings", o, "an int >= 1", self.max_rings)
        check(isinstance(self.rules, (list, tuple)), "rules", o, "a list of rules", self.rules)
        object.__setattr__(self, "rules", tuple(_rule(r, i) for i, r in enumerate(self.rules)))


def _rule(row: object, i: int) -> ScoreRule:
    """A rule of ``ScoreParams.rules`` from a ScoreRule or its dict (a ``--params`` file, ``run.json``)."""
    if isinstance(row, ScoreRule):
        return row
    names = {f.name for f in dataclasses.fields(ScoreRule)}
    if not isinstance(row, dict) or not {"code", "feature", "start", "full", "points"} <= set(row) or set(row) - names:
        raise ParamError(
            f"Rule {i + 1} of ScoreParams.rules must be an object with code, feature, start, full, "
            f"points (optional scale, headline) and nothing else. Got {row!r} instead."
        )
    return ScoreRule(**row)


@_register
@dataclass(frozen=True)
class CardBatchParams:
    """Cards swiped in batches at one pharmacy, beyond the shop's own rate (detect/cardbatch.py, step 112)."""

    gap_minutes: int = (
        10  # a purchase at most this many minutes after the one before is in the same run (a swipe session)
    )
    batch_cards: int = 3  # a run of this many different cards or more is a batch
    min_days: int = 2  # a card swiped in batches was batched at the shop on at least this many days
    min_share: float = 0.5  # ... and on at least this share of its days there (its owner rarely came alone)
    min_cards: int = 8  # fewest cards of a pool (cards linked by the batches they shared); a family is 2-5
    min_sessions: int = 4  # fewest days the pool's cards were batched together
    max_round: float = 0.4  # a card whose companions overlap more than this from batch to batch is a roster's; 1: off
    max_chance: float = 0.001  # Poisson tail of the shop's cards swiped in batches, under its other customers' rate

    def __post_init__(self) -> None:
        o = "CardBatchParams"
        check(self.gap_minutes >= 1, "gap_minutes", o, "an int >= 1", self.gap_minutes)
        check(self.batch_cards >= 2, "batch_cards", o, "an int >= 2", self.batch_cards)
        check(self.min_days >= 2, "min_days", o, "an int >= 2", self.min_days)
        check(0 < self.min_share <= 1, "min_share", o, "a float in (0, 1]", self.min_share)
        check(self.min_cards >= 2, "min_cards", o, "an int >= 2", self.min_cards)
        check(self.min_sessions >= 1, "min_sessions", o, "an int >= 1", self.min_sessions)
        check(0 < self.max_round <= 1, "max_round", o, "a float in (0, 1]", self.max_round)
        check(0 < self.max_chance < 1, "max_chance", o, "a float in (0, 1)", self.max_chance)


@_register
@dataclass(frozen=True)
class CardMenuParams:
    """The same dear basket swiped on many cards again and again at one pharmacy or chain (detect/cardmenu.py)."""

    ratio: float = 2.0  # a menu claim costs this many times its kind's usual cost or more (a card's typical claim too)
    menu_cards: int = 3  # a total billed dear on this many distinct cards of one institution is on its menu
    min_claims: int = 3  # fewest menu claims of a card at the institution
    min_cards: int = 5  # fewest such cards at one institution
    max_chance: float = 0.001  # binomial tail of that many, under the other pharmacies' rate
    min_share: float = 0.02  # fewest of the institution's billing that is those cards' cost above the usual
    follow_days: int = 3  # a purchase naming a doctor or within this many days after the card's visit: a prescription
    # step 106: the menu-loaded cards are typically (median, card by card) this many times dearer there than the
    # shop's other cards (its clientele: a 民族药 shop's customers all buy dear pills); 1: off
    own_ratio: float = 2.0

    def __post_init__(self) -> None:
        o = "CardMenuParams"
        check(self.follow_days >= 0, "follow_days", o, "an int >= 0", self.follow_days)
        check(self.own_ratio >= 1, "own_ratio", o, "a float >= 1 (1: off)", self.own_ratio)
        check(self.ratio > 1, "ratio", o, "a float > 1", self.ratio)
        check(self.menu_cards >= 2, "menu_cards", o, "an int >= 2", self.menu_cards)
        check(self.min_claims >= 2, "min_claims", o, "an int >= 2", self.min_claims)
        check(self.min_cards >= 1, "min_cards", o, "an int >= 1", self.min_cards)
        check(0 < self.max_chance < 1, "max_chance", o, "a float in (0, 1)", self.max_chance)
        check(0 <= self.min_share < 1, "min_share", o, "a float in [0, 1)", self.min_share)


@_register
@dataclass(frozen=True)
class MutualParams:
    """Purchases billed dear at one pharmacy to persons a few strangers' accounts pay for (detect/mutual.py)."""

    ratio: float = 2.0  # a dear purchase costs this many times its kind's usual cost or more (a pair's typical one too)
    min_claims: int = 3  # fewest dear purchases of one (holder, patient) pair at the pharmacy: a loaded pair
    min_pairs: int = 5  # fewest loaded pairs at one pharmacy (of two holders or more)
    max_chance: float = 1e-6  # binomial tail of that many, under the other pharmacies' rate of loaded pairs
    # step 150 (no holder_id): a person's days at one pharmacy with two settlements or more (the goods of a day
    # paid by several accounts): fewest such days, and their binomial tail under the shop's own other customers'
    split_days: int = 4
    split_chance: float = 1e-8

    def __post_init__(self) -> None:
        o = "MutualParams"
        check(self.ratio > 1, "ratio", o, "a float > 1", self.ratio)
        check(self.min_claims >= 1, "min_claims", o, "an int >= 1", self.min_claims)
        check(self.min_pairs >= 1, "min_pairs", o, "an int >= 1", self.min_pairs)
        check(0 < self.max_chance < 1, "max_chance", o, "a float in (0, 1)", self.max_chance)
        check(self.split_days >= 2, "split_days", o, "an int >= 2", self.split_days)
        check(0 < self.split_chance < 1, "split_chance", o, "a float in (0, 1)", self.split_chance)


@_register
@dataclass(frozen=True)
class RunParams:
    """Everything a ``detect`` run depends on; ``run.json`` records it."""

    seed: int = 0  # seed of the Leiden runs
    covisit: CovisitParams = field(default_factory=CovisitParams)
    coadmit: CoadmitParams = field(default_factory=CoadmitParams)
    beds: BedsParams = field(default_factory=BedsParams)
    steering: SteeringParams = field(default_factory=SteeringParams)
    cards: CardParams = field(default_factory=CardParams)
    cardload: CardLoadParams = field(default_factory=CardLoadParams)
    cardmenu: CardMenuParams = field(default_factory=CardMenuParams)
    cardbatch: CardBatchParams = field(default_factory=CardBatchParams)
    mutual: MutualParams = field(default_factory=MutualParams)
    score: ScoreParams = field(default_factory=ScoreParams)
    signals: SignalParams = field(default_factory=SignalParams)
