"""``foedus import treaties``: GGO/manytreaties agreements and their parties.

``GGO_agreements.csv`` gives instruments (title, signature, entry into force, end);
``GGO_parties.csv`` gives each state's signature, ratification, entry into force and end.
Dates are ``messydates``: ``1981-02-18?`` (uncertain day) is read as its month, ``1964-06`` as
the month, ``a..b`` as the range; ``9999-12-31`` means no end. Treaty ids ``A:B`` (an
amendment or protocol of ``B``) become instruments that amend ``B``.

A party joins by ratification (on its ratification day) where the data give one, else by
signature, else by accession on its own entry into force; it leaves on its own end. Every date
the data give for the party is kept in its notes.
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
    by_treaty: dict[str, list[Row]] = {}
    for r in party_rows:
        by_treaty.setdefault(r.get("treatyID"), []).append(r)
    known = {r.get("treatyID") for r in agreements}
    for r in party_rows:
        if r.get("treatyID") not in known:
            imp.report.skip("party row of a treaty not in the agreements file", r.ref)
    ids: dict[str, str] = {}
    for row in agreements:
        _agreement(imp, row, by_treaty.get(row.get("treatyID"), []), ids, only)
    for ins in imp.instruments:  # amendments point to their parent when it was imported
        parent = ins.pop("_parent", None)
        if parent and parent in ids:
            ins["amends"] = ids[parent]
    return imp


def _party(imp: Import, r: Row) -> Json | None:
    alias = imp.aliases.resolve(iso=r.get("stateID"), name=r.get("stateID"))
    dates = {
        k: messy_date(r.get(k))
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
    for r in party_rows:
        p = _party(imp, r)
        if p is not None:
            parties.append(p)
    if only is not None and not ({p["actor"] for p in parties} & only):
        imp.report.skip("no party among the actors asked for (--only)", row.ref)
        return
    signed = messy_date(row.get("Signature"))
    force = messy_date(row.get("Force"))
    end = messy_date(row.get("End"))
    for what, raw, val in (
        ("signature", row.get("Signature"), signed),
        ("force", row.get("Force"), force),
    ):
        if raw and val is None and not raw.startswith("9999"):
            imp.report.skip(f"unreadable {what} date (left out, instrument kept)", row.ref)
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
    imp.report.mapped["instruments"] += 1
    imp.report.mapped["parties"] += len(parties)
