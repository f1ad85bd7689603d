"""Write docs/cli.md, the CLI reference, from each command's ``--help``.

    python scripts/gen_cli_docs.py          # rewrite docs/cli.md
    python scripts/gen_cli_docs.py --check  # exit 1 if docs/cli.md differs

The help is rendered 100 columns wide without colour, whatever the terminal; a test
(tests/test_contract.py) fails when docs/cli.md differs from a fresh generation.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cli.md"
WIDTH = 100
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_ENV = {
    "COLUMNS": str(WIDTH),
    "LINES": "50",
    "TERM": "dumb",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "PY_COLORS": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
    "GITHUB_ACTIONS": None,
    "TERMINAL_WIDTH": None,
}

HEADER = """# CLI reference

Generated from each command's `--help` by `python scripts/gen_cli_docs.py`; do not edit by
hand (a test fails when this file differs from a fresh generation). Every query command also
accepts `--corpus PATH`, `--perspective NAME`, `--assume FILE` and `--json` after its name;
with `--json` it prints exactly one JSON object on success (the shapes: `src/foedus/schema/
contract.schema.json`, and [api.md](api.md) for the same queries over HTTP). Exit codes: 0 on
success, 2 on a user error (one line on stderr, nothing on stdout), 1 on an internal error or
when a build runs out of memory or disk (one line naming the build stage and what to do), 130
when interrupted by Ctrl-C (`interrupted` on stderr; a build leaves its database whole or not
at all).
"""


def help_text(args: list[str]) -> str:
    """``foedus ARGS --help`` as plain text, trailing blanks removed."""
    import typer.rich_utils as rich_utils
    from typer.testing import CliRunner

    from foedus.cli import app

    rich_utils.MAX_WIDTH = WIDTH  # read from the environment at import; fixed here
    rich_utils.FORCE_TERMINAL = False
    result = CliRunner().invoke(app, [*args, "--help"], prog_name="foedus", env=_ENV, color=False)
    if result.exit_code != 0:
        raise RuntimeError(f"foedus {' '.join(args)} --help failed: {result.output}")
    lines = [line.rstrip() for line in _ANSI.sub("", result.stdout).splitlines()]
    return "\n".join(lines).strip("\n")


def commands() -> list[str]:
    """The command names, in the order of the table of commands (the CLI's order)."""
    from foedus.commands import COMMANDS

    return [c.name for c in COMMANDS]


def render() -> str:
    """The whole of docs/cli.md."""
    names = commands()
    parts = [HEADER, "## foedus\n", "```text\n" + help_text([]) + "\n```\n"]
    for name in names:
        parts += [f"## foedus {name}\n", "```text\n" + help_text([name]) + "\n```\n"]
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    if argv in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    if argv not in ([], ["--check"]):  # a typo ('--chek') must not rewrite the file
        print(
            f"usage: python scripts/gen_cli_docs.py [--check] (not {' '.join(argv)})",
            file=sys.stderr,
        )
        return 2
    text = render()
    if "--check" in argv:
        if DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run python scripts/gen_cli_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(DOC)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
