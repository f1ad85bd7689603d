"""``foedus import territorial-change``: COW Territorial Change (``tc2018.csv``) as events.

Each row is one transfer of territory: the gainer is the event's actor, the loser (when it is
not missing) its target; the date is the row's year and month (the month as a range of
days). ``procedur`` gives the type:

======== ============ =====================
procedur meaning      event type
======== ============ =====================
1        conquest     annexation of the loser as a whole (below), else
                      annexation_of_territory; state_exit of the loser when the gainer is 0 or 1
2        annexation   annexation of the loser as a whole, as 1; of a part, or of another
                      entity, annexation_of_territory only with ``conflict`` 1, else other
3        cession      cession; restoration_of_independence when the gainer gains itself
                      whole, ``indep`` 1, after a row absorbed it whole (COW 593, 1945)
4        secession    secession
5        unification  unification
6        mandate      administration (with no target when the unit is not the loser
                      whole: a mandate over a territory of the loser is not over the loser)
-9       n/a          secession when ``indep`` is 1 (the gainer became independent of the
                      loser: a colony's independence); restoration_of_independence when
                      ``entry`` is 1, the gainer is the entity and a state absorbed as a whole
                      by an earlier row (Austria, COW 666, 1955); else other
======== ============ =====================

Conquest and annexation differ in the force used (the TC manual): "Conquest occurs when armed
force is the primary agent of the territorial change"; "Annexation occurs when one political
entity unilaterally extends its sovereignty over another political entity when the primary
agent of change is diplomacy, although the implied threat of force may be involved". The types
a conquest gets, ``annexation`` and ``annexation_of_territory``, are in the ``use-of-force``
category, which a non-aggression clause forbids. So an annexation of a part of the loser (or of
another entity) is ``other`` (the summary says "by annexation", the notes why), unless the row
codes ``conflict`` 1, "military conflict between organized forces of both sides" (COW 895,
India's 1954 Dadra and Nagar Haveli): North Yemen's 1972 annexation of 182 km2 of South Yemen
(COW 778, ``conflict`` 0) no longer breaches the non-aggression clauses of ATOP 3015 and 3205.
An annexation of the loser as a whole stays ``annexation`` (the Anschluss, COW 573), because
the rules read it (part of the gainer, no longer sovereign, under its control), and so stays
in ``use-of-force``: the event type list has no type for a whole state annexed without force
that the rules read so (the rule library's ``incorporation`` makes it part of the gainer and
no longer sovereign, but ``rules/imported.rules`` gives control only by ``annexation``).

The loser as a whole is absorbed only where the codebook says so of the row: the whole unit
(``portion`` 1), the unit the loser itself (``entity`` its code), the loser's homeland
(``losetype`` 1), and no contiguity of the unit to the loser coded (``contlose`` -9: the
manual's "in effect contiguous to itself"). A row of the loser's own code that is a part of it
fails one of these: COW 895, India's 1954 Dadra and Nagar Haveli (491 km2), has ``losetype``
-9 (not Portugal's homeland); COW 890, Russia's 2014 Crimea, ``contlose`` 1.

Codes 0 and 1 are the League of Nations and the United Nations (the manual, Appendix A: "According
to the COW Entities list, the League is 0 and the UN is 1"; the codebook's first "1 signifies no
political entity" was replaced by -9 in 2000): actors of kind ``organisation``, so the League
gains Tangier from France in 1924 (COW 547, which was skipped as having no gainer) and Japan's
1952 independence is from the UN (COW 654, which named an actor "COW 1"). A loser conquered
whole by one of them (COW 606, Germany 1945, ``exit`` 1) is part of no state: the row is the
loser's ``state_exit``.

A row coding ``exit`` 1 ("the loser left the state system") whose event does not end the loser
already (an annexation of it whole does) also gives the loser's ``state_exit`` on the row's date,
quoting the row: the German Democratic Republic by the unification of October 1990 (COW 837),
South Yemen (836), Tuscany, Modena, Parma and the Two Sicilies (1860), Czechoslovakia (1993, two
rows, one exit), Japan (COW 605, September 1945). Nothing else is read from the flags: Germany's
1990 gain of the GDR codes no ``entry`` for Germany.

COW's entity list (``tc_entities_tabula.csv``: entity number, name, years, status) may be given
as a further file: a gainer or loser whose code is not a state in the alias table (the
Transvaal, Hamburg, Hejaz) is then named from it instead of "COW 563".
"""

from __future__ import annotations

from pathlib import Path

from foedus.interop.aliases import Alias, AliasTable, slugify
from foedus.interop.importers.base import (
    DatasetError,
    DatasetInfo,
    Import,
    Row,
    read_rows,
    sniff_header,
)
from foedus.interop.importers.states import COW_TERMS
from foedus.shapes import Json

INFO = DatasetInfo(
    "cow-territorial-change",
    "COW Territorial Change, 1816-2018 (v6)",
    'Tir, Jaroslav, Philip Schafer, Paul Diehl, and Gary Goertz. 1998. "Territorial Changes, '
    '1816-1996: Procedures and Data." Conflict Management and Peace Science 16: 89-97. Data: '
    "Correlates of War Project, Territorial Change v6.",
    COW_TERMS,
    "https://correlatesofwar.org",
)


#: Codes of the organisations (tcmanual.pdf, Appendix A, "Corrections to state code 998": "The
#: original TC data set used code 998 to represent the UN and the League of Nations. According
#: to the COW Entities list, the League is 0 and the UN is 1."): no state a loser can become
#: part of.
ORGANISATIONS = {"0": "League of Nations", "1": "United Nations"}
ORGANISATION_NOTE = (
    'COW Territorial Change code {code}: tcmanual.pdf, Appendix A: "According to the COW '
    'Entities list, the League is 0 and the UN is 1."'
)


def _whole_loser(r: Row) -> bool:
    """Whether the row transfers the loser as a whole: the whole unit (``portion`` 1), the
    unit the loser itself (``entity`` its code), the loser's homeland (``losetype`` 1) and no
    contiguity of the unit to the loser coded (``contlose`` -9, "in effect contiguous to
    itself"; a part of the loser is coded 0 or 1)."""
    loser = r.get("loser").strip()
    return (
        r.get("portion").strip() == "1"
        and r.get("entity").strip() == loser
        and r.get("losetype").strip() == "1"
        and r.get("contlose").strip() == "-9"
    )


def _absorbed(r: Row) -> bool:
    """Whether the row absorbs the loser as a whole: a conquest or annexation of it whole."""
    return r.get("procedur").strip() in ("1", "2") and _whole_loser(r)


def _year_month(r: Row) -> tuple[int, int]:
    """The row's year and month as numbers (0 when not given), for ordering rows."""
    year, month = r.get("year").strip(), r.get("month").strip()
    return (
        int(year) if year.isdigit() else 0,
        int(month) if month.isdigit() else 0,
    )


PROCEDURES = {
    "1": ("annexation", "conquest"),
    "2": ("annexation", "annexation"),
    "3": ("cession", "cession"),
    "4": ("secession", "secession"),
    "5": ("unification", "unification"),
    "6": ("administration", "mandate"),
}


#: Why an annexation of a part (procedure 2, ``conflict`` not 1) is imported as ``other``.
NOT_FORCE = (
    "imported as other: an annexation (procedur 2: 'the primary agent of change is "
    "diplomacy', the TC manual) with no military conflict coded is not a use of force"
)


def _year(text: object) -> int | None:
    """The year of a value written ``YYYY`` or ``YYYY-MM-DD`` (None when it is not one)."""
    head = str(text or "").strip()[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None


#: An actor of a corpus that names no first day exists from the engine's first day
#: (docs/data.md: "Without a state list, an imported actor exists from ... 1800-01-01").
FIRST_YEAR = 1800


class _Namesakes:
    """The actors an entity of the entity list may be: those of the corpus being imported
    into and the alias table's, by name (id, name or alias), each with its COW codes and
    its years of existence (from its ``existed_from`` to its ``existed_to``; from 1800 when
    the corpus gives no first day)."""

    def __init__(self, aliases: AliasTable, existing: list[Json]) -> None:
        from foedus.corpus.validate import name_key

        self.key = name_key
        self.aliases = aliases
        self.corpus: dict[str, Json] = {}
        for a in existing:
            for n in (a.get("id"), a.get("name"), *(a.get("aliases") or [])):
                if n not in (None, ""):
                    self.corpus.setdefault(name_key(str(n)), a)

    def taken(self, name: str, ident: str) -> bool:
        """Whether ``name`` or the slug ``ident`` already leads to an actor."""
        return (
            self.key(name) in self.corpus
            or self.key(ident) in self.corpus
            or self.aliases.by_name(name) is not None
            or any(a.id == ident for a in self.aliases.rows)
        )

    def same(self, code: str, name: str, years: tuple[int, int] | None) -> Alias | None:
        """The actor that the entity ``code`` named ``name`` is: one of that name whose
        existence overlaps the entity's ``years`` and whose COW codes, if it has any, include
        ``code`` (COW numbers one entity once: an actor with another COW code is another
        entity, as Vietnam 816 is not the entity list's 815, which became part of it). Its COW
        code is recorded where the actor has none: the entity list's row says it."""
        cow = int(code) if code.isdigit() else None
        row = self.aliases.by_name(name)
        # by its name, or by the id its name makes (ISD's "Anhalt-Dessau", "Anhalt Dessau")
        held = self.corpus.get(self.key(name)) or self.corpus.get(self.key(slugify(name)))
        if held is None and row is not None:
            held = self.corpus.get(self.key(row.id))
        if held is None and row is None or years is None:
            return None
        codes = {*(row.cow if row else ()), *((held or {}).get("cow") or [])}
        if codes and cow not in codes:
            return None
        start = _year((held or {}).get("existed_from")) or FIRST_YEAR
        end = _year((held or {}).get("existed_to"))
        if years[1] < start or (end is not None and years[0] > end):
            return None
        add = (cow,) if cow is not None and not codes else ()
        if row is not None and (held is None or held.get("id") == row.id):
            return Alias(
                id=row.id,
                name=row.name,
                cow=(*row.cow, *add),
                cowc=row.cowc,
                gw=row.gw,
                iso=row.iso,
                names=row.names,
            )
        assert held is not None
        name = str(held.get("name") or held["id"])
        return Alias(id=str(held["id"]), name=name, cow=add, known=False)


def import_territorial(
    paths: list[Path], aliases: AliasTable, existing: list[Json] | None = None
) -> Import:
    """Import COW Territorial Change rows.

    ``existing``: the actors of the corpus being imported into (``actors.yaml``): an entity of
    the entity list named as one of them, or as a row of the alias table, whose years
    overlap that actor's existence is that actor; another entity of such a name gets its code
    in its id and name (``brunswick-cow-244``, "Brunswick (COW entity 244)")."""
    imp = Import("territorial-change", INFO, aliases)
    namesakes = _Namesakes(aliases, existing or [])
    changes: list[Row] = []
    entities: dict[str, str] = {}
    entity_rows: dict[str, str] = {}  # code -> the entity list's row naming it
    spans: dict[str, list[int]] = {}  # code -> the years the entity list and changes give it
    for path in paths:
        head = set(sniff_header(path))
        if {"gainer", "loser", "procedur", "number"} <= head:
            changes += imp.read(path)
            continue
        _, rows = read_rows(path)
        keys = {"".join(k.lower().split()): k for k in (rows[0].values if rows else {})}
        if not {"entitynumber", "name"} <= set(keys):
            raise DatasetError(
                f"{path}: not a COW Territorial Change file (tc2018.csv) or entity list "
                "(entity number, name)"
            )
        imp.report.files.append(path.name)
        for r in rows:
            code, name = r.get(keys["entitynumber"]).strip(), r.get(keys["name"]).strip()
            if code and name:
                entities.setdefault(code, name)
                entity_rows.setdefault(code, r.ref)
                for col in ("beginyear", "endyear"):
                    year = _year(r.get(keys[col])) if col in keys else None
                    if year is not None:
                        spans.setdefault(code, []).append(year)
    if not changes:
        raise DatasetError("import territorial-change: the change file (tc2018.csv) is required")
    named: set[str] = set()
    joined: set[str] = set()  # entities that are an actor of the corpus or the alias table
    exits: dict[tuple[str, str], Json] = {}  # (loser, date) -> its state_exit
    # when each code was absorbed as a whole (a restoration of its independence ends that)
    absorbed: dict[str, list[tuple[int, int]]] = {}
    for r in changes:
        year = _year(r.get("year"))
        for col in ("gainer", "loser"):
            if year is not None and r.get(col).strip() in entities:
                spans.setdefault(r.get(col).strip(), []).append(year)
        if _absorbed(r):
            absorbed.setdefault(r.get("loser").strip(), []).append(_year_month(r))

    def who(code: str, r: Row) -> str:
        if code in ORGANISATIONS:
            name = ORGANISATIONS[code]
            ident = imp.actor(Alias(id=slugify(name), name=name, cow=(int(code),)), ref=r.ref)
            imp.actors[ident]["kind"] = "organisation"
            imp.actors[ident]["notes"] = ORGANISATION_NOTE.format(code=code)
            return ident
        alias = aliases.resolve(cow=code)
        if alias.known and code in entities:  # the list's name, an alias where safe
            return imp.actor(alias, ref=entity_rows[code], named=entities[code])
        if not alias.known and code in entities:
            name = entities[code]
            years = (min(spans[code]), max(spans[code])) if spans.get(code) else None
            same = namesakes.same(code, name, years)
            if same is not None:  # a state of the corpus or the alias table: that actor
                joined.add(code)
                return imp.actor(same, ref=entity_rows[code], named=name)
            ident = slugify(name)
            if namesakes.taken(name, ident):
                # another actor's name: keep the entity apart (a name leads to one actor)
                ident, name = f"{ident}-cow-{code}", f"{name} (COW entity {code})"
            cows = (int(code),) if code.isdigit() else ()
            alias = Alias(id=ident, name=name, cow=cows, known=False)
            named.add(code)
        return imp.actor(alias, ref=r.ref)

    for r in changes:
        when, ok = imp.when(r, r.get("year"), r.get("month"))
        if not ok:
            continue
        if when is None:
            imp.report.skip("no year", r.ref)
            continue
        gainer = r.get("gainer").strip()
        if gainer in ("", "-9", "."):
            imp.report.skip("no gainer", r.ref)
            continue
        procedure = r.get("procedur").strip()
        loser = r.get("loser").strip()
        entity = r.get("entity").strip()
        exited = False
        why = ""
        if procedure in PROCEDURES:
            etype, word = PROCEDURES[procedure]
            if etype == "annexation" and not _whole_loser(r):
                # a part of the loser, or a territory that is not the loser itself (a colony):
                # the loser is not annexed (COW 618, 1947: part of Romania, which stayed; COW
                # 895, 1954: Dadra and Nagar Haveli, not Portugal)
                etype = "annexation_of_territory"
                if procedure == "2" and r.get("conflict").strip() != "1":
                    # an annexation by diplomacy, with no military conflict: not a use of
                    # force (annexation_of_territory is one: categories.yaml)
                    etype, why = "other", NOT_FORCE
            elif (
                procedure == "3"
                and entity == gainer
                and r.get("portion").strip() == "1"
                and r.get("indep").strip() == "1"
                and any(d < _year_month(r) for d in absorbed.get(gainer, []))
            ):  # a state absorbed whole gains itself back, independent (Czechoslovakia from
                # Germany, COW 593, 1945; Ethiopia 588 and Albania 596 from Italy): it was a
                # cession, and Czechoslovakia stayed part of Germany ever after
                etype, word = "restoration_of_independence", "restoration of independence"
            elif etype == "annexation" and gainer in ORGANISATIONS:
                # conquered whole by an organisation (COW 606, Germany 1945, gainer 1): the
                # loser leaves the state system, part of no state
                etype, exited = "state_exit", True
        elif r.get("indep").strip() == "1":  # no procedure coded: an independence
            etype, word = "secession", "independence"
        elif (
            r.get("entry").strip() == "1"
            and entity == gainer
            and any(d < _year_month(r) for d in absorbed.get(gainer, []))
        ):  # a state absorbed whole enters the system again (Austria, COW 666, 1955)
            etype, word = "restoration_of_independence", "restoration of independence"
        else:
            etype, word = "other", "transfer"
        if exited:
            actor, targets = who(loser, r), list[str]()
            name = imp.actors[actor]["name"]
            lead = (
                f"{name} leaves the state system: conquered whole by "
                f"the {ORGANISATIONS[gainer]} (COW code {gainer}), no state"
            )
        else:
            actor = who(gainer, r)
            targets = []
            if loser not in ("", "-9", ".") and loser != gainer:
                targets.append(who(loser, r))
            name = imp.actors[actor]["name"]
            what = f"territory of {imp.actors[targets[0]]['name']}" if targets else "territory"
            if entity not in (gainer, loser):
                what += f" (COW entity {entity})"
            lead = f"{name} gains {what} by {word}"
            if etype == "administration" and not _whole_loser(r):
                # a mandate over a territory of the loser (COW 543, Ruanda-Urundi, 1924), not
                # over the loser: no target, which the rules would read as administered whole
                # (part of the mandatory: Germany part of Belgium); the summary names the loser
                targets = []
            if etype == "restoration_of_independence":
                lead = f"{name} restores its independence: gains its territory" + (
                    f" from {imp.actors[targets[0]]['name']}" if targets else ""
                )
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
        event = {
            "id": imp.new_id(f"tc-{number}-{etype}"),
            "type": etype,
            "date": when,
            "actors": [actor],
            "targets": targets,
            "summary": f"{lead} (COW territorial change {number}"
            + (": " + ", ".join(flags) if flags else "")
            + ")",
            "sources": [imp.cite(r)],
            "notes": f"COW Territorial Change {r.ref}: procedur {r.get('procedur')}, "
            f"area {r.get('area')} km2, population {r.get('pop')}" + (f"; {why}" if why else ""),
        }
        imp.events.append(event)
        imp.count(event, f"{etype} events")
        if (
            r.get("exit").strip() == "1"
            and etype not in ("annexation", "state_exit")
            and loser not in ("", "-9", ".", *ORGANISATIONS)
        ):
            # the loser left the state system (exit 1): the event above does not end it
            _exit(imp, who(loser, r), when, number, r, exits)
    # an entity named like another actor of the import gets its code in its name: a name
    # leads to one actor (the corpus's validation refuses confusable names)
    entity_ids = {
        a["id"] for a in imp.actors.values() if a["id"].endswith(tuple(f"-cow-{c}" for c in named))
    }
    taken = {
        n.casefold()
        for a in imp.actors.values()
        if a["id"] not in entity_ids
        for n in (a["id"], a["name"], *a["aliases"])
    }
    for ident in entity_ids:
        a = imp.actors[ident]
        if a["name"].casefold() in taken:
            a["name"] = f"{a['name']} (COW entity {ident.rsplit('-cow-', 1)[1]})"
    imp.report.mapped["actors"] = len(imp.actors)
    if entities:
        imp.report.mapped["entities named from the entity list"] = len(named)
        if joined:
            imp.report.mapped["entities that are an actor of that name"] = len(joined)
    return imp


def _exit(
    imp: Import,
    loser: str,
    when: Json | str,
    number: str,
    r: Row,
    exits: dict[tuple[str, str], Json],
) -> None:
    """The loser's ``state_exit`` coded by a row's ``exit`` 1 (one per loser and date: two rows
    of one exit, Czechoslovakia's in January 1993, are quoted by one event)."""
    key = (loser, repr(when))
    ev = exits.get(key)
    if ev is not None:
        ev["sources"].append(imp.cite(r))
        ev["summary"] = ev["summary"][:-1] + f", {number})"
        ev["notes"] += f"; {r.ref}"
        return
    ev = {
        "id": imp.new_id(f"tc-{number}-state_exit"),
        "type": "state_exit",
        "date": when,
        "actors": [loser],
        "targets": [],
        "summary": f"{imp.actors[loser]['name']} leaves the state system (COW territorial "
        f"change, exit 1: the loser left the state system: {number})",
        "sources": [imp.cite(r)],
        "notes": f"COW Territorial Change exit = 1 ('the loser left the state system'): {r.ref}",
    }
    exits[key] = ev
    imp.events.append(ev)
    imp.count(ev, "state_exit events")
