"""graphfraud evidence / verify through CliRunner: exit codes, --lang en, --unmask, masking, tampering."""

from __future__ import annotations

import json

import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main

from .conftest import SAMPLE, pdf_text, read

RAW_PERSONS = pd.read_csv(SAMPLE / "persons.csv", dtype=str, keep_default_na=False)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def english(detected: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The induced-admission ring (the smallest), in English and unmasked, through the CLI."""
    rings = read(detected / "rings.csv")
    ring = rings.loc[rings["typology"] == "induced_admission", "ring_id"].iloc[0]
    dest = tmp_path_factory.mktemp("cli")
    result = invoke("evidence", str(detected), ring, "--data", str(SAMPLE), "--dest", str(dest), "--lang", "en",
                    "--unmask", "-q")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"{ring}: {dest / ring}" in result.output
    return dest / ring


def test_lang_en(english: Path) -> None:
    text = pdf_text(english / "report.pdf")
    for heading in ("Evidence pack: suspect medical-insurance fraud ring", "Why this ring is suspicious",
                    "Members and roles", "Method and parameters", "Verify and reproduce"):  # fmt: skip
        assert heading in text
    assert "induced or phantom hospitalisation" in text and "可疑理由" not in text
    fingerprint = json.loads((english / "manifest.json").read_text(encoding="utf-8"))["signed_by"]
    cover = text.split("Why this ring is suspicious")[0]
    assert "Key fingerprint" in cover and fingerprint in cover
    assert f"graphfraud verify {english.name}.zip --key bureau.pub.pem" in cover
    assert f"signed by {fingerprint}" in re.sub(r"\s+", " ", text)
    assert 'lang="en"' in (english / "report.html").read_text(encoding="utf-8")


def test_unmask_shows_real_ids(english: Path) -> None:
    members = read(english / "members.csv")
    persons = members[members["entity_type"] == "person"]
    assert set(persons["entity_id"]) <= set(RAW_PERSONS["person_id"])
    assert not persons["entity_id"].str.startswith("PSN-").any()
    html = (english / "report.html").read_text(encoding="utf-8")
    assert persons["entity_id"].iloc[0] in html


def test_masked_pack_hides_every_personal_identifier(packs: dict) -> None:
    raw = set(RAW_PERSONS["person_id"]) | set(RAW_PERSONS["phone"]) | set(RAW_PERSONS["address"])
    raw.discard("")
    for pack in packs.values():
        texts = [
            p.read_text(encoding="utf-8")
            for p in pack.path.rglob("*")
            if p.suffix in (".csv", ".html", ".json", ".cypher")
        ]
        texts.append(pdf_text(pack.path / "report.pdf"))
        tokens = {t for text in texts for t in re.findall(r"[0-9A-Za-z]+", text)}
        assert not (tokens & raw), sorted(tokens & raw)[:5]


def test_masks_are_consistent_within_a_pack(packs: dict, english: Path) -> None:
    claims = read(packs["card_collector"].path / "claims.csv")
    members = read(packs["card_collector"].path / "members.csv")
    persons = members[members["entity_type"] == "person"]
    assert persons["entity_id"].str.fullmatch(r"PSN-[0-9a-f]{8}").all()
    assert persons["phone"].str.fullmatch(r"TEL-[0-9a-f]{8}").all()
    assert set(claims["person_id"]) <= set(persons["entity_id"])  # same person, same mask in both files
    html = (packs["card_collector"].path / "report.html").read_text(encoding="utf-8")
    assert all(m in html for m in persons["entity_id"])
    reasons = read(packs["card_collector"].path / "reasons.csv")
    phone_reason = reasons.loc[reasons["code"] == "shared_phone", "text"].iloc[0]
    assert phone_reason.split(" one phone ")[1].split()[0] in set(persons["phone"])
    # one mask per person: the masked and unmasked packs of the same ring map one to one
    masked = read(packs["induced_admission"].path / "claims.csv").set_index("claim_id")
    plain = read(english / "claims.csv").set_index("claim_id").loc[masked.index]
    for column in ("person_id", "patient_id", "holder_id"):
        pairs = pd.DataFrame({"mask": masked[column], "raw": plain[column]}).drop_duplicates()
        assert pairs["mask"].is_unique and pairs["raw"].is_unique


def test_verify_passes_on_fresh_packs(packs: dict) -> None:
    pack = packs["staged_clinic"]
    for target in (pack.path, pack.zip_path):
        result = invoke("verify", str(target))
        assert result.exit_code == 0, result.output
        assert "OK, signature valid, signed by " in result.output
        assert "15 files match manifest.json" in result.output


def test_verify_fails_after_one_byte_of_claims_changes(packs: dict, tmp_path: Path) -> None:
    pack = packs["kickback"]
    folder = tmp_path / pack.ring_id
    shutil.copytree(pack.path, folder)
    data = bytearray((folder / "claims.csv").read_bytes())
    data[-3] = ord("7") if data[-3] != ord("7") else ord("8")
    (folder / "claims.csv").write_bytes(bytes(data))
    result = invoke("verify", str(folder))
    assert result.exit_code == 1
    assert "claims.csv: changed" in result.output and "1 of 15 files fail" in result.output

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(pack.zip_path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith("/claims.csv"):
                body = body[:10] + bytes([body[10] ^ 1]) + body[11:]
            dst.writestr(info, body)
    result = invoke("verify", str(tampered))
    assert result.exit_code == 1 and "claims.csv: changed" in result.output


def test_verify_names_missing_and_added_files(packs: dict, tmp_path: Path) -> None:
    folder = tmp_path / "p"
    shutil.copytree(packs["staged_clinic"].path, folder)
    (folder / "figures" / "ring_graph.png").unlink()
    (folder / "note.txt").write_text("added later")
    result = invoke("verify", str(folder))
    assert result.exit_code == 1
    assert "figures/ring_graph.png: missing" in result.output and "note.txt: not listed" in result.output


def test_verify_rejects_what_is_not_a_pack(tmp_path: Path) -> None:
    result = invoke("verify", str(tmp_path))
    assert result.exit_code == 1 and "no manifest.json" in result.output


def test_bad_ring_id_is_a_clear_error(detected: Path, tmp_path: Path) -> None:
    result = invoke("evidence", str(detected), "RNOSUCHRING", "--dest", str(tmp_path))
    assert result.exit_code == 1
    assert "ring 'RNOSUCHRING' is not in" in result.output and "4 rings:" in result.output
    assert "Traceback" not in result.output and not any(tmp_path.iterdir())


def test_usage_errors_exit_2(detected: Path) -> None:
    assert invoke("evidence", str(detected)).exit_code == 2  # neither RING_ID nor --top
    assert invoke("evidence", str(detected), "R1", "--top", "2").exit_code == 2
    assert invoke("evidence", str(detected), "--top", "0").exit_code == 2
    assert invoke("evidence", str(detected), "R1", "--lang", "fr").exit_code == 2


def test_missing_detection_output_exits_1(tmp_path: Path) -> None:
    result = invoke("evidence", str(tmp_path), "R1")
    assert result.exit_code == 1 and "rings.csv: missing" in result.output


def test_changed_input_is_refused(detected: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    with open(data / "claims.csv", "a", encoding="utf-8") as f:
        f.write("")
    persons = (data / "persons.csv").read_text(encoding="utf-8")
    (data / "persons.csv").write_text(persons.replace(",M,", ",F,", 1), encoding="utf-8")
    ring = read(detected / "rings.csv")["ring_id"].iloc[0]
    result = invoke("evidence", str(detected), ring, "--data", str(data), "--dest", str(tmp_path / "ev"))
    assert result.exit_code == 1 and "persons.csv has changed since detection" in result.output


def test_help_has_examples() -> None:
    for command in ("evidence", "verify"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Example:" in result.output


def _detected_copy(detected: Path, tmp_path: Path, edit) -> Path:
    """A copy of the detect output whose ring_reasons.csv went through ``edit`` (its hash re-recorded in run.json)."""
    from graphfraud.io.write import file_sha256

    out = tmp_path / "out"
    shutil.copytree(detected, out)
    reasons = read(out / "ring_reasons.csv")
    edit(reasons).to_csv(out / "ring_reasons.csv", index=False)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    run["outputs"]["ring_reasons.csv"] = file_sha256(out / "ring_reasons.csv")
    (out / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return out


def test_an_older_detect_output_without_args_shows_the_english_text(detected: Path, tmp_path: Path) -> None:
    out = _detected_copy(detected, tmp_path, lambda r: r.drop(columns="args"))
    ring = read(out / "rings.csv")["ring_id"].iloc[0]
    result = invoke("evidence", str(out), ring, "--dest", str(tmp_path / "ev"))
    assert result.exit_code == 0, result.output
    assert "has no args column (an older detect run?)" in result.output
    reasons = read(tmp_path / "ev" / ring / "reasons.csv")
    assert (reasons["wording"] == reasons["text"]).all() and (reasons["args"] == "").all()
    assert "fund per claim" in pdf_text(tmp_path / "ev" / ring / "report.pdf")


def test_args_that_fit_no_sentence_are_a_clear_error(detected: Path, tmp_path: Path) -> None:
    def edit(reasons: pd.DataFrame) -> pd.DataFrame:
        reasons.loc[0, "args"] = '{"persons":7}'
        return reasons

    out = _detected_copy(detected, tmp_path, edit)
    first = read(out / "ring_reasons.csv").iloc[0]
    result = invoke("evidence", str(out), first["ring_id"], "--dest", str(tmp_path / "ev"))
    assert result.exit_code == 1, result.output
    assert f"ring_reasons.csv, row 2, column args: reason '{first['code']}' takes the values (" in result.output
    assert "got (persons); was the file written by another graphfraud version?" in result.output
    assert "Traceback" not in result.output
