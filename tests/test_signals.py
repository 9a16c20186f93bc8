"""One top-level handler (`ropa.__main__`): a signal ends any command with one line and the
exit code shells report for it (128 + the signal's number), a reader that goes away ends it
quietly with 141, at any moment, start-up included (hostile case 41)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "shared_cases" / "hostile" / "base" / "registers"
ROPA = [sys.executable, "-m", "ropa"]
LOOP = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _start(args: list[str], cwd: Path, **kwargs: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ROPA_TODAY": "2026-06-01"}
    return subprocess.Popen(  # type: ignore[call-overload,no-any-return]
        [*ROPA, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # As a shell starts a command: every signal at its default action.
        preexec_fn=lambda: [signal.signal(s, signal.SIG_DFL) for s in SIGNALS],
        **kwargs,
    )


SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]


@pytest.fixture
def endless(tmp_path: Path) -> Path:
    """A record and a user template that renders until stopped (no time limit)."""
    shutil.copytree(BASE, tmp_path / "registers")
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "privacy.html.j2").write_text(LOOP, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_mid_work_ends_the_run_with_one_line(endless: Path, signum: int) -> None:
    process = _start(
        ["render", "registers", "--out", "site", "--templates", "tpl",
         "--template-time-limit", "0"],
        endless,
    )  # fmt: skip
    time.sleep(2.0)
    assert process.poll() is None, "the render ended by itself"
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert (process.returncode, err.decode()) == (128 + signum, "ropa: interrupted\n")
    # Nothing published, no temporary file left.
    assert not (endless / "site").exists()
    assert sorted(p.name for p in endless.iterdir()) == ["registers", "tpl"]


@pytest.mark.parametrize("delay", [0.05, 0.08, 0.1, 0.2, 0.4])
def test_ctrl_c_during_start_up_prints_no_traceback(endless: Path, delay: float) -> None:
    process = _start(["validate", "registers"], endless)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, raw = process.communicate(timeout=30)
    err = raw.decode()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    if process.returncode == 130:
        assert err == "ropa: interrupted\n"
    else:
        # Done before the signal, or ended by it before Python itself was running.
        assert process.returncode in (0, -signal.SIGINT), (process.returncode, err)


COMMANDS = [
    ["schema"],
    ["rules"],
    ["validate", "registers"],
    ["validate", "registers", "--format", "json"],
    ["processors", "registers"],
    ["processors", "registers", "--format", "csv"],
    ["review", "registers", "--within", "36500"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_reader_that_goes_away_ends_the_run_quietly_with_141(
    tmp_path: Path, args: list[str]
) -> None:
    shutil.copytree(ROOT / "registers", tmp_path / "registers")
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    try:
        done = subprocess.run(
            [*ROPA, *args], cwd=tmp_path, stdout=write, stderr=subprocess.PIPE, timeout=60,
            env={**os.environ, "ROPA_TODAY": "2026-11-30"}, check=False,
        )  # fmt: skip
    finally:
        os.close(write)
    err = done.stderr.decode()
    assert done.returncode == 141, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert "BrokenPipe" not in err


def _site(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("moment", ["country data", "wrote"])
def test_a_signal_as_the_pages_are_written_leaves_the_site_all_old_or_all_new(
    tmp_path: Path, signum: int, moment: str
) -> None:
    """The helper's finding: a signal near the end once gave exit 0 with a traceback from
    the interpreter's shutdown, or ended the run by the raw signal."""
    shutil.copytree(ROOT / "registers", tmp_path / "registers")
    env = {**os.environ, "ROPA_TODAY": "2022-11-30"}
    render = [*ROPA, "render", "registers", "--out", "site"]
    subprocess.run(render, cwd=tmp_path, env=env, check=True, capture_output=True)
    old = _site(tmp_path / "site")
    controller = tmp_path / "registers" / "controller.yaml"
    controller.write_text(
        controller.read_text(encoding="utf-8").replace("Askele", "Askel"), encoding="utf-8"
    )
    subprocess.run(render, cwd=tmp_path / "registers" / "..", env=env, check=True,
                   capture_output=True, stdin=subprocess.DEVNULL)  # fmt: skip
    new = _site(tmp_path / "site")
    assert new != old
    # Back to the old site, then the render that is stopped.
    shutil.rmtree(tmp_path / "site")
    (tmp_path / "site").mkdir()
    for name, content in old.items():
        (tmp_path / "site" / name).write_bytes(content)
    process = subprocess.Popen(
        render, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=lambda: [signal.signal(s, signal.SIG_DFL) for s in SIGNALS],
    )  # fmt: skip
    assert process.stderr is not None
    seen = b""
    for line in process.stderr:
        seen += line
        if line.startswith(moment.encode()):
            process.send_signal(signum)
            break
    rest = process.stderr.read()
    process.stderr.close()
    process.wait(timeout=60)
    err = (seen + rest).decode()
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert process.returncode in (0, 128 + signum), err
    if process.returncode:
        assert err.endswith("ropa: interrupted\n"), err
    assert _site(tmp_path / "site") in (old, new)


@pytest.mark.parametrize(
    "args", [["schema"], ["export", "registers", "-f", "json", "-o", "-"]], ids=" ".join
)
def test_a_reader_that_leaves_midway_ends_the_run_with_141(tmp_path: Path, args: list[str]) -> None:
    """More than a pipe holds (64 KiB): the reader takes 100 bytes and goes; the write that
    took part of the output must not pass for a whole one."""
    shutil.copytree(ROOT / "registers", tmp_path / "registers")
    process = subprocess.Popen(
        [*ROPA, *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "ROPA_TODAY": "2026-11-30"},
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    assert len(process.stdout.read(100)) == 100
    process.stdout.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 141, err
    assert "Traceback" not in err and "Exception ignored" not in err
