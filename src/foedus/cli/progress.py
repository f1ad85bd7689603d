"""The progress bar of a build: which stage it is in, shown once the build has taken a second.

A build reports each stage to a callback (``progress("table events")``, ``progress("step
fluents")``: :func:`foedus.build.build_corpus`); :class:`BuildProgress` is that callback. It
keeps every stage it was told (:attr:`BuildProgress.stages`) and, on a terminal, draws a Rich
progress bar on stderr naming the current stage, from one second into the build (a quicker
build shows nothing) until its end (then the bar is erased). Nothing is drawn when stdout or
stderr is not a terminal, nor with ``--json``.
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import Any

DELAY = 1.0
"""Seconds a build runs before its progress bar is drawn."""


def on_terminal() -> bool:
    """Whether stdout and stderr are both terminals (a bar is only drawn then)."""
    return sys.stdout.isatty() and sys.stderr.isatty()


class BuildProgress:
    """A build's progress callback: records each stage; draws a bar when ``show``."""

    def __init__(
        self, title: str, show: bool, total: int | None = None, console: Any = None
    ) -> None:
        self.title = title
        self.console = console
        """The Rich console to draw on (default: stderr's)."""
        self.show = show
        self.total = total
        self.stages: list[str] = []
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._closed = False

    def __call__(self, stage: str) -> None:
        with self._lock:
            self.stages.append(stage)
            if self._bar is not None:
                self._bar.update(self._task, advance=1, description=self._describe())

    def _describe(self) -> str:
        return f"{self.title}: {self.stages[-1]}" if self.stages else self.title

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with self._lock:
            if self._closed:
                return
            bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=self.console or Console(stderr=True),
                transient=True,
            )
            self._task = bar.add_task(
                self._describe(), total=self.total, completed=len(self.stages)
            )
            bar.start()
            self._bar = bar

    def __enter__(self) -> BuildProgress:
        if self.show:
            self._timer = threading.Timer(
                max(0.0, DELAY - (time.monotonic() - self.started)), self._start
            )
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._closed = True
            bar, self._bar = self._bar, None
        if bar is not None:
            bar.stop()


def build_progress(title: str, wanted: bool = True) -> BuildProgress:
    """The progress callback of a build named ``title``: drawn when ``wanted`` (not
    ``--json``) and on a terminal (:func:`on_terminal`), with the build's number of stages."""
    from foedus.build import progress_total

    return BuildProgress(title, wanted and on_terminal(), progress_total())
