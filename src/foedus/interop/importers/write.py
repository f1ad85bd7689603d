"""Write an :class:`~foedus.interop.importers.base.Import` into a corpus folder.

Layout (several imports can share one folder; each replaces only its own files)::

    corpus.yaml                 name, title, and per import: dataset, files, citation, terms
    actors.yaml                 every actor, merged across imports (codes and names united)
    categories.yaml             the act categories of imported corpora (fixed)
    instruments-<kind>.yaml     what ``foedus import <kind>`` made
    events-<kind>.yaml
    sources/<dataset>.txt       the rows cited, verbatim
    perspectives.yaml, rules/   the rule library's foedus:base and foedus:de-facto (named,
                                not copied) plus rules/imported.rules (state-list entries
                                and exits)

The YAML is written block style with JSON-quoted strings (valid YAML, quick to write).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from foedus.interop.importers.base import DatasetError, Import, Json

IMPORTED_RULES = Path(__file__).resolve().parent.parent / "rules" / "imported.rules"

#: Act categories of imported corpora: the five acts of Article II of the 1933 Convention for
#: the Definition of Aggression, and groupings of MID/CAMEO militarized acts. The MID codebook's
#: acts are placed under Article II's by what they are: an occupation of territory (MID 14,
#: CAMEO 192: ``occupation_of_territory``, of some territory, not of the state as a whole) is
#: armed forces entering and holding another state's territory, an invasion; a war begun or
#: joined (MID 20, 21; a COW war) is sustained combat of regular armed forces, an attack by
#: land, sea or air forces. A clash (MID 17: the initiator is unclear), a seizure of material
#: or personnel (15) and the threats and displays (1-12) are not among Article II's acts, nor
#: is a blockade the codebook does not say is naval (13, ``blockade``: a use of force; Article
#: II's is a "naval blockade of coasts or ports").
CATEGORIES: list[Json] = [
    {
        "id": "declaration-of-war",
        "name": "Declaration of war",
        "event_types": ["declaration_of_war"],
    },
    {
        "id": "invasion",
        "name": "Invasion by armed forces (MID: occupation of territory)",
        "event_types": ["invasion", "occupation", "occupation_of_territory"],
    },
    {
        "id": "attack",
        "name": "Attack by land, sea or air forces (MID: attack, use of CBR weapons, war)",
        "event_types": ["attack", "interstate_war"],
    },
    {"id": "naval-blockade", "name": "Naval blockade", "event_types": ["naval_blockade"]},
    {
        "id": "support-for-armed-bands",
        "name": "Support for armed bands",
        "event_types": ["support_for_armed_bands"],
    },
    {
        "id": "aggression",
        "name": "Acts of aggression (the five acts of Article II, 1933)",
        "event_types": [
            "declaration_of_war",
            "invasion",
            "occupation",
            "occupation_of_territory",
            "attack",
            "interstate_war",
            "naval_blockade",
            "support_for_armed_bands",
        ],
    },
    {
        "id": "use-of-force",
        "name": "Use of armed force (MID actions 13-21, CAMEO 18-20)",
        "event_types": [
            "declaration_of_war",
            "invasion",
            "attack",
            "naval_blockade",
            "blockade",
            "support_for_armed_bands",
            "occupation",
            "occupation_of_territory",
            "seizure",
            "clash",
            "interstate_war",
            "annexation",
            "annexation_of_territory",
        ],
    },
    {
        "id": "threat-or-display-of-force",
        "name": "Threat or display of force (MID actions 1-12, CAMEO 138, 15)",
        "event_types": [
            "threat_of_force",
            "show_of_force",
            "alert",
            "mobilization",
            "border_fortification",
            "border_violation",
        ],
    },
    {
        "id": "militarized-action",
        "name": "Any militarized action (MID actions 1-21)",
        "event_types": [
            "threat_of_force",
            "show_of_force",
            "alert",
            "mobilization",
            "border_fortification",
            "border_violation",
            "naval_blockade",
            "blockade",
            "occupation",
            "occupation_of_territory",
            "seizure",
            "attack",
            "clash",
            "declaration_of_war",
            "interstate_war",
            "invasion",
            "support_for_armed_bands",
            "annexation",
            "annexation_of_territory",
        ],
    },
]
CATEGORY_NOTES = (
    "Categories of corpora made by `foedus import` (docs/data.md): the MID "
    "highest-action scale and CAMEO codes mapped onto foedus event types; MID occupation "
    "counts as an invasion and an interstate war as an attack (Article II, 1933); a MID "
    "blockade, which the codebook does not say is naval, is a use of force but not Article "
    "II's naval blockade."
)


# --------------------------------------------------------------------------- YAML


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    return json.dumps(str(v), ensure_ascii=False)


def _is_scalar(v: Any) -> bool:
    return not isinstance(v, dict | list)


def _emit(v: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(v, dict):
        for k, x in v.items():
            if _is_scalar(x):
                out.append(f"{pad}{k}: {_scalar(x)}")
            elif not x:
                out.append(f"{pad}{k}: {'[]' if isinstance(x, list) else '{}'}")
            elif isinstance(x, list) and all(_is_scalar(y) for y in x):
                out.append(f"{pad}{k}: [{', '.join(_scalar(y) for y in x)}]")
            elif isinstance(x, dict) and all(_is_scalar(y) for y in x.values()):
                inner = ", ".join(f"{a}: {_scalar(b)}" for a, b in x.items())
                out.append(f"{pad}{k}: {{{inner}}}")
            else:
                out.append(f"{pad}{k}:")
                _emit(x, indent + 2, out)
    elif isinstance(v, list):
        for x in v:
            if _is_scalar(x):
                out.append(f"{pad}- {_scalar(x)}")
                continue
            sub: list[str] = []
            _emit(x, indent + 2, sub)
            if sub:
                sub[0] = f"{pad}- " + sub[0][indent + 2 :]
            out += sub


def dump_yaml(data: Json, comment: str = "") -> str:
    """``data`` as block-style YAML with JSON-quoted strings."""
    out = [f"# {line}" if line else "#" for line in comment.splitlines()]
    _emit(data, 0, out)
    return "\n".join(out) + "\n"


def load_yaml(path: Path) -> Any:
    """A YAML file of a corpus folder (None when there is none); one that cannot be read is
    refused, naming it, before anything is written."""
    if not path.is_file():
        return None
    try:
        return YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except Exception as e:  # a file edited by hand: ruamel's errors are many kinds
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise DatasetError(f"{path}: cannot read the corpus file to add to it: {first}") from None


def corpus_actors(out: Path) -> list[Json]:
    """The actors of the corpus in the folder ``out`` (none when it has none yet)."""
    return list((load_yaml(out / "actors.yaml") or {}).get("actors") or [])


def starts_after(out: Path, imp: Import) -> dict[str, str]:
    """Each actor's ``existed_from`` as the corpus in ``out`` will hold it once ``imp`` is
    written: a state list gives its actors' first entries and replaces the state list
    imported before it (whose days are dropped); an actor's day that no state list gave (a
    corpus made by hand) is kept, the earlier of the two where both give one."""
    meta = load_yaml(out / "corpus.yaml") or {}
    replaced = bool(imp.existed_from) and any(i.get("kind") == imp.kind for i in _imports(meta))
    actors = corpus_actors(out)
    starts = (
        {}
        if replaced
        else {a["id"]: str(a["existed_from"]) for a in actors if a.get("existed_from")}
    )
    for actor, day in imp.existed_from.items():
        starts[actor] = min(starts.get(actor, day), day)
    return starts


# --------------------------------------------------------------------------- merging


def _merge_actor(old: Json, new: Json) -> Json:
    out = dict(old)
    for key in ("aliases", "iso3166", "cow", "wikidata"):
        vals = list(old.get(key) or [])
        vals += [v for v in new.get(key) or [] if v not in vals]
        if vals:
            out[key] = vals
    if new.get("existed_from") and (
        not old.get("existed_from") or str(new["existed_from"]) < str(old["existed_from"])
    ):
        out["existed_from"] = new["existed_from"]
    if "notes" in old and "notes" not in new:
        out.pop("notes")
    return out


def _aliases_yield_to_names(actors: dict[str, Json], imp: Import) -> None:
    """A name leads to one actor (``foedus validate``): an alias of one actor that is another
    actor's id or name is taken off the first, and reported. (A state list makes its file's
    names aliases, "United Provinces of Central America" of ``united-province-ca`` from G&W
    code 89; an import after it may make an actor of that name from its own data, ISD's
    code 89, which the alias table does not know.)"""
    from foedus.corpus.validate import name_key

    named = {name_key(str(n)): a["id"] for a in actors.values() for n in (a["id"], a["name"])}
    for a in actors.values():
        kept = []
        for alias in a.get("aliases") or []:
            owner = named.get(name_key(str(alias)))
            if owner is None or owner == a["id"]:
                kept.append(alias)
                continue
            imp.report.notes.append(
                f"alias {alias!r} taken off {a['id']}: it is the name of {owner} "
                "(a name leads to one actor)"
            )
        if a.get("aliases"):
            a["aliases"] = kept


def _imports(meta: Json | None) -> list[Json]:
    return list((meta or {}).get("imports") or [])


def write_corpus(
    out: Path, imp: Import, files: list[Path], earlier: dict[str, Json] | None = None
) -> Json:
    """Write ``imp`` into the corpus folder ``out`` (created or added to); what was written.

    ``earlier``: files of other imports to write anew (by name, their content), when a state
    list takes out their facts dated before an actor's first entry. Every file is made first
    and then written, so a file that cannot be read or made leaves the folder as it was.
    """
    meta = load_yaml(out / "corpus.yaml") or {}
    existing = corpus_actors(out)
    replaced = bool(imp.existed_from) and any(i.get("kind") == imp.kind for i in _imports(meta))
    imports = [i for i in _imports(meta) if i.get("kind") != imp.kind]
    info = imp.info
    imports.append(
        {
            "kind": imp.kind,
            "dataset": info.id,
            "title": info.title,
            "files": [f.name for f in files],
            "citation": info.citation,
            "terms": info.licence,
            **({"url": info.url} if info.url else {}),
        }
    )
    sources = {
        i["dataset"]: {
            "file": f"sources/{i['dataset']}.txt",
            "title": i["title"],
            "citation": i["citation"],
            "terms": i["terms"],
        }
        for i in imports
    }
    kinds = sorted({i["kind"] for i in imports})
    meta_out = {
        "name": meta.get("name") or out.resolve().name,
        "title": meta.get("title") or "Imported datasets",
        "description": "Made by `foedus import` (" + ", ".join(kinds) + "). Each fact quotes "
        "the data row it comes from (sources/) and names file and line in "
        "its notes.",
        "default_perspective": "de-facto",
        "imports": imports,
        "sources": sources,
    }
    files_out: dict[str, str] = {}
    files_out["corpus.yaml"] = dump_yaml(
        meta_out, "A corpus made by `foedus import` (docs/data.md)."
    )
    actors: dict[str, Json] = {}
    for a in existing:
        if replaced:  # the state list before this one gave these days: they go with it
            a = {k: v for k, v in a.items() if k != "existed_from"}
        actors[a["id"]] = a
    for a in imp.actors.values():
        a = dict(a)
        if a["id"] in imp.existed_from:
            a["existed_from"] = imp.existed_from[a["id"]]
        actors[a["id"]] = _merge_actor(actors[a["id"]], a) if a["id"] in actors else a
    _aliases_yield_to_names(actors, imp)
    clean = [
        {k: v for k, v in a.items() if v not in ([], None, "")}
        for a in sorted(actors.values(), key=lambda a: a["id"])
    ]
    files_out["actors.yaml"] = dump_yaml(
        {"actors": clean}, "Actors of every import, merged by id (foedus/interop/aliases.csv)."
    )
    files_out["categories.yaml"] = dump_yaml(
        {"categories": [{**c, "notes": CATEGORY_NOTES} for c in CATEGORIES]},
        "Act categories of imported corpora (docs/data.md).",
    )
    if imp.instruments:
        files_out[f"instruments-{imp.kind}.yaml"] = dump_yaml(
            {"instruments": imp.instruments}, f"Made by foedus import {imp.kind}."
        )
    if imp.events:
        files_out[f"events-{imp.kind}.yaml"] = dump_yaml(
            {"events": imp.events}, f"Made by foedus import {imp.kind}."
        )
    for name, content in (earlier or {}).items():
        kind = name.split("-", 1)[1].removesuffix(".yaml")
        files_out[name] = dump_yaml(
            content,
            f"Made by foedus import {kind}; facts dated before an actor's first entry taken "
            f"out by foedus import {imp.kind} (docs/data.md).",
        )
    files_out[f"sources/{info.id}.txt"] = imp.source_text()
    files_out["perspectives.yaml"] = dump_yaml(
        {
            "perspectives": [
                {
                    "id": "de-facto",
                    "name": "De facto",
                    "description": (
                        "Who actually held control: the rule library's foedus:base and "
                        "foedus:de-facto, with state-list entries and exits (imported.rules)."
                    ),
                    "rules": [
                        "foedus:base",
                        "foedus:de-facto",
                        "rules/imported.rules",
                    ],
                }
            ]
        },
        "The perspective of imported corpora.",
    )

    # everything is made: now write it
    out.mkdir(parents=True, exist_ok=True)
    (out / "sources").mkdir(exist_ok=True)
    (out / "rules").mkdir(exist_ok=True)
    for stale in (f"instruments-{imp.kind}.yaml", f"events-{imp.kind}.yaml"):
        if stale not in files_out:
            (out / stale).unlink(missing_ok=True)
    written: list[str] = []
    for name, text in files_out.items():
        (out / name).write_text(text, encoding="utf-8")
        written.append(name)
    shutil.copyfile(IMPORTED_RULES, out / "rules" / "imported.rules")
    return {"corpus": str(out), "written": written}
