"""Helpers shared by the benchmark scripts: the machine header, Markdown tables, child jobs."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

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
