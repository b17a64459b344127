"""Suite-wide fixtures, one detect run on data/sample shared by the tests of outputs/ and analyses/, and the
grouping of tests for parallel runs (``pytest -n 2 --dist loadgroup``, as ``.ci/run`` runs the suite)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"

# Under `--dist loadgroup` every test runs in the worker that runs the rest of its group, in collection order:
# - "neo4j": every test of tests/neo4j and every test marked `neo4j` or `xdist_group("neo4j")`: they share one
#   database that tests wipe and load, so they must never run at the same time;
# - tests/neo4j/test_faults_live.py: its own Neo4j (ports 7697/7484/8109, a temporary home) that it kills and
#   restarts; a group of its own, so it runs beside the shared server's tests;
# - a package whose tests share package- or session-scoped state: tests/engine (one Spark session and
#   cluster), tests/synth (cached worlds), tests/evidence (the sample's packs);
# - any other module: one group (its module-scoped fixtures are made once).
# Groups are handed out heaviest first (`--no-loadscope-reorder` keeps this order): the Neo4j group, then
# groups holding a `slow` test, then the rest in collection order.
_PACKAGE_GROUPS = {"engine": "spark", "synth": "synth", "evidence": "evidence"}
_OWN_GROUP = {"tests/neo4j/test_faults_live.py": "neo4j-faults"}


def _group(item: pytest.Item) -> str:
    mark = item.get_closest_marker("xdist_group")
    if mark is not None:
        return str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
    rel = item.path.resolve().relative_to(ROOT).as_posix() if item.path.is_relative_to(ROOT) else str(item.path)
    if rel in _OWN_GROUP:
        return _OWN_GROUP[rel]
    parts = rel.split("/")
    if parts[:2] == ["tests", "neo4j"] or item.get_closest_marker("neo4j") is not None:
        return "neo4j"
    if len(parts) > 2 and parts[0] == "tests" and parts[1] in _PACKAGE_GROUPS:
        return _PACKAGE_GROUPS[parts[1]]
    return rel


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks (and before tests/neo4j's reordering)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--dist loadgroup``: mark each test with its group (see above) and put the heaviest groups first."""
    if config.getoption("dist", "no") != "loadgroup":
        return
    groups = {id(item): _group(item) for item in items}
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(groups[id(item)]))
    slow = {groups[id(item)] for item in items if item.get_closest_marker("slow") is not None}
    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        first_seen.setdefault(groups[id(item)], index)

    def weight(item: pytest.Item) -> tuple[int, int]:
        group = groups[id(item)]
        return (0 if group == "neo4j" else 1 if group in slow else 2, first_seen[group])

    items.sort(key=weight)  # stable: a group's tests keep their order


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
