"""The Browser guide pages, read as files (issue 16): Chinese first, the same steps in English."""

from __future__ import annotations

import html
import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "cypher" / "guide"
RUNNABLE = re.compile(r'<pre mode="cypher" class="[^"]*runnable">(.*?)</pre>', re.S)


def _prose(page: str) -> str:
    """The text people read: without code blocks, inline code, keys and tags."""
    text = re.sub(r"<(pre|code|kbd)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def test_the_chinese_guide_has_no_english_sentence() -> None:
    prose = _prose((GUIDE / "index.html").read_text(encoding="utf-8"))
    assert re.findall(r"[\u4e00-\u9fff]", prose)
    # three English words in a row would be a sentence; names such as graphfraud, MEMBER_OF, Ctrl are fine
    assert not re.findall(r"\b[A-Za-z]+\s+[A-Za-z]+\s+[A-Za-z]+\b", prose)


def test_both_guides_run_the_same_steps() -> None:
    zh = RUNNABLE.findall((GUIDE / "index.html").read_text(encoding="utf-8"))
    en = RUNNABLE.findall((GUIDE / "en.html").read_text(encoding="utf-8"))
    assert len(zh) == len(en) >= 12

    # the same Cypher apart from column names, comments, the language of the ring's properties and
    # the Chinese role names
    def shape(q: str) -> str:
        q = re.sub(r"//.*", "", html.unescape(q))
        q = re.sub(r"CASE m\.role .*? END", "m.role", q, flags=re.S)
        q = re.sub(r"`[^`]*`|'[^']*'", "X", q)
        q = re.sub(r"r\.(alert|typology|reason)_(zh|en)", r"r.\1", q).replace("r.reason", "r.reasons")
        return re.sub(r"\s+", " ", q).strip()

    assert [shape(q) for q in zh] == [shape(q) for q in en]
