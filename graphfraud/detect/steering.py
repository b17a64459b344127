"""Doctor -> pharmacy steering: a doctor's patients buy at one pharmacy, unlike the peers' patients.

Targets **kickbacks** (处方引流, 回扣): a doctor sends patients to one retail
pharmacy, usually for high-value drugs.  A pharmacy purchase *follows* a
visit when the same person bought within ``follow_days`` after seeing the
doctor.  For each doctor and pharmacy, the share of the doctor's followed-up
patients who bought there is compared with the same pharmacy's share among
the patients of the doctor's peers (the other doctors of the same facility);
a pair is reported when the share is both much higher (``min_lift``) and
very unlikely by chance (binomial z-score ``min_z`` against the peer share).
Only high-value purchases count (insurance money, the fund's and the personal
account's, at or above the ``value_quantile`` of all pharmacy purchases;
:func:`graphfraud.graph.build.insurance_money`): kickbacks are paid on expensive drugs, and the
everyday purchases at the pharmacy next to a hospital would drown them.

The members of a steered pair are every patient the doctor sent there for a
purchase that is high-value at its price, also those who paid cash
(:func:`steered`): at a pharmacy outside 门诊统筹 a resident has no personal
account, so the purchase is 0 yuan of insurance money.  Which pairs are
steered is decided on insurance money alone.

Benign pattern it must leave alone: the pharmacy next to a hospital gets many
of *every* doctor's patients; the peer comparison cancels that out.  A
doctor's peers leave out the team-mates who treat the same patients
(:func:`team_mates`): two doctors of one department who both steer would
otherwise each be the other's baseline.

How strong a reported pair is, is measured three ways (scoring takes the
strongest): the ``lift`` over the peer share, its ``z``-score, and the
``business`` the excess patients bring the pharmacy (their share of its own
high-value buyers).  The last one keeps a small kickback visible when the
pharmacy is popular with the facility's patients anyway (a fifteen-patient
kickback at the hospital's nearest pharmacy has a lift near 2.6 and a z near
4.5, the level of chance pairs among the thousands tested, yet its excess
patients are a sixth of the pharmacy's high-value buyers, where chance pairs
bring a few hundredths).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
from graphfraud.stats import binom

from graphfraud.detect import indication
from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import ClaimGraph, insurance_money
from graphfraud.graph.events import distinct, stable_order, stable_sort
from graphfraud.params import SteeringParams

_DEFAULT = SteeringParams()

#: The most chance allowed for a pair steered only at the purchases' price (:func:`_pairs_at_price`): the exact
#: binomial tail of its count at the peer share, times the number of pairs that could pass (a Bonferroni bound),
#: the card detectors' ``max_chance``.
MAX_CHANCE = 0.001

#: A pair steered only at the purchases' price whose purchases are mostly (this share or more) made on days when
#: another of its patients bought there too is one errand for many, not patients sent one by one: a nursing
#: home's carer fetching the residents' medicine after the round (代配药), paid in cash.
ERRAND_SHARE = 0.5

#: A steered pair's patients buy at the pharmacy at least this many times as often per day in the days after the
#: doctor's visits (the visit's day and ``follow_days`` after) as on their other days (:func:`with_visits`).
#: Ordinary care couples them a little (a sick person sees a doctor and buys medicine: 1-8x, measured); a
#: doctor's prescriptions sent to a shop put the purchases there after his visits (18x and more, measured).
VISIT_RATE = 10.0

#: A steered pair's self-paid members (step 15: its cash buyers, steered too) join only when they are at most this
#: many times its paid patients (step 62, :func:`_pairs`). A kickback's cash half is the same doctor's patients sent
#: the same way, who happen to have no insurance money to pay with: about as many as the paid half (0.55-1.12 in
#: the planted kickbacks with cash buyers, measured). Cash buyers who outnumber the paid patients by far are the
#: shop's own cash trade, which the paid half's steering says nothing about (1.75-3.18 at clinics' next-door shops).
MAX_SELF_PAID = 1.5
#: A clinic's doctor's prior (step 66, :func:`steering_table`) is at least this many times the neighbourhood share:
#: the median, over the clinics' doctors with :data:`NEIGHBOURHOOD_PATIENTS` or more followed-up patients, of the
#: share of a doctor's followed-up patients who bought at his most-used pharmacy. A clinic (门诊部/诊所) serves
#: its neighbourhood, whose residents fill its prescriptions at the shop nearest to it; a doctor without colleagues
#: has no peers at his facility, and the city's share of that shop is no baseline for him (every clinic's next-door
#: shop is 10-100 times the city's share among its own patients). Which shop is next door the export does not say;
#: how much of a clinic doctor's trade his nearest shop takes is what the clinics' doctors show, measured.
NEIGHBOURHOOD = 1.0
#: The fewest followed-up patients of a clinic's doctor whose top pharmacy's share is counted in the neighbourhood
#: share (the steering's own ``min_patients``: a share of fewer is noise).
NEIGHBOURHOOD_PATIENTS = 10
#: The fewest such doctors whose median is a neighbourhood share: of fewer, the doctor under test is much of his own
#: baseline (a thirdworld county has one or two private clinics), and the city's share stays the prior.
NEIGHBOURHOOD_DOCTORS = 5

#: The fewest of a doctor's patients at a shop of a chain for it to be one of his steered shops (step 83,
#: :func:`chain_pairs`): one patient's purchase is no share, however far above the peers' it puts the doctor's.
SHOP_PATIENTS = 2
NAME = "steering"


def follow_frame(merged: pd.DataFrame) -> pd.DataFrame:
    """A follow table (claim, visit_claim, person, pharmacy, doctor, facility as int64) from a visit match whose
    columns are claim, visit_claim, person, venue (the followed venue), doctor and facility."""
    return pd.DataFrame({
        "claim": merged["claim"].to_numpy(np.int64), "visit_claim": merged["visit_claim"].to_numpy(np.int64),
        "person": merged["person"].to_numpy(np.int64), "pharmacy": merged["venue"].to_numpy(np.int64),
        "doctor": merged["doctor"].to_numpy(np.int64), "facility": merged["facility"].to_numpy(np.int64),
    })  # fmt: skip


def followed_purchases(
    table: pd.DataFrame, follow_days: int, *, min_fund: float = 0.0, money: np.ndarray | None = None
) -> pd.DataFrame:
    """Pharmacy purchases (insurance ``money`` per claim >= ``min_fund``; default the fund) that follow a
    doctor's visit by the same person.

    Returns columns ``claim`` (the purchase), ``visit_claim``, ``person``,
    ``pharmacy``, ``doctor``, ``facility``.
    """
    return followed_purchases_of(table, follow_days, [(min_fund, money)])[0]


def followed_purchases_of(
    table: pd.DataFrame, follow_days: int, wanted: list[tuple[float, np.ndarray | None]]
) -> list[pd.DataFrame]:
    """:func:`followed_purchases` for each ``(min_fund, money)`` of ``wanted``, from one match.

    Each purchase is matched on its own (the doctor's visit before it), so the
    purchases any of them asks for are matched with the visits once, and each
    takes its own.

    A purchase's visit is the person's last visit at or before its minute (of several at one minute, the last
    row), when within ``follow_days`` days and 1439 minutes: the purchases and visits are sorted once by
    person, minute, visits first, and row (one int key per row), and a running maximum over that order gives
    each purchase its person's last visit; the rows come out in order of the purchases' minute, then row.  The
    same rows as the ``pandas.merge_asof`` (backward, by person) this replaces (round 20: its two sorts of
    every purchase and visit by minute and the join took 5 of steering's 55 s of samples at ten million claims).
    """
    kind = table["kind"].to_numpy()
    visit = (kind == 0) & (table["doctor"].to_numpy() >= 0) & ~table["inpatient"].to_numpy()
    takes = [(kind == 1) & (_money(table, money) >= min_fund) for min_fund, money in wanted]
    purchase = np.logical_or.reduce(takes)
    at, seen = _last_visits(table, np.flatnonzero(purchase), np.flatnonzero(visit), follow_days * 1440 + 1439)
    claim, person, venue = table["claim"].to_numpy(), table["person"].to_numpy(), table["venue"].to_numpy()
    found = pd.DataFrame({
        "claim": claim[at].astype(np.int64), "visit_claim": claim[seen].astype(np.int64),
        "person": person[at].astype(np.int64), "pharmacy": venue[at].astype(np.int64),
        "doctor": table["doctor"].to_numpy()[seen].astype(np.int64), "facility": venue[seen].astype(np.int64),
    })  # fmt: skip
    row = at
    return [found if len(wanted) == 1 else found[take[row]].reset_index(drop=True) for take in takes]


def _last_visits(
    table: pd.DataFrame, purchases: np.ndarray, visits: np.ndarray, tolerance: int
) -> tuple[np.ndarray, np.ndarray]:
    """The purchases (rows, ascending) that follow a visit and the visit each follows (rows): the person's last
    visit at or before the purchase's minute (of a minute's visits, the last row), ``tolerance`` minutes before it
    or less.  Returned in order of the purchases' minute, then row (as ``pandas.merge_asof`` left them).

    >>> t = pd.DataFrame({"person": [1, 1, 1, 2, 1], "minute": [10, 10, 20, 20, 30]})
    >>> [a.tolist() for a in _last_visits(t, np.array([2, 3, 4]), np.array([0, 1]), 15)]
    [[2], [1]]
    """
    if not len(purchases) or not len(visits):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    person, minute = table["person"].to_numpy(), table["minute"].to_numpy()
    rows = np.concatenate([visits, purchases]).astype(np.int64)
    who, when = person[rows].astype(np.int64), minute[rows].astype(np.int64)
    first, low = int(who.min()), int(when.min())
    span = int(when.max()) - low + 1
    key = ((who - first) * span + (when - low)) * 2  # (person, minute), visits (even) before purchases (odd)
    key[len(visits) :] += 1
    key, order = stable_sort(key)  # and by row within a key: the visits and the purchases each ascending
    rows = rows[order]
    del order
    is_purchase = (key & 1).astype(bool)
    last = np.where(is_purchase, -1, np.arange(len(rows)))
    np.maximum.accumulate(last, out=last)
    at = np.flatnonzero(is_purchase)
    seen = last[at]
    hit = seen >= 0
    at, seen = at[hit], seen[hit]
    # the same person (key // 2 // span), the visit within the tolerance (a difference of keys, halved, in minutes)
    ok = (key[seen] // 2 // span == key[at] // 2 // span) & ((key[at] - key[seen]) // 2 <= tolerance)
    at, seen = rows[at[ok]], rows[seen[ok]]
    ascending = stable_order(at)  # (each purchase once: the one order, by one sort of packed keys)
    at, seen = at[ascending], seen[ascending]
    by_minute = stable_order(minute[at].astype(np.int64))  # the purchases by minute, then row
    return at[by_minute], seen[by_minute]


def high_value_follow(
    table: pd.DataFrame, params: SteeringParams, *, money: np.ndarray | None = None
) -> tuple[pd.DataFrame, float]:
    """High-value followed purchases and the threshold (yuan of insurance money) that defines high value.

    The threshold is the ``params.value_quantile`` quantile of the insurance
    ``money`` (per claim; default the fund) of all pharmacy purchases: a
    kickback paid from the patients' personal accounts (个人账户) is steering
    as much as one the fund pays.  See :func:`followed_purchases` for the columns.
    """
    threshold = high_value(table, params, money=money)
    # Each purchase is matched on its own, so the low-value ones can be left out before matching.
    follow = followed_purchases(table if threshold is not None else table.iloc[:0], params.follow_days,
                                min_fund=threshold or 0.0, money=money)  # fmt: skip
    return follow.reset_index(drop=True), threshold or 0.0


def high_value(table: pd.DataFrame, params: SteeringParams, *, money: np.ndarray | None = None) -> float | None:
    """The threshold of :func:`high_value_follow` (yuan), None without purchases."""
    purchases = _money(table, money)[table["kind"].to_numpy() == 1]
    if not len(purchases):
        return None
    return round(float(np.quantile(purchases, params.value_quantile)), 2)


def pharmacy_buyers(table: pd.DataFrame, min_fund: float, *, money: np.ndarray | None = None) -> pd.Series:
    """Distinct persons who made a purchase of ``money`` >= ``min_fund`` at each pharmacy (after a visit or not).

    The pharmacy's own high-value business: the baseline against which a
    doctor's steered patients are measured (:func:`steering_table`).
    """
    purchase = (table["kind"].to_numpy() == 1) & (_money(table, money) >= min_fund)
    return table.loc[purchase].groupby("venue")["person"].nunique().rename("pharmacy_buyers")


def _money(table: pd.DataFrame, money: np.ndarray | None) -> np.ndarray:
    """Insurance money per claim row: ``money`` when given, else the fund."""
    return table["fund"].to_numpy() if money is None else money


def steering_table(
    follow: pd.DataFrame,
    *,
    prior_weight: float = 20.0,
    buyers: pd.Series | None = None,
    team_overlap: float = _DEFAULT.team_overlap,
    clinic: np.ndarray | None = None,
    neighbourhood: float = NEIGHBOURHOOD,
    mates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per doctor and pharmacy: ``patients``, ``doctor_patients``, ``share``, ``peer_share``, ``lift``, ``z``;
    with ``buyers`` (:func:`pharmacy_buyers`) also ``pharmacy_buyers``, ``excess`` and ``business``.

    ``peer_share`` is the pharmacy's share among the patients of the other
    doctors of the same facility, shrunk towards the pharmacy's share among
    all followed-up patients with the weight of ``prior_weight`` patients, so
    that a facility with few other doctors does not make the baseline noise.
    The doctor's team-mates (:func:`team_mates` at ``team_overlap``: colleagues who treat the same
    patients) are left out of the peers with the doctor (``team_patients``,
    ``team_buyers``): they are no independent witness of where the facility's
    patients buy, and when a department steers they steer too.  Two
    cardiologists who are their small hospital's only prescribers with
    followed-up purchases were each other's whole baseline, and each hid the
    other (an independently generated world, otherworld seeds 20 and 22: lift
    1.6-1.9 against each other, 6-28 against the city).

    ``excess`` is how many more of the doctor's patients bought there than the
    peer share predicts, and ``business`` is that excess as a share of the
    pharmacy's own high-value buyers: what the steering is worth to the
    pharmacy.  A kickback pays only when the steered patients are a real part
    of its business; the pharmacy next to a hospital gets as many of every
    doctor's patients (no excess), and a big pharmacy's chance excess of a few
    patients is lost among its hundreds of buyers.  Unlike ``lift``, which
    cannot exceed ``1 / peer_share`` when the pharmacy is popular anyway, and
    ``z``, which a doctor with twenty patients cannot push far, it does not
    grow or shrink with the doctor's size or the pharmacy's popularity.

    The peers are the facility's other doctors, not the doctor's department:
    two doctors of one department who both take kickbacks from one pharmacy
    would each hide the other in a department baseline (measured on an
    independently generated world, otherworld seed 5: the ring was missed),
    and a department of two or three doctors is a thin baseline against which
    ordinary pairs stand out by chance (the default synth seed 4 fell from
    member F1 0.96 to 0.88).  The price is that a whole department sending
    its patients to a designated pharmacy (双通道) looks like steering.

    ``clinic`` (per venue code, :func:`clinics`) marks the facilities that are
    clinics: there the prior (``pharmacy_prior``) is at least ``neighbourhood``
    times the :func:`neighbourhood_share` of the clinics' doctors (docs/detection.md
    step 66), since a clinic's patients live around it and fill its prescriptions
    at the shop next door, which the city's share says nothing of.

    ``mates``: :func:`team_mates` of ``follow`` at ``team_overlap`` when known (computed here otherwise).
    """
    peers = "facility"
    dp = follow.groupby(["doctor", "pharmacy"], as_index=False).agg(
        patients=("person", "nunique"), facility=("facility", "first"), peers=(peers, "first")
    )
    d = follow.groupby("doctor")["person"].nunique().rename("doctor_patients")
    fp = follow.groupby([peers, "pharmacy"])["person"].nunique().rename("facility_pharmacy")
    f = follow.groupby(peers)["person"].nunique().rename("facility_patients")
    everyone = follow["person"].nunique()
    p = (follow.groupby("pharmacy")["person"].nunique() / max(everyone, 1)).rename("pharmacy_prior")
    dp = dp.join(d, on="doctor").join(fp, on=["peers", "pharmacy"]).join(f, on="peers").join(p, on="pharmacy")
    dp["share"] = dp["patients"] / dp["doctor_patients"]
    if clinic is not None and neighbourhood > 0:
        at = clinic[dp["facility"].to_numpy()]
        local = neighbourhood * neighbourhood_share(dp[at])
        dp["pharmacy_prior"] = np.where(at, np.maximum(dp["pharmacy_prior"].to_numpy(), local), dp["pharmacy_prior"])
    dp = _team(follow, dp, overlap=team_overlap, mates=mates)
    peers = (dp["facility_patients"] - dp["team_patients"]).clip(lower=0)
    peer_buyers = (dp["facility_pharmacy"] - dp["team_buyers"]).clip(lower=0)
    dp["peer_share"] = (peer_buyers + prior_weight * dp["pharmacy_prior"]) / (peers + prior_weight)
    dp["lift"] = dp["share"] / dp["peer_share"].clip(lower=1e-3)
    p0 = dp["peer_share"].clip(lower=1e-3, upper=1 - 1e-3)
    n = dp["doctor_patients"]
    dp["z"] = (dp["patients"] - n * p0) / np.sqrt(n * p0 * (1 - p0))
    if buyers is not None:
        dp = dp.join(buyers, on="pharmacy")
        dp["pharmacy_buyers"] = dp["pharmacy_buyers"].fillna(0).astype(np.int64).clip(lower=dp["patients"])
        dp["excess"] = (dp["patients"] - dp["doctor_patients"] * dp["peer_share"]).clip(lower=0)
        dp["business"] = dp["excess"] / dp["pharmacy_buyers"].clip(lower=1)
    return dp


def neighbourhood_share(dp: pd.DataFrame) -> float:
    """The median, over the doctors of rows ``dp`` (:func:`steering_table`'s, before the peers) with
    :data:`NEIGHBOURHOOD_PATIENTS` or more followed-up patients, of the share of a doctor's followed-up
    patients who bought at his most-used pharmacy (0 with fewer than :data:`NEIGHBOURHOOD_DOCTORS` such doctors).

    >>> dp = pd.DataFrame({"doctor": [1, 1, 2, 3, 4, 5, 6, 7], "share": [0.5, 0.2, 0.3, 0.9, 0.4, 0.6, 0.7, 0.2],
    ...                    "doctor_patients": [10, 10, 12, 4, 30, 15, 10, 11]})
    >>> neighbourhood_share(dp)  # doctors 1, 2, 4, 5, 6 and 7 (3 has too few patients): 0.5, 0.3, 0.4, 0.6, 0.7, 0.2
    0.45
    >>> neighbourhood_share(dp[dp["doctor"] < 5])  # three doctors are no neighbourhood
    0.0
    """
    top = dp[dp["doctor_patients"] >= NEIGHBOURHOOD_PATIENTS].groupby("doctor")["share"].max()
    return float(top.median()) if len(top) >= NEIGHBOURHOOD_DOCTORS else 0.0


def clinics(graph: ClaimGraph) -> np.ndarray | None:
    """Per venue code: the facility is a clinic (``facilities.kind`` ``clinic``, 门诊部/诊所); None without kinds."""
    facilities = getattr(graph.data, "facilities", None)
    if facilities is None or "kind" not in facilities or not facilities["kind"].notna().any():
        return None
    ids = facilities["facility_id"][facilities["kind"].eq("clinic").to_numpy(dtype=bool, na_value=False)]
    out = np.zeros(len(graph.visits.venues.ids), dtype=bool)
    codes = graph.visits.venues.codes(pd.Series(ids, dtype=object))
    out[codes[codes >= 0]] = True
    return out


def team_mates(follow: pd.DataFrame, *, overlap: float = _DEFAULT.team_overlap) -> pd.DataFrame:
    """Pairs of doctors of one facility who treat the same patients: ``doctor``, ``mate``.

    Two doctors are team-mates when at least ``overlap`` (``SteeringParams.team_overlap``,
    half) of the followed-up patients of the one with fewer are also the other's: a
    department's doctors who see the same chronic patients in turn.  Each pair is listed
    both ways; ``overlap`` above 1 makes nobody a team-mate.
    """
    seen = follow[["doctor", "facility", "person"]].drop_duplicates()
    n = seen.groupby("doctor").size()
    both = seen.merge(seen, on=["facility", "person"], suffixes=("", "_mate"))
    both = both[both["doctor"].to_numpy() != both["doctor_mate"].to_numpy()]
    shared = both.groupby(["doctor", "doctor_mate"]).size().rename("shared").reset_index()
    fewer = np.minimum(n.reindex(shared["doctor"]).to_numpy(), n.reindex(shared["doctor_mate"]).to_numpy())
    mates = shared[shared["shared"].to_numpy() >= overlap * fewer]
    return mates[["doctor", "doctor_mate"]].rename(columns={"doctor_mate": "mate"}).reset_index(drop=True)


def _team(follow: pd.DataFrame, dp: pd.DataFrame, *, overlap: float, mates: pd.DataFrame | None = None) -> pd.DataFrame:
    """``dp`` with ``team_patients`` and ``team_buyers``: the facility's patients left out of the doctor's peers
    (the doctor's and the team-mates', :func:`team_mates`), and how many of them bought at the pharmacy.

    Without team-mates they are the doctor's patients and those who bought
    there (``doctor_patients``, ``patients``), as before team-mates were left out.
    """
    dp = dp.assign(team_patients=dp["doctor_patients"], team_buyers=dp["patients"])
    if mates is None:
        mates = team_mates(follow, overlap=overlap)
    if mates.empty:
        return dp
    seen = follow[["doctor", "facility", "person"]].drop_duplicates()
    # the team-mates' patients who are not the doctor's own
    theirs = mates.merge(seen.rename(columns={"doctor": "mate"}), on="mate")[["doctor", "facility", "person"]]
    theirs = theirs.drop_duplicates().merge(seen.assign(own=True), on=["doctor", "facility", "person"], how="left")
    theirs = theirs[theirs["own"].isna().to_numpy()]
    more = theirs.groupby("doctor").size().rename("more_patients")
    bought = follow[["facility", "pharmacy", "person"]].drop_duplicates()
    more_buyers = theirs.merge(bought, on=["facility", "person"]).groupby(["doctor", "pharmacy"]).size()
    dp = dp.join(more, on="doctor").join(more_buyers.rename("more_buyers"), on=["doctor", "pharmacy"])
    dp["team_patients"] = dp["team_patients"] + dp.pop("more_patients").fillna(0).astype(np.int64)
    dp["team_buyers"] = dp["team_buyers"] + dp.pop("more_buyers").fillna(0).astype(np.int64)
    return dp


def steered(priced: pd.DataFrame, doctor: int, pharmacy: int) -> pd.DataFrame:
    """The doctor's patients' purchases at the pharmacy, out of ``priced`` (:func:`followed_purchases` valued
    at the purchase's price): the members of a steered pair, whoever paid.

    The steering is found on insurance money (:func:`high_value_follow`), but
    its members are every patient the doctor sent to the pharmacy for a
    purchase that high-valued at its price: at a pharmacy outside the
    outpatient pool (门诊统筹) an employee pays from the personal account and a
    resident, who has none, pays cash, so half of a kickback's patients cost
    the insurance nothing and would drop out of the ring.  An investigator
    needs them: each is a prescription the doctor sent there.  The ring's
    money stays the insurance money of its claims (theirs is 0).  :func:`detect`
    takes them in only when the cash buyers were steered too (the doctor's go
    to the pharmacy ``min_lift`` times as often as the peers'): a doctor
    whose paying patients are steered but whose cash buyers go there no more
    than anyone's (a few patients buying dear over-the-counter goods next
    door) adds no one.
    """
    mine = (priced["doctor"].to_numpy() == doctor) & (priced["pharmacy"].to_numpy() == pharmacy)
    return priced[mine]


def detect(graph: ClaimGraph, params: SteeringParams = SteeringParams(), *, seed: int = 0) -> list[Candidate]:
    """Candidates: one per steered doctor-pharmacy pair, with the steered patients, then one per steered
    doctor-facility pair (:mod:`graphfraud.detect.referral`, docs/detection.md step 86).

    Where the export names no doctor but gives diagnoses, the kickbacks of a facility's diagnosis instead
    (:mod:`graphfraud.detect.indication`, docs/detection.md step 65): no pair can be measured there.
    """
    if indication.named_no_doctor(graph):
        return indication.detect(graph, NAME)
    from graphfraud.detect import referral  # it builds on this module

    return _pharmacies(graph, params) + referral.detect(graph, params)


def _pharmacies(graph: ClaimGraph, params: SteeringParams) -> list[Candidate]:
    """The steered doctor-pharmacy pairs of :func:`detect`."""
    money = insurance_money(graph.data.claims)
    table = graph.visits.table
    threshold = high_value(table, params, money=money)
    if threshold is None:
        return []
    # The purchases followed up on insurance money (high_value_follow), and the same purchases valued at their
    # price (below), matched with the visits at once.
    total = graph.data.claims["total_amount"].to_numpy()
    dear = high_value(table, params, money=total) or 0.0  # the same quantile of the purchases' prices
    follow, priced, dearly = followed_purchases_of(
        table, params.follow_days, [(threshold, money), (threshold, total), (dear, total)]
    )
    # pairs seen only at the purchases' price: kickbacks the patients paid in cash
    clinic = clinics(graph)  # a clinic's doctor is compared with his neighbourhood too (step 66)
    at_price = _pairs_at_price(dearly, total, table, dear, params, cash=_money(table, money) < threshold, clinic=clinic)
    at_price = with_visits(at_price, dearly, table, total >= dear, params.follow_days)
    if follow.empty:
        return at_price
    dp = steering_table(
        follow,
        buyers=pharmacy_buyers(graph.visits.table, threshold, money=money),
        team_overlap=params.team_overlap,
        clinic=clinic,
    )
    hits = _passing(dp, params)
    # The same purchases valued at their price: a purchase the fund and the account paid nothing on (cash,
    # or a pharmacy outside 门诊统筹 where residents have no account) is steered all the same.
    cash = priced[~np.isin(priced["claim"].to_numpy(), follow["claim"].to_numpy())]
    cash_steering = (
        steering_table(cash, team_overlap=params.team_overlap, clinic=clinic).set_index(["doctor", "pharmacy"])["lift"]
        if len(cash)
        else pd.Series(dtype=float)
    )
    out = _pairs(hits, follow, priced, cash_steering, threshold, params, mix=panel_mix(graph, table, hits))
    out = with_visits(out, follow, table, _money(table, money) >= threshold, params.follow_days)
    # a pair found on insurance money is that pair, with its cash buyers when they were steered too
    known = {(int(c.evidence["doctor"]), int(c.evidence["pharmacy"])) for c in out}
    out = out + [c for c in at_price if (c.evidence["doctor"], c.evidence["pharmacy"]) not in known]
    if params.by_chain:
        out = out + chain_pairs(graph, params, out, (follow, priced, dearly), threshold, dear)
    if not params.prescribed:
        return out
    followed = pd.concat([follow, priced, dearly])
    return with_prescribed(out, table, total >= min(threshold, dear), followed=followed, least=params.min_patients)


def with_prescribed(
    candidates: list[Candidate],
    table: pd.DataFrame,
    dear: np.ndarray,
    *,
    followed: pd.DataFrame | None = None,
    least: int = 0,
) -> list[Candidate]:
    """The steered pairs (``candidates``) with every patient whose dear purchase (``dear``, per claim) at the
    pair's pharmacy (a chain pair's ``shops``) names the pair's doctor as its prescriber (step 97).

    A pharmacy claim's ``doctor_id`` is the prescribing physician (data contract): where the export carries it,
    a purchase that names him at the shop is a prescription he sent there, whether or not the patient saw him in
    the days before.  A 处方流转平台 (e-prescription platform) prescription is filled without a visit to the
    pharmacy's claim: a doctor who sends his platform prescriptions to one shop has his visited patients in
    the pair (found on the visits, as always) and the others only on the prescriber's name (seventhworld
    seeds 1-6: 11-28 visited of 32-110).  The pair is proven as before; the named prescriptions add members
    and their claims (``named`` in the evidence: how many patients only the name brings), never a pair.

    A named purchase that followed a visit to the doctor (in ``followed``, the doctor's followed purchases: a
    follow table, claim and doctor) brings no one (step 107) unless the name is evidence of its own: the pair's
    tests already weighed it, and a patient it did not make a member (a purchase under the pair's bar of
    insurance money, of a doctor whose cash buyers are not steered, step 15) is not made one by a name that says
    no more than his visit did.  When ``least`` patients or more (the pairs' ``min_patients``) fill his named
    prescriptions at the shop without his visit, the shop is where his prescriptions go, as a pair's patients
    show it, and his followed named fills there join too.
    """
    if not candidates:
        return candidates
    named = (table["kind"].to_numpy() == 1) & (table["doctor"].to_numpy() >= 0) & dear
    if not named.any():
        return candidates
    rows = np.flatnonzero(named)
    doctor, venue = table["doctor"].to_numpy()[rows], table["venue"].to_numpy()[rows]
    person, claim = table["person"].to_numpy()[rows], table["claim"].to_numpy()[rows]
    # per named purchase, the doctor whose visit it followed (-1: none), as the pairs were decided (step 107)
    after = np.full(len(rows), -1, dtype=np.int64)
    if followed is not None and len(followed):
        seen = followed[["claim", "doctor"]].drop_duplicates("claim")
        at = pd.Index(seen["claim"].to_numpy(np.int64)).get_indexer(claim)
        after = np.where(at >= 0, seen["doctor"].to_numpy(np.int64)[np.maximum(at, 0)], -1)
    out = []
    for c in candidates:
        shops = c.evidence.get("shops") or [c.evidence["pharmacy"]]
        mine = (doctor == int(c.evidence["doctor"])) & np.isin(venue, np.asarray(shops, dtype=np.int64))
        apart = mine & (after != doctor)  # filled without his visit before them
        if len(np.setdiff1d(person[apart], c.persons)) < least:
            mine = apart  # his visited patients' purchases were weighed by the pair's tests
        more = np.setdiff1d(person[mine], c.persons)
        if len(more):
            c = replace(c, persons=np.union1d(c.persons, more), claims=np.union1d(c.claims, claim[mine]),
                        evidence={**c.evidence, "named": int(len(more))})  # fmt: skip
        out.append(c)
    return out


def chain_pairs(
    graph: ClaimGraph,
    params: SteeringParams,
    found: list[Candidate],
    frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
    threshold: float,
    dear: float,
    *,
    shop_lift: float | None = None,
) -> list[Candidate]:
    """Steered pairs of a doctor and a chain: the same tests (:func:`detect`) with the chain's shops to which the
    doctor steers taken as one pharmacy (chains: :func:`graphfraud.detect.cards.institutions`, the ``chain``
    column or the shops' names).

    The one who pays a kickback is the chain, and a doctor who sends his patients to the chain's shop nearest to
    each of them splits his steered patients over its shops: two county doctors, each also at a private hospital,
    whose 42 patients bought at three shops of one chain were 8-11 patients per doctor and shop, under
    ``min_patients`` everywhere but once (thirdworld thh14 69 R07).  A pair is tested in two passes.  First the
    chain's shops taken together against the same facility's other doctors (their share of the chain), so a
    chain every patient of the county buys at is no lift.  Then the steering must show at the shops themselves:
    the shops at which the doctor's patients' share is ``min_lift`` times the peers' (the pair of the doctor and
    the shop, as :func:`steering_table` measures it) are his steered shops, and a pair is kept only when two of
    the chain's shops or more are and those shops taken together (the chain's others left as they are) pass the
    four tests again: a county doctor whose patients buy at the shops of the county's largest chain in the
    towns they live in, a little more than his colleagues' do, is steered to no shop of it (thirdworld 3: 54
    patients at eight shops, lift 2.1 over the chain, 1.0-4.2 per shop; at the four shops over 2, 34 of his 145
    patients, under ``min_share``).  A steered shop holds :data:`SHOP_PATIENTS` of the doctor's patients or
    more: one patient's purchase is no share (otherworld 9: an oncologist's 24 patients at one shop of a chain,
    a designated pharmacy, and one at another shop of it, would be the same pair again with one more patient).
    A pair whose patients are all in the doctor's pairs with the chain's shops already found (``found``) is
    dropped.  The evidence names the shop most of the steered
    purchases were made at (``pharmacy``), the shops they were made at (``shops``, venue codes) and how many
    (``chain_shops``).  ``shop_lift`` (default ``min_lift``) is the steered shops' bar, for measuring it.
    """
    from graphfraud.detect.cards import institutions  # cards imports nothing of steering; a late import all the same

    if getattr(graph.visits, "venues", None) is None or getattr(graph.data, "pharmacies", None) is None:
        return []  # no venue ids or no pharmacies table: no chain is known
    unit, _ = institutions(graph)
    shops = np.bincount(unit, minlength=len(unit))
    if not (shops >= 2).any():
        return []
    clinic = clinics(graph)
    venue = graph.visits.table["venue"].to_numpy()
    # the pairs of a doctor and one shop, per way of deciding (on insurance money; at the purchases' price)
    fixed = _Fixed(graph, frames, threshold, dear, params.team_overlap)  # what no merge changes, once for all passes
    single = {
        at_price: steering_table(
            frames[2 if at_price else 0],
            team_overlap=params.team_overlap,
            clinic=clinic,
            mates=fixed.mates("dearly" if at_price else "follow", frames[2 if at_price else 0]),
        )
        for at_price in (False, True)
    }
    kept = []
    for c in _passes(graph, params, frames, unit, threshold, dear, clinic, fixed=fixed):
        chain, doctor = int(unit[int(c.evidence["pharmacy"])]), int(c.evidence["doctor"])
        if shops[chain] < 2:
            continue
        t = single[bool(c.evidence.get("at_price"))]
        steered_to = t[(t["doctor"] == doctor) & (unit[t["pharmacy"].to_numpy()] == chain)]
        bar = params.min_lift if shop_lift is None else shop_lift
        steered = (steered_to["lift"].to_numpy() >= bar) & (steered_to["patients"].to_numpy() >= SHOP_PATIENTS)
        ours = np.sort(steered_to["pharmacy"].to_numpy()[steered])
        if len(ours) < 2:  # steered to one shop of it at most: that shop's pair, tested as such
            continue
        if len(ours) < len(steered_to):  # the chain's other shops are the patients' own: test the steered ones
            merge = np.arange(len(unit))
            merge[ours] = ours[0]
            at_price = bool(c.evidence.get("at_price"))
            again = [
                o
                for o in _passes(
                    graph,
                    params,
                    frames,
                    merge,
                    threshold,
                    dear,
                    clinic,
                    fixed=fixed,
                    only=(doctor, int(ours[0]), at_price),
                )
                if int(o.evidence["doctor"]) == doctor
                and int(o.evidence["pharmacy"]) == ours[0]
                and bool(o.evidence.get("at_price")) == bool(c.evidence.get("at_price"))
            ]
            if not again:
                continue
            c = again[0]
        theirs = [
            o.persons
            for o in found
            if int(o.evidence["doctor"]) == doctor and unit[int(o.evidence["pharmacy"])] == chain
        ]
        if theirs and np.isin(c.persons, np.concatenate(theirs)).all():
            continue  # the doctor's pairs with the chain's shops hold every patient already
        at = venue[c.claims]
        at = at[np.isin(at, ours)]
        values, counts = np.unique(at, return_counts=True)
        if len(values) < 2:
            continue
        c.evidence["pharmacy"] = int(values[np.argmax(counts)])
        c.evidence["chain_shops"] = len(values)
        c.evidence["shops"] = [int(v) for v in values]
        kept.append(c)
    return kept


class _Fixed:
    """What :func:`_passes` computes the same under every merge of the shops (:func:`chain_pairs` runs it once
    per chain pair): the insurance money and the price per claim, the claims' masks against the two thresholds,
    the distinct (venue, person) of the dear purchases (the pharmacies' buyers, :func:`pharmacy_buyers`, are
    their persons per merged venue), and the team-mates of each follow table (:func:`team_mates` reads the
    doctors, facilities and persons, which a merge of shops leaves as they are)."""

    def __init__(
        self,
        graph: ClaimGraph,
        frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
        threshold: float,
        dear: float,
        team_overlap: float,
    ) -> None:
        table = graph.visits.table
        self.money = insurance_money(graph.data.claims)
        self.total = graph.data.claims["total_amount"].to_numpy()
        paid = _money(table, self.money)
        self.cash = paid < threshold  # per claim: less insurance money than the threshold
        self.insured = paid >= threshold  # per claim: the insurance threshold or more
        self.dear = self.total >= dear
        purchase = table["kind"].to_numpy() == 1
        venue, person = table["venue"].to_numpy(), table["person"].to_numpy()
        self.buyers = {}
        for key, mask in (("money", purchase & self.insured), ("total", purchase & (self.total >= dear))):
            pairs = pd.DataFrame({"venue": venue[mask], "person": person[mask]}).drop_duplicates()
            self.buyers[key] = (pairs["venue"].to_numpy(), pairs["person"].to_numpy())
        follow, priced, _ = frames
        self.unfollowed = ~np.isin(priced["claim"].to_numpy(), follow["claim"].to_numpy())  # priced's cash rows
        self.overlap = team_overlap
        self._mates: dict[str, pd.DataFrame] = {}

    def mates(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """:func:`team_mates` of the follow table ``frame`` (``name``: which one of the passes' four; any merge
        of it), computed at its first use."""
        if name not in self._mates:
            self._mates[name] = team_mates(frame, overlap=self.overlap)
        return self._mates[name]

    def pharmacy_buyers(self, merge: np.ndarray, key: str) -> pd.Series:
        """:func:`pharmacy_buyers` of the table with its venues taken as ``merge``, at the insurance threshold on
        insurance money (``key`` ``money``) or at the price threshold on the price (``total``)."""
        venue, person = self.buyers[key]
        frame = pd.DataFrame({"venue": merge[venue], "person": person})
        return frame.groupby("venue")["person"].nunique().rename("pharmacy_buyers")


def _passes(
    graph: ClaimGraph,
    params: SteeringParams,
    frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
    merge: np.ndarray,
    threshold: float,
    dear: float,
    clinic: np.ndarray | None,
    *,
    fixed: _Fixed | None = None,
    only: tuple[int, int, bool] | None = None,
) -> list[Candidate]:
    """The steered pairs of :func:`detect` (on insurance money, then at the purchases' price) with the pharmacies
    taken as ``merge`` (per venue code: the code it is counted as).

    ``fixed`` (:class:`_Fixed`) holds what no merge changes, computed once.  ``only`` (doctor, pharmacy,
    at_price) asks for that one pair's candidate of that way of deciding: the tables are measured whole as
    before (the prior, the neighbourhood share and the count of pairs tested are the whole table's), but
    only that pair's candidate is built and has its visits checked (each pair's are its own), and the
    way of deciding not asked for is skipped (on insurance money it is still needed for an ``at_price``
    pair: a pair found on insurance money is no pair at the price).  The candidates of that pair are the
    same as without ``only``."""
    if fixed is None:
        fixed = _Fixed(graph, frames, threshold, dear, params.team_overlap)
    follow, priced, dearly = (f.assign(pharmacy=merge[f["pharmacy"].to_numpy()]) for f in frames)
    table = graph.visits.table
    table = table.assign(venue=merge[table["venue"].to_numpy()])
    total = fixed.total
    pair = None if only is None else only[:2]
    at_price: list[Candidate] = []
    if only is None or only[2]:
        at_price = _pairs_at_price(
            dearly,
            total,
            table,
            dear,
            params,
            cash=fixed.cash,
            clinic=clinic,
            buyers=fixed.pharmacy_buyers(merge, "total"),
            mates=fixed.mates,
            only=pair,
        )
        at_price = with_visits(at_price, dearly, table, fixed.dear, params.follow_days)
    out: list[Candidate] = []
    if not follow.empty:
        dp = steering_table(
            follow,
            buyers=fixed.pharmacy_buyers(merge, "money"),
            team_overlap=params.team_overlap,
            clinic=clinic,
            mates=fixed.mates("follow", follow),
        )
        hits = _passing(dp, params)
        if pair is not None:
            hits = hits[(hits["doctor"].to_numpy() == pair[0]) & (hits["pharmacy"].to_numpy() == pair[1])]
        if len(hits):
            cash = priced[fixed.unfollowed]
            cash_steering = (
                steering_table(
                    cash, team_overlap=params.team_overlap, clinic=clinic, mates=fixed.mates("cash", cash)
                ).set_index(["doctor", "pharmacy"])["lift"]
                if len(cash)
                else pd.Series(dtype=float)
            )
            out = _pairs(hits, follow, priced, cash_steering, threshold, params)
            out = with_visits(out, follow, table, fixed.insured, params.follow_days)
    known = {(int(c.evidence["doctor"]), int(c.evidence["pharmacy"])) for c in out}
    return out + [c for c in at_price if (c.evidence["doctor"], c.evidence["pharmacy"]) not in known]


def with_visits(
    candidates: list[Candidate], follow: pd.DataFrame, table: pd.DataFrame, dear: np.ndarray, days: int
) -> list[Candidate]:
    """The steered pairs (``candidates``) whose patients buy at the pharmacy in the days after the doctor's visits, far more often
    than on their other days: :data:`VISIT_RATE` times or more per day.

    The peers (:func:`steering_table`) say whether the doctor's patients go to the pharmacy more than the
    facility's other patients do.  A village doctor is his clinic's only prescriber: his peers are the
    county, and against the county every village whose people buy at the township's one shop is a
    "lift" (thirdworld: up to 28 such pairs a world, 14 of them reported as rings of 10-35 persons in the top K
    of ten of 44 worlds).  They buy there because it is their shop, on any day; a doctor's prescriptions sent to a shop
    are bought there after his visits.  So the pair's patients' dear purchases at the pharmacy (``dear``, per
    claim: the value the pair was decided on) are split: those the pair was decided on (``follow``, the
    doctor's and the pharmacy's rows: within ``days`` of his visit) and the others; the rate per day of the
    first over the days after his visits (each patient's visit days and ``days`` after, within the export)
    must be :data:`VISIT_RATE` times the rate of the others over the patients' other days
    (:func:`visit_rates`).  A pair whose patients bought there only after his visits passes.
    """
    rates = visit_rates(candidates, follow, table, dear, days)
    return [c for c, rate in zip(candidates, rates, strict=True) if rate >= VISIT_RATE]


def visit_rates(
    candidates: list[Candidate],
    follow: pd.DataFrame,
    table: pd.DataFrame,
    dear: np.ndarray,
    days: int,
    *,
    bought: int = 1,
) -> np.ndarray:
    """How many times as often per day each steered pair's patients bought dear at the pharmacy in the days after
    the doctor's visits as on their other days (:func:`with_visits`); ``inf`` when they bought there only then.

    The dear purchases and the outpatient visits are sorted once by pharmacy and by doctor, so each pair reads
    only its own rows (ten million claims, dozens of pairs).  ``bought`` is the ``kind`` of the claims at the
    pair's venue: 1 (pharmacy purchases), 0 for a facility's outpatient claims (:mod:`graphfraud.detect.referral`).
    """
    if not candidates:
        return np.zeros(0)
    person, day, kind = table["person"].to_numpy(), table["day"].to_numpy(), table["kind"].to_numpy()
    venue, doctor = table["venue"].to_numpy(), table["doctor"].to_numpy()
    first, last = int(day.min()), int(day.max())
    pairs = [(int(c.evidence["doctor"]), int(c.evidence["pharmacy"])) for c in candidates]
    # the pairs' pharmacies' dear purchases and their doctors' outpatient visits, each sorted once
    buys = np.flatnonzero((kind == bought) & dear & np.isin(venue, [p for _, p in pairs]))
    buys = buys[np.argsort(venue[buys], kind="stable")]
    shop = venue[buys]
    seen = np.flatnonzero((kind == 0) & np.isin(doctor, [d for d, _ in pairs]) & ~table["inpatient"].to_numpy())
    seen = seen[np.argsort(doctor[seen], kind="stable")]
    doc = doctor[seen]
    theirs = follow[np.isin(follow["pharmacy"].to_numpy(), [p for _, p in pairs])]
    by_pair = theirs.groupby(["doctor", "pharmacy"])
    rates = []
    for d, p in pairs:
        mine = by_pair.get_group((d, p)) if (d, p) in by_pair.groups else theirs.iloc[:0]
        patients = np.unique(mine["person"].to_numpy())
        came = int(mine["claim"].nunique())
        there = buys[np.searchsorted(shop, p) : np.searchsorted(shop, p, side="right")]
        other = int(np.isin(person[there], patients).sum()) - came
        visits = seen[np.searchsorted(doc, d) : np.searchsorted(doc, d, side="right")]
        visits = visits[np.isin(person[visits], patients)]
        # the distinct (patient, day) in the days after a visit, up to the last day: one int key each
        after = (day[visits][:, None] + np.arange(days + 1)[None, :]).ravel()
        who = np.repeat(person[visits], days + 1).astype(np.int64)
        within = after <= last
        window = int(len(distinct(who[within] * (last - first + 1) + (after[within] - first))))
        rest = len(patients) * (last - first + 1) - window
        rates.append(float("inf") if other <= 0 or window <= 0 or rest <= 0 else (came / window) / (other / rest))
    return np.asarray(rates, dtype=float)


def _passing(dp: pd.DataFrame, params: SteeringParams) -> pd.DataFrame:
    """The rows of a :func:`steering_table` that are steering: the detector's four tests, in pair order."""
    return dp[
        (dp["patients"] >= params.min_patients)
        & (dp["share"] >= params.min_share)
        & (dp["lift"] >= params.min_lift)
        & (dp["z"] >= params.min_z)
    ].sort_values(["doctor", "pharmacy"])


def _pairs_at_price(
    priced: pd.DataFrame,
    total: np.ndarray,
    table: pd.DataFrame,
    threshold: float,
    params: SteeringParams,
    *,
    cash: np.ndarray,
    clinic: np.ndarray | None = None,
    buyers: pd.Series | None = None,
    mates: Callable[[str, pd.DataFrame], pd.DataFrame] | None = None,
    only: tuple[int, int] | None = None,
) -> list[Candidate]:
    """Steered pairs found only at the purchases' price: kickbacks the patients paid in cash.

    The pairs of :func:`detect` are decided on insurance money.  A chain that
    pays a doctor for prescriptions is paid as well when the patients pay the
    shop in cash (a resident at a pharmacy outside 门诊统筹 has no personal
    account): the purchases are settled on the card at 0 yuan of insurance
    money, and the pair is invisible on insurance money however steered.  Here
    the same four tests (:func:`_passing`) run on the purchases that are dear
    at their price (``priced``: at or above ``threshold``, the same quantile
    ``value_quantile`` of the purchases' ``total`` that the insurance money's
    threshold is of insurance money), against the same peers; each pair that
    passes is a candidate whose members are all its steered patients, its
    evidence marked ``at_price`` (the sentence says the purchases were counted
    at their price), when it is also beyond chance among all the pairs tested:
    the exact binomial tail of its count at the peer share, times the number of
    pairs with ``min_patients`` or more (a Bonferroni bound), at most
    :data:`MAX_CHANCE`; and when its patients bought on their own days: a pair
    whose purchases were mostly made together (:data:`ERRAND_SHARE`) is a
    carer's errand for a home's residents, who pay cash as the steered do.
    And the steering must show in the cash purchases themselves (``cash``, per
    claim: less insurance money than the insurance threshold): the pair passes
    the same four tests on those alone.  A pair whose dear purchases are mostly
    insured was judged on insurance money already; its few cash purchases
    added to them are no new evidence.
    :func:`detect` keeps those that are no pair already.

    For :func:`chain_pairs`' passes: ``buyers`` is :func:`pharmacy_buyers` of ``table`` at ``threshold`` on
    ``total`` when known, ``mates`` gives the team-mates of the tables (:meth:`_Fixed.mates`), and ``only``
    (doctor, pharmacy) builds that pair's candidate alone (the pairs tested are counted over the whole table all
    the same).
    """
    if priced.empty:
        return []
    if buyers is None:
        buyers = pharmacy_buyers(table, threshold, money=total)
    dp = steering_table(
        priced,
        buyers=buyers,
        team_overlap=params.team_overlap,
        clinic=clinic,
        mates=None if mates is None else mates("dearly", priced),
    )
    found = _passing(dp, params)
    if len(found):
        # the tests' z is a normal approximation, loose for a doctor with twenty patients; a pair no insurance
        # money shows must be beyond chance among all the pairs that could have passed
        tested = int((dp["patients"] >= params.min_patients).sum())
        p0 = found["peer_share"].clip(lower=1e-3, upper=1 - 1e-3).to_numpy()
        tail = binom.sf(found["patients"].to_numpy() - 1, found["doctor_patients"].to_numpy(), p0)
        found = found[tail * tested <= MAX_CHANCE]
    if only is not None:
        found = found[(found["doctor"].to_numpy() == only[0]) & (found["pharmacy"].to_numpy() == only[1])]
    day = table["day"].to_numpy()
    keep = [
        _errand_share(day[steered(priced, int(d), int(p))["claim"].to_numpy()]) < ERRAND_SHARE
        for d, p in zip(found["doctor"].to_numpy(), found["pharmacy"].to_numpy(), strict=True)
    ]
    found = found[np.asarray(keep, dtype=bool)] if len(found) else found
    unpaid = priced[cash[priced["claim"].to_numpy()]]
    if len(found) and len(unpaid):
        alone = steering_table(
            unpaid,
            team_overlap=params.team_overlap,
            clinic=clinic,
            mates=None if mates is None else mates("unpaid", unpaid),
        )
        alone = _passing(alone, params)
        pairs = set(zip(alone["doctor"].tolist(), alone["pharmacy"].tolist(), strict=True))
        seen = [(d, p) in pairs for d, p in zip(found["doctor"].tolist(), found["pharmacy"].tolist(), strict=True)]
        found = found[np.asarray(seen, dtype=bool)]
    elif not len(unpaid):
        found = found.iloc[:0]
    return [
        _candidate(
            row, steered(priced, int(row.doctor), int(row.pharmacy)), threshold, params, self_paid=0, at_price=True
        )
        for row in found.itertuples(index=False)
    ]


def _errand_share(days: np.ndarray) -> float:
    """Share of purchases (their ``days``) made on a day when another of them was made too.

    >>> _errand_share(np.array([3, 3, 3, 40, 71]))
    0.6
    """
    if not len(days):
        return 0.0
    values, counts = np.unique(days, return_counts=True)
    return float(np.isin(days, values[counts >= 2]).mean())


def panel_mix(graph: ClaimGraph, table: pd.DataFrame, hits: pd.DataFrame) -> dict[int, float]:
    """Per doctor of ``hits``: his outpatients' residents per employee (``persons.insured_type``), at least 1.

    Who of a kickback's patients pays cash at a shop outside 门诊统筹 is the doctor's mix: residents have
    no personal account.  So the cash half of a steered pair is as many times its paid half as the doctor's
    panel has residents per employee (step 81).  1 where the export has no ``insured_type``, the doctor
    no employee among his patients, or more employees than residents (the bound is never tighter than
    :data:`MAX_SELF_PAID`).
    """
    persons = getattr(getattr(graph, "data", None), "persons", None)
    if hits.empty or persons is None or "insured_type" not in persons.columns:
        return {}
    kind = persons["insured_type"].astype("string").fillna("").to_numpy(dtype=object)
    rows = graph.person_rows()
    doctor, person = table["doctor"].to_numpy(), table["person"].to_numpy()
    seen = np.isin(doctor, hits["doctor"].unique()) & (table["kind"].to_numpy() == 0)
    panel = pd.DataFrame({"doctor": doctor[seen], "person": person[seen]}).drop_duplicates()
    row = rows[panel["person"].to_numpy()]
    of = np.where(row >= 0, kind[np.maximum(row, 0)], None)
    panel = panel.assign(resident=of == "resident", employee=of == "employee")
    counts = panel.groupby("doctor")[["resident", "employee"]].sum()
    return {int(d): max(1.0, float(r.resident) / float(r.employee)) for d, r in counts.iterrows() if r.employee > 0}


def _pairs(
    hits: pd.DataFrame,
    follow: pd.DataFrame,
    priced: pd.DataFrame,
    cash_steering: pd.Series,
    threshold: float,
    params: SteeringParams,
    *,
    mix: dict[int, float] | None = None,
) -> list[Candidate]:
    """One candidate per pair of ``hits`` (decided on insurance money), with its cash buyers when they were
    steered too (step 15) and are no more than :data:`MAX_SELF_PAID` times its paid patients (step 62), times
    the doctor's residents per employee when he has more residents (``mix``, :func:`panel_mix`; step 81).

    The pair is proven on its paid patients; its cash buyers join on that proof.  A kickback's cash half is
    the doctor's other patients sent the same way, so it is about as large as the paid half; a clinic's only
    doctor whose patients buy next door, at a shop where most purchases carry no insurance money, has two or
    three times as many cash buyers as paid ones there (the neighbourhood's cash trade, otherworld seeds 65,
    67, 72), and then none of them joins: the steering shown on the paid half does not stretch that far.
    A doctor whose panel is mostly residents has that many more cash buyers when he steers them all.
    """
    out = []
    for row in hits.itertuples(index=False):
        paid = follow[(follow["doctor"].to_numpy() == row.doctor) & (follow["pharmacy"].to_numpy() == row.pharmacy)]
        # the cash buyers join when they were steered too: the doctor's go there more than the peers' do
        f = paid
        if cash_steering.get((row.doctor, row.pharmacy), 0.0) >= params.min_lift:
            f = steered(priced, int(row.doctor), int(row.pharmacy))
        self_paid = int(len(np.setdiff1d(f["person"].to_numpy(), paid["person"].to_numpy())))
        bound = MAX_SELF_PAID * (mix or {}).get(int(row.doctor), 1.0)
        if self_paid > bound * paid["person"].nunique():
            # more cash buyers than the paid half can vouch for: the shop's own cash trade
            f, self_paid = paid, 0
        out.append(_candidate(row, f, threshold, params, self_paid=self_paid))
    return out


def _candidate(row: tuple, f: pd.DataFrame, threshold: float, params: SteeringParams, *, self_paid: int,
               at_price: bool = False) -> Candidate:  # fmt: skip
    """The candidate of one steered pair: ``row`` of :func:`steering_table`, members the purchases ``f``."""
    claims = np.unique(np.concatenate([f["claim"].to_numpy(), f["visit_claim"].to_numpy()]))
    evidence: dict[str, object] = {
        "doctor": int(row.doctor),  # type: ignore[attr-defined]
        "pharmacy": int(row.pharmacy),  # type: ignore[attr-defined]
        "facility": int(row.facility),  # type: ignore[attr-defined]
        "patients": int(row.patients),  # type: ignore[attr-defined]
        "doctor_patients": int(row.doctor_patients),  # type: ignore[attr-defined]
        "share": float(row.share),  # type: ignore[attr-defined]
        "peer_share": float(row.peer_share),  # type: ignore[attr-defined]
        "lift": float(row.lift),  # type: ignore[attr-defined]
        "z": float(row.z),  # type: ignore[attr-defined]
        "min_fund": round(threshold, 2),
        "excess": float(row.excess),  # type: ignore[attr-defined]
        "pharmacy_buyers": int(row.pharmacy_buyers),  # type: ignore[attr-defined]
        "business": float(row.business),  # type: ignore[attr-defined]
        "self_paid": self_paid,
    }
    if at_price:
        evidence["at_price"] = True
    return Candidate(NAME, np.unique(f["person"].to_numpy()), claims, evidence, params.__dict__.copy())
