"""Evidence packs of the sample world (data/sample: one ring of each fraud typology), made once per session."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
TYPOLOGIES = ("staged_clinic", "card_collector", "induced_admission", "kickback")


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: run .ci/install-fonts.sh (installs poppler-utils and fonts-wqy-microhei)")
    return path


@pytest.fixture(scope="session")
def detected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`graphfraud detect data/sample --out OUT` (records the data dir in run.json)."""
    out = tmp_path_factory.mktemp("detect") / "out"
    result = CliRunner().invoke(main, ["detect", str(SAMPLE), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def packs(detected: Path, tmp_path_factory: pytest.TempPathFactory, pack_key_file: Path) -> dict[str, object]:
    """Chinese, masked packs of every ring, by typology (the claims dir comes from run.json)."""
    from graphfraud.evidence.pack import make_packs
    from graphfraud.evidence.source import ring_ids

    from graphfraud.evidence.sign import load_private_key

    dest = tmp_path_factory.mktemp("packs")
    key = load_private_key(pack_key_file)
    made = make_packs(detected, ring_ids(detected), dest=dest, signing_key=key)
    rings = pd.read_csv(detected / "rings.csv", dtype=str).set_index("ring_id")
    return {rings.loc[p.ring_id, "typology"]: p for p in made}


def pdf_text(pdf: Path) -> str:
    return subprocess.run([need("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)
