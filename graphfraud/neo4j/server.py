"""A bundled Neo4j 5.26 Community server, fetched from Maven Central and run on loopback.

Neo4j's tarball is only ``lib/*.jar`` plus a launcher; the same jars are on
Maven Central.  :class:`BundledServer` resolves the pinned server
(``org.neo4j:neo4j``), the Browser's static files (``org.neo4j.client:neo4j-browser``)
and APOC core into a cache directory with Maven, then runs the main class the
official launcher runs, ``org.neo4j.server.CommunityEntryPoint``.

Layout of the home directory (default ``~/.cache/graphfraud/neo4j``)::

    maven/           pom files used to fetch the jars
    lib/             the server's jars (``.complete`` marks a finished fetch)
    plugins/         APOC core and its dependencies
    conf/neo4j.conf  written on every start from the server's settings
    data/ logs/ run/ import/
    password         the generated password of user ``neo4j`` (mode 0600)

Authentication is always on: before the first start a random password is
generated, stored in ``password`` and set with ``neo4j-admin dbms
set-initial-password``.  Everything listens on 127.0.0.1 only.

A tiny CORS-enabled HTTP server (:mod:`graphfraud.neo4j.guide`) serves the
Browser guide directory, and ``browser.post_connect_cmd`` opens the guide when
Browser connects.

Notes
-----
Neo4j 5.26 runs on Java 17; 2025.x releases need Java 21 and are not used.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from graphfraud.errors import Neo4jError, ParamError

NEO4J_VERSION = "5.26.29"
BROWSER_VERSION = "5.24.0"
APOC_VERSION = "5.26.0"  # the newest apoc-core 5.26.x on Maven Central
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"
#: umask of the Neo4j server and admin processes: the store, transaction logs and auth.ini are private.
UMASK = 0o077
#: Folders of the home whose every file is made private (0600, folders 0700) by BundledServer.tighten.
PRIVATE_DIRS = ("conf", "data", "logs", "run", "import")
USER = "neo4j"
DATABASE = "neo4j"  # Community has one user database

_SERVER_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local.graphfraud</groupId><artifactId>neo4j-rt</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId>
      <version>{neo4j}</version></dependency>
    <dependency><groupId>org.neo4j.client</groupId><artifactId>neo4j-browser</artifactId>
      <version>{browser}</version></dependency>
  </dependencies>
</project>
"""

_PLUGINS_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local.graphfraud</groupId><artifactId>neo4j-plugins</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j.procedure</groupId><artifactId>apoc-core</artifactId>
      <version>{apoc}</version><classifier>core</classifier>
      <exclusions><exclusion><groupId>org.neo4j</groupId><artifactId>*</artifactId></exclusion></exclusions>
    </dependency>
  </dependencies>
</project>
"""

_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)


@dataclass(frozen=True)
class ServerStatus:
    """What :meth:`BundledServer.status` found.

    Attributes
    ----------
    installed : bool
        The jars are in the cache.
    running : bool
        The server process is alive.
    answering : bool
        HTTP and Bolt both accept connections.
    pid : int or None
        Process id of the server's JVM.
    guide_pid : int or None
        Process id of the guide's HTTP server.
    """

    home: Path
    installed: bool
    running: bool
    answering: bool
    pid: int | None
    guide_pid: int | None
    uri: str
    browser_url: str
    guide_url: str
    version: str = NEO4J_VERSION

    def lines(self) -> list[str]:
        """Human-readable ``key: value`` lines."""
        state = "running" if self.running else "stopped"
        if self.running and not self.answering:
            state = "starting (not answering yet)"
        return [
            f"state: {state}",
            f"pid: {self.pid or '-'}",
            f"version: Neo4j Community {self.version}",
            f"installed: {'yes' if self.installed else 'no (run `graphfraud neo4j install`)'}",
            f"home: {self.home}",
            f"bolt: {self.uri}",
            f"browser: {self.browser_url}",
            f"guide: {self.guide_url} (pid {self.guide_pid or '-'})",
            f"user: {USER}",
            f"password file: {self.home / 'password'}",
        ]


def new_password() -> str:
    """A generated password (144 random bits) that never starts with ``-``.

    ``token_urlsafe`` draws from ``A-Za-z0-9-_``; a leading ``-`` made
    ``neo4j-admin`` read the password as an option (one start in 64 failed
    with "Missing required parameter: '<password>'").

    >>> all(not new_password().startswith("-") for _ in range(200))
    True
    """
    return "gf" + secrets.token_urlsafe(18)


class BundledServer:
    """The Neo4j server bundled with graphfraud, living under ``home``.

    Parameters
    ----------
    home : path
        Cache and data directory of the server.
    bolt_port, http_port, guide_port : int, default 7687, 7474, 8099
        Loopback ports of Bolt, HTTP (Browser) and the guide's HTTP server.
    heap : str, default "1g"
        JVM heap (``-Xmx``); also the initial heap.
    pagecache : str, default "512m"
        ``server.memory.pagecache.size``.
    guide_dir : path or None
        Directory served to Browser (``cypher/``): the guide is
        ``guide/index.html`` in it and the style ``style.grass``.  ``None``
        serves nothing and sets no ``browser.post_connect_cmd``.
    java, mvn : str
        Executables to run.

    Examples
    --------
    >>> server = BundledServer("/tmp/neo4j-home")
    >>> server.uri
    'bolt://127.0.0.1:7687'
    >>> server.browser_url
    'http://127.0.0.1:7474/browser/'
    """

    def __init__(
        self,
        home: str | Path,
        *,
        bolt_port: int = 7687,
        http_port: int = 7474,
        guide_port: int = 8099,
        heap: str = "1g",
        pagecache: str = "512m",
        guide_dir: str | Path | None = None,
        guide_lang: str = "zh",
        java: str = "java",
        mvn: str = "mvn",
    ) -> None:
        self.home = Path(home).expanduser().absolute()
        self.bolt_port = bolt_port
        self.http_port = http_port
        self.guide_port = guide_port
        self.heap = heap
        self.pagecache = pagecache
        self.guide_dir = Path(guide_dir).absolute() if guide_dir else None
        if guide_lang not in ("zh", "en"):
            raise ParamError(
                f"The 'guide_lang' parameter of BundledServer must be 'zh' or 'en'. Got {guide_lang!r} instead."
            )
        self.guide_lang = guide_lang
        self.java = java
        self.mvn = mvn

    # ------------------------------------------------------------ addresses
    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def browser_url(self) -> str:
        return f"{self.http_url}/browser/"

    @property
    def guide_url(self) -> str:
        # Browser allows remote guides from `localhost` by default.
        page = "index.html" if self.guide_lang == "zh" else "en.html"  # the Chinese guide is the default page
        return f"http://localhost:{self.guide_port}/guide/{page}"

    @property
    def style_url(self) -> str:
        return f"http://localhost:{self.guide_port}/style.grass"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def installed(self) -> bool:
        return (self.home / "lib" / ".complete").exists()

    # ------------------------------------------------------------ install
    def install(self, *, log: Callable[[str], None] = lambda m: None) -> Path:
        """Fetch the pinned jars through Maven into ``home`` (once; later calls are no-ops).

        Returns
        -------
        Path
            The ``lib`` directory.

        Raises
        ------
        Neo4jError
            Maven is missing or the fetch failed (its output is quoted).
        """
        lib = self.home / "lib"
        if self.installed:
            return lib
        if shutil.which(self.mvn) is None:
            raise Neo4jError(
                f"Maven ('{self.mvn}') is not on PATH; install it (apt-get install maven) "
                "to fetch the Neo4j server jars."
            )
        maven = self.home / "maven"
        for sub in ("server", "plugins"):
            (maven / sub).mkdir(parents=True, exist_ok=True)
        (maven / "server" / "pom.xml").write_text(_SERVER_POM.format(neo4j=NEO4J_VERSION, browser=BROWSER_VERSION))
        (maven / "plugins" / "pom.xml").write_text(_PLUGINS_POM.format(apoc=APOC_VERSION))
        plugins = self.home / "plugins"
        for target in (lib, plugins):
            if target.exists():
                shutil.rmtree(target)
        log(f"fetching Neo4j {NEO4J_VERSION} + Browser {BROWSER_VERSION} through Maven into {lib}")
        self._mvn_copy(maven / "server" / "pom.xml", lib)
        log(f"fetching APOC core {APOC_VERSION} into {plugins}")
        self._mvn_copy(maven / "plugins" / "pom.xml", plugins, "-DexcludeGroupIds=org.slf4j")
        (lib / ".complete").write_text(f"{NEO4J_VERSION} {BROWSER_VERSION} {APOC_VERSION}\n")
        log(f"installed {len(list(lib.glob('*.jar')))} jars")
        return lib

    def _mvn_copy(self, pom: Path, out: Path, *extra: str) -> None:
        cmd = [
            self.mvn, "-q", "-B", "-f", str(pom),
            f"{DEPENDENCY_PLUGIN}:copy-dependencies",
            "-DincludeScope=runtime", f"-DoutputDirectory={out}", *extra,
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
            raise Neo4jError(
                f"Maven could not fetch the Neo4j jars ({pom}), exit {done.returncode}:\n" + "\n".join(tail)
            )

    # ------------------------------------------------------------ config
    def config_lines(self) -> list[str]:
        """The ``neo4j.conf`` written before each start."""
        lines = [
            "# written by graphfraud on every start; edit BundledServer instead",
            "server.default_listen_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{self.bolt_port}",
            f"server.bolt.advertised_address=127.0.0.1:{self.bolt_port}",
            "server.http.enabled=true",
            f"server.http.listen_address=127.0.0.1:{self.http_port}",
            f"server.http.advertised_address=127.0.0.1:{self.http_port}",
            "server.https.enabled=false",
            "dbms.security.auth_enabled=true",
            f"server.memory.pagecache.size={self.pagecache}",
            "dbms.usage_report.enabled=false",
            "client.allow_telemetry=false",  # no usage-telemetry banner or reports from Browser
            "dbms.security.procedures.unrestricted=apoc.*",
            f"server.directories.import={self.home / 'import'}",
        ]
        if self.guide_dir is not None:
            # Browser opens the guide on connect.  Not `:style` too: Browser prints the whole style
            # sheet as a result frame on every connect; the guide's first step loads it once per
            # browser (Browser keeps it).
            lines.append(f"browser.post_connect_cmd=play {self.guide_url}")
        return lines

    def _write_config(self) -> None:
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        for sub in ("conf", "data", "logs", "run", "import", "plugins"):
            (self.home / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
        conf = self.home / "conf" / "neo4j.conf"
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write("\n".join(self.config_lines()) + "\n")
        self.tighten()

    def tighten(self) -> int:
        """Make the store, logs, configuration and auth files private: folders 0700, files 0600.

        The database files, transaction logs and ``data/dbms/auth.ini`` hold
        personal data and password hashes; Neo4j creates them with the
        process umask, which the server and admin processes get as 077
        (:data:`UMASK`).  This also tightens stores made by older versions.
        Symbolic links are not followed.  Returns the number of paths changed.
        """
        changed = 0
        if not self.home.is_dir():
            return 0
        for root in [self.home] + [self.home / sub for sub in PRIVATE_DIRS]:
            if root.is_symlink() or not root.is_dir():
                continue
            for path in [root] + ([] if root == self.home else list(root.rglob("*"))):
                info = path.lstat()
                want = 0o700 if stat.S_ISDIR(info.st_mode) else 0o600 if stat.S_ISREG(info.st_mode) else None
                if want is not None and stat.S_IMODE(info.st_mode) & 0o077:
                    os.chmod(path, want)
                    changed += 1
        if self.password_file.is_file() and stat.S_IMODE(self.password_file.stat().st_mode) & 0o077:
            os.chmod(self.password_file, 0o600)
            changed += 1
        return changed

    def _classpath(self, *, plugins: bool = True) -> str:
        # Plugins go *after* the server's lib: first breaks startup (commons-lang3 clash).
        parts = [self.home / "conf" / "*", self.home / "lib" / "*"]
        if plugins:
            parts.append(self.home / "plugins" / "*")
        return os.pathsep.join(str(p) for p in parts)

    def _admin(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, NEO4J_HOME=str(self.home), NEO4J_CONF=str(self.home / "conf"))
        cmd = [self.java, "-cp", self._classpath(plugins=False), ADMIN_CLASS, *args]
        try:
            return subprocess.run(cmd, capture_output=True, text=True, env=env, umask=UMASK)
        finally:
            self.tighten()

    # ------------------------------------------------------------ password
    def password(self) -> str:
        """The stored password of user ``neo4j``.

        Raises
        ------
        Neo4jError
            The server was never started, so there is no password yet.
        """
        try:
            return self.password_file.read_text().strip()
        except FileNotFoundError:
            raise Neo4jError(
                f"No stored Neo4j password in {self.password_file}: start the bundled server "
                "once (`graphfraud neo4j start`) or set NEO4J_PASSWORD."
            ) from None

    def _ensure_password(self, log: Callable[[str], None]) -> None:
        if self.password_file.exists():
            return
        if (self.home / "data" / "databases" / "system").exists():
            raise Neo4jError(
                f"{self.home} holds a database but no password file; remove {self.home / 'data'} "
                "to start afresh (its data is lost) or restore the password file."
            )
        pw = new_password()
        done = self._admin("dbms", "set-initial-password", pw)
        if done.returncode != 0:
            raise Neo4jError(f"neo4j-admin set-initial-password failed: {done.stderr.strip()}")
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(pw + "\n")
        log(f"generated a password for user neo4j, stored in {self.password_file} (mode 0600)")

    # ------------------------------------------------------------ processes
    def _pid_file(self, name: str) -> Path:
        return self.home / "run" / f"{name}.pid"

    def _alive(self, name: str, marker: str) -> int | None:
        """Pid from ``run/<name>.pid`` if that process is alive and its command line holds ``marker``."""
        try:
            pid = int(self._pid_file(name).read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None
        if marker not in cmdline or _zombie(pid):
            return None
        return pid

    def pid(self) -> int | None:
        """Pid of this home's running server, or ``None``."""
        return self._alive("neo4j", f"--home-dir={self.home}")

    def guide_pid(self) -> int | None:
        return self._alive("guide", "graphfraud.neo4j.guide")

    def answering(self) -> bool:
        """HTTP and Bolt both accept a TCP connection and HTTP answers a GET."""
        if not (_port_open(self.bolt_port) and _port_open(self.http_port)):
            return False
        try:
            with urllib.request.urlopen(self.http_url + "/", timeout=2) as resp:
                return bool(resp.status == 200)
        except OSError:
            return False

    def status(self) -> ServerStatus:
        pid = self.pid()
        return ServerStatus(
            home=self.home,
            installed=self.installed,
            running=pid is not None,
            answering=pid is not None and self.answering(),
            pid=pid,
            guide_pid=self.guide_pid(),
            uri=self.uri,
            browser_url=self.browser_url,
            guide_url=self.guide_url if self.guide_dir else "-",
        )

    def start(self, *, timeout: float = 120.0, log: Callable[[str], None] = lambda m: None) -> ServerStatus:
        """Install if needed, start the server in the background and wait until it answers.

        Returns at once if this home's server already runs.

        Raises
        ------
        Neo4jError
            A port is taken by another process, the server exited during
            start-up (the last lines of its log are quoted), or it did not
            answer within ``timeout`` seconds.
        """
        self.install(log=log)
        if self.pid() is None:
            for port in (self.bolt_port, self.http_port):
                if _port_open(port):
                    raise Neo4jError(
                        f"Port {port} on 127.0.0.1 is already in use by another process; stop it, "
                        "or connect to that server with --uri and NEO4J_PASSWORD instead."
                    )
            self._write_config()
            self._ensure_password(log)
            pid = self._spawn_server()
            log(f"starting Neo4j {NEO4J_VERSION} (pid {pid}), waiting for {self.uri} ...")
        self._start_guide(log)
        self.wait(timeout=timeout)
        log(f"Neo4j answers at {self.uri}; Browser at {self.browser_url}")
        return self.status()

    def _spawn_server(self) -> int:
        cmd = [
            self.java, f"-Xms{self.heap}", f"-Xmx{self.heap}", *_JVM_FLAGS,
            "-cp", self._classpath(), MAIN_CLASS,
            f"--home-dir={self.home}", f"--config-dir={self.home / 'conf'}", "--console-mode",
        ]  # fmt: skip
        console = os.fdopen(os.open(self.home / "logs" / "console.out", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600),
                            "ab")  # fmt: skip
        proc = subprocess.Popen(
            cmd,
            stdout=console,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.home,
            start_new_session=True,
            umask=UMASK,
        )
        console.close()
        _write_private(self._pid_file("neo4j"), f"{proc.pid}\n")
        return proc.pid

    def _start_guide(self, log: Callable[[str], None]) -> None:
        if self.guide_dir is None or self.guide_pid() is not None:
            return
        if _port_open(self.guide_port):
            log(f"guide port {self.guide_port} is taken; the Browser guide may not open")
            return
        cmd = [
            sys.executable, "-m", "graphfraud.neo4j.guide", str(self.guide_dir),
            "--port", str(self.guide_port),
        ]  # fmt: skip
        out = os.fdopen(os.open(self.home / "logs" / "guide.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab")
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        out.close()
        _write_private(self._pid_file("guide"), f"{proc.pid}\n")
        log(f"serving the Browser guide {self.guide_dir} at {self.guide_url}")

    def wait(self, *, timeout: float = 120.0) -> None:
        """Wait until the server answers on HTTP and Bolt.

        Raises
        ------
        Neo4jError
            The process died, or ``timeout`` seconds passed.
        """
        deadline = time.monotonic() + timeout
        try:
            pid = int(self._pid_file("neo4j").read_text().strip())
        except (FileNotFoundError, ValueError):
            raise Neo4jError(f"Neo4j is not running from {self.home}; start it first.") from None
        while time.monotonic() < deadline:
            if not Path(f"/proc/{pid}").exists() or _zombie(pid):
                raise Neo4jError(
                    "Neo4j exited during start-up; last lines of "
                    f"{self.home / 'logs' / 'console.out'}:\n{self.log_tail()}"
                )
            if self.answering():
                return
            time.sleep(0.5)
        raise Neo4jError(
            f"Neo4j did not answer at {self.uri} within {timeout:.0f} s; it is still starting "
            f"or stuck. Last log lines:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 12) -> str:
        try:
            text = (self.home / "logs" / "console.out").read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, *, timeout: float = 30.0, log: Callable[[str], None] = lambda m: None) -> bool:
        """Stop the server (SIGTERM, then wait up to ``timeout`` s) and the guide server.

        Returns
        -------
        bool
            True if a running server was stopped, False if none was running.

        Raises
        ------
        Neo4jError
            The server did not exit within ``timeout`` seconds (it is left running).
        """
        gpid = self.guide_pid()
        if gpid is not None:
            _terminate(gpid, 5.0)
            self._pid_file("guide").unlink(missing_ok=True)
        pid = self.pid()
        if pid is None:
            return False
        log(f"stopping Neo4j (pid {pid}) ...")
        if not _terminate(pid, timeout):
            raise Neo4jError(
                f"Neo4j (pid {pid}) did not stop within {timeout:.0f} s after SIGTERM; "
                f"wait and retry, or end it with `kill -9 {pid}` (unclean)."
            )
        self._pid_file("neo4j").unlink(missing_ok=True)
        log("Neo4j stopped")
        return True

    # ------------------------------------------------------------ bulk import
    def import_full(
        self,
        nodes: Sequence[tuple[str, Path]],
        relationships: Sequence[tuple[str, Path]],
        *,
        log: Callable[[str], None] = lambda m: None,
    ) -> str:
        """Replace database ``neo4j`` with ``neo4j-admin database import full`` (server stopped).

        Parameters
        ----------
        nodes : sequence of (label, csv path)
            Node files whose header uses ``:ID(Group)`` id spaces.
        relationships : sequence of (type, csv path)
            Relationship files with ``:START_ID(Group)`` and ``:END_ID(Group)``.

        Returns
        -------
        str
            The importer's output.

        Raises
        ------
        Neo4jError
            The server is running, or the importer failed.
        """
        self.install(log=log)
        if self.pid() is not None:
            raise Neo4jError(
                "The bulk importer needs the server stopped: run `graphfraud neo4j stop` first "
                "(it replaces the whole database)."
            )
        self._write_config()
        self._ensure_password(log)
        args = ["database", "import", "full"]
        args += [f"--nodes={label}={path}" for label, path in nodes]
        args += [f"--relationships={rtype}={path}" for rtype, path in relationships]
        args += ["--overwrite-destination=true", "--multiline-fields=true", DATABASE]
        done = self._admin(*args)
        out = done.stdout + done.stderr
        if done.returncode != 0 or "IMPORT DONE" not in out:
            keys = ("data source:", "in field:", "raw field value:", "original error:", "ERROR")
            lines = [ln.strip() for ln in out.splitlines() if ln.strip().startswith(keys)]
            detail = "\n".join(dict.fromkeys(lines)) or "\n".join(out.strip().splitlines()[-15:])
            raise Neo4jError(
                f"neo4j-admin database import failed (exit {done.returncode}); database "
                f"'{DATABASE}' is unusable until a load succeeds:\n{detail}"
            )
        return out


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600 (replacing its content)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def _port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM ``pid`` and wait up to ``timeout`` s; True once it is gone."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)  # reap if it is our child
        except ChildProcessError:
            pass
        if not Path(f"/proc/{pid}").exists() or _zombie(pid):
            return True
        time.sleep(0.25)
    return False
