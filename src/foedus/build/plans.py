"""Plans compiled ahead of time: the bundled corpus's three perspectives' scripts, shipped.

A build's ``fluents`` step compiles each perspective's rule program into a plan
(:func:`foedus.engine.compile.compile_program`) and renders its ~180 statements with sqlglot
(:meth:`foedus.backends.base.Backend.script`): about half a second of CPU on the bundled
corpus, the same every time, on a first answer after install that must take at most 3 s
(docs/performance.md, docs/decisions/0011-plans-compiled-ahead.md). The package ships those
scripts (``plans.json.gz`` beside this module), each under the key of everything its text
follows from (:func:`plan_key`): the program (its rules, declarations and facts, the files'
places aside), the scenarios, the fluents given by an earlier perspective, the tables kept,
the backend, the engine's code (:func:`foedus.build.version.code_version`) and sqlglot's
version. :func:`compiled` returns the stored script when its key matches, else compiles;
either way the same statements run (tests/build/test_plans.py compares the stored scripts
with a fresh compile, and fails when the file is stale). ``python -m foedus.build.precompile``
writes the file anew.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlglot

from foedus.backends.base import Backend, Loop, Script
from foedus.build.version import code_version
from foedus.engine.compile import Plan, compile_program
from foedus.rules.ast import Program
from foedus.rules.programs import program_digest

PLANS = Path(__file__).with_name("plans.json.gz")
"""The shipped scripts of the bundled corpus (package data)."""

FORMAT = 1


@dataclass
class Compiled:
    """One perspective's plan made ready for a build: compiled now, or its script stored."""

    plan: Plan
    """The plan; when the script is stored, its header only (scenarios, fact and event
    arities; no steps: they are in :attr:`script`)."""
    script: Script | None = None
    """The statements to run (:meth:`~foedus.backends.base.Backend.play`); None: run
    :attr:`plan` (:meth:`~foedus.backends.base.Backend.run`)."""
    stored: bool = False
    """Taken from :data:`PLANS` (not compiled in this process)."""

    def run(self, backend: Backend, keep: Sequence[str]) -> None:
        """Run it on ``backend`` (``keep`` as in :meth:`~foedus.backends.base.Backend.run`;
        a stored script was made with the same)."""
        if self.script is not None:
            backend.play(self.script)
        else:
            backend.run(self.plan, keep)


def plan_key(
    backend: Backend,
    program: Program,
    scenarios: int,
    given: Mapping[str, str],
    keep: Sequence[str],
) -> str:
    """The key of a script: a hash of everything its text follows from."""
    parts = [
        FORMAT,
        code_version(),
        sqlglot.__version__,
        type(backend).__module__ + "." + type(backend).__qualname__,
        bool(getattr(backend, "output_in_one_transaction", False)),  # one append or many
        bool(getattr(backend, "side_by_side", False)),  # where its intermediate tables are
        program_digest(program),
        scenarios,
        sorted(given.items()),
        list(keep),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


_stored: dict[str, dict[str, Any]] | None = None
_recording: dict[str, dict[str, Any]] | None = None


def stored() -> dict[str, dict[str, Any]]:
    """The shipped scripts by key (read once per process; none when the file is missing or
    unreadable: every plan is then compiled)."""
    global _stored
    if _stored is None:
        try:
            data = json.loads(gzip.decompress(PLANS.read_bytes()))
            _stored = data["plans"] if data.get("format") == FORMAT else {}
        except (OSError, ValueError, KeyError, TypeError, EOFError):
            _stored = {}
    return _stored


def compiled(
    backend: Backend,
    program: Program,
    given: Mapping[str, str],
    keep: Sequence[str],
    demand: bool = False,
) -> Compiled:
    """The script that computes ``program``'s fluents on ``backend``'s inputs (``given`` and
    ``demand`` as in :func:`~foedus.engine.compile.compile_program`, ``keep`` as in
    :meth:`~foedus.backends.base.Backend.run`): the shipped one when its key matches, else
    compiled and rendered now. A plan with fluents on demand is never shipped."""
    scenarios = backend.scenarios()
    key = "" if demand else plan_key(backend, program, scenarios, given, keep)
    hit = stored().get(key) if key and _recording is None else None
    if hit is not None:
        header = Plan([], scenarios, hit["event_arity"], dict(hit["fact_arities"]))
        return Compiled(header, [_op(o) for o in hit["script"]], stored=True)
    plan = compile_program(program, scenarios=scenarios, demand=demand, given=given or None)
    if not key or _recording is None or plan.on_demand:
        return Compiled(plan)
    script = backend.script(plan, keep)
    ops = [_json(o) for o in script]
    if all(o is not None for o in ops):
        _recording[key] = {
            "event_arity": plan.event_arity,
            "fact_arities": plan.fact_arities,
            "script": ops,
        }
    return Compiled(plan, script)


def _json(op: Any) -> Any:
    """A script's step as JSON (None: it is not text, and the script is not kept)."""
    if isinstance(op, str):
        return op
    if isinstance(op, Loop) and all(isinstance(s, str) for s in (*op.body, *op.swap)):
        return {
            "body": list(op.body),
            "changed": op.changed,
            "swap": list(op.swap),
            "max_rounds": op.max_rounds,
            "fluents": list(op.fluents),
        }
    return None


def _op(o: Any) -> Any:
    if isinstance(o, str):
        return o
    return Loop(
        body=tuple(o["body"]),
        changed=o["changed"],
        swap=tuple(o["swap"]),
        max_rounds=o["max_rounds"],
        fluents=tuple(o["fluents"]),
    )


@contextmanager
def recording() -> Iterator[dict[str, dict[str, Any]]]:
    """Within the block, every plan :func:`compiled` gives is compiled (nothing read from
    :data:`PLANS`) and its script kept, by key, in the dict yielded
    (:mod:`foedus.build.precompile`)."""
    global _recording
    _recording = {}
    try:
        yield _recording
    finally:
        _recording = None


def write(plans: dict[str, dict[str, Any]], path: Path = PLANS) -> None:
    """Write ``plans`` (:func:`foedus.build.precompile.record`) as the shipped file (gzip's
    header without a time: the same plans give the same bytes)."""
    data = json.dumps({"format": FORMAT, "plans": plans}, sort_keys=True).encode()
    path.write_bytes(gzip.compress(data, mtime=0))
