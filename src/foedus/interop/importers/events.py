"""``foedus import events``: CAMEO-coded event data (ICEWS temporal-KG format) as events.

Each line is ``subject <TAB> relation <TAB> object <TAB> YYYY-MM-DD``; the relation is a CAMEO
event description ("Use conventional military force", "Occupy territory"). Actors written as
``Sector (Country)`` are read as the country; a subject or object that is not a country the
alias table knows (a person, a party) is skipped, as is an event whose subject and object are
the same state (domestic). Identical lines are imported once.

The relation is mapped to a CAMEO code and an event type by :data:`CAMEO` (our mapping; the
descriptions are CAMEO's, Schrodt 2012). Codes not in the table are skipped and counted. A
CAMEO code list (``CAMEO.eventcodes.txt``, tab-separated) given as a further file adds its
descriptions, so relations written exactly as the code list writes them are recognised too.
"""

from __future__ import annotations

import re
from pathlib import Path

from foedus.interop.aliases import AliasTable
from foedus.interop.importers.base import (
    DatasetError,
    DatasetInfo,
    Import,
    read_rows,
    read_text,
)

INFO = DatasetInfo(
    "icews",
    "ICEWS coded event data (temporal-KG sample)",
    'Boschee, Elizabeth, et al. 2015. "ICEWS Coded Event Data." Harvard Dataverse, '
    "doi:10.7910/DVN/28075; split files: Garcia-Duran, Dumancic and Niepert. 2018. "
    '"Learning Sequence Encoders for Temporal Knowledge Graph Completion." EMNLP 2018. '
    "CAMEO: Schrodt, Philip A. 2012. CAMEO Event and Actor Codebook, v1.1b3.",
    "Split files: BSD 3-Clause (NEC Laboratories Europe); check the ICEWS Dataverse terms "
    "before redistributing.",
    "https://doi.org/10.7910/DVN/28075",
)

#: CAMEO code -> (event type, descriptions as CAMEO and ICEWS write them)
CAMEO: dict[str, tuple[str, tuple[str, ...]]] = {
    "010": ("statement", ("Make statement, not specified below", "Make statement")),
    "054": ("recognition", ("Grant diplomatic recognition",)),
    "111": ("condemnation", ("Criticize or denounce",)),
    "112": ("condemnation", ("Accuse, not specified below", "Accuse")),
    "1125": ("condemnation", ("Accuse of aggression",)),
    "1124": ("condemnation", ("Accuse of war crimes",)),
    "138": (
        "threat_of_force",
        ("Threaten to use military force, not specified below", "Threaten with military force"),
    ),
    "1381": ("threat_of_force", ("Threaten blockade",)),
    "1382": ("threat_of_force", ("Threaten occupation",)),
    "1384": ("threat_of_force", ("Threaten conventional attack",)),
    "1385": ("threat_of_force", ("Threaten attack with WMD",)),
    "150": (
        "show_of_force",
        (
            "Demonstrate military or police power, not specified below",
            "Demonstrate military or police power",
        ),
    ),
    "152": ("alert", ("Increase military alert status",)),
    "154": ("mobilization", ("Mobilize or increase armed forces",)),
    "190": (
        "attack",
        ("Use conventional military force, not specified below", "Use conventional military force"),
    ),
    "191": ("naval_blockade", ("Impose blockade, restrict movement",)),
    "192": ("occupation", ("Occupy territory",)),
    "193": ("clash", ("Fight with small arms and light weapons",)),
    "194": ("attack", ("Fight with artillery and tanks",)),
    "195": ("attack", ("Employ aerial weapons",)),
    "196": ("clash", ("Violate ceasefire",)),
    "200": (
        "attack",
        (
            "Use unconventional mass violence, not specified below",
            "Use unconventional mass violence",
        ),
    ),
    "204": (
        "attack",
        ("Use weapons of mass destruction, not specified below", "Use weapons of mass destruction"),
    ),
}

_SECTOR = re.compile(r"^.*\(([^()]+)\)\s*$")


def _norm(text: str) -> str:
    return " ".join(text.lower().replace(", not specified below", "").split())


def _code_table(extra: dict[str, str]) -> dict[str, str]:
    """Normalised description -> CAMEO code, ours first, then a code list's."""
    out: dict[str, str] = {}
    for code, (_, texts) in CAMEO.items():
        for t in texts:
            out.setdefault(_norm(t), code)
    for code, text in extra.items():
        out.setdefault(_norm(text), code)
    return out


def _country(aliases: AliasTable, name: str) -> str | None:
    m = _SECTOR.match(name)
    for candidate in ((m.group(1),) if m else ()) + (name,):
        found = aliases.by_name(candidate.strip())
        if found is not None:
            return found.id
    return None


def import_events(paths: list[Path], aliases: AliasTable) -> Import:
    """Import ICEWS-style event files (and optionally a CAMEO code list)."""
    imp = Import("events", INFO, aliases)
    data: list[Path] = []
    extra: dict[str, str] = {}
    for path in paths:
        first = read_text(path).split("\n", 1)[0]
        if first.upper().startswith("CAMEOEVENTCODE"):
            for line in read_text(path).splitlines()[1:]:
                num, _, text = line.partition("\t")
                if num.strip():
                    extra[num.strip()] = text.strip()
            continue
        if first.count("\t") != 3:
            raise DatasetError(
                f"{path}: not an event file (subject, relation, object, date separated by tabs)"
            )
        data.append(path)
    table = _code_table(extra)
    seen: set[tuple[str, ...]] = set()
    for path in data:
        _, rows = read_rows(path, delimiter="\t", header=["subject", "relation", "object", "date"])
        imp.report.files.append(path.name)
        imp.report.read += len(rows)
        for r in rows:
            key = (r.get("subject"), r.get("relation"), r.get("object"), r.get("date"))
            if key in seen:
                imp.report.skip("duplicate of an earlier line", r.ref)
                continue
            seen.add(key)
            code = table.get(_norm(r.get("relation")))
            if code is None:
                imp.report.skip("relation not a CAMEO code foedus maps to an event type", r.ref)
                continue
            etype = CAMEO[code][0] if code in CAMEO else None
            if etype is None:
                imp.report.skip(f"CAMEO code {code} has no foedus event type", r.ref)
                continue
            subj = _country(aliases, r.get("subject"))
            obj = _country(aliases, r.get("object"))
            if subj is None or obj is None:
                imp.report.skip("subject or object not a country in the alias table", r.ref)
                continue
            if subj == obj:
                imp.report.skip("subject and object in the same country (domestic)", r.ref)
                continue
            day = r.get("date").strip()
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                imp.report.skip("unreadable date", r.ref)
                continue
            a = imp.actor(aliases.resolve(name=subj))
            b = imp.actor(aliases.resolve(name=obj))
            imp.events.append(
                {
                    "id": imp.new_id(f"icews-{path.stem}-{r.line}"),
                    "type": etype,
                    "date": day,
                    "actors": [a],
                    "targets": [b],
                    "summary": f"{r.get('subject')}: {r.get('relation')}: {r.get('object')} "
                    f"(CAMEO {code})",
                    "sources": [imp.cite(r)],
                    "notes": f"ICEWS {r.ref}; CAMEO {code} -> {etype}",
                }
            )
            imp.report.mapped[f"{etype} events"] += 1
            imp.report.mapped["events"] += 1
    imp.report.mapped["actors"] = len(imp.actors)
    return imp
