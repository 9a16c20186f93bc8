"""Which files make a record: one rule for the work tree, a git commit and the git index.

A record is one YAML file, or every file below a folder whose name ends in `.yaml` or `.yml`
in any letter case, except files with a hidden part (a name starting with ".") *below* the
record's folder and files in its `locale/` catalog folder. The folder itself may sit under a
hidden folder (`.privacy/registers`). Symbolic links are followed, with protection against
loops; everything left out is named, with the reason, for `--verbose`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ropa.errors import UsageError

SUFFIXES = (".yaml", ".yml")
CATALOGS = "locale"


def skip_reason(parts: tuple[str, ...], folder: bool = False) -> str | None:
    """Why the file (or with `folder`, every file in the folder) at `parts`, its path below
    the record's folder one name per part, is not part of the record; None when it is."""
    if any(part.startswith(".") for part in parts):
        return "hidden (a part of its path starts with '.')"
    if (folder or len(parts) > 1) and parts[0] == CATALOGS:
        return f"the record's catalog folder {CATALOGS}/"
    if not folder and not parts[-1].lower().endswith(SUFFIXES):
        return "not a .yaml or .yml file"
    return None


def shown(name: str) -> str:
    """A file name fit for messages: bytes that are not UTF-8 (kept by the file system's
    `surrogateescape` decoding) as `\\xNN`, never as characters that cannot be printed."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass
class Listing:
    """The files of a record in a stable order, and what was left out, with why."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    # Record files that cannot be read at all: a link that leads nowhere (path, reason).
    unreadable: list[tuple[str, str]] = field(default_factory=list)


def on_disk(path: Path) -> Listing:
    """The record at `path` in the work tree: the file itself, or the files below the folder,
    sorted by their path below it.

    Raises UsageError when `path` does not exist or holds no record file.
    """
    if path.is_file():
        return Listing([path])
    if not path.is_dir():
        raise UsageError(f"{path}: no such file or directory")
    listing = Listing()
    found: list[tuple[tuple[str, ...], Path]] = []
    _walk(path, (), listing, found, set())
    found.sort(key=lambda item: item[0])
    listing.files = [file for _, file in found]
    if not listing.files:
        raise UsageError(f"{path}: no .yaml or .yml files found")
    return listing


def _walk(
    folder: Path,
    below: tuple[str, ...],
    listing: Listing,
    found: list[tuple[tuple[str, ...], Path]],
    seen: set[tuple[int, int]],
) -> None:
    try:
        status = folder.stat()
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        listing.skipped.append((str(folder), f"cannot be read: {exc.strerror}"))
        return
    key = (status.st_dev, status.st_ino)
    if key in seen:
        listing.skipped.append(
            (f"{folder}{os.sep}", "a symbolic link loop (the folder was already read)")
        )
        return
    seen.add(key)
    for entry in entries:
        parts = (*below, entry.name)
        child = folder / entry.name
        try:
            is_dir = entry.is_dir()  # follows symbolic links
            is_file = not is_dir and entry.is_file()
        except OSError as exc:
            if entry.is_symlink():
                _broken(child, parts, listing)
            else:
                listing.skipped.append((str(child), f"cannot be read: {exc.strerror}"))
            continue
        if is_dir:
            # A hidden or catalog folder is named, not walked (it may be .git).
            reason = skip_reason(parts, folder=True)
            if reason is None:
                _walk(child, parts, listing, found, seen)
            else:
                listing.skipped.append((f"{child}{os.sep}", reason))
        elif is_file:
            reason = skip_reason(parts)
            if reason is None:
                found.append((parts, child))
            else:
                listing.skipped.append((str(child), reason))
        elif entry.is_symlink():
            _broken(child, parts, listing)
        else:
            listing.skipped.append((str(child), "not a regular file"))


BROKEN_LINK = "a symbolic link that leads nowhere (a broken link or a loop of links)"


def _broken(child: Path, parts: tuple[str, ...], listing: Listing) -> None:
    """A link that leads nowhere: a problem where it has a record file's name (the record
    would silently lack it), else left out."""
    if skip_reason(parts) is None:
        listing.unreadable.append((str(child), BROKEN_LINK))
    else:
        listing.skipped.append((str(child), BROKEN_LINK))
