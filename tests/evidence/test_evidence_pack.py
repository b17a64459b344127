"""Packs of every typology: files, PDF pages as pictures, Chinese glyphs, figures, atomic writes."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from graphfraud.evidence.fonts import cjk_font

from .conftest import TYPOLOGIES, need, pdf_text, read

FILES = {
    "report.html", "report.pdf", "claims.csv", "members.csv", "venues.csv", "baselines.csv", "steering.csv",
    "peers.csv", "reasons.csv", "query.cypher", "run.json", "manifest.json", "manifest.sig", "figures/ring_graph.png",
    "figures/arrival_timeline.png", "figures/person_day_heatmap.png", "figures/amounts_over_time.png",
}  # fmt: skip
HEADINGS_ZH = (
    "医保基金欺诈嫌疑团伙 证据材料",
    "可疑理由",
    "成员名单与角色",
    "参保人逐人汇总",
    "方法与参数",
    "复核与重现",
)


def non_blank(png: Path) -> bool:
    """More than 1% of the pixels differ from white, and the picture has more than one colour."""
    a = np.asarray(Image.open(png).convert("L"), dtype=float)
    return (a < 240).mean() > 0.01 and a.std() > 5


def test_one_pack_per_typology(packs: dict) -> None:
    assert set(packs) == set(TYPOLOGIES)
    for pack in packs.values():
        files = {p.relative_to(pack.path).as_posix() for p in pack.path.rglob("*") if p.is_file()}
        assert files == FILES
        assert set(pack.manifest["files"]) == FILES - {"manifest.json", "manifest.sig"}
        assert pack.zip_path.is_file() and pack.zip_path.name == f"{pack.ring_id}.zip"


def test_claims_are_the_rings_claims(packs: dict, detected: Path) -> None:
    behind = read(detected / "ring_claims.csv")
    for pack in packs.values():
        claims = read(pack.path / "claims.csv")
        assert sorted(claims["claim_id"]) == sorted(behind.loc[behind["ring_id"] == pack.ring_id, "claim_id"])


def test_run_json_and_manifest_record_inputs(packs: dict, detected: Path) -> None:
    run = json.loads((detected / "run.json").read_text())
    for pack in packs.values():
        record = json.loads((pack.path / "run.json").read_text())
        assert record["inputs"] == run["inputs"] and record["seed"] == run["seed"]
        assert record["parameters"] == run["parameters"] and record["version"]
        assert pack.manifest["inputs"] == run["inputs"]
        assert pack.manifest["generated_at"] and pack.manifest["detection_outputs"]["rings.csv"]


@pytest.mark.parametrize("typology", TYPOLOGIES)
def test_pdf_renders_chinese_and_pictures(packs: dict, typology: str, tmp_path: Path) -> None:
    pack = packs[typology]
    text = pdf_text(pack.path / "report.pdf")
    for heading in HEADINGS_ZH:
        assert heading in text
    assert pack.ring_id in text and "红色" in text
    # issue 16: no English words in the Chinese report but file and column names
    english = {"pharmacy", "private", "public", "minute", "hospital", "clinic", "persons", "claims were", "yuan"}
    assert not [w for w in english if re.search(rf"\b{w}\b", text)], text[:300]
    # No tofu: every non-ASCII character the PDF carries has a glyph in the embedded font.
    from reportlab.pdfbase.ttfonts import TTFont

    cmap = TTFont("check", str(cjk_font()), subfontIndex=0).face.charToGlyph
    missing = {ch for ch in text if ord(ch) > 0x7F and not ch.isspace() and ord(ch) not in cmap}
    assert not missing
    fonts = subprocess.run([need("pdffonts"), str(pack.path / "report.pdf")], capture_output=True, text=True).stdout
    assert "WenQuanYi" in fonts or "GraphfraudCJK" in fonts
    pages = subprocess.run([need("pdftoppm"), "-r", "30", "-png", str(pack.path / "report.pdf"), str(tmp_path / "p")],
                           check=True)  # fmt: skip
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert pages.returncode == 0 and len(pngs) >= 3
    assert all(non_blank(p) for p in pngs)


def test_figures_are_not_blank(packs: dict) -> None:
    for pack in packs.values():
        for png in (pack.path / "figures").glob("*.png"):
            assert non_blank(png), png


def test_html_report_links_figures_and_reasons(packs: dict) -> None:
    pack = packs["staged_clinic"]
    html = (pack.path / "report.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in html and "可疑理由" in html
    for fig in ("figures/ring_graph.png", "figures/arrival_timeline.png", "figures/person_day_heatmap.png",
                "figures/amounts_over_time.png"):  # fmt: skip
        assert f'src="{fig}"' in html
    assert "核对方法" in html and "天周期" in html


def test_query_cypher_is_parameterised(packs: dict) -> None:
    pack = packs["kickback"]
    q = (pack.path / "query.cypher").read_text()
    assert f":param ringId => '{pack.ring_id}';" in q
    assert "MATCH (r:Ring {ring_id: $ringId})<-[m:MEMBER_OF]-(x)" in q
    assert q.count(pack.ring_id) == 2  # the comment and the :param line, never inside a MATCH


def test_failure_leaves_no_half_written_pack(packs: dict, detected: Path, tmp_path: Path, monkeypatch) -> None:
    from graphfraud.evidence import figures
    from graphfraud.evidence.pack import make_packs

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(figures, "draw_all", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        make_packs(detected, [packs["kickback"].ring_id], dest=tmp_path / "ev")
    assert list((tmp_path / "ev").iterdir()) == []


def test_pdf_prints_the_signing_key_fingerprint_and_how_to_verify(packs: dict, pack_key_file: Path) -> None:
    """Police compare the cover's fingerprint with the one the bureau gave them (issue 15)."""
    from graphfraud.evidence.sign import fingerprint, load_private_key

    expected = fingerprint(load_private_key(pack_key_file).public_key())
    for pack in packs.values():
        assert pack.manifest["signed_by"] == expected
        text = pdf_text(pack.path / "report.pdf")
        cover = text.split("可疑理由")[0]
        assert "签名公钥指纹" in cover and expected in cover
        assert f"graphfraud verify {pack.ring_id}.zip --key bureau.pub.pem" in cover
        flat = re.sub(r"\s+", "", text)  # the last page's paragraph wraps lines
        assert f"signedby{expected.replace(' ', '')}" in flat and "与封面“签名公钥指纹”一致" in flat
        assert expected in (pack.path / "report.html").read_text(encoding="utf-8")


def test_an_unsigned_pack_says_so_in_the_pdf(detected: Path, tmp_path: Path) -> None:
    from graphfraud.evidence.pack import make_packs

    ring = read(detected / "rings.csv")["ring_id"].iloc[-1]
    (pack,) = make_packs(detected, [ring], dest=tmp_path)
    text = pdf_text(pack.path / "report.pdf")
    assert "未签名：只能校验完整性，不能证明材料出自医保局" in text
    assert f"graphfraud verify {ring}.zip --allow-unsigned" in text and "signed by" not in text
