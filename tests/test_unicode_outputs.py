"""Names made of arbitrary Unicode (control, bidi, XML-invalid, line-break and markup
characters included) through every output format: either validate refuses the name with
its file and line, or every output parses with its real reader (an HTML parser,
CommonMark, csv, json, openpyxl, an XML parser for the feed), holds the name, keeps the
structure a plain name gives, and no line break from the name reaches a plain-text line."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from ropa.cli import app
from ropa.text import NEVER

BASE = Path(__file__).parent / "shared_cases" / "hostile" / "base" / "registers"
runner = CliRunner()
SPECIAL = ["\n", "\r", "\t", "\x1b", "\x85", "\u2028", "\u202e", "\u200b", "\u200d", "\ufffe",
           "\ud800", "<", ">", "&", "|", "*", "_", "[", "]", "(", ")", "`", "#", "=", "+",
           "-", "@", "'", '"', "\\", "!", "~", "_x0041_", "]]>", "::error::", "<script>",
           "&amp;", "\u00a0", "\U0001f468", " "]  # fmt: skip
NAMES = st.lists(
    st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL)),
    min_size=1,
    max_size=8,
).map("".join)
# The characters that must never stand raw in a plain-text line: line breaks and every
# other C0 control, and what no record text may hold (ropa.text.NEVER).
UNSAFE = re.compile(f"[\x00-\x1f{NEVER}]")


def _quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar: anything but plain printable characters as an
    escape, so the YAML file itself stays plain."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() and char not in "\u2028\u2029\u0085" and code < 0xD800:
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _write(folder: Path, name: str) -> None:
    shutil.copytree(BASE, folder, dirs_exist_ok=True)
    processors = folder / "processors.yaml"
    text = processors.read_text(encoding="utf-8")
    text = text.replace("system: CloudCRM", f"system: {_quoted(name)}")
    text = text.replace("legal_entity: CloudCRM Inc.", f"legal_entity: {_quoted(name + ' Inc.')}")
    processors.write_text(text, encoding="utf-8")


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "DPO", "GIT_AUTHOR_EMAIL": "dpo@example.com",
           "GIT_COMMITTER_NAME": "DPO", "GIT_COMMITTER_EMAIL": "dpo@example.com",
           "GIT_AUTHOR_DATE": "2026-05-01T12:00:00Z",
           "GIT_COMMITTER_DATE": "2026-05-01T12:00:00Z"}  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True)


def _outputs(work: Path, name: str) -> dict[str, Any]:
    """Every output of every command for a record whose CloudCRM is called `name`: the
    pages, the change log (a commit adding it), the exports and the plain-text reports."""
    repo = work / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    shutil.copytree(BASE, repo / "registers")
    customers = repo / "registers" / "customers.yaml"
    use = '      - processor: cloudcrm\n        purpose:\n          en: "Customer relationship management"\n'
    customers.write_text(customers.read_text(encoding="utf-8").replace(use, ""), "utf-8")
    processors = repo / "registers" / "processors.yaml"
    full = processors.read_text(encoding="utf-8")
    processors.write_text(full[: full.index("  - id: cloudcrm")], encoding="utf-8")
    shutil.copytree(repo / "registers", work / "old")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "first")
    _write(repo / "registers", name)
    _git(repo, "add", "-A")
    # The subject is not what is tested (a program's argument cannot hold NUL).
    _git(repo, "commit", "-qm", f"add {name}".encode("utf-8", "replace").decode().replace("\0", ""))
    cwd = Path.cwd()
    os.chdir(repo)
    try:
        found: dict[str, Any] = {}
        validated = runner.invoke(app, ["validate", "registers"])
        found["validate"] = validated
        if validated.exit_code != 0:
            return found
        for command in (
            ["render", "registers", "--out", "site"],
            ["changelog", "registers", "--out", "feed"],
            ["export", "registers", "-f", "xlsx", "--out", "x.xlsx"],
            ["export", "registers", "-f", "csv", "--out", "x.csv"],
            ["export", "registers", "-f", "json", "--out", "x.json"],
            ["export", "registers", "-f", "jsonld", "--out", "x.jsonld"],
        ):
            result = runner.invoke(app, command)
            assert result.exit_code == 0, (command, result.output)
        for fmt in ("json", "csv", "md", "table"):
            result = runner.invoke(
                app, ["processors", "registers", "-f", fmt], env={"COLUMNS": "400"}
            )
            assert result.exit_code == 0, result.output
            found[f"processors.{fmt}"] = result.stdout
        for fmt in ("text", "json", "md"):
            result = runner.invoke(app, ["diff", str(work / "old"), "registers", "-f", fmt])
            assert result.exit_code == 1, result.output
            found[f"diff.{fmt}"] = result.stdout
        for path in [*Path("site").iterdir(), *Path("feed").iterdir()]:
            found[path.name] = path.read_bytes()
        for path in Path(".").glob("x.*"):
            found[path.name] = path.read_bytes()
        return found
    finally:
        os.chdir(cwd)


class _Structure(HTMLParser):
    """Tags with their attribute names, and the text, of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str, tuple[str, ...]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(("start", tag, tuple(sorted(a for a, _ in attrs))))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(("end", tag, ()))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _html(source: str) -> tuple[list[Any], str]:
    parser = _Structure()
    parser.feed(source)
    parser.close()
    return parser.tags, "".join(parser.text)


def _markdown(source: str) -> tuple[list[Any], str]:
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(source)
    shape = [(t.type, t.tag) for t in tokens]
    shape += [c.type for t in tokens for c in t.children or [] if c.type != "text"]
    return shape, _html(md.render(source))[1]


def _words(text: str) -> str:
    return " ".join(text.split())


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)] + list(value)
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@functools.cache
def _plain() -> dict[str, Any]:
    """The outputs for a plain name, whose shape every other name must keep."""
    with tempfile.TemporaryDirectory() as work:
        return _outputs(Path(work), "Plain")


@settings(
    max_examples=int(os.environ.get("ROPA_UNICODE_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(name=NAMES)
@example(name="Evil\n::error file=a::x")
@example(name="<script>alert(1)</script> & *bold* | [x](javascript:y)")
@example(name="=cmd|' /C calc'!A0")
@example(name="_x0041_ ]]> \u00a0")
@example(name="Bad\ufffeName")
@example(name="\u202eevil")
def test_every_output_parses_and_keeps_its_shape(name: str) -> None:
    plain = _plain()
    with tempfile.TemporaryDirectory() as work:
        found = _outputs(Path(work), name)
    validated = found["validate"]
    event("refused at load" if validated.exit_code != 0 else "published")
    if validated.exit_code != 0:
        # Refused with the file and line of the name: nothing is published.
        assert validated.exit_code in (1, 2), validated.output
        findings = [line for line in validated.stdout.splitlines() if " error " in line]
        assert findings, validated.output
        for line in findings:
            assert re.match(r"registers/processors\.yaml:(16|17):\d+ error ROPA0(02|10) ", line), (
                line
            )
        return
    for page in ("privacy.en.html", "processors.en.html", "transfers.en.html",
                 "changelog.en.html"):  # fmt: skip
        tags, text = _html(found[page].decode("utf-8"))
        assert tags == _html(plain[page].decode("utf-8"))[0], page
        assert name in text or _words(name) in _words(text), page
    for page in ("privacy.en.md", "processors.en.md", "transfers.en.md", "changelog.en.md",
                 "processors.md", "diff.md"):  # fmt: skip
        source = found[page]
        source = source.decode("utf-8") if isinstance(source, bytes) else source
        baseline = plain[page]
        baseline = baseline.decode("utf-8") if isinstance(baseline, bytes) else baseline
        shape, text = _markdown(source)
        assert shape == _markdown(baseline)[0], page
        assert _words(name) in _words(text), page
    for table in ("x.csv", "processors.en.csv", "processors.csv"):
        raw = found[table]
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
        assert any(name in cell for cell in cells), table
    for document in ("x.json", "x.jsonld", "processors.en.json", "processors.json", "diff.json"):
        raw = found[document]
        strings = _strings(json.loads(raw))
        assert any(name in s for s in strings), document
    book = openpyxl.load_workbook(io.BytesIO(found["x.xlsx"]))
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert any(isinstance(v, str) and name in v for v in cells)
    feed = ET.fromstring(found["changelog.en.xml"])
    assert any(name in (element.text or "") for element in feed.iter())
    for report in ("diff.text", "processors.table"):
        lines = found[report].splitlines()
        assert len(lines) == len(plain[report].splitlines()), report
        assert not any(UNSAFE.search(line) for line in lines), report
