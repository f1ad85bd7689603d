"""Answers that read the derived tables: status, holds, timeline, treaties on a day, breaches,
the aggressor and perspective comparison.

Each function takes a :class:`~foedus.query.KnowledgeBase` and returns the contract's JSON
object (BRIEF.md). The reading of ``fluents`` rows is done here once:

- a fluent-value pair holds on day D when a row has ``start <= query_point(D) < end``;
- a row's ``certainty`` is ``certain`` or ``possible``; ``sovereign`` is true when a certain
  row holds, ``"possible"`` when only a possible one does, false otherwise.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import duckdb

from foedus.engine.timepoints import event_point, last_day, query_point, start_day
from foedus.norms import aggression
from foedus.norms.explain import Explanation, node
from foedus.rules.ast import EventRule

if TYPE_CHECKING:
    from foedus.query import KnowledgeBase

Json = dict[str, Any]
STATUS_FLUENTS = ("sovereign", "controlled_by", "occupied_by", "part_of")


@dataclass(frozen=True)
class Row:
    fluent: str
    args: tuple[str, ...]
    value: str
    start: int
    end: int | None
    certainty: str
    rule: str | None
    initiated_by: str | None
    terminated_by: str | None

    def holds_at(self, t: int) -> bool:
        return self.start <= t and (self.end is None or t < self.end)


def name_of(kb: KnowledgeBase, actor_id: str) -> str:
    """An actor's name (its id when the corpus does not know it)."""
    ref = kb.render.ref(actor_id)
    return str(ref["name"]) if ref else actor_id


def day_json(d: date | None) -> Json | None:
    if d is None:
        return None
    return {"earliest": d.isoformat(), "latest": d.isoformat(), "text": d.isoformat()}


_COLUMNS = 'fluent, args, value, start, "end", certainty, rule, initiated_by, terminated_by'
_BREACH_KEYS = (
    "event_id",
    "actor",
    "target",
    "beneficiary",
    "via",
    "instrument",
    "clause",
    "certainty",
)
_ORDER = " ORDER BY fluent, args, value, start"

#: The query index (build step :func:`store_index`): a schema of its own, so that the
#: database's ``main`` tables (what ``export csv|parquet`` writes) stay as they were.
INDEX_SCHEMA = "foedus_index"
MENTIONS = f"{INDEX_SCHEMA}.mentions"
BREACHES_AGAINST = f"{INDEX_SCHEMA}.breaches_against"
INDEX_META = f"{INDEX_SCHEMA}.meta"


def store_index(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    """Build step: the tables and indexes that make the answers' reads point look-ups.

    ``foedus_index.mentions`` holds every ``fluents`` row once for each actor it names (in
    its arguments or as its value), with that actor as ``who``, stored sorted by
    ``(perspective, who)``: the rows about one actor are then a few adjacent blocks, which
    DuckDB's min/max block statistics find without reading the others (instead of a scan of
    every row and a test of its argument list). ``foedus_index.breaches_against`` holds
    every ``breaches`` row once for each actor it is against (its beneficiary and its
    target), with the breaching event's type and earliest day, sorted the same way. The
    event tables get ART indexes on the event id, so that a few events are read back by id
    without making every record.

    ``foedus_index.meta`` records the corpus content hash the index was made for: a database
    whose ``meta`` says otherwise (changed in place after the build) is read without the
    index (:func:`index_current`). Running the step again remakes the index.
    """
    kept = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    con.execute("SET preserve_insertion_order = true")  # the ORDER BY is the point
    try:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {INDEX_SCHEMA}")
        con.execute(f"DROP TABLE IF EXISTS {MENTIONS}")
        con.execute(f"CREATE TABLE {MENTIONS} AS {_mentions_sql(con, ordered=True)}")
        con.execute(f"DROP TABLE IF EXISTS {BREACHES_AGAINST}")
        con.execute(
            f"CREATE TABLE {BREACHES_AGAINST} AS {_breaches_against_sql()} "
            "ORDER BY b.perspective, w.who"
        )
    finally:
        con.execute(f"SET preserve_insertion_order = {bool(kept and kept[0])}")
    for table, column in (
        ("event_actors", "event_id"),
        ("event_targets", "event_id"),
        ("quotes", "owner_id"),
    ):
        con.execute(f"CREATE INDEX IF NOT EXISTS {INDEX_SCHEMA}_{table} ON {table} ({column})")
    _stamp_index(con)


def _mentions_sql(
    con: duckdb.DuckDBPyConnection, fluents: str = "fluents", ordered: bool = False
) -> str:
    """The rows of :data:`MENTIONS` for the rows of ``fluents`` (a table or a query with the
    columns of ``fluents``): each once for every actor it names; ``ordered``: sorted by
    perspective and actor (the actor by its rank among the actor ids, an integer: the same
    order as by the id, and a cheaper sort of the 10^7 wide rows)."""
    row = con.execute("SELECT coalesce(max(len(args)), 0) FROM fluents").fetchone()
    arity = int(row[0]) if row else 0
    cols = f"perspective, {_COLUMNS}"
    parts = [
        f"SELECT {cols}, args[{i}] AS who FROM {fluents} "
        f"WHERE len(args) >= {i} AND list_position(args, args[{i}]) = {i}"
        for i in range(1, arity + 1)
    ]
    parts.append(f"SELECT {cols}, value AS who FROM {fluents} WHERE NOT list_contains(args, value)")
    named = ", ".join("m." + c.strip() for c in _COLUMNS.split(","))
    return (
        f"SELECT m.perspective, m.who, {named} FROM ("
        + " UNION ALL ".join(parts)
        + ") AS m JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM actors) "
        "AS k ON k.id = m.who" + (" ORDER BY m.perspective, k.rank" if ordered else "")
    )


def _breaches_against_sql(where: str = "TRUE") -> str:
    """The rows of :data:`BREACHES_AGAINST` for the rows of ``breaches`` (``b``) that
    satisfy ``where``."""
    return (
        f"SELECT b.perspective, w.who, {', '.join('b.' + k for k in _BREACH_KEYS)}, "
        "e.type AS event_type, e.date_earliest AS event_earliest FROM breaches AS b "
        "CROSS JOIN LATERAL (SELECT DISTINCT unnest([b.beneficiary, b.target]) AS who) AS w "
        f"JOIN events AS e ON e.id = b.event_id WHERE w.who IS NOT NULL AND ({where})"
    )


def _stamp_index(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"CREATE OR REPLACE TABLE {INDEX_META} AS SELECT value AS content_hash "
        "FROM meta WHERE key = 'content_hash'"
    )


def update_index(con: duckdb.DuckDBPyConnection, corpus: Any, changes: Any) -> None:
    """The query index of :func:`store_index` after an incremental update
    (:class:`foedus.incremental.Changes`): the rows of the keys whose ``fluents`` rows were
    replaced, and of the events whose breaches were, are replaced in turn (appended after the
    sorted rows: a few more blocks to read for the actors they name). A database without
    the index gets it in full."""
    schema, table = INDEX_META.split(".")
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchone()
    if not row or not row[0]:
        store_index(con, corpus)
        return
    # row values IN a subquery: a hash semi-join (a correlated EXISTS on the list column
    # is planned as a slow per-row comparison: 14 s instead of 1.5 s at 10^6)
    keys = f"(SELECT (perspective, fluent, args) FROM {changes.changed_keys})"
    changed = "_foedus_index_changed"
    con.execute("BEGIN TRANSACTION")
    con.execute(f"DELETE FROM {MENTIONS} WHERE (perspective, fluent, args) IN {keys}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {changed} AS SELECT * FROM fluents "
        f"WHERE (perspective, fluent, args) IN {keys}"
    )
    con.execute(f"INSERT INTO {MENTIONS} {_mentions_sql(con, changed)}")
    con.execute(f"DROP TABLE temp.{changed}")
    events = f"(SELECT event_id FROM {changes.breach_events})"
    con.execute(f"DELETE FROM {BREACHES_AGAINST} WHERE event_id IN {events}")
    con.execute(
        f"INSERT INTO {BREACHES_AGAINST} " + _breaches_against_sql(f"b.event_id IN {events}")
    )
    _stamp_index(con)
    con.execute("COMMIT")


store_index.incremental = update_index  # type: ignore[attr-defined]


def index_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database has the query index of :func:`store_index`, made for its
    content (a database without it is read without it, and answers the same, more slowly)."""
    schema, table = INDEX_META.split(".")
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchone()
    if not row or not row[0]:
        return False
    row = con.execute(
        f"SELECT count(*) FROM {INDEX_META} AS i JOIN meta AS m "
        "ON m.key = 'content_hash' AND m.value = i.content_hash"
    ).fetchone()
    return bool(row and row[0])


def index_version() -> str:
    """The cache version of :func:`store_index`: a hash of its code."""
    parts = (store_index, _mentions_sql, _breaches_against_sql, _stamp_index, update_index)
    try:
        code = "".join(inspect.getsource(f) for f in parts)
    except OSError:  # no source (a frozen install): the bytecode
        code = "".join(f.__code__.co_code.hex() for f in parts)
    text = code + _COLUMNS + MENTIONS + INDEX_META + BREACHES_AGAINST + ",".join(_BREACH_KEYS)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def sql_string(value: str) -> str:
    """``value`` as a SQL string literal.

    The hot reads inline their values rather than bind them: the DuckDB Python client looks
    for pandas (an import attempt, slow when pandas is not installed) for every bound value.
    """
    return "'" + str(value).replace("'", "''") + "'"


def _strings(values: Iterable[str]) -> str:
    return ", ".join(map(sql_string, values))


def _select(kb: KnowledgeBase, sql: str) -> list[Row]:
    rows = kb.cursor().execute(sql + _ORDER).fetchall()
    return [Row(r[0], tuple(r[1]), *r[2:]) for r in rows]


def _when(at: int | None) -> str:
    """The condition that a row holds at time point ``at`` (none when ``at`` is None)."""
    if at is None:
        return ""
    return f' AND start <= {int(at)} AND ("end" IS NULL OR {int(at)} < "end")'


def _naming(kb: KnowledgeBase, actor_id: str, perspective: str | None) -> str:
    """The rows of a perspective that name the actor ``actor_id``: from the index if the
    database has it, else from ``fluents``."""
    p, a = sql_string(perspective or kb.perspective), sql_string(actor_id)
    if kb.indexed:
        return f"SELECT {_COLUMNS} FROM {MENTIONS} WHERE perspective = {p} AND who = {a}"
    return (
        f"SELECT {_COLUMNS} FROM fluents WHERE perspective = {p} "
        f"AND (list_contains(args, {a}) OR value = {a})"
    )


def rows_about(
    kb: KnowledgeBase,
    actor_id: str,
    perspective: str | None = None,
    *,
    own: bool = False,
    fluents: tuple[str, ...] | None = None,
    at: int | None = None,
) -> list[Row]:
    """Every fluent row whose arguments or value name the actor ``actor_id``, in the order
    (fluent, args, value, start); ``own``: only those whose arguments are ``(actor_id,)``;
    ``fluents``: only these fluents; ``at``: only those that hold at time point ``at``."""
    sql = _naming(kb, actor_id, perspective)
    if own:
        sql += f" AND len(args) = 1 AND args[1] = {sql_string(actor_id)}"
    if fluents is not None:
        sql += f" AND fluent IN ({_strings(fluents)})" if fluents else " AND false"
    return _select(kb, sql + _when(at))


def rows_of(
    kb: KnowledgeBase,
    fluent: str,
    perspective: str | None = None,
    *,
    naming: str | None = None,
    args: dict[int, str] | None = None,
    at: int | None = None,
) -> list[Row]:
    """The rows of ``fluent``, in the order (args, value, start); ``args``: only those whose
    argument at each (0-based) position is the one given; ``naming``: only those that name
    the actor ``naming`` (read from the index: use it when the rows are about an actor);
    ``at``: only those that hold at time point ``at``."""
    if naming is not None:
        sql = _naming(kb, naming, perspective)
    else:
        sql = (
            f"SELECT {_COLUMNS} FROM fluents "
            f"WHERE perspective = {sql_string(perspective or kb.perspective)}"
        )
    sql += f" AND fluent = {sql_string(fluent)}"
    for i, value in sorted((args or {}).items()):
        sql += f" AND len(args) > {int(i)} AND args[{int(i) + 1}] = {sql_string(value)}"
    return _select(kb, sql + _when(at))


# --------------------------------------------------------------------------- explanations


def event_node(kb: KnowledgeBase, ident: str | None, what: str = "") -> Explanation | None:
    """The premise for a provenance id: a corpus event, an instrument, a party or an actor."""
    if ident is None:
        return None
    c = kb.corpus
    hyp = lambda kind, i: (kind, i) in c.hypothetical_ids  # noqa: E731
    if ident in kb._events:
        ev = kb._events[ident]
        return node(
            f"{what}{ev.summary} ({ev.date.text}) [event {ev.id}]",
            sources=kb.render.quotes(ev.sources),
            hypothetical=ev.hypothetical or hyp("event", ev.id),
        )
    kind, _, rest = ident.partition(":")
    if kind == "actor":
        a = next((a for a in c.actors if a.id == rest), None)
        if a is not None:
            since = f" from {a.existed_from.text}" if a.existed_from else ""
            return node(
                f"{what}{a.name} exists{since} [actor {a.id}]", sources=kb.render.quotes(a.sources)
            )
    if kind == "instrument" and rest in kb._instruments:
        return instrument_node(kb, rest, what)
    if kind == "party":
        ins_id, actor_id, how = (rest.split(":") + ["", "", ""])[:3]
        ins = kb._instruments.get(ins_id)
        if ins is not None:
            for p in ins.parties:
                if p.actor == actor_id and p.how == how:
                    return node(
                        f"{what}{name_of(kb, actor_id)} joined {ins.name} by {how} ({p.date.text})",
                        sources=kb.render.quotes(p.sources or ins.sources),
                        hypothetical=hyp("instrument", ins.id),
                    )
    return node(f"{what}{ident}")


def instrument_node(kb: KnowledgeBase, ins_id: str, what: str = "") -> Explanation:
    ins = kb._instruments[ins_id]
    signed = f", signed {ins.signed.text}" if ins.signed else ""
    return node(
        f"{what}{ins.name}{signed} [instrument {ins.id}]",
        sources=kb.render.quotes(ins.sources),
        hypothetical=(("instrument", ins.id) in kb.corpus.hypothetical_ids),
    )


def clause_node(kb: KnowledgeBase, ins_id: str, clause_id: str, conclusion: str) -> Explanation:
    ins = kb._instruments[ins_id]
    clause = next(c for c in ins.clauses if c.id == clause_id)
    src = clause.source or kb.corpus.default_source or ""
    kind = clause.norm.kind if clause.norm else "clause"
    art = f"Article {clause.article} " if clause.article else ""
    return node(
        conclusion,
        rule=f"{ins.name}, {art}clause {clause.id} ({kind})",
        sources=[{"source": src, "quote": " ".join(clause.text.split())}],
        premises=[instrument_node(kb, ins_id)],
    )


def row_node(kb: KnowledgeBase, row: Row) -> Explanation:
    """Why a fluent row holds: its rule and the events that started and ended it."""
    args = ", ".join(row.args)
    value = "" if row.value == "true" else f" = {row.value}"
    until = last_day(row.end)
    span = f"from {start_day(row.start)}" + (f" to {until}" if until else "")
    premises = [
        p
        for p in (
            event_node(kb, row.initiated_by, "started by: "),
            event_node(kb, row.terminated_by, "ended by: "),
        )
        if p
    ]
    return node(
        f"{row.fluent}({args}){value} holds {span}",
        rule=kb.rule_text(row.rule),
        certainty=row.certainty,
        premises=premises,
    )


# --------------------------------------------------------------------------- status


def _pick(rows: list[Row], fluent: str) -> Row | None:
    mine = [r for r in rows if r.fluent == fluent]
    return next((r for r in mine if r.certainty == "certain"), mine[0] if mine else None)


def status_at(kb: KnowledgeBase, actor_id: str, t: int, rows: list[Row]) -> tuple[Json, list[Row]]:
    """The status object of ``actor_id`` at time point ``t`` and the rows it rests on."""
    here = [
        r for r in rows if r.args == (actor_id,) and r.fluent in STATUS_FLUENTS and r.holds_at(t)
    ]
    sov = _pick(here, "sovereign")
    sovereign: bool | str = False
    if sov is not None:
        sovereign = True if sov.certainty == "certain" else "possible"
    picked = {f: _pick(here, f) for f in ("controlled_by", "occupied_by", "part_of")}
    status: Json = {"sovereign": sovereign}
    for f, r in picked.items():
        status[f] = kb.render.ref(r.value) if r is not None else None
    status["label"] = label(kb, status, picked)
    uncertain = [r for r in here if r.certainty == "possible"]
    status["certainty"] = "possible" if uncertain else "certain"
    used = [r for r in (sov, *picked.values()) if r is not None]
    return status, used


def label(kb: KnowledgeBase, status: Json, picked: dict[str, Row | None]) -> str:
    """A short human label: independent / sovereign state, under occupation by Y / part of
    Y / ..., each part prefixed "possibly" where it holds only possibly."""

    def part(f: str, words: str) -> str | None:
        row = picked.get(f)
        if row is None or not status.get(f):
            return None
        maybe = "possibly " if row.certainty == "possible" else ""
        return f"{maybe}{words} {status[f]['name']}"

    sov = status["sovereign"]
    part_of = part("part_of", "part of")
    occupied = part("occupied_by", "under occupation by")
    if sov is True and not part_of and not occupied:
        return "independent"
    parts = {True: ["sovereign state"], "possible": ["possibly sovereign"]}.get(sov, [])
    parts += [p for p in (part_of, occupied) if p]
    if not parts:
        ctl = part("controlled_by", "controlled by")
        return f"not sovereign, {ctl}" if ctl else "not sovereign"
    return ", ".join(parts)


def status(kb: KnowledgeBase, actor: str, on: date) -> Json:
    a = kb.resolver.actor(actor)
    t = query_point(on)
    rows = rows_about(kb, a.id, own=True, fluents=STATUS_FLUENTS, at=t)
    st, used = status_at(kb, a.id, t, rows)
    acts = unless_acts(kb, a.id, rows, t)
    # every event the explanation names, read in one batch
    kb.events_by_id([*(i for r in used for i in (r.initiated_by, r.terminated_by) if i), *acts])
    premises = [row_node(kb, r) for r in used]
    premises.extend(unless_nodes(kb, a.id, rows, t, acts))
    expl = node(
        f"{a.name} on {on.isoformat()} under the {kb.perspective} perspective: {st['label']}",
        rule=f"perspective {kb.perspective}",
        certainty=st["certainty"],
        premises=premises,
    )
    return {
        "actor": kb.render.ref(a.id),
        "on": on.isoformat(),
        "perspective": kb.perspective,
        "status": st,
        "explanation": expl,
    }


def unless_acts(kb: KnowledgeBase, actor_id: str, rows: list[Row], t: int) -> dict[str, list[Json]]:
    """The annexations and incorporations of the actor that breached a norm binding their
    author towards it, dated within the sovereignty that holds at ``t`` (before ``t``), with
    their breach rows: by event id, in the order of the ids."""
    sov = [r for r in rows if r.fluent == "sovereign" and r.args == (actor_id,) and r.holds_at(t)]
    if not sov:
        return {}
    acts = "'annexation', 'incorporation'"
    persp = sql_string(kb.perspective)
    if kb.indexed:
        sql = (
            f"SELECT {', '.join(_BREACH_KEYS)}, event_earliest FROM {BREACHES_AGAINST} "
            f"WHERE perspective = {persp} AND who = {sql_string(actor_id)} "
            f"AND event_type IN ({acts})"
        )
    else:
        sql = (
            f"SELECT {', '.join('b.' + k for k in _BREACH_KEYS)}, e.date_earliest "
            "FROM breaches AS b JOIN events AS e ON e.id = b.event_id "
            f"WHERE b.perspective = {persp} AND (b.beneficiary = {sql_string(actor_id)} "
            f"OR b.target = {sql_string(actor_id)}) AND e.type IN ({acts})"
        )
    out: dict[str, list[Json]] = {}
    for *row, earliest in (
        kb.cursor().execute(sql + " ORDER BY event_id, instrument, clause").fetchall()
    ):
        if sov[0].start <= event_point(earliest) < t:
            out.setdefault(row[0], []).append(dict(zip(_BREACH_KEYS, row, strict=True)))
    return out


def unless_nodes(
    kb: KnowledgeBase,
    actor_id: str,
    rows: list[Row],
    t: int,
    acts: dict[str, list[Json]] | None = None,
) -> list[Explanation]:
    """Acts against the actor that, in this perspective, did not end its sovereignty because
    they breached a norm binding their author towards it (the non-recognition argument);
    ``acts``: :func:`unless_acts`, if already read."""
    if acts is None:
        acts = unless_acts(kb, actor_id, rows, t)
    events = kb.events_by_id(acts)
    out: list[Explanation] = []
    for ev_id, breached in acts.items():
        ev = events[ev_id]
        clauses = [
            clause_node(kb, x["instrument"], x["clause"], f"breaches {x['instrument']}")
            for x in breached
        ]
        out.append(
            node(
                f"{ev.summary} ({ev.date.text}) did not end sovereignty: it breached "
                f"norms binding its author towards {name_of(kb, actor_id)}",
                premises=[p for p in [event_node(kb, ev.id)] if p] + clauses,
            )
        )
    return out


# --------------------------------------------------------------------------- holds, timeline


def holds(kb: KnowledgeBase, actor: str, on: date) -> Json:
    a = kb.resolver.actor(actor)
    t = query_point(on)
    out = []
    for r in rows_about(kb, a.id, at=t):
        out.append(
            {
                "fluent": r.fluent,
                "args": list(r.args),
                "value": r.value,
                "from": day_json(start_day(r.start)),
                "to": day_json(last_day(r.end)),
                "certainty": r.certainty,
                "rule": r.rule,
            }
        )
    return {
        "actor": kb.render.ref(a.id),
        "on": on.isoformat(),
        "perspective": kb.perspective,
        "fluents": out,
    }


def periods(kb: KnowledgeBase, actor_id: str, perspective: str | None = None) -> list[Json]:
    """Maximal periods of constant status (and certainty) of an actor."""
    rows = rows_about(kb, actor_id, perspective, own=True, fluents=STATUS_FLUENTS)
    points = sorted({r.start for r in rows} | {r.end for r in rows if r.end is not None})
    out: list[Json] = []
    for i, p in enumerate(points):
        nxt = points[i + 1] if i + 1 < len(points) else None
        st, used = status_at(kb, actor_id, p, rows)
        key = {
            k: st[k]
            for k in ("sovereign", "controlled_by", "occupied_by", "part_of", "label", "certainty")
        }
        if all(st[f] in (None, False) for f in STATUS_FLUENTS):
            key = {}
        if out and out[-1]["_key"] == key:
            out[-1]["to"] = day_json(last_day(nxt))
            out[-1]["_end"] = nxt
            out[-1]["rules"] = sorted(set(out[-1]["rules"]) | {r.rule for r in used if r.rule})
            continue
        out.append(
            {
                "_key": key,
                "_start": p,
                "_end": nxt,
                "from": day_json(start_day(p)),
                "to": day_json(last_day(nxt)),
                **key,
                "rules": sorted({r.rule for r in used if r.rule}),
            }
        )
    result = []
    for per in out:
        if not per["_key"]:
            continue
        per.pop("_key")
        result.append(per)
    return result


def timeline(kb: KnowledgeBase, actor: str) -> Json:
    a = kb.resolver.actor(actor)
    pers = periods(kb, a.id)
    for p in pers:
        p.pop("_start")
        p.pop("_end")
    evs = kb.events(actor=a.id)["events"]
    evs += [e for e in kb.events(target=a.id)["events"] if e["id"] not in {x["id"] for x in evs}]
    evs.sort(key=lambda e: (e["date"]["earliest"], e["date"]["latest"], e["id"]))
    return {
        "actor": kb.render.ref(a.id),
        "perspective": kb.perspective,
        "periods": pers,
        "events": evs,
    }


# --------------------------------------------------------------------------- treaties


def treaties_on(
    kb: KnowledgeBase, between: tuple[str, str] | None, party: str | None, on: date | None
) -> Json:
    """``treaties`` with the temporal filters (see BRIEF.md)."""
    t = query_point(on) if on else None
    found: dict[str, str] = {}
    if between is not None:
        a, b = (kb.resolver.actor(x).id for x in between)
        if t is not None:
            for r in rows_of(kb, "binds", naming=a, args={1: a, 2: b}, at=t):
                if len(r.args) == 3:
                    _better(found, r.args[0], r.certainty)
        else:
            joined: dict[str, set[str]] = {}
            for x in dict.fromkeys((a, b)):
                for r in rows_of(kb, "joined", naming=x, args={0: x}):
                    joined.setdefault(r.args[1], set()).add(r.args[0])
            for ins in kb.corpus.instruments:
                if {p.actor for p in ins.parties} >= {a, b}:
                    joined.setdefault(ins.id, set()).update({a, b})
            for ins_id, who in joined.items():
                if who >= {a, b}:
                    found[ins_id] = "certain"
        if party is not None:
            pid = kb.resolver.actor(party).id
            keep = {i for i in found if pid in {p.actor for p in kb._instruments[i].parties}}
            found = {i: c for i, c in found.items() if i in keep}
    elif party is not None:
        pid = kb.resolver.actor(party).id
        if t is None:
            return kb.treaties(party=party)
        for r in rows_of(kb, "party_to", naming=pid, args={0: pid}, at=t):
            _better(found, r.args[1], r.certainty)
    elif t is not None:
        for r in rows_of(kb, "in_force", at=t):
            _better(found, r.args[0], r.certainty)
    out = []
    for ins_id in sorted(found, key=lambda i: (_signed(kb, i), i)):
        j = kb.render.instrument(kb._instruments[ins_id])
        j["certainty"] = found[ins_id]
        out.append(j)
    return {"treaties": out}


def _better(found: dict[str, str], key: str, certainty: str) -> None:
    if found.get(key) != "certain":
        found[key] = certainty


def _signed(kb: KnowledgeBase, ins_id: str) -> str:
    ins = kb._instruments[ins_id]
    return ins.signed.earliest.isoformat() if ins.signed else "9999"


# --------------------------------------------------------------------------- breaches


def breaches_rows(
    kb: KnowledgeBase,
    against: str | None = None,
    perspective: str | None = None,
    *,
    by: str | None = None,
    treaty: str | None = None,
    event: str | None = None,
) -> list[Json]:
    """The rows of ``breaches`` (by event, instrument and clause): ``against`` an actor (its
    beneficiary or target), ``by`` an actor, of a ``treaty``, by an ``event``, each filter
    when given."""
    cols = ", ".join(_BREACH_KEYS)
    persp = sql_string(perspective or kb.perspective)
    if against is not None and kb.indexed:
        sql = (
            f"SELECT {cols} FROM {BREACHES_AGAINST} WHERE perspective = {persp} "
            f"AND who = {sql_string(against)}"
        )
    else:
        sql = f"SELECT {cols} FROM breaches WHERE perspective = {persp}"
    if against is not None and not kb.indexed:
        sql += f" AND (beneficiary = {sql_string(against)} OR target = {sql_string(against)})"
    if by is not None:
        sql += f" AND actor = {sql_string(by)}"
    if treaty is not None:
        sql += f" AND instrument = {sql_string(treaty)}"
    if event is not None:
        sql += f" AND event_id = {sql_string(event)}"
    rows = kb.cursor().execute(sql + " ORDER BY event_id, instrument, clause").fetchall()
    return [dict(zip(_BREACH_KEYS, r, strict=True)) for r in rows]


def breaches(
    kb: KnowledgeBase,
    by: str | None = None,
    against: str | None = None,
    treaty: str | None = None,
    from_: date | None = None,
    to: date | None = None,
    *,
    event: str | None = None,
) -> Json:
    by_id = kb.resolver.actor(by).id if by else None
    against_id = kb.resolver.actor(against).id if against else None
    treaty_id = kb.resolver.instrument(treaty).id if treaty else None
    grouped: dict[tuple[str, str, str], list[Json]] = {}
    rows = breaches_rows(kb, against_id, by=by_id, treaty=treaty_id, event=event)
    events = kb.events_by_id([b["event_id"] for b in rows])
    for b in rows:
        ev = events[b["event_id"]]
        if from_ and ev.date.latest < from_:
            continue
        if to and ev.date.earliest > to:
            continue
        grouped.setdefault((b["event_id"], b["instrument"], b["clause"]), []).append(b)
    out = []
    for (event_id, ins_id, clause_id), rows in sorted(
        grouped.items(), key=lambda kv: (events[kv[0][0]].date.earliest, kv[0])
    ):
        out.append(breach_json(kb, event_id, ins_id, clause_id, rows))
    return {"perspective": kb.perspective, "breaches": out}


def breach_json(
    kb: KnowledgeBase, event_id: str, ins_id: str, clause_id: str, rows: list[Json]
) -> Json:
    ev = kb._events[event_id]
    ins = kb._instruments[ins_id]
    clause = next(c for c in ins.clauses if c.id == clause_id)
    certainty = "certain" if any(r["certainty"] == "certain" for r in rows) else "possible"
    against = sorted({r["beneficiary"] for r in rows})
    norm = clause.norm
    kind = norm.kind if norm else "clause"
    cats = ", ".join(norm.categories) if norm else ""
    premises = [event_node(kb, ev.id, "the act: ")]
    for r in rows:
        via = (
            f" ({name_of(kb, r['target'])} being part of {name_of(kb, r['beneficiary'])})"
            if r["via"]
            else ""
        )
        premises.append(
            node(
                f"{ins.name} bound {name_of(kb, r['actor'])} towards "
                f"{name_of(kb, r['beneficiary'])} on {ev.date.text}{via}",
                rule="binds(T, X, Y) = party_to(X, T) ∩ party_to(Y, T) ∩ in_force(T)",
                certainty=r["certainty"],
                premises=[instrument_node(kb, ins_id)],
            )
        )
    premises.append(
        clause_node(
            kb,
            ins_id,
            clause_id,
            f"the clause's {kind} covers acts of type {ev.type} (categories: {cats})",
        )
    )
    if ev.justification:
        premises.append(justification_node(kb, ev))
    expl = node(
        f"{ev.summary} ({ev.date.text}) breached {ins.name}, clause {clause_id}",
        rule=f"{kind}: an act of a forbidden category by a bound party towards a "
        "party it is bound towards",
        certainty=certainty,
        premises=[p for p in premises if p],
        hypothetical=ev.hypothetical,
    )
    return {
        "event": kb.render.event(ev),
        "treaty": kb.render.instrument(ins),
        "clause": _clause_json(kb, ins_id, clause_id),
        "against": [kb.render.ref(x) for x in against],
        "certainty": certainty,
        "explanation": expl,
    }


def _clause_json(kb: KnowledgeBase, ins_id: str, clause_id: str) -> Json:
    j = kb.render.instrument(kb._instruments[ins_id])
    return next(c for c in j["clauses"] if c["id"] == clause_id)


def justification_node(kb: KnowledgeBase, ev: Any) -> Explanation:
    """A claimed justification, shown as rejected by the no-justification clauses."""
    rejecting = [
        (ins.id, c.id)
        for ins in kb.corpus.instruments
        for c in ins.clauses
        if c.norm is not None and c.norm.kind == "no_justification"
    ]
    return node(
        f"claimed justification rejected: {ev.justification}",
        rule="no political, military, economic or other considerations may serve as an "
        "excuse or justification (no-justification clause)",
        premises=[clause_node(kb, i, c, "the no-justification clause") for i, c in rejecting],
    )


# --------------------------------------------------------------------------- aggressor


def aggressor(
    kb: KnowledgeBase, a: str, b: str, from_: date | None = None, to: date | None = None
) -> Json:
    x, y = kb.resolver.actor(a).id, kb.resolver.actor(b).id
    v = aggression.decide(
        kb.cursor(),
        kb.corpus,
        x,
        y,
        event_point(from_) if from_ else None,
        event_point(to) if to else None,
    )
    acts, _ = aggression.defined_acts(kb.corpus)
    defs = [
        clause_node(
            kb, i, c, "Article II: the first to commit one of the listed acts is the aggressor"
        )
        for i, c in v.definition_clauses
    ]
    rule = "first to have committed one of the acts listed in Article II of the 1933 Convention"
    names = {k: name_of(kb, k) for k in (x, y)}
    if v.act is None:
        expl = node(
            f"no act listed in Article II between {names[x]} and {names[y]} in the period",
            rule=rule,
            premises=defs,
        )
        return {
            "aggressor": None,
            "act": None,
            "category": None,
            "rule": rule,
            "certainty": None,
            "candidates": [],
            "explanation": expl,
        }
    events = kb.events_by_id([v.act.event_id, *(a.event_id for a in v.first_acts.values())])
    ev = events[v.act.event_id]
    premises: list[Explanation] = []
    for side, act in sorted(v.first_acts.items()):
        e = events[act.event_id]
        p = event_node(kb, e.id, f"first act of {names.get(side, side)}: ")
        if p is not None:
            if e.justification:
                p["premises"].append(justification_node(kb, e))
            premises.append(p)
    for side in (x, y):
        if side not in v.first_acts:
            premises.append(node(f"{names[side]} committed none of the listed acts in the period"))
    premises.extend(defs)
    who = names.get(v.aggressor or "", v.aggressor)
    if v.certainty == "possible":
        cands = " or ".join(names.get(c, c) for c in v.candidates)
        conclusion = (
            f"possibly {who}: the order of the first acts is uncertain (candidates: {cands})"
        )
    else:
        conclusion = (
            f"{who} is the aggressor: first to commit {ev.type.replace('_', ' ')} ({ev.date.text})"
        )
    expl = node(
        conclusion,
        rule=rule,
        certainty=v.certainty,
        premises=premises,
        hypothetical=ev.hypothetical,
    )
    return {
        "aggressor": kb.render.ref(v.aggressor),
        "act": kb.render.event(ev),
        "category": acts.get(ev.type, ev.type),
        "rule": rule,
        "certainty": v.certainty,
        "candidates": [kb.render.ref(c) for c in v.candidates],
        "explanation": expl,
    }


# --------------------------------------------------------------------------- compare


def _why_sovereignty_differs(
    kb: KnowledgeBase, aid: str, t: int, rows: dict[str, list[Row]], status: dict[str, Json]
) -> dict[str, Json]:
    """Where one perspective holds the actor sovereign at ``t`` and the other does not: the
    event that ended sovereignty in the one, and the rules of each that read that event."""
    sides = list(rows)
    lost = [s for s in sides if status[s]["sovereign"] is not True]
    kept = [s for s in sides if status[s]["sovereign"] is True]
    if len(lost) != 1 or len(kept) != 1:
        return {}
    ended = [
        r
        for r in rows[lost[0]]
        if r.fluent == "sovereign"
        and r.end is not None
        and r.end <= t + 1
        and r.terminated_by in kb._events
    ]
    if not ended:
        return {}
    ev = kb._events[max(ended, key=lambda r: r.end or 0).terminated_by or ""]
    out: dict[str, Json] = {}
    for side in sides:
        program = kb.program(side)
        labels = [
            r.label
            for r in program.rules
            if isinstance(r, EventRule)
            and r.kind == "terminated"
            and r.head.atom.name == "sovereign"
            and r.event.name == ev.type
        ]
        verb = "ended sovereignty" if side in lost else "did not end sovereignty"
        out[side] = {
            "rules": labels,
            "text": f"{ev.summary} ({ev.date.text}) {verb}"
            + (
                f" by rule {', '.join(labels)}"
                if side in lost and labels
                else f": the condition of {', '.join(labels)} failed"
                if labels
                else ": no rule of this view ends it"
            ),
        }
    return out


def compare(kb: KnowledgeBase, p: str, q: str, actor: str | None = None) -> Json:
    """Every actor and date range where perspectives ``p`` and ``q`` give different statuses."""
    ids = (
        [kb.resolver.actor(actor).id]
        if actor
        else [a.id for a in kb.corpus.actors if a.kind == "state"]
    )
    diffs = []
    for aid in ids:
        rows_p = [r for r in rows_about(kb, aid, p) if r.args == (aid,)]
        rows_q = [r for r in rows_about(kb, aid, q) if r.args == (aid,)]
        points = sorted(
            {r.start for r in rows_p + rows_q}
            | {r.end for r in rows_p + rows_q if r.end is not None}
        )
        current: Json | None = None
        for i, t in enumerate(points):
            nxt = points[i + 1] if i + 1 < len(points) else None
            sp, used_p = status_at(kb, aid, t, rows_p)
            sq, used_q = status_at(kb, aid, t, rows_q)
            core = ("sovereign", "controlled_by", "occupied_by", "part_of")
            same = all(sp[k] == sq[k] for k in core)
            if same:
                current = None
                continue
            key = (sp["label"], sq["label"])
            if current is not None and current["_key"] == key:
                current["to"] = day_json(last_day(nxt))
                continue
            rules_p = sorted({r.rule for r in used_p if r.rule} - {r.rule for r in used_q})
            rules_q = sorted({r.rule for r in used_q if r.rule} - {r.rule for r in used_p})
            because = _why_sovereignty_differs(kb, aid, t, {p: rows_p, q: rows_q}, {p: sp, q: sq})
            for side, labels in ((p, rules_p), (q, rules_q)):
                labels.extend(
                    lbl for lbl in because.get(side, {}).get("rules", []) if lbl not in labels
                )
            texts = {**kb.with_perspective(p)._texts(), **kb.with_perspective(q)._texts()}
            current = {
                "_key": key,
                "actor": kb.render.ref(aid),
                "from": day_json(start_day(t)),
                "to": day_json(last_day(nxt)),
                "status": {p: sp, q: sq},
                "rules": {p: rules_p, q: rules_q},
                "because": {side: b["text"] for side, b in because.items()},
                "rule_text": {lbl: texts.get(lbl, lbl) for lbl in rules_p + rules_q},
            }
            diffs.append(current)
    for d in diffs:
        d.pop("_key")
    return {"perspectives": [p, q], "differences": diffs}
