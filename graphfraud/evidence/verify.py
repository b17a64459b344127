"""``graphfraud verify``: check a pack (folder or .zip): its signature, its manifest's shape, every file's hash.

Four questions, answered in this order:

1. Is the pack readable and well formed?  A zip with a damaged entry, two
   entries of the same name or entries outside the pack folder, a manifest
   that is not the JSON object ``graphfraud evidence`` writes (a ``files``
   table of ``{"sha256": ..., "bytes": ...}`` entries holding at least the
   report, claims and run record), all fail here.
2. Does every file match the manifest?  A changed, missing or added file is
   named.
3. Do the reasons' numbers agree with the pack's own data?  The reasons
   that compare the ring's institution with its peers (``repeat_stays``,
   ``misused_cards``) are recomputed from ``peers.csv`` and ``claims.csv``
   (:mod:`graphfraud.evidence.recompute`); a number that does not agree is named.
4. Who signed the manifest?  ``manifest.sig`` must be a valid Ed25519
   signature of the exact bytes of manifest.json by a key the verifier
   trusts (:mod:`graphfraud.evidence.sign`).  A pack without a signature
   proves integrity only, not authenticity: whoever edits a file can update
   its hash in the manifest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from graphfraud.errors import GraphfraudError
from graphfraud.evidence.manifest import FORMAT, MANIFEST, SIGNATURE
from graphfraud.evidence.recompute import recheck
from graphfraud.evidence.sign import SignatureError, check_signature
from graphfraud.io.write import file_sha256

#: Files every pack holds; a manifest without them was cut down.
REQUIRED = ("claims.csv", "members.csv", "query.cypher", "report.html", "report.pdf", "run.json")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class PackError(GraphfraudError):
    """The pack cannot be read, or is not shaped like a pack graphfraud writes."""


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
    signed_by : str or None
        Fingerprint of the key whose valid signature the pack carries; None when unsigned.
    signature_problem : str or None
        Why the signature failed (altered manifest or signature file); None otherwise.
    trusted : bool
        Whether ``signed_by`` is one of the trusted fingerprints given to :func:`verify_pack`.
    recomputed : int
        Reasons recomputed from the pack's data (:mod:`graphfraud.evidence.recompute`).
    mismatches : list of str
        One line per number of those reasons that the pack's data does not give (Chinese first).
    """

    path: Path
    ring_id: str
    checked: int
    problems: list[str]
    signed_by: str | None = None
    signature_problem: str | None = None
    trusted: bool = False
    recomputed: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every file matches, the recomputed reasons agree and the signature, if any, is valid (integrity)."""
        return not self.problems and not self.mismatches and self.signature_problem is None

    @property
    def authentic(self) -> bool:
        """Intact and signed by a trusted key."""
        return self.ok and self.signed_by is not None and self.trusted


def verify_pack(path: str | Path, *, trusted: Iterable[str] = ()) -> Verification:
    """Check the shape, the file hashes and the signature of a pack folder or .zip.

    Parameters
    ----------
    path : str or Path
    trusted : iterable of str
        Fingerprints (:func:`graphfraud.evidence.sign.fingerprint`) of the keys
        whose signature makes a pack authentic.

    Raises
    ------
    PackError
        ``path`` is neither a pack folder nor a readable pack .zip, or its
        manifest is missing or not shaped like one graphfraud writes.
    """
    path = Path(path)
    if path.is_dir():
        files = {p.relative_to(path).as_posix(): p for p in path.rglob("*") if p.is_file()}
        raw = files[MANIFEST].read_bytes() if MANIFEST in files else None
        sig = files[SIGNATURE].read_bytes() if SIGNATURE in files else None
        hashes = {n: (lambda p=p: file_sha256(p)) for n, p in files.items()}
        contents = {n: files[n].read_bytes() for n in _RECOMPUTE_INPUTS if n in files}
    elif path.is_file() and zipfile.is_zipfile(path):
        raw, sig, hashes, contents = _read_zip(path)
    else:
        raise PackError(f"{path}: not an evidence pack folder or .zip (or a .zip damaged beyond reading)")
    manifest = _manifest(path, raw)
    found = _check(path, manifest, raw or b"", sig, hashes, set(trusted))
    recomputed, mismatches = recheck(contents.get)
    return dataclasses.replace(found, recomputed=recomputed, mismatches=mismatches)


#: The files :func:`graphfraud.evidence.recompute.recheck` reads.
_RECOMPUTE_INPUTS = ("reasons.csv", "peers.csv", "run.json", "claims.csv")


def _read_zip(path: Path) -> tuple[bytes | None, bytes | None, dict[str, Callable[[], str]], dict[str, bytes]]:
    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if not n.endswith("/")]
            duplicates = sorted({n for n in names if names.count(n) > 1})
            if duplicates:
                raise PackError(f"{path}: holds {len(duplicates)} name(s) twice ({duplicates[0]}); a pack zip never "
                                "does: entries were appended after it was made")  # fmt: skip
            tops = {n.split("/", 1)[0] for n in names}
            if len(tops) != 1 or not all("/" in n for n in names):
                raise PackError(f"{path}: entries are not all in one pack folder ({', '.join(sorted(tops)[:3])})")
            prefix = f"{tops.pop()}/"
            files = {n[len(prefix) :]: n for n in names}
            raw = z.read(files[MANIFEST]) if MANIFEST in files else None
            sig = z.read(files[SIGNATURE]) if SIGNATURE in files else None
            hashes = {n: hashlib.sha256(z.read(full)).hexdigest() for n, full in files.items()}
            contents = {n: z.read(files[n]) for n in _RECOMPUTE_INPUTS if n in files}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise PackError(f"{path}: the zip is damaged ({exc}); get the pack again from its sender") from None
    return raw, sig, {n: (lambda h=h: h) for n, h in hashes.items()}, contents


def _manifest(path: Path, raw: bytes | None) -> dict:
    where = f"{path}/{MANIFEST}"
    if raw is None:
        raise PackError(f"{path}: no {MANIFEST}; is this an evidence pack made by `graphfraud evidence`?")
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackError(f"{where}: not valid JSON ({exc}); the manifest itself was altered") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackError(f"{where}: not a manifest of format {FORMAT}; the manifest itself was altered")
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise PackError(f"{where}: its 'files' table is missing or empty; the manifest itself was altered")
    for name, entry in files.items():
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or name in (MANIFEST, SIGNATURE):
            raise PackError(f"{where}: lists {name!r}, which no pack holds; the manifest itself was altered")
        if not (isinstance(entry, dict) and isinstance(entry.get("sha256"), str) and _SHA256.fullmatch(entry["sha256"])
                and isinstance(entry.get("bytes"), int)):  # fmt: skip
            raise PackError(f"{where}: the entry of {name} is not {{\"sha256\": 64 hex digits, \"bytes\": n}} "
                            f"(got {str(entry)[:60]!r}); the manifest itself was altered")  # fmt: skip
    missing = [n for n in REQUIRED if n not in files]
    if missing:
        raise PackError(f"{where}: does not list {', '.join(missing)}, which every pack holds; files were removed "
                        "from the pack and from the manifest")  # fmt: skip
    if not isinstance(manifest.get("masked"), bool) or not isinstance(manifest.get("ring_id"), str):
        raise PackError(f"{where}: 'masked' or 'ring_id' is missing or of the wrong type; the manifest was altered")
    return manifest


def _check(path: Path, manifest: dict, raw: bytes, sig: bytes | None, present: dict, trusted: set[str]) -> Verification:
    problems = []
    for name, entry in sorted(manifest["files"].items()):
        if name not in present:
            problems.append(f"{name}: missing (listed in {MANIFEST})")
            continue
        got = present[name]()
        if got != entry["sha256"]:
            problems.append(f"{name}: changed (sha256 {got} != {entry['sha256']} in {MANIFEST})")
    for name in sorted(set(present) - set(manifest["files"]) - {MANIFEST, SIGNATURE}):
        problems.append(f"{name}: not listed in {MANIFEST} (added after the pack was made)")
    signed_by = problem = None
    if sig is not None:
        try:
            signed_by = check_signature(raw, sig)
        except SignatureError as exc:
            problem = str(exc)
        else:
            if manifest.get("signed_by") not in (None, signed_by):
                problem = f"{MANIFEST} names signer {manifest['signed_by']} but {SIGNATURE} was made by {signed_by}"
    elif manifest.get("signed_by"):
        problem = f"{MANIFEST} says it was signed by {manifest['signed_by']}, but {SIGNATURE} is missing (removed)"
    return Verification(path, manifest["ring_id"], len(manifest["files"]), problems, signed_by, problem,
                        signed_by is not None and signed_by in trusted)  # fmt: skip
