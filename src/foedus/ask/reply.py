"""Answer a question: map it to a query, run the query, note how the question was read.

>>> from foedus.query import KnowledgeBase
>>> a = answer_question("Who was the aggressor between the Soviet Union and Estonia in 1940?",
...                     KnowledgeBase())
>>> a["query"]["command"], a["query"]["args"]["a"], a["answer"]["aggressor"]["id"]
('aggressor', 'ussr', 'ussr')
>>> a["notes"]
['1940 read as 1940-01-01 to 1940-12-31']
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from foedus.ask.errors import QuestionError, QuestionRefused
from foedus.ask.forms import examples_for, parse
from foedus.ask.question import Query
from foedus.ask.verdict import perspectives_of, verdict
from foedus.errors import UnknownName, UserError
from foedus.shapes import Json

if TYPE_CHECKING:
    from foedus.query import KnowledgeBase


def parse_question(text: str, kb: KnowledgeBase) -> Query:
    """The structured :class:`Query` a plain-English question maps to (no database needed).

    >>> from foedus.query import KnowledgeBase
    >>> parse_question("Which treaties bound the USSR and Latvia in June 1940?",
    ...                KnowledgeBase()).describe()
    'treaties between=ussr,latvia from=1940-06-01 to=1940-06-30 (de-facto)'
    """
    return parse(text, kb)


def _date_span(d: Json | None) -> str:
    if d is None:
        return "…"
    if d["earliest"] == d["latest"]:
        return f"{d['text']} ({d['earliest']})" if d["text"] != d["earliest"] else d["text"]
    return f"{d['text']} ({d['earliest']} to {d['latest']})"


def _answer_notes(query: Query, answer: Json) -> list[str]:
    """The dates a when-question asks for, read off the answer."""
    notes: list[str] = []
    if query.command == "events":
        events = answer.get("events", [])
        if not events:
            notes.append("no event in the corpus matches")
        for e in events[:12]:
            notes.append(f"{e['id']}: {_date_span(e['date'])}")
        if len(events) > 12:
            notes.append(f"... and {len(events) - 12} more")
    elif query.command == "treaty":
        for key in ("signed", "in_force", "ended"):
            if answer.get(key):
                notes.append(f"{answer['name']}: {key.replace('_', ' ')} {_date_span(answer[key])}")
    return notes


def answer_question(text: str, kb: KnowledgeBase) -> Json:
    """``{"question", "query", "notes", "verdict", "answer"}``: the query a question maps to,
    its answer, and for a yes/no question the verdict under each perspective.

    Raises :class:`~foedus.ask.QuestionError` (a user error) naming the part of the question
    that could not be understood, with forms that work.
    """
    from foedus.query.common import shared_reads

    query: Query | None = None
    try:
        query = parse_question(text, kb)
        # the perspectives' answers read the database together: one query for all of them
        with shared_reads(perspectives_of(query, kb)):
            answer = query.run(kb)
            judged = verdict(query, kb, answer)
    except (QuestionError, UnknownName):
        raise
    except UserError as e:  # the query it maps to is refused: with questions that work
        kind = str(query.command) if query is not None else ""
        raise QuestionRefused(e, str(text), examples_for(kb, kind)) from None
    notes = list(query.notes)
    notes += _other_views(query, kb, answer, judged)
    if query.command in ("events", "treaty") and _is_when(text):
        notes += _answer_notes(query, answer)
    notes += _relative_notes(query, answer)
    return {
        "question": text,
        "query": query.as_dict(),
        "notes": notes,
        "verdict": judged,
        "answer": answer,
    }


def _relative_notes(query: Query, answer: Json) -> list[str]:
    """For a question that sets its answer against a record ("did the USSR invade Estonia
    before or after the Atlantic Charter?"), whether each item of the answer (an event, a
    breach's event, an instrument's signature) was before it, after it, or, where the dates
    the sources give overlap, cannot be told."""
    if query.relative is None:
        return []
    what, lo, hi = query.relative
    dated: list[tuple[str, Json | None]] = []
    for e in answer.get("events") or []:
        dated.append((f"{e['id']} ({e['date']['text']})", e["date"]))
    for b in answer.get("breaches") or []:
        e = b["event"]
        dated.append(
            (f"{e['id']} ({e['date']['text']}), breaching {b['treaty']['name']}", e["date"])
        )
    for t in answer.get("treaties") or []:
        dated.append((f"{t['name']}, signed {(t['signed'] or {}).get('text', '?')}", t["signed"]))
    if answer.get("name") and "parties" in answer:  # one instrument
        dated.append(
            (
                f"{answer['name']}, signed {(answer.get('signed') or {}).get('text', '?')}",
                answer.get("signed"),
            )
        )
    if not dated:
        return [f"nothing in the answer to set against {what}"]
    out = []
    for shown, d in dated[:12]:
        if d is None:
            side = "undated"
        elif d["latest"] < lo:
            side = "before"
        elif d["earliest"] > hi:
            side = "after"
        else:
            side = "not known: the dates the sources give overlap"
        out.append(f"{shown}: {side} {what}" if side in ("before", "after") else f"{shown}: {side}")
    if len(dated) > 12:
        out.append(f"... and {len(dated) - 12} more")
    return out


#: The list of the answer a perspective may change, by command.
_LISTS = {"breaches": "breaches", "treaties": "treaties"}


def _other_views(query: Query, kb: KnowledgeBase, answer: Json, judged: Json | None) -> list[str]:
    """A note for each other perspective of the corpus that answers otherwise where the
    answer, under the perspective asked, is empty or a yes/no is "no" ("Which treaties did
    the Soviet Union violate in 1944?": none in fact, 15 under non-recognition). The answer
    itself is the perspective's asked."""
    if judged is not None:
        others = {p: v for p, v in judged["by_perspective"].items() if p != query.perspective}
        return [
            f"no under {query.perspective}, {v} under {p}: the perspectives differ "
            f'(ask "... according to the {p} view")'
            for p, v in others.items()
            if judged["answer"] == "no" and v != "no"
        ]
    key = _LISTS.get(str(query.command))
    if key is None or answer.get(key):
        return []
    out = []
    for p in kb.corpus.perspectives:
        if p.id == query.perspective:
            continue
        got = replace(query, perspective=p.id).run(kb).get(key) or []
        if got:
            out.append(
                f"no {key} under {query.perspective}, {len(got)} under {p.id}: the "
                f'perspectives differ (ask "... according to the {p.id} view")'
            )
    return out


def _is_when(text: str) -> bool:
    low = f" {text.lower()} "
    return any(
        w in low
        for w in (
            " when ",
            " what year",
            " which year",
            " what date",
            " which date",
            " what day",
            " what month",
        )
    )
