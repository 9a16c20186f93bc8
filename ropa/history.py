"""Reading the record from git: at a revision, in the index, and along the history.

One module reads the repository, for `diff`, `changelog`, `render --changelog` and
`validate --staged`. Objects come through one long-lived `git cat-file --batch` process; lists
come from plumbing with NUL-separated output (`-z`), so no file name or commit subject can
break a line apart. File names are bytes to git; here they are `str` decoded with
`surrogateescape` (any name round-trips) and shown with `ropa.files.shown`. Which files make
the record is `ropa.files.skip_reason`, the rule validate applies to the work tree; symbolic
links inside the tree are followed, with protection against loops.

History follows the first-parent line of HEAD: a change merged from a branch counts from the
merge, once. A shallow clone is refused (its history would be silently incomplete), as is a
missing git. Every failure is a `UsageError` with one clear line; the work tree, the index and
the checked-out branch are never changed.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import subprocess
import threading
import weakref
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, Union

from ropa.errors import UsageError
from ropa.files import shown, skip_reason
from ropa.incremental import reparse
from ropa.loader import Document, LoadError, load_bytes, max_file_bytes, normalise
from ropa.problem import Problem
from ropa.validate import Loaded, unreadable

TREE, LINK, GITLINK = "40000", "120000", "160000"
_SPECIAL = frozenset((TREE, LINK, GITLINK))
MAX_LINKS = 40  # symbolic links followed for one path, as the operating system allows
TIMEOUT = 120  # seconds for one plumbing command
PIPE_BYTES = 1 << 20  # buffer for what git writes to us
BATCH = 256  # objects asked of `git cat-file --batch` at once (requests fit a pipe's buffer)
NO_GIT = "git is not installed (or not on PATH); it is needed to read the record from git"

# A tree as git stores it (its object id) or the index as a nested mapping.
Ref = Union[str, "Folder"]
Folder = dict[str, tuple[str, Ref]]  # name -> (mode, object id or sub-folder)


class _GitError(Exception):
    pass


def _git(args: list[str | bytes], cwd: Path) -> bytes:
    """Run a git plumbing command; its stdout, or `_GitError` with git's last line."""
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            capture_output=True,
            check=False,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise UsageError(NO_GIT) from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {args[0]!s} took longer than {TIMEOUT} seconds") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _GitError(shown(lines[-1]) if lines else f"git {args[0]!s} failed")
    return done.stdout


def _name(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _literal(path: str) -> bytes:
    """A pathspec that matches `path` exactly (no glob characters), as bytes."""
    return b":(literal)" + (path or ".").encode("utf-8", "surrogateescape")


class _Objects:
    """Git objects read through one `git cat-file --batch` process, started on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._process: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        try:
            process = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=PIPE_BYTES,
            )
        except FileNotFoundError:
            raise UsageError(NO_GIT) from None
        # A larger pipe lets git write whole files without waiting for each read (Linux).
        with contextlib.suppress(OSError, ValueError, AttributeError):
            import fcntl

            assert process.stdout is not None
            fcntl.fcntl(process.stdout.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
        weakref.finalize(self, _stop, process)
        return process

    def read(self, oid: str) -> tuple[str, bytes]:
        """(type, content) of the object `oid`; UsageError if git does not have it."""
        return self.read_many([oid])[oid]

    def read_many(self, oids: list[str]) -> dict[str, tuple[str, bytes]]:
        """(type, content) of each object, asked for together: one round trip to git for
        many objects instead of one each. UsageError if git lacks one."""
        if self._process is None:
            self._process = self._start()
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        found: dict[str, tuple[str, bytes]] = {}
        # Requests are written before answers are read: at most what the pipe to git holds
        # without blocking (64 KiB on Linux; 41 bytes a request), so git never waits on us
        # while we wait on it.
        for at in range(0, len(oids), BATCH):
            window = oids[at : at + BATCH]
            try:
                stdin.write(b"".join(oid.encode("ascii") + b"\n" for oid in window))
                stdin.flush()
                for oid in window:
                    header = stdout.readline().split()
                    if len(header) != 3:
                        raise UsageError(f"git has no object {oid} (is the repository complete?)")
                    content = _read_exactly(stdout, int(header[2]))
                    stdout.read(1)  # the newline after each object
                    found[oid] = (header[1].decode("ascii"), content)
            except (BrokenPipeError, ValueError):
                raise UsageError("git cat-file stopped unexpectedly") from None
        return found


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise UsageError("git cat-file stopped unexpectedly")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - git does not hang on EOF
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


@dataclass(frozen=True)
class Commit:
    """One commit of the first-parent line that changed the record."""

    id: str
    time: str  # the commit's time in UTC, RFC 3339: 2025-04-01T08:00:00Z
    subject: str

    @property
    def date(self) -> str:
        """The commit's day in UTC, YYYY-MM-DD (one calendar for commits made anywhere)."""
        return self.time[:10]


@dataclass
class Snapshot:
    """The record's files at one commit (or in the index), in a stable order."""

    files: list[tuple[str, str]] = field(default_factory=list)  # (path from the root, blob id)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    # Paths outside the record's folder that its symbolic links lead to.
    outside: set[str] = field(default_factory=set)
    # Record files that cannot be read: links that lead nowhere (path, reason).
    unreadable: list[tuple[str, str]] = field(default_factory=list)


class Repository:
    """A git repository and the record's path inside it.

    `folder` is the record's folder (or one-file record) relative to the root, in git's
    `/` form ("" for the root itself); it need not exist in the work tree.
    """

    def __init__(self, root: Path, folder: str) -> None:
        self.root = root
        self.folder = folder
        self._objects = _Objects(root)
        self._trees: dict[str, Folder] = {}
        self._entries: dict[bytes, tuple[str, tuple[str, str]]] = {}  # for _parse_tree
        # (folder from the root, from the record's folder) -> file name -> (its path from
        # the root, as shown where it is left out; why it is left out, or None)
        self._files: dict[
            tuple[tuple[str, ...], tuple[str, ...]], dict[str, tuple[str, str | None]]
        ] = {}
        # Each file version read, by blob id (named as first read; renamed where asked).
        self._documents: dict[str, Document | Problem] = {}
        self._snapshots: dict[str, Snapshot | UsageError] = {}
        self._latest: dict[str, Document] = {}  # the last version read of each path
        self._roots: dict[str, str] = {}  # commit -> its root tree
        self._fetched: dict[str, bytes] = {}  # file versions read ahead, not parsed yet
        self._reader: _Objects | None = None  # a second cat-file, for reading ahead
        self._pending: tuple[threading.Thread, list[Any]] | None = None

    @classmethod
    def find(cls, record: Path) -> Repository:
        """The repository around the working directory, and `record` inside it.

        Raises UsageError when git is missing, the working directory is not in a repository,
        or `record` lies outside it.
        """
        start = Path.cwd()
        try:
            root = Path(os.fsdecode(_git(["rev-parse", "--show-toplevel"], start).rstrip(b"\n")))
        except _GitError:
            raise UsageError(
                f"{start}: not inside a git repository (ropa diff also compares two folders)"
            ) from None
        absolute = (start / record).resolve()
        try:
            folder = absolute.relative_to(root.resolve()).as_posix()
        except ValueError:
            raise UsageError(f"{record}: the path is outside the repository {root}") from None
        return cls(root, "" if folder == "." else folder)

    def commit(self, revision: str) -> str:
        """The full commit id of a revision; UsageError if there is none."""
        if revision.startswith("-"):
            raise UsageError(f"{revision!r} is not a git revision")
        try:
            found = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], self.root)
        except _GitError:
            shallow = " (the clone is shallow: fetch its full history)" if self._shallow() else ""
            raise UsageError(f"{revision!r} is not a commit in {self.root}{shallow}") from None
        return found.decode("ascii").strip()

    # -- trees ------------------------------------------------------------------------------

    def _tree(self, ref: Ref) -> Folder:
        if not isinstance(ref, str):
            return ref
        cached = self._trees.get(ref)
        if cached is None:
            cached = self._store_tree(ref, *self._objects.read(ref))
        return cached

    def _store_tree(self, ref: str, kind: str, content: bytes) -> Folder:
        if kind != "tree":
            raise UsageError(f"git object {ref} is a {kind}, not a tree")
        tree = self._trees[ref] = _parse_tree(content, len(ref) // 2, self._entries)
        return tree

    def _root_tree(self, commit: str) -> str:
        root = self._roots.get(commit)
        if root is None:
            root = self._store_root(commit, *self._objects.read(commit))
        return root

    def _store_root(self, commit: str, kind: str, content: bytes) -> str:
        if kind != "commit" or not content.startswith(b"tree "):
            raise UsageError(f"git object {commit} is not a commit")
        root = self._roots[commit] = content[5 : content.index(b"\n")].decode("ascii")
        return root

    def _prefetch_trees(self, commits: list[str]) -> None:
        """Read the trees on the way to the record's folder for many commits at once, level
        by level (one round trip to git per level instead of one per tree)."""
        wanted = [commit for commit in commits if commit not in self._roots]
        for commit, (kind, content) in self._objects.read_many(wanted).items():
            self._store_root(commit, kind, content)
        level = {self._roots[commit] for commit in commits}
        parts = self.folder.split("/") if self.folder else []
        for depth in range(len(parts) + 1):
            wanted = sorted(tree for tree in level if tree not in self._trees)
            for tree, (kind, content) in self._objects.read_many(wanted).items():
                self._store_tree(tree, kind, content)
            if depth == len(parts):
                break
            down = (self._trees[tree].get(parts[depth]) for tree in level)
            level = {e[1] for e in down if e and e[0] == TREE and isinstance(e[1], str)}

    def prefetch(self, commits: list[Commit], following: list[Commit] | None = None) -> None:
        """Have the file versions of these commits' records read from git (those not read
        yet), for `documents`; and start reading those of `following` in the background,
        through a second `git cat-file`, while these are being worked on."""
        self._wait()
        wanted = self._unread(commits)
        if wanted:
            for oid, (_, content) in self._objects.read_many(wanted).items():
                self._fetched[oid] = content
        ahead = [oid for oid in self._unread(following or []) if oid not in wanted]
        if ahead:
            if self._reader is None:
                self._reader = _Objects(self.root)
            reader = self._reader
            box: list[dict[str, tuple[str, bytes]] | BaseException] = []

            def fetch() -> None:
                try:
                    box.append(reader.read_many(ahead))
                except BaseException as exc:  # handed to the main thread by _wait
                    box.append(exc)

            thread = threading.Thread(target=fetch, daemon=True)
            thread.start()
            self._pending = (thread, box)

    def _unread(self, commits: list[Commit]) -> list[str]:
        wanted: list[str] = []
        for commit in commits:
            with contextlib.suppress(UsageError):
                for _, oid in self.snapshot(commit.id).files:
                    if oid not in self._documents and oid not in self._fetched:
                        wanted.append(oid)
        return list(dict.fromkeys(wanted))

    def _wait(self) -> None:
        """Take in what the background read has brought."""
        if self._pending is None:
            return
        thread, box = self._pending
        self._pending = None
        thread.join()
        found = box[0]
        if isinstance(found, BaseException):
            raise found
        for oid, (_, content) in found.items():
            self._fetched[oid] = content

    def _lookup(
        self, root: Ref, parts: tuple[str, ...], links: int = 0
    ) -> tuple[str, Ref, tuple[str, ...]] | None:
        """(mode, object, real path) at `parts` below `root`, following symbolic links
        inside the tree; None when nothing is there. Raises `_Nowhere` with the reason when
        a symbolic link on the way leads nowhere git can follow."""
        node: Ref = root
        mode = TREE
        for index, part in enumerate(parts):
            if mode != TREE:
                return None
            entry = self._tree(node).get(part)
            if entry is None:
                if links:
                    raise _Nowhere("a broken symbolic link (nothing is where it leads)")
                return None
            mode, node = entry
            if mode == LINK:
                if links >= MAX_LINKS:
                    raise _Nowhere("a loop of symbolic links")
                assert isinstance(node, str)
                target = _name(self._objects.read(node)[1])
                joined = _join(parts[:index], target)
                if joined is None:
                    raise _Nowhere(
                        f"a symbolic link to {shown(target)}, outside the repository (git holds"
                        " only the link, not the file)"
                    )
                return self._lookup(root, joined + parts[index + 1 :], links + 1)
        return mode, node, parts

    def snapshot_at(self, root: Ref) -> Snapshot:
        """The record's files in the tree `root` (a tree id, or the index as folders).

        Raises UsageError when nothing is at the record's path.
        """
        folder = tuple(self.folder.split("/")) if self.folder else ()
        snapshot = Snapshot()
        try:
            found = self._lookup(root, folder)
        except _Nowhere as exc:
            raise UsageError(f"{shown(self.folder or '.')} is {exc}") from None
        if found is None:
            raise UsageError(f"{shown(self.folder or '.')} is not there")
        mode, node, real = found
        if mode != TREE:
            assert isinstance(node, str)
            snapshot.files.append(("/".join(real), node))
            return snapshot
        # In each folder by name, a sub-folder's files where its name falls: the files come
        # in the order of their paths' parts, whatever the tree's own order.
        self._walk(root, node, real, (), snapshot, set(), real)
        if not snapshot.files:
            raise UsageError(f"{shown(self.folder or '.')} has no .yaml or .yml files")
        return snapshot

    def _walk(
        self,
        root: Ref,
        node: Ref,
        real: tuple[str, ...],
        below: tuple[str, ...],
        snapshot: Snapshot,
        ancestors: set[int | str],
        top: tuple[str, ...],
    ) -> None:
        """Add the files below `node` (at `real` from the root, `below` from the record's
        folder `top`) to `snapshot`."""
        key: int | str = node if isinstance(node, str) else id(node)
        if key in ancestors:
            snapshot.skipped.append((shown("/".join(real)) + "/", "a symbolic link loop"))
            return
        # What makes a file part of the record is its path alone: looked at once.
        files = self._files.setdefault((real, below), {})
        for name, (mode, child) in sorted(self._tree(node).items()):
            parts = (*below, name)
            if mode not in _SPECIAL:
                known = files.get(name)
                if known is None:
                    reason = skip_reason(parts)
                    path_name = "/".join((*real, name))
                    known = files[name] = (
                        path_name if reason is None else shown(path_name),
                        reason,
                    )
                if known[1] is None:
                    assert isinstance(child, str)
                    snapshot.files.append((known[0], child))
                else:
                    snapshot.skipped.append((known[0], known[1]))
                continue
            path = (*real, name)
            shown_path = shown("/".join(path))
            if mode == LINK:
                try:
                    found = self._lookup(root, path)
                except _Nowhere as exc:
                    # A record file that leads nowhere is a problem: the record would lack it.
                    named = skip_reason(parts) is None
                    (snapshot.unreadable if named else snapshot.skipped).append(
                        ("/".join(path) if named else shown_path, str(exc))
                    )
                    continue
                assert found is not None  # a link's own entry is there
                mode, child, target = found
                if target[: len(top)] != top:
                    snapshot.outside.add("/".join(target))
            if mode == TREE:
                reason = skip_reason(parts, folder=True)
                if reason is None:
                    self._walk(root, child, path, parts, snapshot, ancestors | {key}, top)
                else:
                    snapshot.skipped.append((shown_path + "/", reason))
            elif mode == GITLINK:
                snapshot.skipped.append((shown_path, "a git submodule"))
            else:
                reason = skip_reason(parts)
                if reason is None:
                    assert isinstance(child, str)
                    snapshot.files.append(("/".join(path), child))
                else:
                    snapshot.skipped.append((shown_path, reason))

    def snapshot(self, commit: str) -> Snapshot:
        """The record's files at a commit; UsageError when it has none there."""
        cached = self._snapshots.get(commit)
        if cached is None:
            try:
                cached = self.snapshot_at(self._root_tree(commit))
            except UsageError as exc:
                cached = exc
            self._snapshots[commit] = cached
        if isinstance(cached, UsageError):
            raise cached
        return cached

    # -- documents --------------------------------------------------------------------------

    def documents(
        self, snapshot: Snapshot, label: str = "", names: dict[str, str] | None = None
    ) -> tuple[list[str], list[Document], list[Problem]]:
        """Read a snapshot's files: (names, documents, problems of unreadable files).

        A file is named `names[path]`, or else `label` + its path from the repository root;
        each blob is read and parsed once, however many commits hold it, and where
        the file was read before under that name, only the list item that changed is parsed
        (`ropa.incremental`).
        """
        shown_names: list[str] = []
        documents: list[Document] = []
        problems: list[Problem] = [
            unreadable(names[path] if names else f"{label}{shown(path)}", why)
            for path, why in snapshot.unreadable
        ]
        for path, oid in snapshot.files:
            name = names[path] if names else f"{label}{shown(path)}"
            shown_names.append(name)
            loaded = self._documents.get(oid)
            if loaded is None:
                content = self._fetched.pop(oid, None)
                if content is None:
                    content = self._objects.read(oid)[1]
                loaded = self._documents[oid] = self._parse(content, name, path)
                if isinstance(loaded, Document):
                    self._latest[path] = loaded
            if isinstance(loaded, Problem):
                problems.append(loaded if loaded.file == name else replace(loaded, file=name))
            else:
                documents.append(loaded if loaded.name == name else replace(loaded, name=name))
        return shown_names, documents, problems

    def _parse(self, content: bytes, name: str, path: str) -> Document | Problem:
        """A file version read: from the last version read of the file at `path` where only
        a part changed, else as a whole (which also words every problem)."""
        previous = self._latest.get(path)
        if previous is not None and len(content) <= max_file_bytes():
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                text = ""
            if text and not text.startswith("\ufeff"):
                document = reparse(previous, normalise(text), name)
                if document is not None:
                    return document
        try:
            return load_bytes(content, name)
        except LoadError as exc:
            return exc.problem

    def load(self, revision: str) -> tuple[str, Loaded]:
        """The record at a revision: its commit id, and its files as read (named
        `REVISION:path`; unreadable files are problems, left-out files are listed)."""
        commit = self.commit(revision)
        try:
            snapshot = self.snapshot(commit)
        except UsageError as exc:
            raise UsageError(f"no record at {revision} ({commit[:12]}): {exc}") from None
        label = f"{revision}:"
        loaded = Loaded(skipped=[(f"{label}{path}", why) for path, why in snapshot.skipped])
        loaded.names, loaded.documents, loaded.problems = self.documents(snapshot, label)
        return commit, loaded

    def staged(self) -> Loaded:
        """The record as staged for the next commit (the git index), its files named as
        the work-tree files they stand for (relative to the working directory).

        Raises UsageError when nothing of the record is staged, or a file of it is unmerged.
        """
        listing = _git(["ls-files", "--stage", "-z", "--full-name"], self.root)
        index: Folder = {}
        for entry in listing.split(b"\0"):
            if not entry:
                continue
            meta, _, raw_path = entry.partition(b"\t")
            mode, oid, stage = meta.decode("ascii").split()
            path = _name(raw_path)
            if stage != "0":
                if self._inside(path):
                    raise UsageError(f"{shown(path)} has merge conflicts; resolve them first")
                continue
            *folders, name = path.split("/")
            node = index
            for part in folders:
                branch = node.setdefault(part, (TREE, {}))[1]
                assert isinstance(branch, dict)
                node = branch
            # A sparse index holds whole folders as trees (mode 040000).
            node[name] = (TREE if mode == "040000" else mode, oid)
        try:
            snapshot = self.snapshot_at(index)
        except UsageError as exc:
            raise UsageError(f"nothing of the record is staged: {exc}; git add it") from None
        cwd = Path.cwd()
        paths = [path for path, _ in snapshot.files + snapshot.unreadable]
        names = {path: shown(_relative(self.root / path, cwd)) for path in paths}
        loaded = Loaded(skipped=[(shown(_relative(self.root / p, cwd)), why)
                                 for p, why in snapshot.skipped])  # fmt: skip
        loaded.names, loaded.documents, loaded.problems = self.documents(snapshot, names=names)
        return loaded

    def _inside(self, path: str) -> bool:
        return not self.folder or path == self.folder or path.startswith(self.folder + "/")

    # -- history ----------------------------------------------------------------------------

    def history(self) -> list[Commit]:
        """The commits of HEAD's first-parent line that may have changed the record, oldest
        first: those that changed its folder, or every commit when a version of the record
        has a symbolic link to a file outside its folder (a change there is a change to the
        record too).

        Raises UsageError in a shallow clone (the history would be incomplete) and when HEAD
        has no commit.
        """
        if self._shallow():
            raise UsageError(
                "the repository is a shallow clone, so its history is incomplete; fetch it in"
                " full (git fetch --unshallow; in GitHub Actions, actions/checkout with"
                " fetch-depth: 0)"
            )
        commits = self._log([self.folder])
        self._prefetch_trees([commit.id for commit in commits])
        for commit in commits:
            with contextlib.suppress(UsageError):  # no record at this commit
                if self.snapshot(commit.id).outside:
                    return self._log(None)
        return commits

    def _shallow(self) -> bool:
        return _git(["rev-parse", "--is-shallow-repository"], self.root).strip() == b"true"

    def _log(self, paths: list[str] | None) -> list[Commit]:
        """HEAD's first-parent line, oldest first; only commits that changed `paths`."""
        args: list[str | bytes] = ["log", "--first-parent", "-z", "--no-show-signature"]
        args += ["--format=%H%x00%ct%x00%s", "HEAD"]
        if paths is not None:
            args += ["--", *map(_literal, paths)]
        try:
            out = _git(args, self.root)
        except _GitError as exc:
            raise UsageError(f"git log failed: {exc}") from None
        fields = out.split(b"\0") if out else []
        commits = [
            Commit(ids.decode("ascii"), _utc(int(seconds)), subject.decode("utf-8", "replace"))
            for ids, seconds, subject in zip(fields[::3], fields[1::3], fields[2::3], strict=False)
        ]
        commits.reverse()
        return commits


def _utc(seconds: int) -> str:
    """A commit time as RFC 3339 in UTC: 2025-04-01T08:00:00Z."""
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Nowhere(Exception):
    """A symbolic link that git cannot follow; the message says why."""


_ENTRIES: dict[int, re.Pattern[bytes]] = {}


def _parse_tree(
    content: bytes, width: int, known: dict[bytes, tuple[str, tuple[str, str]]] | None = None
) -> Folder:
    """A tree object's entries: name -> (mode, object id); `width` is the id's byte length.

    `known` keeps each entry as read, by its bytes: the trees of successive commits share
    most of their entries, so a new tree costs what changed in it. UsageError when the
    content is not a tree's.
    """
    pattern = _ENTRIES.get(width)
    if pattern is None:
        pattern = _ENTRIES[width] = re.compile(rb"[0-7]+ [^\0]*\0.{%d}" % width, re.DOTALL)
    raw = pattern.findall(content)
    if sum(map(len, raw)) != len(content):
        raise UsageError("git gave a tree object that cannot be read (is the repository intact?)")
    known = {} if known is None else known
    entries: Folder = {}
    for entry in raw:
        found = known.get(entry)
        if found is None:
            space, nul = entry.index(b" "), len(entry) - width - 1
            found = known[entry] = (
                _name(entry[space + 1 : nul]),
                (entry[:space].decode("ascii"), entry[nul + 1 :].hex()),
            )
        entries[found[0]] = found[1]
    return entries


def _join(folder: tuple[str, ...], target: str) -> tuple[str, ...] | None:
    """The path a symbolic link in `folder` leads to, from the root; None if it leaves it."""
    if target.startswith("/"):
        return None
    parts = list(folder)
    for part in target.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return tuple(parts)


def _relative(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()
