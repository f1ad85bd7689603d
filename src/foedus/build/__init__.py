"""Build: from a corpus to the database every answer is read from.

The pipeline of a build, one module each:

- :mod:`~foedus.build.schema`: every table of a built database (the one schema module);
- :mod:`~foedus.build.tables`: the corpus records as rows of the corpus tables;
- :mod:`~foedus.build.steps`: :data:`~foedus.build.steps.STEPS`, the table of contents of
  what is derived, in order: :mod:`~foedus.build.fluents` (and the rules as written), the
  state of :mod:`~foedus.build.incremental`, :mod:`~foedus.build.breaches`,
  :mod:`~foedus.build.index`;
- :mod:`~foedus.build.database`: the file, written atomically, under a memory limit, cached;
- :mod:`~foedus.build.builder`: :func:`build`, :func:`ensure_built`, :func:`build_corpus`.

>>> from foedus.build import build_corpus
>>> from foedus.corpus import bundled_path, load_corpus
>>> result = build_corpus(load_corpus(bundled_path()))  # doctest: +SKIP
>>> result.path.name  # doctest: +SKIP
'baltic-soviet-...duckdb'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foedus import lazy

if TYPE_CHECKING:
    from foedus.build.builder import (
        BuildResult,
        build,
        build_corpus,
        build_database,
        ensure_built,
        progress_total,
    )
    from foedus.build.database import (
        OutOfMemory,
        cache_dir,
        cached_path,
        connect,
        connect_rw,
        latest_cached,
        memory_limit,
    )
    from foedus.build.schema import TABLES
    from foedus.build.shipped import cached_or_shipped
    from foedus.build.steps import STEPS, default_steps
    from foedus.build.tables import write_tables

__all__ = [
    "STEPS",
    "TABLES",
    "BuildResult",
    "OutOfMemory",
    "build",
    "build_corpus",
    "build_database",
    "cache_dir",
    "cached_or_shipped",
    "cached_path",
    "connect",
    "connect_rw",
    "default_steps",
    "ensure_built",
    "latest_cached",
    "memory_limit",
    "progress_total",
    "write_tables",
]

# imported when first read: `import foedus.build.schema` does not import the whole pipeline
__getattr__ = lazy.attributes(
    __name__,
    {
        **dict.fromkeys(
            ("BuildResult", "build", "build_corpus", "build_database", "ensure_built"),
            "foedus.build.builder",
        ),
        "progress_total": "foedus.build.builder",
        **dict.fromkeys(
            ("OutOfMemory", "cache_dir", "cached_path", "connect", "connect_rw"),
            "foedus.build.database",
        ),
        "latest_cached": "foedus.build.database",
        "memory_limit": "foedus.build.database",
        "TABLES": "foedus.build.schema",
        "cached_or_shipped": "foedus.build.shipped",
        "STEPS": "foedus.build.steps",
        "default_steps": "foedus.build.steps",
        "write_tables": "foedus.build.tables",
    },
)
