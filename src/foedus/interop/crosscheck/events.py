"""Cross-check against event datasets (MID participants' highest actions; territorial changes):
corpus events beside the dataset's, the same actor against a common target within a year."""

from __future__ import annotations

from pathlib import Path

from foedus.interop.crosscheck.check import Check, _event_source, _text
from foedus.interop.importers.base import date_bounds


def compare_events(check: Check, kind: str, paths: list[Path]) -> None:
    """Corpus events beside a dataset's (MID participants' highest actions; territorial
    changes): the same actor against a common target within a year of each other. Each
    corpus event of the dataset's event types is matched to the nearest such dataset
    event; an event on either side with no counterpart is listed as missing (a dataset
    event only when both its sides are corpus actors and it falls in the corpus's period;
    when the corpus records no event at all between its actor and a target, it is listed as
    ``not compared``: a difference of scope, not a gap)."""
    from foedus.interop.importers.mid import HIGHEST_ACTION, import_mid
    from foedus.interop.importers.territorial import PROCEDURES, import_territorial

    if kind == "mid":
        imp = import_mid(paths, check.aliases)
        # the corpus's occupations of a state are occupations of its territory to MID, and
        # its naval blockades are blockades (MID 13, ``blockade``: not said to be naval)
        types = {t for t, _ in HIGHEST_ACTION.values()}
        types |= {"invasion", "occupation", "naval_blockade"}
    else:
        imp = import_territorial(paths, check.aliases)
        types = {t for t, _ in PROCEDURES.values()}
        types |= {"annexation_of_territory", "incorporation", "other"}
    against = ", ".join(p.name for p in paths)
    period = check.period()
    theirs = []
    for e in imp.events:
        lo, hi = date_bounds(e["date"])  # type: ignore[misc]
        theirs.append((e, lo, hi))
    mine = [
        e
        for e in check.kb.corpus.events
        if e.type in types
        and e.targets
        and (not check.only or check.only & {*e.actors, *e.targets})
    ]
    corpus_aliases = {check.alias_of(a.id) for a in check.kb.corpus.actors}
    # the pairs of states the corpus records any event between (either way): its scope
    dyads = {
        frozenset((check.alias_of(a), check.alias_of(t)))
        for e in check.kb.corpus.events
        for a in e.actors
        for t in e.targets
    }
    pairs = []
    for e in mine:
        acts = {check.alias_of(a) for a in e.actors}
        tgts = {check.alias_of(t) for t in e.targets}
        for k, (d, lo, hi) in enumerate(theirs):
            if not (acts & set(d["actors"]) and tgts & set(d["targets"])):
                continue
            gap = max((lo - e.date.latest).days, (e.date.earliest - hi).days, 0)
            if gap <= 366:
                pairs.append((gap, e.id, k))
    found: dict[str, int] = {}
    taken: set[int] = set()
    for _, eid, k in sorted(pairs):
        if eid not in found and k not in taken:
            found[eid] = k
            taken.add(k)
    for e in mine:
        cs = {
            "id": e.id,
            "what": e.summary,
            "date": e.date.text,
            "quote": e.sources[0].quote if e.sources else None,
        }
        corpus = {"value": f"{e.type} {e.date.text}", "source": cs}
        if e.id not in found:
            check.add(
                e.id,
                "event",
                {"value": None},
                corpus,
                "missing",
                "no event of the dataset by the same actor against a common target within a year",
                against,
            )
            continue
        d, lo, hi = theirs[found[e.id]]
        dsrc = _event_source(d)
        if lo == hi == e.date.earliest == e.date.latest:
            v, note = "agree", "same day"
        elif lo <= e.date.latest and e.date.earliest <= hi:
            v, note = "consistent", f"the dates overlap ({lo} – {hi} in the dataset)"
        else:
            days = (lo - e.date.latest).days if lo > e.date.latest else (hi - e.date.earliest).days
            v = "disagree"
            note = f"dataset {abs(days)} days {'later' if days > 0 else 'earlier'}"
        check.add(
            f"{e.id} ~ {d['id']}",
            "event",
            {
                "value": f"{d['type']} {_text(d['date'])}",
                "source": dsrc,
            },
            corpus,
            v,
            f"{note}; corpus {e.type}, dataset {d['type']}",
            against,
        )
    for k, (d, lo, hi) in enumerate(theirs):
        if k in taken or hi < period[0] or lo > period[1]:
            continue
        sides = {*d["actors"], *d["targets"]}
        if not sides <= corpus_aliases:
            continue
        if check.only and not {check.alias_of(a) for a in check.only} & sides:
            continue
        covered = any(
            frozenset((a, t)) in dyads for a in d["actors"] for t in d["targets"] if a != t
        )
        check.add(
            d["id"],
            "event",
            {
                "value": f"{d['type']} {_text(d['date'])}",
                "source": _event_source(d),
            },
            {"value": None},
            "missing" if covered else "not compared",
            "the corpus has no event of these actors within a year"
            if covered
            else "a difference of scope: the corpus records no event between these states",
            against,
        )
