"""Record files read, and languages rendered, on several processors at once.

Parsing YAML is most of what `validate`, `render` and `export` do on a large record, and one
Python process parses on one processor. Where the record is large (MIN_BYTES or more, in two
files or more) and the machine has more than one processor, ropa forks helper processes
(POSIX only): each parses its share of the files, chosen so that the shares are about equal
in bytes, and sends the loaded documents back through a pipe (pickled: a tenth of the time
parsing takes); the main process parses the rest meanwhile. The documents and problems are
the same, in the same order, as when one process reads every file.

The rules of such a record are run the same way, a group of rules to a process
(`ropa.rules.run`), and `ropa render` of several languages renders them so, a language to a
process (user templates excepted: they stay in one process, under their time limit).

If a helper fails in any way (it is killed, its data does not arrive whole), the main
process does its work itself. `ROPA_JOBS=1` reads every file in the main process;
`ROPA_JOBS=N` uses at most N processes (default: the processors available, at most 4).
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from ropa import schema
from ropa.limits import setting
from ropa.loader import Document, LoadError, load_file
from ropa.problem import Problem

MIN_BYTES = 2 * 1024 * 1024  # below this, forking costs more than it saves
MAX_JOBS = 4
JOBS_VARIABLE = "ROPA_JOBS"

Loaded = Document | Problem
T = TypeVar("T")


def jobs(total: int, files: int) -> int:
    """How many processes to read `files` files of `total` bytes with."""
    wanted = setting(JOBS_VARIABLE, 64)
    if wanted is None:
        available = (
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        )
        wanted = min(MAX_JOBS, available or 1)
    if total < MIN_BYTES or files < 2 or not hasattr(os, "fork"):
        return 1
    if threading.active_count() > 1:  # a fork would copy locks other threads may hold
        return 1
    return min(wanted, files)


def shares(sizes: Sequence[int], count: int) -> list[list[int]]:
    """The files' indexes split into `count` shares of about equal bytes (largest first,
    each to the lightest share), each share in file order."""
    loads = [0] * count
    split: list[list[int]] = [[] for _ in range(count)]
    for index in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        lightest = loads.index(min(loads))
        split[lightest].append(index)
        loads[lightest] += sizes[index]
    return [sorted(share) for share in split]


def _load(path: Path, name: str, composer: str | None) -> tuple[Loaded, tuple[Problem, ...]]:
    try:
        doc = load_file(path, name, composer)
    except LoadError as exc:
        return exc.problem, ()
    return doc, tuple(schema.check(doc))


def load_files(
    files: list[tuple[Path, str]],
    sizes: list[int],
    composer: str | None,
    advance: Callable[[int], None],
    start: Callable[[], None],
) -> list[tuple[Loaded, tuple[Problem, ...]]]:
    """Each file (path, name as problems show it) loaded, or the problem that stopped it,
    with the document's schema problems (`ropa.schema.check`: each process checks what it
    read), in order. `start` is called once the helpers exist (a progress bar's thread must
    not be running when they are forked), `advance(size)` after each file is read."""
    tasks = [functools.partial(_load, path, name, composer) for path, name in files]
    return run(tasks, sizes, jobs(sum(sizes), len(files)), start, advance)


def run(
    tasks: Sequence[Callable[[], T]],
    weights: Sequence[int],
    count: int,
    start: Callable[[], None] = lambda: None,
    done: Callable[[int], None] = lambda weight: None,
) -> list[T]:
    """Each task's result, in order, the tasks shared among `count` processes by weight
    (`jobs` tells how many are worth it). A task that raises raises here, as if the tasks
    had run one after another: the first in order that raised. A helper that fails is
    replaced by the main process, which runs its tasks itself. `start` is called once the
    helpers exist, `done(weight)` as each task's result is in."""
    if count <= 1:
        start()
        results = []
        for task, weight in zip(tasks, weights, strict=True):
            results.append(task())
            done(weight)
        return results
    # The main process also starts the helpers and takes in what they send: it runs the
    # lightest share.
    *theirs, mine = sorted(
        shares(weights, count), key=lambda share: -sum(weights[i] for i in share)
    )
    helpers: list[_Helper] = []
    outcomes: dict[int, tuple[bool, Any]] = {}
    try:
        for share in theirs:
            helpers.append(_fork([tasks[i] for i in share]))
        start()
        for index in mine:
            outcomes[index] = _outcome(tasks[index])
            done(weights[index])
        for share, helper in zip(theirs, helpers, strict=True):
            sent = helper.collect()
            if sent is None or len(sent) != len(share):
                sent = [_outcome(tasks[index]) for index in share]
            for index, outcome in zip(share, sent, strict=True):
                outcomes[index] = outcome
                done(weights[index])
    finally:
        for helper in helpers:
            helper.end()
    results = []
    for index in range(len(tasks)):
        ok, value = outcomes[index]
        if not ok:
            raise value
        results.append(value)
    return results


def _outcome(task: Callable[[], Any]) -> tuple[bool, Any]:
    """(True, the task's result) or (False, the exception it raised)."""
    try:
        return True, task()
    except Exception as exc:  # raised in order by `run`
        return False, exc


@dataclass
class _Helper:
    pid: int
    reader: BinaryIO
    reaped: bool = False

    def collect(self) -> list[tuple[bool, Any]] | None:
        """What the helper sent, or None when it did not arrive whole."""
        try:
            payload = self.reader.read()
            _, status = os.waitpid(self.pid, 0)
        except OSError:
            return None
        self.reaped = True
        if status != 0 or not payload:
            return None
        try:
            sent = pickle.loads(payload)  # noqa: S301 - from our own child process
        except Exception:
            return None
        return sent if isinstance(sent, list) else None

    def end(self) -> None:
        """Close the pipe; a helper still running (the run was interrupted) is stopped."""
        with contextlib.suppress(OSError):
            self.reader.close()
        if not self.reaped:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self.pid, 0)
            self.reaped = True


def _fork(tasks: list[Callable[[], Any]]) -> _Helper:
    """A helper process that runs `tasks` and writes their outcomes, pickled, to a pipe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper: nothing it does may reach the parent's streams or cleanup
        status = 1
        try:
            os.close(read_end)
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(signum, signal.SIG_DFL)
            payload = pickle.dumps([_outcome(task) for task in tasks], pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
        except BaseException:  # noqa: S110 - the parent runs these tasks itself
            pass
        finally:
            os._exit(status)
    os.close(write_end)
    return _Helper(pid, os.fdopen(read_end, "rb"))
