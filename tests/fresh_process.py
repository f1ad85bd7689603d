"""Run a few lines of Python in a fresh interpreter (nothing imported yet) and read what it
printed: for tests of what a path imports."""

from __future__ import annotations

import subprocess
import sys


def fresh_output(code: str) -> str:
    """What ``python -c code`` printed, stripped (it must exit 0)."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    return done.stdout.strip()
