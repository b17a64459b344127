"""Per-candidate numbers that scoring and reasons are made of.

Everything here is a plain measurement an inspector can recompute from the
claims: counts, shares, ratios, minutes.  Nothing is learned.  The
:class:`ClaimFacts` are computed once per run (per claim and per venue); the
:func:`features` of one candidate then only touch its own claims.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import math

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from scipy import sparse

from graphfraud.detect.candidate import Candidate
from graphfraud.detect.cards import primary_venues
from graphfraud.graph.kinds import CLOCK_CLAIMS, CLOCK_HOURS, CLOCK_NIGHT, NIGHT_HOURS  # noqa: F401 (re-exported)
from graphfraud.graph.kinds import clock_venues, inferred_kinds
from graphfraud.graph.regions import city  # noqa: F401 (re-exported: scoring and evidence read it here)
from graphfraud.detect.organise import regulars
from graphfraud.graph.build import EPOCH, ClaimGraph, Visits, insurance_money, narrow
from graphfraud.graph.events import distinct
from graphfraud.io.arrow import dense_codes, isin, isin_values, row_positions, text_codes, to_arrow
from graphfraud.params import OrganiseParams, SignalParams
from graphfraud.score.claim_flags import died_before, high_value_lines, split_admissions

#: Off hours for a venue visit or purchase: before 07:00 or from 19:00 on.
OFF_HOURS = (7, 19)
#: Fewest peer claims in a (visit type, diagnosis) cell for it to serve as a cost baseline.
MIN_PEERS = 20

#: The organisation rules' defaults: a group's sessions end as an organisation's block of members does.
_ORGANISE = OrganiseParams()

#: A day of a group's claims at a venue other than its main one is a day the group met there (its lockstep counts
#: it, :func:`_met_elsewhere`) when members of at least this many homes were billed there that day: a session of
#: an organisation, not a family or two with a neighbour (3 homes lifted synth seed 5's extended family and its
#: neighbours into the top 10; 6 keeps thirdworld 60's and 17's alternating brokers, step 61).
MET_ELSEWHERE = 6

#: A member present on this many of a group's days is one of its regulars (lockstep, step 5; step 64's household
#: test reads the same count).
REGULAR_DAYS = 4


@dataclass(frozen=True, eq=False)
class ClaimAmounts:
    """An amount (yuan) per claim that is 0 at all but a few claims: those claims' rows (ascending) and amounts.

    Indexed as the dense array of ``size`` floats would be, with an array of claim rows (any order, repeats) or a
    mask: ``amounts[rows]`` is that array's ``[rows]``, the same bits.  The scoring facts' per-claim amounts of
    high-value items are non-zero only at the candidates' claims that have such items; a float per claim of the
    run is 0.08 GiB at ten million claims, held through scoring.

    >>> a = ClaimAmounts(np.array([1, 4]), np.array([2.5, 7.0]), 6)
    >>> a[np.array([4, 0, 1, 4])].tolist(), len(a), bool(a.any()), np.asarray(a).tolist()
    ([7.0, 0.0, 2.5, 7.0], 6, True, [0.0, 2.5, 0.0, 0.0, 7.0, 0.0])
    """

    rows: np.ndarray
    values: np.ndarray
    size: int

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        out = np.zeros(len(rows))
        if len(self.rows) and len(rows):
            at = np.minimum(np.searchsorted(self.rows, rows), len(self.rows) - 1)
            hit = self.rows[at] == rows
            out[hit] = self.values[at[hit]]
        return out

    def __len__(self) -> int:
        return self.size

    def any(self) -> bool:
        return bool(self.values.any())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = np.zeros(self.size)
        out[self.rows] = self.values
        return out if dtype is None else out.astype(dtype)


@dataclass(frozen=True)
class ClaimFacts:
    """Facts per claim (aligned with ``claims`` rows) and per venue, computed once per run."""

    graph: ClaimGraph
    hour: np.ndarray  # start hour of day, -1 for a claim of a date-only venue (``ClaimGraph.timed``)
    chronic: np.ndarray  # visit_type == chronic
    diagnosis: np.ndarray  # per claim: code of the diagnosis family (first 3 characters), -1 when missing
    diagnosis_names: np.ndarray  # diagnosis family code -> name ("" for -1)
    dup_trace: np.ndarray  # claim (of the focus) holds a drug trace code also seen in another claim
    after_death: np.ndarray  # claim starts after the patient's or holder's death
    split: np.ndarray  # inpatient stay starting within signals.split_days of the same person's discharge there
    high_value: ClaimAmounts  # amount of items with unit price >= signals.high_value_price (yuan), focus claims
    total: np.ndarray  # total amount per claim
    person_region: np.ndarray  # per person code
    person_phone: np.ndarray  # per person code: phone code or -1
    person_address: np.ndarray  # per person code: address code or -1
    person_age: np.ndarray  # per person code: age in years at the start of the data, NaN unknown
    venue_region: np.ndarray  # per venue code
    venue_private: np.ndarray  # per venue code: private facility (pharmacies count as private)
    venue_public: np.ndarray  # per venue code: 1.0 public facility, 0.0 private or pharmacy, NaN ownership unknown
    venue_region_claims: np.ndarray  # per venue code: claims whose person's region and the venue's are both known
    venue_outside_claims: np.ndarray  # per venue code: of those, claims by persons insured outside the venue's region
    venue_outside_city_claims: np.ndarray  # per venue code: of those, claims by persons insured outside its city
    venue_is_pharmacy: np.ndarray  # per venue code: a pharmacy (else a facility)
    venue_claims: np.ndarray  # per venue code: claims
    cell: np.ndarray  # per claim: code of its (visit type, diagnosis family) cell
    cell_claims: np.ndarray  # per cell: claims
    cell_fund: np.ndarray  # per cell: fund paid
    cell_venue_claims: np.ndarray  # cell x (venue code + 1): claims
    cell_venue_fund: np.ndarray  # cell x (venue code + 1): fund paid
    vtype: np.ndarray  # per claim: code of its visit type
    vtype_claims: np.ndarray
    vtype_fund: np.ndarray
    phones: np.ndarray  # phone code -> phone value
    signals: SignalParams = SignalParams()  # the per-claim signals' parameters these facts were computed with
    stake: np.ndarray | None = None  # per claim: insurance money (fund + personal account), see :func:`insurance_money`
    venue_primary: np.ndarray | None = None  # per venue code: a primary-care facility (:mod:`graphfraud.score.primary`)
    venue_online: np.ndarray | None = None  # per venue code: an internet hospital by its name (:func:`online_venues`)
    # per venue code: the facility kind step 100 inferred from its claims ("" recorded or unknown); None: none inferred
    venue_inferred_kind: np.ndarray | None = None
    # per venue code: a facility without a name whose claims show an internet hospital (step 87, :func:`_clock_online`);
    # None: SignalParams.online_by_clock off
    venue_clock: np.ndarray | None = None
    # Pharmacy purchases per diagnosis family (index family code + 1; 0: no diagnosis): claims and insurance money.
    family_purchases: np.ndarray | None = None
    family_money: np.ndarray | None = None
    # Amount (yuan) of a claim's high-value items that are goods (GOODS_CATEGORIES), not services, kept only for the
    # claims where it may differ from ``high_value`` (those with a dear line of another category): their rows
    # ascending and the amounts (:func:`dear_goods`); None: as ``high_value`` (no fee lines).  Sparse: a float per
    # claim is 0.08 GiB at ten million claims, held through scoring, and most claims' goods are all their dear lines.
    high_goods: tuple[np.ndarray, np.ndarray] | None = None
    # The same for refills only: purchases of a person who bought the family at the pharmacy on REFILL_PURCHASES
    # or more claims (a chronic patient's month's supply, against the walk-in buys of a few days).
    refill_purchases: np.ndarray | None = None
    refill_money: np.ndarray | None = None
    refill_purchase: np.ndarray | None = None  # per claim: one of those purchases
    # Persons by phone: the phone codes ascending and the person code of each (ascending within a phone), for
    # bound_to (a ring's organizers: the persons bound to its hub phone, without a pass over every person).
    phone_index: tuple[np.ndarray, np.ndarray] | None = None
    # Filled by index_own_visits (all candidates at once) and on a miss by own_visits: the claim rows of the
    # (venue, person) pairs asked for, sorted by (venue, person).  (Typed Any: claim_facts fills the fields
    # above from dicts of arrays, which mypy would match against it.)
    visit_index: Any = field(default_factory=dict, compare=False, repr=False)
    # Per cell and per visit type: the sum of the squared fund paid (a cell's spread, :func:`cost_contrast`'s
    # chance); None: not counted (ClaimFacts made by hand), the chance is then NaN.
    cell_fund_sq: np.ndarray | None = None
    vtype_fund_sq: np.ndarray | None = None
    # Step 135: per venue code, the persons with an inpatient stay there (its inpatients); None: not counted
    venue_inpatients: np.ndarray | None = None


def claim_facts(graph: ClaimGraph, focus: np.ndarray | None = None, *,
                signals: SignalParams = SignalParams()) -> ClaimFacts:  # fmt: skip
    """Compute :class:`ClaimFacts` for the whole run.

    ``focus`` (claim rows, default all) limits the facts that are costly to
    compute for every claim (resold trace codes) to the claims that matter:
    the candidates' claims.  ``signals`` sets the high-value price and the
    split-admission days.
    """
    if focus is None:
        focus = np.arange(len(graph.data.claims))
    data, v = graph.data, graph.visits
    claims = data.claims
    t = v.table
    hour = np.remainder(t["minute"].to_numpy(), 1440)
    hour = np.floor_divide(hour, 60, out=hour).astype(np.int8)
    if graph.timed is not None:  # a date-only venue's claims have no hour (not 00:00)
        hour[~graph.timed] = -1
    vtype_code, vtypes = graph.claim_codes("visit_type")  # (codes, not ten million strings compared)
    chronic = np.isin(vtype_code, np.flatnonzero(np.asarray(vtypes, dtype=object) == "chronic"))
    diagnosis_code, diagnosis_names = _diagnosis_families(*graph.claim_codes("diagnosis"))

    at = graph.person_rows()
    wanted = [c for c in ("death_date", "phone", "address", "birth_date", "birth_year", "region") if c in data.persons]
    persons = data.persons[wanted]
    if len(at) != len(persons) or not np.array_equal(at, np.arange(len(at))):  # (a persons table sorted by id is)
        persons = persons.iloc[at]
    persons = persons.reset_index(drop=True)  # every person code comes from persons
    # A claim is after death when its day is later than the death date: a claim on the day itself
    # may be genuine (the same rule as graphfraud.analyses.peers).
    death = persons["death_date"].to_numpy().astype("datetime64[D]")
    pcode = t["person"].to_numpy()[focus]
    patient = _patient_codes(graph, focus)
    start = claims["start_time"].to_numpy()[focus].astype("datetime64[D]")
    after_death = np.zeros(len(claims), dtype=bool)
    after_death[focus] = died_before(start, _at(death, pcode), _at(death, patient))

    lines = _focus_items(data.claim_items, claims, focus, data.link("claim_items", "claim_id"))  # found once
    phone_codes, phones = codes_and_values(persons["phone"])
    addr_codes = text_codes(persons["address"])[0].astype(np.int64)
    birth = persons["birth_date"].to_numpy().astype("datetime64[D]")
    first = claims["start_time"].min()
    origin = np.datetime64(first.date(), "D") if pd.notna(first) else EPOCH.astype("datetime64[D]")
    age = np.where(np.isnat(birth), np.nan, (origin - birth).astype("timedelta64[D]").astype(float) / 365.25)
    if "birth_year" in persons.columns:
        by = persons["birth_year"].to_numpy(dtype=float, na_value=np.nan)
        age = np.where(np.isnan(age), origin.astype(object).year - by, age)

    venues = (
        pd.concat(
            [
                data.facilities[["facility_id", "region", "ownership"]].rename(columns={"facility_id": "id"}),
                data.pharmacies[["pharmacy_id", "region"]]
                .rename(columns={"pharmacy_id": "id"})
                .assign(ownership="private"),
            ]
        )
        .drop_duplicates("id")
        .set_index("id")
        .reindex(v.venues.ids)
    )
    stake = insurance_money(claims)
    person_region, venue_region = _known(persons["region"]), _known(venues["region"])
    return ClaimFacts(
        graph=graph,
        hour=hour,
        chronic=chronic,
        diagnosis=diagnosis_code,
        diagnosis_names=diagnosis_names,
        dup_trace=dup_trace_claims(data.claim_items, claims, focus, lines, data.link("claim_items", "claim_id")),
        after_death=after_death,
        split=split_admissions(
            t["person"].to_numpy(),
            t["venue"].to_numpy(),
            t["day"].to_numpy(),
            t["end_day"].to_numpy(),
            stay=t["inpatient"].to_numpy(),
            days=signals.split_days,
        ),
        high_value=_high_value(claims, lines, signals.high_value_price),
        high_goods=_high_goods(lines, signals.high_value_price),
        total=claims["total_amount"].to_numpy(dtype=float),
        stake=stake,
        person_region=person_region,
        person_phone=phone_codes,
        person_address=addr_codes,
        person_age=age,
        venue_region=venue_region,
        venue_private=(venues["ownership"] == "private").to_numpy(dtype=bool, na_value=False),
        venue_public=_public(venues["ownership"]),
        venue_online=online_venues(data.facilities, v.venues.ids),
        venue_clock=_clock_online(data.facilities, v.venues.ids, t, hour) if signals.online_by_clock else None,
        **_catchment(t, person_region, venue_region),
        venue_is_pharmacy=row_positions(pd.Series(v.venues.arrow), data.pharmacies["pharmacy_id"]) >= 0,
        venue_claims=np.bincount(t["venue"].to_numpy()[t["venue"].to_numpy() >= 0], minlength=len(v.venues)),
        venue_inpatients=_venue_inpatients(t, len(v.venues)),
        **_cells(graph.claim_codes("visit_type")[0], diagnosis_code, t),
        phones=np.asarray(phones, dtype=object),
        phone_index=_by_code(phone_codes),
        signals=signals,
        venue_primary=primary_venues(data.facilities, v.venues.ids),
        venue_inferred_kind=inferred_kinds(graph),
        **_family_purchases(
            t["kind"].to_numpy() == 1,
            diagnosis_code,
            stake,
            t["fund"].to_numpy(),
            t["person"].to_numpy(),
            t["venue"].to_numpy(),
        ),  # fmt: skip
    )


#: A person's purchases of one diagnosis family at one pharmacy are refills when there are at least this many (the
#: refill cohort's own floor: each member on 4 days or more, ``_refills`` ``min_days``).
REFILL_PURCHASES = 4


def _family_purchases(purchase: np.ndarray, diagnosis: np.ndarray, stake: np.ndarray | None, fund: np.ndarray,
                      person: np.ndarray, venue: np.ndarray) -> dict[str, np.ndarray]:  # fmt: skip
    """Pharmacy purchases and their insurance money per diagnosis family (index family + 1, 0 for none), all of
    them and the refills only (a person's purchases of the family at one pharmacy, :data:`REFILL_PURCHASES` or
    more of them).

    >>> got = _family_purchases(np.ones(6, bool), np.array([0, 0, 0, 0, 0, 1]), None,
    ...                         np.array([90.0, 90, 90, 90, 20, 50]), np.array([1, 1, 1, 1, 2, 3]), np.zeros(6, int))
    >>> got["family_purchases"].tolist(), got["refill_purchases"].tolist(), got["refill_money"].tolist()
    ([0.0, 5.0, 1.0], [0.0, 4.0, 0.0], [0.0, 360.0, 0.0])
    """
    money = (stake if stake is not None else fund)[purchase]
    family = diagnosis[purchase] + 1
    n = int(diagnosis.max(initial=-1)) + 2
    key = (person[purchase].astype(np.int64) * (int(venue.max(initial=0)) + 1) + venue[purchase]) * n + family
    group = pd.factorize(key)[0]  # the purchases' (person, venue, family) groups by one hash pass, no sort
    refill = np.bincount(group)[group] >= REFILL_PURCHASES
    flag = np.zeros(len(purchase), dtype=bool)
    flag[np.flatnonzero(purchase)[refill]] = True
    return {"family_purchases": np.bincount(family, minlength=n).astype(float),
            "family_money": np.bincount(family, weights=money, minlength=n),
            "refill_purchases": np.bincount(family[refill], minlength=n).astype(float),
            "refill_money": np.bincount(family[refill], weights=money[refill], minlength=n),
            "refill_purchase": flag}  # fmt: skip


#: What a facility's registered name holds when it is an internet hospital: the 互联网医院管理办法（试行） (2018) has every
#: one registered as such (a hospital's second name "XX医院互联网医院", or a platform's "XX互联网医院").
ONLINE_NAMES = ("互联网医院",)


def online_venues(facilities: pd.DataFrame, ids: Any) -> np.ndarray:
    """Per venue code (``ids``), whether it is a facility whose name says it is an internet hospital (:data:`ONLINE_NAMES`).

    All False when the export has no facility names.

    >>> online_venues(pd.DataFrame({"facility_id": ["H1", "H2"], "name": ["第六人民医院互联网医院", "第六人民医院"]}),
    ...               ["H2", "P1", "H1"]).tolist()
    [False, False, True]
    """
    ids = pd.Index(pd.Series(ids, dtype=object).astype(str))
    if "name" not in facilities.columns or not len(facilities):
        return np.zeros(len(ids), dtype=bool)
    names = facilities["name"].astype("string").fillna("")
    online = names.str.contains("|".join(ONLINE_NAMES), regex=True).to_numpy(dtype=bool, na_value=False)
    known = pd.Series(online, index=facilities["facility_id"].astype(str).to_numpy())
    known = known[~known.index.duplicated()]
    return known.reindex(ids).fillna(False).to_numpy(dtype=bool)


def _clock_online(facilities: pd.DataFrame, ids: Any, t: pd.DataFrame, hour: np.ndarray) -> np.ndarray:
    """Step 87: per venue code, a facility with no registered name (the column absent or empty) whose claims show an
    internet hospital (:func:`clock_venues`).  A named facility is what its name says (:func:`online_venues`)."""
    ids = pd.Index(pd.Series(ids, dtype=object).astype(str))
    named = pd.Series(False, index=ids)
    if "name" in facilities.columns and len(facilities):
        has = facilities["name"].astype("string").fillna("").str.strip().ne("").to_numpy(dtype=bool)
        known = pd.Series(has, index=facilities["facility_id"].astype(str).to_numpy())
        named = known[~known.index.duplicated()].reindex(ids).fillna(False)
    facility = pd.Series(ids).isin(facilities["facility_id"].astype(str)).to_numpy()
    clock = clock_venues(t["venue"].to_numpy(), hour, t["inpatient"].to_numpy(dtype=bool), len(ids))
    return clock & facility & ~named.to_numpy(dtype=bool)


def _public(ownership: pd.Series) -> np.ndarray:
    """1.0 public, 0.0 private (pharmacies), NaN unknown, per venue code."""
    out = np.full(len(ownership), np.nan)
    out[(ownership == "public").to_numpy(dtype=bool, na_value=False)] = 1.0
    out[(ownership == "private").to_numpy(dtype=bool, na_value=False)] = 0.0
    return out


def _known(values: pd.Series) -> np.ndarray:
    """Region codes as strings, ``""`` where unknown."""
    return values.fillna("").astype(str).to_numpy(dtype=object)


def _catchment(t: pd.DataFrame, person_region: np.ndarray, venue_region: np.ndarray) -> dict[str, np.ndarray]:
    """Per venue: claims with both regions known, and of them those by persons insured elsewhere (regions per
    person and per venue code, ``""`` unknown).

    A city hospital's dialysis unit draws patients from every district: a
    group's out-of-region share means something only against its venue's.
    Counted from one table of claims per (venue, person's region): a venue's
    region is one, so its claims from persons of its own region (or city) are
    a cell (or the cells of the city's regions) of its row.

    >>> t = pd.DataFrame({"person": [0, 1, 2, 2, -1], "venue": [0, 0, 0, 1, 1]})
    >>> out = _catchment(t, np.array(["350206", "350211", ""], dtype=object), np.array(["350206", "350100"], dtype=object))
    >>> [out[k].tolist() for k in ("venue_region_claims", "venue_outside_claims", "venue_outside_city_claims")]
    [[2, 0], [1, 0], [0, 0]]
    """
    pr, vr = person_region, venue_region  # region codes, "" unknown (_known)
    person, venue = t["person"].to_numpy(), t["venue"].to_numpy()
    ok = (person >= 0) & (venue >= 0)
    if not ok.all():
        person, venue = person[ok], venue[ok]
    del ok
    # Region codes as ints shared by persons and venues (a few hundred codes; no string per claim).
    code, regions = pd.factorize(np.concatenate([pr, vr]), use_na_sentinel=False)
    regions = np.asarray(regions, dtype=object)
    n, width = len(vr), len(regions)
    if n * width > 2**24:  # pragma: no cover - tens of thousands of regions: count claim by claim
        return _catchment_by_claim(person, venue, code[: len(pr)], code[len(pr) :], regions)
    p, v = code[: len(pr)].astype(np.int64), code[len(pr) :].astype(np.int64)
    cells = np.bincount(venue.astype(np.int64) * width + p[person], minlength=n * width).reshape(n, width)
    known = regions != ""
    claims = np.where(known[v], cells[:, known].sum(axis=1), 0)  # both regions known
    home = cells[np.arange(n), v]
    city_code = pd.factorize(city(regions), use_na_sentinel=False)[0]
    same_city = np.zeros((n, int(city_code.max(initial=-1)) + 1), dtype=np.int64)  # venue x city: claims
    np.add.at(same_city.T, city_code[known], cells[:, known].T)
    return {
        "venue_region_claims": claims,
        "venue_outside_claims": claims - np.where(known[v], home, 0),
        "venue_outside_city_claims": claims - np.where(known[v], same_city[np.arange(n), city_code[v]], 0),
    }


def _catchment_by_claim(person: np.ndarray, venue: np.ndarray, p: np.ndarray, v: np.ndarray,
                        regions: np.ndarray) -> dict[str, np.ndarray]:  # fmt: skip
    """:func:`_catchment` claim by claim (``p``, ``v``: region codes of persons and venues), for many regions."""
    blank = regions == ""
    city_code = pd.factorize(city(regions), use_na_sentinel=False)[0].astype(np.int32)
    p, v = p.astype(np.int32), v.astype(np.int32)
    known = (~blank[p])[person] & (~blank[v])[venue]
    outside = known & (p[person] != v[venue])
    outside_city = known & (city_code[p][person] != city_code[v][venue])
    n = len(v)
    return {
        "venue_region_claims": np.bincount(venue[known], minlength=n),
        "venue_outside_claims": np.bincount(venue[outside], minlength=n),
        "venue_outside_city_claims": np.bincount(venue[outside_city], minlength=n),
    }


def _cells(vtype: np.ndarray, diagnosis: np.ndarray, t: pd.DataFrame) -> dict[str, np.ndarray]:
    """Cost cells: (visit type, diagnosis family) per claim, with claims and fund per cell and per venue.

    Cells are dense codes ``visit type x (diagnosis family + 1)``, so every
    count is a sum into a slot per cell: no sorting or hashing of millions of
    rows.  The cells and their (cell, venue) keys are made, and all three counted, a slice
    of :data:`ROWS_AT_ONCE` claims at a time (:func:`_count_into`): whole int64
    columns of them were scoring's peak at ten million claims (0.25 GB over the
    facts kept).
    """
    fund = t["fund"].to_numpy()
    n_diag = int(diagnosis.max()) + 2 if len(diagnosis) else 1
    n_vtype = int(vtype.max()) + 1 if len(vtype) else 1
    n_cells = n_vtype * n_diag
    venue = t["venue"].to_numpy()
    n_venues = int(venue.max()) + 2 if len(venue) else 1
    cell = np.empty(len(vtype), dtype=np.int32 if n_cells + n_diag < 2**31 else np.int64)  # as narrow() keeps it
    venue_claims = np.zeros(n_cells * n_venues, dtype=np.intp)
    venue_fund = np.zeros(n_cells * n_venues)
    cell_claims, cell_fund = np.zeros(n_cells, dtype=np.intp), np.zeros(n_cells)
    vtype_claims, vtype_fund = np.zeros(n_vtype, dtype=np.intp), np.zeros(n_vtype)
    cell_sq, vtype_sq = np.zeros(n_cells), np.zeros(n_vtype)
    for at in range(0, len(cell), ROWS_AT_ONCE):
        rows = slice(at, at + ROWS_AT_ONCE)
        piece = vtype[rows].astype(np.int64) * n_diag + diagnosis[rows] + 1
        cell[rows] = piece
        _count_into(vtype_claims, vtype_fund, vtype[rows], fund[rows])
        _count_into(cell_claims, cell_fund, piece, fund[rows])
        square = np.square(fund[rows])  # a spread, not a sum shown: a bincount per slice, summed (equal to rounding)
        vtype_sq += np.bincount(vtype[rows], weights=square, minlength=n_vtype)
        cell_sq += np.bincount(piece, weights=square, minlength=n_cells)
        del square
        piece *= n_venues
        piece += venue[rows]
        piece += 1
        _count_into(venue_claims, venue_fund, piece, fund[rows])
    return {
        "cell_venue_claims": venue_claims.reshape(n_cells, n_venues),
        "cell_venue_fund": venue_fund.reshape(n_cells, n_venues),
        "cell": cell,
        "cell_claims": cell_claims.astype(float),
        "cell_fund": cell_fund,
        "vtype": narrow(vtype),
        "vtype_claims": vtype_claims.astype(float),
        "vtype_fund": vtype_fund,
        "cell_fund_sq": cell_sq,
        "vtype_fund_sq": vtype_sq,
    }


#: Claims counted a slice at a time where whole-table keys would be scoring's peak (:func:`_cells`).
ROWS_AT_ONCE = 1 << 20


def _count_into(counts: np.ndarray, sums: np.ndarray, keys: np.ndarray, weights: np.ndarray) -> None:
    """Add one to ``counts`` and ``weights`` to ``sums`` at each of ``keys``, in row order: over successive slices
    the same numbers as ``np.bincount`` of the whole column (each slot's sum taken in the same order).

    >>> counts, sums = np.zeros(3, dtype=np.intp), np.zeros(3)
    >>> _count_into(counts, sums, np.array([2, 0, 2]), np.array([0.1, 5.0, 0.2]))
    >>> _count_into(counts, sums, np.array([2]), np.array([0.3]))
    >>> counts.tolist(), sums.tolist() == np.bincount([2, 0, 2, 2], weights=[0.1, 5.0, 0.2, 0.3]).tolist()
    ([1, 0, 3], True)
    """
    np.add.at(counts, keys, 1)
    np.add.at(sums, keys, weights)


def _diagnosis_families(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per claim the code of its diagnosis family (first 3 characters; -1 when missing), int32, codes in name
    order; and the family names by code, with ``""`` last (for code -1).

    Each distinct diagnosis is cut to its family once, not every claim's.

    >>> from graphfraud.io.arrow import text_codes
    >>> [x.tolist() for x in _diagnosis_families(*text_codes(pd.Series(["J06.9", None, "E11.2", "J06.0"])))]
    [[1, -1, 0, 1], ['E11', 'J06', '']]
    """
    families = np.asarray([value[:3] for value in values], dtype=object)  # utf8_slice_codeunits(.., 0, 3)
    names = sorted(set(families.tolist()))
    rank = {name: i for i, name in enumerate(names)}
    family = np.asarray([rank[f] for f in families] + [-1], dtype=np.int32)  # code -1 takes the last slot
    return family[codes], np.asarray(names + [""], dtype=object)


def _patient_codes(graph: ClaimGraph, rows: np.ndarray) -> np.ndarray:
    """Person code of the patient of claims ``rows`` (``-1`` none), as :func:`~graphfraud.graph.build.patient_codes`.

    Through the claims' links to the persons table and the inverse of
    :meth:`~graphfraud.graph.build.ClaimGraph.person_rows` (person ids are a
    key): no person id is hashed again.

    >>> from graphfraud.graph.build import build_graph, patient_codes
    >>> from graphfraud.synth import toy
    >>> g = build_graph(toy.staged_clinic()[0])
    >>> rows = np.arange(len(g.data.claims))
    >>> bool((_patient_codes(g, rows) == patient_codes(g.data, g.visits.persons, rows)).all())
    True
    """
    return graph.patient_codes(rows)


def _at(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``values[codes]`` with NaT where a code is -1."""
    out = np.full(len(codes), np.datetime64("NaT"), dtype=values.dtype)
    ok = codes >= 0
    out[ok] = values[codes[ok]]
    return out


def _by_code(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``codes`` ascending and the position of each, ascending within a code (a stable sort).

    >>> [x.tolist() for x in _by_code(np.array([2, -1, 0, 2]))]
    [[-1, 0, 2, 2], [1, 2, 0, 3]]
    """
    order = np.argsort(codes, kind="stable")
    return codes[order], order


def bound_to(phone: int, facts: ClaimFacts) -> np.ndarray:
    """The codes of the persons bound to ``phone`` (a phone code), ascending.

    >>> from types import SimpleNamespace
    >>> codes = np.array([2, -1, 0, 2])
    >>> bound_to(2, SimpleNamespace(person_phone=codes, phone_index=_by_code(codes))).tolist()
    [0, 3]
    """
    if facts.phone_index is None:
        return np.flatnonzero(facts.person_phone == phone)
    phones, persons = facts.phone_index
    return persons[np.searchsorted(phones, phone, side="left") : np.searchsorted(phones, phone, side="right")]


def codes_and_values(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes (``-1`` missing) and the value of each code, hashed in Arrow."""
    encoded = pc.dictionary_encode(to_arrow(values))
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, np.asarray(encoded.dictionary.to_pylist(), dtype=object)


#: The fee-line columns the claim facts read.
_ITEM_COLUMNS = ["claim_id", "trace_code", "unit_price", "amount", "category"]


def _focus_items(
    items: pd.DataFrame, claims: pd.DataFrame, focus: np.ndarray, item_rows: np.ndarray | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Fee lines of the focus claims and the claim row of each line.

    ``item_rows`` is each line's claim row when known (``ClaimsData.link``):
    then no claim id is hashed.
    """
    if item_rows is not None:
        in_focus = np.zeros(len(claims) + 1, dtype=bool)
        in_focus[focus] = True
        keep = in_focus[item_rows]  # row -1 lands on the extra False slot
        return items.loc[keep, _ITEM_COLUMNS[1:]], item_rows[keep].astype(np.int64)  # claim rows, not ids
    ids = claims["claim_id"].iloc[focus]
    mine = items.loc[isin_values(items["claim_id"], ids), _ITEM_COLUMNS]
    return mine, focus[row_positions(mine["claim_id"], ids)]


def dup_trace_claims(
    items: pd.DataFrame,
    claims: pd.DataFrame,
    focus: np.ndarray,
    lines: tuple[pd.DataFrame, np.ndarray] | None = None,
    item_rows: np.ndarray | None = None,
) -> np.ndarray:
    """Flag the ``focus`` claims holding a drug trace code that also appears in another claim.

    One box's traceability code (药品追溯码) sold in two claims marks a
    resold drug (回流药).  Only the trace codes of the focus claims are looked
    up in all fee lines (Arrow hash joins whose lookup side is small), cheap
    even for tens of millions of lines.  ``lines`` is :func:`_focus_items` when
    the caller has it already; ``item_rows`` (each line's claim row, from
    ``ClaimsData.link``) spares hashing the lines' claim ids.
    """
    flag = np.zeros(len(claims), dtype=bool)
    if not len(focus) or items.empty:
        return flag
    mine, rows = lines if lines is not None else _focus_items(items, claims, focus, item_rows)
    codes = mine["trace_code"].dropna()
    if codes.empty:
        return flag
    hit = isin(items["trace_code"], codes)  # chunk by chunk: the codes are not copied into one array
    claim = item_rows[hit].astype(np.int64) if item_rows is not None else dense_codes(items["claim_id"][hit])
    trace = dense_codes(items["trace_code"][hit])
    pair = distinct(trace * (int(claim.max()) + 1) + claim)  # one row per (trace code, claim); small
    trace_of = pair // (int(claim.max()) + 1)
    dup_traces = distinct(trace_of[np.bincount(trace_of)[trace_of] > 1])
    dup_lines = np.isin(trace, dup_traces)
    if item_rows is not None:
        resold = np.isin(rows, claim[dup_lines])
    else:
        resold = isin_values(mine["claim_id"], items["claim_id"][hit][dup_lines])
    flag[rows[resold]] = True
    return flag


#: Fee-line categories (``claim_items.category``) that are goods a card keeper can resell: drugs, herbal pieces (中药饮片)
#: and consumables (test strips, dressings).  An examination, a lab test, a treatment, nursing or a bed is a service
#: done to the patient: nothing is left to sell.  A line of unknown category counts as goods.
GOODS_CATEGORIES = ("drug", "herbal", "consumable")


def _high_value(claims: pd.DataFrame, lines: tuple[pd.DataFrame, np.ndarray], price: float) -> ClaimAmounts:
    """Amount (yuan) of each focus claim's high-value items (:func:`~graphfraud.score.claim_flags.high_value_lines`,
    priced >= ``price`` yuan; 0 elsewhere); ``lines`` from :func:`_focus_items`.  Kept for the claims with such a
    line, each claim's lines added in their order from 0 (as ``np.bincount`` adds a dense per-claim sum: equal
    bits)."""
    mine, rows = lines
    hv = high_value_lines(mine["unit_price"].to_numpy(dtype=float, na_value=np.nan), price=price)
    held = distinct(rows[hv]).astype(np.int64)
    at = np.searchsorted(held, rows[hv])
    return ClaimAmounts(held, np.bincount(at, weights=mine["amount"].to_numpy(dtype=float)[hv], minlength=len(held)),
                        len(claims))  # fmt: skip


def _goods_lines(mine: pd.DataFrame, hv: np.ndarray) -> np.ndarray:
    """Which of the fee lines ``mine`` (dear or not, flags ``hv``) are dear goods: :data:`GOODS_CATEGORIES` or an
    unknown category (every dear line when the export has no category column)."""
    if "category" not in mine.columns:
        return hv
    category = mine["category"]
    if isinstance(category.dtype, pd.CategoricalDtype):  # detect's read (pipeline.CODED_COLUMNS): per category once
        names = pd.Series(category.cat.categories, dtype="string").str.strip().str.lower()
        goods = np.append((names.isin(GOODS_CATEGORIES) | names.isna()).to_numpy(dtype=bool), True)  # code -1: NA
        return hv & goods[category.cat.codes.to_numpy()]
    text = category.astype("string").str.strip().str.lower()
    return hv & (text.isin(GOODS_CATEGORIES) | text.isna()).to_numpy(dtype=bool)


def _high_goods(lines: tuple[pd.DataFrame, np.ndarray], price: float) -> tuple[np.ndarray, np.ndarray]:
    """:attr:`ClaimFacts.high_goods`: the claims with a dear line that is not goods (ascending rows) and the amount
    of their dear goods lines, each claim's lines added in their order from 0 (as ``np.bincount`` adds a dense
    per-claim sum: equal bits).  Every other claim's dear goods are all its dear lines, whose
    amount is its ``high_value`` (the same lines, the same order).

    >>> mine = pd.DataFrame({"unit_price": [300.0, 300, 300, 5], "amount": [300.0, 600, 0.1, 5],
    ...                      "category": ["drug", "exam", "consumable", "exam"]})
    >>> rows, amounts = _high_goods((mine, np.array([0, 1, 1, 2])), 200.0)
    >>> rows.tolist(), amounts.tolist()
    ([1], [0.1])
    """
    mine, rows = lines
    hv = high_value_lines(mine["unit_price"].to_numpy(dtype=float, na_value=np.nan), price=price)
    goods = _goods_lines(mine, hv)
    apart = distinct(rows[hv & ~goods])  # claims with a dear service line: their goods amount may differ
    if not len(apart):
        return apart.astype(np.int64), np.zeros(0)
    at = np.searchsorted(apart, rows)
    held = goods & (at < len(apart))
    held[held] = apart[at[held]] == rows[held]
    amount = mine["amount"].to_numpy(dtype=float)
    return apart.astype(np.int64), np.bincount(at[held], weights=amount[held], minlength=len(apart))


def dear_goods(facts: ClaimFacts, rows: np.ndarray) -> np.ndarray:
    """Each claim of ``rows``' amount of dear goods (yuan): its ``high_value`` but where
    :attr:`ClaimFacts.high_goods` holds its own amount (``rows`` in any order; the values as a dense per-claim
    array indexed by ``rows`` would give them)."""
    out = facts.high_value[rows]
    if facts.high_goods is None or not len(facts.high_goods[0]):
        return out
    apart, amounts = facts.high_goods
    at = np.minimum(np.searchsorted(apart, rows), len(apart) - 1)
    hit = apart[at] == rows
    out[hit] = amounts[at[hit]]
    return out


@dataclass(frozen=True)
class Features:
    """The measurements of one candidate.  Shares are 0..1, money in yuan, gaps in minutes."""

    persons: int
    claims: int
    fund: float
    venue: int  # main venue code
    venue_share: float  # share of the candidate's claims at the main venue
    pharmacy_share: float  # share of claims that are pharmacy purchases
    inpatient_share: float
    chronic_share: float
    top_diagnosis: str
    top_diagnosis_share: float
    event_days: int  # distinct days with ring claims at the main venue
    regulars: int  # persons present on >= 4 of those days
    cycle_days: float  # median gap between ring days, days (NaN if < 3 days)
    cycle_regularity: float  # share of gaps within 1 day of the median gap
    median_arrival_gap: (
        float  # median minutes between consecutive member arrivals on ring days (NaN for day data; timed claims only)
    )
    off_hours_share: float  # NaN for day data; over timed claims only (NaN if none)
    dominance: float  # the candidate's claims as a share of all claims at the main venue
    cost_ratio: float  # fund per claim vs. other claims of the same visit type and diagnosis family
    venue_fund_per_claim: float  # expected fund per claim from those peer claims
    peer_venue_ratio: float  # main-venue fund per claim of the main cell vs. other venues' (NaN: < MIN_PEERS there)
    ring_fund_per_claim: float
    out_of_region: int  # persons insured outside the main venue's region (both regions known)
    catchment_outside: (
        float  # share of the main venue's other claims by persons insured outside its region (NaN unknown)
    )
    out_of_city: int  # persons insured outside the main venue's city (first 4 digits of a 6-digit area code)
    catchment_outside_city: float  # share of the main venue's other claims by persons insured outside its city
    sessions: int  # ring days at the main venue that hold the group's sessions (see _sessions)
    attendance: float  # median share of the sessions that each member was at
    weekday_share: float  # share of the sessions that fall on the 3 commonest weekdays
    public_venue: float  # main venue: 1.0 public, 0.0 private or a pharmacy, NaN ownership unknown
    phone_hub_persons: int  # persons in the largest phone group spanning >= 3 addresses
    phone_hub: int  # that phone's code (-1 if none)
    phone_hub_addresses: int  # distinct addresses of those persons
    top_address_persons: int  # persons sharing the most common address
    addresses: int  # distinct known addresses
    median_age: float
    dup_trace_claims: int
    after_death_claims: int
    split_admissions: int
    high_value_share: float  # share of the total amount on items priced >= signals.high_value_price
    private_venue: bool
    # The group's fund above those peers' in standard errors of as many peer claims (NaN: not measured):
    cost_chance: float = math.nan
    dear_goods_share: float = math.nan  # the same for goods only (GOODS_CATEGORIES); NaN: not measured
    stake: float = 0.0  # insurance money on the candidate's claims: the fund's and the personal accounts' (yuan)
    # Where the fund paid under half of that money (ACCOUNT_PAID): cost_ratio and cost_chance on the insurance money
    # (:func:`money_contrast`); NaN otherwise (the fund's are the measure)
    money_cost: float = math.nan
    money_chance: float = math.nan
    # Each member's own timetable at the main venue (members on >= 4 days; medians over them):
    member_weekly: float = (
        0.0  # visits a week over the member's own span of days at the main venue (all their visits there)
    )
    member_timetable: float = 0.0  # share of the member's days on their k commonest weekdays, k = visits a week
    member_weeks: float = 0.0  # weeks from the member's first to last day
    member_course_weeks: float = 0.0  # calendar weeks (Mon-Sun) from the member's first to last day, both counted
    member_regularity: float = 0.0  # share of the member's gaps between visits within 1 day of their median gap
    # Scheduled primary care (graphfraud.score.primary), measured only at a primary-care venue:
    primary_venue: bool = False  # the main venue is a primary-care facility (clinic, community; or level 0/1)
    inferred_kind: str = ""  # the main venue's kind as step 100 inferred it from its claims ("": recorded or unknown)
    own_cost_ratio: float = math.nan  # fund per claim at the main venue vs. the venue's other claims
    local_share: float = math.nan  # share of members who also came to the main venue outside the group's claims
    # Step 115: the same fund per claim at the main venue against the venue's other claims, at any facility (NaN at a
    # pharmacy, or with fewer than MIN_OWN_CLAIMS other claims there): what the venue's own patients' care costs
    venue_cost_ratio: float = math.nan
    # Step 120: where none of the group's claims at the main facility carries a diagnosis, their fund per claim against
    # the facility's own other claims of the same visit type (its ``(visit type, no diagnosis)`` cell there): without a
    # diagnosis the city-wide cell of ``cost_ratio`` pools a clinic's 30-yuan visits with a 3A hospital's; NaN when
    # not measured (a diagnosis given, a pharmacy, or fewer than MIN_OWN_CLAIMS such other claims there)
    venue_type_cost: float = math.nan
    venue_type_ring: float = math.nan  # the group's fund per claim there, yuan (NaN: not measured)
    venue_type_peers: float = math.nan  # the facility's other claims' of the same cells, yuan (NaN: not measured)
    # Refills (graphfraud.score.reasons.refill_cohort), measured only when the main venue is a pharmacy, over each
    # member's own purchases there (members on >= 4 days; medians over them):
    member_period: float = math.nan  # days between a member's purchases (their median gap)
    member_steady: float = 0.0  # share of a member's gaps within REFILL_STEADY of their own median gap
    member_family: float = math.nan  # share of a member's purchases there of their commonest diagnosis family
    refill_cost: float = math.nan  # the group's insurance money per purchase there vs other purchases of the family
    # Parties (households who each come together, graphfraud.score.reasons.households), timed claims at the main venue
    # only: members who arrived in one burst (PARTY_GAP minutes between consecutive arrivals) are one party.
    parties: int = 0  # parties (connected by arriving together); 0 without timed claims
    party_members: int = 0  # members in a party: those with timed claims at the main venue
    party_largest: int = 0  # persons of the largest party
    party_smallest: int = 0  # persons of the smallest party
    party_addresses: int = 0  # most distinct known addresses in one party
    party_together: float = math.nan  # share of members' arrivals with another member in the same burst
    party_largest_home: int = 0  # persons of the largest party at its commonest known address
    top_phone_persons: int = 0  # persons whose card is bound to the members' commonest phone
    session_cycle: float = math.nan  # median gap between sessions, days (NaN if < 3 sessions)
    session_regularity: float = 0.0  # share of gaps between sessions within 1 day of session_cycle
    monthday_share: float = 0.0  # share of sessions within 1 day of their commonest date of the month (step 118)
    # The group's days wherever it met (lockstep, :func:`_met_elsewhere`): its days at the main venue and its days at
    # other venues where at least MET_ELSEWHERE members were billed together; equal to regulars and event_days when
    # it met nowhere else (0: not measured, as a Features made by hand)
    group_regulars: int = 0  # persons present on >= 4 of those days
    group_days: int = 0  # those days
    group_venues: int = 0  # the venues they were at (1: the main venue only)
    # Of the group's inpatient stays with a known discharge, the share discharged on their admission day (a day
    # ward's stays: 日间病房, chemotherapy or transfusion); NaN: no such stay (or a Features made by hand)
    day_stays: float = math.nan
    online_venue: bool = False  # the main venue is an internet hospital (ClaimFacts.venue_online; False: unknown)
    clock_venue: bool = False  # the main venue is unnamed and open around the clock, admitting nobody (step 87)
    # variance over mean of the group's claims a day at the main venue, over its days from first to last claim there:
    # about 1 when members come on days of their own, far above when they come together (NaN: not measured)
    day_dispersion: float = math.nan
    # Step 104: the group's rounds at the main venue (:func:`_rounds`), measured only when the members' median age
    # is HOME_AGE or more (0 / NaN: not measured): a round is its days with ROUND_PRESENT of its members or more,
    # each within ROUND_SPAN days of the one before
    rounds: int = 0
    round_cycle: float = math.nan  # median days between the rounds' first days
    round_monthly: float = 0.0  # share of those gaps a month apart (MONTH_DAYS, within MONTH_SLACK days)
    round_coverage: float = 0.0  # median over the rounds of the share of the members seen on the round
    # Step 111: the group's visits as a route of home visits (:func:`_route`), measured only when the members' median
    # age is ROUTE_AGE or more and each keeps a weekday of their own (0 / NaN: not measured)
    member_staff: float = 0.0  # median over members (>= 4 days there) of the share of their visits by their own staff
    route_visits: float = math.nan  # members one staff member saw in a day there (ROUTE_QUANTILE of the staff-days)
    venue_route_visits: float = math.nan  # the same over all the main venue's claims: persons a staff member saw a day
    venue_planned: float = 0.0  # share of the main venue's claims by patients on weekdays of their own (_venue_route)
    venue_weekday: float = math.nan  # share of the main venue's claims on its commonest weekday
    # Step 123: the group's outpatient claims at the main venue as follow-ups after stays of the members' own there
    # (:func:`aftercare`; 0: not measured: no outpatient claim there, a pharmacy, or a Features made by hand)
    aftercare_members: int = 0  # members with an outpatient claim of the group at the main venue
    aftercare_discharged: int = 0  # of them, discharged from a stay there (of the same diagnosis family where both
    # are known) on or before their first such claim
    aftercare_same_diagnosis: int = 0  # of those, the stay's and the first follow-up's diagnosis both known (equal)
    # Step 132: high_value_share over the claims of the members bound to the phone hub alone (what that phone's cards
    # are used for, :func:`graphfraud.score.reasons.helper_phone`); NaN: no phone hub (or a Features made by hand)
    phone_hub_dear: float = math.nan
    # Step 135: the group's stays at the main venue as a hospital's caseload (:func:`_caseload`; NaN: no stay there,
    # no doctor on them, or a Features made by hand): the effective number of doctors who admitted them (the inverse
    # of the sum of each doctor's squared share of the stays: 1 for one doctor, n for n doctors sharing them alike) ...
    stay_doctors: float = math.nan
    # ... and the members with a stay there as a share of the venue's inpatients (persons)
    venue_inpatient_share: float = math.nan


def features(c: Candidate, facts: ClaimFacts) -> Features:
    """Measure one candidate."""
    t = facts.graph.visits
    rows = c.claims
    venue = t.column("venue")[rows]
    fund = t.column("fund")[rows]
    main = int(np.bincount(venue).argmax())
    at_main = venue == main
    day = t.column("day")[rows]
    person = t.column("person")[rows]
    days_there = _attendance_of(c, person, venue, day, main, facts)
    visitors, visits = np.unique(person[at_main], return_counts=True)  # claims at the main venue per person
    kind = t.column("kind")[rows]
    inpatient = t.column("inpatient")[rows]
    cost_ratio, venue_fpc, ring_fpc, cost_chance = cost_contrast(rows, facts)
    money_cost, money_chance = _money_cost(rows, float(fund.sum()), facts)
    hub, hub_n, hub_addresses = _phone_hub(c.persons, facts)
    addr = facts.person_address[c.persons]
    addr = addr[addr >= 0]
    homes, home_n = np.unique(addr, return_counts=True)  # (a bincount would span every address code of the run)
    top_addr = int(home_n.max()) if len(addr) else 0
    phone = facts.person_phone[c.persons]
    phone = phone[phone >= 0]
    diag = facts.diagnosis[rows]
    diag = diag[diag >= 0]
    counts = np.bincount(diag) if len(diag) else np.zeros(0, dtype=np.int64)
    top_name = str(facts.diagnosis_names[int(counts.argmax())]) if len(diag) else ""
    primary = _primary(c, rows[at_main], main, facts)
    minute_data = not facts.graph.day_resolution
    hours = facts.hour[rows]
    timed = hours >= 0  # all of them unless some venues export dates only
    hours = hours[timed]
    minute_data = minute_data and bool(len(hours))
    total_fund = float(fund.sum())
    age = _median_age(facts.person_age[c.persons])
    timetable = _timetable_of(c, main, facts)
    # step 111: a route of home visits is measured on the old, each on a weekday of their own
    on_own_day = age >= ROUTE_AGE and timetable["member_timetable"] >= ROUTE_WEEKDAYS
    return Features(
        persons=int(len(c.persons)),
        claims=int(len(rows)),
        fund=round(total_fund, 2),
        stake=round(float(facts.stake[rows].sum()), 2) if facts.stake is not None else round(total_fund, 2),
        money_cost=money_cost,
        money_chance=money_chance,
        venue=main,
        venue_share=float(at_main.mean()),
        pharmacy_share=float((kind == 1).mean()),
        inpatient_share=float(inpatient.mean()),
        chronic_share=float(facts.chronic[rows].mean()),
        top_diagnosis=top_name,
        top_diagnosis_share=float(counts.max() / len(diag)) if len(diag) else 0.0,
        event_days=days_there["event_days"],
        regulars=days_there["regulars"],
        cycle_days=days_there["cycle_days"],
        cycle_regularity=days_there["cycle_regularity"],
        median_arrival_gap=_arrival_gap(t, rows[at_main & timed]) if minute_data else float("nan"),
        off_hours_share=float(((hours < OFF_HOURS[0]) | (hours >= OFF_HOURS[1])).mean())
        if minute_data
        else float("nan"),
        dominance=float(at_main.sum() / max(facts.venue_claims[main], 1)),
        cost_ratio=cost_ratio,
        cost_chance=cost_chance,
        venue_fund_per_claim=venue_fpc,
        ring_fund_per_claim=ring_fpc,
        peer_venue_ratio=_peer_venue_ratio(rows, main, facts),
        out_of_region=_outside(c.persons, main, facts),
        catchment_outside=_catchment_share(visitors, visits, main, facts),
        out_of_city=_outside(c.persons, main, facts, level=city),
        catchment_outside_city=_catchment_share(visitors, visits, main, facts, level=city),
        sessions=days_there["sessions"],
        attendance=days_there["attendance"],
        weekday_share=days_there["weekday_share"],
        session_cycle=days_there["session_cycle"],
        session_regularity=days_there["session_regularity"],
        monthday_share=days_there["monthday_share"],
        group_regulars=days_there["group_regulars"],
        group_days=days_there["group_days"],
        group_venues=days_there["group_venues"],
        public_venue=float(facts.venue_public[main]),
        phone_hub_persons=hub_n,
        phone_hub=hub,
        phone_hub_addresses=hub_addresses,
        top_address_persons=top_addr,
        addresses=int(len(homes)),
        median_age=age,
        dup_trace_claims=int(facts.dup_trace[rows].sum()),
        after_death_claims=int(facts.after_death[rows].sum()),
        split_admissions=int(facts.split[rows].sum()),
        day_stays=_day_stays(t, rows, inpatient),
        **_caseload(t, rows[at_main & inpatient.astype(bool)], main, facts),
        high_value_share=_share(facts.high_value[rows].sum(), facts.total[rows].sum()),
        phone_hub_dear=_phone_dear(rows, person, hub, facts),
        dear_goods_share=_share(dear_goods(facts, rows).sum(), facts.total[rows].sum())
        if facts.high_goods is not None
        else math.nan,
        private_venue=bool(facts.venue_private[main]),
        online_venue=bool(facts.venue_online[main]) if facts.venue_online is not None else False,
        **(_clock_of(day[at_main]) if facts.venue_clock is not None and facts.venue_clock[main] else {}),
        **timetable,
        primary_venue=primary[0],
        inferred_kind=str(facts.venue_inferred_kind[main]) if facts.venue_inferred_kind is not None else "",
        own_cost_ratio=primary[1],
        local_share=primary[2],
        venue_cost_ratio=_venue_cost(rows[at_main], main, facts),
        **_venue_type_cost(rows[at_main], main, facts),
        **(_refills(c.persons, rows[at_main], main, facts) if facts.venue_is_pharmacy[main] else {}),
        **(_parties_of(c, rows[at_main & timed], main, facts) if minute_data else {}),
        top_phone_persons=int(np.unique(phone, return_counts=True)[1].max()) if len(phone) else 0,
        **(_rounds(person[at_main], day[at_main]) if age >= HOME_AGE else {}),
        **(_route(person[at_main], day[at_main], t.column("doctor")[rows][at_main]) if on_own_day else {}),
        **(_venue_route(main, facts) if on_own_day else {}),
        **(aftercare(rows[at_main], main, facts) if not facts.venue_is_pharmacy[main] else {}),
    )


#: Step 104: a group's rounds are measured when its members' median age is at least this (a nursing home's residents:
#: the very old, 83-86 median on every home of fifthworld dev 2-28; the planted staged clinics' recruits mostly
#: younger, 64-82, but otherworld 3, 34 and 52's are 81-83: the cost and the rounds hold those, not the age).
HOME_AGE = 80.0
#: A round's days: days with at least this share of the group's members at the venue (a day of a few residents
#: who came on their own is no round) ...
ROUND_PRESENT = 0.2
#: ... each within this many days of the round's previous day (a home's round may take two days, or a week).
ROUND_SPAN = 7
#: A month between two rounds' first days: this many days, within MONTH_SLACK (28-31 days, a round a day early or
#: late).
MONTH_DAYS = 30
MONTH_SLACK = 4


#: Step 111: a group's route of home visits (:func:`_route`) is measured when its members' median age is at least this
#: (home nursing, 居家护理 / 长护险, is for the disabled old: the routes of seventhworld are 70 and over) ...
ROUTE_AGE = 70.0
#: ... and its members' median share of their days on their own weekdays at least this (``member_timetable``, as
#: ``score.reasons.SCHEDULE_WEEKDAYS``).
ROUTE_WEEKDAYS = 0.8
#: A staff member's load is read at this quantile of their days with the group (a route's usual day, not its busiest).
ROUTE_QUANTILE = 0.9


def _route(person: np.ndarray, day: np.ndarray, doctor: np.ndarray) -> dict[str, Any]:
    """Step 111: how much the group's visits at its venue look like one nurse's route of home visits.

    ``member_staff``: over the members with 4 days or more there, the median
    share of their visits by their own staff member (the commonest doctor of
    their visits; a visit whose doctor is unknown counts as another's).
    ``route_visits``: the members one staff member saw in a day, at
    :data:`ROUTE_QUANTILE` of the (staff member, day) pairs of the visits
    whose doctor is known (NaN: none known).  A nurse on her rounds visits a
    handful of homes a day; a clinic's doctor sees his session's crowd.

    >>> person = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    >>> day = np.array([0, 7, 14, 21, 1, 8, 15, 22, 0, 7, 14, 21])
    >>> out = _route(person, day, np.array([5, 5, 5, 5, 6, 6, 6, 6, 5, 5, 5, 6]))
    >>> out["member_staff"], out["route_visits"]
    (1.0, 2.0)
    """
    known = doctor >= 0
    if not known.any():
        return {"member_staff": 0.0, "route_visits": math.nan}
    members, n = np.unique(person, return_counts=True)
    who, by, on = (np.asarray(x[known], dtype=np.int64) for x in (person, doctor, day))
    who, on = who - who.min(), on - on.min()  # packed into one int64 key each (a venue's claims: one sort, no rows)
    people, days = int(who.max()) + 1, int(on.max()) + 1
    key, pairs = np.unique(by * people + who, return_counts=True)
    own = np.zeros(len(members))
    first = np.searchsorted(members, key % people + int(person[known].min()))
    np.maximum.at(own, first, pairs)  # each member's visits by their commonest doctor
    kept = n >= 4
    staff = median(own[kept] / n[kept]) if kept.any() else 0.0
    visits = distinct((by * days + on) * people + who)  # (doctor, day, person) once
    _, load = np.unique(visits // people, return_counts=True)  # persons per (doctor, day)
    return {"member_staff": staff, "route_visits": float(np.quantile(load, ROUTE_QUANTILE, method="lower"))}


def _venue_route(venue: int, facts: ClaimFacts) -> dict[str, Any]:
    """Step 111: the venue's role read from all its claims: :func:`_route`'s load and :func:`venue_plan`'s
    planned share and weekdays.

    ``venue_route_visits``: the persons one staff member saw there in a day (at
    :data:`ROUTE_QUANTILE` of its staff-days).  A home-care station's every client
    is on a care plan, its routes spread over the week; a clinic's doctor sees
    a session's crowd, its walk-in patients come when they fall ill, a
    broker's batch comes on its day.
    Measured once per venue (kept in ``facts.visit_index``).
    """
    kept = facts.visit_index.setdefault("venue_route", {})
    if venue not in kept:
        t = facts.graph.visits
        rows = facts.graph.claim_rows("venue", np.array([venue]))  # the run's index of the claims: no pass
        kept[venue] = _route(t.column("person")[rows], t.column("day")[rows], t.column("doctor")[rows])["route_visits"]
    return {"venue_route_visits": kept[venue], **venue_plan(venue, facts)}


def venue_plan(venue: int, facts: ClaimFacts) -> dict[str, float]:
    """Step 111: ``venue_planned``: the share of the venue's claims by patients on weekdays of their own (4 days or
    more there, at least :data:`ROUTE_WEEKDAYS` of them on their ``ceil(visits a week)`` commonest weekdays, as
    :func:`_timetable`); ``venue_weekday``: the share of its claims on its commonest weekday.  Without the staff-day
    routes of :func:`_venue_route` (step 134's station test asks every candidate's main venue this alone).
    Measured once per venue (kept in ``facts.visit_index``).
    """
    kept = facts.visit_index.setdefault("venue_plan", {})
    if venue not in kept:
        t = facts.graph.visits
        rows = facts.graph.claim_rows("venue", np.array([venue]))  # the run's index of the claims: no pass
        person, day = t.column("person")[rows], t.column("day")[rows]
        weekdays = np.bincount((day + 5) % 7, minlength=7)  # (day 0 is 2000-01-01, a Saturday: _weekday_share)
        plan = cadence(person, day)
        planned = plan.who[plan.on_timetable >= ROUTE_WEEKDAYS * plan.n] if plan is not None else person[:0]
        kept[venue] = {"venue_planned": float(np.isin(person, planned).mean()) if len(person) else 0.0,
                       "venue_weekday": float(weekdays.max() / max(len(day), 1))}  # fmt: skip
    return dict(kept[venue])


def _rounds(person: np.ndarray, day: np.ndarray) -> dict[str, Any]:
    """A group's rounds at its venue (its claims there: ``person``, ``day``) and how monthly and whole they are.

    A round is a run of days on which at least ``ROUND_PRESENT`` of the members
    were seen, each within ``ROUND_SPAN`` days of the one before (a doctor's
    round of a home may take a day or a few).  ``round_cycle`` is the median
    gap between the rounds' first days, ``round_monthly`` the share of those
    gaps a month (``MONTH_DAYS`` +- ``MONTH_SLACK``), ``round_coverage`` the
    median over the rounds of the share of members seen on a round's days.

    >>> day = np.r_[np.repeat([0, 30, 31, 61, 90], [10, 5, 5, 10, 8]), [12]]  # day 12: one resident on his own
    >>> person = np.r_[np.arange(10), np.arange(10), np.arange(10), np.arange(8), [0]]
    >>> out = _rounds(person, day)
    >>> out["rounds"], out["round_cycle"], out["round_monthly"], out["round_coverage"]
    (4, 30.0, 1.0, 1.0)
    >>> _rounds(person, day + np.where(day >= 61, 20, 0))["round_monthly"]  # gaps 30, 51, 29
    0.6666666666666666
    """
    who, days = _distinct_pairs(person, day)  # by person, then day
    members = len(distinct(who))
    if not members:
        return {}
    ring_days, per_day = np.unique(days, return_counts=True)
    round_days = ring_days[per_day >= ROUND_PRESENT * members]
    if not len(round_days):
        return {}
    first = np.concatenate([[True], np.diff(round_days) > ROUND_SPAN])
    of_day = np.cumsum(first) - 1  # each round day's round
    on = in_sorted(days, round_days)
    seen = _distinct_pairs(of_day[np.searchsorted(round_days, days[on])], who[on])[0]
    coverage = np.bincount(seen, minlength=int(first.sum())) / members
    gaps = np.diff(round_days[first])
    return {"rounds": int(first.sum()), "round_cycle": median(gaps),
            "round_monthly": float((np.abs(gaps - MONTH_DAYS) <= MONTH_SLACK).mean()) if len(gaps) else 0.0,
            "round_coverage": median(coverage)}  # fmt: skip


def _venue_inpatients(t: pd.DataFrame, venues: int) -> np.ndarray:
    """Step 135: per venue code (``venues`` of them), the persons with an inpatient stay there.

    >>> t = pd.DataFrame({"person": [0, 0, 1, 2, 2], "venue": [1, 1, 1, 0, -1], "inpatient": [True, True, True, False, True]})
    >>> _venue_inpatients(t, 2).tolist()
    [0, 2]
    """
    stay = t["inpatient"].to_numpy(dtype=bool) & (t["venue"].to_numpy() >= 0) & (t["person"].to_numpy() >= 0)
    venue = t["venue"].to_numpy()[stay].astype(np.int64)
    pairs = distinct(venue * (int(t["person"].max()) + 1) + t["person"].to_numpy()[stay].astype(np.int64))
    return np.bincount(pairs // (int(t["person"].max()) + 1), minlength=venues)


def _caseload(t: Visits, stays: np.ndarray, main: int, facts: ClaimFacts) -> dict[str, Any]:
    """Step 135: ``stay_doctors`` and ``venue_inpatient_share`` of a group's ``stays`` (claim rows) at venue ``main``
    (:class:`Features`); empty (NaN) when it has none there, or the venue's inpatients are not counted.

    >>> from types import SimpleNamespace
    >>> cols = {"doctor": np.array([3, 3, 4, 5, -1]), "person": np.array([0, 1, 2, 3, 4])}
    >>> visits = SimpleNamespace(column=lambda name: cols[name])
    >>> out = _caseload(visits, np.arange(5), 0, SimpleNamespace(venue_inpatients=np.array([40])))
    >>> round(out["stay_doctors"], 2), out["venue_inpatient_share"]
    (2.67, 0.125)
    """
    if not len(stays) or facts.venue_inpatients is None or not facts.venue_inpatients[main]:
        return {}
    doctor = t.column("doctor")[stays]
    doctor = doctor[doctor >= 0]
    share = np.unique(doctor, return_counts=True)[1] / max(len(doctor), 1)
    return {
        "stay_doctors": float(1.0 / (share**2).sum()) if len(doctor) else math.nan,
        "venue_inpatient_share": float(len(distinct(t.column("person")[stays])) / facts.venue_inpatients[main]),
    }


def _day_stays(t: Visits, rows: np.ndarray, inpatient: np.ndarray) -> float:
    """Of the inpatient stays among ``rows`` with a known discharge, the share discharged on the admission day."""
    stays = rows[inpatient.astype(bool)]
    end = t.column("end_day")[stays]
    known = end >= 0
    if not known.any():
        return math.nan
    return float((end[known] == t.column("day")[stays][known]).mean())


#: Members whose consecutive arrivals at the main venue are at most this many minutes apart arrived together (the
#: event gap of graphfraud.graph.events: a family walks in within minutes, a bus-load one after the other).
PARTY_GAP = 15

#: Two members are of one party when they arrived in one burst on at least this many days: what a household does
#: every time it comes, and chance does once.
PARTY_TIMES = 2


def _together_twice(burst: np.ndarray, member: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of ``n`` members who arrived in one burst (``burst``, ``member``: distinct person-bursts) on at
    least :data:`PARTY_TIMES` bursts, as two arrays (first < second).

    >>> _together_twice(np.array([0, 0, 0, 1, 1]), np.array([0, 1, 2, 0, 1]), 3)  # 2 came with 0 and 1 once
    (array([0]), array([1]))
    """
    if not len(burst):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    seen = sparse.csr_matrix((np.ones(len(burst), dtype=np.int32), (member, burst)), shape=(n, int(burst.max()) + 1))
    times = sparse.triu(seen @ seen.T, k=1).tocoo()
    often = times.data >= PARTY_TIMES
    return times.row[often].astype(np.int64), times.col[often].astype(np.int64)


def _party_rows(persons: np.ndarray, rows: np.ndarray, venue: int, facts: ClaimFacts) -> np.ndarray:
    """The timed claim ``rows`` of a group at its main ``venue``, and, for a member none of them is of (the
    member's claims went to another group: :func:`graphfraud.detect.candidate.group_candidates` gives a
    person's claims to one group), the member's own timed claims there: whom a member arrives with is a fact
    of their arrivals at the venue, and a member with none in the group's claims is otherwise judged alone.
    """
    have = distinct(facts.graph.visits.column("person")[rows])
    missing = np.setdiff1d(persons, have)
    if not len(missing):
        return rows
    own = _visit_rows(missing, venue, facts)
    return np.concatenate([rows, own[facts.hour[own] >= 0]])


def _parties(t: Visits, rows: np.ndarray, facts: ClaimFacts) -> dict[str, Any]:
    """The members' parties at the main venue: persons who arrived in one burst, joined over all days.

    A burst is a run of member arrivals at most :data:`PARTY_GAP` minutes
    apart on one day; two members who arrived in one burst on
    :data:`PARTY_TIMES` or more of their days are of one party, and parties
    are the connected persons.  A family's outings make one party of the
    family; two families who each came together, and met only at the venue's
    day hours apart, are two.  A party is the persons who come together
    repeatedly: two families who once walked in within minutes of each other
    (or a neighbour who once came in with a family) are not one party, while a
    broker's bus-load brings the same recruits in one burst every time.

    >>> from types import SimpleNamespace
    >>> v = SimpleNamespace(column=lambda name: {"person": np.array([0, 1, 2, 3, 0, 1, 2, 3]),
    ...                                          "minute": np.array([600, 602, 800, 801, 2040, 2041, 2300, 2302])}[name])
    >>> f = SimpleNamespace(person_address=np.array([5, 5, 7, 7]))
    >>> _parties(v, np.arange(8), f)
    {'parties': 2, 'party_members': 4, 'party_largest': 2, 'party_smallest': 2, 'party_addresses': 1, 'party_together': 1.0, 'party_largest_home': 2}
    """
    if not len(rows):
        return {}
    minute, person = t.column("minute")[rows].astype(np.int64), t.column("person")[rows].astype(np.int64)
    order = np.lexsort((person, minute))
    minute, person = minute[order], person[order]
    joined = (np.diff(minute) <= PARTY_GAP) & (minute[1:] // 1440 == minute[:-1] // 1440)
    burst = np.concatenate([[0], np.cumsum(~joined)])
    who, code = np.unique(person, return_inverse=True)
    pb = distinct(burst * len(who) + code)  # one arrival per person-burst
    first, second = _together_twice(pb // len(who), pb % len(who), len(who))
    party = linked(len(who), first, second)
    n_parties = int(party.max()) + 1
    sizes = np.bincount(party, minlength=n_parties)
    # arrivals with the member's party: a burst with another of its party in it (a party of one, however crowded its
    # bursts, never arrives with its party: step 129, a bus's once-admitted elders are no households)
    with_party = np.unique((pb // len(who)) * n_parties + party[pb % len(who)], return_inverse=True, return_counts=True)
    together = float((with_party[2][with_party[1]] >= 2).mean())
    address = facts.person_address[who]
    known = address >= 0
    homes = distinct(party[known] * (int(address.max(initial=0)) + 1) + address[known])
    per_party = np.bincount(homes // (int(address.max(initial=0)) + 1), minlength=n_parties) if len(homes) else [0]
    largest = party == int(sizes.argmax())
    at_home = address[largest & known]
    home = int(np.bincount(at_home).max()) if len(at_home) else 0  # the largest party's persons at its commonest home
    return {"parties": int(n_parties), "party_members": int(len(who)), "party_largest": int(sizes.max()), "party_smallest": int(sizes.min()),
            "party_addresses": int(np.max(per_party)), "party_together": together, "party_largest_home": home}  # fmt: skip


def _parties_of(c: Candidate, rows: np.ndarray, main: int, facts: ClaimFacts) -> dict[str, Any]:
    """:func:`_parties` of ``c``'s timed ``rows`` at its ``main`` venue (with :func:`_party_rows`), from
    :func:`_index_main_venue` when it measured ``c``."""
    known = facts.visit_index.get("parties", {}).get(id(c))
    if known is not None and known[0] is c:
        return dict(known[1])
    return _parties(facts.graph.visits, _party_rows(c.persons, rows, main, facts), facts)


def _index_main_venue(candidates: list[Candidate], mains: list[int], facts: ClaimFacts) -> None:
    """Every candidate's :func:`_days_there` and :func:`_parties` (its claims, its timed claims at its main venue
    ``mains[i]`` with :func:`_party_rows`' arrivals of members without one) at once, kept in
    ``facts.visit_index["days_there"]`` and ``["parties"]`` for :func:`features` to look up (a run with dates only
    has no parties)."""
    if not candidates:
        return
    t = facts.graph.visits
    venue = t.column("venue")
    at_main = [c.claims[venue[c.claims] == m] for c, m in zip(candidates, mains, strict=True)]
    ring = np.repeat(np.arange(len(at_main)), [len(r) for r in at_main])
    every = np.concatenate(at_main)
    days = _attendances(ring, t.column("person")[every], t.column("day")[every], len(at_main))
    ring = np.repeat(np.arange(len(candidates)), [len(c.claims) for c in candidates])
    every = np.concatenate([c.claims for c in candidates])
    who = t.column("person")[every]
    days |= _met_elsewhere(ring, who, venue[every], t.column("day")[every], np.asarray(mains), len(candidates),
                           home=_homes(facts, who))  # fmt: skip
    types = {name: int if values.dtype.kind == "i" else float for name, values in days.items()}
    facts.visit_index["days_there"] = {
        id(c): (c, {name: types[name](values[i]) for name, values in days.items()}) for i, c in enumerate(candidates)
    }
    if facts.graph.day_resolution:
        return
    rows = [
        c.claims[(venue[c.claims] == m) & (facts.hour[c.claims] >= 0)] for c, m in zip(candidates, mains, strict=True)
    ]
    ring = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    every = np.concatenate(rows)
    ring, every = _with_missing_members(candidates, mains, ring, every, facts)
    values = _parties_all(ring, t.column("minute")[every], t.column("person")[every], facts.person_address, len(rows))
    index = facts.visit_index.setdefault("parties", {})
    for i, c in enumerate(candidates):
        index[id(c)] = (c, values[i])


def _with_missing_members(candidates: list[Candidate], mains: list[int], ring: np.ndarray, every: np.ndarray,
                          facts: ClaimFacts) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """:func:`_party_rows` of every candidate at once: the timed claim rows ``every`` (of candidate ``ring[i]`` at
    its main venue ``mains[ring[i]]``) and each member none of them is of, with that member's own timed claims
    there (from ``facts.visit_index``, which :func:`index_own_visits` filled for these members and venues).
    """
    index = facts.visit_index
    n = index["n"]  # person + 1 (-1 unknown is 0) below n, as _pair_keys
    person = facts.graph.visits.column("person")
    have = distinct(ring * n + person[every].astype(np.int64) + 1)
    member_ring = np.repeat(np.arange(len(candidates)), [len(c.persons) for c in candidates])
    members = np.concatenate([np.asarray(c.persons, dtype=np.int64) for c in candidates] or [np.zeros(0, np.int64)])
    wanted = distinct(member_ring * n + members + 1)
    missing = wanted[~in_sorted(wanted, have)]
    if not len(missing):
        return ring, every
    of = missing // n
    keys = np.asarray(mains, dtype=np.int64)[of] * n + missing % n
    _fetch_visits(keys, facts)  # nothing to do when index_own_visits asked for them
    start = np.searchsorted(index["keys"], keys, side="left")
    count = np.searchsorted(index["keys"], keys, side="right") - start
    own = index["rows"][
        np.repeat(start, count) + np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    ]
    own_ring = np.repeat(of, count)
    timed = facts.hour[own] >= 0
    return np.concatenate([ring, own_ring[timed]]), np.concatenate([every, own[timed]])


def _parties_all(ring: np.ndarray, minute: np.ndarray, person: np.ndarray, person_address: np.ndarray,
                 n_rings: int) -> list[dict[str, Any]]:  # fmt: skip
    """:func:`_parties` of ``n_rings`` groups at once (claim i of group ``ring[i]``, ``ring`` ascending).

    A member is a (group, person); bursts never span two groups, so the pairs
    who arrived together on :data:`PARTY_TIMES` bursts (:func:`_together_twice`
    over all the members) are pairs of one group, and their parties
    (:func:`linked` over all the members) are each group's own, numbered in
    the same order.  The same integers and shares as :func:`_parties` group by
    group (a share: a count over a count).

    >>> minute = np.array([600, 602, 800, 801, 2040, 2041, 2300, 2302])
    >>> person, address = np.tile([0, 1, 2, 3], 4), np.array([5, 5, 7, 7])
    >>> out = _parties_all(np.repeat([0, 2], 8), np.r_[minute, minute], person, address, 3)
    >>> out[1], out[0] == out[2], out[0]["parties"], out[0]["party_together"]  # 0 with 1, 2 with 3, twice each
    ({}, True, 2, 1.0)
    """
    out: list[dict[str, Any]] = [{} for _ in range(n_rings)]
    if not len(ring):
        return out
    ring, minute, person = (np.asarray(x, dtype=np.int64) for x in (ring, minute, person))
    order = np.lexsort((person, minute, ring))
    ring, minute, person = ring[order], minute[order], person[order]
    joined = (np.diff(minute) <= PARTY_GAP) & (minute[1:] // 1440 == minute[:-1] // 1440) & (ring[1:] == ring[:-1])
    burst = np.concatenate([[0], np.cumsum(~joined)])
    p0 = int(person.min())
    width = int(person.max()) - p0 + 1
    who, code = np.unique(ring * width + (person - p0), return_inverse=True)
    code = code.reshape(-1)
    m = len(who)
    member_ring = who // width
    pb = distinct(burst * m + code)  # one arrival per person-burst
    first, second = _together_twice(pb // m, pb % m, m)  # a burst is one group's: so is every pair
    party = linked(m, first, second)  # each group's parties, numbered on in group order
    sizes = np.bincount(party)
    party_ring = np.zeros(len(sizes), dtype=np.int64)
    party_ring[party] = member_ring
    # arrivals with the member's party (as _parties: a party of one never arrives with its party)
    _, with_party, in_party = np.unique((pb // m) * len(sizes) + party[pb % m], return_inverse=True, return_counts=True)
    company = in_party[with_party] >= 2
    pb_ring = member_ring[pb % m]
    arrivals = np.bincount(pb_ring, minlength=n_rings)
    together = np.bincount(pb_ring, weights=company, minlength=n_rings)
    address = person_address[who % width + p0]
    known = address >= 0
    span = int(address.max(initial=0)) + 1
    homes = distinct(party[known] * span + address[known])
    per_party = np.bincount(homes // span, minlength=len(sizes))
    members = np.bincount(member_ring, minlength=n_rings)
    n_parties = np.bincount(party_ring, minlength=n_rings)
    largest = np.zeros(n_rings, dtype=np.int64)
    smallest = np.full(n_rings, np.iinfo(np.int64).max)
    addresses = np.zeros(n_rings, dtype=np.int64)
    np.maximum.at(largest, party_ring, sizes)
    np.minimum.at(smallest, party_ring, sizes)
    np.maximum.at(addresses, party_ring, per_party)
    # each group's largest party (its first on ties, as argmax) and the persons of it at its commonest known home
    by_size = np.lexsort((np.arange(len(sizes)), -sizes, party_ring))
    first = np.r_[True, party_ring[by_size][1:] != party_ring[by_size][:-1]]
    best = np.full(n_rings, -1, dtype=np.int64)
    best[party_ring[by_size][first]] = by_size[first]
    at_home = (party == best[member_ring]) & known
    home_keys, home_counts = np.unique(party[at_home] * span + address[at_home], return_counts=True)
    home = np.zeros(n_rings, dtype=np.int64)
    np.maximum.at(home, party_ring[home_keys // span], home_counts)
    for r in np.flatnonzero(members):
        out[r] = {"parties": int(n_parties[r]), "party_members": int(members[r]), "party_largest": int(largest[r]),
                  "party_smallest": int(smallest[r]), "party_addresses": int(addresses[r]),
                  "party_together": float(together[r] / arrivals[r]), "party_largest_home": int(home[r])}  # fmt: skip
    return out


def linked(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The connected component of each of ``n`` nodes under the links ``a[i] -- b[i]``, numbered 0.. in the
    order of each component's smallest node.

    Each node takes the smallest label among itself and its neighbours, then
    the label of that label (pointer jumping), until nothing changes: a few
    array passes for a ring's few dozen persons, where a sparse-graph library
    spends its time building the matrix.

    >>> linked(6, np.array([4, 1, 5]), np.array([1, 3, 2])).tolist()
    [0, 1, 2, 1, 1, 2]
    """
    label = np.arange(n)
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, label):
            break
        label = new
    return np.unique(label, return_inverse=True)[1].reshape(-1)


#: Fewest other claims at the venue for its own fund per claim to be a baseline.
MIN_OWN_CLAIMS = 20


def own_cost_ratio(rows: np.ndarray, fund: np.ndarray, venue_claims: int, venue_fund: float) -> float:
    """Fund per claim of ``rows`` (the group's claims at a venue) against the venue's other claims.

    ``venue_claims`` and ``venue_fund`` are all of the venue's claims and fund, the group's included.

    NaN when the venue has fewer than ``MIN_OWN_CLAIMS`` other claims.

    >>> own_cost_ratio(np.array([0, 1]), np.array([30.0, 30.0, 40.0]), 42, 1_660.0)  # 30 yuan vs 1,600 / 40
    0.75
    """
    others = venue_claims - len(rows)
    if others < MIN_OWN_CLAIMS or not len(rows):
        return float("nan")
    ring = float(fund[rows].sum())
    base = (venue_fund - ring) / others
    return ring / len(rows) / base if base > 0 else float("nan")


def local_share(persons: np.ndarray, rows: np.ndarray, venue: int, facts: ClaimFacts) -> float:
    """Share of ``persons`` with a claim at ``venue`` that is not one of the group's ``rows``.

    The members' claims at the venue come from the (venue, person) index of :func:`own_visits`.
    """
    if not len(persons):
        return float("nan")
    claim = _visit_rows(persons, venue, facts)
    own = facts.graph.visits.column("person")[claim[~np.isin(claim, rows)]]
    return float(len(distinct(own)) / len(persons))


def _primary(c: Candidate, rows: np.ndarray, main: int, facts: ClaimFacts) -> tuple[bool, float, float]:
    """``primary_venue``, ``own_cost_ratio``, ``local_share`` (:mod:`graphfraud.score.primary`); NaN unless primary care."""
    if facts.venue_primary is None or not facts.venue_primary[main]:
        return False, math.nan, math.nan
    venue_claims = int(facts.cell_venue_claims[:, main + 1].sum())
    venue_fund = float(facts.cell_venue_fund[:, main + 1].sum())
    fund = facts.graph.visits.column("fund")
    return (
        True,
        own_cost_ratio(rows, fund, venue_claims, venue_fund),
        _local_share_of(c, main, facts),
    )


def aftercare(rows: np.ndarray, venue: int, facts: ClaimFacts) -> dict[str, Any]:
    """Step 123: how many of a group's members came to ``venue`` as outpatients after a stay of their own there.

    A member's first outpatient claim among the group's ``rows`` at ``venue`` is a follow-up (出院后复查) when the
    member was discharged from a stay at ``venue`` on or before that day (the admission day where the export has no
    discharge), and the stay's diagnosis family is the follow-up's where both are known.  The stay may be one of
    the group's claims or not: a works' poisoning admitted together is followed up together.

    Returns
    -------
    dict
        ``aftercare_members`` (members with an outpatient claim among ``rows`` at ``venue``),
        ``aftercare_discharged`` (of them, followed up after a stay of their own) and ``aftercare_same_diagnosis``
        (of those, the stay's and the follow-up's diagnosis family both known); empty when no member has one.
    """
    t = facts.graph.visits
    inpatient = t.column("inpatient")
    rows = rows[~inpatient[rows]]
    if not len(rows):
        return {}
    person = t.column("person")[rows].astype(np.int64)
    day = t.column("day")[rows].astype(np.int64)
    order = np.lexsort((rows, day, person))  # each member's first follow-up: earliest day, then claim row
    person, day, diag = person[order], day[order], facts.diagnosis[rows[order]]
    first = np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
    members, first_day, first_diag = person[first], day[first], diag[first]
    members_known = members >= 0
    members, first_day, first_diag = members[members_known], first_day[members_known], first_diag[members_known]
    if not len(members):
        return {}
    stays = _visit_rows(members, venue, facts)
    stays = stays[inpatient[stays]]
    who = np.searchsorted(members, t.column("person")[stays].astype(np.int64))
    end = t.column("end_day")[stays].astype(np.int64)
    end = np.where(end >= 0, end, t.column("day")[stays].astype(np.int64))
    stay_diag = facts.diagnosis[stays]
    known = (stay_diag >= 0) & (first_diag[who] >= 0)
    after = (end <= first_day[who]) & (~known | (stay_diag == first_diag[who]))
    discharged = distinct(who[after])
    same = distinct(who[after & known])
    return {"aftercare_members": int(len(members)), "aftercare_discharged": int(len(discharged)),
            "aftercare_same_diagnosis": int(len(same))}  # fmt: skip


def _venue_cost(rows: np.ndarray, main: int, facts: ClaimFacts) -> float:
    """``venue_cost_ratio``: :func:`own_cost_ratio` of the group's claims at a facility (NaN at a pharmacy)."""
    if facts.venue_is_pharmacy[main]:
        return math.nan
    venue_claims = int(facts.cell_venue_claims[:, main + 1].sum())
    venue_fund = float(facts.cell_venue_fund[:, main + 1].sum())
    return own_cost_ratio(rows, facts.graph.visits.column("fund"), venue_claims, venue_fund)


#: Step 120: fewest other claims of a cell at the facility for its claims of the group to be compared with them (the
#: bound of ``own_cost_ratio``, MIN_OWN_CLAIMS; measured at 10 and 60 in docs/detection.md, step 120).
VENUE_TYPE_PEERS = 20


def _venue_type_cost(rows: np.ndarray, main: int, facts: ClaimFacts) -> dict[str, Any]:
    """Step 120: ``venue_type_cost``, ``venue_type_ring``, ``venue_type_peers`` of the group's claims ``rows`` at its
    main venue ``main``; none (the defaults, NaN) unless ``main`` is a facility and no claim of ``rows`` carries a
    diagnosis.  Each claim is compared with the facility's other claims of its cell (visit type, no diagnosis):
    the visit's usual cost *there*, where the city-wide cell mixes every kind of institution."""
    if not len(rows) or facts.venue_is_pharmacy[main] or (facts.diagnosis[rows] >= 0).any():
        return {}
    ratio, ring, peers = venue_cell_cost(
        facts.cell[rows], facts.graph.visits.column("fund")[rows], facts.cell_venue_claims[:, main + 1],
        facts.cell_venue_fund[:, main + 1], min_others=VENUE_TYPE_PEERS,
    )  # fmt: skip
    if math.isnan(ratio):
        return {}
    return {"venue_type_cost": ratio, "venue_type_ring": ring, "venue_type_peers": peers}


def venue_cell_cost(
    cells: np.ndarray, fund: np.ndarray, cell_claims: np.ndarray, cell_fund: np.ndarray, *,
    min_others: int = MIN_OWN_CLAIMS,
) -> tuple[float, float, float]:  # fmt: skip
    """Fund per claim of a group's claims at one venue against the venue's other claims of the same cells.

    ``cells`` and ``fund`` are the group's claims' cells and fund there; ``cell_claims`` and ``cell_fund`` the
    venue's claims and fund per cell, the group's included.  A claim whose cell holds fewer than ``min_others``
    other claims at the venue is left out.  Returns (ratio, the group's fund per claim, the expected fund per
    claim), NaN when no claim is left or the venue's other claims were paid nothing.

    >>> venue_cell_cost(np.array([0, 0]), np.array([90.0, 110.0]), np.array([42, 5]), np.array([1_200.0, 50.0]))
    (4.0, 100.0, 25.0)
    """
    own_n = np.bincount(cells, minlength=len(cell_claims))
    own_f = np.bincount(cells, weights=fund, minlength=len(cell_claims))
    other_n = cell_claims - own_n
    ok = other_n[cells] >= min_others
    if not ok.any():
        return math.nan, math.nan, math.nan
    c = cells[ok]
    base = float(((cell_fund - own_f)[c] / other_n[c]).sum())
    ring = float(fund[ok].sum())
    if base <= 0:
        return math.nan, math.nan, math.nan
    n = int(ok.sum())
    return ring / base, ring / n, base / n


def own_visits(persons: np.ndarray, venue: int, facts: ClaimFacts) -> tuple[np.ndarray, np.ndarray]:
    """(person, day) of every visit of ``persons`` to ``venue``: the ring's days and their own.

    A member's cadence is their own timetable at the venue, not the part of it
    that one group's events hold: a piece of a rehabilitation centre holds the
    eleven days on which five patients' courses overlapped, while each of them
    came six days a week for a month.  The claims of every candidate's members
    at its main venue are found in one pass over the claims
    (:func:`index_own_visits`), so each ring costs a binary search.
    """
    t = facts.graph.visits
    rows = _visit_rows(persons, venue, facts)
    return t.column("person")[rows], t.column("day")[rows]


def index_own_visits(candidates: list[Candidate], facts: ClaimFacts) -> None:
    """Find the claims of every candidate's persons at its main venue in one pass over the claims.

    :func:`own_visits` and :func:`local_share` then look them up (a binary
    search per ring) instead of each taking its own pass; a candidate made
    later (a joined organisation) whose persons were not asked for here costs
    one more pass when it is scored.
    """
    venue = facts.graph.visits.column("venue")
    wanted, mains = [], []
    for c in candidates:
        if len(c.claims) and len(c.persons):
            main = int(np.bincount(venue[c.claims]).argmax())  # the main venue, as features() finds it
            wanted.append(_pair_keys(main, c.persons, facts))
            mains.append(main)
    if wanted:
        _fetch_visits(np.concatenate(wanted), facts)
        measured = [c for c in candidates if len(c.claims) and len(c.persons)]
        _index_timetables(measured, wanted, facts)
        _index_main_venue(measured, mains, facts)


def _index_timetables(candidates: list[Candidate], wanted: list[np.ndarray], facts: ClaimFacts) -> None:
    """Every candidate's :func:`_timetable` and :func:`local_share` at once (``wanted[i]``: candidate i's keys at
    its main venue), kept in ``facts.visit_index["timetable"]`` and ``["local"]`` for :func:`features` to look up.

    One lookup of all the candidates' own visits and one pass of grouped arrays
    over (candidate, member, day) instead of a few dozen small array calls per
    candidate; the same numbers to the bit (:func:`_timetables`).
    """
    index = facts.visit_index
    keys = np.concatenate(wanted)
    start = np.searchsorted(index["keys"], keys, side="left")
    n = np.searchsorted(index["keys"], keys, side="right") - start
    rows = index["rows"][np.repeat(start, n) + np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)]
    per_ring = np.bincount(np.repeat(np.arange(len(wanted)), [len(w) for w in wanted]), weights=n,
                           minlength=len(wanted)).astype(np.int64)  # fmt: skip
    ring = np.repeat(np.arange(len(wanted)), per_ring)
    t = facts.graph.visits
    values = _timetables(ring, t.column("person")[rows], t.column("day")[rows], len(wanted))
    index["timetable"] = {
        id(c): (c, {name: float(v[i]) for name, v in values.items()}) for i, c in enumerate(candidates)
    }
    # local_share: members with a claim there that is not one of the group's own claims, over the members
    own = np.concatenate([c.claims for c in candidates]).astype(np.int64)
    own_ring = np.repeat(np.arange(len(candidates)), [len(c.claims) for c in candidates])
    width = int(max(rows.max(initial=0), own.max(initial=0))) + 1
    other = ~in_sorted(ring * width + rows, np.sort(own_ring * width + own))
    span = index["n"]  # person + 1: -1 (unknown) is 0 (_pair_keys)
    pairs = distinct(ring[other] * span + t.column("person")[rows[other]] + 1)
    locals_ = np.bincount(pairs // span, minlength=len(candidates))
    index["local"] = {id(c): (c, float(locals_[i] / len(c.persons))) for i, c in enumerate(candidates)}


def _local_share_of(c: Candidate, main: int, facts: ClaimFacts) -> float:
    """:func:`local_share` of ``c`` at ``main``, from :func:`_index_timetables` when it measured ``c``."""
    known = facts.visit_index.get("local", {}).get(id(c))
    if known is not None and known[0] is c:
        return float(known[1])
    return local_share(c.persons, c.claims, main, facts)


def _timetable_of(c: Candidate, main: int, facts: ClaimFacts) -> dict[str, Any]:
    """:func:`_timetable` of ``c``'s members at ``main``, from :func:`_index_timetables` when it measured ``c``."""
    known = facts.visit_index.get("timetable", {}).get(id(c))
    if known is not None and known[0] is c:
        return dict(known[1])
    return _timetable(*own_visits(c.persons, main, facts))


def _pair_keys(venue: int, persons: np.ndarray, facts: ClaimFacts) -> np.ndarray:
    """Sorted distinct keys ``venue * n + person + 1`` of ``persons`` at ``venue`` (``n`` fixed per run)."""
    index = facts.visit_index
    if "n" not in index:
        t = facts.graph.visits
        index["n"] = int(t.column("person").max(initial=-1)) + 2  # person -1 (unknown) is key 0 of its venue
        index["keys"] = index["covered"] = np.zeros(0, dtype=np.int64)
        index["rows"] = np.zeros(0, dtype=np.int64)
    return int(venue) * index["n"] + distinct(np.asarray(persons, dtype=np.int64)) + 1


def in_sorted(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in the sorted array ``sorted_values``.

    >>> in_sorted(np.array([3, 5, 9]), np.array([1, 3, 9])).tolist()
    [True, False, True]
    """
    if not len(sorted_values):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return sorted_values[at] == values


def _fetch_visits(keys: np.ndarray, facts: ClaimFacts) -> None:
    """Add the claim rows of the (venue, person) ``keys`` (:func:`_pair_keys`) not yet in ``facts.visit_index``.

    One pass over the claims: a claim is kept when its person and its venue are
    both asked for (two lookups in boolean tables), then when its pair is.
    """
    index = facts.visit_index
    new = distinct(keys)
    new = new[~in_sorted(new, index["covered"])]
    if not len(new):
        return
    t = facts.graph.visits
    venue, person = t.column("venue"), t.column("person")
    n = index["n"]
    persons = np.zeros(n, dtype=bool)  # person + 1: slot 0 is person -1
    persons[new % n] = True
    venues = np.zeros(int(venue.max(initial=-1)) + 2, dtype=bool)  # venue -1 lands on the last slot, never asked
    venues[new // n] = True
    rows = np.flatnonzero(persons[person + 1] & venues[venue])
    key = venue[rows].astype(np.int64) * n + person[rows] + 1
    hit = in_sorted(key, new)
    key = np.concatenate([index["keys"], key[hit]])
    rows = np.concatenate([index["rows"], rows[hit]])
    order = np.argsort(key, kind="stable")
    index["keys"], index["rows"] = key[order], rows[order]
    index["covered"] = np.union1d(index["covered"], new)


def _visit_rows(persons: np.ndarray, venue: int, facts: ClaimFacts) -> np.ndarray:
    """Claim rows of ``persons`` at ``venue`` (by person, then claim row), from ``facts.visit_index``."""
    want = _pair_keys(venue, persons, facts)
    _fetch_visits(want, facts)  # nothing to do when index_own_visits asked for them
    index = facts.visit_index
    start = np.searchsorted(index["keys"], want, side="left")
    stop = np.searchsorted(index["keys"], want, side="right")
    n = stop - start
    return index["rows"][np.repeat(start, n) + np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)]


def _same(regions: np.ndarray) -> np.ndarray:
    return regions


def _outside(persons: np.ndarray, venue: int, facts: ClaimFacts, *, level=_same) -> int:  # type: ignore[no-untyped-def]
    """Persons insured outside ``venue``'s region (or its city); unknown regions count as neither."""
    region = facts.person_region[persons]
    home = facts.venue_region[venue]
    if home == "":
        return 0
    return int(((region != "") & (level(region) != level(np.array([home], dtype=object))[0])).sum())


def _catchment_share(persons: np.ndarray, claims: np.ndarray, venue: int, facts: ClaimFacts, *,
                     level: Callable[[np.ndarray], np.ndarray] = _same) -> float:  # fmt: skip
    """Share of ``venue``'s claims by persons insured elsewhere, the group's own claims left out (``claims[i]``
    of them by ``persons[i]``)."""
    home = facts.venue_region[venue]
    if home == "":
        return float("nan")
    region = facts.person_region[persons]
    known = region != ""
    away = known & (level(region) != level(np.array([home], dtype=object))[0])
    venue_out = facts.venue_outside_city_claims if level is city else facts.venue_outside_claims
    n = facts.venue_region_claims[venue] - int(claims[known].sum())
    out = venue_out[venue] - int(claims[away].sum())
    return float(out / n) if n >= MIN_PEERS else float("nan")


def _weekday_share(days: np.ndarray) -> float:
    """Share of ``days`` (days since 2000-01-01, a Saturday) on their 3 commonest weekdays.

    >>> _weekday_share(np.array([2, 4, 6, 9, 11, 13]))  # Mon, Wed, Fri twice
    1.0
    """
    if not len(days):
        return 0.0
    counts = np.sort(np.bincount((days + 5) % 7, minlength=7))[::-1]
    return float(counts[:3].sum() / len(days))


def _month_day(days: np.ndarray) -> np.ndarray:
    """The date of the month (1-31) of ``days`` (days since 2000-01-01).

    >>> _month_day(np.array([0, 30, 31, 59, 60])).tolist()  # 1 Jan, 31 Jan, 1 Feb, 29 Feb, 1 Mar 2000
    [1, 31, 1, 29, 1]
    """
    when = np.datetime64("2000-01-01", "D") + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")
    return (when - when.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1


def _date_window(counts: np.ndarray) -> np.ndarray:
    """Per row of ``counts`` (sessions by date of the month, columns 0-32), the most sessions within a day of one
    date (three adjacent dates)."""
    return (counts[:, :-2] + counts[:, 1:-1] + counts[:, 2:]).max(axis=1)


def _monthday_share(days: np.ndarray) -> float:
    """Share of ``days`` (days since 2000-01-01) within a day of their commonest date of the month (step 118).

    >>> _monthday_share(np.array([6, 37, 66, 97, 127, 158]))  # the 7th of January to June 2000, 5 weekdays
    1.0
    >>> round(_monthday_share(np.array([2, 9, 16, 23, 30, 37])), 3)  # six Mondays, dates 3 to 7
    0.167
    """
    if not len(days):
        return 0.0
    return float(_date_window(np.bincount(_month_day(days), minlength=33)[None, :])[0] / len(days))


#: A refill is steady when its gap is within this share of the member's own median gap (a month's supply
#: bought a week early or late still is): 30 +- 7.5 days.
REFILL_STEADY = 0.25


def refills(persons: np.ndarray, rows: np.ndarray, venue: int, facts: ClaimFacts) -> dict[str, float]:
    """:func:`_refills` for a group that is not measured at the pharmacy ``venue`` as its main venue (a steering
    pair's patients at the pair's pharmacy, step 104)."""
    return _refills(persons, rows, venue, facts)


def _refills(persons: np.ndarray, rows: np.ndarray, venue: int, facts: ClaimFacts, *, min_days: int = 4,
             steady: float = REFILL_STEADY) -> dict[str, Any]:  # fmt: skip
    """Each member's own purchases at the pharmacy ``venue``: cadence, steadiness, one drug family; the group's cost.

    ``rows`` are the group's claims at the venue.  A chronic patient refills
    one prescription on their own supply period, as long as they are a customer;
    a collected card is swiped when the collector comes, for what he resells.
    ``refill_cost`` compares the group's insurance money per purchase with the
    city's other refills of the same diagnosis family (other persons' purchases
    of it at their pharmacy, :data:`REFILL_PURCHASES` or more each): a refill is
    a month's pack and costs what a month of that drug costs, more than a
    walk-in buy of a few days' supply of the same drugs; a collector buys what
    resells.
    """
    t = facts.graph.visits
    mine = _visit_rows(persons, venue, facts)
    period, steady_share, family = _cadence(t.column("person")[mine], t.column("day")[mine], facts.diagnosis[mine],
                                            min_days=min_days, steady=steady)  # fmt: skip
    cost = math.nan
    if facts.refill_purchases is not None and facts.refill_money is not None and facts.refill_purchase is not None:
        bought = rows[t.column("kind")[rows] == 1]
        money = (facts.stake if facts.stake is not None else t.column("fund"))[bought]
        fam = facts.diagnosis[bought] + 1
        own = facts.refill_purchase[bought]  # the group's purchases in the peers' count
        own_n = np.bincount(fam[own], minlength=len(facts.refill_purchases))
        own_m = np.bincount(fam[own], weights=money[own], minlength=len(facts.refill_purchases))
        other_n, other_m = facts.refill_purchases - own_n, facts.refill_money - own_m
        ok = other_n[fam] >= MIN_PEERS
        expected = np.where(ok, other_m[fam] / np.maximum(other_n[fam], 1), 0.0)
        if ok.any() and expected[ok].sum() > 0:
            cost = float(money[ok].sum() / expected[ok].sum())
    return {"member_period": period, "member_steady": steady_share, "member_family": family, "refill_cost": cost}


def _cadence(person: np.ndarray, day: np.ndarray, family: np.ndarray, *, min_days: int = 4,
             steady: float = REFILL_STEADY) -> tuple[float, float, float]:  # fmt: skip
    """Medians over members on >= ``min_days`` days: median gap, share of steady gaps, commonest family's share.

    The family share is NaN when no purchase names a diagnosis.

    >>> _cadence(np.zeros(5, int), np.array([0, 30, 59, 90, 121]), np.zeros(5, int))  # monthly, one drug
    (30.5, 1.0, 1.0)
    >>> _cadence(np.zeros(5, int), np.array([0, 3, 10, 12, 40]), np.array([0, 1, 2, 0, 3]))  # a collected card
    (5.0, 0.0, 0.4)
    """
    if not len(person):
        return math.nan, 0.0, math.nan
    # every member at once (grouped arrays, as _timetable): distinct days, gaps, their medians
    who, days = _distinct_pairs(person, day)  # by member, then day
    member = np.cumsum(np.concatenate([[True], who[1:] != who[:-1]])) - 1
    n = np.bincount(member)  # each member's distinct days
    enough = n >= min_days
    if not enough.any():
        return math.nan, 0.0, math.nan
    kept = enough[member]
    days, member, n = days[kept], (np.cumsum(enough) - 1)[member[kept]], n[enough]
    first = np.concatenate([[0], np.cumsum(n)[:-1]])  # each member's first day
    within = member[1:] == member[:-1]
    gaps, gap_of = np.diff(days)[within], member[1:][within]  # each member's n - 1 gaps, in a run
    ordered = gaps[np.lexsort((gaps, gap_of))]
    at = first - np.arange(len(n))  # each member's first gap
    low, high = ordered[at + (n - 2) // 2].astype(float), ordered[at + (n - 1) // 2].astype(float)
    med = (low + high) / 2.0  # as median(): the middle gap, or the mean of the two middle ones
    steadies = np.bincount(gap_of, weights=np.abs(gaps - med[gap_of]) <= steady * med[gap_of], minlength=len(n))
    # the commonest family's share of each kept member's purchases that name one (all their claims, not days)
    p = np.asarray(person, dtype=np.int64)
    ids = who[np.concatenate([[True], who[1:] != who[:-1]])][enough]  # the kept members' person codes, ascending
    pos = np.minimum(np.searchsorted(ids, p), len(ids) - 1)
    named = (ids[pos] == p) & (family >= 0)
    width = int(family.max(initial=0)) + 1
    pair, counts = np.unique(pos[named].astype(np.int64) * width + family[named], return_counts=True)
    top = np.zeros(len(n), dtype=np.int64)
    np.maximum.at(top, pair // width, counts)  # each member's commonest family: its purchases
    known = np.bincount(pos[named], minlength=len(n))
    families = top[known > 0] / known[known > 0]
    return (
        median(med),
        median(steadies / (n - 1)),
        median(families) if len(families) else math.nan,
    )


def _timetable(person: np.ndarray, day: np.ndarray, *, min_days: int = 4) -> dict[str, Any]:
    """Each member's own cadence: visits a week, weekday timetable and tenure (medians over members).

    A treatment regimen keeps each patient on a weekly timetable (dialysis on
    Mon/Wed/Fri or Tue/Thu/Sat, rehabilitation on weekdays) however the venue
    splits them into shifts; a broker's batches every few days rotate through
    the weekdays, and a weekly batch is one visit a week.  A member who comes
    ``w`` times a week is on a timetable when their days fall on their
    ``ceil(w)`` commonest weekdays.

    A course's length in weeks (``member_course_weeks``) counts the calendar
    weeks its days fall in, the first and the last week included: a course
    given Monday of one week to Friday of the next is a two-week course,
    though its first and last sessions are 11 days apart.  ``member_weeks``
    is the distance from first to last day, which counts the gaps between
    cycles (chemotherapy, refills).

    >>> mwf = np.array([2, 4, 6, 9, 11, 13, 16, 18, 20, 23, 25, 27])  # Mon, Wed, Fri for four weeks
    >>> every3 = np.arange(2, 40, 3)  # every third day: all weekdays in turn
    >>> [round(v, 2) for v in _timetable(np.zeros(12, int), mwf).values()]  # a week, timetable, weeks, regular, course
    [3.08, 1.0, 3.57, 1.0, 4.0]
    >>> [round(v, 2) for v in _timetable(np.zeros(13, int), every3).values()]
    [2.33, 0.46, 5.14, 1.0, 6.0]
    >>> [round(v, 2) for v in _timetable(np.zeros(5, int), np.array([0, 21, 42, 64, 84])).values()]  # 3-weekly
    [0.33, 0.8, 12.0, 1.0, 13.0]
    >>> two_weeks = np.array([2, 3, 4, 5, 6, 9, 10, 11, 12, 13])  # Mon-Fri, then Mon-Fri of the next week
    >>> [round(v, 2) for v in _timetable(np.zeros(10, int), two_weeks).values()][2::2]  # weeks apart, course weeks
    [1.57, 2.0]
    """
    none = {"member_weekly": 0.0, "member_timetable": 0.0, "member_weeks": 0.0, "member_regularity": 0.0,
            "member_course_weeks": 0.0}  # fmt: skip
    c = cadence(person, day, min_days=min_days)
    if c is None:
        return none
    days, member, n, first, span, per_week = c.days, c.member, c.n, c.first, c.span, c.per_week
    within = member[1:] == member[:-1]
    gaps, gap_of = np.diff(days)[within], member[1:][within]  # each member's n - 1 gaps, in a run
    ordered = gaps[np.lexsort((gaps, gap_of))]
    at = first - np.arange(len(n))  # each member's first gap
    low, high = ordered[at + (n - 2) // 2].astype(float), ordered[at + (n - 1) // 2].astype(float)
    middle = (low + high) / 2.0  # as np.median: the middle gap, or the mean of the two middle ones
    near = np.bincount(gap_of, weights=np.abs(gaps - middle[gap_of]) <= 1, minlength=len(n))
    return {"member_weekly": median(per_week), "member_timetable": median(c.on_timetable / n),
            "member_weeks": median(span / 7.0), "member_regularity": median(near / (n - 1)),
            "member_course_weeks": median(c.course.astype(float))}  # fmt: skip


@dataclass(frozen=True)
class Cadence:
    """Each person's own days at a venue (persons with ``min_days`` days or more: the members), by member then day:
    what :func:`_timetable` takes medians of and :func:`graphfraud.score.slots.on_course` judges person by person."""

    who: np.ndarray  # each member's person
    days: np.ndarray  # the members' distinct days, by member then day
    member: np.ndarray  # the member (0..) of each of those days
    n: np.ndarray  # each member's days
    first: np.ndarray  # where each member's days start in ``days``
    span: np.ndarray  # each member's first to last day, in days
    per_week: np.ndarray  # each member's visits a week
    on_timetable: np.ndarray  # each member's days on their ``ceil(per_week)`` commonest weekdays
    course: np.ndarray  # each member's calendar weeks, the first and the last included (a week starts on Monday)


def cadence(person: np.ndarray, day: np.ndarray, *, min_days: int = 4) -> Cadence | None:
    """:class:`Cadence` of the visits (``person``, ``day``); None when no person has ``min_days`` days.

    >>> c = cadence(np.zeros(8, int), np.arange(2, 2 + 7 * 8, 7))  # days since a Saturday: eight Mondays
    >>> c.n.tolist(), c.per_week.tolist(), c.on_timetable.tolist(), c.course.tolist()
    ([8], [1.0], [8], [8])
    """
    if not len(person):
        return None
    who, days = _distinct_pairs(person, day)  # by member, then day
    member = np.cumsum(np.concatenate([[True], who[1:] != who[:-1]])) - 1
    n = np.bincount(member)  # each person's days there
    enough = n >= min_days
    if not enough.any():
        return None
    starts = np.flatnonzero(np.concatenate([[True], who[1:] != who[:-1]]))
    kept = enough[member]
    days, member, n = days[kept], (np.cumsum(enough) - 1)[member[kept]], n[enough]
    first = np.concatenate([[0], np.cumsum(n)[:-1]])  # each member's first day
    span = days[first + n - 1] - days[first]
    per_week = 7.0 * (n - 1) / span
    k = np.minimum(7, np.ceil(per_week - 1e-9)).astype(np.int64)  # the member's timetable: k weekdays
    weekdays = np.bincount(member * 7 + (days + 5) % 7, minlength=7 * len(n)).reshape(len(n), 7)
    on_timetable = np.cumsum(-np.sort(-weekdays, axis=1), axis=1)[np.arange(len(n)), k - 1]
    course = (days[first + n - 1] + 5) // 7 - (days[first] + 5) // 7 + 1  # days since a Saturday: Monday starts
    return Cadence(who[starts][enough], days, member, n, first, span, per_week, on_timetable, course)


def _timetables(ring: np.ndarray, person: np.ndarray, day: np.ndarray, n_rings: int, *,
                min_days: int = 4) -> dict[str, np.ndarray]:  # fmt: skip
    """:func:`_timetable` of ``n_rings`` groups at once: claim i of group ``ring[i]`` (``ring`` ascending).

    The same arithmetic on the same members (a member is a (group, person)),
    and each group's medians from one sort of all the members' values by
    (group, value): bit-equal to :func:`_timetable` group by group.

    >>> mwf = np.array([2, 4, 6, 9, 11, 13, 16, 18, 20, 23, 25, 27])
    >>> out = _timetables(np.repeat([0, 2], 12), np.zeros(24, int), np.r_[mwf, mwf], 3)
    >>> [x.round(2).tolist() for x in out.values()]
    [[3.08, 0.0, 3.08], [1.0, 0.0, 1.0], [3.57, 0.0, 3.57], [1.0, 0.0, 1.0], [4.0, 0.0, 4.0]]
    """
    names = ("member_weekly", "member_timetable", "member_weeks", "member_regularity", "member_course_weeks")
    out = {name: np.zeros(n_rings) for name in names}
    if not len(ring):
        return out
    ring, person = np.asarray(ring, dtype=np.int64), np.asarray(person, dtype=np.int64)
    p0 = int(person.min())
    width = int(person.max()) - p0 + 1
    who, days = _distinct_pairs(ring * width + (person - p0), day)  # by group, member, then day
    member = np.cumsum(np.concatenate([[True], who[1:] != who[:-1]])) - 1
    n = np.bincount(member)
    enough = n >= min_days
    if not enough.any():
        return out
    kept = enough[member]
    days, member, n = days[kept], (np.cumsum(enough) - 1)[member[kept]], n[enough]
    first = np.concatenate([[0], np.cumsum(n)[:-1]])
    group = who[kept][first] // width  # each kept member's group, ascending
    span = days[first + n - 1] - days[first]
    per_week = 7.0 * (n - 1) / span
    k = np.minimum(7, np.ceil(per_week - 1e-9)).astype(np.int64)
    weekdays = np.bincount(member * 7 + (days + 5) % 7, minlength=7 * len(n)).reshape(len(n), 7)
    on_timetable = np.cumsum(-np.sort(-weekdays, axis=1), axis=1)[np.arange(len(n)), k - 1]
    within = member[1:] == member[:-1]
    gaps, gap_of = np.diff(days)[within], member[1:][within]
    ordered = gaps[np.lexsort((gaps, gap_of))]
    at = first - np.arange(len(n))
    low, high = ordered[at + (n - 2) // 2].astype(float), ordered[at + (n - 1) // 2].astype(float)
    middle = (low + high) / 2.0
    near = np.bincount(gap_of, weights=np.abs(gaps - middle[gap_of]) <= 1, minlength=len(n))
    course = (days[first + n - 1] + 5) // 7 - (days[first] + 5) // 7 + 1  # calendar weeks, as _timetable
    measures = (per_week, on_timetable / n, span / 7.0, near / (n - 1), course.astype(float))
    for name, values in zip(names, measures, strict=True):
        out[name] = _group_medians(group, values, n_rings, empty=0.0)
    return out


def _group_medians(group: np.ndarray, values: np.ndarray, n_groups: int, *, empty: float) -> np.ndarray:
    """:func:`median` of ``values[group == g]`` for each of ``n_groups`` groups (``empty`` where none).

    >>> _group_medians(np.array([0, 0, 0, 2, 2]), np.array([3.0, 1.0, 2.0, 0.1, 0.2]), 3, empty=-1.0).tolist()
    [2.0, -1.0, 0.15000000000000002]
    """
    if not len(values):
        return np.full(n_groups, empty)
    ordered = np.asarray(values, dtype=np.float64)[np.lexsort((values, group))]
    count = np.bincount(group, minlength=n_groups)
    start = np.cumsum(count) - count
    has = count > 0
    mid = start + count // 2
    low = ordered[np.where(has & (count % 2 == 0), mid - 1, np.minimum(mid, len(ordered) - 1))]
    high = ordered[np.minimum(mid, len(ordered) - 1)]
    return np.where(has, np.where(count % 2 == 1, high, (low + high) / 2.0), empty)


def _days_there(person: np.ndarray, day: np.ndarray) -> dict[str, Any]:
    """A group's days at its main venue (its claims there): event days, regulars, cycles, sessions, attendance."""
    ring_days, present, sessions, attended = _attendance(person, day)
    cycle, regularity = _cycle(ring_days)
    session_cycle, session_regularity = _cycle(np.sort(sessions))
    return {"event_days": int(len(ring_days)), "regulars": int((present >= REGULAR_DAYS).sum()), "cycle_days": cycle,
            "cycle_regularity": regularity, "sessions": int(len(sessions)),
            "attendance": median(attended) / len(sessions) if len(sessions) else 0.0,
            "weekday_share": _weekday_share(sessions), "session_cycle": session_cycle,
            "session_regularity": session_regularity, "monthday_share": _monthday_share(sessions)}  # fmt: skip


def _attendance_of(c: Candidate, person: np.ndarray, venue: np.ndarray, day: np.ndarray, main: int,
                   facts: ClaimFacts) -> dict[str, Any]:  # fmt: skip
    """:func:`_days_there` of ``c`` (its claims at the ``main`` venue) with :func:`_met_elsewhere` (all its claims:
    ``person``, ``venue``, ``day``); from :func:`_index_main_venue` when it measured ``c``."""
    known = facts.visit_index.get("days_there", {}).get(id(c))
    if known is not None and known[0] is c:
        return dict(known[1])
    at_main = venue == main
    met = _met_elsewhere(np.zeros(len(person), dtype=np.int64), person, venue, day, np.array([main]), 1,
                         home=_homes(facts, person))  # fmt: skip
    return _days_there(person[at_main], day[at_main]) | {name: int(values[0]) for name, values in met.items()}


def _homes(facts: ClaimFacts, person: np.ndarray) -> np.ndarray:
    """Each claim's person's address code (``facts.person_address``; -1 unknown, and for a claim of no person)."""
    person = np.asarray(person, dtype=np.int64)
    ok = person >= 0
    out = np.full(len(person), -1, dtype=np.int64)
    out[ok] = facts.person_address[person[ok]]
    return out


def _met_elsewhere(ring: np.ndarray, person: np.ndarray, venue: np.ndarray, day: np.ndarray, main: np.ndarray,
                   n_rings: int, *, met: int = MET_ELSEWHERE, home: np.ndarray | None = None) -> dict[str, np.ndarray]:  # fmt: skip
    """Each group's regulars over the days it met wherever it met: claim i of group ``ring[i]`` (``ring``
    ascending) by ``person[i]`` at ``venue[i]`` on ``day[i]``; ``main[g]`` is group g's main venue.

    A group's days are its days at its main venue (any member billed there, as :func:`_days_there`) and its days
    at another venue where members of at least ``met`` homes were billed (the group met there: a broker whose
    sessions alternate between a clinic and a hospital).  ``home[i]`` is the claim's person's address code, -1
    when unknown (a home of their own); without ``home`` every person is a home.  A family of three going to
    another doctor together is one home: no meeting (synth seed 5's family, a lead's check after the merge).  ``group_regulars`` are the persons present on at
    least 4 of those days (a day at two venues is one day), ``group_days`` the days, ``group_venues`` the venues.
    A group seen together at its main venue only has its :func:`_days_there` regulars and event days.

    >>> day = np.r_[np.repeat([7, 28], 5), np.repeat([14, 35], 5), [21, 21]]
    >>> venue = np.r_[np.zeros(10, int), np.ones(10, int), [2, 2]]
    >>> person = np.r_[np.tile(np.arange(5), 4), [0, 1]]
    >>> [x.tolist() for x in _met_elsewhere(np.zeros(22, int), person, venue, day, np.array([0]), 1, met=3).values()]
    [[5], [4], [2]]
    >>> [x.tolist() for x in _met_elsewhere(np.zeros(22, int), person, venue, day, np.array([0]), 1, met=6).values()]
    [[0], [2], [1]]
    >>> one_home = np.r_[np.zeros(20, int), [-1, -1]]  # persons 0-4 one household: they never met at venue 1
    >>> [x.tolist() for x in _met_elsewhere(np.zeros(22, int), person, venue, day, np.array([0]), 1, met=3, home=one_home).values()]
    [[0], [2], [1]]
    """
    ring, person, venue, day = (np.asarray(x, dtype=np.int64) for x in (ring, person, venue, day))
    out = {name: np.zeros(n_rings, dtype=np.int64) for name in ("group_regulars", "group_days", "group_venues")}
    if not len(ring):
        return out
    v0, d0, p0 = int(venue.min()), int(day.min()), int(person.min())
    vw, dw, pw = int(venue.max()) - v0 + 1, int(day.max()) - d0 + 1, int(person.max()) - p0 + 1
    # each group's venue-days, densely numbered, and its members on each
    keys, at = np.unique((ring * vw + (venue - v0)) * dw + (day - d0), return_inverse=True)
    vd_ring, vd_venue, vd_day = keys // (vw * dw), (keys // dw) % vw + v0, keys % dw + d0
    vd, who = _distinct_pairs(at.ravel(), person)
    if home is None:
        homes = np.bincount(vd, minlength=len(keys))
    else:  # distinct homes per venue-day; an unknown address is the person's own
        address = np.asarray(home, dtype=np.int64)
        own = np.where(address >= 0, address, int(address.max(initial=0)) + 1 + (person - p0))
        homes = np.bincount(_distinct_pairs(at.ravel(), own)[0], minlength=len(keys))
    counted = (vd_venue == np.asarray(main, dtype=np.int64)[vd_ring]) | (homes >= met)
    vd, who = vd[counted[vd]], who[counted[vd]]
    members, _ = _distinct_pairs(vd_ring[vd] * pw + (who - p0), vd_day[vd])  # (group, person) per distinct day
    member, present = np.unique(members, return_counts=True)
    out["group_regulars"] = np.bincount(member // pw, weights=present >= REGULAR_DAYS, minlength=n_rings).astype(
        np.int64
    )
    out["group_days"] = np.bincount(distinct(vd_ring[counted] * dw + (vd_day[counted] - d0)) // dw, minlength=n_rings)
    out["group_venues"] = np.bincount(distinct(vd_ring[counted] * vw + (vd_venue[counted] - v0)) // vw,
                                      minlength=n_rings)  # fmt: skip
    return out


def _attendance(person: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A group's days at a venue (its claims there: ``person``, ``day``), from one set of distinct (person, day):
    the days, each person's days present, the sessions (:func:`_sessions`) and each person's sessions attended
    (persons in order; those at no session last, with 0).

    >>> day = np.r_[np.repeat([7, 14, 21], 20), [3, 3, 3, 10, 10, 10]]
    >>> person = np.r_[np.tile(np.arange(20), 3), [1, 2, 3, 20, 21, 22]]
    >>> [x.tolist()[-4:] for x in _attendance(person, day)]
    [[7, 10, 14, 21], [3, 1, 1, 1], [7, 14, 21], [3, 0, 0, 0]]
    """
    who, days = _distinct_pairs(person, day)  # by person, then day
    persons, present = np.unique(who, return_counts=True)
    ring_days, per_day = np.unique(days, return_counts=True)
    sessions = _sessions(ring_days, per_day)
    attended = np.unique(who[in_sorted(days, sessions)], return_counts=True)[1]
    attended = np.concatenate([attended, np.zeros(len(persons) - len(attended), dtype=np.int64)])
    return ring_days, present, sessions, attended


def _attendances(ring: np.ndarray, person: np.ndarray, day: np.ndarray, n_rings: int) -> dict[str, np.ndarray]:
    """What :func:`features` makes of :func:`_attendance` (event days, regulars, cycles, sessions, attendance,
    weekday share) for ``n_rings`` groups at once: claim i of group ``ring[i]`` at its main venue.

    Members are (group, person) and ring days (group, day); each group's
    sessions by :func:`_group_regulars`, its medians by :func:`_group_medians`:
    the same numbers, to the bit, as group by group.

    >>> day = np.r_[np.repeat([7, 14, 21], 20), [3, 3, 3, 10, 10, 10]]
    >>> person = np.r_[np.tile(np.arange(20), 3), [1, 2, 3, 20, 21, 22]]
    >>> out = _attendances(np.repeat([1], len(day)), person, day, 2)
    >>> out["event_days"].tolist(), out["sessions"].tolist(), out["attendance"].tolist(), out["session_cycle"].tolist()
    ([0, 5], [0, 3], [0.0, 1.0], [nan, 7.0])
    """
    ring, person, day = (np.asarray(x, dtype=np.int64) for x in (ring, person, day))
    out = {"event_days": np.zeros(n_rings, dtype=np.int64), "regulars": np.zeros(n_rings, dtype=np.int64),
           "sessions": np.zeros(n_rings, dtype=np.int64), "attendance": np.zeros(n_rings),
           "weekday_share": np.zeros(n_rings), "cycle_days": np.full(n_rings, np.nan),
           "cycle_regularity": np.zeros(n_rings), "session_cycle": np.full(n_rings, np.nan),
           "session_regularity": np.zeros(n_rings), "monthday_share": np.zeros(n_rings)}  # fmt: skip
    if not len(ring):
        return out
    p0, d0 = int(person.min()), int(day.min())
    pw, dw = int(person.max()) - p0 + 1, int(day.max()) - d0 + 1
    who, days = _distinct_pairs(ring * pw + (person - p0), day)  # by group, person, then day
    member = np.cumsum(np.concatenate([[True], who[1:] != who[:-1]])) - 1
    present = np.bincount(member)
    member_ring = who[np.concatenate([[True], who[1:] != who[:-1]])] // pw
    out["regulars"] = np.bincount(member_ring, weights=present >= REGULAR_DAYS, minlength=n_rings).astype(np.int64)
    ring_day, per_day = np.unique((who // pw) * dw + (days - d0), return_counts=True)  # by group, then day
    day_ring, ring_days = ring_day // dw, ring_day % dw + d0
    out["event_days"] = np.bincount(day_ring, minlength=n_rings)
    session = _group_regulars(day_ring, per_day)
    out["sessions"] = np.bincount(day_ring[session], minlength=n_rings)
    attended = np.bincount(member, weights=in_sorted((who // pw) * dw + (days - d0), ring_day[session]))
    n_sessions = out["sessions"]
    held = n_sessions > 0
    middle = _group_medians(member_ring, attended, n_rings, empty=0.0)
    out["attendance"] = np.where(held, middle / np.maximum(n_sessions, 1), 0.0)
    weekdays = np.bincount(day_ring[session] * 7 + (ring_days[session] + 5) % 7, minlength=7 * n_rings)
    top3 = np.sort(weekdays.reshape(n_rings, 7), axis=1)[:, ::-1][:, :3].sum(axis=1)
    out["weekday_share"] = np.where(held, top3 / np.maximum(n_sessions, 1), 0.0)
    out["cycle_days"], out["cycle_regularity"] = _group_cycles(day_ring, ring_days, n_rings)
    out["session_cycle"], out["session_regularity"] = _group_cycles(day_ring[session], ring_days[session], n_rings)
    dates = np.bincount(day_ring[session] * 33 + _month_day(ring_days[session]), minlength=33 * n_rings)
    out["monthday_share"] = np.where(held, _date_window(dates.reshape(n_rings, 33)) / np.maximum(n_sessions, 1), 0.0)
    return out


def _group_regulars(group: np.ndarray, times: np.ndarray, *, min_share: float | None = None) -> np.ndarray:
    """:func:`graphfraud.detect.organise.regulars` within each group (``group`` ascending), at once.

    >>> _group_regulars(np.array([0, 0, 0, 0, 0, 0, 1, 1]), np.array([150, 2, 140, 3, 2, 148, 6, 2])).tolist()
    [True, False, True, False, False, True, True, True]
    """
    share = _ORGANISE.min_share if min_share is None else min_share
    order = np.lexsort((np.arange(len(times)), -times, group))  # each group's most frequent first, stable
    desc = times[order].astype(float)
    cum = np.cumsum(desc)  # whole numbers: exact, so each group's own running sum is cum less the groups before it
    count = np.bincount(group)
    start = np.repeat(np.cumsum(count) - count, count)
    before = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
    at = np.searchsorted(cum, before + (cum - before) / 2.0)
    ok = desc >= share * desc[at]
    bad = np.flatnonzero(~ok)
    cut = np.full(len(count), np.iinfo(np.int64).max)  # each group's first attendee below the share, in order
    np.minimum.at(cut, group[order][bad], bad)
    keep = np.zeros(len(times), dtype=bool)
    keep[order[np.arange(len(times)) < cut[group[order]]]] = True
    return keep


def _group_cycles(group: np.ndarray, days: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_cycle` of each group's ascending ``days`` (``group`` ascending): median gap (NaN under 3 days) and
    the share of gaps within a day of it (0.0 under 3 days)."""
    within = group[1:] == group[:-1]
    gaps, gap_of = np.diff(days)[within], group[1:][within]
    count = np.bincount(group, minlength=n_groups)
    middle = _group_medians(gap_of, gaps, n_groups, empty=np.nan)
    near = np.bincount(gap_of, weights=np.abs(gaps - middle[gap_of]) <= 1, minlength=n_groups)
    enough = count >= 3
    return np.where(enough, middle, np.nan), np.where(enough, near / np.maximum(count - 1, 1), 0.0)


def _sessions(days: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The days that hold a group's sessions: its ring ``days`` (with the members ``present`` on each) down to
    the first sharp drop in members present.

    A nursing home's round brings seventy residents to the community centre
    each Tuesday; on other days three or four of them come on their own.
    Those days are ring days (three members met there) but not sessions:
    counting them would make each resident look absent from most sessions.
    Days are taken from the best attended down, and the first one with fewer
    members than a fifth of the typical session's ends them
    (:func:`graphfraud.detect.organise.regulars`, the rule that ends an
    organisation's block of members).

    >>> _sessions(np.array([3, 7, 10, 14, 21]), np.array([3, 20, 3, 20, 20])).tolist()
    [7, 14, 21]
    """
    return days[regulars(present)]


def _distinct_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (a, b) pairs of two int arrays, sorted by ``a`` then ``b``.

    As ``np.unique(np.stack([a, b], axis=1), axis=0)``, by one sort of a
    packed int64 key (``np.unique`` along an axis sorts the rows as records,
    several times slower, and scoring takes it a few times per candidate).

    >>> [x.tolist() for x in _distinct_pairs(np.array([5, 2, 5, 5]), np.array([1, 9, -1, 1]))]
    [[2, 5, 5], [9, -1, 1]]
    """
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    if not len(a):
        return a, b
    a0, b0 = int(a.min()), int(b.min())
    width = int(b.max()) - b0 + 1
    if (int(a.max()) - a0 + 1) * width >= 2**63:  # pragma: no cover - codes far beyond any claims table
        pairs = np.unique(np.stack([a, b], axis=1), axis=0)
        return pairs[:, 0], pairs[:, 1]
    key = distinct((a - a0) * width + (b - b0))
    return key // width + a0, key % width + b0


def median(values: np.ndarray) -> float:
    """``np.median`` of a 1-D array without NaN (NaN when empty), by one sort.

    The same number as ``np.median`` (the middle value, or the mean of the two
    middle ones), without its dispatch, which costs more than the sort on a
    ring's few values; scoring takes thousands of them.

    >>> median(np.array([3, 1, 2])), median(np.array([4, 1, 3, 2])), median(np.array([0.1, 0.2]))
    (2.0, 2.5, 0.15000000000000002)
    """
    if not len(values):
        return math.nan
    ordered = np.sort(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (float(ordered[mid - 1]) + float(ordered[mid])) / 2.0


def _median_age(ages: np.ndarray) -> float:
    """Median of the known ages (``np.nanmedian``), NaN when none is known."""
    known = ages[~np.isnan(ages)]
    return median(known) if len(known) else math.nan


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole > 0 else 0.0


def _cycle(days: np.ndarray) -> tuple[float, float]:
    if len(days) < 3:
        return float("nan"), 0.0
    gaps = np.diff(days)
    med = median(gaps)
    return med, float((np.abs(gaps - med) <= 1).mean())


def _clock_of(days: np.ndarray) -> dict[str, Any]:
    """``clock_venue`` and ``day_dispersion`` of a group at an unnamed around-the-clock venue (step 87).

    >>> _clock_of(np.array([0, 1, 2, 3, 4, 5]))["day_dispersion"]
    0.0
    >>> round(_clock_of(np.array([0] * 10 + [7] * 10))["day_dispersion"], 1)  # two sessions
    7.5
    """
    if not len(days):
        return {"clock_venue": True}
    d = days.astype(np.int64)
    counts = np.bincount(d - d.min())
    return {"clock_venue": True, "day_dispersion": float(counts.var() / counts.mean())}


def _arrival_gap(t: Visits, rows: np.ndarray) -> float:
    if len(rows) < 2:
        return float("nan")
    minute = np.sort(t.column("minute")[rows])
    gaps = np.diff(minute)
    same_day = (minute[1:] // 1440) == (minute[:-1] // 1440)
    gaps = gaps[same_day]
    return median(gaps) if len(gaps) else float("nan")


#: The fund's cost ratio measures a group's cost only where the fund paid at least this share of its insurance money.
ACCOUNT_PAID = 0.5

#: The name the cells' insurance money is kept under (``ClaimGraph.shared``): made once per run, when first needed.
MONEY_CELLS = "money_cells"


def _money_cost(rows: np.ndarray, fund: float, facts: ClaimFacts) -> tuple[float, float]:
    """``money_cost`` and ``money_chance`` of a group whose fund paid under :data:`ACCOUNT_PAID` of its insurance
    money (:func:`money_contrast`); NaN and NaN otherwise.

    A card swiped at a pharmacy outside the outpatient pool spends the holder's personal account (个人账户): the
    fund pays nothing, so the fund's ratio to its peers is 0.00x however dear the purchases, and a collector's
    sessions of a few cards a minute apart passed the households' cost test at "0.00x" (otherworld seed 87's
    card_collector:04, two shops' 74 and 71 loaded cards explained as households).  Where the fund paid most,
    the fund's ratio is the measure, as before.
    """
    if facts.stake is None or not len(rows):
        return math.nan, math.nan
    stake = float(facts.stake[rows].sum())
    if stake <= 0 or fund >= ACCOUNT_PAID * stake:
        return math.nan, math.nan
    return money_contrast(rows, facts)


def money_contrast(rows: np.ndarray, facts: ClaimFacts) -> tuple[float, float]:
    """:func:`cost_contrast`'s ratio and chance on the insurance money (fund and personal account) of each claim.

    The cells' sums of that money are made once per run (:data:`MONEY_CELLS`), when a group first needs them.
    """
    stake = facts.stake
    if stake is None:
        return math.nan, math.nan

    def cells() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        n_cells, n_vtype = len(facts.cell_claims), len(facts.vtype_claims)
        return (
            np.bincount(facts.cell, weights=stake, minlength=n_cells),
            np.bincount(facts.cell, weights=np.square(stake), minlength=n_cells),
            np.bincount(facts.vtype, weights=stake, minlength=n_vtype),
            np.bincount(facts.vtype, weights=np.square(stake), minlength=n_vtype),
        )

    cell_m, cell_sq, vtype_m, vtype_sq = facts.graph.shared(MONEY_CELLS, cells)
    ratio, _, _, chance = _contrast(
        rows,
        stake[rows],
        (
            (facts.cell, facts.cell_claims, cell_m, cell_sq),
            (facts.vtype, facts.vtype_claims, vtype_m, vtype_sq),
        ),
        squares=True,
    )
    return ratio, chance


def cost_contrast(rows: np.ndarray, facts: ClaimFacts) -> tuple[float, float, float, float]:
    """Fund per claim of the candidate vs. the same visit type and diagnosis outside it.

    Each ring claim is compared with the mean fund of all *other* claims of
    its (visit type, diagnosis family) cell; a cell with fewer than
    ``MIN_PEERS`` other claims falls back to its visit type alone.  Returns
    (ratio, expected fund per claim, ring fund per claim, chance): the chance
    is the ring's fund above the expected in standard errors of as many claims
    drawn from the same cells (the cells' other claims' variance summed over
    the ring's claims), NaN when the facts hold no squares.
    """
    squares = facts.cell_fund_sq is not None and facts.vtype_fund_sq is not None
    return _contrast(
        rows,
        facts.graph.visits.column("fund")[rows],
        (
            (facts.cell, facts.cell_claims, facts.cell_fund, facts.cell_fund_sq),
            (facts.vtype, facts.vtype_claims, facts.vtype_fund, facts.vtype_fund_sq),
        ),
        squares=squares,
    )


def _contrast(rows: np.ndarray, fund: np.ndarray, levels: tuple, *, squares: bool) -> tuple[float, float, float, float]:
    """:func:`cost_contrast` on the money ``fund`` of ``rows``, against the cells of ``levels``: (cell per claim,
    claims per cell, money per cell, squares per cell) for the cells, then their fallback (the visit type)."""
    expected = np.empty(len(rows))
    spread = np.zeros(len(rows))
    enough = np.zeros(len(rows), dtype=bool)
    for cells, cell_n, cell_fund, cell_sq in levels:
        c = cells[rows]
        own_n = np.bincount(c, minlength=len(cell_n))
        own_f = np.bincount(c, weights=fund, minlength=len(cell_n))
        other_n = cell_n - own_n
        other_f = cell_fund - own_f
        ok = (other_n[c] >= MIN_PEERS) & ~enough
        expected[ok] = other_f[c[ok]] / other_n[c[ok]]
        if cell_sq is not None and squares:
            other_sq = cell_sq - np.bincount(c, weights=np.square(fund), minlength=len(cell_n))
            spread[ok] = np.maximum(other_sq[c[ok]] / other_n[c[ok]] - np.square(expected[ok]), 0.0)
        enough |= ok
    if not enough.any():
        return 1.0, float("nan"), float(fund.mean()) if len(fund) else 0.0, float("nan")
    ring = float(fund[enough].sum())
    base = float(expected[enough].sum())
    n = int(enough.sum())
    sd = math.sqrt(float(spread[enough].sum()))
    chance = (ring - base) / sd if squares and sd > 0 else float("nan")
    return (ring / base if base > 0 else 1.0), base / n, ring / n, chance


def _peer_venue_ratio(rows: np.ndarray, main: int, facts: ClaimFacts) -> float:
    """Fund per claim at the main venue in the ring's commonest cell vs. the same cell at other venues."""
    t = facts.graph.visits
    at = t.column("venue")[rows] == main
    cells = facts.cell[rows][at]
    if not len(cells):
        return float("nan")
    top = int(np.bincount(cells).argmax())
    ring_fpc = float(t.column("fund")[rows][at][cells == top].mean())
    claims = facts.cell_venue_claims[top].sum() - facts.cell_venue_claims[top, main + 1]
    fund = facts.cell_venue_fund[top].sum() - facts.cell_venue_fund[top, main + 1]
    if claims < MIN_PEERS:
        return float("nan")
    if fund <= 0:  # the fund paid the peers nothing (a cell paid from personal accounts): as numpy's x/0, unwarned
        return float("inf") if ring_fpc > 0 else float("nan")
    return ring_fpc / (fund / claims)


def _phone_dear(rows: np.ndarray, person: np.ndarray, hub: int, facts: ClaimFacts) -> float:
    """The share of the amount on dear items over the group's claims by the members bound to phone ``hub``.

    Step 132: what a phone's cards are used for is read on those cards; a group joined around them (a 社区
    centre's other regulars on the same days) may buy dear items of its own.  NaN without a hub.
    """
    if hub < 0:
        return math.nan
    own = facts.person_phone[person] == hub
    return _share(facts.high_value[rows[own]].sum(), facts.total[rows[own]].sum())


def _phone_hub(persons: np.ndarray, facts: ClaimFacts) -> tuple[int, int, int]:
    """The phone bound to most members who live at >= 3 different addresses.

    A phone shared across two addresses is ordinary family life (parents bound
    to a grown child's phone); a collector's or broker's phone spans many.
    Returns (phone code or -1, persons on it, their distinct addresses).
    """
    phone = facts.person_phone[persons]
    ok = phone >= 0
    if not ok.any():
        return -1, 0, 0
    phone, address = phone[ok], facts.person_address[persons][ok]
    phones, n_addresses = np.unique(_distinct_pairs(phone, address)[0], return_counts=True)  # distinct (phone, address)
    n_persons = np.bincount(np.searchsorted(phones, phone), minlength=len(phones))
    good = n_addresses >= 3
    if not good.any():
        return -1, 0, 0
    order = np.lexsort((phones[good], -n_addresses[good], -n_persons[good]))[0]
    return int(phones[good][order]), int(n_persons[good][order]), int(n_addresses[good][order])
