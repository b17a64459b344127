"""Suite-wide fixtures."""

import pytest


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
