"""What a question asks for: its intent, read from the meaning of its words, not its phrasing.

Each word a question may use besides names, dates, perspectives and acts belongs to a
*concept* (:data:`CONCEPTS`): "bound", "tied", "linked", "allies", "in force" and "pact" all
mean a treaty relation; "ruled", "controlled", "independent", "part of" a status; "breach",
"violate", "break" a breach. The intent is the first of these that the question's concepts
and mentions support, tried in this order (docs/questions.md, "How a question is read"):

1. ``compare``: a comparison word, or two perspectives named;
2. ``aggressor``: "aggressor", "aggression" (not "non-aggression"), "attacked first", "who
   started";
3. ``breaches``: a breach word;
4. ``sphere``: a sphere of influence (answered by the events that assign one);
5. ``holds``: "what held", "true of", "fluents";
6. ``when``: "when", "what year", "which date" (an instrument's dates, or events);
7. ``timeline``: "timeline", "history", "chronology", "over time", "change";
8. ``treaties``: a treaty word with no instrument named, or a relation ("bound", "tied",
   "allies", "in force") between actors or on a date; with an instrument named, "in force" on
   a date asks whether that instrument was, and "was A (a) party to T", "did A join T"
   whether it bound A (then);
9. ``status``: a status word, "who ruled / controlled / occupied A", "was A occupied / annexed
   (by B) in Y", "what was A in Y", or "was A a Soviet republic in Y";
10. ``treaty``: an instrument named;
11. ``events``: an event word ("happened", "took place", "did A do") or an act;
12. ``about``: only a name ("Estonia", "tell me about Latvia"); only a name and a date is what
    happened to it then ("Latvia 1940", ``happened``), or its status under a perspective
    named ("the Soviet view of Estonia in 1960").

A question that starts with "was", "were", "is", "did", "do", "does", "had" or "has" (after
a perspective named first) is a yes/no question (:func:`is_yes_no`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foedus.ask.lexicon import Mention, Word

if TYPE_CHECKING:
    from foedus.ask.forms import Parsed

#: The concepts a question's words carry, by the words that carry them.
CONCEPTS: dict[str, frozenset[str]] = {
    "compare": frozenset(
        "compare compared comparison differ differs differed difference differences disagree "
        "disagrees disagreed disagreement disagreements contrast diverge diverged".split()
    ),
    "aggressor": frozenset("aggressor aggressors aggression aggressive".split()),
    "first": frozenset("first".split()),
    "start": frozenset("started start starts began begin".split()),
    "breach": frozenset(
        "breach breached breaches breaching violate violated violates violation violations "
        "violating broke break breaks broken infringe infringed infringement infringements "
        "contravene contravened contravention flout flouted".split()
    ),
    "holds": frozenset("fluent fluents".split()),
    "true": frozenset("true held holds hold".split()),
    "when": frozenset("when".split()),
    "timeunit": frozenset("year date day month".split()),
    "timeline": frozenset(
        "timeline history chronology change changes changed changing evolve evolved evolution "
        "periods".split()
    ),
    "treaty": frozenset(
        "treaty treaties agreement agreements pact pacts accord accords convention conventions "
        "protocol protocols instrument instruments alliance alliances allies ally allied deal "
        "deals obligations".split()
    ),
    "relation": frozenset(
        "bound bind binds binding tied tie ties linked link links connected connect joined "
        "shared share shares sharing concluded conclude party parties signatory signatories "
        "valid effective force effect".split()
    ),
    "member": frozenset(
        "party parties member members signatory signatories join joined joins accede "
        "acceded accedes accession adhere adhered adheres adherence".split()
    ),
    "lawful": frozenset(
        "legal illegal lawful unlawful legitimate illegitimate legality lawfulness "
        "legitimacy".split()
    ),
    "sign": frozenset("sign signs signed signing".split()),
    "status": frozenset(
        "status sovereign sovereignty independent free standing situation controlled control "
        "controls ruled rule rules governed govern governs belonged belong belongs "
        "occupied".split()
    ),
    "who_rules": frozenset("controlled ruled governed occupied held administered ran".split()),
    "events": frozenset(
        "happened happen happens happening happend event events occurred occur occurs place "
        "do done doing declare declared declares adopt adopted adopts say said says publish "
        "published".split()
    ),
    "about": frozenset("about tell details detail information info summary".split()),
}

#: Acts that are a status when asked of a state on a date ("was Latvia occupied in 1950?").
STATUS_ACTS = frozenset({"occupation", "annexation", "incorporation", "reoccupation"})
#: Acts that, after "who", ask who held a state on a date ("who administered Latvia in 1942?");
#: the acts of a change ("who annexed / reoccupied A in Y?") ask who did it: their events.
_RULING_ACTS = frozenset({"occupation", "administration"})
#: Acts that, with an instrument named, ask when or whether a party left it ("when did X
#: leave T?": the instrument's answer, with the party's dates, not a withdrawal of troops).
LEAVING = frozenset({"withdrawal", "withdrawal_from_treaty", "denunciation"})
_AUX = frozenset("was were is are did do does had has have".split())
_WH = frozenset("what which who whom whose when where why how".split())


def words_of(p: Parsed) -> list[str]:
    return [t.norm for t in p.tokens if isinstance(t, Word)]


def has(p: Parsed, concept: str) -> bool:
    return any(w in CONCEPTS[concept] for w in words_of(p))


def _phrase(p: Parsed, *seq: str) -> bool:
    ws = words_of(p)
    n = len(seq)
    return any(tuple(ws[i : i + n]) == seq for i in range(len(ws) - n + 1))


def is_yes_no(p: Parsed) -> bool:
    """Whether the question asks yes or no: it starts with an auxiliary verb, or it is a
    statement with a question mark (:func:`_stated`)."""
    for t in p.tokens:
        if isinstance(t, Mention) and t.kind == "perspective":
            continue
        if isinstance(t, Word) and t.norm in ("in", "according", "so", "then", "and", "but"):
            return False
        return (isinstance(t, Word) and t.norm in _AUX) or _stated(p)
    return False


def _stated(p: Parsed) -> bool:
    """ "Estonia in 1960 was occupied?", "USSR attacked Estonia in 1940?": a statement about a
    state asked with a question mark, as a learner of English may ask it, is a yes/no
    question: it opens with a name, ends with "?", holds no question word and has a verb (an
    auxiliary, an act or a status word)."""
    lead = next((t for t in p.tokens if not _is_date(t)), None)
    if not (isinstance(lead, Mention) and lead.kind in ("actor", "group")):
        return False
    if not p.text.rstrip().endswith("?") or any(w in _WH for w in words_of(p)):
        return False
    return any(w in _AUX for w in words_of(p)) or bool(p.mentions("act")) or has(p, "status")


def _aggression(p: Parsed) -> bool:
    ws = words_of(p)
    for k, w in enumerate(ws):
        if w in CONCEPTS["aggressor"] and not (k and ws[k - 1] == "non"):
            return True
    acts = {m.value for m in p.mentions("act")}
    if "first" in ws and (acts & {"attack", "invasion"} or has(p, "start")):
        return True
    return _phrase(p, "who", "started") or _phrase(p, "struck", "first")


def _sphere(p: Parsed) -> bool:
    return any(m.value == "sphere_assignment" for m in p.mentions("act"))


def _passive_status(p: Parsed) -> bool:
    """ "was A occupied / annexed (by B) (in Y)": a state's status, not an event."""
    skip = ("still", "then", "the", "a", "an")
    # a date between is passed over: "was Estonia in 1960 occupied", "Estonia in 1960 was
    # occupied?" (the statement with a question mark: :func:`_stated`)
    toks = [
        t
        for k, t in enumerate(p.tokens)
        if not (isinstance(t, Word) and t.norm in skip or _is_date(t))
        and not (isinstance(t, Word) and t.norm in ("in", "on") and _is_date(p._neighbour(k, 1)))
    ]
    be = ("was", "were", "is", "are", "been")
    for k in range(len(toks) - 2):
        a, b, c = toks[k : k + 3]
        if not (isinstance(c, Mention) and c.kind == "act" and c.value in STATUS_ACTS):
            continue
        if isinstance(a, Word) and a.norm in be and _is_named(b):
            return bool(p.mentions("date"))
        if _is_named(a) and isinstance(b, Word) and b.norm in be and _stated(p):
            return bool(p.mentions("date"))
    return False


def _is_named(t: object) -> bool:
    return isinstance(t, Mention) and t.kind in ("actor", "group")


def _who_rules(p: Parsed) -> bool:
    ws = words_of(p)
    if "who" in ws or "whom" in ws:
        k = ws.index("who") if "who" in ws else ws.index("whom")
        rest = ws[k + 1 : k + 3]
        if any(w in CONCEPTS["who_rules"] for w in rest):
            return True
        acts = p.mentions("act")
        if acts and acts[0].value in _RULING_ACTS and not p.mentions("instrument"):
            return bool(p.mentions("date"))
    return False


def _what_was(p: Parsed) -> bool:
    """ "what was A in Y": the template is only that, with a date."""
    lead = [t for t in p.tokens if not (isinstance(t, Mention) and t.kind == "perspective")]
    if len(lead) < 3 or not p.mentions("date"):
        return False
    a, b, c = lead[0], lead[1], lead[2]
    return (
        isinstance(a, Word)
        and a.norm == "what"
        and isinstance(b, Word)
        and b.norm in ("was", "were", "is")
        and isinstance(c, Mention)
        and c.kind in ("actor", "group")
        and not p.mentions("act")
        and not has(p, "treaty")
        and not has(p, "events")
    )


def _was_a(p: Parsed) -> bool:
    """ "was A a Soviet republic in Y", "was A still a state in Y": what A was, on a date."""
    lead = [t for t in p.tokens if not (isinstance(t, Mention) and t.kind == "perspective")]
    if len(lead) < 3 or not p.mentions("date") or p.mentions("act") or has(p, "treaty"):
        return False
    a, b, c = lead[0], lead[1], lead[2]
    return (
        isinstance(a, Word)
        and a.norm in ("was", "were", "is")
        and isinstance(b, Mention)
        and b.kind in ("actor", "group")
        and isinstance(c, Word)
        and c.norm in ("a", "an", "still", "then", "already")
        and not has(p, "events")
    )


def _relation(p: Parsed) -> bool:
    ws = words_of(p)
    if not (has(p, "relation") or _phrase(p, "in", "force") or _phrase(p, "in", "effect")):
        return False
    if ("force" in ws or "effect" in ws) and not (
        _phrase(p, "in", "force") or _phrase(p, "in", "effect") or "into" in ws
    ):
        return False
    return True


def _in_force(p: Parsed) -> bool:
    ws = words_of(p)
    return (
        _phrase(p, "in", "force")
        or _phrase(p, "in", "effect")
        or any(w in ("bound", "binding", "bind", "binds", "valid", "effective") for w in ws)
    )


def act_on_instrument(p: Parsed) -> str | None:
    """The instrument an act is done to ("condemn the secret protocol", "reaffirmed the
    Atlantic Charter": its name is the act's object), other than leaving it; else None."""
    acts = p.mentions("act")
    if not acts or acts[0].value in LEAVING:
        return None
    obj = p._neighbour(p.tokens.index(acts[0]), 1)
    if isinstance(obj, Mention) and obj.kind == "instrument":
        return obj.value
    return None


#: Words that ask whether a state lost what a statehood word names ("cease to be sovereign").
LOSS = frozenset("cease ceased ceases lose loses lost losing stop stopped end ended ends".split())
STATEHOOD = frozenset(
    "sovereign sovereignty independent independence free freedom state statehood".split()
)


def lost_statehood(p: Parsed) -> bool:
    """ "did Estonia lose its independence", "cease to be sovereign": whether a state lost
    its statehood, a status (the noun "independence" is no status word of its own: "the
    independence of" names an act's object)."""
    ws = set(words_of(p))
    return bool(ws & LOSS and ws & STATEHOOD) and bool(p.mentions("actor"))


def asks_when(p: Parsed) -> bool:
    """ "when", "what year", "which date": the question asks for a date."""
    ws = words_of(p)
    return "when" in ws or any(
        w in ("what", "which") and nxt in CONCEPTS["timeunit"]
        for w, nxt in zip(ws, ws[1:], strict=False)
    )


def classify(p: Parsed) -> str | None:
    """The intent of a parsed question (module docstring), or ``None``."""
    actors = p.mentions("actor") + p.mentions("group")
    instruments = p.mentions("instrument")
    acts = [m.value for m in p.mentions("act")]
    dates = p.mentions("date")
    ws = words_of(p)
    if has(p, "compare") or len({m.value for m in p.mentions("perspective")}) > 1:
        return "compare"
    if _aggression(p):
        return "aggressor"
    if has(p, "breach"):
        return "breaches"
    if _sphere(p):
        return "sphere"
    if has(p, "holds") or (
        any(w in ("held", "holds", "true") for w in ws)
        and (_phrase(p, "what", "held") or _phrase(p, "true", "of") or _phrase(p, "true", "for"))
        or _phrase(p, "held", "for")
        or _phrase(p, "what", "holds")
    ):
        return "holds"
    when = asks_when(p)
    if when and not (has(p, "treaty") and not acts and not instruments):
        return "when"
    if has(p, "timeline") and not dates and not acts:
        return "timeline"
    if _phrase(p, "over", "time"):
        return "timeline"
    treaty_word = has(p, "treaty")
    if instruments:
        # "was A (a) party to T (in Y)?", "did A join T?": whether that instrument bound A
        # "did A sign T in Y?": whether T bound A then (with no date: build_treaty checks
        # how A became a party)
        member = (has(p, "member") or (has(p, "sign") and bool(dates))) and len(actors) >= 1
        if (member or (_in_force(p) and (dates or len(actors) >= 1))) and not acts:
            return "treaty_in_force"
    elif treaty_word and not _passive_status(p) and not (acts and not _relation(p)):
        return "treaties"
    elif _relation(p) and not acts and (len(actors) >= 2 or dates or "force" in ws):
        if not (has(p, "status") and len(actors) < 2):
            return "treaties"
    elif has(p, "sign") and actors and not acts and not has(p, "status"):
        # "what did the Soviet Union sign in 1945?": the instruments it signed
        return "treaties"
    if _passive_status(p) or _who_rules(p) or _what_was(p) or _was_a(p) or lost_statehood(p):
        return "status"
    if has(p, "status") and not (acts and not _status_word_beyond_acts(p)):
        return "status"
    if _phrase(p, "part", "of") and actors:
        return "status"
    if act_on_instrument(p) and is_yes_no(p):
        # "did the USSR condemn the secret protocol?": whether such an act on it happened
        return "events"
    if instruments:
        return "treaty"
    if acts or has(p, "events"):
        return "events"
    if actors and (has(p, "about") or all(_filler(t) for t in p.tokens)):
        if dates:  # "what about Lithuania in 1945": what happened to it then, not its timeline
            return "status" if p.mentions("perspective") else "happened"
        return "about"
    if actors and dates and all(_filler(t) or _is_date(t) for t in p.tokens):
        # only names and a date: "Latvia 1940" (what happened), "the Soviet view of Estonia
        # in 1960" (its status under that view)
        return "status" if p.mentions("perspective") else "happened"
    if treaty_word:
        return "treaties"
    return None


def _status_word_beyond_acts(p: Parsed) -> bool:
    """A status word that is not the verb of an act ("occupied" is both)."""
    return any(w in CONCEPTS["status"] and w not in ("occupied",) for w in words_of(p)) or _phrase(
        p, "part", "of"
    )


_FILLER = frozenset("tell me show give what who is was the a about please of on in".split())


def _is_date(t: object) -> bool:
    return isinstance(t, Mention) and t.kind == "date"


def _filler(t: object) -> bool:
    if isinstance(t, Word):
        return t.norm in _FILLER
    return isinstance(t, Mention) and t.kind in ("actor", "group", "perspective")
