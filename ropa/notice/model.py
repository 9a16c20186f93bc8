"""A published page as data: sections of blocks of statements, each statement with the record
fields it was made from.

Templates lay these out and add no facts: headings, captions and column labels are the only
text of their own. That is what lets `ropa render --explain` show, for every sentence of a
public page, the file and line it came from, and what keeps an absent field absent from the
page (no field, no statement).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Union

from ropa.locate import position
from ropa.problem import json_path
from ropa.record import Place


@dataclass(frozen=True, slots=True)
class Link:
    """A link inside a statement: the text shown and where it goes (https: or mailto:)."""

    text: str
    href: str
    # A link to another of ropa's own pages (e.g. "changelog.sv"): the template adds the
    # extension of the format it writes; written by ropa, never taken from data.
    internal: bool = False


Span = Union[str, Link]  # noqa: UP007 - a runtime alias, evaluated on Python 3.10 too
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True, slots=True)
class Statement:
    """One sentence (or list item, or table cell) of a page and the fields it states.

    `sources` are the record fields the statement was built from; a statement with none is a
    `frame`: text that says nothing about the processing (a definition, a heading).
    """

    parts: tuple[Span, ...]
    sources: tuple[Place, ...] = ()
    frame: bool = False

    @property
    def text(self) -> str:
        """The statement as plain text (links as their text)."""
        return "".join(p if isinstance(p, str) else p.text for p in self.parts)

    def __bool__(self) -> bool:
        return any(p.text if isinstance(p, Link) else p for p in self.parts)


def fill(message: str, sources: Iterable[Place], **values: Span | Statement) -> Statement:
    """A translated message with its `%(name)s` placeholders filled, keeping links as links.

    A value may be a statement itself: its parts are inlined and its sources added. A value
    that ends in a full stop ("Example B.V.") takes the place of the message's own full stop
    right after it, so that no sentence ends in two.
    """
    parts: list[Span] = []
    found = list(sources)
    for text, name in _pieces(message):
        if text:
            parts.append(_after(parts, text))
        if name:
            value = values[name]
            if isinstance(value, Statement):
                parts.extend(value.parts)
                found.extend(value.sources)
            else:
                parts.append(value)
    return Statement(_merge(parts), _unique(found))


@functools.lru_cache(maxsize=4096)
def _pieces(message: str) -> tuple[tuple[str, str], ...]:
    """The message as (text, placeholder name after it) pairs; a page fills the same few
    hundred messages tens of thousands of times."""
    pieces = []
    position_ = 0
    for match in _PLACEHOLDER.finditer(message):
        pieces.append((message[position_ : match.start()], match.group(1)))
        position_ = match.end()
    if position_ < len(message):
        pieces.append((message[position_:], ""))
    return tuple(pieces)


def _after(parts: list[Span], text: str) -> str:
    """`text` of a message, less its leading full stop where the value before ends in one."""
    before = parts[-1] if parts else ""
    before_text = before if isinstance(before, str) else before.text
    if text.startswith(".") and before_text.endswith(".") and not text.startswith(".."):
        return text[1:]
    return text


def _merge(parts: list[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return tuple(merged)


# Whether statements keep the fields they were made from (`keeping_sources`): the audit view
# (`render --explain`) shows them; an ordinary page does not, and on a large record they
# are a third of the model's memory.
_KEEP_SOURCES: contextvars.ContextVar[bool] = contextvars.ContextVar("sources", default=True)


@contextlib.contextmanager
def keeping_sources(keep: bool) -> Iterator[None]:
    """Within this block, statements are made with their sources, or (False) without."""
    token = _KEEP_SOURCES.set(keep)
    try:
        yield
    finally:
        _KEEP_SOURCES.reset(token)


def _unique(places: Iterable[Place]) -> tuple[Place, ...]:
    if not _KEEP_SOURCES.get():
        return ()
    given = tuple(places)
    if len(given) < 2:
        return given
    seen: dict[tuple[str, tuple[str | int, ...]], Place] = {}
    for place in given:
        seen.setdefault((place.doc.name, place.path), place)
    return tuple(seen.values())


def plain(text: str, *sources: Place) -> Statement:
    """A statement made of one text (a name, a description) written in the record."""
    return Statement((text,) if text else (), _unique(sources))


def frame(text: str) -> Statement:
    """Text that asserts nothing about the processing: a definition or a heading."""
    return Statement((text,), (), frame=True)


_ENDS = (".", "!", "?", "…", ":", ";")


def terminated(statement: Statement) -> Statement:
    """The statement as a sentence: a full stop added where the record's text has none.

    Texts written in the record ("Keeping our service secure") are often phrases; where the
    page uses one as a sentence, it gets the full stop that makes it one; after a link, the
    full stop stands outside it.
    """
    if not statement.parts:
        return statement
    if not isinstance(statement.parts[-1], str):
        return Statement((*statement.parts, "."), statement.sources, statement.frame)
    if statement.parts[-1].rstrip().endswith(_ENDS):
        return statement
    return Statement((*statement.parts[:-1], statement.parts[-1].rstrip() + "."),
                     statement.sources, statement.frame)  # fmt: skip


def join(statements: Sequence[Statement], separator: str = " ") -> Statement:
    """Several statements as one (e.g. sentences of one paragraph shown as one cell).

    Joined with a space, each statement is a sentence and ends with a full stop.
    """
    parts: list[Span] = []
    for index, statement in enumerate(s for s in statements if s):
        if index:
            parts.append(separator)
        if separator == " ":
            statement = terminated(statement)
        parts.extend(statement.parts)
    return Statement(_merge(parts), _unique(p for s in statements if s for p in s.sources))


# --- blocks ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Statements shown as one paragraph."""

    statements: tuple[Statement, ...]
    kind: str = "paragraph"


@dataclass(frozen=True, slots=True)
class Items:
    """A list of statements, with the sentence that leads into it (never shown alone)."""

    lead: Statement | None
    items: tuple[Statement, ...]
    kind: str = "items"


@dataclass(frozen=True, slots=True)
class Table:
    """A table of statements: one statement per cell."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Statement, ...], ...]
    kind: str = "table"


@dataclass(frozen=True, slots=True)
class Subsection:
    """A heading and its blocks, shown only when it has blocks."""

    heading: Statement
    blocks: tuple[Block, ...]
    id: str = ""
    kind: str = "subsection"


Block = Union[Paragraph, Items, Table, Subsection]  # noqa: UP007


@dataclass(frozen=True)
class Section:
    """A part of a page with its own heading (an `<h2>`)."""

    id: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Page:
    """One page in one language: a title, an opening and sections."""

    name: str
    lang: str
    title: str
    opening: tuple[Block, ...]
    sections: tuple[Section, ...]
    footer: tuple[Statement, ...] = ()

    def statements(self) -> Iterable[Statement]:
        """Every statement of the page, in reading order."""
        yield from _statements(self.opening)
        for section in self.sections:
            yield from _statements(section.blocks)
        yield from self.footer


def _statements(blocks: Iterable[Block]) -> Iterable[Statement]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield from block.statements
        elif isinstance(block, Items):
            if block.lead is not None:
                yield block.lead
            yield from block.items
        elif isinstance(block, Table):
            for row in block.rows:
                yield from row
        else:
            yield block.heading
            yield from _statements(block.blocks)


@dataclass
class Blocks:
    """Collects the blocks of a section, dropping what would say nothing.

    An empty paragraph, a list without items (its lead-in goes too), a table without rows and
    a heading without content never reach the page.
    """

    blocks: list[Block] = field(default_factory=list)

    def paragraph(self, *statements: Statement | None) -> None:
        kept = tuple(terminated(s) for s in statements if s)
        if kept:
            self.blocks.append(Paragraph(kept))

    def items(self, lead: Statement | None, items: Iterable[Statement]) -> None:
        kept = tuple(s for s in items if s)
        if kept:
            self.blocks.append(Items(lead, kept))

    def table(
        self, caption: str, columns: Sequence[str], rows: Iterable[Sequence[Statement]]
    ) -> None:
        kept = tuple(tuple(row) for row in rows)
        if kept:
            self.blocks.append(Table(caption, tuple(columns), kept))

    def subsection(self, heading: Statement, blocks: Blocks, id: str = "") -> None:
        if blocks.blocks:
            self.blocks.append(Subsection(heading, tuple(blocks.blocks), id))

    def extend(self, other: Blocks) -> None:
        self.blocks.extend(other.blocks)

    def section(self, id: str, heading: str) -> Section | None:
        return Section(id, heading, tuple(self.blocks)) if self.blocks else None


# --- where a statement comes from ----------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """A source field as an auditor reads it: `registers/customers.yaml:12:9 $.registers[0]…`."""

    file: str
    line: int
    column: int
    path: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column} {self.path}"


def origin(place: Place) -> Origin:
    """The file, line and column of a source field (reads the file's node tree once)."""
    line, column = position(place.doc.root, place.path, at_key=True)
    return Origin(place.doc.name, line, column, json_path(place.path))
