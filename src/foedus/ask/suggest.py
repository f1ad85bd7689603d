"""Example questions, taken from the corpus: its own (``examples`` in ``corpus.yaml``), else
made from its records (the first instrument with two parties, the first invasion, ...).

A refused question is answered with the examples of the kind it seemed to ask for ("between
whom?" shows an aggressor question), else with all of them; the web page offers them as links.

>>> from foedus.query import KnowledgeBase
>>> made_examples(KnowledgeBase())[0]
'Which treaties bound Estonia and Russian SFSR in 1920?'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from foedus.query import KnowledgeBase

#: The commands a kind of question maps to.
KINDS: dict[str, frozenset[str]] = {
    "when": frozenset({"events", "treaty"}),
    "about": frozenset({"timeline"}),
    "sphere": frozenset({"events"}),
}

_CACHE: dict[int, tuple[object, list[tuple[str, str]]]] = {}
_BUSY: set[int] = set()


def corpus_examples(kb: KnowledgeBase) -> list[str]:
    """The corpus's own example questions, else questions made from its records."""
    given = list(kb.corpus.metadata.examples)
    return given or made_examples(kb)


def made_examples(kb: KnowledgeBase) -> list[str]:
    """Questions made from the first records of each kind that a corpus holds."""
    corpus = kb.corpus
    names = {a.id: a.name for a in corpus.actors}
    out: list[str] = []
    for ins in corpus.instruments:
        parties = list(dict.fromkeys(p.actor for p in ins.parties))
        if len(parties) >= 2 and ins.in_force is not None:
            a, b = names.get(parties[0], parties[0]), names.get(parties[1], parties[1])
            year = ins.in_force.latest.year
            out.append(f"Which treaties bound {a} and {b} in {year}?")
            out.append(f"What was {b}'s status in {year}?")
            out.append(f"When did the {ins.name} take effect?")
            break
    events = [] if kb.events_on_demand else list(corpus.events)
    for e in events:
        if e.targets and e.actors and e.targets[0] != e.actors[0]:
            a, t = names.get(e.actors[0], e.actors[0]), names.get(e.targets[0], e.targets[0])
            year = e.date.earliest.year
            out.append(f"Who was the aggressor between {a} and {t} in {year}?")
            out.append(f"What happened to {t} in {year}?")
            break
    if len(corpus.perspectives) >= 2:
        p, q = corpus.perspectives[0], corpus.perspectives[1]
        out.append(f"Where do the {p.name} and {q.name} views differ?")
    if corpus.actors:
        out.append(f"Show the timeline of {corpus.actors[0].name}")
    return out


def classified(kb: KnowledgeBase, command_of: Callable[[str], str]) -> list[tuple[str, str]]:
    """Each example with the command ``command_of`` maps it to ("" when none), once per
    corpus."""
    key = id(kb.corpus)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is kb.corpus:
        return cached[1]
    _BUSY.add(key)
    try:
        out = [(q, command_of(q)) for q in corpus_examples(kb)]
    finally:
        _BUSY.discard(key)
    _CACHE[key] = (kb.corpus, out)
    return out


def examples_for(kb: KnowledgeBase, kind: str, command_of: Callable[[str], str]) -> tuple[str, ...]:
    """The examples of one kind of question (a command, or ``when``, ``about``, ``sphere``),
    first; then the rest, up to five in all."""
    if id(kb.corpus) in _BUSY:  # an example that is itself refused: no examples for it
        return ()
    found = classified(kb, command_of)
    wanted = KINDS.get(kind, frozenset({kind}))
    first = [q for q, c in found if c in wanted]
    rest = [q for q, c in found if c not in wanted and c]
    return tuple((first + rest)[:5])
