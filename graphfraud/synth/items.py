"""Fee lines (费用明细) of synthetic claims, and the money that follows from them.

Lines are drawn per claim from its profile (:mod:`graphfraud.synth.catalog`),
vectorised over all claims at once.  Quantities are whole units, prices fixed
per catalogue item, so ``amount = quantity x unit_price`` holds to the cent and
a claim's total is the sum of its lines.  Drug lines carry a unique drug
traceability code (药品追溯码) unless a box is resold (回流药), when a later
sale repeats an earlier sale's code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphfraud.synth.catalog import CATEGORY, PER_DAY, PRICE_CENTS, PROFILES, QTY_HI, QTY_LO, pool
from graphfraud.synth.claims import CHRONIC, INPATIENT, PHARMACY, Batch
from graphfraud.synth.population import EMPLOYEE, People

IS_DRUG = np.array([c == "drug" for c in CATEGORY])


@dataclass
class Lines:
    """Fee lines, sorted by claim: ``claim`` row, catalogue ``item``, ``quantity``, drug ``box`` (-1: none).

    ``price_e4``, when set, holds every catalogue item's unit price in 1/10000
    yuan (4 decimals); a line's amount is then ``quantity x price`` rounded
    half up to the cent.  Unset, prices are the catalogue's whole cents.
    """

    claim: np.ndarray
    item: np.ndarray
    quantity: np.ndarray
    box: np.ndarray
    price_e4: np.ndarray | None = None

    def amount_cents(self) -> np.ndarray:
        if self.price_e4 is None:
            return self.quantity * PRICE_CENTS[self.item]
        return (self.quantity * self.price_e4[self.item] + 50) // 100

    def unit_price(self) -> np.ndarray:
        """Unit price of every line, yuan."""
        if self.price_e4 is None:
            return PRICE_CENTS[self.item] / 100.0
        return self.price_e4[self.item] / 10_000.0


def make_lines(rng: np.random.Generator, claims: Batch) -> Lines:
    """Fee lines of every claim of ``claims`` (already in final order)."""
    n = len(claims)
    nlines = np.zeros(n, dtype=np.int64)
    for p, prof in enumerate(PROFILES):
        rows = np.flatnonzero(claims.profile == p)
        counts, weights = zip(*prof.lines, strict=True)
        w = np.array(weights, dtype=float)
        nlines[rows] = np.array(counts)[rng.choice(len(counts), size=len(rows), p=w / w.sum())]
    claim = np.repeat(np.arange(n, dtype=np.int32), nlines)
    starts = np.concatenate([[0], np.cumsum(nlines)[:-1]])
    pos = np.arange(len(claim)) - starts[claim]
    del starts, nlines
    item = np.zeros(len(claim), dtype=np.int16)
    line_profile = claims.profile[claim]
    for p, prof in enumerate(PROFILES):
        lines = np.flatnonzero(line_profile == p)
        lpos = pos[lines]
        for s, tags in enumerate(prof.slots):
            _fill(rng, item, lines[lpos == s], [pool(*tags)], np.ones(1))
        if prof.rest:
            tags, weights = zip(*prof.rest, strict=True)
            _fill(rng, item, lines[lpos >= len(prof.slots)], [pool(*t) for t in tags], np.array(weights, dtype=float))
    del line_profile, pos
    lo, hi = QTY_LO[item], QTY_HI[item]
    qty = lo + np.floor(rng.random(len(claim)) * (hi - lo + 1)).astype(np.int64)
    qty = np.maximum(np.rint(qty * claims.scale[claim]), 1).astype(np.int64)
    per_day = PER_DAY[item]
    qty[per_day] = np.maximum(claims.days[claim[per_day]], 1)
    box = np.where(IS_DRUG[item], np.arange(len(claim), dtype=np.int64), -1)
    return Lines(claim, item, qty, box)


def _fill(
    rng: np.random.Generator, item: np.ndarray, lines: np.ndarray, pools: list[np.ndarray], weights: np.ndarray
) -> None:
    which = rng.choice(len(pools), size=len(lines), p=weights / weights.sum())
    for k, p in enumerate(pools):
        sel = lines[which == k]
        item[sel] = p[rng.integers(0, len(p), len(sel))]


def resell(rng: np.random.Generator, lines: Lines, rows: np.ndarray, share: float) -> int:
    """Make ``share`` of the later drug lines among ``rows`` repeat an earlier line's box.

    ``rows`` are one ring's drug lines in time order; a resold box keeps its
    drug and traceability code.  Returns how many lines were changed.
    """
    if len(rows) < 4:
        return 0
    tail = rows[len(rows) // 3 :]
    later = np.sort(rng.choice(tail, min(max(1, int(share * len(rows))), len(tail)), replace=False))
    changed = 0
    for line in later:  # a handful per ring, not per claim of the world
        earlier = rows[(rows < line) & (lines.claim[rows] != lines.claim[line]) & (lines.box[rows] == rows)]
        if len(earlier) == 0:
            continue
        src = earlier[rng.integers(0, len(earlier))]
        lines.box[line] = lines.box[src]
        lines.item[line] = lines.item[src]
        changed += 1
    return changed


def money(rng: np.random.Generator, claims: Batch, lines: Lines, people: People) -> tuple[np.ndarray, ...]:
    """Total, fund and account amounts in cents per claim.

    The pooled fund (基金) pays 70-90% for employees (职工) and 50-70% for
    residents (居民), more for stays and chronic care; employees pay part of the
    rest from their personal account (个人账户).
    """
    starts = np.flatnonzero(np.r_[True, lines.claim[1:] != lines.claim[:-1]])
    total = np.add.reduceat(lines.amount_cents(), starts)
    payer = np.where(claims.holder >= 0, claims.holder, claims.patient)
    employee = people.insured[payer] == EMPLOYEE
    share = np.where(employee, rng.uniform(0.70, 0.90, len(claims)), rng.uniform(0.50, 0.70, len(claims)))
    share += np.where(np.isin(claims.visit_type, [INPATIENT, CHRONIC]), 0.05, 0.0)
    share = np.where(claims.visit_type == PHARMACY, share - 0.1, share)
    fund = np.floor(total * np.clip(share, 0.0, 0.95)).astype(np.int64)
    account = np.where(employee, np.floor((total - fund) * rng.uniform(0.0, 0.8, len(claims))), 0).astype(np.int64)
    return total, fund, account
