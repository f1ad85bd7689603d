"""Build hook: the web page is built (npm ci + Vite, in web/) whenever the package is built.

Everything else about the package is in pyproject.toml. ``build_py`` runs for ``pip install .``
(a wheel) and for ``pip install -e .`` (an editable install) alike; before copying the package
it runs :func:`build_web`, which writes the page into ``src/foedus/server/static/`` (so the
package data of the wheel includes it, and an editable install serves it in place).

Without Node.js and npm the hook warns and skips: the HTTP API still works, without the page.
``FOEDUS_SKIP_WEB=1`` skips it on purpose; ``FOEDUS_WEB_REQUIRED=1`` turns a failed or skipped
build into an error (for CI). A build is skipped when the page is newer than every input.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
WEB = ROOT / "web"
STATIC = ROOT / "src" / "foedus" / "server" / "static"
INPUTS = ("package.json", "package-lock.json", "index.html", "vite.config.js", "src")


def _say(message: str) -> None:
    print(f"foedus web build: {message}", file=sys.stderr, flush=True)


def _newest_input() -> float:
    times = []
    for name in INPUTS:
        path = WEB / name
        files = path.rglob("*") if path.is_dir() else [path]
        times.extend(f.stat().st_mtime for f in files if f.is_file())
    return max(times, default=0.0)


def _up_to_date() -> bool:
    index = STATIC / "index.html"
    return index.is_file() and index.stat().st_mtime >= _newest_input()


def build_web() -> bool:
    """``npm ci`` and ``vite build`` in web/; True when the page is there afterwards."""
    required = os.environ.get("FOEDUS_WEB_REQUIRED") == "1"

    def skip(why: str) -> bool:
        if required:
            raise SystemExit(f"foedus web build: {why} (FOEDUS_WEB_REQUIRED=1)")
        _say(f"WARNING: {why}; the web page is not built (the HTTP API works without it). "
             "See docs/web.md.")
        return False

    if os.environ.get("FOEDUS_SKIP_WEB") == "1":
        return skip("skipped (FOEDUS_SKIP_WEB=1)")
    if not (WEB / "package.json").is_file():
        return (STATIC / "index.html").is_file() or skip("no web/ folder in this source tree")
    if _up_to_date() and os.environ.get("FOEDUS_WEB_FORCE") != "1":
        _say(f"{STATIC.relative_to(ROOT)} is up to date")
        return True
    npm = shutil.which("npm")
    if npm is None:
        return skip("npm not found (install Node.js 20 or later)")
    try:
        if not (WEB / "node_modules" / ".package-lock.json").is_file() or (
                (WEB / "package-lock.json").stat().st_mtime
                > (WEB / "node_modules" / ".package-lock.json").stat().st_mtime):
            _say("npm ci")
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True)
        _say("vite build")
        subprocess.run([npm, "run", "build"], cwd=WEB, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        return skip(f"the build failed ({e})")
    _say(f"built the page into {STATIC.relative_to(ROOT)}")
    return True


class BuildPyWithWeb(build_py):
    """``build_py`` that builds the web page first, so that it is package data."""

    def run(self) -> None:
        build_web()
        super().run()


setup(cmdclass={"build_py": BuildPyWithWeb})
