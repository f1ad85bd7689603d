"""Whether a corpus differs from the one a database was built from only by added events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from foedus.build.incremental.sql import _P, _count, _q
from foedus.build.incremental.state import META, STATE, meta, rules_hash
from foedus.build.schema import TABLES
from foedus.engine.dependencies import NotIncremental

_EVENT_TABLES = ("events", "event_actors", "event_targets", "quotes")


def added_events(scratch: duckdb.DuckDBPyConnection, old: str = "old") -> list[str]:
    """The ids of the events of the corpus in ``scratch`` that the database attached as
    ``old`` lacks, when every other row of every corpus table is the same in both; else
    :class:`NotIncremental` with the first difference found."""

    def differ(a: str, b: str) -> int:
        return _count(scratch, f"SELECT count(*) FROM ({a} EXCEPT ALL {b})") + _count(
            scratch, f"SELECT count(*) FROM ({b} EXCEPT ALL {a})"
        )

    o = f"{_q(old)}.main."
    meta = "SELECT * FROM {}meta WHERE key <> 'content_hash'"
    if differ(meta.format(o), meta.format("")):
        raise NotIncremental("the database holds another corpus (or another schema version)")
    for table in TABLES:
        if table not in (*_EVENT_TABLES, "meta") and differ(
            f"SELECT * FROM {o}{table}", f"SELECT * FROM {table}"
        ):
            raise NotIncremental(f"table {table} differs")
    scratch.execute(f"CREATE OR REPLACE TEMP TABLE {_P}old_ids AS SELECT id FROM {o}events")
    ids = f"(SELECT id FROM {_P}old_ids)"

    def missing(table: str, where: str) -> int:
        """Rows of the old table not in the new one (a hash join on every column: the large
        event tables are compared so, their rows being unique by id and position)."""
        cols = [d[0] for d in scratch.execute(f"SELECT * FROM {table} LIMIT 0").description]
        on = " AND ".join(f"o.{_q(c)} IS NOT DISTINCT FROM n.{_q(c)}" for c in cols)
        return _count(
            scratch,
            f"SELECT count(*) FROM {o}{table} AS o ANTI JOIN (SELECT * FROM "
            f"{table} WHERE {where}) AS n ON {on}",
        )

    if missing("events", "TRUE"):
        raise NotIncremental("an event was edited or removed")
    for table, where in (
        ("event_actors", f"event_id IN {ids}"),
        ("event_targets", f"event_id IN {ids}"),
        ("quotes", f"NOT (owner_kind = 'event' AND owner_id NOT IN {ids})"),
    ):
        if missing(table, where) or _count(scratch, f"SELECT count(*) FROM {o}{table}") != _count(
            scratch, f"SELECT count(*) FROM {table} WHERE {where}"
        ):
            raise NotIncremental(f"table {table} differs for the corpus's own records")
    return [
        r[0]
        for r in scratch.execute(
            f"SELECT id FROM events WHERE id NOT IN {ids} ORDER BY id"
        ).fetchall()
    ]


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
    tables = {
        r[0]
        for r in scratch.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'old' "
            "AND table_schema = 'main'"
        ).fetchall()
    }
    need = {META, STATE, "fluents", "scenario_fluents", "breaches", "event_acts", "norm_rows"}
    if not need <= tables:
        raise NotIncremental("the previous database keeps no state for updates")
    old = meta(scratch, "old")
    if old.get("steps_key") != [key]:
        raise NotIncremental("the previous database was built by another version of the engine")
    if old.get("rules_hash") != [rules_hash(corpus)]:
        raise NotIncremental("the rules differ")
    return old
