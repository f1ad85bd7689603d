"""Registers the engine's build steps with the storage layer.

A built database holds, besides the corpus tables, every perspective's ``fluents`` and the
``breaches`` derived from them, and the state an incremental update starts from
(:mod:`foedus.incremental`). The steps' cache version is a hash of the code that computes
them, so a changed engine never reads a stale database.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from foedus import answers, incremental, reasoning, storage
from foedus.norms import breaches

_PKG = Path(__file__).parent
_ENGINE_CODE = (
    "engine",
    "rules",
    "backends",
    "norms",
    "reasoning.py",
    "storage.py",
    "incremental.py",
)


def code_version() -> str:
    """A short hash of the engine's source files."""
    h = hashlib.sha256()
    for name in _ENGINE_CODE:
        path = _PKG / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if f.suffix in (".py", ".lark") and f.is_file():
                h.update(f.relative_to(_PKG).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:12]


_VERSION = code_version()
storage.register_step("fluents", reasoning.store_fluents, _VERSION)
storage.register_step("state", incremental.store_state, _VERSION)  # for incremental updates
storage.register_step("breaches", breaches.store_breaches, _VERSION)
storage.register_step("query_index", answers.store_index, answers.index_version())
