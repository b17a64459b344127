"""igraph, imported without matplotlib.

``import igraph`` imports its drawing package, and that imports ``matplotlib`` and ``matplotlib.pyplot``
when they are installed (``igraph.drawing.matplotlib.utils.find_matplotlib``, run by five of its modules at
import): about 0.45 s of CPU of the 0.48 s that ``import igraph`` takes, in every command that runs Leiden,
for plotting that graphfraud never does with igraph (its evidence figures draw with matplotlib directly).
Imported here, igraph finds no matplotlib (a ``None`` in ``sys.modules`` makes that one import raise
``ModuleNotFoundError``, and igraph's drawing falls back to a stand-in that only says matplotlib is missing),
and ``matplotlib`` is importable again right after, for whoever needs it.

Only the import changes: every graph, Leiden run and partition is igraph's own.  When matplotlib is already
imported, or igraph already is, nothing is blocked (igraph's matplotlib drawing then works as usual); in a
process that imported igraph through here first, ``igraph.plot(..., backend="matplotlib")`` is not available.

>>> import sys
>>> from graphfraud.igraph_import import igraph
>>> igraph.Graph(n=3, edges=[(0, 1)]).ecount(), sys.modules.get("matplotlib", "importable") is not None
(1, True)
"""

from __future__ import annotations

import sys

if "igraph" in sys.modules or "matplotlib" in sys.modules:
    import igraph
else:
    sys.modules["matplotlib"] = None  # type: ignore[assignment]
    try:
        import igraph
    finally:
        if "matplotlib" in sys.modules and sys.modules["matplotlib"] is None:
            del sys.modules["matplotlib"]

__all__ = ["igraph"]
