"""The files of a corpus folder: how they are shown, which may be read, and the content hash.

A corpus folder is not trusted: a file the corpus uses is read only when it is a regular file
that resolves inside the folder (:func:`refusal` says why not: a FIFO, a device, a symbolic
link that leads outside or nowhere, a file that cannot be read), and only the files the corpus
uses go into its content hash (:func:`content_hash`).

>>> refusal(Path("/dev/null"), Path("/dev"))
'a character device, not a regular file'
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from foedus.errors import Problem

Loc = tuple[str, int, int]
"""Where a value is written: (file as displayed, line, column), both 1-based."""


def display(path: str | Path) -> str:
    """A path relative to the current directory where possible, else as given; a symbolic
    link is shown as itself, not as where it leads."""
    try:
        here = Path.cwd()
        shown = Path(os.path.abspath(path))
        for a, b in ((shown, here), (shown.parent.resolve() / shown.name, here.resolve())):
            if a.is_relative_to(b):
                return str(a.relative_to(b))
    except (OSError, RuntimeError):
        pass
    return str(path)


def file_kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words."""
    for test, what in (
        (stat.S_ISREG, "a regular file"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return what
    return "a special file"


def refusal(path: Path, root: Path | None = None) -> str | None:
    """Why ``path`` may not be read as a file of the corpus at ``root``; None when it may.

    It must exist, resolve (through any symbolic link) inside ``root`` and be a regular file
    that this process can read. Nothing is opened, so a FIFO cannot hang the caller.
    """
    try:
        os.lstat(path)
    except FileNotFoundError:
        return "file not found"
    except OSError as e:
        return f"cannot read file: {e.strerror}"
    try:
        target = Path(path).resolve(strict=True)
    except (OSError, RuntimeError):
        return "a broken symbolic link (it leads to no file)"
    if root is not None:
        try:
            inside = target.is_relative_to(Path(root).resolve())
        except (OSError, RuntimeError):
            inside = False
        if not inside:
            return f"a symbolic link to {target}, outside the corpus folder"
    mode = target.stat().st_mode
    if not stat.S_ISREG(mode):
        return f"{file_kind(mode)}, not a regular file"
    if not os.access(target, os.R_OK):
        return "cannot read file: permission denied"
    return None


def line_col(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of character ``index`` of ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def read_text(
    path: Path, root: Path | None, problems: list[Problem], what: str = "file"
) -> str | None:
    """The UTF-8 text of ``path``, or None with a problem added (a file :func:`refusal`
    refuses, bytes that are not UTF-8); a NUL character is reported at its line and column
    and the text is still returned."""
    shown = display(path)
    why = refusal(path, root)
    if why is not None:
        problems.append(Problem(shown, 1, 1, f"cannot read {what}: {why}"))
        return None
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        problems.append(Problem(shown, 1, 1, f"cannot read {what}: {e.strerror}"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        before = data[: e.start].decode("utf-8", "replace")
        line, col = line_col(before, len(before))
        byte = data[e.start]
        why = f"not UTF-8 (byte {byte:#04x})"
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            line, col, why = 1, 1, "not UTF-8 but UTF-16 (by its byte order mark); save it as UTF-8"
        problems.append(Problem(shown, line, col, f"cannot read {what}: {why}"))
        return None
    nul = text.find("\x00")
    if nul >= 0:
        line, col = line_col(text, nul)
        problems.append(
            Problem(shown, line, col, f"{what} holds a NUL character (\\x00), which no text may")
        )
    return text


def content_hash(root: Path, files: Iterable[Path]) -> str:
    """The SHA-256 of the files the corpus uses (each named by its path inside ``root``).

    Only files that :func:`refusal` allows are read (the others are reported by the loader).
    """
    h = hashlib.sha256()
    for f in sorted(set(files), key=lambda p: _relative(root, p)):
        if refusal(f, root) is not None:
            continue
        rel = _relative(root, f).encode()
        digest = hashlib.sha256()
        try:
            with open(f, "rb") as stream:
                for chunk in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            continue
        h.update(len(rel).to_bytes(8, "big") + rel + digest.digest())
    return h.hexdigest()


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
