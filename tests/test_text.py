"""One sanitiser for every plain-text line (`ropa.text.one_line`): a line break, control or
bidi character from data or a file name is shown escaped, so it can neither start a new line
that a CI runner reads as a workflow command nor act on a terminal (hostile case 24)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa.cli import app
from ropa.text import NEVER, CharacterSet, one_line

BASE = Path(__file__).parent / "shared_cases" / "hostile" / "base" / "registers"
runner = CliRunner()

# A character from data, and how a plain-text line shows it.
ESCAPED = {
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\x1b": "\\x1b",
    "\x07": "\\x07",
    "\x7f": "\\x7f",
    "\x85": "\\x85",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
    "\u202e": "\\u202e",
    "\u2066": "\\u2066",
    "\u200b": "\\u200b",
    "\u200f": "\\u200f",
    "\ufeff": "\\ufeff",
    "\U000e0041": "\\U000e0041",
    "\u00ad": "\\xad",  # soft hyphen
    "\u3164": "\\u3164",  # Hangul filler
    "\u034f": "\\u034f",
    "\U0001d173": "\\U0001d173",
    "\udce9": "\\xe9",  # a byte that is not UTF-8 in a file name (surrogateescape)
}


@pytest.mark.parametrize(("char", "shown"), ESCAPED.items())
def test_every_unsafe_character_is_shown_escaped(char: str, shown: str) -> None:
    assert one_line(f"Evil{char}::error::x") == f"Evil{shown}::error::x"


@pytest.mark.parametrize(
    "text",
    [
        "Visma Netvisor",
        "C:\\Users\\dpo",
        "Łódź ☃ 東京",
        "\U0001f468\u200d\U0001f469",
        "\u2764\ufe0f",
    ],
)
def test_ordinary_text_reads_as_written(text: str) -> None:
    assert one_line(text) is text


def _record(tmp_path: Path, name: str, system: str, entity: str) -> Path:
    folder = tmp_path / name / "registers"
    shutil.copytree(BASE, folder)
    processors = folder / "processors.yaml"
    quoted = {k: v.encode("unicode_escape").decode("ascii").replace('"', '\\"')
              for k, v in (("system", system), ("entity", entity))}  # fmt: skip
    processors.write_text(
        processors.read_text(encoding="utf-8")
        + f'\n  - id: evil\n    system: "{quoted["system"]}"\n'
        f'    legal_entity: "{quoted["entity"]}"\n    countries: [EU]\n    dpa: {{signed: true}}\n',
        encoding="utf-8",
    )
    customers = folder / "customers.yaml"
    customers.write_text(
        customers.read_text(encoding="utf-8").replace(
            "      - processor: cloudcrm",
            "      - processor: evil\n        purpose:\n          en: x\n"
            "      - processor: cloudcrm",
        ),
        encoding="utf-8",
    )
    return folder


INJECTIONS = [
    ("Evil CRM\n::error file=a,line=1::Injected", "Evil Inc.\n::add-mask::x"),
    ("Evil CRM\r::set-output name=approved::true", "Evil Inc.\u2028::warning::x"),
    ("Evil\x1b[2J\x1b]0;owned\x07 CRM", "Evil\u202eInc\u0085::notice::x"),
    ("Evil\tCRM\x0b::debug::x", "Evil\x0c\x1c::group::x"),
    ("Evil\tCRM\n\n::debug::x", "Evil Inc.\n ::group::x"),
]


@pytest.mark.parametrize(("system", "entity"), INJECTIONS)
def test_diff_text_shows_data_line_breaks_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system: str, entity: str
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(BASE, tmp_path / "old" / "registers")
    _record(tmp_path, "new", system, entity)
    valid = runner.invoke(app, ["validate", "new/registers"])
    if valid.exit_code == 2:
        # Refused at load (ROPA002, with file and line): then nothing reaches a page.
        assert " error ROPA002 " in valid.stdout
        return
    result = runner.invoke(app, ["diff", "old/registers", "new/registers"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        f"material  processors/evil: processor added: {one_line(system)}; {one_line(entity)};"
        " in EU [processor-added]",
        f"material  registers/customers: processor added: {one_line(system)} [processor-use-added]",
    ]
    assert not any(line.startswith("::") for line in result.output.splitlines())


@pytest.mark.parametrize(("system", "entity"), [INJECTIONS[0], INJECTIONS[-1]])
def test_processors_table_cells_hold_no_data_line_break(
    tmp_path: Path, system: str, entity: str
) -> None:
    folder = _record(tmp_path, "new", system, entity)
    result = runner.invoke(app, ["processors", str(folder)], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert one_line(system) in result.stdout
    assert one_line(entity) in result.stdout
    assert not any(line.lstrip("│| ").startswith("::") for line in result.stdout.splitlines())


@pytest.mark.parametrize("char", ["\n", "\r", "\x1b", "\u2028", "\u202e"])
def test_file_names_in_findings_and_listings_are_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, char: str
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(BASE, tmp_path / "rec")
    (tmp_path / "rec" / f"bad{char}::error::x.yaml").write_text("x: [\n", encoding="utf-8")
    shown = f"rec/bad{one_line(char)}::error::x.yaml"
    result = runner.invoke(app, ["--verbose", "validate", "rec"])
    assert result.exit_code == 2
    assert result.stdout == (
        f"{shown}:2:1 error ROPA001 while parsing a flow node; expected the node content,"
        " but found '<stream end>'\n"
    )
    assert f"read {shown}\n" in result.stderr
    # The machine formats carry the name whole, in their own escaping.
    as_json = runner.invoke(app, ["validate", "rec", "--format", "json"])
    assert f"rec/bad{char}::error::x.yaml" in __import__("json").loads(as_json.stdout)["files"]


def test_an_error_message_naming_a_path_stays_on_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "no\n::error::such"
    result = runner.invoke(app, ["validate", str(missing)])
    assert result.exit_code == 2
    assert result.stderr == f"ropa: error: {one_line(str(missing))}: no such file or directory\n"


# Whatever the console's encoding (a redirected Windows console is cp1252), machine formats
# are UTF-8 and human text shows what the encoding lacks as escapes: never a traceback.


def _ropa(args: list[str], cwd: Path, encoding: str) -> tuple[int, bytes, str]:
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "ropa", *args], cwd=cwd, capture_output=True, check=False,
        env={**os.environ, "PYTHONIOENCODING": encoding, "ROPA_TODAY": "2026-06-01"},
    )  # fmt: skip
    return done.returncode, done.stdout, done.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "latin-1"])
def test_machine_formats_are_utf8_whatever_the_console(tmp_path: Path, encoding: str) -> None:
    import json

    name = "Łódź ☃ 東京"
    _record(tmp_path, "rec", name, "Zaż Sp. z o.o.")
    code, out, err = _ropa(["processors", "rec/registers", "-f", "json"], tmp_path, encoding)
    assert code == 0 and "Traceback" not in err
    assert {row["system"] for row in json.loads(out.decode("utf-8"))["processors"]} >= {name}
    code, out, err = _ropa(["processors", "rec/registers", "-f", "csv"], tmp_path, encoding)
    assert code == 0 and name in out.decode("utf-8")
    code, out, err = _ropa(["validate", "rec/registers", "-f", "sarif"], tmp_path, encoding)
    assert code == 0 and json.loads(out.decode("utf-8"))["version"] == "2.1.0"


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_human_text_escapes_what_the_console_cannot_show(tmp_path: Path, encoding: str) -> None:
    _record(tmp_path, "rec", "Łódź ☃", "Zaż Sp. z o.o.")
    code, out, err = _ropa(["processors", "rec/registers"], tmp_path, encoding)
    assert code == 0 and "Traceback" not in err
    text = out.decode(encoding)
    assert "\\u0141" in text  # Ł, which neither cp1252 nor ascii has
    code, out, err = _ropa(["validate", "rec/registers"], tmp_path, encoding)
    assert code == 0 and "Traceback" not in err


def test_the_fast_search_finds_what_the_class_finds_for_every_code_point() -> None:
    """CharacterSet's shortcuts (a byte filter, a class up to U+FFFF, the rest one by one)
    find exactly the first character that the plain class finds, for every code point,
    after text of every UTF-8 width."""
    unsafe = CharacterSet(f"\x00-\x1f{NEVER}")
    plain = re.compile(f"[\x00-\x1f{NEVER}]")
    for code in range(0x110000):
        text = f"aå\u2013\U0001f600{chr(code)}x"
        fast, slow = unsafe.search(text), plain.search(text)
        assert (fast and (fast.start(), fast.group())) == (slow and (slow.start(), slow.group())), (
            hex(code)
        )
