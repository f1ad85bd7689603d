"""The bundled corpus's plans compiled ahead of time (foedus.build.plans,
docs/decisions/0011-plans-compiled-ahead.md): the shipped scripts are exactly what a fresh
compile renders, a build runs them instead of compiling, and they are used only for the
programs, inputs and code they were made from."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from foedus.backends.duckdb import DuckDBBackend
from foedus.build import plans
from foedus.build.builder import build
from foedus.build.fluents import store_fluents
from foedus.corpus import bundled_path, load_corpus
from foedus.engine.narrative import Happening
from foedus.rules.programs import program_digest, program_for

FRESH = (
    "import json, sys; from foedus.build.precompile import record; "
    "from foedus.corpus import bundled_path, load_corpus; "
    "json.dump(record(load_corpus(bundled_path())), sys.stdout)"
)
STALE = (
    "the shipped plans (src/foedus/build/plans.json.gz) are not what the engine compiles now: "
    "run `python -m foedus.build.precompile` and commit the file"
)


@pytest.fixture(scope="module")
def corpus() -> Any:
    return load_corpus(bundled_path())


def test_the_shipped_plans_are_a_fresh_compile(corpus: Any) -> None:
    # in a fresh process, as `python -m foedus.build.precompile` makes them: the compiler
    # numbers some names within a statement (CTEs) from a counter of the process
    done = subprocess.run(
        [sys.executable, "-c", FRESH], capture_output=True, text=True, timeout=600, check=True
    )
    fresh = json.loads(done.stdout)
    assert len(fresh) == len(corpus.perspectives) == 3
    shipped = plans.stored()
    assert sorted(shipped) == sorted(fresh), STALE
    for key, plan in fresh.items():
        assert shipped[key] == plan, STALE
        assert not any(str(bundled_path()) in str(op) for op in plan["script"])


def rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("fluents", "scenario_fluents", "state_fluents", "state_meta")
        }
    finally:
        con.close()


def test_a_build_runs_the_shipped_scripts_and_stores_the_same_rows(
    corpus: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    used: list[bool] = []
    compiled = plans.compiled

    def counting(*args: Any, **kwargs: Any) -> plans.Compiled:
        ready = compiled(*args, **kwargs)
        used.append(ready.stored)
        return ready

    monkeypatch.setattr(plans, "compiled", counting)

    def no_compile(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("compiled a plan the package ships")

    with monkeypatch.context() as m:
        m.setattr(plans, "compile_program", no_compile)
        build(corpus, tmp_path / "shipped.duckdb", [store_fluents])
    assert used == [True, True, True]
    used.clear()
    monkeypatch.setattr(plans, "_stored", {})  # as if the file were missing
    build(corpus, tmp_path / "compiled.duckdb", [store_fluents])
    assert used == [False, False, False]
    shipped, compiled_now = rows(tmp_path / "shipped.duckdb"), rows(tmp_path / "compiled.duckdb")
    assert len(shipped["fluents"]) > 1000
    assert shipped == compiled_now


def backend_with_happenings() -> DuckDBBackend:
    backend = DuckDBBackend(duckdb.connect())
    backend.load_happenings([Happening("invade", ("a", "b"), 10, 20, "e1")], 2)
    return backend


def test_a_changed_program_is_compiled_afresh(corpus: Any) -> None:
    backend = backend_with_happenings()
    program = program_for(corpus, "de-facto")
    key = plans.plan_key(backend, program, 2, {}, ["k"])
    program.rules = program.rules[:-1]
    assert plans.plan_key(backend, program, 2, {}, ["k"]) != key
    assert plans.plan_key(backend, program, 1, {}, ["k"]) != plans.plan_key(
        backend, program, 2, {}, ["k"]
    )
    assert plans.plan_key(backend, program, 2, {"exists": "t"}, ["k"]) != plans.plan_key(
        backend, program, 2, {}, ["k"]
    )
    ready = plans.compiled(backend, program, {}, [])
    assert not ready.stored and ready.script is None and ready.plan.steps


def test_the_same_rules_elsewhere_have_the_same_digest(corpus: Any, tmp_path: Path) -> None:
    copy = tmp_path / "corpus"
    shutil.copytree(bundled_path(), copy)
    moved = load_corpus(copy)
    for p in corpus.perspectives:
        assert program_digest(program_for(moved, p.id)) == program_digest(program_for(corpus, p.id))
    rules = copy / "rules" / "soviet.rules"  # a line more: the rules' places change
    rules.write_text("# moved\n" + rules.read_text(encoding="utf-8"), encoding="utf-8")
    changed = load_corpus(copy)
    assert program_digest(program_for(changed, "soviet")) != program_digest(
        program_for(corpus, "soviet")
    )
    assert program_digest(program_for(changed, "de-facto")) == program_digest(
        program_for(corpus, "de-facto")
    )


def test_a_missing_or_broken_file_means_compiling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plans, "_stored", None)
    monkeypatch.setattr(plans, "PLANS", tmp_path / "missing.json.gz")
    assert plans.stored() == {}
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(b"not gzip")
    monkeypatch.setattr(plans, "_stored", None)
    monkeypatch.setattr(plans, "PLANS", broken)
    assert plans.stored() == {}
