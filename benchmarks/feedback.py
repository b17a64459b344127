"""Verdicts from an earlier period re-rank the later one: top-K precision before and after.

For each seed: ``graphfraud synth`` a province of two cities (default 20,000 persons, 240 days):
one with 5 rings of each of the 4 fraud typologies, one with 10 groups of each of the 4 benign kinds
(40 benign groups, twice the 20 planted rings), split its claims into two periods at the
middle day, ``detect`` the first period, and play the investigators: of the first period's
top rings, confirm a share of those that are planted fraud and dismiss a share of those that are
benign groups or nothing planted (``--share``), never ruling on one typology (``--hold-out``).
Then ``detect`` the second period twice, plain and with ``--previous`` and ``--cases``, and
compare top-K precision (share of the top K rings that are planted fraud), planted rings found in
the top K, benign groups in the top K, and whether every planted typology (the held-out one
included) still has a ring in the top K.

    python benchmarks/feedback.py                      # seeds 1 2 3
    python benchmarks/feedback.py --seeds 1 --top 12 --persons 12000 --rings 3
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks._common import header, machine, save, table  # noqa: E402
from graphfraud.analyses.evaluate import _match  # noqa: E402

WORK = HERE / ".worlds"


def gf(*args: str) -> str:
    cmd = [sys.executable, "-m", "graphfraud.cli", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


FRAUD = "staged_clinic,card_collector,induced_admission,kickback"
BENIGN = "dialysis,nursing_home,family,checkup"


def make_world(world: Path, seed: int, args: argparse.Namespace) -> None:
    """One province of two cities: planted fraud rings in one, ``--benign-factor`` times as many benign groups in the other."""
    parts = []
    # Only the fraud city takes an id prefix: synth's benign kinds read the group number from the
    # label (dialysis:01), which a prefix would change.  Person, claim and venue ids stay distinct.
    # The benign city's members also make --benign-ordinary-rate times the ordinary claims, which
    # blurs the legitimate-care signs so that some benign groups reach the ranked list.
    from graphfraud.synth import SynthParams, make_world as synth_world
    from graphfraud.synth.write import write_world

    cities = (
        ("3502", "A", FRAUD, args.rings, 1.0),
        ("3503", "", BENIGN, args.rings * args.benign_factor, args.benign_ordinary_rate),
    )
    for city, prefix, plant, rings, rate in cities:
        part = WORK / f"{world.name}-{city}"
        data, labels = synth_world(
            SynthParams(
                persons=args.persons // 2,
                days=args.days,
                seed=seed,
                plant=tuple(plant.split(",")),
                rings_per_typology=rings,
                member_ordinary_rate=rate,
                city=city,
                id_prefix=prefix,
            )
        )
        write_world(data, labels, part)
        parts.append(part)
    world.mkdir(parents=True, exist_ok=True)
    for name in ("persons", "facilities", "pharmacies", "doctors", "claims", "claim_items", "labels"):
        frames = [pd.read_csv(p / f"{name}.csv", dtype=str, keep_default_na=False) for p in parts]
        pd.concat(frames, ignore_index=True).to_csv(world / f"{name}.csv", index=False)


def split_world(world: Path) -> tuple[Path, Path]:
    """Two claims directories: claims before and from the middle day (fee lines follow their claims)."""
    claims = pd.read_csv(world / "claims.csv", dtype=str, keep_default_na=False)
    items = pd.read_csv(world / "claim_items.csv", dtype=str, keep_default_na=False)
    day = pd.to_datetime(claims["start_time"]).dt.normalize()
    mid = day.min() + (day.max() - day.min()) / 2
    out = []
    for name, keep in (("p1", day < mid.normalize()), ("p2", day >= mid.normalize())):
        d = world.parent / f"{world.name}-{name}"
        d.mkdir(exist_ok=True)
        for table_name in ("persons", "facilities", "pharmacies", "doctors"):
            (d / f"{table_name}.csv").write_bytes((world / f"{table_name}.csv").read_bytes())
        claims[keep].to_csv(d / "claims.csv", index=False)
        items[items["claim_id"].isin(set(claims.loc[keep, "claim_id"]))].to_csv(d / "claim_items.csv", index=False)
        out.append(d)
    return out[0], out[1]


def truth(labels: pd.DataFrame) -> tuple[dict[str, set[str]], dict[str, str]]:
    persons = labels[labels["entity_type"] == "person"]
    groups = {str(k): set(v) for k, v in persons.groupby("ring_id")["entity_id"]}
    kinds = dict(zip(labels["ring_id"], labels["typology"]))
    return groups, kinds


def classify(out: Path, groups: dict[str, set[str]], name: str = "rings.csv") -> pd.DataFrame:
    """rings.csv (or explained.csv) with the planted group each ring matches ('' for none) and its persons."""
    rings = pd.read_csv(out / name, dtype={"ring_id": str}).sort_values("rank")
    members = pd.read_csv(out / "ring_members.csv", dtype=str)
    persons = {k: set(v) for k, v in members[members.entity_type == "person"].groupby("ring_id")["entity_id"]}
    rings["persons_"] = [persons.get(r, set()) for r in rings["ring_id"]]
    rings["group"] = [next((g for g, p in sorted(groups.items()) if _match(p, mine)), "") for mine in rings["persons_"]]
    return rings


def verdicts(
    rings: pd.DataFrame, groups: dict[str, set[str]], kinds: dict[str, str], *, share: float, hold_out: str, seed: int
) -> pd.DataFrame:
    """The investigators of the first period: rule on ``share`` of its reported rings (never on ``hold_out``).

    A confirmed ring is confirmed with its persons; a dismissed one is dismissed with its persons.
    Benign groups the run set apart as legitimate care (explained.csv) are not in rings.csv; a
    ``share`` of the planted benign groups is dismissed person by person, as an inspector who
    checked a dialysis cohort would.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for r in rings.itertuples():
        fraud = bool(r.group) and not r.group.startswith("benign:")
        if (fraud and kinds[r.group] == hold_out) or rng.random() >= share:
            continue
        verdict = "confirmed" if fraud else "dismissed"
        rows.append({"entity_type": "ring", "entity_id": r.ring_id, "verdict": verdict})
        rows += [{"entity_type": "person", "entity_id": p, "verdict": verdict} for p in sorted(r.persons_)]
    for g in sorted(groups):
        if g.startswith("benign:") and rng.random() < share:
            rows += [{"entity_type": "person", "entity_id": p, "verdict": "dismissed"} for p in sorted(groups[g])]
    return pd.DataFrame(rows, columns=["entity_type", "entity_id", "verdict"]).drop_duplicates(
        ["entity_type", "entity_id"]
    )


def measure(rings: pd.DataFrame, kinds: dict[str, str], top: int) -> dict:
    best = rings.head(top)
    fraud = best["group"].ne("") & ~best["group"].str.startswith("benign:")
    planted = sorted({kinds[g] for g in kinds if not g.startswith("benign:")})
    found = sorted({kinds[g] for g in best.loc[fraud, "group"]})
    return {
        "precision": float(fraud.mean()) if len(best) else 0.0,
        "fraud": int(fraud.sum()),
        "benign": int(best["group"].str.startswith("benign:").sum()),
        "missing typologies": ", ".join(sorted(set(planted) - set(found))) or "none",
    }


def run_seed(seed: int, args: argparse.Namespace) -> list[dict]:
    world = WORK / f"feedback-{args.persons}-{seed}"
    if not (world / "labels.csv").exists():
        make_world(world, seed, args)
    p1, p2 = split_world(world)
    groups, kinds = truth(pd.read_csv(world / "labels.csv", dtype=str))
    out1, plain, learned = (WORK / f"feedback-{seed}-{n}" for n in ("out1", "plain", "learned"))
    gf("detect", str(p1), "--out", str(out1), "-q")
    cases = verdicts(classify(out1, groups), groups, kinds, share=args.share, hold_out=args.hold_out, seed=seed)
    cases.to_csv(WORK / f"feedback-{seed}-cases.csv", index=False)
    gf("detect", str(p2), "--out", str(plain), "-q")
    gf(
        "detect",
        str(p2),
        "--out",
        str(learned),
        "--previous",
        str(out1),
        "--cases",
        str(WORK / f"feedback-{seed}-cases.csv"),
        "-q",
    )
    record = json.loads((learned / "run.json").read_text())["learned"]
    found = {name: classify(out, groups) for name, out in (("plain", plain), ("with verdicts", learned))}
    rows = []
    for name, rings in found.items():
        row = {"seed": seed, "second period": name}
        for k in args.top:
            row[f"precision@{k}"] = measure(rings, kinds, k)["precision"]
        k = max(args.top)
        m = measure(rings, kinds, k)
        row[f"planted in top {k}"] = m["fraud"]
        row[f"benign groups in top {k}"] = m["benign"]
        row[f"typologies missing from top {k}"] = m["missing typologies"]
        if name == "with verdicts":
            before = set(measure(found["plain"], kinds, k)["missing typologies"].split(", ")) - {"none"}
            after = set(m["missing typologies"].split(", ")) - {"none"}
            row["fell out"] = ", ".join(sorted(after - before)) or "none"
            row["verdicts reaching rings"] = f"{record['confirmed']} confirmed, {record['dismissed']} dismissed"
            row["model (CV ROC AUC)"] = f"{record['model']} {record['cv_roc_auc'][record['model']]:.3f}"
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--persons", type=int, default=20000)
    ap.add_argument("--days", type=int, default=240)
    ap.add_argument("--rings", type=int, default=5, help="rings per planted fraud typology (4 typologies)")
    ap.add_argument("--benign-factor", type=int, default=2, help="benign groups per kind, as a multiple of --rings")
    ap.add_argument(
        "--benign-ordinary-rate",
        type=float,
        default=25.0,
        help="multiplier on the benign groups' members' ordinary claims (blurs the benign signs)",
    )
    ap.add_argument(
        "--top", type=int, nargs="+", default=[8, 12], help="K of top-K precision (the largest for the other columns)"
    )
    ap.add_argument(
        "--share", type=float, default=0.7, help="share of the first period's rings and benign groups ruled on"
    )
    ap.add_argument("--hold-out", default="kickback", help="typology never ruled on")
    args = ap.parse_args(argv)
    WORK.mkdir(exist_ok=True)
    start = time.perf_counter()
    rows = [row for seed in args.seeds for row in run_seed(seed, args)]
    info = machine() | {
        "world": f"{args.persons} persons in two cities, {args.days} days split in two periods; "
        f"{args.rings} rings per fraud typology, {args.rings * args.benign_factor} groups per benign kind",
        "ruled on": f"{args.share:.0%} of the first period's rings and of the benign groups, never {args.hold_out}",
        "seconds": f"{time.perf_counter() - start:.0f}",
    }
    text = header("Verdicts from the first period re-rank the second", info)
    columns = list(dict.fromkeys(c for r in rows for c in r))
    text += table(rows, columns)
    print(text)
    save(text, "feedback.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
