"""YAML written the way the shipped registers are: block style, two-space indents, list
entries under their key, long texts folded at 100 columns, and comments.

PyYAML cannot write comments, and its own layout differs from the registers', so documents
are written here; every scalar's style is chosen so that ropa's strict loader reads back
exactly the value given (`dump` checks that before returning, and raises if it does not).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ropa.loader import Document, LoadError, load_text
from ropa.text import one_line

Path = tuple[Any, ...]

WIDTH = 100
# Text that reads as itself when written plain: no indicator first, no ": " or " #", no
# characters that end or escape a plain scalar; what the strict loader or another YAML
# reader (YAML 1.1: yes/no/on/off, numbers, dates) would take for something else is quoted.
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:[^\n\t]*[^\s:])?$")
_LOOKALIKE = re.compile(
    r"^(?:~|null|true|false|yes|no|on|off|y|n|[-+]?[0-9._]+(?:e[-+]?[0-9]+)?|[-+]?\.inf|\.nan"
    r"|0x[0-9a-f_]+|0o?[0-7_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
    r"|\d{4}-\d\d?-\d\d?(?:[Tt ].*)?|<<|=)$",
    re.IGNORECASE,
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FOLDABLE = re.compile(r"^\S(?:[^\n\t]*\S)?$")


class WriteError(Exception):
    """The written YAML would not read back as the value given (a bug: report it)."""


def dump(
    document: Mapping[str, Any],
    comments: Mapping[Path, list[str]] | None = None,
    header: list[str] | None = None,
    name: str = "<import>",
) -> str:
    """`document` as YAML text; `comments[path]` are comment lines written above the entry
    at `path` (keys and 0-based list positions from the document's root); `header` lines
    open the file. Raises WriteError if the text does not load back as `document`."""
    return dump_loaded(document, comments, header, name)[0]


def dump_loaded(
    document: Mapping[str, Any],
    comments: Mapping[Path, list[str]] | None = None,
    header: list[str] | None = None,
    name: str = "<import>",
) -> tuple[str, Document]:
    """`dump`, with the text as ropa's loader read it back (named `name` in findings)."""
    out: list[str] = [
        f"# {one_line(part)}".rstrip()
        for line in header or []
        for part in line.splitlines() or [""]
    ]
    if out:
        out.append("")
    writer = _Writer(out, comments or {})
    for number, (key, value) in enumerate(document.items()):
        if number and out and out[-1]:
            out.append("")
        writer.entry(str(key), value, 0, (key,))
    text = "\n".join(out) + "\n"
    try:
        loaded = load_text(text, name)
    except LoadError as exc:
        raise WriteError(exc.problem.format()) from None
    if loaded.data != dict(document):
        raise WriteError(f"{name}: the YAML written does not read back as the value imported")
    return text, loaded


class _Writer:
    def __init__(self, out: list[str], comments: Mapping[Path, list[str]]) -> None:
        self.out = out
        self.comments = comments

    def _comment(self, path: Path, indent: int) -> None:
        for line in self.comments.get(path, ()):
            for part in line.splitlines() or [""]:
                # A comment shows a sheet's name or a cell's text: never a character the
                # record's files may not hold (a bidi override in a sheet name, say).
                self.out.append(f"{' ' * indent}# {one_line(part)}".rstrip())

    def entry(self, key: str, value: Any, indent: int, path: Path, comment: bool = True) -> None:
        """`key: value` at `indent`, with the comments on `path` above it."""
        if comment:
            self._comment(path, indent)
        pad = " " * indent
        if isinstance(value, dict) and value:
            self.out.append(f"{pad}{key}:")
            for sub, item in value.items():
                self.entry(str(sub), item, indent + 2, (*path, sub))
        elif isinstance(value, list) and value:
            self.out.append(f"{pad}{key}:")
            self.items(value, indent + 2, path)
        else:
            self.scalar(f"{pad}{key}:", value, indent + 2)

    def items(self, values: list[Any], indent: int, path: Path) -> None:
        pad = " " * indent
        for position, value in enumerate(values):
            here = (*path, position)
            self._comment(here, indent)
            if isinstance(value, dict) and value:
                for number, (sub, item) in enumerate(value.items()):
                    if number:
                        self.entry(str(sub), item, indent + 2, (*here, sub))
                        continue
                    # The first key shares the "- " line, its comments go above that line.
                    self._comment((*here, sub), indent)
                    start = len(self.out)
                    self.entry(str(sub), item, indent + 2, (*here, sub), comment=False)
                    self.out[start] = f"{pad}- {self.out[start][indent + 2 :]}"
            elif isinstance(value, list) and value:
                self.out.append(f"{pad}-")
                self.items(value, indent + 2, here)
            else:
                self.scalar(f"{pad}-", value, indent + 2)

    def scalar(self, lead: str, value: Any, indent: int) -> None:
        """`lead value`, in the style that reads back as `value`."""
        if value is None:
            self.out.append(f"{lead} null")
        elif isinstance(value, bool):
            self.out.append(f"{lead} {'true' if value else 'false'}")
        elif isinstance(value, int):
            self.out.append(f"{lead} {value}")
        elif isinstance(value, dict):
            self.out.append(f"{lead} {{}}")
        elif isinstance(value, list):
            self.out.append(f"{lead} []")
        elif isinstance(value, str):
            self._string(lead, value, indent)
        else:
            raise WriteError(f"cannot write a {type(value).__name__} as YAML")

    def _string(self, lead: str, value: str, indent: int) -> None:
        pad = " " * indent
        fits = len(lead) + 1 + len(value) <= WIDTH
        plain = _PLAIN.match(value) and (not _LOOKALIKE.match(value) or _DATE.match(value))
        if plain and ": " not in value and " #" not in value and fits:
            self.out.append(f"{lead} {value}")
        elif "\n" not in value and _FOLDABLE.match(value) and not fits and "  " not in value:
            # Folded: lines break at single spaces; the loader joins them with one space.
            self.out.append(f"{lead} >-")
            self.out += [pad + line for line in _fold(value, WIDTH - indent)]
        elif "\n" in value and _literal_safe(value):
            self.out.append(f"{lead} |-")
            self.out += [(pad + line) if line else "" for line in value.split("\n")]
        elif "\n" not in value and "\t" not in value and value.isprintable():
            self.out.append(f"{lead} '" + value.replace("'", "''") + "'")
        else:
            self.out.append(f"{lead} {json.dumps(value, ensure_ascii=False)}")


def _literal_safe(value: str) -> bool:
    """Whether a literal block (`|-`) keeps `value` exactly and visibly: no space or break
    first (the indentation would be misread), none last (`-` strips final breaks), no tabs
    or trailing spaces (kept, but invisible and easily lost by editors)."""
    if value[:1] in (" ", "\n") or value[-1:] in ("\n", " ") or "\t" in value:
        return False
    return all(line == line.rstrip() and line.isprintable() for line in value.split("\n"))


def _fold(value: str, width: int) -> list[str]:
    """`value` in lines of at most `width` characters where it can break (a word longer
    than that stays whole), at single spaces only."""
    lines: list[str] = []
    words = value.split(" ")
    line = words[0]
    for word in words[1:]:
        if len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line += " " + word
    lines.append(line)
    return lines
