"""The engine's inputs made in SQL from the corpus tables of a database: the fast path.

:mod:`foedus.engine.from_corpus` turns a loaded corpus into happenings and facts in Python,
record by record; this module makes the same rows with one SQL statement each, over the
tables that :func:`foedus.build.tables.write_tables` wrote (``actors``, ``instruments``,
``parties``, ``norms``, ``norm_categories``, ``category_event_types``, ``events``,
``event_actors``, ``event_targets``), so a corpus of ten million events never passes through
per-record Python. The rows are the same, row for row (tests/generate/test_generate.py checks it):

- ``happenings(name, arity, a0, a1, t_early, t_late, id)`` — the narrative;
- ``facts_<rel>(c0 ..)`` for every relation of :data:`foedus.model.vocabulary.CORPUS_FACTS`
  (``state``, ``forbids`` — :func:`~foedus.engine.from_corpus.norm_rows` —, ``political``,
  ``bilateral``, ``supersedes``, ``body_of``): the facts;
- ``norm_rows`` (a view of the norms' factors, :data:`NORM_FACTORS`) — with ``event_acts``
  (a view of the stored events: :data:`foedus.build.schema.DERIVED_VIEWS`), what breach
  detection reads (:mod:`foedus.build.breaches`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlglot import exp

from foedus.duck import duckdb
from foedus.engine.compile_event import of_forms
from foedus.engine.from_corpus import BEGINNING, BREACHABLE_KINDS, successors
from foedus.engine.timepoints import event_point
from foedus.engine.timepoints import event_point_sql as point
from foedus.model.vocabulary import INSTRUMENT_ACTS


def _dated(
    name: str, arity: int, a0: str, a1: str, date: str, ident: str, source: str, where: str = ""
) -> str:
    cond = f"{date}_earliest IS NOT NULL" + (f" AND {where}" if where else "")
    return (
        f"SELECT '{name}' AS name, {arity} AS arity, {a0} AS a0, {a1} AS a1, "
        f"{point(date + '_earliest')} AS t_early, {point(date + '_latest')} AS t_late, "
        f"{ident} AS id FROM {source} WHERE {cond}"
    )


def _act_name(column: str) -> str:
    """The happening an instrument act of type ``column`` gives (:data:`INSTRUMENT_ACTS`)."""
    whens = " ".join(f"WHEN '{t}' THEN '{h}'" for t, h in INSTRUMENT_ACTS.items())
    return f"CASE {column} {whens} END"


def _types() -> str:
    return ", ".join(f"'{t}'" for t in INSTRUMENT_ACTS)


#: The rows of each fact relation the corpus gives the rules but ``state`` and ``forbids``
#: (:func:`foedus.engine.from_corpus.facts`), over the corpus tables.
FACTS_SQL: dict[str, str] = {
    "political": "SELECT DISTINCT id::VARCHAR AS c0 FROM instruments WHERE political",
    # two sides: a party that came by succession from another party of the instrument (its
    # via, else its predecessor) is that party's side (foedus.engine.from_corpus.sides)
    "bilateral": (
        "WITH p AS (SELECT p.instrument_id, p.actor_id, p.how, "
        "coalesce(nullif(p.via, ''), nullif(a.predecessor, '')) AS via "
        "FROM parties AS p LEFT JOIN actors AS a ON a.id = p.actor_id) "
        "SELECT p.instrument_id::VARCHAR AS c0 FROM p "
        "LEFT JOIN (SELECT DISTINCT instrument_id, actor_id FROM parties) AS q "
        "ON p.how = 'succession' AND q.instrument_id = p.instrument_id "
        "AND q.actor_id = p.via AND p.via <> p.actor_id "
        "WHERE q.actor_id IS NULL GROUP BY p.instrument_id "
        "HAVING count(DISTINCT p.actor_id) = 2"
    ),
    "supersedes": (
        "SELECT DISTINCT id::VARCHAR AS c0, unnest(supersedes)::VARCHAR AS c1 FROM instruments "
        "WHERE supersedes IS NOT NULL"
    ),
    "body_of": (
        "SELECT DISTINCT id::VARCHAR AS c0, part_of::VARCHAR AS c1 FROM actors "
        "WHERE part_of IS NOT NULL AND part_of <> ''"
    ),
}


#: The name of :func:`happenings_sql`'s stored events with each of their actors.
_ACTED = "_foedus_acted"


def happenings_sql(
    stored: str,
    arity: int = 2,
    names: str = "VARCHAR",
    forms: Mapping[int, Sequence[str]] | None = None,
    kinds: str = "VARCHAR",
) -> str:
    """The query whose rows are the happenings of the corpus in the database, with argument
    columns ``a0 .. a{arity-1}`` (at least two). ``stored`` is the table of the stored events,
    one row per event with its actors and targets as lists (``foedus.build.schema.STORED_EVENTS``,
    named by the caller: the build package is below this one): an event's happenings are
    unnested from its row (each actor; each actor times each target; an instrument act's
    actor and instrument), for a YAML corpus, a Parquet one and an overlay's events alike
    (the Parquet file's events were read from the file and an overlay's by joining three
    tables by id: the same 1,963,516 rows at 10^6, in the same 0.25-0.45 s). The argument
    columns are of the type ``names``: text, or an ENUM of every name :func:`names_sql` finds
    (:func:`store_engine_inputs`). With ``forms`` (for each number of arguments, the names:
    :func:`foedus.engine.compile_event.event_forms` of the rules that will read them), only the
    happenings of those forms: the 10^6 world's rules read 463,218 of its 1,963,516
    happenings (the acts of breach, and the one-actor form ``occupation(Y)`` of an act they
    read as ``occupation(Y, X)``, are read by no rule). The happenings' own names are of the
    type ``kinds``: text, or an ENUM of the names the forms hold (:data:`KINDS`)."""
    # an actor with no existed_from: from the engine's first day, or from the calendar's if it
    # ceased to exist before that (foedus.engine.from_corpus.undated_beginning)
    b = (
        f"CASE WHEN existed_to_earliest < DATE '{BEGINNING.isoformat()}' "
        f"THEN {event_point(date.min)} ELSE {event_point(BEGINNING)} END"
    )
    v = "NULL::VARCHAR"
    parts = [
        f"SELECT 'comes_into_existence' AS name, 1 AS arity, id AS a0, {v} AS a1, "
        f"coalesce({point('existed_from_earliest')}, {b}) AS t_early, "
        f"coalesce({point('existed_from_latest')}, {b}) AS t_late, 'actor:' || id AS id "
        "FROM actors",
        _dated(
            "succession",
            2,
            "predecessor",
            "id",
            "existed_from",
            "'actor:' || id",
            "actors",
            "predecessor IS NOT NULL AND predecessor <> ''",
        ),
        _dated("ceases_to_exist", 1, "id", v, "existed_to", "'actor:' || id", "actors"),
        _dated("signed", 1, "id", v, "signed", "'instrument:' || id", "instruments"),
        _dated("enter_into_force", 1, "id", v, "in_force", "'instrument:' || id", "instruments"),
        _dated(
            "enter_into_force",
            1,
            "id",
            v,
            "signed",
            "'instrument:' || id",
            "instruments",
            "in_force_earliest IS NULL",
        ),
        _dated("end", 1, "id", v, "ended", "'instrument:' || id", "instruments"),
        _dated(
            "join",
            2,
            "actor_id",
            "instrument_id",
            "date",
            "'party:' || instrument_id || ':' || actor_id || ':' || how",
            "parties",
        ),
        _dated(
            "leave",
            2,
            "actor_id",
            "instrument_id",
            "until",
            "'party:' || instrument_id || ':' || actor_id || ':' || how",
            "parties",
        ),
        f"SELECT type, 1, actor_id, {v}, te, tl, id FROM {_ACTED}",
        f"SELECT type, 2, actor_id, unnest(targets), te, tl, id FROM {_ACTED}",
        f"SELECT {_act_name('type')}, 2, actor_id, instrument_id, te, tl, id FROM {_ACTED} "
        f"WHERE instrument_id IS NOT NULL AND type IN ({_types()})",
    ]
    extra = "".join(f", NULL::{names} AS a{i}" for i in range(2, arity))
    # every event with each of its actors, unnested once for the three kinds of happening
    # made from it (joined in each, the 10^6 world's happenings took 0.58 s, 0.43 s so)
    acted = (
        f"WITH {_ACTED} AS MATERIALIZED (SELECT id, type, instrument_id, targets, "
        f"unnest(actors) AS actor_id, {point('date_earliest')} AS te, "
        f"{point('date_latest')} AS tl FROM {stored}) "
    )
    return (
        acted + f"SELECT name::{kinds} AS name, CAST(arity AS INTEGER) AS arity, "
        f"a0::{names} AS a0, a1::{names} AS a1{extra}, CAST(t_early AS BIGINT) AS t_early, "
        "CAST(t_late AS BIGINT) AS t_late, id::VARCHAR AS id FROM ("
        + " UNION ALL ".join(parts)
        + ")"
        + ("" if forms is None else f" WHERE {of_forms(forms).sql('duckdb')}")
    )


def names_sql(stored: str) -> str:
    """Every name :func:`happenings_sql` can give an argument of a happening (each once, in
    sorted order): the actors and their predecessors, the instruments, the parties' actors
    and instruments, and the stored events' (``stored``) actors, targets and instruments. A
    name read from a column that is not here would fail the cast to the ENUM made of these
    (:func:`store_engine_inputs`): the build stops, it does not lose the name."""
    every = " UNION ALL ".join(
        [
            "SELECT id AS n FROM actors",
            "SELECT predecessor FROM actors",
            "SELECT id FROM instruments",
            "SELECT actor_id FROM parties",
            "SELECT instrument_id FROM parties",
            f"SELECT instrument_id FROM {stored}",
            f"SELECT unnest(actors) FROM {stored}",
            f"SELECT unnest(targets) FROM {stored}",
        ]
    )
    return f"SELECT DISTINCT n::VARCHAR FROM ({every}) WHERE n IS NOT NULL ORDER BY 1"


#: The three tables a breachable norm is stored as, one factor each: a clause's bearers and
#: its beneficiaries (each with its successors; a norm that names none: every party of the
#: instrument) and the event types its categories name. ``norm_rows`` is a view of their
#: product (:data:`NORM_ROWS_VIEW`), so the norm of a convention of N parties is O(N) stored
#: rows, not N · (N - 1) · types (the ATOP corpus: 405,690 rows of ``norm_rows`` before).
NORM_FACTORS = ("norm_bearers", "norm_beneficiaries", "norm_types")

#: ``norm_rows(instrument, clause, bearer, beneficiary, event_type)``: every breachable norm's
#: rows, the product of its factors (:data:`NORM_FACTORS`), a bearer never its own beneficiary.
NORM_ROWS_VIEW = """
SELECT b.instrument, b.clause, b.bearer, y.beneficiary, t.event_type
FROM norm_bearers AS b
JOIN norm_beneficiaries AS y ON y.instrument = b.instrument AND y.clause = b.clause
JOIN norm_types AS t ON t.instrument = b.instrument AND t.clause = b.clause
WHERE b.bearer <> y.beneficiary
"""


def norm_factors_sql() -> dict[str, str]:
    """The query of each table of :data:`NORM_FACTORS` (each row once); reads the table
    ``_foedus_chains(actor, successor)`` (every actor's successors)."""
    kinds = ", ".join(f"'{k}'" for k in BREACHABLE_KINDS)
    clauses = f"""
WITH parties_of AS (
  SELECT instrument_id, list(DISTINCT actor_id) AS ps FROM parties GROUP BY instrument_id
),
cl AS (
  SELECT n.instrument_id, n.clause_id,
         CASE WHEN n.bearers IS NULL OR len(n.bearers) = 0 THEN p.ps ELSE n.bearers END AS bs,
         CASE WHEN n.beneficiaries IS NULL OR len(n.beneficiaries) = 0 THEN p.ps
              ELSE n.beneficiaries END AS ys
  FROM norms AS n LEFT JOIN parties_of AS p ON p.instrument_id = n.instrument_id
  WHERE n.kind IN ({kinds})
)"""

    def actors(column: str, name: str) -> str:
        return f"""{clauses},
a AS (SELECT instrument_id, clause_id, unnest({column}) AS x FROM cl)
SELECT instrument_id AS instrument, clause_id AS clause, x AS {name} FROM a
UNION SELECT a.instrument_id, a.clause_id, c.successor FROM a
JOIN _foedus_chains AS c ON c.actor = a.x"""

    types = f"""
SELECT DISTINCT nc.instrument_id AS instrument, nc.clause_id AS clause, ct.event_type
FROM norm_categories AS nc
JOIN norms AS n ON n.instrument_id = nc.instrument_id AND n.clause_id = nc.clause_id
JOIN category_event_types AS ct ON ct.category_id = nc.category_id
WHERE n.kind IN ({kinds})"""
    return {
        "norm_bearers": actors("bs", "bearer"),
        "norm_beneficiaries": actors("ys", "beneficiary"),
        "norm_types": types,
    }


def store_chains(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    """The table ``_foedus_chains(actor, successor)`` from the corpus's actors (few)."""
    con.execute("CREATE OR REPLACE TEMP TABLE _foedus_chains (actor VARCHAR, successor VARCHAR)")
    rows = [(a, s) for a, chain in successors(corpus).items() for s in chain]
    if rows:
        con.executemany("INSERT INTO _foedus_chains VALUES (?, ?)", rows)


def store_norm_rows(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    """The tables of :data:`NORM_FACTORS` from the corpus tables in the database (in no
    order: every reader joins them) and the view ``norm_rows`` of their product, unless
    ``norm_rows`` is there already."""
    if not _exists(con, "norm_rows"):
        store_chains(con, corpus)
        for name, sql in norm_factors_sql().items():
            con.execute(f"CREATE TABLE {name} AS {sql}")
        con.execute(f"CREATE VIEW norm_rows AS {NORM_ROWS_VIEW}")


#: The one fact relation that is a view (of ``norm_rows``), not a table.
FORBIDS_VIEW = "facts_forbids"


#: The type :func:`store_engine_inputs` gives the happenings' arguments when asked to encode
#: them: an ``ENUM`` of every name they hold (:func:`drop_names` drops it).
NAMES = "_foedus_name"
#: The type of the happenings' names (the kinds of happening) in a build that encodes them:
#: an ``ENUM`` of the names the plan's rules read, in sorted order (:func:`store_engine_inputs`).
KINDS = "_foedus_kind"


def store_engine_inputs(
    con: duckdb.DuckDBPyConnection,
    corpus: Any,
    stored: str,
    arity: int = 2,
    encode: bool = False,
    forms: Mapping[int, Sequence[str]] | None = None,
) -> None:
    """``happenings`` (a temporary table: the build drops it once its fluents are made, and
    a stored one cost the 10^6 world 1.4-1.7 s against 0.6 s) from the stored events
    (``stored``: :func:`happenings_sql`) and the corpus tables, and the ``facts_*`` tables.

    With ``encode``, the happenings' arguments ``a0 ..`` are of the type :data:`NAMES`, an
    ``ENUM`` of their names in sorted order, made here: DuckDB stores such a value as its
    number among the names and compares, hashes, groups and sorts it as that number (the
    integer ids inside the plan), and gives it back as its text wherever it meets text
    (a fact's column, a rule's constant, the stored ``fluents``). The plan carries the type
    from the arguments to the keys and values of the fluents made from them
    (:func:`foedus.engine.compile_sql.null_like`); the names in sorted order keep every
    comparison, ``min``, ``max`` and ordering of them what it is on their text. The same
    rows, in 4.4-4.7 s instead of 5.5-6.1 s for the 10^6 world's fluents step
    (docs/performance.md, "Session 31"). The names are every name the happenings can hold
    (:func:`names_sql`), found before the happenings are made, so that they are made once,
    of the type. The caller drops the type once the plan has run (:func:`drop_names`).
    With ``forms`` too, the happenings' own names (their kinds: ``occupation``, ``join``, ...)
    are an ``ENUM`` of the names the forms hold, in sorted order (:data:`KINDS`): the plan's
    event table is sorted by them, as numbers (the 10^6 world's, 3.9 million rows: 0.12-0.13
    s against 0.24-0.25 s; docs/performance.md, "Session 41"), and a rule's read of one kind
    finds its rows by their row groups' least and greatest as before.

    ``forms``: only the happenings of those forms (:func:`happenings_sql`); the whole build
    asks for those its perspectives' rules read, and so does an incremental update."""
    read = sorted({n for ns in (forms or {}).values() for n in ns})  # the kinds the rules read
    if encode:
        drop_names(con)
        con.execute(f"CREATE TYPE {NAMES} AS ENUM ({names_sql(stored)})")
        if read:
            listed = ", ".join(exp.Literal.string(k).sql("duckdb") for k in read)
            con.execute(f"CREATE TYPE {KINDS} AS ENUM ({listed})")
    kinds = KINDS if encode and read else "VARCHAR"
    happenings = happenings_sql(stored, arity, NAMES if encode else "VARCHAR", forms, kinds)
    con.execute(f"CREATE OR REPLACE TEMP TABLE happenings AS {happenings}")
    con.execute(
        "CREATE OR REPLACE TABLE facts_state AS "
        "SELECT DISTINCT id::VARCHAR AS c0 FROM actors WHERE kind = 'state'"
    )
    store_norm_rows(con, corpus)
    # a view: the rows are norm_rows' (a copy cost the 10^6 world 0.35 s)
    con.execute(
        f"CREATE OR REPLACE VIEW {FORBIDS_VIEW} AS SELECT instrument AS c0, "
        "clause AS c1, bearer AS c2, beneficiary AS c3, event_type AS c4 FROM norm_rows"
    )
    for rel, sql in FACTS_SQL.items():
        con.execute(f"CREATE OR REPLACE TABLE facts_{rel} AS {sql}")


def drop_names(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the type :data:`NAMES`, if there is one: once the plan has run (a temporary table
    that still holds it keeps its own copy of the type; no stored table ever holds it, which
    tests/build/test_names_enum.py checks)."""
    con.execute(f"DROP TYPE IF EXISTS {NAMES}")
    con.execute(f"DROP TYPE IF EXISTS {KINDS}")


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    q = (
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
        "AND table_schema = 'main'"
    )
    row = con.execute(q, [table]).fetchone()
    return bool(row and row[0])
