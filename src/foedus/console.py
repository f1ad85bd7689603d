"""The ``foedus`` console script. ``foedus run`` goes straight to
:func:`foedus.backends.run.main`, so that it (and its ``--help``) starts without importing the
whole CLI; every other command goes to :func:`foedus.cli.main`. The imports are made when
the command is known, for start-up time.
"""

from __future__ import annotations

import sys


def console() -> None:
    """Run the command named on the command line."""
    if sys.argv[1:2] == ["run"]:
        from foedus.backends.run import main as run_main

        raise SystemExit(run_main(sys.argv[2:]))
    from foedus.cli import main

    main()
