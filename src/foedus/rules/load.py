"""Rule files to a program, parsed once per process; the bundled corpus's, without the parser.

:func:`load_rules` reads the files and parses them (:func:`foedus.rules.parse.build_program`,
lark) the first time this process meets the same files with the same texts; a caller gets its
own copy. The programs of the bundled corpus's perspectives are shipped parsed
(``parsed.pickle`` beside this module, written by ``python -m foedus.build.precompile``), each
under the key of the files' names and texts and of the rule language's code (this package's
``.py`` and ``.lark`` files): a first answer after install neither imports lark nor builds its
parser (docs/decisions/0011-plans-compiled-ahead.md). A shipped program is made with the paths
the caller gave (its positions name them).
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from dataclasses import replace
from pathlib import Path
from typing import Any

from foedus.errors import Problem, RuleError
from foedus.rules.ast import Program

PARSED = Path(__file__).with_name("parsed.pickle")
"""The shipped programs of the bundled corpus (package data): ``{key: pickled program}``."""

FORMAT = 1

Sources = tuple[tuple[str, str], ...]
"""Rule texts with their files' paths, in order: ``((text, path), ...)``."""


def load_rules(paths: list[Path]) -> Program:
    """Read several rule files as one program; the checks run over all of them together."""
    sources = []
    problems = []
    for path in paths:
        try:
            sources.append((Path(path).read_text(encoding="utf-8"), str(path)))
        except OSError as e:
            problems.append(Problem(str(path), 1, 1, f"cannot read rule file: {e.strerror}"))
        except UnicodeDecodeError as e:
            line = e.object[: e.start].count(b"\n") + 1
            col = e.start - (e.object.rfind(b"\n", 0, e.start) + 1) + 1
            problems.append(
                Problem(
                    str(path),
                    line,
                    col,
                    f"cannot read rule file: not UTF-8 (byte {e.object[e.start]:#04x})",
                )
            )
    if problems:
        raise RuleError(problems)
    key = tuple(sources)
    program = _PARSED.get(key)
    if program is None:
        program = shipped(key)
        if program is None:
            from foedus.rules.parse import build_program

            program = build_program(sources)
        _PARSED[key] = program
    return _copy(program)


# Programs parsed in this process, by their files' paths and texts: a cold start reads the same
# rule files several times (the corpus's validation, the fluents step, the build's state), and
# the same texts parse to the same program. A caller gets its own containers (rules and
# declarations are frozen), so that one caller's change (a perspective dropping the rules it
# replaces) never reaches another.
_PARSED: dict[Sources, Program] = {}


def _copy(program: Program) -> Program:
    return replace(
        program,
        fluents=dict(program.fluents),
        facts=dict(program.facts),
        rules=list(program.rules),
        ground_facts=list(program.ground_facts),
    )


_code: str | None = None


def code_hash() -> str:
    """A hash of the rule language's code: this package's ``.py`` and ``.lark`` files."""
    global _code
    if _code is None:
        h = hashlib.sha256()
        for f in sorted(Path(__file__).parent.glob("*")):
            if f.suffix in (".py", ".lark") and f.is_file():
                h.update(f.name.encode())
                h.update(f.read_bytes())
        _code = h.hexdigest()
    return _code


def key_of(sources: Sources) -> str:
    """The key of a shipped program: the files' names (a rule's default label holds its
    file's name) and texts, in order, and :func:`code_hash` (not the folders: the same files
    installed elsewhere have the same key)."""
    parts = [FORMAT, code_hash(), [(Path(file).name, text) for text, file in sources]]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


_shipped: dict[str, bytes] | None = None


def shipped(sources: Sources) -> Program | None:
    """The shipped program of ``sources``, made with their paths; None when none is shipped
    for them (or the file is missing or unreadable)."""
    global _shipped
    if _shipped is None:
        try:
            with PARSED.open("rb") as f:
                data = pickle.load(f)
            _shipped = data["programs"] if data.get("format") == FORMAT else {}
        except (OSError, pickle.UnpicklingError, EOFError, KeyError, TypeError, AttributeError):
            _shipped = {}
    blob = _shipped.get(key_of(sources))
    if blob is None:
        return None
    program = _Unpickler(io.BytesIO(blob), [file for _, file in sources]).load()
    return program if isinstance(program, Program) else None


class _Pickler(pickle.Pickler):
    """Pickles a program with its files' paths as their places in the sources."""

    def __init__(self, f: io.BytesIO, files: list[str]) -> None:
        super().__init__(f, protocol=pickle.HIGHEST_PROTOCOL)
        self.files = {file: i for i, file in enumerate(files)}

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) is str and obj in self.files:
            return self.files[obj]
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, f: io.BytesIO, files: list[str]) -> None:
        super().__init__(f)
        self.files = files

    def persistent_load(self, pid: Any) -> Any:
        return self.files[pid]


def dump(sources: Sources, program: Program) -> bytes:
    """``program`` (parsed from ``sources``) as :func:`shipped` reads it."""
    f = io.BytesIO()
    _Pickler(f, [file for _, file in sources]).dump(program)
    return f.getvalue()


def parsed_in_process() -> dict[Sources, Program]:
    """The programs this process parsed or read, by their sources (for
    :mod:`foedus.build.precompile`)."""
    return dict(_PARSED)


def write(programs: dict[Sources, Program], path: Path = PARSED) -> None:
    """Write the shipped file of ``programs`` (by their sources)."""
    blobs = {key_of(sources): dump(sources, p) for sources, p in programs.items()}
    data = {"format": FORMAT, "programs": dict(sorted(blobs.items()))}
    path.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
