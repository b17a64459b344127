"""Consistent masking of personal identifiers (person ids, phones, addresses) within one pack or workbook.

A :class:`Masker` replaces each value by a keyed hash (HMAC-SHA256 with a
random per-pack key that is never written down), so the same person gets
the same mask everywhere in a pack, yet masks cannot be reversed by hashing
every possible person number.  ``enabled=False`` (``--unmask``) passes
values through unchanged.

Layer: foundation (it imports no graphfraud module), so that both evidence
packs and spreadsheet exports mask the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

import pandas as pd

#: Mask prefix per kind of identifier.
PREFIX = {"person": "PSN", "phone": "TEL", "address": "ADR"}


class Masker:
    """Masks identifiers of one pack.

    Parameters
    ----------
    enabled : bool, default True
        False passes every value through (``--unmask``).
    key : bytes, optional
        HMAC key; random by default (a new key per pack).

    Examples
    --------
    >>> m = Masker(key=b"k")
    >>> a = m.mask("person", "0000034172")
    >>> a == m.mask("person", "0000034172"), a.startswith("PSN-"), len(a)
    (True, True, 12)
    >>> Masker(enabled=False).mask("phone", "13800000000")
    '13800000000'
    """

    def __init__(self, *, enabled: bool = True, key: bytes | None = None) -> None:
        self.enabled = enabled
        self._key = key if key is not None else secrets.token_bytes(32)
        self._seen: dict[tuple[str, str], str] = {}

    def mask(self, kind: str, value: object) -> object:
        """The mask of one value (None and NA stay as they are)."""
        if not self.enabled or value is None or (not isinstance(value, str) and pd.isna(value)):
            return value
        text = str(value)
        if text == "":
            return text
        found = self._seen.get((kind, text))
        if found is None:
            digest = hmac.new(self._key, f"{kind}\x00{text}".encode(), hashlib.sha256).hexdigest()
            found = f"{PREFIX[kind]}-{digest[:8]}"
            self._seen[(kind, text)] = found
        return found

    def series(self, kind: str, values: pd.Series) -> pd.Series:
        """Mask a column."""
        if not self.enabled:
            return values
        return values.astype(object).map(lambda v: self.mask(kind, v))

    def scrub(self, text: str) -> str:
        """Replace in free text every identifier masked so far (e.g. a phone quoted in a reason)."""
        if not self.enabled or not self._seen:
            return text
        values = sorted((v for _, v in self._seen), key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(v) for v in values if v))
        lookup = {v: m for (_, v), m in self._seen.items()}
        return pattern.sub(lambda match: lookup[match.group(0)], text)

    def known(self, kind: str) -> Iterable[str]:
        return (v for (k, v) in self._seen if k == kind)
