"""The bundled corpus's database, built ahead of time and shipped with the package
(docs/decisions/0013-bundled-database-shipped.md).

The folder :data:`SHIPPED` holds one gzipped DuckDB file, named as its cache file is named
(:func:`foedus.build.database.cached_path`: the corpus's name, its content hash, the key of
the schema and of every build step's code) with ``.gz`` added. When a database is wanted in
the cache and is not there, :func:`restore_shipped` looks for a shipped file of exactly that
name and writes it into the cache instead of building: the name matches only for the same corpus
content built by the same code, so the shipped file is used only where a build would make the
same database. ``python -m foedus.build.precompile`` writes it; tests/build/test_shipped.py
fails while it is not what a build makes now.
"""

from __future__ import annotations

import gzip
import shutil
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from foedus.build.database import atomic, cached_path, intact, touch
from foedus.build.version import steps_key
from foedus.duck import duckdb

if TYPE_CHECKING:
    from foedus.corpus.corpus import Corpus

SHIPPED = Path(__file__).with_name("shipped")
"""Where the package keeps the bundled corpus's built database."""


def shipped_for(path: Path) -> Path:
    """The shipped file that stands for the cache file ``path`` (it may not exist)."""
    return SHIPPED / f"{path.name}.gz"


def cached_or_shipped(corpus: Corpus) -> Path | None:
    """The cache file of ``corpus``'s database with every build step, found by its key alone
    (:mod:`foedus.build.version`, without importing the build) or written from the shipped
    one (:func:`restore_shipped`); None when it is to be built."""
    path = cached_path(corpus, steps_key())
    if intact(path):
        touch(path)  # the most recently used: an edit starts from it, the cache keeps it
        return path
    return None if path.exists() or not restore_shipped(path) else path


def restore_shipped(path: Path) -> bool:
    """Write the shipped database for the cache file ``path`` there, atomically, if the
    package ships one of that name and it opens; False (nothing written) otherwise."""
    source = shipped_for(path)
    if not source.is_file():
        return False

    def fill(tmp: Path) -> None:
        try:
            with gzip.open(source, "rb") as f, tmp.open("xb") as out:
                shutil.copyfileobj(f, out, 1 << 20)
        except (gzip.BadGzipFile, EOFError, zlib.error) as e:
            raise _Unreadable(e) from e
        try:
            duckdb.connect(str(tmp), read_only=True).close()
        except duckdb.Error as e:  # damaged, or from a DuckDB this one cannot read
            raise _Unreadable(e) from e

    try:
        atomic(path, fill)  # a full disk or an unwritable cache: one line, as a build's
    except _Unreadable:
        return False  # built as before
    return True


class _Unreadable(Exception):
    """The shipped file is not a database this DuckDB reads."""


def write(built: Path, path: Path) -> Path:
    """Ship the database ``built`` as the one for the cache file ``path`` (the only one:
    other shipped files are removed). Returns the shipped file."""
    SHIPPED.mkdir(exist_ok=True)
    target = shipped_for(path)
    for old in SHIPPED.glob("*.gz"):
        if old != target:
            old.unlink()
    with built.open("rb") as f, gzip.GzipFile(target, "wb", compresslevel=9, mtime=0) as out:
        shutil.copyfileobj(f, out, 1 << 20)
    return target
