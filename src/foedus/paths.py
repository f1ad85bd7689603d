"""Where foedus may write: a build never destroys what is at its output path.

:func:`check_output` is called before a database is written; it refuses, in one line naming
the path and what to do, anything the build's final rename would destroy or could not make:

- a path inside the corpus folder (``foedus build C -o C/events.yaml``);
- what is not a regular file (a directory, ``-o ""``, a device, a FIFO, a symbolic link);
- a regular file that is not a foedus database (a DuckDB file whose ``meta`` table has a
  ``schema_version``);
- a folder that cannot be made or written (``FOEDUS_CACHE_DIR`` a file, or read-only).

:func:`os_error_line` words any other failure to read or write a path (a full disk, a
permission) as one line for the command line; :func:`write_error` does so for a failure while
a file is written, DuckDB's ``IOException`` included (``No space left on device``), naming the
file the user asked for rather than its temporary twin. :func:`atomic_files` writes files the
way a build writes its database: beside the targets first, then renamed onto them, so that a
failure leaves every target as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

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
    # only here: this module is on the CLI's start-up path
    from sqlglot import exp

    from foedus.duck import duckdb

    version = exp.column("key").eq(exp.Literal.string("schema_version"))
    query = exp.select("value").from_("meta").where(version).sql("duckdb")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException:
        return True  # locked by a writer: a DuckDB file, and only foedus writes beside it
    except duckdb.Error:
        return False
    try:
        row = con.execute(query).fetchone()
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
    errno.EISDIR: "give a file's path",
    errno.EEXIST: "remove it or choose another path",
    errno.ENOENT: "check the path",
}


def os_error_line(e: OSError) -> str:
    """One line for a failure to read or write a path: the path, what happened, what to do."""
    what = (e.strerror or type(e).__name__).lower()
    todo = _WHAT_TO_DO.get(e.errno or 0, "check the path and try again")
    where = f"{e.filename}: " if e.filename is not None else ""
    line = f"{where}{what}; {todo}"
    return line + _cache_hint(Path(str(e.filename))) if e.filename is not None else line


#: What DuckDB's ``IOException`` says of a failing system call, and its errno.
_DUCKDB_ERRNO = {
    "no space left on device": errno.ENOSPC,
    "disk quota exceeded": errno.EDQUOT,
    "permission denied": errno.EACCES,
    "read-only file system": errno.EROFS,
    "not a directory": errno.ENOTDIR,
    "is a directory": errno.EISDIR,
}


class WriteError(UserError):
    """A file could not be written (a full disk, a permission): the path and what to do."""


def write_error(path: str | Path, e: BaseException) -> WriteError:
    """:class:`WriteError` for a failure to write ``path``: an :class:`OSError` or DuckDB's
    ``IOException``, in one line naming the path, what happened and what to do.

    >>> str(write_error("kb.duckdb", OSError(errno.ENOSPC, "No space left on device")))
    'cannot write kb.duckdb: no space left on device; free some disk space or write elsewhere'
    """
    if isinstance(e, OSError) and e.errno is not None:
        code: int | None = e.errno
        what = (e.strerror or type(e).__name__).lower()
    else:
        text = str(e).lower()
        code = next((c for words, c in _DUCKDB_ERRNO.items() if words in text), None)
        what = next((w for w, c in _DUCKDB_ERRNO.items() if c == code), "")
        if not what:
            first = re.sub(r"\s+", " ", str(e).splitlines()[0] if str(e) else type(e).__name__)
            what = first[:200]
    todo = _WHAT_TO_DO.get(code or 0, "check the path and the disk, and try again")
    return WriteError(f"cannot write {path}: {what}; {todo}{_cache_hint(Path(path).parent)}")


#: The errors of a system call that say the disk, not the input, is at fault.
_DISK = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EIO)


def is_write_failure(e: BaseException, tmps: Sequence[Path] = ()) -> bool:
    """``e`` is a failure to write a file: DuckDB's ``IOException``, an :class:`OSError` of
    the disk (full, read-only, over quota), or one on one of ``tmps``."""
    from foedus.duck import duckdb  # here: the CLI's start-up imports this module, not DuckDB

    if isinstance(e, duckdb.IOException):
        return True
    if not isinstance(e, OSError):
        return False
    return e.errno in _DISK or any(str(t) == str(e.filename) for t in tmps)


T = TypeVar("T")


def temporary_twin(out: Path) -> Path:
    """A fresh temporary path beside ``out`` (``.<name>.<pid>.<random>.tmp``)."""
    return out.with_name(f".{out.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def atomic_files(outs: Sequence[Path], write: Callable[[list[Path]], T]) -> T:
    """``write(tmps)`` writes one temporary file beside each of ``outs``; when it has written
    them all they are renamed onto ``outs``. On a failure (a full disk: :func:`write_error`)
    the temporary files are removed and every target is left as it was."""
    tmps = [temporary_twin(out) for out in outs]
    try:
        result = write(tmps)
        for tmp, out in zip(tmps, outs, strict=True):
            os.replace(tmp, out)
    except BaseException as e:
        for tmp in tmps:
            with contextlib.suppress(OSError):
                tmp.unlink()
        failed = next((o for t, o in zip(tmps, outs, strict=True) if str(t) in str(e)), None)
        if is_write_failure(e, tmps):
            raise write_error(failed or outs[0], e) from e
        raise
    return result
