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

# Line breaks and tabs, C0 and C1 controls, DEL, line and paragraph separators, bidi
# controls and marks, zero-width and other invisible characters, and the lone surrogates
# that stand for bytes that are not UTF-8 in a file name (Python's surrogateescape).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff]"
)
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
    return _UNSAFE.sub(_escape, value)
