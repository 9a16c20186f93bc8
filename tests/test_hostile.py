"""The hostile-input cases handed to the project (reference material, shared/cases/hostile/),
copied byte for byte under tests/shared_cases/hostile/: each case runs its commands against
this checkout's `ropa` (as `python -m ropa`) with time and memory limits and checks exit
codes, messages with file and line, outputs intact and escaped, and nothing leaked.

The tests of each fault's whole kind live beside the code they test (test_loader,
test_text, test_sandbox, test_signals, test_writer, test_export...); these keep the
original inputs honest.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HOSTILE = Path(__file__).parent / "shared_cases" / "hostile"
CASES = sorted(p.name for p in (HOSTILE / "cases").iterdir() if p.is_dir())
TOOLS = ("bash", "git", "timeout", "mkfifo")


@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS) or sys.platform == "win32",
    reason=f"the cases need {', '.join(TOOLS)} (POSIX)",
)
@pytest.mark.parametrize("case", CASES)
def test_hostile_case_is_handled(case: str, tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "ROPA": f"{shlex.quote(sys.executable)} -m ropa",
        "TMPDIR": str(tmp_path),
    }
    environment.pop("ROPA_TODAY", None)  # each case sets its own day
    number = case.split("-", 1)[0]
    done = subprocess.run(
        ["bash", str(HOSTILE / "run.sh"), number],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.stdout.splitlines()[-1] == "handled: 1/1", done.stdout + done.stderr
    assert done.returncode == 0
