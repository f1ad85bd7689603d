"""``foedus import events``: CAMEO-coded event data (ICEWS temporal-KG format) as events.

Each line is ``subject <TAB> relation <TAB> object <TAB> YYYY-MM-DD``; the relation is a CAMEO
event description ("Use conventional military force", "Occupy territory"). Only a state acts
for a state: a subject or object written as a country, or as ``Sector (Country)`` where the
sector is one of the government or state-security sectors of :data:`STATE_SECTORS` ("Foreign
Affairs (Russia)", "Naval (Sri Lanka)"), is read as that country. Any other sector (citizens,
armed rebels, fishermen, parties, the media, courts, legislatures) is not the state and the line
is skipped with that reason, so "Naval (Sri Lanka) -> Fishermen (India)" is not Sri Lanka
attacking India. A named person ("Barack Obama") is skipped too: the line's four fields give
no country for a named actor, so a leader stands for a state only when the line says which
("Head of Government (Latvia)"); the report lists the names skipped. So is anything else the alias
table does not know, and an event whose subject and object are the same state (domestic).
Identical lines are imported once (lines that differ only in white space, or in the case or
spacing of the relation, are identical). A line without exactly four tab-separated fields is
refused, naming its line: with one missing, the date would be read as the object.

The relation is mapped to a CAMEO code and an event type by :data:`CAMEO` (our mapping; the
descriptions are CAMEO's, Schrodt 2012). Codes not in the table are skipped and counted. A
CAMEO code list (``CAMEO.eventcodes.txt``, tab-separated) given as a further file adds its
descriptions, so relations written exactly as the code list writes them are recognised too.

A code is typed no more specifically than its words (the CAMEO code list's) say: an act of
Article II of the 1933 Convention (``attack``, ``naval_blockade``, ``occupation_of_territory``:
an invasion) only where the code names that act. 191 "Impose blockade, restrict movement" is
``other``, not ``naval_blockade``: its words cover any restriction of movement, by land as by
sea and not necessarily by armed forces (ICEWS codes it for police, citizens and farm workers,
mostly in their own country, and "Government (United States) ... Tanzania"), so it is neither
Article II's naval blockade nor surely a use of force, which ``blockade`` (MID action 13, a
blockade not known to be naval) is. 190 "Use conventional military force", 193-195
(fighting, by weapon), 204 "Use weapons of mass destruction" are attacks; 200 "Use
unconventional mass violence" stays an attack for want of a type of mass violence that is a use
of force but not an Article II act. "Accuse of aggression" is 1123 (it was filed under 1125,
which the code list gives "Accuse of espionage, treason").
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
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
    "1123": ("condemnation", ("Accuse of aggression",)),
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
    # not naval_blockade (Article II's "naval blockade of coasts or ports") nor blockade (a use
    # of force): CAMEO's words cover any restriction of movement, and ICEWS codes it for
    # police and citizens (docstring)
    "191": ("other", ("Impose blockade, restrict movement",)),
    "192": ("occupation_of_territory", ("Occupy territory",)),
    # 19 FIGHT: its sub-codes tell the weapons (193 small arms, 194 artillery and tanks, 195
    # aerial weapons), not whether the source struck first; the source fights the target in
    # each, so 193 is an attack as 194 is (it was a clash, and "Did Russia attack Ukraine in
    # 2014?" answered no over "Military (Russia) fight with small arms ... Police (Ukraine)")
    "193": ("attack", ("Fight with small arms and light weapons",)),
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

_SECTOR = re.compile(r"^(.*)\(([^()]+)\)\s*$")

#: ICEWS sectors that act for their state: its government (executive, ministries, diplomats)
#: and its state-security forces (armed forces, police, intelligence). Every other sector
#: (citizens, rebels, fishermen, parties, legislatures, courts, media, business) does not.
STATE_SECTORS: frozenset[str] = frozenset(
    {
        # government
        "Government",
        "Head of Government",
        "Head of State",
        "Cabinet / Council of Ministers / Advisors",
        "Foreign Affairs",
        "Domestic Affairs",
        "Ministry",
        "Defense / Security Ministry",
        "Ministry of Public Security",
        "Treasury/Finance Ministry",
        "Finance / Economy / Commerce / Trade Ministry",
        "Justice Department/Ministery",
        "Health Ministry",
        "Education Ministry",
        "Information Ministry",
        "Energy Department/Ministry",
        "Environment Department/Ministry",
        "Transportation Ministry/Department",
        "Envoy",
        "High Commission",
        "Charge D'affaires",
        "Representative to the United Nations",
        "Government Official",
        "Government Delegation",
        "Other Authorities / Officials",
        "Undersecretary",
        "Royal Administration",
        "Presidential Aide",
        "Presidential Press Service",
        "Interim Government",
        "National Security Advisor",
        "Military Ruler",
        # state security
        "Military",
        "Military Personnel",
        "Military Personnel - Special",
        "High Ranking Military Personnel",
        "Army Personnel",
        "Army Chief of Staff",
        "Chief of Staff",
        "Joint Chiefs of Staff",
        "Naval",
        "Navy Personnel",
        "Naval Base",
        "Admiral",
        "Air Force",
        "Air Marshall",
        "Airman",
        "Marine Corp",
        "Commando",
        "Reserve Personnel",
        "Army National Guard",
        "Attack Craft",
        "Attack Helicopter",
        "Fighter Bomber",
        "Spy Plane",
        "Military Advisor",
        "Police",
        "Military Police",
        "Paramilitary Police",
        "Intelligence",
        "Intelligence Chief",
        "Intelligence Officer",
        "Secret Agent",
        "National Intelligence Bureau",
        "Army Intelligence",
        "Inter Service Intelligence",
        "Border Patrol",
        "Commander in Chief of the Navy",
    }
)


def acts_for_state(sector: str) -> bool:
    """Whether an ICEWS sector acts for its state: one of :data:`STATE_SECTORS`, or any
    ministry ("Labor and Employment Ministry", "Ministry of Tourism": ICEWS spells it
    "Ministry", sometimes "Ministery")."""
    low = sector.lower()
    return sector in STATE_SECTORS or "ministry" in low or "ministery" in low


#: Why a named actor (a person, a group, a place: no ``Sector (Country)``) that the alias
#: table does not know is skipped: the line's four fields give it no country.
NO_COUNTRY = (
    "a named actor (a person such as a head of state, a group, a place) for which the line "
    "gives no country (its four fields are subject, relation, object, date)"
)


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


def _country(aliases: AliasTable, name: str) -> tuple[str | None, str]:
    """The state an ICEWS actor acts for, or None and why not."""
    m = _SECTOR.match(name)
    if m is None:
        found = aliases.by_name(name.strip())
        if found is not None:
            return found.id, ""
        return None, NO_COUNTRY
    sector, country = m.group(1).strip(), m.group(2).strip()
    found = aliases.by_name(country)
    if found is None:
        return None, "of a country not in the alias table"
    if not acts_for_state(sector):
        return None, "not a government or state-security actor (citizens, rebels, fishermen, ...)"
    return found.id, sector


def import_events(paths: list[Path], aliases: AliasTable) -> Import:
    """Import ICEWS-style event files (and optionally a CAMEO code list)."""
    imp = Import("events", INFO, aliases)
    data: list[Path] = []
    extra: dict[str, str] = {}
    for path in paths:
        text = read_text(path)
        if not text.strip():
            raise DatasetError(
                f"{path}: empty file (expected lines subject, relation, object, date separated "
                "by tabs)"
            )
        first = text.split("\n", 1)[0].rstrip("\r")
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
    non_state: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for path in data:
        _, rows = read_rows(path, delimiter="\t", header=["subject", "relation", "object", "date"])
        imp.report.files.append(path.name)
        imp.report.read += len(rows)
        for r in rows:
            fields = next(csv.reader([r.raw.replace("\n", " ")], delimiter="\t"), [])
            if len(fields) != 4:
                # the column of the fifth field, or the line's end, where a field is missing
                col = len("\t".join(r.raw.split("\t")[:4])) + 2 if len(fields) > 4 else 0
                col = col or len(r.raw.splitlines()[0] if r.raw else "") + 1
                raise DatasetError(
                    f"{path}:{r.line}:{col}: expected 4 fields (subject, relation, object, date) "
                    f"separated by tabs, found {len(fields)}: {r.raw!r}"
                )
            key = (
                " ".join(r.get("subject").split()),
                _norm(r.get("relation")),
                " ".join(r.get("object").split()),
                r.get("date").strip(),
            )
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
            subj, why_s = _country(aliases, r.get("subject"))
            obj, why_o = _country(aliases, r.get("object"))
            if subj is None or obj is None:
                which = "subject" if subj is None else "object"
                imp.report.skip(f"{which} {why_s if subj is None else why_o}", r.ref)
                why = why_s if subj is None else why_o
                side = r.get("subject") if subj is None else r.get("object")
                if "state-security" in why:
                    non_state[_SECTOR.match(side).group(1).strip()] += 1  # type: ignore[union-attr]
                elif why == NO_COUNTRY:
                    named[side.strip()] += 1
                continue
            if subj == obj:
                imp.report.skip("subject and object in the same country (domestic)", r.ref)
                continue
            day = r.get("date").strip()
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                imp.report.skip(f"date {day!r} is not a day (YYYY-MM-DD)", r.ref)
                continue
            try:
                date.fromisoformat(day)
            except ValueError:  # 2014-02-31: the corpus would not validate
                imp.report.skip(f"date {day!r} is not a day (no such day)", r.ref)
                continue
            a = imp.actor(aliases.resolve(name=subj))
            b = imp.actor(aliases.resolve(name=obj))
            event = {
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
            imp.events.append(event)
            imp.count(event, f"{etype} events", "events")
    imp.report.mapped["actors"] = len(imp.actors)
    if non_state:
        imp.report.notes.append(
            "sectors not acting for a state, lines skipped: "
            + ", ".join(f"{k} ({n})" for k, n in non_state.most_common(12))
            + (f", and {len(non_state) - 12} more" if len(non_state) > 12 else "")
        )
    if named:
        imp.report.notes.append(
            "named actors the lines give no country for (a leader is not read as his or her "
            "state unless a line says which: 'Head of Government (Latvia)'), lines skipped: "
            + ", ".join(f"{k} ({n})" for k, n in named.most_common(12))
            + (f", and {len(named) - 12} more" if len(named) > 12 else "")
        )
    return imp
