"""The one memory probe: peak resident memory of this process (and of its finished children), GB;
:func:`give_back`, which returns freed memory to the system between stages; and :func:`small_pages`, the
allocators' settings of a command that reads claims."""

from __future__ import annotations

import ctypes
import functools
import os
import resource
from collections.abc import Callable
from pathlib import Path

import numpy as np
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


def small_pages() -> dict[str, str]:
    """Fresh memory in small (4 KiB) pages, not transparent huge pages: Arrow's jemalloc pool, NumPy without
    ``madvise(MADV_HUGEPAGE)``.  Returns what it set, e.g. ``{"arrow_pool": "jemalloc", "numpy_hugepage": "off"}``.

    Why: a run allocates and frees its big arrays stage after stage, and every page it touches afresh is zeroed
    by the kernel.  NumPy asks for huge pages for each array of 4 MiB or more, and Arrow's default pool
    (mimalloc) for its whole arena; both free them again within the stage (``give_back``), so the next array
    faults whole 2 MiB pages afresh.  On a virtual machine that hands free 2 MiB blocks back to its host (free
    page reporting), each of those faults is also the host's: at ten million claims 39% of the run's CPU
    samples were the kernel zeroing huge pages (``perf``; 43-69 s of system CPU a run).  With small pages and
    jemalloc (which does not ask for huge pages) the kernel zeroes only the pages written, and freed 4 KiB
    pages seldom form a block the host takes back.  Measured at ten million claims (five pairs): system CPU
    13.9-23.3 s against 25.9-51.8 s, peak 3.65-3.72 against 3.78-3.86 GiB, user CPU without a consistent
    difference, every output byte-identical (``benchmarks/results/speed-10M.md``, round 15).  The results do not depend on it (allocators only).

    A user's own choice wins: ``ARROW_DEFAULT_MEMORY_POOL`` (mimalloc, jemalloc, system) leaves Arrow's pool
    as it is, ``NUMPY_MADVISE_HUGEPAGE`` (0 or 1) NumPy's huge pages; where Arrow was built without jemalloc
    its pool is kept.  Call it before the claims are read (``cli.common.read_logged`` does).

    >>> sorted(small_pages())  # doctest: +SKIP
    ['arrow_pool', 'numpy_hugepage']
    """
    done: dict[str, str] = {}
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ and "jemalloc" in pa.supported_memory_backends():
        pa.set_memory_pool(pa.jemalloc_memory_pool())
        done["arrow_pool"] = "jemalloc"
    set_hugepage = getattr(getattr(np, "_core", None), "multiarray", None)
    set_hugepage = getattr(set_hugepage, "_set_madvise_hugepage", None)
    if "NUMPY_MADVISE_HUGEPAGE" not in os.environ and callable(set_hugepage):
        set_hugepage(False)
        done["numpy_hugepage"] = "off"
    return done
