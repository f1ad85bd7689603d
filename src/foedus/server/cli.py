"""The ``foedus serve`` command: the HTTP API (and the web page) with uvicorn.

``foedus.cli`` adds it with ``register(command)``; FastAPI and uvicorn are imported only when
the server starts. ``python -m foedus.server.cli serve ...`` runs the CLI with the command
added, whether or not ``foedus.cli`` registers it itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

_registered: set[int] = set()


def serve(
    opts: Any,
    host: Annotated[
        str, typer.Option(help="Interface to listen on (0.0.0.0 for every one).", metavar="HOST")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", metavar="PORT")] = 8000,
    timeout: Annotated[
        float,
        typer.Option(help="Seconds a query may run before the answer is 503.", metavar="SECONDS"),
    ] = 10.0,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(
            "--cors-origin",
            help="Allow browser calls from this origin (repeatable; default: CORS off).",
            metavar="ORIGIN",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes (default: one per core, at most 4).", min=1),
    ] = None,
) -> None:
    """Serve the read-only HTTP API (GET /api/v1/<command>, docs at /docs) and the web page.

    --perspective sets the default perspective of requests; --assume applies an overlay to
    every answer (requests cannot). One JSON line per request is logged on stderr.

    Example: foedus serve --port 8000  (then GET /api/v1/status?actor=Latvia&on=1943-01-01)
    """
    from foedus.server.run import serve as run_server

    run_server(
        corpus=opts.corpus,
        assume=opts.assume,
        perspective=opts.perspective,
        timeout=timeout,
        cors_origins=cors_origin or None,
        host=host,
        port=port,
        workers=workers,
    )
    raise typer.Exit(0)


def register(command: Callable[..., Any]) -> None:
    """Add ``serve`` to the CLI through its ``command`` decorator (once)."""
    if id(command) in _registered:
        return
    _registered.add(id(command))
    command("serve")(serve)


def ensure_registered() -> None:
    """Add ``serve`` to ``foedus.cli.app`` unless it is there already."""
    from foedus import cli

    if not any(c.name == "serve" for c in cli.app.registered_commands):
        register(cli.command)


def main() -> None:
    """``python -m foedus.server.cli``: the CLI with ``serve``."""
    from foedus import cli

    ensure_registered()
    cli.main()


if __name__ == "__main__":
    main()
