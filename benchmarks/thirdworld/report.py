"""Markdown report of `run` records: `python -m benchmarks.thirdworld.report --records R.jsonl --out FILE.md`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KINDS = ["staged_clinic", "card_collector", "induced_admission", "kickback"]


def _cell(text: str) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"


def _world_line(rec: dict) -> str:
    k, s = rec["knobs"], rec["summary"]
    d = rec["detect"][-1]
    j = rec["judge"]
    world = f"{k['county_name']} {k['start']} +{k['months']} mo, time {k['time_mode']}, {s['claims']:,} claims"
    if j is None:
        return f"| {rec['seed']} | {world} | {len(k['rings'])} | detect {d['outcome']} (rc {d['rc']}) | | | | | | {d['seconds']} |"
    return (
        f"| {rec['seed']} | {world} | {len(j['planted'])} | {j['found']} | {j['fragmented']} | {j['missed']} | "
        f"{j['typology_right']} | {j['f1']} | {j['benign_in_top_k']} of {len(j['benign'])} | {d['seconds']} |"
    )


def _failures(rec: dict) -> list[str]:
    out = []
    j = rec["judge"]
    for p in j["planted"]:
        if p["status"] == "found" and p["typology_right"]:
            continue
        what = p["status"] if p["status"] != "found" else f"found, typed {p['best']['typology']}"
        out.append(
            f"- **seed {rec['seed']} {p['id']}** ({p['kind']}, {p['core']} core persons): {what}; best top-K ring "
            f"holds {p['best_hold']}, the top K together {p['top_k_hold']}."
        )
        out.append(f"  - planted: `{json.dumps(p['params'], ensure_ascii=False)}`")
        if not p["reported"]:
            out.append("  - no reported ring (at any rank) holds any of its persons.")
        for e in p.get("explained", []):
            out.append(
                f"  - set aside in explained.csv ({e['persons']} persons, not scored) naming its venue or doctor: "
                f"{_cell(e['reasons'])[:400]}"
            )
        for r in p["reported"]:
            out.append(
                f"  - reported rank {r['rank']} ({r['typology']}, {r['alert']}, {r['persons']} persons) holds "
                f"{r['held']}: {_cell(r['reasons'])[:600]}"
            )
    for b in j["benign"]:
        if b["in_top_k"]:
            out.append(
                f"- **seed {rec['seed']} {b['id']}** (benign, {b['persons']} persons) in the top K: "
                f"`{json.dumps(b['params'], ensure_ascii=False)}`"
            )
            for r in b["rings"]:
                out.append(
                    f"  - rank {r['rank']} ({r['typology']}, {r['alert']}, {r['persons']} persons) holds {r['held']}: "
                    f"{_cell(r['reasons'])[:600]}"
                )
    return out


def report(records: list[dict], notes: str = "") -> str:
    lines = [
        "# graphfraud on thirdworld (a rural county, written independently)",
        "",
        f"- date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; nproc {os.cpu_count()}; load "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- graphfraud commit: {_commit()}",
        "- worlds: `python -m benchmarks.thirdworld.make --seed N --persons 30000`; `graphfraud detect` at default "
        "parameters in a fresh process; judged by `benchmarks.thirdworld.judge` at K = planted rings + 5",
        "",
        "| seed | world | planted | found | fragmented | missed | typology right (found) | member F1 | benign in top K | detect s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_world_line(r) for r in records]
    if notes.strip():
        lines += ["", notes.strip()]
    judged = [r for r in records if r["judge"]]
    if judged:
        tot = {
            x: sum(r["judge"][x] for r in judged)
            for x in ("found", "fragmented", "missed", "typology_right", "benign_in_top_k")
        }
        planted = sum(len(r["judge"]["planted"]) for r in judged)
        benign = sum(len(r["judge"]["benign"]) for r in judged)
        worst = min(judged, key=lambda r: (r["judge"]["found"] / max(1, len(r["judge"]["planted"])), r["judge"]["f1"]))
        lines += [
            "",
            f"**Totals:** {tot['found']} of {planted} rings found, {tot['fragmented']} fragmented, {tot['missed']} "
            f"missed; typology right for {tot['typology_right']} of the {tot['found']} found; {tot['benign_in_top_k']} "
            f"of {benign} benign groups in the top K; mean member F1 "
            f"{sum(r['judge']['f1'] for r in judged) / len(judged):.3f}.",
            f"**Worst world:** seed {worst['seed']} ({worst['judge']['found']} of {len(worst['judge']['planted'])} "
            f"found, F1 {worst['judge']['f1']}).",
            "",
            "## By scheme",
            "",
            "| scheme | typology | planted | found | fragmented | missed | typology right |",
            "|---|---|---|---|---|---|---|",
        ]
        by: dict[str, list] = {}
        for r in judged:
            for p in r["judge"]["planted"]:
                by.setdefault(p["params"]["scheme"], []).append(p)
        for s, ps in sorted(by.items()):
            lines.append(
                f"| {s} | {ps[0]['kind']} | {len(ps)} | {sum(p['status'] == 'found' for p in ps)} | "
                f"{sum(p['status'] == 'fragmented' for p in ps)} | {sum(p['status'] == 'missed' for p in ps)} | "
                f"{sum(p['typology_right'] and p['status'] == 'found' for p in ps)} |"
            )
        lines += ["", "## Every failure (missed, fragmented, wrong typology, benign group in the top K)", ""]
        for r in judged:
            lines += _failures(r)
        lines += ["", "## Top-K rings that are mostly ordinary people", ""]
        for r in judged:
            for n in r["judge"]["noise"]:
                lines.append(
                    f"- seed {r['seed']} rank {n['rank']} ({n['typology']}, {n['alert']}, {n['members']} persons, "
                    f"{n['held']} planted; benign groups {n['benign_groups']}): {_cell(n['reasons'])[:400]}"
                )
    crashes = [r for r in records if any(d["outcome"] != "ok" for d in r["detect"])]
    lines += ["", "## Crashes and refusals", ""]
    if not crashes:
        lines.append("None: detect accepted every world and exited 0.")
    for r in crashes:
        for d in r["detect"]:
            if d["outcome"] != "ok":
                lines += [
                    f"- seed {r['seed']}: `{d['cmd']}` {d['outcome']} (rc {d['rc']}):",
                    "",
                    "```",
                    d["stderr_tail"].strip()[-3000:],
                    "```",
                ]
    lines += ["", "## The worlds' drawn assumptions", ""]
    for r in records:
        k = {x: v for x, v in r["knobs"].items() if x not in ("rings", "benign")}
        lines.append(
            f"- seed {r['seed']}: rings {r['knobs']['rings']}; benign {r['knobs']['benign']}; "
            f"`{json.dumps(k, ensure_ascii=False)}`"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--notes", type=Path, help="a markdown file of findings, put under the table")
    a = ap.parse_args(argv)
    recs = [json.loads(x) for x in a.records.read_text(encoding="utf-8").splitlines() if x.strip()]
    latest = {r["seed"]: r for r in recs}  # a seed run twice: its last record
    notes = a.notes.read_text(encoding="utf-8") if a.notes else ""
    a.out.write_text(report([latest[s] for s in sorted(latest)], notes), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
