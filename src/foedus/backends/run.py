"""``foedus run``: rule files on a narrative, as an Event Calculus user runs RTEC.

``foedus run RULES... NARRATIVE [--facts FILE...] [-o OUT] [--format csv|parquet|jsonl]``
compiles the rules (:mod:`foedus.engine.compile`), lets DuckDB read the narrative, runs the
plan and lets DuckDB write the intervals: no Python object per event or per interval. A CSV
run on a small input (narrative and facts under :data:`PYTHON_BELOW` bytes) runs in plain
Python instead (:mod:`foedus.backends.run_small`: the reference interpreter), without
importing DuckDB, whose import alone costs more than RTEC's whole run; the same bytes, as
the tests check on every case (docs/decisions/0010-small-narratives.md).

Inputs:

- a narrative in RTEC's format, one event per line, ``event|arrival|time|arg...`` (the arrival
  column is ignored; a repeated line means the same as once); or a CSV file with the header
  ``event,time,args`` (``args`` joined by ``;``); or a Parquet file with the columns ``event``,
  ``time`` and ``args`` (a list of strings, or a string joined by ``;``);
- ``--facts``: domain facts, RTEC-style (``state(s1).``, one per line, ``%`` comments) or a CSV
  file with the header ``fact,args``. Facts of relations that the rules do not declare are
  ignored (RTEC's grounding facts, which foedus does not need).

Output (``-o``, else stdout): RTEC's interval CSV ``fluent,args,value,start,end`` (args joined
by ``;``, an open end ``inf``), sorted by fluent, args, value and start; or ``parquet`` /
``jsonl`` with ``args`` a list and an open ``end`` null.

The compiled plan (rendered DuckDB SQL) is cached under the cache dir
(``$FOEDUS_CACHE_DIR``, else ``~/.cache/foedus``, as :func:`foedus.build.cache_dir`) by a
hash of the rule files and of the engine's code, so a second run neither parses the rules nor
imports the compiler; the statements between two fixpoints run as one batch.

``foedus --help`` imports the whole CLI; the console script sends ``foedus run`` here first
(:func:`console`), so ``foedus run --help`` costs an interpreter start and ``argparse``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from foedus.backends import run_facts

__all__ = ["RunError", "main", "register", "run"]

FORMATS = ("csv", "parquet", "jsonl")
#: Narratives smaller than this (bytes) run on at most :data:`SMALL_THREADS` threads.
SMALL = 4_000_000
#: A small narrative's threads: two beat one even on 28 events (0.097 against 0.103 s) and
#: at 10^5 (0.40 against 0.45 s, docs/performance.md); more were not measured (a 2-core
#: machine), so a small run does not start a thread per core of a large one.
SMALL_THREADS = 2
#: A CSV run whose narrative and facts together are smaller than this (bytes) runs in plain
#: Python (:mod:`foedus.backends.run_small`), without importing DuckDB: below it the Python
#: evaluation costs less than ``import duckdb`` (docs/decisions/0010-small-narratives.md).
PYTHON_BELOW = 100_000
#: ``python`` or ``duckdb`` forces a path (the tests run every case through both); internal.
ENGINE_ENV = "FOEDUS_RUN_ENGINE"
#: Bumped when the cached plan's layout changes.
PLAN_VERSION = 4
_ENGINE_FILES = (
    "engine/compile.py",
    "engine/compile_event.py",
    "engine/compile_inertia.py",
    "engine/compile_sql.py",
    "engine/compile_static.py",
    "engine/compile_strata.py",
    "backends/base.py",
    "backends/duckdb.py",
    "rules/grammar.lark",
    "rules/parse.py",
    "rules/load.py",
    "rules/check.py",
    "rules/ast.py",
    "backends/run.py",
)


class RunError(Exception):
    """Bad input to ``foedus run``: one line each, ``file:line: message``; exit 2."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


def cache_dir() -> Path:
    """:func:`foedus.build.cache_dir`, without importing the storage layer (it costs a
    second of imports that ``foedus run`` does not need); tests/test_run.py checks they agree."""
    env = os.environ.get("FOEDUS_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "foedus"


# --- the plan, cached ------------------------------------------------------------------------


def rules_key(paths: list[Path]) -> str:
    """The cache key of a plan: the rule files (names and bytes) and the engine's code."""
    h = hashlib.sha256(f"foedus-run-plan {PLAN_VERSION}\0".encode())
    here = Path(__file__).parents[1]  # src/foedus: the engine's files are named from it
    for name in _ENGINE_FILES:
        h.update((here / name).read_bytes())
    for p in paths:
        try:
            data = Path(p).read_bytes()
        except OSError as e:
            raise RunError([f"{p}:1: cannot read rule file: {e.strerror}"]) from None
        h.update(f"\0{Path(p).name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()[:32]


def _store(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:  # a read-only cache dir costs only the compile
        pass


def load_plan(paths: list[Path], key: str | None = None) -> dict[str, Any]:
    """The runnable plan of the rule files: from the cache, else compiled and cached."""
    import json  # here: the plain-Python path of a small run reads no plan

    path = cache_dir() / "plans" / f"{key or rules_key(paths)}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    plan = compile_plan(paths)
    _store(path, json.dumps(plan).encode("utf-8"))
    return plan


def load_program(paths: list[Path]) -> tuple[Any, dict[str, int]]:
    """The parsed rules (:class:`foedus.rules.ast.Program`, for the plain-Python path) and the
    arities of their fact relations: pickled next to the plan, so that a warm run imports
    neither the parser (lark) nor the compiler. The cache folder is trusted as
    :mod:`foedus.corpus.cache`'s is."""
    import pickle

    key = rules_key(paths)
    path = cache_dir() / "plans" / f"{key}.program.pickle"
    try:
        with path.open("rb") as f:
            program, facts = pickle.load(f)
        return program, facts
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        pass
    plan = load_plan(paths, key)  # compiles (and reports the rules' errors) on a miss
    from foedus.rules import load_rules

    program = load_rules(paths)
    _store(path, pickle.dumps((program, plan["facts"]), protocol=pickle.HIGHEST_PROTOCOL))
    return program, plan["facts"]


def compile_plan(paths: list[Path]) -> dict[str, Any]:
    """Parse, check and compile the rules into batches of DuckDB SQL (a JSON-able dict).

    ``steps`` is a list of ``{"sql": [..]}`` (run as one batch) and ``{"fixpoint": {..}}``;
    intermediate tables are temporary and dropped as soon as no later step reads them.
    """
    from sqlglot import exp

    from foedus.backends.base import dead_after, mentions
    from foedus.backends.duckdb import DuckDBBackend
    from foedus.engine.compile import OUTPUT, Materialize, compile_program
    from foedus.engine.compile_event import EV, fact_table
    from foedus.errors import RuleError
    from foedus.rules import load_rules

    try:
        program = load_rules(paths)
    except RuleError as e:
        raise RunError(e.report().splitlines()) from None
    plan = compile_program(program, scenarios=1, provenance=False)
    backend = DuckDBBackend.__new__(DuckDBBackend)  # renders only: no connection

    def render(e: exp.Expression) -> str:
        return backend.sql(e)

    def view(name: str, query: exp.Query) -> str:
        return render(
            exp.Create(
                this=exp.to_table(name),
                kind="VIEW",
                replace=True,
                expression=query,
                properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
            )
        )

    # a step that reads only the inputs (the events, the facts: never written again) is a
    # view, read where it is used: the point tables of event rules without conditions on
    # fluents. Writing them cost more than filtering the events again.
    inputs = {EV, *(fact_table(r) for r in plan.fact_arities)}
    views = {
        s.table
        for s in plan.steps
        if isinstance(s, Materialize)
        and s.table not in (EV, OUTPUT)
        and mentions(s) - {s.table} <= inputs
    }
    dead = dead_after(plan)
    steps: list[dict[str, Any]] = []
    batch: list[str] = []
    for i, step in enumerate(plan.steps):
        if isinstance(step, Materialize):
            if step.table == EV:
                continue  # run() reads the narrative into this table directly
            if step.table == OUTPUT or step.table in views:  # the COPY reads the output once
                batch.append(view(step.table, step.query))
            else:
                batch.append(render(backend.materialize(step)))
        else:
            if batch:
                steps.append({"sql": batch})
                batch = []
            steps.append(
                {
                    "fixpoint": {
                        "fluents": list(step.fluents),
                        "init": [render(backend.materialize(m)) for m in step.init],
                        "body": [render(backend.materialize(m)) for m in step.body],
                        "changed": render(step.changed),
                        "swap": [render(backend.materialize(m)) for m in step.swap],
                        "max_rounds": step.max_rounds,
                    }
                }
            )
        batch += [render(backend.drop(t)) for t in dead.get(i, ()) if t not in views | inputs]
    if batch:
        steps.append({"sql": batch})
    return {
        "events": EV,
        "event_arity": plan.event_arity,
        "facts": plan.fact_arities,
        "steps": steps,
    }


# --- reading the inputs ----------------------------------------------------------------------


def _lit(s: str) -> str:
    """A SQL string literal (file paths only; the statements themselves are sqlglot's)."""
    return "'" + s.replace("'", "''") + "'"


def _kind(path: Path) -> str:
    """``parquet``, ``csv`` (a first line with a comma and no ``|``: a header, checked by
    :func:`.run_facts.csv_header`) or ``rtec``."""
    if path.suffix.lower() == ".parquet":
        return "parquet"
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as f:
            for line in f:
                if line.strip():
                    return "csv" if "," in line and "|" not in line else "rtec"
    except OSError as e:
        raise RunError([f"{path}:1: cannot read narrative: {e.strerror}"]) from None
    return "rtec"


def _happenings_sql(path: Path, kind: str, arity: int) -> tuple[str, str]:
    """The query of the plan's event table (``_foedus_ev``: what the plan's first step would
    copy from ``happenings``), and the query of the first bad row (its line
    number and what is wrong), run only when some row is bad."""
    p = _lit(str(path))
    if kind == "rtec":
        lines = (
            f"read_csv({p}, columns={{'line': 'VARCHAR'}}, delim=chr(1), header=false, "
            "quote='', escape='', auto_detect=false)"
        )
        # a CR before the line end is cut, a blank line skipped; each test made only where it
        # can matter (a line ending in CR; a line not starting with a printable ASCII
        # character, which DuckDB's trim never removes): done on every line, the two cost
        # half the read
        rows = (
            "SELECT string_split(CASE WHEN suffix(line, chr(13)) THEN rtrim(line, chr(13)) "
            f"ELSE line END, '|') AS f FROM {lines} WHERE line IS NOT NULL AND "
            "(ascii(line) BETWEEN 33 AND 126 OR trim(line) <> '')"
        )
        name, time, args, n = "f[1]", "f[3]", "f[4:]", "len(f) - 3"
        what = (
            "CASE WHEN len(f) < 3 THEN 'expected event|arrival|time|arg..., found ' || "
            "chr(39) || line || chr(39) WHEN f[1] = '' THEN 'no event name' "
            f"ELSE {run_facts.time_what('f[3]')} END"
        )
        bad = (
            f"SELECT ln, {what} FROM (SELECT line, string_split(rtrim(line, chr(13)), '|') AS f, "
            f"row_number() OVER () AS ln FROM {lines}) WHERE line IS NOT NULL AND trim(line) "
            f"<> '' AND (len(f) < 3 OR ({run_facts.time_sql('f[3]')}) IS NULL OR f[1] = '') "
            "ORDER BY ln LIMIT 1"
        )
    else:
        if kind == "parquet":
            reader, cols = f"read_parquet({p})", ("event", "time", "args")
            args = "CASE WHEN ar IS NULL THEN []::VARCHAR[] ELSE ar END"
        else:  # the header's columns by position (run_facts.csv_header); a bad row: run()
            try:
                cols, ncols = run_facts.csv_header(path)
            except ValueError as e:
                raise RunError([str(e)]) from None
            columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncols))
            reader = (
                f"read_csv({p}, header=true, auto_detect=false, columns={{{columns}}}, "
                "delim=',', quote='\"', escape='\"')"
            )
            args = (
                "CASE WHEN coalesce(ar, '') = '' THEN []::VARCHAR[] ELSE string_split(ar, ';') END"
            )
        rows = (
            f"SELECT CAST({cols[0]} AS VARCHAR) AS e, CAST({cols[1]} AS VARCHAR) AS tm, "
            f"{cols[2]} AS ar FROM {reader}"
        )
        name, time, n = "e", "tm", f"len({args})"
        what = (
            "CASE WHEN tm IS NULL THEN 'no time' WHEN coalesce(e, '') = '' THEN 'no event name' "
            f"ELSE {run_facts.time_what('tm')} END"
        )
        bad = (  # a Parquet file's rows, numbered from 1
            f"SELECT ln, {what} FROM (SELECT e, tm, row_number() OVER () AS ln FROM ({rows})) "
            f"WHERE ({run_facts.time_sql('tm')}) IS NULL OR coalesce(e, '') = '' "
            "ORDER BY ln LIMIT 1"
        )
    # an RTEC line's arguments are its fields from the fourth on: indexed directly (a slice
    # f[4:] copies every list, which cost a third of the read)
    arg = (lambda i: f"f[{i + 4}]") if kind == "rtec" else (lambda i: f"({args})[{i + 1}]")
    a = "".join(f"{arg(i)} AS a{i}, " for i in range(arity))
    happ = (  # the plan's event table (the early scenario only, mask 1: RTEC's times are exact)
        f"SELECT 1 AS m, {name} AS name, ({n})::INT AS arity, {a}"
        f"{run_facts.time_sql(time)} AS t, NULL::VARCHAR AS id FROM ({rows})"
    )
    return happ, bad


def read_facts(paths: list[Path], arities: dict[str, int]) -> dict[str, list[tuple[str, ...]]]:
    """The rows of the declared fact relations in ``paths`` (:mod:`.run_facts`)."""
    rows, errors = run_facts.read_facts(paths, arities)
    if errors:
        raise RunError(errors)
    return rows


# --- running ---------------------------------------------------------------------------------


def _output_sql(out: str, fmt: str) -> str:
    if fmt == "csv":
        select = (
            # a fluent of no argument: an empty args field, unquoted, as RTEC's CSV has it (a
            # NULL is written bare; an empty string would be written "")
            "SELECT fluent, NULLIF(args_text, '') AS args, value, start, "
            'COALESCE(CAST("end" AS VARCHAR), \'inf\') AS "end" FROM (SELECT *, '
            "array_to_string(args, ';') AS args_text FROM intervals) "
            "ORDER BY fluent, args_text, value, start"
        )
        options = "FORMAT csv, HEADER true"
    else:
        select = (
            'SELECT fluent, args, value, start, "end" FROM intervals '
            "ORDER BY fluent, array_to_string(args, ';'), value, start"
        )
        options = "FORMAT parquet" if fmt == "parquet" else "FORMAT json"
    return f"COPY ({select}) TO {_lit(out)} ({options})"


def run(
    rules: list[Path],
    narrative: Path,
    facts: list[Path] | None = None,
    out: Path | None = None,
    fmt: str = "csv",
    threads: int | None = None,
) -> int:
    """Run ``rules`` on ``narrative``; write the intervals to ``out`` (stdout when None).
    Returns the number of intervals. Raises :class:`RunError` on bad input."""
    if fmt not in FORMATS:
        raise RunError([f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}"])
    if not Path(narrative).exists():
        raise RunError([f"{narrative}:1: cannot read narrative: no such file"])
    if fmt == "csv" and _small(Path(narrative), facts or []):
        n = _run_small(rules, Path(narrative), list(facts or []), out)
        if n is not None:
            return n
    plan = load_plan(rules)
    fact_rows = read_facts(list(facts or []), plan["facts"])
    kind = _kind(Path(narrative))

    from foedus.duck import duckdb

    if threads is None and Path(narrative).stat().st_size < SMALL:
        threads = min(SMALL_THREADS, os.cpu_count() or 1)
    con = duckdb.connect(config={"threads": threads} if threads else {})
    happ, bad = _happenings_sql(Path(narrative), kind, plan["event_arity"])
    try:
        con.execute(f"CREATE TEMP TABLE {plan['events']} AS {happ}")
    except duckdb.Error as e:
        raise RunError([run_facts.read_error(con, Path(narrative), kind, e)]) from None
    ((nbad,),) = con.execute(
        f"SELECT count(*) FROM {plan['events']} WHERE t IS NULL OR arity < 0 OR name IS NULL "
        "OR name = ''"
    ).fetchall()
    if nbad:
        found = run_facts.csv_bad_row(Path(narrative)) if kind == "csv" else None
        if found is None and kind != "csv":
            try:
                rows = con.execute(bad).fetchall()
            except duckdb.Error as e:  # pragma: no cover - the first query read the same file
                raise RunError([f"{narrative}:1: {_first_line(e)}"]) from None
            found = rows[0] if rows else None
        line, what = found or (1, "bad event")
        raise RunError([f"{narrative}:{line}: {what}"])
    for rel, arity in plan["facts"].items():
        cols = ", ".join(f"c{i} VARCHAR" for i in range(arity))
        con.execute(f'CREATE TEMP TABLE "facts_{rel}" ({cols})')
        if fact_rows.get(rel):
            marks = ", ".join("?" for _ in range(arity))
            con.executemany(f'INSERT INTO "facts_{rel}" VALUES ({marks})', fact_rows[rel])
    for step in plan["steps"]:
        if "sql" in step:
            con.execute(";\n".join(step["sql"]))
        else:
            _fixpoint(con, step["fixpoint"])
    target = "/dev/stdout" if out is None else str(out)
    if out is None:
        sys.stdout.flush()
    try:
        ((n,),) = con.execute(_output_sql(target, fmt)).fetchall()  # COPY's row count
    except duckdb.Error as e:
        raise RunError([f"{target}:1: cannot write: {_first_line(e)}"]) from None
    con.close()
    return int(n)


def _small(narrative: Path, facts: list[Path]) -> bool:
    """Whether to run in plain Python: a small input (or ``$FOEDUS_RUN_ENGINE``)."""
    forced = os.environ.get(ENGINE_ENV, "")
    if forced in ("python", "duckdb"):
        return forced == "python"
    try:
        size = sum(Path(p).stat().st_size for p in (narrative, *facts))
    except OSError:
        return False  # the DuckDB path reports the unreadable file
    return size < PYTHON_BELOW


def _run_small(
    rules: list[Path], narrative: Path, facts: list[Path], out: Path | None
) -> int | None:
    """:func:`run` in plain Python (:mod:`foedus.backends.run_small`): the same bytes, or None
    when the narrative needs DuckDB's reader (an odd line or a bad one, which it reports)."""
    from foedus.backends import run_small

    program, arities = load_program(rules)
    fact_rows = read_facts(facts, arities)
    happenings = run_small.read_happenings(narrative, _kind(narrative))
    if happenings is None:
        return None
    intervals = run_small.evaluate_small(program, happenings, fact_rows)
    data = run_small.csv_bytes(intervals)
    try:
        if out is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            Path(out).write_bytes(data)
    except OSError as e:
        if isinstance(e, BrokenPipeError):
            raise
        raise RunError([f"{out or '/dev/stdout'}:1: cannot write: {e.strerror or e}"]) from None
    return len(intervals)


def _fixpoint(con: Any, fp: dict[str, Any]) -> None:
    con.execute(";\n".join(fp["init"]))
    body = ";\n".join(fp["body"])
    swap = ";\n".join(fp["swap"])
    for _ in range(fp["max_rounds"]):
        con.execute(body)
        ((changed,),) = con.execute(fp["changed"]).fetchall()
        if not changed:
            return
        con.execute(swap)
    raise RunError(
        [
            f"the cycle of fluents {', '.join(fp['fluents'])} did not settle within "
            f"{fp['max_rounds']} rounds"
        ]
    )


def _first_line(e: BaseException) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


# --- the command -----------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, exit 2 (argparse prints usage too)
        print(f"foedus run: {message}", file=sys.stderr)
        raise SystemExit(2)


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="foedus run",
        usage="foedus run RULES... NARRATIVE [--facts FILE...] [-o OUT] "
        "[--format csv|parquet|jsonl]",
        description="Run Event Calculus rule files on a narrative and write the maximal "
        "intervals (RTEC's interval CSV: fluent,args,value,start,end; an open end is inf).",
        epilog="Example: foedus run rules.rules narrative.csv --facts domain.prolog -o out.csv",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="rule files, then the narrative (RTEC's event|arrival|time|arg... "
        "lines, a CSV with the header event,time,args, or Parquet)",
    )
    p.add_argument(
        "--facts",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="domain facts: RTEC-style 'state(s1).' lines, or a CSV with the header "
        "fact,args (repeatable)",
    )
    p.add_argument(
        "-o", "--output", type=Path, metavar="OUT", help="file to write (default: stdout)"
    )
    p.add_argument(
        "--format", choices=FORMATS, default="csv", help="csv (default), parquet or jsonl"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """``foedus run``'s command line; returns the exit code (0, or 2 on bad input)."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as e:  # --help (0) or a usage error (2, already printed)
        return e.code if isinstance(e.code, int) else 2
    if len(args.files) < 2:
        print("foedus run: expected rule files and a narrative", file=sys.stderr)
        return 2
    *rules, narrative = (Path(f) for f in args.files)
    try:
        run(rules, narrative, args.facts, args.output, args.format)
    except RunError as e:
        for line in e.lines:
            print(line, file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into head: not an error of ours
        return 0
    return 0


def register(app: Any) -> None:
    """Add ``run`` to a Typer app (the ``foedus`` CLI); it hands its arguments to :func:`main`."""
    import typer

    def run_cmd(ctx: Any) -> None:
        """Run Event Calculus rule files on a narrative (RTEC's formats); see foedus run --help.

        Example: foedus run rules.rules narrative.csv -o intervals.csv
        """
        raise typer.Exit(main(list(ctx.args)))

    # typer reads the annotation; this module's annotations are strings (typer is lazy here)
    run_cmd.__annotations__ = {"ctx": typer.Context, "return": None}
    app.command(
        "run",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )(run_cmd)
