"""Errors that foedus raises on bad input.

Each error class also inherits the matching builtin, so callers that do not know
foedus can still catch it (``except ValueError``). Input errors carry a structured
``errors`` list of :class:`Problem` beside the message, so that the HTTP API can
return the list and the CLI can print the text. An unknown name ends with "did you mean
...?": :func:`suggest` finds the nearest names and :func:`did_you_mean` words them (the one
helper every part of foedus uses).

>>> did_you_mean(suggest("Latvja", {"latvia": "latvia", "lithuania": "lithuania"}))
"; did you mean 'latvia'?"
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import get_close_matches


def suggest(
    name: str, names: Mapping[str, str] | Iterable[str], n: int = 2, cutoff: float = 0.6
) -> list[str]:
    """Up to ``n`` ids whose names are closest to ``name``: ``names`` maps lower-case names
    to ids (an iterable of names is its own ids); an exact match is the only answer."""
    table = names if isinstance(names, Mapping) else {x: x for x in names}
    key = name.lower().strip()
    if key in table:
        return [table[key]]
    out: list[str] = []
    for match in get_close_matches(key, list(table), n=n * 3, cutoff=cutoff):
        if table[match] not in out:
            out.append(table[match])
    return out[:n]


def did_you_mean(suggestions: Iterable[str]) -> str:
    """``"; did you mean 'x' or 'y'?"``, or the empty string when there is none."""
    found = list(suggestions)
    if not found:
        return ""
    return "; did you mean " + " or ".join(repr(s) for s in found) + "?"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one place of one input file."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class FoedusError(Exception):
    """Base class of every error foedus raises on purpose."""

    exit_code = 1


class UserError(FoedusError):
    """The user's input is wrong; exit code 2."""

    exit_code = 2


class ProblemsError(UserError, ValueError):
    """An input with problems in places; ``errors`` lists every one of them."""

    what = "invalid input"

    def __init__(self, errors: list[Problem]) -> None:
        self.errors = sorted(errors)
        first = str(self.errors[0]) if self.errors else self.what
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(first + more)

    def report(self) -> str:
        """Every problem, one per line."""
        return "\n".join(str(p) for p in self.errors)


class CorpusError(ProblemsError):
    """A corpus (or overlay) has problems."""

    what = "invalid corpus"


class RuleError(ProblemsError):
    """A rule file has a syntax or reference error."""

    what = "invalid rules"


class DateError(UserError, ValueError):
    """A date that cannot be read, or that cannot exist."""


class UnknownName(UserError, LookupError):
    """An actor, instrument, event or perspective that is not in the corpus."""

    def __init__(self, kind: str, name: str, suggestions: list[str] | None = None) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions or []
        super().__init__(f"unknown {kind} {name!r}" + did_you_mean(self.suggestions))

    def __str__(self) -> str:
        return str(self.args[0])


class BackendError(FoedusError, NotImplementedError):
    """A backend cannot perform an operation; the message names both."""
