"""Suite-wide fixtures, one detect run on data/sample shared by the tests of outputs/ and analyses/, and the
grouping of tests for parallel runs (``pytest -n 2 --dist loadgroup``, as ``.ci/run`` runs the suite)."""

from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

# Under `pytest -n 2 --dist loadgroup` (.ci/run) each group runs in one worker, in collection order:
# - "neo4j": tests/neo4j and the tests listed in _NODE_GROUPS: they share one database that tests wipe, load and
#   bulk-replace (restarting the server), or log in to it with a wrong password, so never two at a time;
# - tests/neo4j/test_faults_live.py: its own Neo4j (ports 7697/7484/8109, a temporary home) that it kills and
#   restarts; a group of its own, so it runs beside the shared server's tests;
# - a package whose tests share package- or session-scoped state: tests/engine (one Spark session and
#   cluster), tests/synth (cached worlds), tests/evidence (the sample's packs);
# - any other module (doctests too): one group (its module-scoped fixtures are made once).
# Groups go out heaviest first: the Neo4j group, then the groups holding a `slow` test, then the rest.
# The groups come from node ids alone (the controller, which schedules, sees no marks): pytest-xdist 3.8's own
# `xdist_group` marks are lost with pytest 9.2 (pytest-dev/pytest-xdist#1386), so this file's scheduler is used.
_OWN_GROUPS = {"tests/neo4j/test_faults_live.py": "neo4j-faults"}
_PACKAGE_GROUPS = {
    "tests/neo4j": "neo4j",
    "tests/engine": "spark",
    "tests/synth": "synth",
    "tests/evidence": "evidence",
}
_NODE_GROUPS = {  # tests outside those folders that use the shared Neo4j server
    "tests/test_notebooks.py::test_notebook_01_uses_the_bundled_servers_password_file": "neo4j",
}


def test_group(nodeid: str) -> str:
    """The group of a test (see above) from its node id: ``tests/io/test_read.py::test_x`` -> ``tests/io/test_read.py``.

    >>> test_group("tests/neo4j/test_load_live.py::test_graph_model_counts"), test_group("tests/synth/test_vary.py::t")
    ('neo4j', 'synth')
    >>> test_group("graphfraud/io/read.py::graphfraud.io.read.read_claims_dir")
    'graphfraud/io/read.py'
    """
    nodeid = nodeid.split("@", 1)[0] if "@" in nodeid.rpartition("]")[2] else nodeid  # an xdist 3.8 group suffix
    if nodeid.split("[", 1)[0] in _NODE_GROUPS:
        return _NODE_GROUPS[nodeid.split("[", 1)[0]]
    path = nodeid.split("::", 1)[0]
    if path in _OWN_GROUPS:
        return _OWN_GROUPS[path]
    package = path.rpartition("/")[0]
    return _PACKAGE_GROUPS.get(package, path)


test_group.__test__ = False  # type: ignore[attr-defined]  (not a test)


def _grouped(config: pytest.Config) -> bool:
    # the controller has dist == "loadgroup"; pytest-xdist gives its workers (which collect) dist "no" and loadgroup
    return config.getoption("dist", "no") == "loadgroup" or bool(getattr(config.option, "loadgroup", False))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """``--dist loadgroup``: the scheduler of ``--dist loadscope`` with :func:`test_group` as the scope."""
    if config.getoption("dist", "no") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return test_group(nodeid)

    config.option.loadscopereorder = False  # keep the order pytest_collection_modifyitems gives (heaviest first)
    return GroupScheduling(config, log)


@pytest.hookimpl(tryfirst=True)  # before tests/neo4j's reordering, which keeps its group contiguous
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--dist loadgroup``: the heaviest groups first (the Neo4j group, then those holding a `slow` test)."""
    if not _grouped(config):
        return
    groups = {id(item): test_group(item.nodeid) for item in items}
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
