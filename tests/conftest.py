"""Suite-wide fixtures, and one detect run on data/sample shared by the tests of outputs/ and analyses/."""

from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(autouse=True)
def _private_audit_log(tmp_path_factory, monkeypatch):
    """Commands under test append to a temporary audit log, never the user's real one."""
    monkeypatch.setenv("GRAPHFRAUD_AUDIT_LOG", str(tmp_path_factory.getbasetemp() / "audit.jsonl"))


@pytest.fixture(scope="session")
def pack_key_file(tmp_path_factory):
    """The suite's evidence-signing key file (made once), never the user's own key."""
    from graphfraud.evidence.sign import init_key

    return init_key(tmp_path_factory.getbasetemp() / "keys" / "evidence_ed25519.pem")


@pytest.fixture(autouse=True)
def _private_pack_key(pack_key_file, monkeypatch):
    """`graphfraud evidence` signs with, and `verify` trusts, a temporary key (GRAPHFRAUD_PACK_KEY)."""
    monkeypatch.setenv("GRAPHFRAUD_PACK_KEY", str(pack_key_file))


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
