"""``foedus import states``: state-system membership lists as actors and entry/exit events.

Formats (told apart by their header): COW State System Membership ``states2016.csv``;
Gleditsch–Ward ``gwstates.csv`` (dates ``DD.MM.YYYY``); ISD v2.2
``isd_2_2_update_reversedates.csv`` (ISO dates) and ISD v1 ``ISD_Version1_Dissemination.csv``
(dates ``D.M.YYYY``). Each spell becomes a ``state_entry`` event on its first day and, unless
it runs to the end of the data, a ``state_exit`` event on the day after its last day (an event
takes effect from its day, so the state is sovereign up to and including the last day).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from foedus.interop.aliases import AliasTable
from foedus.interop.importers.base import (
    DatasetError,
    DatasetInfo,
    Import,
    Row,
    day_after,
    read_rows,
    read_ymd,
    sniff_header,
)

COW_TERMS = (
    "Correlates of War terms: no commercial use; cite; no redistribution to third "
    "parties without written permission. This corpus holds rows of a file the user "
    "supplied: keep it for your own use, do not publish it."
)

FORMATS: dict[str, DatasetInfo] = {
    "cow": DatasetInfo(
        "cow-states2016",
        "COW State System Membership List, v2016",
        'Correlates of War Project. 2016. "State System Membership List, v2016." Online, '
        "http://correlatesofwar.org.",
        COW_TERMS,
        "https://correlatesofwar.org",
    ),
    "gw": DatasetInfo(
        "gw-states",
        "Gleditsch-Ward list of independent states",
        'Gleditsch, Kristian S. and Michael D. Ward. 1999. "Interstate System Membership: A '
        'Revised List of the Independent States since 1816." International Interactions 25(4): '
        "393-413. File from manystates (Hollway et al.), https://github.com/globalgov/manystates.",
        "CC BY 4.0 (manystates); cite the authors",
        "https://github.com/globalgov/manystates",
    ),
    "isd2": DatasetInfo(
        "isd-v2-2",
        "International System(s) Dataset (ISD) v2.2",
        'Griffiths, Ryan D. and Charles R. Butcher. 2013. "Introducing the International '
        'System(s) Dataset (ISD), 1816-2011." International Interactions 39(5): 748-768. File '
        "from manystates (Hollway et al.), https://github.com/globalgov/manystates.",
        "CC BY 4.0 (manystates); cite the authors",
        "https://github.com/globalgov/manystates",
    ),
    "isd1": DatasetInfo(
        "isd-v1",
        "International System(s) Dataset (ISD) v1",
        'Griffiths, Ryan D. and Charles R. Butcher. 2013. "Introducing the International '
        'System(s) Dataset (ISD), 1816-2011." International Interactions 39(5): 748-768. File '
        "from manystates (Hollway et al.), https://github.com/globalgov/manystates.",
        "CC BY 4.0 (manystates); cite the authors",
        "https://github.com/globalgov/manystates",
    ),
}


def detect(path: Path) -> str:
    """Which state list a file is: ``cow``, ``gw``, ``isd2`` or ``isd1``."""
    head = sniff_header(path)
    if {"ccode", "statenme", "styear"} <= set(head):
        return "cow"
    if "name of state" in head:
        return "gw"
    if {"cownum", "statename", "start", "end"} <= set(head):
        return "isd2"
    if "state name" in head and "start" in head:
        return "isd1"
    raise DatasetError(
        f"{path}: not a state list this importer reads (COW states2016, "
        "Gleditsch-Ward gwstates.csv, ISD v2.2 or ISD v1); header: " + ",".join(head[:8])
    )


def _dmy(text: str) -> date | None:
    parts = text.strip().split(".")
    if len(parts) != 3 or not all(x.strip().isdigit() for x in parts):
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


#: A day read from a state list, or why it is not one.
Day = tuple[date | None, str | None]


def _written(text: str, what: str, read: Callable[[str], date | None], form: str) -> Day:
    """A day written in one column (G&W, ISD), or why it is not one."""
    if not text.strip():
        return None, f"no {what} date"
    day = read(text)
    if day is None:
        return None, f"{what} date {text.strip()!r} is not a date ({form})"
    return day, None


def _columns(v: dict[str, str], cols: tuple[str, str, str], what: str) -> Day:
    """A day written in year, month and day columns (COW), or why it is not one."""
    year, month, day = (v.get(c, "") for c in cols)
    when, problem = read_ymd(year, month, day, what)
    if problem is not None:
        return None, problem
    if when is None:
        return None, f"no {what} year ({cols[0]} {v.get(cols[0], '')!r})"
    if len(when) != 10:
        return None, f"{what} date {when} is not a day (its month or day not given)"
    return date.fromisoformat(when), None


@dataclass
class Spell:
    """One spell of membership of a state list, as that list gives it."""

    code: str
    name: str
    start: date
    end: date
    row: Row


def spells(path: Path) -> tuple[str, list[Spell], list[tuple[Row, str]], str]:
    """The spells of a state list: (format, spells, rows not read with the reason, header).

    A row is not read when its first or last day is not a day (the reason says what is wrong
    with which value) or when its last day is before its first.
    """
    fmt = detect(path)
    header, rows = read_rows(path)
    out: list[Spell] = []
    bad: list[tuple[Row, str]] = []
    for r in rows:
        v = {k.lower(): x for k, x in r.values.items()}
        if fmt == "cow":
            code, name = v.get("ccode", ""), v.get("statenme", "")
            s, why_s = _columns(v, ("styear", "stmonth", "stday"), "start")
            e, why_e = _columns(v, ("endyear", "endmonth", "endday"), "end")
        else:
            if fmt == "gw":
                code, name = v.get("cow nr.", ""), v.get("name of state", "")
            elif fmt == "isd1":
                code, name = v.get("cow nr.", ""), v.get("state name", "")
            else:
                code, name = v.get("cownum", ""), v.get("statename", "")
            read, form = (_iso, "YYYY-MM-DD") if fmt == "isd2" else (_dmy, "DD.MM.YYYY")
            s, why_s = _written(v.get("start", ""), "start", read, form)
            e, why_e = _written(v.get("end", ""), "end", read, form)
        if s is None or e is None:
            bad.append((r, str(why_s or why_e)))
            continue
        if e < s:
            bad.append((r, f"spell ends ({e.isoformat()}) before it starts ({s.isoformat()})"))
            continue
        out.append(Spell(code, name, s, e, r))
    return fmt, out, bad, header


def resolve(aliases: AliasTable, fmt: str, spell: Spell):  # type: ignore[no-untyped-def]
    """The alias-table row of a spell's state (G&W numbers for G&W, COW numbers otherwise)."""
    if fmt == "gw":
        return aliases.by_gw(spell.code) or aliases.resolve(cow=spell.code, name=spell.name)
    return aliases.resolve(cow=spell.code, name=spell.name)


def import_states(paths: list[Path], aliases: AliasTable) -> Import:
    """Import one state list (one file)."""
    if len(paths) != 1:
        raise DatasetError("import states: give exactly one state-list file")
    path = paths[0]
    fmt, found, bad, header = spells(path)
    imp = Import("states", FORMATS[fmt], aliases)
    imp.report.files = [path.name]
    imp.headers[path.name] = header
    imp.report.read = len(found) + len(bad)
    for row, reason in bad:
        imp.report.skip(reason, row.ref)
    end_of_data = max((s.end for s in found), default=None)
    title = imp.info.title
    for s in found:
        actor = imp.actor(resolve(aliases, fmt, s), ref=s.row.ref, named=s.name)
        start = s.start.isoformat()
        if actor not in imp.existed_from or start < imp.existed_from[actor]:
            imp.existed_from[actor] = start
        quote = imp.cite(s.row)
        note = f"{s.row.ref}: code {s.code}, spell {start} - {s.end.isoformat()}"
        entry = {
            "id": imp.new_id(f"{imp.info.id}-{actor}-entry-{start}"),
            "type": "state_entry",
            "date": start,
            "actors": [actor],
            "summary": f"{s.name} enters the state system ({title})",
            "sources": [quote],
            "notes": note,
        }
        imp.events.append(entry)
        if s.end == end_of_data:
            imp.count(entry, "entries", "spells running to the end of the data (no exit)")
            continue
        imp.count(entry, "entries")
        exit_day = day_after(s.end.isoformat())
        leave = {
            "id": imp.new_id(f"{imp.info.id}-{actor}-exit-{exit_day}"),
            "type": "state_exit",
            "date": exit_day,
            "actors": [actor],
            "summary": f"{s.name} leaves the state system after {s.end.isoformat()}, its last "
            f"day as a member ({title})",
            "sources": [quote],
            "notes": note,
        }
        imp.events.append(leave)
        imp.count(leave, "exits")
    imp.report.mapped["actors"] = len(imp.actors)
    if end_of_data:
        imp.report.notes.append(
            f"end of data: {end_of_data.isoformat()} (a spell ending then "
            "is still running; no exit event)"
        )
    return imp
