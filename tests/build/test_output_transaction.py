"""A build of a large corpus on one connection appends its output in one transaction, in one
statement; on two (foedus.backends.side, the default), each fluent's rows as an append of its
own, which the run joins with the others ready at the same time; a small one runs all in one
transaction already (``small_run``), a fluent at a time. Either way the rows are the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus import build as foedus_build
from foedus.backends import duckdb as backend_module
from foedus.build import fluents as fluents_step
from foedus.corpus import load_corpus

GULF = Path(__file__).parents[1] / "corpora" / "gulf"


def fluents(path: Path) -> list[tuple[object, ...]]:
    con = foedus_build.connect(path)
    try:
        return con.execute("SELECT * FROM fluents ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_a_large_build_appends_its_output_in_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = load_corpus(GULF)  # not the bundled corpus: its scripts are shipped, made before
    _, steps = foedus_build.default_steps()
    small = foedus_build.build_database(corpus, tmp_path / "small.duckdb", steps)
    scripts: list[list[object]] = []
    made = backend_module.DuckDBBackend.output_script

    def recorded(self: backend_module.DuckDBBackend, *args: object) -> object:
        out = made(self, *args)  # type: ignore[arg-type]
        scripts.append(list(out))
        return out

    monkeypatch.setattr(backend_module.DuckDBBackend, "output_script", recorded)
    monkeypatch.setattr(backend_module, "SMALL_ROWS", 0)  # every corpus "large"
    monkeypatch.setattr(fluents_step, "SIDE_BY_SIDE", 1)  # on one connection
    large = foedus_build.build_database(corpus, tmp_path / "large.duckdb", steps)
    assert scripts and all(
        s[0] == "BEGIN TRANSACTION" and s[-1] == "COMMIT" and "COMMIT" not in s[1:-1]
        for s in scripts
    )
    # every fluent's rows in one append (written on every thread), not one append per fluent
    appends = [
        [o for o in s if isinstance(o, str) and o.startswith("INSERT INTO")] for s in scripts
    ]
    assert all(len(a) == 1 for a in appends)
    assert fluents(large) == fluents(small) != []
    # on two connections: the output's parts each an append, none in a transaction of its own
    scripts.clear()
    monkeypatch.setattr(fluents_step, "SIDE_BY_SIDE", 2)
    beside = foedus_build.build_database(corpus, tmp_path / "beside.duckdb", steps)
    assert scripts and all("BEGIN TRANSACTION" not in s for s in scripts)
    appends = [
        [o for o in s if isinstance(o, str) and o.startswith("INSERT INTO")] for s in scripts
    ]
    assert max(len(a) for a in appends) > 1
    assert fluents(beside) == fluents(small)
