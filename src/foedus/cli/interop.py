"""The commands ``foedus import``, ``foedus export`` and ``foedus crosscheck``: each parses,
calls :mod:`foedus.interop`, and renders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from foedus.cli.core import Options, Output


def import_(
    opts: Options,
    kind: Annotated[
        str,
        typer.Argument(
            help="states, atop, treaties, territorial-change, mid, dyadic-mid, wars or events."
        ),
    ],
    files: Annotated[list[Path], typer.Argument(help="The dataset's files.", show_default=False)],
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="Corpus folder to write (created, or added to).",
            metavar="CORPUS",
        ),
    ],
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Keep only facts involving this actor (name or code; repeatable).",
            metavar="ACTOR",
        ),
    ] = None,
) -> Any:
    """``foedus import`` (its help: its row of :data:`foedus.commands.COMMANDS`)."""
    from foedus.interop.importers import run_import

    result = run_import(kind, files, output, only)
    report = result["report"]
    return Output(
        {"corpus": result["corpus"], "written": result["written"], "report": report.to_json()},
        report.text() + f"\nwrote {result['corpus']}: " + ", ".join(result["written"]),
    )


def export(
    opts: Options,
    format: Annotated[
        str, typer.Argument(help="turtle, jsonld, graphml, timelinejs, vis, csv or parquet.")
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="File to write (a folder for csv and parquet).",
            metavar="PATH",
        ),
    ],
    base: Annotated[
        str | None,
        typer.Option("--base", help="Base IRI of the RDF records (turtle, jsonld).", metavar="IRI"),
    ] = None,
) -> Any:
    """``foedus export`` (its help: its row of :data:`foedus.commands.COMMANDS`)."""
    from foedus.interop.exports import export as run_export

    info = run_export(opts.kb(), format, output, base)
    extra = ", ".join(f"{k} {v}" for k, v in info.items() if k not in ("format", "path", "tables"))
    if "tables" in info:
        extra = ", ".join(f"{t} ({n} rows)" for t, n in info["tables"].items())
    return Output(info, f"wrote {info['path']} ({info['format']}): {extra}")


def crosscheck(
    opts: Options,
    files: Annotated[list[Path], typer.Argument(help="The dataset's files.", show_default=False)],
    against: Annotated[
        str,
        typer.Option(
            "--against",
            help="states, atop, treaties, mid or territorial-change.",
            metavar="KIND",
        ),
    ],
    actor: Annotated[
        list[str] | None,
        typer.Option("--actor", help="Compare only this actor (repeatable).", metavar="ACTOR"),
    ] = None,
) -> Any:
    """``foedus crosscheck`` (its help: its row of :data:`foedus.commands.COMMANDS`)."""
    from foedus.interop.crosscheck import crosscheck as run_crosscheck
    from foedus.interop.crosscheck import render as render_crosscheck

    result = run_crosscheck(opts.kb(), against, files, actors=actor)
    return Output(result, render_crosscheck(result))


HANDLERS: dict[str, Callable[..., Any]] = {
    "import": import_,
    "export": export,
    "crosscheck": crosscheck,
}
