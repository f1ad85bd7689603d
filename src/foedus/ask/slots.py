"""Fill a query's slots from a question's mentions and the cues before them.

Each mention of a name has a *cue*, the words before it ("by", "against", "between", "of", a
verb of an act, ...) that :meth:`foedus.ask.forms.Parsed.cues` reads; the functions here turn
the cues into the actor and the target of an events, sphere or breaches question, refuse a
group where one state is wanted, and narrow a question to the events it matches. The builders
of :mod:`foedus.ask.builders` call them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from foedus.ask.lexicon import Mention, Token, Word
from foedus.ask.question import Query
from foedus.ask.vocabulary import ACTS

if TYPE_CHECKING:
    from foedus.ask.forms import Parsed


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
    return _fill(
        p, actor, target, plain, "an events question takes one actor and one target", "events"
    )


def _sphere_slots(p: Parsed) -> tuple[str | None, str | None]:
    """(power, state) of a sphere question: the power's name stands before "sphere" ("the
    Soviet sphere"), after it ("the sphere of the USSR") or after "assigned to" ("assigned
    to Germany"); the other name is the state."""
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
        # "assigned to the Soviets": the power a state was assigned to
        assigned_to = (
            isinstance(prev, Word)
            and prev.norm == "to"
            and isinstance(prev2, Mention)
            and prev2.value == "sphere_assignment"
        )
        if (
            (sphere_next and t.kind == "actor" and not _passive_before(p, k))
            or sphere_before
            or (assigned_to and t.kind == "actor")
        ):
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
        elif (cue in _TARGET_CUES or cue == "with") and against is None:
            # "the treaty with Latvia": the party it was breached against, not the breaker
            against = m.value
        else:
            plain.append(m)
    return _fill(
        p, by, against, plain, "a breaches question takes one actor and one target", "breaches"
    )


def _fill(
    p: Parsed,
    first: str | None,
    second: str | None,
    plain: list[Mention],
    too_many: str,
    kind: str,
) -> tuple[str | None, str | None]:
    """The two slots of a question, the mentions with no cue filling the empty ones in order;
    a mention left over is a question that names too many actors."""
    for m in plain:
        if first is None:
            first = m.value
        elif second is None:
            second = m.value
        else:
            raise p.missing(too_many, kind)
    return first, second


def _one_actor(p: Parsed, form: str, what: str) -> str:
    named = p.named()
    if not named:
        raise p.missing(what, form)
    if named[0].kind == "group":
        raise p.refuse_group(named[0], form)
    return named[0].value


def again(p: Parsed) -> bool:
    """Whether the question asks for an act done again: a verb or noun of the act with "re"
    before a word of the same act ("re-invasion", "reinvaded": not "reoccupation", an act of
    its own), or "again", "second" beside an act."""
    acts = p.mentions("act")
    if not acts:
        return False
    for m in acts:
        text = m.text.lower()
        for prefix in ("re-", "re"):
            if text.startswith(prefix) and text[len(prefix) :] in ACTS.get(m.value, ()):
                return True
    for k, t in enumerate(p.tokens):
        if isinstance(t, Word) and t.norm == "again":
            return True
        if isinstance(t, Word) and t.norm == "second":
            # "the second invasion", "the second Soviet invasion"
            nxt = [u for u in p.tokens[k + 1 : k + 3] if isinstance(u, Mention)]
            if nxt and (nxt[0].kind == "act" or (len(nxt) > 1 and nxt[1].kind == "act")):
                return True
    return False


def _repeated(p: Parsed, act: str, found: list) -> list:
    """Of ``found``, the events that repeat an earlier event of the act by one of the same
    actors against one of the same targets (the 1944 invasion of Estonia by the USSR, after
    that of 1940): what "again", "re-invasion" ask for."""
    every = _matching_events(p, act, None, None, (None, None), repeat=False)
    return [
        e
        for e in found
        if any(
            o.id != e.id
            and o.date.latest < e.date.earliest
            and set(o.actors) & set(e.actors)
            and set(o.targets) & set(e.targets)
            for o in every
        )
    ]


def _matching_events(
    p: Parsed,
    act: str,
    by: str | None,
    against: str | None,
    span: tuple[str | None, str | None],
    repeat: bool = True,
) -> list:
    """The events of ``act`` by ``by`` against ``against`` in ``span`` (a group for its
    members); where the question asks for the act done again (:func:`again`), those that
    repeat an earlier one."""
    found = _events_of(p, act, by, against, span)
    return _repeated(p, act, found) if repeat and again(p) else found


def _events_of(
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
