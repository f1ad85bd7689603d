"""An act done to another act: "who recognised the Soviet annexation?", "was the annexation
of the Baltic states recognised?".

Where a question names two acts and one of them takes an act as its object
(:data:`foedus.ask.vocabulary.ON_ACTS`: recognition and non-recognition), that one is the act
asked about and the other its object. The names go with the act they stand by: "the Soviet
annexation" and "the annexation by the USSR" name the annexation's actor, "the annexation of
Latvia" its target, "did the United States recognise" the recognition's actor. The
recognition's target is the annexation's where the question names no other (what is
recognised is the annexed state's status).

The answer keeps the events of the act asked about whose record names the object (its summary
or quotes use a word of the object act, or of the smallest category of the corpus that holds
it with others: "the Soviet incorporation" is an annexation's record too) and whose targets
are the object events' targets; a mode named ("de facto", "de jure": an event's ``mode``) keeps
the events of that mode and is not read as a perspective. A note names them, and the records
of the opposite act (recognition, non-recognition) of the same object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from foedus.ask.intent import STATUS_ACTS
from foedus.ask.lexicon import Mention, Word, words
from foedus.ask.vocabulary import ACTS, ON_ACTS

if TYPE_CHECKING:
    from foedus.ask.forms import Parsed
    from foedus.ask.question import Query


def object_act(p: Parsed) -> tuple[str, str] | None:
    """(the act asked about, its object act) when the question names an act done to an act."""
    acts = list(dict.fromkeys(m.value for m in p.mentions("act")))
    heads = [a for a in acts if a in ON_ACTS]
    rest = [a for a in acts if a not in ON_ACTS]
    if len(heads) == 1 and len(rest) == 1:
        return heads[0], rest[0]
    return None


def _roles(p: Parsed, head: str, obj: str) -> dict[tuple[str, str], str]:
    """``(act, role)`` → the name that fills it, each name going with the act it stands by."""
    out: dict[tuple[str, str], str] = {}
    for m, cue in p.cues():
        k = p.tokens.index(m)
        nxt, prev = p._neighbour(k, 1), p._neighbour(k, -1)
        before = [t for t in p.tokens[:k] if isinstance(t, Mention) and t.kind == "act"]
        after = [t for t in p.tokens[k:] if isinstance(t, Mention) and t.kind == "act"]
        found: tuple[str, str] | None = None
        if before and isinstance(prev, Word) and prev.norm in ("of", "by", "against", "on"):
            # "the annexation of A", "... by A": the act before it
            found = (before[-1].value, "actor" if prev.norm == "by" else "target")
        elif isinstance(nxt, Mention) and nxt.kind == "act":
            found = (nxt.value, "target" if cue == "passive" else "actor")
        else:
            if before:
                found = (before[-1].value, "actor" if cue == "by" else "target")
            elif after:
                found = (after[0].value, "actor")
        if found is not None and found[0] in (head, obj):
            out.setdefault(found, m.value)
    return out


def _object_types(p: Parsed, obj: str) -> set[str]:
    """The object act and the acts of the smallest category of the corpus that holds it with
    others (annexation and incorporation)."""
    wider = [c for c in p.kb.corpus.categories if obj in c.event_types and len(c.event_types) > 1]
    if not wider:
        return {obj}
    return {obj} | set(min(wider, key=lambda c: (len(c.event_types), c.id)).event_types)


def _grouped_types(p: Parsed, obj: str) -> set[str]:
    """Every act a category of the corpus holds together with ``obj``."""
    return {t for c in p.kb.corpus.categories if obj in c.event_types for t in c.event_types}


def _heads(p: Parsed, head: str) -> list[Any]:
    from foedus.ask.slots import _matching_events

    return _matching_events(p, head, None, None, (None, None))


def _names_object(e: Any, types: set[str]) -> bool:
    text = " " + " ".join(" ".join(words(s)) for s in (e.summary, *(q.quote for q in e.sources)))
    phrases = {" ".join(words(ph)) for t in types for ph in ACTS.get(t, [t.replace("_", " ")])}
    return any(f" {ph} " in text + " " for ph in phrases)


def build(p: Parsed, head: str, obj: str, events_query: Callable[..., Query]) -> Query:
    """The events of ``head`` done to the ``obj`` events the question names;
    ``events_query(p, actor, target, act)`` makes the events query (the builders')."""
    from foedus.ask.slots import _matching_events

    roles = _roles(p, head, obj)
    actor = roles.get((head, "actor"))
    target = roles.get((head, "target")) or roles.get((obj, "target"))
    mode = _mode(p)
    q = events_query(p, actor, target, head)
    span = (q.args["from_"], q.args["to"])
    types = _object_types(p, obj)
    done = [
        e
        for t in sorted(types)
        for e in _matching_events(p, t, roles.get((obj, "actor")), roles.get((obj, "target")), span)
    ]
    targets = {x for e in done for x in e.targets}

    def of_object(act: str) -> list[Any]:
        return [
            e
            for e in _matching_events(p, act, actor, target, span)
            if _names_object(e, types) and (not targets or set(e.targets) & targets)
        ]

    found = of_object(head)
    if not found and obj in STATUS_ACTS:
        # "did the West recognise the Soviet takeover?": what is recognised is a status; no
        # record names the occupation as recognised, those that name a status act the corpus
        # groups with it (the annexation) are read, with a note saying which
        wider = (_grouped_types(p, obj) & STATUS_ACTS) - types
        named = sorted(t for t in wider if any(_names_object(e, {t}) for e in _heads(p, head)))
        if named:
            types = types.union(*(_object_types(p, t) for t in named))
            found = of_object(head)
            if found:
                p.notes.append(
                    f"no {head.replace('_', ' ')} record names the {obj.replace('_', ' ')}; "
                    f"read as the {head.replace('_', ' ')} of what the corpus groups with it: "
                    + ", ".join(t.replace("_", " ") for t in named)
                )
    if mode is not None:
        kept = [e for e in found if e.mode == mode[0]]
        p.notes.append(f"{mode[1]!r} read as the {head.replace('_', ' ')}'s mode ({mode[0]})")
        found = kept
    what = f"{head.replace('_', ' ')} of the {obj.replace('_', ' ')}"
    shown = ", ".join(e.id for e in found) or "none"
    p.notes.append(f"{what} read as the {head} events whose record names it: {shown}")
    opposite = head[4:] if head.startswith("non_") else f"non_{head}"
    if opposite in ON_ACTS:
        other = of_object(opposite)
        if other:
            p.notes.append(
                f"the corpus also records {opposite.replace('non_', 'non-')} of it: "
                + ", ".join(e.id for e in other)
            )
    return replace(q, filter={**q.filter, "event": [e.id for e in found]})


def _mode(p: Parsed) -> tuple[str, str] | None:
    """A mode of recognition the question names ("de facto"), taken off its perspectives."""
    modes = {"-".join(words(m)): m for m in ("de-jure", "de-facto")}
    for k, t in enumerate(p.tokens):
        if isinstance(t, Mention) and t.kind == "perspective":
            key = "-".join(words(t.text))
            if key in modes:
                del p.tokens[k]
                return modes[key], t.text
    return None
