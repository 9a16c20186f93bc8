"""Progress for long runs: a bar on stderr while a large record is read and checked.

Shown only on a terminal, only for records of more than about 512 KiB (a few hundred
processing activities; the shipped record is a tenth of that), and never with --quiet. The
bar is transient: when the run ends it is erased, and stdout is never touched. rich is
imported only when a bar is actually shown.
"""

from __future__ import annotations

import sys
from typing import Any

THRESHOLD_BYTES = 512 * 1024


class Progress:
    """What the pipeline reports to; this base class shows nothing."""

    def start(self, total_bytes: int) -> None:
        """The record's files have been listed: `total_bytes` will be read."""

    def advance(self, size: int) -> None:
        """A file of `size` bytes has been read."""

    def stage(self, description: str) -> None:
        """A later stage has begun (rules, rendering)."""

    def close(self) -> None:
        """The run is over: erase the bar."""


class Bar(Progress):
    """A rich progress bar on stderr, started only for a large record."""

    def __init__(self, threshold: int = THRESHOLD_BYTES) -> None:
        self.threshold = threshold
        self._bar: Any = None
        self._task: Any = None

    def start(self, total_bytes: int) -> None:
        if total_bytes < self.threshold or self._bar is not None:
            return
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        console = Console(file=sys.stderr)
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            console=console,
            transient=True,
            # Output goes where it goes (results on stdout); the bar is closed before it.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._bar.start()
        self._task = self._bar.add_task("Reading the record", total=total_bytes)

    def advance(self, size: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, size)

    def stage(self, description: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=description)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def for_terminal(quiet: bool) -> Progress:
    """A bar if stderr is a terminal and the user did not ask for quiet; else nothing."""
    if quiet or not sys.stderr.isatty():
        return Progress()
    return Bar()
