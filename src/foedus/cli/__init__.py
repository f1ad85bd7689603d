"""The ``foedus`` command line: thin — parse, call :mod:`foedus.query`, render.

Every command is a row of the table of commands (:data:`foedus.commands.COMMANDS`), in its
order: a query command is made from its row (its method and parameters); the others are run by
a function of their module of this package (:mod:`.corpus`: validate, coverage, build;
:mod:`.ask`; :mod:`.interop`: import, export, crosscheck; :mod:`.serve`; :mod:`.generate`).
:mod:`.core` holds the common options and the error handling, :mod:`.views` what people see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from foedus.backends.run import register as register_run
from foedus.cli import ask, corpus, generate, interop, serve
from foedus.cli.core import Options, Output, app, fail, main, query_function, register
from foedus.commands import COMMANDS

HANDLERS: dict[str, Callable[..., Any]] = {
    **corpus.HANDLERS,
    **ask.HANDLERS,
    **interop.HANDLERS,
    **serve.HANDLERS,
    **generate.HANDLERS,
}
"""The function that runs each command that is not a query of the knowledge base."""

for _command in COMMANDS:
    if (
        _command.name == "run"
    ):  # its own argument parser (foedus.backends.run), so that --help is fast
        register_run(app)
        continue
    register(
        _command,
        query_function(_command) if _command.kind == "query" else HANDLERS[_command.name],
    )

__all__ = ["HANDLERS", "Options", "Output", "app", "fail", "main", "register"]
