"""graphfraud export --format xlsx and graphfraud.export (issue 7): the workbook is opened back and checked."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.contract import MEMBERS_COLUMNS, RINGS_COLUMNS
from graphfraud.errors import ParamError
from graphfraud.export import ALERT_FILLS, build_workbook, escape_formula, write_workbook


def _tables():
    rings = pd.DataFrame({
        "rank": [1, 2, 3], "ring_id": ["R1", "=cmd|' /C calc'!A0", "R3"], "score": [90.5, 60.0, 30.25],
        "alert": ["red", "orange", "yellow"], "typology": ["staged_clinic", "kickback", "other"],
        "persons": [40, 10, 5], "doctors": [3, 1, 0], "facilities": [1, 1, 0], "pharmacies": [0, 1, 1],
        "claims": [1200, 90, 20], "fund_amount": [223947.17, 5000.5, 12.0],
        "reasons": ["47 of 47 persons were at H1 on >= 4 of the same 30 days; 12-day cycle",
                    "+lift 27x", "@SUM(A1:A2)"],
    })
    members = pd.DataFrame({
        "ring_id": ["R1", "R1", "R3"], "entity_type": ["facility", "person", "person"],
        "entity_id": ["H1", "0012345678", "-2+3"], "role": ["venue", "recruit", "card_holder"],
        "score": [1.0, 0.5, 0.25],
    })
    return rings, members


def test_escape_formula():
    assert [escape_formula(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "ok", 5)] == [
        "'=1+1", "'+1", "'-1", "'@x", "'\tx", "ok", 5]


def test_workbook_headers_fills_freeze_and_escaping(tmp_path):
    rings, members = _tables()
    path = write_workbook(rings, members, tmp_path / "out" / "rings.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["可疑团伙", "团伙成员"]
    ws, wm = wb.worksheets
    assert [c.value for c in ws[1]] == [zh for _, zh in RINGS_COLUMNS]
    assert [c.value for c in wm[1]] == [zh for _, zh in MEMBERS_COLUMNS]
    assert ws.freeze_panes == "A2" and wm.freeze_panes == "A2"
    alert_col = [en for en, _ in RINGS_COLUMNS].index("alert") + 1
    for row, alert in ((2, "red"), (3, "orange"), (4, "yellow")):
        assert ws.cell(row=row, column=alert_col).fill.start_color.rgb == ALERT_FILLS[alert]
    assert ws.cell(row=2, column=alert_col).value == "红色"
    assert ws.cell(row=2, column=5).value == "虚构诊疗"
    # formula injection: stored as text with a leading apostrophe, never as a formula
    assert ws.cell(row=3, column=2).value == "'=cmd|' /C calc'!A0" and ws.cell(row=3, column=2).data_type == "s"
    assert ws.cell(row=3, column=12).value == "'+lift 27x"
    assert ws.cell(row=4, column=12).value == "'@SUM(A1:A2)"
    assert wm.cell(row=4, column=3).value == "'-2+3"
    # ids keep leading zeros, numbers stay numbers with formats
    assert wm.cell(row=3, column=3).value == "0012345678"
    assert ws.cell(row=2, column=11).value == pytest.approx(223947.17)
    assert ws.cell(row=2, column=11).number_format == "#,##0.00"
    assert ws.cell(row=2, column=1).value == 1
    # widths fit the content, the reasons column is wide but capped
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert 10 <= widths["B"] <= 30 and widths["L"] >= 40 and max(widths.values()) <= 80
    # members are coloured by their ring's alert
    assert wm.cell(row=2, column=1).fill.start_color.rgb == ALERT_FILLS["red"]
    assert not list(tmp_path.joinpath("out").glob(".*tmp"))


def test_workbook_english():
    rings, members = _tables()
    wb = build_workbook(rings, members, lang="en")
    assert wb.sheetnames == ["rings", "members"]
    assert [c.value for c in wb.worksheets[0][1]] == [en for en, _ in RINGS_COLUMNS]
    assert wb.worksheets[0].cell(row=2, column=4).value == "red"
    with pytest.raises(ParamError, match="'lang' parameter"):
        build_workbook(rings, members, lang="fr")


def test_failed_write_keeps_previous_file(tmp_path, monkeypatch):
    rings, members = _tables()
    dest = write_workbook(rings, members, tmp_path / "r.xlsx")
    before = dest.read_bytes()

    def boom(self, filename):
        open(filename, "wb").write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", boom)
    with pytest.raises(OSError):
        write_workbook(rings, members, dest)
    assert dest.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


def test_cli_export(sample_out, tmp_path):
    runner = CliRunner()
    dest = tmp_path / "en.xlsx"
    res = runner.invoke(main, ["export", str(sample_out), "--format", "xlsx", "--lang", "en", "--dest", str(dest), "-q"])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(dest)
    wb = openpyxl.load_workbook(dest)
    n_rings = len(pd.read_csv(sample_out / "rings.csv"))
    assert wb["rings"].max_row == n_rings + 1
    res = runner.invoke(main, ["export", str(sample_out)])
    assert res.exit_code == 0 and (sample_out / "rings.xlsx").exists()
    assert runner.invoke(main, ["export", str(sample_out), "--format", "pdf"]).exit_code == 2
    assert runner.invoke(main, ["export", str(tmp_path / "nope")]).exit_code == 1
    assert "Example:" in runner.invoke(main, ["export", "--help"]).output
