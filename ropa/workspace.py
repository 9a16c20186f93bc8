"""The repository around the working directory: where it begins, and file names relative to it.

Code scanning and workflow annotations on GitHub name files relative to the repository's root,
while problems name them relative to the working directory, which may be a subfolder. Found
from the file system alone (no `git` process), so it works without git installed.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds a `.git` entry (a folder, or the file
    a worktree or submodule has instead), absolute and resolved; None outside any repository.
    `start` need not exist; RuntimeError (OSError from Python 3.13) for a loop of links."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        # lexists: a `.git` file or folder counts even if it is a dangling link; never raises.
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def root_relative(name: str) -> str:
    """`name` as problems show a file (relative to the working directory, or absolute) made
    relative to the root of the repository that holds it, in POSIX form
    (`privacy records/registers/processors.yaml`), through any symbolic link to the file it
    leads to when that is in the repository; unchanged outside a repository or for a file
    outside it. The file need not exist; OSError only when the working directory is gone."""
    cwd = Path.cwd()
    lexical = Path(os.path.normpath(cwd / name))
    # The file's own repository, wherever ropa runs (actions/checkout with `path:` puts the
    # repository below the workspace).
    root = repository_root(lexical.parent)
    if root is None:
        return name
    candidates = [lexical]
    # GitHub shows no result in a file reached through a symbolic link ("Resolving symlinks
    # before generating SARIF results" in its SARIF documentation), so prefer the file the
    # link leads to when that is in the repository, else the link's own place in it.
    with contextlib.suppress(OSError, RuntimeError):  # a loop of links (RuntimeError < 3.13)
        candidates.insert(0, lexical.resolve())
    for candidate in candidates:
        if candidate.is_relative_to(root):
            return candidate.relative_to(root).as_posix()
    return name
