"""Purchases billed dear to strangers' accounts (家庭共济套现: 一人账户为多名无关人员反复购药), per pharmacy.

Targets a shop's cash-out through family mutual aid (家庭共济): an employee's personal account may pay for
relatives' purchases, so a shop bills daily goods, as dear tonics, to elders it recruited and charges them to
the accounts of a few employees it also recruited.  The purchases are the person's of the graph only through
the account that paid (:func:`graphfraud.graph.build.person_of_claim`: the holder), so each of the two to four
holders carries dozens of them, too few cards for :mod:`graphfraud.detect.cardload`.  What the scheme cannot hide
is the **pairs**: a holder and a person they pay for, whose purchases at the shop are billed dear again and again.

- A purchase **paid for another** is a pharmacy claim whose ``holder_id`` is not its ``patient_id``.
- A pair (holder, patient) is **loaded** at a pharmacy when it has ``min_claims`` such purchases there or more at
  ``ratio`` times the usual cost of their kind or more (:func:`graphfraud.detect.cardload.relative_cost`: the
  same goods' market), and its purchases there cost typically (median) that much.  A family's payer buys a
  parent's refill now and then, at what refills cost.  Where the export has addresses, a pair of one address
  (a household) is never loaded.
- A pharmacy is a candidate when at least ``min_pairs`` of its pairs are loaded, paid by at least
  :data:`MIN_HOLDERS` (2) holders, and that many is unlikely (binomial tail <= ``max_chance``) under the
  rate of loaded pairs among the pairs of the other pharmacies.  The candidate is the loaded pairs' holders
  and patients and their purchases there.

Its candidates are loaded-card rings (detector name :data:`graphfraud.detect.cardload.NAME`), with their own
headline ``paid_for_others``.  With a holder on every purchase equal to its patient there are no purchases
paid for another.  Without ``holder_id`` (step 95) a purchase paid for another is a resident's (``insured_type``
``resident``: 居民医保 has no personal account) paid from a personal account (``account_amount`` > 0): another's,
through 家庭共济, whose holder is not known; a pair is then the person paid for alone, and :data:`MIN_HOLDERS`
is not asked.

Without ``holder_id`` a drained account may still show where neither column tells (step 150): with no
``account_amount`` (or persons paid for who are employees, whose own accounts could have paid), what the payers
cannot hide is the **settlements**.  One account pays once for a purchase, so a person's goods of one visit paid by
two accounts are two settlements of one day at the shop.  A person is **split** at a pharmacy when at least
``split_days`` of their days there hold two settlements or more, and that many is unlikely (binomial tail <=
``split_chance``) under the rate of such days among the shop's **own** other customers' days there (exports that
settle a visit in two or three parts, 中途结算 or split bills, do so for everyone at that shop).  A pharmacy with
at least :data:`MIN_SPLIT_PERSONS` split persons is a candidate of those persons and their purchases there; its
(unknown) accounts are counted, at the least, as each person's most settlements of one day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from graphfraud.stats import binom

from graphfraud.detect import cardload, cards
from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import ClaimGraph
from graphfraud.params import MutualParams
from graphfraud.signals import has_values

#: The detector's name in run.json's counts; its candidates are named :data:`cardload.NAME` (loaded-card rings).
NAME = "mutual"

#: The holder of a purchase paid for another where the export names no payer (:func:`residents_on_accounts`).
UNKNOWN = -1

#: Fewest split persons of a step-143 candidate (:func:`split_purchases`): one elder who settles twice a day is
#: a habit; a broker binds several to the accounts he holds (eleventhworld's rings: 3-8).
MIN_SPLIT_PERSONS = 2

#: Fewest holders of a candidate's loaded pairs: a family pays from one account, a cash-out spreads its persons
#: over the few accounts it holds (fourthworld's rings: 3-4).
MIN_HOLDERS = 2


def detect(graph: ClaimGraph, params: MutualParams = MutualParams(), *, seed: int = 0) -> list[Candidate]:
    """Candidates: one per pharmacy with loaded (holder, patient) pairs beyond chance (see the module)."""
    t = graph.visits.table
    if not len(t):
        return []
    if has_holders(graph):
        return _loaded_pairs(graph, params)
    # no payer exported: residents on accounts (step 95), and purchases settled in parts day after day (step 150)
    return _loaded_pairs(graph, params) + split_purchases(graph, params)


def _loaded_pairs(graph: ClaimGraph, params: MutualParams) -> list[Candidate]:
    """The loaded (holder, patient) pairs' candidates (see the module)."""
    holder = graph.visits.column("person").astype(np.int64)
    venue = graph.visits.column("venue").astype(np.int64)
    pharmacy = graph.visits.column("kind") == 1
    rows = np.flatnonzero(pharmacy & (holder >= 0))
    patient = graph.patient_codes(rows)
    if has_holders(graph):
        other = patient != holder[rows]
    else:
        # step 95: no payer exported; a resident's purchase paid from a personal account was paid by another's
        # (居民医保 has no personal account: an employee's, through 家庭共济), whose holder is not known
        other = residents_on_accounts(graph, rows, patient)
        holder = np.full(len(holder), UNKNOWN, dtype=np.int64)
    rows, patient = rows[other], patient[other]
    if not len(rows):
        return []
    unit, kind = cards.institutions(graph)
    group = cardload.peer_groups(graph, unit, kind)
    excess = cardload.run_costs(graph, group[venue])[rows]
    keep = np.isfinite(excess) & (patient >= 0)
    rows, patient, excess = rows[keep], patient[keep], excess[keep]
    frame = pd.DataFrame({"venue": venue[rows], "holder": holder[rows], "patient": patient, "excess": excess})
    frame["dear"] = frame["excess"] >= np.log(params.ratio)
    pairs = frame.groupby(["venue", "holder", "patient"], sort=True).agg(
        dear=("dear", "sum"), typical=("excess", "median"), claims=("dear", "size")
    )
    pairs = pairs.reset_index()
    pairs["loaded"] = (pairs["dear"] >= params.min_claims) & (pairs["typical"] >= np.log(params.ratio))
    household = cards.same_address(graph, pairs["holder"].to_numpy(), pairs["patient"].to_numpy())
    pairs.loc[household, "loaded"] = False
    by_venue = pairs.groupby("venue").agg(pairs=("loaded", "size"), loaded=("loaded", "sum"))
    total, hits = int(by_venue["pairs"].sum()), int(by_venue["loaded"].sum())
    holders = pairs[pairs["loaded"]].groupby("venue")["holder"].nunique()
    maybe = by_venue[(by_venue["loaded"] >= params.min_pairs)]
    if (pairs["holder"] != UNKNOWN).any():  # (the payers unknown: the persons paid for are the pairs)
        maybe = maybe[holders.reindex(maybe.index).fillna(0).to_numpy() >= MIN_HOLDERS]
    by_pair = pd.MultiIndex.from_arrays([frame["holder"].to_numpy(), frame["patient"].to_numpy()])
    out = []
    for code, row in maybe.iterrows():
        n, k = int(row["pairs"]), int(row["loaded"])
        rate = (hits - k) / max(total - n, 1)  # the other pharmacies' rate of loaded pairs
        chance = float(binom.sf(k - 1, n, max(rate, 0.5 / max(total - n, 1))))
        if chance > params.max_chance:
            continue
        mine = pairs[(pairs["venue"] == code) & pairs["loaded"]]
        hs = np.unique(mine["holder"].to_numpy(dtype=np.int64))
        hs = hs[hs != UNKNOWN]
        ps = np.unique(mine["patient"].to_numpy(dtype=np.int64))
        members = np.union1d(hs, ps)
        loaded = pd.MultiIndex.from_arrays([mine["holder"].to_numpy(), mine["patient"].to_numpy()])
        sel = (frame["venue"].to_numpy() == code) & by_pair.isin(loaded)  # the loaded pairs' purchases there
        claims = np.sort(rows[sel]).astype(np.int64)
        evidence = {
            "headline": "paid_for_others",
            "pairs": k,
            "holders": int(len(hs)),
            "patients": int(len(ps)),
            "venue_pairs": n,
            "peer_rate": float(rate),
            "chance": chance,
            "times": float(np.median(mine["dear"].to_numpy())),
            "card_ratio": float(np.exp(np.median(mine["typical"].to_numpy()))),
            "min_claims": params.min_claims,
            "ratio": params.ratio,
            "holder": hs,
            # per person paid for: their purchases in the ring (the graph gives each to the holder who paid)
            "paid_for": dict(zip(ps.tolist(), mine.groupby("patient")["claims"].sum().reindex(ps).tolist())),
        }
        out.append(Candidate(cardload.NAME, members, claims, evidence, params.__dict__.copy()))
    return out


def has_holders(graph: ClaimGraph) -> bool:
    """Whether the export names the account that paid each claim (``claims.holder_id``)."""
    return has_values(graph.data, "claims", "holder_id")


def residents_on_accounts(graph: ClaimGraph, rows: np.ndarray, patient: np.ndarray) -> np.ndarray:
    """Per claim of ``rows`` (their ``patient`` codes): a resident's (``persons.insured_type`` ``resident``,
    居民) claim paid in part from a personal account (``claims.account_amount`` > 0).  A resident has no personal
    account, so another's (an employee relative's, 家庭共济) paid.  All False without either column."""
    claims, persons = graph.data.claims, graph.data.persons
    if "account_amount" not in claims or "insured_type" not in persons or not len(rows):
        return np.zeros(len(rows), dtype=bool)
    account = pd.to_numeric(claims["account_amount"].iloc[rows], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    kind = persons["insured_type"].astype("string").fillna("").to_numpy(dtype=object)
    at = graph.person_rows()[np.maximum(patient, 0)]
    resident = (patient >= 0) & (at >= 0) & (kind[np.maximum(at, 0)] == "resident")
    return resident & (account > 0)


def split_purchases(graph: ClaimGraph, params: MutualParams = MutualParams()) -> list[Candidate]:
    """Candidates of persons whose purchases at one pharmacy are settled in parts, day after day (step 150).

    Only for an export that names no payer (no ``holder_id``): a person's goods of one day paid by several
    accounts (门诊共济 drained) are then several settlements of that day, each in the person's name.

    Parameters
    ----------
    graph : ClaimGraph
        The claims; its pharmacy claims (``visits`` of kind 1) with a known person are read.
    params : MutualParams
        ``split_days`` (fewest days of two settlements or more at the shop) and ``split_chance`` (the binomial tail
        of that many under the shop's other customers' rate of such days).

    Returns
    -------
    list of Candidate
        One per pharmacy with :data:`MIN_SPLIT_PERSONS` split persons or more, named :data:`cardload.NAME` with
        headline ``paid_for_others``: the split persons and all their purchases at the shop.  ``evidence``:
        ``pairs`` (each person's most settlements of one day, summed: the accounts that paid, at the least),
        ``patients``, ``split_days`` (their split days), ``days`` (their days at the shop), ``peer_rate`` (the
        shop's other customers' share of split days), ``chance`` (the largest person's tail).

    Notes
    -----
    A shop with no other customer has no rate of its own and is not asked.
    """
    venue = graph.visits.column("venue").astype(np.int64)
    person = graph.visits.column("person").astype(np.int64)
    rows = np.flatnonzero((graph.visits.column("kind") == 1) & (person >= 0))
    if not len(rows):
        return []
    day = graph.visits.column("day").astype(np.int64)[rows]
    frame = pd.DataFrame({"venue": venue[rows], "person": person[rows], "day": day})
    per_day = frame.groupby(["venue", "person", "day"], sort=True).size()
    daily = pd.DataFrame({"n": per_day.to_numpy(), "split": (per_day.to_numpy() >= 2).astype(np.int64)},
                         index=per_day.index.droplevel("day"))  # fmt: skip
    by = daily.groupby(level=["venue", "person"], sort=True).agg(
        days=("n", "size"), split=("split", "sum"), most=("n", "max")
    )
    shop = by.groupby(level="venue")[["days", "split"]].sum()
    at = by.index.get_level_values("venue")
    others = shop["days"].reindex(at).to_numpy() - by["days"].to_numpy()
    other_split = shop["split"].reindex(at).to_numpy() - by["split"].to_numpy()
    asked = (by["split"].to_numpy() >= params.split_days) & (others > 0)
    rate = np.where(others > 0, np.maximum(other_split, 0.5) / np.maximum(others, 1), 1.0)
    chance = np.ones(len(by))
    chance[asked] = binom.sf(by["split"].to_numpy()[asked] - 1, by["days"].to_numpy()[asked], rate[asked])
    by = by.assign(rate=rate, chance=chance, flagged=asked & (chance <= params.split_chance))
    hits = by[by["flagged"]]
    out = []
    for code, mine in hits.groupby(level="venue", sort=True):
        if len(mine) < MIN_SPLIT_PERSONS:
            continue
        ps = np.sort(mine.index.get_level_values("person").to_numpy(dtype=np.int64))
        sel = (frame["venue"].to_numpy() == code) & np.isin(frame["person"].to_numpy(), ps)
        split, days = int(mine["split"].sum()), int(mine["days"].sum())
        # the shop's other customers' rate: its split days and days but the split persons'
        rest = int(shop.loc[code, "days"]) - days
        evidence = {
            "headline": "paid_for_others",
            "pairs": int(mine["most"].sum()),
            "holders": 0,
            "patients": int(len(ps)),
            "split_days": split,
            "days": days,
            "peer_rate": float(max(int(shop.loc[code, "split"]) - split, 0) / max(rest, 1)),
            "chance": float(mine["chance"].max()),
            "min_split_days": params.split_days,
            "holder": np.zeros(0, dtype=np.int64),
            "paid_for": dict(zip(ps.tolist(), frame[sel].groupby("person").size().reindex(ps).tolist())),
        }
        claims = np.sort(rows[sel]).astype(np.int64)
        out.append(Candidate(cardload.NAME, ps, claims, evidence, params.__dict__.copy()))
    return out
