"""The corpus side of a crosscheck (:class:`Check`): the actors a dataset's code stands for,
the sources of corpus records, the days each state was sovereign, and the verdict of one
boundary (``agree``, ``consistent``, ``disagree``, ``missing``) with the rows it collects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlglot

from foedus.interop.aliases import Alias, AliasTable
from foedus.interop.importers.base import Row
from foedus.rules.library.vocabulary import SOVEREIGN
from foedus.shapes import Json

#: The stretches, in order, under the perspective ``?`` of the fluent ``?`` of any of the
#: actors ``?`` (a list).
_STRETCHES = sqlglot.parse_one(
    'SELECT start, "end", certainty, initiated_by, terminated_by FROM fluents '
    "WHERE perspective = ? AND fluent = ? AND list_contains(?, args[1]) "
    "ORDER BY start",
    read="duckdb",
)

KINDS = ("states", "atop", "treaties", "mid", "territorial-change")


def _day(p: int) -> date:
    return date.fromordinal(p)


def _row_source(row: Row) -> Json:
    return {"file": row.file, "line": row.line, "row": row.raw}


@dataclass
class Check:
    """Compares a knowledge base with datasets; collects rows."""

    kb: Any
    aliases: AliasTable
    only: set[str] | None = None
    rows: list[Json] = field(default_factory=list)
    #: each dataset file's coding (``codings.coding_of``): title, citation, quoted rules
    codings: dict[str, Json] = field(default_factory=dict)

    # ----------------------------------------------------------------------- corpus side

    def actors_for(self, alias: Alias) -> list[str]:
        """Corpus actors that a dataset's code or name stands for."""
        out = []
        names = {n.lower() for n in (alias.name, *alias.names)}
        for a in self.kb.corpus.actors:
            if (
                set(a.cow) & set(alias.cow)
                or {c.upper() for c in a.iso3166} & {c.upper() for c in alias.iso if len(c) == 3}
                or a.name.lower() in names
            ):
                out.append(a.id)
        return out

    def source_of(self, ident: str | None) -> Json | None:
        """What a fluent's initiating or terminating happening cites."""
        if not ident:
            return None
        c = self.kb.corpus
        kind, _, rid = ident.partition(":") if ":" in ident else ("event", "", ident)
        if kind == "actor":
            a = next((x for x in c.actors if x.id == rid), None)
            if a is None:
                return {"id": ident}
            d = a.existed_from
            return {
                "id": ident,
                "what": f"{a.name} comes into existence",
                "date": d.text if d else None,
                "quote": a.sources[0].quote if a.sources else None,
            }
        if kind == "event" or self.kb.event_record(ident) is not None:
            e = self.kb.event_record(rid or ident)
            if e is not None:
                return {
                    "id": e.id,
                    "what": e.summary,
                    "date": e.date.text,
                    "quote": e.sources[0].quote if e.sources else None,
                }
        return {"id": ident}

    def period(self) -> tuple[date, date]:
        """The corpus's period: its earliest and latest dated fact (what it can speak to)."""
        c = self.kb.corpus
        days = [e.date.earliest for e in c.events] + [e.date.latest for e in c.events]
        for i in c.instruments:
            days += [d.earliest for d in (i.signed, i.in_force, i.ended) if d is not None]
            days += [d.latest for d in (i.signed, i.in_force, i.ended) if d is not None]
        for a in c.actors:
            days += [d.earliest for d in (a.existed_from, a.existed_to) if d is not None]
        return (min(days), max(days)) if days else (date.min, date.max)

    def sovereign_stretches(self, actors: list[str]) -> list[Json]:
        """Maximal stretches of days an actor group was possibly sovereign, each with the
        days it was certainly sovereign and the happenings that began and ended it."""
        con = self.kb.connect()
        try:
            rows = con.execute(
                _STRETCHES.sql("duckdb"), [self.kb.perspective, SOVEREIGN, actors]
            ).fetchall()
        finally:
            con.close()
        out: list[Json] = []
        for start, end, certainty, ini, ter in rows:
            end = end if end is not None else 10**9
            cur = out[-1] if out else None
            if cur is not None and start <= cur["end"]:
                if end >= cur["end"]:
                    cur["end"], cur["terminated_by"] = end, ter
            else:
                cur = {
                    "start": start,
                    "end": end,
                    "initiated_by": ini,
                    "terminated_by": ter,
                    "certain": [],
                }
                out.append(cur)
            if certainty == "certain":
                cur["certain"].append((start, end))
        return out

    # ----------------------------------------------------------------------- verdicts

    @staticmethod
    def verdict(day: date | None, lo: date | None, hi: date | None) -> tuple[str, str]:
        if day is None and lo is None:
            return "agree", "both open"
        if day is None or lo is None or hi is None:
            return "missing", "one side gives no day"
        if lo == hi == day:
            return "agree", "same day"
        if lo <= day <= hi:
            return "consistent", f"inside the corpus's fuzzy date {lo} – {hi}"
        diff = (day - hi).days if day > hi else (day - lo).days
        n = f"{abs(diff)} day" if abs(diff) == 1 else f"{abs(diff)} days"
        return "disagree", f"dataset {n} {'later' if diff > 0 else 'earlier'}"

    def add(
        self,
        subject: str,
        what: str,
        dataset: Json,
        corpus: Json,
        verdict: str,
        note: str,
        against: str,
    ) -> None:
        self.rows.append(
            {
                "subject": subject,
                "what": what,
                "against": against,
                "dataset": dataset,
                "corpus": corpus,
                "verdict": verdict,
                "note": note,
            }
        )

    def alias_of(self, actor_id: str) -> str:
        """The alias-table id a corpus actor stands for (its COW or ISO code, or its name)."""
        a = next((x for x in self.kb.corpus.actors if x.id == actor_id), None)
        if a is None:
            return actor_id
        return self.aliases.resolve(
            cow=a.cow[0] if a.cow else None,
            iso=a.iso3166[-1] if a.iso3166 else None,
            name=a.name,
        ).id


def _text(when: Any) -> str:
    return when if isinstance(when, str) else when["text"]


def _event_source(d: Json) -> Json:
    """Where an imported dataset event comes from: the file and line its notes name."""
    import re

    m = re.search(r"(\S+) lines? (\d+)", d["notes"])
    return {
        "file": m.group(1) if m else None,
        "line": int(m.group(2)) if m else None,
        "row": d["sources"][0]["quote"],
    }
