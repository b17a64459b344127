"""Exports without an optional column: where detection leans on one column (round 17).

Real exports differ in which optional columns they carry (``shared/data-contract.md``).
This copies a dev world dropping one optional column *group*, runs ``detect`` on the copy
(with ``--lenient`` as a fallback, as ``/work/scratch/bin/ev.sh`` does), judges it with the
world's own judge, and tabulates found / fragmented / benign / worst F1 per (generator,
dropped group) against the same worlds judged in full::

    python -m benchmarks.ablate --kind ow --dir /work/scratch/ow --seeds 2 3 --groups address phone \
        --work /work/scratch/ablate17 --tag abl1
    python -m benchmarks.ablate --table /work/scratch/ablate17 --tag abl1 --base hb3

A group is dropped only from worlds that carry it (a world that never had the column says
nothing about losing it): such (world, group) pairs are listed as ``n/a`` and skipped.
The copy keeps every other byte of a CSV row (the ``csv`` module, no type guessing) and
a Parquet table's types; ``truth.json`` is copied for the judge.  The copy is removed after
judging unless ``--keep``; the detect output and the judge's JSON and Markdown stay.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# group -> columns ("table.column") or whole tables ("table"); aliases of the national
# platform (--mapping nhsa) are dropped with their canonical column.
GROUPS: dict[str, tuple[str, ...]] = {
    "address": ("persons.address",),
    "phone": ("persons.phone",),
    "demographics": (
        "persons.sex",
        "persons.birth_date",
        "persons.birth_year",
        "persons.insured_type",
        "persons.death_date",
    ),
    "region": ("persons.region", "facilities.region", "pharmacies.region"),
    "venue_names": ("facilities.name", "pharmacies.name"),
    "facility_kind": ("facilities.kind", "facilities.level", "facilities.ownership", "facilities.beds"),
    # the 定点机构 table left out but the settlement's own 医院等级 (medins_lv) kept: a level, no kind
    "facility_type": ("facilities.kind", "facilities.ownership", "facilities.beds"),
    "ownership": ("facilities.ownership",),
    "chain": ("pharmacies.chain",),
    "doctor_site": ("doctors.facility_id",),
    "department": ("doctors.department", "doctors.title", "doctors.name"),
    "holder": ("claims.holder_id",),
    "end_time": ("claims.end_time",),
    "diagnosis": ("claims.diagnosis",),
    "terminal": ("claims.terminal_id",),
    "account": ("claims.account_amount",),
    "fee_lines": ("claim_items",),
    "item_name": ("claim_items.item_name",),
    "trace_code": ("claim_items.trace_code",),
}
ALIASES: dict[str, tuple[str, ...]] = {
    "persons.sex": ("gend",),
    "persons.birth_date": ("brdy",),
    "persons.region": ("insuplc_admdvs",),
    "persons.insured_type": ("insutype",),
    "facilities.name": ("fixmedins_name",),
    "pharmacies.name": ("fixmedins_name",),
    "claims.end_time": ("endtime",),
    "claims.diagnosis": ("dise_codg",),
    "claims.account_amount": ("acct_pay",),
    "claim_items.item_name": ("med_list_codg_name",),
    "claim_items.trace_code": ("drug_trac_codg",),
}
JUDGES = {
    "ow": "otherworld",
    "tw": "thirdworld",
    "fw": "fourthworld",
    "vw": "fifthworld",
    "sw": "sixthworld",
    "vn": "seventhworld",
    "ew": "eighthworld",
}
TABLES = ("persons", "facilities", "pharmacies", "doctors", "claims", "claim_items")


def _file(world: Path, table: str) -> Path | None:
    for ext in ("csv", "parquet"):
        if (world / f"{table}.{ext}").exists():
            return world / f"{table}.{ext}"
    return None


def _header(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    with path.open(encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), [])


def _columns_to_drop(world: Path, group: str) -> dict[str, list[str]]:
    """{table: [header names present in the world that the group drops]}; ``["*"]`` drops the table."""
    out: dict[str, list[str]] = {}
    for spec in GROUPS[group]:
        table, _, column = spec.partition(".")
        path = _file(world, table)
        if path is None:
            continue
        if not column:
            out[table] = ["*"]
            continue
        names = {column, *ALIASES.get(spec, ())}
        hit = [h for h in _header(path) if h.strip() in names]
        if hit:
            out.setdefault(table, []).extend(hit)
    return out


def has_group(world: Path, group: str) -> bool:
    """Whether the world carries any column (or table) of the group."""
    return bool(_columns_to_drop(world, group))


def copy_without(world: Path, group: str, out: Path) -> dict[str, list[str]]:
    """Copy ``world`` to ``out`` without the group's columns; return what was dropped."""
    drop = _columns_to_drop(world, group)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for table in TABLES:
        src = _file(world, table)
        if src is None or drop.get(table) == ["*"]:
            continue
        gone = set(drop.get(table, ()))
        dst = out / src.name
        if not gone:
            shutil.copyfile(src, dst)
        elif src.suffix == ".parquet":
            import pyarrow.parquet as pq

            t = pq.read_table(src)
            pq.write_table(t.drop_columns([c for c in t.column_names if c in gone]), dst)
        else:
            with (
                src.open(encoding="utf-8-sig", newline="") as fi,
                dst.open("w", encoding="utf-8", newline="") as fo,
            ):
                reader, writer = csv.reader(fi), csv.writer(fo)
                header = next(reader)
                keep = [i for i, h in enumerate(header) if h not in gone]
                for row in _rows(header, reader):
                    writer.writerow([row[i] if i < len(row) else "" for i in keep])
    shutil.copyfile(world / "truth.json", out / "truth.json")
    return drop


def _rows(header: list[str], reader: Iterable[list[str]]) -> Iterable[list[str]]:
    yield header
    yield from reader


def detect_and_judge(kind: str, data: Path, out: Path, code: Path = REPO, params: Path | None = None) -> dict:
    """Detect ``data`` into ``out`` (strict, then ``--lenient``), judge it; the judge's JSON plus timing.

    ``params``: a ``--params`` file for detect (a switch under test)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    cmd = [sys.executable, "-m", "graphfraud.cli", "detect", str(data), "--out", str(out), "--force", "-q"]
    if params is not None:
        cmd += ["--params", str(params)]
    t0 = time.perf_counter()
    err = out.parent / f"{out.name}.err"
    with err.open("w") as e:
        r = subprocess.run(cmd, cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=e)
        lenient = r.returncode != 0
        if lenient:
            r = subprocess.run([*cmd, "--lenient"], cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=e)
    secs = time.perf_counter() - t0
    if r.returncode != 0:
        return {"error": err.read_text()[-2000:], "seconds": secs}
    judge = [sys.executable, "-m", f"benchmarks.{JUDGES[kind]}.judge", "--data", str(data), "--detect-out", str(out)]
    js = subprocess.run([*judge, "--json"], cwd=code, env=env, capture_output=True, text=True)
    md = subprocess.run(judge, cwd=code, env=env, capture_output=True, text=True)
    (out.parent / f"{out.name}.md").write_text(md.stdout)
    if js.returncode != 0:
        return {"error": js.stderr[-2000:], "seconds": secs}
    result = json.loads(js.stdout)
    result.update(seconds=round(secs, 1), lenient=lenient)
    return result


def run_one(
    kind: str,
    world: Path,
    group: str,
    work: Path,
    tag: str,
    *,
    keep: bool = False,
    code: Path = REPO,
    params: Path | None = None,
) -> dict | None:
    """Ablate ``group`` from ``world`` and judge it; None when the world lacks the group."""
    name = f"{kind}-{world.parent.name}-{world.name}-{group}"
    res = work / f"{name}-{tag}.json"
    if res.exists() and res.stat().st_size:
        return json.loads(res.read_text())
    if not has_group(world, group):
        return None
    data = work / name
    dropped = copy_without(world, group, data)
    result = detect_and_judge(kind, data, work / f"{name}-{tag}", code, params)
    result.update(kind=kind, world=str(world), group=group, dropped=dropped)
    res.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    if not keep:
        shutil.rmtree(data)
    return result


def summary(results: Sequence[dict]) -> dict:
    """found / fragmented / planted / typology / benign / worst F1 over judged worlds (errors counted)."""
    ok = [r for r in results if "error" not in r]
    return {
        "worlds": len(results),
        "errors": len(results) - len(ok),
        "found": sum(r["found"] for r in ok),
        "fragmented": sum(r.get("fragmented", 0) for r in ok),
        "planted": sum(len(r["planted"]) for r in ok),
        "typology": sum(r["typology_right"] for r in ok),
        "benign": sum(r["benign_in_top_k"] for r in ok),
        "worst_f1": min((r["f1"] for r in ok), default=float("nan")),
    }


def table(work: Path, tag: str, base: str) -> str:
    """Markdown: per (generator, group) the ablated worlds against the same worlds in full (``base`` tag)."""
    rows: dict[tuple[str, str], list[tuple[dict, dict]]] = {}
    for p in sorted(work.glob(f"*-{tag}.json")):
        r = json.loads(p.read_text())
        w = Path(r["world"])
        full = w.parent / f"{w.name}-{base}.json"
        if not full.exists():
            continue
        rows.setdefault((r["kind"], r["group"]), []).append((r, json.loads(full.read_text())))
    lines = [
        "| generator | dropped | worlds | found (full) | fragmented (full) | typology (full) "
        "| benign (full) | worst F1 (full) | worlds that moved |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (kind, group), pairs in sorted(rows.items(), key=lambda kv: (list(JUDGES).index(kv[0][0]), kv[0][1])):
        a, b = summary([p[0] for p in pairs]), summary([p[1] for p in pairs])
        moved = []
        for r, f in pairs:
            w = Path(r["world"])
            if "error" in r:
                moved.append(f"{w.parent.name}/{w.name} ERROR")
                continue
            d = (r["found"] - f["found"], r["benign_in_top_k"] - f["benign_in_top_k"], r["f1"] - f["f1"])
            if d[0] or d[1] or abs(d[2]) >= 0.02:
                moved.append(f"{w.parent.name}/{w.name} found {d[0]:+d} benign {d[1]:+d} F1 {d[2]:+.2f}")
        err = f" ({a['errors']} errors)" if a["errors"] else ""
        lines.append(
            f"| {kind} | {group} | {a['worlds']}{err} | {a['found']}/{a['planted']} ({b['found']}) "
            f"| {a['fragmented']} ({b['fragmented']}) | {a['typology']} ({b['typology']}) "
            f"| {a['benign']} ({b['benign']}) | {a['worst_f1']:.3f} ({b['worst_f1']:.3f}) | {'; '.join(moved)} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kind", choices=sorted(JUDGES))
    ap.add_argument("--dir", type=Path, help="the dev worlds' directory (worlds wN inside)")
    ap.add_argument("--seeds", type=int, nargs="*", default=[])
    ap.add_argument("--groups", nargs="*", default=list(GROUPS), choices=sorted(GROUPS))
    ap.add_argument("--work", type=Path, required=True, help="where copies, outputs and JSON go")
    ap.add_argument("--tag", required=True)
    ap.add_argument("--keep", action="store_true", help="keep the ablated copies")
    ap.add_argument("--params", type=Path, help="a --params file for detect (a switch under test)")
    ap.add_argument("--code", type=Path, default=REPO, help="the checkout whose detect runs (the base, for a ratio)")
    ap.add_argument("--table", action="store_true", help="only print the table of what --work holds")
    ap.add_argument("--base", default="hb3", help="tag of the full worlds' judge JSON")
    a = ap.parse_args(argv)
    a.work.mkdir(parents=True, exist_ok=True)
    if not a.table:
        if a.kind is None or a.dir is None:
            ap.error("--kind and --dir are needed to run")
        for seed in a.seeds:
            for group in a.groups:
                r = run_one(a.kind, a.dir / f"w{seed}", group, a.work, a.tag, keep=a.keep, code=a.code, params=a.params)
                if r is None:
                    continue
                if "error" in r:
                    print(f"{a.kind} w{seed} -{group}: ERROR {r['error'][-300:]}", flush=True)
                else:
                    print(
                        f"{a.kind} w{seed} -{group}: found {r['found']}/{len(r['planted'])} "
                        f"benign {r['benign_in_top_k']} F1 {r['f1']} ({r['seconds']}s)",
                        flush=True,
                    )
    print(table(a.work, a.tag, a.base))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
