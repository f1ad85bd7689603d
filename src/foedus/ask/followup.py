"""Follow-ups: ``foedus ask`` answers each question on its own, with no memory of an earlier
one. A question that only makes sense after another ("and latvia?", "also lithuania", "same
for estonia", "how about 1950?", "what did it do in 1940?") is refused with a line saying so,
rather than answered as if it asked about everything ("it" read as no one) or about nothing.

- it opens with "and", "also", "same", "too" or "then" and asks nothing of its own: no intent,
  or only names and a date ("and what about latvia in 1945?"); a whole question after "and"
  ("and was latvia occupied in 1945?") is answered;
- it opens with "what about" / "how about" and names nothing ("how about 1950?"): "what about
  the Soviet Union" is the Soviet Union's timeline, as "tell me about" it is;
- a pronoun ("it", "they", "them", "its", ...) stands where no actor, instrument or event is
  named: the one it points to was in the earlier question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foedus.ask.lexicon import Mention, Word

if TYPE_CHECKING:
    from foedus.ask.forms import Parsed

_OPENERS = frozenset("and also same too then".split())
_ABOUT = frozenset({"what", "how"})
_PRONOUNS = frozenset("it they them he she him her its their theirs his".split())
#: Intents that ask nothing of their own: a name (and a date) only.
_BARE = frozenset({None, "about", "happened"})


def refuse_follow_up(p: Parsed, kind: str | None) -> None:
    """Raise the refusal of a follow-up question (module docstring); else return."""
    words = [t for t in p.tokens if not (isinstance(t, Mention) and t.kind == "perspective")]
    if not words:
        return
    first = words[0]
    named = [
        t
        for t in p.tokens
        if isinstance(t, Mention) and t.kind in ("actor", "group", "instrument", "event")
    ]
    said = ""
    if isinstance(first, Word) and first.norm in _OPENERS and kind in _BARE:
        said = first.text
    elif (
        isinstance(first, Word)
        and first.norm in _ABOUT
        and len(words) > 1
        and isinstance(words[1], Word)
        and words[1].norm == "about"
        and not named
    ):
        said = f"{first.text} {words[1].text}"
    elif not named:
        said = next((t.text for t in p.tokens if isinstance(t, Word) and t.norm in _PRONOUNS), "")
    if said:
        raise p.error(
            said,
            "it reads as a follow-up to an earlier question, but foedus ask answers each "
            "question on its own, with no memory of the last one; ask it whole, naming the "
            "state, treaty or event and the date",
        )
