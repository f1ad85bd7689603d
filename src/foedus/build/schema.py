"""Every table of a built database, and its columns: the one schema module.

A built database holds the corpus tables (:data:`TABLES`, docs/corpus-format.md), what the
engine derives from them (:data:`DERIVED`: every perspective's ``fluents``, the per-scenario
rows breach detection reads, the breach inputs, the rules as written), the state an
incremental update starts from (:data:`STATE`), and the query index in a schema of its own
(:data:`INDEX`). ``breaches`` and the index's tables are made by their queries (``CREATE
TABLE ... AS``); their columns are listed here for reference.

This is the one module outside engine/ and backends/ where SQL is written as text (column
definitions); the statements are made from these by :func:`create`. The administrative
statements a build runs around its tables (a transaction, a checkpoint, a setting, detaching
a database) are here too (:data:`BEGIN`, :data:`COMMIT`, :data:`CHECKPOINT`, :func:`detach`,
:func:`setting`, :func:`set_setting`).
"""

from __future__ import annotations

import functools
import re

from sqlglot import exp, parse_one

from foedus.engine.timepoints import event_point_sql
from foedus.rules.library.vocabulary import BINDS, CONSENTED, PART_OF

SCHEMA_VERSION = "6"
"""The layout of the tables; part of the cache key, so a new layout rebuilds cached
databases (2: the table ``rules``; 3: ``instruments.supersedes`` and ``political``; 4: the
events' id indexed by the query index step instead of a primary key; 5: an event stored as one
row of :data:`STORE`, ``events``, ``event_actors``, ``event_targets`` and ``quotes`` views of
it; 6: ``event_acts`` a view of the stored events, :data:`DERIVED_VIEWS`)."""


def _date(name: str) -> str:
    return f"{name}_earliest DATE, {name}_latest DATE, {name}_text VARCHAR"


TABLES: dict[str, str] = {
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
    "actors": "id VARCHAR PRIMARY KEY, name VARCHAR, kind VARCHAR, predecessor VARCHAR, "
    f"successor VARCHAR, part_of VARCHAR, {_date('existed_from')}, "
    f"{_date('existed_to')}, notes VARCHAR",
    "aliases": "alias_lower VARCHAR, actor_id VARCHAR",
    "instruments": "id VARCHAR PRIMARY KEY, name VARCHAR, kind VARCHAR, "
    f"{_date('signed')}, {_date('in_force')}, {_date('ended')}, amends VARCHAR, "
    "notes VARCHAR, hypothetical BOOLEAN, supersedes VARCHAR[], political BOOLEAN",
    "instrument_aliases": "alias_lower VARCHAR, instrument_id VARCHAR",
    "parties": "instrument_id VARCHAR, seq INTEGER, actor_id VARCHAR, how VARCHAR, "
    f"{_date('date')}, {_date('until')}, via VARCHAR, notes VARCHAR",
    "clauses": "instrument_id VARCHAR, clause_id VARCHAR, seq INTEGER, article VARCHAR, "
    "text VARCHAR, source_id VARCHAR, notes VARCHAR",
    "norms": "instrument_id VARCHAR, clause_id VARCHAR, kind VARCHAR, bearers VARCHAR[], "
    "beneficiaries VARCHAR[], description VARCHAR",
    "norm_categories": "instrument_id VARCHAR, clause_id VARCHAR, category_id VARCHAR",
    # a view of the stored events (VIEWS, STORE): their columns
    "events": "id VARCHAR, type VARCHAR, "
    f"{_date('date')}, instrument_id VARCHAR, mode VARCHAR, summary VARCHAR, "
    "justification VARCHAR, notes VARCHAR, hypothetical BOOLEAN",
    "event_actors": "event_id VARCHAR, seq INTEGER, actor_id VARCHAR",
    "event_targets": "event_id VARCHAR, seq INTEGER, actor_id VARCHAR",
    "sources": "id VARCHAR PRIMARY KEY, text VARCHAR",
    "quotes": "owner_kind VARCHAR, owner_id VARCHAR, part VARCHAR, seq INTEGER, "
    "source_id VARCHAR, quote VARCHAR",
    "categories": "id VARCHAR PRIMARY KEY, name VARCHAR, notes VARCHAR",
    "category_event_types": "category_id VARCHAR, event_type VARCHAR",
    "perspectives": "id VARCHAR PRIMARY KEY, name VARCHAR, description VARCHAR, "
    "rules VARCHAR[], replaces VARCHAR[]",
}
"""Every corpus table and its columns (docs/corpus-format.md), in the order they are made;
``events``, ``event_actors``, ``event_targets`` and ``quotes`` are views (:data:`VIEWS`) of the
tables of :data:`STORE`."""

STORE_SCHEMA = "foedus_store"
"""The schema of the tables the corpus views of :data:`VIEWS` read (:data:`STORE`); like the
query index's, a schema of its own, so that the database's ``main`` schema (what ``export
csv|parquet`` writes) holds the corpus tables and views as docs/corpus-format.md lists them."""
STORED_EVENTS = f"{STORE_SCHEMA}.events"
STORED_QUOTES = f"{STORE_SCHEMA}.quotes"
STORE: dict[str, str] = {
    # an event is one row: its actors, targets and quotes are lists of it, not rows of three
    # more tables, so that an event is read back by id through one index (the query index
    # step's, made after the rows: a primary key, checked row by row as they are inserted,
    # cost 2.0-2.4 s of the 10^6 world's build against 0.9 s for the rows and 0.6 s for the
    # index) and the build copies the events once, not four times (docs/performance.md)
    STORED_EVENTS: TABLES["events"]
    + ", actors VARCHAR[], targets VARCHAR[], quotes STRUCT(source_id VARCHAR, quote VARCHAR)[]",
    # the quotes of every other owner (actors, parties, clauses, instruments, ...)
    STORED_QUOTES: TABLES["quotes"],
}
"""The tables under the views of :data:`VIEWS`."""

_EVENT_COLUMNS = ", ".join(c.split()[0] for c in TABLES["events"].split(", "))


def _unnested(role: str) -> str:
    return (
        f"SELECT id AS event_id, CAST(generate_subscripts({role}, 1) - 1 AS INTEGER) AS seq, "
        f"unnest({role}) AS actor_id FROM {STORED_EVENTS}"
    )


VIEWS: dict[str, str] = {
    "events": f"SELECT {_EVENT_COLUMNS} FROM {STORED_EVENTS}",
    "event_actors": _unnested("actors"),
    "event_targets": _unnested("targets"),
    "quotes": f"SELECT * FROM {STORED_QUOTES} UNION ALL "
    "SELECT 'event' AS owner_kind, id AS owner_id, CAST(NULL AS VARCHAR) AS part, seq, "
    "q.source_id AS source_id, q.quote AS quote FROM (SELECT id, "
    "CAST(generate_subscripts(quotes, 1) - 1 AS INTEGER) AS seq, unnest(quotes) AS q "
    f"FROM {STORED_EVENTS})",
}
"""The corpus tables that are views of :data:`STORE` (their columns are :data:`TABLES`')."""


def event_acts(where: str = "") -> str:
    """The rows of ``event_acts`` (:data:`DERIVED`): each stored event's actors times its
    targets, unnested from its lists, with the event time points of its earliest and latest
    day (:func:`foedus.engine.timepoints.event_point_sql`); ``where``, a condition on the
    stored row, keeps only the events that satisfy it (before the unnest)."""
    return (
        "SELECT id AS event_id, type, actor, unnest(targets) AS target, t_early, t_late "
        "FROM (SELECT id, type, targets, unnest(actors) AS actor, "
        f"CAST({event_point_sql('date_earliest')} AS BIGINT) AS t_early, "
        f"CAST({event_point_sql('date_latest')} AS BIGINT) AS t_late FROM {STORED_EVENTS}"
        + (f" WHERE {where}" if where else "")
        + ")"
    )


DERIVED_VIEWS: dict[str, str] = {"event_acts": event_acts()}
"""The tables of :data:`DERIVED` that a build makes as views: ``event_acts`` (one row per
actor and target of an event) of the stored events, which hold each event's actors and targets
as lists (made as a table at 10^6 events, its 950,000 rows cost 0.45-0.60 s to store and
0.03-0.05 s to unnest again at each read: docs/performance.md, "Session 22")."""

DERIVED: dict[str, str] = {
    "fluents": "perspective VARCHAR, fluent VARCHAR, args VARCHAR[], value VARCHAR, "
    'start BIGINT, "end" BIGINT, certainty VARCHAR, rule VARCHAR, initiated_by VARCHAR, '
    "terminated_by VARCHAR",
    "scenario_fluents": "perspective VARCHAR, scenario VARCHAR, fluent VARCHAR, "
    'args VARCHAR[], value VARCHAR, start BIGINT, "end" BIGINT',
    "event_acts": "event_id VARCHAR, type VARCHAR, actor VARCHAR, target VARCHAR, "
    "t_early BIGINT, t_late BIGINT",
    "norm_bearers": "instrument VARCHAR, clause VARCHAR, bearer VARCHAR",
    "norm_beneficiaries": "instrument VARCHAR, clause VARCHAR, beneficiary VARCHAR",
    "norm_types": "instrument VARCHAR, clause VARCHAR, event_type VARCHAR",
    # a view of the three above (foedus.engine.from_tables.NORM_ROWS_VIEW): its columns
    "norm_rows": "instrument VARCHAR, clause VARCHAR, bearer VARCHAR, beneficiary VARCHAR, "
    "event_type VARCHAR",
    "rules": "perspective VARCHAR, label VARCHAR, kind VARCHAR, fluent VARCHAR, "
    "event VARCHAR, text VARCHAR, position INTEGER",
    "breaches": "perspective VARCHAR, event_id VARCHAR, actor VARCHAR, target VARCHAR, "
    "beneficiary VARCHAR, via VARCHAR, instrument VARCHAR, clause VARCHAR, certainty VARCHAR",
    "on_demand": "perspective VARCHAR, fluent VARCHAR, scenarios INTEGER",
    "facts_state": "c0 VARCHAR",
    "facts_forbids": "c0 VARCHAR, c1 VARCHAR, c2 VARCHAR, c3 VARCHAR, c4 VARCHAR",
    "facts_political": "c0 VARCHAR",
    "facts_bilateral": "c0 VARCHAR",
    "facts_supersedes": "c0 VARCHAR, c1 VARCHAR",
    "facts_body_of": "c0 VARCHAR, c1 VARCHAR",
}
"""The tables the engine's build steps add (:mod:`foedus.build.steps`). ``rules`` holds one
row per rule of each perspective: ``kind`` is ``initiated``, ``terminated`` or ``static``,
``fluent`` the head fluent, ``event`` the triggering event's name (NULL for a static rule),
``text`` the rule as written with its place (``"<rule> (file:line)"``). A build that computes
some fluents on demand (:mod:`foedus.build.binding`) lists them in ``on_demand`` (with the
number of scenarios of the build) and keeps the fact tables their rules read (``facts_state``,
``facts_forbids``, ...: :mod:`foedus.engine.from_tables`); other builds have neither."""

STATE_META = "state_meta"
STATE_FLUENTS = "state_fluents"
STATE: dict[str, str] = {
    STATE_META: "key VARCHAR, value VARCHAR",
    STATE_FLUENTS: "perspective VARCHAR, fluent VARCHAR, scn INTEGER, value VARCHAR, "
    'start BIGINT, "end" BIGINT, rule VARCHAR, initiated_by VARCHAR, terminated_by VARCHAR',
}
"""What an incremental update starts from (docs/incremental.md); ``state_fluents`` gets one
``k<i> VARCHAR`` column per argument of the widest fluent a rule reads
(:func:`add_key_columns`)."""

INDEX_SCHEMA = "foedus_index"
"""The query index (:mod:`foedus.build.index`): a schema of its own, so that the database's
``main`` tables (what ``export csv|parquet`` writes) stay as they were."""
MENTIONS = f"{INDEX_SCHEMA}.mentions"
BREACHES_AGAINST = f"{INDEX_SCHEMA}.breaches_against"
INDEX_META = f"{INDEX_SCHEMA}.meta"
BREACH_KEYS = (
    "event_id",
    "actor",
    "target",
    "beneficiary",
    "via",
    "instrument",
    "clause",
    "certainty",
)
"""The columns of ``breaches`` (and of the index's ``breaches_against``) an answer reads."""
INDEX: dict[str, str] = {
    MENTIONS: "perspective VARCHAR, who VARCHAR, " + DERIVED["fluents"].split(", ", 1)[1],
    BREACHES_AGAINST: "perspective VARCHAR, who VARCHAR, event_id VARCHAR, actor VARCHAR, "
    "target VARCHAR, beneficiary VARCHAR, via VARCHAR, instrument VARCHAR, clause VARCHAR, "
    "certainty VARCHAR, event_type VARCHAR, event_earliest DATE",
    INDEX_META: "content_hash VARCHAR",
}
"""The query index's tables."""

ALL: dict[str, str] = {**TABLES, **STORE, **DERIVED, **STATE, **INDEX}
"""Every table of a built database."""


@functools.cache
def create(name: str, *, if_not_exists: bool = False) -> str:
    """The ``CREATE TABLE`` statement of table ``name`` (DuckDB's dialect; parsed and rendered
    once per process: a build makes some thirty tables); of a view of :data:`VIEWS` or
    :data:`DERIVED_VIEWS`, its ``CREATE VIEW``."""
    if name in VIEWS or name in DERIVED_VIEWS:
        query = VIEWS.get(name) or DERIVED_VIEWS[name]
        view = parse_one(f"CREATE VIEW {name} AS {query}", dialect="duckdb")
        if if_not_exists:
            view.set("exists", True)
        return view.sql("duckdb")
    stmt = parse_one(f"CREATE TABLE {name} ({ALL[name]})", dialect="duckdb")
    if if_not_exists:
        stmt.set("exists", True)
    text = stmt.sql("duckdb")
    for column, method in COMPRESSION.get(name, {}).items():
        # sqlglot has no DuckDB column compression: the clause follows the rendered type
        at = rf"(?:(?<=\()|(?<=, )){column} TEXT(?=[,)])"
        text, n = re.subn(at, rf"\g<0> USING COMPRESSION {method}", text, count=1)
        assert n == 1, (name, column)
    return text


COMPRESSION: dict[str, dict[str, str]] = {
    STORED_EVENTS: {"id": "zstd", "summary": "zstd", "date_text": "zstd"},
    "fluents": {"initiated_by": "zstd", "terminated_by": "zstd"},
    MENTIONS: {"initiated_by": "zstd", "terminated_by": "zstd"},
}
"""Text columns stored with zstd instead of the compression DuckDB chooses: an event's id,
summary and date, and the event ids of an interval's provenance, nearly all distinct, for
which DuckDB tries its dictionary and FSST compressions on every block first. At 10^6 events
the stored events took 0.62 s to write against 0.78 s (35 MB against 30 MB), and the query
index's mentions 0.28 s against 0.32-0.38 s (docs/performance.md, "Session 41")."""


def add_key_columns(have: int, width: int) -> list[str]:
    """The statements that widen ``state_fluents`` from ``have`` to ``width`` key columns."""
    return [
        exp.Alter(
            this=exp.to_table(STATE_FLUENTS),
            kind="TABLE",
            actions=[
                exp.ColumnDef(this=exp.to_identifier(f"k{i}"), kind=exp.DataType.build("VARCHAR"))
            ],
        ).sql("duckdb")
        for i in range(have, width)
    ]


SCENARIO_FLUENTS = (BINDS, PART_OF, CONSENTED)
"""The fluents whose per-scenario rows ``scenario_fluents`` keeps: breach detection reads them
(docs/decisions/0002)."""


BEGIN = "BEGIN TRANSACTION"
"""Opens a transaction (DuckDB's dialect); :data:`COMMIT` ends it."""
COMMIT = "COMMIT"
"""Commits the open transaction."""
CHECKPOINT = "CHECKPOINT"
"""Writes the write-ahead log into the database file."""


def create_temp(name: str, query: exp.Expression) -> str:
    """``CREATE OR REPLACE TEMP TABLE name AS query``, rendered for DuckDB."""
    return exp.Create(
        this=exp.to_table(name),
        kind="TABLE",
        replace=True,
        expression=query,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    ).sql("duckdb")


def detach(alias: str) -> str:
    """The statement that detaches the database attached as ``alias``."""
    return exp.Detach(this=exp.to_identifier(alias)).sql("duckdb")


def setting(name: str) -> str:
    """The query of the current value of DuckDB's setting ``name`` (one row, one column)."""
    return exp.select(
        exp.Anonymous(this="current_setting", expressions=[exp.Literal.string(name)])
    ).sql("duckdb")


def set_setting(name: str, value: bool | int) -> str:
    """The statement that sets DuckDB's setting ``name`` to ``value`` (a flag or a number)."""
    text = ("true" if value else "false") if isinstance(value, bool) else str(int(value))
    return f"SET {exp.to_identifier(name).sql('duckdb')} = {text}"
