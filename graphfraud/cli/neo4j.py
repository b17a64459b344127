"""``graphfraud neo4j install|start|stop|status|query``, ``load`` and ``case`` (issue 4).

Connection settings come from --uri/--user (NEO4J_* in the environment).  The
password comes from NEO4J_PASSWORD, else (without --uri) the bundled server's
stored one, else a hidden prompt when stdin is a terminal (issue 8); never from
an example's command line.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from graphfraud.cli.common import (
    audited,
    lang_option,
    main,
    progress,
    quiet_option,
    read_logged,
    read_options,
    user_errors,
)


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
                     help="Bolt URI of a running Neo4j [env NEO4J_URI; default: the bundled server]. "
                          "The password is read from NEO4J_PASSWORD, or the bundled server's "
                          "password file, or asked for (hidden) when stdin is a terminal."),
        click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True,
                     help="Neo4j user [env NEO4J_USER]."),
        # Hidden: a password on the command line shows in `ps` and the shell history.
        click.option("--password", envvar="NEO4J_PASSWORD", default=None, hidden=True),
        click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True,
                     help="Database name [env NEO4J_DATABASE]."),
        _neo4j_home_option,
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def _bundled_server(home: str | None, lang: str = "zh") -> Any:
    from pathlib import Path

    from graphfraud.neo4j.queries import CYPHER_DIR
    from graphfraud.neo4j.server import BundledServer

    root = Path(home) if home else Path.home() / ".cache" / "graphfraud" / "neo4j"
    return BundledServer(root, guide_dir=CYPHER_DIR, guide_lang=lang)


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _neo4j_password(uri: str | None, user: str, password: str | None, home: str | None) -> str:
    """NEO4J_PASSWORD, else the bundled server's stored password, else a hidden prompt on a terminal."""
    ctx = click.get_current_context(silent=True)
    if password is not None:
        if ctx is not None and ctx.get_parameter_source("password") == click.core.ParameterSource.COMMANDLINE:
            click.echo("warning: --password shows the password in `ps` and the shell history; "
                       "set NEO4J_PASSWORD or let graphfraud ask for it", err=True)  # fmt: skip
        return password
    if uri is None:
        return str(_bundled_server(home).password())
    if _stdin_is_terminal():
        return str(click.prompt(f"Neo4j password for user '{user}' at {uri}", hide_input=True, err=True))
    raise click.UsageError(
        f"No Neo4j password for user '{user}' at {uri}: set NEO4J_PASSWORD in the environment "
        "(standard input is not a terminal, so graphfraud cannot ask for it)."
    )


class _Connection:
    """A driver opened from the connection options, checked before use."""

    def __init__(self, uri: str | None, user: str, password: str | None, home: str | None) -> None:
        password = _neo4j_password(uri, user, password, home)
        self.uri = uri if uri is not None else _bundled_server(home).uri
        self.user, self.password = user, password

    def __enter__(self) -> Any:
        import neo4j

        from graphfraud.neo4j.queries import driver_errors

        with driver_errors(self.uri, self.user):
            self.driver = neo4j.GraphDatabase.driver(
                self.uri, auth=(self.user, self.password), notifications_min_severity="OFF"
            )
            try:
                self.driver.verify_connectivity()
            except BaseException:
                self.driver.close()
                raise
        return self.driver

    def __exit__(self, *exc: object) -> None:
        self.driver.close()

    def check(self) -> None:
        """Fail now, on one line, when the server does not answer (before a long read of the claims)."""
        with self:
            pass


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
@lang_option
@quiet_option
@user_errors
def neo4j_start(home: str | None, timeout: float, heap: str, pagecache: str, lang: str, quiet: bool) -> None:
    """Start the bundled server on loopback and wait until it answers.

    Installs first if needed.  Also serves the Browser guide (cypher/guide/),
    which opens when Browser connects: in Chinese, or in English with --lang en.

    \b
    Example:
      graphfraud neo4j start && xdg-open http://127.0.0.1:7474/browser/
      graphfraud neo4j start --lang en
    """
    server = _bundled_server(home, lang)
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
@audited()
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


def _summary(stats: list[Any], seconds: float) -> str:
    nodes = sum(s.nodes for s in stats)
    rels = sum(s.relationships for s in stats)
    rows = sum(s.rows for s in stats)
    rate = (nodes + rels) / seconds if seconds > 0 else 0.0
    return (f"+{nodes} nodes, +{rels} relationships from {rows} rows in {seconds:.1f} s "
            f"({rate:,.0f} nodes+relationships/s)")  # fmt: skip


@main.command("load")
@click.argument("data_dir", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--rings",
    "rings_dir",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Detection output directory (rings.csv, ring_members.csv) to write back.",
)
@click.option(
    "--cases",
    "cases_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Verdicts (CSV entity_type,entity_id,verdict): those on persons, doctors, facilities and "
    "pharmacies are kept on their nodes (verdict, verdict_at) and exported again by `graphfraud "
    "cases`; a ring's verdict is its case status (`graphfraud case`).",
)
@click.option(
    "--bulk",
    is_flag=True,
    help="First load with neo4j-admin import (bundled server only; REPLACES the database, "
    "carrying the rings' case status and notes and the verdicts on persons and institutions over).",
)
@click.option(
    "--replace-cases",
    is_flag=True,
    help="With --bulk: drop the case history (statuses, CaseNote nodes, verdicts) instead of carrying it over.",
)
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1), help="Rows per transaction.")
@click.option("--restart", is_flag=True, help="Ignore the resume checkpoints and MERGE everything again.")
@click.option(
    "--retry-time",
    default=120.0,
    show_default=True,
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="How long to keep retrying a batch while the server is unreachable or answers with a "
    "transient error (waits 0.5, 1, 2, 4, 8, then 10 s); 0 fails at the first error.",
)
@read_options
@_connection_options
@quiet_option
@audited()
@user_errors
def load_cmd(
    data_dir: str, rings_dir: str | None, cases_file: str | None, bulk: bool, replace_cases: bool, batch_size: int, restart: bool,
    retry_time: float, read_params: Any, uri: str | None, user: str, password: str | None, database: str,
    home: str | None, quiet: bool,
) -> None:  # fmt: skip
    """Load DATA_DIR (and with --rings, detected rings) into Neo4j.

    Constraints and indexes first (cypher/schema.cypher), then nodes and
    relationships in batched UNWIND ... MERGE transactions.  Re-running changes
    nothing; an interrupted load resumes after its last committed batch.  A
    batch that fails because the server is restarting is retried for up to
    --retry-time seconds.  The password comes from NEO4J_PASSWORD, or the
    bundled server's password file, or a hidden prompt.  DATA_DIR is read with
    the same options as `detect` (--mapping, --lenient, --encoding).

    --cases keeps the verdicts of a cases.csv on persons, doctors,
    facilities and pharmacies as node properties (verdict, verdict_at).

    --bulk replaces the bundled server's database with neo4j-admin import.
    The rings' case status and CaseNote history and the verdicts on persons
    and institutions are read first, kept in import/graphfraud-cases.json,
    and put back after the import (unless --replace-cases).

    \b
    Example:
      graphfraud neo4j start
      graphfraud load data/sample --rings out/sample
      graphfraud load data/sample --cases cases.csv
      graphfraud load exports/2024-03 --mapping nhsa --encoding gbk --lenient --bulk
    """
    import time

    from graphfraud.io.cases import read_cases
    from graphfraud.io.rings import read_lineage, read_rings
    from graphfraud.neo4j.load import load_claims
    from graphfraud.outputs.views import read_output
    from graphfraud.neo4j.retry import RetryPolicy
    from graphfraud.neo4j.writeback import write_rings

    log = progress(quiet)
    policy = RetryPolicy.within(retry_time)
    if bulk and uri is not None:
        raise click.UsageError("--bulk runs neo4j-admin on the bundled server's files; drop --uri.")
    if replace_cases and not bulk:
        raise click.UsageError("--replace-cases goes with --bulk (a MERGE load keeps case history anyway).")
    # Credentials first (a prompt or a missing NEO4J_PASSWORD must not wait for a long read); a bulk
    # load may create the bundled server's password, so it reads the stored one afterwards.
    connection = None if bulk else _Connection(uri, user, password, home)
    if connection is not None:
        connection.check()  # a server that is down fails fast, before the claims are read
    verdicts = read_cases(cases_file) if cases_file else None  # a bad file fails before the long read
    data = read_logged(data_dir, read_params, log)
    rings = read_rings(rings_dir) if rings_dir else None
    reasons = read_output(rings_dir).reasons if rings_dir else None  # reason_zh and reason_en of each ring
    cases = None
    if bulk:
        cases = _saved_cases(user, password, home, database, replace=replace_cases, log=log)
        click.echo(_bulk_load(data, home, log))
        connection = _Connection(uri, user, password, home)
    started = time.monotonic()
    with connection as driver:
        if cases:
            from graphfraud.neo4j.cases import restore_cases

            restore_cases(driver, cases, database=database)
            click.echo(f"case history carried over: {cases.summary()}")
        stats = [] if bulk else load_claims(driver, data, batch_size=batch_size, resume=not restart,
                                            database=database, retry_policy=policy, log=log)  # fmt: skip
        if not bulk:
            click.echo(f"claims graph: {_summary(stats, time.monotonic() - started)}")
        if rings is not None:
            started = time.monotonic()
            ring_stats = write_rings(driver, rings.rings, rings.members, data.claims, run_id=rings.run_id, reasons=reasons,
                                     lineage=read_lineage(rings_dir), batch_size=batch_size, database=database,
                                     retry_policy=policy, log=log)  # fmt: skip
            click.echo(f"rings: {_summary(ring_stats, time.monotonic() - started)}")
        if verdicts is not None:
            from graphfraud.neo4j.writeback import write_verdicts

            click.echo(write_verdicts(driver, verdicts, database=database).summary())


def _saved_cases(
    user: str, password: str | None, home: str | None, database: str, *, replace: bool, log: Callable[[str], None]
) -> Any:
    """The bundled database's case history before a bulk import replaces it (backed up as JSON).

    A stopped server with a database is started to read it; none without a database.
    """
    from graphfraud.neo4j.cases import Cases, save_cases, write_backup

    server = _bundled_server(home)
    store = server.home / "data" / "databases" / database
    if server.pid() is None and not (store.is_dir() and any(store.iterdir())):
        return Cases(())
    if server.pid() is None:
        log("starting the bundled server to read the case history before the bulk import")
        server.start(log=log)
    with _Connection(None, user, password, home) as driver:
        cases = save_cases(driver, database=database)
    if not cases:
        return cases
    if replace:
        log(f"dropping {cases.summary()} (--replace-cases)")
        return Cases(())
    backup = write_backup(cases, server.home / "import" / "graphfraud-cases.json")
    log(f"read {cases.summary()}; kept in {backup} until the import is done")
    return cases


def _bulk_load(data: Any, home: str | None, log: Callable[[str], None]) -> str:
    import shutil
    import time

    from graphfraud.neo4j.bulk import import_frames, write_import_csvs

    server = _bundled_server(home)
    started = time.monotonic()
    files = import_frames(data)
    csv_dir = server.home / "import" / "graphfraud-bulk"
    shutil.rmtree(csv_dir, ignore_errors=True)
    written = write_import_csvs(files, csv_dir)
    log(f"wrote {len(written)} import CSVs to {csv_dir} in {time.monotonic() - started:.1f} s")
    was_running = server.stop(log=log)
    t0 = time.monotonic()
    server.import_full(
        [(name, path) for kind, name, path in written if kind == "nodes"],
        [(name, path) for kind, name, path in written if kind == "relationships"],
        log=log,
    )
    seconds = time.monotonic() - t0
    nodes = sum(f.rows for f in files if f.kind == "nodes")
    rels = sum(f.rows for f in files if f.kind == "relationships")
    log(f"neo4j-admin import done; {'restarting' if was_running else 'starting'} the server")
    server.start(log=log)
    return (f"bulk import: {nodes} nodes, {rels} relationships in {seconds:.1f} s "
            f"({(nodes + rels) / max(seconds, 1e-9):,.0f} nodes+relationships/s, "
            f"{time.monotonic() - started:.1f} s with CSV writing and restart)")  # fmt: skip


@main.command("case")
@click.argument("ring_id")
@click.option(
    "--status",
    type=click.Choice(["open", "in_progress", "confirmed", "dismissed"]),
    default=None,
    help="New case status; without it, show the history.",
)
@click.option("--note", default="", help="Note recorded with the change (timestamped).")
@click.option("--by", default="", help="Who made the change (investigator's name or id).")
@_connection_options
@audited()
@user_errors
def case_cmd(
    ring_id: str, status: str | None, note: str, by: str,
    uri: str | None, user: str, password: str | None, database: str, home: str | None,
) -> None:  # fmt: skip
    """Set a ring's case status with a timestamped note, or show its history.

    Statuses follow review: open -> in_progress -> confirmed | dismissed.

    \b
    Example:
      graphfraud case R0001 --status in_progress --note "on-site check booked" --by inspector7
      graphfraud case R0001
    """
    from graphfraud.neo4j.queries import format_table
    from graphfraud.neo4j.writeback import case_history, set_case_status

    with _Connection(uri, user, password, home) as driver:
        if status is not None:
            change = set_case_status(driver, ring_id, status, note, by=by, database=database)
            click.echo(f"{change.ring_id}: {change.previous} -> {change.status} "
                       f"({change.notes} notes)")  # fmt: skip
            return
        history = case_history(driver, ring_id, database=database)
    if not history.rows:
        raise click.ClickException(f"No ring {ring_id!r} in Neo4j.")
    click.echo("\n".join(format_table(history)))


@main.command("cases")
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV to write (replaced atomically): entity_type,entity_id,verdict.",
)
@_connection_options
@user_errors
def cases_cmd(out_file: str, uri: str | None, user: str, password: str | None, database: str, home: str | None) -> None:
    """Export the verdicts recorded in Neo4j for `detect --cases` and `peers --cases`.

    Rings whose case is confirmed or dismissed, then the persons, doctors,
    facilities and pharmacies with a verdict (`load --cases`).

    \b
    Example:
      graphfraud cases --out cases.csv
      graphfraud detect exports/2024-04 --out out/2024-04 --previous out/2024-03 --cases cases.csv
    """
    from graphfraud.io.write import write_csv
    from graphfraud.neo4j.writeback import case_verdicts

    with _Connection(uri, user, password, home) as driver:
        verdicts = case_verdicts(driver, database=database)
    write_csv(verdicts, out_file)
    rings = verdicts[verdicts["entity_type"] == "ring"]["verdict"].value_counts()
    others = verdicts[verdicts["entity_type"] != "ring"]["verdict"].value_counts()
    click.echo(
        f"{out_file}: {rings.get('confirmed', 0)} confirmed, {rings.get('dismissed', 0)} dismissed rings; "
        f"{others.get('confirmed', 0)} confirmed, {others.get('dismissed', 0)} dismissed persons and institutions"
    )
