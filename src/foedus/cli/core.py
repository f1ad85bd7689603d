"""The command line's machinery: the options every command takes, how an answer is shown
(:data:`foedus.cli.views.VIEWS`, or JSON with ``--json``), how an error ends a command, and how
a command of the table (:data:`foedus.commands.COMMANDS`) becomes a Typer command.

Every command accepts, after its name, the common options ``--corpus PATH``,
``--perspective NAME``, ``--assume FILE`` and ``--json``. Errors: a
:class:`~foedus.errors.FoedusError` becomes its message on stderr and its exit code (2 for
user errors, every problem line for a corpus); Ctrl-C is ``interrupted`` and exit 130 (the
signal's number plus 128, as a shell reports it; a build writes its database whole or not at
all); anything else is ``internal error: ...`` and exit 1. ``FOEDUS_DEBUG=1`` shows the
traceback instead.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_type_hints

import typer

from foedus.commands import Command, Param, method_kwargs
from foedus.shapes import Json

if TYPE_CHECKING:  # imported where used: `foedus --help` and every command start light
    from rich.console import RenderableType

    from foedus.corpus import Corpus
    from foedus.query import KnowledgeBase

DEFAULT_PERSPECTIVE: str | None = None
"""The perspective of a command without ``--perspective``: the corpus's default one (as
:data:`foedus.corpus.perspectives.DEFAULT_PERSPECTIVE`, not imported here: it loads the corpus
layer)."""

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
    perspective: str | None = DEFAULT_PERSPECTIVE
    assume: Path | None = None
    json: bool = False

    def kb(self) -> KnowledgeBase:
        """The knowledge base these options name (its corpus from the cache of loaded corpora,
        :mod:`foedus.corpus.cache`); its database is built on first use, with a progress bar
        on a terminal (:mod:`foedus.cli.progress`), unless the package ships it (the bundled
        corpus as installed: :mod:`foedus.build.shipped`)."""
        from foedus import build
        from foedus.query import KnowledgeBase

        kb = KnowledgeBase(self.base(), perspective=self.perspective, assume=self.assume)
        if build.cached_or_shipped(kb.corpus) is None:
            from foedus.cli.progress import build_progress

            key, steps = build.default_steps()
            name = kb.corpus.metadata.name
            with build_progress(f"building {name} (first use)", not self.json) as progress:
                build.ensure_built(kb.corpus, key, steps, progress)
        return kb

    def base(self) -> Corpus:
        """The corpus a query reads, without the overlay (--corpus, else bundled): kept from
        an earlier run when its files and the code are the same (:mod:`foedus.corpus.cache`),
        else loaded and validated."""
        from foedus.corpus import bundled_path
        from foedus.corpus.cache import load_cached

        return load_cached(self.corpus or bundled_path())

    def load(self, path: Path | None = None) -> Corpus:
        """The corpus (positional PATH, else --corpus, else bundled), with the overlay, loaded
        and validated afresh (``validate``, ``build``, ``coverage``: no cache)."""
        from foedus.corpus import bundled_path, load_corpus, load_overlay

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
            str | None,
            typer.Option(
                "--perspective",
                help="Legal perspective (default: the corpus's default perspective); 'all': "
                "every perspective side by side (status, holds, treaties, breaches, explain).",
                metavar="NAME",
            ),
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


INTERRUPTED = "interrupted"
"""The line a command interrupted by Ctrl-C prints on stderr (exit 130)."""


def interrupted(e: BaseException) -> bool:
    """Whether ``e`` is DuckDB stopping a statement because the user pressed Ctrl-C: its
    client catches the signal while a statement runs and raises a ``RuntimeError`` saying
    so, not ``KeyboardInterrupt``."""
    return isinstance(e, RuntimeError) and str(e) == "Query interrupted"


def fail(message: str, code: int = 2) -> None:
    """Print ``message`` on stderr and exit with ``code``."""
    print(message, file=sys.stderr)
    raise typer.Exit(code)


def _show(name: str, out: Output | Json, opts: Options) -> None:
    result = out if isinstance(out, Output) else Output(out)
    if opts.json:
        sys.stdout.write(json.dumps(result.data, ensure_ascii=False) + "\n")
        return
    from rich.console import Console

    from foedus.cli.views import VIEWS, across_view

    human = result.human
    across = _is_all(str(result.data.get("perspective") or ""))
    if human is None and across and "perspectives" in result.data:
        human = across_view(result.data)
    if human is None:
        view = VIEWS.get(name)
        human = view(result.data) if view else json.dumps(result.data, indent=2, ensure_ascii=False)
    Console(soft_wrap=isinstance(human, str)).print(
        human, markup=False, highlight=False, emoji=False
    )


def _run(name: str, func: Callable[..., Any], opts: Options, kwargs: dict[str, Any]) -> None:
    from foedus.errors import CorpusError, FoedusError
    from foedus.paths import os_error_line

    try:
        _show(name, _call(func, opts, kwargs), opts)
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except KeyboardInterrupt:
        if os.environ.get("FOEDUS_DEBUG") == "1":
            raise
        fail(INTERRUPTED, 130)
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
        if isinstance(e, OSError) and e.filename is not None:  # a path: the user's to fix
            fail(os_error_line(e), 2)
        if interrupted(e):
            fail(INTERRUPTED, 130)
        fail(f"internal error: {type(e).__name__}: {e}", 1)


def _call(func: Callable[..., Any], opts: Options, kwargs: dict[str, Any]) -> Any:
    """``func(opts, **kwargs)``; when it finds its database damaged (DuckDB's checksum of a
    block fails: :func:`foedus.build.database.recover`), the cache file is removed, one line
    on stderr says so, and the command runs once more, on the database built again. Damaged
    again, or a file that cannot be removed: one line naming it, exit 2."""
    try:
        return func(opts, **kwargs)
    except Exception as e:
        from foedus.duck import duckdb  # only when something failed

        if not isinstance(e, duckdb.Error):
            raise
        from foedus.build.database import recover

        recovered = recover(e)
        if recovered is None:
            raise
    print(recovered.notice(), file=sys.stderr, flush=True)
    try:
        return func(opts, **kwargs)
    except Exception as e:
        from foedus.build.database import damage

        if damage(e) is None:
            raise
        raise recovered.again(e) from None


def _own_params(func: Callable[..., Any]) -> list[inspect.Parameter]:
    """The parameters of ``func(opts, ...)`` after ``opts``, their annotations resolved."""
    hints = get_type_hints(func, include_extras=True)
    return [
        p.replace(annotation=hints[p.name])
        for p in inspect.signature(func).parameters.values()
        if p.name != "opts"
    ]


def register(command: Command, func: Callable[..., Any]) -> None:
    """Add ``command`` to the app, run by ``func``: ``func(opts, ...)`` returns the command's
    JSON object (or an :class:`Output`), shown as JSON with ``--json`` and as its view
    otherwise; a command without the common options is ``func(...)`` as Typer calls it."""
    # the list of `foedus --help` shows the help's first paragraph: as one line, so that the
    # help's own line breaks ("occupied\nby") do not break the list's lines
    short = " ".join(command.help.split("\n\n", 1)[0].split())
    if not command.common_options:
        func.__doc__ = command.help
        app.command(command.name, short_help=short)(func)
        return
    signature = getattr(func, "__signature__", None)
    own = list(signature.parameters.values()) if signature is not None else _own_params(func)
    params = own + _COMMON

    def wrapper(**kwargs: Any) -> None:
        opts = Options(**{p.name: kwargs.pop(p.name) for p in _COMMON})
        _run(command.name, func, opts, kwargs)
        if command.kind in ANSWERS:
            _answered.append(command.name)

    wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    wrapper.__name__ = command.name.replace("-", "_")
    wrapper.__doc__ = command.help
    app.command(command.name, short_help=short)(wrapper)


ANSWERS = ("query", "ask")
"""The kinds of command (:data:`foedus.commands.Kind`) that only answer: whatever they wrote
(a database built, the corpus kept) is written and closed before their answer is printed, and
what they hold open then is the database read-only (:mod:`foedus.console` ends the process
at once after one)."""
_answered: list[str] = []


def answered() -> bool:
    """Whether the last :func:`main` ran an answering command (:data:`ANSWERS`) to its end."""
    return bool(_answered)


_TYPES: dict[str, Any] = {"text": str, "pair": tuple[str, str], "list": list[str]}


def cli_parameter(p: Param) -> inspect.Parameter:
    """A parameter of the table as a Typer argument or option."""
    if p.type == "flag":
        return inspect.Parameter(
            p.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[bool, typer.Option(*p.flags, help=p.help)],
        )
    kind = _TYPES[p.type]
    info: Any
    if p.positional:
        info = typer.Argument(help=p.help, metavar=p.metavar)
    else:
        info = typer.Option(*p.flags, help=p.help, metavar=p.metavar)
    annotation = Annotated[kind if p.required else kind | None, info]  # type: ignore[valid-type]
    default = inspect.Parameter.empty if p.required else None
    return inspect.Parameter(
        p.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _is_all(perspective: str) -> bool:
    """Whether ``perspective`` is ``all``, as :func:`foedus.query.across.is_all` says (the
    same test, not imported from there: that module loads every family of answers, which a
    command under one perspective does not use; tests/cli/test_startup.py checks they agree)."""
    return perspective.strip().lower() == "all"


def one_perspective_only(opts: Options, command: str, corpus: Corpus | None = None) -> None:
    """Refuse ``--perspective`` as the HTTP API refuses its ``perspective`` for ``command``, a
    command answered under one perspective (``ask``, ``validate``, ``coverage``): ``all`` is
    refused (:func:`foedus.query.across.one_perspective`), and with ``corpus`` an empty or
    unknown name too (:func:`foedus.query.base.named_perspective`); without ``corpus`` the
    knowledge base refuses those when it is made."""
    if opts.perspective is None:
        return
    if _is_all(opts.perspective):
        from foedus.query.across import one_perspective

        raise one_perspective(command)
    if corpus is not None:
        from foedus.query.base import named_perspective

        named_perspective(corpus, opts.perspective)


def query_function(command: Command) -> Callable[..., Any]:
    """``func(opts, **params)`` for a query command: its knowledge base method, called with
    the table's parameters."""
    method = command.method or command.name

    def func(opts: Options, **values: Any) -> Json | Output:
        rules = bool(values.pop("rules", False))
        kwargs = method_kwargs(command, values)
        if opts.perspective is not None and _is_all(opts.perspective):  # side by side
            every = replace(opts, perspective=DEFAULT_PERSPECTIVE).kb()
            return every.across(method, **kwargs)
        kb = opts.kb()
        result: Json
        if method == "status" and not opts.json and opts.perspective is None:
            # no perspective named: the table adds a line per perspective that differs, and
            # the answer is the default perspective's of those (not asked for a second time)
            from foedus.cli.views import status_view

            others = kb.across("status", **kwargs)
            mine = [p["answer"] for p in others["perspectives"] if p["default"]]
            result = mine[0] if mine else kb.status(**kwargs)
            return Output(result, status_view(result, others, rules=rules))
        result = getattr(kb, method)(**kwargs)
        if opts.json:
            return result
        from foedus.cli.views import explain_view, status_view

        if method == "status":  # a perspective named: its answer alone
            return Output(result, status_view(result, None, rules=rules))
        if method == "treaties" and not result["treaties"] and kwargs.get("on"):
            return Output(result, _no_treaties_view(kb, result, kwargs))
        if method == "explain":
            return Output(result, explain_view(result, rules=rules))
        if method in ("timeline", "compare"):  # bounds in the source's words, not in the JSON
            from foedus.cli.views import compare_view, timeline_view
            from foedus.query.compare import differences_in_words
            from foedus.query.status import periods_in_words

            if method == "timeline":
                return Output(result, timeline_view(result, periods_in_words(kb, result)))
            return Output(result, compare_view(result, differences_in_words(kb, result)))
        return result

    func.__signature__ = query_parameters(command)  # type: ignore[attr-defined]
    return func


def _no_treaties_view(kb: Any, result: Json, kwargs: dict[str, Any]) -> RenderableType:
    """``treaties --on``'s empty table, and why none bound them that day when the engine's
    rows say it (:func:`foedus.query.treaties.why_none`: not sovereign in this view)."""
    from rich.console import Group
    from rich.text import Text

    from foedus.cli.views import treaties_table
    from foedus.query.base import as_day
    from foedus.query.treaties import why_none

    between = kwargs.get("between")
    on = as_day(kwargs["on"], "--on")
    assert on is not None
    why = why_none(kb, tuple(between) if between else None, kwargs.get("party"), on)
    table = treaties_table(result)
    return Group(table, Text(why)) if why else table


RULES = Param(
    "rules",
    "Also show the rules in the rule language (below the summary in words).",
    type="flag",
    flags=("--rules",),
)
"""The CLI's own switch of the commands whose answer is explained (:data:`WITH_RULES`): how
the explanation is shown, not what is asked (no HTTP parameter: the JSON has the rules)."""
WITH_RULES = ("status", "explain")


def query_parameters(command: Command) -> inspect.Signature:
    """The Typer signature of a command's parameters in the table (without ``opts``), and
    ``--rules`` for those that show an explanation."""
    params = list(command.params) + ([RULES] if command.name in WITH_RULES else [])
    return inspect.Signature([cli_parameter(p) for p in params])


def main() -> None:
    """The console script: run the app; a usage error is one line on stderr and exit 2."""
    try:  # typer vendors its own copy of click
        from typer._click import exceptions as click_exc
    except ImportError:  # pragma: no cover - older typer with click as a dependency
        from click import exceptions as click_exc  # type: ignore[no-redef]

    _answered.clear()
    try:
        code = app(standalone_mode=False)
    except click_exc.NoArgsIsHelpError as e:
        print(e.ctx.get_help() if e.ctx else str(e))
        raise SystemExit(2) from None
    except click_exc.UsageError as e:
        where = f"{e.ctx.command_path}: " if e.ctx else _command_named(sys.argv[1:])
        message = _swallowed_option(e.ctx, sys.argv[1:]) or e.format_message()
        print(f"{where}{message}", file=sys.stderr)
        raise SystemExit(2) from None
    except BrokenPipeError:  # e.g. piped into head: not an error of ours
        raise SystemExit(0) from None
    except RuntimeError as e:  # Ctrl-C during a statement of ``foedus run``, which is not
        # run by :func:`_run` (Typer makes a KeyboardInterrupt exit 130 itself)
        if not interrupted(e):
            raise
        print(INTERRUPTED, file=sys.stderr)
        raise SystemExit(130) from None
    raise SystemExit(code if isinstance(code, int) else 0)


def _command_named(argv: list[str]) -> str:
    """``"foedus <command>: "`` for a usage error Click reports without its command (an
    option missing its values at the end of the line: ``treaties --between Estonia``), when
    the first word is one of the commands; else nothing."""
    import typer

    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    return f"foedus {argv[0]}: " if argv and argv[0] in commands else ""


def _swallowed_option(ctx: Any, argv: list[str]) -> str | None:
    """What went wrong when an option of several values took the next option's name as one of
    them (``treaties --between Estonia --on 1940-01-01``: Click then reports the day as an
    unexpected extra argument); None when that is not what happened."""
    if ctx is None:
        return None
    params = [p for p in ctx.command.params if getattr(p, "opts", None)]
    names = {name for p in params for name in p.opts}
    for p in params:
        if p.nargs < 2:
            continue
        for k, token in enumerate(argv):
            if token not in p.opts:
                continue
            values = argv[k + 1 : k + 1 + p.nargs]
            for j, value in enumerate(values):
                if value.split("=", 1)[0] in names:
                    given = " ".join(repr(v) for v in values[:j]) or "nothing"
                    return (
                        f"{token} takes {p.nargs} values; got {given} and then the option {value!r}"
                    )
    return None
