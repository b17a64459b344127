"""The ``graphfraud`` command line: a thin shell over the library.

One module per command family; importing it registers its commands on
:func:`~graphfraud.cli.common.main`:

* ``common``: the ``main`` group and what every command shares (errors, ``--quiet``,
  progress, the audit log, the read options);
* ``data``: synth, validate;
* ``detect``: detect (local or Spark engine, ``--by-region``), evaluate;
* ``views``: rings, show, export, expand, peers;
* ``neo4j``: neo4j install|start|stop|status|query, load, case;
* ``evidence``: evidence, verify;
* ``startup``: what the command does before the others are imported (igraph without matplotlib).
"""

from graphfraud.cli.startup import import_igraph_without_matplotlib

import_igraph_without_matplotlib()  # before any command imports igraph: see graphfraud/cli/startup.py

from graphfraud.cli import data, detect, evidence, neo4j, views  # noqa: E402,F401  (registers the commands)
from graphfraud.cli.common import main  # noqa: E402

__all__ = ["main"]
