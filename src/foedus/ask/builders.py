"""One builder per intent: the :class:`~foedus.ask.question.Query` a parsed question asks for.

:data:`BUILDERS` maps each intent of :mod:`foedus.ask.intent` to its builder; a builder fills
the query's slots (:mod:`foedus.ask.slots`), reads its dates as a day or a range, and says in
one line what is missing when a slot cannot be filled ("between whom?").
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from foedus.ask import intent, objects
from foedus.ask.lexicon import words
from foedus.ask.question import Query
from foedus.ask.slots import (
    _breach_slots,
    _event_slots,
    _matching_events,
    _no_group,
    _one_actor,
    _span_text,
    _sphere_slots,
    _with_group,
    again,
)
from foedus.ask.standing import (
    _party_notes,
    build_status,
    build_treaties,
    build_treaty,
    build_treaty_in_force,
)

if TYPE_CHECKING:
    from foedus.ask.forms import Parsed


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
    dates = p.mentions("date")
    if dates:  # compare has no day: say so rather than drop the date unseen
        p.notes.append(
            f"{_span_text(p, dates)} not used: compare lists every period where "
            f"{first} and {second} differ"
        )
    actors = p.mentions("actor")
    return Query(
        "compare",
        {"p": first, "q": second, "actor": actors[0].value if actors else None},
        p.kb.perspective,
    )


def build_aggressor(p: Parsed) -> Query:
    _no_group(p, "aggressor")
    actors = list(dict.fromkeys(m.value for m in p.mentions("actor")))
    if not actors:
        raise p.missing("the aggressor between whom? (name two actors)", "aggressor")
    if len(actors) > 2:
        raise p.missing("the aggressor between which two? (name two actors)", "aggressor")
    start, end = p.period()
    if len(actors) == 1:
        actors.append(_other_side(p, actors[0], start, end))
    q = Query(
        "aggressor", {"a": actors[0], "b": actors[1], "from_": start, "to": end}, p.perspective()
    )
    if intent.is_yes_no(p):
        q = q.asking(("aggressor", actors[0]))
    return q


def _other_side(p: Parsed, actor: str, start: str | None, end: str | None) -> str:
    """The other actor of an aggressor question that names one (``who was the aggressor in
    Lithuania in June 1940``): the one actor that committed an act the definition names
    (:func:`foedus.norms.aggression.defined_acts`; any event if the corpus defines none)
    towards ``actor``, or that ``actor`` committed one towards, in the period; a note says
    so. None or several: the question lacks it, and the error lists those the acts name."""
    from foedus.norms.aggression import defined_acts

    acts = defined_acts(p.kb.corpus)[0]
    seen: dict[str, list[str]] = {}
    for role, side in (("actor", "targets"), ("target", "actors")):
        for e in p.kb.events(**{role: actor}, from_=start, to=end)["events"]:
            if acts and e["type"] not in acts:
                continue
            for other in e[side]:
                if other["id"] != actor:
                    seen.setdefault(other["id"], []).append(e["id"])
    who = p.mentions("actor")[0].text
    names = [p.lex.display.get(("actor", o), o) for o in seen]
    if len(seen) == 1:
        other, ids = next(iter(seen.items()))
        shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        p.notes.append(
            f"the other side read as {names[0]}: the only other party to the acts ({shown})"
        )
        return other
    if not seen:
        why = f"no act of aggression by or against {who} in that period"
        raise p.missing(f"the aggressor between {who} and whom? ({why})", "aggressor")
    which = ", ".join(names[:-1]) + " or " + names[-1]
    raise p.missing(f"the aggressor between {who} and whom? ({which})", "aggressor")


def build_breaches(p: Parsed) -> Query:
    by, against = _breach_slots(p)
    instruments = p.mentions("instrument")
    treaty = instruments[0].value if instruments else None
    events = p.mentions("event")
    act = p.act()
    start, end = p.period(note=not (events or act))
    flt: dict[str, object] = {}
    phrase = _phrase_events(p)
    if phrase and not events:
        # "did Operation Barbarossa breach ...": the events whose records name it
        by = by or _common(e.actors for e in phrase)
        start = min(e.date.earliest for e in phrase).isoformat()
        end = max(e.date.latest for e in phrase).isoformat()
        flt = {"event": [e.id for e in phrase]}
    elif events:
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
    phrase = _phrase_events(p)
    if phrase and act is None and not instruments:
        # "when was Operation Barbarossa?": the events whose records name it
        q = Query(
            "events",
            {"actor": None, "target": None, "type": None, "from_": None, "to": None},
            p.perspective(),
            {"event": [e.id for e in phrase]},
        )
        return q
    if instruments and (act is None or act in intent.LEAVING):
        _party_notes(p, instruments[0].value)
        return Query("treaty", {"name": instruments[0].value}, p.perspective())
    if act is None and not p.named():
        raise p.missing(
            'when did what? (name an event, an instrument or an act: "invade", "annex", '
            '"declare independence", ...)',
            "when",
        )
    if act == "sphere_assignment":
        return build_sphere(p)
    if act is None and intent.lost_statehood(p):
        # "when did Estonia lose its independence?": the periods of its status say when
        actor = _one_actor(p, "timeline", "the timeline of whom? (name an actor)")
        p.notes.append("when it lost its statehood: the timeline of its statuses says")
        return Query("timeline", {"actor": actor}, p.perspective())
    return _successor_acted(p, build_events(p))


def _successor_acted(p: Parsed, q: Query) -> Query:
    """A when-question about what a state did that no event of it matches, where one of its
    successor or predecessor states did it ("when did the last Valdmark troops leave
    Skarvia?": the Kingdom's successor, the Republic, withdrew them): asked of that state,
    with a note saying so."""
    actor = q.args.get("actor")
    if q.command != "events" or not actor or q.each or q.check is not None:
        return q
    if p.kb.events(**q.args)["events"]:
        return q
    for other in _lineage(p, actor):
        args = {**q.args, "actor": other}
        if p.kb.events(**args)["events"]:
            name = p.lex.display.get(("actor", actor), actor)
            shown = p.lex.display.get(("actor", other), other)
            p.notes.append(
                f"no event of {name} matches; read as {shown}, its "
                + ("successor" if other in _successors(p, actor) else "predecessor")
            )
            return replace(q, args=args)
    return q


def _chain(p: Parsed, actor: str, link: str) -> list[str]:
    """The actors ``link`` (``successor`` or ``predecessor``) leads to from ``actor``,
    nearest first, each once."""
    out: list[str] = []
    a = p.kb.resolver.actor(actor)
    while (nxt := getattr(a, link)) and nxt not in out and nxt != actor:
        out.append(nxt)
        a = p.kb.resolver.actor(nxt)
    return out


def _successors(p: Parsed, actor: str) -> list[str]:
    return _chain(p, actor, "successor")


def _lineage(p: Parsed, actor: str) -> list[str]:
    """The actor's successors, nearest first, then its predecessors."""
    return _successors(p, actor) + _chain(p, actor, "predecessor")


def build_holds(p: Parsed) -> Query:
    actor = _one_actor(p, "holds", "what held for whom? (name an actor)")
    return Query("holds", {"actor": actor, "on": p.point(True, "held")}, p.perspective())


def build_timeline(p: Parsed) -> Query:
    actor = _one_actor(p, "timeline", "the timeline of whom? (name an actor)")
    return Query("timeline", {"actor": actor}, p.perspective())


def build_events(p: Parsed) -> Query:
    act = p.act()
    done_to = objects.object_act(p)
    if done_to is not None:
        return objects.build(p, *done_to, _events_query)
    if len({m.value for m in p.mentions("act")}) > 1:
        p.notes.append(f"several acts named; reading the question as {act}")
    place = _involving(p, act)
    if place is not None:
        return _events_query(p, None, None, act, involving=place)
    actor, target = _event_slots(p, act)
    q = _events_query(p, actor, target, act)
    phrase = _phrase_events(p)
    if phrase:
        # "what did Operation Barbarossa do to Latvia?": the events whose records name it
        q = replace(q, filter={**q.filter, "event": [e.id for e in phrase]})
    ins = intent.act_on_instrument(p)
    if ins is not None and act is not None and not q.each:
        # "did the USSR condemn the secret protocol?": the events of that act on it
        found = _matching_events(p, act, actor, target, (q.args["from_"], q.args["to"]))
        ids = [e.id for e in found if e.instrument == ins]
        q = replace(q, filter={**q.filter, "event": ids})
        if not ids:
            shown = p.lex.display.get(("instrument", ins), ins)
            p.notes.append(f"no {act.replace('_', ' ')} event of {shown} in the corpus")
            _parts_acted_on(p, ins, [e for e in found if e.instrument])
    return q


def _parts_acted_on(p: Parsed, ins: str, found: list[Any]) -> None:
    """A note for the events of the act on an instrument whose name holds the name asked
    about ("did the USSR condemn the Molotov–Ribbentrop Pact?": the corpus records the
    condemnation of the "Secret Protocol of the Molotov–Ribbentrop Pact"); the answer stays
    the instrument's own."""
    record = p.kb.resolver.instrument(ins)
    asked = [" ".join(words(n)) for n in (record.name, *record.aliases)]
    for e in found:
        other = p.kb.resolver.instrument(e.instrument)
        if other.id == ins:
            continue
        if any(
            f" {a} " in f" {' '.join(words(n))} "
            for a in asked
            for n in (other.name, *other.aliases)
        ):
            p.notes.append(
                f"the corpus records it of {other.name}, whose name holds {record.name}'s: {e.id}"
            )


def _phrase_events(p: Parsed) -> list[Any]:
    """The events of the question's phrase (:func:`foedus.ask.anchors.quoted`), else none."""
    found = p.mentions("phrase")
    if not found:
        return []
    return list(p.kb.events_by_id(p.phrases[found[0].start]).values())


def _common(actors: Any) -> str | None:
    shared = set.intersection(*(set(a) for a in actors))
    return shared.pop() if len(shared) == 1 else None


def _involving(p: Parsed, act: str | None) -> str | None:
    """The one actor a question names with no act, as a place or a topic ("what happened in
    Lithuania in 1990?", "events involving Latvia"): its events are those it took part in,
    as an actor (its elections, its declarations) or as a target; else None. With an act,
    only a place that no event of the act has as its target in the period, while one has it
    as an actor: "the 1990 elections in Latvia" are Latvia's own (those of 1940 were held
    there by the USSR, its target)."""
    cues = p.cues()
    if len(cues) != 1:
        return None
    m, cue = cues[0]
    if cue not in ("in", "about") or (m.kind != "actor" and act is not None):
        return None
    if act is None:
        # a group ("what happened in the Baltics in July 1989"): what any member did or
        # suffered, its own declarations as well as what was done to it
        return m.value
    if cue != "in":
        return None
    span = p.period(note=False)
    if _matching_events(p, act, None, m.value, span) or not _matching_events(
        p, act, m.value, None, span
    ):
        return None
    return m.value


def build_happened(p: Parsed) -> Query:
    """Only a name and a date: what happened to it then."""
    named = p.named()
    return _events_query(p, None, named[0].value, None)


def build_sphere(p: Parsed) -> Query:
    power, state = _sphere_slots(p)
    return _events_query(p, power, state, "sphere_assignment")


def _events_query(
    p: Parsed,
    actor: str | None,
    target: str | None,
    act: str | None,
    involving: str | None = None,
) -> Query:
    start, end = p.period()
    types = _category_types(p, act)
    flt: dict[str, Any] = {"event_type": types} if types else {}
    if involving is not None:
        flt["involving"] = involving
    q = Query(
        "events",
        {
            "actor": actor,
            "target": target,
            "type": None if types else act,
            "from_": start,
            "to": end,
        },
        p.perspective(),
        flt,
    )
    q = _with_group(p, q, [actor, target, involving])
    if act is not None and again(p):
        # "the soviet re-invasion", "invaded Latvia again": the events that repeat an earlier one
        found = _matching_events(p, act, actor, target, (start, end))
        q = replace(q, filter={**q.filter, "event": [e.id for e in found]})
        shown = ", ".join(f"{e.id} ({e.date.text})" for e in found) or "none"
        p.notes.append(
            f"{act.replace('_', ' ')} again read as the events that repeat an earlier one by the "
            f"same actor against the same target: {shown}"
        )
    if not intent.is_yes_no(p):
        return q
    lawful = [w for w in intent.words_of(p) if w in intent.CONCEPTS["lawful"]]
    if lawful and act is not None:
        # "was the annexation of Latvia legal?": whether it happened is no answer to that
        p.notes.append(
            f"{lawful[0]!r} is not judged here: the answer lists the {act.replace('_', ' ')} "
            'events; whether they were lawful is which treaties they breached (ask "which '
            f'treaties did the {act.replace("_", " ")} breach?")'
        )
        return q
    return q.asking(("any", None))


def _category_types(p: Parsed, act: str | None) -> list[str]:
    """The event types of the corpus's category named as the act (``attack``), when it has
    more than the act's own: an imported corpus's attacks are also its wars
    (``interstate_war``), which a filter on the one type would miss; else none."""
    if act is None:
        return []
    for cat in p.kb.corpus.categories:
        if cat.id == act.replace("_", "-") and set(cat.event_types) - {act}:
            types = sorted(set(cat.event_types) | {act})
            p.notes.append(f"{act} read as the corpus's category {cat.id}: {', '.join(types)}")
            return types
    if act == "attack":
        return _armed_attack(p)
    return []


def _armed_attack(p: Parsed) -> list[str]:
    """The verb "attack" names any armed attack, an invasion as much as an attack in the
    narrow sense of Article II, 3 of the 1933 Convention ("did the USSR attack Estonia in
    1940?" is answered by the invasion): the types of the corpus's smallest category that
    holds ``attack`` beside other acts (the bundled corpus's ``aggression``, the five acts
    of Article II), with a note; none when no category does."""
    holding = [c for c in p.kb.corpus.categories if "attack" in c.event_types]
    wider = [c for c in holding if set(c.event_types) - {"attack"}]
    if not wider:
        return []
    cat = min(wider, key=lambda c: (len(set(c.event_types)), c.id))
    types = sorted(set(cat.event_types))
    p.notes.append(f"attack read as the corpus's category {cat.id}: {', '.join(types)}")
    return types


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
