"""The rule programs of a corpus's perspectives, parsed and checked when the corpus is validated.

Each perspective names its rule files (``perspectives.yaml``); they are parsed and checked as
one program, as the engine will read them, so that ``foedus validate`` reports a syntax error,
an undefined fluent or a cycle through negation at its file:line:col beside the YAML problems,
rather than the first query failing; and each rule label a perspective ``replaces`` must be a
rule of its program. A file that several perspectives share is reported once; a problem that
only some of them have (a fluent that one perspective's file leaves undefined) names them.

>>> from foedus.corpus import bundled_path, read_corpus
>>> corpus, _, _ = read_corpus(bundled_path())
>>> rule_problems(corpus)
[]
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from foedus.corpus.folder import display
from foedus.errors import Problem, RuleError, did_you_mean, suggest
from foedus.model import EVENT_TYPES, HAPPENINGS, happening_arities
from foedus.rules import load_rules
from foedus.rules.ast import EventRule
from foedus.rules.library import rule_paths
from foedus.rules.library.vocabulary import vocabulary_mismatches


def perspective_files(corpus: Any, perspective: Any) -> list[Path]:
    """The rule files a perspective names: the library's (``foedus:base``) and those the loader
    read under ``rules/`` (:func:`foedus.rules.library.rule_paths`)."""
    return rule_paths(corpus, perspective.rules)


def event_problems(program: Any) -> list[Problem]:
    """An event rule's event must be one the corpus gives the rules (an event type, or a
    happening of :data:`foedus.model.HAPPENINGS`), with as many arguments as it has."""
    known = {**{t: t for t in EVENT_TYPES}, **{h: h for h in HAPPENINGS}}
    out = []
    for rule in program.rules:
        if not isinstance(rule, EventRule):
            continue
        ev = rule.event
        arities = happening_arities(ev.name)
        where = (ev.pos.file, ev.pos.line, ev.pos.col)
        if not arities:
            hint = did_you_mean(suggest(ev.name, known, n=1))
            out.append(Problem(*where, f"unknown event '{ev.name}'{hint}"))
        elif len(ev.args) not in arities:
            shapes = (
                [f"{ev.name}({', '.join(HAPPENINGS[ev.name])})"]
                if ev.name in HAPPENINGS
                else [f"{ev.name}(Actor)", f"{ev.name}(Actor, Target)"]
            )
            out.append(
                Problem(
                    *where,
                    f"event '{ev.name}' takes {' or '.join(str(n) for n in arities)} "
                    f"argument{'' if arities == (1,) else 's'} ({' or '.join(shapes)}), "
                    f"found {len(ev.args)}",
                )
            )
    return out


def rule_problems(corpus: Any) -> list[Problem]:
    """Every problem of every perspective's rule program, each once."""
    found: dict[Problem, list[str]] = {}
    users: dict[str, list[str]] = {}  # displayed file -> perspectives that load it
    unread = set()  # the names of rule files the loader could not read (and reported)
    for f in getattr(corpus, "unreadable", []):
        unread |= {f.name, f.stem, f.relative_to(corpus.path).as_posix()}
    for p in corpus.perspectives:
        real = perspective_files(corpus, p)
        if not real or unread.intersection(p.rules):
            continue  # without one of its files, its program would show false problems
        # parsed under the paths the build parses them by (the parse is then done once per
        # process: foedus.rules.parse), and shown as the user sees them
        shown = {str(f): display(f) for f in real}
        for f in real:
            users.setdefault(shown[str(f)], []).append(p.id)
        try:
            program = load_rules(real)
        except RuleError:
            try:  # again, under the shown paths: every message names the files as shown
                load_rules([Path(shown[str(f)]) for f in real])
            except RuleError as e:
                for problem in e.errors:
                    found.setdefault(problem, []).append(p.id)
            continue
        for problem in event_problems(program):
            problem = replace(problem, file=shown.get(problem.file, problem.file))
            found.setdefault(problem, []).append(p.id)
        for decl, message in vocabulary_mismatches(program):
            where = (shown.get(decl.pos.file, decl.pos.file), decl.pos.line, decl.pos.col)
            found.setdefault(Problem(*where, message), []).append(p.id)
        labels = {r.label for r in program.rules}
        for k, label in enumerate(p.replaces):  # `replaces` names rule labels
            if label not in labels:
                file, line, col = corpus.where("perspective", p.id, f"replaces[{k}]", "replaces")
                hint = did_you_mean(suggest(label, {x.lower(): x for x in labels}))
                found.setdefault(
                    Problem(
                        file,
                        line,
                        col,
                        f"perspective {p.id!r} replaces unknown rule {label!r}{hint}",
                    ),
                    [],
                ).append(p.id)
    out = []
    for problem, perspective_ids in found.items():
        if set(perspective_ids) != set(users.get(problem.file, perspective_ids)):
            names = ", ".join(repr(w) for w in perspective_ids)
            problem = Problem(
                problem.file,
                problem.line,
                problem.col,
                f"{problem.message} (in perspective {names})",
            )
        out.append(problem)
    return out
