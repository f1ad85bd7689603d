"""Records as the public JSON shapes, and as Rich tables for people.

The JSON shapes are the contract (docs and BRIEF): Ref ``{"id", "name"}``; Date
``{"earliest", "latest", "text"}``; Event; Instrument with parties and clauses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from foedus.corpus.load import Corpus
from foedus.model import Event, FuzzyDate, Instrument, Quote

Json = dict[str, Any]


class Renderer:
    """Turns a corpus's records into JSON-ready dicts; names come from the corpus."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._names = {a.id: a.name for a in corpus.actors}
        self._instruments = {i.id: i.name for i in corpus.instruments}

    def ref(self, actor_id: str | None) -> Json | None:
        if actor_id is None:
            return None
        return {"id": actor_id, "name": self._names.get(actor_id, actor_id)}

    def instrument_ref(self, instrument_id: str | None) -> Json | None:
        if instrument_id is None:
            return None
        return {"id": instrument_id, "name": self._instruments.get(instrument_id, instrument_id)}

    def refs(self, ids: Iterable[str] | None) -> list[Json] | None:
        return None if ids is None else [self.ref(i) for i in ids]  # type: ignore[misc]

    def quotes(self, quotes: Iterable[Quote]) -> list[Json]:
        return [{"source": self.corpus.source_of(q.source), "quote": q.quote} for q in quotes]

    def event(self, e: Event) -> Json:
        return {
            "id": e.id,
            "type": e.type,
            "date": date_json(e.date),
            "actors": self.refs(e.actors),
            "targets": self.refs(e.targets),
            "summary": e.summary,
            "sources": self.quotes(e.sources),
            "justification": e.justification,
            "notes": e.notes,
            "instrument": self.instrument_ref(e.instrument),
            "mode": e.mode,
            "hypothetical": e.hypothetical,
        }

    def instrument(self, i: Instrument) -> Json:
        return {
            "id": i.id,
            "name": i.name,
            "kind": i.kind,
            "aliases": list(i.aliases),
            "signed": date_json(i.signed),
            "in_force": date_json(i.in_force),
            "ended": date_json(i.ended),
            "parties": [
                {
                    "actor": self.ref(p.actor),
                    "how": p.how,
                    "date": date_json(p.date),
                    "until": date_json(p.until),
                    "via": self.ref(p.via),
                    "sources": self.quotes(p.sources),
                }
                for p in i.parties
            ],
            "clauses": [
                {
                    "id": c.id,
                    "article": c.article,
                    "text": c.text,
                    "source": self.corpus.source_of(c.source),
                    "norm": None
                    if c.norm is None
                    else {
                        "kind": c.norm.kind,
                        "categories": list(c.norm.categories),
                        "bearers": self.refs(c.norm.bearers),
                        "beneficiaries": self.refs(c.norm.beneficiaries),
                        "description": c.norm.description,
                    },
                }
                for c in i.clauses
            ],
            "sources": self.quotes(i.sources),
            "notes": i.notes,
            "hypothetical": i.hypothetical,
        }


def date_json(d: FuzzyDate | None) -> Json | None:
    """A date as ``{"earliest", "latest", "text"}`` (ISO days), or None."""
    if d is None:
        return None
    return {"earliest": d.earliest.isoformat(), "latest": d.latest.isoformat(), "text": d.text}


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
    return table


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
    parts: list[RenderableType] = [head, dates, parties]
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


VIEWS: dict[str, Callable[[Json], RenderableType]] = {
    "events": events_table,
    "treaties": treaties_table,
    "treaty": treaty_view,
    "coverage": coverage_view,
}
"""The human view of each command's JSON; commands without one print the JSON."""
