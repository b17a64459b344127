"""The one memory probe: peak resident memory of this process (and of its finished children), GB."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_memory_gb() -> float:
    """This process's peak resident memory, GB, two decimals.

    ``VmHWM`` of /proc/self/status, not ``ru_maxrss``: Linux carries ``ru_maxrss``
    over ``exec``, so a spawned child would report at least its parent's size at
    the fork.  ``ru_maxrss`` (KiB) where there is no /proc.

    >>> 0 < peak_memory_gb() < 10_000
    True
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024**2, 2)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2)


def children_peak_memory_gb() -> float:
    """The largest peak resident memory of this process's finished child processes, GB, two decimals."""
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2, 2)
