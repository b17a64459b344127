"""Helpers shared by the benchmark scripts: the machine header, Markdown tables, child jobs."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import platform
import random
import resource
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"


def machine() -> dict[str, str]:
    """nproc, RAM, CPU model, load, date, Python and the commit measured (``+dirty`` if the tree differs)."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    git = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True)
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": str(len(os.sched_getaffinity(0))),
        "ram": f"{mem_kb / 1024**2:.1f} GB",
        "cpu": cpu,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1/5/15 min, at start)",
        "python": platform.python_version(),
        "commit": git.stdout.strip() or "unknown",
    }


def header(title: str, info: dict[str, str]) -> str:
    lines = [f"# {title}", ""]
    lines += [f"- {k}: {v}" for k, v in info.items()]
    return "\n".join(lines) + "\n"


def table(rows: Sequence[dict], columns: Sequence[str]) -> str:
    """A Markdown table of ``rows`` (missing cells blank, floats to 3 significant decimals)."""

    def cell(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, float):
            return f"{v:.2f}" if abs(v) >= 0.995 or v == 0 else f"{v:.3f}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v).replace("|", "\\|")

    out = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    out += ["| " + " | ".join(cell(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(out) + "\n"


def peak_gb() -> float:
    """Peak resident memory of this process, GB (Linux ``ru_maxrss`` is KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def run_job(args: Sequence[str], *, limit_gb: float | None = None, timeout: float | None = None) -> dict:
    """Run ``job.py ARGS`` in a fresh interpreter and return the JSON it prints last.

    ``limit_gb`` caps the child's address space (``ulimit -v``) as a backstop.
    The child's stderr (progress) goes to ours.  A child that dies returns
    ``{"error": ...}`` instead of raising, so one failed job never stops a run.
    """

    def cap() -> None:  # runs in the child before exec
        if limit_gb:
            n = int(limit_gb * 1024**3)
            resource.setrlimit(resource.RLIMIT_AS, (n, n))

    cmd = [sys.executable, str(HERE / "job.py"), *args]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, preexec_fn=cap, timeout=timeout, cwd=REPO)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:g} s"}
    lines = [line for line in p.stdout.splitlines() if line.startswith("{")]
    if p.returncode != 0 or not lines:
        return {"error": f"exit {p.returncode}" + (" (killed: out of memory?)" if p.returncode < 0 else "")}
    return json.loads(lines[-1])


def save(text: str, name: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(text, encoding="utf-8")
    return path


def truth_doc(
    generator: str, w: Any, kinds: dict[str, str], n_claims: int, n_items: int, fund: float
) -> dict[str, Any]:
    """A written world's ``truth.json`` (the judges' format) from its planted groups, for the generators whose
    world keeps them as ``plans`` (seventhworld, eighthworld): each group's persons, the core billed in its claims
    range, its doctors, facilities and pharmacies; a group none of whose members was billed is named under the
    knobs' ``empty_groups`` and left out."""
    rings: list[dict[str, Any]] = []
    benign: list[dict[str, Any]] = []
    for g in w.plans:
        lo, hi = g["claims"]
        billed = {w.claims[i].patient for i in range(lo, hi) if i < len(w.claims)}
        persons = [w.persons[i].pid for i in g["members"]]
        core = [w.persons[i].pid for i in g["members"] if i in billed]
        docs = sorted({w.doctors[d].did for d in g["doctors"]})
        facs = sorted({w.venues[v].vid for v in g["venues"] if w.venues[v].kind != "pharmacy"})
        shops = sorted({w.venues[v].vid for v in g["venues"] if w.venues[v].kind == "pharmacy"})
        entry = {
            "id": g["id"],
            "kind": kinds[g["scheme"]] if g["ring"] else g["scheme"],
            "persons": sorted(persons),
            "core": sorted(core),
            "doctors": docs,
            "facilities": facs,
            "pharmacies": shops,
            "params": {
                **g["params"],
                "scheme": g["scheme"],
                "core_unused": len(persons) - len(core),
                "claims": hi - lo,
            },  # fmt: skip
        }
        if not core:
            w.knobs.setdefault("empty_groups", []).append(g["id"])
            continue
        (rings if g["ring"] else benign).append(entry)
    return {
        "generator": generator,
        "seed": w.seed,
        "knobs": w.knobs,
        "summary": {
            "persons": len(w.persons),
            "claims": n_claims,
            "claim_items": n_items,
            "fund": round(fund, 2),
            "rings": len(rings),
            "benign": len(benign),
            "days": w.days,
        },  # fmt: skip
        "rings": rings,
        "benign": benign,
    }


def kept_columns(name: str, header: Sequence[str], drop: Iterable[str]) -> list[int]:
    """Indices of ``header``'s columns that ``drop`` (``"table.column"`` names) leaves in table ``name``."""
    gone = {c.split(".", 1)[1] for c in drop if c.startswith(name + ".")}
    return [i for i, h in enumerate(header) if h not in gone]


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    columns: Sequence[int] | None = None,
    bom: bool = False,
    crlf: bool = False,
    quote_all: bool = False,
) -> None:
    """Write one exported table as a bureau's CSV: the ``columns`` of ``header`` and of every row, in that order
    (all of them by default), UTF-8 with a BOM when ``bom``, CRLF line ends when ``crlf``, every field quoted when
    ``quote_all``, ``None`` as an empty field. The generators' one CSV writer (fifthworld to tenthworld)."""
    cols = list(range(len(header))) if columns is None else list(columns)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        wr = csv.writer(
            f, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
        )
        wr.writerow([header[i] for i in cols])
        for row in rows:
            wr.writerow(["" if row[i] is None else row[i] for i in cols])


def generator_main(make: Callable[[int, int, Path], dict[str, Any]], doc: str | None, argv: list[str] | None) -> int:
    """A generator's command line: ``--seed --persons --out``; the truth's summary on stderr."""
    import argparse

    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--persons", type=int, default=30000)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    truth = make(a.seed, a.persons, a.out)
    print(json.dumps(truth["summary"], ensure_ascii=False), file=sys.stderr)
    return 0


def poisson(r: random.Random, lam: float) -> int:
    """A Poisson draw of mean ``lam`` from ``r`` (a normal one above 30), for the planned generators."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(r.gauss(lam, math.sqrt(lam)) + 0.5))
    n, t, lim = 0, r.random(), math.exp(-lam)
    while t > lim:
        n += 1
        t *= r.random()
    return n


def take(w: Any, r: random.Random, n: int, ok: Callable[[Any], bool], gid: str) -> list[int]:
    """``n`` persons of ``w`` in no group yet for whom ``ok`` holds, drawn by ``r``, marked as group ``gid``'s."""
    pool = [i for i, p in enumerate(w.persons) if not p.group and ok(p)]
    r.shuffle(pool)
    got = sorted(pool[:n])
    for i in got:
        w.persons[i].group = gid
    return got


def plan(w: Any, gid: str, scheme: str, members: list[int], **kw: Any) -> dict[str, Any]:
    """A planted group's record (its members, doctors, venues, params), kept in ``w.plans``."""
    g = {"id": gid, "scheme": scheme, "members": members, "doctors": [], "venues": [], "params": {}}
    g.update(kw)
    w.plans.append(g)
    return g


def plant_all(
    w: Any, rng: Callable[[int, str], random.Random], rings: dict[str, Callable], benign: dict[str, Callable]
) -> None:
    """Plant the world's rings (ids R1-, R2-, ...) then its benign groups (B1-, ...), each from its own random
    stream ``rng(seed, part)``; each group's claims are the range it added."""
    for kinds, table, prefix, label, ring in (
        (w.knobs["rings"], rings, "R", "ring", True),
        (w.knobs["benign"], benign, "B", "benign", False),
    ):
        for n, kind in enumerate(kinds, 1):
            before = len(w.claims)
            g = table[kind](w, rng(w.seed, f"{label}-{kind}"), f"{prefix}{n}-{kind}")
            g["claims"] = (before, len(w.claims))
            g["ring"] = ring
