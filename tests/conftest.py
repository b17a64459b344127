"""Suite-wide fixtures."""

import pytest


@pytest.fixture(autouse=True)
def _private_audit_log(tmp_path_factory, monkeypatch):
    """Commands under test append to a temporary audit log, never the user's real one."""
    monkeypatch.setenv("GRAPHFRAUD_AUDIT_LOG", str(tmp_path_factory.getbasetemp() / "audit.jsonl"))
