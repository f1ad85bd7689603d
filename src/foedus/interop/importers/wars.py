"""``foedus import wars``: COW Inter-State Wars v4.0 (one row per state in a war).

Each participant's spell in a war (``StartYear1``.. ``EndYear1``, and ``StartYear2``..
``EndYear2`` after a break) becomes one ``interstate_war`` event: actor the participant, targets
the states on the other ``Side`` whose own spells overlap it, date the spell as a range from its
first to its last day (the day of any single act is not coded). The summary names the war and
whether the state initiated it (the codebook's ``Initiator``: 1 = yes, 2 = no). Dates of -7
(ongoing), -8 (not applicable) and -9 (unknown) are read as missing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from foedus.interop.aliases import AliasTable
from foedus.interop.importers.base import (
    DatasetError,
    DatasetInfo,
    Import,
    Row,
    date_bounds,
    sniff_header,
    ymd,
)
from foedus.interop.importers.mid import span_date
from foedus.interop.importers.states import COW_TERMS

INFO = DatasetInfo(
    "cow-wars",
    "COW Inter-State War Data v4.0",
    "Sarkees, Meredith Reid and Frank Wayman. 2010. Resort to War: 1816-2007. Washington, DC: "
    "CQ Press.",
    COW_TERMS,
    "https://correlatesofwar.org",
)

COLUMNS = {"warnum", "warname", "ccode", "side", "startyear1", "endyear1", "initiator"}

Spell = tuple[str, str | None, tuple[date, date] | None]


def _spells(r: Row) -> list[Spell]:
    out: list[Spell] = []
    for k in ("1", "2"):
        start = ymd(r.get(f"StartYear{k}"), r.get(f"StartMonth{k}"), r.get(f"StartDay{k}"))
        if start is None:
            continue
        end = ymd(r.get(f"EndYear{k}"), r.get(f"EndMonth{k}"), r.get(f"EndDay{k}"))
        lo, hi = date_bounds(start), date_bounds(end) if end else None
        assert lo is not None
        out.append((start, end, (lo[0], max(hi[1], lo[0]) if hi else date.max)))
    return out


def import_wars(paths: list[Path], aliases: AliasTable) -> Import:
    """Import the COW inter-state war file (``Inter-StateWarData_v4.0.csv``)."""
    imp = Import("wars", INFO, aliases)
    rows: list[Row] = []
    for path in paths:
        if not COLUMNS <= set(sniff_header(path)):
            raise DatasetError(
                f"{path}: not the COW inter-state war file (columns "
                f"{', '.join(sorted(COLUMNS))}); intra-state wars have no state on both sides"
            )
        rows += imp.read(path)
    wars: dict[str, list[Row]] = {}
    for r in rows:
        wars.setdefault(r.get("WarNum").strip(), []).append(r)
    for num, group in wars.items():
        _war(imp, num, group)
    imp.report.mapped["actors"] = len(imp.actors)
    return imp


def _overlap(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    return a is None or b is None or (a[0] <= b[1] and b[0] <= a[1])


def _war(imp: Import, num: str, group: list[Row]) -> None:
    people: list[tuple[Row, str, str, list[Spell]]] = []
    for r in group:
        actor = imp.actor(
            imp.aliases.resolve(cow=r.get("ccode").strip(), name=r.get("StateName") or None),
            ref=r.ref,
        )
        people.append((r, actor, r.get("Side").strip(), _spells(r)))
    for r, actor, side, spells in people:
        if not spells:
            imp.report.skip("no start year", r.ref)
            continue
        name = imp.actors[actor]["name"]
        war = r.get("WarName").strip()
        initiated = r.get("Initiator").strip() == "1"
        for k, (start, end, span) in enumerate(spells, 1):
            targets: list[str] = []
            for _, other, oside, ospells in people:
                if oside == side or other == actor or other in targets:
                    continue
                if any(_overlap(span, b) for _, _, b in ospells):
                    targets.append(other)
            if not targets:
                imp.report.skip(
                    "no state on the other side at war while this participant was", r.ref
                )
                continue
            when = span_date(start, end, f"{name}'s participation in war {num} ({war}), spell {k}")
            role = "an initiator of the war" if initiated else "not an initiator of the war"
            imp.events.append(
                {
                    "id": imp.new_id(f"war-{num}-{actor}" + (f"-{k}" if k > 1 else "")),
                    "type": "interstate_war",
                    "date": when,
                    "actors": [actor],
                    "targets": targets,
                    "summary": f"{name} at war in COW inter-state war {num}, {war} "
                    f"(side {side}; {role})",
                    "sources": [imp.cite(r)],
                    "notes": f"COW war row {r.ref}; spell {k}; Side {side}, Initiator "
                    f"{r.get('Initiator').strip()}, Outcome {r.get('Outcome').strip()}, "
                    f"BatDeath {r.get('BatDeath').strip()}",
                }
            )
            imp.report.mapped["events"] += 1
