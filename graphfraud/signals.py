"""What the data allows: which signal needs which column, table or time resolution.

A real export may lack any optional column of the data contract, carry dates
without times of day, have no pharmacies or no inpatient stays.  The signals
that need what is missing are then switched off (or run in a reduced form),
never computed on empty values as if they were real; ``run.json`` names each
one with the reason (``"claims.diagnosis absent or empty"``), so that 0 rings
reads as "none of the signals this data supports found a group".

:data:`SIGNALS` is the one table of these needs; detection, scoring, ``peers``
and the docs read it.  Each need is one of:

``"minutes"``                  claim start times carry a time of day (not a date-only export)
``"TABLE"``                    the table has at least one row (``"claim_items"``)
``"TABLE.COLUMN"``             the column has at least one value (absent columns read as empty)
``"TABLE.COLUMN=VALUE"``       at least one row has that value (``"claims.visit_type=inpatient"``)
``"A|B"``                      either need is met (``"facilities.region|pharmacies.region"``)

Layer: foundation (imports only :mod:`graphfraud.contract`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from graphfraud.contract import TABLES, ClaimsData

#: The parts of the pipeline a signal serves (``Signal.used_by``).
USERS = ("detect", "score", "benign", "peers")


@dataclass(frozen=True)
class Signal:
    """One signal and what the data must hold for it.

    Attributes
    ----------
    name : str
        The detector name or reason code (``"shared_phone"``, ``"coadmit"``).
    used_by : tuple of str
        Where it is computed: ``detect`` (a detector), ``score`` (a ring
        reason), ``benign`` (a benign explanation), ``peers`` (institution signals).
    needs : tuple of str
        Needs that must all be met, or the signal is off.
    reduced : tuple of (str, str)
        ``(need, what is done instead)``: without the need the signal still
        runs, in the reduced form described.
    zh : str
        Short Chinese name, for people who read run.json and the docs.
    """

    name: str
    used_by: tuple[str, ...]
    needs: tuple[str, ...] = ()
    reduced: tuple[tuple[str, str], ...] = ()
    zh: str = ""


_VENUE_REGION = "facilities.region|pharmacies.region"

#: Plainer words for needs whose generic "absent or empty" would mislead.
_WHY = {
    "claims.pharmacy_id": "no pharmacy claims",
    "claims.facility_id": "no facility claims",
    "claim_items": "no fee lines (claim_items absent or empty)",
    # a kickback is the doctor's patients buying at one pharmacy: without the doctor there is no one to compare
    "claims.doctor_id": "claims.doctor_id absent or empty: no visit names its doctor (a kickback, 处方引流, is a "
    "doctor's patients sent to one pharmacy)",
}

#: Every signal and its needs.  One place: the day-resolution switch (``"minutes"``) is here too.
SIGNALS: dict[str, Signal] = {s.name: s for s in (
    # detectors
    Signal("covisit", ("detect",), reduced=(("minutes", "same-day co-visits instead of arrivals within "
                                                       "window_minutes; no batch arrivals"),), zh="同时就诊"),
    Signal("covisit_pharmacy", ("detect",), ("claims.pharmacy_id",), zh="药店同时购药"),
    Signal("coadmit", ("detect",), ("claims.visit_type=inpatient",),
           reduced=(("claims.end_time", "same admission days only, no same discharge days"),), zh="同进同出住院"),
    Signal("beds", ("detect",), ("claims.visit_type=inpatient",),
           reduced=(("claims.end_time", "a stay within open_days of the previous stay's start counts with it as "
                                        "one admission"),
                    ("facilities.kind", "peers of the same level, of any kind"),
                    ("facilities.level", "peers of the same kind at any level")),
           zh="反复住院（挂床）"),
    # step 114: a facility's inpatients fetched from home by its ambulance (a transport fee line, by its name)
    Signal("fetched", ("detect",), ("claims.visit_type=inpatient", "claim_items.item_name"), zh="救护车接送入院"),
    # without doctor ids a facility's patients of one diagnosis stand in for a doctor's (detect.indication)
    Signal("steering", ("detect", "score"), ("claims.doctor_id|claims.diagnosis", "claims.pharmacy_id",
                                            "claims.facility_id"),
           reduced=(("claims.doctor_id", "a facility's patients of one diagnosis (the visit's) who buy dear at "
                                         "one pharmacy after the visit stand in for a doctor's"),),
           zh="处方引流"),
    Signal("cards", ("detect", "score"), ("persons.death_date|persons.phone",),
           reduced=(("persons.death_date", "no claims after death: only collectors' phones"),
                    ("persons.phone", "no collectors' phones: only claims after death"),
                    ("persons.address", "no collectors' phones (a family on one phone cannot be told apart)")),
           zh="冒用医保卡"),
    Signal("cardload", ("detect", "score"), ("claims.total_amount",),
           reduced=(("claims.diagnosis", "a claim's usual cost is that of its visit type at institutions of the "
                                         "same kind, not of its diagnosis"),),
           zh="卡均费用畸高"),
    Signal("cardmenu", ("detect",), ("claims.total_amount", "claims.pharmacy_id"),
           zh="同一套餐反复刷卡"),
    Signal("cardbatch", ("detect",), ("minutes", "claims.pharmacy_id"), zh="药店成批刷卡"),
    Signal("mutual", ("detect",), ("claims.total_amount", "claims.pharmacy_id", "claims.holder_id|claims.account_amount"),
           reduced=(("persons.address", "a holder and a person of one household are not told apart: family "
                                        "payers are left to the other pharmacies' rate"),
                    ("claims.holder_id", "no payer named: a resident's purchase paid from a personal account "
                                         "(居民 have none) is one paid for another, by an unknown holder")),
           zh="家庭共济代付异常"),
    # ring reasons
    Signal("lockstep", ("score",), zh="多日同时出现"),
    Signal("repeat_stays", ("score",), ("claims.visit_type=inpatient",), zh="反复住院"),
    Signal("co_admission", ("score",), ("claims.visit_type=inpatient",), zh="同日入院"),
    Signal("arrival_gap", ("score",), ("minutes",), zh="到达间隔"),
    Signal("off_hours", ("score",), ("minutes",), zh="非工作时间"),
    Signal("cycle", ("score",), zh="周期性"),
    Signal("relay", ("score",), zh="分批轮换"),
    Signal("cost_ratio", ("score",), reduced=(("claims.diagnosis", "compared with claims of the same visit "
                                                                  "type only, not visit type and diagnosis"),),
           zh="费用倍数"),
    Signal("dominance", ("score",), zh="机构占比"),
    Signal("shared_phone", ("score",), ("persons.phone", "persons.address"), zh="共用手机"),
    Signal("out_of_region", ("score",), ("persons.region", _VENUE_REGION), zh="异地参保"),
    Signal("high_value", ("score", "peers"), ("claim_items",), zh="高值项目"),
    Signal("dup_trace", ("score",), ("claim_items.trace_code",), zh="追溯码重复"),
    Signal("after_death", ("score", "peers"), ("persons.death_date",), zh="死亡后结算"),
    Signal("split_admission", ("score", "peers"), ("claims.visit_type=inpatient", "claims.end_time"),
           zh="分解住院"),
    Signal("money", ("score",), zh="基金金额"),
    # benign explanations
    Signal("benign_chronic", ("benign",), ("claims.visit_type=chronic",),
           reduced=(("claims.diagnosis", "chronic visits alone, without checking for one common diagnosis"),
                    ("facilities.ownership", "ownership unknown: any facility not recorded as private counts, said "
                                             "to be of unknown ownership")),
           zh="慢病队列"),
    Signal("benign_schedule", ("benign",),
           reduced=(("facilities.ownership", "ownership unknown: only cohorts of chronic visits count"),),
           zh="定时治疗队列"),
    Signal("benign_institution", ("benign",), ("persons.address",), zh="同一机构住户"),
    Signal("benign_designated", ("benign",), ("claims.diagnosis|claim_items.item_code|claims.visit_type=chronic",),
           reduced=(("claims.diagnosis", "the market of each drug (a purchase's dearest fee line's item_code) "
                                         "instead of each diagnosis family"),),
           zh="定点药店"),
    Signal("benign_household", ("benign",), ("persons.address",), zh="同一家庭"),
    Signal("benign_kin_account", ("benign",), ("claims.holder_id", "persons.death_date"), zh="已故参保人账户家庭共济"),
    Signal("benign_one_off", ("benign",), zh="一次性活动"),
    Signal("benign_caseload", ("benign",), ("claims.visit_type=inpatient", "claims.doctor_id"), zh="医院自身收治"),
    Signal("benign_referral", ("benign",),
           reduced=(("claims.doctor_id", "the venue's outpatient clinic on the clinic days read as the team's: a stay "
                                         "is a referral after a visit there by any doctor"),),
           zh="专家门诊分诊收治"),
    Signal("benign_aftercare", ("benign",), ("claims.visit_type=inpatient",),
           reduced=(("claims.diagnosis", "a stay before the first visit of the group, its diagnosis not compared"),
                    ("claims.end_time", "the stay's admission day instead of its discharge"),
                    ("facilities.ownership", "ownership unknown: any facility not recorded as private counts")),
           zh="出院后复查"),
    Signal("benign_children", ("benign",), ("persons.birth_date|persons.birth_year",),
           reduced=(("facilities.ownership", "ownership unknown: any facility not recorded as private counts"),),
           zh="婴幼儿保健"),
    Signal("benign_home_round", ("benign",), ("persons.birth_date|persons.birth_year",), zh="养老院月度巡诊"),
    Signal("benign_home_visits", ("benign",), ("persons.birth_date|persons.birth_year", "claims.doctor_id"),
           zh="居家护理上门路线"),
    Signal("benign_primary", ("benign",), ("facilities.kind|facilities.level",), zh="基层定期服务"),
    Signal("benign_online", ("benign",), ("facilities.name",), zh="互联网医院复诊"),
    Signal("benign_refill", ("benign",),
           reduced=(("claims.diagnosis", "steady monthly purchases at ordinary cost, without checking for one drug family"),),
           zh="慢病续方购药"),
    Signal("benign_own_purchases", ("benign",), zh="本人账户日常购药"),
    Signal("benign_venue_care", ("benign",), zh="机构常规诊疗"),
    # peers
    Signal("cost_growth", ("peers",), zh="次均费用增长"),
    Signal("category_share", ("peers",), ("claim_items",), zh="费用类别占比"),
    Signal("dominant_category", ("peers",), ("claim_items",), zh="单一类别"),
    Signal("peer_groups", ("peers",), reduced=(("facilities.kind", "facilities of unknown kind form one group"),
                                               ("facilities.level", "peers of the same kind at any level")),
           zh="同类机构分组"),
)}  # fmt: skip


@dataclass(frozen=True)
class Support:
    """Which signals the data supports.

    Attributes
    ----------
    on : tuple of str
        Signals that run (fully or reduced), in :data:`SIGNALS` order.
    off : dict
        ``{signal: why}`` of the signals switched off.
    reduced : dict
        ``{signal: why and what is done instead}`` of the signals that run reduced.
    """

    on: tuple[str, ...] = ()
    off: dict[str, str] = field(default_factory=dict)
    reduced: dict[str, str] = field(default_factory=dict)

    def line(self) -> str:
        """One line for stderr: the signals off and reduced, or that all run.

        >>> Support(("money",), {"shared_phone": "persons.phone absent or empty"}).line()
        'signals off: shared_phone (persons.phone absent or empty)'
        """
        parts = []
        if self.off:
            parts.append("signals off: " + ", ".join(f"{k} ({v})" for k, v in self.off.items()))
        if self.reduced:
            parts.append("reduced: " + ", ".join(f"{k} ({v})" for k, v in self.reduced.items()))
        return "; ".join(parts) or "every signal runs: the data has every column they need"

    def record(self) -> dict[str, object]:
        """The ``run.json`` entries: ``signals_off``, ``signals_reduced``, ``signals_on``."""
        return {"signals_off": dict(self.off), "signals_reduced": dict(self.reduced), "signals_on": list(self.on)}


def unmet(data: ClaimsData, need: str) -> str | None:
    """Why ``need`` (see the module docstring) is not met by ``data``, or None when it is.

    Examples
    --------
    >>> from graphfraud.synth import toy
    >>> data, _ = toy.staged_clinic()
    >>> unmet(data, "minutes") is None
    True
    >>> unmet(data.__class__(**{**data.__dict__, "time_resolution": "day"}), "minutes")
    'dates only: claims.start_time has no time of day'
    """
    if "|" in need:
        whys = [unmet(data, part) for part in need.split("|")]
        return None if any(w is None for w in whys) else " and ".join(w for w in whys if w)
    if need == "minutes":
        return None if data.time_resolution != "day" else "dates only: claims.start_time has no time of day"
    name, _, value = need.partition("=")
    table, _, column = name.partition(".")
    if table not in TABLES:
        raise ValueError(f"unknown table in signal need {need!r}")
    if not column:
        return None if len(data.table(table)) else _WHY.get(need, f"{table} absent or empty")
    if value:
        frame = data.table(table)
        return None if column in frame and _holds(frame[column], value) else f"no {table} with {column} {value}"
    return None if has_values(data, table, column) else _WHY.get(need, f"{table}.{column} absent or empty")


def has_values(data: ClaimsData, table: str, column: str) -> bool:
    """Whether ``table.column`` holds at least one value.

    A column the reader released (``ClaimsData.released``) is judged by its
    foreign-key links; one released without links counts as present (unknown).
    """
    frame = data.table(table)
    if f"{table}.{column}" in data.released:
        rows = data.link(table, column)
        return True if rows is None else bool((np.asarray(rows) >= 0).any())
    return column in frame and _any_value(frame[column])


def _any_value(values: pd.Series) -> bool:
    """Whether ``values`` has a non-missing value; from Arrow's null count when it is Arrow-backed (ten million ids: no scan)."""
    arrow = getattr(values.array, "_pa_array", None)
    if arrow is not None:
        return arrow.null_count < len(arrow)
    return bool(values.notna().any())


def _holds(values: pd.Series, value: str) -> bool:
    """Whether some row of ``values`` equals ``value`` (one Arrow kernel for Arrow-backed text)."""
    arrow = getattr(values.array, "_pa_array", None)
    if arrow is not None:
        return bool(pc.any(pc.equal(arrow, value)).as_py())
    return bool((values == value).fillna(False).any())


def support(data: ClaimsData, *, used_by: Iterable[str] = USERS) -> Support:
    """The signals of ``used_by`` that ``data`` supports, switches off or runs reduced.

    Parameters
    ----------
    data : ClaimsData
    used_by : iterable of str, default every user
        Only the signals of these parts (:data:`USERS`), e.g. ``("peers",)``.

    Returns
    -------
    Support

    Examples
    --------
    >>> from graphfraud.synth import toy
    >>> data, _ = toy.staged_clinic()
    >>> s = support(data.__class__(**{**data.__dict__, "persons": data.persons.drop(columns="phone")}))
    >>> s.off["shared_phone"]
    'persons.phone absent or empty'
    >>> "money" in s.on
    True
    """
    wanted = set(used_by)
    unknown = wanted - set(USERS)
    if unknown:
        raise ValueError(
            f"The 'used_by' parameter of support must name parts of {USERS}. Got {sorted(unknown)} instead."
        )
    cache: dict[str, str | None] = {}

    def why(need: str) -> str | None:
        if need not in cache:
            cache[need] = unmet(data, need)
        return cache[need]

    on, off, reduced = [], {}, {}
    for s in SIGNALS.values():
        if not wanted & set(s.used_by):
            continue
        missing = [w for w in (why(n) for n in s.needs) if w]
        if missing:
            off[s.name] = "; ".join(missing)
            continue
        on.append(s.name)
        less = [f"{w}: {instead}" for need, instead in s.reduced if (w := why(need))]
        if less:
            reduced[s.name] = "; ".join(less)
    return Support(tuple(on), off, reduced)


def merge(parts: Iterable[Support]) -> Support:
    """One :class:`Support` for several parts of the data (regions): off where off in every part.

    A signal off in some parts only is listed as reduced, with the count of parts.
    """
    parts = list(parts)
    if not parts:
        return Support()
    off: dict[str, str] = {}
    reduced: dict[str, str] = {}
    for name in SIGNALS:
        offs = [p.off[name] for p in parts if name in p.off]
        less = [p.reduced[name] for p in parts if name in p.reduced]
        if len(offs) == len(parts):
            off[name] = offs[0]
        elif offs:
            reduced[name] = f"off in {len(offs)} of {len(parts)} regions ({offs[0]})"
        elif less:
            reduced[name] = less[0] if len(less) == len(parts) else f"in {len(less)} of {len(parts)} regions: {less[0]}"
    on = tuple(n for n in SIGNALS if n not in off and any(n in p.on for p in parts))
    return Support(on, off, reduced)


__all__ = ["SIGNALS", "USERS", "Signal", "Support", "has_values", "merge", "support", "unmet"]
