"""The progress bar: on a terminal, for a large record, on stderr, and never with --quiet."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

pty = pytest.importorskip("pty")


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("large") / "record"
    size = generate(500, folder)
    assert size > 512 * 1024  # above the threshold for a bar
    (folder / ".size").write_text(str(size))
    return folder


def _run(args: list[str], terminal: bool) -> tuple[int, str, str]:
    """Run ropa with stderr on a pseudo-terminal (or a pipe); (exit, stdout, stderr)."""
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100", "ROPA_TODAY": "2026-11-25"}
    command = [sys.executable, "-m", "ropa", *args]
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    err = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    assert process.stdout is not None
    out = process.stdout.read().decode()
    process.stdout.close()
    return process.wait(timeout=60), out, err.decode(errors="replace")


def test_a_large_record_on_a_terminal_shows_a_bar_on_stderr(large: Path) -> None:
    code, out, err = _run(["validate", str(large)], terminal=True)
    assert code == 0
    assert out == ""
    assert "Reading the record" in err
    total = int((large / ".size").read_text()) / 1000
    assert f"0.0/{total:.1f} kB" in err  # it starts empty and counts the bytes read
    assert f"{total:.1f}/{total:.1f} kB" in err
    assert err.rstrip().endswith("0 errors, 0 warnings in 12 files")


def test_quiet_shows_no_bar(large: Path) -> None:
    code, out, err = _run(["--quiet", "validate", str(large)], terminal=True)
    assert (code, out, err) == (0, "", "")


def test_no_bar_when_stderr_is_not_a_terminal(large: Path) -> None:
    code, out, err = _run(["validate", str(large)], terminal=False)
    assert (code, out, err) == (0, "", "0 errors, 0 warnings in 12 files\n")


def test_no_bar_for_a_small_record_on_a_terminal() -> None:
    code, _, err = _run(["validate", str(ROOT / "registers")], terminal=True)
    assert code == 0
    assert "Reading the record" not in err
    assert "\x1b[" not in err


def test_render_output_is_unchanged_by_the_bar(large: Path, tmp_path: Path) -> None:
    code, out, err = _run(
        ["render", str(large), "--out", str(tmp_path / "site"), "--lang", "en"], terminal=True
    )
    assert code == 0
    assert out == ""
    assert "Reading the record" in err
    # The terminal turns each newline into CR LF; the country data's date comes last.
    assert err.rstrip().endswith(
        f"wrote {tmp_path / 'site' / 'processors.en.json'}\r\n"
        "country data (EU/EEA, adequacy decisions) as of 2026-10-08"
    )


def test_import_of_a_large_workbook_on_a_terminal_counts_rows(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Template")
    # Few findings per register: the findings on stdout (a pipe here) stay small.
    sheet.append(["Business function", "Purpose of processing", "Lawful basis", "Owner",
                  "Last reviewed"])  # fmt: skip
    for number in range(6000):
        sheet.append([f"Function {number // 100}", f"Purpose {number}", "Contract",
                      "dpo@example.com", "2026-01-31"])  # fmt: skip
    book.save(tmp_path / "big.xlsx")
    code, _out, err = _run(
        ["import", str(tmp_path / "big.xlsx"), "--out", str(tmp_path / "record")], terminal=True
    )
    assert code == 1
    assert "Reading the spreadsheet" in err
    assert "6001/?" in err  # rows counted: the workbook does not state its size
    assert "wrote 63 files to" in err  # 60 registers, the controller, the two reports
