"""Random worlds of any size: a realistic synthetic corpus, deterministic from its seed.

``foedus generate-world --states N --instruments M --events E --seed S -o DIR`` writes a corpus
folder that the whole pipeline runs on (fluents, breaches, aggressor): states (a few of them
succeeded by another), bilateral and multilateral instruments with parties (signature,
ratification, accession, succession, some denounced) and clauses whose norms are
prohibitions, obligations, guarantees and renunciations of the corpus's act categories (plus
one definition of aggression), and events in *episodes* between two states — wars
(declaration, invasion, attack, occupation, withdrawal), conquests (occupation, annexation,
restoration of independence years later, recognitions by third states), skirmishes,
blockades, declarations of independence and recognitions. A share of dates is fuzzy (a month,
written ``YYYY-MM``). The rules are copies of the rule library's ``base.rules`` and
``de-facto.rules`` (:mod:`foedus.rules.library`), under one perspective ``de-facto``.

Small worlds are written as YAML; large ones (``--format parquet``, the default above 20,000
events) as Parquet tables beside the YAML of actors, categories and perspectives. The columnar
layout is documented in docs/performance.md ("The Parquet corpus layout") and in
:mod:`foedus.corpus.parquet`.

Every random draw is a pure function of the seed and the row number (a small integer hash
computed in SQL, :data:`_MACROS`), so the same arguments write the same files byte for byte,
whatever the machine or the number of threads.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()) / "w"
>>> _ = generate_world(d, states=6, instruments=4, events=40, seed=1)
>>> sorted(p.name for p in d.iterdir())[:4]
['actors.yaml', 'categories.yaml', 'corpus.yaml', 'events.yaml']
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from foedus.rules.library import LIBRARY

YAML_LIMIT = 20_000

#: Event types per episode template: (type, actor role, target role or None, day offset).
#: Roles: 0 the first state of the dyad, 1 the second, 2 a third state.
EPISODES: dict[str, list[tuple[str, int, int | None, int]]] = {
    "war": [
        ("declaration_of_war", 0, 1, 0),
        ("invasion", 0, 1, 4),
        ("attack", 1, 0, 6),
        ("occupation", 0, 1, 30),
        ("withdrawal", 0, 1, 420),
    ],
    "conquest": [
        ("invasion", 0, 1, 0),
        ("occupation", 0, 1, 12),
        ("annexation", 0, 1, 150),
        ("non_recognition", 2, 0, 170),
        ("restoration_of_independence", 1, None, 3000),
        ("withdrawal", 0, 1, 3100),
        ("recognition", 2, 1, 3020),
    ],
    "skirmish": [
        ("threat_of_force", 0, 1, 0),
        ("border_violation", 0, 1, 9),
        ("clash", 1, 0, 11),
        ("condemnation", 2, 0, 15),
    ],
    "blockade": [
        ("naval_blockade", 0, 1, 0),
        ("support_for_armed_bands", 1, 0, 40),
        ("attack", 0, 1, 55),
    ],
    "independence": [
        ("declaration_of_independence", 1, None, 0),
        ("recognition", 2, 1, 20),
        ("non_recognition", 0, 1, 25),
        ("statement", 0, None, 26),
    ],
    "reoccupation": [
        ("occupation", 0, 1, 0),
        ("withdrawal", 0, 1, 200),
        ("reoccupation", 0, 1, 900),
        ("withdrawal", 0, 1, 2000),
    ],
}
#: Relative weights of the episode templates.
WEIGHTS = {
    "war": 3,
    "conquest": 1,
    "skirmish": 6,
    "blockade": 2,
    "independence": 1,
    "reoccupation": 1,
}

#: Clause templates: (text, norm kind, categories). The text is quoted verbatim from the
#: world's source document.
CLAUSES: list[tuple[str, str, list[str]]] = [
    (
        "The High Contracting Parties undertake to refrain from any act of aggression against "
        "one another.",
        "prohibition",
        ["aggression"],
    ),
    (
        "Each Party shall respect the territorial integrity and political independence of the "
        "other and refrain from any act of violence against it.",
        "prohibition",
        ["violence-against-territorial-integrity"],
    ),
    (
        "All disputes shall be settled by peaceful means only and submitted to conciliation.",
        "obligation",
        ["armed-force"],
    ),
    (
        "The Parties renounce for ever all sovereign rights over the territories of the other "
        "Parties.",
        "renunciation",
        ["assertion-of-sovereign-rights"],
    ),
    (
        "Nothing in this instrument shall impair the sovereign rights of the Parties.",
        "guarantee",
        ["impairment-of-sovereign-rights"],
    ),
]
DEFINITION = (
    "The aggressor shall be that State which is the first to commit a declaration of "
    "war, an invasion, an attack, a naval blockade or support for armed bands."
)
INSTRUMENT_QUOTE = "The states of the world concluded many treaties, pacts and conventions."
KINDS = ["treaty", "pact", "convention", "protocol", "agreement", "declaration", "charter"]

CATEGORIES: dict[str, list[str]] = {
    "declaration-of-war": ["declaration_of_war"],
    "invasion": ["invasion"],
    "attack": ["attack"],
    "naval-blockade": ["naval_blockade"],
    "support-for-armed-bands": ["support_for_armed_bands"],
    "aggression": [
        "declaration_of_war",
        "invasion",
        "attack",
        "naval_blockade",
        "support_for_armed_bands",
    ],
    "violence-against-territorial-integrity": [
        "invasion",
        "attack",
        "naval_blockade",
        "occupation",
        "reoccupation",
        "annexation",
        "clash",
    ],
    "armed-force": [
        "declaration_of_war",
        "invasion",
        "attack",
        "naval_blockade",
        "occupation",
        "reoccupation",
        "clash",
        "threat_of_force",
        "border_violation",
    ],
    "assertion-of-sovereign-rights": ["annexation", "incorporation"],
    "impairment-of-sovereign-rights": ["invasion", "occupation", "reoccupation", "annexation"],
}


def _event_quote(t: str) -> str:
    return f"The chronicle of the world records every {t.replace('_', ' ')} among its events."


CATEGORY_QUOTE = "Each category of acts names the event types that are acts of it."


def source_text() -> str:
    """The world's one source document: every sentence its records quote."""
    types = sorted({s[0] for steps in EPISODES.values() for s in steps})
    lines = [
        "A synthetic world, generated by foedus generate-world.",
        INSTRUMENT_QUOTE,
        CATEGORY_QUOTE,
        DEFINITION,
        *[c[0] for c in CLAUSES],
        *[_event_quote(t) for t in types],
    ]
    return "\n\n".join(lines) + "\n"


@dataclass(frozen=True)
class World:
    """What :func:`generate_world` wrote."""

    path: Path
    format: str
    states: int
    instruments: int
    events: int


# A 31-bit integer hash of (row, salt), seeded: xorshift and multiply by the MINSTD constant,
# modulo the Mersenne prime 2^31 - 1 (no 64-bit overflow anywhere).
_MACROS = """
CREATE OR REPLACE TEMP MACRO mix(x) AS
  ((xor(x, x >> 13) % 2147483647) * 48271) % 2147483647;
CREATE OR REPLACE TEMP MACRO rnd(i, salt) AS
  mix(mix(mix(((i) * 7919 + (salt) * 104729 + {seed}) % 2147483647) + (i)) + (salt));
CREATE OR REPLACE TEMP MACRO pick(i, salt, n) AS CAST(rnd(i, salt) % (n) AS BIGINT);
CREATE OR REPLACE TEMP MACRO day_of(n) AS DATE '1900-01-01' + CAST(n AS INTEGER);
CREATE OR REPLACE TEMP MACRO sid(n) AS 's' || lpad(CAST(n AS VARCHAR), 5, '0');
"""

FIRST, LAST = "1900-01-01", "1995-12-31"
SPAN = 34697  # days from FIRST to LAST
SUCCESSION_DAY = "2001-01-01"


def _sql_list(items: list[str]) -> str:
    return "[" + ", ".join("'" + i.replace("'", "''") + "'" for i in items) + "]"


def _episode_table() -> str:
    rows = []
    for name, steps in EPISODES.items():
        for k, (t, a, b, off) in enumerate(steps):
            rows.append(f"('{name}', {k}, '{t}', {a}, {'NULL' if b is None else b}, {off})")
    return (
        "SELECT * FROM (VALUES "
        + ", ".join(rows)
        + ") AS s(template, step, type, actor_role, target_role, offset_days)"
    )


def _build(
    con: duckdb.DuckDBPyConnection, n_states: int, n_instr: int, n_events: int, fuzzy: float
) -> None:
    """Create the world's tables (``w_*``) in ``con``."""
    n_succ = max(1, n_states // 50)
    con.execute(f"""
    CREATE TEMP TABLE w_actors AS
    SELECT sid(i) AS id, 'State ' || i AS name, 'state' AS kind,
           NULL::VARCHAR AS predecessor,
           CASE WHEN i < {n_succ} THEN sid(i) || '-b' END AS successor,
           NULL::DATE AS existed_from,
           CASE WHEN i < {n_succ} THEN DATE '{SUCCESSION_DAY}' END AS existed_to
    FROM range({n_states}) AS r(i)
    UNION ALL
    SELECT sid(i) || '-b', 'State ' || i || ' (successor)', 'state', sid(i), NULL,
           DATE '{SUCCESSION_DAY}', NULL
    FROM range({n_succ}) AS r(i)
    ORDER BY id
    """)
    # instruments: 70% bilateral; multilateral ones have 3..14 parties
    con.execute(f"""
    CREATE TEMP TABLE w_ins AS
    SELECT j, 't' || lpad(CAST(j AS VARCHAR), 6, '0') AS id,
           {_sql_list(KINDS)}[1 + pick(j, 1, {len(KINDS)})] AS kind,
           day_of(pick(j, 2, {SPAN - 400})) AS signed,
           CASE WHEN pick(j, 3, 100) < 70 OR {n_states} < 4 THEN 2
                ELSE 3 + pick(j, 4, least(12, {n_states} - 2)) END AS nparties,
           pick(j, 5, 400) AS force_lag,
           CASE WHEN pick(j, 6, 100) < 30 THEN 365 + pick(j, 7, 20 * 365) END AS life,
           pick(j, 8, {n_states}) AS first_party,
           1 + pick(j, 9, greatest({n_states} - 1, 1)) AS stride,
           j = 0 AS is_definition
    FROM range({n_instr}) AS r(j)
    """)
    con.execute(f"""
    CREATE TEMP TABLE w_parties AS
    SELECT i.id AS instrument_id, k AS seq,
           sid((i.first_party + k * i.stride) % {n_states}) AS actor,
           CASE WHEN k < 2 OR pick(i.j * 31 + k, 10, 100) < 50 THEN
                CASE WHEN pick(i.j * 31 + k, 11, 100) < 50 THEN 'signature' ELSE 'ratification'
                END
                ELSE 'accession' END AS how,
           CASE WHEN k < 2 OR pick(i.j * 31 + k, 10, 100) < 50 THEN i.signed
                ELSE i.signed + CAST(pick(i.j * 31 + k, 12, 1500) AS INTEGER) END AS date,
           CASE WHEN pick(i.j * 31 + k, 13, 100) < 8
                THEN i.signed + CAST(1600 + pick(i.j * 31 + k, 14, 6000) AS INTEGER) END AS until
    FROM w_ins AS i, range(i.nparties) AS r(k)
    """)
    # keep one row per (instrument, actor): the stride can repeat a state
    con.execute("""
    CREATE TEMP TABLE w_parties2 AS
    SELECT instrument_id, CAST(row_number() OVER (PARTITION BY instrument_id ORDER BY seq) - 1
           AS INTEGER) AS seq, actor, how, date, until
    FROM (SELECT *, row_number() OVER (PARTITION BY instrument_id, actor ORDER BY seq) AS dup
          FROM w_parties) WHERE dup = 1
    """)
    # a successor state succeeds to its predecessor's instruments (the party row says so)
    con.execute(f"""
    INSERT INTO w_parties2
    SELECT p.instrument_id, CAST(100 + p.seq AS INTEGER), a.id, 'succession',
           DATE '{SUCCESSION_DAY}', NULL
    FROM w_parties2 AS p JOIN w_actors AS a ON a.predecessor = p.actor
    """)
    clause_rows = ", ".join(
        f"({k}, '{t.replace(chr(39), chr(39) * 2)}', '{kind}', {_sql_list(cats)})"
        for k, (t, kind, cats) in enumerate(CLAUSES)
    )
    con.execute(f"""
    CREATE TEMP TABLE w_clauses AS
    WITH tmpl(k, text, kind, cats) AS (VALUES {clause_rows}),
    chosen AS (
      SELECT i.id AS instrument_id, c AS seq, (pick(i.j, 20, 5) + c * 2) % 5 AS k,
             i.is_definition, i.j
      FROM w_ins AS i, range(1 + pick(i.j, 21, 3)) AS r(c)
    )
    SELECT ch.instrument_id, CAST(ch.seq AS INTEGER) AS seq,
           'art-' || (ch.seq + 1) AS clause_id, 'Article ' || (ch.seq + 1) AS article,
           t.text, t.kind AS norm_kind, t.cats AS norm_categories,
           NULL::VARCHAR[] AS bearers, NULL::VARCHAR[] AS beneficiaries
    FROM chosen AS ch JOIN tmpl AS t ON t.k = ch.k
    UNION ALL
    SELECT id, 9, 'definition', 'Article II', '{DEFINITION}', 'definition',
           ['declaration-of-war', 'invasion', 'attack', 'naval-blockade',
            'support-for-armed-bands'], NULL, NULL
    FROM w_ins WHERE is_definition
    """)
    # events: episodes between two states, expanded by their templates, cut at n_events
    tmpl_weights = []
    acc = 0
    total = sum(WEIGHTS.values())
    for name in EPISODES:
        acc += WEIGHTS[name]
        tmpl_weights.append((name, acc))
    pick_t = (
        "CASE "
        + " ".join(f"WHEN pick(e, 30, {total}) < {a} THEN '{n}'" for n, a in tmpl_weights)
        + " END"
    )
    avg = sum(WEIGHTS[n] * len(s) for n, s in EPISODES.items()) / total
    n_ep = int(n_events / avg * 1.3) + 10
    con.execute(f"""
    CREATE TEMP TABLE w_events AS
    WITH ep AS (
      SELECT e, {pick_t} AS template,
             pick(e, 31, {n_states}) AS a,
             pick(e, 34, {SPAN}) AS d0
      FROM range({n_ep}) AS r(e)
    ),
    dy AS (
      SELECT e, template, a, (a + 1 + pick(e, 32, {n_states} - 1)) % {n_states} AS b,
             d0 FROM ep
    ),
    third AS (
      SELECT *, (b + 1 + pick(e, 33, greatest({n_states} - 2, 1))) % {n_states} AS c0 FROM dy
    ),
    steps AS ({_episode_table()}),
    expanded AS (
      SELECT t.e, s.step, s.type,
             CASE s.actor_role WHEN 0 THEN t.a WHEN 1 THEN t.b
                  ELSE CASE WHEN t.c0 = t.a THEN (t.c0 + 1) % {n_states} ELSE t.c0 END END
               AS actor,
             CASE s.target_role WHEN 0 THEN t.a WHEN 1 THEN t.b END AS target,
             day_of(least(t.d0 + s.offset_days, {SPAN + 1460})) AS day
      FROM third AS t JOIN steps AS s ON s.template = t.template
      WHERE {n_states} > 2 OR s.actor_role < 2
    ),
    numbered AS (
      SELECT *, row_number() OVER (ORDER BY e, step) - 1 AS n FROM expanded
    )
    SELECT n, 'ev-' || lpad(CAST(n AS VARCHAR), 8, '0') AS id, type,
           sid(actor) AS actor, CASE WHEN target IS NOT NULL THEN sid(target) END AS target,
           day, pick(n, 40, 1000) < {int(fuzzy * 1000)} AS fuzzy
    FROM numbered WHERE n < {n_events}
    """)


def _date_cols(name: str, early: str, late: str | None = None, text: str | None = None) -> str:
    late = late or early
    text = text or f"strftime({early}, '%Y-%m-%d')"
    return (
        f"{early} AS {name}_earliest, {late} AS {name}_latest, "
        f"CASE WHEN {early} IS NOT NULL THEN {text} END AS {name}_text"
    )


def _write_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """The columnar layout (docs/performance.md, "The Parquet corpus layout")."""

    def copy(query: str, name: str) -> None:
        con.execute(
            f"COPY ({query}) TO '{out / name}' "
            "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)"
        )

    copy(
        f"""
      SELECT id, 'Instrument ' || j AS name, kind,
             {_date_cols("signed", "signed")},
             {_date_cols("in_force", "signed + CAST(force_lag AS INTEGER)")},
             {_date_cols("ended", "signed + CAST(force_lag + life AS INTEGER)")},
             NULL::VARCHAR AS source, '{INSTRUMENT_QUOTE}' AS quote
      FROM w_ins ORDER BY id""",
        "instruments.parquet",
    )
    copy(
        f"""
      SELECT instrument_id,
             CAST(row_number() OVER (PARTITION BY instrument_id ORDER BY seq) - 1 AS INTEGER)
               AS seq, actor, how, {_date_cols("date", "date")},
             {_date_cols("until", "until")},
             CASE WHEN how = 'succession' THEN
               (SELECT predecessor FROM w_actors AS a WHERE a.id = actor) END AS via
      FROM w_parties2 ORDER BY instrument_id, seq""",
        "parties.parquet",
    )
    copy(
        """
      SELECT instrument_id,
             CAST(row_number() OVER (PARTITION BY instrument_id ORDER BY seq) - 1 AS INTEGER)
               AS seq, clause_id, article, text, NULL::VARCHAR AS source,
             norm_kind, norm_categories, bearers, beneficiaries
      FROM w_clauses ORDER BY instrument_id, seq""",
        "clauses.parquet",
    )
    early = "CASE WHEN fuzzy THEN date_trunc('month', day)::DATE ELSE day END"
    late = "CASE WHEN fuzzy THEN last_day(day) ELSE day END"
    text = "CASE WHEN fuzzy THEN strftime(day, '%Y-%m') ELSE strftime(day, '%Y-%m-%d') END"
    quotes = " ".join(
        f"WHEN '{t}' THEN '{_event_quote(t)}'"
        for t in sorted({s[0] for steps in EPISODES.values() for s in steps})
    )
    copy(
        f"""
      SELECT id, type, {_date_cols("date", early, late, text)},
             [actor] AS actors,
             CASE WHEN target IS NULL THEN []::VARCHAR[] ELSE [target] END AS targets,
             CASE WHEN type = 'recognition' THEN 'de-jure' END AS mode,
             replace(type, '_', ' ') || ' by ' || actor
               || coalesce(' against ' || target, '') AS summary,
             NULL::VARCHAR AS justification, NULL::VARCHAR AS source,
             CASE type {quotes} END AS quote
      FROM w_events ORDER BY n""",
        "events.parquet",
    )


def _write_yaml(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """The same world in the YAML corpus format (small worlds)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 120
    tmp = out / ".parquet-tmp"
    tmp.mkdir()
    _write_parquet(con, tmp)

    def rows(name: str) -> list[dict[str, Any]]:
        cur = con.execute(f"SELECT * FROM read_parquet('{tmp / name}')")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def date(r: dict[str, Any], name: str) -> Any:
        e, la, t = r[f"{name}_earliest"], r[f"{name}_latest"], r[f"{name}_text"]
        if e is None:
            return None
        if e == la:
            return e.isoformat()
        return {"earliest": e.isoformat(), "latest": la.isoformat(), "text": t}

    parties: dict[str, list[dict[str, Any]]] = {}
    for p in rows("parties.parquet"):
        rec = {"actor": p["actor"], "how": p["how"], "date": date(p, "date")}
        if p["until_earliest"] is not None:
            rec["until"] = date(p, "until")
        if p["via"]:
            rec["via"] = p["via"]
        parties.setdefault(p["instrument_id"], []).append(rec)
    clauses: dict[str, list[dict[str, Any]]] = {}
    for c in rows("clauses.parquet"):
        norm: dict[str, Any] = {"kind": c["norm_kind"], "categories": list(c["norm_categories"])}
        clauses.setdefault(c["instrument_id"], []).append(
            {"id": c["clause_id"], "article": c["article"], "text": c["text"], "norm": norm}
        )
    instruments = []
    for i in rows("instruments.parquet"):
        rec = {
            "id": i["id"],
            "name": i["name"],
            "kind": i["kind"],
            "signed": date(i, "signed"),
            "in_force": date(i, "in_force"),
        }
        if i["ended_earliest"] is not None:
            rec["ended"] = date(i, "ended")
        rec.update(
            parties=parties.get(i["id"], []), clauses=clauses.get(i["id"], []), sources=[i["quote"]]
        )
        instruments.append(rec)
    events = []
    for e in rows("events.parquet"):
        rec = {
            "id": e["id"],
            "type": e["type"],
            "date": date(e, "date"),
            "actors": list(e["actors"]),
            "targets": list(e["targets"]),
            "summary": e["summary"],
            "sources": [e["quote"]],
        }
        if not rec["targets"]:
            del rec["targets"]
        if e["mode"]:
            rec["mode"] = e["mode"]
        events.append(rec)
    with (out / "instruments.yaml").open("w", encoding="utf-8") as f:
        yaml.dump({"instruments": instruments}, f)
    with (out / "events.yaml").open("w", encoding="utf-8") as f:
        yaml.dump({"events": events}, f)
    shutil.rmtree(tmp)


def _write_common(con: duckdb.DuckDBPyConnection, out: Path, seed: int) -> None:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 120
    (out / "sources").mkdir(parents=True, exist_ok=True)
    (out / "sources" / "world.txt").write_text(source_text(), encoding="utf-8")
    (out / "corpus.yaml").write_text(
        f"# A synthetic world written by foedus generate-world (seed {seed}).\n"
        f"name: world-{seed}\ntitle: A synthetic world (seed {seed})\n"
        "default_source: world\n"
        "description: Random states, instruments and events, for tests and benchmarks.\n",
        encoding="utf-8",
    )
    actors = []
    for r in con.execute("SELECT * FROM w_actors ORDER BY id").fetchall():
        rec: dict[str, Any] = {"id": r[0], "name": r[1], "kind": r[2]}
        if r[3]:
            rec["predecessor"] = r[3]
        if r[4]:
            rec["successor"] = r[4]
        if r[5]:
            rec["existed_from"] = r[5].isoformat()
        if r[6]:
            rec["existed_to"] = r[6].isoformat()
        actors.append(rec)
    with (out / "actors.yaml").open("w", encoding="utf-8") as f:
        yaml.dump({"actors": actors}, f)
    cats = [
        {
            "id": k,
            "name": k.replace("-", " ").capitalize(),
            "event_types": v,
            "sources": [CATEGORY_QUOTE],
        }
        for k, v in CATEGORIES.items()
    ]
    with (out / "categories.yaml").open("w", encoding="utf-8") as f:
        yaml.dump({"categories": cats}, f)
    (out / "perspectives.yaml").write_text(
        "perspectives:\n"
        "  - id: de-facto\n"
        "    name: De facto\n"
        "    description: Who actually held control.\n"
        "    rules: [rules/base.rules, rules/de-facto.rules]\n",
        encoding="utf-8",
    )
    rules = LIBRARY
    (out / "rules").mkdir(exist_ok=True)
    for name in ("base.rules", "de-facto.rules"):
        shutil.copyfile(rules / name, out / "rules" / name)


def generate_world(
    out: str | Path,
    states: int = 50,
    instruments: int = 40,
    events: int = 1000,
    seed: int = 0,
    format: str = "auto",
    fuzzy: float = 0.1,
) -> World:
    """Write a random world of ``events`` events to the folder ``out`` (replaced if present).

    ``format`` is ``yaml``, ``parquet`` or ``auto`` (Parquet above :data:`YAML_LIMIT` events);
    ``fuzzy`` is the share of events dated by a month rather than a day.
    """
    if states < 2:
        raise ValueError("a world needs at least two states")
    if instruments < 1 or events < 0 or seed < 0:
        raise ValueError("instruments must be >= 1, events and seed >= 0")
    fmt = format if format != "auto" else ("parquet" if events > YAML_LIMIT else "yaml")
    if fmt not in ("yaml", "parquet"):
        raise ValueError(f"unknown format {format!r}: yaml, parquet or auto")
    path = Path(out)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        for stmt in _MACROS.format(seed=seed % 1_000_003).split(";"):
            if stmt.strip():
                con.execute(stmt)
        _build(con, states, instruments, events, fuzzy)
        _write_common(con, path, seed)
        if fmt == "parquet":
            _write_parquet(con, path)
        else:
            _write_yaml(con, path)
    finally:
        con.close()
    return World(path, fmt, states, instruments, events)
