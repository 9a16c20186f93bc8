"""`ropa diff` and `ropa review` on real git histories built in a temporary repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa import countries
from ropa.cli import app
from ropa.record import Record

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
CALENDLY = """  - id: calendly
    system: Calendly
    legal_entity: Calendly LLC
    headquarters: US
    countries: [US]
    transfers:
      - country: US
        mechanism: scc
    dpa: {signed: true}

"""
CALENDLY_USE = """      - processor: calendly
        purpose:
          sv: Kalendertjänst
          fi: Kalenteripalvelu
          en: Calendar service
"""


def _git(repo: Path, *args: str, date: str = "2026-01-01T12:00:00Z") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "DPO", "GIT_AUTHOR_EMAIL": "dpo@example.com",
        "GIT_COMMITTER_NAME": "DPO", "GIT_COMMITTER_EMAIL": "dpo@example.com",
        "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
    }  # fmt: skip
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("repo")
    _git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("policy repo\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "start", date="2025-12-01T12:00:00Z")
    _git(repo, "tag", "empty")
    registers = repo / "registers"
    shutil.copytree(ROOT / "registers", registers)
    _edit(registers / "processors.yaml", CALENDLY, "")
    _edit(registers / "customers.yaml", CALENDLY_USE, "")
    _edit(registers / "customers.yaml", "sv: Fakturering", "sv: Fakturerng")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Record as of the 2022 policy", date="2026-01-05T09:00:00Z")
    _git(repo, "tag", "v0")
    _edit(
        registers / "processors.yaml",
        "  - id: bi-book",
        CALENDLY.rstrip("\n") + "\n\n  - id: bi-book",
    )
    _edit(
        registers / "customers.yaml",
        "      - processor: bi-book",
        CALENDLY_USE + "      - processor: bi-book",
    )
    _git(repo, "commit", "-q", "-am", "Add Calendly", date="2026-02-10T09:00:00Z")
    _git(repo, "tag", "v1")
    _edit(registers / "processors.yaml", "    countries: [EU, US, AU]\n    transfers:\n      - country: US\n        mechanism: scc\n",
          "    countries: [AU]\n    transfers:\n")  # fmt: skip
    _git(
        repo,
        "commit",
        "-q",
        "-am",
        "ActiveCampaign moves to Australia only",
        date="2026-03-15T09:00:00Z",
    )
    _git(repo, "tag", "v2")
    _edit(registers / "marketing.yaml", "        period: 24\n", "        period: 12\n")
    _git(repo, "commit", "-q", "-am", "Shorten lead retention", date="2026-04-20T09:00:00Z")
    _git(repo, "tag", "v3")
    _edit(registers / "customers.yaml", "sv: Fakturerng", "sv: Fakturering")
    _git(repo, "commit", "-q", "-am", "Fix a Swedish typo", date="2026-05-25T09:00:00Z")
    _git(repo, "tag", "v4")
    return repo


def _diff(repo: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> object:
    monkeypatch.chdir(repo)
    return runner.invoke(app, ["diff", *args])


@pytest.mark.parametrize(
    ("old", "new", "exit_code", "output"),
    [
        ("v0", "v1", 1,
         "material  processors/calendly: processor added: Calendly; Calendly LLC; in US; transfers US scc [processor-added]\n"
         "material  registers/customers: processor added: Calendly [processor-use-added]\n"),
        ("v1", "v2", 0, "editorial processors/activecampaign: no longer in EU, US [country-removed]\n"),
        ("v2", "v3", 0,
         "editorial registers/marketing/retention/1: retention 24 months -> 12 months [retention-shorter]\n"),
        ("v3", "v4", 0,
         "editorial registers/customers/purposes/invoicing.name: text changed (sv) [text-changed]\n"),
        ("v3", "v2", 1,
         "material  registers/marketing/retention/1: retention 12 months -> 24 months [retention-longer]\n"),
        ("v4", "v4", 0, ""),
    ],
)  # fmt: skip
def test_diff_between_revisions(repo: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str,
                                exit_code: int, output: str) -> None:  # fmt: skip
    result = _diff(repo, monkeypatch, old, new)
    assert result.stdout == output
    assert result.exit_code == exit_code
    assert result.stderr.startswith(f"{output.count('material  ')} material, ")


def test_whole_history_is_material(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _diff(repo, monkeypatch, "v0", "HEAD", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["material"] is True
    # In record order: processors as listed, then registers; the typo and its fix cancel out
    # nothing (v0 had the typo, HEAD has the fixed text).
    assert [(c["class"], c["rule"], c["subject"]) for c in document["changes"]] == [
        ("editorial", "country-removed", "processors/activecampaign"),
        ("material", "processor-added", "processors/calendly"),
        ("editorial", "text-changed", "registers/customers/purposes/invoicing.name"),
        ("material", "processor-use-added", "registers/customers"),
        ("editorial", "retention-shorter", "registers/marketing/retention/1"),
    ]
    assert document["old"].startswith("v0 (") and document["new"].startswith("HEAD (")


def test_translation_only_change(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(repo / "registers", old)
    shutil.copytree(repo / "registers", new)
    _edit(new / "customers.yaml", "en: Invoicing", "en: Billing")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["diff", "old", "new"])
    assert result.exit_code == 0
    assert result.stdout == (
        "editorial registers/customers/purposes/invoicing.name: translation changed (en) [translation-changed]\n"
    )


def test_markdown_format(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _diff(repo, monkeypatch, "v1", "v3", "--format", "md")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# Changes from v1 (")
    assert lines[2:] == [
        "## Material changes", "", "- none", "",
        "## Editorial changes", "",
        "- processors/activecampaign: no longer in EU, US",
        "- registers/marketing/retention/1: retention 24 months -\\> 12 months",
    ]  # fmt: skip


def test_more_material_changes(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(repo / "registers", old)
    shutil.copytree(repo / "registers", new)
    _edit(new / "processors.yaml", "legal_entity: Intuit Inc.", "legal_entity: Mailchimp Ltd")
    _edit(new / "processors.yaml", "    system: Google Analytics\n    legal_entity: Google LLC\n    headquarters: US\n    countries: [EU]\n",
          "    system: Google Analytics\n    legal_entity: Google LLC\n    headquarters: US\n    countries: [EU, JP]\n    transfers:\n      - country: JP\n        mechanism: adequacy\n")  # fmt: skip
    _edit(new / "recruitment.yaml", "          - basis: contract\n",
          "          - basis: contract\n          - basis: consent\n            withdrawal: [{kind: email}]\n")  # fmt: skip
    _edit(
        new / "recruitment.yaml",
        "    recipients: [authorities]",
        "    recipients: [authorities, forums]",
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["diff", "old", "new"])
    assert result.exit_code == 1, result.stderr
    assert result.stdout == (
        "material  processors/google-analytics: new transfer outside the EU/EEA: JP (adequacy) [transfer-added]\n"
        "material  processors/mailchimp: legal entity Intuit Inc. -> Mailchimp Ltd [legal-entity-changed]\n"
        "material  registers/recruitment/purposes/job-applications: legal basis added: consent [legal-basis-added]\n"
        "material  registers/recruitment: recipient added: Askeles forum, såsom YouTube eller LinkedIn [recipient-added]\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "HEAD"], "ropa: error: 'nope' is not a commit in {repo}\n"),
        (
            ["empty", "HEAD"],
            "ropa: error: no record at empty ({empty}): registers is not there\n",
        ),
        (
            ["--path", "/etc", "v0", "v1"],
            "ropa: error: /etc: the path is outside the repository {repo}\n",
        ),
        (
            ["--path", "docs", "v0", "v1"],
            "ropa: error: no record at v0 ({v0}): docs is not there\n",
        ),
        (["--", "-x", "HEAD"], "ropa: error: '-x' is not a git revision\n"),
    ],
)
def test_errors_exit_2(
    repo: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    result = _diff(repo, monkeypatch, *args)
    empty = _git(repo, "rev-parse", "empty")[:12]
    v0 = _git(repo, "rev-parse", "v0")[:12]
    assert result.exit_code == 2
    assert result.stderr == message.format(repo=repo, empty=empty, v0=v0)
    assert "Traceback" not in result.stdout + result.stderr


def test_outside_a_repository_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "registers").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ropa: error: {tmp_path}: not inside a git repository"
        " (ropa diff also compares two folders)\n"
    )


def test_the_work_tree_is_not_touched(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "registers" / "marketing.yaml").write_text(
        (repo / "registers" / "marketing.yaml").read_text() + "# uncommitted\n"
    )
    head = _git(repo, "rev-parse", "HEAD")
    status = _git(repo, "status", "--porcelain")
    _diff(repo, monkeypatch, "v0", "v2")
    assert _git(repo, "rev-parse", "HEAD") == head
    assert _git(repo, "status", "--porcelain") == status
    _git(repo, "checkout", "--", "registers/marketing.yaml")


def test_review_lists_due_and_overdue_by_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registers = tmp_path / "registers"
    shutil.copytree(ROOT / "registers", registers)
    _edit(registers / "customers.yaml", "last_reviewed: 2022-11-02", "last_reviewed: 2026-01-10")
    _edit(registers / "marketing.yaml", "last_reviewed: 2022-11-02", "last_reviewed: 2025-12-20")
    _edit(registers / "recruitment.yaml", "last_reviewed: 2022-11-02", "last_reviewed: 2026-06-01")
    _edit(registers / "insights.yaml", "last_reviewed: 2022-11-02", "last_reviewed: 2025-11-01")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["review", "--today", "2026-11-25"])
    assert result.exit_code == 1  # two reviews are overdue
    assert result.stdout == (
        "2023-11-02  overdue  privacy policy            last 2022-11-02  owner privacy@askele.fi\n"
        "2026-11-01  overdue  register insights         last 2025-11-01  owner privacy@askele.fi\n"
        "2026-12-20  due      register marketing        last 2025-12-20  owner privacy@askele.fi\n"
    )
    assert result.stderr.endswith("3 reviews due or overdue as of 2026-11-25 (2 overdue)\n")
    wider = runner.invoke(app, ["review", "--today", "2026-11-25", "--within", "60"])
    assert "register customers" in wider.stdout and "register recruitment" not in wider.stdout


def test_changelog_pages_and_atom_feed(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xml.etree import ElementTree

    monkeypatch.chdir(repo)
    out = tmp_path / "site"
    result = runner.invoke(
        app, ["changelog", "--out", str(out), "--base-url", "https://askele.fi/privacy"]
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"changelog.{lang}.{ext}" for lang in ("sv", "fi", "en") for ext in ("html", "md", "xml")
    )
    # Only the commit that added Calendly changed the record materially.
    assert (out / "changelog.en.md").read_text() == (
        "# Changes to the privacy policy\n\n"
        "Material changes to how Askele Ab processes personal data, newest first. Subscribe to the"
        " feed to be notified of new changes, such as new processors. [Atom feed](changelog.en.xml)\n\n"
        "## 10 February 2026\n\n"
        "- New processor: Calendly (Calendly LLC), processing data in United States\n"
        "- Customer register: now uses the processor Calendly\n"
    )
    sv = (out / "changelog.sv.md").read_text()
    assert "## 10 februari 2026" in sv
    assert "- Kundregister: " in sv and "Calendly" in sv
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ElementTree.parse(out / "changelog.en.xml").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.findtext("a:id", namespaces=ns) == "https://askele.fi/privacy/changelog.en.xml"
    assert feed.findtext("a:updated", namespaces=ns) == "2026-02-10T09:00:00Z"
    assert feed.findtext("a:title", namespaces=ns) == "Changes to the privacy policy of Askele Ab"
    # One entry per change, with the commit's time, an id from the commit and the item, and
    # a link to the item's anchor on the page.
    calendly = _git(repo, "rev-parse", "v1")
    entries = feed.findall("a:entry", ns)
    assert [
        (e.findtext("a:id", namespaces=ns), e.findtext("a:title", namespaces=ns),
         e.findtext("a:updated", namespaces=ns), e.find("a:link", ns).get("href"))
        for e in entries
    ] == [
        (f"tag:askele.fi,2026-02-10:change:{calendly}:1:en",
         "New processor: Calendly (Calendly LLC), processing data in United States",
         "2026-02-10T09:00:00Z",
         f"https://askele.fi/privacy/changelog.en.html#change-{calendly[:12]}-1"),
        (f"tag:askele.fi,2026-02-10:change:{calendly}:2:en",
         "Customer register: now uses the processor Calendly",
         "2026-02-10T09:00:00Z",
         f"https://askele.fi/privacy/changelog.en.html#change-{calendly[:12]}-2"),
    ]  # fmt: skip
    assert entries[0].findtext("a:content", namespaces=ns) == (
        "New processor: Calendly (Calendly LLC), processing data in United States"
    )
    html = (out / "changelog.en.html").read_text()
    for item in (1, 2):
        assert f'<li id="change-{calendly[:12]}-{item}">' in html
    html = (out / "changelog.en.html").read_text()
    assert '<time datetime="2026-02-10">10 February 2026</time>' in html
    assert '<link rel="alternate" hreflang="fi" href="changelog.fi.html">' in html


def test_changelog_refuses_a_plain_http_base_url(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["changelog", "--out", str(tmp_path), "--base-url", "http://x"])
    assert result.exit_code == 2
    assert result.stderr == (
        "ropa: error: --base-url 'http://x' must be an https:// address of the folder the pages"
        " are published in, without ? or #\n"
    )
    for url in ("https://x.example/p?x=1", "https://x.example/p#top"):
        result = runner.invoke(app, ["changelog", "--out", str(tmp_path), "--base-url", url])
        assert result.exit_code == 2


def test_render_links_the_changelog_and_dates_the_policy_from_git(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    out = tmp_path / "site"
    # The record's policy date (2022-11-02) is past its 12-month review: render needs
    # --allow-overdue, even where the page is dated from git.
    args = ["render", "--out", str(out), "--lang", "en", "--changelog", "--last-updated-from-git",
            "--allow-overdue"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    md = (out / "privacy.en.md").read_text()
    # The policy says 2022-11-02; the last material change (Calendly) is 2026-02-10.
    assert "\nThis privacy policy was last updated on 10 February 2026.\n" in md
    assert "[All material changes to this policy](<changelog.en.md>)" in md
    assert (
        '<a href="changelog.en.html">All material changes to this policy</a>'
        in (out / "privacy.en.html").read_text()
    )
    assert {"changelog.en.md", "changelog.en.html", "changelog.en.xml"} <= {
        p.name for p in out.iterdir()
    }
    plain = runner.invoke(
        app, ["render", "--out", str(tmp_path / "plain"), "--lang", "en", "--allow-overdue"]
    )
    assert plain.exit_code == 0
    assert (
        "\nThis privacy policy was last updated on 2 November 2022.\n"
        in (tmp_path / "plain" / "privacy.en.md").read_text()
    )


def test_the_public_change_log_says_nothing_of_unpublished_registers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A register kept out of the public notice (`publish: false`) stays out of its change
    log, and so does a recipient only that register uses; other changes are logged."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    shutil.copytree(ROOT / "tests" / "orgs" / "norrhalsa" / "registers", repo / "registers")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Record", date="2026-01-05T09:00:00Z")
    hr = repo / "registers" / "hr.yaml"
    _edit(hr, "    recipients: [skatteverket, forsakringskassan, trade-union, pension-insurer, auditors]",
          "    recipients: [skatteverket, forsakringskassan, trade-union, pension-insurer, auditors, ivo]")  # fmt: skip
    _git(repo, "commit", "-q", "-am", "HR: report to IVO", date="2026-02-05T09:00:00Z")
    customers = repo / "registers" / "customers.yaml"
    text = customers.read_text(encoding="utf-8")
    assert "    recipients: [" in text
    customers.write_text(
        text.replace("    recipients: [", "    recipients: [trade-union, ", 1), encoding="utf-8"
    )
    _git(repo, "commit", "-q", "-am", "Customers: union", date="2026-03-05T09:00:00Z")
    out = tmp_path / "site"
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["changelog", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    log = (out / "changelog.en.md").read_text(encoding="utf-8")
    assert "Personnel register" not in log
    assert "February 2026" not in log  # the HR-only commit is not a public change
    assert "## 5 March 2026" in log
    assert "Customer register: " in log


CONTRACT_RULE = """    - until: contract_obligations_fulfilled
      applies_to:
        sv: Personuppgifter som behandlas för att uppfylla våra avtalsförpliktelser
        fi: Henkilötiedot, joita käsitellään sopimusvelvoitteidemme täyttämiseksi
        en: Personal data processed to fulfil our contractual obligations
"""


@pytest.mark.parametrize(
    ("old_rule", "new_rule", "expected"),
    [
        # Only the wording of a rule: editorial, never "data is now kept".
        ("    - until: contract_obligations_fulfilled\n",
         "    - until: contract_obligations_fulfilled\n      internal_note: checked by legal\n",
         "editorial controller/retention/1.internal_note: (none) -> checked by legal [field-changed]\n"),
        # A rule added above the others: one change, the others are the same rules.
        (CONTRACT_RULE, "    - period: 6\n      unit: months\n      after: end_of_contract\n" + CONTRACT_RULE,
         "material  controller/retention/1: retention rule added [retention-changed]\n"),
    ],
)  # fmt: skip
def test_retention_rules_are_matched_by_what_they_say(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    old_rule: str, new_rule: str, expected: str,
) -> None:  # fmt: skip
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(repo / "registers", old)
    shutil.copytree(repo / "registers", new)
    _edit(new / "controller.yaml", old_rule, new_rule)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["diff", "old", "new"])
    assert result.stdout == expected
    assert result.exit_code == (1 if expected.startswith("material") else 0)


def test_moved_retention_rules_and_other_units_are_no_change(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(repo / "registers", old)
    shutil.copytree(repo / "registers", new)
    text = (new / "controller.yaml").read_text(encoding="utf-8")
    start = text.index(CONTRACT_RULE)
    second = text.index("    - until: purpose_fulfilled\n", start)
    end = text.index("\n", second) + 1
    while text[end:].startswith("      "):  # the rule's own lines are indented deeper
        end = text.index("\n", end) + 1
    block = text[second:end]
    (new / "controller.yaml").write_text(
        text[:start] + block + CONTRACT_RULE + text[end:], encoding="utf-8"
    )
    assert runner.invoke(app, ["validate", str(new)]).exit_code == 0
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["diff", "old", "new"])
    assert (result.exit_code, result.stdout) == (0, "")

    # 1 year and 12 months are one period (an editorial change of notation); a longer one
    # is material, for the controller's own rules too.
    def with_period(count: str, unit: str) -> str:
        return text.replace(
            "    - until: contract_obligations_fulfilled\n",
            f"    - until: contract_obligations_fulfilled\n      period: {count}\n"
            f"      unit: {unit}\n      after: end_of_contract\n",
            1,
        )

    for before, after, expected, code in (
        (("12", "months"), ("1", "years"),
         "editorial controller/retention/1.period: 12 -> 1 [field-changed]\n"
         "editorial controller/retention/1.unit: months -> years [field-changed]\n", 0),
        (("12", "months"), ("2", "years"),
         "material  controller/retention/1: retention 12 months -> 2 years [retention-longer]\n",
         1),
    ):  # fmt: skip
        (old / "controller.yaml").write_text(with_period(*before), encoding="utf-8")
        (new / "controller.yaml").write_text(with_period(*after), encoding="utf-8")
        result = runner.invoke(app, ["diff", "old", "new"])
        assert (result.exit_code, result.stdout) == (code, expected)


def test_a_new_source_is_described_as_one(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The change log says what changed: a register's new source, not "retention rules"."""
    from ropa.changelog import Describer
    from ropa.diff import diff
    from ropa.validate import read

    record = Record.assemble(read(ROOT / "registers").documents)
    changed = Record.assemble(read(ROOT / "registers").documents)
    marketing = next(r for r in changed.registers if r.get("sources"))
    marketing.data["sources"] = [*marketing.data["sources"], "authorities"]
    changed.catalogues["sources"].append(
        changed.catalogues["sources"][0]._replace(data={"id": "authorities", "name": {
            "sv": "Myndigheter", "fi": "Viranomaiset", "en": "Authorities"}})
    )  # fmt: skip
    change = next(
        c
        for c in diff(record, changed, countries.load())
        if c.rule == "source-added" and c.subject.startswith("registers/")
    )
    assert change.material
    name = marketing.get("name")["en"]
    assert Describer(changed, "en").describe(change) == (
        f"{name}: new source of personal data: Authorities"
    )


def test_new_sub_processors_are_material(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Art. 28(2): a new sub-processor, or one that starts to process data outside the
    EU/EEA, is what customers are to be told of."""
    from ropa.changelog import Describer
    from ropa.diff import diff
    from ropa.validate import read

    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(repo / "registers", old)
    shutil.copytree(repo / "registers", new)
    anchor = "    system: Google Analytics\n"
    sub = (
        "    sub_processors:\n      - legal_entity: Hetzner Online GmbH\n        countries: [DE]\n"
    )
    _edit(old / "processors.yaml", anchor, anchor + sub)
    _edit(new / "processors.yaml", anchor,
          anchor + sub.replace("[DE]", "[DE, IN]")
          + "      - legal_entity: Backblaze Inc.\n        countries: [US]\n")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["diff", "old", "new"])
    assert result.exit_code == 1, result.stderr
    assert result.stdout == (
        "material  processors/google-analytics/sub_processors/Hetzner Online GmbH: sub-processor"
        " now also in IN, outside the EU/EEA [sub-processor-transfer-added]\n"
        "editorial processors/google-analytics/sub_processors/Hetzner Online GmbH.countries:"
        " ['DE'] -> ['DE', 'IN'] [field-changed]\n"
        "material  processors/google-analytics/sub_processors/Backblaze Inc.: sub-processor"
        " added: Backblaze Inc.; in US [sub-processor-added]\n"
    )
    before = Record.assemble(read(old).documents)
    after = Record.assemble(read(new).documents)
    words = [Describer(after, "en").describe(c) for c in diff(before, after, countries.load())
             if c.material]  # fmt: skip
    assert words == [
        "Hetzner Online GmbH, a sub-processor of Google Analytics, now also processes data in"
        " India, outside the EU/EEA",
        "Google Analytics engages a new sub-processor: Backblaze Inc., processing data in"
        " United States",
    ]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # A safeguard recorded for a country already listed: people had been told none.
        ("", "    transfers:\n      - country: US\n        mechanism: scc\n",
         "material  processors/gotowebinar: transfer to US now rests on scc (was no mechanism)"
         " [mechanism-changed]\n"),
        # A safeguard no longer recorded for a country kept.
        ("    transfers:\n      - country: US\n        mechanism: scc\n", "",
         "material  processors/gotowebinar: transfer to US now rests on no mechanism (was scc)"
         " [mechanism-changed]\n"),
        # Another field of a transfer: editorial, where it is.
        ("    transfers:\n      - country: US\n        mechanism: scc\n",
         "    transfers:\n      - country: US\n        mechanism: scc\n"
         "        tia: https://example.com/tia\n",
         "editorial processors/gotowebinar/transfers/US.tia: (none) -> https://example.com/tia"
         " [field-changed]\n"),
    ],
)  # fmt: skip
def test_a_transfer_s_safeguard_is_compared_by_country(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: str, after: str, expected: str
) -> None:
    """Adding or removing a `transfers:` entry for a country the processor keeps changes what
    people are told (it was invisible to diff, and the change log kept "no transfer
    mechanism" once a commit had recorded the country first)."""
    entry = "    transfers:\n      - country: US\n        mechanism: scc\n"
    for side, text in (("old", before), ("new", after)):
        shutil.copytree(ROOT / "registers", tmp_path / side)
        _edit(tmp_path / side / "processors.yaml", "    countries: [EU, US]\n" + entry,
              "    countries: [EU, US]\n" + text)  # fmt: skip
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROPA_TODAY", "2026-11-25")
    result = runner.invoke(app, ["diff", "old", "new"])
    assert result.stdout == expected, result.stderr
    assert result.exit_code == (1 if expected.startswith("material") else 0)


def test_a_register_published_is_new_to_the_public(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lifting `publish: false` puts a whole register on the public notice: material, as a
    new register is; keeping it off again is editorial."""
    anchor = "  - id: recruitment\n"
    shutil.copytree(ROOT / "registers", tmp_path / "private")
    shutil.copytree(ROOT / "registers", tmp_path / "public")
    _edit(tmp_path / "private" / "recruitment.yaml", anchor, anchor + "    publish: false\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROPA_TODAY", "2026-11-25")
    result = runner.invoke(app, ["diff", "private", "public"])
    assert result.exit_code == 1, result.stderr
    assert result.stdout == (
        "material  registers/recruitment: register published: Rekryteringsregister [register-added]\n"
        "editorial registers/recruitment.publish: False -> (none) [field-changed]\n"
    )
    result = runner.invoke(app, ["diff", "public", "private"])
    assert (result.exit_code, result.stdout) == (
        0,
        "editorial registers/recruitment.publish: (none) -> False [field-changed]\n",
    )
