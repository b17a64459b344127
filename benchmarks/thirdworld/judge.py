"""Score one detect output against a thirdworld's truth.json.

`python -m benchmarks.thirdworld.judge --data W --detect-out O [--json]`. Reads only the contract columns of
rings.csv and ring_members.csv; K = planted rings + 5.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path


def read_output(out: Path) -> tuple[list[dict], dict[str, set[str]]]:
    """Rings best first (contract columns as strings) and each ring's person ids."""
    rings, members = [], {}
    rp = out / "rings.csv"
    if rp.exists():
        with rp.open(encoding="utf-8-sig", newline="") as f:
            rings = sorted(csv.DictReader(f), key=lambda r: int(r["rank"]))
    mp = out / "ring_members.csv"
    if mp.exists():
        with mp.open(encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                if r["entity_type"] == "person":
                    members.setdefault(r["ring_id"], set()).add(r["entity_id"])
    return rings, members


def _ring_view(r: dict, held: int) -> dict:
    return {
        "rank": int(r["rank"]),
        "ring_id": r["ring_id"],
        "typology": r.get("typology", ""),
        "alert": r.get("alert", ""),
        "persons": r.get("persons", ""),
        "held": held,
        "reasons": r.get("reasons", ""),
    }


def judge(truth: dict, rings: list[dict], members: dict[str, set[str]]) -> dict:
    """Found / fragmented / missed per planted ring, typology, member P/R/F1, benign groups in the top K.

    >>> t = {"rings": [{"id": "R1", "kind": "kickback", "persons": ["a", "b"], "core": ["a", "b"], "params": {}}], "benign": []}
    >>> judge(t, [{"rank": "1", "ring_id": "x", "typology": "kickback"}], {"x": {"a"}})["planted"][0]["status"]
    'found'
    """
    k = len(truth["rings"]) + 5
    top = [r for r in rings if int(r["rank"]) <= k][:k]
    top_sets = [(r, members.get(r["ring_id"], set())) for r in top]
    union_top = set().union(*(s for _, s in top_sets)) if top_sets else set()
    planted_all = {p for g in truth["rings"] for p in g["persons"]}
    core_all = {p for g in truth["rings"] for p in g["core"]}
    planted = []
    for g in truth["rings"]:
        core = set(g["core"])
        need = len(core) / 2
        best = max(top_sets, key=lambda rs: (len(rs[1] & core), -int(rs[0]["rank"])), default=None)
        best_hold = len(best[1] & core) if best else 0
        status = (
            "found"
            if best_hold >= need and best_hold > 0
            else "fragmented"
            if len(union_top & core) >= need
            else "missed"
        )
        involved = sorted(
            ((r, len(members.get(r["ring_id"], set()) & set(g["persons"]))) for r in rings),
            key=lambda x: (-x[1], int(x[0]["rank"])),
        )
        planted.append(
            {
                "id": g["id"],
                "kind": g["kind"],
                "core": len(core),
                "persons": len(g["persons"]),
                "status": status,
                "best_hold": best_hold,
                "top_k_hold": len(union_top & core),
                "best": _ring_view(best[0], best_hold) if best and best_hold else None,
                "typology_right": bool(best and best_hold and best[0].get("typology") == g["kind"]),
                "params": g["params"],
                "reported": [_ring_view(r, n) for r, n in involved[:5] if n > 0],
            }
        )
    precision = len(union_top & planted_all) / len(union_top) if union_top else 0.0
    recall = len(union_top & core_all) / len(core_all) if core_all else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    benign = []
    for g in truth["benign"]:
        ps = set(g["persons"])
        need = min(3, len(ps) / 2)
        hits = [(r, len(s & ps)) for r, s in top_sets if len(s & ps) >= need and len(s & ps) > 0]
        benign.append(
            {
                "id": g["id"],
                "kind": g["kind"],
                "persons": len(ps),
                "in_top_k": bool(hits),
                "rings": [_ring_view(r, n) for r, n in hits],
                "params": g["params"],
            }
        )
    noise = []
    for r, s in top_sets:
        if s and len(s & planted_all) < len(s) / 2:
            groups = {g["id"]: len(s & set(g["persons"])) for g in truth["benign"] if s & set(g["persons"])}
            noise.append({**_ring_view(r, len(s & planted_all)), "members": len(s), "benign_groups": groups})
    return {
        "k": k,
        "reported": len(rings),
        "planted": planted,
        "benign": benign,
        "noise": noise,
        "found": sum(p["status"] == "found" for p in planted),
        "fragmented": sum(p["status"] == "fragmented" for p in planted),
        "missed": sum(p["status"] == "missed" for p in planted),
        "typology_right": sum(p["typology_right"] and p["status"] == "found" for p in planted),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "benign_in_top_k": sum(b["in_top_k"] for b in benign),
    }


def explained_rows(out: Path) -> list[dict]:
    """graphfraud's own explained.csv (groups it set aside as legitimate care), when present: not scored."""
    p = out / "explained.csv"
    if not p.exists():
        return []
    with p.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def judge_dirs(data: Path, out: Path) -> dict:
    """Judge a detect output; each failed ring also lists explained.csv rows naming one of its venues or doctors."""
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    rings, members = read_output(out)
    res = judge(truth, rings, members)
    explained = explained_rows(out)
    by_id = {g["id"]: g for g in truth["rings"]}
    for p in res["planted"]:
        g = by_id[p["id"]]
        own = [] if g["kind"] == "kickback" else g.get("facilities", [])  # a kickback's hospitals are everyone's
        ids = own + g.get("pharmacies", []) + g.get("doctors", [])
        p["explained"] = [
            {
                "ring_id": e["ring_id"],
                "typology": e.get("typology", ""),
                "persons": e.get("persons", ""),
                "reasons": e.get("reasons", ""),
            }
            for e in explained
            if p["status"] != "found" and any(i in e.get("reasons", "") for i in ids)
        ][:3]
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--detect-out", type=Path, required=True)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    res = judge_dirs(a.data, a.detect_out)
    if a.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    print(
        f"K={res['k']}: found {res['found']}, fragmented {res['fragmented']}, missed {res['missed']} of "
        f"{len(res['planted'])}; typology right {res['typology_right']}; P {res['precision']} R {res['recall']} "
        f"F1 {res['f1']}; benign in top K {res['benign_in_top_k']} of {len(res['benign'])}"
    )
    for p in res["planted"]:
        b = p["best"]
        where = f"rank {b['rank']} {b['typology']} holds {b['held']}" if b else "no top-K ring"
        print(f"  {p['id']:28s} {p['status']:10s} core {p['core']:3d}  {where}", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
