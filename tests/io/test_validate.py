"""One test per "Bad input" rule of the data contract: file, row and column in the message."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from graphfraud.contract import ClaimsData
from graphfraud.errors import ContractError
from graphfraud.io.read import read_claims_dir
from graphfraud.io.validate import SkippedRowsWarning, validate
from graphfraud.params import ReadParams


def where(file: str, row: int | None, column: str | None) -> str:
    """The location part of a ContractError line, as a regex."""
    parts = [re.escape(file)] + ([f"row {row}"] if row else []) + ([f"column {re.escape(column)}"] if column else [])
    return ", ".join(parts) + ":"


def fails(world, pattern: str, **tables: str) -> ContractError:
    d = world(**tables)
    with pytest.raises(ContractError, match=pattern) as info:
        read_claims_dir(d)
    return info.value


# ------------------------------------------------------------------ file level
def test_missing_required_column(world):
    text = world.base["claims"].replace(",start_time", ",when")
    err = fails(world, where("claims.csv", 1, "start_time") + " required column is missing", claims=text)
    assert "--mapping" in str(err)


def test_missing_required_columns_are_all_listed(world):
    text = world.base["claims"].replace(",start_time", ",when").replace(",fund_amount", ",fund")
    err = fails(world, "start_time", claims=text)
    assert "column fund_amount" in str(err)


def test_duplicated_header(world):
    text = world.base["doctors"].replace("department", "name")
    fails(world, where("doctors.csv", 1, "name") + r" column name appears twice \(columns 3 and 5\)", doctors=text)


def test_wrong_number_of_fields_names_the_row(world):
    text = world.base["claims"].replace("J06.9,T1\nC0002", "J06,9,T1\nC0002")
    fails(world, where("claims.csv", 2, None) + " has 15 fields where the header has 14", claims=text)


def test_missing_required_table_names_directory_and_file(world):
    d = world(drop=("doctors",))
    with pytest.raises(ContractError, match="doctors.csv: not found in ") as info:
        read_claims_dir(d)
    assert str(d) in str(info.value)


def test_pharmacies_may_be_empty_but_not_missing(world):
    claims = world.base["claims"].replace("C0003,0003,,,P001,,pharmacy", "C0003,0003,,H001,,,outpatient")
    data = read_claims_dir(world(pharmacies="pharmacy_id,name\n", claims=claims))
    assert len(data.pharmacies) == 0 and list(data.pharmacies.columns) == ["pharmacy_id", "name", "chain", "region"]


def test_csv_and_parquet_for_one_table(world):
    d = world(parquet=("persons",))
    (d / "persons.csv").write_text(world.base["persons"])
    with pytest.raises(ContractError, match="both persons.csv and persons.parquet .* keep only one"):
        read_claims_dir(d)


# ------------------------------------------------------------------ row rules
def test_empty_required_value(world):
    fails(
        world,
        where("claims.csv", 3, "patient_id") + " required value is empty",
        claims=world.edit("claims", 3, "patient_id", ""),
    )


def test_blank_required_value_counts_as_empty(world):
    fails(
        world,
        where("claims.csv", 3, "visit_type") + " required value is empty",
        claims=world.edit("claims", 3, "visit_type", "   "),
    )


@pytest.mark.parametrize(
    "table,file,row,column,value,first",
    [
        ("claims", "claims.csv", 4, "claim_id", "C0001", 2),
        ("persons", "persons.csv", 3, "person_id", "0001", 2),
        ("facilities", "facilities.csv", 3, "facility_id", "H001", 2),
        ("doctors", "doctors.csv", 3, "doctor_id", "D001", 2),
    ],
)
def test_duplicate_key(world, table, file, row, column, value, first):
    fails(
        world,
        where(file, row, column) + f" duplicate value {value} \\(first seen at row {first}\\)",
        **{table: world.edit(table, row, column, value)},
    )


def test_duplicate_pharmacy(world):
    text = world.base["pharmacies"] + "P001,Other shop,,350206\n"
    fails(
        world,
        where("pharmacies.csv", 3, "pharmacy_id") + r" duplicate value P001 \(first seen at row 2\)",
        pharmacies=text,
    )


@pytest.mark.parametrize(
    "table,row,column,value,ref",
    [
        ("claims", 3, "patient_id", "0099", "persons.csv"),
        ("claims", 2, "holder_id", "0098", "persons.csv"),
        ("claims", 2, "facility_id", "H999", "facilities.csv"),
        ("claims", 4, "pharmacy_id", "P999", "pharmacies.csv"),
        ("claims", 5, "doctor_id", "D999", "doctors.csv"),
        ("claim_items", 4, "claim_id", "C9999", "claims.csv"),
        ("doctors", 3, "facility_id", "H999", "facilities.csv"),
    ],
)
def test_unknown_foreign_key(world, table, row, column, value, ref):
    err = fails(
        world,
        where(f"{table}.csv", row, column) + f" unknown value {value}: no .* in {ref}",
        **{table: world.edit(table, row, column, value)},
    )
    assert "correct the id" in str(err)


@pytest.mark.parametrize("value", ["2024-02-30 09:00:00", "05/03/2024", "2024-3-5", "yesterday", "2024-03-05 25:00"])
def test_unparseable_time(world, value):
    fails(
        world,
        where("claims.csv", 4, "start_time")
        + f" cannot read '{re.escape(value)}' as a time between 1900 and 2100; write 2024-03-05",
        claims=world.edit("claims", 4, "start_time", value),
    )


def test_unparseable_end_time_and_date(world):
    fails(
        world, where("claims.csv", 5, "end_time") + " cannot read", claims=world.edit("claims", 5, "end_time", "soon")
    )
    fails(
        world,
        where("persons.csv", 3, "birth_date") + " cannot read '1948-13-06' as a date",
        persons=world.edit("persons", 3, "birth_date", "1948-13-06"),
    )


@pytest.mark.parametrize(
    "table,row,column,value",
    [
        ("claims", 3, "total_amount", "1,234.00"),
        ("claims", 2, "fund_amount", "eighty"),
        ("claim_items", 2, "quantity", "two"),
        ("facilities", 3, "beds", "8.5"),
    ],
)
def test_unparseable_number(world, table, row, column, value):
    fails(
        world,
        where(f"{table}.csv", row, column) + f" cannot read '{re.escape(value)}' as a",
        **{table: world.edit(table, row, column, value)},
    )


@pytest.mark.parametrize("column", ["total_amount", "fund_amount", "account_amount"])
def test_negative_amount(world, column):
    fails(
        world, where("claims.csv", 2, column) + " negative amount -1.00", claims=world.edit("claims", 2, column, "-1")
    )


def test_negative_quantity(world):
    items = world.edit("claim_items", 3, "quantity", "-1")
    fails(world, where("claim_items.csv", 3, "quantity") + " negative value", claim_items=items)


def test_fund_more_than_total(world):
    fails(
        world,
        where("claims.csv", 3, "fund_amount") + " fund_amount 99.50 is more than total_amount 99.00",
        claims=world.edit("claims", 3, "fund_amount", "99.50"),
    )


def test_fund_equal_to_total_within_rounding_is_fine(world):
    d = world(claims=world.edit("claims", 3, "fund_amount", "99.01"))
    assert read_claims_dir(d).claims.fund_amount.iloc[1] == 99.01


def test_both_facility_and_pharmacy(world):
    fails(
        world,
        where("claims.csv", 4, "facility_id") + " both facility_id H001 and pharmacy_id P001 are set",
        claims=world.edit("claims", 4, "facility_id", "H001"),
    )


def test_neither_facility_nor_pharmacy(world):
    fails(
        world,
        where("claims.csv", 2, "facility_id") + " neither facility_id nor pharmacy_id is set",
        claims=world.edit("claims", 2, "facility_id", ""),
    )


@pytest.mark.parametrize(
    "table,row,column,value",
    [
        ("claims", 3, "visit_type", "emergency"),
        ("claim_items", 3, "category", "food"),
        ("persons", 4, "sex", "X"),
        ("persons", 2, "insured_type", "student"),
        ("facilities", 2, "kind", "spa"),
        ("facilities", 3, "ownership", "mixed"),
        ("facilities", 3, "level", "5"),
    ],
)
def test_enum_value_not_allowed(world, table, row, column, value):
    fails(
        world,
        where(f"{table}.csv", row, column) + f" value '{value}' is not allowed; use one of",
        **{table: world.edit(table, row, column, value)},
    )


def test_end_before_start(world):
    fails(
        world,
        where("claims.csv", 5, "end_time") + " end_time 2024-03-09 10:00:00 is before start_time",
        claims=world.edit("claims", 5, "end_time", "2024-03-09 10:00:00"),
    )


def test_item_amount_not_quantity_times_price_is_a_counted_warning(world):
    # issue 14: an arithmetic mismatch on fee lines is an audit finding, not a refusal, and no row is skipped
    items = world.edit("claim_items", 2, "amount", "25.00").replace("3,100.00,300.00", "3,100.00,301.40")
    for params in (ReadParams(), ReadParams(lenient=True, max_skipped=1)):
        data = read_claims_dir(world(claim_items=items), params)
        assert len(data.claim_items) == 3 and data.skipped == {}
        [w] = data.warnings
        assert (w.file, w.column, w.check, w.rows) == (
            "claim_items.csv",
            "amount",
            "amount != quantity x unit_price",
            2,
        )
        assert w.examples == (
            (2, "amount 25.00 is not quantity 2 x unit_price 10.2500 = 20.50"),
            (4, "amount 301.40 is not quantity 3 x unit_price 100.0000 = 300.00"),
        )


def test_detect_checks_item_quantity_and_then_releases_it(world):
    # issue 18: detect's read (UNUSED_COLUMNS) still checks amount against quantity x unit_price, then lets the
    # quantities go (no stage of the run reads them: 0.17 GB at ten million claims)
    from graphfraud.pipeline import UNUSED_COLUMNS

    items = world.edit("claim_items", 2, "amount", "25.00")
    data = read_claims_dir(world(claim_items=items), skip=UNUSED_COLUMNS)
    [w] = data.warnings
    assert (w.check, w.rows) == ("amount != quantity x unit_price", 1)
    assert "claim_items.quantity" in data.released and data.claim_items["quantity"].isna().all()
    assert data.claim_items["amount"].notna().all() and data.claim_items["unit_price"].notna().all()


def test_item_amount_warning_rows_are_the_files_after_lenient_skips(world):
    claims = world.edit("claims", 2, "total_amount", "abc")  # C0001 skipped, and its two fee lines with it
    items = world.edit("claim_items", 4, "amount", "301.40")
    with pytest.warns(SkippedRowsWarning):
        data = read_claims_dir(world(claims=claims, claim_items=items), ReadParams(lenient=True, max_skipped=1))
    assert [(w.rows, w.examples[0][0]) for w in data.warnings] == [(1, 4)]


def test_item_amount_within_rounding_is_fine(world):
    # amount rounded to cents (0.005) plus the unit price rounded to 4 decimals (quantity x 0.00005):
    # 1000 x 0.44448 = 444.48 billed, the price shown as 0.4445 (x 1000 = 444.50); 3 x 0.445 = 1.335 -> 1.34
    items = world.base["claim_items"] + "C0003,X4,Pill,drug,1000,0.4445,444.48,\nC0003,X5,Pill,drug,3,0.445,1.34,\n"
    data = read_claims_dir(world(claim_items=items))
    assert data.warnings == ()
    assert data.claim_items.unit_price.tolist()[-2:] == [0.4445, 0.445]  # the decimals are kept


def test_item_amount_off_by_more_than_rounding_is_warned(world):
    items = world.base["claim_items"] + "C0003,X4,Pill,drug,1000,0.4445,444.40,\n"  # 0.10 off: > 0.005 + 0.05
    [w] = read_claims_dir(world(claim_items=items)).warnings
    assert w.examples == ((5, "amount 444.40 is not quantity 1000 x unit_price 0.4445 = 444.50"),)


# ------------------------------------------------------------------ reporting
def test_all_problems_of_a_file_at_once_sorted_by_row(world):
    text = world.edit("claims", 2, "fund_amount", "-3")
    text = text.replace("C0004,0001", "C0004,0077").replace(
        "outpatient,2024-03-05T09:43:00", "walk-in,2024-03-05T09:43:00"
    )
    err = fails(world, "row 2", claims=text)
    lines = str(err).splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "claims.csv, row 2, column fund_amount",
        "claims.csv, row 3, column visit_type",
        "claims.csv, row 5, column patient_id",
    ]
    assert err.row == 2 and err.column == "fund_amount" and len(err.problems) == 2


def test_max_errors_then_and_n_more(world):
    rows = "".join(f"C{i:04d},0999,,H001,,D001,outpatient,2024-03-05,,1,1,,,\n" for i in range(10, 40))
    d = world(claims=world.base["claims"] + rows)
    with pytest.raises(ContractError) as info:
        read_claims_dir(d, ReadParams(max_errors=5))
    text = str(info.value)
    assert text.count("unknown value 0999") == 5
    assert "... and 25 more problems" in text and "--lenient" in text


# ------------------------------------------------------------------ lenient
def test_lenient_skips_and_counts_with_cascade(world):
    persons = world.edit("persons", 2, "sex", "W")  # person 0001 skipped
    claims = world.edit("claims", 4, "total_amount", "abc")  # C0003 skipped
    d = world(persons=persons, claims=claims)
    with pytest.warns(SkippedRowsWarning, match="skipped 1 of 3 rows of persons.csv: 1 sex not allowed"):
        data = read_claims_dir(d, ReadParams(lenient=True, max_skipped=1))
    assert data.skipped == {
        "persons.csv": {"sex not allowed": 1},
        # C0001, C0004 belong to 0001; C0002's holder is 0001; C0003 unreadable
        "claims.csv": {
            "unreadable total_amount": 1,
            "patient_id of a skipped persons row": 2,
            "holder_id of a skipped persons row": 1,
        },
        "claim_items.csv": {"claim_id of a skipped claims row": 3},
    }
    assert data.persons.person_id.tolist() == ["0002", "0003"]
    assert data.claims.empty and data.claim_items.empty


def test_lenient_keeps_first_of_duplicates(world):
    d = world(claims=world.edit("claims", 3, "claim_id", "C0001"))
    with pytest.warns(SkippedRowsWarning):
        data = read_claims_dir(d, ReadParams(lenient=True, max_skipped=1))
    assert data.claims.claim_id.tolist() == ["C0001", "C0003", "C0004"]
    assert data.skipped == {"claims.csv": {"duplicate claim_id": 1}}
    assert len(data.claim_items) == 3  # the items of the kept C0001 stay


def test_lenient_skips_rows_with_wrong_number_of_fields(world):
    text = world.base["claims"].replace("J06.9,T1\nC0002", "J06,9,T1\nC0002")
    with pytest.warns(SkippedRowsWarning, match="wrong number of fields"):
        data = read_claims_dir(world(claims=text), ReadParams(lenient=True, max_skipped=1))
    assert data.skipped["claims.csv"]["wrong number of fields"] == 1
    assert "C0001" not in data.claims.claim_id.tolist()


def test_lenient_still_fails_on_missing_column(world):
    d = world(claims=world.base["claims"].replace(",visit_type", ",kind"))
    with pytest.raises(ContractError, match="column visit_type: required column is missing"):
        read_claims_dir(d, ReadParams(lenient=True, max_skipped=1))


def test_nothing_skipped_gives_no_warning(world):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_claims_dir(world(), ReadParams(lenient=True, max_skipped=1)).skipped == {}


# ------------------------------------------------------------------ in memory
def test_validate_in_memory_tables(world):
    data = read_claims_dir(world())
    assert validate(data) is data
    claims = data.claims.copy()
    claims.loc[1, "fund_amount"] = 500.0
    bad = ClaimsData(data.persons, data.facilities, data.pharmacies, data.doctors, claims, data.claim_items)
    with pytest.raises(ContractError, match=where("claims", 3, "fund_amount")):
        validate(bad)
    with pytest.warns(SkippedRowsWarning):
        kept = validate(bad, ReadParams(lenient=True, max_skipped=1))
    assert kept.skipped == {"claims": {"fund_amount > total_amount": 1}}
    assert isinstance(kept.claims, pd.DataFrame) and len(kept.claims) == 3


def test_duplicates_found_across_arrow_chunks():
    import pyarrow as pa

    from graphfraud.contract import ID_DTYPE, PERSONS
    from graphfraud.io.validate import KnownKeys, check_table

    chunks = pa.chunked_array([pa.array(["a", "b", None]), pa.array(["c", "a"]), pa.array(["d", "c"])])
    persons = pd.DataFrame({"person_id": chunks.to_pandas(types_mapper={pa.string(): ID_DTYPE}.get)})
    with pytest.raises(ContractError) as info:
        check_table(PERSONS, persons, file="persons.csv", keys=KnownKeys())
    assert str(info.value).splitlines() == [
        "persons.csv, row 4, column person_id: required value is empty; fill it in",
        "persons.csv, row 6, column person_id: duplicate value a (first seen at row 2)",
        "persons.csv, row 8, column person_id: duplicate value c (first seen at row 5)",
    ]


def test_amount_check_in_steps_finds_the_same_lines(monkeypatch):
    # issue 18: the fee-line amount check runs a few million lines at a time; the steps must not
    # change which lines it finds (here steps of 2 lines over 7, so one step is short).
    from graphfraud.contract import CLAIM_ITEMS
    from graphfraud.io import validate as v

    items = pd.DataFrame(
        {
            "quantity": [2.0, 3.0, 1.0, 1.0, 4.0, np.nan, 2.0],
            "unit_price": [0.445, 0.445, 10.0, 5.0, 1.0, 1.0, 2.5],
            "amount": [0.89, 1.34, 12.0, 5.0, 4.5, 1.0, 5.0],
        }
    )
    whole = v.quality(CLAIM_ITEMS, items, file="claim_items.csv")
    monkeypatch.setattr(v, "_CHUNK", 2)
    stepped = v.quality(CLAIM_ITEMS, items, file="claim_items.csv")
    assert stepped == whole
    assert [row for row, _ in whole[0].examples] == [4, 6]  # lines 3 and 5 (header is row 1)


@pytest.mark.parametrize("grouped", [True, False])
def test_positions_of_ids_in_runs_are_those_of_a_lookup(grouped):
    # issue 18: fee lines grouped by claim are looked up a run at a time; runs with nulls, unknown ids and
    # runs that continue across chunks give the positions a row-by-row lookup gives.
    import numpy as np
    import pyarrow as pa

    from graphfraud.io.arrow import positions

    keys = ["C1", "C2", "C3", "C4"]
    rows = ["C1", "C1", None, None, "C9", "C2", "C2", "C2", "C4", "C1"]
    if not grouped:
        rows = [rows[i] for i in np.random.default_rng(0).permutation(len(rows))]
    chunked = pa.chunked_array([pa.array(rows[:6], pa.large_string()), pa.array(rows[6:], pa.large_string())])
    values = pd.Series(pd.arrays.ArrowExtensionArray(chunked))
    expected = [keys.index(r) if r in keys else -1 for r in rows]
    assert positions(values, pd.Series(keys, dtype="string[pyarrow]")).tolist() == expected


def test_repeated_key_in_sorted_ids_is_found_across_chunks():
    import pyarrow as pa

    from graphfraud.io.arrow import increasing

    assert increasing(pa.chunked_array([["A1", "A2"], ["A3", "B"]]))
    assert not increasing(pa.chunked_array([["A1", "A2"], ["A2", "B"]]))
    assert not increasing(pa.chunked_array([["A1", None, "A3"]]))
    from graphfraud.io.validate import _duplicates

    ids = pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([["C1", "C2"], ["C2", "C3"]])))
    (found,) = _duplicates(ids, "claim_id", 5)
    assert found.rows.tolist() == [2] and found.messages == ("duplicate value C2 (first seen at row 3)",)
    assert (
        _duplicates(pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([["C1", "C2"], ["C3"]]))), "claim_id", 5)
        == []
    )


@pytest.mark.parametrize("rows", [["C1", "C1", "C2", "C2", "C2", "C3"], ["C1", "C1", "C2", "C2", "C3", "C3"],
                                  ["C1", "C2", "C2", "C2", "C2", "C3"], ["C1", "C1", "C3", "C3", "C3", "C3"]])  # fmt: skip
def test_fee_lines_in_the_claims_order_take_their_claims_rows(rows):
    # Every claim with fee lines, in the claims' order (runs continuing across chunks): rows by counting
    # alone; a claim without fee lines (the last case) is looked up.
    import pyarrow as pa

    from graphfraud.io.arrow import positions

    chunked = pa.chunked_array([pa.array(rows[:3]), pa.array(rows[3:4]), pa.array(rows[4:])])
    values = pd.Series(pd.arrays.ArrowExtensionArray(chunked))
    keys = pd.Series(["C1", "C2", "C3"], dtype="string[pyarrow]")
    assert positions(values, keys).tolist() == [["C1", "C2", "C3"].index(r) for r in rows]
