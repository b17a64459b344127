"""Every output is private to its user (issue 15): commands run under umask 077, whatever the shell's umask.

The outputs hold personal data (ids, phones, addresses in --unmask packs and exports).
Under a shell umask of 022 every folder a command makes must still be 0700 and every file 0600:
detect --out (and its parents), --by-region --work, evidence --dest, export (xlsx and csv), synth.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from click.testing import CliRunner

from graphfraud.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def invoke(*args: str) -> None:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output


def loose(root: Path) -> list[str]:
    """Paths under ``root`` (itself included) that the group or others may read, write or enter."""
    paths = [root, *root.rglob("*")]
    return [
        f"{p.relative_to(root.parent)} {stat.filemode(p.lstat().st_mode)}"
        for p in paths
        if stat.S_IMODE(p.lstat().st_mode) & 0o077
    ]


def test_every_output_is_private_under_a_loose_shell_umask(tmp_path: Path, pack_key_file: Path) -> None:
    previous = os.umask(0o022)
    try:
        invoke("synth", str(tmp_path / "synth" / "world"), "--persons", "300", "--days", "30", "-q")
        out = tmp_path / "runs" / "sample"
        invoke("detect", str(SAMPLE), "--out", str(out), "-q")
        invoke(
            "detect",
            str(SAMPLE),
            "--by-region",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(tmp_path / "regional"),
            "-q",
        )
        invoke(
            "evidence",
            str(out),
            "--top",
            "1",
            "--dest",
            str(tmp_path / "evidence"),
            "--key-file",
            str(pack_key_file),
            "-q",
        )
        invoke(
            "evidence",
            str(out),
            "--top",
            "1",
            "--dest",
            str(tmp_path / "evidence-unmasked"),
            "--unmask",
            "--key-file",
            str(pack_key_file),
            "-q",
        )
        invoke("export", str(out), "-q")
        invoke("export", str(out), "--format", "csv", "--dest", str(tmp_path / "export" / "csv"), "-q")
        invoke("export", str(out), "--unmask", "--dest", str(tmp_path / "export" / "unmasked.xlsx"), "-q")
        assert os.umask(0o022) == 0o022  # the shell's umask is back after each command
    finally:
        os.umask(previous)
    made = ["synth", "runs", "work", "regional", "evidence", "evidence-unmasked", "export"]
    for name in made:
        assert (tmp_path / name).exists(), name
        assert loose(tmp_path / name) == [], name
    assert (out / "rings.xlsx").is_file() and any((tmp_path / "evidence").glob("*.zip"))
    assert stat.S_IMODE((out / "rings.csv").stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
