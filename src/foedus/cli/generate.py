"""The ``generate-world`` command: a random corpus folder (:mod:`foedus.generate`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer


def generate_world_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write.")],
    states: Annotated[int, typer.Option(help="Number of states.")] = 50,
    instruments: Annotated[int, typer.Option(help="Number of instruments.")] = 40,
    events: Annotated[int, typer.Option(help="Number of events.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    format: Annotated[str, typer.Option(help="yaml, parquet or auto.")] = "auto",
    fuzzy: Annotated[float, typer.Option(help="Share of month-dated events.")] = 0.1,
) -> None:
    """``foedus generate-world`` (its help: its row of :data:`foedus.commands.COMMANDS`)."""
    from foedus.errors import UserError
    from foedus.generate import generate_world

    try:
        w = generate_world(output, states, instruments, events, seed, format, fuzzy)
    except (ValueError, UserError) as e:
        typer.echo(f"generate-world: {e}", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"wrote {w.path} ({w.format}): {w.states} states, {w.instruments} "
        f"instruments, {w.events} events"
    )


HANDLERS: dict[str, Callable[..., Any]] = {"generate-world": generate_world_cmd}
