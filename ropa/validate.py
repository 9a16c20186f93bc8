"""The validation pipeline: files -> strict load -> schema -> rules -> a result."""

from __future__ import annotations

import datetime
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ropa import countries, files, parallel, schema
from ropa.dates import given_day
from ropa.errors import UsageError
from ropa.files import CATALOGS
from ropa.limits import FILE_BYTES
from ropa.loader import (
    RULE_CHARACTERS,
    RULE_DOCUMENT,
    Document,
    LoadError,
    load_bytes,
    max_file_bytes,
)
from ropa.problem import Problem, Severity
from ropa.progress import Progress
from ropa.record import Record

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_INPUT = 2


@dataclass(frozen=True)
class Result:
    """Everything `ropa validate` found."""

    files: tuple[str, ...]
    problems: tuple[Problem, ...]
    unreadable: int
    # The files that could be read, for commands that go on to render or export them.
    documents: tuple[Document, ...] = field(default=(), compare=False, repr=False)
    # The record's own catalog folder, for `Record.catalogs` (see `catalog_folder`).
    catalogs: Path | None = field(default=None, compare=False, repr=False)
    # The day the record was judged on (review dates, expiring adequacy decisions).
    today: datetime.date = field(default=datetime.date.min, compare=False, repr=False)
    # Files below the record's folder left out of it, with why (named under --verbose).
    skipped: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)

    @property
    def errors(self) -> int:
        return sum(p.severity is Severity.ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity is Severity.WARNING for p in self.problems)

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 problems (warnings count with strict), 2 a file could not be read."""
        if self.unreadable:
            return EXIT_INPUT
        if self.errors or (strict and self.warnings):
            return EXIT_PROBLEMS
        return EXIT_OK


def display_name(path: Path) -> str:
    """How problems name a file: relative to the working directory when inside it."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def catalog_folder(path: Path) -> Path:
    """Where the record at `path` keeps its own boilerplate catalogs: `locale/` in its folder,
    or beside a one-file record (absolute; it need not exist); for a record on standard
    input, in the working folder."""
    if path == STDIN:
        return Path.cwd() / CATALOGS
    return (path if path.is_dir() else path.parent).absolute() / CATALOGS


@dataclass
class Loaded:
    """A record's files as read: their names (as problems show them), the documents that
    could be read, a problem for each that could not, and the files left out, with why."""

    names: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    size: int = 0  # the bytes of the files read, where known (how many processes to use)
    # Each document's schema problems, where they were found as it was read (`read`), in
    # the order of `documents`; else `check` finds them.
    checked: list[tuple[Problem, ...]] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        """The names of the files read, as `Result.files` has them."""
        return self.names


STDIN = Path("-")
STDIN_NAME = "<stdin>"


def read(path: Path, composer: str | None = None, progress: Progress | None = None) -> Loaded:
    """Read the record at `path` in the work tree (see `ropa.files` for which files); `-`
    is a one-file record read from standard input, named `<stdin>` in problems."""
    if path == STDIN:
        return _read_stdin(composer)
    loaded = Loaded()
    progress = progress or Progress()
    listing = files.on_disk(path)
    loaded.skipped = [
        (display_name(Path(name)) + ("/" if name.endswith(os.sep) else ""), why)
        for name, why in listing.skipped
    ]
    for name, why in listing.unreadable:
        loaded.problems.append(unreadable(display_name(Path(name)), why))
    sizes = [_size(file) for file in listing.files]
    loaded.names = [display_name(file) for file in listing.files]
    max_file_bytes()  # a wrong setting is a usage error before any file is read
    loaded.size = sum(sizes)
    found = parallel.load_files(
        list(zip(listing.files, loaded.names, strict=True)), sizes, composer,
        progress.advance, lambda: progress.start(loaded.size),
    )  # fmt: skip
    for item, schema_problems in found:
        if isinstance(item, Problem):
            loaded.problems.append(item)
        else:
            loaded.documents.append(item)
            loaded.checked.append(schema_problems)
    return loaded


def _read_stdin(composer: str | None) -> Loaded:
    loaded = Loaded(names=[STDIN_NAME])
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None or sys.stdin.isatty():
        raise UsageError("-: give the record on standard input (ropa validate - < record.yaml)")
    limit = max_file_bytes()
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        loaded.problems.append(
            Problem(STDIN_NAME, 1, 1, Severity.ERROR, RULE_CHARACTERS,
                    f"the input is over {limit:,} bytes, the limit of a file (set"
                    f" {FILE_BYTES.variable} to raise it)")
        )  # fmt: skip
        return loaded
    try:
        loaded.documents.append(load_bytes(raw, STDIN_NAME, composer))
    except LoadError as exc:
        loaded.problems.append(exc.problem)
    return loaded


def unreadable(name: str, why: str) -> Problem:
    """The problem of a record file that cannot be read at all (exit 2)."""
    return Problem(name, 1, 1, Severity.ERROR, RULE_DOCUMENT, f"cannot read file: {why}")


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0  # reported when the file is read


def today() -> datetime.date:
    """Today's date; ROPA_TODAY=YYYY-MM-DD fixes it for reproducible runs."""
    fixed = os.environ.get("ROPA_TODAY")
    if fixed:
        return given_day(fixed, f"ROPA_TODAY={fixed!r}")
    return datetime.date.today()


def validate(
    path: Path,
    on: datetime.date | None = None,
    composer: str | None = None,
    progress: Progress | None = None,
) -> Result:
    """Check the record at `path` in the work tree (see `check`)."""
    return check(read(path, composer, progress), catalog_folder(path), on, progress)


def check(
    loaded: Loaded,
    catalogs: Path,
    on: datetime.date | None = None,
    progress: Progress | None = None,
) -> Result:
    """Check a record as read: load errors, then schema errors, then (if the schema passes)
    the rules, judged as of `on` (default: `today()`)."""
    progress = progress or Progress()
    on = on or today()
    documents = loaded.documents
    problems = list(loaded.problems)
    unreadable = len(problems)
    checked = loaded.checked if len(loaded.checked) == len(documents) else None
    for index, doc in enumerate(documents):
        problems.extend(checked[index] if checked is not None else schema.check(doc))
    # Rules read the record's structure; run them once every file has the right shape, so
    # one typo does not cascade into misleading cross-reference findings.
    if not problems:
        from ropa import rules

        progress.stage("Checking the rules")
        record = Record.assemble(documents)
        record.catalogs = catalogs
        context = rules.Context(record, countries.load(), on)
        # A large record's rules run in several processes, as its files were read.
        problems.extend(rules.run(context, parallel.jobs(loaded.size, len(documents))))
    return Result(
        files=tuple(loaded.names),
        problems=tuple(sorted(set(problems))),
        unreadable=unreadable,
        documents=tuple(documents),
        catalogs=catalogs,
        today=on,
        skipped=tuple(loaded.skipped),
    )
