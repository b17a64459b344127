"""io.memory.small_pages: Arrow's jemalloc pool and NumPy without huge pages, unless the user chose otherwise.

Each case runs in a fresh interpreter: the settings are the process's, and the test process keeps its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

ROOT = Path(__file__).resolve().parents[2]

# Prints what small_pages set, Arrow's pool after it, and whether the middle of a fresh 64 MiB NumPy array asks for
# huge pages (VmFlags "hg" in /proc/self/smaps; None where there is no smaps).
PROBE = """
import json, re
import numpy as np, pyarrow as pa
from graphfraud.io.memory import small_pages
done = small_pages()
a = np.ones(64 << 20, dtype=np.uint8)
address, hg, inside = a.ctypes.data + (32 << 20), None, False  # mid-array: its first page is apart
try:
    for line in open("/proc/self/smaps"):
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) ", line)
        if m:
            inside = int(m[1], 16) <= address < int(m[2], 16)
        elif inside and line.startswith("VmFlags"):
            hg = " hg" in line
except OSError:
    pass
print(json.dumps({"done": done, "pool": pa.default_memory_pool().backend_name, "hg": hg}))
"""


def _probe(**env: str) -> dict[str, object]:
    environ = {k: v for k, v in os.environ.items() if k not in ("ARROW_DEFAULT_MEMORY_POOL", "NUMPY_MADVISE_HUGEPAGE")}
    environ.update(env, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


@pytest.mark.skipif("jemalloc" not in pa.supported_memory_backends(), reason="Arrow built without jemalloc")
def test_small_pages_sets_jemalloc_and_numpy_without_huge_pages():
    got = _probe()
    assert got["done"] == {"arrow_pool": "jemalloc", "numpy_hugepage": "off"}
    assert got["pool"] == "jemalloc"
    assert got["hg"] in (False, None)  # None: no /proc (not Linux)


def test_the_users_own_choice_wins():
    got = _probe(ARROW_DEFAULT_MEMORY_POOL="system", NUMPY_MADVISE_HUGEPAGE="1")
    assert got["done"] == {}
    assert got["pool"] == "system"
    if sys.platform == "linux" and Path("/sys/kernel/mm/transparent_hugepage/enabled").exists():
        assert got["hg"] in (True, None)  # NumPy still asks (the kernel may refuse; the flag is the ask)
