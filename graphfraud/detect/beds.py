"""Phantom stays (挂床住院): a facility's patients admitted again and again, far more than at its peers.

Targets **bed-blocking and phantom hospitalisation with staggered stays**: a
township health centre keeps villagers "in hospital" while they live at home,
each admitted several times at dates of their own, often split into two
stays (分解住院).  They are never admitted together, so no co-admission
links them (:mod:`graphfraud.detect.coadmit`); what they share is the
facility and the repetition.

A patient's **admissions** at a facility are their stays there, a stay that
starts within ``split_days`` of the previous stay's discharge (or start, when
counting with it as one admission: an ordinary split stay is one admission,
not a repetition.  Without discharge times a stay within ``open_days`` of the
previous stay's start counts with it (a stay and its split readmission fit in
a month).  A **repeat patient**
has at least ``min_admissions`` admissions at the facility.  A facility
**stands out** when its repeat patients are far more than its peers' rate
explains: peers are the facilities of the same kind and level (the same kind
at any level when fewer than ``min_peers`` share its level; every facility
when fewer share its kind); the expected rate is their repeat patients over
their inpatients, pooled, the peer with the highest rate left out (one other
facility with a scheme does not move it) and smoothed by one repeat patient in
two more inpatients (:func:`peer_share`).  It stands out when its rate is at least
``min_ratio`` times that, it has at least ``min_persons`` repeat patients,
and the binomial tail of its count at the peers' rate, times the number of
facilities tested, is at most ``max_chance`` (a false-discovery bound in the
sense of Bonferroni).  Its candidate is its repeat patients with their stays
there.

In an export spanning fewer than ``short_window`` days a recruit on a
quarterly rota is seen twice at most, so facilities are then compared on
their patients admitted twice as well (:func:`thresholds`, step 81), and at
a facility that stands out on two the patients admitted once of the doctors
whose own patients come back are members too (:func:`rota_doctors`).

Benign patterns it must leave to scoring or to its peers: ordinary split
stays (one admission), elderly chronic readmissions (every hospital of the
kind has them: its peers' rate), a rehabilitation or palliative long stay (one
admission), nursing-home residents admitted in turn (one address: scoring's
``benign_institution``).
"""

from __future__ import annotations

import math
from typing import NamedTuple
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd
from graphfraud.stats import binom, poisson

from graphfraud.detect.candidate import Candidate
from graphfraud.detect.coadmit import monthly_parts, settled_stays, unended_parts
from graphfraud.detect.transport import transfers, transport_claims
from graphfraud.graph.build import EPOCH, ClaimGraph
from graphfraud.graph.kinds import inferred_kinds
from graphfraud.graph.regions import home_city, person_cities
from graphfraud.params import BedsParams, to_dict

NAME = "beds"

#: A rota doctor's patients admitted once join while they are at most this many times his patients admitted
#: twice (:func:`rota_doctors`, step 81; fourthworld 24's rota doctors: 1.44 and 0.6-1.0).
ONCE_PER_REPEATER = 2.0

#: Step 102: a stay opened within this many minutes after the same person's stay at the facility closed is the
#: next part of one stay settled in parts (中途结算 every 30 days: the clerk closes a part and opens the next
#: a minute later), not a readmission.
SEAMLESS_MINUTES = 10


def admissions(stays: pd.DataFrame, *, split_days: int, open_days: int) -> np.ndarray:
    """Per stay (rows of ``stays``: ``person``, ``venue``, ``day``, ``end_day``), True when it opens an admission.

    A stay starting within ``split_days`` of the same person's previous
    discharge from the same facility continues that admission (分解住院).
    Without a discharge day (``end_day`` -1) a split cannot be told from a
    readmission: a stay starting within ``open_days`` of the previous stay's
    start continues it, and so does a monthly settlement's next part (with a
    ``minute`` column: :func:`graphfraud.detect.coadmit.unended_parts`, step 89).

    >>> s = pd.DataFrame({"person": [1, 1, 1, 2, 2, 2], "venue": 5, "day": [0, 9, 40, 9, 20, 55],
    ...                   "end_day": [8, 12, 45, -1, -1, -1]})
    >>> admissions(s, split_days=3, open_days=30).tolist()
    [True, False, True, True, False, True]
    """
    person = stays["person"].to_numpy(np.int64)
    venue = stays["venue"].to_numpy(np.int64)
    day = stays["day"].to_numpy(np.int64)
    end = stays["end_day"].to_numpy(np.int64)
    end = np.where(end >= day, end, day + open_days - split_days)
    order = np.lexsort((day, person, venue))
    p, v, d, e = person[order], venue[order], day[order], end[order]
    same = np.r_[False, (p[1:] == p[:-1]) & (v[1:] == v[:-1])]
    # the latest discharge so far within the (venue, person) run: a long stay may cover a short one
    run = np.cumsum(~same)
    latest = pd.Series(e).groupby(run).cummax().to_numpy()
    previous = np.r_[np.iinfo(np.int64).min // 2, latest[:-1]]
    opens = ~same | (d - previous > split_days)
    if "minute" in stays:  # step 89: a monthly settlement's next part, where no discharge is exported
        minute = stays["minute"].to_numpy(np.int64)[order]
        ended = stays["end_day"].to_numpy(np.int64)[order]
        opens &= ~unended_parts(p, v, minute, ended)
        opens &= ~monthly_parts(p, v, minute, ended)  # step 93: a ward settled at each month's end
    out = np.empty(len(order), dtype=bool)
    out[order] = opens
    return out


def split_stays(stays: pd.DataFrame, end_time: pd.Series | None, *, split_days: int, stay_days: int = 0) -> np.ndarray:
    """Step 102: per stay (rows of ``stays``: ``claim``, ``person``, ``venue``, ``minute``, ``day``, ``end_day``),
    True when it is a **split readmission**: opened 0 to ``split_days`` days after the same person's discharge
    from the same facility (分解住院), the parts of a stay settled in parts (中途结算) taken as one stay first.

    Settlement cuts are those :func:`graphfraud.detect.coadmit.settled_stays` reads (a part closed at 23:59 and
    the next opened at 00:00, the first of a month, monthly wards, parts without a discharge) and a part opened
    within :data:`SEAMLESS_MINUTES` after the previous part closed, where the export gives the time of day.  A
    stay whose previous discharge is not exported is no split (nothing to measure the gap from).  A stay opened
    before the previous one closed (a settlement part that keeps the admission time) is none either, nor is a
    readmission after a stay of fewer than ``stay_days`` days (a day ward's or a dialysis unit's sessions, each
    day an admission: nothing long was cut).  ``end_time`` is the claims' ``end_time`` (indexed by claim row),
    None when not exported.

    >>> s = pd.DataFrame({"claim": [0, 1, 2, 3, 4, 5], "person": [1, 1, 1, 2, 2, 2], "venue": 0,
    ...                   "minute": [600, 15 * 1440 + 700, 31 * 1440 + 600, 600, 30 * 1440 + 601, 60 * 1440 + 602],
    ...                   "day": [0, 15, 31, 0, 30, 60], "end_day": [14, 30, 40, 30, 60, 70]})
    >>> ends = pd.Series(pd.to_datetime(["2000-01-15 10:00", "2000-01-31 10:00", "2000-02-10 10:00",
    ...                                  "2000-01-31 10:00", "2000-03-01 10:01", "2000-03-11 10:00"]))
    >>> split_stays(s, ends, split_days=3).tolist()
    [False, True, True, False, False, False]
    """
    out = np.zeros(len(stays), dtype=bool)
    if len(stays) < 2:
        return out
    order = np.lexsort((stays["minute"].to_numpy(), stays["venue"].to_numpy(), stays["person"].to_numpy()))
    s = stays.iloc[order]
    person, venue = s["person"].to_numpy(), s["venue"].to_numpy()
    start = s["minute"].to_numpy(np.int64)
    day, end_day = s["day"].to_numpy(np.int64), s["end_day"].to_numpy(np.int64)
    same = np.r_[False, (person[1:] == person[:-1]) & (venue[1:] == venue[:-1])]
    continues = np.zeros(len(s), dtype=bool)
    if end_time is not None:
        opened = settled_stays(s, end_time)["claim"].to_numpy()
        continues = ~np.isin(s["claim"].to_numpy(), opened)
        ends = end_time.to_numpy()[s["claim"].to_numpy(np.int64)].astype("datetime64[m]")
        known = ~np.isnat(ends)
        end_minute = np.full(len(s), -1, dtype=np.int64)
        end_minute[known] = (ends[known] - EPOCH).astype(np.int64)
        gap = start[1:] - end_minute[:-1]
        # a time of day on either side: a date-only export's same-day readmission is no seamless part
        timed = (start[1:] % 1440 != 0) | (end_minute[:-1] % 1440 != 0)
        continues[1:] |= same[1:] & known[:-1] & timed & (gap >= 0) & (gap <= SEAMLESS_MINUTES)
    else:
        continues |= unended_parts(person, venue, start, end_day) | monthly_parts(person, venue, start, end_day)
    stay = np.cumsum(~continues) - 1
    last_end = np.full(int(stay[-1]) + 1, -1, dtype=np.int64)
    np.maximum.at(last_end, stay, end_day)
    first = np.flatnonzero(~continues)  # each stay's first part, in (person, venue, start) order
    d, e, run = day[first], last_end, np.cumsum(~same[first])
    latest = pd.Series(np.where(e >= 0, e, np.iinfo(np.int64).min // 2)).groupby(run).cummax().to_numpy()
    previous = np.r_[np.iinfo(np.int64).min // 2, latest[:-1]]
    after = d - previous
    split = same[first] & (previous >= 0) & (after >= 0) & (after <= split_days)
    # the stay before lasted stay_days or more: a long stay cut in two, not a day ward's or a dialysis unit's
    # sessions (each day an admission of its own)
    split &= np.r_[False, (e - d)[:-1] >= stay_days]
    flags = np.zeros(len(s), dtype=bool)
    flags[first] = split
    out[order] = flags
    return out


def peer_groups(graph: ClaimGraph) -> pd.DataFrame:
    """Per venue code: ``exact`` (its kind and level), ``kind`` (its kind at any level), as labels; None for
    pharmacies and venues not in ``facilities``.  A missing kind or level reads as ``?``."""
    f = graph.data.facilities
    kind = f["kind"].astype(object).where(f["kind"].notna(), "?").astype(str)
    if inferred_kinds(graph) is not None:  # step 100: kinds read from the venues' own claims
        kind = kind.where(kind == "?", kind + " (inferred 推断)")
    level = f["level"].astype(object).where(f["level"].notna(), "?").astype(str)
    labels = pd.DataFrame(
        {"exact": (kind + " level " + level).to_numpy(), "kind": (kind + ", any level").to_numpy()},
        index=f["facility_id"].astype(str).to_numpy(),
    )
    labels = labels[~labels.index.duplicated()]
    return labels.reindex(pd.Series(graph.visits.venues.ids).astype(str).to_numpy()).reset_index(drop=True)


def facility_rates(
    stays: pd.DataFrame, opens: np.ndarray, *, min_admissions: int, cost: np.ndarray | None = None
) -> pd.DataFrame:
    """Per facility (index: venue code): ``inpatients`` (persons with a stay), ``repeaters`` (persons with at
    least ``min_admissions`` admissions), ``stays``; with ``cost`` (per stay), also ``repeat_amount`` (what its
    repeat patients' stays cost)."""
    per = (
        stays.assign(opens=opens, cost=0.0 if cost is None else cost)
        .groupby(["venue", "person"], sort=True)
        .agg(stays=("claim", "size"), admissions=("opens", "sum"), amount=("cost", "sum"))
    )
    per["repeat"] = per["admissions"] >= min_admissions
    per["repeat_amount"] = per["amount"].where(per["repeat"], 0.0)
    out = per.groupby(level="venue").agg(
        inpatients=("stays", "size"), repeaters=("repeat", "sum"), stays=("stays", "sum"),
        repeat_amount=("repeat_amount", "sum"),
    )  # fmt: skip
    return out if cost is not None else out.drop(columns=["repeat_amount"])


def standouts(rates: pd.DataFrame, groups: pd.DataFrame, params: BedsParams, *, tests: int = 1) -> pd.DataFrame:
    """The facilities of ``rates`` whose repeat patients stand out against their peers (module docstring).

    Peers are the other tested facilities (``min_inpatients``) of the same kind and level, else of the kind
    at any level, else every other tested facility, whichever first has ``min_peers``.  Adds ``peer_group``,
    ``peers``, ``peer_rate``, ``rate``, ``ratio`` and ``tail`` (the chance of as many at the peers' rate); with
    ``repeat_amount`` (:func:`facility_rates` given costs) and ``billed`` (all the facility's claims), also
    ``share``, what the repeat patients' stays cost over all it billed, at least ``min_share`` in a standout.
    ``tests`` is how many thresholds the facilities are compared on (each facility is tested once per
    threshold: the Bonferroni count multiplies).
    """
    r, levels = _tested(rates, groups, params)
    inpatients, repeaters = r["inpatients"].to_numpy(), r["repeaters"].to_numpy()
    n = len(r)
    peer_rate, peers, group = np.full(n, np.nan), np.zeros(n, dtype=np.int64), np.full(n, "", dtype=object)
    for i in range(n):
        others, name = _peers_of(levels, i, params.min_peers)
        if name is not None:
            peer_rate[i] = peer_share(inpatients[others], repeaters[others])
            peers[i], group[i] = int(others.sum()), name
    r["peer_group"], r["peers"], r["peer_rate"] = group, peers, peer_rate
    r["rate"] = r["repeaters"] / r["inpatients"]
    r["ratio"] = r["rate"] / r["peer_rate"]
    k, total = r["repeaters"].to_numpy(), r["inpatients"].to_numpy()
    r["tail"] = binom.sf(k - 1, total, np.nan_to_num(peer_rate, nan=1.0))
    tested = max(int(np.isfinite(peer_rate).sum()), 1) * max(tests, 1)
    found = (
        np.isfinite(peer_rate)
        & (r["repeaters"].to_numpy() >= params.min_persons)
        & (r["ratio"].to_numpy() >= params.min_ratio)
        & (r["tail"].to_numpy() * tested <= params.max_chance)
    )
    if "billed" in r.columns:  # the scheme is what the facility lives on, not a sliver of a busy hospital
        billed = r["billed"].to_numpy(dtype=float)
        r["share"] = np.divide(r["repeat_amount"].to_numpy(dtype=float), billed, out=np.ones(n), where=billed > 0)
        found &= r["share"].to_numpy() >= params.min_share
    return r[found]


def peer_share(inpatients: np.ndarray, repeaters: np.ndarray) -> float:
    """The peers' share of repeat patients: their repeat patients over their inpatients, pooled, the peer with
    the highest share left out when it has any (one other facility with a scheme does not move it), smoothed by one such
    patient in two more inpatients (peers with none are not a share of zero).

    Pooled, not the median of each peer's smoothed share: a township centre has 20-40 inpatients, so one
    patient in two more is 2.5-5% however few of them come back, and the median of such shares was set by the
    smoothing, not by the peers (thirdworld 20: nine peers with no repeat patient among 254 inpatients read as
    4.0%; pooled, 0.4%).

    >>> round(peer_share(np.array([38, 38, 40]), np.array([0, 0, 12])), 4)
    0.0128
    """
    inpatients, repeaters = np.asarray(inpatients, dtype=float), np.asarray(repeaters, dtype=float)
    if len(inpatients) > 1:
        keep = np.ones(len(inpatients), dtype=bool)
        keep[int(np.argmax(repeaters / np.maximum(inpatients, 1)))] = False  # the first of the highest: stable
        keep |= repeaters == 0  # a peer with none is no scheme to leave out
        inpatients, repeaters = inpatients[keep], repeaters[keep]
    return float((repeaters.sum() + 1) / (inpatients.sum() + 2))


def _tested(rates: pd.DataFrame, groups: pd.DataFrame, params: BedsParams) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """The facilities of ``rates`` tested (``min_inpatients``, in ``facilities``), and their peer-group labels
    from the narrowest level to the widest: kind and level, kind, all facilities."""
    r = rates[rates["inpatients"] >= params.min_inpatients].copy()
    label = groups.iloc[r.index.to_numpy()]
    keep = label["exact"].notna().to_numpy()
    r, label = r[keep], label[keep]
    n = len(r)
    return r, [label["exact"].to_numpy(), label["kind"].to_numpy(), np.full(n, "all facilities", dtype=object)]


def _peers_of(levels: list[np.ndarray], i: int, min_peers: int) -> tuple[np.ndarray, str | None]:
    """The peers of tested facility ``i`` (a mask over the tested) and their group's label: the first level
    at which ``min_peers`` others share its label (None when none does)."""
    for names in levels:
        others = (names == names[i]) & (np.arange(len(names)) != i)
        if others.sum() >= min_peers:
            return others, str(names[i])
    return np.zeros(len(levels[0]), dtype=bool), None


def peer_counts(
    graph: ClaimGraph, venue: str, params: BedsParams = BedsParams(), *, split: bool = False, fetched: bool = False
) -> pd.DataFrame:
    """The counts :func:`standouts` compared ``venue`` (a facility id) on: its own and each of its peers'.

    Rows ``role`` ``venue`` (the facility) then ``peer`` (one per peer), with ``venue_id``, ``peer_group``,
    ``inpatients`` and ``repeaters`` (patients with ``min_admissions`` admissions or more), over all the
    claims: what an evidence pack carries so that the peers' rate and the ratio can be recomputed (the
    peers' rate is :func:`peer_share` of the peers' rows).  Empty when ``venue`` was not
    tested (too few inpatients, no peers).  With ``split`` (step 102), ``repeaters`` are the patients with
    ``split_times`` split readmissions or more (:func:`split_rates`), facilities with ``split_inpatients`` tested;
    with ``fetched`` (step 114), the patients with a stay fetched from home (:func:`fetched_stays`).
    """
    columns = ["role", "venue_id", "peer_group", "inpatients", "repeaters"]
    table = graph.visits.table
    stays = table[table["inpatient"].to_numpy() & (table["kind"].to_numpy() == 0) & (table["venue"].to_numpy() >= 0)]
    code = int(graph.visits.venues.codes(pd.Series([venue]))[0])
    if stays.empty or code < 0:
        return pd.DataFrame(columns=columns)
    if split:
        end_time = graph.data.claims["end_time"] if "end_time" in graph.data.claims else None
        rates = split_rates(stays, end_time, params)[0]
        params = replace(params, min_inpatients=params.split_inpatients)
    elif fetched:
        rates = facility_rates(stays, fetched_stays(graph, stays, params)[0], min_admissions=1)
    else:
        opens = admissions(stays, split_days=params.split_days, open_days=params.open_days)
        rates = facility_rates(stays, opens, min_admissions=params.min_admissions)
    r, levels = _tested(rates, peer_groups(graph), params)
    at = np.flatnonzero(r.index.to_numpy() == code)
    others, name = _peers_of(levels, int(at[0]), params.min_peers) if len(at) else (None, None)
    if others is None or name is None:
        return pd.DataFrame(columns=columns)
    rows = r.iloc[np.r_[at, np.flatnonzero(others)]]
    return pd.DataFrame({
        "role": ["venue"] + ["peer"] * int(others.sum()), "venue_id": graph.visits.venues.ids[rows.index.to_numpy()],
        "peer_group": name, "inpatients": rows["inpatients"].to_numpy(), "repeaters": rows["repeaters"].to_numpy(),
    })[columns]  # fmt: skip


def members(
    stays: pd.DataFrame, per: np.ndarray, cost: np.ndarray, venue: int, params: BedsParams, *, times: int | None = None
) -> np.ndarray:
    """The stays (a mask over ``stays``) of the members of a standing-out facility ``venue``: its repeat patients
    (``min_admissions`` admissions or more, ``per`` a stay's patient's admissions there) and its patients
    admitted ``member_admissions`` times or more but fewer whose admissions cost as the scheme's do: their
    stays' cost (``cost``) per admission at least ``member_cost`` times the repeat patients' median.

    A 挂床 or ghost centre also readmits ordinary patients once, at its ordinary cost, and the scheme's
    patients admitted only twice are billed as the others: padded stays (thirdworld 12's ghost centre, 15
    patients admitted twice: the 6 planted at 1,081-2,000 yuan an admission, the 9 ordinary at 420-921,
    its repeat patients' median 1,638).

    >>> s = pd.DataFrame({"person": [1, 1, 1, 2, 2, 3, 3, 4], "venue": 0})
    >>> per, cost = np.array([3, 3, 3, 2, 2, 2, 2, 1]), np.array([900.0, 1100, 1000, 600, 500, 300, 200, 90])
    >>> members(s, per, cost, 0, BedsParams()).tolist()
    [True, True, True, True, True, False, False, False]

    ``times`` is the admissions the facility stood out on (``min_admissions``, or two in a short export: step 81).
    """
    times = params.min_admissions if times is None else times
    at = stays["venue"].to_numpy() == venue
    mine = at & (per >= params.member_admissions)
    few = mine & (per < times)
    if not params.member_cost or not few.any():
        return mine
    person = stays["person"].to_numpy()
    spent = pd.Series(cost[mine]).groupby(person[mine]).sum() / pd.Series(per[mine]).groupby(person[mine]).first()
    repeat = pd.Series(per[mine] >= times).groupby(person[mine]).first()
    if not repeat.any():
        return mine
    bar = params.member_cost * float(spent[repeat].median())
    out = spent[~repeat.to_numpy()].index.to_numpy()[spent[~repeat.to_numpy()].to_numpy() < bar]
    return mine & ~np.isin(person, out)


def thresholds(graph: ClaimGraph, params: BedsParams) -> list[int]:
    """The admission counts facilities are compared on: ``min_admissions``, and twice too when the export
    spans fewer than ``short_window`` days (step 81).

    A rota of one stay a quarter (诱导住院 recruits each admitted on a rota of their own, 45-120 days apart)
    shows at most two admissions in a four-month export, so "again and again" cannot be three there.  A
    longer export keeps three: twice in half a year is what a hospital's ordinary elderly readmissions and
    split stays look like.
    """
    times = [params.min_admissions]
    day = graph.visits.column("day")
    if len(day) and params.min_admissions > 2 and 0 < int(day.max()) - int(day.min()) + 1 < params.short_window:
        times.append(2)
    return times


def twice_standouts(rates: pd.DataFrame, groups: pd.DataFrame, params: BedsParams, found: pd.Index) -> pd.DataFrame:
    """Step 115: in an export of ``short_window`` days or more, the facilities not already ``found`` (standing out
    on ``min_admissions``) that stand out on their patients admitted twice (``rates`` at two admissions), those
    patients at least ``twice_share`` of their inpatients.

    A township centre's 挂床 admits each of its villagers every 45-90 days, so an eight-month export sees most of
    them twice and few three times (eighthworld 7, 8: 4 patients admitted three times, short of ``min_persons``; 11,
    six months: one).  Twice in half a year is also what a hospital's elderly readmissions, a dialysis or a stroke
    unit's patients look like, which is why a longer export keeps three (:func:`thresholds`); but there they are a
    few of many inpatients (the benign standouts on two admissions of every dev world of seven generators: 2.6-7.4%
    of the inpatients at 3.6-9.3x their peers), while the 挂床 centre's are two fifths of its inpatients
    (39-45%).  Tested as the second threshold (the chance counted twice, Bonferroni), after the first.
    """
    twice = standouts(rates, groups, params, tests=2)
    keep = (twice["rate"].to_numpy() >= params.twice_share) & ~twice.index.isin(found)
    return twice[keep].assign(times=2)


def rota_doctors(stays: pd.DataFrame, per: np.ndarray, row: pd.Series, params: BedsParams) -> np.ndarray:
    """The doctors of a standing-out facility whose own inpatients come back beyond chance (step 81).

    ``stays`` are the facility's, ``per`` each one's admissions of its person there, ``row`` the facility's
    :func:`standouts` row.  A doctor's inpatients (persons) are tested as the facility was: those admitted
    ``member_admissions`` times or more, at least ``min_persons`` of them and ``min_ratio`` times the peers'
    rate, with a binomial tail at that rate, times the facility's doctors, of at most ``max_chance``.  In a
    short export the rota of such a doctor has come round once for many of his recruits: his patients
    admitted once are the same rota, not yet seen twice (a ward's other doctors' patients stay out).  They
    are at most :data:`ONCE_PER_REPEATER` times his patients admitted twice: a rota's recruits are seen
    twice or once by where the window cuts their cycle, while a busy doctor with a few readmissions among
    hundreds of patients has an ordinary practice (thirdworld 8's county hospital, were the rule applied to a
    six-month export: 8 readmitted, 194 once).
    """
    doctor = stays["doctor"].to_numpy()
    person = stays["person"].to_numpy()
    named = doctor >= 0
    if not named.any():
        return np.array([], dtype=doctor.dtype)
    pairs = pd.DataFrame(
        {"doctor": doctor[named], "person": person[named], "back": per[named] >= params.member_admissions}
    )
    by = pairs.drop_duplicates(["doctor", "person"]).groupby("doctor")["back"].agg(["size", "sum"])
    n, k = by["size"].to_numpy(), by["sum"].to_numpy()
    rate = float(row["peer_rate"])
    tail = binom.sf(k - 1, n, rate) * len(by)
    keep = (k >= params.min_persons) & (k >= params.min_ratio * rate * n) & (tail <= params.max_chance)
    keep &= n - k <= ONCE_PER_REPEATER * k  # a practice with a few readmissions among many is no rota
    return by.index.to_numpy()[keep]


class Outside(NamedTuple):
    """:func:`outside_persons`: the person codes joined, the cities they are insured in, and how many of the
    members are insured there."""

    persons: np.ndarray
    cities: tuple[str, ...]
    members: int


def outside_persons(graph: ClaimGraph, stays: pd.DataFrame, here: np.ndarray, mine: np.ndarray, *,
                    least: int) -> Outside:  # fmt: skip
    """Step 130: the person codes a standing-out facility's candidate takes in beside its repeat patients: its
    inpatients (``stays[here]``) insured in a city other than the export's own (:func:`graphfraud.graph.regions.home_city`)
    in which ``least`` or more of its members (``stays[mine]``) are insured, whose every claim in the export is one of
    their stays there. ``least`` 0: none.

    异地就医 phantom stays (a home county's identities, insured there, admitted at a town's private hospital and
    never seen in town otherwise) are admitted again after 60-120 days: a half-year export sees some twice, and the
    repeat test finds the facility on them, but the rest, admitted once, are the same identities and nothing else
    ties them in (ninthworld 2, 4, 6, 7, 11, 12: 18-65 a ring, every one planted). The city (the area code's first
    four digits, :func:`graphfraud.graph.regions.city`), not the county: a prefecture's herders admitted at a township
    centre of their own county are insured in another county of the same city (eighthworld: 2-16 ordinary inpatients a
    facility joined at the county, none at the city). A person with a claim anywhere else in the export, or at the
    facility as an outpatient, lives here and stays out: 异地 kin of the town's workers see its clinics.
    """
    none = Outside(np.array([], dtype=np.int64), (), 0)
    cities = graph.shared("person_cities", lambda: person_cities(graph))
    if not least or cities is None or not mine.any():
        return none
    home = graph.shared("home_city", lambda: home_city(cities))  # (once a run: 1M persons' cities sorted per facility)
    person = stays["person"].to_numpy()
    member_city = pd.Series(cities[np.unique(person[mine])]).value_counts()
    far = sorted(str(c) for c, n in member_city.items() if c not in ("", home) and n >= least)
    if not far:
        return none
    candidates = np.setdiff1d(person[here], person[mine])
    candidates = candidates[np.isin(cities[candidates], far)]
    table = graph.visits.table
    person_of = table["person"].to_numpy()
    away = graph.shared("rows_away", lambda: _rows_away(person_of, cities, home))
    rows = away[np.isin(person_of[away], candidates)]  # their claims (every one of a person insured elsewhere)
    at = table["venue"].to_numpy()[rows] == int(stays["venue"].to_numpy()[here][0])
    at &= table["inpatient"].to_numpy()[rows] & (table["kind"].to_numpy()[rows] == 0)
    joined = np.setdiff1d(candidates, table["person"].to_numpy()[rows[~at]])
    if not len(joined):
        return none
    return Outside(joined, tuple(far), int(member_city.reindex(far).sum()))


def _rows_away(person: np.ndarray, cities: np.ndarray, home: str) -> np.ndarray:
    """The claims (rows, ascending) of the persons insured in a known city other than ``home`` (``person``: each
    claim's person code, -1 none; ``cities``: each person code's city, ``""`` unknown).

    :func:`outside_persons` asks for the claims of a few of them per facility: these rows are all it reads, kept
    for the run (a few percent of the claims), not the run's index of every claim by person
    (:meth:`graphfraud.graph.build.ClaimGraph.claim_rows`), which would then be held from this stage on: 48 MB
    at ten million claims, under the card detectors' peak.

    >>> _rows_away(np.array([0, 2, -1, 1, 2]), np.array(["3502", "", "3601"], dtype=object), "3502").tolist()
    [1, 4]
    """
    away = np.append((cities != "") & (cities != home), False)  # (the appended False: claims of no person, -1)
    return np.flatnonzero(away[person])


def detect(graph: ClaimGraph, params: BedsParams = BedsParams(), *, seed: int = 0) -> list[Candidate]:
    """Candidates of repeated admissions at facilities that stand out against their peers (inpatient claims)."""
    table = graph.visits.table
    stays = table[table["inpatient"].to_numpy() & (table["kind"].to_numpy() == 0) & (table["venue"].to_numpy() >= 0)]
    if stays.empty:
        return []
    opens = admissions(stays, split_days=params.split_days, open_days=params.open_days)
    total = graph.data.claims["total_amount"].to_numpy(dtype=float)
    cost = total[stays["claim"].to_numpy()]
    at = table[table["venue"].to_numpy() >= 0]
    billed = pd.Series(total[at["claim"].to_numpy()]).groupby(at["venue"].to_numpy()).sum()
    times = thresholds(graph, params)
    groups = peer_groups(graph)

    def rated(t: int) -> pd.DataFrame:
        rates = facility_rates(stays, opens, min_admissions=t, cost=cost)
        rates["billed"] = billed.reindex(rates.index).fillna(0.0).to_numpy()
        return rates

    # each threshold's standouts; a facility that stands out on both is reported on the one with less chance
    each = [standouts(rated(t), groups, params, tests=len(times)).assign(times=t) for t in times]
    short = len(times) > 1
    if not short and params.twice_share and params.min_admissions > 2:  # step 115: a longer export (twice_standouts)
        each.append(twice_standouts(rated(2), groups, params, each[0].index))
    found = pd.concat([f for f in each if not f.empty]) if any(not f.empty for f in each) else each[0]
    split = split_candidates(graph, stays, cost, billed, groups, params, seed=seed, opens=opens)
    split += fetched_candidates(graph, stays, cost, billed, groups, params, seed=seed)
    if found.empty:
        return split
    found = found.sort_values(["tail", "times"], ascending=[True, False], kind="stable")
    found = found[~found.index.duplicated()].sort_index()
    per = stays.assign(opens=opens).groupby(["venue", "person"])["opens"].transform("sum").to_numpy()
    out = []
    for venue, row in found.iterrows():
        here = stays["venue"].to_numpy() == venue
        mine = members(stays, per, cost, int(venue), params, times=int(row["times"]))
        repeat_persons = np.unique(stays["person"].to_numpy()[mine])
        once = np.zeros(len(stays), dtype=bool)
        if short and int(row["times"]) < params.min_admissions:  # a short export: the rota's recruits seen once
            once = here & ~mine & np.isin(stays["doctor"].to_numpy(), rota_doctors(stays[here], per[here], row, params))
        repeat = mine
        # step 130: the members' other city's identities admitted once (not beside a short export's once-comers)
        far = Outside(np.array([], dtype=np.int64), (), 0)
        if not once.any():
            far = outside_persons(graph, stays, here, mine, least=params.outside_members)
        outside = here & ~mine & np.isin(stays["person"].to_numpy(), far.persons)
        mine = mine | once | outside
        persons = np.unique(stays["person"].to_numpy()[mine])
        evidence = {
            **_peer_evidence(int(venue), row),
            "stays": int(repeat.sum()),
            "admissions": int(opens[repeat].sum()),
            "members": int(len(repeat_persons)),  # :func:`members` (a joined ring holds more)
            "together": False,  # staggered stays: no group admission days (scoring's co_admission does not apply)
            "times": int(row["times"]),
            "member_times": params.member_admissions,
            "chance": float(min(1.0, row["tail"])) if math.isfinite(row["tail"]) else 1.0,
        }
        if once.any():
            evidence["once"] = int(len(np.setdiff1d(persons, repeat_persons)))  # their doctors' patients admitted once
        if outside.any():  # step 130: identities of the members' other city with no care here but these stays
            evidence["outside"] = int(len(far.persons))
            evidence["outside_city"] = ", ".join(far.cities)
            evidence["outside_members"] = far.members
        claims = np.sort(stays["claim"].to_numpy()[mine])
        out.append(Candidate(NAME, persons, claims, evidence, to_dict(params) | {"seed": seed}))
    return out + split


def _peer_evidence(venue: int, row: pd.Series) -> dict[str, object]:
    """A standing-out facility's comparison with its peers (a row of :func:`standouts`), as its candidate's evidence:
    ``repeat_share`` is what its repeat (or split) patients' stays cost, of all the facility billed."""
    return {
        "venue": venue,
        "repeaters": int(row["repeaters"]),
        "inpatients": int(row["inpatients"]),
        "rate": float(row["rate"]),
        "peer_rate": float(row["peer_rate"]),
        "peers": int(row["peers"]),
        "peer_group": str(row["peer_group"]),
        "repeat_ratio": float(row["ratio"]),
        "repeat_share": float(row["share"]),
    }


def split_rates(stays: pd.DataFrame, end_time: pd.Series | None, params: BedsParams,
                cost: np.ndarray | None = None) -> tuple[pd.DataFrame, np.ndarray]:  # fmt: skip
    """Step 102: per facility, ``inpatients`` and ``repeaters`` (its patients with ``split_times`` split
    readmissions there or more, :func:`split_stays`), as :func:`facility_rates`; and the per-stay split flags."""
    flags = split_stays(stays, end_time, split_days=params.split_days, stay_days=params.split_stay_days)
    return facility_rates(stays, flags, min_admissions=params.split_times, cost=cost), flags


def split_candidates(
    graph: ClaimGraph,
    stays: pd.DataFrame,
    cost: np.ndarray,
    billed: pd.Series,
    groups: pd.DataFrame,
    params: BedsParams,
    *,
    seed: int = 0,
    opens: np.ndarray | None = None,
) -> list[Candidate]:
    """Step 102: candidates of facilities whose patients are discharged and readmitted within ``split_days``
    again and again (分解住院), far above their peers' rate.

    An ordinary split stay is one admission (:func:`admissions`), so a hospital that splits its own patients'
    stays, each at their own time, has neither repeat patients nor co-admissions.  What shows is how often its
    patients go out and come back within days: a patient with ``split_times`` (2) such readmissions or more is a
    split patient; the facility is tested on them as on repeat patients (:func:`standouts`: its peers' pooled
    rate, ``min_ratio``, ``min_persons``, ``max_chance``, ``min_share``), facilities with ``split_inpatients`` (10)
    inpatients or more (a private psychiatric hospital keeps a few dozen).  Its candidate is its split patients
    with all their stays there, whether or not the facility stands out on its repeat patients too (a hospital
    may run both schemes: each candidate holds its own patients).  Off when ``split_times`` is 0.

    Step 122: ``opens`` (per stay, True when it opens an admission, :func:`admissions`) gives each standing-out
    facility's batch days (:func:`batch_days`); the patients it admitted in those batches for a stay of
    ``split_stay_days`` or more join its candidate (a psychiatric hospital's recruits brought in a busload at a
    time: admitted late in the export, their first stay there is still its only settled one).
    """
    if not params.split_times:
        return []
    end_time = graph.data.claims["end_time"] if "end_time" in graph.data.claims else None
    rates, flags = split_rates(stays, end_time, params, cost)
    rates["billed"] = billed.reindex(rates.index).fillna(0.0).to_numpy()
    found = standouts(rates, groups, replace(params, min_inpatients=params.split_inpatients))
    out = []
    per = stays.assign(split=flags).groupby(["venue", "person"])["split"].transform("sum").to_numpy()
    for venue, row in found.sort_index().iterrows():
        mine = (stays["venue"].to_numpy() == venue) & (per >= params.split_times)
        counts: dict[str, object] = {
            "admissions": int(mine.sum() - flags[mine].sum()),  # split readmissions counted with the stay before
            "splits": int(flags[mine].sum()),  # readmissions within split_days of a discharge there
            "split_days": params.split_days,
        }
        if opens is not None:
            batch, days = batch_days(stays, opens, int(venue), max_chance=params.max_chance,
                                     min_persons=params.min_persons, stay_days=params.split_stay_days)  # fmt: skip
            more = np.setdiff1d(stays["person"].to_numpy()[batch], stays["person"].to_numpy()[mine])
            if len(more):
                split_persons = int(len(np.unique(stays["person"].to_numpy()[mine])))
                counts |= {"batched": int(len(more)), "batch_days": days, "split_persons": split_persons}
                mine = mine | (batch & np.isin(stays["person"].to_numpy(), more))
        out.append(_standout(int(venue), row, mine, stays, counts, params.split_times, params, seed))
    return out


def batch_days(stays: pd.DataFrame, opens: np.ndarray, venue: int, *, max_chance: float, min_persons: int,
               stay_days: int) -> tuple[np.ndarray, int]:  # fmt: skip
    """Step 122: per stay, True when it opened an admission at ``venue`` on one of its **batch days**, and how many
    batch days it had.

    A batch day is a day on which the facility admitted ``min_persons`` or more persons where its other days'
    rate (its admissions from its first admission day to its last, that day's left out) makes so many a chance
    below ``max_chance`` (Poisson, times the days of that calendar): a private psychiatric hospital that admits
    one patient a day and takes in fourteen one morning.  Its stays count when they last ``stay_days`` or more
    and end on a discharge day that ``min_persons`` or more of the batch days' such stays share (admitted
    together and discharged together: the facility's ordinary patients admitted that day leave when their own
    care ends); the days returned are those such stays opened on.

    >>> s = pd.DataFrame({"person": np.arange(40), "venue": 0, "day": [*range(0, 60, 2), *[70] * 10],
    ...                   "end_day": [*range(29, 89, 2), *[99] * 10]})
    >>> batch, days = batch_days(s, np.ones(40, dtype=bool), 0, max_chance=0.01, min_persons=5, stay_days=3)
    >>> int(batch.sum()), days
    (10, 1)
    """
    out = np.zeros(len(stays), dtype=bool)
    here = (stays["venue"].to_numpy() == venue) & opens
    if not here.any():
        return out, 0
    day = stays["day"].to_numpy(np.int64)
    person = stays["person"].to_numpy(np.int64)
    admitted = pd.DataFrame({"day": day[here], "person": person[here]}).drop_duplicates()
    per_day = admitted.groupby("day")["person"].size()
    span = int(per_day.index.max() - per_day.index.min() + 1)
    total = int(per_day.sum())
    n = per_day.to_numpy(np.int64)
    rate = (total - n) / max(span - 1, 1)  # the other days' admissions a day
    chance = poisson.sf(n - 1, np.maximum(rate, 1e-9)) * span
    batch = per_day.index.to_numpy(np.int64)[(n >= min_persons) & (chance <= max_chance)]
    if not len(batch):
        return out, 0
    end = stays["end_day"].to_numpy(np.int64)
    out = here & np.isin(day, batch) & (end >= 0) & (end - day >= stay_days)
    # discharged together too: a batch leaves on a day min_persons of the batch days' admissions share (the
    # facility's ordinary patients admitted that day leave when their own care ends)
    leaving = pd.Series(person[out]).groupby(end[out]).nunique()
    out &= np.isin(end, leaving.index.to_numpy(np.int64)[leaving.to_numpy() >= min_persons])
    return out, int(len(np.unique(day[out])))


def _standout(venue: int, row: pd.Series, mine: np.ndarray, stays: pd.DataFrame, counts: Mapping[str, object],
              times: int, params: BedsParams, seed: int) -> Candidate:  # fmt: skip
    """The candidate of a facility that stood out on its peers' rate (:func:`standouts`' ``row``): the persons and
    claims of its stays ``mine``, evidence its peer comparison, the stays, ``counts`` (the scheme's own) and the
    ``times`` a member had (steps 102 and 114)."""
    persons = np.unique(stays["person"].to_numpy()[mine])
    evidence = {
        **_peer_evidence(venue, row),
        "stays": int(mine.sum()),
        **counts,
        "members": int(len(persons)),
        "together": False,
        "times": times,
        "member_times": times,
        "chance": float(min(1.0, row["tail"])) if math.isfinite(row["tail"]) else 1.0,
    }
    claims = np.sort(stays["claim"].to_numpy()[mine])
    return Candidate(NAME, persons, claims, evidence, to_dict(params) | {"seed": seed})


def fetched_stays(graph: ClaimGraph, stays: pd.DataFrame, params: BedsParams) -> tuple[np.ndarray, str]:
    """Step 114: per stay, True when it carries a transport fee line (``transport_names``) and is no transfer
    (opened within ``transfer_days`` after the person's claim at another facility,
    :func:`graphfraud.detect.transport.transfers`); and the commonest transport item name ("" when none)."""
    hit, item = transport_claims(graph.data, params.transport_names)
    flags = hit[stays["claim"].to_numpy()]
    if flags.any():
        moved = transfers(graph.visits.table, stays[flags], days=params.transfer_days)
        flags[np.flatnonzero(flags)[moved]] = False
    return flags, item


def fetched_candidates(
    graph: ClaimGraph,
    stays: pd.DataFrame,
    cost: np.ndarray,
    billed: pd.Series,
    groups: pd.DataFrame,
    params: BedsParams,
    *,
    seed: int = 0,
) -> list[Candidate]:
    """Step 114: candidates of facilities whose inpatients are fetched from home by ambulance far above their
    peers' rate (救护车接送入院, :mod:`graphfraud.detect.transport`).

    A patient with a stay there that carries a transport fee line and follows no claim at another facility
    within ``transfer_days`` (a transfer, 转院) is a fetched patient; the facility is tested on them as on
    repeat patients (:func:`standouts`: its peers' pooled rate, ``min_ratio``, ``min_persons``, ``max_chance``,
    ``min_share`` of its billing).  Its candidate is its fetched patients with their fetched stays.  Off when
    ``transport_names`` is "" or no fee line names a transport.
    """
    if not params.transport_names:
        return []
    flags, item = fetched_stays(graph, stays, params)
    if not flags.any():
        return []
    rates = facility_rates(stays, flags, min_admissions=1, cost=np.where(flags, cost, 0.0))
    rates["billed"] = billed.reindex(rates.index).fillna(0.0).to_numpy()
    out = []
    for venue, row in standouts(rates, groups, params).sort_index().iterrows():
        mine = (stays["venue"].to_numpy() == venue) & flags
        counts = {"fetched": int(mine.sum()), "item": item}  # stays with a transport fee, transfers left out
        out.append(_standout(int(venue), row, mine, stays, counts, 1, params, seed))
    return out
