"""The bundled (or configured) server, live: status, query, read-only, wrong password."""

from __future__ import annotations

import os
import stat
from typing import Any

import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.cli import neo4j as neo4j_cli

pytestmark = pytest.mark.neo4j


def test_status_reports_running(neo4j_conn: Any) -> None:
    if neo4j_conn.server is None:
        pytest.skip("an external server (NEO4J_URI) is in use")
    result = CliRunner().invoke(main, ["neo4j", "status", "--home", str(neo4j_conn.server.home)])
    assert result.exit_code == 0, result.output
    assert "state: running" in result.output
    assert "browser: http://127.0.0.1:7474/browser/" in result.output


def test_password_file_is_private(neo4j_conn: Any) -> None:
    if neo4j_conn.server is None:
        pytest.skip("an external server (NEO4J_URI) is in use")
    mode = stat.S_IMODE(os.stat(neo4j_conn.server.password_file).st_mode)
    assert mode == 0o600


def test_query_prints_table_last_line_last_row(neo4j_conn: Any) -> None:
    result = CliRunner().invoke(
        main,
        ["neo4j", "query", "UNWIND range(1, $n) AS i RETURN i, 'x' + i AS name", "-p", "n=3"],
        env=neo4j_conn.env,
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].split() == ["i", "|", "name"]
    assert lines[-1].split() == ["3", "|", "x3"]


def test_query_uses_bundled_password_without_env(neo4j_conn: Any) -> None:
    if neo4j_conn.server is None:
        pytest.skip("an external server (NEO4J_URI) is in use")
    env = {"NEO4J_URI": None, "NEO4J_PASSWORD": None, "NEO4J_USER": None}
    args = ["neo4j", "query", "RETURN 1 AS one", "--home", str(neo4j_conn.server.home)]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].strip() == "1"


def test_query_refuses_writes(neo4j_conn: Any) -> None:
    result = CliRunner().invoke(main, ["neo4j", "query", "CREATE (n:Intruder) RETURN n"], env=neo4j_conn.env)
    assert result.exit_code == 1
    assert "read-only" in result.output
    assert "Traceback" not in result.output


def test_wrong_password_is_a_clear_error(neo4j_conn: Any) -> None:
    if neo4j_conn.password is None:
        pytest.skip("the server runs without authentication")
    env = dict(neo4j_conn.env, NEO4J_PASSWORD="definitely-wrong")
    result = CliRunner().invoke(main, ["neo4j", "query", "RETURN 1"], env=env)
    assert result.exit_code == 1
    assert "wrong password" in result.output
    assert "Traceback" not in result.output


def test_syntax_error_is_a_clear_error(neo4j_conn: Any) -> None:
    result = CliRunner().invoke(main, ["neo4j", "query", "RETURN 1 +"], env=neo4j_conn.env)
    assert result.exit_code == 1
    assert "SyntaxError" in result.output


def test_prompted_password_is_used(neo4j_conn: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    if neo4j_conn.password is None:
        pytest.skip("the server runs without authentication")
    monkeypatch.setattr(neo4j_cli, "_stdin_is_terminal", lambda: True)  # CliRunner's stdin is not a terminal
    env = dict(neo4j_conn.env, NEO4J_PASSWORD=None)
    args = ["neo4j", "query", "RETURN 41 + 1 AS answer"]
    result = CliRunner().invoke(main, args, env=env, input=neo4j_conn.password + "\n")
    assert result.exit_code == 0, result.output
    assert "password for user 'neo4j'" in result.stderr and neo4j_conn.password not in result.output
    assert result.stdout.strip().splitlines()[-1].strip() == "42"
    wrong = CliRunner().invoke(main, args, env=env, input="not-the-password\n")
    assert wrong.exit_code == 1 and "wrong password" in wrong.output and "Traceback" not in wrong.output
