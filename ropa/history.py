"""Reading the record as it was at a git revision, through git itself.

Files come from `git show REV:path`, so the work tree, the index and the checked-out branch
are never touched. Every failure (git missing, not a repository, an unknown revision, a path
outside the repository, no record at that revision) is a UsageError with a clear message.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ropa.errors import UsageError
from ropa.loader import Document, LoadError, load_bytes
from ropa.problem import Problem


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise UsageError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {args[0]} took longer than 60 seconds") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


class _GitError(Exception):
    pass


@dataclass(frozen=True)
class Repository:
    """A git work tree and the record's folder inside it."""

    root: Path
    folder: str  # the record's folder relative to the root, in git's / form

    @classmethod
    def find(cls, record: Path) -> Repository:
        """The repository around the working directory, and the record folder inside it (the
        folder need not exist in the work tree: it may exist only at older revisions)."""
        start = Path.cwd()
        try:
            root = Path(_git(["rev-parse", "--show-toplevel"], start).decode().strip())
        except _GitError:
            raise UsageError(
                f"{start}: not inside a git repository;"
                " run ropa diff in one, or compare two folders"
            ) from None
        absolute = (Path.cwd() / record).resolve()
        try:
            folder = absolute.relative_to(root.resolve()).as_posix()
        except ValueError:
            raise UsageError(f"{record}: the path is outside the repository {root}") from None
        return cls(root, "" if folder == "." else folder)

    def commit(self, revision: str) -> str:
        """The full commit id for a revision, or a UsageError if there is none."""
        if revision.startswith("-"):
            raise UsageError(f"{revision!r} is not a git revision")
        try:
            return (
                _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], self.root)
                .decode()
                .strip()
            )
        except _GitError:
            raise UsageError(f"{revision!r} is not a commit in {self.root}") from None

    def files(self, commit: str) -> list[str]:
        """The record's YAML files at a commit, sorted."""
        spec = self.folder or "."
        listing = _git(["ls-tree", "-r", "--name-only", "-z", commit, "--", spec], self.root)
        names = sorted(
            name
            for name in listing.decode("utf-8").split("\0")
            if name.endswith((".yaml", ".yml"))
            and not any(part.startswith(".") for part in name.split("/"))
        )
        if not names:
            where = self.folder or "the repository root"
            raise UsageError(f"no record at {commit[:12]}: {where} has no .yaml files there")
        return names

    def load(self, revision: str) -> tuple[str, list[Document], list[Problem]]:
        """Load the record at a revision: (commit, documents, problems of unreadable files)."""
        commit = self.commit(revision)
        documents: list[Document] = []
        problems: list[Problem] = []
        for name in self.files(commit):
            content = _git(["show", f"{commit}:{name}"], self.root)
            try:
                documents.append(load_bytes(content, f"{revision}:{name}"))
            except LoadError as exc:
                problems.append(exc.problem)
        return commit, documents, problems

    def history(self) -> list[tuple[str, str, str]]:
        """(commit, date, subject) of each commit that touched the record, oldest first."""
        spec = self.folder or "."
        try:
            out = _git(["log", "--reverse", "--format=%H%x00%cs%x00%s", "--", spec], self.root)
        except _GitError as exc:
            raise UsageError(f"git log failed: {exc}") from None
        entries = []
        for line in out.decode("utf-8", "replace").splitlines():
            commit, date, subject = line.split("\0", 2)
            entries.append((commit, date, subject))
        return entries
