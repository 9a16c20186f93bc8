"""The `ropa` command's entry point (also `python -m ropa`): signals and a closed pipe are
handled here, before anything heavy is imported, so that they end the run the same way at
any moment, start-up included.

- Ctrl-C (SIGINT), SIGTERM and SIGHUP: cleanup runs (no temporary file is left behind, a
  progress bar is closed), then one line `ropa: interrupted` and exit 128 + the signal's
  number: 130, 143, 129, as shells report a process the signal ended.
- A reader that stops early (`ropa processors -f csv | head -1`): no message, exit 141
  (128 + SIGPIPE), what POSIX tools that SIGPIPE ends report.

The exceptions raised for both derive from BaseException, so no `except Exception` on the
way up (typer's own handlers included) can turn them into another exit code.

`ropa --help` into a pipe or a file prints `ropa/data/help.txt`, which is what typer prints
there (a test holds the two together), without importing typer: that import alone takes five
times as long as starting Python. On a terminal, or where an environment variable changes
how typer and rich lay help out, typer prints it.
"""

from __future__ import annotations

import signal


def _exit_now(signum: int, frame: object) -> None:
    # Before `main` takes over, and after its work is done, there is nothing to clean up:
    # say so and go.
    import os

    os.write(2, b"ropa: interrupted\n")
    os._exit(128 + signum)


# First of all, so that even a signal during the imports below ends the run cleanly.
for _name in ("SIGINT", "SIGTERM", "SIGHUP"):
    if hasattr(signal, _name):
        signal.signal(getattr(signal, _name), _exit_now)

import contextlib  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

# SIGHUP and SIGTERM where the platform has them (Windows has SIGINT and SIGTERM only).
_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_PIPE_EXIT = 128 + getattr(signal, "SIGPIPE", 13)


# The variables by which typer and rich lay help out otherwise than in a pipe at 80 columns.
_HELP_LAYOUT = ("COLUMNS", "TERMINAL_WIDTH", "FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS",
                "TTY_COMPATIBLE", "TTY_INTERACTIVE", "TYPER_USE_RICH",
                "_TYPER_FORCE_DISABLE_TERMINAL", "JUPYTER_COLUMNS")  # fmt: skip
# os.path, not pathlib: importing pathlib would cost a tenth of the stored help's time.
HELP_FILE = os.path.join(os.path.dirname(__file__), "data", "help.txt")  # noqa: PTH118, PTH120


def stored_help() -> str | None:
    """The text of `ropa --help` as typer would print it now, if that is the stored one:
    the command is `ropa --help` (or `-h`) itself, stdout is no terminal but UTF-8, and
    nothing in the environment changes the layout. None otherwise."""
    command = os.path.basename(sys.argv[0])  # noqa: PTH119
    if sys.argv[1:] not in (["--help"], ["-h"]) or command != "ropa":
        return None
    if any(os.environ.get(name) for name in _HELP_LAYOUT):
        return None
    stream = sys.stdout
    try:
        if stream is None or stream.isatty():
            return None
    except (OSError, ValueError):
        return None
    if (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
        return None
    try:
        with open(HELP_FILE, encoding="utf-8") as handle:  # noqa: PTH123
            return handle.read()
    except OSError:
        return None


class Interrupted(BaseException):
    """The run was ended by a signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class PipeClosed(BaseException):
    """The reader of stdout went away."""


class _Guarded:
    """A stream (text or its binary buffer) whose writes turn a closed pipe into PipeClosed."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, data: Any) -> Any:
        try:
            if isinstance(data, str) or isinstance(self._stream, io.TextIOBase):
                return self._stream.write(data)
            # A binary stream may take part of the bytes when the reader goes away midway
            # (a pipe's write returns what fit): write the rest, which then fails.
            view = memoryview(data).cast("B")
            while view:
                written = self._stream.write(view)
                if not written:
                    raise PipeClosed
                view = view[written:]
            return len(data)
        except BrokenPipeError:
            raise PipeClosed from None

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise PipeClosed from None

    @property
    def buffer(self) -> _Guarded:
        return _Guarded(self._stream.buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


_SIGNALLED: list[int] = []


def _on_signal(signum: int, frame: Any) -> None:
    if _SIGNALLED:
        return  # one interruption: the cleanup it started runs to its end
    _SIGNALLED.append(signum)
    raise Interrupted(signum)


def _silence_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's last flush at exit finds
    no closed pipe to complain about."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.__stdout__.fileno() if sys.__stdout__ else 1)
    except (OSError, ValueError):
        pass


def main() -> None:
    """Run the `ropa` command line and exit with its code (docs/cli.md, "Exit codes")."""
    for signum in _SIGNALS:
        signal.signal(signum, _on_signal)
    code: int | str | None
    try:
        text = stored_help()
        sys.stdout = _Guarded(sys.stdout)
        if text is not None:
            sys.stdout.write(text)
            code = 0
        else:
            from ropa.cli import run

            try:
                run()
                code = 0
            except SystemExit as exc:  # typer ends every command this way
                code = exc.code
        sys.stdout.flush()  # inside: a reader that left shows here, not at exit
        # The work is done: from here on a signal ends the run at once, the same way.
        for signum in _SIGNALS:
            signal.signal(signum, _exit_now)
    except Interrupted as exc:
        with contextlib.suppress(OSError):
            # On a terminal, after the "^C" it echoed.
            sys.stderr.write("\n" * sys.stderr.isatty() + "ropa: interrupted\n")
        code = 128 + exc.signum
    except PipeClosed:
        _silence_stdout()
        code = _PIPE_EXIT
    _leave(code)


def _leave(code: int | str | None) -> None:
    """Exit with `code` at once. The interpreter's own shutdown is skipped: it restores the
    default signal handlers and waits for threads, so a signal in it would end the run by the
    raw signal or with a traceback. Everything ropa writes is complete and flushed by now."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # SystemExit with a message
        sys.stderr.write(f"{code}\n")
        status = 1
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    main()
