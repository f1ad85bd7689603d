"""A loaded corpus, kept between runs of the command line: the YAML read and validated once.

Reading and validating the bundled corpus costs about half a second (the YAML parser, the
rules' parser, the checks); a command that answers from an already built database needs a
fraction of that. :func:`load_cached` keeps each corpus that loaded without a problem, pickled,
in the cache folder (``corpora/`` under :func:`foedus.paths.cache_dir`), keyed by

- every file under the corpus folder (its path inside the folder and the sha256 of its bytes,
  remembered by the file's ``stat`` so that a warm command does not read GGO's tens of MB
  again: :class:`_Digests`), so that any change to the corpus is a new key (a folder holding
  anything but regular files and folders, a symbolic link say, is not kept: it is read afresh
  each time);
- the folder as given and the working directory (error positions name files as given);
- the source files of the code that reads and validates a corpus (``corpus``, ``model``,
  ``rules`` with the rule library, ``errors.py``).

Its instruments and events are pickled one by one (:mod:`.kept`): a warm command makes only
the records it shows, and unpickles the source texts and the records' positions only when it
uses them. The pickled records and the source texts are written after the pickle as its
out-of-band buffers (pickle protocol 5) and mapped back with :mod:`mmap` (:func:`_load`): a
warm command neither reads nor copies them (GGO: 47 MB, 85 ms of CPU before).

A corpus with Parquet tables is kept too (its tables' files in its key like every other
file, their digests remembered by ``stat`` as GGO's YAML): its instruments and events as how to
read them from the tables (:class:`foedus.corpus.parquet.LazyRecords`), none made, so that a
warm command neither validates the tables again (0.84 s of SQL for the 10^6 world) nor reads
its records; a corpus with problems is never kept, so its errors are reported afresh each time. A
cache file that cannot be read or written costs only the load. The :data:`KEEP` most recently
written files are kept, the older ones removed. The files are pickles: the cache folder is
trusted as the built databases beside them are (it is the user's own, ``~/.cache/foedus``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import pickle
import stat
import struct
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foedus.paths import cache_dir

if TYPE_CHECKING:
    from foedus.corpus.corpus import Corpus

KEEP = 32
"""How many loaded corpora the cache keeps (the most recently written)."""

CACHE_VERSION = "3"
"""Bumped when what is pickled changes in a way the code hash does not see."""

_PKG = Path(__file__).parents[1]
_CODE = ("corpus", "model", "rules", "errors.py", "paths.py")
_code_hash: str | None = None


def code_hash() -> str:
    """A hash of the source files that read and validate a corpus."""
    global _code_hash
    if _code_hash is None:
        h = hashlib.sha256(CACHE_VERSION.encode())
        for name in _CODE:
            path = _PKG / name
            files = sorted(path.rglob("*")) if path.is_dir() else [path]
            for f in files:
                if f.suffix in (".py", ".lark", ".rules", ".json") and f.is_file():
                    h.update(f.relative_to(_PKG).as_posix().encode() + b"\0" + f.read_bytes())
        _code_hash = h.hexdigest()
    return _code_hash


def corpus_key(path: Path) -> str | None:
    """The cache key of the corpus folder ``path``; None when it is not to be cached (not a
    folder, a file that cannot be read or is not a regular file)."""
    root = Path(path)
    if not root.is_dir():
        return None
    h = hashlib.sha256(f"{code_hash()}\0{path}\0{os.getcwd()}\0{root.resolve()}".encode())
    digests = _Digests()
    try:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                f = Path(dirpath, name)
                mode = f.lstat().st_mode
                if not stat.S_ISREG(mode):  # a link, a FIFO...: read afresh, never kept
                    return None
                rel = f.relative_to(root).as_posix().encode()
                h.update(len(rel).to_bytes(8, "big") + rel)
                h.update(digests.of(f))
            if any(Path(dirpath, d).is_symlink() for d in dirnames):
                return None
    except OSError:
        return None
    digests.save()
    return h.hexdigest()


RACY = 2.0
"""Seconds: a file changed (its ``ctime``) less than this long before its digest is taken is
not remembered by its ``stat`` (it could change again within the same tick of the clock)."""


class _Digests:
    """The sha256 of each file, remembered by its ``stat`` (``digests.json`` in the cache
    folder): a file whose device, inode, size, ``mtime_ns`` and ``ctime_ns`` are those it had
    when it was hashed has the same bytes, and is not read again. ``ctime`` is set by the
    system at every write and cannot be set back, so that any rewrite (even one that keeps the
    size and restores ``mtime``) is hashed afresh; a file changed within :data:`RACY` seconds
    of its hashing is not remembered (the racy case of ``git``'s index). The key of a corpus
    is the same as if every file were hashed: only the reading is saved."""

    LIMIT = 20_000

    def __init__(self) -> None:
        self.file = cache_dir() / "digests.json"
        self.known: dict[str, list[Any]] | None = None
        self.changed = False

    def _known(self) -> dict[str, list[Any]]:
        if self.known is None:
            self.known = {}
            with contextlib.suppress(OSError, ValueError):
                found = json.loads(self.file.read_text(encoding="utf-8"))
                if isinstance(found, dict):
                    self.known = found
        return self.known

    def of(self, f: Path) -> bytes:
        """The sha256 digest of the bytes of ``f``."""
        st = f.stat()
        name = os.path.abspath(f)
        sig = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        known = self._known().get(name)
        if isinstance(known, list) and known[:-1] == sig:
            return bytes.fromhex(known[-1])
        digest = hashlib.sha256(f.read_bytes()).digest()
        if f.stat().st_ctime_ns == st.st_ctime_ns and time.time_ns() - max(
            st.st_mtime_ns, st.st_ctime_ns
        ) > int(RACY * 1e9):
            self._known()[name] = [*sig, digest.hex()]
            self.changed = True
        return digest

    def save(self) -> None:
        """Write what was learnt (a file that cannot be written costs only the hashing)."""
        if not self.changed or self.known is None:
            return
        known = dict(list(self.known.items())[-self.LIMIT :])
        tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(known), encoding="utf-8")
            os.replace(tmp, self.file)
        self.changed = False


def load_cached(path: str | Path) -> Corpus:
    """:func:`foedus.corpus.load_corpus` of ``path``, from the cache when the same corpus was
    loaded before with the same code (see the module's docstring)."""
    key = corpus_key(Path(path))
    file = cache_dir() / "corpora" / f"{key}.pickle"
    if key is not None:
        with contextlib.suppress(
            OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError
        ):
            found = _load(file)
            from foedus.corpus.corpus import Corpus

            if isinstance(found, Corpus):
                return found
    from foedus.corpus.load import load_corpus

    corpus = load_corpus(path)
    if key is not None:
        _store(file, corpus)
    return corpus


MAGIC = b"foedus-kept-corpus\0"
"""The first bytes of a kept corpus's file; then the count of parts and each one's size (the
pickle, then its out-of-band buffers: the pickled records and the source texts)."""


def _load(file: Path) -> Any:
    """The corpus kept in ``file``: its pickle read, its large buffers (the pickled records,
    the source texts: GGO's 46 MB) mapped from the file, not read or copied (a warm command
    touches the few pages of the records it shows)."""
    with open(file, "rb") as stream:
        mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(mapped)
    if view[: len(MAGIC)] != MAGIC:
        raise ValueError(f"{file}: not a kept corpus")
    at = len(MAGIC)
    (count,) = struct.unpack_from("<Q", view, at)
    sizes = struct.unpack_from(f"<{count}Q", view, at + 8)
    at += 8 + 8 * count
    parts = []
    for size in sizes:
        if at + size > len(view):
            raise EOFError(f"{file}: cut short")
        parts.append(view[at : at + size])
        at += size
    return pickle.loads(parts[0], buffers=parts[1:])


def _store(file: Path, corpus: Corpus) -> None:
    from dataclasses import replace

    from foedus.corpus.kept import KeptDict, KeptRecords

    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    # instruments and events pickled one by one, each made when first asked for; the source
    # texts and the positions made when first used
    # (a Parquet corpus's tabled kinds stay as they are: how to read them, none made)
    lazy = replace(
        corpus,
        instruments=corpus.instruments  # type: ignore[arg-type]
        if "instruments" in corpus.tables
        else KeptRecords(corpus.instruments),
        events=corpus.events  # type: ignore[arg-type]
        if "events" in corpus.tables
        else KeptRecords(corpus.events),
        sources=KeptDict(corpus.sources),  # type: ignore[arg-type]
        positions=KeptDict(corpus.positions),  # type: ignore[arg-type]
    )
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        buffers: list[pickle.PickleBuffer] = []
        main = pickle.dumps(lazy, protocol=5, buffer_callback=buffers.append)
        views = [b.raw() for b in buffers]
        sizes = [len(main), *(v.nbytes for v in views)]
        with open(tmp, "wb") as stream:
            stream.write(MAGIC + struct.pack(f"<Q{len(sizes)}Q", len(sizes), *sizes))
            stream.write(main)
            for v in views:
                stream.write(v)
        os.replace(tmp, file)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        with contextlib.suppress(OSError):
            tmp.unlink()
        return
    with contextlib.suppress(OSError):
        kept = sorted(
            ((p.stat().st_mtime_ns, p) for p in file.parent.glob("*.pickle")), reverse=True
        )
        for _, old in kept[KEEP:]:
            old.unlink()
