"""The cache key of a build's steps, without importing the steps (what a reader needs to find
the database it reads: :func:`foedus.build.cached_path` of :func:`steps_key`).

:data:`foedus.build.steps.STEPS` lists the steps themselves, with these names and versions
(tests/build/test_build.py checks that :func:`steps_key` is :func:`foedus.build.steps.key`).
Importing the steps imports the compiler and every stage of a build, about a second of
imports that a command answering from an already built database does not need.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_PKG = Path(__file__).parents[1]
_ENGINE_CODE = (
    "engine",
    "rules",
    "backends",
    "build",
    "corpus/perspectives.py",
    "corpus/horizon.py",  # what an open date reaches is what the engine reads
)

STEP_NAMES = ("fluents", "state", "breaches", "rules", "query_index")
"""The names of :data:`foedus.build.steps.STEPS`, in order."""

_engine: str | None = None


def code_version() -> str:
    """A short hash of the engine's source files (computed once per process)."""
    global _engine
    if _engine is None:
        h = hashlib.sha256()
        for name in _ENGINE_CODE:
            path = _PKG / name
            files = sorted(path.rglob("*")) if path.is_dir() else [path]
            for f in files:
                if f.suffix in (".py", ".lark") and f.is_file():
                    h.update(f.relative_to(_PKG).as_posix().encode())
                    h.update(f.read_bytes())
        _engine = h.hexdigest()[:12]
    return _engine


def steps_key() -> str:
    """The cache key of every build step: their names and versions (the query index is
    versioned by its own code, :func:`foedus.build.index.index_version`; the other steps by
    :func:`code_version`)."""
    from foedus.build.index import index_version

    versions = {name: code_version() for name in STEP_NAMES}
    versions["query_index"] = index_version()
    return ",".join(f"{name}@{versions[name]}" for name in STEP_NAMES)
