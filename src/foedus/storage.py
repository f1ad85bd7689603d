"""Write a corpus into a DuckDB database, atomically, and cache built databases.

:func:`build_database` writes every table to a temporary file beside the target, closes and
syncs it, then renames it onto the target: a failed or killed build leaves the previous file
intact, and concurrent builds each write their own temporary file (the last rename wins).
Extra *steps* (``step(con, corpus)``) run after the corpus tables are written; the engine adds
its fluent and breach tables through this hook. :func:`ensure_built` keeps one database per
corpus content and set of steps in a cache folder. A corpus that differs from an earlier,
already built version only by added events is updated incrementally from a copy of that
build (:func:`build` with ``previous``; :mod:`foedus.incremental`).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

from foedus.corpus.load import Corpus
from foedus.errors import FoedusError, UserError
from foedus.model import FuzzyDate
from foedus.paths import check_output

Step = Callable[[duckdb.DuckDBPyConnection, Corpus], None]
Progress = Callable[[str], None]

SCHEMA_VERSION = "1"


def _date(name: str) -> str:
    return f"{name}_earliest DATE, {name}_latest DATE, {name}_text VARCHAR"


TABLES: dict[str, str] = {
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
    "actors": "id VARCHAR PRIMARY KEY, name VARCHAR, kind VARCHAR, predecessor VARCHAR, "
    f"successor VARCHAR, part_of VARCHAR, {_date('existed_from')}, "
    f"{_date('existed_to')}, notes VARCHAR",
    "aliases": "alias_lower VARCHAR, actor_id VARCHAR",
    "instruments": "id VARCHAR PRIMARY KEY, name VARCHAR, kind VARCHAR, "
    f"{_date('signed')}, {_date('in_force')}, {_date('ended')}, amends VARCHAR, "
    "notes VARCHAR, hypothetical BOOLEAN",
    "instrument_aliases": "alias_lower VARCHAR, instrument_id VARCHAR",
    "parties": "instrument_id VARCHAR, seq INTEGER, actor_id VARCHAR, how VARCHAR, "
    f"{_date('date')}, {_date('until')}, via VARCHAR, notes VARCHAR",
    "clauses": "instrument_id VARCHAR, clause_id VARCHAR, seq INTEGER, article VARCHAR, "
    "text VARCHAR, source_id VARCHAR, notes VARCHAR",
    "norms": "instrument_id VARCHAR, clause_id VARCHAR, kind VARCHAR, bearers VARCHAR[], "
    "beneficiaries VARCHAR[], description VARCHAR",
    "norm_categories": "instrument_id VARCHAR, clause_id VARCHAR, category_id VARCHAR",
    "events": "id VARCHAR PRIMARY KEY, type VARCHAR, "
    f"{_date('date')}, instrument_id VARCHAR, mode VARCHAR, summary VARCHAR, "
    "justification VARCHAR, notes VARCHAR, hypothetical BOOLEAN",
    "event_actors": "event_id VARCHAR, seq INTEGER, actor_id VARCHAR",
    "event_targets": "event_id VARCHAR, seq INTEGER, actor_id VARCHAR",
    "sources": "id VARCHAR PRIMARY KEY, text VARCHAR",
    "quotes": "owner_kind VARCHAR, owner_id VARCHAR, part VARCHAR, seq INTEGER, "
    "source_id VARCHAR, quote VARCHAR",
    "categories": "id VARCHAR PRIMARY KEY, name VARCHAR, notes VARCHAR",
    "category_event_types": "category_id VARCHAR, event_type VARCHAR",
    "perspectives": "id VARCHAR PRIMARY KEY, name VARCHAR, description VARCHAR, "
    "rules VARCHAR[], replaces VARCHAR[]",
}
"""Every table of the corpus database and its columns (docs/corpus-format.md)."""


def _d(d: FuzzyDate | None) -> tuple[Any, Any, Any]:
    return (d.earliest, d.latest, d.text) if d else (None, None, None)


def _rows(corpus: Corpus) -> dict[str, list[tuple[Any, ...]]]:
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}

    def quotes(kind: str, owner: str, part: str | None, qs: Iterable[Any]) -> None:
        for k, q in enumerate(qs):
            rows["quotes"].append((kind, owner, part, k, corpus.source_of(q.source), q.quote))

    for a in corpus.actors:
        rows["actors"].append(
            (
                a.id,
                a.name,
                a.kind,
                a.predecessor,
                a.successor,
                a.part_of,
                *_d(a.existed_from),
                *_d(a.existed_to),
                a.notes,
            )
        )
        names = dict.fromkeys(n.lower() for n in a.names())
        rows["aliases"] += [(n, a.id) for n in names]
        quotes("actor", a.id, None, a.sources)
    for i in corpus.instruments:
        rows["instruments"].append(
            (
                i.id,
                i.name,
                i.kind,
                *_d(i.signed),
                *_d(i.in_force),
                *_d(i.ended),
                i.amends,
                i.notes,
                i.hypothetical,
            )
        )
        names = dict.fromkeys(n.lower() for n in (i.id, i.name, *i.aliases))
        rows["instrument_aliases"] += [(n, i.id) for n in names]
        for k, p in enumerate(i.parties):
            rows["parties"].append(
                (i.id, k, p.actor, p.how, *_d(p.date), *_d(p.until), p.via, p.notes)
            )
            quotes("party", i.id, str(k), p.sources)
        for k, c in enumerate(i.clauses):
            rows["clauses"].append(
                (i.id, c.id, k, c.article, c.text, corpus.source_of(c.source), c.notes)
            )
            rows["quotes"].append(("clause", i.id, c.id, 0, corpus.source_of(c.source), c.text))
            if c.norm is not None:
                n = c.norm
                rows["norms"].append(
                    (i.id, c.id, n.kind, n.bearers, n.beneficiaries, n.description)
                )
                rows["norm_categories"] += [(i.id, c.id, cat) for cat in n.categories]
        quotes("instrument", i.id, None, i.sources)
    for e in corpus.events:
        rows["events"].append(
            (
                e.id,
                e.type,
                *_d(e.date),
                e.instrument,
                e.mode,
                e.summary,
                e.justification,
                e.notes,
                e.hypothetical,
            )
        )
        rows["event_actors"] += [(e.id, k, a) for k, a in enumerate(e.actors)]
        rows["event_targets"] += [(e.id, k, a) for k, a in enumerate(e.targets)]
        quotes("event", e.id, None, e.sources)
    for cat in corpus.categories:
        rows["categories"].append((cat.id, cat.name, cat.notes))
        rows["category_event_types"] += [(cat.id, t) for t in cat.event_types]
        quotes("category", cat.id, None, cat.sources)
    for view in corpus.perspectives:
        rows["perspectives"].append(
            (view.id, view.name, view.description, view.rules, view.replaces)
        )
        quotes("perspective", view.id, None, view.sources)
    rows["sources"] = sorted(corpus.sources.items())
    rows["meta"] = [
        ("corpus", corpus.metadata.name),
        ("content_hash", corpus.content_hash),
        ("schema_version", SCHEMA_VERSION),
    ]
    return rows


def _parquet_inserts(corpus: Corpus) -> dict[str, list[str]]:
    """``INSERT`` statements that fill the corpus tables from a Parquet corpus's tables, in
    SQL (no per-record Python); the layout is :mod:`foedus.corpus.parquet`'s."""
    from foedus.corpus.parquet import scan

    t = corpus.tables
    default = "NULL" if corpus.default_source is None else f"'{corpus.default_source}'"
    src = f"coalesce(source, {default})"
    out: dict[str, list[str]] = {name: [] for name in TABLES}

    def dates(*names: str) -> str:
        return ", ".join(f"{n}_earliest, {n}_latest, {n}_text" for n in names)

    if "instruments" in t:
        ins = scan(t["instruments"])
        out["instruments"].append(
            f"INSERT INTO instruments SELECT id, name, kind, {dates('signed', 'in_force', 'ended')}"
            f", NULL, NULL, false FROM {ins}"
        )
        out["instrument_aliases"].append(
            f"INSERT INTO instrument_aliases SELECT DISTINCT lower(n), id FROM "
            f"(SELECT id, unnest([id, name]) AS n FROM {ins})"
        )
        out["quotes"].append(
            f"INSERT INTO quotes SELECT 'instrument', id, NULL, 0, {src}, quote FROM {ins} "
            "WHERE quote IS NOT NULL"
        )
    if "parties" in t:
        out["parties"].append(
            f"INSERT INTO parties SELECT instrument_id, seq, actor, how, {dates('date', 'until')}"
            f", via, NULL FROM {scan(t['parties'])}"
        )
    if "clauses" in t:
        cl = scan(t["clauses"])
        out["clauses"].append(
            f"INSERT INTO clauses SELECT instrument_id, clause_id, seq, article, text, {src}, "
            f"NULL FROM {cl}"
        )
        out["quotes"].append(
            f"INSERT INTO quotes SELECT 'clause', instrument_id, clause_id, 0, {src}, text "
            f"FROM {cl}"
        )
        out["norms"].append(
            f"INSERT INTO norms SELECT instrument_id, clause_id, norm_kind, bearers, "
            f"beneficiaries, NULL FROM {cl} WHERE norm_kind IS NOT NULL"
        )
        out["norm_categories"].append(
            f"INSERT INTO norm_categories SELECT instrument_id, clause_id, "
            f"unnest(norm_categories) FROM {cl} WHERE norm_kind IS NOT NULL"
        )
    if "events" in t:
        ev = scan(t["events"])
        if restated := sorted({e.id for e in corpus.added.get("events", [])}):
            # an overlay's events replace the table's of the same id (docs/decisions/0005)
            ids = ", ".join(exp.Literal.string(i).sql("duckdb") for i in restated)
            ev = f"(SELECT * FROM {ev} WHERE id NOT IN ({ids}))"
        out["events"].append(
            f"INSERT INTO events SELECT id, type, {dates('date')}, NULL, mode, summary, "
            f"justification, NULL, false FROM {ev}"
        )
        for role in ("actors", "targets"):
            out[f"event_{role}"].append(
                f"INSERT INTO event_{role} SELECT id, CAST(generate_subscripts({role}, 1) - 1 "
                f"AS INTEGER), unnest({role}) FROM {ev}"
            )
        out["quotes"].append(
            f"INSERT INTO quotes SELECT 'event', id, NULL, 0, {src}, quote FROM {ev} "
            "WHERE quote IS NOT NULL"
        )
    return out


def write_tables(
    con: duckdb.DuckDBPyConnection, corpus: Corpus, progress: Progress | None = None
) -> None:
    """Create and fill every corpus table in an open database.

    The tables of a Parquet corpus (``corpus.tables``) are read straight from the files.
    """
    fast: dict[str, list[str]] = {}
    if corpus.tables:
        fast = _parquet_inserts(corpus)
        corpus = corpus.untabled()  # the tables' records are not made; an overlay's are
    rows = _rows(corpus)
    con.execute("BEGIN TRANSACTION")
    for name, columns in TABLES.items():
        if progress:
            progress(f"table {name}")
        con.execute(f"CREATE TABLE {name} ({columns})")
        if rows[name]:  # one INSERT of literal rows: much faster than binding each row
            con.execute(exp.insert(exp.values(rows[name]), name).sql("duckdb"))
        for sql in fast.get(name, []):
            con.execute(sql)
    con.execute("COMMIT")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale(out: Path) -> None:
    """Remove temporary files that killed builds of ``out`` left behind."""
    for leftover in out.parent.glob(f".{out.name}.*.tmp*"):
        try:
            pid = int(leftover.name[len(out.name) + 2 :].split(".")[0])
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


def connect_rw(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open a database to write it, under :func:`memory_limit`, without preserving the
    insertion order (a statement that needs an order says ORDER BY; DuckDB spills more
    freely without it)."""
    limit = memory_limit()
    con = duckdb.connect(str(path))
    con.execute(f"SET memory_limit = '{limit}'")
    con.execute("SET preserve_insertion_order = false")
    return con


class OutOfMemory(FoedusError):
    """DuckDB needed more memory than a build's limit allows and could not spill."""


def _out_of_memory(e: duckdb.OutOfMemoryException) -> OutOfMemory:
    first = str(e).splitlines()[0] if str(e) else type(e).__name__
    return OutOfMemory(
        f"out of memory while building under a limit of {memory_limit()}: "
        f"{first}; set FOEDUS_MEMORY_LIMIT to another size (e.g. 2GB: DuckDB "
        "spills to disk beyond it) or free disk space beside the output"
    )


def _atomic(out: Path, fill: Callable[[Path], Any]) -> Any:
    """``fill(tmp)`` writes a database at a temporary path beside ``out``, which is then
    synced and renamed onto ``out``; on any failure the temporary file is removed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        result = fill(tmp)
        _fsync(tmp)
        os.replace(tmp, out)
        with contextlib.suppress(OSError):
            _fsync(out.parent)
        _remove_stale(out)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        shutil.rmtree(tmp.with_name(tmp.name + ".tmp"), ignore_errors=True)  # spilled
        raise
    return result


@dataclass
class BuildResult:
    """What :func:`build` did: a full build, or an incremental update of ``previous``."""

    path: Path
    update: Any = None
    """The :class:`foedus.incremental.UpdateReport` of an incremental update, else None."""
    full_reason: str | None = None
    """Why a ``previous`` database was not updated incrementally (None: no previous one)."""


def build(
    corpus: Corpus,
    out_path: str | Path,
    steps: Sequence[Step] = (),
    progress: Progress | None = None,
    previous: str | Path | None = None,
) -> BuildResult:
    """Write ``corpus`` and what ``steps`` add to a DuckDB file at ``out_path``, atomically.

    With ``previous``, a database built with the same steps from an earlier version of the
    same corpus (it may be ``out_path`` itself): when the corpus differs from that version
    only by added events, the database is made from a copy of ``previous`` by recomputing
    only what the new events can change (:mod:`foedus.incremental`, docs/incremental.md);
    otherwise it is built from scratch. Either way the result is the same, row for row.
    """
    out = check_output(out_path, corpus_root=corpus.path)
    reason = None
    if previous is not None:
        from foedus import incremental

        try:
            prepared = incremental.prepare(Path(previous), corpus, steps, progress)
        except incremental.NotIncremental as e:
            reason = str(e)
            if progress:
                progress(f"full build: {reason}")
        else:
            try:
                report = _atomic(out, lambda tmp: incremental.apply(prepared, tmp, progress))
            except duckdb.OutOfMemoryException as e:
                raise _out_of_memory(e) from e
            return BuildResult(out, report)
    try:
        _atomic(out, lambda tmp: _fill(tmp, corpus, steps, progress))
    except duckdb.OutOfMemoryException as e:
        raise _out_of_memory(e) from e
    return BuildResult(out, None, reason)


def _fill(tmp: Path, corpus: Corpus, steps: Sequence[Step], progress: Progress | None) -> None:
    con = connect_rw(tmp)
    try:
        write_tables(con, corpus, progress)
        for step in steps:
            if progress:
                progress(f"step {getattr(step, '__name__', 'step')}")
            step(con, corpus)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def build_database(
    corpus: Corpus,
    out_path: str | Path,
    steps: Sequence[Step] = (),
    progress: Progress | None = None,
    previous: str | Path | None = None,
) -> Path:
    """Write ``corpus`` and what ``steps`` add to a DuckDB file at ``out_path``, atomically
    (incrementally from ``previous`` where possible: see :func:`build`)."""
    return build(corpus, out_path, steps, progress, previous).path


def cache_dir() -> Path:
    """Where built databases are kept: ``$FOEDUS_CACHE_DIR``, else ``~/.cache/foedus``."""
    env = os.environ.get("FOEDUS_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "foedus"


def cached_path(corpus: Corpus, steps_key: str) -> Path:
    """The cache file for a corpus's content and a set of steps."""
    key = hashlib.sha256(f"{SCHEMA_VERSION}\0{steps_key}".encode()).hexdigest()[:12]
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in corpus.metadata.name)
    return cache_dir() / f"{safe}-{corpus.content_hash[:24]}-{key}.duckdb"


def ensure_built(
    corpus: Corpus,
    steps_key: str = "",
    steps: Sequence[Step] = (),
    progress: Progress | None = None,
) -> Path:
    """The cached database of ``corpus`` built with ``steps``, building it on first use.

    A first use starts from the most recent cached database of the same corpus name and steps
    when the corpus differs from that one only by added events (:func:`build`).
    """
    path = cached_path(corpus, steps_key)
    if not path.exists():
        build(corpus, path, steps, progress, previous=latest_cached(path) if steps else None)
    return path


def latest_cached(path: Path) -> Path | None:
    """The most recently written cache file of the same corpus name and steps as ``path``."""
    name, key = path.name.rsplit("-", 2)[0], path.name.rsplit("-", 1)[1]
    found = []
    for p in path.parent.glob(f"{glob.escape(name)}-{'?' * 24}-{glob.escape(key)}"):
        with contextlib.suppress(OSError):
            if p != path:
                found.append((p.stat().st_mtime_ns, p))
    return max(found)[1] if found else None


def connect(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open a built database read-only."""
    return duckdb.connect(str(path), read_only=True)


_REGISTERED: dict[str, tuple[str, Step]] = {}


def register_step(name: str, step: Step, version: str = "1") -> None:
    """Add a build step that every :class:`~foedus.query.KnowledgeBase` database runs.

    The engine registers its fluent and breach tables here; ``version`` is part of the cache
    key, so bumping it rebuilds cached databases.
    """
    _REGISTERED[name] = (version, step)


def registered() -> list[tuple[str, Step]]:
    """The registered steps by name, in registration order."""
    return [(name, step) for name, (_, step) in _REGISTERED.items()]


def registered_steps() -> tuple[str, list[Step]]:
    """The cache key of the registered steps, and the steps in registration order."""
    key = ",".join(f"{name}@{version}" for name, (version, _) in _REGISTERED.items())
    return key, [step for _, step in _REGISTERED.values()]
