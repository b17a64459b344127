"""Kickbacks without doctor ids, measured per (facility, diagnosis, pharmacy): a diagnostic, not a detector.

Where an export names no doctor (no ``claims.doctor_id``), steering cannot be measured (docs/detection.md
step 17) and a kickback is found only when its patients are loaded cards at the shop (step 39).  A scheme that
sends each patient once or twice (otherworld seed 55's kickback:05) leaves too few loaded cards.  A kickback
pays for a drug, and a drug is prescribed for an indication: the patients a doctor sends carry the diagnosis
the drug treats and buy dear right after the visit, while the shop next door fills every diagnosis of the
hospital at ordinary prices.  So the visit's diagnosis at the facility stands in for the prescriber.

:func:`triples` prints the detector's own measure (:func:`graphfraud.detect.indication.triples`, step 65)
with ids instead of codes, per (facility, diagnosis of an outpatient visit, pharmacy): the persons with such a
visit who bought at the pharmacy within ``days`` days after it (``buyers``), those of them whose purchase was
dear (at least ``ratio`` times the median pharmacy purchase of the same diagnosis, ``dear``), the share of dear
buyers over all triples of the diagnosis (``base``), and the binomial tail of ``dear`` at that share times the
number of triples with a dear buyer (``chance``, a Bonferroni bound).  docs/detection.md ("Where it still
fails", the twelfth round's first entry) has the numbers over the dev worlds without doctor ids::

    python -m benchmarks.kickback_triples /work/scratch/owh10/w55 --ratio 5

The world's ``truth.json``, when present, marks the triples at a planted kickback's facility and shop.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from graphfraud.contract import ClaimsData
from graphfraud.detect import indication
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import ReadParams


def triples(data: ClaimsData, *, ratio: float = indication.RATIO, days: int = indication.DAYS) -> pd.DataFrame:
    """:func:`graphfraud.detect.indication.triples` of ``data`` with the ids (``facility_id``, ``diagnosis``,
    ``pharmacy_id``) in place of the codes; rows sorted by ``chance``, as the detector sorts them."""
    graph = build_graph(data)
    t, _ = indication.triples(graph, ratio=ratio, days=days)
    venues, names = graph.visits.venues.ids, indication.diagnoses(graph)[1]
    ids = pd.DataFrame(
        {
            "facility_id": venues[t["facility"].to_numpy()],
            "diagnosis": names[t["diagnosis"].to_numpy()],
            "pharmacy_id": venues[t["pharmacy"].to_numpy()],
        }
    )
    return pd.concat([ids, t[["buyers", "dear", "base", "chance"]]], axis=1)


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
    ap.add_argument("--ratio", type=float, default=indication.RATIO)
    ap.add_argument("--days", type=int, default=indication.DAYS)
    ap.add_argument("--top", type=int, default=8)
    a = ap.parse_args(argv)
    for world in a.worlds:
        data = read_claims_dir(world, ReadParams(lenient=True))
        if not indication.named_no_doctor(build_graph(data)):
            print(f"{world}: names its doctors or gives no diagnoses, skipped")
            continue
        t = triples(data, ratio=a.ratio, days=a.days)
        planted = _planted(world)
        t["planted"] = [(f, p) in planted for f, p in zip(t["facility_id"], t["pharmacy_id"], strict=True)]
        print(f"== {world} (ratio {a.ratio:g}, {a.days} days)")
        print(t.head(a.top).to_string(index=False))


if __name__ == "__main__":
    main()
