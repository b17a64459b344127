"""``--lenient`` refuses to skip more than ``--max-skipped`` of a table (issue 15, data contract "Bad input").

Skipping is for a few bad rows of a real export.  When a whole column is
wrong (ids exported as numbers, a shifted column) lenient reading used to
skip every claim and report a "valid" directory with 0 rings; now it refuses,
naming the file, the share that would be skipped and the first reasons.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.errors import ContractError, ParamError
from graphfraud.io.read import read_claims_dir
from graphfraud.io.validate import SkippedRowsWarning, validate
from graphfraud.params import ReadParams

LENIENT = ReadParams(lenient=True)


def test_one_bad_claim_of_four_is_refused_by_default_naming_share_and_reason(world):
    d = world(claims=world.edit("claims", 4, "start_time", "tomorrow"))
    with pytest.raises(ContractError) as info:
        read_claims_dir(d, LENIENT)
    lines = str(info.value).splitlines()
    assert lines[0].startswith("claims.csv: --lenient would skip 1 of 4 rows (25.0%), more than --max-skipped 1.0%")
    assert lines[1].startswith("claims.csv, row 4, column start_time: cannot read 'tomorrow'")


def test_a_share_at_most_max_skipped_is_skipped(world):
    d = world(claims=world.edit("claims", 3, "start_time", "tomorrow"))  # C0002, without fee lines
    with pytest.warns(SkippedRowsWarning, match="skipped 1 of 4 rows of claims.csv"):
        data = read_claims_dir(d, ReadParams(lenient=True, max_skipped=0.25))
    assert data.claims.claim_id.tolist() == ["C0001", "C0003", "C0004"]


def test_max_skipped_counts_rows_with_the_wrong_number_of_fields(world):
    text = world.base["claims"].replace("J06.9,T1\nC0002", "J06,9,T1\nC0002")
    with pytest.raises(ContractError, match=r"would skip 1 of 4 rows \(25\.0%\)") as info:
        read_claims_dir(world(claims=text), LENIENT)
    assert "1 rows have the wrong number of fields" in str(info.value)


def test_a_cascade_from_skipped_persons_counts_in_the_claims_share(world):
    # person 0001 (1 of 3 persons) is allowed to go; its 3 claims of 4 are not
    d = world(persons=world.edit("persons", 2, "sex", "W"))
    with pytest.raises(ContractError, match=r"claims.csv: --lenient would skip 3 of 4 rows \(75\.0%\)") as info:
        read_claims_dir(d, ReadParams(lenient=True, max_skipped=0.5))
    assert "0001 is a skipped row of persons.csv" in str(info.value)


def _int64_ids(world) -> Path:
    """persons.csv with ids 0001.. as text, claims.parquet with the same ids stored as int64 (1, 2, 3)."""
    rows = list(csv.reader(io.StringIO(world.base["claims"])))
    d = world(drop=("claims", "claim_items"))
    columns = {name: [r[i] or None for r in rows[1:]] for i, name in enumerate(rows[0])}
    table = pa.table(
        {
            name: (
                pa.array([int(v) if v else None for v in values], pa.int64())
                if name in ("patient_id", "holder_id")
                else pa.array(values, pa.string())
            )
            for name, values in columns.items()
        }
    )
    pq.write_table(table, d / "claims.parquet")
    return d


def test_parquet_ids_stored_as_int64_are_refused_naming_the_type(world):
    d = _int64_ids(world)
    with pytest.raises(ContractError) as info:
        read_claims_dir(d, LENIENT)
    text = str(info.value)
    assert text.startswith("claims.parquet: --lenient would skip 4 of 4 rows (100.0%)")
    assert "unknown value 1: no person_id 1 in persons.csv" in text
    assert "column patient_id is stored as int64 in claims.parquet, but ids are text" in text
    assert "leading zeros" in text


def test_without_lenient_the_int64_note_is_in_the_error_too(world):
    with pytest.raises(ContractError, match="column patient_id is stored as int64 in claims.parquet"):
        read_claims_dir(_int64_ids(world))


def test_in_memory_validate_refuses_too(world):
    data = read_claims_dir(world())
    claims = data.claims.copy()
    claims.loc[1, "fund_amount"] = 500.0
    bad = type(data)(data.persons, data.facilities, data.pharmacies, data.doctors, claims, data.claim_items)
    with pytest.raises(ContractError, match=r"claims: --lenient would skip 1 of 4 rows \(25\.0%\)"):
        validate(bad, LENIENT)


def test_max_skipped_must_be_a_share():
    with pytest.raises(ParamError, match="'max_skipped' parameter of ReadParams must be a share in"):
        ReadParams(max_skipped=5)


@pytest.mark.parametrize("command", ["validate", "detect"])
def test_cli_refuses_and_writes_nothing(world, tmp_path, command):
    d = world(claims=world.edit("claims", 3, "start_time", "tomorrow"))
    out = tmp_path / "out"
    args = [command, str(d), "--lenient"] + (["--out", str(out)] if command == "detect" else [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedRowsWarning)
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "claims.csv: --lenient would skip 1 of 4 rows (25.0%)" in result.output
    assert "Traceback" not in result.output and not out.exists()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedRowsWarning)
        result = CliRunner().invoke(main, args + ["--max-skipped", "30"])
    assert result.exit_code == 0, result.output
