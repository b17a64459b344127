"""Check-ups billed to the fund, batch after batch, at one venue (step 99).

A health check-up (ICD-10 Z00, 一般检查: no complaint, no illness found) is
not the basic medical insurance fund's to pay (基本医保不予支付: 健康体检).
An employer's, a school's or a township's group check-up is paid by the
employer, the public-health budget or the person, and it is one campaign: a
few days in a row, each person once.  A venue that bills the pooled fund for
check-ups by the batch (``BATCH`` or more on one day) in ``CAMPAIGNS`` or
more campaigns weeks or months apart is billing the fund for check-ups it
does not pay, again and again: a 体检中心's fake check-ups of a roster of
villagers, entered a batch at a time.  A screening round (Z10-Z13: 包虫病,
结核, 两癌) is yearly at most, so at a venue of screenings the same names
screened again within :data:`SCREEN_AGAIN_DAYS` (nine months) are a roster
too (step 155), where a check-up needs them back within half a year.  The persons of its batches are one
candidate, named a staged clinic (虚构诊疗) at the venue.

What the rule needs: ``diagnosis`` and the fund's amount (required by the
contract).  A claim exported without a diagnosis is a check-up when its fee
lines (``claim_items``) are a package of tests and nothing else
(:func:`package_rows`, step 110): ``PACKAGE_LINES`` or more lines, each an
examination or a laboratory test (检查, 化验), no consultation, drug or
treatment, billed to a person ``ADULT`` years old or more where the age is
known (a child's check-up is child health care, as Z00.1-Z00.3).  Without
diagnoses or fee lines, no candidate.  It reads dates only, so it holds in
date-only exports, where the batches make no burst of arrivals; with times
it is the same rule.  A school check-up on three days in a row, billed half to
the fund (sixthworld's), is one campaign; the public-health check-ups of the
other generators are not billed to the fund.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import ClaimGraph
from graphfraud.io.arrow import row_positions

#: Reported as co-visits: a group at one venue, scored as the co-visit detector's candidates are.
NAME = "covisit"

#: The ICD-10 category of a check-up without complaint (Z00.0 an adult's general medical examination).
CHECKUP = "Z00"

#: Its children's codes, left out: Z00.1 routine child health examination, Z00.2 and Z00.3 growth and adolescent
#: development.  Child health care (儿童保健) is given on a schedule, the same child again every few months.
CHILDREN = ("Z00.1", "Z00.2", "Z00.3", "Z13.4")

#: Step 115: screening without complaint is the same: Z10 a subpopulation's routine check-up, Z11-Z13 special
#: screening examinations (包虫病, 结核, 两癌 screening: public-health programmes, 重大公共卫生服务项目, one round a
#: year for each person; Z13.4, a child's developmental screening, is child health care, in :data:`CHILDREN`).
SCREENING = ("Z10", "Z11", "Z12", "Z13")

#: So many fund-paid check-ups at one venue on one day make a batch (a person's own check-up is one a day).
BATCH = 8

#: Batch days within this many days of the previous one are one campaign (a school's or a factory's check-up
#: runs over a week at most).
CAMPAIGN_GAP = 7

#: So many campaigns at one venue make a candidate: a group check-up is once, the fund is billed again and again.
#: None turns the rule off.
CAMPAIGNS: int | None = 2

#: So many of the batches' persons checked twice or more at the venue within ``AGAIN_DAYS`` make a candidate: an
#: adult's check-up is yearly, and a township's or an employer's campaigns examine each person once a year.
AGAIN = 3
#: Half a year: a yearly check-up, even one moved by a few months, is not back within it.
AGAIN_DAYS = 180

#: Step 155: at a venue whose batches are mostly screenings (Z10-Z13: 包虫病, 结核, 两癌 rounds, programmes that
#: screen each person once a year at most), ``again`` persons screened twice within this many days will do where
#: fewer were back within :data:`AGAIN_DAYS`: a follow-up round of the same names seven or eight months after the
#: first is no yearly programme, even one moved by a quarter (eighthworld's planted screening rounds of 2-4 a
#: window; ``docs/detection.md`` step 155).  None turns it off.
SCREEN_AGAIN_DAYS: int | None = 270

#: Step 147: a venue whose claims (every visit type, fund-paid or not) are at least this share its batches' check-ups
#: bills the fund for nothing but check-ups (a 体检中心 that is a designated institution only to bill them): there
#: ``again`` persons checked twice at any gap, campaign after campaign, are the roster, not only twice within
#: :data:`AGAIN_DAYS` (sixthworld's fake check-up centres bill nothing else, share 1.0 in all 16 of its dev worlds
#: that have one with diagnoses, some of their rosters back 194-290 days later; the other venues with batches in two
#: campaigns or more, of every generator's dev worlds, are at 0.42 or less: eighthworld's planted screenings
#: 0.06-0.42, otherworld's and thirdworld's hospitals 0.005-0.16).  For the batches nothing names (:func:`bare_rows`)
#: it must stay above 0.78 (fourthworld's 三伏贴 season at a venue of its own, were its diagnoses not exported: 0.62-0.775;
#: ``docs/detection.md`` step 147).  None turns it off.
ONLY_CHECKUPS: float | None = 0.9

#: Step 147: batches that nothing names (no diagnosis, no fee line) at a venue that bills nothing else are a
#: check-up roster only if its persons are each at no more than this share of its campaigns on average: a check-up
#: is yearly, so a roster at most campaigns is a round of care (fifthworld's 养老院 clinics, every resident at
#: 0.77-0.93 of the monthly rounds; sixthworld's fake check-ups 0.22-0.44, their rosters sampled batch by batch).
ROUND_ATTENDANCE = 0.6

#: Step 110: without a diagnosis, a claim whose fee lines are all of these categories (examinations, laboratory
#: tests) is a check-up package ...
PACKAGE = ("exam", "lab")
#: ... of at least this many lines (one test alone is a doctor's order: an X-ray, a blood count) ...
PACKAGE_LINES = 2
#: ... for a person at least this old where the age is known (a child's check-up is child health care).
ADULT = 18
#: A venue whose batches are told mostly by their fee lines needs this share of its persons checked twice within
#: :data:`AGAIN_DAYS` (a roster checked again and again), not only :data:`AGAIN` of them: a package of tests paid by
#: the fund is also a doctor's work-up, and a township centre's family-doctor days, a company's check-up and a home's
#: yearly tests add up to many batches of persons each tested once (thirdworld 108, no diagnoses exported: 669
#: persons in 18 campaigns, 12 of them twice, 1.8%; sixthworld 11's fake check-ups: 62 persons, 23 twice, 37%).
PACKAGE_AGAIN = 0.1

#: A venue where this share of the batches' persons was admitted there within ``ADMIT_DAYS`` of a check-up is
#: screening for admission (a hospital's free bus: the admission detectors judge it), not a check-up centre.
ADMITTED = 0.2
ADMIT_DAYS = 3


def checkup_rows(graph: ClaimGraph) -> np.ndarray:
    """Rows of the visit table: outpatient claims at facilities paid by the fund, coded Z00 (any case, padding) or,
    without a diagnosis, a package of tests (:func:`package_rows`)."""
    codes, values = graph.claim_codes("diagnosis")
    upper = [str(v).strip().upper() for v in values]
    named = np.append(
        np.array([v.startswith((CHECKUP, *SCREENING)) and not v.startswith(CHILDREN) for v in upper], dtype=bool),
        False,
    )
    v = graph.visits
    claim = v.column("claim").astype(np.int64)
    code = codes[claim]
    keep = (v.column("kind") == 0) & ~v.column("inpatient") & (v.column("person") >= 0) & (v.column("fund") > 0)
    coded = keep & named[code]  # (code -1, no diagnosis: the appended False)
    unnamed = keep & (code < 0)
    if unnamed.any():
        coded[unnamed] = package_rows(graph, np.flatnonzero(unnamed))
    return np.flatnonzero(coded)


def package_rows(graph: ClaimGraph, rows: np.ndarray) -> np.ndarray:
    """Whether each visit-table row of ``rows`` (claims without a diagnosis) is a check-up package: at least
    :data:`PACKAGE_LINES` fee lines, every one of a :data:`PACKAGE` category, for a person not known to be under
    :data:`ADULT` years of age (step 110).  All False without fee lines."""
    items = graph.data.claim_items
    out = np.zeros(len(rows), dtype=bool)
    if not len(items) or not len(rows):
        return out
    claims = graph.data.claims
    line_claim = graph.data.link("claim_items", "claim_id")
    if line_claim is None:
        line_claim = row_positions(items["claim_id"], claims["claim_id"])
    line_claim = np.asarray(line_claim, dtype=np.int64)
    tested = np.asarray(items["category"].astype(object).isin(PACKAGE).to_numpy(), dtype=bool)
    known = line_claim >= 0
    n = len(claims)
    lines = np.bincount(line_claim[known], minlength=n)
    tests = np.bincount(line_claim[known], weights=tested[known].astype(np.float64), minlength=n)
    claim = graph.visits.column("claim").astype(np.int64)[rows]
    out = (lines[claim] >= PACKAGE_LINES) & (tests[claim] == lines[claim])
    age = person_ages(graph)
    if age is not None:
        person_age = age[graph.visits.column("person").astype(np.int64)[rows]]
        out &= ~(person_age < ADULT)  # (NaN: unknown age, kept)
    return out


def bare_rows(graph: ClaimGraph) -> np.ndarray:
    """Rows of the visit table that nothing in the export names (step 147): fund-paid outpatient claims at facilities
    with neither a diagnosis nor a fee line, at venues where such rows are :data:`ONLY_CHECKUPS` or more of all their
    rows (a venue that bills nothing that says what it is).  Empty when the rule is off."""
    if ONLY_CHECKUPS is None:
        return np.array([], dtype=np.int64)
    codes, _ = graph.claim_codes("diagnosis")
    v = graph.visits
    claim = v.column("claim").astype(np.int64)
    keep = (v.column("kind") == 0) & ~v.column("inpatient") & (v.column("person") >= 0) & (v.column("fund") > 0)
    bare = keep & (codes[claim] < 0)
    if bare.any() and len(graph.data.claim_items):
        bare[bare] = _lines(graph)[claim[bare]] == 0
    venue = v.column("venue").astype(np.int64)
    n = int(venue.max()) + 1 if len(venue) else 0
    mostly = np.bincount(venue[bare], minlength=n) >= ONLY_CHECKUPS * np.bincount(venue, minlength=n)
    return np.flatnonzero(bare & mostly[venue])


def _lines(graph: ClaimGraph) -> np.ndarray:
    """Fee lines per claim (row of the claims table)."""
    items, claims = graph.data.claim_items, graph.data.claims
    line_claim = graph.data.link("claim_items", "claim_id")
    if line_claim is None:
        line_claim = row_positions(items["claim_id"], claims["claim_id"])
    line_claim = np.asarray(line_claim, dtype=np.int64)
    return np.bincount(line_claim[line_claim >= 0], minlength=len(claims))


def person_ages(graph: ClaimGraph) -> np.ndarray | None:
    """Per person code: the age in years at the first claim's day (``birth_date``, else ``birth_year``), NaN where
    unknown; None when the persons table gives neither."""
    persons = graph.data.persons
    rows = graph.person_rows()
    birth = pd.to_datetime(persons["birth_date"], errors="coerce") if "birth_date" in persons else None
    year = pd.to_numeric(persons["birth_year"], errors="coerce") if "birth_year" in persons else None
    first = graph.data.claims["start_time"].min()
    if pd.isna(first):
        return None
    age = np.full(len(persons), np.nan)
    if birth is not None:
        age = ((first - birth).dt.days / 365.25).to_numpy(dtype=float, na_value=np.nan)
    if year is not None:
        age = np.where(np.isnan(age), first.year - year.to_numpy(dtype=float, na_value=np.nan), age)
    if np.isnan(age).all():
        return None
    return np.where(rows >= 0, age[np.maximum(rows, 0)], np.nan)


def campaigns(days: np.ndarray, gap: int = CAMPAIGN_GAP) -> int:
    """How many campaigns the sorted distinct batch ``days`` make: runs whose next day is within ``gap`` days.

    >>> campaigns(np.array([10, 11, 12, 13])), campaigns(np.array([10, 40, 41, 120])), campaigns(np.array([]))
    (1, 3, 0)
    """
    if len(days) == 0:
        return 0
    return int(1 + (np.diff(days) > gap).sum())


def longest_campaign(days: np.ndarray, gap: int = CAMPAIGN_GAP) -> int:
    """Days from the first to the last batch day of the longest campaign of the sorted distinct ``days`` (step 147).

    >>> longest_campaign(np.array([10, 12, 40, 41])), longest_campaign(np.array([1, 5, 9, 13, 17])), longest_campaign(np.array([3]))
    (2, 16, 0)
    """
    if len(days) == 0:
        return 0
    starts = np.flatnonzero(np.append(True, np.diff(days) > gap))
    ends = np.append(starts[1:], len(days)) - 1
    return int((days[ends] - days[starts]).max())


def attendance(person: np.ndarray, day: np.ndarray, days: np.ndarray, gap: int = CAMPAIGN_GAP) -> float:
    """The persons' mean share of the campaigns of the sorted distinct batch ``days`` they were seen in (step 147).

    >>> attendance(np.array([1, 1, 2, 3]), np.array([10, 40, 10, 41]), np.array([10, 40, 41]))  # 2 campaigns
    0.6667
    """
    starts = days[np.append(True, np.diff(days) > gap)]
    campaign = np.searchsorted(starts, day, side="right") - 1
    seen = pd.DataFrame({"person": person, "campaign": campaign}).drop_duplicates()
    return round(float(seen.groupby("person").size().mean()) / len(starts), 4)


def checked_again(person: np.ndarray, day: np.ndarray, within: int | None = None) -> np.ndarray:
    """The persons with two check-ups on different days at most ``within`` (:data:`AGAIN_DAYS`) days apart.

    >>> checked_again(np.array([1, 1, 2, 2, 3, 3]), np.array([10, 100, 5, 5, 0, 300]))
    array([1])
    """
    within = AGAIN_DAYS if within is None else within
    order = np.lexsort((day, person))
    p, d = person[order], day[order]
    gap = np.diff(d)
    near = (p[1:] == p[:-1]) & (gap >= 1) & (gap <= within)
    return np.unique(p[1:][near])


def venue_share(graph: ClaimGraph, venue: int, checkups: int) -> float | None:
    """The share of the visit-table rows at ``venue`` (every visit type) that are its ``checkups`` batch check-up
    rows (step 147), rounded to three places, where it is :data:`ONLY_CHECKUPS` or more; None otherwise (or when
    the rule is off).  One pass over the venue column, for the few venues with campaigns (no index is built at
    detection: the run's index of claims by venue is scoring's)."""
    if ONLY_CHECKUPS is None:
        return None
    share = checkups / max(int((graph.visits.column("venue") == venue).sum()), 1)
    return round(share, 3) if share >= ONLY_CHECKUPS else None


def admitted_after(graph: ClaimGraph, person: np.ndarray, venue: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whether each (person, venue, day) check-up was followed by an admission of the person at the venue within
    ``ADMIT_DAYS`` days (the same day included)."""
    t = graph.visits
    stay = t.column("inpatient")
    if not stay.any():
        return np.zeros(len(person), dtype=bool)
    stays = pd.DataFrame({"person": t.column("person")[stay].astype(np.int64),
                          "venue": t.column("venue")[stay].astype(np.int64),
                          "admitted": t.column("day")[stay].astype(np.int64)})  # fmt: skip
    seen = pd.DataFrame({"person": person, "venue": venue, "day": day, "row": np.arange(len(person))})
    both = seen.merge(stays, on=["person", "venue"])
    gap = both["admitted"].to_numpy() - both["day"].to_numpy()
    out = np.zeros(len(person), dtype=bool)
    out[both["row"].to_numpy()[(gap >= 0) & (gap <= ADMIT_DAYS)]] = True
    return out


def detect(
    graph: ClaimGraph, *, batch: int = BATCH, min_campaigns: int | None = CAMPAIGNS, again: int = AGAIN
) -> list[Candidate]:
    """One candidate per venue that billed the fund for adults' check-ups in ``batch``-sized batches in at least
    ``min_campaigns`` campaigns, ``again`` of their persons checked twice within :data:`AGAIN_DAYS`, fewer than
    :data:`ADMITTED` of them admitted there after a check-up: its batches' persons and claims (``evidence``:
    ``typology`` staged clinic, ``checkups`` with the batch days, campaigns, claims and the persons checked twice,
    and ``packages``, the claims told by their fee lines, where there are any).

    Step 147: at a venue whose claims are :data:`ONLY_CHECKUPS` or more these check-ups (it bills nothing else),
    ``again`` persons checked twice at any gap in its campaigns will do (``checkups`` then adds ``again_any`` and
    ``only``, the share).

    Step 155: at a venue whose batch claims are mostly screenings (Z10-Z13), ``again`` persons screened twice
    within :data:`SCREEN_AGAIN_DAYS` will do where fewer were back within :data:`AGAIN_DAYS` (``checkups`` then
    adds ``rescreened``): a screening programme's round is yearly at most.

    A batch counts persons, not claims (a check-up split into two settlements is one)."""
    if min_campaigns is None:
        return []
    coded = checkup_rows(graph)
    bare = bare_rows(graph)  # step 147: claims that nothing names, at venues that bill nothing else
    rows = np.union1d(coded, bare)
    if len(rows) == 0:
        return []
    t = graph.visits
    diagnosis, values = graph.claim_codes("diagnosis")
    screening = np.append([str(v).strip().upper().startswith(SCREENING) for v in values], False).astype(bool)
    frame = pd.DataFrame({
        "row": rows,
        "claim": t.column("claim")[rows].astype(np.int64),
        "person": t.column("person")[rows].astype(np.int64),
        "venue": t.column("venue")[rows].astype(np.int64),
        "day": t.column("day")[rows].astype(np.int64),
        "bare": np.isin(rows, bare) & ~np.isin(rows, coded),
    })  # fmt: skip
    size = frame.groupby(["venue", "day"])["person"].transform("nunique").to_numpy()  # a split settlement is one
    frame = frame[size >= batch]
    out = []
    for venue, g in frame.groupby("venue", sort=True):
        named = int(len(g) - g["bare"].sum())
        if 0 < named < len(g) and 2 * named > len(g):
            g = g[~g["bare"]]  # a venue of named check-ups: as before step 147
        days = np.unique(g["day"].to_numpy())
        n = campaigns(days)
        if n < min_campaigns:
            continue
        persons = np.unique(g["person"].to_numpy())
        if 2 * named <= len(g):  # step 147: batches nothing names count at a venue that bills nothing else ...
            if longest_campaign(days) > CAMPAIGN_GAP or venue_share(graph, int(venue), len(g)) is None:
                continue  # ... in campaigns of a week at most (a busy clinic's batch days run on for months)
            if attendance(g["person"].to_numpy(), g["day"].to_numpy(), days) > ROUND_ATTENDANCE:
                continue  # ... of a roster not at most campaigns (a home's round of care)
        twice = checked_again(g["person"].to_numpy(), g["day"].to_numpy())
        only = venue_share(graph, int(venue), len(g)) if len(twice) < again or 2 * named <= len(g) else None
        anygap = np.array([], dtype=np.int64)
        if only is not None:  # step 147: a venue of check-ups alone, its roster back at any gap
            anygap = checked_again(g["person"].to_numpy(), g["day"].to_numpy(), within=int(days[-1] - days[0]))
        packages = int((diagnosis[g["claim"].to_numpy()] < 0).sum()) - int(g["bare"].sum())  # fee lines (step 110)
        screenings = int(screening[diagnosis[g["claim"].to_numpy()]].sum())  # step 115: Z10-Z13
        rescreened = np.array([], dtype=np.int64)
        if len(twice) < again and SCREEN_AGAIN_DAYS is not None and 2 * screenings > len(g):  # step 155
            rescreened = checked_again(g["person"].to_numpy(), g["day"].to_numpy(), within=SCREEN_AGAIN_DAYS)
        back = max(len(twice), len(anygap), len(rescreened))
        if back < again:
            continue
        if 2 * packages > len(g) and back < PACKAGE_AGAIN * len(persons):
            continue  # tests paid by the fund, each person once: work-ups and public-health days, no roster
        person, day = g["person"].to_numpy(), g["day"].to_numpy()
        screened = admitted_after(graph, person, np.full(len(g), int(venue)), day)
        if len(np.unique(person[screened])) >= ADMITTED * len(persons):
            continue
        found: dict[str, int | float] = {
            "venue": int(venue),
            "claims": len(g),
            "persons": len(persons),
            "batch_days": len(days),
            "campaigns": n,
            "months": round(float(days[-1] - days[0]) / 30.4, 1),
            "again": len(twice),
        }
        if len(twice) < again <= len(anygap) or 2 * named <= len(g):  # step 147: the roster at any gap, alone
            found["again_any"], found["only"] = len(anygap), float(only or 0.0)
        if 2 * named <= len(g):
            found["bare"] = int(g["bare"].sum())  # step 147: batches without a diagnosis or a fee line
        if packages:
            found["packages"] = packages
        if screenings:
            found["screenings"] = screenings
        if len(rescreened) >= again:  # step 155: the same names screened again within SCREEN_AGAIN_DAYS
            found["rescreened"] = len(rescreened)
        evidence = {"typology": "staged_clinic", "checkups": found}
        params: dict[str, int | float | None] = {"batch": batch, "campaign_gap": CAMPAIGN_GAP, "campaigns": min_campaigns,
                  "again": again, "again_days": AGAIN_DAYS, "admitted": ADMITTED, "admit_days": ADMIT_DAYS}  # fmt: skip
        if "only" in found:
            params["only_checkups"] = ONLY_CHECKUPS
        if "rescreened" in found:
            params["screen_again_days"] = SCREEN_AGAIN_DAYS
        out.append(Candidate(NAME, persons, np.sort(g["claim"].to_numpy()), evidence, params))
    return out
