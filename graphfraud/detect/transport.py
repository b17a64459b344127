"""Fetched admissions (救护车接送入院): the inpatient stays that carry a transport fee line, and who came from home.

Step 114.  A private hospital's ambulances fetch herders from a far county,
one or a few a run, each admitted once the same evening and billed the
ambulance (救护车出车费) and a padded week.  Nobody is admitted twice and no two
persons are admitted together again and again, so neither repeat stays nor
co-admissions link them (:mod:`graphfraud.detect.coadmit`,
:mod:`graphfraud.detect.beds`); what they share is the facility and the
transport fee on nearly every one of their stays.  :func:`graphfraud.detect.beds.fetched_candidates`
compares each facility's share of inpatients with such a stay against its
peers', as it compares repeat patients.

A transport fee line is one whose ``claim_items.item_name`` matches
``BedsParams.transport_names`` (a regular expression: 救护车, 急救车, 急救转运,
病人转运 by default; not a bare 转运, which also names a specimen's 标本转运).  Exports name their fee lines (医疗服务项目名称); the catalogue
codes of an ambulance differ by province and by catalogue version (the price
code 480000001, the national 医保 code with its own prefix), so the name is
what is read.  Without item names the signal is off (``run.json``:
``signals_off``, ``fetched``).

A stay opened within ``transfer_days`` after the same person's claim at
another facility is a transfer (转院: a county hospital sends a patient on by
ambulance), not a patient fetched from home, and does not count: a public
referral hospital receives its transfers so.

Benign patterns it must leave alone: a referral hospital's transfers (above),
ordinary emergency admissions by 120 ambulance (every hospital of the kind
has them: its peers' rate), a 待产之家 or a dialysis unit (no transport fee).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from graphfraud.contract import ClaimsData


def transport_lines(names: pd.Series, pattern: str) -> np.ndarray:
    """Per fee line (``names``: ``claim_items.item_name``, text or categorical), True when its name matches
    ``pattern`` (a regular expression, searched anywhere in the name; empty: none matches).

    >>> transport_lines(pd.Series(["救护车出车费", "床位费", None, "急救车转运费"]), "救护车|急救车").tolist()
    [True, False, False, True]
    """
    if not pattern or names.empty:
        return np.zeros(len(names), dtype=bool)
    compiled = re.compile(pattern)
    if isinstance(names.dtype, pd.CategoricalDtype):  # each distinct name matched once
        cats = names.cat.categories
        hit = np.array([bool(compiled.search(str(c))) for c in cats] + [False])
        return hit[names.cat.codes.to_numpy()]
    text = names.astype(object).to_numpy()
    return np.array([isinstance(t, str) and bool(compiled.search(t)) for t in text], dtype=bool)


def transport_claims(data: ClaimsData, pattern: str) -> tuple[np.ndarray, str]:
    """Per claim row, True when one of its fee lines is a transport fee (:func:`transport_lines`); and the
    commonest matching item name ("" when none).  All False when the export has no item names."""
    out = np.zeros(len(data.claims), dtype=bool)
    items = data.claim_items
    rows = data.link("claim_items", "claim_id")
    if items.empty or rows is None or "item_name" not in items.columns:
        return out, ""
    names = items["item_name"]
    hit = transport_lines(names, pattern)
    hit &= rows >= 0
    if not hit.any():
        return out, ""
    out[rows[hit]] = True
    common = pd.Series(names[hit].astype(str).to_numpy()).value_counts(sort=True)
    top = common[common == common.iloc[0]].index.sort_values()[0]  # the first of equal counts, by name: stable
    return out, str(top)


def transfers(table: pd.DataFrame, stays: pd.DataFrame, *, days: int) -> np.ndarray:
    """Per stay (rows of ``stays``: ``person``, ``venue``, ``day``), True when the same person was at another
    facility (``table``: every visit, ``kind`` 0 facilities, ``day`` and ``end_day``, -1 unknown) on the stay's
    day or up to ``days`` days before, a stay there counted to its discharge: a transfer (转院), not a patient
    fetched from home.  ``days`` below 0: none is.

    >>> t = pd.DataFrame({"person": [1, 1, 2, 3, 4, 4], "venue": [7, 5, 8, 5, 7, 5], "kind": 0,
    ...                   "day": [9, 10, 3, 10, 2, 10], "end_day": [-1, -1, -1, -1, 10, -1]})
    >>> transfers(t, t[t["venue"] == 5], days=1).tolist()
    [True, False, True]
    """
    if days < 0 or stays.empty:
        return np.zeros(len(stays), dtype=bool)
    fac = table[(table["kind"].to_numpy() == 0) & (table["venue"].to_numpy() >= 0)]
    fac = fac[np.isin(fac["person"].to_numpy(), stays["person"].to_numpy())]
    start = fac["day"].to_numpy(np.int64)
    seen = pd.DataFrame({"person": fac["person"].to_numpy(np.int64), "venue": fac["venue"].to_numpy(np.int64),
                         "first": start, "last": np.maximum(start, fac["end_day"].to_numpy(np.int64))})  # fmt: skip
    ask = pd.DataFrame({"i": np.arange(len(stays)), "person": stays["person"].to_numpy(np.int64),
                        "venue": stays["venue"].to_numpy(np.int64), "day": stays["day"].to_numpy(np.int64)})  # fmt: skip
    pairs = ask.merge(seen, on="person", suffixes=("", "_other"))
    day = pairs["day"].to_numpy()
    before = (pairs["first"].to_numpy() <= day) & (pairs["last"].to_numpy() >= day - days)
    moved = (pairs["venue_other"].to_numpy() != pairs["venue"].to_numpy()) & before
    out = np.zeros(len(stays), dtype=bool)
    out[pairs["i"].to_numpy()[moved]] = True
    return out
