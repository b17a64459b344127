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


# ---------------------------------------------------------------- synth (issue 2)
@main.command("synth")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option("--persons", type=int, default=5000, show_default=True, help="Insured persons in the ordinary world.")
@click.option("--days", type=int, default=365, show_default=True, help="Length of the period, days.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every random draw.")
@click.option("--start", default="2024-01-01", show_default=True, help="First day of the period (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="File format of the tables.")
@click.option("--date-only", is_flag=True, help="Write dates without time of day (a day-resolution export).")
@click.option("--plant", default=None, metavar="KIND,...",
              help="Typologies and benign kinds to plant (default: all): staged_clinic, card_collector, "
                   "induced_admission, kickback, dialysis, nursing_home, family, checkup.")
@click.option("--rings", "rings", type=int, default=None,
              help="Groups per planted kind [default: max(1, round(persons / 15000))].")
@click.option("--ring-size-scale", type=float, default=1.0, show_default=True, help="Multiplier on group sizes.")
@quiet_option
@user_errors
def synth_cmd(out_dir: str, persons: int, days: int, seed: int, start: str, fmt: str, date_only: bool,
              plant: str | None, rings: int | None, ring_size_scale: float, quiet: bool) -> None:
    """Write a seeded synthetic claims world with planted fraud rings and benign dense groups.

    OUT_DIR receives persons, facilities, pharmacies, doctors, claims,
    claim_items and labels (ground truth, for `evaluate`) as CSV or Parquet.
    The same options give byte-identical files.

    \b
    Example:
      graphfraud synth data/world --persons 5000 --days 365 --seed 7
      graphfraud synth data/cc --persons 3000 --plant card_collector,dialysis --format parquet
    """
    import time
    from collections import Counter

    from graphfraud.synth import SynthParams, make_world, write_world

    log = progress(quiet)
    kwargs: dict[str, Any] = {}
    if plant is not None:
        kwargs["plant"] = tuple(p.strip() for p in plant.split(",") if p.strip())
    params = SynthParams(persons=persons, days=days, seed=seed, start=start, date_only=date_only,
                         rings_per_typology=rings, ring_size_scale=ring_size_scale, **kwargs)
    t0 = time.perf_counter()
    log(f"building a world of {persons} persons over {days} days (seed {seed})")
    data, labels = make_world(params)
    log(f"built in {time.perf_counter() - t0:.1f}s; writing {fmt} to {out_dir}")
    write_world(data, labels, out_dir, fmt=fmt)
    log(f"done in {time.perf_counter() - t0:.1f}s")
    for name in ("persons", "facilities", "pharmacies", "doctors", "claims", "claim_items"):
        click.echo(f"{name}: {len(data.table(name))}")
    click.echo(f"labels: {len(labels)}")
    groups = labels.drop_duplicates("ring_id")
    counts = Counter(groups.typology.tolist())
    for kind in params.plant:
        click.echo(f"planted {kind}: {counts.get(kind, 0)}")


# ---------------------------------------------------------------- io: validate (issue 2)
# `graphfraud validate DATA_DIR`.  `read_options` is the shared option group of every
# command that reads a claims directory: it passes `read_params: ReadParams` on.


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str) -> str:
    import codecs

    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r}; use e.g. utf-8, gbk or gb18030") from None
    return value


def read_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --mapping, --lenient and --encoding; the command receives ``read_params``."""

    @functools.wraps(func)
    def wrapper(*args: Any, mapping: str | None, lenient: bool, encoding: str, **kwargs: Any) -> Any:
        from graphfraud.params import ReadParams

        params = ReadParams(mapping=mapping, lenient=lenient, encoding=encoding)
        return func(*args, read_params=params, **kwargs)

    options = [
        click.option("--mapping", metavar="nhsa|FILE.yaml", default=None,
                     help="Column names of the export: 'nhsa' for the national platform's "
                          "(psn_no, setl_id, ...), or a YAML mapping file."),
        click.option("--lenient", is_flag=True,
                     help="Skip rows that break the data contract, and report how many and why, "
                          "instead of failing."),
        click.option("--encoding", default="utf-8", show_default=True, callback=_check_encoding,
                     help="Text encoding of the CSV files, e.g. gbk for files saved by Chinese Excel."),
    ]  # fmt: skip
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _read_logged(data_dir: str, params: Any, log: Callable[[str], None]) -> Any:
    """read_claims_dir, with skipped-row warnings and timing sent to the progress log."""
    import time
    import warnings

    from graphfraud.io.read import read_claims_dir
    from graphfraud.io.validate import SkippedRowsWarning

    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SkippedRowsWarning)
        data = read_claims_dir(data_dir, params)
    for w in caught:
        if issubclass(w.category, SkippedRowsWarning):
            log(f"warning: {w.message}")
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    log(f"read {data_dir} in {time.perf_counter() - start:.1f} s")
    return data


def _validate_summary(data_dir: str, data: Any) -> dict[str, Any]:
    from graphfraud.contract import INPUT_TABLES

    claims = data.claims
    first, last = claims.start_time.min(), claims.start_time.max()
    return {
        "data_dir": data_dir,
        "rows": {t.name: len(data.table(t.name)) for t in INPUT_TABLES},
        "files": sorted(data.source),
        "claims_from": None if claims.empty else str(first.date()),
        "claims_to": None if claims.empty else str(last.date()),
        "time_resolution": data.time_resolution,
        "total_amount": round(float(claims.total_amount.sum()), 2),
        "fund_amount": round(float(claims.fund_amount.sum()), 2),
        "skipped": data.skipped,
    }


def _print_validate_summary(s: dict[str, Any]) -> None:
    skipped = sum(n for counts in s["skipped"].values() for n in counts.values())
    verdict = f"valid after skipping {skipped} rows" if skipped else "valid"
    click.echo(f"{s['data_dir']}: {verdict}")
    for name, n in s["rows"].items():
        click.echo(f"  {name:<12} {n:>12,} rows")
    if s["claims_from"]:
        click.echo(f"claims from {s['claims_from']} to {s['claims_to']}, {s['time_resolution']} resolution"
                   + ("" if s["time_resolution"] == "minute" else " (dates only: minute-level signals off)"))
    share = f" ({100 * s['fund_amount'] / s['total_amount']:.1f}% of total)" if s["total_amount"] else ""
    click.echo(f"total amount {s['total_amount']:,.2f} yuan; fund paid {s['fund_amount']:,.2f} yuan{share}")
    if s["skipped"]:
        click.echo("skipped rows (--lenient):")
        for file, counts in s["skipped"].items():
            click.echo(f"  {file}: " + ", ".join(f"{n:,} {reason}" for reason, n in counts.items()))


@main.command("validate")
@click.argument("data_dir", type=click.Path(file_okay=False))
@read_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@quiet_option
@user_errors
def validate_cmd(data_dir: str, read_params: Any, as_json: bool, quiet: bool) -> None:
    """Check a claims directory against the data contract and summarise it.

    Reads every table of DATA_DIR (persons, facilities, pharmacies, doctors,
    claims, optional claim_items; .csv or .parquet), checks every rule of the
    data contract and prints rows per table, the claim date range, the time
    resolution and the amounts.  A file that breaks the contract is reported
    with file, row and column of every problem (exit 1); --lenient skips such
    rows and reports how many were skipped and why.

    \b
    Example:
      graphfraud validate data/xiamen-2024q1
      graphfraud validate exports/2024-03 --mapping nhsa --encoding gbk --lenient
    """
    import json

    data = _read_logged(data_dir, read_params, progress(quiet))
    summary = _validate_summary(data_dir, data)
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        _print_validate_summary(summary)


# ---------------------------------------------------------------- neo4j (issue 4)
# `graphfraud neo4j install|start|stop|status|query`, `load`, `case`.  Connection
# settings come from --uri/--user/--password (NEO4J_* in the environment); without
# --uri the bundled server's address and stored password are used.


def _neo4j_home_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--home",
        envvar="GRAPHFRAUD_NEO4J_HOME",
        type=click.Path(file_okay=False),
        default=None,
        help="Bundled server's cache and data directory "
        "[env GRAPHFRAUD_NEO4J_HOME; default ~/.cache/graphfraud/neo4j].",
    )(func)


def _connection_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--uri", envvar="NEO4J_URI", default=None,
                     help="Bolt URI of a running Neo4j [env NEO4J_URI; default: the bundled server]."),
        click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True,
                     help="Neo4j user [env NEO4J_USER]."),
        click.option("--password", envvar="NEO4J_PASSWORD", default=None,
                     help="Neo4j password [env NEO4J_PASSWORD; default: the bundled server's stored one]."),
        click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True,
                     help="Database name [env NEO4J_DATABASE]."),
        _neo4j_home_option,
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def _bundled_server(home: str | None) -> Any:
    from pathlib import Path

    from graphfraud.neo4j.queries import CYPHER_DIR
    from graphfraud.neo4j.server import BundledServer

    root = Path(home) if home else Path.home() / ".cache" / "graphfraud" / "neo4j"
    return BundledServer(root, guide_dir=CYPHER_DIR / "guide")


class _Connection:
    """A driver opened from the connection options, checked before use."""

    def __init__(self, uri: str | None, user: str, password: str | None, home: str | None) -> None:
        if uri is None:
            server = _bundled_server(home)
            uri = server.uri
            password = password if password is not None else server.password()
        self.uri, self.user, self.password = uri, user, password

    def __enter__(self) -> Any:
        import neo4j

        from graphfraud.neo4j.queries import driver_errors

        auth = (self.user, self.password) if self.password is not None else None
        with driver_errors(self.uri, self.user):
            self.driver = neo4j.GraphDatabase.driver(self.uri, auth=auth)
            try:
                self.driver.verify_connectivity()
            except BaseException:
                self.driver.close()
                raise
        return self.driver

    def __exit__(self, *exc: object) -> None:
        self.driver.close()


@main.group("neo4j")
def neo4j_group() -> None:
    """Run the bundled Neo4j 5.26 Community server and query it.

    The server's jars come from Maven Central (cached under --home); it listens
    on 127.0.0.1 only (Bolt 7687, Browser http://127.0.0.1:7474/browser/) with
    authentication on and a generated password stored in HOME/password.

    \b
    Example:
      graphfraud neo4j start
      graphfraud neo4j query "MATCH (r:Ring) RETURN r.ring_id, r.alert LIMIT 5"
      graphfraud neo4j stop
    """


@neo4j_group.command("install")
@_neo4j_home_option
@quiet_option
@user_errors
def neo4j_install(home: str | None, quiet: bool) -> None:
    """Fetch the pinned Neo4j server, Browser and APOC jars through Maven (once).

    \b
    Example:
      graphfraud neo4j install --home ~/.cache/graphfraud/neo4j
    """
    server = _bundled_server(home)
    lib = server.install(log=progress(quiet))
    click.echo(f"installed: {lib}")


@neo4j_group.command("start")
@_neo4j_home_option
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait for the server to answer.")
@click.option("--heap", default="1g", show_default=True, help="JVM heap size.")
@click.option("--pagecache", default="512m", show_default=True, help="Neo4j page cache size.")
@quiet_option
@user_errors
def neo4j_start(home: str | None, timeout: float, heap: str, pagecache: str, quiet: bool) -> None:
    """Start the bundled server on loopback and wait until it answers.

    Installs first if needed.  Also serves the Browser guide (cypher/guide/),
    which opens when Browser connects.

    \b
    Example:
      graphfraud neo4j start && xdg-open http://127.0.0.1:7474/browser/
    """
    server = _bundled_server(home)
    server.heap, server.pagecache = heap, pagecache
    status = server.start(timeout=timeout, log=progress(quiet))
    click.echo("\n".join(status.lines()))


@neo4j_group.command("stop")
@_neo4j_home_option
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait after SIGTERM.")
@quiet_option
@user_errors
def neo4j_stop(home: str | None, timeout: float, quiet: bool) -> None:
    """Stop the bundled server cleanly (SIGTERM, then wait).

    \b
    Example:
      graphfraud neo4j stop
    """
    stopped = _bundled_server(home).stop(timeout=timeout, log=progress(quiet))
    click.echo("stopped" if stopped else "not running")


@neo4j_group.command("status")
@_neo4j_home_option
@user_errors
def neo4j_status(home: str | None) -> None:
    """Show whether the bundled server runs, where, and how to connect.

    \b
    Example:
      graphfraud neo4j status
    """
    click.echo("\n".join(_bundled_server(home).status().lines()))


@neo4j_group.command("query")
@click.argument("cypher")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Query parameter (repeatable); VALUE is parsed as JSON, else taken as text.")  # fmt: skip
@_connection_options
@user_errors
def neo4j_query(
    cypher: str, params: tuple[str, ...], uri: str | None, user: str,
    password: str | None, database: str, home: str | None,
) -> None:  # fmt: skip
    """Run one read-only CYPHER statement and print the result as a table.

    The statement runs in a read transaction: writes are refused.  The last
    line printed is the last row.

    \b
    Example:
      graphfraud neo4j query "MATCH (r:Ring) RETURN r.rank, r.ring_id ORDER BY r.rank LIMIT \\$n" -p n=5
    """
    import json

    from graphfraud.neo4j.queries import format_table, run_read

    values: dict[str, Any] = {}
    for item in params:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            raise click.UsageError(f"--param must look like NAME=VALUE. Got {item!r} instead.")
        try:
            values[name] = json.loads(raw)
        except json.JSONDecodeError:
            values[name] = raw
    with _Connection(uri, user, password, home) as driver:
        result = run_read(driver, cypher, values, database=database)
    click.echo("\n".join(format_table(result)))


# ---------------------------------------------------------------- end neo4j (issue 4)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
