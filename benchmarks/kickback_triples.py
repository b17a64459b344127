"""Kickbacks without doctor ids, measured per (facility, diagnosis, pharmacy): a diagnostic, not a detector.

Where an export names no doctor (no ``claims.doctor_id``), steering cannot be measured (docs/detection.md
step 17) and a kickback is found only when its patients are loaded cards at the shop (step 39).  A scheme that
sends each patient once or twice (otherworld seed 55's kickback:05) leaves too few loaded cards.  A kickback
pays for a drug, and a drug is prescribed for an indication: the patients a doctor sends carry the diagnosis
the drug treats and buy dear right after the visit, while the shop next door fills every diagnosis of the
hospital at ordinary prices.  So the visit's diagnosis at the facility stands in for the prescriber.

:func:`triples` measures, per (facility, diagnosis of an outpatient visit, pharmacy): the persons with such a
visit who bought at the pharmacy within ``days`` days after it (``buyers``), those of them whose purchase was
dear (at least ``ratio`` times the median pharmacy purchase of the same diagnosis, ``dear``), the share of dear
buyers over all triples of the diagnosis (``base``), and the binomial tail of ``dear`` at that share times the
number of triples with a dear buyer (``bound``, a Bonferroni bound).  docs/detection.md ("Where it still
fails", the twelfth round's first entry) has the numbers over the dev worlds without doctor ids::

    python -m benchmarks.kickback_triples /work/scratch/owh10/w55 --ratio 5

The world's ``truth.json``, when present, marks the triples at a planted kickback's facility and shop.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
from scipy.stats import binom


def triples(claims: pd.DataFrame, *, ratio: float = 5.0, days: int = 3) -> pd.DataFrame:
    """Per (facility, diagnosis, pharmacy): after-visit ``buyers``, ``dear`` buyers, ``base`` share, ``bound``.

    ``claims`` has the contract's columns ``patient_id``, ``facility_id``, ``pharmacy_id``, ``visit_type``,
    ``start_time``, ``total_amount`` and ``diagnosis``.  Rows sorted by ``bound``.

    >>> c = pd.DataFrame({"patient_id": ["a", "a"], "facility_id": ["H", None], "pharmacy_id": [None, "P"],
    ...                   "visit_type": ["outpatient", "pharmacy"], "start_time": ["2023-01-01", "2023-01-02"],
    ...                   "total_amount": [50.0, 80.0], "diagnosis": ["E11.9", "E11.9"]})
    >>> triples(c)[["facility_id", "diagnosis", "pharmacy_id", "buyers", "dear"]].values.tolist()
    [['H', 'E11.9', 'P', 1, 0]]
    """
    c = claims.assign(
        day=pd.to_datetime(claims["start_time"], format="mixed").dt.normalize(),
        diagnosis=claims["diagnosis"].fillna(""),
    )
    shops = c[c["pharmacy_id"].notna()]
    shops = shops.assign(
        times=shops["total_amount"] / shops.groupby("diagnosis")["total_amount"].transform("median").clip(lower=0.01)
    )
    seen = c[c["facility_id"].notna() & (c["visit_type"] == "outpatient")]
    seen = seen[["patient_id", "facility_id", "day", "diagnosis"]].drop_duplicates()
    both = shops[["patient_id", "pharmacy_id", "day", "times"]].merge(
        seen.rename(columns={"day": "seen"}), on="patient_id"
    )
    gap = (both["day"] - both["seen"]).dt.days
    both = both[(gap >= 0) & (gap <= days)]
    keys = ["facility_id", "diagnosis", "pharmacy_id"]
    person = (both["times"] >= ratio).groupby([both[k] for k in [*keys, "patient_id"]]).any().rename("dear")
    person = person.reset_index()
    base = person.groupby("diagnosis")["dear"].mean().clip(1e-4, 1 - 1e-4)
    out = person.groupby(keys)["dear"].agg(buyers="size", dear="sum").reset_index()
    out["base"] = out["diagnosis"].map(base).to_numpy()
    tested = int((out["dear"] >= 1).sum())
    out["bound"] = binom.sf(out["dear"] - 1, out["buyers"], out["base"]) * max(tested, 1)
    return out.sort_values(["bound", *keys], kind="stable").reset_index(drop=True)


def _planted(world: Path) -> set[tuple[str, str]]:
    """(facility, pharmacy) of each planted kickback in ``world/truth.json``; empty without one."""
    truth = world / "truth.json"
    if not truth.exists():
        return set()
    rings = json.loads(truth.read_text())["rings"]
    rings = rings if isinstance(rings, list) else list(rings.values())
    return {
        (f, p)
        for r in rings
        if r.get("kind") in ("kickback", "multisite_steering")
        for f in r.get("facilities", [])
        for p in r.get("pharmacies", [])
    }


def main(argv: list[str] | None = None) -> None:
    """Print each world's strongest triples, planted kickbacks' marked."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("worlds", nargs="+", type=Path)
    ap.add_argument("--ratio", type=float, default=5.0)
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--top", type=int, default=8)
    a = ap.parse_args(argv)
    for world in a.worlds:
        claims = pd.read_csv(world / "claims.csv", dtype=str).astype({"total_amount": float})
        if "diagnosis" not in claims or "doctor_id" in claims:
            print(f"{world}: {'names its doctors' if 'doctor_id' in claims else 'no diagnoses'}, skipped")
            continue
        t = triples(claims, ratio=a.ratio, days=a.days)
        planted = _planted(world)
        t["planted"] = [(f, p) in planted for f, p in zip(t["facility_id"], t["pharmacy_id"], strict=True)]
        print(f"== {world} (ratio {a.ratio:g}, {a.days} days)")
        print(t.head(a.top).to_string(index=False))


if __name__ == "__main__":
    main()
