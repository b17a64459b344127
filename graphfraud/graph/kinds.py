"""Step 100: a facility's kind read from its own claims, when the export carries neither kinds nor levels.

Real exports often lack the facilities' kind, level and ownership: they live in a separate table
(定点医药机构信息表) that the claims extract leaves out.  Without them the benign explanations of primary
care (:mod:`graphfraud.score.primary`: a village's family-doctor day, a child-health day) cannot tell a
village clinic from a county hospital, the kept-cards test (:func:`graphfraud.detect.cards.kept_cards`)
has no clinics to test, and the peer groups of the bed and card detectors mix clinics and hospitals
(round 18's ablation: thirdworld 15 F1 0.929 -> 0.553, benchmarks/results/ablation.md).

What a venue's own claims show of its kind, in this order (the first that holds):

- **An internet hospital** (互联网医院): open around the clock and admitting nobody
  (:func:`clock_venues`, step 87's reading): ``hospital``.
- **A hospital**: it keeps beds (at least :data:`HOSPITAL_BEDS` stays on one night), or stays are
  :data:`HOSPITAL_STAY_SHARE` of its claims or more (a specialty hospital's), or at least
  :data:`HOSPITAL_DOCTORS` doctors are named on its claims (a township centre has a handful, a county
  hospital's outpatient departments dozens): ``hospital``.
- **A specialty centre** (影像中心, 体检中心, 透析中心): no stays, and its typical (median) claim costs at least
  :data:`SPECIALTY_PRICE` times the typical facility claim: ``specialty``.
- **A township or community centre** (乡镇卫生院, 社区卫生服务中心): a few stays, chronic-disease visits (门诊慢特病)
  or more than :data:`CLINIC_DOCTORS` doctors: ``community``.
- **A clinic** (村卫生室, 诊所, 门诊部): outpatient care only, by at most :data:`CLINIC_DOCTORS` named doctors:
  ``clinic``.

Without doctors on its claims (an export without ``claims.doctor_id``) a venue is a hospital or a specialty
centre by its hours, stays and prices, or of unknown kind: its doctors are what tells a county hospital with a
few stays a night from a township centre (otherworld 10's hospitals hold 9-18 stays a night, 2-4% of their
claims), so primary care is then not told.

A facility with fewer than :data:`MIN_CLAIMS` claims keeps an unknown kind.  Levels are not inferred
(peers then group by kind at any level), nor is ownership: a hospital's ownership is not in its claims,
and an unknown ownership stays unknown (neither public nor private).  Nothing changes when the export
carries any kind or level.  The kinds inferred are named so in ``run.json`` (``inferred``) and in the
reasons that rest on them (:mod:`graphfraud.score.primary`, the kept cards).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from graphfraud.graph.build import ClaimGraph

#: A venue with fewer claims than this keeps an unknown kind (a few claims say nothing of a venue's care).
MIN_CLAIMS = 30
#: Stays on one night that make a hospital (a township centre's ward holds a few patients at a time).
HOSPITAL_BEDS = 20
#: Share of a venue's claims that are stays from which it is a hospital (a centre's are 1-3%).
HOSPITAL_STAY_SHARE = 0.05
#: Distinct doctors named on a venue's claims from which it is a hospital.
HOSPITAL_DOCTORS = 15
#: A venue without stays whose median claim costs this many times the median facility claim is a specialty centre.
SPECIALTY_PRICE = 5.0
#: A clinic has at most this many doctors named on its claims.
CLINIC_DOCTORS = 3

#: Where :meth:`ClaimGraph.shared` keeps the per-venue-code inferred kinds ("" where recorded or unknown).
SHARED = "kinds:inferred"

#: Chinese names of the inferred kinds, for reasons.
ZH = {"hospital": "医院", "specialty": "专科机构", "community": "乡镇卫生院/社区卫生服务中心", "clinic": "诊所/卫生室"}


def inferred_kinds(graph: ClaimGraph) -> np.ndarray | None:
    """Per venue code, the kind step 100 inferred (``""``: recorded or unknown); None when none was inferred."""
    found: np.ndarray | None = graph.shared(SHARED, lambda: None)
    return found


def named(kind: str) -> str:
    """An inferred kind as reasons print it, Chinese first.

    >>> named("clinic")
    '诊所/卫生室 (clinic)'
    """
    return f"{ZH.get(kind, kind)} ({kind})"


def needs_inference(facilities: pd.DataFrame) -> bool:
    """Whether the export carries no facility kind and no level (step 100 infers kinds only then).

    >>> needs_inference(pd.DataFrame({"facility_id": ["H1"], "kind": [None], "level": [None]}))
    True
    >>> needs_inference(pd.DataFrame({"facility_id": ["H1"], "kind": [None], "level": [1]}))
    False
    """
    if not len(facilities):
        return False
    return all(c not in facilities or not facilities[c].notna().any() for c in ("kind", "level"))


#: Step 87.  An internet hospital is open around the clock: of its timed claims at least CLOCK_NIGHT fall between
#: 23:00 and 06:00 (when a clinic, an outpatient department and a pharmacy counter are shut; a hospital's
#: emergency department is open, but its hospital admits) ...
CLOCK_NIGHT = 0.02
NIGHT_HOURS = (23, 0, 1, 2, 3, 4, 5)
#: ... at least CLOCK_HOURS hours of the day each hold at least 1% of them (a long session spilling into the night
#: fills a few hours, an online clinic's follow-ups fill the day and the evening) ...
CLOCK_HOURS = 16
#: ... it admits nobody, and it has at least CLOCK_CLAIMS timed claims (fewer say nothing of its hours).
CLOCK_CLAIMS = 300


def clock_venues(venue: np.ndarray, hour: np.ndarray, inpatient: np.ndarray, n: int) -> np.ndarray:
    """Per venue code (``n`` codes), whether its own claims show a venue open around the clock admitting nobody.

    ``venue``, ``hour`` (-1 untimed) and ``inpatient`` per claim.  See :data:`CLOCK_NIGHT`, :data:`CLOCK_HOURS`
    and :data:`CLOCK_CLAIMS`.

    >>> h = np.array([*range(24)] * 20 + [10] * 20)
    >>> v = np.zeros(len(h), dtype=int)
    >>> clock_venues(v, h, np.zeros(len(h), dtype=bool), 2).tolist()
    [True, False]
    >>> clock_venues(v, np.where((h < 8) | (h == 23), 9, h), np.zeros(len(h), dtype=bool), 1).tolist()  # shut at night
    [False]
    """
    ok = (venue >= 0) & (hour >= 0)
    counts = np.zeros((n, 24), dtype=np.int64)
    np.add.at(counts, (venue[ok], hour[ok].astype(np.int64)), 1)
    timed = counts.sum(axis=1)
    share = counts / np.maximum(timed, 1)[:, None]
    admits = np.bincount(venue[(venue >= 0) & inpatient], minlength=n)[:n] > 0
    return (
        (timed >= CLOCK_CLAIMS)
        & (share[:, list(NIGHT_HOURS)].sum(axis=1) >= CLOCK_NIGHT)
        & ((share >= 0.01).sum(axis=1) >= CLOCK_HOURS)
        & ~admits
    )


def venue_stats(graph: ClaimGraph) -> pd.DataFrame:
    """Per venue code, what its facility claims show: ``claims``, ``stays``, ``beds`` (most stays on one
    night), ``chronic``, ``doctors``, ``price`` (median claim total), ``clock`` (around the clock)."""
    v = graph.visits
    n = len(v.venues)
    venue, kind = v.column("venue").astype(np.int64), v.column("kind")
    inpatient = v.column("inpatient").astype(bool)
    fac = (kind == 0) & (venue >= 0)
    claims = np.bincount(venue[fac], minlength=n)[:n]
    stays = np.bincount(venue[fac & inpatient], minlength=n)[:n]
    codes, values = graph.claim_codes("visit_type")
    chronic_code = np.flatnonzero(np.asarray(values, dtype=object) == "chronic")
    chronic = np.bincount(venue[fac & np.isin(codes, chronic_code)], minlength=n)[:n]
    doctor = v.column("doctor").astype(np.int64)
    named = fac & (doctor >= 0)
    pairs = np.unique(venue[named] * (len(v.doctors) + 1) + doctor[named])
    doctors = np.bincount(pairs // (len(v.doctors) + 1), minlength=n)[:n]
    # beds: the most stays on one night (a stay holds its bed from admission to the night before discharge)
    rows = np.flatnonzero(fac & inpatient)
    beds = np.zeros(n, dtype=np.int64)
    if len(rows):
        start = v.column("day")[rows].astype(np.int64)
        end = v.column("end_day")[rows].astype(np.int64)
        end = np.where(end > start, end, start + 1)
        ev = pd.DataFrame(
            {
                "venue": np.concatenate([venue[rows], venue[rows]]),
                "day": np.concatenate([start, end]),
                "step": np.concatenate([np.ones(len(rows), np.int64), -np.ones(len(rows), np.int64)]),
            }
        )
        ev = ev.groupby(["venue", "day"], sort=True)["step"].sum().reset_index()
        ev["held"] = ev.groupby("venue")["step"].cumsum()
        peak = ev.groupby("venue")["held"].max()
        beds[peak.index.to_numpy()] = peak.to_numpy()
    total = graph.data.claims["total_amount"].to_numpy(dtype=float, na_value=np.nan)
    ok = fac & ~np.isnan(total)
    price = pd.Series(total[ok]).groupby(venue[ok]).median().reindex(range(n)).to_numpy(dtype=float)
    typical = float(np.median(total[ok])) if ok.any() else np.nan
    if graph.day_resolution:
        clock = np.zeros(n, dtype=bool)
    else:
        hour = np.floor_divide(np.remainder(v.column("minute").astype(np.int64), 1440), 60)
        if graph.timed is not None:
            hour[~graph.timed] = -1
        hour[~fac] = -1
        clock = clock_venues(venue, hour, inpatient, n)
    return pd.DataFrame(
        {
            "claims": claims,
            "stays": stays,
            "beds": beds,
            "chronic": chronic,
            "doctors": doctors,
            "price": price / typical if typical > 0 else np.nan,
            "clock": clock,
        }
    )


def kinds_of(stats: pd.DataFrame) -> np.ndarray:
    """The kind each row of :func:`venue_stats` shows (module docstring), ``""`` where too few claims.

    >>> s = pd.DataFrame({"claims": [2000, 9000, 800, 4000, 10], "stays": [0, 400, 0, 60, 0], "beds": [0, 30, 0, 5, 0],
    ...                   "chronic": [0, 900, 0, 1000, 0], "doctors": [2, 60, 3, 9, 1],
    ...                   "price": [1.0, 1.9, 12.0, 1.0, 1.0], "clock": [False] * 5})
    >>> kinds_of(s).tolist()
    ['clinic', 'hospital', 'specialty', 'community', '']
    """
    claims, stays = stats["claims"].to_numpy(), stats["stays"].to_numpy()
    doctors = stats["doctors"].to_numpy()
    hospital = (
        stats["clock"].to_numpy(dtype=bool)
        | (stats["beds"].to_numpy() >= HOSPITAL_BEDS)
        | (stays >= HOSPITAL_STAY_SHARE * np.maximum(claims, 1))
        | (doctors >= HOSPITAL_DOCTORS)
    )
    specialty = (stays == 0) & (stats["price"].to_numpy(dtype=float, na_value=np.nan) >= SPECIALTY_PRICE)
    clinic = (stays == 0) & (stats["chronic"].to_numpy() == 0) & (doctors >= 1) & (doctors <= CLINIC_DOCTORS)
    # without doctors on its claims a venue is a hospital or a specialty centre by its stays, hours and prices, or
    # unknown: a county hospital's few stays a night look like a township centre's (otherworld 10: 9-18 a night)
    primary = np.where(doctors > 0, np.where(clinic, "clinic", "community"), "")
    out = np.where(hospital, "hospital", np.where(specialty, "specialty", primary))
    return np.where(claims >= MIN_CLAIMS, out, "").astype(object)


def infer_kinds(graph: ClaimGraph) -> tuple[ClaimGraph, dict[str, object]]:
    """The graph with its facilities' kinds inferred from their claims (step 100), and the ``run.json`` record.

    Unchanged (and an empty record) when the export carries any facility kind or level.  The kinds are
    kept per venue code under :data:`SHARED` of the new graph, for the reasons that name them.

    >>> from graphfraud.synth import toy
    >>> data, _ = toy.staged_clinic()
    >>> g, record = infer_kinds(build := __import__("graphfraud.graph.build", fromlist=["x"]).build_graph(data))
    >>> g is build, record
    (True, {})
    """
    facilities = graph.data.facilities
    if not needs_inference(facilities):
        return graph, {}
    kinds = kinds_of(venue_stats(graph))  # per venue code
    codes = graph.visits.venues.codes(pd.Series(facilities["facility_id"], dtype=object))
    codes = np.asarray(codes, dtype=np.int64)
    per_row = np.where(codes >= 0, kinds[np.maximum(codes, 0)] if len(kinds) else "", "")
    column = pd.Series(per_row, index=facilities.index, dtype=object).replace("", None)
    data = replace(graph.data, facilities=facilities.assign(kind=column.astype(facilities["kind"].dtype)))
    new = graph.__class__(data, graph.visits)
    new.shared(SHARED, lambda: kinds)
    counts = pd.Series(per_row[per_row != ""]).value_counts()
    record: dict[str, object] = {
        "facilities.kind": {
            "how": "step 100: inferred from each facility's own claims (stays and beds, doctors, chronic visits, "
            "prices, hours); 按各机构自身结算推断",
            "facilities": {k: int(counts.get(k, 0)) for k in ("hospital", "specialty", "community", "clinic")},
            "unknown": int((per_row == "").sum()),
        },
        "facilities.level": "not inferred (peers of a kind at any level)",
        "facilities.ownership": "not inferred (a venue's claims do not show who owns it): unknown, as without "
        "the column (signals_reduced)",
    }
    return new, record
