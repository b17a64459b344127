"""Score graphfraud's detect output against an otherworld truth file.

Example::

    python -m benchmarks.otherworld.judge --data /tmp/ow3 --detect-out /tmp/ow3-out --k 12

Rules (from the brief of issue 14, applied to the contract's rings.csv / ring_members.csv):

- a planted ring is **found** when one top-K ring holds at least half of its core persons (the people the
  scheme recruited; persons whose cards were only padded count as true members but not as core);
  **fragmented** when the top-K rings together hold half of them but no single ring does; else **missed**;
- **typology right** when the ring holding most of its core persons has the planted kind as typology;
- member precision / recall / F1 over persons: predicted = persons of all top-K rings; true = persons
  of planted rings (recall counts core persons only);
- a benign group is **in the top K** when one top-K ring holds at least min(3, half of the group) of its persons.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import pandas as pd


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def load_output(out: Path) -> tuple[pd.DataFrame, dict[str, set[str]]]:
    """rings.csv sorted by rank, and the person ids of each ring."""
    rings = _read(out / "rings.csv")
    rings["rank"] = rings["rank"].astype(int)
    rings = rings.sort_values("rank").reset_index(drop=True)
    members = _read(out / "ring_members.csv")
    persons = members[members["entity_type"] == "person"]
    by_ring = persons.groupby("ring_id")["entity_id"].apply(set).to_dict()
    return rings, {r: by_ring.get(r, set()) for r in rings["ring_id"]}


def _reasons(out: Path) -> dict[str, list[str]]:
    p = out / "ring_reasons.csv"
    if not p.exists():
        return {}
    rr = _read(p)
    return rr.groupby("ring_id")["code"].apply(list).to_dict()


def _overlaps(people: set[str], rings: pd.DataFrame, members: dict[str, set[str]], subgroups=()) -> list[dict]:
    """Every reported ring sharing persons with ``people``, most shared first (with its share of each sub-group)."""
    rows = []
    for r in rings.itertuples():
        n = len(people & members[r.ring_id])
        if n:
            parts = {
                f"group {i + 1}": f"{len(set(g) & members[r.ring_id])}/{len(g)}"
                for i, g in enumerate(subgroups)
                if set(g) & members[r.ring_id]
            }
            rows.append(
                {
                    "rank": r.rank,
                    "ring_id": r.ring_id,
                    "shared": n,
                    "ring_persons": int(r.persons),
                    "subgroups": parts,
                    "typology": r.typology,
                    "alert": r.alert,
                    "score": float(r.score),
                    "reasons": r.reasons,
                }
            )
    return sorted(rows, key=lambda x: (-x["shared"], x["rank"]))


def judge(data: Path, out: Path, k: int | None = None) -> dict:
    """Scores of one detect run on one world; see the module docstring for the rules."""
    truth = json.loads((data / "truth.json").read_text())
    rings, members = load_output(out)
    k = len(truth["rings"]) + 5 if k is None else k
    top = rings[rings["rank"] <= k]
    top_members = {r: members[r] for r in top["ring_id"]}
    codes = _reasons(out)
    planted = []
    for ring in truth["rings"]:
        core = set(ring["core"])
        ov = _overlaps(core, rings, members, ring.get("subgroups", []))
        in_top = [o for o in ov if o["rank"] <= k]
        best = in_top[0] if in_top else None
        covered = len(core & set().union(*top_members.values())) if top_members else 0
        need = len(core) / 2
        status = "found" if best and best["shared"] >= need else "fragmented" if covered >= need else "missed"
        planted.append(
            {
                "id": ring["id"],
                "kind": ring["kind"],
                "core": len(core),
                "persons": len(ring["persons"]),
                "status": status,
                "best_share": round(best["shared"] / len(core), 3) if best else 0.0,
                "top_k_coverage": round(covered / len(core), 3) if core else 0.0,
                "typology": best["typology"] if best else "",
                "typology_right": bool(status == "found" and best["typology"] == ring["kind"]),
                "reported_as": [{**o, "reason_codes": codes.get(o["ring_id"], [])} for o in ov[:4]],
                "params": ring["params"],
                "doctors": ring["doctors"],
                "facilities": ring["facilities"],
                "pharmacies": ring["pharmacies"],
            }
        )
    truth_all = set().union(*[set(r["persons"]) for r in truth["rings"]]) if truth["rings"] else set()
    truth_core = set().union(*[set(r["core"]) for r in truth["rings"]]) if truth["rings"] else set()
    pred = set().union(*top_members.values()) if top_members else set()
    precision = len(pred & truth_all) / len(pred) if pred else 0.0
    recall = len(pred & truth_core) / len(truth_core) if truth_core else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    benign = []
    for g in truth["benign"]:
        people = set(g["persons"])
        ov = [o for o in _overlaps(people, rings, members) if o["rank"] <= k]
        need = min(3, math.ceil(len(people) / 2))
        hit = bool(ov and ov[0]["shared"] >= need)
        benign.append(
            {
                "id": g["id"],
                "kind": g["kind"],
                "persons": len(people),
                "in_top_k": hit,
                "reported_as": [{**o, "reason_codes": codes.get(o["ring_id"], [])} for o in ov[:3]] if hit else [],
                "params": g["params"],
            }
        )
    run = out / "run.json"
    off = json.loads(run.read_text()).get("signals_off", []) if run.exists() else []
    off = list(off) if not isinstance(off, dict) else sorted(off)
    for p in planted:  # a scheme whose only evidence needs a column the export lacks
        if p["kind"] == "kickback" and "steering" in off and p["status"] != "found":
            p["status"] += " (steering off: no doctor_id)"
    return {
        "k": k,
        "reported": int(len(rings)),
        "planted": planted,
        "benign": benign,
        "signals_off": off,
        "found": sum(p["status"] == "found" for p in planted),
        "typology_right": sum(p["typology_right"] for p in planted),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "benign_in_top_k": sum(b["in_top_k"] for b in benign),
        "false_top_k": _unexplained(top, top_members, truth, _read(out / "ring_members.csv"), data),
    }


def _venues(data: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Facility id -> "kind level name", doctor id -> its facility (from doctors.csv, else its claims)."""
    fac = _read(data / "facilities.csv")
    desc = {
        r["facility_id"]: " ".join(str(r.get(c, "")) for c in ("kind", "level", "name") if c in fac.columns)
        for _, r in fac.iterrows()
    }
    docs = _read(data / "doctors.csv")
    if "facility_id" in docs.columns:
        return desc, dict(zip(docs["doctor_id"], docs["facility_id"]))
    head = pd.read_csv(data / "claims.csv", dtype=str, nrows=0, encoding="utf-8-sig").columns
    if "doctor_id" not in head:
        return desc, {}
    c = pd.read_csv(
        data / "claims.csv",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
        usecols=["doctor_id", "facility_id"],
    )
    c = c[(c["doctor_id"] != "") & (c["facility_id"] != "")]
    return desc, c.groupby("doctor_id")["facility_id"].agg(lambda s: s.mode().iat[0]).to_dict()


def _unexplained(
    top: pd.DataFrame, top_members: dict[str, set[str]], truth: dict, members: pd.DataFrame, data: Path
) -> list[dict]:
    """Top-K rings that are neither a planted ring nor a benign group: what they hold instead."""
    known = {p: r["id"] for r in truth["rings"] for p in r["persons"]}
    known.update({p: g["id"] for g in truth["benign"] for p in g["persons"]})
    rows, venues = [], None
    for r in top.itertuples():
        people = top_members[r.ring_id]
        labels = pd.Series([known.get(p, "ordinary") for p in people]).value_counts()
        main = labels.index[0] if len(labels) else "ordinary"
        if main == "ordinary" or labels.iloc[0] < len(people) / 2:
            if venues is None:
                venues = _venues(data)
            desc, doc_fac = venues
            m = members[(members["ring_id"] == r.ring_id) & (members["entity_type"] != "person")]
            where = [
                f"{t} {e}"
                + (f" ({desc.get(e, '?')})" if t == "facility" else "")
                + (f" (at {doc_fac.get(e, '?')}: {desc.get(doc_fac.get(e, ''), '?')})" if t == "doctor" else "")
                for t, e in zip(m["entity_type"], m["entity_id"])
            ]
            rows.append(
                {
                    "rank": r.rank,
                    "ring_id": r.ring_id,
                    "typology": r.typology,
                    "persons": int(r.persons),
                    "holds": labels.head(3).to_dict(),
                    "entities": where,
                    "reasons": r.reasons,
                }
            )
    return rows


def markdown(name: str, res: dict) -> str:
    """A per-world table and the failures in words."""
    lines = [
        f"### {name}",
        "",
        f"top K = {res['k']} of {res['reported']} reported rings; found {res['found']}/{len(res['planted'])}, "
        f"typology right {res['typology_right']}, member precision {res['precision']:.3f}, recall "
        f"{res['recall']:.3f}, F1 {res['f1']:.3f}, benign groups in top K {res['benign_in_top_k']}/{len(res['benign'])}",
        "",
        "| planted ring | core persons | status | best share in one top-K ring | top-K coverage | reported typology |",
        "|---|---|---|---|---|---|",
    ]
    for p in res["planted"]:
        lines.append(
            f"| {p['id']} | {p['core']} | {p['status']} | {p['best_share']:.2f} | {p['top_k_coverage']:.2f} | "
            f"{p['typology'] or '-'}{'' if p['typology_right'] or p['status'] != 'found' else ' (wrong)'} |"
        )
    lines += ["", "| benign group | persons | in top K |", "|---|---|---|"]
    for b in res["benign"]:
        lines.append(f"| {b['id']} | {b['persons']} | {'YES' if b['in_top_k'] else 'no'} |")
    return "\n".join(lines) + "\n"


def failures(name: str, res: dict) -> list[str]:
    """One paragraph per failure with the planted parameters and what graphfraud reported instead."""
    out = []
    for p in res["planted"]:
        if p["status"] == "found" and p["typology_right"]:
            continue
        what = p["status"] if p["status"] != "found" else f"found, typology {p['typology']}"
        seen = (
            "; ".join(
                f"#{o['rank']} {o['ring_id']} ({o['typology']}, {o['alert']}, {o['ring_persons']} persons, "
                f"{o['shared']} of ours"
                + (f" = {o['subgroups']}" if o.get("subgroups") else "")
                + f"; reasons: {o['reasons']})"
                for o in p["reported_as"][:3]
            )
            or "nothing"
        )
        out.append(
            f"- **{name} {p['id']}** ({p['kind']}, {p['core']} core persons, doctors {p['doctors']}, "
            f"facilities {p['facilities']}, pharmacies {p['pharmacies']}): {what}; best one-ring share "
            f"{p['best_share']:.2f}, top-K coverage {p['top_k_coverage']:.2f}. Parameters: "
            f"`{json.dumps(p['params'], ensure_ascii=False)}`. Reported instead: {seen}."
        )
    for b in res["benign"]:
        if b["in_top_k"]:
            seen = "; ".join(
                f"#{o['rank']} {o['ring_id']} ({o['typology']}, {o['alert']}, {o['ring_persons']} persons, "
                f"{o['shared']} of the group; reasons: {o['reasons']})"
                for o in b["reported_as"]
            )
            out.append(
                f"- **{name} benign {b['id']}** ({b['persons']} persons) in top K. Parameters: "
                f"`{json.dumps(b['params'], ensure_ascii=False)}`. Reported as: {seen}."
            )
    for u in res["false_top_k"]:
        out.append(
            f"- **{name} top-K ring #{u['rank']} {u['ring_id']}** ({u['typology']}, {u['persons']} persons) is "
            f"mostly not a planted ring: holds {u['holds']}; entities {u.get('entities', [])}. Reasons: {u['reasons']}"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="world directory with truth.json")
    ap.add_argument("--detect-out", type=Path, required=True, help="graphfraud detect --out directory")
    ap.add_argument("--k", type=int, default=None, help="top K [default: planted rings + 5]")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    a = ap.parse_args(argv)
    for p in (a.data / "truth.json", a.detect_out / "rings.csv", a.detect_out / "ring_members.csv"):
        if not p.exists():
            ap.error(f"{p} does not exist")
    res = judge(a.data, a.detect_out, a.k)
    if a.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
    else:
        print(markdown(a.data.name, res))
        print("\n".join(failures(a.data.name, res)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
