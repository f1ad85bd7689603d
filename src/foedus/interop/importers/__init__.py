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
from foedus.interop.importers.base import DatasetError, Import, Report, iter_files
from foedus.interop.importers.dyadic import import_dyadic_mid
from foedus.interop.importers.events import import_events
from foedus.interop.importers.mid import import_mid
from foedus.interop.importers.states import import_states
from foedus.interop.importers.territorial import import_territorial
from foedus.interop.importers.treaties import import_treaties
from foedus.interop.importers.wars import import_wars
from foedus.interop.importers.write import write_corpus

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
    else:
        imp = IMPORTERS[kind](paths, table)
    _known_only(asked, imp, table)
    if keep is not None and kind != "treaties":
        _restrict(imp, keep)
    _respect_existence(imp, out)
    written = write_corpus(out, imp, paths)
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
    before = len(imp.events)
    imp.events = [e for e in imp.events if keep & {*e["actors"], *e.get("targets", [])}]
    n_ev = before - len(imp.events)
    before = len(imp.instruments)
    imp.instruments = [i for i in imp.instruments if keep & {p["actor"] for p in i["parties"]}]
    n_ins = before - len(imp.instruments)
    used = {a for e in imp.events for a in (*e["actors"], *e.get("targets", []))}
    used |= {p["actor"] for i in imp.instruments for p in i["parties"]}
    used |= {b for i in imp.instruments for c in i["clauses"] for b in c["norm"]["bearers"]}
    imp.actors = {k: v for k, v in imp.actors.items() if k in used}
    imp.report.notes.append(
        f"kept after --only: {len(imp.instruments)} instruments, {len(imp.events)} events, "
        f"{len(imp.actors)} actors (the counts above are before --only)"
    )
    if n_ev:
        imp.report.skipped["event not involving an actor asked for (--only)"] += n_ev
    if n_ins:
        imp.report.skipped["instrument without a party asked for (--only)"] += n_ins


def _respect_existence(imp: Import, out: Path) -> None:
    """Skip facts dated before an actor's first entry in a state list already imported into
    ``out`` (the corpus would not validate: an actor cannot act before it exists)."""
    from foedus.interop.importers.base import date_bounds
    from foedus.interop.importers.write import _load_yaml

    existing = (_load_yaml(out / "actors.yaml") or {}).get("actors") or [] if out.is_dir() else []
    starts = {a["id"]: str(a["existed_from"]) for a in existing if a.get("existed_from")}
    starts.update(imp.existed_from)
    if not starts:
        return

    def early(actor: str, when: Any) -> bool:
        b = date_bounds(when)
        return actor in starts and b is not None and b[1].isoformat() < starts[actor]

    kept = []
    for e in imp.events:
        if any(early(a, e["date"]) for a in (*e["actors"], *e.get("targets", []))):
            imp.report.skip(
                "dated before an actor's first entry in the state list (existed_from)",
                e["notes"].split(";")[0],
            )
            continue
        kept.append(e)
    imp.events = kept
    for ins in imp.instruments:
        parties = []
        for p in ins["parties"]:
            if early(p["actor"], p["date"]):
                imp.report.skip(
                    "party joins before its first entry in the state list",
                    p.get("notes", ins["id"]),
                )
                continue
            parties.append(p)
        ins["parties"] = parties


__all__ = ["IMPORTERS", "Import", "DatasetError", "Report", "run_import"]
