#!/usr/bin/env bash
# Install (once, cached) and run the bundled Neo4j 5.26 Community server for the `neo4j` and
# `browser` pytest markers.
#
#   bash .ci/neo4j.sh install  # fetch the pinned jars through Maven (no-op when cached)
#   bash .ci/neo4j.sh start    # fetch jars if needed, start with a FRESH database, wait until it answers
#   bash .ci/neo4j.sh stop     # SIGTERM, wait up to 30 s
#   bash .ci/neo4j.sh status
#
# Home: $GRAPHFRAUD_NEO4J_HOME or ~/.cache/graphfraud/neo4j-test -- the same home the pytest
# fixture in tests/neo4j/conftest.py uses, so the tests find the server and its password.
# The jars stay cached there (and in ~/.m2): only the first run downloads (~133 MB, ~90 s);
# `start` wipes that home's data and password so every CI run begins with an empty database.
# Needs: Java 17 and Maven (apt-get install -y openjdk-17-jre-headless maven), and the
# graphfraud package importable (pip install -e .).
set -euo pipefail
cd "$(dirname "$0")/.."
HOME_DIR="${GRAPHFRAUD_NEO4J_HOME:-$HOME/.cache/graphfraud/neo4j-test}"
PY="${PYTHON:-python3}"
gf() { GRAPHFRAUD_NEO4J_HOME="$HOME_DIR" "$PY" -m graphfraud.cli neo4j "$@"; }

need() {
  command -v java >/dev/null || { echo "neo4j.sh: java not found (apt-get install -y openjdk-17-jre-headless)" >&2; exit 1; }
  command -v mvn >/dev/null || { echo "neo4j.sh: mvn not found (apt-get install -y maven)" >&2; exit 1; }
}

case "${1:-start}" in
  install)
    need
    gf install
    ;;
  start)
    need
    gf stop >/dev/null || true
    rm -rf "$HOME_DIR/data" "$HOME_DIR/password" "$HOME_DIR/run"
    gf install
    gf start --timeout 180
    gf query "RETURN 1 AS ready" | tail -1
    ;;
  stop)
    gf stop
    ;;
  status)
    gf status
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
