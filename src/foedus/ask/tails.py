"""Instruments named by the tail of their names: "the non-aggression treaty", "a mutual
assistance pact", "non-aggression pact" (no article), each read as the one instrument whose
name ends so and whose parties include every actor the question names
(:func:`shared_tails`, run by :func:`foedus.ask.forms.parse`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from foedus.ask import intent
from foedus.ask.lexicon import INSTRUMENT_NOUNS, Mention, Word, words

if TYPE_CHECKING:
    from foedus.ask.forms import Parsed


def shared_tails(p: Parsed) -> None:
    """ "the non-aggression treaty" where several instruments' names end so: the one whose
    parties include every actor the question names ("did the invasion of Estonia breach the
    non-aggression treaty"), with a note; several left, the question must say which (read
    as none, a yes/no question would be answered about every instrument).

    Where no instrument whose name ends so has those parties, or the one it names does not,
    the noun is not held to: "when did Estonia and the USSR sign the non-aggression pact"
    names the Soviet–Estonian Non-Aggression *Treaty* (its parties are those named), not the
    one instrument whose name ends in "Non-Aggression Pact" (:func:`_loose_tail`)."""
    tails = p.lex.shared_tails
    longest = max((len(t) for t in p.lex.tails), default=0)
    named = {m.value for m in p.mentions("actor")}
    for group in p.mentions("group"):
        named.update(p.group_members(group.value))

    def fits(ids: tuple[str, ...]) -> list[str]:
        return [i for i in ids if named <= {x.actor for x in p.kb.instrument(i).parties}]

    # "when did Latvia sign a non-aggression pact with the Soviets": a date asked of "a"
    # such instrument is the date of the one the actors named share
    when = intent.asks_when(p) and bool(named)
    k = 0
    while k < len(p.tokens):
        t = p.tokens[k]
        if not (isinstance(t, Word) and t.norm in ("the", "a", "an")):
            _bare_tail(p, k, longest, when, fits)
            k += 1
            continue
        nxt = p.tokens[k + 1] if k + 1 < len(p.tokens) else None
        if t.norm == "the" and isinstance(nxt, Mention) and nxt.kind == "instrument":
            key = words(nxt.text)
            tail = p.lex.tails.get(key)
            if tail == (nxt.value,) and not fits(tail):
                other = _loose_tail(p, key, fits)
                if other is not None:
                    p.notes.append(f"read {p.text[t.start : nxt.end]!r} as {other[1]}")
                    p.tokens[k + 1] = replace(nxt, value=other[0])
            k += 1
            continue
        for n in range(longest, 1, -1):
            window = p.tokens[k + 1 : k + 1 + n]
            if len(window) < n or not all(isinstance(w, Word) for w in window):
                continue
            key = tuple(w.norm for w in window if isinstance(w, Word))
            ids = tails.get(key)
            if ids is None and when and t.norm != "the":
                ids = p.lex.tails.get(key)
            if ids is None:
                continue
            if (
                t.norm != "the"
                and not when
                and not (
                    isinstance(window[0], Word)
                    and window[0].capitalised
                    and isinstance(window[-1], Word)
                    and window[-1].capitalised
                )
            ):
                # "a non-aggression treaty" is any such treaty; "a Pact of Mutual
                # Assistance", written as a name, is one of them
                continue
            found = fits(ids)
            surface = p.text[t.start : window[-1].end]
            shown_as = p.text[window[0].start : window[-1].end]
            if not found:
                other = _loose_tail(p, key, fits)
                found = [other[0]] if other is not None else []
            if len(found) != 1:
                shown = [p.lex.display[("instrument", i)] for i in (found or ids)]
                which = ", ".join(shown[:-1]) + " or " + shown[-1]
                raise p.missing(f"which {shown_as}? ({which})", "treaty")
            p.notes.append(f"read {surface!r} as {p.lex.display[('instrument', found[0])]}")
            p.tokens[k + 1 : k + 1 + n] = [
                Mention("instrument", found[0], shown_as, window[0].start, window[-1].end)
            ]
            break
        k += 1


def _bare_tail(
    p: Parsed,
    k: int,
    longest: int,
    when: bool,
    fits: Callable[[tuple[str, ...]], list[str]],
) -> None:
    """A tail of instruments' names written without an article ("when did Estonia sign
    non-aggression treaty with USSR", "when was mutual assistance pact with Latvia signed")
    read as with "a": in a question asking for a date, the one instrument whose name ends so
    and whose parties include every actor named. Not one (none, or several), it is left as
    words: the question keeps its other reading."""
    prev = p.tokens[k - 1] if k > 0 else None
    if not when or (isinstance(prev, Word) and prev.norm in ("the", "a", "an")):
        return
    for n in range(longest, 1, -1):
        window = p.tokens[k : k + n]
        if len(window) < n or not all(isinstance(w, Word) for w in window):
            continue
        key = tuple(w.norm for w in window if isinstance(w, Word))
        ids = p.lex.tails.get(key)
        if ids is None:
            continue
        found = fits(ids)
        if not found:
            other = _loose_tail(p, key, fits)
            found = [other[0]] if other is not None else []
        if len(found) != 1:
            return
        shown_as = p.text[window[0].start : window[-1].end]
        p.notes.append(f"read {shown_as!r} as {p.lex.display[('instrument', found[0])]}")
        p.tokens[k : k + n] = [
            Mention("instrument", found[0], shown_as, window[0].start, window[-1].end)
        ]
        return


def _loose_tail(
    p: Parsed, key: tuple[str, ...], fits: Callable[[tuple[str, ...]], list[str]]
) -> tuple[str, str] | None:
    """The one instrument, with its name, whose name ends as ``key`` does but for its last
    noun ("non aggression pact": a "... Non-Aggression Treaty") and whose parties include
    every actor named; else None."""
    if len(key) < 2 or key[-1] not in INSTRUMENT_NOUNS:
        return None
    ids = tuple(
        dict.fromkeys(
            i
            for tail, tail_ids in p.lex.tails.items()
            if tail[:-1] == key[:-1] and tail[-1] in INSTRUMENT_NOUNS
            for i in tail_ids
        )
    )
    found = fits(ids)
    if len(found) != 1:
        return None
    return found[0], p.lex.display[("instrument", found[0])]
