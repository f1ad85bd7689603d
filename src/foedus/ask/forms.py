"""The question forms: an ordered table of patterns over a question's *template*.

A question is first cut into words and mentions (:mod:`foedus.ask.lexicon`); its template is
the words lower-cased with every mention replaced by its kind in capitals::

    "Which treaties bound the USSR and Latvia on 1 June 1940?"
    -> "which treaties bound the ACTOR and ACTOR on DATE"

Every word that is not a mention must be in :data:`VOCABULARY`, else the question is refused,
naming the word (and, for a capitalised word, the actors or instruments it may mean). Then the
first form of :data:`FORMS` whose trigger matches the template builds the query, taking its
slots from the mentions and the words before them (the *cue*: "by", "against", "between",
"of", a verb of an act, ...). docs/questions.md lists every form with examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from foedus.ask.errors import QuestionError
from foedus.ask.lexicon import Lexicon, Mention, Word
from foedus.ask.parsed import (
    EXAMPLES,
    Parsed,
)
from foedus.ask.question import Query
from foedus.errors import UnknownName, did_you_mean

if TYPE_CHECKING:
    from foedus.query import KnowledgeBase

#: Every word a question may use besides names, dates, perspectives and acts.
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
""".split()
)


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


# --------------------------------------------------------------------------- slots


def _event_slots(p: Parsed, act: str | None) -> tuple[str | None, str | None]:
    """(actor, target) of an events question, from the cues of its actor mentions."""
    actor: str | None = None
    target: str | None = None
    plain: list[Mention] = []
    for m, cue in p.cues():
        role: str | None
        if cue == "possessor":
            others = any(c in _TARGET_CUES for _, c in p.cues())
            role = "actor" if act is None or act in _SELF or others else "target"
        elif act in _SELF and cue not in ("by", "to", "from", "against"):
            role = "target" if act == "formation" else "actor"
        elif cue in _ACTOR_CUES:
            role = "actor"
        elif cue in _TARGET_CUES:
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
            raise p.error(
                m.text,
                "an events question takes at most one actor and one target",
                FORMS_BY_NAME["events"].examples,
            )
    return actor, target


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
            raise p.error(
                m.text,
                "a breaches question takes at most one actor and one target",
                FORMS_BY_NAME["breaches"].examples,
            )
    return by, against


def _one_actor(p: Parsed, form: str) -> str:
    actors = p.mentions("actor")
    if not actors:
        raise p.error(p.text, f"the {form} question needs an actor", FORMS_BY_NAME[form].examples)
    return actors[0].value


def _matching_events(
    p: Parsed, act: str, by: str | None, against: str | None, span: tuple[str | None, str | None]
) -> list:
    kb = p.kb
    if kb.events_on_demand:  # read in SQL, not every record
        found = kb.events(actor=by, target=against, type=act, from_=span[0], to=span[1])
        return list(kb.events_by_id(e["id"] for e in found["events"]).values())
    out = []
    for e in kb.corpus.events:
        if e.type != act or (by and by not in e.actors) or (against and against not in e.targets):
            continue
        if span[0] and e.date.latest.isoformat() < span[0]:
            continue
        if span[1] and e.date.earliest.isoformat() > span[1]:
            continue
        out.append(e)
    return out


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
            second = next(x for x in ids if x != first)
            if named:
                first, second = second, first
        p.notes.append(f"comparing {first} with {second}")
    actors = p.mentions("actor")
    return Query(
        "compare",
        {"p": first, "q": second, "actor": actors[0].value if actors else None},
        p.kb.perspective,
    )


def build_aggressor(p: Parsed) -> Query:
    actors = list(dict.fromkeys(m.value for m in p.mentions("actor")))
    if len(actors) != 2:
        raise p.error(
            p.text,
            f"the aggressor question needs two actors, found {len(actors)}",
            FORMS_BY_NAME["aggressor"].examples,
        )
    start, end = p.period()
    return Query(
        "aggressor", {"a": actors[0], "b": actors[1], "from_": start, "to": end}, p.perspective()
    )


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
    return Query(
        "breaches",
        {"by": by, "against": against, "treaty": treaty, "from_": start, "to": end},
        p.perspective(),
        flt,
    )


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
    if act is None and not p.mentions("actor"):
        raise p.error(
            p.text,
            "a when-question needs an event, an instrument or an act "
            '("invade", "annex", "declare independence", ...)',
            FORMS_BY_NAME["when"].examples,
        )
    return build_events(p)


def build_holds(p: Parsed) -> Query:
    actor = _one_actor(p, "holds")
    return Query(
        "holds", {"actor": actor, "on": p.point(True, "a holds question")}, p.perspective()
    )


def build_timeline(p: Parsed) -> Query:
    return Query("timeline", {"actor": _one_actor(p, "timeline")}, p.perspective())


def build_status(p: Parsed) -> Query:
    actor = _one_actor(p, "status")
    if not p.mentions("date"):
        p.notes.append("no day given: showing the timeline of statuses")
        return Query("timeline", {"actor": actor}, p.perspective())
    return Query("status", {"actor": actor, "on": p.point()}, p.perspective())


def build_treaties(p: Parsed) -> Query:
    actors = list(dict.fromkeys(m.value for m in p.mentions("actor")))
    if len(actors) > 2:
        raise p.error(
            p.mentions("actor")[2].text,
            "a treaties question takes one actor (party) or two (between)",
            FORMS_BY_NAME["treaties"].examples,
        )
    on = p.point()
    if len(actors) == 2:
        return Query("treaties", {"party": None, "between": actors, "on": on}, p.perspective())
    return Query(
        "treaties",
        {"party": actors[0] if actors else None, "between": None, "on": on},
        p.perspective(),
    )


_IN_FORCE = re.compile(r"\bin force\b|\bvalid\b|\beffective\b|\bbind\w*\b|\bbound\b")


def build_treaty(p: Parsed) -> Query:
    name = p.mentions("instrument")[0].value
    if _IN_FORCE.search(p.template) and p.mentions("date"):
        actors = list(dict.fromkeys(m.value for m in p.mentions("actor")))[:2]
        args = {
            "party": actors[0] if len(actors) == 1 else None,
            "between": actors if len(actors) == 2 else None,
            "on": p.point(),
        }
        return Query("treaties", args, p.perspective(), {"instrument": name})
    return Query("treaty", {"name": name}, p.perspective())


def build_events(p: Parsed) -> Query:
    act = p.act()
    if len({m.value for m in p.mentions("act")}) > 1:
        p.notes.append(f"several acts named; reading the question as {act}")
    actor, target = _event_slots(p, act)
    start, end = p.period()
    return Query(
        "events",
        {"actor": actor, "target": target, "type": act, "from_": start, "to": end},
        p.perspective(),
    )


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Form:
    """A question form: a trigger over the template, the builder, and examples."""

    name: str
    trigger: re.Pattern[str]
    build: Callable[[Parsed], Query]
    examples: tuple[str, ...]
    guard: Callable[[Parsed], bool] = lambda p: True


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_TREATY_WORDS = r"\b(?:treaties|agreements|instruments|pacts|conventions|protocols|accords)\b"


def _no_instrument(p: Parsed) -> bool:
    return not p.mentions("instrument")


def _status_guard(p: Parsed) -> bool:
    if re.search(r"^(?:was|were|is|are) ACTOR (?:still )?ACT", p.template):
        return (
            p.act() in ("occupation", "annexation", "incorporation")
            and bool(p.mentions("date"))
            and " by ACTOR" not in p.template
        )
    return True


def _when_guard(p: Parsed) -> bool:
    return not (re.search(_TREATY_WORDS, p.template) and p.act() is None)


FORMS: tuple[Form, ...] = (
    Form(
        "compare",
        _rx(r"\b(?:compare|comparison|differ\w*|disagree\w*)\b|PERSPECTIVE.*PERSPECTIVE"),
        build_compare,
        (
            "where do the de facto and non-recognition views differ about Estonia?",
            "compare the Soviet view with the non-recognition view",
        ),
    ),
    Form(
        "aggressor",
        _rx(
            r"(?<!non )\baggress(?:or|ors|ion|ive)\b|\bACT first\b|\bfirst to ACT\b"
            r"|\bstruck first\b|\bstarted the war\b|\bwho started\b"
        ),
        build_aggressor,
        (
            "who was the aggressor between the Soviet Union and Estonia in 1940?",
            "was Germany the aggressor against Latvia in 1941?",
        ),
    ),
    Form(
        "breaches",
        _rx(r"\b(?:breach\w*|violat\w*|broke|break|breaks|broken|infring\w*|contraven\w*)\b"),
        build_breaches,
        (
            "which treaties did the June 1940 invasion of Estonia breach?",
            "which treaties did the USSR breach against Latvia in 1940?",
            "did the Soviet Union violate the Treaty of Tartu?",
        ),
    ),
    Form(
        "when",
        _rx(r"\bwhen\b|\b(?:what|which) (?:year|date|day|month)\b"),
        build_when,
        (
            "when did the USSR invade Latvia?",
            "when was the Treaty of Tartu signed?",
            "when did Lithuania restore its independence?",
        ),
        _when_guard,
    ),
    Form(
        "holds",
        _rx(
            r"\bwhat (?:held|holds|was true|is true|were the facts)\b|\bfluents?\b"
            r"|\b(?:held|holds|hold|true) (?:for|of)\b"
        ),
        build_holds,
        (
            "what held for Latvia on 1 January 1943?",
            "what was true of Lithuania in June 1940 in Soviet law?",
        ),
    ),
    Form(
        "timeline",
        _rx(
            r"\btimeline\b|\bhistory\b|\bover time\b|\bperiods?\b|\bchanges?\b|\bchanged\b"
            r"|\bchronology\b"
        ),
        build_timeline,
        ("show the timeline of Estonia", "how did Latvia's status change over time?"),
    ),
    Form(
        "treaties",
        _rx(
            _TREATY_WORDS + r"|\b(?:which|what|any) (?:treaty|agreement|instrument|pact"
            r"|convention)\b|\bin force\b"
        ),
        build_treaties,
        (
            "which treaties bound the USSR and Latvia on 1 June 1940?",
            "which treaties was Estonia party to in 1939?",
            "what treaties did Lithuania and the Soviet Union ever share?",
        ),
        _no_instrument,
    ),
    Form(
        "status",
        _rx(
            r"\bstatus\b|\bsovereign\w*\b|\bindependent\b|\bfree\b|\bstanding\b|\bsituation\b"
            r"|\bwho (?:controlled|ruled|governed|held|controls|rules)\b|\bcontrolled\b"
            r"|\bunder (?:the )?(?:control|occupation|rule)\b|\bpart of\b"
            r"|^(?:was|were|is|are) ACTOR (?:still )?(?:ACT|under)\b"
        ),
        build_status,
        (
            "what was Estonia's status in 1960 according to the non-recognition view?",
            "was Latvia sovereign on 1 January 1943 in Soviet law?",
            "who controlled Lithuania in mid-1941?",
        ),
        _status_guard,
    ),
    Form(
        "treaty",
        _rx(r"\bINSTRUMENT\b"),
        build_treaty,
        ("tell me about the Treaty of Tartu", "who were the parties to the Riga treaty?"),
    ),
    Form(
        "events",
        _rx(r"\bhappen\w*\b|\bevents?\b|\boccur\w*\b|\btook place\b|\bdo\b|\bdone\b|\bACT\b"),
        build_events,
        (
            "what happened to Lithuania in 1940?",
            "which invasions happened in 1941?",
            "what did the Soviet Union do to Latvia in 1940?",
        ),
    ),
    Form(
        "about",
        _rx(r"^(?:(?:tell me |show me |what |who )?(?:about |is |was )?(?:the )?ACTOR)$"),
        build_timeline,
        ("Estonia", "tell me about Latvia"),
    ),
)
FORMS_BY_NAME: dict[str, Form] = {f.name: f for f in FORMS}


# --------------------------------------------------------------------------- parsing


def _unknown_words(p: Parsed) -> None:
    """Refuse a question with a word that is neither a mention nor in the vocabulary."""
    toks = p.tokens
    for k, t in enumerate(toks):
        if not isinstance(t, Word) or t.norm in VOCABULARY:
            continue
        run = [t]
        for u in toks[k + 1 :]:
            if isinstance(u, Word) and u.norm not in VOCABULARY:
                run.append(u)
            else:
                break
        if any(w.capitalised for w in run) or t.text[:1].isupper():
            lo = k
            while lo > 1:
                prev, before = toks[lo - 1], toks[lo - 2]
                if isinstance(prev, Word) and prev.capitalised:
                    lo -= 1
                elif (
                    isinstance(prev, Word)
                    and prev.norm == "of"
                    and lo > 2
                    and isinstance(before, Word)
                    and before.capitalised
                ):
                    lo -= 2
                else:
                    break
            first = toks[lo]
            name = p.text[first.start : run[-1].end]
            raise p.error(name, _did_you_mean(p.kb, name, p.text[t.start : run[-1].end]))
        raise p.error(p.text[t.start : run[-1].end])


def _did_you_mean(kb: KnowledgeBase, *names: str) -> str:
    found: list[str] = []
    for name in dict.fromkeys(names):
        for look in (kb.resolver.actor, kb.resolver.instrument):
            try:
                look(name)
            except UnknownName as e:
                found += [s for s in e.suggestions if s not in found]
    why = "not an actor, instrument or event of the corpus"
    return why + did_you_mean(found[:3])


def parse(text: str, kb: KnowledgeBase) -> Query:
    """The :class:`Query` a question maps to; :class:`QuestionError` when none does."""
    question = " ".join(str(text).split())
    if not question.strip(" ?.!"):
        raise QuestionError("", "", "", EXAMPLES)
    p = Parsed(question, Lexicon.of(kb).scan(question), kb)
    _unknown_words(p)
    template = p.template
    for form in FORMS:
        if form.trigger.search(template) and form.guard(p):
            q = form.build(p)
            return Query(q.command, q.args, q.perspective, q.filter, tuple(p.notes))
    raise p.error(question, "it matches none of the question forms")
