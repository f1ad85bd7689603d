"""Exports of a corpus and its built database: ``foedus export FORMAT -o PATH``.

=========  ==============================================================================
format     what is written
=========  ==============================================================================
turtle     RDF (Turtle): actors, instruments (parties, clauses, norms), events, quotes;
           Wikidata properties where they fit (P31, P580, P582, P585, P710, P1891)
jsonld     the same graph as JSON-LD
graphml    the treaty network (networkx): actor and instrument nodes, party edges
timelinejs TimelineJS JSON: events and instruments as slides
vis        vis-timeline items and groups (JSON)
csv        a folder: one CSV per table of the built database (fluents and breaches included)
parquet    the same as Parquet files
=========  ==============================================================================

>>> sorted(FORMATS)
['csv', 'graphml', 'jsonld', 'parquet', 'timelinejs', 'turtle', 'vis']
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from foedus.build.schema import set_setting
from foedus.errors import UserError
from foedus.interop.exports_overlay import (
    ASSUMED,
    BASE,
    assumed,
    assumed_ids,
    base_attached,
    marked,
    marked_select,
)
from foedus.interop.rdf import FD, PROV, WD, WDT, base_iri, check_base, graph
from foedus.model import FuzzyDate
from foedus.paths import atomic_files


def _write_text(text: str, out: Path) -> None:
    """``text`` written to ``out`` whole or not at all (a full disk leaves ``out`` as it was)."""
    atomic_files([out], lambda tmps: tmps[0].write_text(text, encoding="utf-8"))


def write_turtle(corpus: Any, out: Path, base: str | None = None) -> dict[str, Any]:
    g = graph(corpus, base)
    _write_text(g.serialize(format="turtle"), out)
    return {"triples": len(g)}


def write_jsonld(corpus: Any, out: Path, base: str | None = None) -> dict[str, Any]:
    g = graph(corpus, base)
    context = {
        "fd": FD,
        "wdt": WDT,
        "wd": WD,
        "prov": PROV,
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    }
    doc = json.loads(g.serialize(format="json-ld", context=context))
    text = json.dumps(_in_order(doc), ensure_ascii=False, indent=1, sort_keys=True)
    _write_text(text + "\n", out)
    return {"triples": len(g)}


def _in_order(doc: Any) -> Any:
    """A JSON-LD document with its nodes and each property's values sorted (neither order
    means anything in JSON-LD; rdflib writes them in its hash order, so the same corpus gave
    a different file each run). An ``@list`` keeps its order."""
    if isinstance(doc, dict):
        return {k: v if k == "@list" else _in_order(v) for k, v in doc.items()}
    if isinstance(doc, list):
        items = [_in_order(v) for v in doc]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return doc


# --------------------------------------------------------------------------- GraphML


def network(corpus: Any) -> Any:
    """The treaty network as a networkx MultiGraph: actor and instrument nodes, an edge per
    party (an actor that left and rejoined has an edge per spell).

    Node ids are ``actor:<id>`` and ``instrument:<id>``; an instrument node carries its dates
    (text, earliest and latest day); a party edge how and when the actor joined (and left),
    each date as its text and its earliest and latest day. With an overlay, every node and
    edge has ``hypothetical``: true for an assumed record and an assumed instrument's parties.
    """
    import networkx as nx

    def put(attrs: dict[str, Any], key: str, d: FuzzyDate | None) -> None:
        if d is not None:  # an open side ("after 1939") has no bound
            attrs[key] = d.text
            if d.open != "start":
                attrs[f"{key}_earliest"] = d.earliest.isoformat()
            if d.open != "end":
                attrs[f"{key}_latest"] = d.latest.isoformat()

    overlay = bool(assumed_ids(corpus))

    def mark(attrs: dict[str, Any], hypothetical: bool) -> dict[str, Any]:
        if overlay:  # the attribute (and its key) only in an export with an overlay
            attrs["hypothetical"] = hypothetical
        return attrs

    g = nx.MultiGraph(name=corpus.metadata.name)
    for a in corpus.actors:
        attrs = {"kind": "actor", "id": a.id, "name": a.name, "actor_kind": a.kind}
        g.add_node(f"actor:{a.id}", **mark(attrs, assumed(corpus, "actor", a)))
    for i in corpus.instruments:
        attrs = {"kind": "instrument", "id": i.id, "name": i.name, "instrument_kind": i.kind}
        for key, d in (("signed", i.signed), ("in_force", i.in_force), ("ended", i.ended)):
            put(attrs, key, d)
        hypothetical = assumed(corpus, "instrument", i)
        g.add_node(f"instrument:{i.id}", **mark(attrs, hypothetical))
        for p in i.parties:
            edge: dict[str, Any] = {"how": p.how}
            put(edge, "date", p.date)
            put(edge, "until", p.until)
            g.add_edge(f"actor:{p.actor}", f"instrument:{i.id}", **mark(edge, hypothetical))
    return g


def write_graphml(corpus: Any, out: Path) -> dict[str, Any]:
    import networkx as nx

    g = network(corpus)
    atomic_files([out], lambda tmps: nx.write_graphml(g, tmps[0]))
    return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}


# --------------------------------------------------------------------------- timelines


def _tl_date(d: date) -> dict[str, str]:
    return {"year": str(d.year), "month": str(d.month), "day": str(d.day)}


def _quotes_html(corpus: Any, qs: list[Any], hypothetical: bool = False) -> str:
    """A record's quotes; for one an overlay assumes, "[hypothetical]" first, and "assumed
    (no source)" where it quotes nothing."""
    quotes = "".join(f"<blockquote>{_esc(q.quote)}</blockquote>" for q in qs)
    if not hypothetical:
        return quotes
    return ("<p>[hypothetical]</p>" if qs else f"<p>[hypothetical] {ASSUMED}</p>") + quotes


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def instrument_dates(i: Any) -> str:
    """An instrument's dates as the sources give them, for display."""
    parts = [
        f"{what} {d.text}"
        for what, d in (("signed", i.signed), ("in force", i.in_force), ("ended", i.ended))
        if d is not None
    ]
    if i.ended is None:
        parts.append("no end recorded")
    return "; ".join(parts)


def last_day(corpus: Any) -> date:
    """The latest day any date of the corpus may be: where an instrument with no recorded end
    is drawn to (it is in force as far as the corpus knows)."""
    days = [e.date.latest for e in corpus.events]
    for i in corpus.instruments:
        days += [d.latest for d in (i.signed, i.in_force, i.ended) if d is not None]
        days += [d.latest for p in i.parties for d in (p.date, p.until) if d is not None]
    return max(days, default=date.today())


def timelinejs(corpus: Any) -> dict[str, Any]:
    """A TimelineJS document: every event and instrument, fuzzy dates as ranges; an instrument
    runs from entry into force (or signature) to its end (or the corpus's last day), with its
    dates as the sources give them as ``display_date``."""
    slides = []
    open_end = last_day(corpus)
    for e in corpus.events:
        hyp = assumed(corpus, "event", e)
        slide: dict[str, Any] = {
            "unique_id": f"event-{e.id}",
            "start_date": _tl_date(e.date.earliest),
            "display_date": e.date.text,
            "group": e.type.replace("_", " "),
            "text": {
                "headline": _esc(marked(e.summary, hyp)),
                "text": _quotes_html(corpus, e.sources, hyp),
            },
        }
        if not e.date.exact:
            slide["end_date"] = _tl_date(e.date.latest)
        slides.append(slide)
    for i in corpus.instruments:
        start = i.in_force or i.signed
        if start is None:
            continue
        end = i.ended.latest if i.ended is not None else open_end
        hyp = assumed(corpus, "instrument", i)
        slide = {
            "unique_id": f"instrument-{i.id}",
            "start_date": _tl_date(start.earliest),
            "end_date": _tl_date(max(end, start.latest)),
            "display_date": instrument_dates(i),
            "group": "instruments",
            "text": {
                "headline": _esc(marked(i.name, hyp)),
                "text": (_quotes_html(corpus, i.sources, True) if hyp else "")
                + "Parties: "
                + ", ".join(p.actor for p in i.parties),
            },
        }
        slides.append(slide)
    slides.sort(
        key=lambda s: (
            int(s["start_date"]["year"]),
            int(s["start_date"]["month"]),
            int(s["start_date"]["day"]),
            s["unique_id"],
        )
    )
    return {
        "title": {
            "text": {
                "headline": _esc(corpus.metadata.title or corpus.metadata.name),
                "text": _esc(corpus.metadata.description),
            }
        },
        "events": slides,
    }


def vis_items(corpus: Any) -> dict[str, Any]:
    """vis-timeline ``items`` and ``groups``: events (points, or ranges when fuzzy) and
    instruments (ranges from entry into force, or signature, to end; an instrument with no
    recorded end runs to the corpus's last day, class ``open-ended``), each with its dates
    as the sources give them (``title``). What an overlay assumes has class ``hypothetical``
    and " [hypothetical]" after its text, and so has a group only such items fill."""
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    open_end = last_day(corpus)
    facts: set[str] = set()  # the groups with an item no overlay assumes
    for e in corpus.events:
        hyp = assumed(corpus, "event", e)
        groups.setdefault(e.type, {"id": e.type, "content": e.type.replace("_", " ")})
        if not hyp:
            facts.add(e.type)
        item: dict[str, Any] = {
            "id": f"event:{e.id}",
            "group": e.type,
            "content": _esc(marked(e.summary, hyp)),
            "start": e.date.earliest.isoformat(),
            "title": e.date.text,
            "type": "point",
        }
        if not e.date.exact:
            item["end"] = _day_after(e.date.latest).isoformat()
            item["type"] = "range"
            item["className"] = "fuzzy"
        _vis_mark(item, hyp)
        items.append(item)
    for i in corpus.instruments:
        start = i.in_force or i.signed
        if start is None:
            continue
        groups.setdefault("instruments", {"id": "instruments", "content": "instruments"})
        hyp = assumed(corpus, "instrument", i)
        if not hyp:
            facts.add("instruments")
        end = i.ended.latest if i.ended is not None else open_end
        item = {
            "id": f"instrument:{i.id}",
            "group": "instruments",
            "content": _esc(marked(i.name, hyp)),
            "start": start.earliest.isoformat(),
            "end": _day_after(max(end, start.latest)).isoformat(),
            "title": instrument_dates(i),
            "type": "range",
        }
        if i.ended is None:
            item["className"] = "open-ended"
        _vis_mark(item, hyp)
        items.append(item)
    for gid, group in groups.items():
        _vis_mark(group, gid not in facts)  # a group only an overlay's items fill
    return {"items": items, "groups": sorted(groups.values(), key=lambda g: g["id"])}


def _vis_mark(item: dict[str, Any], hypothetical: bool) -> None:
    """Class ``hypothetical`` (beside ``fuzzy``, ``open-ended``) for what an overlay assumes."""
    if hypothetical:
        item["className"] = " ".join(filter(None, (item.get("className"), "hypothetical")))


def _write_json(data: dict[str, Any], out: Path) -> None:
    _write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", out)


def write_timelinejs(corpus: Any, out: Path) -> dict[str, Any]:
    data = timelinejs(corpus)
    _write_json(data, out)
    return {"slides": len(data["events"])}


def write_vis(corpus: Any, out: Path) -> dict[str, Any]:
    data = vis_items(corpus)
    _write_json(data, out)
    return {"items": len(data["items"])}


# --------------------------------------------------------------------------- tables

#: Extra columns of the fluents table in exports: time points as days (docs/decisions/0001).
FLUENT_DAYS = [
    sqlglot.parse_one(
        "CAST('0001-01-01' AS DATE) + CAST(start - 1 AS INTEGER) AS from_day", read="duckdb"
    ),
    sqlglot.parse_one(
        'CASE WHEN "end" IS NULL THEN NULL '
        "ELSE CAST('0001-01-01' AS DATE) + CAST(\"end\" - 2 AS INTEGER) END AS to_day",
        read="duckdb",
    ),
]


#: The tables of the database's ``main`` schema, by name.
_MAIN_TABLES = sqlglot.parse_one(
    "SELECT table_name FROM information_schema.tables "
    "WHERE table_catalog = current_database() AND table_schema = 'main' ORDER BY table_name",
    read="duckdb",
)


#: The columns of a table of the database's ``main`` schema and their types, in order (of
#: the database itself, not of the base corpus's one attached beside it: :func:`write_tables`).
_COLUMNS = sqlglot.parse_one(
    "SELECT column_name, data_type FROM information_schema.columns "
    "WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = $1 "
    "ORDER BY ordinal_position",
    read="duckdb",
)

#: The columns of a table of the base corpus's database attached beside (its catalog $1).
_BASE_COLUMNS = sqlglot.parse_one(
    "SELECT column_name FROM information_schema.columns "
    "WHERE table_catalog = $1 AND table_schema = 'main' AND table_name = $2 "
    "ORDER BY ordinal_position",
    read="duckdb",
)


def _columns(con: Any, table: str, fmt: str) -> list[exp.Expression]:
    """What to select of ``table``: its columns, a list (``VARCHAR[]``: a fluent's ``args``,
    a norm's ``bearers``) as a JSON array in CSV (``["rsfsr","ussr"]``; DuckDB's own text
    for a list, ``[rsfsr, ussr]``, quotes some elements and not others, and cannot be read
    back when one holds ``, ``), and the fluents' time points also as days."""
    cols: list[exp.Expression] = []
    for name, kind in con.execute(_COLUMNS.sql("duckdb"), [table]).fetchall():
        col = exp.column(name, quoted=True)
        if fmt == "csv" and str(kind).endswith("[]"):
            cols.append(
                exp.alias_(exp.Anonymous(this="to_json", expressions=[col]), name, quoted=True)
            )
        else:
            cols.append(col)
    if table in ("fluents", "scenario_fluents"):
        cols += FLUENT_DAYS
    return cols


def write_tables(kb: Any, out: Path, fmt: str) -> dict[str, Any]:
    """Every table of the built database as ``<out>/<table>.<csv|parquet>``: each written
    beside its file first, and all renamed onto theirs once every one is written (a full disk
    leaves the folder as it was). In CSV a list is a JSON array (:func:`_columns`).

    ``fluents`` is the fluents the database stores: a database of many co-parties computes
    ``binds`` and ``protected`` for the pairs a question asks about (table ``on_demand`` lists
    them, per perspective), and they are not written whole here (every pair of the GGO
    treaties' parties is 10.5 million ``binds`` keys); a database built with
    ``FOEDUS_DEMAND=off`` stores them, and its export holds them."""
    out.mkdir(parents=True, exist_ok=True)  # made by :func:`export` when it runs this
    con = kb.connect()
    # the knowledge base reads its few rows on one thread; a whole table's copy uses every core
    con.execute(set_setting("threads", os.cpu_count() or 1))
    written: dict[str, int] = {}
    ids = assumed_ids(kb.corpus)
    try:
        tables = [r[0] for r in con.execute(_MAIN_TABLES.sql("duckdb")).fetchall()]

        def rows(t: str, overlay: bool) -> exp.Select:
            """The rows of ``t`` to write: with an overlay, each marked hypothetical or not
            (:func:`foedus.interop.exports_overlay.marked_select`)."""
            table = exp.to_table(t, quoted=True)
            cols = _columns(con, t, fmt)
            if not overlay:
                return exp.select(*cols).from_(table)
            sql = _COLUMNS.sql("duckdb")
            have = [r[0] for r in con.execute(sql, [t]).fetchall()]
            base = [r[0] for r in con.execute(_BASE_COLUMNS.sql("duckdb"), [BASE, t]).fetchall()]
            return marked_select(t, cols, have, base or None, ids)

        def copy_all(tmps: list[Path], overlay: bool) -> None:
            for t, tmp in zip(tables, tmps, strict=True):
                table = exp.to_table(t, quoted=True)
                kind = "PARQUET" if fmt == "parquet" else "CSV"
                params = [exp.CopyParameter(this=exp.var("FORMAT"), expression=exp.var(kind))]
                if fmt != "parquet":
                    params.append(exp.CopyParameter(this=exp.var("HEADER")))
                copy = exp.Copy(
                    this=exp.Subquery(this=rows(t, overlay)),
                    kind=False,
                    files=[exp.Literal.string(str(tmp.resolve()))],
                    params=params,
                )
                con.execute(copy.sql("duckdb"))
                count = exp.select(exp.Count(this=exp.Star())).from_(table)
                written[t] = con.execute(count.sql("duckdb")).fetchone()[0]

        with base_attached(kb, con) as overlay:
            atomic_files([out / f"{t}.{fmt}" for t in tables], lambda tmps: copy_all(tmps, overlay))
    finally:
        con.close()
    return {"tables": written}


Writer = Callable[..., dict[str, Any]]
FORMATS: dict[str, Writer] = {
    "turtle": write_turtle,
    "jsonld": write_jsonld,
    "graphml": write_graphml,
    "timelinejs": write_timelinejs,
    "vis": write_vis,
    "csv": lambda kb, out: write_tables(kb, out, "csv"),
    "parquet": lambda kb, out: write_tables(kb, out, "parquet"),
}
ALIASES = {
    "ttl": "turtle",
    "rdf": "turtle",
    "json-ld": "jsonld",
    "timeline": "timelinejs",
    "vis-timeline": "vis",
}


#: The formats written as a folder of files (the others are one file).
FOLDER_FORMATS = ("csv", "parquet")


def _make_folders(folder: Path, *, target: bool) -> list[Path]:
    """The missing folders of ``folder`` made, outermost first, and returned (so that a
    failed export can take them away again). A part of the path that is a file is refused
    as the operating system would (``afile: not a directory``; ``folder`` itself, when it is
    the ``target`` to write: ``afile: file exists``), before anything is made."""
    missing: list[Path] = []
    p = folder
    while not p.exists() and not p.is_symlink() and p != p.parent:
        missing.append(p)
        p = p.parent
    if not p.is_dir():
        if target and p == folder:  # the folder to write is a file
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(p))
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(p))
    made: list[Path] = []
    try:
        for m in reversed(missing):
            m.mkdir()
            made.append(m)
    except BaseException:
        _remove_folders(made)
        raise
    return made


def _remove_folders(made: list[Path]) -> None:
    """The folders an export made taken away again, innermost first (only when empty)."""
    for m in reversed(made):
        with contextlib.suppress(OSError):
            m.rmdir()


def export(kb: Any, fmt: str, out: Path, base: str | None = None) -> dict[str, Any]:
    """Write ``kb`` (a :class:`~foedus.query.KnowledgeBase`) in format ``fmt`` to ``out``;
    ``base`` names the records of an RDF export (turtle, jsonld).

    Missing folders on the way to ``out`` are made; an export that fails takes them away
    again, and leaves every file as it was."""
    name = ALIASES.get(fmt.lower(), fmt.lower())
    if name not in FORMATS:
        raise UserError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    if base is not None:
        if name not in ("turtle", "jsonld"):
            raise UserError(
                f"--base names RDF records: it applies to turtle and jsonld, not {name}"
            )
        check_base(base)
    if name not in FOLDER_FORMATS and (not out.name or out.name == ".." or out.is_dir()):
        raise UserError(f"cannot write {out}: is a directory; give a file's path")
    folder = name in FOLDER_FORMATS
    made = _make_folders(out if folder else out.parent, target=folder)
    try:
        if name in ("turtle", "jsonld"):
            info = FORMATS[name](kb.corpus, out, base)
            info["base"] = base_iri(kb.corpus, base)
        elif name not in FOLDER_FORMATS:
            info = FORMATS[name](kb.corpus, out)
        else:
            info = FORMATS[name](kb, out)
    except BaseException:
        _remove_folders(made)
        raise
    return {"format": name, "path": str(out), **info}


def _day_after(day: date) -> date:
    """The day after ``day`` (vis-timeline's ends are exclusive), the calendar's last day
    itself for 9999-12-31 (there is no day after it)."""
    return day if day == date.max else day + timedelta(days=1)
