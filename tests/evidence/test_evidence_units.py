"""Small pieces: masks, reason wording, the Cypher text, the font."""

from __future__ import annotations

import pytest

from graphfraud.evidence.fonts import cjk_font, packaged_font
from graphfraud.mask import Masker
from graphfraud.evidence.query import ring_query
from graphfraud.evidence.wording import CHECKS, SENTENCES, Wording, say
from graphfraud.score.reasons import TEMPLATES, fields


def test_masks_are_keyed_and_consistent() -> None:
    a, b = Masker(key=b"one"), Masker(key=b"two")
    assert a.mask("person", "0001") == a.mask("person", "0001") != a.mask("person", "0002")
    assert a.mask("person", "0001") != b.mask("person", "0001")  # a new key per pack by default
    assert a.mask("phone", "0001") != a.mask("person", "0001").replace("PSN", "TEL")
    tel = a.mask("phone", "13800138000")
    assert a.scrub("bound to one phone 13800138000") == f"bound to one phone {tel}"
    assert Masker(enabled=False).mask("address", "x1") == "x1"
    assert a.mask("person", None) is None


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_every_english_sentence_has_a_chinese_one_with_the_same_values(code: str) -> None:
    sentences = SENTENCES[code]  # benign codes too: the workbook's explained sheet says them in Chinese
    if code.startswith("benign_"):  # groups explained as legitimate care are in explained.csv, never in a pack
        assert code not in CHECKS
        zh = say(code, {name: 1 for name in fields(TEMPLATES[code][0])}, "zh")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.text) and not zh.check
        return
    assert sorted(sorted(fields(s)) for s in sentences) == sorted(sorted(fields(t)) for t in TEMPLATES[code])
    for t in TEMPLATES[code]:
        args = {name: 1 for name in fields(t)}
        zh, en = say(code, args, "zh"), say(code, args, "en")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.text) and zh.check and en.check
        assert en.text == t.format(**args)
        assert all(v in zh.text for v in zh.values) and zh.values == en.values


def test_a_reason_is_said_from_its_values_never_from_its_english_text() -> None:
    args = {"regulars": 19, "persons": 19, "venue": "P1", "days": 55, "regular_share_from": 0.2}
    w = say("lockstep", args, "zh", text="reworded, or anything at all")
    assert w.text == "19 人中有 19 人在 P1 的同样 55 个日子里至少 4 天同时出现（超过 20% 起计分）"
    assert say("lockstep", args, "en").text == (
        "19 of 19 persons were at P1 on >= 4 of the same 55 days (scored above 20% of persons)"
    )
    fund = say("money", {"stake": 797070.672, "claims": 559, "fund": 700000.0, "stake_from": 10_000.0}, "zh")
    assert (
        fund.text == "团伙 559 笔结算共用医保资金 797,070.67 元，其中统筹基金支付 700,000.00 元（超过 10,000 元起计分）"
    )
    assert fund.values == ("797,070.67", "559", "700,000.00", "10,000")
    share = say("off_hours", {"share": 0.5939, "off_hours_share_from": 0.1}, "zh")
    assert share.text == "59% 的团伙结算发生在 07:00 之前或 19:00 之后（超过 10% 起计分）"
    two = say("co_admission", {"persons": 9, "venue": "H1", "days": 3, "event_days_from": 1.0}, "zh")  # no regulars
    assert two.text == "9 人在 H1 的 3 个日子里成批入院（超过 1 天起计分）"


def test_without_values_the_english_text_is_shown_as_it_is() -> None:
    text = "19 of 19 persons were at P1 on >= 4 of the same 55 days"
    for lang in ("zh", "en"):
        assert say("lockstep", None, lang, text=text) == Wording("lockstep", text, "", ())


def test_query_is_parameterised() -> None:
    q = ring_query("RABC")
    assert ":param ringId => 'RABC';" in q and "$ringId" in q and "{ring_id: 'RABC'}" not in q


def test_a_cjk_font_is_installed() -> None:
    assert cjk_font() is not None, "pip install -e . (the font package is a dependency)"


def test_the_font_comes_with_the_python_install_not_the_system() -> None:
    # issue 16: `pip install -e .` alone could not make an evidence pack (no CJK font)
    font = packaged_font()
    assert font is not None and "site-packages" in str(font) and font.stat().st_size > 4_000_000
    assert cjk_font() == font
    from reportlab.pdfbase.ttfonts import TTFont

    TTFont("probe", str(font), subfontIndex=0)  # reportlab can embed it
