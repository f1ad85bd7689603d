"""``foedus import territorial-change``: COW Territorial Change (``tc2018.csv``) as events.

Each row is one transfer of territory: the gainer is the event's actor, the loser (when it is
a state, not 0) its target; the date is the row's year and month (the month as a range of
days). ``procedur`` gives the type:

======== ============ =====================
procedur meaning      event type
======== ============ =====================
1        conquest     annexation
2        annexation   annexation
3        cession      cession
4        secession    secession
5        unification  unification
6        mandate      administration
-9       n/a          other
======== ============ =====================
"""

from __future__ import annotations

from pathlib import Path

from foedus.interop.aliases import AliasTable
from foedus.interop.importers.base import (
    DatasetError,
    DatasetInfo,
    Import,
    sniff_header,
    ymd,
)
from foedus.interop.importers.states import COW_TERMS

INFO = DatasetInfo(
    "cow-territorial-change",
    "COW Territorial Change, 1816-2018 (v6)",
    'Tir, Jaroslav, Philip Schafer, Paul Diehl, and Gary Goertz. 1998. "Territorial Changes, '
    '1816-1996: Procedures and Data." Conflict Management and Peace Science 16: 89-97. Data: '
    "Correlates of War Project, Territorial Change v6.",
    COW_TERMS,
    "https://correlatesofwar.org",
)

PROCEDURES = {
    "1": ("annexation", "conquest"),
    "2": ("annexation", "annexation"),
    "3": ("cession", "cession"),
    "4": ("secession", "secession"),
    "5": ("unification", "unification"),
    "6": ("administration", "mandate"),
}


def import_territorial(paths: list[Path], aliases: AliasTable) -> Import:
    """Import COW Territorial Change rows."""
    imp = Import("territorial-change", INFO, aliases)
    for path in paths:
        head = set(sniff_header(path))
        if not {"gainer", "loser", "procedur", "number"} <= head:
            raise DatasetError(f"{path}: not a COW Territorial Change file (tc2018.csv)")
        rows = imp.read(path)
        for r in rows:
            when = ymd(r.get("year"), r.get("month"))
            if when is None:
                imp.report.skip("no year", r.ref)
                continue
            gainer = r.get("gainer").strip()
            if gainer in ("", "0", "-9", "."):
                imp.report.skip("no gainer", r.ref)
                continue
            etype, word = PROCEDURES.get(r.get("procedur").strip(), ("other", "transfer"))
            actor = imp.actor(aliases.resolve(cow=gainer), ref=r.ref)
            loser = r.get("loser").strip()
            targets = []
            if loser not in ("", "0", "-9", ".") and loser != gainer:
                targets.append(imp.actor(aliases.resolve(cow=loser), ref=r.ref))
            entity = r.get("entity").strip()
            name = imp.actors[actor]["name"]
            what = f"territory of {imp.actors[targets[0]]['name']}" if targets else "territory"
            if entity not in (gainer, loser):
                what += f" (COW entity {entity})"
            flags = [
                f
                for f, col in (
                    ("the gainer entered the state system", "entry"),
                    ("the loser left the state system", "exit"),
                    ("with military conflict", "conflict"),
                )
                if r.get(col).strip() == "1"
            ]
            number = r.get("number").strip()
            imp.events.append(
                {
                    "id": imp.new_id(f"tc-{number}-{etype}"),
                    "type": etype,
                    "date": when,
                    "actors": [actor],
                    "targets": targets,
                    "summary": f"{name} gains {what} by {word} (COW territorial change {number}"
                    + (": " + ", ".join(flags) if flags else "")
                    + ")",
                    "sources": [imp.cite(r)],
                    "notes": f"COW Territorial Change {r.ref}: procedur {r.get('procedur')}, "
                    f"area {r.get('area')} km2, population {r.get('pop')}",
                }
            )
            imp.report.mapped[f"{etype} events"] += 1
    imp.report.mapped["actors"] = len(imp.actors)
    return imp
