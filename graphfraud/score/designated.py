"""Designated pharmacies (双通道, DTP): where a drug's buyers go whoever prescribes it.

A doctor whose patients nearly all buy at one pharmacy looks like a kickback
(:mod:`graphfraud.detect.steering`).  It is not one when the pharmacy is where
*everybody* buys that kind of drug: a cancer drug dispensed under 双通道 is
sold at the few pharmacies designated for it, so an oncologist's patients go
there because the whole city's patients of that drug go there, whichever
doctor wrote the prescription.  A kickback pharmacy gets one or two doctors'
patients, while the city's other patients of the same drugs buy them
elsewhere.

So the doctor's share is compared with the pharmacy's **share of the market**
of what the steered patients bought: among the high-value pharmacy purchases
(at or above the steering threshold) of the same diagnosis family, by persons
who are *not* this doctor's patients, the share made at this pharmacy.  The
diagnosis family of a pharmacy claim names what the drug is for (处方诊断).  An
export without diagnoses still names the drug itself: a purchase is of its
dearest fee line's catalogue code (医保目录编码, :func:`purchase_kinds`), so the
market is then that drug's buyers across the city.

The other colluder of a two-doctor kickback counts in the market too: what
hides him is only a market that he and the doctor make up alone (no one else
in the city buys those drugs); then the data hold no sign that the pharmacy
was chosen (``tests/score/test_designated.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import EPOCH, Visits
from graphfraud.graph.events import distinct
from graphfraud.io.arrow import row_positions
from graphfraud.score.features import ClaimFacts, codes_and_values, in_sorted


@dataclass(frozen=True)
class Market:
    """The pharmacy's share of the market of a steering candidate's purchases.

    ``share``: of the market's buyers who are not the doctor's patients, the
    share who bought at the pharmacy: per diagnosis family (or drug, without
    diagnoses) the share of its buyers, averaged with the weights of the
    candidate's purchases of each; ``buyers``: how many such buyers (same
    weights); ``diagnosis``: the candidate's commonest purchase diagnosis family
    (or drug code).
    """

    share: float
    buyers: float
    diagnosis: str


def purchase_kinds(facts: ClaimFacts) -> tuple[np.ndarray, np.ndarray]:
    """What each claim bought (code per claim row, ``-1`` unknown) and the name of each code.

    The diagnosis family when the export has diagnoses; otherwise the
    catalogue code (``claim_items.item_code``) of the claim's dearest fee line,
    for pharmacy purchases: a purchase is bought for its dearest drug, and a
    drug's catalogue code is the same at every pharmacy of the city.  All
    ``-1`` when neither is exported.
    """
    if (facts.diagnosis >= 0).any():
        return facts.diagnosis, facts.diagnosis_names
    data, v = facts.graph.data, facts.graph.visits
    n = len(data.claims)
    items = data.claim_items
    unknown = (np.full(n, -1, dtype=np.int64), np.array([], dtype=object))
    if items.empty or "item_code" not in items.columns or not items["item_code"].notna().any():
        return unknown
    rows = data.link("claim_items", "claim_id")
    if rows is None:
        rows = row_positions(items["claim_id"], data.claims["claim_id"])
    rows = np.asarray(rows, dtype=np.int64)
    keep = np.zeros(len(rows), dtype=bool)
    known = rows >= 0
    keep[known] = v.column("kind")[rows[known]] == 1
    keep &= items["item_code"].notna().to_numpy()
    if not keep.any():
        return unknown
    code, names = codes_and_values(items["item_code"][keep])
    amount = np.nan_to_num(items["amount"].to_numpy(dtype=float, na_value=np.nan)[keep], nan=-np.inf)
    row = rows[keep]
    order = np.lexsort((-amount, row))  # per claim, its dearest line first
    first = order[np.r_[True, row[order][1:] != row[order][:-1]]]
    drug = np.full(n, -1, dtype=np.int64)
    drug[row[first]] = code[first]
    return drug, names


def high_value_purchases(
    facts: ClaimFacts, min_fund: float, kinds: tuple[np.ndarray, np.ndarray] | None = None
) -> pd.DataFrame:
    """Distinct (diagnosis family, pharmacy, person) of pharmacy purchases of insurance money >= ``min_fund``.

    ``kinds`` is :func:`purchase_kinds` (found when not given): without
    diagnoses the "diagnosis" is the purchase's drug.  Purchases of no known
    kind are left out (they name no market).
    """
    v = facts.graph.visits
    kind = (kinds if kinds is not None else purchase_kinds(facts))[0]
    money = facts.stake if facts.stake is not None else v.column("fund")
    rows = np.flatnonzero((v.column("kind") == 1) & (money >= min_fund) & (kind >= 0))
    frame = pd.DataFrame(
        {"diagnosis": kind[rows], "pharmacy": v.column("venue")[rows], "person": v.column("person")[rows]}
    )
    return frame.drop_duplicates(ignore_index=True)


def market(
    c: Candidate, facts: ClaimFacts, purchases: pd.DataFrame, kinds: tuple[np.ndarray, np.ndarray] | None = None
) -> Market | None:
    """The market share of a steering candidate's pharmacy (:class:`Market`), or None without diagnoses.

    ``purchases`` is :func:`high_value_purchases` at the candidate's threshold
    (``evidence["min_fund"]``).  The doctor's patients are everyone the doctor
    saw (any visit), so that neither the steered patients nor the doctor's
    patients who bought elsewhere count in the market.  :func:`markets` measures
    many candidates at once.
    """
    return markets([c], facts, purchases, kinds)[0]


def markets(
    candidates: list[Candidate],
    facts: ClaimFacts,
    purchases: pd.DataFrame,
    kinds: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[Market | None]:
    """:func:`market` of each of ``candidates`` (steering candidates of one threshold), measured together.

    A candidate that names no doctor but a ``shop`` (prescribed loaded cards,
    :func:`graphfraud.score.rings.prescribed_apart`) is measured at its shop,
    its own persons left out of the market in place of a doctor's patients.

    The doctors' patients are found in one pass over the claims for all
    candidates, and the purchases are counted once: per diagnosis family the
    buyers, per (family, pharmacy) the buyers there.  A candidate's market is
    those counts less the doctor's own patients among them (binary searches
    of the patients in the sorted purchases), which is the count of the other
    buyers that the definition asks for.
    """
    if not candidates:
        return []
    what, what_names = kinds if kinds is not None else purchase_kinds(facts)
    v = facts.graph.visits
    venue, kind, person = v.column("venue"), v.column("kind"), v.column("person")
    patients = _patients(v, [int(c.evidence["doctor"]) for c in candidates if "doctor" in c.evidence])
    diagnosis = purchases["diagnosis"].to_numpy().astype(np.int64)
    buyer = purchases["person"].to_numpy().astype(np.int64) + 1  # + 1: a person -1 (unknown) is 0
    width = max(int(buyer.max(initial=0)), int(person.max(initial=-1)) + 1) + 1  # more than any buyer
    stride = max(int(purchases["pharmacy"].max()) if len(purchases) else 0, int(venue.max(initial=0))) + 1
    # Purchases are distinct (family, pharmacy, person): keyed by (family, pharmacy) they are distinct
    # buyers already; keyed by family, a buyer of two pharmacies is one.
    shops, shop = np.unique(diagnosis * stride + purchases["pharmacy"].to_numpy().astype(np.int64), return_inverse=True)
    shop_buyer = np.sort(shop.astype(np.int64) * width + buyer)
    family_buyer = distinct(diagnosis * width + buyer)
    out: list[Market | None] = []
    for c in candidates:
        if "doctor" in c.evidence:
            pharmacy, own = int(c.evidence["pharmacy"]), patients[int(c.evidence["doctor"])]
        else:  # prescribed loaded cards: the shop they were sent to, and the cards themselves
            pharmacy, own = int(c.evidence["shop"]), np.asarray(c.persons, dtype=np.int64)
        rows = c.claims[(venue[c.claims] == pharmacy) & (kind[c.claims] == 1)]
        families = what[rows]
        families = families[families >= 0]
        if not len(families):
            out.append(None)
            continue
        codes, weight = np.unique(families, return_counts=True)
        codes = codes.astype(np.int64)
        mine = own + 1
        everyone = _others(family_buyer, codes, width, mine)
        at = np.searchsorted(shops, codes * stride + pharmacy)
        sold = in_sorted(codes * stride + pharmacy, shops)  # families bought at the pharmacy
        there = np.zeros(len(codes), dtype=np.int64)
        there[sold] = _others(shop_buyer, at[sold], width, mine)
        w = weight / weight.sum()
        buyers = float((w * everyone).sum())
        # Each family's (drug's) own share, averaged: a few ordinary purchases on the side (a statin bought with
        # the targeted drug) weigh by how often they were bought, not by how big their market is.
        held = everyone > 0
        share = float((w[held] * there[held] / everyone[held]).sum() / w[held].sum()) if held.any() else 0.0
        top = int(codes[np.argmax(weight)])
        out.append(Market(share, buyers, str(what_names[top])))
    return out


def _others(keys: np.ndarray, groups: np.ndarray, width: int, mine: np.ndarray) -> np.ndarray:
    """Per group of ``groups``: its buyers in the sorted distinct ``keys`` (``group * width + buyer``) that are
    not among the buyers ``mine``.

    >>> _others(np.array([10 * 3 + 1, 10 * 3 + 4, 10 * 3 + 5, 10 * 7 + 4]), np.array([3, 7, 8]), 10, np.array([4]))
    array([2, 0, 0])
    """
    lo, hi = np.searchsorted(keys, groups * width), np.searchsorted(keys, (groups + 1) * width)
    theirs = in_sorted((groups[:, None] * width + mine[None, :]).ravel(), keys).reshape(len(groups), len(mine))
    return (hi - lo - theirs.sum(axis=1)).astype(np.int64)


def _patients(v: Visits, doctors: list[int]) -> dict[int, np.ndarray]:
    """The sorted distinct persons each of ``doctors`` saw (any visit), from one pass over the claims."""
    doctor, person = v.column("doctor"), v.column("person")
    wanted = np.zeros(int(doctor.max(initial=-1)) + 2, dtype=bool)  # doctor -1 lands on the last slot
    wanted[doctors] = True
    rows = np.flatnonzero(wanted[doctor])
    width = int(person.max(initial=-1)) + 2
    pairs = distinct(doctor[rows].astype(np.int64) * width + person[rows] + 1)
    first = np.searchsorted(pairs, np.asarray(doctors, dtype=np.int64) * width)
    last = np.searchsorted(pairs, (np.asarray(doctors, dtype=np.int64) + 1) * width)
    return {d: pairs[lo:hi] % width - 1 for d, lo, hi in zip(doctors, first, last)}


@dataclass(frozen=True)
class Regimen:
    """How a steering pair's patients bought: on 门特 (门诊慢特病) visits, a regimen a month, at the city's price.

    ``chronic``: the share of the steered patients' visits to the doctor (the visits that preceded their purchases)
    that are chronic-disease visits (``visit_type`` chronic, ``med_type`` 14); ``visits``: how many;
    ``monthly``: purchases at the pharmacy per patient per calendar month in which the patient bought there (the
    mean over patient-months); ``price``: the purchases' fee lines at the pharmacy against the same lines priced as
    the drug (catalogue code) sells elsewhere (the median unit price of the code's lines at every other venue), NaN
    when no line's code is sold elsewhere or there are no fee lines; ``quantity``: the mean of each such line's
    quantity over the median quantity of the code's lines elsewhere (NaN likewise); ``compared``: the share of the
    purchases' line amount that had such a comparison.
    """

    chronic: float
    visits: int
    monthly: float
    price: float
    quantity: float
    compared: float


def regimen(c: Candidate, facts: ClaimFacts, *, priced_from: float = 0.0) -> Regimen | None:
    """:class:`Regimen` of a steering candidate (one doctor, one pharmacy), or None when it has no visits.

    The fee lines (a pass over all of them) are compared only when the chronic share is at least
    ``priced_from`` (price and quantity NaN below it): the explanation asks for them only then.
    """
    if "doctor" not in c.evidence or "pharmacy" not in c.evidence:
        return None
    v = facts.graph.visits
    venue, kind, doctor = v.column("venue"), v.column("kind"), v.column("doctor")
    rows = c.claims
    visits = rows[(kind[rows] == 0) & (doctor[rows] == int(c.evidence["doctor"]))]
    bought = rows[(kind[rows] == 1) & (venue[rows] == int(c.evidence["pharmacy"]))]
    if not len(visits) or not len(bought):
        return None
    chronic = float(facts.chronic[visits].mean())
    month = (EPOCH + v.column("minute")[bought].astype("timedelta64[m]")).astype("datetime64[M]").astype(np.int64)
    person = v.column("person")[bought].astype(np.int64)
    _, per_month = np.unique(person * (int(month.max()) + 1) + (month - int(month.min())), return_counts=True)
    price, quantity, compared = float("nan"), float("nan"), 0.0
    if chronic >= priced_from:
        price, quantity, compared = _priced(bought, int(c.evidence["pharmacy"]), facts)
    return Regimen(chronic, int(len(visits)), float(per_month.mean()), price, quantity, compared)


def _priced(bought: np.ndarray, pharmacy: int, facts: ClaimFacts) -> tuple[float, float, float]:
    """(price, quantity, compared) of :class:`Regimen`: the fee lines of the claims ``bought`` at ``pharmacy``
    against the same catalogue codes' lines at every other venue."""
    none = (float("nan"), float("nan"), 0.0)
    data, v = facts.graph.data, facts.graph.visits
    items = data.claim_items
    need = {"item_code", "quantity", "unit_price", "amount"}
    if items.empty or not need <= set(items.columns) or not items["item_code"].notna().any():
        return none
    rows = data.link("claim_items", "claim_id")
    if rows is None:
        rows = row_positions(items["claim_id"], data.claims["claim_id"])
    rows = np.asarray(rows, dtype=np.int64)
    known = (rows >= 0) & items["item_code"].notna().to_numpy()
    mine = known & in_sorted(rows, np.sort(bought))
    if not mine.any():
        return none
    code = items["item_code"].to_numpy(dtype=object)
    drugs = pd.unique(code[mine])
    venue = np.full(len(rows), -1, dtype=np.int64)
    venue[known] = v.column("venue")[rows[known]]
    elsewhere = known & (venue != pharmacy) & pd.Series(code).isin(drugs).to_numpy()
    qty = items["quantity"].to_numpy(dtype=float, na_value=np.nan)
    unit = items["unit_price"].to_numpy(dtype=float, na_value=np.nan)
    amount = items["amount"].to_numpy(dtype=float, na_value=np.nan)
    if not elsewhere.any():
        return none
    ref = pd.DataFrame({"code": code[elsewhere], "unit": unit[elsewhere], "qty": qty[elsewhere]})
    medians = ref.groupby("code", sort=True).median().add_suffix("_city")
    lines = pd.DataFrame({"code": code[mine], "unit": unit[mine], "qty": qty[mine], "amount": amount[mine]})
    lines = lines.join(medians, on="code")
    held = lines["unit_city"].notna() & lines["qty_city"].gt(0) & lines["qty"].notna() & lines["unit"].notna()
    if not held.any():
        return none
    h = lines[held]
    at_city = float((h["qty"] * h["unit_city"]).sum())
    price = float((h["qty"] * h["unit"]).sum() / at_city) if at_city > 0 else float("nan")
    quantity = float((h["qty"] / h["qty_city"]).mean())
    total = float(np.nansum(lines["amount"].to_numpy()))
    compared = float(np.nansum(h["amount"].to_numpy()) / total) if total > 0 else 0.0
    return price, quantity, compared
