"""Resident memory of each stage of a detect run, sampled, and where the run's highs were reached (issue 18).

    PYTHONPATH=CODE python benchmarks/stagerss.py DATA_DIR

Runs what ``graphfraud detect`` runs (the read as the command reads, ``_stages.read_as_detect``, then
``pipeline.run``), writes nothing, and prints per stage the largest
resident memory seen (``/proc/self/statm``, read every 10 ms by a thread and at each
stage's start and end, so a stage shorter than the period is still listed), then the main thread's stack at the
last six new highs of the run above 3.5 GiB (what was running when the peak grew) and at each stage's own high
above 3.5 GiB (its innermost graphfraud frames: where a stage other than the run's highest peaks).  Unlike
``benchmarks/stagehwm.py`` it never resets the kernel's high-water mark, so ``/usr/bin/time``'s max RSS stays the
run's.  A peak shorter than the sampling period can be missed.  Until round 26 it read without the command's
allocator settings (``io.memory.small_pages``) and its levels ran 0.2-0.45 GiB above the command's max RSS
(round 25: 4.37 against 3.93 GiB); it now reads as the command does.  Linux only.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from _stages import pipeline, read_as_detect, wrap_stages  # first: igraph as the command imports it

GIB = 2**30
#: Highs are recorded above this resident memory, each at least :data:`STEP` above the last.
FLOOR, STEP = 3.5 * GIB, 20 * 2**20


class Sampler:
    """The resident memory per stage and the stacks at the run's highs."""

    def __init__(self) -> None:
        self.stage = "read"
        self.peak = 0
        self.stage_peak: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.highs: list[tuple[int, str, list[str]]] = []
        self.stage_high: dict[str, tuple[int, list[str]]] = {}
        self.main = threading.get_ident()

    def stack(self) -> list[str]:
        """The main thread's innermost graphfraud frames (up to six) and the frame it is in."""
        frame = sys._current_frames().get(self.main)
        if frame is None:
            return []
        frames = traceback.extract_stack(frame)
        ours = [s for s in frames if "graphfraud/" in s.filename and "benchmarks/" not in s.filename][-6:]
        shown = ours + ([frames[-1]] if frames and (not ours or frames[-1] is not ours[-1]) else [])
        return [f"{s.filename.split('graphfraud/')[-1]}:{s.lineno} {s.name}" for s in shown]

    def sample(self) -> None:
        with open("/proc/self/statm") as f:
            rss = int(f.read().split()[1]) * 4096
        stage = self.stage
        self.stage_peak[stage] = max(self.stage_peak.get(stage, 0), rss)
        if rss > FLOOR and rss > self.stage_high.get(stage, (0, []))[0] + STEP // 4:
            self.stage_high[stage] = (rss, self.stack())  # where this stage's own high was reached
        if rss > self.peak:
            self.peak = rss
            if rss > FLOOR and (not self.highs or rss > self.highs[-1][0] + STEP):
                self.highs.append((rss, stage, self.stack()))

    def run(self) -> None:
        while True:
            self.sample()
            time.sleep(0.01)

    def marked(self, name: str, f: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            before, self.stage, clock = self.stage, name, time.perf_counter()
            self.sample()  # every stage is sampled at least at its start and end, however short
            try:
                return f(*args, **kwargs)
            finally:
                self.sample()
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - clock
                self.stage = before

        return wrapped


def main(argv: list[str]) -> None:
    s = Sampler()
    wrap_stages(s.marked)
    threading.Thread(target=s.run, daemon=True).start()
    clock = time.perf_counter()
    data = read_as_detect(argv[0])
    s.stage = "pipeline"  # (between the stages: kinds inferred, temporaries given back, the card tables dropped)
    result = pipeline.run(data)
    for stage, peak in s.stage_peak.items():
        print(f"{stage:20s} max RSS {peak / GIB:.3f} GiB  {s.seconds.get(stage, 0.0):6.1f} s")
    print(f"run max {s.peak / GIB:.3f} GiB, wall {time.perf_counter() - clock:.1f} s, rings {len(result.rings)}")
    for rss, stage, stack in s.highs[-6:]:
        print(f"-- high {rss / GIB:.3f} GiB in {stage}:")
        for line in stack:
            print("     ", line)
    for stage, (rss, stack) in s.stage_high.items():
        print(f"-- {stage}'s own high, {rss / GIB:.3f} GiB (within {STEP // 4 >> 20} MiB):")
        for line in stack:
            print("     ", line)


if __name__ == "__main__":
    main(sys.argv[1:])
