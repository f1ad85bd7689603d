"""Build a corpus's database: the corpus tables, then the build steps, atomically; cached.

:func:`build` writes every corpus table (:mod:`foedus.build.tables`) and runs the build steps
(:data:`foedus.build.steps.STEPS`, or those given) on a temporary file that is renamed onto the
target (:func:`foedus.build.database.atomic`). Given a ``previous`` database of the same corpus
that differs only by added events, it updates a copy of it instead
(:mod:`foedus.build.incremental`). :func:`ensure_built` keeps one database per corpus content
and set of steps in a cache folder; :func:`build_corpus` is ``foedus build``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foedus.build import index, shipped
from foedus.build import steps as build_steps
from foedus.build.database import (
    atomic,
    cached_path,
    connect_rw,
    drop_damaged,
    latest_cached,
    out_of_memory,
    prune_cached,
)
from foedus.build.fluents import WRITTEN as fluents_written
from foedus.build.fluents import store_fluents
from foedus.build.schema import CHECKPOINT, TABLES
from foedus.build.steps import Step
from foedus.build.tables import write_tables
from foedus.corpus.load import Corpus
from foedus.duck import duckdb
from foedus.engine.dependencies import NotIncremental
from foedus.paths import check_output

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What :func:`build` did: a full build, or an incremental update of ``previous``."""

    path: Path
    update: Any = None
    """The :class:`~foedus.build.incremental.update.UpdateReport` of an incremental update,
    else None."""
    full_reason: str | None = None
    """Why a ``previous`` database was not updated incrementally (None: no previous one)."""


def build(
    corpus: Corpus,
    out_path: str | Path,
    steps: Sequence[Step] = (),
    progress: Progress | None = None,
    previous: str | Path | None = None,
) -> BuildResult:
    """Write ``corpus`` and what ``steps`` add to a DuckDB file at ``out_path``, atomically.

    With ``previous``, a database built with the same steps from an earlier version of the
    same corpus (it may be ``out_path`` itself): when the corpus differs from that version
    only by added events, the database is made from a copy of ``previous`` by recomputing
    only what the new events can change (:mod:`foedus.build.incremental`, docs/incremental.md);
    otherwise it is built from scratch. Either way the result is the same, row for row.
    """
    out = check_output(out_path, corpus_root=corpus.path)
    stage = ["start"]

    def say(what: str) -> None:
        stage[0] = what
        if progress:
            progress(what)

    reason = None
    if previous is not None:
        from foedus.build.incremental import update  # imported when there is a previous one

        try:
            prepared = update.prepare(Path(previous), corpus, steps, say)
        except NotIncremental as e:
            reason = str(e)
            say(f"full build: {reason}")
        except duckdb.OutOfMemoryException as e:
            raise out_of_memory(e, stage[0], out) from e
        else:
            try:
                report = atomic(out, lambda tmp: _apply(update, prepared, tmp, say))
            except duckdb.OutOfMemoryException as e:
                raise out_of_memory(e, stage[0], out) from e
            except _UpdateFailed as e:  # a damaged block of the previous file, found reading it
                reason = f"the update failed in stage '{stage[0]}': {e}"
                say(f"full build: {reason}")
            else:
                return BuildResult(out, report)
    try:
        atomic(out, lambda tmp: _fill(tmp, corpus, steps, say))
    except duckdb.OutOfMemoryException as e:
        raise out_of_memory(e, stage[0], out) from e
    return BuildResult(out, None, reason)


class _UpdateFailed(Exception):
    """An incremental update could not read its copy of the previous database (a damaged
    block: DuckDB's checksum or a short read); the database is built from scratch instead."""


_DAMAGED = ("Corrupt database file", "Could not read enough bytes")


def _apply(update: Any, prepared: Any, tmp: Path, say: Progress) -> Any:
    """``update.apply``, its failures to read the previous database as :class:`_UpdateFailed`
    (a failure to write, a full disk, stays one: :func:`foedus.build.database.atomic`)."""
    try:
        return update.apply(prepared, tmp, say)
    except duckdb.OutOfMemoryException:
        raise
    except duckdb.Error as e:
        text = str(e)
        if isinstance(e, duckdb.IOException) and not any(d in text for d in _DAMAGED):
            raise
        raise _UpdateFailed(text.splitlines()[0] if text else type(e).__name__) from e


def step_name(step: Step) -> str:
    """A step's name as progress reports it: its name in :data:`~foedus.build.steps.STEPS`
    (``fluents``, ``breaches``…), else its function's name."""
    name = getattr(step, "__name__", "step")
    return next((s.name for s in build_steps.STEPS if s.run.__name__ == name), name)


def _fill(tmp: Path, corpus: Corpus, steps: Sequence[Step], progress: Progress) -> None:
    con = connect_rw(tmp, vacuum=False)  # a new database: nothing deleted to vacuum
    try:
        write_tables(con, corpus, progress)
        with ThreadPoolExecutor(max_workers=1) as beside:
            _run_steps(con, corpus, steps, progress, beside)
        progress("checkpoint")
        con.execute(CHECKPOINT)
    finally:
        con.close()


def _run_steps(
    con: duckdb.DuckDBPyConnection,
    corpus: Corpus,
    steps: Sequence[Step],
    progress: Progress,
    beside: ThreadPoolExecutor,
) -> None:
    """Run ``steps`` in order on ``con``; but the parts of the query index that read only
    ``fluents`` and the stored events (:func:`foedus.build.index.store_mentions`, then
    :func:`~foedus.build.index.store_events_index`) are made as soon as the fluents are,
    on connections of their own, while the breaches step runs (each uses both cores only
    part of the time: at 10^6 events the breaches and the query index took 1.79-1.99 s side
    by side, 2.04-2.17 s one after the other; docs/performance.md, "Session 28"); the
    breaches' part of the index is made once the mentions are, beside the events' index
    (0.1 s of the 10^6 world's; "Session 36"). A failure of any is raised once all have
    stopped; a failure of the steps (Ctrl-C among them) stops the parts made beside them
    first: those not begun are not, the statements of the one running are interrupted (at
    10^7 events, a Ctrl-C during the breaches step waited 8 s for the mentions to end)."""
    early: list[Future[None]] = []
    cursors: list[duckdb.DuckDBPyConnection] = []

    def beside_the_rest() -> None:
        made = (index.store_mentions, index.store_events_index)
        cursors[:] = [con.cursor() for _ in made]
        early[:] = [
            beside.submit(_on_own_connection, part, cursor)
            for part, cursor in zip(made, cursors, strict=True)
        ]

    try:
        for step in steps:
            progress(f"step {step_name(step)}")
            if step is index.store_index and early:
                early[0].result()  # the mentions
                index.store_breaches_against(con)
                early[1].result()  # the events' index
                continue
            if step is not store_fluents or index.store_index not in steps:
                step(con, corpus)
                continue
            # started as soon as every row of fluents is in, beside the rest of the step (its
            # per-scenario rows: 0.11 s of the 10^6 world's, on one core), else after it
            token = fluents_written.set(beside_the_rest)
            try:
                step(con, corpus)
            finally:
                fluents_written.reset(token)
            if not early:
                beside_the_rest()
    except BaseException:
        begun = []
        for future, cursor in zip(early, cursors, strict=True):
            if future.cancel():  # not begun: never will (each cancelled before any ends)
                cursor.close()
            else:
                begun.append((future, cursor))
        for future, cursor in begun:
            while not future.done():  # its statements interrupted until it ends (one that
                # begins after an interrupt would run to its end)
                try:
                    cursor.interrupt()
                except duckdb.Error:  # closed: its part has ended
                    break
                wait([future], timeout=_INTERRUPT_EVERY)
        raise
    finally:
        wait(early)


_INTERRUPT_EVERY = 0.05
"""Seconds between the interrupts of a part of the index made beside a failed step."""


def _on_own_connection(
    run: Callable[[duckdb.DuckDBPyConnection], None], con: duckdb.DuckDBPyConnection
) -> None:
    try:
        run(con)
    finally:
        con.close()


def build_database(
    corpus: Corpus,
    out_path: str | Path,
    steps: Sequence[Step] = (),
    progress: Progress | None = None,
    previous: str | Path | None = None,
) -> Path:
    """Write ``corpus`` and what ``steps`` add to a DuckDB file at ``out_path``, atomically
    (incrementally from ``previous`` where possible: see :func:`build`)."""
    return build(corpus, out_path, steps, progress, previous).path


def ensure_built(
    corpus: Corpus,
    steps_key: str = "",
    steps: Sequence[Step] = (),
    progress: Progress | None = None,
) -> Path:
    """The cached database of ``corpus`` built with ``steps``, building it on first use.

    A first use writes the database the package ships for it, if any (the bundled corpus as
    installed: :func:`foedus.build.shipped.restore_shipped`); else it starts from the most recent
    cached database of the same corpus name and steps when the corpus differs from that one
    only by added events (:func:`build`). A cache file whose header is not whole
    (:func:`foedus.build.database.intact`) is built again; after a build the cache keeps the
    :data:`~foedus.build.database.KEEP` most recent databases of the corpus's name
    (:func:`~foedus.build.database.prune_cached`).
    """
    path = cached_path(corpus, steps_key)
    drop_damaged(path)
    if path.exists():
        return path
    if not (steps and shipped.restore_shipped(path)):
        build(corpus, path, steps, progress, previous=latest_cached(path) if steps else None)
    prune_cached(path)
    return path


def build_corpus(
    corpus: Corpus,
    output: str | Path | None = None,
    engine: str = "duckdb",
    progress: Progress | None = None,
) -> BuildResult:
    """``foedus build``: the database of ``corpus`` with every build step, at ``output``
    (default: its cache file), its fluents computed by ``engine`` (``duckdb`` or ``spark``; a
    Spark session must be started first: :func:`foedus.backends.spark.session`). A database
    of this corpus built before (at ``output``, or the latest cached one) is updated in place
    when only events were added. ``progress`` is told each table and step
    (:func:`progress_total` of them)."""
    key, steps = build_steps.default_steps()
    if engine != "duckdb":

        def store_fluents_with(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
            store_fluents(con, corpus, engine)

        store_fluents_with.__name__ = "store_fluents"
        steps = [store_fluents_with if s is store_fluents else s for s in steps]
    target = check_output(
        output if output is not None else cached_path(corpus, key), corpus_root=corpus.path
    )
    if output is None:
        drop_damaged(target)
    previous = target if target.exists() else (latest_cached(target) if output is None else None)
    result = build(corpus, target, steps, progress, previous=previous)
    if output is None:
        prune_cached(target)
    return result


def progress_total() -> int:
    """How many times :func:`build_corpus` reports progress on a full build (each table, each
    step, the checkpoint)."""
    return len(TABLES) + len(build_steps.STEPS) + 1
