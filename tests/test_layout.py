"""scripts/check_layout.py: the rule on SQL text outside engine/, backends/ and build/schema.py, and
the packages in layers (no import circle between them)."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "scripts" / "check_layout.py"
_spec = importlib.util.spec_from_file_location("check_layout", _PATH)
assert _spec and _spec.loader
check_layout = importlib.util.module_from_spec(_spec)
sys.modules["check_layout"] = check_layout
_spec.loader.exec_module(check_layout)


def findings(source: str, name: str = "foedus.query.example") -> list[tuple[int, str]]:
    return check_layout.sql_findings(name, ast.parse(source))


def test_constant_statement_outside_the_homes_is_reported() -> None:
    found = findings('def f(con):\n    return con.execute("SELECT 1").fetchall()\n')
    assert [line for line, _ in found] == [2]
    assert "SQL statement as constant text" in found[0][1]


@pytest.mark.parametrize(
    "name", ["foedus.build.schema", "foedus.engine.compile", "foedus.backends.duckdb"]
)
def test_constant_statement_in_a_home_is_not_reported(name: str) -> None:
    assert findings('def f(con):\n    con.execute("SELECT 1")\n', name) == []


@pytest.mark.parametrize(
    "text",
    [
        "BEGIN TRANSACTION",
        "COMMIT",
        "ROLLBACK",
        "CHECKPOINT",
        "DETACH old",
        "ATTACH 'x.duckdb' AS old",
        "SET threads TO 2",
        "SET preserve_insertion_order = true",
        "PRAGMA table_info('t')",
        "COPY t TO 'out.csv'",
        "CREATE TABLE t (a INT)",
        "CREATE OR REPLACE TEMP VIEW v AS SELECT 1",
        "INSERT INTO t VALUES (?)",
        "DELETE FROM t WHERE a = ?",
        "UPDATE t SET a = 1",
        "DROP TABLE IF EXISTS t",
        "\n  WITH x AS (SELECT 1) SELECT * FROM x",
        "(SELECT 1)",
    ],
)
def test_every_statement_shape_is_reported(text: str) -> None:
    assert len(findings(f"Q = {text!r}\n")) == 1


def test_held_in_a_variable_is_reported() -> None:
    source = 'Q = """\nSELECT a\nFROM t\n"""\n\ndef f(con):\n    con.execute(Q)\n'
    assert [line for line, _ in findings(source)] == [1]


@pytest.mark.parametrize(
    "source",
    [
        '"""SELECT the events: a docstring."""\n',
        'def f():\n    """SELECT rows, CREATE TABLE and COMMIT, as a docstring says."""\n',
        'MESSAGE = "select a perspective"\n',
        'MESSAGE = "Select a perspective, then COMMIT to it"\n',
        'HELP = "SET it with --threads"\n',
        'WORDS = "the ATTACHED file"\n',
        'T = sqlglot.parse_one("SELECT 1", read="duckdb")\n',
        'T = parse_one("BEGIN TRANSACTION")\n',
    ],
)
def test_docstrings_messages_and_parsed_text_are_not_reported(source: str) -> None:
    assert findings(source) == []


def test_built_text_is_still_reported() -> None:
    source = 'def f(con, t):\n    con.execute(f"SELECT * FROM {t}")\n'
    assert [m for _, m in findings(source)] == ["SQL built as text (use a sqlglot tree)"]


def test_a_circle_between_packages_is_reported_with_an_import_that_makes_it() -> None:
    """No module circle, but ``build`` and ``norms`` import each other (as they did when
    ``norms.binding`` ran inside the build): the packages are not in layers."""
    import networkx as nx

    graph = nx.DiGraph(
        [
            ("foedus.build.fluents", "foedus.norms.binding"),
            ("foedus.norms.binding", "foedus.build.schema"),
            ("foedus.query.common", "foedus.build.schema"),
        ]
    )
    here = check_layout.ROOT / "src" / "foedus" / "x.py"
    where = {e: (here, i) for i, e in enumerate(graph.edges, 1)}
    found = check_layout.package_circles(graph, where)
    assert len(found) == 1
    assert "package import circle: foedus.build -> foedus.norms -> foedus.build" in found[0]
    assert "(foedus.build.fluents imports foedus.norms.binding)" in found[0]
    graph.remove_edge("foedus.build.fluents", "foedus.norms.binding")
    assert check_layout.package_circles(graph, where) == []


def test_no_two_test_files_share_a_name() -> None:
    """pytest imports each test file by its name alone (the test folders have no
    ``__init__.py``): a second tests/*/test_x.py stops the whole run with "import file
    mismatch" (tests/query/test_refusals.py beside tests/corpus/test_refusals.py did)."""
    tests = Path(__file__).parent
    seen: dict[str, list[str]] = {}
    for f in sorted(tests.rglob("test_*.py")):
        seen.setdefault(f.name, []).append(str(f.relative_to(tests)))
    assert {name: where for name, where in seen.items() if len(where) > 1} == {}
