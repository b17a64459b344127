"""The ``graphfraud`` command line: a thin shell over the library.

Commands parse options, build parameters, call the library, print results to
stdout and progress to stderr.  A :class:`~graphfraud.errors.GraphfraudError`
becomes a one-line message and exit code 1 (``ParamError``: 2); a user never
sees a traceback for their own mistake.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from graphfraud import __version__
from graphfraud.errors import GraphfraudError, ParamError


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into click errors (exit 1, or 2 for parameters)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ParamError as exc:
            raise click.UsageError(str(exc)) from None
        except GraphfraudError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def quiet_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--quiet", "-q", is_flag=True, help="Print no progress on stderr.")(func)


def progress(quiet: bool) -> Callable[[str], None]:
    """A logger that writes to stderr unless ``quiet``."""

    def log(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    return log


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphfraud")
def main() -> None:
    """Find organised medical-insurance fraud rings (医保欺诈骗保团伙) in settlement data.

    \b
    Example:
      graphfraud synth data/world --persons 5000 --seed 7
      graphfraud detect data/world --out out/world
    """


# ---------------------------------------------------------------- commands
# Each command lives in its own section below; keep sections independent.


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
