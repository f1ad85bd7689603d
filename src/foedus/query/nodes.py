"""The premises of explanations: an event, an instrument, a clause (with its verbatim text), a
fluent row (with its rule's text), a claimed justification."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from foedus.engine.from_corpus import BEGINNING
from foedus.engine.timepoints import event_point, last_day, start_day
from foedus.model import Event, FuzzyDate
from foedus.norms.explain import OPEN_WORDS, Explanation, dated, node
from foedus.query.common import Row, name_of, rows_of
from foedus.query.events import event_ids
from foedus.rules.library.vocabulary import PART_OF

if TYPE_CHECKING:
    from foedus.query.base import KnowledgeBase


def event_node(kb: KnowledgeBase, ident: str | None, what: str = "") -> Explanation | None:
    """The premise for a provenance id: a corpus event, an instrument, a party or an actor."""
    if ident is None:
        return None
    c = kb.corpus

    def hyp(kind: str, i: str) -> bool:
        return (kind, i) in c.hypothetical_ids

    ev = kb.event_record(ident)
    if ev is not None:
        return node(
            f"{what}{event_words(ev)} [event {ev.id}]",
            sources=kb.render.quotes(ev.sources),
            hypothetical=ev.hypothetical or hyp("event", ev.id),
        )
    kind, _, rest = ident.partition(":")
    if kind == "actor":
        a = next((a for a in c.actors if a.id == rest), None)
        if a is not None:
            # the id stands for its coming into existence and its end alike: say both
            since = f" from {dated(a.existed_from.text)}" if a.existed_from else ""
            until = f" until {dated(a.existed_to.text)}" if a.existed_to else ""
            return node(
                f"{what}{a.name} exists{since}{until} [actor {a.id}]",
                sources=kb.render.quotes(a.sources),
            )
    if kind == "instrument" and kb.instrument_record(rest) is not None:
        return instrument_node(kb, rest, what)
    if kind == "party":
        ins_id, actor_id, how = (rest.split(":") + ["", "", ""])[:3]
        ins = kb.instrument_record(ins_id)
        if ins is not None:
            for p in ins.parties:
                if p.actor == actor_id and p.how == how:
                    return node(
                        f"{what}{name_of(kb, actor_id)} joined {ins.name} by {how} ({p.date.text})",
                        sources=kb.render.quotes(p.sources or ins.sources),
                        hypothetical=hyp("instrument", ins.id),
                    )
    return node(f"{what}{ident}")


def instrument_node(kb: KnowledgeBase, ins_id: str, what: str = "") -> Explanation:
    """The premise for an instrument: its name and signature, with its quotes; and, for each
    party that never signed it but took it over from a predecessor, that succession with its
    own quotes (a treaty signed by Bolshevist Russia in 1920 binds the Soviet Union because
    the Soviet Union succeeded to it in 1922: its signature alone does not say so)."""
    ins = kb.instrument(ins_id)
    signed = f", signed {ins.signed.text}" if ins.signed else ""
    hyp = ("instrument", ins.id) in kb.corpus.hypothetical_ids
    successions = [
        node(
            f"{name_of(kb, p.actor)} joined {ins.name} by succession"
            + (f" to {name_of(kb, p.via)}" if p.via else "")
            + f" ({p.date.text})",
            sources=kb.render.quotes(p.sources or ins.sources),
            hypothetical=hyp,
        )
        for p in ins.parties
        if p.how == "succession"
    ]
    return node(
        f"{what}{ins.name}{signed} [instrument {ins.id}]",
        sources=kb.render.quotes(ins.sources),
        premises=successions,
        hypothetical=hyp,
    )


def clause_node(kb: KnowledgeBase, ins_id: str, clause_id: str, conclusion: str) -> Explanation:
    """``conclusion``, resting on a clause: its article, its norm and its verbatim text."""
    ins = kb.instrument(ins_id)
    clause = next(c for c in ins.clauses if c.id == clause_id)
    # an overlay's clause carries its own text, assumed like its instrument: no source has it
    assumed = ins.hypothetical or ("instrument", ins.id) in kb.corpus.hypothetical_ids
    src = None if assumed else (clause.source or kb.corpus.default_source or "")
    kind = clause.norm.kind if clause.norm else "clause"
    art = f"{clause.article_label} " if clause.article else ""
    return node(
        conclusion,
        rule=f"{ins.name}, {art}clause {clause.id} ({kind})",
        sources=[{"source": src, "quote": " ".join(clause.text.split())}],
        premises=[instrument_node(kb, ins_id)],
        hypothetical=assumed,
    )


def provenance_instruments(idents: Iterable[str | None]) -> list[str]:
    """The instruments that provenance ids name (``instrument:X``, ``party:X:...``): what
    :func:`provenance_dates` reads, for an answer to read them together first
    (:meth:`foedus.query.KnowledgeBase.instruments_by_id`)."""
    out = []
    for ident in idents:
        kind, _, rest = (ident or "").partition(":")
        if kind in ("instrument", "party"):
            out.append(rest.split(":")[0])
    return list(dict.fromkeys(out))


def provenance_dates(kb: KnowledgeBase, ident: str | None) -> list[FuzzyDate]:
    """The dates, as the source gives them, of what a provenance id names: an event's date,
    an actor's existence, an instrument's signature, entry into force and end, a party's
    joining and leaving."""
    if ident is None:
        return []
    ev = kb.event_record(ident)
    if ev is not None:
        return [ev.date]
    kind, _, rest = ident.partition(":")
    found: list[FuzzyDate | None] = []
    if kind == "actor":
        a = next((a for a in kb.corpus.actors if a.id == rest), None)
        if a is not None:
            found = [a.existed_from, a.existed_to]
    elif kind in ("instrument", "party"):
        ins = kb.instrument_record(rest.split(":")[0])
        if ins is not None:
            found = [ins.signed, ins.in_force, ins.ended]
            if kind == "party":
                actor_id = (rest.split(":") + ["", ""])[1]
                found = [
                    d for p in ins.parties if p.actor == actor_id for d in (p.date, p.until)
                ] + found
    return [d for d in found if d is not None]


def source_date(
    kb: KnowledgeBase, idents: Sequence[str | None], day: date, after: bool = True
) -> str | None:
    """The date as the source gives it ("1918", "mid-June 1940") of the first of the records
    ``idents`` whose date holds ``day``, or (``after``) whose date has just passed on it (a
    certain row starts, and a row ends, when a fuzzy date is sure to have passed), or None."""
    found = source_dated(kb, idents, day, after)
    return found.text if found is not None else None


def source_dated(
    kb: KnowledgeBase, idents: Sequence[str | None], day: date, after: bool = True
) -> FuzzyDate | None:
    """:func:`source_date`'s date itself."""
    for ident in dict.fromkeys(idents):
        for d in provenance_dates(kb, ident):
            # by ordinal: the day after 9999-12-31 is no date
            if d.earliest <= day and day.toordinal() <= d.latest.toordinal() + (1 if after else 0):
                return d
    return None


def ending_records(kb: KnowledgeBase, rows: list[Row], t: int) -> list[str]:
    """The events that may have ended, at time point ``t``, one of ``rows`` that ends there
    where what its provenance names does not date that end: an event of a type a
    ``terminated`` rule of the row's fluent reads (in the perspective's rules), involving the
    row's first argument, whose date holds the day of ``t`` or has just passed on it; those
    involving the row's value first.

    A row's provenance is its early scenario's (docs/decisions/0002): a blockade lifted "by
    1 May 1932" is lifted only in the late scenario (at its earliest day it had not begun), so
    the certain row that the lifting ends names no record that ended it, or names what ended
    the blockade in the early scenario, later."""
    day = start_day(t)
    out: list[str] = []
    for row in rows:
        if row.end != t or not row.args:
            continue
        types = sorted(
            {
                r.event
                for r in kb.rule_book.rules(kb, kb.perspective)
                if r.kind == "terminated" and r.fluent == row.fluent and r.event
            }
        )
        # the types in one query, kept for the answer's other reads of the same end (a query
        # per type, each read again, took a `holds` of the 10^6 world 0.35 s: 40 scans)
        found = list(
            kb.remembered(
                ("ending", tuple(types), day, row.args[0]),
                partial(
                    event_ids,
                    kb,
                    types=types,
                    start=day - timedelta(days=1),
                    end=day,
                    involving=row.args[0],
                ),
            )
            if types
            else []
        )
        events = kb.events_by_id(found)
        found.sort(
            key=lambda i: (
                row.value not in (*events[i].actors, *events[i].targets) if i in events else True
            )
        )
        out.extend(found)
    return list(dict.fromkeys(out))


def event_words(ev: Event) -> str:
    """An event in words with its date as the source gives it: ``Beta invades Gamma (March
    1939)`` (the summary's closing full stop dropped before the date)."""
    return f"{ev.summary.rstrip('.')} ({ev.date.text})"


def row_bounds(
    kb: KnowledgeBase, row: Row, peers: list[Row] | None = None
) -> tuple[FuzzyDate | None, FuzzyDate | None]:
    """The dates, as the source gives them, of the records that started and ended a row, or
    one of ``peers`` (the rows a derived row rests on), where the row's first day, and the day
    after its last, fall within them: ``("mid-June 1940", "1941")``; where none does, a record
    that may have ended the row (or, for its start, a neighbour among ``peers``) without its
    provenance naming it (:func:`ending_records`: "by 1 May 1932"); None for a bound no such
    record's date holds (and for an open end)."""
    idents = [row.initiated_by, row.terminated_by]
    idents += [i for r in peers or [] for i in (r.initiated_by, r.terminated_by)]
    began = source_dated(kb, idents, start_day(row.start), after=row.certainty == "certain")
    if began is None and peers:  # a neighbour ended by a record its provenance does not name
        found = ending_records(kb, peers, row.start)
        began = source_dated(kb, found, start_day(row.start), after=row.certainty == "certain")
    if row.end is None:
        return began, None
    # what ended the row or a row it rests on first: the date of what started a peer may
    # hold the day too ("no earlier than 1930" of a joining, and a withdrawal in 1956)
    enders = [row.terminated_by, *(r.terminated_by for r in peers or [])]
    ended = source_dated(kb, enders + idents, start_day(row.end))
    if ended is None:  # ended by a record its provenance does not name (ending_records)
        ended = source_dated(
            kb, ending_records(kb, [row, *(peers or [])], row.end), start_day(row.end)
        )
    return began, ended


def end_text(ended: FuzzyDate | None, last: str) -> str:
    """The text of a period's (or a row's) end, its last day ``last`` (ISO): the date, as the
    source gives it, of the record that ended it, whatever its form ("by 1 May 1932", "late
    1930s", "30 June 1933"); the last day where no dated record did, or where the record's date
    is itself written as an ISO day (an imported dataset's exit "1939-09-28" after a last day
    of 1939-09-27), which would read as the period's last day."""
    if ended is None or (ended.exact and ended.text == ended.earliest.isoformat()):
        return last
    return ended.text


def row_span(kb: KnowledgeBase, row: Row, peers: list[Row] | None = None) -> str:
    """When a row holds, in the source's words where its start and end fall within the date
    of a record that started or ended it ("from 1944 until 1991", "in 1941"), or of one of
    ``peers`` (the rows a derived row rests on); else by the days the engine derived."""
    first = start_day(row.start)
    began, ended = (d.text if d is not None else None for d in row_bounds(kb, row, peers))
    if began is None and first <= BEGINNING:  # an actor the corpus gives no beginning
        began = "the start (the corpus dates no beginning)"
    if row.end is None:
        return f"from {dated(began) if began else first.isoformat()}"
    if began is not None and began == ended:
        open_ = began.lower().startswith(OPEN_WORDS)
        return f"at some time {began}" if open_ else f"in {began}"
    return f"from {dated(began) if began else first.isoformat()} " + (
        f"until {dated(ended)}" if ended else f"to {last_day(row.end)}"
    )


def neighbours(rows: list[Row], row: Row) -> list[Row]:
    """The rows of ``rows`` with ``row``'s fluent, arguments and value that end where it
    starts or start where it ends: a possible row beside a certain one holds only possibly
    because of what ended (or started) its neighbour, a record whose fuzzy date the row's
    own provenance does not name (Valdmark's withdrawal "1945", after which its control of
    Orsund possibly goes on until May 1945)."""
    return [
        r
        for r in rows
        if (r.fluent, r.args, r.value) == (row.fluent, row.args, row.value)
        and r is not row
        and (r.end == row.start or (row.end is not None and r.start == row.end))
    ]


def possibly_ended_by(rows: list[Row], row: Row) -> str | None:
    """What possibly ended a possible row: the record that ended the certain row just before
    it, where that is not the row's own end (:func:`neighbours`), else None."""
    if row.certainty != "possible":
        return None
    for r in neighbours(rows, row):
        if r.end == row.start and r.terminated_by and r.terminated_by != row.terminated_by:
            return r.terminated_by
    return None


def row_node(
    kb: KnowledgeBase, row: Row, peers: list[Row] | None = None, rows: list[Row] | None = None
) -> Explanation:
    """Why a fluent row holds: its rule and the events that started and ended it; when it
    holds is said as the sources date those (``peers``: the rows a derived one rests on;
    ``rows``: every row of the actor, where a possible row's :func:`neighbours` say what
    possibly ended it)."""
    args = ", ".join(row.args)
    value = "" if row.value == "true" else f" = {row.value}"
    # a possible row (or a possible row it rests on) holds only possibly because of what
    # ended or started its neighbour: that record's date says when
    near = [
        n
        for q in (row, *(peers or []))
        if rows is not None and q.certainty == "possible"
        for n in neighbours(rows, q)
    ]
    span = row_span(kb, row, [*(peers or []), *near])
    possibly = possibly_ended_by(rows or [], row)
    premises = [
        p
        for p in (
            event_node(kb, row.initiated_by, "started by: "),
            event_node(kb, possibly, "possibly ended by: "),
            event_node(kb, row.terminated_by, "ended by: "),
        )
        if p
    ]
    return node(
        f"{row.fluent}({args}){value} holds {span}",
        rule=kb.rule_text(row.rule),
        certainty=row.certainty,
        premises=premises,
    )


def justification_node(kb: KnowledgeBase, ev: Event) -> Explanation:
    """A claimed justification, shown as rejected by the no-justification clauses that cover
    the act's type (a clause naming no categories covers the acts the definition clauses
    define, or every act where none does); where the corpus holds none, shown as claimed,
    neither accepted nor rejected; where it holds some that cover other acts only (Article
    III speaks of "the aggression referred to in Article II", its five acts; an annexation is
    none of them), shown as claimed, with what those clauses cover."""
    clauses = kb.corpus.norm_clauses("no_justification")
    if not clauses:
        return node(
            f"claimed justification: {ev.justification} (no clause of the corpus rejects or "
            "accepts it; it does not change who was first)"
        )
    types_of = {c.id: set(c.event_types) for c in kb.corpus.categories}
    defined = {
        t
        for _, _, cats in kb.corpus.norm_clauses("definition")
        for cat in cats
        for t in types_of.get(cat, ())
    }

    def covers(cats: list[str]) -> bool:
        if not cats:
            return not defined or ev.type in defined
        return any(ev.type in types_of.get(cat, ()) for cat in cats)

    rejecting = [(ins, clause) for ins, clause, cats in clauses if covers(cats)]
    if not rejecting:
        named = ", ".join(dict.fromkeys(cat for _, _, cats in clauses for cat in cats))
        kind = ev.type.replace("_", " ")
        return node(
            f"claimed justification: {(ev.justification or '').rstrip('.')} (neither rejected nor "
            f"accepted: the corpus's no-justification clauses cover only {named}, not an act "
            f"of type {kind})"
        )
    return node(
        f"claimed justification rejected: {ev.justification}",
        # the norm kind's meaning (docs/norms.md), not any one corpus's words: the clauses'
        # own words are the premises
        rule="norm no_justification: no consideration excuses the defined acts",
        premises=[clause_node(kb, i, c, "the no-justification clause") for i, c in rejecting],
    )


def part_of_nodes(
    kb: KnowledgeBase, ev: Event, target: str | None, value: str
) -> list[Explanation]:
    """Why an act's ``target`` was part of ``value``, the party the act is read as against (a
    breach, or a first act, "via" a territory): the rows of ``part_of(target) = value`` under
    this perspective that hold at the act's earliest or latest time point (as breach detection
    and the aggressor rule read them, docs/decisions/0006), each with its rule and the event
    that started it, with its quotes (Germany's 1941 invasion of Estonia is an act against the
    Soviet Union because the Soviet Union annexed Estonia in 1940); one per rule and event
    that started it, a certain one first. None where ``target`` is None (an act against the
    party itself)."""
    if not target:
        return []
    points = (event_point(ev.date.earliest), event_point(ev.date.latest))
    every = rows_of(kb, PART_OF, naming_actor=target, args={0: target})
    holding = [r for r in every if r.value == value and any(r.holds_at(t) for t in points)]
    holding.sort(key=lambda r: (r.certainty != "certain", r.start))
    seen: set[tuple[str | None, str | None]] = set()
    out = []
    for r in holding:
        if (r.rule, r.initiated_by) not in seen:
            seen.add((r.rule, r.initiated_by))
            out.append(row_node(kb, r, rows=every))
    return out
