"""Every YAML hazard the strict loader must refuse or neutralise, with both parsers.

The libyaml and pure-Python parsers must agree on data and on the exact position and text
of every error, so the same file gives the same answer on every machine.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ropa.errors import UsageError
from ropa.loader import COMPOSERS, MAX_FILE_BYTES, LoadError, load_bytes, load_file, load_text

PARSERS = sorted(COMPOSERS)


def _error(raw: bytes, composer: str) -> str:
    with pytest.raises(LoadError) as caught:
        load_bytes(raw, "f.yaml", composer)
    return caught.value.problem.format()


def test_both_parsers_are_available() -> None:
    assert PARSERS == ["c", "python"]


@pytest.mark.parametrize("composer", PARSERS)
def test_scalars_keep_their_written_form(composer: str) -> None:
    raw = (
        b"country: NO\nflag: on\nanswer: yes\npostal_code: 00100\nphone: +358401234567\n"
        b"mobile: 0401234567\ndate: 2022-11-02\nnordic_date: 2.11.2022\nopens: 9:00\n"
        b"octal: 010\nhex: 0x1F\nversion: 1.5\nnan: .nan\nbig: 1_000\n"
        b"months: 24\nnegative: -3\nzero: 0\nyes_bool: true\nno_bool: false\nTrue_word: True\n"
        b"nothing: ~\nnull_word: null\nempty:\n"
    )
    data = load_bytes(raw, "f.yaml", composer).data
    assert data == {
        "country": "NO",
        "flag": "on",
        "answer": "yes",
        "postal_code": "00100",
        "phone": "+358401234567",
        "mobile": "0401234567",
        "date": "2022-11-02",
        "nordic_date": "2.11.2022",
        "opens": "9:00",
        "octal": "010",
        "hex": "0x1F",
        "version": "1.5",
        "nan": ".nan",
        "big": "1_000",
        "months": 24,
        "negative": -3,
        "zero": 0,
        "yes_bool": True,
        "no_bool": False,
        "True_word": "True",
        "nothing": None,
        "null_word": None,
        "empty": None,
    }


@pytest.mark.parametrize("composer", PARSERS)
def test_norway_as_a_list_item_and_key(composer: str) -> None:
    data = load_bytes(b"countries: [FI, NO, SE]\nNO: Norway\n", "f.yaml", composer).data
    assert data == {"countries": ["FI", "NO", "SE"], "NO": "Norway"}


HAZARDS = {
    "duplicate key": (
        b"a: 1\nb:\n  c: 1\n  c: 2\n",
        "f.yaml:4:3 error ROPA003 duplicate key 'c' (first defined on line 3)",
    ),
    "duplicate key in flow mapping": (
        b"dpa: {signed: true, signed: false}\n",
        "f.yaml:1:21 error ROPA003 duplicate key 'signed' (first defined on line 1)",
    ),
    "byte order mark inside the text": (
        b"a: 1\nb: x\xef\xbb\xbfy\n",
        "f.yaml:2:5 error ROPA002 invisible character U+FEFF ZERO WIDTH NO-BREAK SPACE is not"
        " allowed",
    ),
    "utf-16": (b"\xff\xfea\x00:\x00", "f.yaml:1:1 error ROPA002 file is UTF-16; save it as UTF-8"),
    "invalid utf-8 (latin-1)": (
        b"a: 1\nb: caf\xe9\n",
        "f.yaml:2:7 error ROPA002 invalid UTF-8 (byte 0xE9); save the file as UTF-8",
    ),
    "tab indentation": (
        b"a:\n\tb: 1\n",
        "f.yaml:2:1 error ROPA002 tab character; indent and separate with spaces (tabs may only"
        " appear in quoted strings)",
    ),
    "tab inside a plain value": (
        b"system: Visma\tNetvisor\n",
        "f.yaml:1:14 error ROPA002 tab character; indent and separate with spaces (tabs may only"
        " appear in quoted strings)",
    ),
    "tab after the colon": (
        b"a:\tx\n",
        "f.yaml:1:3 error ROPA002 tab character; indent and separate with spaces (tabs may only"
        " appear in quoted strings)",
    ),
    "empty file": (b"", "f.yaml:1:1 error ROPA005 file is empty"),
    "only comments": (b"# nothing yet\n\n", "f.yaml:1:1 error ROPA005 file is empty"),
    "only a document marker": (b"---\n", "f.yaml:1:1 error ROPA005 file is empty"),
    "two documents": (
        b"a: 1\n---\nb: 2\n",
        "f.yaml:2:1 error ROPA005 only one YAML document per file is allowed (found a second '---')",
    ),
    "top-level list": (
        b"- processors\n",
        "f.yaml:1:1 error ROPA005 the top level must be a mapping of sections such as"
        " 'controller:' or 'registers:'",
    ),
    "top-level scalar": (
        b"hello\n",
        "f.yaml:1:1 error ROPA005 the top level must be a mapping of sections such as"
        " 'controller:' or 'registers:'",
    ),
    "python object tag": (
        b"a: !!python/object/apply:os.system [echo pwned]\n",
        "f.yaml:1:4 error ROPA004 tag !!python/object/apply:os.system is not allowed; only plain"
        " strings, numbers, true/false, lists and mappings",
    ),
    "verbatim tag": (
        b"a: !<tag:yaml.org,2002:python/object/apply:os.system> [x]\n",
        "f.yaml:1:4 error ROPA004 tag !!python/object/apply:os.system is not allowed; only plain"
        " strings, numbers, true/false, lists and mappings",
    ),
    "local tag": (
        b"a: !include /etc/passwd\n",
        "f.yaml:1:4 error ROPA004 tag !include is not allowed; only plain strings, numbers,"
        " true/false, lists and mappings",
    ),
    "binary": (
        b"a: !!binary aGVsbG8=\n",
        "f.yaml:1:4 error ROPA004 tag !!binary is not allowed; only plain strings, numbers,"
        " true/false, lists and mappings",
    ),
    "set": (
        b"a: !!set {x, y}\n",
        "f.yaml:1:4 error ROPA004 tag !!set is not allowed; only plain strings, numbers,"
        " true/false, lists and mappings",
    ),
    "explicit timestamp": (
        b"a: !!timestamp 2022-02-30\n",
        "f.yaml:1:4 error ROPA004 tag !!timestamp is not allowed; only plain strings, numbers,"
        " true/false, lists and mappings",
    ),
    "explicit int that is not one": (
        b"a: !!int 0x1F\n",
        "f.yaml:1:4 error ROPA004 '0x1F' is not a valid int",
    ),
    "merge key": (
        b"base: &b {signed: true}\ndpa:\n  <<: *b\n",
        "f.yaml:3:3 error ROPA004 merge keys ('<<') are not supported; write the keys out",
    ),
    "boolean key": (b"true: 1\n", "f.yaml:1:1 error ROPA004 key 'true' must be a string; quote it"),
    "integer key": (
        b"24: months\n",
        "f.yaml:1:1 error ROPA004 key '24' must be a string; quote it",
    ),
    "mapping key": (
        b"? [a, b]\n: c\n",
        "f.yaml:1:3 error ROPA004 mapping keys must be plain strings, not lists or mappings",
    ),
    "recursive alias": (
        b"processors: &p [{subprocessors: *p}]\n",
        "f.yaml:1:33 error ROPA004 recursive alias: a node contains itself",
    ),
    "flow nesting 100 deep": (
        b"a: " + b"[" * 100 + b"]" * 100 + b"\n",
        "f.yaml:1:67 error ROPA004 nesting deeper than 64 levels",
    ),
    "flow nesting 10000 deep": (
        b"a: " + b"[" * 10000 + b"]" * 10000 + b"\n",
        "f.yaml:1:67 error ROPA004 nesting deeper than 64 levels",
    ),
    "block nesting 80 deep": (
        b"".join(b"  " * i + b"k:\n" for i in range(80)) + b"  " * 80 + b"v\n",
        "f.yaml:65:129 error ROPA004 nesting deeper than 64 levels",
    ),
    "escaped control character": (
        b'a: "\\e[2J\\e[31mred"\n',
        "f.yaml:1:4 error ROPA002 control character U+001B is not allowed in a value",
    ),
    "lone surrogate escape": (
        b'a: "\\ud800"\n',
        "f.yaml:1:4 error ROPA002 unpaired surrogate U+D800 is not allowed in a value",
    ),
    "raw control character": (
        b"a: x\x1by\n",
        "f.yaml:1:5 error ROPA002 control character U+001B is not allowed",
    ),
    "line separator": (
        "a: Visma\u2028Netvisor\n".encode(),
        "f.yaml:1:9 error ROPA002 line separator U+2028 LINE SEPARATOR is not allowed",
    ),
    "next line (NEL)": (
        "a: x\nb: Visma\u0085Netvisor\n".encode(),
        "f.yaml:2:9 error ROPA002 control character U+0085 is not allowed",
    ),
    "bidi override": (
        "name: \u202eevil\n".encode(),
        "f.yaml:1:7 error ROPA002 bidi control U+202E RIGHT-TO-LEFT OVERRIDE is not allowed",
    ),
    **{
        f"invisible U+{ord(char):04X}": (
            f"name: Cloud{char}CRM\n".encode(),
            f"f.yaml:1:12 error ROPA002 {described} is not allowed",
        )
        for char, described in [
            ("\u200b", "invisible character U+200B ZERO WIDTH SPACE"),
            ("\u2060", "invisible character U+2060 WORD JOINER"),
            ("\u2063", "invisible character U+2063 INVISIBLE SEPARATOR"),
            ("\u180e", "invisible character U+180E MONGOLIAN VOWEL SEPARATOR"),
            ("\U000e0041", "invisible character U+E0041 TAG LATIN CAPITAL LETTER A"),
            ("\u200f", "bidi control U+200F RIGHT-TO-LEFT MARK"),
            ("\u200e", "bidi control U+200E LEFT-TO-RIGHT MARK"),
            ("\u061c", "bidi control U+061C ARABIC LETTER MARK"),
            ("\u2067", "bidi control U+2067 RIGHT-TO-LEFT ISOLATE"),
            ("\ufdd0", "noncharacter U+FDD0"),
            ("\u00ad", "invisible character U+00AD SOFT HYPHEN"),
            ("\u3164", "invisible character U+3164 HANGUL FILLER"),
            ("\u115f", "invisible character U+115F HANGUL CHOSEONG FILLER"),
            ("\u034f", "invisible character U+034F COMBINING GRAPHEME JOINER"),
            ("\U0001d173", "invisible character U+1D173 MUSICAL SYMBOL BEGIN BEAM"),
            ("\U0001fffe", "noncharacter U+1FFFE"),
        ]
    },
    **{
        f"escaped noncharacter {escape}": (
            f'name: "Bad{escape}Name"\n'.encode(),
            f"f.yaml:1:7 error ROPA002 noncharacter {code} is not allowed in a value",
        )
        for escape, code in [
            ("\\uFFFE", "U+FFFE"),
            ("\\uffff", "U+FFFF"),
            ("\\U0010FFFF", "U+10FFFF"),
        ]
    },
    "merge conflict": (
        b"a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> other\n",
        "f.yaml:2:1 error ROPA001 unresolved merge conflict: keep the lines you want between"
        " '<<<<<<<' and '>>>>>>>' and remove the markers",
    ),
    "merge conflict in a list": (
        b"registers:\n  - id: a\n<<<<<<< ours\n  - id: b\n=======\n  - id: c\n>>>>>>> theirs\n",
        "f.yaml:3:1 error ROPA001 unresolved merge conflict: keep the lines you want between"
        " '<<<<<<<' and '>>>>>>>' and remove the markers",
    ),
    "syntax error": (
        b"name: Visma: Netvisor\n",
        "f.yaml:1:12 error ROPA001 mapping values are not allowed here",
    ),
    "unclosed quote": (
        b'a: "abc\n',
        "f.yaml:2:1 error ROPA001 while scanning a quoted scalar that starts at line 1, column 4;"
        " found unexpected end of stream",
    ),
}


@pytest.mark.parametrize("composer", PARSERS)
@pytest.mark.parametrize("name", sorted(HAZARDS))
def test_hazard_is_refused_with_position(name: str, composer: str) -> None:
    raw, expected = HAZARDS[name]
    assert _error(raw, composer) == expected


@pytest.mark.parametrize("composer", PARSERS)
def test_joiners_that_scripts_need_are_kept(composer: str) -> None:
    # Persian "mi-khaham" with a zero width non-joiner; a family emoji joined by ZWJ.
    names = [
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        "\U0001f468\u200d\U0001f469",
        "\u2764\ufe0f",  # an emoji variation selector
        "\u845b\U000e0100",  # an ideographic variation selector
        "\u1820\u180b",  # a Mongolian free variation selector
    ]
    for name in names:
        assert load_text(f"name: {name}\n", "f.yaml", composer).data == {"name": name}


@pytest.mark.parametrize("composer", PARSERS)
def test_alias_bomb_is_refused_quickly(composer: str) -> None:
    lines = [b"a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [".encode() + b", ".join([f"*{prev}".encode()] * 9) + b"]")
    raw = b"\n".join(lines) + b"\n"
    assert len(raw) < 1000
    started = time.perf_counter()
    message = _error(raw, composer)
    assert time.perf_counter() - started < 2
    assert message == "f.yaml:5:8 error ROPA004 aliases expand to more than 10000 nodes"


@pytest.mark.parametrize("composer", PARSERS)
def test_merge_key_bomb_is_refused(composer: str) -> None:
    lines = [b"m0: &m0 {k: v}"]
    for i in range(1, 9):
        refs = b", ".join([f"*m{i - 1}".encode()] * 9)
        lines.append(f"m{i}: &m{i} ".encode() + b"{<<: [" + refs + b"]}")
    message = _error(b"\n".join(lines) + b"\n", composer)
    assert (
        message
        == "f.yaml:2:10 error ROPA004 merge keys ('<<') are not supported; write the keys out"
    )


@pytest.mark.parametrize("composer", PARSERS)
def test_modest_alias_reuse_is_allowed(composer: str) -> None:
    raw = b"base: &t {sv: Webbinarier}\nx: *t\ny: *t\n"
    data = load_bytes(raw, "f.yaml", composer).data
    assert data["x"] == data["y"] == {"sv": "Webbinarier"}


@pytest.mark.parametrize("composer", PARSERS)
def test_tabs_inside_quoted_and_block_scalars_are_kept(composer: str) -> None:
    raw = b'a: "Visma\tNetvisor"\nb: |\n  x\ty\n'
    assert load_bytes(raw, "f.yaml", composer).data == {"a": "Visma\tNetvisor", "b": "x\ty\n"}


@pytest.mark.parametrize("composer", PARSERS)
def test_crlf_line_endings_are_fine(composer: str) -> None:
    assert load_bytes(b"a: 1\r\nb: two\r\n", "f.yaml", composer).data == {"a": 1, "b": "two"}


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(LoadError) as caught:
        load_file(big, "big.yaml")
    assert caught.value.problem.format() == (
        f"big.yaml:1:1 error ROPA002 file is {MAX_FILE_BYTES + 1:,} bytes;"
        f" the limit is {MAX_FILE_BYTES:,} bytes (set ROPA_MAX_FILE_BYTES to raise it, or split"
        " the file)"
    )


def test_the_file_limit_is_settable_and_holds_at_its_boundary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ROPA_MAX_FILE_BYTES sets the limit: a file of exactly that size is read, one byte more
    is refused before it is read; the variable's own value is checked."""
    from typer.testing import CliRunner

    from ropa.cli import app

    root = Path(__file__).resolve().parent
    record = (root / "cases" / "minimal" / "record" / "ropa.yaml").read_bytes()
    path = tmp_path / "record.yaml"
    path.write_bytes(record)
    monkeypatch.setenv("ROPA_MAX_FILE_BYTES", str(len(record)))
    assert load_file(path).data
    path.write_bytes(record + b"\n")
    with pytest.raises(LoadError) as caught:
        load_file(path, "record.yaml")
    assert caught.value.problem.message == (
        f"file is {len(record) + 1:,} bytes; the limit is {len(record):,} bytes (set"
        " ROPA_MAX_FILE_BYTES to raise it, or split the file)"
    )
    for bad in ("16MB", "0", str(2**30 + 1)):
        monkeypatch.setenv("ROPA_MAX_FILE_BYTES", bad)
        result = CliRunner().invoke(app, ["validate", str(path)])
        assert result.exit_code == 2
        assert result.stderr == (
            f"ropa: error: ROPA_MAX_FILE_BYTES={bad!r}: give a whole number of bytes from 1 to"
            " 1,073,741,824\n"
        )


def test_unreadable_path_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load_file(tmp_path / "missing.yaml", "missing.yaml")
    assert caught.value.problem.rule == "ROPA005"
    assert caught.value.problem.message.startswith("cannot read file:")


def test_positions_of_an_unchanged_file_are_found(tmp_path: Path) -> None:
    # The loader keeps no copy of a file's text; a position is found by reading it again.
    file = tmp_path / "r.yaml"
    file.write_text("controller:\n  name: Askele Ab\n", encoding="utf-8")
    doc = load_file(file)
    assert doc.root.value[0][1].value[0][1].start_mark.line == 1


def test_a_file_changed_after_loading_is_not_given_wrong_positions(tmp_path: Path) -> None:
    file = tmp_path / "r.yaml"
    file.write_text("controller:\n  name: Askele Ab\n", encoding="utf-8")
    doc = load_file(file)
    file.write_text("# a new first line\ncontroller:\n  name: Askele Ab\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"r\.yaml: the file changed while it was being checked"):
        _ = doc.root


def test_a_byte_order_mark_at_the_start_changes_nothing(tmp_path: Path) -> None:
    """YAML 1.2 allows a BOM at the start of a stream; Windows editors write one. The file
    gives the same data and the same problems, at the same lines and columns, as without."""
    from ropa.validate import validate

    plain = tmp_path / "plain" / "record.yaml"
    marked = tmp_path / "marked" / "record.yaml"
    for path in (plain, marked):
        path.parent.mkdir()
    text = (Path(__file__).parent / "shared_cases" / "06-dangling-intros.yaml").read_bytes()
    plain.write_bytes(text)
    marked.write_bytes(b"\xef\xbb\xbf" + text)
    assert load_file(marked).data == load_file(plain).data
    found = [
        [(p.line, p.column, p.rule, p.message) for p in validate(path).problems]
        for path in (plain, marked)
    ]
    assert found[0] == found[1] and found[0]
