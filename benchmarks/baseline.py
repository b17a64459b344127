"""The obvious pipeline a team would write first, as a yardstick for graphfraud.

pandas reads ``claims``; a pandas self-merge of same-venue-same-day visits makes
person pairs; pairs that met on at least two days become a weighted networkx
graph; ``networkx.community.louvain_communities`` groups it; communities of at
least three persons are ranked by the total fund of their members' claims and
labelled with their most common visit type (outpatient -> staged_clinic,
pharmacy -> card_collector, inpatient -> induced_admission, chronic -> other).

The self-merge is quadratic in the busiest venue-days, so :func:`merge_rows`
counts the rows it would make (``sum(n**2)`` over venue-days) before merging,
and :func:`run_baseline` refuses with :class:`OverBudget` when the estimate
(:data:`BYTES_PER_MERGED_ROW`, measured, times rows, plus what the process
already holds) exceeds the budget.  Nothing here imports the detection code.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pandas as pd

#: Peak bytes per row of the self-merge and the pair count that follows it:
#: two person ids, venue and day of the merged frame (pandas 3 keeps text in
#: Arrow string arrays, so ``merge`` copies the characters), the join
#: indexers, the ``a < b`` mask and copy, and the groupby.  Measured as peak
#: RSS growth / merged rows on subsets of the 100k-person world: 103-112 B at
#: 1.5-8.6M rows; rounded up to stay on the safe side.
BYTES_PER_MERGED_ROW = 128

#: Memory budget of the baseline's self-merge, GB.
DEFAULT_BUDGET_GB = 8.0

#: Most common visit type -> the typology a first pipeline would report.
TYPOLOGY_OF_VISIT = {
    "outpatient": "staged_clinic",
    "pharmacy": "card_collector",
    "inpatient": "induced_admission",
    "chronic": "other",
}

_ID_COLUMNS = ("claim_id", "patient_id", "holder_id", "facility_id", "pharmacy_id", "doctor_id", "terminal_id")


class OverBudget(Exception):
    """The self-merge would not fit in the memory budget; ``stats`` holds the sizes counted so far."""

    def __init__(self, message: str, stats: dict[str, float]) -> None:
        super().__init__(message)
        self.stats = stats


@dataclass
class BaselineResult:
    """Ranked communities of the baseline, with its timings (s) and sizes."""

    rings: pd.DataFrame  # rank, ring_id, typology, persons, fund_amount
    members: pd.DataFrame  # ring_id, entity_type, entity_id
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, float] = field(default_factory=dict)


def available_gb() -> float:
    """``MemAvailable`` of the machine now, GB (what other work leaves us)."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable"):
            return int(line.split()[1]) / 1024**2
    return float("inf")


def rss_gb() -> float:
    """Peak resident memory of this process so far, GB (Linux ``ru_maxrss`` is KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def read_claims(data_dir: str | Path) -> pd.DataFrame:
    """Read ``claims.csv`` or ``claims.parquet`` with plain pandas (ids as text, times parsed)."""
    d = Path(data_dir)
    if (d / "claims.parquet").exists():
        return pd.read_parquet(d / "claims.parquet")
    dtypes = {c: str for c in _ID_COLUMNS}
    return pd.read_csv(d / "claims.csv", dtype=dtypes, parse_dates=["start_time", "end_time"])


def visits(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per person, venue (facility or pharmacy) and day."""
    v = pd.DataFrame(
        {
            "person": claims["patient_id"],
            "venue": claims["facility_id"].fillna(claims["pharmacy_id"]),
            "day": pd.to_datetime(claims["start_time"]).dt.normalize(),
        }
    )
    return v.dropna().drop_duplicates()


def merge_rows(v: pd.DataFrame) -> int:
    """Rows the self-merge on (venue, day) makes: the sum of n squared over venue-days."""
    n = v.groupby(["venue", "day"], sort=False).size().to_numpy().astype("int64")
    return int((n * n).sum())


def person_pairs(v: pd.DataFrame, *, min_days: int = 2) -> pd.DataFrame:
    """Person pairs (a < b) that visited the same venue on at least ``min_days`` distinct days."""
    m = v.merge(v, on=["venue", "day"])
    m = m[m["person_x"] < m["person_y"]]
    days = m.groupby(["person_x", "person_y"], sort=False)["day"].nunique()
    del m
    days = days[days >= min_days]
    return days.rename("days").reset_index()


def communities(pairs: pd.DataFrame, *, seed: int = 0) -> list[set[str]]:
    """Louvain communities (networkx) of the pair graph weighted by shared days."""
    g = nx.Graph()
    g.add_weighted_edges_from(pairs[["person_x", "person_y", "days"]].itertuples(index=False, name=None))
    return nx.community.louvain_communities(g, weight="weight", seed=seed)


def rank(groups: list[set[str]], claims: pd.DataFrame, *, min_size: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank communities by their members' total fund; label with the most common visit type."""
    rows, members = [], []
    groups = [g for g in groups if len(g) >= min_size]
    who = pd.Series({p: i for i, g in enumerate(groups) for p in g}, dtype="int64", name="group")
    c = claims[["patient_id", "fund_amount", "visit_type"]].join(who, on="patient_id", how="inner")
    fund = c.groupby("group")["fund_amount"].sum()
    kind = c.groupby("group")["visit_type"].agg(lambda s: s.value_counts().index[0])
    for i, g in enumerate(groups):
        rows.append(
            {
                "ring_id": f"B{i:05d}",
                "typology": TYPOLOGY_OF_VISIT.get(str(kind.get(i)), "other"),
                "persons": len(g),
                "fund_amount": round(float(fund.get(i, 0.0)), 2),
            }
        )
        members += [{"ring_id": f"B{i:05d}", "entity_type": "person", "entity_id": p} for p in sorted(g)]
    rings = pd.DataFrame(rows, columns=["ring_id", "typology", "persons", "fund_amount"])
    rings = rings.sort_values("fund_amount", ascending=False, kind="stable").reset_index(drop=True)
    rings.insert(0, "rank", range(1, len(rings) + 1))
    return rings, pd.DataFrame(members, columns=["ring_id", "entity_type", "entity_id"])


def run_baseline(
    data_dir: str | Path,
    *,
    seed: int = 0,
    budget_gb: float = DEFAULT_BUDGET_GB,
    log: Callable[[str], None] = lambda m: None,
) -> BaselineResult:
    """Run the obvious pipeline on a claims directory, stage by stage.

    Raises
    ------
    OverBudget
        Before merging, when ``rows * BYTES_PER_MERGED_ROW`` plus the memory
        already held would exceed ``budget_gb``, or when the machine has less
        than that growth plus 2 GB available (other work on a shared machine);
        the message states the numbers.
    """
    t: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        t[stage] = round(now - clock, 3)
        clock = now
        log(f"baseline {stage}: {t[stage]:.1f} s (peak {rss_gb():.2f} GB)")

    claims = read_claims(data_dir)
    lap("read")
    v = visits(claims)
    rows = merge_rows(v)
    need = rows * BYTES_PER_MERGED_ROW / 1024**3 + rss_gb()
    stats = {"claims": len(claims), "visits": len(v), "merge_rows": rows, "merge_estimate_gb": round(need, 2)}
    if need > budget_gb:
        raise OverBudget(
            f"the self-merge would make {rows:,} rows, about {need:.1f} GB with what is already "
            f"held, over the {budget_gb:g} GB budget",
            stats,
        )
    grow = rows * BYTES_PER_MERGED_ROW / 1024**3
    if grow + 2 > available_gb():
        raise OverBudget(
            f"the self-merge needs about {grow:.1f} GB more but the machine has only "
            f"{available_gb():.1f} GB available now (shared with other work)",
            stats,
        )
    pairs = person_pairs(v)
    stats["pairs"] = len(pairs)
    lap("pairs")
    groups = communities(pairs, seed=seed)
    stats["communities"] = len(groups)
    lap("louvain")
    rings, members = rank(groups, claims)
    lap("rank")
    return BaselineResult(rings, members, t, stats)
