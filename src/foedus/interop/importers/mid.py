"""``foedus import mid``: militarized interstate disputes (COW MID 4.x or GML MID 2.0).

Reads the participant-level file (MIDB: one row per state per dispute; required) and the
dispute-level file (MIDA; optional, cited beside each participant's row); COW's capitalised
and GML's lower-case headers are both read. Side A is the side that took the first
militarized action (the initiator).

What MIDB says, and what it does not: a row gives one state's span in the dispute, its side
(``SideA``) and its highest action in the dispute (the MID v4.0 codebook: "Highest action by
state in dispute"). It does not say against which state on the other side that action was taken,
nor on which day. So each participant whose highest action is not 0 becomes an event of that
type whose actor is the participant and whose targets are the states on the other side (never
its own) taking part at the same time, dated, as a range, to the days both took part: the
overlap of the two spans, not the actor's whole span. Opponents whose overlap differs are in
events of their own (MID 258: France's 1939-40 row against Germany, and apart against the
USSR for 17-29 September 1939 only, after ATOP 2300 had ended). The row's own id
(``mid-<dispute>-<actor>``, ``-2`` for its second row in the dispute) goes to its longest
common span; each other span's event is ``mid-<dispute>-<actor>-<first target>``. A target is
a state that may have been acted against, not one known to have been: in MID 258 the dyadic
file has no dyad of France and the USSR, nor of Japan and the USSR (their MIDB rows overlap
from December 1941). For who fought whom, with each pair's own days, use the dyadic MID file
(``foedus import dyadic-mid``; :mod:`.dyadic`).

The highest action is typed by :data:`HIGHEST_ACTION`, checked against the MID v4.0 codebook,
which gives each action its hostility level (4 "Use of force", 5 "War"). Action 13 is
"Blockade [4]": a use of force, and the codebook does not say naval. It is ``blockade``, a
blockade not known to be naval: in the imported corpora's ``use-of-force`` and
``militarized-action`` categories, not in ``aggression`` nor ``naval-blockade``, since
Article II's act is a "naval blockade of coasts or ports". So MID 23, the Soviet pressure on
Estonia of 1939, is still "possibly" a breach of the non-aggression treaty (ATOP 2290), and no
aggressor under the 1933 definition rests on it (it was ``naval_blockade``, for want of this
type). CAMEO's 191, whose words say no more than a restriction of movement, is ``other``
(:mod:`.events`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

from foedus.interop.aliases import AliasTable
from foedus.interop.importers.base import (
    DatasetError,
    DatasetInfo,
    Import,
    Json,
    Row,
    date_bounds,
    read_rows,
    sniff_header,
    ymd,
)
from foedus.interop.importers.states import COW_TERMS

COW_INFO = DatasetInfo(
    "cow-mid",
    "COW Militarized Interstate Disputes (MID) v4",
    "Palmer, Glenn, Vito D'Orazio, Michael Kenwick, and Matthew Lane. 2015. \"The MID4 "
    'Dataset, 2002-2010: Procedures, Coding Rules and Description." Conflict Management and '
    "Peace Science 32(2): 222-242; Jones, Bremer and Singer 1996.",
    COW_TERMS,
    "https://correlatesofwar.org",
)
GML_INFO = DatasetInfo(
    "gml-mid",
    "Gibler-Miller-Little MID data v2.0",
    'Gibler, Douglas M., Steven V. Miller, and Erin K. Little. 2016. "An Analysis of the '
    'Militarized Interstate Dispute (MID) Dataset, 1816-2001." International Studies '
    "Quarterly 60(4): 719-730.",
    "No licence stated; a derivative of COW MID (COW terms apply to the COW parts). This "
    "corpus holds rows of a file the user supplied: keep it for your own use.",
)

#: MID highest action (HiAct) -> (event type, the codebook's words)
HIGHEST_ACTION: dict[int, tuple[str, str]] = {
    1: ("threat_of_force", "threat to use force"),
    2: ("threat_of_force", "threat to blockade"),
    3: ("threat_of_force", "threat to occupy territory"),
    4: ("threat_of_force", "threat to declare war"),
    5: ("threat_of_force", "threat to use CBR weapons"),
    6: ("threat_of_force", "threat to join war"),
    7: ("show_of_force", "show of force"),
    8: ("alert", "alert"),
    9: ("alert", "nuclear alert"),
    10: ("mobilization", "mobilization"),
    11: ("border_fortification", "fortify border"),
    12: ("border_violation", "border violation"),
    # the codebook says "Blockade" (a use of force), not naval: not Article II's (docstring)
    13: ("blockade", "blockade"),
    14: ("occupation_of_territory", "occupation of territory"),
    15: ("seizure", "seizure"),
    16: ("attack", "attack"),
    17: ("clash", "clash"),
    18: ("declaration_of_war", "declaration of war"),
    19: ("attack", "use of CBR weapons"),
    20: ("interstate_war", "begin interstate war"),
    21: ("interstate_war", "join interstate war"),
}


def _lower(row: Row) -> dict[str, str]:
    return {k.lower(): v for k, v in row.values.items()}


def _span(v: dict[str, str]) -> tuple[str | None, str | None]:
    start = ymd(v.get("styear", ""), v.get("stmon", ""), v.get("stday", ""))
    end = ymd(v.get("endyear", ""), v.get("endmon", ""), v.get("endday", ""))
    return start, end


def _bounds(v: dict[str, str]) -> tuple[date, date] | None:
    """The first and last day a participant may have taken part (its coded span)."""
    start, end = _span(v)
    lo = date_bounds(start) if start else None
    hi = date_bounds(end) if end else lo
    if lo is None or hi is None:
        return None
    return lo[0], max(hi[1], lo[0])


def _overlap(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    """Two spans may share a day (an unknown span overlaps anything)."""
    return a is None or b is None or (a[0] <= b[1] and b[0] <= a[1])


def span_date(start: str, end: str | None, what: str) -> Json | str:
    """A range from the first day of ``start`` to the last day of ``end``."""
    lo = date_bounds(start)
    hi = date_bounds(end) if end else lo
    assert lo is not None and hi is not None
    if hi[1] < lo[0]:
        hi = lo
    if lo[0] == hi[1]:
        return lo[0].isoformat()
    return {
        "earliest": lo[0].isoformat(),
        "latest": hi[1].isoformat(),
        "text": f"{start} – {end or start} ({what})",
    }


def import_mid(paths: list[Path], aliases: AliasTable) -> Import:
    """Import MID participant-level (required) and dispute-level (optional) files."""
    participants: list[Row] = []
    disputes: dict[str, Row] = {}
    info = COW_INFO
    headers: dict[str, str] = {}
    read = 0
    for path in paths:
        head = set(sniff_header(path))
        header, rows = read_rows(path)
        headers[path.name] = header
        read += len(rows)
        if "gml" in path.name.lower() or any(
            h.startswith("gml") for h in (r.get("version") for r in rows[:1])
        ):
            info = GML_INFO
        if {"ccode", "sidea", "hiact"} <= head:
            participants += rows
        elif {"hiact", "numa", "styear"} <= head:
            for r in rows:
                v = _lower(r)
                disputes[v.get("dispnum3") or v.get("dispnum", "")] = r
        else:
            raise DatasetError(
                f"{path}: not a MID dispute-level (MIDA) or participant-level (MIDB) file"
            )
    if not participants:
        raise DatasetError("import mid: the participant-level file (MIDB) is required")
    imp = Import("mid", info, aliases)
    imp.headers.update(headers)
    imp.report.files = [p.name for p in paths]
    imp.report.read = read
    by_dispute: dict[str, list[tuple[Row, dict[str, str]]]] = {}
    for r in participants:
        v = _lower(r)
        by_dispute.setdefault(v.get("dispnum3") or v.get("dispnum", ""), []).append((r, v))
    for disp, prows in by_dispute.items():
        _dispute(imp, disp, prows, disputes.get(disp))
    imp.report.mapped["actors"] = len(imp.actors)
    imp.report.notes.append(
        "MIDB codes each participant's span and highest action in the dispute, not against "
        "whom or on which day it was taken: an event's targets are the states on the other "
        "side that took part at the same time (not necessarily states it fought), dated to the "
        "days both took part; for who fought whom, import the dyadic file (foedus import "
        "dyadic-mid)"
    )
    return imp


class _Part(NamedTuple):
    """One participant row, as the other rows see it: actor, side, span and row."""

    actor: str
    side: str
    bounds: tuple[date, date] | None
    start: str | None
    end: str | None
    row: Row


def _common(me: _Part, them: _Part) -> tuple[date, date, str | None, str | None] | None:
    """The days ``me`` and ``them`` both took part (first and last day, and the start and end
    as written in the row that sets each), or None when their spans do not meet. An unknown
    span overlaps anything and leaves ``me``'s own."""
    if me.bounds is None:
        return None
    if them.bounds is None:
        return (*me.bounds, me.start, me.end)
    if not _overlap(me.bounds, them.bounds):
        return None
    first = me if me.bounds[0] >= them.bounds[0] else them
    last = me if me.bounds[1] <= them.bounds[1] else them
    assert first.bounds is not None and last.bounds is not None
    return first.bounds[0], last.bounds[1], first.start, last.end or last.start


def _dispute(
    imp: Import, disp: str, rows: list[tuple[Row, dict[str, str]]], arow: Row | None
) -> None:
    parts: list[_Part] = []
    for r, v in rows:
        # named by its COW letter code (StAbb), kept as an alias where safe (own_names)
        actor = imp.actor(imp.aliases.resolve(cow=v.get("ccode")), ref=r.ref, named=v.get("stabb"))
        side = "1" if v.get("sidea", "").strip() == "1" else "0"
        parts.append(_Part(actor, side, _bounds(v), *_span(v), r))
    a_quote = [imp.cite(arow)] if arow is not None else []
    later: list[tuple[Json, str]] = []  # events split off a row, named after the dispute's
    for (r, v), me in zip(rows, parts, strict=True):
        actor = me.actor
        try:
            hiact = int(v.get("hiact", "").strip())
        except ValueError:
            hiact = -9
        if hiact not in HIGHEST_ACTION:
            imp.report.skip(
                f"no militarized action by this participant (highest action {hiact})", r.ref
            )
            continue
        etype, words = HIGHEST_ACTION[hiact]
        start, ok = imp.when(
            r, v.get("styear", ""), v.get("stmon", ""), v.get("stday", ""), "start"
        )
        if not ok:
            continue
        end, ok = imp.when(r, v.get("endyear", ""), v.get("endmon", ""), v.get("endday", ""), "end")
        if not ok:
            continue
        if start is None:
            imp.report.skip("no start year", r.ref)
            continue
        # only the other side's rows: SideA says which side each participant is on
        other = [p for p in parts if p.side != me.side and p.actor != actor]
        if not other:
            imp.report.skip("no state on the other side", r.ref)
            continue
        # the opponents taking part at the same time, by the days both took part
        spans: dict[tuple[date, date], tuple[str | None, str | None, list[_Part]]] = {}
        for p in other:
            common = _common(me, p)
            if common is not None:
                spans.setdefault(common[:2], (common[2], common[3], []))[2].append(p)
        targets = {p.actor for ps in spans.values() for p in ps[2]}
        dropped = {p.actor for p in other} - targets
        if dropped:
            imp.report.mapped["opponents left out of targets (participation not overlapping)"] += (
                len(dropped)
            )
        if not spans:
            imp.report.skip(
                "no state on the other side took part while this participant did", r.ref
            )
            continue
        name = imp.actors[actor]["name"]
        role = (
            "side A (the side that took the first militarized action)"
            if me.side == "1"
            else "side B"
        )
        if v.get("orig", "").strip() == "1":
            role += ", an originator"
        # the longest common span keeps the row's id (its own span, when an opponent took
        # part throughout); each other span, by date, is an event named after its first target
        longest = min(spans, key=lambda k: (k[0] - k[1], k[0], k[1]))
        order = [longest, *sorted(k for k in spans if k != longest)]  # the rest by date
        if len(order) > 1:
            imp.report.mapped[
                "participant rows split by their opponents' participation (an event per span)"
            ] += 1
        for k, key in enumerate(order):
            s_text, e_text, opps = spans[key]
            own = me.bounds is None or key == me.bounds
            tnames = list(dict.fromkeys(p.actor for p in opps))
            if own:
                what = (
                    f"{name}'s participation in MID {disp}; the day of its highest action is "
                    "not coded"
                )
                when = span_date(start, end, what)
            else:
                names = ", ".join(imp.actors[t]["name"] for t in tnames)
                what = (
                    f"the days both {name} and {names} took part in MID {disp}; the day of "
                    f"{name}'s highest action is not coded"
                )
                when = span_date(s_text or start, e_text, what)
            theirs = [] if own else [p for p in opps if p.row is not r]
            event: Json = {
                "id": None,
                "type": etype,
                "date": when,
                "actors": [actor],
                "targets": tnames,
                "summary": f"{name}'s highest action in militarized interstate dispute {disp}: "
                f"{words} (MID action {hiact}); {role}",
                "sources": [imp.cite(r), *a_quote, *(imp.cite(p.row) for p in theirs)],
                "notes": f"MID participant row {r.ref}"
                + (f"; dispute row {arow.ref}" if arow is not None else "")
                + f"; side A = {v.get('sidea', '').strip()}, originator = "
                f"{v.get('orig', '').strip()}, hostility level "
                f"{v.get('hostlev', '').strip()}, revisionist "
                f"{v.get('revstate', '').strip()}"
                + (
                    "; dated to the days the targets also took part (their rows: "
                    + ", ".join(p.row.ref for p in theirs)
                    + ")"
                    if theirs
                    else ""
                ),
            }
            if not own:
                imp.report.mapped[
                    "events dated to the days their targets took part (not the actor's whole span)"
                ] += 1
            if len(order) > 1:
                event["notes"] += (
                    f"; one of {len(order)} events of this row, one per span in which "
                    "opponents took part (the row codes one highest action, not against whom)"
                )
            if k == 0:
                event["id"] = imp.new_id(f"mid-{disp}-{actor}")
            else:
                later.append((event, f"mid-{disp}-{actor}-{tnames[0]}"))
            imp.events.append(event)
            imp.count(event, f"{etype} events", "events")
    for event, base in later:
        event["id"] = imp.new_id(base)
