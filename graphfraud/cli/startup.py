"""What the ``graphfraud`` command does once, before its command modules are imported.

``import igraph`` imports igraph's drawing package, and that imports ``matplotlib`` and ``matplotlib.pyplot``
when they are installed (``igraph.drawing.matplotlib.utils.find_matplotlib``, run by five of its modules when
they are imported): about 0.35 s of CPU in every command that loads the pipeline (the imports of a detect
1.06-1.17 -> 0.73-0.76 s), for plotting that no command does with igraph (the evidence figures draw with
matplotlib directly).  igraph cannot be given matplotlib later: its drawing classes subclass matplotlib's when
they are imported (``docs/performance.md``, round 18).  So the command imports igraph first, with matplotlib
hidden for that one import; igraph's drawing then holds its stand-in (plotting through igraph with matplotlib
says matplotlib is missing), and ``matplotlib`` itself is importable right after, for the evidence figures.

Only the command does this.  The library (``import graphfraud.pipeline`` in a notebook) imports igraph as it
is, matplotlib drawing included.  Only the import changes: every graph, Leiden run and partition is igraph's own.
"""

from __future__ import annotations

import sys


def import_igraph_without_matplotlib() -> bool:
    """Import igraph with ``matplotlib`` hidden; True when it was hidden for the import.

    Nothing is hidden when igraph or matplotlib is already imported (then igraph keeps, or gets, its
    matplotlib drawing).  A ``None`` in ``sys.modules`` makes ``import matplotlib`` raise
    ``ModuleNotFoundError`` (the import system's documented behaviour), which igraph takes as matplotlib
    not installed; the entry is removed again whatever happens.

    >>> import matplotlib  # already imported: igraph is imported as usual
    >>> import_igraph_without_matplotlib()
    False
    """
    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        import igraph  # noqa: F401

        return False
    sys.modules["matplotlib"] = None  # type: ignore[assignment]
    try:
        import igraph  # noqa: F401
    finally:
        if "matplotlib" in sys.modules and sys.modules["matplotlib"] is None:
            del sys.modules["matplotlib"]
    return True
