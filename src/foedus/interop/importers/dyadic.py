"""``foedus import dyadic-mid``: COW Dyadic MID 4.02 (who against whom, with the dyad's days).

The file has one row per directed dyad (``statea`` against ``stateb``) per calendar year of its
dispute. Each directed dyad whose ``statea`` took a militarized action against ``stateb`` becomes
one event: actor ``statea``, target ``stateb``, date the dyad's own days (``strtyr``/``strtmnth``/
``strtday`` to ``endyear``/``endmnth``/``endday``, a range: the day of the action is not coded),
type ``statea``'s highest action against ``stateb``. The action is read from ``mid5hiacta``, the
MID5-aligned highest action on the MIDA/MIDB 0-21 scale (table
:data:`~foedus.interop.importers.mid.HIGHEST_ACTION`); the file's own ``highmcaa`` is on another
scale (values 22 and 23 occur) and is kept in the notes only. A dyad with action 0 in every year
is skipped with that reason.

A dyad is the file's ``dyindex`` (one per pair of states and spell within the dispute): in MID
257 the United States and Austria-Hungary have four (December 1915, January 1917, December 1917,
October 1918), each its own event. ``mid5hiacta`` is coded per year (``year``), so the dyad's
highest action is the highest of its years: China against Canada in MID 51 is 0 in 1950 and 20
in 1951-53 (an interstate war, not "no action"). Its days run from its earliest year's start to
its latest year's end. The dyad's first row is quoted, and the row of its highest action when
that is another; the lines of its other years are named in the notes.
"""

from __future__ import annotations

from pathlib import Path

from foedus.interop.aliases import AliasTable
from foedus.interop.importers.base import DatasetError, DatasetInfo, Import, Row, sniff_header
from foedus.interop.importers.mid import HIGHEST_ACTION, span_date
from foedus.interop.importers.states import COW_TERMS

INFO = DatasetInfo(
    "cow-dyadic-mid",
    "COW Dyadic Militarized Interstate Disputes (MID) v4.02",
    "Maoz, Zeev, Paul L. Johnson, Jasper Kaplan, Fiona Ogunkoya, and Aaron Shreve. 2019. "
    '"The Dyadic Militarized Interstate Disputes (MIDs) Dataset Version 3.0: Logic, '
    'Characteristics, and Comparisons to Alternative Datasets." Journal of Conflict '
    "Resolution.",
    COW_TERMS,
    "https://correlatesofwar.org",
)

COLUMNS = {"disno", "statea", "stateb", "strtyr", "endyear", "mid5hiacta"}


def import_dyadic_mid(paths: list[Path], aliases: AliasTable) -> Import:
    """Import a COW Dyadic MID file (``dyadic_mid_4.02.csv``)."""
    imp = Import("dyadic-mid", INFO, aliases)
    rows: list[Row] = []
    for path in paths:
        if not COLUMNS <= set(sniff_header(path)):
            raise DatasetError(
                f"{path}: not a COW Dyadic MID file (columns {', '.join(sorted(COLUMNS))})"
            )
        rows += imp.read(path)
    # a dyad: its dyindex (the file's own, one per pair and spell); without one, the pair
    dyads: dict[tuple[str, str, str, str], list[Row]] = {}
    for r in rows:
        key = (
            r.get("disno").strip(),
            r.get("statea").strip(),
            r.get("stateb").strip(),
            r.get("dyindex").strip(),
        )
        dyads.setdefault(key, []).append(r)
    for (disno, a, b, _), group in dyads.items():
        _dyad(imp, disno, a, b, group)
    imp.report.mapped["actors"] = len(imp.actors)
    return imp


def _action(r: Row) -> int:
    """A dyad-year row's ``mid5hiacta`` (-9 when not a number)."""
    try:
        return int(r.get("mid5hiacta").strip())
    except ValueError:
        return -9


def _year(r: Row) -> int:
    """A dyad-year row's ``year`` (0 when not a number), for ordering a dyad's years."""
    year = r.get("year").strip()
    return int(year) if year.isdigit() else 0


def _dyad(imp: Import, disno: str, a: str, b: str, group: list[Row]) -> None:
    group = sorted(group, key=_year)  # stable: the file's order within a year
    first, last = group[0], group[-1]
    if len(group) > 1:
        imp.report.mapped["dyad-year rows merged into their dyad's event"] += len(group) - 1
    # the dyad's highest action over its years (the first year coded so, when several are)
    top = max(group, key=lambda r: (_action(r) in HIGHEST_ACTION, _action(r)))
    act = _action(top)
    if act not in HIGHEST_ACTION:
        imp.report.skip(
            f"no militarized action by state A against state B (mid5hiacta {act})", first.ref
        )
        return
    start, ok = imp.when(
        first, first.get("strtyr"), first.get("strtmnth"), first.get("strtday"), "start"
    )
    if not ok:
        return
    end, ok = imp.when(last, last.get("endyear"), last.get("endmnth"), last.get("endday"), "end")
    if not ok:
        return
    if start is None:
        imp.report.skip("no start year", first.ref)
        return
    namea, nameb = first.get("namea"), first.get("nameb")  # COW letter codes
    actor = imp.actor(imp.aliases.resolve(cow=a, name=namea or None), ref=first.ref, named=namea)
    target = imp.actor(imp.aliases.resolve(cow=b, name=nameb or None), ref=first.ref, named=nameb)
    if actor == target:
        imp.report.skip("state A and state B are the same actor", first.ref)
        return
    etype, words = HIGHEST_ACTION[act]
    name, tname = imp.actors[actor]["name"], imp.actors[target]["name"]
    when = span_date(
        start, end, f"the dyad {name}-{tname} in MID {disno}; the day of the action is not coded"
    )
    side = "side A (the initiating side)" if first.get("sideaa").strip() == "1" else "side B"
    lines = ", ".join(str(r.line) for r in group)
    by_year = ", ".join(f"{r.get('year').strip()} {_action(r)}" for r in group)
    for r in group:
        imp.keep(r)
    sources = [imp.cite(first)] + ([imp.cite(top)] if top is not first else [])
    event = {
        "id": imp.new_id(f"dymid-{disno}-{actor}-{target}"),
        "type": etype,
        "date": when,
        "actors": [actor],
        "targets": [target],
        "summary": f"{name}'s highest action against {tname} in militarized interstate "
        f"dispute {disno}: {words} (MID action {act}); {name} on {side}",
        "sources": sources,
        "notes": f"Dyadic MID rows {first.file} lines {lines} (one per year; mid5hiacta by "
        f"year: {by_year}); highest mid5hiacta {act} (line {top.line}), highmcaa "
        f"{top.get('highmcaa').strip()}, war {top.get('war').strip()}, "
        f"sideaa {first.get('sideaa').strip()}, dyindex {first.get('dyindex').strip()}",
    }
    imp.events.append(event)
    imp.count(event, f"{etype} events", "events")
