"""Spark for the engine tests: a local session, a one-machine standalone cluster, and who listens where."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graphfraud.synth import SynthParams, make_world, write_world

HAVE_PYSPARK = importlib.util.find_spec("pyspark") is not None
needs_pyspark = pytest.mark.skipif(
    not HAVE_PYSPARK, reason="pyspark is not installed (pip install graphfraud[spark]); CI installs it"
)
RESOLUTIONS = ("minute", "day")
#: IPv4 and IPv6 loopback as /proc/net/tcp{,6} spell them.
LOOPBACK = {"0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F"}


def _world(resolution: str):
    """3000 persons over 180 days with every kind planted (seed 11); ``day``: a date-only export."""
    data, labels = make_world(SynthParams(persons=3000, days=180, seed=11, date_only=resolution == "day"))
    if resolution == "day":
        data = dataclasses.replace(data, time_resolution="day")
    return data, labels


@pytest.fixture(scope="package")
def worlds(tmp_path_factory) -> dict[str, tuple]:
    """Per resolution: (data, directory holding it as CSV)."""
    out = {}
    for resolution in RESOLUTIONS:
        data, labels = _world(resolution)
        path = tmp_path_factory.mktemp(f"world-{resolution}")
        write_world(data, labels, path)
        out[resolution] = (data, path)
    return out


@pytest.fixture(scope="package")
def local_outputs(worlds, tmp_path_factory) -> Callable[[str], Path]:
    """The local engine's ``detect -q`` output per resolution, made on first use and then only read: the files
    every Spark run of that world must match byte for byte (one local detect per world, not one per test)."""
    from click.testing import CliRunner

    from graphfraud.cli import main

    made: dict[str, Path] = {}

    def local(resolution: str) -> Path:
        if resolution not in made:
            out = tmp_path_factory.mktemp(f"local-{resolution}") / "out"
            ran = CliRunner().invoke(main, ["detect", str(worlds[resolution][1]), "--out", str(out), "-q"])
            assert ran.exit_code == 0, ran.output
            made[resolution] = out
        return made[resolution]

    return local


@pytest.fixture(scope="package")
def spark():
    """One local Spark session (2 threads, 1 GB) for the in-process tests of tests/engine; ``detect --engine spark`` joins it."""
    from graphfraud.engine.spark import start_session

    session = start_session("local[2]", {"spark.driver.memory": "1g", "spark.sql.shuffle.partitions": "4"})
    yield session
    session.stop()


def listening_addresses(pid: int) -> list[str]:
    """The local addresses (hex, as in /proc/net/tcp) on which process ``pid`` listens."""
    fds = Path(f"/proc/{pid}/fd")
    inodes = set()
    for fd in os.listdir(fds):
        with contextlib.suppress(FileNotFoundError):  # closed while being read
            target = os.readlink(fds / fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # state LISTEN, owned by pid
                listening.append(fields[1].split(":")[0])
    return listening


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(log: Path, text: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    raise RuntimeError(f"{log.name}: no {text!r} within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


class Cluster:
    """A Spark standalone cluster on this machine: a master and one worker, separate JVMs, loopback only."""

    def __init__(self, root: Path, *, cores: int = 2, memory: str = "3g") -> None:
        import pyspark

        self.root = root
        home = Path(pyspark.__file__).parent
        self.env = os.environ | {"SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_NO_DAEMONIZE": "1"}
        self.port = _free_port()
        self.url = f"spark://127.0.0.1:{self.port}"
        klass = str(home / "bin" / "spark-class")
        self.master = self._start(
            "master",
            [
                klass,
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--webui-port",
                str(_free_port()),
            ],
            "I have been elected leader",
        )
        self.worker = self._start(
            "worker",
            [
                klass,
                "org.apache.spark.deploy.worker.Worker",
                self.url,
                "--host",
                "127.0.0.1",
                "--cores",
                str(cores),
                "--memory",
                memory,
                "--webui-port",
                str(_free_port()),
                "--work-dir",
                str(root / "work"),
            ],
            "Successfully registered with master",
        )

    def _start(self, name: str, cmd: list[str], ready: str) -> subprocess.Popen:
        log = self.root / f"{name}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=self.env, start_new_session=True)
        try:
            _wait_for(log, ready, proc, timeout=120)
        except RuntimeError:
            self._stop(proc)
            raise
        return proc

    def jvm_pids(self) -> list[int]:
        """The master's and the worker's JVMs (spark-class execs java in place of its shell)."""
        return [self.master.pid, self.worker.pid]

    def stop(self) -> None:
        for proc in (self.worker, self.master):
            self._stop(proc)

    @staticmethod
    def _stop(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()


@pytest.fixture(scope="package")
def spark_cluster(tmp_path_factory) -> Iterator[Cluster]:
    if not HAVE_PYSPARK:
        pytest.skip("pyspark is not installed (pip install graphfraud[spark]); CI installs it")
    cluster = Cluster(tmp_path_factory.mktemp("spark-cluster"))
    try:
        yield cluster
    finally:
        cluster.stop()
