"""Neo4j faults with a real server (issue 8): a load interrupted by stopping the server.

The module starts its own Neo4j (Bolt 7697, HTTP 7484) in a temporary home
that shares the jars of the test server's install (``lib/`` and ``plugins/``
are symlinks; nothing is downloaded), so that killing it never disturbs the
server the other tests use.  On a small synthetic world with two detected
rings (2,474 claims, 1,939 ring rows):

* a clean ``graphfraud load --rings`` gives the reference graph: counts per
  label and relationship type, and a digest of every node's and
  relationship's properties;
* the same load with ``--retry-time 0``, the server SIGKILLed after five
  committed claims batches: exit 1 with one line naming the batch, never a
  traceback; after a restart the same command resumes after the committed
  batches and gives exactly the reference graph;
* the rings write-back, the server stopped cleanly (SIGTERM) mid-way and
  started again: retries with back-off carry the write across the restart,
  and the graph is again exactly the reference.

Durations of each phase are printed (``pytest -s``); docs/neo4j.md quotes them.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.io.read import read_claims_dir
from graphfraud.io.rings import read_rings
from graphfraud.neo4j.load import load_claims
from graphfraud.neo4j.retry import RetryPolicy
from graphfraud.neo4j.server import BundledServer, _port_open
from graphfraud.neo4j.writeback import write_rings
from graphfraud.outputs.views import read_output

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

PORTS = {"bolt_port": 7697, "http_port": 7484, "guide_port": 8109}
BATCH = 100  # 25 claims batches, 8 ring steps
ID_KEYS = ["claim_id", "person_id", "doctor_id", "facility_id", "pharmacy_id", "phone", "address", "ring_id", "key"]
CLAIMS_BATCHES = "MATCH (s:GraphfraudLoad {step: 'claims'}) RETURN coalesce(max(s.batches), 0)"
VISITED = "MATCH ()-[v:VISITED]->() RETURN count(v)"


def _skip(reason: str) -> None:
    if os.environ.get("GRAPHFRAUD_REQUIRE_NEO4J") == "1":
        pytest.fail(f"GRAPHFRAUD_REQUIRE_NEO4J=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def timed(label: str, since: float) -> float:
    seconds = time.monotonic() - since
    print(f"\n[faults] {label}: {seconds:.1f} s")
    return seconds


@dataclass
class Setup:
    server: BundledServer
    password: str
    data_dir: Path
    out_dir: Path
    audit: Path

    @property
    def env(self) -> dict[str, str | None]:
        return {"NEO4J_URI": self.server.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": self.password,
                "NEO4J_DATABASE": None}  # fmt: skip

    def driver(self) -> neo4j.Driver:
        return neo4j.GraphDatabase.driver(self.server.uri, auth=("neo4j", self.password),
                                          notifications_min_severity="OFF")  # fmt: skip

    def load(self, *extra: str) -> Any:
        args = ["--audit-log", str(self.audit), "load", str(self.data_dir), "--rings", str(self.out_dir),
                "--batch-size", str(BATCH), *extra]  # fmt: skip
        return CliRunner().invoke(main, args, env=self.env)


def _fault_server(home: Path, dist: Path) -> BundledServer:
    if not (dist / "lib" / ".complete").exists():
        _skip(f"no Neo4j install in {dist} to share; run `graphfraud neo4j install --home {dist}` once")
    for sub in ("lib", "plugins"):
        (home / sub).symlink_to(dist / sub, target_is_directory=True)
    server = BundledServer(home, heap="512m", pagecache="128m", **PORTS)
    busy = [p for p in (server.bolt_port, server.http_port) if _port_open(p)]
    if busy:
        _skip(f"port {busy[0]} on 127.0.0.1 is taken; the fault test needs 7697 and 7484 free")
    return server


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, neo4j_install: Path) -> Iterator[Setup]:
    root = tmp_path_factory.mktemp("faults")
    (root / "neo4j").mkdir()
    server = _fault_server(root / "neo4j", neo4j_install)
    started = time.monotonic()
    failure: list[BaseException] = []

    def start() -> None:
        try:
            server.start(timeout=240)
        except BaseException as exc:  # re-raised below, in the test's thread
            failure.append(exc)

    starter = threading.Thread(target=start)
    starter.start()  # the server starts while the world is made and detected
    try:
        audit, data, out = root / "audit.jsonl", root / "data", root / "out"
        runner = CliRunner()
        for args in (["synth", str(data), "--persons", "300", "--days", "90", "--seed", "3", "-q"],
                     ["detect", str(data), "--out", str(out), "-q"]):  # fmt: skip
            result = runner.invoke(main, ["--audit-log", str(audit), *args])
            assert result.exit_code == 0, result.output
        starter.join()
        if failure:
            raise failure[0]
        timed("first start of the fault server (with world and detection in parallel)", started)
        yield Setup(server, server.password(), data, out, audit)
    finally:
        starter.join()
        pid = server.pid()
        if pid is not None:  # a throw-away home: no clean shutdown needed (saves about 10 s)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def wipe(driver: neo4j.Driver) -> None:
    with driver.session() as session:  # CALL ... IN TRANSACTIONS needs an auto-commit transaction
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


def snapshot(driver: neo4j.Driver) -> tuple[dict[str, int], str]:
    """Counts per label set and relationship type, and a digest of every property (checkpoints excluded)."""
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    nodes = driver.execute_query(
        "MATCH (n) WHERE NOT n:GraphfraudLoad RETURN labels(n) AS labels, properties(n) AS props"
    ).records
    rels = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props, "
        "[k IN $keys WHERE a[k] IS NOT NULL | k + '=' + toString(a[k])][0] AS a, "
        "[k IN $keys WHERE b[k] IS NOT NULL | k + '=' + toString(b[k])][0] AS b",
        {"keys": ID_KEYS},
    ).records
    lines = []
    for rec in nodes:
        label = ":".join(sorted(rec["labels"]))
        counts[label] = counts.get(label, 0) + 1
        lines.append(f"{label} {sorted(rec['props'].items())!r}")
    for rec in rels:
        counts[rec["type"]] = counts.get(rec["type"], 0) + 1
        lines.append(f"{rec['a']}-{rec['type']}->{rec['b']} {sorted(rec['props'].items())!r}")
    for line in sorted(lines):
        digest.update(line.encode() + b"\n")
    return counts, digest.hexdigest()


class ServerFault(threading.Thread):
    """Stops the server once ``query`` (polled on its own connection) reaches ``threshold``.

    ``kill``: SIGKILL (no clean-up: the server recovers from its transaction
    log at the next start); otherwise a clean stop (SIGTERM).  With
    ``restart``, starts the server again at once.
    """

    def __init__(self, setup: Setup, query: str, threshold: int, *, kill: bool, restart: bool) -> None:
        super().__init__(daemon=True)
        self.setup, self.query, self.threshold, self.kill, self.restart = setup, query, threshold, kill, restart
        self.seen: int | None = None
        self.stopping_at = self.stopped_at = self.back_at = 0.0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # re-raised by result() in the test's thread
            self.error = exc

    def _run(self) -> None:
        server = self.setup.server
        with self.setup.driver() as driver:
            deadline = time.monotonic() + 120
            while (seen := driver.execute_query(self.query).records[0][0]) < self.threshold:
                if time.monotonic() > deadline:
                    raise AssertionError(f"{self.query} stayed at {seen} < {self.threshold} for 120 s")
                time.sleep(0.02)
        self.seen = seen
        pid = server.pid()
        assert pid is not None
        self.stopping_at = time.monotonic()
        if self.kill:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)  # our child (started by this process): reap it
        else:
            server.stop(timeout=60)
        self.stopped_at = time.monotonic()
        if self.restart:
            server.start(timeout=240)
            self.back_at = time.monotonic()

    def result(self) -> ServerFault:
        self.join(timeout=300)
        if self.error is not None:
            raise self.error
        assert self.seen is not None, "the server was never stopped"
        return self


@pytest.fixture(scope="module")
def reference(setup: Setup) -> tuple[dict[str, int], str]:
    """The graph of one uninterrupted load (claims and rings)."""
    with setup.driver() as driver:
        wipe(driver)
        started = time.monotonic()
        result = setup.load("-q")
        assert result.exit_code == 0, result.output
        timed("clean load (claims + rings)", started)
        ref = snapshot(driver)
    rings = sum(n for label, n in ref[0].items() if "Ring" in label.split(":"))
    assert ref[0]["Claim"] == 2474 and rings == 2  # a card collector and a staged clinic, each whole (issue 14)
    assert (ref[0]["MEMBER_OF"], ref[0]["VISITED"], ref[0]["CO_VISITED"]) == (92, 457, 1388)
    return ref


def test_load_killed_midway_fails_on_one_line_then_resumes_to_the_same_graph(
    setup: Setup, request: pytest.FixtureRequest
) -> None:
    with setup.driver() as driver:
        wipe(driver)
    fault = ServerFault(setup, CLAIMS_BATCHES, 5, kill=True, restart=False)
    fault.start()
    started = time.monotonic()
    failed = setup.load("--retry-time", "0", "-q")
    fault.result()
    timed("SIGKILL to the load's exit", fault.stopped_at)
    assert failed.exit_code == 1, failed.output
    lines = failed.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in failed.output, failed.output
    assert lines[0].startswith("Error: Neo4j stopped answering during claims batch "), lines[0]
    assert "of 25 (" in lines[0] and "no retry allowed" in lines[0] and "run the same command again" in lines[0]
    assert time.monotonic() - started < 120

    restarted = time.monotonic()
    setup.server.start(timeout=240)
    timed("restart after SIGKILL (recovery included)", restarted)
    with setup.driver() as driver:
        claims = driver.execute_query("MATCH (c:Claim) RETURN count(c)").records[0][0]
        committed = driver.execute_query(CLAIMS_BATCHES).records[0][0]
    assert 5 * BATCH <= claims < 2474 and committed * BATCH == claims  # whole batches only, none lost

    resumed = time.monotonic()
    again = setup.load()
    timed("re-run that resumes (claims + rings)", resumed)
    assert again.exit_code == 0, again.output
    assert f"claims: {2474 - claims} rows" in again.stderr and f"{claims} rows already committed" in again.stderr
    with setup.driver() as driver:
        resumed_graph = snapshot(driver)
    # The clean load runs now, on a warm server (it wipes the graph first): about 15 s less than cold.
    reference = request.getfixturevalue("reference")
    assert resumed_graph[0] == reference[0]  # counts first: a readable diff
    assert resumed_graph == reference  # then every property


def test_retries_carry_the_rings_write_back_across_a_server_restart(
    setup: Setup, reference: tuple[dict[str, int], str]
) -> None:
    data = read_claims_dir(str(setup.data_dir))
    rings, members, run_id = read_rings(str(setup.out_dir))
    with setup.driver() as driver:
        load_claims(driver, data, batch_size=BATCH)  # the claims graph (already complete: all skipped)
        driver.execute_query("MATCH (r:Ring) DETACH DELETE r")
        driver.execute_query("MATCH ()-[v:VISITED|CO_VISITED]->() DELETE v")
        fault = ServerFault(setup, VISITED, 20, kill=False, restart=True)
        fault.start()
        lines: list[str] = []
        started = time.monotonic()
        stats = write_rings(driver, rings, members, data.claims, run_id=run_id, batch_size=5,
                            reasons=read_output(setup.out_dir).reasons,  # as `load --rings` does
                            retry_policy=RetryPolicy.within(240), log=lines.append)  # fmt: skip
        fault.result()
        timed("rings write-back with a clean stop and restart in the middle", started)
        retries = [line for line in lines if line.startswith("Neo4j: ")]
        print(f"[faults]   of which the server was away {fault.back_at - fault.stopping_at:.1f} s "
              f"(stop {fault.stopped_at - fault.stopping_at:.1f} s, start {fault.back_at - fault.stopped_at:.1f} s); "
              f"{len(retries)} retries: {sorted({line.split()[1] for line in retries})}")  # fmt: skip
        assert retries, "the server stop did not hit the write-back"
        assert all(" retry " in line for line in retries)
        assert sum(s.rows for s in stats) == 1939
        assert snapshot(driver) == reference
