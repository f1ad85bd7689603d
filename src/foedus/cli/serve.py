"""The ``foedus serve`` command: the HTTP API (and the web page) with uvicorn.

FastAPI and uvicorn are imported only when the server starts (``foedus --help`` does not
load them).
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from typing import Annotated, Any

import typer

from foedus.cli.core import Options
from foedus.errors import UserError


def check_free(host: str, port: int) -> None:
    """Refuse, before anything is built or said, a port that cannot be listened on: one
    another program holds, or a host that is not this machine's (uvicorn would print its
    error after foedus had said it was serving)."""
    if not 0 <= port <= 65535:
        raise UserError(f"--port: {port} is not a port (0 to 65535)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as e:
        raise UserError(f"--host: cannot listen on {host!r}: {e}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            s.bind(address)
            s.listen(1)
        except OSError as e:
            why = "it is already in use" if e.errno == errno.EADDRINUSE else e.strerror
            raise UserError(
                f"--port: cannot listen on {host}:{port}: {why}; stop what uses it or give "
                "another --port"
            ) from None


def serve(
    opts: Options,
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
    """``foedus serve`` (its help: its row of :data:`foedus.commands.COMMANDS`)."""
    check_free(host, port)
    from foedus.server.run import serve as run_server  # uvicorn and FastAPI: only to serve

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


HANDLERS: dict[str, Callable[..., Any]] = {"serve": serve}
