"""Build the query a question asks for: its slots, dates, perspective and what is missing.

A question is cut into words and mentions (:mod:`foedus.ask.lexicon`), misspelt names and
words are corrected (:mod:`foedus.ask.entities`), and its intent is read from the meaning of
its words (:mod:`foedus.ask.intent`). A builder per intent then fills the query's slots from
the mentions and the words before them (the *cue*: "by", "against", "between", "of", a verb
of an act, ...), reads its dates as a day or a range (a question about a range is answered
over the range), and says in one line what is missing when a slot cannot be filled ("between
whom?"). docs/questions.md lists every intent with examples.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from foedus.ask import intent, suggest
from foedus.ask.entities import correct
from foedus.ask.errors import QuestionError
from foedus.ask.lexicon import Lexicon, Mention, Token, Word, norm_word
from foedus.ask.question import Query
from foedus.errors import UnknownName, UserError
from foedus.model import shift_day

if TYPE_CHECKING:
    from foedus.query import KnowledgeBase

#: Words the forms know besides names, dates, perspectives and acts: a word outside them (and
#: the concepts of :mod:`foedus.ask.intent`) may be a misspelling (:mod:`foedus.ask.entities`).
VOCABULARY: frozenset[str] = frozenset(
    """
a an the of in on at to by for from with and or but nor as into onto towards toward within inside
between against during since before after until till through throughout under over about
according concerning regarding involving involved involve involves upon among amongst via
was were is are be been being did does do done has have had will would could can should may might
what which who whom whose when where how why whether if then than that this these those there
here it its they their them his her he she we us our you your i me my any all every each some
ever still also already yet just only even both either neither not no yes more most first last
please tell show list give find get see know want like let name names say says said explain
anything something everything nothing one ones other another same such much many
treaty treaties agreement agreements pact pacts instrument instruments convention conventions
protocol protocols accord accords charter charters declaration declarations
bound bind binds binding force forced effect shared share shares sharing party parties
signed sign signs signing signatory signatories member members joined join text clauses clause
obligations obligation norms norm terms say
status sovereign sovereignty independent state states country countries nation free legally
controlled control controls ruled rule rules governed govern held hold holds true fact facts
fluent fluents situation position standing legal under occupation part
aggressor aggressors aggression aggressive attacked struck started start starts war wars strike
breach breached breaches breaching violate violated violates violation violations violating
broke break breaks broken infringe infringed infringement contravene contravened
happened happen happens happening event events occurred occur occurs took take place
timeline history over time period periods change changed changes chronology
compare compared comparison differ differs differed difference differences disagree disagreed
disagreement disagreements view views perspective perspectives agree
year years date dates day days month months
acts act actions action troops forces army military carry carried out conduct committed commit
did its s de jure facto summary details detail information info non valid effective
allies ally alliance linked tied link tie concluded conclude come came into leave left last
sphere spheres influence assigned put placed moved eyes point
independence relationship relations relation doing legal illegal lawful unlawful whom peace
people government governments soldiers country end ended ending long
""".split()
)


KNOWN: frozenset[str] = VOCABULARY.union(*intent.CONCEPTS.values())

_SKIP = {"the", "its", "their", "a", "an", "last", "troops", "forces", "army", "soldiers"}
_SELF = {
    "declaration_of_independence",
    "restoration_of_independence",
    "declaration_of_sovereignty",
    "dissolution",
    "reaffirmation",
    "condemnation",
    "seizure_of_power",
    "statement",
}
_TARGET_CUES = {"object", "passive", "against", "to", "from", "in", "of", "about"}
_ACTOR_CUES = {"by", "subject"}
_NAMED = ("actor", "group")


# --------------------------------------------------------------------------- parsed question


@dataclass
class Parsed:
    """A question cut into tokens, with what the builders need from it."""

    text: str
    tokens: list[Token]
    kb: KnowledgeBase
    lex: Lexicon
    notes: list[str] = field(default_factory=list)

    @property
    def template(self) -> str:
        return " ".join(t.kind.upper() if isinstance(t, Mention) else t.norm for t in self.tokens)

    def mentions(self, kind: str) -> list[Mention]:
        return [t for t in self.tokens if isinstance(t, Mention) and t.kind == kind]

    def named(self) -> list[Mention]:
        """Actors and groups, in order."""
        return [t for t in self.tokens if isinstance(t, Mention) and t.kind in _NAMED]

    def act(self) -> str | None:
        acts = self.mentions("act")
        return acts[0].value if acts else None

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


def _span_text(p: Parsed, dates: list[Mention]) -> str:
    cue = p._date_cue(dates[0])
    text = dates[0].text if len(dates) == 1 else f"{dates[0].text} to {dates[1].text}"
    return f"{cue} {text}" if cue in ("before", "after", "since", "until", "till") else text


def _is(token: Token | None, kind: str) -> bool:
    return isinstance(token, Mention) and token.kind == kind


def _group_of(p: Parsed, values: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """The one group among a query's values, with its members; two groups are refused."""
    groups = [v for v in values if v in p.lex.groups]
    if len(groups) > 1:
        raise p.missing("one group at a time, please: name one of them or a state", "")
    return (groups[0], p.group_members(groups[0])) if groups else None


def _no_group(p: Parsed, form: str) -> None:
    for m in p.mentions("group"):
        raise p.refuse_group(m, form)


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


def _event_slots(p: Parsed, act: str | None) -> tuple[str | None, str | None]:
    """(actor, target) of an events question, from the cues of its actor mentions."""
    actor: str | None = None
    target: str | None = None
    plain: list[Mention] = []
    cues = p.cues()
    for m, cue in cues:
        role: str | None
        if cue == "possessor":
            others = any(c in _TARGET_CUES for _, c in cues)
            role = "actor" if act is None or act in _SELF or others else "target"
        elif act in _SELF and cue not in ("by", "to", "from", "against"):
            role = "target" if act == "formation" else "actor"
        elif cue in _ACTOR_CUES:
            role = "actor"
        elif cue in _TARGET_CUES or cue == "with":
            role = "target"
        else:
            role = None
        if role is None:
            plain.append(m)
            continue
        if role == "actor" and actor is None:
            actor = m.value
        elif role == "target" and target is None:
            target = m.value
        else:
            plain.append(m)
    for m in plain:
        if actor is None:
            actor = m.value
        elif target is None:
            target = m.value
        else:
            raise p.missing("an events question takes one actor and one target", "events")
    return actor, target


def _sphere_slots(p: Parsed) -> tuple[str | None, str | None]:
    """(power, state) of a sphere question: the power's name stands before "sphere" ("the
    Soviet sphere") or after it ("the sphere of the USSR"); the other name is the state."""
    power: str | None = None
    state: str | None = None
    for k, t in enumerate(p.tokens):
        if not (isinstance(t, Mention) and t.kind in _NAMED):
            continue
        nxt = p._neighbour(k, 1)
        prev = p._neighbour(k, -1)
        prev2 = p._neighbour(p.tokens.index(prev), -1) if prev is not None else None
        sphere_next = isinstance(nxt, Mention) and nxt.value == "sphere_assignment"
        sphere_before = (
            isinstance(prev, Word)
            and prev.norm == "of"
            and isinstance(prev2, Mention)
            and prev2.value == "sphere_assignment"
        )
        if (sphere_next and t.kind == "actor" and not _passive_before(p, k)) or sphere_before:
            power = power or t.value
        elif state is None:
            state = t.value
        elif power is None:
            power = t.value
    return power, state


def _passive_before(p: Parsed, k: int) -> bool:
    prev = p._neighbour(k, -1)
    return isinstance(prev, Word) and prev.norm in ("was", "were", "is", "are")


def _breach_slots(p: Parsed) -> tuple[str | None, str | None]:
    by: str | None = None
    against: str | None = None
    plain: list[Mention] = []
    for m, cue in p.cues():
        if cue in ("by", "subject", "possessor") and by is None:
            by = m.value
        elif cue in _TARGET_CUES and against is None:
            against = m.value
        else:
            plain.append(m)
    for m in plain:
        if by is None:
            by = m.value
        elif against is None:
            against = m.value
        else:
            raise p.missing("a breaches question takes one actor and one target", "breaches")
    return by, against


def _one_actor(p: Parsed, form: str, what: str) -> str:
    named = p.named()
    if not named:
        raise p.missing(what, form)
    if named[0].kind == "group":
        raise p.refuse_group(named[0], form)
    return named[0].value


def _matching_events(
    p: Parsed, act: str, by: str | None, against: str | None, span: tuple[str | None, str | None]
) -> list:
    kb = p.kb
    if kb.events_on_demand:  # read in SQL, not every record
        found = kb.events(actor=by, target=against, type=act, from_=span[0], to=span[1])
        return list(kb.events_by_id(e["id"] for e in found["events"]).values())
    members = {}
    for role in (by, against):
        if role in p.lex.groups:
            members[role] = set(p.group_members(role))
    out = []
    for e in kb.corpus.events:
        if e.type != act:
            continue
        if by and not (set(e.actors) & members.get(by, {by})):
            continue
        if against and not (set(e.targets) & members.get(against, {against})):
            continue
        if span[0] and e.date.latest.isoformat() < span[0]:
            continue
        if span[1] and e.date.earliest.isoformat() > span[1]:
            continue
        out.append(e)
    return out


def _with_group(p: Parsed, q: Query, values: Sequence[str | None]) -> Query:
    found = _group_of(p, [v for v in values if v])
    if found is None:
        return q
    return Query(q.command, q.args, q.perspective, q.filter, over=q.over, each=found)


# --------------------------------------------------------------------------- builders


def build_compare(p: Parsed) -> Query:
    named = list(dict.fromkeys(m.value for m in p.mentions("perspective")))
    ids = [x.id for x in p.kb.corpus.perspectives]
    if len(named) >= 2:
        first, second = named[0], named[1]
    else:
        first = p.kb.perspective
        if named and named[0] != first:
            second = named[0]
        else:
            others = [x for x in ids if x != first]
            if not others:
                raise p.missing("compare with what? the corpus has one perspective", "compare")
            second = others[0]
            if named:
                first, second = second, first
        p.notes.append(f"comparing {first} with {second}")
    _no_group(p, "compare")
    actors = p.mentions("actor")
    return Query(
        "compare",
        {"p": first, "q": second, "actor": actors[0].value if actors else None},
        p.kb.perspective,
    )


def build_aggressor(p: Parsed) -> Query:
    _no_group(p, "aggressor")
    actors = list(dict.fromkeys(m.value for m in p.mentions("actor")))
    if len(actors) < 2:
        who = f"{p.mentions('actor')[0].text} and whom" if actors else "whom"
        raise p.missing(f"the aggressor between {who}? (name two actors)", "aggressor")
    if len(actors) > 2:
        raise p.missing("the aggressor between which two? (name two actors)", "aggressor")
    start, end = p.period()
    q = Query(
        "aggressor", {"a": actors[0], "b": actors[1], "from_": start, "to": end}, p.perspective()
    )
    if intent.is_yes_no(p):
        q = q.asking(("aggressor", actors[0]))
    return q


def build_breaches(p: Parsed) -> Query:
    by, against = _breach_slots(p)
    instruments = p.mentions("instrument")
    treaty = instruments[0].value if instruments else None
    events = p.mentions("event")
    act = p.act()
    start, end = p.period(note=not (events or act))
    flt: dict[str, object] = {}
    if events:
        e = p.kb.resolver.event(events[0].value)
        by = by or (e.actors[0] if e.actors else None)
        against = against or (e.targets[0] if len(e.targets) == 1 else None)
        start, end = e.date.earliest.isoformat(), e.date.latest.isoformat()
        flt = {"event": [e.id]}
    elif act is not None:
        found = _matching_events(p, act, by, against, (start, end))
        if found:
            actors = set.intersection(*(set(e.actors) for e in found))
            if by is None and len(actors) == 1:
                by = actors.pop()
            start = min(e.date.earliest for e in found).isoformat()
            end = max(e.date.latest for e in found).isoformat()
            p.notes.append(
                "the "
                + act.replace("_", " ")
                + " read as "
                + ", ".join(f"{e.id} ({e.date.text})" for e in found)
            )
        else:
            p.period()
            p.notes.append(f"no {act} event in the corpus matches; the answer is empty")
        flt = {"event_type": act}
    q = Query(
        "breaches",
        {"by": by, "against": against, "treaty": treaty, "from_": start, "to": end},
        p.perspective(),
        flt,
    )
    q = _with_group(p, q, [by, against])
    return q.asking(("any", None)) if intent.is_yes_no(p) else q


def build_when(p: Parsed) -> Query:
    events = p.mentions("event")
    if events:
        e = p.kb.resolver.event(events[0].value)
        return Query(
            "events",
            {
                "actor": e.actors[0] if e.actors else None,
                "target": e.targets[0] if e.targets else None,
                "type": e.type,
                "from_": None,
                "to": None,
            },
            p.perspective(),
            {"event": [e.id]},
        )
    act = p.act()
    instruments = p.mentions("instrument")
    if instruments and act is None:
        return Query("treaty", {"name": instruments[0].value}, p.perspective())
    if act is None and not p.named():
        raise p.missing(
            'when did what? (name an event, an instrument or an act: "invade", "annex", '
            '"declare independence", ...)',
            "when",
        )
    if act == "sphere_assignment":
        return build_sphere(p)
    return build_events(p)


def build_holds(p: Parsed) -> Query:
    actor = _one_actor(p, "holds", "what held for whom? (name an actor)")
    return Query("holds", {"actor": actor, "on": p.point(True, "held")}, p.perspective())


def build_timeline(p: Parsed) -> Query:
    actor = _one_actor(p, "timeline", "the timeline of whom? (name an actor)")
    return Query("timeline", {"actor": actor}, p.perspective())


def _status_check(p: Parsed) -> tuple[str, str | None]:
    """What a yes/no status question asks: occupied (by B), part of B, independent, ..."""
    words = intent.words_of(p)
    named = [m.value for m in p.named()]
    other = named[1] if len(named) > 1 else None
    act = p.act()
    if act in ("occupation", "reoccupation"):
        return "occupied", other
    if act in ("annexation", "incorporation") or "part" in words or "belonged" in words:
        return "part_of", other
    if any(w in ("controlled", "ruled", "governed", "control") for w in words):
        return "controlled", other
    return "sovereign", None


def build_status(p: Parsed) -> Query:
    named = p.named()
    if not named:
        raise p.missing("the status of whom? (name an actor)", "status")
    subject = named[0]
    if intent._who_rules(p) or len(named) > 1:
        # "who occupied A", "was A part of B": the state asked about is the one not after "by"
        for m, cue in p.cues():
            if cue not in ("by", "subject") or intent._who_rules(p):
                subject = m
                break
    if subject.kind == "group":
        raise p.refuse_group(subject, "status")
    if not p.mentions("date"):
        p.notes.append("no day given: showing the timeline of statuses")
        return Query("timeline", {"actor": subject.value}, p.perspective())
    q = Query("status", {"actor": subject.value, "on": p.point()}, p.perspective())
    if intent.is_yes_no(p):
        check, other = _status_check(p)
        q = q.asking((check, other if other != subject.value else None))
    return q


def build_treaties(p: Parsed) -> Query:
    named = list(dict.fromkeys(m.value for m in p.named()))
    if len(named) > 2:
        raise p.missing(
            "a treaties question takes one actor (party) or two (between); which two?",
            "treaties",
        )
    words = intent.words_of(p)
    if len(named) == 1 and "between" in words:
        raise p.missing(f"between {p.named()[0].text} and whom?", "treaties")
    on, over = p.day_or_range()
    if len(named) == 2:
        args = {"party": None, "between": named, "on": on}
    else:
        args = {"party": named[0] if named else None, "between": None, "on": on}
    q = Query("treaties", args, p.perspective(), over=over)
    q = _with_group(p, q, named)
    return q.asking(("any", None)) if intent.is_yes_no(p) else q


def build_treaty_in_force(p: Parsed) -> Query:
    name = p.mentions("instrument")[0].value
    q = build_treaties(p)
    q = Query(q.command, q.args, q.perspective, {"instrument": name}, over=q.over, each=q.each)
    return q.asking(("any", None)) if intent.is_yes_no(p) else q


def build_treaty(p: Parsed) -> Query:
    return Query("treaty", {"name": p.mentions("instrument")[0].value}, p.perspective())


def build_events(p: Parsed) -> Query:
    act = p.act()
    if len({m.value for m in p.mentions("act")}) > 1:
        p.notes.append(f"several acts named; reading the question as {act}")
    actor, target = _event_slots(p, act)
    return _events_query(p, actor, target, act)


def build_happened(p: Parsed) -> Query:
    """Only a name and a date: what happened to it then."""
    named = p.named()
    return _events_query(p, None, named[0].value, None)


def build_sphere(p: Parsed) -> Query:
    power, state = _sphere_slots(p)
    return _events_query(p, power, state, "sphere_assignment")


def _events_query(p: Parsed, actor: str | None, target: str | None, act: str | None) -> Query:
    start, end = p.period()
    q = Query(
        "events",
        {"actor": actor, "target": target, "type": act, "from_": start, "to": end},
        p.perspective(),
    )
    q = _with_group(p, q, [actor, target])
    return q.asking(("any", None)) if intent.is_yes_no(p) else q


BUILDERS = {
    "compare": build_compare,
    "aggressor": build_aggressor,
    "breaches": build_breaches,
    "sphere": build_sphere,
    "holds": build_holds,
    "when": build_when,
    "timeline": build_timeline,
    "treaties": build_treaties,
    "treaty_in_force": build_treaty_in_force,
    "status": build_status,
    "treaty": build_treaty,
    "events": build_events,
    "about": build_timeline,
    "happened": build_happened,
}


# --------------------------------------------------------------------------- parsing


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
    """Refuse a capitalised word, not the question's first, that is no name of the corpus."""
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
        name = p.text[toks[lo].start : run[-1].end]
        raise p.error(name, _did_you_mean(p.kb, name, p.text[t.start : run[-1].end]))


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


def parse(text: str, kb: KnowledgeBase) -> Query:
    """The :class:`Query` a question maps to; :class:`QuestionError` when none does."""
    question = " ".join(str(text).split())
    if not question.strip(" ?.!,;:"):
        raise QuestionError("", "", "", examples_for(kb, ""), missing=True)
    lex = Lexicon.of(kb)
    tokens, notes = correct(lex.scan(question), lex, KNOWN)
    p = Parsed(question, tokens, kb, lex, list(notes))
    _unknown_names(p)
    _gibberish(p)
    kind = intent.classify(p)
    _dangling(p, kind)
    if kind == "compare":
        _views(p)
    if kind is None:
        raise p.error(question, "it asks for none of the things foedus answers")
    q = BUILDERS[kind](p)
    return Query(
        q.command, q.args, q.perspective, q.filter, tuple(p.notes), q.over, q.each, q.check
    )
