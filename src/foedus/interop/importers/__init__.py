"""Importers: real datasets into corpus folders (``foedus import KIND FILE... -o CORPUS``).

>>> sorted(IMPORTERS)
['atop', 'dyadic-mid', 'events', 'mid', 'states', 'territorial-change', 'treaties', 'wars']
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from foedus.interop.aliases import AliasTable
from foedus.interop.importers.atop import import_atop
from foedus.interop.importers.base import DatasetError, Import, Json, Report, iter_files
from foedus.interop.importers.dyadic import import_dyadic_mid
from foedus.interop.importers.events import import_events
from foedus.interop.importers.mid import import_mid
from foedus.interop.importers.states import import_states
from foedus.interop.importers.territorial import import_territorial
from foedus.interop.importers.treaties import import_treaties
from foedus.interop.importers.wars import import_wars
from foedus.interop.importers.write import corpus_actors, starts_after, write_corpus

IMPORTERS: dict[str, Callable[..., Import]] = {
    "states": import_states,
    "atop": import_atop,
    "treaties": import_treaties,
    "territorial-change": import_territorial,
    "mid": import_mid,
    "dyadic-mid": import_dyadic_mid,
    "wars": import_wars,
    "events": import_events,
}


def run_import(
    kind: str,
    files: list[Path],
    out: Path,
    only: list[str] | None = None,
    aliases: AliasTable | None = None,
) -> dict[str, Any]:
    """Import ``files`` as dataset ``kind`` into the corpus folder ``out``.

    ``only``: keep only facts that involve one of these actors (any name or code the alias
    table knows). Returns ``{"report": ..., "corpus": ..., "written": [...]}``.
    """
    if kind not in IMPORTERS:
        raise DatasetError(f"unknown import kind {kind!r}; kinds: {', '.join(IMPORTERS)}")
    table = aliases or AliasTable.bundled()
    paths = list(iter_files(files))
    asked = {n: table.resolve(name=n, iso=n, cow=n if n.isdigit() else None) for n in only or []}
    keep = {a.id for a in asked.values()} if only else None
    if kind == "treaties":
        imp = IMPORTERS[kind](paths, table, keep)
    elif kind == "territorial-change":  # its entities may be actors of the corpus
        imp = IMPORTERS[kind](paths, table, corpus_actors(out))
    else:
        imp = IMPORTERS[kind](paths, table)
    _known_only(asked, imp, table)
    if keep is not None and kind != "treaties":
        _restrict(imp, keep)
    starts = starts_after(out, imp) if out.is_dir() else dict(imp.existed_from)
    _respect_existence(imp, starts)
    own_names(imp, out)
    earlier = _earlier_imports(imp, out, starts)
    written = write_corpus(out, imp, paths, earlier)
    return {"report": imp.report, **written}


def _known_only(asked: dict[str, Any], imp: Import, table: AliasTable) -> None:
    """An ``--only`` name that neither the alias table nor the dataset knows is refused,
    with the names nearest it: kept, it would write an empty corpus (exit 0)."""
    from foedus.errors import did_you_mean, suggest

    for name, alias in asked.items():
        if alias.known or alias.id in imp.actors:
            continue
        names = {r.name.lower(): r.name for r in table.rows}
        names.update(
            {str(v.get("name", k)).lower(): str(v.get("name", k)) for k, v in imp.actors.items()}
        )
        hint = did_you_mean(suggest(name, names))
        raise DatasetError(
            f"--only {name!r}: no actor of that name or code in the alias table or the "
            f"dataset{hint}"
        )


def _restrict(imp: Import, keep: set[str]) -> None:
    """Keep only the events and instruments that involve an actor of ``keep``."""
    kept_events = []
    for e in imp.events:
        if keep & {*e["actors"], *e.get("targets", [])}:
            kept_events.append(e)
        else:
            imp.drop(e)
            imp.report.skip("event not involving an actor asked for (--only)", _ref(e))
    imp.events = kept_events
    kept_instruments = []
    for i in imp.instruments:
        if keep & {p["actor"] for p in i["parties"]}:
            kept_instruments.append(i)
        else:
            imp.drop(i)
            imp.report.skip("instrument without a party asked for (--only)", _ref(i))
    imp.instruments = kept_instruments
    used = {a for e in imp.events for a in (*e["actors"], *e.get("targets", []))}
    used |= {p["actor"] for i in imp.instruments for p in i["parties"]}
    used |= {b for i in imp.instruments for c in i["clauses"] for b in c["norm"]["bearers"]}
    imp.actors = {k: v for k, v in imp.actors.items() if k in used}
    names = {str(a["name"]) for a in imp.actors.values()}
    for name in [n for n in imp.report.unresolved if n not in names]:
        del imp.report.unresolved[name]
    if "actors" in imp.report.mapped:
        imp.report.mapped["actors"] = len(imp.actors)
    imp.report.notes.append(
        f"kept after --only: {len(imp.instruments)} instruments, {len(imp.events)} events, "
        f"{len(imp.actors)} actors (the counts above are of what was kept)"
    )


def own_names(imp: Import, out: Path) -> None:
    """Make the names a file gives its actors (G&W's "Rumania", "Italy/Sardinia") aliases
    of the actor each row was mapped to, so that a user can ask about them by the file's own
    words, where that is safe: a name the alias table gives another actor ("German Federal
    Republic": ``west-germany``, where G&W's code 260 maps to ``germany``), or that the
    corpus in ``out`` or this import already gives another actor (by id, name, alias or
    code), or that the file gives several actors, is not made an alias: a name leads to one
    actor (``foedus validate``), and it is reported with the row that gives it."""
    from foedus.corpus.validate import name_key

    existing = corpus_actors(out)
    holders: dict[str, set[str]] = {}
    for a in [*existing, *imp.actors.values()]:
        words = (a.get("id"), a.get("name"), *(a.get("aliases") or []))
        codes = (*(a.get("iso3166") or []), *(a.get("cow") or []), *(a.get("wikidata") or []))
        for n in (*words, *codes):
            if n not in (None, ""):
                holders.setdefault(name_key(str(n)), set()).add(str(a["id"]))
    given: dict[str, set[str]] = {}  # a name's key -> the actors the file gives it
    for actor, names in imp.data_names.items():
        if actor in imp.actors:  # (not left out by --only)
            for n in names:
                given.setdefault(name_key(n), set()).add(actor)
    added: list[str] = []
    refused: list[str] = []
    for actor, names in imp.data_names.items():
        if actor not in imp.actors:
            continue
        for n, ref in names.items():
            key = name_key(n)
            if holders.get(key, set()) == {actor}:
                continue  # already a name of its actor
            listed = imp.aliases.by_name(n)
            others = sorted(holders.get(key, set()) - {actor})
            if listed is not None and listed.id != actor:
                why = f"the alias table's name of {listed.id}"
            elif others:
                why = f"a name of {', '.join(others)} in the corpus"
            elif len(given[key]) > 1:
                why = "the file gives it to " + ", ".join(sorted(given[key])) + " too"
            else:
                imp.actors[actor]["aliases"].append(n)
                holders[key] = {actor}
                added.append(f"{n} → {actor}")
                continue
            refused.append(f"{n!r} ({ref}, mapped to {actor}): {why}")

    def shown(items: list[str], most: int) -> str:
        more = len(items) - most
        return "; ".join(items[:most]) + (f"; and {more} more" if more > 0 else "")

    if added:
        made = (
            "names of the file made aliases" if len(added) > 1 else "name of the file made an alias"
        )
        imp.report.notes.append(
            f"{len(added)} {made} of the actor its row is mapped to: {shown(added, 6)}"
        )
    if refused:
        made = (
            "names of the file not made aliases"
            if len(refused) > 1
            else "name of the file not made an alias"
        )
        imp.report.notes.append(
            f"{len(refused)} {made} (a name leads to one actor): {shown(refused, 5)}"
        )


def _ref(record: Json) -> str:
    """Where a record comes from, for a report's examples: the first part of its notes."""
    return str(record.get("notes") or record.get("id", "")).split(";")[0]


#: Why a fact is not written: a state list says an actor did not exist yet.
BEFORE_ENTRY = "dated before an actor's first entry in the state list (existed_from)"
PARTY_BEFORE_ENTRY = "party joins before its first entry in the state list"


def _early(starts: dict[str, str], actor: str, when: Any) -> bool:
    """Every day of ``when`` is before ``actor``'s first day (as the corpus's check reads it)."""
    from foedus.interop.importers.base import date_bounds

    b = date_bounds(when)
    return actor in starts and b is not None and b[1].isoformat() < starts[actor]


def _respect_existence(imp: Import, starts: dict[str, str]) -> None:
    """Skip facts dated before an actor's first entry in the state list (the corpus would not
    validate: an actor cannot act before it exists), taking them off the counts."""
    if not starts:
        return
    kept = []
    for e in imp.events:
        if any(_early(starts, a, e["date"]) for a in (*e["actors"], *e.get("targets", []))):
            imp.drop(e)
            imp.report.skip(BEFORE_ENTRY, _ref(e))
            continue
        kept.append(e)
    imp.events = kept
    for ins in imp.instruments:
        parties = []
        for p in ins["parties"]:
            if _early(starts, p["actor"], p["date"]):
                imp.drop(p)
                imp.report.skip(PARTY_BEFORE_ENTRY, p.get("notes", ins["id"]))
                continue
            parties.append(p)
        ins["parties"] = parties


def _earlier_imports(imp: Import, out: Path, starts: dict[str, str]) -> dict[str, Json]:
    """A state list imported into a folder that holds other imports: their facts dated
    before an actor's first entry, which the corpus would refuse, are taken out of their
    files (and reported here), as the other importers skip them when the state list comes
    first. The files to rewrite, by name, with their new content; nothing is written here."""
    if not imp.existed_from or not out.is_dir():
        return {}
    from foedus.interop.importers.write import load_yaml

    rewrite: dict[str, Json] = {}
    for path in sorted(out.glob("events-*.yaml")) + sorted(out.glob("instruments-*.yaml")):
        kind = path.stem.split("-", 1)[1]
        if kind == imp.kind:
            continue
        key = path.stem.split("-", 1)[0]
        data = load_yaml(path) or {}
        records = data.get(key) or []
        changed = False
        if key == "events":
            kept = []
            for e in records:
                who = [*(e.get("actors") or []), *(e.get("targets") or [])]
                if any(_early(starts, a, e.get("date")) for a in who):
                    imp.report.skip(
                        f"{BEFORE_ENTRY}: an event of the {kind} import, taken out of {path.name}",
                        _ref(e),
                    )
                    changed = True
                    continue
                kept.append(e)
            records = kept
        else:
            for ins in records:
                parties = []
                for p in ins.get("parties") or []:
                    if _early(starts, p.get("actor", ""), p.get("date")):
                        imp.report.skip(
                            f"{PARTY_BEFORE_ENTRY}: a party of the {kind} import, "
                            f"taken out of {path.name}",
                            p.get("notes", ins["id"]),
                        )
                        changed = True
                        continue
                    parties.append(p)
                ins["parties"] = parties
        if changed:
            rewrite[path.name] = {key: records}
    return rewrite


__all__ = ["IMPORTERS", "Import", "DatasetError", "Report", "run_import"]
