"""manifest.json (SHA-256 of every pack file and of the inputs), its signature manifest.sig, and the pack's .zip."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from graphfraud.io.write import file_sha256

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FORMAT = "graphfraud-evidence-pack/1"
#: Fixed time stamp of zip entries, so the same pack gives the same zip bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def pack_files(root: Path) -> list[str]:
    """Every file under ``root`` except the top-level manifest and its signature, as sorted POSIX relative paths."""
    names = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return sorted(n for n in names if n not in (MANIFEST, SIGNATURE))


def write_manifest(root: Path, *, ring_id: str, generated_at: str, version: str, inputs: dict[str, str],
                   detection_outputs: dict[str, str], extra: dict | None = None) -> dict:  # fmt: skip
    """Hash every file of the pack in ``root`` and write ``root/manifest.json``; returns its content."""
    files = {
        name: {"sha256": file_sha256(root / name), "bytes": (root / name).stat().st_size} for name in pack_files(root)
    }
    manifest = {
        "format": FORMAT,
        "ring_id": ring_id,
        "generated_at": generated_at,
        "graphfraud_version": version,
        "files": files,
        "inputs": dict(sorted(inputs.items())),
        "detection_outputs": dict(sorted(detection_outputs.items())),
        **(extra or {}),
    }
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def write_zip(root: Path, zip_path: Path, *, folder: str) -> Path:
    """Zip the pack in ``root`` as ``folder/...`` entries, deterministically."""
    names = pack_files(root) + [MANIFEST] + ([SIGNATURE] if (root / SIGNATURE).is_file() else [])
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in sorted(names):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, (root / name).read_bytes())
    return zip_path
