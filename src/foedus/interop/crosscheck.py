"""``foedus crosscheck --against KIND FILE...``: the corpus's derived answers beside a dataset's.

- ``states`` (COW states2016, Gleditsch–Ward, ISD; several files at once): the days each state
  was sovereign (fluent ``sovereign`` of the chosen perspective; every corpus actor with the
  list's code counts, so COW 365 is the RSFSR, the USSR and the Russian Federation together)
  against each spell of membership of the list.
- ``atop`` / ``treaties`` (ATOP member-level file; GGO agreements + parties): each instrument of
  the corpus matched to the dataset's instrument with the same parties nearest in date; its
  start, end and parties compared.

A boundary is ``agree`` when both give the same day, ``consistent`` when the dataset's day lies
inside the corpus's fuzzy date (the corpus says "possibly" there), ``disagree`` otherwise, and
``missing`` when one side has nothing. Every row carries both sides' sources: the dataset's
file, line and row, and the corpus's event (or actor, instrument) with its date as the source
gives it and the quote it rests on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from foedus.engine.from_corpus import BEGINNING
from foedus.errors import UserError
from foedus.interop.aliases import Alias, AliasTable
from foedus.interop.importers.base import Row, date_bounds, messy_date, read_rows, sniff_header, ymd
from foedus.interop.importers.states import resolve as resolve_spell
from foedus.interop.importers.states import spells
from foedus.shapes import Json

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
    codings: dict[str, str] = field(default_factory=dict)

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
                'SELECT start, "end", certainty, initiated_by, terminated_by FROM fluents '
                "WHERE perspective = ? AND fluent = 'sovereign' AND list_contains(?, args[1]) "
                "ORDER BY start",
                [self.kb.perspective, actors],
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
        return "disagree", f"dataset {abs(diff)} days {'later' if diff > 0 else 'earlier'}"

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

    # ----------------------------------------------------------------------- states

    def states(self, path: Path) -> None:
        from foedus.interop.importers.states import FORMATS

        fmt, found, _, _ = spells(path)
        against = path.name
        info = FORMATS[fmt]
        self.codings[against] = f"{info.title} ({info.citation})"
        end_of_data = max((s.end for s in found), default=None)
        begin = BEGINNING.toordinal()
        period = self.period()
        groups: dict[str, list[Any]] = {}
        for s in found:
            alias = resolve_spell(self.aliases, fmt, s)
            actors = self.actors_for(alias)
            if actors:
                groups.setdefault(",".join(actors), []).append(s)
        for key, group in groups.items():
            actors = key.split(",")
            subject = "/".join(actors)
            stretches = self.sovereign_stretches(actors)
            if self.only and not set(actors) & self.only:
                continue
            if (
                len(stretches) == 1
                and stretches[0]["start"] <= begin
                and stretches[0]["end"] >= 10**9
            ):
                self.add(
                    subject,
                    "sovereign",
                    {
                        "value": ", ".join(f"{s.start} – {s.end}" for s in group),
                        "source": _row_source(group[0].row),
                    },
                    {
                        "value": "always (no change of sovereignty recorded)",
                        "source": self.source_of(stretches[0]["initiated_by"]),
                    },
                    "not compared",
                    "the corpus records no change of sovereignty",
                    against,
                )
                continue
            used: set[int] = set()
            for s in group:
                s_lo, s_hi = s.start.toordinal(), s.end.toordinal() + 1
                best, overlap = None, 0
                for k, st in enumerate(stretches):
                    ov = min(s_hi, st["end"]) - max(s_lo, st["start"])
                    if ov > overlap:
                        best, overlap = k, ov
                dsrc = {"value": None, "source": _row_source(s.row)}
                if best is None:
                    self.add(
                        subject,
                        "sovereign",
                        {**dsrc, "value": f"{s.start} – {s.end}"},
                        {"value": "not sovereign in this spell"},
                        "missing",
                        "the corpus has no sovereignty here",
                        against,
                    )
                    continue
                used.add(best)
                st = stretches[best]
                certain = st["certain"]
                first_certain = min((c[0] for c in certain), default=st["end"])
                last_certain = max((c[1] for c in certain), default=st["start"])
                # start
                if st["start"] <= begin:
                    self.add(
                        subject,
                        "start",
                        {**dsrc, "value": s.start.isoformat()},
                        {
                            "value": "no start date (sovereign from its first record)",
                            "source": self.source_of(st["initiated_by"]),
                        },
                        "missing",
                        "the corpus gives no start",
                        against,
                    )
                else:
                    lo, hi = _day(st["start"]), _day(max(st["start"], first_certain))
                    v, note = self.verdict(s.start, lo, hi)
                    if v == "disagree" and s.start < period[0]:
                        v = "not compared"
                        note = (
                            f"a difference of scope: the dataset's day is before the corpus's "
                            f"period (from {period[0]}), which says nothing about it"
                        )
                    self.add(
                        subject,
                        "start",
                        {**dsrc, "value": s.start.isoformat()},
                        {
                            "value": lo.isoformat() if lo == hi else f"{lo} – {hi}",
                            "source": self.source_of(st["initiated_by"]),
                        },
                        v,
                        note,
                        against,
                    )
                # end (the last day of membership)
                ds_end = None if s.end == end_of_data else s.end
                if st["end"] >= 10**9:
                    lo_e = hi_e = None
                else:
                    lo_e = _day(min(st["end"], max(last_certain, st["start"] + 1)) - 1)
                    hi_e = _day(st["end"] - 1)
                if (
                    ds_end is None
                    and lo_e is not None
                    and hi_e is not None
                    and end_of_data is not None
                    and hi_e >= end_of_data
                ):
                    v, note = "agree", "both run to the end of the dataset"
                else:
                    v, note = self.verdict(ds_end, lo_e, hi_e)
                    if v == "disagree" and ds_end is not None and ds_end > period[1]:
                        v = "not compared"
                        note = (
                            f"a difference of scope: the dataset's day is after the corpus's "
                            f"period (to {period[1]}), which says nothing about it"
                        )
                self.add(
                    subject,
                    "end",
                    {
                        **dsrc,
                        "value": ds_end.isoformat()
                        if ds_end
                        else f"still a member at the end of data ({end_of_data})",
                    },
                    {
                        "value": None
                        if lo_e is None
                        else (lo_e.isoformat() if lo_e == hi_e else f"{lo_e} – {hi_e}"),
                        "source": self.source_of(st["terminated_by"]),
                    },
                    v,
                    note,
                    against,
                )
            for k, st in enumerate(stretches):
                if k in used or end_of_data is None or _day(st["start"]) > end_of_data:
                    continue
                if st["start"] <= begin:
                    continue
                self.add(
                    subject,
                    "sovereign",
                    {"value": "not a member"},
                    {
                        "value": f"{_day(st['start'])} – "
                        f"{_day(st['end'] - 1) if st['end'] < 10**9 else ''}",
                        "source": self.source_of(st["initiated_by"]),
                    },
                    "missing",
                    "the dataset has no spell here",
                    against,
                )

    # ----------------------------------------------------------------------- events

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

    def events(self, kind: str, paths: list[Path]) -> None:
        """Corpus events beside a dataset's (MID participants' highest actions; territorial
        changes): the same actor against a common target within a year of each other. Each
        corpus event of the dataset's event types is matched to the nearest such dataset
        event; an event on either side with no counterpart is listed as missing (a dataset
        event only when both its sides are corpus actors and it falls in the corpus's
        period)."""
        from foedus.interop.importers.mid import HIGHEST_ACTION, import_mid
        from foedus.interop.importers.territorial import PROCEDURES, import_territorial

        if kind == "mid":
            imp = import_mid(paths, self.aliases)
            types = {t for t, _ in HIGHEST_ACTION.values()} | {"invasion"}
        else:
            imp = import_territorial(paths, self.aliases)
            types = {t for t, _ in PROCEDURES.values()} | {"incorporation", "other"}
        against = ", ".join(p.name for p in paths)
        period = self.period()
        theirs = []
        for e in imp.events:
            lo, hi = date_bounds(e["date"])  # type: ignore[misc]
            theirs.append((e, lo, hi))
        mine = [
            e
            for e in self.kb.corpus.events
            if e.type in types
            and e.targets
            and (not self.only or self.only & {*e.actors, *e.targets})
        ]
        corpus_aliases = {self.alias_of(a.id) for a in self.kb.corpus.actors}
        pairs = []
        for e in mine:
            acts = {self.alias_of(a) for a in e.actors}
            tgts = {self.alias_of(t) for t in e.targets}
            for k, (d, lo, hi) in enumerate(theirs):
                if not (acts & set(d["actors"]) and tgts & set(d["targets"])):
                    continue
                gap = max((lo - e.date.latest).days, (e.date.earliest - hi).days, 0)
                if gap <= 366:
                    pairs.append((gap, e.id, k))
        found: dict[str, int] = {}
        taken: set[int] = set()
        for _, eid, k in sorted(pairs):
            if eid not in found and k not in taken:
                found[eid] = k
                taken.add(k)
        for e in mine:
            cs = {
                "id": e.id,
                "what": e.summary,
                "date": e.date.text,
                "quote": e.sources[0].quote if e.sources else None,
            }
            corpus = {"value": f"{e.type} {e.date.text}", "source": cs}
            if e.id not in found:
                self.add(
                    e.id,
                    "event",
                    {"value": None},
                    corpus,
                    "missing",
                    "no event of the dataset by the same actor against a common target "
                    "within a year",
                    against,
                )
                continue
            d, lo, hi = theirs[found[e.id]]
            dsrc = _event_source(d)
            if lo == hi == e.date.earliest == e.date.latest:
                v, note = "agree", "same day"
            elif lo <= e.date.latest and e.date.earliest <= hi:
                v, note = "consistent", f"the dates overlap ({lo} – {hi} in the dataset)"
            else:
                days = (
                    (lo - e.date.latest).days if lo > e.date.latest else (hi - e.date.earliest).days
                )
                v = "disagree"
                note = f"dataset {abs(days)} days {'later' if days > 0 else 'earlier'}"
            self.add(
                f"{e.id} ~ {d['id']}",
                "event",
                {
                    "value": f"{d['type']} {_text(d['date'])}",
                    "source": dsrc,
                },
                corpus,
                v,
                f"{note}; corpus {e.type}, dataset {d['type']}",
                against,
            )
        for k, (d, lo, hi) in enumerate(theirs):
            if k in taken or hi < period[0] or lo > period[1]:
                continue
            sides = {*d["actors"], *d["targets"]}
            if not sides <= corpus_aliases:
                continue
            if self.only and not {self.alias_of(a) for a in self.only} & sides:
                continue
            self.add(
                d["id"],
                "event",
                {
                    "value": f"{d['type']} {_text(d['date'])}",
                    "source": _event_source(d),
                },
                {"value": None},
                "missing",
                "the corpus has no event of these actors within a year",
                against,
            )

    # ----------------------------------------------------------------------- instruments

    def instruments(self, kind: str, paths: list[Path]) -> None:
        data = _atop(paths, self.aliases) if kind == "atop" else _ggo(paths, self.aliases)
        against = ", ".join(p.name for p in paths)
        compared: list[tuple[Any, dict[str, Any], Any]] = []
        for ins in self.kb.corpus.instruments:
            ours: dict[str, Any] = {}
            for p in ins.parties:
                a = next(x for x in self.kb.corpus.actors if x.id == p.actor)
                alias = self.aliases.resolve(
                    cow=a.cow[0] if a.cow else None,
                    iso=a.iso3166[-1] if a.iso3166 else None,
                    name=a.name,
                )
                ours.setdefault(alias.id, p)
            if len(ours) < 2 or (self.only and not self.only & {p.actor for p in ins.parties}):
                continue
            start = ins.in_force or ins.signed
            if start is None:
                continue
            compared.append((ins, ours, start))
        for ins, ours, start, d, how in match(compared, data):
            if d is None:
                self.add(
                    ins.id,
                    "instrument",
                    {"value": None},
                    {
                        "value": ins.name,
                        "source": {
                            "id": ins.id,
                            "what": ins.name,
                            "date": start.text,
                            "quote": ins.sources[0].quote if ins.sources else None,
                        },
                    },
                    "missing",
                    "no instrument of the dataset matches (by id or name, or, for a main "
                    "instrument, by the same parties within a year)",
                    against,
                )
                continue
            src = {"file": d["row"].file, "line": d["row"].line, "row": d["row"].raw}
            ours_src = {
                "id": ins.id,
                "what": ins.name,
                "quote": ins.sources[0].quote if ins.sources else None,
            }
            subject = f"{ins.id} ~ {d['id']}"
            day = d["begin"][0] if d["begin"][0] == d["begin"][1] else None
            v, note = (
                self.verdict(day, start.earliest, start.latest)
                if day
                else (
                    "consistent"
                    if d["begin"][0] <= start.latest and start.earliest <= d["begin"][1]
                    else "disagree",
                    "both dates are ranges",
                )
            )
            self.add(
                subject,
                "start",
                {"value": d["begin_text"], "source": src},
                {"value": start.text, "source": {**ours_src, "date": start.text}},
                v,
                f"{note}; matched {how}",
                against,
            )
            end_d = d["end"]
            if ins.ended is None and end_d is None:
                v, note = "agree", "both open"
            elif ins.ended is None or end_d is None:
                v, note = "missing", "one side gives no end"
            elif end_d[0] == end_d[1]:
                v, note = self.verdict(end_d[0], ins.ended.earliest, ins.ended.latest)
            else:
                v, note = (
                    "consistent"
                    if end_d[0] <= ins.ended.latest and ins.ended.earliest <= end_d[1]
                    else "disagree",
                    "both dates are ranges",
                )
            self.add(
                subject,
                "end",
                {"value": d["end_text"], "source": src},
                {
                    "value": ins.ended.text if ins.ended else None,
                    "source": {**ours_src, "date": ins.ended.text if ins.ended else None},
                },
                v,
                note,
                against,
            )
            for member, (jlo, jtext, mrow) in sorted(d["joins"].items()):
                p = ours[member]
                v, note = self.verdict(jlo, p.date.earliest, p.date.latest)
                self.add(
                    subject,
                    f"party {p.actor} joins",
                    {"value": jtext, "source": _row_source(mrow)},
                    {
                        "value": p.date.text,
                        "source": {
                            "id": ins.id,
                            "what": f"party {p.actor} ({p.how})",
                            "quote": p.sources[0].quote if p.sources else None,
                        },
                    },
                    v,
                    note,
                    against,
                )


#: Instrument kinds matched to a dataset's instrument only by id or name: a protocol or a
#: declaration beside a main instrument of the same parties and day is not that instrument.
SECONDARY = ("protocol", "secret-protocol", "declaration")


def _key(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def match(
    compared: list[tuple[Any, dict[str, Any], Any]], data: list[Json]
) -> list[tuple[Any, dict[str, Any], Any, Json | None, str]]:
    """Each corpus instrument with the dataset instrument it is (or None), and how it was
    matched: first by id (an alias such as ``ATOP 2470`` or a GGO ``treatyID``) or by name
    (a GGO title), then, for a main instrument (not a protocol or declaration, amending
    nothing), by the same parties nearest in date within a year. A dataset instrument
    matches one corpus instrument at most."""
    ids = Counter(_key(d["id"]) for d in data)
    by_id = {_key(d["id"]): d for d in data if ids[_key(d["id"])] == 1}
    by_name: dict[str, list[Json]] = {}
    for d in data:
        if d.get("title"):
            by_name.setdefault(_key(d["title"]), []).append(d)
    taken: set[int] = set()
    found: dict[str, tuple[Json, str]] = {}
    for ins, _, _ in compared:
        for alias in ins.aliases:
            hit = by_id.get(_key(alias))
            if hit is not None and id(hit) not in taken:
                found[ins.id] = (hit, f"by id: the corpus names it {alias!r}")
                taken.add(id(hit))
                break
        else:
            for name in (ins.name, *ins.aliases):
                ds = [d for d in by_name.get(_key(name), []) if id(d) not in taken]
                if len(ds) == 1:
                    found[ins.id] = (ds[0], f"by name: {name!r}")
                    taken.add(id(ds[0]))
                    break
    pairs = []
    for ins, ours, start in compared:
        if ins.id in found or ins.kind in SECONDARY or ins.amends:
            continue
        for d in data:
            gap = abs((d["begin"][0] - start.earliest).days)
            if set(d["members"]) == set(ours) and gap <= 366:
                pairs.append((gap, ins.id, d))
    for gap, ins_id, d in sorted(pairs, key=lambda x: (x[0], x[1])):
        if ins_id not in found and id(d) not in taken:
            found[ins_id] = (d, f"by parties and date ({gap} days apart)")
            taken.add(id(d))
    out: list[tuple[Any, dict[str, Any], Any, Json | None, str]] = []
    for ins, ours, start in compared:
        if ins.id in found:
            out.append((ins, ours, start, *found[ins.id]))
        else:
            out.append((ins, ours, start, None, ""))
    return out


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


def _atop(paths: list[Path], aliases: AliasTable) -> list[Json]:
    out: dict[str, Json] = {}
    for path in paths:
        head = set(sniff_header(path))
        if not {"atopid", "member", "yrent"} <= head:
            continue
        _, rows = read_rows(path)
        for r in rows:
            aid = r.get("atopid")
            alias = aliases.resolve(cow=r.get("member"))
            entered = ymd(r.get("yrent"), r.get("moent"), r.get("dayent"))
            exited = (
                None
                if r.get("ineffect").strip() == "1"
                else ymd(r.get("yrexit"), r.get("moexit"), r.get("dayexit"))
            )
            if entered is None:
                continue
            b = date_bounds(entered)
            assert b is not None
            d = out.setdefault(
                aid,
                {
                    "id": f"ATOP {aid}",
                    "members": [],
                    "joins": {},
                    "row": r,
                    "begin": b,
                    "begin_text": entered,
                    "end": None,
                    "end_text": None,
                },
            )
            if alias.id not in d["members"]:
                d["members"].append(alias.id)
                d["joins"][alias.id] = (b[0] if b[0] == b[1] else None, entered, r)
            if b[0] < d["begin"][0]:
                d["begin"], d["begin_text"], d["row"] = b, entered, r
            e = date_bounds(exited) if exited else None
            if e is not None and (d["end"] is None or e[1] > d["end"][1]):
                d["end"], d["end_text"] = e, exited
    if not out:
        raise UserError("crosscheck --against atop: give the ATOP member-level file (atop5_1m.csv)")
    return list(out.values())


def _ggo(paths: list[Path], aliases: AliasTable) -> list[Json]:
    from foedus.interop.importers.treaties import _which

    agreements: list[Row] = []
    party_rows: list[Row] = []
    for path in paths:
        head = set(sniff_header(path))
        _, rows = read_rows(path)
        if "stateid" in head:
            party_rows += rows
        elif "treatyid" in head:
            agreements += rows
    if not agreements or not party_rows:
        raise UserError(
            "crosscheck --against treaties: give GGO_agreements.csv and GGO_parties.csv"
        )
    same_id: dict[str, list[int]] = {}
    for k, row in enumerate(agreements):
        same_id.setdefault(row.get("treatyID"), []).append(k)
    parties: dict[int, list[Row]] = {}
    for r in party_rows:  # a treatyID GGO reuses: the agreement whose title the row repeats
        ks = same_id.get(r.get("treatyID"))
        which = (ks[0] if len(ks) == 1 else _which(r, ks, agreements)) if ks else None
        if which is not None:
            parties.setdefault(which, []).append(r)
    out = []
    for k, row in enumerate(agreements):
        tid = row.get("treatyID")
        begin = messy_date(row.get("Force")) or messy_date(row.get("Signature"))
        b = date_bounds(begin)
        if b is None:
            continue
        end = messy_date(row.get("End"))
        d: Json = {
            "id": tid,
            "title": row.get("Title"),
            "members": [],
            "joins": {},
            "row": row,
            "begin": b,
            "begin_text": row.get("Force") or row.get("Signature"),
            "end": date_bounds(end),
            "end_text": row.get("End"),
        }
        for r in parties.get(k, []):
            alias = aliases.resolve(iso=r.get("stateID"), name=r.get("stateID"))
            if alias.id in d["members"]:
                continue
            d["members"].append(alias.id)
            joined = messy_date(r.get("StateSignature")) or messy_date(r.get("StateForce"))
            jb = date_bounds(joined)
            d["joins"][alias.id] = (
                jb[0] if jb and jb[0] == jb[1] else None,
                r.get("StateSignature") or r.get("StateForce"),
                r,
            )
        out.append(d)
    return out


ORDER = {"disagree": 0, "consistent": 1, "agree": 2, "missing": 3, "not compared": 4}


def crosscheck(
    kb: Any,
    kind: str,
    files: list[Path],
    aliases: AliasTable | None = None,
    actors: list[str] | None = None,
) -> Json:
    """Compare ``kb`` with the dataset ``files`` of ``kind``; the JSON of the command.

    ``actors``: compare only these (any alias the corpus knows).
    """
    if kind not in KINDS:
        raise UserError(f"unknown crosscheck kind {kind!r}; kinds: {', '.join(KINDS)}")
    for f in files:
        if not f.is_file():
            raise UserError(f"{f}: file not found")
    only = {kb.resolver.actor(a).id for a in actors} if actors else None
    check = Check(kb, aliases or AliasTable.bundled(), only)
    if kind == "states":
        for f in files:
            check.states(f)
    elif kind in ("mid", "territorial-change"):
        check.events(kind, files)
    else:
        check.instruments(kind, files)
    check.rows.sort(
        key=lambda r: (
            r["subject"],
            r["what"] not in ("start", "sovereign"),
            ORDER[r["verdict"]],
            r["against"],
        )
    )
    counts = Counter(r["verdict"] for r in check.rows)
    return {
        "against": kind,
        "files": [f.name for f in files],
        "corpus": kb.corpus.metadata.name,
        "perspective": kb.perspective,
        "summary": dict(counts),
        "differences": differences(check.rows, check.codings),
        "rows": check.rows,
    }


def differences(rows: list[Json], codings: dict[str, str] | None = None) -> list[Json]:
    """Where the datasets themselves give different days for the same boundary (e.g. the
    June 1940 day each state list ends Baltic membership), beside the corpus's date, with
    why: each list applies its own coding (``codings``: the list and where its rules are
    published)."""
    by: dict[tuple[str, str, str], dict[str, str]] = {}
    corpus: dict[tuple[str, str, str], Json] = {}
    for r in rows:
        value = r["dataset"].get("value") or ""
        if r["what"] not in ("start", "end") or not value[:4].isdigit():
            continue
        key = (r["subject"], r["what"], str(r["corpus"].get("value")))
        by.setdefault(key, {})[r["against"]] = value
        corpus[key] = r["corpus"]
    out = []
    for (subject, what, value), days in by.items():
        if len(set(days.values())) > 1:
            src = corpus[(subject, what, value)].get("source") or {}
            out.append(
                {
                    "subject": subject,
                    "what": what,
                    "datasets": days,
                    "corpus": value,
                    "corpus_source": src.get("id"),
                    "why": "each list dates the boundary by its own coding rules: "
                    + "; ".join(
                        f"{f}: {(codings or {}).get(f, 'its codebook')}" for f in sorted(days)
                    ),
                }
            )
    return out


def _short(text: str | None, n: int = 70) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def render(result: Json) -> str:
    """The human view: one block per row, both sides with their sources."""
    lines = [
        f"crosscheck of corpus {result['corpus']} ({result['perspective']}) against "
        f"{result['against']}: " + ", ".join(result["files"]),
        "summary: " + ", ".join(f"{n} {k}" for k, n in sorted(result["summary"].items())),
        "",
    ]
    for d in result.get("differences", []):
        days = ", ".join(f"{f} {v}" for f, v in sorted(d["datasets"].items()))
        lines.append(
            f"the datasets differ on the {d['what']} of {d['subject']}: {days}; "
            f"the corpus: {d['corpus']} ({d['corpus_source']})"
        )
        if d.get("why"):
            lines.append(f"  why: {d['why']}")
    if result.get("differences"):
        lines.append("")
    for r in result["rows"]:
        d, c = r["dataset"], r["corpus"]
        ds = d.get("source") or {}
        cs = c.get("source") or {}
        lines.append(
            f"{r['verdict'].upper():10} {r['subject']} {r['what']}: dataset "
            f"{d.get('value') or 'open'}  |  corpus {c.get('value') or 'open'}  "
            f"({r['note']})"
        )
        if ds:
            lines.append(
                f"{'':10}   dataset: {ds.get('file')}:{ds.get('line')}: {_short(ds.get('row'))}"
            )
        if cs:
            lines.append(
                f"{'':10}   corpus:  {cs.get('id')} ({cs.get('date') or ''}): "
                f'"{_short(cs.get("quote"))}"'
            )
    return "\n".join(lines)
