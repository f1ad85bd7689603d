"""The commands about a corpus itself: ``validate``, ``coverage`` and ``build``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from foedus.cli.core import Options, Output, one_perspective_only
from foedus.shapes import Json
from foedus.words import counted

PathArg = Annotated[
    Path | None,
    typer.Argument(
        help="Corpus folder (default: --corpus, else the bundled corpus).", show_default=False
    ),
]


def validate(opts: Options, path: PathArg = None) -> Output:
    """``foedus validate`` (its help: its row of :data:`foedus.commands.COMMANDS`)."""
    from foedus.errors import CorpusError

    one_perspective_only(opts, "validate")
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
    one_perspective_only(opts, "validate", corpus)
    n = corpus.counts()
    text = (
        f"ok: {counted(n['actors'], 'actor')}, {counted(n['instruments'], 'instrument')}, "
        f"{counted(n['events'], 'event')}, {counted(n['quotes'], 'quote')}"
    )
    return Output({"ok": True, "counts": n}, text)


def coverage(opts: Options) -> Json:
    """``foedus coverage`` (its help: its row of :data:`foedus.commands.COMMANDS`)."""
    from foedus.corpus.coverage import coverage as corpus_coverage

    one_perspective_only(opts, "coverage")
    corpus = opts.load()
    one_perspective_only(opts, "coverage", corpus)
    return corpus_coverage(corpus)


#: Where ``build`` runs the rules (the --engine values).
ENGINES = ("duckdb", "spark")


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
    """``foedus build`` (its help: its row of :data:`foedus.commands.COMMANDS`)."""
    from foedus.build import build_corpus, cached_path, default_steps
    from foedus.cli.progress import build_progress
    from foedus.errors import UserError, suggest
    from foedus.paths import check_output

    if engine not in ENGINES:
        near = suggest(engine, ENGINES, n=1, cutoff=0.5)
        raise UserError(
            f"--engine: unknown engine {engine!r}; "
            + (f"did you mean {near[0]!r}?" if near else f"choose {' or '.join(ENGINES)}")
        )
    if spark_master is not None and engine != "spark":
        raise UserError("--spark-master: only with --engine spark")
    corpus = opts.load(path)
    if engine == "spark":
        from rich.console import Console

        from foedus.backends import spark  # pyspark is heavy and optional: only when asked

        with Console(stderr=True).status(
            f"starting Spark on {spark_master or spark.DEFAULT_MASTER}…"
        ):
            spark.session(spark_master, spark.conf_for_corpus(corpus))
    # refused before the progress display starts, so that the refusal is the only line
    check_output(output or cached_path(corpus, default_steps()[0]), corpus_root=corpus.path)
    with build_progress(f"building {corpus.metadata.name}", not opts.json) as progress:
        result = build_corpus(corpus, output, engine, progress)
    target = result.path
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
        f"{how}: {counted(n['actors'], 'actor')}, {counted(n['instruments'], 'instrument')}, "
        f"{counted(n['events'], 'event')}, {counted(n['quotes'], 'quote')}",
    )


HANDLERS: dict[str, Callable[..., Any]] = {
    "validate": validate,
    "coverage": coverage,
    "build": build,
}
