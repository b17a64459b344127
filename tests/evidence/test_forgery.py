"""Forged evidence packs and crafted ring ids (issue 15): 0 forged packs verify, 0 ids escape --dest.

Each forgery is made the way a careful forger would (updating the manifest's
hashes to match), and ``graphfraud verify`` must exit 1 with a one-line
reason and no traceback.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.errors import ContractError
from graphfraud.evidence.manifest import write_zip
from graphfraud.evidence.query import ring_query
from graphfraud.evidence.sign import fingerprint, init_key, load_private_key, sign_manifest
from graphfraud.io.write import file_sha256


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def refused(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


@pytest.fixture
def folder(packs: dict, tmp_path: Path) -> Path:
    pack = packs["staged_clinic"]
    copy = tmp_path / pack.ring_id
    shutil.copytree(pack.path, copy)
    return copy


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def save(folder: Path, record: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def test_the_fresh_pack_is_authentic(folder: Path) -> None:
    result = invoke("verify", str(folder))
    assert result.exit_code == 0 and "signature valid, signed by" in result.output


def test_an_edited_file_with_its_hash_updated_fails_the_signature(folder: Path) -> None:
    (folder / "claims.csv").write_text("claim_id\nforged\n", encoding="utf-8")
    record = manifest(folder)
    record["files"]["claims.csv"] = {"sha256": file_sha256(folder / "claims.csv"), "bytes": 15}
    save(folder, record)
    refused(invoke("verify", str(folder)), "signature invalid", "does not match manifest.json")


def test_a_deleted_file_with_its_entry_fails_the_signature(folder: Path) -> None:
    (folder / "steering.csv").unlink()
    record = manifest(folder)
    del record["files"]["steering.csv"]
    save(folder, record)
    refused(invoke("verify", str(folder)), "signature invalid")


def test_masked_edited_fails_the_signature(folder: Path) -> None:
    record = manifest(folder)
    record["masked"] = False
    save(folder, record)
    refused(invoke("verify", str(folder)), "signature invalid")


def test_an_empty_files_table_is_refused(folder: Path) -> None:
    for p in list(folder.rglob("*")):
        if p.is_file() and p.name != "manifest.json":
            p.unlink()
    save(folder, {"files": {}})
    refused(invoke("verify", str(folder)), "not a manifest of format")
    save(folder, {"format": "graphfraud-evidence-pack/1", "ring_id": "R1", "masked": True, "files": {}})
    refused(invoke("verify", str(folder)), "'files' table is missing or empty")


@pytest.mark.parametrize("entry", ["abc", 7, None, ["x"], {"sha256": "zz", "bytes": 1}, {"sha256": "0" * 64}])
def test_a_malformed_manifest_entry_is_a_clear_error(folder: Path, entry: object) -> None:
    record = manifest(folder)
    record["files"]["claims.csv"] = entry
    save(folder, record)
    refused(invoke("verify", str(folder)), "the entry of claims.csv is not")


def test_a_manifest_that_is_not_an_object_is_a_clear_error(folder: Path) -> None:
    for body in ("[]", '"x"', "{", "null"):
        (folder / "manifest.json").write_text(body)
        refused(invoke("verify", str(folder)), "manifest")


def test_a_cut_down_manifest_is_refused_even_unsigned(folder: Path) -> None:
    for name in ("claims.csv", "report.pdf"):
        (folder / name).unlink()
    record = manifest(folder)
    for name in ("claims.csv", "report.pdf"):
        del record["files"][name]
    del record["signed_by"]
    save(folder, record)
    (folder / "manifest.sig").unlink()
    refused(invoke("verify", str(folder), "--allow-unsigned"), "does not list claims.csv, report.pdf")


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_a_zip_with_appended_duplicate_entries_is_refused(packs: dict, tmp_path: Path) -> None:
    pack = packs["kickback"]
    forged = tmp_path / "forged.zip"
    shutil.copy(pack.zip_path, forged)
    with zipfile.ZipFile(forged, "a") as z:
        z.writestr(f"{pack.ring_id}/claims.csv", "claim_id\nforged\n")
        z.writestr(f"{pack.ring_id}/manifest.json", "{}")
    refused(invoke("verify", str(forged)), "twice", "claims.csv")


def test_flipped_bytes_in_a_zip_never_verify_and_never_crash(packs: dict, tmp_path: Path) -> None:
    pack = packs["kickback"]
    body = pack.zip_path.read_bytes()
    original = _contents(pack.zip_path)
    rng = random.Random(15)
    passed = 0
    for i, at in enumerate(sorted(rng.sample(range(len(body)), 40))):
        damaged = tmp_path / f"flip{i}.zip"
        damaged.write_bytes(body[:at] + bytes([body[at] ^ (1 << rng.randrange(8))]) + body[at + 1 :])
        result = invoke("verify", str(damaged))
        assert result.exception is None or isinstance(result.exception, SystemExit), (at, repr(result.exception))
        assert "Traceback" not in result.output
        if result.exit_code == 0:  # only a flip in a header field that zipfile ignores: the content is intact
            assert _contents(damaged) == original, at
            passed += 1
        else:
            assert result.exit_code == 1, result.output
    assert passed < 10


def _contents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def test_a_pack_re_signed_with_another_key_is_not_trusted(folder: Path, tmp_path: Path) -> None:
    forger = load_private_key(init_key(tmp_path / "forger" / "k.pem"))
    (folder / "claims.csv").write_text("claim_id\nforged\n", encoding="utf-8")
    record = manifest(folder)
    record["files"]["claims.csv"] = {"sha256": file_sha256(folder / "claims.csv"), "bytes": 15}
    record["signed_by"] = fingerprint(forger.public_key())
    save(folder, record)
    (folder / "manifest.sig").write_bytes(sign_manifest((folder / "manifest.json").read_bytes(), forger))
    refused(invoke("verify", str(folder)), "not a trusted key", fingerprint(forger.public_key()))
    # the forger's own public key, given explicitly, is trusted: the fingerprint is what the police compare
    (tmp_path / "forger.pub.pem").write_bytes((tmp_path / "forger" / "k.pub.pem").read_bytes())
    assert invoke("verify", str(folder), "--key", str(tmp_path / "forger.pub.pem")).exit_code == 0


def test_a_removed_signature_is_noticed(folder: Path) -> None:
    (folder / "manifest.sig").unlink()
    refused(invoke("verify", str(folder)), "manifest.sig is missing")
    record = manifest(folder)
    del record["signed_by"]
    save(folder, record)
    refused(invoke("verify", str(folder)), "not signed", "integrity only")
    result = invoke("verify", str(folder), "--allow-unsigned")
    assert result.exit_code == 0 and "integrity only, not authenticity" in result.output


def test_the_zip_of_a_forged_folder_fails_too(folder: Path, tmp_path: Path) -> None:
    record = manifest(folder)
    record["masked"] = False
    save(folder, record)
    forged = write_zip(folder, tmp_path / "forged.zip", folder=folder.name)
    refused(invoke("verify", str(forged)), "signature invalid")


# ------------------------------------------------------------------ crafted ring ids


def _best_ring(out: Path) -> str:
    with (out / "rings.csv").open(encoding="utf-8") as f:
        return next(csv.DictReader(f))["ring_id"]


def _with_ring_id(detected: Path, tmp_path: Path, ring_id: str) -> Path:
    """A copy of the detect output whose best ring is renamed ``ring_id``, run.json's hashes re-recorded."""
    out = tmp_path / "out"
    shutil.copytree(detected, out)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    old = _best_ring(out)
    for name in ("rings.csv", "ring_members.csv", "ring_reasons.csv", "ring_claims.csv"):
        path = out / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, ring_id.replace('"', '""')), encoding="utf-8")
        run["outputs"][name] = file_sha256(path)
    (out / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return out


@pytest.mark.parametrize("ring_id", ["../../victim", "..", "R1/../../victim", '"R1\nMATCH (n) DETACH DELETE n//"',
                                     "R1'; MATCH (n) DETACH DELETE n; //", "/tmp/victim"])  # fmt: skip
def test_a_crafted_ring_id_never_becomes_a_path_or_cypher(detected: Path, tmp_path: Path, ring_id: str) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    out = _with_ring_id(detected, tmp_path, ring_id)
    dest = tmp_path / "dest" / "a" / "b"
    result = invoke("evidence", str(out), "--top", "1", "--dest", str(dest))
    refused(result, "is not a ring id")
    assert (victim / "keep.txt").read_text() == "keep" and sorted(p.name for p in victim.iterdir()) == ["keep.txt"]
    assert not dest.exists()
    with pytest.raises(ContractError, match="is not a ring id"):
        ring_query(ring_id)


def test_evidence_refuses_detect_files_edited_after_detection(detected: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(detected, out)
    with (out / "ring_members.csv").open("a", encoding="utf-8") as f:
        f.write("RDEDA93DF6A,person,P999,recruit,0.9\n")
    ring = _best_ring(out)
    refused(
        invoke("evidence", str(out), ring, "--dest", str(tmp_path / "ev")),
        "ring_members.csv",
        "differs from the SHA-256 that run.json records",
    )
    assert not (tmp_path / "ev").exists()
