"""`graphfraud validate`: exit codes 0 / 1 / 2, summaries, and no tracebacks."""

from __future__ import annotations

import json

from click.testing import CliRunner

from graphfraud.cli import main


def run(*args: str):
    return CliRunner().invoke(main, ["validate", *args])


def test_valid_directory_summary(world):
    d = world()
    result = run(str(d))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"{d}: valid" in out
    assert "claims                  4 rows" in out and "claim_items             3 rows" in out
    assert "claims from 2024-03-05 to 2024-03-10, minute resolution" in out
    assert "total amount 5,519.50 yuan; fund paid 3,640.00 yuan (65.9% of total)" in out
    assert "read " in result.stderr


def test_day_resolution_is_reported(world):
    text = world.base["claims"].replace(" 09:41:00", "").replace("T09:43:00", "").replace(" 15:00:00", "")
    text = text.replace(" 08:00:00", "").replace(" 10:00:00", "")
    result = run(str(world(claims=text)))
    assert result.exit_code == 0, result.output
    assert "day resolution (dates only: minute-level signals off)" in result.stdout


def test_json_summary(world):
    result = run(str(world()), "--json", "--quiet")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["rows"]["persons"] == 3 and summary["fund_amount"] == 3640.0
    assert summary["time_resolution"] == "minute" and result.stderr == ""


def test_bad_input_exits_1_listing_all_problems(world):
    claims = world.edit("claims", 3, "claim_id", "C0001").replace("C0004,0001", "C0004,0099")
    result = run(str(world(claims=claims)))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "claims.csv, row 3, column claim_id: duplicate value C0001 (first seen at row 2)" in result.stderr
    assert "claims.csv, row 5, column patient_id: unknown value 0099" in result.stderr


def test_missing_directory_exits_1(tmp_path):
    result = run(str(tmp_path / "nowhere"))
    assert result.exit_code == 1 and "is not a directory" in result.output
    assert "Traceback" not in result.output


def test_lenient_reports_skipped_rows(world):
    d = world(claims=world.edit("claims", 4, "start_time", "tomorrow"))
    result = run(str(d), "--lenient", "--max-skipped", "100")
    assert result.exit_code == 0, result.output
    assert f"{d}: valid after skipping 2 rows" in result.stdout
    assert "claims.csv: 1 unreadable start_time" in result.stdout
    assert "claim_items.csv: 1 claim_id of a skipped claims row" in result.stdout
    assert "warning: skipped 1 of 4 rows of claims.csv" in result.stderr


def test_gbk_error_and_encoding_option(world):
    d = world()
    (d / "facilities.csv").write_bytes(world.base["facilities"].replace("Clinic A", "鹭岛门诊部").encode("gbk"))
    result = run(str(d))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "looks like GBK/GB18030?" in result.stderr and "--encoding gbk" in result.stderr
    assert run(str(d), "--encoding", "gbk").exit_code == 0


def test_unknown_encoding_is_a_usage_error(world):
    result = run(str(world()), "--encoding", "klingon")
    assert result.exit_code == 2 and "unknown encoding 'klingon'" in result.output


def test_nhsa_mapping(world):
    claims = (
        "setl_id,psn_no,fixmedins_code,med_type,begntime,medfee_sumamt,fund_pay_sumamt,bilg_dr_codg\n"
        "S1,0001,H001,11,2024-03-05 09:41:00,100,70,D001\n"
        "S2,0002,P001,41,2024-03-05 10:00:00,50,0,\n"
    )
    d = world(claims=claims, drop=("claim_items",))
    assert run(str(d)).exit_code == 1
    result = run(str(d), "--mapping", "nhsa")
    assert result.exit_code == 0, result.output
    assert "total amount 150.00 yuan; fund paid 70.00 yuan" in result.stdout


def test_bad_mapping_file_exits_1(world, tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text("claims: [\n")
    result = run(str(world()), "--mapping", str(bad))
    assert result.exit_code == 1 and "m.yaml: is not valid YAML" in result.output
    assert "Traceback" not in result.output


def test_help_ends_with_an_example():
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    assert "Example:\n    graphfraud validate data/" in result.output
    for option in ("--mapping", "--lenient", "--max-skipped", "--encoding", "--json", "--quiet"):
        assert option in result.output


def test_amount_mismatch_is_a_counted_warning_not_a_refusal(world):
    # issue 14: a fee line whose amount is not quantity x unit_price is an audit finding; exit 0, rows kept
    d = world(claim_items=world.edit("claim_items", 2, "amount", "25.00"))
    result = run(str(d))
    assert result.exit_code == 0, result.output
    assert f"{d}: valid, with 1 rows of data-quality warnings" in result.stdout
    assert "WARNING claim_items.csv: 1 rows amount != quantity x unit_price (rows 2)" in result.stdout
    assert "row 2: amount 25.00 is not quantity 2 x unit_price 10.2500 = 20.50" in result.stdout
    assert "claim_items             3 rows" in result.stdout
    summary = json.loads(run(str(d), "--json", "-q").stdout)
    assert summary["data_quality"] == [
        {
            "file": "claim_items.csv",
            "column": "amount",
            "check": "amount != quantity x unit_price",
            "rows": 1,
            "examples": [{"row": 2, "message": "amount 25.00 is not quantity 2 x unit_price 10.2500 = 20.50"}],
        }
    ]


def test_signals_the_data_switches_off_are_listed(world):
    persons = world.base["persons"]
    header = persons.splitlines()[0].split(",")
    keep = [i for i, name in enumerate(header) if name != "phone"]
    text = "".join(",".join(line.split(",")[i] for i in keep) + "\n" for line in persons.splitlines())
    result = run(str(world(persons=text, drop=("claim_items",))), "--json", "-q")
    assert result.exit_code == 0, result.output
    off = json.loads(result.stdout)["signals_off"]
    assert off["shared_phone"] == "persons.phone absent or empty"
    assert (
        off["dup_trace"] == "claim_items.trace_code absent or empty"
        and off["high_value"] == "no fee lines (claim_items absent or empty)"
    )
