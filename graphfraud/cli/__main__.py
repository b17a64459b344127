"""``python -m graphfraud.cli``: the ``graphfraud`` command."""

import sys

from graphfraud.cli import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
