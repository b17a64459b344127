"""Where the Neo4j password comes from (issue 8), and clear errors when there is none or no server.

NEO4J_PASSWORD, else (without --uri) the bundled server's password file, else a
hidden prompt when stdin is a terminal; otherwise a usage error naming
NEO4J_PASSWORD.  No server is needed here: a closed port stands for a server
that is down.  ``test_server_live.py`` checks a prompted password against a
real server.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.cli import neo4j as neo4j_cli

ROOT = Path(__file__).resolve().parents[2]
WORLD = str(Path(__file__).parent / "data" / "world")
DOWN = "bolt://127.0.0.1:1"  # nothing listens on port 1
NO_ENV = {"NEO4J_PASSWORD": None, "NEO4J_URI": None, "NEO4J_USER": None}

COMMANDS = {
    "query": ["neo4j", "query", "RETURN 1"],
    "load": ["load", WORLD, "-q"],
    "case": ["case", "R0001"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_password_and_no_terminal_is_a_usage_error_naming_the_variable(name: str, tmp_path: Path) -> None:
    args = ["--audit-log", str(tmp_path / "audit.jsonl"), *COMMANDS[name], "--uri", DOWN]
    result = CliRunner().invoke(main, args, env=NO_ENV)
    assert result.exit_code == 2, result.output
    assert "No Neo4j password for user 'neo4j' at bolt://127.0.0.1:1: set NEO4J_PASSWORD" in result.output
    assert "Traceback" not in result.output


def test_a_terminal_gets_a_hidden_prompt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(neo4j_cli, "_stdin_is_terminal", lambda: True)
    result = CliRunner().invoke(main, ["neo4j", "query", "RETURN 1", "--uri", DOWN], env=NO_ENV,
                                input="typed-Secret-9\n")  # fmt: skip
    assert "Neo4j password for user 'neo4j' at bolt://127.0.0.1:1:" in result.stderr
    assert "typed-Secret-9" not in result.output  # hidden: not echoed
    assert result.exit_code == 1 and "Neo4j is not answering at bolt://127.0.0.1:1" in result.output


def test_the_environment_wins_over_the_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neo4j_cli, "_stdin_is_terminal", lambda: True)
    result = CliRunner().invoke(main, ["neo4j", "query", "RETURN 1", "--uri", DOWN], env={"NEO4J_PASSWORD": "x"})
    assert "password for user" not in result.output
    assert result.exit_code == 1 and "not answering" in result.output


def test_a_password_flag_still_works_but_warns() -> None:
    result = CliRunner().invoke(main, ["neo4j", "query", "RETURN 1", "--uri", DOWN, "--password", "x"], env=NO_ENV)
    assert "warning: --password shows the password in `ps`" in result.stderr
    assert result.exit_code == 1


@pytest.mark.parametrize("args", [["load"], ["case"], ["neo4j", "query"]])
def test_help_offers_no_password_flag(args: list[str]) -> None:
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0
    assert "--password" not in result.output and "NEO4J_PASSWORD" in result.output


def test_no_example_puts_a_password_on_the_command_line() -> None:
    cli = sorted((ROOT / "graphfraud" / "cli").glob("*.py"))
    assert len(cli) > 1, "the CLI package's modules were not found"
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *cli]
    flagged = [f"{p.name}: {line.strip()}" for p in files for line in p.read_text(encoding="utf-8").splitlines()
               if re.search(r"graphfraud\s.*--password\b", line)]  # fmt: skip
    assert flagged == []


def test_load_on_a_server_that_is_down_fails_fast_on_one_line(tmp_path: Path) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(main, ["--audit-log", str(tmp_path / "a.jsonl"), "load", WORLD, "--uri", DOWN],
                                env={"NEO4J_PASSWORD": "x"})  # fmt: skip
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith("Error: Neo4j is not answering at bolt://127.0.0.1:1")
    assert "graphfraud neo4j start" in lines[0]
    assert time.monotonic() - started < 15
