"""graphfraud export --format xlsx and graphfraud.outputs.export (issue 7): the workbook is opened back and checked."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.contract import EXPLAINED_COLUMNS, MEMBERS_COLUMNS, REASONS_COLUMNS, RINGS_COLUMNS
from graphfraud.errors import ParamError
from graphfraud.outputs.export import ALERT_FILLS, SHEETS, build_workbook, escape_formula, export_tables, write_workbook

INJECTION = "=cmd|' /C calc'!A0"
REASON_COLUMNS = [en for en, _ in SHEETS[2][1]]


def _tables():
    rings = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "ring_id": ["R1", INJECTION, "R3"],
            "score": [90.5, 60.0, 30.25],
            "alert": ["red", "orange", "yellow"],
            "typology": ["staged_clinic", "kickback", "other"],
            "persons": [40, 10, 5],
            "doctors": [3, 1, 0],
            "facilities": [1, 1, 0],
            "pharmacies": [0, 1, 1],
            "claims": [1200, 90, 20],
            "fund_amount": [223947.17, 5000.5, 12.0],
            "reasons": [
                "47 of 47 persons were at H1 on >= 4 of the same 30 days; 12-day cycle",
                "+lift 27x",
                "@SUM(A1:A2); 6 persons at 6 addresses bound to one phone 13800000000",
            ],
        }
    )
    members = pd.DataFrame(
        {
            "ring_id": ["R1", "R1", "R3"],
            "entity_type": ["facility", "person", "person"],
            "entity_id": ["H1", "0012345678", "-2+3"],
            "role": ["venue", "recruit", "card_holder"],
            "score": [1.0, 0.5, 0.25],
        }
    )
    # as views.read_output gives it: text, numbers included; R3 (rank 3) listed before R1 to check the order
    reasons = pd.DataFrame(
        {
            "ring_id": ["R3", "R1", "R1", INJECTION],
            "code": ["shared_phone", "lockstep", "cycle", "steering"],
            "value": ["6.0", "1.0", "1.0", ""],
            "threshold": ["4.0", "0.3", "0.5", ""],
            "points": ["15.0", "20.0", "5.0", ""],
            "text": [
                "6 persons at 6 addresses bound to one phone 13800000000",
                "47 of 47 persons were at H1 on >= 4 of the same 30 days",
                "12-day cycle",
                "=1+1",
            ],
        }
    )
    explained = pd.DataFrame(
        {
            "rank": [1],
            "ring_id": ["RB1"],
            "score": [6.45],
            "alert": ["yellow"],
            "typology": ["other"],
            "persons": [6],
            "doctors": [1],
            "facilities": [1],
            "pharmacies": [0],
            "claims": [51],
            "fund_amount": [2320.86],
            "reasons": ["looks like one household: 6 persons at 2 address(es); cost 0.59x peers'"],
        }
    )
    return rings, members, reasons, explained


def _sheets(tmp_path, **kw):
    rings, members, reasons, explained = _tables()
    path = write_workbook(rings, members, tmp_path / "out" / "rings.xlsx", reasons=reasons, explained=explained, **kw)
    return openpyxl.load_workbook(path)


def _header(ws):
    return [c.value for c in ws[1]]


def test_escape_formula():
    assert [escape_formula(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "ok", 5)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "ok",
        5,
    ]


def test_workbook_headers_fills_freeze_and_escaping(tmp_path):
    wb = _sheets(tmp_path)
    assert wb.sheetnames == ["可疑团伙", "团伙成员", "疑点明细", "已排除的正常群体"]
    ws, wm, wr, we = wb.worksheets
    assert _header(ws) == [zh for _, zh in RINGS_COLUMNS]
    assert _header(wm) == [zh for _, zh in MEMBERS_COLUMNS]
    assert _header(wr) == ["排名", "团伙编号", "预警等级"] + [zh for _, zh in REASONS_COLUMNS[1:]]
    assert _header(we) == [zh for _, zh in EXPLAINED_COLUMNS] and _header(we)[-1] == "排除理由及疑点"
    for sheet in wb.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    alert_col = [en for en, _ in RINGS_COLUMNS].index("alert") + 1
    for row, alert in ((2, "red"), (3, "orange"), (4, "yellow")):
        assert ws.cell(row=row, column=alert_col).fill.start_color.rgb == ALERT_FILLS[alert]
    assert ws.cell(row=2, column=alert_col).value == "红色"
    assert ws.cell(row=2, column=5).value == "虚构诊疗（诊所团伙）"
    # formula injection: stored as text with a leading apostrophe, never as a formula
    assert ws.cell(row=3, column=2).value == "'" + INJECTION and ws.cell(row=3, column=2).data_type == "s"
    assert ws.cell(row=3, column=12).value == "'+lift 27x"
    assert ws.cell(row=4, column=12).value.startswith("'@SUM(A1:A2)")
    assert wr.cell(row=4, column=2).value == "'" + INJECTION and wr.cell(row=4, column=8).value == "'=1+1"
    assert not [c for sheet in wb.worksheets for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    # ids keep their text format, numbers stay numbers with formats
    assert ws.cell(row=2, column=11).value == pytest.approx(223947.17)
    assert ws.cell(row=2, column=11).number_format == "#,##0.00"
    assert ws.cell(row=2, column=1).value == 1
    # widths fit the content, the reasons column is wide but capped
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert 10 <= widths["B"] <= 30 and widths["L"] >= 40 and max(widths.values()) <= 80
    # members are coloured by their ring's alert
    assert wm.cell(row=2, column=1).fill.start_color.rgb == ALERT_FILLS["red"]
    assert not list(tmp_path.joinpath("out").glob(".*tmp"))


def test_reasons_sheet_rows_numbers_links_and_colours(tmp_path):
    wr = _sheets(tmp_path, lang="en")["reasons"]
    assert _header(wr) == REASON_COLUMNS == ["rank", "ring_id", "alert", "code", "value", "threshold", "points", "text"]
    rows = list(wr.iter_rows(min_row=2, values_only=True))
    # ordered by the ring's rank (stable within a ring), every row names its ring
    assert [(r[0], r[1], r[3]) for r in rows] == [
        (1, "R1", "lockstep"),
        (1, "R1", "cycle"),
        (2, "'" + INJECTION, "steering"),
        (3, "R3", "shared_phone"),
    ]
    assert rows[0][4:7] == (1.0, 0.3, 20.0) and rows[2][4:7] == (None, None, None)
    assert wr.cell(row=2, column=7).number_format == "0.00"
    # ring_id links to the ring's row on the rings sheet; the alert cell has the ring's colour
    assert wr.cell(row=2, column=2).hyperlink.location == "'rings'!A2"
    assert wr.cell(row=5, column=2).hyperlink.location == "'rings'!A4"
    assert (
        wr.cell(row=2, column=3).value == "red" and wr.cell(row=2, column=3).fill.start_color.rgb == ALERT_FILLS["red"]
    )
    assert wr.cell(row=5, column=3).fill.start_color.rgb == ALERT_FILLS["yellow"]


def test_explained_sheet(tmp_path):
    we = _sheets(tmp_path, lang="en")["explained"]
    assert _header(we) == [en for en, _ in RINGS_COLUMNS]
    row = next(we.iter_rows(min_row=2, values_only=True))
    assert row[1] == "RB1" and row[-1].startswith("looks like one household") and row[-2] == pytest.approx(2320.86)
    # issue 16: groups left out as legitimate care are not alerts, so they get no alert colour
    assert all(c.fill.fill_type is None for row in we.iter_rows(min_row=2) for c in row)


def test_person_ids_and_phones_masked_by_default(tmp_path):
    wb = _sheets(tmp_path)
    ws, wm, wr, _ = wb.worksheets
    ids = [c.value for c in wm["C"][1:]]
    assert ids[0] == "H1" and all(i.startswith("PSN-") for i in ids[1:]) and ids[1] != ids[2]
    text = " ".join(str(c.value) for sheet in wb.worksheets for row in sheet.iter_rows() for c in row)
    assert "0012345678" not in text and "13800000000" not in text and "-2+3" not in text
    # the same phone gets the same mask on the rings and the reasons sheet
    phone = wr.cell(row=5, column=8).value.rsplit(" ", 1)[1]
    assert phone.startswith("TEL-") and ws.cell(row=4, column=12).value.endswith(f"bound to one phone {phone}")


def test_unmask_keeps_ids_with_leading_zeros_and_escapes_them(tmp_path):
    wb = _sheets(tmp_path, unmask=True)
    wm = wb.worksheets[1]
    assert wm.cell(row=3, column=3).value == "0012345678" and wm.cell(row=3, column=3).number_format == "@"
    assert wm.cell(row=4, column=3).value == "'-2+3"
    assert wb.worksheets[2].cell(row=5, column=8).value.endswith("phone 13800000000")


def test_export_tables_without_reasons_or_explained():
    rings, members, _, _ = _tables()
    t = export_tables(rings, members)
    assert t.masked and t.reasons.empty and t.explained.empty
    assert list(t.reasons.columns) == REASON_COLUMNS and list(t.explained.columns) == [e for e, _ in RINGS_COLUMNS]
    wb = build_workbook(rings, members, lang="en")
    assert wb.sheetnames == ["rings", "members", "reasons", "explained"] and wb["reasons"].max_row == 1


def test_workbook_english():
    rings, members, reasons, explained = _tables()
    wb = build_workbook(rings, members, reasons=reasons, explained=explained, lang="en")
    assert wb.sheetnames == ["rings", "members", "reasons", "explained"]
    assert [_header(wb[k]) for k, _ in SHEETS] == [[en for en, _ in cols] for _, cols in SHEETS]
    assert wb.worksheets[0].cell(row=2, column=4).value == "red"
    with pytest.raises(ParamError, match="'lang' parameter"):
        build_workbook(rings, members, lang="fr")


def test_failed_write_keeps_previous_file(tmp_path, monkeypatch):
    rings, members, _, _ = _tables()
    dest = write_workbook(rings, members, tmp_path / "r.xlsx")
    before = dest.read_bytes()

    def boom(self, filename):
        open(filename, "wb").write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", boom)
    with pytest.raises(OSError):
        write_workbook(rings, members, dest)
    assert dest.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]
    with pytest.raises(ParamError, match="'dest' parameter of write_workbook must be a file"):
        write_workbook(rings, members, tmp_path)


def _csv(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_sample_workbook_has_every_row_detect_wrote(sample_out, sample_dir, tmp_path):
    runner = CliRunner()
    dest = tmp_path / "zh.xlsx"
    res = runner.invoke(main, ["export", str(sample_out), "--dest", str(dest)])
    assert res.exit_code == 0, res.output
    assert "masked" in res.stderr and res.stdout.strip() == str(dest)
    wb = openpyxl.load_workbook(dest)
    files = ("rings.csv", "ring_members.csv", "ring_reasons.csv", "explained.csv")
    for ws, name in zip(wb.worksheets, files):
        assert ws.max_row == len(_csv(sample_out / name)) + 1, name
        assert ws.freeze_panes == "A2"
    assert wb.worksheets[3].max_row > 1, "the sample run explains at least one dense group"
    # every reason row is linked to its ring; the ring ids on the rings sheet are those of rings.csv
    rings_ids = [c.value for c in wb.worksheets[0]["B"][1:]]
    assert rings_ids == _csv(sample_out / "rings.csv")["ring_id"].tolist()
    for cell in wb.worksheets[2]["B"][1:]:
        row = int(cell.hyperlink.location.rsplit("A", 1)[1])
        assert rings_ids[row - 2] == cell.value
    # no person id or phone of the input shows anywhere, yet the shared-phone reason is there
    persons = _csv(sample_dir / "persons.csv")
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    text = "\n".join(cells)
    assert "绑定同一手机号 TEL-" in text
    assert not any(v in text for v in set(persons["phone"]) - {""})
    assert not set(persons["person_id"]) & cells


def test_cli_export(sample_out, tmp_path):
    runner = CliRunner()
    dest = tmp_path / "en.xlsx"
    res = runner.invoke(main, ["export", str(sample_out), "--format", "xlsx", "--lang", "en", "--dest", str(dest), "-q",
                               "--unmask"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(dest) and res.stderr == ""
    wb = openpyxl.load_workbook(dest)
    assert wb.sheetnames == ["rings", "members", "reasons", "explained"]
    assert wb["rings"].max_row == len(_csv(sample_out / "rings.csv")) + 1
    members = _csv(sample_out / "ring_members.csv")
    assert [c.value for c in wb["members"]["C"][1:]] == members["entity_id"].tolist()
    res = runner.invoke(main, ["export", str(sample_out)])
    assert res.exit_code == 0 and (sample_out / "rings.xlsx").exists()
    assert runner.invoke(main, ["export", str(sample_out), "--format", "pdf"]).exit_code == 2
    assert runner.invoke(main, ["export", str(tmp_path / "nope")]).exit_code == 1
    assert "Example:" in runner.invoke(main, ["export", "--help"]).output


def test_cli_export_of_an_older_run_without_reasons_or_explained(sample_out, tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    for name in ("rings.csv", "ring_members.csv"):
        (old / name).write_bytes((sample_out / name).read_bytes())
    res = CliRunner().invoke(main, ["export", str(old), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "no explained.csv" in res.stderr and "no ring_reasons.csv" in res.stderr
    wb = openpyxl.load_workbook(old / "rings.xlsx")
    assert wb["reasons"].max_row == 1 and wb["explained"].max_row == 1


def _read_export_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has no UTF-8 BOM"
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_csv_dir_has_the_workbook_sheets_with_bom(tmp_path):
    from graphfraud.outputs.export import write_csv_dir

    rings, members, reasons, explained = _tables()
    dest = write_csv_dir(rings, members, tmp_path / "csv", reasons=reasons, explained=explained)
    assert sorted(p.name for p in dest.iterdir()) == sorted(
        ["可疑团伙.csv", "团伙成员.csv", "疑点明细.csv", "已排除的正常群体.csv"]
    )
    wb = build_workbook(rings, members, reasons=reasons, explained=explained)
    for ws in wb.worksheets:
        frame = _read_export_csv(dest / f"{ws.title}.csv")
        assert list(frame.columns) == _header(ws) and len(frame) == ws.max_row - 1
    got = _read_export_csv(dest / "可疑团伙.csv")
    assert got["团伙编号"][1] == "'" + INJECTION and got["疑点"][1] == "'+lift 27x" and got["预警等级"][0] == "红色"
    assert got["涉及基金(元)"].tolist() == ["223947.17", "5000.50", "12.00"]
    ids = _read_export_csv(dest / "团伙成员.csv")["实体编号"].tolist()
    assert ids[0] == "H1" and all(i.startswith("PSN-") for i in ids[1:])
    assert "13800000000" not in (dest / "疑点明细.csv").read_text(encoding="utf-8-sig")
    assert (dest / "可疑团伙.csv").read_bytes().count(b"\r\n") == 4


def test_csv_dir_is_atomic_and_refuses_to_replace_other_files(tmp_path, monkeypatch):
    import graphfraud.outputs.export as export

    rings, members, reasons, _ = _tables()
    dest = export.write_csv_dir(rings, members, tmp_path / "csv", lang="en", unmask=True)
    assert _read_export_csv(dest / "members.csv")["entity_id"].tolist() == ["H1", "0012345678", "'-2+3"]
    before = {p.name: p.read_bytes() for p in dest.iterdir()}
    monkeypatch.setattr(export, "_csv_value", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        export.write_csv_dir(rings, members, dest, reasons=reasons, lang="en")
    assert {p.name: p.read_bytes() for p in dest.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv"]
    monkeypatch.undo()
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "run.json").write_text("{}")
    with pytest.raises(ParamError, match="holds run.json; choose another directory"):
        export.write_csv_dir(rings, members, tmp_path / "keep")
    with pytest.raises(ParamError, match="must be a directory"):
        export.write_csv_dir(rings, members, tmp_path / "keep" / "run.json")
    assert (tmp_path / "keep" / "run.json").read_text() == "{}"


def test_cli_export_csv(sample_out, tmp_path):
    runner = CliRunner()
    dest = tmp_path / "csv-en"
    res = runner.invoke(main, ["export", str(sample_out), "--format", "csv", "--lang", "en", "--dest", str(dest), "-q"])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(dest)
    for sheet, name in (("rings", "rings.csv"), ("members", "ring_members.csv"), ("reasons", "ring_reasons.csv"),
                        ("explained", "explained.csv")):  # fmt: skip
        got, source = _read_export_csv(dest / f"{sheet}.csv"), _csv(sample_out / name)
        assert len(got) == len(source), sheet
        assert list(got.columns) == [en for en, _ in dict(SHEETS)[sheet]]
    assert (
        _read_export_csv(dest / "rings.csv")["ring_id"].tolist() == _csv(sample_out / "rings.csv")["ring_id"].tolist()
    )
    # the default directory sits in OUT_DIR; OUT_DIR itself is never replaced
    res = runner.invoke(main, ["export", str(sample_out), "--format", "csv"])
    assert res.exit_code == 0 and (sample_out / "rings-csv" / "可疑团伙.csv").is_file()
    listing = sorted(p.name for p in sample_out.iterdir())
    res = runner.invoke(main, ["export", str(sample_out), "--format", "csv", "--dest", str(sample_out)])
    assert res.exit_code == 2 and "choose another directory" in res.output
    assert sorted(p.name for p in sample_out.iterdir()) == listing


def test_sample_workbook_says_every_reason_in_chinese(sample_out, tmp_path):
    # issue 16: the reasons (rings sheet, reasons sheet, explained sheet) were English under Chinese headers
    dest = tmp_path / "zh.xlsx"
    res = CliRunner().invoke(main, ["export", str(sample_out), "--dest", str(dest), "-q"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(dest)
    rings, _, reasons, explained = wb.worksheets
    english = ("persons", "claims", "of all claims", "looks like", "yuan", "bound to one phone")
    for ws, column in ((rings, "疑点"), (reasons, "疑点说明"), (explained, "排除理由及疑点")):
        col = _header(ws).index(column) + 1
        texts = [ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)]
        assert texts and all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts), (ws.title, texts[:2])
        assert not [t for t in texts if any(w in t for w in english)], ws.title
    col = _header(explained).index("排除理由及疑点") + 1
    assert any(
        explained.cell(row=r, column=col).value.startswith(("疑为", "一次性")) for r in range(2, explained.max_row + 1)
    )
    # the shared phone is masked in Chinese text too
    cells = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "绑定同一手机号 TEL-" in cells
