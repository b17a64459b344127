"""The one memory probe: peak resident memory of this process (and of its finished children), GB; and
:func:`give_back`, which returns freed memory to the system between stages."""

from __future__ import annotations

import ctypes
import functools
import resource
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa


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


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """The C library's ``malloc_trim`` (glibc), or None where there is none."""
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (OSError, TypeError):  # no C library to open by name (Windows)
        return None


def give_back() -> None:
    """Hand freed memory back to the system: Arrow's pool, and the C library's heaps (``malloc_trim``).

    Both keep freed pages for reuse; between stages whose temporaries come
    from the other allocator (NumPy and pandas from the C library, Arrow
    from its own pool), or from other threads' heaps, that reuse does not
    happen and the pages only add to the peak.  At ten million claims the C
    library's heaps kept 0.1-0.3 GiB after a stage (the read, co-visits,
    cards); trimming them took the run's peak from 4.01 to 3.97 GiB (measured).

    >>> give_back()
    """
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
