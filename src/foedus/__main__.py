"""``python -m foedus``: the command line, as the console script runs it."""

from foedus.console import console

console()
