"""Whether a corpus differs from the one a database was built from only by added events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlglot import exp

from foedus.build.incremental.sql import _P, _count
from foedus.build.incremental.state import META, STATE, meta, rules_hash
from foedus.build.schema import STORED_EVENTS, STORED_QUOTES, TABLES
from foedus.duck import duckdb
from foedus.engine.dependencies import NotIncremental

#: The tables of the previous database (attached as ``old``).
_OLD_TABLES = (
    exp.select("table_name")
    .from_("information_schema.tables")
    .where(exp.column("table_catalog").eq(exp.Literal.string("old")))
    .where(exp.column("table_schema").eq(exp.Literal.string("main")))
)

#: the corpus tables that are views of the stored events and quotes (compared as those)
_EVENT_TABLES = ("events", "event_actors", "event_targets", "quotes")


def _count_of(query: exp.Expression) -> exp.Select:
    return exp.select(exp.func("count", exp.Star())).from_(query)


def added_events(scratch: duckdb.DuckDBPyConnection, old: str = "old") -> list[str]:
    """The ids of the events of the corpus in ``scratch`` that the database attached as
    ``old`` lacks, when every other row of every corpus table is the same in both; else
    :class:`NotIncremental` with the first difference found."""

    def count(query: exp.Expression) -> int:
        return _count(scratch, query.sql("duckdb"))

    def differ(a: exp.Select, b: exp.Select) -> int:
        return sum(
            count(_count_of(exp.except_(x, y, distinct=False).subquery()))
            for x, y in ((a, b), (b, a))
        )

    def before(table: str) -> exp.Table:
        schema, _, name = table.rpartition(".")
        return exp.table_(name, db=schema or "main", catalog=old)

    def rows(table: exp.Table | str) -> exp.Select:
        return exp.select("*").from_(table)

    kept = exp.column("key").neq(exp.Literal.string("content_hash"))
    if differ(rows(before("meta")).where(kept), rows("meta").where(kept)):
        raise NotIncremental("the database holds another corpus (or another schema version)")
    for table in TABLES:
        if table not in (*_EVENT_TABLES, "meta") and differ(rows(before(table)), rows(table)):
            raise NotIncremental(f"table {table} differs")
    # the quotes of the records that are not events (an event's quotes are in its row)
    if differ(rows(before(STORED_QUOTES)), rows(exp.to_table(STORED_QUOTES))):
        raise NotIncremental("table quotes differs")
    old_ids = f"{_P}old_ids"
    scratch.execute(
        exp.Create(
            this=exp.to_table(old_ids),
            kind="TABLE",
            replace=True,
            expression=exp.select("id").from_(before("events")),
            properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
        ).sql("duckdb")
    )
    ids = exp.select("id").from_(old_ids)

    # an old event's row (its actors, targets and quotes in it) not in the new corpus
    cols = [d[0] for d in scratch.execute(rows(STORED_EVENTS).limit(0).sql("duckdb")).description]
    on = exp.and_(
        *(
            exp.NullSafeEQ(
                this=exp.column(c, "o", quoted=True), expression=exp.column(c, "n", quoted=True)
            )
            for c in cols
        )
    )
    new = exp.to_table(STORED_EVENTS).as_("n")
    if count(_count_of(before(STORED_EVENTS).as_("o")).join(new, on=on, join_type="ANTI")):
        raise NotIncremental("an event was edited or removed")
    added = (
        exp.select("id")
        .from_("events")
        .where(exp.not_(exp.column("id").isin(query=ids)))
        .order_by("id")
    )
    return [r[0] for r in scratch.execute(added.sql("duckdb")).fetchall()]


def check_state(
    scratch: duckdb.DuckDBPyConnection,
    corpus: Any,
    steps: Sequence[Any],
    registered: tuple[str, Sequence[Any]],
) -> dict[str, list[str]]:
    """The previous database (attached as ``old``) keeps a state that this engine, these
    steps and these rules can update."""
    key, default = registered
    if list(steps) != list(default):
        raise NotIncremental("only a build with the registered steps can be updated")
    tables = {r[0] for r in scratch.execute(_OLD_TABLES.sql("duckdb")).fetchall()}
    if "on_demand" in tables:
        raise NotIncremental("the previous database computes some fluents on demand")
    need = {META, STATE, "fluents", "scenario_fluents", "breaches", "event_acts", "norm_rows"}
    if not need <= tables:
        raise NotIncremental("the previous database keeps no state for updates")
    old = meta(scratch, "old")
    if old.get("steps_key") != [key]:
        raise NotIncremental("the previous database was built by another version of the engine")
    if old.get("rules_hash") != [rules_hash(corpus)]:
        raise NotIncremental("the rules differ")
    return old
