"""What people see: each command's JSON answer as Rich tables and trees (with ``--json`` the
CLI prints the JSON itself). Dates show as the source gives them; certainty is visible.

:data:`VIEWS` maps each command to its view, as the table of commands names it
(:data:`foedus.commands.COMMANDS`, ``view``); a command without one prints its JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from foedus.commands import COMMANDS
from foedus.norms.explain import dated, summary_rich, to_rich
from foedus.shapes import Json
from foedus.words import counted

# --------------------------------------------------------------------------- tables


def _text(d: Json | None) -> str:
    return "" if d is None else str(d["text"])


def _names(refs: list[Json] | None) -> str:
    return ", ".join(r["name"] for r in refs or [])


def _count(n: int, noun: str) -> str:
    """``1 instrument``, ``2 instruments``, ``1 breach``, ``0 breaches``."""
    return counted(n, noun)


def type_words(event_type: str) -> str:
    """An event type in words: ``declaration of war`` for ``declaration_of_war``, and a
    prefix ``non`` joined by its hyphen (``non-recognition``, not ``non recognition``).

    >>> type_words("non_recognition"), type_words("liquidation_of_administration")
    ('non-recognition', 'liquidation of administration')
    """
    words = event_type.replace("_", " ")
    return "non-" + words[4:] if words.startswith("non ") else words


def _mark(hypothetical: bool, text: str = "") -> str:
    """ " [hypothetical]" for what an overlay assumes (unless its text says so already)."""
    return " [hypothetical]" if hypothetical and "hypothetical" not in text else ""


def events_table(data: Json) -> RenderableType:
    """``{"events": [...]}`` as a table: date as the source gives it, type, who, to whom."""
    table = Table(title=_count(len(data["events"]), "event"), title_justify="left")
    for col in ("date", "type", "actors", "targets", "summary"):
        table.add_column(col)
    for e in data["events"]:
        table.add_row(
            _text(e["date"]),
            type_words(e["type"]),
            _names(e["actors"]),
            _names(e["targets"]),
            e["summary"] + _mark(e["hypothetical"], e["summary"]),
        )
    notes = _notes(
        (f"{e['summary'].rstrip('.')} ({_text(e['date'])})", e.get("notes")) for e in data["events"]
    )
    return Group(table, notes) if notes else table


def treaties_table(data: Json) -> RenderableType:
    """``{"treaties": [...]}`` as a table."""
    table = Table(title=_count(len(data["treaties"]), "instrument"), title_justify="left")
    dated = any("certainty" in t for t in data["treaties"])
    for col in ("name", "kind", "signed", "parties") + (("certainty",) if dated else ()):
        table.add_column(col)
    for t in data["treaties"]:
        row = [
            t["name"] + _mark(t["hypothetical"], t["name"]),
            t["kind"],
            _text(t["signed"]),
            ", ".join(p["actor"]["name"] for p in t["parties"]),
        ]
        table.add_row(*row, *((t.get("certainty", ""),) if dated else ()))
    notes = _notes(
        (t["name"], " ".join(n for n in (t.get("notes"), t.get("certainty_note")) if n) or None)
        for t in data["treaties"]
    )
    return Group(table, notes) if notes else table


def _notes(named: Iterable[tuple[str, str | None]]) -> Text | None:
    """The corpus's notes on what a table lists ("notes:" and one line each), if any."""
    lines = [f"{name}: {note}" for name, note in named if note]
    if not lines:
        return None
    return Text("notes:\n", style="bold").append("\n".join(lines), style="")


def treaty_view(t: Json) -> RenderableType:
    """One instrument: its dates, parties and clauses."""
    head = Text.assemble((t["name"], "bold"), f" ({t['kind']}){_mark(t['hypothetical'])}")
    dates = Table.grid(padding=(0, 2))
    for label in ("signed", "in_force", "ended"):
        if t[label]:
            dates.add_row(label.replace("_", " "), _text(t[label]))
    parties = Table(title="parties", title_justify="left")
    for col in ("actor", "how", "date", "until", "via"):
        parties.add_column(col)
    for p in t["parties"]:
        parties.add_row(
            p["actor"]["name"],
            p["how"],
            _text(p["date"]),
            _text(p["until"]),
            p["via"]["name"] if p["via"] else "",
        )
    clauses = Table(title="clauses", title_justify="left")
    for col in ("id", "article", "text", "norm"):
        clauses.add_column(col)
    for c in t["clauses"]:
        norm = c["norm"]
        desc = (
            ""
            if norm is None
            else norm["kind"]
            + (f" ({', '.join(norm['categories'])})" if norm["categories"] else "")
        )
        clauses.add_row(c["id"], c["article"] or "", f"“{c['text']}”", desc)
    parts: list[RenderableType] = [head, dates]
    if t.get("notes"):
        parts.append(Text.assemble(("note: ", "bold"), t["notes"]))
    parts.append(parties)
    if t["clauses"]:
        parts.append(clauses)
    return Group(*parts)


def coverage_view(data: Json) -> RenderableType:
    """The coverage report: one summary row per source, then what is missing."""
    table = Table(title="coverage", title_justify="left")
    for col in ("source", "sentences", "dated or named", "dates"):
        table.add_column(col)

    def cell(r: Json) -> str:
        return f"{r['covered']}/{r['total']} ({r['percent']}%)"

    parts: list[RenderableType] = [table]
    for s in data["sources"]:
        table.add_row(
            s["source"], cell(s["sentences"]), cell(s["dated_or_named"]), cell(s["dates"])
        )
        if s["uncovered"]:
            parts.append(Text(f"\nuncovered sentences of {s['source']}:", style="bold"))
            parts += [Text(f"  - {x}") for x in s["uncovered"]]
        if s["unrepresented_dates"]:
            parts.append(Text(f"\ndates of {s['source']} not in any record:", style="bold"))
            parts.append(Text("  " + "; ".join(s["unrepresented_dates"])))
    return Group(*parts)


def _day(d: Json | None) -> str:
    return "…" if d is None else str(d["text"])


def _name(ref: Json | None) -> str:
    return "" if ref is None else str(ref["name"])


def _values(values: list[Json]) -> str:
    """A status field's values: "Soviet Union", or every possible one with "or" and what is
    open ("Soviet Union or Germany (each possible: a source's date leaves it open)")."""
    words = [
        str(v["value"]).lower() if isinstance(v["value"], bool) else _name(v["value"])
        for v in values
    ]
    if all(v["certainty"] == "certain" for v in values):
        return " and ".join(words)
    certain = [w for w, v in zip(words, values, strict=True) if v["certainty"] == "certain"]
    possible = [w for w, v in zip(words, values, strict=True) if v["certainty"] != "certain"]
    if certain:
        return f"{' and '.join(certain)}; possibly also {' or '.join(possible)}"
    if len(possible) == 1:
        return f"possibly {possible[0]} (a source's date leaves it open)"
    return f"{' or '.join(possible)} (each possible: a source's date leaves it open)"


def _cert(c: str | None) -> Text:
    if c == "possible":
        return Text("possible", style="yellow")
    return Text(c or "", style="green" if c == "certain" else "")


def _status_cells(data: Json) -> list[RenderableType]:
    """A status's fields as cells: sovereign, controlled by, occupied by, part of, certainty."""
    st = data["status"]
    cells: list[RenderableType] = [_values(st["sovereign"])]
    for f in ("controlled_by", "occupied_by", "part_of"):
        values = st[f]
        if f == "controlled_by" and [v["value"]["id"] for v in values] == [data["actor"]["id"]]:
            text = "self-governing" + ("" if values[0]["certainty"] == "certain" else " (possible)")
        else:
            text = _values(values) or "—"
        cells.append(text)
    cells.append(_cert(st.get("certainty")))
    return cells


_STATUS_ROWS = ("sovereign", "controlled by", "occupied by", "part of", "certainty")


def _why_grid(views: list[Json], only_differing: bool) -> Table:
    """Per perspective (those that differ from the default, or all): its status, why it
    differs, and the rules only it used."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for p in views:
        if only_differing and not p["differs"]:
            continue
        cell = Text(p["answer"]["status"]["label"])
        if p["because"]:
            cell.append(f"\n{p['because']}", style="dim")
        if p["rules"]:
            cell.append(f"\nrules: {', '.join(p['rules'])}", style="dim")
        grid.add_row(f"  {p['perspective']}", cell)
    return grid


def status_view(data: Json, others: Json | None = None, rules: bool = False) -> RenderableType:
    """A status: the label, the fields, the summary in words, the explanation (its rules in
    the rule language only with ``rules``); ``others`` (``--perspective all``'s answer, when
    no perspective was named): a line per perspective that differs."""
    st = data["status"]
    head = Text.assemble(
        (
            f"{data['actor']['name']} from {data['on']} to {data['to']}"
            if data.get("to")
            else f"{data['actor']['name']} on {data['on']}",
            "bold",
        ),
        f" ({data['perspective']}): ",
        (st["label"], "bold cyan"),
    )
    grid = Table.grid(padding=(0, 2))
    for label, cell in zip(_STATUS_ROWS, _status_cells(data), strict=True):
        grid.add_row(label, cell)
    parts: list[RenderableType] = [head, grid]
    if others is not None and any(p["differs"] for p in others["perspectives"]):
        parts.append(Text("\nother perspectives that differ:", style="bold"))
        parts.append(_why_grid(others["perspectives"], only_differing=True))
    parts += [
        Text("\nwhy:", style="bold"),
        summary_rich(data["summary"]),
        Text(""),
        to_rich(data["explanation"], rules=rules),
    ]
    return Group(*parts)


def across_view(data: Json) -> RenderableType:
    """``--perspective all``: the status of each perspective side by side, with why they
    differ; for the other commands, each perspective's own view (once for those that answer
    as the default does)."""
    views = data["perspectives"]
    default = next((p for p in views if p["default"]), views[0])
    if data["command"] == "status":
        first = default["answer"]
        head = Text.assemble(
            (f"{first['actor']['name']} on {first['on']}", "bold"), ", every perspective:"
        )
        table = Table(box=None, padding=(0, 2), show_edge=False)
        table.add_column("")
        for p in views:
            table.add_column(p["perspective"] + (" (default)" if p["default"] else ""))
        cells = [_status_cells(p["answer"]) for p in views]
        for i, label in enumerate(_STATUS_ROWS):
            table.add_row(label, *(c[i] for c in cells))
        parts: list[RenderableType] = [head, table]
        if data["agree"]:
            parts.append(Text("\nevery perspective gives the same status", style="dim"))
            return Group(*parts)
        parts.append(Text("\nwhy they differ:", style="bold"))
        parts.append(_why_grid(views, only_differing=False))
        return Group(*parts)
    view = VIEWS[data["command"]]
    out: list[RenderableType] = []
    for p in views:
        title = p["perspective"] + (" (default)" if p["default"] else "")
        if p is not default and not p["differs"]:
            out.append(Text(f"\n{title}: the same as {default['perspective']}", style="bold"))
            continue
        out.append(Text(f"\n{title}:", style="bold"))
        out.append(view(p["answer"]))
        if p["rules"] and p is not default:
            out.append(Text(f"rules that differ: {', '.join(p['rules'])}", style="dim"))
    return Group(*out)


def holds_view(data: Json) -> RenderableType:
    """What holds: each fluent with names for ids, when it holds as the sources date it, its
    certainty and its rule."""
    table = Table(
        title=f"what holds for {data['actor']['name']} on {data['on']} ({data['perspective']})",
        title_justify="left",
    )
    for col in ("fluent (rule)", "holds", "certainty"):
        table.add_column(col)
    for f in data["fluents"]:
        name = f["fluent"]
        # "controlled by (Lithuania) = Soviet Union": a line breaks between words only
        fact = Text(f["text"].replace(f"{name}(", f"{name.replace('_', ' ')} (", 1))
        if f.get("rule"):
            fact.append(f"\n  {f['rule']}", style="dim")
        table.add_row(fact, f["when"], _cert(f["certainty"]))
    return table


def _bounds(items: list[Json], said: list[list[str]] | None) -> list[list[str]]:
    """Each item's ``from`` and ``to`` as shown: ``said`` (the source's words, see
    :func:`foedus.query.status.span_words`) where given, else the JSON dates."""
    return said if said is not None else [[_day(x["from"]), _day(x["to"])] for x in items]


def timeline_view(data: Json, said: list[list[str]] | None = None) -> RenderableType:
    """The periods, each bound in the source's words (``said``: one ``[from, to]`` per
    period) where a dated record gives it, then the events."""
    table = Table(title=f"{data['actor']['name']} ({data['perspective']})", title_justify="left")
    for col in ("from", "to", "status", "certainty"):
        table.add_column(col)
    for p, (first, last) in zip(data["periods"], _bounds(data["periods"], said), strict=True):
        table.add_row(first, last, p["label"], _cert(p["certainty"]))
    events = Table(title="events", title_justify="left")
    for col in ("date", "type", "summary"):
        events.add_column(col)
    for e in data["events"]:
        events.add_row(
            e["date"]["text"],
            type_words(e["type"]),
            e["summary"] + _mark(e["hypothetical"], e["summary"]),
        )
    return Group(table, events)


def breaches_view(data: Json) -> RenderableType:
    """The breaches, each event once (its date, what it was, against whom), then each clause
    it breached: the instrument's name, the clause and its norm."""
    table = Table(
        title=f"{_count(len(data['breaches']), 'breach')} ({data.get('perspective', '')})",
        title_justify="left",
    )
    for col in ("date", "event", "breached", "certainty"):
        table.add_column(col)
    last = None
    for b in data["breaches"]:
        ev = b["event"]
        first = ev["id"] != last
        last = ev["id"]
        against = ", ".join(a["name"] for a in b.get("against", []))
        what = Text(ev["summary"] + _mark(ev["hypothetical"], ev["summary"]))
        if against:
            what.append(f"\nagainst {against}", style="dim")
        clause = b["clause"]
        kind = (clause["norm"] or {}).get("kind", "")
        treaty = b["treaty"]
        breached = Text(treaty["name"] + _mark(treaty["hypothetical"], treaty["name"]))
        breached.append(f"\n  {clause['id']}" + (f" ({kind})" if kind else ""), style="dim")
        table.add_row(
            ev["date"]["text"] if first else "",
            what if first else "",
            breached,
            _cert(b.get("certainty")),
        )
    named = {b["treaty"]["name"]: b["treaty"].get("notes") for b in data["breaches"]}
    named.update(
        {b["event"]["summary"].rstrip("."): b["event"].get("notes") for b in data["breaches"]}
    )
    notes = _notes(named.items())
    return Group(table, notes) if notes else table


def aggressor_view(data: Json) -> RenderableType:
    if data["aggressor"] is None:
        head = Text(f"no aggressor: {data['explanation']['conclusion']}", style="bold")
    elif data.get("certainty") == "possible" and len(data["candidates"]) > 1:
        # no one side is the aggressor: the candidates, the first act's side first
        names = " or ".join(c["name"] for c in data["candidates"])
        head = Text.assemble(
            ("aggressor: ", "bold"),
            (f"possibly {names}", "bold yellow"),
            " (the order of their first acts is uncertain)",
        )
    else:
        head = Text.assemble(
            ("aggressor: ", "bold"),
            (data["aggressor"]["name"], "bold red"),
            f" — {data['category']}, {data['act']['date']['text']}",
        )
        if data.get("certainty") == "possible":
            head.append("  (possibly: see why below)", style="yellow")
    return Group(head, Text(f"rule: {data['rule']}"), to_rich(data["explanation"], rules=False))


def compare_view(data: Json, said: list[list[str]] | None = None) -> RenderableType:
    """Where two perspectives differ: per actor and period (its bounds in the source's words,
    ``said``, where a dated record gives them), each perspective's status with the rules
    only it used, and why sovereignty ended in one and not the other."""
    p, q = data["perspectives"]
    parts: list[RenderableType] = [Text(f"where {p} and {q} differ", style="bold")]
    bounds = _bounds(data["differences"], said)
    for d, (first, last) in zip(data["differences"], bounds, strict=True):
        span = f", {dated(first)} to {dated(last)}"
        parts.append(Text.assemble(("\n" + d["actor"]["name"], "bold"), span))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for side in (p, q):
            cell = Text(d["status"][side]["label"])
            if d["rules"].get(side):
                cell.append(f"\nrules: {', '.join(d['rules'][side])}", style="dim")
            if d.get("because", {}).get(side):
                cell.append(f"\n{d['because'][side]}", style="dim")
            grid.add_row(f"  {side}", cell)
        parts.append(grid)
    if not data["differences"]:
        parts.append(Text("no difference"))
    return Group(*parts)


def explain_view(data: Json, rules: bool = False) -> RenderableType:
    """The summary in words and its quote, then the explanation tree (its rules in the rule
    language only with ``rules``)."""
    return Group(summary_rich(data["summary"]), Text(""), to_rich(data["explanation"], rules=rules))


def ask_view(result: Json) -> RenderableType:
    """A question's answer for people: the query line, the notes, then the command's own
    view."""
    from foedus.ask.question import Query  # here: the other views do not load the asking

    q = result["query"]
    over = (q["over"]["from"], q["over"]["to"]) if q.get("over") else None
    shown = Query(q["command"], q["args"], q["perspective"], q["filter"], over=over).describe()
    parts: list[RenderableType] = []
    if result.get("verdict"):
        parts.append(Text.assemble(("answer: ", "bold"), result["verdict"]["text"]))
    parts.append(Text.assemble(("query: ", "bold"), shown))
    parts += [Text(f"note: {n}", style="dim") for n in result["notes"]]
    view = VIEWS.get(q["command"])
    if view is not None:
        parts.append(view(result["answer"]))
    else:
        parts.append(Text(json.dumps(result["answer"], indent=2, ensure_ascii=False)))
    return Group(*parts)


VIEWS: dict[str, Callable[[Json], RenderableType]] = {
    c.name: globals()[c.view] for c in COMMANDS if c.view is not None
}
"""The human view of each command's JSON, from the table of commands."""
