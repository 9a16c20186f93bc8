"""ropa on the git repositories teams really have: shallow clones, merges, symbolic links,
hidden parent folders, odd commit subjects and file names, records in subfolders, line-ending
normalisation, and the pre-commit hook on what is staged.

Each test builds a real repository (the inputs of shared/cases/git-and-ci and files/01 are
copied byte for byte into tests/shared_cases) and asserts what a user sees.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from ropa.cli import app

CASES = Path(__file__).parent / "shared_cases"
GIT_CASES = CASES / "git-and-ci"
ATOM = {"a": "http://www.w3.org/2005/Atom"}
runner = CliRunner()


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROPA_TODAY", "2026-11-30")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(repo: Path, *args: str, date: str = "2025-01-01T10:00:00Z") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "DPO", "GIT_AUTHOR_EMAIL": "dpo@example.com",
        "GIT_COMMITTER_NAME": "DPO", "GIT_COMMITTER_EMAIL": "dpo@example.com",
        "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
    }  # fmt: skip
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True)
    return done.stdout.decode("utf-8", "replace").strip()


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def append(path: Path, source: Path) -> None:
    with path.open("ab") as target:
        target.write(source.read_bytes())


def changelog(out: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["changelog", "--out", str(out), "--lang", "en", *args])
    return result.exit_code, result.stdout, result.stderr


def headings_and_items(page: Path) -> list[str]:
    lines = page.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith(("#", "- "))]


# -- shapes of history ------------------------------------------------------------------------


def test_hidden_parent_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Case 02: the record in .privacy/registers; hidden parts count below the record only."""
    case = GIT_CASES / "02-hidden-parent-folder-git"
    repo = new_repo(tmp_path / "repo")
    shutil.copytree(case / "registers", repo / ".privacy" / "registers")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    append(repo / ".privacy/registers/processors.yaml", case / "added-processor.yaml.txt")
    git(repo, "commit", "-qam", "two", date="2025-02-01T10:00:00Z")
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD", "--path", ".privacy/registers"])
    assert result.exit_code == 1, result.stderr
    assert result.stdout == (
        "material  processors/beta-mail: processor added: Beta Mail; Beta AB; in SE"
        " [processor-added]\n"
    )
    code, _, stderr = changelog(tmp_path / "site", ".privacy/registers")
    assert code == 0, stderr
    assert headings_and_items(tmp_path / "site/changelog.en.md") == [
        "# Changes to the privacy policy",
        "## 1 February 2025",
        "- New processor: Beta Mail (Beta AB), processing data in Sweden",
    ]


def test_merged_branch_is_announced_once_when_it_reaches_main(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Case 04: history is main's first-parent line; a branch's commits are not main's."""
    case = GIT_CASES / "04-merge-commit-duplicate-changelog-git"
    repo = new_repo(tmp_path / "repo")
    shutil.copytree(case / "registers", repo / "registers")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    append(repo / "registers/processors.yaml", case / "alpha.yaml.txt")
    git(repo, "commit", "-qam", "add alpha", date="2025-02-01T10:00:00Z")
    git(repo, "checkout", "-q", "main")
    append(repo / "registers/processors.yaml", case / "beta.yaml.txt")
    git(repo, "commit", "-qam", "add beta", date="2025-03-01T10:00:00Z")
    subprocess.run(["git", "merge", "-q", "--no-commit", "feature"], cwd=repo, capture_output=True)
    git(repo, "checkout", "-q", "main", "--", "registers/processors.yaml")
    append(repo / "registers/processors.yaml", case / "alpha.yaml.txt")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "merge feature", date="2025-04-01T10:00:00Z")
    monkeypatch.chdir(repo)
    code, _, stderr = changelog(tmp_path / "site")
    assert code == 0, stderr
    assert headings_and_items(tmp_path / "site/changelog.en.md") == [
        "# Changes to the privacy policy",
        "## 1 April 2025",
        "- New processor: Alpha CRM (Alpha Oy), processing data in Finland",
        "## 1 March 2025",
        "- New processor: Beta Mail (Beta AB), processing data in Sweden",
    ]


def test_shallow_clone_is_refused_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Case 05: a depth-1 clone would publish an empty change log."""
    case = GIT_CASES / "05-shallow-clone-changelog-git"
    full = new_repo(tmp_path / "full")
    shutil.copytree(case / "registers", full / "registers")
    git(full, "add", "-A")
    git(full, "commit", "-qm", "one")
    append(full / "registers/processors.yaml", case / "added-processor.yaml.txt")
    git(full, "commit", "-qam", "add Beta Mail", date="2025-02-01T10:00:00Z")
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{full}", str(tmp_path / "shallow")],
        check=True,
        capture_output=True,
    )
    monkeypatch.chdir(tmp_path / "shallow")
    code, stdout, stderr = changelog(tmp_path / "site")
    assert (code, stdout) == (2, "")
    assert stderr == (
        "ropa: error: the repository is a shallow clone, so its history is incomplete; fetch it"
        " in full (git fetch --unshallow; in GitHub Actions, actions/checkout with"
        " fetch-depth: 0)\n"
    )
    assert not (tmp_path / "site").exists()
    result = runner.invoke(
        app, ["render", "--out", str(tmp_path / "pages"), "--changelog", "--allow-overdue"]
    )
    assert result.exit_code == 2 and "shallow clone" in result.stderr


@pytest.mark.parametrize(
    "subject",
    [
        "Add Beta Mail\u2028(requested by sales)",
        "Add Beta Mail\f\v\x1c\x1d\x1e\x85\u2029 done",
        "Tilføj Beta Mail – ärende #12",
    ],
)
def test_any_commit_subject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, subject: str) -> None:
    """Case 06: git's output is split on NUL, never on what a subject may hold."""
    case = GIT_CASES / "06-commit-subject-line-separator-git"
    repo = new_repo(tmp_path / "repo")
    shutil.copytree(case / "registers", repo / "registers")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    append(repo / "registers/processors.yaml", case / "added-processor.yaml.txt")
    git(repo, "commit", "-qam", subject, date="2025-02-01T10:00:00Z")
    monkeypatch.chdir(repo)
    code, _, stderr = changelog(tmp_path / "site")
    assert code == 0, stderr
    assert headings_and_items(tmp_path / "site/changelog.en.md")[1:] == [
        "## 1 February 2025",
        "- New processor: Beta Mail (Beta AB), processing data in Sweden",
    ]


def test_a_committed_file_name_that_is_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = GIT_CASES / "06-commit-subject-line-separator-git"
    repo = new_repo(tmp_path / "repo")
    shutil.copytree(case / "registers", repo / "registers")
    odd = os.fsencode(repo / "registers") + b"/notes-\xe4.txt"
    with open(odd, "wb") as handle:
        handle.write(b"not part of the record\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    append(repo / "registers/processors.yaml", case / "added-processor.yaml.txt")
    git(repo, "commit", "-qam", "two", date="2025-02-01T10:00:00Z")
    monkeypatch.chdir(repo)
    code, _, stderr = changelog(tmp_path / "site")
    assert code == 0, stderr
    result = runner.invoke(app, ["--verbose", "diff", "HEAD~1", "HEAD"])
    assert result.exit_code == 1
    assert "processors/beta-mail" in result.stdout


def test_symbolic_links_inside_the_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record file that is a link to a file elsewhere in the repository: validate, diff and
    changelog all read it, and a change to the file it leads to is a change to the record."""
    case = GIT_CASES / "06-commit-subject-line-separator-git"
    repo = new_repo(tmp_path / "repo")
    shutil.copytree(case / "registers", repo / "registers")
    (repo / "shared").mkdir()
    (repo / "registers/processors.yaml").rename(repo / "shared/processors.yaml")
    (repo / "registers/processors.yaml").symlink_to("../shared/processors.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    append(repo / "shared/processors.yaml", case / "added-processor.yaml.txt")
    git(repo, "commit", "-qam", "two", date="2025-02-01T10:00:00Z")
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["--verbose", "validate"])
    assert result.exit_code == 0
    assert "read registers/processors.yaml\n" in result.stderr
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD"])
    assert result.exit_code == 1
    assert result.stdout.startswith("material  processors/beta-mail: processor added")
    code, _, stderr = changelog(tmp_path / "site")
    assert code == 0, stderr
    assert "- New processor: Beta Mail (Beta AB), processing data in Sweden" in headings_and_items(
        tmp_path / "site/changelog.en.md"
    )
    # The shared folder moves and the link follows it: nothing changed, the entry keeps its
    # commit and date.
    git(repo, "mv", "shared", "common")
    (repo / "registers/processors.yaml").unlink()
    (repo / "registers/processors.yaml").symlink_to("../common/processors.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "move", date="2025-03-01T10:00:00+00:00")
    assert runner.invoke(app, ["diff", "HEAD~1", "HEAD"]).exit_code == 0
    code, _, stderr = changelog(tmp_path / "site")
    assert headings_and_items(tmp_path / "site/changelog.en.md")[1:] == [
        "## 1 February 2025",
        "- New processor: Beta Mail (Beta AB), processing data in Sweden",
    ]


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("missing.yaml", "a broken symbolic link (nothing is where it leads)"),
        ("loop.yaml", "a loop of symbolic links"),
        ("/etc/hostname", "a symbolic link to /etc/hostname, outside the repository (git holds"
         " only the link, not the file)"),
    ],
)  # fmt: skip
def test_a_record_file_that_leads_nowhere_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, why: str
) -> None:
    """Never a record that silently lacks a file: on disk and in git, a link with a record
    file's name that leads nowhere (or outside the repository, for git) cannot be read."""
    case = GIT_CASES / "02-hidden-parent-folder-git"
    repo = new_repo(tmp_path / "repo")
    shutil.copytree(case / "registers", repo / "registers")
    (repo / "registers/loop.yaml").symlink_to(target)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["validate", "--staged"])
    assert result.exit_code == 2
    assert result.stdout == f"registers/loop.yaml:1:1 error ROPA005 cannot read file: {why}\n"
    if not target.startswith("/"):
        result = runner.invoke(app, ["validate"])
        assert result.exit_code == 2
        assert result.stdout == (
            "registers/loop.yaml:1:1 error ROPA005 cannot read file: a symbolic link that leads"
            " nowhere (a broken link or a loop of links)\n"
        )
    result = runner.invoke(app, ["diff", "HEAD", "HEAD"])
    assert result.exit_code == 2
    assert f"HEAD:registers/loop.yaml:1:1 error ROPA005 cannot read file: {why}\n" in (
        result.stderr
    )


def test_record_in_a_subfolder_run_from_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = GIT_CASES / "02-hidden-parent-folder-git"
    repo = new_repo(tmp_path / "repo")
    shutil.copytree(case / "registers", repo / "compliance/privacy/registers")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    append(repo / "compliance/privacy/registers/processors.yaml", case / "added-processor.yaml.txt")
    git(repo, "commit", "-qam", "two", date="2025-02-01T10:00:00Z")
    monkeypatch.chdir(repo / "compliance/privacy")
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD"])
    assert result.exit_code == 1
    assert result.stdout.startswith("material  processors/beta-mail")
    code, _, stderr = changelog(tmp_path / "site")
    assert code == 0, stderr
    # A staged problem is named as the file in the work tree, relative to where ropa runs.
    processors = repo / "compliance/privacy/registers/processors.yaml"
    processors.write_text(processors.read_text().replace("countries: [EU]", "countries: [XX]"))
    git(repo, "add", "-A")
    result = runner.invoke(app, ["validate", "--staged"])
    assert result.exit_code == 1
    assert result.stdout.startswith("registers/processors.yaml:5:")


# -- which files make the record ----------------------------------------------------------------


def test_upper_case_extension_is_part_of_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """files/01: newsletter.YAML is a register like any other, on disk and in git."""
    repo = new_repo(tmp_path / "repo")
    shutil.copytree(CASES / "files/01-uppercase-extension/registers", repo / "registers")
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["-v", "validate"])
    assert result.exit_code == 0
    assert "read registers/newsletter.YAML\n" in result.stderr
    assert result.stderr.endswith("in 4 files\n")
    result = runner.invoke(
        app, ["-q", "render", "--out", str(tmp_path / "site"), "--format", "md", "--lang", "en"]
    )
    assert result.exit_code == 0, result.stderr
    assert "Newsletter register" in (tmp_path / "site/privacy.en.md").read_text()
    git(repo, "add", "-A")
    result = runner.invoke(app, ["-v", "validate", "--staged"])
    assert result.exit_code == 0
    assert "read registers/newsletter.YAML\n" in result.stderr


def test_verbose_names_every_file_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = tmp_path / "registers"
    shutil.copytree(CASES / "files/01-uppercase-extension/registers", record)
    (record / ".draft.yaml").write_text("broken: [\n")
    (record / ".old").mkdir()
    (record / ".old/controller.yaml").write_text("broken: [\n")
    (record / "README.md").write_text("notes\n")
    (record / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["-v", "validate"])
    assert result.exit_code == 0
    assert [line for line in result.stderr.splitlines() if line.startswith("skipped")] == [
        "skipped registers/.draft.yaml: hidden (a part of its path starts with '.')",
        "skipped registers/.old/: hidden (a part of its path starts with '.')",
        "skipped registers/README.md: not a .yaml or .yml file",
        "skipped registers/locale/: the record's catalog folder locale/",
    ]


def test_a_folder_link_loop_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = tmp_path / "registers"
    shutil.copytree(CASES / "files/01-uppercase-extension/registers", record)
    (record / "again").symlink_to(".", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["-v", "validate"])
    assert result.exit_code == 0
    assert "skipped registers/again/: a symbolic link loop (the folder was already read)\n" in (
        result.stderr
    )
    assert result.stderr.endswith("in 4 files\n")


# -- the pre-commit hook checks what is committed -------------------------------------------------


def test_staged_ignores_untracked_and_unstaged_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = GIT_CASES / "02-hidden-parent-folder-git"
    repo = new_repo(tmp_path / "repo")
    shutil.copytree(case / "registers", repo / "registers")
    git(repo, "add", "-A")
    (repo / "registers/scratch.yaml").write_text("broken: [\n")
    monkeypatch.chdir(repo)
    assert runner.invoke(app, ["validate"]).exit_code == 2
    result = runner.invoke(app, ["validate", "--staged"])
    assert result.exit_code == 0, result.stdout
    assert result.stderr.endswith("in 3 files\n")
    # A processor defined only in an untracked file does not make a staged use of it good.
    added = (case / "added-processor.yaml.txt").read_text()
    (repo / "registers/scratch.yaml").write_text("processors:" + added)
    assert runner.invoke(app, ["validate"]).exit_code == 0
    customers = repo / "registers/customers.yaml"
    customers.write_text(customers.read_text().replace("processor: mailer", "processor: beta-mail"))
    git(repo, "add", "registers/customers.yaml")
    result = runner.invoke(app, ["validate", "--staged"])
    assert result.exit_code == 1
    assert "ROPA101" in result.stdout and "beta-mail" in result.stdout


def test_staged_outside_a_repository_or_with_nothing_staged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    shutil.copytree(GIT_CASES / "02-hidden-parent-folder-git/registers", tmp_path / "registers")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "--staged"])
    assert result.exit_code == 2
    assert "not inside a git repository" in result.stderr
    new_repo(tmp_path / "r")
    shutil.copytree(tmp_path / "registers", tmp_path / "r/registers")
    monkeypatch.chdir(tmp_path / "r")
    result = runner.invoke(app, ["validate", "--staged"])
    assert result.exit_code == 2
    assert result.stderr == (
        "ropa: error: nothing of the record is staged: registers is not there; git add it\n"
    )


def test_without_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    for args in (["changelog"], ["diff", "HEAD~1", "HEAD"], ["validate", "--staged"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert result.stderr == (
            "ropa: error: git is not installed (or not on PATH); it is needed to read the"
            " record from git\n"
        )


# -- render --check and line endings ------------------------------------------------------------


@pytest.mark.parametrize("setting", ["text=auto", "autocrlf"])
def test_render_check_passes_on_a_fresh_clone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    """Case 10: git stores text with LF and may check it out with CRLF; --check compares
    what the pages say, and rendered text files are written with LF."""
    repo = new_repo(tmp_path / "repo")
    if setting == "text=auto":
        (repo / ".gitattributes").write_text("* text=auto\n")
    shutil.copytree(GIT_CASES / "10-render-check-line-endings-git/registers", repo / "registers")
    monkeypatch.chdir(repo)
    assert runner.invoke(app, ["-q", "render", "--out", "site"]).exit_code == 0
    assert b"\r" not in (repo / "site/processors.en.csv").read_bytes()
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "pages")
    clone = tmp_path / "clone"
    config = ["-c", "core.autocrlf=true"] if setting == "autocrlf" else []
    subprocess.run(["git", *config, "clone", "-q", str(repo), str(clone)], check=True)
    if setting == "autocrlf":
        assert b"\r\n" in (clone / "site/privacy.en.html").read_bytes()
    monkeypatch.chdir(clone)
    result = runner.invoke(app, ["render", "--out", "site", "--check"])
    assert result.exit_code == 0, result.stderr
    page = clone / "site/processors.en.csv"
    page.write_bytes(page.read_bytes().replace(b"Mailer", b"Mailman", 1))
    result = runner.invoke(app, ["render", "--out", "site", "--check"])
    assert result.exit_code == 1
    assert "ropa: site/processors.en.csv is out of date\n" in result.stderr


# -- the feed -----------------------------------------------------------------------------------


def _copy_case_06(target: Path) -> None:
    """Shared case 06, with the portability right its contract purpose needs (ROPA308): the
    change log is written only from a record that validates at HEAD."""
    text = (CASES / "06-dangling-intros.yaml").read_text(encoding="utf-8")
    text = text.replace("objection, complaint]", "objection, portability, complaint]")
    target.write_text(text, encoding="utf-8")


def _feed_repo(tmp_path: Path) -> Path:
    """Case records/07: three commits, two of them on one day, each changing the retention."""
    repo = new_repo(tmp_path / "repo")
    (repo / "registers").mkdir()
    _copy_case_06(repo / "registers/record.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "initial", date="2026-11-30T10:00:00Z")
    for date, old, new in (("2026-12-01T09:00:00Z", "24", "36"),
                           ("2026-12-01T15:00:00Z", "36", "48")):  # fmt: skip
        record = repo / "registers/record.yaml"
        record.write_text(record.read_text().replace(f"period: {old}", f"period: {new}"))
        git(repo, "commit", "-qam", f"retention {new}", date=date)
    return repo


def test_feed_entries_link_to_the_page_and_keep_their_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _feed_repo(tmp_path)
    monkeypatch.chdir(repo)
    site = tmp_path / "site"
    code, _, stderr = changelog(site, "--base-url", "https://example.com/privacy")
    assert code == 0, stderr
    feed = ElementTree.parse(site / "changelog.en.xml").getroot()
    entries = feed.findall("a:entry", ATOM)
    html = (site / "changelog.en.html").read_text()
    anchors = [e.find("a:link", ATOM).get("href").split("#")[1] for e in entries]  # type: ignore[union-attr]
    assert len(entries) == 2 and len(set(anchors)) == 2
    for anchor in anchors:
        assert f'<li id="{anchor}">' in html
    assert [e.findtext("a:updated", namespaces=ATOM) for e in entries] == [
        "2026-12-01T15:00:00Z",
        "2026-12-01T09:00:00Z",
    ]
    titles = [e.findtext("a:title", namespaces=ATOM) for e in entries]
    assert len(set(titles)) == 2
    # One heading for the day on the page, both changes under it.
    assert (site / "changelog.en.md").read_text().count("## 1 December 2026") == 1
    ids = [e.findtext("a:id", namespaces=ATOM) for e in entries]
    # A later change adds an entry; the earlier ones keep their ids and anchors.
    record = repo / "registers/record.yaml"
    record.write_text(record.read_text().replace("period: 48", "period: 60"))
    git(repo, "commit", "-qam", "retention 60", date="2026-12-02T08:00:00Z")
    changelog(site, "--base-url", "https://example.com/privacy")
    feed = ElementTree.parse(site / "changelog.en.xml").getroot()
    later = feed.findall("a:entry", ATOM)
    assert [e.findtext("a:id", namespaces=ATOM) for e in later][1:] == ids
    assert [e.find("a:link", ATOM).get("href").split("#")[1] for e in later][1:] == anchors  # type: ignore[union-attr]


def test_feed_id_is_the_organisations_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _feed_repo(tmp_path)
    monkeypatch.chdir(repo)
    changelog(tmp_path / "site")
    feed = ElementTree.parse(tmp_path / "site/changelog.en.xml").getroot()
    # No --base-url and no website: a tag URI (RFC 4151) of the controller's e-mail address,
    # dated by the record's first commit.
    assert feed.findtext("a:id", namespaces=ATOM) == (
        "tag:integritet@norrhalsa.se,2026-11-30:changelog:en"
    )
    assert feed.find("a:link", ATOM) is None  # no address to link to without --base-url
    record = repo / "registers/record.yaml"
    record.write_text(
        record.read_text().replace(
            "  email: integritet@norrhalsa.se\n",
            "  email: integritet@norrhalsa.se\n  website: https://norrhalsa.se/\n",
        )
    )
    git(repo, "commit", "-qam", "website", date="2026-12-03T08:00:00Z")
    changelog(tmp_path / "site")
    feed = ElementTree.parse(tmp_path / "site/changelog.en.xml").getroot()
    assert feed.findtext("a:id", namespaces=ATOM) == "tag:norrhalsa.se,2026-11-30:changelog:en"


def test_days_are_utc_days_newest_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits made in different time zones: one calendar (UTC), one heading per day, the
    newest day first, whatever order the history has them in."""
    repo = new_repo(tmp_path / "repo")
    (repo / "registers").mkdir()
    _copy_case_06(repo / "registers/record.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "initial", date="2026-06-30T10:00:00Z")
    for date, old, new in (("2026-07-02T00:30:00+02:00", "24", "36"),   # 1 July 22:30 UTC
                           ("2026-07-01T23:45:00-04:00", "36", "48"),   # 2 July 03:45 UTC
                           ("2026-07-02T10:00:00+02:00", "48", "60")):  # fmt: skip
        record = repo / "registers/record.yaml"
        record.write_text(record.read_text().replace(f"period: {old}", f"period: {new}"))
        git(repo, "commit", "-qam", f"retention {new}", date=date)
    monkeypatch.chdir(repo)
    code, _, stderr = changelog(tmp_path / "site")
    assert code == 0, stderr
    headings = [h for h in headings_and_items(tmp_path / "site/changelog.en.md") if h[:3] == "## "]
    assert headings == ["## 2 July 2026", "## 1 July 2026"]
    html = (tmp_path / "site/changelog.en.html").read_text()
    assert html.count('id="date-2026-07-02"') == 1
    feed = ElementTree.parse(tmp_path / "site/changelog.en.xml").getroot()
    assert feed.findtext("a:updated", namespaces=ATOM) == "2026-07-02T08:00:00Z"
