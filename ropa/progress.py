"""Progress for long runs: a bar on stderr while a large record is read and checked.

Shown only on a terminal, only for records of more than about 512 KiB (a few hundred
processing activities; the shipped record is a tenth of that) or spreadsheets of more than
THRESHOLD_ROWS rows (`ropa import`), and never with --quiet. The
bar is transient: when the run ends it is erased, and stdout is never touched. rich is
imported only when a bar is actually shown.
"""

from __future__ import annotations

import sys
from typing import Any

THRESHOLD_BYTES = 512 * 1024
# `ropa import` counts rows instead: a bar from this many rows of a workbook or CSV file.
THRESHOLD_ROWS = 5_000


class Progress:
    """What the pipeline reports to; this base class shows nothing."""

    def start(self, total_bytes: int) -> None:
        """The record's files have been listed: `total_bytes` will be read."""

    def start_rows(self, total_rows: int) -> None:
        """A spreadsheet of `total_rows` rows will be read (`advance(1)` a row)."""

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
        self._rows_stated: int | None = None  # rows a spreadsheet says it has
        self._rows_read = 0

    def start(self, total_bytes: int) -> None:
        if total_bytes < self.threshold or self._bar is not None:
            return
        self._show("Reading the record", total_bytes, rows=False)

    def start_rows(self, total_rows: int) -> None:
        # A workbook may not state its size (a "write-only" one from openpyxl says nothing):
        # rows are then counted, and the bar appears once THRESHOLD_ROWS have been read.
        self._rows_stated, self._rows_read = total_rows, 0
        if total_rows >= THRESHOLD_ROWS and self._bar is None:
            self._show("Reading the spreadsheet", total_rows, rows=True)

    def _show(self, description: str, total: int | None, rows: bool) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
        )

        console = Console(file=sys.stderr)
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn() if rows else DownloadColumn(),
            console=console,
            transient=True,
            # Output goes where it goes (results on stdout); the bar is closed before it.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._bar.start()
        self._task = self._bar.add_task(description, total=total)

    def advance(self, size: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, size)
        elif self._rows_stated is not None:
            self._rows_read += size
            if self._rows_read >= THRESHOLD_ROWS:
                stated = self._rows_stated
                self._show("Reading the spreadsheet", stated if stated > self._rows_read else None,
                           rows=True)  # fmt: skip
                self.advance(self._rows_read)

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
