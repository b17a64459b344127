"""The audit log: one JSON line per command that read claims data.

The data are personal health and insurance records, so every command that
reads them (``validate``, ``detect``, ``evidence``, ``load``, ``expand``,
``peers``, ``show`` when it reads claims) appends one line to a JSON-lines
file: when, who (the OS user), the command, its parameters (never a
password, secret or token), the input directory with the SHA-256 of its
files, and the SHA-256 of every output file.  Failed runs are logged too,
with ``"ok": false`` and the error's class name (never its message, which
may quote data values): a failed attempt to read data is still an access.

The file is created with mode 0600 in a directory created with mode 0700;
a path that is not a regular file (a device, a FIFO) is refused, never
chmodded.  Each line is written under an exclusive lock with one ``write``
on a file opened for appending and ``fsync``'d; a short write (disk full)
is cut off again and raises, so the log never holds a partial line.

Lines are hash-chained: each carries ``prev``, the SHA-256 of the previous
line's bytes (64 zeros for the first), so that editing or deleting a line
breaks the chain at the next one; :func:`verify_log` checks it (``graphfraud
audit verify``).  Deleting the last lines leaves a shorter valid chain: keep
the head hash that ``audit verify`` prints somewhere else to detect that.

Parameter values are redacted: a parameter named like a secret is dropped,
a nested setting named like one (``--spark-conf
spark.hadoop.fs.s3a.secret.key=...``) is written as ``***``, and the
password of a URI (``bolt://user:pw@host``) becomes ``***``.

This module imports no other graphfraud module; the CLI decides where the
log lives (``--audit-log``, ``GRAPHFRAUD_AUDIT_LOG``, :func:`default_path`).

Examples
--------
>>> import json, tempfile
>>> log = Path(tempfile.mkdtemp()) / "state" / "audit.jsonl"
>>> entry = audit_entry("detect", params={"data_dir": "d", "password": "hunter2"}, ok=True)
>>> _ = append(log, entry)
>>> line = json.loads(log.read_text())
>>> line["command"], line["params"], line["ok"], oct(log.stat().st_mode & 0o777)
('detect', {'data_dir': 'd'}, True, '0o600')
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Parameter names containing any of these words are never written (nested settings: written as ``***``).
SECRET_WORDS = ("password", "passwd", "secret", "token", "credential", "access.key", "access_key", "accesskey",
                "private")  # fmt: skip
#: The password of a URI: ``scheme://user:PASSWORD@host``.
URI_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^/@:\s]*:)[^/@\s]*(?P<tail>@)")
#: ``prev`` of the first line of a log.
GENESIS = "0" * 64

#: Input files hashed when the reader did not report hashes itself.
INPUT_SUFFIXES = (".csv", ".parquet", ".xlsx")


def default_path() -> Path:
    """``~/.local/state/graphfraud/audit.jsonl`` (the XDG state directory)."""
    return Path.home() / ".local" / "state" / "graphfraud" / "audit.jsonl"


def _secret(name: str) -> bool:
    return any(word in name.lower() for word in SECRET_WORDS)


def _redact(value: Any) -> Any:
    """A JSON-ready copy of ``value`` with URI passwords and secret-named nested settings masked."""
    if isinstance(value, str):
        return URI_PASSWORD.sub(r"\g<head>***\g<tail>", value)
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): "***" if _secret(str(k)) else _redact(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, set, frozenset)):
        return [_redact_item(v) for v in value]
    return _redact(str(value))


def _redact_item(value: Any) -> Any:
    """A list item; ``name=value`` text (``--spark-conf`` as typed) with a secret name keeps only its name."""
    if isinstance(value, str) and "=" in value and _secret(value.split("=", 1)[0]):
        return value.split("=", 1)[0] + "=***"
    return _redact(value)


def clean_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` without secrets, as JSON-ready values.

    >>> clean_params({"uri": "bolt://neo4j:hunter2@db:7687", "password": "p", "api_token": "t", "types": ("a", "b"),
    ...               "spark_conf": {"spark.hadoop.fs.s3a.secret.key": "K", "spark.executor.memory": "4g"}})
    {'uri': 'bolt://neo4j:***@db:7687', 'types': ['a', 'b'], 'spark_conf': {'spark.hadoop.fs.s3a.secret.key': '***', 'spark.executor.memory': '4g'}}
    """
    return {name: _redact(value) for name, value in params.items() if not _secret(name)}


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
        files = sorted(
            p
            for p in Path(data_dir).iterdir()
            if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES and (wanted is None or p.stem in wanted)
        )
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
    stage: str | None = None,
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
    stage : str, optional
        ``"publish"`` for the line written just before an output is put in
        place (``outputs`` then lists that output's files); the line written
        when the command ends has none.

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
    if stage is not None:
        entry["stage"] = stage
    return entry


def append(path: str | Path, entry: Mapping[str, Any]) -> str:
    """Append ``entry`` as one hash-chained JSON line to ``path`` (created 0600, parent created 0700).

    Returns
    -------
    str
        The SHA-256 of the line written (the new head of the chain).

    Raises
    ------
    OSError
        When the log cannot be created or written, is not a regular file, or
        the disk is full (the partial line is removed again).
    """
    path = Path(path).expanduser()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOCTTY | os.O_NONBLOCK, 0o600)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path} is not a regular file; give a file path for the audit log")
        os.set_blocking(fd, True)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) != 0o600:
            os.fchmod(fd, 0o600)  # a log created earlier with a looser mode is tightened
        size = os.fstat(fd).st_size
        prev = hashlib.sha256(_last_line(fd, size)).hexdigest() if size else GENESIS
        line = (json.dumps({**entry, "prev": prev}, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(28, f"only {written} of {len(line)} bytes of the audit line were written")
            os.fsync(fd)
        except OSError:
            os.ftruncate(fd, size)  # never leave a partial line
            raise
        return hashlib.sha256(line).hexdigest()
    finally:
        os.close(fd)


def _last_line(fd: int, size: int) -> bytes:
    """The last line (with its newline) of the file open as ``fd``, of ``size`` bytes."""
    block, end = 1 << 16, size
    tail = b""
    while end > 0:
        start = max(0, end - block)
        tail = os.pread(fd, end - start, start) + tail
        cut = tail.rfind(b"\n", 0, len(tail) - 1)
        if cut >= 0:
            return tail[cut + 1 :]
        end = start
    return tail


@dataclass(frozen=True)
class LogCheck:
    """The outcome of :func:`verify_log`: lines read, the chain's head hash, and its problems."""

    path: Path
    lines: int
    unchained: int
    head: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_log(path: str | Path) -> LogCheck:
    """Check every line of an audit log: complete JSON, and each ``prev`` the hash of the line before.

    Lines written before the log was chained (no ``prev``) are accepted only
    at its start, and counted in ``unchained``.

    Examples
    --------
    >>> import tempfile
    >>> log = Path(tempfile.mkdtemp()) / "audit.jsonl"
    >>> for command in ("detect", "evidence", "export"):
    ...     _ = append(log, audit_entry(command, params={}, ok=True))
    >>> verify_log(log).ok
    True
    >>> lines = log.read_bytes().splitlines(keepends=True)
    >>> _ = log.write_bytes(lines[0] + lines[2])
    >>> verify_log(log).problems
    ['line 2: its prev does not match line 1: a line was edited, deleted or inserted before it']
    """
    path = Path(path)
    prev, problems, unchained, chained, n = GENESIS, [], 0, False, 0
    with open(path, "rb") as f:
        for n, raw in enumerate(f, start=1):
            try:
                entry = json.loads(raw.decode("utf-8"))
                if not isinstance(entry, dict):
                    raise ValueError("not an object")
            except (UnicodeDecodeError, ValueError):
                problems.append(f"line {n}: not a complete JSON object (cut off or edited)")
                prev = hashlib.sha256(raw).hexdigest()
                continue
            if "prev" not in entry and not chained:
                unchained += 1
            elif entry.get("prev") != prev:
                problems.append(
                    f"line {n}: its prev does not match line {n - 1}: a line was edited, deleted or inserted before it"
                    if n > 1
                    else "line 1: its prev is not the start of a log"
                )
            chained = chained or "prev" in entry
            if not raw.endswith(b"\n"):
                problems.append(f"line {n}: has no newline (cut off)")
            prev = hashlib.sha256(raw).hexdigest()
    return LogCheck(path, n, unchained, prev, problems)
