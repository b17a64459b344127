"""Options that several commands share are the same options (one decorator each)."""

from __future__ import annotations

import click

from graphfraud.cli import main

#: Every command that reads a claims directory (issue 16: `load` lacked the reading options).
READERS = ("validate", "detect", "load", "expand", "peers", "show", "evidence")


def _option(command: click.Command, name: str) -> click.Option:
    found = [p for p in command.params if isinstance(p, click.Option) and p.name == name]
    assert found, f"`graphfraud {command.name}` has no --{name}"
    return found[0]


def test_every_reader_takes_the_same_reading_options() -> None:
    reference = main.commands["detect"]
    for name in READERS:
        command = main.commands[name]
        for option in ("mapping", "lenient", "max_skipped", "encoding"):
            mine, theirs = _option(command, option), _option(reference, option)
            assert (mine.opts, mine.help, mine.default, mine.is_flag) == (
                theirs.opts,
                theirs.help,
                theirs.default,
                theirs.is_flag,
            ), (name, option)
