"""Dates a question gives by naming something: "today", an instrument, an event, a phrase.

A question may date itself by what happened rather than by a date (docs/questions.md,
"Dates named by a record"). Each such span is replaced by a date mention of the corpus's own
record, with a note saying what was read:

- "today", "now", "currently", "nowadays", "at present", "present-day" are the corpus's last
  date, the latest day of any of its records (:func:`present`): the knowledge base says
  nothing of later days;
- after a time word ("after", "before", "since", "until", "till", "when", "during", "on the
  day", "at the time of") an instrument is the day it was signed, or entered into force
  where the question says so ("after the Tartu treaty", "on the day the Molotov–Ribbentrop
  Pact was signed"); an event, or a clause of an act and its actors ("when the Soviets
  invaded Lithuania", "after the invasion of Estonia"), is the date of the corpus's record of
  it, the earliest where several match, naming the others (:func:`anchored`);
- a capitalised phrase that names nothing of the corpus but that its events' summaries or
  quotes use ("Operation Barbarossa") is those events (:func:`quoted`): a ``phrase`` mention
  whose events :attr:`Parsed.phrases` keeps.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from foedus.ask import intent
from foedus.ask.lexicon import Mention, Token, Word, words
from foedus.model import FuzzyDate, shift_day

if TYPE_CHECKING:
    from foedus.ask.forms import Parsed
    from foedus.query import KnowledgeBase

#: Words that mean the day a question is asked: read as the corpus's last date.
PRESENT: tuple[tuple[str, ...], ...] = (
    ("today",),
    ("now",),
    ("currently",),
    ("nowadays",),
    ("at", "present"),
    ("present", "day"),
    ("these", "days"),
)
#: Time words before a record that dates the question by it.
_CUES = (
    ("on", "the", "eve", "of"),
    ("the", "eve", "of"),
    ("eve", "of"),
    ("at", "the", "time", "of"),
    ("at", "the", "time"),
    ("on", "the", "day", "that"),
    ("on", "the", "day"),
    ("the", "day"),
    ("after",),
    ("before",),
    ("since",),
    ("until",),
    ("till",),
    ("when",),
    ("during",),
)
_OPEN = frozenset({"after", "before", "since", "until", "till"})
#: Words a clause of an act may hold besides names and the act.
_CLAUSE = frozenset("the of by against on from it they its their troops forces had have".split())
_INSTRUMENT_VERBS = frozenset("was were had been signed concluded came entered took into".split())
_FORCE = frozenset({"force", "effect"})
#: Words that ask a question of their own after a clause ("when A did X, who ruled B?").
_ASKING = frozenset("what which who whom whose where why how was were is are did do does".split())

#: Words before a phrase in a record that date the record relative to it, not by it.
_TIME_LEADS = frozenset("after before following since until till prior".split())

_LAST: dict[int, tuple[object, str, str]] = {}


def last_date(kb: KnowledgeBase) -> tuple[str, str]:
    """The corpus's last date (the latest day of any event) and the event that ends there."""
    cached = _LAST.get(id(kb.corpus))
    if cached is not None and cached[0] is kb.corpus:
        return cached[1], cached[2]
    day, which = "", ""
    for e in kb.events()["events"]:
        if e["date"]["latest"] >= day:
            day, which = e["date"]["latest"], e["id"]
    _LAST[id(kb.corpus)] = (kb.corpus, day, which)
    return day, which


def _match(tokens: list[Token], k: int, phrase: tuple[str, ...]) -> bool:
    window = tokens[k : k + len(phrase)]
    return len(window) == len(phrase) and all(
        isinstance(t, Word) and t.norm == w for t, w in zip(window, phrase, strict=True)
    )


def present(p: Parsed) -> None:
    """ "today", "now", ...: the corpus's last date, with a note."""
    k = 0
    while k < len(p.tokens):
        found = next((ph for ph in PRESENT if _match(p.tokens, k, ph)), None)
        if found is None:
            k += 1
            continue
        first, last = p.tokens[k], p.tokens[k + len(found) - 1]
        day, which = last_date(p.kb)
        text = p.text[first.start : last.end]
        d = FuzzyDate.model_validate({"earliest": day, "latest": day, "text": day})
        p.tokens[k : k + len(found)] = [Mention("date", day, text, first.start, last.end, date=d)]
        p.notes.append(
            f"{text!r} read as {day}, the corpus's last date ({which}): it records nothing later"
        )
        k += 1


def _span_date(text: str, earliest: str, latest: str) -> FuzzyDate:
    return FuzzyDate.model_validate({"earliest": earliest, "latest": latest, "text": text})


def anchored(p: Parsed) -> None:
    """A record after a time word ("after the Tartu treaty", "when the Soviets invaded
    Lithuania"): the date of the corpus's record of it, with a note."""
    k = 0
    while k < len(p.tokens):
        if _either_side(p, k):
            continue
        cue = next((c for c in _CUES if _match(p.tokens, k, c)), None)
        if cue is None or _asks_when(p, k):
            k += 1
            continue
        start = k + len(cue)
        # "what treaties were broken when the USSR occupied Estonia?": the act is the breach
        # asked about, not its date
        acts_asked = cue[-1] in ("when", "during") and (
            intent.has(p, "breach") or intent.has(p, "aggressor")
        )
        found = (
            _instrument_at(p, start)
            or _phrase_at(p, start)
            or (None if acts_asked else _event_at(p, start))
        )
        eve = "eve" in cue
        if found is None:
            if (cue[-1] in _OPEN or cue[-1] == "during" or eve) and _unnamed(p, k, start):
                continue  # a phrase the corpus's events use: read it as their dates
            k += 1
            continue
        end, d, shown = found
        first, last = p.tokens[k], p.tokens[end - 1]
        said = p.text[first.start : last.end]
        if eve:
            d, shown = _eve(p, said, d, shown)
        keep = [p.tokens[k]] if cue[-1] in _OPEN else []
        begin = p.tokens[start].start
        p.tokens[k:end] = [*keep, Mention("date", d.text, d.text, begin, last.end, date=d)]
        p.notes.append(f"{said!r} read as {shown}")
        k += 1


_EITHER = (("before", "or", "after"), ("after", "or", "before"))


def _either_side(p: Parsed, k: int) -> bool:
    """ "before or after the Atlantic Charter": the question asks on which side of a record
    its answer falls, not for what lies on one side. The words are taken out and the record
    kept (:attr:`Parsed.relative`); the reply says, for each item, before or after."""
    if not any(_match(p.tokens, k, c) for c in _EITHER):
        return False
    start = k + 3
    rest = p.tokens[start:]
    if rest and all(isinstance(t, Word) for t in rest):
        # a phrase the corpus's events use, in any case ("operation barbarossa")
        first = _skip_the(p, start)
        if first < len(p.tokens):
            quoted(p, first, len(p.tokens) - 1)
    found = _instrument_at(p, start) or _phrase_at(p, start) or _event_at(p, start)
    if found is None:
        return False
    end, d, shown = found
    said = p.text[p.tokens[k].start : p.tokens[end - 1].end]
    what = p.text[p.tokens[start].start : p.tokens[end - 1].end]
    del p.tokens[k:end]
    p.relative = (what, d.earliest.isoformat(), d.latest.isoformat())
    p.notes.append(f"{said!r}: set against {shown}")
    return True


def _eve(p: Parsed, said: str, d: FuzzyDate, shown: str) -> tuple[FuzzyDate, str]:
    """ "on the eve of X": the day before X, where the record dates X to a day; where it
    dates it only to a month, a season or a year, no day is the eve, and the question is
    refused with the date the record gives."""
    if d.earliest != d.latest:
        span = f"{d.earliest.isoformat()} to {d.latest.isoformat()}"
        what = re.split(r", the dates? of ", shown)[-1].split(" (the earliest")[0]
        raise p.error(
            said,
            f"the corpus dates it ({what}) only as {d.text!r} ({span}), not to a day, so no "
            f'day is its eve; ask "before {d.text}" instead',
        )
    day = shift_day(d.earliest, -1).isoformat()
    return _span_date(day, day, day), f"{day}, the day before {shown}"


def _unnamed(p: Parsed, k: int, start: int) -> bool:
    """ "after the war", "during world war ii": a time word that ends the question on words
    that name no date and no record of the corpus ("the" and any words, or up to three
    words) is refused, naming them: read without them, the question would be answered over
    every day. Words that the corpus's events use, in any case ("after operation
    barbarossa"), are those events (:func:`quoted`): True, to read them so."""
    rest = p.tokens[start:]
    if not rest or not all(isinstance(t, Word) for t in rest):
        return False
    ws = [t.norm for t in rest if isinstance(t, Word)]
    if (ws[0] != "the" and len(ws) > 3) or ws == ["the"] or {"day", "time"} & set(ws):
        return False
    first = start + 1 if ws[0] == "the" else start
    if quoted(p, first, len(p.tokens) - 1):
        return True
    said = p.text[p.tokens[k].start : rest[-1].end]
    cue = p.tokens[k].text.lower()
    if any(isinstance(t, Word) and t.norm == "eve" for t in p.tokens[k:start]):
        cue = "before"  # "on the eve of the war"
    raise p.error(
        said,
        "it names no date, and no record of the corpus is called so; give a year or a range "
        f'instead ("{cue} 1945", "{cue} the 1940s")',
    )


def _asks_when(p: Parsed, k: int) -> bool:
    """ "when did ...", "when was ...": the question asks for the date, it does not give it."""
    t = p.tokens[k]
    if not (isinstance(t, Word) and t.norm == "when"):
        return False
    nxt = p.tokens[k + 1] if k + 1 < len(p.tokens) else None
    if not isinstance(nxt, Mention) and not (isinstance(nxt, Word) and nxt.norm == "the"):
        return True
    # "when USSR invaded Lithuania", "when signed Estonia the treaty": opening the question,
    # with no question of its own after the clause, it asks for the date
    lead = [t for t in p.tokens[:k] if not (isinstance(t, Mention) and t.kind == "perspective")]
    rest = {t.norm for t in p.tokens[k + 1 :] if isinstance(t, Word)}
    return not lead and not rest & _ASKING


def _skip_the(p: Parsed, k: int) -> int:
    while k < len(p.tokens) and isinstance(p.tokens[k], Word) and p.tokens[k].norm == "the":  # type: ignore[union-attr]
        k += 1
    return k


def _instrument_at(p: Parsed, k: int) -> tuple[int, FuzzyDate, str] | None:
    k = _skip_the(p, k)
    t = p.tokens[k] if k < len(p.tokens) else None
    if not (isinstance(t, Mention) and t.kind == "instrument"):
        return None
    end = k + 1
    said: list[str] = []
    while end < len(p.tokens):
        w = p.tokens[end]
        if not (isinstance(w, Word) and (w.norm in _INSTRUMENT_VERBS or w.norm in _FORCE)):
            break
        said.append(w.norm)
        end += 1
    ins = p.kb.resolver.instrument(t.value)
    key = "in_force" if _FORCE & set(said) else "signed"
    when = getattr(ins, key) or ins.signed or ins.in_force
    if when is None:
        return None
    what = "entered into force" if when is ins.in_force else "signed"
    d = _span_date(when.text, when.earliest.isoformat(), when.latest.isoformat())
    return end, d, f"{when.text}, the day {ins.name} was {what}"


def _phrase_at(p: Parsed, k: int) -> tuple[int, FuzzyDate, str] | None:
    k = _skip_the(p, k)
    t = p.tokens[k] if k < len(p.tokens) else None
    if not (isinstance(t, Mention) and t.kind in ("phrase", "event")):
        return None
    ids = p.phrases.get(t.start) or [t.value]
    events = list(p.kb.events_by_id(ids).values())
    lo = min(e.date.earliest for e in events).isoformat()
    hi = max(e.date.latest for e in events).isoformat()
    text = events[0].date.text if lo == hi or len({e.date.text for e in events}) == 1 else lo
    d = _span_date(text, lo, hi)
    return k + 1, d, f"{lo} to {hi}, the dates of {', '.join(ids)}"


def _event_at(p: Parsed, k: int) -> tuple[int, FuzzyDate, str] | None:
    """A clause of one act and the names around it ("the Soviets invaded Lithuania", "the
    invasion of Estonia"): the corpus's events of it; the earliest where several match."""
    from foedus.ask.slots import _event_slots, _matching_events, again

    end = k
    acts: list[Mention] = []
    named = 0
    while end < len(p.tokens):
        t = p.tokens[end]
        if isinstance(t, Mention) and t.kind in ("actor", "group"):
            named += 1
        elif isinstance(t, Mention) and t.kind == "act":
            acts.append(t)
        elif not (isinstance(t, Word) and t.norm in _CLAUSE):
            break
        end += 1
    while end > k and isinstance(p.tokens[end - 1], Word):
        end -= 1  # "... invaded Lithuania, the" ends on its last name or act
    if len({a.value for a in acts}) != 1:
        return None
    act = acts[0].value
    clause = type(p)(p.text, p.tokens[k:end], p.kb, p.lex)
    if not named and not again(clause):  # "after the re-invasion" names its events alone
        return None
    try:
        actor, target = _event_slots(clause, act)
    except Exception:  # a clause naming too many: not a record's date
        return None
    found = []
    if actor is None:
        # "did the USSR violate ... after the invasion of Estonia": the question's actor's act
        rest = [*p.tokens[:k], *p.tokens[end:]]
        for m in (t for t in rest if isinstance(t, Mention) and t.kind == "actor"):
            found = _matching_events(clause, act, m.value, target, (None, None))
            if found:
                break
    found = sorted(
        found or _matching_events(clause, act, actor, target, (None, None)),
        key=lambda e: (e.date.earliest, e.date.latest),
    )
    if not found:
        return None
    first = found[0]
    same = [e for e in found if e.date == first.date]
    others = [e for e in found if e.date != first.date]
    lo, hi = first.date.earliest.isoformat(), first.date.latest.isoformat()
    d = _span_date(first.date.text, lo, hi)
    shown = f"{first.date.text} ({lo} to {hi}), the date of {', '.join(e.id for e in same)}"
    if others:
        shown += (
            " (the earliest of "
            + ", ".join(f"{e.id}: {e.date.text}" for e in [*same, *others])
            + ")"
        )
    return end, d, shown


def quoted(p: Parsed, first: int, last: int) -> bool:
    """Tokens ``first`` to ``last`` (capitalised words no table knows) as a phrase the
    corpus's events use in their summaries or quotes ("Operation Barbarossa"): a ``phrase``
    mention whose events :attr:`Parsed.phrases` keeps; False when no event uses it."""
    if p.kb.events_on_demand:
        return False
    a, b = p.tokens[first], p.tokens[last]
    text = p.text[a.start : b.end]
    key = words(text)
    if not key or (len(key) < 2 and not _proper(p, key[0])):
        return False
    pattern = re.compile(
        r"(?:\b(?P<lead>\w+)\W+)?\b" + r"\W+".join(map(re.escape, key)) + r"\b", re.IGNORECASE
    )

    def names(text: str) -> bool:
        # "After World War II, ... mass deportations were concluded": the record is dated
        # after what it names there, not by it
        return any(
            (m.group("lead") or "").lower() not in _TIME_LEADS for m in pattern.finditer(text)
        )

    # the records whose own summary names it; else those that quote it
    ids = [e.id for e in p.kb.corpus.events if names(e.summary)] or [
        e.id for e in p.kb.corpus.events if any(names(q.quote) for q in e.sources)
    ]
    if not ids:
        return False
    p.tokens[first : last + 1] = [Mention("phrase", key[-1], text, a.start, b.end)]
    p.phrases[a.start] = ids
    p.notes.append(f"{text!r} read as the events whose records name it: {', '.join(ids)}")
    return True


def _proper(p: Parsed, word: str) -> bool:
    """Whether the corpus's records write ``word`` as a name: capitalised within a sentence
    ("the Skrunda-1 radar station", "Izvestia published"), so that one word is a phrase of
    theirs, not any word a summary happens to use."""
    if len(word) < 4:
        return False
    pattern = re.compile(r"[^.!?\s]\s+" + re.escape(word.capitalize()) + r"\b")
    return any(
        pattern.search(text)
        for e in p.kb.corpus.events
        for text in (e.summary, *(q.quote for q in e.sources))
    )


def proper_nouns(p: Parsed, known: frozenset[str]) -> None:
    """A word in lower case that no table knows and that the records write as a name
    ("when did the last russian troops leave skrunda") is a phrase of theirs
    (:func:`quoted`), as it is capitalised."""
    if p.kb.events_on_demand:
        return

    def unknown(t: Token) -> bool:
        return isinstance(t, Word) and t.norm not in known and not t.capitalised

    k = 0
    while k < len(p.tokens):
        j = k
        while j < len(p.tokens) and unknown(p.tokens[j]):
            j += 1
        # the longest run of such words first ("operation barbarossa"), then each alone
        if j > k and not quoted(p, k, j - 1):
            for i in range(j - 1, k - 1, -1):
                quoted(p, i, i)
        k = max(j, k + 1) if j == k else k + 1


_ARTICLES = frozenset("the a an its their".split())


def instrument_years(p: Parsed) -> None:
    """ "the 1933 convention", "the 1939 mutual assistance pact": a year written between an
    article and an instrument's noun dates the instrument, not the question. With the noun
    alone, the one instrument of the corpus whose name holds the noun and that was signed
    then is it; before a tail of instruments' names ("mutual assistance pact"), the tail
    names it (:func:`foedus.ask.tails.shared_tails`); either way the year is no date of the
    question (read as one, "was the USSR the aggressor in June 1940 under the 1933
    convention" would ask of two dates)."""
    from foedus.ask.lexicon import INSTRUMENT_NOUNS

    k = 1
    while k < len(p.tokens):
        t, before = p.tokens[k], p.tokens[k - 1]
        if not (
            isinstance(t, Mention)
            and t.kind == "date"
            and t.date is not None
            and isinstance(before, Word)
            and before.norm in _ARTICLES
        ):
            k += 1
            continue
        j = k + 1
        while j < len(p.tokens) and j <= k + 4:
            w = p.tokens[j]
            if isinstance(w, Mention) or w.norm in INSTRUMENT_NOUNS:
                break
            j += 1
        u = p.tokens[j] if j < len(p.tokens) else None
        between = tuple(w.norm for w in p.tokens[k + 1 : j] if isinstance(w, Word))
        if isinstance(u, Mention) and u.kind == "instrument":
            del p.tokens[k]
            p.notes.append(f"{t.text} read as the date of {p.lex.display[('instrument', u.value)]}")
            continue
        if not (isinstance(u, Word) and u.norm in INSTRUMENT_NOUNS):
            k += 1
            continue
        if between:
            if (*between, u.norm) in p.lex.tails:
                del p.tokens[k]
                p.notes.append(f"{t.text} read as the date of the {' '.join(between)} {u.norm}")
                continue
            k += 1
            continue
        ids = [
            iid
            for kind, iid in p.lex.display
            if kind == "instrument" and _signed_then(p, iid, u.norm, t)
        ]
        if len(ids) == 1:
            shown = p.lex.display[("instrument", ids[0])]
            p.tokens[k : j + 1] = [Mention("instrument", ids[0], shown, t.start, u.end)]
            p.notes.append(f"'the {t.text} {u.text}' read as {shown}")
        k += 1


def _signed_then(p: Parsed, iid: str, noun: str, when: Mention) -> bool:
    """Whether the instrument's name holds ``noun`` and it was signed in ``when``'s range."""
    ins = p.kb.resolver.instrument(iid)
    if not any(noun in words(n) for n in (ins.name, *ins.aliases)) or ins.signed is None:
        return False
    assert when.date is not None
    return ins.signed.earliest <= when.date.latest and ins.signed.latest >= when.date.earliest
