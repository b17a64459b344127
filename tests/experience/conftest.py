"""Shared fixtures of the analyst/investigator tools (issue 7): one detect run on data/sample."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def sample_data():
    from graphfraud.io.read import read_claims_dir
    from graphfraud.params import ReadParams

    return read_claims_dir(SAMPLE, ReadParams())


@pytest.fixture(scope="session")
def sample_out(tmp_path_factory, sample_data) -> Path:
    """The --out directory of a detect run on data/sample (run once per session)."""
    from graphfraud.pipeline import run, write_outputs

    out = tmp_path_factory.mktemp("detect") / "out"
    write_outputs(run(sample_data), sample_data, str(out))
    return out
