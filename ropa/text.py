"""Text from data made safe for one line of human-readable output.

Every plain-text line ropa prints (findings, diff lines, table cells, messages on stderr)
passes the values in it through `one_line`. Without it a name holding a line break followed
by `::error ...::` becomes a workflow command that a CI runner obeys, an escape sequence
repaints the terminal, and a bidi override shows text in another order than it is stored.
Machine formats (JSON, SARIF, CSV, the workbook) carry values whole and escape them in their
own syntax; HTML and Markdown escape them in theirs.
"""

from __future__ import annotations

import re

# Characters no record text may hold, wherever they stand (ropa.loader refuses them, ROPA002)
# and that a plain-text line shows escaped:
# - C1 controls (incl. NEL) and DEL: they act on terminals (C0 controls: see below);
# - U+2028/U+2029: PyYAML counts them as line breaks, which shifts every later line number;
# - Unicode's default-ignorable code points (DerivedCoreProperties.txt), which render as
#   nothing: bidi controls and marks (text shown in another order than it is stored),
#   zero-width spaces, the soft hyphen, Hangul fillers, invisible operators, tag characters,
#   a BOM inside the text: two names that look the same would differ. Kept are those that
#   scripts need to be written at all: the joiners U+200C/U+200D (Persian, Indic scripts,
#   emoji), variation selectors U+FE00-U+FE0F and U+E0100-U+E01EF (emoji and CJK forms)
#   and the Mongolian free variation selectors U+180B-U+180D and U+180F;
# - interlinear annotation characters U+FFF9-U+FFFB (hidden text);
# - noncharacters (U+FDD0-U+FDEF and the last two code points of every plane): XML 1.0
#   forbids U+FFFE/U+FFFF, so the workbook and the feed would not be well-formed;
# - surrogates, which only an escape (or a file name that is not UTF-8) can produce.
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
DEFAULT_IGNORABLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e00ff\U000e01f0-\U000e0fff"
)
NEVER = "\x7f-\x9f\u2028\u2029\ufff9-\ufffb\ud800-\udfff" + DEFAULT_IGNORABLE + NONCHARACTERS


class CharacterSet:
    """Finds the first character of a set in a long text at C speed.

    `ranges` is the inside of a regular expression's character class written with literal
    characters (`"\\x00-\\x1f\\u2028"`, as NEVER is). `re` checks a class that reaches
    beyond U+FFFF range by range, about 70 ns a character: a second of a 14 MB record. Here
    the text's UTF-8 is first stripped of every ASCII character outside the set (a C pass,
    ~1 ns a byte); what is left (the text's other characters, in order: a few percent of a
    Swedish or Finnish text, nothing of an English one) is searched with the class, and the
    first character found there is the first in the text.
    """

    def __init__(self, ranges: str) -> None:
        self.ranges = ranges
        self.exact = re.compile(f"[{ranges}]")
        self._built: tuple[bytes, re.Pattern[str]] | None = None

    def _build(self) -> tuple[bytes, re.Pattern[str]]:
        # Built at the first search, so that importing stays cheap.
        innocent = bytes(b for b in range(128) if not self.exact.match(chr(b)))
        # The class's characters up to U+FFFF (a bitmap to re), and every character beyond,
        # each of which is then checked against the exact class.
        low = []
        index, ranges = 0, self.ranges
        while index < len(ranges):
            first = last = ranges[index]
            if index + 2 < len(ranges) and ranges[index + 1] == "-":
                last = ranges[index + 2]
                index += 2
            index += 1
            if ord(first) <= 0xFFFF:
                low.append(re.escape(first) + "-" + re.escape(chr(min(ord(last), 0xFFFF))))
        return innocent, re.compile(f"[{''.join(low)}\U00010000-\U0010ffff]")

    def search(self, text: str, utf8: bytes | None = None) -> re.Match[str] | None:
        """The first character of the set in `text`, as a match (`.start()`, `.group()`).
        `utf8` may give the text's UTF-8 (or that of the text before its line breaks were
        made LF: the set's line breaks, if any, are then looked for in `text` too)."""
        if self._built is None:
            self._built = self._build()
        innocent, candidates = self._built
        if utf8 is None:
            utf8 = text.encode("utf-8", "surrogatepass")
        rest = utf8.translate(None, innocent)
        if not rest:
            return None
        rest_text = rest.decode("utf-8", "surrogatepass")
        position = 0
        while (found := candidates.search(rest_text, position)) is not None:
            if self.exact.match(found.group()):
                # The first of its kind in the rest is the first of its kind in the text.
                return self.exact.match(text, text.index(found.group()))
            position = found.end()  # a character beyond U+FFFF outside the set
        return None


# Line breaks, tabs and every other C0 control too: none may stand raw in a line of text.
_UNSAFE = CharacterSet(f"\x00-\x1f{NEVER}")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def one_line(value: str) -> str:
    """`value` with every character that could break, hide or act on a line of text shown
    as an escape: `\\n`, `\\r`, `\\t`, `\\x1b`, `\\u2028`, `\\u202e`, `\\U000e0041`; a byte
    that is not UTF-8 in a file name as `\\xe9`. Other text, backslashes included, is
    unchanged, so an ordinary name reads as written.

    >>> one_line("Evil CRM\\n::error::x")
    'Evil CRM\\\\n::error::x'
    """
    if _UNSAFE.search(value) is None:
        return value
    return _UNSAFE.exact.sub(_escape, value)
