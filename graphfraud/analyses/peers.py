"""Peer comparison of institutions: the signals bureaus already use (同类机构对比).

Each designated facility (定点医疗机构) or pharmacy (定点零售药店) is compared with
its peers, the institutions of the same kind and level (all pharmacies form
one group; a group with fewer than ``min_peers`` other members falls back to
the same kind at any level).  Signals, each with the numbers behind it:

``cost_growth``       fund paid per claim, second half of the period vs the first, above the peers' growth
``category_share``    an item category's share of the amounts billed (费用明细) at >= ``share_ratio`` x the peers' median
``dominant_category`` one category >= ``dominant_share`` of the amounts billed where peers stay below half
``high_value``        share of claims with a consumable priced >= ``high_value_price`` yuan, vs the peers'
``split_admission``   admissions within ``split_days`` of the same patient's discharge from the same facility (分解住院)
``after_death``       claims whose patient or card holder had died before the claim (死亡后结算)

Layer: beside ``evaluate``/``evidence``/``neo4j``; the per-claim rules of split admissions, claims
after death and high-value lines are scoring's (:mod:`graphfraud.score.claim_flags`).
The per-institution signals are also what a future peer baseline in ``score``
would consume.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.contract import ClaimsData
from graphfraud.errors import ParamError
from graphfraud.params import SignalParams
from graphfraud.score.claim_flags import died_before, high_value_lines, split_admissions

#: The per-claim signals' parameters scoring uses too (one high-value price, one split-admission window).
_SIGNALS = SignalParams()

#: Words used in reasons for item categories.
CATEGORY_WORDS = {
    "drug": "drugs", "herbal": "herbal slices (中药饮片)", "exam": "examinations", "lab": "lab tests",
    "consumable": "consumables", "treatment": "treatments", "nursing": "nursing", "bed": "bed days",
    "other": "other items",
}  # fmt: skip

#: Points per signal (the score is their sum; the reason list follows the same order).
POINTS = {"after_death": 30.0, "split_admission": 20.0, "dominant_category": 15.0, "category_share": 15.0,
          "cost_growth": 15.0, "high_value": 15.0}  # fmt: skip

COLUMNS = [
    "rank", "entity_type", "entity_id", "name", "kind", "level", "peer_group", "peers", "claims", "fund_amount",
    "score", "signals", "cost_growth", "peer_cost_growth", "category", "category_share", "peer_category_share",
    "high_value_rate", "peer_high_value_rate", "split_admissions", "claims_after_death", "reasons",
]  # fmt: skip


def institutions(data: ClaimsData) -> pd.DataFrame:
    """Facilities and pharmacies in one frame: ``entity_type, entity_id, name, kind, level``."""
    f = data.facilities
    fac = pd.DataFrame({"entity_type": "facility", "entity_id": f["facility_id"].astype(str),
                        "name": f["name"].astype(object), "kind": f["kind"].astype(object).fillna("unknown"),
                        "level": f["level"].astype("Int64")})  # fmt: skip
    p = data.pharmacies
    pha = pd.DataFrame({"entity_type": "pharmacy", "entity_id": p["pharmacy_id"].astype(str),
                        "name": p["name"].astype(object), "kind": "pharmacy",
                        "level": pd.Series(pd.NA, index=p.index, dtype="Int64")})  # fmt: skip
    return pd.concat([fac, pha], ignore_index=True)


def _peer_median(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Median of each row's peers (same group, the row itself left out); NaN without peers."""
    vals = values.to_numpy(dtype=float)
    out = np.full(len(vals), np.nan)
    codes = pd.factorize(groups.to_numpy())[0]
    for g in np.unique(codes):
        idx = np.flatnonzero(codes == g)
        for i in idx:
            others = vals[idx[idx != i]]
            others = others[~np.isnan(others)]
            if len(others):
                out[i] = np.median(others)
    return pd.Series(out, index=values.index)


def _peer_groups(inst: pd.DataFrame, active: pd.Series, min_peers: int) -> pd.Series:
    level = inst["level"].astype(object).where(inst["level"].notna(), "?").astype(str)
    exact = (inst["kind"] + " level " + level).where(inst["kind"] != "pharmacy", "pharmacy")
    size = exact[active].value_counts()
    small = exact.map(lambda g: size.get(g, 0) - 1 < min_peers)
    return exact.where(~small | (inst["kind"] == "pharmacy"), inst["kind"] + " any level")


def _check(name: str, ok: bool, must: str, value: object) -> None:
    if not ok:
        raise ParamError(f"The '{name}' parameter of peer_signals must be {must}. Got {value!r} instead.")


def peer_signals(
    data: ClaimsData, *, min_claims: int = 30, min_peers: int = 2, split_days: int = _SIGNALS.split_days,
    high_value_price: float = _SIGNALS.high_value_price, share_ratio: float = 2.0, dominant_share: float = 0.8,
    growth_excess: float = 0.5,
) -> pd.DataFrame:  # fmt: skip
    """Institutions with at least one peer-comparison signal, ranked, each with plain-language reasons.

    Parameters
    ----------
    data : ClaimsData
    min_claims : int, default 30
        Institutions with fewer claims are neither scored nor used as peers.
    min_peers : int, default 2
        Fewest other institutions in an exact kind/level group before falling back to the kind.
    split_days : int, default ``SignalParams().split_days`` (3)
        An admission within this many days of the same patient's discharge is a split admission.
    high_value_price : float, default ``SignalParams().high_value_price`` (200.0)
        Unit price (yuan) from which a consumable counts as high-value (the price scoring uses).
    share_ratio : float, default 2.0
        Category share flagged at this multiple of the peers' median share (and >= 5% of amounts).
    dominant_share : float, default 0.8
        One category's share of amounts flagged as dominant (when peers' median is below 50%).
    growth_excess : float, default 0.5
        Cost-per-claim growth flagged when it exceeds the peers' median growth by this much (0.5 = 50 points).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`: ``rank`` (1 = most signals), identity (``entity_type, entity_id, name, kind,
        level, peer_group, peers``), ``claims``, ``fund_amount`` (yuan), ``score`` (sum of
        :data:`POINTS`), ``signals`` (codes), the numbers behind each signal and ``reasons``
        (``; ``-separated plain language).

    Raises
    ------
    ParamError
        For a parameter out of range.

    Examples
    --------
    >>> from graphfraud.synth import toy
    >>> data, _ = toy.staged_clinic()
    >>> peer_signals(data, min_claims=1).columns[:3].tolist()
    ['rank', 'entity_type', 'entity_id']
    """
    _check("min_claims", isinstance(min_claims, int) and min_claims >= 1, "an int >= 1", min_claims)
    _check("min_peers", isinstance(min_peers, int) and min_peers >= 1, "an int >= 1", min_peers)
    _check("split_days", isinstance(split_days, int) and split_days >= 0, "an int >= 0", split_days)
    _check("share_ratio", share_ratio > 1, "a float > 1", share_ratio)
    _check("dominant_share", 0 < dominant_share <= 1, "a float in (0, 1]", dominant_share)
    claims = data.claims.assign(venue=data.claims["facility_id"].fillna(data.claims["pharmacy_id"]).astype(str))
    inst = institutions(data).set_index("entity_id", drop=False)
    per = claims.groupby("venue").agg(claims=("claim_id", "size"), fund_amount=("fund_amount", "sum"))
    inst = inst.join(per, how="left").fillna({"claims": 0, "fund_amount": 0.0})
    inst["claims"] = inst["claims"].astype(int)
    active = inst["claims"] >= min_claims
    inst["peer_group"] = _peer_groups(inst, active, min_peers)
    inst["peers"] = inst["peer_group"].map(inst.loc[active, "peer_group"].value_counts()).fillna(0).astype(int) - 1
    inst = inst[active].copy()
    groups = inst["peer_group"]
    _cost_growth(inst, claims, groups)
    _categories(inst, claims, data.claim_items, groups)
    _high_value(inst, claims, data.claim_items, groups, high_value_price)
    inst["split_admissions"] = _split_admissions(claims, split_days).reindex(inst.index).fillna(0).astype(int)
    inst["claims_after_death"] = _after_death(claims, data.persons).reindex(inst.index).fillna(0).astype(int)
    inst["inpatient"] = (
        claims[claims["visit_type"] == "inpatient"].groupby("venue").size().reindex(inst.index).fillna(0)
    )
    rows = [_reasons(r, share_ratio, dominant_share, growth_excess, split_days, high_value_price)
            for r in inst.to_dict("records")]  # fmt: skip
    inst["signals"] = [", ".join(s) for s, _, _ in rows]
    inst["score"] = [p for _, p, _ in rows]
    inst["reasons"] = ["; ".join(t) for _, _, t in rows]
    out = (
        inst[inst["score"] > 0]
        .rename_axis(None)
        .sort_values(["score", "fund_amount", "entity_id"], ascending=[False, False, True])
    )
    out = out.assign(rank=np.arange(1, len(out) + 1), fund_amount=out["fund_amount"].round(2))
    return out[COLUMNS].reset_index(drop=True)


def _cost_growth(inst: pd.DataFrame, claims: pd.DataFrame, groups: pd.Series) -> None:
    t = claims["start_time"]
    mid = t.min() + (t.max() - t.min()) / 2
    half = np.where(t < mid, "h1", "h2")
    mean = claims.assign(half=half).groupby(["venue", "half"])["fund_amount"].agg(["mean", "size"]).unstack("half")
    ok = (mean[("size", "h1")] >= 10) & (mean[("size", "h2")] >= 10)
    growth = (mean[("mean", "h2")] / mean[("mean", "h1")] - 1).where(ok)
    inst["cost_growth"] = growth.reindex(inst.index).round(4)
    inst["peer_cost_growth"] = _peer_median(inst["cost_growth"], groups).round(4)


def _categories(inst: pd.DataFrame, claims: pd.DataFrame, items: pd.DataFrame, groups: pd.Series) -> None:
    venue = items["claim_id"].map(pd.Series(claims["venue"].to_numpy(), index=claims["claim_id"].astype(str)))
    amounts = (
        items.assign(venue=venue.astype(object)).groupby(["venue", "category"])["amount"].sum().unstack(fill_value=0.0)
    )
    shares = amounts.div(amounts.sum(axis=1).replace(0, np.nan), axis=0).reindex(inst.index)
    best_cat, best_share, best_peer, best_ratio = [], [], [], []
    peer = {c: _peer_median(shares[c], groups) for c in shares.columns}
    for e in inst.index:
        ratios = {
            c: shares.at[e, c] / peer[c][e]
            if peer[c][e] and peer[c][e] > 0
            else (np.inf if shares.at[e, c] > 0 and peer[c][e] == 0 else np.nan)
            for c in shares.columns
        }
        top = max((c for c in ratios if pd.notna(ratios[c]) and shares.at[e, c] >= 0.05),
                  key=lambda c: (ratios[c], shares.at[e, c]), default=None)  # fmt: skip
        dominant = shares.loc[e].idxmax() if shares.loc[e].notna().any() else None
        if dominant is not None and shares.at[e, dominant] >= 0.8 and (peer[dominant][e] or 0) < 0.5:
            top = dominant
        best_cat.append(top)
        best_share.append(round(float(shares.at[e, top]), 4) if top else np.nan)
        best_peer.append(round(float(peer[top][e]), 4) if top and pd.notna(peer[top][e]) else np.nan)
        best_ratio.append(ratios[top] if top else np.nan)
    inst["category"], inst["category_share"], inst["peer_category_share"] = best_cat, best_share, best_peer
    inst["category_ratio"] = best_ratio


def _high_value(inst: pd.DataFrame, claims: pd.DataFrame, items: pd.DataFrame, groups: pd.Series, price: float) -> None:
    lines = high_value_lines(
        items["unit_price"].to_numpy(dtype=float, na_value=np.nan),
        price=price,
        category=items["category"].to_numpy(dtype=object),
        categories=("consumable",),
    )
    hv = items.loc[lines, "claim_id"].astype(str).unique()
    flag = claims["claim_id"].astype(str).isin(set(hv))
    rate = flag.groupby(claims["venue"]).mean().reindex(inst.index)
    inst["high_value_rate"] = rate.round(4)
    inst["peer_high_value_rate"] = _peer_median(inst["high_value_rate"], groups).round(4)


def _split_admissions(claims: pd.DataFrame, days: int) -> pd.Series:
    """Split admissions per venue (:func:`graphfraud.score.claim_flags.split_admissions`, by patient)."""
    stay = ((claims["visit_type"] == "inpatient") & claims["facility_id"].notna()).to_numpy(dtype=bool, na_value=False)
    end = claims["end_time"]
    flag = split_admissions(pd.factorize(claims["patient_id"])[0], pd.factorize(claims["venue"])[0],
                            _day_number(claims["start_time"]), np.where(end.notna().to_numpy(), _day_number(end), -1),
                            stay=stay, days=days)  # fmt: skip
    return pd.Series(flag, index=claims.index).groupby(claims["venue"]).sum()


def _day_number(times: pd.Series) -> np.ndarray:
    return times.to_numpy().astype("datetime64[D]").astype(np.int64)


def _after_death(claims: pd.DataFrame, persons: pd.DataFrame) -> pd.Series:
    """Claims after the patient's or card holder's death per venue (:func:`graphfraud.score.claim_flags.died_before`)."""
    death = pd.Series(persons["death_date"].to_numpy().astype("datetime64[D]"), index=persons["person_id"].astype(str))
    holder = claims["holder_id"].fillna(claims["patient_id"]).astype(str)
    day = claims["start_time"].to_numpy().astype("datetime64[D]")
    after = died_before(day, _dates(claims["patient_id"].astype(str).map(death)), _dates(holder.map(death)))
    return pd.Series(after, index=claims.index).groupby(claims["venue"]).sum()


def _dates(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT")).astype("datetime64[D]")


def _signed(x: float) -> str:
    """``+29%``, ``-3%``, ``0%`` (never ``-0%``)."""
    v = round(100 * x)
    return f"{v:+d}%" if v else "0%"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _reasons(r: dict, share_ratio: float, dominant_share: float, growth_excess: float, split_days: int,
             price: float) -> tuple[list[str], float, list[str]]:  # fmt: skip
    """(signal codes, points, reason texts) of one institution row."""
    g = r.__getitem__
    codes, texts = [], []
    if g("claims_after_death") > 0:
        codes.append("after_death")
        texts.append(f"{g('claims_after_death')} claims after the patient's or card holder's death")
    if g("split_admissions") >= 3 and g("split_admissions") >= 0.1 * g("inpatient"):
        codes.append("split_admission")
        texts.append(f"{g('split_admissions')} of {int(g('inpatient'))} admissions within {split_days} days of the "
                     "same patient's discharge (split stays)")  # fmt: skip
    cat, share, peer, ratio = g("category"), g("category_share"), g("peer_category_share"), g("category_ratio")
    words = CATEGORY_WORDS.get(str(cat), str(cat))
    peer_text = f"peers {_pct(peer)}" if pd.notna(peer) else "no peers"
    if cat and share >= dominant_share and (pd.isna(peer) or peer < 0.5):
        codes.append("dominant_category")
        texts.append(f"{words} {_pct(share)} of the amounts billed ({peer_text}, {r['peer_group']})")
    elif cat and pd.notna(ratio) and ratio >= share_ratio:
        codes.append("category_share")
        if np.isfinite(ratio):
            texts.append(f"{words} at {ratio:.1f}x peers: {_pct(share)} of the amounts billed vs "
                         f"{_pct(peer)} at {r['peer_group']} peers")  # fmt: skip
        else:
            texts.append(f"{words} {_pct(share)} of the amounts billed where no {r['peer_group']} peer bills them")
    growth, peer_growth = g("cost_growth"), g("peer_cost_growth")
    if pd.notna(growth) and growth - (0.0 if pd.isna(peer_growth) else peer_growth) >= growth_excess:
        codes.append("cost_growth")
        texts.append(f"fund per claim {_signed(growth)} from the first to the second half of the period "
                     f"(peers {_signed(0.0 if pd.isna(peer_growth) else peer_growth)})")  # fmt: skip
    rate, peer_rate = g("high_value_rate"), g("peer_high_value_rate")
    base = 0.0 if pd.isna(peer_rate) else peer_rate
    if pd.notna(rate) and rate >= 0.05 and rate >= 2 * base:
        codes.append("high_value")
        texts.append(f"{_pct(rate)} of claims carry a consumable priced >= {price:,.0f} yuan (peers {_pct(base)})")
    return codes, float(sum(POINTS[c] for c in codes)), texts
