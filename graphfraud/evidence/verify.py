"""``graphfraud verify``: re-hash a pack (folder or .zip) against its manifest.json."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from graphfraud.errors import GraphfraudError
from graphfraud.evidence.manifest import MANIFEST
from graphfraud.io.write import file_sha256


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify_pack`.

    Attributes
    ----------
    path : Path
    ring_id : str
    checked : int
        Files listed in the manifest.
    problems : list of str
        One line per changed, missing or unlisted file, naming the file; empty when intact.
    """

    path: Path
    ring_id: str
    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_pack(path: str | Path) -> Verification:
    """Re-hash every file of a pack folder or .zip and compare with its manifest.json.

    Raises
    ------
    GraphfraudError
        ``path`` is neither a pack folder nor a pack .zip, or has no readable manifest.json.
    """
    path = Path(path)
    if path.is_dir():
        files = {p.relative_to(path).as_posix(): p for p in path.rglob("*") if p.is_file()}
        return _check(path, _manifest(path, files.get(MANIFEST) and files[MANIFEST].read_bytes()),
                      {n: (lambda p=p: file_sha256(p)) for n, p in files.items()})  # fmt: skip
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if not n.endswith("/")]
            tops = {n.split("/", 1)[0] for n in names}
            prefix = f"{tops.pop()}/" if len(tops) == 1 and all("/" in n for n in names) else ""
            files = {n[len(prefix):]: n for n in names}
            raw = z.read(files[MANIFEST]) if MANIFEST in files else None
            hashes = {n: hashlib.sha256(z.read(full)).hexdigest() for n, full in files.items()}
        return _check(path, _manifest(path, raw), {n: (lambda h=h: h) for n, h in hashes.items()})
    raise GraphfraudError(f"{path}: not an evidence pack folder or .zip")


def _manifest(path: Path, raw: bytes | None) -> dict:
    if raw is None:
        raise GraphfraudError(f"{path}: no {MANIFEST}; is this an evidence pack made by `graphfraud evidence`?")
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GraphfraudError(f"{path}/{MANIFEST}: not valid JSON ({exc}); the manifest itself was altered") from None
    if not isinstance(manifest.get("files"), dict):
        raise GraphfraudError(f"{path}/{MANIFEST}: has no 'files' table; the manifest itself was altered")
    return manifest


def _check(path: Path, manifest: dict, present: dict) -> Verification:
    problems = []
    for name, entry in sorted(manifest["files"].items()):
        if name not in present:
            problems.append(f"{name}: missing (listed in {MANIFEST})")
            continue
        got = present[name]()
        if got != entry.get("sha256"):
            problems.append(f"{name}: changed (sha256 {got} != {entry.get('sha256')} in {MANIFEST})")
    for name in sorted(set(present) - set(manifest["files"]) - {MANIFEST}):
        problems.append(f"{name}: not listed in {MANIFEST} (added after the pack was made)")
    return Verification(path, str(manifest.get("ring_id", "")), len(manifest["files"]), problems)
