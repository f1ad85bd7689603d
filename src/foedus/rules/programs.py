"""The rule program of a perspective, and the rules' texts as written.

:func:`program_for` loads a perspective's rule files, parsed and checked as one program, less
the rules the perspective replaces. :func:`rule_rows` lists every rule with the text it was
written as; the build stores them in the table ``rules`` (:mod:`foedus.build.schema`), so that
a query never parses rules.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from foedus.errors import Problem, RuleError
from foedus.rules.ast import EventRule, Program
from foedus.rules.library import rule_paths
from foedus.rules.load import load_rules


def program_for(corpus: Any, perspective: str) -> Program:
    """The rule program of one perspective: its rule files, parsed and checked as one."""
    persp = next(p for p in corpus.perspectives if p.id == perspective)
    program = load_rules(rule_paths(corpus, persp.rules))
    if persp.replaces:
        dropped = set(persp.replaces)
        unknown = sorted(dropped - {r.label for r in program.rules})
        if unknown:
            file, line, col = corpus.where("perspective", persp.id, "replaces")
            raise RuleError(
                [
                    Problem(
                        file, line, col, f"perspective {persp.id!r} replaces unknown rule {u!r}"
                    )
                    for u in unknown
                ]
            )
        program.rules = [r for r in program.rules if r.label not in dropped]
    return program


_FILE = re.compile(r"""Pos\(file=(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


def program_digest(program: Program) -> str:
    """A hash of everything ``program`` says: its declarations, rules (labels, texts and their
    lines and columns) and ground facts, in order, but not the files' paths (the same rules
    installed elsewhere have the same digest)."""
    text = _FILE.sub("Pos(file=''", repr(program))
    return hashlib.sha256(text.encode()).hexdigest()


def rule_rows(program: Program) -> list[tuple[str, str, str, str | None, str]]:
    """``(label, kind, fluent, event, text)`` for every rule of ``program``: ``kind`` is
    ``initiated``, ``terminated`` or ``static``, ``fluent`` the head fluent's name, ``event``
    the triggering event's name (None for a static rule), ``text`` the rule's first line as
    written with its place, ``"<rule> (file:line)"``."""
    out = []
    cache: dict[str, list[str]] = {}
    for rule in program.rules:
        pos = rule.pos
        if pos.file not in cache:
            try:
                cache[pos.file] = Path(pos.file).read_text(encoding="utf-8").splitlines()
            except OSError:
                cache[pos.file] = []
        lines = cache[pos.file]
        text = lines[pos.line - 1].strip() if 0 < pos.line <= len(lines) else rule.label
        kind, event = (
            (rule.kind, rule.event.name) if isinstance(rule, EventRule) else ("static", None)
        )
        name = rule.head.atom.name
        out.append((rule.label, kind, name, event, f"{text} ({Path(pos.file).name}:{pos.line})"))
    return out


def rule_texts(corpus: Any, perspective: str) -> dict[str, str]:
    """``{label: "<rule text> (file:line)"}`` for every rule of a perspective."""
    return {row[0]: row[4] for row in rule_rows(program_for(corpus, perspective))}
