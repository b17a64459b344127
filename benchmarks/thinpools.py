"""A broker's thin pool seen across sessions: one home's repeat patients together at a venue not their own.

Measurement only (docs/detection.md step 72; nothing in detection reads it).  A broker brings 8-17 villagers
of one village to a clinic at 55-77% of its sessions, each session spread over up to three days, so a day holds
2-4 of them and the co-visit graph links none of its days.  Seen per person instead: the villagers share a
*home* (the venue where each has most claim-days other than this one: the village clinic, a city's community
centre), each comes to the venue on several days, and nearly every one of those days falls within ``NEAR`` days
of another villager's day there.  Ordinary repeat patients of the venue from the same home come on their own days.

For a venue ``v`` and a home ``h`` (never ``v`` itself), the group is the persons of home ``h`` with at least
``MIN_DAYS`` claim-days at ``v``, kept when it has at least ``MIN_PERSONS``.  Member ``i`` has ``n_i`` days at
``v``, ``k_i`` of them within ``NEAR`` days of another member's day; ``q_i`` is the share of ``v``'s open days
(days with any claim there) that are within ``NEAR`` days of another member's day.  Under "each comes on
days of the venue's own, at random", ``sum k_i`` is a sum of Binomial(``n_i``, ``q_i``).  A pair's meeting
is counted from both of its sides, so the test halves every ``n_i`` and the count (rounded up) before taking
the upper tail; that tail times the groups tested in the data (Bonferroni) is the group's chance, and a group
under ``MAX_CHANCE`` is a pool.  Its expectation is measured from the
group's own other members, so a big home whose members' days cover the venue's year expects what it sees.

Run: ``python -m benchmarks.thinpools DIR [DIR ...]`` (a world with ``truth.json`` gets each group's planted
ring and benign group named; one line per group tested, the pools marked ``POOL``; ``bound`` is the chance,
``both`` the same without the halving).  ``NEAR=1`` or ``MIN_DAYS=6`` in the environment change those.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

MIN_DAYS = 3  # claim-days at the venue for a person to count as one of its repeat patients
MIN_PERSONS = 4  # a home's repeat patients at the venue for a group to be tested
NEAR = 2  # a member's day is "together" when another member came within this many days (a 3-day window)
MAX_CHANCE = 0.01  # the groups' tail times the groups tested


@dataclass(frozen=True)
class Pool:
    venue: str
    home: str
    persons: tuple[str, ...]
    days: int  # the members' claim-days at the venue
    together: int  # of them within NEAR days of another member's day
    expected: float  # what the venue's own days predict
    tail: float  # the test: P(sum Binomial(ceil(n_i / 2), q_i) >= ceil(together / 2)), each pair counted once
    tail_both_sides: float  # P(sum Binomial(n_i, q_i) >= together), for reference
    households: int
    home_share: float  # the venue's patients whose home is this group's home, over its patients with a home


def _poisson_binomial_tail(ns: list[int], qs: list[float], k: int) -> float:
    """P(sum of independent Binomial(n_i, q_i) >= k), exactly (the pmfs convolved).

    >>> round(_poisson_binomial_tail([2], [0.5], 1), 3)
    0.75
    >>> round(_poisson_binomial_tail([1, 1], [0.5, 0.5], 2), 3)
    0.25
    """
    pmf = np.array([1.0])
    for n, q in zip(ns, qs):
        pmf = np.convolve(pmf, [math.comb(n, j) * q**j * (1 - q) ** (n - j) for j in range(n + 1)])
    return float(min(1.0, pmf[k:].sum()))


def pools(
    visits: pd.DataFrame,
    *,
    households: dict[str, str] | None = None,
    min_days: int = MIN_DAYS,
    min_persons: int = MIN_PERSONS,
    near: int = NEAR,
) -> list[Pool]:
    """Every (venue, home) group of repeat patients, with its together count and chance tail.

    ``visits``: columns ``person``, ``venue``, ``day`` (an integer day), one row per claim.  A person's home
    for venue ``v`` is the venue where he has most claim-days other than ``v`` (ties: the smaller id); a person
    seen nowhere else has none and is in no group.
    """
    pdays = visits[["person", "venue", "day"]].drop_duplicates()
    used = pdays.groupby(["person", "venue"]).size().reset_index(name="n")
    used = used.sort_values(["person", "n", "venue"], ascending=[True, False, True])
    used["rank"] = used.groupby("person").cumcount()
    first = used[used["rank"] == 0].set_index("person").venue
    second = used[used["rank"] == 1].set_index("person").venue
    window = np.ones(2 * near + 1, dtype=np.int64)
    out = []
    for venue, at in pdays.groupby("venue", sort=True):
        start = int(at.day.min())
        open_days = np.unique(at.day.to_numpy()) - start
        span = max(int(open_days[-1]) + 1, 2 * near + 1)  # np.convolve "same" keeps the longer length
        per = at.groupby("person").day.nunique()
        repeat = at[at.person.isin(per[per >= min_days].index)].copy()
        everyone = pd.Series(per.index)
        top = everyone.map(first)
        homes_at = top.where(top != venue, everyone.map(second)).dropna().value_counts()
        top = repeat.person.map(first)
        repeat["home"] = top.where(top != venue, repeat.person.map(second))
        for h, group in repeat[repeat.home.notna()].groupby("home", sort=True):
            persons = sorted(group.person.unique())
            if len(persons) < min_persons:
                continue
            days = {p: np.unique(d.to_numpy()) - start for p, d in group.groupby("person", sort=True).day}
            members = np.zeros(span, dtype=np.int64)  # members' visits per day, then within `near` days of each
            for d in days.values():
                members[d] += 1
            around = np.convolve(members, window, mode="same")
            ns, ks, qs = [], [], []
            for p in persons:
                own = np.zeros(span, dtype=np.int64)
                own[days[p]] = 1
                others = (around - np.convolve(own, window, mode="same")) > 0  # another member within `near` days
                ns.append(len(days[p]))
                ks.append(int(others[days[p]].sum()))
                qs.append(float(others[open_days].mean()))
            homes = len({households.get(p, p) for p in persons}) if households else len(persons)
            out.append(
                Pool(
                    str(venue),
                    str(h),
                    tuple(persons),
                    sum(ns),
                    sum(ks),
                    float(np.dot(ns, qs)),
                    _poisson_binomial_tail([(n + 1) // 2 for n in ns], qs, (sum(ks) + 1) // 2),
                    _poisson_binomial_tail(ns, qs, sum(ks)),
                    homes,
                    float(homes_at[h] / homes_at.sum()),
                )  # fmt: skip
            )
    return out


def _world(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    claims = pd.read_csv(path / "claims.csv", dtype=str, usecols=["patient_id", "facility_id", "start_time"])
    claims = claims[claims.facility_id.notna()]
    persons = pd.read_csv(path / "persons.csv", dtype=str)
    dates = claims.start_time.str[:10]
    ordinal = {d: pd.Timestamp(d).toordinal() for d in dates.unique()}
    day = dates.map(ordinal)
    visits = pd.DataFrame({"person": claims.patient_id, "venue": claims.facility_id, "day": day})
    households = dict(zip(persons.person_id, persons.address)) if "address" in persons else {}
    return visits, households


def main(argv: list[str]) -> None:
    import os

    knobs = {k: int(os.environ[e]) for k, e in (("min_days", "MIN_DAYS"), ("near", "NEAR")) if e in os.environ}
    for d in argv:
        path = Path(d)
        visits, households = _world(path)
        facilities = pd.read_csv(path / "facilities.csv", dtype=str)
        label = dict(zip(facilities.facility_id, facilities.get("kind", "?") + "/" + facilities.get("ownership", "?")))
        truth = json.loads((path / "truth.json").read_text()) if (path / "truth.json").exists() else {}
        who: dict[str, str] = {}
        for g in truth.get("rings", []):
            for p in g["core"]:
                who.setdefault(p, g["id"])
        for g in truth.get("benign", []):
            for p in g["persons"]:
                who.setdefault(p, "benign:" + g["kind"])
        if not truth and (path / "labels.csv").exists():  # synth: ring ids, "benign:<kind>:<n>" for benign groups
            labels = pd.read_csv(path / "labels.csv", dtype=str)
            for ring, p in labels.loc[labels.entity_type == "person", ["ring_id", "entity_id"]].itertuples(index=False):
                who.setdefault(p, ":".join(ring.split(":")[:2]) if ring.startswith("benign:") else ring)
        found = pools(visits, households=households, **knobs)
        tests = max(1, len(found))
        for pool in found:
            names = pd.Series([who.get(p, "-") for p in pool.persons]).value_counts()
            flag = "POOL" if pool.tail * tests < MAX_CHANCE else "-"
            print(
                f"{path.name} {flag} {pool.venue} {label.get(pool.venue)} home={pool.home} n={len(pool.persons)} "
                f"hh={pool.households} days={pool.days} together={pool.together} exp={pool.expected:.1f} "
                f"bound={pool.tail * tests:.2g} both={pool.tail_both_sides * tests:.2g} tests={tests} "
                f"share={pool.home_share:.3f} { {k: int(v) for k, v in names.items()} }"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
