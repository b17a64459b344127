"""No Cypher is built out of strings anywhere in the package: statements live in cypher/,
values travel as parameters.  Flags f-strings, ``%`` and ``.format`` on text that looks like
Cypher, and ``run``/``execute_query`` calls whose statement is not a plain name or constant."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import graphfraud

PACKAGE = Path(graphfraud.__file__).parent
CYPHER = re.compile(
    r"\b(?:OPTIONAL\s+MATCH|MATCH|MERGE|CREATE)\s*\(|\bUNWIND\s+[\[$]|\bDETACH\s+DELETE\b"
    r"|\bSET\s+\w+\s*[.:+=]|\bRETURN\s+\w+\s*(?:AS|,|\.)"
)
RUNNERS = {"run", "execute_query", "run_read", "run_write", "write_batches"}


def _text(node: ast.AST) -> str:
    return "".join(
        part.value for part in ast.walk(node) if isinstance(part, ast.Constant) and isinstance(part.value, str)
    )


def _dynamic(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {
        "format", "join", "replace"
    }  # fmt: skip


def string_built_cypher(source: str, filename: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        if _dynamic(node) and CYPHER.search(_text(node)):
            problems.append(f"{filename}:{node.lineno}: Cypher built from strings")
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in RUNNERS and node.args:
                stmt = (
                    node.args[1]
                    if name in {"run_read", "run_write", "write_batches"} and len(node.args) > 1
                    else node.args[0]
                )
                if name in {"run_read", "run_write", "write_batches"} and len(node.args) < 2:
                    continue
                if _dynamic(stmt):
                    problems.append(f"{filename}:{node.lineno}: {name}() with a built statement")
    return problems


def test_detector_catches_string_built_cypher() -> None:
    bad = 'def f(tx, x):\n    tx.run(f"MATCH (n {{id: \'{x}\'}}) RETURN n.x AS x")\n    q = "MERGE (p:Person {id: %s})" % x\n'
    assert len(string_built_cypher(bad, "bad.py")) == 3
    good = 'def f(tx, x):\n    tx.run("MATCH (n {id: $x}) RETURN n.x AS x", {"x": x})\n    msg = f"loaded {x} rows"\n'
    assert string_built_cypher(good, "good.py") == []


def test_package_builds_no_cypher_from_strings() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        problems += string_built_cypher(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))
    assert problems == []


def test_neo4j_layer_never_creates_a_driver() -> None:
    for path in sorted((PACKAGE / "neo4j").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "GraphDatabase.driver(" not in text and "os.environ" not in text.replace("dict(os.environ", ""), path
