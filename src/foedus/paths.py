"""Where foedus may write: a build never destroys what is at its output path.

:func:`check_output` is called before a database is written; it refuses, in one line naming
the path and what to do, anything the build's final rename would destroy or could not make:

- a path inside the corpus folder (``foedus build C -o C/events.yaml``);
- what is not a regular file (a directory, ``-o ""``, a device, a FIFO, a symbolic link);
- a regular file that is not a foedus database (a DuckDB file whose ``meta`` table has a
  ``schema_version``);
- a folder that cannot be made or written (``FOEDUS_CACHE_DIR`` a file, or read-only).

:func:`os_error_line` words any other failure to read or write a path (a full disk, a
permission) as one line for the command line.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from foedus.errors import UserError

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)

#: The first bytes of a DuckDB database file: a checksum, then the magic ``DUCK``.
_MAGIC = (8, b"DUCK")


def _kind(mode: int) -> str:
    return next((what for test, what in _KINDS if test(mode)), "a special file")


def is_foedus_database(path: Path) -> bool:
    """``path`` is a DuckDB file written by a foedus build (its ``meta`` table has a
    ``schema_version``); a database that another process holds open is judged by its header."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return False
    offset, magic = _MAGIC
    if head[offset : offset + len(magic)] != magic:
        return False
    import duckdb  # only here: this module is on the CLI's start-up path

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException:
        return True  # locked by a writer: a DuckDB file, and only foedus writes beside it
    except duckdb.Error:
        return False
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.Error:
        return False
    finally:
        con.close()
    return row is not None


def cache_dir() -> Path:
    """Where built databases (and other caches) are kept: ``$FOEDUS_CACHE_DIR``, else
    ``~/.cache/foedus``."""
    env = os.environ.get("FOEDUS_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "foedus"


def _cache_hint(folder: Path) -> str:
    env = os.environ.get("FOEDUS_CACHE_DIR")
    if env and Path(env).absolute() == folder.absolute():
        return f" (FOEDUS_CACHE_DIR={env!r}; set it to a folder you can write)"
    return ""


def check_output(out: str | Path, *, corpus_root: str | Path | None = None) -> Path:
    """``out`` as a path a database may be written to; else :class:`UserError` in one line."""
    if str(out) in ("", "."):
        raise UserError("output path is empty (or '.'); give the database file to write (-o FILE)")
    out = Path(out)
    shown = str(out)
    if corpus_root is not None:
        root = Path(corpus_root).resolve()
        target = out.absolute().parent.resolve() / out.name
        if target == root or target.is_relative_to(root):
            raise UserError(
                f"{shown} is inside the corpus folder {corpus_root}; write the database elsewhere"
            )
    try:
        st = os.lstat(out)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    except OSError as e:
        raise UserError(f"{shown}: {e.strerror}; choose another output path") from e
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise UserError(
                f"{shown} is {_kind(st.st_mode)}, not a database file; "
                "give the path of a database file to write"
            )
        if st.st_size and not is_foedus_database(out):
            raise UserError(
                f"{shown} exists and is not a foedus database; it would be replaced: "
                "remove it or choose another output path"
            )
    folder = out.absolute().parent
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(
            f"cannot make folder {folder}: {existing} is not a folder{_cache_hint(folder)}"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(
            f"cannot write in folder {existing}: permission denied{_cache_hint(folder)}"
        )
    return out


_WHAT_TO_DO = {
    errno.ENOSPC: "free some disk space or write elsewhere",
    errno.EDQUOT: "free some disk space or write elsewhere",
    errno.EACCES: "choose a path you may write",
    errno.EPERM: "choose a path you may write",
    errno.EROFS: "choose a path on a writable disk",
    errno.ENOTDIR: "a part of the path is not a folder; choose another path",
    errno.EISDIR: "it is a folder; give a file's path",
    errno.EEXIST: "it exists; remove it or choose another path",
    errno.ENOENT: "check the path",
}


def os_error_line(e: OSError) -> str:
    """One line for a failure to read or write a path: the path, what happened, what to do."""
    what = (e.strerror or type(e).__name__).lower()
    todo = _WHAT_TO_DO.get(e.errno or 0, "check the path and try again")
    where = f"{e.filename}: " if e.filename is not None else ""
    line = f"{where}{what}; {todo}"
    return line + _cache_hint(Path(str(e.filename))) if e.filename is not None else line
