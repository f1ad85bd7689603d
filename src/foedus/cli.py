"""The ``foedus`` command line: thin — parse, call :mod:`foedus.query`, render.

Every command accepts, after its name, the common options ``--corpus PATH``,
``--perspective NAME``, ``--assume FILE`` and ``--json`` (added by :func:`command`). Errors:
a :class:`~foedus.errors.FoedusError` becomes its message on stderr and its exit code (2 for
user errors, every problem line for a corpus); anything else is ``internal error: ...`` and
exit 1. ``FOEDUS_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_type_hints

import typer
from rich.console import Console, RenderableType
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

from foedus import build as storage
from foedus.corpus import Corpus, bundled_path, load_corpus, load_overlay
from foedus.corpus.coverage import coverage as corpus_coverage
from foedus.errors import CorpusError, FoedusError
from foedus.query import DEFAULT_PERSPECTIVE, KnowledgeBase
from foedus.render import VIEWS, Json
from foedus.views import VIEWS as REASONING_VIEWS

VIEWS.update(REASONING_VIEWS)

app = typer.Typer(
    name="foedus",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    help="A sourced, temporal knowledge base of relations between states.\n\n"
    "Example: foedus events --actor Estonia --from 1940-01-01 --to 1940-12-31",
)


@dataclass
class Options:
    """The options every command accepts."""

    corpus: Path | None = None
    perspective: str = DEFAULT_PERSPECTIVE
    assume: Path | None = None
    json: bool = False

    def kb(self) -> KnowledgeBase:
        """The knowledge base these options name; its database is built (with a progress
        display on stderr) on first use."""
        kb = KnowledgeBase(self.corpus, perspective=self.perspective, assume=self.assume)
        key, _ = storage.default_steps()
        if not storage.cached_path(kb.corpus, key).exists():
            name = kb.corpus.metadata.name
            with Console(stderr=True).status(f"building the database of {name} (first use)…"):
                kb.db_path  # noqa: B018 - builds and caches it
        return kb

    def load(self, path: Path | None = None) -> Corpus:
        """The corpus (positional PATH, else --corpus, else bundled), with the overlay."""
        corpus = load_corpus(path or self.corpus or bundled_path())
        return load_overlay(self.assume, corpus) if self.assume else corpus


@dataclass
class Output:
    """What a command shows: the JSON object, and optionally its own human view."""

    data: Json
    human: RenderableType | str | None = None


_COMMON: list[inspect.Parameter] = [
    inspect.Parameter(
        "corpus",
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[
            Path | None,
            typer.Option(
                "--corpus", help="Corpus folder (default: bundled corpus).", metavar="PATH"
            ),
        ],
    ),
    inspect.Parameter(
        "perspective",
        inspect.Parameter.KEYWORD_ONLY,
        default=DEFAULT_PERSPECTIVE,
        annotation=Annotated[
            str, typer.Option("--perspective", help="Legal perspective.", metavar="NAME")
        ],
    ),
    inspect.Parameter(
        "assume",
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[
            Path | None,
            typer.Option("--assume", help="YAML overlay of hypothetical facts.", metavar="FILE"),
        ],
    ),
    inspect.Parameter(
        "json",
        inspect.Parameter.KEYWORD_ONLY,
        default=False,
        annotation=Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")],
    ),
]


def fail(message: str, code: int = 2) -> None:
    """Print ``message`` on stderr and exit with ``code``."""
    print(message, file=sys.stderr)
    raise typer.Exit(code)


def _show(name: str, out: Output | Json, opts: Options) -> None:
    result = out if isinstance(out, Output) else Output(out)
    if opts.json:
        sys.stdout.write(json.dumps(result.data, ensure_ascii=False) + "\n")
        return
    human = result.human
    if human is None:
        view = VIEWS.get(name)
        human = view(result.data) if view else json.dumps(result.data, indent=2, ensure_ascii=False)
    Console(soft_wrap=isinstance(human, str)).print(human, markup=False, highlight=False)


def _run(name: str, func: Callable[..., Any], opts: Options, kwargs: dict[str, Any]) -> None:
    try:
        _show(name, func(opts, **kwargs), opts)
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except CorpusError as e:
        if os.environ.get("FOEDUS_DEBUG") == "1":
            raise
        fail(e.report(), e.exit_code)
    except FoedusError as e:
        if os.environ.get("FOEDUS_DEBUG") == "1":
            raise
        fail(str(e), e.exit_code if e.exit_code == 2 else 1)
    except Exception as e:
        if os.environ.get("FOEDUS_DEBUG") == "1":
            raise
        fail(f"internal error: {type(e).__name__}: {e}", 1)


def command(name: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``func(opts, ...)`` as a command with the common options and error handling.

    ``func`` returns the command's JSON object (or an :class:`Output`); the wrapper prints it
    as JSON with ``--json`` and as a table (:data:`foedus.render.VIEWS`) otherwise.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        cmd = name or func.__name__.replace("_", "-")
        hints = get_type_hints(func, include_extras=True)
        own = [
            p.replace(annotation=hints[p.name])
            for p in inspect.signature(func).parameters.values()
            if p.name != "opts"
        ]
        params = own + _COMMON

        def wrapper(**kwargs: Any) -> None:
            opts = Options(**{p.name: kwargs.pop(p.name) for p in _COMMON})
            _run(cmd, func, opts, kwargs)

        wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        wrapper.__name__ = func.__name__
        wrapper.__doc__ = func.__doc__
        app.command(cmd)(wrapper)
        return func

    return decorate


# --------------------------------------------------------------------------- commands

PathArg = Annotated[
    Path | None,
    typer.Argument(
        help="Corpus folder (default: --corpus, else the bundled corpus).", show_default=False
    ),
]


@command()
def validate(opts: Options, path: PathArg = None) -> Output:
    """Check a corpus (and an --assume overlay): every problem as file:line:col: message.

    Example: foedus validate tests/corpora/good
    """
    try:
        corpus = opts.load(path)
    except CorpusError as e:
        if opts.json:
            errors = [
                {"file": p.file, "line": p.line, "col": p.col, "message": p.message}
                for p in e.errors
            ]
            sys.stdout.write(json.dumps({"ok": False, "errors": errors}, ensure_ascii=False) + "\n")
            raise typer.Exit(2) from None
        raise
    n = corpus.counts()
    text = (
        f"ok: {n['actors']} actors, {n['instruments']} instruments, {n['events']} events, "
        f"{n['quotes']} quotes"
    )
    return Output({"ok": True, "counts": n}, text)


@command()
def coverage(opts: Options) -> Json:
    """How much of each source the corpus quotes, and which dates it records.

    Example: foedus coverage --json
    """
    return corpus_coverage(opts.load())


#: Where ``build`` runs the rules (the --engine values).
ENGINES = ("duckdb", "spark")


@command()
def build(
    opts: Options,
    path: PathArg = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Database file to write (default: the cache).", metavar="FILE"
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="Where the rules run: duckdb (in this process) or spark (Apache "
            "Spark, docs/spark.md); the database is the same.",
            metavar="NAME",
        ),
    ] = "duckdb",
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help="With --engine spark: the Spark master, e.g. "
            "spark://host:7077 (default: local[2], this machine).",
            metavar="URL",
        ),
    ] = None,
) -> Output:
    """Validate a corpus and write its DuckDB database (atomically).

    Example: foedus build src/foedus/corpora/baltic-soviet -o baltic.duckdb
    """
    import difflib

    from foedus.build import fluents as reasoning
    from foedus.errors import UserError

    if engine not in ENGINES:
        near = difflib.get_close_matches(engine, ENGINES, n=1, cutoff=0.5)
        raise UserError(
            f"--engine: unknown engine {engine!r}; "
            + (f"did you mean {near[0]!r}?" if near else f"choose {' or '.join(ENGINES)}")
        )
    if spark_master is not None and engine != "spark":
        raise UserError("--spark-master: only with --engine spark")
    corpus = opts.load(path)
    key, steps = storage.default_steps()
    if engine == "spark":
        from foedus.backends import spark

        with Console(stderr=True).status(
            f"starting Spark on {spark_master or spark.DEFAULT_MASTER}…"
        ):
            spark.session(spark_master, spark.conf_for_corpus(corpus))

        def store_fluents(con: Any, corpus: Any) -> None:
            reasoning.store_fluents(con, corpus, engine)

        steps = [store_fluents if s is reasoning.store_fluents else s for s in steps]
    target = output or storage.cached_path(corpus, key)
    # a database of this corpus built before: updated in place when only events were added
    previous = (
        target if target.exists() else (storage.latest_cached(target) if output is None else None)
    )
    total = len(storage.TABLES) + len(steps)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("building", total=total)

        def advance(what: str) -> None:
            progress.update(task, advance=1, description=what)

        result = storage.build(corpus, target, steps, advance, previous=previous)
    n = corpus.counts()
    if result.update:
        how = f"updated {target} incrementally ({result.update.summary()})"
    else:
        how = f"built {target}" + (
            f" (full build: {result.full_reason})" if result.full_reason else ""
        )
    data: dict[str, Any] = {
        "database": str(target),
        "counts": n,
        "incremental": result.update is not None,
    }
    if result.update:
        data["update"] = {
            "added_events": result.update.added_events,
            "keys_recomputed": result.update.recomputed,
            "breach_events": result.update.breach_events,
        }
    return Output(
        data,
        f"{how}: {n['actors']} actors, {n['instruments']} instruments, "
        f"{n['events']} events, {n['quotes']} quotes",
    )


@command()
def events(
    opts: Options,
    actor: Annotated[str | None, typer.Option(help="Done by this actor (any alias).")] = None,
    target: Annotated[str | None, typer.Option(help="Done to this actor (any alias).")] = None,
    type: Annotated[str | None, typer.Option(help="Event type, e.g. invasion.")] = None,
    from_: Annotated[
        str | None,
        typer.Option("--from", help="ISO day; events overlapping it or later.", metavar="DAY"),
    ] = None,
    to: Annotated[
        str | None, typer.Option(help="ISO day; events overlapping it or earlier.", metavar="DAY")
    ] = None,
) -> Json:
    """Events by actor, target, type and dates, sorted by date.

    Example: foedus events --actor Estonia --from 1940-01-01 --to 1940-12-31
    """
    return opts.kb().events(actor=actor, target=target, type=type, from_=from_, to=to)


@command()
def treaty(
    opts: Options, name: Annotated[str, typer.Argument(help="Instrument id, name or alias.")]
) -> Json:
    """One instrument: its dates, parties (how and when each joined), clauses and norms.

    Example: foedus treaty "Treaty of Tartu"
    """
    return opts.kb().treaty(name)


@command()
def treaties(
    opts: Options,
    between: Annotated[
        tuple[str, str] | None,
        typer.Option(
            help="Two actors: instruments binding both (with --on: on that day; "
            "without: all they ever shared).",
            metavar="A B",
        ),
    ] = None,
    party: Annotated[
        str | None, typer.Option(help="Only instruments this actor was (on --on) party to.")
    ] = None,
    on: Annotated[str | None, typer.Option(help="ISO day.", metavar="DAY")] = None,
) -> Json:
    """Instruments: binding two actors on a day, shared by them, of a party, or every one.

    Example: foedus treaties --between USSR Latvia --on 1940-06-01
    """
    return opts.kb().treaties(party=party, between=between, on=on)


ActorArg = Annotated[str, typer.Argument(help="Actor: id, name or any alias.", metavar="A")]
DayOpt = Annotated[str, typer.Option(help="ISO day (YYYY-MM-DD).", metavar="DAY")]
FromOpt = Annotated[str | None, typer.Option("--from", help="ISO day.", metavar="DAY")]
ToOpt = Annotated[str | None, typer.Option("--to", help="ISO day.", metavar="DAY")]


@command()
def status(opts: Options, actor: ActorArg, on: DayOpt) -> Json:
    """An actor's status on a day under a perspective (sovereign, controlled by, occupied
    by, part of), with the explanation down to the source's words.

    Example: foedus status Estonia --on 1960-01-01 --perspective non-recognition
    """
    return opts.kb().status(actor, on)


@command()
def holds(opts: Options, actor: ActorArg, on: DayOpt) -> Json:
    """Every fluent that holds for an actor on a day, with its certainty and rule.

    Example: foedus holds Lithuania --on 1939-08-26
    """
    return opts.kb().holds(actor, on)


@command()
def timeline(opts: Options, actor: ActorArg) -> Json:
    """The periods of an actor's status under a perspective, and the events it took part in.

    Example: foedus timeline Latvia --perspective non-recognition
    """
    return opts.kb().timeline(actor)


@command()
def breaches(
    opts: Options,
    by: Annotated[str | None, typer.Option(help="Acts by this actor.")] = None,
    against: Annotated[str | None, typer.Option(help="Acts against this actor.")] = None,
    treaty: Annotated[str | None, typer.Option(help="Only this instrument.")] = None,
    from_: FromOpt = None,
    to: ToOpt = None,
) -> Json:
    """Events that breached a clause binding their author towards their target.

    Example: foedus breaches --by USSR --against Estonia --from 1940-01-01 --to 1940-12-31
    """
    return opts.kb().breaches(by=by, against=against, treaty=treaty, from_=from_, to=to)


@command()
def aggressor(
    opts: Options,
    a: ActorArg,
    b: Annotated[str, typer.Argument(help="The other actor.", metavar="B")],
    from_: FromOpt = None,
    to: ToOpt = None,
) -> Json:
    """The aggressor under the 1933 Convention: the first to commit one of Article II's acts.

    Example: foedus aggressor USSR Estonia --from 1940-01-01 --to 1940-12-31
    """
    return opts.kb().aggressor(a, b, from_=from_, to=to)


@command()
def compare(
    opts: Options,
    perspectives: Annotated[
        tuple[str, str], typer.Option(help="The two perspectives to compare.", metavar="P Q")
    ],
    actor: Annotated[
        str | None, typer.Argument(help="Only this actor (default: every state).", metavar="[A]")
    ] = None,
) -> Json:
    """Where two perspectives give different statuses, with the rules that make them differ.

    Example: foedus compare --perspectives de-facto non-recognition Estonia
    """
    return opts.kb().compare(perspectives[0], perspectives[1], actor)


@command()
def explain(
    opts: Options,
    what: Annotated[str, typer.Argument(help="status | breach | aggressor", metavar="WHAT")],
    args: Annotated[
        list[str],
        typer.Argument(help="status: A; breach: EVENT [TREATY]; aggressor: A B", metavar="ARGS..."),
    ],
    on: Annotated[str | None, typer.Option(help="ISO day (for status).", metavar="DAY")] = None,
) -> Json:
    """The explanation tree of an answer: conclusion, rule or clause, premises, quotes.

    Example: foedus explain breach ussr-annexes-estonia-1940 treaty-of-tartu
    """
    return opts.kb().explain(what, args, on=on)


# Commands that live beside their subsystems register themselves here.
from foedus.ask import cli as ask_cli  # noqa: E402
from foedus.generate import register as register_generate_world  # noqa: E402
from foedus.interop.cli import register as register_io  # noqa: E402
from foedus.server.cli import register as register_serve  # noqa: E402

ask_cli.register(command)
register_io(command)
register_serve(command)
register_generate_world(app)


def main() -> None:
    """The console script: run the app; a usage error is one line on stderr and exit 2."""
    try:  # typer vendors its own copy of click
        from typer._click import exceptions as click_exc
    except ImportError:  # pragma: no cover - older typer with click as a dependency
        from click import exceptions as click_exc  # type: ignore[no-redef]

    try:
        code = app(standalone_mode=False)
    except click_exc.NoArgsIsHelpError as e:
        print(e.ctx.get_help() if e.ctx else str(e))
        raise SystemExit(2) from None
    except click_exc.UsageError as e:
        where = f"{e.ctx.command_path}: " if e.ctx else ""
        print(f"{where}{e.format_message()}", file=sys.stderr)
        raise SystemExit(2) from None
    except BrokenPipeError:  # e.g. piped into head: not an error of ours
        raise SystemExit(0) from None
    raise SystemExit(code if isinstance(code, int) else 0)
