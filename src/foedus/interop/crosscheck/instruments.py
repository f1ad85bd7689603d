"""Cross-check against treaty datasets (ATOP member-level file; GGO agreements + parties): each
instrument of the corpus matched to the dataset's instrument with the same parties nearest in
date (:func:`match`); its start, end and parties compared."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from foedus.errors import UserError
from foedus.interop.aliases import AliasTable
from foedus.interop.crosscheck.check import Check, _row_source
from foedus.interop.importers.base import Row, date_bounds, messy_date, read_rows, sniff_header, ymd
from foedus.shapes import Json


def compare_instruments(check: Check, kind: str, paths: list[Path]) -> None:
    data = _atop(paths, check.aliases) if kind == "atop" else _ggo(paths, check.aliases)
    against = ", ".join(p.name for p in paths)
    compared: list[tuple[Any, dict[str, Any], Any]] = []
    for ins in check.kb.corpus.instruments:
        ours: dict[str, Any] = {}
        for p in ins.parties:
            a = next(x for x in check.kb.corpus.actors if x.id == p.actor)
            alias = check.aliases.resolve(
                cow=a.cow[0] if a.cow else None,
                iso=a.iso3166[-1] if a.iso3166 else None,
                name=a.name,
            )
            ours.setdefault(alias.id, p)
        if len(ours) < 2 or (check.only and not check.only & {p.actor for p in ins.parties}):
            continue
        start = ins.in_force or ins.signed
        if start is None:
            continue
        compared.append((ins, ours, start))
    for ins, ours, start, d, how, part in match(compared, data):
        if d is None:
            check.add(
                ins.id,
                "instrument",
                {"value": None},
                {
                    "value": ins.name,
                    "source": {
                        "id": ins.id,
                        "what": ins.name,
                        "date": start.text,
                        "quote": ins.sources[0].quote if ins.sources else None,
                    },
                },
                "missing",
                "no instrument of the dataset matches (by id or name, or, for a main "
                "instrument, by the same parties within a year)",
                against,
            )
            continue
        src = {"file": d["row"].file, "line": d["row"].line, "row": d["row"].raw}
        ours_src = {
            "id": ins.id,
            "what": ins.name,
            "quote": ins.sources[0].quote if ins.sources else None,
        }
        subject = f"{ins.id} ~ {d['id']}"
        if part and ins.amends:
            check.add(
                subject,
                "instrument",
                {"value": f"{d['id']} from {d['begin_text']}", "source": src},
                {"value": f"{ins.name} ({start.text})", "source": {**ours_src, "date": start.text}},
                "not compared",
                f"matched {how}; an amendment is dated after what it amends, so its days are "
                "not compared with the instrument's",
                against,
            )
            continue
        day = d["begin"][0] if d["begin"][0] == d["begin"][1] else None
        v, note = (
            check.verdict(day, start.earliest, start.latest)
            if day
            else (
                "consistent"
                if d["begin"][0] <= start.latest and start.earliest <= d["begin"][1]
                else "disagree",
                "both dates are ranges",
            )
        )
        check.add(
            subject,
            "start",
            {"value": d["begin_text"], "source": src},
            {"value": start.text, "source": {**ours_src, "date": start.text}},
            v,
            f"{note}; matched {how}",
            against,
        )
        if part:  # a secret part begins with its instrument; its end and parties are the whole's
            continue
        end_d = d["end"]
        if ins.ended is None and end_d is None:
            v, note = "agree", "both open"
        elif ins.ended is None or end_d is None:
            v, note = "missing", "one side gives no end"
        elif end_d[0] == end_d[1]:
            v, note = check.verdict(end_d[0], ins.ended.earliest, ins.ended.latest)
        else:
            v, note = (
                "consistent"
                if end_d[0] <= ins.ended.latest and ins.ended.earliest <= end_d[1]
                else "disagree",
                "both dates are ranges",
            )
        check.add(
            subject,
            "end",
            {"value": d["end_text"], "source": src},
            {
                "value": ins.ended.text if ins.ended else None,
                "source": {**ours_src, "date": ins.ended.text if ins.ended else None},
            },
            v,
            note,
            against,
        )
        for member, (jlo, jtext, mrow) in sorted(d["joins"].items()):
            p = ours[member]
            v, note = check.verdict(jlo, p.date.earliest, p.date.latest)
            check.add(
                subject,
                f"party {p.actor} joins",
                {"value": jtext, "source": _row_source(mrow)},
                {
                    "value": p.date.text,
                    "source": {
                        "id": ins.id,
                        "what": f"party {p.actor} ({p.how})",
                        "quote": p.sources[0].quote if p.sources else None,
                    },
                },
                v,
                note,
                against,
            )


#: Instrument kinds matched to a dataset's instrument only by id or name (or as a part of
#: one, below), never on their own by parties and date: a protocol, a secret protocol or a
#: declaration is not the alliance or treaty its parties made that day.
SECONDARY = ("protocol", "secret-protocol", "declaration")


def _key(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _secret(d: Json) -> bool:
    """Whether the dataset codes secret content in the instrument (ATOP ``pubsecr`` 1: "public
    but have provisions requiring that the content of one or more articles remain secret", 2:
    the entire content; ATOP v5.1 codebook p. 18)."""
    return d.get("pubsecr") in ("1", "2")


def match(
    compared: list[tuple[Any, dict[str, Any], Any]], data: list[Json]
) -> list[tuple[Any, dict[str, Any], Any, Json | None, str, bool]]:
    """Each corpus instrument with the dataset instrument it is (or None), how it was
    matched, and whether it is only a part of that instrument: first by id (an alias such as
    ``ATOP 2470`` or a GGO ``treatyID``) or by name (a GGO title), then, for a main
    instrument (not a protocol or declaration, amending nothing), by the same parties nearest
    in date within a year. A dataset instrument matches one corpus instrument at most, except
    for its parts: a secret protocol of the same parties within a year of a dataset
    instrument that codes secret articles (ATOP ``pubsecr`` 1 or 2) is that instrument's
    secret part, and an instrument that amends one matched to an ATOP alliance is part of that
    alliance (ATOP keeps an amended alliance as one, codebook section 1.53; GGO lists an
    amendment as an agreement of its own)."""
    ids = Counter(_key(d["id"]) for d in data)
    by_id = {_key(d["id"]): d for d in data if ids[_key(d["id"])] == 1}
    by_name: dict[str, list[Json]] = {}
    for d in data:
        if d.get("title"):
            by_name.setdefault(_key(d["title"]), []).append(d)
    taken: set[int] = set()
    found: dict[str, tuple[Json, str, bool]] = {}
    for ins, _, _ in compared:
        for alias in ins.aliases:
            hit = by_id.get(_key(alias))
            if hit is not None and id(hit) not in taken:
                found[ins.id] = (hit, f"by id: the corpus names it {alias!r}", False)
                taken.add(id(hit))
                break
        else:
            for name in (ins.name, *ins.aliases):
                ds = [d for d in by_name.get(_key(name), []) if id(d) not in taken]
                if len(ds) == 1:
                    found[ins.id] = (ds[0], f"by name: {name!r}", False)
                    taken.add(id(ds[0]))
                    break
    pairs = []
    for ins, ours, start in compared:
        if ins.id in found or ins.kind in SECONDARY or ins.amends:
            continue
        for d in data:
            gap = abs((d["begin"][0] - start.earliest).days)
            if set(d["members"]) == set(ours) and gap <= 366:
                pairs.append((gap, ins.id, d))
    for gap, ins_id, d in sorted(pairs, key=lambda x: (x[0], x[1])):
        if ins_id not in found and id(d) not in taken:
            found[ins_id] = (d, f"by parties and date ({_days(gap)} apart)", False)
            taken.add(id(d))
    # parts: secret protocols of an instrument coded with secret articles, then amendments
    for ins, ours, start in compared:
        if ins.id in found or ins.kind != "secret-protocol" or ins.amends:
            continue
        near = sorted(
            (abs((d["begin"][0] - start.earliest).days), d["id"], d)
            for d in data
            if _secret(d) and set(d["members"]) == set(ours)
        )
        if near and near[0][0] <= 366:
            gap, _, d = near[0]
            found[ins.id] = (
                d,
                f"as its secret part: the same parties, {_days(gap)} apart, and {d['id']} codes "
                f"secret articles (pubsecr {d['pubsecr']}, secrart {d.get('secrart')})",
                True,
            )
    by_ins = {ins.id: ins for ins, _, _ in compared}
    for _ in range(len(compared)):  # an amendment of an amendment: follow the chain
        grew = False
        for ins, _, _ in compared:
            if ins.id in found or not ins.amends or ins.amends not in found:
                continue
            d = found[ins.amends][0]
            if "pubsecr" not in d:  # only ATOP keeps amendments in the alliance; GGO lists them
                continue
            amended = by_ins[ins.amends].name
            found[ins.id] = (d, f"as part of it: it amends {amended}, matched to {d['id']}", True)
            grew = True
        if not grew:
            break
    out: list[tuple[Any, dict[str, Any], Any, Json | None, str, bool]] = []
    for ins, ours, start in compared:
        if ins.id in found:
            out.append((ins, ours, start, *found[ins.id]))
        else:
            out.append((ins, ours, start, None, "", False))
    return out


def _atop(paths: list[Path], aliases: AliasTable) -> list[Json]:
    out: dict[str, Json] = {}
    for path in paths:
        head = set(sniff_header(path))
        if not {"atopid", "member", "yrent"} <= head:
            continue
        _, rows = read_rows(path)
        for r in rows:
            aid = r.get("atopid")
            alias = aliases.resolve(cow=r.get("member"))
            entered = ymd(r.get("yrent"), r.get("moent"), r.get("dayent"))
            exited = (
                None
                if r.get("ineffect").strip() == "1"
                else ymd(r.get("yrexit"), r.get("moexit"), r.get("dayexit"))
            )
            if entered is None:
                continue
            b = date_bounds(entered)
            assert b is not None
            d = out.setdefault(
                aid,
                {
                    "id": f"ATOP {aid}",
                    "members": [],
                    "joins": {},
                    "row": r,
                    "begin": b,
                    "begin_text": entered,
                    "end": None,
                    "end_text": None,
                    "pubsecr": r.get("pubsecr").strip(),
                    "secrart": r.get("secrart").strip(),
                },
            )
            if alias.id not in d["members"]:
                d["members"].append(alias.id)
                d["joins"][alias.id] = (b[0] if b[0] == b[1] else None, entered, r)
            if b[0] < d["begin"][0]:
                d["begin"], d["begin_text"], d["row"] = b, entered, r
            e = date_bounds(exited) if exited else None
            if e is not None and (d["end"] is None or e[1] > d["end"][1]):
                d["end"], d["end_text"] = e, exited
    if not out:
        raise UserError("crosscheck --against atop: give the ATOP member-level file (atop5_1m.csv)")
    return list(out.values())


def _ggo(paths: list[Path], aliases: AliasTable) -> list[Json]:
    from foedus.interop.importers.treaties import _which

    agreements: list[Row] = []
    party_rows: list[Row] = []
    for path in paths:
        head = set(sniff_header(path))
        _, rows = read_rows(path)
        if "stateid" in head:
            party_rows += rows
        elif "treatyid" in head:
            agreements += rows
    if not agreements or not party_rows:
        raise UserError(
            "crosscheck --against treaties: give GGO_agreements.csv and GGO_parties.csv"
        )
    same_id: dict[str, list[int]] = {}
    for k, row in enumerate(agreements):
        same_id.setdefault(row.get("treatyID"), []).append(k)
    parties: dict[int, list[Row]] = {}
    for r in party_rows:  # a treatyID GGO reuses: the agreement whose title the row repeats
        ks = same_id.get(r.get("treatyID"))
        which = (ks[0] if len(ks) == 1 else _which(r, ks, agreements)) if ks else None
        if which is not None:
            parties.setdefault(which, []).append(r)
    out = []
    for k, row in enumerate(agreements):
        tid = row.get("treatyID")
        begin = messy_date(row.get("Force")) or messy_date(row.get("Signature"))
        b = date_bounds(begin)
        if b is None:
            continue
        end = messy_date(row.get("End"))
        d: Json = {
            "id": tid,
            "title": row.get("Title"),
            "members": [],
            "joins": {},
            "row": row,
            "begin": b,
            "begin_text": row.get("Force") or row.get("Signature"),
            "end": date_bounds(end),
            "end_text": row.get("End"),
        }
        for r in parties.get(k, []):
            alias = aliases.resolve(iso=r.get("stateID"), name=r.get("stateID"))
            if alias.id in d["members"]:
                continue
            d["members"].append(alias.id)
            joined = messy_date(r.get("StateSignature")) or messy_date(r.get("StateForce"))
            jb = date_bounds(joined)
            d["joins"][alias.id] = (
                jb[0] if jb and jb[0] == jb[1] else None,
                r.get("StateSignature") or r.get("StateForce"),
                r,
            )
        out.append(d)
    return out
