"""`ropa render`: exact output, escaping, determinism, overrides, refusals and atomic writes.

The expected files under tests/render/expected/ were read and checked by hand; after an
intended change, regenerate them with ROPA_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ropa.cli import app
from ropa.render import csv_cell, md_escape, safe_url, tidy_markdown

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "render" / "record"
EXPECTED = HERE / "render" / "expected"
ROOT = HERE.parent
runner = CliRunner()

OUTPUTS = [
    "privacy.en.html", "privacy.en.md", "processors.en.html", "processors.en.md",
    "transfers.en.html", "transfers.en.md", "processors.en.csv", "processors.en.json",
]  # fmt: skip


def _render(record: Path, out: Path, *args: str) -> object:
    return runner.invoke(app, ["render", str(record), "--out", str(out), *args])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = _render(FIXTURE, out)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize("name", OUTPUTS)
def test_exact_output(rendered: Path, name: str) -> None:
    produced = (rendered / name).read_bytes()
    if os.environ.get("ROPA_UPDATE_GOLDEN"):
        (EXPECTED / name).write_bytes(produced)
    assert produced == (EXPECTED / name).read_bytes()


def test_renders_exactly_the_expected_files(rendered: Path) -> None:
    assert sorted(p.name for p in rendered.iterdir()) == sorted(OUTPUTS)


def test_html_page_is_self_contained_and_labelled(rendered: Path) -> None:
    html = (rendered / "privacy.en.html").read_text()
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">\n')
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert not re.search(r"<(script|link rel=\"stylesheet\"|img)\b", html)
    assert "@media print" in html
    assert '<th scope="col">Country</th>' in html


def _hostile_record(tmp_path: Path) -> Path:
    record = tmp_path / "record"
    shutil.copytree(FIXTURE, record)
    text = (record / "ropa.yaml").read_text()
    text = text.replace("system: CRM Cloud", 'system: "<script>alert(1)</script>"')
    text = text.replace("legal_entity: Mailer Oy", 'legal_entity: "Visma | Netvisor"')
    text = text.replace(
        "purpose: {en: Sending invoices}", 'purpose: {en: "[x](javascript:alert(1)) & *bold*"}'
    )
    text = text.replace("- id: contacts\n        name: {en: Customer contact persons}",
                        '- id: contacts\n        name: {en: "# heading\\n- item"}')  # fmt: skip
    (record / "ropa.yaml").write_text(text)
    return record


def test_hostile_names_are_escaped(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = _render(_hostile_record(tmp_path), out)
    assert result.exit_code == 0, result.stderr
    html = (out / "privacy.en.html").read_text()
    assert "<script>" not in html
    assert (
        '<td data-label="Processor or recipient">&lt;script&gt;alert(1)&lt;/script&gt;'
        " (CRM Inc.)</td>"
    ) in html
    assert '<td data-label="Provider">Visma | Netvisor</td>' in html
    assert (
        '<td data-label="Purpose of the service">[x](javascript:alert(1)) &amp; *bold*</td>' in html
    )
    assert 'href="javascript' not in html
    md = (out / "privacy.en.md").read_text()
    assert "| \\<script\\>alert(1)\\</script\\> (CRM Inc.) |" in md
    assert (
        "| Mailer | Visma \\| Netvisor | EU | \\[x\\](javascript:alert(1)) \\& \\*bold\\* |" in md
    )
    assert "](javascript:" not in md.replace("\\](javascript:", "")
    assert "- \\# heading - item\n" in md
    # Every row of a table keeps its cell count: no pipe from the data splits a cell.
    for line in md.splitlines():
        if line.startswith("| Mailer"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 5


def test_markdown_escape_function() -> None:
    assert md_escape("a|b") == "a\\|b"
    assert md_escape("<b>") == "\\<b\\>"
    assert md_escape("[x](javascript:y)") == "\\[x\\](javascript:y)"
    assert md_escape("# title") == "\\# title"
    assert md_escape("1. first") == "1\\. first"
    assert md_escape("line\nbreak\u2028sep") == "line break sep"
    assert md_escape("`code` ~~x~~ _y_ &amp;") == "\\`code\\` \\~\\~x\\~\\~ \\_y\\_ \\&amp;"


def test_safe_url_and_csv_cell() -> None:
    assert safe_url("https://example.com") == "https://example.com"
    assert safe_url("mailto:a@b.fi") == "mailto:a@b.fi"
    assert safe_url(" JavaScript:alert(1)") == "#"
    assert safe_url("data:text/html,x") == "#"
    assert csv_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert csv_cell("+1") == "'+1" and csv_cell("-1") == "'-1" and csv_cell("@SUM") == "'@SUM"
    assert csv_cell("Visma") == "Visma"


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    record = tmp_path / "record"
    shutil.copytree(FIXTURE, record)
    path = record / "ropa.yaml"
    path.write_text(path.read_text().replace(
        "purpose: {en: Sending invoices}", "purpose: {en: '=HYPERLINK(\"https://evil.example\")'}"
    ))  # fmt: skip
    out = tmp_path / "site"
    assert _render(record, out).exit_code == 0
    csv_text = (out / "processors.en.csv").read_bytes().decode("utf-8")
    assert (
        'Customer register,Mailer,Mailer Oy,EU,"\'=HYPERLINK(""https://evil.example"")",\n'
        in csv_text
    )


def test_tidy_markdown() -> None:
    assert tidy_markdown("# a\ntext\n- x\n- y\n| t |\n\n\n\nend\n\n") == (
        "# a\n\ntext\n\n- x\n- y\n\n| t |\n\nend\n"
    )


def test_output_is_byte_identical_across_runs_and_environments(tmp_path: Path) -> None:
    outs = []
    for seed, tz in (("1", "UTC"), ("4242", "Pacific/Auckland")):
        out = tmp_path / f"site-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": tz, "LC_ALL": "C.UTF-8"}
        subprocess.run(
            [sys.executable, "-m", "ropa", "render", str(FIXTURE), "--out", str(out)],
            check=True, capture_output=True, env=env,
        )  # fmt: skip
        outs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outs[0] == outs[1]
    assert len(outs[0]) == len(OUTPUTS)


def test_template_override_by_name(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    # A page is blocks of statements, in its opening and its sections (docs/languages.md); the
    # transfer table's rows are (system or recipient, provider, country, mechanism, ground).
    (templates / "transfers.md.j2").write_text(
        "{% for b in page.opening if b.kind == 'table' %}"
        "{% for row in b.rows %}{{ row[0].text }} -> {{ row[2].text }}\n"
        "{% endfor %}{% endfor %}"
    )
    out = tmp_path / "site"
    result = _render(FIXTURE, out, "--templates", str(templates))
    assert result.exit_code == 0, result.stderr
    assert (out / "transfers.en.md").read_text() == "CRM Cloud -> United States\n"
    assert (out / "privacy.en.md").read_bytes() == (EXPECTED / "privacy.en.md").read_bytes()


def test_user_templates_are_sandboxed(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "transfers.md.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    result = _render(FIXTURE, tmp_path / "site", "--templates", str(templates))
    assert result.exit_code == 2
    assert result.stderr.startswith("ropa: error: template transfers.md.j2:1: ")
    assert "__class__" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_failed_render_leaves_existing_files_untouched(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert _render(FIXTURE, out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "transfers.md.j2").write_text("{{ page.no_such_field }}")
    result = _render(FIXTURE, out, "--templates", str(templates))
    assert result.exit_code == 2
    assert "no_such_field" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_written_files_are_world_readable(rendered: Path) -> None:
    mode = (rendered / "privacy.en.html").stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_invalid_record_is_not_rendered(tmp_path: Path) -> None:
    record = tmp_path / "record"
    shutil.copytree(FIXTURE, record)
    path = record / "ropa.yaml"
    path.write_text(
        path.read_text().replace("interest: {en: Keeping our service secure}", "lia: https://x.fi")
    )
    out = tmp_path / "site"
    result = _render(record, out)
    assert result.exit_code == 1
    assert re.search(
        r"^\S+/record/ropa.yaml:\d+:\d+ error ROPA301 purpose 'security' relies on",
        result.stdout,
        re.MULTILINE,
    )
    assert result.stderr == "ropa: the record has errors; nothing was rendered\n"
    assert not out.exists()


def test_missing_translation_fails_with_file_and_line(tmp_path: Path) -> None:
    record = tmp_path / "record"
    shutil.copytree(FIXTURE, record)
    path = record / "ropa.yaml"
    path.write_text(path.read_text().replace("languages: [en]", "languages: [en, fi]"))
    result = _render(record, tmp_path / "site")
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if " error " in line]
    assert all(
        " error ROPA501 no 'fi' text; the controller publishes in en, fi" in line for line in lines
    )
    assert lines[0].endswith(
        "record/ropa.yaml:10:5 error ROPA501 no 'fi' text; the controller publishes in en, fi"
    )


def test_unpublished_language_is_a_usage_error(tmp_path: Path) -> None:
    result = _render(FIXTURE, tmp_path / "site", "--lang", "de")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "ropa: error: the record is not published in 'de'; controller.languages lists en\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "ropa: error: --format 'pdf': choose from html, md\n"),
        (["--templates", "nowhere"], "ropa: error: --templates nowhere: not a folder\n"),
    ],
)
def test_bad_options_exit_2(
    tmp_path: Path, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _render(FIXTURE, tmp_path / "site", *args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_out_inside_the_record_is_refused(tmp_path: Path) -> None:
    record = tmp_path / "record"
    shutil.copytree(FIXTURE, record)
    result = _render(record, record / "site")
    assert result.exit_code == 2
    assert "choose a folder outside the record" in result.stderr
    assert not (record / "site").exists()


def test_a_one_file_record_renders_beside_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ropa render record.yaml --out site`: the folder beside the file is no part of the
    record (its catalog folder locale/ is)."""
    case = (HERE / "shared_cases" / "06-dangling-intros.yaml").read_text(encoding="utf-8")
    record = tmp_path / "Record.YAML"
    # The case lacks the right to data portability (ROPA308); with it, it validates.
    record.write_text(case.replace("objection, complaint", "objection, portability, complaint"))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["-q", "render", "Record.YAML", "--out", "site", "--allow-overdue"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "site/privacy.en.html").is_file()
    for out in ("Record.YAML", "locale", "locale/site"):
        result = runner.invoke(app, ["render", "Record.YAML", "--out", out, "--allow-overdue"])
        assert result.exit_code == 2
        assert result.stderr == (
            f"ropa: error: --out {out}: choose a folder outside the record (Record.YAML)\n"
        )


def test_json_list_is_parseable_and_complete(rendered: Path) -> None:
    document = json.loads((rendered / "processors.en.json").read_text())
    assert [p["id"] for p in document["processors"]] == ["mailer", "crm"]
    assert document["processors"][1]["transfers"] == [
        {
            "country": "US",
            "mechanism": "scc_m2",
            "safeguard": "Standard contractual clauses of the European Commission, module 2 (controller to processor)",
            "ground": "GDPR Article 46(2)(c); Commission Implementing Decision (EU) 2021/914",
        }
    ]


def test_the_right_to_object_names_only_the_bases_the_record_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `ropa init` writes one purpose on a contract: no legitimate interests, no public task.
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init", "--company", "A Ltd", "--lang", "en"]).exit_code == 0
    assert runner.invoke(app, ["render", "--out", "site", "--format", "md"]).exit_code == 0
    page = (tmp_path / "site" / "privacy.en.md").read_text(encoding="utf-8")
    assert (
        "- Right to object: you may object to the processing of your personal data in the cases"
        " set out in Article 21 of the GDPR.\n"
    ) in page
    assert "legitimate interests" not in page
    registers = tmp_path / "registers"
    (registers / "customers.yaml").write_text(
        (registers / "customers.yaml")
        .read_text()
        .replace(
            "basis: contract", "basis: public_task\n            law: {en: the Local Government Act}"
        )
    )
    assert runner.invoke(app, ["render", "--out", "site", "--format", "md"]).exit_code == 0
    page = (tmp_path / "site" / "privacy.en.md").read_text(encoding="utf-8")
    assert (
        "- Right to object: you may object to processing based on a task in the public interest"
        " or the exercise of official authority.\n"
    ) in page


@pytest.mark.parametrize("name", ["Glimlach Tandartsen B.V.", "Example Inc.", "Acme S.A."])
def test_a_name_ending_in_a_full_stop_ends_its_sentence_once(tmp_path: Path, name: str) -> None:
    base = Path(__file__).parent / "shared_cases" / "hostile" / "base" / "registers"
    shutil.copytree(base, tmp_path / "registers")
    controller = tmp_path / "registers" / "controller.yaml"
    controller.write_text(
        controller.read_text(encoding="utf-8").replace('name: "Test Oy"', f'name: "{name}"'),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    result = CliRunner().invoke(
        app, ["render", str(tmp_path / "registers"), "--out", str(out)],
        env={"ROPA_TODAY": "2026-06-01"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for page in ("privacy.en.html", "privacy.en.md"):
        text = (out / page).read_text(encoding="utf-8")
        assert f"The controller responsible for processing your personal data is {name}\n" in (
            text.replace("</p>", "\n")
        ), page
        assert f"{name}." not in text, page


def _md_escape_every_pass(value: object) -> str:
    """md_escape without its fast path: the four passes on every text."""
    from ropa.render import _LINE_BREAKS, _MD_LINE_START, _MD_ORDERED, _MD_SPECIAL

    text = _LINE_BREAKS.sub(" ", str(value))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(r"\1\\\2", text)
    return _MD_ORDERED.sub(r"\1\\\2", text)


@given(st.text(alphabet=st.sampled_from(list(" \t\n\r\u2028ab1.)#+-=*_`[]<>|&~\\\u0085é中"))))
def test_md_escape_fast_path_changes_nothing(text: str) -> None:
    assert md_escape(text) == _md_escape_every_pass(text)


def test_the_right_to_object_names_direct_marketing_only_where_the_record_has_it(
    tmp_path: Path,
) -> None:
    """Legitimate interests without `opt_out:` (the fixture): no direct marketing on the page.
    With a register's `opt_out:`, the right to object to it at any time is stated."""
    objection = "Right to object: you may object to processing based on our legitimate interests"
    page = (EXPECTED / "privacy.en.md").read_text(encoding="utf-8")
    assert f"- {objection}.\n" in page
    assert "direct marketing" not in page
    record = tmp_path / "record"
    record.mkdir()
    text = (FIXTURE / "ropa.yaml").read_text(encoding="utf-8")
    opt_out = "    opt_out:\n      channels:\n        - kind: unsubscribe_link\n"
    (record / "ropa.yaml").write_text(
        text.replace(
            "    retention:\n      - data: [contact]",
            opt_out + "    retention:\n      - data: [contact]",
            1,
        ),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    result = _render(record, out, "--format", "md")
    assert result.exit_code == 0, result.stdout + result.stderr
    page = (out / "privacy.en.md").read_text(encoding="utf-8")
    assert f"- {objection}, and at any time to direct marketing.\n" in page


@pytest.mark.parametrize(
    ("template", "where"),
    [
        ('{% extends "_base.html.j2" %}\n{% block main %}\n{{ page.sectoins }}\n{% endblock %}\n',
         "privacy.html.j2:3: 'ropa.notice.model.Page object' has no attribute 'sectoins'"),
        ('{% extends "_base.html.j2" %}\n{% block main %}\n{{ page.title }\n{% endblock %}\n',
         "privacy.html.j2:3: unexpected '}'"),
        ('{% extends "_base.html.j2" %}\n{% import "_notice.html.j2" as notice with context %}\n'
         "{% block main %}\n{{ notice.block(page, 2) }}\n{% endblock %}\n",
         "privacy.html.j2 (_notice.html.j2:19): 'ropa.notice.model.Page object' has no"
         " attribute 'kind'"),
    ],
)  # fmt: skip
def test_a_template_error_names_its_line(tmp_path: Path, template: str, where: str) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "privacy.html.j2").write_text(template, encoding="utf-8")
    result = _render(FIXTURE, tmp_path / "site", "--templates", str(templates))
    assert (result.exit_code, result.stderr) == (2, f"ropa: error: template {where}\n")
