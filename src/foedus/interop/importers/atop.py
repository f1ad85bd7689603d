"""``foedus import atop``: ATOP alliances as instruments with parties, clauses and norms.

Reads the member-level file (``atop5_1m.csv``: one row per member per phase) and, when given,
the alliance-level file (``atop5_1a.csv``); they are told apart by their headers. One
instrument per ``atopid``; its parties are the members, with the day each entered and left
(contiguous phases joined); each obligation coded 1 becomes a clause whose norm is:

=============  ==============  ===========  ======================================
ATOP column    clause id       norm kind    categories (categories.yaml)
=============  ==============  ===========  ======================================
defense        defence         obligation   (none: owed when a partner is attacked)
offense        offence         obligation   (none: owed against third states)
neutral        neutrality      prohibition  use-of-force
nonagg         non-aggression  prohibition  use-of-force
consul         consultation    obligation   (none: a procedure)
=============  ==============  ===========  ======================================

The categories follow what ATOP's codebook says each member promises (section 2.33). An
obligation's categories name the acts that breach it when its bearer takes them towards a
beneficiary (docs/norms.md), so only a promise to *refrain* from acts towards the partners can
name any:

* ``defense``: "to provide active military support in the event of attack on the sovereignty
  or territorial integrity of one or more alliance partners". It is owed against the attacker,
  a third state; it is broken by not coming to the partner's aid, which no event records. A
  member's own militarized act against its partner is no breach of it (MID 505, the Soviet
  blockade of Estonia of June 1940, is no breach of the defence clause of their 1939 pact,
  ATOP 2475), so the clause names no category, as ``offense`` does.
* ``nonagg``: "not to use force against one or more alliance partners to settle disputes".
  Its categories are ``use-of-force`` (MID hostility levels 4 and 5: blockade, occupation,
  seizure, attack, clash, declaration of war, war), not ``militarized-action``: a threat or
  display of force (MID actions 1-12: threats, shows of force, alerts, mobilizations,
  fortifying one's own border, border violations) is not a use of force.
* ``neutral``: not to join a conflict between a partner and a third party on the adversary's
  side; a member using force against the partner has joined it, so ``use-of-force``.
* ``consul``: to consult in a crisis (a procedure; nothing an event shows breaks it).
"""

from __future__ import annotations

from pathlib import Path

from foedus.interop.aliases import AliasTable
from foedus.interop.importers.base import (
    DatasetError,
    DatasetInfo,
    Import,
    Json,
    Row,
    date_bounds,
    read_ymd,
    sniff_header,
)

INFO = DatasetInfo(
    "atop",
    "Alliance Treaty Obligations and Provisions (ATOP)",
    "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. "
    '2002. "Alliance Treaty Obligations and Provisions, 1815-1944." International '
    "Interactions 28: 237-260. Data: http://www.atopdata.org.",
    "No licence stated in the files; the ATOP project asks that it be cited (above). Check "
    "atopdata.org before redistributing.",
    "http://www.atopdata.org",
)

#: ATOP obligation column -> (clause id, clause label, norm kind, categories)
OBLIGATIONS: dict[str, tuple[str, str, str, list[str]]] = {
    # owed against a third state that attacks a partner: no act towards the partner breaks it
    "defense": ("defence", "defence", "obligation", []),
    "offense": ("offence", "offence", "obligation", []),
    "neutral": ("neutrality", "neutrality", "prohibition", ["use-of-force"]),
    # "not to use force": a threat or display of force (MID actions 1-12) is not one
    "nonagg": ("non-aggression", "non-aggression", "prohibition", ["use-of-force"]),
    "consul": ("consultation", "consultation", "obligation", []),
}


def _flag(row: Row, col: str) -> bool:
    return row.get(col).strip() == "1"


def import_atop(paths: list[Path], aliases: AliasTable) -> Import:
    """Import ATOP member-level (required) and alliance-level (optional) files."""
    imp = Import("atop", INFO, aliases)
    members: list[Row] = []
    alliances: dict[str, Row] = {}
    for path in paths:
        head = set(sniff_header(path))
        rows = imp.read(path)
        if {"atopid", "member", "yrent"} <= head:
            members += rows
        elif {"atopid", "begyr", "mem1"} <= head:
            alliances.update({r.get("atopid"): r for r in rows})
        else:
            raise DatasetError(f"{path}: not an ATOP member-level or alliance-level file")
    if not members:
        raise DatasetError("import atop: the member-level file (atop5_1m.csv) is required")
    by_alliance: dict[str, list[Row]] = {}
    for r in members:
        by_alliance.setdefault(r.get("atopid"), []).append(r)
    for atopid, rows in by_alliance.items():
        _alliance(imp, atopid, rows, alliances.get(atopid))
    for atopid, row in alliances.items():
        if atopid not in by_alliance:
            imp.report.skip("alliance-level row without member-level rows", row.ref)
    return imp


def _continues(until: str | None, entered: str) -> bool:
    """A phase entered on ``entered`` continues a spell ending ``until`` (None: no end)."""
    if until is None or until == entered:
        return True
    a, b = date_bounds(until), date_bounds(entered)
    return a is not None and b is not None and b[0] <= a[1]


def _left_before_joining(exited: str, entered: str) -> bool:
    """Every day ``exited`` can be is before every day ``entered`` can be."""
    a, b = date_bounds(exited), date_bounds(entered)
    return a is not None and b is not None and a[1] < b[0]


def _ends_before(a: str, b: str) -> bool:
    ba, bb = date_bounds(a), date_bounds(b)
    return ba is not None and bb is not None and ba[1] < bb[1]


def _alliance_date(
    imp: Import, arow: Row, cols: tuple[str, str, str], what: str, instead: str
) -> tuple[str | None, bool]:
    """An alliance row's begin or end date, and whether its year was written but not read
    (reported: the alliance is kept, dated ``instead``)."""
    when, why = read_ymd(arow.get(cols[0]), arow.get(cols[1]), arow.get(cols[2]), what)
    if why:
        kept = f"dated to the {'year' if len(when) == 4 else 'month'}" if when else instead
        imp.report.skip(f"alliance row: {why} (alliance kept, {kept})", arow.ref)
    return when, bool(why) and when is None


def _alliance(imp: Import, atopid: str, rows: list[Row], arow: Row | None) -> None:
    rows = sorted(rows, key=lambda r: (r.get("member"), int(r.get("phase") or 0), r.line))
    quotes = [imp.cite(arow)] if arow is not None else []
    refs = [arow.ref] if arow is not None else []
    parties: list[Json] = []
    names: list[str] = []
    bearers: dict[str, list[str]] = {col: [] for col in OBLIGATIONS}
    begin = end = None
    end_from_members = arow is None
    if arow is not None:
        begin, _ = _alliance_date(
            imp, arow, ("begyr", "begmo", "begday"), "begin", "its begin from its members' entries"
        )
        if arow.get("ineffect").strip() != "1":
            end, unread = _alliance_date(
                imp, arow, ("endyr", "endmo", "endday"), "end", "its end from its members' exits"
            )
            end_from_members = unread
    last: dict[str, Json] = {}
    for r in rows:
        entered, ok = imp.when(r, r.get("yrent"), r.get("moent"), r.get("dayent"), "entry")
        if not ok:
            continue
        if entered is None:
            imp.report.skip("member row without an entry year", r.ref)
            continue
        exited = None
        if r.get("ineffect").strip() != "1":
            exited, ok = imp.when(r, r.get("yrexit"), r.get("moexit"), r.get("dayexit"), "exit")
            if not ok:
                continue
        alias = imp.aliases.resolve(cow=r.get("member"))
        actor = imp.actor(alias, ref=r.ref)
        if exited is not None and _left_before_joining(exited, entered):
            # written, the corpus would not validate (a party leaves before it joined)
            imp.report.skip("member row whose exit is before its entry", r.ref)
            continue
        for col in OBLIGATIONS:
            if _flag(r, col) and actor not in bearers[col]:
                bearers[col].append(actor)
        quote = imp.cite(r)
        prev = last.get(actor)
        if prev is not None and _continues(prev.get("until"), entered):
            # the next phase continues the membership (it begins on or before the day the
            # previous one ends, or the previous one has no end): one party, longer
            if prev.get("until") is not None and (
                exited is None or not _ends_before(exited, prev["until"])
            ):
                if exited is None:
                    prev.pop("until")
                else:
                    prev["until"] = exited
            prev["sources"].append(quote)
            prev["notes"] += f"; phase {r.get('phase')}: {r.ref}"
            imp.report.mapped["member phases joined to the previous phase"] += 1
            continue
        if begin is None:
            begin = entered
        party: Json = {
            "actor": actor,
            "how": "signature" if entered == begin else "accession",
            "date": entered,
        }
        if exited:
            party["until"] = exited
        party["sources"] = [quote]
        party["notes"] = f"ATOP member row {r.ref} (phase {r.get('phase') or 0})"
        parties.append(party)
        last[actor] = party
        if alias.name not in names:
            names.append(alias.name)
        imp.count(party, "parties")
    if not parties:
        return
    if begin is None:
        begin = min(p["date"] for p in parties)
    if end is None and end_from_members and all(p.get("until") for p in parties):
        end = max(p["until"] for p in parties)
    flags = [col for col in OBLIGATIONS if bearers[col]]
    label = ", ".join(OBLIGATIONS[c][1] for c in flags) or "no obligation coded"
    text_row = arow if arow is not None else rows[0]
    text = " ".join(text_row.raw.split())
    clauses = []
    for col in flags:
        cid, what, kind, cats = OBLIGATIONS[col]
        clauses.append(
            {
                "id": cid,
                "text": text,
                "source": imp.info.id,
                "norm": {
                    "kind": kind,
                    "categories": cats,
                    "bearers": bearers[col],
                    "description": f"ATOP codes a {what} obligation ({col} = 1)",
                },
                "notes": f"ATOP {col} = 1 ({text_row.ref}); bearers: the members coded {col} = 1",
            }
        )
    ident = imp.new_id(f"atop-{atopid}")
    ins: Json = {
        "id": ident,
        "name": f"ATOP {atopid}: {label} ({', '.join(names)})",
        "kind": "agreement",
        "aliases": [f"ATOP {atopid}"],
        "signed": begin,
        "in_force": begin,
    }
    if end:
        ins["ended"] = end
    ins["parties"] = parties
    ins["clauses"] = clauses
    ins["sources"] = quotes or [parties[0]["sources"][0]]
    ins["notes"] = (
        f"ATOP alliance {atopid}: "
        + ("; ".join(refs) if refs else "no alliance-level row given; dates from the member rows")
        + (f"; COW alliance id {arow.get('cowid')}" if arow and arow.get("cowid") else "")
    )
    imp.instruments.append(ins)
    imp.count(ins, "instruments", *(f"{c['id']} clauses" for c in clauses))
