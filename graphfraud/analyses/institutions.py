"""Every facility and pharmacy ranked: peer signals, money against peers, rings, ties to confirmed cases.

:func:`peer_signals` lists only the institutions with a peer-comparison
signal; :func:`rank_institutions` gives every institution with a claim a
``score`` (0..100, higher = more suspicious) and its reasons, from

* money against its peers: fund paid, length of stay, 30-day readmissions and
  claims per patient as percentiles among all institutions of its type
  (:data:`RULE_WEIGHTS`);
* the peer signals of :mod:`graphfraud.analyses.peers` (points, up to 20 of the 100);
* ring membership (rings of a ``detect`` output, up to 20 points);
* graph ties: doctors and patients shared with confirmed cases (any entity
  type; a ring verdict counts for its members) and with rings.

With verdicts (``--cases``) a :class:`graphfraud.score.rerank.VerdictModel`
learns from the institutions that have one and the score becomes the
calibrated probability of ``confirmed`` (x 100), with the three features
that moved it most as a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graphfraud.contract import ClaimsData
from graphfraud.analyses.peers import institutions, peer_signals
from graphfraud.score.rerank import VerdictModel, top_contributions

#: Weights of the percentiles in the rule score (sum 60 of 100).  Fund paid dominates (alone it
#: gives ROC AUC 0.861 on the Kaggle labelled half); long stays, readmissions and repeat claims
#: per patient are the classic inflation signs (together 0.874 there: docs/institutions.md).
RULE_WEIGHTS = {"fund_amount": 40.0, "stay_days": 10.0, "readmissions_30d": 5.0, "claims_per_patient": 5.0}
#: Most points from peer signals and from rings.
PEER_POINTS, RING_POINTS = 20.0, 20.0
#: Numeric features the learner sees (log1p of counts and money), the rule score among them.
FEATURES = (
    "claims", "fund_amount", "patients", "doctors", "fund_per_claim", "stay_days", "patient_regions",
    "patient_age", "own_share", "readmissions_30d", "diagnoses", "claims_per_patient", "active_days",
    "peer_points", "fund_vs_peers", "rings", "ring_fund", "tie_doctors", "tie_patients", "rule_score",
)  # fmt: skip
_LOG = ("claims", "fund_amount", "patients", "doctors", "fund_per_claim", "stay_days", "patient_regions",
        "diagnoses", "claims_per_patient", "active_days", "rings", "ring_fund", "tie_doctors", "tie_patients")  # fmt: skip
COLUMNS = [
    "rank", "entity_type", "entity_id", "name", "kind", "claims", "fund_amount", "score", "rule_score",
    "learned", "peer_signals", "rings", "tie_doctors", "tie_patients", "reasons",
]  # fmt: skip


@dataclass(frozen=True)
class InstitutionRanking:
    """The ranking (:data:`COLUMNS`, best first), the features behind it, and the model if one learned."""

    table: pd.DataFrame
    features: pd.DataFrame
    model: VerdictModel | None = None
    record: dict = field(default_factory=dict)


def institution_features(
    data: ClaimsData, *, members: pd.DataFrame | None = None, cases: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per institution with a claim (index ``entity_id``): :data:`FEATURES` but the rule score.

    ``members`` is ``ring_members.csv`` of a detect run (ring membership);
    ``cases`` the checked verdicts (ties to confirmed cases).
    """
    claims = data.claims
    venue = claims["facility_id"].fillna(claims["pharmacy_id"]).astype(str)
    c = pd.DataFrame({"venue": venue, "patient": claims["patient_id"].astype(str),
                      "doctor": claims["doctor_id"].astype(object), "fund": claims["fund_amount"].astype(float),
                      "total": claims["total_amount"].astype(float), "start": claims["start_time"],
                      "end": claims["end_time"], "diagnosis": claims["diagnosis"].astype(object)})  # fmt: skip
    persons = data.persons.set_index(data.persons["person_id"].astype(str))
    c["region"] = c["patient"].map(persons["region"]) if "region" in persons else np.nan
    birth = c["patient"].map(persons["birth_date"]) if "birth_date" in persons else pd.NaT
    c["age"] = (c["start"] - pd.to_datetime(birth)).dt.days / 365.25
    if "birth_year" in persons:  # the contract's stand-in for birth_date: the age in whole years
        year = c["patient"].map(persons["birth_year"].astype(float))
        c["age"] = c["age"].fillna(c["start"].dt.year - year)
    c["stay"] = (c["end"] - c["start"]).dt.days
    c = c.sort_values(["venue", "patient", "start"], kind="stable")
    previous = c.groupby(["venue", "patient"])["end"].shift()
    c["readmit"] = ((c["start"] - previous).dt.days <= 30).astype(float)
    g = c.groupby("venue", sort=True)
    f = pd.DataFrame({
        "claims": g.size(), "fund_amount": g["fund"].sum(), "patients": g["patient"].nunique(),
        "doctors": g["doctor"].nunique(), "stay_days": g["stay"].mean(), "patient_regions": g["region"].nunique(),
        "patient_age": g["age"].mean(), "readmissions_30d": g["readmit"].mean(), "diagnoses": g["diagnosis"].nunique(),
        "active_days": g["start"].apply(lambda s: s.dt.normalize().nunique()),
        "own_share": 1 - g["fund"].sum() / g["total"].sum().replace(0, np.nan),
    })  # fmt: skip
    f["fund_per_claim"] = f["fund_amount"] / f["claims"]
    f["claims_per_patient"] = f["claims"] / f["patients"]
    inst = institutions(data).drop_duplicates("entity_id").set_index("entity_id")
    f = f[f.index.isin(inst.index)]
    f.insert(0, "entity_type", inst["entity_type"].reindex(f.index))
    kind = inst["kind"].reindex(f.index)
    f["fund_vs_peers"] = f["fund_amount"] / f.groupby(kind)["fund_amount"].transform("median").replace(0, np.nan)
    signals = peer_signals(data).set_index("entity_id")
    f["peer_points"] = signals["score"].reindex(f.index).fillna(0.0)
    f["peer_signals"] = signals["signals"].astype(str).reindex(f.index).fillna("")  # str even when no signal (float)
    f["rings"], f["ring_fund"] = _ring_membership(f.index, members)
    f["tie_doctors"], f["tie_patients"] = _ties(c, cases, members)
    return f.rename_axis("entity_id")


def _ring_membership(index: pd.Index, members: pd.DataFrame | None) -> tuple[pd.Series, pd.Series]:
    if members is None or members.empty:
        return pd.Series(0, index=index), pd.Series(0.0, index=index)
    venues = members[members["entity_type"].isin(["facility", "pharmacy"])]
    count = venues.groupby("entity_id")["ring_id"].nunique().reindex(index).fillna(0).astype(int)
    share = pd.to_numeric(venues["score"], errors="coerce").fillna(0.0)
    fund = venues.assign(share=share).groupby("entity_id")["share"].sum().reindex(index).fillna(0.0)
    return count, fund  # ring_fund: summed member shares of the rings' claims (a weight, not yuan)


def _confirmed_entities(cases: pd.DataFrame | None, members: pd.DataFrame | None) -> dict[str, set[str]]:
    """Confirmed entity ids by type; a confirmed ring confirms its members."""
    out: dict[str, set[str]] = {t: set() for t in ("person", "doctor", "facility", "pharmacy")}
    if cases is None or cases.empty:
        return out
    yes = cases[cases["verdict"] == "confirmed"]
    for t in out:
        out[t] |= set(yes.loc[yes["entity_type"] == t, "entity_id"])
    if members is not None and not members.empty:
        rings = set(yes.loc[yes["entity_type"] == "ring", "entity_id"])
        for t, ids in members[members["ring_id"].isin(rings)].groupby("entity_type")["entity_id"]:
            if t in out:
                out[t] |= set(ids)
    return out


def _ties(c: pd.DataFrame, cases: pd.DataFrame | None, members: pd.DataFrame | None) -> tuple[pd.Series, pd.Series]:
    """Per institution: its doctors and patients who are confirmed, or also work at / visit a confirmed institution."""
    index = pd.Index(sorted(c["venue"].unique()))
    confirmed = _confirmed_entities(cases, members)
    venues = confirmed["facility"] | confirmed["pharmacy"]
    out = []
    for key, kind in (("doctor", "doctor"), ("patient", "person")):
        pairs = c[["venue", key]].dropna().drop_duplicates()
        at_confirmed = pairs[pairs["venue"].isin(venues)]
        other = pairs.merge(at_confirmed, on=key, suffixes=("", "_other"))
        other = other[other["venue"] != other["venue_other"]][["venue", key]]
        direct = pairs[pairs[key].isin(confirmed[kind])]
        tied = pd.concat([other, direct]).drop_duplicates()
        out.append(tied.groupby("venue")[key].nunique().reindex(index).fillna(0).astype(int))
    return out[0], out[1]


def rule_scores(f: pd.DataFrame) -> pd.Series:
    """The score without verdicts, 0..100: percentiles within the entity type, peer signals, rings."""
    kind = f["entity_type"]
    score = pd.Series(0.0, index=f.index)
    for column, weight in RULE_WEIGHTS.items():
        score += weight * f[column].fillna(0).groupby(kind).rank(pct=True)
    score += np.minimum(f["peer_points"], 60.0) / 60.0 * PEER_POINTS
    score += np.minimum(f["rings"], 2) / 2 * RING_POINTS
    return score.round(2)


def _matrix(f: pd.DataFrame) -> pd.DataFrame:
    X = f[list(FEATURES)].astype(float).copy()
    for column in _LOG:
        X[column] = np.log1p(X[column].clip(lower=0))
    return X


def rank_institutions(
    data: ClaimsData, *, members: pd.DataFrame | None = None, cases: pd.DataFrame | None = None, seed: int = 0
) -> InstitutionRanking:
    """Rank every institution with a claim, most suspicious first.

    Parameters
    ----------
    data : ClaimsData
    members : DataFrame, optional
        ``ring_members.csv`` of a detect run on the same data.
    cases : DataFrame, optional
        Verdicts (:func:`graphfraud.io.cases.check_cases`); with verdicts on at
        least three confirmed and three dismissed institutions the score is learned.
    seed : int, default 0

    Returns
    -------
    InstitutionRanking

    Examples
    --------
    >>> from graphfraud.synth import toy
    >>> data, _ = toy.staged_clinic()
    >>> r = rank_institutions(data)
    >>> len(r.table) == data.claims["facility_id"].fillna(data.claims["pharmacy_id"]).nunique(), r.model
    (True, None)
    """
    f = institution_features(data, members=members, cases=cases)
    f["rule_score"] = rule_scores(f)
    score, learned, model, record = f["rule_score"], pd.Series(False, index=f.index), None, {"learned": False}
    reasons = [_rule_reasons(r) for r in f.to_dict("records")]
    labelled = _verdicts(f, cases, members)
    if labelled is not None:
        X = _matrix(f)
        model = VerdictModel(seed=seed).fit(X.loc[labelled.index], labelled.to_numpy())
        probability = model.predict_proba(X)[:, 1]
        score = pd.Series(np.round(100 * probability, 2), index=f.index)
        learned = pd.Series(True, index=f.index)
        tops = top_contributions(model.contributions(X))
        reasons = [[_learned_reason(t)] + r for t, r in zip(tops, reasons)]
        record = {"learned": True, **model.record()}
    table = f.assign(score=score, learned=learned, reasons=["; ".join(r) for r in reasons])
    inst = institutions(data).drop_duplicates("entity_id").set_index("entity_id")
    table = table.assign(name=inst["name"].reindex(f.index), kind=inst["kind"].reindex(f.index)).reset_index()
    table = table.sort_values(["score", "fund_amount", "entity_id"], ascending=[False, False, True], kind="stable")
    table = table.assign(rank=np.arange(1, len(table) + 1), fund_amount=table["fund_amount"].round(2))
    return InstitutionRanking(table[COLUMNS].reset_index(drop=True), f, model, record)


def _verdicts(f: pd.DataFrame, cases: pd.DataFrame | None, members: pd.DataFrame | None) -> pd.Series | None:
    """1/0 per institution with a verdict (its own, else a ring verdict on a ring it belongs to); None if none."""
    if cases is None or cases.empty:
        return None
    own = cases[cases["entity_type"].isin(["facility", "pharmacy"])].drop_duplicates("entity_id", keep="last")
    y = own.set_index("entity_id")["verdict"].eq("confirmed").astype(int)
    if members is not None and not members.empty:
        ring = cases[cases["entity_type"] == "ring"].set_index("entity_id")["verdict"]
        venues = members[members["entity_type"].isin(["facility", "pharmacy"]) & members["ring_id"].isin(ring.index)]
        via = venues.assign(y=venues["ring_id"].map(ring).eq("confirmed").astype(int)).groupby("entity_id")["y"].max()
        y = pd.concat([y, via[~via.index.isin(y.index)]])
    y = y[y.index.isin(f.index)]
    return y.sort_index() if len(y) else None


def _learned_reason(top: list[tuple[str, float]]) -> str:
    moved = ", ".join(f"{name} {value:+.2f}" for name, value in top) or "no single feature"
    return f"模型 learned from verdicts; moved most by: {moved}"


def _rule_reasons(r: dict) -> list[str]:
    out = [
        f"fund {r['fund_amount']:,.2f} yuan on {int(r['claims'])} claims, {r['fund_vs_peers']:.1f}x the median "
        f"{r['entity_type']}"
        if pd.notna(r["fund_vs_peers"])
        else f"fund {r['fund_amount']:,.2f} yuan"
    ]
    if r["peer_signals"]:
        out.append(f"peer signals: {r['peer_signals']}")
    if r["rings"]:
        out.append(f"member of {int(r['rings'])} detected ring(s)")
    if r["tie_doctors"] or r["tie_patients"]:
        out.append(f"{int(r['tie_doctors'])} doctors and {int(r['tie_patients'])} patients shared with confirmed cases")
    return out
