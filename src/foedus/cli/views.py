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

from foedus.ask.question import Query
from foedus.commands import COMMANDS
from foedus.norms.explain import to_rich
from foedus.shapes import Json

# --------------------------------------------------------------------------- tables


def _text(d: Json | None) -> str:
    return "" if d is None else str(d["text"])


def _names(refs: list[Json] | None) -> str:
    return ", ".join(r["name"] for r in refs or [])


def _mark(hypothetical: bool) -> str:
    return " [hypothetical]" if hypothetical else ""


def events_table(data: Json) -> RenderableType:
    """``{"events": [...]}`` as a table: date as the source gives it, type, who, to whom."""
    table = Table(title=f"{len(data['events'])} events", title_justify="left")
    for col in ("date", "type", "actors", "targets", "summary"):
        table.add_column(col, overflow="fold")
    for e in data["events"]:
        table.add_row(
            _text(e["date"]),
            e["type"],
            _names(e["actors"]),
            _names(e["targets"]),
            e["summary"] + _mark(e["hypothetical"]),
        )
    return table


def treaties_table(data: Json) -> RenderableType:
    """``{"treaties": [...]}`` as a table."""
    table = Table(title=f"{len(data['treaties'])} instruments", title_justify="left")
    dated = any("certainty" in t for t in data["treaties"])
    for col in ("id", "name", "kind", "signed", "parties") + (("certainty",) if dated else ()):
        table.add_column(col, overflow="fold")
    for t in data["treaties"]:
        row = [
            t["id"],
            t["name"] + _mark(t["hypothetical"]),
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
        clauses.add_column(col, overflow="fold")
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


def status_view(data: Json) -> RenderableType:
    st = data["status"]
    head = Text.assemble(
        (f"{data['actor']['name']} on {data['on']}", "bold"),
        f" ({data['perspective']}): ",
        (st["label"], "bold cyan"),
    )
    grid = Table.grid(padding=(0, 2))
    grid.add_row("sovereign", _values(st["sovereign"]))
    for f in ("controlled_by", "occupied_by", "part_of"):
        values = st[f]
        if f == "controlled_by" and [v["value"]["id"] for v in values] == [data["actor"]["id"]]:
            text = "self-governing" + ("" if values[0]["certainty"] == "certain" else " (possible)")
        else:
            text = _values(values) or "—"
        grid.add_row(f.replace("_", " "), text)
    grid.add_row("certainty", _cert(st.get("certainty")))
    return Group(head, grid, Text("\nwhy:", style="bold"), to_rich(data["explanation"]))


def holds_view(data: Json) -> RenderableType:
    table = Table(
        title=f"what holds for {data['actor']['name']} on {data['on']} ({data['perspective']})",
        title_justify="left",
    )
    for col in ("fluent", "args", "value", "from", "to", "certainty", "rule"):
        table.add_column(col, overflow="fold")
    for f in data["fluents"]:
        table.add_row(
            f["fluent"],
            ", ".join(f["args"]),
            f["value"],
            _day(f["from"]),
            _day(f["to"]),
            _cert(f["certainty"]),
            f.get("rule") or "",
        )
    return table


def timeline_view(data: Json) -> RenderableType:
    table = Table(title=f"{data['actor']['name']} ({data['perspective']})", title_justify="left")
    for col in ("from", "to", "status", "certainty"):
        table.add_column(col, overflow="fold")
    for p in data["periods"]:
        table.add_row(_day(p["from"]), _day(p["to"]), p["label"], _cert(p["certainty"]))
    events = Table(title="events", title_justify="left")
    for col in ("date", "type", "summary"):
        events.add_column(col, overflow="fold")
    for e in data["events"]:
        events.add_row(e["date"]["text"], e["type"], e["summary"])
    return Group(table, events)


def breaches_view(data: Json) -> RenderableType:
    table = Table(
        title=f"{len(data['breaches'])} breaches ({data.get('perspective', '')})",
        title_justify="left",
    )
    for col in ("date", "event", "treaty", "clause", "against", "certainty"):
        table.add_column(col, overflow="fold")
    for b in data["breaches"]:
        table.add_row(
            b["event"]["date"]["text"],
            b["event"]["summary"],
            b["treaty"]["name"],
            f"{b['clause']['id']} ({(b['clause']['norm'] or {}).get('kind', '')})",
            ", ".join(a["name"] for a in b.get("against", [])),
            _cert(b.get("certainty")),
        )
    return table


def aggressor_view(data: Json) -> RenderableType:
    if data["aggressor"] is None:
        head = Text(f"no aggressor: {data['explanation']['conclusion']}", style="bold")
    else:
        head = Text.assemble(
            ("aggressor: ", "bold"),
            (data["aggressor"]["name"], "bold red"),
            f" — {data['category']}, {data['act']['date']['text']}",
        )
        if data.get("certainty") == "possible":
            head.append(
                "  (possibly; candidates: "
                + ", ".join(c["name"] for c in data["candidates"])
                + ")",
                style="yellow",
            )
    return Group(head, Text(f"rule: {data['rule']}"), to_rich(data["explanation"]))


def compare_view(data: Json) -> RenderableType:
    p, q = data["perspectives"]
    table = Table(title=f"where {p} and {q} differ", title_justify="left")
    for col in ("actor", "from", "to", p, q, "rules"):
        table.add_column(col, overflow="fold")
    for d in data["differences"]:
        rules = "; ".join(f"{k}: {', '.join(v)}" for k, v in d["rules"].items() if v)
        table.add_row(
            d["actor"]["name"],
            _day(d["from"]),
            _day(d["to"]),
            d["status"][p]["label"],
            d["status"][q]["label"],
            rules,
        )
    return table


def explain_view(data: Json) -> RenderableType:
    return to_rich(data["explanation"])


def ask_view(result: Json) -> RenderableType:
    """A question's answer for people: the query line, the notes, then the command's own
    view."""
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
