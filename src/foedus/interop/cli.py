"""The commands ``foedus import``, ``foedus export`` and ``foedus crosscheck``.

:func:`register` adds them to the CLI (foedus.cli calls ``register(command)``); each is thin:
it parses, calls :mod:`foedus.interop`, and renders.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer


def register(command: Callable[..., Callable[[Callable[..., Any]], Callable[..., Any]]]) -> None:
    """Add the import, export and crosscheck commands with foedus.cli's ``command``."""

    @command("import")
    def import_(
        opts: Any,
        kind: Annotated[
            str,
            typer.Argument(
                help="states, atop, treaties, territorial-change, mid, dyadic-mid, wars or events."
            ),
        ],
        files: Annotated[
            list[Path], typer.Argument(help="The dataset's files.", show_default=False)
        ],
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
        """Import a dataset into a corpus folder, with a report of what was mapped and skipped.

        Example: foedus import states states2016.csv -o my-corpus
        """
        from foedus.cli import Output
        from foedus.interop.importers import run_import

        result = run_import(kind, files, output, only)
        report = result["report"]
        return Output(
            {"corpus": result["corpus"], "written": result["written"], "report": report.to_json()},
            report.text() + f"\nwrote {result['corpus']}: " + ", ".join(result["written"]),
        )

    @command("export")
    def export(
        opts: Any,
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
            typer.Option(
                "--base", help="Base IRI of the RDF records (turtle, jsonld).", metavar="IRI"
            ),
        ] = None,
    ) -> Any:
        """Export the corpus (and, for csv/parquet, every table of its built database).

        Example: foedus export turtle -o baltic.ttl
        """
        from foedus.cli import Output
        from foedus.interop.exports import export as run

        info = run(opts.kb(), format, output, base)
        extra = ", ".join(
            f"{k} {v}" for k, v in info.items() if k not in ("format", "path", "tables")
        )
        if "tables" in info:
            extra = ", ".join(f"{t} ({n} rows)" for t, n in info["tables"].items())
        return Output(info, f"wrote {info['path']} ({info['format']}): {extra}")

    @command("crosscheck")
    def crosscheck(
        opts: Any,
        files: Annotated[
            list[Path], typer.Argument(help="The dataset's files.", show_default=False)
        ],
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
        """Compare the corpus's derived answers with a dataset, both sides' sources shown.

        Example: foedus crosscheck --against states states2016.csv gwstates.csv --actor Estonia
        """
        from foedus.cli import Output
        from foedus.interop.crosscheck import crosscheck as run
        from foedus.interop.crosscheck import render

        result = run(opts.kb(), against, files, actors=actor)
        return Output(result, render(result))
