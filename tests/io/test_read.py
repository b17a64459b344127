"""Reading claims directories: formats, encodings, dtypes, mappings, and atomic writes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphfraud.contract import DTYPES, INPUT_TABLES, TABLES
from graphfraud.errors import ContractError
from graphfraud.io.read import read_claims_dir
from graphfraud.io.validate import SkippedRowsWarning
from graphfraud.io.write import atomic_dir, file_sha256, owned_by, write_csv
from graphfraud.params import ReadParams


def assert_contract_frames(data) -> None:
    for table in INPUT_TABLES:
        frame = data.table(table.name)
        assert list(frame.columns)[: len(table.columns)] == [c.name for c in table.columns]
        for name in frame.columns:
            assert frame[name].dtype == DTYPES[table.column(name).kind], (table.name, name)


# ------------------------------------------------------------------ basics
def test_reads_contract_columns_and_dtypes(world):
    data = read_claims_dir(world())
    assert_contract_frames(data)
    assert [len(data.table(t.name)) for t in INPUT_TABLES] == [3, 2, 1, 2, 4, 3]
    claims = data.claims
    assert claims.start_time.tolist()[:2] == [pd.Timestamp("2024-03-05 09:41"), pd.Timestamp("2024-03-05 09:43")]
    assert claims.end_time.isna().tolist() == [True, True, True, False]
    assert claims.account_amount.isna().tolist() == [False, True, False, True]
    assert data.time_resolution == "minute"
    assert data.skipped == {}


def test_ids_keep_leading_zeros(world):
    data = read_claims_dir(world())
    assert data.persons.person_id.tolist() == ["0001", "0002", "0003"]
    assert data.claims.holder_id.tolist()[1] == "0001"
    assert data.persons.region.iloc[0] == "350206"


def test_claim_items_optional(world):
    data = read_claims_dir(world(drop=("claim_items",)))
    assert data.claim_items.empty
    assert list(data.claim_items.columns) == list(TABLES["claim_items"].column_names)
    assert "claim_items.csv" not in data.source


def test_absent_optional_columns_are_na(world):
    persons = "person_id\n0001\n0002\n0003\n"
    data = read_claims_dir(world(persons=persons))
    assert list(data.persons.columns) == [c.name for c in TABLES["persons"].columns]
    assert data.persons.sex.isna().all() and data.persons.birth_date.isna().all()
    assert data.persons.birth_date.dtype == "datetime64[ns]"


def test_unknown_columns_are_dropped_extras_kept(world):
    claims = world.base["claims"].replace("terminal_id\n", "terminal_id,visit_id,comment\n")
    claims = "\n".join(line + (",V1,hello" if i else "") for i, line in enumerate(claims.splitlines())) + "\n"
    data = read_claims_dir(world(claims=claims))
    assert list(data.claims.columns)[-1] == "visit_id" and "comment" not in data.claims
    assert data.claims.visit_id.tolist() == ["V1"] * 4


def test_birth_year_instead_of_birth_date(world):
    persons = "person_id,birth_year\n0001,1950\n0002,1948\n0003,\n"
    data = read_claims_dir(world(persons=persons))
    assert data.persons.birth_year.tolist() == [1950, 1948, pd.NA]
    assert data.persons.birth_year.dtype == "Int64"


def test_money_rounded_to_two_decimals(world):
    data = read_claims_dir(world(claims=world.edit("claims", 2, "total_amount", "120.499999")))
    assert data.claims.total_amount.iloc[0] == 120.50


def test_whitespace_around_values_is_ignored(world):
    text = world.edit("claims", 2, "patient_id", " 0001 ")
    text = text.replace("120.50", " 120.50 ").replace("2024-03-06 15:00:00", " 2024-03-06 15:00:00")
    data = read_claims_dir(world(claims=text))
    assert data.claims.patient_id.iloc[0] == "0001"
    assert data.claims.total_amount.iloc[0] == 120.50
    assert data.claims.start_time.iloc[2] == pd.Timestamp("2024-03-06 15:00")


def test_source_holds_sha256_of_every_file(world):
    d = world()
    data = read_claims_dir(d)
    assert set(data.source) == {f"{t.name}.csv" for t in INPUT_TABLES}
    assert data.source["claims.csv"] == hashlib.sha256((d / "claims.csv").read_bytes()).hexdigest()


def test_labels_are_never_read(world):
    d = world()
    (d / "labels.csv").write_text("this is not even a CSV,,,\n\x00")
    assert "labels.csv" not in read_claims_dir(d).source


def test_not_a_directory(tmp_path):
    with pytest.raises(ContractError, match="is not a directory"):
        read_claims_dir(tmp_path / "nowhere")


def test_empty_file(world):
    with pytest.raises(ContractError, match="facilities.csv, row 1: file is empty"):
        read_claims_dir(world(facilities=""))


# ------------------------------------------------------------------ times
def test_date_only_claims_are_day_resolution(world):
    text = world.base["claims"]
    for t in (
        "2024-03-05 09:41:00",
        "2024-03-05T09:43:00",
        "2024-03-06 15:00:00",
        "2024-03-10 08:00:00",
        "2024-03-15 10:00:00",
    ):
        text = text.replace(t, t[:10])
    data = read_claims_dir(world(claims=text))
    assert data.time_resolution == "day"
    assert data.claims.start_time.iloc[0] == pd.Timestamp("2024-03-05")


def test_midnight_with_time_of_day_written_is_day_resolution(world):
    text = world.base["claims"]
    for t in ("09:41:00", "09:43:00", "15:00:00", "08:00:00"):
        text = text.replace(t, "00:00:00")
    assert read_claims_dir(world(claims=text)).time_resolution == "day"


def test_time_without_seconds(world):
    data = read_claims_dir(world(claims=world.edit("claims", 2, "start_time", "2024-03-05 09:41")))
    assert data.claims.start_time.iloc[0] == pd.Timestamp("2024-03-05 09:41")


def test_fractions_of_a_second_are_cut_to_the_second(world):
    data = read_claims_dir(world(claims=world.edit("claims", 2, "start_time", "2024-03-05T09:41:26.434")))
    assert data.claims.start_time.iloc[0] == pd.Timestamp("2024-03-05 09:41:26")


def test_typed_parquet_in_milliseconds_is_cut_to_the_second(world):
    d = world(drop=("claims",))
    claims = read_claims_dir(world()).claims
    late = claims.start_time + pd.Timedelta(milliseconds=434)
    table = pa.Table.from_pandas(claims.assign(start_time=late), preserve_index=False)
    pq.write_table(table.set_column(table.schema.get_field_index("start_time"), "start_time",
                                    table["start_time"].cast(pa.timestamp("ms"))), d / "claims.parquet")  # fmt: skip
    pd.testing.assert_frame_equal(read_claims_dir(d).claims, claims)


def test_date_columns_drop_time_of_day(world):
    data = read_claims_dir(world(persons=world.edit("persons", 2, "birth_date", "1950-01-02 13:00:00")))
    assert data.persons.birth_date.iloc[0] == pd.Timestamp("1950-01-02")


# ------------------------------------------------------------------ encodings
def test_utf8_bom_accepted(world):
    d = world()
    (d / "persons.csv").write_bytes(b"\xef\xbb\xbf" + world.base["persons"].encode())
    data = read_claims_dir(d)
    assert data.persons.person_id.tolist() == ["0001", "0002", "0003"]


def gbk_world(world) -> Path:
    d = world()
    text = world.base["facilities"].replace("Clinic A", "鹭岛门诊部").replace("Hospital B", "思明区医院")
    (d / "facilities.csv").write_bytes(text.encode("gbk"))
    return d


def test_gbk_file_gets_a_clear_error(world):
    d = gbk_world(world)
    with pytest.raises(ContractError) as info:
        read_claims_dir(d)
    message = str(info.value)
    assert message.startswith("facilities.csv, row 2:")
    assert "is not UTF-8 (looks like GBK/GB18030?)" in message
    assert "iconv -f GB18030 -t UTF-8" in message and "--encoding gbk" in message


def test_gbk_header_gets_the_same_error(world):
    d = world()
    (d / "pharmacies.csv").write_bytes("药店编号\n".encode("gbk"))
    with pytest.raises(ContractError, match=r"pharmacies.csv, row 1: .*looks like GBK"):
        read_claims_dir(d)


def test_encoding_gbk_reads_it(world):
    d = gbk_world(world)
    for name in ("persons", "pharmacies", "doctors", "claims", "claim_items"):
        (d / f"{name}.csv").write_bytes(world.base[name].encode("gbk"))
    data = read_claims_dir(d, ReadParams(encoding="gbk"))
    assert data.facilities.name.tolist() == ["鹭岛门诊部", "思明区医院"]


# ------------------------------------------------------------------ parquet
def test_csv_and_parquet_give_the_same_frames(world):
    from_csv = read_claims_dir(world())
    from_parquet = read_claims_dir(world(parquet=tuple(t.name for t in INPUT_TABLES)))
    assert set(from_parquet.source) == {f"{t.name}.parquet" for t in INPUT_TABLES}
    for t in INPUT_TABLES:
        pd.testing.assert_frame_equal(from_csv.table(t.name), from_parquet.table(t.name))


def test_typed_parquet_gives_the_same_frames(world):
    d = world(drop=("claims",))
    csv_data = read_claims_dir(world())
    claims = csv_data.claims
    table = pa.Table.from_pandas(claims, preserve_index=False)
    pq.write_table(table, d / "claims.parquet")
    pd.testing.assert_frame_equal(read_claims_dir(d).claims, claims)


def test_parquet_rows_numbered_like_a_spreadsheet(world):
    d = world(parquet=("claims",), claims=world.edit("claims", 4, "claim_id", "C0001"))
    with pytest.raises(
        ContractError, match=r"claims.parquet, row 4, column claim_id: duplicate value C0001 \(first seen at row 2\)"
    ):
        read_claims_dir(d)


# ------------------------------------------------------------------ mappings
NHSA_DIR = {
    "persons": "PSN_NO,gend,brdy,insuplc_admdvs\n0001,2,1950-01-02,350206\n0002,1,1948-05-06,350206\n0003,9,1960-07-08,350203\n",
    "facilities": "fixmedins_code,fixmedins_name\nH001,鹭岛门诊部\nH002,思明区医院\n",
    "pharmacies": "fixmedins_code,fixmedins_name\nP001,益丰大药房\n",
    "doctors": "dr_codg,fixmedins_code\nD001,H001\nD002,H002\n",
    "claims": (
        "setl_id,mdtrt_id,psn_no,fixmedins_code,med_type,begntime,endtime,medfee_sumamt,fund_pay_sumamt,acct_pay,dise_codg,atddr_no\n"
        "S01,M01,0001,H001,11,2024-03-05 09:41:00,,120.50,80.00,10.00,J06.9,D001\n"
        "S02,M02,0002,H001,14,2024-03-05 09:43:00,,99.00,60.00,,E11.9,D001\n"
        "S03,M03,0003,P001,41,2024-03-06 15:00:00,,300.00,0.00,300.00,,\n"
        "S04,M04,0001,H002,21,2024-03-10 08:00:00,2024-03-15 10:00:00,5000.00,3500.00,,I10,D002\n"
    ),
    "claim_items": (
        "setl_id,med_list_codg,cnt,pric,det_item_fee_sumamt,drug_trac_codg,category\n"
        "S01,X1,2,10.25,20.50,TR1,drug\nS03,X3,3,100,300,TR2,drug\n"
    ),
}


def test_nhsa_mapping_end_to_end(world):
    d = world(**NHSA_DIR)
    data = read_claims_dir(d, ReadParams(mapping="nhsa"))
    assert_contract_frames(data)
    assert data.persons.sex.tolist() == ["F", "M", pd.NA]
    assert data.persons.region.tolist() == ["350206", "350206", "350203"]
    assert data.facilities.name.tolist() == ["鹭岛门诊部", "思明区医院"]
    claims = data.claims
    assert claims.claim_id.tolist() == ["S01", "S02", "S03", "S04"]
    assert claims.visit_id.tolist() == ["M01", "M02", "M03", "M04"]
    assert claims.visit_type.tolist() == ["outpatient", "chronic", "pharmacy", "inpatient"]
    assert claims.facility_id.tolist() == ["H001", "H001", pd.NA, "H002"]
    assert claims.pharmacy_id.tolist() == [pd.NA, pd.NA, "P001", pd.NA]
    assert claims.doctor_id.tolist() == ["D001", "D001", pd.NA, "D002"]
    assert claims.fund_amount.sum() == 3640.0 and claims.diagnosis.iloc[1] == "E11.9"
    assert data.claim_items.trace_code.tolist() == ["TR1", "TR2"]


def test_nhsa_unit_price_keeps_four_decimals(world):
    # issue 14: the national platform's pric has 4 decimals; 0.445 yuan is a valid price, not a contract error
    items = NHSA_DIR["claim_items"] + "S01,X9,3,0.4450,1.34,,drug\nS01,X8,1000,0.4445,444.48,,drug\n"
    data = read_claims_dir(world(**{**NHSA_DIR, "claim_items": items}), ReadParams(mapping="nhsa"))
    assert data.claim_items.unit_price.tolist() == [10.25, 100.0, 0.445, 0.4445]
    assert data.warnings == ()
    off = NHSA_DIR["claim_items"] + "S01,X9,3,0.4450,1.50,,drug\n"
    [w] = read_claims_dir(world(**{**NHSA_DIR, "claim_items": off}), ReadParams(mapping="nhsa")).warnings
    assert w.column == "det_item_fee_sumamt (amount)" and w.examples[0][0] == 4


def test_nhsa_errors_name_the_source_column(world):
    claims = NHSA_DIR["claims"].replace("S02,M02,0002,H001,14", "S02,M02,0002,H001,99")
    d = world(**{**NHSA_DIR, "claims": claims})
    with pytest.raises(
        ContractError, match=r"claims.csv, row 3, column med_type \(visit_type\): value '99' is not allowed"
    ):
        read_claims_dir(d, ReadParams(mapping="nhsa"))


def test_without_mapping_nhsa_names_are_missing_columns(world):
    with pytest.raises(ContractError, match="column person_id: required column is missing"):
        read_claims_dir(world(**NHSA_DIR))


def test_yaml_mapping(world, tmp_path):
    mapping = tmp_path / "bureau.yaml"
    mapping.write_text(
        "# a city bureau's export\n"
        "persons:\n"
        "  columns: {RYBH: person_id, XB: sex}\n"
        "  values:\n"
        "    sex: {'男': M, '女': F, 1: M}\n"
        "claims:\n"
        "  columns: {JSID: claim_id, LX: visit_type}\n"
        "  values:\n"
        "    visit_type: {'门诊': outpatient, '住院': inpatient, '药店': pharmacy}\n",
        encoding="utf-8",
    )
    persons = "RYBH,XB\n0001,女\n0002,1\n0003,\n"
    claims = world.base["claims"].replace("claim_id,", "JSID,").replace("visit_type", "LX")
    claims = claims.replace("outpatient", "门诊").replace("inpatient", "住院").replace(",pharmacy,", ",药店,")
    data = read_claims_dir(world(persons=persons, claims=claims), ReadParams(mapping=str(mapping)))
    assert data.persons.sex.tolist() == ["F", "M", pd.NA]
    assert data.claims.visit_type.tolist() == ["outpatient", "outpatient", "pharmacy", "inpatient"]
    assert data.claims.claim_id.iloc[0] == "C0001"


def test_yaml_mapping_based_on_nhsa(world, tmp_path):
    mapping = tmp_path / "nhsa-plus.yaml"
    mapping.write_text("base: nhsa\nclaims:\n  values:\n    visit_type: {'13': outpatient}\n")
    claims = NHSA_DIR["claims"].replace("S02,M02,0002,H001,14", "S02,M02,0002,H001,13")
    data = read_claims_dir(world(**{**NHSA_DIR, "claims": claims}), ReadParams(mapping=str(mapping)))
    assert data.claims.visit_type.tolist() == ["outpatient", "outpatient", "pharmacy", "inpatient"]


@pytest.mark.parametrize(
    "text,message",
    [
        ("persons: {columns: [a, b]\n", "bad.yaml: is not valid YAML at line 2"),
        ("persns:\n  columns: {a: person_id}\n", "bad.yaml: unknown table 'persns'"),
        ("persons:\n  columns: {a: person}\n", "bad.yaml: in table persons: column a -> 'person' is not a column"),
        ("persons:\n  colums: {a: person_id}\n", "bad.yaml: in table persons: use only the keys"),
        ("base: cms\n", "bad.yaml: unknown base 'cms'"),
        ("- persons\n", "bad.yaml: a mapping file must hold"),
    ],
)
def test_bad_yaml_mapping_names_the_file(world, tmp_path, text, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(ContractError, match=message):
        read_claims_dir(world(), ReadParams(mapping=str(bad)))


def test_missing_mapping_file(world, tmp_path):
    with pytest.raises(ContractError, match="mapping file .*nope.yaml not found"):
        read_claims_dir(world(), ReadParams(mapping=str(tmp_path / "nope.yaml")))


# ------------------------------------------------------------------ writing
def test_atomic_dir_replaces_on_success(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "explained.csv").write_text("old")
    (out / "run.json").write_text('{"outputs": {}}')  # an earlier output of ours (issue 15: others are refused)
    with atomic_dir(out, owned=owned_by("run.json")) as tmp:
        assert tmp.parent == tmp_path and tmp != out
        (tmp / "rings.csv").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["rings.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_atomic_dir_leaves_nothing_on_failure(tmp_path):
    out = tmp_path / "out"
    with atomic_dir(out) as tmp:
        (tmp / "rings.csv").write_text("complete")
    with pytest.raises(ZeroDivisionError):
        with atomic_dir(out, owned=lambda p: (p / "rings.csv").is_file()) as tmp:
            (tmp / "rings.csv").write_text("half")
            (tmp / "ring_members.csv").write_text("half")
            1 / 0  # noqa: B018
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in out.iterdir()) == ["rings.csv"]
    assert (out / "rings.csv").read_text() == "complete"


def test_atomic_dir_on_a_fresh_path_leaves_nothing_on_failure(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_dir(tmp_path / "a" / "out") as tmp:
            (tmp / "x").write_text("x")
            raise RuntimeError
    assert list((tmp_path / "a").iterdir()) == []


def test_atomic_dir_refuses_a_file(tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(ContractError, match="exists and is not a directory"):
        with atomic_dir(tmp_path / "out"):
            pass


def test_write_csv_money_two_decimals_and_roundtrip(tmp_path, world):
    data = read_claims_dir(world())
    path = write_csv(data.claims, tmp_path / "claims.csv")
    text = path.read_text(encoding="utf-8")
    assert "C0001,0001,,H001,,D001,outpatient,2024-03-05 09:41:00,,120.50,80.00,10.00,J06.9,T1\n" in text
    assert not list(tmp_path.glob(".*"))  # no temporary file left
    d = world(claims=text)
    pd.testing.assert_frame_equal(read_claims_dir(d).claims, data.claims)
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_write_csv_negative_and_missing_money(tmp_path):
    df = pd.DataFrame({"ring_id": list("abcd"), "fund_amount": [-1.005, float("nan"), 1234567.891, 0.1 + 0.2]})
    assert write_csv(df, tmp_path / "x.csv").read_text() == "ring_id,fund_amount\na,-1.00\nb,\nc,1234567.89\nd,0.30\n"


@pytest.mark.parametrize("parquet", [(), ("claim_items",)])
def test_skip_leaves_free_text_unread(world, parquet):
    data = read_claims_dir(world(parquet=parquet), skip=("claim_items.item_name",))
    assert data.claim_items["item_name"].isna().all()
    assert data.claim_items["item_code"].tolist() == ["X1", "X2", "X3"]
    full = read_claims_dir(world(parquet=parquet))
    assert full.claim_items["item_name"].tolist() == ["Amoxicillin", "Blood test", "Insulin"]


def test_skip_refuses_keys_and_numbers(world):
    for name in ("claims.claim_id", "persons.person_id", "claims.fund_amount"):
        with pytest.raises(ValueError, match="The 'skip' parameter of read_claims_dir must name text columns"):
            read_claims_dir(world(), skip=(name,))


@pytest.mark.parametrize("parquet", [(), ("claim_items",)])
def test_skipped_columns_are_still_checked_then_released(world, parquet):
    skip = ("claim_items.category", "claim_items.item_code", "claims.terminal_id")
    bad = world.edit("claim_items", 2, "category", "sweets")
    with pytest.raises(ContractError, match="category"):
        read_claims_dir(world(claim_items=bad, parquet=parquet), skip=skip)
    data = read_claims_dir(world(parquet=parquet), skip=skip)
    assert data.released == skip
    assert data.claim_items["category"].isna().all() and data.claims["terminal_id"].isna().all()
    assert data.claim_items["category"].dtype == DTYPES["enum"]
    assert data.claim_items["amount"].tolist() == [20.5, 100.0, 300.0]


def test_log_gets_one_line_per_table(world):
    lines: list[str] = []
    read_claims_dir(world(drop=("claim_items",)), log=lines.append)
    assert [line.split(":")[0] for line in lines] == [
        "persons.csv",
        "facilities.csv",
        "pharmacies.csv",
        "doctors.csv",
        "claims.csv",
    ]
    assert lines[-1] == "claims.csv: 4 rows read and checked"


@pytest.mark.parametrize("text, value", [("1e2", 100.0), (".5", 0.5), ("7.", 7.0), ('"88.126"', 88.13)])
def test_csv_decimals_parsed_while_reading_are_the_values_of_their_text(world, text, value):
    # Money, price and float columns are parsed by the CSV reader itself (issue 18): the same values as
    # converting their text afterwards.
    data = read_claims_dir(world(claims=world.edit("claims", 2, "account_amount", text).replace('"""', '"')))
    assert data.claims.account_amount.iloc[0] == value


@pytest.mark.parametrize("bad", ["nan", "inf", "1,5", "12 yuan"])
def test_csv_decimal_the_reader_cannot_parse_is_quoted_from_its_text(world, bad):
    # The file is then read again as text, and the value is reported as written, with its row.
    with pytest.raises(ContractError) as e:
        read_claims_dir(world(claims=world.edit("claims", 3, "fund_amount", bad)))
    assert (e.value.row, e.value.column) == (3, "fund_amount")
    assert f"cannot read {bad!r} as an amount" in e.value.message


@pytest.mark.parametrize("parquet", [(), ("claim_items",)])
def test_skipped_category_checked_on_its_distinct_values(world, parquet):
    # issue 18: a skipped enum column (detect skips claim_items.category) is read as codes and each distinct
    # value is cleaned and checked once; its problems are those of the column read as text.
    skip = ("claim_items.category",)
    items = world.edit("claim_items", 2, "category", " drug ")
    data = read_claims_dir(world(claim_items=items, parquet=parquet), skip=skip)
    assert data.claim_items.category.isna().all() and "claim_items.category" in data.released
    items = world.edit("claim_items", 3, "category", "labs").replace("Insulin,drug,", "Insulin, ,")
    problems = []
    for released in (skip, ()):
        with pytest.raises(ContractError) as e:
            read_claims_dir(world(claim_items=items, parquet=parquet), skip=released)
        problems.append([(p.row, p.column, p.message) for p in [e.value, *e.value.problems]])
    assert problems[0] == problems[1]
    assert (4, "category", "required value is empty; fill it in") in problems[0]
    assert (
        3,
        "category",
        "value 'labs' is not allowed; use one of " + ", ".join(TABLES["claim_items"].column("category").values),
    ) in problems[0]


def test_skipped_category_under_lenient_skips_the_same_rows(world):
    items = world.edit("claim_items", 3, "category", "labs")
    params = ReadParams(lenient=True, max_skipped=0.5)
    with pytest.warns(SkippedRowsWarning):
        coded = read_claims_dir(world(claim_items=items), params, skip=("claim_items.category",))
    with pytest.warns(SkippedRowsWarning):
        text = read_claims_dir(world(claim_items=items), params)
    assert coded.skipped == text.skipped == {"claim_items.csv": {"category not allowed": 1}}
    assert coded.claim_items.item_code.tolist() == text.claim_items.item_code.tolist() == ["X1", "X3"]


_FOREIGN = ("claims.patient_id", "claims.holder_id", "claims.facility_id", "claims.pharmacy_id", "claims.doctor_id",
            "claim_items.claim_id")  # fmt: skip


@pytest.mark.parametrize("parquet", [(), ("claims", "claim_items")])
@pytest.mark.parametrize("dictionary_keys", [0, 1 << 17])
def test_skipped_foreign_keys_are_checked_as_when_kept(world, parquet, dictionary_keys, monkeypatch):
    # issue 18: skipped foreign keys (detect skips them) are read as dictionaries (ids of small tables) or
    # as text, not copied into pandas; white space, blanks, nulls, unknown ids and fee lines whose claim
    # does not exist are reported as when the columns are kept, and the links are the same.
    import graphfraud.io.read as read

    monkeypatch.setattr(read, "DICTIONARY_KEYS", dictionary_keys)
    claims = (
        world.edit("claims", 2, "facility_id", " H001")
        .replace("C0002,0002,0001,H001,,D001", "C0002,0002,0001,H001,,D009")
        .replace("C0004,0001,", "C0004,   ,")
    )
    items = world.edit("claim_items", 4, "claim_id", "C0009")
    problems = []
    for released in (_FOREIGN, ()):
        with pytest.raises(ContractError) as e:
            read_claims_dir(world(claims=claims, claim_items=items, parquet=parquet), skip=released)
        problems.append(sorted((p.row, p.column, p.message) for p in [e.value, *e.value.problems]))
    assert problems[0] == problems[1]
    assert [(row, column) for row, column, _ in problems[0]] == [(3, "doctor_id"), (5, "patient_id")]
    with pytest.raises(ContractError, match="unknown value C0009: no claim_id C0009 in claims"):
        read_claims_dir(world(claim_items=items, parquet=parquet), skip=_FOREIGN)
    good = world.edit("claims", 2, "facility_id", " H001")
    released = read_claims_dir(world(claims=good, parquet=parquet), skip=_FOREIGN)
    kept = read_claims_dir(world(claims=good, parquet=parquet))
    assert released.links.keys() == kept.links.keys()
    for name, rows in kept.links.items():
        assert released.links[name].tolist() == rows.tolist(), name
    assert released.links["claims.facility_id"].tolist() == [0, 0, -1, 1]
    assert released.links["claim_items.claim_id"].tolist() == [0, 0, 2]
    assert all(released.table(n.split(".")[0])[n.split(".")[1]].isna().all() for n in _FOREIGN)


def test_skipped_foreign_keys_under_lenient_skip_the_same_rows(world):
    items = world.edit("claim_items", 3, "claim_id", "C0009")
    claims = world.edit("claims", 3, "doctor_id", "D009")
    params = ReadParams(lenient=True, max_skipped=0.5)
    with pytest.warns(SkippedRowsWarning):
        released = read_claims_dir(world(claims=claims, claim_items=items), params, skip=_FOREIGN)
    with pytest.warns(SkippedRowsWarning):
        kept = read_claims_dir(world(claims=claims, claim_items=items), params)
    assert released.skipped == kept.skipped
    assert released.skipped == {"claims.csv": {"unknown doctor_id": 1}, "claim_items.csv": {"unknown claim_id": 1}}
    # the skipped claim C0002 is gone: C0003 is the second claim left
    assert released.links["claim_items.claim_id"].tolist() == kept.links["claim_items.claim_id"].tolist() == [0, 1]


def test_a_conditional_skip_keeps_the_item_codes_of_an_export_without_diagnoses(world):
    # detect keeps the fee lines' item codes only when no claim has a diagnosis: they then name a designated
    # pharmacy's drug (detection step 50); with diagnoses the diagnosis family does, and the codes are dropped.
    skip = ("claim_items.item_name", "claim_items.item_code?claims.diagnosis")
    diagnosed = read_claims_dir(world(), skip=skip)
    assert diagnosed.released == ("claim_items.item_name", "claim_items.item_code")
    assert diagnosed.claim_items["item_code"].isna().all()
    claims = "\n".join(
        line.replace(",J06.9,", ",,").replace(",I10,", ",,") for line in world.base["claims"].splitlines()
    )
    undiagnosed = read_claims_dir(world(claims=claims), skip=skip)
    assert undiagnosed.released == ("claim_items.item_name",)
    assert undiagnosed.claim_items["item_code"].tolist() == ["X1", "X2", "X3"]
    with pytest.raises(ValueError, match="not a contract column"):
        read_claims_dir(world(), skip=("claim_items.item_code?claims.nothing",))


@pytest.mark.parametrize("parquet", [(), ("claim_items",)])
def test_kept_codes_are_the_text_as_small_codes(world, parquet):
    # detect keeps claim_items.category as codes (pipeline.CODED_COLUMNS): checked as a skipped enum is, the
    # values those of the text column, one int8 code per fee line; the other columns as without codes.
    from graphfraud.pipeline import CODED_COLUMNS, UNUSED_COLUMNS

    items = world.edit("claim_items", 2, "category", " drug ")
    coded = read_claims_dir(world(claim_items=items, parquet=parquet), skip=UNUSED_COLUMNS, codes=CODED_COLUMNS)
    text = read_claims_dir(world(claim_items=items, parquet=parquet), skip=UNUSED_COLUMNS)
    category = coded.claim_items["category"]
    assert category.dtype == "category" and category.cat.codes.dtype == "int8"
    assert category.astype(object).tolist() == text.claim_items["category"].tolist() == ["drug", "lab", "drug"]
    assert "claim_items.category" not in coded.released
    # step 114: the item names too (transport fees, detect.transport), as codes of the same text
    name = coded.claim_items["item_name"]
    assert name.dtype == "category" and name.astype(object).tolist() == text.claim_items["item_name"].tolist()
    assert "claim_items.item_name" not in coded.released
    kept = ["category", "item_name"]
    pd.testing.assert_frame_equal(coded.claim_items.drop(columns=kept), text.claim_items.drop(columns=kept))
    with pytest.raises(ContractError, match="category"):
        read_claims_dir(
            world(claim_items=world.edit("claim_items", 2, "category", "sweets"), parquet=parquet),
            codes=CODED_COLUMNS,
        )


def test_codes_refuses_columns_that_are_not_enums_or_are_skipped(world):
    for codes, skip in ((("claims.total_amount",), ()), (("claim_items.category",), ("claim_items.category",))):
        with pytest.raises(ValueError, match="The 'codes' parameter of read_claims_dir must name enum or text"):
            read_claims_dir(world(), skip=skip, codes=codes)
