"""Every command's exit codes: what docs/cli.md and the command's help say, and what the
command does, for 0, 1 and 2 alike (ropa.cli.EXIT_CODES is the one list)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa.cli import EXIT_CODES, app

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "shared_cases" / "hostile" / "base" / "registers"
runner = CliRunner()


def _documented() -> dict[str, tuple[str, str]]:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z]+)` \| (.+?) \| (.+?) \| usage or input error \|$", text, re.M)
    return {command: (ok, problems) for command, ok, problems in rows}


def test_docs_list_every_command_s_exit_codes() -> None:
    assert _documented() == EXIT_CODES
    commands = {
        c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands
    }
    assert set(EXIT_CODES) == commands


@pytest.mark.parametrize("command", sorted(EXIT_CODES))
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_ends_with_the_exit_codes(command: str, flag: str) -> None:
    result = runner.invoke(app, [command, flag], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    ok, problems = EXIT_CODES[command]
    # Compared without white space: the help wraps lines, after hyphens too.
    said = "".join(result.stdout.split())
    found = f", 1 {problems}" if problems != "-" else ""
    assert "".join(f"Exit codes: 0 {ok}{found}, 2 usage or input error.".split()) in said


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "DPO", "GIT_AUTHOR_EMAIL": "dpo@example.com",
           "GIT_COMMITTER_NAME": "DPO", "GIT_COMMITTER_EMAIL": "dpo@example.com"}  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A valid record, one with an error, one whose US processor lacks its safeguard, and a
    git repository holding the valid one; run from there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROPA_TODAY", "2026-06-01")
    shutil.copytree(BASE, tmp_path / "good")
    shutil.copytree(BASE, tmp_path / "bad")
    customers = tmp_path / "bad" / "customers.yaml"
    customers.write_text(customers.read_text().replace("role: controller", "role: nonsense"))
    shutil.copytree(BASE, tmp_path / "changed")
    processors = tmp_path / "changed" / "processors.yaml"
    processors.write_text(processors.read_text().replace("CloudCRM Inc.", "CloudCRM Ltd."))
    shutil.copytree(BASE, tmp_path / "nosafeguard")
    processors = tmp_path / "nosafeguard" / "processors.yaml"
    processors.write_text(
        processors.read_text().replace(
            "    transfers:\n      - country: US\n        mechanism: scc_m2\n", ""
        )
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    shutil.copytree(BASE, repo / "registers")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "record")
    return tmp_path


SCENARIOS = {
    "validate": {0: ["good"], 1: ["bad"], 2: ["missing"]},
    "render": {0: ["good", "--out", "site"], 1: ["bad", "--out", "site"],
               2: ["good", "--format", "pdf"]},
    "processors": {0: ["good"], 1: ["nosafeguard", "--fail-on-missing-safeguard"],
                   2: ["good", "--format", "yaml"]},
    "export": {0: ["good", "--out", "x.xlsx"], 1: ["bad", "--out", "x.xlsx"],
               2: ["good", "--format", "pdf"]},
    "diff": {0: ["good", "good"], 1: ["good", "changed"], 2: ["good", "missing"]},
    "review": {0: ["good"], 1: ["bad"], 2: ["missing"]},
    "changelog": {0: ["repo/registers", "--out", "feed"], 2: ["good", "--out", "feed"]},
    "init": {0: ["new", "--company", "A Oy"], 2: ["new2", "--company", "A Oy", "--country", "XX"]},
    "schema": {0: [], 2: ["--bogus"]},
    "rules": {0: [], 2: ["ROPA999"]},
}  # fmt: skip


@pytest.mark.parametrize(
    ("command", "code"),
    [(command, code) for command, cases in SCENARIOS.items() for code in cases],
)
def test_each_exit_code_happens_as_documented(work: Path, command: str, code: int) -> None:
    if command == "changelog" and code == 0:
        os.chdir(work / "repo")
        args = ["registers", "--out", "feed"]
    else:
        args = SCENARIOS[command][code]
    result = runner.invoke(app, [command, *args])
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if code == 1:
        assert EXIT_CODES[command][1] != "-"


def test_review_is_1_when_a_review_is_overdue(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROPA_TODAY", "2027-06-01")  # a year and five months after 2026-01-01
    result = runner.invoke(app, ["review", "good"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "2027-01-01  overdue  privacy policy            last 2026-01-01  owner privacy@example.com",
        "2027-01-01  overdue  register customers        last 2026-01-01  owner privacy@example.com",
    ]
    assert result.stderr.endswith("2 reviews due or overdue as of 2027-06-01 (2 overdue)\n")
    # Due soon but not overdue: listed, exit 0.
    monkeypatch.setenv("ROPA_TODAY", "2026-12-15")
    soon = runner.invoke(app, ["review", "good", "--within", "30"])
    assert soon.exit_code == 0
    assert [line.split()[1] for line in soon.stdout.splitlines()] == ["due", "due"]


def test_review_of_a_record_with_errors_lists_the_problems(work: Path) -> None:
    result = runner.invoke(app, ["review", "bad"])
    assert result.exit_code == 1
    assert result.stdout == (
        "bad/customers.yaml:9:11 error ROPA010 'nonsense' is not one of: controller, processor\n"
    )
    assert "ropa: the record has errors; fix them, then list the reviews\n" in result.stderr


def test_diff_names_a_side_that_is_neither_a_record_nor_a_revision(work: Path) -> None:
    result = runner.invoke(app, ["diff", "good", "missing"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "ropa: error: 'missing': no such file or folder, and no git revision can be read: "
    )
    # A one-file record is a side too, as for every other command.
    one = work / "one.yaml"
    one.write_text("".join(p.read_text() for p in sorted((work / "good").glob("*.yaml"))))
    assert runner.invoke(app, ["diff", "one.yaml", "good"]).exit_code == 0
    assert runner.invoke(app, ["diff", "one.yaml", "changed"]).exit_code == 1
