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

from pathlib import Path
from typing import Any

from foedus.corpus.load import _display
from foedus.errors import Problem, RuleError, did_you_mean, suggest


def perspective_files(corpus: Any, perspective: Any) -> list[Path]:
    """The rule files a perspective names that exist (unknown names are the validator's)."""
    by_name: dict[str, Path] = {}
    for f in corpus.rule_files:
        for name in (f.name, f.stem, f.relative_to(corpus.path).as_posix()):
            by_name.setdefault(name, f)
    out: list[Path] = []
    for name in perspective.rules:
        f = by_name.get(name)
        if f is None and (Path(corpus.path) / name).is_file():
            f = Path(corpus.path) / name
        if f is not None and f not in out:
            out.append(f)
    return out


def rule_problems(corpus: Any) -> list[Problem]:
    """Every problem of every perspective's rule program, each once."""
    from foedus.rules import load_rules

    found: dict[Problem, list[str]] = {}
    users: dict[str, list[str]] = {}  # displayed file -> perspectives that load it
    for p in corpus.perspectives:
        files = [Path(_display(f)) for f in perspective_files(corpus, p)]
        if not files:
            continue
        for f in files:
            users.setdefault(str(f), []).append(p.id)
        try:
            program = load_rules(files)
        except RuleError as e:
            for problem in e.errors:
                found.setdefault(problem, []).append(p.id)
            continue
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
    for problem, where in found.items():
        if set(where) != set(users.get(problem.file, where)):
            names = ", ".join(repr(w) for w in where)
            problem = Problem(
                problem.file,
                problem.line,
                problem.col,
                f"{problem.message} (in perspective {names})",
            )
        out.append(problem)
    return out
