"""Spreadsheet export of a detect run: the workbook bureau staff open in Excel or WPS.

One sheet of ranked rings and one of their members, Chinese headers by default
(from :data:`graphfraud.contract.RINGS_COLUMNS` / ``MEMBERS_COLUMNS``), alert
colours (红/橙/黄 三级预警), a frozen header row, filters and column widths that
fit the content.  Text that a spreadsheet would run as a formula (a cell
starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) is written
with a leading apostrophe, so an id or a reason can never execute.

Layer: beside ``evaluate``/``evidence``/``neo4j``; it receives the rings and
members tables (see :func:`graphfraud.views.read_output`) and imports only the
foundation.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd

from graphfraud.contract import MEMBERS_COLUMNS, RINGS_COLUMNS
from graphfraud.errors import ParamError

#: Fill colours (ARGB hex) of the alert levels.
ALERT_FILLS = {"red": "FFFF8A80", "orange": "FFFFC470", "yellow": "FFFFF176"}

#: Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Chinese words for values, used with ``lang="zh"``; anything else is kept as is.
ZH_VALUES = {
    "alert": {"red": "红色", "orange": "橙色", "yellow": "黄色"},
    "typology": {
        "staged_clinic": "虚构诊疗",
        "card_collector": "职业收卡人",
        "induced_admission": "诱导住院/挂床",
        "kickback": "医药回扣/处方引流",
        "split_admission": "分解住院",
        "claims_after_death": "死亡后结算",
        "other": "其他",
    },
    "entity_type": {"person": "参保人", "doctor": "医师", "facility": "医疗机构", "pharmacy": "药店"},
    "role": {
        "organizer": "组织者",
        "doctor": "医师",
        "recruit": "被招揽人员",
        "card_holder": "持卡人",
        "patient": "患者",
        "venue": "机构",
    },
}

SHEET_NAMES = {"zh": ("可疑团伙", "团伙成员"), "en": ("rings", "members")}
_ID_COLUMNS = {"ring_id", "entity_id"}
_INT_COLUMNS = {"rank", "persons", "doctors", "facilities", "pharmacies", "claims"}
_FLOAT_FORMATS = {"score": "0.00", "fund_amount": "#,##0.00"}


def escape_formula(value: Any) -> Any:
    """Prefix text a spreadsheet would evaluate with an apostrophe; other values pass.

    >>> escape_formula("=HYPERLINK(\\"http://x\\")"), escape_formula("-1+2"), escape_formula("R1"), escape_formula(3.5)
    ('\\'=HYPERLINK("http://x")', "'-1+2", 'R1', 3.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _width(value: Any) -> int:
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_value(column: str, value: Any, lang: str) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if column in _INT_COLUMNS:
        return int(value)
    if column in _FLOAT_FORMATS:
        return float(value)
    text = str(value)
    if lang == "zh":
        text = ZH_VALUES.get(column, {}).get(text, text)
    return escape_formula(text)


def _write_sheet(ws: Any, frame: pd.DataFrame, columns: tuple[tuple[str, str], ...], lang: str,
                 alerts: pd.Series) -> None:  # fmt: skip
    """Fill one worksheet: header, rows, alert fills, formats, widths, frozen header, filter."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    names = [en for en, _ in columns]
    ws.append([zh if lang == "zh" else en for en, zh in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    fills = {a: PatternFill("solid", start_color=c, end_color=c) for a, c in ALERT_FILLS.items()}
    alert_col = names.index("alert") + 1 if "alert" in names else names.index("ring_id") + 1
    for i, row in enumerate(frame[names].itertuples(index=False), start=2):
        ws.append([_cell_value(c, v, lang) for c, v in zip(names, row)])
        fill = fills.get(str(alerts.iloc[i - 2]))
        if fill is not None:
            ws.cell(row=i, column=alert_col).fill = fill
    widths = []
    for j, name in enumerate(names, start=1):
        letter = get_column_letter(j)
        for cell in ws[letter][1:]:
            if name in _FLOAT_FORMATS:
                cell.number_format = _FLOAT_FORMATS[name]
            elif name in _ID_COLUMNS:
                cell.number_format = "@"
        longest = max([_width(c.value) for c in ws[letter][:200] if c.value is not None] + [4])
        widths.append(min(longest + 2, 80))
        ws.column_dimensions[letter].width = widths[-1]
    if "reasons" in names:
        for cell in ws[get_column_letter(names.index("reasons") + 1)][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def build_workbook(rings: pd.DataFrame, members: pd.DataFrame, *, lang: str = "zh") -> Any:
    """An ``openpyxl.Workbook`` with a rings sheet and a members sheet.

    Parameters
    ----------
    rings : DataFrame
        rings.csv with English column names (:data:`~graphfraud.contract.RINGS_COLUMNS`).
    members : DataFrame
        ring_members.csv with English column names.
    lang : {"zh", "en"}, default "zh"
        Headers, sheet names and category values (alert, typology, role, entity type)
        in Chinese or English.  Reasons stay as detect wrote them.

    Returns
    -------
    openpyxl.Workbook

    Raises
    ------
    ParamError
        When ``lang`` is not ``zh`` or ``en``.
    """
    from openpyxl import Workbook

    if lang not in SHEET_NAMES:
        raise ParamError(f"The 'lang' parameter of build_workbook must be 'zh' or 'en'. Got {lang!r} instead.")
    wb = Workbook()
    ws_rings = wb.active
    ws_rings.title = SHEET_NAMES[lang][0]
    _write_sheet(ws_rings, rings, RINGS_COLUMNS, lang, rings["alert"].reset_index(drop=True))
    alert_of = dict(zip(rings["ring_id"], rings["alert"]))
    member_alerts = members["ring_id"].map(alert_of).reset_index(drop=True)
    _write_sheet(wb.create_sheet(SHEET_NAMES[lang][1]), members, MEMBERS_COLUMNS, lang, member_alerts)
    return wb


def write_workbook(rings: pd.DataFrame, members: pd.DataFrame, dest: str | Path, *, lang: str = "zh") -> Path:
    """Write :func:`build_workbook` to ``dest`` atomically (temporary file, then rename).

    Returns
    -------
    Path
        ``dest``.  A failure leaves any previous file at ``dest`` untouched.
    """
    dest = Path(dest)
    wb = build_workbook(rings, members, lang=lang)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest
