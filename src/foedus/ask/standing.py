"""The builders of status and treaty questions (:mod:`foedus.ask.builders` holds the others
and the table of all): a state's status on a day or over a range and what a yes/no question
checks of it, the instruments between or of actors (what a state signed in a range), one
instrument, and when each actor named joined it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from foedus.ask import intent
from foedus.ask.question import Query
from foedus.ask.slots import _with_group

if TYPE_CHECKING:
    from foedus.ask.forms import Parsed


def _party_notes(p: Parsed, ins_id: str) -> None:
    """When each actor a when-question names joined the instrument (how, and until when,
    its denunciation or withdrawal included), or that it never was a party; a question that
    asks when the instrument was left ("when was T denounced?") and names no actor: every
    party that left it."""
    ins = p.kb.render.instrument(p.kb.instrument(ins_id))
    actors = list(dict.fromkeys(m.value for m in p.mentions("actor")))
    if not actors and p.act() in intent.LEAVING:
        actors = list(dict.fromkeys(x["actor"]["id"] for x in ins["parties"] if x["until"]))
        if not actors:
            p.notes.append(f"no party left {ins['name']}, in the corpus")
    for actor in actors:
        name = p.kb.render.ref(actor)["name"]  # type: ignore[index]
        rows = [x for x in ins["parties"] if x["actor"]["id"] == actor]
        if not rows:
            p.notes.append(f"{name} is not a party of {ins['name']}")
        for x in rows:
            until = f", until {x['until']['text']}" if x["until"] else ""
            p.notes.append(f"{name}: {x['how']} {x['date']['text']}{until}")


def _status_check(p: Parsed) -> tuple[str, str | None]:
    """What a yes/no status question asks: occupied (by B), part of B, independent, ..."""
    words = intent.words_of(p)
    named = [m.value for m in p.named()]
    other = named[1] if len(named) > 1 else None
    act = p.act()
    if intent.lost_statehood(p):
        # "did Latvia cease to be sovereign in 1940", "lose its independence in Y": whether it
        # went from sovereign to not sovereign within the range (a change in Y), not whether
        # it was not sovereign at some time of it (Lithuania, not sovereign de facto from
        # 1940, did not lose its sovereignty in 1990)
        p.notes.append(
            "lost read as a change within the time asked about: sovereign up to it or in it, "
            "then not sovereign later in it"
        )
        return "sovereign_lost_in", None
    if act in ("occupation", "reoccupation"):
        return "occupied", other
    if act in ("annexation", "incorporation") or "part" in words or "belonged" in words:
        return "part_of", other
    if any(w in ("controlled", "ruled", "governed", "control") for w in words):
        return "controlled", other
    if other is not None and intent._was_a(p):
        # "was A a Soviet republic in Y": a member of B (named by its demonym), not sovereign
        return "part_of", other
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
    if not p.mentions("date") and intent.is_yes_no(p) and intent.lost_statehood(p):
        # "did Estonia lose its independence?": at any time after it first certainly had it
        over = _since_sovereign(p, subject.value)
        if over is not None:
            q = Query("status", {"actor": subject.value, "on": None}, p.perspective(), over=over)
            return q.asking(("sovereign_lost", None))
    if not p.mentions("date"):
        p.notes.append("no day given: showing the timeline of statuses")
        return Query("timeline", {"actor": subject.value}, p.perspective())
    on, over = p.day_or_range()
    q = Query("status", {"actor": subject.value, "on": on}, p.perspective(), over=over)
    if intent.is_yes_no(p):
        check, other = _status_check(p)
        q = q.asking((check, other if other != subject.value else None))
    return q


def _since_sovereign(p: Parsed, actor: str) -> tuple[str, str] | None:
    """From the first day ``actor`` was certainly sovereign (losing presupposes having) to
    the corpus's last date, with a note; None when it never certainly was."""
    from foedus.ask.anchors import last_date
    from foedus.ask.expand import under

    periods = under(p.kb, p.perspective()).periods(actor)
    first = next(
        (x for x in periods if x["sovereign"] == [{"value": True, "certainty": "certain"}]), None
    )
    if first is None:
        return None
    lo, (hi, _) = first["from"]["earliest"], last_date(p.kb)
    name = p.lex.display.get(("actor", actor), actor)
    p.notes.append(
        f"no day given: read as {lo} to {hi}, from the first day {name} was certainly "
        "sovereign to the corpus's last date"
    )
    return lo, hi


def build_treaties(p: Parsed) -> Query:
    named = list(dict.fromkeys(m.value for m in p.named()))
    if len(named) > 2:
        raise p.missing(
            "a treaties question takes one actor (party) or two (between); which two?",
            "treaties",
        )
    if len(named) == 1 and any(cue == "between" for _, cue in p.cues()):
        # "between A" wants a second name; "between 1940 and 1945" is a period
        raise p.missing(f"between {p.named()[0].text} and whom?", "treaties")
    on, over = p.day_or_range()
    _not_in_existence(p, named, over or ((on, on) if on else None))
    if len(named) == 2:
        args = {"party": None, "between": named, "on": on}
    else:
        args = {"party": named[0] if named else None, "between": None, "on": on}
    q = Query("treaties", args, p.perspective(), over=over)
    q = _with_group(p, q, named)
    if intent.has(p, "sign") and not intent.has(p, "treaty") and (on or over) and not q.each:
        # "what did A sign in Y"; with a treaty word, "which treaties did A sign in Y" stays
        # the instruments that bound A at some time then
        q = _signed_in(p, q, named, over or (str(on), str(on)))
    return q.asking(("any", None)) if intent.is_yes_no(p) else q


def _signed_in(p: Parsed, q: Query, named: list[str], span: tuple[str, str]) -> Query:
    """ "what did the USSR sign in 1945?", "did Lithuania and the Soviets sign a treaty in
    1926?": of the instruments of the actors named, those each of them joined by its own act
    (signature, adherence, ...: not as a successor state) at a time the record dates within the
    range, kept by the filter ``{"instrument": [ids]}``, with a note naming them."""
    lo, hi = span
    ever = p.kb.treaties(party=q.args["party"], between=q.args["between"])["treaties"]
    ids = []
    for t in ever:
        rows = p.kb.instrument(t["id"]).parties
        if all(
            any(
                x.actor == actor
                and x.how != "succession"
                and x.date is not None
                and x.date.earliest.isoformat() <= hi
                and x.date.latest.isoformat() >= lo
                for x in rows
            )
            for actor in named
        ):
            ids.append(t["id"])
    who = " and ".join(p.lex.display.get(("actor", a), a) for a in named)
    shown = ", ".join(p.lex.display.get(("instrument", i), i) for i in ids) or "none"
    own = "its" if len(named) == 1 else "each its"
    p.notes.append(
        f"signed read as the instruments {who} joined by {own} own act from {lo} to {hi}: {shown}"
    )
    return replace(q, filter={**q.filter, "instrument": ids})


def _not_in_existence(p: Parsed, ids: list[str], span: tuple[str, str] | None) -> None:
    """A note for each actor that did not exist at any time in the span a treaties question
    asks about ("did Latvia have a treaty with the Soviets in 1921?": the Soviet Union
    existed from 1922), naming its predecessor or successor: the answer is no treaty, and
    says why."""
    if span is None:
        return
    lo, hi = span
    for actor in ids:
        if actor in p.lex.groups:
            continue
        a = p.kb.resolver.actor(actor)
        name = p.lex.display.get(("actor", actor), actor)
        if a.existed_from is not None and hi < a.existed_from.earliest.isoformat():
            note = f"{name} existed only from {a.existed_from.text}"
            other, role = a.predecessor, "predecessor"
        elif a.existed_to is not None and lo > a.existed_to.latest.isoformat():
            note = f"{name} existed only until {a.existed_to.text}"
            other, role = a.successor, "successor"
        else:
            continue
        if other is not None:
            note += f"; its {role} was {p.lex.display.get(('actor', other), other)}"
        p.notes.append(note)


def build_treaty_in_force(p: Parsed) -> Query:
    name = p.mentions("instrument")[0].value
    q = build_treaties(p)
    q = Query(q.command, q.args, q.perspective, {"instrument": name}, over=q.over, each=q.each)
    return q.asking(("any", None)) if intent.is_yes_no(p) else q


def build_treaty(p: Parsed) -> Query:
    q = Query("treaty", {"name": p.mentions("instrument")[0].value}, p.perspective())
    if intent.is_yes_no(p) and p.act() in intent.LEAVING:
        # "did A withdraw from T?", "was T denounced?": whether a party (A) left it
        actors = p.mentions("actor")
        return q.asking(("left", actors[0].value if actors else None))
    signers = list(dict.fromkeys(m.value for m in p.mentions("actor")))
    if intent.is_yes_no(p) and intent.has(p, "sign") and signers and p.act() is None:
        # "did A (and B) sign T?": whether each became a party of its own act (signature,
        # adherence, ...), not by succeeding to a predecessor's; the notes say how and when
        _party_notes(p, q.args["name"])
        return q.asking(("signed", ",".join(signers)))
    return q
