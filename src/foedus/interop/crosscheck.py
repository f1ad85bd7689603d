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

KINDS = ("states", "atop", "treaties")


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
        fmt, found, _, _ = spells(path)
        against = path.name
        end_of_data = max((s.end for s in found), default=None)
        begin = BEGINNING.toordinal()
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

    # ----------------------------------------------------------------------- instruments

    def instruments(self, kind: str, paths: list[Path]) -> None:
        data = _atop(paths, self.aliases) if kind == "atop" else _ggo(paths, self.aliases)
        against = ", ".join(p.name for p in paths)
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
            cands = [
                d
                for d in data
                if set(d["members"]) == set(ours)
                and abs((d["begin"][0] - start.earliest).days) <= 366
            ]
            if not cands:
                continue
            d = min(cands, key=lambda x: abs((x["begin"][0] - start.earliest).days))
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
                note,
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
    agreements: dict[str, Row] = {}
    parties: dict[str, list[Row]] = {}
    for path in paths:
        head = set(sniff_header(path))
        _, rows = read_rows(path)
        if "stateid" in head:
            for r in rows:
                parties.setdefault(r.get("treatyID"), []).append(r)
        elif "treatyid" in head:
            agreements.update({r.get("treatyID"): r for r in rows})
    if not agreements or not parties:
        raise UserError(
            "crosscheck --against treaties: give GGO_agreements.csv and GGO_parties.csv"
        )
    out = []
    for tid, row in agreements.items():
        begin = messy_date(row.get("Force")) or messy_date(row.get("Signature"))
        b = date_bounds(begin)
        if b is None:
            continue
        end = messy_date(row.get("End"))
        d: Json = {
            "id": tid,
            "members": [],
            "joins": {},
            "row": row,
            "begin": b,
            "begin_text": row.get("Force") or row.get("Signature"),
            "end": date_bounds(end),
            "end_text": row.get("End"),
        }
        for r in parties.get(tid, []):
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
        "differences": differences(check.rows),
        "rows": check.rows,
    }


def differences(rows: list[Json]) -> list[Json]:
    """Where the datasets themselves give different days for the same boundary (e.g. the
    June 1940 day each state list ends Baltic membership), beside the corpus's date."""
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
