"""``foedus import mid``: militarized interstate disputes (COW MID 4.x or GML MID 2.0).

Reads the participant-level file (MIDB: one row per state per dispute; required) and the
dispute-level file (MIDA; optional, cited beside each participant's row); COW's capitalised
and GML's lower-case headers are both read. Each participant whose highest action is not 0
becomes one event: its actor is the participant, its targets are the states on the other
side whose own participation overlaps its own (MID 258: the USSR's September 1939 row targets
Poland, not the states it fought from 1941), its type is the highest action (table
:data:`HIGHEST_ACTION`), and its date is the participant's own span in the dispute, as a
range: MID codes the highest action, not the day it was taken. Side A is the side that took
the first militarized action (the initiator).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

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
    13: ("naval_blockade", "blockade"),
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
    return imp


def _dispute(
    imp: Import, disp: str, rows: list[tuple[Row, dict[str, str]]], arow: Row | None
) -> None:
    sides: dict[str, list[tuple[str, tuple[date, date] | None]]] = {"1": [], "0": []}
    ids: list[str] = []
    for r, v in rows:
        # named by its COW letter code (StAbb), kept as an alias where safe (own_names)
        actor = imp.actor(imp.aliases.resolve(cow=v.get("ccode")), ref=r.ref, named=v.get("stabb"))
        ids.append(actor)
        side = "1" if v.get("sidea", "").strip() == "1" else "0"
        sides[side].append((actor, _bounds(v)))
    a_quote = [imp.cite(arow)] if arow is not None else []
    for (r, v), actor in zip(rows, ids, strict=True):
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
        side = "1" if v.get("sidea", "").strip() == "1" else "0"
        other = [(t, b) for t, b in sides["0" if side == "1" else "1"] if t != actor]
        if not other:
            imp.report.skip("no state on the other side", r.ref)
            continue
        mine = _bounds(v)
        targets: list[str] = []
        for t, b in other:
            if t not in targets and _overlap(mine, b):
                targets.append(t)
        dropped = {t for t, _ in other} - set(targets)
        if dropped:
            imp.report.mapped["opponents left out of targets (participation not overlapping)"] += (
                len(dropped)
            )
        if not targets:
            imp.report.skip(
                "no state on the other side took part while this participant did", r.ref
            )
            continue
        name = imp.actors[actor]["name"]
        role = (
            "side A (the side that took the first militarized action)" if side == "1" else "side B"
        )
        if v.get("orig", "").strip() == "1":
            role += ", an originator"
        when = span_date(
            start,
            end,
            f"{name}'s participation in MID {disp}; the day of its highest action is not coded",
        )
        event = {
            "id": imp.new_id(f"mid-{disp}-{actor}"),
            "type": etype,
            "date": when,
            "actors": [actor],
            "targets": targets,
            "summary": f"{name}'s highest action in militarized interstate dispute {disp}: "
            f"{words} (MID action {hiact}); {role}",
            "sources": [imp.cite(r), *a_quote],
            "notes": f"MID participant row {r.ref}"
            + (f"; dispute row {arow.ref}" if arow is not None else "")
            + f"; side A = {v.get('sidea', '').strip()}, originator = "
            f"{v.get('orig', '').strip()}, hostility level "
            f"{v.get('hostlev', '').strip()}, revisionist "
            f"{v.get('revstate', '').strip()}",
        }
        imp.events.append(event)
        imp.count(event, f"{etype} events", "events")
