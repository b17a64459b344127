"""Fee lines read, converted and checked in slices (issue 18): the same frames, links, warnings and errors as
one slice, whatever the slice size."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import graphfraud.io.read as read
from graphfraud.errors import ContractError
from graphfraud.io.arrow import follow
from graphfraud.io.read import read_claims_dir
from graphfraud.io.validate import SkippedRowsWarning
from graphfraud.params import ReadParams
from graphfraud.pipeline import CODED_COLUMNS, UNUSED_COLUMNS

CLAIMS = 40
HEADER = "claim_id,item_code,item_name,category,quantity,unit_price,amount,trace_code"
#: Slice sizes in bytes: every line its own slice, slices ending inside a claim's fee lines, one slice.
SIZES = (1, 57, 333, 10**9)


def claims_text() -> str:
    lines = ["claim_id,patient_id,holder_id,facility_id,pharmacy_id,doctor_id,visit_type,start_time,end_time,"
             "total_amount,fund_amount,account_amount,diagnosis,terminal_id"]  # fmt: skip
    for i in range(1, CLAIMS + 1):
        lines.append(f"C{i:04d},000{i % 3 + 1},,H001,,D001,outpatient,2024-03-{i % 28 + 1:02d} 09:41:00,,"
                     "120.50,80.00,,J06.9,T1")  # fmt: skip
    return "\n".join(lines) + "\n"


def item_lines(order: list[int] | None = None) -> list[str]:
    """Three fee lines per claim (one with a trace code), in claim order unless ``order`` is given."""
    out = []
    for i in order or range(1, CLAIMS + 1):
        out += [
            f"C{i:04d},X1,Amoxicillin,drug,2,10.25,20.50,TR{i}",
            f"C{i:04d},X2,Blood test,lab,1,100.00,100.00,",
            f"C{i:04d},X3,Bed,bed,{i},40.00,{40 * i:.2f},",
        ]
    return out


def items_text(lines: list[str]) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


def read_with(monkeypatch, size: int, directory, **options):
    monkeypatch.setattr(read, "SLICE_BYTES", size)
    return read_claims_dir(directory, **options)


def same(one, other) -> None:
    pd.testing.assert_frame_equal(one.claim_items, other.claim_items)
    assert one.links.keys() == other.links.keys()
    for name, rows in one.links.items():
        assert rows.dtype == other.links[name].dtype and rows.tolist() == other.links[name].tolist(), name
    assert one.warnings == other.warnings and one.skipped == other.skipped


@pytest.mark.parametrize("skip", [(), UNUSED_COLUMNS])
@pytest.mark.parametrize("order", ["claims", "shuffled"])
def test_no_row_lost_or_repeated_at_a_slice_boundary(world, monkeypatch, skip, order):
    # In the claims' order the claim ids are followed slice by slice (no hashing); shuffled, they are
    # looked up at the end from the first slice out of order: both give each line its claim.
    lines = item_lines(list(np.random.default_rng(1).permutation(CLAIMS) + 1) if order == "shuffled" else None)
    d = world(claims=claims_text(), claim_items=items_text(lines))
    whole = read_with(monkeypatch, 10**9, d, skip=skip)
    assert len(whole.claim_items) == 3 * CLAIMS
    expected = [int(line[1:5]) - 1 for line in lines]
    assert whole.links["claim_items.claim_id"].tolist() == expected
    assert whole.claim_items["trace_code"].dropna().tolist() == [line.split(",")[-1] for line in lines[::3]]
    for size in SIZES[:-1]:
        same(read_with(monkeypatch, size, d, skip=skip), whole)


def test_kept_codes_are_one_categorical_at_every_slice_size(world, monkeypatch):
    # Each slice codes the categories it meets; the pieces join into one categorical (not text), the same values
    # and categories (in order of first appearance) as read in one slice.
    d = world(claims=claims_text(), claim_items=items_text(item_lines()))
    options = {"skip": UNUSED_COLUMNS, "codes": CODED_COLUMNS}
    whole = read_with(monkeypatch, 10**9, d, **options)
    assert whole.claim_items["category"].cat.codes.dtype == np.int8
    assert whole.claim_items["category"].tolist() == ["drug", "lab", "bed"] * CLAIMS
    for size in SIZES[:-1]:
        same(read_with(monkeypatch, size, d, **options), whole)


def test_followed_ids_resume_inside_a_claims_lines():
    keys = np.array([f"C{i}" for i in range(5)])
    import pyarrow as pa

    keys = pa.chunked_array([keys[:2], keys[2:]])
    first = follow(pa.array(["C0", "C1", "C1"]), keys, 0)
    second = follow(pa.array(["C1", "C2", "C3"]), keys, int(first[-1]) + 1)  # C1's lines go on here
    assert first.tolist() == [0, 1, 1] and second.tolist() == [1, 2, 3]
    assert follow(pa.array(["C3", None]), keys, 3) is None
    assert follow(pa.array(["C4", "C4"]), keys, 5).tolist() == [4, 4]  # the last claim's lines go on
    assert follow(pa.array(["C3"]), keys, 5) is None  # C3 again after C4: out of order, hashed
    assert follow(pa.array(["C4", "C9"]), keys, 4) is None


@pytest.mark.parametrize("skip", [(), UNUSED_COLUMNS])
def test_bad_values_in_later_slices_named_by_file_row_and_column(world, monkeypatch, skip):
    lines = item_lines()
    lines[70] = lines[70].replace("100.00,100.00", "100.00,1x0")  # row 72: unreadable amount
    lines[100] = lines[100].replace(",lab,", ",toys,")  # row 102: category not allowed
    lines[110] = "C0099" + lines[110][5:]  # row 112: no such claim
    d = world(claims=claims_text(), claim_items=items_text(lines))
    errors = []
    for size in SIZES:
        with pytest.raises(ContractError) as e:
            read_with(monkeypatch, size, d, skip=skip)
        errors.append([(p.file, p.row, p.column, p.message) for p in [e.value, *e.value.problems]])
    assert all(e == errors[-1] for e in errors)
    assert [(file, row, column) for file, row, column, _ in errors[0]] == [
        ("claim_items.csv", 72, "amount"),
        ("claim_items.csv", 102, "category"),
        ("claim_items.csv", 112, "claim_id"),
    ]
    assert "cannot read '1x0'" in errors[0][0][3] and "unknown value C0099" in errors[0][2][3]


def test_wrong_number_of_fields_in_a_later_slice_names_its_line(world, monkeypatch):
    lines = item_lines()
    lines[90] += ",extra"
    d = world(claims=claims_text(), claim_items=items_text(lines))
    with pytest.raises(ContractError) as e:
        read_with(monkeypatch, 200, d, skip=UNUSED_COLUMNS)
    assert (e.value.file, e.value.row) == ("claim_items.csv", 92)
    assert "has 9 fields where the header has 8" in e.value.message


@pytest.mark.parametrize("skip", [(), UNUSED_COLUMNS])
def test_lenient_drops_the_same_rows_and_keeps_the_same_warnings(world, monkeypatch, skip):
    lines = item_lines()
    lines[4] = lines[4].replace("100.00,100.00", "100.00,-1")  # negative amount, first slice
    lines[50] = "C0099" + lines[50][5:]  # unknown claim, a later slice
    lines[79] = lines[79].replace("100.00,100.00", "100.00,90.00")  # amount != quantity x unit_price
    lines[119] = lines[119].replace(",bed,", ",,")  # empty category, the last line
    d = world(claims=claims_text(), claim_items=items_text(lines))
    params = ReadParams(lenient=True, max_skipped=0.5)
    results = []
    for size in SIZES:
        with pytest.warns(SkippedRowsWarning):
            results.append(read_with(monkeypatch, size, d, params=params, skip=skip))
    whole = results[-1]
    assert whole.skipped == {"claim_items.csv": {"empty category": 1, "negative amount": 1, "unknown claim_id": 1}}
    assert len(whole.claim_items) == 3 * CLAIMS - 3
    assert [(w.check, w.rows, [row for row, _ in w.examples]) for w in whole.warnings] == [
        ("amount != quantity x unit_price", 1, [81])
    ]
    for other in results[:-1]:
        same(other, whole)


def test_an_error_in_a_later_slice_writes_nothing(world, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from graphfraud.cli import main

    lines = item_lines()
    lines[100] = lines[100].replace(",lab,", ",toys,")
    d = world(claims=claims_text(), claim_items=items_text(lines))
    monkeypatch.setattr(read, "SLICE_BYTES", 100)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["detect", str(d), "--out", str(out), "-q"])
    assert result.exit_code != 0
    assert "claim_items.csv, row 102, column category" in result.output
    assert not out.exists()


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_blank_lines_and_windows_line_ends_read_as_in_one_slice(world, monkeypatch, newline):
    lines = item_lines()
    text = newline.join([HEADER, *lines[:60], "", *lines[60:], "", ""]) + newline
    d = world(claims=claims_text(), claim_items=text)
    whole = read_with(monkeypatch, 10**9, d, skip=UNUSED_COLUMNS)
    assert len(whole.claim_items) == 3 * CLAIMS
    for size in (1, 5, 200):
        same(read_with(monkeypatch, size, d, skip=UNUSED_COLUMNS), whole)
    header_only = world(claims=claims_text(), claim_items=HEADER + "\n\n\n")
    assert read_with(monkeypatch, 1, header_only).claim_items.empty


def test_a_line_of_spaces_in_a_later_slice_is_refused_as_in_one_slice(world, monkeypatch):
    lines = item_lines()
    lines[100] = "   "
    d = world(claims=claims_text(), claim_items=items_text(lines))
    errors = []
    for size in (1, 10**9):
        with pytest.raises(ContractError) as e:
            read_with(monkeypatch, size, d)
        errors.append(str(e.value))
    assert errors[0] == errors[1] and "claim_items.csv, row 102" in errors[0]


@pytest.mark.parametrize("order", ["claims", "shuffled"])
def test_reading_ahead_reads_the_same(world, monkeypatch, order):
    # The next slice parsed in a worker while this one is checked (read.READ_AHEAD): the same frames, links,
    # warnings and skipped rows as one slice after the other, at every slice size.
    lines = item_lines(list(np.random.default_rng(2).permutation(CLAIMS) + 1) if order == "shuffled" else None)
    lines[7] = lines[7].replace(",20.50,", ",21.50,")  # a quality warning (amount != quantity x unit_price)
    d = world(claims=claims_text(), claim_items=items_text(lines))
    for skip in [(), UNUSED_COLUMNS]:
        monkeypatch.setattr(read, "READ_AHEAD", False)
        serial = {
            size: read_with(monkeypatch, size, d, skip=skip, codes=CODED_COLUMNS if skip else ()) for size in SIZES
        }
        monkeypatch.setattr(read, "READ_AHEAD", True)
        for size in SIZES:
            same(read_with(monkeypatch, size, d, skip=skip, codes=CODED_COLUMNS if skip else ()), serial[size])


@pytest.mark.parametrize("bad", ["category", "fields", "spaces"])
def test_reading_ahead_refuses_as_one_slice_after_the_other(world, monkeypatch, bad):
    lines = item_lines()
    lines[100] = {
        "category": lines[100].replace(",lab,", ",toys,"),
        "fields": lines[100] + ",extra",
        "spaces": "   ",
    }[bad]
    d = world(claims=claims_text(), claim_items=items_text(lines))
    errors = []
    for ahead in (False, True):
        monkeypatch.setattr(read, "READ_AHEAD", ahead)
        for size in (1, 100, 10**9):
            with pytest.raises(ContractError) as e:
                read_with(monkeypatch, size, d)
            errors.append(str(e.value))
    assert len(set(errors)) == 1 and "claim_items.csv" in errors[0]
    lenient, said = [], []
    for ahead in (False, True):
        monkeypatch.setattr(read, "READ_AHEAD", ahead)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lenient.append(read_with(monkeypatch, 100, d, params=ReadParams(lenient=True)))
        said.append([str(w.message) for w in caught])
    same(lenient[0], lenient[1])
    assert said[0] == said[1] and said[0]
