"""Spreadsheet export of a detect run: the workbook bureau staff open in Excel or WPS.

Four sheets, one per file ``detect`` wrote for people: the ranked rings
(``rings.csv``), their members (``ring_members.csv``), one row per reason of
every ring with its numbers (``ring_reasons.csv``), and the dense groups left
out as legitimate care with the reason why (``explained.csv``).  Chinese
headers by default (from :mod:`graphfraud.contract`), alert colours (红/橙/黄
三级预警) wherever a ring's alert is shown, a frozen header row, filters and
column widths that fit the content.  Every members and reasons row carries its
ring's id, linked to the ring's row on the rings sheet.

Person ids and the phones quoted in reasons are masked by default, as in
evidence packs (:class:`graphfraud.mask.Masker`: keyed hashes, consistent
within one workbook, not reversible); ``unmask=True`` (``--unmask``) shows them.
Text that a spreadsheet would run as a formula (a cell starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) is written with a leading
apostrophe, so an id or a reason can never execute.  :func:`write_csv_dir`
writes the same sheets, headers and cells as CSV files in UTF-8 with a
byte-order mark (without it Excel reads UTF-8 as the local code page).

Layer: beside ``evaluate``/``evidence``/``neo4j``; it receives the tables of a
detect run (see :func:`graphfraud.outputs.views.read_output`) and imports io (atomic
directories) and the foundation.
"""

from __future__ import annotations

import csv
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from graphfraud.contract import EXPLAINED_COLUMNS, MEMBERS_COLUMNS, REASONS_COLUMNS, RINGS_COLUMNS
from graphfraud.errors import ParamError
from graphfraud.io.write import atomic_dir, atomic_file
from graphfraud.mask import Masker
from graphfraud.score.wording import joined, reasons_by_ring, say_row, term

#: Fill colours (ARGB hex) of the alert levels.
ALERT_FILLS = {"red": "FFFF8A80", "orange": "FFFFC470", "yellow": "FFFFF176"}

#: Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Columns whose values are said in Chinese with ``lang="zh"``: column -> kind of term of the one glossary
#: (:func:`graphfraud.score.wording.term`); anything else is kept as is.
ZH_TERMS = {"alert": "alert_level", "typology": "typology", "entity_type": "entity_type", "role": "role"}

#: The sheets in order: key (the attribute of :class:`ExportTables`) and columns (English, Chinese).
SHEETS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("rings", RINGS_COLUMNS),
    ("members", MEMBERS_COLUMNS),
    ("reasons", (RINGS_COLUMNS[0], REASONS_COLUMNS[0], RINGS_COLUMNS[3]) + REASONS_COLUMNS[1:]),
    ("explained", EXPLAINED_COLUMNS),
)

#: Sheet names (and CSV file stems) per language, in the order of :data:`SHEETS`.
SHEET_NAMES = {"zh": ("可疑团伙", "团伙成员", "疑点明细", "已排除的正常群体"),
               "en": ("rings", "members", "reasons", "explained")}  # fmt: skip

_ID_COLUMNS = {"ring_id", "entity_id"}
_INT_COLUMNS = {"rank", "persons", "doctors", "facilities", "pharmacies", "claims"}
_FLOAT_FORMATS = {"score": "0.00", "fund_amount": "#,##0.00", "value": "General", "threshold": "General",
                  "points": "0.00"}  # fmt: skip
_TEXT_COLUMNS = ("reasons", "text")
_LINK_FONT = {"color": "FF0563C1", "underline": "single"}

#: A phone quoted in a reason's text (code ``shared_phone``): ``... bound to one phone VALUE`` or ``…绑定同一手机号 VALUE``.
_PHONE_IN_TEXT = re.compile(r"(bound to one phone |绑定同一手机号 )([^\s;；]+)")


@dataclass(frozen=True)
class ExportTables:
    """The sheets of an export, with English column names in sheet order, masked unless ``masked`` is False.

    Attributes
    ----------
    rings, members, explained : DataFrame
        Columns of :data:`~graphfraud.contract.RINGS_COLUMNS`, ``MEMBERS_COLUMNS``, ``EXPLAINED_COLUMNS``.
    reasons : DataFrame
        ``rank, ring_id, alert, code, value, threshold, points, text``: ring_reasons.csv
        with its ring's rank and alert, ordered by rank.
    masked : bool
        Whether person ids and quoted phones were masked.
    """

    rings: pd.DataFrame
    members: pd.DataFrame
    reasons: pd.DataFrame
    explained: pd.DataFrame
    masked: bool

    def sheets(self) -> Iterator[tuple[str, pd.DataFrame, tuple[tuple[str, str], ...]]]:
        """``(key, frame, columns)`` of each sheet, in order."""
        for key, columns in SHEETS:
            yield key, getattr(self, key), columns


def escape_formula(value: Any) -> Any:
    """Prefix text a spreadsheet would evaluate with an apostrophe; other values pass.

    >>> escape_formula("=HYPERLINK(\\"http://x\\")"), escape_formula("-1+2"), escape_formula("R1"), escape_formula(3.5)
    ('\\'=HYPERLINK("http://x")', "'-1+2", 'R1', 3.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_tables(rings: pd.DataFrame, members: pd.DataFrame, *, reasons: pd.DataFrame | None = None,
                  explained: pd.DataFrame | None = None, explained_reasons: pd.DataFrame | None = None,
                  lang: str = "en", unmask: bool = False, key: bytes | None = None) -> ExportTables:  # fmt: skip
    """The four sheets of an export as DataFrames, person ids and quoted phones masked.

    Parameters
    ----------
    rings, members : DataFrame
        rings.csv and ring_members.csv with English column names.
    reasons, explained : DataFrame, optional
        ring_reasons.csv and explained.csv; an empty sheet when None.
    explained_reasons : DataFrame, optional
        explained_reasons.csv: the reasons of the explained groups (code and args).
    lang : {"zh", "en"}, default "en"
        Language of the reasons: each is said from its code and args
        (:func:`graphfraud.score.wording.say_row`; rows without args keep their English text).
    unmask : bool, default False
        Keep person ids (members whose entity_type is ``person``) and the phones quoted
        in reasons as they are, instead of replacing them by ``PSN-…`` / ``TEL-…`` masks.
    key : bytes, optional
        Masking key; random by default, so masks agree within one export only.

    Returns
    -------
    ExportTables

    Examples
    --------
    >>> rings = pd.DataFrame({"rank": [1], "ring_id": ["R1"], "alert": ["red"],
    ...                       "reasons": ["5 persons at 5 addresses bound to one phone 13800000000; more"]})
    >>> members = pd.DataFrame({"ring_id": ["R1"], "entity_type": ["person"], "entity_id": ["0012"], "role": ["recruit"],
    ...                         "score": [1.0]})
    >>> t = export_tables(rings, members, key=b"k")
    >>> t.members["entity_id"].iloc[0], t.rings["reasons"].iloc[0]
    ('PSN-6b56159a', '5 persons at 5 addresses bound to one phone TEL-383b2dbb; more')
    """
    masker = Masker(enabled=not unmask, key=key)
    empty_rings = pd.DataFrame(columns=[e for e, _ in RINGS_COLUMNS])
    explained = empty_rings if explained is None else explained
    reasons = pd.DataFrame(columns=[e for e, _ in REASONS_COLUMNS]) if reasons is None else reasons
    of_ring = rings.drop_duplicates("ring_id").set_index("ring_id")
    reasons = reasons.assign(rank=reasons["ring_id"].map(of_ring["rank"]),
                             alert=reasons["ring_id"].map(of_ring["alert"]))  # fmt: skip
    reasons = reasons.sort_values("rank", kind="stable", na_position="last")
    rings, reasons, explained = _said(rings, reasons, explained, explained_reasons, lang)
    frames = {}
    for key_, frame, columns in (("rings", rings, RINGS_COLUMNS), ("members", members, MEMBERS_COLUMNS),
                                 ("reasons", reasons, SHEETS[2][1]), ("explained", explained, EXPLAINED_COLUMNS)):  # fmt: skip
        frame = frame.reindex(columns=[e for e, _ in columns]).reset_index(drop=True)
        frames[key_] = _masked(frame, masker)
    return ExportTables(**frames, masked=masker.enabled)


def _said(
    rings: pd.DataFrame,
    reasons: pd.DataFrame,
    explained: pd.DataFrame,
    explained_reasons: pd.DataFrame | None,
    lang: str,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The reasons texts in ``lang``, from each reason's code and args (rings without any keep theirs)."""

    def cells(frame: pd.DataFrame, said: dict[str, list[str]]) -> pd.DataFrame:
        if frame.empty or not said:
            return frame
        texts = [joined(said[i], lang) if said.get(i) else t for i, t in zip(frame["ring_id"], frame["reasons"])]
        return frame.assign(reasons=texts)

    if "args" in reasons.columns and not reasons.empty:
        reasons = reasons.assign(text=[say_row(c, a, t, lang) for c, a, t in
                                       zip(reasons["code"], reasons["args"], reasons["text"])])  # fmt: skip
    rings = cells(rings, reasons_by_ring(reasons, lang) if "args" in reasons.columns else {})
    if explained_reasons is not None and "args" in explained_reasons.columns:
        explained = cells(explained, reasons_by_ring(explained_reasons, lang))
    return rings, reasons, explained


def _masked(frame: pd.DataFrame, masker: Masker) -> pd.DataFrame:
    """Person ids in ``entity_id`` and phones quoted in ``reasons``/``text`` replaced by their masks."""
    if not masker.enabled:
        return frame
    frame = frame.copy()
    if "entity_id" in frame.columns:
        persons = frame["entity_type"] == "person"
        frame["entity_id"] = frame["entity_id"].astype(object)
        frame.loc[persons, "entity_id"] = masker.series("person", frame.loc[persons, "entity_id"])
    for name in _TEXT_COLUMNS:
        if name in frame.columns:
            frame[name] = frame[name].map(
                lambda t: _PHONE_IN_TEXT.sub(lambda m: m.group(1) + str(masker.mask("phone", m.group(2))), t)
                if isinstance(t, str) else t)  # fmt: skip
    return frame


def _width(value: Any) -> int:
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_value(column: str, value: Any, lang: str) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str) and not value.strip() and (column in _INT_COLUMNS or column in _FLOAT_FORMATS):
        return None
    if column in _INT_COLUMNS:
        return int(value)
    if column in _FLOAT_FORMATS:
        return float(value)
    text = str(value)
    if lang == "zh":
        text = term(ZH_TERMS[column], text, "zh") if column in ZH_TERMS else text
    return escape_formula(text)


def _check_lang(lang: str, func: str) -> None:
    if lang not in SHEET_NAMES:
        raise ParamError(f"The 'lang' parameter of {func} must be 'zh' or 'en'. Got {lang!r} instead.")


def _write_sheet(ws: Any, frame: pd.DataFrame, columns: tuple[tuple[str, str], ...], lang: str,
                 alerts: pd.Series, links: pd.Series | None = None) -> None:  # fmt: skip
    """Fill one worksheet: header, rows, alert fills, links to rings, formats, widths, frozen header, filter.

    ``alerts`` holds each row's ring alert (the alert cell, else the ring_id cell, is
    filled); ``links`` the hyperlink location of each row's ring (None: no link).
    """
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    names = [en for en, _ in columns]
    ws.append([zh if lang == "zh" else en for en, zh in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    fills = {a: PatternFill("solid", start_color=c, end_color=c) for a, c in ALERT_FILLS.items()}
    alert_col = names.index("alert") + 1 if "alert" in names else names.index("ring_id") + 1
    ring_col = names.index("ring_id") + 1
    link_font = Font(**_LINK_FONT)
    row_links = links.tolist() if links is not None else [None] * len(frame)
    for i, (row, alert, link) in enumerate(zip(frame[names].itertuples(index=False), alerts.tolist(), row_links),
                                           start=2):  # fmt: skip
        ws.append([_cell_value(c, v, lang) for c, v in zip(names, row)])
        fill = fills.get(str(alert))
        if fill is not None:
            ws.cell(row=i, column=alert_col).fill = fill
        if isinstance(link, str):
            cell = ws.cell(row=i, column=ring_col)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=link)
            cell.font = link_font
    for j, name in enumerate(names, start=1):
        letter = get_column_letter(j)
        for cell in ws[letter][1:]:
            if name in _FLOAT_FORMATS:
                cell.number_format = _FLOAT_FORMATS[name]
            elif name in _ID_COLUMNS:
                cell.number_format = "@"
            if name in _TEXT_COLUMNS:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        longest = max([_width(c.value) for c in ws[letter][:200] if c.value is not None] + [4])
        ws.column_dimensions[letter].width = min(longest + 2, 80)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def build_workbook(rings: pd.DataFrame, members: pd.DataFrame, *, reasons: pd.DataFrame | None = None,
                   explained: pd.DataFrame | None = None, explained_reasons: pd.DataFrame | None = None,
                   lang: str = "zh", unmask: bool = False) -> Any:  # fmt: skip
    """An ``openpyxl.Workbook`` with the rings, members, reasons and explained sheets.

    Parameters
    ----------
    rings : DataFrame
        rings.csv with English column names (:data:`~graphfraud.contract.RINGS_COLUMNS`).
    members : DataFrame
        ring_members.csv with English column names.
    reasons : DataFrame, optional
        ring_reasons.csv (:data:`~graphfraud.contract.REASONS_COLUMNS`); each row gets its ring's
        rank and alert, and its ring_id links to the ring's row.  An empty sheet when None.
    explained : DataFrame, optional
        explained.csv: dense groups left out as legitimate care.  An empty sheet when None.
        Their alert cells get no fill: they are not alerts.
    explained_reasons : DataFrame, optional
        explained_reasons.csv, to say the explained groups' reasons in ``lang``.
    lang : {"zh", "en"}, default "zh"
        Headers, sheet names, category values (alert, typology, role, entity type) and
        reasons (said from their code and args) in Chinese or English.
    unmask : bool, default False
        Show person ids and the phones quoted in reasons instead of their masks.

    Returns
    -------
    openpyxl.Workbook

    Raises
    ------
    ParamError
        When ``lang`` is not ``zh`` or ``en``.
    """
    from openpyxl import Workbook

    _check_lang(lang, "build_workbook")
    tables = export_tables(rings, members, reasons=reasons, explained=explained,
                           explained_reasons=explained_reasons, lang=lang, unmask=unmask)  # fmt: skip
    names = dict(zip((k for k, _ in SHEETS), SHEET_NAMES[lang]))
    ring_row = {r: f"'{names['rings']}'!A{i}" for i, r in enumerate(tables.rings["ring_id"], start=2)}
    alert_of = dict(zip(tables.rings["ring_id"], tables.rings["alert"]))
    wb = Workbook()
    wb.remove(wb.active)
    for key, frame, columns in tables.sheets():
        ws = wb.create_sheet(names[key])
        if key == "rings":
            _write_sheet(ws, frame, columns, lang, frame["alert"])
        elif key == "explained":  # left out as legitimate care: no alert colour (issue 16)
            _write_sheet(ws, frame, columns, lang, pd.Series([None] * len(frame), dtype=object))
        else:
            _write_sheet(ws, frame, columns, lang, frame["ring_id"].map(alert_of), frame["ring_id"].map(ring_row))
    return wb


def write_workbook(rings: pd.DataFrame, members: pd.DataFrame, dest: str | Path, *,
                   reasons: pd.DataFrame | None = None, explained: pd.DataFrame | None = None,
                   explained_reasons: pd.DataFrame | None = None, lang: str = "zh",
                   unmask: bool = False) -> Path:  # fmt: skip
    """Write :func:`build_workbook` to ``dest`` atomically (temporary file, then rename).

    Returns
    -------
    Path
        ``dest``.  A failure leaves any previous file at ``dest`` untouched.

    Raises
    ------
    ParamError
        When ``lang`` is not ``zh`` or ``en``, or ``dest`` is a directory, a
        symbolic link or an existing file that is not an .xlsx workbook.
    """
    dest = Path(dest)
    if dest.is_dir():
        raise ParamError(f"The 'dest' parameter of write_workbook must be a file. Got {str(dest)!r}, a directory.")
    if dest.is_symlink() or (dest.exists() and (dest.suffix.lower() != ".xlsx" or not zipfile.is_zipfile(dest))):
        raise ParamError(
            f"The 'dest' parameter of write_workbook must be a new file or an earlier .xlsx workbook "
            f"(it is replaced). Got {str(dest)!r}, which is another file; choose another path."
        )
    wb = build_workbook(rings, members, reasons=reasons, explained=explained, explained_reasons=explained_reasons,
                        lang=lang, unmask=unmask)  # fmt: skip
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(dest, publish=True) as tmp:
        wb.save(tmp)
    return dest


def write_csv_dir(rings: pd.DataFrame, members: pd.DataFrame, dest: str | Path, *,
                  reasons: pd.DataFrame | None = None, explained: pd.DataFrame | None = None,
                  explained_reasons: pd.DataFrame | None = None, lang: str = "zh",
                  unmask: bool = False) -> Path:  # fmt: skip
    """Write the sheets of :func:`build_workbook` as CSV files (UTF-8 with BOM) into the directory ``dest``.

    One file per sheet, named after it (``可疑团伙.csv`` ..., or ``rings.csv`` ... with
    ``lang="en"``), with the same headers, values, masks and formula escaping; money
    has two decimals.  The directory is written atomically (:func:`graphfraud.io.write.atomic_dir`).

    Returns
    -------
    Path
        ``dest``.  A failure leaves any previous export at ``dest`` untouched.

    Raises
    ------
    ParamError
        When ``lang`` is not ``zh`` or ``en``, or ``dest`` is a file or a directory that
        holds anything but a previous CSV export (it would be replaced as a whole).

    Notes
    -----
    Excel opening a CSV still turns numeric-looking ids into numbers (leading zeros of
    unmasked person ids are lost); the xlsx workbook keeps every id as text.
    """
    _check_lang(lang, "write_csv_dir")
    dest = Path(dest)
    _check_csv_dest(dest)
    tables = export_tables(rings, members, reasons=reasons, explained=explained,
                           explained_reasons=explained_reasons, lang=lang, unmask=unmask)  # fmt: skip
    with atomic_dir(dest, owned=_is_csv_export, what="CSV export") as tmp:
        for (_, frame, columns), name in zip(tables.sheets(), SHEET_NAMES[lang]):
            names = [en for en, _ in columns]
            with open(tmp / f"{name}.csv", "w", encoding="utf-8-sig", newline="") as f:
                writer = csv.writer(f, lineterminator="\r\n")
                writer.writerow([zh if lang == "zh" else en for en, zh in columns])
                for row in frame[names].itertuples(index=False):
                    writer.writerow([_csv_value(c, v, lang) for c, v in zip(names, row)])
    return dest


def _csv_value(column: str, value: Any, lang: str) -> Any:
    value = _cell_value(column, value, lang)
    if value is None:
        return ""
    if _FLOAT_FORMATS.get(column) == "#,##0.00":
        return f"{value:.2f}"
    return value


_EXPORT_FILES = {f"{name}.csv" for names in SHEET_NAMES.values() for name in names}


def _is_csv_export(dest: Path) -> bool:
    """Whether ``dest`` holds only the files of a CSV export (a previous one, safe to replace)."""
    return all(p.name in _EXPORT_FILES and p.is_file() and not p.is_symlink() for p in dest.iterdir())


def _check_csv_dest(dest: Path) -> None:
    exports = _EXPORT_FILES
    if dest.exists() and not dest.is_dir():
        raise ParamError(f"The 'dest' parameter of write_csv_dir must be a directory. Got {str(dest)!r}, a file.")
    others = sorted(p.name for p in dest.iterdir() if p.name not in exports) if dest.is_dir() else []
    if others:
        raise ParamError(f"The 'dest' parameter of write_csv_dir must be a new directory or a previous CSV export "
                         f"(it is replaced as a whole). Got {str(dest)!r}, which holds {', '.join(others[:5])}; "
                         f"choose another directory.")  # fmt: skip
