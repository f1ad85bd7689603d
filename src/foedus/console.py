"""The ``foedus`` console script. ``foedus run`` goes straight to
:func:`foedus.backends.run.main`, so that it (and its ``--help``) starts without importing the
whole CLI; every other command goes to :func:`foedus.cli.main`. The imports are made when
the command is known, for start-up time.

``foedus run`` ends its process with :func:`os._exit` once its output is written and its
streams flushed: the interpreter's teardown (every module and DuckDB's extension freed one by
one) costs 15–20 ms that a one-shot run does not need, and it holds no file or database
open by then (its DuckDB database is in memory and closed).
"""

from __future__ import annotations

import sys


def console() -> None:
    """Run the command named on the command line."""
    if sys.argv[1:2] == ["run"]:
        import os

        from foedus.backends.run import main as run_main

        code = run_main(sys.argv[2:])
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:  # e.g. piped into head: not an error of ours
            pass
        os._exit(code)
    from foedus.cli import main

    main()
