"""The pack's tables: the ring's claims with every column its reasons refer to, members, venues, baselines.

Numbers in a ring's reasons come from its claims, plus a few baselines from
outside the ring (claims of the same visit type and diagnosis elsewhere, a
venue's total claims, a doctor's peers).  Those baselines are written to the
pack as well, so every number can be recomputed from the pack alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from graphfraud.contract import ClaimsData
from graphfraud.mask import Masker
from graphfraud.params import SignalParams, from_dict
from graphfraud.evidence.source import RingSource
from graphfraud.graph.build import build_graph, person_of_claim
from graphfraud.graph.kinds import infer_kinds
from graphfraud.score.features import OFF_HOURS, ClaimFacts, claim_facts

#: Columns of the pack's peers.csv: per reason and test, the institution's count (``role`` venue) and its
#: peers' (``peer``: one facility each, for repeat_stays; ``peers``: their total, for misused_cards).
PEER_COLUMNS = ("reason", "test", "role", "venue_id", "peer_group", "count", "hits", "chance")

#: Columns of the pack's claims.csv, in order.
CLAIM_COLUMNS = (
    "claim_id", "person_id", "patient_id", "holder_id", "venue_id", "venue_type", "doctor_id", "visit_type",
    "diagnosis", "diagnosis_family", "cost_cell", "start_time", "end_time", "day", "total_amount", "fund_amount",
    "account_amount", "terminal_id", "off_hours", "high_value_amount", "resold_trace_codes", "trace_also_in",
    "dup_trace", "patient_death_date", "holder_death_date", "after_death", "previous_discharge", "split_admission",
)  # fmt: skip


@dataclass(frozen=True)
class PackTables:
    """Everything the report, figures and CSV files of one pack show.

    Attributes
    ----------
    claims : DataFrame
        :data:`CLAIM_COLUMNS`; person ids masked unless unmasked.
    members : DataFrame
        entity_type, entity_id, role, score, name, region, phone, address,
        claims, fund_amount, days, first_claim, last_claim.
    venues : DataFrame
        venue_id, venue_type, name, kind, ownership, region, ring_claims,
        ring_fund, all_claims, all_fund (the whole input).
    baselines : DataFrame
        baseline, visit_type, diagnosis_family, claims, fund_amount: all
        claims of the input per cost cell and per visit type touched by the ring.
    steering : DataFrame
        For kickback rings, the doctor -> pharmacy numbers; else empty.
    peers : DataFrame
        :data:`PEER_COLUMNS`: the counts the ``repeat_stays`` and ``misused_cards``
        reasons compared the ring's institution with its peers on (:func:`peer_table`);
        empty for a ring without those reasons.
    reasons : DataFrame
        code, value, threshold, points, text (English, identifiers masked), args
        (the values of the text by name, identifiers masked; None from a detect
        run that wrote no args).
    """

    claims: pd.DataFrame
    members: pd.DataFrame
    venues: pd.DataFrame
    baselines: pd.DataFrame
    steering: pd.DataFrame
    peers: pd.DataFrame
    reasons: pd.DataFrame
    time_resolution: str


def run_facts(data: ClaimsData, *, signals: SignalParams = SignalParams()) -> ClaimFacts:
    """The per-claim facts of a whole input, computed once for any number of packs (``signals`` of the run)."""
    return claim_facts(infer_kinds(build_graph(data))[0], signals=signals)  # the run's kinds (step 100)


def run_signals(run: dict) -> SignalParams:
    """The per-claim signals' parameters a detect run used (its ``run.json``; defaults for an older run).

    >>> run_signals({"parameters": {"signals": {"high_value_price": 150.0}}}).high_value_price
    150.0
    """
    parameters = run.get("parameters") or {}
    return from_dict(SignalParams, parameters.get("signals") or {})


def pack_tables(source: RingSource, data: ClaimsData, masker: Masker, *, facts: ClaimFacts | None = None) -> PackTables:
    """Build the tables of one ring's pack from the full claims data (``facts`` from :func:`run_facts`)."""
    facts = facts if facts is not None else run_facts(data, signals=run_signals(source.run))
    rows = _rows(source, data)
    claims = _claims(rows, data, facts, masker)
    members = _members(source, data, claims, masker)
    reasons = source.reasons[["code", "value", "threshold", "points", "text", "args"]].copy()
    reasons["text"] = reasons["text"].map(masker.scrub)
    reasons["args"] = [_scrubbed(args, masker) for args in reasons["args"]]
    return PackTables(
        claims=claims,
        members=members,
        venues=_venues(claims, data, facts),
        baselines=_baselines(rows, facts),
        steering=_steering(source, facts),
        peers=peer_table(source, facts),
        reasons=reasons.reset_index(drop=True),
        time_resolution=data.time_resolution,
    )


def _scrubbed(args: dict | None, masker: Masker) -> dict | None:
    """A reason's values with the identifiers masked as in its text (e.g. the phone of ``shared_phone``)."""
    if args is None:
        return None
    return {name: masker.scrub(v) if isinstance(v, str) else v for name, v in args.items()}


def _rows(source: RingSource, data: ClaimsData) -> np.ndarray:
    idx = pd.Index(data.claims["claim_id"].astype(object)).get_indexer(pd.Series(source.claim_ids, dtype=object))
    return np.sort(idx[idx >= 0])


def _claims(rows: np.ndarray, data: ClaimsData, facts: ClaimFacts, masker: Masker) -> pd.DataFrame:
    c = data.claims.iloc[rows].reset_index(drop=True)
    death = data.persons.set_index("person_id")["death_date"]
    holder = c["holder_id"].fillna(c["patient_id"])
    minute_data = data.time_resolution != "day"
    hours = facts.hour[rows]
    off = ((hours < OFF_HOURS[0]) | (hours >= OFF_HOURS[1])).astype(int)
    if (hours < 0).any():  # a date-only venue's claims (mixed resolution) have no time of day
        off = pd.array(off, dtype="Int64")
        off[hours < 0] = pd.NA
    trace, also = _traces(data, c)
    family = facts.diagnosis_names[facts.diagnosis[rows]]  # code -1 (no diagnosis) is the last name, ""
    out = pd.DataFrame(
        {
            "claim_id": c["claim_id"],
            "person_id": masker.series("person", person_of_claim(c)),
            "patient_id": masker.series("person", c["patient_id"]),
            "holder_id": masker.series("person", holder),
            "venue_id": c["facility_id"].fillna(c["pharmacy_id"]),
            "venue_type": np.where(c["pharmacy_id"].notna(), "pharmacy", "facility"),
            "doctor_id": c["doctor_id"],
            "visit_type": c["visit_type"],
            "diagnosis": c["diagnosis"],
            "diagnosis_family": family,
            "cost_cell": c["visit_type"].astype(object).to_numpy() + "|" + family,
            "start_time": _time_text(c["start_time"], hours, minute_data=minute_data),
            "end_time": _time_text(c["end_time"], hours, minute_data=minute_data),
            "day": c["start_time"].dt.strftime("%Y-%m-%d"),
            "total_amount": c["total_amount"],
            "fund_amount": c["fund_amount"],
            "account_amount": c["account_amount"],
            "terminal_id": c["terminal_id"],
            "off_hours": off if minute_data else pd.array([pd.NA] * len(c), dtype="Int64"),
            "high_value_amount": np.round(facts.high_value[rows], 2),
            "resold_trace_codes": trace,
            "trace_also_in": also,
            "dup_trace": facts.dup_trace[rows].astype(int),
            "patient_death_date": _date(c["patient_id"].map(death)),
            "holder_death_date": _date(holder.map(death)),
            "after_death": facts.after_death[rows].astype(int),
            "previous_discharge": _previous_discharge(rows, facts),
            "split_admission": facts.split[rows].astype(int),
        }
    )
    return out[list(CLAIM_COLUMNS)]


def _time_text(times: pd.Series, hours: np.ndarray, *, minute_data: bool) -> pd.Series:
    """Times as text: to the second, or the date alone for day data and for a date-only venue's claims (hour -1).

    >>> t = pd.Series(pd.to_datetime(["2024-03-05 09:41", "2024-03-05 00:00"]))
    >>> _time_text(t, np.array([9, -1]), minute_data=True).tolist()
    ['2024-03-05 09:41:00', '2024-03-05']
    """
    if not minute_data:
        return times.dt.strftime("%Y-%m-%d")
    text = times.dt.strftime("%Y-%m-%d %H:%M:%S")
    dated = hours < 0
    return text.where(~dated, times.dt.strftime("%Y-%m-%d")) if dated.any() else text


def _date(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d").astype(object).where(values.notna(), None)


def _traces(data: ClaimsData, c: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Per claim: its trace codes also sold in another claim, and those other claims."""
    items = data.claim_items
    traced = items[items["trace_code"].notna()][["claim_id", "trace_code"]].drop_duplicates()
    n = traced.groupby("trace_code")["claim_id"].transform("size")
    dup = traced[n.to_numpy() > 1]
    codes: list[str] = []
    others: list[str] = []
    by_claim = dup.groupby("claim_id")["trace_code"].apply(lambda s: sorted(s.astype(str)))
    by_code = dup.groupby("trace_code")["claim_id"].apply(lambda s: sorted(s.astype(str)))
    for claim in c["claim_id"].astype(str):
        mine = by_claim.get(claim, [])
        codes.append(";".join(mine))
        seen = sorted({o for t in mine for o in by_code[t] if o != claim})
        others.append(";".join(seen))
    return codes, others


def _previous_discharge(rows: np.ndarray, facts: ClaimFacts) -> list[str | None]:
    """For inpatient claims: the same person's latest discharge from the same facility on or before admission."""
    t = facts.graph.visits.table
    stays = t[t["inpatient"].to_numpy() & (t["end_day"].to_numpy() >= 0)]
    mine = t.iloc[rows]
    out: list[str | None] = [None] * len(rows)
    if stays.empty:
        return out
    history = {key: g["end_day"].to_numpy() for key, g in stays.groupby(["person", "venue"])}
    for i, (person, venue, day, claim, inpatient) in enumerate(
        zip(mine["person"], mine["venue"], mine["day"], mine["claim"], mine["inpatient"])
    ):
        ends = history.get((int(person), int(venue)))
        if not inpatient or ends is None:
            continue
        own_end = t["end_day"].iat[int(claim)]
        before = ends[(ends <= day) & ~((ends == own_end) & (ends >= day))]
        if len(before):
            out[i] = str(np.datetime64("2000-01-01") + np.timedelta64(int(before.max()), "D"))
    return out


def _members(source: RingSource, data: ClaimsData, claims: pd.DataFrame, masker: Masker) -> pd.DataFrame:
    m = source.members[["entity_type", "entity_id", "role", "score"]].copy()
    persons = data.persons.set_index("person_id")
    doctors = data.doctors.set_index("doctor_id")
    places = pd.concat(
        [
            data.facilities.set_index("facility_id")[["name", "region"]],
            data.pharmacies.set_index("pharmacy_id")[["name", "region"]],
        ]
    )
    is_person = m["entity_type"] == "person"
    raw = m["entity_id"]
    m["name"] = [
        None if t == "person" else (doctors["name"].get(i) if t == "doctor" else places["name"].get(i))
        for t, i in zip(m["entity_type"], raw)
    ]
    m["region"] = [
        persons["region"].get(i) if t == "person" else (None if t == "doctor" else places["region"].get(i))
        for t, i in zip(m["entity_type"], raw)
    ]
    m["phone"] = masker.series(
        "phone", pd.Series([persons["phone"].get(i) if p else None for i, p in zip(raw, is_person)], dtype=object)
    )
    m["address"] = masker.series(
        "address", pd.Series([persons["address"].get(i) if p else None for i, p in zip(raw, is_person)], dtype=object)
    )
    m["entity_id"] = [masker.mask("person", i) if p else i for i, p in zip(raw, is_person)]
    key = {"person": "person_id", "doctor": "doctor_id", "facility": "venue_id", "pharmacy": "venue_id"}
    stats = []
    for etype, eid in zip(m["entity_type"], m["entity_id"]):
        own = claims[claims[key[etype]] == eid]
        stats.append(
            {
                "claims": len(own),
                "fund_amount": round(float(own["fund_amount"].sum()), 2),
                "days": int(own["day"].nunique()),
                "first_claim": own["day"].min() if len(own) else None,
                "last_claim": own["day"].max() if len(own) else None,
            }
        )
    return pd.concat([m.reset_index(drop=True), pd.DataFrame(stats)], axis=1)


def _venues(claims: pd.DataFrame, data: ClaimsData, facts: ClaimFacts) -> pd.DataFrame:
    fac = data.facilities.rename(columns={"facility_id": "venue_id"}).assign(venue_type="facility")
    pha = data.pharmacies.rename(columns={"pharmacy_id": "venue_id"}).assign(venue_type="pharmacy", ownership="private")
    places = pd.concat([fac, pha], ignore_index=True).drop_duplicates("venue_id").set_index("venue_id")
    ring = claims.groupby("venue_id").agg(ring_claims=("claim_id", "size"), ring_fund=("fund_amount", "sum"))
    v = facts.graph.visits
    codes = v.venues.codes(pd.Series(ring.index, dtype=object))
    fund = np.bincount(v.table["venue"].to_numpy()[v.table["venue"].to_numpy() >= 0],
                       weights=v.table["fund"].to_numpy()[v.table["venue"].to_numpy() >= 0], minlength=len(v.venues))  # fmt: skip
    out = pd.DataFrame(
        {
            "venue_id": ring.index,
            "venue_type": places["venue_type"].reindex(ring.index).to_numpy(),
            "name": places["name"].reindex(ring.index).to_numpy(),
            "kind": places["kind"].reindex(ring.index).to_numpy() if "kind" in places else None,
            "ownership": places["ownership"].reindex(ring.index).to_numpy(),
            "region": places["region"].reindex(ring.index).to_numpy(),
            "ring_claims": ring["ring_claims"].to_numpy(),
            "ring_fund": ring["ring_fund"].round(2).to_numpy(),
            "all_claims": facts.venue_claims[codes],
            "all_fund": np.round(fund[codes], 2),
        }
    )
    return out.sort_values(["ring_claims", "venue_id"], ascending=[False, True]).reset_index(drop=True)


def _baselines(rows: np.ndarray, facts: ClaimFacts) -> pd.DataFrame:
    """All claims of the input (the ring's included) per cost cell and per visit type the ring touches."""
    claims = facts.graph.data.claims
    vt = claims["visit_type"].astype(object).fillna("").to_numpy()
    out = []
    for cell in np.unique(facts.cell[rows]):
        first = int(np.flatnonzero(facts.cell == cell)[0])
        out.append({"baseline": "visit_type+diagnosis", "visit_type": vt[first], "diagnosis_family": facts.diagnosis_names[facts.diagnosis[first]],
                    "claims": int(facts.cell_claims[cell]), "fund_amount": round(float(facts.cell_fund[cell]), 2)})  # fmt: skip
    for code in np.unique(facts.vtype[rows]):
        first = int(np.flatnonzero(facts.vtype == code)[0])
        out.append({"baseline": "visit_type", "visit_type": vt[first], "diagnosis_family": "",
                    "claims": int(facts.vtype_claims[code]), "fund_amount": round(float(facts.vtype_fund[code]), 2)})  # fmt: skip
    return pd.DataFrame(out, columns=["baseline", "visit_type", "diagnosis_family", "claims", "fund_amount"])


def _steering(source: RingSource, facts: ClaimFacts) -> pd.DataFrame:
    columns = ["doctor_id", "pharmacy_id", "facility_id", "follow_days", "patients", "doctor_patients",
               "facility_patients", "facility_pharmacy_patients", "team_patients", "team_pharmacy_patients",
               "pharmacy_prior", "prior_weight",
               "share", "peer_share", "lift", "z", "min_fund", "pharmacy_buyers", "excess", "business"]  # fmt: skip
    if source.ring.get("typology") != "kickback":
        return pd.DataFrame(columns=columns)
    from graphfraud.detect.steering import clinics, high_value_follow, pharmacy_buyers, steering_table
    from graphfraud.params import SteeringParams, from_dict

    params = from_dict(SteeringParams, source.run.get("parameters", {}).get("steering", {}))
    follow_days = params.follow_days
    m = source.members
    doctor = m.loc[m["entity_type"] == "doctor", "entity_id"].tolist()
    pharmacy = m.loc[m["entity_type"] == "pharmacy", "entity_id"].tolist()
    v = facts.graph.visits
    if not doctor or not pharmacy:
        return pd.DataFrame(columns=columns)
    # the (doctor, pharmacy) pairs its steering reasons name (a joined organisation has several), in their order
    said = source.reasons[source.reasons["code"] == "steering"]["args"] if "args" in source.reasons else []
    pairs = list(dict.fromkeys((str(a["doctor"]), str(a["pharmacy"])) for a in said if a))
    pairs = pairs or [(doctor[0], pharmacy[0])]
    prior_weight = 20.0
    money = facts.stake  # insurance money per claim, as the detector counted it (None: the fund)
    follow, min_fund = high_value_follow(v.table, params, money=money)
    dp = steering_table(follow, prior_weight=prior_weight, buyers=pharmacy_buyers(v.table, min_fund, money=money),
                        team_overlap=params.team_overlap, clinic=clinics(facts.graph))  # fmt: skip
    rows = []
    for doctor_id, pharmacy_id in pairs:
        d = int(v.doctors.codes(pd.Series([doctor_id]))[0])
        p = int(v.venues.codes(pd.Series([pharmacy_id]))[0])
        row = dp[(dp["doctor"] == d) & (dp["pharmacy"] == p)]
        if row.empty:
            continue
        r = row.iloc[0]
        rows.append(
            [doctor_id, pharmacy_id, str(v.venues.ids[int(r["facility"])]), follow_days, int(r["patients"]),
             int(r["doctor_patients"]), int(r["facility_patients"]), int(r["facility_pharmacy"]),
             int(r["team_patients"]), int(r["team_buyers"]), float(r["pharmacy_prior"]), prior_weight, float(r["share"]), float(r["peer_share"]),
             float(r["lift"]), float(r["z"]), min_fund, int(r["pharmacy_buyers"]), float(r["excess"]),
             float(r["business"])]
        )  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=columns,
    )  # fmt: skip


def peer_table(source: RingSource, facts: ClaimFacts) -> pd.DataFrame:
    """The peer counts behind the ring's ``repeat_stays`` and ``misused_cards`` reasons (:data:`PEER_COLUMNS`).

    Recomputed from all the claims with the run's parameters, as detection compared them:

    - ``repeat_stays``, test ``repeat``: the facility (``role`` venue) and each of its peers (``peer``), with
      ``count`` its inpatients and ``hits`` those admitted ``min_admissions`` times or more
      (:func:`graphfraud.detect.beds.peer_counts`; a split-stays reason, step 102: those readmitted within
      ``split_days`` of a discharge ``split_times`` times or more); the peers' rate is the median of
      ``(hits + 1) / (count + 2)``;
    - ``misused_cards``, test ``flags`` (cards after death or on a collector's phone) and each joined test
      (``hollow``: no care of its own, ``alike``: billed as often and for as much): the institution's cards
      tested and those that passed (``venue``),
      the peer institutions' total (``peers``), and the binomial ``chance`` of as many at the peers' rate.
      The institution's ``venue_id`` lists its venues (a chain's shops), ``;``-separated.
    """
    rows: list[dict] = []
    # the reasons' values (None from a detect run that wrote no args: nothing to compare then)
    args = {r.code: r.args for r in source.reasons.itertuples() if isinstance(r.args, dict)}
    parameters = source.run.get("parameters") or {}
    if "repeat_stays" in args:
        from graphfraud.detect.beds import peer_counts
        from graphfraud.params import BedsParams

        beds = from_dict(BedsParams, parameters.get("beds") or {})
        times = args["repeat_stays"].get("times")  # twice in a short export (step 81): as detection compared it
        if isinstance(times, int) and times >= 2:
            beds = replace(beds, min_admissions=times)
        split = "splits" in args["repeat_stays"]  # step 102: the facility compared on its split stays
        fetched = "fetched" in args["repeat_stays"]  # step 114: on its patients fetched by ambulance
        table = peer_counts(facts.graph, str(args["repeat_stays"]["venue"]), beds, split=split, fetched=fetched)
        for r in table.itertuples():
            rows.append({"reason": "repeat_stays", "test": "repeat", "role": r.role, "venue_id": r.venue_id,
                         "peer_group": r.peer_group, "count": int(r.inpatients), "hits": int(r.repeaters)})  # fmt: skip
    if "misused_cards" in args:
        rows += _card_peers(facts, str(args["misused_cards"]["venue"]), parameters.get("cards") or {})
    return pd.DataFrame(rows, columns=list(PEER_COLUMNS))


def _card_peers(facts: ClaimFacts, venue: str, parameters: dict) -> list[dict]:
    """peers.csv rows of a ``misused_cards`` reason at ``venue``: the cards detector run again on all claims."""
    from graphfraud.detect import cards
    from graphfraud.params import CardParams

    graph = facts.graph
    unit, group = cards.institutions(graph)
    code = int(graph.visits.venues.codes(pd.Series([venue]))[0])
    if code < 0:
        return []
    venue_of = graph.visits.table["venue"].to_numpy()
    found = [
        c for c in cards.detect(graph, from_dict(CardParams, parameters)) if unit[venue_of[c.claims[0]]] == unit[code]
    ]
    if not found:
        return []
    e = found[0].evidence
    shops = ";".join(sorted(str(v) for v in graph.visits.venues.ids[np.flatnonzero(unit == unit[code])]))
    kind = graph.data.facilities.set_index("facility_id")["kind"] if "kind" in graph.data.facilities else pd.Series()
    label = "pharmacies" if group[code] < 0 else f"facilities of kind {kind.get(venue, '?')}"
    rows = [
        {"reason": "misused_cards", "test": "flags", "role": "venue", "venue_id": shops, "peer_group": label,
         "count": int(e["cards"]), "hits": int(e["flagged"]), "chance": float(e["chance"])},
        {"reason": "misused_cards", "test": "flags", "role": "peers", "venue_id": "", "peer_group": label,
         "count": int(e["peer_cards"]), "hits": int(e["peer_flagged"]), "chance": None},
    ]  # fmt: skip
    for test, t in e["tests"].items():
        rows.append({"reason": "misused_cards", "test": test, "role": "venue", "venue_id": shops, "peer_group": label,
                     "count": int(t["cards"]), "hits": int(t["hits"]), "chance": float(t["chance"])})  # fmt: skip
        rows.append({"reason": "misused_cards", "test": test, "role": "peers", "venue_id": "", "peer_group": label,
                     "count": int(t["peer_cards"]), "hits": int(t["peer_hits"]), "chance": None})  # fmt: skip
    return rows
