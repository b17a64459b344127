"""graphfraud.igraph_import: igraph without matplotlib, the same Leiden, matplotlib importable after.

Each case runs in a fresh interpreter: the test session has long imported igraph and matplotlib.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from graphfraud.detect.communities import leiden

ROOT = Path(__file__).resolve().parents[1]


def _fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter with this checkout first on the path; it prints one JSON line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# two cliques of five joined by one weak edge, and a pair apart: Leiden's groups as lists
_LEIDEN = """
import json, sys
import pandas as pd
from graphfraud.detect.communities import leiden
rows = [(a, b, 1.0) for a in range(5) for b in range(a + 1, 5)] + [(a, b, 1.0) for a in range(5, 10) for b in range(a + 1, 10)]
pairs = pd.DataFrame(rows + [(4, 5, 0.2), (20, 21, 1.0)], columns=["a", "b", "weight"])
groups = [g.tolist() for g in leiden(pairs, resolution=0.5, seed=3).groups()]
blocked = "matplotlib" in sys.modules
import matplotlib.pyplot  # importable after igraph, for the evidence figures
print(json.dumps({"groups": groups, "matplotlib_loaded_by_igraph": blocked, "plt": matplotlib.pyplot.__name__}))
"""


def _pairs() -> pd.DataFrame:
    rows = [(a, b, 1.0) for a in range(5) for b in range(a + 1, 5)]
    rows += [(a, b, 1.0) for a in range(5, 10) for b in range(a + 1, 10)]
    return pd.DataFrame(rows + [(4, 5, 0.2), (20, 21, 1.0)], columns=["a", "b", "weight"])


def test_igraph_is_imported_without_matplotlib_and_leiden_is_unchanged() -> None:
    fresh = _fresh(_LEIDEN)
    assert fresh["matplotlib_loaded_by_igraph"] is False
    assert fresh["plt"] == "matplotlib.pyplot"
    # this session's igraph loaded matplotlib's drawing: the partition is the same either way
    here = [g.tolist() for g in leiden(_pairs(), resolution=0.5, seed=3).groups()]
    assert fresh["groups"] == here == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [20, 21]]


def test_the_pipeline_imports_no_matplotlib() -> None:
    fresh = _fresh(
        "import json, sys; import graphfraud.pipeline, graphfraud.analyses.expand; "
        "print(json.dumps({'mpl': sorted(m for m in sys.modules if m.startswith('matplotlib')), "
        "'igraph': 'igraph' in sys.modules}))"
    )
    assert fresh == {"mpl": [], "igraph": True}


def test_matplotlib_imported_first_keeps_igraphs_matplotlib_drawing() -> None:
    fresh = _fresh(
        "import json, sys; import matplotlib; from graphfraud.igraph_import import igraph; "
        "import igraph.drawing.matplotlib.graph as drawing; "
        "print(json.dumps({'real': drawing.mpl is matplotlib, 'module': sys.modules['matplotlib'] is matplotlib}))"
    )
    assert fresh == {"real": True, "module": True}
