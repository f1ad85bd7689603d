"""The build steps: what a built database holds besides the corpus tables, in order.

:data:`STEPS` is the table of contents of a build (as sqlglot's optimizer lists its RULES):
every database a :class:`~foedus.query.KnowledgeBase` reads is the corpus tables
(:mod:`foedus.build.tables`) followed by these steps, each ``run(con, corpus)`` on the open
database. Each step's ``version`` is part of the cache key (:func:`key`), so a changed engine
never reads a stale database: the engine's steps are versioned by a hash of the code that
computes them (:func:`code_version`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from foedus.build import breaches, fluents, index
from foedus.build.incremental import state
from foedus.build.version import code_version
from foedus.duck import duckdb

Step = Callable[[duckdb.DuckDBPyConnection, Any], None]
"""A build step: ``step(con, corpus)`` adds its tables to the open database ``con``."""


class BuildStep(NamedTuple):
    """One step of a build."""

    name: str
    run: Step
    version: str


def store_state(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    """Build step: keep what an incremental update needs (:func:`foedus.build.incremental.
    state.store_state`), stamped with this build's steps key."""
    state.store_state(con, corpus, key())


_ENGINE = code_version()  # foedus.build.version: the key is known without importing the steps

STEPS: tuple[BuildStep, ...] = (
    BuildStep("fluents", fluents.store_fluents, _ENGINE),  # every perspective's fluents
    BuildStep("state", store_state, _ENGINE),  # what an incremental update starts from
    BuildStep("breaches", breaches.store_breaches, _ENGINE),  # acts that breach a clause
    BuildStep("rules", fluents.store_rules, _ENGINE),  # the rules as written
    BuildStep("query_index", index.store_index, index.index_version()),  # the answers' look-ups
)
"""Every build step, in the order they run."""


def key() -> str:
    """The cache key of :data:`STEPS`: their names and versions."""
    return ",".join(f"{s.name}@{s.version}" for s in STEPS)


def default_steps() -> tuple[str, list[Step]]:
    """The cache key of :data:`STEPS`, and their functions in order."""
    return key(), [s.run for s in STEPS]
