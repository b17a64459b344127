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
  strangers all over the county and is not used), counted in households (a
  family's cards go to one hospital together); the phone's institution is one
  where its cards were billed together (a sitting) before one where each came
  on its own day (step 148).  Without addresses no phone
  is judged: a nursing home or a large family on one phone cannot be told apart.

The institution is a facility, or a pharmacy chain (``pharmacies.chain``; a
shop without one is its own; an export without the column: shops whose names
begin with the same brand, :func:`name_chains`): a chain's shops swipe the
same cards in turn.
An institution is a candidate when at least ``min_cards`` of its cards carry
such a flag, and that many is unlikely (binomial tail <= ``max_chance``)
under the rate at the other institutions of its kind (every facility kind is
its own peer group, pharmacies one group).

A proven institution's other cards used **the same way** join the ring, each
way tested against the peers in turn (the joined count again at most
``max_chance`` likely under the peers' rate of the same test, and at most
:data:`SEED_CHANCE_SHARE` of it what that rate gives):

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

Without any flag, a facility's **ghost stays** (:func:`ghost_stays`) are seen by whose cards they were billed on and
what they cost: a doctor's stays on cards with no care of their own, dear for the place, beyond chance at the rate
of the facilities of its kind; they prove the facility as the seeded route's joins do, or join its flagged cards.

Without any flag, a clinic's **kept cards** (:func:`kept_cards`) are seen by
their cycle: many households' cards billed there every few weeks without a
month's break, far more than at the other clinics (a patient's care follows
illness and lapses; a keeper's keying follows his schedule).

Benign look-alikes it leaves alone: a final stay settled after death (the
grace days), a family on one phone (fewer than three addresses), a masked
phone's strangers (the chance test), the elderly's regular refills (no flag
to start from), a chronic patient's monthly follow-ups (slower than the kept
cycle, and lapsing), a family-doctor day (the clinic's session days are left
out of a card's cycle), a relative's purchases paid from a dead holder's
account (家庭共济 on an account not settled: :func:`kin_on_dead_accounts`, no
flag; the run's such purchases are one explained finding, :func:`kin_finding`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from graphfraud.stats import binom, poisson

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import ClaimGraph
from graphfraud.graph.kinds import inferred_kinds, named
from graphfraud.graph.events import distinct, stable_order
from graphfraud.io.arrow import dense_codes, row_positions, to_arrow
from graphfraud.params import CardParams

NAME = "cards"

#: The name :func:`run_uses` keeps the run's (institution, card) pairs under on the graph (``ClaimGraph.shared``).
USES = "card_uses"

#: Distinct addresses a collector's phone spans at least (a family: one or two).
MIN_ADDRESSES = 3

#: The cards joined to a proven institution's flagged cards (:func:`_same_way`; proven by its flags, or by its few
#: flagged cards' way of being billed, :func:`_seeded`): at most this share of them may be what the peers' rate of
#: the same test gives (a majority is its own pattern).
SEED_CHANCE_SHARE = 0.5

#: The headline of the run's relatives' purchases on dead holders' accounts (:func:`kin_finding`, step 96).
KIN_ACCOUNTS = "kin_accounts"

#: A month: the interval of a chronic patient's follow-up (a four-week prescription, 长处方 aside), and the longest
#: break a kept card's billing takes (:func:`kept_cards`).
MONTH = 30
#: A kept card lapses a month at most this share of its intervals (one in ten: a closed week at the Spring Festival).
LAPSE_SHARE = 0.1

#: A chain's brand begins its shops' names with at least this many characters (:func:`name_chains`; a county's
#: town names are two to three characters before 镇/乡, 街道).
CHAIN_STEM = 4

#: A bilingual name's other script, ahead of its Chinese (སྨན་ཚོང་ཁང་ 民族药药店6, a 自治州's shops and hospitals):
#: a leading run of letters neither Han, CJK punctuation, full-width nor printable ASCII, with the spaces between its
#: words (:func:`chinese_name`).
OTHER_SCRIPT = re.compile(r"^[^\x21-\x7e\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")

#: Primary-care facility kinds (村卫生室 and private clinics are ``clinic``; 乡镇卫生院/社区卫生服务中心 ``community``).
PRIMARY_KINDS = ("clinic", "community")
#: Facility levels of primary care when the kind is unknown (0 未定级, 1 一级).
PRIMARY_LEVELS = (0, 1)


def detect(graph: ClaimGraph, params: CardParams = CardParams(), *, seed: int = 0) -> list[Candidate]:
    """Candidates: one per institution (facility, or pharmacy chain) with misused cards beyond chance."""
    t = graph.visits.table
    if not len(t):
        return []
    person = graph.visits.column("person")
    unit, group = institutions(graph)
    u = unit[graph.visits.column("venue")]
    uses = run_uses(graph, u)
    # step 96: a relative's purchase paid from a dead holder's account is no sign of a keeper (its own finding)
    kin = kin_on_dead_accounts(graph, params.grace_days, uses=uses)
    found = kin_finding(graph, kin, params)
    dead = posthumous(graph, params.grace_days, uses=uses) & ~kin
    hub = phone_hubs(graph, u, params, uses=uses)
    flag = dead | hub
    cache: dict = {}  # what every institution's _same_way shares (one pass over the claims each, not one per institution)
    ghosts = ghost_stays(graph, unit, group, uses, params, cache)
    if not flag.any() and not ghosts:
        return kept_cards(graph, u, group, uses, params) + found
    pair_dead, pair_hub = uses.any_of(dead), uses.any_of(hub)
    pair_flag = pair_dead | pair_hub
    units, first, cards_n = np.unique(uses.unit, return_index=True, return_counts=True)  # pairs sorted by unit
    by_unit = pd.DataFrame(
        {"cards": cards_n.astype(np.int64), "flagged": np.add.reduceat(pair_flag.astype(np.int64), first)},
        index=pd.Index(units, name="unit"),
    )
    by_unit["group"] = group[units]
    tail = _peer_tail(by_unit["flagged"], by_unit["cards"], by_unit["group"])
    proven = by_unit[(by_unit["flagged"] >= params.min_cards) & (tail <= params.max_chance)]
    out = []
    vtype = graph.claim_codes("visit_type")[0]
    total = graph.data.claims["total_amount"].to_numpy(dtype=float)
    weak = by_unit.drop(index=proven.index)
    start = dict(zip(units.tolist(), first.tolist()))  # each institution's first pair
    seeded = _seeded(graph, u, unit, group, vtype, total, weak, flag, pair_flag, uses, start, params, cache)
    codes = np.union1d(proven.index.to_numpy(), np.array(sorted(set(seeded) | set(ghosts)), dtype=np.int64))
    weak_tested = int((weak["flagged"] >= 1).sum())
    claims_at = _claims_of_units(u, codes)
    for code, at in zip(codes.tolist(), claims_at):
        i = int(np.searchsorted(units, code))
        mine = slice(int(first[i]), int(first[i] + cards_n[i]))  # the institution's pairs
        flagged = uses.person[mine][pair_flag[mine]]
        proof = at[flag[at]]
        counts: dict = {}  # the joined tests' counts and their peers', for the evidence pack
        ghost = ghosts.get(code)
        by_ghost = code not in seeded and code not in proven.index  # proven by its ghost stays alone
        tested = ghost["tested"] if by_ghost and ghost else weak_tested
        if code in seeded:
            joined, counts = seeded[code]
            joined, counts = dict(joined), dict(counts)
        elif by_ghost and ghost:
            # proven by its ghost stays: their way of being billed is the proof (the seeded route's bound and share)
            proof = np.union1d(proof, ghost["claims"])
            strict = CardParams(**{**params.__dict__, "max_chance": params.max_chance / ghost["tested"]})
            both = np.union1d(flagged, ghost["persons"])
            joined = _same_way(graph, u, unit, group, vtype, total, code, at, both, proof, strict, cache, uses, counts)
        else:
            joined = _same_way(
                graph, u, unit, group, vtype, total, code, at, flagged, proof, params, cache, uses, counts
            )
        if ghost:  # proven by its flags: the join at max_chance; else at the route's Bonferroni bound
            bound = params.max_chance if code in proven.index else params.max_chance / max(tested, 1)
            ghost = _ghost_join(ghost, flagged, bound, params.min_cards)
        if ghost:
            joined["ghost"] = (ghost["persons"], ghost["chance"])
            counts["ghost"] = {k: ghost[k] for k in ("cards", "hits", "peer_cards", "peer_hits", "chance")}
        members = np.union1d(flagged, np.concatenate([j for j, _ in joined.values()]) if joined else [])
        kinds = distinct(vtype[proof])
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
                    "dead": int(pair_dead[mine].sum()),
                    "phone": int(pair_hub[mine].sum()),
                    "cards": int(by_unit.at[code, "cards"]),
                    "seeded": code in seeded or by_ghost,
                    # institutions tested by the seeded route, or doctors by the ghost stays' (its Bonferroni bound
                    # is max_chance / tested)
                    "tested": int(tested),
                    # cards of stays with no care of their own, dear for the place (ghost_stays)
                    "ghost": int(len(ghost["persons"])) if ghost else 0,
                    "ghost_ratio": params.ghost_ratio,
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
    # a clinic proven by its flags keeps that candidate unless its kept cards are mostly others (three dead cards
    # proven alone, the thirty cards keyed with them not "as often and for as much" at the flagged cards' pace)
    held = {int(u[c.claims[0]]): c.persons for c in out}
    return (
        out
        + [
            k
            for k in kept_cards(graph, u, group, uses, params)
            if 2 * len(np.intersect1d(k.persons, held.get(int(u[k.claims[0]]), []))) < len(k.persons)
        ]
        + found
    )


@dataclass(frozen=True)
class CardUses:
    """The claims grouped per (institution, card), once per run: what ``detect`` and ``phone_hubs`` share.

    A pair is an institution and a card it billed; its key is ``unit * width + person + 1``.

    Attributes
    ----------
    keys : ndarray of int64
        The pairs' keys, ascending (by institution, then person code).
    unit, person : ndarray of int64
        Per pair: the institution and the person code (-1: claims without a known card).
    claims : ndarray of int64
        Per pair: its claims.
    key : ndarray of int64
        Per claim (row of ``graph.visits.table``): its pair's key.
    width : int
        Person codes + 1.
    person_row : ndarray of int64
        Per person code: its row in ``graph.data.persons`` (-1: none).
    """

    keys: np.ndarray
    unit: np.ndarray
    person: np.ndarray
    claims: np.ndarray
    key: np.ndarray
    width: int
    person_row: np.ndarray

    def any_of(self, mask: np.ndarray) -> np.ndarray:
        """Per pair: any of its claims in ``mask`` (a claim mask)."""
        out = np.zeros(len(self.keys), dtype=bool)
        out[np.searchsorted(self.keys, self.key[mask])] = True
        return out


def card_uses(graph: ClaimGraph, unit: np.ndarray) -> CardUses:
    """Group the claims by (institution, card): ``unit`` is each claim's institution (see :func:`institutions`).

    >>> from graphfraud.synth import toy
    >>> g = __import__("graphfraud.graph.build", fromlist=["build_graph"]).build_graph(toy.staged_clinic()[0])
    >>> u = institutions(g)[0][g.visits.column("venue")]
    >>> uses = card_uses(g, u)
    >>> int(uses.claims.sum()) == len(u), bool((uses.unit[np.searchsorted(uses.keys, uses.key)] == u).all())
    (True, True)
    """
    width = len(graph.visits.persons) + 1
    key = unit.astype(np.int64) * width + graph.visits.column("person").astype(np.int64) + 1
    ordered = np.sort(key)  # as np.unique(key, return_counts=True), without its second copy of the keys
    first = np.flatnonzero(np.r_[len(ordered) > 0, ordered[1:] != ordered[:-1]])  # (no claims: no keys)
    keys, claims = ordered[first], np.diff(np.r_[first, len(ordered)])
    del ordered
    rows = _person_rows(graph)
    return CardUses(keys, keys // width, keys % width - 1, claims.astype(np.int64), key, width, rows)


def merged_uses(graph: ClaimGraph, unit: np.ndarray, uses: CardUses, merged: np.ndarray) -> CardUses:
    """:func:`card_uses` of ``unit`` (each claim's institution ``merged[u]``: the institutions ``u`` of ``uses``,
    some merged into others) from ``uses``: its pairs' keys re-made, the few that move put in place among the
    others (ascending already) and equal keys joined, instead of a sort of every claim's key.

    >>> from graphfraud.synth import toy
    >>> g = __import__("graphfraud.graph.build", fromlist=["build_graph"]).build_graph(toy.staged_clinic()[0])
    >>> u = institutions(g)[0][g.visits.column("venue")]
    >>> merged = np.minimum(np.arange(int(u.max()) + 1), 1)  # every institution but the first into the second
    >>> a, b = merged_uses(g, merged[u], card_uses(g, u), merged), card_uses(g, merged[u])
    >>> all(np.array_equal(getattr(a, f), getattr(b, f)) for f in ("keys", "unit", "person", "claims", "key"))
    True
    """
    keys, claims = merged_pairs(uses, merged)
    return uses_of_pairs(graph, unit, keys, claims, uses.width, uses.person_row)


def merged_pairs(uses: CardUses, merged: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs' ``keys`` (ascending) and ``claims`` of :func:`merged_uses`: ``uses``' pairs with each institution
    ``u`` now ``merged[u]`` (the few pairs that move put in place among the others, equal keys joined).

    Written into one array of the pairs' length each, the staying pairs copied a slice at a time
    (:data:`ROWS_AT_ONCE`) and equal keys joined in place: no copy of the staying pairs beside the result, which
    is made while the run's pairs are held (step 113 at ten million claims: the card menu's peak, issue 18).
    """
    width = uses.width
    moved = np.flatnonzero(merged[uses.unit] != uses.unit)  # the pairs of merged institutions: few
    moving = merged[uses.unit[moved]] * width + uses.person[moved] + 1
    order = np.argsort(moving, kind="stable")
    moving, moving_claims = moving[order], uses.claims[moved][order]
    # each moving pair goes before the first staying key not below it (the staying keys before it: the keys
    # before it less the moved ones among them), after the moving pairs before it
    before = np.searchsorted(uses.keys, moving)
    at = before - np.searchsorted(moved, before)
    slots = at + np.arange(len(at), dtype=np.int64)
    keys = np.empty(len(uses.keys), dtype=uses.keys.dtype)
    claims = np.empty(len(uses.claims), dtype=uses.claims.dtype)
    keys[slots], claims[slots] = moving, moving_claims
    for start in range(0, len(uses.keys), ROWS_AT_ONCE):  # the staying pairs, in order around the slots
        part = np.arange(start, min(start + ROWS_AT_ONCE, len(uses.keys)), dtype=np.int64)
        part = part[merged[uses.unit[part]] == uses.unit[part]]
        rank = part - np.searchsorted(moved, part)  # among the staying pairs
        to = rank + np.searchsorted(at, rank, side="right")
        keys[to], claims[to] = uses.keys[part], uses.claims[part]
    return _joined(keys, claims)


def _joined(keys: np.ndarray, claims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted ``keys`` with equal keys joined (their ``claims`` summed), in place: the arrays' leading part.

    >>> [x.tolist() for x in _joined(np.array([1, 3, 3, 3, 5, 7, 7]), np.array([1, 2, 3, 4, 5, 6, 7]))]
    [[1, 3, 5, 7], [1, 9, 5, 13]]
    """
    repeat = np.flatnonzero(keys[1:] == keys[:-1]) + 1  # a moved pair may meet a kept one
    if not len(repeat):
        return keys, claims
    starts = np.r_[True, repeat[1:] != repeat[:-1] + 1]
    head = np.repeat(repeat[starts] - 1, np.diff(np.r_[np.flatnonzero(starts), len(repeat)]))
    np.add.at(claims, head, claims[repeat])
    for start in range(0, len(keys), ROWS_AT_ONCE):  # each kept row moves down by the repeats before it
        part = np.arange(start, min(start + ROWS_AT_ONCE, len(keys)), dtype=np.int64)
        gone = np.searchsorted(repeat, part)
        keep = (gone == len(repeat)) | (repeat[np.minimum(gone, len(repeat) - 1)] != part)
        part, gone = part[keep], gone[keep]
        keys[part - gone], claims[part - gone] = keys[part], claims[part]
    n = len(keys) - len(repeat)
    return keys[:n], claims[:n]


def uses_of_pairs(graph: ClaimGraph, unit: np.ndarray, keys: np.ndarray, claims: np.ndarray, width: int,
                  person_row: np.ndarray) -> CardUses:  # fmt: skip
    """The :class:`CardUses` of pairs ``keys`` (ascending) with their ``claims``, each claim's institution
    ``unit``: each claim's key made here (as :func:`card_uses` makes it)."""
    key = unit.astype(np.int64)  # each claim's key, made in place (no temporaries of every claim)
    key *= width
    key += graph.visits.column("person")
    key += 1
    return CardUses(keys, keys // width, keys % width - 1, claims.astype(np.int64, copy=False), key, width,
                    person_row)  # fmt: skip


def run_uses(graph: ClaimGraph, unit: np.ndarray | None = None) -> CardUses:
    """The run's :func:`card_uses` over :func:`institutions`, grouped once and shared by this detector and
    :mod:`graphfraud.detect.cardload` (``unit``: each claim's institution, when the caller has it)."""

    def make() -> CardUses:
        u = unit if unit is not None else institutions(graph)[0][graph.visits.column("venue")]
        return card_uses(graph, u)

    uses: CardUses = graph.shared(USES, make)
    return uses


#: The peer group of every pharmacy in :func:`institutions` (facilities: 0 and up).
PHARMACIES = -1


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
    group[is_p] = PHARMACIES
    chains = pha["chain"] if "chain" in pha and pha["chain"].notna().any() else name_chains(pha)
    if chains.notna().any():
        chain = dense_codes(chains)[at_p[is_p]]
        shops = np.flatnonzero(is_p)
        for c in distinct(chain[chain >= 0]):
            unit[shops[chain == c]] = shops[chain == c].min()
    return unit, group


def name_chains(pharmacies: pd.DataFrame) -> pd.Series:
    """Per pharmacy: its chain by name (NaN: none), for an export without the ``chain`` column.

    A chain's shops carry its brand first and the branch after it (康民大药房连锁王仙镇店, 益丰大药房(3701021店));
    an independent shop is named for its owner or its place.  Shops whose names begin with the same
    :data:`CHAIN_STEM` characters, with a branch after them, are one chain.  Two independent shops of one
    town (王仙镇杨记药店, 王仙镇黄记药店) share at most the town's name, which is shorter; where it is not, they
    are taken as one institution, which costs a test only its resolution (each card's uses are still its own).

    A bilingual name (another script first, then Chinese: a 自治州's signs) is read from its Chinese
    (:func:`chinese_name`): the other script's word for "pharmacy" begins every shop's name and is no brand.

    >>> name_chains(pd.DataFrame({"name": ["康民大药房连锁王仙镇店", "康民大药房连锁船湾镇店", "王仙镇杨记药店",
    ...                                    "王仙镇黄记药店", None]})).tolist()
    ['康民大药', '康民大药', nan, nan, nan]
    >>> name_chains(pd.DataFrame({"name": ["སྨན་ཚོང་ཁང་ 个体药店15", "སྨན་ཚོང་ཁང་ 民族药店16", "སྨན་ཚོང་ཁང་ 一心堂药店3",
    ...                                    "སྨན་ཚོང་ཁང་ 一心堂药店7"]})).tolist()
    [nan, nan, '一心堂药', '一心堂药']
    """
    if "name" not in pharmacies:
        return pd.Series(np.nan, index=pharmacies.index, dtype=object)
    name = pharmacies["name"].astype(object).where(pharmacies["name"].notna(), None).map(chinese_name)
    stem = name.map(lambda n: n[:CHAIN_STEM] if isinstance(n, str) and len(n) >= CHAIN_STEM + 2 else None)
    shared = stem.map(stem.value_counts()).fillna(0) >= 2
    return stem.where(shared & stem.notna(), np.nan).astype(object)


def chinese_name(name: str | None) -> str | None:
    """A venue's name without the other script a bilingual name begins with (:data:`OTHER_SCRIPT`), where Chinese
    follows it; else the name as it is.

    >>> chinese_name("སྨན་ཚོང་ཁང་ 民族药药店6"), chinese_name("ᠡᠮ ᠦᠨ ᠰᠠᠩ 个体药店2"), chinese_name("O2O送药旗舰店")
    ('民族药药店6', '个体药店2', 'O2O送药旗舰店')
    >>> chinese_name("སྨན་ཚོང་ཁང་"), chinese_name(None)
    ('སྨན་ཚོང་ཁང་', None)
    """
    if not isinstance(name, str):
        return name
    lead = OTHER_SCRIPT.match(name)
    rest = name[lead.end() :] if lead else name
    return rest if rest else name


def posthumous(graph: ClaimGraph, grace_days: int, *, uses: CardUses | None = None) -> np.ndarray:
    """Per claim: its start is more than ``grace_days`` after the death of the card's person (NaT: never).

    ``uses`` (the run's :func:`card_uses`, optional) saves looking the persons up again.

    >>> from graphfraud.synth import toy
    >>> g = __import__("graphfraud.graph.build", fromlist=["build_graph"]).build_graph(toy.staged_clinic()[0])
    >>> bool(posthumous(g, 3).any())
    False
    """
    persons = graph.data.persons
    t = graph.visits.table
    if "death_date" not in persons or not persons["death_date"].notna().any():
        return np.zeros(len(t), dtype=bool)
    at = _person_rows(graph, uses)
    death = persons["death_date"].to_numpy().astype("datetime64[D]")[at]
    dead_day = (death - np.datetime64("2000-01-01", "D")).astype("timedelta64[D]").astype(np.float64)
    dead_day[np.isnat(death)] = np.inf
    dead_day = np.append(dead_day, np.inf)  # person -1 (unknown) takes the last slot: never after a death
    return t["day"].to_numpy() > dead_day[t["person"].to_numpy()] + grace_days


def kin_on_dead_accounts(graph: ClaimGraph, grace_days: int, *, uses: CardUses | None = None) -> np.ndarray:
    """Per claim: a relative's purchase paid from a dead holder's personal account (step 96: 家庭共济 on an account
    not settled after the death).

    A pharmacy purchase is the holder's card in the graph (:func:`graphfraud.graph.build.person_of_claim`), so a
    purchase for a living relative (``claims.patient_id`` not the holder, not dead ``grace_days`` before it) paid
    from the account of a holder who died is "after the holder's death" (:func:`posthumous`).  The account should
    have been settled, but the card was not kept: the relative bought their own medicine at their own shops, at
    the address where the holder lived (where the export has addresses; 家庭共济 pays for close relatives only).
    A keeper's card is billed for its dead holder himself, so these claims are neither his flags nor the seed of
    a join of a shop's other buyers (fifthworld dev 7: four such cards at an online pharmacy's flagship "joined"
    871 of its ordinary refill buyers).  All False without ``holder_id`` or death dates.

    >>> from graphfraud.synth import toy
    >>> g = __import__("graphfraud.graph.build", fromlist=["build_graph"]).build_graph(toy.staged_clinic()[0])
    >>> bool(kin_on_dead_accounts(g, 3).any())
    False
    """
    out = np.zeros(len(graph.visits.table), dtype=bool)
    claims, persons = graph.data.claims, graph.data.persons
    if "holder_id" not in claims or "death_date" not in persons or not persons["death_date"].notna().any():
        return out
    holder = graph.visits.column("person").astype(np.int64)
    rows = np.flatnonzero(posthumous(graph, grace_days, uses=uses) & (graph.visits.column("kind") == 1) & (holder >= 0))
    if not len(rows):
        return out
    patient = graph.patient_codes(rows)
    person_row = _person_rows(graph, uses)
    death = persons["death_date"].to_numpy().astype("datetime64[D]")
    day = graph.visits.table["day"].to_numpy()[rows]
    known = patient >= 0
    at = np.where(known, person_row[np.maximum(patient, 0)], -1)
    died = np.full(len(rows), np.inf)
    ok = at >= 0
    when = death[at[ok]]
    died[ok] = np.where(np.isnat(when), np.inf, (when - np.datetime64("2000-01-01", "D")).astype(np.float64))
    kin = known & (patient != holder[rows]) & (day <= died + grace_days)
    if has_addresses(graph):
        kin &= same_address(graph, holder[rows], patient)
    out[rows[kin]] = True
    return out


def kin_finding(graph: ClaimGraph, kin: np.ndarray, params: CardParams) -> list[Candidate]:
    """The run's relatives' purchases on dead holders' accounts (``kin``: :func:`kin_on_dead_accounts`) as one
    candidate (none without them): the holders and the relatives they paid for, and those purchases.

    Its headline is :data:`KIN_ACCOUNTS`; scoring explains it (:func:`graphfraud.score.reasons.kin_accounts`), so an
    investigator finds it among the explained groups: the accounts were not settled after the deaths (the account
    office's matter), and the purchases were the relatives' own, no card ring's.
    """
    rows = np.flatnonzero(kin)
    if not len(rows):
        return []
    holder = graph.visits.column("person").astype(np.int64)[rows]
    patient = graph.patient_codes(rows)
    venue = graph.visits.column("venue")[rows]
    paid, n = np.unique(patient, return_counts=True)
    evidence = {
        "headline": KIN_ACCOUNTS,
        "accounts": int(len(np.unique(holder))),
        "relatives": int(len(paid)),
        "purchases": int(len(rows)),
        "venues": int(len(np.unique(venue))),
        "grace_days": params.grace_days,
        "paid_for": dict(zip(paid.tolist(), n.tolist())),  # as detect.mutual's: the persons others' accounts paid for
    }
    members = np.union1d(holder, paid).astype(np.int64)
    return [Candidate(NAME, members, rows.astype(np.int64), evidence, params.__dict__.copy())]


def has_addresses(graph: ClaimGraph) -> bool:
    """Whether the export has the persons' addresses (``persons.address`` with a value)."""
    persons = graph.data.persons
    return "address" in persons and bool(persons["address"].notna().any())


def same_address(graph: ClaimGraph, holder: np.ndarray, patient: np.ndarray) -> np.ndarray:
    """Per pair of person codes: the two share a (known, non-empty) address: one household."""
    persons = graph.data.persons
    if "address" not in persons or not len(holder):
        return np.zeros(len(holder), dtype=bool)
    rows = graph.person_rows()
    address = persons["address"].astype("string").fillna("").to_numpy(dtype=object)
    a, b = rows[np.maximum(holder, 0)], rows[np.maximum(patient, 0)]
    ok = (holder >= 0) & (patient >= 0) & (a >= 0) & (b >= 0)
    same = np.zeros(len(holder), dtype=bool)
    same[ok] = (address[a[ok]] == address[b[ok]]) & (address[a[ok]] != "")
    return same


def phone_hubs(graph: ClaimGraph, unit: np.ndarray, params: CardParams, *, uses: CardUses | None = None) -> np.ndarray:
    """Per claim: the card's phone is a collector's and the claim is at the institution that uses his cards.

    A phone is a collector's when ``params.phone_cards`` or more cards of at
    least three addresses are bound to it (a family spans one or two) and the
    institution that billed them most often holds ``phone_cards`` of them at
    three addresses, more than chance puts there (binomial tail <=
    ``max_chance`` given all the phone's cards and the institution's share of
    all card holders: a masked phone's strangers are spread over the county).
    Its hub is then the institution, of those that pass the same test, where
    its cards gather most beyond chance (the smallest tail), not the busiest
    one: a broker's recruits are seen for their own care at their district's
    hospital more often than at his clinic (synth ``--vary`` seed 138: 125
    claims of 20 cards at a hospital of a quarter of the county's card
    holders, tail 2.6e-7; 92 of 24 at a clinic of 6%, 1e-26), while a
    collector's chain, or the hospital that buys his cards, holds nearly all
    of them (the holders' own village clinic, a few).  Before the tail come the
    institutions where two or more of its cards were billed on one day on
    ``params.hub_days`` days or more (step 148, :func:`_together_days`): a
    collector swipes his cards in sittings, while the elders whose e-vouchers
    a community helper (代办) binds to her phone each buy at their street's shop
    on a day of their own, a shop that sees few of the district's households
    (tenthworld 10: 12 cards on 16 days), and have their refills fetched
    together at their centre, where the helper is judged (step 125).  Which phones are judged
    is as before (one test a phone, where it is billed most).  The
    chance is counted in households (addresses; a card without one is its own):
    a family goes to the same hospital together, so its cards there are one
    draw, not one per card, each with a card's chance to be there.  Counted in
    cards, a county hospital that sees 45% of the county's card holders held
    a family's five cards and four strangers' on one phone beyond chance
    (thirdworld seed 42: tail 0.0008 in nine cards, 0.018 in five
    households); a collector's cards come one or two from each of many
    households.
    Without addresses no phone is judged: a nursing home or a large family on
    one phone cannot be told from a collector.  ``unit`` is each claim's
    institution; ``uses`` its :func:`card_uses` when the caller has them.
    """
    persons = graph.data.persons
    t = graph.visits.table
    out = np.zeros(len(t), dtype=bool)
    for column in ("phone", "address"):
        if column not in persons or not persons[column].notna().any():
            return out
    if uses is None:
        uses = card_uses(graph, unit)
    at = uses.person_row
    phone = dense_codes(persons["phone"].where(~_masked(persons["phone"])))[at]
    address = dense_codes(persons["address"])[at]
    ok = uses.person >= 0  # the (institution, card) pairs of known cards
    pair_unit, pair_person, pair_claims = uses.unit[ok], uses.person[ok], uses.claims[ok]
    users = int(np.count_nonzero(np.bincount(pair_person))) if len(pair_person) else 0
    unit_cards = np.bincount(pair_unit)  # cards per institution
    # the chance test counts households, not cards: a family goes to the same hospital, so its cards are one draw
    home = np.where(address >= 0, address, -2 - np.arange(len(address)))  # no address: the card is its own household
    pair_phone = phone[pair_person]
    bound = pair_phone >= 0
    if not bound.any():
        return out
    # phones bound to enough cards of three addresses or more, over all card holders
    cards = pd.DataFrame({"person": np.flatnonzero(np.bincount(pair_person[bound]))})
    cards["phone"], cards["address"] = phone[cards["person"]], address[cards["person"]]
    spread = cards[cards["address"] >= 0].drop_duplicates(["phone", "address"])["phone"].value_counts()
    total = cards["phone"].value_counts()
    households = cards.assign(home=home[cards["person"].to_numpy()]).drop_duplicates(["phone", "home"])
    total_homes = households["phone"].value_counts()  # per phone: the households of its cards
    wanted = spread.index[(spread >= MIN_ADDRESSES).to_numpy() & (total.reindex(spread.index) >= params.phone_cards)]
    is_wanted = np.zeros(int(phone.max()) + 1, dtype=bool)
    is_wanted[wanted.to_numpy()] = True
    take = bound & is_wanted[pair_phone]
    if not take.any():
        return out
    there = pd.DataFrame({"phone": pair_phone[take], "unit": pair_unit[take], "person": pair_person[take]})
    there = there.assign(claims=pair_claims[take], address=address[there["person"].to_numpy()])
    there["home"] = home[there["person"].to_numpy()]
    places = there[there["address"] >= 0].drop_duplicates(["phone", "unit", "address"])
    hubs = there.groupby(["phone", "unit"]).agg(cards=("person", "size"), claims=("claims", "sum"))
    busiest = hubs.reset_index().sort_values(["phone", "claims", "unit"], ascending=[True, False, True])
    busiest = busiest.drop_duplicates("phone")[["phone", "unit"]]  # per phone: the institution billing it most
    hubs["addresses"] = places.groupby(["phone", "unit"]).size().reindex(hubs.index, fill_value=0)
    hubs["homes"] = there.drop_duplicates(["phone", "unit", "home"]).groupby(["phone", "unit"]).size()
    hubs = hubs[(hubs["cards"] >= params.phone_cards) & (hubs["addresses"] >= MIN_ADDRESSES)].reset_index()
    if hubs.empty:
        return out
    share = unit_cards[hubs["unit"].to_numpy()] / users  # a card's (and so its household's) chance to be there
    hubs["tail"] = binom.logsf(hubs["homes"].to_numpy() - 1, total_homes.reindex(hubs["phone"]).to_numpy(), share)
    hubs = hubs[hubs["tail"] <= math.log(params.max_chance)]
    if hubs.empty:
        return out
    # a phone is judged where it is billed most (as before: one test a phone), and is a hub at one institution,
    # where its cards gather most beyond chance (then the most claims, the first code)
    judged = busiest.merge(hubs[["phone", "unit"]], on=["phone", "unit"])["phone"]
    hubs = hubs[hubs["phone"].isin(judged)]
    # step 148: where its cards are billed together (two or more on one day, on hub_days days or more) a phone is
    # used in sittings there, and that institution is its hub before any where each card came on its own day (the
    # holders' own care at their street's shop, beyond chance only because neighbours shop there)
    hubs = hubs.assign(apart=True)
    if params.hub_days > 0:
        together = _together_days(graph, unit, phone, is_wanted)
        index = pd.MultiIndex.from_frame(hubs[["phone", "unit"]])
        hubs["apart"] = together.reindex(index, fill_value=0).to_numpy() < params.hub_days
    order = ["phone", "apart", "tail", "claims", "unit"]
    hubs = hubs.sort_values(order, ascending=[True, True, True, False, True]).drop_duplicates("phone")
    hub_at = np.full(len(is_wanted), -1, dtype=np.int64)  # per phone: the institution it is a hub at
    hub_at[hubs["phone"].to_numpy()] = hubs["unit"].to_numpy()
    p = graph.visits.column("person")
    for start in range(0, len(t), ROWS_AT_ONCE):  # a slice of claims at a time: no whole-table int64 copies
        rows = slice(start, start + ROWS_AT_ONCE)
        claim_phone = np.full(len(p[rows]), -1, dtype=np.int64)
        known = p[rows] >= 0
        claim_phone[known] = phone[p[rows][known]]
        out[rows] = (claim_phone >= 0) & (hub_at[claim_phone] == unit[rows])
    return out


def _together_days(graph: ClaimGraph, unit: np.ndarray, phone: np.ndarray, wanted: np.ndarray) -> pd.Series:
    """Per (phone, institution): the days on which two or more of the phone's cards were billed there (step 148).

    ``unit`` is each claim's institution, ``phone`` each person code's phone (-1: none), ``wanted`` the phones
    judged.  A collector swipes his cards at his hub in sittings, several a day; the elders whose e-vouchers a
    community helper binds to her phone (代办) buy at their street's pharmacy each on a day of their own.

    >>> from graphfraud.synth import toy
    >>> g = __import__("graphfraud.graph.build", fromlist=["build_graph"]).build_graph(toy.staged_clinic()[0])
    >>> u = institutions(g)[0][g.visits.column("venue")]
    >>> one = np.zeros(len(g.visits.persons), dtype=np.int64)  # every card on one phone
    >>> int(_together_days(g, u, one, np.ones(1, dtype=bool)).max()) >= 1
    True
    """
    person = graph.visits.column("person")
    known = person >= 0
    claim_phone = np.full(len(person), -1, dtype=np.int64)
    claim_phone[known] = phone[person[known]]
    take = np.flatnonzero(claim_phone >= 0)
    take = take[wanted[claim_phone[take]]]
    cells = pd.DataFrame(
        {
            "phone": claim_phone[take],
            "unit": unit[take],
            "day": graph.visits.column("day")[take],
            "person": person[take],
        }
    ).drop_duplicates()
    per_day = cells.groupby(["phone", "unit", "day"]).size()
    shared = per_day[per_day >= 2].reset_index()
    return shared.groupby(["phone", "unit"]).size()


#: Claims per slice where a detector maps every claim through an int64 table (a few MB of temporaries, not the
#: whole table's 80 MB per array at ten million claims).
ROWS_AT_ONCE = 1 << 20


def _masked(phones: pd.Series) -> pd.Series:
    """Masked phone numbers (``138****1234``, 脱敏): strangers share them, they identify no one.

    >>> _masked(pd.Series(["138****1234", "13812341234", None])).tolist()
    [True, False, False]
    """
    masked = pc.match_substring(to_arrow(phones), "*").fill_null(False)
    return pd.Series(masked.to_numpy(zero_copy_only=False), index=phones.index, dtype=bool)


def _seeded(graph, u, unit, group, vtype, total, by_unit, flag, pair_flag, uses, start, params, cache) -> dict:  # type: ignore[no-untyped-def]
    """Institutions proven by the way their few flagged cards were billed: ``{unit: (joined, counts)}``.

    ``by_unit`` holds the institutions not proven by their flags, ``start`` each institution's first
    (institution, card) pair in ``uses``.  An institution with one flagged card or more that its flags do
    not prove (fewer than ``min_cards``, or no more than its peers' rate explains: a village doctor
    who keeps one or two cards of villagers who died among thirty of the living) is not proven by its flags:
    one or two claims after a death may be a recording error.  What a keeper cannot hide is that the dead
    card was billed the way his other kept cards were (the same staff, as often, for as much).  So the
    flagged cards' own way of being billed is tested (:func:`_same_way`) and the institution is proven when
    it is repeated on ``min_cards`` or more of its other cards beyond chance under the peers' rate of the same
    test, at ``max_chance`` divided by the number of institutions so tested (a Bonferroni bound: many
    institutions have one stray flag, and each is a chance to find a pattern).  A recording error on one
    ordinary patient's card has that patient's way of being billed, which the clinic's peers share: at a
    large pharmacy a dead card's two purchases of 5 and 60 yuan are "alike" to a third of its cards, and
    to a third of its peers' too, which at thousands of cards is still unlikely.  So at most
    :data:`SEED_CHANCE_SHARE` of the cards joined may be what the peers' rate gives (expected by chance);
    a village doctor's kept cards are 4-6 times the peers' rate, a stray posthumous claim's look-alikes
    1.2-1.3 times.
    """
    weak = by_unit.index[(by_unit["flagged"] >= 1).to_numpy()]
    if not len(weak):
        return {}
    strict = CardParams(**{**params.__dict__, "max_chance": params.max_chance / len(weak)})
    out = {}
    for code, at in zip(weak.tolist(), _claims_of_units(u, weak.to_numpy())):
        mine = slice(start[code], start[code] + int(by_unit.at[code, "cards"]))
        flagged = uses.person[mine][pair_flag[mine]]
        proof = at[flag[at]]
        counts: dict = {}
        joined = _same_way(graph, u, unit, group, vtype, total, code, at, flagged, proof, strict, cache, uses, counts)
        if joined:
            out[int(code)] = (joined, counts)
    return out


def ghost_stays(
    graph: ClaimGraph, unit: np.ndarray, group: np.ndarray, uses: CardUses, params: CardParams, cache: dict
) -> dict:
    """Facilities whose doctors bill stays on cards with no care of their own, dear for the place (冒名住院).

    ``{institution: {"persons", "claims", "cards", "hits", "peer_cards", "peer_hits", "chance", "tested"}}``.

    A township centre that bills stays on the identities of the dead and of migrants working far away leaves
    no flag when the export has no death dates and the cards no collector's phone.  What it cannot hide is on
    the cards and the bills: the holder has no care of his own (at most ``max_own`` claims besides his stays
    there; insured in the facility's region), and the stay, written up to be worth billing, costs
    ``ghost_ratio`` times the facility's usual stay or more (the card's median stay against the median of the
    facility's stays on cards with care of their own, :func:`usual_stay`).  Per doctor (a facility's claims without a doctor: one staff) and facility, the cards he billed
    stays for are counted, and those that are both; the count is tested against the rate of such cards
    among the stays at the other facilities of its kind (one hit and one miss added to the peers' counts, so a
    kind of a few facilities with none is no proof), by the binomial tail at ``max_chance`` divided by the
    doctors tested (those with ``min_cards`` such cards: a Bonferroni bound).  A facility with a doctor so
    proven holds his such cards; its test is the union of its proven doctors' cards.

    The benign look-alikes: a nursing home's resident is hollow (all his care is there) but his stays are
    the ward's usual ones; a patient home from the city for an operation is dear but is one of the
    facility's many dear stays, spread over its doctors; a dying patient's stays are dear and hollow, and a
    doctor has a few of them, at his peers' rate.
    """
    out: dict = {}
    if not params.ghost_ratio:
        return out
    person, venue, doctor = graph.visits.column("person"), graph.visits.column("venue"), graph.visits.column("doctor")
    inpatient = graph.visits.column("inpatient")
    rows = np.flatnonzero(inpatient & (person >= 0) & (group[unit[venue]] >= 0))  # stays at facilities
    if not len(rows):
        return out
    total = graph.data.claims["total_amount"].to_numpy(dtype=float)
    stays = pd.DataFrame({"u": unit[venue[rows]], "p": person[rows], "d": doctor[rows], "amount": total[rows]})
    cards = stays.groupby(["u", "p"])["amount"].agg(["size", "median"]).reset_index()
    claims_of = np.bincount(person[person >= 0], minlength=len(graph.visits.persons))
    local = np.zeros(len(cards), dtype=bool)
    for code, where in cards.groupby("u").indices.items():
        local[where] = _local(graph, int(code), cache, uses)[1][cards["p"].to_numpy()[where]]
    hollow = (claims_of[cards["p"].to_numpy()] - cards["size"].to_numpy() <= params.max_own) & local
    usual = usual_stay(stays, cards[["u", "p"]][~hollow])
    dear = cards["median"].to_numpy() >= params.ghost_ratio * usual.reindex(cards["u"]).to_numpy()
    cards["hit"] = hollow & dear & ~_pregnancies(graph, rows, stays, cards, params)
    hit = cards["hit"].to_numpy()
    if hit.any():  # step 137 (asked of the hits only: their holders' claims, from the run's index)
        cards.loc[hit, "hit"] = ~_seen_before(graph, rows, unit, group, stays, cards[hit], params)
    cards["group"] = group[cards["u"].to_numpy()]
    # the peers' counts: the stays' cards at the other facilities of the kind, one hit and one miss added
    in_group = cards.groupby("group")["hit"].agg(["size", "sum"])
    in_unit = cards.groupby("u")["hit"].agg(["size", "sum"])
    staff = stays[["u", "d", "p"]].drop_duplicates().merge(cards[["u", "p", "hit"]], on=["u", "p"])
    by = staff.groupby(["u", "d"])["hit"].agg(["size", "sum"]).reset_index()
    tested = int((by["sum"] >= 1).sum())  # every doctor with such a card is a chance to find a pattern
    by = by[by["sum"] >= params.min_cards]
    if by.empty:
        return out
    g = group[by["u"].to_numpy()]
    peer_n = in_group["size"].reindex(g).to_numpy() - in_unit["size"].reindex(by["u"]).to_numpy() + 2
    peer_k = in_group["sum"].reindex(g).to_numpy() - in_unit["sum"].reindex(by["u"]).to_numpy() + 1
    by["peer_n"], by["peer_k"] = peer_n, peer_k
    tail = binom.sf(by["sum"].to_numpy() - 1, by["size"].to_numpy(), peer_k / peer_n)
    bound = params.max_chance / tested
    proven = by[tail <= bound]
    for code, mine in proven.groupby("u"):
        theirs = staff[(staff["u"] == code) & staff["d"].isin(mine["d"])]
        held = np.sort(theirs.loc[theirs["hit"], "p"].unique()).astype(np.int64)
        n, k = int(theirs["p"].nunique()), len(held)
        pn, pk = int(mine["peer_n"].iat[0]), int(mine["peer_k"].iat[0])
        chance = float(binom.sf(k - 1, n, pk / pn))
        if chance > bound:
            continue
        at = rows[(stays["u"].to_numpy() == code) & np.isin(stays["d"].to_numpy(), mine["d"].to_numpy())]
        at = at[np.isin(person[at], held)]
        out[int(code)] = {"persons": held, "claims": at, "cards": n, "hits": k, "peer_cards": pn, "peer_hits": pk,
                          "chance": chance, "tested": tested, "billed": np.sort(theirs["p"].unique())}  # fmt: skip
    return out


def _seen_before(graph: ClaimGraph, rows: np.ndarray, unit: np.ndarray, group: np.ndarray, stays: pd.DataFrame,
                 cards: pd.DataFrame, params: CardParams) -> np.ndarray:  # fmt: skip
    """Per card of ``cards`` (``u``, ``p``; from ``stays`` at claims ``rows``): its every stay at the institution
    opened on the day of, or at most ``params.ghost_seen_days`` days after, an outpatient visit of its holder at the
    same institution (step 137).

    A card with no care of its own and a dear stay is what a ghost stay looks like; but a holder seen at the
    facility's clinic the day before he was admitted was there: a visiting team (对口支援) operates on the few of its
    crowd who need it the next morning, each patient's one consultation and one dear stay (eighthworld 20: 10 of
    the 27 such cards at its county hospital, where the export names no doctor and the facility is tested as one
    staff).  A ghost identity is billed a stay, not a visit first.  All False when ``params.ghost_seen_days`` is -1.
    """
    out = np.zeros(len(cards), dtype=bool)
    days = params.ghost_seen_days
    if days < 0 or not len(rows):
        return out
    v = graph.visits
    person, venue, day = v.column("person"), v.column("venue"), v.column("day").astype(np.int64)
    inpatient = v.column("inpatient").astype(bool)
    holders = np.unique(cards["p"].to_numpy().astype(np.int64))
    clinic = graph.claim_rows("person", holders)  # the holders' claims, from the run's index (no pass over all)
    clinic = clinic[~inpatient[clinic] & (venue[clinic] >= 0)]
    clinic = clinic[group[unit[venue[clinic]]] >= 0]  # their outpatient visits at facilities
    mine = np.isin(stays["p"].to_numpy(), holders)
    rows, stays = rows[mine], stays[mine]
    if not len(clinic) or not len(rows):
        return out
    low = int(min(day[clinic].min(), day[rows].min())) - days - 1
    span = int(max(day[clinic].max(), day[rows].max())) - low + 1
    people = int(len(v.persons)) + 1

    def key(u: np.ndarray, p: np.ndarray, d: np.ndarray) -> np.ndarray:  # (institution, person, day) in one int64
        return (u.astype(np.int64) * people + p.astype(np.int64)) * span + (d - low)

    seen = np.unique(key(unit[venue[clinic]], person[clinic], day[clinic]))
    u, p, d = stays["u"].to_numpy(), stays["p"].to_numpy(), day[rows]
    after = np.zeros(len(rows), dtype=bool)
    for back in range(days + 1):
        after |= np.isin(key(u, p, d - back), seen)
    every = pd.Series(after).groupby([u, p]).all()
    return every.reindex(pd.MultiIndex.from_frame(cards[["u", "p"]])).to_numpy(dtype=bool, copy=True)


def _pregnancies(graph: ClaimGraph, rows: np.ndarray, stays: pd.DataFrame, cards: pd.DataFrame,
                 params: CardParams) -> np.ndarray:  # fmt: skip
    """Per card of ``cards`` (``u``, ``p``; from ``stays`` at claims ``rows``): its every stay at the institution has a
    diagnosis of the pregnancy chapter (ICD-10 ``O``) and its holder is not recorded male (step 121).

    A pregnant herder lodged at the county hospital one to four weeks before her delivery (待产之家) is a card with no
    care of its own and a stay two to four times the ward's usual one: the ghost stays' very shape, and her
    diagnosis and sex are what a hospital's clerk would read first.  All False when ``params.ghost_pregnancy`` is
    off or the export has no diagnoses.
    """
    out = np.zeros(len(cards), dtype=bool)
    if not params.ghost_pregnancy or "diagnosis" not in graph.data.claims.columns:
        return out
    codes, values = graph.claim_codes("diagnosis")
    chapter = np.char.startswith(np.char.upper(np.asarray(values, dtype=str)), "O")
    code = codes[rows]
    pregnant = np.zeros(len(rows), dtype=bool)
    pregnant[code >= 0] = chapter[code[code >= 0]]
    every = pd.Series(pregnant).groupby([stays["u"].to_numpy(), stays["p"].to_numpy()]).all()
    out = every.reindex(pd.MultiIndex.from_frame(cards[["u", "p"]])).to_numpy(dtype=bool, copy=True)
    persons = graph.data.persons
    if "sex" in persons.columns:
        at = graph.person_rows()[cards["p"].to_numpy()]
        men = persons["sex"].eq("M").fillna(False).to_numpy(dtype=bool)  # (a column the export lacks: all missing)
        male = np.zeros(len(cards), dtype=bool)
        male[at >= 0] = men[at[at >= 0]]
        out &= ~male
    return out


def usual_stay(stays: pd.DataFrame, real: pd.DataFrame) -> pd.Series:
    """Per institution ``u`` of ``stays`` (columns ``u``, ``p``, ``amount``): its usual stay, the median cost of its
    stays on the cards of ``real`` (``u``, ``p``: the cards with care of their own), else of all its stays.

    The usual cost of a stay is measured on the patients who plainly live there, not on the cards under test:
    where the ghost stays are a third of a centre's stays they set its median (thirdworld 75: 1,026 yuan over
    all 61 stays, 586 over its ordinary patients'), and a ghost stay at twice the ordinary cost was not dear
    against a median it had raised itself.

    >>> s = pd.DataFrame({"u": [0, 0, 0, 0, 1], "p": [1, 2, 3, 3, 4], "amount": [500.0, 600.0, 2000.0, 2200.0, 90.0]})
    >>> usual_stay(s, pd.DataFrame({"u": [0, 0], "p": [1, 2]})).to_dict()
    {0: 550.0, 1: 90.0}
    """
    everyone = stays.groupby("u")["amount"].median()
    ordinary = stays.merge(real, on=["u", "p"]).groupby("u")["amount"].median()
    return ordinary.reindex(everyone.index).fillna(everyone)


def _ghost_join(ghost: dict, flagged: np.ndarray, bound: float, min_cards: int) -> dict | None:
    """An institution's :func:`ghost_stays` as a test joining cards to its ``flagged`` ones: the flagged cards
    left out of its counts (as every joined test leaves them out), still ``min_cards`` or more and at most
    ``bound`` likely (None: not)."""
    billed = np.setdiff1d(ghost["billed"], flagged)
    persons = np.setdiff1d(ghost["persons"], flagged)
    n, k = len(billed), len(persons)
    chance = float(binom.sf(k - 1, n, ghost["peer_hits"] / ghost["peer_cards"])) if k else 1.0
    if k < max(min_cards, 1) or chance > bound:
        return None
    return ghost | {"persons": persons, "cards": n, "hits": k, "chance": chance}


def _peer_tail(k: pd.Series, n: pd.Series, group: pd.Series) -> pd.Series:
    """Binomial tail ``P(Bin(n, p) >= k)`` of each row, ``p`` the rate of its group's other rows."""
    gk = k.groupby(group).transform("sum") - k
    gn = n.groupby(group).transform("sum") - n
    p = (gk / gn.clip(lower=1)).clip(lower=1e-6, upper=1 - 1e-6)
    return pd.Series(binom.sf(k.to_numpy() - 1, n.to_numpy(), p.to_numpy()), index=k.index)


def _same_way(graph, u, unit, group, vtype, total, code, at, flagged, proof, params, cache, uses, counts) -> dict:  # type: ignore[no-untyped-def]
    """The institution's other cards used the way its flagged cards were: ``{test: (persons, tail)}``.

    Only the tests whose joined count is unlikely under the peers' rate of the same test are kept, and of those
    only where that rate gives at most :data:`SEED_CHANCE_SHARE` of the count (an institution proven by its flags
    too: a collector's phone at a large chain, the flagged cards' few purchases "alike" to a third of its cards and
    of its peers', otherworld seed 39, lift 1.1).
    ``at`` are the institution's claims (sorted rows), ``uses`` the run's :func:`card_uses`.
    The kept tests' counts go to ``counts`` (a dict): ``{test: {"cards", "hits", "peer_cards", "peer_hits", "chance"}}``.
    ``cache`` (a dict, one per run) keeps what does not depend on the institution: the claims of each
    kind, the peers' (institution, card) uses per kind and peer group, and each test's hits among them
    (an institution's peers are all of them but its own pairs: the hits of all less its own).
    """
    person, doctor, venue = graph.visits.column("person"), graph.visits.column("doctor"), graph.visits.column("venue")
    kinds = distinct(vtype[proof])
    # a facility's staff who billed the flagged cards (a pharmacy claim's doctor is the prescriber elsewhere)
    staff = distinct(doctor[proof]) if group[code] >= 0 else np.zeros(0, dtype=np.int64)
    staff = staff[staff >= 0]
    if "claims_of" not in cache:
        cache["claims_of"] = np.bincount(person[person >= 0], minlength=int(person.max()) + 1)
        cache["claim_group"] = group[unit[venue]]
    claims_of, claim_group = cache["claims_of"], cache["claim_group"]
    kind_key = tuple(kinds.tolist())
    if ("kind", kind_key) not in cache:
        chosen = np.zeros(int(vtype.max(initial=-1)) + 2, dtype=bool)
        chosen[kinds + 1] = True  # code -1 (no visit type) at 0
        cache[("kind", kind_key)] = chosen[vtype + 1]
    same_kind = cache[("kind", kind_key)]
    here = at[same_kind[at]]
    if len(staff):
        here = here[np.isin(doctor[here], staff)]
    peer_key = ("peers", kind_key, int(claim_group[proof[0]]))
    if peer_key not in cache:
        rows = np.flatnonzero(same_kind & (claim_group == claim_group[proof[0]]))
        peer_pairs, peer_uses, peer_median = _pair_stats(uses.key[rows], total[rows])
        cache[peer_key] = (peer_pairs // uses.width, peer_pairs % uses.width - 1, peer_uses, peer_median)
    peer_unit, peer_person, peer_n, peer_amount = cache[peer_key]
    own = slice(*np.searchsorted(peer_unit, [code, code + 1]).tolist())  # its own pairs (the peers' are the rest)
    n_peer = len(peer_unit) - (own.stop - own.start)
    # the cards billed here for this kind of claim by that staff: how often each, and for how much
    pairs, n_here, amount = _pair_stats(uses.key[here], total[here])
    people = pairs % uses.width - 1
    fresh = ~np.isin(people, flagged)
    # the flagged cards' use: how often each was billed for this kind of claim, and for how much
    typical = float(pd.Series(n_here[~fresh]).median()) if (~fresh).any() else math.inf
    often = max(1.0, typical / 2)
    lo, hi = np.quantile(total[proof], [0.1, 0.9])
    home, region = _local(graph, venue[proof[0]], cache, uses)
    # the card's own care: every claim but this institution's claims of the kind tested (its stays), by any staff
    of_kind = np.sort(uses.key[at[same_kind[at]]])
    kind_n = np.searchsorted(of_kind, pairs, side="right") - np.searchsorted(of_kind, pairs, side="left")
    found = {
        "hollow": (claims_of[people] - kind_n <= params.max_own) & region[people],
        "alike": (n_here >= often) & (amount >= lo) & (amount <= hi),
    }
    result = {}
    # no care of its own is a sign for stays only: a rural patient's whole outpatient care is often one clinic
    tests = ("hollow", "alike") if graph.visits.column("inpatient")[proof].mean() >= 0.5 else ("alike",)
    for test in tests:
        hits = found[test] & fresh
        k, n = int(hits.sum()), int(fresh.sum())
        if k < params.min_cards:
            continue
        # the peers' rate of the same test (their rows are every claim of the kind there, by any staff)
        if test == "hollow":
            if ("hollow", peer_key, home) not in cache:
                hit = (claims_of[peer_person] - peer_n <= params.max_own) & region[peer_person]
                cache[("hollow", peer_key, home)] = (hit, int(hit.sum()))
            hit, hit_all = cache[("hollow", peer_key, home)]
            peer_hits = hit_all - int(hit[own].sum())
        else:
            if ("alike", peer_key, often) not in cache:
                cache[("alike", peer_key, often)] = np.sort(peer_amount[peer_n >= often])
            amounts = cache[("alike", peer_key, often)]  # of the pairs billed often enough, ascending
            inside = np.searchsorted(amounts, hi, side="right") - np.searchsorted(amounts, lo, side="left")
            alike = (peer_n[own] >= often) & (peer_amount[own] >= lo) & (peer_amount[own] <= hi)
            peer_hits = int(inside) - int(alike.sum()) if lo <= hi else 0
        p = float(peer_hits) / max(n_peer, 1)
        tail = float(binom.sf(k - 1, n, min(max(p, 1e-6), 1 - 1e-6)))
        # most of the cards joined must be the institution's own pattern, not what the peers' rate gives
        if tail <= params.max_chance and n * p <= SEED_CHANCE_SHARE * k:
            result[test] = (people[hits], tail)
            counts[test] = {
                "cards": n,
                "hits": k,
                "peer_cards": n_peer,
                "peer_hits": peer_hits,
                "chance": tail,
            }
    return result


def _pair_stats(pair: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair of the rows given (its key in ``pair``): the keys ascending, their rows and the median ``values``.

    The median of an even count is the mean of the two middle values, NaN skipped (as pandas' group-by).

    >>> [a.tolist() for a in _pair_stats(np.array([5, 2, 5, 5, 2]), np.array([3.0, 1.0, 1.0, 2.0, 4.0]))]
    [[2, 5], [2, 3], [2.5, 2.0]]
    """
    if not len(pair):
        return pair.astype(np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=float)
    if len(pair) < _SMALL_PAIRS:  # an institution's own claims: one lexsort costs less than pandas' set-up
        return _sorted_pair_stats(np.asarray(pair), np.asarray(values, dtype=float))
    g = pd.Series(values).groupby(pair).agg(["size", "median"])  # one int key: pandas' counting sort
    return g.index.to_numpy(dtype=np.int64), g["size"].to_numpy(dtype=np.int64), g["median"].to_numpy()


#: Below this many rows :func:`_pair_stats` sorts them itself (0.1-0.2 ms against pandas' 1.3-1.5 ms a call at
#: 100-1,000 rows); above, pandas' group-by is faster (14 against 43 ms at 100,000 rows).
_SMALL_PAIRS = 10_000


def _sorted_pair_stats(pair: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_pair_stats` by one lexsort: the same keys, counts and medians as pandas' group-by.

    Within a key the values sort ascending with NaN last, so the first ``k`` (the key's values that are not
    NaN) hold the median: the middle one, or the mean of the two middle ones (NaN when ``k`` is 0).

    >>> [a.tolist() for a in _sorted_pair_stats(np.array([5, 2, 5, 5, 2]), np.array([3.0, 1.0, np.nan, 2.0, 4.0]))]
    [[2, 5], [2, 3], [2.5, 2.5]]
    """
    order = np.lexsort((values, pair))
    pair, values = pair[order], values[order]
    first = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    size = np.diff(np.r_[first, len(pair)])
    nan = np.isnan(values)
    k = size - np.add.reduceat(nan, first) if nan.any() else size
    low, high = first + np.maximum(k - 1, 0) // 2, first + np.maximum(k, 1) // 2
    median = np.where(k > 0, (values[low] + values[high]) / 2, np.nan)
    return pair[first].astype(np.int64), size.astype(np.int64), median


def _local(graph: ClaimGraph, venue: int, cache: dict, uses: CardUses) -> tuple[str | None, np.ndarray]:
    """``venue``'s region (None: unknown) and per person code: insured there, or either region unknown
    (their care would be elsewhere)."""
    persons = graph.data.persons
    n = len(graph.visits.persons)
    if "region" not in persons:
        return None, _everyone(n, cache)
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
        return None, _everyone(n, cache)
    if "person_region" not in cache:
        encoded = pc.dictionary_encode(to_arrow(persons["region"]))
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)[uses.person_row]
        cache["person_region"] = (codes, {str(r): i for i, r in enumerate(encoded.dictionary.to_pylist())})
    if ("local", str(home)) not in cache:
        codes, names = cache["person_region"]
        cache[("local", str(home))] = (codes < 0) | (codes == names.get(str(home), -2))
    return str(home), cache[("local", str(home))]


def _everyone(n: int, cache: dict) -> np.ndarray:
    """All ``n`` persons (a venue of unknown region), one array per run."""
    if "everyone" not in cache:
        cache["everyone"] = np.ones(n, dtype=bool)
    return cache["everyone"]


def _person_rows(graph: ClaimGraph, uses: CardUses | None = None) -> np.ndarray:
    """Per person code: its row in ``graph.data.persons`` (from ``uses`` when given; else
    :meth:`graphfraud.graph.build.ClaimGraph.person_rows`)."""
    return uses.person_row if uses is not None else graph.person_rows()


def _claims_of_units(u: np.ndarray, codes: np.ndarray) -> list[np.ndarray]:
    """The claims (sorted rows) of each institution in ``codes``; ``u`` is each claim's institution.

    >>> [a.tolist() for a in _claims_of_units(np.array([2, 0, 2, 1, 0]), np.array([0, 2]))]
    [[1, 4], [0, 2]]
    """
    chosen = np.zeros(int(max(u.max(initial=0), codes.max(initial=0))) + 1, dtype=bool)
    chosen[codes] = True
    rows = np.flatnonzero(chosen[u])
    rows = rows[stable_order(u[rows])]  # (one sort of packed keys: NumPy's stable argsort is a timsort)
    bounds = np.searchsorted(u[rows], np.concatenate([codes, codes + 1]))
    return [rows[bounds[i] : bounds[len(codes) + i]] for i in range(len(codes))]


def primary_venues(facilities: pd.DataFrame, venue_ids: np.ndarray) -> np.ndarray:
    """Per venue code: a primary-care facility (pharmacies and unknown venues are not).

    >>> f = pd.DataFrame({"facility_id": ["C1", "H1", "X1", "X2"], "kind": ["clinic", "hospital", None, None],
    ...                   "level": pd.array([0, 2, 1, pd.NA], dtype="Int64")})
    >>> primary_venues(f, np.array(["C1", "H1", "X1", "X2", "P1"], dtype=object)).tolist()
    [True, False, True, False, False]
    """
    kind = facilities["kind"] if "kind" in facilities else pd.Series(pd.NA, index=facilities.index)
    level = facilities["level"] if "level" in facilities else pd.Series(pd.NA, index=facilities.index)
    by_kind = kind.isin(PRIMARY_KINDS).to_numpy(dtype=bool)
    by_level = (kind.isna() & level.isin(PRIMARY_LEVELS)).to_numpy(dtype=bool, na_value=False)
    primary = pd.Series(by_kind | by_level, index=facilities["facility_id"].to_numpy())
    primary = primary[~primary.index.duplicated()]
    return primary.reindex(venue_ids).fillna(False).to_numpy(dtype=bool)


def clinic_venues(facilities: pd.DataFrame, venue_ids: np.ndarray) -> np.ndarray:
    """Per venue code: a clinic (kind ``clinic``: 村卫生室, a private clinic; kind unknown: level 0, 未定级).

    >>> f = pd.DataFrame({"facility_id": ["C1", "T1", "X1", "X2"], "kind": ["clinic", "community", None, None],
    ...                   "level": pd.array([0, 1, 0, 1], dtype="Int64")})
    >>> clinic_venues(f, np.array(["C1", "T1", "X1", "X2", "P1"], dtype=object)).tolist()
    [True, False, True, False, False]
    """
    kind = facilities["kind"] if "kind" in facilities else pd.Series(pd.NA, index=facilities.index)
    level = facilities["level"] if "level" in facilities else pd.Series(pd.NA, index=facilities.index)
    by_kind = (kind == PRIMARY_KINDS[0]).to_numpy(dtype=bool, na_value=False)
    by_level = (kind.isna() & (level == PRIMARY_LEVELS[0])).to_numpy(dtype=bool, na_value=False)
    clinic = pd.Series(by_kind | by_level, index=facilities["facility_id"].to_numpy())
    clinic = clinic[~clinic.index.duplicated()]
    return clinic.reindex(venue_ids).fillna(False).to_numpy(dtype=bool)


def session_days(unit: np.ndarray, pair: np.ndarray, day: np.ndarray, max_chance: float) -> np.ndarray:
    """Per claim (its institution ``unit``, its pair key ``pair`` and ``day``): on one of the institution's
    session days, a day it billed far more cards than on its ordinary days (Poisson tail of the day's cards at
    most ``max_chance`` under its mean over the days it billed any).

    A family-doctor day, a child-health day, a round: the cards come together because the clinic keeps a
    timetable, and their cycle is the clinic's.

    >>> unit = np.zeros(40, dtype=int); day = np.array([d for d in range(10) for _ in range(2)] + [10] * 20)
    >>> bool(session_days(unit, np.arange(40), day, 0.001)[-1]), bool(session_days(unit, np.arange(40), day, 0.001)[0])
    (True, False)
    """
    if not len(unit):
        return np.zeros(0, dtype=bool)
    cells = pd.DataFrame({"unit": unit, "day": day, "pair": pair}).drop_duplicates()
    per_day = cells.groupby(["unit", "day"]).size().rename("cards").reset_index()
    per_day["mean"] = per_day.groupby("unit")["cards"].transform("mean")
    per_day = per_day[poisson.sf(per_day["cards"].to_numpy() - 1, per_day["mean"].to_numpy()) <= max_chance]
    if per_day.empty:
        return np.zeros(len(unit), dtype=bool)
    busy = pd.MultiIndex.from_frame(per_day[["unit", "day"]])
    return pd.MultiIndex.from_arrays([unit, day]).isin(busy)


def steady_cards(pair: np.ndarray, day: np.ndarray, *, days: int, cycle: float) -> np.ndarray:
    """The pairs (keys in ``pair``, one per claim with its ``day``) billed steadily: the keys, ascending.

    Steadily: on ``days`` distinct days or more, typically (the median interval between billed days) every
    ``cycle`` days or faster, and at most :data:`LAPSE_SHARE` of the intervals longer than :data:`MONTH`.

    >>> pair = np.array([1] * 7 + [2] * 7 + [3] * 3)
    >>> day = np.array([0, 14, 28, 42, 56, 70, 84, 0, 30, 60, 90, 120, 150, 180, 0, 7, 14])
    >>> steady_cards(pair, day, days=6, cycle=21).tolist()  # every two weeks; monthly; three visits
    [1]
    """
    if not len(pair):
        return pair.astype(np.int64)
    order = np.lexsort((day, pair))
    p, d = pair[order], day[order].astype(np.int64)
    fresh = np.ones(len(p), dtype=bool)
    fresh[1:] = (p[1:] != p[:-1]) | (d[1:] != d[:-1])  # one per (card, day)
    p, d = p[fresh], d[fresh]
    keys, first, n = np.unique(p, return_index=True, return_counts=True)
    within = np.ones(len(p), dtype=bool)
    within[first] = False  # an interval ends at every billed day but a card's first
    gap_key, gap = p[within], np.diff(d, prepend=d[0])[within]
    order = np.lexsort((gap, gap_key))
    gap_key, gap = gap_key[order], gap[order]
    ok = n >= max(days, 3)
    m = n - 1  # intervals per card
    start = np.concatenate([[0], np.cumsum(m)[:-1]])
    median = np.full(len(keys), np.inf)
    lapses = np.zeros(len(keys), dtype=np.int64)
    has = m > 0
    lo, hi = start[has] + (m[has] - 1) // 2, start[has] + m[has] // 2
    median[has] = (gap[lo] + gap[hi]) / 2
    np.add.at(lapses, np.searchsorted(keys, gap_key[gap > MONTH]), 1)
    ok &= (median <= cycle) & (lapses <= LAPSE_SHARE * m)
    return keys[ok]


def _near_steady(pair: np.ndarray, day: np.ndarray, steady: np.ndarray, params: CardParams) -> np.ndarray:
    """Step 152: the pairs billed on the steady cycle (:func:`steady_cards`) on ``kept_days - 2`` or
    ``kept_days - 1`` days, just under the bar (none when ``kept_tail`` is 0): the keys, ascending.

    >>> from graphfraud.params import CardParams
    >>> pair = np.array([1] * 6 + [2] * 4 + [3] * 4)
    >>> day = np.array([0, 14, 28, 42, 56, 70, 0, 14, 28, 42, 0, 60, 120, 180])
    >>> _near_steady(pair, day, np.array([1]), CardParams()).tolist()  # 6 days; 4 every two weeks; 4 lapsing
    [2]
    """
    if params.kept_tail <= 0:
        return pair[:0].astype(np.int64)
    lower = steady_cards(pair, day, days=max(params.kept_days - 2, 3), cycle=params.kept_cycle)
    return np.setdiff1d(lower, steady)


def kept_cards(
    graph: ClaimGraph, u: np.ndarray, group: np.ndarray, uses: CardUses, params: CardParams
) -> list[Candidate]:
    """Candidates: clinics billing many cards on a cycle no patient keeps (村医代保管医保卡).

    A village doctor who keeps his villagers' cards (the elders', the migrants' who are away, the dead's)
    keys a visit on each every week or few, for months, whether in an evening batch or spread over the
    days: the card is billed because it is kept, not because its holder is ill.  Care does not look like
    that: an acute illness is a few visits close together and then none, a chronic patient's follow-up is
    monthly (a four-week prescription) and lapses now and then (a trip, a stay in hospital, a refill
    bought at a pharmacy).  So a card is **steady** at a clinic when it was billed there on
    ``kept_days`` days or more, typically (median interval) every ``kept_cycle`` days or faster, and at most
    one interval in ten longer than a month (:func:`steady_cards`), counting only the card's own days: the
    clinic's session days (:func:`session_days`: a family-doctor day, a child-health day, a round, far busier
    than its ordinary days) are its timetable, not the card's.  A clinic (kind ``clinic``, or level 0 when
    the kind is unknown, :func:`clinic_venues`: the village doctor's scheme) is a candidate when its
    steady cards, counted by household (distinct addresses: a nursing home's residents seen on its
    weekly round live at one address and count once), are at least ``min_cards``, unlikely under the rate
    at the other clinics (binomial tail at most ``max_chance`` divided by the
    clinics with any: a Bonferroni bound, every clinic is a chance), and at least ``kept_excess`` times what
    that rate gives (most of them are the clinic's own pattern, not its peers': a town centre's many
    chronic patients are a few times its peers' rate at most).  The candidate is the clinic's steady cards
    and their claims there (:func:`detect` drops it where a candidate of the flags holds half of its cards).

    Not tested: hospitals (a chemotherapy or dialysis cycle is its patients' treatment) and township or
    community centres (乡镇卫生院, 社区卫生服务中心): a town's chronic patients are all followed up at its
    centre, while a township's share theirs with the village clinics, so the county town's centre is
    steadier than its peers for no fault and their rate does not describe it.
    """
    venue = graph.visits.column("venue")
    person = graph.visits.column("person")
    primary = clinic_venues(graph.data.facilities, graph.visits.venues.ids)
    take = primary[venue] & (person >= 0)
    if not take.any():
        return []
    rows = np.flatnonzero(take)
    day = graph.visits.column("day")[rows].astype(np.int64)
    own = ~session_days(u[rows], uses.key[rows], day, params.max_chance)
    steady = steady_cards(uses.key[rows][own], day[own], days=params.kept_days, cycle=params.kept_cycle)
    if not len(steady):
        return []
    near = _near_steady(uses.key[rows][own], day[own], steady, params) // uses.width  # per card: its unit
    persons = graph.data.persons
    address = np.full(len(uses.person_row), -1, dtype=np.int64)  # per person code (-1: unknown)
    if "address" in persons:
        known = uses.person_row >= 0
        address[known] = dense_codes(persons["address"])[uses.person_row[known]]
    s_unit, s_person = steady // uses.width, steady % uses.width - 1
    s_home = address[s_person]
    s_home = np.where(s_home >= 0, s_home, -2 - s_person)  # no address: the card is its own household
    households = pd.DataFrame({"unit": s_unit, "home": s_home}).drop_duplicates().groupby("unit").size()
    is_primary_unit = np.zeros(len(primary), dtype=bool)
    is_primary_unit[u[take]] = True
    units, cards_n = np.unique(uses.unit, return_counts=True)
    keep = is_primary_unit[units]
    by_unit = pd.DataFrame({"cards": cards_n[keep].astype(np.int64)}, index=pd.Index(units[keep], name="unit"))
    by_unit["steady"] = households.reindex(by_unit.index, fill_value=0).astype(np.int64)
    by_unit["group"] = group[by_unit.index.to_numpy()]
    tail = _peer_tail(by_unit["steady"], by_unit["cards"], by_unit["group"])
    gk = by_unit.groupby("group")["steady"].transform("sum") - by_unit["steady"]
    gn = by_unit.groupby("group")["cards"].transform("sum") - by_unit["cards"]
    rate = gk / gn.clip(lower=1)
    tested = int((by_unit["steady"] >= 1).sum())
    # step 152: the steady cards of a clinic's frequent patients are the tail of those just under the bar
    steady_n = pd.Series(s_unit).value_counts().reindex(by_unit.index, fill_value=0)
    near_n = pd.Series(near).value_counts().reindex(by_unit.index, fill_value=0)
    not_tail = (params.kept_tail <= 0) | (near_n < params.kept_tail * steady_n)
    proven = by_unit[
        (by_unit["steady"] >= params.min_cards)
        & (tail <= params.max_chance / max(tested, 1))
        & (by_unit["steady"] >= params.kept_excess * rate * by_unit["cards"])
        & not_tail
    ]
    if proven.empty:
        return []
    codes = proven.index.to_numpy()
    inferred = inferred_kinds(graph)  # step 100: the clinic's kind read from its claims, said in the reason
    out = []
    for code, at in zip(codes.tolist(), _claims_of_units(u, codes)):
        members = np.sort(s_person[s_unit == code]).astype(np.int64)
        claims = at[np.isin(person[at], members)]
        out.append(
            Candidate(
                NAME,
                members,
                claims,
                {
                    "headline": "kept_cards",
                    "flagged": int(len(members)),
                    "households": int(proven.at[code, "steady"]),
                    "cards": int(proven.at[code, "cards"]),
                    "peer_rate": float(rate[code]),
                    "chance": float(tail[code]),
                    "tested": tested,
                    "kept_days": params.kept_days,
                    "kept_cycle": params.kept_cycle,
                    **(
                        {"inferred_kind": named(str(inferred[code]))} if inferred is not None and inferred[code] else {}
                    ),
                },
                params.__dict__.copy(),
            )
        )
    return out
