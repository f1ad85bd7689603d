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

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MAX_LINE = 300
"""Characters above which a line of a message is cut (its length is then given)."""

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal, one line of it at most :data:`MAX_LINE` long.

    Control characters (an escape sequence's ESC, a carriage return, a NUL), invisible
    formatting characters and lone surrogates are shown escaped, as Python writes them; the
    line breaks of a multi-line message are kept.

    >>> print(printable("Esto\\u200bnia \\x1b[31mred"))
    Esto\\u200bnia \\x1b[31mred
    """
    lines = []
    for line in text.split("\n"):
        line = _CONTROL.sub(lambda m: repr(m.group())[1:-1], line)
        line = line.encode("utf-8", "backslashreplace").decode("utf-8")
        if len(line) > MAX_LINE:
            line = f"{line[: MAX_LINE - 40]}... ({len(line):,} characters in all)"
        lines.append(line)
    return "\n".join(lines)


def suggest(
    name: str, names: Mapping[str, str] | Iterable[str], n: int = 2, cutoff: float = 0.6
) -> list[str]:
    """Up to ``n`` ids whose names are closest to ``name``: ``names`` maps lower-case names
    to ids (an iterable of names is its own ids); an exact match is the only answer."""
    table = names if isinstance(names, Mapping) else {x: x for x in names}
    key = name.lower().strip()
    if key in table:
        return [table[key]]
    from difflib import get_close_matches  # here: only a name not found pays its import

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
    """One problem in one place of one input file; its message made :func:`printable`."""

    file: str
    line: int
    col: int
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", printable(self.message))
        object.__setattr__(self, "file", printable(self.file))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class FoedusError(Exception):
    """Base class of every error foedus raises on purpose."""

    exit_code = 1


class UserError(FoedusError):
    """The user's input is wrong; exit code 2.

    ``param``: the argument of the query it is about, where it is about one (``on``, ``to``,
    ``b``, ...), and ``problem`` what is wrong with it (``day``, ``range``, ...): the HTTP API
    names them in the error's ``loc`` and ``type`` (:mod:`foedus.server.errors`)."""

    exit_code = 2
    param: str | None = None
    problem: str | None = None

    def __init__(self, *args: object, param: str | None = None, problem: str | None = None):
        super().__init__(*args)
        self.param = param
        self.problem = problem


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
        super().__init__(printable(f"unknown {kind} {name!r}" + did_you_mean(self.suggestions)))

    def __str__(self) -> str:
        return str(self.args[0])


class BackendError(FoedusError, NotImplementedError):
    """A backend cannot perform an operation; the message names both."""


class DamagedDatabase(FoedusError):
    """A built database whose file is damaged (DuckDB found a block whose checksum fails)
    and that cannot be built again here: the message names the file and what to do; exit
    code 2, and 503 from the HTTP API (:mod:`foedus.build.database`, ``recover``)."""

    exit_code = 2

    def __init__(self, path: object, what: str) -> None:
        self.path = str(path)
        # each part made printable, the whole not cut: the line must name the file in full
        super().__init__(f"{printable(self.path)}: {printable(what)}")
