"""Strict YAML loading: one parse that keeps line/column marks and refuses ambiguous input.

PyYAML's safe loader reads YAML 1.1: `NO` becomes False, `00100` becomes 64, dates become
`datetime.date`, duplicate keys silently keep the last value and aliases can expand without
bound. A record of processing activities must not change meaning on the way in, so this
module composes the node tree with PyYAML's parser (libyaml when available) and builds plain
data from it itself:

- only `true` and `false` are booleans, only plain decimal integers without leading zeros are
  integers, `null`/`~`/empty are null; everything else (`NO`, `on`, `00100`, `2022-11-02`,
  `9:00`, `1.5`) is a string;
- duplicate keys, non-string keys, merge keys and every tag outside str/int/bool/null/seq/map
  are errors;
- size, nesting depth and alias expansion are bounded, recursive aliases rejected;
- invalid UTF-8 (a byte order mark at the start is allowed, as YAML 1.2 allows it), tabs
  outside quoted strings, control and bidi characters,
  empty files, several documents and a non-mapping top level are errors.

Every error carries the file's line and column. Errors always come from the pure parser, so
messages do not depend on whether libyaml is installed; libyaml, used for speed, accepts a few
inputs the pure scanner rejects (a comment right after a block scalar indicator, `>#`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ropa.errors import UsageError
from ropa.limits import FILE_BYTES
from ropa.problem import Problem, Severity
from ropa.text import NEVER, CharacterSet

MAX_FILE_BYTES = FILE_BYTES.default  # ROPA_MAX_FILE_BYTES sets another (ropa.limits)


def max_file_bytes() -> int:
    """The largest record file read, in bytes: $ROPA_MAX_FILE_BYTES, else 16 MiB. Raises
    UsageError (exit 2) for a value that is not a whole number from 1 to 1 GiB."""
    return FILE_BYTES.value()


def too_large(size: int, limit: int) -> str:
    """The finding for a file of `size` bytes over the limit."""
    return FILE_BYTES.over(size, limit, "or split the file")


BOM = b"\xef\xbb\xbf"  # UTF-8's byte order mark
MAX_DEPTH = 64
# Beyond 15 digits an integer is no count, period or age a record holds, JSON readers lose
# its precision (2**53) and Python refuses to convert one of 4,300 digits.
MAX_INT_DIGITS = 15
# Nodes reachable through aliases beyond their first use. A register needs none; a few
# thousand allow honest reuse while an 800-byte "billion laughs" file is refused at once.
MAX_ALIAS_EXPANSION = 10_000

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"

RULE_SYNTAX = "ROPA001"
RULE_CHARACTERS = "ROPA002"
RULE_DUPLICATE_KEY = "ROPA003"
RULE_CONSTRUCT = "ROPA004"
RULE_DOCUMENT = "ROPA005"

# A line git writes where a merge left a conflict in the file.
_CONFLICT = re.compile(r"^<{7}(?: |$)", re.MULTILINE)
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_RE = re.compile(r"^(?:true|false)$")
_INT_RE = re.compile(r"^-?(?:0|[1-9][0-9]*)$")

# The characters no record text may hold: ropa.text.NEVER, with the reasons.
_FORBIDDEN_IN_TEXT = CharacterSet(f"\x00-\x08\x0b\x0c\x0e-\x1f{NEVER}")
# Inside values, escapes such as "\e" or "\r" can produce characters the file may not hold.
_FORBIDDEN_IN_VALUE = CharacterSet(f"\x00-\x08\x0b-\x1f{NEVER}")


class StrictResolver(yaml.resolver.BaseResolver):
    """Resolves plain scalars to null, `true`/`false` and decimal integers; all else is str."""

    # PyYAML reads this class attribute; a fresh dict keeps SafeLoader's resolvers out.
    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012


StrictResolver.add_implicit_resolver(NULL_TAG, _NULL_RE, ["~", "n", "N", ""])
StrictResolver.add_implicit_resolver(BOOL_TAG, _BOOL_RE, ["t", "f"])
StrictResolver.add_implicit_resolver(INT_TAG, _INT_RE, list("-0123456789"))

# The same answers as a table, for the libyaml composer's fast `resolve`.
_PLAIN_TAGS = {
    **dict.fromkeys(("~", "null", "Null", "NULL", ""), NULL_TAG),
    **dict.fromkeys(("true", "false"), BOOL_TAG),
}
_INT_FIRST = frozenset("-0123456789")


class _DepthLimitError(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__("too deep")
        self.mark = mark


class PyComposer(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    StrictResolver,
):
    """The pure-Python parser, with a depth limit that fires before Python's recursion limit."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        StrictResolver.__init__(self)
        self._depth = 0

    def compose_scalar_node(self, anchor: Any) -> ScalarNode:
        event = self.peek_event()
        if event.tag == "!" and event.value == "":
            # The non-specific tag makes a scalar a string (YAML 1.2, 6.9.1), as libyaml
            # reads it; PyYAML's parser reads an empty one as null.
            event.implicit = (False, False)
        node: ScalarNode = super().compose_scalar_node(anchor)
        return node

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            event = self.peek_event()
            if self._depth > MAX_DEPTH and isinstance(
                event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)
            ):
                raise _DepthLimitError(event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# PyYAML wheels ship libyaml on every platform we support; without it, the pure parser serves.
_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)

if _CParser is not None:

    class CComposer(_CParser, StrictResolver):
        """libyaml's parser and composer with the strict resolver.

        libyaml calls back into Python to resolve every scalar's tag; `resolve` here gives
        StrictResolver's answers with a dictionary look-up instead of its regex walk, and
        the path-resolver hooks are no-ops (there are none): a load takes a fifth less time.
        """

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            StrictResolver.__init__(self)

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            return None

        def ascend_resolver(self) -> None:
            return None

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is ScalarNode:
                if implicit[0]:
                    tag = _PLAIN_TAGS.get(value)
                    if tag is not None:
                        return tag
                    if value[:1] in _INT_FIRST and _INT_RE.match(value):
                        return INT_TAG
                return STR_TAG
            return SEQ_TAG if kind is SequenceNode else MAP_TAG

    COMPOSERS: dict[str, type] = {"c": CComposer, "python": PyComposer}
    DEFAULT_COMPOSER = "c"
else:  # pragma: no cover
    COMPOSERS = {"python": PyComposer}
    DEFAULT_COMPOSER = "python"


@dataclass(frozen=True, eq=False)
class Document:
    """One loaded file: its display name, plain data and where its text can be had again.

    The node tree with line and column marks is composed again only when a problem needs a
    position (`root`): keeping every file's tree costs three times the memory of its data,
    and a file on disk is not even kept as text (it is read again, and must be unchanged).
    """

    name: str
    data: dict[str, Any]
    source: Callable[[], str] = field(repr=False)
    composer: str = DEFAULT_COMPOSER

    @property
    def text(self) -> str:
        """The text the data was read from (line breaks normalised)."""
        return self.source()

    @functools.cached_property
    def root(self) -> MappingNode:
        """The node tree with marks (composed on first use, then kept)."""
        node = _compose(self.text, self.name, self.composer)
        assert isinstance(node, MappingNode)  # it was, when the file was loaded
        return node


class _InMemory:
    """The source of a document loaded from text: the text itself."""

    def __init__(self, text: str) -> None:
        self._text = text

    def __call__(self) -> str:
        return self._text


class _OnDisk:
    """The source of a document loaded from a file: the file, read again, if unchanged."""

    def __init__(self, path: Path, name: str, digest: int) -> None:
        self._path, self._name, self._digest = path, name, digest

    def __call__(self) -> str:
        try:
            raw = self._path.read_bytes()
        except OSError:
            raw = None
        if raw is None or zlib.crc32(raw) != self._digest:
            raise UsageError(
                f"{self._name}: the file changed while it was being checked; run again"
            )
        return normalise(raw.removeprefix(BOM).decode("utf-8"))


class LoadError(Exception):
    """A file that cannot be read as a strict YAML mapping; carries one located problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem


def _fail(name: str, line: int, column: int, rule: str, message: str) -> LoadError:
    return LoadError(Problem(name, line, column, Severity.ERROR, rule, message))


def _at(name: str, mark: Any, rule: str, message: str) -> LoadError:
    return _fail(name, mark.line + 1, mark.column + 1, rule, message)


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _describe(char: str) -> str:
    """`invisible character U+200B ZERO WIDTH SPACE`: its kind, code point and Unicode name."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "control character"
    elif char in "\u2028\u2029":
        kind = "line separator"
    elif char in "\u061c\u200e\u200f" or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = "bidi control"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "unpaired surrogate"
    elif 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        kind = "noncharacter"
    else:
        kind = "invisible character"
    name = unicodedata.name(char, "")
    return f"{kind} U+{code:04X}" + (f" {name}" if name else "")


def forbidden_character(text: str, in_value: bool = True) -> tuple[int, str] | None:
    """The first character in `text` that no record text may hold, as (index, description
    such as "invisible character U+200B ZERO WIDTH SPACE"), or None. `in_value` (the
    default) also refuses CR, which a file's text may hold as a line break but a value may
    not."""
    bad = (_FORBIDDEN_IN_VALUE if in_value else _FORBIDDEN_IN_TEXT).search(text)
    return (bad.start(), _describe(bad.group())) if bad else None


def load_file(path: Path, name: str | None = None, composer: str | None = None) -> Document:
    """Load one YAML file strictly; `name` is how problems refer to it."""
    display = name if name is not None else str(path)
    limit = max_file_bytes()
    try:
        size = path.stat().st_size
        if size > limit:  # before a byte is read
            raise _fail(display, 1, 1, RULE_CHARACTERS, too_large(size, limit))
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(display, 1, 1, RULE_DOCUMENT, f"cannot read file: {exc.strerror}") from None
    document = load_bytes(raw, display, composer)
    return dataclasses.replace(document, source=_OnDisk(path, display, zlib.crc32(raw)))


def load_bytes(raw: bytes, name: str, composer: str | None = None) -> Document:
    """Load YAML from bytes strictly; see the module docstring for what is refused."""
    limit = max_file_bytes()
    if len(raw) > limit:
        raise _fail(name, 1, 1, RULE_CHARACTERS, too_large(len(raw), limit))
    # YAML 1.2 allows a byte order mark at the start of a stream, and Windows editors write
    # one: the file reads as it would without it (positions included).
    raw = raw.removeprefix(BOM)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(name, 1, 1, RULE_CHARACTERS, "file is UTF-16; save it as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start]
        line = prefix.count(b"\n") + 1
        column = len(prefix[prefix.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise _fail(
            name,
            line,
            column,
            RULE_CHARACTERS,
            f"invalid UTF-8 (byte 0x{raw[exc.start]:02X}); save the file as UTF-8",
        ) from None
    return load_text(text, name, composer, utf8=raw)


def normalise(text: str) -> str:
    """Line breaks as LF (YAML reads CRLF and a lone CR as line breaks too)."""
    if "\r" in text:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def load_text(
    text: str, name: str, composer: str | None = None, utf8: bytes | None = None
) -> Document:
    """Load YAML from decoded text strictly; `utf8`, when given, is the text's own UTF-8 (the
    check for forbidden characters then need not encode it again)."""
    # YAML reads CRLF and a lone CR (old Mac files) as line breaks, as PyYAML's marks do;
    # normalising first keeps every position this module computes itself in step with them.
    text = normalise(text)
    bad = _FORBIDDEN_IN_TEXT.search(text, utf8)
    if bad:
        line, column = _line_col(text, bad.start())
        raise _fail(
            name,
            line,
            column,
            RULE_CHARACTERS,
            f"{_describe(bad.group())} is not allowed",
        )
    composer = composer or DEFAULT_COMPOSER
    try:
        try:
            return _build(text, name, composer)
        except LoadError:
            if composer == "python":
                raise
            # Errors are always the pure parser's, so that messages and positions do not
            # depend on whether libyaml is installed (it accepts a few inputs the pure
            # scanner rejects).
            return _build(text, name, "python")
    except LoadError:
        conflict = _CONFLICT.search(text)
        if conflict is None:
            raise
        # The parser's message ("while scanning a simple key...") would hide the cause.
        line = text.count("\n", 0, conflict.start()) + 1
        raise _fail(
            name,
            line,
            1,
            RULE_SYNTAX,
            "unresolved merge conflict: keep the lines you want between '<<<<<<<' and"
            " '>>>>>>>' and remove the markers",
        ) from None


def _build(text: str, name: str, composer: str) -> Document:
    root = _compose(text, name, composer)
    if root is None or (isinstance(root, ScalarNode) and not root.value):
        raise _fail(name, 1, 1, RULE_DOCUMENT, "file is empty")
    if "\t" in text:
        _check_tabs(text, root, name)
    if not isinstance(root, MappingNode):
        raise _at(
            name,
            root.start_mark,
            RULE_DOCUMENT,
            "the top level must be a mapping of sections such as 'controller:' or 'registers:'",
        )
    data = _Constructor(name, text).construct(root)
    return Document(name=name, data=data, source=_InMemory(text), composer=composer)


def _compose(text: str, name: str, composer: str) -> Node | None:
    """Compose the node tree; libyaml is fast on valid input, the pure parser explains errors."""
    parser = COMPOSERS[composer](text)
    try:
        node: Node | None = parser.get_single_node()
        return node
    except (yaml.YAMLError, _DepthLimitError) as exc:
        if composer != "python":
            return _compose(text, name, "python")
        raise _translate(exc, text, name) from None
    finally:
        parser.dispose()


def _translate(exc: Exception, text: str, name: str) -> LoadError:
    if isinstance(exc, _DepthLimitError):
        return _at(name, exc.mark, RULE_CONSTRUCT, f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if isinstance(exc, yaml.composer.ComposerError) and "expected a single document" in str(
            exc.context
        ):
            return _at(
                name,
                mark,
                RULE_DOCUMENT,
                "only one YAML document per file is allowed (found a second '---')",
            )
        if mark is not None and _char_at(text, mark) == "\t":
            return _at(name, mark, RULE_CHARACTERS, _TAB_MESSAGE)
        return _at(name, mark, RULE_SYNTAX, _yaml_message(exc))
    return _fail(name, 1, 1, RULE_SYNTAX, str(exc).splitlines()[0])


def _char_at(text: str, mark: Any) -> str:
    lines = text.split("\n", mark.line + 1)
    if mark.line < len(lines):
        line = lines[mark.line]
        if mark.column < len(line):
            return line[mark.column]
    return ""


_TAB_MESSAGE = (
    "tab character; indent and separate with spaces (tabs may only appear in quoted strings)"
)


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    context = exc.context
    start, end = exc.context_mark, exc.problem_mark
    if context and start is not None and end is not None and start.line != end.line:
        context += f" that starts at line {start.line + 1}, column {start.column + 1}"
    parts = [p for p in (context, exc.problem) if p]
    return "; ".join(parts) if parts else "invalid YAML"


def _check_tabs(text: str, root: Node, name: str) -> None:
    """Allow tabs only inside quoted or block scalars, where they are part of the value."""
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    stack: list[Node] = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            if node.style in ("'", '"', "|", ">"):
                spans.append(
                    (
                        (node.start_mark.line, node.start_mark.column),
                        (node.end_mark.line, node.end_mark.column),
                    )
                )
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    for match in re.finditer("\t", text):
        line, column = _line_col(text, match.start())
        here = (line - 1, column - 1)
        if not any(start <= here < end for start, end in spans):
            raise _fail(name, line, column, RULE_CHARACTERS, _TAB_MESSAGE)


_PENDING = object()


class _Constructor:
    """Builds plain dicts, lists and scalars from the node graph, enforcing the limits.

    Hot path: a record has hundreds of thousands of nodes and usually no alias, so the alias
    bookkeeping costs one dictionary entry per collection; expansion sizes are counted only
    when an alias is actually used, and strings are checked for forbidden characters only
    where an escape can put one there (double-quoted scalars; the text was checked as a whole).
    """

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        # id(collection node) -> its value, or _PENDING while it is being built.
        self.done: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        self.expanded = 0
        self.alias_uses = 0

    def _alias_error(self, node: Node, message: str) -> LoadError:
        # The node graph keeps no trace of where an alias was written (it is the anchored node
        # itself), so find the alias by its rank among the aliases to collections in the text.
        mark = _alias_mark(self.text, self.alias_uses) or node.start_mark
        return _at(self.name, mark, RULE_CONSTRUCT, message)

    def construct(self, node: Node, depth: int = 1) -> Any:
        kind = node.__class__
        if kind is ScalarNode:
            return self._scalar(node)
        if depth > MAX_DEPTH:
            raise _at(
                self.name,
                node.start_mark,
                RULE_CONSTRUCT,
                f"nesting deeper than {MAX_DEPTH} levels",
            )
        key = id(node)
        done = self.done
        if key in done:
            # A second use of an anchored collection.
            self.alias_uses += 1
            value = done[key]
            if value is _PENDING:
                raise self._alias_error(node, "recursive alias: a node contains itself")
            self.expanded += self._size(node)
            if self.expanded > MAX_ALIAS_EXPANSION:
                raise self._alias_error(
                    node, f"aliases expand to more than {MAX_ALIAS_EXPANSION} nodes"
                )
            return value
        done[key] = _PENDING
        if kind is MappingNode:
            value = self._mapping(node, depth)
        elif kind is SequenceNode:
            value = self._sequence(node, depth)
        else:  # pragma: no cover - the composer makes only these three
            raise _at(self.name, node.start_mark, RULE_CONSTRUCT, "unsupported node")
        done[key] = value
        return value

    def _size(self, node: Node) -> int:
        """Nodes in the tree under `node`, aliases expanded (keys count too)."""
        if node.__class__ is ScalarNode:
            return 1
        key = id(node)
        size = self.sizes.get(key)
        if size is None:
            if isinstance(node, MappingNode):
                size = 1 + sum(1 + self._size(value) for _, value in node.value)
            else:
                size = 1 + sum(self._size(child) for child in node.value)
            self.sizes[key] = size
        return size

    def _sequence(self, node: Any, depth: int) -> list[Any]:
        if node.tag != SEQ_TAG:
            raise self._tag_error(node)
        construct = self.construct
        depth += 1
        return [construct(child, depth) for child in node.value]

    def _mapping(self, node: Any, depth: int) -> dict[str, Any]:
        if node.tag != MAP_TAG:
            raise self._tag_error(node)
        result: dict[str, Any] = {}
        construct = self.construct
        depth += 1
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                raise _at(
                    self.name,
                    key_node.start_mark,
                    RULE_CONSTRUCT,
                    "mapping keys must be plain strings, not lists or mappings",
                )
            if key_node.tag != STR_TAG:
                if key_node.tag in (INT_TAG, BOOL_TAG, NULL_TAG):
                    raise _at(
                        self.name,
                        key_node.start_mark,
                        RULE_CONSTRUCT,
                        f"key {key_node.value!r} must be a string; quote it",
                    )
                raise self._tag_error(key_node)
            key = key_node.value
            style = key_node.style
            # libyaml reports the plain style as "", the pure parser as None.
            if not style and key == "<<":
                raise _at(
                    self.name,
                    key_node.start_mark,
                    RULE_CONSTRUCT,
                    "merge keys ('<<') are not supported; write the keys out",
                )
            if style == '"':
                self._check_string(key, key_node)
            if key in result:
                first = next(k for k, _ in node.value if k.value == key)
                raise _at(
                    self.name,
                    key_node.start_mark,
                    RULE_DUPLICATE_KEY,
                    f"duplicate key {key!r} (first defined on line {first.start_mark.line + 1})",
                )
            result[intern(key)] = construct(value_node, depth)
        return result

    def _scalar(self, node: Any) -> Any:
        tag, value = node.tag, node.value
        if tag == STR_TAG or tag == "!":
            if node.style == '"':
                self._check_string(value, node)
            # Short values (ids, codes, units) repeat across a record: share one copy.
            return intern(value) if len(value) <= 24 else value
        if tag == NULL_TAG and _NULL_RE.match(value):
            return None
        if tag == BOOL_TAG and _BOOL_RE.match(value):
            return value == "true"
        if tag == INT_TAG and _INT_RE.match(value):
            if len(value.lstrip("-")) > MAX_INT_DIGITS:
                raise _at(
                    self.name,
                    node.start_mark,
                    RULE_CONSTRUCT,
                    f"the number {value[:20]}... ({len(value.lstrip('-'))} digits) is too large;"
                    f" a record's numbers have at most {MAX_INT_DIGITS} digits",
                )
            return int(value)
        if tag in (NULL_TAG, BOOL_TAG, INT_TAG):
            raise _at(
                self.name,
                node.start_mark,
                RULE_CONSTRUCT,
                f"{value!r} is not a valid {tag.rsplit(':', 1)[-1]}",
            )
        raise self._tag_error(node)

    def _check_string(self, value: str, node: Node) -> None:
        bad = _FORBIDDEN_IN_VALUE.search(value)
        if bad:
            raise _at(
                self.name,
                node.start_mark,
                RULE_CHARACTERS,
                f"{_describe(bad.group())} is not allowed in a value",
            )

    def _tag_error(self, node: Node) -> LoadError:
        tag = node.tag
        shown = (
            "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag
        )
        return _at(
            self.name,
            node.start_mark,
            RULE_CONSTRUCT,
            f"tag {shown} is not allowed; only plain strings, numbers, true/false, lists"
            " and mappings",
        )


def _alias_mark(text: str, rank: int) -> Any:
    """The mark of the rank-th alias (1-based) that refers to an anchored list or mapping.

    The constructor meets collection aliases in document order, once each, so this rank
    identifies the alias it was reading when a limit was hit.
    """
    collections: set[str] = set()
    seen = 0
    parser = PyComposer(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent):
                if anchor in collections:
                    seen += 1
                    if seen == rank:
                        return event.start_mark
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if anchor:
                    collections.add(anchor)
            elif isinstance(event, yaml.ScalarEvent) and anchor:
                collections.discard(anchor)
    except yaml.YAMLError:  # pragma: no cover - the text was parsed once already
        return None
    finally:
        parser.dispose()
    return None
