"""Fixtures for tests against a real Neo4j server (marker ``neo4j``).

Which server:

* ``NEO4J_URI`` (+ ``NEO4J_USER``/``NEO4J_PASSWORD``) set: that server.  Tests wipe
  the database, so it must be empty at the start of the session unless
  ``GRAPHFRAUD_NEO4J_TEST_WIPE=1`` says it may be wiped.
* ``GRAPHFRAUD_REQUIRE_NEO4J=1`` (set by ``.ci/run``): a server that cannot be used is a
  failure, not a skip.
* otherwise the bundled server of the *test home* (``GRAPHFRAUD_NEO4J_HOME`` or
  ``~/.cache/graphfraud/neo4j-test``; ``.ci/neo4j.sh start`` uses the same home):
  used if it runs, else started on 127.0.0.1 for the session and stopped after.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graphfraud.neo4j.queries import CYPHER_DIR
from graphfraud.neo4j.server import BundledServer, _port_open

TEST_HOME = Path.home() / ".cache" / "graphfraud" / "neo4j-test"


def _skip(reason: str) -> None:
    if os.environ.get("GRAPHFRAUD_REQUIRE_NEO4J") == "1":
        pytest.fail(f"GRAPHFRAUD_REQUIRE_NEO4J=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class Conn:
    uri: str
    user: str
    password: str | None
    server: BundledServer | None  # the bundled server, when the tests use it

    @property
    def env(self) -> dict[str, str]:
        """Environment for CLI invocations that should reach this server."""
        # The CLI always sends a password; a server without authentication accepts any.
        password = self.password if self.password is not None else "no-auth"
        return {"NEO4J_URI": self.uri, "NEO4J_USER": self.user, "NEO4J_PASSWORD": password}


def test_server() -> BundledServer:
    home = Path(os.environ.get("GRAPHFRAUD_NEO4J_HOME") or TEST_HOME)
    return BundledServer(home, guide_dir=CYPHER_DIR)


test_server.__test__ = False  # type: ignore[attr-defined]  (not a test)


@pytest.fixture(scope="session")
def neo4j_install() -> Path:
    """The test home whose jars (``lib/``, ``plugins/``) other test servers may share; never downloads."""
    return test_server().home


@pytest.fixture(scope="session")
def neo4j_conn() -> Iterator[Conn]:
    started: BundledServer | None = None
    if os.environ.get("NEO4J_URI"):
        conn = Conn(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD"),
            None,
        )
        may_wipe = os.environ.get("GRAPHFRAUD_NEO4J_TEST_WIPE") == "1"
    else:
        server = test_server()
        if server.pid() is None:
            if _port_open(server.bolt_port):
                _skip(
                    f"a Neo4j not started from {server.home} holds port {server.bolt_port}; "
                    "stop it or set NEO4J_URI/NEO4J_PASSWORD (and GRAPHFRAUD_NEO4J_TEST_WIPE=1)"
                )
            server.start(timeout=180)
            started = server
        conn = Conn(server.uri, "neo4j", server.password(), server)
        may_wipe = True
    auth = (conn.user, conn.password) if conn.password is not None else None
    with neo4j.GraphDatabase.driver(conn.uri, auth=auth) as driver:
        count = driver.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"]
        if count and not may_wipe:
            _skip(
                f"{conn.uri} holds {count} nodes; tests wipe the database: set GRAPHFRAUD_NEO4J_TEST_WIPE=1 to allow it"
            )
    try:
        yield conn
    finally:
        if started is not None:
            started.stop()


@pytest.fixture(scope="module")  # per module: a bulk import invalidates bookmarks
def driver(neo4j_conn: Conn) -> Iterator[neo4j.Driver]:
    auth = (neo4j_conn.user, neo4j_conn.password) if neo4j_conn.password is not None else None
    with neo4j.GraphDatabase.driver(neo4j_conn.uri, auth=auth) as drv:
        drv.verify_connectivity()
        yield drv


def wipe(driver: neo4j.Driver) -> None:
    """Delete every node, constraint and index (the test database only)."""
    with driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    for rec in driver.execute_query("SHOW CONSTRAINTS YIELD name").records:
        driver.execute_query("DROP CONSTRAINT $name", {"name": rec["name"]})
    for rec in driver.execute_query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'").records:
        driver.execute_query("DROP INDEX $name", {"name": rec["name"]})


@pytest.fixture
def empty_db(driver: neo4j.Driver) -> neo4j.Driver:
    wipe(driver)
    return driver


@pytest.fixture(scope="session")
def wipe_db(neo4j_conn: Conn) -> Callable[[neo4j.Driver], None]:
    """:func:`wipe`, as a fixture (test modules cannot import this conftest by name safely)."""
    return wipe


SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def graph_counts(driver: neo4j.Driver) -> dict[str, int]:
    """Nodes per label set and relationships per type (GraphfraudLoad checkpoints excluded)."""
    out = {}
    for rec in driver.execute_query(
        "MATCH (n) WHERE NOT n:GraphfraudLoad RETURN labels(n) AS l, count(*) AS c"
    ).records:
        out[":".join(sorted(rec["l"]))] = rec["c"]
    for rec in driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c").records:
        out[rec["t"]] = rec["c"]
    return out


@dataclass
class SampleGraph:
    """data/sample and its detected rings, as `graphfraud load data/sample --rings OUT` writes them."""

    data: Any
    out: Path
    loaded: dict[str, int] | None = None  # the graph's counts right after the last load

    def ensure(self, driver: neo4j.Driver) -> dict[str, int]:
        """Load the sample world into an emptied database, unless it still holds exactly that load; its counts."""
        from graphfraud.io.rings import read_rings
        from graphfraud.neo4j.load import load_claims
        from graphfraud.neo4j.writeback import write_rings
        from graphfraud.outputs.views import read_output

        if self.loaded is not None and graph_counts(driver) == self.loaded:
            return self.loaded
        wipe(driver)
        rings, members, run_id = read_rings(str(self.out))
        load_claims(driver, self.data, batch_size=20_000)
        write_rings(driver, rings, members, self.data.claims, run_id=run_id, reasons=read_output(self.out).reasons)
        self.loaded = graph_counts(driver)
        return self.loaded


@pytest.fixture(scope="session")
def sample_graph(tmp_path_factory: pytest.TempPathFactory) -> SampleGraph:
    """The sample world, detected once; ``ensure(driver)`` loads it (the two modules using it run back to back,
    see pytest_collection_modifyitems, so it is loaded once: about a minute of a loaded CI machine)."""
    from graphfraud.io.read import read_claims_dir
    from graphfraud.pipeline import run, write_outputs

    data = read_claims_dir(str(SAMPLE))
    out = tmp_path_factory.mktemp("sample") / "out"
    write_outputs(run(data), data, str(out))
    return SampleGraph(data, out)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests on the loaded sample world (fixture ``sample_graph``) run one after the other, at the first one's place."""
    using = [item for item in items if "sample_graph" in getattr(item, "fixturenames", ())]
    if len(using) < 2:
        return
    first = items.index(using[0])
    chosen = set(map(id, using))
    rest = [item for item in items if id(item) not in chosen]
    items[:] = rest[:first] + using + rest[first:]
