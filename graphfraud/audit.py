"""The audit log: one JSON line per command that read claims data.

The data are personal health and insurance records, so every command that
reads them (``validate``, ``detect``, ``evidence``, ``load``, ``expand``,
``peers``, ``show`` when it reads claims) appends one line to a JSON-lines
file: when, who (the OS user), the command, its parameters (never a
password, secret or token), the input directory with the SHA-256 of its
files, and the SHA-256 of every output file.  Failed runs are logged too,
with ``"ok": false`` and the error's class name (never its message, which
may quote data values): a failed attempt to read data is still an access.

The file is created with mode 0600 in a directory created with mode 0700,
and each line is written with one ``write`` on a file opened for appending,
so concurrent commands never interleave lines.

This module imports no other graphfraud module; the CLI decides where the
log lives (``--audit-log``, ``GRAPHFRAUD_AUDIT_LOG``, :func:`default_path`).

Examples
--------
>>> import json, tempfile
>>> log = Path(tempfile.mkdtemp()) / "state" / "audit.jsonl"
>>> entry = audit_entry("detect", params={"data_dir": "d", "password": "hunter2"}, ok=True)
>>> append(log, entry)
>>> line = json.loads(log.read_text())
>>> line["command"], line["params"], line["ok"], oct(log.stat().st_mode & 0o777)
('detect', {'data_dir': 'd'}, True, '0o600')
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

#: Parameter names containing any of these words are never written.
SECRET_WORDS = ("password", "secret", "token")

#: Input files hashed when the reader did not report hashes itself.
INPUT_SUFFIXES = (".csv", ".parquet", ".xlsx")


def default_path() -> Path:
    """``~/.local/state/graphfraud/audit.jsonl`` (the XDG state directory)."""
    return Path.home() / ".local" / "state" / "graphfraud" / "audit.jsonl"


def clean_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` without secrets, as JSON-ready values.

    >>> clean_params({"uri": "bolt://x", "password": "p", "api_token": "t", "types": ("a", "b")})
    {'uri': 'bolt://x', 'types': ['a', 'b']}
    """
    clean: dict[str, Any] = {}
    for name, value in params.items():
        if any(word in name.lower() for word in SECRET_WORDS):
            continue
        if isinstance(value, (tuple, list, set, frozenset)):
            value = [v if isinstance(v, (str, int, float, bool)) or v is None else str(v) for v in value]
        elif not (isinstance(value, (str, int, float, bool)) or value is None):
            value = str(value)
        clean[name] = value
    return clean


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def input_hashes(data_dir: str | Path, *, tables: Iterable[str] | None = None) -> dict[str, str]:
    """SHA-256 of the table files (``.csv``, ``.parquet``, ``.xlsx``) directly in ``data_dir``.

    Used when the command did not report the hashes its reader computed;
    ``tables`` limits the files to those names (``claims`` for ``claims.csv``).
    An unreadable or absent directory gives ``{}``.
    """
    wanted = None if tables is None else set(tables)
    try:
        files = sorted(p for p in Path(data_dir).iterdir() if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                       and (wanted is None or p.stem in wanted))
        return {p.name: _sha256(p) for p in files}
    except OSError:
        return {}


def output_hashes(paths: Iterable[str | Path | None], *, since: float) -> dict[str, str]:
    """SHA-256 of the output files written at or after ``since`` (a ``time.time()``).

    Parameters
    ----------
    paths : iterable of str or Path or None
        Output files or directories (searched recursively); ``None`` and
        absent paths are skipped.
    since : float
        Start of the command, seconds since the epoch.  Files in an output
        directory older than this (earlier packs in an evidence ``--dest``)
        are not this command's outputs and are left out.

    Returns
    -------
    dict
        ``{path as given joined with the file's relative path: sha256}``, sorted.
    """
    found: dict[str, str] = {}
    for path in paths:
        if path is None:
            continue
        root = Path(path)
        if root.is_file():
            found[str(root)] = _sha256(root)
        elif root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.is_file() and p.stat().st_mtime >= since:
                    found[str(p)] = _sha256(p)
    return dict(sorted(found.items()))


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return f"uid:{os.getuid()}"


def audit_entry(
    command: str,
    *,
    params: Mapping[str, Any],
    ok: bool,
    input_dir: str | None = None,
    inputs: Mapping[str, str] | None = None,
    outputs: Mapping[str, str] | None = None,
    error: str | None = None,
    started: dt.datetime | None = None,
) -> dict[str, Any]:
    """One audit record.

    Parameters
    ----------
    command : str
        The command as typed, e.g. ``"graphfraud detect"``.
    params : mapping
        The command's parameters; secrets are dropped (:func:`clean_params`).
    ok : bool
        Whether the command finished without error.
    input_dir : str, optional
        The claims directory read (made absolute).
    inputs : mapping, optional
        ``{file name: sha256}`` of the files read.
    outputs : mapping, optional
        ``{path: sha256}`` of the files written.
    error : str, optional
        The error's class name when ``ok`` is false.
    started : datetime, optional
        When the command started (default: now), with its time zone.

    Returns
    -------
    dict
        Keys ``time``, ``user``, ``pid``, ``command``, ``params``, ``input_dir``,
        ``inputs``, ``outputs``, ``ok`` and, for failures, ``error``.
    """
    when = (started or dt.datetime.now(dt.timezone.utc)).astimezone()
    entry: dict[str, Any] = {
        "time": when.isoformat(timespec="seconds"),
        "user": _user(),
        "pid": os.getpid(),
        "command": command,
        "params": clean_params(params),
        "input_dir": os.path.abspath(input_dir) if input_dir else None,
        "inputs": dict(inputs or {}),
        "outputs": dict(outputs or {}),
        "ok": ok,
    }
    if error is not None:
        entry["error"] = error
    return entry


def append(path: str | Path, entry: Mapping[str, Any]) -> None:
    """Append ``entry`` as one JSON line to ``path`` (created 0600, parent created 0700).

    Raises
    ------
    OSError
        When the log cannot be created or written.
    """
    path = Path(path).expanduser()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_uid == os.getuid():
            os.fchmod(fd, 0o600)  # a log created earlier with a looser mode is tightened
        os.write(fd, line)
    finally:
        os.close(fd)
