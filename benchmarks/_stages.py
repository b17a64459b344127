"""The stages of a detect run, for the scripts that measure them (``stagerss.py``, ``stagehwm.py``; issue 18).

:func:`wrap_stages` puts a wrapper around each stage that ``pipeline.run`` calls (the graph, every detector
of ``DETECTORS``, the claim facts, scoring), and :func:`read_as_detect` reads a claims directory as
``graphfraud detect`` does, allocators included, so that a script's memory is the command's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphfraud.cli  # noqa: F401  (first: igraph imported without matplotlib, as the command does)
import graphfraud.pipeline as pipeline

#: A stage's wrapper: its name and the function ``pipeline.run`` calls -> the function to call instead.
Wrap = Callable[[str, Callable[..., Any]], Callable[..., Any]]

#: The stages besides the detectors, in run order: the name in ``pipeline`` and the stage's name.
AROUND = (("build_graph", "graph"), ("claim_facts", "claim facts"), ("score_candidates", "scoring"))


def wrap_stages(wrap: Wrap) -> list[str]:
    """Replace each stage of ``pipeline.run`` by ``wrap(name, stage)``; returns the stage names in run order.

    The graph is ``"graph"``, each detector its name in ``DETECTORS`` (its module's ``detect``), then
    ``"claim facts"`` and ``"scoring"``.  Only this process's modules change.
    """
    pipeline.build_graph = wrap("graph", pipeline.build_graph)
    for name, (module, _) in pipeline.DETECTORS.items():
        module.detect = wrap(name, module.detect)
    pipeline.claim_facts = wrap("claim facts", pipeline.claim_facts)
    pipeline.score_candidates = wrap("scoring", pipeline.score_candidates)
    return ["graph", *pipeline.DETECTORS, "claim facts", "scoring"]


def read_as_detect(data_dir: str) -> Any:
    """The claims of ``data_dir`` read as ``graphfraud detect`` reads them.

    The allocators set as the command sets them before it reads (``io.memory.small_pages``: Arrow's jemalloc
    pool, NumPy without huge pages; igraph was imported without matplotlib when this module was), then the
    read with ``pipeline.UNUSED_COLUMNS`` skipped and ``pipeline.CODED_COLUMNS`` coded.
    """
    from graphfraud.io.memory import small_pages
    from graphfraud.io.read import read_claims_dir

    small_pages()
    return read_claims_dir(data_dir, skip=pipeline.UNUSED_COLUMNS, codes=pipeline.CODED_COLUMNS)
