"""The vocabulary of status: the fluents the answers read by name, declared once.

The rule library's ``foedus:base`` defines them (``part_of`` and ``occupied_by`` come with
``foedus:de-facto`` or ``foedus:non-recognition``); a corpus's own rules may define them
instead, and may define any other fluent besides (``foedus holds`` shows every fluent). A
perspective that declares one of these names must declare it with the shape given here, which
``foedus validate`` checks (docs/rules.md, "The vocabulary of status").

>>> VOCABULARY[SOVEREIGN].shape
'sovereign(Actor)'
>>> VOCABULARY[BINDS].shape
'binds(Instrument, Actor, Actor)'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SOVEREIGN = "sovereign"
CONTROLLED_BY = "controlled_by"
OCCUPIED_BY = "occupied_by"
PART_OF = "part_of"
BINDS = "binds"
PARTY_TO = "party_to"
IN_FORCE = "in_force"
CONSENTED = "consented"


@dataclass(frozen=True)
class Word:
    """A fluent of the vocabulary: its arguments' types, its value's type (None: Boolean),
    what reads it and what it means."""

    name: str
    args: tuple[str, ...]
    value: str | None
    read_by: str
    meaning: str

    @property
    def shape(self) -> str:
        """As a rule file declares it, less ``fluent`` and the full stop."""
        head = f"{self.name}({', '.join(self.args)})"
        return head if self.value is None else f"{head} = {self.value}"


VOCABULARY: dict[str, Word] = {
    w.name: w
    for w in (
        Word(SOVEREIGN, ("Actor",), None, "status, timeline, compare", "a sovereign state"),
        Word(CONTROLLED_BY, ("Actor",), "Actor", "status, timeline", "who controls it"),
        Word(OCCUPIED_BY, ("Actor",), "Actor", "status, timeline", "who occupies it"),
        Word(PART_OF, ("Actor",), "Actor", "status, timeline, breaches", "part of another"),
        Word(
            BINDS,
            ("Instrument", "Actor", "Actor"),
            None,
            "treaties, breaches",
            "the instrument binds the first actor towards the second",
        ),
        Word(PARTY_TO, ("Actor", "Instrument"), None, "treaties", "a party to the instrument"),
        Word(IN_FORCE, ("Instrument",), None, "treaties", "the instrument is in force"),
        Word(
            CONSENTED,
            ("Actor", "Actor", "EventType"),
            None,
            "breaches",
            "the first actor consented to acts of the event type by the second (such an act "
            "breaches nothing)",
        ),
    )
}
"""Every fluent the answers read by name."""

STATUS = (SOVEREIGN, CONTROLLED_BY, OCCUPIED_BY, PART_OF)
"""The fluents of an actor's status (``foedus status``, ``timeline``, ``compare``)."""


def declared_shape(decl: Any) -> str:
    """A fluent declaration of a rule program (:class:`foedus.rules.ast.FluentDecl`) written
    as :attr:`Word.shape` writes it."""
    head = f"{decl.name}({', '.join(decl.arg_types)})"
    if not decl.multivalued:
        return head
    value = decl.values[0] if decl.values and not decl.domain else "{...}"
    return f"{head} = {value}"


def vocabulary_mismatches(program: Any) -> list[tuple[Any, str]]:
    """``(declaration, message)`` for each fluent of ``program`` that has a name of the
    vocabulary but another shape."""
    out = []
    for name, decl in program.fluents.items():
        word = VOCABULARY.get(name)
        if word is None:
            continue
        found = declared_shape(decl)
        if found != word.shape:
            out.append(
                (
                    decl,
                    f"fluent '{name}' is in the vocabulary of status the answers read: "
                    f"declare it {word.shape} (docs/rules.md), not {found}",
                )
            )
    return out
