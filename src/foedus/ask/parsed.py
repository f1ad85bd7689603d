"""A question as the forms read it (:mod:`foedus.ask.forms`): its words and mentions, its
template, the cues before each mention, the day or period it names (with a note of how a loose
date was read), and the error that names what was not understood."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from foedus.ask.errors import QuestionError
from foedus.ask.lexicon import Mention, Token, Word

if TYPE_CHECKING:
    from foedus.query import KnowledgeBase

#: Examples shown when a question cannot be mapped (one per common form).
EXAMPLES: tuple[str, ...] = (
    "which treaties bound the USSR and Latvia on 1 June 1940?",
    "what was Estonia's status in 1960 according to the non-recognition view?",
    "who was the aggressor between the Soviet Union and Estonia in 1940?",
    "which treaties did the June 1940 invasion of Estonia breach?",
    "what happened to Lithuania in 1940?",
)

_SKIP = {"the", "its", "their", "a", "an"}


# --------------------------------------------------------------------------- parsed question


@dataclass
class Parsed:
    """A question cut into tokens, with its template and what the forms need from it."""

    text: str
    tokens: list[Token]
    kb: KnowledgeBase
    notes: list[str] = field(default_factory=list)

    @property
    def template(self) -> str:
        return " ".join(t.kind.upper() if isinstance(t, Mention) else t.norm for t in self.tokens)

    def mentions(self, kind: str) -> list[Mention]:
        return [t for t in self.tokens if isinstance(t, Mention) and t.kind == kind]

    def act(self) -> str | None:
        acts = self.mentions("act")
        return acts[0].value if acts else None

    def _neighbour(self, k: int, step: int) -> Token | None:
        j = k + step
        while 0 <= j < len(self.tokens):
            t = self.tokens[j]
            if not (isinstance(t, Word) and t.norm in _SKIP):
                return t
            j += step
        return None

    def cues(self) -> list[tuple[Mention, str]]:
        """Each actor mention with the cue that gives its role."""
        out: list[tuple[Mention, str]] = []
        for k, t in enumerate(self.tokens):
            if not (isinstance(t, Mention) and t.kind == "actor"):
                continue
            prev, nxt = (
                self._neighbour(k, -1),
                (self.tokens[k + 1] if k + 1 < len(self.tokens) else None),
            )
            prev2 = self._neighbour(self.tokens.index(prev), -1) if prev is not None else None
            word = prev.norm if isinstance(prev, Word) else None
            cue = "plain"
            if word in ("by",):
                cue = "by"
            elif word in ("against",):
                cue = "against"
            elif word in ("to", "towards", "toward", "into"):
                cue = "to"
            elif word == "from":
                cue = "from"
            elif word in ("in", "inside", "within"):
                cue = "in"
            elif word in ("between", "among", "amongst"):
                cue = "between"
            elif word == "of":
                cue = "object" if _is(prev2, "act") else "of"
            elif word == "on" and _is(prev2, "act"):
                cue = "against"
            elif word in ("and", "or", "nor"):
                cue = "and"
            elif word in ("did", "does", "do", "will", "would", "could"):
                cue = "subject"
            elif word in (
                "for",
                "about",
                "concerning",
                "regarding",
                "involving",
                "involved",
                "with",
            ):
                cue = "about"
            elif _is(prev, "act"):
                cue = "object"
            if _is(nxt, "act") and cue in ("plain", "and", "subject", "about", "in"):
                cue = "passive" if word in ("was", "were", "is", "are", "been") else "subject"
            elif t.possessive and cue in ("plain", "subject"):
                cue = "possessor"
            if cue == "and" and out:
                cue = out[-1][1] if out[-1][1] != "between" else "between"
            out.append((t, cue))
        return out

    # ------------------------------------------------------------------ dates

    def _date_cue(self, m: Mention) -> str | None:
        k = self.tokens.index(m)
        prev = self.tokens[k - 1] if k > 0 else None
        return prev.norm if isinstance(prev, Word) else None

    def point(self, required: bool = False, what: str = "") -> str | None:
        """The day of a point question: a day as given, else the earliest day of the range."""
        dates = self.mentions("date")
        if not dates:
            if required:
                raise self.error(self.text, f'{what} needs a day, e.g. "on 1 June 1940"')
            return None
        d = dates[0].date
        assert d is not None
        if not d.exact:
            self.notes.append(f"{d.text} read as {d.earliest.isoformat()} (its earliest day)")
        return d.earliest.isoformat()

    def period(self, note: bool = True) -> tuple[str | None, str | None]:
        """[from, to] of a period question: a date's range, or between two dates."""
        dates = self.mentions("date")
        if not dates:
            return None, None
        first = dates[0].date
        assert first is not None
        start: date | None = first.earliest
        end: date | None = first.latest
        cue = self._date_cue(dates[0])
        if len(dates) > 1:
            last = dates[1].date
            assert last is not None
            end = last.latest
            text = f"{first.text} to {last.text}"
        else:
            text = first.text
            if cue == "before":
                start, end = None, first.earliest - timedelta(days=1)
            elif cue in ("until", "till", "by"):
                start, end = None, first.latest
            elif cue == "after":
                start, end = first.latest + timedelta(days=1), None
            elif cue in ("since", "from"):
                start, end = first.earliest, None
        iso = (start.isoformat() if start else None, end.isoformat() if end else None)
        if note and not (first.exact and len(dates) == 1 and start == end):
            shown = f"{iso[0] or '…'} to {iso[1] or '…'}"
            lead = (
                f"{cue} {text}"
                if cue in ("before", "until", "till", "by", "after", "since") and len(dates) == 1
                else text
            )
            self.notes.append(f"{lead} read as {shown}")
        return iso

    # ------------------------------------------------------------------ perspective

    def perspective(self) -> str:
        found = self.mentions("perspective")
        if not found:
            return self.kb.perspective
        if len({m.value for m in found}) > 1:
            self.notes.append(
                f"several perspectives named; reading the question under {found[0].value}"
            )
        return found[0].value

    def error(self, part: str, why: str = "", examples: tuple[str, ...] = ()) -> QuestionError:
        return QuestionError(part, self.text, why, examples or EXAMPLES)


def _is(token: Token | None, kind: str) -> bool:
    return isinstance(token, Mention) and token.kind == kind
