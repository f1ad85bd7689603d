"""A plan's statements run side by side on two DuckDB connections, in a large build.

A large build's plan (:func:`foedus.backends.duckdb.small_run` says which) runs a few hundred
statements, and DuckDB runs each on every thread; but much of a statement is one thread's
work (planning it, the last of a hash table's build, a commit), and a through-time cycle is
hundreds of small statements in a row. Statements that read nothing another one writes run
at the same time on two connections, each on the cores the other leaves: the 10^6 world's
``part_of`` and ``joined`` cycles, and every fluent that does not follow from
``controlled_by``, run beside the ``controlled_by`` cycle (docs/performance.md, "Session 37").

DuckDB's temporary tables belong to one connection, so in such a run the plan's intermediate
tables live in an in-memory database attached for the run (:data:`SCRATCH`,
:func:`scratch_catalog`), which every connection of the database sees; each connection
looks names up in the database's own schema, then in it.

What may run when follows from the statements' text alone (:func:`units`): the tables each
writes (the one it creates, drops, renames, deletes from or inserts into) and every name it
mentions. A statement runs after every earlier one that writes a name it mentions or mentions
a name it writes (two appends to one table do not wait for each other); a statement of any
other kind waits for every earlier one, and every later one waits for it. A
:class:`~foedus.backends.base.Loop` is one unit, as is a transaction (``BEGIN`` to
``COMMIT``). What reads a temporary table of the calling connection (the build's
``happenings``) runs on that connection. The database is the same as run in order
(tests/backends/test_side.py).
"""

from __future__ import annotations

import copy
import re
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from foedus.backends.base import Backend, Loop

if TYPE_CHECKING:
    from foedus.backends.duckdb import DuckDBBackend
    from foedus.duck import duckdb

SCRATCH = "_foedus_scratch"
"""The in-memory database a side-by-side run's intermediate tables are made in."""


def scratch_table(name: str) -> exp.Table:
    """The table ``name`` of :data:`SCRATCH`, which every connection of the run sees."""
    return exp.table_(name, db="main", catalog=SCRATCH, quoted=True)


_BEGIN = "BEGIN TRANSACTION"
_COMMIT = "COMMIT"
_NAME = re.compile(r'"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)')
_QUALIFIED = (
    r'((?:(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\.)*(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))'
)
#: the statements that write one table, named after their first words
_WRITES = re.compile(
    r"\s*(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+|TEMPORARY\s+)?TABLE(?:\s+IF\s+NOT\s+EXISTS)?"
    r"|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|DELETE\s+FROM|INSERT\s+INTO|ALTER\s+TABLE)\s+" + _QUALIFIED,
    re.IGNORECASE,
)
_SWITCH = 0.0005
"""Python's thread switch interval while a run's script is rendered beside its statements
(the default 5 ms is how long a worker back from DuckDB may wait for the interpreter)."""
_RENAME = re.compile(r"\s+RENAME\s+TO\s+" + _QUALIFIED, re.IGNORECASE)
_READS_ONLY = re.compile(r"\s*(?:SELECT|WITH|\()", re.IGNORECASE)


@dataclass
class Unit:
    """What one connection runs at once: a statement, a :class:`Loop` or a transaction."""

    ops: list[Any]
    mentions: set[str] = field(default_factory=set)
    """Every name its text mentions (tables and anything else: more is only safer)."""
    writes: set[str] = field(default_factory=set)
    appends: set[str] = field(default_factory=set)
    """Tables it adds rows to: two appends to one table may run in either order."""
    barrier: bool = False
    """A statement whose effect is not one table's: runs after and before every other."""


def names(sql: str) -> set[str]:
    """Every identifier in ``sql``, in lower case (DuckDB matches a name in any case, quoted
    or not)."""
    return {(q.replace('""', '"') if q else w).lower() for q, w in _NAME.findall(sql)}


def _table(qualified: str) -> str:
    """The table's own name in a qualified name (not its schema's or database's)."""
    q, w = _NAME.findall(qualified)[-1]
    return (q.replace('""', '"') if q else w).lower()


def _statements(sql: str) -> list[str]:
    """``sql`` split at the ``;`` between statements (not inside a quoted name or string)."""
    parts, start, quote = [], 0, ""
    for i, ch in enumerate(sql):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == ";":
            parts.append(sql[start:i])
            start = i + 1
    parts.append(sql[start:])
    return [p for p in parts if p.strip()]


def _describe(unit: Unit, sql: str) -> None:
    for stmt in _statements(sql):
        head = _WRITES.match(stmt)
        unit.mentions |= names(stmt if head is None else stmt[head.end() :])
        if head is not None and stmt.lstrip()[:6].upper() == "INSERT":
            unit.appends.add(_table(head.group(1)))
        elif head is not None:
            unit.writes.add(_table(head.group(1)))
            if stmt.lstrip()[:5].upper() == "ALTER":  # a rename writes both names, any other
                # ALTER waits for every statement and every statement for it
                rename = _RENAME.match(stmt, head.end())
                if rename is None:
                    unit.barrier = True
                else:
                    unit.writes.add(_table(rename.group(1)))
        elif _READS_ONLY.match(stmt) is None and stmt.strip().upper() not in (_BEGIN, _COMMIT):
            unit.barrier = True


def units(script: Iterable[Any]) -> Iterator[Unit]:
    """``script``'s steps grouped into what runs at once, each with what it touches (as the
    steps come: a script may be made while it runs)."""
    ops: list[Any] = []
    for op in script:
        ops.append(op)
        if ops[0] == _BEGIN and op != _COMMIT:
            continue  # a transaction is one unit
        unit = Unit(ops)
        for o in ops:
            if isinstance(o, Loop):
                for sql in (*o.body, o.changed, *o.swap):
                    _describe(unit, sql)
            elif isinstance(o, str):
                _describe(unit, o)
            else:
                unit.barrier = True
        yield unit
        ops = []
    if ops:
        raise ValueError(f"a script's transaction has no {_COMMIT}")


def waits_for(plan: Sequence[Unit], u: Unit) -> list[int]:
    """The units of ``plan`` (the earlier ones) that ``u`` must wait for."""
    touches = u.writes | u.appends
    return [
        a
        for a, e in enumerate(plan)
        if u.barrier
        or e.barrier
        or (e.writes | e.appends) & (u.mentions | u.writes)
        or e.writes & u.appends
        or touches & e.mentions
    ]


def _temporary(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names of ``con``'s temporary tables and views (no other connection sees them)."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary "
        "UNION ALL SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal"
    ).fetchall()
    return {n for (n,) in rows}


class _Run:
    """One side-by-side run's shared state (every field under :attr:`cond`)."""

    def __init__(self, local: set[str], merge: str | None) -> None:
        self.cond = threading.Condition()
        self.local = local
        self.merge = merge
        self.plan: list[Unit] = []
        self.home: list[bool] = []  # must run on the calling connection
        self.pending: list[int] = []  # how many of its units to wait for have not run
        self.then: list[list[int]] = []  # the units that wait for each
        self.finished: list[bool] = []
        self.ready: list[int] = []
        self.made = False  # every unit of the script is in the plan
        self.running = 0  # units being run that are not appends
        self.errors: list[BaseException] = []

    def add(self, unit: Unit) -> None:
        with self.cond:
            b = len(self.plan)
            waits = [a for a in waits_for(self.plan, unit) if not self.finished[a]]
            for a in waits:
                self.then[a].append(b)
            self.plan.append(unit)
            self.home.append(bool(unit.mentions & self.local))
            self.pending.append(len(waits))
            self.then.append([])
            self.finished.append(False)
            if not waits:
                self.ready.append(b)
            self.cond.notify_all()

    def fail(self, e: BaseException) -> None:
        with self.cond:
            self.errors.append(e)
            self.cond.notify_all()

    def make(self, script: Iterable[Any]) -> None:
        """Add every unit of ``script`` (a thread of its own: it renders while units run)."""
        try:
            for unit in units(script):
                if self.errors:
                    return
                self.add(unit)
        except BaseException as e:
            self.fail(e)
        finally:
            with self.cond:
                self.made = True
                self.cond.notify_all()

    def work(self, k: int, runner: DuckDBBackend) -> None:
        """Run units on ``runner``'s connection (worker ``k``; 0 is the calling one) until
        every one has run or one has failed."""
        while True:
            with self.cond:
                while True:
                    if self.errors or (self.made and all(self.finished)):
                        return
                    taken = self._next(k)
                    if taken:
                        break
                    self.cond.wait()
                for v in taken:
                    self.ready.remove(v)
                appending = self._appends(taken[0])
                self.running += not appending
            try:
                Backend.play(runner, self._ops(taken))  # in order, on this connection
            except BaseException as e:
                self.fail(e)
                return
            with self.cond:
                self.running -= not appending
                for u in taken:
                    self.finished[u] = True
                    for v in self.then[u]:
                        self.pending[v] -= 1
                        if not self.pending[v]:
                            self.ready.append(v)
                self.cond.notify_all()

    def _next(self, k: int) -> list[int]:
        """What worker ``k`` runs next: the earliest unit that can run; appends (to the table
        :attr:`merge` names) only when nothing else can run or is running, every one ready
        then, as one. The rows then go in as few appends as can be, each written on every
        thread, and not beside the statements that make the next ones (at 10^6 events one
        append, at the end: the fluents step about 0.1 s shorter than with an append each
        time one was ready, and the checkpoint 0.05 s, with fewer part-full row groups)."""
        mine = [u for u in self.ready if k == 0 or not self.home[u]]
        others = [u for u in mine if not self._appends(u)]
        if others:
            return [min(others)]
        return [] if self.running else mine

    def _appends(self, u: int) -> bool:
        """Whether unit ``u`` is one statement that starts with :attr:`merge`."""
        ops = self.plan[u].ops
        return bool(self.merge) and len(ops) == 1 and str(ops[0]).startswith(str(self.merge))

    def _ops(self, taken: list[int]) -> list[Any]:
        """What runs the units ``taken``: their steps; appends to one table, as one append
        of the union of their rows (one commit, written on every thread)."""
        if len(taken) == 1:
            return self.plan[taken[0]].ops
        assert self.merge is not None
        rows = (str(self.plan[u].ops[0])[len(self.merge) :] for u in taken)
        return [self.merge + " UNION ALL ".join(f"SELECT * FROM ({q})" for q in rows)]


def play(
    backend: DuckDBBackend, script: Iterable[Any], workers: int, merge: str | None = None
) -> None:
    """Run ``script`` on ``backend``'s connection and ``workers - 1`` more of its database,
    each unit once every unit it waits for has run, the earliest that can run first. The
    calling thread is the first worker; the script is taken (a generator: rendered) on a
    thread of its own meanwhile. The first error stops the run (the other connections'
    statements interrupted) and is raised."""
    run = _Run(_temporary(backend.con), merge)
    search_path = _search_path(backend.con)
    threads: list[threading.Thread] = []
    cons: list[duckdb.DuckDBPyConnection] = []
    _switching(+1)  # a worker back from DuckDB waits less for the renderer
    try:
        threads.append(threading.Thread(target=run.make, args=(script,), name="foedus-script"))
        threads[0].start()
        for k in range(1, workers):
            con = backend.con.cursor()
            cons.append(con)
            con.execute(search_path)
            con.execute("SET enable_progress_bar = false")  # as the build's own connection
            runner = copy.copy(backend)
            runner.con = con
            threads.append(
                threading.Thread(target=run.work, args=(k, runner), name=f"foedus-side-{k}")
            )
            threads[-1].start()
        run.work(0, backend)
    except BaseException as e:
        run.fail(e)
    finally:
        if run.errors:
            for con in cons:
                con.interrupt()
        for thread in threads:
            thread.join()
        for con in cons:
            con.close()
        _switching(-1)
    if run.errors:
        raise run.errors[0]


_SWITCHING = threading.Lock()
_switched: list[float] = []  # the interval before the runs now on began, once per run


def _switching(step: int) -> None:
    """Python's switch interval :data:`_SWITCH` while any run is on (two builds in one
    process, the server's, may overlap; ``step`` +1 as one starts, -1 as it ends), and back
    to what it was before the first when the last ends."""
    with _SWITCHING:
        if step > 0:
            _switched.append(sys.getswitchinterval() if not _switched else _switched[0])
            sys.setswitchinterval(_SWITCH)
        else:
            before = _switched.pop()
            if not _switched:
                sys.setswitchinterval(before)


def _search_path(con: duckdb.DuckDBPyConnection) -> str:
    """The statement that makes a connection look names up in ``con``'s database, then in
    :data:`SCRATCH`."""
    ((db,),) = con.execute("SELECT current_database()").fetchall()
    path = ",".join('"' + d.replace('"', '""') + '".main' for d in (db, SCRATCH))
    return "SET search_path = '" + path.replace("'", "''") + "'"


@contextmanager
def scratch_catalog(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """While the block runs, :data:`SCRATCH` is attached (in memory) and ``con`` looks names
    up in its database's own schema, then in it; after, it is detached (its tables freed)
    and the search path reset."""
    con.execute(f"ATTACH ':memory:' AS {SCRATCH}")
    try:
        con.execute(_search_path(con))
        yield
    finally:
        con.execute("RESET search_path")
        con.execute(f"DETACH {SCRATCH}")
