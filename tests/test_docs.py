"""Every command has help with an example and is documented in the README (style.md: docs tested)."""

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from graphfraud.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        out.append(prefix + (name,))
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, prefix + (name,)))
    return out


@pytest.mark.parametrize("path", _commands(main), ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    cmd = main
    for name in path:
        cmd = cmd.commands[name]
    if not isinstance(cmd, click.Group):
        assert "Example" in result.output, f"graphfraud {' '.join(path)} --help has no example"


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_is_in_the_readme(name):
    assert f"graphfraud {name}" in README or f"`{name}`" in README, name


def test_readme_has_exactly_two_start_commands():
    start = README.split("## Start here", 1)[1].split("\n## ", 1)[0]
    blocks = start.split("```sh")[1:]
    assert len(blocks) == 2
    assert "graphfraud detect data/sample" in blocks[0]
    assert "bash .ci/run" in blocks[1]
