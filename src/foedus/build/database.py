"""The database file of a build: written atomically, opened under a memory limit, cached.

:func:`atomic` has a temporary file beside the target written, closes and syncs it, then renames
it onto the target: a failed or killed build leaves the previous file intact, and concurrent
builds each write their own temporary file (the last rename wins). :func:`cached_path` names
the one database kept per corpus content and set of build steps in the cache folder.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import re
import shutil
import struct
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foedus.build.schema import SCHEMA_VERSION, set_setting
from foedus.duck import duckdb

if TYPE_CHECKING:  # a reader of a built database needs no corpus
    from foedus.corpus.corpus import Corpus
from foedus.errors import DamagedDatabase, FoedusError, UserError
from foedus.paths import cache_dir, is_write_failure, temporary_twin, write_error


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale(out: Path, pattern: str | None = None) -> None:
    """Remove temporary files that killed builds of ``out`` left behind (of every file
    ``pattern`` matches in its folder, if given: ``<file>.<pid>.…tmp``)."""
    for leftover in out.parent.glob(
        f".{glob.escape(out.name)}.*.tmp*" if pattern is None else pattern
    ):
        try:
            pid = (
                int(leftover.name.split(".duckdb.", 1)[1].split(".")[0])
                if pattern
                else int(leftover.name[len(out.name) + 2 :].split(".")[0])
            )
            os.kill(pid, 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                if leftover.is_dir():  # DuckDB's spill folder, <file>.tmp
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()
        except (ValueError, OSError):
            continue


DEFAULT_MEMORY_LIMIT = 3 * 2**30
"""A build's DuckDB memory limit when ``$FOEDUS_MEMORY_LIMIT`` is not set (or half the RAM,
if that is less): DuckDB spills to disk beyond it. Its own default, 80 % of the RAM, let a
10^7-event build run out of memory (docs/performance.md)."""


def memory_limit() -> str:
    """The memory limit of a build's DuckDB connection: ``$FOEDUS_MEMORY_LIMIT`` (a DuckDB
    size such as ``3GB`` or ``512MiB``), else :data:`DEFAULT_MEMORY_LIMIT` or half the RAM."""
    env = os.environ.get("FOEDUS_MEMORY_LIMIT", "").strip()
    if env:
        if not re.fullmatch(r"\d+(\.\d+)?\s*([KMGT]i?B|B|bytes)", env, re.IGNORECASE):
            raise UserError(
                f"FOEDUS_MEMORY_LIMIT: {env!r} is not a memory size (e.g. 3GB, 512MB, 8GiB)"
            )
        return env
    limit = DEFAULT_MEMORY_LIMIT
    with contextlib.suppress(ValueError, OSError, AttributeError):
        limit = min(limit, os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2)
    return f"{max(limit // 2**20, 256)}MiB"


def spill_dir(path: str | Path) -> Path:
    """Where DuckDB spills what does not fit under :func:`memory_limit` while writing the
    database ``path``: the folder ``<path>.tmp`` beside it (in the cache folder, or beside
    ``-o``), removed with the temporary file when the build ends."""
    return Path(f"{path}.tmp")


#: DuckDB's log size at which it checkpoints by itself, for a connection that writes a
#: database (:func:`connect_rw`): beyond any build, so never (DuckDB's default is 16 MiB).
CHECKPOINT_THRESHOLD = "1000TB"

#: DuckDB optimisers a connection that writes a database (:func:`connect_rw`) runs without.
#: ``common_subplan`` looks for repeated parts of each statement to compute once; a build's
#: statements name their shared parts (``WITH … AS MATERIALIZED``), and the search cost the
#: planning of the 10^6 world's fluents step 0.12 s of its 0.41 s (docs/performance.md,
#: "Session 36").
DISABLED_OPTIMIZERS = "common_subplan"


def connect_rw(path: str | Path, *, vacuum: bool = True) -> duckdb.DuckDBPyConnection:
    """Open a database to write it, under :func:`memory_limit`, spilling to
    :func:`spill_dir`, without preserving the insertion order (a statement that needs an order
    says ORDER BY; DuckDB spills more freely without it), without DuckDB's own progress
    bar (a build shows its own, naming the stage: :mod:`foedus.cli.progress`; DuckDB's costs
    every statement a little, measured 5–8 % of a small statement's CPU, and a build of the
    bundled corpus runs some 650), and without DuckDB's automatic checkpoints: a build and an
    update end with one ``CHECKPOINT`` of their own. DuckDB checkpoints by itself whenever its
    log passes :data:`CHECKPOINT_THRESHOLD`, and such a checkpoint also compresses every
    temporary table the plan holds then, tables that are dropped moments later (the 10^6
    world's fluents step spent 0.45 s on it, docs/performance.md, "Session 32").

    ``vacuum=False`` (a new database: nothing in it was deleted): the final checkpoint does not
    rewrite the row groups that the build's inserts left part-full into fewer, fuller ones,
    DuckDB's vacuum (``max_vacuum_tasks``), which took most of the 10^6 world's checkpoint
    (0.15-0.18 s against 0.35-0.39 s, the same rows; docs/performance.md, "Session 33"). An
    update, which deletes rows, vacuums."""
    limit = memory_limit()
    con = duckdb.connect(
        str(path),
        config={
            "memory_limit": limit,
            "temp_directory": str(spill_dir(path)),
            "preserve_insertion_order": False,
            "checkpoint_threshold": CHECKPOINT_THRESHOLD,
            "disabled_optimizers": DISABLED_OPTIMIZERS,
            **({} if vacuum else {"max_vacuum_tasks": 0}),
        },
    )
    con.execute(set_setting("enable_progress_bar", False))  # a setting of the connection
    return con


class OutOfMemory(FoedusError):
    """DuckDB needed more memory than a build's limit allows and could not spill."""


def out_of_memory(
    e: duckdb.OutOfMemoryException, stage: str = "build", out: Path | None = None
) -> OutOfMemory:
    """The one line that says a build ran out of memory: in which stage (as the progress
    callback names it: ``table events``, ``step fluents``), under which limit, and what to do."""
    first = str(e).splitlines()[0] if str(e) else type(e).__name__
    where = out.parent if out is not None else "beside the output"
    limit = memory_limit()
    return OutOfMemory(
        f"out of memory in build stage '{stage}' under a limit of {limit}: {first}; set "
        f"FOEDUS_MEMORY_LIMIT above {limit} (DuckDB spills to disk beyond it) or free disk "
        f"space in {where}"
    )


def atomic(out: Path, fill: Callable[[Path], Any]) -> Any:
    """``fill(tmp)`` writes a database at a temporary path beside ``out``, which is then
    synced and renamed onto ``out``; on any failure the temporary file is removed, and a
    failure to write (a full disk: DuckDB's ``IOException``) is one line naming ``out``
    (:func:`foedus.paths.write_error`, exit 2)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_twin(out)
    try:
        result = fill(tmp)
        _fsync(tmp)
        os.replace(tmp, out)
        with contextlib.suppress(OSError):
            _fsync(out.parent)
        _remove_stale(out)
    except BaseException as e:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        shutil.rmtree(tmp.with_name(tmp.name + ".tmp"), ignore_errors=True)  # spilled
        if is_write_failure(e, [tmp, tmp.with_name(tmp.name + ".wal")]):
            raise write_error(out, e) from e  # a full disk: one line naming out, exit 2
        raise
    return result


def demand_setting() -> str | None:
    """``FOEDUS_DEMAND`` as a build reads it: ``"on"`` or ``"off"`` when set so, None for
    ``auto`` (the default: the corpus decides, :func:`foedus.build.binding.use_demand`)."""
    mode = os.environ.get("FOEDUS_DEMAND", "auto").strip().lower()
    if mode in ("on", "1", "true", "yes"):
        return "on"
    if mode in ("off", "0", "false", "no"):
        return "off"
    return None


def cached_path(corpus: Corpus, steps_key: str) -> Path:
    """The cache file for a corpus's content and a set of steps, and ``FOEDUS_DEMAND`` where
    it is set (``on`` or ``off``: a database built on demand is another database; with the
    setting out of the key, whichever was built first was answered from whatever it said)."""
    demand = demand_setting()
    material = f"{SCHEMA_VERSION}\0{steps_key}" + (f"\0demand={demand}" if demand else "")
    key = hashlib.sha256(material.encode()).hexdigest()[:12]
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in corpus.metadata.name)
    return cache_dir() / f"{safe}-{corpus.content_hash[:24]}-{key}.duckdb"


def latest_cached(path: Path) -> Path | None:
    """The most recently written (or used: :func:`touch`) cache file of the same corpus name
    and steps as ``path``, whose header is whole (:func:`intact`)."""
    name, key = path.name.rsplit("-", 2)[0], path.name.rsplit("-", 1)[1]
    found = []
    for p in path.parent.glob(f"{glob.escape(name)}-{'?' * 24}-{glob.escape(key)}"):
        with contextlib.suppress(OSError):
            if p != path and intact(p):
                found.append((p.stat().st_mtime_ns, p))
    return max(found)[1] if found else None


KEEP = 8
"""How many cached databases of one corpus name the cache keeps (the most recently written
or used, of any build steps): a corpus edited all day would otherwise leave one database per
version in the cache (tens of MB each). A version edited and then reverted within the last
:data:`KEEP` is answered from its database again."""


def prune_cached(path: Path, keep: int | None = None) -> None:
    """Remove the cache files of the same corpus name as ``path`` but the ``keep`` (default
    :data:`KEEP`) most recently written or used (``path`` itself always stays), and what
    killed builds of that name left. A process still reading a removed file keeps reading
    it (POSIX keeps an open file until it is closed)."""
    name = path.name.rsplit("-", 2)[0]
    found = []
    for p in path.parent.glob(f"{glob.escape(name)}-{'?' * 24}-{'?' * 12}.duckdb"):
        if p.name.rsplit("-", 2)[0] != name:  # a longer name sharing this prefix
            continue
        with contextlib.suppress(OSError):
            if p != path:
                found.append((p.stat().st_mtime_ns, p))
    keep = KEEP if keep is None else keep
    # what builds killed on the way to other versions left (one per version, as large as it)
    _remove_stale(path, f".{glob.escape(name)}-{'?' * 24}-{'?' * 12}.duckdb.*.tmp*")
    for _, old in sorted(found, reverse=True)[max(keep - 1, 0) :]:
        with contextlib.suppress(OSError):
            old.unlink()
        with contextlib.suppress(OSError):
            Path(f"{old}.wal").unlink()


def touch(path: Path) -> None:
    """Mark the cache file ``path`` as used now (its ``mtime``): the most recently used
    database is the one an edit most likely starts from (:func:`latest_cached`), and the last
    one :func:`prune_cached` removes. A cache folder that cannot be written is left as it is."""
    with contextlib.suppress(OSError):
        os.utime(path)


_HEADER = 4096
"""The size of each of the three headers at the start of a DuckDB file (the main header,
then two database headers, the one with the higher iteration being current)."""


def intact(path: Path) -> bool:
    """Whether the database file ``path`` has a DuckDB header and is as long as its current
    header says (its block count times the block size, after the headers): an emptied,
    overwritten or cut file in the cache is not (DuckDB refuses to open it, or fails reading
    the blocks past the end). A cheap check (the first 12 KiB are read), not a proof: a block
    damaged inside the file is found only when it is read. A header this code cannot read
    (another storage version) is given the benefit of the doubt."""
    try:
        with open(path, "rb") as f:
            head = f.read(3 * _HEADER)
            size = os.fstat(f.fileno()).st_size
    except OSError:
        return False
    if len(head) < 3 * _HEADER or head[8:12] != b"DUCK":
        return False
    headers = [struct.unpack_from("<8Q", head, at) for at in (_HEADER, 2 * _HEADER)]
    current = max(headers, key=lambda h: h[1])  # (checksum, iteration, meta, free, count, size..)
    count, block = current[4], current[5]
    if not (block & (block - 1) == 0 and 2**12 <= block <= 2**26 and count < 2**40):
        return True  # a header of another layout: not judged
    return size >= 3 * _HEADER + count * block


def drop_damaged(path: Path) -> None:
    """Remove the cache file ``path`` when it is there but not :func:`intact` (emptied, cut
    or overwritten): a cache file is made again, never read so."""
    if path.exists() and not intact(path):
        with contextlib.suppress(OSError):
            path.unlink()


class _Readers:
    """The read-only connections :func:`connect` opened to one file, and which file that was
    (its device and inode when the first of them was opened: DuckDB shares one open instance
    of a path among a process's connections, so they all read that file)."""

    def __init__(self) -> None:
        self.identity: tuple[int, int] | None = None
        self.cons: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()


_READERS: dict[str, _Readers] = {}
_READERS_LOCK = threading.Lock()


def _identity(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def connect(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open a built database read-only (remembered, with the file it is, so that a file found
    damaged when a query reads it can be closed and removed: :func:`recover`)."""
    where = str(path)
    with _READERS_LOCK:
        readers = _READERS.pop(where, None) or _Readers()
        _READERS[where] = readers  # the most recently opened last
        if not readers.cons:
            readers.identity = _identity(where)
    con = duckdb.connect(where, read_only=True)
    readers.cons.add(con)
    return con


_DAMAGE = (
    "Corrupt database file",  # a block whose checksum does not match its bytes
    "not a valid DuckDB database file",
    "Could not read enough bytes from file",  # a file cut short under an open database
    "Could not read from file",  # the disk failed to read it (EIO)
    "appears to be corrupted",  # a string dictionary pointing out of its block
)
"""What DuckDB says when the bytes of a database file are damaged: its
``single_file_block_manager.cpp`` checks the checksum of every block it reads, the headers
included, and throws ``IOException: Corrupt database file: computed checksum C does not match
stored checksum S in block at location N``; damage its checksum misses can still be caught
later (``Failed to scan dictionary string - offset out of range. Database file appears to be
corrupted.``, wrapped in an ``InvalidInputException`` by the Python client; a
``SerializationException`` reading the stored catalog: ``Failed to deserialize``)."""

_BLOCK = re.compile(r"stored checksum (\d+) in block at location (\d+)")


def damage(e: BaseException) -> str | None:
    """What is damaged, in a few words, when ``e`` is DuckDB's report of a damaged database
    file (a block whose checksum fails, a file that is not or no longer a database); None
    for any other error."""
    if not isinstance(e, duckdb.Error):
        return None
    text = str(e).strip()
    damaged = any(sign in text for sign in _DAMAGE) or (
        isinstance(e, duckdb.SerializationException) and "Failed to deserialize" in text
    )
    if not damaged:
        return None
    block = _BLOCK.search(text)
    if block:
        return f"the block at byte {block.group(2)} fails its checksum"
    last = text.splitlines()[-1] if text else type(e).__name__
    return last.removeprefix("Error: ").removeprefix("IO Error: ")


def _damaged_file(e: BaseException) -> str | None:
    """Which file :func:`connect` opened ``e`` is about: the one it names, else the only one,
    else the one whose bytes at the failing block's location are the stored checksum DuckDB
    read there (else the most recently opened)."""
    text = str(e)
    with _READERS_LOCK:
        opened = list(_READERS)
    named = [p for p in opened if f'"{p}"' in text]
    if named or len(opened) <= 1:
        found = named or opened
        return found[-1] if found else None
    block = _BLOCK.search(text)
    if block:
        stored, at = int(block.group(1)), int(block.group(2))
        for p in reversed(opened):
            with contextlib.suppress(OSError), open(p, "rb") as f:
                f.seek(at)
                if f.read(8) == stored.to_bytes(8, "little"):
                    return p
    return opened[-1]


class Recovered:
    """A damaged database file removed by :func:`recover` (or already replaced), to be built
    again: ``path`` and ``why`` (:func:`damage`)."""

    def __init__(self, path: Path, why: str) -> None:
        self.path = path
        self.why = why

    def notice(self) -> str:
        """The one line on stderr that says so."""
        return f"foedus: {self.path}: the database was damaged ({self.why}); building it again"

    def again(self, e: BaseException) -> DamagedDatabase:
        """The error when the database built again is found damaged too (``e``)."""
        return DamagedDatabase(
            self.path,
            f"the database is damaged again after it was built anew ({damage(e) or e}); "
            "the disk may be failing: remove the file, check the disk and run the command again",
        )


def recover(e: BaseException) -> Recovered | None:
    """When ``e`` is DuckDB's report of a damaged database file (:func:`damage`) that
    :func:`connect` opened: close every connection to it, and remove it when it is a cache file
    (in :func:`foedus.paths.cache_dir`) still the file they opened (another process may have
    built it again already), so that the next use builds it again; None for any other error.

    Raises :class:`~foedus.errors.DamagedDatabase` (one line naming the file and what to do)
    when the file is not a cache file (it is the user's: built with ``-o``) or cannot be
    removed (a read-only cache). A query that never reads the damaged block answers; DuckDB
    checks every block it reads, so none answers from damaged bytes."""
    why = damage(e)
    where = _damaged_file(e) if why is not None else None
    if why is None or where is None:
        return None
    with _READERS_LOCK:
        readers = _READERS.pop(where, None) or _Readers()
        cons = list(readers.cons)
    for con in cons:  # DuckDB frees the open instance when its last connection closes
        with contextlib.suppress(duckdb.Error):
            con.close()
    path = Path(where)
    try:
        inside = path.resolve().parent == cache_dir().resolve()
    except OSError:
        inside = False
    if not inside:
        raise DamagedDatabase(
            path, f"the database is damaged ({why}); build it again (foedus build -o {path})"
        )
    current = _identity(path)
    if current is not None and current == readers.identity:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as err:
            raise DamagedDatabase(
                path,
                f"the cached database is damaged ({why}) and cannot be removed "
                f"({err.strerror or err}); remove it or set FOEDUS_CACHE_DIR to a folder you "
                "can write, then run the command again",
            ) from None
        with contextlib.suppress(OSError):
            Path(f"{path}.wal").unlink()
    return Recovered(path, why)
