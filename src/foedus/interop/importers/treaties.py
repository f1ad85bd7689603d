"""``foedus import treaties``: GGO/manytreaties agreements and their parties.

``GGO_agreements.csv`` gives instruments (title, signature, entry into force, end);
``GGO_parties.csv`` gives each state's signature, ratification, entry into force and end.
Dates are ``messydates``: ``1981-02-18?`` (uncertain day) is read as its month, ``1964-06`` as
the month, ``a..b`` as the range; ``9999-12-31`` means no end. Treaty ids ``A:B`` (an
amendment or protocol of ``B``) become instruments that amend ``B``.

A party joins by ratification (on its ratification day) where the data give one, else by
signature, else by accession on its own entry into force; it leaves on its own end. Every date
the data give for the party is kept in its notes.

GGO reuses a ``treatyID`` for 2-4 different agreements (181 ids on the real file, e.g. the four
``FIN-RUS_1922A`` fishing conventions). A party row belongs to the agreement of its id whose
title and signature date it repeats (the parties file repeats both); a row that fits none or
several equally is skipped with that reason. An actor is a party once per instrument: GGO's
repeated rows for one state (another signature or entry-into-force date) are merged into the
first, their dates kept in the party's notes, and counted in the report.
"""

from __future__ import annotations

import re
from pathlib import Path

from foedus.interop.aliases import AliasTable
from foedus.interop.importers.base import (
    DatasetError,
    DatasetInfo,
    Import,
    Json,
    Row,
    date_bounds,
    messy_date,
    sniff_header,
)

INFO = DatasetInfo(
    "ggo-manytreaties",
    "Global Governance Observatory (GGO) treaties, from manytreaties",
    "Hollway, James and Henrique Sposito. 2025. manytreaties: Many international agreements "
    "and their parties. https://globalgov.github.io/manytreaties/ (GGO: Hollway & Koskinen "
    "2016, Social Networks 44: 281-294; Mitchell et al. 2020, Global Environmental Politics "
    "20(1): 103-121).",
    "CC BY 4.0 (manytreaties): attribution required, as above.",
    "https://globalgov.github.io/manytreaties/",
)

KINDS = {
    "agreement": "agreement",
    "protocol": "protocol",
    "amendment": "protocol",
    "resolution": "resolution",
    "convention": "convention",
    "treaty": "treaty",
    "declaration": "declaration",
    "charter": "charter",
}


def _slug(treaty_id: str) -> str:
    return "ggo-" + treaty_id.split(":")[0]


def _kind(row: Row) -> str:
    agree = row.get("TypeAgree").strip().lower()
    if agree in KINDS:
        return KINDS[agree]
    title = row.get("Title").lower()
    for word in ("convention", "treaty", "protocol", "charter", "declaration"):
        if word in title:
            return word
    return "agreement"


def _before(a: object, b: object) -> bool:
    ba, bb = date_bounds(a), date_bounds(b)  # type: ignore[arg-type]
    return ba is not None and bb is not None and ba[1] < bb[0]


_DAY_LIKE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _date(imp: Import, row: Row, col: str, kept: str) -> Json | str | None:
    """The ``messydates`` value of ``row[col]`` (:func:`messy_date`). A value written but not a
    date is reported with what is wrong with it: a day no calendar has (``1976-06-31``) is
    read as its month, a month that is not one (``2020-99-99``) as its year, the text kept;
    anything else is left out (``kept`` says what stays)."""
    raw = row.get(col).strip()
    val = messy_date(raw)
    if val is not None or not raw or raw.upper() == "NA" or raw.startswith("9999"):
        return val
    m = _DAY_LIKE.match(raw)
    coarse, to = None, "year"
    if m is not None and int(m.group(1)) > 0:
        if 1 <= int(m.group(2)) <= 12:
            coarse, to = messy_date(f"{m.group(1)}-{m.group(2)}"), "month"
        else:
            coarse = messy_date(m.group(1))
    bounds = date_bounds(coarse)
    if bounds is None:
        imp.report.skip(f"{col} {raw!r} is not a date (left out, {kept})", row.ref)
        return None
    imp.report.skip(
        f"{col} {raw!r} is not a date (no such day or month): read as its {to} ({kept})", row.ref
    )
    return {"earliest": bounds[0].isoformat(), "latest": bounds[1].isoformat(), "text": raw}


def import_treaties(paths: list[Path], aliases: AliasTable, only: set[str] | None = None) -> Import:
    """Import GGO agreements (required) and parties (optional) files.

    ``only``: keep only the instruments with a party among these actor ids.
    """
    imp = Import("treaties", INFO, aliases)
    agreements: list[Row] = []
    party_rows: list[Row] = []
    for path in paths:
        head = set(sniff_header(path))
        rows = imp.read(path)
        if {"stateid", "treatyid", "stateratification"} <= head:
            party_rows += rows
        elif {"treatyid", "title", "signature", "force"} <= head:
            agreements += rows
        else:
            raise DatasetError(f"{path}: not a GGO agreements or parties file")
    if not agreements:
        raise DatasetError("import treaties: the agreements file (GGO_agreements.csv) is required")
    same_id: dict[str, list[int]] = {}
    for k, row in enumerate(agreements):
        same_id.setdefault(row.get("treatyID"), []).append(k)
    shared = {t: ks for t, ks in same_id.items() if len(ks) > 1}
    if shared:
        imp.report.notes.append(
            f"{len(shared)} treatyIDs name 2 or more different agreements "
            f"({sum(map(len, shared.values()))} agreements); party rows told apart by the "
            "title and signature date they repeat"
        )
    by_agreement: dict[int, list[Row]] = {}
    for r in party_rows:
        ks = same_id.get(r.get("treatyID"))
        if not ks:
            imp.report.skip("party row of a treaty not in the agreements file", r.ref)
            continue
        which = ks[0] if len(ks) == 1 else _which(r, ks, agreements)
        if which is None:
            imp.report.skip(
                "party row of a treatyID shared by several agreements, fitting none or several "
                "by title and signature",
                r.ref,
            )
            continue
        if len(ks) > 1:
            imp.report.mapped["party rows told apart among agreements sharing a treatyID"] += 1
        by_agreement.setdefault(which, []).append(r)
    ids: dict[str, str] = {}
    for k, row in enumerate(agreements):
        _agreement(imp, row, by_agreement.get(k, []), ids, only)
    for ins in imp.instruments:  # amendments point to their parent when it was imported
        parent = ins.pop("_parent", None)
        if parent and parent in ids:
            ins["amends"] = ids[parent]
    return imp


def _which(r: Row, candidates: list[int], agreements: list[Row]) -> int | None:
    """The agreement (index) a party row of a shared treatyID belongs to: the one whose title
    and signature date it repeats, else the only one with its signature date or its title,
    else the one whose title is clearly the most alike; None when none or several fit."""
    title, signed = r.get("Title").strip(), r.get("Signature").strip()

    def only(pred: object) -> int | None:
        hits = [k for k in candidates if pred(agreements[k])]  # type: ignore[operator]
        return hits[0] if len(hits) == 1 else None

    for pred in (
        lambda a: a.get("Title").strip() == title and a.get("Signature").strip() == signed,
        lambda a: a.get("Title").strip() == title,
        lambda a: a.get("Signature").strip() == signed,
    ):
        k = only(pred)
        if k is not None:
            return k
    pool = [k for k in candidates if agreements[k].get("Signature").strip() == signed]
    words = set(title.lower().split())

    def alike(k: int) -> float:  # the share of words the two titles have in common
        other = set(agreements[k].get("Title").lower().split())
        return len(words & other) / max(1, len(words | other))

    scores = sorted(((alike(k), k) for k in pool or candidates), reverse=True)
    best, k = scores[0]
    if best >= 0.5 and (len(scores) == 1 or best - scores[1][0] >= 0.1):
        return k
    return None


def _party(imp: Import, r: Row) -> Json | None:
    alias = imp.aliases.resolve(iso=r.get("stateID"), name=r.get("stateID"))
    dates = {
        k: _date(imp, r, k, "party row kept")
        for k in ("StateSignature", "StateRatification", "StateForce", "StateEnd")
    }
    if dates["StateRatification"]:
        how, when = "ratification", dates["StateRatification"]
    elif dates["StateSignature"]:
        how, when = "signature", dates["StateSignature"]
    elif dates["StateForce"]:
        how, when = "accession", dates["StateForce"]
    else:
        imp.report.skip(
            "party row without a readable signature, ratification or entry into force date", r.ref
        )
        return None
    actor = imp.actor(alias, ref=r.ref)
    party: Json = {"actor": actor, "how": how, "date": when}
    end = dates["StateEnd"]
    if end and not _before(end, when):
        party["until"] = end
    elif end:
        imp.report.skip("party end date before it joined (end dropped, party kept)", r.ref)
    given = "; ".join(
        f"{k} {r.get(k)}"
        for k in ("StateSignature", "StateRatification", "StateForce", "StateEnd")
        if r.get(k)
    )
    party["notes"] = f"GGO party row {r.ref}: {given}"
    imp.keep(r)
    return party


def _agreement(
    imp: Import, row: Row, party_rows: list[Row], ids: dict[str, str], only: set[str] | None
) -> None:
    tid = row.get("treatyID")
    parties: list[Json] = []
    first: dict[str, Json] = {}
    for r in party_rows:
        p = _party(imp, r)
        if p is None:
            continue
        if p["actor"] in first:  # GGO lists some states twice: one party, every row in notes
            kept = first[p["actor"]]
            notes = kept["notes"] + "; also " + p["notes"]
            if _before(p["date"], kept["date"]):  # the party joins on its earliest date
                kept.clear()
                kept.update(p)
            kept["notes"] = notes
            imp.report.skip(
                "repeated party row of a state already a party of the agreement (merged into "
                "one party; its dates kept in the party's notes)",
                r.ref,
            )
            continue
        first[p["actor"]] = p
        parties.append(p)
    if only is not None and not ({p["actor"] for p in parties} & only):
        imp.report.skip("no party among the actors asked for (--only)", row.ref)
        return
    signed = _date(imp, row, "Signature", "instrument kept")
    force = _date(imp, row, "Force", "instrument kept")
    end = _date(imp, row, "End", "instrument kept")
    if signed and force and _before(force, signed):
        imp.report.skip("entry into force before signature (force date left out)", row.ref)
        force = None
    start = force or signed
    if end and start and _before(end, start):
        imp.report.skip("end before signature or entry into force (end left out)", row.ref)
        end = None
    ident = imp.new_id(_slug(tid))
    ids[tid] = ident
    ins: Json = {
        "id": ident,
        "name": row.get("Title").strip() or tid,
        "kind": _kind(row),
        "aliases": [tid],
    }
    if signed:
        ins["signed"] = signed
    if force:
        ins["in_force"] = force
    if end:
        ins["ended"] = end
    ins["parties"] = parties
    ins["sources"] = [imp.cite(row)]
    ins["notes"] = (
        f"GGO agreement row {row.ref}; domain {row.get('TypeDomain') or '-'}, "
        f"subject {row.get('TypeSubject') or '-'}"
    )
    if ":" in tid:
        ins["_parent"] = tid.split(":", 1)[1]
    imp.instruments.append(ins)
    imp.count(ins, "instruments")
    for p in parties:
        imp.count(p, "parties")
