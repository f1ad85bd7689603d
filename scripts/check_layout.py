"""Check the layout rules of docs/architecture.md over src/foedus.

1. No import circle: the graph of imports between the package's modules (every ``import``
   and ``from … import``, at module level or inside a function; those under
   ``if TYPE_CHECKING:`` are annotations only and left out) has no cycle.
   Nor between the packages: with each module counted as its top-level package
   (``foedus.build.index`` as ``foedus.build``, ``foedus.errors`` as itself), the graph of
   the packages has no cycle either, so the packages read in layers (docs/architecture.md,
   "The map of the packages").
2. No module over 600 lines.
3. SQL text outside engine/, backends/ and build/schema.py only as sqlglot trees: an
   f-string or a ``+``/``%``/``.format`` built string that contains an SQL statement's
   keyword is reported, and so is a constant string (anywhere in the module: passed to
   ``.execute``, held in a variable or a named template) that reads as an SQL statement,
   its first words one of :data:`SQL_STATEMENT` in upper case (``SELECT``, ``WITH x AS``,
   ``INSERT INTO``, ``CREATE TABLE``, ``DELETE FROM``, ``UPDATE t SET``, ``DROP``,
   ``BEGIN TRANSACTION``, ``COMMIT``, ``ROLLBACK``, ``CHECKPOINT``, ``ATTACH``,
   ``DETACH``, ``SET x =``/``SET x TO``, ``PRAGMA``, ``COPY … TO``…). Docstrings are not
   code and are skipped; the one constant that may read as a statement is the text
   sqlglot parses into a tree, the first argument of ``parse_one`` (``sqlglot.parse_one
   ("SELECT …", read="duckdb")``, held as a module-level tree or parsed on first use).

Prints every finding as ``path:line: message`` and exits 1 when there is one, else 0.
Run: ``python scripts/check_layout.py`` (from the project root; CI runs it).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PACKAGE = "foedus"
MAX_LINES = 600
#: where SQL text may be written as text (the compiler, the backends, the one schema module)
SQL_HOMES = ("foedus.engine", "foedus.backends", "foedus.build.schema")
SQL_WORDS = re.compile(
    r"\b(SELECT|INSERT\s+INTO|CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+|TEMPORARY\s+)?(TABLE|VIEW|INDEX|SCHEMA)"
    r"|DELETE\s+FROM|UPDATE\s+\w+\s+SET|DROP\s+(TABLE|VIEW|SCHEMA))\b"
)
#: the first words of a constant string that is an SQL statement (upper case, as SQL is
#: written here; after any white space or opening parenthesis)
SQL_STATEMENT = re.compile(
    r"\s*(\(\s*)*("
    r"SELECT\b|WITH\s+(RECURSIVE\s+)?\w+\s+AS\b|INSERT\s+(OR\s+\w+\s+)?INTO\b"
    r"|CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+|TEMPORARY\s+)?(UNIQUE\s+)?"
    r"(TABLE|VIEW|INDEX|SCHEMA|SEQUENCE|MACRO|TYPE)\b"
    r"|DELETE\s+FROM\b|UPDATE\s+[\w.\"]+\s+SET\b"
    r"|DROP\s+(TABLE|VIEW|INDEX|SCHEMA|SEQUENCE|MACRO|TYPE)\b"
    r"|(BEGIN|START)(\s+TRANSACTION)?\s*;?\s*$|COMMIT\b|ROLLBACK\b|ABORT\b|CHECKPOINT\b"
    r"|ATTACH\b|DETACH\b|USE\s+\w|SET\s+(GLOBAL\s+|SESSION\s+|LOCAL\s+)?\w+\s*(=|TO\b)"
    r"|RESET\s+\w|PRAGMA\b|COPY\b.*\bTO\b|VACUUM\b|LOAD\s+\w|INSTALL\s+\w"
    r")",
    re.DOTALL,
)
#: calls whose first argument is SQL text parsed into a sqlglot tree (sqlglot's parsers)
SQL_PARSERS = ("parse_one",)


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(
    tree: ast.Module, name: str, is_package: bool, modules: set[str]
) -> list[tuple[str, int]]:
    """``(imported module, line)`` for every import of a module of the package."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.orelse:
                    visit_stmt(stmt)
                continue
            visit_stmt(child)

    def visit_stmt(child: ast.AST) -> None:
        if isinstance(child, ast.Import):
            for alias in child.names:
                if alias.name.split(".")[0] == PACKAGE:
                    found.append((alias.name, child.lineno))
        elif isinstance(child, ast.ImportFrom):
            base = child.module or ""
            if child.level:
                here = name.split(".") if is_package else name.split(".")[:-1]
                here = here[: len(here) - (child.level - 1)]
                base = ".".join([*here, base] if base else here)
            if base.split(".")[0] != PACKAGE:
                return
            for alias in child.names:
                sub = f"{base}.{alias.name}"
                found.append((sub if sub in modules else base, child.lineno))
        else:
            visit(child)

    visit(tree)
    return found


def sql_text(tree: ast.Module) -> list[int]:
    """Lines where SQL is built as text from pieces (f-string, concatenation, format)."""
    lines: list[int] = []
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            for side in (node.left, node.right):
                if isinstance(side, ast.Constant) and isinstance(side.value, str):
                    text = (text or "") + side.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
        ):
            text = node.func.value.value
        if text and SQL_WORDS.search(text.upper() if text.isupper() else text):
            lines.append(node.lineno)
    return sorted(set(lines))


def _call_name(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def sql_constants(tree: ast.Module) -> list[int]:
    """Lines of constant strings that read as an SQL statement (:data:`SQL_STATEMENT`),
    except docstrings, the pieces of f-strings (:func:`sql_text` judges those) and the
    text given to sqlglot's parser (:data:`SQL_PARSERS`)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        elif isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
        elif isinstance(node, ast.Call) and _call_name(node) in SQL_PARSERS and node.args:
            skip.add(id(node.args[0]))
    return sorted(
        {
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and SQL_STATEMENT.match(node.value)
        }
    )


def sql_findings(name: str, tree: ast.Module) -> list[tuple[int, str]]:
    """``(line, message)`` for the SQL text of the module ``name`` (none in :data:`SQL_HOMES`)."""
    if name.startswith(SQL_HOMES):
        return []
    built = [(line, "SQL built as text (use a sqlglot tree)") for line in sql_text(tree)]
    constant = [
        (
            line,
            "SQL statement as constant text (use a sqlglot tree, or a statement of "
            "build/schema.py)",
        )
        for line in sql_constants(tree)
    ]
    return sorted(built + constant)


def package_of(module: str) -> str:
    """The top-level package a module belongs to: ``foedus.build`` for
    ``foedus.build.incremental.update``, the module itself for ``foedus.errors``."""
    return ".".join(module.split(".")[:2])


def package_circles(graph: nx.DiGraph, where: dict[tuple[str, str], tuple[Path, int]]) -> list[str]:
    """An import circle between top-level packages, each with one import that makes it."""
    packages: nx.DiGraph = nx.DiGraph()
    edge: dict[tuple[str, str], tuple[str, str]] = {}
    for a, b in graph.edges:
        pa, pb = package_of(a), package_of(b)
        if pa != pb:
            packages.add_edge(pa, pb)
            edge.setdefault((pa, pb), (a, b))
    out = []
    for component in sorted(sorted(c) for c in nx.strongly_connected_components(packages)):
        if len(component) < 2:
            continue
        cycle = [a for a, _ in nx.find_cycle(packages.subgraph(component))]
        ma, mb = edge[(cycle[0], cycle[1 % len(cycle)])]
        path, line = where[(ma, mb)]
        out.append(
            f"{path.relative_to(ROOT)}:{line}: package import circle: "
            f"{' -> '.join([*cycle, cycle[0]])} ({ma} imports {mb})"
        )
    return out


def main(argv: list[str]) -> int:
    files = sorted((SRC / PACKAGE).rglob("*.py"))
    modules = {module_name(p) for p in files}
    graph: nx.DiGraph = nx.DiGraph()
    where: dict[tuple[str, str], tuple[Path, int]] = {}
    problems: list[str] = []
    for path in files:
        name = module_name(path)
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, filename=str(path))
        graph.add_node(name)
        for target, line in imports(tree, name, path.name == "__init__.py", modules):
            if target != name and target in modules:
                graph.add_edge(name, target)
                where.setdefault((name, target), (path, line))
        rel = path.relative_to(ROOT)
        n = text.count("\n")
        if n > MAX_LINES:
            problems.append(f"{rel}:1: {n} lines, over the limit of {MAX_LINES}")
        problems.extend(f"{rel}:{line}: {message}" for line, message in sql_findings(name, tree))
    for component in sorted(sorted(c) for c in nx.strongly_connected_components(graph)):
        if len(component) < 2:
            continue
        cycle = [a for a, _ in nx.find_cycle(graph.subgraph(component))]
        path, line = where[(cycle[0], cycle[1 % len(cycle)])]
        problems.append(
            f"{path.relative_to(ROOT)}:{line}: import circle: {' -> '.join([*cycle, cycle[0]])}"
            f" (a strongly connected set of {len(component)} modules: {', '.join(component)})"
        )
    problems.extend(package_circles(graph, where))
    for p in problems:
        print(p)
    print(f"{len(files)} modules, {graph.number_of_edges()} imports, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
