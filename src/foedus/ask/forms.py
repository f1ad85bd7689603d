"""Build the query a question asks for: its slots, dates, perspective and what is missing.

A question is cut into words and mentions (:mod:`foedus.ask.lexicon`), misspelt names and
words are corrected (:mod:`foedus.ask.entities`), and its intent is read from the meaning of
its words (:mod:`foedus.ask.intent`). A builder per intent (:mod:`foedus.ask.builders`) then
fills the query's slots from the mentions and the words before them (the *cue*: "by",
"against", "between", "of", a verb of an act, ...; :mod:`foedus.ask.slots`), reads its dates
as a day or a range (a question about a range is answered over the range), and says in one
line what is missing when a slot cannot be filled ("between whom?"). This module holds the
parsed question (:class:`Parsed`), the refusals of what is not understood, and
:func:`parse`. docs/questions.md lists every intent with examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from foedus.ask import anchors, intent, suggest, tails
from foedus.ask.builders import BUILDERS
from foedus.ask.dates import impossible_day
from foedus.ask.entities import correct
from foedus.ask.errors import QuestionError
from foedus.ask.followup import refuse_follow_up
from foedus.ask.lexicon import Lexicon, Mention, Token, Word, norm_word
from foedus.ask.question import Query
from foedus.ask.slots import _NAMED, _SKIP, _is, _span_text
from foedus.ask.vocabulary import VOCABULARY
from foedus.errors import UnknownName, UserError
from foedus.model import shift_day

if TYPE_CHECKING:
    from foedus.query import KnowledgeBase


#: The words before a date that open its range on one side ("after 28 November 1939").
OPEN_CUES = ("after", "before", "since", "until", "till", "by")


KNOWN: frozenset[str] = VOCABULARY.union(*intent.CONCEPTS.values())


@dataclass
class Parsed:
    """A question cut into tokens, with what the builders need from it."""

    text: str
    tokens: list[Token]
    kb: KnowledgeBase
    lex: Lexicon
    notes: list[str] = field(default_factory=list)
    phrases: dict[int, list[str]] = field(default_factory=dict)
    relative: tuple[str, str, str] | None = None
    """A record the question sets its answer against ("before or after the Atlantic
    Charter"): what it is, and its earliest and latest days (:mod:`foedus.ask.anchors`)."""
    """The events of each ``phrase`` mention, by where it starts (:mod:`foedus.ask.anchors`)."""

    @property
    def template(self) -> str:
        return " ".join(t.kind.upper() if isinstance(t, Mention) else t.norm for t in self.tokens)

    def mentions(self, kind: str) -> list[Mention]:
        return [t for t in self.tokens if isinstance(t, Mention) and t.kind == kind]

    def named(self) -> list[Mention]:
        """Actors and groups, in order."""
        return [t for t in self.tokens if isinstance(t, Mention) and t.kind in _NAMED]

    def act(self) -> str | None:
        """The act the question asks about: the first named, or, where the next word names
        another ("the deportation decree"), that one, the head of the compound."""
        acts = self.mentions("act")
        if not acts:
            return None
        k = self.tokens.index(acts[0])
        nxt = self.tokens[k + 1] if k + 1 < len(self.tokens) else None
        if isinstance(nxt, Mention) and nxt.kind == "act":
            return self._blockade(nxt.value)
        return self._blockade(acts[0].value)

    def _blockade(self, act: str) -> str:
        """ "blockade" alone names the corpus's blockades not known to be naval (``blockade``:
        an imported MID's action 13) where it records any, else its naval blockades
        (Article II's act, the only blockade a hand-written corpus usually has)."""
        if act != "blockade" or self.kb.events(type="blockade")["events"]:
            return act
        return "naval_blockade"

    def _neighbour(self, k: int, step: int) -> Token | None:
        j = k + step
        while 0 <= j < len(self.tokens):
            t = self.tokens[j]
            if not (isinstance(t, Word) and t.norm in _SKIP):
                return t
            j += step
        return None

    def cues(self) -> list[tuple[Mention, str]]:
        """Each actor or group mention with the cue that gives its role."""
        out: list[tuple[Mention, str]] = []
        for k, t in enumerate(self.tokens):
            if not (isinstance(t, Mention) and t.kind in _NAMED):
                continue
            prev, nxt = self._neighbour(k, -1), self._neighbour(k, 1)
            prev2 = self._neighbour(self.tokens.index(prev), -1) if prev is not None else None
            word = prev.norm if isinstance(prev, Word) else None
            cue = "plain"
            if word == "by":
                cue = "by"
            elif word == "against":
                cue = "against"
            elif word in ("to", "towards", "toward", "into"):
                cue = "to"
            elif word == "from":
                cue = "from"
            elif word in ("in", "inside", "within"):
                cue = "in"
            elif word in ("between", "among", "amongst"):
                cue = "between"
            elif word == "of":
                cue = "object" if _is(prev2, "act") else "of"
            elif word == "on" and _is(prev2, "act"):
                cue = "against"
            elif word in ("and", "or", "nor"):
                cue = "and"
            elif word in ("did", "does", "do", "will", "would", "could"):
                cue = "subject"
            elif word in ("for", "about", "concerning", "regarding", "involving", "involved"):
                cue = "about"
            elif word == "with":
                cue = "with"
            elif _is(prev, "act"):
                cue = "object"
            before = self.tokens[k - 1] if k > 0 else None
            article = isinstance(before, Word) and before.norm in ("the", "a", "an")
            if _is(nxt, "act") and cue in ("plain", "and", "subject", "about", "in", "with"):
                # "was A occupied" is passive; "the A invasion", "A invaded" name the actor
                participle = isinstance(nxt, Mention) and nxt.text.lower().endswith(
                    ("ed", "en", "wn")
                )
                passive = word in ("was", "were", "is", "are", "been") and (
                    participle or not article
                )
                cue = "passive" if passive else "subject"
            elif t.possessive and cue in ("plain", "subject"):
                cue = "possessor"
            if cue == "and" and out:
                cue = out[-1][1] if out[-1][1] != "between" else "between"
            out.append((t, cue))
        return out

    # ------------------------------------------------------------------ dates

    def _date_cue(self, m: Mention) -> str | None:
        k = self.tokens.index(m)
        prev = self.tokens[k - 1] if k > 0 else None
        if isinstance(prev, Word) and prev.norm == "the" and k > 1:
            prev = self.tokens[k - 2]
        return prev.norm if isinstance(prev, Word) else None

    def point(self, required: bool = False, what: str = "") -> str | None:
        """The day of a point question: a day as given, else the earliest day of the range."""
        dates = self.mentions("date")
        if not dates:
            if required:
                raise self.missing(f'{what} on which day? (e.g. "on 1 June 1940")', what)
            return None
        d = dates[0].date
        assert d is not None
        cue = self._date_cue(dates[0]) if len(dates) == 1 else None
        if cue in OPEN_CUES:
            # a range open on one side: its first day, or (open at the start) its last
            start, end = self.period(note=False)
            day = start or end
            assert day is not None
            which = "first" if start else "last"
            shown = f"{start or '…'} to {end or '…'}"
            self.notes.append(f"{cue} {d.text} read as {day}, the {which} day of {shown}")
            return day
        if not d.exact:
            self.notes.append(f"{d.text} read as {d.earliest.isoformat()} (its earliest day)")
        return d.earliest.isoformat()

    def period(self, note: bool = True) -> tuple[str | None, str | None]:
        """[from, to] of a period question: a date's range, or between two dates."""
        dates = self.mentions("date")
        if not dates:
            return None, None
        first = dates[0].date
        assert first is not None
        start: date | None = first.earliest
        end: date | None = first.latest
        cue = self._date_cue(dates[0])
        if len(dates) > 1:
            last = dates[1].date
            assert last is not None
            end = last.latest
            text = f"{first.text} to {last.text}"
        else:
            text = first.text
            if cue == "before":
                start, end = None, shift_day(first.earliest, -1)
            elif cue in ("until", "till", "by"):
                start, end = None, first.latest
            elif cue == "after":
                start, end = shift_day(first.latest, 1), None
            elif cue in ("since", "from"):
                start, end = first.earliest, None
        iso = (start.isoformat() if start else None, end.isoformat() if end else None)
        if note and not (first.exact and len(dates) == 1 and start == end):
            shown = f"{iso[0] or '…'} to {iso[1] or '…'}"
            lead = (
                f"{cue} {text}"
                if cue in ("before", "until", "till", "by", "after", "since") and len(dates) == 1
                else text
            )
            self.notes.append(f"{lead} read as {shown}")
        return iso

    def day_or_range(self) -> tuple[str | None, tuple[str, str] | None]:
        """A day (``on``), or a range the question is answered over, or neither."""
        dates = self.mentions("date")
        if not dates:
            return None, None
        first = dates[0].date
        assert first is not None
        if (
            first.exact
            and len(dates) == 1
            and self._date_cue(dates[0])
            not in (
                "before",
                "after",
                "since",
                "until",
                "till",
            )
        ):
            return first.earliest.isoformat(), None
        start, end = self.period(note=False)
        lo = start or "0001-01-01"
        hi = end or "9999-12-31"
        self.notes.append(
            f"{_span_text(self, dates)} read as {lo} to {hi}: answered over the range"
        )
        return None, (lo, hi)

    # ------------------------------------------------------------------ perspective

    def perspective(self) -> str:
        found = self.mentions("perspective")
        if not found:
            return self.kb.perspective
        if len({m.value for m in found}) > 1:
            self.notes.append(
                f"several perspectives named; reading the question under {found[0].value}"
            )
        return found[0].value

    # ------------------------------------------------------------------ errors

    def missing(self, what: str, form: str = "") -> QuestionError:
        """The one-line error of a question that lacks something: ``what`` says what."""
        return QuestionError(self.text, self.text, what, examples_for(self.kb, form), missing=True)

    def error(self, part: str, why: str = "", form: str = "") -> QuestionError:
        return QuestionError(part, self.text, why, examples_for(self.kb, form))

    def group_members(self, group: str) -> tuple[str, ...]:
        return self.lex.groups[group]

    def refuse_group(self, m: Mention, form: str) -> QuestionError:
        members = [self.lex.display[("actor", a)] for a in self.group_members(m.value)]
        which = ", ".join(members[:-1]) + " or " + members[-1]
        return self.missing(f"which of {self.lex.display[('group', m.value)]}? ({which})", form)


_DANGLING = frozenset("between against by with and bound tied linked bind binding".split())


def _dangling(p: Parsed, kind: str | None) -> None:
    """A question that ends on "between", "against", "by", ...: between whom?"""
    toks = [t for t in p.tokens if not (isinstance(t, Word) and t.norm in ("the", "a"))]
    if toks and isinstance(toks[-1], Word) and toks[-1].norm in _DANGLING:
        named = p.named()
        word = toks[-1].norm
        who = f"{named[-1].text} and whom?" if word in ("between", "and") and named else "whom?"
        form = {"treaty_in_force": "treaties", "about": "timeline"}.get(kind or "", kind or "")
        raise p.missing(f"{word} {who}" if word != "and" else f"{who}", form)


def _views(p: Parsed) -> None:
    """In a comparison, a name that is also a perspective's ("the Soviet and de facto
    views") is the perspective."""
    for k, t in enumerate(p.tokens):
        if isinstance(t, Mention) and t.kind == "actor":
            pid = p.lex.perspective_names.get(tuple(norm_word(w)[0] for w in t.text.split()))
            if pid is not None:
                p.tokens[k] = Mention("perspective", pid, t.text, t.start, t.end)


# --------------------------------------------------------------------------- slots


def _command_of(kb: KnowledgeBase) -> Callable[[str], str]:
    def command_of(question: str) -> str:
        try:
            return str(parse(question, kb).command)
        except UserError:
            return ""

    return command_of


def examples_for(kb: KnowledgeBase, kind: str) -> tuple[str, ...]:
    """The corpus's example questions, those of ``kind`` first (:mod:`foedus.ask.suggest`)."""
    return suggest.examples_for(kb, kind, _command_of(kb))


def _unknown_names(p: Parsed) -> None:
    """Refuse a capitalised word, not the question's first, that is no name of the corpus,
    nor a phrase its events use (:func:`foedus.ask.anchors.quoted`)."""
    while _unknown_name(p):
        pass


def _unknown_name(p: Parsed) -> bool:
    toks = p.tokens
    for k, t in enumerate(toks):
        if not isinstance(t, Word) or t.norm in KNOWN or not t.capitalised or k == 0:
            continue
        if t.text.isupper() and len(t.text) <= 2:
            continue
        run = [t]
        for u in toks[k + 1 :]:
            if isinstance(u, Word) and u.norm not in KNOWN and u.capitalised:
                run.append(u)
            else:
                break
        lo = k
        while lo > 1:
            prev, before = toks[lo - 1], toks[lo - 2]
            if isinstance(prev, Word) and prev.capitalised and lo - 1 > 0:
                lo -= 1
            elif (
                isinstance(prev, Word)
                and prev.norm == "of"
                and isinstance(before, Word)
                and before.capitalised
            ):
                lo -= 2
            else:
                break
        if anchors.quoted(p, lo, k + len(run) - 1):
            return True
        name = p.text[toks[lo].start : run[-1].end]
        raise p.error(name, _did_you_mean(p.kb, name, p.text[t.start : run[-1].end]))
    return False


def _qualified(p: Parsed) -> None:
    """ "the Supreme Soviets of the Baltic countries": a name followed by "of" and the states
    all its members are part of is that name; the second is no other actor of the question."""
    k = 0
    while k + 2 < len(p.tokens):
        a, of = p.tokens[k], p.tokens[k + 1]
        j = k + 2
        if isinstance(p.tokens[j], Word) and p.tokens[j].norm == "the":  # type: ignore[union-attr]
            j += 1
        b = p.tokens[j] if j < len(p.tokens) else None
        if (
            isinstance(a, Mention)
            and a.kind in ("actor", "group")
            and isinstance(of, Word)
            and of.norm == "of"
            and isinstance(b, Mention)
            and b.kind in ("actor", "group")
        ):
            first = p.lex.groups.get(a.value, (a.value,))
            whole = set(p.lex.groups.get(b.value, (b.value,)))
            if all(p.kb.resolver.actor(m).part_of in whole for m in first):
                p.notes.append(f"{p.text[a.start : b.end]!r} read as {a.text}")
                del p.tokens[k + 1 : j + 1]
        k += 1


def _gibberish(p: Parsed) -> None:
    """Refuse a question that names nothing and uses words no form knows ("frobnicate the
    treaty"): what it asks of is not understood."""
    if any(isinstance(t, Mention) for t in p.tokens):
        return
    unknown = [t for t in p.tokens if isinstance(t, Word) and t.norm not in KNOWN]
    if unknown:
        raise p.error(p.text[unknown[0].start : unknown[-1].end])


def _did_you_mean(kb: KnowledgeBase, *names: str) -> str:
    found: list[str] = []
    for name in dict.fromkeys(names):
        for look in (kb.resolver.actor, kb.resolver.instrument):
            try:
                look(name)
            except UnknownName as e:
                found += [s for s in e.suggestions if s not in found]
    why = "not an actor, instrument or event of the corpus"
    if found:
        why += "; did you mean " + " or ".join(repr(s) for s in found[:3]) + "?"
    return why


def _impossible_days(p: Parsed) -> None:
    """A day that no calendar has (``1940-02-30``, "30 February 1940") is refused, naming
    it: read as no date at all, the question would be answered over every day."""
    for day in re.findall(r"\b\d{4}-\d{2}-\d{2}\b", p.text):
        try:
            date.fromisoformat(day)
        except ValueError:
            raise p.error(day, "no such day") from None
    # a day in words or figures ("30 February 1938", "31/04/1938"): read without its day,
    # it would be answered over its month or its year
    written = impossible_day(p.text)
    if written is not None:
        raise p.error(written, "no such day")


def parse(text: str, kb: KnowledgeBase) -> Query:
    """The :class:`Query` a question maps to; :class:`QuestionError` when none does."""
    question = " ".join(str(text).split())
    if not question.strip(" ?.!,;:"):
        raise QuestionError("", "", "", examples_for(kb, ""), missing=True)
    lex = Lexicon.of(kb)
    p = Parsed(question, lex.scan(question), kb, lex)
    anchors.present(p)
    p.tokens, notes = correct(p.tokens, lex, KNOWN)
    p.notes[:0] = notes
    _impossible_days(p)
    anchors.instrument_years(p)
    tails.shared_tails(p)
    _unknown_names(p)
    _qualified(p)
    anchors.anchored(p)
    anchors.proper_nouns(p, KNOWN)
    _gibberish(p)
    kind = intent.classify(p)
    _dangling(p, kind)
    refuse_follow_up(p, kind)
    if kind == "compare":
        _views(p)
    if kind is None:
        raise p.error(question, "it asks for none of the things foedus answers")
    q = BUILDERS[kind](p)
    check = q.check
    if p.relative is not None:
        check = None  # "did A invade B before or after T?" asks which, not whether
    return Query(
        q.command,
        q.args,
        q.perspective,
        q.filter,
        tuple(p.notes),
        q.over,
        q.each,
        check,
        p.relative,
    )
