"""graphfraud.cli.startup: the command imports igraph without matplotlib; Leiden is the same, matplotlib
importable after, and the library alone imports igraph as it is.

Each case runs in a fresh interpreter: this test session has long imported igraph and matplotlib.
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
    """Run ``code`` in a new interpreter with this checkout first on the path; it prints one JSON line last."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _pairs() -> pd.DataFrame:
    """Two cliques of five joined by one weak edge, and a pair apart."""
    rows = [(a, b, 1.0) for a in range(5) for b in range(a + 1, 5)]
    rows += [(a, b, 1.0) for a in range(5, 10) for b in range(a + 1, 10)]
    return pd.DataFrame(rows + [(4, 5, 0.2), (20, 21, 1.0)], columns=["a", "b", "weight"])


_AFTER_THE_COMMAND = """
import json, sys
import graphfraud.cli  # what `graphfraud ...` and `python -m graphfraud.cli` import first
import pandas as pd
from graphfraud.detect.communities import leiden
rows = [(a, b, 1.0) for a in range(5) for b in range(a + 1, 5)] + [(a, b, 1.0) for a in range(5, 10) for b in range(a + 1, 10)]
pairs = pd.DataFrame(rows + [(4, 5, 0.2), (20, 21, 1.0)], columns=["a", "b", "weight"])
groups = [g.tolist() for g in leiden(pairs, resolution=0.5, seed=3).groups()]
import graphfraud.pipeline, graphfraud.analyses.expand  # what detect and expand import later
loaded = sorted(m for m in sys.modules if m.startswith("matplotlib"))
import matplotlib.pyplot  # importable after igraph, for the evidence figures
print(json.dumps({"groups": groups, "loaded": loaded, "plt": matplotlib.pyplot.__name__}))
"""


def test_the_command_imports_igraph_without_matplotlib_and_leiden_is_unchanged() -> None:
    fresh = _fresh(_AFTER_THE_COMMAND)
    assert fresh["loaded"] == []
    assert fresh["plt"] == "matplotlib.pyplot"
    # this session's igraph has matplotlib's drawing: the partition is the same either way
    here = [g.tolist() for g in leiden(_pairs(), resolution=0.5, seed=3).groups()]
    assert fresh["groups"] == here == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [20, 21]]


def test_the_library_alone_keeps_igraphs_matplotlib_drawing() -> None:
    fresh = _fresh(
        "import json, sys; import graphfraud.pipeline; import igraph.drawing.matplotlib.graph as drawing; "
        "print(json.dumps({'real': drawing.mpl is sys.modules.get('matplotlib')}))"
    )
    assert fresh == {"real": True}


def test_nothing_is_hidden_when_matplotlib_came_first() -> None:
    fresh = _fresh(
        "import json, sys; import matplotlib; from graphfraud.cli.startup import import_igraph_without_matplotlib; "
        "hidden = import_igraph_without_matplotlib(); import igraph.drawing.matplotlib.graph as drawing; "
        "print(json.dumps({'hidden': hidden, 'real': drawing.mpl is matplotlib}))"
    )
    assert fresh == {"hidden": False, "real": True}


def test_hidden_for_the_import_only() -> None:
    # importing the package runs its startup: igraph in, no matplotlib entry left behind
    fresh = _fresh(
        "import json, sys; import graphfraud.cli.startup; entry = 'matplotlib' in sys.modules; "
        "igraph = 'igraph' in sys.modules; import matplotlib; "
        "print(json.dumps({'entry_left': entry, 'igraph': igraph, 'name': matplotlib.__name__}))"
    )
    assert fresh == {"entry_left": False, "igraph": True, "name": "matplotlib"}
