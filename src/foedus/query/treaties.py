"""The ``treaty`` and ``treaties`` answers: one instrument, and the instruments binding two
actors on a day, shared by them, of a party, in force, or every one."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

from sqlglot import exp

from foedus.build import binding
from foedus.engine.timepoints import query_point
from foedus.errors import UserError
from foedus.query.common import (
    COLUMNS,
    Row,
    arg,
    col,
    lit,
    name_of,
    one_of,
    rows_of,
    run,
    shared,
    sharing,
)
from foedus.query.common import read_ahead as ahead
from foedus.query.nodes import event_words
from foedus.rules.library.vocabulary import BINDS, IN_FORCE, PARTY_TO, SOVEREIGN
from foedus.shapes import Json

if TYPE_CHECKING:
    from foedus.query.base import KnowledgeBase


def all_treaties(kb: KnowledgeBase, party: str | None = None) -> Json:
    """``{"treaties": [Instrument]}`` without a day: those ``party`` was ever party to, or
    every instrument; sorted by date of signature."""
    query = exp.select(col("id", "i")).from_("instruments AS i", copy=False)
    if party is not None:
        actor_id = kb.resolver.actor(party).id
        sub = (
            exp.select(exp.Literal.number(1))
            .from_("parties AS p", copy=False)
            .where(col("instrument_id", "p").eq(col("id", "i")), copy=False)
            .where(col("actor_id", "p").eq(lit(actor_id)), copy=False)
        )
        query = query.where(exp.Exists(this=sub), copy=False)
    query = query.order_by(
        exp.Ordered(this=col("signed_earliest", "i"), nulls_first=False), col("id", "i"), copy=False
    )
    ids = [r[0] for r in run(kb, query)]
    found = kb.instruments_by_id(ids)  # made together (a Parquet corpus's)
    return {"treaties": [kb.render.instrument(found[i]) for i in ids]}


def treaties_on(
    kb: KnowledgeBase, between: tuple[str, str] | None, party: str | None, on: date | None
) -> Json:
    """``treaties`` with the temporal filters: see :meth:`foedus.query.KnowledgeBase.treaties`."""
    if on is not None:
        return next(treaties_each_day(kb, between, party, [on]))
    found: dict[str, str] = {}
    if between is not None:
        a, b = (kb.resolver.actor(x).id for x in between)
        joined: dict[str, set[str]] = {}
        for x in dict.fromkeys((a, b)):
            for r in rows_of(kb, "joined", naming_actor=x, args={0: x}):
                joined.setdefault(r.args[1], set()).add(r.args[0])
        for ins_id in kb.corpus.instruments_with_parties((a, b)):
            joined.setdefault(ins_id, set()).update({a, b})
        for ins_id, who in joined.items():
            if who >= {a, b}:
                found[ins_id] = "certain"
        if party is not None:
            pid = kb.resolver.actor(party).id
            found = {i: c for i, c in found.items() if _has_party(kb, i, pid)}
    elif party is not None:
        return all_treaties(kb, party=party)
    return {"treaties": [_rendered(kb, i, found[i], None) for i in _by_signature(kb, found)]}


def treaties_each_day(
    kb: KnowledgeBase,
    between: tuple[str, str] | None,
    party: str | None,
    days: Sequence[date],
    span: tuple[date, date] | None = None,
) -> Iterator[Json]:
    """The answers of :func:`treaties_on` on each of ``days`` in turn, read at once: the rows
    of ``binds`` (``between``), ``party_to`` (``party``) or ``in_force`` that hold on some day
    from the first of ``days`` to the last, in one query, and the ``in_force`` rows of every
    perspective for the instruments found certainly on some day (:func:`_unknown_ends`) in
    another; each day's answer is then made from these rows, when it is asked for (a caller
    that has seen enough stops). ``span``: read the rows of these days instead (first, last),
    a range that holds ``days``."""
    points = [query_point(d) for d in days]
    if not points:
        return
    during = (min(points), max(points))
    if span is not None:
        during = (query_point(span[0]), query_point(span[1]))
    rows: list[Row]
    if between is not None:
        a, b = (kb.resolver.actor(x).id for x in between)
        rows, position = _binds(kb, a, b, during), 0
    elif party is not None:
        pid = kb.resolver.actor(party).id
        rows, position = rows_of(kb, PARTY_TO, naming_actor=pid, args={0: pid}, during=during), 1
    else:
        rows, position = rows_of(kb, IN_FORCE, during=during), 0
    kb.instruments_by_id({r.args[position] for r in rows})  # made together, read below
    wanted = kb.resolver.actor(party).id if between is not None and party is not None else None
    # a party's instruments on a day are those it was party to that were in force that day
    # (as ``binds`` is for two): an instrument that has ended binds its former parties to
    # nothing, though their ``party_to`` rows go on
    in_force: dict[str, list[Row]] | None = None
    if between is None and party is not None:
        ids = sorted({r.args[position] for r in rows})
        in_force = _in_force_rows(kb, ids, [kb.perspective])[kb.perspective] if ids else {}
    each_day: list[dict[str, str]] = []
    for t in points:
        found: dict[str, str] = {}
        for r in rows:
            if r.holds_at(t):
                _better(found, r.args[position], r.certainty)
        if wanted is not None:
            found = {i: c for i, c in found.items() if _has_party(kb, i, wanted)}
        if in_force is not None:
            found = _while_in_force(found, in_force, t)
        each_day.append(found)
    certain = sorted({i for found in each_day for i, c in found.items() if c == "certain"})
    views = [kb.perspective, *(p.id for p in kb.corpus.perspectives if p.id != kb.perspective)]
    ends = _in_force_rows(kb, certain, views) if certain and len(views) > 1 else {}
    # an instrument found on many days is rendered once (on a large corpus, rendering its
    # parties is most of the time of a range's answer); each day's answer has its own dict
    rendered: dict[str, Json] = {}
    for t, found in zip(points, each_day, strict=True):
        notes = _unknown_ends(kb, found, t, views, ends)
        answer = []
        for i in _by_signature(kb, found):
            if i not in rendered:
                rendered[i] = kb.render.instrument(kb.instrument(i))
            certainty = "possible" if i in notes else found[i]
            answer.append({**rendered[i], "certainty": certainty, "certainty_note": notes.get(i)})
        yield {"treaties": answer}


def read_ahead(kb: KnowledgeBase, pairs: Sequence[Sequence[str]], span: tuple[date, date]) -> None:
    """While :func:`foedus.query.common.shared_reads` is open: what :func:`treaties_on`
    without a day and :func:`treaties_each_day` over ``span`` read for each pair of actors of
    ``pairs`` (the members of a group, each with the same other actor), read for all of them
    at once (:func:`foedus.query.common.read_ahead`)."""
    try:
        ids = [(kb.resolver.actor(a).id, kb.resolver.actor(b).id) for a, b in pairs]
    except UserError:
        return  # the pair's own read says which name is unknown
    actors = dict.fromkeys(x for pair in ids for x in pair)
    ahead(kb, "joined", [(x, {0: x}) for x in actors])
    during = (query_point(span[0]), query_point(span[1]))
    ahead(kb, BINDS, [(a, {1: a, 2: b}) for a, b in ids], during)


#: Pairs of actors whose rows of ``binds`` a knowledge base keeps (:func:`_binds`).
KEPT_PAIRS = 256


def _binds(kb: KnowledgeBase, a: str, b: str, during: tuple[int, int]) -> list[Row]:
    """The rows of ``binds(T, a, b)`` that hold at some time point of ``during``. Where
    ``binds`` is computed on demand (:mod:`foedus.build.binding`: one query over both
    actors' memberships, most of a warm answer's time on a large corpus), the rows of every
    day are read once per perspective and pair of actors and kept with the knowledge base
    (the :data:`KEPT_PAIRS` last asked; its database does not change), so that the same
    pair on another day, or again, reads nothing. Under :func:`foedus.query.common.shared_reads`
    the rows are read as before (what :func:`read_ahead` read for the question)."""
    if sharing() or not _on_demand(kb):
        binds = rows_of(kb, BINDS, naming_actor=a, args={1: a, 2: b}, during=during)
        return [r for r in binds if len(r.args) == 3]
    kept: OrderedDict[tuple[str, str, str], list[Row]]
    kept = kb.__dict__.setdefault("_binds_kept", OrderedDict())
    key = (kb.perspective, a, b)
    if key in kept:
        kept.move_to_end(key)
    else:
        binds = rows_of(kb, BINDS, naming_actor=a, args={1: a, 2: b})
        kept[key] = [r for r in binds if len(r.args) == 3]
        while len(kept) > KEPT_PAIRS:
            kept.popitem(last=False)
    lo, hi = during
    return [r for r in kept[key] if r.start <= hi and (r.end is None or lo < r.end)]


def _on_demand(kb: KnowledgeBase) -> bool:
    """Whether ``binds`` is computed on demand under this perspective."""
    return BINDS in binding.on_demand_in(kb, kb.perspective)


def _has_party(kb: KnowledgeBase, ins_id: str, actor_id: str) -> bool:
    return actor_id in {p.actor for p in kb.instrument(ins_id).parties}


def _by_signature(kb: KnowledgeBase, found: dict[str, str]) -> list[str]:
    return sorted(found, key=lambda i: (_signed(kb, i), i))


def _rendered(kb: KnowledgeBase, ins_id: str, certainty: str, note: str | None) -> Json:
    j = kb.render.instrument(kb.instrument(ins_id))
    j["certainty"] = certainty
    j["certainty_note"] = note
    return j


def _unknown_ends(
    kb: KnowledgeBase,
    found: dict[str, str],
    t: int,
    views: list[str],
    rows: dict[str, dict[str, list[Row]]],
) -> dict[str, str]:
    """For each instrument found ``certain`` on time point ``t`` whose end neither the corpus
    nor this perspective's rules give (its ``in_force`` is open-ended here) while another
    perspective's rules end it by ``t``: why it is only possible that it was still in force
    (docs/decisions/0008-how-instruments-end.md). ``views``: this perspective, then the others;
    ``rows``: their rows of ``in_force`` (:func:`_in_force_rows`) of these instruments."""
    ids = sorted(i for i, c in found.items() if c == "certain")
    if not ids or len(views) < 2:
        return {}
    out: dict[str, str] = {}
    for ins_id in ids:
        here = [r for r in rows[kb.perspective][ins_id] if r.holds_at(t)]
        if not here or any(r.end is not None for r in here):
            continue
        for other in views[1:]:
            theirs = rows[other][ins_id]
            if any(r.holds_at(t) and r.certainty == "certain" for r in theirs):
                continue
            ended = [r for r in theirs if r.end is not None and r.start <= t]
            if not ended:
                continue
            last = max(ended, key=lambda r: r.end or 0)
            ev = kb.event_record(last.terminated_by) if last.terminated_by else None
            by = f" with this event: {ev.summary.rstrip('.')} ({ev.date.text})" if ev else ""
            out[ins_id] = (
                "The source gives no end, and the rules of the "
                f"{kb.perspective} perspective end it by no event; under the {other} "
                f"perspective it ends{by}. Whether it was still in force on this day is not "
                "known."
            )
            break
    return out


def _in_force_rows(
    kb: KnowledgeBase, ids: list[str], views: list[str]
) -> dict[str, dict[str, list[Row]]]:
    """The rows of ``in_force`` of instruments ``ids`` in each perspective of ``views``: one
    read of ``fluents`` for those that store it."""
    out: dict[str, dict[str, list[Row]]] = {v: {i: [] for i in ids} for v in views}
    stored = []
    for v in views:
        if binding.rows_for(kb, IN_FORCE, v, {0: ids[0]}, None) is None:
            stored.append(v)
        else:  # computed on demand in this database
            for i in ids:
                out[v][i] = rows_of(kb, IN_FORCE, v, args={0: i})
    if not stored:
        return out
    query = (
        exp.select(col("perspective"), *map(col, COLUMNS))
        .from_("fluents", copy=False)
        .where(col("fluent").eq(lit(IN_FORCE)), one_of(col("perspective"), stored), copy=False)
        .order_by(col("start"), copy=False)
    )
    if sharing():  # every instrument's rows (a few per instrument), read once for the question
        found = shared(("in_force", *sorted(stored)), lambda: run(kb, query))
    else:
        found = run(kb, query.where(one_of(arg(0), ids), copy=False))
    for r in found:
        if r[2][0] in out[r[0]]:
            out[r[0]][r[2][0]].append(Row(r[1], tuple(r[2]), *r[3:]))
    return out


def _while_in_force(
    found: dict[str, str], in_force: dict[str, list[Row]], t: int
) -> dict[str, str]:
    """The instruments of ``found`` (id -> certainty) in force at time point ``t`` by their
    rows of ``in_force``: certain where both are, else possible."""
    out: dict[str, str] = {}
    for ins_id, certainty in found.items():
        held: dict[str, str] = {}
        for r in in_force.get(ins_id, ()):
            if r.holds_at(t):
                _better(held, ins_id, r.certainty)
        if ins_id in held:
            both = certainty == "certain" and held[ins_id] == "certain"
            out[ins_id] = "certain" if both else "possible"
    return out


def _better(found: dict[str, str], key: str, certainty: str) -> None:
    if found.get(key) != "certain":
        found[key] = certainty


def _signed(kb: KnowledgeBase, ins_id: str) -> str:
    ins = kb.instrument(ins_id)
    return ins.signed.earliest.isoformat() if ins.signed else "9999"


def why_none(
    kb: KnowledgeBase, between: tuple[str, str] | None, party: str | None, on: date
) -> str | None:
    """Why ``treaties --on`` found no instrument, where the engine's rows say it: an actor
    asked about had joined instruments in force that day (with the other, for ``between``)
    but was party to none of them, because it was not sovereign in this perspective (its
    rules make a party only of a sovereign state: ``party_while_sovereign``); with the rule,
    and the event that ended its sovereignty, as the source dates it. None when no actor is
    asked about, or when the rows give no such reason (they shared no instrument in force)."""
    names = [*(between or ()), *((party,) if party else ())]
    ids = list(dict.fromkeys(kb.resolver.actor(n).id for n in names))
    if not ids:
        return None
    t = query_point(on)
    joined = {
        x: {r.args[1] for r in rows_of(kb, "joined", naming_actor=x, args={0: x}, at=t)}
        for x in ids
    }
    shared = set.intersection(*joined.values()) if between is not None else joined[ids[0]]
    if not shared:
        return None
    in_force = {r.args[0] for r in rows_of(kb, IN_FORCE, at=t) if r.args[0] in shared}
    if not in_force:
        return None
    rules = [r for r in kb.rule_book.rules(kb, kb.perspective) if r.fluent == PARTY_TO]
    for x in ids:
        if rows_of(kb, SOVEREIGN, naming_actor=x, args={0: x}, at=t):
            continue
        ended = [
            r
            for r in rows_of(kb, SOVEREIGN, naming_actor=x, args={0: x})
            if r.end is not None and r.end <= t
        ]
        last = max(ended, key=lambda r: r.end or 0) if ended else None
        ev = kb.event_record(last.terminated_by) if last and last.terminated_by else None
        by = f": its sovereignty ended with {event_words(ev)}" if ev is not None else ""
        said = "; ".join(r.text for r in rules)
        of = sorted(in_force, key=lambda i: (_signed(kb, i), i))
        which = ", ".join(kb.instrument(i).name for i in of)
        return (
            f"{name_of(kb, x)} had joined instruments in force on {on.isoformat()} "
            f"({which}) but was party to none of them under the {kb.perspective} "
            f"perspective, because it was not sovereign in that view{by}. The rule: {said}"
        )
    return None
