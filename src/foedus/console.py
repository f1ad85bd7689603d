"""The ``foedus`` console script (and ``python -m foedus``). ``foedus run`` goes straight to
:func:`foedus.backends.run.main`, so that it (and its ``--help``) starts without importing the
whole CLI; every other command goes to :func:`foedus.cli.main`. The imports are made when
the command is known, for start-up time.

A ``foedus run``, and a command that answers (:data:`foedus.cli.core.ANSWERS`) and succeeded,
end the process with :func:`os._exit` once stdout and stderr are flushed: the interpreter's
teardown (every module, DuckDB's extension and the connection freed one by one) is 15–20 ms
of a run and 40–70 ms of a warm answer, for nothing; by then whatever they wrote is written
and closed (a run's database is in memory; an answer holds only the database opened
read-only). Every other ending (a refusal, a failure, a tool that writes) runs the exit
handlers as before (docs/decisions/0012-duckdb-extension-import.md).
"""

from __future__ import annotations

import sys
from typing import NoReturn


def console() -> None:
    """Run the command named on the command line."""
    if sys.argv[1:2] == ["run"]:
        from foedus.backends.run import main as run_main

        _end_at_once(run_main(sys.argv[2:]))
    from foedus.cli.core import answered, main

    try:
        main()
    except SystemExit as e:
        if e.code == 0 and answered():
            _end_at_once(0)
        raise


def _end_at_once(code: int) -> NoReturn:
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # e.g. piped into head: not an error of ours
        pass
    os._exit(code)
