"""Every command survives every valid record: records generated from the schema
(tests/strategies.py) validate without errors, render in every language and format into
pages without leaks or dangling lead-ins, export in every format, list their processors and
show no change against themselves.

ROPA_GENERATED_EXAMPLES sets the number of records per test (default 200, and 1000 with CI
set); with CI set the run is derandomized, so CI sees the same records every time.
Properties, not outputs, are asserted: nothing here knows what a page should say.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import itertools
import json
import os
import re
import tempfile
import traceback
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from hypothesis import given, note, settings
from hypothesis import strategies as st
from strategies import LAYOUTS, dump, record_files, records, write_record
from typer.testing import CliRunner

from ropa import cli
from ropa import render as rendering
from ropa.problem import Severity
from ropa.record import Record
from ropa.validate import Result, validate

# In CI a thousand records per test (several thousand in all, a few minutes); locally 200.
EXAMPLES = int(os.environ.get("ROPA_GENERATED_EXAMPLES", "1000" if os.environ.get("CI") else "200"))
GENERATED = settings(
    max_examples=EXAMPLES,
    # An example renders a dozen pages: tens of milliseconds, more on a busy machine.
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    # Hypothesis keeps failing examples in .hypothesis/ between local runs; CI starts afresh.
    database=None if os.environ.get("CI") else settings().database,
    # No health check is suppressed: drawing a record takes ~25 ms (the too_slow check
    # allows 1 s for the first ten) and ~200 choices (data_too_large allows thousands).
)
CASES = st.tuples(records(), st.sampled_from(LAYOUTS))
runner = CliRunner()


@pytest.fixture(autouse=True, scope="module")
def _built_once() -> Iterator[None]:
    """Build once what every call builds again, changing nothing a command does:

    - `render()` makes a fresh Jinja environment on every call and so compiles every
      template again, three quarters of its time; here one environment per (format,
      template folder) serves every call (translations are installed per page);
    - typer's CliRunner builds the click command from the app on every invoke, which
      takes longer than most commands run; here it is built once per app.

    Together they make an example several times cheaper."""
    patches = [
        (rendering, "_environment"),  # ropa/render.py
        (typer.testing, "_get_command"),  # typer 0.2x: `from typer.main import get_command`
    ]
    originals = [(owner, name, getattr(owner, name, None)) for owner, name in patches]
    for owner, name, original in originals:
        if original is not None:  # if either moved, run it as it is
            setattr(owner, name, functools.cache(original))
    try:
        yield
    finally:
        for owner, name, original in originals:
            if original is not None:
                setattr(owner, name, original)


# ---------------------------------------------------------------------------------------
# Writing, validating and running
# ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def on_disk(record: dict[str, Any], *layouts: str) -> Iterator[list[Path]]:
    """The record written once per layout, in folders that are removed afterwards."""
    note(f"the record as YAML:\n{dump(record)}")
    with tempfile.TemporaryDirectory(prefix="ropa-generated-") as tmp:
        yield [
            write_record(record, Path(tmp) / f"record-{index}", layout)
            for index, layout in enumerate(layouts)
        ]


def validated(folder: Path) -> Result:
    """The record's validation, which must find no errors (warnings are fine)."""
    result = validate(folder)
    findings = "\n".join(p.format() for p in result.problems)
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    assert not result.unreadable and not errors, f"validate found errors:\n{findings}"
    return result


def assembled(result: Result) -> Record:
    """The record as `ropa render` and `ropa export` assemble it."""
    record = Record.assemble(list(result.documents))
    if hasattr(record, "catalogs"):
        record.catalogs = getattr(result, "catalogs", None)
    return record


def invoke(*args: str) -> Any:
    """Run `ropa ARGS` in-process; an exception inside the command is raised here, so that
    Hypothesis tells failures apart by where they happen."""
    result = runner.invoke(cli.app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        note("".join(traceback.format_exception(result.exception)))
        raise result.exception
    return result


def _choices(option: Any) -> list[str]:
    """The values of one of the CLI's format enums."""
    return [member.value for member in option]


# ---------------------------------------------------------------------------------------
# What every page must not contain
# ---------------------------------------------------------------------------------------

# The generated texts contain none of these (tests/strategies.py keeps them out).
LEAKS = re.compile(r"\bNone\b|\{\{|\}\}|\{%|%\}|Traceback")


def leaks(name: str, text: str) -> list[str]:
    return [f"{name}: {m.group()!r} in {text[max(0, m.start() - 60) : m.end() + 60]!r}"
            for m in LEAKS.finditer(text)]  # fmt: skip


@dataclass
class Block:
    """A block of a page, in document order: a heading, paragraph, list, table or the end
    of a section."""

    kind: str  # "heading", "p", "list", "table", "end"
    text: str = ""
    level: int = 0
    items: int = 0  # list items with text, or table body rows
    blank: int = 0  # list items without text


class _Blocks(HTMLParser):
    """The main content of an HTML page as a flat list of blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.reading: list[Block] = []  # headings and paragraphs whose text is being read
        self.containers: list[Block] = []  # lists and tables being read
        self.in_main = 0
        self.in_head = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main += 1
        if not self.in_main:
            return
        if tag == "thead":
            self.in_head += 1
        if re.fullmatch(r"h[1-6]", tag):
            self._start(Block("heading", level=int(tag[1])))
        elif tag == "p" and not self.containers:
            self._start(Block("p"))
        elif tag in ("ul", "ol", "table"):
            block = Block("list" if tag != "table" else "table")
            self.blocks.append(block)
            self.containers.append(block)
        elif tag == "li" and self.containers and self.containers[-1].kind == "list":
            self.reading.append(Block("li"))  # its text decides how it counts
        elif tag == "tr" and self.containers and self.containers[-1].kind == "table":
            self.containers[-1].items += 0 if self.in_head else 1

    def _start(self, block: Block) -> None:
        self.blocks.append(block)
        self.reading.append(block)

    def handle_endtag(self, tag: str) -> None:
        if not self.in_main:
            return
        if tag == "main":
            self.in_main -= 1
            self.blocks.append(Block("end"))
        elif tag == "section":
            self.blocks.append(Block("end"))
        elif tag == "thead":
            self.in_head -= 1
        elif tag == "li" and self.reading and self.reading[-1].kind == "li":
            item = self.reading.pop()
            container = self.containers[-1]
            if item.text.strip():
                container.items += 1
            else:
                container.blank += 1
        elif (re.fullmatch(r"h[1-6]", tag) or tag == "p") and self.reading:
            self.reading.pop()
        elif tag in ("ul", "ol", "table") and self.containers:
            self.containers.pop()

    def handle_data(self, data: str) -> None:
        for block in self.reading:
            block.text += data


def html_blocks(text: str) -> list[Block]:
    parser = _Blocks()
    parser.feed(text)
    parser.close()
    return [
        Block(b.kind, " ".join(b.text.split()), b.level, b.items, b.blank) for b in parser.blocks
    ]


_MD_HEADING = re.compile(r"^(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def markdown_blocks(text: str) -> list[Block]:
    """The blocks of a Markdown page: headings, paragraphs (their last line), lists and
    tables (with their number of items or body rows)."""
    blocks: list[Block] = []
    previous = "blank"
    for line in text.split("\n"):
        heading = _MD_HEADING.match(line)
        if not line.strip():
            previous = "blank"
            continue
        if heading:
            blocks.append(Block("heading", (heading.group(2) or "").strip(), len(heading.group(1))))
            kind = "heading"
        elif _MD_LIST.match(line + " "):
            kind = "list"
            if previous != "list":
                blocks.append(Block("list"))
            if _MD_LIST.match(line) and line.strip() not in ("-", "*", "+"):
                blocks[-1].items += 1
            else:
                blocks[-1].blank += 1  # "- " with a blank text, right-stripped to "-"
        elif line.startswith("|"):
            kind = "table"
            if previous != "table":
                blocks.append(Block("table", items=-2))  # the header and its rule
            blocks[-1].items += 1
        else:
            kind = "p"
            if previous == "p":
                blocks[-1].text += " " + line.strip()
            else:
                blocks.append(Block("p", line.strip()))
        previous = kind
    blocks.append(Block("end"))
    return blocks


def empty_headings(blocks: list[Block]) -> list[str]:
    return [f"heading {b.level} with no text" for b in blocks if b.kind == "heading" and not b.text]


def headings_over_nothing(blocks: list[Block]) -> list[str]:
    """A heading followed at once by a heading of the same or a higher level, or by the end
    of its section."""
    found = []
    for block, after in itertools.pairwise(blocks):
        if block.kind != "heading" or block.level == 1:
            continue
        if after.kind == "end" or (after.kind == "heading" and after.level <= block.level):
            found.append(f"heading {block.text!r} has nothing under it")
    return found


def dangling_lead_ins(blocks: list[Block]) -> list[str]:
    """A paragraph ending in ':' must be followed by a list or table with an entry."""
    found = []
    for block, after in itertools.pairwise(blocks):
        if block.kind != "p" or not block.text.endswith(":"):
            continue
        if after.kind in ("list", "table") and after.items > 0:
            continue
        what = f"an empty {after.kind}" if after.kind in ("list", "table") else after.kind
        shown = f" {after.text!r}" if after.text else ""
        found.append(f"lead-in {block.text[-80:]!r} is followed by {what}{shown}")
    return found


def blank_items(blocks: list[Block]) -> list[str]:
    """A list item with no text: an empty bullet (HTML) or a lone '-' (Markdown)."""
    return [f"{b.blank} blank item(s) in a list" for b in blocks if b.blank]


# ---------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------


@GENERATED
@given(CASES)
def test_validate(case: tuple[dict[str, Any], str]) -> None:
    """No errors, and the files read back as exactly the data written."""
    record, layout = case
    with on_disk(record, layout) as (folder,):
        result = validated(folder)
        written = record_files(record, layout)
        read = sorted(json.dumps(d.data, sort_keys=True) for d in result.documents)
        assert read == sorted(json.dumps(d, sort_keys=True) for d in written.values())


def rendered(case: tuple[dict[str, Any], str]) -> tuple[Record, dict[str, str]]:
    """The record's pages: every language and format, as `ropa render` makes them."""
    record, layout = case
    with on_disk(record, layout) as (folder,):
        model = assembled(validated(folder))
        return model, {o.name: o.content.decode("utf-8") for o in rendering.render(model)}


@GENERATED
@given(CASES)
def test_render(case: tuple[dict[str, Any], str]) -> None:
    """Every page in every language and format renders, with no leaked None, template
    syntax or traceback."""
    model, outputs = rendered(case)
    expected = {
        f"{page}.{lang}.{fmt}"
        for lang in model.languages
        for page in rendering.PAGES
        for fmt in rendering.FORMATS
    }
    assert expected <= set(outputs), f"missing pages: {sorted(expected - set(outputs))}"
    assert not [leak for name, text in outputs.items() for leak in leaks(name, text)]


@GENERATED
@given(CASES)
def test_pages_read_well(case: tuple[dict[str, Any], str]) -> None:
    """No empty headings, lead-ins followed by nothing, blank list items or headings over
    nothing. A separate test from test_render, so that a layout finding common to most
    records cannot hide a crash that only some records cause (Hypothesis stops looking
    for new failures once it has one)."""
    try:
        _, outputs = rendered(case)
    except Exception:  # a page that does not render is test_render's finding
        return
    pages = {
        name: html_blocks(text) if name.endswith(".html") else markdown_blocks(text)
        for name, text in outputs.items()
        if name.endswith((".html", ".md"))
    }
    assert not [f"{n}: {p}" for n, b in pages.items() for p in empty_headings(b)]
    assert not [f"{n}: {p}" for n, b in pages.items() for p in dangling_lead_ins(b)]
    assert not [f"{n}: {p}" for n, b in pages.items() for p in blank_items(b)]
    assert not [f"{n}: {p}" for n, b in pages.items() for p in headings_over_nothing(b)]


def _export_check(fmt: str, content: bytes) -> list[str]:
    """What an export file must be: a workbook, CSV or JSON that parses, without leaks."""
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            assert "xl/workbook.xml" in book.namelist()
            texts = {n: book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml")}
    else:
        text = content.decode("utf-8-sig")
        if fmt == "csv":
            assert list(csv.reader(io.StringIO(text)))
        else:
            json.loads(text)
        texts = {fmt: text}
    return [leak for name, text in texts.items() for leak in leaks(name, text)]


@GENERATED
@given(CASES, st.integers(0, 2))
def test_export(case: tuple[dict[str, Any], str], pick: int) -> None:
    """`ropa export` in every format exits 0: the CSV sheet in every language, the workbook
    (the slowest, ~30 ms) in one of them, JSON and JSON-LD (language-neutral) once."""
    record, layout = case
    with on_disk(record, layout) as (folder,):
        languages = assembled(validated(folder)).languages
        one = [languages[pick % len(languages)]]
        for fmt in _choices(cli.ExportFormat):
            out = folder.parent / f"export.{fmt}"
            for lang in languages if fmt == "csv" else one:
                result = invoke("export", str(folder), "--format", fmt, "--out", str(out),
                                "--lang", lang)  # fmt: skip
                assert result.exit_code == 0, f"export {fmt} {lang}: {result.stderr}"
                assert not _export_check(fmt, out.read_bytes())


@GENERATED
@given(CASES)
def test_processors(case: tuple[dict[str, Any], str]) -> None:
    """`ropa processors` in every format, with and without --outside-eea, exits 0; a valid
    record has no transfer without a safeguard."""
    record, layout = case
    with on_disk(record, layout) as (folder,):
        validated(folder)
        for fmt in _choices(cli.ListFormat):
            for extra in ([], ["--outside-eea"]):
                result = invoke("processors", str(folder), "--format", fmt, *extra)
                assert result.exit_code == 0, f"processors {fmt} {extra}: {result.stderr}"
                assert not leaks(f"processors {fmt}", result.stdout + result.stderr)
                if fmt == "json":
                    json.loads(result.stdout)
                elif fmt == "csv":
                    assert list(csv.reader(io.StringIO(result.stdout)))
        result = invoke("processors", str(folder), "--fail-on-missing-safeguard", "-f", "csv")
        assert result.exit_code == 0, result.stderr


@GENERATED
@given(CASES, st.sampled_from(LAYOUTS))
def test_diff_against_itself(case: tuple[dict[str, Any], str], other: str) -> None:
    """The record against itself, split into files another way: no change, exit 0."""
    record, layout = case
    with on_disk(record, layout, other) as (old, new):
        validated(old)
        for fmt in _choices(cli.DiffFormat):
            result = invoke("diff", str(old), str(new), "--format", fmt)
            assert result.exit_code == 0, f"diff {fmt}: {result.stdout}{result.stderr}"
            assert not leaks(f"diff {fmt}", result.stdout + result.stderr)
            if fmt == "json":
                assert json.loads(result.stdout)["changes"] == []
            elif fmt == "text":
                assert result.stdout == ""


def _cells(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every sheet's title and cell values, as a reader of the workbook sees them."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in book.worksheets]
    finally:
        book.close()


def _without_notes(value: Any) -> Any:
    """The record as a workbook carries it: internal notes are never written to one."""
    if isinstance(value, dict):
        kept = {k: _without_notes(v) for k, v in value.items() if k != "internal_note"}
        return kept
    if isinstance(value, list):
        return [_without_notes(v) for v in value]
    return value


def _first_difference(got: Any, wanted: Any, path: str = "") -> str:
    if type(got) is not type(wanted):
        return f"{path}: {got!r} != {wanted!r}"
    if isinstance(got, dict):
        for key in {*got, *wanted}:
            if key not in got or key not in wanted:
                return f"{path}.{key}: only in {'the import' if key in got else 'the record'}"
            found = _first_difference(got[key], wanted[key], f"{path}.{key}")
            if found:
                return found
        return ""
    if isinstance(got, list):
        if len(got) != len(wanted):
            return f"{path}: {len(got)} entries != {len(wanted)}"
        for index, (a, b) in enumerate(zip(got, wanted, strict=True)):
            found = _first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        return ""
    return "" if got == wanted else f"{path}: {got!r} != {wanted!r}"


# An example exports twice and imports once (~0.2 s): a quarter of the examples.
@settings(GENERATED, max_examples=max(1, EXAMPLES // 4))
@given(CASES, st.integers(0, 2))
def test_import_round_trip(case: tuple[dict[str, Any], str], pick: int) -> None:
    """`export xlsx` -> `import` -> `export xlsx` gives the same cell values on every sheet;
    the imported record is the record itself (less its internal notes, which no workbook
    carries), validates, and every cell of the record sheet is copied."""
    record, layout = case
    with on_disk(record, layout) as (folder,):
        result = validated(folder)
        languages = assembled(result).languages
        lang = languages[pick % len(languages)]
        first, second = folder.parent / "first.xlsx", folder.parent / "second.xlsx"
        imported = folder.parent / "imported"
        exported = invoke("export", str(folder), "--lang", lang, "--out", str(first))
        assert exported.exit_code == 0, exported.stderr
        run = invoke("import", str(first), "--out", str(imported))
        assert run.exit_code == 0, f"import: {run.stdout}{run.stderr}"
        report = json.loads((imported / "import-report.json").read_text(encoding="utf-8"))
        assert set(report["summary"]) == {"copied"}, report["summary"]
        again = validated(imported)
        from ropa.fieldsheet import merged

        expected = _without_notes(merged(result.documents))
        assert merged(again.documents) == expected, _first_difference(
            merged(again.documents), expected
        )
        exported = invoke("export", str(imported), "--lang", lang, "--out", str(second))
        assert exported.exit_code == 0, exported.stderr
        assert _cells(second) == _cells(first), _first_difference(_cells(second), _cells(first))
