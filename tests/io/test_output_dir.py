"""The detect output directory is written by one writer and read by one reader (graphfraud.io.output, issue 19)."""

from pathlib import Path

import pandas as pd
import pytest

from graphfraud.contract import OUTPUT_FILES
from graphfraud.errors import ContractError
from graphfraud.io.output import read_record, read_table, write_output
from graphfraud.io.write import owned_by
from graphfraud.score.rings import claims_table, members_table, reasons_table, rings_table


def _tables() -> dict[str, pd.DataFrame]:
    return {"rings.csv": rings_table([]), "ring_members.csv": members_table([]),
            "ring_reasons.csv": reasons_table([]), "ring_claims.csv": claims_table([], pd.Series([], dtype=object)),
            "explained.csv": rings_table([]), "explained_reasons.csv": reasons_table([])}  # fmt: skip


def test_the_score_tables_have_the_contract_columns_of_their_files():
    for name, frame in _tables().items():
        assert list(frame.columns)[: len(OUTPUT_FILES[name])] == [en for en, _ in OUTPUT_FILES[name]], name


def test_written_output_reads_back_and_is_replaceable(tmp_path: Path):
    out = tmp_path / "out"
    record = write_output(out, _tables(), {"version": "test"})
    assert sorted(record["outputs"]) == sorted(set(OUTPUT_FILES) - {"lineage.csv"})  # lineage.csv: only with --previous
    assert read_record(out)["outputs"] == record["outputs"]
    assert owned_by("run.json")(out)  # every file the writer writes is one a later detect may replace
    assert list(read_table(out, "ring_reasons.csv").columns)[-1] == "args"


def test_reader_accepts_chinese_headers_and_names_what_is_missing(tmp_path: Path):
    (tmp_path / "ring_claims.csv").write_text("团伙编号,结算ID\nR1,C9\n", encoding="utf-8")
    assert read_table(tmp_path, "ring_claims.csv").to_dict("records") == [{"ring_id": "R1", "claim_id": "C9"}]
    assert list(read_table(tmp_path, "explained.csv", required=False).columns)[0] == "rank"
    with pytest.raises(ContractError, match=r"rings.csv.*missing from .*: run detect"):
        read_table(tmp_path, "rings.csv", hint=": run detect")
    (tmp_path / "ring_members.csv").write_text("ring_id,entity_type\nR1,person\n", encoding="utf-8")
    with pytest.raises(ContractError, match=r"ring_members.csv, row 1, column entity_id: required column missing"):
        read_table(tmp_path, "ring_members.csv")


def test_the_writer_refuses_a_table_that_is_not_an_output_file(tmp_path: Path):
    with pytest.raises(ValueError, match="notes.csv"):
        write_output(tmp_path / "out", {"notes.csv": pd.DataFrame({"a": [1]})}, {})
    with pytest.raises(ValueError, match="rings.csv"):
        write_output(tmp_path / "out", {"rings.csv": pd.DataFrame({"rank": [1]})}, {})
