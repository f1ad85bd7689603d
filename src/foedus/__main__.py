"""``python -m foedus``: the command line."""

from foedus.cli import main

main()
