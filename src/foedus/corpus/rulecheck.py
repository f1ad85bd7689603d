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

import functools
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from foedus.corpus.folder import display
from foedus.errors import Problem, RuleError, did_you_mean, suggest
from foedus.model import EVENT_TYPES, HAPPENINGS, happening_arities
from foedus.rules import load_rules
from foedus.rules.ast import EventRule
from foedus.rules.library import library_file, library_names, rule_paths
from foedus.rules.library.vocabulary import VOCABULARY, vocabulary_mismatches


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


@functools.cache
def _library_declaring() -> dict[str, list[str]]:
    """The library files (``foedus:de-facto``) that declare each fluent, by its name."""
    from foedus.rules.parse import declarations  # here: only a program with problems pays it

    out: dict[str, list[str]] = {}
    for name in library_names():
        f = library_file(name)
        if f is not None:
            for fluent in declarations([(f.read_text(encoding="utf-8"), str(f))]).fluents:
                out.setdefault(fluent, []).append(name)
    return out


def _undefined_word(problem: Problem) -> str | None:
    """The fluent of the vocabulary of status that ``problem`` says is undefined, if any."""
    m = re.match(r"undefined fluent '([^']+)'", problem.message)
    return m.group(1) if m and m.group(1) in VOCABULARY else None


def _declare_word(name: str, first: Problem, others: list[Problem]) -> str:
    """An undefined fluent of the vocabulary (``part_of`` in a perspective without
    ``foedus:de-facto``) said as what it is: not a typo, a declaration to add (``others``:
    its other uses, not reported again)."""
    word = VOCABULARY[name]
    files = _library_declaring().get(name, [])
    library = f" or name {' or '.join(files)}" if files else ""
    places = [
        f"{'line ' if p.file == first.file else p.file + ':'}{p.line}:{p.col}" for p in others
    ]
    also = f"; also used at {', '.join(places[:2])}" if places else ""
    also += f" and {len(places) - 2} more" if len(places) > 2 else ""
    return (
        f"undefined fluent '{name}', which the answers read ({word.read_by}): declare it "
        f"'fluent {word.shape}.'{library} (docs/rules.md){also}"
    )


def vocabulary_first(problems: list[Problem], paths: list[Path]) -> list[Problem]:
    """The problems of a program whose files are ``paths``, with each fluent of the
    vocabulary that it declares in another shape reported once, at its declaration, instead
    of at every use (where its arity or value would be reported wrong), and each one it uses
    undeclared reported once, at its first use, as a declaration to add."""
    from foedus.rules.parse import declarations  # here: only a program with problems pays it

    try:
        decls = declarations([(f.read_text(encoding="utf-8"), str(f)) for f in paths])
    except (OSError, UnicodeError):  # pragma: no cover - load_rules read them just now
        return problems
    mismatched = vocabulary_mismatches(decls)
    names = "|".join(re.escape(d.name) for d, _ in mismatched)
    use = re.compile(
        rf"^(Boolean |multi-valued )?fluent '({names})' (takes|has no value|needs a value)"
        rf"|^value '.*' is not in the domain of '({names})'"
    )
    out = [p for p in problems if not (names and use.match(p.message))]
    out += [Problem(d.pos.file, d.pos.line, d.pos.col, message) for d, message in mismatched]
    uses: dict[str, list[Problem]] = {}
    for p in out:
        name = _undefined_word(p)
        if name is not None:
            uses.setdefault(name, []).append(p)
    out = [p for p in out if _undefined_word(p) is None]
    for name, found in uses.items():
        first, *others = sorted(found)
        out.append(replace(first, message=_declare_word(name, first, others)))
    return out


def rule_problems(corpus: Any) -> list[Problem]:
    """Every problem of every perspective's rule program, each once."""
    found: dict[Problem, list[str]] = {}
    users: dict[str, list[str]] = {}  # displayed file -> perspectives that load it
    for p in corpus.perspectives:
        real = perspective_files(corpus, p)
        if not real or any(not rule_paths(corpus, [r]) for r in p.rules):
            # a file it names is unknown or unreadable (reported by the validator): without
            # it, its program would show false problems (a fluent that file defines, undefined)
            continue
        # parsed under the paths the build parses them by (the parse is then done once per
        # process: foedus.rules.parse), and shown as the user sees them
        shown = {str(f): display(f) for f in real}
        for f in real:
            users.setdefault(shown[str(f)], []).append(p.id)
        try:
            program = load_rules(real)
        except RuleError:
            paths = [Path(shown[str(f)]) for f in real]
            try:  # again, under the shown paths: every message names the files as shown
                load_rules(paths)
            except RuleError as e:
                for problem in vocabulary_first(e.errors, paths):
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
