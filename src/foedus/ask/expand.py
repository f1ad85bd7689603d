"""Run a query over a range of days, or for each member of a group, with the public query API.

A ``treaties`` question about a range ("in 1939", "in early 1940") asks which instruments were
in force (or binding, or the actor party) *at any time* in it. Whether a treaty binds changes
anew only on a day an instrument is signed, enters into force or gains a party (an end only
removes one). :func:`treaties_over` therefore takes the answer of :meth:`KnowledgeBase.treaties`
on the range's first day and on each such day inside the range, of the instruments the actors
ever shared (or the actor was ever party to), and merges the answers (an instrument found on
any of them, ``certain`` where it was certain on one). The answers of all these days are read
in one query (:func:`foedus.query.treaties.treaties_each_day`), not one query a day.

A group ("the Baltic states") stands for its members: :func:`run` asks the query once per
member, the group's id replaced by the member's, and merges the answers' lists (treaties by id,
breaches by event, treaty and clause); events are read once, without the group's role, and kept
where a member plays it.
"""

from __future__ import annotations

import contextvars
import json
import weakref
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from foedus.ask.question import Query
    from foedus.query import KnowledgeBase

Json = dict[str, Any]
T = TypeVar("T")
R = TypeVar("R")

_VIEWS: weakref.WeakKeyDictionary[KnowledgeBase, dict[str, KnowledgeBase]] = (
    weakref.WeakKeyDictionary()
)
_POOL: list[ThreadPoolExecutor] = []


def under(kb: KnowledgeBase, perspective: str) -> KnowledgeBase:
    """``kb`` read under ``perspective``, kept: a knowledge base made for a perspective keeps
    the rule texts it has read, so that a second question under it does not read them again."""
    if perspective == kb.perspective:
        return kb
    views = _VIEWS.setdefault(kb, {})
    view = views.get(perspective)
    if view is None:
        view = views[perspective] = kb.with_perspective(perspective)
    return view


def parallel(f: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[f(x) for x in items]``, run on a few threads: each thread reads the database with its
    own cursor (:meth:`KnowledgeBase.cursor`), and DuckDB runs their queries side by side; each
    call sees the caller's context (:func:`foedus.query.common.shared_reads`)."""
    items = list(items)
    if len(items) < 2:
        return [f(x) for x in items]
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max_workers=4, thread_name_prefix="foedus-ask"))
    # each call runs in a copy of the caller's context: the reads it shares
    # (foedus.query.common.shared_reads) are the caller's
    futures = [_POOL[0].submit(contextvars.copy_context().run, f, x) for x in items]
    return [future.result() for future in futures]


def run(query: Query, kb: KnowledgeBase, settle: bool = False) -> Json:
    """The answer of a query with a range (``over``) or a group (``each``); ``kb`` is read
    under the query's perspective already; ``settle``: see :meth:`Query.run`."""
    if query.each is None:
        return _one(query, query.args, kb, settle)
    group, members = query.each
    if query.command == "events":
        return _events_of_group(query, kb, group, set(members))
    if query.command == "treaties" and query.over is not None:
        between = [_substitute(query.args, group, m).get("between") for m in members]
        pairs = [(x[0], x[1]) for x in between if x is not None and len(x) == 2]
        if len(pairs) == len(members):
            from foedus.query.treaties import read_ahead

            start, end = (date.fromisoformat(d) for d in query.over)
            read_ahead(kb, pairs, (start, end))  # the members' rows, read at once
    answers = parallel(
        lambda m: _one(query, _substitute(query.args, group, m), kb, settle), members
    )
    return merge(answers)


def _events_of_group(query: Query, kb: KnowledgeBase, group: str, members: set[str]) -> Json:
    """Events of a group in one read: the events without the group's role, kept where a
    member plays it."""
    args = dict(query.args)
    roles = [key for key in ("actor", "target") if args.get(key) == group]
    for key in roles:
        args[key] = None
    found: Json = kb.events(**args)
    kept = [
        e
        for e in found["events"]
        if all(members & {r["id"] for r in e[f"{key}s"]} for key in roles)
    ]
    return {**found, "events": kept}


def _substitute(args: dict[str, Any], group: str, member: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in args.items():
        if value == group:
            out[key] = member
        elif isinstance(value, list):
            out[key] = [member if v == group else v for v in value]
        else:
            out[key] = value
    return out


def _one(query: Query, args: dict[str, Any], kb: KnowledgeBase, settle: bool = False) -> Json:
    if query.over is not None and query.command == "treaties":
        only = query.filter.get("instrument")
        party, between = args.get("party"), args.get("between")
        return treaties_over(kb, party, between, *query.over, only=only, settle=settle)
    if query.over is not None and query.command == "status":
        return status_over(kb, args["actor"], *query.over)
    result: Json = getattr(kb, str(query.command))(**args)
    return result


def change_days(
    kb: KnowledgeBase, start: date, end: date, instruments: list[str] | None = None
) -> list[date]:
    """The range's first day and every later day in it on which one of ``instruments`` (all,
    when ``None``) was signed, entered into force or gained a party: an instrument in force (or
    binding) at some time in the range is so on one of these days. Each fuzzy date gives its
    earliest day (where the relation may begin) and its latest (where it certainly has)."""
    days = {start}
    wanted = set(instruments) if instruments is not None else None

    def add(d: Any) -> None:
        if d is None:
            return
        for x in (d.earliest, d.latest):
            if start <= x <= end:
                days.add(x)

    # the instruments wanted are looked up by id: on a large corpus (a Parquet or kept one,
    # whose records are made when first read) reading every instrument is most of the time
    chosen: Iterable[Any]
    if wanted is None:
        chosen = kb.corpus.instruments
    else:
        chosen = [ins for i in sorted(wanted) if (ins := kb.instrument_record(i)) is not None]
    for ins in chosen:
        add(ins.signed)
        add(ins.in_force)
        for party in ins.parties:
            add(party.date)
    return sorted(days)


def treaties_over(
    kb: KnowledgeBase,
    party: str | None,
    between: list[str] | None,
    start: str,
    end: str,
    only: str | list[str] | None = None,
    settle: bool = False,
) -> Json:
    """``{"treaties": [...]}``: the instruments :meth:`KnowledgeBase.treaties` finds on any day
    of [start, end] (module docstring); ``only``: of these, the instrument with this id, or
    those with these ids (a question about one treaty asks only on the days that instrument
    changes); ``settle``: stop
    at the first batch of days that finds an instrument certainly (a yes/no question's
    answer is then settled)."""
    lo, hi = date.fromisoformat(start), date.fromisoformat(end)
    candidates: list[str] | None = None
    if party is not None or between is not None:
        ever = kb.treaties(party=party, between=between)["treaties"]
        candidates = [t["id"] for t in ever]
    wanted = None if only is None else {only} if isinstance(only, str) else set(only)
    if wanted is not None:
        candidates = (
            sorted(wanted) if candidates is None else [c for c in candidates if c in wanted]
        )
    if candidates is not None and not candidates:
        return {"treaties": []}
    from foedus.query.treaties import treaties_each_day

    found: dict[str, Json] = {}
    days = change_days(kb, lo, hi, candidates)
    settled = set(candidates) if candidates is not None else None
    pair = (between[0], between[1]) if between is not None else None
    each_day = treaties_each_day(kb, pair, party, days, span=(lo, hi))
    for _ in range(0, len(days), _BATCH):
        for answer in islice(each_day, _BATCH):
            for t in answer["treaties"]:
                if wanted is not None and t["id"] not in wanted:
                    continue
                kept = found.get(t["id"])
                if kept is None or (
                    kept.get("certainty") != "certain" and t.get("certainty") == "certain"
                ):
                    found[t["id"]] = t
        if settled is not None and all(
            found.get(i, {}).get("certainty") == "certain" for i in settled
        ):
            break  # every instrument the actors ever shared is found, certainly
        if settle and any(t.get("certainty") == "certain" for t in found.values()):
            break  # a yes/no question is answered: yes
    return {"treaties": sorted(found.values(), key=_signed)}


_BATCH = 4
"""The days are looked at four at a time: the answer stops after the batch that settles it."""


def status_over(kb: KnowledgeBase, actor: str, start: str, end: str) -> Json:
    """The status of ``actor`` at any time in [start, end]: :meth:`KnowledgeBase.status` on
    the range's first day, merged with every period of its timeline (maximal periods of
    constant status) that overlaps the range. Each field lists every value that held at some
    time in it, ``certain`` where it certainly held in one period; ``label`` names the statuses
    in order ("independent, then part of Soviet Union"); ``on`` is the range's first day and
    ``to`` its last; the explanation is the first day's."""
    first = kb.status(actor=actor, on=start)
    seen = [first["status"]]
    periods = kb.periods(kb.resolver.actor(actor).id)
    starts = {p["from"]["earliest"] for p in periods}
    for period in periods:
        if start < period["from"]["earliest"] <= end:
            seen.append(period)
        last = (period.get("to") or {}).get("latest")
        if last and start <= last < end:
            after = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
            if after not in starts:  # no period follows (the actor ceased to exist): its day
                seen.append(kb.status(actor=actor, on=after)["status"])
    status: Json = {}
    for field_, values in first["status"].items():
        if not isinstance(values, list):
            continue
        kept: dict[str, Json] = {}
        for one in seen:
            for v in one[field_]:
                key = json.dumps(v["value"], sort_keys=True)
                old = kept.get(key)
                if old is None or (old["certainty"] != "certain" and v["certainty"] == "certain"):
                    kept[key] = v
        status[field_] = list(kept.values())
    labels = list(dict.fromkeys(one["label"] for one in seen if one["label"]))
    status["label"] = ", then ".join(labels)
    certain = all(one["certainty"] == "certain" for one in seen)
    status["certainty"] = "certain" if certain else "possible"
    out = {**first, "on": start, "to": end, "status": status}
    if "summary" in first:  # the first day's words, said of the range
        name, view = first["actor"]["name"], first["perspective"]
        text = f"In the {view} view, {name} from {start} to {end}: {status['label']}."
        out["summary"] = {**first["summary"], "text": text}
    return out


def _signed(t: Json) -> tuple[str, str]:
    signed = t.get("signed") or {}
    return (signed.get("earliest") or "9999", t["id"])


def merge(answers: list[Json]) -> Json:
    """One answer from several of the same command: their lists merged, duplicates dropped."""
    if not answers:
        return {}
    first = answers[0]
    if "events" in first:
        seen: dict[str, Json] = {}
        for a in answers:
            for e in a["events"]:
                seen.setdefault(e["id"], e)
        ordered = sorted(
            seen.values(),
            key=lambda e: (e["date"]["earliest"], e["date"]["latest"], e["id"]),
        )
        return {**first, "events": ordered}
    if "treaties" in first:
        kept: dict[str, Json] = {}
        for a in answers:
            for t in a["treaties"]:
                old = kept.get(t["id"])
                if old is None or (
                    old.get("certainty") != "certain" and t.get("certainty") == "certain"
                ):
                    kept[t["id"]] = t
        return {**first, "treaties": sorted(kept.values(), key=_signed)}
    if "breaches" in first:
        out: list[Json] = []
        keys: set[str] = set()
        for a in answers:
            for b in a["breaches"]:
                key = json.dumps(b, sort_keys=True, default=str)
                if key not in keys:
                    keys.add(key)
                    out.append(b)
        return {**first, "breaches": out}
    return first
