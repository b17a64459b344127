"""Small pieces: masks, reason wording, the Cypher text, the font."""

from __future__ import annotations

from graphfraud.evidence.fonts import cjk_font
from graphfraud.mask import Masker
from graphfraud.evidence.query import ring_query
from graphfraud.evidence.wording import PATTERNS, parse, say


def test_masks_are_keyed_and_consistent() -> None:
    a, b = Masker(key=b"one"), Masker(key=b"two")
    assert a.mask("person", "0001") == a.mask("person", "0001") != a.mask("person", "0002")
    assert a.mask("person", "0001") != b.mask("person", "0001")  # a new key per pack by default
    assert a.mask("phone", "0001") != a.mask("person", "0001").replace("PSN", "TEL")
    tel = a.mask("phone", "13800138000")
    assert a.scrub("bound to one phone 13800138000") == f"bound to one phone {tel}"
    assert Masker(enabled=False).mask("address", "x1") == "x1"
    assert a.mask("person", None) is None


def test_every_reason_code_has_a_chinese_sentence() -> None:
    samples = {
        "lockstep": "19 of 19 persons were at P1 on >= 4 of the same 55 days",
        "cost_ratio": "fund per claim 7.6x that of other claims with the same visit type and diagnosis (1425.89 vs 188.03 yuan)",
        "money": "797,070.67 yuan paid by the fund on 559 ring claims",
        "out_of_region": "13 of 19 persons insured outside P1's region 350212",
    }
    for code, text in samples.items():
        w = say(code, text, "zh")
        assert w.numbers == parse(code, text) and w.check
        assert any("\u4e00" <= ch <= "\u9fff" for ch in w.text)
        assert all(n in w.text for n in w.numbers)
    assert set(samples) <= set(PATTERNS)
    assert say("unknown_code", "as is", "zh").text == "as is"


def test_query_is_parameterised() -> None:
    q = ring_query("RABC")
    assert ":param ringId => 'RABC';" in q and "$ringId" in q and "{ring_id: 'RABC'}" not in q


def test_a_cjk_font_is_installed() -> None:
    assert cjk_font() is not None, "run .ci/install-fonts.sh"
