"""Cypher text from ``cypher/``, run through a driver the caller owns.

Every statement graphfraud sends lives as text under ``cypher/`` (``schema.cypher``,
``load/``, ``rings/``, ``queries/``); values always travel as parameters, never
inside the text.  This module reads those files, runs statements in read or
write transactions, turns driver exceptions into :class:`~graphfraud.errors.Neo4jError`
with a message a user can act on, and formats results as a text table.

It never creates a driver: callers (the CLI, tests, notebooks) pass one in.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
from neo4j import exceptions as nx

from graphfraud.errors import Neo4jError
from graphfraud.neo4j.retry import RetryPolicy, one_line, retry

#: The ``cypher/`` directory of the repository (schema, load statements, queries, guide).
CYPHER_DIR = Path(__file__).resolve().parents[2] / "cypher"

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def cypher_text(name: str, *, root: Path = CYPHER_DIR) -> str:
    """The text of ``cypher/<name>`` (e.g. ``"load/persons.cypher"``).

    Raises
    ------
    FileNotFoundError
        The file does not exist (a packaging bug, not a user error).
    """
    return (root / name).read_text(encoding="utf-8")


def split_statements(text: str) -> list[str]:
    """Split a ``;``-terminated Cypher script into statements, dropping ``//`` comment lines.

    >>> split_statements("// c\\nCREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x);\\nRETURN 1;")
    ['CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x)', 'RETURN 1']
    """
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in body.split(";") if s.strip()]


def parameters(text: str) -> list[str]:
    """Names of the ``$parameters`` a statement uses, in order of first use.

    >>> parameters("MATCH (r:Ring {ring_id: $ring_id}) RETURN r LIMIT $limit // $not_me")
    ['ring_id', 'limit']
    """
    code = "\n".join(line.split("//", 1)[0] for line in text.splitlines())
    return list(dict.fromkeys(_PARAM.findall(code)))


@dataclass(frozen=True)
class Query:
    """One investigator query from ``cypher/queries/``.

    Attributes
    ----------
    name : str
        File stem, e.g. ``top_rings``.
    title : str
        First comment line.
    doc : str
        All header comment lines (without ``//``).
    text : str
        The statement, as sent to Neo4j.
    params : list of str
        ``$parameters`` the statement needs.
    """

    name: str
    title: str
    doc: str
    text: str
    params: tuple[str, ...]


def query_library(*, root: Path = CYPHER_DIR) -> dict[str, Query]:
    """The investigator's queries of ``cypher/queries/*.cypher``, by name."""
    out: dict[str, Query] = {}
    for path in sorted((root / "queries").glob("*.cypher")):
        text = path.read_text(encoding="utf-8")
        header = []
        for line in text.splitlines():
            if not line.startswith("//"):
                break
            header.append(line[2:].strip())
        statement = split_statements(text)
        if len(statement) != 1:
            raise ValueError(f"{path} must hold exactly one statement, found {len(statement)}")
        out[path.stem] = Query(
            name=path.stem,
            title=header[0] if header else path.stem,
            doc="\n".join(header),
            text=statement[0],
            params=tuple(parameters(statement[0])),
        )
    return out


# ---------------------------------------------------------------- errors
@contextlib.contextmanager
def driver_errors(uri: str = "the configured URI", user: str = "neo4j") -> Iterator[None]:
    """Turn the driver's exceptions into a one-line :class:`Neo4jError` a user can act on."""
    try:
        yield
    except nx.AuthError as exc:
        raise Neo4jError(
            f"Neo4j at {uri} refused user '{user}': wrong password ({_code(exc)}). Set "
            "NEO4J_PASSWORD (or type it at the prompt); the bundled server's password is stored in "
            "its home directory (`graphfraud neo4j status` shows where)."
        ) from None
    except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
        raise Neo4jError(
            f"Neo4j is not answering at {uri} ({one_line(exc)}). Start the bundled server with "
            "`graphfraud neo4j start`, or set --uri / NEO4J_URI to a running server."
        ) from None
    except nx.Neo4jError as exc:
        if (exc.code or "").endswith("AccessMode"):
            raise Neo4jError(
                f"This command runs read-only statements only; Neo4j refused a write: {one_line(exc.message or exc)}"
            ) from None
        raise Neo4jError(f"Neo4j refused the statement: {_code(exc)}: {one_line(exc.message or exc)}") from None
    except nx.DriverError as exc:
        raise Neo4jError(f"Neo4j driver error talking to {uri}: {one_line(exc)}") from None
    except ValueError as exc:  # e.g. a malformed URI scheme
        if "URI" in str(exc) or "scheme" in str(exc):
            raise Neo4jError(f"Bad Neo4j URI {uri!r}: {one_line(exc)}") from None
        raise


def _code(exc: Exception) -> str:
    return str(getattr(exc, "code", None) or type(exc).__name__)


# ---------------------------------------------------------------- running
@dataclass(frozen=True)
class Result:
    """Rows of one statement: column names and values as plain Python objects."""

    keys: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def column(self, key: str) -> list[Any]:
        i = self.keys.index(key)
        return [row[i] for row in self.rows]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.keys, row)) for row in self.rows]


def run_read(
    driver: neo4j.Driver,
    text: str,
    params: Mapping[str, Any] | None = None,
    *,
    database: str | None = None,
) -> Result:
    """Run one statement in a read transaction (writes are refused by the server).

    Raises
    ------
    Neo4jError
        The server is down, refuses the credentials or the statement.
    """
    with driver_errors():
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(_collect, text, dict(params or {}))


def run_write(
    driver: neo4j.Driver,
    text: str,
    params: Mapping[str, Any] | None = None,
    *,
    database: str | None = None,
) -> Result:
    """Run one statement in a write transaction (retried by the driver on transient errors)."""
    with driver_errors():
        with driver.session(database=database) as session:
            return session.execute_write(_collect, text, dict(params or {}))


def _collect(tx: neo4j.ManagedTransaction, text: str, params: dict[str, Any]) -> Result:
    res = tx.run(text, params)
    keys = tuple(res.keys())
    rows = tuple(tuple(rec.values()) for rec in res)
    return Result(keys, rows)


# ---------------------------------------------------------------- display
def format_value(value: Any) -> str:
    """Compact text for a result value (nodes as ``(:Label {k: v})``)."""
    if isinstance(value, neo4j.graph.Node):
        labels = "".join(f":{label}" for label in sorted(value.labels))
        return f"({labels} {_props(dict(value))})"
    if isinstance(value, neo4j.graph.Relationship):
        return f"[:{value.type} {_props(dict(value))}]"
    if isinstance(value, neo4j.graph.Path):
        return "<path of %d relationships>" % len(value.relationships)
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return _props(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:.4g}"
    return str(value)


def _props(props: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {format_value(v)}" for k, v in sorted(props.items())) + "}"


def format_table(result: Result, *, max_width: int = 60) -> list[str]:
    """Text table lines: header, rule, one line per row (the last line is the last row).

    >>> print("\\n".join(format_table(Result(("n", "name"), ((1, "a"), (22, "b"))))))
    n  | name
    ---+-----
    1  | a
    22 | b
    """
    cells = [[_clip(format_value(v), max_width) for v in row] for row in result.rows]
    widths = [len(k) for k in result.keys]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]

    def line(values: Sequence[str]) -> str:
        return " | ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()

    out = [line(result.keys), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    return out


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------- batches
@dataclass(frozen=True)
class BatchStats:
    """What one batched write did.

    Attributes
    ----------
    step : str
        Name of the step (``persons``, ``claims``, ...).
    rows : int
        Parameter rows sent in this run (skipped, already committed batches excluded).
    skipped_rows : int
        Rows of batches a previous, interrupted run had already committed.
    nodes, relationships : int
        Nodes and relationships created (0 on an idempotent re-run).
    seconds : float
        Wall time of the step.
    """

    step: str
    rows: int
    skipped_rows: int
    nodes: int
    relationships: int
    seconds: float


def write_batches(
    driver: neo4j.Driver,
    text: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    step: str,
    batch_size: int = 5000,
    database: str | None = None,
    checkpoint: str | None = None,
    retry_policy: RetryPolicy = RetryPolicy(),
    log: Any = None,
) -> BatchStats:
    """Send ``rows`` to an ``UNWIND $rows AS row`` statement, one transaction per batch.

    Parameters
    ----------
    text : str
        The statement; it receives the batch as ``$rows``.  It must be
        idempotent (``MERGE`` by id, ``SET``): a batch may be sent twice.
    rows : sequence of dict
        Parameter rows (from the pure ``*_rows`` functions).
    step : str
        Name shown in progress lines and used in the checkpoint key.
    batch_size : int, default 5000
        Rows per transaction.
    checkpoint : str or None
        Fingerprint of the input.  When given, the number of committed batches is
        recorded in a ``GraphfraudLoad`` node inside each batch's transaction, and
        batches a previous run committed are skipped (resume after interruption).
    retry_policy : RetryPolicy, default RetryPolicy()
        How a batch that failed for a transient reason (server restarting,
        connection lost, ``Neo.TransientError.*``) is retried; see
        :mod:`graphfraud.neo4j.retry`.  Other errors fail at once.
    log : callable or None
        Receives progress lines and one line per retry.

    Returns
    -------
    BatchStats

    Raises
    ------
    Neo4jError
        The server refused a statement or the credentials, or was still
        unreachable when ``retry_policy`` ran out; batches committed before
        stay committed (and with ``checkpoint``, a re-run skips them).
    """
    import time

    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    started = time.monotonic()
    key = f"{checkpoint}:{step}:{batch_size}" if checkpoint else None
    done = 0
    with driver_errors():
        if key is not None:
            read = cypher_text("load/checkpoint_read.cypher")
            done = int(retry(lambda: _in_transaction(driver, database, _collect, read, {"key": key}),
                             policy=retry_policy, what=f"reading the {step} checkpoint",
                             log=log).rows[0][0])  # fmt: skip
        marker = cypher_text("load/checkpoint.cypher")
        total_batches = -(-len(rows) // batch_size)
        nodes = rels = sent = 0
        next_report = time.monotonic() + 5.0

        def work(tx: neo4j.Transaction, batch: list[Mapping[str, Any]], n: int) -> tuple[int, int]:
            counters = tx.run(text, {"rows": batch}).consume().counters
            if key is not None:
                params = {"key": key, "step": step, "batches": n, "rows": n * batch_size,
                          "fingerprint": checkpoint}  # fmt: skip
                tx.run(marker, params).consume()
            return counters.nodes_created, counters.relationships_created

        for b in range(done, total_batches):
            batch = list(rows[b * batch_size : (b + 1) * batch_size])
            n_created, r_created = retry(
                lambda: _in_transaction(driver, database, work, batch, b + 1),  # noqa: B023 (called at once)
                policy=retry_policy, what=f"{step} batch {b + 1} of {total_batches}", log=log,
            )  # fmt: skip
            nodes, rels, sent = nodes + n_created, rels + r_created, sent + len(batch)
            if log is not None and time.monotonic() >= next_report:
                rate = sent / max(time.monotonic() - started, 1e-9)
                log(f"  {step}: {b + 1}/{total_batches} batches, {rate:,.0f} rows/s")
                next_report = time.monotonic() + 5.0
    skipped = min(done * batch_size, len(rows))
    stats = BatchStats(step, sent, skipped, nodes, rels, time.monotonic() - started)
    if log is not None:
        resumed = f", {skipped} rows already committed" if skipped else ""
        log(f"{step}: {sent} rows, +{nodes} nodes, +{rels} relationships "
            f"in {stats.seconds:.1f} s{resumed}")  # fmt: skip
    return stats


def _in_transaction(driver: neo4j.Driver, database: str | None, work: Any, *args: Any) -> Any:
    """Run ``work(tx, *args)`` in one explicit write transaction of a new session, and commit.

    An explicit transaction is not retried by the driver, so :func:`retry` alone
    decides (the driver's ``execute_write`` would retry for 30 s on its own).
    """
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        value = work(tx, *args)
        tx.commit()
    return value


def apply_schema(
    driver: neo4j.Driver,
    *,
    database: str | None = None,
    timeout: int = 300,
    retry_policy: RetryPolicy = RetryPolicy(),
    log: Any = None,
) -> int:
    """Create the constraints and indexes of ``cypher/schema.cypher`` and wait until they are online.

    Every statement is ``IF NOT EXISTS``, so the whole script is retried (see
    :mod:`graphfraud.neo4j.retry`) when the server is briefly unreachable.

    Returns
    -------
    int
        Number of schema statements run.
    """
    statements = split_statements(cypher_text("schema.cypher"))

    def run_all() -> None:
        with driver.session(database=database) as session:
            for statement in statements:
                session.run(statement).consume()
            session.run("CALL db.awaitIndexes($timeout)", {"timeout": timeout}).consume()

    with driver_errors():
        retry(run_all, policy=retry_policy, what="creating the schema (constraints, indexes)", log=log)
    return len(statements)
