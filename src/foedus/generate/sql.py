"""The generator's statements as sqlglot trees.

Each statement of :mod:`foedus.generate.draws` and :mod:`foedus.generate.writers` is a constant
template in DuckDB's SQL, parsed by sqlglot once into a module-level tree; what varies (the
sizes, the seed, the tables of templates) enters the tree as nodes, never as pasted text:
``:name`` placeholders are replaced by literals or by trees (:func:`statement`), and the random
draws ``mix``, ``rnd``, ``pick``, ``day_of`` and ``sid`` written in a template are expanded
into the expressions below.

Every random draw is a pure function of the seed and the row number: a 31-bit integer hash of
(row, salt), seeded, by xorshift and a multiplication by the MINSTD constant, modulo the
Mersenne prime 2^31 - 1 (no 64-bit overflow anywhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlglot
from sqlglot import exp

__all__ = ["array", "case_of", "copy_parquet", "statement", "values"]

_PRIME = 2147483647


def _p(e: exp.Expression) -> exp.Paren:
    return exp.Paren(this=e)


def _n(v: int) -> exp.Literal:
    return exp.Literal.number(v)


def _mix(x: exp.Expression) -> exp.Expression:
    """``((xor(x, x >> 13) % p) * 48271) % p``."""
    shifted = exp.BitwiseRightShift(this=_p(x.copy()), expression=_n(13))
    xored = exp.Anonymous(this="xor", expressions=[_p(x.copy()), shifted])
    return exp.Mod(
        this=_p(exp.Mul(this=_p(exp.Mod(this=xored, expression=_n(_PRIME))), expression=_n(48271))),
        expression=_n(_PRIME),
    )


def _rnd(i: exp.Expression, salt: exp.Expression, seed: int) -> exp.Expression:
    """``mix(mix(mix(((i) * 7919 + (salt) * 104729 + seed) % p) + (i)) + (salt))``."""
    first = exp.Add(
        this=exp.Add(
            this=exp.Mul(this=_p(i.copy()), expression=_n(7919)),
            expression=exp.Mul(this=_p(salt.copy()), expression=_n(104729)),
        ),
        expression=_n(seed),
    )
    inner = _mix(exp.Mod(this=_p(first), expression=_n(_PRIME)))
    middle = _mix(exp.Add(this=inner, expression=_p(i.copy())))
    return _mix(exp.Add(this=middle, expression=_p(salt.copy())))


def _expand(seed: int) -> Any:
    """A transform that replaces the generator's draw functions by their expressions."""

    def expand(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Anonymous):
            return node
        name = str(node.this).lower()
        # a draw's arguments may hold draws of their own (``day_of(pick(…))``)
        args = [a.copy().transform(expand) for a in node.expressions]
        if name == "rnd":
            return _p(_rnd(args[0], args[1], seed))
        if name == "pick":
            mod = exp.Mod(this=_p(_rnd(args[0], args[1], seed)), expression=_p(args[2]))
            return exp.cast(mod, exp.DataType.build("BIGINT"))
        if name == "day_of":
            days = exp.cast(_p(args[0]), exp.DataType.build("INTEGER"))
            return _p(
                exp.Add(this=exp.cast(exp.Literal.string("1900-01-01"), "DATE"), expression=days)
            )
        if name == "sid":
            number = exp.cast(_p(args[0]), exp.DataType.build("VARCHAR"))
            padded = exp.Anonymous(
                this="lpad", expressions=[number, _n(5), exp.Literal.string("0")]
            )
            return _p(exp.DPipe(this=exp.Literal.string("s"), expression=padded, safe=True))
        return node

    return expand


def _node(value: object) -> exp.Expression:
    if isinstance(value, exp.Expression):
        return value
    return exp.convert(value)


def statement(template: exp.Expression, seed: int = 0, /, **values: object) -> str:
    """The DuckDB SQL of ``template`` (a constant template parsed by sqlglot, left as it is)
    with each ``:name`` placeholder replaced by ``values[name]`` (a Python value becomes a
    literal, a tree stays a tree) and the draw functions expanded for ``seed``."""
    tree = template.copy()
    missing = {p.name for p in tree.find_all(exp.Placeholder)} - set(values)
    if missing:
        raise KeyError(f"no value for placeholder(s) {sorted(missing)}")
    tree = exp.replace_placeholders(tree, **{k: _node(v) for k, v in values.items()})
    tree = tree.transform(_expand(seed))
    return tree.sql(dialect="duckdb")


def array(items: Sequence[str]) -> exp.Array:
    """A list of strings as a DuckDB list literal."""
    return exp.Array(expressions=[exp.Literal.string(i) for i in items])


def values(rows: Sequence[Sequence[object]], name: str, columns: Sequence[str]) -> exp.Select:
    """``SELECT * FROM (VALUES …) AS name(columns)``: rows of Python values as a table."""
    table = exp.values(
        [tuple(_node(v) for v in r) for r in rows], alias=name, columns=list(columns)
    )
    return exp.select("*").from_(table)


def case_of(subject: exp.Expression | None, whens: Sequence[tuple[object, object]]) -> exp.Case:
    """``CASE [subject] WHEN a THEN b … END`` from pairs of values or trees."""
    case = exp.Case(this=subject)
    for when, then in whens:
        case = case.when(_node(when), _node(then))
    return case


# DuckDB's own row groups (122,880 rows): a reader reads one per thread (a build of a world
# written in row groups of 10^6 rows read its events on one thread: 3.9 s for the corpus
# tables at 10^6 events, 2.4 s in DuckDB's)
_COPY = sqlglot.parse_one(
    "COPY (SELECT 1) TO 'file' (FORMAT parquet, COMPRESSION zstd)",
    dialect="duckdb",
)


def copy_parquet(query: exp.Expression, path: str, **values: object) -> str:
    """The statement that writes the rows of ``query`` (a template, as for :func:`statement`)
    to the Parquet file ``path``."""
    tree = _COPY.copy()
    rows = sqlglot.parse_one(statement(query, **values), dialect="duckdb")
    tree.set("this", exp.Subquery(this=rows))
    tree.set("files", [exp.Literal.string(path)])
    return tree.sql(dialect="duckdb")
