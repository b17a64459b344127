"""Card misuse without a group event (冒用医保卡、套现): the cards an institution billed that cannot have been there.

Targets schemes in which nobody meets: a township centre or private
hospital billing stays on the identities of the dead and of villagers working
far away (冒名住院), a village doctor keying visits on the cards he keeps
(村医代保管医保卡), a pharmacy chain swiping collected cards for cash (药店套现).
Each card is billed on its own day, so co-visits, co-admissions and steering
see nothing.  What such schemes cannot hide is on the card itself:

- **a claim after the holder's death** (死亡后结算): the service starts more than
  ``grace_days`` after the death date of the card's person.  A patient who
  died in hospital has the final stay's settlement dated a day or two after
  death; that is not a sign.
- **a collector's phone** (手机号绑定多人医保码): the card's e-voucher is bound
  to a phone that ``phone_cards`` or more of the institution's cards of at
  least three different addresses share (家庭共济 binds parents' and children's
  cards to one child's phone: one or two addresses), and that is unlikely to
  gather there by chance (a masked phone ``138****1234`` is shared by
  strangers all over the county and is not used).  Without addresses no phone
  is judged: a nursing home or a large family on one phone cannot be told apart.

The institution is a facility, or a pharmacy chain (``pharmacies.chain``; a
shop without one is its own): a chain's shops swipe the same cards in turn.
An institution is a candidate when at least ``min_cards`` of its cards carry
such a flag, and that many is unlikely (binomial tail <= ``max_chance``)
under the rate at the other institutions of its kind (every facility kind is
its own peer group, pharmacies one group).

A proven institution's other cards used **the same way** join the ring, each
way tested against the peers in turn (the joined count again at most
``max_chance`` likely under the peers' rate of the same test):

- **no care of its own** (stays only): the card was billed for stays there by
  the staff who billed the flagged cards and has at most ``max_own`` claims
  besides those stays (persons insured in the institution's region): the
  absent and the dead have no ordinary care.  A rural patient whose outpatient
  care is all at the village clinic is ordinary, so outpatient claims are not
  tested this way;
- **as often and for as much**: billed for the same kind of claim at least half
  as often as the flagged cards typically were (three times or more), at
  the amounts of the flagged claims (their 10th to 90th percentile): a
  collector's other cards swiped on the same cycle for the same sums, a
  village doctor's other kept cards.

Benign look-alikes it leaves alone: a final stay settled after death (the
grace days), a family on one phone (fewer than three addresses), a masked
phone's strangers (the chance test), the elderly's regular refills (no flag
to start from).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import binom

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import ClaimGraph
from graphfraud.io.arrow import dense_codes, row_positions
from graphfraud.params import CardParams

NAME = "cards"

#: Distinct addresses a collector's phone spans at least (a family: one or two).
MIN_ADDRESSES = 3


def detect(graph: ClaimGraph, params: CardParams = CardParams(), *, seed: int = 0) -> list[Candidate]:
    """Candidates: one per institution (facility, or pharmacy chain) with misused cards beyond chance."""
    t = graph.visits.table
    if not len(t):
        return []
    person = t["person"].to_numpy()
    unit, group = institutions(graph)
    u = unit[t["venue"].to_numpy()]
    dead = posthumous(graph, params.grace_days)
    hub = phone_hubs(graph, u, params)
    flag = dead | hub
    if not flag.any():
        return []
    pairs = pd.DataFrame({"unit": u, "person": person, "flag": flag, "dead": dead, "hub": hub})
    per = pairs.groupby(["unit", "person"]).agg(flag=("flag", "max"), dead=("dead", "max"), hub=("hub", "max"))
    by_unit = per.groupby(level="unit").agg(cards=("flag", "size"), flagged=("flag", "sum"))
    by_unit["group"] = group[by_unit.index.to_numpy()]
    tail = _peer_tail(by_unit["flagged"], by_unit["cards"], by_unit["group"])
    proven = by_unit[(by_unit["flagged"] >= params.min_cards) & (tail <= params.max_chance)]
    out = []
    vtype = dense_codes(graph.data.claims["visit_type"])
    total = graph.data.claims["total_amount"].to_numpy(dtype=float)
    cache: dict = {}  # what every institution's _same_way shares (one pass over the claims each, not one per institution)
    for code in proven.index.to_numpy():
        mine = per.loc[int(code)]
        flagged = mine.index.to_numpy()[mine["flag"].to_numpy()]
        at = np.flatnonzero(u == code)
        proof = at[flag[at]]
        counts: dict = {}  # the joined tests' counts and their peers', for the evidence pack
        joined = _same_way(graph, t, u, unit, group, vtype, total, int(code), flagged, proof, params, cache, counts)
        members = np.union1d(flagged, np.concatenate([j for j, _ in joined.values()]) if joined else [])
        kinds = np.unique(vtype[proof])
        claims = at[np.isin(person[at], members) & (np.isin(vtype[at], kinds) | flag[at])]
        peers = by_unit[(by_unit["group"] == by_unit.at[code, "group"]).to_numpy()].drop(index=code)
        out.append(
            Candidate(
                NAME,
                np.sort(members.astype(np.int64)),
                claims,
                {
                    "headline": "misused_cards",
                    "flagged": int(len(flagged)),
                    "dead": int(mine["dead"].sum()),
                    "phone": int(mine["hub"].sum()),
                    "cards": int(proven.at[code, "cards"]),
                    "chance": float(tail[code]),
                    "hollow": int(len(joined["hollow"][0])) if "hollow" in joined else 0,
                    "alike": int(len(joined["alike"][0])) if "alike" in joined else 0,
                    "grace_days": params.grace_days,
                    # the peer institutions' cards and flagged cards (the rate "chance" is tested against) and
                    # the joined tests' counts: an evidence pack carries them to recompute the tests (peers.csv)
                    "peer_cards": int(peers["cards"].sum()),
                    "peer_flagged": int(peers["flagged"].sum()),
                    "tests": counts,
                },
                params.__dict__.copy(),
            )
        )
    return out


def institutions(graph: ClaimGraph) -> tuple[np.ndarray, np.ndarray]:
    """Per venue code: its institution (a code; a chain's shops share one) and its peer group (a code).

    Facilities are their own institution, grouped by ``kind`` (unknown: one
    group); pharmacies form one group, a chain's shops one institution.
    """
    v = graph.visits.venues
    ids = pd.Series(v.ids, dtype=object)
    n = len(ids)
    unit = np.arange(n, dtype=np.int64)
    group = np.zeros(n, dtype=np.int64)
    fac, pha = graph.data.facilities, graph.data.pharmacies
    at_f = row_positions(ids, fac["facility_id"])
    if "kind" in fac:
        kinds = dense_codes(fac["kind"].astype(object).fillna("?"))
        group[at_f >= 0] = 1 + kinds[at_f[at_f >= 0]]
    at_p = row_positions(ids, pha["pharmacy_id"])
    is_p = (at_p >= 0) & (at_f < 0)
    group[is_p] = -1
    if "chain" in pha and pha["chain"].notna().any():
        chain = dense_codes(pha["chain"])[at_p[is_p]]
        shops = np.flatnonzero(is_p)
        for c in np.unique(chain[chain >= 0]):
            unit[shops[chain == c]] = shops[chain == c].min()
    return unit, group


def posthumous(graph: ClaimGraph, grace_days: int) -> np.ndarray:
    """Per claim: its start is more than ``grace_days`` after the death of the card's person (NaT: never).

    >>> from graphfraud.synth import toy
    >>> g = __import__("graphfraud.graph.build", fromlist=["build_graph"]).build_graph(toy.staged_clinic()[0])
    >>> bool(posthumous(g, 3).any())
    False
    """
    persons = graph.data.persons
    t = graph.visits.table
    if "death_date" not in persons or not persons["death_date"].notna().any():
        return np.zeros(len(t), dtype=bool)
    at = row_positions(pd.Series(graph.visits.persons.arrow), persons["person_id"])
    death = persons["death_date"].to_numpy().astype("datetime64[D]")[at]
    dead_day = (death - np.datetime64("2000-01-01", "D")).astype("timedelta64[D]").astype(np.float64)
    dead_day[np.isnat(death)] = np.inf
    p = t["person"].to_numpy()
    out = np.zeros(len(t), dtype=bool)
    ok = p >= 0
    out[ok] = t["day"].to_numpy()[ok] > dead_day[p[ok]] + grace_days
    return out


def phone_hubs(graph: ClaimGraph, unit: np.ndarray, params: CardParams) -> np.ndarray:
    """Per claim: the card's phone is a collector's and the claim is at the institution that uses his cards.

    A phone is a collector's when ``params.phone_cards`` or more cards of at
    least three addresses are bound to it (a family spans one or two).  Its
    institution is the one that billed its cards most often (a collector's
    chain swipes them every few weeks; the holders' own village clinic sees
    them now and then), and it must hold ``phone_cards`` of them at three
    addresses, more than chance puts there (binomial tail <= ``max_chance``
    given all the phone's cards and the institution's share of all card
    holders: a masked phone's strangers are spread over the county).
    Without addresses no phone is judged: a nursing home or a large family on
    one phone cannot be told from a collector.
    """
    persons = graph.data.persons
    t = graph.visits.table
    out = np.zeros(len(t), dtype=bool)
    for column in ("phone", "address"):
        if column not in persons or not persons[column].notna().any():
            return out
    at = row_positions(pd.Series(graph.visits.persons.arrow), persons["person_id"])
    phone = dense_codes(persons["phone"].where(~_masked(persons["phone"])))[at]
    address = dense_codes(persons["address"])[at]
    p = t["person"].to_numpy()
    ok = p >= 0
    visits = pd.DataFrame({"unit": unit[ok], "person": p[ok]})
    users = int(np.unique(p[ok]).size)
    unit_cards = visits.drop_duplicates(["unit", "person"]).groupby("unit").size()
    visits["phone"] = phone[visits["person"].to_numpy()]
    visits = visits[visits["phone"].to_numpy() >= 0]
    if visits.empty:
        return out
    # phones bound to enough cards of three addresses or more, over all card holders
    cards = pd.DataFrame({"person": np.unique(visits["person"].to_numpy())})
    cards["phone"], cards["address"] = phone[cards["person"]], address[cards["person"]]
    spread = cards[cards["address"] >= 0].drop_duplicates(["phone", "address"])["phone"].value_counts()
    total = cards["phone"].value_counts()
    wanted = spread.index[(spread >= MIN_ADDRESSES).to_numpy() & (total.reindex(spread.index) >= params.phone_cards)]
    mine = visits[pd.Index(wanted.to_numpy()).get_indexer(visits["phone"].to_numpy()) >= 0]  # hashed: many phones
    if mine.empty:
        return out
    busiest = mine.groupby(["phone", "unit"]).size().reset_index(name="claims")
    busiest = busiest.sort_values(["phone", "claims", "unit"], ascending=[True, False, True]).drop_duplicates("phone")
    there = mine.merge(busiest[["phone", "unit"]], on=["phone", "unit"]).drop_duplicates(["phone", "person"])
    there = there.assign(address=address[there["person"].to_numpy()])
    hubs = there.groupby(["phone", "unit"]).agg(
        cards=("person", "size"), addresses=("address", lambda a: int(np.unique(a[a >= 0]).size))
    )
    hubs = hubs[(hubs["cards"] >= params.phone_cards) & (hubs["addresses"] >= MIN_ADDRESSES)].reset_index()
    if hubs.empty:
        return out
    share = unit_cards.reindex(hubs["unit"]).to_numpy() / users
    tail = binom.sf(hubs["cards"].to_numpy() - 1, total.reindex(hubs["phone"]).to_numpy(), share)
    hubs = hubs[tail <= params.max_chance]
    if hubs.empty:
        return out
    width = int(phone.max()) + 2
    claim_phone = np.full(len(t), -1, dtype=np.int64)
    claim_phone[ok] = phone[p[ok]]
    key = hubs["unit"].to_numpy(dtype=np.int64) * width + hubs["phone"].to_numpy(dtype=np.int64) + 1
    return (claim_phone >= 0) & (pd.Index(key).get_indexer(unit.astype(np.int64) * width + claim_phone + 1) >= 0)


def _masked(phones: pd.Series) -> pd.Series:
    """Masked phone numbers (``138****1234``, 脱敏): strangers share them, they identify no one.

    >>> _masked(pd.Series(["138****1234", "13812341234", None])).tolist()
    [True, False, False]
    """
    return phones.astype(object).fillna("").astype(str).str.contains("*", regex=False)


def _peer_tail(k: pd.Series, n: pd.Series, group: pd.Series) -> pd.Series:
    """Binomial tail ``P(Bin(n, p) >= k)`` of each row, ``p`` the rate of its group's other rows."""
    gk = k.groupby(group).transform("sum") - k
    gn = n.groupby(group).transform("sum") - n
    p = (gk / gn.clip(lower=1)).clip(lower=1e-6, upper=1 - 1e-6)
    return pd.Series(binom.sf(k.to_numpy() - 1, n.to_numpy(), p.to_numpy()), index=k.index)


def _same_way(graph, t, u, unit, group, vtype, total, code, flagged, proof, params, cache, counts) -> dict:  # type: ignore[no-untyped-def]
    """The institution's other cards used the way its flagged cards were: ``{test: (persons, tail)}``.

    Only the tests whose joined count is unlikely under the peers' rate of the same test are kept; their
    counts go to ``counts`` (a dict): ``{test: {"cards", "hits", "peer_cards", "peer_hits", "chance"}}``.
    ``cache`` (a dict, one per run) keeps what does not depend on the institution: the claims of each
    kind and the peers' (institution, card) uses per kind and peer group.
    """
    person, doctor, venue = t["person"].to_numpy(), t["doctor"].to_numpy(), t["venue"].to_numpy()
    kinds = np.unique(vtype[proof])
    # a facility's staff who billed the flagged cards (a pharmacy claim's doctor is the prescriber elsewhere)
    staff = np.unique(doctor[proof]) if group[code] >= 0 else np.zeros(0, dtype=np.int64)
    staff = staff[staff >= 0]
    if "claims_of" not in cache:
        cache["claims_of"] = np.bincount(person[person >= 0], minlength=int(person.max()) + 1)
        cache["claim_group"] = group[unit[venue]]
    claims_of, claim_group = cache["claims_of"], cache["claim_group"]
    kind_key = tuple(kinds.tolist())
    if ("kind", kind_key) not in cache:
        cache[("kind", kind_key)] = np.isin(vtype, kinds)
    same_kind = cache[("kind", kind_key)]
    at = np.flatnonzero(u == code)
    here = at[same_kind[at]]
    if len(staff):
        here = here[np.isin(doctor[here], staff)]
    peer_key = ("peers", kind_key, int(claim_group[proof[0]]))
    if peer_key not in cache:
        rows = same_kind & (claim_group == claim_group[proof[0]])
        g = _uses(u[rows], person[rows], total[rows])
        cache[peer_key] = (g.index.get_level_values("unit").to_numpy(), g.index.get_level_values("person").to_numpy(),
                           g["n"].to_numpy(), g["amount"].to_numpy())  # fmt: skip
    peer_unit, peer_person, peer_n, peer_amount = cache[peer_key]
    peer = peer_unit != code  # the other institutions' (institution, card) uses
    # the flagged cards' use: how often each was billed for this kind of claim, and for how much
    seed_n = pd.Series(person[here[np.isin(person[here], flagged)]]).value_counts()
    typical = float(seed_n.median()) if len(seed_n) else math.inf
    often = max(1.0, typical / 2)
    lo, hi = np.quantile(total[proof], [0.1, 0.9])
    region = _local(graph, venue[proof[0]], cache)
    here_g = _uses(u[here], person[here], total[here])
    people = here_g.index.get_level_values("person").to_numpy()
    kind_n = _kind_at_unit(person[at], u[at], same_kind[at], here_g.index)
    # the card's own care: every claim but this institution's claims of the kind tested (its stays)
    here_g["hollow"] = (claims_of[people] - kind_n <= params.max_own) & region[people]
    here_g["alike"] = (here_g["n"] >= often) & (here_g["amount"] >= lo) & (here_g["amount"] <= hi)
    # the peers' rates of the same tests (their rows are every claim of the kind there, by any staff)
    peer_rate, peer_hits = {}, {}
    for test in ("hollow", "alike"):
        if test == "hollow":
            hit = (claims_of[peer_person] - peer_n <= params.max_own) & region[peer_person]
        else:
            hit = (peer_n >= often) & (peer_amount >= lo) & (peer_amount <= hi)
        peer_hits[test] = int((hit & peer).sum())
        peer_rate[test] = float(peer_hits[test]) / max(int(peer.sum()), 1)
    fresh = ~np.isin(here_g.index.get_level_values("person").to_numpy(), flagged)
    result = {}
    # no care of its own is a sign for stays only: a rural patient's whole outpatient care is often one clinic
    tests = ("hollow", "alike") if t["inpatient"].to_numpy()[proof].mean() >= 0.5 else ("alike",)
    for test in tests:
        hits = here_g[test].to_numpy() & fresh
        k, n = int(hits.sum()), int(fresh.sum())
        if k < params.min_cards:
            continue
        p = peer_rate[test]
        tail = float(binom.sf(k - 1, n, min(max(p, 1e-6), 1 - 1e-6)))
        if tail <= params.max_chance:
            result[test] = (here_g.index.get_level_values("person").to_numpy()[hits], tail)
            counts[test] = {
                "cards": n,
                "hits": k,
                "peer_cards": int(peer.sum()),
                "peer_hits": peer_hits[test],
                "chance": tail,
            }
    return result


def _uses(unit: np.ndarray, person: np.ndarray, total: np.ndarray) -> pd.DataFrame:
    """Per (unit, person) of the claims given: ``n`` claims and their median ``amount``."""
    frame = pd.DataFrame({"unit": unit, "person": person, "total": total})
    return frame.groupby(["unit", "person"]).agg(n=("total", "size"), amount=("total", "median"))


def _kind_at_unit(person: np.ndarray, u: np.ndarray, kind: np.ndarray, index: pd.MultiIndex) -> np.ndarray:
    """Claims of each (unit, person) of ``index`` at that unit of the ``kind`` (a claim mask), by any staff."""
    counts = pd.DataFrame({"unit": u[kind], "person": person[kind]}).value_counts()
    return counts.reindex(index).fillna(0).to_numpy(dtype=np.int64)


def _local(graph: ClaimGraph, venue: int, cache: dict) -> np.ndarray:
    """Per person code: insured in ``venue``'s region, or either region unknown (their care would be elsewhere)."""
    persons = graph.data.persons
    n = len(graph.visits.persons)
    if "region" not in persons:
        return np.ones(n, dtype=bool)
    vid = str(graph.visits.venues.ids[venue])
    if "venue_region" not in cache:
        cache["venue_region"] = pd.concat(
            [
                graph.data.facilities.set_index("facility_id").get("region", pd.Series(dtype=object)),
                graph.data.pharmacies.set_index("pharmacy_id").get("region", pd.Series(dtype=object)),
            ]
        )
    regions = cache["venue_region"]
    home = regions.get(vid)
    if home is None or pd.isna(home):
        return np.ones(n, dtype=bool)
    if "person_region" not in cache:
        at = row_positions(pd.Series(graph.visits.persons.arrow), persons["person_id"])
        mine = persons["region"].astype(object).to_numpy()[at]
        cache["person_region"] = (pd.isna(mine), mine.astype(str))
    if ("local", str(home)) not in cache:
        unknown, mine = cache["person_region"]
        cache[("local", str(home))] = unknown | (mine == str(home))
    return cache[("local", str(home))]
