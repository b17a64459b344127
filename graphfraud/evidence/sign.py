"""Ed25519 signatures of evidence packs: the bureau's key signs manifest.json, anyone with its public key checks it.

A pack's ``manifest.json`` lists the SHA-256 of every other file and the
pack's metadata (ring, masking, inputs, versions).  ``manifest.sig`` holds an
Ed25519 signature of the exact bytes of ``manifest.json``, the signer's public
key and its fingerprint.  Whoever edits a file must update the manifest, and
whoever updates the manifest breaks the signature unless they hold the
bureau's private key.  The public key that ``verify`` trusts comes from the
verifier (``--key``, or the keys in the trusted-keys folder), never from the
pack itself: a forger can sign with a key of their own, but its fingerprint
is not the bureau's.

The private key is a PEM file (PKCS#8, unencrypted) of mode 0600 in a folder
of mode 0700; :func:`init_key` makes it, :func:`load_private_key` reads it
and refuses a key file that others can read.

Examples
--------
>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> key = init_key(d / "keys" / "evidence_ed25519.pem")
>>> oct((d / "keys" / "evidence_ed25519.pem").stat().st_mode & 0o777), oct((d / "keys").stat().st_mode & 0o777)
('0o600', '0o700')
>>> sig = sign_manifest(b'{"files": {}}', load_private_key(key))
>>> check_signature(b'{"files": {}}', sig) == fingerprint(load_public_key(key.with_suffix(".pub.pem")))
True
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from graphfraud.errors import GraphfraudError
from graphfraud.evidence.manifest import SIGNATURE

ALGORITHM = "Ed25519"
KEY_NAME = "evidence_ed25519.pem"


class SignatureError(GraphfraudError):
    """A key cannot be read, or a signature does not match."""


def default_key_path() -> Path:
    """``~/.config/graphfraud/keys/evidence_ed25519.pem`` (the CLI also reads GRAPHFRAUD_PACK_KEY)."""
    return Path.home() / ".config" / "graphfraud" / "keys" / KEY_NAME


def public_path(private: Path) -> Path:
    """The public key file next to a private key: ``x.pem`` -> ``x.pub.pem``."""
    return private.with_suffix(".pub.pem")


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, first 16 bytes as 8 groups of 4 hex digits (read aloud over the phone)."""
    digest = hashlib.sha256(_raw(public)).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def init_key(path: str | Path) -> Path:
    """Make a new key pair: ``path`` (private, 0600) and ``public_path(path)``; refuses to overwrite a key."""
    path = Path(path)
    if path.exists():
        raise SignatureError(f"{path} already exists; a bureau keeps one key (delete it yourself to replace it)")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())  # fmt: skip
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    public_path(path).write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return path


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in ``path``; refuses a file that the group or others may read."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except OSError as exc:
        raise SignatureError(f"cannot read the signing key {path}: {exc.strerror}; make one with "
                             "`graphfraud keys init`") from None  # fmt: skip
    if stat.S_IMODE(mode) & 0o077:
        raise SignatureError(f"the signing key {path} is readable by others (mode {oct(stat.S_IMODE(mode))}); "
                             f"run `chmod 600 {path}`")  # fmt: skip
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SignatureError(f"{path} is not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SignatureError(f"{path} is not an Ed25519 key")
    return key


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """The Ed25519 public key in a PEM file (a private key file gives its public half)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SignatureError(f"cannot read the public key {path}: {exc.strerror}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            key = serialization.load_pem_private_key(data, password=None).public_key()
        except (ValueError, TypeError):
            raise SignatureError(f"{path} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SignatureError(f"{path} is not an Ed25519 key")
    return key


def sign_manifest(manifest: bytes, key: Ed25519PrivateKey) -> bytes:
    """The content of manifest.sig for the exact bytes of manifest.json."""
    public = key.public_key()
    record = {
        "algorithm": ALGORITHM,
        "signed": "the exact bytes of manifest.json",
        "public_key": base64.b64encode(_raw(public)).decode("ascii"),
        "fingerprint": fingerprint(public),
        "signature": base64.b64encode(key.sign(manifest)).decode("ascii"),
    }
    return (json.dumps(record, indent=2) + "\n").encode("utf-8")


def check_signature(manifest: bytes, sig: bytes) -> str:
    """The fingerprint of the key that signed ``manifest``, if ``sig`` (manifest.sig) is a valid signature of it.

    This proves only that the holder of *that* key signed; whether the key is
    the bureau's is for the caller to decide (compare fingerprints).

    Raises
    ------
    SignatureError
        ``sig`` is malformed, or the signature does not match the manifest.
    """
    try:
        record = json.loads(sig.decode("utf-8"))
        if not isinstance(record, dict) or record.get("algorithm") != ALGORITHM:
            raise ValueError("not an Ed25519 signature record")
        raw = base64.b64decode(record["public_key"], validate=True)
        signature = base64.b64decode(record["signature"], validate=True)
        public = Ed25519PublicKey.from_public_bytes(raw)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise SignatureError(f"{SIGNATURE} is malformed ({exc}); the signature file was altered") from None
    try:
        public.verify(signature, manifest)
    except InvalidSignature:
        raise SignatureError(f"the signature in {SIGNATURE} does not match manifest.json: the manifest (or the "
                             "signature) was altered after signing") from None  # fmt: skip
    return fingerprint(public)
