"""The one way ropa writes files: all of a set or none, never over anything but a file.

Every command that writes (render, changelog, export, init) hands its whole set of outputs to
`write_all`. Before anything is written it refuses a target that exists and is not a regular
file (a folder, a device such as /dev/null, a FIFO, a socket, a symbolic link); then it
writes each output to a temporary file beside its target, and only when all of them are
written does it rename them into place, keeping each old version until every rename has
succeeded. A failure (or a signal) at any point leaves every existing file as it was and
removes the temporary files. Temporary files are named `.NAME.XXXX.tmp`;
those an earlier run left behind (killed with SIGKILL, say) are removed by the next run that
writes NAME. Every error is a `UsageError` naming the real target, never a temporary file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ropa.errors import UsageError


@dataclass(frozen=True)
class Output:
    """One file to write, fully in memory before anything touches the disk: its path
    relative to the folder it is written into ("privacy.en.html", "registers/x.yaml")."""

    name: str
    content: bytes


def write_all(outputs: Sequence[Output], folder: Path) -> list[Path]:
    """Write every output below `folder` (created if missing): all or none.

    Returns the paths written, in order. Raises UsageError, naming the path at fault, when a
    target is not a regular file, a folder cannot be made, or the disk refuses a write.
    """
    targets = [folder / output.name for output in outputs]
    for target in targets:
        _check_target(target)
    for parent in dict.fromkeys(target.parent for target in targets):
        _make_folder(parent)
        _remove_stale(parent, {t.name for t in targets if t.parent == parent})
    umask = os.umask(0)
    os.umask(umask)
    staged: list[tuple[Path, Path]] = []
    try:
        for output, target in zip(outputs, targets, strict=True):
            try:
                handle, name = tempfile.mkstemp(
                    dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
                )
            except OSError as exc:
                raise UsageError(f"{target}: cannot be written: {exc.strerror}") from None
            temp = Path(name)
            staged.append((temp, target))
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(output.content)
                    stream.flush()
                    os.fsync(stream.fileno())
                temp.chmod(0o666 & ~umask)
            except OSError as exc:
                raise UsageError(f"{target}: cannot be written: {exc.strerror}") from None
        # Checked again just before: a folder or device put there meanwhile is not replaced.
        for _, target in staged:
            _check_target(target)
        _swap_in(staged)
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    for parent in dict.fromkeys(target.parent for target in targets):
        _fsync_dir(parent)
    return targets


def _swap_in(staged: list[tuple[Path, Path]]) -> None:
    """Rename each written temporary file over its target, all or none: the old version of
    each target is kept under a hard link (a name of the same `.NAME.XXXX.tmp` form) until
    every rename has succeeded, and put back if one fails (a target made immutable, a disk
    gone) or a signal stops the run between two renames. A target never goes missing on
    the way, as a web server reading the site might otherwise see."""
    done: list[tuple[Path, Path | None]] = []  # (target, the old version's link or None)
    try:
        for temp, target in staged:
            old = _keep(target)
            try:
                temp.replace(target)
            except OSError as exc:
                if old is not None:
                    old.unlink(missing_ok=True)
                raise UsageError(f"{target}: cannot be written: {exc.strerror}") from None
            done.append((target, old))
    except BaseException:
        for target, old in reversed(done):
            with contextlib.suppress(OSError):
                if old is None:
                    target.unlink()
                else:
                    old.replace(target)
        raise
    finally:
        for _, old in done:
            if old is not None:
                with contextlib.suppress(OSError):
                    old.unlink()


def _keep(target: Path) -> Path | None:
    """A second name (a hard link) for `target`'s present version, or None when there is
    none. Where the file system has no hard links the target is copied."""
    if not target.exists():
        return None
    for _ in range(100):
        keep = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.link(target, keep)
            return keep
        except FileExistsError:
            continue
        except OSError:
            try:
                shutil.copy2(target, keep)
            except OSError as exc:
                raise UsageError(f"{target}: cannot be written: {exc.strerror}") from None
            return keep
    raise UsageError(f"{target}: cannot be written: no free temporary name")  # pragma: no cover


def _check_target(target: Path) -> None:
    try:
        status = target.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"{target}: cannot be written: {exc.strerror}") from None
    if stat.S_ISLNK(status.st_mode):
        raise UsageError(f"{target}: refusing to write through a symbolic link")
    if not stat.S_ISREG(status.st_mode):
        kind = "a folder" if stat.S_ISDIR(status.st_mode) else "not a regular file"
        raise UsageError(f"{target}: is {kind}; refusing to replace it")


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UsageError(f"{folder}: is not a folder") from None
    except OSError as exc:
        raise UsageError(f"{folder}: cannot be made: {exc.strerror}") from None
    if not folder.is_dir():
        raise UsageError(f"{folder}: is not a folder")


def _remove_stale(folder: Path, names: set[str]) -> None:
    """Remove temporary files an earlier, interrupted run left for these names."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith(".") and name.endswith(".tmp") and entry.is_file(follow_symlinks=False):
            stem = name[1:].rsplit(".", 2)[0] if name.count(".") >= 3 else ""
            if stem in names:
                with contextlib.suppress(OSError):
                    Path(entry.path).unlink()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems that refuse it
        pass
    finally:
        os.close(fd)
