"""Render run records (JSON lines from ``run.py --json``) as benchmarks/results/otherworld.md.

Example::

    python -m benchmarks.otherworld.report --records /tmp/ow/records.jsonl --out benchmarks/results/otherworld.md
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks._common import header, machine

from .judge import failures, judge, markdown


def _summary_row(rec: dict) -> dict:
    k = rec.get("truth_knobs", {})
    row = {
        "world": rec["seed"],
        "claims": rec.get("claims", ""),
        "times": k.get("time_resolution", ""),
        "items": "yes" if k.get("claim_items") else "no",
        "detect s": rec["detect"]["seconds"],
    }
    if "score" not in rec:
        return {**row, "result": "CRASH (traceback)" if "Traceback" in rec["detect"]["stderr"] else "refused"}
    s = rec["score"]
    n = len(s["planted"])
    frag = sum(p["status"].startswith("fragmented") for p in s["planted"])
    return {
        **row,
        "result": "lenient" if rec["lenient"] else "ok",
        "K": s["k"],
        "found": f"{s['found']}/{n}",
        "fragmented": frag,
        "missed": sum(p["status"].startswith("missed") for p in s["planted"]),
        "signals off": ", ".join(s.get("signals_off", [])),
        "typology right": s["typology_right"],
        "precision": s["precision"],
        "recall": s["recall"],
        "F1": s["f1"],
        "benign in top K": f"{s['benign_in_top_k']}/{len(s['benign'])}",
        "non-planted rings in top K": len(s["false_top_k"]),
    }


def worst(records: list[dict]) -> dict:
    """A crash, else the fewest rings found (share), then most benign groups in top K, then lowest F1."""

    def key(r: dict):
        if "score" not in r:
            return (-1, 0, 0)
        s = r["score"]
        return (s["found"] / max(len(s["planted"]), 1), -s["benign_in_top_k"], s["f1"])

    return min(records, key=key)


def render(records: list[dict], info: dict[str, str], notes: str = "") -> str:
    cols = [
        "world",
        "claims",
        "times",
        "items",
        "result",
        "K",
        "found",
        "fragmented",
        "missed",
        "typology right",
        "precision",
        "recall",
        "F1",
        "benign in top K",
        "non-planted rings in top K",
        "signals off",
        "detect s",
    ]
    lines = [
        header("graphfraud detect on independently generated worlds (otherworld, issue 14)", info),
        "",
        "Worlds from `benchmarks/otherworld` (written from the data contract and design notes only; assumptions in "
        "`benchmarks/otherworld/README.md`), 30,000 persons each, `graphfraud detect DIR --out OUT` at default "
        "parameters, judged by `python -m benchmarks.otherworld.judge` with K = planted rings + 5. A ring is "
        "found when one top-K ring holds >= half of its core persons; fragmented when the top K hold half only "
        "together.",
        "",
        "## Summary",
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "---|" * len(cols),
    ]
    for rec in records:
        row = _summary_row(rec)
        lines.append("| " + " | ".join(str(row.get(c, "")) for c in cols) + " |")
    w = worst(records)
    lines += [
        "",
        f"**Worst world: {w['seed']}** ({_summary_row(w)['result']}"
        + (f", found {w['score']['found']}/{len(w['score']['planted'])}" if "score" in w else "")
        + ").",
        "",
    ]
    lines += _by_kind(records)
    if notes:
        lines += [notes.strip(), ""]
    lines += ["## Per world", ""]
    for rec in records:
        knobs = rec.get("truth_knobs", {})
        knob_line = f"knobs: `{json.dumps(_short(knobs), ensure_ascii=False)}`\n"
        if "score" in rec:
            head, _, body = markdown(f"world {rec['seed']}", rec["score"]).partition("\n\n")
            lines += [head, "", knob_line, body]
        else:
            lines += [
                f"### world {rec['seed']}",
                "",
                knob_line,
                f"`{rec['detect']['cmd']}` exited {rec['detect']['rc']}:",
                "",
                "```",
                rec["detect"]["stderr"].strip()[-2500:],
                "```",
                "",
            ]
    lines += ["## Failures, one by one", ""]
    for rec in records:
        if "score" in rec:
            lines += failures(f"w{rec['seed']}", rec["score"])
        else:
            lines.append(
                f"- **w{rec['seed']}: detect crashed** (traceback above; last line: "
                f"`{rec['detect']['stderr'].strip().splitlines()[-1]}`)."
            )
    return "\n".join(lines) + "\n"


def _by_kind(records: list[dict]) -> list[str]:
    """Planted rings by typology (found / fragmented / missed / typology right) and benign groups by kind."""
    ring: dict[str, list[int]] = {}
    grp: dict[str, list[int]] = {}
    for rec in records:
        for p in rec.get("score", {}).get("planted", []):
            c = ring.setdefault(p["kind"], [0, 0, 0, 0, 0])
            c[0] += 1
            c[1] += p["status"] == "found"
            c[2] += p["status"].startswith("fragmented")
            c[3] += p["status"].startswith("missed")
            c[4] += p["typology_right"]
        for b in rec.get("score", {}).get("benign", []):
            g = grp.setdefault(b["kind"], [0, 0])
            g[0] += 1
            g[1] += b["in_top_k"]
    out = [
        "",
        "## By typology, all scored worlds",
        "",
        "| planted kind | rings | found | fragmented | missed | typology right |",
        "|---|---|---|---|---|---|",
    ]
    out += [f"| {k} | {v[0]} | {v[1]} | {v[2]} | {v[3]} | {v[4]} |" for k, v in sorted(ring.items())]
    out += ["", "| benign kind | groups | in top K |", "|---|---|---|"]
    out += [f"| {k} | {v[0]} | {v[1]} |" for k, v in sorted(grp.items())]
    return out + [""]


def _short(knobs: dict) -> dict:
    keep = [
        "city",
        "year",
        "days",
        "time_resolution",
        "dropped",
        "claim_items",
        "trace_share",
        "phone_format",
        "prescriber_on_pharmacy",
        "chronic_type",
        "rings",
        "benign",
    ]
    return {k: knobs[k] for k in keep if k in knobs}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--load", help="load average at the start of the run (default: now)")
    ap.add_argument("--rejudge", action="store_true", help="score each world's detect output again (judge changed)")
    ap.add_argument("--notes", type=Path, help="Markdown inserted after the summary (the analysis of the failures)")
    a = ap.parse_args(argv)
    records = [json.loads(line) for line in a.records.read_text().splitlines() if line.strip()]
    for rec in records:  # records of an older runner: take knobs and size from the world's truth.json
        if "truth_knobs" not in rec and (Path(rec["data"]) / "truth.json").exists():
            truth = json.loads((Path(rec["data"]) / "truth.json").read_text())
            rec["truth_knobs"], rec["claims"] = truth["knobs"], truth["claims"]
        if a.rejudge and "score" in rec:
            rec["score"] = judge(Path(rec["data"]), Path(rec["data"] + "-out"))
    info = machine()
    if a.load:
        info["load"] = a.load
    a.out.write_text(render(records, info, a.notes.read_text() if a.notes else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
