"""Write a drawn world out: its YAML files, or its Parquet tables beside the YAML of actors,
categories and perspectives (docs/performance.md, "The Parquet corpus layout";
:mod:`foedus.corpus.parquet`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb

from foedus.generate.episodes import (
    CATEGORIES,
    CATEGORY_QUOTE,
    EPISODES,
    INSTRUMENT_QUOTE,
    _event_quote,
    source_text,
)
from foedus.rules.library import LIBRARY


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
