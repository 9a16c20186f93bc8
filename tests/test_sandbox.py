"""User templates (`render --templates`) are confined to their folder and budgeted in time and
output: a link out of the folder, a special file, or work without end stops the render with
exit 2 naming the template, and nothing is written (hostile cases 28 and 29)."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa.cli import app

BASE = Path(__file__).parent / "shared_cases" / "hostile" / "base" / "registers"
SECRET = "SECRET-TOKEN-do-not-publish"
runner = CliRunner()


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(BASE, tmp_path / "registers")
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (tmp_path / "tpl").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _render(*extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["render", "registers", "--out", "site", "--templates", "tpl", "--format", "html",
              *extra],
    )  # fmt: skip
    return result.exit_code, result.stderr


def _nothing_published() -> None:
    assert not Path("site").exists()


LINKS_OUT = {
    "a page template linked to a file outside": {"privacy.html.j2": "../secret.txt"},
    "an included template linked outside": {
        "leak.j2": "../secret.txt",
        "privacy.html.j2": "{% include 'leak.j2' %}",
    },
    "a folder linked outside": {
        "parts": "..",
        "privacy.html.j2": "{% include 'parts/secret.txt' %}",
    },
    "an absolute link": {"processors.html.j2": "@SECRET@"},
    "a link through a link inside": {
        "inner.j2": "../secret.txt",
        "outer.j2": "inner.j2",
        "privacy.html.j2": "{% include 'outer.j2' %}",
    },
}


@pytest.mark.parametrize("layout", LINKS_OUT)
def test_a_link_out_of_the_template_folder_is_refused(work: Path, layout: str) -> None:
    for name, content in LINKS_OUT[layout].items():
        path = work / "tpl" / name
        if content.endswith(("secret.txt", "..", ".j2")) and "{" not in content:
            path.symlink_to(content)
        elif content == "@SECRET@":
            path.symlink_to(work / "secret.txt")
        else:
            path.write_text(content, encoding="utf-8")
    code, stderr = _render()
    assert code == 2
    assert stderr.startswith("ropa: error: template ")
    assert "outside the template folder tpl" in stderr
    assert SECRET not in stderr
    _nothing_published()


def test_a_link_that_stays_inside_the_folder_is_followed(work: Path) -> None:
    (work / "tpl" / "shared.j2").write_text("<p>from a shared part</p>\n", encoding="utf-8")
    (work / "tpl" / "alias.j2").symlink_to("shared.j2")
    (work / "tpl" / "privacy.html.j2").write_text("{% include 'alias.j2' %}", encoding="utf-8")
    code, _ = _render()
    assert code == 0
    assert (work / "site" / "privacy.en.html").read_text(encoding="utf-8") == (
        "<p>from a shared part</p>\n"
    )


def test_a_template_that_is_not_a_regular_file_is_refused(work: Path) -> None:
    os.mkfifo(work / "tpl" / "privacy.html.j2")  # reading it would block for ever
    code, stderr = _render()
    assert (code, stderr) == (2, "ropa: error: template privacy.html.j2: privacy.html.j2 is not"
                                 " a regular file\n")  # fmt: skip
    (work / "tpl" / "privacy.html.j2").unlink()
    (work / "tpl" / "privacy.html.j2").mkdir()
    assert _render()[0] == 2
    _nothing_published()


def test_a_template_that_is_not_utf8_is_refused(work: Path) -> None:
    (work / "tpl" / "privacy.html.j2").write_bytes(b"caf\xe9")
    assert _render() == (
        2,
        "ropa: error: template privacy.html.j2: privacy.html.j2 is not UTF-8 (byte 0xE9 at"
        " offset 3)\n",
    )


BUDGET = "over the output budget of 20,000,000"
HUGE = {
    "repeat": ("{{ 'x' * 3000000000 }}", "repeating a value 3,000,000,000 times makes"),
    "repeat a list": ("{{ 3000000000 * [1] }}", "repeating a value 3,000,000,000 times makes"),
    "power": ("{{ 10 ** 1000000000 }}", "a power of that size has"),
    "center": ("{{ 'x'|center(3000000000) }}", "an argument of 3,000,000,000 asks for"),
    "indent": ("{{ 'x'|indent(3000000000) }}", "an argument of 3,000,000,000 asks for"),
    "ljust": ("{{ 'x'.ljust(3000000000) }}", "an argument of 3,000,000,000 asks for"),
    "% format": ("{{ '%3000000000s' % 'x' }}", "a format field asks for 3,000,000,000"),
    "format filter": ("{{ '%3000000000s'|format('x') }}", "a format field asks for 3,000,000,000"),
    "str.format": ("{{ '{:>3000000000}'.format('x') }}", "a format field asks for 3,000,000,000"),
    "doubling with ~": (
        "{% set s = namespace(v='x') %}{% for i in range(40) %}{% set s.v = s.v ~ s.v %}"
        "{% endfor %}{{ s.v }}",
        "joining these values makes",
    ),
    "doubling with +": (
        "{% set s = namespace(v='x') %}{% for i in range(40) %}{% set s.v = s.v + s.v %}"
        "{% endfor %}{{ s.v }}",
        "joining these values makes",
    ),
    "output": (
        "{% for i in range(100000) %}{% for j in range(1000) %}xxxxxxxxxxxxxxxxxxxxxxx"
        "{% endfor %}{% endfor %}",
        "the page is larger than the output budget",
    ),
}


@pytest.mark.parametrize("case", HUGE)
def test_a_step_beyond_the_output_budget_is_refused_before_it_runs(work: Path, case: str) -> None:
    template, message = HUGE[case]
    (work / "tpl" / "privacy.html.j2").write_text(template, encoding="utf-8")
    started = time.monotonic()
    code, stderr = _render()
    assert code == 2
    # The step's line; the output budget is judged on the page as a whole.
    where = "privacy.html.j2" if case == "output" else "privacy.html.j2:1"
    assert stderr.startswith(f"ropa: error: template {where}: {message}")
    if case != "output":
        assert BUDGET in stderr
    assert time.monotonic() - started < 15  # refused, not run out (generous: CI is noisy)
    _nothing_published()


@pytest.mark.parametrize(
    "template",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        # Some output as it goes, far below the page's size budget.
        "{% for i in range(100000) %}{% for j in range(100000) %}{% if not j %}.{% endif %}"
        "{% endfor %}{% endfor %}",
    ],
)
def test_a_page_past_its_time_limit_stops_with_exit_2(work: Path, template: str) -> None:
    (work / "tpl" / "privacy.html.j2").write_text(template, encoding="utf-8")
    assert _render("--template-time-limit", "0.5") == (
        2,
        "ropa: error: template privacy.html.j2: stopped after 0.5 s, the time limit for a"
        " page of user templates (--template-time-limit)\n",
    )
    _nothing_published()
    # No timer left running, the process's own handler back in place.
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


def test_ordinary_user_templates_render_as_before(work: Path) -> None:
    (work / "tpl" / "processors.html.j2").write_text(
        "{% for i in range(3) %}{{ i * 2 }}{{ 'ab' * 2 }}{{ '%5s' % 'x' }}{% endfor %}"
        "{{ 'x'|center(9) }}{{ [1] + [2] }}{{ 'a' ~ 'b' }}{{ 2 ** 10 }}\n",
        encoding="utf-8",
    )
    code, _ = _render()
    assert code == 0
    assert (work / "site" / "processors.en.html").read_text(encoding="utf-8") == (
        "0abab    x2abab    x4abab    x    x    [1, 2]ab1024\n"
    )
    # The other pages come from the shipped templates, as without --templates.
    assert "Invoice mailer" in (work / "site" / "privacy.en.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ["nan", "inf", "1e308", "-1", "86401"])
def test_a_time_limit_that_is_no_number_of_seconds_is_a_usage_error(work: Path, value: str) -> None:
    code, stderr = _render("--template-time-limit", value)
    assert code == 2
    assert stderr == (
        f"ropa: error: --template-time-limit {float(value):g}: give seconds from 0 (no limit)"
        " to 86,400\n"
    )
    _nothing_published()


def test_a_template_over_the_size_limit_is_refused(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ROPA_MAX_TEMPLATE_BYTES (1 MiB unless set): a template of exactly that size is read, one
    byte more is refused before it is read, naming the limit."""
    template = "<p>{{ page.title }}</p>\n"
    (work / "tpl" / "privacy.html.j2").write_text(template, encoding="utf-8")
    size = len(template)
    monkeypatch.setenv("ROPA_MAX_TEMPLATE_BYTES", str(size))
    assert _render()[0] == 0
    shutil.rmtree(work / "site")
    monkeypatch.setenv("ROPA_MAX_TEMPLATE_BYTES", str(size - 1))
    assert _render() == (
        2,
        f"ropa: error: template privacy.html.j2: privacy.html.j2: template is {size} bytes; the"
        f" limit is {size - 1} bytes (set ROPA_MAX_TEMPLATE_BYTES to raise it)\n",
    )
    _nothing_published()
