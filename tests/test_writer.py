"""The one output writer: all of a set or none, never over anything but a regular file, and
no temporary file left behind (issue: hostile cases 26, 36, 37, 38)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa.cli import app
from ropa.errors import UsageError
from ropa.writer import Output, write_all

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _special_files(folder: Path) -> dict[str, Path]:
    """A folder, a FIFO, a symbolic link and (as root) a character device, each named like
    an output."""
    made = {}
    (folder / "a-folder.html").mkdir()
    made["a folder"] = folder / "a-folder.html"
    os.mkfifo(folder / "fifo.html")
    made["not a regular file"] = folder / "fifo.html"
    (folder / "link.html").symlink_to(folder / "elsewhere.html")
    made["a symbolic link"] = folder / "link.html"
    if os.geteuid() == 0:
        os.mknod(folder / "null.html", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        made["a device"] = folder / "null.html"
    return made


def test_nothing_but_a_regular_file_is_replaced(tmp_path: Path) -> None:
    for kind, target in _special_files(tmp_path).items():
        before = target.lstat()
        with pytest.raises(UsageError) as caught:
            write_all([Output("ok.html", b"new"), Output(target.name, b"new")], tmp_path)
        assert str(caught.value).startswith(f"{target}: "), kind
        after = target.lstat()
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino), kind
        # All or none: the other output of the set was not written either.
        assert not (tmp_path / "ok.html").exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_set_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    """Case 38: one page of a site cannot be written; the site stays all old."""
    (tmp_path / "privacy.en.html").write_bytes(b"old")
    (tmp_path / "processors.en.html").mkdir()
    with pytest.raises(UsageError) as caught:
        write_all([Output("privacy.en.html", b"new"), Output("processors.en.html", b"new")],
                  tmp_path)  # fmt: skip
    assert (
        str(caught.value)
        == f"{tmp_path / 'processors.en.html'}: is a folder; refusing to replace it"
    )
    assert (tmp_path / "privacy.en.html").read_bytes() == b"old"
    assert not list(tmp_path.glob(".*.tmp"))


def test_temporary_files_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    """Case 37: a SIGKILL leaves `.NAME.XXXX.tmp`; the next run that writes NAME removes it
    (and leaves other files alone)."""
    stale = [tmp_path / ".privacy.en.html.abc_123.tmp", tmp_path / "sub/.x.yaml.q1w2e3.tmp"]
    (tmp_path / "sub").mkdir()
    for path in stale:
        path.write_bytes(b"half")
    (tmp_path / ".notes.tmp").write_bytes(b"mine")
    written = write_all([Output("privacy.en.html", b"page"), Output("sub/x.yaml", b"a: 1\n")],
                        tmp_path)  # fmt: skip
    assert written == [tmp_path / "privacy.en.html", tmp_path / "sub/x.yaml"]
    assert not any(path.exists() for path in stale)
    assert (tmp_path / ".notes.tmp").read_bytes() == b"mine"


def test_commands_refuse_special_files_and_unwritable_places(tmp_path: Path) -> None:
    """Cases 26 and 36: export onto a FIFO, changelog onto a file, init into /proc: exit 2 with
    one line naming the place, no traceback."""
    record = tmp_path / "registers"
    shutil.copytree(ROOT / "registers", record)
    os.mkfifo(tmp_path / "out.csv")
    result = runner.invoke(app, ["export", str(record), "--format", "csv", "--out",
                                 str(tmp_path / "out.csv")])  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"ropa: error: {tmp_path / 'out.csv'}: is not a regular file; refusing to replace it"
    )
    assert stat.S_ISFIFO((tmp_path / "out.csv").lstat().st_mode)
    for place in ("/proc/ropa-test", str(tmp_path / "out.csv" / "x")):
        result = runner.invoke(app, ["init", place, "--company", "A Ltd"])
        assert result.exit_code == 2, place
        assert result.stderr.startswith("ropa: error: "), result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)


class _Stop(BaseException):
    """Stands for a signal arriving between two renames."""


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (OSError(1, "Operation not permitted"), UsageError),  # an immutable target
        (OSError(5, "Input/output error"), UsageError),  # a disk gone
        (_Stop(), _Stop),  # a signal
    ],
)
def test_a_failure_between_two_renames_puts_every_old_version_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException,
    expected: type[BaseException],
) -> None:  # fmt: skip
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_bytes(b"old " + name.encode())
    outputs = [Output(name, b"new " + name.encode()) for name in ("a.html", "b.html", "c.html")]
    real = Path.replace

    def replace(self: Path, target: Path) -> Path:
        if Path(target).name == "c.html" and self.name.startswith(".c.html."):
            raise failure
        return real(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    with pytest.raises(expected) as caught:
        write_all(outputs, tmp_path)
    if expected is UsageError:
        assert str(caught.value).startswith(f"{tmp_path / 'c.html'}: cannot be written: ")
    # All old: the two that were replaced are back, the new one is gone, nothing is left over.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html"]
    assert (tmp_path / "a.html").read_bytes() == b"old a.html"
    assert (tmp_path / "b.html").read_bytes() == b"old b.html"


def test_a_site_replaced_in_full_keeps_no_old_version(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(b"old")
    write_all([Output("a.html", b"new"), Output("b.html", b"new")], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html"]
    assert (tmp_path / "a.html").read_bytes() == b"new"
