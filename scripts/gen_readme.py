"""Write the sample output of README.md from the real output of its example commands.

    python scripts/gen_readme.py          # rewrite README.md's ```console blocks
    python scripts/gen_readme.py --check  # exit 1 if README.md differs

Each ``$ foedus ...`` line of a ```console block of README.md is run (on the bundled corpus,
80 columns, as a pipe gets it: no colour) and the lines below it, up to the next ``$`` line,
are its output. A command may be piped into ``head -N`` (its first N lines) or into
``jq -r '.KEY[].FIELD'`` (that field of each element of the JSON list). A test
(tests/test_readme.py) fails when README.md differs from a fresh generation.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
WIDTH = 80
_ENV = {
    "COLUMNS": str(WIDTH),
    "LINES": "50",
    "TERM": "dumb",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
    "FOEDUS_DEBUG": None,
}
_BLOCK = re.compile(r"(```console\n)(.*?)(```)", re.S)
_JQ = re.compile(r"^\.(\w+)\[\]\.(\w+)$")


def _pipe(text: str, stage: list[str]) -> str:
    """``text`` through one stage of a pipeline: ``head -N`` or ``jq -r '.KEY[].FIELD'``."""
    if stage[:1] == ["head"] and len(stage) == 2 and stage[1].startswith("-"):
        return "".join(text.splitlines(keepends=True)[: int(stage[1][1:])])
    match = _JQ.match(stage[-1]) if stage[:2] == ["jq", "-r"] and len(stage) == 3 else None
    if match is None:
        raise ValueError(f"README.md: a pipe this script does not run: {shlex.join(stage)}")
    data: Any = json.loads(text)
    return "".join(f"{item[match.group(2)]}\n" for item in data[match.group(1)])


def run(command: str) -> str:
    """The output of one README command line (without its ``$ ``), trailing blanks removed."""
    from typer.testing import CliRunner

    from foedus.cli import app

    stages: list[list[str]] = [[]]
    for word in shlex.split(command):
        if word == "|":
            stages.append([])
        else:
            stages[-1].append(word)
    first = stages[0]
    if first[:1] != ["foedus"]:
        raise ValueError(f"README.md: not a foedus command: {command}")
    result = CliRunner().invoke(app, first[1:], env=_ENV, color=False)
    if result.exit_code != 0:
        raise RuntimeError(f"README.md: {command} failed: {result.stderr or result.output}")
    out = result.stdout
    for stage in stages[1:]:
        out = _pipe(out, stage)
    return "\n".join(line.rstrip() for line in out.splitlines())


def _block(body: str) -> str:
    """A console block with each command's output made afresh."""
    out: list[str] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            if out:
                out.append("")
            out.append(line)
            out.extend(run(line[2:]).splitlines())
    return "\n".join(out) + "\n"


def render(text: str | None = None) -> str:
    """README.md with every console block's output made afresh."""
    source = README.read_text(encoding="utf-8") if text is None else text
    return _BLOCK.sub(lambda m: m.group(1) + _block(m.group(2)) + m.group(3), source)


def main(argv: list[str]) -> int:
    if argv in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    if argv not in ([], ["--check"]):  # a typo ('--chek') must not rewrite the file
        print(
            f"usage: python scripts/gen_readme.py [--check] (not {' '.join(argv)})", file=sys.stderr
        )
        return 2
    fresh = render()
    if "--check" in argv:
        if README.read_text(encoding="utf-8") != fresh:
            print("README.md is stale: run python scripts/gen_readme.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    print(README)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
