"""Write a drawn world out: its YAML files, or its Parquet tables beside the YAML of actors,
categories and perspectives (docs/performance.md, "The Parquet corpus layout";
:mod:`foedus.corpus.parquet`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from foedus.duck import duckdb
from foedus.generate.episodes import (
    CATEGORIES,
    CATEGORY_QUOTE,
    EPISODES,
    INSTRUMENT_QUOTE,
    _event_quote,
    source_text,
)
from foedus.generate.sql import case_of, copy_parquet
from foedus.rules.library import LIBRARY

_INSTRUMENTS = sqlglot.parse_one(
    """
SELECT id, 'Instrument ' || j AS name, kind,
       signed AS signed_earliest, signed AS signed_latest,
       CASE WHEN signed IS NOT NULL THEN strftime(signed, '%Y-%m-%d') END AS signed_text,
       :in_force AS in_force_earliest, :in_force AS in_force_latest,
       CASE WHEN :in_force IS NOT NULL THEN strftime(:in_force, '%Y-%m-%d') END AS in_force_text,
       :ended AS ended_earliest, :ended AS ended_latest,
       CASE WHEN :ended IS NOT NULL THEN strftime(:ended, '%Y-%m-%d') END AS ended_text,
       NULL::VARCHAR AS source, :quote AS quote
FROM w_ins ORDER BY id
""",
    dialect="duckdb",
)

_PARTIES = sqlglot.parse_one(
    """
SELECT instrument_id,
       CAST(row_number() OVER (PARTITION BY instrument_id ORDER BY seq) - 1 AS INTEGER)
         AS seq, actor, how,
       date AS date_earliest, date AS date_latest,
       CASE WHEN date IS NOT NULL THEN strftime(date, '%Y-%m-%d') END AS date_text,
       until AS until_earliest, until AS until_latest,
       CASE WHEN until IS NOT NULL THEN strftime(until, '%Y-%m-%d') END AS until_text,
       CASE WHEN how = 'succession' THEN
         (SELECT predecessor FROM w_actors AS a WHERE a.id = actor) END AS via
FROM w_parties2 ORDER BY instrument_id, seq
""",
    dialect="duckdb",
)

_CLAUSES = sqlglot.parse_one(
    """
SELECT instrument_id,
       CAST(row_number() OVER (PARTITION BY instrument_id ORDER BY seq) - 1 AS INTEGER)
         AS seq, clause_id, article, text, NULL::VARCHAR AS source,
       norm_kind, norm_categories, bearers, beneficiaries
FROM w_clauses ORDER BY instrument_id, seq
""",
    dialect="duckdb",
)

# a fuzzy event is dated to its month
_EVENTS = sqlglot.parse_one(
    """
SELECT id, type,
       CASE WHEN fuzzy THEN date_trunc('month', day)::DATE ELSE day END AS date_earliest,
       CASE WHEN fuzzy THEN last_day(day) ELSE day END AS date_latest,
       CASE WHEN (CASE WHEN fuzzy THEN date_trunc('month', day)::DATE ELSE day END) IS NOT NULL
            THEN (CASE WHEN fuzzy THEN strftime(day, '%Y-%m') ELSE strftime(day, '%Y-%m-%d') END)
       END AS date_text,
       [actor] AS actors,
       CASE WHEN target IS NULL THEN []::VARCHAR[] ELSE [target] END AS targets,
       CASE WHEN type = 'recognition' THEN 'de-jure' END AS mode,
       replace(type, '_', ' ') || ' by ' || actor
         || coalesce(' against ' || target, '') AS summary,
       NULL::VARCHAR AS justification, NULL::VARCHAR AS source,
       :quote AS quote
FROM w_events ORDER BY n
""",
    dialect="duckdb",
)


def _write_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """The columnar layout (docs/performance.md, "The Parquet corpus layout")."""
    signed, lag, life = (exp.column(c) for c in ("signed", "force_lag", "life"))
    int_ = exp.DataType.build("INTEGER")
    in_force = exp.Paren(this=exp.Add(this=signed, expression=exp.cast(lag, int_)))
    ended = exp.Paren(
        this=exp.Add(this=signed, expression=exp.cast(exp.Add(this=lag, expression=life), int_))
    )
    types = sorted({s[0] for steps in EPISODES.values() for s in steps})
    quote = case_of(exp.column("type"), [(t, _event_quote(t)) for t in types])

    def copy(query: exp.Expression, name: str, **values: object) -> None:
        con.execute(copy_parquet(query, str(out / name), **values))

    copy(
        _INSTRUMENTS, "instruments.parquet", in_force=in_force, ended=ended, quote=INSTRUMENT_QUOTE
    )
    copy(_PARTIES, "parties.parquet")
    copy(_CLAUSES, "clauses.parquet")
    copy(_EVENTS, "events.parquet", quote=quote)


def _write_yaml(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """The same world in the YAML corpus format (small worlds)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 120
    tmp = out / ".parquet-tmp"
    tmp.mkdir()
    _write_parquet(con, tmp)

    def rows(name: str) -> list[dict[str, Any]]:
        read = exp.select("*").from_(exp.func("read_parquet", exp.Placeholder()))
        rows = con.execute(read.sql("duckdb"), [str(tmp / name)])
        columns = [d[0] for d in rows.description or ()]
        return [dict(zip(columns, r, strict=True)) for r in rows.fetchall()]

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
    for r in con.execute(exp.select("*").from_("w_actors").order_by("id").sql("duckdb")).fetchall():
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
