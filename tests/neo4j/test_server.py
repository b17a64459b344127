"""The bundled server's pieces that need no running Neo4j: config, guide server, CLI help, tables."""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.errors import Neo4jError
from graphfraud.neo4j.guide import make_server
from graphfraud.neo4j.queries import Result, format_table
from graphfraud.neo4j.server import BundledServer


def test_config_is_loopback_with_auth_and_guide(tmp_path: Path) -> None:
    server = BundledServer(tmp_path, bolt_port=7688, http_port=7475, guide_dir=tmp_path / "guide")
    conf = server.config_lines()
    assert "server.default_listen_address=127.0.0.1" in conf
    assert "server.bolt.listen_address=127.0.0.1:7688" in conf
    assert "server.http.listen_address=127.0.0.1:7475" in conf
    assert "dbms.security.auth_enabled=true" in conf
    # issue 16: the Chinese guide opens on connect, the style sheet is not printed as a frame on every
    # connect (the guide's first step loads it once), and Browser's usage telemetry is off
    assert "browser.post_connect_cmd=play http://localhost:8099/guide/index.html" in conf
    assert "client.allow_telemetry=false" in conf
    english = BundledServer(tmp_path, guide_dir=tmp_path / "guide", guide_lang="en")
    assert "browser.post_connect_cmd=play http://localhost:8099/guide/en.html" in english.config_lines()
    assert server.uri == "bolt://127.0.0.1:7688"
    assert server.browser_url == "http://127.0.0.1:7475/browser/"


def test_no_guide_no_post_connect_cmd(tmp_path: Path) -> None:
    conf = BundledServer(tmp_path).config_lines()
    assert not [line for line in conf if line.startswith("browser.post_connect_cmd")]


def test_status_of_a_fresh_home(tmp_path: Path) -> None:
    status = BundledServer(tmp_path / "h").status()
    assert (status.installed, status.running, status.pid) == (False, False, None)
    assert "state: stopped" in status.lines()


def test_password_missing_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(Neo4jError, match="No stored Neo4j password"):
        BundledServer(tmp_path).password()


def test_stop_when_not_running(tmp_path: Path) -> None:
    assert BundledServer(tmp_path).stop() is False


def test_import_needs_install_tools(tmp_path: Path) -> None:
    server = BundledServer(tmp_path, mvn="no-such-mvn-here")
    with pytest.raises(Neo4jError, match="Maven"):
        server.install()


def test_guide_server_answers_cors_preflight(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<article class='guide'></article>")
    httpd = make_server(tmp_path, 0)
    port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        req = urllib.request.Request(f"http://127.0.0.1:{port}/index.html", method="OPTIONS")
        with urllib.request.urlopen(req) as resp:
            assert resp.status == 204
            assert resp.headers["Access-Control-Allow-Origin"] == "*"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html") as resp:
            assert resp.headers["Access-Control-Allow-Origin"] == "*"
            assert b"guide" in resp.read()
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_table_last_line_is_last_row() -> None:
    lines = format_table(Result(("ring_id", "alert"), (("R1", "red"), ("R2", "yellow"))))
    assert lines[0].split() == ["ring_id", "|", "alert"]
    assert lines[-1].split() == ["R2", "|", "yellow"]


@pytest.mark.parametrize("cmd", ["install", "start", "stop", "status", "query"])
def test_neo4j_commands_have_help_with_example(cmd: str) -> None:
    result = CliRunner().invoke(main, ["neo4j", cmd, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_query_on_dead_server_is_clear(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["neo4j", "query", "RETURN 1", "--uri", "bolt://127.0.0.1:1"], env={"NEO4J_PASSWORD": "x"}
    )
    assert result.exit_code == 1
    assert "Neo4j is not answering at bolt://127.0.0.1:1" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_query_rejects_bad_param(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["neo4j", "query", "RETURN 1", "-p", "novalue"])
    assert result.exit_code == 2
    assert "NAME=VALUE" in result.output


def test_store_logs_and_auth_files_are_made_private(tmp_path: Path) -> None:
    """Issue 15: a home made with the old 0644/0755 modes is tightened; symlinks are not followed."""
    import os
    import stat

    home = tmp_path / "neo4j"
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours")
    outside.chmod(0o644)
    files = ["data/dbms/auth.ini", "data/databases/neo4j/neostore", "data/transactions/neo4j/neostore.transaction.db.0",
             "logs/debug.log", "logs/console.out", "conf/neo4j.conf", "password"]  # fmt: skip
    for name in files:
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_text("x")
        (home / name).chmod(0o644)
    for folder in (home, home / "data", home / "data" / "dbms", home / "logs"):
        folder.chmod(0o755)
    os.symlink(outside, home / "logs" / "link.log")
    server = BundledServer(home)
    server._write_config()
    for name in files:
        assert stat.S_IMODE((home / name).stat().st_mode) == 0o600, name
    for folder in (
        home,
        home / "data",
        home / "data" / "dbms",
        home / "data" / "transactions" / "neo4j",
        home / "logs",
    ):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644
    assert server.tighten() == 0


def test_server_and_admin_processes_run_with_umask_077(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from graphfraud.neo4j import server as module

    seen: list[int | None] = []

    class Done:
        returncode, stdout, stderr, pid = 0, "", "", 4242

    def fake(*args, **kwargs):
        seen.append(kwargs.get("umask"))
        return Done()

    monkeypatch.setattr(subprocess, "run", fake)
    monkeypatch.setattr(subprocess, "Popen", fake)
    server = BundledServer(tmp_path / "h", java="java")
    server._write_config()
    server._admin("dbms", "set-initial-password", "x")
    server._spawn_server()
    assert seen == [module.UMASK, module.UMASK] == [0o077, 0o077]
    assert stat_mode(tmp_path / "h" / "logs" / "console.out") == 0o600
    assert stat_mode(tmp_path / "h" / "run" / "neo4j.pid") == 0o600


def stat_mode(path: Path) -> int:
    import stat

    return stat.S_IMODE(path.stat().st_mode)
