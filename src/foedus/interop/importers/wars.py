"""``foedus import wars``: COW Inter-State Wars v4.0 (one row per state in a war).

Each participant's spell in a war (``StartYear1``.. ``EndYear1``, and ``StartYear2``..
``EndYear2`` after a break) becomes one event: actor the participant, targets the states on
the other ``Side`` whose own spells overlap it, date the spell as a range from its first to its
last day (the day of any single act is not coded). Its type follows the codebook's
``Initiator`` ("whether the state initiated the war": 1 = yes, 2 = no):

- an initiator's first spell, its entry into the war, is ``interstate_war`` (category
  ``attack``: an act of Article II of the 1933 Convention, so the aggressor rule counts it);
- a non-initiator's spell, and an initiator's spell after a break in the fighting (who resumed
  it is not coded), is ``clash`` (an armed clash: in ``use-of-force`` and
  ``militarized-action``, not an act of Article II). COW says who initiated the war, not who
  struck first between each pair of states, so no act is written for a state that did not.

The summary and notes say which, from the row. Dates of -7 (ongoing), -8 (not applicable) and
-9 (unknown) are read as missing; a year written but not a year skips the row with that reason.
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


def _spells(imp: Import, r: Row) -> list[Spell] | None:
    """A row's spells; None when a date value is not one (the row skipped with the reason)."""
    out: list[Spell] = []
    for k in ("1", "2"):
        start, ok = imp.when(
            r,
            r.get(f"StartYear{k}"),
            r.get(f"StartMonth{k}"),
            r.get(f"StartDay{k}"),
            f"spell {k} start",
        )
        if not ok:
            return None
        end, ok = imp.when(
            r, r.get(f"EndYear{k}"), r.get(f"EndMonth{k}"), r.get(f"EndDay{k}"), f"spell {k} end"
        )
        if not ok:
            return None
        if start is None:
            continue
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


#: The codebook's ``Initiator``: "whether the state initiated the war"
INITIATOR = {"1": "yes", "2": "no"}


def _war(imp: Import, num: str, group: list[Row]) -> None:
    people: list[tuple[Row, str, str, list[Spell]]] = []
    for r in group:
        spells = _spells(imp, r)
        if spells is None:
            continue
        actor = imp.actor(
            imp.aliases.resolve(cow=r.get("ccode").strip(), name=r.get("StateName") or None),
            ref=r.ref,
            named=r.get("StateName"),
        )
        people.append((r, actor, r.get("Side").strip(), spells))
    for r, actor, side, spells in people:
        if not spells:
            imp.report.skip("no start year", r.ref)
            continue
        name = imp.actors[actor]["name"]
        war = r.get("WarName").strip()
        code = r.get("Initiator").strip()
        if code not in INITIATOR:
            imp.report.skip(
                f"Initiator {code!r} is not 1 (yes) or 2 (no) (row kept, read as not an initiator)",
                r.ref,
            )
        initiated = code == "1"
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
            if initiated and k == 1:
                etype, role = "interstate_war", "an initiator of the war"
                why = "the initiator's entry into the war: an act (attack)"
            elif initiated:
                etype = "clash"
                role = "an initiator of the war; fighting resumed after a break, by whom not coded"
                why = "a spell after a break in the fighting, who resumed it not coded: not an act"
            else:
                etype, role = "clash", "not an initiator of the war"
                why = "a participant that did not initiate the war: not an act"
            event = {
                "id": imp.new_id(f"war-{num}-{actor}" + (f"-{k}" if k > 1 else "")),
                "type": etype,
                "date": when,
                "actors": [actor],
                "targets": targets,
                "summary": f"{name} at war in COW inter-state war {num}, {war} "
                f"(side {side}; {role})",
                "sources": [imp.cite(r)],
                "notes": f"COW war row {r.ref}; spell {k}; Side {side}, Initiator "
                f"{code}, Outcome {r.get('Outcome').strip()}, "
                f"BatDeath {r.get('BatDeath').strip()}; imported as {etype}: {why}",
            }
            imp.events.append(event)
            imp.count(event, "events", f"{etype} events")
