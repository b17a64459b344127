"""Peak resident memory of each stage of a detect run (issue 18's 4 GB budget at ten million claims).

    PYTHONPATH=CODE python benchmarks/stagehwm.py DATA_DIR [--fine]

Runs what ``graphfraud detect`` runs (the read as the command reads, ``_stages.read_as_detect``, then
``pipeline.run``), writes nothing, and prints per stage the process's peak resident memory (``VmHWM``)
and the resident memory when the stage began: at each stage's end ``VmHWM`` is read and reset
(``/proc/self/clear_refs``, Linux), so each stage's line is its own peak, not the run's so far.
``--fine`` also marks the parts of the scoring facts (``features.claim_facts``). Linux only; the
wrapping costs nothing measurable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from _stages import pipeline, read_as_detect, wrap_stages  # first: igraph as the command imports it

import graphfraud.score.features as features  # noqa: E402

#: Parts of ``claim_facts`` marked under ``--fine`` (those absent from the code measured are skipped).
FINE = ("_diagnosis_families", "_patient_codes", "_focus_items", "codes_and_values", "text_codes",
        "insurance_money", "dup_trace_claims", "split_admissions", "_high_value", "_high_goods", "_catchment",
        "_cells", "_by_code", "primary_venues", "_family_purchases")  # fmt: skip


def _status(field: str) -> float:
    """A ``/proc/self/status`` field in GiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024**2
    return float("nan")


class Marks:
    """Stage name, peak GiB, resident GiB at its start and wall seconds, one per stage."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, float]] = []
        self.start, self.clock = 0.0, time.perf_counter()

    def mark(self, stage: str) -> None:
        self.rows.append((stage, _status("VmHWM"), self.start, time.perf_counter() - self.clock))
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # VmHWM := VmRSS
        self.start, self.clock = _status("VmRSS"), time.perf_counter()

    def after(self, stage: str, f: Callable[..., Any], *, before: bool = False) -> Callable[..., Any]:
        def marked(*args: Any, **kwargs: Any) -> Any:
            if before:
                self.mark(f"before {stage}")
            out = f(*args, **kwargs)
            self.mark(stage)
            return out

        return marked


def main(argv: list[str]) -> None:
    marks = Marks()
    wrap_stages(lambda stage, f: marks.after(stage, f, before=stage == "claim facts"))
    if "--fine" in argv:
        for name in FINE:
            if hasattr(features, name):
                setattr(features, name, marks.after(f"claim facts: {name}", getattr(features, name), before=True))
    marks.mark("start")
    data = read_as_detect(argv[0])
    marks.mark("read")
    result = pipeline.run(data)
    for stage, peak, start, seconds in marks.rows[1:]:
        print(f"{stage:40s} peak {peak:.3f} GiB (at its start {start:.3f})  {seconds:6.1f} s")
    print(f"rings {len(result.rings)}, explained {len(result.explained)}")


if __name__ == "__main__":
    main(sys.argv[1:])
