"""Adoption: ropa init from nothing to a published page, generated docs that cannot drift,
the pre-commit hooks run by the real pre-commit, and --quiet/--verbose."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa.cli import app
from ropa.reference import fields_markdown, rules_markdown

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def test_init_then_validate_and_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app, ["init", "--company", "Esimerkki Oy", "--country", "FI", "--lang", "fi,sv,en"]
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        ".pre-commit-config.yaml", "registers/controller.yaml", "registers/customers.yaml",
        "registers/processors.yaml", "ropa.schema.json",
    ]  # fmt: skip
    first = (tmp_path / "registers" / "controller.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../ropa.schema.json"
    validated = runner.invoke(app, ["validate"])
    assert validated.exit_code == 0, validated.stdout
    assert validated.stdout == ""
    rendered = runner.invoke(app, ["render", "--out", "site"])
    assert rendered.exit_code == 0, rendered.stderr
    assert "Esimerkki Oy" in (tmp_path / "site" / "privacy.fi.html").read_text()
    assert "Tietosuojavaltuutetun toimisto" in (tmp_path / "site" / "privacy.en.md").read_text()
    check = runner.invoke(app, ["render", "--out", "site", "--check"])
    assert check.exit_code == 0


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    args = ["init", str(tmp_path), "--company", "A Ltd", "--country", "SE"]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert "already exist; use --force to overwrite" in again.stderr
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


def test_init_force_keeps_a_file_edited_since_init_wrote_it(tmp_path: Path) -> None:
    args = ["init", str(tmp_path), "--company", "A Ltd", "--country", "SE"]
    assert runner.invoke(app, args).exit_code == 0
    register = tmp_path / "registers" / "customers.yaml"
    lines = register.read_text(encoding="utf-8").splitlines(keepends=True)
    # The heading comment and the fingerprint line kept, the register itself rewritten.
    edited = "".join(lines[:3]) + "registers: []  # our own\n" + lines[-1]
    register.write_text(edited, encoding="utf-8")
    refused = runner.invoke(app, [*args, "--force"])
    assert refused.exit_code == 2
    assert "customers.yaml: not written by ropa init, or edited since" in refused.stderr
    assert register.read_text(encoding="utf-8") == edited


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("registers/controller.yaml", "controller:\n  name: Our own, hand-written\n"),
        ("registers/customers.yaml", "# our notes\nregisters: []\n"),
        ("ropa.schema.json", "{}\n"),
    ],
)
def test_init_never_replaces_a_file_it_did_not_write(
    tmp_path: Path, name: str, content: str
) -> None:
    args = ["init", str(tmp_path), "--company", "A Ltd", "--country", "SE"]
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(content, encoding="utf-8")
    for extra in ([], ["--force"]):
        refused = runner.invoke(app, [*args, *extra])
        assert refused.exit_code == 2
        assert refused.stderr == (
            f"ropa: error: {tmp_path / name}: not written by ropa init, or edited since; ropa"
            " init never replaces such a file, not even with --force: move it away first\n"
        )
        assert (tmp_path / name).read_text(encoding="utf-8") == content
    # Nothing else was written either.
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [Path(name).name]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--country", "XX"], "ropa: error: --country 'XX' is not an ISO 3166-1 alpha-2 code\n"),
        (["--lang", "de"], "ropa: error: --lang 'de': choose from en, fi, sv\n"),
    ],
)
def test_init_rejects_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["init", str(tmp_path), "--company", "A Ltd", *args])
    assert result.exit_code == 2
    assert result.stderr == message


def test_init_needs_a_company_when_not_interactive(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == "ropa: error: --company is required when ropa init does not run in a terminal\n"
    )


def test_init_for_a_country_without_a_known_authority(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        runner.invoke(
            app, ["init", "--company", "Exemple SA", "--country", "FR", "--lang", "en"]
        ).exit_code
        == 0
    )
    assert (
        "Fill in the supervisory authority"
        in (tmp_path / "registers" / "controller.yaml").read_text()
    )
    assert runner.invoke(app, ["validate"]).exit_code == 0


def test_render_check_reports_stale_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner.invoke(app, ["init", "--company", "A Ltd", "--lang", "en"])
    assert runner.invoke(app, ["render", "--out", "site"]).exit_code == 0
    (tmp_path / "site" / "privacy.en.md").write_text("old\n")
    result = runner.invoke(app, ["render", "--out", "site", "--check"])
    assert result.exit_code == 1
    assert result.stderr == (
        "ropa: site/privacy.en.md is out of date\nropa: run ropa render to update the pages\n"
    )
    assert (tmp_path / "site" / "privacy.en.md").read_text() == "old\n"


def test_generated_references_are_up_to_date() -> None:
    assert (ROOT / "docs" / "fields.md").read_text(encoding="utf-8") == fields_markdown(), (
        "run: ropa schema --markdown > docs/fields.md"
    )
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "run: ropa rules --markdown > docs/rules.md"
    )


def test_schema_command_prints_the_schema() -> None:
    import json

    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["$id"] == "https://ropa.invalid/schema/ropa.schema.json"
    markdown = runner.invoke(app, ["schema", "--markdown"]).stdout
    assert "| `last_reviewed` | date | yes |" in markdown


def test_quiet_and_verbose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner.invoke(app, ["init", "--company", "A Ltd", "--lang", "en"])
    assert runner.invoke(app, ["--quiet", "validate"]).stderr == ""
    verbose = runner.invoke(app, ["--verbose", "validate"]).stderr
    assert verbose.splitlines() == [
        "read registers/controller.yaml", "read registers/customers.yaml",
        "read registers/processors.yaml", "0 errors, 0 warnings in 3 files",
    ]  # fmt: skip


def test_no_color_and_non_tty_output_are_plain(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "ROPA_TODAY": "2026-11-25"}
    result = subprocess.run(
        [sys.executable, "-m", "ropa", "processors", str(ROOT / "registers")],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    assert "\x1b[" not in result.stdout
    assert "GoToWebinar" in result.stdout


@pytest.mark.slow
def test_pre_commit_hooks_pass_and_fail(tmp_path: Path) -> None:
    if (
        shutil.which("pre-commit") is None
        and not (Path(sys.executable).parent / "pre-commit").exists()
    ):
        pytest.skip("pre-commit is not installed")
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "DPO", "GIT_AUTHOR_EMAIL": "dpo@example.com",
        "GIT_COMMITTER_NAME": "DPO", "GIT_COMMITTER_EMAIL": "dpo@example.com",
    }  # fmt: skip

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), cwd=repo, env=env, capture_output=True, text=True, timeout=900
        )

    run("git", "init", "-q")
    shutil.copytree(ROOT / "registers", repo / "registers")
    run("git", "add", "-A")
    # An untracked scratch file that does not even parse: the hook checks what is staged.
    (repo / "registers" / "scratch.yaml").write_text("processors: [\n", encoding="utf-8")
    # try-repo runs this checkout's .pre-commit-hooks.yaml, uncommitted changes included, on
    # the staged files.
    passing = run(pre_commit, "try-repo", str(ROOT), "ropa-validate")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "ropa validate" in passing.stdout and "Passed" in passing.stdout
    run("git", "commit", "-qm", "record")
    broken = repo / "registers" / "processors.yaml"
    broken.write_text(broken.read_text().replace("mechanism: scc\n", "mechanism: adequacy\n", 1))
    run("git", "add", "registers/processors.yaml")
    failing = run(pre_commit, "try-repo", str(ROOT), "ropa-validate")
    assert failing.returncode == 1
    assert "Failed" in failing.stdout
    assert "registers/processors.yaml" in failing.stdout and "ROPA203" in failing.stdout
    assert "scratch.yaml" not in failing.stdout
    # A commit that only deletes a record file matches no file pattern; the hook runs anyway.
    run("git", "reset", "-q")
    run("git", "checkout", "-q", "--", "registers/processors.yaml")
    assert run("git", "rm", "-q", "registers/processors.yaml").returncode == 0
    deleting = run(pre_commit, "try-repo", str(ROOT), "ropa-validate")
    assert deleting.returncode == 1, deleting.stdout
    assert "ROPA101" in deleting.stdout


def test_init_in_a_subfolder_of_a_repository(tmp_path: Path) -> None:
    """The hook goes where pre-commit reads it, naming the record from the root; a
    configuration the user already has is never replaced."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    folder = tmp_path / "compliance" / "Privacy Records"
    result = runner.invoke(app, ["init", str(folder), "--company", "A Ltd", "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    config = (tmp_path / ".pre-commit-config.yaml").read_text()
    assert "entry: \"ropa validate --staged 'compliance/Privacy Records/registers'\"" in config
    assert not (folder / ".pre-commit-config.yaml").exists()
    assert result.stderr.endswith(f"next: ropa validate '{folder}/registers'\n")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")
    again = runner.invoke(
        app, ["init", str(tmp_path / "other"), "--company", "B Ltd", "--lang", "en"]
    )
    assert again.exit_code == 0
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    assert f"left {tmp_path / '.pre-commit-config.yaml'} as it is" in again.stderr


def test_readme_example_is_true() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ ropa processors --outside-eea --format csv | cut -d, -f3,6,7\n", 1)[1]
    shown = block.split("...\n", 1)[0].splitlines()
    result = runner.invoke(
        app, ["processors", str(ROOT / "registers"), "--outside-eea", "--format", "csv"]
    )
    rows = [",".join(line.split(",")[i] for i in (2, 5, 6)) for line in result.stdout.splitlines()]
    assert rows[: len(shown)] == shown
    first = readme.split("$ ropa validate\n", 1)[1].splitlines()[0]
    assert first in runner.invoke(app, ["validate", str(ROOT / "registers")]).stdout.replace(
        str(ROOT / "registers"), "registers"
    )


def test_field_reference_documents_every_object_nested_ones_included() -> None:
    """Every object of the schema, written in place or shared, has its own section."""
    from ropa import resources

    schema = resources.schema()
    found: list[str] = []

    def walk(node: dict, title: str) -> None:
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            walk(node["items"], title)
            return
        if "$ref" in node or node.get("type") != "object" or "properties" not in node:
            return
        found.append(title)
        for key, child in node["properties"].items():
            walk(child, f"{title}.{key}" if title else key)

    for key, child in schema["properties"].items():
        walk(child, key)
    for name, node in schema["$defs"].items():
        walk(node, name)
    text = (ROOT / "docs" / "fields.md").read_text(encoding="utf-8")
    assert {"controller.joint_controllers", "controller.rights", "controller.cookies",
            "controller.policy", "controller.statements", "processors.sub_processors",
            "registers.automated_decisions", "purpose.provision"} <= set(found)  # fmt: skip
    missing = [title for title in found if f"\n## {title}\n" not in text]
    assert missing == []
