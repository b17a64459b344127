"""`graphfraud load` of exports without optional columns, into a real Neo4j (issue 14).

The pure row builders are run for every dropped column in tests/test_optional_columns.py; here
two worlds without a few columns each are loaded, with their rings, through the CLI.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("optional-live") / "world"
    result = CliRunner().invoke(main, ["synth", str(out), "--persons", "800", "--days", "60", "--seed", "5", "-q"])
    assert result.exit_code == 0, result.output
    return out


def without(world: Path, dest: Path, names: tuple[str, ...]) -> Path:
    shutil.copytree(world, dest)
    (dest / "labels.csv").unlink()
    for name in names:
        table, _, column = name.partition(".")
        if not column:
            (dest / f"{table}.csv").unlink()
            continue
        frame = pd.read_csv(dest / f"{table}.csv", dtype=str, keep_default_na=False)
        frame.drop(columns=[column]).to_csv(dest / f"{table}.csv", index=False)
    return dest


def count(driver: neo4j.Driver, pattern: str) -> int:
    return driver.execute_query(f"MATCH {pattern} RETURN count(*) AS n").records[0]["n"]


@pytest.mark.parametrize("names", [
    ("persons.phone", "persons.address", "persons.death_date", "facilities.region"),
    ("claims.doctor_id", "claims.holder_id", "doctors.facility_id", "claims.diagnosis", "claim_items"),
], ids=["no-phone-address-death-region", "no-doctor-holder-diagnosis-items"])  # fmt: skip
def test_load_without_optional_columns(
    names: tuple[str, ...], world: Path, tmp_path: Path, empty_db: neo4j.Driver, neo4j_conn: Any
) -> None:
    data_dir = without(world, tmp_path / "data", names)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["detect", str(data_dir), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["load", str(data_dir), "--rings", str(out), "-q"], env=neo4j_conn.env)
    assert result.exit_code == 0, result.output

    claims = pd.read_csv(data_dir / "claims.csv", dtype=str, keep_default_na=False)
    rings = pd.read_csv(out / "rings.csv", dtype=str)
    assert count(empty_db, "(c:Claim)") == len(claims)
    assert count(empty_db, "(r:Ring)") == len(rings) >= 1
    if "persons.phone" in names:
        assert count(empty_db, "(:Phone)") == count(empty_db, "(:Address)") == 0
        assert count(empty_db, "(p:Person) WHERE p.death_date IS NOT NULL") == 0
    else:
        assert count(empty_db, "(:Doctor)-[:PRACTICES_AT]->()") == 0
        assert count(empty_db, "(c:Claim) WHERE c.diagnosis IS NOT NULL") == 0
        assert count(empty_db, "(:Claim)-[:BY]->(:Doctor)") == 0
        assert count(empty_db, "(:Person)-[:PAID_FOR]->(:Claim)") == len(claims)  # no holder_id: the patient paid
