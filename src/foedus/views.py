"""Human views (Rich) of the reasoning commands: status, holds, timeline, breaches,
aggressor, compare and explain. Dates show as the source gives them; certainty is visible."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from foedus.norms.explain import to_rich

Json = dict[str, Any]


def _day(d: Json | None) -> str:
    return "…" if d is None else str(d["text"])


def _name(ref: Json | None) -> str:
    return "" if ref is None else str(ref["name"])


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
    grid.add_row("sovereign", str(st["sovereign"]).lower())
    for f in ("controlled_by", "occupied_by", "part_of"):
        grid.add_row(f.replace("_", " "), _name(st[f]) or "—")
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
        head = Text("no aggressor: no act listed in Article II in the period", style="bold")
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


VIEWS = {
    "status": status_view,
    "holds": holds_view,
    "timeline": timeline_view,
    "breaches": breaches_view,
    "aggressor": aggressor_view,
    "compare": compare_view,
    "explain": explain_view,
}
